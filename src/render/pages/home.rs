//! The home page: the players' scoreboard and its charts.

use std::collections::BTreeMap;

use super::super::t;
use super::charts::level_stack;
use super::*;
use crate::charts;
use crate::locale;

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
