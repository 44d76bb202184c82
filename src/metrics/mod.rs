//! The metrics of the README's "Metrics" — lead measures first.
//!
//! Pure functions of the validated team data, the behaviour rules and the
//! config. Each definition is documented where it is computed. The one
//! pass that matters for speed builds, per person and behaviour, a row of
//! weekly cells and prefix sums of hits and eligible weeks, so that a
//! consistency rate over any window is two subtractions.

pub mod json;
pub mod stats;

use std::collections::BTreeMap;

use rayon::prelude::*;

use crate::config::Config;
use crate::teamdata::{BehaviourRule, Logged, Person, TeamData, WeekEntry};
use crate::week::{Month, Week};
use stats::{mean_defined, spearman};

/// Consistency level of a rate; always shown beside the rate itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Consistent,
    Developing,
    Incidental,
    Absent,
    Insufficient,
}

impl Level {
    pub const ALL: [Level; 5] = [
        Level::Consistent,
        Level::Developing,
        Level::Incidental,
        Level::Absent,
        Level::Insufficient,
    ];

    /// `consistent` CR ≥ consistent threshold · `developing` ≥ developing ·
    /// `incidental` above 0 · `absent` 0 · `insufficient` undefined. Each
    /// comparison is as if the CR were computed exactly: within 1e-9 of a
    /// threshold (or of 0) counts as on it.
    pub fn of(cr: Option<f64>, levels: &crate::config::Levels) -> Level {
        match cr {
            None => Level::Insufficient,
            Some(c) if stats::at_least(c, levels.consistent) => Level::Consistent,
            Some(c) if stats::at_least(c, levels.developing) => Level::Developing,
            Some(c) if c > 0.0 && !stats::tied(c, 0.0) => Level::Incidental,
            Some(_) => Level::Absent,
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            Level::Consistent => "consistent",
            Level::Developing => "developing",
            Level::Incidental => "incidental",
            Level::Absent => "absent",
            Level::Insufficient => "insufficient",
        }
    }
}

/// One person, behaviour and week.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cell {
    /// Outside the person's active weeks.
    Inactive,
    /// The week, or this behaviour in it, is marked `skip`: out of every
    /// denominator, streak and strength update.
    Skipped,
    /// Active and applicable but nothing logged: a miss, shown as "not logged".
    NotLogged,
    /// The logged count.
    Logged(u32),
}

impl Cell {
    /// Eligible week: active, applicable (implied by having a row), not skipped.
    pub fn eligible(self) -> bool {
        matches!(self, Cell::NotLogged | Cell::Logged(_))
    }

    /// The count `a` (0 when not logged).
    pub fn count(self) -> u32 {
        match self {
            Cell::Logged(a) => a,
            _ => 0,
        }
    }

    /// Hit: `a ≥ t`.
    pub fn hit(self, target: u32) -> bool {
        self.eligible() && self.count() >= target
    }

    /// Attainment `x = min(1, a / t)`.
    pub fn attainment(self, target: u32) -> f64 {
        (self.count() as f64 / target.max(1) as f64).min(1.0)
    }
}

