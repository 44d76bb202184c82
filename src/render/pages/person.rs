//! A person's own page (named builds only).

use super::super::t;
use super::*;
use crate::charts::{self, HeatmapData, HeatmapInput, HeatmapRow};
use crate::locale;

/// A person's own page (named builds only). The caller walks the people and
/// hands each over: finding them again by id scanned everyone per page,
/// which made the person pages' cost grow with the square of the people.
pub fn person_view(sh: &Shown, person: &crate::teamdata::Person, stories: Vec<StoryCard>) -> Option<PersonView> {
    let input = sh.input;
    let id = person.id.as_str();
    let p = sh.v.people.get(id)?;
    let levels = &input.config.consistency.levels;
    let lang = input.config.language;
    let now = headline::now(sh);
    let before = now.and_then(|p| headline::earlier(sh, p));
    let targets = targets(input);
    let behaviours = p
        .behaviours
        .iter()
        .map(|(bid, b)| {
            let title = behaviour_title(input, bid).to_string();
            BehaviourRow {
                spark: sh.inline_sparkline(&charts::SparklineInput {
                    id: format!("strength-{bid}"),
                    title: charts::fill(t(input, "chart_strength_title"), &[("behaviour", &title)]),
                    weeks: sh.week_keys(0),
                    values: b.strength_series.clone(),
                }),
                route: format!("behaviours/{bid}/index.html"),
                figure: figure(
                    b.cr,
                    before.and_then(|p| sh.v.behaviour_cr_at(b, p.index)),
                    levels,
                    false,
                ),
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
    if !sh.v.weeks.is_empty() {
        let from = sh.v.weeks.len().saturating_sub(HEATMAP_WEEKS);
        let rows = p
            .behaviours
            .iter()
            .map(|(bid, b)| HeatmapRow {
                label: behaviour_title(input, bid).to_string(),
                cells: (from..sh.v.weeks.len())
                    .map(|i| cell_state(b.cells[i], targets.get(bid.as_str()).copied().unwrap_or(1)))
                    .collect(),
            })
            .collect();
        charts_html.push(sh.figure(
            charts::heatmap,
            &HeatmapInput {
                id: format!("person-{id}-heatmap"),
                title: charts::fill(t(input, "chart_rhythm_title"), &[("name", &person.name)]),
                row_header: t(input, "behaviour").into(),
                weeks: sh.week_keys(from),
                data: HeatmapData::States(rows),
            },
        ));
    }
    let sessions = sh
        .sessions_of(id)
        .iter()
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
        team: sh.team(&person.team).map(|t| Link {
            title: t.name.clone(),
            route: format!("teams/{}/index.html", t.id),
        }),
        role: person.role.clone(),
        figure: headline_figure(&p.cr_series, now, before, levels, None),
        behaviours,
        charts: charts_html,
        sessions,
        stories,
        held: crate::render::views::Held::new(&sh.views),
    })
}
