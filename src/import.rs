//! `ritme import csv`: a CRM export becomes weekly YAML log files.
//!
//! The export has one row per activity or per count (person, date or week,
//! behaviour, optional count). Rows are summed per person, week and
//! behaviour. Unknown people and behaviours are reported with the row and
//! a suggestion; nothing is written unless every row is understood. A week
//! that already has a log file is never overwritten without `--force`.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};

use crate::diagnostics::{Diagnostic, unknown_id_hint};

/// The fields a CSV column can be mapped to.
pub const FIELDS: &[&str] = &["person", "date", "week", "behaviour", "count"];

/// What an import would write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// (path relative to the site, YAML text) per week to write.
    pub files: Vec<(String, String)>,
    /// Weeks left alone because they are logged already (and not forced).
    pub skipped: Vec<String>,
    pub rows: usize,
}

/// What the site already holds, for validation.
pub struct Known<'a> {
    pub people: Vec<&'a str>,
    pub behaviours: Vec<&'a str>,
    /// (person, week) → the log file that has it.
    pub logged: BTreeMap<(String, String), String>,
}

/// Parses `--map column=field` options.
pub fn parse_mapping(maps: &[String]) -> Result<BTreeMap<String, String>, Diagnostic> {
    let mut out = BTreeMap::new();
    for m in maps {
        let Some((column, field)) = m.split_once('=') else {
            return Err(
                Diagnostic::error("--map", format!("`{m}` is not of the form column=field"))
                    .with_hint("e.g. --map Medewerker=person --map Activiteit=behaviour"),
            );
        };
        let field = field.trim().to_lowercase();
        if !FIELDS.contains(&field.as_str()) {
            return Err(Diagnostic::error("--map", format!("unknown field `{field}`"))
                .with_hint(format!("fields are {}", FIELDS.join(", "))));
        }
        out.insert(field, column.trim().to_string());
    }
    Ok(out)
}

/// Plans the import of `csv_text` (the file `csv_name`).
pub fn plan(
    csv_text: &str,
    csv_name: &str,
    mapping: &BTreeMap<String, String>,
    known: &Known,
    force: bool,
) -> Result<Plan, Vec<Diagnostic>> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(csv_text.as_bytes());
    let headers = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            return Err(vec![
                Diagnostic::error(csv_name, format!("cannot read the CSV header: {e}")).at_line(1),
            ]);
        }
    };
    let column = |field: &str| -> Option<usize> {
        let name = mapping.get(field).map(String::as_str).unwrap_or(field);
        headers.iter().position(|h| h.eq_ignore_ascii_case(name))
    };
    let mut errors = Vec::new();
    let (person_col, behaviour_col) = (column("person"), column("behaviour"));
    let (date_col, week_col, count_col) = (column("date"), column("week"), column("count"));
    for (field, col) in [("person", person_col), ("behaviour", behaviour_col)] {
        if col.is_none() {
            errors.push(
                Diagnostic::error(csv_name, format!("no column for `{field}`"))
                    .at_line(1)
                    .with_hint(format!(
                        "columns are: {}; map one with --map COLUMN={field}",
                        headers.iter().collect::<Vec<_>>().join(", ")
                    )),
            );
        }
    }
    if date_col.is_none() && week_col.is_none() {
        errors.push(
            Diagnostic::error(csv_name, "no column for `date` or `week`")
                .at_line(1)
                .with_hint("map one with --map COLUMN=date (YYYY-MM-DD) or --map COLUMN=week (YYYY-Www)"),
        );
    }
    if !errors.is_empty() {
        return Err(errors);
    }

    let mut totals: BTreeMap<String, BTreeMap<String, BTreeMap<String, u64>>> = BTreeMap::new();
    let mut rows = 0;
    for (i, record) in reader.records().enumerate() {
        let line = record
            .as_ref()
            .ok()
            .and_then(|r| r.position())
            .map_or(i + 2, |p| p.line() as usize);
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                errors.push(Diagnostic::error(csv_name, format!("unreadable row: {e}")).at_line(line));
                continue;
            }
        };
        if record.iter().all(str::is_empty) {
            continue;
        }
        rows += 1;
        let get = |col: Option<usize>| col.and_then(|c| record.get(c)).unwrap_or("");
        let person = get(person_col);
        let behaviour = get(behaviour_col);
        if !known.people.contains(&person) {
            errors.push(
                Diagnostic::error(csv_name, format!("unknown person `{person}`"))
                    .at_line(line)
                    .with_hint(unknown_id_hint(person, known.people.iter().copied())),
            );
        }
        if !known.behaviours.contains(&behaviour) {
            errors.push(
                Diagnostic::error(csv_name, format!("unknown behaviour `{behaviour}`"))
                    .at_line(line)
                    .with_hint(unknown_id_hint(behaviour, known.behaviours.iter().copied())),
            );
        }
        let week = match (week_col.map(|_| get(week_col)), date_col.map(|_| get(date_col))) {
            (Some(w), _) if !w.is_empty() => valid_week(w),
            (_, Some(d)) => NaiveDate::parse_from_str(d, "%Y-%m-%d").ok().map(iso_week),
            _ => None,
        };
        let Some(week) = week else {
            errors.push(
                Diagnostic::error(csv_name, "missing or invalid date/week")
                    .at_line(line)
                    .with_hint("dates are YYYY-MM-DD, weeks YYYY-Www (ISO weeks)"),
            );
            continue;
        };
        let count = match count_col.map(|_| get(count_col)) {
            None | Some("") => 1,
            Some(c) => match c.parse::<u64>() {
                Ok(n) => n,
                Err(_) => {
                    errors.push(
                        Diagnostic::error(csv_name, format!("count `{c}` is not a whole number of 0 or more"))
                            .at_line(line),
                    );
                    continue;
                }
            },
        };
        *totals
            .entry(week)
            .or_default()
            .entry(person.to_string())
            .or_default()
            .entry(behaviour.to_string())
            .or_insert(0) += count;
    }

    let mut plan = Plan {
        files: Vec::new(),
        skipped: Vec::new(),
        rows,
    };
    for (week, people) in &totals {
        let path = format!("data/logs/{}/{week}.yaml", &week[..4]);
        let clashes: Vec<(&String, &String)> = people
            .keys()
            .filter_map(|p| known.logged.get(&(p.clone(), week.clone())).map(|file| (p, file)))
            .collect();
        if let Some((_, file)) = clashes.first() {
            let own_file = clashes.iter().all(|(_, f)| **f == path);
            if !(force && own_file) {
                if !own_file {
                    errors.push(
                        Diagnostic::error(
                            csv_name,
                            format!(
                                "{week} is already logged for {} in {file}",
                                clashes.iter().map(|(p, _)| p.as_str()).collect::<Vec<_>>().join(", ")
                            ),
                        )
                        .with_hint("remove those entries from that file first; import never edits other log files"),
                    );
                } else {
                    plan.skipped.push(week.clone());
                }
                continue;
            }
        }
        plan.files.push((path, yaml_for_week(week, people)));
    }
    if errors.is_empty() { Ok(plan) } else { Err(errors) }
}

