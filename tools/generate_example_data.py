#!/usr/bin/env python3
"""Generate the example behaviour data of the ritme example programme.

Writes, under content/data/ (next to this script's repository):

  logs/2026/2026-Wnn.yaml   weekly behaviour logs, 2026-W01 .. 2026-W47
  coaching/2026-MM.yaml     coaching sessions per calendar month, Jan .. Nov
  outcomes.yaml             won / lost / revenue per rep per month

team.yaml is read, never written. The folders logs/ and coaching/ and the
file outcomes.yaml are owned by this script: they are deleted and rewritten
on every run. The output is deterministic (fixed seeds, sorted output, no
timestamps): two runs give byte-identical files.

The data tells a story (the README's "Metrics" defines the figures):

* Team Zuid (hanna) is incidental in Q1, starts weekly spiegelgesprekken in
  2026-W14 and climbs to consistent by the autumn.
* Team Noord (anne) is steady and developing; Gijs joins in 2026-W20 and
  ramps up over about twelve weeks.
* Team West (otto) is mixed, with sporadic coaching; otto's own
  voorbeeldgedrag is weak until 2026-W36, when he starts joining customer
  visits, after which his reps improve a little.
* eerlijk-communiceren stays weak for everyone all year.

With `--lang en` the same programme is written in English for the English
example (examples/en/data/): the model runs on the Dutch ids above, so every
figure of the story is the same, and the output is renamed through the
tables in `ENGLISH` (people, teams, behaviours, commitments).
examples/en/data/team.yaml is read to check that it names exactly the
renamed people, in the same teams and roles.

Standard library only; run with `python3 tools/generate_example_data.py`
(and again with `--lang en`).
"""

import argparse
import datetime
import os
import random
import re
import shutil
import sys

# The model below sets the trends; the seed only decides the weekly details.
# This one was picked from a few hundred candidates because every monthly
# figure of the story comes out clean with it (e.g. eerlijk-communiceren
# below 0.5 for every team in every month, Zuid above 0.8 from September).
SEED = "ritme-voorbeeld-2026-224"
YEAR = 2026
FIRST_WEEK, LAST_WEEK = 1, 47
MONTHS = list(range(1, 12))  # Jan .. Nov
HEADER = "# Gegenereerd door tools/generate_example_data.py; wijzigingen met de hand worden overschreven."

# (id, target per week, roles) in the order used in every log entry.
BEHAVIOURS = [
    ("tijdig-opvolgen", 5, ("rep",)),
    ("gesprek-voorbereiden", 4, ("rep",)),
    ("afspraken-nakomen", 3, ("rep", "manager")),
    ("eerlijk-communiceren", 2, ("rep",)),
    ("pijplijnreview", 1, ("rep",)),
    ("klantwaarde-doorvragen", 3, ("rep",)),
    ("voorbeeldgedrag", 2, ("manager",)),
]
TARGET = {b: t for b, t, _ in BEHAVIOURS}

# Dutch public holidays on weekdays in 2026: no coaching sessions on these.
PUBLIC_HOLIDAYS = {
    datetime.date(2026, 1, 1),   # Nieuwjaarsdag
    datetime.date(2026, 4, 3),   # Goede Vrijdag (many offices closed)
    datetime.date(2026, 4, 6),   # Tweede Paasdag
    datetime.date(2026, 4, 27),  # Koningsdag
    datetime.date(2026, 5, 14),  # Hemelvaartsdag
    datetime.date(2026, 5, 15),  # brugdag na Hemelvaart
    datetime.date(2026, 5, 25),  # Tweede Pinksterdag
}

# ---------------------------------------------------------------------------
# Paths and small helpers
# ---------------------------------------------------------------------------

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(REPO, "content", "data")


def rng(*tags):
    """An independent, deterministic random stream per purpose.

    String seeds are hashed with SHA-512 by `random.Random`, so the streams
    do not depend on PYTHONHASHSEED, and changing one part of the model does
    not reshuffle the others.
    """
    return random.Random(":".join([SEED] + [str(t) for t in tags]))


def week_id(w):
    return "%d-W%02d" % (YEAR, w)


def parse_week(s):
    m = re.fullmatch(r"(\d{4})-W(\d{2})", s)
    if not m or int(m.group(1)) != YEAR:
        sys.exit("generate_example_data: unexpected week %r in team.yaml" % s)
    return int(m.group(2))


def monday(w):
    return datetime.date.fromisocalendar(YEAR, w, 1)


def week_month(w):
    """The month a week belongs to: the month holding its Thursday."""
    return datetime.date.fromisocalendar(YEAR, w, 4).month


