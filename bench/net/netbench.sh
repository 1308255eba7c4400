#!/bin/sh
# netbench.sh [BUILD] - kith daemons over loopback (127.0.0.1 only).
#
#   1. initial sync of 100,000 changes from a daemon (a) to an empty member
#      of the same community: (a) daemon to daemon (b's daemon started with
#      --peer a), (b) one-shot 'kith sync' of another empty member (c)
#   2. propagation of 200 writes among 5 daemons, in a line and in a full
#      mesh: write returned -> item visible on all 5 replicas
#   3. memory of an idle daemon holding those 100,000 changes
#
# Prints one table: name, value, target, ok / FAIL (info: no target).
# Exit status 0 when everything ran, whatever the verdicts (NETBENCH_STRICT=1
# makes a FAIL exit 1); 1 when something could not run.  Sizes:
# NETBENCH_CHANGES (100000), NETBENCH_WRITES (200).  Needs BUILD/kith,
# BUILD/tests/mkchanges ('make BUILD/tests/mkchanges') and python3 ($PYTHON)
# for the timing helper bench/net/nettime.py.  Every daemon is stopped on
# exit, also on SIGINT / SIGTERM; every wait is bounded.
# shellcheck disable=SC2154 # PID_<node>, PORT_<node>: set by start_daemon's eval
set -u

build=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)
N=${NETBENCH_CHANGES:-100000}
WRITES=${NETBENCH_WRITES:-200}
PY=${PYTHON:-python3}

case $build in
/*) ;;
*) build=$(pwd)/$build ;;
esac
KITH=$build/kith
MKCHANGES=$build/tests/mkchanges
for f in "$KITH" "$MKCHANGES"; do
	if [ ! -x "$f" ]; then
		echo "netbench: '$f' not found (run 'make $f')" >&2
		exit 1
	fi
done
if ! "$PY" -c 'import sqlite3, resource' 2>/dev/null; then
	echo "netbench: python3 with sqlite3 not found; skipping the network bench" >&2
	exit 0
fi
NT="$here/nettime.py"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/kith-netbench.XXXXXX") || exit 1
ROWS=$WORK/rows
PIDS=
: >"$ROWS"
# run copies, so a rebuild during the run cannot change or break them
mkdir "$WORK/bin" && cp "$KITH" "$MKCHANGES" "$WORK/bin/" || exit 1
KITH=$WORK/bin/kith
MKCHANGES=$WORK/bin/mkchanges

say() { printf 'netbench: %s\n' "$*" >&2; }
# nt OUT ARGS...: the helper, its stdout to OUT, in the background so a
# signal is handled at once (cleanup then stops it and what it started)
nt() {
	_out=$1
	shift
	"$PY" "$NT" "$@" >"$_out" &
	echo $! >"$WORK/nt.pid"
	wait $!
	_rc=$?
	rm -f "$WORK/nt.pid"
	return $_rc
}
k() { # k NODE ARGS...
	_n=$1
	shift
	"$KITH" --home "$WORK/$_n" "$@"
}

alive() { # a process that exists and is not a zombie
	[ -r "/proc/$1/status" ] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null
}

# stop_pid PID TENTHS: SIGTERM, wait up to TENTHS/10 s, then SIGKILL
stop_pid() {
	kill -TERM "$1" 2>/dev/null
	_i=0
	while alive "$1" && [ $_i -lt "$2" ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	alive "$1" && kill -KILL "$1" 2>/dev/null
	wait "$1" 2>/dev/null # reaps it when it was our child
	PIDS=$(printf ' %s ' $PIDS | sed "s/ $1 / /")
	return 0
}

cleanup() {
	trap - EXIT INT TERM HUP
	for p in $(cat "$WORK"/*.pid 2>/dev/null) $PIDS; do
		alive "$p" && stop_pid "$p" 20
	done
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

die() {
	say "$*"
	exit 1
}

# start_daemon NODE ARGS...: sets PID_NODE and PORT_NODE
start_daemon() {
	_n=$1
	shift
	: >"$WORK/$_n.log"
	"$KITH" --home "$WORK/$_n" daemon --listen 127.0.0.1:0 --no-mdns --no-web \
		--interval 2 "$@" </dev/null >/dev/null 2>>"$WORK/$_n.log" &
	_pid=$!
	PIDS="$PIDS $_pid"
	eval "PID_$_n=$_pid"
	_i=0
	while [ $_i -lt 100 ]; do
		_port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' \
			"$WORK/$_n.log" | tail -n 1)
		if [ -n "$_port" ]; then
			eval "PORT_$_n=$_port"
			return 0
		fi
		alive "$_pid" || break
		sleep 0.05
		_i=$((_i + 1))
	done
	cat "$WORK/$_n.log" >&2
	die "daemon $_n did not start"
}
stop_daemon() { eval "stop_pid \$PID_$1 50"; }

kb() { # kb PID FIELD: VmHWM / VmRSS in kB
	sed -n "s/^$2:[[:space:]]*\([0-9]*\) kB.*/\1/p" "/proc/$1/status" 2>/dev/null
}
cpu_ms() { # user + system CPU of a running process
	awk -v t="$(getconf CLK_TCK)" '{ sub(/.*\) /, ""); split($0, f, " ");
		printf "%d\n", (f[12] + f[13]) * 1000 / t }' "/proc/$1/stat" 2>/dev/null
}
field() { # field KEY TEXT: the value of " KEY=..." or "\"KEY\":N" in TEXT
	printf '%s\n' "$2" | sed -n "s/^/ /
		s/.* $1=\\([^ ]*\\).*/\\1/p
		s/.*\"$1\":\\([0-9]*\\).*/\\1/p" | head -n 1
}
calc() { awk "BEGIN { v = $1; printf \"$2\", v }" 2>/dev/null; }
mb() { [ -n "$1" ] && calc "$1 / 1024" "%.1f"; }

