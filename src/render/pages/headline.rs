//! One figure, one definition: the headline of the site, a team or a
//! behaviour is its rolling CR as of a named week, and a change compares
//! that same measure at an earlier named point. Home, team pages, behaviour
//! pages, reports and the mail copy all read their figures through here, so
//! the latest report and the home page cannot disagree.

use crate::charts;
use crate::locale;
use crate::visible::ManagersShown;
use crate::week::{Month, Week};

use super::Shown;

/// A point in time a headline is read at: an index into the build's weeks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Point {
    pub index: usize,
    pub week: Week,
}

/// The home page's and team pages' point: `as_of`.
pub fn now(sh: &Shown) -> Option<Point> {
    let index = sh.v.weeks.len().checked_sub(1)?;
    Some(Point {
        index,
        week: sh.v.weeks[index],
    })
}

/// The report of `month` reads its headline at the month's last week with data.
pub fn month_end(sh: &Shown, month: Month) -> Option<Point> {
    let index = sh.v.month_last_index(month)?;
    Some(Point {
        index,
        week: sh.v.weeks[index],
    })
}

/// The point every change is measured against: the last week of the month
/// before the one `at` lies in ("since the end of October"). `None` when
/// the data starts later.
pub fn earlier(sh: &Shown, at: Point) -> Option<Point> {
    month_end(sh, at.week.month().prev())
}

/// A series read at a point.
pub fn at(series: &[Option<f64>], p: Option<Point>) -> Option<f64> {
    p.and_then(|p| series.get(p.index).copied().flatten())
}

/// The one way a change is computed: the same series at two points; `None`
/// (no change shown, never "from 0") when either side is undefined.
pub fn change(series: &[Option<f64>], now: Option<Point>, before: Option<Point>) -> Option<f64> {
    Some(at(series, now)? - at(series, before)?)
}

/// Whether `month` is partial: `as_of` lies before its last week.
pub fn partial(sh: &Shown, month: Month) -> Option<Partial> {
    let as_of = sh.v.as_of?;
    let all = month.weeks();
    let last = *all.last()?;
    if as_of >= last {
        return None;
    }
    let covered: Vec<Week> = all.iter().copied().filter(|w| *w <= as_of).collect();
    Some(Partial {
        first: *all.first()?,
        last,
        covered_last: *covered.last()?,
        passed: covered.len(),
        total: all.len(),
    })
}

/// A month that is not over yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Partial {
    pub first: Week,
    pub last: Week,
    pub covered_last: Week,
    pub passed: usize,
    pub total: usize,
}

impl Partial {
    /// The share of the month's weeks that have passed (for prorated targets).
    pub fn share(self) -> f64 {
        self.passed as f64 / self.total as f64
    }
}

/// Managers as a group in one sentence: their own CR and gap when enough
/// of them contribute, else why they are not shown; `None` without managers.
pub fn managers_sentence(sh: &Shown, m: &ManagersShown) -> Option<String> {
    let input = sh.input;
    let lang = input.config.language;
    if m.contributors == 0 {
        return None;
    }
    let count = m.contributors.to_string();
    Some(match (m.cr, m.gap) {
        (Some(cr), Some(gap)) => charts::fill(
            super::super::t(input, "managers_group"),
            &[
                ("count", &count),
                ("cr", &locale::percent(lang, cr)),
                ("gap", &locale::points(lang, gap)),
            ],
        ),
        (Some(cr), None) => charts::fill(
            super::super::t(input, "managers_group_no_gap"),
            &[("count", &count), ("cr", &locale::percent(lang, cr))],
        ),
        _ => charts::fill(
            super::super::t(input, "managers_group_hidden"),
            &[("n", &sh.v.min_group_size.to_string())],
        ),
    })
}

/// Where a headline stands against the goal, in the words that add to the
/// figure printed above it: how far from the goal, and how many of the
/// `teams` shown (their headline values) meet it. The figure itself is not
/// repeated.
pub fn standing_sentence(sh: &Shown, value: f64, teams: &[f64]) -> String {
    let input = sh.input;
    let lang = input.config.language;
    let goal = input.config.goal;
    let gap = value - goal;
    // Whole points as printed; within half a point the headline rounds to the goal.
    let key = if gap.abs() < 0.005 {
        "standing_exact"
    } else if gap < 0.0 {
        "standing_below"
    } else {
        "standing_above"
    };
    let at = teams.iter().filter(|v| **v + 1e-9 >= goal).count();
    let key = if teams.is_empty() {
        format!("{key}_no_teams")
    } else {
        key.to_string()
    };
    let points = locale::points(lang, gap.abs());
    charts::fill(
        super::super::t(input, &key),
        &[
            ("gap", points.trim_start_matches(['+', '±'])),
            ("goal", &locale::percent(lang, goal)),
            ("at", &at.to_string()),
            ("teams", &teams.len().to_string()),
        ],
    )
}