def weeks_of_month(m):
    return [w for w in range(FIRST_WEEK, LAST_WEEK + 1) if week_month(w) == m]


def clamp(x, lo, hi):
    return max(lo, min(hi, x))


def ramp(w, w0, w1, v0, v1):
    """Linear from v0 at week w0 to v1 at week w1, flat outside."""
    if w <= w0:
        return v0
    if w >= w1:
        return v1
    return v0 + (v1 - v0) * (w - w0) / (w1 - w0)


def pick_weighted(r, pairs):
    total = sum(p for _, p in pairs)
    x = r.random() * total
    for value, p in pairs:
        x -= p
        if x < 0:
            return value
    return pairs[-1][0]


def yaml_str(s):
    """A double-quoted YAML scalar."""
    out = []
    for ch in s:
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20:
            out.append("\\x%02x" % ord(ch))
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


# ---------------------------------------------------------------------------
# team.yaml (read only): a tiny reader for the subset of YAML it uses
# ---------------------------------------------------------------------------

def _scalar(v):
    v = v.strip()
    if len(v) >= 2 and v[0] == v[-1] and v[0] in "\"'":
        return v[1:-1]
    return v


def _strip_comment(line):
    return re.sub(r"(^|\s)#.*$", "", line).rstrip()


def _flow_map(text):
    out = {}
    for part in text.split(","):
        if part.strip():
            k, _, v = part.partition(":")
            out[k.strip()] = _scalar(v)
    return out


def read_team(path):
    sections = {"teams": [], "people": []}
    section = None
    current = None
    with open(path, encoding="utf-8") as f:
        for raw in f:
            line = _strip_comment(raw)
            if not line.strip():
                continue
            top = re.fullmatch(r"(\w+):\s*", line)
            if top:
                section = top.group(1) if top.group(1) in sections else None
                current = None
                continue
            if section is None:
                continue
            item = re.fullmatch(r"\s*-\s*(.*)", line)
            if item:
                body = item.group(1).strip()
                current = {}
                sections[section].append(current)
                if body.startswith("{") and body.endswith("}"):
                    current.update(_flow_map(body[1:-1]))
                    current = None
                elif body:
                    k, _, v = body.partition(":")
                    current[k.strip()] = _scalar(v)
                continue
            kv = re.fullmatch(r"\s+([\w-]+):\s*(.*)", line)
            if kv and current is not None:
                current[kv.group(1)] = _scalar(kv.group(2))
    teams, people = sections["teams"], sections["people"]
    if not teams or not people:
        sys.exit("generate_example_data: could not read teams/people from %s" % path)
    return teams, people


# ---------------------------------------------------------------------------
# The model
# ---------------------------------------------------------------------------

# Base hit probability for the "ordinary" rep behaviours (all but
# eerlijk-communiceren), per rep; offsets per behaviour below.
NOORD_BASE = {"bram": 0.75, "carla": 0.70, "dirk": 0.66, "eva": 0.76, "farid": 0.71}
ZUID_OFFSET = {"ivo": 0.03, "jasmijn": 0.05, "koen": -0.05, "lotte": 0.00,
               "mehmet": -0.04, "nina": 0.02}
WEST_BASE = {"priya": 0.63, "quinten": 0.46, "roos": 0.55, "sanne": 0.66, "tim": 0.50}
BEHAVIOUR_OFFSET = {
    "tijdig-opvolgen": -0.02,
    "gesprek-voorbereiden": 0.00,
    "afspraken-nakomen": 0.03,
    "pijplijnreview": 0.05,
    "klantwaarde-doorvragen": -0.05,
}
ZUID_COACHING_START = 14   # hanna's first spiegelgesprekken
OTTO_TURN = 36             # otto starts joining customer visits


def hit_probability(person, b, w):
    pid, team, role = person["id"], person["team"], person["role"]
    if role == "manager":
        if pid == "otto":
            if b == "voorbeeldgedrag":
                return 0.20 if w < OTTO_TURN else 0.86
            return 0.55 if w < OTTO_TURN else 0.76
        if pid == "anne":
            return {"voorbeeldgedrag": 0.82, "afspraken-nakomen": 0.78}[b]
        if pid == "hanna":
            # Keeping her own weekly promises is part of the new rhythm.
            base = {"voorbeeldgedrag": 0.72, "afspraken-nakomen": 0.76}[b]
            return base + ramp(w, ZUID_COACHING_START, 26, 0.0, 0.08)
        return 0.6
    # Reps.
    if b == "eerlijk-communiceren":
        if team == "zuid":
            return ramp(w, ZUID_COACHING_START, 40, 0.28, 0.40)
        if team == "west":
            return ramp(w, OTTO_TURN, OTTO_TURN + 4, 0.32, 0.38)
        if pid == "gijs":
            return ramp(w, 20, 32, 0.22, 0.36)
        return 0.37
    if team == "noord":
        if pid == "gijs":
            p = ramp(w, 20, 32, 0.30, 0.80)
        else:
            p = NOORD_BASE.get(pid, 0.66)
    elif team == "zuid":
        off = ZUID_OFFSET.get(pid, 0.0)
        # Incidental before the coaching starts, then a steady climb.
        p = ramp(w, ZUID_COACHING_START - 1, 35, 0.31 + off, 0.96 + off / 3)
    else:
        p = WEST_BASE.get(pid, 0.55) + ramp(w, OTTO_TURN, OTTO_TURN + 3, 0.0, 0.11)
    return p + BEHAVIOUR_OFFSET.get(b, 0.0)


