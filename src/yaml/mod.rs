//! The one door to YAML.
//!
//! serde_yaml is what our users named, but upstream has stopped maintaining
//! it. Every YAML parse in ritme goes through this module so that a drop-in
//! fork can replace it by changing the `use` below, and so that every YAML
//! error reaches the user in the same located, hinted shape.

use std::borrow::Cow;
use std::collections::HashMap;

use saphyr_parser::{Event, Parser};
use serde::de::DeserializeOwned;
use serde_yaml as backend;

use crate::diagnostics::{Diagnostic, Pos};

mod flat;

/// Collections may nest this deep and no deeper. ritme's own files need
/// four levels; the limit leaves room for any hand-written file while a
/// `[[[[…` of a hundred thousand levels is refused at its 65th bracket
/// instead of taking the parser a minute.
pub const MAX_DEPTH: usize = 64;

/// Parses one YAML document. `first_line` is the 1-based line in `file` at
/// which `text` starts (front matter starts below its `---`).
pub fn parse<T: DeserializeOwned>(text: &str, file: &str, first_line: usize) -> Result<T, Diagnostic> {
    if let Some(value) = flat::read(text) {
        return Ok(value);
    }
    if !flat_with_unique_keys(text) {
        check_shape(text, file, first_line)?;
    }
    backend::from_str(text).map_err(|e| to_diagnostic(&e, text, file, first_line))
}

/// Parses every document of a multi-document YAML file (`---` separated).
/// Empty documents (a file that is only comments) are skipped.
pub fn parse_documents<T: DeserializeOwned>(text: &str, file: &str) -> Result<Vec<T>, Diagnostic> {
    check_shape(text, file, 1)?;
    let mut out = Vec::new();
    for de in backend::Deserializer::from_str(text) {
        // `Option` so that an empty document (only comments) is skipped, not an error.
        match <Option<T> as serde::Deserialize>::deserialize(de) {
            Ok(Some(v)) => out.push(v),
            Ok(None) => {}
            Err(e) => return Err(to_diagnostic(&e, text, file, 1)),
        }
    }
    Ok(out)
}

/// A scalar as written: its text, and whether it was written plain
/// (unquoted), which decides how serde_yaml would read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scalar {
    pub text: String,
    pub plain: bool,
}

impl Scalar {
    /// Whether serde_yaml reads this scalar as null (an `Option` is `None`).
    pub fn is_null(&self) -> bool {
        self.plain && matches!(self.text.as_str(), "" | "~" | "null" | "Null" | "NULL")
    }

    /// A plain whole number without sign, leading zero or more than 18
    /// digits: exactly the integer serde_yaml reads for it. `None` for any
    /// other scalar (the caller then lets serde_yaml read the text).
    pub fn count(&self) -> Option<u64> {
        let t = self.text.as_bytes();
        let ok = self.plain
            && !t.is_empty()
            && t.len() <= 18
            && t.iter().all(u8::is_ascii_digit)
            && (t[0] != b'0' || t.len() == 1);
        ok.then(|| self.text.parse().ok()).flatten()
    }
}

/// A node of a document as [`read_documents`] read it.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Scalar(Scalar),
    /// Entries in the order written; keys are scalars, each once.
    Map(Vec<(Scalar, Node)>),
    Seq(Vec<Node>),
}

/// One open collection while [`read_documents`] builds nodes.
enum Building {
    Seq(Vec<Node>),
    Map(Vec<(Scalar, Node)>, Option<Scalar>),
}

/// Reads every document of `text` into [`Node`]s in one pass over the
/// parser's events, for the files that are large and plain (the weekly
/// logs), where parsing twice (the shape check, then serde_yaml) was most
/// of a build's data stage.
///
/// It vouches only for text it reads exactly as serde_yaml would: block or
/// flow collections of one-line scalars, without tabs, directives,
/// anchors, aliases, tags or complex keys, nested at most [`MAX_DEPTH`]
/// deep, no key written twice in a map. For anything else — including
/// every syntax error — it returns `None`, and the caller reads the text
/// with [`parse_documents`], which reports each problem as before. Empty
/// documents are left out, as [`parse_documents`] does.
pub fn read_documents(text: &str) -> Option<Vec<Node>> {
    if never_plain(text) {
        return None;
    }
    plain_block(text).or_else(|| parsed_events(text))
}

/// A key or value [`plain_block`] takes: ASCII letters, digits, `_` and
/// `-`, not starting with `-`. Such a word means itself in YAML.
fn is_word(w: &str) -> bool {
    !w.is_empty() && !w.starts_with('-') && w.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// One `key: word` line as [`plain_block`] reads it (`content` is `line`
/// without its indent; blank lines, comments and `---` are the caller's):
/// (indent, key, value), the value `""` for `key:` (a comment after the
/// colon included) and `{}` or a word otherwise. `None` for a line of any
/// other shape.
pub fn plain_line<'t>(line: &'t str, content: &'t str) -> Option<(usize, &'t str, &'t str)> {
    let indent = line.len() - content.len();
    let (key, rest) = content.split_once(':')?;
    if !is_word(key) || !(rest.is_empty() || rest.starts_with(' ')) {
        return None;
    }
    let rest = rest.trim_start_matches(' ');
    let value = if rest.starts_with('#') {
        ""
    } else {
        // One word, then at most a comment.
        let (value, after) = rest.split_once(' ').unwrap_or((rest, ""));
        let after = after.trim_start_matches(' ');
        if !(after.is_empty() || after.starts_with('#')) {
            return None;
        }
        value
    };
    (value.is_empty() || value == "{}" || is_word(value)).then_some((indent, key, value))
}

