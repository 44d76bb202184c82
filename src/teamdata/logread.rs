//! Reading the weekly log files into their documents, before any check.
//!
//! Three readers, fastest first, each vouching only for what it reads
//! exactly as serde_yaml would: [`plain_log`] (the layout ritme, import
//! and a spreadsheet export write), then the generic one-pass reader of
//! [`yaml::read_documents`], then serde_yaml itself, which also reports
//! every problem in its located words.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Deserialize;

use crate::diagnostics::Diagnostic;
use crate::source::SourceFile;
use crate::yaml;

/// One document of a log file as written.
#[derive(Debug, PartialEq)]
pub(super) struct RawLogDoc {
    pub week: String,
    /// Entries by person id, in id order, each id once.
    pub entries: Vec<(String, Option<RawEntry>)>,
}

/// What serde_yaml reads a log document into (then made a [`RawLogDoc`]).
/// (Named as the type was before, which serde_yaml's messages may quote.)
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename = "RawLogDoc")]
struct SerdeLogDoc {
    week: String,
    #[serde(default)]
    entries: BTreeMap<String, Option<RawEntry>>,
}

impl From<SerdeLogDoc> for RawLogDoc {
    fn from(d: SerdeLogDoc) -> RawLogDoc {
        RawLogDoc {
            week: d.week,
            entries: d.entries.into_iter().collect(),
        }
    }
}

/// A person's entry: `skip` (or another word, reported later) or counts.
/// Hand-written visitors instead of `#[serde(untagged)]`: untagged enums
/// buffer every value first, which made loading a large team's logs slow.
#[derive(Debug, PartialEq)]
pub(super) enum RawEntry {
    Word(String),
    /// Values by behaviour id, in id order, each id once. The ids are
    /// shared within a file: one allocation per behaviour, not per value.
    Values(Vec<(Arc<str>, RawValue)>),
}

#[derive(Debug, PartialEq)]
pub(super) enum RawValue {
    Int(i64),
    Float(f64),
    Bool(bool),
    Word(String),
}

