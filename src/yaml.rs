//! The one door to YAML.
//!
//! serde_yaml is what our users named, but upstream has stopped maintaining
//! it. Every YAML parse in ritme goes through this module so that a drop-in
//! fork can replace it by changing the `use` below, and so that every YAML
//! error reaches the user in the same located, hinted shape.

use serde::de::DeserializeOwned;
use serde_yaml as backend;

use crate::diagnostics::{Diagnostic, Pos};

/// Parses one YAML document. `first_line` is the 1-based line in `file` at
/// which `text` starts (front matter starts below its `---`).
pub fn parse<T: DeserializeOwned>(text: &str, file: &str, first_line: usize) -> Result<T, Diagnostic> {
    backend::from_str(text).map_err(|e| to_diagnostic(&e, text, file, first_line))
}

/// Parses every document of a multi-document YAML file (`---` separated).
/// Empty documents (a file that is only comments) are skipped.
pub fn parse_documents<T: DeserializeOwned>(text: &str, file: &str) -> Result<Vec<T>, Diagnostic> {
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

fn to_diagnostic(e: &backend::Error, text: &str, file: &str, first_line: usize) -> Diagnostic {
    let raw = e.to_string();
    // serde_yaml appends " at line L column C"; we print the location ourselves.
    let message = match raw.find(" at line ") {
        Some(i) => raw[..i].to_string(),
        None => raw.clone(),
    };
    let mut d = Diagnostic::error(file, format!("YAML: {message}"));
    if let Some(loc) = e.location() {
        d = d.at(loc.line() + first_line - 1, loc.column());
    } else {
        d = d.at_line(first_line);
    }
    if let Some(hint) = hint_for(&raw, text, d.line.map(|l| l + 1 - first_line)) {
        d = d.with_hint(hint);
    }
    d
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
        let expected: Vec<&str> = rest
            .split("expected ")
            .nth(1)
            .map(|s| {
                s.split(['`', ',', ' '])
                    .filter(|w| !w.is_empty() && *w != "one" && *w != "of" && *w != "or")
                    .collect()
            })
            .unwrap_or_default();
        if let Some(near) = crate::diagnostics::nearest(field, expected.iter().copied()) {
            return Some(format!("did you mean `{near}`?"));
        }
        if !expected.is_empty() {
            return Some(format!("allowed fields: {}", expected.join(", ")));
        }
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
    fn locate_finds_whole_words_after_a_key() {
        let text = "title: opvolgen\nbehaviours: [tijdig-opvolgen, opvolgen]\n";
        let p = locate(text, Some("behaviours"), "opvolgen", 2).unwrap();
        assert_eq!((p.line, p.column), (3, 31));
    }
}
