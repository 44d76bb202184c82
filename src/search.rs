//! The site search index, built at build time.
//!
//! Written as a script file (`assets/search-index.js`) rather than JSON so
//! that it loads from `file://`, where browsers refuse `fetch`. Words are
//! stored stemmed (Dutch or English Snowball). The client does not stem:
//! a query word matches a stem it starts with (`opvolgen` → `opvolg`) or
//! that starts with it (typing `opvo…`), which gives stemmed matching and
//! results-as-you-type without shipping a stemmer in JavaScript.
//!
//! The index holds no text of the pages, only their titles, routes and
//! sections. The pages' text, for a snippet around the match however deep
//! in a page it is (or the page's start when only the title matched), goes
//! into separate small scripts of [`TEXT_SHARD`] pages each
//! (`assets/search-text/N.js`), which the client loads only for the
//! results it shows: the index every reader loads stays small.

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
    /// A document's own text, after `text`: made (see `markup`) only when
    /// the page is counted or its text script made.
    pub body: Option<&'a crate::markdown::Text>,
}

impl SearchDoc<'_> {
    /// The whole text, `text` and `body` one after the other.
    fn whole(&self) -> String {
        let mut s = self.text.concat();
        if let Some(b) = self.body {
            s.push_str(b);
        }
        s
    }
}

#[derive(Serialize)]
struct Index<'a> {
    /// Section names, which documents refer to by number.
    sections: Vec<&'a str>,
    /// (title, route, section number) per document.
    docs: Vec<(&'a str, &'a str, usize)>,
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

/// What a build counted of each page's words, kept beside the output for
/// the next build: a page whose title and text are the same again is not
/// split into words again (splitting and counting every page's words was
/// most of a one-page edit's search index).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WordCache {
    /// Every word the pages refer to, by number.
    pub vocabulary: Vec<Box<str>>,
    /// Each page's distinct words as (word number, summed weight), by the
    /// key of what they were counted from (see [`doc_key`]).
    pub docs: FxHashMap<u64, Vec<(u32, u32)>>,
}

/// What a build may take from the last one.
pub struct Reuse<'a> {
    pub words: &'a WordCache,
    /// Given a text script's number and the key of what it is made of:
    /// whether the output already holds that script with that key (it is
    /// then not made again).
    pub kept: &'a (dyn Fn(usize, u64) -> bool + Sync),
}

/// What a build with [`Reuse`] did, and what it leaves for the next one.
#[derive(Debug, Default)]
pub struct Counted {
    pub cache: WordCache,
    /// Pages whose words were split and counted (the others came from the cache).
    pub counted: usize,
    pub pages: usize,
    /// Text scripts made (the others were kept).
    pub scripts_made: usize,
    pub scripts: usize,
}

/// The key of everything a page's word counts and its part of a text
/// script are made of: its title, its text and the words left out.
fn doc_key(d: &SearchDoc, excluded: u64) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = crate::hash::KeyHasher::new();
    excluded.hash(&mut h);
    d.title.hash(&mut h);
    // The pieces' lengths too: the same text split otherwise only costs a recount.
    d.text.hash(&mut h);
    // A document's text by the key it is made from, as a page's key reads its HTML.
    match d.body {
        Some(b) => match b.key() {
            Some(key) => (1u8, key).hash(&mut h),
            None => (2u8, b.as_str()).hash(&mut h),
        },
        None => 0u8.hash(&mut h),
    }
    h.finish()
}

/// The key of text script `n`, made of the pages with these keys.
fn shard_key(n: usize, keys: &[u64]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = crate::hash::KeyHasher::new();
    n.hash(&mut h);
    keys.hash(&mut h);
    h.finish()
}

/// [`search_files_into`], taking from `reuse` the word counts of pages
/// unchanged since the last build and leaving out the text scripts the
/// output already holds: returns the index script and what was reused.
/// The index is the same as [`search_files_into`]'s.
pub fn search_files_reusing(
    docs: &[SearchDoc],
    lang: Language,
    excluded: &BTreeSet<String>,
    put: &(dyn Fn(usize, String) + Sync),
    reuse: &Reuse,
) -> (String, Counted) {
    let (files, counted) = build(docs, lang, excluded, Texts::Put(put), Some(reuse));
    (files.index, counted.unwrap_or_default())
}

