//! The teams index cards and one team's page.

use super::super::t;
use super::charts::*;
use super::*;
use crate::charts;
use crate::locale;

pub fn team_card(sh: &Shown, id: &str) -> Option<TeamCard> {
    let team = sh.team(id)?;
    let f = sh.v.teams.get(id)?;
    let now = headline::now(sh);
    let before = now.and_then(|p| headline::earlier(sh, p));
    Some(TeamCard {
        id: id.to_string(),
        name: team.name.clone(),
        route: format!("teams/{id}/index.html"),
        figure: headline_figure(
            &f.cr_series,
            now,
            before,
            &sh.input.config.consistency.levels,
            sh.why_hidden(id),
        ),
        reps: f.reps,
    })
}

/// The page of one team.
pub fn team_view(sh: &Shown, id: &str, stories: Vec<StoryCard>) -> Option<TeamView> {
    let input = sh.input;
    let card = team_card(sh, id)?;
    let f = &sh.v.teams[id];
    let hidden = sh.team_hidden(id);
    let levels = &input.config.consistency.levels;
    let latest_month = sh.v.months.keys().next_back().copied();
    let coaching = latest_month
        .and_then(|mo| sh.v.months[&mo].team_coaching.get(id).copied())
        .unwrap_or((None, None));
    let mut charts_html = Vec::new();
    let mut people = Vec::new();
    if !hidden && !sh.v.weeks.is_empty() {
        charts_html.push(team_trend_chart(sh, &format!("team-{id}-trend"), id));
        charts_html.push(team_heatmap_chart(sh, &format!("team-{id}-heatmap"), id));
        if sh.shows_people() {
            // What a cell counts, right under the grid it explains.
            let lv = &input.config.consistency.levels;
            charts_html.push(format!(
                "<p class=\"chart-note heatmap-note\">{}</p>",
                charts::escape(&charts::fill(
                    t(input, "heatmap_people_note"),
                    &[
                        ("window", &input.config.consistency.window_weeks.to_string()),
                        ("consistent", &locale::percent(input.config.language, lv.consistent)),
                        ("developing", &locale::percent(input.config.language, lv.developing)),
                    ],
                ))
            ));
        }
        charts_html.extend(bars_chart(sh, &format!("team-{id}-behaviours"), Some(id)));
        charts_html.push(coverage_chart(sh, &format!("team-{id}-coaching"), Some(id)));
        if sh.shows_people() {
            let now = headline::now(sh);
            let before = now.and_then(|p| headline::earlier(sh, p));
            for (pid, name, p) in listed_reps(sh, id) {
                let spark = sh.inline_sparkline(&charts::SparklineInput {
                    id: format!("spark-{}", crate::slug::slugify(&name)),
                    title: charts::fill(t(input, "chart_person_spark_title"), &[("name", &name)]),
                    weeks: sh.week_keys(0),
                    values: p.cr_series.clone(),
                });
                people.push(PersonRow {
                    route: (input.scope.mode == crate::config::PrivacyMode::Named)
                        .then(|| format!("people/{pid}/index.html")),
                    name,
                    figure: headline_figure(&p.cr_series, now, before, levels, None),
                    spark,
                });
            }
        }
    }
    // A team has one manager: only named builds name them or show their
    // figures per team (the visible stage leaves them out elsewhere).
    let named = input.scope.mode == crate::config::PrivacyMode::Named;
    let manager = sh
        .team(id)
        .and_then(|t| t.manager.as_deref())
        .filter(|_| named)
        .and_then(|m| sh.name(m));
    let shows_rows = !people.is_empty();
    let spark_scale = match (sh.v.weeks.first(), sh.v.weeks.last()) {
        (Some(a), Some(b)) if shows_rows => Some(charts::fill(
            t(input, "spark_scale"),
            &[("first", &a.to_string()), ("last", &b.to_string())],
        )),
        _ => None,
    };
    Some(TeamView {
        spark_scale,
        coaching_route: sh
            .v
            .coaching
            .contains_key(id)
            .then(|| format!("teams/{id}/coaching/index.html")),
        role_model_gap: if hidden { None } else { f.role_model_gap },
        manager_figure: (!hidden && named).then(|| figure(f.manager_cr, None, levels, false)),
        managers_note: (!named)
            .then(|| charts::fill(t(input, "managers_hidden"), &[("n", &sh.v.min_group_size.to_string())])),
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
