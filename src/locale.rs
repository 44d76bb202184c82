//! Numbers and dates in the site's language: a decimal comma and
//! `4 maart 2026` in Dutch, a decimal point and `4 March 2026` in English.
//! Directors read these figures; they must look like their own language.

use chrono::{Datelike, NaiveDate};

use crate::config::Language;

const MONTHS_NL: [&str; 12] = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
];
const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// A fixed-point number with `digits` decimals in the language's notation.
pub fn decimal(lang: Language, x: f64, digits: usize) -> String {
    let s = format!("{:.*}", digits, x);
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (s.as_str(), None),
    };
    let (sign, digits_str) = match int.strip_prefix('-') {
        Some(d) => ("-", d),
        None => ("", int),
    };
    let (group, point) = match lang {
        Language::Nl => ('.', ','),
        Language::En => (',', '.'),
    };
    let mut grouped = String::new();
    for (i, c) in digits_str.chars().enumerate() {
        if i > 0 && (digits_str.len() - i) % 3 == 0 {
            grouped.push(group);
        }
        grouped.push(c);
    }
    // "-0" after rounding reads as a sign error.
    let sign = if grouped.chars().all(|c| c == '0' || c == group) && frac.is_none_or(|f| f.chars().all(|c| c == '0')) {
        ""
    } else {
        sign
    };
    match frac {
        Some(f) => format!("{sign}{grouped}{point}{f}"),
        None => format!("{sign}{grouped}"),
    }
}

/// A share (0–1) as a whole percentage: `0.734` → `73%`.
pub fn percent(lang: Language, share: f64) -> String {
    let x = share * 100.0;
    // Below 1,000 there is nothing to group and no decimal point: the
    // integer alone, rounded as `{:.0}` rounds (the exact value, ties to
    // even). Charts' tables format hundreds of thousands of these.
    if x.is_finite() && x.abs() < 999.5 {
        use std::fmt::Write;
        let mut out = String::with_capacity(5);
        let _ = write!(out, "{}%", x.round_ties_even() as i64);
        return out;
    }
    format!("{}%", decimal(lang, x, 0))
}

/// A change in percentage points with its sign: `+4 pp` / `−3 pp` (`procentpunt` in Dutch).
pub fn points(lang: Language, delta: f64) -> String {
    let n = decimal(lang, (delta * 100.0).abs(), 0);
    let sign = if n == "0" {
        "±"
    } else if delta > 0.0 {
        "+"
    } else {
        "−"
    };
    let unit = match lang {
        Language::Nl => "procentpunt",
        Language::En => "pp",
    };
    format!("{sign}{n} {unit}")
}

pub fn month_name(lang: Language, month: u32) -> &'static str {
    let i = (month.clamp(1, 12) - 1) as usize;
    match lang {
        Language::Nl => MONTHS_NL[i],
        Language::En => MONTHS_EN[i],
    }
}

/// `4 maart 2026` / `4 March 2026`.
pub fn date(lang: Language, d: NaiveDate) -> String {
    format!("{} {} {}", d.day(), month_name(lang, d.month()), d.year())
}

/// `maart 2026` / `March 2026` for a `YYYY-MM` string; the input itself if malformed.
pub fn month(lang: Language, ym: &str) -> String {
    let parsed = ym
        .split_once('-')
        .and_then(|(y, m)| Some((y.parse::<i32>().ok()?, m.parse::<u32>().ok()?)));
    match parsed {
        Some((y, m)) if (1..=12).contains(&m) => format!("{} {y}", month_name(lang, m)),
        _ => ym.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The short way of [`percent`] gives what the general one gives.
    #[test]
    fn percent_matches_the_general_formatting() {
        let slow = |lang, v: f64| format!("{}%", decimal(lang, v * 100.0, 0));
        let mut values: Vec<f64> = (-2000..=12000).map(|i| i as f64 / 1000.0).collect();
        // Exact ties (12.5 %, 0.5 %, …) and values just beside them.
        values.extend((-40..40).map(|i| (i as f64 + 0.5) / 100.0));
        values.extend([0.125, 0.375, 0.005, 0.015, 0.025, -0.005, 9.994, 9.995, 9.996, -9.996]);
        values.extend([1.0 / 3.0, 2.0 / 3.0, 0.1 + 0.2, 0.285, 0.575, -0.0]);
        for lang in [Language::Nl, Language::En] {
            for v in &values {
                for v in [*v, v.next_up(), v.next_down()] {
                    assert_eq!(percent(lang, v), slow(lang, v), "{v:e}");
                }
            }
        }
    }

    #[test]
    fn dutch_and_english_numbers() {
        assert_eq!(decimal(Language::Nl, 45000.0, 0), "45.000");
        assert_eq!(decimal(Language::En, 45000.0, 0), "45,000");
        assert_eq!(decimal(Language::Nl, 1234567.891, 2), "1.234.567,89");
        assert_eq!(decimal(Language::Nl, -0.004, 2), "0,00");
        assert_eq!(decimal(Language::En, -12.5, 1), "-12.5");
        assert_eq!(percent(Language::Nl, 0.734), "73%");
        assert_eq!(points(Language::En, 0.041), "+4 pp");
        assert_eq!(points(Language::Nl, -0.03), "−3 procentpunt");
        assert_eq!(points(Language::Nl, 0.001), "±0 procentpunt");
    }

    #[test]
    fn dates() {
        let d = NaiveDate::from_ymd_opt(2026, 3, 4).unwrap();
        assert_eq!(date(Language::Nl, d), "4 maart 2026");
        assert_eq!(date(Language::En, d), "4 March 2026");
        assert_eq!(month(Language::Nl, "2026-10"), "oktober 2026");
        assert_eq!(month(Language::Nl, "2026-13"), "2026-13");
    }
}
