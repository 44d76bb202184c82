//! The site search index, built at build time.
//!
//! Written as a script file (`assets/search-index.js`) rather than JSON so
//! that it loads from `file://`, where browsers refuse `fetch`. Words are
//! stored stemmed (Dutch or English Snowball). The client does not stem:
//! a query word matches a stem it starts with (`opvolgen` → `opvolg`) or
//! that starts with it (typing `opvo…`), which gives stemmed matching and
//! results-as-you-type without shipping a stemmer in JavaScript.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

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
    // Everything after the counting works on sorted vectors of numbers
    // rather than maps of strings: on 10,000 pages the maps were most of
    // the index's time.
    let excluded: HashSet<&str> = excluded.iter().map(String::as_str).collect();
    let excluded = &excluded;
    let counted: Vec<(String, Vec<(String, u32)>)> = docs
        .par_iter()
        .map(|d| {
            let mut counts: HashMap<String, u32> = HashMap::new();
            // One buffer for the lowercased word: a page repeats its words,
            // so only a word's first occurrence allocates.
            let mut lower = String::new();
            for (text, weight) in [(&d.title, TITLE_WEIGHT), (&d.text, 1)] {
                for word in raw_words(text) {
                    lower.clear();
                    if word.is_ascii() {
                        lower.push_str(word);
                        lower.make_ascii_lowercase();
                    } else {
                        // Not char by char: a word-final Σ lowercases to ς.
                        lower.push_str(&word.to_lowercase());
                    }
                    if excluded.contains(lower.as_str()) {
                        continue;
                    }
                    match counts.get_mut(lower.as_str()) {
                        Some(n) => *n += weight,
                        None => {
                            counts.insert(lower.clone(), weight);
                        }
                    }
                }
            }
            (snippet(&d.text, excluded), counts.into_iter().collect())
        })
        .collect();
    // Distinct words first: sorting every word of every page was slower.
    let distinct: HashSet<&str> = counted
        .par_iter()
        .fold(HashSet::new, |mut set, (_, c)| {
            set.extend(c.iter().map(|(w, _)| w.as_str()));
            set
        })
        .reduce(HashSet::new, |mut a, b| {
            if a.len() < b.len() {
                return b.into_iter().chain(a).collect();
            }
            a.extend(b);
            a
        });
    let mut vocabulary: Vec<&str> = distinct.into_iter().collect();
    vocabulary.par_sort_unstable();
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
    // Stems in the order the index lists them, and each word's stem number.
    let mut stem_list: Vec<&str> = stems.iter().map(String::as_str).collect();
    stem_list.par_sort_unstable();
    stem_list.dedup();
    let word_stem: HashMap<&str, u32> = vocabulary
        .iter()
        .zip(&stems)
        .map(|(w, s)| (*w, stem_list.binary_search(&s.as_str()).unwrap_or_default() as u32))
        .collect();

    // (stem, document, score) for every word of every document, sorted,
    // then summed per stem and document.
    let word_stem = &word_stem;
    let mut postings: Vec<(u32, u32, u32)> = counted
        .par_iter()
        .enumerate()
        .flat_map_iter(|(i, (_, counts))| {
            counts
                .iter()
                .map(move |(w, score)| (word_stem[w.as_str()], i as u32, *score))
        })
        .collect();
    postings.par_sort_unstable();
    let mut terms: BTreeMap<String, Vec<u32>> = BTreeMap::new();
    for run in postings.chunk_by(|a, b| a.0 == b.0) {
        let list = run
            .chunk_by(|a, b| a.1 == b.1)
            .flat_map(|doc| {
                let score: u32 = doc.iter().map(|p| p.2).sum();
                [doc[0].1, score.min(MAX_BODY_SCORE + TITLE_WEIGHT * 2)]
            })
            .collect();
        terms.insert(stem_list[run[0].0 as usize].to_string(), list);
    }
    let index = Index {
        docs: docs
            .iter()
            .zip(&counted)
            .map(|(d, (s, _))| [d.title.as_str(), d.route.as_str(), d.section.as_str(), s.as_str()])
            .collect(),
        terms,
    };
    let json = serde_json::to_string(&index).unwrap_or_else(|_| "{\"docs\":[],\"terms\":{}}".into());
    // `</` inside a script would end it early in some contexts; JSON allows `<\/`.
    format!("window.RITME_SEARCH = {};\n", json.replace("</", "<\\/"))
}

/// Lowercased words of at least three letters.
fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    raw_words(text).map(str::to_lowercase)
}

/// Words of at least three letters, as written.
fn raw_words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !c.is_alphanumeric())
        // Twelve bytes hold at least three characters; only shorter words need counting.
        .filter(|w| w.len() >= 12 || w.chars().count() >= 3)
}

/// The start of the text as one line, cut at a word; empty when it shows
/// an excluded word.
fn snippet(text: &str, excluded: &HashSet<&str>) -> String {
    // Only the start is shown, so only the start is flattened.
    let mut flat = String::new();
    let mut chars = 0;
    let mut longer = false;
    for word in text.split_whitespace() {
        if chars > 0 {
            flat.push(' ');
            chars += 1;
        }
        flat.push_str(word);
        chars += word.chars().count();
        if chars > SNIPPET_CHARS {
            longer = true;
            break;
        }
    }
    let shown = if longer {
        let cut: String = flat.chars().take(SNIPPET_CHARS).collect();
        match cut.rfind(' ') {
            Some(i) => format!("{}…", &cut[..i]),
            None => format!("{cut}…"),
        }
    } else {
        flat
    };
    if words(&shown).any(|w| excluded.contains(w.as_str())) {
        return String::new();
    }
    shown
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
    fn only_a_name_in_the_snippet_itself_hides_it() {
        let long = "Opvolgen werkt. ".repeat(20);
        let excluded = BTreeSet::from(["bram".to_string()]);
        let later = snippet(
            &format!("{long} Bram belde."),
            &excluded.iter().map(String::as_str).collect(),
        );
        assert!(later.starts_with("Opvolgen werkt.") && later.ends_with('…'), "{later}");
        assert!(later.chars().count() <= SNIPPET_CHARS + 1);
        let early = snippet(
            &format!("Bram belde. {long}"),
            &excluded.iter().map(String::as_str).collect(),
        );
        assert_eq!(early, "");
    }

    #[test]
    fn script_cannot_close_its_tag() {
        let s = index_script(&[doc("</script><b>", "x")], Language::En, &BTreeSet::new());
        assert!(!s.contains("</script>"));
    }
}
