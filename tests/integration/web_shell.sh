#!/bin/sh
# web_shell.sh - the web app's shell and settings (web/pages.h,
# web/page_settings.c) in real daemons, over loopback:
#   - the nav: a landmark with a name, Home, Wishes, Items, Members,
#     Settings, aria-current on the page's own link; "Coordinate" (/coord)
#     for a coordinator only (a, who made the community; b is none); the
#     footer names who is logged in where and links Settings and Log out;
#   - GET /settings: the form (csrf, the three languages, easy mode);
#   - POST /settings: lang=zh_CN, easy=1 sets kith_prefs (HttpOnly,
#     SameSite=Strict, Path=/, a year) and redirects (303) to
#     /settings?done=saved, which says so in Chinese; every page then
#     speaks Chinese to an English browser and has <body class="easy">,
#     and the setting "en" gives English to a Chinese browser; lang=auto
#     without easy clears the cookie;
#   - a POST without csrf is 403 and sets no cookie; values off the lists
#     (a language, easy, markup) are 422 with the form and a message,
#     never echoed, no cookie set; invalid UTF-8 is refused too (400,
#     by the form decoder);
#   - kith_prefs with garbage (markup, unknown words, separators, too
#     long, non-ASCII) is ignored: Accept-Language decides, and nothing of
#     it reaches the page.
. "$(dirname "$0")/lib.sh" "$1"

web_py
setup_community a b
web_daemon a
web_daemon b --peer-node a
web_login a
web_login b

cat >"$WORK/shell.py" <<'PYEOF'
import re, sys
from weblib import Site, csrf_of, say

url_a, url_b = sys.argv[1:3]


def site(url):
    s = Site(url, errors="replace")
    st = s.login()
    say(st == 303 and s.cookie.startswith("kith_session="),
        "the login link gives a session", st)
    return s


a = site(url_a)
b_ = site(url_b)

# ---- the nav and the footer ------------------------------------------
st, h, b = a.req("GET", "/")
nav = re.search(r'<nav aria-label="Main menu">(.*?)</nav>', b, re.S)
say(st == 200 and nav is not None, "home has a named nav landmark", b[:600])
nav = nav.group(1) if nav else ""
for href, label in (("/", "Home"), ("/wishes", "Wishes"), ("/items", "Items"),
                    ("/members", "Members"), ("/settings", "Settings"),
                    ("/coord", "Coordinate")):
    say(re.search(r'<a href="%s"[^>]*>%s</a>' % (re.escape(href), label), nav),
        "a coordinator's nav links %s to %s" % (label, href), nav)
say('<a href="/" aria-current="page">Home</a>' in nav and nav.count("aria-current") == 1,
    "home is the nav's current page, and only it", nav)
say('<li class="more"><a href="/members">' in nav,
    "Members is a secondary choice (hidden in easy mode)", nav)
foot = b.split("<footer>", 1)[-1]
say("You are a, in Loopback." in foot and 'href="/settings"' in foot
    and 'href="/logout"' in foot,
    "the footer names the member and the community and links Settings and Log out", foot)
st, h, b = b_.req("GET", "/")
say(st == 200 and 'href="/settings"' in b and "/coord" not in b and "Coordinate" not in b,
    "a member who is no coordinator has no Coordinate link", b[:1500])
st, h, b = a.req("GET", "/wishes")
say('<a href="/wishes" aria-current="page">Wishes</a>' in b,
    "/wishes is the nav's current page there")

# ---- GET /settings ------------------------------------------------------
st, h, b = a.req("GET", "/settings")
csrf = csrf_of(b)
say(st == 200 and csrf, "GET /settings is a form with csrf", st)
say('<a href="/settings" aria-current="page">Settings</a>' in b,
    "settings is the nav's current page")
for v in ("auto", "en", "zh_CN"):
    say(re.search(r'<input type="radio" name="lang" value="%s"' % v, b),
        "a radio button for lang=%s" % v)
say(re.search(r'value="auto" checked', b), "without a setting: automatic is chosen")
say('name="easy" value="1"' in b and 'value="1" checked' not in b,
    "easy mode: a checkbox, off")
say('<span lang="zh-Hans">简体中文</span>' in b, "Chinese is named in Chinese, marked so")
say(len(re.findall(r"<label", b)) >= 4 and "<legend>Language</legend>" in b,
    "every choice has a label, each group a legend")

# ---- POST /settings -----------------------------------------------------
st, h, b = a.req("POST", "/settings", body={"lang": "zh_CN", "easy": "1"})
say(st == 403 and "set-cookie" not in h, "POST /settings without csrf: 403, no cookie", (st, h))
say("<html lang=" in b and "did not come from kith" in b,
    "that 403 is a page that says why", b[:500])
st, h, b = a.req("POST", "/settings", body={"lang": "zh_CN", "easy": "1", "csrf": "0" * 64})
say(st == 403 and "set-cookie" not in h, "POST /settings with a wrong csrf: 403", st)

st, h, b = a.req("POST", "/settings", body={"lang": "zh_CN", "easy": "1", "csrf": csrf},
                 lang="en")
ck = h.get("set-cookie", "")
say(st == 303 and h.get("location") == "/settings?done=saved",
    "saving redirects (303) to /settings?done=saved", (st, h.get("location")))
