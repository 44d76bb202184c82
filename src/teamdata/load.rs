//! Parsing and validating the files under `data/`.

use std::collections::{BTreeMap, BTreeSet};

use rayon::prelude::*;
use serde::Deserialize;

use super::logread::{RawEntry, RawLogDoc, RawValue, log_docs};
use super::*;
use crate::diagnostics::{Diagnostic, Diagnostics, Pos, unknown_id_hint};
use crate::source::{DataSources, SourceFile};
use crate::yaml;

/// What the behaviour pages say about a behaviour, as the data needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct BehaviourRule {
    pub id: String,
    /// Times per week that count as a hit (≥ 1).
    pub target: u32,
    /// Roles it applies to; all roles when `None`.
    pub roles: Option<Vec<String>>,
    /// Habit-strength half-life in weeks; the config default when `None`.
    pub half_life: Option<f64>,
}

impl BehaviourRule {
    pub fn applies_to(&self, role: &str) -> bool {
        self.roles.as_ref().is_none_or(|r| r.iter().any(|x| x == role))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTeamFile {
    #[serde(default)]
    teams: Vec<RawTeam>,
    #[serde(default)]
    people: Vec<RawPerson>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTeam {
    id: String,
    name: String,
    manager: Option<String>,
    /// The team's colour on every chart, `#rrggbb`.
    colour: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPerson {
    id: String,
    name: String,
    team: String,
    role: String,
    start: Option<String>,
    end: Option<String>,
    email: Option<String>,
    #[serde(default)]
    aliases: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCoachingFile {
    #[serde(default)]
    sessions: Vec<RawSession>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSession {
    date: RawValue,
    coach: String,
    person: String,
    minutes: Option<RawValue>,
    #[serde(default)]
    behaviours: Vec<String>,
    commitment: Option<String>,
}

/// The leading number of a value such as `15 min`, for the hint that says
/// what to write instead.
fn leading_number(text: &str) -> Option<&str> {
    let t = text.trim_start();
    let end = t.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(t.len());
    (end > 0 && end < t.len()).then(|| &t[..end])
}

/// A parsed log document with the file it came from.
struct LogDoc<'a> {
    file: &'a SourceFile,
    doc: &'a RawLogDoc,
}

/// One log document after its own checks: its problems, its week (when
/// valid) and its entries that passed.
struct CheckedDoc<'a> {
    diags: Vec<Diagnostic>,
    /// Unknown ids, apart: one id named in many weeks is one mistake.
    unknown: Vec<(Unknown, Diagnostic)>,
    week: Option<Week>,
    /// (rank of the person's id among all ids, id, entry).
    entries: Vec<(u32, &'a str, WeekEntry)>,
}

/// A checked log entry on its way into the maps: the rank of the person's
/// id among all ids, the id, the week, its file and the entry.
type Merged<'a> = (u32, &'a str, Week, &'a SourceFile, WeekEntry);

/// An id the logs name that the site does not define.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Unknown {
    Person(String),
    Behaviour(String),
}

/// One error per unknown id, at its first place, saying how often it recurs.
fn grouped(unknown: Vec<(Unknown, Diagnostic)>) -> Vec<Diagnostic> {
    let mut groups: BTreeMap<Unknown, Vec<Diagnostic>> = BTreeMap::new();
    for (key, d) in unknown {
        groups.entry(key).or_default().push(d);
    }
    groups
        .into_iter()
        .filter_map(|(key, ds)| {
            let n = ds.len();
            let mut first = ds.into_iter().next()?;
            if n > 1 {
                first.message = match key {
                    Unknown::Person(id) => format!("unknown person `{id}` in {n} log entries (this is the first)"),
                    Unknown::Behaviour(id) => {
                        format!("unknown behaviour `{id}` in {n} log entries (this is the first)")
                    }
                };
            }
            Some(first)
        })
        .collect()
}

fn at(file: &SourceFile, after: Option<&str>, token: &str, message: impl Into<String>) -> Diagnostic {
    let pos = yaml::locate(&file.text, after, token, 1).or(Some(Pos { line: 1, column: 1 }));
    Diagnostic::error(&file.rel, message).at_pos(pos)
}

/// Parses and validates all team data against the behaviours of the site.
/// Returns the data and its warnings, or every error found.
pub fn load(data: &DataSources, rules: &[BehaviourRule]) -> Result<(TeamData, Diagnostics), Diagnostics> {
    load_with(data, rules, &BTreeSet::new())
}

/// [`load`], told which behaviour ids exist but were left out for an error
/// of their own (a page with `target: 0`): data naming them is not reported
/// again, so one root cause gives one error.
pub fn load_with(
    data: &DataSources,
    rules: &[BehaviourRule],
    rejected_behaviours: &BTreeSet<String>,
) -> Result<(TeamData, Diagnostics), Diagnostics> {
    load_cached(data, rules, rejected_behaviours, &mut LogMemo::default())
}

/// The log documents of one file as parsed, or why they could not be.
type ParsedLog = Result<Vec<RawLogDoc>, Diagnostic>;

/// Each log file's parsed documents, kept by its path and a hash of its
/// text, so that `serve` parses again only the log files that changed.
#[derive(Default)]
pub struct LogMemo {
    files: std::collections::HashMap<String, (u64, std::sync::Arc<ParsedLog>)>,
    parsed: usize,
}

impl LogMemo {
    /// How many log files the last load parsed (the others came from here).
    pub fn parsed(&self) -> usize {
        self.parsed
    }

    /// Every log file's documents: kept ones where the text is the same,
    /// the others parsed (in parallel). Afterwards the memo holds exactly
    /// the files of `logs`.
    fn documents(&mut self, logs: &[SourceFile]) -> Vec<std::sync::Arc<ParsedLog>> {
        use std::hash::BuildHasher;
        let hashes: Vec<u64> = logs
            .par_iter()
            .map(|f| rustc_hash::FxBuildHasher.hash_one(&f.text))
            .collect();
        let mut kept = std::mem::take(&mut self.files);
        let found: Vec<Option<std::sync::Arc<ParsedLog>>> = logs
            .iter()
            .zip(&hashes)
            .map(|(f, h)| kept.remove(&f.rel).filter(|(was, _)| was == h).map(|(_, p)| p))
            .collect();
        self.parsed = found.iter().filter(|p| p.is_none()).count();
        let docs: Vec<std::sync::Arc<ParsedLog>> = logs
            .par_iter()
            .zip(found)
            .map(|(f, p)| p.unwrap_or_else(|| std::sync::Arc::new(log_docs(f))))
            .collect();
        self.files = logs
            .iter()
            .zip(hashes)
            .zip(&docs)
            .map(|((f, h), d)| (f.rel.clone(), (h, d.clone())))
            .collect();
        docs
    }
}

/// [`load_with`], taking each unchanged log file's documents from `memo`.
pub fn load_cached(
    data: &DataSources,
    rules: &[BehaviourRule],
    rejected_behaviours: &BTreeSet<String>,
    memo: &mut LogMemo,
) -> Result<(TeamData, Diagnostics), Diagnostics> {
    let mut diags = Diagnostics::new();
    let mut out = TeamData::default();

    // Teams and people.
    // When the team file cannot be read, every id in the logs would be
    // "unknown": those follow-on errors would bury the one that matters.
    let mut people_known = true;
    let mut rejected_people = BTreeSet::new();
    if data.team.is_none() && !data.logs.is_empty() {
        // A playbook without team data builds; logs without it cannot be read.
        diags.push(
            Diagnostic::error("data/team.yaml", "the site has logs but no data/team.yaml")
                .with_hint("list the teams and people the logs name there; see the README's data formats"),
        );
        people_known = false;
    }
    // Every file is parsed at once, the logs in parallel beside the others
    // (the outcomes alone take as long as a tenth of the logs); what was
    // found is checked below in the same order as ever.
    fn parse_file<T: serde::de::DeserializeOwned>(f: &SourceFile) -> Result<T, Diagnostic> {
        yaml::parse::<T>(if f.text.trim().is_empty() { "{}" } else { &f.text }, &f.rel, 1)
    }
    let ((team_raw, (coaching_raw, outcomes_raw)), parsed) = rayon::join(
        || {
            (
                data.team.as_ref().map(parse_file::<RawTeamFile>),
                rayon::join(
                    || {
                        data.coaching
                            .par_iter()
                            .map(parse_file::<RawCoachingFile>)
                            .collect::<Vec<_>>()
                    },
                    || data.outcomes.as_ref().map(super::outcomesread::parse),
                ),
            )
        },
        || memo.documents(&data.logs),
    );
    if let (Some(f), Some(team_raw)) = (&data.team, team_raw) {
        match team_raw {
            Ok(raw) => rejected_people = team_file(f, raw, &mut out, &mut diags),
            Err(d) => {
                diags.push(d);
                people_known = false;
            }
        }
    }
    let people: BTreeMap<&str, &Person> = out.people.iter().map(|p| (p.id.as_str(), p)).collect();
    // The logs name people and behaviours hundreds of thousands of times:
    // looked up by hash, and each person also by the rank of the id, by
    // which the entries are sorted below without comparing ids.
    let person_rank: rustc_hash::FxHashMap<&str, (&Person, u32)> = people
        .iter()
        .enumerate()
        .map(|(rank, (id, p))| (*id, (*p, rank as u32)))
        .collect();
    let rule_by_id: rustc_hash::FxHashMap<&str, &BehaviourRule> = rules.iter().map(|r| (r.id.as_str(), r)).collect();
    let person_ids: Vec<&str> = out.people.iter().map(|p| p.id.as_str()).collect();
    let behaviour_ids: Vec<&str> = rules.iter().map(|r| r.id.as_str()).collect();
    let rule_of: BTreeMap<&str, &BehaviourRule> = rules.iter().map(|r| (r.id.as_str(), r)).collect();
    // A person or behaviour whose own definition failed was reported there.
    let rejected_person = |id: &str| !people_known || rejected_people.contains(&id.to_lowercase());
    let rejected_behaviour =
        |id: &str| rejected_behaviours.contains(id) || rejected_behaviours.contains(&id.to_lowercase());
    let team_managers: BTreeSet<&str> = out.teams.iter().filter_map(|t| t.manager.as_deref()).collect();
    let coach_ids: Vec<&str> = out
        .people
        .iter()
        // As `TeamData::is_manager`, with the teams' managers found once.
        .filter(|p| p.role == "manager" || team_managers.contains(p.id.as_str()))
        .map(|p| p.id.as_str())
        .collect();

    // Logs: parsed in parallel, checked in file order.
    let mut docs = Vec::new();
    for (f, r) in data.logs.iter().zip(&parsed) {
        match &**r {
            Ok(ds) => docs.extend(ds.iter().map(|doc| LogDoc { file: f, doc })),
            Err(d) => diags.push(d.clone()),
        }
    }
    // Each document is checked on its own, in parallel; only duplicates
    // across documents need them all, and are found while merging in order.
    let checked: Vec<CheckedDoc> = docs
        .par_iter()
        .map(|LogDoc { file, doc }| {
            let mut diags = Vec::new();
            let mut unknown = Vec::new();
            let mut entries = Vec::new();
            let week: Week = match doc.week.parse() {
                Ok(w) => w,
                Err(e) => {
                    diags.push(at(file, Some("week"), doc.week.trim(), e).with_hint("weeks are ISO weeks: YYYY-Www"));
                    return CheckedDoc {
                        diags,
                        unknown,
                        week: None,
                        entries,
                    };
                }
            };
            // The rule of each behaviour id met in this document, found by
            // the id's allocation: a file's values share one per behaviour,
            // so the ids are looked up a few times per document instead of
            // once per value.
            let mut rule_of_id: Vec<(&std::sync::Arc<str>, Option<&BehaviourRule>)> = Vec::new();
            for (pid, entry) in &doc.entries {
                let key_line = |token: &str| yaml::locate(&file.text, Some(&format!("{pid}:")), token, 1);
                let Some(&(person, rank)) = person_rank.get(pid.as_str()) else {
                    if rejected_person(pid) {
                        continue;
                    }
                    unknown.push((
                        Unknown::Person(pid.clone()),
                        at(file, None, pid, format!("unknown person `{pid}` in the log of {week}"))
                            .with_hint(unknown_id_hint(pid, person_ids.iter().copied())),
                    ));
                    continue;
                };
                if person.outside(week) {
                    let span = person.span();
                    diags.push(
                        at(
                            file,
                            None,
                            pid,
                            format!("`{pid}` is logged in {week}, outside their active weeks ({span})"),
                        )
                        .with_hint("fix the week, or `start`/`end` in data/team.yaml"),
                    );
                    continue;
                }
                let entry = match entry {
                    None => WeekEntry::Values(Values::default()),
                    Some(RawEntry::Word(w)) if w.trim() == "skip" => WeekEntry::Skip,
                    Some(RawEntry::Word(w)) => {
                        diags.push(
                            at(
                                file,
                                Some(&format!("{pid}:")),
                                w.trim(),
                                format!("`{w}` is not a week entry for `{pid}`"),
                            )
                            .with_hint("write `skip` for a skipped week, or counts per behaviour on the lines below"),
                        );
                        continue;
                    }
                    Some(RawEntry::Values(values)) => {
                        let mut checked = Vec::with_capacity(values.len());
                        for (bid, raw) in values {
                            let known = rule_of_id.iter().find(|(id, _)| std::sync::Arc::ptr_eq(id, bid));
                            let rule = match known {
                                Some((_, rule)) => *rule,
                                None => {
                                    let rule = rule_by_id.get(&**bid).copied();
                                    if rule_of_id.len() < 32 {
                                        rule_of_id.push((bid, rule));
                                    }
                                    rule
                                }
                            };
                            let Some(rule) = rule else {
                                if rejected_behaviour(bid) {
                                    continue;
                                }
                                unknown.push((
                                    Unknown::Behaviour(bid.to_string()),
                                    at(
                                        file,
                                        Some(&format!("{pid}:")),
                                        bid,
                                        format!("unknown behaviour `{bid}`"),
                                    )
                                    .with_hint(unknown_id_hint(bid, behaviour_ids.iter().copied())),
                                ));
                                continue;
                            };
                            let value = match raw {
                                RawValue::Int(n) if *n >= 0 && *n <= u32::MAX as i64 => Logged::Count(*n as u32),
                                RawValue::Word(w) if w.trim() == "skip" => Logged::Skip,
                                other => {
                                    // The value as written on its line: a number too large
                                    // for a count arrives clamped or as a float.
                                    let pos = key_line(bid);
                                    let written = pos
                                        .and_then(|p| {
                                            let line = file.text.lines().nth(p.line - 1)?;
                                            let from: String = line.chars().skip(p.column - 1 + bid.chars().count()).collect();
                                            let v = from.trim_start().strip_prefix(':')?;
                                            let v = v.split([',', '}', '#']).next().unwrap_or(v);
                                            Some(v.trim().to_string())
                                        });
                                    let shown = written.filter(|w| !w.is_empty()).unwrap_or_else(|| match other {
                                        RawValue::Int(n) => n.to_string(),
                                        RawValue::Float(x) => x.to_string(),
                                        RawValue::Bool(b) => b.to_string(),
                                        RawValue::Word(w) => w.clone(),
                                    });
                                    diags.push(
                                        Diagnostic::error(&file.rel, format!("`{bid}: {shown}` for `{pid}` is not a count"))
                                            .at_pos(pos.or(Some(Pos { line: 1, column: 1 })))
                                            .with_hint("counts are whole numbers of 0 or more; write `skip` to leave the behaviour out this week"),
                                    );
                                    continue;
                                }
                            };
                            if !rule.applies_to(&person.role) {
                                diags.push(
                                    Diagnostic::warning(
                                        &file.rel,
                                        format!(
                                            "`{bid}` does not apply to `{pid}` (role {}); the value is ignored",
                                            person.role
                                        ),
                                    )
                                    .at_pos(key_line(bid)),
                                );
                                continue;
                            }
                            checked.push((bid.clone(), value));
                        }
                        // A subsequence of the raw values, which are in id order.
                        WeekEntry::Values(Values::from_sorted(checked))
                    }
                };
                entries.push((rank, pid.as_str(), entry));
            }
            CheckedDoc {
                diags,
                unknown,
                week: Some(week),
                entries,
            }
        })
        .collect();
    let mut unknown_ids = Vec::new();
    let mut all: Vec<Merged> = Vec::new();
    for (
        LogDoc { file, .. },
        CheckedDoc {
            diags: found,
            unknown,
            week,
            entries,
        },
    ) in docs.iter().zip(checked)
    {
        diags.extend(found);
        unknown_ids.extend(unknown);
        let Some(week) = week else {
            continue;
        };
        out.logged_weeks.push(week);
        all.extend(entries.into_iter().map(|(rank, pid, e)| (rank, pid, week, *file, e)));
    }
    // In the order of the maps' keys (id, week): the ranks follow the ids.
    // The sort is stable, so of two entries for one person and week the
    // earlier in file order comes first.
    let mut order: Vec<u32> = (0..all.len() as u32).collect();
    order.par_sort_by_key(|&i| {
        let (rank, _, week, _, _) = &all[i as usize];
        (*rank, *week)
    });
    let key_of = |i: u32| {
        let (rank, _, week, _, _) = &all[i as usize];
        (*rank, *week)
    };
    let twice = order.windows(2).any(|w| key_of(w[0]) == key_of(w[1]));
    if !twice {
        let mut slots: Vec<Option<Merged>> = all.into_iter().map(Some).collect();
        let (keys, entries): (Vec<_>, Vec<_>) = order
            .iter()
            .filter_map(|&i| slots[i as usize].take())
            .map(|(_, pid, week, file, entry)| ((pid, week, file), entry))
            .unzip();
        // Two maps of every entry (200,000 of them at 2,000 people, each
        // with its own copy of the id): built side by side, as this part of
        // the data stage ran on one core while the other waited.
        let (sources, logs) = rayon::join(
            || {
                keys.iter()
                    .map(|(pid, week, file)| {
                        (
                            (pid.to_string(), *week),
                            Source {
                                file: file.rel.clone(),
                                line: 0,
                            },
                        )
                    })
                    .collect()
            },
            || {
                keys.iter()
                    .zip(entries)
                    .map(|((pid, week, _), entry)| ((pid.to_string(), *week), entry))
                    .collect()
            },
        );
        out.sources = sources;
        out.logs = logs;
    } else {
        // Someone is logged twice for a week: merged in file order, so the
        // error names the later entry and points at the first.
        for (_, pid, week, file, entry) in all {
            let key = (pid.to_string(), week);
            if let Some(first) = out.sources.get(&key) {
                // Locating is a scan of the file: done only for the errors.
                let pos =
                    yaml::locate(&file.text, Some(&format!("{pid}:")), pid, 1).unwrap_or(Pos { line: 1, column: 1 });
                let first_line = first.locate(&data.logs, pid).unwrap_or(1);
                diags.push(
                    Diagnostic::error(
                        &file.rel,
                        format!(
                            "`{pid}` is logged twice for {week}: also in {}:{first_line}",
                            first.file
                        ),
                    )
                    .at(pos.line, pos.column)
                    .with_hint("keep one entry per person and week"),
                );
                continue;
            }
            out.sources.insert(
                key.clone(),
                Source {
                    file: file.rel.clone(),
                    line: 0,
                },
            );
            out.logs.insert(key, entry);
        }
    }
    out.logged_weeks.sort();
    out.logged_weeks.dedup();
    diags.extend(grouped(unknown_ids));
    let week_of_doc: Vec<(&SourceFile, Week)> = docs
        .iter()
        .filter_map(|d| Some((d.file, d.doc.week.parse().ok()?)))
        .collect();
    diags.extend(far_apart(&out.logged_weeks, &week_of_doc));

    // Coaching sessions.
    for (f, raw) in data.coaching.iter().zip(coaching_raw) {
        let raw = match raw {
            Ok(r) => r,
            Err(d) => {
                diags.push(d);
                continue;
            }
        };
        for s in raw.sessions {
            let mut ok = true;
            for (field, id) in [("coach", &s.coach), ("person", &s.person)] {
                if !people.contains_key(id.as_str()) {
                    ok = false;
                    if rejected_person(id) {
                        continue;
                    }
                    // A coach is looked for among those who coach.
                    let candidates = if field == "coach" && !coach_ids.is_empty() {
                        &coach_ids
                    } else {
                        &person_ids
                    };
                    let what = if field == "coach" { "coach" } else { "person" };
                    diags.push(
                        at(f, Some(&format!("{field}:")), id, format!("unknown {what} `{id}`"))
                            .with_hint(unknown_id_hint(id, candidates.iter().copied())),
                    );
                }
            }
            for b in &s.behaviours {
                if !rule_of.contains_key(b.as_str()) {
                    ok = false;
                    if rejected_behaviour(b) {
                        continue;
                    }
                    diags.push(
                        at(f, Some("behaviours"), b, format!("unknown behaviour `{b}`"))
                            .with_hint(unknown_id_hint(b, behaviour_ids.iter().copied())),
                    );
                }
            }
            let date = match &s.date {
                RawValue::Word(w) => crate::week::parse_date(w).ok(),
                _ => None,
            };
            let date = match date {
                Some(d) => Some(d),
                _ => {
                    let shown = s.date.shown();
                    diags.push(
                        at(
                            f,
                            Some("date:"),
                            &shown,
                            format!("`{shown}` is not a date of a coaching session"),
                        )
                        .with_hint("write the date as YYYY-MM-DD, e.g. 2026-03-04, in the years 2000 to 2100"),
                    );
                    ok = false;
                    None
                }
            };
            let minutes = match &s.minutes {
                None => Some(0.0),
                Some(v) => v.number().filter(|m| *m >= 0.0),
            };
            let minutes = match minutes {
                Some(m) => m,
                None => {
                    let shown = s.minutes.as_ref().map(RawValue::shown).unwrap_or_default();
                    let write = leading_number(&shown).unwrap_or("30");
                    diags.push(
                        at(
                            f,
                            Some("minutes"),
                            &shown,
                            format!("`{shown}` is not a number of minutes"),
                        )
                        .with_hint(format!(
                            "write the minutes as a number of 0 or more, e.g. `minutes: {write}`"
                        )),
                    );
                    ok = false;
                    0.0
                }
            };
            if let (true, Some(date)) = (ok, date) {
                out.sessions.push(Session {
                    date,
                    coach: s.coach,
                    person: s.person,
                    minutes,
                    behaviours: s.behaviours,
                    commitment: s.commitment,
                });
            }
        }
    }
    out.sessions
        .sort_by(|a, b| (a.date, &a.coach, &a.person).cmp(&(b.date, &b.coach, &b.person)));

    // Outcomes.
    if let (Some(f), Some(outcomes_raw)) = (&data.outcomes, outcomes_raw) {
        match outcomes_raw {
            Ok(raw) => {
                for (m, per_person) in raw.months {
                    let month: Month = match m.parse() {
                        Ok(m) => m,
                        Err(e) => {
                            diags.push(at(f, None, &m, e));
                            continue;
                        }
                    };
                    for (pid, o) in per_person {
                        if !people.contains_key(pid.as_str()) {
                            if rejected_person(&pid) {
                                continue;
                            }
                            diags.push(
                                at(
                                    f,
                                    Some(&m),
                                    &pid,
                                    format!("unknown person `{pid}` in the outcomes of {month}"),
                                )
                                .with_hint(unknown_id_hint(&pid, person_ids.iter().copied())),
                            );
                            continue;
                        }
                        let mut whole = |field: &str, v: &RawValue| {
                            v.whole().or_else(|| {
                                let shown = v.shown();
                                diags.push(
                                    at(
                                        f,
                                        Some(&format!("{pid}:")),
                                        &shown,
                                        format!("`{field}: {shown}` for `{pid}` in {month} is not a number of deals"),
                                    )
                                    .with_hint(format!("write a whole number of 0 or more, e.g. `{field}: 3`")),
                                );
                                None
                            })
                        };
                        let (won, lost) = (whole("won", &o.won), whole("lost", &o.lost));
                        let revenue = match &o.revenue {
                            None => Ok(None),
                            Some(v) => v.number().map(Some).ok_or_else(|| v.shown()),
                        };
                        let revenue = revenue.map_err(|shown| {
                            diags.push(
                                at(f, Some(&format!("{pid}:")), &shown, format!("`revenue: {shown}` for `{pid}` in {month} is not an amount"))
                                    .with_hint("write the amount as a plain number without currency or thousands separators, e.g. `revenue: 45000`"),
                            );
                        });
                        let (Some(won), Some(lost), Ok(revenue)) = (won, lost, revenue) else {
                            continue;
                        };
                        out.outcomes
                            .entry(month)
                            .or_default()
                            .insert(pid, Outcome { won, lost, revenue });
                    }
                }
            }
            Err(d) => diags.push(d),
        }
    }

    if diags.has_errors() {
        Err(diags)
    } else {
        Ok((out, diags))
    }
}

/// Logged weeks this far apart, with nothing logged between them, are
/// taken for a typo in a year (`2062-W10` for `2026-W10`).
const MAX_GAP_WEEKS: i64 = 104;

/// Every figure is computed for every week from the first logged week to
/// the last, so one document with a wrong year would make a build compute
/// (and draw) decades of empty weeks. The logged weeks fall apart into runs
/// at such gaps; the documents outside the longest run are named.
fn far_apart(weeks: &[Week], docs: &[(&SourceFile, Week)]) -> Vec<Diagnostic> {
    let mut runs: Vec<&[Week]> = Vec::new();
    let mut start = 0;
    for i in 1..=weeks.len() {
        if i == weeks.len() || weeks[i - 1].weeks_until(weeks[i]) > MAX_GAP_WEEKS {
            runs.push(&weeks[start..i]);
            start = i;
        }
    }
    if runs.len() < 2 {
        return Vec::new();
    }
    // On a tie the run nearest to today: the programme as it runs now.
    // (Only an error message depends on the clock, never an output.)
    let today = Week::of(chrono::Utc::now().date_naive());
    let distance = |r: &[Week]| r.iter().map(|w| w.weeks_until(today).abs()).min().unwrap_or(i64::MAX);
    let main = runs
        .iter()
        .max_by_key(|r| (r.len(), std::cmp::Reverse(distance(r))))
        .copied()
        .unwrap_or_default();
    let (Some(&first), Some(&last)) = (main.first(), main.last()) else {
        return Vec::new();
    };
    docs.iter()
        .filter(|(_, w)| *w < first || *w > last)
        .map(|(file, w)| {
            let nearest = if *w < first { first } else { last };
            let years = (w.weeks_until(nearest).abs() as f64 / 52.18).round();
            at(
                file,
                Some("week"),
                &w.to_string(),
                format!("{w} lies {years} years away from the other logged weeks (the nearest is {nearest})"),
            )
            .with_hint("check the year: logs more than two years apart with nothing logged between them are refused, as every week between them would be computed")
        })
        .collect()
}

/// Checks the team file into `out`; returns the ids (lowercased) of people
/// left out for an error of their own, whom the logs then do not report.
fn team_file(f: &SourceFile, raw: RawTeamFile, out: &mut TeamData, diags: &mut Diagnostics) -> BTreeSet<String> {
    let mut rejected = BTreeSet::new();
    let mut team_ids = BTreeSet::new();
    for t in &raw.teams {
        if !crate::slug::is_valid_id(&t.id) {
            diags.push(
                at(f, Some("- id"), &t.id, format!("team id `{}` is not a valid id", t.id))
                    .with_hint("ids use lowercase letters, digits, `-` and `_`"),
            );
            continue;
        }
        if !team_ids.insert(t.id.clone()) {
            diags.push(
                at(f, None, &t.id, format!("duplicate team id `{}`", t.id)).with_hint("each team id may appear once"),
            );
        }
    }
    let mut person_ids = BTreeSet::new();
    for p in &raw.people {
        if !crate::slug::is_valid_id(&p.id) {
            rejected.insert(p.id.to_lowercase());
            let lower = p.id.to_lowercase();
            let hint = if crate::slug::is_valid_id(&lower) {
                format!(
                    "ids use lowercase letters, digits, `-` and `_`: write `{lower}`, and put other spellings under `aliases`"
                )
            } else {
                "ids use lowercase letters, digits, `-` and `_`; put other spellings under `aliases`".to_string()
            };
            diags.push(at(f, None, &p.id, format!("person id `{}` is not a valid id", p.id)).with_hint(hint));
            continue;
        }
        if !person_ids.insert(p.id.clone()) {
            diags.push(
                at(f, Some("people"), &p.id, format!("duplicate person id `{}`", p.id))
                    .with_hint("each person id may appear once"),
            );
        }
    }
    let known_teams: Vec<&str> = team_ids.iter().map(String::as_str).collect();
    let (mut added_teams, mut added_people): (BTreeSet<String>, BTreeSet<String>) = Default::default();
    let known_people: Vec<&str> = person_ids.iter().map(String::as_str).collect();
    for t in raw.teams {
        if let Some(m) = &t.manager
            && !person_ids.contains(m)
        {
            diags.push(
                at(
                    f,
                    Some("manager"),
                    m,
                    format!("unknown manager `{m}` of team `{}`", t.id),
                )
                .with_hint(unknown_id_hint(m, known_people.iter().copied())),
            );
        }
        if let Some(c) = &t.colour {
            if parse_colour(c).is_some() {
                out.colours.insert(t.id.clone(), c.clone());
            } else {
                diags.push(
                    at(f, Some("colour"), c, format!("team `{}`: `{c}` is not a colour", t.id))
                        .with_hint("write the colour as `#rrggbb`, e.g. `colour: \"#0072b2\"`"),
                );
            }
        }
        if added_teams.insert(t.id.clone()) {
            out.teams.push(Team {
                id: t.id,
                name: t.name,
                manager: t.manager,
            });
        }
    }
    for p in raw.people {
        let after = format!("id: {}", p.id);
        let mut ok = true;
        if !team_ids.contains(&p.team) {
            diags.push(
                at(
                    f,
                    Some(&after),
                    &p.team,
                    format!("unknown team `{}` of `{}`", p.team, p.id),
                )
                .with_hint(unknown_id_hint(&p.team, known_teams.iter().copied())),
            );
            ok = false;
        }
        let mut week = |field: &str, value: &Option<String>| -> Option<Week> {
            let v = value.as_ref()?;
            match v.parse::<Week>() {
                Ok(w) => Some(w),
                Err(e) => {
                    // The person stays known: their log entries would
                    // otherwise all be "unknown person" errors on top.
                    diags.push(at(f, Some(&after), v.trim(), format!("`{field}` of `{}`: {e}", p.id)));
                    None
                }
            }
        };
        let start = week("start", &p.start);
        let end = week("end", &p.end);
        if let (Some(s), Some(e)) = (start, end)
            && e < s
        {
            diags.push(at(
                f,
                Some(&after),
                &e.to_string(),
                format!("`{}` ends ({e}) before starting ({s})", p.id),
            ));
            ok = false;
        }
        if let Some(e) = &p.email
            && !looks_like_email(e)
        {
            diags.push(
                at(
                    f,
                    Some(&after),
                    e.trim(),
                    format!("`{e}` is not an e-mail address (`email` of `{}`)", p.id),
                )
                .with_hint("write the address as name@example.com, or put other spellings under `aliases`"),
            );
            ok = false;
        }
        if !ok {
            rejected.insert(p.id.to_lowercase());
        }
        if ok && crate::slug::is_valid_id(&p.id) && added_people.insert(p.id.clone()) {
            let contact = Contact {
                email: p.email.as_deref().map(|e| e.trim().to_string()),
                aliases: p
                    .aliases
                    .iter()
                    .map(|a| a.trim().to_string())
                    .filter(|a| !a.is_empty())
                    .collect(),
            };
            if contact != Contact::default() {
                out.contacts.insert(p.id.clone(), contact);
            }
            out.people.push(Person {
                id: p.id,
                name: p.name,
                team: p.team,
                role: p.role,
                start,
                end,
            });
        }
    }
    rejected
}

fn looks_like_email(e: &str) -> bool {
    let e = e.trim();
    e.split_once('@')
        .is_some_and(|(user, host)| !user.is_empty() && host.contains('.') && !e.contains(char::is_whitespace))
}

/// `#rrggbb` as red, green and blue.
pub fn parse_colour(s: &str) -> Option<(u8, u8, u8)> {
    let hex = s.trim().strip_prefix('#')?;
    if hex.len() != 6 || !hex.is_ascii() {
        return None;
    }
    let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
    Some((byte(0)?, byte(2)?, byte(4)?))
}
