#!/bin/sh
# web_items.sh - the item pages of the web app (web/page_item.c,
# web/page_item_one.c) in two real daemons over loopback, each member in
# their own session (`kith open --print`):
#   - a posts a ladder to lend; the list links to its page (a short id,
#     never a long hex id); the page shows title, kind and status labels,
#     how many, the owner's name, where, and the owner's buttons;
#   - b finds it, asks for it with a note; a sees the request on the home
#     page and the item page, lends it to b for two weeks; b's page says
#     it is lent to them; a marks it returned;
#   - giving away: one of three seedlings (one fewer stays listed), a
#     single chair (it is gone; both pages say given to b);
#   - edit, renew, withdraw by the owner;
#   - refusals: b cannot lend, give, withdraw, edit, renew or mark
#     returned a's item (the action layer's words, 422, nothing written);
#     a cannot ask for their own; a bad quantity, a bad loan length, an
#     empty title: 422 with the form's values; an unknown item: 404/422;
#     b asking twice, a giving a thing to lend: the action layer's words;
#   - 300 requests signed past the action layer (tests/mkchanges): the
#     owner's page is 200, one card per member, "300 more requests", the
#     note cut, and the owner can still lend;
#   - every POST route without csrf is 403 and writes nothing; invalid
#     UTF-8 in a field is refused and writes nothing;
#   - script in the title, where, the description and the note comes back
#     escaped on every page; Chinese pages for a Chinese browser.
. "$(dirname "$0")/lib.sh" "$1"

web_py
setup_community a b
web_daemon a
web_daemon b --peer-node a
web_login a
web_login b

cat >"$WORK/items.py" <<'PYEOF'
import re, subprocess, sys, time
from urllib.parse import quote
import weblib
from weblib import Site, digest, kith_at, pages, say

url_a, url_b, kith, home_a, home_b, sync_a, mkchanges = sys.argv[1:8]
weblib.setup(KITH=kith)


class Member(Site):
    """Its forms carry the csrf token unless csrf=False."""
    def req(self, method, path, body=None, lang=None, csrf=True):
        return Site.req(self, method, path, body, lang=lang, csrf=csrf)

    def post(self, path, **body):
        return self.req("POST", path, body=body)


def converged(secs=20):
    # b syncs with a at once: no waiting for the daemons' next round
    kith_at(home_b, "sync", sync_a, "--timeout", "10")
    return weblib.converged(home_a, home_b, secs)


def main_of(b):
    m = re.search(r"<main[^>]*>(.*)</main>", b, re.S)
    return m.group(1) if m else b


a = Member(url_a)
a.start("/items/new")
b = Member(url_b)
b.start("/items/new")
say(a.cookie.startswith("kith_session=") and a.csrf, "a logs in")
say(b.cookie.startswith("kith_session=") and b.csrf, "b logs in")
rc, out, err = kith_at(home_b, "--json", "whoami")
b_hex = re.search(r'"id":"([0-9a-f]{64})"', out).group(1)

# ---- a posts a ladder -------------------------------------------------------
st, h, body = a.req("GET", "/items/new")
say('name="location"' in body, "the item form asks where it is")
st, h, body = a.post("/items", title="Ladder", kind="lend", quantity="1",
                     location="Shed behind block B", description="three metres")
loc = h.get("location", "")
m = re.match(r"^/items/([0-9a-f]{6,12})\?done=posted$", loc)
say(st == 303 and m, "POST /items: 303 to the item's page", "%d %s" % (st, loc))
lad = m.group(1) if m else "ffffff"
st, h, body = a.req("GET", loc)
mb = main_of(body)
say(st == 200 and "<h1>Ladder</h1>" in mb and "Your item is posted" in mb,
    "the item's page shows the title and says what happened", mb[:800])
for label, value in (("Kind", "To lend"), ("Status", "Available"), ("How many", "1"),
                     ("Offered by", "a"), ("Where", "Shed behind block B"),
                     ("More about it", "three metres")):
    say(("<dt>%s</dt><dd>%s</dd>" % (label, value)) in mb, "the page shows %s" % label, mb[:1500])
say("<dd>lend</dd>" not in mb and "<dd>available</dd>" not in mb,
    "kind and status are labels, not the raw words")
