#!/bin/sh
# notify.sh - the daemon under a fake systemd (peer/notify.h, sd_notify(3)):
#   - READY=1 comes once, with STATUS= naming the listening address, and
#     only when that port already accepts connections and the control
#     socket answers (the fake systemd tries both the moment READY=1
#     arrives);
#   - SIGHUP: RELOADING=1 with MONOTONIC_USEC (CLOCK_MONOTONIC, within a
#     few seconds of the fake systemd's own clock), then READY=1; the
#     reload does its job: a community joined while the daemon ran is
#     served after it (and the old one no longer is), a reload redials a
#     peer at once instead of at its next backoff step;
#   - a reload that cannot read the community key says why in one line,
#     keeps serving the community it had and still sends READY=1;
#   - SIGTERM: STOPPING=1 and exit status 0;
#   - the same over an abstract socket ('@name');
#   - without NOTIFY_SOCKET, SIGHUP reloads too (it used to end the
#     daemon).
#   - a daemon not in a community yet says READY=1 with STATUS= saying it
#     waits for an invite code; joined while it runs (kith community
#     join), READY=1 again with where it listens (peer/daemon.h).
. "$(dirname "$0")/lib.sh" "$1"

# within SECS CMD...: CMD succeeds within SECS seconds (tried every 0.1 s)
within() {
	_n=$(($1 * 10))
	shift
	_i=0
	while [ $_i -lt $_n ]; do
		"$@" && return 0
		sleep 0.1
		_i=$((_i + 1))
	done
	return 1
}

PY=/usr/bin/python3
if [ ! -x "$PY" ]; then
	skip "/usr/bin/python3 is needed for the fake systemd"
fi

# listen ADDR LOG HOME: the fake systemd on ADDR (a path, or '@name' for
# an abstract socket).  Each datagram is one line of LOG, its newlines
# as '|'; READY=1 lines end with " tcp=ok|fail ctl=ok|fail" (the port in
# STATUS= and HOME/control.sock tried at once), RELOADING=1 lines with
# " mono=ok|bad".  Ends after STOPPING=1, or after 120 s.  LOG.up exists
# once the socket is bound.
listen_notify() {
	"$PY" -S -E -c '
import os, re, socket, sys, time
addr, log, home = sys.argv[1], sys.argv[2], sys.argv[3]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind("\0" + addr[1:] if addr.startswith("@") else addr)
open(log + ".up", "w").close()
end = time.monotonic() + 120
def tries(fam, where):
    c = socket.socket(fam, socket.SOCK_STREAM)
    c.settimeout(2)
    try:
        c.connect(where)
        return "ok"
    except OSError:
        return "fail"
    finally:
        c.close()
while time.monotonic() < end:
    s.settimeout(max(0.1, end - time.monotonic()))
    try:
        m = s.recv(4096).decode()
    except socket.timeout:
        break
    now = time.monotonic()
    lines = m.split("\n")
    out = "|".join(lines)
    if "READY=1" in lines:
        p = re.search(r"STATUS=listening on 127\.0\.0\.1:([0-9]+)", m)
        tcp = tries(socket.AF_INET, ("127.0.0.1", int(p.group(1)))) if p else "fail"
        ctl = tries(socket.AF_UNIX, os.path.join(home, "control.sock"))
        out += " tcp=" + tcp + " ctl=" + ctl
    if "RELOADING=1" in lines:
        u = [l[15:] for l in lines if l.startswith("MONOTONIC_USEC=")]
        ok = len(u) == 1 and u[0].isdigit() and abs(int(u[0]) / 1e6 - now) < 5
        out += " mono=" + ("ok" if ok else "bad")
    with open(log, "a") as f:
        f.write(out + "\n")
    if "STOPPING=1" in lines:
        break
if not addr.startswith("@"):
    os.unlink(addr)
' "$1" "$2" "$3" &
	LISTENER=$!
	PIDS="$PIDS $LISTENER"
	within 10 test -e "$2.up"
}

# count LOG PATTERN: how many datagrams in LOG match the grep pattern
count() {
	_c=$(grep -c "$2" "$1" 2>/dev/null)
	echo "${_c:-0}"
}
# at_least LOG PATTERN N: N datagrams or more match
at_least() { [ "$(count "$1" "$2")" -ge "$3" ]; }
# wait_count LOG PATTERN N: until N datagrams match (at most 15 s)
wait_count() {
	within 15 at_least "$@" && return 0
	echo "  # waited for $3 of '$2' in $1:" >&2
	sed 's/^/  #   /' "$1" >&2
	return 1
}
# syncs NODE PORT: a one-shot sync with the daemon on PORT works
syncs() { kith_at "$1" sync --timeout 10 "127.0.0.1:$2" >/dev/null 2>&1; }
refused() { ! syncs "$@"; }
# has_session NODE: NODE's daemon has a session with an authenticated peer
has_session() {
	kith_at "$1" --json status 2>/dev/null | grep -Eq '"peer":"[0-9a-f]{64}"'
}
no_session() { ! has_session "$1"; }

