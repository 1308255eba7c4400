"""tests/browser/test_devices.py - one person on several devices
(web/page_device.c) and the handover of a neighbour (web/page_for.c) in a
real browser (tests/browser/lib.py), in every case of the matrix (phone
and desktop, JavaScript on and off, en and zh-CN):
  - Settings links to "Your devices", which names this computer as the
    first device, with an 8-character key tag;
  - "Link a new device" leads to /devices/new: the code grouped, a QR
    code, the steps and the warning; `kith init --link` of the code
    prints a key that `kith --json device list` holds; a reload shows no
    code;
  - the device's "Remove" asks first, then /devices says it is removed
    and `kith --json device list` no longer has it;
  - "Neighbours I help": the handover button of the case's neighbour asks
    first, then shows her code once; `kith member hosted` no longer has
    her;
  - a coordinator replaces the key of a member who lost her only phone
    (web/page_replace.c): her page's section "Lost their phone or
    computer?" takes the new phone's id; a malformed id is refused on the
    form again (422) after the question; a good one asks first (nothing
    written), then her page says it is done, with "Key replaced by a on
    DATE", and `kith members` has her once;
  - every page: no console errors, fits the screen's width, no target
    under 44 px, no text under 16 px, the accessibility check, a
    screenshot.

    /usr/bin/python3 tests/browser/test_devices.py BUILD/kith
"""

import json
import os
import re
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lib  # noqa: E402

WORDS = {
    "en": {"devices": "Your devices", "first": "This computer (your first device",
           "linked": "A phone or computer linked to you", "warn": "house key",
           "removed": "The device is removed.", "ask": "Remove this device?",
           "hand": "over to their own phone?", "kept": "no longer keeps the key",
           "shown": "shown only once, and it has been shown", "tag": "Key tag: ",
           "lost": "Lost their phone or computer?", "replace_ask": "Replace the key of %s?",
           "replaced": "Their key is replaced.", "by": "Key replaced by a on %s"},
    "zh-CN": {"devices": "你的设备", "first": "这台电脑（你的第一台设备",
              "linked": "关联到你的一部手机或电脑", "warn": "家门钥匙",
              "removed": "这台设备已移除。", "ask": "移除这台设备吗？",
              "hand": "移交到自己的手机上吗？", "kept": "已经不再保存",
              "shown": "只显示一次，而且已经显示过了", "tag": "密钥标记：",
              "lost": "丢了手机或电脑？", "replace_ask": "更换 %s 的密钥？",
              "replaced": "对方的密钥已经换好。", "by": "由 a 于 %s 更换了密钥"},
}


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


def shot_at(b, css, what):
    """A screenshot with the element css scrolled to the top (the
    screenshots hold the window only)."""
    el = b.find(css)
    if el:
        b.driver.execute_script("arguments[0].scrollIntoView(true);", el[-1])
    b.shot(what)


def click(b, form):
    """Press the button of form (an element) and wait for the next page."""
    from selenium.webdriver.support.ui import WebDriverWait
    old = b.driver.find_element("css selector", "html")
    b.driver.get_log("performance")
    form.find_element("css selector", "button").click()
    WebDriverWait(b.driver, 20).until(lambda d: lib._stale(old) and lib._loaded(d))
    b.after()


def devices(a):
    rc, out, err = a.kith("--json", "device", "list")
    return [d["key"] for d in json.loads(out)] if rc == 0 else None


