#!/bin/sh
# web_for.sh - acting for a neighbour without a device in the web app
# (web/acting.h, web/page_for.c), in a real daemon over loopback:
#   - Mrs Okafor hosted with the CLI is listed on GET /for with a button
#     "Act for Mrs Okafor"; choosing her (POST /for member=HEX) makes
#     every page of the session hers: home greets her under a banner
#     that names her (English and Chinese) and the footer says it; a wish
#     posted through POST /wishes is hers, entered by the host (`kith
#     --json wish show`); a check-in through POST /checkin is hers;
#   - another login session of the same daemon is not acting for her;
#   - do=self acts as oneself again: no banner, the next wish is the
#     host's;
#   - a POST to /for without csrf is 403; a key not hosted here (one's
#     own, a made-up one, not hex) is refused with 422 and a sentence,
#     and the session stays as it was;
#   - POST /for/host adds a neighbour (an empty name is refused, 422);
#     a name with script in it comes back escaped on /for, in the notice
#     and in the banner once chosen;
#   - her key gone from this machine while chosen: a POST is not run as
#     the host (303 to /for, "nothing was saved"), and the session acts
#     as itself.
. "$(dirname "$0")/lib.sh" "$1"

web_py
setup_community a
web_daemon a
web_login a
k a member host --name "Mrs Okafor" --building Elm --unit 4
check_eq "kith member host (CLI) exits 0" "$RC" 0
OKAFOR=$OUT

cat >"$WORK/for.py" <<'PYEOF'
import json, os, re, sys
from weblib import csrf_of, kith_at, login, pages, req, say, setup

url, kith_bin, home, okafor = sys.argv[1:5]
setup(BASE=url, KITH=kith_bin)


def banner(b):
    m = re.search(r'<section class="acting"[^>]*>(.*?)</section>', b, re.S)
    return m.group(1) if m else ""


def wish_author(path):
    wid = path.rsplit("/", 1)[1].split("?")[0]
    rc, out, err = kith_at(home, "--json", "wish", "show", wid)
    if rc:
        return None
    d = json.loads(out)
    return d["author"], d.get("entered_by")


rc, out, err = kith_at(home, "--json", "whoami")
me = json.loads(out)["id"]
cookie = login(home)
say(cookie.startswith("kith_session="), "the login link gives a session")

# ---- the page and its list
st, h, b = req("GET", "/", cookie=cookie)
say(st == 200 and 'href="/for"' in b and ">Neighbours I help</a>" in b,
    "every page links to /for (Neighbours I help)", b[-800:])
say(banner(b) == "" and "acting for" not in b, "no banner while acting as oneself")
st, h, b = req("GET", "/for", cookie=cookie)
csrf = csrf_of(b)
say(st == 200 and "<h1>Neighbours I help</h1>" in b and csrf, "GET /for", st)
say(">Act for Mrs Okafor</button>" in b and 'value="%s"' % okafor in b,
    "Mrs Okafor is listed with her button", b[-3000:])
say("Elm, unit 4" in b, "with where she lives")
say("Act as myself" not in b, "no 'Act as myself' while one is oneself")
say('action="/for/host"' in b and 'name="name"' in b, "the form adding a neighbour is there")

# ---- refusals change nothing
st, h, b = req("POST", "/for", {"member": okafor}, cookie)
say(st == 403, "POST /for without csrf is 403", st)
for what, val in (("one's own key (not hosted)", me), ("a made-up key", "ab" * 32),
                  ("not hex", "zz" * 32), ("a short key", okafor[:20]), ("nothing", "")):
    st, h, b = req("POST", "/for", {"member": val, "csrf": csrf}, cookie)
    say(st == 422 and "That neighbour is not kept on this computer, so you cannot "
        "act for them here. Nothing was changed." in b,
        "choosing %s is refused (422) with a sentence" % what, (st, b[-1500:]))
st, h, b = req("GET", "/", cookie=cookie)
say(banner(b) == "" and "Hello, a" in b, "after the refusals the session still acts as itself")

