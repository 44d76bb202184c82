//! Team data: teams and people, weekly behaviour logs, coaching sessions
//! and outcomes (README, "The site folder" and "Team data"), typed and validated.
//!
//! `load` parses every data file and checks every reference, collecting all
//! problems with `file:line:col` and a hint before any metric is computed.

pub(crate) mod load;
mod logread;
mod outcomesread;

use std::collections::BTreeMap;
use std::sync::Arc;

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
    Values(Values),
}

/// The values of one week entry, by behaviour id, in id order.
///
/// A large team logs millions of values: a map with an owned id per value
/// (a `BTreeMap<String, Logged>`) cost three allocations per value and
/// most of the data stage's memory. Here the ids are shared (`Arc<str>`,
/// one per behaviour per log file) and the values sit in one sorted slice.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Values(Box<[(Arc<str>, Logged)]>);

impl Values {
    /// From pairs already in strictly increasing id order (the caller
    /// vouches; checked in debug builds).
    pub(crate) fn from_sorted(pairs: Vec<(Arc<str>, Logged)>) -> Values {
        debug_assert!(pairs.windows(2).all(|w| w[0].0 < w[1].0));
        Values(pairs.into_boxed_slice())
    }

    /// The value logged for behaviour `id`.
    pub fn get(&self, id: &str) -> Option<&Logged> {
        // A handful of entries: a scan beats a binary search here.
        self.0.iter().find(|(b, _)| &**b == id).map(|(_, v)| v)
    }

    /// As [`Values::get`], trying slot `*hint` first and leaving there the
    /// slot where `id` was found: a person's weeks mostly log the same
    /// behaviours, so the metrics stage's lookup per person, behaviour and
    /// week finds its id at the first compare instead of after a scan.
    pub fn get_hinted(&self, id: &str, hint: &mut usize) -> Option<&Logged> {
        if let Some((b, v)) = self.0.get(*hint)
            && &**b == id
        {
            return Some(v);
        }
        let i = self.0.iter().position(|(b, _)| &**b == id)?;
        *hint = i;
        Some(&self.0[i].1)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// (behaviour id, value) in id order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Logged)> {
        self.0.iter().map(|(b, v)| (&**b, v))
    }
}

/// Like a map's: in id order, and of an id given twice the last value.
impl<K: Into<Arc<str>>> FromIterator<(K, Logged)> for Values {
    fn from_iter<I: IntoIterator<Item = (K, Logged)>>(iter: I) -> Values {
        let mut pairs: Vec<(Arc<str>, Logged)> = iter.into_iter().map(|(k, v)| (k.into(), v)).collect();
        // Stable: of equal ids the last given ends last, and is kept.
        pairs.sort_by(|a, b| a.0.cmp(&b.0));
        let mut kept: Vec<(Arc<str>, Logged)> = Vec::with_capacity(pairs.len());
        for p in pairs {
            match kept.last_mut() {
                Some(last) if last.0 == p.0 => *last = p,
                _ => kept.push(p),
            }
        }
        Values(kept.into_boxed_slice())
    }
}

impl<'a> IntoIterator for &'a Values {
    type Item = (&'a str, &'a Logged);
    type IntoIter =
        std::iter::Map<std::slice::Iter<'a, (Arc<str>, Logged)>, fn(&'a (Arc<str>, Logged)) -> (&'a str, &'a Logged)>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|(b, v)| (&**b, v))
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// `Values` answers as the map it replaces: same ids in the same
        /// order, the last value of an id given twice, the same lookups.
        #[test]
        fn values_behave_as_a_map(pairs in prop::collection::vec(("[a-d]{1,2}", prop::option::of(0u32..5)), 0..12)) {
            let logged = |v: Option<u32>| v.map_or(Logged::Skip, Logged::Count);
            let map: BTreeMap<String, Logged> = pairs.iter().map(|(k, v)| (k.clone(), logged(*v))).collect();
            let values: Values = pairs.iter().map(|(k, v)| (k.clone(), logged(*v))).collect();
            let listed: Vec<(&str, &Logged)> = values.iter().collect();
            let expected: Vec<(&str, &Logged)> = map.iter().map(|(k, v)| (k.as_str(), v)).collect();
            prop_assert_eq!(&listed, &expected);
            prop_assert_eq!((&values).into_iter().count(), map.len());
            prop_assert_eq!(values.len(), map.len());
            prop_assert_eq!(values.is_empty(), map.is_empty());
            let mut hint = 0;
            for k in ["a", "b", "ab", "dd", "e", "", "a", "dd", "dd"] {
                prop_assert_eq!(values.get(k), map.get(k));
                prop_assert_eq!(values.get_hinted(k, &mut hint), map.get(k));
                prop_assert!(hint <= values.len());
            }
            let sorted: Vec<(Arc<str>, Logged)> = map.iter().map(|(k, v)| (Arc::from(k.as_str()), *v)).collect();
            prop_assert_eq!(Values::from_sorted(sorted), values);
        }
    }
}
