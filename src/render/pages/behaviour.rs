//! A behaviour page's charts.

use super::charts::behaviour_trend_chart;
use super::*;

/// A behaviour's consistency per team over the weeks, with its stories marked.
pub fn behaviour_charts(sh: &Shown, behaviour: &str) -> Vec<String> {
    behaviour_trend_chart(sh, &format!("trend-{behaviour}"), behaviour, None)
        .into_iter()
        .collect()
}

/// Why a behaviour page shows no chart although there is data.
pub fn charts_note(sh: &Shown, behaviour: &str, no_charts: bool) -> Option<String> {
    if sh.v.manager_behaviours.contains(behaviour) && !sh.v.shows_managers() {
        return Some(chart::fill(
            super::super::t(sh.input, "managers_hidden"),
            &[("n", &sh.v.min_group_size.to_string())],
        ));
    }
    (no_charts && sh.v.behaviours.contains_key(behaviour)).then(|| sh.say(Why::TooFew))
}
