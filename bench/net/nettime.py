#!/usr/bin/env python3
"""nettime.py - timing helpers for bench/net/netbench.sh (loopback only).

Every wait here is bounded by a timeout; nothing listens or dials.

  run TIMEOUT_S CMD...
      Run CMD (its stdout passes through), then print one line
      'wall_ms=W cpu_ms=C maxrss_kb=M rc=R' for that process alone: CPU
      from os.wait4's rusage; M is its VmHWM, read every 10 ms while it
      runs (ru_maxrss would not do: a child spawned by Python inherits
      Python's high-water mark through vfork + exec).  CMD is killed
      after TIMEOUT_S.
  spawn-until TIMEOUT_S SRC_DB DST_DB PIDFILE LOG CMD...
      target = sum(authors.head) of SRC_DB + that of DST_DB, read first;
      start CMD (a daemon: stdin /dev/null, stdout and stderr to LOG) in
      the background, write its pid to PIDFILE, poll DST_DB every 20 ms
      until its sum(authors.head) reaches target, print
      'ms=T cpu_ms=C heads=H target=X moved=M' (C: the daemon's CPU so
      far, M: changes it received) and exit, leaving CMD running.  ms
      counts from just before the spawn.
  sql DB QUERY
      Print the rows of QUERY, columns joined by '|'.
  propagate WRITES SEED TIMEOUT_S TOTAL_S KITH HOME...
      WRITES times (fewer once TOTAL_S have passed; n= says how many):
      sleep a random 0..50 ms (so writes do not lock onto the daemons'
      50 ms poll), run 'KITH --home HOME item add' on the next HOME in
      turn, then poll every replica but the writer's with
      'SELECT 1 FROM items WHERE id = ?' every 5 ms until all hold the
      item, for at most TIMEOUT_S (then it counts as a timeout).  Prints
      'p50_ms= p99_ms= max_ms= mean_ms= timeouts= n= cli_p50_ms= poll_us='
      (poll_us: mean cost of one round of queries).
  wait-synced TIMEOUT_S KITH HOME=N...
      Poll 'KITH --home HOME --json status' every 100 ms until each
      daemon reports at least N synced sessions; exit 1 on timeout.
"""
import json
import math
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import warnings

warnings.simplefilter("ignore", ResourceWarning)


def connect(db):
    # autocommit: every SELECT is its own read transaction, so it sees the
    # last commit; we never write
    return sqlite3.connect(db, timeout=5, isolation_level=None)


def heads(con):
    return con.execute("SELECT coalesce(sum(head), 0) FROM authors").fetchone()[0]


def proc_cpu_ms(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            st = f.read()
    except OSError:
        return -1
    fields = st[st.rindex(")") + 2:].split()
    tick = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) * 1000 // tick


def hwm_kb(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def cmd_run(args):
    timeout = float(args[0])
    cmd = args[1:]
    t0 = time.monotonic()
    # Popen returns once the child has exec'd: from then on its VmHWM is
    # its own
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL)
    peak = [0]
    done = threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], hwm_kb(p.pid))
            done.wait(0.01)

    def on_alarm(signum, frame):
        p.kill()

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, timeout)
    _, status, ru = os.wait4(p.pid, 0)
    signal.setitimer(signal.ITIMER_REAL, 0)
    wall = time.monotonic() - t0
    done.set()
    sampler.join()
    p.returncode = os.waitstatus_to_exitcode(status)
    sys.stdout.flush()
    print("wall_ms=%d cpu_ms=%d maxrss_kb=%d rc=%d" %
          (wall * 1000, (ru.ru_utime + ru.ru_stime) * 1000, peak[0],
           p.returncode))
    return 0


def cmd_spawn_until(args):
    timeout = float(args[0])
    src, dst, pidfile, log = args[1:5]
    cmd = args[5:]
    s, d = connect(src), connect(dst)
    before = heads(d)
    target = heads(s) + before
    s.close()
    with open(log, "ab") as lf:
        t0 = time.monotonic()
        p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=lf,
                             stderr=lf)
    with open(pidfile, "w") as f:
        f.write("%d\n" % p.pid)
    h = 0
    while time.monotonic() - t0 < timeout and p.poll() is None:
        h = heads(d)
        if h >= target:
            break
        time.sleep(0.02)
    ms = (time.monotonic() - t0) * 1000
    cpu = proc_cpu_ms(p.pid)
    print("ms=%d cpu_ms=%d heads=%d target=%d moved=%d" %
          (ms, cpu, h, target, h - before))
    return 0 if h >= target else 1


