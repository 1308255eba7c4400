"""tests/browser/test_items.py - the item pages (web/page_item.c,
web/page_item_one.c) in a real browser (tests/browser/lib.py), two
members whose daemons sync (b peers with a):
  - a offers "a ladder" to lend in the form; the post lands on the item's
    page, which says what happened;
  - b finds it in the list, opens its page by the link, asks for it with a
    note; the page says b asked;
  - after sync a's home lists the request under what waits for a, and the
    item's page shows b by name with "Lend to b"; a lends it for the
    default two weeks; the page says lent to b, with "Mark returned";
  - after sync b's page says it is lent to b;
  - a marks it returned: available again.
Every item page is checked to fit the screen (no sideways scroll), to have
no touch target under 44 px, no text under 16 px, to pass the
accessibility check, and to show no console error; screenshots of each
step.  The story runs on a phone without JavaScript in Chinese and on a
desktop with JavaScript in English (under KITH_SAN=1: the phone only).

    /usr/bin/python3 tests/browser/test_items.py BUILD/kith
"""

import os
import re
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lib  # noqa: E402

# What the pages say, per language: the checks read the page's own words.
WORDS = {
    "en": {
        "posted": "Your item is posted",
        "asked": "You asked for it",
        "waiting": 'A neighbour asked for your item "%s"',  # ": open it ..."
        "who": "Neighbours who asked for it",
        "lend": "Lend to b",
        "lent": "You lent it",
        "lent_to": "Lent to",
        "to_you": "It is lent to you",
        "returned": "It is marked as returned",
        "available": "Available",
        "ask": "Ask for it",
    },
    "zh-CN": {
        "posted": "你的物品已发布",
        "asked": "你已申请这件物品",
        "waiting": "有邻居想要你的物品“%s”",
        "who": "想要它的邻居",
        "lend": "借给b",
        "lent": "你已借出这件物品",
        "lent_to": "借给",
        "to_you": "这件物品借给了你",
        "returned": "已记为归还",
        "available": "可以申请",
        "ask": "我想要",
    },
}


def digests_equal(ms, secs=30):
    """The members' replicas agree (b syncs with a at once, so the test
    need not wait for the daemons' next round)."""
    ms[1].kith("sync", "127.0.0.1:%d" % ms[0].p2p_port, "--timeout", "10")
    end = time.time() + secs
    while time.time() < end:
        ds = set(m.kith("digest")[1].strip() for m in ms)
        if len(ds) == 1 and "" not in ds:
            return True
        time.sleep(0.3)
    return False


def click(br, css):
    """Follow a link and wait for the next page (as Browser.submit)."""
    from selenium.webdriver.support.ui import WebDriverWait
    old = br.driver.find_element("css selector", "html")
    br.driver.get_log("performance")
    br.find(css)[0].click()
    WebDriverWait(br.driver, lib.PAGE_TIMEOUT).until(
        lambda d: lib._stale(old) and lib._loaded(d))
    return br.after()


def layout(t, br, what):
    """The failing checks every item page gets, and a screenshot."""
    c = br.case
    t.check(br.overflow() == 0, "%s: %s fits the screen's width" % (c, what),
            "%d px too wide" % br.overflow())
    small = br.small_targets(44)
    t.check(not small, "%s: %s has no touch target under 44 px" % (c, what), small)
    px = br.smallest_text()
    t.check(px is None or px >= 16, "%s: %s has no text under 16 px" % (c, what), px)
    br.console_ok(t, "%s: no console errors" % what)
    br.a11y(t, what)
    br.shot(what)


