//! Reading `data/outcomes.yaml`: the layout ritme and import write is read
//! line by line; anything else goes to serde_yaml, which also reports every
//! problem in its located words.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::logread::RawValue;
use crate::diagnostics::Diagnostic;
use crate::source::SourceFile;
use crate::yaml;

#[derive(Deserialize, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
pub(super) struct RawOutcomes {
    #[serde(default)]
    pub months: BTreeMap<String, BTreeMap<String, RawOutcome>>,
}

#[derive(Deserialize, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
pub(super) struct RawOutcome {
    pub won: RawValue,
    pub lost: RawValue,
    pub revenue: Option<RawValue>,
}

/// The outcomes file as written, or serde_yaml's located message.
pub(super) fn parse(f: &SourceFile) -> Result<RawOutcomes, Diagnostic> {
    if let Some(raw) = plain(&f.text) {
        return Ok(raw);
    }
    yaml::parse::<RawOutcomes>(if f.text.trim().is_empty() { "{}" } else { &f.text }, &f.rel, 1)
}

/// A whole number as serde_yaml reads it from a plain scalar: digits,
/// no sign, no leading zero, at most 18 of them.
fn count(w: &str) -> Option<i64> {
    let t = w.as_bytes();
    let ok = !t.is_empty() && t.len() <= 18 && t.iter().all(u8::is_ascii_digit) && (t[0] != b'0' || t.len() == 1);
    ok.then(|| w.parse().ok()).flatten()
}

/// `YYYY-MM`: a month key that can only be read as that text.
fn month_key(k: &str) -> bool {
    let b = k.as_bytes();
    b.len() == 7 && b[4] == b'-' && b.iter().enumerate().all(|(i, c)| i == 4 || c.is_ascii_digit())
}

/// A person id that YAML can only read as that text: a lowercase letter,
/// then lowercase letters, digits, `-` and `_`, and no word YAML gives a
/// meaning of its own (`null`, `true`, `yes`, …).
fn person_key(k: &str) -> bool {
    const MEANING: [&str; 9] = ["null", "true", "false", "y", "n", "yes", "no", "on", "off"];
    k.as_bytes().first().is_some_and(u8::is_ascii_lowercase)
        && k.bytes()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-' || c == b'_')
        && !MEANING.contains(&k)
}

/// `{ won: 3, lost: 2 }` or with `revenue: 45000`, whole numbers only,
/// each field once.
fn flow_outcome(text: &str) -> Option<RawOutcome> {
    let inner = text.strip_prefix('{')?.strip_suffix('}')?;
    let (mut won, mut lost, mut revenue) = (None, None, None);
    for part in inner.split(',') {
        let (name, value) = part.trim_matches(' ').split_once(": ")?;
        let value = RawValue::Int(count(value.trim_start_matches(' '))?);
        let slot = match name {
            "won" => &mut won,
            "lost" => &mut lost,
            "revenue" => &mut revenue,
            _ => return None,
        };
        if slot.replace(value).is_some() {
            return None;
        }
    }
    Some(RawOutcome {
        won: won?,
        lost: lost?,
        revenue,
    })
}

