//! Dates as exports write them.
//!
//! Without `--date-format` only forms that cannot be misread are taken:
//! ISO dates and date-times (`2026-09-07`, `2026-09-07 14:30`,
//! `2026-09-07T14:30:00Z`), `2026/09/07`, and dates with a month name
//! (`7 Sep 2026`, `Sep 7, 2026`). `9/7/2026` is the 7th of September in a
//! US export and the 9th of July in a Dutch one: such a column needs the
//! format said once, and gets one error saying so.

use chrono::{Duration, NaiveDate};

use super::table::Cell;

/// How the date column is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateSpec {
    /// Only the unambiguous forms.
    Auto,
    /// A strftime format, e.g. `%m/%d/%Y`.
    Format(String),
}

/// Why a date cell was not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateProblem {
    /// Digits in day/month/year order or month/day/year: the user must say which.
    Ambiguous(Numeric),
    /// Anything else that is not a date in the expected form.
    NotADate,
}

/// The parts of `a/b/yyyy` (or with `-` or `.`), for the ambiguity error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Numeric {
    pub first: u32,
    pub second: u32,
    pub separator: char,
}

/// Checks a strftime format: it must parse and name a day, a month and a year.
pub fn check_format(format: &str) -> Result<(), String> {
    use chrono::format::{Item, StrftimeItems};
    let items: Vec<Item> = StrftimeItems::new(format).collect();
    if items.iter().any(|i| matches!(i, Item::Error)) {
        return Err(format!(
            "`{format}` is not a date format: use strftime codes such as %d (day), %m (month), %Y (year), e.g. %m/%d/%Y"
        ));
    }
    let has = |codes: &[&str]| codes.iter().any(|c| format.contains(c));
    if !(has(&["%d", "%e", "%j"]) || has(&["%F", "%D", "%x"]))
        || !(has(&["%m", "%b", "%B", "%h"]) || has(&["%F", "%D", "%x", "%j"]))
        || !has(&["%Y", "%y", "%G", "%F", "%D", "%x"])
    {
        return Err(format!(
            "`{format}` does not name a day, a month and a year: e.g. %d-%m-%Y or %m/%d/%Y"
        ));
    }
    Ok(())
}

/// A sample date written in `format`, for hints; `None` when the format
/// cannot write one (it names a time zone, say).
pub fn sample(format: &str) -> Option<String> {
    use std::fmt::Write;
    let at = NaiveDate::from_ymd_opt(2026, 9, 14)?.and_hms_opt(14, 30, 0)?;
    let mut out = String::new();
    write!(out, "{}", at.format(format)).ok()?;
    Some(out)
}

/// Reads a date cell.
pub fn parse(cell: &Cell, spec: &DateSpec) -> Result<NaiveDate, DateProblem> {
    match cell {
        Cell::DateTime(dt) => Ok(dt.date()),
        Cell::Number(n) => excel_serial(*n).ok_or(DateProblem::NotADate),
        Cell::Empty => Err(DateProblem::NotADate),
        Cell::Text(t) => parse_text(t.trim(), spec),
    }
}

/// Reads date text.
pub fn parse_text(text: &str, spec: &DateSpec) -> Result<NaiveDate, DateProblem> {
    match spec {
        DateSpec::Format(f) => with_format(text, f).ok_or(DateProblem::NotADate),
        DateSpec::Auto => {
            if let Some(d) = iso(text).or_else(|| named_month(text)) {
                return Ok(d);
            }
            match numeric(text) {
                Some(n) => Err(DateProblem::Ambiguous(n)),
                None => Err(DateProblem::NotADate),
            }
        }
    }
}

/// A date in an explicit format; a time after the date is allowed (exports
/// often add one) even when the format names none.
pub fn with_format(text: &str, format: &str) -> Option<NaiveDate> {
    if let Ok(d) = NaiveDate::parse_from_str(text, format) {
        return Some(d);
    }
    if let Ok((d, rest)) = NaiveDate::parse_and_remainder(text, format)
        && time_like(rest)
    {
        return Some(d);
    }
    // A format with a time (`%m/%d/%Y %H:%M`) still reads the rows that
    // have none: exports leave the time out at midnight.
    let time_at = ["%H", "%I", "%k", "%l", "%T", "%R", "%r", "%X"]
        .iter()
        .filter_map(|c| format.find(c))
        .min()?;
    let date_part = format[..time_at].trim_end_matches([' ', 'T', ',']);
    if date_part.is_empty() || date_part.len() == format.len() {
        return None;
    }
    let (d, rest) = NaiveDate::parse_and_remainder(text, date_part).ok()?;
    time_like(rest).then_some(d)
}