fn valid_week(w: &str) -> Option<String> {
    let (y, n) = w.split_once("-W")?;
    let (y, n): (i32, u32) = (y.parse().ok()?, n.parse().ok()?);
    NaiveDate::from_isoywd_opt(y, n, chrono::Weekday::Mon).map(iso_week)
}

fn iso_week(d: NaiveDate) -> String {
    let w = d.iso_week();
    format!("{}-W{:02}", w.year(), w.week())
}

fn yaml_for_week(week: &str, people: &BTreeMap<String, BTreeMap<String, u64>>) -> String {
    let mut out = format!("# Imported by `ritme import csv`.\nweek: {week}\nentries:\n");
    for (person, behaviours) in people {
        out.push_str(&format!("  {person}:\n"));
        for (b, n) in behaviours {
            out.push_str(&format!("    {b}: {n}\n"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known() -> Known<'static> {
        Known {
            people: vec!["bram", "carla"],
            behaviours: vec!["bellen", "luisteren"],
            logged: BTreeMap::new(),
        }
    }

    #[test]
    fn rows_are_summed_per_week_person_and_behaviour() {
        let csv = "Medewerker,Datum,Activiteit,Aantal\nbram,2026-03-02,bellen,2\nbram,2026-03-04,bellen,1\ncarla,2026-03-05,luisteren,\nbram,2026-03-09,bellen,4\n";
        let map = parse_mapping(&[
            "Medewerker=person".into(),
            "Datum=date".into(),
            "Activiteit=behaviour".into(),
            "Aantal=count".into(),
        ])
        .unwrap();
        let plan = plan(csv, "crm.csv", &map, &known(), false).unwrap();
        assert_eq!(plan.rows, 4);
        assert_eq!(plan.files.len(), 2);
        assert_eq!(plan.files[0].0, "data/logs/2026/2026-W10.yaml");
        assert_eq!(
            plan.files[0].1,
            "# Imported by `ritme import csv`.\nweek: 2026-W10\nentries:\n  bram:\n    bellen: 3\n  carla:\n    luisteren: 1\n"
        );
    }

    #[test]
    fn unknown_ids_are_reported_with_row_and_suggestion() {
        let csv = "person,week,behaviour\nbrm,2026-W10,bellen\nbram,2026-W10,belen\nbram,2026-W54,bellen\n";
        let errs = plan(csv, "crm.csv", &BTreeMap::new(), &known(), false).unwrap_err();
        assert_eq!(errs.len(), 3, "{errs:#?}");
        assert_eq!(
            (errs[0].line, errs[0].hint.as_deref()),
            (Some(2), Some("did you mean `bram`?"))
        );
        assert_eq!(
            (errs[1].line, errs[1].hint.as_deref()),
            (Some(3), Some("did you mean `bellen`?"))
        );
        assert_eq!(errs[2].line, Some(4));
    }

    #[test]
    fn logged_weeks_are_not_overwritten_without_force() {
        let mut k = known();
        k.logged.insert(
            ("bram".into(), "2026-W10".into()),
            "data/logs/2026/2026-W10.yaml".into(),
        );
        let csv = "person,week,behaviour\nbram,2026-W10,bellen\n";
        let p = plan(csv, "x.csv", &BTreeMap::new(), &k, false).unwrap();
        assert!(p.files.is_empty());
        assert_eq!(p.skipped, ["2026-W10"]);
        let p = plan(csv, "x.csv", &BTreeMap::new(), &k, true).unwrap();
        assert_eq!(p.files.len(), 1);
        // A week logged in another file is never touched, forced or not.
        k.logged
            .insert(("bram".into(), "2026-W10".into()), "data/logs/hand.yaml".into());
        assert!(plan(csv, "x.csv", &BTreeMap::new(), &k, true).is_err());
    }

    #[test]
    fn missing_columns_are_named() {
        let errs = plan("naam,x\n", "x.csv", &BTreeMap::new(), &known(), false).unwrap_err();
        assert_eq!(errs.len(), 3);
    }
}