# row NAME VALUE UNIT [OP LIMIT]: OP is ge, le or lt; without OP: info
row() {
	if [ $# -ge 5 ]; then
		_ok=$(awk -v v="$2" -v l="$5" -v op="$4" 'BEGIN {
			if (v !~ /^[0-9.]+$/) { print "FAIL"; exit }
			v += 0; l += 0
			ok = op == "ge" ? v >= l : op == "le" ? v <= l : v < l
			print ok ? "ok" : "FAIL" }')
		case $4 in
		ge) _t=">= $5 $3" ;;
		le) _t="<= $5 $3" ;;
		*) _t="< $5 $3" ;;
		esac
	else
		_ok=info
		_t=-
	fi
	printf '%s\t%s %s\t%s\t%s\n' "$1" "${2:-n/a}" "$3" "$_t" "$_ok" >>"$ROWS"
}

t_start=$(date +%s)
load0=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null)

# ---- nodes: a holds N changes; b, c empty; q1..q5 for propagation --------
say "setting up 8 nodes; $N changes on a (mkchanges)"
k a init --name a --building "Bench 1" >/dev/null 2>&1 || die "kith init failed"
code=$(k a community create "Netbench" 2>/dev/null) || die "community create failed"
for n in b c q1 q2 q3 q4 q5; do
	k "$n" init --name "$n" --building "Bench 2" >/dev/null 2>&1 &&
		k "$n" community join "$code" >/dev/null 2>"$WORK/join.err" ||
		die "cannot set up node $n: $(cat "$WORK/join.err")"
done
nt "$WORK/mk.out" run 300 "$MKCHANGES" "$WORK/a" "$N" &&
	[ "$(field rc "$(cat "$WORK/mk.out")")" = 0 ] ||
	die "mkchanges failed (built from older sources than kith? run 'make $build/tests/mkchanges')"
out=$(cat "$WORK/mk.out")
row "0 local writes: mkchanges, $N changes" "$(calc "$N / ($(field wall_ms "$out") / 1000)" "%.0f")" changes/s
row "0 local writes: mkchanges CPU (user+sys)" "$(field cpu_ms "$out")" ms
start_daemon a