/// Figures of one person for one applicable behaviour, as of `as_of`.
#[derive(Debug, Clone, PartialEq)]
pub struct BehaviourFigures {
    pub hits: u32,
    pub eligible: u32,
    pub cr: Option<f64>,
    pub level: Level,
    pub strength: f64,
    pub streak_current: u32,
    pub streak_longest: u32,
    pub coverage: Option<f64>,
    /// One cell per week of [`Metrics::weeks`].
    pub cells: Vec<Cell>,
    /// Habit strength after each week (`None` before the person started).
    pub strength_series: Vec<Option<f64>>,
    /// Prefix sums over weeks: hits and eligible weeks up to and including week i.
    hits_before: Vec<u32>,
    eligible_before: Vec<u32>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PersonFigures {
    pub team: String,
    pub rep: bool,
    pub cr: Option<f64>,
    pub level: Level,
    pub behaviours: BTreeMap<String, BehaviourFigures>,
    /// Person CR as of each week.
    pub cr_series: Vec<Option<f64>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TeamFigures {
    pub cr: Option<f64>,
    pub level: Level,
    pub manager_cr: Option<f64>,
    pub role_model_gap: Option<f64>,
    /// Reps of the team (present in the team file).
    pub reps: usize,
    /// Team CR as of each week.
    pub cr_series: Vec<Option<f64>>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LeadLag {
    pub rho: Option<f64>,
    pub n: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MonthFigures {
    /// The weeks of the month up to `as_of`.
    pub weeks: Vec<Week>,
    pub cr: Option<f64>,
    pub levels: BTreeMap<Level, usize>,
    pub coaching_coverage: Option<f64>,
    pub coaching_minutes_per_rep: Option<f64>,
    pub lead_lag: Option<LeadLag>,
    pub behaviours: BTreeMap<String, Option<f64>>,
    pub teams: BTreeMap<String, Option<f64>>,
    /// Month CR per rep (reps with eligible weeks in the month).
    pub reps: BTreeMap<String, f64>,
    /// Reps active in the month, per team.
    pub active_reps: BTreeMap<String, usize>,
    /// Coaching coverage and minutes per rep, per team.
    pub team_coaching: BTreeMap<String, (Option<f64>, Option<f64>)>,
    /// (person CR as of the month's last week, win rate) for lead–lag.
    pub lead_lag_points: Vec<(String, f64, f64)>,
}

/// Every figure of the site.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Metrics {
    pub as_of: Option<Week>,
    /// Every week from the first logged week to `as_of`.
    pub weeks: Vec<Week>,
    /// Shared (not copied) by the views that show everyone's figures.
    pub people: std::sync::Arc<BTreeMap<String, PersonFigures>>,
    pub teams: BTreeMap<String, TeamFigures>,
    pub months: BTreeMap<Month, MonthFigures>,
    /// The CR over all reps as of each week (the scoreboard's trend).
    pub overall_series: Vec<Option<f64>>,
    pub window_weeks: usize,
    pub min_weeks: u32,
}

impl Metrics {
    pub fn week_index(&self, w: Week) -> Option<usize> {
        self.weeks.binary_search(&w).ok()
    }

    /// CR(p, b) as of week index `j` (see [`BehaviourFigures`]).
    pub fn behaviour_cr_at(&self, b: &BehaviourFigures, j: usize) -> Option<f64> {
        if j >= b.cells.len() {
            return None;
        }
        let levels = crate::config::Levels::default();
        let ctx = Ctx {
            weeks: &self.weeks,
            window: self.window_weeks.max(1),
            min_weeks: self.min_weeks,
            levels: &levels,
        };
        b.cr_at(j, &ctx).2
    }

    /// Index of the last week of `month` up to `as_of`.
    pub fn month_last_index(&self, month: Month) -> Option<usize> {
        self.months.get(&month)?.weeks.last().and_then(|w| self.week_index(*w))
    }
}

struct Ctx<'a> {
    weeks: &'a [Week],
    window: usize,
    min_weeks: u32,
    levels: &'a crate::config::Levels,
}

impl BehaviourFigures {
    /// CR(p, b) as of week index `j`: hits / eligible weeks among the
    /// `window_weeks` calendar weeks ending at week `j`; undefined when
    /// eligible weeks < `min_weeks`. Returns (hits, eligible, cr).
    fn cr_at(&self, j: usize, ctx: &Ctx) -> (u32, u32, Option<f64>) {
        let from = (j + 1).saturating_sub(ctx.window);
        let before = |v: &Vec<u32>| if from == 0 { 0 } else { v[from - 1] };
        let hits = self.hits_before[j] - before(&self.hits_before);
        let eligible = self.eligible_before[j] - before(&self.eligible_before);
        let cr = (eligible >= ctx.min_weeks && eligible > 0).then(|| hits as f64 / eligible as f64);
        (hits, eligible, cr)
    }
}

/// The first and last active week of a person: from `start` (default: the
/// first week with any entry, value or `skip`) to `end` (default: open).
fn active_span(p: &Person, data: &TeamData) -> Option<(Week, Option<Week>)> {
    let first = p.start.or_else(|| {
        data.logs
            .range((p.id.clone(), Week::BEFORE_ALL)..)
            .take_while(|((id, _), _)| *id == p.id)
            .map(|((_, w), _)| *w)
            .next()
    })?;
    Some((first, p.end))
}

/// A person's entries aligned with the weeks of the metrics (one lookup per
/// person instead of one per cell).
fn entries_by_week<'d>(p: &Person, data: &'d TeamData, weeks: &[Week]) -> Vec<Option<&'d WeekEntry>> {
    let mut out = vec![None; weeks.len()];
    let from = Week::BEFORE_ALL;
    for ((_, w), e) in data
        .logs
        .range((p.id.clone(), from)..)
        .take_while(|((id, _), _)| *id == p.id)
    {
        if let Ok(i) = weeks.binary_search(w) {
            out[i] = Some(e);
        }
    }
    out
}

