//! Problems found in a user's site, collected rather than thrown.
//!
//! HR staff and managers edit these files by hand; stopping at the first
//! mistake would make them fix one line per build. Every stage therefore
//! pushes into a [`Diagnostics`] list and the build fails once, at the end
//! of validation, with all of them — each naming `file:line:col`, what was
//! expected and, where we can guess it, a hint.

use std::fmt;

/// How serious a finding is: errors fail `build` and `check`, warnings only
/// fail `check --strict`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One finding, located in the site folder as precisely as the input allows.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Diagnostic {
    /// Path relative to the site folder, with `/` separators.
    pub file: String,
    /// 1-based line, when the problem has one.
    pub line: Option<usize>,
    /// 1-based column, when known.
    pub column: Option<usize>,
    pub severity: Severity,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn error(file: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            file: file.into(),
            line: None,
            column: None,
            severity: Severity::Error,
            message: message.into(),
            hint: None,
        }
    }

    pub fn warning(file: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(file, message)
        }
    }

    pub fn at(mut self, line: usize, column: usize) -> Self {
        self.line = Some(line.max(1));
        self.column = Some(column.max(1));
        self
    }

    pub fn at_line(mut self, line: usize) -> Self {
        self.line = Some(line.max(1));
        self.column.get_or_insert(1);
        self
    }

    /// Places the finding at a position if one is known, leaving it file-level otherwise.
    pub fn at_pos(self, pos: Option<Pos>) -> Self {
        match pos {
            Some(p) => self.at(p.line, p.column),
            None => self,
        }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// The `file:line:col: level: message` shape that editors and CI parse.
impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}:{}", self.column.unwrap_or(1))?;
        }
        let level = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, ": {level}: {}", self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

/// A 1-based line and column in a source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pos {
    pub line: usize,
    pub column: usize,
}

/// Everything found so far, in the order stages found it; sorted on output.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    pub fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(other);
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    pub fn error_count(&self) -> usize {
        self.items.iter().filter(|d| d.is_error()).count()
    }

    pub fn warning_count(&self) -> usize {
        self.items.len() - self.error_count()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Sorted by file, then position, errors before warnings; duplicates removed
    /// so that one mistake seen by two stages is reported once.
    pub fn into_sorted(mut self) -> Vec<Diagnostic> {
        self.items.sort();
        self.items.dedup();
        self.items
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }
}

impl From<Vec<Diagnostic>> for Diagnostics {
    fn from(items: Vec<Diagnostic>) -> Self {
        Diagnostics { items }
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

/// The known id closest to a misspelt one, if any is close enough to be a
/// plausible typo (so we never suggest `eva` for `tijdig-opvolgen`).
pub fn nearest<'a>(wanted: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let wanted_lower = wanted.to_lowercase();
    known
        .into_iter()
        .map(|k| (k, k.to_lowercase()))
        // Jaro-Winkler ranks; the edit distance keeps short ids honest:
        // `anne` and `daniel` score 0.75 but are three edits apart.
        .filter(|(_, k)| {
            let longest = k.chars().count().max(wanted_lower.chars().count());
            strsim::levenshtein(&wanted_lower, k) <= longest.div_ceil(3).max(2)
        })
        .map(|(k, lower)| (strsim::jaro_winkler(&wanted_lower, &lower), k))
        .filter(|(score, _)| *score >= 0.75)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, k)| k)
}

/// The hint for an unknown id: the nearest known one, or the list of known
/// ids when there are few, so the author always learns what *is* valid.
pub fn unknown_id_hint<'a>(wanted: &str, known: impl IntoIterator<Item = &'a str> + Clone) -> String {
    if let Some(near) = nearest(wanted, known.clone()) {
        return format!("did you mean `{near}`?");
    }
    let mut all: Vec<&str> = known.into_iter().collect();
    all.sort_unstable();
    if all.is_empty() {
        "none are defined yet".to_string()
    } else if all.len() <= 12 {
        format!("known ids: {}", all.join(", "))
    } else {
        format!("{} ids are defined; check the spelling", all.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_has_editor_shape_and_hint() {
        let d = Diagnostic::error("stories/a.md", "unknown behaviour `tijdig-opvolen`")
            .at(4, 15)
            .with_hint("did you mean `tijdig-opvolgen`?");
        assert_eq!(
            d.to_string(),
            "stories/a.md:4:15: error: unknown behaviour `tijdig-opvolen`\n  hint: did you mean `tijdig-opvolgen`?"
        );
    }

    #[test]
    fn nearest_finds_typos_but_not_strangers() {
        let known = ["tijdig-opvolgen", "gesprek-voorbereiden", "eva"];
        assert_eq!(nearest("tijdig-opvolen", known), Some("tijdig-opvolgen"));
        assert_eq!(nearest("Gesprek-Voorbereiden", known), Some("gesprek-voorbereiden"));
        assert_eq!(nearest("zzzzzz", known), None);
        assert_eq!(nearest("anne", ["daniel"]), None);
        assert_eq!(nearest("anne", ["daniel", "anna"]), Some("anna"));
    }

    #[test]
    fn sorted_puts_files_and_lines_in_order_and_dedups() {
        let mut ds = Diagnostics::new();
        ds.push(Diagnostic::error("b.md", "x").at(3, 1));
        ds.push(Diagnostic::error("a.md", "y").at(9, 1));
        ds.push(Diagnostic::error("b.md", "x").at(3, 1));
        ds.push(Diagnostic::error("b.md", "z").at(1, 1));
        let out: Vec<String> = ds.into_sorted().iter().map(|d| d.to_string()).collect();
        assert_eq!(out, ["a.md:9:1: error: y", "b.md:1:1: error: z", "b.md:3:1: error: x"]);
    }
}
