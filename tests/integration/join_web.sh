#!/bin/sh
# join_web.sh - a member who has an identity and no community starts the
# daemon and joins while it runs (peer/daemon.h, "Not in a community yet"):
#   - `kith daemon` with the web app starts without a community key, says
#     "not in a community yet: ..." in one line, and syncs nothing: a
#     one-shot sync to its port is closed unanswered; `kith status` says
#     it waits for an invite code ("joined":false in --json);
#   - b logs in, GET /join shows the form, POST /join with the code of a's
#     `kith community invite` joins (303), and the same daemon process
#     (no restart) dials a and syncs: a's wish is at b's /wishes within a
#     bounded wait; `kith status` then says where it listens;
#   - c joins with `kith community join CODE` while its daemon runs: the
#     daemon finds the key (it looks every PEER_JOIN_POLL_MS, and on a
#     knock: `kith status`) and syncs;
#   - e: SIGHUP before the key is there says again that it waits; with a
#     damaged key file it says it cannot read it; a good file (a copy of
#     a's) starts sync without a restart;
#   - `kith daemon --no-web` without a key refuses with today's words.
#   - a waiting daemon that refused a connection stops cleanly on SIGTERM.
. "$(dirname "$0")/lib.sh" "$1"

web_py

WAITING='not in a community yet: open the web app and paste an invite code, or run kith community join CODE'

setup_community a
CODE=$(kith_at a community invite 2>/dev/null)
kith_at a wish add --title "Water for the stairs" >/dev/null 2>&1
for n in b c d e; do
	kith_at "$n" init --name "$n" --building "B$n" >/dev/null 2>&1
done
web_daemon a --no-web

# ---- --no-web and no key: nothing it could do, so it refuses
k d daemon --no-web --listen 127.0.0.1:0 --no-mdns
check_ne "daemon --no-web without a community fails" "$RC" 0
check "it says why, and how to join" grep -qF \
	"you have not joined a community; sessions are encrypted with its key ('kith community join CODE')" \
	"$TMP_DIR/err"
check "and leaves no control socket" test ! -e "$WORK/d/control.sock"

# ---- with the web app it starts and waits
web_daemon b --peer-node a # without a community
PID_B=$(pid_of b)
check "b's daemon says it waits for an invite code" \
	wait_for 5 grep -qF "$WAITING" "$WORK/b.log"
check_eq "...in one line" "$(grep -cF 'not in a community' "$WORK/b.log")" 1
k b status
check_match "kith status says b is not in a community yet" "$OUT" \
	"daemon:    running, not in a community yet: paste an invite code in the web app"
k b --json status
check_match "kith --json status: joined false" "$OUT" '"joined":false'
k a sync "127.0.0.1:$(port_of b)" --timeout 5
check_ne "a's sync to b's port fails while b waits" "$RC" 0
check_match "...closed unanswered in the handshake" "$ERR" "hung up during the handshake"
check_nomatch "b dialed nobody while it waits" "$(cat "$WORK/b.log")" \
	'session .*authenticated'
web_login b

cat >"$WORK/join.py" <<'PYEOF'
import sys, time
from weblib import Site, csrf_of, say

url, code = sys.argv[1:3]
web = Site(url)
st = web.login()
say(st == 303 and web.cookie.startswith("kith_session="), "b logs in to the web app", st)
st, h, b = web.req("GET", "/join")
csrf = csrf_of(b)
say(st == 200 and 'action="/join"' in b and csrf, "GET /join holds the code form", b[-800:])
st, h, b = web.req("GET", "/wishes")
say(st == 200 and "Water for the stairs" not in b, "a's wish is not at b yet", st)
st, h, b = web.req("POST", "/join", {"code": code, "csrf": csrf})
say(st == 303 and h.get("location") == "/join?done=joined", "POST /join with a's code joins (303)",
    "%d %s" % (st, b[-800:]))
end, seen = time.time() + 30, False
while time.time() < end and not seen:
    st, h, b = web.req("GET", "/wishes")
    seen = st == 200 and "Water for the stairs" in b
    if not seen:
        time.sleep(0.3)
say(seen, "a's wish reaches b's /wishes within 30 s, no restart", b[-800:])
print("DONE")
PYEOF

"$PY" "$WORK/join.py" "$URL_B" "$CODE" >"$WORK/py.out" 2>&1
web_tally "$WORK/py.out"
check "b's daemon is the same process" kill -0 "$PID_B"
check "b's daemon says sync starts" \
	grep -qF "joined a community: sync starts" "$WORK/b.log"
# the page's hook reloads the daemon in the request itself (the reload's
# line comes first), not the poll a second later
check_eq "the web page's join reloads the daemon at once" \
	"$(grep -B1 -F 'joined a community' "$WORK/b.log" | sed -n '1s/^[0-9:]* //p')" \
	"kith: reloading"
check "b converges with a" converged 30 a b
k b status
check_match "kith status: b now listens, in sessions" "$OUT" \
	"daemon:    running, listening on 127.0.0.1:$(port_of b)"
k b --json status
check_match "kith --json status: joined true" "$OUT" '"joined":true'

# ---- the CLI joins while the daemon runs
web_daemon c --peer-node a # without a community
k c community join "$CODE"
check_eq "kith community join while c's daemon runs" "$RC" 0
check "c's daemon picks the key up" \
	wait_for 10 grep -qF "joined a community: sync starts" "$WORK/c.log"
check "c converges with a without a restart" converged 30 a c
check "c's daemon is the same process" kill -0 "$(pid_of c)"

# ---- SIGHUP before the key is there; a damaged file; then a good one
web_daemon e --peer-node a # without a community
kill -HUP "$(pid_of e)"
check "SIGHUP without a key: e says again that it waits" \
	wait_for 5 sh -c "[ \$(grep -cF 'not in a community' '$WORK/e.log') -eq 2 ]"
printf 'garbage\n' >"$WORK/e/community.tmp"
chmod 600 "$WORK/e/community.tmp"
mv "$WORK/e/community.tmp" "$WORK/e/community"
kill -HUP "$(pid_of e)"
check "SIGHUP with a damaged key file: e says it cannot read it" \
	wait_for 5 grep -qF "cannot read the community key in '$WORK/e'" "$WORK/e.log"
check "...and the daemon still runs" kill -0 "$(pid_of e)"
check_nomatch "...and syncs nothing" "$(cat "$WORK/e.log")" "joined a community"
cp "$WORK/a/community" "$WORK/e/community.tmp"
mv "$WORK/e/community.tmp" "$WORK/e/community"
check "a good key file: sync starts (no SIGHUP, no restart)" \
	wait_for 10 grep -qF "joined a community: sync starts" "$WORK/e.log"
check "e converges with a" converged 30 a e

# ---- a waiting daemon stops cleanly (after refusing a connection)
kith_at f init --name f >/dev/null 2>&1
web_daemon f
k a sync "127.0.0.1:$(port_of f)" --timeout 5
check_ne "f refuses a sync while it waits" "$RC" 0
kill -TERM "$(pid_of f)"
wait "$(pid_of f)"
check_eq "SIGTERM: the waiting daemon exits 0" "$?" 0
check_nomatch "...with its loop closed cleanly" "$(cat "$WORK/f.log")" \
	'did not close cleanly|Sanitizer|runtime error|leak'
check "...and its control socket removed" test ! -e "$WORK/f/control.sock"

for n in a b c e; do
	check_nomatch "no page failed and nothing crashed in $n's log" \
		"$(cat "$WORK/$n.log")" 'web: .* failed|Sanitizer|runtime error'
done

finish
