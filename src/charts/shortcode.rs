//! Finds shortcodes such as
//! `{{ chart(kind="trend", behaviour="tijdig-opvolgen", team="noord") }}`
//! in Markdown source.
//!
//! This only parses: which names, kinds, arguments and ids exist is for the
//! caller to check (it knows the site). Errors carry the byte offset of the
//! problem so that the caller can report `file:line:col` ([`line_col`]).
//!
//! What counts as a shortcode: `{{`, optional spaces, a name, optional
//! spaces and `(`. Text like `{{ name }}` is left alone (it may be prose
//! about templates); from the `(` on, a malformed call is an error. Fenced
//! code blocks and inline code spans are skipped, so a page can show the
//! syntax in an example.
//!
//! Grammar (spaces and newlines allowed between tokens):
//! `{{ NAME ( [KEY = VALUE {, KEY = VALUE} [,]] ) }}` where VALUE is a
//! `"double"` or `'single'` quoted string (with `\"`, `\'`, `\\` escapes)
//! or a bare word of letters, digits, `_ . + -`.

use std::fmt;
use std::ops::Range;

/// One shortcode call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shortcode {
    /// Byte range of the whole `{{ … }}` in the input.
    pub span: Range<usize>,
    /// The called name, e.g. `chart`.
    pub name: String,
    /// Arguments in source order (keys are unique).
    pub args: Vec<(String, String)>,
}

impl Shortcode {
    pub fn arg(&self, key: &str) -> Option<&str> {
        self.args.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    /// The `kind` argument (`trend`, `heatmap`, …), if given.
    pub fn kind(&self) -> Option<&str> {
        self.arg("kind")
    }

    /// The call written back in canonical form (double quotes).
    pub fn to_source(&self) -> String {
        let args: Vec<String> = self
            .args
            .iter()
            .map(|(k, v)| format!("{k}=\"{}\"", v.replace('\\', "\\\\").replace('"', "\\\"")))
            .collect();
        format!("{{{{ {}({}) }}}}", self.name, args.join(", "))
    }
}

/// What is wrong, at `offset` (bytes into the input).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShortcodeError {
    pub offset: usize,
    pub kind: ShortcodeErrorKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShortcodeErrorKind {
    /// The input ends inside the call (offset: its `{{`).
    Unclosed,
    /// A quoted value runs to the end of its line (offset: the quote).
    UnclosedString,
    /// Curly quotes from a word processor (offset: the quote).
    CurlyQuote,
    /// An unknown `\x` escape in a quoted value.
    BadEscape(char),
    ExpectedArgName,
    ExpectedEquals,
    ExpectedValue,
    ExpectedCommaOrParen,
    /// After `)`, something other than `}}`.
    ExpectedClose,
    DuplicateArg(String),
}

impl ShortcodeError {
    pub fn message(&self) -> String {
        match &self.kind {
            ShortcodeErrorKind::Unclosed => "shortcode is not closed".into(),
            ShortcodeErrorKind::UnclosedString => "quoted value is not closed on this line".into(),
            ShortcodeErrorKind::CurlyQuote => "curly quote in a shortcode".into(),
            ShortcodeErrorKind::BadEscape(c) => format!("unknown escape `\\{c}` in a quoted value"),
            ShortcodeErrorKind::ExpectedArgName => "expected an argument name".into(),
            ShortcodeErrorKind::ExpectedEquals => "expected `=` after the argument name".into(),
            ShortcodeErrorKind::ExpectedValue => "expected a value after `=`".into(),
            ShortcodeErrorKind::ExpectedCommaOrParen => "expected `,` or `)` after the value".into(),
            ShortcodeErrorKind::ExpectedClose => "expected `}}` after `)`".into(),
            ShortcodeErrorKind::DuplicateArg(k) => format!("argument `{k}` is given twice"),
        }
    }

