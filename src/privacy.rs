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

/// What the leak scan found: problems, and files it could not read as text.
#[derive(Debug, Default)]
pub struct Scan {
    pub leaks: Vec<Diagnostic>,
    /// Files that are not UTF-8 text (fonts, images): listed, not scanned.
    pub skipped: Vec<String>,
}

/// What a pattern stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Name,
    FirstName,
    Id,
    /// A first name that is also the person's id (`bram`, Bram).
    FirstNameOrId,
}

/// Scans every output file, whatever its extension, for people's full
/// names, first names and ids, each as a whole word. Matching works on
/// folded text: HTML entities decoded, Unicode NFC and full case folding,
/// any run of whitespace (`&nbsp;` and line breaks too) as one space. A
/// first name or id counts only where it is written like one (a first name
/// starting with a capital, an id starting as the id does): "ik ben" is not
/// Ben. Files of ritme's built-in theme (`builtin`) are ritme's, not the
/// user's: only full names are looked for there, so an id `mark` does not
/// fail on the stylesheet. `allowed` lists, per output path, the people
/// that may appear there (consenting stories name their own people);
/// `secret` must appear nowhere (the pseudonym key).
pub fn leaks(
    files: &[OutputFile],
    people: &[Person],
    allowed: &BTreeMap<String, BTreeSet<String>>,
    secret: Option<&str>,
    builtin: &BTreeSet<String>,
) -> Scan {
    use rayon::prelude::*;
    let secret = secret.filter(|s| !s.is_empty());
    if people.is_empty() && secret.is_none() {
        return Scan::default();
    }
    let mut patterns: Vec<(String, usize, Kind)> = Vec::new();
    let mut seen: BTreeSet<(String, usize)> = BTreeSet::new();
    for (i, p) in people.iter().enumerate() {
        let name = fold(p.name).text;
        let name = name.trim();
        if name.chars().count() >= 3 && seen.insert((name.to_string(), i)) {
            patterns.push((name.to_string(), i, Kind::Name));
        }
        let parts: Vec<&str> = name.split(' ').collect();
        if parts.len() >= 2 && parts[0].chars().count() >= 3 && seen.insert((parts[0].to_string(), i)) {
            patterns.push((parts[0].to_string(), i, Kind::FirstName));
        }
        let id = fold(p.id).text;
        if id.chars().count() >= 3 {
            if seen.insert((id.clone(), i)) {
                patterns.push((id, i, Kind::Id));
            } else if let Some(first) = patterns
                .iter_mut()
                .find(|(t, j, k)| *t == id && *j == i && *k == Kind::FirstName)
            {
                first.2 = Kind::FirstNameOrId;
            }
        }
    }
    let Ok(ac) = AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostLongest)
        .build(patterns.iter().map(|(p, _, _)| p.as_str()))
    else {
        return Scan {
            leaks: vec![Diagnostic::error("(output)", "internal: cannot build the leak scanner")],
            skipped: Vec::new(),
        };
    };
    let per_file: Vec<(Vec<Diagnostic>, Option<String>)> = files
        .par_iter()
        .map(|f| {
            let Ok(raw) = std::str::from_utf8(&f.bytes) else {
                return (Vec::new(), Some(f.path.clone()));
            };
            let mut out = Vec::new();
            if let Some(secret) = secret
                && raw.contains(secret)
            {
                out.push(
                    Diagnostic::error(&f.path, "the pseudonym key appears in the output")
                        .with_hint("remove it from templates and content"),
                );
            }
            if patterns.is_empty() {
                return (out, None);
            }
            let ours = builtin.contains(&f.path);
            let text = fold(raw);
            let ok = allowed.get(&f.path);
            let mut reported: BTreeSet<usize> = BTreeSet::new();
            // Leftmost-longest: a full name wins over the first name or id
            // inside it; each person is reported once per file.
            for m in ac.find_iter(&text.text) {
                let (_, person, kind) = &patterns[m.pattern().as_usize()];
                if reported.contains(person) || !is_whole_word(&text.text, m.start(), m.end()) {
                    continue;
                }
                if *kind != Kind::Name && ours {
                    continue;
                }
                let p = &people[*person];
                let first_upper = text.upper[m.start()];
                let as_id = p.id.chars().next().is_some_and(|c| c.is_uppercase()) == first_upper;
                // An id that could be a word (`ben`, `mark`) counts only
                // where it stands as an id: "Ik ben" is prose.
                let as_id = as_id && stands_as_id(&text.text, m.start(), m.end());
                let written_like_it = match kind {
                    Kind::Name => true,
                    Kind::FirstName => first_upper,
                    Kind::Id => as_id,
                    Kind::FirstNameOrId => first_upper || as_id,
                };
                // A first name or id that is a word of ritme's own theme
                // (`mark`, `max`, `ben`) counts only where it stands as a
                // value (`people/mark/`, `"mark"`), never in prose or markup.
                let pattern = &patterns[m.pattern().as_usize()].0;
                if *kind != Kind::Name
                    && theme_words().contains(pattern.as_str())
                    && !stands_as_value(&text.text, m.start(), m.end())
                {
                    continue;
                }
                if !written_like_it || ok.is_some_and(|set| set.contains(p.id)) {
                    continue;
                }
                reported.insert(*person);
                let what = match kind {
                    Kind::Name => "name",
                    Kind::FirstName => "first name",
                    Kind::Id => "id",
                    Kind::FirstNameOrId if first_upper => "first name",
                    Kind::FirstNameOrId => "id",
                };
                out.push(
                    Diagnostic::error(
                        &f.path,
                        format!("privacy: the {what} of person `{}` appears in the output", p.id),
                    )
                    .at_line(text.line[m.start()] as usize)
                    .with_hint(
                        "this build may not identify people; remove the name from the template, page or static file that prints it",
                    ),
                );
            }
            (out, None)
        })
        .collect();
    let mut scan = Scan::default();
    for (d, skipped) in per_file {
        scan.leaks.extend(d);
        scan.skipped.extend(skipped);
    }
    scan
}

