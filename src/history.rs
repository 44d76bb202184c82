//! The playbook's history from git: when each page last changed, and what
//! changed in a month ("what changed in the playbook").
//!
//! One `git log` call for the whole site, not one process per file. Git is
//! an input like any other: dates come from commits, so output stays
//! deterministic. No repository or a shallow clone gives a warning and a
//! site without dates, never a failure.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use chrono::{DateTime, NaiveDate};

use crate::diagnostics::Diagnostic;

/// One commit that touched the site folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Commit {
    pub date: NaiveDate,
    pub subject: String,
    /// Paths relative to the site folder.
    pub files: Vec<String>,
}

/// The site's git history, newest commit first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct History {
    pub commits: Vec<Commit>,
}

impl History {
    /// Date of the last commit that changed `rel` (a path relative to the site).
    pub fn last_changed(&self) -> BTreeMap<&str, NaiveDate> {
        let mut out = BTreeMap::new();
        for c in &self.commits {
            for f in &c.files {
                out.entry(f.as_str()).or_insert(c.date);
            }
        }
        out
    }

    /// Commits in month `ym` (`YYYY-MM`) that touched files under one of `dirs`.
    pub fn changes_in_month<'a>(&'a self, ym: &str, dirs: &[&str]) -> Vec<&'a Commit> {
        self.commits
            .iter()
            .filter(|c| c.date.format("%Y-%m").to_string() == ym)
            .filter(|c| c.files.iter().any(|f| dirs.iter().any(|d| f.starts_with(d))))
            .collect()
    }
}

impl History {
    /// The history with every person's full name, first name and id in
    /// commit subjects replaced by "…", for builds that may not identify
    /// anyone: a subject such as "Op verzoek van Carla" must neither be
    /// published nor fail every later build (history cannot be edited).
    /// `people` are (id, full name) pairs.
    pub fn redacted(&self, people: &[(&str, &str)]) -> History {
        let mut names: Vec<Vec<String>> = Vec::new();
        for (id, name) in people {
            let words: Vec<String> = words(name).into_iter().map(fold).collect();
            if let Some(first) = words.first()
                && words.len() > 1
            {
                names.push(vec![first.clone()]);
            }
            names.push(words);
            names.push(words_of_id(id));
        }
        names.retain(|n| !n.is_empty());
        // Longest first, so a full name goes as one "…".
        names.sort_by_key(|n| std::cmp::Reverse(n.len()));
        History {
            commits: self
                .commits
                .iter()
                .map(|c| Commit {
                    subject: redact(&c.subject, &names),
                    ..c.clone()
                })
                .collect(),
        }
    }
}

fn fold(w: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    caseless::default_case_fold_str(&w.nfc().collect::<String>())
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || unicode_normalization::char::is_combining_mark(c)
}

/// The words of a text.
fn words(text: &str) -> Vec<&str> {
    text.split(|c: char| !is_word(c)).filter(|w| !w.is_empty()).collect()
}

fn words_of_id(id: &str) -> Vec<String> {
    words(id).into_iter().map(fold).collect()
}

/// `text` with every run of words equal (folded) to one of `names` as "…".
fn redact(text: &str, names: &[Vec<String>]) -> String {
    // Tokens: (is word, text).
    let mut tokens: Vec<(bool, &str)> = Vec::new();
    let mut start = 0;
    let mut prev: Option<bool> = None;
    for (i, c) in text.char_indices() {
        let w = is_word(c);
        if let Some(p) = prev.filter(|p| *p != w) {
            tokens.push((p, &text[start..i]));
            start = i;
        }
        prev = Some(w);
    }
    if let Some(p) = prev {
        tokens.push((p, &text[start..]));
    }
    let folded: Vec<Option<String>> = tokens.iter().map(|(w, t)| w.then(|| fold(t))).collect();
    let word_at: Vec<usize> = (0..tokens.len()).filter(|i| tokens[*i].0).collect();
    let mut out = String::with_capacity(text.len());
    let mut k = 0; // index into word_at
    let mut emitted = 0; // tokens emitted so far
    while k < word_at.len() {
        let hit = names.iter().find(|n| {
            n.len() <= word_at.len() - k
                && n.iter().enumerate().all(|(d, w)| {
                    let i = word_at[k + d];
                    // Only whitespace between the parts of a name.
                    let joined = d == 0
                        || tokens[word_at[k + d - 1] + 1..i]
                            .iter()
                            .all(|(_, t)| t.trim().is_empty());
                    joined && folded[i].as_deref() == Some(w.as_str())
                })
        });
        match hit {
            Some(n) => {
                let first = word_at[k];
                let last = word_at[k + n.len() - 1];
                for (_, t) in &tokens[emitted..first] {
                    out.push_str(t);
                }
                out.push('…');
                emitted = last + 1;
                k += n.len();
            }
            None => k += 1,
        }
    }
    for (_, t) in &tokens[emitted..] {
        out.push_str(t);
    }
    out
}

