//! The monthly leadership report: one page per month of data, an index,
//! and beside each page one self-contained HTML file (inline CSS and SVG,
//! no links or scripts) that a director can mail or open offline.

use std::collections::BTreeMap;

use rayon::prelude::*;

use super::super::t;
use super::charts::level_stack;
use super::*;
use crate::charts;
use crate::locale;
use crate::markdown::Rendered;
use crate::week::Month;

pub fn mail_file_name(input: &Input, month: Month) -> String {
    format!("{}-{month}.html", t(input, "report_file"))
}

/// Every monthly report, newest first, plus the index.
pub fn report_views(
    sh: &Shown,
    rendered: &BTreeMap<String, Rendered>,
    stories: &[(chrono::NaiveDate, StoryCard)],
) -> (Vec<ReportView>, ReportIndexView) {
    let input = sh.input;
    let lang = input.config.language;
    let levels = &input.config.consistency.levels;
    let css = inline_css(input);
    let months: Vec<Month> = sh.v.months.keys().copied().collect();
    // Each month draws its own charts: in parallel, collected in month order.
    let mut views: Vec<ReportView> = months
        .par_iter()
        .enumerate()
        .map(|(i, &month)| {
            let f = &sh.v.months[&month];
            let key = month.to_string();
            let label = locale::month(lang, &key);
            // The headline is the rolling CR as of the month's last week with
            // data, its change since the end of the month before: for the
            // latest month exactly the home page's figures.
            let pt = headline::month_end(sh, month);
            let before = pt.and_then(|p| headline::earlier(sh, p));
            let overall = headline_figure(
                &sh.v.overall,
                pt,
                before,
                levels,
                sh.v.all_hidden().then(|| t(input, "group_too_small").to_string()),
            );
            let goal = input.config.goal;
            let partial = headline::partial(sh, month);
            let no_series: Vec<Option<f64>> = Vec::new();
            let behaviours: Vec<ReportRow> = input
                .content
                .behaviours
                .iter()
                .filter_map(|b| {
                    let series = sh.v.behaviours.get(&b.id).unwrap_or(&no_series);
                    let now = headline::at(series, pt);
                    let month_cr = f.behaviours.get(&b.id).copied().flatten();
                    (now.is_some() || month_cr.is_some()).then(|| ReportRow {
                        title: b.meta.title.clone(),
                        route: b.route.clone(),
                        month_cr,
                        figure: against_goal(
                            headline_figure(
                                series,
                                pt,
                                before,
                                levels,
                                f.hidden.filter(|_| now.is_none()).map(|w| sh.say(w)),
                            ),
                            input.config.goal,
                        ),
                    })
                })
                .collect();
            let teams: Vec<ReportTeamRow> = input
                .data
                .teams
                .iter()
                .map(|team| {
                    let shown = sh.v.teams.get(&team.id);
                    let series = shown.map_or(&no_series, |s| &s.cr_series);
                    let (cov, min) = f.team_coaching.get(&team.id).copied().unwrap_or((None, None));
                    let why = headline::at(series, pt)
                        .is_none()
                        .then(|| {
                            f.hidden_teams
                                .get(&team.id)
                                .map(|w| sh.say(*w))
                                .or_else(|| sh.why_hidden(&team.id))
                        })
                        .flatten();
                    ReportTeamRow {
                        name: team.name.clone(),
                        month_cr: f.teams.get(&team.id).copied().flatten(),
                        route: format!("teams/{}/index.html", team.id),
                        figure: against_goal(headline_figure(series, pt, before, levels, why), input.config.goal),
                        coaching_coverage: cov,
                        coaching_minutes: min,
                        role_model_gap: f.role_model_gaps.get(&team.id).copied().flatten(),
                    }
                })
                .collect();
            let most_improved_team = teams
                .iter()
                .filter_map(|r| Some((r, r.figure.change?)))
                .filter(|(_, c)| *c > 0.005)
                .max_by(|a, b| a.1.total_cmp(&b.1).then_with(|| b.0.name.cmp(&a.0.name)))
                .map(|(r, c)| Recognition {
                    name: r.name.clone(),
                    route: Some(r.route.clone()),
                    change: c,
                });
            let most_improved_people = if input.scope.mode == crate::config::PrivacyMode::Named {
                // The same change as on the team and person pages.
                let mut gains: Vec<(String, f64)> = f
                    .reps
                    .keys()
                    .filter_map(|id| {
                        let p = sh.v.people.get(id)?;
                        Some((id.clone(), headline::change(&p.cr_series, pt, before)?))
                    })
                    .filter(|(_, c)| *c > 0.005)
                    .collect();
                gains.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
                gains
                    .into_iter()
                    .take(3)
                    .filter_map(|(id, c)| {
                        Some(Recognition {
                            name: sh.name(&id)?,
                            route: Some(format!("people/{id}/index.html")),
                            change: c,
                        })
                    })
                    .collect()
            } else {
                Vec::new()
            };
            let summary = summary(sh, &overall, &teams, &behaviours);
            let mut report_charts = Vec::new();
            if overall.value.is_some() || f.cr.is_some() {
                report_charts.push(level_stack(sh, &format!("report-{key}-levels"), 6, Some(month)));
                let bars = input
                    .content
                    .behaviours
                    .iter()
                    .filter_map(|b| {
                        let series = sh.v.behaviours.get(&b.id)?;
                        headline::at(series, pt)?;
                        Some(charts::BehaviourBar {
                            title: b.meta.title.clone(),
                            this_month: headline::at(series, pt),
                            last_month: headline::at(series, before),
                        })
                    })
                    .collect();
                report_charts.push(
                    sh.figure(
                        charts::behaviour_bars,
                        &charts::BehaviourBarsInput {
                            id: format!("report-{key}-behaviours"),
                            title: t(input, "report_behaviours").into(),
                            this_month: pt.map(|p| p.week.to_string()).unwrap_or_else(|| key.clone()),
                            last_month: before
                                .map(|p| p.week.to_string())
                                .unwrap_or_else(|| month.prev().to_string()),
                            behaviours: bars,
                        },
                    ),
                );
                let months_so_far: Vec<charts::CoverageMonth> =
                    sh.v.months
                        .range(..=month)
                        .map(|(mo, fig)| charts::CoverageMonth {
                            month: mo.to_string(),
                            coverage: fig.coaching_coverage,
                            minutes_per_rep: fig.coaching_minutes_per_rep,
                            passed: headline::partial(sh, *mo).map(|p| p.share()),
                        })
                        .collect();
                report_charts.push(sh.figure(
                    charts::coverage,
                    &charts::CoverageInput {
                        id: format!("report-{key}-coaching"),
                        title: t(input, "report_coaching").into(),
                        months: months_so_far,
                        target_minutes: Some(input.config.coaching.target_minutes),
                    },
                ));
            }
            let lead_lag_chart =
                super::charts::lead_lag_chart(sh, &format!("report-{key}-leadlag"), f).unwrap_or_default();
            let commentary = input.content.reports.iter().find(|r| r.id == key).map(|r| Commentary {
                title: r.meta.title.clone(),
                author: r.meta.author.clone(),
                html: super::super::html_of(sh, rendered, &r.rel).0,
            });
            let title = commentary
                .as_ref()
                .and_then(|c| c.title.clone())
                .unwrap_or_else(|| charts::fill(t(input, "report_title"), &[("month", &label)]));
            let changes = super::super::page_changes(input, Some(&key));
            let link = |m: Month| Link {
                title: locale::month(lang, &m.to_string()),
                route: format!("reports/{m}/index.html"),
            };
            ReportView {
                month: key.clone(),
                // Goes into a CSS string inside <style>, where HTML escaping does not apply.
                print_header: format!("{} · {}", input.config.title, title).replace(['"', '\\', '<', '>'], ""),
                month_label: label,
                title,
                winning: overall.value.is_some_and(|v| v >= goal),
                period: period_words(sh, pt),
                since: since_words(sh, before),
                provisional: partial.map(|p| {
                    charts::fill(
                        t(input, "report_provisional"),
                        &[
                            ("from", &p.first.number().to_string()),
                            ("to", &p.covered_last.number().to_string()),
                            ("last", &p.last.number().to_string()),
                        ],
                    )
                }),
                month_cr: if f.hidden.is_some() { None } else { f.cr },
                sentence: summary.first().cloned().unwrap_or_default(),
                summary,
                lead_lag_words: f.lead_lag.and_then(|ll| lead_lag_words(sh, ll.rho?, ll.n)),
                minutes_target: input.config.coaching.target_minutes * partial.map_or(1.0, |p| p.share()),
                overall,
                goal,
                charts: report_charts,
                behaviours,
                teams,
                lead_lag: f.lead_lag.map(|ll| (ll.rho, ll.n)),
                lead_lag_chart,
                stories: stories
                    .iter()
                    .filter(|(d, _)| month.contains(*d))
                    .map(|(_, c)| c.clone())
                    .collect(),
                most_improved_team,
                most_improved_people,
                commentary,
                changes,
                previous: i.checked_sub(1).map(|p| link(months[p])),
                next: months.get(i + 1).map(|n| link(*n)),
                mail_file: mail_file_name(input, month),
                inline_css: css.clone(),
                managers: headline::managers_sentence(sh, &f.managers),
                levels_key: charts::fill(
                    t(input, "levels_key"),
                    &[
                        ("consistent", &locale::percent(lang, levels.consistent)),
                        ("developing", &locale::percent(lang, levels.developing)),
                        ("goal", &locale::percent(lang, goal)),
                    ],
                ),
                gap_note: (input.scope.mode != crate::config::PrivacyMode::Named)
                    .then(|| charts::fill(t(input, "managers_hidden"), &[("n", &sh.v.min_group_size.to_string())])),
            }
        })
        .collect();
    views.reverse();
    let index = ReportIndexView {
        items: views
            .iter()
            .map(|v| ReportRow {
                month_cr: None,
                title: v.title.clone(),
                route: format!("reports/{}/index.html", v.month),
                figure: v.overall.clone(),
            })
            .collect(),
    };
    (views, index)
}

