//! Pages and charts built from the metrics: the home scoreboard, team
//! pages, person pages (named builds), behaviour charts and data health.
//!
//! Privacy is applied here, where figures become pages: aggregate builds
//! show no person and suppress small teams; pseudonymous builds show people
//! under their pseudonym; only named builds have person pages.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::views::*;
use super::{Input, t};
use crate::charts::{self, CellState, ChartText, HeatmapData, HeatmapInput, HeatmapRow};
use crate::config::PrivacyMode;
use crate::locale;
use crate::metrics::{Cell, Level, Metrics, PersonFigures};
use crate::week::{Month, Week};

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
fn story_markers(input: &Input, behaviour: Option<&str>, team: Option<&str>) -> Vec<charts::StoryMarker> {
    let mut out: Vec<charts::StoryMarker> = input
        .content
        .stories
        .iter()
        .filter(|s| behaviour.is_none_or(|b| s.meta.behaviours.iter().any(|x| x == b)))
        .filter(|s| team.is_none_or(|t| s.meta.team.as_deref() == Some(t)))
        .map(|s| charts::StoryMarker {
            week: Week::of(s.meta.date).to_string(),
            label: s.meta.title.clone(),
        })
        .collect();
    out.sort_by(|a, b| a.week.cmp(&b.week).then_with(|| a.label.cmp(&b.label)));
    out
}

/// Reps of the whole build per level now, in level order.
fn level_counts(sh: &Shown) -> Vec<(String, usize)> {
    let mut counts: BTreeMap<Level, usize> = Level::ALL.iter().map(|l| (*l, 0)).collect();
    for p in sh.m.people.values().filter(|p| p.rep && !sh.team_hidden(&p.team)) {
        *counts.entry(p.level).or_default() += 1;
    }
    Level::ALL.iter().map(|l| (l.key().to_string(), counts[l])).collect()
}

pub fn team_card(sh: &Shown, id: &str) -> Option<TeamCard> {
    let team = sh.input.data.team(id)?;
    let f = sh.m.teams.get(id)?;
    let last = sh.m.weeks.len().checked_sub(1);
    let before = last.and_then(|l| l.checked_sub(TREND_WEEKS));
    Some(TeamCard {
        id: id.to_string(),
        name: team.name.clone(),
        route: format!("teams/{id}/index.html"),
        figure: figure(
            f.cr,
            at_or_none(&f.cr_series, before),
            &sh.input.config.consistency.levels,
            sh.team_hidden(id),
        ),
        reps: f.reps,
    })
}

/// The home page's players' scoreboard and its charts.
pub fn scoreboard(sh: &Shown) -> Option<(ScoreboardView, Vec<String>)> {
    let as_of = sh.m.as_of?;
    let input = sh.input;
    let lang = input.config.language;
    let last = sh.m.weeks.len() - 1;
    let before = last.checked_sub(TREND_WEEKS);
    // The overall figure over visible teams only (hidden teams' reps are left out).
    let visible: Vec<&PersonFigures> =
        sh.m.people
            .values()
            .filter(|p| p.rep && !sh.team_hidden(&p.team))
            .collect();
    let series: Vec<Option<f64>> = (0..sh.m.weeks.len())
        .map(|j| crate::metrics::stats::mean_defined(visible.iter().map(|p| p.cr_series[j])))
        .collect();
    let overall = figure(
        series[last],
        at_or_none(&series, before),
        &input.config.consistency.levels,
        sh.all_suppressed,
    );
    let goal = input.config.goal;
    let winning = overall.value.is_some_and(|v| v >= goal);
    let sentence = match (overall.value, overall.change) {
        _ if overall.suppressed => t(input, "group_too_small").to_string(),
        (Some(v), Some(c)) => charts::fill(
            t(input, "scoreboard_sentence"),
            &[
                ("value", &locale::percent(lang, v)),
                ("goal", &locale::percent(lang, goal)),
                ("change", &locale::points(lang, c)),
                ("weeks", &TREND_WEEKS.to_string()),
            ],
        ),
        _ => t(input, "not_enough_data").to_string(),
    };
    let teams = sh.m.teams.keys().filter_map(|id| team_card(sh, id)).collect();
    let mut charts_html = Vec::new();
    if !sh.all_suppressed {
        let mut trend_series = vec![charts::TrendSeries {
            name: t(input, "all_teams").into(),
            values: series.clone(),
        }];
        for (id, f) in &sh.m.teams {
            if !sh.team_hidden(id)
                && let Some(team) = input.data.team(id)
            {
                trend_series.push(charts::TrendSeries {
                    name: team.name.clone(),
                    values: f.cr_series.clone(),
                });
            }
        }
        let chart = charts::trend(
            &charts::TrendInput {
                id: "home-trend".into(),
                title: t(input, "chart_trend_title").into(),
                weeks: sh.week_keys(0),
                series: trend_series,
                goal: Some(goal),
                markers: story_markers(input, None, None),
            },
            &sh.text,
        );
        charts_html.push(charts::render_html(&chart));
        charts_html.push(level_stack(sh, "home-levels", 6, None));
    }
    Some((
        ScoreboardView {
            as_of: as_of.to_string(),
            overall,
            goal,
            winning,
            level_total: level_counts(sh).iter().map(|(_, n)| n).sum(),
            levels: level_counts(sh),
            teams,
            sentence,
        },
        charts_html,
    ))
}

