"""tests/browser/test_members.py - the people pages (web/page_member.c,
web/page_join.c) in a real browser (tests/browser/lib.py):
  - phone, JavaScript off, zh-CN: member f, whose community file was taken
    away while its daemon runs (the daemon itself needs a community to
    start, so this is how a member who has not joined is made here),
    opens /join, pastes a wrong code (refused in Chinese, still not
    joined), then the real one (joined; the page says neighbours come
    after the next sync); edits the profile on /me; finds themselves in
    /members with the Chinese marks;
  - desktop, JavaScript on, en: after a wish of f's that a helped with is
    confirmed with 2 hours (the CLI in both data directories, synced by
    the daemons), /members shows both with their hours and marks, and
    a's page shows the hours of help in a sentence, with names only;
  - every page: no console errors, fits the screen's width, no target
    under 44 px, no text under 16 px, the accessibility check, a
    screenshot.  Under KITH_SAN=1 the phone story only.

    /usr/bin/python3 tests/browser/test_members.py BUILD/kith
"""

import os
import re
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lib  # noqa: E402

HEX = re.compile(r"\b[0-9a-f]{12,}\b")


def page_ok(t, b, what, expect=None):
    """The checks every page of this suite passes."""
    c = b.case
    b.console_ok(t, "%s: no console errors" % what)
    t.check(b.overflow() == 0, "%s: %s fits the screen's width" % (c, what),
            "%d px too wide" % b.overflow())
    small = b.small_targets(44)
    t.check(not small, "%s: %s has no target under 44 px" % (c, what), *small)
    px = b.smallest_text()
    t.check(px is None or px >= 16, "%s: %s has no text under 16 px" % (c, what), px)
    t.check(not HEX.search(b.text()), "%s: %s shows no hex id" % (c, what),
            (HEX.search(b.text()) or [""])[0])
    b.a11y(t, what)


def digests_equal(ms, secs):
    end = time.time() + secs
    while time.time() < end:
        ds = set(m.kith("digest")[1].strip() for m in ms)
        if len(ds) == 1 and "" not in ds:
            return True
        time.sleep(0.3)
    return False


def typed(b, css, text):
    el = b.find(css)[0]
    el.clear()
    el.send_keys(text)


def phone_story(t, a, f):
    with t.browser("phone", js=False, lang="zh-CN") as b:
        c = b.case
        b.login(f)
        b.get(f, "/join")
        t.check(b.status == 200 and b.find("textarea#code") and b.find("label[for=code]"),
                "%s: /join shows the invite-code form" % c, b.status)
        t.check(b.html_lang().startswith("zh") and "邀请码" in b.text(),
                "%s: /join in Chinese" % c, b.text()[:300])
        b.shot("join")
        page_ok(t, b, "/join")

        typed(b, "#code", "hello neighbour")
        b.submit("form[action='/join']", expect=422)
        t.check(b.status == 422 and b.find("[role=alert]"),
                "%s: a wrong code is refused (422)" % c, b.status)
        alert = b.find("[role=alert]")[0].text if b.find("[role=alert]") else ""
        t.check(re.search(r"[\u4e00-\u9fff]", alert) is not None,
                "%s: the refusal is a Chinese sentence" % c, alert)
        t.check(not os.path.exists(os.path.join(f.home, "community")),
                "%s: a wrong code joins nothing" % c)
        b.shot("join-refused")
        page_ok(t, b, "/join refused", expect=422)

        typed(b, "#code", t.invite)
        b.submit("form[action='/join']")
        t.check(b.url == f.base + "/join?done=joined" and b.status == 200,
                "%s: the real code joins" % c, b.url)
        t.check("欢迎" in b.text() and "Loopback" in b.text(),
                "%s: the page welcomes and names the community" % c, b.text()[:600])
        t.check(os.path.exists(os.path.join(f.home, "community")),
                "%s: the community file is there" % c)
        b.shot("joined")
        page_ok(t, b, "/join?done=joined")

        b.get(f, "/me")
        t.check(b.status == 200 and b.find("form[action='/me']"),
                "%s: /me holds the profile form" % c, b.status)
        typed(b, "#name", "Fang 芳")
        typed(b, "#building", "Ba")
        typed(b, "#unit", "5")
        typed(b, "#skills", "买菜 shopping")
        typed(b, "#available", "周末")
        b.shot("me")
        b.submit("form[action='/me']")
        t.check(b.url == f.base + "/me?done=saved" and "已保存" in b.text(),
                "%s: the profile is saved, in Chinese" % c, b.url + " " + b.text()[:400])
        b.shot("me-saved")
        page_ok(t, b, "/me?done=saved")

        t.check(digests_equal([a, f], 30), "%s: a and f converge" % c)
        b.get(f, "/members")
        txt = b.text()
        t.check(b.status == 200 and "Fang 芳" in txt and "（你）" in txt,
                "%s: f finds themselves in /members" % c, txt[:800])
        t.check("a" in [e.text for e in b.find("a.who")] and "志愿者" in txt,
                "%s: a neighbour, and the volunteer mark in Chinese" % c, txt[:800])
        b.shot("members")
        page_ok(t, b, "/members")
        me = [e for e in b.find("a.who") if "（你）" in e.text]
        if me:
            b.driver.execute_script("arguments[0].scrollIntoView()", me[0])
            b.shot("members-me")


