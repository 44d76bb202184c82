//! Flat YAML read without a YAML parser: one `key: value` line per field,
//! as most front matter is written.
//!
//! serde_yaml spent ~50,000 instructions on each page's few lines of front
//! matter (setting up libyaml, its events, its loader), a fifteenth of a
//! clean build. This reader takes only text whose every line it
//! understands exactly, and resolves each value the way serde_yaml does
//! for the type asked; for anything else (an unusual character or layout,
//! a number asked for as a float, a date-like value asked for as anything
//! but a string) it gives up and the caller asks serde_yaml. It never
//! reports an error of its own: serde_yaml, run on the same text, does.

use serde::de::value::{Error, MapDeserializer};
use serde::de::{self, DeserializeOwned, IntoDeserializer, Visitor};

/// `T` read from `text`, or `None` when serde_yaml must read it.
pub fn read<T: DeserializeOwned>(text: &str) -> Option<T> {
    let entries = entries(text)?;
    let map = MapDeserializer::new(entries.into_iter());
    let value = T::deserialize(Top(map)).ok()?;
    Some(value)
}

/// A value as written on its line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Value<'a> {
    text: &'a str,
    /// Written without quotes: its type is read from its text.
    plain: bool,
}

/// Every `key: value` line of `text`, when every other line is blank or a
/// comment, no key is written twice and every value is one this module
/// reads exactly; `None` otherwise.
fn entries(text: &str) -> Option<Vec<(&str, Value<'_>)>> {
    if !text.chars().all(printable) {
        return None;
    }
    let mut out: Vec<(&str, Value)> = Vec::new();
    for line in text.split('\n') {
        if line.bytes().all(|b| b == b' ') || line.starts_with('#') {
            continue;
        }
        let (key, rest) = line.split_once(':')?;
        if !super::is_word(key) || out.iter().any(|(k, _)| *k == key) {
            return None;
        }
        let value = match rest {
            "" => Value { text: "", plain: true },
            _ => value(rest.strip_prefix(' ')?)?,
        };
        out.push((key, value));
    }
    (!out.is_empty()).then_some(out)
}

/// What libyaml accepts in a document and does not take for a line break
/// (`\n` is the one line break this module reads; tabs, which YAML treats
/// apart, are left to serde_yaml too).
fn printable(c: char) -> bool {
    match c {
        '\n' => true,
        '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' => false,
        '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}' => false,
        _ => true,
    }
}

/// The value after `key: `: a quoted string without escapes, a plain
/// scalar that cannot be taken for anything else, or nothing; each may be
/// followed by spaces and a comment.
fn value(rest: &str) -> Option<Value<'_>> {
    let rest = rest.trim_start_matches(' ');
    let comment_or_end = |after: &str| {
        let after = after.trim_start_matches(' ');
        // A comment needs a space before it, which `after` had if it is not the whole rest.
        after.is_empty() || after.starts_with('#')
    };
    match rest.as_bytes().first() {
        None | Some(b'#') => Some(Value { text: "", plain: true }),
        Some(&q @ (b'"' | b'\'')) => {
            let inner = &rest[1..];
            let end = inner.find(q as char)?;
            let text = &inner[..end];
            let after = &inner[end + 1..];
            let escapes = q == b'"' && text.contains('\\');
            let doubled = q == b'\'' && after.starts_with('\'');
            (!escapes && !doubled && (after.is_empty() || after.starts_with(' ')) && comment_or_end(after))
                .then_some(Value { text, plain: false })
        }
        Some(&first) => {
            // Indicators that begin something other than a plain scalar
            // (or one whose reading depends on what follows: `-`, `?`, `:`).
            if b"-?:,[]{}#&*!|>%@`".contains(&first)
                && !(first == b'-' && rest[1..].starts_with(|c: char| c.is_ascii_digit()))
            {
                return None;
            }
            let text = match rest.find(" #") {
                Some(at) => &rest[..at],
                None => rest,
            };
            let text = text.trim_end_matches(' ');
            // `: ` inside or `:` at the end would open a map.
            (!text.contains(": ") && !text.ends_with(':')).then_some(Value { text, plain: true })
        }
    }
}

