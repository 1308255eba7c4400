#!/bin/sh
# web.sh - the web app's server (web/server.h) in a real daemon, over
# loopback, every security rule of its first slice:
#   - GET /healthz answers 200 "ok" without login; `/` needs login;
#   - every response carries the CSP, X-Frame-Options, nosniff,
#     Referrer-Policy and Cache-Control headers;
#   - a wrong Host, or none, is 403 (DNS rebinding); HTTP/1.1 without Host
#     is refused by libmicrohttpd itself (400);
#   - `kith open --print` prints one line http://HOST:PORT/login?token=T;
#     GET of it sets an HttpOnly SameSite=Strict cookie and redirects (303)
#     to /; the same token again, a wrong one, an expired one (its creation
#     time forged in DIR/web-login) are 403 and say to run 'kith open';
#   - a page that needs login redirects (303) to /login without a session;
#   - a POST without csrf, with a wrong one, or without a session is 403;
#     with the session's own (from the logout form) it passes and ends the
#     session; a body over 64 KiB is 413 (declared, or chunked), one
#     over 1 MiB is cut off;
#   - every refusal above (403, 404, 405, 400, 413, 415) is an HTML page
#     with <html lang>, a heading and the stylesheet, in the language of
#     the kith_prefs cookie or Accept-Language; without a session, and
#     under a wrong Host even with one, nothing of the community shows;
#     with one, the whole shell; /healthz stays plain "ok";
#   - a --web address this machine does not have cannot be served (exit
#     1, its log says why), one that is no address is a usage error (off
#     loopback itself is allowed: web_pin.sh); with the default port taken
#     the daemon runs without the web app and says so;
#   - --no-web serves nothing and `kith open` says so;
#   - SIGTERM stops the daemon cleanly (exit 0).
. "$(dirname "$0")/lib.sh" "$1"

web_py
setup_community a
web_daemon a
web_login a
check_eq "kith open --print prints one line" "$(printf '%s\n' "$URL_A" | wc -l | tr -d ' ')" 1
check_match "the line is the login URL" "$URL_A" \
	'^http://127\.0\.0\.1:[0-9]+/login\?token=[0-9a-f]{64}$'
URL=$URL_A
HOSTPORT=$HOSTPORT_A

# The checks in Python (http.client): one "PASS what" or "FAIL what:
# detail" line each.
cat >"$WORK/web_checks.py" <<'PYEOF'
import http.client, os, re, socket, sys
from weblib import kith_at, say, setup

hostport, url, kith, home = sys.argv[1:5]
setup(KITH=kith, DETAIL=None)
host, port = hostport.rsplit(":", 1)
port = int(port)
SEC = {
    "content-security-policy": "default-src 'none'; script-src 'self'; "
    "style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'",
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cache-control": "no-store",
}
seen = []


