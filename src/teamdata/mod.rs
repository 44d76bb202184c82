//! Team data: teams and people, weekly behaviour logs, coaching sessions
//! and outcomes (README, "The site folder" and "Team data"), typed and validated.
//!
//! `load` parses every data file and checks every reference, collecting all
//! problems with `file:line:col` and a hint before any metric is computed.

pub(crate) mod load;

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::week::{Month, Week};
pub use load::{BehaviourRule, LogMemo, load, load_cached, load_with};

/// The years data may name: a typo such as `0026` must never make a
/// build (or an import) run away over twenty centuries of weeks.
pub const YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

#[derive(Debug, Clone, PartialEq)]
pub struct Team {
    pub id: String,
    pub name: String,
    /// Person id of the team's manager.
    pub manager: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Person {
    pub id: String,
    pub name: String,
    pub team: String,
    pub role: String,
    /// First active week, when set in the team file.
    pub start: Option<Week>,
    /// Last active week, when set.
    pub end: Option<Week>,
}

impl Person {
    /// Whether `week` lies outside the `start`/`end` set in the team file.
    pub fn outside(&self, week: Week) -> bool {
        self.start.is_some_and(|s| week < s) || self.end.is_some_and(|e| week > e)
    }

    /// The active span as set in the team file, in words ("from 2026-W03").
    pub fn span(&self) -> String {
        match (self.start, self.end) {
            (Some(s), Some(e)) => format!("{s} to {e}"),
            (Some(s), None) => format!("from {s}"),
            (None, Some(e)) => format!("until {e}"),
            (None, None) => String::new(),
        }
    }
}

/// The other ways an export may name a person: an e-mail address and
/// aliases (the full name as a CRM writes it, a login). Kept beside
/// [`Person`] because only import needs them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Contact {
    pub email: Option<String>,
    pub aliases: Vec<String>,
}

/// One logged value for a behaviour in a week.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Logged {
    Count(u32),
    Skip,
}

/// A person's entry for one week.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WeekEntry {
    /// The whole week is skipped (leave, sickness, training).
    Skip,
    /// Values per behaviour id; a behaviour missing here was not logged.
    Values(BTreeMap<String, Logged>),
}

/// Where a log entry was written, for error messages. The line is found
/// on demand ([`Source::locate`]): scanning for it on every entry would
/// make loading quadratic in the size of a log file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub file: String,
    /// 0 until located.
    pub line: usize,
}

impl Source {
    /// The line of `person`'s entry in the file's text.
    pub fn locate(&self, files: &[crate::source::SourceFile], person: &str) -> Option<usize> {
        let f = files.iter().find(|f| f.rel == self.file)?;
        crate::yaml::locate(&f.text, None, &format!("{person}:"), 1).map(|p| p.line)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    pub date: NaiveDate,
    pub coach: String,
    pub person: String,
    pub minutes: f64,
    pub behaviours: Vec<String>,
    /// Private: shown only in named builds.
    pub commitment: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Outcome {
    pub won: u32,
    pub lost: u32,
    pub revenue: Option<f64>,
}

/// Everything under `data/`, validated.
#[derive(Debug, Clone, Default)]
pub struct TeamData {
    pub teams: Vec<Team>,
    pub people: Vec<Person>,
    /// (person id, week) → the entry.
    pub logs: BTreeMap<(String, Week), WeekEntry>,
    /// Where each entry was written.
    pub sources: BTreeMap<(String, Week), Source>,
    /// Every week named by a log document, with or without entries.
    pub logged_weeks: Vec<Week>,
    pub sessions: Vec<Session>,
    pub outcomes: BTreeMap<Month, BTreeMap<String, Outcome>>,
    /// Team id → its own chart colour (`#rrggbb`), where team.yaml names one.
    pub colours: BTreeMap<String, String>,
    /// E-mail and aliases per person id (only people who have any).
    pub contacts: BTreeMap<String, Contact>,
}

impl TeamData {
    pub fn person(&self, id: &str) -> Option<&Person> {
        self.people.iter().find(|p| p.id == id)
    }

    pub fn team(&self, id: &str) -> Option<&Team> {
        self.teams.iter().find(|t| t.id == id)
    }

    /// Whether the person coaches: the manager of a team, or of role `manager`.
    pub fn is_manager(&self, p: &Person) -> bool {
        p.role == "manager" || self.teams.iter().any(|t| t.manager.as_deref() == Some(p.id.as_str()))
    }

    /// Whether the person is one of the reps of their team: not the team's
    /// manager and not of role `manager`. Team figures are over reps;
    /// managers are reported apart.
    pub fn is_rep(&self, p: &Person) -> bool {
        p.role != "manager"
            && self
                .team(&p.team)
                .is_none_or(|t| t.manager.as_deref() != Some(p.id.as_str()))
    }

    /// The latest week that appears in any log file.
    pub fn as_of(&self) -> Option<Week> {
        self.logged_weeks.iter().max().copied()
    }

    /// The earliest week that appears in any log file.
    pub fn first_week(&self) -> Option<Week> {
        self.logged_weeks.iter().min().copied()
    }
}