/// Text [`read_documents`] leaves to serde_yaml whatever its lines: tabs
/// and directives.
pub fn never_plain(text: &str) -> bool {
    text.contains('\t') || text.starts_with('%') || text.contains("\n%")
}

/// The fastest reader, for text written the way ritme and a spreadsheet
/// export write logs: `key: word` and `key:` lines indented by spaces,
/// `{}`, comments, blank lines and `---` between documents, nothing else.
/// A line of any other shape gives `None` (the event reader then reads the
/// text). Every node it builds is one the event reader builds for the same
/// text (a test compares them).
fn plain_block(text: &str) -> Option<Vec<Node>> {
    struct Open {
        indent: usize,
        key: Option<Scalar>,
        entries: Vec<(Scalar, Node)>,
    }
    fn word(w: &str) -> Scalar {
        Scalar {
            text: w.to_string(),
            plain: true,
        }
    }
    fn null() -> Node {
        Node::Scalar(word(""))
    }
    /// Closes the open maps indented deeper than `indent` into their parents.
    fn close(stack: &mut Vec<Open>, indent: usize) -> Option<()> {
        while stack.len() > 1 && stack.last()?.indent > indent {
            let open = stack.pop()?;
            if !unique_keys(&open.entries) {
                return None;
            }
            stack.last_mut()?.entries.push((open.key?, Node::Map(open.entries)));
        }
        Some(())
    }
    fn finish(stack: &mut Vec<Open>, pending: &mut Option<Scalar>, docs: &mut Vec<Node>) -> Option<()> {
        if let Some(key) = pending.take() {
            stack.last_mut()?.entries.push((key, null()));
        }
        close(stack, 0)?;
        if let Some(root) = stack.pop() {
            if !unique_keys(&root.entries) {
                return None;
            }
            docs.push(Node::Map(root.entries));
        }
        Some(())
    }
    let mut docs = Vec::new();
    let mut stack: Vec<Open> = Vec::new();
    // A key written without a value: a map follows, indented, or it is null.
    let mut pending: Option<Scalar> = None;
    for line in text.split('\n') {
        let content = line.trim_start_matches(' ');
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        if line == "---" {
            finish(&mut stack, &mut pending, &mut docs)?;
            continue;
        }
        let (indent, key, value) = plain_line(line, content)?;
        if let Some(k) = pending.take() {
            match stack.last() {
                Some(top) if indent > top.indent => {
                    if stack.len() == 8 {
                        return None;
                    }
                    stack.push(Open {
                        indent,
                        key: Some(k),
                        entries: Vec::new(),
                    });
                }
                Some(_) => stack.last_mut()?.entries.push((k, null())),
                None => return None,
            }
        }
        close(&mut stack, indent)?;
        match stack.last() {
            None if indent == 0 => stack.push(Open {
                indent,
                key: None,
                entries: Vec::new(),
            }),
            Some(top) if top.indent == indent => {}
            _ => return None,
        }
        let top = stack.last_mut()?;
        match value {
            "" => pending = Some(word(key)),
            "{}" => top.entries.push((word(key), Node::Map(Vec::new()))),
            v if is_word(v) => top.entries.push((word(key), Node::Scalar(word(v)))),
            _ => return None,
        }
    }
    finish(&mut stack, &mut pending, &mut docs)?;
    Some(docs)
}