say("Change the details" in mb and "Keep it listed" in mb and "Withdraw it" in mb,
    "the owner sees edit, renew and withdraw")
say("Ask for it" not in mb, "no 'Ask for it' on one's own item")
say(not re.search(r">[0-9a-f]{16,}<", mb), "no long hex id shown on the page")
st, h, body = a.req("GET", "/items")
say(('href="/items/%s"' % lad) in body, "the list links to the item's page")
st, h, body = a.post("/items/request", item=lad, note="mine")
say(st == 422 and "is your own; you cannot request it" in body,
    "asking for one's own item: 422 with the action's words", st)

# ---- b asks ---------------------------------------------------------------------
say(converged(), "a and b converge (the ladder)")
st, h, body = b.req("GET", "/items")
say(('href="/items/%s"' % lad) in body and "Ladder" in body, "b finds the ladder in the list")
st, h, body = b.req("GET", "/items/" + lad)
mb = main_of(body)
say(st == 200 and 'action="/items/request"' in mb and "Ask for it" in mb and "A note for a" in mb,
    "b's page has the ask form with a note for a", mb[-1500:])
say("Withdraw it" not in mb and "Change the details" not in mb and "Mark returned" not in mb,
    "b sees none of the owner's buttons")
X = "<script>alert(1)</script>\"'&"
st, h, body = b.post("/items/request", item=lad, note="for the gutter " + X)
say(st == 303 and h.get("location") == "/items/%s?done=requested" % lad, "b asks (303)",
    "%d %s %s" % (st, h.get("location"), body[-600:]))
st, h, body = b.req("GET", h.get("location", "/"))
say("You asked for it" in body and "You asked a for it" not in body and "Ask for it" not in body,
    "b's page says b asked (once), and the ask form is gone", main_of(body)[-1200:])
st, h, body = b.req("GET", "/items/" + lad)
say("You asked a for it" in body and "Ask for it" not in body,
    "later, b's page still says b asked a", main_of(body)[-1200:])

# asking twice: the action layer refuses a second waiting request
before = digest(home_b)
st, h, body = b.post("/items/request", item=lad, note="again")
say(st == 422 and "you already asked for item" in body and 'role="alert"' in body,
    "b asks twice: 422 with the action's words", "%d %s" % (st, main_of(body)[:600]))
say(digest(home_b) == before, "the second request wrote nothing")

# b may not do the owner's things: the action layer's words, 422, nothing written
before = digest(home_b)
for path, extra, words in (
        ("/items/lend", {"to": "b", "days": "7"}, "you cannot lend item"),
        ("/items/give", {"to": "b"}, "you cannot give away item"),
        ("/items/withdraw", {}, "you cannot withdraw item"),
        ("/items/renew", {}, "you cannot renew item"),
        ("/items/return", {}, "you cannot record the return of item"),
        ("/items/edit", {"title": "Mine now"}, "you cannot edit item")):
    st, h, body = b.post(path, item=lad, **extra)
    say(st == 422 and words in body and "it was posted by another member" in body
        and 'role="alert"' in body, "b: POST %s refused with 422 and the action's words" % path,
        "%d %s" % (st, main_of(body)[:600]))
say(digest(home_b) == before, "b's refusals wrote nothing")
st, h, body = b.req("GET", "/items/" + lad, lang="zh-CN,zh;q=0.9")
mb = main_of(body)
say('<html lang="zh-Hans">' in body and "<title>物品 - kith</title>" in body
    and "<dd>出借</dd>" in mb and "你已向a申请这件物品" in mb and "asked" not in mb,
    "b's page in Chinese", mb[:1500])
st, h, body = b.post("/items/withdraw", item=lad)
st, h, body = b.req("POST", "/items/withdraw", body={"item": lad}, lang="zh-CN")
say(st == 422 and re.search(r'role="alert">[^<]*[\u4e00-\u9fff]', body) is not None,
    "a refusal in Chinese for a Chinese browser", main_of(body)[:600])

# ---- a sees the request and lends -------------------------------------------
say(converged(), "the request reaches a")
st, h, body = a.req("GET", "/")
say('A neighbour asked for your item &quot;Ladder&quot;' in body, "a's home: the request waits",
    main_of(body)[:1500])
