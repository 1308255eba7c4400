"""tests/browser/test_for.py - acting for a neighbour without a device
(web/acting.h, web/page_for.c) in a real browser (tests/browser/lib.py):
  - phone, JavaScript off, zh-CN: a's footer links to "Neighbours I help"
    (in Chinese); Mrs Okafor, hosted with the CLI, is there with her
    button; choosing her opens the home page under the banner, which
    greets her; a wish posted from the form is hers, entered by a (`kith
    --json wish show`), and its page keeps the banner;
  - desktop, JavaScript on, en: a adds Mr Lee with the form on /for (the
    page says what happened and what next), acts for Mrs Okafor, posts a
    wish (hers, entered by a), then presses the banner's "Act as
    yourself": /for says so and the banner is gone;
  - every page: no console errors, fits the screen's width, no target
    under 44 px, no text under 16 px, the accessibility check, a
    screenshot.

    /usr/bin/python3 tests/browser/test_for.py BUILD/kith
"""

import json
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lib  # noqa: E402


def page_ok(t, b, what):
    """The checks every page of this suite passes."""
    c = b.case
    b.console_ok(t, "%s: no console errors" % what)
    t.check(b.overflow() == 0, "%s: %s fits the screen's width" % (c, what),
            "%d px too wide" % b.overflow())
    small = b.small_targets(44)
    t.check(not small, "%s: %s has no target under 44 px" % (c, what), *small)
    px = b.smallest_text()
    t.check(px is None or px >= 16, "%s: %s has no text under 16 px" % (c, what), px)
    b.a11y(t, what)


def banner(b):
    el = b.find("section.acting")
    return el[0].text if el else ""


def typed(b, css, text):
    el = b.find(css)[0]
    el.clear()
    el.send_keys(text)


def wish_of(a, url):
    wid = url.rsplit("/", 1)[1].split("?")[0]
    rc, out, err = a.kith("--json", "wish", "show", wid)
    if rc:
        return None
    d = json.loads(out)
    return d["author"], d.get("entered_by")


def post_wish(t, b, a, title, okafor):
    c = b.case
    b.get(a, "/wishes/new")
    t.check(banner(b) != "", "%s: the wish form has the banner" % c)
    typed(b, "#title", title)
    b.submit("form[action='/wishes']")
    t.check(b.status == 200 and "/wishes/" in b.url, "%s: the wish is posted" % c, b.url)
    t.check(wish_of(a, b.url) == (okafor, "a"),
            "%s: the wish is hers, entered by a (kith --json wish show)" % c,
            wish_of(a, b.url))
    t.check(banner(b) != "", "%s: its page keeps the banner" % c)


def phone_story(t, a, okafor):
    with t.browser("phone", js=False, lang="zh-CN") as b:
        c = b.case
        b.login(a)
        link = [e for e in b.find("footer a") if e.get_attribute("href").endswith("/for")]
        t.check(link and link[0].text == "我帮助的邻居",
                "%s: the footer links to 我帮助的邻居" % c, [e.text for e in b.find("footer a")])
        t.check(banner(b) == "", "%s: no banner before choosing" % c)
        b.get(a, "/for")
        txt = b.text()
        t.check(b.status == 200 and "Mrs Okafor" in txt and "代 Mrs Okafor 操作" in txt,
                "%s: /for lists Mrs Okafor with her button, in Chinese" % c, txt[:800])
        b.shot("for")
        page_ok(t, b, "/for")

        b.submit("li form[action='/for']")
        t.check(b.url == a.base + "/" and b.status == 200, "%s: choosing her opens home" % c, b.url)
        bt = banner(b)
        t.check("你正在代 Mrs Okafor 操作" in bt and "以自己的身份操作" in bt,
                "%s: the banner names her, in Chinese, with the button back" % c, bt)
        t.check("Mrs Okafor" in b.find("h1")[0].text, "%s: home greets her" % c,
                b.find("h1")[0].text)
        t.check("正在代 Mrs Okafor 操作" in b.find("footer")[0].text, "%s: the footer says it" % c,
                b.find("footer")[0].text)
        b.shot("home-acting")
        page_ok(t, b, "/ acting for her")

        post_wish(t, b, a, "周五买菜 Shopping", okafor)
        b.shot("wish-acting")
        page_ok(t, b, "/wishes/ID acting for her")


def desktop_story(t, a, okafor):
    with t.browser("desktop", js=True, lang="en") as b:
        c = b.case
        b.login(a)
        b.get(a, "/for")
        t.check("Act as myself" not in b.text(), "%s: a new session acts as itself" % c)
        typed(b, "#name", "Mr Lee")
        typed(b, "#building", "Oak")
        typed(b, "#unit", "7")
        b.submit("form[action='/for/host']")
        txt = b.text()
        t.check("/for?done=hosted" in b.url and "Mr Lee is now kept on this computer." in txt
                and "What next" in txt, "%s: adding Mr Lee says what happened and what next" % c,
                txt[:800])
        t.check("Act for Mr Lee" in txt and "Oak, unit 7" in txt, "%s: he is listed" % c, txt[:1500])
        b.shot("for-added")
        page_ok(t, b, "/for?done=hosted")

        forms = [f for f in b.find("li form[action='/for']")
                 if "Mrs Okafor" in f.text]
        t.check(forms, "%s: her button is there" % c)
        if forms:
            old = b.driver.find_element("css selector", "html")
            forms[0].find_element("css selector", "button").click()
            from selenium.webdriver.support.ui import WebDriverWait
            WebDriverWait(b.driver, 20).until(lambda d: lib._stale(old) and lib._loaded(d))
            b.after()
        bt = banner(b)
        t.check(b.url == a.base + "/" and "You are acting for Mrs Okafor" in bt
                and "Act as yourself" in bt, "%s: home under the banner" % c, bt)
        b.shot("home-acting")
        page_ok(t, b, "/ acting for her")

        post_wish(t, b, a, "Light bulb changed", okafor)
        t.check("You (a entered it for you)" in b.text(), "%s: the wish says a entered it" % c,
                b.text()[:1000])
        b.shot("wish-acting")
        page_ok(t, b, "/wishes/ID acting for her")

        b.submit("section.acting form")
        t.check(b.url == a.base + "/for?done=self" and "You act as yourself again." in b.text(),
                "%s: the banner's button: back to oneself" % c, b.url)
        t.check(banner(b) == "", "%s: no banner any more" % c)
        b.shot("for-self")
        page_ok(t, b, "/for?done=self")


def main():
    t = lib.Suite("for")
    t.note("accessibility: " + ("axe-core " + t.axe if t.axe else
                                "the built-in check (axe-core not installed)"))
    try:
        a = t.member("a")
        a.start()
    except (RuntimeError, OSError) as e:
        t.abort("the daemon of a starts", str(e))
    rc, out, err = a.kith("member", "host", "--name", "Mrs Okafor", "--building", "Elm",
                          "--unit", "4")
    okafor = out.strip()
    t.check(rc == 0 and len(okafor) == 64, "a hosts Mrs Okafor (CLI)", err)
    for story in (phone_story, desktop_story):
        try:
            story(t, a, okafor)
        except Exception as e:  # a driver failure ends this story only
            t.fail("%s ran to its end" % story.__name__,
                   "%s: %s" % (type(e).__name__, str(e).strip().splitlines()[0]))
    t.finish()


if __name__ == "__main__":
    main()