/// The event reader behind [`read_documents`]: any layout, one pass over
/// the parser's events.
fn parsed_events(text: &str) -> Option<Vec<Node>> {
    let mut docs = Vec::new();
    let mut stack: Vec<Building> = Vec::new();
    let mut root: Option<Node> = None;
    for next in Parser::new_from_str(text) {
        let (event, span) = next.ok()?;
        let node = match event {
            Event::StreamStart | Event::StreamEnd | Event::Nothing => continue,
            Event::DocumentStart(_) => {
                root = None;
                continue;
            }
            Event::DocumentEnd => {
                match root.take() {
                    Some(Node::Scalar(s)) if s.is_null() => {}
                    Some(n) => docs.push(n),
                    None => return None,
                }
                continue;
            }
            Event::Alias(_) => return None,
            Event::Scalar(value, style, anchor, tag) => {
                if anchor != 0 || tag.is_some() || span.start.line() != span.end.line() {
                    return None;
                }
                let s = Scalar {
                    text: value.into_owned(),
                    plain: style == saphyr_parser::ScalarStyle::Plain,
                };
                if let Some(Building::Map(_, key @ None)) = stack.last_mut() {
                    *key = Some(s);
                    continue;
                }
                Node::Scalar(s)
            }
            Event::SequenceStart(anchor, ref tag) | Event::MappingStart(anchor, ref tag) => {
                let is_key = matches!(stack.last(), Some(Building::Map(_, None)));
                if anchor != 0 || tag.is_some() || is_key || stack.len() == MAX_DEPTH {
                    return None;
                }
                stack.push(match event {
                    Event::SequenceStart(..) => Building::Seq(Vec::new()),
                    _ => Building::Map(Vec::new(), None),
                });
                continue;
            }
            Event::SequenceEnd => match stack.pop()? {
                Building::Seq(items) => Node::Seq(items),
                Building::Map(..) => return None,
            },
            Event::MappingEnd => match stack.pop()? {
                Building::Map(entries, None) if unique_keys(&entries) => Node::Map(entries),
                _ => return None,
            },
        };
        match stack.last_mut() {
            None if root.is_none() => root = Some(node),
            None => return None,
            Some(Building::Seq(items)) => items.push(node),
            Some(Building::Map(entries, key)) => entries.push((key.take()?, node)),
        }
    }
    stack.is_empty().then_some(docs)
}

/// Whether no key of a map is written twice (a duplicate is reported by
/// [`parse_documents`]' shape check, in its words).
fn unique_keys(entries: &[(Scalar, Node)]) -> bool {
    if entries.len() <= 16 {
        return entries
            .iter()
            .enumerate()
            .all(|(i, (k, _))| entries[..i].iter().all(|(other, _)| other.text != k.text));
    }
    let mut keys: Vec<&str> = entries.iter().map(|(k, _)| k.text.as_str()).collect();
    keys.sort_unstable();
    keys.windows(2).all(|w| w[0] != w[1])
}

/// One open collection while reading the events of a document.
enum Open<'a> {
    Seq,
    /// A mapping: the scalar keys seen so far (where each was written), and
    /// whether the next node is a key.
    Map {
        keys: HashMap<Cow<'a, str>, usize>,
        at_key: bool,
    },
}

/// What serde_yaml does not check, checked on the parser's events before
/// serde_yaml reads the text: nesting deeper than [`MAX_DEPTH`], and a key
/// written twice in one mapping (serde_yaml keeps the last one silently, so
/// a week's second `bram:` would replace the first).
///
/// A syntax error ends the check without a finding: serde_yaml then reports
/// it in its own words, as before.
fn check_shape(text: &str, file: &str, first_line: usize) -> Result<(), Diagnostic> {
    let mut stack: Vec<Open> = Vec::new();
    let line_of = |m: saphyr_parser::Marker| m.line() + first_line - 1;
    let too_deep = |line: usize, column: usize| {
        Diagnostic::error(file, format!("nested deeper than {MAX_DEPTH} levels"))
            .at(line, column)
            .with_hint("lists and maps in ritme's files nest a few levels at most; check the brackets and indentation")
    };
    for next in Parser::new_from_str(text) {
        let (event, span) = match next {
            Ok(e) => e,
            // The scanner looks ahead and stops at a few hundred open
            // brackets before the parser has reached our limit.
            Err(e) if e.info().contains("recursion limit") => {
                return Err(too_deep(line_of(*e.marker()), e.marker().col() + 1));
            }
            Err(_) => return Ok(()),
        };
        let key_done = |stack: &mut Vec<Open>| {
            if let Some(Open::Map { at_key, .. }) = stack.last_mut() {
                *at_key = !*at_key;
            }
        };
        match event {
            Event::DocumentStart(_) => stack.clear(),
            Event::Scalar(value, ..) => {
                if let Some(Open::Map { keys, at_key: true }) = stack.last_mut() {
                    let line = line_of(span.start);
                    if let Some(first) = keys.get(&value) {
                        return Err(Diagnostic::error(
                            file,
                            format!(
                                "`{}` is written twice in this map: first on line {first}",
                                shorten(&value)
                            ),
                        )
                        .at(line, span.start.col() + 1)
                        .with_hint("keep one of them: only one value per key can count"));
                    }
                    keys.insert(value, line);
                }
                key_done(&mut stack);
            }
            Event::Alias(_) => key_done(&mut stack),
            Event::SequenceStart(..) | Event::MappingStart(..) => {
                if stack.len() == MAX_DEPTH {
                    return Err(too_deep(line_of(span.start), span.start.col() + 1));
                }
                stack.push(match event {
                    Event::SequenceStart(..) => Open::Seq,
                    _ => Open::Map {
                        keys: HashMap::new(),
                        at_key: true,
                    },
                });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                stack.pop();
                key_done(&mut stack);
            }
            _ => {}
        }
    }
    Ok(())
}

