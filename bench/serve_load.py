#!/usr/bin/env python3
"""A bounded load test of `ritme serve` on loopback: REQUESTS requests from
CONCURRENCY parallel clients over the example's pages and assets; reports
failures, throughput and the server's memory before and after.

usage: bench/serve_load.py [--requests 4000] [--concurrency 200] [--rounds 3]
"""
import argparse
import concurrent.futures
import os
import shutil
import subprocess
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PATHS = ["/", "/behaviours/tijdig-opvolgen/", "/teams/zuid/", "/assets/style.css", "/assets/search-index.js",
         "/reports/2026-10/", "/metrics.json", "/bestaat-niet/", "/%2e%2e/ritme.yaml"]


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def fetch(url):
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            r.read()
            return r.status
    except urllib.error.HTTPError as e:
        e.read()
        return e.code
    except Exception as e:  # a failed request
        return str(e)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--requests", type=int, default=4000)
    ap.add_argument("--concurrency", type=int, default=200)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--ritme", default=os.path.join(ROOT, "target", "release", "ritme"))
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        site = os.path.join(tmp, "site")
        shutil.copytree(os.path.join(ROOT, "content"), site, ignore=shutil.ignore_patterns("public", ".public.*"))
        proc = subprocess.Popen([args.ritme, "serve", site, "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        try:
            for line in proc.stdout:
                if "http://" in line:
                    base = "http://" + line.split("http://")[1].split("/")[0]
                    break
            start_rss = rss_kib(proc.pid)
            for r in range(args.rounds):
                urls = [base + PATHS[i % len(PATHS)] for i in range(args.requests)]
                started = time.perf_counter()
                with concurrent.futures.ThreadPoolExecutor(args.concurrency) as pool:
                    results = list(pool.map(fetch, urls))
                took = time.perf_counter() - started
                bad = [x for x in results if x not in (200, 404)]
                wrong = sum(1 for u, x in zip(urls, results) if (x == 404) != ("bestaat" in u or "%2e" in u))
                print(f"round {r + 1}: {len(results)} requests, {args.concurrency} at a time, {took:.1f} s "
                      f"({len(results) / took:.0f}/s), failed {len(bad)}, wrong status {wrong}, "
                      f"server memory {rss_kib(proc.pid) / 1024:.1f} MiB (started at {start_rss / 1024:.1f} MiB)")
        finally:
            proc.kill()


if __name__ == "__main__":
    main()
