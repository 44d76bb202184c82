//! Splitting a Markdown file into its YAML front matter and its body,
//! keeping line numbers so errors in either half point at the real line.

use crate::diagnostics::Diagnostic;

/// A Markdown file cut in two.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split<'a> {
    /// The YAML between the `---` lines (empty when the file has none).
    pub yaml: &'a str,
    /// 1-based line of the file on which `yaml` starts.
    pub yaml_line: usize,
    /// Whether the file had a front-matter block at all.
    pub has_front_matter: bool,
    /// The Markdown after the closing `---`.
    pub body: &'a str,
    /// 1-based line of the file on which `body` starts.
    pub body_line: usize,
}

/// Splits `text` (the file `file`). A file that opens front matter with
/// `---` but never closes it is an error: guessing where it ends would turn
/// the whole page into YAML or the YAML into prose.
pub fn split<'a>(text: &'a str, file: &str) -> Result<Split<'a>, Diagnostic> {
    let first_line_end = text.find('\n').map_or(text.len(), |i| i + 1);
    if text[..first_line_end].trim_end() != "---" {
        return Ok(Split {
            yaml: "",
            yaml_line: 1,
            has_front_matter: false,
            body: text,
            body_line: 1,
        });
    }
    let mut offset = first_line_end;
    let mut line = 2;
    while offset < text.len() {
        let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i + 1);
        let this = text[offset..end].trim_end();
        if this == "---" || this == "..." {
            return Ok(Split {
                yaml: &text[first_line_end..offset],
                yaml_line: 2,
                has_front_matter: true,
                body: &text[end..],
                body_line: line + 1,
            });
        }
        offset = end;
        line += 1;
    }
    Err(
        Diagnostic::error(file, "front matter is opened with `---` but never closed")
            .at(1, 1)
            .with_hint("add a line with only `---` after the last front-matter field"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn splits_and_counts_lines() {
        let s = split("---\ntitle: A\nid: a\n---\n# Hello\n", "a.md").unwrap();
        assert_eq!(s.yaml, "title: A\nid: a\n");
        assert_eq!(s.yaml_line, 2);
        assert_eq!(s.body, "# Hello\n");
        assert_eq!(s.body_line, 5);
        assert!(s.has_front_matter);
    }

    #[test]
    fn no_front_matter_is_all_body() {
        let s = split("# Hi\n---\n", "b.md").unwrap();
        assert!(!s.has_front_matter);
        assert_eq!(s.body, "# Hi\n---\n");
    }

    #[test]
    fn crlf_line_endings_work() {
        let s = split("---\r\ntitle: A\r\n---\r\nbody", "c.md").unwrap();
        assert_eq!(s.yaml, "title: A\r\n");
        assert_eq!(s.body, "body");
    }

    #[test]
    fn unclosed_is_an_error_on_line_one() {
        let e = split("---\ntitle: A\n# body\n", "d.md").unwrap_err();
        assert_eq!(e.line, Some(1));
        assert!(e.message.contains("never closed"));
    }

    proptest! {
        #[test]
        fn never_panics_and_body_is_a_suffix(s in "(---\n)?[\\PC\n]{0,200}") {
            if let Ok(parts) = split(&s, "x.md") {
                prop_assert!(s.ends_with(parts.body));
                let lines_before = s[..s.len() - parts.body.len()].matches('\n').count();
                prop_assert_eq!(parts.body_line, lines_before + 1);
            }
        }
    }
}
