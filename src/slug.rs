//! Ids, slugs and the relative URLs between output pages.
//!
//! Ids come from file names and front matter written by people; they end up
//! as folder names in the output. Only a closed alphabet is accepted, so no
//! id can climb out of the output folder (`../../x`) or collide by case on
//! a case-insensitive disk.

/// Whether `id` is usable as an id and a folder name: lowercase ASCII
/// letters, digits, `-` and `_`, starting with a letter or digit.
pub fn is_valid_id(id: &str) -> bool {
    let mut chars = id.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase() || c.is_ascii_digit())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
        && id.len() <= 100
}

/// A URL- and file-safe slug for free text (headings, file stems): lowercase,
/// accents folded where common in Dutch, runs of other characters as one `-`.
pub fn slugify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut dash = false;
    let mut take = |c: char| {
        let c = fold_accent(c);
        if c.is_alphanumeric() || c == '_' {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.push(c);
        } else if c.is_whitespace() || c == '-' || c == '/' || c == '.' {
            dash = true;
        }
        // Other punctuation is dropped without a separator ("wat's" → "wats").
    };
    for c in text.chars() {
        // ASCII needs no case table (looking every character up was most of a heading's slug).
        match c.is_ascii() {
            true => take(c.to_ascii_lowercase()),
            false => c.to_lowercase().for_each(&mut take),
        }
    }
    out
}

fn fold_accent(c: char) -> char {
    match c {
        'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' => 'a',
        'é' | 'è' | 'ê' | 'ë' => 'e',
        'í' | 'ì' | 'î' | 'ï' => 'i',
        'ó' | 'ò' | 'ô' | 'ö' | 'õ' => 'o',
        'ú' | 'ù' | 'û' | 'ü' => 'u',
        'ç' => 'c',
        'ñ' => 'n',
        other => other,
    }
}

/// The prefix that leads from an output file back to the site root:
/// `behaviours/x/index.html` → `../../`, `index.html` → `` (empty).
pub fn root_prefix(output_path: &str) -> String {
    "../".repeat(output_path.matches('/').count())
}

/// A link from the page at `from` (an output path) to the output path `to`,
/// relative so that the site works from any sub-path and from `file://`.
pub fn relative(from: &str, to: &str) -> String {
    // Segment by segment, without collecting them: every link of every
    // page comes here (a sixth of the Markdown stage's time with the Vecs).
    let dir = from.rfind('/').map(|i| &from[..i]);
    let depth = dir.map_or(0, |d| d.split('/').count());
    let last = to.split('/').count() - 1;
    let common = match dir {
        Some(d) => d
            .split('/')
            .zip(to.split('/'))
            .take_while(|(a, b)| a == b)
            .count()
            .min(last),
        None => 0,
    };
    let rest = to.splitn(common + 1, '/').last().unwrap_or("");
    let mut out = String::with_capacity(3 * (depth - common) + rest.len());
    for _ in common..depth {
        out.push_str("../");
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn ids() {
        assert!(is_valid_id("tijdig-opvolgen"));
        assert!(is_valid_id("team_2"));
        assert!(!is_valid_id("../../x"));
        assert!(!is_valid_id("Bram"));
        assert!(!is_valid_id(""));
        assert!(!is_valid_id("-x"));
    }

    #[test]
    fn slugs() {
        assert_eq!(slugify("Waarom dit ertoe doet"), "waarom-dit-ertoe-doet");
        assert_eq!(slugify("Eén keer per week: de review!"), "een-keer-per-week-de-review");
        assert_eq!(slugify("  --a--b  "), "a-b");
        assert_eq!(slugify("Wat's nieuw?"), "wats-nieuw");
    }

    #[test]
    fn relative_links() {
        assert_eq!(
            relative("index.html", "behaviours/a/index.html"),
            "behaviours/a/index.html"
        );
        assert_eq!(
            relative("behaviours/a/index.html", "coaching/b/index.html"),
            "../../coaching/b/index.html"
        );
        assert_eq!(
            relative("behaviours/a/index.html", "behaviours/b/index.html"),
            "../b/index.html"
        );
        assert_eq!(relative("behaviours/a/index.html", "index.html"), "../../index.html");
        assert_eq!(
            relative("behaviours/a/index.html", "behaviours/a/index.html"),
            "index.html"
        );
        assert_eq!(root_prefix("a/b/index.html"), "../../");
    }

    proptest! {
        #[test]
        fn slug_is_always_a_safe_path_segment(s in "\\PC{0,40}") {
            let slug = slugify(&s);
            prop_assert!(!slug.contains('/') && !slug.contains('\\') && slug != ".." && slug != ".");
            prop_assert!(!slug.starts_with('-') && !slug.ends_with('-'));
        }

        /// The ASCII shortcut changes no slug: every character through
        /// Unicode's lowercase gives the same.
        #[test]
        fn ascii_shortcut_gives_the_unicode_slug(s in "[a-zA-Z0-9 ._/'!-]{0,10}\\PC{0,10}[A-Zéİ ẞ-]{0,6}") {
            let mut want = String::new();
            let mut dash = false;
            for c in s.chars().flat_map(char::to_lowercase).map(fold_accent) {
                if c.is_alphanumeric() || c == '_' {
                    if dash && !want.is_empty() {
                        want.push('-');
                    }
                    dash = false;
                    want.push(c);
                } else if c.is_whitespace() || c == '-' || c == '/' || c == '.' {
                    dash = true;
                }
            }
            prop_assert_eq!(slugify(&s), want);
        }

        /// The same link as the plain definition: the folders of `from`
        /// and the parts of `to`, the shared leading ones dropped.
        #[test]
        fn relative_is_the_plain_definition(a in "[a-c/]{0,12}", b in "[a-c/]{0,12}") {
            let from_dir: Vec<&str> = match a.rfind('/') {
                Some(i) => a[..i].split('/').collect(),
                None => Vec::new(),
            };
            let to_parts: Vec<&str> = b.split('/').collect();
            let common = from_dir
                .iter()
                .zip(&to_parts)
                .take_while(|(x, y)| x == y)
                .count()
                .min(to_parts.len() - 1);
            let plain = "../".repeat(from_dir.len() - common) + &to_parts[common..].join("/");
            prop_assert_eq!(relative(&a, &b), plain);
        }

        #[test]
        fn relative_never_escapes_root(a in "[a-c]{1,2}(/[a-c]{1,2}){0,3}", b in "[a-c]{1,2}(/[a-c]{1,2}){0,3}") {
            let from = format!("{a}/index.html");
            let to = format!("{b}/index.html");
            let rel = relative(&from, &to);
            // Resolving the relative link from `from` must land on `to`.
            let mut stack: Vec<&str> = from.split('/').collect();
            stack.pop();
            for part in rel.split('/') {
                if part == ".." { prop_assert!(stack.pop().is_some()); } else { stack.push(part); }
            }
            prop_assert_eq!(stack.join("/"), to);
        }
    }
}
