#!/usr/bin/env python3
"""Builds the same generated pages with ritme and Hugo, alternating, and
prints medians, the ritme/Hugo ratio, peak memory and the I/O floor.

usage: bench/compare.py [--sizes 1000,10000,50000] [--runs 5] [--ritme PATH]

Installs Debian's hugo when missing. Run on a quiet machine: the figures
are wall-clock times.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def run(cmd, cwd=None):
    """Runs cmd; returns (seconds, peak RSS in MiB)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{err}")
    return elapsed, usage.ru_maxrss / 1024


def floor(site, out):
    """Time to read every input file and copy the output tree: the I/O floor."""
    start = time.perf_counter()
    for d, _, files in os.walk(site):
        for f in files:
            with open(os.path.join(d, f), "rb") as fh:
                fh.read()
    copy = out + ".floor-copy"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(out, copy, symlinks=True)
    elapsed = time.perf_counter() - start
    shutil.rmtree(copy, ignore_errors=True)
    return elapsed


def ensure_hugo():
    if shutil.which("hugo"):
        return
    print("installing hugo (Debian package)…", file=sys.stderr)
    subprocess.run(["apt-get", "install", "-y", "-qq", "hugo"], check=True, stdout=subprocess.DEVNULL)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1000,10000,50000")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--ritme", default=os.path.join(ROOT, "target", "release", "ritme"))
    args = ap.parse_args()
    ensure_hugo()
    if not os.path.exists(args.ritme):
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    hugo_version = subprocess.run(["hugo", "version"], capture_output=True, text=True).stdout.split()[1]

    rows = []
    with tempfile.TemporaryDirectory(prefix="ritme-bench-") as tmp:
        for n in [int(s) for s in args.sizes.split(",")]:
            work = os.path.join(tmp, str(n))
            subprocess.run([sys.executable, os.path.join(HERE, "gen_pages.py"), str(n), work], check=True)
            r_site, h_site = os.path.join(work, "ritme"), os.path.join(work, "hugo")
            r_out, h_out = os.path.join(work, "ritme-out"), os.path.join(h_site, "public")
            r_times, h_times, r_mem, h_mem = [], [], [], []
            # One warm-up each (page cache, and ritme's second output folder), then alternate.
            run([args.ritme, "build", r_site, "-o", r_out])
            run([args.ritme, "build", r_site, "-o", r_out])
            run(["hugo", "--quiet"], cwd=h_site)
            for _ in range(args.runs):
                t, m = run([args.ritme, "build", r_site, "-o", r_out])
                r_times.append(t)
                r_mem.append(m)
                t, m = run(["hugo", "--quiet"], cwd=h_site)
                h_times.append(t)
                h_mem.append(m)
            r_med, h_med = statistics.median(r_times), statistics.median(h_times)
            rows.append((n, r_med, h_med, r_med / h_med, max(r_mem), max(h_mem), floor(r_site, r_out),
                         r_med / n * 1e6))
            shutil.rmtree(work, ignore_errors=True)

    print(f"\nritme vs Hugo {hugo_version}, median of {args.runs} alternating runs, {os.cpu_count()} cores\n")
    print("| pages | ritme (s) | Hugo (s) | ritme/Hugo | ritme peak MiB | Hugo peak MiB | I/O floor (s) | ritme µs/page |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n, r, h, ratio, rm, hm, fl, per in rows:
        print(f"| {n:,} | {r:.2f} | {h:.2f} | {ratio:.2f} | {rm:.0f} | {hm:.0f} | {fl:.2f} | {per:.0f} |")


if __name__ == "__main__":
    main()