def req(method, path, headers=None, body=None, host_header=hostport,
        chunks=None):
    c = http.client.HTTPConnection(host, port, timeout=10)
    c.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
    if host_header is not None:
        c.putheader("Host", host_header)
    for k, v in (headers or {}).items():
        c.putheader(k, v)
    if chunks is not None:
        c.putheader("Transfer-Encoding", "chunked")
        c.endheaders()
        try:
            for ch in chunks:
                c.send(b"%x\r\n" % len(ch) + ch + b"\r\n")
            c.send(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass
    else:
        if body is not None:
            c.putheader("Content-Length", str(len(body)))
        c.endheaders()
        if body is not None:
            try:
                c.send(body)
            except (BrokenPipeError, ConnectionResetError):
                pass
    r = c.getresponse()
    data = r.read()
    hdrs = {k.lower(): v for k, v in r.getheaders()}
    c.close()
    seen.append((method + " " + path, r.status, hdrs))
    return r.status, hdrs, data


def raw(text):
    s = socket.create_connection((host, port), timeout=10)
    s.sendall(text)
    out = b""
    while True:
        b = s.recv(65536)
        if not b:
            break
        out += b
    s.close()
    m = re.match(rb"HTTP/1\.[01] (\d+)", out)
    return int(m.group(1)) if m else 0, out


def form(d):
    from urllib.parse import urlencode
    return urlencode(d).encode()


FORM = {"Content-Type": "application/x-www-form-urlencoded"}

st, h, b = req("GET", "/healthz")
say(st == 200 and b == b"ok\n", "GET /healthz is 200 ok without login",
    "%d %r" % (st, b))
st, h, b = req("GET", "/")
say(st == 303 and h.get("location") == "/login",
    "GET / without a session redirects (303) to /login", str(st))
st, h, b = req("GET", "/nowhere")
say(st == 404, "an unknown path is 404", str(st))
st, h, b = req("DELETE", "/healthz")
say(st == 405, "DELETE is 405", str(st))

for hh in ("evil.example:%d" % port, "127.0.0.1:1", "127.0.0.1",
           "attacker.localhost:%d" % port):
    st, h, b = req("GET", "/healthz", host_header=hh)
    say(st == 403, "Host %s is 403" % hh, str(st))
for hh in ("localhost:%d" % port, "LOCALHOST:%d" % port, "[::1]:%d" % port):
    st, h, b = req("GET", "/healthz", host_header=hh)
    say(st == 200, "Host %s is accepted" % hh, str(st))
st, out = raw(b"GET /healthz HTTP/1.0\r\n\r\n")
say(st == 403, "HTTP/1.0 without Host is 403", str(st))
st, out = raw(b"GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n")
say(st in (400, 403), "HTTP/1.1 without Host is refused (400 or 403)", str(st))

# login
tok = url.split("token=", 1)[1]
st, h, b = req("GET", "/login?token=" + "0" * 64)
say(st == 403 and b"kith open" in b, "a wrong token is 403 and says to run kith open",
    "%d %r" % (st, b))
st, h, b = req("GET", "/login?token=" + tok)
ck = h.get("set-cookie", "")
say(st == 303 and h.get("location") == "/", "a valid token redirects (303) to /",
    "%d %s" % (st, h.get("location")))
say(re.match(r"kith_session=[0-9a-f]{64};", ck) is not None and "HttpOnly" in ck
    and "SameSite=Strict" in ck and "Path=/" in ck,
    "the session cookie is HttpOnly, SameSite=Strict, Path=/", ck)
cookie = ck.split(";", 1)[0]
st, h, b = req("GET", "/login?token=" + tok)
say(st == 403 and b"kith open" in b, "the same token again is 403", "%d %r" % (st, b))
st, h, b = req("GET", "/login")
say(st == 403 and b"kith open" in b, "/login without a token is 403", str(st))

# expired: a fresh token whose creation time is forged 11 minutes back
rc, out, err = kith_at(home, "open", "--print")
tok2 = out.strip().split("token=", 1)[1]
path = os.path.join(home, "web-login")
line = open(path).read().split()
say(line[0] == tok2, "DIR/web-login holds the token", repr(line))
say((os.stat(path).st_mode & 0o777) == 0o600, "DIR/web-login is 0600",
    oct(os.stat(path).st_mode))
with open(path, "w") as f:
    f.write("%s %d\n" % (tok2, int(line[1]) - 660))
st, h, b = req("GET", "/login?token=" + tok2)
say(st == 403, "an expired token is 403", str(st))
say(not os.path.exists(path), "an expired token is deleted")

# a page that needs login
st, h, b = req("GET", "/logout")
say(st == 303 and h.get("location") == "/login",
    "without a session a page redirects (303) to /login", "%d %s" % (st, h.get("location")))
st, h, b = req("GET", "/logout", headers={"Cookie": "kith_session=" + "1" * 64})
say(st == 303, "an unknown session cookie is no session", str(st))
st, h, b = req("GET", "/logout", headers={"Cookie": cookie})
m = re.search(rb'name="csrf" value="([0-9a-f]{64})"', b)
say(st == 200 and m is not None, "the logout page holds the csrf token", str(st))
csrf = m.group(1).decode() if m else ""
say(b'<html lang="' in b, "the page names its language")

# CSRF
hc = dict(FORM, Cookie=cookie)
st, h, b = req("POST", "/logout", headers=hc, body=b"")
say(st == 403, "a POST without csrf is 403", str(st))
st, h, b = req("POST", "/logout", headers=hc, body=form({"csrf": "0" * 64}))
say(st == 403, "a POST with a wrong csrf is 403", str(st))
st, h, b = req("POST", "/logout", headers=hc, body=form({"csrf": csrf[:-1]}))
say(st == 403, "a POST with a cut csrf is 403", str(st))
st, h, b = req("POST", "/logout", headers=hc,
               body=b"csrf=" + csrf.encode() + b"&csrf=" + b"0" * 64)
say(st == 403, "a POST with csrf twice is 403", str(st))
st, h, b = req("POST", "/logout", headers=FORM, body=form({"csrf": csrf}))
say(st == 403, "a POST without a session is 403", str(st))
st, h, b = req("POST", "/logout", headers={"Cookie": cookie, "Content-Type": "text/plain"},
               body=form({"csrf": csrf}))
say(st == 415, "a POST that is not a form is 415", str(st))
st, h, b = req("POST", "/logout", headers=hc, body=b"csrf=%zz")
say(st == 400, "a malformed form is 400", str(st))

# bodies over the cap
big = b"csrf=" + csrf.encode() + b"&x=" + b"a" * (64 * 1024)
st, h, b = req("POST", "/logout", headers=hc, body=big)
say(st == 413, "a body over 64 KiB is 413", str(st))
try:
    st, h, b = req("POST", "/logout", headers=hc,
                   chunks=[b"x=" + b"a" * 16000] + [b"a" * 16000] * 5)
    say(st == 413, "a chunked body over 64 KiB is 413", str(st))
except (ConnectionResetError, http.client.RemoteDisconnected) as e:
    say(False, "a chunked body over 64 KiB is 413", repr(e))
try:
    st, h, b = req("POST", "/logout", headers=hc,
                   chunks=[b"x=" + b"a" * 60000] + [b"a" * 60000] * 25)
    say(False, "a chunked body over 1 MiB is cut off", "answered %d" % st)
except (ConnectionResetError, BrokenPipeError, http.client.RemoteDisconnected):
    say(True, "a chunked body over 1 MiB is cut off")
st, h, b = req("GET", "/healthz")
say(st == 200, "the server still answers after them", str(st))

# the refusals are pages (web/page_error.c): the same status, HTML in
# the request's language, large type (the stylesheet), a heading; nothing
# of the community without a session, and never under a wrong Host
def error_page(st, h, b, want, what, lang="en", words=None, member=False):
    t = b.decode("utf-8", "replace")
    tag = {"en": "en", "zh": "zh-Hans"}[lang]
    say(st == want, "%s: status %d" % (what, want), str(st))
    say(h.get("content-type", "").startswith("text/html")
        and ('<html lang="%s">' % tag) in t and "<h1>" in t
        and 'href="/static/kith.css"' in t,
        "%s: an HTML page with lang=%s, a heading and the stylesheet" % (what, tag), repr(t[:300]))
    if words:
        say(words in t, "%s: says %r" % (what, words), repr(t[:800]))
    if member:
        say("Loopback" in t and "<nav" in t,
            "%s: with a session, the whole shell (the community, the nav)" % what, repr(t[:800]))
    else:
        say("Loopback" not in t and "<nav" not in t and "You are a," not in t
            and 'name="csrf"' not in t,
            "%s: nothing of the community or the session" % what, repr(t[:800]))


ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}
st, h, b = req("GET", "/nowhere")
error_page(st, h, b, 404, "404 without a session", words="There is no such page.")
st, h, b = req("GET", "/nowhere", headers=ZH)
error_page(st, h, b, 404, "404 in Chinese", lang="zh", words="找不到这个页面")
st, h, b = req("GET", "/nowhere", headers={"Cookie": cookie})
error_page(st, h, b, 404, "404 with a session", words="Go to the home page", member=True)
st, h, b = req("GET", "/nowhere", headers={"Cookie": cookie + "; kith_prefs=zh_CN"})
error_page(st, h, b, 404, "404 with the language setting over Accept-Language",
           lang="zh", member=True)