# ---- 1a: daemon to daemon ----------------------------------------------------
say "1a: b's daemon pulls $N changes from a's"
nt "$WORK/1a.out" spawn-until 120 "$WORK/a/replica.db" "$WORK/b/replica.db" \
	"$WORK/b.pid" "$WORK/b.log" "$KITH" --home "$WORK/b" daemon \
	--listen 127.0.0.1:0 --no-mdns --no-web --interval 2 --peer "127.0.0.1:$PORT_a"
rc=$?
PID_b=$(cat "$WORK/b.pid" 2>/dev/null)
[ -n "$PID_b" ] || die "b's daemon did not start"
PIDS="$PIDS $PID_b"
rm -f "$WORK/b.pid"
out=$(cat "$WORK/1a.out")
[ $rc -eq 0 ] || say "1a: b did not get everything within 120 s: $out"
ms=$(field ms "$out")
moved=$(field moved "$out")
d2d_rate=
[ $rc -eq 0 ] && d2d_rate=$(calc "$moved / ($ms / 1000)" "%.0f")
row "1a daemon->daemon: time to hold all" "$ms" ms
row "1a daemon->daemon: rate" "$d2d_rate" changes/s ge 100000
row "1a daemon->daemon: b daemon CPU (user+sys)" "$(field cpu_ms "$out")" ms

# ---- 1b: one-shot kith sync ---------------------------------------------------
say "1b: c runs 'kith sync' against a"
a_cpu0=$(cpu_ms "$PID_a")
nt "$WORK/1b.out" run 120 "$KITH" --home "$WORK/c" --json sync \
	"127.0.0.1:$PORT_a" --timeout 100
out=$(cat "$WORK/1b.out")
a_cpu1=$(cpu_ms "$PID_a")
wall=$(field wall_ms "$out")
recv=$(field received "$out")
bin=$(field bytes_in "$out")
bout=$(field bytes_out "$out")
sync_ok=0
[ "$(field rc "$out")" = 0 ] && [ -n "$recv" ] && sync_ok=1
[ $sync_ok -eq 1 ] || say "1b: kith sync failed: $out"
nt "$WORK/payload.out" sql "$WORK/c/replica.db" \
	'SELECT sum(length(data)) FROM changes'
payload=$(cat "$WORK/payload.out")
rate=
ratio=
cpu_rate=
if [ $sync_ok -eq 1 ]; then
	rate=$(calc "$recv / ($wall / 1000)" "%.0f")
	cpu_rate=$(calc "$recv / ($(field cpu_ms "$out") / 1000)" "%.0f")
	ratio=$(calc "($bin + $bout) / $payload" "%.2f")
fi
row "1b kith sync: wall time (${recv:-?} changes)" "$wall" ms
row "1b kith sync: rate (wall)" "$rate" changes/s ge 100000
row "1b kith sync: CPU (user+sys)" "$(field cpu_ms "$out")" ms
row "1b kith sync: rate per CPU second" "$cpu_rate" changes/s
row "1b kith sync: a daemon CPU meanwhile" "$(calc "$a_cpu1 - $a_cpu0" "%d")" ms
row "1b kith sync: wire bytes in+out" "$(calc "($bin + $bout) / 1048576" "%.1f")" MiB
row "1b kith sync: payload (sum length(data))" "$(calc "$payload / 1048576" "%.1f")" MiB
row "1b kith sync: wire / payload" "$ratio" x le 1.2
row "1b kith sync: peak RSS" "$(mb "$(field maxrss_kb "$out")")" MiB

# ---- 3: idle daemons holding N changes --------------------------------------
sleep 1
row "3 idle b daemon (synced once): VmHWM" "$(mb "$(kb "$PID_b" VmHWM)")" MiB le 30
row "3 idle b daemon (synced once): VmRSS" "$(mb "$(kb "$PID_b" VmRSS)")" MiB le 30
row "3 a daemon (served 2 syncs): VmHWM" "$(mb "$(kb "$PID_a" VmHWM)")" MiB le 30
row "3 a daemon (served 2 syncs): VmRSS" "$(mb "$(kb "$PID_a" VmRSS)")" MiB le 30
stop_daemon a
stop_daemon b

