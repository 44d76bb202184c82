//! Won and lost deals (an opportunity report) into `data/outcomes.yaml`,
//! summed per person and month.
//!
//! Two shapes: a row per opportunity with its stage (`Closed Won`,
//! `Closed Lost`; open stages are left out and counted) and its amount
//! (revenue counts for won deals), or a row per person and month with
//! `won`, `lost` and `revenue` columns.

use std::collections::BTreeMap;

use super::mapping::Field;
use super::names::fold;
use super::numbers;
use super::problems::Cause;
use super::rows::Ctx;
use super::table::Row;
use super::{Changes, MARKER, Planned};
use crate::diagnostics::Diagnostic;
use crate::teamdata::Outcome;
use crate::week::Month;

#[derive(Debug, Default, Clone, Copy)]
struct Acc {
    won: u64,
    lost: u64,
    revenue: Option<f64>,
}

/// Won or lost, from a stage or status word.
fn result_of(value: &str) -> Option<bool> {
    let v = fold(value);
    let has = |words: &[&str]| {
        words
            .iter()
            .any(|w| v.split(|c: char| !c.is_alphanumeric()).any(|p| p == *w))
    };
    if has(&["won", "win", "gewonnen", "gewonnen", "wins"]) {
        Some(true)
    } else if has(&["lost", "loss", "verloren", "lose"]) {
        Some(false)
    } else {
        None
    }
}

/// Plans the files; `None` when the columns do not fit (the problem is filed).
pub fn plan(ctx: &mut Ctx, rows: &[&Row], force: bool) -> Option<Changes> {
    let by_stage = ctx.columns.get(Field::Outcome).is_some();
    let mut missing = Vec::new();
    if ctx.columns.get(Field::Person).is_none() {
        missing.push("person");
    }
    if ctx.columns.get(Field::Month).is_none() && ctx.columns.get(Field::Date).is_none() {
        missing.push("month` or `date");
    }
    if !by_stage && ctx.columns.get(Field::Won).is_none() && ctx.columns.get(Field::Lost).is_none() {
        missing.push("outcome` (a stage such as Closed Won) or `won`/`lost");
    }
    for m in &missing {
        ctx.problems.file_level(
            1,
            &format!("no column for `{m}`"),
            Some(format!(
                "columns are: {}; map one with --map COLUMN=FIELD",
                ctx.columns.headers.join(", ")
            )),
        );
    }
    if !missing.is_empty() {
        return None;
    }
    let mut months: BTreeMap<(Month, String), Acc> = BTreeMap::new();
    let mut open = Vec::new();
    for row in rows {
        let person = ctx.person(row, Field::Person);
        let month = ctx.month(row);
        let revenue = match ctx.cell(row, Field::Revenue).filter(|c| !c.is_empty()) {
            None => Ok(None),
            Some(cell) => match cell {
                super::table::Cell::Number(n) => Ok(Some(*n)),
                _ => numbers::amount(&cell.text()).map(Some).ok_or_else(|| cell.text()),
            },
        };
        let revenue = match revenue {
            Ok(r) => r,
            Err(text) => {
                ctx.problems.add(
                    Cause::Value,
                    &format!("revenue {text}"),
                    row.line,
                    &format!("'{text}'"),
                    &format!("(column `{}`) is not an amount", ctx.header(Field::Revenue)),
                    Some("write amounts as numbers, e.g. 45000 or 45,000.00".into()),
                );
                continue;
            }
        };
        let (won, lost, revenue) = if by_stage {
            let stage = ctx.cell(row, Field::Outcome).map(|c| c.text()).unwrap_or_default();
            match result_of(&stage) {
                Some(true) => (1, 0, revenue),
                Some(false) => (0, 1, None),
                None => {
                    open.push(row.line);
                    continue;
                }
            }
        } else {
            let mut deals = |f: Field, what: &str| match ctx.cell(row, f) {
                None => Some(0),
                Some(c) if c.is_empty() => Some(0),
                Some(c) => match numbers::deals(c, what) {
                    Ok(n) => Some(u64::from(n)),
                    Err(e) => {
                        ctx.problems
                            .add(Cause::Value, &format!("{what} {}", c.text()), row.line, "", &e, None);
                        None
                    }
                },
            };
            let (Some(won), Some(lost)) = (deals(Field::Won, "won"), deals(Field::Lost, "lost")) else {
                continue;
            };
            (won, lost, revenue)
        };
        let (Some(person), Some(month)) = (person, month) else {
            continue;
        };
        let acc = months.entry((month, person.id.clone())).or_default();
        acc.won += won;
        acc.lost += lost;
        if let Some(r) = revenue {
            acc.revenue = Some(acc.revenue.unwrap_or(0.0) + r);
        }
        if acc.won > u64::from(u32::MAX) || acc.lost > u64::from(u32::MAX) {
            ctx.problems.add(
                Cause::Total,
                &format!("{month} {}", person.id),
                row.line,
                "",
                &format!("the deals of {} in {month} add up to more than {}", person.id, u32::MAX),
                None,
            );
        }
    }

    let site = ctx.site;
    let mut changes = Changes::new("outcomes");
    if !open.is_empty() {
        changes.warnings.push(
            Diagnostic::warning(
                ctx.problems_file(),
                format!(
                    "{} rows are neither won nor lost ({}): left out",
                    open.len(),
                    super::problems::spans(&open, ctx.unit())
                ),
            )
            .at_line(open[0])
            .with_hint("only closed deals are outcomes; stages with Won or Lost in them are counted"),
        );
    }
    let mut all: BTreeMap<Month, BTreeMap<String, Outcome>> = site.data.outcomes.clone();
    let mut touched = false;
    for ((month, pid), acc) in months {
        let outcome = Outcome {
            won: acc.won.min(u64::from(u32::MAX)) as u32,
            lost: acc.lost.min(u64::from(u32::MAX)) as u32,
            revenue: acc.revenue.map(|r| (r * 100.0).round() / 100.0),
        };
        match all.entry(month).or_default().entry(pid) {
            std::collections::btree_map::Entry::Occupied(mut e) => {
                if force {
                    changes.replaced += 1;
                    e.insert(outcome);
                    touched = true;
                } else {
                    changes.skipped.push(format!("{} in {month}", e.key()));
                }
            }
            std::collections::btree_map::Entry::Vacant(e) => {
                changes.new += 1;
                e.insert(outcome);
                touched = true;
            }
        }
    }
    if touched {
        changes.files.push(Planned {
            rel: "data/outcomes.yaml".into(),
            existed: site.sources.outcomes.is_some(),
            text: yaml_for(&all),
        });
    }
    Some(changes)
}

fn yaml_for(all: &BTreeMap<Month, BTreeMap<String, Outcome>>) -> String {
    let mut out = format!("{MARKER}\nmonths:\n");
    for (month, people) in all {
        if people.is_empty() {
            continue;
        }
        out.push_str(&format!("  \"{month}\":\n"));
        for (pid, o) in people {
            out.push_str(&format!("    {pid}: {{ won: {}, lost: {}", o.won, o.lost));
            if let Some(r) = o.revenue {
                out.push_str(&format!(", revenue: {}", numbers::show(r)));
            }
            out.push_str(" }\n");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_read_as_won_lost_or_open() {
        assert_eq!(result_of("Closed Won"), Some(true));
        assert_eq!(result_of("Closed - Lost"), Some(false));
        assert_eq!(result_of("Gewonnen"), Some(true));
        assert_eq!(result_of("Negotiation/Review"), None);
    }
}