/// Whether [`check_shape`] cannot find anything in `text`, seen from its
/// lines alone: every line blank, a comment, or `word: value` at the first
/// column with a value that opens no collection, anchor, alias or tag, and
/// no word twice. The document's keys are then among those words (a
/// quoted value running on over lines only adds words), so no key is
/// written twice and nothing nests. Most front matter is like this; the
/// parser's events, a second parse of every page's front matter, were
/// nearly half of its cost.
fn flat_with_unique_keys(text: &str) -> bool {
    let mut keys: Vec<&str> = Vec::new();
    for line in text.lines() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((key, rest)) = line.split_once(':') else {
            return false;
        };
        let value = rest.trim_start_matches(' ');
        let opens = value.starts_with(['[', '{', '&', '*', '!', '|', '>', '?', '-', '%', '@', '`', '\t']);
        if !is_word(key) || !(rest.is_empty() || rest.starts_with(' ')) || opens {
            return false;
        }
        keys.push(key);
    }
    keys.sort_unstable();
    keys.windows(2).all(|w| w[0] != w[1])
}

/// A key as it appears in a message: one line, not a screenful.
fn shorten(key: &str) -> String {
    let line = key.lines().next().unwrap_or("");
    if line.chars().count() > 60 || line.len() < key.len() {
        format!("{}…", line.chars().take(60).collect::<String>())
    } else {
        line.to_string()
    }
}

fn to_diagnostic(e: &backend::Error, text: &str, file: &str, first_line: usize) -> Diagnostic {
    let raw = e.to_string();
    // serde_yaml appends " at line L column C"; we print the location ourselves.
    let message = match raw.rfind(" at line ") {
        Some(i) => &raw[..i],
        None => raw.as_str(),
    };
    // The value as written at the error's position, for messages about
    // values (serde_yaml shows a number the way it parsed it).
    let written = e.location().and_then(|loc| value_at(text, loc.line(), loc.column()));
    let (message, value_hint) = humanise(message, written.as_deref());
    // Our own messages about a value (a date outside the years, say) start
    // with the value; serde places them at the start of the enclosing map,
    // so they are moved to where the value is written.
    let own = split_path(&message)
        .1
        .strip_prefix('`')
        .and_then(|r| r.split('`').next())
        .filter(|v| !v.is_empty())
        .map(str::to_string);
    let mut d = Diagnostic::error(file, message);
    let found = own.zip(e.location()).and_then(|(value, loc)| {
        let from = loc.line().saturating_sub(1);
        text.lines().enumerate().skip(from).find_map(|(i, l)| {
            let col = find_word(l, &value)?;
            Some((i + first_line, l[..col].chars().count() + 1))
        })
    });
    if let Some((line, column)) = found {
        d = d.at(line, column);
    } else if let Some(loc) = e.location() {
        d = d.at(loc.line() + first_line - 1, loc.column());
    } else {
        d = d.at_line(first_line);
    }
    let line_in_text = d.line.map(|l| l + 1 - first_line);
    if let Some(hint) = value_hint.or_else(|| hint_for(&raw, text, line_in_text)) {
        d = d.with_hint(hint);
    }
    d
}

/// The plain value that starts at `line`:`column` (1-based) of `text`: up to
/// the end of the line, a comment or the end of a flow item.
fn value_at(text: &str, line: usize, column: usize) -> Option<String> {
    let l = text.lines().nth(line.checked_sub(1)?)?;
    let rest: String = l.chars().skip(column.checked_sub(1)?).collect();
    let end = rest.find([',', ']', '}']).unwrap_or(rest.len());
    let end = rest[..end].find(" #").unwrap_or(end);
    let value = rest[..end].trim();
    (!value.is_empty()).then(|| value.to_string())
}

