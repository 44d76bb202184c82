//! The site search index, built at build time.
//!
//! Written as a script file (`assets/search-index.js`) rather than JSON so
//! that it loads from `file://`, where browsers refuse `fetch`. Words are
//! stored stemmed (Dutch or English Snowball). The client does not stem:
//! a query word matches a stem it starts with (`opvolgen` → `opvolg`) or
//! that starts with it (typing `opvo…`), which gives stemmed matching and
//! results-as-you-type without shipping a stemmer in JavaScript.
//!
//! The index carries the start of each page as a first snippet. The pages'
//! whole text, for a snippet around the match however deep in a page it is,
//! goes into separate small scripts of [`TEXT_SHARD`] pages each
//! (`assets/search-text/N.js`), which the client loads only for the
//! results it shows: the index every reader loads stays as small as it was.

use std::borrow::Cow;
use std::collections::BTreeSet;

use rustc_hash::{FxHashMap, FxHashSet};

use rust_stemmers::{Algorithm, Stemmer};
use serde::Serialize;

use crate::config::Language;

/// One page as the index sees it. Its text is given in pieces that
/// follow one another directly (a page's front-matter text, then its
/// Markdown text): the whole text is put together only while its part of
/// the index is built, so a large site's text is never held twice.
#[derive(Debug, Clone)]
pub struct SearchDoc<'a> {
    pub title: &'a str,
    pub route: &'a str,
    /// The section shown beside a result ("Gedrag", "Coaching", …).
    pub section: String,
    pub text: Vec<&'a str>,
}

#[derive(Serialize)]
struct Index<'a> {
    /// Section names, which documents refer to by number.
    sections: Vec<&'a str>,
    /// (title, route, section number, snippet) per document.
    docs: Vec<(&'a str, &'a str, usize, &'a str)>,
    /// stem → packed postings, in stem order.
    terms: Terms<'a>,
}

/// A document's distinct words with their summed weights.
type WordCounts<'a> = Vec<(Cow<'a, str>, u32)>;

/// The terms as a JSON object without building a map of them first.
struct Terms<'a>(Vec<(&'a str, Vec<u64>)>);

impl Serialize for Terms<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(k, v)| (k, v)))
    }
}

const TITLE_WEIGHT: u32 = 8;
const MAX_BODY_SCORE: u32 = 20;
const MAX_SCORE: u32 = MAX_BODY_SCORE + TITLE_WEIGHT * 2;
/// A posting is one number: the gap to the previous document's number
/// times `PACK`, plus the score. Gaps are small for common words, so a
/// posting takes 2–4 characters instead of the 7 of a `doc,score` pair.
const PACK: u64 = 64;
const _: () = assert!((MAX_SCORE as u64) < PACK);
const SNIPPET_CHARS: usize = 180;
/// Pages per text script: a result list of ten loads a few of them.
pub const TEXT_SHARD: usize = 32;
/// The text kept of one page for snippets (characters); a match further
/// down is shown with the page's start.
const TEXT_CHARS: usize = 40_000;

/// The search index script and the text scripts it refers to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchFiles {
    /// `assets/search-index.js`.
    pub index: String,
    /// `assets/search-text/N.js` for N = 0, 1, …: pages N × [`TEXT_SHARD`]
    /// onwards, in index order.
    pub texts: Vec<String>,
}

/// Builds the index script and the text scripts (see the module notes).
pub fn search_files(docs: &[SearchDoc], lang: Language, excluded: &BTreeSet<String>) -> SearchFiles {
    build(docs, lang, excluded, Texts::Keep)
}

/// [`search_files`], handing each text script to `put` (with its number)
/// as soon as it is made instead of keeping them: returns the index script.
pub fn search_files_into(
    docs: &[SearchDoc],
    lang: Language,
    excluded: &BTreeSet<String>,
    put: &(dyn Fn(usize, String) + Sync),
) -> String {
    build(docs, lang, excluded, Texts::Put(put)).index
}

