"""weblib.py - the helpers the web app's integration suites share
(web*.sh, join_web.sh, web_coord.py): their checks are Python programs
that talk HTTP to real daemons with http.client and print one line per
check, which the suite's shell counts (tests/lib.sh: pass/fail).

    from weblib import say, req, ...     (tests/integration/lib.sh's
                                          web_py puts this folder on
                                          PYTHONPATH and turns bytecode
                                          off: no __pycache__ here)

Settings, once at the top of a program (setup(NAME=VALUE ...)):

  BASE      the web app a request goes to when it names none: a URL such
            as http://127.0.0.1:PORT/ or https://..., only its scheme and
            host:port count (a login link will do)
  KITH      the kith binary kith_at() runs
  DETAIL    how much of a failed check's detail is printed (400 chars;
            None: all of it)
  TIMEOUT   seconds a request may take (15)
  TLS       the ssl.SSLContext of https:// requests (None: the system's)

Checks:
  say(ok, what, detail="")
            print "PASS what", or "FAIL what: repr(detail)" (cut to
            DETAIL; no ": ..." when detail is empty), flushed, one line
            at a time even from threads; returns ok
  out_lock  the lock say() holds while it prints: hold it to print
            other lines while threads may say()

HTTP:
  req(method, path, body=None, cookie="", lang=None, base=None,
      headers=None, ctype=True, source=None, errors="strict",
      raw=False)
            one request on a connection of its own, Host set to base's
            host:port -> (status, headers, text): headers with lowercase
            names, text the body decoded as UTF-8 (errors as in
            bytes.decode).  body: a dict (form-encoded) or bytes as they
            are; either way with Content-Type
            application/x-www-form-urlencoded unless ctype is False.
            cookie: the Cookie header; lang: Accept-Language; headers:
            more headers (over those); source: the loopback address to
            connect from; raw: text is the body's bytes, not decoded.
            Every text/html answer is kept in pages
  pages     (what, raw body bytes) of every HTML answer, what being
            "METHOD path": for checks over all pages ("no <script")
  hostport_of(url), path_of(url)
            "127.0.0.1:PORT" and "/login?token=..." of a URL
  csrf_of(text)
            the csrf token of the first form in a page, "" if none
  cookie_of(headers, name="kith_session")
            "NAME=VALUE" of that cookie set by an answer, "" if none
            (VALUE: 64 hex digits, as the session cookie's)
  login(home)
            a session from the login link that `kith open --print` of
            HOME prints -> the Cookie value ("kith_session=..." or "")
  pin_login(member, pin, **kw)
            POST /login with a name and PIN -> req()'s answer (kw go to
            req: base, source ...)
  text(page)
            the words of a page: tags dropped (each a space), entities
            decoded
  Site(url, errors="strict")
            one person's browser on one web app, url the login link:
            .base, .login_path, .cookie, .csrf and .raw (the bytes of
            the last answer's body)
    .login()        GET the login link, keep its session; -> status
    .start(page)    login(), then take the csrf token from page (a GET)
                    -> cookie and token both there (truthy)
    .req(method, path, body=None, lang=None, session=True, prefs=None,
         csrf=False)
                    req() with the session (not when session is False)
                    and kith_prefs=PREFS cookies; csrf: add .csrf to a
                    dict body
    .post(path, fields, lang=None, csrf=True)
                    .req("POST", ...) with the csrf token in the form

kith on the command line:
  kith_at(home, *args, timeout=30)
                        run KITH --home HOME ARGS (timeout: seconds)
                        -> (returncode, stdout, stderr)
  digest(home)          stdout of `kith digest` ("" if it fails)
  converged(home_a, home_b, secs)
                        both digests equal (and not empty) within secs
"""
import html
import http.client
import re
import ssl
import subprocess
import sys
import threading
import time
from urllib.parse import urlencode

BASE = None
KITH = None
DETAIL = 400
TIMEOUT = 15
TLS = None

pages = []
out_lock = threading.Lock()


def setup(**settings):
    for k, v in settings.items():
        if k not in ("BASE", "KITH", "DETAIL", "TIMEOUT", "TLS"):
            raise KeyError("weblib has no setting " + k)
        globals()[k] = v