def story(t, a, me, size, js, lang, who, whopk):
    w = WORDS[lang]
    with t.browser(size, js=js, lang=lang) as b:
        c = b.case
        b.login(a)
        b.get(a, "/settings")
        t.check(b.find("a[href='/devices']"), "%s: Settings links to /devices" % c)
        b.shot("settings")
        b.get(a, "/devices")
        txt = b.text()
        t.check(b.status == 200 and w["devices"] in b.find("h1")[0].text,
                "%s: /devices" % c, b.status)
        t.check(w["first"] in txt and w["tag"] + me[:8] in txt and me not in b.driver.page_source.replace(
            'value="%s"' % me, ""), "%s: this computer, the first device, by its tag" % c, txt[:800])
        b.shot("devices")
        shot_at(b, "h2", "devices-link")
        page_ok(t, b, "/devices")

        b.submit("form[action='/devices/add']")
        t.check(b.url == a.base + "/devices/new" and b.status == 200, "%s: /devices/new" % c, b.url)
        code = b.find("p.invite-code")[0].text.replace(" ", "") if b.find("p.invite-code") else ""
        t.check(code.startswith("kithlink1"), "%s: the code is shown" % c, code[:40])
        t.check(b.find("svg.qr") and w["warn"] in b.text() and "kith init --link CODE" in b.text(),
                "%s: a QR code, the steps and the warning" % c, b.text()[:800])
        b.shot("new")
        shot_at(b, "ol.steps", "new-steps")
        shot_at(b, "p.invite-code", "new-code")
        page_ok(t, b, "/devices/new")
        home = os.path.join(t.tmp, "dev-" + c)
        rc, out, err = lib.run([t.kith, "--home", home, "init", "--link", code])
        key = out.strip()
        t.check(rc == 0 and key in (devices(a) or []), "%s: kith init --link takes the code" % c, err)
        b.get(a, "/devices/new")
        t.check("kithlink1" not in b.driver.page_source and w["shown"] in b.text(),
                "%s: a reload shows no code" % c, b.text()[:600])
        b.shot("new-again")

        b.get(a, "/devices")
        t.check(w["linked"] in b.text() and w["tag"] + key[:8] in b.text(),
                "%s: the new device is listed" % c, b.text()[:1200])
        forms = [f for f in b.find("form[action='/devices/remove']")
                 if f.find_element("css selector", "input[name=key]").get_attribute("value") == key]
        t.check(forms, "%s: it has a Remove button" % c)
        if forms:
            click(b, forms[0])
            t.check(b.status == 200 and w["ask"] in b.find("h1")[0].text,
                    "%s: Remove asks first" % c, b.text()[:600])
            t.check(key in devices(a), "%s: the question removes nothing" % c)
            b.shot("remove-ask")
            page_ok(t, b, "Remove this device?")
            b.submit("form[action='/devices/remove']")
            t.check(b.url == a.base + "/devices?done=removed" and w["removed"] in b.text(),
                    "%s: removed, and the page says so" % c, b.url)
            t.check(key not in devices(a), "%s: kith device list no longer has it" % c)
            b.shot("removed")
            shot_at(b, "h2", "removed-end")
            page_ok(t, b, "/devices?done=removed")

        b.get(a, "/for")
        forms = [f for f in b.find("li form[action='/for/handover']")
                 if f.find_element("css selector", "input[name=member]").get_attribute("value") == whopk]
        t.check(forms, "%s: %s has a handover button" % (c, who))
        b.shot("for")
        page_ok(t, b, "/for")
        if forms:
            click(b, forms[0])
            t.check(b.status == 200 and w["hand"] in b.find("h1")[0].text and who in b.find("h1")[0].text,
                    "%s: the handover asks first" % c, b.text()[:600])
            b.shot("handover-ask")
            page_ok(t, b, "hand over?")
            b.submit("form[action='/for/handover']")
            txt = b.text()
            t.check(b.url == a.base + "/for/handover" and w["kept"] in txt and who in txt
                    and b.find("svg.qr") and b.find("p.invite-code"),
                    "%s: her code, once, and this computer keeps her key no more" % c, txt[:800])
            b.shot("handover")
            shot_at(b, "ol.steps", "handover-steps")
            shot_at(b, "p.invite-code", "handover-code")
            page_ok(t, b, "/for/handover")
            rc, out, err = a.kith("--json", "member", "hosted")
            t.check(rc == 0 and whopk not in out, "%s: kith member hosted no longer has %s" % (c, who), out)


def lost_phone(t, a, i):
    """A member whose only phone is lost (her profile reached a), and her
    new phone's identity in the community (it has posted nowhere yet):
    her name, her key and the new phone's id."""
    name = "mei%d" % i
    m = t.member(name)
    bundle = os.path.join(t.tmp, name + ".kb")
    new = os.path.join(t.tmp, name + "-new")
    rcs = [m.kith("export", bundle)[0], a.kith("import", bundle)[0],
           lib.run([t.kith, "--home", new, "init", "--name", name])[0],
           lib.run([t.kith, "--home", new, "community", "join", t.invite])[0]]
    rc1, out1, err1 = m.kith("--json", "whoami")
    rc2, out2, err2 = lib.run([t.kith, "--home", new, "--json", "whoami"])
    t.check(rcs == [0, 0, 0, 0] and rc1 == 0 and rc2 == 0,
            "%s and her new phone are set up" % name, rcs, err1, err2)
    return name, json.loads(out1)["id"], json.loads(out2)["id"]


