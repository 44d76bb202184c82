//! Coaching sessions from an export (a calendar, a CRM's "coaching" task
//! type) into `data/coaching/import-YYYY-MM.yaml`, one file per month that
//! only import writes.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Deserialize;

use super::mapping::Field;
use super::numbers;
use super::problems::Cause;
use super::rows::Ctx;
use super::table::Row;
use super::{Changes, MARKER, Planned, is_ours};
use crate::week::Month;

/// A session as written to (and read back from) an import file.
#[derive(Debug, Clone, PartialEq, Deserialize)]
struct Session {
    date: String,
    coach: String,
    person: String,
    #[serde(default)]
    minutes: f64,
    #[serde(default)]
    behaviours: Vec<String>,
    commitment: Option<String>,
}

#[derive(Deserialize)]
struct File {
    #[serde(default)]
    sessions: Vec<Session>,
}

impl Session {
    fn key(&self) -> (String, String, String) {
        (self.date.clone(), self.coach.clone(), self.person.clone())
    }
}

/// Plans the files; `None` when the columns do not fit (the problem is filed).
pub fn plan(ctx: &mut Ctx, rows: &[&Row], force: bool) -> Option<Changes> {
    let missing = !ctx.require(&[Field::Coach, Field::Person, Field::Date]);
    if missing {
        return None;
    }
    let mut sessions: Vec<(NaiveDate, Session)> = Vec::new();
    for row in rows {
        let coach = ctx.person(row, Field::Coach);
        let person = ctx.person(row, Field::Person);
        let date = ctx.date(row);
        let minutes = match ctx.cell(row, Field::Minutes) {
            None => Some(0.0),
            Some(cell) => match numbers::minutes(cell) {
                Ok(m) => Some(m),
                Err(e) => {
                    ctx.problems.add(
                        Cause::Value,
                        &format!("minutes {}", cell.text()),
                        row.line,
                        "",
                        &e,
                        None,
                    );
                    None
                }
            },
        };
        let mut behaviours = Vec::new();
        let mut ok = true;
        if let Some(cell) = ctx.cell(row, Field::Behaviours) {
            let text = cell.text();
            let column = ctx.header(Field::Behaviours).to_string();
            // The whole cell may be one title with a comma in it.
            let parts: Vec<&str> = if !text.is_empty() && ctx.site.behaviours.find(&text) != super::names::Found::None {
                vec![text.as_str()]
            } else {
                text.split([';', '|', ',', '\n'])
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .collect()
            };
            for part in parts {
                match ctx.behaviour(row.line, part, &column) {
                    Some(id) if !behaviours.contains(&id) => behaviours.push(id),
                    Some(_) => {}
                    None => ok = false,
                }
            }
        }
        let commitment = ctx
            .cell(row, Field::Commitment)
            .map(|c| c.text())
            .filter(|t| !t.is_empty());
        let (Some(coach), Some(person), Some(date), Some(minutes), true) = (coach, person, date, minutes, ok) else {
            continue;
        };
        sessions.push((
            date,
            Session {
                date: date.format("%Y-%m-%d").to_string(),
                coach: coach.id.clone(),
                person: person.id.clone(),
                minutes,
                behaviours,
                commitment,
            },
        ));
    }

    let site = ctx.site;
    let mut changes = Changes::new("sessions");
    let mut by_file: BTreeMap<String, Vec<Session>> = BTreeMap::new();
    for (date, s) in sessions {
        let m = Month::of(date);
        by_file
            .entry(format!("data/coaching/import-{m}.yaml"))
            .or_default()
            .push(s);
    }
    for (rel, imported) in by_file {
        let existing = site.sources.coaching.iter().find(|f| f.rel == rel);
        let ours = existing.is_none_or(|f| is_ours(&f.text));
        let present: Vec<Session> = match existing {
            Some(f) if ours => crate::yaml::parse::<File>(&f.text, &f.rel, 1)
                .map(|f| f.sessions)
                .unwrap_or_default(),
            _ => Vec::new(),
        };
        // Sessions of the same day, coach and person in other files.
        let elsewhere = |key: &(String, String, String)| {
            site.data
                .sessions
                .iter()
                .filter(|s| (s.date.format("%Y-%m-%d").to_string(), s.coach.clone(), s.person.clone()) == *key)
                .count()
                > present.iter().filter(|p| p.key() == *key).count()
        };
        let replaced_keys: Vec<_> = if force {
            imported.iter().map(Session::key).collect()
        } else {
            Vec::new()
        };
        let mut kept: Vec<Session> = present
            .iter()
            .filter(|p| !replaced_keys.contains(&p.key()))
            .cloned()
            .collect();
        let mut touched = false;
        for s in imported {
            let key = s.key();
            let label = format!("{} with {} on {}", s.person, s.coach, s.date);
            if !ours || elsewhere(&key) {
                changes.elsewhere.push(label);
            } else if present.iter().any(|p| p.key() == key) {
                if force {
                    changes.replaced += 1;
                    kept.push(s);
                    touched = true;
                } else {
                    changes.skipped.push(label);
                }
            } else {
                changes.new += 1;
                kept.push(s);
                touched = true;
            }
        }
        if touched {
            kept.sort_by_key(Session::key);
            changes.files.push(Planned {
                existed: existing.is_some(),
                text: yaml_for(&kept),
                rel,
            });
        }
    }
    Some(changes)
}

fn yaml_for(sessions: &[Session]) -> String {
    let q = |s: &str| serde_json::to_string(s).unwrap_or_default();
    let mut out = format!("{MARKER}\nsessions:\n");
    for s in sessions {
        out.push_str(&format!(
            "  - date: {}\n    coach: {}\n    person: {}\n    minutes: {}\n",
            s.date,
            s.coach,
            s.person,
            numbers::show(s.minutes)
        ));
        if !s.behaviours.is_empty() {
            out.push_str(&format!("    behaviours: [{}]\n", s.behaviours.join(", ")));
        }
        if let Some(c) = &s.commitment {
            out.push_str(&format!("    commitment: {}\n", q(c)));
        }
    }
    out
}
