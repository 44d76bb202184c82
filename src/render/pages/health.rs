//! The data-health page: logging coverage, missing weeks and outliers.

use super::*;

/// The data-health page: logging coverage, missing weeks and outliers.
pub fn health_view(sh: &Shown) -> HealthView {
    let input = sh.input;
    let health = &sh.v.health;
    let teams = health
        .teams
        .iter()
        .filter_map(|(id, c)| {
            let team = sh.team(id)?;
            Some((team.name.clone(), *c))
        })
        .collect();
    // Listed by the name they are shown under, never by id or roster.
    let mut people: Vec<HealthRow> = if sh.shows_people() {
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
    people.sort_by(|a, b| a.name.cmp(&b.name));
    let mut outliers: Vec<(String, String, String, u32, f64)> = if sh.shows_people() {
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
    outliers.sort_by(|a, b| (&a.0, &a.2, &a.1).cmp(&(&b.0, &b.2, &b.1)));
    HealthView {
        as_of: sh.v.as_of.map(|w| w.to_string()).unwrap_or_default(),
        teams,
        people,
        outliers,
        missing_total: sh.v.missing_total,
        outlier_total: sh.v.outlier_total,
    }
}
