#!/bin/sh
# Faulty links between daemons (tests/integration/proxy.py on loopback).
# Daemon a holds a large replica; four fresh nodes, each with some changes
# of its own, run daemons whose only peer is a through one proxy, all at
# once:
#   delay 80 ms a chunk   must converge through the proxy
#   trickle (1-7 bytes)   must converge through the proxy
#   drop after 400 KB     converges through retries: a connection carries
#                         at least one whole CHANGES frame (256 KiB), and
#                         each new session resumes where the last one left
#   flip bits, both ways  sessions are dropped (frames fail authentication);
#                         converges through retries or cleanly retries.
#                         The first flip is placed (s2c byte 500000, inside
#                         a CHANGES frame); later ones are random
# Never a crash, never a bad apply (no "bad signatures", no "malformed
# CHANGES", no fork evidence, nothing pending).  Then the faults are
# removed (each node syncs with a directly) and everything converges, and
# every replica passes integrity_check.
. "$(dirname "$0")/lib.sh" "$1"

PROXY=$(dirname "$0")/proxy.py
if ! command -v python3 >/dev/null 2>&1; then
	echo "skipped: python3 is needed for $PROXY"
	exit 77
fi
if ! command -v sqlite3 >/dev/null 2>&1; then
	echo "skipped: sqlite3 is needed to read the replicas"
	exit 77
fi
PROXY=$(cd "$(dirname "$PROXY")" && pwd)/proxy.py
N=${FAULTS_CHANGES:-10000}
WINDOW=${FAULTS_WINDOW:-40}
SEED=${FAULTS_SEED:-$$}
echo "# proxy seed $SEED (FAULTS_SEED=$SEED repeats its choices)"

# start_proxy NAME TARGET_PORT MODE ARGS...: sets PPORT_<NAME>
start_proxy() {
	_n=$1
	shift
	python3 "$PROXY" "$@" --max-seconds 50 --seed "$SEED" \
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

# head_of NODE PK: NODE's head seq for author PK (0 if none)
head_of() {
	sqlite3 "$WORK/$1/replica.db" \
		"SELECT coalesce(max(head), 0) FROM authors WHERE hex(pk) = upper('$2')"
}
pk_of() { k "$1" --json whoami | sed 's/.*"id":"\([0-9a-f]*\)".*/\1/'; }

# done_through NODE: NODE holds all of a's changes and a holds all of NODE's
done_through() {
	[ "$(head_of "$1" "$pk_a")" -eq "$head_a" ] &&
		[ "$(head_of a "$(pk_of "$1")")" -eq "$(head_of "$1" "$(pk_of "$1")")" ]
}

# session lines of NODE's log about its proxy
plines() { grep -F "kith: session 127.0.0.1:$(eval "echo \$PPORT_$1"): " "$WORK/$1.log"; }
attempts() { plines "$1" | grep -c -E 'authenticated|handshake failed'; }
drops() {
	plines "$1" | grep -c -E 'connection lost|garbled frame|oversized frame|handshake (failed|timed out)|went quiet'
}

# a_drops NODE: sessions a dropped among those that came through NODE's proxy
a_drops() {
	for _p in $(sed -n 's/^port [0-9]* //p' "$WORK/$1.proxy.log"); do
		grep -F "kith: session 127.0.0.1:$_p: " "$WORK/a.log"
	done | grep -c -E 'connection lost|garbled frame|oversized frame|handshake (failed|timed out)|went quiet'
}

# retrying NODE: a session through NODE's proxy was dropped (by either
# side) and NODE dialed again
retrying() {
	[ $(($(drops "$1") + $(a_drops "$1"))) -ge 1 ] &&
		[ "$(attempts "$1")" -ge 2 ]
}

community a
k a item add --title "generator" --kind share >/dev/null
"$MKCHANGES" "$WORK/a" "$N" >/dev/null || notok "mkchanges on a"
pk_a=$(pk_of a)
head_a=$(head_of a "$pk_a")
echo "# a holds $head_a changes of its own"
code=$(k a community invite 2>/dev/null)
start_daemon a

modes="delay trickle drop flip"
for m in $modes; do
	k "$m" init --name "$m" >/dev/null 2>&1
	k "$m" community join "$code" >/dev/null
	"$MKCHANGES" "$WORK/$m" 300 >/dev/null || notok "mkchanges on $m"
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

# let them work until all are through or the window closes
t0=$(date +%s)
end=$((t0 + WINDOW))
while [ "$(date +%s)" -lt "$end" ]; do
	left=0
	for m in $modes; do
		done_through "$m" || left=1
	done
	[ $left -eq 0 ] && break
	sleep 0.5
done
echo "# fault window: $(($(date +%s) - t0)) s"

for m in $modes; do
	through=0
	done_through "$m" && through=1
	echo "# $m: $(attempts "$m") sessions, dropped $(drops "$m") by $m" \
		"and $(a_drops "$m") by a," \
		"holds $(head_of "$m" "$pk_a") of a's $head_a," \
		"$(grep -c '^flip' "$WORK/$m.proxy.log") flips," \
		"$(grep -c '^drop' "$WORK/$m.proxy.log") drops by the proxy"
	check "$m: daemon alive" kill -0 "$(pid_of "$m")"
	case $m in
	delay | trickle)
		check "$m: converged through the proxy" test $through -eq 1
		;;
	drop)
		check "drop: the proxy did drop connections" \
			test "$(grep -c '^drop' "$WORK/drop.proxy.log")" -ge 1
		check "drop: sessions dropped and retried" retrying drop
		check "drop: converged through the retries (each resumed)" \
			test $through -eq 1
		;;
	flip)
		check "flip: the proxy did flip bits" \
			test "$(grep -c '^flip' "$WORK/flip.proxy.log")" -ge 1
		check "flip: sessions with flipped bits were dropped" \
			test $(($(drops flip) + $(a_drops flip))) -ge 1
		if [ $through -eq 1 ]; then
			check "flip: converged through retries" retrying flip
		else
			check "flip: sessions dropped and retried" retrying flip
		fi
		;;
	esac
done
check "a: daemon alive" kill -0 "$PID_a"
bad=$(cat "$WORK"/*.log | grep -c -E 'bad signatures|malformed CHANGES|cannot apply|runtime error|AddressSanitizer')
check "no change was refused or half-applied anywhere" test "$bad" -eq 0

# remove the faults: no more proxies; each node syncs with a directly
for m in $modes; do
	kill "$(eval "echo \$PXPID_$m")" 2>/dev/null
done
for round in 1 2; do
	for m in $modes; do
		k "$m" sync "127.0.0.1:$PORT_a" --timeout 20 >/dev/null ||
			notok "direct sync of $m with a (round $round)"
	done
done
check "everything converges once the faults are gone" \
	converged 20 a $modes
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