st, h, b = req("GET", "/static/nosuch.css", headers={"Cookie": cookie})
error_page(st, h, b, 404, "a missing static file", member=True)
st, h, b = req("DELETE", "/healthz", headers=ZH)
error_page(st, h, b, 405, "405 in Chinese", lang="zh", words="这里不能这样操作")
st, h, b = req("POST", "/healthz", headers=FORM, body=b"")
error_page(st, h, b, 405, "POST to a GET-only path")
for hh in ("evil.example:%d" % port, "127.0.0.1"):
    st, h, b = req("GET", "/", host_header=hh,
                   headers={"Cookie": cookie, "Accept-Language": "zh-CN"})
    error_page(st, h, b, 403, "wrong Host %s with a session cookie" % hh, lang="zh",
               words="kith open")
    say('href="/"' not in b.decode().split("</header>")[1],
        "wrong Host %s: no link home" % hh)
st, h, b = req("GET", "/login")
error_page(st, h, b, 403, "/login without a token", words="kith open")
st, h, b = req("GET", "/login?token=" + "0" * 64, headers=ZH)
error_page(st, h, b, 403, "a wrong login link in Chinese", lang="zh", words="kith open")
st, h, b = req("GET", "/login?token=" + "0" * 64, headers={"Cookie": cookie})
error_page(st, h, b, 403, "a wrong login link while logged in", words="This login link does not work")
st, h, b = req("POST", "/logout", headers=hc, body=b"")
error_page(st, h, b, 403, "a POST without csrf", words="did not come from kith",
           member=True)
