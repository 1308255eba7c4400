"""tests/browser/test_pin.py - logging in with a name and PIN in a real
browser (web/login_pin.c), in every size, with JavaScript on and off, in
English and Chinese:
  - GET /login shows the form (name, PIN, a button), the notice that the
    connection is not encrypted, fits the screen, 44 px targets, passes
    the accessibility check;
  - a wrong PIN re-shows the form (403) saying name and PIN do not match
    and how long to wait; the name stays typed;
  - the right PIN, typed after the wait, lands on / logged in (the
    browser sends Origin, so this is the form's own token at work);
  - a screenshot of every state.

    /usr/bin/python3 tests/browser/test_pin.py BUILD/kith
"""

import os
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lib  # noqa: E402

PIN = "246810"
NOT_ENCRYPTED = {"en": "This connection is not encrypted",
                 "zh-CN": "这个连接没有加密"}
NO_MATCH = {"en": "do not match", "zh-CN": "对不上"}


def set_pin(m):
    p = subprocess.run([m.suite.kith, "--home", m.home, "member", "pin", m.name],
                       input=PIN + "\n", capture_output=True, text=True, timeout=30)
    return p.returncode == 0


def type_in(b, name, pin):
    f = b.find("input[name=member]")[0]
    f.clear()
    f.send_keys(name)
    p = b.find("input[name=pin]")[0]
    p.clear()
    p.send_keys(pin)


def one_case(t, m, size, js, lang):
    with t.browser(size, js=js, lang=lang) as b:
        c = b.case
        b.get(m, "/login")
        t.check(b.status == 200 and b.find("form[method=post][action='/login']"),
                "%s: /login shows the PIN form" % c, repr(b.status))
        t.check(NOT_ENCRYPTED[lang] in b.text(),
                "%s: it says the connection is not encrypted" % c, b.text())
        t.check(b.overflow() == 0, "%s: the form fits the screen's width" % c,
                "%d px too wide" % b.overflow())
        small = b.small_targets(44)
        t.check(not small, "%s: its targets are 44 px at least" % c, ", ".join(small))
        b.shot("pin-form")
        b.console_ok(t, "the PIN form: no console errors")
        b.a11y(t, "the PIN form")

        type_in(b, m.name, "000000")
        b.submit(expect=403)
        t.check(b.status == 403 and NO_MATCH[lang] in b.text(),
                "%s: a wrong PIN: 403, the form says so" % c,
                "status %r: %s" % (b.status, b.text()))
        t.check((b.find("input[name=member]")[0].get_attribute("value") or "") == m.name,
                "%s: the name stays typed" % c)
        b.shot("pin-wrong")
        b.console_ok(t, "a wrong PIN: no console errors but the 403")

        time.sleep(1.2)  # the address waits a second after a wrong PIN
        type_in(b, m.name, PIN)
        b.submit(expect=404)
        ck = b.cookies().get("kith_session")
        t.check(b.url == m.base + "/" and ck is not None,
                "%s: the right PIN lands on / logged in" % c,
                "url %s cookie %r status %r" % (b.url, ck, b.status))
        b.shot("pin-logged-in")


def main():
    t = lib.Suite("pin")
    t.note("accessibility: " + ("axe-core " + t.axe if t.axe else
                                "the built-in check (axe-core not installed)"))
    try:
        a = t.member("a")
        if not set_pin(a):
            t.abort("kith member pin a")
        a.start()
    except (RuntimeError, OSError) as e:
        t.abort("member a's daemon starts", str(e))
    for size, js, lang in t.matrix():
        try:
            one_case(t, a, size, js, lang)
        except Exception as e:  # a driver failure ends this case only
            t.fail("%s-%s-%s: the case ran to its end" % (size, "js" if js else "nojs", lang),
                   "%s: %s" % (type(e).__name__, str(e).strip().splitlines()[0]))
    t.finish()


if __name__ == "__main__":
    main()
