#!/usr/bin/env python3
"""bench-web.py - time the console's reads over HTTP (tools/bench-web.sh):

    bench-web.py URL USER PASSWORD REQUESTS CONNINFO

Logs in, then sends REQUESTS of each route one after the other on one
keep-alive connection, as a browser would: GET /api/dashboard, GET
/api/families?q= with a part of a payer's name (four letters of the
last word of names drawn from the store), GET /api/family?ref= with
families drawn from the store. Prints the median and p95 in ms of each
(the whole request: sent, served, read), and the first request of each
(the dashboard's first reads the balance from the store, the next ones
are kept until the ledger changes); then the months of Rapports (GET
/api/reports) as many times, and the month's report made whole as HTML
and as PDF (GET /api/report/html|pdf?month=2026-10) REQUESTS / 50 times
each, at least 3, without warm-up. Fails on any status but 200.
"""
import http.client
import json
import statistics
import subprocess
import sys
import time
import urllib.parse


def sample(conninfo, sql):
    out = subprocess.run(["psql", conninfo, "-XAtc", sql], check=True,
                         capture_output=True, text=True).stdout
    return [line for line in out.splitlines() if line]


def main():
    url, user, password, n, conninfo = sys.argv[1:6]
    n = int(n)
    u = urllib.parse.urlsplit(url)
    conn = None
    for _ in range(600):
        try:
            conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
            conn.request("GET", "/api/session")
            conn.getresponse().read()
            break
        except OSError:
            conn = None
            time.sleep(0.1)
    if conn is None:
        sys.exit("bench-web: the console does not answer")
    conn.request("POST", "/api/login",
                  json.dumps({"user": user, "password": password}),
                  {"Content-Type": "application/json"})
    r = conn.getresponse()
    r.read()
    cookie = r.getheader("Set-Cookie", "").split(";")[0]
    if r.status != 200 or not cookie:
        sys.exit("bench-web: login refused (%d)" % r.status)
    refs = sample(conninfo, "SELECT f.family_ref FROM families f WHERE"
                  " EXISTS (SELECT 1 FROM invoices i WHERE i.family_id ="
                  " f.id) ORDER BY random() LIMIT %d" % n)
    names = sample(conninfo, "SELECT payer_name FROM families ORDER BY"
                   " random() LIMIT %d" % n)
    parts = [name.split()[-1][:4].lower() for name in names]
    # the month's report is made whole at each request: a few, no warm-up
    reports = max(3, n // 50)
    routes = (
        ("GET /api/dashboard", ["/api/dashboard"] * n, 10),
        ("GET /api/families?q=", ["/api/families?q=" + urllib.parse.quote(p)
                                  for p in parts], 10),
        ("GET /api/family?ref=", ["/api/family?ref=" + urllib.parse.quote(r)
                                  for r in refs], 10),
        ("GET /api/reports", ["/api/reports"] * n, 10),
        ("GET /api/report/html", ["/api/report/html?month=2026-10"]
         * reports, 0),
        ("GET /api/report/pdf", ["/api/report/pdf?month=2026-10"]
         * reports, 0),
    )
    headers = {"Cookie": cookie}
    for label, paths, warm in routes:
        times = []
        sizes = []
        for i, path in enumerate(paths[:warm] + paths):
            t0 = time.perf_counter()
            conn.request("GET", path, headers=headers)
            r = conn.getresponse()
            body = r.read()
            dt = (time.perf_counter() - t0) * 1000
            if r.status != 200:
                sys.exit("bench-web: %s: %d %s" % (path, r.status, body[:200]))
            if i == 0:
                first = dt
            if i >= warm:
                times.append(dt)
                sizes.append(len(body))
        times.sort()
        print("  %-22s median %6.1f ms, p95 %6.1f ms, max %6.1f ms"
              " (%d requests, %d bytes a reply on average)"
              % (label, statistics.median(times),
                 times[int(len(times) * 0.95) - 1], times[-1], len(times),
                 sum(sizes) // len(sizes)))
        print("  %-22s the first one: %.1f ms" % ("", first))


if __name__ == "__main__":
    main()