/// Text folded for matching, with, per byte, the line it came from and
/// whether the character it came from was a capital.
struct Folded {
    text: String,
    line: Vec<u32>,
    upper: Vec<bool>,
}

/// Entities decoded, NFC, full case folding, whitespace runs as one space.
fn fold(raw: &str) -> Folded {
    use unicode_normalization::UnicodeNormalization;
    let decoded = decode_entities(raw);
    let mut out = Folded {
        text: String::with_capacity(decoded.len()),
        line: Vec::with_capacity(decoded.len()),
        upper: Vec::with_capacity(decoded.len()),
    };
    let mut line = 1u32;
    let mut in_space = false;
    let mut buf = [0u8; 4];
    // NFC only where there is anything to compose: most output is ASCII.
    let chars: Box<dyn Iterator<Item = char>> = if decoded.is_ascii() {
        Box::new(decoded.chars())
    } else {
        Box::new(decoded.nfc())
    };
    for c in chars {
        if c.is_ascii() && !c.is_ascii_whitespace() {
            in_space = false;
            out.text.push(c.to_ascii_lowercase());
            out.line.push(line);
            out.upper.push(c.is_ascii_uppercase());
            continue;
        }
        if c.is_whitespace() {
            if !in_space {
                out.text.push(' ');
                out.line.push(line);
                out.upper.push(false);
                in_space = true;
            }
            if c == '\n' {
                line += 1;
            }
            continue;
        }
        in_space = false;
        let upper = c.is_uppercase();
        for f in caseless::default_case_fold_str(c.encode_utf8(&mut buf)).nfc() {
            out.text.push(f);
            for _ in 0..f.len_utf8() {
                out.line.push(line);
                out.upper.push(upper);
            }
        }
    }
    out
}

/// HTML character references: numeric ones, the few that markup uses
/// (`&amp;` …) and accented letters (`&Uuml;` → U + combining diaeresis,
/// which NFC then composes).
fn decode_entities(raw: &str) -> std::borrow::Cow<'_, str> {
    if !raw.contains('&') {
        return raw.into();
    }
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest[1..].find(';').map(|e| e + 1).filter(|e| *e <= 12);
        let decoded = end.and_then(|e| entity(&rest[1..e]));
        match (end, decoded) {
            (Some(e), Some(text)) => {
                out.push_str(&text);
                rest = &rest[e + 1..];
            }
            _ => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out.into()
}

