"""webbench.py BUILD [--quick] [--requests N] [--warm N] [--strict]

The web app on a town-sized replica (issue 9): GET / and GET /wishes
p99 under 50 ms beside a static-file baseline measured in the same run,
and the daemon's resident set after those requests within 30 MB.

  1. BUILD/bench/web_town builds the ops bench's town (bench/ops/town.h:
     12,000 members, 50,000 items, 20,000 wishes, an emergency and its
     check-ins; --quick: a tenth) into a fresh data directory whose
     identity is the town's creator, a coordinator;
  2. `kith daemon` on it, on loopback only (--listen 127.0.0.1:0 --web
     127.0.0.1:0 --no-mdns); `kith open --print` gives the login link;
  3. one keep-alive connection (http.client) logs in with it (303 and the
     session cookie), then --warm rounds untimed and --requests rounds
     timed; each round GETs /static/kith.css (the baseline: a file
     compiled into the binary, no database), / and /wishes in turn, so
     load from other processes hurts each alike.  Every answer must be 200;
  4. the daemon's CPU time per request (/proc/PID/stat, user + system)
     over --requests more of each path alone, in turn: wall-clock times
     on a loaded machine stretch with other processes' load, this hardly;
  5. VmRSS (and VmHWM) of the daemon from /proc after the requests.

Prints one table: row, p50 and p99 in ms, the baseline's p99, the ratio
p99 / baseline p99, CPU ms per request, target, pass / FAIL (info: no
target; the verdict is on p99).  Exit status 0
when it ran, whatever the verdicts (--strict: 1 when a target is missed);
1 when it could not run.  The daemon is stopped and the directory removed
at the end, also on SIGINT / SIGTERM; every wait is bounded."""
import http.client
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

TARGET_MS = 50.0
TARGET_RSS_MB = 30.0
PAGES = [("GET / (home)", "/"), ("GET /wishes", "/wishes"),
         ("GET /items", "/items")]
STATIC = "/static/kith.css"


class Stop(Exception):
    pass


def on_signal(sig, frame):
    raise Stop("signal %d" % sig)


def wait_for(what, fn, secs):
    end = time.time() + secs
    while time.time() < end:
        v = fn()
        if v:
            return v
        time.sleep(0.1)
    raise Stop("%s: not within %d s" % (what, secs))


def pct(t, p):
    t = sorted(t)
    return t[min(len(t) - 1, int(len(t) * p))]


def cpu_ticks(pid):
    """utime + stime of pid, in clock ticks (/proc/PID/stat)."""
    with open("/proc/%d/stat" % pid) as f:
        f = f.read().rsplit(")", 1)[1].split()
    return int(f[11]) + int(f[12])


def measure(url, n, warm, pid):
    hostport = url.split("/")[2]
    host, port = hostport.rsplit(":", 1)
    c = http.client.HTTPConnection(host, int(port), timeout=30)
    hdr = {"Host": hostport}

    def get(path, cookie=None):
        h = dict(hdr)
        if cookie:
            h["Cookie"] = cookie
        t0 = time.perf_counter()
        c.request("GET", path, headers=h)
        r = c.getresponse()
        body = r.read()
        return r.status, r.getheader("Set-Cookie") or "", body, \
            (time.perf_counter() - t0) * 1000.0

    st, setc, _, _ = get(url[len("http://" + hostport):])
    cookie = setc.split(";", 1)[0]
    if st != 303 or not cookie.startswith("kith_session="):
        raise Stop("the login link did not log in (HTTP %d)" % st)
    paths = [STATIC] + [p for _, p in PAGES]
    times = {p: [] for p in paths}
    size = {}
    for i in range(warm + n):
        for p in paths:
            st, _, body, dt = get(p, cookie)
            if st != 200:
                raise Stop("GET %s answered %d" % (p, st))
            size[p] = len(body)
            if i >= warm:
                times[p].append(dt)
    # the daemon's CPU time per request: a block of n of each path alone
    # (load from other processes stretches wall-clock times, not this)
    hz = os.sysconf("SC_CLK_TCK")
    cpu = {}
    for p in paths:
        t0 = cpu_ticks(pid)
        for i in range(n):
            if get(p, cookie)[0] != 200:
                raise Stop("GET %s failed" % p)
        cpu[p] = (cpu_ticks(pid) - t0) * 1000.0 / hz / n
    c.close()
    return times, size, cpu


def status_kb(pid, field):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return -1


