#!/bin/sh
# bundle_memory.sh - kith import streams a bundle (issue 7 item 12): its
# peak memory does not grow with the bundle, even when the bundle is one
# author's single run, and a bundle damaged at its end is still refused as
# a whole after batches of it were applied.
#
# Peak RSS (ru_maxrss) of importing a small and a large bundle of one
# author each (one run each): the large one's peak may exceed the small
# one's by less
# than half of what the large bundle adds in bytes.  Holding the bundle's
# plaintext whole adds at least its size; holding one author's run whole
# (as one batch) adds several times its size.  Streaming adds about
# nothing once a batch is full (measured: +1 MB from 30,000 to 150,000
# changes, against a bound of 5 MB).  ASan's quarantine would hold freed
# memory, so it is turned off for these runs.
#
# KITH_MEM_SMALL and KITH_MEM_LARGE (changes) override the sizes.
. "$(dirname "$0")/lib.sh"

# the sanitizer build's peak memory is ASan's, not kith's; the plain build
# in `make test` measures it (its import path is the same code)
[ -n "${KITH_SAN:-}" ] && skip "peak memory of a sanitizer build says nothing about kith's; make test measures it"
MKCHANGES=$(dirname "$KITH")/tests/mkchanges
[ -x "$MKCHANGES" ] || skip "needs $MKCHANGES (make $(dirname "$KITH")/tests/mkchanges)"
SMALL=${KITH_MEM_SMALL:-30000}
LARGE=${KITH_MEM_LARGE:-150000}
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=0"
export ASAN_OPTIONS

T=$TMP_DIR
size() { wc -c <"$1" | tr -d ' '; }
# peak_kb HOME FILE: import FILE into HOME (its output into $T/out);
# prints "exit-code peak-rss-KB"
peak_kb() {
	"$PY" -S -E -c '
import resource, subprocess, sys
with open(sys.argv[1], "w") as out:
    rc = subprocess.run(sys.argv[2:], stdout=out,
                        stderr=subprocess.STDOUT).returncode
print(rc, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
' "$T/out" "$KITH" --home "$1" import "$2"
}

member "$T/s" Small || finish
community "$T/s" "Long Street" || finish
member "$T/l" Large || finish
join "$T/l" || finish
"$MKCHANGES" "$T/s" "$SMALL" >/dev/null || fail "mkchanges $SMALL"
"$MKCHANGES" "$T/l" "$LARGE" >/dev/null || fail "mkchanges $LARGE"
k "$T/s" --json export "$T/small.kb"
check_eq "export the small bundle" "$RC" 0
small_n=$(json "d['changes']")
k "$T/l" --json export "$T/large.kb"
check_eq "export the large bundle" "$RC" 0
large_n=$(json "d['changes']")

for r in rs rl; do
	member "$T/$r" "$r" || finish
	join "$T/$r" || finish
done

# damage near the end of a bundle of several batches: found after
# batches were applied inside the transaction
cp "$T/small.kb" "$T/damaged.kb"
n=$(size "$T/damaged.kb")
_v=$(od -An -tu1 -j "$((n - 40))" -N1 "$T/damaged.kb" | tr -d ' \n')
# shellcheck disable=SC2059 # the format is the byte, as an octal escape
printf "$(printf '\\%03o' $((_v ^ 1)))" |
	dd of="$T/damaged.kb" bs=1 seek="$((n - 40))" conv=notrunc 2>/dev/null
D=$(digest "$T/rs")
k "$T/rs" import "$T/damaged.kb"
check_eq "a bundle damaged at its end is refused" "$RC" 1
check_match "it says nothing was imported" "$ERR" "nothing was imported"
check_eq "and the replica is as it was" "$(digest "$T/rs")" "$D"

set -- $(peak_kb "$T/rs" "$T/small.kb")
check_eq "import of $SMALL changes exits 0" "$1" 0
check_match "and applies them all" "$(cat "$T/out")" "^applied $small_n new"
small_kb=$2
set -- $(peak_kb "$T/rl" "$T/large.kb")
check_eq "import of $LARGE changes exits 0" "$1" 0
check_match "and applies them all" "$(cat "$T/out")" "^applied $large_n new"
large_kb=$2

grown_kb=$((large_kb - small_kb))
added_kb=$((($(size "$T/large.kb") - $(size "$T/small.kb")) / 1024))
echo "# peak RSS: $small_kb KB for $SMALL changes, $large_kb KB for $LARGE" \
	"($added_kb KB more bundle)"
check "import memory grows by less than half the bundle's growth" \
	test "$grown_kb" -lt "$((added_kb / 2))"

finish
