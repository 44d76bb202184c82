//! Charts shared by several pages, drawn from what the build may show.

use super::super::t;
use super::*;
use crate::charts::{self, ChartKind, HeatmapData, HeatmapInput, HeatmapRow};
use crate::week::Month;

/// Stacked level distribution over the `months` months up to `until` (the
/// latest when `None`).
pub fn level_stack(sh: &Shown, id: &str, months: usize, until: Option<Month>) -> String {
    let input = sh.input;
    let n = sh.v.min_group_size.to_string();
    let list: Vec<(&Month, &crate::visible::MonthShown)> =
        sh.v.months
            .iter()
            .rev()
            .filter(|(m, _)| until.is_none_or(|u| **m <= u))
            .take(months)
            .map(|(m, f)| (m, &**f))
            .collect();
    // A month with a hidden count keeps its place as a gap that says why:
    // drawn as 0 it would lie, left out it would go missing unremarked.
    let is_hidden = |f: &crate::visible::MonthShown| f.levels.values().any(Option::is_none);
    let hidden_label = charts::fill(t(input, "levels_month_hidden"), &[("n", &n)]);
    let rows: Vec<charts::LevelMonth> = list
        .iter()
        .rev()
        .map(|(month, f)| {
            let c = |l: Level| f.levels.get(&l).copied().flatten().unwrap_or(0) as u32;
            charts::LevelMonth {
                month: month.to_string(),
                counts: charts::LevelCounts {
                    consistent: c(Level::Consistent),
                    developing: c(Level::Developing),
                    incidental: c(Level::Incidental),
                    absent: c(Level::Absent),
                    insufficient: c(Level::Insufficient),
                },
                hidden: is_hidden(f).then(|| hidden_label.clone()),
            }
        })
        .collect();
    let hidden: Vec<String> = list
        .iter()
        .rev()
        .filter(|(_, f)| is_hidden(f))
        .map(|(m, _)| crate::locale::month(input.config.language, &m.to_string()))
        .collect();
    let hidden_note = (!hidden.is_empty()).then(|| {
        charts::fill(
            t(input, "levels_hidden_sentence"),
            &[("months", &hidden.join(", ")), ("n", &n)],
        )
    });
    sh.figure(
        charts::level_stack,
        &charts::LevelStackInput {
            id: id.into(),
            title: t(input, "chart_levels_title").into(),
            months: rows,
            hidden_note,
        },
    )
}

/// A behaviour's consistency over the weeks, one line per visible team (or
/// only `team`); `None` when no group may be shown.
pub fn behaviour_trend_chart(sh: &Shown, chart_id: &str, behaviour: &str, team: Option<&str>) -> Option<String> {
    if sh.v.weeks.is_empty() || sh.v.all_hidden() {
        return None;
    }
    let input = sh.input;
    let mut series = Vec::new();
    for (id, t) in
        sh.v.teams
            .iter()
            .filter(|(id, _)| team.is_none_or(|t| t == id.as_str()))
    {
        let Some(values) = t.behaviours.get(behaviour) else {
            continue;
        };
        if values.iter().all(Option::is_none) {
            continue;
        }
        series.push(charts::TrendSeries {
            colour: super::colours::team_colour(input, id),
            name: team_name(sh, id),
            values: values.clone(),
        });
    }
    if series.is_empty() {
        return None;
    }
    Some(sh.figure(
        charts::trend,
        &super::charts::trend_input(
            sh,
            chart_id.into(),
            t(input, "chart_behaviour_trend_title").into(),
            series,
            story_markers(input, Some(behaviour), team),
        ),
    ))
}