def hit_count(r, target):
    if target == 1:
        extra = pick_weighted(r, [(0, 0.85), (1, 0.15)])
    elif target == 2:
        extra = pick_weighted(r, [(0, 0.60), (1, 0.30), (2, 0.10)])
    else:
        extra = pick_weighted(r, [(0, 0.45), (1, 0.30), (2, 0.17), (3, 0.06), (4, 0.02)])
    return target + extra


def miss_count(r, target):
    if target == 1:
        return 0
    if target == 2:
        return pick_weighted(r, [(1, 0.6), (0, 0.4)])
    pairs = [(target - 1, 0.5), (target - 2, 0.3)]
    rest = list(range(0, target - 2))
    for v in rest:
        pairs.append((v, 0.2 / len(rest)))
    return pick_weighted(r, pairs)


def applicable(person):
    return [b for b, _, roles in BEHAVIOURS if person["role"] in roles]


def plan_skips(people, active):
    """Whole-week skips (holidays, sickness), behaviour skips (training) and
    gaps in logging (whole entry or one behaviour not logged)."""
    week_skip = set()      # (pid, w)
    r = rng("holidays")
    starts_cycle = [28, 31, 29, 32, 30, 33, 28, 31]
    by_team = {}
    for p in people:
        by_team.setdefault(p["team"], []).append(p)
    for team in sorted(by_team):
        members = list(by_team[team])
        r.shuffle(members)
        for i, p in enumerate(members):
            pid = p["id"]
            if pid == "nina":          # leaves after W30; holiday before that
                start, length = 28, 2
            else:
                start = starts_cycle[i % len(starts_cycle)]
                length = r.choice([2, 3, 3])
                start = min(start, 35 - length + 1)
            for w in range(start, start + length):
                if w in active[pid]:
                    week_skip.add((pid, w))

    # Christmas leave running into W01 for a few people (still an entry).
    for pid in ("carla", "koen", "sanne"):
        week_skip.add((pid, 1))

    def near_skip(pid, w, span=1):
        return any((pid, x) in week_skip for x in range(w - span, w + span + 1))

    r = rng("sick")
    ids = [p["id"] for p in people]
    sick = 0
    while sick < 8:
        pid = r.choice(ids)
        w = r.randint(3, 45)
        if 26 <= w <= 37 or w not in active[pid] or near_skip(pid, w, 2):
            continue
        if pid == "gijs" and w < 24:
            continue
        week_skip.add((pid, w))
        sick += 1

    # Forgot to log: the whole entry is absent (counts as a miss).
    r = rng("absent-entries")
    absent_entry = set()
    while len(absent_entry) < 4:
        pid = r.choice(ids)
        w = r.randint(4, 44)
        if w not in active[pid] or near_skip(pid, w, 1) or (pid, w) in absent_entry:
            continue
        if w == max(active[pid]) or w == min(active[pid]):
            continue
        if any(q == pid for q, _ in absent_entry):
            continue
        absent_entry.add((pid, w))

    # Training weeks: one behaviour marked skip.
    r = rng("training")
    reps = [p["id"] for p in people if p["role"] == "rep"]
    beh_skip = {}          # (pid, w) -> behaviour
    while len(beh_skip) < 10:
        pid = r.choice(reps)
        w = r.randint(3, 46)
        if w not in active[pid] or (pid, w) in week_skip or (pid, w) in absent_entry:
            continue
        if (pid, w) in beh_skip:
            continue
        b = "pijplijnreview" if len(beh_skip) % 5 != 4 else "gesprek-voorbereiden"
        beh_skip[(pid, w)] = b

    # Not logged: one behaviour key absent in ~2 % of (person, week) cases.
    r = rng("absent-keys")
    absent_key = {}
    for p in people:
        beh = applicable(p)
        for w in sorted(active[p["id"]]):
            key = (p["id"], w)
            if key in week_skip or key in absent_entry:
                continue
            if r.random() < 0.02:
                choices = [b for b in beh if beh_skip.get(key) != b]
                absent_key[key] = r.choice(choices)
    return week_skip, absent_entry, beh_skip, absent_key


