//! What a build may show: decided once, here, for every page.
//!
//! From the metrics and the build's scope (privacy mode, `min_group_size`)
//! [`Visible::new`] produces the figures a build may publish. Pages,
//! charts, generated sentences, tables, search entries, the mailable report
//! and `metrics.json` read only this; none of them suppresses or averages
//! people on its own, so a rule cannot be forgotten on one page.
//!
//! The rules, in aggregate and pseudonymous builds:
//! - a figure is shown only when at least `min_group_size` people
//!   contribute to it (have a value in it), whatever the roster says;
//! - in every set of siblings (the teams of a week or month, the months of
//!   a team, the behaviours of a team or month, the levels of a month) the
//!   hidden cells together hold at least `min_group_size` people, or their
//!   parent is hidden too ([`suppress::siblings`]);
//! - a team has one manager, so role-model gaps and anything about managers
//!   appear only for managers as a group of at least `min_group_size`;
//! - aggregate builds carry no person at all; pseudonymous builds carry
//!   reps only (a manager's entry would single the manager out).
//!
//! Named builds show everything.

pub mod coaching;
pub mod suppress;

use std::collections::{BTreeMap, BTreeSet};

use crate::config::PrivacyMode;
use crate::metrics::stats::mean_defined;
use crate::metrics::{LeadLag, Level, Metrics, PersonFigures};
use crate::week::{Month, Week};
use rayon::prelude::*;
use suppress::{Outcome, People, disjoint, nothing_small, siblings};

/// Why a figure is not shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Why {
    /// Fewer than `min_group_size` people contribute to it.
    TooFew,
    /// Hidden so that a smaller group beside it cannot be derived.
    Protects,
}

impl Why {
    /// The interface string that explains it on the page.
    pub fn key(self) -> &'static str {
        match self {
            Why::TooFew => "hidden_too_few",
            Why::Protects => "hidden_to_protect",
        }
    }
}

/// What may be shown of one team.
#[derive(Debug, Clone, PartialEq)]
pub struct TeamShown {
    /// Reps on the roster (shown: the roster is no secret).
    pub reps: usize,
    /// Reps with a CR as of `as_of`: the people behind the headline.
    pub contributors: usize,
    /// The headline as of `as_of`; `None` when undefined or hidden.
    pub cr: Option<f64>,
    pub hidden: Option<Why>,
    /// Team CR as of each week (hidden weeks `None`).
    pub cr_series: Vec<Option<f64>>,
    /// Per behaviour: the team's CR(b) as of each week.
    pub behaviours: BTreeMap<String, Vec<Option<f64>>>,
    /// Per behaviour: share of the team's eligible weeks on target, per week
    /// (the aggregate rhythm heatmap).
    pub shares: BTreeMap<String, Vec<Option<f64>>>,
    /// Named builds only: the manager's own CR and the role-model gap.
    pub manager_cr: Option<f64>,
    pub role_model_gap: Option<f64>,
    /// Reps that may be listed on the team's page (builds that show people,
    /// teams that are shown), by id.
    pub people: Vec<String>,
}

/// What may be shown of one month.
#[derive(Debug, Clone, PartialEq)]
pub struct MonthShown {
    pub weeks: Vec<Week>,
    pub cr: Option<f64>,
    /// Why the month's CR is hidden.
    pub hidden: Option<Why>,
    /// Why a team's month CR is hidden.
    pub hidden_teams: BTreeMap<String, Why>,
    pub levels: BTreeMap<Level, Option<usize>>,
    pub coaching_coverage: Option<f64>,
    pub coaching_minutes_per_rep: Option<f64>,
    pub lead_lag: Option<LeadLag>,
    /// (person, CR, win rate): builds that show people only.
    pub lead_lag_points: Vec<(String, f64, f64)>,
    pub behaviours: BTreeMap<String, Option<f64>>,
    pub teams: BTreeMap<String, Option<f64>>,
    pub team_coaching: BTreeMap<String, (Option<f64>, Option<f64>)>,
    /// Month CR per rep: named builds only.
    pub reps: BTreeMap<String, f64>,
    /// Role-model gap per team as of the month's last week: named builds only.
    pub role_model_gaps: BTreeMap<String, Option<f64>>,
    /// Managers as a group as of the month's last week.
    pub managers: ManagersShown,
}

/// Managers as a group: shown only when enough of them contribute.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ManagersShown {
    /// Managers with a CR of their own.
    pub contributors: usize,
    /// Their mean CR; `None` when fewer than `min_group_size` contribute.
    pub cr: Option<f64>,
    /// Mean of their role-model gaps: only when every one of them has a
    /// gap against a team figure that is shown (else the group's gap and
    /// its CR together would give away a hidden team's figure).
    pub gap: Option<f64>,
}

/// Everything a build may show.
#[derive(Debug, Clone)]
pub struct Visible {
    pub mode: PrivacyMode,
    pub min_group_size: usize,
    pub as_of: Option<Week>,
    pub weeks: Vec<Week>,
    /// CR over all reps of the build as of each week.
    pub overall: Vec<Option<f64>>,
    /// Reps behind the overall headline.
    pub contributors: usize,
    pub teams: BTreeMap<String, TeamShown>,
    /// Per behaviour over all reps: CR(b) as of each week.
    pub behaviours: BTreeMap<String, Vec<Option<f64>>>,
    /// Reps per level now (a hidden count is `None`).
    pub levels_now: BTreeMap<Level, Option<usize>>,
    /// Shared with the next build's decisions, which take the months an
    /// edit does not reach as they are.
    pub months: BTreeMap<Month, std::sync::Arc<MonthShown>>,
    /// People whose own figures may be shown: none in aggregate builds,
    /// reps in pseudonymous builds, everyone in named builds (then the
    /// metrics' own map, shared).
    pub people: std::sync::Arc<BTreeMap<String, PersonFigures>>,
    pub managers: ManagersShown,
    /// Behaviours only managers have figures in: shown for managers as a
    /// group only (named builds: on each manager's own page).
    pub manager_behaviours: BTreeSet<String>,
    /// Data health: per team only for teams that are shown, per person only
    /// for people this build shows.
    pub health: crate::datahealth::DataHealth,
    /// Missing weeks and outliers over everyone (totals name nobody).
    pub missing_total: usize,
    pub outlier_total: usize,
    /// The coaching view per team: named builds only (empty elsewhere).
    pub coaching: BTreeMap<String, coaching::TeamCoaching>,
    /// The metrics with every hidden figure set undefined: `metrics.json`.
    redacted: Metrics,
    /// Set once this (last) build's people's figures were handed to the
    /// next build's metrics ([`Visible::hand_on_people`]).
    handed_on: Option<Box<HandedOn>>,
    /// This build's decisions, for the next build's [`Prior`].
    decided: std::sync::Arc<Decided>,
    /// Weeks and months decided afresh (the others were the prior's).
    afresh: (usize, usize),
}

