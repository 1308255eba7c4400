#!/bin/sh
# knock.sh - a command knocks on the daemon's control socket (so a running
# daemon pushes at once) exactly when it wrote to the replicated log:
# after `wish add`, `item add`, an import that brought new changes; never
# after a read (`wish list`, `item list`, `members`, `peers`, ...), a
# local-only write (`block`), an import of changes already held, or a
# refused write.
#
# Issue 8: cli_close used to ask sqlite3_total_changes(), which also counts
# the rows crdt_community_refresh writes into this connection's temp
# tables on every open, so every command knocked.
#
# The daemon is played by a small listener on DIR/control.sock that counts
# connections that send nothing (a knock: peer_daemon_notify connects and
# hangs up).  Before counting, the test sends its own marker connection and
# waits for the listener's answer: connections are accepted in order, so a
# knock made by a command that already exited has been counted by then.
. "$(dirname "$0")/lib.sh"

T=$TMP_DIR
alice_and_bob
run_ok "bob posts a wish (before alice's listener runs)" "$B" wish add \
	--title "Boxes for moving"
run_ok "alice posts a wish (before the listener runs)" "$A" wish add \
	--title "Lift to the clinic"
W=$OUT
k "$B" export "$T/bob.kb"
[ "$RC" = 0 ] || fail "export from bob" "$(last)"
k "$A" export "$T/alice.kb"
[ "$RC" = 0 ] || fail "export from alice" "$(last)"

SOCK=$A/control.sock
LOG=$T/knocks
: >"$LOG"
"$PY" -S -E -c '
import os, socket, sys
path, log = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(path)
s.listen(64)
s.settimeout(300)
open(log + ".ready", "w").close()
while True:
    try:
        c, _ = s.accept()
    except socket.timeout:
        break
    c.settimeout(10)
    try:
        b = c.recv(1)
    except OSError:
        b = b""
    if b in (b"S", b"Q"):
        c.sendall(b"ok")
    else:
        with open(log, "a") as f:
            f.write("knock\n")
    c.close()
    if b == b"Q":
        break
os.unlink(path)
' "$SOCK" "$LOG" &
LPID=$!
trap 'kill "$LPID" 2>/dev/null; rm -rf "$TMP_DIR"' EXIT

# marker BYTE: one connection that sends BYTE and waits for "ok".
marker() {
	"$PY" -S -E -c '
import socket, sys
c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
c.settimeout(10)
c.connect(sys.argv[1])
c.sendall(sys.argv[2].encode())
sys.exit(0 if c.recv(2) == b"ok" else 1)
' "$SOCK" "$1"
}

i=0
while [ ! -e "$LOG.ready" ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
[ -e "$LOG.ready" ] || skip "the test's control-socket listener did not start"

# knocks: the number counted so far, after every earlier one arrived.
knocks() {
	if ! marker S; then
		echo "marker-failed"
		return
	fi
	wc -l <"$LOG" | tr -d ' '
}

check_eq "the marker itself is no knock" "$(knocks)" 0

# knocked WANT DESC ARGS...: run kith on alice's replica (exit 0), then it
# knocked WANT times.
knocked() {
	_want=$1
	_d=$2
	shift 2
	_before=$(knocks)
	k "$A" "$@"
	if [ "$RC" != 0 ]; then
		fail "$_d" "$(last)"
		return 0
	fi
	_after=$(knocks)
	case $_before$_after in
	*[!0-9]*) fail "$_d" "the listener did not answer" ;;
	*) check_eq "$_d" $((_after - _before)) "$_want" ;;
	esac
}

knocked 0 "wish list does not knock" wish list
knocked 0 "wish list --json does not knock" --json wish list
knocked 0 "wish show does not knock" wish show "$W"
knocked 0 "item list does not knock" item list
knocked 0 "members does not knock" members
knocked 0 "roles does not knock" roles
knocked 0 "peers does not knock" peers
knocked 0 "digest does not knock" digest
knocked 0 "whoami does not knock" whoami
knocked 0 "export does not knock" export "$T/again.kb"
knocked 0 "import of changes alice holds does not knock" import "$T/alice.kb"

knocked 1 "wish add knocks once" wish add --title "Bread for Sunday"
knocked 1 "item add knocks once" item add --title "Ladder"
knocked 1 "wish withdraw knocks once" wish withdraw "$W"
knocked 1 "import of bob's new changes knocks once" import "$T/bob.kb"
knocked 0 "the same import again does not knock" import "$T/bob.kb"
k "$B" --json whoami
BOB=$(json "d['id']")
knocked 0 "block (local only) does not knock" block "$BOB"
knocked 0 "unblock (local only) does not knock" unblock "$BOB"
knocked 0 "wish list after writes still does not knock" wish list

_before=$(knocks)
k "$A" wish withdraw "$W"
_after=$(knocks)
check_ne "withdrawing twice is refused" "$RC" 0
check_eq "a refused write does not knock" $((_after - _before)) 0

marker Q || fail "stop the listener"
wait "$LPID" 2>/dev/null
finish