# A few plausible high outliers for the data-health page.
OUTLIERS = {
    ("bram", 11, "tijdig-opvolgen"): 19,
    ("priya", 23, "gesprek-voorbereiden"): 14,
    ("lotte", 42, "klantwaarde-doorvragen"): 13,
}


def generate_logs(people, active, skips):
    """Returns logs[w][pid] = 'skip' | {behaviour: int | 'skip'};
    an absent person or behaviour is simply not in the map.

    Hits are drawn with a jittered error-diffusion sampler rather than
    independent coin flips: per (person, behaviour) a balance collects the
    week's hit probability, a hit spends one unit of it, and a random jitter
    decides the weeks in between. Single weeks still look random, but a
    month's share of hits stays close to the intended probability, so the
    story in the figures does not depend on luck of the draw.
    """
    week_skip, absent_entry, beh_skip, absent_key = skips
    logs = {w: {} for w in range(FIRST_WEEK, LAST_WEEK + 1)}
    for p in people:
        pid = p["id"]
        r = rng("counts", pid)
        balance = {b: r.random() for b in applicable(p)}
        for w in range(FIRST_WEEK, LAST_WEEK + 1):
            # The week's "form" is shared by the person's behaviours.
            form = r.gauss(0.0, 0.06)
            if w not in active[pid]:
                continue
            key = (pid, w)
            if key in week_skip:
                logs[w][pid] = "skip"
                continue
            entry = {}
            for b in applicable(p):
                jitter = r.uniform(-0.45, 0.45)
                if beh_skip.get(key) == b:
                    entry[b] = "skip"
                    continue
                balance[b] += clamp(hit_probability(p, b, w) + form, 0.03, 0.97)
                cr = rng("count-size", pid, w, b)
                if balance[b] + jitter >= 1.0:
                    balance[b] -= 1.0
                    value = hit_count(cr, TARGET[b])
                else:
                    value = miss_count(cr, TARGET[b])
                value = OUTLIERS.get((pid, w, b), value)
                if absent_key.get(key) == b:
                    continue   # done (or not) but not logged
                entry[b] = value
            if key in absent_entry:
                continue       # forgot to log the whole week
            logs[w][pid] = entry
    return logs


# ---------------------------------------------------------------------------
# Coaching
# ---------------------------------------------------------------------------

# Commitments per behaviour: concrete, in the coachee's own words.
COMMITMENTS = {
    "tijdig-opvolgen": [
        "Elke offerte binnen 24 uur nabellen",
        "Dinsdag en donderdag om half vijf een kwartier blokken om offertes na te bellen",
        "Nieuwe leads uit het webformulier dezelfde dag nog zelf bellen",
        "Na elk klantgesprek binnen 24 uur een samenvatting met vervolgstappen mailen",
        "Elke ochtend om negen uur eerst de openstaande klantvragen in het CRM beantwoorden",
        "Offertes pas versturen als de terugbelafspraak al in de agenda staat",
    ],
    "gesprek-voorbereiden": [
        "Voor elk bezoek het verbruiksprofiel en de einddatum van het contract in de notitie zetten",
        "De avond ervoor het doel van elk gesprek in één zin in het CRM zetten",
        "Per gesprek drie open vragen voorbereiden en ze in de gespreksnotitie noteren",
        "Maandagochtend een half uur blokken om de bezoeken van de week voor te bereiden",
        "Voor elk gesprek de klachten en openstaande toezeggingen in de historie teruglezen",
        "Bij telefoonafspraken van een kwartier of langer ook de notitie vooraf maken, niet in de auto",
    ],
    "afspraken-nakomen": [
        "Geen \"ik kom erop terug\" meer: altijd een dag en tijd noemen",
        "Elke toezegging direct als taak met een datum in het CRM zetten",
        "Als een berekening niet op tijd af is, de klant de dag ervoor zelf bellen met een nieuwe datum",
        "Vrijdag om vier uur de toezeggingen van volgende week nalopen",
        "Klantgegevens voor de binnendienst op de afgesproken dag compleet aanleveren",
    ],
    "eerlijk-communiceren": [
        "Bij een levertijd die niet haalbaar is, dat in het eerste gesprek zeggen en niet pas na de handtekening",
        "De prijsstijging per 1 januari zelf benoemen voordat de klant ernaar vraagt",
        "Bij twijfel over de terugverdientijd van zonnepanelen de onzekerheid hardop uitleggen",
        "Eén keer per week een klant vertellen dat een product níet bij hem past, en waarom",
        "In offertes de voorwaarden voor de opzegtermijn in gewone taal toelichten",
        "Een fout in een eindafrekening dezelfde dag melden en zeggen wat ik eraan doe",
        "Als ik een antwoord niet weet, dat zeggen en binnen een werkdag terugkomen met het antwoord",
        "Voor een klant met een lopend contract eerlijk uitrekenen of overstappen nu al loont",
        "Na een verloren offerte zelf benoemen wat er aan onze kant beter had gekund",
    ],
    "pijplijnreview": [
        "Vrijdagmiddag om drie uur een half uur de pijplijn doorlopen en de fases bijwerken",
        "Kansen zonder activiteit in de laatste drie weken afsluiten of een volgende stap geven",
        "Bij elke kans in de pijplijn de verwachte sluitdatum controleren en aanpassen",
        "De vijf grootste kansen voor het teamoverleg van maandag bijwerken",
    ],
    "klantwaarde-doorvragen": [
        "In elk bezoek minstens twee keer doorvragen na de eerste vraag over de energierekening",
        "Vragen \"wat levert dit u op als het lukt?\" voordat ik een oplossing noem",
        "Bij elke klant vragen naar de uitbreidings- en verduurzamingsplannen voor de komende twee jaar",
        "Pas over prijs praten nadat de klant zijn eigen doel heeft genoemd",
        "Na elk gesprek in één zin opschrijven wat voor de klant de echte waarde is",
        "Vragen wie er nog meer meebeslist over een investering in het dak",
    ],
}


