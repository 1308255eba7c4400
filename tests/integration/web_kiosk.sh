#!/bin/sh
# web_kiosk.sh - kiosk mode, a shared computer in the sharing hut (`kith
# daemon --kiosk`, web/server.h "Kiosk", web/pages.h), in real daemons
# over loopback:
#   - the daemon says so in its log; without any PIN it warns that nobody
#     can log in;
#   - `kith open`'s link is refused (403, "everyone logs in with their
#     name and PIN") even from this machine, and makes no session;
#   - GET /login: the PIN form with the "Shared computer" banner, the
#     fields autocomplete="off" (the PIN "new-password"), no "kith open"
#     hint; a PIN login from loopback works (303, a session);
#   - every page of a session: easy mode (<body class="easy">) whatever
#     the kith_prefs cookie says, the banner, a Log out button posting
#     /logout with the csrf, and <meta http-equiv="refresh"
#     content="22;url=/login?idle=1"> (its 20 s of --kiosk-idle and 2);
#     /settings offers no easy mode box
#     ("always on"); /me has no link with the member's id; forms that
#     hold names say autocomplete="off";
#   - a wrong PIN re-shows the form without the name typed;
#   - the bar's Log out button ends the session (303 /logged-out, which
#     offers "Log in");
#   - idle (--kiosk-idle 20): two sessions made at once, one used again
#     10 s later; 22 s after the start the idle one is over (GET / is 303
#     to /login, a POST 403) and the other lives; /login?idle=1 says "You
#     were logged out after 20 seconds without use" and changes nothing
#     (the live session still lives after it); a daemon without --kiosk
#     keeps its session through the same wait (the idle time is kiosk
#     mode's alone).  The default minute's sentences: test_lang.
# One real wait of about 22 s (no test clock in the daemon).
. "$(dirname "$0")/lib.sh" "$1"

web_py
setup_community a b

# without a PIN: the warning
web_daemon b --kiosk
check_match "kiosk without a PIN: the daemon warns that nobody can log in" \
	"$(cat "$WORK/b.log")" "kiosk mode: nobody can log in until a member has a PIN \('kith member pin'\)"
check_match "... and says it runs in kiosk mode" "$(cat "$WORK/b.log")" \
	'web app in kiosk mode: everyone logs in with their name and PIN, and is logged out after 60 seconds without use'
kill -TERM "$(pid_of b)"
wait "$(pid_of b)"
check_eq "SIGTERM: the kiosk daemon exits 0" "$?" 0

for _t in 5 3601 abc; do
	k b daemon --kiosk-idle "$_t"
	check_eq "--kiosk-idle $_t: a usage error (exit 2)" "$RC" 2
	check_match "... which names the seconds it takes" "$ERR" \
		"--kiosk-idle needs seconds \\(10\\.\\.3600\\), not '$_t'"
done

printf '123456\n' >"$WORK/pin_a"
K_STDIN=$WORK/pin_a k a member pin a
check_eq "member pin a: exit 0" "$RC" 0
web_daemon a --kiosk --kiosk-idle 20
check_match "--kiosk-idle 20: the log says 20 seconds" "$(cat "$WORK/a.log")" \
	'web app in kiosk mode: everyone logs in with their name and PIN, and is logged out after 20 seconds without use'
check_nomatch "with a PIN: no warning" "$(cat "$WORK/a.log")" 'nobody can log in'
k a open --print
check_eq "kith open --print still prints a link: exit 0" "$RC" 0
LINK_A=$OUT
WP=$(printf '%s' "$LINK_A" | sed 's|^http://127\.0\.0\.1:\([0-9]*\)/.*|\1|')
# b: the same wait without --kiosk, its session made by a login link
web_daemon b
web_login b

cat >"$WORK/kiosk.py" <<'PYEOF'
import html, re, sys, time
from weblib import cookie_of, csrf_of, pin_login, req, say, setup

port, link, link_b = int(sys.argv[1]), sys.argv[2], sys.argv[3]
setup(BASE="http://127.0.0.1:%d/" % port, DETAIL=500, TIMEOUT=30)


def login():
    st, h, b = pin_login("a", "123456")
    return st, cookie_of(h)


BANNER = "Shared computer: you will be logged out after 20 seconds without use."
REFRESH = '<meta http-equiv="refresh" content="22;url=/login?idle=1">'

# ---- the login link: refused, no session
st, h, b = req("GET", link[link.index("/login"):])
say(st == 403 and "everyone logs in with their name and PIN" in html.unescape(b),
    "kith open's link from this machine: 403, log in with name and PIN", (st, b[:600]))
say(not cookie_of(h), "... and no session is made", h.get("set-cookie"))

# ---- the login form
st, h, b = req("GET", "/login")
say(st == 200 and 'action="/login"' in b, "GET /login: the PIN form", st)
say(BANNER in html.unescape(b), "the login page has the shared computer banner")
say(re.search(r'<input[^>]*name="member"[^>]*autocomplete="off"', b) is not None and
    re.search(r'<input[^>]*name="pin"[^>]*autocomplete="new-password"', b) is not None and
    '<form method="post" action="/login" autocomplete="off">' in b,
    "the form and its name say autocomplete=off, the PIN new-password", b[:1500])
say("kith open" not in b, "no 'kith open' hint on a shared computer")
say('class="easy"' in b, "the login page is in easy mode")
say("http-equiv" not in b, "the login page does not reload itself (typing is kept)")

