//! Which column holds which field, and which export values mean which
//! behaviour: from `--map`, `--map-value`, a saved profile in `ritme.yaml`,
//! or the column headers themselves.

use std::collections::BTreeMap;

use super::names::fold;
use crate::config::ImportProfile;
use crate::diagnostics::Diagnostic;

/// What an export holds, and so what it is written into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Activities or counts per person: weekly log files.
    Logs,
    /// Coaching conversations: `data/coaching/`.
    Coaching,
    /// Deals won and lost: `data/outcomes.yaml`.
    Outcomes,
}

impl Kind {
    pub fn parse(s: &str) -> Option<Kind> {
        match s.trim().to_lowercase().as_str() {
            "logs" | "log" | "activities" => Some(Kind::Logs),
            "coaching" | "sessions" => Some(Kind::Coaching),
            "outcomes" | "outcome" | "deals" | "opportunities" => Some(Kind::Outcomes),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Kind::Logs => "logs",
            Kind::Coaching => "coaching",
            Kind::Outcomes => "outcomes",
        }
    }

    /// The fields a column can be mapped to for this kind.
    pub fn fields(self) -> &'static [Field] {
        use Field::*;
        match self {
            Kind::Logs => &[Person, Date, Week, Behaviour, Count],
            Kind::Coaching => &[Coach, Person, Date, Minutes, Behaviours, Commitment],
            Kind::Outcomes => &[Person, Date, Month, Won, Lost, Revenue, Outcome],
        }
    }
}

/// A field of ritme's data that a column can fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Field {
    Person,
    Date,
    Week,
    Month,
    Behaviour,
    Count,
    Coach,
    Minutes,
    Behaviours,
    Commitment,
    Won,
    Lost,
    Revenue,
    /// Won or lost, as a stage or status word (`Closed Won`).
    Outcome,
}

pub const ALL_FIELDS: &[Field] = &[
    Field::Person,
    Field::Date,
    Field::Week,
    Field::Month,
    Field::Behaviour,
    Field::Count,
    Field::Coach,
    Field::Minutes,
    Field::Behaviours,
    Field::Commitment,
    Field::Won,
    Field::Lost,
    Field::Revenue,
    Field::Outcome,
];

impl Field {
    pub fn name(self) -> &'static str {
        match self {
            Field::Person => "person",
            Field::Date => "date",
            Field::Week => "week",
            Field::Month => "month",
            Field::Behaviour => "behaviour",
            Field::Count => "count",
            Field::Coach => "coach",
            Field::Minutes => "minutes",
            Field::Behaviours => "behaviours",
            Field::Commitment => "commitment",
            Field::Won => "won",
            Field::Lost => "lost",
            Field::Revenue => "revenue",
            Field::Outcome => "outcome",
        }
    }

    pub fn parse(s: &str) -> Option<Field> {
        let s = s.trim().to_lowercase();
        let s = match s.as_str() {
            "behavior" => "behaviour",
            "behaviors" => "behaviours",
            "amount" => "revenue",
            "stage" | "status" => "outcome",
            other => other,
        };
        ALL_FIELDS.iter().copied().find(|f| f.name() == s)
    }

    /// Column headers taken for the field when no `--map` names one
    /// (compared folded: case and accents do not matter).
    fn headers(self) -> &'static [&'static str] {
        match self {
            Field::Person => &[
                "person",
                "persoon",
                "medewerker",
                "assigned",
                "assigned to",
                "activity owner",
                "opportunity owner",
                "owner",
                "rep",
                "verkoper",
            ],
            Field::Date => &[
                "date",
                "datum",
                "activity date",
                "due date",
                "close date",
                "closed date",
            ],
            Field::Week => &["week"],
            Field::Month => &["month", "maand"],
            Field::Behaviour => &["behaviour", "behavior", "gedrag", "activiteit", "activity type"],
            Field::Count => &["count", "aantal", "times", "keer"],
            Field::Coach => &["coach"],
            Field::Minutes => &["minutes", "minuten", "duration", "duur"],
            Field::Behaviours => &["behaviours", "behaviors", "gedragingen"],
            Field::Commitment => &["commitment", "afspraak", "next step"],
            Field::Won => &["won", "gewonnen"],
            Field::Lost => &["lost", "verloren"],
            Field::Revenue => &["revenue", "omzet", "amount", "bedrag"],
            Field::Outcome => &["outcome", "stage", "status", "resultaat"],
        }
    }
}

