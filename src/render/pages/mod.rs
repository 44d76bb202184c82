//! Pages built from the metrics: one file per page kind, plus the charts
//! they share. Each function turns what the build may show into a view of
//! `super::views`; none of them decides on its own what may be shown.

pub mod behaviour;
pub mod charts;
pub mod health;
pub mod home;
pub mod person;
pub mod report;
pub mod team;

use std::collections::{BTreeMap, BTreeSet};

use super::Input;
use super::views::*;
use crate::charts::{self as chart, CellState, ChartText};
use crate::config::PrivacyMode;
use crate::metrics::{Cell, Level, Metrics, PersonFigures};
use crate::week::Week;

/// Weeks shown in heatmaps: a half year reads well on a laptop and on A4.
const HEATMAP_WEEKS: usize = 26;
/// Weeks back for the scoreboard's trend arrow.
const TREND_WEEKS: usize = 4;

/// What this build may show of the metrics.
pub struct Shown<'a> {
    pub input: &'a Input<'a>,
    pub m: &'a Metrics,
    pub text: ChartText,
    /// Teams whose figures are suppressed (too few reps in an aggregate build).
    pub suppressed: BTreeSet<String>,
    /// The whole organisation is too small to show any figure.
    pub all_suppressed: bool,
    /// `YYYY-Www` of every week, formatted once for all charts.
    week_keys: Vec<String>,
}

impl<'a> Shown<'a> {
    pub fn new(input: &'a Input<'a>) -> Self {
        let m = input.metrics;
        let aggregate = input.scope.mode == PrivacyMode::Aggregate;
        let min = input.config.privacy.min_group_size;
        let (suppressed, all_suppressed) = if aggregate {
            let sizes: Vec<(&str, usize)> = m.teams.iter().map(|(id, t)| (id.as_str(), t.reps)).collect();
            let total: usize = sizes.iter().map(|(_, n)| n).sum();
            (crate::privacy::suppressed(sizes, min), total < min)
        } else {
            (BTreeSet::new(), false)
        };
        Shown {
            input,
            m,
            text: ChartText::for_language(input.config.language),
            suppressed,
            all_suppressed,
            week_keys: m.weeks.iter().map(|w| w.to_string()).collect(),
        }
    }

    pub fn team_hidden(&self, team: &str) -> bool {
        self.all_suppressed || self.suppressed.contains(team)
    }

    pub fn shows_people(&self) -> bool {
        self.input.scope.mode != PrivacyMode::Aggregate
    }

    /// The name shown for a person in this build (`None` in aggregate builds).
    pub fn name(&self, id: &str) -> Option<String> {
        self.input.identities.display(id).map(str::to_string)
    }

    fn week_keys(&self, from: usize) -> Vec<String> {
        self.week_keys[from..].to_vec()
    }
}

/// A rate with its level and its change against an earlier value.
pub fn figure(now: Option<f64>, before: Option<f64>, levels: &crate::config::Levels, suppressed: bool) -> Figure {
    if suppressed {
        return Figure {
            value: None,
            level: Level::Insufficient.key().into(),
            change: None,
            trend: "flat",
            suppressed: true,
        };
    }
    let change = now.zip(before).map(|(a, b)| a - b);
    let trend = match change {
        Some(c) if c > 0.005 => "up",
        Some(c) if c < -0.005 => "down",
        _ => "flat",
    };
    Figure {
        value: now,
        level: Level::of(now, levels).key().into(),
        change,
        trend,
        suppressed: false,
    }
}

fn at_or_none(series: &[Option<f64>], i: Option<usize>) -> Option<f64> {
    i.and_then(|i| series.get(i).copied().flatten())
}

/// Story markers for a trend chart: stories (optionally of one behaviour) by week.
fn story_markers(input: &Input, behaviour: Option<&str>, team: Option<&str>) -> Vec<chart::StoryMarker> {
    let mut out: Vec<chart::StoryMarker> = input
        .content
        .stories
        .iter()
        .filter(|s| behaviour.is_none_or(|b| s.meta.behaviours.iter().any(|x| x == b)))
        .filter(|s| team.is_none_or(|t| s.meta.team.as_deref() == Some(t)))
        .map(|s| chart::StoryMarker {
            week: Week::of(s.meta.date).to_string(),
            label: s.meta.title.clone(),
        })
        .collect();
    out.sort_by(|a, b| a.week.cmp(&b.week).then_with(|| a.label.cmp(&b.label)));
    out
}

/// One person's state in a week over all their behaviours.
fn combined_state(p: &PersonFigures, i: usize, targets: &BTreeMap<&str, u32>) -> CellState {
    let cells: Vec<(Cell, u32)> = p
        .behaviours
        .iter()
        .map(|(b, f)| (f.cells[i], targets.get(b.as_str()).copied().unwrap_or(1)))
        .collect();
    if cells.is_empty() || cells.iter().all(|(c, _)| *c == Cell::Inactive) {
        return CellState::Inactive;
    }
    let eligible: Vec<&(Cell, u32)> = cells.iter().filter(|(c, _)| c.eligible()).collect();
    if eligible.is_empty() {
        return CellState::Skipped;
    }
    if eligible.iter().all(|(c, _)| *c == Cell::NotLogged) {
        return CellState::NotLogged;
    }
    let hits = eligible.iter().filter(|(c, t)| c.hit(*t)).count();
    if hits == eligible.len() {
        CellState::Hit
    } else if eligible.iter().any(|(c, _)| c.count() > 0) {
        CellState::Partial
    } else {
        CellState::Miss
    }
}

fn cell_state(c: Cell, target: u32) -> CellState {
    match c {
        Cell::Inactive => CellState::Inactive,
        Cell::Skipped => CellState::Skipped,
        Cell::NotLogged => CellState::NotLogged,
        Cell::Logged(a) if a >= target => CellState::Hit,
        Cell::Logged(0) => CellState::Miss,
        Cell::Logged(_) => CellState::Partial,
    }
}

fn targets<'a>(input: &'a Input) -> BTreeMap<&'a str, u32> {
    input
        .content
        .behaviours
        .iter()
        .map(|b| (b.id.as_str(), b.meta.target))
        .collect()
}

fn behaviour_title<'a>(input: &'a Input, id: &'a str) -> &'a str {
    input.content.behaviour(id).map_or(id, |b| b.meta.title.as_str())
}

fn team_name(sh: &Shown, team: &str) -> String {
    sh.input
        .data
        .team(team)
        .map_or_else(|| team.to_string(), |t| t.name.clone())
}

fn reps_of<'m>(sh: &'m Shown, team: Option<&str>) -> Vec<(&'m String, &'m PersonFigures)> {
    sh.m.people
        .iter()
        .filter(|(_, p)| p.rep && team.is_none_or(|t| p.team == t) && !sh.team_hidden(&p.team))
        .collect()
}