# ---- acting for her
st, h, b = req("POST", "/for", {"member": okafor, "csrf": csrf}, cookie)
say(st == 303 and h.get("location") == "/", "choosing Mrs Okafor: 303 to /", (st, h.get("location")))
st, h, b = req("GET", "/", cookie=cookie)
bn = banner(b)
say("You are acting for Mrs Okafor" in bn and ">Act as yourself</button>" in bn,
    "home: the banner names her, with a button back", bn or b[:1500])
say(0 <= b.find('class="acting"') < b.find("<header"), "the banner is above the header")
say('name="do" value="self"' in bn and csrf_of(bn) == csrf, "its button posts do=self with the csrf")
say("Hello, Mrs Okafor" in b, "home greets her: the page is hers", b[:3000])
say("You are a, acting for Mrs Okafor, in Loopback." in b, "the footer says it", b[-800:])
st, h, b = req("GET", "/", cookie=cookie, lang="zh-CN")
say("你正在代 Mrs Okafor 操作" in banner(b) and "以自己的身份操作" in banner(b),
    "the banner in Chinese", banner(b))
for path in ("/wishes", "/items", "/members", "/wishes/new", "/settings", "/for"):
    st, h, b = req("GET", path, cookie=cookie)
    say(st == 200 and "You are acting for Mrs Okafor" in banner(b),
        "GET %s shows the banner" % path, st)
st, h, b = req("GET", "/for", cookie=cookie)
say("You are acting for them now." in b and ">Act as myself</button>" in b
    and ">Act for Mrs Okafor</button>" not in b, "/for says whom one acts for", b[-3000:])

other = login(home)
st, h, b = req("GET", "/", cookie=other)
say(st == 200 and banner(b) == "" and "Hello, a" in b,
    "another session of the same daemon acts as itself", b[:1500])

st, h, b = req("POST", "/wishes", {"title": "Shopping on Friday", "urgency": "urgent",
                                    "kind": "material", "csrf": csrf}, cookie)
loc = h.get("location", "")
say(st == 303 and loc.startswith("/wishes/"), "POST /wishes while acting for her: 303", (st, loc))
say(wish_author(loc) == (okafor, "a"), "the wish is hers, entered by a (kith --json wish show)",
    wish_author(loc))
st, h, b = req("GET", loc, cookie=cookie)
say("You (a entered it for you)" in b, "its page says who entered it", b[-3000:])
wish_page = loc
st, h, b = req("POST", "/checkin", {"status": "safe", "csrf": csrf}, cookie)
say(st == 303, "POST /checkin while acting for her", st)
rc, out, err = kith_at(home, "--json", "checkins")
rows = json.loads(out) if rc == 0 else []
say([(c["name"], c["status"]) for c in rows if c["name"] == "Mrs Okafor"] == [("Mrs Okafor", "safe")]
    and [c["status"] for c in rows if c["name"] == "a"] == ["unknown"], "the check-in is hers, not a's", rows)
st, h, b = req("POST", "/wishes", {"title": "From the other session", "csrf": csrf_of(req("GET", "/for", cookie=other)[2])}, other)
say(wish_author(h.get("location", "/x")) == (me, None), "the other session's wish is a's own",
    wish_author(h.get("location", "/x")))

# ---- back to oneself
st, h, b = req("POST", "/for", {"do": "self", "csrf": csrf}, cookie)
say(st == 303 and h.get("location") == "/for?done=self", "do=self: 303 to /for?done=self",
    (st, h.get("location")))
st, h, b = req("GET", "/for?done=self", cookie=cookie)
say("You act as yourself again." in b and banner(b) == "", "/for says so, without the banner")
st, h, b = req("GET", "/", cookie=cookie)
say(banner(b) == "" and "Hello, a" in b and "acting for" not in b, "home is a's again")
st, h, b = req("GET", wish_page, cookie=cookie)
say("Mrs Okafor (no device: a entered it)" in b, "as a, her wish's page says she has no device and a entered it",
    b[-3000:])