/// Builds the index script and the text scripts (see the module notes).
pub fn search_files(docs: &[SearchDoc], lang: Language, excluded: &BTreeSet<String>) -> SearchFiles {
    build(docs, lang, excluded, Texts::Keep, None).0
}

/// [`search_files`], handing each text script to `put` (with its number)
/// as soon as it is made instead of keeping them: returns the index script.
pub fn search_files_into(
    docs: &[SearchDoc],
    lang: Language,
    excluded: &BTreeSet<String>,
    put: &(dyn Fn(usize, String) + Sync),
) -> String {
    build(docs, lang, excluded, Texts::Put(put), None).0.index
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

/// The text script of shard `n`: the shown text of each of `texts`, as a
/// JSON array of strings, written straight into the script. Each text is
/// flattened and escaped in one pass over its bytes: flattening it into a
/// string of its own and having serde_json escape that string was a sixth
/// of a build's instructions.
fn text_script(n: usize, texts: &[String], excluded: &FxHashSet<&str>) -> String {
    let head = format!("(window.RITME_SEARCH_TEXT = window.RITME_SEARCH_TEXT || {{}})[{n}] = [");
    // Escaping adds a few bytes at most to most texts.
    let size = texts.iter().map(|t| t.len() + 3).sum::<usize>();
    let mut out = String::with_capacity(head.len() + size + 3);
    out.push_str(&head);
    for (i, text) in texts.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push('"');
        if excluded.is_empty() && text.len() < TEXT_CHARS {
            one_line_json(text, &mut out);
        } else {
            // Already one line: flattening it again changes nothing, it is
            // only escaped.
            one_line_json(&shown_text(text, excluded), &mut out);
        }
        out.push('"');
    }
    out.push_str("];\n");
    out
}

/// How [`one_line_json`] treats a byte.
const PLAIN: u8 = 0;
/// ASCII white space.
const SPACE: u8 = 1;
/// The lead byte of U+0085, U+00A0, U+1680, U+2000–U+205F or U+3000: the
/// character is decoded to see whether it is white space.
const LEAD: u8 = 2;
/// Escaped in JSON: `"`, `\`, control characters.
const ESCAPE: u8 = 3;
/// `<`: escaped as `<\/` when a `/` follows, as `</` inside a script
/// would end it early in some contexts (JSON allows `<\/`).
const LT: u8 = 4;
static CLASS: [u8; 256] = {
    let mut t = [PLAIN; 256];
    let mut b = 0;
    while b < 0x20 {
        t[b] = ESCAPE;
        b += 1;
    }
    let mut b = b'\t';
    while b <= b'\r' {
        t[b as usize] = SPACE;
        b += 1;
    }
    t[b' ' as usize] = SPACE;
    t[b'"' as usize] = ESCAPE;
    t[b'\\' as usize] = ESCAPE;
    t[b'<' as usize] = LT;
    t[0xC2] = LEAD;
    t[0xE1] = LEAD;
    t[0xE2] = LEAD;
    t[0xE3] = LEAD;
    t
};

