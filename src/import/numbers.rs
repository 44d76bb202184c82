//! Counts, minutes and amounts as exports write them, with the words a
//! sales-ops person needs when one is not understood.

use super::table::Cell;

/// Largest count the log files accept for one behaviour in one week.
pub const MAX_COUNT: u64 = u32::MAX as u64;

/// A count cell: a number of times, or `skip` (the behaviour is left out
/// that week).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Count {
    Times(u64),
    Skip,
}

/// A number without a needless `.0`.
pub fn show(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        n.to_string()
    }
}

/// Reads a count; an empty cell is one (a row per activity).
pub fn count(cell: &Cell) -> Result<Count, String> {
    let text = match cell {
        Cell::Empty => return Ok(Count::Times(1)),
        Cell::Number(n) => return whole(*n).map(Count::Times).ok_or_else(|| not_a_count(&show(*n))),
        Cell::DateTime(_) => return Err(not_a_count(&cell.text())),
        Cell::Text(t) => t.trim(),
    };
    if text.is_empty() {
        return Ok(Count::Times(1));
    }
    if text.eq_ignore_ascii_case("skip") {
        return Ok(Count::Skip);
    }
    let digits = text.strip_prefix('+').unwrap_or(text);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        return match digits.parse::<u64>() {
            Ok(n) if n <= MAX_COUNT => Ok(Count::Times(n)),
            _ => Err(format!(
                "'{text}' is too large for a count: at most {MAX_COUNT} times a week"
            )),
        };
    }
    Err(not_a_count(text))
}

fn whole(n: f64) -> Option<u64> {
    (n.is_finite() && n >= 0.0 && n.fract() == 0.0 && n <= MAX_COUNT as f64).then_some(n as u64)
}

fn not_a_count(text: &str) -> String {
    let plain: String = text.chars().filter(|c| c.is_ascii_digit()).collect();
    if text.starts_with('-') {
        format!("'{text}' is not a count: counts are 0 or more")
    } else if text.contains(['.', ',']) && text.replace([',', '.'], "").bytes().all(|b| b.is_ascii_digit()) {
        format!("'{text}' is not a count: write a whole number such as {plain}, without separators or decimals")
    } else {
        format!("'{text}' is not a count: write a whole number of 0 or more, or skip")
    }
}

/// Reads minutes of a coaching session: a number of 0 or more, or `h:mm`.
pub fn minutes(cell: &Cell) -> Result<f64, String> {
    let bad = |t: &str| {
        let lead: String = t.trim().chars().take_while(|c| c.is_ascii_digit()).collect();
        let write = if lead.is_empty() { "30".to_string() } else { lead };
        format!("'{t}' is not a number of minutes: write {write}")
    };
    match cell {
        Cell::Empty => Err("the minutes are missing: write a number such as 30".into()),
        Cell::Number(n) if n.is_finite() && *n >= 0.0 => Ok(*n),
        Cell::Number(n) => Err(bad(&show(*n))),
        Cell::DateTime(_) => Err(bad(&cell.text())),
        Cell::Text(t) => {
            let t = t.trim();
            if let Some((h, m)) = t.split_once(':')
                && let (Ok(h), Ok(m)) = (h.parse::<u32>(), m.parse::<u32>())
                && m < 60
            {
                return Ok(f64::from(h) * 60.0 + f64::from(m));
            }
            match amount(t) {
                Some(n) if n >= 0.0 && !t.contains(|c: char| c.is_alphabetic()) => Ok(n),
                _ => Err(bad(t)),
            }
        }
    }
}

/// Reads a whole number of deals.
pub fn deals(cell: &Cell, what: &str) -> Result<u32, String> {
    match count(cell) {
        Ok(Count::Times(n)) => u32::try_from(n).map_err(|_| format!("'{}' is too many deals {what}", cell.text())),
        _ => Err(format!(
            "'{}' is not a number of deals {what}: write a whole number such as 3",
            cell.text()
        )),
    }
}