def story(t, a, b, size, js, lang):
    w = WORDS[lang]
    title = "Ladder %s %s" % (size, "js" if js else "nojs")
    if lang != "en":
        title = "梯子 " + title
    with t.browser(size, js=js, lang=lang) as ba, t.browser(size, js=js, lang=lang) as bb:
        c = ba.case
        ba.login(a)
        bb.login(b)

        # a offers the ladder
        ba.get(a, "/items/new")
        ba.find("#title")[0].send_keys(title)
        from selenium.webdriver.support.ui import Select
        Select(ba.find("#kind")[0]).select_by_value("lend")
        ba.find("#location")[0].send_keys("Shed B")
        ba.submit("form[action='/items']")
        m = re.search(r"/items/([0-9a-f]{6,})\?done=posted$", ba.url)
        t.check(ba.status == 200 and m and w["posted"] in ba.text(),
                "%s: a posts the ladder and lands on its page" % c,
                "%s %r" % (ba.url, ba.status))
        sid = m.group(1) if m else "ffffff"
        layout(t, ba, "a-posted")

        t.check(digests_equal([a, b]), "%s: the ladder reaches b" % c)
        bb.get(b, "/items")
        links = bb.find("a[href='/items/%s']" % sid)
        t.check(links and links[0].text == title, "%s: b's list links to the ladder by its title" % c,
                [l.text for l in links])
        click(bb, "a[href='/items/%s']" % sid)
        t.check(bb.url.endswith("/items/" + sid) and w["ask"] in bb.text(),
                "%s: b opens its page, with the ask button" % c, bb.url)
        layout(t, bb, "b-item")
        bb.find("#note")[0].send_keys("for the gutter")
        bb.submit("form[action='/items/request']")
        t.check(bb.url.endswith("?done=requested") and w["asked"] in bb.text(),
                "%s: b asks for it, and the page says so" % c, bb.text()[:600])
        layout(t, bb, "b-asked")

        t.check(digests_equal([a, b]), "%s: the request reaches a" % c)
        ba.get(a, "/")
        t.check((w["waiting"] % title) in ba.text(),
                "%s: a's home lists the request under what waits" % c, ba.text()[:800])
        ba.shot("a-home")
        ba.get(a, "/items/" + sid)
        txt = ba.text()
        t.check(w["who"] in txt and "for the gutter" in txt and w["lend"] in txt,
                "%s: a's page shows b's request with the lend button" % c, txt[:1200])
        layout(t, ba, "a-request")
        ba.driver.execute_script(
            "document.querySelector(\"form[action='/items/lend']\").scrollIntoView()")
        ba.shot("a-request-lend-form")
        ba.submit("form[action='/items/lend']")
        txt = ba.text()
        t.check(ba.url.endswith("?done=lent") and w["lent"] in txt and w["lent_to"] in txt,
                "%s: a lends it to b" % c, txt[:800])
        t.check(not re.search(r"\b[0-9a-f]{12,}\b", txt), "%s: no hex id on the page" % c)
        layout(t, ba, "a-lent")

        t.check(digests_equal([a, b]), "%s: the loan reaches b" % c)
        bb.get(b, "/items/" + sid)
        t.check(w["to_you"] in bb.text(), "%s: b's page says it is lent to b" % c,
                bb.text()[:800])
        layout(t, bb, "b-lent")

        ba.submit("form[action='/items/return']")
        txt = ba.text()
        t.check(ba.url.endswith("?done=returned") and w["returned"] in txt
                and w["available"] in txt, "%s: a marks it returned" % c, txt[:800])
        layout(t, ba, "a-returned")


def main():
    t = lib.Suite("items")
    t.note("accessibility: " + ("axe-core " + t.axe if t.axe else
                                "the built-in check (axe-core not installed)"))
    try:
        a = t.member("a")
        a.start()
        b = t.member("b")
        b.start(peers=[a])
    except (RuntimeError, OSError) as e:
        t.abort("the daemons of a and b start", str(e))
    t.ok("a and b serve the web app on %s and %s" % (a.base, b.base))
    cases = [("phone", False, "zh-CN"), ("desktop", True, "en")]
    if os.environ.get("KITH_SAN") == "1":
        cases = cases[:1]
    for size, js, lang in cases:
        try:
            story(t, a, b, size, js, lang)
        except Exception as e:  # a driver failure ends this case only
            t.fail("%s-%s-%s: the story ran to its end" % (size, "js" if js else "nojs", lang),
                   "%s: %s" % (type(e).__name__, str(e).strip().splitlines()[0]))
    t.finish()


if __name__ == "__main__":
    main()
