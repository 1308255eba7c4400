"""tests/browser/test_settings.py - the web app's shell, the settings page
and the error pages in a real browser (tests/browser/lib.py), in two
corners: a phone with JavaScript off in Chinese, a desktop with
JavaScript on in English.  In each:
  - every page of this branch (home, wishes, the wish form, items, the
    item form, settings, logout, a 404) fits the screen's width, has no
    touch target under 44 px and no text under 16 px on the screen
    (failing checks), names its language and passes the accessibility
    check; the nav is a landmark whose current link is aria-current;
  - on /settings the person picks the other language (the phone English,
    the desktop 简体中文) and easy mode, and saves: the browser lands on
    /settings?done=saved, which says so in the new language; the
    kith_prefs cookie is HttpOnly, SameSite=Strict; every page then
    speaks the new language with <body class="easy">, the nav's
    secondary link (Members) is hidden, buttons are at least 64 px tall,
    and still nothing overflows;
  - the 404 page is a page: the status, a heading, a link home;
  - back to automatic and no easy mode: the browser's language again,
    the cookie gone;
  - screenshots: home in easy mode, settings (before and after), the
    404 page.

    /usr/bin/python3 tests/browser/test_settings.py BUILD/kith
"""

import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lib  # noqa: E402

PAGES = ("/", "/wishes", "/wishes/new", "/items", "/items/new", "/settings", "/logout")
# what the saved notice says, in the language chosen
SAVED = {"en": "Your settings are saved.", "zh-Hans": "设置已保存"}
NOT_FOUND = {"en": "Page not found", "zh-Hans": "找不到这个页面"}


def fits(t, b, what):
    """The failing layout checks of one page."""
    c = b.case
    over = b.overflow()
    t.check(over == 0, "%s: %s fits the screen's width" % (c, what), "%d px too wide" % over)
    small = b.small_targets(44)
    t.check(not small, "%s: %s has no touch target under 44 px" % (c, what), *small)
    px = b.smallest_text()
    t.check(px is None or px >= 16, "%s: %s has no text under 16 px" % (c, what),
            "smallest %r px" % px)


def nav_ok(t, b, path):
    cur = b.driver.execute_script(r"""
        var n = document.querySelectorAll('header nav[aria-label]');
        if (n.length !== 1) return 'nav landmarks: ' + n.length;
        var c = n[0].querySelectorAll('a[aria-current=page]');
        return c.length === 1 ? c[0].getAttribute('href') : 'current: ' + c.length;""")
    t.check(cur == path, "%s: %s: one named nav, its current link is %s" % (b.case, path, path),
            repr(cur))


def pages(t, b, m, lang_tag, easy, shoot=False):
    for path in PAGES:
        b.get(m, path)
        t.check(b.status == 200, "%s: %s is 200" % (b.case, path), repr(b.status))
        t.check(b.html_lang() == lang_tag, "%s: %s speaks %s" % (b.case, path, lang_tag),
                repr(b.html_lang()))
        body = b.driver.execute_script("return document.body.className")
        t.check((body == "easy") == easy, "%s: %s: easy mode %s" % (
            b.case, path, "on" if easy else "off"), repr(body))
        if path in ("/", "/wishes", "/items", "/settings"):
            nav_ok(t, b, path)
        fits(t, b, path)
        b.console_ok(t, "%s: no console errors" % path)
        if easy:
            hidden = b.driver.execute_script(r"""
                var a = document.querySelector('nav a[href="/members"]');
                return a === null || a.getClientRects().length === 0;""")
            t.check(hidden, "%s: %s: easy mode hides the nav's Members" % (b.case, path))
            low = b.driver.execute_script(r"""
                var out = [];
                document.querySelectorAll('main button, main .button, nav a')
                    .forEach(function (e) {
                        var r = e.getBoundingClientRect();
                        if (r.height && r.height < 63.5)
                            out.push(e.innerText.trim() + ' ' + Math.round(r.height));
                    });
                return out;""")
            t.check(not low, "%s: %s: easy mode's buttons are 64 px tall" % (b.case, path),
                    *low)
        if path == "/" and shoot:
            b.shot("home-easy" if easy else "home")
    b.get(m, "/no-such-page", expect=404)
    t.check(b.status == 404 and NOT_FOUND[lang_tag] in b.text(),
            "%s: an unknown page is a 404 page that says so" % b.case,
            "status %r: %s" % (b.status, b.text()[:300]))
    t.check(len(b.find("main h1")) == 1 and len(b.find("main a.button[href='/']")) == 1,
            "%s: the 404 page has a heading and a link home" % b.case)
    fits(t, b, "the 404 page")
    b.console_ok(t, "404: no console errors but the 404")
    if shoot:
        b.shot("not-found-easy" if easy else "not-found")
        b.a11y(t, "the 404 page")