/// The months as shown, the teams each month hides with the team's other
/// months, and how many months were decided afresh.
type MonthsDecided = (
    BTreeMap<Month, std::sync::Arc<MonthShown>>,
    BTreeMap<Month, BTreeSet<usize>>,
    usize,
);

/// A week's decisions on the behaviours' figures.
#[derive(Debug, Clone)]
struct WeekFigures {
    /// Per behaviour: the overall CR(b).
    overall: Vec<Option<f64>>,
    /// Per team and behaviour (team-major): CR(b), `None` when hidden.
    cells: Vec<Option<f64>>,
    /// Teams whose figure of the week goes.
    teams_hidden: Vec<usize>,
}

/// What one build decided, week by week and month by month, with the key
/// of what the decisions read besides the people's figures.
#[derive(Debug, Default)]
pub(crate) struct Decided {
    key: u64,
    /// Per week: whether the overall figure goes, and the teams whose
    /// figure goes (team index, why).
    weekly: Vec<(bool, Vec<(usize, Why)>)>,
    figures: Vec<WeekFigures>,
    /// Per week: (team, behaviour, share) of the shares shown.
    shares: Vec<Vec<(usize, usize, f64)>>,
    /// Each team's series as shown, by team index: what the months read.
    series: Vec<Vec<Option<f64>>>,
    /// Per month: the teams hidden with the team's other months.
    before: BTreeMap<Month, BTreeSet<usize>>,
    months: BTreeMap<Month, std::sync::Arc<MonthShown>>,
}

/// What a rebuild after an edit to some people's log entries may take from
/// the last build's visible stage: its decisions, and the changed people's
/// figures as they were (everyone else's are the same by construction of
/// [`crate::metrics::compute_reusing`]). A decision is reused only when
/// every input it reads of the changed people is the same, bit for bit.
pub struct Prior {
    decided: std::sync::Arc<Decided>,
    /// The changed people's figures in the last build (`None`: not there).
    before: BTreeMap<String, Option<PersonFigures>>,
}

fn same_cr(a: Option<&Option<f64>>, b: Option<&Option<f64>>) -> bool {
    a.map(|x| x.map(f64::to_bits)) == b.map(|x| x.map(f64::to_bits))
}

impl Prior {
    /// `decided` are the last build's decisions, `people` its metrics'
    /// figures, `changed` the people whose log entries changed since.
    pub(crate) fn new(
        decided: std::sync::Arc<Decided>,
        people: &BTreeMap<String, PersonFigures>,
        changed: &BTreeSet<String>,
    ) -> Prior {
        Prior {
            decided,
            before: changed.iter().map(|id| (id.clone(), people.get(id).cloned())).collect(),
        }
    }

    /// The changed people, as they were and as they are in `m`.
    fn pairs<'a>(&'a self, m: &'a Metrics) -> impl Iterator<Item = Option<(&'a PersonFigures, &'a PersonFigures)>> {
        self.before
            .iter()
            .map(|(id, was)| Some((was.as_ref()?, m.people.get(id)?)))
    }

    /// Whether what a week's decisions read of the changed people is the
    /// same: their CR, and per behaviour their cell and CR(b), at week `j`.
    fn same_week(&self, m: &Metrics, j: usize) -> bool {
        self.pairs(m).all(|pair| {
            pair.is_some_and(|(was, now)| {
                same_cr(was.cr_series.get(j), now.cr_series.get(j))
                    && was.behaviours.len() == now.behaviours.len()
                    && was.behaviours.iter().zip(&now.behaviours).all(|((a, fa), (b, fb))| {
                        a == b
                            && fa.cells.get(j) == fb.cells.get(j)
                            && same_cr(Some(&m.behaviour_cr_at(fa, j)), Some(&m.behaviour_cr_at(fb, j)))
                    })
            })
        })
    }

    /// Whether what a month's decisions read of the changed people is the
    /// same: their cells in the month's weeks `idx` and their CR as of its
    /// last week `last`.
    fn same_month(&self, m: &Metrics, idx: &[usize], last: Option<usize>) -> bool {
        self.pairs(m).all(|pair| {
            // As `compute_reusing` takes a month: never for a person without
            // behaviours, whose month it computes again.
            pair.is_some_and(|(was, now)| {
                !now.behaviours.is_empty()
                    && (was.rep, &was.team) == (now.rep, &now.team)
                    && last.is_none_or(|j| same_cr(was.cr_series.get(j), now.cr_series.get(j)))
                    && was.behaviours.len() == now.behaviours.len()
                    && was
                        .behaviours
                        .iter()
                        .zip(&now.behaviours)
                        .all(|((a, fa), (b, fb))| a == b && idx.iter().all(|&i| fa.cells.get(i) == fb.cells.get(i)))
            })
        })
    }
}

/// `fresh` (the values of the weeks `todo`, in order) and, for every other
/// week, the last build's value.
fn merge<T: Clone>(todo: &[usize], fresh: Vec<T>, last: Option<&[T]>, n: usize) -> Vec<T> {
    let mut fresh = todo.iter().copied().zip(fresh).peekable();
    (0..n)
        .map(|j| match fresh.next_if(|(k, _)| *k == j) {
            Some((_, v)) => v,
            None => last.expect("a week not decided again has the last build's decision")[j].clone(),
        })
        .collect()
}

/// What a build that handed its people's figures on still knows of them.
#[derive(Debug, Clone)]
struct HandedOn {
    /// Everyone it showed.
    shown: BTreeSet<String>,
    /// The people whose log entries changed since: their figures are kept
    /// here while they were; everyone else's are the next build's.
    changed: BTreeSet<String>,
}

