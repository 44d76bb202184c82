#!/usr/bin/env python3
"""Edit-to-browser latency of `ritme serve`: how long after a Markdown file
is saved the open page is told to reload and the new text is served.

usage: bench/serve_latency.py SITE PAGE_FILE URL_PATH [--runs 10] [--ritme PATH]
e.g.   bench/serve_latency.py content coaching/spiegelgesprek.md /coaching/spiegelgesprek/
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
            for i in range(args.runs):
                marker = f"Meetpunt {i} {time.time_ns()}"
                start = time.perf_counter()
                with open(path, "w", encoding="utf-8") as f:
                    f.write(original + f"\n\n{marker}\n")
                buf = b""
                while b"data: reload" not in buf:
                    buf += sse.recv(4096)
                event_ms.append((time.perf_counter() - start) * 1000)
                body = urllib.request.urlopen(f"http://{addr}{args.url_path}").read().decode()
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
