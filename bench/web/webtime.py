"""webtime.py URL [N] [WARM] - time GETs of the web app over one keep-alive
connection (http.client), logged in through URL (`kith open --print`).

Prints one JSON line: for each path, the latencies' p50, p99, max (ms),
the number of requests and the body size.  The paths are taken in turn,
one request each per round, so load from other processes hurts each path
alike.  Every response must be 200; anything else ends the run (exit 1)."""
import http.client
import json
import sys
import time

PATHS = ["/static/kith.css", "/", "/wishes"]


def main():
    url = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    warm = int(sys.argv[3]) if len(sys.argv) > 3 else 20
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
        dt = (time.perf_counter() - t0) * 1000.0
        return r.status, r.getheader("Set-Cookie") or "", body, dt

    st, setc, _, _ = get(url[len("http://" + hostport):])
    cookie = setc.split(";", 1)[0]
    if st != 303 or not cookie.startswith("kith_session="):
        print("webtime: the login link did not log in (HTTP %d)" % st,
              file=sys.stderr)
        return 1
    times = {p: [] for p in PATHS}
    size = {}
    for i in range(warm + n):
        for p in PATHS:
            st, _, body, dt = get(p, cookie)
            if st != 200:
                print("webtime: GET %s answered %d" % (p, st), file=sys.stderr)
                return 1
            size[p] = len(body)
            if i >= warm:
                times[p].append(dt)
    out = {}
    for p in PATHS:
        t = sorted(times[p])
        out[p] = {
            "n": len(t),
            "p50": t[len(t) // 2],
            "p99": t[min(len(t) - 1, int(len(t) * 0.99))],
            "max": t[-1],
            "bytes": size[p],
        }
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
