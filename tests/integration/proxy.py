#!/usr/bin/env python3
"""proxy.py - a faulty TCP proxy on loopback, for tests/integration/faults.sh.

    proxy.py TARGET_PORT MODE [ARG] [--both] [--at OFFSET:BIT]
             [--max-seconds S] [--seed N]

Listens on 127.0.0.1 on a free port, prints that port as the first line on
stdout, and forwards every connection to 127.0.0.1:TARGET_PORT (only
loopback: there is no way to name another host) with one fault:

  pass          forward unchanged (a control)
  delay MS      deliver each chunk MS milliseconds after it arrived, order
                kept: a pipe with latency, not a throttle
  drop BYTES    reset both sides of a connection once BYTES bytes (both
                directions together) have gone through it; each new
                connection gets another BYTES
  trickle       forward 1-7 bytes at a time, each write its own segment
                (TCP_NODELAY), with tiny sleeps
  flip PROB     with probability PROB per chunk, flip one random bit of
                it; server->client only, both directions with --both.
                With --at OFFSET:BIT also: flip that bit of the byte at
                that server->client stream offset of the first connection
                (PROB may then be 0), so a test can count on one flip

Every event is one line on stderr, so tests can count them:
  open N / port N P (the proxy's own port towards the target, which the
  target logs as the client's) / close N c2s BYTES s2c BYTES (read) /
  flip N s2c offset O bit B / drop N after BYTES
The proxy exits by itself after --max-seconds (default 60), aborting every
connection.  Python 3 standard library only.
"""
import argparse
import asyncio
import random
import socket
import sys

CHUNK = 65536


def log(msg):
    print(msg, file=sys.stderr, flush=True)


class Conn:
    def __init__(self, n, args, rng):
        self.n = n
        self.args = args
        self.rng = rng
        self.total = 0  # bytes forwarded, both directions (drop)
        self.count = {"c2s": 0, "s2c": 0}  # stream offsets (flip)
        self.writers = []
        self.dropped = False
        self.logged_drop = False

    def abort(self):
        for w in self.writers:
            w.transport.abort()

    def mangle(self, direction, data):
        """The chunk as it goes on: maybe flipped, cut short at a drop."""
        a = self.args
        off = self.count[direction]
        self.count[direction] += len(data)
        if a.mode == "flip" and a.at is not None:
            at, bit = a.at
            if (self.n == 1 and direction == "s2c"
                    and off <= at < off + len(data)):
                data = bytearray(data)
                data[at - off] ^= 1 << bit
                data = bytes(data)
                log(f"flip {self.n} {direction} offset {at} bit {bit}")
        if a.mode == "flip" and (a.both or direction == "s2c"):
            if self.rng.random() < a.arg:
                i = self.rng.randrange(len(data))
                bit = self.rng.randrange(8)
                data = bytearray(data)
                data[i] ^= 1 << bit
                data = bytes(data)
                log(f"flip {self.n} {direction} offset {off + i} bit {bit}")
        if a.mode == "drop":
            room = int(a.arg) - self.total
            if room <= len(data):
                self.dropped = True
                data = data[:room]
        self.total += len(data)
        return data


async def send(conn, writer, data):
    a = conn.args
    if a.mode == "trickle":
        i = 0
        pieces = 0
        while i < len(data):
            k = conn.rng.randint(1, 7)
            writer.write(data[i:i + k])
            await writer.drain()
            i += k
            pieces += 1
            if pieces % 256 == 0:
                await asyncio.sleep(0.0002)
    else:
        writer.write(data)
        await writer.drain()


async def pump(conn, reader, writer, direction):
    """Forward one direction until EOF, then pass the EOF on."""
    a = conn.args
    queue = asyncio.Queue(maxsize=64) if a.mode == "delay" else None
    loop = asyncio.get_running_loop()

    async def deliver():
        broken = False
        while True:
            due, data = await queue.get()
            if data is None:
                return
            if broken:
                continue  # keep taking, so the reader never blocks
            wait = due - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            try:
                await send(conn, writer, data)
            except (ConnectionError, OSError):
                broken = True
                conn.abort()

    later = asyncio.ensure_future(deliver()) if queue else None
    try:
        while not conn.dropped:
            data = await reader.read(CHUNK)
            if not data:
                break
            data = conn.mangle(direction, data)
            if queue:
                await queue.put((loop.time() + a.arg / 1000.0, data))
            elif data:
                await send(conn, writer, data)
        if queue:
            await queue.put((0, None))
            await later
        if conn.dropped:
            if not conn.logged_drop:
                log(f"drop {conn.n} after {conn.total} bytes")
            conn.logged_drop = True
            conn.abort()
        elif writer.can_write_eof():
            writer.write_eof()
    except (ConnectionError, OSError, asyncio.CancelledError):
        conn.abort()
    finally:
        if later and not later.done():
            later.cancel()


class Proxy:
    def __init__(self, args):
        self.args = args
        self.rng = random.Random(args.seed)
        self.n = 0
        self.conns = set()

    async def handle(self, creader, cwriter):
        self.n += 1
        conn = Conn(self.n, self.args, self.rng)
        log(f"open {conn.n}")
        try:
            sreader, swriter = await asyncio.open_connection(
                "127.0.0.1", self.args.target)
        except OSError as e:
            log(f"close {conn.n} cannot reach the target: {e}")
            cwriter.transport.abort()
            return
        conn.writers = [cwriter, swriter]
        log(f"port {conn.n} {swriter.get_extra_info('sockname')[1]}")
        if self.args.mode == "trickle":
            for w in conn.writers:
                w.get_extra_info("socket").setsockopt(
                    socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.conns.add(conn)
        try:
            await asyncio.gather(pump(conn, creader, swriter, "c2s"),
                                 pump(conn, sreader, cwriter, "s2c"))
        finally:
            self.conns.discard(conn)
            for w in conn.writers:
                w.close()
            log(f"close {conn.n} c2s {conn.count['c2s']} "
                f"s2c {conn.count['s2c']}")

    async def run(self):
        server = await asyncio.start_server(self.handle, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        print(port, flush=True)
        try:
            await asyncio.sleep(self.args.max_seconds)
        finally:
            server.close()
            for c in list(self.conns):
                c.abort()
        log("time is up")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("target", type=int, help="port on 127.0.0.1")
    p.add_argument("mode", choices=["pass", "delay", "drop", "trickle",
                                    "flip"])
    p.add_argument("arg", nargs="?", type=float, default=0.0,
                   help="MS for delay, BYTES for drop, PROB for flip")
    p.add_argument("--both", action="store_true",
                   help="flip in both directions")
    p.add_argument("--at", default=None, metavar="OFFSET:BIT",
                   help="flip also this bit of this server->client byte "
                   "of the first connection")
    p.add_argument("--max-seconds", type=float, default=60.0)
    p.add_argument("--seed", type=int, default=None)
    args = p.parse_args()
    if args.at is not None:
        try:
            off, bit = (int(x) for x in args.at.split(":"))
            assert off >= 0 and 0 <= bit < 8
        except (ValueError, AssertionError):
            p.error("--at needs OFFSET:BIT (BIT 0..7)")
        args.at = (off, bit)
    if args.mode == "flip" and args.at is None and args.arg <= 0:
        p.error("flip needs a positive PROB or --at")
    if args.mode in ("delay", "drop") and args.arg <= 0:
        p.error(f"{args.mode} needs a positive argument")
    if not 0 < args.target < 65536 or args.max_seconds <= 0:
        p.error("bad port or --max-seconds")
    try:
        asyncio.run(Proxy(args).run())
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