impl Visible {
    /// Decides what a build of `mode` may show of `m`.
    /// `targets` are the behaviours' targets (to tell a hit in the rhythm).
    pub fn new(
        m: &Metrics,
        health: &crate::datahealth::DataHealth,
        mode: PrivacyMode,
        min_group_size: usize,
        targets: &BTreeMap<String, u32>,
    ) -> Visible {
        Visible::reusing(m, health, mode, min_group_size, targets, None)
    }

    /// [`Visible::new`], taking from `prior` (the last build's decisions)
    /// every decision whose inputs are the same: the result is the same.
    pub fn reusing(
        m: &Metrics,
        health: &crate::datahealth::DataHealth,
        mode: PrivacyMode,
        min_group_size: usize,
        targets: &BTreeMap<String, u32>,
        prior: Option<&Prior>,
    ) -> Visible {
        let min = if mode == PrivacyMode::Named {
            1
        } else {
            min_group_size.max(1)
        };
        let mut v = Builder::new(m, mode, min, targets, prior).build();
        v.missing_total = health.people.values().map(|h| h.missing_weeks.len()).sum();
        v.outlier_total = health.outliers.len();
        v.health = crate::datahealth::DataHealth {
            people: health
                .people
                .iter()
                .filter(|(id, _)| v.people.contains_key(*id))
                .map(|(id, h)| (id.clone(), h.clone()))
                .collect(),
            teams: health
                .teams
                .iter()
                .map(|(t, c)| (t.clone(), if v.team_hidden(t) { None } else { *c }))
                .collect(),
            outliers: health
                .outliers
                .iter()
                .filter(|o| v.people.contains_key(&o.person))
                .cloned()
                .collect(),
        };
        v
    }

    /// CR(p, b) as of week index `j`, for a person this build shows.
    pub fn behaviour_cr_at(&self, b: &crate::metrics::BehaviourFigures, j: usize) -> Option<f64> {
        self.redacted.behaviour_cr_at(b, j)
    }

    /// Index of the last week of `month` up to `as_of`.
    pub fn month_last_index(&self, month: Month) -> Option<usize> {
        self.months
            .get(&month)?
            .weeks
            .last()
            .and_then(|w| self.weeks.binary_search(w).ok())
    }

    pub fn shows_people(&self) -> bool {
        self.mode != PrivacyMode::Aggregate
    }

    /// Whether a team's headline is hidden (or the team unknown).
    pub fn team_hidden(&self, team: &str) -> bool {
        self.teams.get(team).is_none_or(|t| t.hidden.is_some())
    }

    /// The overall headline is hidden.
    pub fn all_hidden(&self) -> bool {
        self.overall.last().copied().flatten().is_none() && self.contributors > 0
    }

    /// Managers as a group may be shown.
    pub fn shows_managers(&self) -> bool {
        self.managers.cr.is_some()
    }

    /// The metrics as `metrics.json` may publish them.
    pub fn redacted(&self) -> &Metrics {
        &self.redacted
    }

    /// Lets go of the people's figures, which this build shares with its
    /// metrics, but for those of `changed`: the next build's metrics take
    /// the others over (copying 2,000 people's figures cost more than the
    /// rest of a log edit's metrics) while this build's views are still
    /// compared with the next build's ([`Visible::same_person_in`]). Only
    /// the people whose log entries changed may differ between the two.
    pub(crate) fn hand_on_people(&mut self, changed: &BTreeSet<String>) {
        if let Some(h) = &mut self.handed_on {
            // Handed on before (that build failed): its figures of those
            // changed since are gone, so they count as changed.
            h.changed.extend(changed.iter().cloned());
            return;
        }
        let kept: BTreeMap<String, PersonFigures> = changed
            .iter()
            .filter_map(|id| Some((id.clone(), self.people.get(id)?.clone())))
            .collect();
        self.handed_on = Some(Box::new(HandedOn {
            shown: self.people.keys().cloned().collect(),
            changed: changed.clone(),
        }));
        self.people = std::sync::Arc::new(kept);
        self.redacted.people = std::sync::Arc::clone(&self.people);
    }

    /// This build's decisions, for the next build's [`Prior`].
    pub(crate) fn decided(&self) -> std::sync::Arc<Decided> {
        std::sync::Arc::clone(&self.decided)
    }

    /// How many weeks and months this build decided afresh (the others
    /// were taken from its [`Prior`]).
    pub fn decided_afresh(&self) -> (usize, usize) {
        self.afresh
    }

    /// Whether `id`'s figures are the same in this build and in `next`
    /// (`Some(true)`), differ (`Some(false)`), or neither build shows
    /// them (`None`).
    pub(crate) fn same_person_in(&self, next: &Visible, id: &str) -> Option<bool> {
        let now = next.people.get(id);
        match &self.handed_on {
            Some(h) if !h.changed.contains(id) => match (h.shown.contains(id), now) {
                (false, None) => None,
                (true, Some(_)) => Some(true),
                _ => Some(false),
            },
            Some(h) => match (self.people.get(id), now) {
                (None, None) if !h.shown.contains(id) => None,
                (Some(x), Some(y)) => Some(x == y),
                _ => Some(false),
            },
            None => match (self.people.get(id), now) {
                (None, None) => None,
                (Some(x), Some(y)) => Some(x == y),
                _ => Some(false),
            },
        }
    }
}

struct Builder<'a> {
    m: &'a Metrics,
    mode: PrivacyMode,
    min: usize,
    targets: &'a BTreeMap<String, u32>,
    /// Person index for contributor sets (looked up by hash: hundreds of
    /// thousands of times per build).
    index: rustc_hash::FxHashMap<&'a str, u32>,
    reps: Vec<(&'a str, &'a PersonFigures)>,
    /// The person index of each of `reps`.
    rep_ix: Vec<u32>,
    /// The reps of each team, in id order: looked up per team, week and
    /// month, where filtering every rep each time made the stage quadratic
    /// in the number of teams (26% of a 2,000-person build's CPU time).
    by_team: BTreeMap<&'a str, Vec<(&'a str, &'a PersonFigures)>>,
    prior: Option<&'a Prior>,
}