/// serde's wording of a value error, in words for the people who write the
/// files: `invalid type: string "15 min", expected f64` becomes `'15 min'
/// is not a number`. Returns the message and, where one can be guessed, a
/// hint. Messages of other kinds keep their text, prefixed with `YAML:`.
fn humanise(message: &str, written: Option<&str>) -> (String, Option<String>) {
    // A nested value's message starts with its path: `sessions[0].minutes: …`.
    let (path, rest) = split_path(message);
    let at = |m: String| match path {
        Some(p) => format!("{p}: {m}"),
        None => m,
    };
    let parsed = rest
        .strip_prefix("invalid type: ")
        .map(|r| (r, false))
        .or_else(|| rest.strip_prefix("invalid value: ").map(|r| (r, true)));
    let Some((body, bad_value)) = parsed else {
        if let Some(field) = rest.strip_prefix("missing field `").and_then(|r| r.strip_suffix('`')) {
            return (at(format!("the field `{field}` is missing")), None);
        }
        if let Some(field) = rest.strip_prefix("duplicate field `").and_then(|r| r.strip_suffix('`')) {
            return (at(format!("the field `{field}` is written twice")), None);
        }
        if let Some(r) = rest.strip_prefix("unknown field `") {
            let field = r.split('`').next().unwrap_or("");
            return (at(format!("unknown field `{field}`")), None);
        }
        if let Some(r) = rest.strip_prefix("unknown variant `") {
            let word = r.split('`').next().unwrap_or("");
            let allowed = backticked(r.split_once("expected").map_or("", |(_, e)| e));
            let hint = (!allowed.is_empty()).then(|| format!("write one of: {}", allowed.join(", ")));
            return (at(format!("`{word}` is not one of the allowed values")), hint);
        }
        if rest.starts_with('`') {
            return (at(rest.to_string()), None);
        }
        return (format!("YAML: {message}"), None);
    };
    let Some((found, expected)) = body.rsplit_once(", expected ") else {
        return (format!("YAML: {message}"), None);
    };
    let shown = match found {
        f if f.starts_with("string ") => format!("'{}'", unquote(&f["string ".len()..])),
        f if f.starts_with("integer `") || f.starts_with("floating point `") => {
            written.map_or_else(|| f.split('`').nth(1).unwrap_or(f).to_string(), str::to_string)
        }
        f if f.starts_with("boolean `") => f.split('`').nth(1).unwrap_or(f).to_string(),
        "sequence" => "a list".into(),
        "map" => "a block of `name: value` lines".into(),
        "unit value" => "an empty value".into(),
        f => f.to_string(),
    };
    let number = matches!(expected, "f64" | "f32");
    let whole = matches!(
        expected,
        "u8" | "u16" | "u32" | "u64" | "usize" | "i8" | "i16" | "i32" | "i64" | "isize"
    );
    let wanted = match expected {
        _ if number => "a number".to_string(),
        "u8" | "u16" | "u32" | "u64" | "usize" => "a whole number of 0 or more".into(),
        _ if whole => "a whole number".into(),
        "a boolean" => "`true` or `false`".into(),
        "a string" | "a borrowed string" | "a character" => "text".into(),
        "a sequence" => "a list".into(),
        e if e.starts_with("struct ") || e == "a map" => "a block of `name: value` lines".into(),
        e => e.to_string(),
    };
    let text = if bad_value && whole && found.starts_with("integer ") {
        if shown.starts_with('-') {
            format!("{shown} is below 0: expected {wanted}")
        } else {
            format!("{shown} is too large: expected {wanted} up to {}", largest(expected))
        }
    } else {
        format!("{shown} is not {wanted}")
    };
    let hint = if number || whole {
        let digits: String = unquote(found.strip_prefix("string ").unwrap_or(""))
            .trim()
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '.')
            .collect();
        (!digits.is_empty()).then(|| format!("write {}", digits.trim_end_matches('.')))
    } else {
        None
    };
    (at(text), hint)
}

/// The path before a nested value's message, and the message.
fn split_path(message: &str) -> (Option<&str>, &str) {
    const STARTS: [&str; 7] = [
        // Our own messages about a value start with the value.
        "`",
        "invalid type: ",
        "invalid value: ",
        "missing field `",
        "unknown field `",
        "unknown variant `",
        "duplicate field `",
    ];
    for s in STARTS {
        if let Some(at) = message.find(&format!(": {s}")) {
            return (Some(message[..at].trim_start_matches('.')), &message[at + 2..]);
        }
    }
    (None, message)
}

fn largest(expected: &str) -> &'static str {
    match expected {
        "u8" | "i8" => "255",
        "u16" | "i16" => "65535",
        "u32" | "i32" => "4294967295",
        _ => "18446744073709551615",
    }
}

/// `"15 min"` as serde quotes it → `15 min`.
fn unquote(s: &str) -> String {
    let s = s.trim();
    let inner = s.strip_prefix('"').and_then(|s| s.strip_suffix('"')).unwrap_or(s);
    inner.replace("\\\"", "\"").replace("\\\\", "\\")
}

/// The words between backticks: serde names fields and values that way.
fn backticked(s: &str) -> Vec<&str> {
    s.split('`').skip(1).step_by(2).filter(|w| !w.is_empty()).collect()
}

/// Turns the parser's vocabulary into advice an HR author can act on.
fn hint_for(raw: &str, text: &str, line_in_text: Option<usize>) -> Option<String> {
    let line_text = line_in_text
        .and_then(|l| text.lines().nth(l.saturating_sub(1)))
        .unwrap_or("");
    if line_text.contains('\t') || (raw.contains("cannot start any token") && text.contains('\t')) {
        return Some("YAML does not allow tabs for indentation; use spaces".into());
    }
    if let Some(rest) = unknown_field(raw) {
        let field = rest.split('`').next().unwrap_or("");
        // Only the words between backticks after "expected": the rest is
        // serde's grammar and the location ("at line 2 column 1").
        let tail = rest.split_once("expected").map_or("", |(_, e)| e);
        let tail = tail.rfind(" at line ").map_or(tail, |i| &tail[..i]);
        let expected = backticked(tail);
        if let Some(near) = crate::diagnostics::nearest(field, expected.iter().copied()) {
            return Some(format!("did you mean `{near}`?"));
        }
        if !expected.is_empty() {
            return Some(format!("allowed fields: {}", expected.join(", ")));
        }
        return Some("this place takes no fields".into());
    }
    if raw.contains("missing field") {
        return Some("add the field; see the README's content model for the required fields".into());
    }
    if raw.contains("did not find expected key") || raw.contains("mapping values are not allowed") {
        return Some(
            "check the indentation of this line against the lines above it, and quote text that contains `: `".into(),
        );
    }
    if raw.contains("found unexpected end of stream") || raw.contains("while scanning a quoted scalar") {
        return Some("a quote is opened but never closed".into());
    }
    if raw.contains("repetition limit") || raw.contains("recursion limit") {
        return Some("the file expands YAML aliases too deeply; write the values out".into());
    }
    None
}