fn entity(name: &str) -> Option<String> {
    if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        return char::from_u32(code).map(String::from);
    }
    let fixed = match name {
        "nbsp" | "ensp" | "emsp" | "thinsp" => Some(" "),
        "amp" => Some("&"),
        "lt" => Some("<"),
        "gt" => Some(">"),
        "quot" => Some("\""),
        "apos" => Some("'"),
        "shy" | "zwj" | "zwnj" => Some(""),
        "szlig" => Some("ß"),
        _ => None,
    };
    if let Some(f) = fixed {
        return Some(f.to_string());
    }
    const MARKS: &[(&str, char)] = &[
        ("uml", '\u{308}'),
        ("acute", '\u{301}'),
        ("grave", '\u{300}'),
        ("circ", '\u{302}'),
        ("tilde", '\u{303}'),
        ("cedil", '\u{327}'),
        ("ring", '\u{30A}'),
    ];
    let mut chars = name.chars();
    let letter = chars.next().filter(char::is_ascii_alphabetic)?;
    let mark = chars.as_str();
    MARKS
        .iter()
        .find(|(m, _)| *m == mark)
        .map(|(_, c)| format!("{letter}{c}"))
}

/// Folded words of the built-in theme's text files (templates, strings,
/// stylesheet, licences): ritme's vocabulary, not the user's.
fn theme_words() -> &'static BTreeSet<String> {
    static WORDS: std::sync::OnceLock<BTreeSet<String>> = std::sync::OnceLock::new();
    WORDS.get_or_init(|| {
        crate::embedded::THEME
            .iter()
            .filter(|(p, _)| !p.ends_with(".ttf") && !p.ends_with(".woff2"))
            .flat_map(|(_, b)| {
                fold(&String::from_utf8_lossy(b))
                    .text
                    .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .filter(|w| !w.is_empty())
                    .map(str::to_string)
                    .collect::<Vec<_>>()
            })
            .collect()
    })
}

/// The id at `start..end` stands where ritme, a template or a copied data
/// file would put an id, not where a sentence would use the word: an id
/// with anything but letters (`noord-rep3`) is never a word; a word-like
/// id counts in a path or URL (`people/ben.html`, `?p=ben`), a quoted
/// value or key (`"ben"`, `data-p=ben`), a YAML key (`ben:`) or as the whole text of an element (`<td>ben</td>`).
fn stands_as_id(text: &str, start: usize, end: usize) -> bool {
    let id = &text[start..end];
    if !id.chars().all(char::is_alphabetic) {
        return true;
    }
    // Not after a hyphen: heading anchors are slugs of prose
    // (`ik-ben-net-begonnen`).
    let before = text[..start].chars().next_back();
    let mut ahead = text[end..].chars();
    let after = ahead.next();
    let after2 = ahead.next();
    let alnum = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    matches!(before, Some('/' | '"' | '\'' | '#' | '=' | '?' | '&' | '`'))
        || matches!(after, Some('/' | '"' | '\'' | '?' | '#' | '&' | '`' | '='))
        || (after == Some('.') && alnum(after2))
        || (after == Some(':') && after2.is_none_or(char::is_whitespace))
        || (before == Some('>') && after == Some('<'))
}

/// The match stands as a value: a path segment, a quoted string, an anchor.
fn stands_as_value(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    matches!(before, Some('/' | '"' | '\'' | '#' | '='))
        && matches!(after, None | Some('/' | '"' | '\'' | '.' | '?' | '#' | '&'))
}

