#!/usr/bin/env python3
"""Builds the same generated pages with ritme and Hugo, alternating, and
prints medians, the ritme/Hugo ratio, peak memory and the I/O floor; then
ritme's incremental builds: nothing changed, and one page edited (which
must give the same bytes as a clean build).

usage: bench/compare.py [--sizes 1000,10000,50000] [--runs 5] [--ritme PATH]

ritme's full builds run with --no-cache (every page rendered, as Hugo
does); like every ritme build they write only the files that differ from
the output folder's previous content.

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


def run(cmd, cwd=None, want_stdout=False):
    """Runs cmd; returns (seconds, peak RSS in MiB[, stdout])."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE if want_stdout else subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    out = proc.stdout.read().decode(errors="replace") if want_stdout else ""
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    if want_stdout:
        proc.stdout.close()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{err}")
    return (elapsed, usage.ru_maxrss / 1024, out) if want_stdout else (elapsed, usage.ru_maxrss / 1024)


def same_tree(a, b):
    """Whether two folders hold the same files with the same bytes (ritme's marker aside)."""
    def files(root):
        out = {}
        for d, _, names in os.walk(root):
            for n in names:
                p = os.path.join(d, n)
                rel = os.path.relpath(p, root)
                if rel != ".ritme-output":
                    with open(p, "rb") as fh:
                        out[rel] = fh.read()
        return out
    return files(a) == files(b)


def incremental(ritme, site, out, runs):
    """No-change rebuild and one-page edits: medians, pages rendered, and
    whether the edited build equals a clean one."""
    nochange = statistics.median(run([ritme, "build", site, "-o", out])[0] for _ in range(runs))
    pages = os.path.join(site, "pages")
    folder = sorted(d for d in os.listdir(pages) if os.path.isdir(os.path.join(pages, d)))[0]
    page = os.path.join(pages, folder, sorted(os.listdir(os.path.join(pages, folder)))[0])
    times, rendered = [], []
    for i in range(runs):
        with open(page, "a", encoding="utf-8") as fh:
            fh.write(f"\nBewerking {i}: een nieuwe zin.\n")
        t, _, text = run([ritme, "build", site, "-o", out], want_stdout=True)
        times.append(t)
        rendered.append(text.split("; ", 1)[1].split(" rendered", 1)[0] if " rendered" in text else "all")
    clean = out + ".clean"
    run([ritme, "build", site, "-o", clean, "--no-cache"])
    identical = same_tree(out, clean)
    shutil.rmtree(clean, ignore_errors=True)
    return nochange, statistics.median(times), rendered[-1], identical


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

    rows, inc = [], []
    with tempfile.TemporaryDirectory(prefix="ritme-bench-") as tmp:
        for n in [int(s) for s in args.sizes.split(",")]:
            work = os.path.join(tmp, str(n))
            subprocess.run([sys.executable, os.path.join(HERE, "gen_pages.py"), str(n), work], check=True)
            r_site, h_site = os.path.join(work, "ritme"), os.path.join(work, "hugo")
            r_out, h_out = os.path.join(work, "ritme-out"), os.path.join(h_site, "public")
            r_times, h_times, r_mem, h_mem = [], [], [], []
            # One warm-up each (page cache, and ritme's second output folder), then alternate.
            full = [args.ritme, "build", r_site, "-o", r_out, "--no-cache"]
            run(full)
            run(full)
            run(["hugo", "--quiet"], cwd=h_site)
            for _ in range(args.runs):
                t, m = run(full)
                r_times.append(t)
                r_mem.append(m)
                t, m = run(["hugo", "--quiet"], cwd=h_site)
                h_times.append(t)
                h_mem.append(m)
            r_med, h_med = statistics.median(r_times), statistics.median(h_times)
            rows.append((n, r_med, h_med, r_med / h_med, max(r_mem), max(h_mem), floor(r_site, r_out),
                         r_med / n * 1e6))
            inc.append((n, r_med) + incremental(args.ritme, r_site, r_out, args.runs))
            shutil.rmtree(work, ignore_errors=True)

    print(f"\nritme vs Hugo {hugo_version}, median of {args.runs} alternating runs, {os.cpu_count()} cores\n")
    print("| pages | ritme (s) | Hugo (s) | ritme/Hugo | ritme peak MiB | Hugo peak MiB | I/O floor (s) | ritme µs/page |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n, r, h, ratio, rm, hm, fl, per in rows:
        print(f"| {n:,} | {r:.2f} | {h:.2f} | {ratio:.2f} | {rm:.0f} | {hm:.0f} | {fl:.2f} | {per:.0f} |")

    print(f"\nritme incremental builds, median of {args.runs}\n")
    print("| pages | full build (s) | nothing changed (s) | one page edited (s) | pages rendered | same bytes as a clean build |")
    print("|---:|---:|---:|---:|---:|:---:|")
    for n, full, nochange, edit, rendered, identical in inc:
        print(f"| {n:,} | {full:.2f} | {nochange:.2f} ({nochange / full:.0%}) | {edit:.2f} ({edit / full:.0%}) "
              f"| {rendered} | {'yes' if identical else 'NO'} |")


if __name__ == "__main__":
    main()
