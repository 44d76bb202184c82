//! The data-health page: logging coverage, missing weeks and outliers.

use super::*;

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
