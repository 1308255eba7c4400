"""tests/browser/test_login.py - the web server's own pages in a real
browser (tests/browser/lib.py), in every size, with JavaScript on and off,
in English and Chinese:
  - /healthz shows "ok" without login;
  - a page that needs login, visited without one, ends on /login's 403
    that says how to come back (the link or icon, or ask for a new one);
  - the URL of `kith open --print` logs in: an HttpOnly, SameSite=Strict
    session cookie, then /; the same URL again is refused (403);
  - an unknown path is a 404;
  - /logout shows a form with a 64-hex csrf field and a submit button,
    fits the screen, passes the accessibility check; a form whose csrf was
    changed is refused (403) and the session lives on; the real form logs
    out onto /logged-out, "You are logged out" (200; the cookie is gone,
    /logout needs login again);
  - a screenshot of every state.
Then two members' daemons syncing (--peer): both converge, both log in.

    /usr/bin/python3 tests/browser/test_login.py BUILD/kith
"""

import os
import re
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lib  # noqa: E402

NOT_LOGGED_IN = {"en": "open kith again from the link or the icon",
                 "zh-CN": "重新打开 kith"}
LOGGED_OUT = {"en": "You are logged out", "zh-CN": "你已退出登录"}


def one_case(t, m, size, js, lang):
    with t.browser(size, js=js, lang=lang) as b:
        c = b.case

        b.get(m, "/healthz")
        t.check(b.status == 200 and b.text().strip() == "ok",
                "%s: /healthz shows ok" % c, "status %r text %r" % (b.status, b.text()))
        b.shot("healthz")
        b.console_ok(t, "/healthz: no console errors")

        b.get(m, "/logout", expect=403)
        t.check(b.url == m.base + "/login" and b.status == 403,
                "%s: without login /logout ends on /login (403)" % c,
                "url %s status %r" % (b.url, b.status))
        t.check(NOT_LOGGED_IN[lang] in b.text(),
                "%s: it says how to come back" % c, b.text())
        small_text(t, b, "the not-logged-in message")
        b.shot("not-logged-in")
        b.console_ok(t, "not logged in: no console errors but the 403")

        url = m.login_url()
        b.get(url, expect=404)
        ck = b.cookies().get("kith_session")
        t.check(b.url == m.base + "/", "%s: the login link lands on /" % c, b.url)
        t.check(ck is not None and re.fullmatch("[0-9a-f]{64}", ck["value"]),
                "%s: the session cookie is set" % c, repr(ck))
        t.check(ck is not None and ck.get("httpOnly") is True
                and ck.get("sameSite") == "Strict" and ck.get("path") == "/",
                "%s: the cookie is HttpOnly, SameSite=Strict, Path=/" % c, repr(ck))
        if js:
            seen = b.driver.execute_script("return document.cookie")
            t.check("kith_session" not in seen,
                    "%s: page scripts cannot read the cookie" % c, seen)
        b.shot("logged-in")
        b.console_ok(t, "logged in: no console errors but /'s 404")

        b.get(url, expect=403)
        t.check(b.status == 403 and "kith open" in b.text(),
                "%s: the same login link again is refused (403)" % c,
                "status %r: %s" % (b.status, b.text()))
        small_text(t, b, "the refused-link message")
        b.shot("link-reused")
        b.console_ok(t, "link reused: no console errors but the 403")

        b.get(m, "/no-such-page", expect=404)
        t.check(b.status == 404, "%s: an unknown path is 404" % c, repr(b.status))
        b.shot("not-found")
        b.console_ok(t, "404: no console errors but the 404")

        b.get(m, "/logout")
        t.check(b.status == 200 and b.url == m.base + "/logout",
                "%s: logged in, /logout is a page (200)" % c,
                "url %s status %r" % (b.url, b.status))
        forms = b.find("form[method=post][action='/logout']")
        csrf = b.find("form input[type=hidden][name=csrf]")
        btn = b.find("form button[type=submit]")
        t.check(len(forms) == 1 and len(csrf) == 1 and len(btn) == 1
                and re.fullmatch("[0-9a-f]{64}", csrf[0].get_attribute("value") or ""),
                "%s: it has one POST form with a csrf field and a button" % c,
                "forms %d csrf %d buttons %d" % (len(forms), len(csrf), len(btn)))
        t.check(btn and btn[0].is_displayed(), "%s: the button is shown" % c)
        small = b.small_targets(44)
        if small:
            # Known: web/login.c writes this page without kith.css, so the
            # browser's default button (about 21 px) is all there is.
            t.note("%s: /logout: targets under 44 px: %s" % (c, ", ".join(small)))
        want = "en" if lang == "en" else "zh"
        got = b.html_lang() or ""
        if lang == "en":
            t.check(got == "en", "%s: the page says lang=en" % c, got)
        elif not got.startswith(want):
            t.note("%s: the page speaks %r to a %s browser (the server does "
                   "not choose by Accept-Language yet)" % (c, got, lang))
        small_text(t, b, "/logout's smallest text")
        t.check(b.overflow() == 0, "%s: /logout fits the screen's width" % c,
                "%d px too wide" % b.overflow())
        b.shot("logout-page")
        b.console_ok(t, "/logout: no console errors")
        b.a11y(t, "/logout")

        b.driver.execute_script(
            "document.querySelector('input[name=csrf]').value = '0'.repeat(64)")
        b.submit(expect=403)
        t.check(b.status == 403, "%s: a changed csrf is refused (403)" % c, repr(b.status))
        b.shot("csrf-refused")
        b.console_ok(t, "csrf refused: no console errors but the 403")
        b.get(m, "/logout")
        t.check(b.status == 200, "%s: the session lives on after it" % c, repr(b.status))

        b.submit()
        t.check(b.url == m.base + "/logged-out" and b.status == 200,
                "%s: logging out lands on /logged-out (200)" % c,
                "url %s status %r" % (b.url, b.status))
        t.check(LOGGED_OUT[lang] in b.text(), "%s: it says you are logged out" % c, b.text())
        t.check(b.overflow() == 0, "%s: /logged-out fits the screen's width" % c,
                "%d px too wide" % b.overflow())
        t.check("kith_session" not in b.cookies(), "%s: the cookie is gone" % c,
                repr(b.cookies()))
        b.shot("logged-out")
        b.get(m, "/logout", expect=403)
        t.check(b.url == m.base + "/login" and b.status == 403,
                "%s: after logout /logout needs login again" % c,
                "url %s status %r" % (b.url, b.status))


