"""tests/browser/lib.py - the web app in a real browser: headless Chromium
driven by Selenium (Debian's chromium, chromium-driver, python3-selenium),
against real kith daemons on loopback.  For /usr/bin/python3.

    import lib
    t = lib.Suite("login")              # counting, artifacts, skip rules
    m = t.member("a")                   # kith init + community create
    m.start()                           # its daemon, --web on loopback
    with t.browser("phone", js=True, lang="zh-CN") as b:
        b.login(m)                      # opens `kith open --print`'s URL
        b.get(m, "/logout")
        t.check(b.status == 200, "the logout page is 200")
        b.shot("logout-page")           # ARTIFACTS/<suite>-<case>-logout-page.png
        b.console_ok(t, "no console errors")
        b.a11y(t, "the logout page")    # axe-core, or the built-in check
    t.finish()                          # stops daemons (SIGTERM, exit 0)

Reporting is that of the shell suites (tests/lib.sh): one "ok N - what" or
"not ok N - what" line per check, "#   " detail lines, and last
"N passed, N failed"; the exit status is 1 when a check failed.  When
chromium, chromedriver or selenium is missing the suite prints why and
exits 77 (skipped), except with CI=true, where that is a failure.

Members (Member): each has a data directory under the suite's temporary
directory; the first made with t.member() creates the community, later
ones join it with its invite code (as tests/integration/lib.sh does).
start(peers=[other]) runs `kith daemon --no-mdns --listen 127.0.0.1:0
--web 127.0.0.1:0 [--peer 127.0.0.1:P]...`, waits for both "listening on"
and "web app on" in its log and knows both ports (p2p_port, web_port,
base = "http://127.0.0.1:WPORT").  stop() sends SIGTERM and returns the
exit status (t.finish() checks 0 for every daemon still running).
login_url() runs `kith open --print`.  m.kith(args) runs any other
command on its data directory.

Browsers (Browser): a fresh --user-data-dir each, the flags a machine
without internet needs (no background networking, no component updates,
no QUIC), size "phone" (360x740, mobile, touch) or "desktop" (1280x900)
set by device-metrics emulation (headless windows cannot be narrower
than 500 pixels), JavaScript on or off (the content-settings policy),
language "en" or "zh-CN" (--lang and intl.accept_languages, so both
navigator.language and Accept-Language).  Every wait is bounded
(PAGE_TIMEOUT seconds a page load, SCRIPT_TIMEOUT a script); the driver
always quits, failures included.

After each get(): b.status is the HTTP status of the page itself (from
the performance log: Network.responseReceived of the Document), b.url
the final URL, and the browser's console is read.  console_ok() fails on
SEVERE entries, except a "Failed to load resource" for the page itself
when get() was told its status (expect=403: a refused login link is
meant to be a 403, and the browser logs every error status).

Accessibility (a11y): axe-core, when BUILD/browser-cache/node_modules/
axe-core/axe.min.js exists (the .sh wrappers install it there with npm,
pinned to AXE_VERSION, once; the build directory is never committed),
run on the page through the driver (not subject to the page's CSP), with
serious and critical violations failing; without it a built-in check of
the basics: <html lang>, a non-empty <title>, one <main>, a label for
every visible input, select and textarea, and an accessible name for
every button and link.  a11y() says which one ran.

Artifacts: screenshots go to $KITH_ARTIFACTS, else BUILD/browser-
artifacts (BUILD: the kith binary's directory), named
<suite>-<size>-<js|nojs>-<lang>-<what>.png; old ones of the same suite
are removed first.

Design: docs/DESIGN.md s6.
"""

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

PAGE_TIMEOUT = 15
SCRIPT_TIMEOUT = 20
DAEMON_START = 15
DAEMON_STOP = 15
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
SIZES = {
    "phone": (360, 740, True),
    "desktop": (1280, 900, False),
}
LANGS = ("en", "zh-CN")
CHROME_FLAGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
    "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
    "--disable-default-apps", "--disable-extensions",
    "--no-default-browser-check", "--disable-dev-shm-usage",
    "--hide-scrollbars", "--force-color-profile=srgb",
]


