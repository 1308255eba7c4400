"""tests/browser/test_coord.py - the coordinator's pages in a real browser
(tests/browser/lib.py), the emergency story once end to end:
  - coordinator a (desktop, JavaScript on, English) starts an emergency
    from the hub /coord;
  - member b (phone, JavaScript off, Chinese) sees the banner on the home
    page and checks in "I need help";
  - a's roll call shows b under "needs help" in b's building;
  - b opening /coord gets the action layer's refusal (403), no buttons;
  - the hub, the roll call, the supplies page and the notice sheet, in
    phone and desktop, English and Chinese: they fit the screen's width,
    every target is at least 44 px, no text under 16 px, the accessibility
    check passes, no console errors; a screenshot of each.

    /usr/bin/python3 tests/browser/test_coord.py BUILD/kith
"""

import os
import re
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lib  # noqa: E402

# b lives in Bb: the roll call and the sheets list buildings, then one
PAGES = (("/coord", "hub"), ("/coord/roll", "buildings"),
         ("/coord/roll?building=Bb", "roll"),
         ("/coord/inventory", "inventory"), ("/coord/sheet", "sheets"),
         ("/coord/sheet?building=Bb", "sheet"))
HEX = re.compile(r"\b[0-9a-f]{16,}\b")


def digests_equal(ms, secs):
    end = time.time() + secs
    while time.time() < end:
        ds = set(m.kith("digest")[1].strip() for m in ms)
        if len(ds) == 1 and "" not in ds:
            return True
        time.sleep(0.3)
    return False


def page_ok(t, b, what, a11y=True):
    """The checks every coordinator page passes, and its screenshots."""
    c = b.case
    t.check(b.status == 200, "%s: %s is 200" % (c, what), repr(b.status))
    # unfold what is folded (the hub's hide forms, the verified members),
    # a click on its summary as a person does (no script needed), so its
    # fields and buttons are checked too
    for s in b.find("details:not([open]) > summary"):
        s.click()
    t.check(b.overflow() == 0, "%s: %s fits the screen's width" % (c, what),
            "%d px too wide" % b.overflow())
    small = b.small_targets(44)
    t.check(not small, "%s: %s: every target is at least 44 px" % (c, what), *small)
    px = b.smallest_text()
    t.check(px is None or px >= 16, "%s: %s: no text under 16 px" % (c, what), repr(px))
    t.check(not HEX.search(b.text()), "%s: %s shows no hex ids" % (c, what),
            HEX.findall(b.text())[:3])
    if b.lang == "zh-CN":
        t.check(b.html_lang() == "zh-Hans", "%s: %s is in Chinese" % (c, what), b.html_lang())
    if a11y:
        b.a11y(t, what)
    b.console_ok(t, "%s: no console errors" % what)
    shots(b, what)


