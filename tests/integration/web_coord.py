"""web_coord.py - the checks of web_coord.sh (see there), over HTTP with
weblib.py's helpers: one PASS/FAIL line each, DONE at the end.

    web_coord.py URL_A URL_B KITH HOME_A HOME_B WORK
"""
import json
import os
import re
import sys
from urllib.parse import quote

sys.dont_write_bytecode = True  # no __pycache__ beside weblib.py
import weblib  # noqa: E402 (after the line above)
from weblib import Site, kith_at, pages, say  # noqa: E402

url_a, url_b, kith, home_a, home_b, work = sys.argv[1:7]
weblib.setup(KITH=kith)
ZH = "zh-CN,zh;q=0.9,en;q=0.5"
X = "<script>alert(1)</script>\"'&"


def changes(home):
    rc, out, err = kith_at(home, "--json", "status")
    m = re.search(r'"changes":(\d+)', out)
    return int(m.group(1)) if m else -1


def converged(secs=25):
    return weblib.converged(home_a, home_b, secs)


def text_of(body):
    """The words a person reads: no tags, no attribute values."""
    main = body.split('<main id="main"', 1)[-1]
    return re.sub(r"<[^>]*>", " ", main)


def main_of(body):
    return body.split('<main id="main"', 1)[-1]


A, B = Site(url_a, errors="replace"), Site(url_b, errors="replace")
say(A.start("/wishes/new"), "a logs in to its web app")
say(B.start("/wishes/new"), "b logs in to its web app")
say(converged(), "a and b converge")
pk_b = kith_at(home_b, "--json", "whoami")[1]
pk_b = json.loads(pk_b)["id"] if pk_b else ""

# ---- the hub ---------------------------------------------------------------
st, h, b = A.req("GET", "/coord")
say(st == 200, "GET /coord as the coordinator is 200", st)
for s in ("Emergency mode", "Members waiting for verification", "Roles", "Posts",
          'href="/coord/roll"', 'href="/coord/inventory"', 'href="/coord/sheet"',
          'href="/coord/csv/items"', 'href="/coord/csv/hours"',
          'action="/coord/emergency"', 'action="/coord/verify"', 'action="/coord/role"'):
    say(s in b, "the hub has %s" % s)
m = re.findall(r'<li><h3>([^<]*)</h3>\s*<form method="post" action="/coord/verify">\s*'
               r'<input type="hidden" name="csrf" value="[0-9a-f]+">\s*'
               r'<input type="hidden" name="member" value="([0-9a-f]{64})">', b)
say(("b", pk_b) in m, "b waits for verification with a Verify form", m)
say(all(n != "a" for n, _ in m), "a, the coordinator looking, is not asked to verify herself", m)
say(not re.search(r"[0-9a-f]{16}", text_of(b)), "the hub shows no hex ids",
    re.findall(r"[0-9a-f]{16,}", text_of(b))[:3])
say(re.search(r"<h3>b</h3>", b), "members are shown by name")

# ---- b is not a coordinator --------------------------------------------------
nb = changes(home_b)
for path in ("/coord", "/coord/roll", "/coord/inventory", "/coord/sheet"):
    st, h, body = B.req("GET", path)
    say(st == 403 and "only coordinators can see this page" in body,
        "b: GET %s is 403 with the action layer's sentence" % path, (st, body[-800:]))
    say("<button" not in main_of(body) and "<form" not in main_of(body),
        "b: %s shows no forms or buttons" % path)
st, h, body = B.req("GET", "/coord/csv/items")
say(st == 403 and "only coordinators" in body and "text/csv" not in h.get("content-type", ""),
    "b: a CSV download is 403 with the sentence", (st, body))
st, h, body = B.req("GET", "/coord", lang=ZH)
say(st == 403 and re.search(r'role="alert">[^<]*[\u4e00-\u9fff]', body),
    "b: the refusal in Chinese for a Chinese browser", body[-600:])
