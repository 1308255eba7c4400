"""tests/netns/phone.py - the parts of tests/netns/phone.sh that speak
HTTP to the building's machine, each run by phone.sh INSIDE a "phone"
namespace (ip netns exec), so every request comes from that phone's own
address on the building's LAN.  For /usr/bin/python3.

    phone.py browser KITH BASE MEMBER PIN TITLE
        headless Chromium, phone-sized (360x740, touch), JavaScript on,
        English (tests/browser/lib.py): open BASE/login, log in as MEMBER
        with PIN, post the wish TITLE through the form, see it in the
        list; screenshots lan-phone-js-en-*.png in $KITH_ARTIFACTS or
        BUILD/browser-artifacts
    phone.py lockout BASE MEMBER PIN
        wrong PINs from this address until ten were counted (403), each
        followed at once by a try that must be refused (429); then the
        address is locked (429, Retry-After about 15 minutes), the right
        PIN included
    phone.py login BASE MEMBER PIN
        one POST /login: prints "STATUS RETRY-AFTER SESSION" (SESSION 1
        when a kith_session cookie came back)
    phone.py flood BASE MEMBER PIN STOP SECS ADDR...
        one thread per source ADDR, each POSTing /login again and again
        until the file STOP exists (SECS seconds at most), the right PIN
        from every other address and a wrong one from the rest; prints
        "# flood started" as it starts

Output, read by phone.sh: "PASS what" / "FAIL what" lines (a failure's
details follow as "#   " lines), "# " notes, and last "DONE" when the
part ran to its end.  Every wait is bounded.
"""

import http.client
import os
import re
import shutil
import sys
import threading
import time
from urllib.parse import urlencode, urlsplit

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
HERE = os.path.dirname(os.path.abspath(__file__))
TIMEOUT = 30
out_lock = threading.Lock()


def say(ok, what, *detail):
    with out_lock:
        print(("PASS " if ok else "FAIL ") + what)
        if not ok:
            for d in detail:
                for line in str(d).splitlines() or [""]:
                    print("#   " + line[:300])
        sys.stdout.flush()
    return ok


def note(text):
    with out_lock:
        print("# " + text, flush=True)


# ---- plain HTTP --------------------------------------------------------

def post_login(base, member, pin, src=None):
    """POST /login as a script would (no Origin): status, headers, body."""
    u = urlsplit(base)
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=TIMEOUT,
                                   source_address=(src, 0) if src else None)
    try:
        c.request("POST", "/login", body=urlencode({"member": member, "pin": pin}),
                  headers={"Host": u.netloc,
                           "Content-Type": "application/x-www-form-urlencoded"})
        r = c.getresponse()
        body = r.read().decode("utf-8", "replace")
        return r.status, {k.lower(): v for k, v in r.getheaders()}, body
    finally:
        c.close()


def has_session(h):
    return re.search(r"kith_session=[0-9a-f]{64}", h.get("set-cookie", "")) is not None


def cmd_login(base, member, pin):
    st, h, b = post_login(base, member, pin)
    print("%d %s %d" % (st, h.get("retry-after", "-"), 1 if has_session(h) else 0))


def wrong_pin(pin):
    """A PIN of the same length that is not pin."""
    return "".join(str((int(c) + 1) % 10) for c in pin)


def cmd_lockout(base, member, pin):
    bad = wrong_pin(pin)
    t0 = time.monotonic()
    deadline = t0 + 90
    counted = 0
    refused_at_once = 0
    while counted < 10 and time.monotonic() < deadline:
        st, h, b = post_login(base, member, bad)
        if st == 429:  # still waiting (or the queue of checks is full)
            time.sleep(0.5)
            continue
        if st != 403:
            say(False, "lockout: wrong PIN %d is refused (403)" % (counted + 1),
                "status %d" % st, b[-300:])
            return
        counted += 1
        if counted == 10:
            break
        st, h, b = post_login(base, member, bad)
        if st == 429:
            refused_at_once += 1
        else:
            say(False, "lockout: a try at once after wrong PIN %d is refused (429)" % counted,
                "status %d" % st)
    secs = time.monotonic() - t0
    if not say(counted == 10, "lockout: ten wrong PINs counted (403 each) within 90 s",
               "%d counted" % counted):
        return
    say(refused_at_once == 9, "lockout: each try at once after a wrong PIN is 429",
        "%d of 9" % refused_at_once)
    # locked: Retry-After in minutes; "1" is the queue being full (a flood
    # from elsewhere): try again, bounded
    for _ in range(20):
        st, h, b = post_login(base, member, bad)
        ra = int(h.get("retry-after", "0") or "0")
        if not (st == 429 and ra == 1):
            break
        time.sleep(1.1)
    note("lockout: ten wrong PINs in %.0f s, then Retry-After %d s" % (secs, ra))
    say(st == 429 and 800 <= ra <= 900 and "minutes" in b,
        "lockout: the 10th wrong PIN locks this address for about 15 minutes (429)",
        "status %d Retry-After %d" % (st, ra), b[-300:])
    st, h, b = post_login(base, member, pin)
    say(st == 429 and not has_session(h),
        "lockout: the locked address is refused the right PIN too (429)", "status %d" % st)