/// Output paths of files that are ritme's built-in theme, unchanged.
pub fn builtin_files(files: &[OutputFile]) -> BTreeSet<String> {
    files
        .iter()
        .filter(|f| {
            f.path
                .strip_prefix("assets/")
                .and_then(|p| crate::embedded::theme_file(&format!("static/{p}")))
                .is_some_and(|b| b == f.bytes.as_slice())
        })
        .map(|f| f.path.clone())
        .collect()
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
            OutputFile::new("assets/font.ttf", vec![0xff, 0xfe, b'b']),
        ];
        let found = leaks(&files, &people, &BTreeMap::new(), None, &BTreeSet::new()).leaks;
        let files_hit: Vec<&str> = found.iter().map(|d| d.file.as_str()).collect();
        assert_eq!(files_hit, ["a/index.html", "c/index.html"], "{found:#?}");
    }

    fn scan(people: &[Person], files: &[OutputFile]) -> Vec<String> {
        leaks(
            files,
            people,
            &BTreeMap::new(),
            None,
            &BTreeSet::from(["assets/style.css".to_string()]),
        )
        .leaks
        .iter()
        .map(|d| d.file.clone())
        .collect()
    }

    #[test]
    fn names_are_found_however_they_are_spelled() {
        let people = [
            Person {
                id: "umit",
                name: "Ümit Özdemir",
            },
            Person {
                id: "carla",
                name: "Carla Bakker",
            },
        ];
        let files = vec![
            OutputFile::new("caps.html", "<p>ÜMIT ÖZDEMIR</p>"),
            OutputFile::new("nfd.html", "<p>U\u{308}mit O\u{308}zdemir</p>"),
            OutputFile::new("nbsp.html", "<p>Carla&nbsp;Bakker</p>"),
            OutputFile::new("break.html", "<p>Carla\n   Bakker</p>"),
            OutputFile::new("entity.html", "<p>&Uuml;mit &#214;zdemir</p>"),
            OutputFile::new("first.txt", "Met dank aan Carla."),
            OutputFile::new("team.yml", "- name: Ümit Özdemir"),
            OutputFile::new("clean.html", "<p>caramel en bakkers</p>"),
        ];
        assert_eq!(
            scan(&people, &files),
            [
                "caps.html",
                "nfd.html",
                "nbsp.html",
                "break.html",
                "entity.html",
                "first.txt",
                "team.yml"
            ]
        );
    }

    #[test]
    fn ids_that_are_words_do_not_trip_on_ritmes_own_files() {
        let people = [
            Person {
                id: "mark",
                name: "Mark Boer",
            },
            Person {
                id: "ben",
                name: "Ben Ali",
            },
        ];
        let files = vec![
            OutputFile::new("assets/style.css", "mark { background: yellow } /* Mark */"),
            OutputFile::new("prose.html", "<p class=\"brand-mark\">mark the date</p>"),
            OutputFile::new("people.html", "<a href=\"people/mark/\">x</a>"),
        ];
        assert_eq!(scan(&people, &files), ["people.html"]);
    }

    #[test]
    fn ids_that_are_everyday_words_count_only_where_they_stand_as_ids() {
        let people = [
            Person {
                id: "ben",
                name: "Benjamin Smit",
            },
            Person {
                id: "mark",
                name: "Markus Dam",
            },
        ];
        let prose = vec![
            OutputFile::new("nl.html", "<p>Ik ben trots op het team.</p>"),
            OutputFile::new("en.html", "<p>Please mark the box, then mark.</p>"),
            OutputFile::new("end.html", "<p>Zo ben ik: ben</p>"),
            OutputFile::new("slug.html", "<h3 id=\"ik-ben-nieuw\">Ik ben nieuw</h3>"),
        ];
        assert!(scan(&people, &prose).is_empty(), "{:?}", scan(&people, &prose));
        let leaked = vec![
            OutputFile::new("url.html", "<a href=\"people/ben.html\">x</a>"),
            OutputFile::new("query.html", "<a href=\"?person=ben\">x</a>"),
            OutputFile::new("attr.html", "<div data-person=ben>x</div>"),
            OutputFile::new("json.json", "{\"ben\": 0.5}"),
            OutputFile::new("value.json", "[\"mark\"]"),
            OutputFile::new("cell.html", "<td>ben</td>"),
            OutputFile::new("team.yml", "entries:\n  ben:\n    bellen: 3\n"),
            OutputFile::new("first.html", "<p>Met dank aan Benjamin.</p>"),
        ];
        assert_eq!(
            scan(&people, &leaked),
            [
                "url.html",
                "query.html",
                "attr.html",
                "json.json",
                "value.json",
                "cell.html",
                "team.yml",
                "first.html"
            ]
        );
    }

    #[test]
    fn an_id_that_is_also_the_first_name_is_found_as_either() {
        let people = [Person {
            id: "ben",
            name: "Ben de Boer",
        }];
        let files = vec![
            OutputFile::new("prose.html", "<p>Ik ben trots.</p>"),
            OutputFile::new("name.html", "<p>Gesprek met ben de boer</p>"),
            OutputFile::new("first.html", "<p>Gesprek met Ben.</p>"),
            OutputFile::new("url.html", "<a href=\"people/ben/\">x</a>"),
        ];
        assert_eq!(scan(&people, &files), ["name.html", "first.html", "url.html"]);
    }

    #[test]
    fn ids_that_cannot_be_words_are_found_anywhere() {
        let people = [Person {
            id: "noord-rep3",
            name: "Rik Ros",
        }];
        let files = vec![OutputFile::new("p.html", "<p>Gesprek met noord-rep3 vandaag</p>")];
        assert_eq!(scan(&people, &files), ["p.html"]);
    }

    #[test]
    fn unreadable_files_are_listed_as_skipped() {
        let people = [Person {
            id: "bram",
            name: "Bram Jansen",
        }];
        let files = vec![OutputFile::new("logo.png", vec![0x89, b'P', b'N', b'G', 0xff])];
        let s = leaks(&files, &people, &BTreeMap::new(), None, &BTreeSet::new());
        assert_eq!(s.skipped, ["logo.png"]);
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
        assert!(
            leaks(&files, &people, &allowed, None, &BTreeSet::new())
                .leaks
                .is_empty()
        );
        assert_eq!(
            leaks(&files, &people, &BTreeMap::new(), None, &BTreeSet::new())
                .leaks
                .len(),
            1
        );
    }

    #[test]
    fn the_key_never_reaches_the_output() {
        let files = vec![OutputFile::new("index.html", "sleutel: s3cr3t-key")];
        assert_eq!(
            leaks(&files, &[], &BTreeMap::new(), Some("s3cr3t-key"), &BTreeSet::new())
                .leaks
                .len(),
            1
        );
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

    /// Stories without consent appear only in named builds (the rule asks
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

/// Audiences of `ritme.yaml` that name a team the team file does not
/// have: an error at the line that names it (a typo would otherwise build
/// an empty site, or one for nobody).
pub fn check_audiences(
    config: &crate::config::Config,
    text: &str,
    data: &crate::teamdata::TeamData,
) -> Vec<Diagnostic> {
    let known: Vec<&str> = data.teams.iter().map(|t| t.id.as_str()).collect();
    let mut out = Vec::new();
    for (name, a) in &config.audiences {
        for team in a.teams.iter().flatten() {
            if known.contains(&team.as_str()) {
                continue;
            }
            let (line, column) = locate(text, name, team);
            let mut d = Diagnostic::error(
                crate::config::FILE,
                format!("audience `{name}` names team `{team}`, which data/team.yaml does not have"),
            )
            .with_hint(crate::diagnostics::unknown_id_hint(team, known.iter().copied()));
            if let Some(line) = line {
                d = d.at(line, column);
            }
            out.push(d);
        }
    }
    out
}

/// Line and column of `team` in the text after the line that starts the
/// audience `name` (best effort: the config is already parsed).
fn locate(text: &str, name: &str, team: &str) -> (Option<usize>, usize) {
    let mut in_audience = false;
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        if trimmed.starts_with(&format!("{name}:")) {
            in_audience = true;
        }
        if in_audience {
            let after = if trimmed.starts_with(&format!("{name}:")) {
                line.find(':').map_or(0, |c| c + 1)
            } else {
                0
            };
            if let Some(col) = find_word(&line[after..], team) {
                return (Some(i + 1), after + col + 1);
            }
        }
    }
    (None, 1)
}

fn find_word(line: &str, word: &str) -> Option<usize> {
    line.match_indices(word)
        .find(|(i, _)| is_whole_word(line, *i, i + word.len()) && !line[i + word.len()..].starts_with(':'))
        .map(|(i, _)| i)
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