/// What may follow a date: nothing, or a time (`14:30`, `T14:30:00Z`,
/// `, 2:30 PM`).
fn time_like(rest: &str) -> bool {
    let r = rest.trim_start_matches([' ', 'T', ',']);
    if r.is_empty() {
        return rest.is_empty();
    }
    rest.len() != r.len()
        && r.starts_with(|c: char| c.is_ascii_digit())
        && r.contains(':')
        && r.chars().all(|c| c.is_ascii_alphanumeric() || " :.+-Z".contains(c))
}

/// `YYYY-MM-DD` or `YYYY/MM/DD`, optionally followed by a time.
pub fn iso(text: &str) -> Option<NaiveDate> {
    let b = text.as_bytes();
    if b.len() < 10 || !text.is_char_boundary(10) || !(b[4] == b[7] && (b[4] == b'-' || b[4] == b'/')) {
        return None;
    }
    let format = if b[4] == b'-' { "%Y-%m-%d" } else { "%Y/%m/%d" };
    let (date, rest) = text.split_at(10);
    if !date
        .bytes()
        .enumerate()
        .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
    {
        return None;
    }
    let d = NaiveDate::parse_from_str(date, format).ok()?;
    time_like(rest).then_some(d)
}

fn named_month(text: &str) -> Option<NaiveDate> {
    if !text.contains(|c: char| c.is_ascii_alphabetic()) {
        return None;
    }
    [
        "%d %b %Y",
        "%d-%b-%Y",
        "%b %d, %Y",
        "%B %d, %Y",
        "%d %B %Y",
        "%a, %d %b %Y",
    ]
    .iter()
    .find_map(|f| with_format(text, f))
}

/// `a/b/yyyy`, `a-b-yyyy` or `a.b.yyyy` with a and b from 1 to 31,
/// optionally followed by a time.
pub fn numeric(text: &str) -> Option<Numeric> {
    let date = text.split([' ', 'T', ',']).next()?;
    let separator = date.chars().find(|c| matches!(c, '/' | '-' | '.'))?;
    let parts: Vec<&str> = date.split(separator).collect();
    let [a, b, y] = parts[..] else { return None };
    let digits =
        |s: &str, n: std::ops::RangeInclusive<usize>| n.contains(&s.len()) && s.bytes().all(|c| c.is_ascii_digit());
    if !(digits(a, 1..=2) && digits(b, 1..=2) && (digits(y, 4..=4) || digits(y, 2..=2))) {
        return None;
    }
    let (first, second) = (a.parse().ok()?, b.parse().ok()?);
    ((1..=31).contains(&first) && (1..=31).contains(&second)).then_some(Numeric {
        first,
        second,
        separator,
    })
}