st, h, body = a.req("GET", "/items/" + lad)
mb = main_of(body)
say("Neighbours who asked for it" in mb and "<strong>b</strong>" in mb, "a's page lists b's request by name", mb[-2000:])
say("for the gutter &lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;" in mb, "b's note comes back escaped")
say("Lend to b" in mb and ('name="to" value="%s"' % b_hex) in mb and 'name="days"' in mb,
    "a can lend to b, with how long", mb[-1500:])
say("Give to b" not in mb, "no 'Give to' for a thing to lend")
for days in ("abc", "366", "-1"):
    st, h, body = a.post("/items/lend", item=lad, to=b_hex, days=days)
    say(st == 422 and "a loan lasts a whole number of days from 0 to 365" in body,
        "lend for %r days: 422" % days, st)
st, h, body = a.post("/items/give", item=lad, to=b_hex)
say(st == 422 and "not to give away; lend it instead" in body,
    "giving a thing to lend: 422 with the action's words", "%d %s" % (st, main_of(body)[:600]))
st, h, body = a.post("/items/lend", item=lad, to="nobody-here", days="7")
say(st == 422 and "no member" in body, "lend to an unknown member: 422 with the action's words",
    main_of(body)[:500])
st, h, body = a.post("/items/lend", item=lad, to=b_hex, days="14")
say(st == 303 and h.get("location") == "/items/%s?done=lent" % lad, "a lends to b for two weeks (303)",
    "%d %s" % (st, main_of(body)[:600]))
st, h, body = a.req("GET", h.get("location", "/"))
mb = main_of(body)
say("You lent it" in mb and "<dt>Lent to</dt><dd>b</dd>" in mb and "To be returned by" in mb
    and "Mark returned" in mb, "a's page: lent to b, the date, 'Mark returned'", mb[:2000])
say("on_loan" not in mb and "<dd>Lent out</dd>" in mb, "the status is a label", mb[:600])
say("Lend to b" not in mb, "no second lend while it is out")
st, h, body = a.post("/items/lend", item=lad, to=b_hex, days="7")
say(st == 422 and "already on loan to b" in body, "lending it twice: 422", st)
st, h, body = a.post("/items/withdraw")
say(st == 422 and 'role="alert"' in body, "a POST without an item: 422", st)
say(converged(), "the loan reaches b")
st, h, body = b.req("GET", "/items/" + lad)
say("It is lent to you" in body, "b's page says it is lent to b", main_of(body)[:1500])

st, h, body = a.post("/items/return", item=lad)
say(st == 303 and h.get("location") == "/items/%s?done=returned" % lad, "a marks it returned (303)", st)
st, h, body = a.req("GET", h.get("location", "/"))
mb = main_of(body)
say("It is marked as returned" in mb and "<dd>Available</dd>" in mb and "Mark returned" not in mb,
    "a's page: available again", mb[:1500])
st, h, body = a.post("/items/return", item=lad)
say(st == 422 and "is not on loan" in body, "returning it twice: 422", st)
rc, out, err = kith_at(home_a, "item", "show", lad)
say(rc == 0 and "Ladder" in out, "kith item show still works", out + err)

# ---- giving away ------------------------------------------------------------------
st, h, body = a.post("/items", title="Seedlings", kind="give", quantity="3")
seeds = re.match(r"^/items/([0-9a-f]+)", h.get("location", "")).group(1)
st, h, body = a.post("/items", title="Chair", kind="give")
chair = re.match(r"^/items/([0-9a-f]+)", h.get("location", "")).group(1)
say(converged(), "the gifts reach b")
for it in (seeds, chair):
    st, h, body = b.post("/items/request", item=it, note="")
    say(st == 303, "b asks for a gift", st)
say(converged(), "b's requests reach a")
st, h, body = a.req("GET", "/items/" + seeds)
say("Give to b" in body and "Lend to b" not in body and 'action="/items/give"' in body,
    "a gift shows 'Give to b'", main_of(body)[-1200:])
st, h, body = a.post("/items/give", item=seeds, to=b_hex)
say(st == 303 and h.get("location") == "/items/%s?done=given_one" % seeds, "a gives one seedling (303)",
    "%d %s" % (st, main_of(body)[:500]))
st, h, body = a.req("GET", h.get("location", "/"))
mb = main_of(body)
say("You gave one away" in mb and "<dt>How many</dt><dd>2</dd>" in mb and "<dd>Available</dd>" in mb,
    "two seedlings stay listed", mb[:1500])
