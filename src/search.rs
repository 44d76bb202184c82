//! The site search index, built at build time.
//!
//! Written as a script file (`assets/search-index.js`) rather than JSON so
//! that it loads from `file://`, where browsers refuse `fetch`. Words are
//! stored stemmed (Dutch or English Snowball). The client does not stem:
//! a query word matches a stem it starts with (`opvolgen` → `opvolg`) or
//! that starts with it (typing `opvo…`), which gives stemmed matching and
//! results-as-you-type without shipping a stemmer in JavaScript.

use std::collections::{BTreeMap, BTreeSet};

use rust_stemmers::{Algorithm, Stemmer};
use serde::Serialize;

use crate::config::Language;

/// One page as the index sees it.
#[derive(Debug, Clone)]
pub struct SearchDoc {
    pub title: String,
    pub route: String,
    /// The section shown beside a result ("Gedrag", "Coaching", …).
    pub section: String,
    pub text: String,
}

#[derive(Serialize)]
struct Index<'a> {
    /// [title, route, section, snippet] per document.
    docs: Vec<[&'a str; 4]>,
    /// stem → flat list of (document, score) pairs.
    terms: BTreeMap<String, Vec<u32>>,
}

const TITLE_WEIGHT: u32 = 8;
const MAX_BODY_SCORE: u32 = 20;
const SNIPPET_CHARS: usize = 180;

/// Builds the index script. Words in `excluded` (lowercase; e.g. people's
/// names in builds that may not identify anyone) are never indexed, and a
/// snippet that contains one is left out.
pub fn index_script(docs: &[SearchDoc], lang: Language, excluded: &BTreeSet<String>) -> String {
    use rayon::prelude::*;
    let algorithm = match lang {
        Language::Nl => Algorithm::Dutch,
        Language::En => Algorithm::English,
    };
    // Count words per document in parallel, then stem each distinct word
    // once: prose repeats its vocabulary, and stemming is the costly part.
    let counted: Vec<(String, BTreeMap<String, u32>)> = docs
        .par_iter()
        .map(|d| {
            let mut counts: BTreeMap<String, u32> = BTreeMap::new();
            for (text, weight) in [(&d.title, TITLE_WEIGHT), (&d.text, 1)] {
                for word in words(text) {
                    if !excluded.contains(&word) {
                        *counts.entry(word).or_insert(0) += weight;
                    }
                }
            }
            (snippet(&d.text, excluded), counts)
        })
        .collect();
    let vocabulary: BTreeSet<&str> = counted.iter().flat_map(|(_, c)| c.keys().map(String::as_str)).collect();
    let vocabulary: Vec<&str> = vocabulary.into_iter().collect();
    let stems: Vec<String> = vocabulary
        .par_chunks(1024)
        .flat_map_iter(|chunk| {
            let stemmer = Stemmer::create(algorithm);
            chunk
                .iter()
                .map(move |w| stemmer.stem(w).into_owned())
                .collect::<Vec<_>>()
        })
        .collect();
    let stem_of: BTreeMap<&str, &str> = vocabulary
        .iter()
        .copied()
        .zip(stems.iter().map(String::as_str))
        .collect();

    let mut terms: BTreeMap<&str, BTreeMap<u32, u32>> = BTreeMap::new();
    for (i, (_, counts)) in counted.iter().enumerate() {
        for (word, score) in counts {
            let slot = terms
                .entry(stem_of[word.as_str()])
                .or_default()
                .entry(i as u32)
                .or_insert(0);
            *slot = (*slot + score).min(MAX_BODY_SCORE + TITLE_WEIGHT * 2);
        }
    }
    let index = Index {
        docs: docs
            .iter()
            .zip(&counted)
            .map(|(d, (s, _))| [d.title.as_str(), d.route.as_str(), d.section.as_str(), s.as_str()])
            .collect(),
        terms: terms
            .into_iter()
            .map(|(stem, postings)| {
                (
                    stem.to_string(),
                    postings.into_iter().flat_map(|(d, s)| [d, s]).collect(),
                )
            })
            .collect(),
    };
    let json = serde_json::to_string(&index).unwrap_or_else(|_| "{\"docs\":[],\"terms\":{}}".into());
    // `</` inside a script would end it early in some contexts; JSON allows `<\/`.
    format!("window.RITME_SEARCH = {};\n", json.replace("</", "<\\/"))
}

/// Lowercased words of at least three letters.
fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 3)
        .map(str::to_lowercase)
}

fn snippet(text: &str, excluded: &BTreeSet<String>) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if words(&flat).any(|w| excluded.contains(&w)) {
        return String::new();
    }
    if flat.chars().count() <= SNIPPET_CHARS {
        return flat;
    }
    let cut: String = flat.chars().take(SNIPPET_CHARS).collect();
    match cut.rfind(' ') {
        Some(i) => format!("{}…", &cut[..i]),
        None => format!("{cut}…"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(title: &str, text: &str) -> SearchDoc {
        SearchDoc {
            title: title.into(),
            route: "a/index.html".into(),
            section: "Gedrag".into(),
            text: text.into(),
        }
    }

    fn parse(script: &str) -> serde_json::Value {
        let json = script
            .trim()
            .strip_prefix("window.RITME_SEARCH = ")
            .unwrap()
            .strip_suffix(';')
            .unwrap();
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn titles_and_text_are_indexed_by_stem() {
        let s = index_script(
            &[
                doc("Tijdig opvolgen", "Je belt offertes na binnen twee dagen."),
                doc("Luisteren", "Opvolging is alles."),
            ],
            Language::Nl,
            &BTreeSet::new(),
        );
        let v = parse(&s);
        assert_eq!(v["docs"][0][0], "Tijdig opvolgen");
        let terms = v["terms"].as_object().unwrap();
        let opvolg = terms.get("opvolg").expect("stem of opvolgen");
        // Title hit weighs more than a body hit.
        assert_eq!(opvolg[0], 0);
        assert_eq!(opvolg[1], TITLE_WEIGHT);
        assert!(terms.contains_key("dag"), "dagen is stemmed: {terms:?}");
    }

    #[test]
    fn excluded_words_and_their_snippets_stay_out() {
        let s = index_script(
            &[doc("Verhaal", "Bram belde elke klant terug.")],
            Language::Nl,
            &BTreeSet::from(["bram".to_string()]),
        );
        assert!(!s.to_lowercase().contains("bram"), "{s}");
    }

    #[test]
    fn script_cannot_close_its_tag() {
        let s = index_script(&[doc("</script><b>", "x")], Language::En, &BTreeSet::new());
        assert!(!s.contains("</script>"));
    }
}