/// Appends the words of `text` one space apart (what [`one_line`] gives)
/// to `out`, escaped as serde_json escapes a string, and `</` as `<\/`.
/// Runs of words one plain space apart are copied whole.
fn one_line_json(text: &str, out: &mut String) {
    let bytes = text.as_bytes();
    let n = bytes.len();
    // The length of the white space at `i` (0: none), given its class.
    let space = |i: usize, class: u8| match class {
        SPACE => 1,
        LEAD => text[i..]
            .chars()
            .next()
            .filter(|c| c.is_whitespace())
            .map_or(0, char::len_utf8),
        _ => 0,
    };
    // Inside a word: where the bytes not yet copied start.
    let mut from: Option<usize> = None;
    let mut wrote = false;
    let mut i = 0;
    while i < n {
        let class = CLASS[bytes[i] as usize];
        if class == PLAIN {
            if from.is_none() {
                if wrote {
                    out.push(' ');
                }
                from = Some(i);
                wrote = true;
            }
            // The rest of the run at once: most of a text is plain bytes,
            // and testing each for the run's start was a third of this loop.
            i += 1;
            while i < n && CLASS[bytes[i] as usize] == PLAIN {
                i += 1;
            }
            continue;
        }
        let s = space(i, class);
        if s > 0 {
            // One plain space before a plain byte stays inside the run.
            if bytes[i] == b' ' && from.is_some() && i + 1 < n && CLASS[bytes[i + 1] as usize] == PLAIN {
                i += 1;
                continue;
            }
            if let Some(start) = from.take() {
                out.push_str(&text[start..i]);
            }
            i += s;
            continue;
        }
        // A byte of a word that is written differently (or a white-space
        // lead byte that is no space).
        let start = match from {
            Some(start) => start,
            None => {
                if wrote {
                    out.push(' ');
                }
                wrote = true;
                i
            }
        };
        match class {
            ESCAPE => {
                out.push_str(&text[start..i]);
                match bytes[i] {
                    b'"' => out.push_str("\\\""),
                    b'\\' => out.push_str("\\\\"),
                    0x08 => out.push_str("\\b"),
                    c => {
                        const HEX: &[u8; 16] = b"0123456789abcdef";
                        out.push_str("\\u00");
                        out.push(HEX[usize::from(c >> 4)] as char);
                        out.push(HEX[usize::from(c & 0xF)] as char);
                    }
                }
                i += 1;
                from = Some(i);
            }
            LT if bytes.get(i + 1) == Some(&b'/') => {
                out.push_str(&text[start..=i]);
                out.push('\\');
                i += 1;
                from = Some(i);
            }
            _ => {
                from = Some(start);
                i += 1;
            }
        }
    }
    if let Some(start) = from {
        out.push_str(&text[start..]);
    }
}

/// A page's text as one line for snippets: at most [`TEXT_CHARS`]
/// characters, cut at a word, and every sentence that holds an excluded
/// word replaced by `…` (the words the index leaves out must not reach the
/// reader through a snippet either).
fn shown_text(text: &str, excluded: &FxHashSet<&str>) -> String {
    let mut out = String::new();
    let mut chars = 0;
    // A text of fewer bytes than the limit has fewer characters too: nothing is cut.
    if excluded.is_empty() && text.len() < TEXT_CHARS {
        return one_line(text);
    }
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

/// The words of `text` one space apart, as `split_whitespace` and a join
/// would give them, a byte at a time: only the lead bytes of the few
/// spaces outside ASCII need a character decoded, and a run of words one
/// plain space apart is copied whole. Splitting at every character was a
/// sixth of the search index's time.
fn one_line(text: &str) -> String {
    let bytes = text.as_bytes();
    // The length of the white space at `i`, 0 for none.
    let space_at = |i: usize| match bytes[i] {
        b'\t'..=b'\r' | b' ' => 1,
        // U+0085, U+00A0; U+1680; U+2000–U+205F; U+3000.
        0xC2 | 0xE1 | 0xE2 | 0xE3 => text[i..]
            .chars()
            .next()
            .filter(|c| c.is_whitespace())
            .map_or(0, char::len_utf8),
        _ => 0,
    };
    let mut out = String::with_capacity(text.len());
    let mut run: Option<usize> = None;
    let mut i = 0;
    while i < bytes.len() {
        let space = space_at(i);
        if space == 0 {
            run.get_or_insert(i);
            i += 1;
            continue;
        }
        // One plain space between two words stays inside the run.
        if bytes[i] == b' ' && run.is_some() && i + 1 < bytes.len() && space_at(i + 1) == 0 {
            i += 1;
            continue;
        }
        if let Some(start) = run.take() {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&text[start..i]);
        }
        i += space;
    }
    if let Some(start) = run {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&text[start..]);
    }
    out
}