fn behaviour_row(
    p: &Person,
    rule: &BehaviourRule,
    data: &TeamData,
    entries: &[Option<&WeekEntry>],
    ctx: &Ctx,
    default_half_life: f64,
) -> BehaviourFigures {
    let span = active_span(p, data);
    let target = rule.target.max(1);
    let h = rule.half_life.unwrap_or(default_half_life);
    // Habit strength: S ← S·m + x·(1 − m) per eligible week, m = 0.5^(1/h), from S = 0.
    let m = 0.5f64.powf(1.0 / h);
    let n = ctx.weeks.len();
    let mut cells = Vec::with_capacity(n);
    let mut strength_series = Vec::with_capacity(n);
    let mut hits_before = Vec::with_capacity(n);
    let mut eligible_before = Vec::with_capacity(n);
    let (mut s, mut hits, mut eligible, mut logged) = (0.0f64, 0u32, 0u32, 0u32);
    let mut started = false;
    let mut slot = 0;
    for (i, &w) in ctx.weeks.iter().enumerate() {
        let active = span.is_some_and(|(a, end)| w >= a && end.is_none_or(|e| w <= e));
        let cell = if !active {
            Cell::Inactive
        } else {
            match entries[i] {
                Some(WeekEntry::Skip) => Cell::Skipped,
                Some(WeekEntry::Values(v)) => match v.get_hinted(&rule.id, &mut slot) {
                    Some(Logged::Skip) => Cell::Skipped,
                    Some(Logged::Count(a)) => Cell::Logged(*a),
                    None => Cell::NotLogged,
                },
                None => Cell::NotLogged,
            }
        };
        if active {
            started = true;
        }
        if cell.eligible() {
            s = s * m + cell.attainment(target) * (1.0 - m);
            eligible += 1;
            if cell.hit(target) {
                hits += 1;
            }
            if matches!(cell, Cell::Logged(_)) {
                logged += 1;
            }
        }
        cells.push(cell);
        strength_series.push(started.then_some(s));
        hits_before.push(hits);
        eligible_before.push(eligible);
    }
    // Streaks: runs of hits; skipped (and inactive) weeks neither break nor extend a run.
    let (mut longest, mut run) = (0u32, 0u32);
    for c in &cells {
        if c.eligible() {
            if c.hit(target) {
                run += 1;
                longest = longest.max(run);
            } else {
                run = 0;
            }
        }
    }
    let current = cells
        .iter()
        .rev()
        .filter(|c| c.eligible())
        .take_while(|c| c.hit(target))
        .count() as u32;
    let mut fig = BehaviourFigures {
        hits: 0,
        eligible: 0,
        cr: None,
        level: Level::Insufficient,
        strength: s,
        streak_current: current,
        streak_longest: longest,
        // Logging coverage: share of eligible cells up to as_of with a logged value.
        coverage: (eligible > 0).then(|| logged as f64 / eligible as f64),
        cells,
        strength_series,
        hits_before,
        eligible_before,
    };
    if n > 0 {
        let (hits, eligible, cr) = fig.cr_at(n - 1, ctx);
        fig.hits = hits;
        fig.eligible = eligible;
        fig.cr = cr;
        fig.level = Level::of(cr, ctx.levels);
    }
    fig
}

/// Person CR as of week `j`: mean of the person's defined CR(p, b).
fn person_cr_at(p: &PersonFigures, j: usize, ctx: &Ctx) -> Option<f64> {
    mean_defined(p.behaviours.values().map(|b| b.cr_at(j, ctx).2))
}

/// Every week from the first logged one to `as_of`, when there is any.
fn weeks_of(data: &TeamData) -> Option<Vec<Week>> {
    Some(data.first_week()?.through(data.as_of()?).collect())
}

