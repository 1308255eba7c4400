#!/bin/sh
# web_members.sh - the people pages (web/page_member.c, web/page_join.c) in
# real daemons over loopback:
#   - GET /members lists the members by building, by name (never a hex id
#     in the text), with their marks (verified in person, coordinator,
#     volunteer), skills and hours; ?q= searches; a search too long is 422;
#   - GET /members/ID shows one member and their hours of help in words,
#     after a wish confirmed with 1.5 hours between two verified members
#     (CLI in two daemons' data directories, synced); an unknown ID is 404;
#   - GET /me holds the form with my values; POST /me saves (303
#     ?done=saved, the CLI sees it); script in every field comes back
#     escaped on /me, /members and /members/ID; an empty name, a text over
#     4096 bytes and "nothing changed" are 422 with the action layer's
#     words and write nothing; invalid UTF-8 is refused (400) and writes
#     nothing; no csrf is 403 and writes nothing; Chinese for zh-CN;
#   - GET /join, POST /join on a third daemon, of c, who has an identity
#     and has not joined (the daemon waits for the code: peer/daemon.h):
#     garbage, a mistyped code and no csrf are refused and leave no
#     community file; the real code joins (303, the page says what comes
#     next) and c's daemon then syncs with a; the code of another
#     community is then refused; the same code again changes nothing.
. "$(dirname "$0")/lib.sh" "$1"

web_py
setup_community a b
kith_at c init --name c --building Bc >/dev/null 2>&1
CODE=$(kith_at a community invite 2>/dev/null)
kith_at other init --name other >/dev/null 2>&1
OTHER=$(kith_at other community create "Elsewhere" 2>/dev/null)
kith_at a member verify a --building Ba --unit 1 >/dev/null 2>&1
web_daemon a
web_daemon b --peer-node a --no-web
web_daemon c --peer-node a # not in a community yet
web_login a
web_login c

cat >"$WORK/members.py" <<'PYEOF'
import json, os, re, sys, time
from urllib.parse import quote
import weblib
from weblib import csrf_of, digest, kith_at, pages, say

url_a, url_c, kith, work, code, other = sys.argv[1:7]
home_a, home_b, home_c = (os.path.join(work, n) for n in "abc")
weblib.setup(KITH=kith)


class Site(weblib.Site):
    """Logs in at once (a check), keeps the csrf token of the last page
    that holds one."""
    def __init__(self, url):
        weblib.Site.__init__(self, url)
        st = self.login()
        say(st == 303 and self.cookie.startswith("kith_session="), "the login link gives a session", st)

    def req(self, method, path, body=None, lang=None):
        st, h, b = weblib.Site.req(self, method, path, body, lang=lang)
        self.csrf = csrf_of(b) or self.csrf
        return st, h, b


def converged(secs=30):
    return weblib.converged(home_a, home_b, secs)


def no_hex(b):
    """No hex id in what people read: drop the csrf token and URLs first."""
    t = re.sub(r'name="csrf" value="[0-9a-f]+"', "", b)
    t = re.sub(r'href="[^"]*"', "", t)
    return re.search(r"[0-9a-f]{12,}", t) is None


def whoami(home):
    rc, out, err = kith_at(home, "--json", "whoami")
    return json.loads(out) if rc == 0 else {}


A = Site(url_a)
say(converged(), "a and b converge")
rc, out, err = kith_at(home_a, "member", "verify", "b", "--building", "Bb", "--unit", "2")
say(rc == 0, "a (coordinator) verifies b (CLI)", err)

# ---- the list
st, h, b = A.req("GET", "/members")
say(st == 200 and "<h1>Members</h1>" in b, "GET /members is 200", st)
say(">Ba</h2>" in b and ">Bb</h2>" in b and b.index(">Ba</h2>") < b.index(">Bb</h2>"),
    "members grouped by building, in order", b[-2000:])
