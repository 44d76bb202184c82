#!/usr/bin/env python3
"""Edit-to-browser latency of `ritme serve`: how long after a Markdown file
is saved the open page is told to reload and the new text is served.

usage: bench/serve_latency.py SITE PAGE_FILE URL_PATH [--runs 10] [--ritme PATH] [--replace OLD NEW]
e.g.   bench/serve_latency.py content coaching/spiegelgesprek.md /coaching/spiegelgesprek/

A Markdown file gets a new paragraph with a marker on every save, and the
page must show the marker. With --replace (for data files, where a marker
cannot go), each save alternates between the file with the first OLD
replaced by NEW and the original, and the page at URL_PATH must change.
e.g.   bench/serve_latency.py SITE data/logs/2026-W52.yaml /people/p1/ --replace "    b0: 1" "    b0: 7"
"""
import argparse
import os
import shutil
import socket
import statistics
import subprocess
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("site")
    ap.add_argument("page_file")
    ap.add_argument("url_path")
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--ritme", default=os.path.join(ROOT, "target", "release", "ritme"))
    ap.add_argument("--replace", nargs=2, metavar=("OLD", "NEW"))
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        site = os.path.join(tmp, "site")
        shutil.copytree(args.site, site, ignore=shutil.ignore_patterns("public", ".public.*"))
        proc = subprocess.Popen([args.ritme, "serve", site, "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        try:
            for line in proc.stdout:
                if "http://" in line:
                    addr = line.split("http://")[1].split("/")[0]
                    break
            host, port = addr.split(":")
            sse = socket.create_connection((host, int(port)))
            sse.sendall(f"GET /__ritme/events HTTP/1.0\r\nHost: {addr}\r\n\r\n".encode())
            sse.settimeout(10)
            sse.recv(4096)  # headers and the retry line
            path = os.path.join(site, args.page_file)
            original = open(path, encoding="utf-8").read()
            event_ms, visible_ms = [], []
            if args.replace:
                assert args.replace[0] in original, "OLD is not in the file"
                edited = original.replace(args.replace[0], args.replace[1], 1)
            before = urllib.request.urlopen(f"http://{addr}{args.url_path}").read().decode()
            for i in range(args.runs):
                marker = f"Meetpunt {i} {time.time_ns()}"
                start = time.perf_counter()
                with open(path, "w", encoding="utf-8") as f:
                    if args.replace:
                        f.write(edited if i % 2 == 0 else original)
                    else:
                        f.write(original + f"\n\n{marker}\n")
                buf = b""
                while b"data: reload" not in buf:
                    buf += sse.recv(4096)
                event_ms.append((time.perf_counter() - start) * 1000)
                body = urllib.request.urlopen(f"http://{addr}{args.url_path}").read().decode()
                if args.replace:
                    assert body != before, "the reload came before the new page"
                    before = body
                else:
                    assert marker in body, "the reload came before the new page"
                visible_ms.append((time.perf_counter() - start) * 1000)
                time.sleep(0.3)
            print(f"{args.site}: reload event after a save, median {statistics.median(event_ms):.0f} ms "
                  f"(max {max(event_ms):.0f}); new page served after {statistics.median(visible_ms):.0f} ms median "
                  f"over {args.runs} saves")
        finally:
            proc.kill()


if __name__ == "__main__":
    main()