/// The chart a `{{ chart(...) }}` shortcode asks for (arguments were
/// validated before rendering). `n` numbers the shortcodes of a page so
/// that ids stay unique.
pub fn shortcode_chart(sh: &Shown, n: usize, u: &crate::markdown::ShortcodeUse) -> String {
    let input = sh.input;
    let sc = &u.code;
    // Validation rejected unknown kinds before rendering.
    let kind = sc
        .kind()
        .and_then(ChartKind::from_shortcode)
        .unwrap_or(ChartKind::Trend);
    let id = format!("sc{n}-{kind}");
    let team = sc.arg("team");
    let too_small = || {
        format!(
            "<p class=\"suppressed\">{}</p>",
            charts::escape(t(input, "group_too_small"))
        )
    };
    if sh.v.weeks.is_empty() {
        return format!(
            "<p class=\"suppressed\">{}</p>",
            charts::escape(t(input, "not_enough_data"))
        );
    }
    if sh.v.all_hidden() {
        return too_small();
    }
    if let Some(why) = team.and_then(|tm| sh.why_hidden(tm)) {
        return format!("<p class=\"suppressed\">{}</p>", charts::escape(&why));
    }
    match kind {
        ChartKind::Trend => match (sc.arg("behaviour"), team) {
            (Some(b), _) => behaviour_trend_chart(sh, &id, b, team).unwrap_or_else(too_small),
            (None, Some(tm)) => team_trend_chart(sh, &id, tm),
            (None, None) => {
                let values = sh.v.overall.clone();
                sh.figure(
                    charts::trend,
                    &trend_input(
                        sh,
                        id,
                        t(input, "chart_trend_title").into(),
                        vec![charts::TrendSeries {
                            colour: super::colours::all_teams(),
                            name: t(input, "all_teams").into(),
                            values,
                        }],
                        story_markers(input, None, None),
                    ),
                )
            }
        },
        ChartKind::Heatmap => team.map_or_else(too_small, |tm| team_heatmap_chart(sh, &id, tm)),
        ChartKind::Bars => bars_chart(sh, &id, team).unwrap_or_else(too_small),
        ChartKind::Levels => level_stack(
            sh,
            &id,
            sc.arg("months").and_then(|m| m.parse().ok()).unwrap_or(6),
            None,
        ),
        ChartKind::Coverage => coverage_chart(sh, &id, team),
        // A sparkline is no shortcode kind; it only appears inside tables.
        ChartKind::Sparkline => too_small(),
        ChartKind::Scatter => {
            // The lead–lag of a month (default the latest).
            let month = sc
                .arg("month")
                .and_then(|m| m.parse::<Month>().ok())
                .or_else(|| sh.v.months.keys().next_back().copied());
            let Some(f) = month.and_then(|m| sh.v.months.get(&m)) else {
                return too_small();
            };
            lead_lag_chart(sh, &id, f).unwrap_or_else(too_small)
        }
    }
}

/// A team's consistency over the weeks, with its stories marked.
pub fn team_trend_chart(sh: &Shown, chart_id: &str, team: &str) -> String {
    let input = sh.input;
    let name = team_name(sh, team);
    let values = sh.v.teams.get(team).map(|f| f.cr_series.clone()).unwrap_or_default();
    sh.figure(
        charts::trend,
        &super::charts::trend_input(
            sh,
            chart_id.into(),
            charts::fill(t(input, "chart_team_trend_title"), &[("team", &name)]),
            vec![charts::TrendSeries {
                colour: super::colours::team_colour(input, team),
                name,
                values,
            }],
            story_markers(input, None, Some(team)),
        ),
    )
}

/// A team's rhythm: people × weeks where people may be shown (ordered by
/// how they are shown, never by id or roster), otherwise behaviours × weeks
/// as the share of the team's eligible weeks on target.
pub fn team_heatmap_chart(sh: &Shown, chart_id: &str, team: &str) -> String {
    let input = sh.input;
    let name = team_name(sh, team);
    let from = sh.v.weeks.len().saturating_sub(HEATMAP_WEEKS);
    let targets = targets(input);
    let data = if sh.shows_people() {
        HeatmapData::States(
            listed_reps(sh, team)
                .into_iter()
                .map(|(_, label, p)| HeatmapRow {
                    label,
                    cells: (from..sh.v.weeks.len())
                        .map(|i| combined_state(p, i, &targets, &input.config.consistency.levels))
                        .collect(),
                })
                .collect(),
        )
    } else {
        let shares = sh.v.teams.get(team).map(|t| &t.shares);
        HeatmapData::Shares(
            input
                .content
                .behaviours
                .iter()
                .filter_map(|b| {
                    let row = shares?.get(&b.id)?;
                    Some(HeatmapRow {
                        label: b.meta.title.clone(),
                        cells: row[from..].to_vec(),
                    })
                })
                .collect(),
        )
    };
    sh.figure(
        charts::heatmap,
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
    )
}