# ---- 2: propagation -----------------------------------------------------------
propagate() { # propagate NAME SEED
	nt "$WORK/prop.out" propagate "$WRITES" "$2" 2 50 "$KITH" "$WORK/q1" \
		"$WORK/q2" "$WORK/q3" "$WORK/q4" "$WORK/q5" ||
		say "2 $1: propagation run failed"
	out=$(cat "$WORK/prop.out")
	row "2 $1: p50 write -> on all 5" "$(field p50_ms "$out")" ms
	row "2 $1: p99 write -> on all 5" "$(field p99_ms "$out")" ms lt 500
	row "2 $1: max (timeouts: $(field timeouts "$out"), writes: $(field n "$out"))" \
		"$(field max_ms "$out")" ms
	row "2 $1: 'kith item add' p50" "$(field cli_p50_ms "$out")" ms
	poll_us=$(field poll_us "$out")
}

say "2a: $WRITES writes, 5 daemons in a line"
start_daemon q1
start_daemon q2 --peer "127.0.0.1:$PORT_q1"
start_daemon q3 --peer "127.0.0.1:$PORT_q2"
start_daemon q4 --peer "127.0.0.1:$PORT_q3"
start_daemon q5 --peer "127.0.0.1:$PORT_q4"
nt /dev/null wait-synced 30 "$KITH" "$WORK/q1=1" "$WORK/q2=2" "$WORK/q3=2" \
	"$WORK/q4=2" "$WORK/q5=1" || die "line did not form"
propagate line 1
for n in q1 q2 q3 q4 q5; do stop_daemon $n; done

say "2b: $WRITES writes, 5 daemons in a full mesh"
start_daemon q1
start_daemon q2 --peer "127.0.0.1:$PORT_q1"
start_daemon q3 --peer "127.0.0.1:$PORT_q1" --peer "127.0.0.1:$PORT_q2"
start_daemon q4 --peer "127.0.0.1:$PORT_q1" --peer "127.0.0.1:$PORT_q2" \
	--peer "127.0.0.1:$PORT_q3"
start_daemon q5 --peer "127.0.0.1:$PORT_q1" --peer "127.0.0.1:$PORT_q2" \
	--peer "127.0.0.1:$PORT_q3" --peer "127.0.0.1:$PORT_q4"
nt /dev/null wait-synced 30 "$KITH" "$WORK/q1=4" "$WORK/q2=4" "$WORK/q3=4" \
	"$WORK/q4=4" "$WORK/q5=4" || die "mesh did not form"
propagate mesh 2
for n in q1 q2 q3 q4 q5; do stop_daemon $n; done

# ---- the table ----------------------------------------------------------------
printf '# kith netbench: %s changes, %s writes; nproc %s, load %s at start, %s at end; %s\n' \
	"$N" "$WRITES" "$(nproc 2>/dev/null || echo ?)" "$load0" \
	"$(cut -d' ' -f1 /proc/loadavg 2>/dev/null)" \
	"$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n 1)"
for sec in 0 1 2 3; do grep "^$sec" "$ROWS"; done |
	awk -F'\t' '{ printf "%-46s %17s %20s  %s\n", $1, $2, $3, $4 }
	BEGIN { printf "%-46s %17s %20s  %s\n", "name", "value", "target", "verdict" }'
cat <<EOF
# 0, 1: a holds one author's $N one-item changes (mkchanges); b and c are
#    empty members.  1a: from spawning b's daemon (--peer a) until
#    sum(authors.head) on b, polled every 20 ms, covers everything.  1b: c
#    runs 'kith sync a' (b is synced by then); wall, CPU and VmHWM (sampled
#    every 10 ms) of that process, bytes from its --json.  Wall-clock rows
#    suffer from other load on the machine; CPU rows much less.
# 2: 5 daemons, round-robin writers, a random 0-50 ms pause before each
#    write; one indexed SELECT per other replica every 5 ms (a round took
#    ${poll_us:-?} us on average), so figures are up to ~5 ms late.
# 3: read 1 s after 1b; b has been idle since 1a.
EOF
printf '# took %s s\n' "$(($(date +%s) - t_start))"
if [ "${NETBENCH_STRICT:-0}" = 1 ] && grep -q 'FAIL$' "$ROWS"; then
	exit 1
fi
exit 0