    pub fn hint(&self) -> Option<&'static str> {
        match &self.kind {
            ShortcodeErrorKind::Unclosed | ShortcodeErrorKind::ExpectedClose => {
                Some("write it as {{ chart(kind=\"trend\", team=\"noord\") }}")
            }
            ShortcodeErrorKind::UnclosedString => Some("end the value with the same quote it starts with"),
            ShortcodeErrorKind::CurlyQuote => Some("use straight quotes: \" or '"),
            ShortcodeErrorKind::BadEscape(_) => Some("only \\\" \\' and \\\\ are escapes"),
            ShortcodeErrorKind::ExpectedValue => Some("quote the value: key=\"value\""),
            ShortcodeErrorKind::ExpectedArgName
            | ShortcodeErrorKind::ExpectedEquals
            | ShortcodeErrorKind::ExpectedCommaOrParen => Some("arguments are key=\"value\", separated by commas"),
            ShortcodeErrorKind::DuplicateArg(_) => None,
        }
    }
}

impl fmt::Display for ShortcodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for ShortcodeError {}

/// Every shortcode and every malformed one, in input order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Parsed {
    pub shortcodes: Vec<Shortcode>,
    pub errors: Vec<ShortcodeError>,
}

/// Finds the shortcodes in `text`.
pub fn parse(text: &str) -> Parsed {
    let bytes = text.as_bytes();
    let mut out = Parsed::default();
    let mut i = 0;
    let mut line_start = true;
    while i < bytes.len() {
        if line_start && let Some(end) = fenced_block_end(text, i) {
            i = end;
            continue;
        }
        let b = bytes[i];
        line_start = b == b'\n';
        match b {
            b'`' => i = code_span_end(bytes, i),
            b'{' if bytes.get(i + 1) == Some(&b'{') => match call(text, i) {
                Call::Skip => i += 2,
                Call::Ok(sc) => {
                    i = sc.span.end;
                    out.shortcodes.push(sc);
                }
                Call::Err(e) => {
                    out.errors.push(e);
                    i += 2;
                }
            },
            _ => i += 1,
        }
    }
    out
}

/// Replaces every parsed shortcode by `f(shortcode)`; the rest is copied.
pub fn expand(text: &str, shortcodes: &[Shortcode], mut f: impl FnMut(&Shortcode) -> String) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for sc in shortcodes {
        if sc.span.start < at || sc.span.end > text.len() {
            continue;
        }
        out.push_str(&text[at..sc.span.start]);
        out.push_str(&f(sc));
        at = sc.span.end;
    }
    out.push_str(&text[at..]);
    out
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let col = before
        .rfind('\n')
        .map_or(before, |nl| &before[nl + 1..])
        .chars()
        .count()
        + 1;
    (line, col)
}

enum Call {
    Skip,
    Ok(Shortcode),
    Err(ShortcodeError),
}

/// Parses the call whose `{{` is at `start`.
fn call(text: &str, start: usize) -> Call {
    let bytes = text.as_bytes();
    let err = |offset, kind| Call::Err(ShortcodeError { offset, kind });
    let mut i = skip_ws(bytes, start + 2);
    let Some(name_end) = ident_end(bytes, i) else {
        return Call::Skip;
    };
    let name = &text[i..name_end];
    i = skip_ws(bytes, name_end);
    if bytes.get(i) != Some(&b'(') {
        return Call::Skip;
    }
    i += 1;
    let mut args: Vec<(String, String)> = Vec::new();
    loop {
        i = skip_ws(bytes, i);
        match bytes.get(i) {
            None => return err(start, ShortcodeErrorKind::Unclosed),
            Some(b')') => {
                i += 1;
                break;
            }
            _ => {}
        }
        let Some(key_end) = ident_end(bytes, i) else {
            return err(i, ShortcodeErrorKind::ExpectedArgName);
        };
        let key_at = i;
        let key = &text[i..key_end];
        i = skip_ws(bytes, key_end);
        match bytes.get(i) {
            None => return err(start, ShortcodeErrorKind::Unclosed),
            Some(b'=') => i += 1,
            Some(_) => return err(i, ShortcodeErrorKind::ExpectedEquals),
        }
        i = skip_ws(bytes, i);
        let value = match value(text, i) {
            Ok((v, end)) => {
                i = end;
                v
            }
            Err(e) if e.kind == ShortcodeErrorKind::Unclosed => {
                return err(start, ShortcodeErrorKind::Unclosed);
            }
            Err(e) => return Call::Err(e),
        };
        if args.iter().any(|(k, _)| k == key) {
            return err(key_at, ShortcodeErrorKind::DuplicateArg(key.to_string()));
        }
        args.push((key.to_string(), value));
        i = skip_ws(bytes, i);
        match bytes.get(i) {
            None => return err(start, ShortcodeErrorKind::Unclosed),
            Some(b',') => i += 1,
            Some(b')') => {
                i += 1;
                break;
            }
            Some(_) => {
                return err(i, curly_or(text, i, ShortcodeErrorKind::ExpectedCommaOrParen));
            }
        }
    }
    i = skip_ws(bytes, i);
    if bytes.get(i) == Some(&b'}') && bytes.get(i + 1) == Some(&b'}') {
        Call::Ok(Shortcode {
            span: start..i + 2,
            name: name.to_string(),
            args,
        })
    } else if i >= bytes.len() {
        err(start, ShortcodeErrorKind::Unclosed)
    } else {
        err(i, ShortcodeErrorKind::ExpectedClose)
    }
}