impl<'de> Deserialize<'de> for RawEntry {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = RawEntry;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("`skip` or counts per behaviour")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<RawEntry, E> {
                Ok(RawEntry::Word(v.to_string()))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<RawEntry, A::Error> {
                let mut values = BTreeMap::new();
                while let Some((k, v)) = map.next_entry::<String, RawValue>()? {
                    values.insert(k, v);
                }
                Ok(RawEntry::Values(
                    values.into_iter().map(|(k, v)| (Arc::from(k), v)).collect(),
                ))
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for RawValue {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = RawValue;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a count or `skip`")
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<RawValue, E> {
                Ok(RawValue::Int(v))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<RawValue, E> {
                Ok(RawValue::Int(i64::try_from(v).unwrap_or(i64::MAX)))
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<RawValue, E> {
                Ok(RawValue::Float(v))
            }
            fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<RawValue, E> {
                Ok(RawValue::Bool(v))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<RawValue, E> {
                Ok(RawValue::Word(v.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

impl RawValue {
    /// The value as the author wrote it, for messages.
    pub(super) fn shown(&self) -> String {
        match self {
            RawValue::Int(n) => n.to_string(),
            RawValue::Float(x) => x.to_string(),
            RawValue::Bool(b) => b.to_string(),
            RawValue::Word(w) => w.clone(),
        }
    }

    pub(super) fn number(&self) -> Option<f64> {
        match self {
            RawValue::Int(n) => Some(*n as f64),
            RawValue::Float(x) if x.is_finite() => Some(*x),
            _ => None,
        }
    }

    pub(super) fn whole(&self) -> Option<u32> {
        match self {
            RawValue::Int(n) => u32::try_from(*n).ok(),
            _ => None,
        }
    }
}

/// The behaviour ids of one file, each allocated once.
#[derive(Default)]
struct Ids(Vec<Arc<str>>);

impl Ids {
    fn get(&mut self, id: &str) -> Arc<str> {
        if let Some(a) = self.0.iter().find(|a| &***a == id) {
            return a.clone();
        }
        let a: Arc<str> = Arc::from(id);
        // A file naming hundreds of ids is odd: those are not shared
        // rather than looked for among ever more.
        if self.0.len() < 64 {
            self.0.push(a.clone());
        }
        a
    }
}

/// In id order, or `None` when an id is there twice (the generic readers
/// then report it).
fn sorted_unique<K: AsRef<str>, T>(mut pairs: Vec<(K, T)>) -> Option<Vec<(K, T)>> {
    pairs.sort_by(|a, b| a.0.as_ref().cmp(b.0.as_ref()));
    pairs
        .windows(2)
        .all(|w| w[0].0.as_ref() != w[1].0.as_ref())
        .then_some(pairs)
}

/// A plain scalar serde_yaml reads as null.
fn is_null_word(w: &str) -> bool {
    matches!(w, "" | "null" | "Null" | "NULL")
}

/// A count as [`yaml::Scalar::count`] takes it from a plain word.
fn count(w: &str) -> Option<i64> {
    let t = w.as_bytes();
    let ok = !t.is_empty() && t.len() <= 18 && t.iter().all(u8::is_ascii_digit) && (t[0] != b'0' || t.len() == 1);
    ok.then(|| w.parse().ok()).flatten()
}

/// The fastest reader, straight from the lines to the documents, for a
/// log written the way ritme writes one: per document `week: …` and
/// `entries:` at the margin, a person per line below it (`skip`, nothing,
/// `{}`, or counts and `skip` per behaviour on the lines below that),
/// comments, blank lines and `---`. It takes exactly the texts that
/// [`yaml::read_documents`]' line reader takes and that then make a log
/// document, and reads them into what [`log_doc`] makes of them (a test
/// compares the two); for any other text it gives `None`.
fn plain_log(text: &str) -> Option<Vec<RawLogDoc>> {
    if yaml::never_plain(text) {
        return None;
    }
    /// Where the next indented line belongs.
    enum Under {
        /// Nothing may be indented here.
        Nothing,
        /// `entries:` was written without a value: its map opens next.
        EntriesKey,
        /// Entries at this indent.
        Entries(usize),
    }
    #[derive(Default)]
    struct Doc {
        started: bool,
        week: Option<String>,
        entries_seen: bool,
        entries: Vec<(String, Option<RawEntry>)>,
    }
    /// The entry being read: its person, and its values once a line below
    /// it opened them (at that indent).
    type Values = Vec<(Arc<str>, RawValue)>;
    struct Open {
        pid: String,
        values: Option<(usize, Values)>,
    }
    fn close_entry(doc: &mut Doc, open: &mut Option<Open>) -> Option<()> {
        if let Some(o) = open.take() {
            let entry = match o.values {
                // `pid:` and nothing below: null.
                None => None,
                Some((_, values)) => Some(RawEntry::Values(sorted_unique(values)?)),
            };
            doc.entries.push((o.pid, entry));
        }
        Some(())
    }
    fn finish(mut doc: Doc, under: &Under, docs: &mut Vec<RawLogDoc>) -> Option<()> {
        if !doc.started {
            return Some(());
        }
        // `entries:` with nothing below: null, which no log document is.
        if matches!(under, Under::EntriesKey) {
            return None;
        }
        let entries = sorted_unique(std::mem::take(&mut doc.entries))?;
        docs.push(RawLogDoc {
            week: doc.week?,
            entries,
        });
        Some(())
    }
    let mut ids = Ids::default();
    let mut docs = Vec::new();
    let mut doc = Doc::default();
    let mut under = Under::Nothing;
    let mut open: Option<Open> = None;
    for line in text.split('\n') {
        let content = line.trim_start_matches(' ');
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        if line == "---" {
            close_entry(&mut doc, &mut open)?;
            finish(std::mem::take(&mut doc), &under, &mut docs)?;
            under = Under::Nothing;
            continue;
        }
        let (indent, key, value) = yaml::plain_line(line, content)?;
        doc.started = true;
        if indent == 0 {
            close_entry(&mut doc, &mut open)?;
            if matches!(under, Under::EntriesKey) {
                return None;
            }
            under = Under::Nothing;
            match key {
                "week" if doc.week.is_none() && value != "{}" && !is_null_word(value) => {
                    doc.week = Some(value.to_string());
                }
                "entries" if !doc.entries_seen => {
                    doc.entries_seen = true;
                    match value {
                        "" => under = Under::EntriesKey,
                        "{}" => {}
                        _ => return None,
                    }
                }
                _ => return None,
            }
            continue;
        }
        let e1 = match under {
            Under::Nothing => return None,
            Under::EntriesKey => {
                under = Under::Entries(indent);
                indent
            }
            Under::Entries(e1) => e1,
        };
        if indent == e1 {
            close_entry(&mut doc, &mut open)?;
            let entry = match value {
                "" => {
                    open = Some(Open {
                        pid: key.to_string(),
                        values: None,
                    });
                    continue;
                }
                "{}" => Some(RawEntry::Values(Vec::new())),
                "skip" => Some(RawEntry::Word("skip".to_string())),
                w if is_null_word(w) => None,
                _ => return None,
            };
            doc.entries.push((key.to_string(), entry));
            continue;
        }
        // A value of the open entry.
        let o = open.as_mut()?;
        let values = match &mut o.values {
            Some((e2, values)) if *e2 == indent => values,
            Some(_) => return None,
            // Room for as many values as the file has behaviours so far:
            // an entry usually names each of them once.
            None if indent > e1 => &mut o.values.insert((indent, Vec::with_capacity(ids.0.len().max(4)))).1,
            None => return None,
        };
        let v = match value {
            "skip" => RawValue::Word("skip".to_string()),
            w => RawValue::Int(count(w)?),
        };
        values.push((ids.get(key), v));
    }
    close_entry(&mut doc, &mut open)?;
    finish(doc, &under, &mut docs)?;
    Some(docs)
}

/// A log document from the nodes [`yaml::read_documents`] read: `None`
/// unless every part of it is read here exactly as serde_yaml reads it
/// into [`RawLogDoc`] (the caller then lets serde_yaml read the file, which
/// reports what is wrong). Only the plain shapes of a log are taken: a
/// week, entries of `skip`, nothing, or counts and `skip` per behaviour.
pub(super) fn log_doc(node: yaml::Node) -> Option<RawLogDoc> {
    use yaml::Node;
    let Node::Map(fields) = node else { return None };
    let (mut week, mut entries) = (None, BTreeMap::new());
    for (key, value) in fields {
        match (key.text.as_str(), value) {
            ("week", Node::Scalar(w)) if !w.is_null() => week = Some(w.text),
            ("entries", Node::Map(people)) => {
                for (pid, entry) in people {
                    let entry = match entry {
                        Node::Scalar(s) if s.is_null() => None,
                        Node::Scalar(s) if s.plain && s.text == "skip" => Some(RawEntry::Word(s.text)),
                        Node::Map(values) => {
                            let mut out = BTreeMap::new();
                            for (bid, v) in values {
                                let Node::Scalar(v) = v else { return None };
                                let v = match v.count() {
                                    Some(n) => RawValue::Int(i64::try_from(n).ok()?),
                                    None if v.plain && v.text == "skip" => RawValue::Word(v.text),
                                    None => return None,
                                };
                                out.insert(bid.text, v);
                            }
                            Some(RawEntry::Values(
                                out.into_iter().map(|(k, v)| (Arc::from(k), v)).collect(),
                            ))
                        }
                        _ => return None,
                    };
                    entries.insert(pid.text, entry);
                }
            }
            _ => return None,
        }
    }
    Some(RawLogDoc {
        week: week?,
        entries: entries.into_iter().collect(),
    })
}

/// Every log document of a file: read in one pass when the file is plain
/// (nearly always), else by serde_yaml with its located messages.
pub(super) fn log_docs(f: &SourceFile) -> Result<Vec<RawLogDoc>, Diagnostic> {
    if let Some(docs) = plain_log(&f.text) {
        return Ok(docs);
    }
    general(f)
}

/// [`log_docs`] without [`plain_log`].
fn general(f: &SourceFile) -> Result<Vec<RawLogDoc>, Diagnostic> {
    let fast = yaml::read_documents(&f.text).and_then(|docs| docs.into_iter().map(log_doc).collect());
    match fast {
        Some(docs) => Ok(docs),
        None => serde_docs(&f.text, &f.rel),
    }
}

/// The documents as serde_yaml reads them, or its located message.
fn serde_docs(text: &str, file: &str) -> Result<Vec<RawLogDoc>, Diagnostic> {
    let docs = yaml::parse_documents::<SerdeLogDoc>(text, file)?;
    Ok(docs.into_iter().map(RawLogDoc::from).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn file(text: &str) -> SourceFile {
        SourceFile {
            rel: "data/logs/x.yaml".into(),
            text: text.into(),
        }
    }

    #[test]
    fn a_plain_log_is_read_in_one_pass_as_serde_yaml_reads_it() {
        let text = "week: 2026-W10\nentries:\n  ann:\n    calls: 3\n    demos: skip\n  bob: skip\n  cem:\n  dirk: {calls: 0}\n---\n# nothing\n---\nweek: \"2026-W11\"\nentries: {}\n";
        let fast: Vec<RawLogDoc> = yaml::read_documents(text)
            .expect("plain")
            .into_iter()
            .map(|d| log_doc(d).expect("a log"))
            .collect();
        assert_eq!(fast, serde_docs(text, "x").unwrap());
        assert_eq!(fast.len(), 2);
    }

    /// Pieces of a log entry's value, plain and odd.
    const VALUES: [&str; 18] = [
        "0",
        "3",
        "12",
        "007",
        "+4",
        "-1",
        "2.5",
        "1e3",
        "0x1f",
        "skip",
        "'skip'",
        "\"5\"",
        "~",
        "true",
        "[1]",
        "{a: 1}",
        "99999999999999999999",
        "skip # why",
    ];

    fn entry() -> impl Strategy<Value = String> {
        let value = prop::sample::select(&VALUES[..]);
        let behaviours = prop::collection::vec(
            (prop::sample::select(&["calls", "demos", "Calls", "'calls'"][..]), value),
            0..4,
        );
        prop_oneof![
            Just(" skip".to_string()),
            Just("".to_string()),
            Just(" ~".to_string()),
            Just(" 3".to_string()),
            Just(" skipped".to_string()),
            behaviours
                .clone()
                .prop_map(|bs| bs.iter().map(|(b, v)| format!("\n    {b}: {v}")).collect()),
            behaviours.prop_map(|bs| {
                let inner: Vec<String> = bs.iter().map(|(b, v)| format!("{b}: {v}")).collect();
                format!(" {{{}}}", inner.join(", "))
            }),
        ]
    }

    fn doc() -> impl Strategy<Value = String> {
        let week = prop::sample::select(&["2026-W10", "'2026-W11'", "2026", "~", "[1]", "2026-W10 # c"][..]);
        let people = prop::collection::vec(
            (prop::sample::select(&["ann", "bob", "'ann'", "1", "~"][..]), entry()),
            0..4,
        );
        let extra = prop::sample::select(&["", "note: x\n", "entries: ~\n", "week: 2026-W12\n", "&a x: 1\n"][..]);
        (week, people, extra, any::<bool>()).prop_map(|(w, ps, extra, week_first)| {
            let entries: String = ps.iter().map(|(p, e)| format!("  {p}:{e}\n")).collect();
            let entries = if ps.is_empty() {
                "entries: {}\n".to_string()
            } else {
                format!("entries:\n{entries}")
            };
            let week = format!("week: {w}\n");
            if week_first {
                format!("{week}{entries}{extra}")
            } else {
                format!("{extra}{entries}{week}")
            }
        })
    }

    proptest! {
        /// Whatever the one-pass reader takes, it takes as serde_yaml does;
        /// what it leaves, serde_yaml reads (and reports) as before.
        #[test]
        fn the_one_pass_reader_agrees_with_serde_yaml(docs in prop::collection::vec(doc(), 1..3)) {
            let text = docs.join("---\n");
            let slow = serde_docs(&text, "data/logs/x.yaml");
            let fast = yaml::read_documents(&text).and_then(|d| d.into_iter().map(log_doc).collect::<Option<Vec<_>>>());
            if let Some(fast) = &fast {
                prop_assert_eq!(Some(fast), slow.as_ref().ok(), "{}", text);
            }
            if let Some(plain) = plain_log(&text) {
                prop_assert_eq!(Some(&plain), slow.as_ref().ok(), "{}", text);
            }
            match (log_docs(&file(&text)), slow) {
                (Ok(a), Ok(b)) => prop_assert_eq!(a, b),
                (Err(a), Err(b)) => prop_assert_eq!(a.to_string(), b.to_string()),
                (a, b) => prop_assert!(false, "{:?} / {:?}\n{}", a.is_ok(), b.is_ok(), text),
            }
        }
    }

    /// The way ritme, import and the benchmark write a log.
    const WRITTEN: &str = "# import\nweek: 2026-W10\nentries:\n  p1:\n    b0: 2\n    b1: 0\n    b2: skip # ill\n  p0: skip\n  p10:\n  p2: {}\n\n  p3:\n      b1: 4\n---\nweek: 2026-W11\nentries: {}\n---\n";

    #[test]
    fn the_plain_reader_takes_a_written_log_as_the_general_readers_do() {
        let plain = plain_log(WRITTEN).expect("plain");
        assert_eq!(plain, general(&file(WRITTEN)).unwrap());
        assert_eq!(plain, serde_docs(WRITTEN, "x").unwrap());
        assert_eq!(plain.len(), 2);
        let ids: Vec<&str> = plain[0].entries.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(ids, ["p0", "p1", "p10", "p2", "p3"]);
        // One allocation per behaviour id in a file, shared by its values.
        let (Some(RawEntry::Values(a)), Some(RawEntry::Values(b))) = (&plain[0].entries[1].1, &plain[0].entries[4].1)
        else {
            panic!("values")
        };
        assert!(Arc::ptr_eq(&a[1].0, &b[0].0));
        for odd in [
            "week: 2026-W10\nentries:\n  p1: 3\n",
            "week: 2026-W10\nentries:\n  p1:\n    b0: 007\n",
            "week: 2026-W10\nentries:\n  p1:\n    b0: 1\n  p1: skip\n",
            "week: 2026-W10\nentries:\n  p1:\n    b0: 1\n    b0: 2\n",
            "week: 2026-W10\nweek: 2026-W11\n",
            "week: 2026-W10\nentries:\n",
            "week: null\nentries: {}\n",
            "entries: {}\n",
            "week: 2026-W10\nentries:\n  p1:\n    b0: 1\n   p2: skip\n",
            "week: 2026-W10\nentries:\n  p1:\n    b0:\n",
            "week: 2026-W10\nentries:\n\tp1: skip\n",
            "week: 2026-W10\r\nentries: {}\r\n",
            "week: 2026-W10\nnote: x\n",
        ] {
            assert!(plain_log(odd).is_none(), "{odd}");
        }
    }

    proptest! {
        /// Whatever the plain reader takes, the general readers read the
        /// same (and take it too); whatever it leaves, they still read.
        #[test]
        fn the_plain_reader_agrees_with_the_general_ones(
            lines in prop::collection::vec(
                (0usize..4, prop::sample::select(&["week", "entries", "p1", "p2", "b0", "b1", "null", "x y", "---", "#c", ""][..]),
                 prop::sample::select(&["", " 1", " 0", " 12", " skip", " {}", " 007", " 2026-W10", " null", " ~", " a # c", " #c", " skipped", " -1", " 'q'"][..])),
                0..14)
        ) {
            let text: String = lines
                .iter()
                .map(|(indent, key, value)| match *key {
                    "---" | "#c" | "" => format!("{key}\n"),
                    _ => format!("{}{key}:{value}\n", "  ".repeat(*indent)),
                })
                .collect();
            if let Some(plain) = plain_log(&text) {
                let chain = yaml::read_documents(&text).and_then(|d| d.into_iter().map(log_doc).collect::<Option<Vec<_>>>());
                prop_assert_eq!(Some(&plain), chain.as_ref(), "{}", text);
                let slow = serde_docs(&text, "x").map_err(|d| d.to_string());
                prop_assert_eq!(Ok(&plain), slow.as_ref(), "{}", text);
            }
        }
    }

    /// Mostly one of `plain`, now and then one of `odd`.
    fn mostly(plain: &'static [&'static str], odd: &'static [&'static str]) -> impl Strategy<Value = &'static str> {
        prop_oneof![60 => prop::sample::select(plain), 1 => prop::sample::select(odd)]
    }

    /// Logs as ritme writes them, with a slip now and then. Ids are
    /// mostly distinct (a key written twice is left to serde_yaml).
    fn written_log() -> impl Strategy<Value = String> {
        let ids = |all: &'static [&'static str], odd: &'static [&'static str]| {
            (prop::sample::subsequence(all, 1..all.len()), mostly(&[""], odd))
                .prop_map(|(mut ids, extra)| {
                    if !extra.is_empty() {
                        ids.push(extra);
                    }
                    ids
                })
                .prop_shuffle()
        };
        let value = (
            mostly(&["    "], &["   ", "      ", "  ", ""]),
            mostly(
                &[" 0", " 1", " 3", " 12", " skip", " 2 # c"],
                &[" 007", " -1", " 2.5", "", " {}", " ~", " null", " 'skip'", " x y"],
            ),
        );
        let values = (
            ids(
                &["b0", "b1", "b2", "b3", "b4", "b5"],
                &["B0", "'b1'", "b 2", "-b", "b0"],
            ),
            prop::collection::vec(value, 6),
        )
            .prop_map(|(bs, vs)| {
                bs.iter()
                    .zip(vs)
                    .map(|(b, (indent, v))| format!("{indent}{b}:{v}\n"))
                    .collect::<String>()
            });
        let rest = prop_oneof![
            6 => values.prop_map(|vs| format!("\n{vs}")),
            1 => mostly(&[" skip\n", "\n", " {}\n", " null\n"], &[" skipped\n", " 3\n", " ~\n", " {b0: 1}\n"]).prop_map(String::from),
        ];
        let entries = (
            ids(
                &["p0", "p1", "p2", "p3", "p10", "p11", "p12", "q"],
                &["'p4'", "1", "~", "null", "p1"],
            ),
            prop::collection::vec((mostly(&["  "], &[" ", "    "]), rest), 8),
        )
            .prop_map(|(ps, rests)| {
                ps.iter()
                    .zip(rests)
                    .map(|(p, (indent, rest))| format!("{indent}{p}:{rest}"))
                    .collect::<String>()
            });
        let doc = (
            mostly(
                &["week: 2026-W10\n", "week: 2026-W11\n", "# c\nweek: 2026-W12 # c\n"],
                &["week: '2026-W10'\n", "week:\n", "week: null\n", ""],
            ),
            mostly(
                &["entries:\n"],
                &["entries: {}\n", "entries:  # c\n", "entries: ~\n", "note: x\n"],
            ),
            entries,
            mostly(&["", "\n"], &["week: 2026-W13\n", "entries: {}\n", "..."]),
        )
            .prop_map(|(week, head, entries, tail)| format!("{week}{head}{entries}{tail}"));
        prop::collection::vec(doc, 1..3).prop_map(|docs| docs.join("---\n"))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1024))]
        /// On logs written the usual way (most of which it takes), the
        /// plain reader reads what serde_yaml reads.
        #[test]
        fn the_plain_reader_agrees_with_serde_yaml_on_written_logs(text in written_log()) {
            if let Some(plain) = plain_log(&text) {
                let slow = serde_docs(&text, "x").map_err(|d| d.to_string());
                prop_assert_eq!(Ok(&plain), slow.as_ref(), "{}", text);
                let chain = yaml::read_documents(&text).and_then(|d| d.into_iter().map(log_doc).collect::<Option<Vec<_>>>());
                prop_assert_eq!(Some(&plain), chain.as_ref(), "{}", text);
            }
        }
    }
}