/// Consistency per behaviour this month against last month, for a team or all teams.
pub fn bars_chart(sh: &Shown, chart_id: &str, team: Option<&str>) -> Option<String> {
    let input = sh.input;
    let mo = sh.v.months.keys().next_back().copied()?;
    let rows = match team {
        Some(tm) => &sh.v.teams.get(tm)?.behaviours,
        None => &sh.v.behaviours,
    };
    let at = |month: Month, b: &str| -> Option<f64> {
        let j = sh.v.month_last_index(month)?;
        rows.get(b)?.get(j).copied().flatten()
    };
    let bars: Vec<charts::BehaviourBar> = input
        .content
        .behaviours
        .iter()
        .filter(|b| rows.get(&b.id).is_some_and(|r| r.iter().any(Option::is_some)))
        .map(|b| charts::BehaviourBar {
            title: b.meta.title.clone(),
            this_month: at(mo, &b.id),
            last_month: at(mo.prev(), &b.id),
        })
        .collect();
    if bars.is_empty() {
        return None;
    }
    let name = team.map_or_else(|| t(input, "all_teams").to_string(), |tm| team_name(sh, tm));
    Some(sh.figure(
        charts::behaviour_bars,
        &charts::BehaviourBarsInput {
            id: chart_id.into(),
            title: charts::fill(t(input, "chart_bars_title"), &[("team", &name)]),
            this_month: mo.to_string(),
            last_month: mo.prev().to_string(),
            behaviours: bars,
        },
    ))
}

/// Coaching coverage and minutes per rep per month, for a team or everyone.
pub fn coverage_chart(sh: &Shown, chart_id: &str, team: Option<&str>) -> String {
    let input = sh.input;
    let months =
        sh.v.months
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
                    passed: super::headline::partial(sh, *mo).map(|p| p.share()),
                }
            })
            .collect();
    let name = team.map_or_else(|| t(input, "all_teams").to_string(), |tm| team_name(sh, tm));
    sh.figure(
        charts::coverage,
        &charts::CoverageInput {
            id: chart_id.into(),
            title: charts::fill(t(input, "chart_coverage_title"), &[("team", &name)]),
            months,
            target_minutes: Some(input.config.coaching.target_minutes),
        },
    )
}

/// The lead–lag scatter of a month: individual points, so only where the
/// build may show people.
pub fn lead_lag_chart(sh: &Shown, chart_id: &str, f: &crate::visible::MonthShown) -> Option<String> {
    let ll = f.lead_lag.as_ref().filter(|_| sh.shows_people())?;
    // Points in the order of their label (pseudonym or name), never by id.
    let mut points: Vec<charts::ScatterPoint> = f
        .lead_lag_points
        .iter()
        .filter_map(|(p, x, y)| {
            Some(charts::ScatterPoint {
                label: sh.name(p)?,
                x: *x,
                y: *y,
            })
        })
        .collect();
    points.sort_by(|a, b| a.label.cmp(&b.label).then_with(|| a.x.total_cmp(&b.x)));
    Some(sh.figure(
        charts::scatter,
        &charts::ScatterInput {
            id: chart_id.into(),
            title: t(sh.input, "report_lead_lag").into(),
            points,
            rho: ll.rho,
            n: ll.n,
        },
    ))
}

/// A trend from its first week with a value: weeks before any series has
/// one (the first `min_weeks` of the data) would only be empty space.
pub fn trend_input(
    sh: &Shown,
    id: String,
    title: String,
    series: Vec<charts::TrendSeries>,
    markers: Vec<charts::StoryMarker>,
) -> charts::TrendInput {
    let from = (0..sh.v.weeks.len())
        .find(|&i| series.iter().any(|s| s.values.get(i).copied().flatten().is_some()))
        .unwrap_or(0);
    charts::TrendInput {
        id,
        title,
        weeks: sh.week_keys(from),
        series: series
            .into_iter()
            .map(|mut s| {
                s.values = s.values.get(from..).unwrap_or_default().to_vec();
                s
            })
            .collect(),
        goal: Some(sh.input.config.goal),
        markers,
    }
}