/// Builds the index script. Words in `excluded` (lowercase; e.g. people's
/// names in builds that may not identify anyone) are never indexed, and a
/// sentence of a text script that holds one is left out.
pub fn index_script(docs: &[SearchDoc], lang: Language, excluded: &BTreeSet<String>) -> String {
    build(docs, lang, excluded, Texts::Skip, None).0.index
}

/// The index script, and with `texts` the text scripts too. Documents are
/// taken a batch at a time: each batch's texts are put together, counted
/// and turned into text scripts, and only its words' numbers are kept.
fn build(
    docs: &[SearchDoc],
    lang: Language,
    excluded: &BTreeSet<String>,
    texts: Texts,
    reuse: Option<&Reuse>,
) -> (SearchFiles, Option<Counted>) {
    use rayon::prelude::*;
    let algorithm = match lang {
        Language::Nl => Algorithm::Dutch,
        Language::En => Algorithm::English,
    };
    let excluded_key = {
        use std::hash::{Hash, Hasher};
        let mut h = crate::hash::KeyHasher::new();
        excluded.hash(&mut h);
        h.finish()
    };
    let excluded: FxHashSet<&str> = excluded.iter().map(String::as_str).collect();
    let excluded = &excluded;
    // Each page's key, with a cache to take from or to leave.
    let keys: Vec<u64> = match reuse {
        Some(_) => docs.par_iter().map(|d| doc_key(d, excluded_key)).collect(),
        None => Vec::new(),
    };
    let cached = |i: usize| reuse.and_then(|r| r.words.docs.get(keys.get(i)?));
    // Every distinct word once, numbered in the order first met (the
    // cache's words keep their numbers).
    let mut vocabulary: Vec<Box<str>> = reuse.map(|r| r.words.vocabulary.clone()).unwrap_or_default();
    let mut numbers: FxHashMap<Box<str>, u32> = FxHashMap::default();
    let mut numbered = false;
    // A page's counts from the cache are borrowed, not copied.
    let mut counted: Vec<Cow<[(u32, u32)]>> = Vec::with_capacity(docs.len());
    let mut scripts: Vec<String> = Vec::new();
    let mut made = 0;
    let (mut recounted, mut scripts_made) = (0, 0);
    for (b, batch) in docs.chunks(BATCH).enumerate() {
        let offset = b * BATCH;
        let first = made;
        made += batch.len().div_ceil(TEXT_SHARD);
        // Which of the batch's text scripts are made: with a cache, only
        // those the output does not hold with the same pages.
        let make: Vec<bool> = match (reuse, texts) {
            (Some(r), Texts::Put(_)) => (0..batch.len().div_ceil(TEXT_SHARD))
                .map(|j| {
                    let from = offset + j * TEXT_SHARD;
                    let to = (from + TEXT_SHARD).min(offset + batch.len());
                    !(r.kept)(first + j, shard_key(first + j, &keys[from..to]))
                })
                .collect(),
            (_, Texts::Skip) => vec![false; batch.len().div_ceil(TEXT_SHARD)],
            _ => vec![true; batch.len().div_ceil(TEXT_SHARD)],
        };
        let hit: Vec<bool> = (0..batch.len()).map(|i| cached(offset + i).is_some()).collect();
        recounted += hit.iter().filter(|h| !**h).count();
        scripts_made += make.iter().filter(|m| **m).count();
        // A page's whole text is put together only when it is counted or its script made.
        let whole: Vec<String> = batch
            .par_iter()
            .enumerate()
            .map(|(i, d)| match !hit[i] || make[i / TEXT_SHARD] {
                true => d.whole(),
                false => String::new(),
            })
            .collect();
        // Each text lowercased once (ASCII in place, which keeps every
        // byte where it was): a word is then a slice of it, and only words
        // with other letters need a string of their own. Allocating a
        // string per distinct word of every page was most of the index's time.
        let lowered: Vec<Option<[String; 2]>> = batch
            .par_iter()
            .zip(&whole)
            .zip(&hit)
            .map(|((d, text), hit)| (!hit).then(|| [d.title.to_ascii_lowercase(), text.to_ascii_lowercase()]))
            .collect();
        let words: Vec<Option<WordCounts>> = lowered
            .par_iter()
            // One map per worker, emptied for each page: growing a fresh
            // map for every page was most of the counting.
            .map_init(FxHashMap::<Cow<str>, u32>::default, |counts, lower| {
                let lower = lower.as_ref()?;
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
                Some(counts.drain().collect())
            })
            .collect();
        if !numbered && words.iter().any(Option::is_some) {
            // The cache's words, looked up only once some page is counted.
            numbers.extend(vocabulary.iter().enumerate().map(|(n, w)| (w.clone(), n as u32)));
            numbered = true;
        }
        // Numbers for the batch's new words: only those are looked at one by one.
        let fresh: Vec<&str> = words
            .par_iter()
            .flatten()
            .fold(FxHashSet::default, |mut set, c| {
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
        counted.par_extend(words.into_par_iter().enumerate().map(|(i, counts)| match counts {
            Some(counts) => Cow::Owned(counts.iter().map(|(w, n)| (numbers[w.as_ref()], *n)).collect()),
            None => cached(offset + i).map_or(Cow::Owned(Vec::new()), |c| Cow::Borrowed(c.as_slice())),
        }));
        let script = |(i, chunk): (usize, &[String])| text_script(first + i, chunk, excluded);
        match texts {
            Texts::Skip => {}
            Texts::Keep => scripts.par_extend(whole.par_chunks(TEXT_SHARD).enumerate().map(script)),
            Texts::Put(put) => whole
                .par_chunks(TEXT_SHARD)
                .enumerate()
                .filter(|(i, _)| make[*i])
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

    // Each stem's (document, score) pairs, in document order: counted into
    // place stem by stem (a counting sort; sorting every (stem, document,
    // score) triple was a tenth of a one-page edit's search index).
    let mut start = vec![0usize; stem_list.len() + 1];
    for counts in &counted {
        for (w, _) in counts.iter() {
            start[word_stem[*w as usize] as usize + 1] += 1;
        }
    }
    for s in 1..start.len() {
        start[s] += start[s - 1];
    }
    let mut postings: Vec<(u32, u32)> = vec![(0, 0); start[stem_list.len()]];
    let mut next = start.clone();
    for (i, counts) in counted.iter().enumerate() {
        for (w, score) in counts.iter() {
            let s = word_stem[*w as usize] as usize;
            postings[next[s]] = (i as u32, *score);
            next[s] += 1;
        }
    }
    drop(next);
    // The word cache for the next build is made beside the index: one
    // after the other they were the index's last stretch on one core.
    let pages = keys.len();
    let (cache, index) = rayon::join(
        move || reuse.map(|_| word_cache(&keys, counted, vocabulary)),
        || index_json(docs, &start, &postings, &stem_list),
    );
    let counted = cache.map(|cache| Counted {
        cache,
        counted: recounted,
        pages,
        scripts_made,
        scripts: match texts {
            Texts::Skip => 0,
            _ => made,
        },
    });
    (SearchFiles { index, texts: scripts }, counted)
}

/// The word counts of this build's pages (by their keys), for the next one
/// (see [`Reuse`]).
fn word_cache(keys: &[u64], counted: Vec<Cow<[(u32, u32)]>>, mut vocabulary: Vec<Box<str>>) -> WordCache {
    let mut used = vec![false; vocabulary.len()];
    counted
        .iter()
        .flat_map(|c| c.iter())
        .for_each(|(w, _)| used[*w as usize] = true);
    let docs = if used.iter().all(|u| *u) {
        keys.iter()
            .zip(counted)
            .map(|(key, counts)| (*key, counts.into_owned()))
            .collect()
    } else {
        // Only the words some page still has are kept, numbered anew
        // in the order first met, so that words of pages gone do not pile up.
        let mut number = vec![u32::MAX; vocabulary.len()];
        let mut kept: Vec<Box<str>> = Vec::new();
        let docs = keys
            .iter()
            .zip(counted)
            .map(|(key, counts)| {
                let counts = counts
                    .iter()
                    .map(|(w, n)| {
                        let w = *w as usize;
                        if number[w] == u32::MAX {
                            number[w] = kept.len() as u32;
                            kept.push(std::mem::take(&mut vocabulary[w]));
                        }
                        (number[w], *n)
                    })
                    .collect();
                (*key, counts)
            })
            .collect();
        vocabulary = kept;
        docs
    };
    WordCache { vocabulary, docs }
}

/// The index's script: every page's title, address and section, and each
/// stem's postings (`start[s]..start[s + 1]` of `postings`), packed.
fn index_json(docs: &[SearchDoc], start: &[usize], postings: &[(u32, u32)], stem_list: &[&str]) -> String {
    use rayon::prelude::*;
    let terms: Vec<(&str, Vec<u64>)> = start
        .par_windows(2)
        .enumerate()
        .filter(|(_, w)| w[0] < w[1])
        .map(|(stem, w)| {
            let mut last = 0u64;
            let list = postings[w[0]..w[1]]
                .chunk_by(|a, b| a.0 == b.0)
                .map(|doc| {
                    let score: u32 = doc.iter().map(|p| p.1).sum();
                    let gap = u64::from(doc[0].0) - last;
                    last = u64::from(doc[0].0);
                    gap * PACK + u64::from(score.min(MAX_SCORE))
                })
                .collect();
            (stem_list[stem], list)
        })
        .collect();
    let mut sections: Vec<&str> = Vec::new();
    let index = Index {
        docs: docs
            .iter()
            .map(|d| {
                let section = match sections.iter().position(|x| *x == d.section) {
                    Some(i) => i,
                    None => {
                        sections.push(&d.section);
                        sections.len() - 1
                    }
                };
                (d.title, d.route, section)
            })
            .collect(),
        sections,
        terms: Terms(terms),
    };
    let json = serde_json::to_string(&index).unwrap_or_else(|_| "{\"sections\":[],\"docs\":[],\"terms\":{}}".into());
    // `</` inside a script would end it early in some contexts; JSON allows `<\/`.
    format!("window.RITME_SEARCH = {};\n", json.replace("</", "<\\/"))
}

/// Lowercased words of at least three letters.
fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    raw_words(text).map(str::to_lowercase)
}

/// Words of at least three letters, as written: the runs of alphanumeric
/// characters. ASCII bytes are classed by a table and a word's length in
/// characters is its length in bytes unless it holds other letters; only
/// those are decoded. (Classing every byte twice through a closure, and
/// counting every short word's characters, was a seventh of a clean build's
/// instructions.)
fn raw_words(text: &str) -> impl Iterator<Item = &str> {
    let bytes = text.as_bytes();
    // The character at `i` outside ASCII: whether it is alphanumeric, and its length.
    let wide = move |i: usize| {
        text[i..]
            .chars()
            .next()
            .map_or((false, 1), |c| (c.is_alphanumeric(), c.len_utf8()))
    };
    let mut i = 0;
    std::iter::from_fn(move || {
        loop {
            // To the first byte of a word.
            loop {
                let b = *bytes.get(i)?;
                if b.is_ascii() {
                    if ALNUM[usize::from(b)] {
                        break;
                    }
                    i += 1;
                } else {
                    let (alnum, len) = wide(i);
                    if alnum {
                        break;
                    }
                    i += len;
                }
            }
            let start = i;
            let mut ascii = true;
            while let Some(&b) = bytes.get(i) {
                if b.is_ascii() {
                    if !ALNUM[usize::from(b)] {
                        break;
                    }
                    i += 1;
                } else {
                    let (alnum, len) = wide(i);
                    if !alnum {
                        break;
                    }
                    ascii = false;
                    i += len;
                }
            }
            let word = &text[start..i];
            // Twelve bytes hold at least three characters.
            let long = match ascii {
                true => word.len() >= 3,
                false => word.len() >= 12 || word.chars().count() >= 3,
            };
            if long {
                return Some(word);
            }
        }
    })
}

/// Which ASCII bytes are alphanumeric.
static ALNUM: [bool; 128] = {
    let mut t = [false; 128];
    let mut b = 0;
    while b < 128 {
        t[b] = (b as u8).is_ascii_alphanumeric();
        b += 1;
    }
    t
};

#[cfg(test)]
mod tests {
    use super::*;

    fn doc<'a>(title: &'a str, text: &'a str) -> SearchDoc<'a> {
        SearchDoc {
            title,
            route: "a/index.html",
            section: "Gedrag".into(),
            text: vec![text],
            body: None,
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
                    body: None,
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

    /// The index, the text scripts made by number, what was reused, and
    /// the (number, key) of every script asked about.
    type Reused = (
        String,
        std::collections::BTreeMap<usize, String>,
        Counted,
        Vec<(usize, u64)>,
    );

    /// The index and text scripts of `docs` built with `reuse`'s cache and
    /// the scripts of `held` kept, with what was reused.
    fn reusing(
        docs: &[SearchDoc],
        words: &WordCache,
        held: &std::collections::BTreeMap<usize, u64>,
        excluded: &BTreeSet<String>,
    ) -> Reused {
        let made = std::sync::Mutex::new(std::collections::BTreeMap::new());
        let asked = std::sync::Mutex::new(Vec::new());
        let put = |n: usize, s: String| {
            made.lock().unwrap().insert(n, s);
        };
        let kept = |n: usize, key: u64| {
            asked.lock().unwrap().push((n, key));
            held.get(&n) == Some(&key)
        };
        let reuse = Reuse { words, kept: &kept };
        let (index, counted) = search_files_reusing(docs, Language::Nl, excluded, &put, &reuse);
        let mut asked = asked.into_inner().unwrap();
        asked.sort_unstable();
        (index, made.into_inner().unwrap(), counted, asked)
    }

    #[test]
    fn reused_counts_and_kept_scripts_give_the_index_of_a_fresh_count() {
        let pages: Vec<(String, String)> = (0..BATCH + 40)
            .map(|i| {
                (
                    format!("Pagina {i}"),
                    format!("Woord{} opvolgen en bellen {}", i % 7, i % 3),
                )
            })
            .collect();
        let docs: Vec<SearchDoc> = pages.iter().map(|(t, x)| doc(t, x)).collect();
        let none = BTreeSet::new();
        let fresh = search_files(&docs, Language::Nl, &none);
        let (index, made, first, asked) = reusing(&docs, &WordCache::default(), &Default::default(), &none);
        assert_eq!(index, fresh.index);
        assert_eq!(made.into_values().collect::<Vec<_>>(), fresh.texts);
        assert_eq!((first.counted, first.pages), (docs.len(), docs.len()));
        assert_eq!(
            (first.scripts_made, first.scripts),
            (fresh.texts.len(), fresh.texts.len())
        );
        let held: std::collections::BTreeMap<usize, u64> = asked.into_iter().collect();

        // One page's text edited, one new word in it: only it is counted
        // again, only its script made, and the index is a fresh count's.
        let mut edited = pages.clone();
        edited[TEXT_SHARD + 3].1.push_str(" Nieuwsgierig");
        let docs: Vec<SearchDoc> = edited.iter().map(|(t, x)| doc(t, x)).collect();
        let fresh = search_files(&docs, Language::Nl, &none);
        let (index, made, again, asked) = reusing(&docs, &first.cache, &held, &none);
        assert_eq!(index, fresh.index);
        assert!(index.contains("nieuwsgier"));
        assert_eq!(again.counted, 1);
        assert_eq!(made.keys().copied().collect::<Vec<_>>(), vec![1]);
        assert_eq!(made[&1], fresh.texts[1]);
        assert_eq!(again.scripts_made, 1);
        assert_ne!(asked[1].1, held[&1], "the edited page's script has another key");

        // Pages gone: their words leave the cache, the index is a fresh count's.
        let fewer: Vec<SearchDoc> = docs[..TEXT_SHARD].to_vec();
        let (index, _, after, _) = reusing(&fewer, &again.cache, &held, &none);
        assert_eq!(index, search_files(&fewer, Language::Nl, &none).index);
        assert_eq!(after.counted, 0);
        assert!(after.cache.vocabulary.len() < again.cache.vocabulary.len());
        assert!(!after.cache.vocabulary.iter().any(|w| &**w == "nieuwsgierig"));

        // Other words left out: every page is counted again.
        let hidden = BTreeSet::from(["bellen".to_string()]);
        let (index, _, other, _) = reusing(&docs, &again.cache, &held, &hidden);
        assert_eq!(index, search_files(&docs, Language::Nl, &hidden).index);
        assert_eq!(other.counted, docs.len());
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

    proptest::proptest! {
        /// The byte-at-a-time flattening gives what splitting at every
        /// Unicode space and joining with one space gives.
        #[test]
        fn flattening_is_the_words_one_space_apart(
            text in "([a-zé€©\u{1681}\u{3042}\u{1F600}.]{0,6}[ \t\n\u{0B}\u{0C}\r\u{85}\u{A0}\u{1680}\u{2000}-\u{200B}\u{2028}\u{2029}\u{202F}\u{205F}\u{3000}\u{E2}\u{C2}]{0,3}){0,12}"
        ) {
            let words: Vec<&str> = text.split_whitespace().collect();
            proptest::prop_assert_eq!(one_line(&text), words.join(" "));
        }

        /// A text script is what serde_json makes of the shown texts, with
        /// `</` escaped: the one-pass writer escapes what serde_json
        /// escapes, flattens what `one_line` flattens, and nothing else.
        #[test]
        fn text_scripts_are_the_shown_texts_as_json(
            texts in proptest::collection::vec(
                "([a-zé€\u{1F600}/<>\"\\\u{0}\u{8}\u{1F}\u{7F}]{0,5}[ \t\n\u{0B}\u{0C}\r\u{85}\u{A0}\u{1680}\u{2000}\u{200B}\u{2028}\u{3000}\u{E2}\u{C2}<]{0,2}){0,10}",
                0..4,
            ),
            hidden in proptest::bool::ANY,
        ) {
            let excluded: FxHashSet<&str> = if hidden { ["abc"].into_iter().collect() } else { FxHashSet::default() };
            let shown: Vec<String> = texts.iter().map(|t| shown_text(t, &excluded)).collect();
            let json = serde_json::to_string(&shown).unwrap().replace("</", "<\\/");
            let want = format!("(window.RITME_SEARCH_TEXT = window.RITME_SEARCH_TEXT || {{}})[3] = {json};\n");
            proptest::prop_assert_eq!(text_script(3, &texts, &excluded), want);
        }

        /// The byte-at-a-time words are those of splitting at every
        /// character that is not alphanumeric.
        #[test]
        fn words_are_the_alphanumeric_runs(text in "[a-zA-Z0-9é€©\u{1681}\u{3042}\u{1F600}\u{660}Σ .,;'\\-]{0,40}") {
            let split: Vec<&str> = text
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| w.chars().count() >= 3)
                .collect();
            proptest::prop_assert_eq!(raw_words(&text).collect::<Vec<_>>(), split);
        }
    }

    /// The index every reader loads holds no page text: a result's snippet
    /// comes from the text scripts, loaded for the results shown.
    #[test]
    fn the_index_holds_titles_routes_and_sections_only() {
        let body = "Opvolgen werkt altijd beter dan wachten op de klant. ".repeat(10);
        let titles: Vec<String> = (0..100).map(|i| format!("Pagina {i}")).collect();
        let docs: Vec<SearchDoc> = titles.iter().map(|t| doc(t, &body)).collect();
        let files = search_files(&docs, Language::Nl, &BTreeSet::new());
        let v = parse(&files.index);
        assert_eq!(v["docs"][7], serde_json::json!(["Pagina 7", "a/index.html", 0]));
        assert!(!files.index.contains("wachten op"), "no text in the index");
        assert!(files.texts[0].contains("wachten op de klant"));
    }

    #[test]
    fn script_cannot_close_its_tag() {
        let s = index_script(&[doc("</script><b>", "x")], Language::En, &BTreeSet::new());
        assert!(!s.contains("</script>"));
    }
}