st, h, body = a.post("/items/give", item=chair, to=b_hex)
say(st == 303 and h.get("location") == "/items/%s?done=given" % chair, "a gives the chair (303)", st)
st, h, body = a.req("GET", h.get("location", "/"))
mb = main_of(body)
say("You gave it away" in mb and "<dt>Given to</dt><dd>b</dd>" in mb and "<dd>Given away</dd>" in mb
    and "Withdraw it" not in mb, "the chair's page: given to b", mb[:1500])
st, h, body = a.req("GET", "/items")
say("Chair" not in body and "Seedlings" in body, "the given chair left the list")
st, h, body = a.post("/items/give", item=chair, to=b_hex)
say(st == 422 and "cannot be given away" in body, "giving it twice: 422", st)
say(converged(), "the gifts reach b")
st, h, body = b.req("GET", "/items/" + chair)
say("It was given to you" in body, "b's page says the chair was given to b", main_of(body)[:1200])

# ---- edit, renew, withdraw ------------------------------------------------------
st, h, body = a.req("GET", "/items/edit?item=" + lad)
say(st == 200 and 'action="/items/edit"' in body and 'value="Ladder"' in body
    and 'value="Shed behind block B"' in body and "three metres" in body
    and '<option value="lend" selected>' in body, "the edit form holds the item's values", body[-2500:])
for q in ("0", "abc", "1000000001", "-3", "1.5"):
    st, h, body = a.post("/items/edit", item=lad, title="Ladder", kind="lend", quantity=q,
                         location="x", description="keep me")
    say(st == 422 and "How many must be a whole number" in body and "keep me" in body,
        "edit with quantity %r: 422, values kept" % q, st)
st, h, body = a.post("/items", title="Bad", kind="give", quantity="0")
say(st == 422 and "How many must be" in body, "a new item with quantity 0: 422", st)
st, h, body = a.post("/items/edit", item=lad, title="", kind="lend", quantity="1")
say(st == 422 and "the title cannot be empty" in body, "edit with an empty title: 422", st)
st, h, body = a.post("/items/edit", item=lad, title="Long ladder " + X, kind="lend", quantity="2",
                     location="Gate " + X, description=X)
say(st == 303 and h.get("location") == "/items/%s?done=edited" % lad, "a edits (303)",
    "%d %s" % (st, main_of(body)[:600]))
st, h, body = a.req("GET", h.get("location", "/"))
mb = main_of(body)
say("Your changes are saved" in mb and "Long ladder &lt;script&gt;" in mb and "<dd>2</dd>" in mb
    and "Gate &lt;script&gt;" in mb, "the edit shows, escaped", mb[:1500])
st, h, body = a.post("/items/renew", item=lad)
say(st == 303 and h.get("location") == "/items/%s?done=renewed" % lad, "a renews (303)", st)
st, h, body = a.req("GET", "/items/%s?done=renewed" % lad)
say("stays listed for another 90 days" in body, "the renewal is said")
st, h, body = a.post("/items/withdraw", item=lad)
say(st == 303 and h.get("location") == "/items/%s?done=withdrawn" % lad, "a withdraws (303)", st)
st, h, body = a.req("GET", h.get("location", "/"))
mb = main_of(body)
say("Your item is withdrawn" in mb and "<dd>Withdrawn</dd>" in mb and "Keep it listed" not in mb,
    "the page says withdrawn, without the owner's buttons", mb[:1500])
st, h, body = a.post("/items/withdraw", item=lad)
say(st == 422 and "is already withdrawn" in body, "withdrawing twice: 422", st)
st, h, body = a.req("GET", "/items/edit?item=" + lad, lang="zh-CN")
say('<html lang="zh-Hans">' in body and "修改你的物品" in body, "the edit form in Chinese")

# ---- a hostile member's 300 requests ---------------------------------------------
# the action layer refuses a second waiting request; past it (signed through
# crdt/, tests/mkchanges) the owner's page lists one card per member and
# says how many more, and the owner can still lend
st, h, body = a.post("/items", title="Wheelbarrow", kind="lend")
wb = h.get("location", "/").split("/")[2].split("?")[0] if st == 303 else ""
say(converged(), "the wheelbarrow reaches b")
rc, out, err = kith_at(home_b, "item", "request", wb, "--note", "<" * 4000)
say(rc == 0, "b asks for it with a note of 4000 bytes (CLI)", err)
rc, out, err = kith_at(home_a, "--json", "item", "show", wb)
wbhex = (re.search(r'"id":\s*"([0-9a-f]{32})"', out) or re.search("(x)", "x")).group(1)
o = subprocess.run([mkchanges, home_b, "300", "1", wbhex], capture_output=True, text=True,
                   timeout=60)