/// Stacked level distribution over the `months` months up to `until` (the
/// latest when `None`).
pub fn level_stack(sh: &Shown, id: &str, months: usize, until: Option<Month>) -> String {
    let list: Vec<(&Month, &crate::metrics::MonthFigures)> =
        sh.m.months
            .iter()
            .rev()
            .filter(|(m, _)| until.is_none_or(|u| **m <= u))
            .take(months)
            .collect();
    let rows = list
        .into_iter()
        .rev()
        .map(|(month, f)| {
            let c = |l: Level| f.levels.get(&l).copied().unwrap_or(0) as u32;
            charts::LevelMonth {
                month: month.to_string(),
                counts: charts::LevelCounts {
                    consistent: c(Level::Consistent),
                    developing: c(Level::Developing),
                    incidental: c(Level::Incidental),
                    absent: c(Level::Absent),
                    insufficient: c(Level::Insufficient),
                },
            }
        })
        .collect();
    charts::render_html(&charts::level_stack(
        &charts::LevelStackInput {
            id: id.into(),
            title: t(sh.input, "chart_levels_title").into(),
            months: rows,
        },
        &sh.text,
    ))
}

/// A behaviour's consistency per team over the weeks, with its stories marked.
pub fn behaviour_charts(sh: &Shown, behaviour: &str) -> Vec<String> {
    behaviour_trend_chart(sh, &format!("trend-{behaviour}"), behaviour, None)
        .into_iter()
        .collect()
}

/// A behaviour's consistency over the weeks, one line per visible team (or
/// only `team`); `None` when no group may be shown.
pub fn behaviour_trend_chart(sh: &Shown, chart_id: &str, behaviour: &str, team: Option<&str>) -> Option<String> {
    if sh.m.weeks.is_empty() || sh.all_suppressed {
        return None;
    }
    let input = sh.input;
    let mut series = Vec::new();
    for id in sh.m.teams.keys().filter(|id| team.is_none_or(|t| t == id.as_str())) {
        if sh.team_hidden(id) {
            continue;
        }
        let reps = reps_of(sh, Some(id));
        let values = (0..sh.m.weeks.len())
            .map(|j| {
                crate::metrics::stats::mean_defined(
                    reps.iter()
                        .filter_map(|(_, p)| p.behaviours.get(behaviour))
                        .map(|b| sh.m.behaviour_cr_at(b, j)),
                )
            })
            .collect::<Vec<_>>();
        if values.iter().all(Option::is_none) {
            continue;
        }
        series.push(charts::TrendSeries {
            name: team_name(sh, id),
            values,
        });
    }
    if series.is_empty() {
        return None;
    }
    Some(charts::render_html(&charts::trend(
        &charts::TrendInput {
            id: chart_id.into(),
            title: t(input, "chart_behaviour_trend_title").into(),
            weeks: sh.week_keys(0),
            series,
            goal: Some(input.config.goal),
            markers: story_markers(input, Some(behaviour), team),
        },
        &sh.text,
    )))
}

