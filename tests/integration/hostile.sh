#!/bin/sh
# Hostile peers against a running daemon (docs/DESIGN.md s7: "hostile input is a
# test case").  build/tests/hostile speaks the session protocol wrongly on
# purpose (see tests/integration/hostile.c for the modes).  For each mode:
#   - the hostile client sees the daemon hang up promptly, without ever
#     answering a non-member and without ACKing a refused change;
#   - the daemon process is still alive;
#   - its log has a warning line for that very session (by client port);
#   - its replica is unchanged: `kith digest`, and the number of stored,
#     pending and fork-evidence changes;
#   - an honest `kith sync` from a second node right after works and both
#     nodes converge (the daemon still serves others).
# A stalled handshake runs in the background the whole time: the daemon
# must time it out by itself while serving everyone else.  At the end the
# daemon stops cleanly on SIGTERM and its replica passes integrity_check.
. "$(dirname "$0")/lib.sh" "$1"

HOSTILE=$(dirname "$KITH")/tests/hostile
if [ ! -x "$HOSTILE" ]; then
	skip "$HOSTILE is not built (make $HOSTILE)"
fi
have_sqlite=0
command -v sqlite3 >/dev/null 2>&1 && have_sqlite=1

# state NODE: what must not change under attack
state() {
	kith_at "$1" digest
	if [ $have_sqlite -eq 1 ]; then
		sqlite3 "$WORK/$1/replica.db" 'SELECT count(*) FROM changes;
			SELECT count(*) FROM pending; SELECT count(*) FROM forks;
			SELECT count(*) FROM authors WHERE head > 0;'
	fi
}

# logged ADDR TEXT: the daemon's log has TEXT on a line about session ADDR
# (the daemon may log just after the client has gone: wait up to 3 s)
logged() {
	_i=0
	while [ $_i -lt 30 ]; do
		grep -F "kith: session $1: " "$WORK/a.log" | grep -q -F "$2" &&
			return 0
		sleep 0.1
		_i=$((_i + 1))
	done
	echo "  no line with '$2' for session $1 in the log; its lines:"
	grep -F "session $1: " "$WORK/a.log" | sed 's/^/  /'
	return 1
}

# run_hostile MODE: runs the client, sets h_rc, h_out and h_addr
run_hostile() {
	h_out=$("$HOSTILE" "$1" "127.0.0.1:$PORT_a" "$WORK/a" 2>&1)
	h_rc=$?
	echo "$h_out" | sed 's/^/# /'
	h_addr=$(echo "$h_out" | sed -n 's/^local //p')
}

# sync_b: one honest `kith sync` of b with the daemon
sync_b() { kith_at b sync "127.0.0.1:$PORT_a" --timeout 10 >/dev/null; }

# honest_sync AFTER: a new item on b, one sync with the daemon, converged
n_honest=0
honest_sync() {
	n_honest=$((n_honest + 1))
	kith_at b item add --title "honest item $n_honest after $1" >/dev/null
	check "$1: an honest sync right after works" sync_b
	check "$1: both nodes converge after it" converged 10 a b
}

# attack MODE LOGTEXT: one hostile session and every check
attack() {
	h_mode=$1
	h_before=$(state a)
	run_hostile "$h_mode"
	check "$h_mode: the daemon hung up on it and accepted nothing" \
		test "$h_rc" -eq 0
	check "$h_mode: the daemon is still running" kill -0 "$PID_a"
	check "$h_mode: the daemon logged a warning for the session" \
		logged "$h_addr" "$2"
	h_after=$(state a)
	# session.h: a frame is applied whole or not at all, so the good
	# change travelling with a forged one is not kept either
	check "$h_mode: replica unchanged" test "$h_after" = "$h_before"
	if [ "$h_mode" = forged-mixed ]; then
		check "$h_mode: the forged change itself is not stored" \
			test "$(planted 2)" -eq 0
	fi
	honest_sync "$h_mode"
}

# planted N: how many items "planted by a hostile peer (N)" a holds
planted() {
	kith_at a --json item list --all 2>/dev/null |
		grep -o "planted by a hostile peer ($1)" | wc -l
}

setup_community a b
kith_at a item add --title "ladder" --kind lend >/dev/null
kith_at a wish add --title "insulin fridge space" --urgency critical >/dev/null
"$MKCHANGES" "$WORK/a" 300 >/dev/null || fail "mkchanges"
kith_at b item add --title "drill" --kind lend >/dev/null
start_daemon a
check "the honest node syncs with the daemon" sync_b
check "they converge" converged 10 a b

# a handshake that stalls after message 1, for the whole run
"$HOSTILE" stall "127.0.0.1:$PORT_a" "$WORK/a" >"$WORK/stall.out" 2>&1 &
stall_pid=$!
PIDS="$PIDS $stall_pid"

# control: the same client, playing fair, gets a change accepted (so the
# "unchanged" checks below are not vacuous)
h_before=$(state a)
run_hostile honest
check "honest: the daemon acknowledges a good change from the client" \
	test "$h_rc" -eq 0
check "honest: the daemon's replica took it" test "$(state a)" != "$h_before"
check "honest: the item is there" test "$(planted 1)" -eq 1
honest_sync honest

attack wrongkey "handshake failed (not of our community"
attack garbage "handshake failed (not of our community"
attack garbage-frames "peer sent a forged, replayed or garbled frame"
attack truncated "connection lost"
attack oversized "peer sent an oversized frame"
attack replay "peer sent a forged, replayed or garbled frame"
attack forged "peer sent changes with bad signatures"
attack forged-gap "peer sent changes with bad signatures"
attack badrun "peer sent a malformed CHANGES frame"
attack forged-mixed "peer sent changes with bad signatures"

wait "$stall_pid"
stall_rc=$?
sed 's/^/# /' "$WORK/stall.out"
check "stall: the daemon timed the handshake out by itself" test "$stall_rc" -eq 0
check "stall: and logged it" \
	logged "$(sed -n 's/^local //p' "$WORK/stall.out")" "handshake timed out"

check "no change was ever applied from a refused frame" \
	test "$(grep -c 'cannot apply' "$WORK/a.log")" -eq 0
kill -TERM "$PID_a"
wait "$PID_a"
check "the daemon exits 0 on SIGTERM after all that" test $? -eq 0
check "and its event loop closed cleanly" \
	test "$(grep -c 'did not close cleanly' "$WORK/a.log")" -eq 0
if [ $have_sqlite -eq 1 ]; then
	check "the replica passes integrity_check" \
		test "$(sqlite3 "$WORK/a/replica.db" 'PRAGMA integrity_check')" = ok
fi
finish