impl Value<'_> {
    /// What serde_yaml reads as null: nothing, `~` and `null` written plain.
    fn null(&self) -> bool {
        self.plain && matches!(self.text, "" | "~" | "null" | "Null" | "NULL")
    }

    /// A plain whole number written the one way that needs no rules
    /// (no sign but `-`, no leading zero, no `_`, no base prefix).
    fn int(&self) -> Option<i64> {
        let digits = self.text.strip_prefix('-').unwrap_or(self.text);
        let simple = self.plain
            && !digits.is_empty()
            && digits.len() <= 18
            && digits.bytes().all(|b| b.is_ascii_digit())
            && (digits == "0" || !digits.starts_with('0'));
        simple.then(|| self.text.parse().ok()).flatten()
    }

    /// A plain value serde_yaml reads as a string whatever is asked: it
    /// starts with a letter and is no null, boolean or float
    /// (Rust's float parser takes `inf` and `NaN`), or it is a date.
    fn plain_string(&self) -> bool {
        let date = {
            let b = self.text.as_bytes();
            b.len() == 10
                && b.iter().enumerate().all(|(i, c)| {
                    if i == 4 || i == 7 {
                        *c == b'-'
                    } else {
                        c.is_ascii_digit()
                    }
                })
        };
        let word = self.text.starts_with(|c: char| c.is_alphabetic())
            && !self.null()
            && !matches!(self.text, "true" | "True" | "TRUE" | "false" | "False" | "FALSE")
            && self.text.parse::<f64>().is_err();
        date || word
    }
}

/// The document: a map whose keys are read as strings.
struct Top<'a>(MapDeserializer<'a, std::vec::IntoIter<(&'a str, Value<'a>)>, Error>);

impl<'de> de::Deserializer<'de> for Top<'de> {
    type Error = Error;

    /// Only a struct or a map is taken; serde_yaml decides anything else.
    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Error> {
        Err(de::Error::custom("not flat"))
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let mut map = self.0;
        let value = visitor.visit_map(&mut map)?;
        map.end()?;
        Ok(value)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_map(visitor)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct enum identifier ignored_any
    }
}

impl<'de> IntoDeserializer<'de, Error> for Value<'de> {
    type Deserializer = Self;
    fn into_deserializer(self) -> Self {
        self
    }
}

/// Gives up: serde_yaml is asked instead.
fn other<T>() -> Result<T, Error> {
    Err(de::Error::custom("left to serde_yaml"))
}

/// Deserializer methods that read as another one does.
macro_rules! forward {
    ($($name:ident => $to:ident),* $(,)?) => {$(
        fn $name<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            self.$to(visitor)
        }
    )*};
}

/// Deserializer methods for what this reader never takes (each gives up).
macro_rules! refuse {
    ($($name:ident($($arg:ty),*)),* $(,)?) => {$(
        fn $name<V: Visitor<'de>>(self, $(_: $arg,)* _: V) -> Result<V::Value, Error> {
            other()
        }
    )*};
}