st, h, b = req("POST", "/wishes", {"title": "My own errand", "csrf": csrf}, cookie)
say(wish_author(h.get("location", "/x")) == (me, None), "the next wish is a's own",
    wish_author(h.get("location", "/x")))

# ---- hosting through the web app
st, h, b = req("POST", "/for/host", {"name": "", "building": "Elm", "csrf": csrf}, cookie)
say(st == 422 and "Write the neighbour&#39;s name." in b and 'value="Elm"' in b,
    "an empty name is refused (422), the values kept", (st, b[-2000:]))
st, h, b = req("POST", "/for/host", {"name": "Mr Lee", "csrf": "0" * 64}, cookie)
say(st == 403, "POST /for/host with a wrong csrf is 403", st)
evil = "<script>alert(1)</script> Lee"
st, h, b = req("POST", "/for/host", {"name": evil, "building": "Oak", "unit": "<b>7</b>",
                                     "csrf": csrf}, cookie)
loc = h.get("location", "")
m = re.match(r"/for\?done=hosted&who=([0-9a-f]{64})$", loc)
say(st == 303 and m, "POST /for/host: 303 to /for?done=hosted&who=HEX", (st, loc))
lee = m.group(1) if m else ""
rc, out, err = kith_at(home, "--json", "member", "hosted")
say(rc == 0 and sorted(x["name"] for x in json.loads(out)) == sorted(["Mrs Okafor", evil]),
    "kith member hosted lists both", out)
st, h, b = req("GET", loc, cookie=cookie)
say("&lt;script&gt;alert(1)&lt;/script&gt; Lee is now kept on this computer." in b
    and "What next:" in b, "the notice names the new neighbour, escaped, and says what next",
    b[-3000:])
say("Act for &lt;script&gt;alert(1)&lt;/script&gt; Lee" in b and "&lt;b&gt;7&lt;/b&gt;" in b,
    "the list shows them escaped")
st, h, b = req("GET", "/for?done=hosted&who=" + me, cookie=cookie)
say("The neighbour is now kept on this computer." in b and "a is now kept" not in b,
    "a ?who= not hosted here names nobody")
st, h, b = req("POST", "/for", {"member": lee, "csrf": csrf}, cookie)
st, h, b = req("GET", "/", cookie=cookie)
say("You are acting for &lt;script&gt;alert(1)&lt;/script&gt; Lee" in banner(b),
    "the banner shows their name escaped", banner(b))
req("GET", "/wishes", cookie=cookie)

# ---- her key gone while chosen
st, h, b = req("POST", "/for", {"member": okafor, "csrf": csrf}, cookie)
keyf = os.path.join(home, "hosted", okafor)
os.rename(keyf, keyf + ".away")
try:
    st, h, b = req("POST", "/wishes", {"title": "Never as a", "csrf": csrf}, cookie)
    say(st == 303 and h.get("location") == "/for", "a POST after her key went: 303 to /for, not run",
        (st, h.get("location")))
    rc, out, err = kith_at(home, "--json", "wish", "list")
    say(rc == 0 and "Never as a" not in out, "nothing was posted, as a or anyone", out[-500:])
    st, h, b = req("GET", "/for", cookie=cookie)
    say("nothing was saved. You act as yourself now." in b and banner(b) == "",
        "/for says so, once, and the banner is gone", b[-3000:])
    st, h, b = req("GET", "/for", cookie=cookie)
    say("nothing was saved" not in b, "the sentence is shown once")
finally:
    os.rename(keyf + ".away", keyf)
st, h, b = req("GET", "/", cookie=cookie)
say(banner(b) == "" and "Hello, a" in b, "the session acts as itself")

bad = [p for p, body in pages if b"<script" in body]
say(not bad, "no page holds \"<script\"", bad[:3])
print("DONE")
PYEOF

"$PY" "$WORK/for.py" "$URL_A" "$KITH" "$WORK/a" "$OKAFOR" >"$WORK/py.out" 2>&1
web_tally "$WORK/py.out"
check_nomatch "no page failed (500) in daemon a's log" "$(cat "$WORK/a.log")" 'web: .* failed'

finish