def weakest_behaviours(person, logs, week, previous_focus, r):
    """The rep's behaviours, weakest first: hit rate over the last six weeks
    (a week not logged counts as a miss), with a little jitter, and nudged
    away from the focus of the last two sessions so that the conversation
    does not circle around one behaviour all year."""
    scores = []
    for b in applicable(person):
        hits = []
        for w in range(max(FIRST_WEEK, week - 6), week):
            if w not in person["_active"]:
                continue
            entry = logs[w].get(person["id"], {})
            if entry == "skip" or entry.get(b) == "skip":
                continue
            hits.append(1.0 if entry.get(b, 0) >= TARGET[b] else 0.0)
        score = sum(hits) / len(hits) if hits else 0.5
        score += r.uniform(0.0, 0.2)
        if previous_focus and b in previous_focus[-1]:
            score += 0.3
        if len(previous_focus) > 1 and b in previous_focus[-2]:
            score += 0.15
        scores.append((score, b))
    scores.sort()
    return [b for _, b in scores]


def workday_in_week(w, preferred_weekday, r):
    """A weekday (Mon-Fri) in ISO week w, near the preferred day, that is
    neither a public holiday nor outside the data's months."""
    days = [preferred_weekday] + [d for d in r.sample(range(1, 6), 5) if d != preferred_weekday]
    for d in days:
        date = datetime.date.fromisocalendar(YEAR, w, d)
        if date.year == YEAR and date not in PUBLIC_HOLIDAYS:
            return date
    return None


