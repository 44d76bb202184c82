//! The home page: the players' scoreboard and its charts.

use super::super::t;
use super::charts::level_stack;
use super::*;
use crate::charts;
use crate::locale;

/// Reps per level now, in level order; empty when a count is hidden
/// (then a bar of the shown ones would mislead).
fn level_counts(sh: &Shown) -> Vec<(String, usize)> {
    let counts: Option<Vec<(String, usize)>> = Level::ALL
        .iter()
        .map(|l| Some((l.key().to_string(), sh.v.levels_now.get(l).copied().flatten()?)))
        .collect();
    counts.unwrap_or_default()
}

/// The home page's players' scoreboard and its charts.
pub fn scoreboard(sh: &Shown) -> Option<(ScoreboardView, Vec<String>)> {
    let as_of = sh.v.as_of?;
    let input = sh.input;
    let lang = input.config.language;
    let now = headline::now(sh);
    let before = now.and_then(|p| headline::earlier(sh, p));
    // Over every rep of the build: the hidden teams are protected by the
    // complementary rule, not by leaving their people out.
    let series = &sh.v.overall;
    let overall = headline_figure(
        series,
        now,
        before,
        &input.config.consistency.levels,
        sh.v.all_hidden().then(|| t(input, "group_too_small").to_string()),
    );
    let since = since_words(sh, before);
    let goal = input.config.goal;
    let winning = overall.value.is_some_and(|v| v >= goal);
    let teams: Vec<TeamCard> =
        sh.v.teams
            .keys()
            .filter_map(|id| super::team::team_card(sh, id))
            .collect();
    // The big number and its change stand right above: the sentence says
    // how far from the goal and how many teams meet it.
    let sentence = match overall.value {
        _ if overall.suppressed => t(input, "group_too_small").to_string(),
        Some(v) => {
            let values: Vec<f64> = teams.iter().filter_map(|c| c.figure.value).collect();
            headline::standing_sentence(sh, v, &values)
        }
        None => t(input, "not_enough_data").to_string(),
    };
    let mut charts_html = Vec::new();
    if !sh.v.all_hidden() {
        let mut trend_series = vec![charts::TrendSeries {
            colour: super::colours::all_teams(),
            name: t(input, "all_teams").into(),
            values: series.clone(),
        }];
        for (id, f) in &sh.v.teams {
            if f.cr_series.iter().any(Option::is_some)
                && let Some(team) = sh.team(id)
            {
                trend_series.push(charts::TrendSeries {
                    colour: super::colours::team_colour(input, id),
                    name: team.name.clone(),
                    values: f.cr_series.clone(),
                });
            }
        }
        charts_html.push(sh.figure(
            charts::trend,
            &super::charts::trend_input(
                sh,
                "home-trend".into(),
                t(input, "chart_trend_title").into(),
                trend_series,
                story_markers(input, None, None),
            ),
        ));
        charts_html.push(level_stack(sh, "home-levels", 6, None));
    }
    let levels = level_counts(sh);
    Some((
        ScoreboardView {
            as_of: as_of.to_string(),
            period: period_words(sh, now),
            since,
            latest_report: sh.v.months.keys().next_back().map(|m| Link {
                title: locale::month(lang, &m.to_string()),
                route: format!("reports/{m}/index.html"),
            }),
            overall,
            goal,
            winning,
            level_total: levels.iter().map(|(_, n)| n).sum(),
            // Beside a shown headline the counts hide to protect a small level.
            levels_note: levels.is_empty().then(|| {
                sh.say(match sh.v.all_hidden() {
                    true => crate::visible::Why::TooFew,
                    false => crate::visible::Why::Protects,
                })
            }),
            levels,
            teams,
            sentence,
            managers: headline::managers_sentence(sh, &sh.v.managers),
        },
        charts_html,
    ))
}