refusals = [
    ("/coord/emergency", {"do": "start", "reason": "drill"}, "only coordinators can start"),
    ("/coord/role", {"do": "grant", "member": pk_b, "role": "coordinator", "building": ""},
     "only coordinators can grant roles"),
    ("/coord/verify", {"do": "verify", "member": pk_b, "building": "Bb", "unit": "1"},
     "only coordinators"),
]
for path, f, words in refusals:
    st, h, body = B.post(path, f)
    say(st == 422 and words in body, "b: POST %s is 422 with '%s'" % (path, words),
        (st, body[-900:]))
    say("<button" not in main_of(body), "b: the refused %s shows no buttons" % path)
say(changes(home_b) == nb, "b's refusals wrote nothing", (nb, changes(home_b)))

# ---- csrf, UTF-8, refusals of the coordinator --------------------------------
na = changes(home_a)
for path, f in (("/coord/emergency", {"do": "start", "reason": "no token"}),
                ("/coord/verify", {"do": "verify", "member": pk_b, "building": "B", "unit": "1"}),
                ("/coord/role", {"do": "grant", "member": pk_b, "role": "coordinator"}),
                ("/coord/hide", {"do": "hide", "post": "abcdef", "reason": "x"})):
    st, h, body = A.post(path, f, csrf=False)
    say(st == 403, "POST %s without csrf is 403" % path, st)
bad = ("do=start&reason=%FF%FEflood&csrf=" + A.csrf).encode()
st, h, body = A.req("POST", "/coord/emergency", body=bad)
say(st == 400, "invalid UTF-8 in the reason is refused (400)", st)
bad = ("do=verify&member=" + pk_b + "&building=B%C0%AF&unit=1&csrf=" + A.csrf).encode()
st, h, body = A.req("POST", "/coord/verify", body=bad)
say(st == 400, "invalid UTF-8 in the building is refused (400)", st)
say(changes(home_a) == na, "nothing was written without csrf or with bad UTF-8",
    (na, changes(home_a)))
say("no emergency" in kith_at(home_a, "emergency")[1], "no emergency was started")

st, h, body = A.post("/coord/emergency", {"do": "start", "reason": ""})
say(st == 422 and "say why emergency mode starts" in body,
    "an empty reason is refused with 422 and the action's words", (st, body[-600:]))
st, h, body = A.post("/coord/emergency", {"do": "begin", "reason": "x"})
say(st == 422 and "choices on the page" in body, "an unknown do= is 422", st)
st, h, body = A.post("/coord/role", {"do": "grant", "member": pk_b, "role": "king",
                                     "building": "Keep me"})
say(st == 422 and 'value="Keep me"' in body, "an unknown role is 422, the values kept",
    (st, body[-1500:]))
st, h, body = A.post("/coord/role", {"do": "grant", "member": pk_b, "role": "building-head",
                                     "building": "x" * 5000})
say(st == 422 and 'role="alert"' in body, "a too long building is 422", st)
st, h, body = A.post("/coord/role", {"do": "grant", "member": "zz", "role": "coordinator"})
say(st == 422 and 'role="alert"' in body, "an unknown member is 422", st)
st, h, body = A.post("/coord/verify", {"do": "verify", "member": pk_b, "building": "",
                                       "unit": "4"})
say(st == 422 and 'role="alert"' in body and 'value="4"' in body,
    "verify without a building is 422, the unit kept", (st, body[-1200:]))
say(changes(home_a) == na, "the refusals wrote nothing", (na, changes(home_a)))

# ---- markup in every field -------------------------------------------------
A.post("/coord/emergency", {"do": "start", "reason": X})
A.req("GET", "/coord")
A.post("/coord/verify", {"do": "verify", "member": X, "building": X, "unit": X})
A.post("/coord/role", {"do": X, "member": X, "role": X, "building": X})
A.post("/coord/hide", {"do": "hide", "post": X, "reason": X})
A.req("GET", "/coord/roll?building=" + quote(X))
A.req("GET", "/coord/csv/" + quote(X, safe=""))
raw = [w for (w, body) in pages if b"<script" in body.lower()]
say(not raw, "no page holds <script (%d pages)" % len(pages), raw)
st, h, body = A.req("GET", "/coord")
say("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;" in body,
    "the reason shows as text", body[:3000])