/// `--map` and `--map-value` options, and the profile they add to.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Mapping {
    /// Field → column header, as given.
    pub columns: BTreeMap<Field, String>,
    /// Folded export value → behaviour (id or name), as given.
    pub values: BTreeMap<String, (String, String)>,
    pub date_format: Option<String>,
    pub kind: Option<Kind>,
    pub sheet: Option<String>,
}

fn field_error(source: &str, field: &str) -> Diagnostic {
    let names: Vec<&str> = ALL_FIELDS.iter().map(|f| f.name()).collect();
    let hint = match crate::diagnostics::nearest(field, names.iter().copied()) {
        Some(n) => format!("did you mean `{n}`? Fields are {}", names.join(", ")),
        None => format!("fields are {}", names.join(", ")),
    };
    Diagnostic::error(source, format!("`{field}` is not a field ritme can import")).with_hint(hint)
}

impl Mapping {
    /// The mapping of a saved profile.
    pub fn from_profile(name: &str, p: &ImportProfile) -> Result<Mapping, Vec<Diagnostic>> {
        let source = crate::config::FILE;
        let mut out = Mapping {
            date_format: p.date_format.clone(),
            sheet: p.sheet.clone(),
            ..Mapping::default()
        };
        let mut errors = Vec::new();
        if let Some(k) = &p.kind {
            match Kind::parse(k) {
                Some(k) => out.kind = Some(k),
                None => errors.push(
                    Diagnostic::error(
                        source,
                        format!("import profile `{name}`: `{k}` is not a kind of export"),
                    )
                    .with_hint("kinds are logs, coaching and outcomes"),
                ),
            }
        }
        for (column, field) in &p.columns {
            match Field::parse(field) {
                Some(f) => {
                    out.columns.insert(f, column.clone());
                }
                None => errors.push(field_error(source, field)),
            }
        }
        for (value, behaviour) in &p.values {
            out.values.insert(fold(value), (value.clone(), behaviour.clone()));
        }
        if errors.is_empty() { Ok(out) } else { Err(errors) }
    }

    /// Adds command-line options on top (they win over the profile).
    pub fn with_options(mut self, maps: &[String], values: &[String]) -> Result<Mapping, Vec<Diagnostic>> {
        let mut errors = Vec::new();
        for m in maps {
            let Some((column, field)) = m.rsplit_once('=') else {
                errors.push(
                    Diagnostic::error("--map", format!("`{m}` is not of the form COLUMN=FIELD"))
                        .with_hint("e.g. --map Assigned=person --map \"Activity Date\"=date --map Subject=behaviour"),
                );
                continue;
            };
            match Field::parse(field) {
                Some(f) => {
                    self.columns.insert(f, column.trim().to_string());
                }
                None => errors.push(field_error("--map", field.trim())),
            }
        }
        for v in values {
            let Some((value, behaviour)) = v.rsplit_once('=') else {
                errors.push(
                    Diagnostic::error("--map-value", format!("`{v}` is not of the form VALUE=BEHAVIOUR"))
                        .with_hint("e.g. --map-value Call=tijdig-opvolgen"),
                );
                continue;
            };
            self.values
                .insert(fold(value), (value.trim().to_string(), behaviour.trim().to_string()));
        }
        if errors.is_empty() { Ok(self) } else { Err(errors) }
    }
}

/// The columns found for each field of a table's header.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Columns {
    pub of: BTreeMap<Field, usize>,
    pub headers: Vec<String>,
}

impl Columns {
    pub fn get(&self, f: Field) -> Option<usize> {
        self.of.get(&f).copied()
    }

