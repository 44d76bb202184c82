//! The coaching view's private part: per rep the behaviour to talk about
//! and the coaching sessions with their commitments. Only named builds get
//! it; every other build keeps [`super::Visible::coaching`] empty, so no
//! page of a wider audience can show a commitment or a per-rep focus.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::Visible;
use crate::config::PrivacyMode;
use crate::metrics::{Cell, PersonFigures};
use crate::teamdata::Session;

/// Weeks in the coaching page's rhythm table; a rep with no active week
/// in them is left off the page.
pub const RHYTHM_WEEKS: usize = 8;
/// Weeks between the two points a drop compares.
pub const DROP_WEEKS: usize = 4;
/// A drop smaller than this (in CR) is noise: one week in a 13-week window
/// moves CR by about 0.077.
pub const MIN_DROP: f64 = 0.10;
const EPS: f64 = 1e-9;

/// Why a behaviour is the one to talk about.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Reason {
    /// CR(p, b) as of `as_of` is at least [`MIN_DROP`] below CR(p, b) as of
    /// [`DROP_WEEKS`] weeks earlier.
    Drop { from: f64, to: f64 },
    /// No behaviour dropped: the lowest CR(p, b) as of `as_of`.
    Weakest { cr: f64 },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Focus {
    pub behaviour: String,
    pub reason: Reason,
}

/// One rep's part of the coaching page.
#[derive(Debug, Clone, PartialEq)]
pub struct RepCoaching {
    pub person: String,
    pub focus: Option<Focus>,
    /// The rep's sessions, oldest first.
    pub sessions: Vec<Session>,
}

impl RepCoaching {
    /// The latest session that recorded a commitment.
    pub fn latest_commitment(&self) -> Option<&Session> {
        self.sessions.iter().rev().find(|s| s.commitment.is_some())
    }
}

/// A team's coaching page: its reps by id.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TeamCoaching {
    pub reps: Vec<RepCoaching>,
}

/// The behaviour to talk about, from (behaviour, CR now, CR
/// [`DROP_WEEKS`] earlier) over the rep's applicable behaviours: the
/// biggest drop of at least [`MIN_DROP`]; else the lowest CR now. Ties go
/// to the lower CR now, then to the behaviour id in alphabetical order, so
/// the choice never depends on the order of files.
pub fn choose_focus(rows: &[(&str, Option<f64>, Option<f64>)]) -> Option<Focus> {
    let mut sorted: Vec<&(&str, Option<f64>, Option<f64>)> = rows.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(b.0));
    let mut best: Option<(&str, f64, f64)> = None;
    for &&(b, now, before) in &sorted {
        let (Some(now), Some(before)) = (now, before) else {
            continue;
        };
        let drop = before - now;
        if drop + EPS < MIN_DROP {
            continue;
        }
        let better = match best {
            None => true,
            Some((_, bn, bb)) => {
                let bd = bb - bn;
                drop > bd + EPS || ((drop - bd).abs() <= EPS && now + EPS < bn)
            }
        };
        if better {
            best = Some((b, now, before));
        }
    }
    if let Some((b, to, from)) = best {
        return Some(Focus {
            behaviour: b.to_string(),
            reason: Reason::Drop { from, to },
        });
    }
    let mut weakest: Option<(&str, f64)> = None;
    for &&(b, now, _) in &sorted {
        let Some(now) = now else { continue };
        if weakest.is_none_or(|(_, w)| now + EPS < w) {
            weakest = Some((b, now));
        }
    }
    weakest.map(|(b, cr)| Focus {
        behaviour: b.to_string(),
        reason: Reason::Weakest { cr },
    })
}