/// Page 1's three sentences: where we stand against the goal, which team
/// leads and which needs help, the behaviour to focus on next month.
fn summary(sh: &Shown, overall: &Figure, teams: &[ReportTeamRow], behaviours: &[ReportRow]) -> Vec<String> {
    let input = sh.input;
    let lang = input.config.language;
    let pct = |v: f64| locale::percent(lang, v);
    let mut out = Vec::new();
    let Some(value) = overall.value else {
        out.push(
            overall
                .why
                .clone()
                .unwrap_or_else(|| t(input, "not_enough_data").to_string()),
        );
        return out;
    };
    // The figure and its change stand right above: say what they do not.
    let team_values: Vec<f64> = teams.iter().filter_map(|r| r.figure.value).collect();
    out.push(headline::standing_sentence(sh, value, &team_values));
    let mut ranked: Vec<(&str, f64)> = teams
        .iter()
        .filter_map(|r| Some((r.name.as_str(), r.figure.value?)))
        .collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    match ranked.as_slice() {
        [] => {}
        [(only, v)] => out.push(charts::fill(
            t(input, "summary_one_team"),
            &[("team", only), ("value", &pct(*v))],
        )),
        [(lead, lv), .., (lag, gv)] => out.push(charts::fill(
            t(input, "summary_teams"),
            &[("leader", lead), ("lv", &pct(*lv)), ("laggard", lag), ("gv", &pct(*gv))],
        )),
    }
    let weakest = behaviours
        .iter()
        .filter_map(|r| Some((r.title.as_str(), r.figure.value?)))
        .min_by(|a, b| a.1.total_cmp(&b.1).then_with(|| a.0.cmp(b.0)));
    if let Some((title, v)) = weakest {
        out.push(charts::fill(
            t(input, "summary_focus"),
            &[("behaviour", title), ("value", &pct(v))],
        ));
    }
    out
}