/// The chart a `{{ chart(...) }}` shortcode asks for (arguments were
/// validated before rendering). `n` numbers the shortcodes of a page so
/// that ids stay unique.
pub fn shortcode_chart(sh: &Shown, n: usize, u: &crate::markdown::ShortcodeUse) -> String {
    let input = sh.input;
    let sc = &u.code;
    let kind = sc.kind().unwrap_or("trend");
    let id = format!("sc{n}-{kind}");
    let team = sc.arg("team");
    let too_small = || {
        format!(
            "<p class=\"suppressed\">{}</p>",
            charts::escape(t(input, "group_too_small"))
        )
    };
    if sh.m.weeks.is_empty() {
        return format!(
            "<p class=\"suppressed\">{}</p>",
            charts::escape(t(input, "not_enough_data"))
        );
    }
    if sh.all_suppressed || team.is_some_and(|tm| sh.team_hidden(tm)) {
        return too_small();
    }
    match kind {
        "trend" => match (sc.arg("behaviour"), team) {
            (Some(b), _) => behaviour_trend_chart(sh, &id, b, team).unwrap_or_else(too_small),
            (None, Some(tm)) => team_trend_chart(sh, &id, tm),
            (None, None) => {
                let reps = reps_of(sh, None);
                let values = (0..sh.m.weeks.len())
                    .map(|j| crate::metrics::stats::mean_defined(reps.iter().map(|(_, p)| p.cr_series[j])))
                    .collect();
                charts::render_html(&charts::trend(
                    &charts::TrendInput {
                        id,
                        title: t(input, "chart_trend_title").into(),
                        weeks: sh.week_keys(0),
                        series: vec![charts::TrendSeries {
                            name: t(input, "all_teams").into(),
                            values,
                        }],
                        goal: Some(input.config.goal),
                        markers: story_markers(input, None, None),
                    },
                    &sh.text,
                ))
            }
        },
        "heatmap" => team.map_or_else(too_small, |tm| team_heatmap_chart(sh, &id, tm)),
        "bars" => bars_chart(sh, &id, team).unwrap_or_else(too_small),
        "levels" => level_stack(
            sh,
            &id,
            sc.arg("months").and_then(|m| m.parse().ok()).unwrap_or(6),
            None,
        ),
        "coverage" => coverage_chart(sh, &id, team),
        _ => {
            // scatter: the lead–lag of a month (default the latest).
            let month = sc
                .arg("month")
                .and_then(|m| m.parse::<Month>().ok())
                .or_else(|| sh.m.months.keys().next_back().copied());
            let Some(f) = month.and_then(|m| sh.m.months.get(&m)) else {
                return too_small();
            };
            lead_lag_chart(sh, &id, f).unwrap_or_else(too_small)
        }
    }
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

#[derive(Debug, Clone, Serialize)]
pub struct PersonRow {
    pub name: String,
    /// Person page (named builds only).
    pub route: Option<String>,
    pub figure: Figure,
    pub spark: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct TeamView {
    pub card: TeamCard,
    pub manager: Option<String>,
    pub role_model_gap: Option<f64>,
    pub manager_figure: Option<Figure>,
    pub coaching_coverage: Option<f64>,
    pub coaching_minutes: Option<f64>,
    pub coaching_month: String,
    pub charts: Vec<String>,
    pub people: Vec<PersonRow>,
    pub stories: Vec<StoryCard>,
}

/// The page of one team.
pub fn team_view(sh: &Shown, id: &str, stories: Vec<StoryCard>) -> Option<TeamView> {
    let input = sh.input;
    let card = team_card(sh, id)?;
    let f = &sh.m.teams[id];
    let hidden = sh.team_hidden(id);
    let levels = &input.config.consistency.levels;
    let latest_month = sh.m.months.keys().next_back().copied();
    let coaching = latest_month
        .and_then(|mo| sh.m.months[&mo].team_coaching.get(id).copied())
        .unwrap_or((None, None));
    let mut charts_html = Vec::new();
    let mut people = Vec::new();
    if !hidden && !sh.m.weeks.is_empty() {
        let reps: Vec<(&String, &PersonFigures)> = sh.m.people.iter().filter(|(_, p)| p.rep && p.team == id).collect();
        charts_html.push(team_trend_chart(sh, &format!("team-{id}-trend"), id));
        charts_html.push(team_heatmap_chart(sh, &format!("team-{id}-heatmap"), id));
        charts_html.extend(bars_chart(sh, &format!("team-{id}-behaviours"), Some(id)));
        charts_html.push(coverage_chart(sh, &format!("team-{id}-coaching"), Some(id)));
        if sh.shows_people() {
            let last = sh.m.weeks.len() - 1;
            let before = last.checked_sub(TREND_WEEKS);
            for (pid, p) in &reps {
                let name = sh.name(pid).unwrap_or_default();
                let spark = charts::render_inline(&charts::sparkline(
                    &charts::SparklineInput {
                        id: format!("spark-{}", crate::slug::slugify(&name)),
                        title: charts::fill(t(input, "chart_person_spark_title"), &[("name", &name)]),
                        weeks: sh.week_keys(0),
                        values: p.cr_series.clone(),
                    },
                    &sh.text,
                ));
                people.push(PersonRow {
                    route: (input.scope.mode == PrivacyMode::Named).then(|| format!("people/{pid}/index.html")),
                    name,
                    figure: figure(p.cr, at_or_none(&p.cr_series, before), levels, false),
                    spark,
                });
            }
        }
    }
    let manager = input
        .data
        .team(id)
        .and_then(|t| t.manager.as_deref())
        .and_then(|m| sh.name(m));
    Some(TeamView {
        role_model_gap: if hidden { None } else { f.role_model_gap },
        manager_figure: (!hidden).then(|| figure(f.manager_cr, None, levels, false)),
        manager,
        coaching_coverage: if hidden { None } else { coaching.0 },
        coaching_minutes: if hidden { None } else { coaching.1 },
        coaching_month: latest_month
            .map(|m| locale::month(input.config.language, &m.to_string()))
            .unwrap_or_default(),
        charts: charts_html,
        people,
        stories,
        card,
    })
}

#[derive(Debug, Clone, Serialize)]
pub struct BehaviourRow {
    pub title: String,
    pub route: String,
    pub figure: Figure,
    pub hits: u32,
    pub eligible: u32,
    pub strength: f64,
    pub spark: String,
    pub streak_current: u32,
    pub streak_longest: u32,
    pub coverage: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SessionView {
    pub date: String,
    pub coach: String,
    pub minutes: f64,
    pub behaviours: Vec<Link>,
    pub commitment: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PersonView {
    pub name: String,
    pub team: Option<Link>,
    pub role: String,
    pub figure: Figure,
    pub behaviours: Vec<BehaviourRow>,
    pub charts: Vec<String>,
    pub sessions: Vec<SessionView>,
    pub stories: Vec<StoryCard>,
}

/// A person's own page (named builds only).
pub fn person_view(sh: &Shown, id: &str, stories: Vec<StoryCard>) -> Option<PersonView> {
    let input = sh.input;
    let person = input.data.person(id)?;
    let p = sh.m.people.get(id)?;
    let levels = &input.config.consistency.levels;
    let lang = input.config.language;
    let last = sh.m.weeks.len().checked_sub(1);
    let before = last.and_then(|l| l.checked_sub(TREND_WEEKS));
    let targets = targets(input);
    let behaviours = p
        .behaviours
        .iter()
        .map(|(bid, b)| {
            let title = behaviour_title(input, bid).to_string();
            BehaviourRow {
                spark: charts::render_inline(&charts::sparkline(
                    &charts::SparklineInput {
                        id: format!("strength-{bid}"),
                        title: charts::fill(t(input, "chart_strength_title"), &[("behaviour", &title)]),
                        weeks: sh.week_keys(0),
                        values: b.strength_series.clone(),
                    },
                    &sh.text,
                )),
                route: format!("behaviours/{bid}/index.html"),
                figure: figure(b.cr, before.and_then(|j| sh.m.behaviour_cr_at(b, j)), levels, false),
                hits: b.hits,
                eligible: b.eligible,
                strength: b.strength,
                streak_current: b.streak_current,
                streak_longest: b.streak_longest,
                coverage: b.coverage,
                title,
            }
        })
        .collect();
    let mut charts_html = Vec::new();
    if !sh.m.weeks.is_empty() {
        let from = sh.m.weeks.len().saturating_sub(HEATMAP_WEEKS);
        let rows = p
            .behaviours
            .iter()
            .map(|(bid, b)| HeatmapRow {
                label: behaviour_title(input, bid).to_string(),
                cells: (from..sh.m.weeks.len())
                    .map(|i| cell_state(b.cells[i], targets.get(bid.as_str()).copied().unwrap_or(1)))
                    .collect(),
            })
            .collect();
        charts_html.push(charts::render_html(&charts::heatmap(
            &HeatmapInput {
                id: format!("person-{id}-heatmap"),
                title: charts::fill(t(input, "chart_rhythm_title"), &[("name", &person.name)]),
                row_header: t(input, "behaviour").into(),
                weeks: sh.week_keys(from),
                data: HeatmapData::States(rows),
            },
            &sh.text,
        )));
    }
    let sessions = input
        .data
        .sessions
        .iter()
        .filter(|s| s.person == id)
        .rev()
        .map(|s| SessionView {
            date: locale::date(lang, s.date),
            coach: sh.name(&s.coach).unwrap_or_default(),
            minutes: s.minutes,
            behaviours: s
                .behaviours
                .iter()
                .map(|b| Link {
                    title: behaviour_title(input, b).to_string(),
                    route: format!("behaviours/{b}/index.html"),
                })
                .collect(),
            commitment: s.commitment.clone(),
        })
        .collect();
    Some(PersonView {
        name: person.name.clone(),
        team: input.data.team(&person.team).map(|t| Link {
            title: t.name.clone(),
            route: format!("teams/{}/index.html", t.id),
        }),
        role: person.role.clone(),
        figure: figure(p.cr, at_or_none(&p.cr_series, before), levels, false),
        behaviours,
        charts: charts_html,
        sessions,
        stories,
    })
}

#[derive(Debug, Clone, Serialize)]
pub struct HealthRow {
    pub name: String,
    pub missing: Vec<String>,
    pub coverage: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct HealthView {
    pub as_of: String,
    pub teams: Vec<(String, Option<f64>)>,
    pub people: Vec<HealthRow>,
    pub outliers: Vec<(String, String, String, u32, f64)>,
    /// Aggregate builds: counts instead of names.
    pub missing_total: usize,
    pub outlier_total: usize,
}

/// The data-health page: logging coverage, missing weeks and outliers.
pub fn health_view(sh: &Shown) -> HealthView {
    let input = sh.input;
    let health = crate::datahealth::assess(input.data, sh.m);
    let teams = health
        .teams
        .iter()
        .filter_map(|(id, c)| {
            let team = input.data.team(id)?;
            Some((team.name.clone(), if sh.team_hidden(id) { None } else { *c }))
        })
        .collect();
    let people = if sh.shows_people() {
        health
            .people
            .iter()
            .filter(|(_, h)| !h.missing_weeks.is_empty() || h.coverage.is_some_and(|c| c < 0.9))
            .map(|(id, h)| HealthRow {
                name: sh.name(id).unwrap_or_default(),
                missing: h.missing_weeks.iter().map(|w| w.to_string()).collect(),
                coverage: h.coverage,
            })
            .collect()
    } else {
        Vec::new()
    };
    let outliers = if sh.shows_people() {
        health
            .outliers
            .iter()
            .map(|o| {
                (
                    sh.name(&o.person).unwrap_or_default(),
                    behaviour_title(input, &o.behaviour).to_string(),
                    o.week.to_string(),
                    o.count,
                    o.usual,
                )
            })
            .collect()
    } else {
        Vec::new()
    };
    HealthView {
        as_of: sh.m.as_of.map(|w| w.to_string()).unwrap_or_default(),
        teams,
        people,
        outliers,
        missing_total: health.people.values().map(|h| h.missing_weeks.len()).sum(),
        outlier_total: health.outliers.len(),
    }
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

/// A team's consistency over the weeks, with its stories marked.
pub fn team_trend_chart(sh: &Shown, chart_id: &str, team: &str) -> String {
    let input = sh.input;
    let name = team_name(sh, team);
    let values = sh.m.teams.get(team).map(|f| f.cr_series.clone()).unwrap_or_default();
    charts::render_html(&charts::trend(
        &charts::TrendInput {
            id: chart_id.into(),
            title: charts::fill(t(input, "chart_team_trend_title"), &[("team", &name)]),
            weeks: sh.week_keys(0),
            series: vec![charts::TrendSeries { name, values }],
            goal: Some(input.config.goal),
            markers: story_markers(input, None, Some(team)),
        },
        &sh.text,
    ))
}

/// A team's rhythm: people × weeks where people may be shown, otherwise
/// behaviours × weeks as the share of the team's eligible weeks on target.
pub fn team_heatmap_chart(sh: &Shown, chart_id: &str, team: &str) -> String {
    let input = sh.input;
    let name = team_name(sh, team);
    let from = sh.m.weeks.len().saturating_sub(HEATMAP_WEEKS);
    let reps = reps_of(sh, Some(team));
    let targets = targets(input);
    let data = if sh.shows_people() {
        HeatmapData::States(
            reps.iter()
                .map(|(pid, p)| HeatmapRow {
                    label: sh.name(pid).unwrap_or_default(),
                    cells: (from..sh.m.weeks.len())
                        .map(|i| combined_state(p, i, &targets))
                        .collect(),
                })
                .collect(),
        )
    } else {
        HeatmapData::Shares(
            input
                .content
                .behaviours
                .iter()
                .filter(|b| reps.iter().any(|(_, p)| p.behaviours.contains_key(&b.id)))
                .map(|b| HeatmapRow {
                    label: b.meta.title.clone(),
                    cells: (from..sh.m.weeks.len())
                        .map(|i| {
                            let cells: Vec<Cell> = reps
                                .iter()
                                .filter_map(|(_, p)| p.behaviours.get(&b.id))
                                .map(|f| f.cells[i])
                                .filter(|c| c.eligible())
                                .collect();
                            (!cells.is_empty()).then(|| {
                                cells.iter().filter(|c| c.hit(b.meta.target)).count() as f64 / cells.len() as f64
                            })
                        })
                        .collect(),
                })
                .collect(),
        )
    };
    charts::render_html(&charts::heatmap(
        &HeatmapInput {
            id: chart_id.into(),
            title: charts::fill(t(input, "chart_heatmap_title"), &[("team", &name)]),
            row_header: if sh.shows_people() {
                t(input, "person").into()
            } else {
                t(input, "behaviour").into()
            },
            weeks: sh.week_keys(from),
            data,
        },
        &sh.text,
    ))
}

/// Consistency per behaviour this month against last month, for a team or all visible teams.
pub fn bars_chart(sh: &Shown, chart_id: &str, team: Option<&str>) -> Option<String> {
    let input = sh.input;
    let mo = sh.m.months.keys().next_back().copied()?;
    let reps = reps_of(sh, team);
    let per_behaviour = |month: Month, b: &str| -> Option<f64> {
        let j = sh.m.month_last_index(month)?;
        crate::metrics::stats::mean_defined(
            reps.iter()
                .filter_map(|(_, p)| p.behaviours.get(b))
                .map(|f| sh.m.behaviour_cr_at(f, j)),
        )
    };
    let bars = input
        .content
        .behaviours
        .iter()
        .filter(|b| reps.iter().any(|(_, p)| p.behaviours.contains_key(&b.id)))
        .map(|b| charts::BehaviourBar {
            title: b.meta.title.clone(),
            this_month: per_behaviour(mo, &b.id),
            last_month: per_behaviour(mo.prev(), &b.id),
        })
        .collect();
    let name = team.map_or_else(|| t(input, "all_teams").to_string(), |tm| team_name(sh, tm));
    Some(charts::render_html(&charts::behaviour_bars(
        &charts::BehaviourBarsInput {
            id: chart_id.into(),
            title: charts::fill(t(input, "chart_bars_title"), &[("team", &name)]),
            this_month: mo.to_string(),
            last_month: mo.prev().to_string(),
            behaviours: bars,
        },
        &sh.text,
    )))
}

/// Coaching coverage and minutes per rep per month, for a team or everyone.
pub fn coverage_chart(sh: &Shown, chart_id: &str, team: Option<&str>) -> String {
    let input = sh.input;
    let months =
        sh.m.months
            .iter()
            .map(|(mo, fig)| {
                let (coverage, minutes) = match team {
                    Some(tm) => fig.team_coaching.get(tm).copied().unwrap_or((None, None)),
                    None => (fig.coaching_coverage, fig.coaching_minutes_per_rep),
                };
                charts::CoverageMonth {
                    month: mo.to_string(),
                    coverage,
                    minutes_per_rep: minutes,
                }
            })
            .collect();
    let name = team.map_or_else(|| t(input, "all_teams").to_string(), |tm| team_name(sh, tm));
    charts::render_html(&charts::coverage(
        &charts::CoverageInput {
            id: chart_id.into(),
            title: charts::fill(t(input, "chart_coverage_title"), &[("team", &name)]),
            months,
            target_minutes: Some(input.config.coaching.target_minutes),
        },
        &sh.text,
    ))
}

/// The lead–lag scatter of a month: individual points, so only where the
/// build may show people.
pub fn lead_lag_chart(sh: &Shown, chart_id: &str, f: &crate::metrics::MonthFigures) -> Option<String> {
    let ll = f.lead_lag.as_ref().filter(|_| sh.shows_people())?;
    Some(charts::render_html(&charts::scatter(
        &charts::ScatterInput {
            id: chart_id.into(),
            title: t(sh.input, "report_lead_lag").into(),
            points: f
                .lead_lag_points
                .iter()
                .map(|(p, x, y)| charts::ScatterPoint {
                    label: sh.name(p).unwrap_or_default(),
                    x: *x,
                    y: *y,
                })
                .collect(),
            rho: ll.rho,
            n: ll.n,
        },
        &sh.text,
    )))
}
