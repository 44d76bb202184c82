//! Who may be identified in a build, and the checks that keep it so.
//!
//! Logs of individual behaviour are personal data; in the Netherlands a
//! system that *can* monitor staff needs the works council's consent. The
//! safe thing is the default: aggregate builds identify nobody, small groups
//! are suppressed, and after writing, the output is scanned for any
//! person's name or id so that a template or page that leaks one fails the
//! build instead of publishing it.

use std::collections::{BTreeMap, BTreeSet};

use aho_corasick::{AhoCorasick, MatchKind};
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::config::PrivacyMode;
use crate::diagnostics::Diagnostic;
use crate::output::OutputFile;

/// Environment variable holding the pseudonym key.
pub const KEY_VAR: &str = "RITME_PSEUDONYM_KEY";

/// The pseudonym key from the environment; never written anywhere.
pub fn key_from_env() -> Result<String, Diagnostic> {
    match std::env::var(KEY_VAR) {
        Ok(k) if k.trim().len() >= 8 => Ok(k),
        Ok(_) => Err(Diagnostic::error(crate::config::FILE, format!("{KEY_VAR} is too short for pseudonyms"))
            .with_hint("use a random secret of at least 8 characters, e.g. `openssl rand -hex 16`, kept outside the repository")),
        Err(_) => Err(Diagnostic::error(
            crate::config::FILE,
            format!("pseudonymous builds need a key in the environment variable {KEY_VAR}"),
        )
        .with_hint("set it to a secret kept outside the repository (e.g. a CI secret); the same key gives the same pseudonyms")),
    }
}

/// A stable pseudonym for `person_id` under `key`: HMAC-SHA-256, shown as
/// `P-` and the first 8 hex digits. Without the key the mapping cannot be
/// recomputed or reversed.
pub fn pseudonym(key: &str, person_id: &str) -> String {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(person_id.as_bytes());
    let digest = mac.finalize().into_bytes();
    let hex: String = digest.iter().take(4).map(|b| format!("{b:02X}")).collect();
    format!("P-{hex}")
}

/// How a person is shown in this build.
#[derive(Debug, Clone)]
pub struct Identities {
    pub mode: PrivacyMode,
    shown: BTreeMap<String, String>,
}

impl Identities {
    /// `people` are (id, full name) pairs.
    pub fn new<'a>(mode: PrivacyMode, people: impl IntoIterator<Item = (&'a str, &'a str)>, key: Option<&str>) -> Self {
        let shown = people
            .into_iter()
            .filter_map(|(id, name)| match mode {
                PrivacyMode::Named => Some((id.to_string(), name.to_string())),
                PrivacyMode::Pseudonymous => key.map(|k| (id.to_string(), pseudonym(k, id))),
                PrivacyMode::Aggregate => None,
            })
            .collect();
        Identities { mode, shown }
    }

    /// The name to show for a person, or `None` when people are not shown.
    pub fn display(&self, person_id: &str) -> Option<&str> {
        self.shown.get(person_id).map(String::as_str)
    }

    /// Whether individual people appear in this build at all.
    pub fn shows_people(&self) -> bool {
        self.mode != PrivacyMode::Aggregate
    }
}

/// A person to look for in the output.
#[derive(Debug, Clone)]
pub struct Person<'a> {
    pub id: &'a str,
    pub name: &'a str,
}