def say(ok, what, detail=""):
    with out_lock:
        print(("PASS " if ok else "FAIL ") + what +
              ((": " + repr(detail)[:DETAIL]) if detail and not ok else ""))
        sys.stdout.flush()
    return ok


def hostport_of(url):
    return url.split("/")[2]


def path_of(url):
    return "/" + url.split("/", 3)[3]


def req(method, path, body=None, cookie="", lang=None, base=None,
        headers=None, ctype=True, source=None, errors="strict",
        raw=False):
    base = base or BASE
    hostport = hostport_of(base)
    host, port = hostport.rsplit(":", 1)
    src = (source, 0) if source else None
    if base.startswith("https://"):
        c = http.client.HTTPSConnection(host, int(port), timeout=TIMEOUT,
                                        source_address=src,
                                        context=TLS or ssl.create_default_context())
    else:
        c = http.client.HTTPConnection(host, int(port), timeout=TIMEOUT,
                                       source_address=src)
    h = {"Host": hostport}
    if cookie:
        h["Cookie"] = cookie
    if lang:
        h["Accept-Language"] = lang
    if headers:
        h.update(headers)
    data = None
    if body is not None:
        data = body if isinstance(body, bytes) else urlencode(body).encode()
        if ctype:
            h["Content-Type"] = "application/x-www-form-urlencoded"
    c.request(method, path, body=data, headers=h)
    r = c.getresponse()
    data = r.read()
    hd = {k.lower(): v for k, v in r.getheaders()}
    c.close()
    if hd.get("content-type", "").startswith("text/html"):
        pages.append((method + " " + path, data))
    return r.status, hd, data if raw else data.decode("utf-8", errors)


def csrf_of(body):
    m = re.search(r'name="csrf" value="([0-9a-f]{64})"', body)
    return m.group(1) if m else ""


def cookie_of(h, name="kith_session"):
    m = re.search(name + r"=([0-9a-f]{64})", h.get("set-cookie", ""))
    return name + "=" + m.group(1) if m else ""


def kith_at(home, *args, timeout=30):
    o = subprocess.run([KITH, "--home", home] + list(args),
                       capture_output=True, text=True, timeout=timeout)
    return o.returncode, o.stdout, o.stderr


def digest(home):
    return kith_at(home, "digest")[1]


def converged(home_a, home_b, secs):
    end = time.time() + secs
    while time.time() < end:
        da, db = digest(home_a), digest(home_b)
        if da and da == db:
            return True
        time.sleep(0.2)
    return False


def login(home):
    rc, out, err = kith_at(home, "open", "--print")
    link = out.strip()
    st, hd, b = req("GET", path_of(link), base=link)
    return hd.get("set-cookie", "").split(";", 1)[0]


def pin_login(member, pin, **kw):
    return req("POST", "/login", {"member": member, "pin": pin}, **kw)


def text(b):
    return html.unescape(re.sub(r"<[^>]+>", " ", b))


class Site:
    def __init__(self, url, errors="strict"):
        self.base = url
        self.login_path = path_of(url)
        self.errors = errors
        self.cookie = ""
        self.csrf = ""
        self.raw = b""

    def login(self):
        st, h, b = self.req("GET", self.login_path)
        self.cookie = h.get("set-cookie", "").split(";", 1)[0]
        return st

    def start(self, page):
        self.login()
        st, h, b = self.req("GET", page)
        self.csrf = csrf_of(b)
        return self.cookie.startswith("kith_session=") and self.csrf

    def req(self, method, path, body=None, lang=None, session=True,
            prefs=None, csrf=False):
        ck = []
        if session and self.cookie:
            ck.append(self.cookie)
        if prefs is not None:
            ck.append("kith_prefs=" + prefs)
        if csrf and isinstance(body, dict):
            body = dict(body, csrf=self.csrf)
        st, h, self.raw = req(method, path, body, cookie="; ".join(ck),
                              lang=lang, base=self.base, raw=True)
        return st, h, self.raw.decode("utf-8", self.errors)

    def post(self, path, fields, lang=None, csrf=True):
        return self.req("POST", path, body=fields, lang=lang, csrf=csrf)