# ---- a wrong PIN: the name is not shown again
st, h, b = req("POST", "/login", {"member": "a", "pin": "000000"})
say(st == 403 and 'do not match' in html.unescape(b), "a wrong PIN: 403", st)
say(re.search(r'name="member"[^>]*value=""', b) is not None,
    "... and the form does not show the name typed", b[:1500])
time.sleep(1.2)  # the address waits a second after a wrong PIN

# ---- a PIN login from loopback
st, s1 = login()
say(st == 303 and s1, "a PIN login from loopback: 303, a session", st)
st, h, b = req("GET", "/", cookie=s1 + "; kith_prefs=en")
say(st == 200, "GET / with it: 200", st)
say('<body class="easy">' in b, "home is in easy mode, though kith_prefs has no 'easy'")
say(REFRESH in b, "home reloads to /login?idle=1 after 22 s", b[:800])
say(BANNER in html.unescape(b), "home has the shared computer banner")
c1 = csrf_of(b)
say(re.search(r'<section class="kiosk"[^>]*>.*?<form method="post" action="/logout">\s*'
              r'<input type="hidden" name="csrf" value="' + c1 + r'">\s*'
              r'<button type="submit" class="logout">Log out</button>', b, re.S) is not None,
    "the banner has a Log out button posting /logout with the csrf", b[:1500])
st, h, b = req("GET", "/settings", cookie=s1)
say(st == 200 and "easy mode is always on" in b and 'name="easy"' not in b,
    "/settings: easy mode always on, no box to untick", b[-1500:])
say(REFRESH in b, "/settings reloads too")
st, h, b = req("GET", "/me", cookie=s1)
say(st == 200 and 'href="/members/' not in b,
    "/me has no link that puts the member's id in the history", b[-1200:])
say(re.search(r'<form method="post" action="/me" autocomplete="off">', b) is not None,
    "/me's form says autocomplete=off")
st, h, b = req("GET", "/wishes/new", cookie=s1)
say(re.search(r'<form method="post" action="/wishes" autocomplete="off">', b) is not None,
    "the new wish form says autocomplete=off")
st, h, b = req("GET", "/wishes", cookie=s1)
say(re.search(r'role="search" autocomplete="off">', b) is not None,
    "the search form says autocomplete=off")

# ---- the bar's Log out button
st, s9 = login()
st, h, b = req("GET", "/", cookie=s9)
st, h, b = req("POST", "/logout", {"csrf": csrf_of(b)}, cookie=s9)
say(st == 303 and h.get("location") == "/logged-out", "the Log out button: 303 /logged-out", st)
st, h, b = req("GET", "/", cookie=s9)
say(st == 303 and h.get("location") == "/login", "... and that session is over", st)
st, h, b = req("GET", "/logged-out")
say(st == 200 and 'href="/login"' in b and "kith open" not in b,
    "/logged-out offers Log in, not kith open", b[-800:])

# ---- idle
st, s3 = login()
st, s2 = login()
t0 = time.time()  # s2 was last seen before this (s3 even earlier)
say(s2 and s3, "two more sessions")
time.sleep(max(0, t0 + 10 - time.time()))
st, h, b = req("GET", "/", cookie=s3)
say(st == 200, "10 s later, the second session is used again", st)
time.sleep(max(0, t0 + 22.5 - time.time()))
st, h, b = req("GET", "/", cookie=s2)
say(st == 303 and h.get("location") == "/login",
    "22 s without use: the first session is over (GET / is 303 to /login)", (st, h.get("location")))
st, h, b = req("POST", "/checkin", {"status": "safe", "csrf": "0" * 64}, cookie=s2)
say(st == 403, "... a POST with it is 403", st)
st, h, b = req("GET", "/login?idle=1", cookie=s2)
say(st == 200 and "You were logged out after 20 seconds without use." in b,
    "/login?idle=1 says why", b[:1200])
say(not cookie_of(h), "... and makes no session")
st, h, b = req("GET", "/login?idle=1", cookie=s3)
say(st == 303 and h.get("location") == "/", "/login?idle=1 with a live session: 303 to /", st)
st, h, b = req("GET", "/", cookie=s3)
say(st == 200, "the session used 10 s in still lives (12 s idle)", st)

# ---- without --kiosk: a session idle as long lives on
ck_b, url_b = link_b.split(" ")
st, h, b = req("GET", "/", cookie=ck_b, base=url_b)
say(st == 200, "without --kiosk a session idle 22 s lives on", st)
print("DONE")
PYEOF

# b's session, made before the wait starts
HP_B=$HOSTPORT_B
"$PY" -c '
import sys
from weblib import cookie_of, path_of, req, setup
setup(TIMEOUT=30)
st, h, b = req("GET", path_of(sys.argv[1]), base=sys.argv[1])
print(cookie_of(h))
' "$URL_B" >"$WORK/b.cookie"
check_match "b: a session from its login link" "$(cat "$WORK/b.cookie")" '^kith_session='
"$PY" "$WORK/kiosk.py" "$WP" "$LINK_A" "$(cat "$WORK/b.cookie") http://$HP_B/" \
	>"$WORK/kiosk.out" 2>&1
web_tally "$WORK/kiosk.out" kiosk

for n in a b; do
	P=$(pid_of $n)
	kill -TERM "$P"
	wait "$P"
	check_eq "SIGTERM: daemon $n exits 0" "$?" 0
done
check_nomatch "the loops closed cleanly" "$(cat "$WORK/a.log" "$WORK/b.log")" \
	'did not close cleanly'

finish
