#!/usr/bin/env python3
"""A second reading of the metrics (README, "Metrics") in plain Python (PyYAML), to
check a build's metrics.json figure by figure to 1e-6.

usage: tools/crosscheck_metrics.py SITE OUT/metrics.json
Build SITE in named mode first (so metrics.json has `people`). It follows
the readings written in the README's "Metrics" section.

Rates are exact fractions here (CRs are ratios of small integers), so levels
and Spearman ties are decided on exact values; ritme must agree, whatever
the order of its files and behaviours. Exits 1 on any mismatch.
"""
import sys, os, glob, json, datetime, math
from fractions import Fraction
import yaml
site, metrics_path = sys.argv[1], sys.argv[2]
M = json.load(open(metrics_path))
cfg = yaml.safe_load(open(f"{site}/ritme.yaml")) or {}
cons = cfg.get("consistency", {}) or {}
W, MINW, H0 = cons.get("window_weeks", 13), cons.get("min_weeks", 6), cons.get("half_life", 2)
lv = cons.get("levels", {}) or {}
# Thresholds as the decimals written in ritme.yaml: 0.8 is 4/5 exactly.
LC, LD = Fraction(str(lv.get("consistent", .8))), Fraction(str(lv.get("developing", .5)))
MIN_GROUP = (cfg.get("privacy", {}) or {}).get("min_group_size", 5)
def fm(p):
    t = open(p).read().split("---")[1]; return yaml.safe_load(t)
rules = {}
for p in sorted(glob.glob(f"{site}/behaviours/*.md")):
    m = fm(p); bid = m.get("id") or os.path.basename(p)[:-3]
    rules[bid] = (m["target"], m.get("roles"), m.get("half_life") or H0)
team = yaml.safe_load(open(f"{site}/data/team.yaml"))
teams = {t["id"]: t for t in team["teams"]}
people = {p["id"]: p for p in team["people"]}
def wk(s):
    y, w = s.split("-W"); return datetime.date.fromisocalendar(int(y), int(w), 1)
logs = {}; weeks_seen = set()
for p in sorted(glob.glob(f"{site}/data/logs/**/*.yaml", recursive=True)):
    for d in yaml.safe_load_all(open(p)):
        if not d: continue
        w = wk(str(d["week"])); weeks_seen.add(w)
        for pid, e in (d.get("entries") or {}).items():
            logs[(pid, w)] = e
as_of = max(weeks_seen); first = min(weeks_seen)
weeks = []; w = first
while w <= as_of: weeks.append(w); w += datetime.timedelta(days=7)
def start_of(p):
    if p.get("start"): return wk(str(p["start"]))
    ws = [w for (pid, w) in logs if pid == p["id"]]; return min(ws) if ws else None
def cell(pid, b, w):
    p = people[pid]; s = start_of(p); e = wk(str(p["end"])) if p.get("end") else None
    if s is None or w < s or (e and w > e): return "inactive"
    ent = logs.get((pid, w))
    if ent == "skip": return "skip"
    if ent is None: return ("none",)
    v = (ent or {}).get(b)
    if v == "skip": return "skip"
    if v is None: return ("none",)
    return ("n", v)
def cnt(c): return c[1] if c[0] == "n" else 0
def applies(b, p): r = rules[b][1]; return r is None or p["role"] in r
def cr_at(pid, b, j):
    t = rules[b][0]; hits = el = 0
    for i in range(max(0, j - W + 1), j + 1):
        c = cell(pid, b, weeks[i])
        if c in ("inactive", "skip"): continue
        el += 1; hits += cnt(c) >= t
    return (hits, el, Fraction(hits, el) if el >= MINW and el > 0 else None)
def mean(xs):
    xs = [x for x in xs if x is not None]; return sum(xs) / len(xs) if xs else None
def level(c):
    if c is None: return "insufficient"
    return "consistent" if c >= LC else "developing" if c >= LD else "incidental" if c > 0 else "absent"
def pcr(pid, j): return mean([cr_at(pid, b, j)[2] for b in rules if applies(b, people[pid])])
def is_rep(pid):
    p = people[pid]; return p["role"] != "manager" and teams.get(p["team"], {}).get("manager") != pid
errs = 0; n = 0
def cmp(path, mine, theirs):
    global errs, n
    n += 1
    if mine is None or theirs is None:
        ok = mine is None and theirs is None
    elif isinstance(mine, (float, Fraction)) or isinstance(theirs, float):
        ok = abs(float(mine) - theirs) < 1e-6
    else: ok = mine == theirs
    if not ok:
        errs += 1
        if errs < 40: print("MISMATCH", path, "mine", mine, "ritme", theirs)
J = len(weeks) - 1
for pid, p in people.items():
    if "people" not in M: break
    cmp(f"people.{pid}.cr", pcr(pid, J), M["people"][pid]["cr"])
    cmp(f"people.{pid}.level", level(pcr(pid, J)), M["people"][pid]["level"])
    for b in rules:
        if not applies(b, p): continue
        t, _, h = rules[b]; hits, el, c = cr_at(pid, b, J)
        mb = M["people"][pid]["behaviours"][b]
        cmp(f"people.{pid}.{b}.hits", hits, mb["hits"]); cmp(f"people.{pid}.{b}.eligible", el, mb["eligible"])
        cmp(f"people.{pid}.{b}.cr", c, mb["cr"]); cmp(f"people.{pid}.{b}.level", level(c), mb["level"])
        m = 0.5 ** (1 / h); S = 0; logged = elig = 0; runs = []; run = 0; longest = 0
        for w in weeks:
            c2 = cell(pid, b, w)
            if c2 in ("inactive", "skip"): continue
            x = min(1, cnt(c2) / t); S = S * m + x * (1 - m); elig += 1; logged += c2[0] == "n"
            if cnt(c2) >= t: run += 1; longest = max(longest, run)
            else: run = 0
        cmp(f"people.{pid}.{b}.strength", S, mb["strength"])
        cmp(f"people.{pid}.{b}.streak_current", run, mb["streak_current"]); cmp(f"people.{pid}.{b}.streak_longest", longest, mb["streak_longest"])
        cmp(f"people.{pid}.{b}.coverage", logged / elig if elig else None, mb["coverage"])