st, h, b = req("POST", "/logout", headers=dict(FORM, **ZH), body=form({"csrf": csrf}))
error_page(st, h, b, 403, "a POST without a session", lang="zh", words="kith open")
st, h, b = req("POST", "/logout", headers={"Cookie": cookie, "Content-Type": "text/plain"},
               body=b"x")
error_page(st, h, b, 415, "a POST that is not a form")
st, h, b = req("POST", "/logout", headers=hc, body=b"csrf=%zz")
error_page(st, h, b, 400, "a malformed form", member=True)
st, h, b = req("POST", "/logout", headers=hc, body=b"x=" + b"a" * (64 * 1024))
error_page(st, h, b, 413, "a body over 64 KiB", words="shorter")
st, h, b = req("GET", "/healthz", headers=dict(ZH, Cookie=cookie + "; kith_prefs=zh_CN.easy"))
say(st == 200 and b == b"ok\n" and h.get("content-type", "").startswith("text/plain"),
    "/healthz stays plain 200 ok whatever the cookies", "%d %r" % (st, b))

# the right csrf passes and ends the session
st, h, b = req("POST", "/logout", headers=hc, body=form({"csrf": csrf}))
say(st == 303 and h.get("location") == "/logged-out",
    "a POST with the right csrf passes (logout: 303 to /logged-out)",
    "%d %s" % (st, h.get("location")))
say("Max-Age=0" in h.get("set-cookie", ""), "logout clears the cookie", h.get("set-cookie", ""))
st, h, b = req("GET", "/logout", headers={"Cookie": cookie})
say(st == 303, "the session is gone after logout", str(st))
st, h, b = req("GET", "/logged-out", headers={"Cookie": cookie})
t = b.decode()
say(st == 200 and "You are logged out" in t and "open kith again from the link" in t
    and "On this computer: kith open" in t and "set-cookie" not in h,
    "/logged-out: 200, says so and how to come back, no session", "%d %s" % (st, t[-600:]))
st, h, b = req("GET", "/logged-out", headers=ZH)
say(st == 200 and "你已退出登录" in b.decode(), "/logged-out in Chinese", str(st))
st, h, b = req("GET", "/login")
t = b.decode()
say(st == 403 and "open kith again from the link" in t
    and t.count("You are not logged in") == 2,   # <title> and <h1>, not the sentence
    "/login without a token: plain advice, the heading not repeated", t[-600:])