class Suite:
    """Counting checks, the temporary directory, members and browsers."""

    def __init__(self, name, kith=None):
        self.name = name
        self.n = 0
        self.failed = 0
        self.members = []
        self.kith = os.path.abspath(kith or (sys.argv[1] if len(sys.argv) > 1 else ""))
        if not self.kith or not os.access(self.kith, os.X_OK):
            print("not ok 1 - kith binary '%s' exists and is executable" % self.kith)
            print("0 passed, 1 failed")
            sys.exit(1)
        self.build = os.path.dirname(self.kith)
        self.need_tools()
        self.tmp = tempfile.mkdtemp(prefix="kith-browser-%s." % name)
        self.artifacts = os.environ.get("KITH_ARTIFACTS") or \
            os.path.join(self.build, "browser-artifacts")
        os.makedirs(self.artifacts, exist_ok=True)
        for f in os.listdir(self.artifacts):
            if f.startswith(name + "-") and f.endswith(".png"):
                os.unlink(os.path.join(self.artifacts, f))
        self.axe = os.path.join(self.build, "browser-cache", "node_modules",
                                "axe-core", "axe.min.js")
        if not os.path.isfile(self.axe):
            self.axe = None

    # ---- tools -------------------------------------------------------

    def need_tools(self):
        missing = []
        for p in (CHROMIUM, CHROMEDRIVER):
            if not os.access(p, os.X_OK):
                missing.append(p)
        try:
            import selenium  # noqa: F401
        except ImportError:
            missing.append("python3-selenium")
        if not missing:
            return
        why = "needs %s (apt-get install chromium chromium-driver " \
            "python3-selenium)" % ", ".join(missing)
        if os.environ.get("CI") == "true":
            print("not ok 1 - the browser tools are installed")
            print("#   " + why)
            print("0 passed, 1 failed")
            sys.exit(1)
        print("# SKIP %s: %s" % (self.name, why))
        sys.exit(77)

    # ---- reporting ---------------------------------------------------

    def ok(self, what):
        self.n += 1
        print("ok %d - %s" % (self.n, what), flush=True)

    def fail(self, what, *detail):
        self.n += 1
        self.failed += 1
        print("not ok %d - %s" % (self.n, what))
        for d in detail:
            for line in str(d).splitlines() or [""]:
                print("#   " + line)
        sys.stdout.flush()

    def check(self, cond, what, *detail):
        if cond:
            self.ok(what)
        else:
            self.fail(what, *detail)
        return bool(cond)

    def note(self, text):
        print("# " + text, flush=True)

    def finish(self):
        for m in self.members:
            if m.proc is not None:
                st = m.stop()
                self.check(st == 0, "SIGTERM stops %s's daemon with exit 0" % m.name,
                           "exit %r" % st, m.log_tail())
        if os.environ.get("KEEP"):
            print("# files kept in " + self.tmp)
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)
        if self.failed == 0:
            print("# %s: all %d checks passed" % (self.name, self.n))
        else:
            print("# %s: %d of %d checks failed" % (self.name, self.failed, self.n))
        print("# screenshots in " + self.artifacts)
        print("%d passed, %d failed" % (self.n - self.failed, self.failed))
        sys.exit(1 if self.failed else 0)

    def abort(self, what, *detail):
        """A failure after which nothing else can run: report and finish."""
        self.fail(what, *detail)
        self.finish()

    # ---- fixtures ----------------------------------------------------

    def member(self, name):
        m = Member(self, name)
        self.members.append(m)
        return m

    def browser(self, size="desktop", js=True, lang="en"):
        return Browser(self, size, js, lang)

    def matrix(self):
        """Every combination the pages are tried in: (size, js, lang).
        Under the sanitizer build (make check: KITH_SAN=1) two opposite
        corners only: the pages are the same as in make test, and what
        the sanitizers add, the daemon's own checking, two cases exercise
        as well as eight (it keeps CI inside its time)."""
        if os.environ.get("KITH_SAN") == "1":
            return [("phone", False, "zh-CN"), ("desktop", True, "en")]
        return [(s, j, l) for s in SIZES for j in (True, False) for l in LANGS]


def run(argv, timeout=30):
    p = subprocess.run(argv, capture_output=True, text=True, timeout=timeout,
                       stdin=subprocess.DEVNULL)
    return p.returncode, p.stdout, p.stderr