impl Visible {
    /// Adds the coaching view: in named builds, for every shown team, each
    /// rep the team's page lists, with their focus and sessions.
    pub fn with_coaching(mut self, sessions: &[Session]) -> Visible {
        if self.mode != PrivacyMode::Named || self.weeks.is_empty() {
            return self;
        }
        let last = self.weeks.len() - 1;
        // Each rep's sessions, in the order given: found once, not by a
        // scan of every session per rep (quadratic in a large team).
        let mut by_person: BTreeMap<&str, Vec<&Session>> = BTreeMap::new();
        for s in sessions {
            by_person.entry(s.person.as_str()).or_default().push(s);
        }
        let mut out = BTreeMap::new();
        for (team, shown) in &self.teams {
            let reps = shown
                .people
                .iter()
                .filter_map(|id| {
                    let p = self.people.get(id)?;
                    // A rep with no active week in the rhythm window has
                    // left (or not started): nothing to talk about.
                    let from = self.weeks.len().saturating_sub(RHYTHM_WEEKS);
                    p.behaviours
                        .values()
                        .any(|b| b.cells[from..].iter().any(|c| *c != Cell::Inactive))
                        .then_some(())?;
                    Some(RepCoaching {
                        person: id.clone(),
                        focus: choose_focus(&rows(&self, p, last)),
                        sessions: {
                            let mut own: Vec<Session> = by_person
                                .get(id.as_str())
                                .into_iter()
                                .flatten()
                                .map(|s| (*s).clone())
                                .collect();
                            own.sort_by_key(|s| s.date);
                            own
                        },
                    })
                })
                .collect::<Vec<_>>();
            if !reps.is_empty() {
                out.insert(team.clone(), TeamCoaching { reps });
            }
        }
        self.coaching = out;
        self
    }
}

fn rows<'p>(v: &Visible, p: &'p PersonFigures, last: usize) -> Vec<(&'p str, Option<f64>, Option<f64>)> {
    p.behaviours
        .iter()
        .map(|(b, f)| {
            let before = last.checked_sub(DROP_WEEKS).and_then(|j| v.behaviour_cr_at(f, j));
            (b.as_str(), f.cr, before)
        })
        .collect()
}

/// The date a session's week starts (for "since" figures).
pub fn session_week_start(s: &Session) -> NaiveDate {
    crate::week::Week::of(s.date).monday()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_biggest_drop_wins_over_the_weakest() {
        let f = choose_focus(&[
            ("a", Some(0.2), Some(0.25)),
            ("b", Some(0.54), Some(0.8)),
            ("c", Some(0.6), Some(0.75)),
        ])
        .unwrap();
        assert_eq!(f.behaviour, "b");
        assert_eq!(f.reason, Reason::Drop { from: 0.8, to: 0.54 });
    }

    #[test]
    fn without_a_drop_the_weakest_is_chosen() {
        let f = choose_focus(&[
            ("a", Some(0.7), Some(0.75)),
            ("b", Some(0.3), Some(0.3)),
            ("c", Some(0.9), None),
        ])
        .unwrap();
        assert_eq!(
            f,
            Focus {
                behaviour: "b".into(),
                reason: Reason::Weakest { cr: 0.3 }
            }
        );
    }

    #[test]
    fn a_drop_below_ten_points_is_not_a_drop() {
        let f = choose_focus(&[("a", Some(0.7), Some(0.79)), ("b", Some(0.5), Some(0.5))]).unwrap();
        assert_eq!(f.behaviour, "b");
    }

    #[test]
    fn ties_are_broken_by_lower_cr_then_id_whatever_the_order() {
        let rows = [
            ("z", Some(0.5), Some(0.7)),
            ("m", Some(0.4), Some(0.6)),
            ("a", Some(0.5), Some(0.7)),
        ];
        let mut rev = rows;
        rev.reverse();
        assert_eq!(choose_focus(&rows).unwrap().behaviour, "m");
        assert_eq!(choose_focus(&rev).unwrap().behaviour, "m");
        let same = [("z", Some(0.5), Some(0.7)), ("a", Some(0.5), Some(0.7))];
        assert_eq!(choose_focus(&same).unwrap().behaviour, "a");
        let weak = [("z", Some(0.3), None), ("a", Some(0.3), None)];
        assert_eq!(choose_focus(&weak).unwrap().behaviour, "a");
    }

    #[test]
    fn no_defined_cr_means_no_focus() {
        assert_eq!(choose_focus(&[("a", None, Some(0.5))]), None);
    }
}
