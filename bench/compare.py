#!/usr/bin/env python3
"""Builds the same generated pages with ritme and Hugo, alternating, as CI
does: every timed build is a CLEAN build into an EMPTY (absent) folder.
Each round also times the copy floor, `cp -r` of Hugo's output (the least
any tool must spend to put those bytes there). This is done with the output
on tmpfs (/dev/shm: no disk noise) and on disk (next to the sites).

Then, apart from the clean builds, ritme's rebuilds into its existing
output: nothing changed, everything re-rendered (--no-cache), and one page
edited (whose output must equal a clean build's, byte for byte).

usage: bench/compare.py [--sizes 1000,10000] [--runs 5] [--media tmpfs,disk]
                        [--ritme PATH] [--work DIR]

Prints medians with the spread (min–max) and the machine's load average at
the start and end: the figures are wall-clock times, so a busy machine
shows in them. Installs Debian's hugo when missing.
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
TMPFS = "/dev/shm"


def run(cmd, cwd=None, want_stdout=False):
    """Runs cmd; returns (seconds, peak RSS in MiB, stdout); the CPU time
    (user + sys) of the last run is left in run.cpu."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE if want_stdout else subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    out = proc.stdout.read().decode(errors="replace") if want_stdout else ""
    err = proc.stderr.read().decode(errors="replace")
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.stderr.close()
    if want_stdout:
        proc.stdout.close()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{err}")
    run.cpu = usage.ru_utime + usage.ru_stime
    return elapsed, usage.ru_maxrss / 1024, out


def wipe(out):
    """Removes an output folder and everything ritme keeps beside it."""
    shutil.rmtree(out, ignore_errors=True)
    parent, name = os.path.split(out)
    for suffix in ("ritme-prev", "ritme-lock", "ritme-cache", "ritme-md"):
        p = os.path.join(parent, f".{name}.{suffix}")
        if os.path.isdir(p):
            shutil.rmtree(p, ignore_errors=True)
        elif os.path.exists(p):
            os.remove(p)


def tree_bytes(root):
    total, count = 0, 0
    for d, _, names in os.walk(root):
        for n in names:
            total += os.path.getsize(os.path.join(d, n))
            count += 1
    return total, count


def same_tree(a, b):
    """Whether two folders hold the same files with the same bytes."""
    def files(root):
        out = {}
        for d, _, names in os.walk(root):
            for n in names:
                p = os.path.join(d, n)
                with open(p, "rb") as fh:
                    out[os.path.relpath(p, root)] = fh.read()
        return out
    return files(a) == files(b)


def stats(xs):
    return statistics.median(xs), min(xs), max(xs)


def fmt(s):
    med, lo, hi = s
    return f"{med:.2f} ({lo:.2f}–{hi:.2f})"


def clean_builds(ritme, r_site, h_site, place, runs):
    """Alternating clean builds into an absent folder under `place`:
    ritme, Hugo, copy of Hugo's output. Returns the three time lists, peak
    memory of each tool and the output sizes."""
    r_out, h_out, copy = (os.path.join(place, n) for n in ("ritme-out", "hugo-out", "floor-copy"))
    times = {"ritme": [], "hugo": [], "copy": []}
    mem = {"ritme": [], "hugo": []}
    cpu = {"ritme": [], "hugo": []}
    for i in range(runs + 1):  # the first round warms the page cache and is not counted
        for o in (r_out, h_out, copy):
            wipe(o)
        t_r, m_r, _ = run([ritme, "build", r_site, "-o", r_out, "--no-cache"])
        c_r = run.cpu
        t_h, m_h, _ = run(["hugo", "--quiet", "-s", h_site, "-d", h_out])
        c_h = run.cpu
        t_c, _, _ = run(["cp", "-r", h_out, copy])
        if i == 0:
            continue
        times["ritme"].append(t_r)
        times["hugo"].append(t_h)
        times["copy"].append(t_c)
        mem["ritme"].append(m_r)
        mem["hugo"].append(m_h)
        cpu["ritme"].append(c_r)
        cpu["hugo"].append(c_h)
    sizes = {"ritme": tree_bytes(r_out), "hugo": tree_bytes(h_out)}
    for o in (h_out, copy):
        wipe(o)
    return times, mem, cpu, sizes, r_out


def rebuilds(ritme, site, out, runs):
    """Rebuilds into the existing output `out`: nothing changed, every page
    re-rendered, one page edited; and whether the edited output equals a
    clean build's."""
    nochange = [run([ritme, "build", site, "-o", out])[0] for _ in range(runs)]
    rerender = [run([ritme, "build", site, "-o", out, "--no-cache"])[0] for _ in range(runs)]
    pages = os.path.join(site, "pages")
    folder = sorted(d for d in os.listdir(pages) if os.path.isdir(os.path.join(pages, d)))[0]
    page = os.path.join(pages, folder, sorted(os.listdir(os.path.join(pages, folder)))[0])
    original = open(page, encoding="utf-8").read()
    edits, edit_cpu, rendered = [], [], "?"
    for i in range(runs):
        with open(page, "a", encoding="utf-8") as fh:
            fh.write(f"\nBewerking {i}: een nieuwe zin.\n")
        t, _, text = run([ritme, "build", site, "-o", out], want_stdout=True)
        edits.append(t)
        edit_cpu.append(run.cpu)
        rendered = text.split("; ", 1)[1].split(" rendered", 1)[0] if " rendered" in text else "all"
    clean = out + ".clean"
    wipe(clean)
    run([ritme, "build", site, "-o", clean, "--no-cache"])
    clean_cpu = run.cpu
    identical = same_tree(out, clean)
    wipe(clean)
    with open(page, "w", encoding="utf-8") as fh:
        fh.write(original)
    return (stats(nochange), stats(rerender), stats(edits), rendered, identical,
            statistics.median(edit_cpu), clean_cpu)