class Member:
    """One member: a data directory made with the CLI, and its daemon."""

    def __init__(self, suite, name):
        self.suite = suite
        self.name = name
        self.home = os.path.join(suite.tmp, name)
        self.log = os.path.join(suite.tmp, name + ".log")
        self.proc = None
        self.p2p_port = None
        self.web_port = None
        rc, out, err = self.kith("init", "--name", name, "--building", "B" + name)
        if rc:
            raise RuntimeError("kith init %s: %s" % (name, err.strip()))
        first = [m for m in suite.members if m is not self]
        if not first:
            rc, out, err = self.kith("community", "create", "Loopback")
            suite.invite = out.strip()
        else:
            rc, out, err = self.kith("community", "join", suite.invite)
        if rc:
            raise RuntimeError("kith community %s: %s" % (name, err.strip()))

    def kith(self, *args, timeout=30):
        return run([self.suite.kith, "--home", self.home] + list(args), timeout)

    def start(self, peers=(), extra=()):
        argv = [self.suite.kith, "--home", self.home, "daemon", "--no-mdns",
                "--listen", "127.0.0.1:0", "--web", "127.0.0.1:0",
                "--interval", "2", "-v"]
        for p in peers:
            argv += ["--peer", "127.0.0.1:%d" % p.p2p_port]
        argv += list(extra)
        logf = open(self.log, "w")
        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                                     stdout=logf, stderr=logf)
        logf.close()
        end = time.time() + DAEMON_START
        while time.time() < end:
            text = open(self.log).read()
            lp = re.search(r"listening on 127\.0\.0\.1:(\d+)", text)
            wp = re.search(r"web app on http://127\.0\.0\.1:(\d+)", text)
            if lp and wp:
                self.p2p_port = int(lp.group(1))
                self.web_port = int(wp.group(1))
                return True
            if self.proc.poll() is not None:
                break
            time.sleep(0.1)
        self.stop()
        raise RuntimeError("daemon %s did not start:\n%s" % (self.name, self.log_tail()))

    @property
    def base(self):
        return "http://127.0.0.1:%d" % self.web_port

    def login_url(self):
        rc, out, err = self.kith("open", "--print")
        if rc:
            raise RuntimeError("kith open --print: %s" % err.strip())
        return out.strip()

    def stop(self):
        """SIGTERM, then the exit status (-9 after a SIGKILL on timeout)."""
        p, self.proc = self.proc, None
        if p is None:
            return None
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
        try:
            return p.wait(timeout=DAEMON_STOP)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait(timeout=DAEMON_STOP)
            return -9

    def log_tail(self, n=15):
        try:
            return "".join(open(self.log).readlines()[-n:])
        except OSError:
            return ""


