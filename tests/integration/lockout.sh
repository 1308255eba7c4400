#!/bin/sh
# Lockout by connection exhaustion (issue 7, finding 7): someone on the LAN
# without the community key opens many TCP connections to a daemon and
# never finishes the handshake.  tests/integration/flood.py is that
# attacker; it reopens every connection the daemon closes, at up to 200 a
# second.  Against daemon a, in two phases:
#   1. 40 idle connections from 127.0.0.1, the very address the honest
#      `kith sync` and daemon d below come from (so a per-address limit
#      alone is no defence), and 24 slow-loris connections from
#      127.0.0.10-127.0.0.33, each sending a byte every 0.2 s, never a
#      whole handshake message;
#   2. also 40 idle connections from 40 more addresses, 127.0.0.50-89
#      (104 in all, so the daemon's whole pool is under pressure).
# While they run:
#   - an honest one-shot `kith sync` from b succeeds, in each phase and
#     after 22 s of attack;
#   - a new daemon d with a as its static peer connects and converges;
#   - a's own outgoing dial works: its static peer c is killed, written
#     to, restarted on the same port, and a redials it and converges;
#   - a's log is not flooded: a few lines about the keyless connections
#     per ten seconds, one of which says what is going on.
# Checks that the attack was real: each flood held all its connections
# open at once and saw the daemon hang up on some; the slow-loris bytes
# were sent, and did not keep any connection open past the handshake
# deadline.  At the end a stops cleanly.
. "$(dirname "$0")/lib.sh" "$1"

if ! command -v python3 >/dev/null 2>&1; then
	skip "python3 is needed for the attacker (flood.py)"
fi
FLOOD="python3 $(dirname "$0")/flood.py"
if ! python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.10", 0))' \
	2>/dev/null; then
	skip "cannot bind to 127.0.0.10 (loopback is only 127.0.0.1 here)"
fi

NCONN=40

setup_community a b c d
kith_at a item add --title "ladder" --kind lend >/dev/null
kith_at b item add --title "drill" --kind lend >/dev/null
kith_at c item add --title "wheelbarrow" --kind lend >/dev/null
kith_at d item add --title "sewing machine" --kind lend >/dev/null

start_daemon c
start_daemon a --peer "127.0.0.1:$PORT_c"
check "before the attack: a dials c and they converge" converged 15 a c

# flood NAME ARGS...: start an attacker in the background
flood() {
	_n=$1
	shift
	$FLOOD "$PORT_a" --max-seconds 150 "$@" >"$WORK/$_n.out" 2>"$WORK/$_n.err" &
	eval "PID_$_n=$!"
	PIDS="$PIDS $!"
}
# ready NAME: the attacker has all its connections open (10 s at most)
ready() {
	_i=0
	while [ $_i -lt 100 ]; do
		grep -q '^ready' "$WORK/$1.out" && return 0
		sleep 0.1
		_i=$((_i + 1))
	done
	echo "  $1 never had all its connections open:"
	sed 's/^/  /' "$WORK/$1.out" "$WORK/$1.err"
	return 1
}

log_before=$(wc -l <"$WORK/a.log")
attack_start=$(date +%s)
flood idle --conns $NCONN --from 127.0.0.1 --mode idle
flood loris --conns 24 --from 127.0.0.10-127.0.0.33 --mode loris --every 0.2
check "the idle flood has $NCONN connections open" ready idle
check "the slow-loris flood has 24 connections open" ready loris
sleep 1

sync_b() { kith_at b sync "127.0.0.1:$PORT_a" --timeout 10 >/dev/null; }

kith_at b item add --title "written by b during the attack" >/dev/null
check "under attack: an honest kith sync succeeds" sync_b
check "under attack: a and b converge" converged 10 a b

# an incoming daemon session
start_daemon d --peer "127.0.0.1:$PORT_a"
check "under attack: a new daemon connects to a and converges" converged 20 a d

