#!/usr/bin/env python3
"""flood.py - a connection-exhaustion attacker without the community key,
for tests/integration/lockout.sh.

    flood.py PORT --conns N [--from ADDR[-LAST]] [--mode idle|loris]
             [--every SECS] [--rate R] [--max-seconds S]

Opens N TCP connections to 127.0.0.1:PORT and keeps them open for as long
as it runs, the way someone on the LAN without the key would try to lock
a daemon out:

  idle    connect and never send a byte
  loris   send one random byte per connection at once and then every
          --every seconds (default 1), but never 64 (a whole handshake
          message 1), so the daemon always waits for more

Whenever the daemon closes one of them, it is opened again at once (a real
attacker keeps the pressure on), at most R new connections a second in
all (default 200).  --from spreads the connections over source addresses:
one address, or a range 127.0.0.2-127.0.0.41 (the last byte counts up);
only 127.0.0.0/8 is allowed, for sources and the target alike.

stdout: "ready OPEN" once N connections were established for the first
time, then at the end (SIGTERM, SIGINT or --max-seconds, default 120)
one line "opened A closed-by-daemon C max-open M bytes B max-life L": L is
the longest any connection stayed open (until the daemon closed it, or
until the end), in seconds.  Python 3
standard library only; every loop is bounded by the deadline.
"""
import argparse
import errno
import ipaddress
import os
import selectors
import signal
import socket
import sys
import time

LORIS_MAX = 63  # bytes per connection: never a whole 64-byte message 1


def sources(spec):
    if "-" in spec:
        first, last = spec.split("-", 1)
    else:
        first = last = spec
    a, b = ipaddress.IPv4Address(first), ipaddress.IPv4Address(last)
    net = ipaddress.IPv4Network("127.0.0.0/8")
    if a not in net or b not in net or int(b) < int(a) or int(b) - int(a) > 1000:
        sys.exit("flood.py: --from must be loopback (127.0.0.0/8), at most "
                 "1001 addresses")
    return [str(ipaddress.IPv4Address(i)) for i in range(int(a), int(b) + 1)]


class Flood:
    def __init__(self, port, n, srcs, mode, rate, every):
        self.port, self.n, self.srcs, self.mode = port, n, srcs, mode
        self.every = every
        self.rate = rate
        self.sel = selectors.DefaultSelector()
        self.conns = {}  # socket -> {"up": bool, "sent": int, "next": t}
        self.opened = self.closed = self.max_open = self.bytes = 0
        self.max_life = 0.0
        self.next_src = 0
        self.tokens = float(rate)
        self.last_refill = time.monotonic()
        self.ready_said = False

    def established(self):
        return sum(1 for c in self.conns.values() if c["up"])

    def open_one(self):
        src = self.srcs[self.next_src % len(self.srcs)]
        self.next_src += 1
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(False)
        try:
            s.bind((src, 0))
            s.connect_ex(("127.0.0.1", self.port))
        except OSError:
            s.close()
            return
        self.conns[s] = {"up": False, "sent": 0, "next": 0.0, "t": 0.0}
        self.sel.register(s, selectors.EVENT_READ | selectors.EVENT_WRITE)
        self.opened += 1

    def drop(self, s, by_daemon):
        c = self.conns.pop(s)
        self.sel.unregister(s)
        s.close()
        if by_daemon and c["up"]:
            self.closed += 1
            self.max_life = max(self.max_life, time.monotonic() - c["t"])

    def refill(self, now):
        self.tokens = min(float(self.rate),
                          self.tokens + (now - self.last_refill) * self.rate)
        self.last_refill = now

    def step(self, now):
        self.refill(now)
        while len(self.conns) < self.n and self.tokens >= 1:
            self.tokens -= 1
            self.open_one()
        for key, ev in self.sel.select(timeout=0.05):
            s = key.fileobj
            c = self.conns.get(s)
            if c is None:
                continue
            if not c["up"] and ev & selectors.EVENT_WRITE:
                err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                if err:
                    self.drop(s, False)
                    continue
                c["up"] = True
                c["t"] = now
                c["next"] = now
                self.sel.modify(s, selectors.EVENT_READ)
            if ev & selectors.EVENT_READ:
                try:
                    data = s.recv(4096)
                except OSError:
                    data = b""
                if not data:  # the daemon hung up on us
                    self.drop(s, True)
        if self.mode == "loris":
            for s, c in list(self.conns.items()):
                if c["up"] and c["sent"] < LORIS_MAX and now >= c["next"]:
                    try:
                        s.send(os.urandom(1))
                        c["sent"] += 1
                        self.bytes += 1
                    except OSError as e:
                        if e.errno not in (errno.EAGAIN, errno.EWOULDBLOCK):
                            self.drop(s, True)
                            continue
                    c["next"] = now + self.every
        up = self.established()
        self.max_open = max(self.max_open, up)
        if not self.ready_said and up >= self.n:
            self.ready_said = True
            print("ready %d" % up, flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("port", type=int)
    ap.add_argument("--conns", type=int, required=True)
    ap.add_argument("--from", dest="src", default="127.0.0.1")
    ap.add_argument("--mode", choices=("idle", "loris"), default="idle")
    ap.add_argument("--rate", type=int, default=200)
    ap.add_argument("--every", type=float, default=1.0)
    ap.add_argument("--max-seconds", type=float, default=120)
    a = ap.parse_args()
    if not 1 <= a.conns <= 2000 or not 1 <= a.rate <= 5000 or \
            not 0.05 <= a.every <= 60:
        sys.exit("flood.py: --conns 1..2000, --rate 1..5000, --every 0.05..60")
    f = Flood(a.port, a.conns, sources(a.src), a.mode, a.rate, a.every)
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))
    end = time.monotonic() + a.max_seconds
    while not stop and time.monotonic() < end:
        f.step(time.monotonic())
    now = time.monotonic()
    for c in f.conns.values():  # still open: as long as they lasted so far
        if c["up"]:
            f.max_life = max(f.max_life, now - c["t"])
    print("opened %d closed-by-daemon %d max-open %d bytes %d max-life %.1f"
          % (f.opened, f.closed, f.max_open, f.bytes, f.max_life), flush=True)
    for s in list(f.conns):
        s.close()


if __name__ == "__main__":
    main()
