//! ISO 8601 weeks (`2026-W10`) and calendar months (`2026-03`).
//!
//! A week belongs to the month that holds its Thursday (DESIGN.md), which
//! is also how ISO assigns weeks to years. Calendar arithmetic is chrono's.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, Duration, NaiveDate, Weekday};

/// An ISO week. Orders chronologically.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Week {
    year: i32,
    week: u32,
}

impl Week {
    pub fn new(year: i32, week: u32) -> Option<Week> {
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
        let (year, week): (i32, u32) = (y.parse().map_err(|_| bad())?, w.parse().map_err(|_| bad())?);
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
        let (year, month): (i32, u32) = (y.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
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

#[cfg(test)]
mod tests {
    use super::*;
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

    proptest! {
        #[test]
        fn round_trip(year in 1990i32..2100, week in 1u32..=53) {
            if let Some(wk) = Week::new(year, week) {
                prop_assert_eq!(wk.to_string().parse::<Week>().unwrap(), wk);
                prop_assert_eq!(Week::of(wk.thursday()), wk);
                prop_assert!(wk.month().weeks().contains(&wk));
            }
        }
    }
}
