//! ISO 8601 weeks (`2026-W10`) and calendar months (`2026-03`).
//!
//! A week belongs to the month that holds its Thursday, which is also how
//! ISO assigns weeks to years. Calendar arithmetic is chrono's.
//!
//! Only the years 2000 to 2100 are accepted, wherever a week, a month or a
//! date is read: the figures are computed for every week between the first
//! and the last one in the data, so a typo such as `0026-W10` would
//! otherwise make a build run for hours.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, Duration, NaiveDate, Weekday};

/// The first and the last year a week, month or date may name.
pub const YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

fn year_outside(year: i32, written: &str) -> String {
    format!(
        "`{written}` lies in the year {year}, outside {}–{}; check the year",
        YEARS.start(),
        YEARS.end()
    )
}

/// An ISO week. Orders chronologically.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Week {
    year: i32,
    week: u32,
}

impl Week {
    /// Orders before every week: the start of a range over all weeks. It
    /// names no real week; never ask it for a date.
    pub const BEFORE_ALL: Week = Week {
        year: i32::MIN,
        week: 0,
    };

    /// The week, when it exists and lies in [`YEARS`].
    pub fn new(year: i32, week: u32) -> Option<Week> {
        if !YEARS.contains(&year) {
            return None;
        }
        NaiveDate::from_isoywd_opt(year, week, Weekday::Mon).map(|_| Week { year, week })
    }

    /// The ISO week a date lies in.
    pub fn of(date: NaiveDate) -> Week {
        let w = date.iso_week();
        Week {
            year: w.year(),
            week: w.week(),
        }
    }

    pub fn monday(self) -> NaiveDate {
        NaiveDate::from_isoywd_opt(self.year, self.week, Weekday::Mon).expect("validated on construction")
    }

    pub fn thursday(self) -> NaiveDate {
        self.monday() + Duration::days(3)
    }

    pub fn next(self) -> Week {
        Week::of(self.monday() + Duration::days(7))
    }

    /// The week `n` weeks later (earlier when negative).
    pub fn plus(self, n: i64) -> Week {
        Week::of(self.monday() + Duration::days(7 * n))
    }

    /// The month holding this week's Thursday.
    pub fn month(self) -> Month {
        let t = self.thursday();
        Month {
            year: t.year(),
            month: t.month(),
        }
    }

    /// Weeks from `self` to `last`, both included (empty when `last` is earlier).
    pub fn through(self, last: Week) -> impl Iterator<Item = Week> {
        let mut next = Some(self).filter(|w| *w <= last);
        std::iter::from_fn(move || {
            let w = next?;
            next = Some(w.next()).filter(|n| *n <= last);
            Some(w)
        })
    }

    /// Number of weeks from `self` to `later` (negative when `later` is earlier).
    /// The week's number within its ISO year (45 for 2026-W45).
    pub fn number(self) -> u32 {
        self.week
    }

    pub fn weeks_until(self, later: Week) -> i64 {
        (later.monday() - self.monday()).num_days() / 7
    }
}

impl fmt::Display for Week {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-W{:02}", self.year, self.week)
    }
}

impl FromStr for Week {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || format!("`{s}` is not an ISO week; write it as YYYY-Www, e.g. 2026-W10");
        let (y, w) = s.trim().split_once("-W").ok_or_else(bad)?;
        if y.len() != 4 || w.len() != 2 {
            return Err(bad());
        }
        if !y.bytes().all(|b| b.is_ascii_digit()) || !w.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let (year, week): (i32, u32) = (y.parse().map_err(|_| bad())?, w.parse().map_err(|_| bad())?);
        if !YEARS.contains(&year) {
            return Err(year_outside(year, s.trim()));
        }
        Week::new(year, week).ok_or_else(|| {
            let last = Week::of(NaiveDate::from_ymd_opt(year, 12, 28).unwrap_or_default()).week;
            format!("{year} has no week {week}: its last ISO week is {year}-W{last:02}")
        })
    }
}

impl serde::Serialize for Week {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A calendar month. Orders chronologically.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    pub year: i32,
    pub month: u32,
}