/// What becomes of the text scripts.
#[derive(Clone, Copy)]
enum Texts<'a> {
    /// Not made (the index alone).
    Skip,
    Keep,
    Put(&'a (dyn Fn(usize, String) + Sync)),
}

/// Documents whose texts are put together at a time: a multiple of
/// [`TEXT_SHARD`], large enough to keep both cores busy.
const BATCH: usize = TEXT_SHARD * 64;
const _: () = assert!(BATCH.is_multiple_of(TEXT_SHARD));

/// The text script of shard `n`.
fn text_script(n: usize, texts: &[String]) -> String {
    let json = serde_json::to_string(texts).unwrap_or_else(|_| "[]".into());
    let mut out = format!("(window.RITME_SEARCH_TEXT = window.RITME_SEARCH_TEXT || {{}})[{n}] = ");
    out.reserve_exact(json.len() + 2);
    // `</` inside a script would end it early in some contexts; JSON allows `<\/`.
    for (i, part) in json.split("</").enumerate() {
        if i > 0 {
            out.push_str("<\\/");
        }
        out.push_str(part);
    }
    out.push_str(";\n");
    out.shrink_to_fit();
    out
}

/// A page's text as one line for snippets: at most [`TEXT_CHARS`]
/// characters, cut at a word, and every sentence that holds an excluded
/// word replaced by `…` (the words the index leaves out must not reach the
/// reader through a snippet either).
fn shown_text(text: &str, excluded: &FxHashSet<&str>) -> String {
    let mut out = String::new();
    let mut chars = 0;
    if excluded.is_empty() {
        // Nothing to hide: the words, one space apart (looking for hidden
        // words, a lowercased copy of each, was a tenth of a build's time).
        out.reserve(text.len());
        for word in text.split_whitespace() {
            chars += word.chars().count() + 1;
            if chars > TEXT_CHARS {
                break;
            }
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(word);
        }
        return out;
    }
    let mut sentence: Vec<&str> = Vec::new();
    let flush = |sentence: &mut Vec<&str>, out: &mut String| {
        if sentence.is_empty() {
            return;
        }
        let hidden = sentence.iter().any(|w| words(w).any(|w| excluded.contains(w.as_str())));
        // Hidden sentences in a row become one `…`.
        if !(hidden && out.ends_with('…')) {
            if !out.is_empty() {
                out.push(' ');
            }
            if hidden {
                out.push('…');
            } else {
                out.push_str(&sentence.join(" "));
            }
        }
        sentence.clear();
    };
    for word in text.split_whitespace() {
        chars += word.chars().count() + 1;
        if chars > TEXT_CHARS {
            break;
        }
        sentence.push(word);
        if word.ends_with(['.', '!', '?', ':', ';']) {
            flush(&mut sentence, &mut out);
        }
    }
    flush(&mut sentence, &mut out);
    out
}

/// Builds the index script. Words in `excluded` (lowercase; e.g. people's
/// names in builds that may not identify anyone) are never indexed, and a
/// snippet that contains one is left out.
pub fn index_script(docs: &[SearchDoc], lang: Language, excluded: &BTreeSet<String>) -> String {
    build(docs, lang, excluded, Texts::Skip).index
}

