#!/bin/sh
# web_replace.sh - a coordinator replaces the key of a member who lost the
# only device with it, in the web app (web/page_replace.c), in real
# daemons over loopback.  a founded the community (a coordinator), b is a
# member (no coordinator), mei lost her phone and made a new identity on
# a new one (mnew, never synced: its key has posted nowhere):
#   - on mei's page a sees "Lost their phone or computer?" with the id
#     field and "Replace their key"; not on a's own page; b sees no form;
#   - POST /members/replace without csrf: 403, nothing written; with it
#     303 to GET /members/replace?member=..&key=.., the question that
#     repeats what will happen (the id in groups, a Yes button posting
#     do=confirm, a way back), nothing written; a reload asks again;
#   - do=confirm without csrf: 403; with a malformed id: 422, the form
#     again with the id given and the action's sentence, nothing written;
#   - b's crafted do=confirm: the action's refusal (422, it names
#     coordinators), the form not shown, nothing written on b; b's GET
#     of the question: 403;
#   - do=confirm: 303 to /members/SHORT?done=replaced, which says what
#     happened and "Key replaced by a on DATE"; `kith members --json`
#     shows mei once, and the line reaches b's page once b has synced;
#   - the section and the question in Chinese; a name with <script> is
#     escaped everywhere.
. "$(dirname "$0")/lib.sh" "$1"

web_py
setup_community a b mei
kith_at mnew init --name mei >/dev/null 2>&1
check_eq "a new identity on mei's new phone" "$?" 0
INVITE=$(kith_at a community invite 2>/dev/null)
kith_at mnew community join "$INVITE" >/dev/null 2>&1
check_eq "... in the community" "$?" 0
k mnew --json whoami
NEW=$(printf '%s' "$OUT" | sed 's/.*"id":"\([0-9a-f]*\)".*/\1/')
k a member host --name "<script>alert(1)</script> Lee"
check_eq "a hosts a neighbour whose name holds a script" "$RC" 0
LEE=$OUT
web_daemon a
web_daemon b --peer-node a
web_login a
web_login b
k mei sync "127.0.0.1:$(port_of a)"
check_eq "mei's old phone syncs with a before it is lost" "$RC" 0
converged 30 a b mei || fail "a, b and mei converge"
MEI=$(pk_of mei)

cat >"$WORK/replace.py" <<'PYEOF'
import json, os, re, sys, time
from weblib import csrf_of, digest, kith_at, login, pages, req, say, setup, text

url_a, url_b, kith_bin, work, mei, new, lee = sys.argv[1:8]
setup(BASE=url_a, KITH=kith_bin, DETAIL=600)


def home(node):
    return os.path.join(work, node)


FORM = 'action="/members/replace"'
ca = login(home("a"))
cb = login(home("b"))
st, h, b = req("GET", "/members/" + mei, cookie=ca)
csrf = csrf_of(b)
say(st == 200 and csrf, "a opens mei's page", (st, text(b)[-800:]))
say("<h2>Lost their phone or computer?</h2>" in b and FORM in b
    and "The new device&#39;s id (kith whoami shows it)" in b
    and ">Replace their key</button>" in b and 'name="member" value="%s"' % mei in b
    and "kith whoami" in text(b), "a coordinator sees the section and the form", text(b)[-2500:])
say("Key replaced by" not in b, "no replacement yet")
rc, out, err = kith_at(home("a"), "--json", "whoami")
st, h, b = req("GET", "/members/" + json.loads(out)["id"], cookie=ca)
say(st == 200 and FORM not in b, "not on a's own page", text(b)[-800:])
st, h, b = req("GET", "/members/" + mei, cookie=cb, base=url_b)
bcsrf = csrf_of(req("GET", "/me", cookie=cb, base=url_b)[2])
say(st == 200 and FORM not in b and "Lost their phone" not in b, "b (no coordinator) sees no form",
    text(b)[-1500:])

d0 = digest(home("a"))
st, h, b = req("POST", "/members/replace", {"member": mei, "key": new}, ca)
say(st == 403, "POST without csrf is 403", st)
st, h, b = req("POST", "/members/replace", {"member": mei, "key": new, "csrf": csrf}, ca)
loc = h.get("location", "")
say(st == 303 and loc == "/members/replace?member=%s&key=%s" % (mei, new),
    "POST: 303 to the question", (st, loc))
st, h, b = req("GET", loc, cookie=ca)
grouped = " ".join(new[i:i + 8] for i in range(0, 64, 8))
say(st == 200 and "<h1>Replace the key of mei?</h1>" in b and grouped in b
    and "From now on it writes as mei." in b and "ignored everywhere" in b
    and "link their other devices again" in b and "checked the id with them in person" in b
    and 'name="do" value="confirm"' in b and 'name="key" value="%s"' % new in b
    and ">Yes, replace their key</button>" in b and '<a href="/members/%s">No, go back</a>' % mei in b,
    "the question repeats what will happen", text(b)[-2500:])