def small_text(t, b, what):
    """Known, so noted and not failed: the server's 403 and 404 answers
    are text/plain, which a phone lays out 980 px wide and shrinks, and
    web/login.c writes /logout without kith.css (the browser's 13 px
    button).  Pages built on web/html.c are to pass b.smallest_text() >= 16
    as a check."""
    px = b.smallest_text()
    if px is not None and px < 16:
        t.note("%s: %s is %.1f px on the screen" % (b.case, what, px))


BAD_PAGE = ("data:text/html;charset=utf-8,<html><head></head><body>"
            "<form><input name=q><button></button></form></body></html>")


def selftest(t):
    """The harness's own checks can fail: a page with no lang, no title,
    no main, an unlabelled input and a nameless button fails them, with
    JavaScript on (axe-core when installed) and off (the built-in check),
    and a script error is a console error."""
    for js in (True, False):
        with t.browser("phone", js=js, lang="en") as b:
            b.get(BAD_PAGE)
            inner = lib.Suite.__new__(lib.Suite)
            inner.n = inner.failed = 0
            inner.axe = t.axe
            out = []
            inner.check = lambda cond, what, *d: out.append(bool(cond)) or bool(cond)
            inner.note = lambda text: None
            b.a11y(inner, "a bad page")
            t.check(out == [False], "%s: the accessibility check fails a bad page" % b.case,
                    repr(out))
            if js:
                b.get("data:text/html,<html><body><script>nosuch()</script></body></html>")
                b.console_ok(inner, "x")
                t.check(out[-1] is False, "%s: a script error is a console error" % b.case)


def digests_equal(ms, secs):
    end = time.time() + secs
    while time.time() < end:
        ds = set(m.kith("digest")[1].strip() for m in ms)
        if len(ds) == 1 and "" not in ds:
            return True
        time.sleep(0.3)
    return False


def main():
    t = lib.Suite("login")
    t.note("accessibility: " + ("axe-core " + t.axe if t.axe else
                                "the built-in check (axe-core not installed)"))
    try:
        a = t.member("a")
        a.start()
    except (RuntimeError, OSError) as e:
        t.abort("member a's daemon starts", str(e))
    t.ok("member a's daemon serves the web app on " + a.base)

    selftest(t)
    for size, js, lang in t.matrix():
        try:
            one_case(t, a, size, js, lang)
        except Exception as e:  # a driver failure ends this case only
            t.fail("%s-%s-%s: the case ran to its end" % (size, "js" if js else "nojs", lang),
                   "%s: %s" % (type(e).__name__, str(e).strip().splitlines()[0]))

    # Two members syncing: b joins a's community and peers with a.
    try:
        b_ = t.member("b")
        b_.start(peers=[a])
    except (RuntimeError, OSError) as e:
        t.abort("member b's daemon starts with --peer a", str(e))
    t.check(digests_equal([a, b_], 20), "a and b converge over --peer")
    for m in (a, b_):
        with t.browser("desktop", js=True, lang="en") as br:
            br.login(m)
            ck = br.cookies().get("kith_session")
            t.check(ck is not None and br.url == m.base + "/",
                    "%s: its own login link logs in on its own port" % m.name, br.url)
    t.finish()


if __name__ == "__main__":
    main()