def main():
    args = sys.argv[1:]
    if not args or args[0].startswith("-"):
        print(__doc__.split("\n\n")[0], file=sys.stderr)
        return 2
    build = os.path.abspath(args[0])
    quick = "--quick" in args
    strict = "--strict" in args
    n, warm = 200, 20
    for i, a in enumerate(args):
        if a == "--requests" and i + 1 < len(args):
            n = int(args[i + 1])
        if a == "--warm" and i + 1 < len(args):
            warm = int(args[i + 1])
    if n < 10:
        print("webbench: --requests must be at least 10", file=sys.stderr)
        return 2
    kith = os.path.join(build, "kith")
    town = os.path.join(build, "bench", "web_town")
    for f in (kith, town):
        if not os.access(f, os.X_OK):
            print("webbench: '%s' not found (run 'make bench')" % f,
                  file=sys.stderr)
            return 1

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    work = tempfile.mkdtemp(prefix="kith-webbench.")
    home = os.path.join(work, "home")
    daemon = None
    log = None
    try:
        t0 = time.time()
        built = subprocess.run([town, home] + (["--quick"] if quick else []),
                               capture_output=True, text=True, timeout=600)
        if built.returncode:
            raise Stop("web_town failed: " + built.stderr.strip())
        build_line = built.stdout.strip()
        log = open(os.path.join(work, "daemon.log"), "w+")
        daemon = subprocess.Popen(
            [kith, "--home", home, "daemon", "--listen", "127.0.0.1:0",
             "--web", "127.0.0.1:0", "--no-mdns", "-v"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log)

        def web_up():
            if daemon.poll() is not None:
                raise Stop("the daemon exited (%d)" % daemon.returncode)
            with open(log.name) as f:
                return "web app on http://" in f.read()
        wait_for("the daemon's web app", web_up, 30)
        url = subprocess.run([kith, "--home", home, "open", "--print"],
                             capture_output=True, text=True,
                             timeout=30).stdout.strip()
        if not url.startswith("http://127.0.0.1:"):
            raise Stop("kith open --print gave '%s'" % url)
        times, size, cpu = measure(url, n, warm, daemon.pid)
        rss = status_kb(daemon.pid, "VmRSS")
        hwm = status_kb(daemon.pid, "VmHWM")
    except (Stop, subprocess.TimeoutExpired, OSError) as e:
        print("webbench: %s" % e, file=sys.stderr)
        if log:
            log.seek(0)
            sys.stderr.write(log.read()[-2000:])
        return 1
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        if daemon and daemon.poll() is None:
            daemon.terminate()
            try:
                daemon.wait(10)
            except subprocess.TimeoutExpired:
                daemon.kill()
                daemon.wait(10)
        if log:
            log.close()
        shutil.rmtree(work, ignore_errors=True)

    base = pct(times[STATIC], 0.99)
    rows = [("GET %s (baseline)" % STATIC, times[STATIC], size[STATIC],
             cpu[STATIC], None)]
    rows += [(name, times[p], size[p], cpu[p], TARGET_MS)
             for name, p in PAGES]
    load = os.getloadavg()
    print("# kith web bench: %s; %d requests per row after %d warm-up "
          "rounds, one keep-alive connection; nproc %d, load %.2f; took "
          "%d s" % (build_line, n, warm, os.cpu_count() or 0, load[0],
                    time.time() - t0))
    fmt = "%-34s %6s %7s %7s %9s %6s %7s %7s  %s"
    print(fmt % ("row", "bytes", "p50 ms", "p99 ms", "base p99", "ratio",
                 "cpu ms", "target", "verdict"))
    failed = False
    for name, t, b, c, target in rows:
        p99 = pct(t, 0.99)
        ok = target is None or p99 < target
        failed |= not ok
        print(fmt % (name, b, "%.1f" % pct(t, 0.5), "%.1f" % p99,
                     "%.1f" % base, "%.1f" % (p99 / base if base else 0),
                     "%.2f" % c, "< %.0f" % target if target else "-",
                     "info" if target is None else "pass" if ok else "FAIL"))
    rss_mb = rss / 1024.0
    ok = 0 < rss_mb <= TARGET_RSS_MB
    failed |= not ok
    print(fmt % ("daemon VmRSS after them (MiB)", "-", "-", "%.1f" % rss_mb,
                 "-", "-", "-", "<= %.0f" % TARGET_RSS_MB,
                 "pass" if ok else "FAIL"))
    print(fmt % ("daemon VmHWM, its peak (MiB)", "-", "-",
                 "%.1f" % (hwm / 1024.0), "-", "-", "-", "-", "info"))
    print("# p50/p99: wall clock per request over the interleaved rounds; "
          "base p99: the static file's; ratio: p99 / base p99; cpu ms: "
          "the daemon's CPU time (user + system) per request over %d more "
          "requests of that path alone, which other processes' load "
          "hardly changes" % n)
    return 1 if strict and failed else 0


if __name__ == "__main__":
    sys.exit(main())