/// The rest of an `unknown field` message, from the field's name on; `None`
/// for any other message. serde_yaml puts the path of a nested value before
/// its message (`people[1]: unknown field …`, `by_name.x: …`): the user
/// still sees that path, which tells which list item is meant, but the hint
/// must look past it.
fn unknown_field(raw: &str) -> Option<&str> {
    const MARKER: &str = "unknown field `";
    let at = raw.find(MARKER)?;
    // Matched by position rather than by parsing the path: keys in a path
    // may hold any text. The marker must start the message or follow the
    // path's `: `, so a value that merely quotes the words does not count.
    (at == 0 || raw[..at].ends_with(": ")).then(|| &raw[at + MARKER.len()..])
}

/// Where `token` first occurs as a whole word in `text`, searching from the
/// first line that contains `after` (when given). Used to point validation
/// errors (an unknown id, say) at the value itself: serde does not keep
/// spans for values.
pub fn locate(text: &str, after: Option<&str>, token: &str, first_line: usize) -> Option<Pos> {
    let mut started = after.is_none();
    for (i, line) in text.lines().enumerate() {
        if !started {
            match after {
                Some(key) if line.trim_start().starts_with(key) => started = true,
                _ => continue,
            }
        }
        if let Some(col) = find_word(line, token) {
            return Some(Pos {
                line: i + first_line,
                column: line[..col].chars().count() + 1,
            });
        }
    }
    if after.is_some() {
        return locate(text, None, token, first_line);
    }
    None
}