/// The index script, and with `texts` the text scripts too. Documents are
/// taken a batch at a time: each batch's texts are put together, counted
/// and turned into text scripts, and only its words' numbers are kept.
fn build(docs: &[SearchDoc], lang: Language, excluded: &BTreeSet<String>, texts: Texts) -> SearchFiles {
    use rayon::prelude::*;
    let algorithm = match lang {
        Language::Nl => Algorithm::Dutch,
        Language::En => Algorithm::English,
    };
    let excluded: FxHashSet<&str> = excluded.iter().map(String::as_str).collect();
    let excluded = &excluded;
    // Every distinct word once, numbered in the order first met.
    let mut vocabulary: Vec<Box<str>> = Vec::new();
    let mut numbers: FxHashMap<Box<str>, u32> = FxHashMap::default();
    let mut snippets: Vec<String> = Vec::with_capacity(docs.len());
    let mut counted: Vec<Vec<(u32, u32)>> = Vec::with_capacity(docs.len());
    let mut scripts: Vec<String> = Vec::new();
    let mut made = 0;
    for batch in docs.chunks(BATCH) {
        let whole: Vec<String> = batch.par_iter().map(|d| d.text.concat()).collect();
        // Each text lowercased once (ASCII in place, which keeps every
        // byte where it was): a word is then a slice of it, and only words
        // with other letters need a string of their own. Allocating a
        // string per distinct word of every page was most of the index's time.
        let lowered: Vec<[String; 2]> = batch
            .par_iter()
            .zip(&whole)
            .map(|(d, text)| [d.title.to_ascii_lowercase(), text.to_ascii_lowercase()])
            .collect();
        let words: Vec<(String, WordCounts)> = whole
            .par_iter()
            .zip(&lowered)
            .map(|(text, lower)| {
                let mut counts: FxHashMap<Cow<str>, u32> = FxHashMap::default();
                for (text, weight) in lower.iter().zip([TITLE_WEIGHT, 1]) {
                    for word in raw_words(text) {
                        let lower = if word.is_ascii() {
                            Cow::Borrowed(word)
                        } else {
                            // Not char by char: a word-final Σ lowercases to ς.
                            Cow::Owned(word.to_lowercase())
                        };
                        if !excluded.is_empty() && excluded.contains(lower.as_ref()) {
                            continue;
                        }
                        *counts.entry(lower).or_default() += weight;
                    }
                }
                (snippet(text, excluded), counts.into_iter().collect())
            })
            .collect();
        // Numbers for the batch's new words: only those are looked at one by one.
        let fresh: Vec<&str> = words
            .par_iter()
            .fold(FxHashSet::default, |mut set, (_, c)| {
                set.extend(c.iter().map(|(w, _)| w.as_ref()).filter(|w| !numbers.contains_key(*w)));
                set
            })
            .reduce(FxHashSet::default, |mut a, b| {
                if a.len() < b.len() {
                    return b.into_iter().chain(a).collect();
                }
                a.extend(b);
                a
            })
            .into_iter()
            .collect();
        for w in fresh {
            numbers.insert(w.into(), vocabulary.len() as u32);
            vocabulary.push(w.into());
        }
        let numbers = &numbers;
        let (batch_snippets, batch_counts): (Vec<String>, Vec<Vec<(u32, u32)>>) = words
            .into_par_iter()
            .map(|(snippet, counts)| {
                let ids = counts.iter().map(|(w, n)| (numbers[w.as_ref()], *n)).collect();
                (snippet, ids)
            })
            .unzip();
        snippets.extend(batch_snippets);
        counted.extend(batch_counts);
        let first = made;
        made += batch.len().div_ceil(TEXT_SHARD);
        let script = |(i, chunk): (usize, &[String])| {
            let shown: Vec<String> = chunk.iter().map(|t| shown_text(t, excluded)).collect();
            text_script(first + i, &shown)
        };
        match texts {
            Texts::Skip => {}
            Texts::Keep => scripts.par_extend(whole.par_chunks(TEXT_SHARD).enumerate().map(script)),
            Texts::Put(put) => whole
                .par_chunks(TEXT_SHARD)
                .enumerate()
                .for_each(|(i, chunk)| put(first + i, script((i, chunk)))),
        }
    }
    drop(numbers);
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
    let word_stem: Vec<u32> = stems
        .par_iter()
        .map(|s| stem_list.binary_search(&s.as_str()).unwrap_or_default() as u32)
        .collect();

    // (stem, document, score) for every word of every document, sorted,
    // then summed per stem and document.
    let word_stem = &word_stem;
    let mut postings: Vec<(u32, u32, u32)> = counted
        .par_iter()
        .enumerate()
        .flat_map_iter(|(i, counts)| {
            counts
                .iter()
                .map(move |(w, score)| (word_stem[*w as usize], i as u32, *score))
        })
        .collect();
    drop(counted);
    postings.par_sort_unstable();
    let terms: Vec<(&str, Vec<u64>)> = postings
        .chunk_by(|a, b| a.0 == b.0)
        .map(|run| {
            let mut last = 0u64;
            let list = run
                .chunk_by(|a, b| a.1 == b.1)
                .map(|doc| {
                    let score: u32 = doc.iter().map(|p| p.2).sum();
                    let gap = u64::from(doc[0].1) - last;
                    last = u64::from(doc[0].1);
                    gap * PACK + u64::from(score.min(MAX_SCORE))
                })
                .collect();
            (stem_list[run[0].0 as usize], list)
        })
        .collect();
    let mut sections: Vec<&str> = Vec::new();
    let index = Index {
        docs: docs
            .iter()
            .zip(&snippets)
            .map(|(d, s)| {
                let section = match sections.iter().position(|x| *x == d.section) {
                    Some(i) => i,
                    None => {
                        sections.push(&d.section);
                        sections.len() - 1
                    }
                };
                (d.title, d.route, section, s.as_str())
            })
            .collect(),
        sections,
        terms: Terms(terms),
    };
    let json = serde_json::to_string(&index).unwrap_or_else(|_| "{\"sections\":[],\"docs\":[],\"terms\":{}}".into());
    // `</` inside a script would end it early in some contexts; JSON allows `<\/`.
    SearchFiles {
        index: format!("window.RITME_SEARCH = {};\n", json.replace("</", "<\\/")),
        texts: scripts,
    }
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
fn snippet(text: &str, excluded: &FxHashSet<&str>) -> String {
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

    fn doc<'a>(title: &'a str, text: &'a str) -> SearchDoc<'a> {
        SearchDoc {
            title,
            route: "a/index.html",
            section: "Gedrag".into(),
            text: vec![text],
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
        assert_eq!(v["sections"][v["docs"][0][2].as_u64().unwrap() as usize], "Gedrag");
        let terms = v["terms"].as_object().unwrap();
        // Title hit weighs more than a body hit.
        assert_eq!(postings(&v, "opvolg"), [(0, TITLE_WEIGHT as u64), (1, 1)]);
        assert!(terms.contains_key("dag"), "dagen is stemmed: {terms:?}");
    }

    /// (document, score) pairs of a stem, unpacked as the client does.
    fn postings(index: &serde_json::Value, stem: &str) -> Vec<(u64, u64)> {
        let mut doc = 0;
        index["terms"][stem]
            .as_array()
            .unwrap_or_else(|| panic!("no stem {stem}"))
            .iter()
            .map(|p| {
                let p = p.as_u64().unwrap();
                doc += p / PACK;
                (doc, p % PACK)
            })
            .collect()
    }

    #[test]
    fn postings_take_a_few_bytes_each() {
        let titles: Vec<String> = (0..2000).map(|i| format!("Pagina {i}")).collect();
        let docs: Vec<SearchDoc> = titles
            .iter()
            .map(|t| doc(t, "Opvolgen werkt altijd beter dan wachten."))
            .collect();
        let v = parse(&index_script(&docs, Language::Nl, &BTreeSet::new()));
        let list = postings(&v, "opvolg");
        assert_eq!(list.len(), 2000);
        assert!(list.iter().enumerate().all(|(i, p)| *p == (i as u64, 1)), "{list:?}");
        let packed = serde_json::to_string(&v["terms"]["opvolg"]).unwrap();
        assert!(packed.len() <= 2000 * 3, "{} bytes for 2000 postings", packed.len());
        // The section name is listed once, not once per document.
        let script = index_script(&docs, Language::Nl, &BTreeSet::new());
        assert_eq!(script.matches("Gedrag").count(), 1);
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
    fn text_scripts_hold_whole_pages_in_shards_without_excluded_sentences() {
        let filler = "Opvolgen werkt beter dan wachten. ".repeat(200);
        let pages: Vec<(String, String)> = (0..TEXT_SHARD + 3)
            .map(|i| {
                (
                    format!("Pagina {i}"),
                    format!("{filler} Bram belde terug. Het slotwoord {i} staat hier"),
                )
            })
            .collect();
        let docs: Vec<SearchDoc> = pages.iter().map(|(t, x)| doc(t, x)).collect();
        let files = search_files(&docs, Language::Nl, &BTreeSet::from(["bram".to_string()]));
        assert_eq!(
            files.index,
            index_script(&docs, Language::Nl, &BTreeSet::from(["bram".to_string()]))
        );
        assert_eq!(files.texts.len(), 2);
        let shard = |n: usize| -> Vec<String> {
            let s = &files.texts[n];
            let prefix = format!("(window.RITME_SEARCH_TEXT = window.RITME_SEARCH_TEXT || {{}})[{n}] = ");
            serde_json::from_str(s.strip_prefix(&prefix).unwrap().trim_end().strip_suffix(';').unwrap()).unwrap()
        };
        let (first, second) = (shard(0), shard(1));
        assert_eq!((first.len(), second.len()), (TEXT_SHARD, 3));
        // The whole text, deep matches included, as one line.
        assert!(
            second[2].ends_with("… Het slotwoord 34 staat hier"),
            "{}",
            &second[2][second[2].len() - 80..]
        );
        assert!(second[2].starts_with("Opvolgen werkt beter dan wachten. Opvolgen"));
        assert!(!files.texts.concat().to_lowercase().contains("bram"));
        let long = shown_text(&"woord ".repeat(TEXT_CHARS), &FxHashSet::default());
        assert!(long.chars().count() <= TEXT_CHARS && long.ends_with("woord"));
        assert_eq!(
            shown_text("Bram. Jan. Piet", &["bram", "jan"].into_iter().collect()),
            "… Piet"
        );
    }

    #[test]
    fn batches_and_pieces_index_as_one_text() {
        // More documents than one batch holds: numbers run on across batches.
        let pages: Vec<(String, String)> = (0..BATCH + 40)
            .map(|i| (format!("Pagina {i}"), format!("Woord{} opvolgen", i % 7)))
            .collect();
        let whole: Vec<SearchDoc> = pages.iter().map(|(t, x)| doc(t, x)).collect();
        let pieces: Vec<SearchDoc> = pages
            .iter()
            .map(|(t, x)| {
                let (a, b) = x.split_at(3);
                SearchDoc {
                    text: vec![a, b],
                    ..doc(t, "")
                }
            })
            .collect();
        let files = search_files(&whole, Language::Nl, &BTreeSet::new());
        assert_eq!(files, search_files(&pieces, Language::Nl, &BTreeSet::new()));
        assert_eq!(files.texts.len(), (BATCH + 40).div_ceil(TEXT_SHARD));
        assert!(
            files
                .texts
                .last()
                .unwrap()
                .contains(&format!("[{}] = ", files.texts.len() - 1))
        );
        let v = parse(&files.index);
        let list = postings(&v, "opvolg");
        assert_eq!(list.len(), BATCH + 40);
        assert!(
            list.iter().enumerate().all(|(i, p)| p.0 == i as u64),
            "every page in order"
        );
        assert_eq!(
            postings(&v, "woord3").len(),
            (0..BATCH + 40).filter(|i| i % 7 == 3).count()
        );
    }

    #[test]
    fn with_nothing_to_hide_the_text_is_its_words() {
        let text = "Een  zin.\nNog een: zin; en\teen laatste ";
        let one_hidden: FxHashSet<&str> = ["nergens"].into_iter().collect();
        assert_eq!(shown_text(text, &FxHashSet::default()), shown_text(text, &one_hidden));
        assert_eq!(
            shown_text(text, &FxHashSet::default()),
            "Een zin. Nog een: zin; en een laatste"
        );
        let long = "woord. ".repeat(TEXT_CHARS);
        assert_eq!(shown_text(&long, &FxHashSet::default()), shown_text(&long, &one_hidden));
    }

    #[test]
    fn script_cannot_close_its_tag() {
        let s = index_script(&[doc("</script><b>", "x")], Language::En, &BTreeSet::new());
        assert!(!s.contains("</script>"));
    }
}