/// A value at `i`: quoted or bare. Returns it and the offset after it.
fn value(text: &str, i: usize) -> Result<(String, usize), ShortcodeError> {
    let bytes = text.as_bytes();
    let err = |offset, kind| Err(ShortcodeError { offset, kind });
    match bytes.get(i) {
        None => err(i, ShortcodeErrorKind::Unclosed),
        Some(&q @ (b'"' | b'\'')) => {
            let mut v = String::new();
            let mut chars = text[i + 1..].char_indices();
            while let Some((k, c)) = chars.next() {
                match c {
                    '\n' | '\r' => return err(i, ShortcodeErrorKind::UnclosedString),
                    '\\' => match chars.next() {
                        Some((_, e @ ('"' | '\'' | '\\'))) => v.push(e),
                        Some((_, e)) => {
                            return err(i + 1 + k, ShortcodeErrorKind::BadEscape(e));
                        }
                        None => return err(i, ShortcodeErrorKind::UnclosedString),
                    },
                    c if c == q as char => return Ok((v, i + 1 + k + 1)),
                    c => v.push(c),
                }
            }
            err(i, ShortcodeErrorKind::UnclosedString)
        }
        Some(_) => {
            let end = text[i..]
                .char_indices()
                .find(|(_, c)| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '+' | '-')))
                .map_or(text.len(), |(k, _)| i + k);
            if end == i {
                err(i, curly_or(text, i, ShortcodeErrorKind::ExpectedValue))
            } else {
                Ok((text[i..end].to_string(), end))
            }
        }
    }
}

fn curly_or(text: &str, i: usize, other: ShortcodeErrorKind) -> ShortcodeErrorKind {
    match text[i..].chars().next() {
        Some('“' | '”' | '‘' | '’' | '„' | '‚') => ShortcodeErrorKind::CurlyQuote,
        _ => other,
    }
}