impl<'a> Ctx<'a> {
    /// The consistency settings over `weeks`.
    fn new(weeks: &'a [Week], config: &'a Config) -> Self {
        let c = &config.consistency;
        Ctx {
            weeks,
            window: c.window_weeks.max(1) as usize,
            min_weeks: c.min_weeks,
            levels: &c.levels,
        }
    }
}

/// Computes every figure.
pub fn compute(data: &TeamData, rules: &[BehaviourRule], config: &Config) -> Metrics {
    let Some(weeks) = weeks_of(data) else {
        return Metrics::default();
    };
    let c = &config.consistency;
    let ctx = Ctx::new(&weeks, config);
    let team_of = first_team_of(data);
    let people: BTreeMap<String, PersonFigures> = data
        .people
        .par_iter()
        .map(|p| {
            (
                p.id.clone(),
                person_figures(p, data, &team_of, rules, &ctx, c.half_life),
            )
        })
        .collect();
    let ctx = (ctx.window, ctx.min_weeks);
    aggregate(data, rules, config, people, weeks, ctx, BTreeMap::new())
}

/// [`compute`] after an edit to the log entries of the people in
/// `changed` only: every other person's figures, and every month whose
/// figures none of the changed people's reach, are taken from `previous`
/// (the figures of the data before the edit, with the same team file,
/// rules, settings and logged weeks). What `serve` runs after a log edit;
/// the result is [`compute`]'s.
pub fn compute_reusing(
    data: &TeamData,
    rules: &[BehaviourRule],
    config: &Config,
    mut previous: Metrics,
    changed: &std::collections::BTreeSet<String>,
) -> Metrics {
    let Some(weeks) = weeks_of(data) else {
        return Metrics::default();
    };
    let c = &config.consistency;
    let ctx = Ctx::new(&weeks, config);
    if previous.weeks != weeks || (previous.window_weeks, previous.min_weeks) != (ctx.window, ctx.min_weeks) {
        return compute(data, rules, config);
    }
    let team_of = first_team_of(data);
    let fresh: BTreeMap<String, PersonFigures> = data
        .people
        .par_iter()
        .filter(|p| changed.contains(&p.id) || !previous.people.contains_key(&p.id))
        .map(|p| {
            (
                p.id.clone(),
                person_figures(p, data, &team_of, rules, &ctx, c.half_life),
            )
        })
        .collect();
    // A month reads of each rep the cells of its weeks, the CR as of its
    // last week, the team and whether the person counts as a rep.
    let same_in = |idx: &[usize], last: Option<usize>| {
        fresh.iter().all(|(id, new)| {
            let Some(old) = previous.people.get(id) else {
                return false;
            };
            !new.behaviours.is_empty()
                && (new.rep, &new.team) == (old.rep, &old.team)
                && new.behaviours.len() == old.behaviours.len()
                && new
                    .behaviours
                    .iter()
                    .zip(&old.behaviours)
                    .all(|((a, fa), (b, fb))| a == b && idx.iter().all(|&i| fa.cells[i] == fb.cells[i]))
                && last.is_none_or(|j| new.cr_series[j].map(f64::to_bits) == old.cr_series[j].map(f64::to_bits))
        })
    };
    let reusable: std::collections::BTreeSet<Month> = previous
        .months
        .keys()
        .copied()
        .filter(|m| {
            let idx: Vec<usize> = m.weeks().iter().filter_map(|w| weeks.binary_search(w).ok()).collect();
            same_in(&idx, idx.last().copied())
        })
        .collect();
    let mut people = fresh;
    // The last build's figures are shared with its views until they are
    // dropped: taken out whole when this is the only holder, else copied.
    let mut previous_people =
        std::sync::Arc::try_unwrap(std::mem::take(&mut previous.people)).unwrap_or_else(|shared| (*shared).clone());
    for p in &data.people {
        if !people.contains_key(&p.id)
            && let Some(f) = previous_people.remove(&p.id)
        {
            people.insert(p.id.clone(), f);
        }
    }
    let mut months = std::mem::take(&mut previous.months);
    months.retain(|m, _| reusable.contains(m));
    let ctx = (ctx.window, ctx.min_weeks);
    aggregate(data, rules, config, people, weeks, ctx, months)
}