impl<'a> Builder<'a> {
    fn new(
        m: &'a Metrics,
        mode: PrivacyMode,
        min: usize,
        targets: &'a BTreeMap<String, u32>,
        prior: Option<&'a Prior>,
    ) -> Self {
        let index: rustc_hash::FxHashMap<&str, u32> = m
            .people
            .keys()
            .enumerate()
            .map(|(i, id)| (id.as_str(), i as u32))
            .collect();
        let reps = m
            .people
            .iter()
            .filter(|(_, p)| p.rep)
            .map(|(id, p)| (id.as_str(), p))
            .collect::<Vec<_>>();
        let mut by_team: BTreeMap<&str, Vec<(&str, &PersonFigures)>> = BTreeMap::new();
        for (id, p) in &reps {
            by_team.entry(p.team.as_str()).or_default().push((id, p));
        }
        let rep_ix = reps.iter().map(|(id, _)| index[id]).collect();
        Builder {
            m,
            mode,
            min,
            targets,
            index,
            reps,
            rep_ix,
            by_team,
            prior,
        }
    }

    fn who<'p>(&self, people: impl IntoIterator<Item = &'p str>) -> People {
        people
            .into_iter()
            .filter_map(|id| self.index.get(id).copied())
            .collect()
    }

    fn team_reps(&self, team: &str) -> &[(&'a str, &'a PersonFigures)] {
        self.by_team.get(team).map_or(&[], Vec::as_slice)
    }

    fn build(self) -> Visible {
        let m = self.m;
        let min = self.min;
        let n = m.weeks.len();
        let team_ids: Vec<&str> = m.teams.keys().map(String::as_str).collect();
        let behaviour_ids: BTreeSet<&str> = self
            .reps
            .iter()
            .flat_map(|(_, p)| p.behaviours.keys().map(String::as_str))
            .collect();
        // The loops below run per week over every rep: they work on
        // positions (in `reps`, in id order) and person indices resolved
        // once, instead of looking ids and behaviours up by name each time.
        let bs: Vec<&str> = behaviour_ids.iter().copied().collect();
        let nb = bs.len();
        let rep_ix = &self.rep_ix;
        // Each team's reps by position, in one pass (a scan of every rep
        // per team was quadratic in the size of the site).
        let mut pos_of_team: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (i, (_, p)) in self.reps.iter().enumerate() {
            pos_of_team.entry(p.team.as_str()).or_default().push(i);
        }
        let team_pos: Vec<Vec<usize>> = team_ids
            .iter()
            .map(|t| pos_of_team.remove(t).unwrap_or_default())
            .collect();
        let rep_bf: Vec<Option<&crate::metrics::BehaviourFigures>> = self
            .reps
            .iter()
            .flat_map(|(_, p)| bs.iter().map(move |b| p.behaviours.get(*b)))
            .collect();
        let people_of = |pos: &[usize], keep: &dyn Fn(usize) -> bool| -> People {
            pos.iter().filter(|&&i| keep(i)).map(|&i| rep_ix[i]).collect()
        };

        // Overall and team CR per week: the teams of a week are siblings
        // under the overall figure.
        let mut overall: Vec<Option<f64>> = m.overall_series.clone();
        let mut series: BTreeMap<&str, Vec<Option<f64>>> = m
            .teams
            .iter()
            .map(|(id, t)| (id.as_str(), t.cr_series.clone()))
            .collect();
        let mut team_why: BTreeMap<&str, Option<Why>> = team_ids.iter().map(|t| (*t, None)).collect();
        // In a rebuild, only the weeks whose inputs the changed people's
        // figures reach are decided again; every other week's decisions
        // read exactly what they read in the last build.
        let key = self.key(&team_ids, &bs);
        let prior = self
            .prior
            .filter(|p| p.decided.key == key && p.decided.weekly.len() == n);
        let todo: Vec<usize> = (0..n).filter(|&j| !prior.is_some_and(|p| p.same_week(m, j))).collect();
        let weekly: Vec<(bool, Vec<(usize, Why)>)> = todo
            .par_iter()
            .map(|&j| {
                let defined = |i: usize| self.reps[i].1.cr_series[j].is_some();
                let everyone = (0..self.reps.len()).filter(|&i| defined(i)).count();
                let overall_shown = everyone >= min;
                let counts: Vec<usize> = team_pos
                    .iter()
                    .map(|pos| pos.iter().filter(|&&i| defined(i)).count())
                    .collect();
                let o = if nothing_small(&counts, min) {
                    Outcome::default()
                } else {
                    let sets: Vec<(&str, People)> = team_ids
                        .iter()
                        .zip(&team_pos)
                        .map(|(t, pos)| (*t, people_of(pos, &defined)))
                        .collect();
                    let cells: Vec<(&str, &People)> = sets.iter().map(|(k, p)| (*k, p)).collect();
                    siblings(&cells, min, overall_shown, &BTreeSet::new())
                };
                let hides = team_ids
                    .iter()
                    .enumerate()
                    .filter(|(_, t)| o.hides(t))
                    .map(|(i, t)| {
                        (
                            i,
                            if o.small.contains(t) {
                                Why::TooFew
                            } else {
                                Why::Protects
                            },
                        )
                    })
                    .collect();
                (!overall_shown || o.parent, hides)
            })
            .collect();
        let weekly = merge(&todo, weekly, prior.map(|p| p.decided.weekly.as_slice()), n);
        for (j, (overall_hidden, hides)) in weekly.iter().enumerate() {
            if *overall_hidden {
                overall[j] = None;
            }
            for &(t, why) in hides {
                series.get_mut(team_ids[t]).expect("every team has a series")[j] = None;
                if j + 1 == n {
                    team_why.insert(team_ids[t], Some(why));
                }
            }
        }
        let contributors = self.reps.iter().filter(|(_, p)| p.cr.is_some()).count();

        // Behaviours per week, per team and overall: the teams of a
        // behaviour are siblings under its overall figure, the behaviours of
        // a team siblings under the team's figure.
        // CR(p, b) of every rep and behaviour as of every week, by week.
        // Computed a block of weeks at a time per figure: week by week, the
        // figures' prefix sums (megabytes of them) fell out of the cache
        // between one week and the next.
        const BLOCK: usize = 8;
        // Indexed like `todo`.
        let cr_by_week: Vec<Vec<Option<f64>>> = todo
            .par_chunks(BLOCK)
            .map(|weeks| {
                let mut out: Vec<Vec<Option<f64>>> = weeks.iter().map(|_| Vec::with_capacity(rep_bf.len())).collect();
                for b in &rep_bf {
                    for (q, &j) in weeks.iter().enumerate() {
                        out[q].push(b.and_then(|b| m.behaviour_cr_at(b, j)));
                    }
                }
                out
            })
            .flatten()
            .collect();
        let per_week: Vec<WeekFigures> = todo
            .par_iter()
            .zip(&cr_by_week)
            .map(|(&j, cr)| {
                let cr_of = |i: usize, k: usize| cr[i * nb + k];
                // (team, behaviour), team-major: contributors and value.
                let mut counts = Vec::with_capacity(team_ids.len() * nb);
                let mut values = Vec::with_capacity(team_ids.len() * nb);
                for pos in &team_pos {
                    for k in 0..nb {
                        counts.push(pos.iter().filter(|&&i| cr_of(i, k).is_some()).count());
                        values.push(mean_defined(pos.iter().map(|&i| cr_of(i, k))));
                    }
                }
                let mut out = WeekFigures {
                    overall: vec![None; nb],
                    cells: values,
                    teams_hidden: Vec::new(),
                };
                let everyone: Vec<usize> = (0..self.reps.len()).collect();
                for k in 0..nb {
                    let defined = everyone.iter().filter(|&&i| cr_of(i, k).is_some()).count();
                    if defined >= min {
                        out.overall[k] = mean_defined(everyone.iter().map(|&i| cr_of(i, k)));
                    }
                }
                if nothing_small(&counts, min) {
                    // No cell is small, so the rule hides nothing.
                    return out;
                }
                let sets: Vec<People> = team_pos
                    .iter()
                    .flat_map(|pos| (0..nb).map(move |k| (pos, k)))
                    .map(|(pos, k)| people_of(pos, &|i| cr_of(i, k).is_some()))
                    .collect();
                let cell = |t: usize, k: usize| &sets[t * nb + k];
                let mut hidden: BTreeSet<(&str, &str)> = BTreeSet::new();
                for (k, b) in bs.iter().enumerate() {
                    let parent_shown = everyone.iter().filter(|&&i| cr_of(i, k).is_some()).count() >= min;
                    let cells: Vec<((&str, &str), &People)> = team_ids
                        .iter()
                        .enumerate()
                        .map(|(t, id)| ((*id, *b), cell(t, k)))
                        .collect();
                    let o = siblings(&cells, min, parent_shown, &hidden);
                    if o.parent {
                        out.overall[k] = None;
                    }
                    hidden.extend(o.small.into_iter().chain(o.complement));
                }
                for (t, id) in team_ids.iter().enumerate() {
                    let parent_shown = series[id][j].is_some();
                    let cells: Vec<((&str, &str), &People)> =
                        bs.iter().enumerate().map(|(k, b)| ((*id, *b), cell(t, k))).collect();
                    let o = siblings(&cells, min, parent_shown, &hidden);
                    if o.parent {
                        // No behaviour left to protect the small ones: the team's
                        // figure of that week goes instead.
                        out.teams_hidden.push(t);
                    }
                    hidden.extend(o.small.into_iter().chain(o.complement));
                }
                for (t, id) in team_ids.iter().enumerate() {
                    for (k, b) in bs.iter().enumerate() {
                        if hidden.contains(&(*id, *b)) {
                            out.cells[t * nb + k] = None;
                        }
                    }
                }
                out
            })
            .collect();
        drop(cr_by_week);
        let per_week = merge(&todo, per_week, prior.map(|p| p.decided.figures.as_slice()), n);
        // Turned into series by position: looking each of the figures up by
        // team and behaviour name cost more than deciding a week.
        let behaviours: BTreeMap<String, Vec<Option<f64>>> = bs
            .iter()
            .enumerate()
            .map(|(k, b)| (b.to_string(), per_week.iter().map(|w| w.overall[k]).collect()))
            .collect();
        let mut team_behaviours: BTreeMap<&str, BTreeMap<String, Vec<Option<f64>>>> = team_ids
            .iter()
            .enumerate()
            .map(|(t, id)| {
                let rows = bs
                    .iter()
                    .enumerate()
                    .map(|(k, b)| (b.to_string(), per_week.iter().map(|w| w.cells[t * nb + k]).collect()))
                    .collect();
                (*id, rows)
            })
            .collect();
        for (j, w) in per_week.iter().enumerate() {
            for &t in &w.teams_hidden {
                series.get_mut(team_ids[t]).expect("team")[j] = None;
            }
        }

        // The aggregate rhythm: share of a team's eligible weeks on target.
        // The teams of one behaviour's week are siblings under the share
        // over every team (a figure any reader can add up from the teams'
        // sizes and shares), so a small cell takes a sibling with it.
        let weekly_shares: Vec<Vec<(usize, usize, f64)>> = todo
            .par_iter()
            .map(|&i| {
                let mut out = Vec::new();
                for (k, b) in bs.iter().enumerate() {
                    let target = self.targets.get(*b).copied().unwrap_or(1);
                    let cell = |r: usize| rep_bf[r * nb + k].map(|bf| bf.cells[i]).filter(|c| c.eligible());
                    // Per team: how many are eligible that week, and how many hit.
                    let per_team: Vec<(usize, usize)> = team_pos
                        .iter()
                        .map(|pos| {
                            let eligible = pos.iter().filter(|&&r| cell(r).is_some()).count();
                            let hits = pos.iter().filter(|&&r| cell(r).is_some_and(|c| c.hit(target))).count();
                            (eligible, hits)
                        })
                        .collect();
                    let counts: Vec<usize> = per_team.iter().map(|(e, _)| *e).collect();
                    let total: usize = counts.iter().sum();
                    let o = if nothing_small(&counts, min) {
                        Outcome::default()
                    } else {
                        let sets: Vec<People> = team_pos
                            .iter()
                            .map(|pos| people_of(pos, &|r| cell(r).is_some()))
                            .collect();
                        let cells: Vec<(&str, &People)> = team_ids.iter().copied().zip(&sets).collect();
                        siblings(&cells, min, total >= min, &BTreeSet::new())
                    };
                    for (t, (who, hits)) in per_team.iter().enumerate() {
                        if *who > 0 && *who >= min && !o.hides(&team_ids[t]) && !o.parent {
                            out.push((t, k, *hits as f64 / *who as f64));
                        }
                    }
                }
                out
            })
            .collect();
        let weekly_shares = merge(&todo, weekly_shares, prior.map(|p| p.decided.shares.as_slice()), n);
        // (team, behaviour), team-major: the share per week.
        let mut grid: Vec<Vec<Option<f64>>> = vec![vec![None; n]; team_ids.len() * nb];
        for (i, found) in weekly_shares.iter().enumerate() {
            for &(t, k, share) in found {
                grid[t * nb + k][i] = Some(share);
            }
        }
        let mut grid = grid.into_iter();
        let mut shares: BTreeMap<&str, BTreeMap<String, Vec<Option<f64>>>> = team_ids
            .iter()
            .map(|t| {
                let rows = bs
                    .iter()
                    .zip(grid.by_ref())
                    .map(|(b, row)| (b.to_string(), row))
                    .collect();
                (*t, rows)
            })
            .collect();

        // Levels now: reps per level, siblings under the number of reps.
        let levels_now = {
            let counts: Vec<usize> = Level::ALL
                .iter()
                .map(|l| self.reps.iter().filter(|(_, p)| p.level == *l).count())
                .collect();
            self.level_cells(&counts)
        };

        let (months, month_before, months_afresh) = self.months(&series, &bs, &rep_bf, prior);

        // Managers: per team only in named builds; as a group otherwise.
        let named = self.mode == PrivacyMode::Named;
        let managers = match n {
            0 => ManagersShown::default(),
            _ => self.managers_at(n - 1, &series),
        };

        let people: std::sync::Arc<BTreeMap<String, PersonFigures>> = match self.mode {
            PrivacyMode::Aggregate => Default::default(),
            PrivacyMode::Pseudonymous => std::sync::Arc::new(
                m.people
                    .iter()
                    .filter(|(_, p)| p.rep && team_why.get(p.team.as_str()).is_some_and(Option::is_none))
                    .map(|(id, p)| (id.clone(), p.clone()))
                    .collect(),
            ),
            PrivacyMode::Named => std::sync::Arc::clone(&m.people),
        };

        let teams: BTreeMap<String, TeamShown> = m
            .teams
            .iter()
            .map(|(id, tf)| {
                let t = id.as_str();
                // A team whose roster is below the minimum can never show a
                // figure: say so, rather than "not enough data".
                let why = team_why[t].or((tf.reps < min && tf.cr.is_none()).then_some(Why::TooFew));
                let listed = if self.mode == PrivacyMode::Aggregate || why.is_some() {
                    Vec::new()
                } else {
                    self.team_reps(t).iter().map(|(id, _)| id.to_string()).collect()
                };
                (
                    id.clone(),
                    TeamShown {
                        reps: tf.reps,
                        contributors: self.team_reps(t).iter().filter(|(_, p)| p.cr.is_some()).count(),
                        cr: if why.is_some() { None } else { tf.cr },
                        hidden: why,
                        cr_series: series[t].clone(),
                        behaviours: team_behaviours.remove(t).unwrap_or_default(),
                        shares: shares.remove(t).unwrap_or_default(),
                        manager_cr: if named { tf.manager_cr } else { None },
                        role_model_gap: if named { tf.role_model_gap } else { None },
                        people: listed,
                    },
                )
            })
            .collect();

        let manager_behaviours = m
            .people
            .values()
            .filter(|p| !p.rep)
            .flat_map(|p| p.behaviours.keys())
            .filter(|b| !behaviour_ids.contains(b.as_str()))
            .cloned()
            .collect();
        let redacted = redact(m, &teams, &months, &overall, &people);
        let afresh = (todo.len(), months_afresh);
        let decided = Decided {
            key,
            weekly,
            figures: per_week,
            shares: weekly_shares,
            series: team_ids.iter().map(|t| series[t].clone()).collect(),
            before: month_before,
            months: months.clone(),
        };
        Visible {
            mode: self.mode,
            min_group_size: min,
            as_of: m.as_of,
            weeks: m.weeks.clone(),
            overall,
            contributors,
            teams,
            behaviours,
            levels_now,
            months,
            people,
            managers,
            manager_behaviours,
            health: Default::default(),
            missing_total: 0,
            outlier_total: 0,
            coaching: BTreeMap::new(),
            redacted,
            handed_on: None,
            decided: std::sync::Arc::new(decided),
            afresh,
        }
    }

    /// A key of everything the decisions read besides the figures' values
    /// and cells: who is a rep of which team with which behaviours, the
    /// teams, weeks and months, and the rules' settings. A decision is
    /// taken from the last build only when this is the same.
    fn key(&self, team_ids: &[&str], bs: &[&str]) -> u64 {
        use std::hash::{Hash, Hasher};
        let m = self.m;
        let mut h = crate::hash::KeyHasher::new();
        (self.mode as u8, self.min, self.targets, &m.weeks, team_ids, bs).hash(&mut h);
        (m.window_weeks, m.min_weeks).hash(&mut h);
        for (month, f) in &m.months {
            (month, &f.weeks).hash(&mut h);
        }
        for (id, p) in m.people.iter() {
            (id, p.rep, &p.team, p.cr_series.len()).hash(&mut h);
            for (b, f) in &p.behaviours {
                (b, f.cells.len()).hash(&mut h);
            }
        }
        h.finish()
    }

    /// The managers of each team (the non-reps of its roster) and their
    /// CR as of week index `j`, as a group: shown from `min` managers on
    /// (any number in named builds).
    fn managers_at(&self, j: usize, series: &BTreeMap<&str, Vec<Option<f64>>>) -> ManagersShown {
        let named = self.mode == PrivacyMode::Named;
        let own: Vec<(f64, Option<f64>)> = self
            .m
            .people
            .values()
            .filter(|p| !p.rep)
            .filter_map(|p| {
                let cr = p.cr_series.get(j).copied().flatten()?;
                let team = series.get(p.team.as_str()).and_then(|s| s.get(j).copied().flatten());
                Some((cr, team.map(|t| cr - t)))
            })
            .collect();
        let enough = !own.is_empty() && (named || own.len() >= self.min);
        let cr = enough
            .then(|| mean_defined(own.iter().map(|(c, _)| Some(*c))))
            .flatten();
        let gap = (enough && own.iter().all(|(_, g)| g.is_some()))
            .then(|| mean_defined(own.iter().map(|(_, g)| *g)))
            .flatten();
        ManagersShown {
            contributors: own.len(),
            cr,
            gap,
        }
    }

    /// Reps per level, each count a group of its own.
    fn level_cells(&self, counts: &[usize]) -> BTreeMap<Level, Option<usize>> {
        let sets = disjoint(counts);
        let cells: Vec<(Level, &People)> = Level::ALL.iter().copied().zip(&sets).collect();
        let o = siblings(&cells, self.min, true, &BTreeSet::new());
        Level::ALL
            .iter()
            .zip(counts)
            .map(|(l, n)| (*l, (!o.hides(l) && !o.parent).then_some(*n)))
            .collect()
    }

    /// `bs` are the reps' behaviour ids in order, `rep_bf` their figures
    /// per rep (rep-major), as [`Builder::build`] resolved them.
    /// Also returns the teams each month hides with the team's other
    /// months, and how many months were decided afresh (the others were
    /// `prior`'s, every input they read the same).
    fn months(
        &self,
        series: &BTreeMap<&str, Vec<Option<f64>>>,
        bs: &[&str],
        rep_bf: &[Option<&crate::metrics::BehaviourFigures>],
        prior: Option<&Prior>,
    ) -> MonthsDecided {
        let m = self.m;
        let min = self.min;
        let named = self.mode == PrivacyMode::Named;
        let team_ids: Vec<&str> = m.teams.keys().map(String::as_str).collect();
        // Each month's reps by team (by position in `team_ids`), found in
        // one pass over the month by person index: the months of a team and
        // the teams of a month read the same sets.
        let team_at: Vec<Option<usize>> = m
            .people
            .values()
            .map(|p| team_ids.binary_search(&p.team.as_str()).ok())
            .collect();
        let month_sets: BTreeMap<Month, Vec<People>> = m
            .months
            .par_iter()
            .map(|(month, f)| {
                let mut sets = vec![People::new(); team_ids.len()];
                for id in f.reps.keys() {
                    if let Some(&i) = self.index.get(id.as_str())
                        && let Some(t) = team_at[i as usize]
                    {
                        sets[t].insert(i);
                    }
                }
                (*month, sets)
            })
            .collect();
        // The first non-rep of each team in id order: its manager's figures.
        let mut first_manager: BTreeMap<&str, &PersonFigures> = BTreeMap::new();
        for p in m.people.values().filter(|p| !p.rep) {
            first_manager.entry(p.team.as_str()).or_insert(p);
        }
        // Months of a team are siblings under the team's headline.
        let mut month_team_hidden: BTreeSet<(Month, &str)> = BTreeSet::new();
        for (ti, t) in team_ids.iter().enumerate() {
            let parent_shown = series[t].last().copied().flatten().is_some();
            let cells: Vec<(Month, &People)> = month_sets.iter().map(|(mo, sets)| (*mo, &sets[ti])).collect();
            let o = siblings(&cells, min, parent_shown, &BTreeSet::new());
            for (mo, _) in &cells {
                if o.hides(mo) {
                    month_team_hidden.insert((*mo, *t));
                }
            }
        }
        let month_before: BTreeMap<Month, BTreeSet<usize>> = m
            .months
            .keys()
            .map(|mo| {
                let hidden = team_ids
                    .iter()
                    .enumerate()
                    .filter(|(_, t)| month_team_hidden.contains(&(*mo, **t)))
                    .map(|(i, _)| i)
                    .collect();
                (*mo, hidden)
            })
            .collect();
        // A month of the last build is taken when it read the same: the
        // same teams hidden with their other months, the same team figures
        // as shown as of its last week, and the same of the changed people.
        let last_month = |month: &Month, f: &crate::metrics::MonthFigures, j: Option<usize>| {
            let p = prior?;
            let was = p.decided.months.get(month)?;
            let month_ix: Vec<usize> = f.weeks.iter().filter_map(|w| m.week_index(*w)).collect();
            let same = was.weeks == f.weeks
                && p.decided.before.get(month) == month_before.get(month)
                && j.is_none_or(|j| {
                    team_ids
                        .iter()
                        .zip(&p.decided.series)
                        .all(|(t, s)| same_cr(s.get(j), series[t].get(j)))
                })
                && p.same_month(m, &month_ix, j);
            same.then(|| was.clone())
        };
        // Each month on its own (in parallel): the months of a team were
        // decided together above.
        let months: BTreeMap<Month, (bool, std::sync::Arc<MonthShown>)> = m
            .months
            .par_iter()
            .map(|(month, f)| {
                let j = f.weeks.last().and_then(|w| m.week_index(*w));
                if let Some(was) = last_month(month, f, j) {
                    return (*month, (false, was));
                }
                let all = self.who(f.reps.keys().map(String::as_str));
                let mut month_shown = all.len() >= min;
                // Teams of the month.
                let cells: Vec<(&str, &People)> = team_ids.iter().copied().zip(&month_sets[month]).collect();
                let before: BTreeSet<&str> = team_ids
                    .iter()
                    .copied()
                    .filter(|t| month_team_hidden.contains(&(*month, *t)))
                    .collect();
                let o = siblings(&cells, min, month_shown, &before);
                if o.parent {
                    month_shown = false;
                }
                let mut hidden_teams = BTreeMap::new();
                let teams = f
                    .teams
                    .iter()
                    .map(|(t, v)| {
                        let why = if o.small.contains(t.as_str()) {
                            Some(Why::TooFew)
                        } else if o.complement.contains(t.as_str()) || before.contains(t.as_str()) {
                            Some(Why::Protects)
                        } else {
                            None
                        };
                        if let (Some(why), Some(_)) = (why, v) {
                            hidden_teams.insert(t.clone(), why);
                        }
                        (t.clone(), if why.is_some() { None } else { *v })
                    })
                    .collect();
                // Behaviours of the month.
                let month_ix: Vec<usize> = f.weeks.iter().filter_map(|w| m.week_index(*w)).collect();
                let bsets: Vec<(&str, People)> = f
                    .behaviours
                    .keys()
                    .map(|b| {
                        // `bs` is sorted; a behaviour no rep has has nobody.
                        let who = match bs.binary_search(&b.as_str()) {
                            Ok(k) => (0..self.reps.len())
                                .filter(|&r| {
                                    rep_bf[r * bs.len() + k]
                                        .is_some_and(|bf| month_ix.iter().any(|&i| bf.cells[i].eligible()))
                                })
                                .map(|r| self.rep_ix[r])
                                .collect(),
                            Err(_) => People::new(),
                        };
                        (b.as_str(), who)
                    })
                    .collect();
                let bcells: Vec<(&str, &People)> = bsets.iter().map(|(k, p)| (*k, p)).collect();
                let ob = siblings(&bcells, min, month_shown, &BTreeSet::new());
                if ob.parent {
                    month_shown = false;
                }
                let behaviours = f
                    .behaviours
                    .iter()
                    .map(|(b, v)| (b.clone(), if ob.hides(&b.as_str()) { None } else { *v }))
                    .collect();
                // Coaching per team: the reps active in the month.
                let active: Vec<usize> = team_ids
                    .iter()
                    .map(|t| f.active_reps.get(*t).copied().unwrap_or(0))
                    .collect();
                let total_active: usize = active.iter().sum();
                let coaching_shown = total_active >= min;
                let asets = disjoint(&active);
                let acells: Vec<(&str, &People)> = team_ids.iter().copied().zip(&asets).collect();
                let oc = siblings(&acells, min, coaching_shown, &BTreeSet::new());
                let coaching_shown = coaching_shown && !oc.parent;
                let team_coaching = f
                    .team_coaching
                    .iter()
                    .map(|(t, v)| (t.clone(), if oc.hides(&t.as_str()) { (None, None) } else { *v }))
                    .collect();
                let counts: Vec<usize> = Level::ALL
                    .iter()
                    .map(|l| f.levels.get(l).copied().unwrap_or(0))
                    .collect();
                let levels = if month_shown || named {
                    self.level_cells(&counts)
                } else {
                    Level::ALL.iter().map(|l| (*l, None)).collect()
                };
                let shown = MonthShown {
                    weeks: f.weeks.clone(),
                    cr: if month_shown { f.cr } else { None },
                    hidden: (!month_shown && f.cr.is_some()).then_some(if all.len() < min {
                        Why::TooFew
                    } else {
                        Why::Protects
                    }),
                    hidden_teams,
                    levels,
                    coaching_coverage: if coaching_shown { f.coaching_coverage } else { None },
                    coaching_minutes_per_rep: if coaching_shown {
                        f.coaching_minutes_per_rep
                    } else {
                        None
                    },
                    // ρ is null below the minimum already; its points are people.
                    lead_lag: f.lead_lag.filter(|ll| ll.n >= min),
                    lead_lag_points: if self.mode == PrivacyMode::Aggregate {
                        Vec::new()
                    } else {
                        f.lead_lag_points
                            .iter()
                            .filter(|(p, _, _)| named || self.m.people.get(p).is_some_and(|p| p.rep))
                            .cloned()
                            .collect()
                    },
                    behaviours,
                    teams,
                    team_coaching,
                    reps: if named { f.reps.clone() } else { BTreeMap::new() },
                    managers: j.map(|j| self.managers_at(j, series)).unwrap_or_default(),
                    role_model_gaps: if named {
                        m.teams
                            .iter()
                            .map(|(t, tf)| {
                                let gap = j.and_then(|j| {
                                    let manager = first_manager.get(t.as_str())?;
                                    Some(manager.cr_series.get(j).copied()?? - tf.cr_series.get(j).copied()??)
                                });
                                (t.clone(), gap)
                            })
                            .collect()
                    } else {
                        BTreeMap::new()
                    },
                };
                (*month, (true, std::sync::Arc::new(shown)))
            })
            .collect();
        let afresh = months.values().filter(|(fresh, _)| *fresh).count();
        let months = months.into_iter().map(|(mo, (_, shown))| (mo, shown)).collect();
        (months, month_before, afresh)
    }
}