def plan_sessions(teams, people, active, skips, logs):
    week_skip = skips[0]
    by_id = {p["id"]: p for p in people}
    manager_of = {t["id"]: t["manager"] for t in teams}

    def available(pid, w):
        return w in active[pid] and (pid, w) not in week_skip

    planned = []   # (week, coach, person, kind)
    for p in people:
        if p["role"] != "rep":
            continue
        pid, team = p["id"], p["team"]
        coach = manager_of[team]
        r = rng("session-plan", pid)
        if team == "zuid":
            for w in range(ZUID_COACHING_START, LAST_WEEK + 1):
                if available(pid, w) and available(coach, w) and r.random() > 0.04:
                    planned.append((w, coach, pid, "spiegel"))
        elif team == "noord":
            parity = sorted(NOORD_BASE).index(pid) % 2 if pid in NOORD_BASE else 0
            first = min(active[pid])
            for w in range(max(2, first), LAST_WEEK + 1):
                onboarding = pid == "gijs" and w < first + 4
                if not onboarding and w % 2 != parity:
                    continue
                if not (available(pid, w) and available(coach, w)):
                    # Moved to the next week if both are there.
                    if (not onboarding and w + 1 <= LAST_WEEK
                            and available(pid, w + 1) and available(coach, w + 1)):
                        planned.append((w + 1, coach, pid, "noord"))
                    continue
                if r.random() < 0.05:
                    continue   # fell through in a busy week
                planned.append((w, coach, pid, "noord"))
        else:
            for m in MONTHS:
                if r.random() > 0.82:
                    continue
                weeks = [w for w in weeks_of_month(m)
                         if w >= 2 and available(pid, w) and available(coach, w)]
                if weeks:
                    planned.append((r.choice(weeks), coach, pid, "west"))
    # Before the spiegelgesprekken Zuid had only a couple of ad hoc talks.
    planned.append((7, "hanna", "koen", "adhoc"))
    planned.append((11, "hanna", "mehmet", "adhoc"))

    sessions = []
    last_focus = {}
    recent_commitments = {}
    for w, coach, pid, kind in sorted(planned):
        p = by_id[pid]
        r = rng("session", pid, w)
        if kind == "spiegel":
            # A fixed slot per rep on Wednesday or Thursday, so the first
            # round (2026-W14) falls in April.
            preferred = 3 + sorted(ZUID_OFFSET).index(pid) % 2 if pid in ZUID_OFFSET else 3
            minutes = pick_weighted(r, [(15, 0.40), (20, 0.32), (30, 0.24), (45, 0.04)])
            n_beh = 1 if r.random() < 0.85 else 2
        elif kind == "noord":
            preferred = r.choice([1, 3, 5, 5])
            minutes = pick_weighted(r, [(20, 0.2), (30, 0.5), (45, 0.3)])
            n_beh = 1 if r.random() < 0.55 else 2
        elif kind == "west":
            preferred = r.randint(1, 5)
            minutes = pick_weighted(r, [(20, 0.15), (30, 0.45), (45, 0.40)])
            n_beh = 1 if r.random() < 0.5 else 2
        else:
            preferred = 4
            minutes = 45 if pid == "koen" else 30
            n_beh = 2
        date = workday_in_week(w, preferred, r)
        if date is None or date.month not in MONTHS:
            continue
        history = last_focus.get(pid, [])
        focus = weakest_behaviours(p, logs, w, history, r)[:n_beh]
        last_focus[pid] = (history + [tuple(focus)])[-2:]
        pool = [c for c in COMMITMENTS[focus[0]] if c not in recent_commitments.get(pid, [])]
        commitment = r.choice(pool)
        recent_commitments[pid] = (recent_commitments.get(pid, []) + [commitment])[-3:]
        order = [b for b, _, _ in BEHAVIOURS]
        sessions.append({
            "date": date,
            "coach": coach,
            "person": pid,
            "minutes": minutes,
            "behaviours": sorted(focus, key=order.index),
            "commitment": commitment,
            "focus": focus[0],
        })
    sessions.sort(key=lambda s: (s["date"], s["coach"], s["person"]))
    return sessions


# ---------------------------------------------------------------------------
# Outcomes
# ---------------------------------------------------------------------------

def hit_rate(person, logs, weeks, week_skip):
    hits = eligible = 0
    for w in weeks:
        if w not in person["_active"] or (person["id"], w) in week_skip:
            continue
        entry = logs[w].get(person["id"]) or {}
        for b in applicable(person):
            v = entry.get(b, 0)
            if v == "skip":
                continue
            eligible += 1
            hits += v >= TARGET[b]
    return hits / eligible if eligible else None


def generate_outcomes(people, logs, week_skip):
    months = {}
    for m in MONTHS:
        weeks = weeks_of_month(m)
        rows = {}
        for p in people:
            if p["role"] != "rep" or not any(w in p["_active"] for w in weeks):
                continue
            r = rng("outcomes", p["id"], m)
            recent = list(range(max(FIRST_WEEK, weeks[0] - 4), weeks[-1] + 1))
            hr = hit_rate(p, logs, recent, week_skip)
            hr = 0.3 if hr is None else hr
            present = sum(1 for w in weeks if w in p["_active"] and (p["id"], w) not in week_skip)
            share = present / len(weeks)
            deals = r.randint(3, 9)
            deals = max(3, min(9, round(deals * (0.4 + 0.6 * share))))
            win_rate = clamp(0.25 + 0.4 * hr + r.gauss(0.0, 0.08), 0.05, 0.95)
            won = sum(1 for _ in range(deals) if r.random() < win_rate)
            revenue = sum(r.uniform(12000, 22000) for _ in range(won))
            revenue *= clamp(r.gauss(1.0, 0.08), 0.8, 1.2)
            rows[p["id"]] = (won, deals - won, int(round(revenue / 100.0)) * 100)
        months[m] = rows
    return months


# ---------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------

def format_entries(week, people, entries, rename):
    lines = ["week: %s" % week_id(week), "entries:"]
    for p in people:
        pid = p["id"]
        if pid not in entries:
            continue
        e = entries[pid]
        if e == "skip":
            lines.append("  %s: skip" % rename.person(pid))
            continue
        lines.append("  %s:" % rename.person(pid))
        for b, _, _ in BEHAVIOURS:
            if b in e:
                lines.append("    %s: %s" % (rename.behaviour(b), e[b]))
    return lines


