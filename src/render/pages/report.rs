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
            let prev = sh.v.months.get(&month.prev());
            let key = month.to_string();
            let label = locale::month(lang, &key);
            let overall = figure_why(f.cr, prev.and_then(|p| p.cr), levels, f.hidden.map(|w| sh.say(w)));
            let goal = input.config.goal;
            let sentence = match (overall.value, prev.and_then(|p| p.cr)) {
                _ if overall.suppressed => overall.why.clone().unwrap_or_default(),
                (Some(v), Some(p)) => charts::fill(
                    t(input, "report_sentence"),
                    &[
                        ("from", &locale::percent(lang, p)),
                        ("to", &locale::percent(lang, v)),
                        ("previous", &locale::month(lang, &month.prev().to_string())),
                        ("goal", &locale::percent(lang, goal)),
                    ],
                ),
                (Some(v), None) => charts::fill(
                    t(input, "report_sentence_first"),
                    &[
                        ("value", &locale::percent(lang, v)),
                        ("goal", &locale::percent(lang, goal)),
                    ],
                ),
                _ => t(input, "not_enough_data").to_string(),
            };
            let behaviours = input
                .content
                .behaviours
                .iter()
                .filter_map(|b| {
                    let now = f.behaviours.get(&b.id).copied().flatten();
                    let before = prev.and_then(|p| p.behaviours.get(&b.id).copied().flatten());
                    (now.is_some() || before.is_some()).then(|| ReportRow {
                        title: b.meta.title.clone(),
                        route: b.route.clone(),
                        figure: figure_why(
                            now,
                            before,
                            levels,
                            f.hidden.filter(|_| now.is_none()).map(|w| sh.say(w)),
                        ),
                    })
                })
                .collect();
            let teams: Vec<ReportTeamRow> = input
                .data
                .teams
                .iter()
                .map(|team| {
                    let now = f.teams.get(&team.id).copied().flatten();
                    let before = prev.and_then(|p| p.teams.get(&team.id).copied().flatten());
                    let (cov, min) = f.team_coaching.get(&team.id).copied().unwrap_or((None, None));
                    let why = f.hidden_teams.get(&team.id).map(|w| sh.say(*w));
                    ReportTeamRow {
                        name: team.name.clone(),
                        route: format!("teams/{}/index.html", team.id),
                        figure: figure_why(now, before, levels, why),
                        coaching_coverage: cov,
                        coaching_minutes: min,
                        role_model_gap: f.role_model_gaps.get(&team.id).copied().flatten(),
                    }
                })
                .collect();
            let most_improved_team = teams
                .iter()
                .filter_map(|r| Some((r, r.figure.change?)))
                .filter(|(_, c)| *c > 0.0)
                .max_by(|a, b| a.1.total_cmp(&b.1).then_with(|| b.0.name.cmp(&a.0.name)))
                .map(|(r, c)| Recognition {
                    name: r.name.clone(),
                    route: Some(r.route.clone()),
                    change: c,
                });
            let most_improved_people = if input.scope.mode == crate::config::PrivacyMode::Named {
                let mut gains: Vec<(String, f64)> = f
                    .reps
                    .iter()
                    .filter_map(|(id, now)| Some((id.clone(), now - prev?.reps.get(id)?)))
                    .filter(|(_, c)| *c > 0.0)
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
            let mut report_charts = Vec::new();
            if f.cr.is_some() {
                report_charts.push(level_stack(sh, &format!("report-{key}-levels"), 6, Some(month)));
                let bars = input
                    .content
                    .behaviours
                    .iter()
                    .filter(|b| f.behaviours.get(&b.id).copied().flatten().is_some())
                    .map(|b| charts::BehaviourBar {
                        title: b.meta.title.clone(),
                        this_month: f.behaviours.get(&b.id).copied().flatten(),
                        last_month: prev.and_then(|p| p.behaviours.get(&b.id).copied().flatten()),
                    })
                    .collect();
                report_charts.push(charts::render_html(&charts::behaviour_bars(
                    &charts::BehaviourBarsInput {
                        id: format!("report-{key}-behaviours"),
                        title: t(input, "report_behaviours").into(),
                        this_month: key.clone(),
                        last_month: month.prev().to_string(),
                        behaviours: bars,
                    },
                    &sh.text,
                )));
                let months_so_far: Vec<charts::CoverageMonth> =
                    sh.v.months
                        .range(..=month)
                        .map(|(mo, fig)| charts::CoverageMonth {
                            month: mo.to_string(),
                            coverage: fig.coaching_coverage,
                            minutes_per_rep: fig.coaching_minutes_per_rep,
                        })
                        .collect();
                report_charts.push(charts::render_html(&charts::coverage(
                    &charts::CoverageInput {
                        id: format!("report-{key}-coaching"),
                        title: t(input, "report_coaching").into(),
                        months: months_so_far,
                        target_minutes: Some(input.config.coaching.target_minutes),
                    },
                    &sh.text,
                )));
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
            let changes = input
                .history
                .changes_in_month(&key, &["behaviours/", "coaching/"])
                .into_iter()
                .map(|c| ChangeView {
                    date: locale::date(lang, c.date),
                    datetime: c.date.to_string(),
                    subject: c.subject.clone(),
                    pages: c
                        .files
                        .iter()
                        .filter_map(|f| {
                            let route = input.content.routes().get(f)?.clone();
                            let title = input
                                .content
                                .behaviours
                                .iter()
                                .find(|b| b.rel == *f)
                                .map(|b| b.meta.title.clone())
                                .or_else(|| {
                                    input
                                        .content
                                        .guides
                                        .iter()
                                        .find(|g| g.rel == *f)
                                        .map(|g| g.meta.title.clone())
                                })?;
                            Some(Link { title, route })
                        })
                        .collect(),
                })
                .collect();
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
                overall,
                goal,
                sentence,
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
            }
        })
        .collect();
    views.reverse();
    let index = ReportIndexView {
        items: views
            .iter()
            .map(|v| ReportRow {
                title: v.title.clone(),
                route: format!("reports/{}/index.html", v.month),
                figure: v.overall.clone(),
            })
            .collect(),
    };
    (views, index)
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