say(o.returncode == 0 and len(wbhex) == 32, "b signs 300 more requests past the action layer",
    o.stderr + wbhex)
say(converged(60), "the 300 requests reach a")
t0 = time.time()
st, h, body = a.req("GET", "/items/" + wb)
took = time.time() - t0
print("# GET /items/%s with 301 requests: %.3f s, %d bytes" % (wb, took, len(body)))
mb = main_of(body)
say(st == 200 and took < 5 and mb.count("Lend to b") == 1 and "300 more requests are not shown." in mb
    and len(body) < 100000, "the item page with 301 requests: 200, one card, '300 more'",
    "%d %.2f %d %s" % (st, took, len(body), mb[-800:]))
say("<p>" + "&lt;" * 300 + "…</p>" in mb and "&lt;" * 301 not in mb, "b's long note is cut with …")
st, h, body = a.post("/items/lend", item=wb, to=b_hex, days="7")
say(st == 303, "a lends the wheelbarrow to b (303)", st)

# ---- unknown items --------------------------------------------------------------
st, h, body = a.req("GET", "/items/ffffff")
say(st == 404 and "no item with id" in body, "an unknown item is 404", st)
st, h, body = a.req("GET", "/items/" + quote(X, safe=""))
say(st == 404, "an item id full of markup is 404", st)
st, h, body = a.post("/items/request", item="ffffff")
say(st == 422 and "no item with id" in body, "asking for an unknown item: 422", st)
st, h, body = a.req("GET", "/items/edit?item=ffffff")
say(st == 404, "editing an unknown item: 404", st)

# ---- csrf and invalid UTF-8 ---------------------------------------------------
before = digest(home_a)
for path in ("/items", "/items/edit", "/items/request", "/items/lend", "/items/give",
             "/items/return", "/items/renew", "/items/withdraw"):
    st, h, body = a.req("POST", path, body={"item": seeds, "title": "no token", "to": b_hex,
                                            "kind": "give"}, csrf=False)
    say(st == 403, "POST %s without csrf is 403" % path, st)
for path, field in (("/items", "title"), ("/items/edit", "description"),
                    ("/items/request", "note")):
    raw = ("item=%s&title=ok&kind=give&csrf=%s&%s=bad%%FF%%FEtext" % (chair, a.csrf, field)).encode()
    st, h, body = a.req("POST", path, body=raw)
    say(st in (400, 422), "invalid UTF-8 in %s of POST %s is refused" % (field, path), st)
say(digest(home_a) == before, "nothing was written by the refused posts")

# ---- escaping everywhere -------------------------------------------------------
st, h, body = a.post("/items", title=X, kind="share", location=X, description=X)
xl = h.get("location", "/")
a.req("GET", xl)
a.req("GET", "/items")
a.req("GET", "/items?q=" + quote(X))
a.req("GET", "/items/edit?item=" + xl.split("/")[2].split("?")[0])
a.post("/items", title=X, kind=X, quantity=X, location=X, description=X)
a.post("/items/lend", item=X, to=X, days=X)
a.post("/items/request", item=X, note=X)
a.post("/items/edit", item=X, title=X)
bad = [w for (w, bd) in pages if b"<script" in bd.lower()]
say(not bad, "no page holds <script (%d pages)" % len(pages), bad)
print("DONE")
PYEOF

"$PY" "$WORK/items.py" "$URL_A" "$URL_B" "$KITH" "$WORK/a" "$WORK/b" \
	"127.0.0.1:$(port_of a)" "$MKCHANGES" \
	>"$WORK/py.out" 2>&1
web_tally "$WORK/py.out"
check_nomatch "no page failed (500) in a's log" "$(cat "$WORK/a.log")" 'web: .* failed'
check_nomatch "no page failed (500) in b's log" "$(cat "$WORK/b.log")" 'web: .* failed'

finish