/// Scans text output files for people's names (any case) and ids (as
/// written; ids shorter than 3 characters are too common to search for),
/// each as a whole word. `allowed` lists, per output path, the people that
/// may appear there (consenting stories name their own people). `secret` is
/// a string that must appear nowhere (the pseudonym key).
pub fn leaks(
    files: &[OutputFile],
    people: &[Person],
    allowed: &BTreeMap<String, BTreeSet<String>>,
    secret: Option<&str>,
) -> Vec<Diagnostic> {
    let mut patterns: Vec<(String, usize, bool)> = Vec::new(); // (pattern, person index, is_name)
    for (i, p) in people.iter().enumerate() {
        if p.name.trim().len() >= 3 {
            patterns.push((p.name.trim().to_lowercase(), i, true));
        }
        if p.id.len() >= 3 {
            patterns.push((p.id.to_string(), i, false));
        }
    }
    let names_ac = AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::LeftmostLongest)
        .build(patterns.iter().map(|(p, _, _)| p.as_str()));
    let Ok(ac) = names_ac else {
        return vec![Diagnostic::error("(output)", "internal: cannot build the leak scanner")];
    };
    let mut out = Vec::new();
    for f in files.iter().filter(|f| is_text(&f.path)) {
        let text = String::from_utf8_lossy(&f.bytes);
        if let Some(secret) = secret
            && !secret.is_empty()
            && text.contains(secret)
        {
            out.push(
                Diagnostic::error(&f.path, "the pseudonym key appears in the output")
                    .with_hint("remove it from templates and content"),
            );
        }
        let ok = allowed.get(&f.path);
        let mut reported: BTreeSet<usize> = BTreeSet::new();
        // Leftmost-longest: a full name wins over the id inside it; each
        // person is reported once per file.
        for m in ac.find_iter(text.as_ref()) {
            let (pattern, person, is_name) = &patterns[m.pattern().as_usize()];
            if reported.contains(person) {
                continue;
            }
            let hit = &text[m.start()..m.end()];
            // Ids are matched as written: `Roos` in a sentence is not the id `roos`.
            if !is_name && hit != pattern {
                continue;
            }
            if !is_whole_word(&text, m.start(), m.end()) {
                continue;
            }
            let p = &people[*person];
            if ok.is_some_and(|set| set.contains(p.id)) {
                continue;
            }
            reported.insert(*person);
            let line = text[..m.start()].matches('\n').count() + 1;
            let what = if *is_name { "name" } else { "id" };
            out.push(
                Diagnostic::error(
                    &f.path,
                    format!("privacy: the {what} of person `{}` appears in the output", p.id),
                )
                .at_line(line)
                .with_hint(
                    "this build may not identify people; remove the name from the template or page that prints it",
                ),
            );
        }
    }
    out
}

fn is_text(path: &str) -> bool {
    const TEXT: &[&str] = &[".html", ".css", ".js", ".json", ".svg", ".xml", ".txt", ".csv"];
    TEXT.iter().any(|ext| path.ends_with(ext))
}

fn is_whole_word(text: &str, start: usize, end: usize) -> bool {
    let word = |c: char| c.is_alphanumeric() || c == '_';
    let before = text[..start].chars().next_back().is_none_or(|c| !word(c));
    let after = text[end..].chars().next().is_none_or(|c| !word(c));
    before && after
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pseudonyms_are_stable_and_key_dependent() {
        assert_eq!(pseudonym("geheim-1234", "bram"), pseudonym("geheim-1234", "bram"));
        assert_ne!(pseudonym("geheim-1234", "bram"), pseudonym("ander-5678", "bram"));
        assert_ne!(pseudonym("geheim-1234", "bram"), pseudonym("geheim-1234", "carla"));
        let p = pseudonym("geheim-1234", "bram");
        assert!(p.starts_with("P-") && p.len() == 10, "{p}");
    }

    #[test]
    fn leak_scan_finds_names_and_ids_as_words() {
        let people = [
            Person {
                id: "bram",
                name: "Bram Jansen",
            },
            Person {
                id: "ed",
                name: "Ed Kok",
            },
        ];
        let files = vec![
            OutputFile::new("a/index.html", "<p>Goed gedaan, bram jansen!</p>"),
            OutputFile::new("b/index.html", "<p>bramen en abraham</p>"),
            OutputFile::new("c/index.html", "<a href=\"people/bram/\">x</a>"),
            OutputFile::new("d/index.html", "<p>Ed heeft het gedaan, eddy ook</p>"),
            OutputFile::new("assets/font.ttf", "bram"),
        ];
        let found = leaks(&files, &people, &BTreeMap::new(), None);
        let files_hit: Vec<&str> = found.iter().map(|d| d.file.as_str()).collect();
        assert_eq!(files_hit, ["a/index.html", "c/index.html"], "{found:#?}");
    }

    #[test]
    fn consenting_story_may_name_its_people() {
        let people = [Person {
            id: "bram",
            name: "Bram Jansen",
        }];
        let files = vec![OutputFile::new("stories/x/index.html", "Bram Jansen belde terug")];
        let mut allowed = BTreeMap::new();
        allowed.insert("stories/x/index.html".to_string(), BTreeSet::from(["bram".to_string()]));
        assert!(leaks(&files, &people, &allowed, None).is_empty());
        assert_eq!(leaks(&files, &people, &BTreeMap::new(), None).len(), 1);
    }

    #[test]
    fn the_key_never_reaches_the_output() {
        let files = vec![OutputFile::new("index.html", "sleutel: s3cr3t-key")];
        assert_eq!(leaks(&files, &[], &BTreeMap::new(), Some("s3cr3t-key")).len(), 1);
    }
}

