#!/bin/sh
# web_people.sh - the people pages at their bounds (web/page_member.c), in
# real daemons over loopback:
#   - two members of one building whose name is longer than a card clips
#     (200 bytes) are under one heading on /members, the name clipped;
#   - a member's hours on /members/ID show the newest 100 lines of their
#     time bank and a sentence with how many there are (101 wishes that b
#     helped a with, confirmed with the CLI: the oldest is left out), in
#     English and in Chinese; the totals count all 101.
. "$(dirname "$0")/lib.sh" "$1"

web_py
setup_community a b
kith_at a member verify a --building Ba --unit 1 >/dev/null 2>&1
web_daemon a
web_daemon b --peer-node a --no-web
web_login a

cat >"$WORK/people.py" <<'PYEOF'
import json, os, re, sys
import weblib
from weblib import kith_at, path_of, req, say

url, kith, work = sys.argv[1:4]
weblib.setup(BASE=url, KITH=kith)
home_a, home_b = (os.path.join(work, n) for n in "ab")
N = 101


def converged(secs=30):
    return weblib.converged(home_a, home_b, secs)


st, h, b = req("GET", path_of(url))
cookie = h.get("set-cookie", "").split(";", 1)[0]
say(st == 303 and cookie.startswith("kith_session="), "the login link gives a session", st)
say(converged(), "a and b converge")
rc, out, err = kith_at(home_a, "member", "verify", "b", "--building", "Bb", "--unit", "2")
say(rc == 0, "a (coordinator) verifies b (CLI)", err)

# ---- one heading for a building named longer than a card shows
long = "Long Building " + "L" * 186
rc1 = kith_at(home_a, "profile", "--building", long)[0]
rc2 = kith_at(home_b, "profile", "--building", long.lower())[0]
say(rc1 == 0 and rc2 == 0 and converged(), "a and b live in a building of 200 bytes (any case)")
st, h, b = req("GET", "/members", cookie=cookie)
heads = re.findall(r"<h2>Long Building L+…</h2>", b, re.I)
say(st == 200 and len(heads) == 1, "one heading, clipped, for both", heads or b[-1500:])
m = re.search(r"<h2>Long Building L+…</h2>\s*<ul[^>]*>(.*?)</ul>", b, re.S)
say(m and ">a (you)" in m.group(1) and ">b</a>" in m.group(1), "a and b under it", b[-2000:])

# ---- hours: b helps a with N wishes, a confirms each (accepting b's offer)
wids = []
for i in range(N):
    rc, out, err = kith_at(home_a, "--json", "wish", "add", "--title", "Errand %03d" % (i + 1))
    if rc:
        break
    wids.append(json.loads(out)["id"])
say(len(wids) == N, "a posts %d wishes (CLI)" % N, err)
say(converged(60), "the wishes reach b")
offers = 0
for w in wids:
    offers += kith_at(home_b, "wish", "claim", w)[0] == 0
say(offers == N, "b offers help with each (CLI)", offers)
say(converged(60), "the offers reach a")
done = 0
for w in wids:
    done += kith_at(home_a, "wish", "confirm", w, "--hours", "1")[0] == 0
say(done == N, "a confirms each with 1 hour (CLI)", done)
rc, out, err = kith_at(home_a, "--json", "whoami")
sid_a = json.loads(out)["id"][:8] if rc == 0 else "x"
rc, out, err = kith_at(home_b, "--json", "whoami")
sid_b = json.loads(out)["id"][:8] if rc == 0 else "x"

for who, sid, line in (("b (who helped)", sid_b, 'b helped a with "Errand %s" for 1 hour'),
                       ("a (who was helped)", sid_a, 'b helped a with "Errand %s" for 1 hour')):
    st, h, b = req("GET", "/members/" + sid, cookie=cookie)
    t = b.replace("&quot;", '"')
    say(st == 200, "GET /members/ID of " + who, st)
    say("Only the newest 100 of 101 lines are shown." in t, who + ": a sentence says how many lines there are", t[-3000:])
    shown = re.findall(r'b helped a with "Errand (\d+)"', t)
    say(len(shown) == 100 and shown[0] == "002" and shown[-1] == "101",
        who + ": the newest 100 lines, oldest first", (len(shown), shown[:2], shown[-2:]))
    say((line % "001") not in t, who + ": the oldest line is left out")
st, h, b = req("GET", "/members/" + sid_b, cookie=cookie)
say("Helped neighbours for 101 hours" in b, "the total counts every line", b[-3000:])
st, h, b = req("GET", "/members/" + sid_b, cookie=cookie, lang="zh-CN")
say(st == 200 and "只显示最新的 100 条，一共有 101 条。" in b, "zh-CN: the sentence in Chinese", b[-3000:])
print("DONE")
PYEOF

"$PY" "$WORK/people.py" "$URL_A" "$KITH" "$WORK" >"$WORK/py.out" 2>&1
web_tally "$WORK/py.out"
check_nomatch "no page failed (500) in daemon a's log" "$(cat "$WORK/a.log")" 'web: .* failed'

finish