/// The lead–lag in plain words, with ρ and n in brackets for who wants them.
fn lead_lag_words(sh: &Shown, rho: f64, n: usize) -> Option<String> {
    let strength = match rho.abs() {
        r if r < 0.1 => "lead_lag_none_visible",
        r if r < 0.3 && rho > 0.0 => "lead_lag_weak_positive",
        r if r < 0.3 => "lead_lag_weak_negative",
        r if r < 0.5 && rho > 0.0 => "lead_lag_moderate_positive",
        r if r < 0.5 => "lead_lag_moderate_negative",
        _ if rho > 0.0 => "lead_lag_strong_positive",
        _ => "lead_lag_strong_negative",
    };
    let lang = sh.input.config.language;
    Some(charts::fill(
        t(sh.input, "report_lead_lag_text"),
        &[
            ("words", t(sh.input, strength)),
            ("rho", &locale::decimal(lang, rho, 2)),
            ("n", &n.to_string()),
        ],
    ))
}

/// The theme's stylesheet for the self-contained report: without the font
/// files (the mail must not reference anything), falling back to the
/// reader's sans-serif.
fn inline_css(input: &Input) -> String {
    let css = input
        .theme
        .assets
        .iter()
        .find(|(p, _)| p == "assets/style.css")
        .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
        .unwrap_or_default();
    css.lines()
        .filter(|l| !l.trim_start().starts_with("@font-face"))
        .collect::<Vec<_>>()
        .join("\n")
}