impl Month {
    pub fn of(date: NaiveDate) -> Month {
        Month {
            year: date.year(),
            month: date.month(),
        }
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).expect("validated on construction")
    }

    pub fn next(self) -> Month {
        if self.month == 12 {
            Month {
                year: self.year + 1,
                month: 1,
            }
        } else {
            Month {
                year: self.year,
                month: self.month + 1,
            }
        }
    }

    pub fn prev(self) -> Month {
        if self.month == 1 {
            Month {
                year: self.year - 1,
                month: 12,
            }
        } else {
            Month {
                year: self.year,
                month: self.month - 1,
            }
        }
    }

    pub fn contains(self, date: NaiveDate) -> bool {
        date.year() == self.year && date.month() == self.month
    }

    /// The ISO weeks whose Thursday lies in this month, in order.
    pub fn weeks(self) -> Vec<Week> {
        let first = Week::of(self.first_day());
        let first = if first.month() == self { first } else { first.next() };
        first
            .through(Week::of(self.next().first_day()))
            .filter(|w| w.month() == self)
            .collect()
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{:02}", self.year, self.month)
    }
}

impl FromStr for Month {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || format!("`{s}` is not a month; write it as YYYY-MM, e.g. 2026-03");
        let (y, m) = s.trim().split_once('-').ok_or_else(bad)?;
        if y.len() != 4 || m.len() != 2 {
            return Err(bad());
        }
        if !y.bytes().all(|b| b.is_ascii_digit()) || !m.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let (year, month): (i32, u32) = (y.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
        if !YEARS.contains(&year) {
            return Err(year_outside(year, s.trim()));
        }
        NaiveDate::from_ymd_opt(year, month, 1)
            .map(|_| Month { year, month })
            .ok_or_else(bad)
    }
}

impl serde::Serialize for Month {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Reads a calendar date (`2026-03-04`) in [`YEARS`].
pub fn parse_date(s: &str) -> Result<NaiveDate, String> {
    let t = s.trim();
    let bad = || format!("`{t}` is not a date; write it as YYYY-MM-DD, e.g. 2026-03-04");
    let year: i32 = match t.split('-').next() {
        Some(y) if y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit()) => y.parse().map_err(|_| bad())?,
        _ => return Err(bad()),
    };
    if !YEARS.contains(&year) {
        return Err(year_outside(year, t));
    }
    NaiveDate::parse_from_str(t, "%Y-%m-%d").map_err(|_| bad())
}

/// `#[serde(deserialize_with = "crate::week::date")]`: a date checked as
/// [`parse_date`] does, its message located at the value. Any scalar is
/// read as written (`20261231`, `true`), so the message names what the
/// user wrote instead of a type.
pub fn date<'de, D: serde::Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
    d.deserialize_any(DateVisitor)
}

/// [`date`] for an optional field (use with `#[serde(default)]`).
pub fn optional_date<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
    struct Maybe;
    impl<'de> serde::de::Visitor<'de> for Maybe {
        type Value = Option<NaiveDate>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a date written as YYYY-MM-DD")
        }
        fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            date(d).map(Some)
        }
    }
    d.deserialize_option(Maybe)
}

struct DateVisitor;