st, h, body = A.post("/coord/emergency", {"do": "end"})
say(st == 303 and h.get("location") == "/coord?done=ended", "ending emergency mode: 303", st)

# ---- verify, roles, emergency --------------------------------------------------
st, h, body = A.post("/coord/verify", {"do": "verify", "member": pk_b, "building": "Bb",
                                       "unit": "4"})
say(st == 303 and h.get("location") == "/coord?done=verified", "a verifies b (303)",
    (st, body[-600:]))
st, h, body = A.req("GET", h.get("location", "/coord"))
say("The member is verified" in body, "the hub says b is verified")
rc, out, err = kith_at(home_a, "members")
say(re.search(r"^b .*yes", out, re.M), "the CLI sees b verified", out)
say("<h3>b</h3>" not in body, "b left the waiting list", body[-3000:])
say("Withdraw verification" not in body and 'name="vq"' in body,
    "verified members are not listed whole: a search box", body[-3000:])
st, h, body = A.req("GET", "/coord?vq=Bb")
say(st == 200 and "<p>b, Bb</p>" in body and "Withdraw verification" in body,
    "searching finds b among the verified, with Withdraw",
    body[body.find('id="verified"'):][:1500])
st, h, body = A.req("GET", "/coord?vq=Nowhere")
say("No verified member matches your search." in body, "a search of nobody says so")
st, h, body = A.req("GET", "/coord?vq=" + "%3Cscript%3E")
say(st == 200 and "<script>" not in body and "&lt;script&gt;" in body,
    "the search comes back escaped")
st, h, body = A.post("/coord/verify", {"do": "unverify", "member": pk_b})
say(st == 303 and h.get("location") == "/coord?done=unverified", "a unverifies b (303)", st)
st, h, body = A.post("/coord/verify", {"do": "unverify", "member": pk_b})
say(st == 422 and 'role="alert"' in body, "unverifying again is 422", st)
st, h, body = A.post("/coord/role", {"do": "grant", "member": "Nobody Here",
                                     "role": "building-head", "building": "Bb"})
say(st == 422 and 'role="alert"' in body and 'value="Nobody Here"' in body,
    "granting to a name nobody has: 422, the name typed kept", (st, body[-1500:]))
st, h, body = A.post("/coord/role", {"do": "grant", "member": "b", "role": "building-head",
                                     "building": "Bb"})
say(st == 303 and h.get("location") == "/coord?done=granted",
    "a makes b head of Bb by typing b's name (303)", (st, body[-600:]))
rc, out, err = kith_at(home_a, "roles")
say("Bb" in out and " b " in " " + out.replace("\n", " ") + " ", "kith roles lists b", out)
st, h, body = A.req("GET", "/coord")
say("b: building head of Bb" in body and "Take this role away" in body,
    "the hub lists the role with a revoke button", body[-4000:])
st, h, body = A.post("/coord/role", {"do": "revoke", "member": pk_b, "role": "building-head",
                                     "building": "Bb"})
say(st == 303 and h.get("location") == "/coord?done=revoked", "a revokes it (303)", st)
st, h, body = A.post("/coord/emergency", {"do": "start", "reason": "Flood in Bb"})
say(st == 303 and h.get("location") == "/coord?done=started", "a starts an emergency (303)", st)
st, h, body = A.req("GET", "/coord?done=started")
say("Emergency mode is on" in body and "Flood in Bb" in body and "End emergency mode" in body,
    "the hub shows the emergency with End", body[:4000])
rc, out, err = kith_at(home_a, "emergency")
say("Flood in Bb" in out, "the CLI sees the emergency", out)