# phase 2, once every slow-loris connection has met a handshake deadline
while [ $(($(date +%s) - attack_start)) -lt 8 ]; do sleep 0.2; done
flood spread --conns $NCONN --from 127.0.0.50-127.0.0.89 --mode idle
check "the spread flood has $NCONN connections open" ready spread
sleep 1

# a's outgoing dial: c goes away, gets a write, comes back on its port
kill9 c
kith_at c item add --title "written on c while a is under attack" >/dev/null
start_daemon c --listen "127.0.0.1:$PORT_c"
check "under attack: a redials c and they converge" converged 20 a c

kith_at b item add --title "written by b later in the attack" >/dev/null
check "under more attack: an honest kith sync succeeds" sync_b
check "under more attack: everyone converges" converged 20 a b c d

# long enough for the log to show its once-per-10-s rhythm
while [ $(($(date +%s) - attack_start)) -lt 22 ]; do sleep 0.2; done
kith_at b item add --title "written by b at the end of the attack" >/dev/null
check "at the end of the attack: an honest kith sync succeeds" sync_b
check "the daemon is still running" kill -0 "$PID_a"

attack_secs=$(($(date +%s) - attack_start))
for f in idle loris spread; do
	kill -TERM "$(eval echo \$PID_$f)"
	wait "$(eval echo \$PID_$f)"
done
log_after=$(wc -l <"$WORK/a.log")
sed -n "$((log_before + 1)),${log_after}p" "$WORK/a.log" >"$WORK/attack.log"

# fstat FLOOD NAME: one number from the attacker's last line
fstat() { tail -n 1 "$WORK/$1.out" | sed -n "s/.* $2 \([0-9.]*\).*/\1/p"; }
for f in idle:$NCONN loris:24 spread:$NCONN; do
	n=${f#*:}
	f=${f%:*}
	echo "# $f: $(tail -n 1 "$WORK/$f.out")"
	check "$f: the attack was real ($n connections open at once)" \
		test "$(fstat $f max-open)" -ge "$n"
	check "$f: the daemon closed some of them" \
		test "$(fstat $f closed-by-daemon)" -ge 1
done
check "loris: the slow bytes were sent" test "$(fstat loris bytes)" -ge 48
# PEER_HANDSHAKE_MS is 5 s, checked once a second
check "no keyless connection stayed open past the deadline (7 s)" \
	awk "BEGIN { exit !($(fstat loris max-life) <= 7 && \
		$(fstat idle max-life) <= 7 && $(fstat spread max-life) <= 7) }"

# the log: nothing per connection, but the situation is reported
nlines=$(wc -l <"$WORK/attack.log")
nrefuse=$(grep -c 'too many sessions' "$WORK/attack.log")
nhs=$(grep -c -e 'kith: session .*: handshake' -e 'kith: session .*: connection lost' \
	"$WORK/attack.log")
nreport=$(grep -c 'have not finished the handshake' "$WORK/attack.log")
echo "# $attack_secs s of attack: $nlines log lines ($nrefuse 'too many sessions', $nhs about one handshake, $nreport reports)"
head -n 60 "$WORK/attack.log" | sed 's/^/#   /'
windows=$((attack_secs / 10 + 1))
check "the log is not flooded (at most 60 lines in ${attack_secs} s)" \
	test "$nlines" -le 60
check "no line per refused connection" test "$nrefuse" -le "$windows"
check "at most 3 lines about single handshakes per 10 s" \
	test "$nhs" -le $((3 * windows + 3))
check "the pressure is reported" test "$nreport" -ge 1
check "at most once per 10 s" test "$nreport" -le $((windows + 1))

kith_at b item add --title "written by b after the attack" >/dev/null
check "after the attack: an honest kith sync succeeds" sync_b
kill -TERM "$PID_a"
wait "$PID_a"
check "the daemon exits 0 on SIGTERM after the attack" test $? -eq 0
check "and its event loop closed cleanly" \
	test "$(grep -c 'did not close cleanly' "$WORK/a.log")" -eq 0
finish