def desktop_story(t, a, f):
    steps = [
        (a, ("member", "verify", "a", "--building", "Ba", "--unit", "1")),
        (a, ("member", "verify", "Fang 芳", "--building", "Ba", "--unit", "5")),
    ]
    for m, args in steps:
        rc, out, err = m.kith(*args)
        t.check(rc == 0, "a: kith %s" % " ".join(args[:2]), err)
    rc, out, err = f.kith("--json", "wish", "add", "--title", "Fix the tap", "--kind", "service")
    wid = re.search(r'"id":"([0-9a-f]+)"', out.replace(" ", ""))
    wid = wid.group(1) if wid else ""
    t.check(rc == 0 and wid, "f posts a wish (CLI)", err)
    t.check(digests_equal([a, f], 30), "the wish reaches a")
    rc, out, err = a.kith("--json", "wish", "claim", wid)
    offer = re.search(r'"id":"([0-9a-f]+)"', out.replace(" ", ""))
    offer = offer.group(1) if offer else ""
    t.check(rc == 0 and offer, "a offers help (CLI)", err)
    t.check(digests_equal([a, f], 30), "the offer reaches f")
    rc, out, err = f.kith("wish", "accept", offer)
    t.check(rc == 0, "f accepts (CLI)", err)
    t.check(digests_equal([a, f], 30), "the acceptance reaches a")
    rc, out, err = a.kith("wish", "deliver", offer)
    t.check(rc == 0, "a delivers (CLI)", err)
    t.check(digests_equal([a, f], 30), "the delivery reaches f")
    rc, out, err = f.kith("wish", "confirm", wid, "--hours", "2")
    t.check(rc == 0, "f confirms with 2 hours (CLI)", err)
    t.check(digests_equal([a, f], 30), "the confirmation reaches a")

    with t.browser("desktop", js=True, lang="en") as b:
        c = b.case
        b.login(a)
        b.get(a, "/members")
        txt = b.text()
        t.check(b.status == 200 and "Members" in txt, "%s: /members" % c, b.status)
        t.check("Verified in person" in txt and "Coordinator" in txt and "Volunteer" in txt,
                "%s: marks as words" % c, txt[:1000])
        t.check("Helped neighbours for 2 hours" in txt and "Was helped for 2 hours" in txt,
                "%s: hours given and received" % c, txt[:1000])
        b.shot("members")
        page_ok(t, b, "/members")

        b.find("a.who")[0].click()
        b.after()
        txt = b.text()
        t.check(b.url.startswith(a.base + "/members/") and "Hours of help" in txt,
                "%s: a member's page from the list" % c, b.url)
        t.check('a helped Fang 芳 with "Fix the tap" for 2 hours' in txt,
                "%s: the hours of help in a sentence, by name" % c, txt[:1200])
        b.shot("member")
        page_ok(t, b, "/members/ID")

        b.get(a, "/members?q=shopping")
        t.check("Fang 芳" in b.text() and "a (you)" not in b.text(),
                "%s: search by skill" % c, b.text()[:600])
        b.shot("members-search")


def main():
    t = lib.Suite("members")
    t.note("accessibility: " + ("axe-core " + t.axe if t.axe else
                                "the built-in check (axe-core not installed)"))
    try:
        a = t.member("a")
        a.start()
        f = t.member("f")
        f.start(peers=[a])
    except (RuntimeError, OSError) as e:
        t.abort("the daemons of a and f start", str(e))
    # f has not joined, as far as its pages can tell (see the docstring)
    os.remove(os.path.join(f.home, "community"))
    stories = [phone_story] if os.environ.get("KITH_SAN") == "1" else \
        [phone_story, desktop_story]
    for story in stories:
        try:
            story(t, a, f)
        except Exception as e:  # a driver failure ends this story only
            t.fail("%s ran to its end" % story.__name__,
                   "%s: %s" % (type(e).__name__, str(e).strip().splitlines()[0]))
    t.finish()


if __name__ == "__main__":
    main()