# ---- b checks in; the roll call --------------------------------------------------
say(converged(), "the emergency reaches b")
st, h, body = B.req("GET", "/", lang=ZH)
say("Flood in Bb" in body and 'action="/checkin"' in body, "b's home shows the banner", body[:2000])
st, h, body = B.post("/checkin", {"status": "help"})
say(st == 303, "b says 'I need help' (303)", st)
say(converged(), "b's check-in reaches a")
st, h, body = A.req("GET", "/coord/roll")
say(st == 200, "GET /coord/roll is 200", st)
m = re.search(r'<a href="/coord/roll\?building=Bb">Bb</a></h2>(.*?)</li>', body, re.S)
sec = m.group(1) if m else ""
say("Needs help: 1" in sec, "the roll call counts b under needs help in Bb", body[-3000:])
say(not re.search(r'strong class="state"', body), "without ?building no names, only counts")
say("Newest check-in: just now." in sec or "minute" in sec, "with the newest check-in in words", sec)
m = re.search(r'<a href="/coord/roll\?building=Ba">Ba</a></h2>(.*?)</li>', body, re.S)
say(m and "Not heard from: 1" in m.group(1), "a, silent, is counted in Ba", body[-3000:])
say("Flood in Bb" in body, "the roll call says which emergency")
st, h, body = A.req("GET", "/coord/roll?building=bb")
m = re.search(r'<h2 id="b0">Bb</h2>(.*?)</section>', body, re.S)
sec = m.group(1) if m else ""
say("Needs help: 1" in sec and re.search(r'<li class="help"><p><strong class="state">needs help'
                                          r'</strong> b</p>', sec),
    "?building= (any case) shows b under needs help", body[-3000:])
say(">Ba</h2>" not in body and "Back to all buildings" in body, "?building= shows one building",
    body[-2000:])
# needs help comes first within a building: a checks in safe for b's neighbour
rc, out, err = kith_at(home_a, "checkin", "safe")
st, h, body = A.req("GET", "/coord/roll?building=Ba")
say(st == 200 and "Safe: 1" in body, "a, safe now, in Ba", body[-2000:])
st, h, body = A.req("GET", "/coord/roll?building=Nowhere")
say(st == 200 and "Nobody in the roll call lives in that building" in body,
    "an unknown building says so", body[-1000:])
st, h, body = A.req("GET", "/coord/roll", lang=ZH)
say('<html lang="zh-Hans">' in body and "需要帮助" in body, "the roll call in Chinese",
    body[-2000:])

# ---- hide ---------------------------------------------------------------------
rc, out, err = kith_at(home_b, "--json", "wish", "add", "--title", "Buy my pills online")
say(rc == 0, "b posts a wish (CLI)", err)
wid = json.loads(out)["id"] if rc == 0 else ""
rc, out, err = kith_at(home_a, "--json", "item", "add", "--title", "Bottled water",
                       "--kind", "resource", "--category", "water", "--qty", "12",
                       "--unit", "litres")
say(rc == 0, "a posts an emergency supply (CLI)", err)
say(converged(), "the posts converge")
st, h, body = A.req("GET", "/coord")
m = re.search(r'<strong>Buy my pills online</strong>.*?name="post" value="([0-9a-f]+)"', body,
              re.S)
say(m and wid.startswith(m.group(1)[:len(wid)]) and m.group(1) == wid,
    "the hub lists b's wish with a Hide form", (m and m.group(1), wid))
nb = changes(home_b)
st, h, body = B.post("/coord/hide", {"do": "hide", "post": wid, "reason": "mine"})
say(st == 422 and "only coordinators can hide posts" in body and "<button" not in main_of(body),
    "b: POST /coord/hide is 422 with the action's words, no buttons", (st, body[-900:]))
say(changes(home_b) == nb, "b's refused hide wrote nothing")
st, h, body = A.post("/coord/hide", {"do": "hide", "post": wid, "reason": ""})
say(st == 422 and "say why" in body, "hiding without a reason is 422", (st, body[-800:]))
st, h, body = A.post("/coord/hide", {"do": "hide", "post": wid, "reason": "selling"})
say(st == 303 and h.get("location") == "/coord?done=hidden", "a hides b's wish (303)", st)
st, h, body = A.req("GET", "/wishes")
say("Buy my pills online" not in body, "the wish left a's /wishes")
st, h, body = A.req("GET", "/coord")
say(re.search(r"<strong>Buy my pills online</strong>.*?hidden from everyone.*?Show it again",
              body, re.S), "the hub shows it hidden with Show it again")