def shots(b, what, most=3):
    """Screenshots down the page, a screen at a time (at most most)."""
    d = b.driver
    vh = d.execute_script("return window.innerHeight")
    h = d.execute_script("return document.documentElement.scrollHeight")
    for i in range(min(most, (h + vh - 1) // vh)):
        d.execute_script("window.scrollTo(0, arguments[0])", i * vh)
        b.shot(what if not i else "%s-%d" % (what, i + 1))
    d.execute_script("window.scrollTo(0, 0)")


def tour(t, a, size, js, lang, pages=PAGES, a11y=True):
    """The coordinator's pages in one browser."""
    with t.browser(size, js=js, lang=lang) as b:
        b.login(a)
        for path, what in pages:
            b.get(a, path)
            page_ok(t, b, what, a11y)
            if what == "buildings":
                help_ = b.find("li.help a[href='/coord/roll?building=Bb']")
                t.check(help_, "%s: the roll call's buildings link the one that needs help"
                        % b.case)
            if what == "roll":
                help_ = b.find("section.roll li.help")
                t.check(help_ and "b" in help_[0].text,
                        "%s: the roll call shows b under needs help" % b.case,
                        [e.text for e in help_])


def main():
    t = lib.Suite("coord")
    t.note("accessibility: " + ("axe-core " + t.axe if t.axe else
                                "the built-in check (axe-core not installed)"))
    try:
        a = t.member("a")
        a.start()
        b_ = t.member("b")
        b_.start(peers=[a])
    except (RuntimeError, OSError) as e:
        t.abort("the daemons of a and b start", str(e))
    t.check(digests_equal([a, b_], 25), "a and b converge")
    rc, out, err = a.kith("item", "add", "--title", "Bottled water", "--kind", "resource",
                          "--category", "water", "--qty", "12", "--unit", "litres")
    t.check(rc == 0, "a posts an emergency supply", err)
    rc, out, err = b_.kith("wish", "add", "--title", "Need a ride to the pharmacy",
                           "--urgency", "urgent")
    t.check(rc == 0, "b posts a wish", err)

    # 1. the coordinator starts an emergency (desktop, JS on, English)
    with t.browser("desktop", js=True, lang="en") as b:
        c = b.case
        b.login(a)
        b.get(a, "/coord")
        t.check(b.status == 200 and b.find("textarea#reason"),
                "%s: the hub has the emergency form" % c, repr(b.status))
        b.find("textarea#reason")[0].send_keys("Flood in Bb: water in the stairwell")
        b.submit("form[action='/coord/emergency']")
        t.check(b.url.endswith("/coord?done=started"),
                "%s: starting lands on the hub with ?done=started" % c, b.url)
        t.check("Emergency mode is on" in b.text() and "Flood in Bb" in b.text(),
                "%s: the hub says emergency mode is on" % c, b.text()[:600])
        b.shot("emergency-started")
        b.console_ok(t, "started: no console errors")
    t.check(digests_equal([a, b_], 25), "the emergency reaches b")

    # 2. b sees the banner and asks for help (phone, JS off, Chinese)
    with t.browser("phone", js=False, lang="zh-CN") as b:
        c = b.case
        b.login(b_)
        t.check("Flood in Bb" in b.text(), "%s: b's home shows the emergency" % c,
                b.text()[:600])
        b.shot("b-banner")
        b.submit("form[action='/checkin']", "button[value=help]")
        t.check(b.url.endswith("/?done=help"), "%s: b said 'I need help'" % c, b.url)
        b.shot("b-needs-help")
        b.get(b_, "/coord", expect=403)
        t.check(b.status == 403 and "协调员" in b.text(),
                "%s: b opening /coord gets the refusal in Chinese (403)" % c,
                "%r %s" % (b.status, b.text()[:400]))
        t.check(not b.find("main button") and not b.find("main form"),
                "%s: and no buttons" % c)
        t.check(b.overflow() == 0, "%s: the refusal fits the screen" % c)
        b.shot("b-refused")
        b.console_ok(t, "refused: no console errors but the 403")
    t.check(digests_equal([a, b_], 25), "b's check-in reaches a")

    # 3. the coordinator's pages, in each size and language
    if os.environ.get("KITH_SAN") == "1":
        cases = [("phone", False, "zh-CN")]
    else:
        cases = [("desktop", True, "en"), ("phone", False, "zh-CN"),
                 ("phone", True, "en"), ("desktop", False, "zh-CN")]
    for i, (size, js, lang) in enumerate(cases):
        try:
            # the other two corners: the pages of the screenshots only,
            # accessibility checked in the first two (axe, the basic one)
            tour(t, a, size, js, lang, PAGES if i < 2 else
                 [p for p in PAGES if p[1] != "inventory"], a11y=i < 2)
        except Exception as e:  # a driver failure ends this case only
            t.fail("%s-%s-%s: the case ran to its end" % (size, "js" if js else "nojs", lang),
                   "%s: %s" % (type(e).__name__, str(e).strip().splitlines()[0]))
    t.finish()


if __name__ == "__main__":
    main()
