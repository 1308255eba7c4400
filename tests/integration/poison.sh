#!/bin/sh
# A member signs a long run whose inner signatures are garbage (issue 7,
# finding 1) and hands it over as an ordinary bundle.  Before the fix, a
# daemon that imported it accepted the run on its newest signature, and
# every later session that cut the run failed ("bad signature" or "data
# exceeds its size limit") on every retry, so none of its other changes got
# through either.  Now:
#   - a run whose checkpoint signatures are garbage is refused where it
#     arrives, the same on every replica, and the import says so;
#   - a run whose checkpoints are good but garbage lies between them is kept,
#     and a daemon passes it on in runs it ends on checked signatures: the
#     neighbour takes all of it, and every honest change, with no session
#     failing.
. "$(dirname "$0")/lib.sh" "$1"

MKPOISON=$(dirname "$KITH")/tests/mkpoison
if [ ! -x "$MKPOISON" ]; then
	skip "$MKPOISON is not built (make $MKPOISON)"
fi

setup_community a b
"$MKPOISON" "$WORK/a" 3000 last "$WORK/last.kb" ||
	{ fail "mkpoison last"; finish; }
"$MKPOISON" "$WORK/a" 3000 between "$WORK/between.kb" ||
	{ fail "mkpoison between"; finish; }

out=$(kith_at a --json import "$WORK/last.kb" 2>&1)
echo "  import last: $out"
check "a run with garbage checkpoints is refused where it arrives" \
	sh -c "echo '$out' | grep -q '\"applied\":0,.*\"refused\":3000'"
out=$(kith_at a --json import "$WORK/between.kb" 2>&1)
echo "  import between: $out"
check "a run with good checkpoints is kept whole" \
	sh -c "echo '$out' | grep -q '\"applied\":3000'"
for i in 1 2 3 4 5; do
	kith_at a item add --title "honest $i" >/dev/null 2>&1 ||
		fail "honest write $i"
done

start_daemon a || { fail "daemon a starts"; finish; }
start_daemon b --peer "127.0.0.1:$(port_of a)" ||
	{ fail "daemon b starts"; finish; }
check "b takes everything a holds, over sessions" converged 60 a b
titles=$(kith_at b --json item list --search honest 2>/dev/null)
n=0
for i in 1 2 3 4 5; do
	echo "$titles" | grep -q "\"honest $i\"" && n=$((n + 1))
done
check "every honest change reached b" [ "$n" -eq 5 ]
check "no session failed on a signature" \
	sh -c "! grep -Eqi 'bad signature|exceeds its size limit' '$WORK/a.log' '$WORK/b.log'"
# a third node syncs once: one-shot runs are cut the same way
kith_at c init --name c >/dev/null 2>&1
kith_at c community join "$(kith_at a community invite 2>/dev/null)" >/dev/null 2>&1
check "a one-shot sync of the whole log works" \
	kith_at c sync "127.0.0.1:$(port_of b)" --timeout 60
check "and converges" converged 30 a b c
finish