say(converged(), "the hiding reaches b")
st, h, body = B.req("GET", "/wishes")
say("Buy my pills online" not in body, "the wish left b's /wishes after sync", body[-1500:])
st, h, body = A.post("/coord/hide", {"do": "unhide", "post": wid})
say(st == 303 and h.get("location") == "/coord?done=shown", "a shows it again (303)", st)
say(converged(), "the unhiding reaches b")
st, h, body = B.req("GET", "/wishes")
say("Buy my pills online" in body, "the wish is back on b's /wishes")

# ---- inventory, match, sheet ------------------------------------------------------
st, h, body = A.req("GET", "/coord/inventory")
say(st == 200 and "water" in body and "12 litres" in body, "the inventory shows a's water",
    body[-3000:])
say("Buy my pills online" in body, "the match lists the open wish")
st, h, body = A.req("GET", "/coord/sheet")
say(st == 200, "GET /coord/sheet is 200", st)
say('href="/coord/sheet?building=Ba">Ba</a>' in body and
    'href="/coord/sheet?building=Bb">Bb</a>' in body and
    'href="/coord/sheet?whole=1"' in body and '<section class="sheet">' not in body,
    "the sheet's index links each building and the neighbourhood, no sheet yet", body[-2000:])
say("1 member" in body, "the index says how many live there")
st, h, body = A.req("GET", "/coord/sheet?building=bb")
say(st == 200, "GET /coord/sheet?building=bb is 200", st)
for s in ("Neighbours need help", "Offered by neighbours", "Check-in list",
          "EMERGENCY: Flood in Bb", "Buy my pills online",
          "NEEDS HELP", 'class="box"', "Who to ask:"):
    say(s in body, "the sheet has %s" % s, body[-2000:] if s == "NEEDS HELP" else "")
say(body.count('<section class="sheet">') == 1, "one building's sheet",
    body.count('<section class="sheet">'))
st, h, body = A.req("GET", "/coord/sheet?whole=1")
say(st == 200 and "Whole neighbourhood" in body and body.count('<section class="sheet">') == 1,
    "?whole=1 is the neighbourhood's sheet", (st, body[-1500:]))
st, h, body = A.req("GET", "/coord/sheet?building=%3Cb%3ENowhere")
say(st == 404 and "no building" in body and "<b>Nowhere" not in body,
    "an unknown building: 404 with the action's words, escaped", (st, body[-1500:]))
st, h, body = B.req("GET", "/coord/sheet?building=Bb")
say(st == 403 and "only coordinators" in body and 'class="sheet"' not in body,
    "b may not see a building's sheet (403)", (st, body[-1000:]))
say("<style" not in body and " style=" not in body, "no inline style on the sheet")
st, h, body = A.req("GET", "/coord/sheet?building=Bb", lang=ZH)
say("需要帮助" in body or "邻居" in body, "the sheet in Chinese", body[-1500:])

# ---- CSV ------------------------------------------------------------------------
for t in ("=HYPERLINK(\"http://evil\")", "+1 cmd", "-2 sum", "@SUM(A1)"):
    rc, out, err = kith_at(home_a, "wish", "add", "--title", t)
    say(rc == 0, "a posts a wish titled %r" % t, err)
rep = os.path.join(work, "report")
rc, out, err = kith_at(home_a, "report", "--csv", rep)
say(rc == 0, "kith report --csv", err)
for name in ("items", "wishes", "claims", "checkins", "hours"):
    st, h, body = A.req("GET", "/coord/csv/" + name)
    got = A.raw
    with open(os.path.join(rep, name + ".csv"), "rb") as f:
        want = f.read()
    say(st == 200 and h.get("content-type") == "text/csv; charset=utf-8",
        "/coord/csv/%s is text/csv; charset=utf-8" % name, (st, h.get("content-type")))
    say(h.get("content-disposition") == 'attachment; filename="%s.csv"' % name,
        "/coord/csv/%s is an attachment named %s.csv" % (name, name), h.get("content-disposition"))
    say(got == want, "/coord/csv/%s holds the CLI's bytes" % name, (got[:300], want[:300]))
st, h, body = A.req("GET", "/coord/csv/wishes")
say("\"'=HYPERLINK(\"\"http://evil\"\")\"" in body and "\"'+1 cmd\"" in body
    and "\"'-2 sum\"" in body and "\"'@SUM(A1)\"" in body,
    "cells starting with = + - @ are neutralised", body[:1500])