def ensure_hugo():
    if shutil.which("hugo"):
        return
    print("installing hugo (Debian package)…", file=sys.stderr)
    subprocess.run(["apt-get", "install", "-y", "-qq", "hugo"], check=True, stdout=subprocess.DEVNULL)


def load():
    return " ".join(open("/proc/loadavg").read().split()[:3])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1000,10000")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--media", default="tmpfs,disk")
    ap.add_argument("--ritme", default=os.path.join(ROOT, "target", "release", "ritme"))
    ap.add_argument("--work", default=None, help="where the sites and the on-disk outputs go (default: a temp folder)")
    ap.add_argument("--no-rebuilds", action="store_true")
    args = ap.parse_args()
    ensure_hugo()
    if not os.path.exists(args.ritme):
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    hugo_version = subprocess.run(["hugo", "version"], capture_output=True, text=True).stdout.split()[1]
    media = args.media.split(",")
    load_start = load()

    clean_rows, inc_rows = [], []
    with tempfile.TemporaryDirectory(prefix="ritme-bench-", dir=args.work) as tmp, \
            tempfile.TemporaryDirectory(prefix="ritme-bench-", dir=TMPFS) as shm:
        for n in [int(s) for s in args.sizes.split(",")]:
            work = os.path.join(tmp, str(n))
            subprocess.run([sys.executable, os.path.join(HERE, "gen_pages.py"), str(n), work], check=True)
            r_site, h_site = os.path.join(work, "ritme"), os.path.join(work, "hugo")
            r_out = None
            for medium in media:
                place = os.path.join(shm if medium == "tmpfs" else tmp, f"{n}-out")
                os.makedirs(place, exist_ok=True)
                times, mem, cpu, sizes, r_out = clean_builds(args.ritme, r_site, h_site, place, args.runs)
                r, h, c = stats(times["ritme"]), stats(times["hugo"]), stats(times["copy"])
                ratios_h = [a / b for a, b in zip(times["ritme"], times["hugo"])]
                ratios_c = [a / b for a, b in zip(times["ritme"], times["copy"])]
                clean_rows.append((n, medium, r, h, c, statistics.median(ratios_h), statistics.median(ratios_c),
                                   max(mem["ritme"]), max(mem["hugo"]), statistics.median(cpu["ritme"]),
                                   statistics.median(cpu["hugo"]), sizes))
                if medium != media[-1]:
                    wipe(r_out)
            if not args.no_rebuilds:
                inc_rows.append((n, clean_rows[-1][2][0]) + rebuilds(args.ritme, r_site, r_out, args.runs))
            shutil.rmtree(work, ignore_errors=True)
            shutil.rmtree(os.path.join(shm, f"{n}-out"), ignore_errors=True)

    print(f"\nClean builds into an empty folder, ritme vs Hugo {hugo_version} and the copy floor "
          f"(cp -r of Hugo's output), median (min–max) of {args.runs} alternating rounds, {os.cpu_count()} cores, "
          f"load average {load_start} at the start, {load()} at the end\n")
    print("| pages | output on | ritme (s) | Hugo (s) | copy floor (s) | ritme/Hugo | ritme/floor "
          "| ritme CPU s | Hugo CPU s | ritme peak MiB | Hugo peak MiB | ritme output MB (files) | Hugo output MB (files) |")
    print("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n, medium, r, h, c, rh, rc, rm, hm, rcpu, hcpu, sizes in clean_rows:
        (rb, rf), (hb, hf) = sizes["ritme"], sizes["hugo"]
        print(f"| {n:,} | {medium} | {fmt(r)} | {fmt(h)} | {fmt(c)} | {rh:.2f} | {rc:.1f} | {rcpu:.2f} | {hcpu:.2f} "
              f"| {rm:.0f} | {hm:.0f} "
              f"| {rb / 1e6:.0f} ({rf:,}) | {hb / 1e6:.0f} ({hf:,}) |")
    if inc_rows:
        print(f"\nritme rebuilds into its existing output (on {media[-1]}), median (min–max) of {args.runs}\n")
        print("| pages | clean build (s) | nothing changed (s) | all re-rendered, --no-cache (s) "
              "| one page edited (s) | edit / clean | CPU s: edit / clean | pages rendered | same bytes as a clean build |")
        print("|---:|---:|---:|---:|---:|---:|---:|---:|:---:|")
        for n, clean, nochange, rerender, edit, rendered, identical, e_cpu, c_cpu in inc_rows:
            print(f"| {n:,} | {clean:.2f} | {fmt(nochange)} | {fmt(rerender)} | {fmt(edit)} | {edit[0] / clean:.0%} "
                  f"| {e_cpu:.2f} / {c_cpu:.2f} ({e_cpu / c_cpu:.0%}) | {rendered} | {'yes' if identical else 'NO'} |")


if __name__ == "__main__":
    main()