/// Who a build is for: its privacy mode and the teams it may see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    /// The audience name, when built with `--audience`.
    pub audience: Option<String>,
    pub mode: PrivacyMode,
    /// Team ids the build may show; `None` for all teams.
    pub teams: Option<BTreeSet<String>>,
}

impl Scope {
    pub fn sees_team(&self, team: &str) -> bool {
        self.teams.as_ref().is_none_or(|t| t.contains(team))
    }

    /// Stories without consent appear only in named builds (DESIGN.md asks
    /// this of aggregate builds; a pseudonymous build would still print the
    /// names the story's text uses). A build limited to some teams shows
    /// only their stories (and stories of no team).
    pub fn may_show_story(&self, consent: bool, team: Option<&str>) -> bool {
        (consent || self.mode == PrivacyMode::Named) && team.is_none_or(|t| self.sees_team(t))
    }
}

/// The scope of a build: the named audience from `ritme.yaml`, or the
/// site's default privacy mode for every team.
pub fn scope(config: &crate::config::Config, audience: Option<&str>) -> Result<Scope, Diagnostic> {
    let Some(name) = audience else {
        return Ok(Scope {
            audience: None,
            mode: config.privacy.mode,
            teams: None,
        });
    };
    match config.audiences.get(name) {
        Some(a) => Ok(Scope {
            audience: Some(name.to_string()),
            mode: a.mode,
            teams: a.teams.as_ref().map(|t| t.iter().cloned().collect()),
        }),
        None => Err(
            Diagnostic::error(crate::config::FILE, format!("no audience `{name}` in ritme.yaml")).with_hint(
                crate::diagnostics::unknown_id_hint(name, config.audiences.keys().map(String::as_str)),
            ),
        ),
    }
}

/// The team data a scope may see: only its teams' people and their logs,
/// sessions and outcomes, so that no figure (not even an overall one)
/// carries anything of another team.
pub fn restrict(mut data: crate::teamdata::TeamData, scope: &Scope) -> crate::teamdata::TeamData {
    if scope.teams.is_none() {
        return data;
    }
    data.teams.retain(|t| scope.sees_team(&t.id));
    data.people.retain(|p| scope.sees_team(&p.team));
    let kept: BTreeSet<String> = data.people.iter().map(|p| p.id.clone()).collect();
    data.logs.retain(|(p, _), _| kept.contains(p));
    data.sources.retain(|(p, _), _| kept.contains(p));
    data.sessions.retain(|s| kept.contains(&s.person));
    for per_person in data.outcomes.values_mut() {
        per_person.retain(|p, _| kept.contains(p));
    }
    data
}

/// Lowercase words of people's names and their ids, for builds that may
/// not identify anyone (kept out of the search index). Name particles
/// (`de`, `van`, …) stay searchable.
pub fn name_words(people: &[crate::teamdata::Person]) -> BTreeSet<String> {
    const PARTICLES: &[&str] = &[
        "de", "van", "der", "den", "het", "ter", "ten", "el", "la", "le", "da", "di", "von",
    ];
    let mut out = BTreeSet::new();
    for p in people {
        out.insert(p.id.to_lowercase());
        for w in p.name.split(|c: char| !c.is_alphanumeric()).map(str::to_lowercase) {
            if w.chars().count() >= 3 && !PARTICLES.contains(&w.as_str()) {
                out.insert(w);
            }
        }
    }
    out
}