say(re.search(r'<a class="who" href="/members/[0-9a-f]{6,}">a \(you\)</a>', b) is not None,
    "my own card links to my page and says (you)", b[-2000:])
say(re.search(r'<a class="who" href="/members/[0-9a-f]{6,}">b</a>', b) is not None, "b by name")
say(no_hex(b), "no hex id in the text of /members")
say("Verified in person" in b and "Coordinator" in b, "the verified mark and the coordinator role as words")
say("Helped neighbours for 0 hours" in b, "hours in words")
say('href="/me"' in b, "a link to edit my profile")
sid_a = re.search(r'<a class="who" href="/members/([0-9a-f]+)">a \(you\)', b).group(1)
sid_b = re.search(r'<a class="who" href="/members/([0-9a-f]+)">b</a>', b).group(1)

# ---- my profile: the form
st, h, b = A.req("GET", "/me")
say(st == 200 and 'action="/me"' in b and A.csrf, "GET /me holds the form with csrf", st)
for f in ("name", "building", "unit", "skills", "available"):
    say('name="%s"' % f in b and '<label for="%s">' % f in b, "the profile form has a labelled %s" % f)
say('value="a"' in b and 'value="Ba"' in b, "the form shows my values", b[-1500:])

# script in every field
evil = {"name": "<script>alert(1)</script>Ann", "building": "<b>Elm</b>",
        "unit": '"><img src=x onerror=alert(1)>', "skills": "<script>x</script> cooking",
        "available": "<i>evenings</i>", "csrf": A.csrf}
st, h, b = A.req("POST", "/me", body=evil)
say(st == 303 and h.get("location") == "/me?done=saved", "POST /me saves (303 ?done=saved)", "%d %s" % (st, b[-500:]))
st, h, b = A.req("GET", "/me?done=saved")
say("Your profile is saved" in b, "the page says the profile is saved")
say("&lt;script&gt;alert(1)&lt;/script&gt;Ann" in b and "&lt;i&gt;evenings&lt;/i&gt;" in b,
    "the form shows the saved values escaped", b[-2000:])
me = whoami(home_a)
say(me.get("name") == evil["name"] and me.get("unit") == evil["unit"], "the CLI sees the new profile", me)
st, h, b = A.req("GET", "/members")
say("&lt;script&gt;alert(1)&lt;/script&gt;Ann" in b and "&lt;b&gt;Elm&lt;/b&gt;" in b and
    "&lt;script&gt;x&lt;/script&gt; cooking" in b and "&quot;&gt;&lt;img src=x" in b,
    "/members shows every field escaped", b[-2500:])
say("Volunteer" in b, "a member with skills is a volunteer")
st, h, b = A.req("GET", "/members/" + sid_a)
say(st == 200 and "&lt;script&gt;alert(1)&lt;/script&gt;Ann</h1>" in b and "&lt;i&gt;evenings&lt;/i&gt;" in b
    and "&quot;&gt;&lt;img" in b, "/members/ID shows every field escaped", b[-2500:])
say(no_hex(b), "no hex id in the text of /members/ID")

# search
st, h, b = A.req("GET", "/members?q=" + quote("COOKING"))
say(st == 200 and "cooking" in b and ">b</a>" not in b, "?q= finds by skill, any case", b[-1500:])
st, h, b = A.req("GET", "/members?q=" + quote("Bb"))
say(">b</a>" in b and "cooking" not in b, "?q= finds by building")
st, h, b = A.req("GET", "/members?q=zzzz")
say("No member matches your search" in b, "a search that finds nobody says so")
st, h, b = A.req("GET", "/members?q=" + "x" * 5000)
say(st == 422 and "the search is too long" in b, "a search too long: 422 with the reason", st)