fn find_word(line: &str, token: &str) -> Option<usize> {
    if token.is_empty() {
        return None;
    }
    let is_word = |c: char| c.is_alphanumeric() || c == '-' || c == '_';
    let mut from = 0;
    while let Some(i) = line[from..].find(token) {
        let start = from + i;
        let end = start + token.len();
        let before_ok = line[..start].chars().next_back().is_none_or(|c| !is_word(c));
        let after_ok = line[end..].chars().next().is_none_or(|c| !is_word(c));
        if before_ok && after_ok {
            return Some(start);
        }
        from = start + token.len().max(1);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Doc {
        title: String,
        #[serde(default)]
        target: u32,
    }

    #[test]
    fn syntax_error_is_located_with_offset() {
        let err = parse::<Doc>("title: a\ntarget: [1\n", "x.md", 2).unwrap_err();
        assert_eq!(err.file, "x.md");
        assert!(err.line.unwrap() >= 3, "{err}");
    }

    #[test]
    fn unknown_field_suggests_the_right_one() {
        let err = parse::<Doc>("title: a\ntarge: 3\n", "b.md", 1).unwrap_err();
        assert_eq!(err.hint.as_deref(), Some("did you mean `target`?"), "{err}");
        assert_eq!(err.line, Some(2));
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Outer {
        #[serde(default)]
        docs: Vec<Doc>,
        #[serde(default)]
        by_name: std::collections::BTreeMap<String, Doc>,
    }

    #[test]
    fn unknown_field_inside_a_list_keeps_its_path_and_gets_the_hint() {
        // Spelled right, the same document parses: the typo is the only fault.
        let ok = parse::<Outer>("docs:\n  - title: a\n  - title: b\n    target: 3\n", "f.yaml", 1).unwrap();
        assert_eq!(ok.docs[1].target, 3);
        assert!(ok.by_name.is_empty());
        let err = parse::<Outer>("docs:\n  - title: a\n  - title: b\n    targe: 3\n", "f.yaml", 1).unwrap_err();
        assert_eq!(err.hint.as_deref(), Some("did you mean `target`?"), "{err}");
        assert_eq!(err.line, Some(4));
        assert!(err.message.contains("docs[1]"), "the path tells which item: {err}");
    }

    #[test]
    fn unknown_field_inside_a_map_gets_the_hint() {
        let err = parse::<Outer>("by_name:\n  x:\n    title: a\n    targe: 3\n", "g.yaml", 1).unwrap_err();
        assert_eq!(err.hint.as_deref(), Some("did you mean `target`?"), "{err}");
        assert_eq!(err.line, Some(4));
    }

    #[test]
    fn only_a_real_unknown_field_message_is_read_as_one() {
        assert_eq!(
            unknown_field("a[0]: unknown field `x`, expected `y`"),
            Some("x`, expected `y`")
        );
        assert_eq!(unknown_field("invalid type: string \"unknown field `x`\""), None);
    }

    #[test]
    fn tabs_get_a_plain_hint() {
        let err = parse::<Doc>("title: a\n\ttarget: 3\n", "c.yaml", 1).unwrap_err();
        assert!(err.hint.unwrap().contains("tabs"));
    }

    #[test]
    fn multi_document_files_yield_each_document() {
        let docs: Vec<Doc> = parse_documents("title: a\n---\ntitle: b\n", "d.yaml").unwrap();
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[1].title, "b");
    }

    #[test]
    fn empty_documents_are_skipped() {
        let docs: Vec<Doc> = parse_documents("# only a comment\n", "e.yaml").unwrap();
        assert!(docs.is_empty());
    }

    #[test]
    fn a_key_written_twice_names_both_places() {
        let text = "week: 2026-W10\nentries:\n  bram:\n    a: 1\n  carla: skip\n  bram:\n    a: 2\n";
        let err = parse_documents::<serde_yaml::Value>(text, "l.yaml").unwrap_err();
        assert_eq!((err.line, err.column), (Some(6), Some(3)), "{err}");
        assert!(
            err.message.contains("`bram`") && err.message.contains("line 3"),
            "{err}"
        );
        // In front matter, both lines are the file's.
        let err = parse::<serde_yaml::Value>("title: a\ntitle: b\n", "p.md", 2).unwrap_err();
        assert_eq!(err.line, Some(3), "{err}");
        assert!(err.message.contains("line 2"), "{err}");
        // Flow maps, quoted keys, and the same key in sibling maps.
        assert!(parse::<serde_yaml::Value>("{a: 1, 'a': 2}", "f.yaml", 1).is_err());
        assert!(parse::<serde_yaml::Value>("x: {a: 1}\ny: {a: 1}\n", "f.yaml", 1).is_ok());
        assert!(parse::<serde_yaml::Value>("- a: 1\n- a: 2\n", "f.yaml", 1).is_ok());
        // A value equal to a key is no duplicate; nested maps as values neither.
        assert!(parse::<serde_yaml::Value>("a: a\nb: {a: 1}\nc: [a, a]\n", "f.yaml", 1).is_ok());
        // Each document of a file is a map of its own.
        assert!(parse_documents::<serde_yaml::Value>("a: 1\n---\na: 2\n", "f.yaml").is_ok());
    }

    #[test]
    fn deep_nesting_is_refused_early() {
        let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(parse::<serde_yaml::Value>(&ok, "f.yaml", 1).is_ok());
        let deep = format!("entries: {}", "[".repeat(200_000));
        let started = std::time::Instant::now();
        let err = parse::<serde_yaml::Value>(&deep, "d.yaml", 1).unwrap_err();
        assert!(
            started.elapsed() < std::time::Duration::from_secs(2),
            "{:?}",
            started.elapsed()
        );
        assert!(err.message.contains("deeper than 64"), "{err}");
        assert_eq!(err.line, Some(1));
        let block: String = (0..70).map(|i| format!("{}k{i}:\n", "  ".repeat(i))).collect();
        let err = parse_documents::<serde_yaml::Value>(&block, "b.yaml").unwrap_err();
        assert!(err.message.contains("deeper than 64"), "{err}");
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Session {
        minutes: f64,
        #[serde(default)]
        count: u32,
    }

    #[test]
    fn value_errors_are_in_plain_words() {
        let err = parse::<Session>("minutes: 15 min\n", "c.yaml", 1).unwrap_err();
        assert_eq!(err.message, "minutes: '15 min' is not a number", "{err}");
        assert_eq!(err.hint.as_deref(), Some("write 15"));
        let err = parse::<Session>("minutes: 5\ncount: -3\n", "c.yaml", 1).unwrap_err();
        assert!(!err.message.contains("u32") && err.message.contains("-3"), "{err}");
        let err = parse::<Session>("minutes: 5\ncount: 18446744073709551615\n", "c.yaml", 1).unwrap_err();
        assert!(err.message.contains("18446744073709551615"), "{err}");
        assert_eq!((err.line, err.column), (Some(2), Some(8)), "{err}");
        let err = parse::<Session>("minutes: 5\ncount: 99999999999999999999999\n", "c.yaml", 1).unwrap_err();
        assert!(err.message.contains("99999999999999999999999"), "as written: {err}");
        let err = parse::<Vec<Session>>("- minutes: [1]\n", "c.yaml", 1).unwrap_err();
        assert!(err.message.starts_with("[0].minutes: a list is not a number"), "{err}");
        let err = parse::<Session>("count: 1\n", "c.yaml", 1).unwrap_err();
        assert!(err.message.ends_with("the field `minutes` is missing"), "{err}");
        assert!(
            !err.to_string().contains("f64") && !err.to_string().contains("struct"),
            "{err}"
        );
    }

    #[test]
    fn the_hint_for_an_unknown_field_lists_only_fields() {
        #[derive(Debug, Deserialize)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct Log {
            week: String,
            entries: Option<u32>,
        }
        let err = parse::<Log>("week: x\n<<: {a: 1}\n", "l.yaml", 1).unwrap_err();
        assert_eq!(err.hint.as_deref(), Some("allowed fields: week, entries"), "{err}");
        assert_eq!(err.message, "unknown field `<<`");
    }

    /// Null scalars written `key:` are read as "" or "~" by the two readers.
    fn normal(n: Node) -> Node {
        match n {
            Node::Scalar(s) if s.is_null() => Node::Scalar(Scalar {
                text: String::new(),
                plain: true,
            }),
            Node::Map(es) => Node::Map(es.into_iter().map(|(k, v)| (k, normal(v))).collect()),
            Node::Seq(xs) => Node::Seq(xs.into_iter().map(normal).collect()),
            other => other,
        }
    }

    #[test]
    fn the_line_reader_takes_a_plain_log() {
        let text = "# log\nweek: 2026-W10\nentries:\n  ann:\n    calls: 3 # busy\n\n    demos: skip\n  bob: skip\n  cem:\n  dirk: {}\n---\n";
        let docs = plain_block(text).expect("plain");
        assert_eq!(
            docs.into_iter().map(normal).collect::<Vec<_>>(),
            parsed_events(text).unwrap().into_iter().map(normal).collect::<Vec<_>>()
        );
        for odd in [
            "a:\n  - 1\n",
            "a: b c\n",
            "a: 'b'\n",
            "a:b\n",
            "a: 1\n  b: 2\n",
            "a:\n    b: 1\n  c: 2\n",
            "a: 1\na: 2\n",
        ] {
            assert!(plain_block(odd).is_none(), "{odd}");
        }
    }

    proptest::proptest! {
        /// Whatever the line reader takes, the event reader reads the same.
        #[test]
        fn the_line_reader_agrees_with_the_event_reader(
            lines in proptest::collection::vec(
                (0usize..4, proptest::sample::select(&["a", "b", "week", "p-1", "2026", "x_y", "-a", "'a'", "a b", "---", "#c", "", "..."][..]),
                 proptest::sample::select(&["", " 1", " skip", " {}", " 007", " 2026-W10", " a # c", " #c", " a b", " -", " ~", " [1]", ":", " 'q'"][..])),
                0..12)
        ) {
            let text: String = lines
                .iter()
                .map(|(indent, key, value)| match *key {
                    "---" | "#c" | "" | "..." => format!("{key}\n"),
                    _ => format!("{}{key}:{value}\n", "  ".repeat(*indent)),
                })
                .collect();
            if let Some(a) = plain_block(&text) {
                let b = parsed_events(&text);
                proptest::prop_assert!(b.is_some(), "{}", text);
                let a: Vec<Node> = a.into_iter().map(normal).collect();
                let b: Vec<Node> = b.unwrap_or_default().into_iter().map(normal).collect();
                proptest::prop_assert_eq!(a, b, "{}", text);
            }
        }
    }

    proptest::proptest! {
        /// Whenever the line check lets a text skip the shape check, the
        /// shape check finds nothing in it either.
        #[test]
        fn flat_text_passes_the_shape_check(
            lines in proptest::collection::vec(
                (proptest::sample::select(&[0usize, 0, 0, 1][..]), proptest::sample::select(&["a", "b", "a", "b", "'a'", "- x", "#c"][..]),
                 proptest::sample::select(&["", " 1", " 'q'", " \"a: 1\"", " x # c", " 1", " [1, [2]]", " {a: 1}", " &x 1", " !t 1", " |\n  x", "\tx"][..])),
                0..6)
        ) {
            let text: String = lines
                .iter()
                .map(|(indent, key, value)| format!("{}{key}:{value}\n", " ".repeat(*indent)))
                .collect();
            if flat_with_unique_keys(&text) {
                proptest::prop_assert!(check_shape(&text, "p.md", 2).is_ok(), "{}", text);
            }
        }
    }

    #[test]
    fn common_front_matter_skips_the_shape_check_and_duplicates_do_not() {
        let page =
            "title: \"Pagina 0: risico\"\nsummary: 'Kort.'\nweight: 0\n# noot\n\nreview_by: 2026-12-31 # jaarlijks\n";
        assert!(flat_with_unique_keys(page));
        assert!(!flat_with_unique_keys("title: a\nweight: 1\ntitle: b\n"));
        assert!(!flat_with_unique_keys("title: a\ntags: [a, b]\n"));
        assert!(!flat_with_unique_keys("title: a\nnested:\n  b: 1\n"));
        assert!(!flat_with_unique_keys("list:\n- a\n"));
        // The duplicate is still reported where it is.
        let err = parse::<serde_yaml::Value>("title: a\nweight: 1\ntitle: b\n", "p.md", 2).unwrap_err();
        assert_eq!(err.line, Some(4), "{err}");
    }

    #[test]
    fn locate_finds_whole_words_after_a_key() {
        let text = "title: opvolgen\nbehaviours: [tijdig-opvolgen, opvolgen]\n";
        let p = locate(text, Some("behaviours"), "opvolgen", 2).unwrap();
        assert_eq!((p.line, p.column), (3, 31));
    }
}