/// The first team of each id, as `TeamData::team` finds it.
fn first_team_of(data: &TeamData) -> BTreeMap<&str, &crate::teamdata::Team> {
    let mut team_of = BTreeMap::new();
    for t in &data.teams {
        team_of.entry(t.id.as_str()).or_insert(t);
    }
    team_of
}

/// One person's figures: their rows of cells and the CR as of each week.
fn person_figures(
    p: &Person,
    data: &TeamData,
    team_of: &BTreeMap<&str, &crate::teamdata::Team>,
    rules: &[BehaviourRule],
    ctx: &Ctx,
    half_life: f64,
) -> PersonFigures {
    let weeks = ctx.weeks;
    let entries = entries_by_week(p, data, weeks);
    let behaviours: BTreeMap<String, BehaviourFigures> = rules
        .iter()
        .filter(|r| r.applies_to(&p.role))
        .map(|r| (r.id.clone(), behaviour_row(p, r, data, &entries, ctx, half_life)))
        .collect();
    let mut fig = PersonFigures {
        team: p.team.clone(),
        // As `TeamData::is_rep`, with the team found by id.
        rep: p.role != "manager"
            && team_of
                .get(p.team.as_str())
                .is_none_or(|t| t.manager.as_deref() != Some(p.id.as_str())),
        cr: None,
        level: Level::Insufficient,
        behaviours,
        cr_series: Vec::new(),
    };
    fig.cr_series = (0..weeks.len()).map(|j| person_cr_at(&fig, j, ctx)).collect();
    fig.cr = fig.cr_series[weeks.len() - 1];
    fig.level = Level::of(fig.cr, ctx.levels);
    fig
}

/// The team, overall and month figures from every person's; `reused`
/// holds months whose figures are as they were (the others are computed).
fn aggregate(
    data: &TeamData,
    rules: &[BehaviourRule],
    config: &Config,
    people: BTreeMap<String, PersonFigures>,
    weeks: Vec<Week>,
    (window, min_weeks): (usize, u32),
    mut reused: BTreeMap<Month, MonthFigures>,
) -> Metrics {
    let (first, as_of) = (weeks[0], weeks[weeks.len() - 1]);
    let c = &config.consistency;
    let ctx = Ctx {
        weeks: &weeks,
        window,
        min_weeks,
        levels: &c.levels,
    };
    let last = weeks.len() - 1;

    // Each team's reps, in id order, found in one pass.
    let mut reps_of: BTreeMap<&str, Vec<&PersonFigures>> = BTreeMap::new();
    for p in people.values().filter(|p| p.rep) {
        reps_of.entry(p.team.as_str()).or_default().push(p);
    }
    // Team CR: mean person CR over the team's reps with a defined CR; managers apart.
    let mut teams = BTreeMap::new();
    for t in &data.teams {
        let reps: &[&PersonFigures] = reps_of.get(t.id.as_str()).map_or(&[], Vec::as_slice);
        let cr_series: Vec<Option<f64>> = (0..weeks.len())
            .map(|j| mean_defined(reps.iter().map(|p| p.cr_series[j])))
            .collect();
        let cr = cr_series[last];
        let manager_cr = t.manager.as_ref().and_then(|m| people.get(m)).and_then(|m| m.cr);
        teams.insert(
            t.id.clone(),
            TeamFigures {
                cr,
                level: Level::of(cr, ctx.levels),
                manager_cr,
                // Role-model gap: the manager's own person CR minus the team CR.
                role_model_gap: manager_cr.zip(cr).map(|(m, t)| m - t),
                reps: reps.len(),
                cr_series,
            },
        );
    }
    let all_reps: Vec<&PersonFigures> = people.values().filter(|p| p.rep).collect();
    let overall_series = (0..weeks.len())
        .map(|j| mean_defined(all_reps.iter().map(|p| p.cr_series[j])))
        .collect();

    let mut all_months = Vec::new();
    let mut month = first.month();
    while month <= as_of.month() {
        all_months.push(month);
        month = month.next();
    }
    // Each behaviour id's slot: the first rule of that id.
    let mut slot_of: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, r) in rules.iter().enumerate() {
        slot_of.entry(r.id.as_str()).or_insert(i);
    }
    // The reps in id order, each with its behaviours resolved to their
    // slot and target once: every month walks them (looking the rules up
    // by id per rep, behaviour and month was most of the months' time).
    let reps: Vec<RepRow> = people
        .iter()
        .filter(|(_, p)| p.rep)
        .map(|(id, p)| RepRow {
            id: id.as_str(),
            fig: p,
            // Every behaviour of a person is one of the rules.
            behaviours: p
                .behaviours
                .iter()
                .filter_map(|(bid, b)| slot_of.get(bid.as_str()).map(|&k| (k, rules[k].target, b)))
                .collect(),
        })
        .collect();
    let slots: Vec<usize> = rules.iter().map(|r| slot_of[r.id.as_str()]).collect();
    // Months are independent of each other: computed in parallel.
    let mut months: BTreeMap<Month, MonthFigures> = all_months
        .par_iter()
        .filter(|month| !reused.contains_key(month))
        .map(|&month| {
            (
                month,
                month_figures(month, data, rules, &slots, config, &people, &reps, &weeks, &ctx),
            )
        })
        .collect();
    months.extend(all_months.iter().filter_map(|m| reused.remove(m).map(|f| (*m, f))));

    let (window_weeks, min_weeks) = (ctx.window, ctx.min_weeks);
    Metrics {
        as_of: Some(as_of),
        weeks,
        people: std::sync::Arc::new(people),
        teams,
        months,
        overall_series,
        window_weeks,
        min_weeks,
    }
}