/// An Excel serial day number (days since 1899-12-30) in the years ritme
/// accepts, for a date column that lost its date formatting.
pub fn excel_serial(n: f64) -> Option<NaiveDate> {
    // 36526 is 2000-01-01, 73415 is 2100-12-31.
    if !(36526.0..73416.0).contains(&n) {
        return None;
    }
    NaiveDate::from_ymd_opt(1899, 12, 30).map(|base| base + Duration::days(n.floor() as i64))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn unambiguous_forms_need_no_format() {
        let auto = |t: &str| parse_text(t, &DateSpec::Auto);
        assert_eq!(auto("2026-09-07"), Ok(d(2026, 9, 7)));
        assert_eq!(auto("2026-09-07 14:30"), Ok(d(2026, 9, 7)));
        assert_eq!(auto("2026-09-07T14:30:00Z"), Ok(d(2026, 9, 7)));
        assert_eq!(auto("2026-09-07T14:30:00+02:00"), Ok(d(2026, 9, 7)));
        assert_eq!(auto("2026/09/07"), Ok(d(2026, 9, 7)));
        assert_eq!(auto("7 Sep 2026"), Ok(d(2026, 9, 7)));
        assert_eq!(auto("Sep 7, 2026"), Ok(d(2026, 9, 7)));
        assert_eq!(auto("2026-09-07x"), Err(DateProblem::NotADate));
        assert_eq!(auto("2026-13-07"), Err(DateProblem::NotADate));
        assert!(matches!(auto("9/7/2026"), Err(DateProblem::Ambiguous(_))));
        assert!(matches!(auto("07-09-2026 14:30"), Err(DateProblem::Ambiguous(_))));
    }

    #[test]
    fn formats_read_short_and_padded_numbers_and_allow_a_time() {
        let f = |t: &str, fmt: &str| parse_text(t, &DateSpec::Format(fmt.into()));
        assert_eq!(f("9/7/2026", "%m/%d/%Y"), Ok(d(2026, 9, 7)));
        assert_eq!(f("09/07/2026", "%m/%d/%Y"), Ok(d(2026, 9, 7)));
        assert_eq!(f("9/7/2026 2:30 PM", "%m/%d/%Y"), Ok(d(2026, 9, 7)));
        assert_eq!(f("9/7/2026, 14:30", "%m/%d/%Y"), Ok(d(2026, 9, 7)));
        assert_eq!(f("07-09-2026", "%d-%m-%Y"), Ok(d(2026, 9, 7)));
        assert_eq!(f("2026-09-07 14:30", "%Y-%m-%d %H:%M"), Ok(d(2026, 9, 7)));
        assert_eq!(f("13/7/2026", "%m/%d/%Y"), Err(DateProblem::NotADate));
        assert_eq!(f("9/7/2026 lunch", "%m/%d/%Y"), Err(DateProblem::NotADate));
        assert_eq!(f("9/7/2026", "%m/%d/%Y %I:%M %p"), Ok(d(2026, 9, 7)));
        assert_eq!(f("9/7/2026 2:30 PM", "%m/%d/%Y %I:%M %p"), Ok(d(2026, 9, 7)));
    }

    #[test]
    fn formats_are_checked() {
        assert!(check_format("%m/%d/%Y").is_ok());
        assert!(check_format("%F").is_ok());
        assert!(check_format("%Q").is_err());
        assert!(check_format("%H:%M").is_err());
    }

    #[test]
    fn samples_never_panic() {
        assert_eq!(sample("%m/%d/%Y").as_deref(), Some("09/14/2026"));
        assert_eq!(sample("%d-%m-%Y %z"), None);
    }

    #[test]
    fn excel_serials_in_range() {
        assert_eq!(excel_serial(46230.604), Some(d(2026, 7, 27)));
        assert_eq!(excel_serial(3.0), None);
    }

    proptest! {
        #[test]
        fn every_date_round_trips_through_its_formats(days in 0i64..36_500) {
            let date = d(2000, 1, 1) + Duration::days(days);
            for fmt in ["%m/%d/%Y", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d", "%-m/%-d/%Y"] {
                let text = date.format(fmt).to_string();
                let read_fmt = fmt.replace("%-", "%");
                prop_assert_eq!(parse_text(&text, &DateSpec::Format(read_fmt)), Ok(date));
                prop_assert_eq!(parse_text(&format!("{text} 14:30"), &DateSpec::Format(fmt.replace("%-", "%"))), Ok(date));
            }
            let at = date.and_hms_opt(14, 30, 0).unwrap();
            prop_assert_eq!(parse_text(&at.format("%Y-%m-%dT%H:%M:%S").to_string(), &DateSpec::Auto), Ok(date));
            prop_assert_eq!(parse_text(&at.format("%Y-%m-%d %H:%M").to_string(), &DateSpec::Auto), Ok(date));
        }

        #[test]
        fn auto_never_guesses_a_day_month_order(a in 1u32..=12, b in 1u32..=12, y in 2000i32..2100) {
            let text = format!("{a}/{b}/{y}");
            prop_assert!(matches!(parse_text(&text, &DateSpec::Auto), Err(DateProblem::Ambiguous(_))), "{}", text);
        }

        #[test]
        fn arbitrary_text_never_panics(s in "\\PC{0,40}") {
            let _ = parse_text(&s, &DateSpec::Auto);
            let _ = parse_text(&s, &DateSpec::Format("%m/%d/%Y".into()));
            let _ = numeric(&s);
        }
    }
}