st2, h, b2 = req("GET", loc, cookie=ca)
say(st2 == 200 and b2.count(">Yes, replace their key</button>") == 1, "a reload asks again")
say(digest(home("a")) == d0, "nothing written by the form or the question")

st, h, b = req("POST", "/members/replace", {"member": mei, "key": new, "do": "confirm"}, ca)
say(st == 403, "do=confirm without csrf is 403", st)
st, h, b = req("POST", "/members/replace",
               {"member": mei, "key": "12ab not an id", "do": "confirm", "csrf": csrf}, ca)
say(st == 422 and 'role="alert"' in b and "12ab not an id</textarea>" in b and FORM in b
    and "<h1>Replace the key of mei</h1>" in b,
    "a malformed id: 422, the form again with the id and the action's sentence", (st, text(b)[-1500:]))
m = re.search(r'<p class="banner" role="alert">([^<]*)</p>', b)
say(bool(m and m.group(1).strip()), "the refusal has a sentence", m and m.group(1))
say(digest(home("a")) == d0, "nothing written by the refusals")

# b, no coordinator, posts what the form would
db = digest(home("b"))
st, h, b = req("POST", "/members/replace", {"member": mei, "key": new, "do": "confirm", "csrf": bcsrf},
               cb, base=url_b)
say(st == 422 and "coordinator" in text(b) and FORM not in b,
    "b's crafted POST: the action's refusal, no form", (st, text(b)[-1500:]))
st, h, b = req("GET", "/members/replace?member=%s&key=%s" % (mei, new), cookie=cb, base=url_b)
say(st == 403 and ">Yes, replace their key</button>" not in b and "coordinator" in text(b),
    "b's GET of the question: 403 with the sentence", (st, text(b)[-1000:]))
say(digest(home("b")) == db, "nothing written on b")

# Chinese
st, h, b = req("GET", "/members/" + mei, cookie=ca, lang="zh-CN")
say(st == 200 and "<h2>丢了手机或电脑？</h2>" in b and ">换成新的密钥</button>" in b,
    "the section in Chinese", text(b)[-1500:])
st, h, b = req("GET", loc, cookie=ca, lang="zh-CN")
say(st == 200 and ">是的，换成新的密钥</button>" in b, "the question in Chinese", text(b)[-1500:])

# escaping
st, h, b = req("GET", "/members/replace?member=%s&key=%s" % (lee, "%3Cscript%3E"), cookie=ca)
say(st == 200 and "&lt;script&gt;alert(1)&lt;/script&gt; Lee" in b and "&lt;script&gt;" in b,
    "a name and an id with <script> are escaped in the question", text(b)[-800:])

# the replacement
st, h, b = req("POST", "/members/replace", {"member": mei, "key": new, "do": "confirm", "csrf": csrf}, ca)
loc = h.get("location", "")
m = re.fullmatch(r"/members/([0-9a-f]+)\?done=replaced", loc)
say(st == 303 and m and mei.startswith(m.group(1)), "do=confirm: 303 to mei's page, done=replaced",
    (st, loc, text(b)[-1000:]))
st, h, b = req("GET", loc, cookie=ca)
today = time.strftime("%Y-%m-%d", time.gmtime())
say(st == 200 and "Their key is replaced." in b and "link their other devices again" in b,
    "the page says what happened", text(b)[-2000:])
say("Key replaced by a on " + today in b, "and who replaced the key, and when", text(b)[-2000:])
say(digest(home("a")) != d0, "the replacement is written")
rc, out, err = kith_at(home("a"), "--json", "members")
ms = [x for x in json.loads(out) if x["name"] == "mei" or x["id"] in (mei, new)]
say([(x["id"], x["name"]) for x in ms] == [(mei, "mei")], "kith members: mei once", ms)
st, h, b = req("POST", "/members/replace", {"member": mei, "key": new, "do": "confirm", "csrf": csrf}, ca)
say(st == 422 and "Key replaced by" not in b, "the same key again: 422", (st, text(b)[-800:]))

ok = False
for _ in range(60):
    st, h, b = req("GET", "/members/" + mei, cookie=cb, base=url_b)
    if "Key replaced by a on " + today in b:
        ok = True
        break
    time.sleep(0.5)
say(ok and FORM not in b, "b's page of mei shows the line once synced", text(b)[-1500:])
st, h, b = req("GET", "/members/" + mei, cookie=cb, base=url_b, lang="zh-CN")
say("由 a 于 %s 更换了密钥" % today in b, "the line in Chinese", text(b)[-1500:])

bad = [p for p, body in pages if b"<script" in body]
say(not bad, "no page holds \"<script\"", bad[:3])
print("DONE")
PYEOF

"$PY" "$WORK/replace.py" "$URL_A" "$URL_B" "$KITH" "$WORK" "$MEI" "$NEW" "$LEE" >"$WORK/py.out" 2>&1
web_tally "$WORK/py.out"
check_nomatch "no page failed (500) in daemon a's log" "$(cat "$WORK/a.log")" 'web: .* failed'
check_nomatch "no page failed (500) in daemon b's log" "$(cat "$WORK/b.log")" 'web: .* failed'

finish