# a and b in "Loopback", c alone in "Other"
setup_community a b x
kith_at c init --name c --building Bc >/dev/null 2>&1
other=$(kith_at c community create "Other" 2>/dev/null)
check "a second community to move to" test -n "$other"

# ---- start: READY=1 only once the port accepts connections -------------
N=$WORK/notify.log
listen_notify "$WORK/notify.sock" "$N" "$WORK/a"
check "the fake systemd listens" test $? -eq 0
NOTIFY_SOCKET=$WORK/notify.sock
export NOTIFY_SOCKET
start_daemon a
unset NOTIFY_SOCKET
wait_count "$N" 'READY=1' 1
check "READY=1 arrives" test "$(count "$N" 'READY=1')" -eq 1
check "READY=1 is the first thing said" sh -c "head -n 1 '$N' | grep -q 'READY=1'"
check "STATUS= says where it listens" \
	grep -q "STATUS=listening on 127\.0\.0\.1:$PORT_a, 0 peers known" "$N"
check "the port accepts connections when READY=1 arrives" \
	grep -q 'READY=1.* tcp=ok' "$N"
check "the control socket answers when READY=1 arrives" \
	grep -q 'READY=1.* ctl=ok' "$N"

# ---- reload: a community joined while the daemon runs is served ---------
check "b (same community) syncs with a" syncs b "$PORT_a"
check "c (another community) cannot sync with a" refused c "$PORT_a"
rm "$WORK/a/community"
kith_at a community join "$other" >/dev/null 2>&1
check "a's data directory joins 'Other' while its daemon runs" test $? -eq 0
check "before the reload a still serves the old community" syncs b "$PORT_a"
kill -HUP "$PID_a"
wait_count "$N" 'READY=1' 2
check "SIGHUP: RELOADING=1 with MONOTONIC_USEC of now" \
	sh -c "sed -n 2p '$N' | grep -q '^RELOADING=1|MONOTONIC_USEC=[0-9]* mono=ok$'"
check "SIGHUP: then READY=1 again" sh -c "sed -n 3p '$N' | grep -q '^READY=1|STATUS=listening on '"
check "the daemon lives on after SIGHUP" kill -0 "$PID_a"
check "after the reload c (of 'Other') syncs with a" syncs c "$PORT_a"
check "after the reload b (of the old community) is refused" \
	refused b "$PORT_a"
check "the reload says the key changed" \
	grep -q 'the community key changed' "$WORK/a.log"

# ---- a failed reload keeps the old state and still says READY=1 ---------
printf 'not a community file\n' >"$WORK/a/community"
kill -HUP "$PID_a"
wait_count "$N" 'READY=1' 3
check "a failed reload still sends RELOADING=1, then READY=1" \
	sh -c "sed -n 4p '$N' | grep -q '^RELOADING=1|' &&
		sed -n 5p '$N' | grep -q '^READY=1|STATUS=listening on '"
check "a failed reload says why, in one line" \
	test "$(grep -c 'reload failed: cannot read the community key' "$WORK/a.log")" -eq 1
check "after a failed reload a still serves 'Other'" syncs c "$PORT_a"

# ---- stop ----------------------------------------------------------------
kill -TERM "$PID_a"
wait "$PID_a"
check "SIGTERM: exit status 0" test $? -eq 0
wait "$LISTENER"
check "SIGTERM: STOPPING=1 is the last thing said" \
	sh -c "tail -n 1 '$N' | grep -qx 'STOPPING=1'"
check "six datagrams in all" test "$(wc -l <"$N")" -eq 6

# ---- the same over an abstract socket ------------------------------------
rm "$WORK/a/community"
kith_at a community join "$other" >/dev/null 2>&1
A=$WORK/abstract.log
listen_notify "@kith-notify-$$-$(basename "$WORK")" "$A" "$WORK/a"
check "the fake systemd listens on an abstract socket" test $? -eq 0
NOTIFY_SOCKET=@kith-notify-$$-$(basename "$WORK")
export NOTIFY_SOCKET
start_daemon a
unset NOTIFY_SOCKET
wait_count "$A" 'READY=1' 1
check "abstract socket: READY=1 once the port accepts connections" \
	grep -q 'READY=1.* tcp=ok ctl=ok' "$A"
