#!/usr/bin/env python3
"""Deterministic data-heavy ritme site: P people in teams of 10 (one
manager each), W weeks of logs for B behaviours, coaching sessions,
outcomes and a few stories.

usage: gen_data.py PEOPLE WEEKS BEHAVIOURS OUT_DIR [--named]
"""
import datetime
import os
import random
import shutil
import sys


def main():
    people, weeks, behaviours, out = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    named = "--named" in sys.argv
    rng = random.Random(7)
    shutil.rmtree(out, ignore_errors=True)
    for d in ("behaviours", "stories", "data/logs", "data/coaching"):
        os.makedirs(os.path.join(out, d))
    with open(os.path.join(out, "ritme.yaml"), "w") as f:
        f.write("title: Benchmark\nlanguage: en\nprivacy:\n  mode: %s\n" % ("named" if named else "aggregate"))
    bids = [f"b{i}" for i in range(behaviours)]
    for i, b in enumerate(bids):
        roles = "[manager]" if i == behaviours - 1 else "[rep]"
        with open(os.path.join(out, "behaviours", f"{b}.md"), "w") as f:
            f.write(f"---\ntitle: Behaviour {i}\ntarget: {1 + i % 4}\nroles: {roles}\ncategory: Group {i % 3}\n---\nWhy it matters.\n")
    teams = (people + 9) // 10
    lines = ["teams:"]
    for t in range(teams):
        lines.append(f"  - {{ id: t{t}, name: Team {t}, manager: p{t * 10} }}")
    lines.append("people:")
    for p in range(people):
        role = "manager" if p % 10 == 0 else "rep"
        lines.append(f"  - {{ id: p{p}, name: Person {p}, team: t{p // 10}, role: {role} }}")
    with open(os.path.join(out, "data", "team.yaml"), "w") as f:
        f.write("\n".join(lines) + "\n")
    start = datetime.date(2025, 1, 6)  # Monday of 2025-W02
    skill = [rng.random() for _ in range(people)]
    for w in range(weeks):
        monday = start + datetime.timedelta(weeks=w)
        y, wk, _ = monday.isocalendar()
        key = f"{y}-W{wk:02d}"
        out_lines = [f"week: {key}", "entries:"]
        for p in range(people):
            if rng.random() < 0.03:
                out_lines.append(f"  p{p}: skip")
                continue
            out_lines.append(f"  p{p}:")
            manager = p % 10 == 0
            for i, b in enumerate(bids):
                if (i == behaviours - 1) != manager:
                    continue
                target = 1 + i % 4
                n = target + 1 if rng.random() < skill[p] else rng.randint(0, target - 1) if target > 1 else 0
                out_lines.append(f"    {b}: {n}")
        with open(os.path.join(out, "data", "logs", f"{key}.yaml"), "w") as f:
            f.write("\n".join(out_lines) + "\n")
    months = {}
    for w in range(0, weeks, 2):
        d = start + datetime.timedelta(weeks=w, days=1)
        months.setdefault(d.strftime("%Y-%m"), [])
        for t in range(teams):
            rep = t * 10 + 1 + (w // 2) % 9
            if rep < people:
                months[d.strftime("%Y-%m")].append(f"  - {{ date: {d.isoformat()}, coach: p{t * 10}, person: p{rep}, minutes: 30, behaviours: [b0] }}")
    for m, sessions in months.items():
        with open(os.path.join(out, "data", "coaching", f"{m}.yaml"), "w") as f:
            f.write("sessions:\n" + "\n".join(sessions) + "\n")
    with open(os.path.join(out, "data", "outcomes.yaml"), "w") as f:
        f.write("months:\n")
        for m in sorted(months):
            f.write(f"  {m}:\n")
            for p in range(people):
                if p % 10:
                    f.write(f"    p{p}: {{ won: {rng.randint(0, 6)}, lost: {rng.randint(0, 6)} }}\n")
    for s in range(10):
        d = start + datetime.timedelta(weeks=s * (weeks // 10))
        with open(os.path.join(out, "stories", f"story-{s}.md"), "w") as f:
            f.write(f"---\ntitle: Story {s}\ndate: {d.isoformat()}\nteam: t{s % teams}\nbehaviours: [b0]\nconsent: true\n---\nA story.\n")


if __name__ == "__main__":
    main()
