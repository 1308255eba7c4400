#!/bin/sh
# Faulty links between daemons (tests/integration/proxy.py on loopback).
# Daemon a holds a large replica; four fresh nodes, each with 300 changes
# of its own, run daemons whose only peer is a through one proxy, all at
# once.  What each must show within the window (FAULTS_WINDOW, 40 s):
#   delay 80 ms a chunk   converges through the proxy
#   trickle (1-7 bytes)   converges through the proxy
#   drop after 400 KB     the proxy cut connections, the node dialed again,
#                         and it converged through the retries: a's log is
#                         far more than 400 KB, so it can only get through
#                         if each new session resumes where the last left
#   flip bits, both ways  the first connection carries a flip for sure
#                         (s2c byte 500000, inside a CHANGES frame, unless
#                         a random flip came first; other flips are
#                         random): that connection must end (its frame
#                         fails authentication) and the node must dial
#                         again.  Then either
#                           converged: it holds exactly a's log and a
#                             holds exactly its own (records compared), or
#                           not yet: what it holds is a clean prefix of
#                             a's log (nothing corrupted, pending or
#                             forked) and it was still at work in the last
#                             10 s of the window (a new connection, or
#                             more of a's log arrived)
# Whatever the mode, no node ever holds a record of a's that differs from
# a's own, or a log with a hole, and no daemon dies.  Then the faults are
# removed (each node syncs with a directly), every digest is equal, and
# every replica passes integrity_check with nothing pending or forked.
#
# Facts come from the replicas and from the proxy's own event lines, not
# from the daemons' log wording.  The proxies' random choices come from
# FAULTS_SEED (default 1, printed at the start, so a failure can be
# replayed; chunk boundaries still depend on timing).
. "$(dirname "$0")/lib.sh" "$1"

PROXY=$(dirname "$0")/proxy.py
if ! command -v python3 >/dev/null 2>&1; then
	skip "python3 is needed for $PROXY"
fi
if ! command -v sqlite3 >/dev/null 2>&1; then
	skip "sqlite3 is needed to read the replicas"
fi
PROXY=$(cd "$(dirname "$PROXY")" && pwd)/proxy.py
N=${FAULTS_CHANGES:-10000}
WINDOW=${FAULTS_WINDOW:-40}
SEED=${FAULTS_SEED:-1}
echo "# proxy seed $SEED (FAULTS_SEED=$SEED repeats its choices)"