say(not re.search(r'(^|,)[=+\-@]', body, re.M), "no cell starts with = + - @", body[:1500])
st, h, body = A.req("GET", "/coord/csv/passwords")
say(st == 404 and "no such table" in body, "an unknown table is 404", (st, body))

# ---- inviting a neighbour (QR code) ------------------------------------------------
rc, code, err = kith_at(home_a, "community", "invite")
code = code.strip()
st, h, body = A.req("GET", "/coord")
say('href="/coord/invite"' in body and "Invite a neighbour" in body,
    "the hub has a section to invite a neighbour")
say(code and code not in body, "the hub itself does not show the code")
st, h, body = A.req("GET", "/coord/invite")
say(st == 200, "GET /coord/invite as the coordinator is 200", st)
svg = re.search(r'<svg xmlns="http://www.w3.org/2000/svg" class="qr" viewBox="0 0 (\d+) (\d+)"'
                r'[^>]*><rect width="\d+" height="\d+" fill="#fff"/>'
                r'<path fill="#000" d="([Mhvz0-9 -]+)"/></svg>', body)
say(svg and svg.group(1) == svg.group(2) and int(svg.group(1)) >= 29,
    "the invite page has the QR code as an svg (a square viewBox, one path)", body[-3000:])
say(code and re.sub(r"\s", "", text_of(main_of(body))).find(code) >= 0,
    "the invite page shows the code as text", (code, text_of(main_of(body))[-600:]))
say("Scan it with the phone's camera" in body or "Scan it with the phone&#39;s camera" in body, "the page says what to do with it")
say(" style=" not in body and "<style" not in body, "no inline style on the invite page (CSP)")
say("no-store" in h.get("cache-control", ""), "the invite page is not cached",
    h.get("cache-control"))
st, h, body = B.req("GET", "/coord/invite")
say(st == 403 and "only coordinators" in body and "<svg" not in body
    and (not code or code not in body) and "kith1" not in body,
    "b: /coord/invite is 403, no QR code and no code", (st, body[-800:]))
st, h, body = A.req("GET", "/coord/invite", lang=ZH)
say(st == 200 and re.search(r"[\u4e00-\u9fff]", text_of(main_of(body))) and "<svg" in body,
    "the invite page in Chinese", body[-1500:])
# the sheet: no QR code for a loopback address; ?url= adds one, checked
st, h, body = A.req("GET", "/coord/sheet?building=Bb")
say('class="phone"' not in body and 'name="url"' in body,
    "the sheet read over loopback has no address QR code, and a form for one", body[-2500:])
st, h, body = A.req("GET", "/coord/sheet?building=Bb&url=http%3A%2F%2F192.168.1.20%3A7474")
say(st == 200 and 'class="phone"' in body and body.count('<svg') == 1
    and "Open kith on your phone" in body and "http://192.168.1.20:7474" in body,
    "?url= puts the address on the sheet as a QR code", (st, body[-2500:]))
st, h, body = A.req("GET", "/coord/sheet?building=Bb&url=javascript%3Aalert(1)")
say(st == 422 and 'class="phone"' not in body and "http://" in body,
    "a url that is not a web address is refused (422) with the action's words", (st, body[-2500:]))

# ---- Chinese hub ------------------------------------------------------------------
st, h, body = A.req("GET", "/coord", lang=ZH)
say('<html lang="zh-Hans">' in body and "<h2 id=\"emergency\">紧急模式</h2>" in body
    and "等待核实的成员" in body, "the hub in Chinese", body[:1200])
st, h, body = A.post("/coord/emergency", {"do": "start", "reason": ""}, lang=ZH)
say(st == 422 and re.search(r'role="alert">[^<]*[\u4e00-\u9fff]', body),
    "a refusal in Chinese", body[-1200:])
st, h, body = A.post("/coord/emergency", {"do": "end"})
say(st == 303, "a ends the emergency", st)

raw = [w for (w, body) in pages if b"<script" in body.lower()]
say(not raw, "still no page holds <script (%d pages)" % len(pages), raw)
print("DONE")