def cmd_sql(args):
    con = connect(args[0])
    for row in con.execute(args[1]):
        print("|".join("" if v is None else str(v) for v in row))
    return 0


def pct(sorted_vals, q):
    # nearest rank: the smallest value with at least q of all at or below it
    k = math.ceil(q * len(sorted_vals)) - 1
    return sorted_vals[max(0, min(len(sorted_vals) - 1, k))]


def cmd_propagate(args):
    writes, seed, timeout = int(args[0]), int(args[1]), float(args[2])
    total = float(args[3])
    kith, homes = args[4], args[5:]
    t_begin = time.monotonic()
    rng = random.Random(seed)
    cons = [connect(os.path.join(h, "replica.db")) for h in homes]
    lat, cli, timeouts = [], [], 0
    rounds, round_s = 0, 0.0
    for i in range(writes):
        if time.monotonic() - t_begin > total:
            break
        time.sleep(rng.uniform(0, 0.05))
        w = i % len(homes)
        t_start = time.monotonic()
        try:
            out = subprocess.run(
                [kith, "--home", homes[w], "item", "add", "--title",
                 "netbench %d" % i, "--kind", "lend"],
                stdin=subprocess.DEVNULL, capture_output=True, timeout=30)
        except (OSError, subprocess.SubprocessError) as e:
            sys.stderr.write("netbench: cannot run 'kith item add': %s\n" % e)
            return 1
        t_ret = time.monotonic()
        if out.returncode:
            sys.stderr.write("netbench: item add failed: %s\n" %
                             out.stderr.decode(errors="replace").strip())
            return 1
        cli.append((t_ret - t_start) * 1000)
        iid = bytes.fromhex(out.stdout.decode().strip())
        pending = [j for j in range(len(homes)) if j != w]
        while pending:
            r0 = time.monotonic()
            pending = [j for j in pending if cons[j].execute(
                "SELECT 1 FROM items WHERE id = ?", (iid,)).fetchone() is None]
            now = time.monotonic()
            rounds += 1
            round_s += now - r0
            if not pending or now - t_ret > timeout:
                break
            time.sleep(0.005)
        if pending:
            timeouts += 1
            lat.append(float("inf"))
        else:
            lat.append((now - t_ret) * 1000)
    lat.sort()
    cli.sort()
    fin = [x for x in lat if x != float("inf")]
    print("p50_ms=%.1f p99_ms=%.1f max_ms=%.1f mean_ms=%.1f timeouts=%d n=%d "
          "cli_p50_ms=%.1f poll_us=%.0f" %
          (pct(lat, 0.50), pct(lat, 0.99), lat[-1],
           sum(fin) / len(fin) if fin else float("inf"), timeouts, len(lat),
           pct(cli, 0.50), round_s / max(rounds, 1) * 1e6))
    return 0


def cmd_wait_synced(args):
    timeout = float(args[0])
    kith = args[1]
    want = [(a.rsplit("=", 1)[0], int(a.rsplit("=", 1)[1])) for a in args[2:]]
    t0 = time.monotonic()
    while True:
        short = []
        for home, n in want:
            out = subprocess.run([kith, "--home", home, "--json", "status"],
                                 stdin=subprocess.DEVNULL, capture_output=True,
                                 timeout=10)
            try:
                d = json.loads(out.stdout)["daemon"] or {}
                got = sum(1 for s in d.get("sessions", []) if s.get("synced"))
            except (ValueError, KeyError, TypeError):
                got = 0
            if got < n:
                short.append("%s: %d of %d" % (os.path.basename(home), got, n))
        if not short:
            return 0
        if time.monotonic() - t0 > timeout:
            sys.stderr.write("netbench: sessions not synced after %g s (%s)\n"
                             % (timeout, ", ".join(short)))
            return 1
        time.sleep(0.1)


def main():
    cmds = {"run": cmd_run, "spawn-until": cmd_spawn_until, "sql": cmd_sql,
            "propagate": cmd_propagate, "wait-synced": cmd_wait_synced}
    if len(sys.argv) < 2 or sys.argv[1] not in cmds:
        sys.stderr.write(__doc__)
        return 2
    return cmds[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