fn skip_ws(bytes: &[u8], mut i: usize) -> usize {
    while matches!(bytes.get(i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
        i += 1;
    }
    i
}

/// End of an identifier (`[A-Za-z_][A-Za-z0-9_-]*`) starting at `i`.
fn ident_end(bytes: &[u8], i: usize) -> Option<usize> {
    let first = *bytes.get(i)?;
    if !(first.is_ascii_alphabetic() || first == b'_') {
        return None;
    }
    let mut j = i + 1;
    while matches!(bytes.get(j), Some(c) if c.is_ascii_alphanumeric() || *c == b'_' || *c == b'-') {
        j += 1;
    }
    Some(j)
}

/// If a fenced code block (``` or ~~~, up to three spaces in) opens at the
/// line starting at `i`, the offset after its closing fence (or the end).
fn fenced_block_end(text: &str, i: usize) -> Option<usize> {
    let (ch, len) = fence_at(text, i)?;
    let mut at = text[i..].find('\n').map_or(text.len(), |n| i + n + 1);
    while at < text.len() {
        let line_end = text[at..].find('\n').map_or(text.len(), |n| at + n + 1);
        if let Some((c, l)) = fence_at(text, at) {
            let rest = text[at..line_end].trim_start().trim_start_matches(c);
            if c == ch && l >= len && rest.trim().is_empty() {
                return Some(line_end);
            }
        }
        at = line_end;
    }
    Some(text.len())
}

/// The fence character and length opening at `i`, if any.
fn fence_at(text: &str, i: usize) -> Option<(char, usize)> {
    let line = &text[i..];
    let indent = line.len() - line.trim_start_matches(' ').len();
    if indent > 3 {
        return None;
    }
    let rest = &line[indent..];
    let ch = rest.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let len = rest.len() - rest.trim_start_matches(ch).len();
    (len >= 3).then_some((ch, len))
}

/// After an inline code span opening at `i` (a run of backticks closed by a
/// run of the same length); just after the run if it is never closed.
fn code_span_end(bytes: &[u8], i: usize) -> usize {
    let run = |at: usize| bytes[at..].iter().take_while(|b| **b == b'`').count();
    let n = run(i);
    let mut j = i + n;
    while j < bytes.len() {
        if bytes[j] == b'`' {
            let m = run(j);
            if m == n {
                return j + m;
            }
            j += m;
        } else {
            j += 1;
        }
    }
    i + n
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn args(sc: &Shortcode) -> Vec<(&str, &str)> {
        sc.args.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
    }

    #[test]
    fn finds_calls_with_either_quotes_and_spacing() {
        let text = "Intro\n\n{{ chart(kind=\"trend\", behaviour=\"tijdig-opvolgen\", team=\"noord\") }}\n\
                    and {{chart( kind = 'heatmap' ,team='zuid', weeks=13, ) }} end";
        let p = parse(text);
        assert!(p.errors.is_empty(), "{:?}", p.errors);
        assert_eq!(p.shortcodes.len(), 2);
        let a = &p.shortcodes[0];
        assert_eq!(a.name, "chart");
        assert_eq!(a.kind(), Some("trend"));
        assert_eq!(
            args(a),
            [("kind", "trend"), ("behaviour", "tijdig-opvolgen"), ("team", "noord")]
        );
        assert_eq!(
            &text[a.span.clone()],
            "{{ chart(kind=\"trend\", behaviour=\"tijdig-opvolgen\", team=\"noord\") }}"
        );
        let b = &p.shortcodes[1];
        assert_eq!(args(b), [("kind", "heatmap"), ("team", "zuid"), ("weeks", "13")]);
        assert!(text[b.span.clone()].ends_with(") }}"));
    }

    #[test]
    fn multi_line_calls_and_escapes() {
        let p = parse("{{ chart(\n  kind=\"trend\",\n  title='It\\'s \"ok\"'\n) }}");
        assert!(p.errors.is_empty(), "{:?}", p.errors);
        assert_eq!(p.shortcodes[0].arg("title"), Some("It's \"ok\""));
    }

    #[test]
    fn leaves_non_calls_and_code_alone() {
        let text = "{{ name }} and {{ 3 }} and {{\n\
                    `{{ chart(kind=\"x\") }}` and ``a ` {{ chart( `` \n\
                    ```md\n{{ chart(kind=\"trend\" }}\n```\n\
                    ~~~~\n{{ chart(\n~~~~\n\
                    {{ chart() }}";
        let p = parse(text);
        assert!(p.errors.is_empty(), "{:?}", p.errors);
        assert_eq!(p.shortcodes.len(), 1);
        assert!(p.shortcodes[0].args.is_empty());
    }

    fn error_of(text: &str) -> (ShortcodeErrorKind, (usize, usize)) {
        let p = parse(text);
        assert_eq!(p.errors.len(), 1, "{text}: {:?}", p);
        let e = &p.errors[0];
        (e.kind.clone(), line_col(text, e.offset))
    }

    #[test]
    fn malformed_calls_are_located() {
        use ShortcodeErrorKind::*;
        assert_eq!(error_of("a\n{{ chart(kind=\"trend\""), (Unclosed, (2, 1)));
        assert_eq!(error_of("{{ chart(kind=\"trend) }}\nmore"), (UnclosedString, (1, 15)));
        assert_eq!(error_of("{{ chart(kind='trend\") }}"), (UnclosedString, (1, 15)));
        assert_eq!(error_of("{{ chart(kind=“trend”) }}"), (CurlyQuote, (1, 15)));
        assert_eq!(
            error_of("{{ chart(kind=\"trend\" team=\"x\") }}"),
            (ExpectedCommaOrParen, (1, 23))
        );
        assert_eq!(error_of("{{ chart(kind) }}"), (ExpectedEquals, (1, 14)));
        assert_eq!(error_of("{{ chart(kind=) }}"), (ExpectedValue, (1, 15)));
        assert_eq!(error_of("{{ chart(=1) }}"), (ExpectedArgName, (1, 10)));
        assert_eq!(error_of("{{ chart(a=1) }"), (ExpectedClose, (1, 15)));
        assert_eq!(error_of("{{ chart(a=1)"), (Unclosed, (1, 1)));
        assert_eq!(error_of("{{ chart(a=1) x }}"), (ExpectedClose, (1, 15)));
        assert_eq!(error_of("{{ chart(a=1, a=2) }}"), (DuplicateArg("a".into()), (1, 15)));
        assert_eq!(error_of("{{ chart(a='\\n') }}"), (BadEscape('n'), (1, 13)));
        // Parsing goes on after an error.
        let p = parse("{{ chart(a=) }} {{ chart(b=\"1\") }}");
        assert_eq!((p.errors.len(), p.shortcodes.len()), (1, 1));
        assert!(p.errors[0].hint().is_some());
    }

    #[test]
    fn expand_replaces_spans() {
        let text = "a {{ chart(kind=\"x\") }} b {{ chart(kind='y') }} c";
        let p = parse(text);
        let out = expand(text, &p.shortcodes, |sc| format!("[{}]", sc.kind().unwrap()));
        assert_eq!(out, "a [x] b [y] c");
    }

    #[test]
    fn line_col_counts_characters() {
        let t = "é\nab{{";
        assert_eq!(line_col(t, 0), (1, 1));
        assert_eq!(line_col(t, 5), (2, 3));
        assert_eq!(line_col(t, 1), (1, 1), "inside a character: its start");
        assert_eq!(line_col(t, 99), (2, 5));
    }

    fn ident() -> impl Strategy<Value = String> {
        "[a-z_][a-z0-9_-]{0,8}"
    }

    proptest! {
        #[test]
        fn never_panics(text in "\\PC{0,200}") {
            let p = parse(&text);
            for sc in &p.shortcodes {
                prop_assert!(text.is_char_boundary(sc.span.start) && text.is_char_boundary(sc.span.end));
            }
            for e in &p.errors {
                prop_assert!(e.offset <= text.len());
                let _ = line_col(&text, e.offset);
            }
        }

        #[test]
        fn never_panics_on_shortcode_like_input(
            parts in proptest::collection::vec(
                prop_oneof![
                    Just("{{".to_string()), Just("}}".to_string()), Just("(".to_string()),
                    Just(")".to_string()), Just("chart".to_string()), Just("=".to_string()),
                    Just(",".to_string()), Just("\"".to_string()), Just("'".to_string()),
                    Just("\\".to_string()), Just(" ".to_string()), Just("\n".to_string()),
                    Just("`".to_string()), Just("```".to_string()), Just("é".to_string()),
                    Just("“".to_string()), "[a-z0-9]{1,4}",
                ],
                0..40,
            )
        ) {
            let text = parts.concat();
            let _ = parse(&text);
        }

        #[test]
        fn round_trips(
            name in ident(),
            args in proptest::collection::btree_map(ident(), "[^\\n\\r]{0,12}", 0..5),
            single in any::<bool>(),
            space in "[ \\n]{0,2}",
            before in "[a-z .]{0,10}",
        ) {
            let args: Vec<(String, String)> = args.into_iter().collect();
            let written: Vec<String> = args
                .iter()
                .map(|(k, v)| {
                    if single {
                        format!("{k}{space}={space}'{}'", v.replace('\\', "\\\\").replace('\'', "\\'"))
                    } else {
                        format!("{k}=\"{}\"", v.replace('\\', "\\\\").replace('"', "\\\""))
                    }
                })
                .collect();
            let call = format!("{{{{{space}{name}({}){space}}}}}", written.join(&format!(",{space}")));
            let text = format!("{before}{call}{before}");
            let p = parse(&text);
            prop_assert!(p.errors.is_empty(), "{:?} in {}", p.errors, text);
            prop_assert_eq!(p.shortcodes.len(), 1);
            let sc = &p.shortcodes[0];
            prop_assert_eq!(&sc.name, &name);
            prop_assert_eq!(&sc.args, &args);
            prop_assert_eq!(&text[sc.span.clone()], call.as_str());
            // The canonical form parses to the same call.
            let again = parse(&sc.to_source());
            prop_assert_eq!(&again.shortcodes[0].args, &args);
        }
    }
}