/// `m` with every figure this build may not show set undefined.
fn redact(
    m: &Metrics,
    teams: &BTreeMap<String, TeamShown>,
    months: &BTreeMap<Month, std::sync::Arc<MonthShown>>,
    overall: &[Option<f64>],
    people: &std::sync::Arc<BTreeMap<String, PersonFigures>>,
) -> Metrics {
    // Field by field: cloning `m` whole would copy every person's figures
    // only to drop them for `people`.
    let mut r = Metrics {
        as_of: m.as_of,
        weeks: m.weeks.clone(),
        people: std::sync::Arc::clone(people),
        teams: m.teams.clone(),
        // Each month made from what it shows (cloning the metrics' months
        // first copied every month's reps twice).
        months: m
            .months
            .iter()
            .map(|(mo, f)| {
                let r = match months.get(mo) {
                    Some(s) => crate::metrics::MonthFigures {
                        weeks: f.weeks.clone(),
                        cr: s.cr,
                        // A hidden count is left out (`null` in metrics.json), never 0.
                        levels: s.levels.iter().filter_map(|(l, n)| Some((*l, (*n)?))).collect(),
                        coaching_coverage: s.coaching_coverage,
                        coaching_minutes_per_rep: s.coaching_minutes_per_rep,
                        lead_lag: s.lead_lag,
                        behaviours: s.behaviours.clone(),
                        teams: s.teams.clone(),
                        reps: s.reps.clone(),
                        active_reps: f.active_reps.clone(),
                        team_coaching: s.team_coaching.clone(),
                        lead_lag_points: s.lead_lag_points.clone(),
                    },
                    None => f.clone(),
                };
                (*mo, r)
            })
            .collect(),
        overall_series: overall.to_vec(),
        window_weeks: m.window_weeks,
        min_weeks: m.min_weeks,
    };
    for (id, t) in r.teams.iter_mut() {
        if let Some(s) = teams.get(id) {
            t.cr = s.cr;
            t.level = if s.hidden.is_some() {
                Level::Insufficient
            } else {
                t.level
            };
            t.manager_cr = s.manager_cr;
            t.role_model_gap = s.role_model_gap;
            t.cr_series = s.cr_series.clone();
        }
    }
    r
}

#[cfg(test)]
mod tests;