impl<'de> de::Deserializer<'de> for Value<'de> {
    type Error = Error;

    /// Read by the value's text, as serde_yaml reads an untagged scalar;
    /// only the values whose reading needs no rules are taken.
    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        if !self.plain || self.plain_string() {
            return visitor.visit_borrowed_str(self.text);
        }
        other()
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_borrowed_str(self.text)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.null() {
            true => visitor.visit_none(),
            false => visitor.visit_some(self),
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match (self.plain, self.text) {
            (true, "true" | "True" | "TRUE") => visitor.visit_bool(true),
            (true, "false" | "False" | "FALSE") => visitor.visit_bool(false),
            _ => other(),
        }
    }

    fn deserialize_i64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.int() {
            Some(n) => visitor.visit_i64(n),
            None => other(),
        }
    }

    fn deserialize_u64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.int() {
            Some(n) if n >= 0 => visitor.visit_u64(n as u64),
            _ => other(),
        }
    }

    forward! {
        deserialize_i8 => deserialize_i64, deserialize_i16 => deserialize_i64, deserialize_i32 => deserialize_i64,
        deserialize_u8 => deserialize_u64, deserialize_u16 => deserialize_u64, deserialize_u32 => deserialize_u64,
        deserialize_string => deserialize_str, deserialize_identifier => deserialize_str,
    }

    /// A unit variant named by the value (serde_yaml takes a quoted name too).
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        if self.text.is_empty() {
            return other();
        }
        visitor.visit_enum(self.text.into_deserializer())
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }

    refuse! {
        deserialize_i128(), deserialize_u128(), deserialize_f32(), deserialize_f64(),
        deserialize_char(), deserialize_bytes(), deserialize_byte_buf(), deserialize_unit(),
        deserialize_unit_struct(&'static str), deserialize_newtype_struct(&'static str),
        deserialize_seq(), deserialize_tuple(usize), deserialize_tuple_struct(&'static str, usize),
        deserialize_map(), deserialize_struct(&'static str, &'static [&'static str])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::meta::{BehaviourMeta, GuideMeta, PageMeta, ReportMeta, Status, StoryMeta};
    use proptest::strategy::Strategy;
    use std::collections::BTreeMap;

    /// What serde_yaml gives for `text`, when this reader takes it.
    fn same<T: DeserializeOwned + PartialEq + std::fmt::Debug>(text: &str) -> Result<bool, String> {
        let Some(fast) = read::<T>(text) else {
            return Ok(false);
        };
        match serde_yaml::from_str::<T>(text) {
            Ok(slow) if slow == fast => Ok(true),
            Ok(slow) => Err(format!("{text:?}: read {fast:?}, serde_yaml {slow:?}")),
            Err(e) => Err(format!("{text:?}: read {fast:?}, serde_yaml refuses: {e}")),
        }
    }

    /// [`same`] for each kind of front matter and for maps of strings,
    /// optional strings, optional numbers and booleans.
    fn every_kind(text: &str) -> [Result<bool, String>; 9] {
        [
            same::<PageMeta>(text),
            same::<StoryMeta>(text),
            same::<BehaviourMeta>(text),
            same::<GuideMeta>(text),
            same::<ReportMeta>(text),
            same::<BTreeMap<String, String>>(text),
            same::<BTreeMap<String, Option<String>>>(text),
            same::<BTreeMap<String, Option<i64>>>(text),
            same::<BTreeMap<String, bool>>(text),
        ]
    }

    #[test]
    fn front_matter_as_written_is_read_here() {
        let page = "title: \"Pagina 0: risico\"\nsummary: 'Kort, en goed.'\nweight: -3\nstatus: draft # nog niet\n\nreview_by: 2027-01-31\n";
        let meta: PageMeta = read(page).expect("taken");
        assert_eq!(meta.title.as_deref(), Some("Pagina 0: risico"));
        assert_eq!(meta.summary.as_deref(), Some("Kort, en goed."));
        assert_eq!(meta.weight, Some(-3));
        assert_eq!(meta.status, Status::Draft);
        assert_eq!(meta.review_by.map(|d| d.to_string()).as_deref(), Some("2027-01-31"));
        assert_eq!(same::<PageMeta>(page), Ok(true));
        let story = "title: Anne belt vaker\ndate: 2026-03-02\nteam: noord\nconsent: true\noutcome: ~\n";
        assert_eq!(same::<StoryMeta>(story), Ok(true));
        let behaviour = "title: Bellen\ntarget: 5\nid: bellen\nowner: Sales\n";
        assert_eq!(same::<BehaviourMeta>(behaviour), Ok(true));
    }

    /// Text whose reading needs YAML's rules, and every text serde_yaml
    /// refuses, is left to serde_yaml.
    #[test]
    fn anything_else_is_left_to_serde_yaml() {
        for text in [
            "title: a\ntitle: b\n",
            "title: a: b\n",
            "title: \"a\\\"b\"\n",
            "title: 'it''s'\n",
            "title: [a]\n",
            "title: |\n  a\n",
            "title: a\n  b\n",
            "  title: a\n",
            "title: \"a\" b\n",
            "title:a\n",
            "title: a\r\n",
            "title: a\tb\n",
            "title: &x a\n",
            "title: a\u{85}b\n",
            "weight: 1.5\n",
            "weight: 007\n",
            "weight: 0x1F\n",
            "weight: \"3\"\n",
            "unknown: a\n",
            "# only a comment\n",
            "",
        ] {
            assert!(read::<PageMeta>(text).is_none(), "{text:?}");
        }
        assert!(read::<StoryMeta>("title: a\ndate: 2026-3-1\n").is_none());
        assert!(read::<StoryMeta>("title: a\nconsent: yes\n").is_none());
        assert!(read::<BehaviourMeta>("title: a\ntarget: 5\nhalf_life: 4\n").is_none());
    }

    const KEYS: &[&str] = &[
        "title",
        "summary",
        "weight",
        "owner",
        "status",
        "review_by",
        "id",
        "category",
        "target",
        "date",
        "team",
        "consent",
        "outcome",
        "author",
        "x",
        "1",
        "true",
        "-a",
        "  title",
        "#",
    ];
    const VALUES: &[&str] = &[
        "",
        "null",
        "~",
        "Null",
        "NULL",
        "true",
        "False",
        "yes",
        "-5",
        "0",
        "007",
        "0x1F",
        "+3",
        "1_000",
        "12",
        "99999999999999999999",
        "2026-03-01",
        "2026-3-1",
        "draft",
        "approved",
        "Draft",
        ".inf",
        "inf",
        "NaN",
        "1e3",
        "12:30",
        "-",
        "- a",
        "a: b",
        "a:",
        "a #c",
        "a#c",
        "'a''b'",
        "'a'",
        "\"a\"",
        "\"a\\\"b\"",
        "\"x\" y",
        "\"x\" #c",
        "'x'#c",
        "\"\"",
        "''",
        "[a]",
        "{}",
        "&x a",
        "*x",
        "!t a",
        "|",
        ">",
        "%x",
        "@x",
        "`x",
        "?x",
        ":x",
        ",x",
        "a, b",
        "a]",
        "Één: twee",
        "wat?  ",
        "\u{a0}a",
        "a\u{a0}",
        "a\u{85}b",
        "\u{feff}a",
    ];

    /// Every value after every key, beside a title, as each kind of front
    /// matter: what is taken is what serde_yaml reads, and the plain
    /// values most front matter holds are taken.
    #[test]
    fn every_value_after_every_key() {
        let mut taken = 0;
        for key in KEYS {
            for value in VALUES {
                for text in [
                    format!("title: Pagina 1\n{key}: {value}\n"),
                    format!("{key}: {value}  # c\nx: 1\n"),
                ] {
                    for result in every_kind(&text) {
                        assert!(result.is_ok(), "{}", result.unwrap_err());
                        taken += usize::from(result == Ok(true));
                    }
                }
            }
        }
        assert!(taken > 500, "only {taken} taken");
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
        /// Whatever this reader takes, serde_yaml reads the same, for each
        /// kind of front matter and for maps of strings and numbers.
        #[test]
        fn what_is_taken_is_what_serde_yaml_reads(
            lines in proptest::collection::vec(
                (proptest::sample::select(KEYS),
                 proptest::sample::select(&[":", ": ", ":  ", ":\t", " :", ": #c "][..]),
                 proptest::prop_oneof![
                     proptest::sample::select(VALUES).prop_map(str::to_string),
                     "[a-zA-Z0-9 ~#:'\"\\-.+,\\[\\]{}!&*|>%@`éß\u{a0}\u{85}\u{2028}\u{feff}_/\\\\]{0,12}",
                 ]),
                0..6,
            ),
            extra in proptest::sample::select(&["", "\n", "# c\n", "   \n", "\n\n", "  x\n"][..]),
        ) {
            let mut text: String = lines.iter().map(|(k, sep, v)| format!("{k}{sep}{v}\n")).collect();
            text.push_str(extra);
            for result in every_kind(&text) {
                proptest::prop_assert!(result.is_ok(), "{}", result.unwrap_err());
            }
        }
    }
}