def choose(b, lang_value, easy):
    """Tick the settings form: a language radio and the easy checkbox."""
    b.find("input[name=lang][value='%s']" % lang_value)[0].click()
    box = b.find("input[name=easy]")[0]
    if box.is_selected() != easy:
        box.click()


def one_case(t, m, size, js, lang):
    tag = "zh-Hans" if lang == "zh-CN" else "en"
    other, other_tag = ("en", "en") if lang == "zh-CN" else ("zh_CN", "zh-Hans")
    with t.browser(size, js=js, lang=lang) as b:
        c = b.case
        b.login(m)
        t.check(b.url == m.base + "/", "%s: logged in" % c, b.url)

        pages(t, b, m, tag, easy=False, shoot=True)

        b.get(m, "/settings")
        t.check(b.find("input[name=lang][value=auto]")[0].is_selected(),
                "%s: without a setting, automatic is chosen" % c)
        b.shot("settings")
        b.a11y(t, "/settings")

        choose(b, other, True)
        b.submit()
        t.check(b.url == m.base + "/settings?done=saved" and b.status == 200,
                "%s: saving lands on /settings?done=saved" % c,
                "url %s status %r" % (b.url, b.status))
        t.check(b.html_lang() == other_tag and SAVED[other_tag] in b.text(),
                "%s: it says the settings are saved, in the new language (%s)" % (c, other_tag),
                b.text()[:400])
        ck = b.cookies().get("kith_prefs")
        t.check(ck is not None and ck["value"] == other + ".easy"
                and ck.get("sameSite") == "Strict" and ck.get("path") == "/"
                and ck.get("httpOnly") is True,
                "%s: the kith_prefs cookie holds the choice (SameSite=Strict, Path=/)" % c,
                repr(ck))
        t.check(b.find("input[name=lang][value='%s']" % other)[0].is_selected()
                and b.find("input[name=easy]")[0].is_selected(),
                "%s: the form shows what was saved" % c)
        fits(t, b, "/settings in easy mode")
        b.shot("settings-saved-easy")
        b.a11y(t, "/settings in easy mode")

        pages(t, b, m, other_tag, easy=True, shoot=True)

        b.get(m, "/settings")
        choose(b, "auto", False)
        b.submit()
        t.check(b.html_lang() == tag and "kith_prefs" not in b.cookies(),
                "%s: back to automatic: the browser's language, no cookie" % c,
                "lang %r cookies %r" % (b.html_lang(), sorted(b.cookies())))
        t.check(b.driver.execute_script("return document.body.className") == "",
                "%s: and easy mode is off" % c)


def main():
    t = lib.Suite("settings")
    t.note("accessibility: " + ("axe-core " + t.axe if t.axe else
                                "the built-in check (axe-core not installed)"))
    try:
        a = t.member("a")
        a.start()
    except (RuntimeError, OSError) as e:
        t.abort("member a's daemon starts", str(e))
    t.ok("member a's daemon serves the web app on " + a.base)
    corners = [("phone", False, "zh-CN"), ("desktop", True, "en")]
    if os.environ.get("KITH_SAN") == "1":
        corners = corners[:1]  # the sanitizers' run: one corner is enough
    for size, js, lang in corners:
        try:
            one_case(t, a, size, js, lang)
        except Exception as e:  # a driver failure ends this case only
            t.fail("%s-%s-%s: the case ran to its end" % (size, "js" if js else "nojs", lang),
                   "%s: %s" % (type(e).__name__, str(e).strip().splitlines()[0]))
    t.finish()


if __name__ == "__main__":
    main()
