//! Reading the fields of one row the way the build would accept them:
//! people and behaviours that exist, dates in the years 2000–2100, weeks
//! that exist. Each reader files what it cannot accept under its cause and
//! value, and returns `None`.

use std::collections::{BTreeSet, HashMap};

use chrono::{Datelike, NaiveDate};

use super::Site;
use super::dates::{self, DateProblem, DateSpec, Numeric};
use super::mapping::{Columns, Field, Mapping};
use super::names::{Found, fold};
use super::problems::{Cause, Problems};
use super::table::{Cell, Row};
use crate::teamdata::{Person, YEARS};
use crate::week::{Month, Week};

/// What the readers share while going through the rows.
pub struct Ctx<'a> {
    pub site: &'a Site,
    pub columns: &'a Columns,
    pub mapping: &'a Mapping,
    pub spec: DateSpec,
    pub problems: Problems,
    /// Values of the date column in day/month order nobody stated.
    ambiguous: Vec<(usize, String, Numeric)>,
    /// Where the format came from, for hints.
    format_source: &'static str,
    managers: BTreeSet<String>,
    /// Values already understood: an export repeats a few names, types and
    /// dates thousands of times, and folding each again is most of the work.
    people_seen: HashMap<String, &'a Person>,
    behaviours_seen: HashMap<String, String>,
    dates_seen: HashMap<String, NaiveDate>,
}

impl<'a> Ctx<'a> {
    /// Files one problem for each of `fields` without a column; whether all have one.
    pub fn require(&mut self, fields: &[Field]) -> bool {
        let mut all = true;
        for &field in fields {
            if self.columns.get(field).is_none() {
                all = false;
                self.problems.file_level(
                    1,
                    &format!("no column for `{}`", field.name()),
                    Some(format!(
                        "columns are: {}; map one with --map COLUMN={}",
                        self.columns.headers.join(", "),
                        field.name()
                    )),
                );
            }
        }
        all
    }

    pub fn new(
        site: &'a Site,
        columns: &'a Columns,
        mapping: &'a Mapping,
        spec: DateSpec,
        problems: Problems,
        format_source: &'static str,
    ) -> Self {
        let managers = site
            .data
            .people
            .iter()
            .filter(|p| site.data.is_manager(p))
            .map(|p| p.id.clone())
            .collect();
        Ctx {
            site,
            columns,
            mapping,
            spec,
            problems,
            ambiguous: Vec::new(),
            format_source,
            managers,
            people_seen: HashMap::new(),
            behaviours_seen: HashMap::new(),
            dates_seen: HashMap::new(),
        }
    }

    pub fn problems_file(&self) -> String {
        self.problems.file().to_string()
    }