say(ck.startswith("kith_prefs=zh_CN.easy;") and "SameSite=Strict" in ck
    and "Path=/" in ck and "Max-Age=31536000" in ck and "HttpOnly" in ck,
    "the cookie: kith_prefs=zh_CN.easy, SameSite=Strict, Path=/, a year", ck)
prefs = ck.split(";", 1)[0].split("=", 1)[1] if "=" in ck else ""
st, h, b = a.req("GET", "/settings?done=saved", prefs=prefs, lang="en-US,en")
say(st == 200 and '<html lang="zh-Hans">' in b and "设置已保存" in b,
    "after saving, the page says so in the new language (over Accept-Language: en)",
    b[:1200])
say('<body class="easy">' in b, "easy mode: <body class=\"easy\">")
say(re.search(r'value="zh_CN" checked', b) and 'value="1" checked' in b,
    "the form shows the saved choices")
for path in ("/", "/wishes", "/items", "/wishes/new", "/items/new", "/logout"):
    st, h, b = a.req("GET", path, prefs=prefs, lang="en")
    say(st == 200 and '<html lang="zh-Hans">' in b and '<body class="easy">' in b,
        "%s speaks Chinese in easy mode with the setting" % path, (st, b[:300]))
st, h, b = a.req("GET", "/", prefs="en", lang="zh-CN,zh;q=0.9")
say('<html lang="en">' in b and ">Home</a>" in b and "<body>" in b,
    "the setting en gives English to a Chinese browser", b[:600])
st, h, b = a.req("GET", "/", prefs="easy", lang="zh-CN")
say('<html lang="zh-Hans">' in b and '<body class="easy">' in b,
    "easy alone: the browser's language, easy mode")

st, h, b = a.req("POST", "/settings", body={"lang": "auto", "csrf": csrf}, prefs=prefs)
ck = h.get("set-cookie", "")
say(st == 303 and ck.startswith("kith_prefs=;") and "Max-Age=0" in ck,
    "back to automatic without easy mode clears the cookie", (st, ck))
st, h, b = a.req("POST", "/settings", body={"lang": "en", "csrf": csrf})
say(st == 303 and h.get("set-cookie", "").startswith("kith_prefs=en;"),
    "English alone", h.get("set-cookie"))

# refusals: 422, the form again, nothing echoed, no cookie
for what, body in (("an unknown language", {"lang": "fr"}),
                   ("markup as the language", {"lang": "<script>alert(1)</script>"}),
                   ("a cookie separator in the language", {"lang": "en; Path=/x"}),
                   ("easy mode not 1", {"lang": "en", "easy": "yes"}),
                   ("markup as easy", {"easy": "\"><b>x"})):
    body["csrf"] = csrf
    st, h, b = a.req("POST", "/settings", body=body)
    say(st == 422 and 'role="alert"' in b and "set-cookie" not in h
        and "<script>alert" not in b and "<b>x" not in b and "Path=/x" not in b,
        "%s: 422 with the reason, not echoed, no cookie" % what, (st, b[-1500:]))
st, h, b = a.req("POST", "/settings", body=b"lang=%ff%fe&csrf=" + csrf.encode())
say(st in (400, 422) and "set-cookie" not in h,
    "invalid UTF-8 as the language is refused (the form decoder: 400), no cookie", st)
st, h, b = a.req("POST", "/settings", body={"lang": "fr", "csrf": csrf}, lang="zh-CN")
say(st == 422 and re.search(r'role="alert">[^<]*[\u4e00-\u9fff]', b),
    "the refusal in Chinese to a Chinese browser", b[-1200:])

# ---- garbage in the cookie ------------------------------------------------
for bad in ('"><script>alert(1)</script>', "zh_CN<b>", "zh_CN:easy", "zh-CN",
            "ZH_CN", "zh_CN " + "x", "fr.de", "zh_CN" + "." * 70, "%7A%68_CN",
            "zh_CN\u00e9".encode().decode("latin-1"), "easy=1", "1", ""):
    st, h, b = a.req("GET", "/", prefs=bad, lang="en")
    say(st == 200 and '<html lang="en">' in b and "<body>" in b
        and "<script>alert" not in b and "<b>" not in b,
        "kith_prefs=%r is ignored (English, not easy)" % bad, (st, b[:300]))
st, h, b = a.req("GET", "/", prefs="nonsense.zh_CN.easy", lang="en")
say('<html lang="zh-Hans">' in b and '<body class="easy">' in b,
    "an unknown word in kith_prefs is skipped, the others count", b[:300])
st, h, b = a.req("GET", "/nowhere", prefs='"><script>', lang="zh-CN")
say(st == 404 and '<html lang="zh-Hans">' in b and "<script" not in b,
    "a garbage cookie on an error page: Accept-Language decides", b[:300])
PYEOF

"$PY" "$WORK/shell.py" "$URL_A" "$URL_B" >"$WORK/py.out" 2>&1
while IFS= read -r line; do
	case $line in
	"PASS "*) pass "${line#PASS }" ;;
	"FAIL "*) fail "${line#FAIL }" ;;
	*) fail "python: $line" ;;
	esac
done <"$WORK/py.out"
check "the python checks ran" grep -q 'error page: Accept-Language decides' "$WORK/py.out"

for n in a b; do
	P=$(pid_of $n)
	kill -TERM "$P"
	wait "$P"
	check_eq "SIGTERM stops daemon $n with exit 0" "$?" 0
done
finish
