//! Row problems, grouped by cause and value.
//!
//! An export of 2,000 rows with one unknown name is one mistake, not 180
//! errors: every problem is filed under its cause and the value that
//! caused it, and each group becomes one message naming how many rows and
//! which lines. Groups print with root causes first (the file's columns,
//! then who and what the rows name, then their values), each kind in file
//! order.

use std::collections::BTreeMap;

use crate::diagnostics::Diagnostic;

/// Kinds of problem, in the order they are reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Cause {
    Columns,
    Person,
    Behaviour,
    Date,
    Value,
    Active,
    Total,
}

/// Groups shown of one cause before the rest are summed up in one line.
const SHOWN_PER_CAUSE: usize = 20;

#[derive(Debug)]
struct Group {
    /// What the rows hold, e.g. `'Aisha Rahman'`; empty for a message alone.
    subject: String,
    /// What is wrong with it, e.g. `is not a person in data/team.yaml`.
    problem: String,
    hint: Option<String>,
    lines: Vec<usize>,
}

/// Problems found in one export.
#[derive(Debug)]
pub struct Problems {
    file: String,
    unit: &'static str,
    groups: BTreeMap<(Cause, String), Group>,
}

impl Problems {
    pub fn new(file: &str, unit: &'static str) -> Self {
        Problems {
            file: file.to_string(),
            unit,
            groups: BTreeMap::new(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }

    pub fn file(&self) -> &str {
        &self.file
    }

    pub fn unit(&self) -> &'static str {
        self.unit
    }

    /// Files a problem of `line`. Problems with the same cause and key are
    /// one group; the first one's words are kept.
    pub fn add(&mut self, cause: Cause, key: &str, line: usize, subject: &str, problem: &str, hint: Option<String>) {
        self.groups
            .entry((cause, key.to_string()))
            .or_insert_with(|| Group {
                subject: subject.to_string(),
                problem: problem.to_string(),
                hint,
                lines: Vec::new(),
            })
            .lines
            .push(line);
    }

    /// A problem of the whole file (its columns, its format).
    pub fn file_level(&mut self, line: usize, message: &str, hint: Option<String>) {
        self.add(Cause::Columns, message, line, "", message, hint);
    }

    /// The groups as diagnostics, root causes first.
    pub fn into_diagnostics(mut self) -> Vec<Diagnostic> {
        let mut by_cause: BTreeMap<Cause, Vec<Group>> = BTreeMap::new();
        let groups = std::mem::take(&mut self.groups);
        for ((cause, _), g) in groups {
            by_cause.entry(cause).or_default().push(g);
        }
        let mut out = Vec::new();
        for (_, mut groups) in by_cause {
            groups.sort_by_key(|g| g.lines.first().copied().unwrap_or(0));
            let more: Vec<Group> = groups.split_off(groups.len().min(SHOWN_PER_CAUSE));
            for g in groups {
                out.push(self.render(g));
            }
            if let Some(first) = more.first() {
                let lines: Vec<usize> = more.iter().flat_map(|g| g.lines.iter().copied()).collect();
                out.push(
                    Diagnostic::error(
                        &self.file,
                        format!(
                            "and {} more values like these ({})",
                            more.len(),
                            spans(&lines, self.unit)
                        ),
                    )
                    .at_line(first.lines.first().copied().unwrap_or(1)),
                );
            }
        }
        out
    }

    fn render(&self, g: Group) -> Diagnostic {
        let first = g.lines.first().copied().unwrap_or(1);
        let message = match (g.subject.is_empty(), g.lines.len()) {
            (true, 1) => g.problem,
            (true, n) => format!("{} (in {n} rows: {})", g.problem, spans(&g.lines, self.unit)),
            (false, 1) => format!("{} {}", g.subject, g.problem),
            (false, n) => format!(
                "{} in {n} rows ({}) {}",
                g.subject,
                spans(&g.lines, self.unit),
                g.problem
            ),
        };
        let d = Diagnostic::error(&self.file, message).at_line(first);
        match g.hint {
            Some(h) => d.with_hint(h),
            None => d,
        }
    }
}

/// `lines 4–183`, `lines 4, 9 and 12–14`, `rows 2–8, 11, … (40 in all)`.
pub fn spans(lines: &[usize], unit: &str) -> String {
    let mut sorted = lines.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    let mut ranges: Vec<(usize, usize)> = Vec::new();
    for l in sorted {
        match ranges.last_mut() {
            Some((_, end)) if *end + 1 == l => *end = l,
            _ => ranges.push((l, l)),
        }
    }
    let shown: Vec<String> = ranges
        .iter()
        .take(6)
        .map(|(a, b)| if a == b { a.to_string() } else { format!("{a}–{b}") })
        .collect();
    let plural = if ranges.len() == 1 && ranges[0].0 == ranges[0].1 {
        unit.to_string()
    } else {
        format!("{unit}s")
    };
    let list = match shown.len() {
        0 => String::new(),
        1 => shown[0].clone(),
        _ if ranges.len() > shown.len() => format!("{}, …", shown.join(", ")),
        n => format!("{} and {}", shown[..n - 1].join(", "), shown[n - 1]),
    };
    format!("{plural} {list}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_compress_runs() {
        assert_eq!(spans(&[4, 5, 6, 7], "line"), "lines 4–7");
        assert_eq!(spans(&[9], "line"), "line 9");
        assert_eq!(spans(&[4, 9, 12, 13, 14], "row"), "rows 4, 9 and 12–14");
        let many: Vec<usize> = (1..40).step_by(2).collect();
        assert!(spans(&many, "line").ends_with(", …"));
    }

    #[test]
    fn one_cause_and_value_is_one_message_and_roots_come_first() {
        let mut p = Problems::new("crm.csv", "line");
        for line in 4..=183 {
            p.add(
                Cause::Person,
                "aisha rahman",
                line,
                "'Aisha Rahman'",
                "is not a person in data/team.yaml",
                Some("did you mean aisha (Aisha Rahman)?".into()),
            );
        }
        p.add(Cause::Date, "x", 2, "'x'", "is not a date", None);
        p.file_level(1, "no column for `behaviour`", None);
        let d = p.into_diagnostics();
        assert_eq!(d.len(), 3);
        assert_eq!(d[0].message, "no column for `behaviour`");
        assert_eq!(
            d[1].to_string(),
            "crm.csv:4:1: error: 'Aisha Rahman' in 180 rows (lines 4–183) is not a person in data/team.yaml\n  hint: did you mean aisha (Aisha Rahman)?"
        );
        assert_eq!(d[2].line, Some(2));
    }
}