    pub fn unit(&self) -> &'static str {
        self.problems.unit()
    }

    pub fn header(&self, f: Field) -> &str {
        self.columns.get(f).map_or("", |c| self.columns.headers[c].as_str())
    }

    pub fn cell<'r>(&self, row: &'r Row, f: Field) -> Option<&'r Cell> {
        self.columns.get(f).map(|c| row.cell(c))
    }

    /// The person (or coach) a row names.
    pub fn person(&mut self, row: &Row, field: Field) -> Option<&'a Person> {
        let value = self.cell(row, field)?.text();
        let what = if field == Field::Coach { "coach" } else { "person" };
        if value.is_empty() {
            self.problems.add(
                Cause::Person,
                &format!("empty {what}"),
                row.line,
                "",
                &format!("the {what} is missing (column `{}`)", self.header(field)),
                Some("every row needs the person it is about".into()),
            );
            return None;
        }
        if let Some(p) = self.people_seen.get(&value) {
            return Some(p);
        }
        let site = self.site;
        match site.people.find(&value) {
            Found::One(id) => {
                let p = site.data.person(id)?;
                self.people_seen.insert(value, p);
                Some(p)
            }
            Found::Many(ids) => {
                let labels: Vec<String> = ids.iter().map(|i| site.people.label(i)).collect();
                self.problems.add(
                    Cause::Person,
                    &format!("many {}", fold(&value)),
                    row.line,
                    &format!("'{value}'"),
                    &format!("names more than one person in data/team.yaml: {}", labels.join(", ")),
                    Some("export e-mail addresses instead, or give each person an alias that only they have".into()),
                );
                None
            }
            Found::None => {
                let allowed = (field == Field::Coach && !self.managers.is_empty()).then_some(&self.managers);
                let near = site.people.suggest(&value, allowed);
                let field_word = if value.contains('@') { "`email`" } else { "`aliases`" };
                let hint = match near {
                    Some(id) => format!(
                        "did you mean {}? Add '{value}' to {field_word} of {id} in data/team.yaml, or map the column",
                        site.people.label(id)
                    ),
                    None if site.people.is_empty() => "data/team.yaml defines no people yet: add them first".into(),
                    None => format!(
                        "add the {what} to data/team.yaml, or add '{value}' to {field_word} of the person it is ({} people are defined)",
                        site.people.len()
                    ),
                };
                let problem = if field == Field::Coach && allowed.is_some() {
                    "is not a person in data/team.yaml (coaches are looked for among the managers)".to_string()
                } else {
                    "is not a person in data/team.yaml".to_string()
                };
                self.problems.add(
                    Cause::Person,
                    &fold(&value),
                    row.line,
                    &format!("'{value}'"),
                    &problem,
                    Some(hint),
                );
                None
            }
        }
    }

    /// The behaviour an export value stands for: through `--map-value` (or
    /// the profile's `values`), else by id, title or alias.
    pub fn behaviour(&mut self, line: usize, value: &str, column: &str) -> Option<String> {
        if let Some(id) = self.behaviours_seen.get(value) {
            return Some(id.clone());
        }
        let found = self.behaviour_unseen(line, value, column)?;
        self.behaviours_seen.insert(value.to_string(), found.clone());
        Some(found)
    }

    fn behaviour_unseen(&mut self, line: usize, value: &str, column: &str) -> Option<String> {
        let site = self.site;
        let (target, via_map) = match self.mapping.values.get(&fold(value)) {
            Some((_, b)) => (b.as_str(), true),
            None => (value, false),
        };
        match site.behaviours.find(target) {
            Found::One(id) => Some(id.to_string()),
            Found::Many(ids) => {
                self.problems.add(
                    Cause::Behaviour,
                    &fold(value),
                    line,
                    &format!("'{value}'"),
                    &format!("names more than one behaviour: {}", ids.join(", ")),
                    Some(format!("map it to one with --map-value \"{value}=ID\"")),
                );
                None
            }
            Found::None if via_map => {
                self.problems.add(
                    Cause::Columns,
                    &format!("value map {}", fold(value)),
                    line,
                    "",
                    &format!("'{value}' is mapped to `{target}`, which is not a behaviour of the site"),
                    Some(behaviour_list(site, target)),
                );
                None
            }
            Found::None => {
                let near = site.behaviours.suggest(value, None);
                let hint = match near {
                    Some(id) => format!(
                        "did you mean {}? Map the value with --map-value \"{value}={id}\", or add it to `aliases` in that behaviour's page",
                        site.behaviours.label(id)
                    ),
                    None => format!(
                        "map the value with --map-value \"{value}=ID\" or add it to `aliases` of a behaviour; {}",
                        behaviour_list(site, value)
                    ),
                };
                self.problems.add(
                    Cause::Behaviour,
                    &fold(value),
                    line,
                    &format!("'{value}'"),
                    &format!("(column `{column}`) is not a behaviour of the site"),
                    Some(hint),
                );
                None
            }
        }
    }

    /// The date of a row, in the years the data accepts.
    pub fn date(&mut self, row: &Row) -> Option<NaiveDate> {
        let cell = self.cell(row, Field::Date)?;
        let text = cell.text();
        if let (Cell::Text(_), Some(d)) = (cell, self.dates_seen.get(&text)) {
            return Some(*d);
        }
        let column = self.header(Field::Date).to_string();
        match dates::parse(cell, &self.spec) {
            Ok(d) if YEARS.contains(&d.year()) => {
                if let Cell::Text(_) = cell {
                    self.dates_seen.insert(text, d);
                }
                Some(d)
            }
            Ok(d) => {
                self.problems.add(
                    Cause::Date,
                    &format!("year {}", d.year()),
                    row.line,
                    &format!("'{text}'"),
                    &format!(
                        "(column `{column}`) is in the year {}: dates must lie in 2000–2100",
                        d.year()
                    ),
                    Some("check the year in the export".into()),
                );
                None
            }
            Err(DateProblem::Ambiguous(n)) => {
                self.ambiguous.push((row.line, text, n));
                None
            }
            Err(DateProblem::NotADate) => {
                let (problem, hint) = if text.is_empty() {
                    (
                        format!("the date is missing (column `{column}`)"),
                        "every row needs its date".to_string(),
                    )
                } else {
                    let expected = match &self.spec {
                        DateSpec::Format(f) => {
                            let source = if self.format_source.is_empty() { String::new() } else { format!(" ({})", self.format_source) };
                            match dates::sample(f) {
                                Some(e) => format!("dates are read as {f}{source}, e.g. {e}"),
                                None => format!("dates are read as {f}{source}"),
                            }
                        }
                        DateSpec::Auto => {
                            "write dates as YYYY-MM-DD, or give their form with --date-format, e.g. --date-format %d-%m-%Y"
                                .to_string()
                        }
                    };
                    (format!("(column `{column}`) is not a date"), expected)
                };
                let subject = if text.is_empty() {
                    String::new()
                } else {
                    format!("'{text}'")
                };
                self.problems.add(
                    Cause::Date,
                    &format!("date {text}"),
                    row.line,
                    &subject,
                    &problem,
                    Some(hint),
                );
                None
            }
        }
    }

    /// The ISO week of a row: its week column, or the week of its date.
    pub fn week(&mut self, row: &Row) -> Option<Week> {
        if let Some(cell) = self.cell(row, Field::Week).filter(|c| !c.is_empty()) {
            // A spreadsheet may have turned the week into a date.
            if let Cell::DateTime(d) = cell {
                return Some(Week::of(d.date())).filter(|w| YEARS.contains(&w.monday().year()));
            }
            let text = cell.text();
            let column = self.header(Field::Week).to_string();
            // The week reader refuses years outside the range itself; the
            // import says so in its own words, grouped with other bad years.
            let year_outside = text
                .trim()
                .split_once("-W")
                .and_then(|(y, _)| y.parse::<i32>().ok())
                .is_some_and(|y| !YEARS.contains(&y));
            return match text.parse::<Week>() {
                Ok(w) => Some(w),
                Err(_) if year_outside => {
                    self.problems.add(
                        Cause::Date,
                        &format!("week {text}"),
                        row.line,
                        &format!("'{text}'"),
                        &format!("(column `{column}`) is not in the years 2000–2100"),
                        Some("check the year in the export".into()),
                    );
                    None
                }
                Err(_) => {
                    self.problems.add(
                        Cause::Date,
                        &format!("week {text}"),
                        row.line,
                        &format!("'{text}'"),
                        &format!("(column `{column}`) is not an ISO week"),
                        Some("write weeks as YYYY-Www, e.g. 2026-W10".into()),
                    );
                    None
                }
            };
        }
        if self.columns.get(Field::Date).is_some() {
            return self.date(row).map(Week::of);
        }
        None
    }

    /// The month of a row: its month column, or the month of its date.
    pub fn month(&mut self, row: &Row) -> Option<Month> {
        if let Some(cell) = self.cell(row, Field::Month).filter(|c| !c.is_empty()) {
            let text = cell.text();
            let month = match cell {
                Cell::DateTime(d) => Some(Month::of(d.date())),
                _ => text
                    .parse::<Month>()
                    .ok()
                    .or_else(|| dates::parse(cell, &self.spec).ok().map(Month::of)),
            };
            return match month {
                Some(m) if YEARS.contains(&m.year) => Some(m),
                _ => {
                    let column = self.header(Field::Month).to_string();
                    self.problems.add(
                        Cause::Date,
                        &format!("month {text}"),
                        row.line,
                        &format!("'{text}'"),
                        &format!("(column `{column}`) is not a month in 2000–2100"),
                        Some("write months as YYYY-MM, e.g. 2026-03".into()),
                    );
                    None
                }
            };
        }
        if self.columns.get(Field::Date).is_some() {
            return self.date(row).map(Month::of);
        }
        None
    }

    /// Whether the person was active in the week, as the build checks it.
    pub fn active(&mut self, line: usize, person: &Person, week: Week) -> bool {
        if person.outside(week) {
            let span = person.span();
            self.problems.add(
                Cause::Active,
                &person.id,
                line,
                &format!("{} ({})", person.id, person.name),
                &format!("is outside their active weeks ({span}), first in {week}"),
                Some(format!(
                    "leave these rows out of the export, or change `start`/`end` of {} in data/team.yaml",
                    person.id
                )),
            );
            return false;
        }
        true
    }

    /// Files the one error for a date column whose day/month order is not
    /// stated: the column, two sample values and the format to give.
    pub fn finish(mut self) -> Problems {
        if let Some((line, _, n)) = self.ambiguous.first().cloned() {
            let column = self.header(Field::Date).to_string();
            let day_first = self.ambiguous.iter().find(|(_, _, n)| n.first > 12);
            let month_first = self.ambiguous.iter().find(|(_, _, n)| n.second > 12);
            let mut samples: Vec<&str> = day_first
                .iter()
                .chain(month_first.iter())
                .map(|(_, t, _)| t.as_str())
                .collect();
            for (_, t, _) in &self.ambiguous {
                if samples.len() >= 2 {
                    break;
                }
                if !samples.contains(&t.as_str()) {
                    samples.push(t);
                }
            }
            let sep = n.separator;
            let us = format!("%m{sep}%d{sep}%Y");
            let eu = format!("%d{sep}%m{sep}%Y");
            let hint = match (day_first, month_first) {
                (Some(_), None) => format!(
                    "'{}' has the day first: --date-format {eu}",
                    day_first.map_or("", |d| d.1.as_str())
                ),
                (None, Some(_)) => format!(
                    "'{}' has the month first (as US exports write it): --date-format {us}",
                    month_first.map_or("", |d| d.1.as_str())
                ),
                _ => format!(
                    "give the order: --date-format {us} (month first, as US exports write it) or --date-format {eu} (day first)"
                ),
            };
            let samples = samples
                .iter()
                .map(|s| format!("'{s}'"))
                .collect::<Vec<_>>()
                .join(" and ");
            let rows = self.ambiguous.len();
            self.problems.add(
                Cause::Columns,
                "ambiguous dates",
                line,
                "",
                &format!(
                    "the dates in column `{column}` ({samples}; {rows} rows) can be read day-first or month-first"
                ),
                Some(hint),
            );
        }
        self.problems
    }
}

fn behaviour_list(site: &Site, near: &str) -> String {
    let ids: Vec<&str> = site.behaviours.ids().collect();
    match crate::diagnostics::nearest(near, ids.iter().copied()) {
        Some(n) => format!("did you mean `{n}`?"),
        None if ids.is_empty() => "the site defines no behaviours yet".into(),
        None if ids.len() <= 12 => format!("behaviours are: {}", ids.join(", ")),
        None => format!("{} behaviours are defined; see behaviours/", ids.len()),
    }
}