class Browser:
    """One headless Chromium; use it in a with statement (it always quits)."""

    def __init__(self, suite, size, js, lang):
        if size not in SIZES or lang not in LANGS:
            raise ValueError("size %r lang %r" % (size, lang))
        self.suite = suite
        self.size = size
        self.js = js
        self.lang = lang
        self.case = "%s-%s-%s" % (size, "js" if js else "nojs", lang)
        self.driver = None
        self.status = None
        self.url = None
        self.expect = None
        self.errors = []
        self.favicon_noted = False

    def __str__(self):
        return self.case

    def __enter__(self):
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service

        self.profile = tempfile.mkdtemp(prefix="chromium.", dir=self.suite.tmp)
        o = webdriver.ChromeOptions()
        o.binary_location = CHROMIUM
        for a in CHROME_FLAGS:
            o.add_argument(a)
        o.add_argument("--user-data-dir=" + self.profile)
        o.add_argument("--lang=" + self.lang)
        w, h, _ = SIZES[self.size]
        o.add_argument("--window-size=%d,%d" % (max(w, 500), h))
        prefs = {"intl.accept_languages": self.lang}
        if not self.js:
            prefs["profile.managed_default_content_settings.javascript"] = 2
        o.add_experimental_option("prefs", prefs)
        o.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
        o.set_capability("pageLoadStrategy", "normal")
        svc = Service(CHROMEDRIVER, log_output=os.path.join(
            self.suite.tmp, "chromedriver-%s.log" % self.case))
        self.driver = webdriver.Chrome(service=svc, options=o)
        try:
            self.driver.set_page_load_timeout(PAGE_TIMEOUT)
            self.driver.set_script_timeout(SCRIPT_TIMEOUT)
            self.driver.implicitly_wait(0)
            w, h, mobile = SIZES[self.size]
            self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
                "width": w, "height": h, "deviceScaleFactor": 1, "mobile": mobile})
            self.driver.execute_cdp_cmd("Emulation.setTouchEmulationEnabled",
                                        {"enabled": mobile})
        except Exception:
            self.driver.quit()
            raise
        return self

    def __exit__(self, *exc):
        d, self.driver = self.driver, None
        if d is not None:
            d.quit()
        shutil.rmtree(self.profile, ignore_errors=True)
        return False

    # ---- pages -------------------------------------------------------

    def get(self, where, path=None, expect=None):
        """Open a URL, or member where's web app at path; read the status
        and the console.  expect: the status the page is meant to have
        when it is an error (its "Failed to load resource" is then no
        console error)."""
        url = where if path is None else where.base + path
        self.driver.get_log("performance")
        self.driver.get(url)
        self.after(expect)
        return self

    def after(self, expect=None):
        """Read the status and console after a navigation (a click)."""
        self.url = self.driver.current_url
        self.expect = expect
        self.status = None
        for e in self.driver.get_log("performance"):
            try:
                msg = json.loads(e["message"])["message"]
            except (KeyError, ValueError):
                continue
            if msg.get("method") != "Network.responseReceived":
                continue
            p = msg.get("params", {})
            if p.get("type") == "Document":
                self.status = p["response"]["status"]
        self.errors = [e for e in self.driver.get_log("browser")
                       if e.get("level") == "SEVERE"]
        return self

    def login(self, member):
        """Log in as member: open a fresh `kith open --print` URL."""
        return self.get(member.login_url())

    def console_ok(self, t, what):
        bad = []
        for e in self.errors:
            m = e.get("message", "")
            if re.match(r"\S+/favicon\.ico - Failed to load resource: .* 404", m):
                # the browser asks for it by itself; the app has none yet
                if not self.favicon_noted:
                    t.note("%s: the browser's own /favicon.ico request is a 404 "
                           "(not counted)" % self.case)
                    self.favicon_noted = True
                continue
            if self.expect and "Failed to load resource" in m and \
                    ("status of %d" % self.expect) in m and \
                    m.startswith(self.url.split("#")[0]):
                continue
            bad.append(m)
        return t.check(not bad, "%s: %s" % (self.case, what), *bad)

    def text(self):
        return self.driver.execute_script("return document.body ? document.body.innerText : ''")

    def html_lang(self):
        return self.driver.execute_script(
            "return document.documentElement.getAttribute('lang')")

    def title(self):
        return self.driver.title

    def find(self, css):
        from selenium.webdriver.common.by import By
        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def cookies(self):
        return {c["name"]: c for c in self.driver.get_cookies()}

    def submit(self, form_css="form", button_css="button[type=submit]", expect=None):
        """Click a form's submit button and wait for the next page."""
        from selenium.webdriver.support.ui import WebDriverWait
        old = self.driver.find_element("css selector", "html")
        self.driver.get_log("performance")
        self.find(form_css + " " + button_css)[0].click()
        WebDriverWait(self.driver, PAGE_TIMEOUT).until(
            lambda d: _stale(old) and _loaded(d))
        return self.after(expect)

    def shot(self, what):
        """Save a screenshot: ARTIFACTS/<suite>-<case>-<what>.png."""
        safe = re.sub(r"[^A-Za-z0-9_.-]+", "-", what).strip("-")
        path = os.path.join(self.suite.artifacts,
                            "%s-%s-%s.png" % (self.suite.name, self.case, safe))
        self.driver.save_screenshot(path)
        return path

    def small_targets(self, min_px=44):
        """Visible buttons, links and inputs less than min_px tall or wide
        (WCAG 2.5.5 asks 44 CSS pixels; 2.5.8's floor is 24), as
        "tag 'text' WxH" strings."""
        return self.driver.execute_script(r"""
            var min = arguments[0], out = [];
            document.querySelectorAll('button, a[href], input, select, textarea')
                .forEach(function (e) {
                    if (e.type === 'hidden') return;
                    var r = e.getBoundingClientRect();
                    if (r.width === 0 && r.height === 0) return;
                    if (e.tagName === 'A' && getComputedStyle(e).display === 'inline')
                        return;  // links in running text are exempt
                    if (r.width < min || r.height < min)
                        out.push(e.tagName.toLowerCase() + " '" +
                            (e.innerText || e.value || '').trim().slice(0, 30) + "' " +
                            Math.round(r.width) + 'x' + Math.round(r.height));
                });
            return out;""", min_px)

    def smallest_text(self):
        """The smallest text on the page as the eye sees it, in CSS pixels
        of the screen: the computed font size of every element with its
        own text, times the page's scale (a page without a viewport meta
        tag is laid out 980 px wide on a phone and shrunk to fit).  None
        when the page has no text."""
        return self.driver.execute_script(r"""
            var min = null;
            var k = window.visualViewport ? visualViewport.scale : 1;
            document.querySelectorAll('body, body *').forEach(function (e) {
                var own = Array.prototype.some.call(e.childNodes, function (n) {
                    return n.nodeType === 3 && n.textContent.trim();
                });
                if (!own || !e.getClientRects().length) return;
                var px = parseFloat(getComputedStyle(e).fontSize) * k;
                if (min === null || px < min) min = px;
            });
            return min;""")

    def overflow(self):
        """Pixels the page is wider than the viewport (0 when it fits)."""
        return self.driver.execute_script(
            "return Math.max(0, document.documentElement.scrollWidth - "
            "window.innerWidth)")

    # ---- accessibility -----------------------------------------------

    def a11y(self, t, what, allow=()):
        """allow: axe-core rule ids a page breaks by design (its suite says
        why); each one found is noted, not counted."""
        # axe-core needs timers, which do not run with JavaScript off
        if self.suite.axe and self.js:
            return self._axe(t, what, allow)
        return self._basic(t, what)

    def _axe(self, t, what, allow=()):
        src = open(self.suite.axe).read()
        self.driver.execute_script(src + "\n;window.__kithAxe = axe;")
        res = self.driver.execute_async_script(
            "var done = arguments[arguments.length - 1];"
            "window.__kithAxe.run(document, {resultTypes: ['violations']})"
            ".then(function (r) { done(JSON.stringify(r.violations)); })"
            ".catch(function (e) { done(JSON.stringify({error: String(e)})); });")
        v = json.loads(res)
        if isinstance(v, dict):
            return t.check(False, "%s: axe-core runs on %s" % (self.case, what), v["error"])
        bad = ["%s (%s): %s [%s]" % (x["id"], x["impact"], x["help"],
                                    "; ".join(n["target"][0] if isinstance(n["target"][0], str)
                                              else str(n["target"][0])
                                              for n in x["nodes"][:3]))
               for x in v if x.get("impact") in ("serious", "critical")
               and x["id"] not in allow]
        allowed = [x["id"] for x in v if x["id"] in allow]
        if allowed:
            t.note("%s: %s: allowed by design: %s" % (self.case, what, ", ".join(allowed)))
        minor = [x["id"] for x in v if x.get("impact") not in ("serious", "critical")]
        if minor:
            t.note("%s: %s: minor axe findings: %s" % (self.case, what, ", ".join(minor)))
        return t.check(not bad, "%s: %s: no serious or critical axe-core violations"
                       % (self.case, what), *bad)

    def _basic(self, t, what):
        probs = self.driver.execute_script(r"""
            var p = [], d = document;
            if (!(d.documentElement.getAttribute('lang') || '').trim())
                p.push('<html> has no lang');
            if (!(d.title || '').trim()) p.push('no <title>');
            if (d.querySelectorAll('main, [role=main]').length !== 1)
                p.push('not exactly one <main>');
            d.querySelectorAll('input, select, textarea').forEach(function (e) {
                if (e.type === 'hidden') return;
                var ok = e.labels && e.labels.length ||
                    e.getAttribute('aria-label') || e.getAttribute('aria-labelledby') ||
                    e.getAttribute('title');
                if (!ok) p.push('no label: ' + e.outerHTML.slice(0, 80));
            });
            d.querySelectorAll('button, a[href]').forEach(function (e) {
                var n = (e.innerText || '').trim() || e.getAttribute('aria-label') ||
                    e.getAttribute('title');
                if (!n) p.push('no name: ' + e.outerHTML.slice(0, 80));
            });
            return p;""")
        return t.check(not probs, "%s: %s: basic accessibility (lang, title, main, "
                       "labels, names)" % (self.case, what), *probs)


def _stale(el):
    """The old page's element is gone: stale, or (chromedriver, while the
    next page replaces the document) 'does not belong to the document'."""
    from selenium.common.exceptions import (StaleElementReferenceException,
                                            WebDriverException)
    try:
        el.tag_name
        return False
    except StaleElementReferenceException:
        return True
    except WebDriverException as e:
        if "does not belong to the document" in str(e):
            return True
        raise


def _loaded(d):
    """document.readyState is complete; False while a navigation makes
    the question unanswerable."""
    from selenium.common.exceptions import WebDriverException
    try:
        return d.execute_script("return document.readyState") == "complete"
    except WebDriverException:
        return False