impl serde::de::Visitor<'_> for DateVisitor {
    type Value = NaiveDate;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a date written as YYYY-MM-DD")
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<NaiveDate, E> {
        parse_date(v).map_err(E::custom)
    }
    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<NaiveDate, E> {
        self.visit_str(&v.to_string())
    }
    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<NaiveDate, E> {
        self.visit_str(&v.to_string())
    }
    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<NaiveDate, E> {
        self.visit_str(&v.to_string())
    }
    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<NaiveDate, E> {
        self.visit_str(&v.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_front_matter_date_says_the_form() {
        #[derive(serde::Deserialize, Debug)]
        struct M {
            #[serde(default, deserialize_with = "super::optional_date")]
            review_by: Option<chrono::NaiveDate>,
        }
        for bad in ["31-12-2026", "20261231", "true"] {
            let e = crate::yaml::parse::<M>(&format!("review_by: {bad}\n"), "a.md", 2)
                .unwrap_err()
                .to_string();
            assert!(
                e.contains(&format!("`{bad}` is not a date; write it as YYYY-MM-DD")),
                "{e}"
            );
        }
        let ok: M = crate::yaml::parse("review_by: 2026-12-31\n", "a.md", 2).unwrap();
        assert_eq!(ok.review_by, chrono::NaiveDate::from_ymd_opt(2026, 12, 31));
        let none: M = crate::yaml::parse("{}\n", "a.md", 2).unwrap();
        assert_eq!(none.review_by, None);
    }
    use proptest::prelude::*;

    fn w(s: &str) -> Week {
        s.parse().unwrap()
    }

    #[test]
    fn parses_and_rejects() {
        assert_eq!(w("2026-W10").to_string(), "2026-W10");
        assert!("2026-W54".parse::<Week>().unwrap_err().contains("2026 has no week 54"));
        assert!("2025-W53".parse::<Week>().is_err(), "2025 has 52 weeks");
        assert!("2026-W53".parse::<Week>().is_ok(), "2026 has 53 weeks");
        assert!("2026-10".parse::<Week>().is_err());
        assert!("2026-W1".parse::<Week>().is_err());
    }

    #[test]
    fn months_by_thursday() {
        // 2026-W05: Monday 26 January, Thursday 29 January → January.
        assert_eq!(w("2026-W05").month().to_string(), "2026-01");
        // 2026-W01: Thursday 1 January 2026.
        assert_eq!(w("2026-W01").month().to_string(), "2026-01");
        // 2025-W01 starts Monday 30 December 2024; its Thursday is 2 January 2025.
        assert_eq!(w("2025-W01").month().to_string(), "2025-01");
        let march: Month = "2026-03".parse().unwrap();
        let weeks: Vec<String> = march.weeks().iter().map(|w| w.to_string()).collect();
        // 2026-W14 starts Monday 30 March but its Thursday is 2 April.
        assert_eq!(weeks, ["2026-W10", "2026-W11", "2026-W12", "2026-W13"]);
    }

    #[test]
    fn arithmetic_across_years() {
        assert_eq!(w("2026-W53").next(), w("2027-W01"));
        assert_eq!(w("2027-W01").plus(-1), w("2026-W53"));
        assert_eq!(w("2026-W50").weeks_until(w("2027-W02")), 5);
        assert_eq!(w("2026-W52").through(w("2027-W01")).count(), 3);
    }

    #[test]
    fn years_outside_2000_to_2100_are_refused() {
        for bad in [
            "0000-W01", "9999-W52", "1926-W01", "1999-W52", "2101-W01", "-001-W01", "+202-W01",
        ] {
            let e = bad.parse::<Week>().unwrap_err();
            assert!(e.contains(bad), "{bad}: {e}");
        }
        assert!("1926-W01".parse::<Week>().unwrap_err().contains("2000–2100"));
        assert!("2000-W01".parse::<Week>().is_ok() && "2100-W52".parse::<Week>().is_ok());
        assert!(Week::new(1999, 10).is_none());
        for bad in ["0026-03", "2101-01", "1999-12", "+200-01"] {
            assert!(bad.parse::<Month>().is_err(), "{bad}");
        }
        assert!("2100-12".parse::<Month>().is_ok());
        assert!(parse_date("1926-03-04").unwrap_err().contains("2000–2100"));
        assert!(parse_date("12026-03-04").is_err());
        assert!(parse_date("2026-13-04").unwrap_err().contains("YYYY-MM-DD"));
        assert_eq!(
            parse_date("2026-03-04").unwrap(),
            NaiveDate::from_ymd_opt(2026, 3, 4).unwrap()
        );
    }

    proptest! {
        #[test]
        fn round_trip(year in 2000i32..=2100, week in 1u32..=53) {
            if let Some(wk) = Week::new(year, week) {
                prop_assert_eq!(wk.to_string().parse::<Week>().unwrap(), wk);
                prop_assert_eq!(Week::of(wk.thursday()), wk);
                prop_assert!(wk.month().weeks().contains(&wk));
            }
        }
    }
}