/// The file in the layout written by ritme: `months:`, then each month
/// `YYYY-MM:` indented, then each person `id: { won: …, lost: … }` indented
/// further, blank lines and whole-line comments between. `None` for any
/// other text, including every text serde_yaml would refuse (a key written
/// twice, a month without people) — and any this reader is not sure of.
fn plain(text: &str) -> Option<RawOutcomes> {
    if yaml::never_plain(text) {
        return None;
    }
    let mut months: BTreeMap<String, BTreeMap<String, RawOutcome>> = BTreeMap::new();
    let (mut header, mut month_indent, mut person_indent) = (false, None, None);
    let mut current: Option<(String, BTreeMap<String, RawOutcome>)> = None;
    fn close(
        current: &mut Option<(String, BTreeMap<String, RawOutcome>)>,
        months: &mut BTreeMap<String, BTreeMap<String, RawOutcome>>,
    ) -> Option<()> {
        if let Some((month, people)) = current.take()
            && (people.is_empty() || months.insert(month, people).is_some())
        {
            return None;
        }
        Some(())
    }
    for line in text.split('\n') {
        let content = line.trim_start_matches(' ');
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        if content.contains('#') || content.ends_with(' ') {
            return None;
        }
        let indent = line.len() - content.len();
        if !header {
            if line != "months:" {
                return None;
            }
            header = true;
            continue;
        }
        if indent == 0 {
            return None;
        }
        if let Some(month) = content.strip_suffix(':') {
            if !month_key(month) || *month_indent.get_or_insert(indent) != indent {
                return None;
            }
            close(&mut current, &mut months)?;
            current = Some((month.to_string(), BTreeMap::new()));
            continue;
        }
        let (_, people) = current.as_mut()?;
        let (pid, outcome) = content.split_once(": ")?;
        if indent <= month_indent? || *person_indent.get_or_insert(indent) != indent || !person_key(pid) {
            return None;
        }
        if people.insert(pid.to_string(), flow_outcome(outcome)?).is_some() {
            return None;
        }
    }
    close(&mut current, &mut months)?;
    (header && !months.is_empty()).then_some(RawOutcomes { months })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn serde(text: &str) -> Result<RawOutcomes, String> {
        yaml::parse::<RawOutcomes>(text, "data/outcomes.yaml", 1).map_err(|d| d.to_string())
    }

    #[test]
    fn the_written_layout_is_read_as_serde_yaml_reads_it() {
        let text = "months:\n  # first\n  2026-01:\n    p1: { won: 3, lost: 2 }\n    p10: {won: 0, lost: 1, revenue: 45000}\n\n  2026-02:\n    p2: { lost: 0, won: 12 }\n";
        let read = plain(text).expect("plain");
        assert_eq!(Ok(&read), serde(text).as_ref());
        assert_eq!(read.months.len(), 2);
        for odd in [
            "months:\n  2026-01:\n    p1: { won: 3, lost: 2 }\n    p1: { won: 1, lost: 2 }\n",
            "months:\n  2026-01:\n    p1: { won: 3, lost: 2 }\n  2026-01:\n    p2: { won: 1, lost: 2 }\n",
            "months:\n  2026-01:\n  2026-02:\n    p2: { won: 1, lost: 2 }\n",
            "months:\n  2026-01:\n    p1: { won: 3 }\n",
            "months:\n  2026-01:\n    p1: { won: 3, lost: 2, extra: 1 }\n",
            "months:\n  2026-01:\n    p1: { won: 3.5, lost: 2 }\n",
            "months:\n  2026-01:\n    p1: { won: 03, lost: 2 }\n",
            "months:\n  2026-01:\n    p1: { won: 3, lost: 2 } # late\n",
            "months:\n  2026-01:\n    true: { won: 3, lost: 2 }\n",
            "months:\n  2026-1:\n    p1: { won: 3, lost: 2 }\n",
            "months:\n  2026-01:\n    p1:\n      won: 3\n      lost: 2\n",
            "months:\r\n  2026-01:\r\n    p1: { won: 3, lost: 2 }\r\n",
            "months:\n",
            "other:\n  2026-01:\n    p1: { won: 3, lost: 2 }\n",
        ] {
            assert!(plain(odd).is_none(), "{odd}");
        }
    }

    /// Mostly one of `plain`, now and then one of `odd`.
    fn mostly(plain: &'static [&'static str], odd: &'static [&'static str]) -> impl Strategy<Value = &'static str> {
        prop_oneof![12 => prop::sample::select(plain), 1 => prop::sample::select(odd)]
    }

    fn person_line() -> impl Strategy<Value = String> {
        (
            mostly(&["    "], &["   ", "  ", "      "]),
            mostly(&["p1", "p2", "p-3", "q_4"], &["yes", "P4", "1", "'p5'", "null"]),
            mostly(
                &[
                    " { won: 3, lost: 2 }",
                    " {won: 0, lost: 1, revenue: 45000}",
                    " { lost: 2, won: 1 }",
                    " { won:  1, lost: 1 }",
                ],
                &[
                    " { won: 3 }",
                    " { won: 3, lost: 2, revenue: 4.5 }",
                    " { won: -1, lost: 2 }",
                    " { won: 007, lost: 1 }",
                    " { won: 1, won: 2, lost: 1 }",
                    " { won: x, lost: 1 }",
                    " {}",
                    "",
                    " { won: 1, lost: 1 } # c",
                    " { won: 99999999999999999999, lost: 1 }",
                    " { won: 1, lost: 1, }",
                ],
            ),
        )
            .prop_map(|(indent, pid, value)| format!("{indent}{pid}:{value}\n"))
    }

    fn outcomes_text() -> impl Strategy<Value = String> {
        let month = (
            mostly(&["  "], &[" ", "    "]),
            mostly(
                &["2026-01", "2026-02", "2026-03"],
                &["2026-1", "'2026-03'", "2026-04 # c"],
            ),
            prop_oneof![9 => prop::collection::vec(person_line(), 1..5), 1 => Just(Vec::new())],
            mostly(&["", "\n", "  # note\n"], &["---\n", "other: 1\n"]),
        )
            .prop_map(|(indent, key, people, gap)| format!("{indent}{key}:\n{}{gap}", people.concat()));
        (
            mostly(
                &["months:\n", "# c\nmonths:\n"],
                &["months: {}\n", "other:\n", "months: # c\n"],
            ),
            prop::collection::vec(month, 1..4),
        )
            .prop_map(|(header, months)| format!("{header}{}", months.concat()))
    }

    proptest! {
        // Ids drawn from a few make many texts repeat a key, which the
        // reader leaves: more cases, so that enough are read.
        #![proptest_config(ProptestConfig::with_cases(1024))]
        /// Whatever the line reader takes, serde_yaml reads the same.
        #[test]
        fn the_line_reader_agrees_with_serde_yaml(text in outcomes_text()) {
            if let Some(read) = plain(&text) {
                let slow = serde(&text);
                prop_assert_eq!(Ok(&read), slow.as_ref(), "{}", text);
            }
        }
    }
}