/// A rep as every month reads them: id, figures, and per behaviour its
/// rule's slot (see `compute`), target and figures.
struct RepRow<'a> {
    id: &'a str,
    fig: &'a PersonFigures,
    behaviours: Vec<(usize, u32, &'a BehaviourFigures)>,
}

/// Figures of one month: its weeks are the ISO weeks whose Thursday lies in
/// it, up to `as_of`.
#[allow(clippy::too_many_arguments)]
fn month_figures(
    month: Month,
    data: &TeamData,
    rules: &[BehaviourRule],
    slots: &[usize],
    config: &Config,
    people: &BTreeMap<String, PersonFigures>,
    all_reps: &[RepRow],
    weeks: &[Week],
    ctx: &Ctx,
) -> MonthFigures {
    let idx: Vec<usize> = month
        .weeks()
        .iter()
        .filter_map(|w| weeks.binary_search(w).ok())
        .collect();
    let month_weeks: Vec<Week> = idx.iter().map(|&i| weeks[i]).collect();
    let last = idx.last().copied();

    // Month CR per rep: mean over applicable behaviours with eligible weeks
    // in the month of hits / eligible.
    // (id, figures, ratio per behaviour slot) of the reps with any, in id order.
    let mut rep_ratios: Vec<(&str, &PersonFigures, Vec<Option<f64>>)> = Vec::new();
    let mut active: Vec<(&str, &PersonFigures)> = Vec::new();
    for row in all_reps {
        let (id, p) = (row.id, row.fig);
        let is_active = p.behaviours.values().next().map_or_else(
            || {
                data.person(id)
                    .and_then(|person| active_span(person, data))
                    .is_some_and(|(a, end)| month_weeks.iter().any(|w| *w >= a && end.is_none_or(|e| *w <= e)))
            },
            |b| idx.iter().any(|&i| b.cells[i] != Cell::Inactive),
        );
        if is_active {
            active.push((id, p));
        }
        let mut ratios: Vec<Option<f64>> = vec![None; rules.len()];
        let mut any = false;
        for &(slot, target, b) in &row.behaviours {
            let eligible = idx.iter().filter(|&&i| b.cells[i].eligible()).count();
            let hits = idx.iter().filter(|&&i| b.cells[i].hit(target)).count();
            if eligible > 0 {
                ratios[slot] = Some(hits as f64 / eligible as f64);
                any = true;
            }
        }
        if any {
            rep_ratios.push((id, p, ratios));
        }
    }
    // (id, figures, month CR) per rep with a month CR, in id order. (The
    // means are exact sums, so the order of the ratios does not matter.)
    let rep_crs: Vec<(&str, &PersonFigures, f64)> = rep_ratios
        .iter()
        .filter_map(|(id, p, r)| Some((*id, *p, mean_defined(r.iter().copied())?)))
        .collect();
    let reps: BTreeMap<String, f64> = rep_crs.iter().map(|(id, _, v)| (id.to_string(), *v)).collect();
    let cr = mean_defined(reps.values().map(|v| Some(*v)));
    let behaviours = rules
        .iter()
        .zip(slots)
        .map(|(r, &slot)| (r.id.clone(), mean_defined(rep_ratios.iter().map(|(_, _, m)| m[slot]))))
        .collect();
    let mut rep_crs_by_team: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
    for (_, p, v) in &rep_crs {
        rep_crs_by_team.entry(p.team.as_str()).or_default().push(*v);
    }
    let teams = data
        .teams
        .iter()
        .map(|t| {
            (
                t.id.clone(),
                mean_defined(
                    rep_crs_by_team
                        .get(t.id.as_str())
                        .into_iter()
                        .flatten()
                        .map(|v| Some(*v)),
                ),
            )
        })
        .collect();

    // Month levels: reps active in the month per level of their rolling
    // person CR as if as_of were the month's last week.
    let mut levels: BTreeMap<Level, usize> = Level::ALL.iter().map(|l| (*l, 0)).collect();
    // A person's CR as of week j is `cr_series[j]` (computed by
    // `person_cr_at` with this very context), looked up, not recomputed.
    for (_, p) in &active {
        let cr = last.and_then(|j| p.cr_series[j]);
        *levels.entry(Level::of(cr, ctx.levels)).or_default() += 1;
    }

    // Coaching coverage: active reps with a session dated in the calendar
    // month / active reps; minutes per rep: their sessions' minutes / active reps.
    // Minutes of the month's sessions per person (sessions of the calendar month).
    let mut minutes_of: BTreeMap<&str, f64> = BTreeMap::new();
    for s in data.sessions.iter().filter(|s| month.contains(s.date)) {
        *minutes_of.entry(s.person.as_str()).or_insert(0.0) += s.minutes;
    }
    let coaching = |members: &[&str]| -> (Option<f64>, Option<f64>) {
        if members.is_empty() {
            return (None, None);
        }
        let coached = members.iter().filter(|m| minutes_of.contains_key(*m)).count();
        // A fold from +0.0: `Sum` for f64 starts at -0.0, so a month without
        // sessions would report -0.0 minutes.
        let minutes = members
            .iter()
            .filter_map(|m| minutes_of.get(m))
            .fold(0.0, |total, m| total + m);
        let n = members.len() as f64;
        (Some(coached as f64 / n), Some(minutes / n))
    };
    let active_ids: Vec<&str> = active.iter().map(|(id, _)| *id).collect();
    let (coaching_coverage, coaching_minutes_per_rep) = coaching(&active_ids);
    let mut by_team: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (id, p) in &active {
        by_team.entry(p.team.as_str()).or_default().push(id);
    }
    let mut active_reps = BTreeMap::new();
    let mut team_coaching = BTreeMap::new();
    for t in &data.teams {
        let members = by_team.get(t.id.as_str()).map(Vec::as_slice).unwrap_or_default();
        active_reps.insert(t.id.clone(), members.len());
        team_coaching.insert(t.id.clone(), coaching(members));
    }

    // Lead–lag: Spearman ρ between person CR as of the month's last week and
    // win rate won / (won + lost) in the month, over people with both.
    let mut lead_lag_points = Vec::new();
    if let (Some(j), Some(outcomes)) = (last, data.outcomes.get(&month)) {
        for (id, o) in outcomes {
            let total = o.won + o.lost;
            let cr = people.get(id).and_then(|p| p.cr_series[j]);
            if let (Some(cr), true) = (cr, total > 0) {
                lead_lag_points.push((id.clone(), cr, o.won as f64 / total as f64));
            }
        }
    }
    let n = lead_lag_points.len();
    let lead_lag = (n >= config.privacy.min_group_size && n > 0).then(|| {
        let xs: Vec<f64> = lead_lag_points.iter().map(|p| p.1).collect();
        let ys: Vec<f64> = lead_lag_points.iter().map(|p| p.2).collect();
        LeadLag {
            rho: spearman(&xs, &ys),
            n,
        }
    });

    MonthFigures {
        weeks: month_weeks,
        cr,
        levels,
        coaching_coverage,
        coaching_minutes_per_rep,
        lead_lag,
        behaviours,
        teams,
        reps,
        active_reps,
        team_coaching,
        lead_lag_points,
    }
}

#[cfg(test)]
mod tests;