def type_id(b, key):
    el = b.find("#replace-key")
    if el:
        el[0].clear()
        el[0].send_keys(key)


def replace_story(t, a, size, js, lang, name, mei, new):
    w = WORDS[lang]
    today = time.strftime("%Y-%m-%d", time.gmtime())
    with t.browser(size, js=js, lang=lang) as b:
        c = b.case
        b.login(a)
        b.get(a, "/members/" + mei)
        sec = b.find("section.replace")
        t.check(b.status == 200 and sec and w["lost"] in sec[0].text and b.find("#replace-key"),
                "%s: %s's page has the replace section" % (c, name), b.text()[-800:])
        shot_at(b, "section.replace", "member-replace")
        page_ok(t, b, "the member page with the replace section")

        type_id(b, "12ab not an id")
        b.submit("form[action='/members/replace']")
        t.check(b.url.startswith(a.base + "/members/replace?") and b.status == 200,
                "%s: the form leads to the question" % c, b.url)
        b.submit("form[action='/members/replace']", expect=422)
        t.check(b.status == 422 and b.find("p.banner") and b.find("#replace-key"),
                "%s: a malformed id: the form again with the action's sentence (422)" % c,
                b.status, b.text()[:800])
        b.shot("replace-refused")
        page_ok(t, b, "the refused replacement")

        before = a.kith("digest")[1]
        type_id(b, " ".join(new[k:k + 8] for k in range(0, 64, 8)))
        b.submit("form[action='/members/replace']")
        h1 = b.find("h1")[0].text if b.find("h1") else ""
        t.check(b.status == 200 and h1 == w["replace_ask"] % name,
                "%s: the question names %s" % (c, name), h1)
        t.check(a.kith("digest")[1] == before, "%s: the question writes nothing" % c)
        b.shot("replace-ask")
        shot_at(b, "form[action='/members/replace']", "replace-ask-button")
        page_ok(t, b, "Replace the key?")

        b.submit("form[action='/members/replace']")
        txt = b.text()
        t.check(re.match(re.escape(a.base) + r"/members/[0-9a-f]+\?done=replaced$", b.url)
                and w["replaced"] in txt and (w["by"] % today) in txt,
                "%s: done, and her page says who replaced the key and when" % c, b.url, txt[:1000])
        b.shot("replaced")
        page_ok(t, b, "the member page after the replacement")
        rc, out, err = a.kith("--json", "members")
        ms = [(x["id"], x["name"]) for x in json.loads(out) if x["name"] == name]
        t.check(ms == [(mei, name)], "%s: kith members has %s once" % (c, name), ms)


def main():
    t = lib.Suite("devices")
    t.note("accessibility: " + ("axe-core " + t.axe if t.axe else
                                "the built-in check (axe-core not installed)"))
    try:
        a = t.member("a")
        a.start()
    except (RuntimeError, OSError) as e:
        t.abort("the daemon of a starts", str(e))
    rc, out, err = a.kith("--json", "whoami")
    me = json.loads(out)["id"] if rc == 0 else ""
    for i, (size, js, lang) in enumerate(t.matrix()):
        who = "Mrs Okafor %d" % (i + 1)
        rc, out, err = a.kith("member", "host", "--name", who, "--building", "Elm")
        t.check(rc == 0, "a hosts %s (CLI)" % who, err)
        try:
            story(t, a, me, size, js, lang, who, out.strip())
        except Exception as e:  # a driver failure ends this case only
            t.fail("%s %s %s ran to its end" % (size, js, lang),
                   "%s: %s" % (type(e).__name__, str(e).strip().splitlines()[0]))
        try:
            name, mei, new = lost_phone(t, a, i + 1)
            replace_story(t, a, size, js, lang, name, mei, new)
        except Exception as e:  # a driver failure ends this case only
            t.fail("%s %s %s: the replacement ran to its end" % (size, js, lang),
                   "%s: %s" % (type(e).__name__, str(e).strip().splitlines()[0]))
    t.finish()


if __name__ == "__main__":
    main()