def cmd_flood(base, member, pin, stop, secs, addrs):
    bad = wrong_pin(pin)
    t0 = time.monotonic()
    deadline = t0 + secs
    results = []
    res_lock = threading.Lock()

    def one(i, src):
        p = pin if i % 2 == 0 else bad
        while time.monotonic() < deadline and not os.path.exists(stop):
            try:
                st, h, b = post_login(base, member, p, src=src)
            except (OSError, http.client.HTTPException) as e:
                st = "%s: %s" % (type(e).__name__, e)
            with res_lock:
                results.append(st)
            if st != 303:
                time.sleep(0.1)

    threads = [threading.Thread(target=one, args=(i, a)) for i, a in enumerate(addrs)]
    for t in threads:
        t.start()
    note("flood started: %d addresses" % len(addrs))
    for t in threads:
        t.join(max(0.1, deadline + 2 * TIMEOUT - time.monotonic()))
    alive = sum(t.is_alive() for t in threads)
    n = {s: results.count(s) for s in (303, 403, 429)}
    other = [s for s in results if s not in n]
    note("flood: %d logins from %d addresses in %.1f s: %d x 303, %d x 403, %d x 429, %d other"
         % (len(results), len(addrs), time.monotonic() - t0, n[303], n[403], n[429],
            len(other)))
    say(alive == 0, "flood: every thread ended in time", "%d still running" % alive)
    say(not other, "flood: every login is answered 303, 403 or 429", *other[:5])
    say(n[303] >= 1 and n[403] >= 1,
        "flood: right PINs log in and wrong ones are refused throughout", n)
    say(n[429] >= 1, "flood: a full queue or a waiting address is told 429", n)


# ---- the browser -------------------------------------------------------

def cmd_browser(kith, base, member, pin, title):
    sys.path.insert(0, os.path.join(os.path.dirname(HERE), "browser"))
    import lib

    class Suite(lib.Suite):
        """tests/browser/lib.py's suite, reporting to phone.sh."""

        def ok(self, what):
            say(True, what)

        def fail(self, what, *detail):
            say(False, what, *detail)

        def note(self, text):
            note(text)

    t = Suite("lan", kith)
    try:
        browse(t, base, member, pin, title)
    finally:
        shutil.rmtree(t.tmp, ignore_errors=True)


def typed(b, css, text):
    el = b.find(css)[0]
    el.clear()
    el.send_keys(text)


def fits(t, b, what):
    c = b.case
    t.check(b.overflow() == 0, "%s: %s fits the phone's width" % (c, what),
            "%d px too wide" % b.overflow())
    b.console_ok(t, "%s: no console errors" % what)


def browse(t, base, member, pin, title):
    with t.browser("phone", js=True, lang="en") as b:
        c = b.case
        b.get(base + "/login")
        w = b.driver.execute_script("return [window.innerWidth, navigator.userAgent]")
        t.note("%s: the page is %s px wide; JavaScript on" % (c, w[0]))
        t.check(w[0] == 360, "%s: the phone's screen is 360 px wide" % c, w)
        t.check(b.status == 200 and b.find("form[method=post][action='/login']")
                and b.find("input[name=member]") and b.find("input[name=pin]"),
                "%s: %s/login shows the PIN form" % (c, base), "status %r" % b.status,
                b.text()[:400])
        t.check("This connection is not encrypted" in b.text(),
                "%s: it says the connection is not encrypted" % c, b.text()[:400])
        fits(t, b, "the login form")
        typed(b, "input[name=member]", member)
        typed(b, "input[name=pin]", pin)
        b.shot("login")

        b.submit("form[action='/login']")
        ck = b.cookies().get("kith_session")
        h1 = b.find("h1")[0].text if b.find("h1") else ""
        t.check(b.url == base + "/" and ck is not None,
                "%s: the PIN logs %s in: home, with a session" % (c, member),
                "url %s cookie %r status %r" % (b.url, ck, b.status))
        t.check(("Hello, " + member) in h1, "%s: home greets %s" % (c, member), h1)
        fits(t, b, "home")
        b.shot("home")

        b.get(base + "/wishes/new")
        t.check(b.status == 200 and b.find("form[action='/wishes'] #title"),
                "%s: the wish form opens" % c, "status %r" % b.status)
        typed(b, "#title", title)
        b.shot("wish-form")
        b.submit("form[action='/wishes']")
        t.check(b.status == 200 and "/wishes/" in b.url and title in b.text(),
                "%s: the wish is posted: its own page" % c,
                "url %s status %r" % (b.url, b.status), b.text()[:400])
        fits(t, b, "the wish's page")
        b.shot("wish")
        t.note("%s: the wish is %s" % (c, urlsplit(b.url).path))

        b.get(base + "/wishes")
        links = [e.text for e in b.find("a[href^='/wishes/']")]
        t.check(b.status == 200 and title in links,
                "%s: the wish list shows it" % c, links)
        fits(t, b, "the wish list")
        b.shot("wishes")


def main():
    a = sys.argv[1:]
    what = a[0] if a else ""
    if what == "browser" and len(a) == 6:
        cmd_browser(*a[1:])
    elif what == "lockout" and len(a) == 4:
        cmd_lockout(*a[1:])
    elif what == "login" and len(a) == 4:
        cmd_login(*a[1:])
        return
    elif what == "flood" and len(a) >= 7:
        cmd_flood(a[1], a[2], a[3], a[4], int(a[5]), a[6:])
    else:
        print("usage: phone.py browser|lockout|login|flood ... (see its top)",
              file=sys.stderr)
        sys.exit(2)
    print("DONE", flush=True)


if __name__ == "__main__":
    main()
