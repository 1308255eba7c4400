#!/bin/sh
# demo.sh - `make demo` (cli/demo.sh) ends with a working web app:
#   - the demo runs to its end: four replicas agree;
#   - its last lines print "Open this link in your browser: URL" with a
#     loopback login URL, how to get a new one and how to stop the demo;
#   - the URL logs in (303 to /, the kith_session cookie) and only once;
#     with the cookie, / shows the community and a Chinese wish of the
#     seed, /wishes its English and Chinese wishes, and Amira (whose
#     daemon it is) sees an offer waiting on her wish;
#   - the community stays in the directory given, with daemon.pid naming a
#     running daemon;
#   - running the demo again stops the old daemon and starts a new one;
#   - `cli/demo.sh --stop` stops it, and removes daemon.pid.
# The web app listens on a free port (KITH_DEMO_WEB=127.0.0.1:0) so a demo
# running on 7474 is never touched.  Any daemon still running when the test
# ends (a failure half-way) is killed.
. "$(dirname "$0")/lib.sh"

ROOT=$(cd "$E2E_DIR/../.." && pwd)
PY=/usr/bin/python3
[ -x "$PY" ] || skip "needs /usr/bin/python3"
command -v setsid >/dev/null 2>&1 || skip "needs setsid (util-linux)"
DEMO=$TMP_DIR/demo
KITH_DEMO_WEB=127.0.0.1:0
export KITH_DEMO_WEB

# kill whatever daemon.pid names at the end, whatever happened (expanded then)
# shellcheck disable=SC2016
at_exit 'if [ -f "$DEMO/daemon.pid" ]; then kill -KILL "$(cat "$DEMO/daemon.pid")" 2>/dev/null; fi'
alive() { [ -n "$1" ] && kill -0 "$1" 2>/dev/null; }
# wait_gone PID: up to 5 s for it to end
wait_gone() {
	_i=0
	while [ $_i -lt 50 ] && alive "$1"; do
		sleep 0.1
		_i=$((_i + 1))
	done
	! alive "$1"
}

# login URL: "STATUS LOCATION COOKIE-NAME" of GET URL, then what / and
# /wishes hold, one "has WORD" line per expected text found
cat >"$TMP_DIR/login.py" <<'PYEOF'
import http.client, sys
url = sys.argv[1]
hostport = url.split("/")[2]
host, port = hostport.rsplit(":", 1)
def get(path, cookie=None):
    c = http.client.HTTPConnection(host, int(port), timeout=10)
    h = {"Host": hostport}
    if cookie:
        h["Cookie"] = cookie
    c.request("GET", path, headers=h)
    r = c.getresponse()
    b = r.read().decode("utf-8")
    c.close()
    return r.status, r.getheader("Location") or "", r.getheader("Set-Cookie") or "", b
st, loc, setc, _ = get(url[len("http://" + hostport):])
cookie = setc.split(";", 1)[0]
print("login %d %s %s" % (st, loc, cookie.split("=", 1)[0]))
print("again %d" % get(url[len("http://" + hostport):])[0])
st, _, _, home = get("/", cookie)
st2, _, _, wishes = get("/wishes", cookie)
print("pages %d %d" % (st, st2))
for what, page in (("Elm &amp; Oak", home), ("帮李奶奶买菜", home),
                   ("Mr Haddad", home), ("offered help", home),
                   ("dog this week", wishes), ("需要梯子", wishes)):
    if what in page:
        print("has " + what)
PYEOF

# ---- the first run ---------------------------------------------------------

sh "$ROOT/cli/demo.sh" "$KITH" "$DEMO" >"$TMP_DIR/out1" 2>"$TMP_DIR/err1"
check_eq "the demo exits 0" "$?" 0
OUT=$(cat "$TMP_DIR/out1")
check_match "the four replicas agree" "$OUT" '^all four replicas agree$'
LINE=$(grep '^Open this link in your browser: ' "$TMP_DIR/out1")
URL=${LINE#Open this link in your browser: }
check_match "the demo prints the login URL" "$URL" \
	'^http://127\.0\.0\.1:[0-9]+/login\?token=[0-9a-f]{64}$'
check_match "the link is among the last lines" "$(tail -n 2 "$TMP_DIR/out1")" \
	'^Open this link in your browser: http'
check_match "it says how to get a new link and how to stop the demo" \
	"$(tail -n 1 "$TMP_DIR/out1")" \
	"^It works once, for 10 minutes; run \`.*kith --home .*/demo/amira open\` for a new one\. Stop the demo with: sh .*cli/demo\.sh --stop "
check "the community is kept in the directory given" test -d "$DEMO/amira"
PID1=$(cat "$DEMO/daemon.pid" 2>/dev/null)
check "daemon.pid names a running daemon" alive "$PID1"

R=$("$PY" "$TMP_DIR/login.py" "$URL" 2>&1)
check_match "the URL logs in: 303 to / with the session cookie" "$R" \
	'^login 303 / kith_session$'
check_match "the URL works once" "$R" '^again 403$'
check_match "/ and /wishes answer 200 with the cookie" "$R" '^pages 200 200$'
for w in "Elm &amp; Oak" "帮李奶奶买菜" "Mr Haddad" "offered help" "dog this week" \
	"需要梯子"; do
	check_match "the web app shows '$w'" "$R" "^has $w\$"
done

# ---- again: the old daemon stops, a new one starts --------------------------

sh "$ROOT/cli/demo.sh" "$KITH" "$DEMO" >"$TMP_DIR/out2" 2>"$TMP_DIR/err2"
check_eq "the demo runs again" "$?" 0
check "the old daemon is stopped" wait_gone "$PID1"
PID2=$(cat "$DEMO/daemon.pid" 2>/dev/null)
check_ne "a new daemon runs" "$PID2" "$PID1"
check "the new daemon is running" alive "$PID2"
URL2=$(sed -n 's/^Open this link in your browser: //p' "$TMP_DIR/out2")
R=$("$PY" "$TMP_DIR/login.py" "$URL2" 2>&1)
check_match "the new URL logs in" "$R" '^login 303 / kith_session$'

# ---- stop --------------------------------------------------------------------

sh "$ROOT/cli/demo.sh" --stop "$KITH" "$DEMO" >"$TMP_DIR/out3" 2>&1
check_eq "demo.sh --stop exits 0" "$?" 0
check "the daemon is stopped" wait_gone "$PID2"
check "daemon.pid is gone" test ! -e "$DEMO/daemon.pid"
# a directory the demo did not make is never emptied
mkdir "$TMP_DIR/mine" && : >"$TMP_DIR/mine/keep"
sh "$ROOT/cli/demo.sh" "$KITH" "$TMP_DIR/mine" >/dev/null 2>&1
check_ne "the demo refuses a directory it did not make" "$?" 0
check "and leaves it alone" test -f "$TMP_DIR/mine/keep"
finish