/// Reads an amount of money or a decimal number as CRMs format it:
/// `45000`, `45,000.50`, `45.000,50`, `€ 45.000`, `$45,000`, `-1200`.
/// A single separator followed by exactly three digits groups thousands.
pub fn amount(text: &str) -> Option<f64> {
    let t: String = text
        .trim()
        .trim_start_matches(|c: char| c.is_alphabetic() || "€$£¥ \u{a0}".contains(c))
        .trim_end_matches(|c: char| c.is_alphabetic() || "€$£¥ \u{a0}".contains(c))
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\'' | '\u{202f}'))
        .collect();
    let (negative, t) = match t.strip_prefix('-') {
        Some(rest) => (true, rest.to_string()),
        None => (false, t),
    };
    if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit() || b == b'.' || b == b',') {
        return None;
    }
    let decimal = match (t.rfind('.'), t.rfind(',')) {
        (Some(d), Some(c)) => Some(d.max(c)),
        (Some(i), None) | (None, Some(i)) => {
            let sep = t.as_bytes()[i];
            let once = t.bytes().filter(|b| *b == sep).count() == 1;
            let three_after = t.len() - i - 1 == 3;
            (once && !three_after).then_some(i)
        }
        (None, None) => None,
    };
    let mut plain = String::with_capacity(t.len());
    for (i, c) in t.char_indices() {
        match c {
            '0'..='9' => plain.push(c),
            _ if Some(i) == decimal => plain.push('.'),
            _ => {}
        }
    }
    if plain.is_empty() || plain == "." {
        return None;
    }
    let n: f64 = plain.parse().ok()?;
    n.is_finite().then_some(if negative { -n } else { n })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn text(t: &str) -> Cell {
        Cell::Text(t.into())
    }

    #[test]
    fn counts_in_words_and_numbers() {
        assert_eq!(count(&Cell::Empty), Ok(Count::Times(1)));
        assert_eq!(count(&text("3")), Ok(Count::Times(3)));
        assert_eq!(count(&text("SKIP")), Ok(Count::Skip));
        assert_eq!(count(&Cell::Number(2.0)), Ok(Count::Times(2)));
        assert_eq!(count(&text("4294967295")), Ok(Count::Times(4_294_967_295)));
        let e = count(&text("9223372036854775808")).unwrap_err();
        assert!(e.contains("too large"), "{e}");
        assert!(
            count(&text("99999999999999999999999"))
                .unwrap_err()
                .contains("too large")
        );
        assert!(count(&text("-2")).unwrap_err().contains("0 or more"));
        assert!(count(&text("1,000")).unwrap_err().contains("such as 1000"));
        assert!(count(&Cell::Number(2.5)).is_err());
        assert!(!count(&text("drie")).unwrap_err().contains("u64"));
    }

    #[test]
    fn minutes_say_what_to_write() {
        assert_eq!(minutes(&text("30")), Ok(30.0));
        assert_eq!(minutes(&text("1:30")), Ok(90.0));
        assert_eq!(minutes(&text("22,5")), Ok(22.5));
        assert_eq!(
            minutes(&text("15 min")),
            Err("'15 min' is not a number of minutes: write 15".into())
        );
        assert!(minutes(&text("-5")).is_err());
    }

    #[test]
    fn amounts_in_crm_formats() {
        assert_eq!(amount("45000"), Some(45000.0));
        assert_eq!(amount("45,000.50"), Some(45000.5));
        assert_eq!(amount("45.000,50"), Some(45000.5));
        assert_eq!(amount("€ 45.000"), Some(45000.0));
        assert_eq!(amount("$45,000"), Some(45000.0));
        assert_eq!(amount("EUR 1.234.567"), Some(1_234_567.0));
        assert_eq!(amount("12,5"), Some(12.5));
        assert_eq!(amount("-1200"), Some(-1200.0));
        assert_eq!(amount("n/a"), None);
        assert_eq!(amount(""), None);
    }

    proptest! {
        #[test]
        fn counts_round_trip(n in 0u64..=MAX_COUNT) {
            prop_assert_eq!(count(&text(&n.to_string())), Ok(Count::Times(n)));
        }

        #[test]
        fn counts_beyond_the_range_are_errors_not_wraps(n in (MAX_COUNT + 1)..=u64::MAX) {
            prop_assert!(count(&text(&n.to_string())).is_err());
        }

        #[test]
        fn grouped_amounts_read_back(cents in 0u64..10_000_000_000) {
            let units = cents / 100;
            let grouped = {
                let s = units.to_string();
                let mut out = String::new();
                for (i, c) in s.chars().enumerate() {
                    if i > 0 && (s.len() - i) % 3 == 0 {
                        out.push(',');
                    }
                    out.push(c);
                }
                out
            };
            let with_cents = format!("{grouped}.{:02}", cents % 100);
            prop_assert_eq!(amount(&with_cents), Some(cents as f64 / 100.0));
            let dutch = with_cents.replace(',', "_").replace('.', ",").replace('_', ".");
            prop_assert_eq!(amount(&dutch), Some(cents as f64 / 100.0));
        }

        #[test]
        fn arbitrary_text_never_panics(s in "\\PC{0,30}") {
            let _ = count(&text(&s));
            let _ = minutes(&text(&s));
            let _ = amount(&s);
        }
    }
}