kill -HUP "$PID_a"
wait_count "$A" 'READY=1' 2
check "abstract socket: RELOADING=1, then READY=1" \
	sh -c "sed -n '2p' '$A' | grep -q '^RELOADING=1|MONOTONIC_USEC=[0-9]* mono=ok$'"
kill -TERM "$PID_a"
wait "$PID_a"
check "abstract socket: exit status 0 on SIGTERM" test $? -eq 0
wait "$LISTENER"
check "abstract socket: STOPPING=1" sh -c "tail -n 1 '$A' | grep -qx 'STOPPING=1'"

# ---- a reload redials at once (no NOTIFY_SOCKET: SIGHUP still reloads) ---
# x's port, free again: b dials it while nothing listens there, so its
# backoff grows (1, 2, 4, 8 s: --interval 600 lets it); after the fourth
# failed dial the next one is 8 s away, so a session within 4 s of the
# SIGHUP is the reload's doing
start_daemon x
kill -TERM "$PID_x"
wait "$PID_x"
start_daemon b --peer "127.0.0.1:$PORT_x" --interval 600 -v
check "b fails to reach x four times" \
	within 20 sh -c "test \$(grep -c 'cannot reach 127\.0\.0\.1:$PORT_x' '$WORK/b.log') -ge 4"
# x back on the same port (start_daemon reads the port from its log)
: >"$WORK/x.log"
"$KITH" --home "$WORK/x" daemon --listen "127.0.0.1:$PORT_x" --no-mdns -v --web 127.0.0.1:0 \
	2>>"$WORK/x.log" &
PID_x=$!
PIDS="$PIDS $PID_x"
check "x listens again on its port" \
	within 10 grep -q "listening on 127\.0\.0\.1:$PORT_x" "$WORK/x.log"
check "without a reload b has no session yet" no_session b
kill -HUP "$PID_b"
check "after SIGHUP b dials x at once (a session within 4 s)" \
	within 4 has_session b
check "b lives on after SIGHUP without NOTIFY_SOCKET" kill -0 "$PID_b"
check "b says it reloaded" grep -q 'reloading' "$WORK/b.log"
# the key did not change: a second reload keeps the session it has
kill -HUP "$PID_b"
check "b reloads again" \
	within 5 sh -c "test \$(grep -c reloading '$WORK/b.log') -eq 2"
sleep 0.5
check "a reload with the same key keeps the session (one, never lost)" \
	sh -c "has() { grep -c \"\$1\" '$WORK/x.log'; }
		test \$(has authenticated) -eq 1 -a \$(has 'connection lost') -eq 0"
check "b still has its session with x" has_session b
kill -TERM "$PID_b" "$PID_x"
wait "$PID_b"
check "b exits 0 on SIGTERM" test $? -eq 0
wait "$PID_x"

# ---- not in a community yet: READY=1 says it waits; joined, it says more -
kith_at w init --name w >/dev/null 2>&1
W=$WORK/waiting.log
listen_notify "$WORK/waiting.sock" "$W" "$WORK/w"
NOTIFY_SOCKET=$WORK/waiting.sock
export NOTIFY_SOCKET
start_daemon w --web 127.0.0.1:0
unset NOTIFY_SOCKET
wait_count "$W" 'READY=1' 1
check "without a community: READY=1 says it waits for an invite code" \
	grep -q '^READY=1|STATUS=not in a community yet, waiting for an invite code, web on http://127\.0\.0\.1:[0-9]* .*ctl=ok' "$W"
kith_at w community join "$other" >/dev/null 2>&1
wait_count "$W" 'READY=1' 2
check "joined while it runs: READY=1 again, with where it listens" \
	sh -c "sed -n 2p '$W' | grep -q '^READY=1|STATUS=listening on 127\.0\.0\.1:$PORT_w, 0 peers known, 0 in session, web on .* tcp=ok ctl=ok'"
kill -TERM "$PID_w"
wait "$PID_w"
check "w exits 0 on SIGTERM" test $? -eq 0
wait "$LISTENER"
check "w: three datagrams in all, STOPPING=1 last" \
	sh -c "test \$(wc -l <'$W') -eq 3 && tail -n 1 '$W' | grep -qx 'STOPPING=1'"
finish