bad = [(w, s) for (w, s, hd) in seen if any(hd.get(k) != v for k, v in SEC.items())]
say(not bad, "all %d responses carry the security headers" % len(seen), repr(bad[:3]))
PYEOF

"$PY" "$WORK/web_checks.py" "$HOSTPORT" "$URL" "$KITH" "$WORK/a" >"$WORK/py.out" 2>&1
while IFS= read -r line; do
	case $line in
	"PASS "*) pass "${line#PASS }" ;;
	"FAIL "*) fail "${line#FAIL }" ;;
	*) fail "python: $line" ;;
	esac
done <"$WORK/py.out"
check "the python checks ran" grep -q 'security headers' "$WORK/py.out"

# SIGTERM: a clean stop
P=$(pid_of a)
kill -TERM "$P"
wait "$P"
check_eq "SIGTERM stops the daemon with exit 0" "$?" 0
check_nomatch "the loop closed cleanly" "$(cat "$WORK/a.log")" 'did not close cleanly'

# off loopback is allowed now (PIN login, tests/integration/web_pin.sh):
# an address of this machine serves (0.0.0.0 there); one that is not
# this machine's cannot be bound: exit 1, and the log says why; a
# --web that is no address is a usage error
k a daemon --listen 127.0.0.1:0 --no-mdns --web 192.0.2.1:7474
check_eq "--web 192.0.2.1:7474 (not this machine's): exit 1" "$RC" 1
check_match "--web 192.0.2.1:7474: says it cannot serve there" "$ERR" \
	"cannot serve the web app on '192\.0\.2\.1:7474'"
check_nomatch "--web 192.0.2.1:7474: not refused as off loopback" "$ERR" 'loopback'
k a daemon --listen 127.0.0.1:0 --no-mdns --web nonsense
check_eq "--web nonsense: usage, exit 2" "$RC" 2
check_match "--web nonsense: says what it needs" "$ERR" "^kith: --web needs ADDR:PORT, not 'nonsense'"

# the default port taken (here by a listener of ours, or by whoever holds
# it already): the daemon runs without the web app and says so
mkfifo "$WORK/hold.fifo"
"$PY" -c '
import socket, sys, time
s = socket.socket()
try:
    s.bind(("127.0.0.1", 7474))
    s.listen()
except OSError:
    pass
print("held", flush=True)
sys.stdin.read()
' <"$WORK/hold.fifo" >"$WORK/hold.out" 2>&1 &
HOLD=$!
exec 9>"$WORK/hold.fifo"
wait_for 5 grep -q held "$WORK/hold.out"
KT_DEFAULT_WEB=1
start_daemon a || { fail "daemon a starts with the default port taken"; finish; }
KT_DEFAULT_WEB=
check_match "default port taken: the daemon says it runs without the web app" \
	"$(cat "$WORK/a.log")" 'running without the web app'
k a open --print
check_eq "default port taken: kith open fails" "$RC" 1
P=$(pid_of a)
kill -TERM "$P"
wait "$P"
check_eq "default port taken: SIGTERM, exit 0" "$?" 0
exec 9>&-
wait "$HOLD" 2>/dev/null

# --no-web: nothing served, and kith open says so
start_daemon a --no-web || { fail "daemon a starts with --no-web"; finish; }
k a --json status
check_match "--no-web: no web service in the status" "$OUT" '"services":\{\}'
check_nomatch "--no-web: no web app in the log" "$(cat "$WORK/a.log")" 'web app on'
k a open --print
check_eq "--no-web: kith open fails" "$RC" 1
check_match "--no-web: kith open says why" "$ERR" 'does not serve the web app'
P=$(pid_of a)
kill -TERM "$P"
wait "$P"
check_eq "SIGTERM stops a --no-web daemon with exit 0" "$?" 0
k a open --print
check_eq "no daemon: kith open fails" "$RC" 1
check_match "no daemon: kith open says so" "$ERR" 'daemon is not running'

finish