def write(path, lines):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(lines) + "\n")


# ---------------------------------------------------------------------------
# The English example: the same programme, renamed
# ---------------------------------------------------------------------------

ENGLISH = {
    "header": "# Generated by tools/generate_example_data.py --lang en; edits by hand are overwritten.",
    "data": os.path.join(REPO, "examples", "en", "data"),
    "teams": {"noord": "north", "zuid": "south", "west": "west"},
    "people": {
        "anne": "amy", "bram": "ben", "carla": "chloe", "dirk": "daniel", "eva": "emma",
        "farid": "faisal", "gijs": "george",
        "hanna": "helen", "ivo": "isaac", "jasmijn": "jade", "koen": "kieran", "lotte": "lucy",
        "mehmet": "mohammed", "nina": "nora",
        "otto": "oliver", "priya": "priya", "quinten": "quentin", "roos": "rosie", "sanne": "sarah",
        "tim": "tom",
    },
    "behaviours": {
        "tijdig-opvolgen": "follow-up-on-time",
        "gesprek-voorbereiden": "prepare-every-meeting",
        "afspraken-nakomen": "keep-commitments",
        "eerlijk-communiceren": "communicate-honestly",
        "pijplijnreview": "pipeline-review",
        "klantwaarde-doorvragen": "ask-about-value",
        "voorbeeldgedrag": "lead-by-example",
    },
    # Parallel to COMMITMENTS: the n-th English line translates the n-th Dutch one.
    "commitments": {
        "tijdig-opvolgen": [
            "Call back every quote within 24 hours",
            "Block a quarter of an hour at half past four on Tuesday and Thursday to call back quotes",
            "Call new leads from the web form myself the same day",
            "Email a summary with next steps within 24 hours of every customer meeting",
            "Start every morning at nine by answering the open customer questions in the CRM",
            "Only send a quote once the call-back is already in the diary",
        ],
        "gesprek-voorbereiden": [
            "Put the consumption profile and the contract end date in the note before every visit",
            "Write the aim of every meeting in one sentence in the CRM the evening before",
            "Prepare three open questions per meeting and write them in the meeting note",
            "Block half an hour on Monday morning to prepare the week's visits",
            "Reread complaints and open promises in the history before every meeting",
            "Write the note in advance for phone appointments of fifteen minutes or more too, not in the car",
        ],
        "afspraken-nakomen": [
            "No more \"I'll get back to you\": always name a day and a time",
            "Put every promise in the CRM straight away as a task with a date",
            "If a calculation will not be ready in time, call the customer myself the day before with a new date",
            "Go through next week's promises at four on Friday",
            "Hand the customer details to the back office complete on the agreed day",
        ],
        "eerlijk-communiceren": [
            "When a delivery time cannot be met, say so in the first meeting and not after the signature",
            "Raise the price rise of 1 January myself before the customer asks about it",
            "When the payback time of solar panels is uncertain, explain the uncertainty out loud",
            "Once a week tell a customer that a product does not suit them, and why",
            "Explain the notice terms in quotes in plain language",
            "Report a mistake in a final bill the same day and say what I am doing about it",
            "When I do not know an answer, say so and come back with it within a working day",
            "For a customer on a running contract, work out honestly whether switching pays off yet",
            "After a lost quote, name myself what we could have done better",
        ],
        "pijplijnreview": [
            "Go through the pipeline for half an hour at three on Friday afternoon and update the stages",
            "Close opportunities without activity in the last three weeks, or give them a next step",
            "Check and adjust the expected close date of every opportunity in the pipeline",
            "Update the five biggest opportunities before Monday's team meeting",
        ],
        "klantwaarde-doorvragen": [
            "Ask at least two follow-up questions after the first question about the energy bill in every visit",
            "Ask \"what will this bring you if it works?\" before I name a solution",
            "Ask every customer about their plans for expansion and sustainability for the next two years",
            "Only talk about price after the customer has named their own goal",
            "After every meeting write down in one sentence what the real value is for the customer",
            "Ask who else decides on an investment in the roof",
        ],
    },
}


class Renamer:
    """Ids and texts as written in the output: unchanged for the Dutch
    example, through `ENGLISH` for the English one."""

    def __init__(self, english):
        self.english = english

    def person(self, pid):
        return ENGLISH["people"][pid] if self.english else pid

    def behaviour(self, b):
        return ENGLISH["behaviours"][b] if self.english else b

    def commitment(self, focus, text):
        if not self.english:
            return text
        return ENGLISH["commitments"][focus][COMMITMENTS[focus].index(text)]


