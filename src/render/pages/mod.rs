//! Pages built from the metrics: one file per page kind, plus the charts
//! they share. Each function turns what the build may show into a view of
//! `super::views`; none of them decides on its own what may be shown.

pub mod behaviour;
pub mod charts;
pub mod coaching;
pub mod colours;
pub mod headline;
pub mod health;
pub mod home;
pub mod person;
pub mod report;
pub mod team;

use std::collections::BTreeMap;

use super::Input;
use super::views::*;
use crate::charts::{self as chart, CellState, ChartText};
use crate::metrics::{Cell, Level, PersonFigures};
use crate::visible::{Visible, Why};
use crate::week::Week;

/// Weeks shown in heatmaps: a half year reads well on a laptop and on A4.
const HEATMAP_WEEKS: usize = 26;

/// A page's view of the build: the visible figures and how to name people.
pub struct Shown<'a> {
    pub input: &'a Input<'a>,
    /// What this build may show: the only figures pages read.
    pub v: &'a Visible,
    pub text: ChartText,
    /// `YYYY-Www` of every week, formatted once for all charts.
    week_keys: chart::WeekKeys,
    /// `serve`'s charts of the last builds, by input.
    memo: Option<&'a crate::memo::Charts>,
    /// Each person's coaching sessions in data order, made when first asked.
    sessions: std::sync::OnceLock<std::collections::HashMap<&'a str, Vec<&'a crate::teamdata::Session>>>,
    /// Teams by id, made when first asked.
    teams: std::sync::OnceLock<std::collections::HashMap<&'a str, &'a crate::teamdata::Team>>,
    /// The person views of this build held at once.
    pub views: std::sync::Arc<crate::render::views::ViewCount>,
}

impl<'a> Shown<'a> {
    pub fn new(input: &'a Input<'a>) -> Self {
        let v = input.visible;
        Shown {
            input,
            v,
            text: ChartText::for_language(input.config.language),
            week_keys: v.weeks.iter().map(|w| w.to_string()).collect(),
            memo: input.memo.map(|(m, _)| &m.charts),
            sessions: std::sync::OnceLock::new(),
            teams: std::sync::OnceLock::new(),
            views: Default::default(),
        }
    }

    /// The coaching sessions of `person`, in data order (every person page
    /// asks: looking through all sessions for each was quadratic).
    pub fn sessions_of(&self, person: &str) -> &[&'a crate::teamdata::Session] {
        let by_person = self.sessions.get_or_init(|| {
            let mut map: std::collections::HashMap<&str, Vec<&crate::teamdata::Session>> =
                std::collections::HashMap::new();
            for s in &self.input.data.sessions {
                map.entry(s.person.as_str()).or_default().push(s);
            }
            map
        });
        by_person.get(person).map_or(&[], Vec::as_slice)
    }

    /// The team of id `id`, as [`crate::teamdata::TeamData::team`] (every
    /// person page and every team's row asks: a scan of the teams for each
    /// was quadratic in the size of the site).
    pub fn team(&self, id: &str) -> Option<&'a crate::teamdata::Team> {
        let by_id = self.teams.get_or_init(|| {
            let mut map = std::collections::HashMap::with_capacity(self.input.data.teams.len());
            for t in &self.input.data.teams {
                // The first of an id, as the scan found it.
                map.entry(t.id.as_str()).or_insert(t);
            }
            map
        });
        by_id.get(id).copied()
    }

    /// A chart's `<figure>`, drawn by `draw`, or taken from `serve`'s memo
    /// when the same input was drawn before.
    pub fn figure<I: chart::ChartKey>(&self, draw: fn(&I, &ChartText) -> chart::Chart, input: &I) -> String {
        self.memoised("figure", input, || chart::render_html(&draw(input, &self.text)))
    }

    /// A sparkline for a table cell ([`chart::inline_sparkline`]), memoised
    /// as [`Shown::figure`].
    pub fn inline_sparkline(&self, input: &chart::SparklineInput) -> String {
        self.memoised("inline", input, || chart::inline_sparkline(input, &self.text))
    }

    fn memoised<I: chart::ChartKey>(&self, form: &str, input: &I, draw: impl FnOnce() -> String) -> String {
        let Some(memo) = self.memo else {
            return draw();
        };
        use std::hash::{Hash, Hasher};
        let mut h = crate::hash::KeyHasher::new();
        // The chart's words come from the language alone.
        (form, std::any::type_name::<I>(), self.input.config.language.code()).hash(&mut h);
        input.key(&mut h);
        memo.get_or_draw(h.finish(), draw)
    }

    /// The team's headline may not be shown.
    pub fn team_hidden(&self, team: &str) -> bool {
        self.v.team_hidden(team)
    }

    /// Why the team's headline is hidden, in the page's words.
    pub fn why_hidden(&self, team: &str) -> Option<String> {
        let why = self.v.teams.get(team)?.hidden?;
        Some(self.say(why))
    }

    /// The page's sentence for a hidden figure.
    pub fn say(&self, why: Why) -> String {
        chart::fill(
            super::t(self.input, why.key()),
            &[("n", &self.v.min_group_size.to_string())],
        )
    }

    pub fn shows_people(&self) -> bool {
        self.v.shows_people()
    }

    /// The name shown for a person in this build (`None` in aggregate builds).
    pub fn name(&self, id: &str) -> Option<String> {
        self.input.identities.display(id).map(str::to_string)
    }

    fn week_keys(&self, from: usize) -> chart::WeekKeys {
        self.week_keys.window(from)
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
            why: None,
            goal: None,
        };
    }
    let change = now.zip(before).map(|(a, b)| a - b);
    let trend = trend_of(change);
    Figure {
        value: now,
        level: Level::of(now, levels).key().into(),
        change,
        trend,
        suppressed: false,
        why: None,
        goal: None,
    }
}

