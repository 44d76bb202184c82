//! A behaviour page's charts.

use super::charts::behaviour_trend_chart;
use super::*;

/// A behaviour's consistency per team over the weeks, with its stories marked.
pub fn behaviour_charts(sh: &Shown, behaviour: &str) -> Vec<String> {
    behaviour_trend_chart(sh, &format!("trend-{behaviour}"), behaviour, None)
        .into_iter()
        .collect()
}