for tid, t in teams.items():
    reps = [pid for pid, p in people.items() if p["team"] == tid and is_rep(pid)]
    tc = mean([pcr(r, J) for r in reps]); cmp(f"teams.{tid}.cr", tc, M["teams"][tid]["cr"])
    mg = t.get("manager"); mc = pcr(mg, J) if mg in people else None
    cmp(f"teams.{tid}.gap", mc - tc if mc is not None and tc is not None else None, M["teams"][tid]["role_model_gap"])
# months
# As src/source.rs reads them: data/coaching/**/*.yaml|yml, then the single
# data/coaching.yaml (either layout is allowed; both count when both exist).
coaching_files = sorted(p for ext in ("yaml", "yml")
                        for p in glob.glob(f"{site}/data/coaching/**/*.{ext}", recursive=True))
if os.path.isfile(f"{site}/data/coaching.yaml"): coaching_files.append(f"{site}/data/coaching.yaml")
sessions = []
for p in coaching_files:
    sessions += (yaml.safe_load(open(p)) or {}).get("sessions") or []
outcomes = (yaml.safe_load(open(f"{site}/data/outcomes.yaml")) or {}).get("months", {}) if os.path.exists(f"{site}/data/outcomes.yaml") else {}
def ym(d): return f"{d.year}-{d.month:02d}"
months = sorted({ym(w + datetime.timedelta(days=3)) for w in weeks})
for mo in months:
    idx = [i for i, w in enumerate(weeks) if ym(w + datetime.timedelta(days=3)) == mo]
    jl = idx[-1]; mm = M["months"][mo]
    rr = {}; per_b = {}
    active = []
    for pid, p in people.items():
        if not is_rep(pid): continue
        if any(cell(pid, next(iter(rules)), weeks[i]) != "inactive" for i in idx): active.append(pid)
        ratios = {}
        for b in rules:
            if not applies(b, p): continue
            t = rules[b][0]; el = h = 0
            for i in idx:
                c = cell(pid, b, weeks[i])
                if c in ("inactive", "skip"): continue
                el += 1; h += cnt(c) >= t
            if el: ratios[b] = Fraction(h, el)
        if ratios: rr[pid] = sum(ratios.values()) / len(ratios); per_b[pid] = ratios
    cmp(f"months.{mo}.cr", mean(list(rr.values())), mm["cr"])
    for b in rules: cmp(f"months.{mo}.b.{b}", mean([per_b[p].get(b) for p in per_b]), mm["behaviours"][b]["cr"])
    for tid in teams: cmp(f"months.{mo}.t.{tid}", mean([v for p, v in rr.items() if people[p]["team"] == tid]), mm["teams"][tid]["cr"])
    levels = {k: 0 for k in ["consistent", "developing", "incidental", "absent", "insufficient"]}
    for pid in active: levels[level(pcr(pid, jl))] += 1
    for k in levels: cmp(f"months.{mo}.levels.{k}", levels[k], mm["levels"][k])
    ms = [s for s in sessions if ym(s["date"] if isinstance(s["date"], datetime.date) else datetime.date.fromisoformat(str(s["date"]))) == mo and s["person"] in active]
    cov = len({s["person"] for s in ms}) / len(active) if active else None
    mins = sum(s.get("minutes", 0) for s in ms) / len(active) if active else None
    cmp(f"months.{mo}.cov", cov, mm["coaching_coverage"]); cmp(f"months.{mo}.min", mins, mm["coaching_minutes_per_rep"])
    pts = []
    for pid, o in (outcomes.get(mo) or {}).items():
        c = pcr(pid, jl); tot = o["won"] + o["lost"]
        if c is not None and tot > 0: pts.append((c, Fraction(o["won"], tot)))
    # Exact fractions: equal values tie, as ritme must see them too.
    def tied(a, b): return a == b
    def ranks(v):
        s = sorted(range(len(v)), key=lambda i: v[i]); r = [0]*len(v); i = 0
        while i < len(s):
            j = i
            while j + 1 < len(s) and tied(v[s[j+1]], v[s[i]]): j += 1
            for k in s[i:j+1]: r[k] = (i + j) / 2 + 1
            i = j + 1
        return r
    if len(pts) >= MIN_GROUP:
        rx, ry = ranks([p[0] for p in pts]), ranks([p[1] for p in pts]); mx, my = sum(rx)/len(rx), sum(ry)/len(ry)
        sxy = sum((a-mx)*(b-my) for a, b in zip(rx, ry)); sxx = sum((a-mx)**2 for a in rx); syy = sum((b-my)**2 for b in ry)
        rho = sxy / math.sqrt(sxx*syy) if sxx > 0 and syy > 0 else None
        ll = mm["lead_lag"]; cmp(f"months.{mo}.ll.n", len(pts), ll and ll["n"]); cmp(f"months.{mo}.ll.rho", rho, ll and ll["rho"])
    else: cmp(f"months.{mo}.ll", None, mm["lead_lag"])
print(f"{n} figures compared, {errs} mismatches")
sys.exit(1 if errs else 0)