# refusals write nothing
before = digest(home_a)
st, h, b = A.req("POST", "/me", body={"name": "", "csrf": A.csrf})
say(st == 422 and "your name cannot be empty" in b, "an empty name: 422 with the action's words", "%d %s" % (st, b[-800:]))
st, h, b = A.req("POST", "/me", body={"name": "Ann", "unit": "x" * 5000, "csrf": A.csrf})
say(st == 422 and "a profile text is too long (at most 4096 bytes)" in b, "a unit over 4096 bytes: 422 with the action's words", st)
say('value="Ann"' in b, "the refused form keeps the values given")
st, h, b = A.req("POST", "/me", body=dict(evil))
say(st == 422 and "nothing to change in your profile" in b, "nothing changed: 422 with the action's words", st)
st, h, b = A.req("POST", "/me", body=b"name=%FF%FEbad&csrf=" + A.csrf.encode())
say(st == 400, "invalid UTF-8 in a field is refused (400)", st)
st, h, b = A.req("POST", "/me", body={"name": "Mallory"})
say(st == 403, "POST /me without csrf is 403", st)
say(digest(home_a) == before and whoami(home_a).get("name") == evil["name"], "no refusal wrote anything")

# Chinese
st, h, b = A.req("GET", "/members", lang="zh-CN")
say('lang="zh-Hans"' in b and "成员" in b, "zh-CN: the members page in Chinese", b[:800])
say("Ann（你）</a>" in b and "房号：&quot;" in b and " （你）" not in b and "房号： " not in b,
    "zh-CN: 'Ann（你）' and '房号：...', no space by the full-width marks",
    re.findall(r"class=\"who\"[^<]*<|房号[^<]*", b))
st, h, b = A.req("POST", "/me", lang="zh-CN", body={"name": "", "csrf": A.csrf})
say(st == 422 and re.search(r'role="alert">[^<]*[\u4e00-\u9fff]', b) is not None,
    "zh-CN: a refusal in Chinese", b[-1000:])

# back to a plain name
st, h, b = A.req("POST", "/me", body={"name": "Ann Lee", "building": "Ba", "unit": "1",
                                       "skills": "cooking", "available": "evenings", "csrf": A.csrf})
say(st == 303, "a plain profile saves", st)

# ---- hours: b helps a, a confirms 1.5 hours (CLI), both verified
rc, out, err = kith_at(home_a, "--json", "wish", "add", "--title", "Carry the shopping")
wid = json.loads(out)["id"] if rc == 0 else ""
say(rc == 0, "a posts a wish (CLI)", err)
say(converged(), "the wish reaches b")
rc, out, err = kith_at(home_b, "--json", "wish", "claim", wid)
offer = json.loads(out)["id"] if rc == 0 else ""
say(rc == 0, "b offers help (CLI)", err)
say(converged(), "the offer reaches a")
rc, out, err = kith_at(home_a, "wish", "accept", offer)
say(rc == 0, "a accepts (CLI)", err)
say(converged(), "the acceptance reaches b")
rc, out, err = kith_at(home_b, "wish", "deliver", offer)
say(rc == 0, "b delivers (CLI)", err)
say(converged(), "the delivery reaches a")
rc, out, err = kith_at(home_a, "wish", "confirm", wid, "--hours", "1.5")
say(rc == 0, "a confirms with 1.5 hours (CLI)", err)
st, h, b = A.req("GET", "/members/" + sid_b)
say(st == 200 and "<h1>b</h1>" in b, "GET /members/ID of b", st)
say('b helped Ann Lee with "Carry the shopping" for 1.5 hours' in b.replace("&quot;", '"'),
    "b's hours of help in words", b[-1500:])
say("Helped neighbours for 1.5 hours" in b, "b's total helped", b[-1500:])
st, h, b = A.req("GET", "/members/" + sid_a)
say("Was helped for 1.5 hours" in b and "Ann Lee</h1>" in b, "a's page: was helped 1.5 hours", b[-1500:])
st, h, b = A.req("GET", "/members")
card = re.search(r'>Ann Lee \(you\).*?</li>', b, re.S)
say(card and "Was helped for 1.5 hours" in card.group(0), "the list gives a's hours received", b[-2000:])
card = re.search(r'>b</a>.*?</li>', b, re.S)
say(card and "Helped neighbours for 1.5 hours" in card.group(0) and "Verified in person" in card.group(0),
    "the list gives b's hours given and b's verification", b[-2000:])
