//! Data health: what is missing or odd in the logs, for `check` and the
//! data-health page. Unknown ids and duplicates are errors and stop the
//! build before this; what remains are gaps and outliers.

use std::collections::BTreeMap;

use crate::diagnostics::Diagnostic;
use crate::metrics::{Cell, Metrics};
use crate::teamdata::TeamData;
use crate::week::Week;

/// A count far above the person's usual for that behaviour.
#[derive(Debug, Clone, PartialEq)]
pub struct Outlier {
    pub person: String,
    pub behaviour: String,
    pub week: Week,
    pub count: u32,
    /// The person's median for the behaviour.
    pub usual: f64,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct PersonHealth {
    /// Active weeks with no entry at all (not even `skip`).
    pub missing_weeks: Vec<Week>,
    /// Logging coverage over all behaviours: logged cells / eligible cells.
    pub coverage: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct DataHealth {
    pub people: BTreeMap<String, PersonHealth>,
    /// Logging coverage per team (over its members' eligible cells).
    pub teams: BTreeMap<String, Option<f64>>,
    pub outliers: Vec<Outlier>,
}

/// Fewest logged values before a count can be called an outlier.
const MIN_VALUES: usize = 6;

/// An outlier is a count above max(3 × median, median + 10) of the
/// person's logged counts for that behaviour (with at least six of them):
/// robust against a few busy weeks, and never triggered by small numbers.
pub fn is_outlier(count: u32, median: f64) -> bool {
    count as f64 > (3.0 * median).max(median + 10.0)
}

fn median(values: &mut [u32]) -> f64 {
    values.sort_unstable();
    let n = values.len();
    if n == 0 {
        return 0.0;
    }
    if n % 2 == 1 {
        values[n / 2] as f64
    } else {
        (values[n / 2 - 1] as f64 + values[n / 2] as f64) / 2.0
    }
}

pub fn assess(data: &TeamData, metrics: &Metrics) -> DataHealth {
    assess_reusing(data, metrics, None).0
}

/// What the last build found, for [`assess_reusing`]: its health, the
/// weeks of its figures, and the people whose log entries changed since.
pub struct Last<'a> {
    pub health: DataHealth,
    pub weeks: &'a [Week],
    pub changed: &'a std::collections::BTreeSet<String>,
}

/// [`assess`], taking from `last` the health and outliers of everyone whose
/// log entries did not change (their entries and cells are the same, so is
/// what they show, when the weeks are the same). Also returns how many
/// people were assessed afresh.
pub fn assess_reusing(data: &TeamData, metrics: &Metrics, last: Option<Last>) -> (DataHealth, usize) {
    let mut last = last.filter(|l| l.weeks == metrics.weeks.as_slice());
    // The last outliers by person: they were listed person by person.
    let mut last_outliers: BTreeMap<String, Vec<Outlier>> = BTreeMap::new();
    if let Some(l) = &mut last {
        for o in std::mem::take(&mut l.health.outliers) {
            last_outliers.entry(o.person.clone()).or_default().push(o);
        }
    }
    let mut out = DataHealth::default();
    let mut team_cells: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let mut assessed = 0;
    for (id, p) in metrics.people.iter() {
        let kept = last
            .as_mut()
            .filter(|l| !l.changed.contains(id))
            .and_then(|l| l.health.people.remove(id));
        let (logged, eligible) = match kept {
            Some(health) => {
                out.outliers.extend(last_outliers.remove(id).unwrap_or_default());
                out.people.insert(id.clone(), health);
                cells_counted(p)
            }
            None => {
                assessed += 1;
                let (health, counted) = person(data, metrics, id, p, &mut out.outliers);
                out.people.insert(id.clone(), health);
                counted
            }
        };
        let t = team_cells.entry(p.team.as_str()).or_default();
        t.0 += logged;
        t.1 += eligible;
    }
    out.teams = team_cells
        .into_iter()
        .map(|(t, (l, e))| (t.to_string(), (e > 0).then(|| l as f64 / e as f64)))
        .collect();
    (out, assessed)
}

/// A person's logged and eligible cells over all behaviours.
fn cells_counted(p: &crate::metrics::PersonFigures) -> (usize, usize) {
    let cells = p.behaviours.values().flat_map(|b| &b.cells);
    cells.fold((0, 0), |(l, e), c| {
        (
            l + usize::from(matches!(c, Cell::Logged(_))),
            e + usize::from(c.eligible()),
        )
    })
}

/// One person's health, with their outliers added to `outliers`, and
/// their logged and eligible cells.
fn person(
    data: &TeamData,
    metrics: &Metrics,
    id: &String,
    p: &crate::metrics::PersonFigures,
    outliers: &mut Vec<Outlier>,
) -> (PersonHealth, (usize, usize)) {
    let mut health = PersonHealth::default();
    let (mut logged, mut eligible) = (0usize, 0usize);
    // The person's logged weeks, in order: one walk of their part of
    // the logs instead of a lookup (and a copied id) per week.
    let mut entered = data
        .logs
        .range((id.clone(), Week::BEFORE_ALL)..)
        .take_while(|((pid, _), _)| pid == id)
        .map(|((_, w), _)| *w)
        .peekable();
    for (i, w) in metrics.weeks.iter().enumerate() {
        while entered.next_if(|e| e < w).is_some() {}
        let has_entry = entered.next_if_eq(w).is_some();
        let active = p
            .behaviours
            .values()
            .next()
            .is_some_and(|b| b.cells[i] != Cell::Inactive);
        if active && !has_entry {
            health.missing_weeks.push(*w);
        }
    }
    for (bid, b) in &p.behaviours {
        let mut counts: Vec<u32> = Vec::new();
        for c in &b.cells {
            if c.eligible() {
                eligible += 1;
            }
            if let Cell::Logged(n) = c {
                logged += 1;
                counts.push(*n);
            }
        }
        if counts.len() >= MIN_VALUES {
            let usual = median(&mut counts.clone());
            for (i, c) in b.cells.iter().enumerate() {
                if let Cell::Logged(n) = c
                    && is_outlier(*n, usual)
                {
                    outliers.push(Outlier {
                        person: id.clone(),
                        behaviour: bid.clone(),
                        week: metrics.weeks[i],
                        count: *n,
                        usual,
                    });
                }
            }
        }
    }
    health.coverage = (eligible > 0).then(|| logged as f64 / eligible as f64);
    (health, (logged, eligible))
}

/// Warnings for `check`, located at the log line where a source is known.
pub fn findings(health: &DataHealth, data: &TeamData, logs: &[crate::source::SourceFile]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for o in &health.outliers {
        let src = data.sources.get(&(o.person.clone(), o.week));
        let file = src.map_or_else(|| "data/logs".to_string(), |s| s.file.clone());
        let mut d = Diagnostic::warning(
            file,
            format!(
                "outlier: `{}` logged {} × `{}` in {} (usually {})",
                o.person, o.count, o.behaviour, o.week, o.usual
            ),
        )
        .with_hint("check for a typo; if the count is right, leave it");
        if let Some(line) = src.and_then(|s| s.locate(logs, &o.person)) {
            d = d.at_line(line);
        }
        out.push(d);
    }
    for (id, p) in &health.people {
        if !p.missing_weeks.is_empty() {
            let weeks: Vec<String> = p.missing_weeks.iter().map(|w| w.to_string()).collect();
            out.push(
                Diagnostic::warning("data/logs", format!("`{id}` has no entry for {}", weeks.join(", ")))
                    .with_hint("log the week, or `skip` it for leave or sickness; a missing week counts as a miss"),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outliers_need_to_be_far_above_usual() {
        assert!(!is_outlier(12, 4.0));
        assert!(is_outlier(15, 4.0));
        assert!(!is_outlier(2, 0.0), "small numbers never trigger");
        assert!(is_outlier(11, 0.0));
        assert!(!is_outlier(30, 10.0));
        assert!(is_outlier(31, 10.0));
    }

    #[test]
    fn median_of_even_and_odd() {
        assert_eq!(median(&mut [5, 1, 3]), 3.0);
        assert_eq!(median(&mut [4, 1, 3, 2]), 2.5);
    }
}