    /// `person ← Assigned, date ← Date`: what was read from where.
    pub fn describe(&self) -> String {
        self.of
            .iter()
            .map(|(f, c)| format!("{} ← {}", f.name(), self.headers[*c]))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Resolves the mapping against a header row. Mapped columns that the
/// header lacks are errors (with the columns it has); unmapped fields take
/// a column whose header is a usual name for them.
pub fn resolve(header: &[String], mapping: &Mapping, kind: Kind) -> Result<Columns, String> {
    let folded: Vec<String> = header.iter().map(|h| fold(h)).collect();
    let mut of = BTreeMap::new();
    let mut missing = Vec::new();
    for (field, column) in &mapping.columns {
        match folded.iter().position(|h| *h == fold(column)) {
            Some(i) => {
                of.insert(*field, i);
            }
            None => missing.push(format!("`{column}` (mapped to {})", field.name())),
        }
    }
    if !missing.is_empty() {
        return Err(format!("the header has no column {}", missing.join(" or ")));
    }
    // A date named outright is the row's time: a stray `Week` or `Month`
    // column of the report must not override it (nor a date a named week).
    let named = |f: Field| mapping.columns.contains_key(&f);
    let stated_time = named(Field::Date) || named(Field::Week) || named(Field::Month);
    for field in kind.fields() {
        if of.contains_key(field) || (stated_time && matches!(field, Field::Date | Field::Week | Field::Month)) {
            continue;
        }
        let taken: Vec<usize> = of.values().copied().collect();
        if let Some(i) = field
            .headers()
            .iter()
            .find_map(|name| folded.iter().position(|h| h == name).filter(|i| !taken.contains(i)))
        {
            of.insert(*field, i);
        }
    }
    Ok(Columns {
        of,
        headers: header.to_vec(),
    })
}

/// The kind an export is, from the fields its columns fill.
pub fn infer_kind(header: &[String], mapping: &Mapping) -> Kind {
    if let Some(k) = mapping.kind {
        return k;
    }
    let has = |f: Field| {
        mapping.columns.contains_key(&f) || {
            let folded: Vec<String> = header.iter().map(|h| fold(h)).collect();
            f.headers().iter().any(|n| folded.iter().any(|h| h == n))
        }
    };
    if has(Field::Coach) || mapping.columns.contains_key(&Field::Minutes) {
        Kind::Coaching
    } else if [Field::Won, Field::Lost, Field::Outcome, Field::Revenue]
        .iter()
        .any(|f| mapping.columns.contains_key(f))
        || (has(Field::Won) && has(Field::Lost))
        // An opportunity report: a stage and an amount, no activity.
        // (`Status` alone is not enough: activity reports have one too.)
        || (!has(Field::Behaviour) && {
            let folded: Vec<String> = header.iter().map(|h| fold(h)).collect();
            folded.iter().any(|h| h == "stage") && folded.iter().any(|h| h == "amount" || h == "revenue")
        })
    {
        Kind::Outcomes
    } else {
        Kind::Logs
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(cols: &[&str]) -> Vec<String> {
        cols.iter().map(|c| c.to_string()).collect()
    }

    #[test]
    fn maps_win_and_usual_headers_fill_in() {
        let m = Mapping::default()
            .with_options(&["Onderwerp=behaviour".into()], &["Call=bellen".into()])
            .unwrap();
        let c = resolve(&h(&["Assigned", "Datum", "ONDERWERP", "Type"]), &m, Kind::Logs).unwrap();
        assert_eq!(c.get(Field::Person), Some(0));
        assert_eq!(c.get(Field::Date), Some(1));
        assert_eq!(c.get(Field::Behaviour), Some(2));
        assert_eq!(c.describe(), "person ← Assigned, date ← Datum, behaviour ← ONDERWERP");
        assert_eq!(m.values["call"].1, "bellen");
    }

    #[test]
    fn a_named_date_is_not_overridden_by_a_week_column() {
        let m = Mapping::default().with_options(&["Due=date".into()], &[]).unwrap();
        let c = resolve(&h(&["Assigned", "Due", "Week", "Subject"]), &m, Kind::Logs).unwrap();
        assert_eq!(c.get(Field::Date), Some(1));
        assert_eq!(c.get(Field::Week), None);
    }

    #[test]
    fn a_mapped_column_that_is_not_there_is_named() {
        let m = Mapping::default().with_options(&["Owner=person".into()], &[]).unwrap();
        let e = resolve(&h(&["Assigned", "Date"]), &m, Kind::Logs).unwrap_err();
        assert_eq!(e, "the header has no column `Owner` (mapped to person)");
    }

    #[test]
    fn bad_options_say_the_form() {
        let e = Mapping::default()
            .with_options(&["Owner".into(), "A=persn".into()], &[])
            .unwrap_err();
        assert_eq!(e.len(), 2);
        assert_eq!(
            e[1].hint.as_deref().map(|h| h.starts_with("did you mean `person`?")),
            Some(true)
        );
    }

    #[test]
    fn kinds_follow_the_columns() {
        let m = Mapping::default();
        assert_eq!(
            infer_kind(&h(&["coach", "person", "date", "minutes"]), &m),
            Kind::Coaching
        );
        assert_eq!(infer_kind(&h(&["person", "month", "won", "lost"]), &m), Kind::Outcomes);
        assert_eq!(infer_kind(&h(&["person", "week", "behaviour"]), &m), Kind::Logs);
        assert_eq!(
            infer_kind(&h(&["Opportunity Owner", "Close Date", "Stage", "Amount"]), &m),
            Kind::Outcomes
        );
        assert_eq!(
            infer_kind(&h(&["Assigned", "Date", "Status", "Activity Type"]), &m),
            Kind::Logs
        );
    }
}