st, h, b = A.req("GET", "/members/" + quote("Ann Lee"))
say(st == 200 and "Ann Lee</h1>" in b, "a member by name in the URL")
st, h, b = A.req("GET", "/members/ffffff")
say(st == 404 and 'role="alert"' in b, "an unknown member: 404 with the reason", st)

# ---- joining (daemon c, not in a community yet)
C = Site(url_c)
st, h, b = C.req("GET", "/join")
say(st == 200 and 'action="/join"' in b and '<label for="code">' in b, "GET /join holds the code form", b[-1500:])
cfile = os.path.join(home_c, "community")
for bad, why in (("hello neighbour", "that is not a kith invite code"),
                 (code[:-3] + ("a" if code[-3] != "a" else "b") + code[-2:], "mistyped")):
    st, h, b = C.req("POST", "/join", body={"code": bad, "csrf": C.csrf})
    say(st == 422 and why in b, "a bad code is refused with a sentence (%s)" % why, "%d %s" % (st, b[-800:]))
    say(not os.path.exists(cfile), "a refused code writes no community file")
st, h, b = C.req("POST", "/join", lang="zh-CN", body={"code": "hello", "csrf": C.csrf})
say(st == 422 and re.search(r'role="alert">[^<]*[\u4e00-\u9fff]', b) is not None, "zh-CN: the refusal in Chinese")
st, h, b = C.req("POST", "/join", body={"code": code})
say(st == 403 and not os.path.exists(cfile), "POST /join without csrf is 403 and writes nothing", st)
st, h, b = C.req("POST", "/join", body={"code": " " + code.upper() + " ", "csrf": C.csrf})
say(st == 303 and h.get("location") == "/join?done=joined", "the real code joins (303)", "%d %s" % (st, b[-800:]))
say(os.path.exists(cfile), "the community file is written")
end, same = time.time() + 30, False
while time.time() < end and not same:
    same = digest(home_c) == digest(home_a) != ""
    if not same:
        time.sleep(0.3)
say(same, "c's daemon syncs with a once joined, without a restart")
st, h, b = C.req("GET", "/members")
say(st == 200 and "Ann Lee" in b, "a is at c's /members", b[-800:])
st, h, b = C.req("GET", "/join?done=joined")
say("You have joined the community" in b and "after the next sync" in b and "Loopback" in b,
    "the page says what happened and what comes next", b[-1500:])
st, h, b = C.req("POST", "/join", body={"code": other, "csrf": C.csrf})
say(st == 422 and "another community" in b, "the code of another community is refused", st)
st, h, b = C.req("POST", "/join", body={"code": code, "csrf": C.csrf})
say(st == 303 and h.get("location") == "/join?done=again", "the same code again: nothing changes", st)
st, h, b = C.req("GET", "/join?done=again", lang="zh-CN")
say('lang="zh-Hans"' in b and re.search(r'role="status">[^<]*[\u4e00-\u9fff]', b) is not None, "zh-CN: the join page in Chinese")

bad = [w for (w, body) in pages if b"<script" in body.lower() or b"<img" in body.lower()]
say(not bad, "no page holds <script or <img (%d pages)" % len(pages), bad)
print("DONE")
PYEOF

"$PY" "$WORK/members.py" "$URL_A" "$URL_C" "$KITH" "$WORK" "$CODE" "$OTHER" \
	>"$WORK/py.out" 2>&1
web_tally "$WORK/py.out"
for n in a c; do
	check_nomatch "no page failed (500) in daemon $n's log" "$(cat "$WORK/$n.log")" 'web: .* failed'
done

finish
