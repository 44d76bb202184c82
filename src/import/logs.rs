//! Activity rows into weekly log files: summed per person, week and
//! behaviour, merged into the week's file that import owns.
//!
//! Two shapes of export are read: one row per activity or count (a
//! behaviour column, an optional count column), and the manager's template
//! (a column per behaviour holding the week's count).

use std::collections::BTreeMap;

use super::mapping::Field;
use super::numbers::{self, Count, MAX_COUNT};
use super::problems::Cause;
use super::rows::Ctx;
use super::table::Row;
use super::{Changes, MARKER, Planned, is_ours};
use crate::diagnostics::Diagnostic;
use crate::teamdata::{Logged, WeekEntry};
use crate::week::Week;

/// A person's week as the import builds it.
#[derive(Debug, Default)]
struct Acc {
    skip_week: bool,
    values: BTreeMap<String, (u64, bool)>,
}

/// Where the behaviours of a row are.
enum Shape {
    Long { behaviour: usize },
    Wide(Vec<(usize, String)>),
}

/// Plans the files; `None` when the columns do not fit (the problem is filed).
pub fn plan(ctx: &mut Ctx, rows: &[&Row], force: bool) -> Option<Changes> {
    let shape = match ctx.columns.get(Field::Behaviour) {
        Some(c) => Shape::Long { behaviour: c },
        None => {
            let wide: Vec<(usize, String)> = ctx
                .columns
                .headers
                .iter()
                .enumerate()
                .filter(|(i, _)| !ctx.columns.of.values().any(|c| c == i))
                .filter_map(|(i, h)| match ctx.site.behaviours.find(h) {
                    super::names::Found::One(id) => Some((i, id.to_string())),
                    _ => None,
                })
                .collect();
            if wide.is_empty() {
                ctx.problems.file_level(
                    1,
                    "no column for `behaviour`, and no column is named after a behaviour",
                    Some(format!(
                        "columns are: {}; map one with --map COLUMN=behaviour",
                        ctx.columns.headers.join(", ")
                    )),
                );
                return None;
            }
            Shape::Wide(wide)
        }
    };
    let mut missing = !ctx.require(&[Field::Person]);
    if ctx.columns.get(Field::Date).is_none() && ctx.columns.get(Field::Week).is_none() {
        missing = true;
        ctx.problems.file_level(
            1,
            "no column for `date` or `week`",
            Some("map one with --map COLUMN=date or --map COLUMN=week (YYYY-Www)".into()),
        );
    }
    if missing {
        return None;
    }

    let mut weeks: BTreeMap<(Week, String), Acc> = BTreeMap::new();
    let mut not_for_role: BTreeMap<(String, String), Vec<usize>> = BTreeMap::new();
    for row in rows {
        // A template row with no counts is a person not logged that week.
        if let Shape::Wide(cols) = &shape
            && cols.iter().all(|(c, _)| row.cell(*c).is_empty())
        {
            continue;
        }
        let person = ctx.person(row, Field::Person);
        let week = ctx.week(row);
        let mut values: Vec<(Option<String>, Count)> = Vec::new();
        match &shape {
            Shape::Long { behaviour } => {
                let text = row.cell(*behaviour).text();
                let count = match ctx.cell(row, Field::Count).map(numbers::count) {
                    None => Ok(Count::Times(1)),
                    Some(c) => c,
                };
                let count = match count {
                    Ok(c) => c,
                    Err(e) => {
                        let value = ctx.cell(row, Field::Count).map(|c| c.text()).unwrap_or_default();
                        ctx.problems
                            .add(Cause::Value, &format!("count {value}"), row.line, "", &e, None);
                        continue;
                    }
                };
                if text.is_empty() {
                    if count == Count::Skip {
                        values.push((None, Count::Skip));
                    } else {
                        let column = ctx.columns.headers[*behaviour].clone();
                        ctx.problems.add(
                            Cause::Behaviour,
                            "empty behaviour",
                            row.line,
                            "",
                            &format!("the behaviour is missing (column `{column}`)"),
                            Some(
                                "write the behaviour, or `skip` in the count column for a week skipped as a whole"
                                    .into(),
                            ),
                        );
                        continue;
                    }
                } else {
                    let column = ctx.columns.headers[*behaviour].clone();
                    match ctx.behaviour(row.line, &text, &column) {
                        Some(id) => values.push((Some(id), count)),
                        None => continue,
                    }
                }
            }
            Shape::Wide(cols) => {
                for (c, id) in cols {
                    let cell = row.cell(*c);
                    if cell.is_empty() {
                        continue;
                    }
                    match numbers::count(cell) {
                        Ok(n) => values.push((Some(id.clone()), n)),
                        Err(e) => {
                            ctx.problems
                                .add(Cause::Value, &format!("count {}", cell.text()), row.line, "", &e, None)
                        }
                    }
                }
            }
        }
        let (Some(person), Some(week)) = (person, week) else {
            continue;
        };
        if !ctx.active(row.line, person, week) {
            continue;
        }
        let acc = weeks.entry((week, person.id.clone())).or_default();
        for (behaviour, count) in values {
            let Some(bid) = behaviour else {
                acc.skip_week = true;
                continue;
            };
            if let Some(rule) = ctx.site.rules.iter().find(|r| r.id == bid)
                && !rule.applies_to(&person.role)
            {
                not_for_role
                    .entry((bid.clone(), person.role.clone()))
                    .or_default()
                    .push(row.line);
                continue;
            }
            let slot = acc.values.entry(bid.clone()).or_insert((0, false));
            match count {
                Count::Skip => slot.1 = true,
                Count::Times(n) => match slot.0.checked_add(n).filter(|t| *t <= MAX_COUNT) {
                    Some(t) => slot.0 = t,
                    None => ctx.problems.add(
                        Cause::Total,
                        &format!("{} {week} {bid}", person.id),
                        row.line,
                        "",
                        &format!(
                            "the counts of {bid} for {} in {week} add up to more than {MAX_COUNT}",
                            person.id
                        ),
                        Some("check the count column: one week cannot hold that many".into()),
                    ),
                },
            }
        }
    }

    let mut changes = Changes::new("entries");
    for ((bid, role), lines) in not_for_role {
        changes.warnings.push(
            Diagnostic::warning(
                ctx.problems_file(),
                format!(
                    "{bid} does not apply to role {role}: {} left out, as the build would",
                    super::problems::spans(&lines, ctx.unit())
                ),
            )
            .at_line(lines[0])
            .with_hint("set `roles` of the behaviour if it should count for them"),
        );
    }
    // Per week file: what is there, what the import adds or replaces.
    let mut by_file: BTreeMap<String, Vec<(Week, String, WeekEntry)>> = BTreeMap::new();
    for ((week, pid), acc) in weeks {
        let entry = if acc.skip_week && acc.values.is_empty() {
            WeekEntry::Skip
        } else {
            WeekEntry::Values(
                acc.values
                    .into_iter()
                    .map(|(b, (n, skip))| {
                        // Activity beats a stray `skip` row: the person did it.
                        let v = if skip && n == 0 {
                            Logged::Skip
                        } else {
                            Logged::Count(n as u32)
                        };
                        (b, v)
                    })
                    .collect(),
            )
        };
        by_file.entry(path_of(week)).or_default().push((week, pid, entry));
    }
    let site = ctx.site;
    for (rel, imported) in by_file {
        let existing = site.sources.logs.iter().find(|f| f.rel == rel);
        let ours = existing.is_none_or(|f| is_ours(&f.text));
        // The file's present entries, kept unless replaced.
        let mut entries: BTreeMap<(Week, String), WeekEntry> = BTreeMap::new();
        if ours {
            for (key, source) in &site.data.sources {
                if source.file == rel
                    && let Some(e) = site.data.logs.get(key)
                {
                    entries.insert((key.1, key.0.clone()), e.clone());
                }
            }
        }
        let mut touched = false;
        for (week, pid, entry) in imported {
            match site.data.sources.get(&(pid.clone(), week)) {
                Some(src) if src.file == rel && ours => {
                    if force {
                        changes.replaced += 1;
                        entries.insert((week, pid), entry);
                        touched = true;
                    } else {
                        changes.skipped.push(format!("{pid} in {week}"));
                    }
                }
                Some(src) => changes.elsewhere.push(format!("{pid} in {week} (in {})", src.file)),
                None if !ours => changes
                    .elsewhere
                    .push(format!("{pid} in {week} ({rel} was not written by import)")),
                None => {
                    changes.new += 1;
                    entries.insert((week, pid), entry);
                    touched = true;
                }
            }
        }
        if touched {
            changes.files.push(Planned {
                existed: existing.is_some(),
                text: yaml_for(&entries),
                rel,
            });
        }
    }
    Some(changes)
}

fn path_of(week: Week) -> String {
    let w = week.to_string();
    format!("data/logs/{}/{w}.yaml", &w[..4])
}

/// One YAML document per week, people and behaviours in id order.
fn yaml_for(entries: &BTreeMap<(Week, String), WeekEntry>) -> String {
    let mut out = format!("{MARKER}\n");
    let mut current: Option<Week> = None;
    for ((week, pid), entry) in entries {
        if current != Some(*week) {
            if current.is_some() {
                out.push_str("---\n");
            }
            out.push_str(&format!("week: {week}\nentries:\n"));
            current = Some(*week);
        }
        match entry {
            WeekEntry::Skip => out.push_str(&format!("  {pid}: skip\n")),
            WeekEntry::Values(v) if v.is_empty() => out.push_str(&format!("  {pid}: {{}}\n")),
            WeekEntry::Values(v) => {
                out.push_str(&format!("  {pid}:\n"));
                for (b, value) in v {
                    match value {
                        Logged::Count(n) => out.push_str(&format!("    {b}: {n}\n")),
                        Logged::Skip => out.push_str(&format!("    {b}: skip\n")),
                    }
                }
            }
        }
    }
    out
}