def check_english_team(people):
    """examples/en/data/team.yaml must name exactly the renamed people."""
    path = os.path.join(ENGLISH["data"], "team.yaml")
    if not os.path.isfile(path):
        sys.exit("generate_example_data: %s not found" % path)
    _, english = read_team(path)
    want = {(ENGLISH["people"][p["id"]], ENGLISH["teams"][p["team"]], p["role"],
             p.get("start", ""), p.get("end", "")) for p in people}
    have = {(p["id"], p["team"], p["role"], p.get("start", ""), p.get("end", "")) for p in english}
    if want != have:
        sys.exit("generate_example_data: %s differs from the renamed Dutch team: %s"
                 % (path, sorted(want ^ have)))
    for b in COMMITMENTS:
        if len(COMMITMENTS[b]) != len(ENGLISH["commitments"][b]):
            sys.exit("generate_example_data: English commitments of %s are not parallel" % b)


def main():
    parser = argparse.ArgumentParser(description="Generate the example programme's data.")
    parser.add_argument("--lang", choices=["nl", "en"], default="nl",
                        help="nl: content/data (default); en: examples/en/data")
    english = parser.parse_args().lang == "en"
    rename = Renamer(english)
    out_dir = ENGLISH["data"] if english else DATA
    header = ENGLISH["header"] if english else HEADER
    team_path = os.path.join(DATA, "team.yaml")
    if not os.path.isfile(team_path):
        sys.exit("generate_example_data: %s not found" % team_path)
    teams, people_raw = read_team(team_path)
    team_order = [t["id"] for t in teams]
    people = sorted(people_raw, key=lambda p: team_order.index(p["team"]))  # stable
    for p in people:
        start = parse_week(p["start"]) if p.get("start") else FIRST_WEEK
        end = parse_week(p["end"]) if p.get("end") else LAST_WEEK
        p["_active"] = set(range(max(start, FIRST_WEEK), min(end, LAST_WEEK) + 1))
    active = {p["id"]: p["_active"] for p in people}

    if english:
        check_english_team(people)
    skips = plan_skips(people, active)
    logs = generate_logs(people, active, skips)
    sessions = plan_sessions(teams, people, active, skips, logs)
    outcomes = generate_outcomes(people, logs, skips[0])

    # Replace only what this script owns.
    for sub in ("logs", "coaching"):
        shutil.rmtree(os.path.join(out_dir, sub), ignore_errors=True)
    outcomes_path = os.path.join(out_dir, "outcomes.yaml")
    if os.path.exists(outcomes_path):
        os.remove(outcomes_path)

    written = 0
    split_week = 10   # one file with two YAML documents, as the format allows
    for w in range(FIRST_WEEK, LAST_WEEK + 1):
        lines = [header]
        if w == split_week:
            first = [p for p in people if p["team"] == team_order[0]]
            rest = [p for p in people if p["team"] != team_order[0]]
            lines += format_entries(w, first, logs[w], rename)
            lines.append("---")
            lines += format_entries(w, rest, logs[w], rename)
        else:
            lines += format_entries(w, people, logs[w], rename)
        write(os.path.join(out_dir, "logs", str(YEAR), "%s.yaml" % week_id(w)), lines)
        written += 1

    for m in MONTHS:
        month_sessions = [s for s in sessions if s["date"].month == m]
        lines = [header]
        if not month_sessions:
            lines.append("sessions: []")
        else:
            lines.append("sessions:")
            for s in month_sessions:
                lines += [
                    "  - date: %s" % s["date"].isoformat(),
                    "    coach: %s" % rename.person(s["coach"]),
                    "    person: %s" % rename.person(s["person"]),
                    "    minutes: %d" % s["minutes"],
                    "    behaviours: [%s]" % ", ".join(rename.behaviour(b) for b in s["behaviours"]),
                    "    commitment: %s" % yaml_str(rename.commitment(s["focus"], s["commitment"])),
                ]
        write(os.path.join(out_dir, "coaching", "%d-%02d.yaml" % (YEAR, m)), lines)
        written += 1

    lines = [header, "months:"]
    for m in MONTHS:
        lines.append("  %d-%02d:" % (YEAR, m))
        for p in people:
            if p["id"] in outcomes[m]:
                won, lost, revenue = outcomes[m][p["id"]]
                lines.append("    %s: { won: %d, lost: %d, revenue: %d }"
                             % (rename.person(p["id"]), won, lost, revenue))
    write(outcomes_path, lines)
    written += 1

    print("generate_example_data: wrote %d files under %s (%d coaching sessions)"
          % (written, os.path.relpath(out_dir, REPO), len(sessions)))


if __name__ == "__main__":
    main()