# start_proxy NAME TARGET_PORT MODE ARGS...: sets PPORT_<NAME>
start_proxy() {
	_n=$1
	shift
	python3 "$PROXY" "$@" --max-seconds $((WINDOW + 20)) --seed "$SEED" \
		>"$WORK/$_n.proxy.out" 2>"$WORK/$_n.proxy.log" &
	eval "PXPID_$_n=$!"
	PIDS="$PIDS $!"
	_i=0
	while [ $_i -lt 100 ] && [ ! -s "$WORK/$_n.proxy.out" ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	_p=$(head -n 1 "$WORK/$_n.proxy.out")
	if [ -z "$_p" ]; then
		echo "proxy $_n did not start:" >&2
		cat "$WORK/$_n.proxy.log" >&2
		return 1
	fi
	eval "PPORT_$_n=$_p"
}

# done_through NODE: NODE holds all of a's changes and a holds all of NODE's
done_through() {
	[ "$(head_of "$1" "$pk_a")" -eq "$head_a" ] &&
		[ "$(head_of a "$(pk_of "$1")")" -eq "$(head_of "$1" "$(pk_of "$1")")" ]
}

# records NODE AUTHOR_PK: NODE's items by AUTHOR, one sorted line each
records() {
	sq "$1" "SELECT lower(hex(id)), title, quantity, kind FROM items
		WHERE hex(author) = upper('$2') ORDER BY 1"
}
# same_records NODE: NODE holds exactly a's items and a exactly NODE's
same_records() {
	records "$1" "$pk_a" >"$WORK/$1.a-items"
	records "$1" "$(pk_of "$1")" >"$WORK/$1.own-items"
	records a "$(pk_of "$1")" >"$WORK/a.$1-items"
	cmp -s "$WORK/$1.a-items" "$WORK/a.a-items" &&
		cmp -s "$WORK/$1.own-items" "$WORK/a.$1-items" &&
		[ "$(wc -l <"$WORK/$1.own-items")" -eq "$own_items" ]
}
# clean NODE: every record of a's that NODE holds is a's own (no line that
# a lacks), every log it holds is whole (head = changes held), nothing is
# pending or forked
clean() {
	records "$1" "$pk_a" >"$WORK/$1.a-items"
	_bad=$(sq "$1" "SELECT count(*) FROM authors a WHERE a.head !=
		(SELECT count(*) FROM changes WHERE k >> 40 = a.n);
		SELECT count(*) FROM pending; SELECT count(*) FROM forks" |
		tr '\n' ' ')
	[ -z "$(LC_ALL=C comm -23 "$WORK/$1.a-items" "$WORK/a.a-items")" ] &&
		[ "$_bad" = "0 0 0 " ]
}
# proxy event counts: pev NODE WORD (open, drop, flip, close)
pev() { grep -c "^$2 " "$WORK/$1.proxy.log"; }

setup_community a
kith_at a item add --title "generator" --kind share >/dev/null || fail "item on a"
"$MKCHANGES" "$WORK/a" "$N" >/dev/null || fail "mkchanges on a"
pk_a=$(pk_of a)
head_a=$(head_of a "$pk_a")
records a "$pk_a" >"$WORK/a.a-items"
echo "# a holds $head_a changes of its own, $(wc -l <"$WORK/a.a-items") items"
code=$(kith_at a community invite 2>/dev/null)
start_daemon a

modes="delay trickle drop flip"
own_items=300
for m in $modes; do
	kith_at "$m" init --name "$m" >/dev/null 2>&1
	kith_at "$m" community join "$code" >/dev/null || fail "$m joins"
	"$MKCHANGES" "$WORK/$m" $own_items >/dev/null || fail "mkchanges on $m"
done
start_proxy delay "$PORT_a" delay 80
start_proxy trickle "$PORT_a" trickle
start_proxy drop "$PORT_a" drop 400000
# one sure flip inside the second CHANGES frame of the first connection,
# then random ones both ways
start_proxy flip "$PORT_a" flip 0.02 --both --at 500000:5
for m in $modes; do
	start_daemon "$m" --peer "127.0.0.1:$(eval "echo \$PPORT_$m")"
done

# let them work until all are through or the window closes; note when
# flip last showed work (a new connection, or more of a's log)
t0=$(date +%s)
end=$((t0 + WINDOW))
flip_seen=
flip_busy=$t0
while [ "$(date +%s)" -lt "$end" ]; do
	left=0
	for m in $modes; do
		done_through "$m" || left=1
	done
	now="$(pev flip open) $(head_of flip "$pk_a")"
	if [ "$now" != "$flip_seen" ]; then
		flip_seen=$now
		flip_busy=$(date +%s)
	fi
	[ $left -eq 0 ] && break
	sleep 0.5
done
t1=$(date +%s)
echo "# fault window: $((t1 - t0)) s"

for m in $modes; do
	through=0
	done_through "$m" && through=1
	echo "# $m: $(pev "$m" open) connections," \
		"holds $(head_of "$m" "$pk_a") of a's $head_a," \
		"$(pev "$m" flip) flips, $(pev "$m" drop) drops by the proxy"
	check "$m: daemon alive" kill -0 "$(pid_of "$m")"
	check "$m: holds only a's own records of a, whole logs, nothing pending or forked" \
		clean "$m"
	case $m in
	delay | trickle)
		check "$m: converged through the proxy" test $through -eq 1
		check "$m: holds exactly a's items, and a exactly its $own_items" \
			same_records "$m"
		;;
	drop)
		check "drop: the proxy cut connections" test "$(pev drop drop)" -ge 1
		check "drop: the node dialed again after a cut" \
			test "$(pev drop open)" -ge 2
		check "drop: converged through the retries (each resumed)" \
			test $through -eq 1
		check "drop: holds exactly a's items, and a exactly its $own_items" \
			same_records drop
		;;
	flip)
		# the placed flip, unless a random one broke connection 1 first
		grep -E '^(flip|close) 1 ' "$WORK/flip.proxy.log" | sed 's/^/# /'
		check "flip: the proxy flipped a bit in connection 1" \
			grep -q '^flip 1 ' "$WORK/flip.proxy.log"
		check "flip: connection 1 ended before the proxy's time was up" \
			sh -c "grep -q '^close 1 ' '$WORK/flip.proxy.log' &&
				! grep -q '^time is up' '$WORK/flip.proxy.log'"
		check "flip: the node dialed again" test "$(pev flip open)" -ge 2
		if [ $through -eq 1 ]; then
			check "flip: converged through retries: holds exactly a's items, and a exactly its $own_items" \
				same_records flip
		else
			echo "# flip: not through in the window; last at work" \
				"$((t1 - flip_busy)) s before its end"
			check "flip: not through, but still at work in the window's last 10 s" \
				test $((t1 - flip_busy)) -le 10
		fi
		;;
	esac
done
check "a: daemon alive" kill -0 "$PID_a"
bad=$(cat "$WORK"/*.log | grep -c -E 'runtime error|AddressSanitizer')
check "no sanitizer report" test "$bad" -eq 0

# remove the faults: no more proxies; each node syncs with a directly
for m in $modes; do
	kill "$(eval "echo \$PXPID_$m")" 2>/dev/null
done
for round in 1 2; do
	for m in $modes; do
		kith_at "$m" sync "127.0.0.1:$PORT_a" --timeout 20 >/dev/null ||
			fail "direct sync of $m with a (round $round)"
	done
done
check "everything converges once the faults are gone" \
	converged 20 a $modes
for m in $modes; do
	check "$m: holds exactly a's items, and a exactly its $own_items, once the faults are gone" \
		same_records "$m"
done
for n in a $modes; do
	check "$n: replica passes integrity_check, no forks, nothing pending" \
		test "$(sqlite3 "$WORK/$n/replica.db" 'PRAGMA integrity_check;
			SELECT count(*) FROM forks; SELECT count(*) FROM pending;' |
			tr '\n' ' ')" = "ok 0 0 "
done
for n in $modes a; do
	kill -TERM "$(pid_of "$n")"
	wait "$(pid_of "$n")"
	check "$n: daemon exits 0 on SIGTERM" test $? -eq 0
done
finish
