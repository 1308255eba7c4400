# Shared helpers for multi-process tests over loopback.
# Usage: . tests/integration/lib.sh "$KITH"   (sets KITH, WORK, MKCHANGES)

KITH=$1
MKCHANGES=$(dirname "$KITH")/tests/mkchanges
WORK=$(mktemp -d "${TMPDIR:-/tmp}/kith-int.XXXXXX")
PIDS=
npass=0
nfail=0

cleanup() {
	for p in $PIDS; do kill -9 "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ok() { npass=$((npass + 1)); echo "ok - $*"; }
notok() { nfail=$((nfail + 1)); echo "not ok - $*"; }
check() { # check DESC CMD...
	_desc=$1
	shift
	if "$@"; then ok "$_desc"; else notok "$_desc"; fi
}
finish() {
	echo "$npass passed, $nfail failed"
	[ "$nfail" -eq 0 ]
	exit $?
}

k() { # k NODE ARGS...
	n=$1
	shift
	"$KITH" --home "$WORK/$n" "$@"
}

# community NODES...: the first creates, the others join
community() {
	first=$1
	k "$first" init --name "$first" --building "B$first" >/dev/null 2>&1
	code=$(k "$first" community create "Loopback" 2>/dev/null)
	shift
	for n in "$@"; do
		k "$n" init --name "$n" --building "B$n" >/dev/null 2>&1
		k "$n" community join "$code" >/dev/null
	done
}

# start_daemon NODE ARGS...: starts it, waits for its port, sets PORT_<NODE>
start_daemon() {
	n=$1
	shift
	: >"$WORK/$n.log"
	"$KITH" --home "$WORK/$n" daemon --listen 127.0.0.1:0 --no-mdns \
		--interval 2 -v "$@" 2>>"$WORK/$n.log" &
	pid=$!
	PIDS="$PIDS $pid"
	eval "PID_$n=$pid"
	i=0
	while [ $i -lt 100 ]; do
		port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' \
			"$WORK/$n.log" | tail -n 1)
		if [ -n "$port" ]; then
			eval "PORT_$n=$port"
			return 0
		fi
		sleep 0.1
		i=$((i + 1))
	done
	echo "daemon $n did not start:" >&2
	cat "$WORK/$n.log" >&2
	return 1
}

port_of() { eval "echo \$PORT_$1"; }
# kill9 NODE: SIGKILL its daemon and reap it (so its lock is free)
kill9() {
	p=$(pid_of "$1")
	kill -9 "$p" 2>/dev/null
	wait "$p" 2>/dev/null
}
pid_of() { eval "echo \$PID_$1"; }

# converged SECS NODES...: all digests equal within SECS
converged() {
	secs=$1
	shift
	end=$(($(date +%s) + secs))
	while [ "$(date +%s)" -le "$end" ]; do
		first=
		same=1
		for n in "$@"; do
			d=$(k "$n" digest 2>/dev/null) || { same=0; break; }
			[ -z "$first" ] && first=$d
			[ "$d" = "$first" ] || same=0
		done
		[ "$same" -eq 1 ] && return 0
		sleep 0.2
	done
	for n in "$@"; do
		echo "  $n: $(k "$n" digest 2>/dev/null) changes=$(k "$n" --json status | sed 's/.*"changes":\([0-9]*\).*/\1/')"
	done
	return 1
}