const RECORD: char = '\u{1e}';
const FIELD: char = '\u{1f}';

/// Reads the history of `site` with one `git log`. Returns the history and,
/// when it is incomplete or absent, a warning to show.
pub fn read(site: &Path) -> (History, Option<Diagnostic>) {
    let git = |args: &[&str]| Command::new("git").arg("-C").arg(site).args(args).output();
    let prefix = match git(&["rev-parse", "--show-prefix"]) {
        Ok(o) if o.status.success() => String::from_utf8_lossy(&o.stdout).trim().to_string(),
        _ => {
            return (
                History::default(),
                Some(
                    Diagnostic::warning(".", "the site is not in a git repository: pages show no change dates")
                        .with_hint(
                            "keep the programme in git to get \"last changed\" dates and the playbook's change log",
                        ),
                ),
            );
        }
    };
    let shallow = matches!(git(&["rev-parse", "--is-shallow-repository"]), Ok(o) if String::from_utf8_lossy(&o.stdout).trim() == "true");
    let format = format!("--format={RECORD}%ct{FIELD}%s");
    let log = git(&["log", "--no-merges", "--name-only", "--no-renames", &format, "--", "."]);
    let history = match log {
        Ok(o) if o.status.success() => parse(&String::from_utf8_lossy(&o.stdout), &prefix),
        _ => History::default(),
    };
    let warning = shallow.then(|| {
        Diagnostic::warning(
            ".",
            "the git history is shallow: change dates and the playbook's change log are incomplete",
        )
        .with_hint("in CI, fetch the full history (e.g. `fetch-depth: 0`)")
    });
    (history, warning)
}

/// Parses `git log` output in the format written by [`read`]; `prefix` is the
/// site folder's path inside the repository (`content/`), stripped from paths.
pub fn parse(text: &str, prefix: &str) -> History {
    let mut commits = Vec::new();
    for record in text.split(RECORD).filter(|r| !r.trim().is_empty()) {
        let mut lines = record.lines();
        let Some(header) = lines.next() else { continue };
        let Some((ts, subject)) = header.split_once(FIELD) else {
            continue;
        };
        let Some(date) = ts
            .trim()
            .parse::<i64>()
            .ok()
            .and_then(|t| DateTime::from_timestamp(t, 0))
            .map(|d| d.date_naive())
        else {
            continue;
        };
        let files = lines
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .filter_map(|l| l.strip_prefix(prefix))
            .map(str::to_string)
            .collect();
        commits.push(Commit {
            date,
            subject: subject.trim().to_string(),
            files,
        });
    }
    History { commits }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects_lose_names_first_names_and_ids() {
        let h = History {
            commits: vec![Commit {
                date: NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(),
                subject: "Op verzoek van Carla: belscript; ÜMIT ÖZDEMIR en carla bakker, met dank aan ivo".into(),
                files: vec![],
            }],
        };
        let r = h.redacted(&[
            ("carla", "Carla Bakker"),
            ("umit", "Ümit Özdemir"),
            ("ivo", "Ivo Hendriks"),
        ]);
        assert_eq!(
            r.commits[0].subject,
            "Op verzoek van …: belscript; … en …, met dank aan …"
        );
    }

    #[test]
    fn parses_batched_log_and_strips_prefix() {
        let text = "\u{1e}1772668800\u{1f}Scherper doel voor opvolgen\n\ncontent/behaviours/tijdig-opvolgen.md\nsrc/x.rs\n\u{1e}1770000000\u{1f}Eerste versie\n\ncontent/behaviours/tijdig-opvolgen.md\ncontent/coaching/spiegelgesprek.md\n";
        let h = parse(text, "content/");
        assert_eq!(h.commits.len(), 2);
        assert_eq!(h.commits[0].files, ["behaviours/tijdig-opvolgen.md"]);
        let last = h.last_changed();
        assert_eq!(last["behaviours/tijdig-opvolgen.md"].to_string(), "2026-03-05");
        assert_eq!(last["coaching/spiegelgesprek.md"].to_string(), "2026-02-02");
        assert_eq!(h.changes_in_month("2026-03", &["behaviours/", "coaching/"]).len(), 1);
        assert!(h.changes_in_month("2026-04", &["behaviours/"]).is_empty());
    }

    #[test]
    fn no_repository_is_a_warning_not_an_error() {
        let tmp = tempfile::tempdir().unwrap();
        let (h, w) = read(tmp.path());
        assert!(h.commits.is_empty());
        assert!(!w.unwrap().is_error());
    }
}