/// `f` with its standing against `goal` (within 1e-9 counts as reached:
/// a rate of integers must not miss the goal by float noise).
pub fn against_goal(mut f: Figure, goal: f64) -> Figure {
    f.goal = f.value.map(|v| if v + 1e-9 >= goal { "met" } else { "below" });
    f
}

/// A figure that may be hidden, saying why when it is.
pub fn figure_why(
    now: Option<f64>,
    before: Option<f64>,
    levels: &crate::config::Levels,
    why: Option<String>,
) -> Figure {
    let mut f = figure(now, before, levels, why.is_some());
    f.why = why;
    f
}

/// A headline: `series` read at `now`, with its change since `before`
/// (the one definition of a change, in [`headline::change`]).
pub fn headline_figure(
    series: &[Option<f64>],
    now: Option<headline::Point>,
    before: Option<headline::Point>,
    levels: &crate::config::Levels,
    why: Option<String>,
) -> Figure {
    let mut f = figure_why(headline::at(series, now), None, levels, why);
    if !f.suppressed {
        f.change = headline::change(series, now, before);
        f.trend = trend_of(f.change);
    }
    f
}

fn trend_of(change: Option<f64>) -> &'static str {
    match change {
        Some(c) if c > 0.005 => "up",
        Some(c) if c < -0.005 => "down",
        _ => "flat",
    }
}

/// "consistency over the 13 weeks to 2026-W47": the headline's measure and period.
pub fn period_words(sh: &Shown, at: Option<headline::Point>) -> String {
    at.map(|p| {
        chart::fill(
            super::t(sh.input, "headline_period"),
            &[
                ("window", &sh.input.config.consistency.window_weeks.to_string()),
                ("week", &p.week.to_string()),
            ],
        )
    })
    .unwrap_or_default()
}

/// "since the end of October (2026-W44)": the point a change compares with.
pub fn since_words(sh: &Shown, before: Option<headline::Point>) -> Option<String> {
    let p = before?;
    Some(chart::fill(
        super::t(sh.input, "change_since"),
        &[
            (
                "month",
                &crate::locale::month(sh.input.config.language, &p.week.month().to_string()),
            ),
            ("week", &p.week.to_string()),
        ],
    ))
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
fn combined_state(
    p: &PersonFigures,
    i: usize,
    targets: &BTreeMap<&str, u32>,
    levels: &crate::config::Levels,
) -> CellState {
    let cells: Vec<(Cell, u32)> = p
        .behaviours
        .iter()
        .map(|(b, f)| (f.cells[i], targets.get(b.as_str()).copied().unwrap_or(1)))
        .collect();
    week_state(&cells, levels)
}

/// The state of one week over (cell, target) per behaviour.
fn week_state(cells: &[(Cell, u32)], levels: &crate::config::Levels) -> CellState {
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
    // The rep's week by the share of behaviours on target, against the
    // level thresholds: on target from `consistent` (80%), partly from
    // `developing` (50%), missed below. Before, any count below target was
    // "partly", which turned nearly every week of a rep with six behaviours
    // into the same colour.
    let hits = eligible.iter().filter(|(c, t)| c.hit(*t)).count();
    let share = hits as f64 / eligible.len() as f64;
    if share + 1e-9 >= levels.consistent {
        CellState::Hit
    } else if share + 1e-9 >= levels.developing {
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
    sh.team(team).map_or_else(|| team.to_string(), |t| t.name.clone())
}

/// The reps of a team this build may list, with the name they are shown
/// under, in the order of that name: a pseudonym list in id or roster order
/// could be mapped back by anyone holding the roster.
fn listed_reps<'v>(sh: &'v Shown, team: &str) -> Vec<(&'v str, String, &'v PersonFigures)> {
    let mut out: Vec<(&str, String, &PersonFigures)> =
        sh.v.teams
            .get(team)
            .map(|t| t.people.as_slice())
            .unwrap_or_default()
            .iter()
            .filter_map(|id| Some((id.as_str(), sh.name(id)?, sh.v.people.get(id)?)))
            .collect();
    out.sort_by(|a, b| a.1.cmp(&b.1));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reps_week_is_on_target_partly_or_missed_by_the_share_of_behaviours_hit() {
        let l = Cell::Logged;
        let lv = &crate::config::Levels::default();
        assert_eq!(week_state(&[(l(3), 3), (l(2), 2)], lv), CellState::Hit);
        // 4 of 5 on target is 80%: consistent, so on target.
        let five = [(l(3), 3), (l(2), 2), (l(2), 2), (l(2), 2), (l(1), 2)];
        assert_eq!(week_state(&five, lv), CellState::Hit);
        assert_eq!(
            week_state(&[(l(3), 3), (l(1), 2), (l(2), 2), (l(0), 2)], lv),
            CellState::Partial
        );
        assert_eq!(
            week_state(&[(l(3), 3), (l(1), 2), (l(1), 2), (l(0), 2)], lv),
            CellState::Miss
        );
        assert_eq!(week_state(&[(l(1), 3), (Cell::Skipped, 2)], lv), CellState::Miss);
        assert_eq!(week_state(&[(Cell::Skipped, 3)], lv), CellState::Skipped);
        assert_eq!(week_state(&[(Cell::NotLogged, 3)], lv), CellState::NotLogged);
        assert_eq!(week_state(&[(Cell::Inactive, 3)], lv), CellState::Inactive);
    }
}
