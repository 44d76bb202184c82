//! What one build leaves for the next: for every page of the output, the
//! key of everything its bytes depend on (see `render::keys`). A page whose
//! key is unchanged is not rendered again; its bytes are already in the
//! output folder.
//!
//! The cache is a small text file beside the output (`.public.ritme-cache`),
//! never in it, so the output stays the same bytes as a clean build's. Each
//! entry also records the hash of the page's bytes, and is only trusted
//! while the output's own manifest still lists that hash and the file is
//! there: a folder changed by another build, a killed build or a different
//! ritme binary simply means those pages are rendered again.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

const HEAD: &str = "ritme-cache 1";

/// Pages the output folder already holds, by route: (page key, content hash).
#[derive(Debug, Clone, Default)]
pub struct Previous {
    pub pages: HashMap<String, (u64, u64)>,
    /// The search index's word counts of the last build (see [`load_words`]).
    pub words: std::sync::Arc<crate::search::WordCache>,
}

/// Markdown documents as the last build rendered them, by the key of
/// everything their rendering reads (see `render::markdown_key`): a build
/// after a one-page edit runs Markdown for that page only.
#[derive(Debug, Clone, Default)]
pub struct Markdown {
    pub docs: HashMap<u64, Kept>,
    /// The keys each shard of the cache held when it was loaded: a shard
    /// that would hold the same keys again is not written again.
    pub shards: Vec<Option<u64>>,
    /// The free pages' front matter of the last build (see [`load_front_matter`]);
    /// `None`: none to take, and none to leave.
    pub front_matter: Option<crate::content::FrontMatter>,
}

/// A document as a build may take it from an earlier one.
#[derive(Debug, Clone)]
pub enum Kept {
    /// Whole, as `serve` keeps its last build's documents in memory.
    Whole(crate::markdown::Rendered),
    /// What the cache beside the output keeps of it: what other pages
    /// read. Its HTML and text are made again from its Markdown if
    /// anything reads them (see `markup`).
    Outline(Outline),
}

/// The parts of a rendered document that the cache beside the output keeps.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outline {
    pub toc: Vec<crate::markdown::TocEntry>,
    pub anchors: std::collections::BTreeSet<String>,
    pub anchor_links: Vec<crate::markdown::AnchorLink>,
    pub first_paragraph: String,
}

const MD_HEAD: &str = "ritme-md 4";
/// The cache is split by key into this many files, so that a build after
/// a one-page edit rewrites one or two of them, not the outline of every
/// document.
const MD_SHARDS: u64 = 64;

fn md_shard(folder: &Path, n: u64) -> PathBuf {
    folder.join(format!("{n:02}"))
}

/// A hash of the keys a shard holds (in any order).
fn keys_hash(keys: &mut [u64]) -> u64 {
    use std::hash::{Hash, Hasher};
    keys.sort_unstable();
    let mut h = crate::hash::KeyHasher::new();
    keys.hash(&mut h);
    h.finish()
}

/// The entries of each of `count` shards in `folder`, read in parallel; a
/// shard that is missing, damaged or of another binary (its head line is
/// not `head`), or holds an entry `entry` cannot read, is `None`.
fn read_shards<T: Send>(
    folder: &Path,
    count: u64,
    head: &str,
    entry: impl Fn(&mut Reader, u64) -> Option<T> + Sync,
) -> Vec<Option<Vec<T>>> {
    (0..count)
        .into_par_iter()
        .map(|n| {
            let bytes = std::fs::read(md_shard(folder, n)).ok()?;
            let mut r = Reader(unseal(&bytes, head)?);
            let mut entries = Vec::new();
            while !r.0.is_empty() {
                entries.push(entry(&mut r, n)?);
            }
            Some(entries)
        })
        .collect()
}

/// Loads the Markdown cache kept beside `out` (a folder of shards); a
/// shard that is unreadable (another ritme binary's, damaged) counts as empty.
pub fn load_markdown(out: &Path) -> Markdown {
    let (Some(binary), Some(folder)) = (binary_identity(), sibling(out, "ritme-md")) else {
        return Markdown::default();
    };
    if !folder.is_dir() {
        return Markdown::default();
    }
    let shards = read_shards(&folder, MD_SHARDS, &head_line(MD_HEAD, binary), |r, _| r.entry());
    let mut md = Markdown::default();
    for shard in shards {
        md.shards.push(shard.as_ref().map(|docs| {
            let mut keys: Vec<u64> = docs.iter().map(|(k, _)| *k).collect();
            keys_hash(&mut keys)
        }));
        md.docs
            .extend(shard.into_iter().flatten().map(|(key, o)| (key, Kept::Outline(o))));
    }
    md
}

/// Records the Markdown of this build beside `out` for the next one,
/// writing only the shards whose documents changed since `loaded` (the
/// [`Markdown::shards`] of the cache this build started from). Returns how
/// many shards were written. Failing to write only costs the next build
/// its head start.
pub fn record_markdown<'a>(
    out: &Path,
    docs: impl Iterator<Item = (u64, &'a crate::markdown::Rendered)>,
    loaded: &[Option<u64>],
) -> usize {
    stage_markdown(out, docs, loaded).commit()
}

/// Shards of a cache written aside (`NN.new`), not yet in use: the
/// pipeline writes the Markdown cache's while the pages are rendered and only puts
/// them in place ([`StagedShards::commit`]) once the build succeeded, so
/// a failed build leaves the cache as the last good one left it. A killed
/// build leaves at most `.new` files, which no build reads.
#[derive(Debug, Default)]
#[must_use = "staged shards are only used once committed"]
pub struct StagedShards {
    folder: Option<PathBuf>,
    shards: Vec<u64>,
}

impl StagedShards {
    fn new_name(folder: &Path, n: u64) -> PathBuf {
        folder.join(format!("{n:02}.new"))
    }

    /// Puts the staged shards in place; returns how many.
    pub fn commit(self) -> usize {
        let Some(folder) = &self.folder else {
            return 0;
        };
        let mut done = 0;
        for &n in &self.shards {
            let tmp = Self::new_name(folder, n);
            if std::fs::rename(&tmp, md_shard(folder, n)).is_ok() {
                done += 1;
            } else {
                let _ = std::fs::remove_file(&tmp);
            }
        }
        done
    }

    /// Removes the staged shards: the cache stays as it was.
    pub fn discard(self) {
        if let Some(folder) = &self.folder {
            for &n in &self.shards {
                let _ = std::fs::remove_file(Self::new_name(folder, n));
            }
        }
    }
}

/// Writes the shards [`record_markdown`] would write, aside, for
/// [`StagedShards::commit`] to put in place.
pub fn stage_markdown<'a>(
    out: &Path,
    docs: impl Iterator<Item = (u64, &'a crate::markdown::Rendered)>,
    loaded: &[Option<u64>],
) -> StagedShards {
    let (Some(binary), Some(folder)) = (binary_identity(), sibling(out, "ritme-md")) else {
        return StagedShards::default();
    };
    // A cache of an older ritme is a single file by that name.
    if std::fs::symlink_metadata(&folder).is_ok_and(|m| !m.is_dir()) {
        let _ = std::fs::remove_file(&folder);
    }
    if std::fs::create_dir_all(&folder).is_err() {
        return StagedShards::default();
    }
    let mut by_shard: Vec<Vec<(u64, &crate::markdown::Rendered)>> = (0..MD_SHARDS).map(|_| Vec::new()).collect();
    for (key, doc) in docs {
        by_shard[(key % MD_SHARDS) as usize].push((key, doc));
    }
    let head = head_line(MD_HEAD, binary);
    let shards = by_shard
        .into_par_iter()
        .enumerate()
        .filter(|(n, docs)| {
            let mut keys: Vec<u64> = docs.iter().map(|(k, _)| *k).collect();
            let unchanged = loaded.get(*n).copied().flatten() == Some(keys_hash(&mut keys));
            !unchanged
        })
        .map(|(n, mut docs)| {
            // In key order: the same documents give the same bytes.
            docs.sort_unstable_by_key(|(k, _)| *k);
            let w = sealed(&head, |w| {
                for (key, doc) in docs {
                    put_entry(w, key, doc);
                }
            });
            (n as u64, w)
        });
    stage_shards(folder, shards)
}

/// Writes each (number, bytes) shard aside in `folder`, for
/// [`StagedShards::commit`] to put in place.
fn stage_shards(folder: PathBuf, shards: impl ParallelIterator<Item = (u64, Vec<u8>)>) -> StagedShards {
    let mut written: Vec<u64> = shards
        .filter_map(|(n, bytes)| {
            let tmp = StagedShards::new_name(&folder, n);
            if std::fs::write(&tmp, bytes).is_ok() {
                Some(n)
            } else {
                // A full disk: half a shard is no use to anyone.
                let _ = std::fs::remove_file(&tmp);
                None
            }
        })
        .collect();
    written.sort_unstable();
    StagedShards {
        folder: Some(folder),
        shards: written,
    }
}

fn put_entry(w: &mut Vec<u8>, key: u64, doc: &crate::markdown::Rendered) {
    w.extend_from_slice(&key.to_le_bytes());
    put_len(w, doc.toc.len());
    for t in &doc.toc {
        w.push(t.level);
        put_str(w, &t.id);
        put_str(w, &t.title);
    }
    put_len(w, doc.anchors.len());
    for a in &doc.anchors {
        put_str(w, a);
    }
    put_len(w, doc.anchor_links.len());
    for l in &doc.anchor_links {
        put_str(w, &l.target_route);
        put_str(w, &l.anchor);
        put_len(w, l.line);
        put_len(w, l.column);
        put_str(w, &l.written);
    }
    put_str(w, &doc.first_paragraph);
}

fn put_len(w: &mut Vec<u8>, n: usize) {
    w.extend_from_slice(&(n as u64).to_le_bytes());
}

fn put_str(w: &mut Vec<u8>, s: &str) {
    put_len(w, s.len());
    w.extend_from_slice(s.as_bytes());
}

/// Reads what `record_markdown` wrote; `None` at anything malformed.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn byte(&mut self) -> Option<u8> {
        let (b, rest) = self.0.split_first()?;
        self.0 = rest;
        Some(*b)
    }
    /// A value written after a 1 byte, or nothing after a 0 byte
    /// (`None`: neither, the cache is damaged).
    fn optional<T>(&mut self, read: impl FnOnce(&mut Self) -> Option<T>) -> Option<Option<T>> {
        match self.byte()? {
            0 => Some(None),
            1 => read(self).map(Some),
            _ => None,
        }
    }
    fn u64(&mut self) -> Option<u64> {
        let (n, rest) = self.0.split_first_chunk::<8>()?;
        self.0 = rest;
        Some(u64::from_le_bytes(*n))
    }
    fn len(&mut self) -> Option<usize> {
        usize::try_from(self.u64()?)
            .ok()
            .filter(|n| *n <= self.0.len().max(1 << 20))
    }
    fn string(&mut self) -> Option<String> {
        self.str().map(str::to_owned)
    }
    fn str(&mut self) -> Option<&'a str> {
        let n = self.len()?;
        let (s, rest) = self.0.split_at_checked(n)?;
        self.0 = rest;
        std::str::from_utf8(s).ok()
    }
    fn entry(&mut self) -> Option<(u64, Outline)> {
        use crate::markdown::{AnchorLink, TocEntry};
        let key = self.u64()?;
        let toc = (0..self.len()?)
            .map(|_| {
                let (level, rest) = self.0.split_first()?;
                self.0 = rest;
                Some(TocEntry {
                    level: *level,
                    id: self.string()?,
                    title: self.string()?,
                })
            })
            .collect::<Option<_>>()?;
        let anchors = (0..self.len()?).map(|_| self.string()).collect::<Option<_>>()?;
        let anchor_links = (0..self.len()?)
            .map(|_| {
                Some(AnchorLink {
                    target_route: self.string()?,
                    anchor: self.string()?,
                    line: self.len()?,
                    column: self.len()?,
                    written: self.string()?,
                })
            })
            .collect::<Option<_>>()?;
        Some((
            key,
            Outline {
                toc,
                anchors,
                anchor_links,
                first_paragraph: self.string()?,
            },
        ))
    }
}

const SRC_HEAD: &str = "ritme-src 1";
/// The texts are split by path into this many files, so that an edit
/// rewrites one of them, not the 23 MB of a 10,000-page site's sources.
const SRC_SHARDS: u64 = 32;

/// The site's text files as the last build read them, by path, each with
/// what the file looked like when it was read: a build takes the text of
/// a file whose stamp is unchanged from here instead of opening it (one
/// shard read replaces ~300 opens and reads).
#[derive(Debug, Default)]
pub struct SourceTexts {
    pub texts: Vec<(String, crate::source::Stamp, String)>,
    /// A hash of the paths and stamps each shard held when it was loaded:
    /// a shard that would hold the same again is not written again.
    pub shards: Vec<Option<u64>>,
}

fn src_shard_of(rel: &str) -> usize {
    use std::hash::{Hash, Hasher};
    let mut h = crate::hash::KeyHasher::new();
    rel.hash(&mut h);
    (h.finish() % SRC_SHARDS) as usize
}

/// A hash of the paths and stamps of a shard's texts (sorted by path).
fn stamps_hash<'a>(entries: impl Iterator<Item = (&'a str, &'a crate::source::Stamp)>) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = crate::hash::KeyHasher::new();
    for (rel, s) in entries {
        (rel, s.len, s.modified, s.changed, s.file).hash(&mut h);
    }
    h.finish()
}

fn put_stamp(w: &mut Vec<u8>, s: &crate::source::Stamp) {
    for n in [
        s.len,
        s.modified.0 as u64,
        s.modified.1 as u64,
        s.changed.0 as u64,
        s.changed.1 as u64,
        s.file.0,
        s.file.1,
    ] {
        w.extend_from_slice(&n.to_le_bytes());
    }
}

impl Reader<'_> {
    fn stamp(&mut self) -> Option<crate::source::Stamp> {
        Some(crate::source::Stamp {
            len: self.u64()?,
            modified: (self.u64()? as i64, self.u64()? as i64),
            changed: (self.u64()? as i64, self.u64()? as i64),
            file: (self.u64()?, self.u64()?),
        })
    }
}

/// Loads the source texts kept beside `out`; a shard that is unreadable,
/// damaged or of another ritme binary counts as empty (its files are read).
pub fn load_sources(out: &Path) -> SourceTexts {
    let (Some(binary), Some(folder)) = (binary_identity(), sibling(out, "ritme-src")) else {
        return SourceTexts::default();
    };
    let shards = read_shards(&folder, SRC_SHARDS, &head_line(SRC_HEAD, binary), |r, n| {
        let rel = r.string()?;
        let stamp = r.stamp()?;
        let text = r.string()?;
        // A text kept in the wrong shard would be written twice.
        (src_shard_of(&rel) == n as usize).then_some((rel, stamp, text))
    });
    let mut loaded = SourceTexts::default();
    for shard in shards {
        loaded.shards.push(
            shard
                .as_ref()
                .map(|texts| stamps_hash(texts.iter().map(|(rel, s, _)| (rel.as_str(), s)))),
        );
        loaded.texts.extend(shard.into_iter().flatten());
    }
    loaded
}

/// The shards of the source texts that differ from those `loaded` (the
/// [`SourceTexts::shards`] this build started from), ready to be written
/// by [`record_sources`].
pub fn source_shards(texts: Vec<(&str, crate::source::Stamp, &str)>, loaded: &[Option<u64>]) -> Vec<(u64, Vec<u8>)> {
    let Some(binary) = binary_identity() else {
        return Vec::new();
    };
    let mut by_shard: Vec<Vec<(&str, crate::source::Stamp, &str)>> = (0..SRC_SHARDS).map(|_| Vec::new()).collect();
    for t in texts {
        by_shard[src_shard_of(t.0)].push(t);
    }
    let head = head_line(SRC_HEAD, binary);
    by_shard
        .into_par_iter()
        .enumerate()
        .filter_map(|(n, mut texts)| {
            // In path order: the same files give the same bytes.
            texts.sort_unstable_by(|a, b| a.0.cmp(b.0));
            let hash = stamps_hash(texts.iter().map(|(rel, s, _)| (*rel, s)));
            if loaded.get(n).copied().flatten() == Some(hash) {
                return None;
            }
            let bytes = sealed(&head, |w| {
                w.reserve(texts.iter().map(|(rel, _, text)| rel.len() + text.len() + 72).sum());
                for (rel, stamp, text) in texts {
                    put_str(w, rel);
                    put_stamp(w, &stamp);
                    put_str(w, text);
                }
            });
            Some((n as u64, bytes))
        })
        .collect()
}

/// Writes the shards [`source_shards`] made beside `out`; returns how many
/// were written. Each is written aside and renamed, so a killed build never
/// leaves half a shard, and failing only costs the next build its head start.
pub fn record_sources(out: &Path, shards: Vec<(u64, Vec<u8>)>) -> usize {
    let Some(folder) = sibling(out, "ritme-src") else {
        return 0;
    };
    if shards.is_empty() || std::fs::create_dir_all(&folder).is_err() {
        return 0;
    }
    stage_shards(folder, shards.into_par_iter()).commit()
}

impl Previous {
    /// The content hash of the page at `route` when the output holds it
    /// with this key.
    pub fn kept(&self, route: &str, key: u64) -> Option<u64> {
        self.pages.get(route).filter(|(k, _)| *k == key).map(|(_, h)| *h)
    }
}

/// Where the cache of the output folder `out` is kept.
pub fn path(out: &Path) -> Option<PathBuf> {
    sibling(out, "ritme-cache")
}

/// `.NAME.SUFFIX` beside the output folder `NAME`: where ritme keeps what
/// belongs to an output but must not be in it.
pub fn sibling(out: &Path, suffix: &str) -> Option<PathBuf> {
    let name = out.file_name()?.to_string_lossy().into_owned();
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    Some(parent.join(format!(".{name}.{suffix}")))
}

/// Loads what the last build into `out` left, keeping only the pages the
/// output verifiably still holds (asked of `staging`, which holds the lock
/// on the output: nothing can replace it until this build is written).
/// Anything unreadable gives an empty cache.
pub fn load(out: &Path, staging: &mut crate::output::Staging) -> Previous {
    let Some(binary) = binary_identity() else {
        return Previous::default();
    };
    let Some(text) = path(out).and_then(|p| std::fs::read_to_string(p).ok()) else {
        return Previous::default();
    };
    let mut lines = text.lines();
    if lines.next() != Some(&format!("{HEAD} {binary:016x}")) {
        return Previous::default();
    }
    let entries: Vec<(&str, u64, u64)> = lines.filter_map(parse_line).collect();
    let files: Vec<(&str, u64)> = entries.iter().map(|(route, _, hash)| (*route, *hash)).collect();
    let keep = staging.keepable(&files);
    let pages = entries
        .iter()
        .zip(keep)
        .filter(|(_, keep)| *keep)
        .map(|((route, key, hash), _)| (route.to_string(), (*key, *hash)))
        .collect();
    Previous {
        pages,
        words: Default::default(),
    }
}

fn parse_line(line: &str) -> Option<(&str, u64, u64)> {
    let (key, rest) = line.split_once(' ')?;
    let (hash, route) = rest.split_once(' ')?;
    crate::output::is_safe_relative(route).then_some(())?;
    Some((
        route,
        u64::from_str_radix(key, 16).ok()?,
        u64::from_str_radix(hash, 16).ok()?,
    ))
}

/// Records the page keys of the build just written into `out`, with the
/// content hashes it wrote (`written`, from `write_site`: not the folder's
/// manifest, which a concurrent build may have replaced by now). Failing
/// to write it only costs the next build its head start, so errors are
/// ignored.
pub fn record(out: &Path, keys: &[(String, u64)], written: &BTreeMap<String, u64>) {
    let (Some(binary), Some(target)) = (binary_identity(), path(out)) else {
        return;
    };
    let manifest = written;
    use std::fmt::Write;
    let mut text = String::with_capacity(keys.iter().map(|(route, _)| route.len() + 35).sum::<usize>() + 64);
    let _ = writeln!(text, "{HEAD} {binary:016x}");
    for (route, key) in keys {
        if let Some(hash) = manifest.get(route) {
            let _ = writeln!(text, "{key:016x} {hash:016x} {route}");
        }
    }
    if let Some(tmp) = sibling(out, "ritme-cache-new") {
        put_aside(&tmp, &target, text.into_bytes());
    }
}

const WORDS_HEAD: &str = "ritme-words 1";

/// A checksum of a cache file's bytes: a damaged cache (a flipped bit in
/// a count or in a document's HTML still parses) must cost the next build
/// its head start, never give it other bytes.
fn checksum(bytes: &[u8]) -> u64 {
    use std::hash::Hasher;
    let mut h = rustc_hash::FxHasher::default();
    h.write(bytes);
    h.finish()
}

/// The first line of a cache file of `kind` written by the binary `binary`.
fn head_line(kind: &str, binary: u64) -> String {
    format!("{kind} {binary:016x}\n")
}

/// A cache file's contents: `head`, what `fill` writes, and the checksum
/// of what `fill` wrote.
fn sealed(head: &str, fill: impl FnOnce(&mut Vec<u8>)) -> Vec<u8> {
    let mut w = head.as_bytes().to_vec();
    fill(&mut w);
    let sum = checksum(&w[head.len()..]);
    w.extend_from_slice(&sum.to_le_bytes());
    w
}

/// What [`sealed`] was given to write, when `bytes` begin with `head` (this
/// binary's, of this kind) and end with the checksum of what lies between.
fn unseal<'a>(bytes: &'a [u8], head: &str) -> Option<&'a [u8]> {
    let (body, sum) = bytes.strip_prefix(head.as_bytes())?.split_last_chunk::<8>()?;
    (checksum(body) == u64::from_le_bytes(*sum)).then_some(body)
}

/// Writes `bytes` at `tmp` and renames it to `target`, so that a killed
/// build never leaves half a cache; a failure only costs the next build
/// its head start.
fn put_aside(tmp: &Path, target: &Path, bytes: Vec<u8>) {
    if std::fs::write(tmp, bytes).is_err() || std::fs::rename(tmp, target).is_err() {
        let _ = std::fs::remove_file(tmp);
    }
}

/// Loads the search index's word counts kept beside `out` by the last
/// build. Anything unreadable, damaged or of another ritme binary gives an
/// empty cache (every page's words are counted again).
pub fn load_words(out: &Path) -> crate::search::WordCache {
    let read = || -> Option<crate::search::WordCache> {
        let bytes = std::fs::read(sibling(out, "ritme-words")?).ok()?;
        let mut r = Reader(unseal(&bytes, &head_line(WORDS_HEAD, binary_identity()?))?);
        let vocabulary: Vec<Box<str>> = (0..r.len()?)
            .map(|_| r.string().map(String::into_boxed_str))
            .collect::<Option<_>>()?;
        let words = vocabulary.len() as u64;
        let mut docs = rustc_hash::FxHashMap::default();
        for _ in 0..r.len()? {
            let key = r.u64()?;
            let n = r.len()?;
            let (pairs, rest) = r.0.split_at_checked(n.checked_mul(8)?)?;
            r.0 = rest;
            let counts: Vec<(u32, u32)> = pairs
                .chunks_exact(8)
                .map(|p| {
                    let w = u32::from_le_bytes(p[..4].try_into().ok()?);
                    let c = u32::from_le_bytes(p[4..].try_into().ok()?);
                    (u64::from(w) < words).then_some((w, c))
                })
                .collect::<Option<_>>()?;
            docs.insert(key, counts);
        }
        r.0.is_empty().then_some(crate::search::WordCache { vocabulary, docs })
    };
    read().unwrap_or_default()
}

/// Records the search index's word counts of the build just written into
/// `out` for the next one. Failing to write only costs the next build its
/// head start.
pub fn record_words(out: &Path, words: &crate::search::WordCache) {
    let (Some(binary), Some(target), Some(tmp)) = (
        binary_identity(),
        sibling(out, "ritme-words"),
        sibling(out, "ritme-words-new"),
    ) else {
        return;
    };
    let w = sealed(&head_line(WORDS_HEAD, binary), |w| {
        let pairs: usize = words.docs.values().map(Vec::len).sum();
        w.reserve(pairs * 8 + words.docs.len() * 16 + words.vocabulary.len() * 16);
        put_len(w, words.vocabulary.len());
        for word in &words.vocabulary {
            put_str(w, word);
        }
        // In key order: the same counts give the same bytes.
        let mut docs: Vec<(&u64, &Vec<(u32, u32)>)> = words.docs.iter().collect();
        docs.sort_unstable_by_key(|(k, _)| **k);
        put_len(w, docs.len());
        for (key, counts) in docs {
            w.extend_from_slice(&key.to_le_bytes());
            put_len(w, counts.len());
            for (word, n) in counts {
                w.extend_from_slice(&word.to_le_bytes());
                w.extend_from_slice(&n.to_le_bytes());
            }
        }
    });
    put_aside(&tmp, &target, w);
}

const FRONT_HEAD: &str = "ritme-front 1";

/// Loads the free pages' front matter kept beside `out` by the last build.
/// Anything unreadable, damaged or of another ritme binary gives an empty
/// cache (every page's front matter is parsed again).
pub fn load_front_matter(out: &Path) -> crate::content::FrontMatter {
    use crate::content::{PageMeta, Status};
    let read = || -> Option<crate::content::FrontMatter> {
        let bytes = std::fs::read(sibling(out, "ritme-front")?).ok()?;
        let mut r = Reader(unseal(&bytes, &head_line(FRONT_HEAD, binary_identity()?))?);
        let mut pages = std::collections::HashMap::new();
        for _ in 0..r.len()? {
            let key = r.u64()?;
            let title = r.optional(Reader::string)?;
            let summary = r.optional(Reader::string)?;
            let weight = r.optional(|r| r.u64().map(|n| n as i64))?;
            let owner = r.optional(Reader::string)?;
            let status = match r.byte()? {
                0 => Status::Draft,
                1 => Status::Approved,
                _ => return None,
            };
            let review_by = r.optional(|r| {
                let days = i32::try_from(r.u64()? as i64).ok()?;
                chrono::NaiveDate::from_num_days_from_ce_opt(days)
            })?;
            pages.insert(
                key,
                PageMeta {
                    title,
                    summary,
                    weight,
                    owner,
                    status,
                    review_by,
                },
            );
        }
        r.0.is_empty().then_some(crate::content::FrontMatter {
            pages,
            ..Default::default()
        })
    };
    read().unwrap_or_default()
}

/// Records the free pages' front matter of the build just written into
/// `out` for the next one. Failing to write only costs the next build its
/// head start.
pub fn record_front_matter(out: &Path, front: &crate::content::FrontMatter) {
    use chrono::Datelike;
    let (Some(binary), Some(target), Some(tmp)) = (
        binary_identity(),
        sibling(out, "ritme-front"),
        sibling(out, "ritme-front-new"),
    ) else {
        return;
    };
    fn optional<T>(w: &mut Vec<u8>, v: Option<T>, put: impl FnOnce(&mut Vec<u8>, T)) {
        match v {
            None => w.push(0),
            Some(v) => {
                w.push(1);
                put(w, v);
            }
        }
    }
    let w = sealed(&head_line(FRONT_HEAD, binary), |w| {
        // In key order: the same pages give the same bytes.
        let mut pages: Vec<_> = front.pages.iter().collect();
        pages.sort_unstable_by_key(|(k, _)| **k);
        put_len(w, pages.len());
        for (key, m) in pages {
            w.extend_from_slice(&key.to_le_bytes());
            optional(w, m.title.as_deref(), put_str);
            optional(w, m.summary.as_deref(), put_str);
            optional(w, m.weight, |w, n| w.extend_from_slice(&(n as u64).to_le_bytes()));
            optional(w, m.owner.as_deref(), put_str);
            w.push(match m.status {
                crate::content::Status::Draft => 0,
                crate::content::Status::Approved => 1,
            });
            optional(w, m.review_by, |w, d| {
                w.extend_from_slice(&(i64::from(d.num_days_from_ce()) as u64).to_le_bytes())
            });
        }
    });
    put_aside(&tmp, &target, w);
}

/// Forgets the cache of `out` (a build that renders everything anyway).
pub fn clear(out: &Path) {
    if let Some(p) = path(out) {
        let _ = std::fs::remove_file(p);
    }
}

/// Identifies the running ritme binary: another binary may render the same
/// view differently, so its pages are never taken from the cache.
pub fn binary_identity() -> Option<u64> {
    use std::hash::{Hash, Hasher};
    let exe = std::env::current_exe().ok()?.metadata().ok()?;
    let mut h = crate::hash::KeyHasher::new();
    env!("CARGO_PKG_VERSION").hash(&mut h);
    exe.len().hash(&mut h);
    exe.modified()
        .ok()?
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?
        .as_nanos()
        .hash(&mut h);
    Some(h.finish())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::{OutputFile, write_site};

    /// One discovery of `site` as `ritme build` runs it into `out`: the
    /// fingerprint's stamps, the texts kept beside `out`, and the shards it
    /// writes for the next build. Returns the sources, how many text files
    /// were read from disk, and how many shards were written.
    fn discover_into(site: &Path, out: &Path, use_cache: bool) -> (crate::source::Sources, usize, usize) {
        let walked = crate::fingerprint::walk(site, out, &[]);
        let loaded = if use_cache {
            load_sources(out)
        } else {
            Default::default()
        };
        let mut cache = crate::source::FileCache::with_texts(loaded.texts, walked.stamps);
        let (sources, diags) = crate::source::discover_cached(site, Some(&mut cache));
        assert!(!diags.has_errors());
        let texts = cache.texts(&sources, std::time::SystemTime::now(), std::time::Duration::ZERO);
        let written = record_sources(out, source_shards(texts, &loaded.shards));
        (sources, cache.reads(), written)
    }

    fn set_mtime(path: &Path, t: std::time::SystemTime) {
        std::fs::File::options()
            .write(true)
            .open(path)
            .unwrap()
            .set_modified(t)
            .unwrap();
    }

    /// A source whose stamp is unchanged is taken from the texts kept
    /// beside the output, not read; one with a new size, modification time
    /// or change time is read again (the change time also catches an edit
    /// that keeps the size and sets the modification time back), and a
    /// damaged shard only costs reading its files.
    #[test]
    fn unchanged_sources_are_not_read_and_changed_ones_always_are() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        let out = dir.path().join("public");
        std::fs::create_dir_all(site.join("pages")).unwrap();
        std::fs::write(site.join("ritme.yaml"), "title: T\n").unwrap();
        for n in 0..40 {
            std::fs::write(
                site.join(format!("pages/p{n}.md")),
                format!("---\ntitle: P{n}\n---\nText {n}.\n"),
            )
            .unwrap();
        }
        let fresh = |label: &str, got: &crate::source::Sources| {
            let (want, _) = crate::source::discover(&site);
            assert_eq!(got.pages, want.pages, "{label}: the texts on disk");
            assert_eq!(got.config, want.config, "{label}");
        };
        let (first, read, written) = discover_into(&site, &out, true);
        assert_eq!((read, written), (41, SRC_SHARDS as usize), "nothing kept yet");
        fresh("first", &first);

        let (again, read, written) = discover_into(&site, &out, true);
        assert_eq!((read, written), (0, 0), "nothing changed: nothing read or written");
        fresh("again", &again);

        // Same size, new modification time.
        let a = site.join("pages/p1.md");
        std::fs::write(&a, "---\ntitle: P1\n---\nTekst 1\n").unwrap();
        let (edited, read, written) = discover_into(&site, &out, true);
        assert_eq!((read, written), (1, 1), "the edited file alone");
        fresh("same size", &edited);
        assert!(edited.pages.iter().any(|f| f.text.contains("Tekst 1")));

        // Same size and the modification time set back: the change time differs.
        let b = site.join("pages/p2.md");
        let was = std::fs::metadata(&b).unwrap().modified().unwrap();
        std::fs::write(&b, "---\ntitle: P2\n---\nTekst 2\n").unwrap();
        set_mtime(&b, was);
        assert_eq!(std::fs::metadata(&b).unwrap().modified().unwrap(), was);
        let (edited, read, _) = discover_into(&site, &out, true);
        assert_eq!(
            read, 1,
            "a file with its old modification time but a new change time is read"
        );
        fresh("same mtime", &edited);
        assert!(edited.pages.iter().any(|f| f.text.contains("Tekst 2")));

        // A file replaced by another (a rename over it) with the same size and times.
        let c = site.join("pages/p3.md");
        let old = std::fs::metadata(&c).unwrap().modified().unwrap();
        let tmp = site.join("p3.tmp");
        std::fs::write(&tmp, "---\ntitle: P3\n---\nTekst 3\n").unwrap();
        set_mtime(&tmp, old);
        std::fs::rename(&tmp, &c).unwrap();
        let (edited, read, _) = discover_into(&site, &out, true);
        assert_eq!(read, 1);
        fresh("renamed over", &edited);

        // Damaged shards (a flipped byte, a cut file, nonsense): their files are read again.
        let folder = sibling(&out, "ritme-src").unwrap();
        let shard = |n: u64| md_shard(&folder, n);
        let bytes = std::fs::read(shard(0)).unwrap();
        let mut flipped = bytes.clone();
        let mid = flipped.len() / 2;
        flipped[mid] ^= 1;
        std::fs::write(shard(0), flipped).unwrap();
        std::fs::write(shard(1), &std::fs::read(shard(1)).unwrap()[..10]).unwrap();
        std::fs::write(shard(2), b"nonsense").unwrap();
        let in_damaged = first
            .pages
            .iter()
            .map(|f| f.rel.as_str())
            .chain(["ritme.yaml"])
            .filter(|rel| src_shard_of(rel) < 3)
            .count();
        assert!(in_damaged > 0);
        let (after, read, written) = discover_into(&site, &out, true);
        assert_eq!((read, written), (in_damaged, 3), "only the damaged shards' files");
        fresh("damaged", &after);
        assert_eq!(discover_into(&site, &out, true).1, 0, "the shards are whole again");

        // Without the cache (--no-cache) every file is read, and the texts are kept anew.
        assert_eq!(discover_into(&site, &out, false).1, 41);
    }

    /// A file changed within the file system's time resolution before the
    /// build is not kept: a second write in the same tick would leave its
    /// stamp unchanged.
    #[test]
    fn a_file_changed_just_now_is_read_again_next_time() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        std::fs::create_dir_all(site.join("pages")).unwrap();
        std::fs::write(site.join("ritme.yaml"), "title: T\n").unwrap();
        std::fs::write(site.join("pages/a.md"), "A\n").unwrap();
        let mut cache = crate::source::FileCache::with_texts(
            Vec::new(),
            crate::fingerprint::walk(&site, &dir.path().join("public"), &[]).stamps,
        );
        let (sources, _) = crate::source::discover_cached(&site, Some(&mut cache));
        let now = std::time::SystemTime::now();
        let settle = std::time::Duration::from_secs(2);
        assert!(cache.texts(&sources, now, settle).is_empty(), "written just now");
        let later = now + std::time::Duration::from_secs(3);
        assert_eq!(cache.texts(&sources, later, settle).len(), 2, "settled");
    }

    /// The cache as a build sees it once it holds the output's lock.
    fn load_now(out: &Path) -> Previous {
        let mut staging = crate::output::Staging::open(out, false).unwrap();
        load(out, &mut staging)
    }

    fn keys(pairs: &[(&str, u64)]) -> Vec<(String, u64)> {
        pairs.iter().map(|(r, k)| (r.to_string(), *k)).collect()
    }

    /// An output folder holding pages `a` and `b` with keys 1 and 2 recorded.
    fn recorded() -> (tempfile::TempDir, std::path::PathBuf, [OutputFile; 2]) {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let files = [
            OutputFile::new("a/index.html", "A"),
            OutputFile::new("b/index.html", "B"),
        ];
        let written = write_site(&out, &files, &[], false).unwrap();
        record(&out, &keys(&[("a/index.html", 1), ("b/index.html", 2)]), &written);
        (tmp, out, files)
    }

    fn words() -> crate::search::WordCache {
        crate::search::WordCache {
            vocabulary: vec!["opvolgen".into(), "bellen".into(), "één".into()],
            docs: [(7, vec![(0, 9), (2, 1)]), (3, vec![(1, 2)])].into_iter().collect(),
        }
    }

    #[test]
    fn front_matter_is_read_back_as_recorded_and_damage_empties_it() {
        use crate::content::{FrontMatter, PageMeta, Status};
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let front = FrontMatter {
            pages: [
                (
                    5,
                    PageMeta {
                        title: Some("Één".into()),
                        summary: None,
                        weight: Some(-7),
                        owner: Some("Els".into()),
                        status: Status::Draft,
                        review_by: chrono::NaiveDate::from_ymd_opt(2026, 2, 28),
                    },
                ),
                (9, PageMeta::default()),
            ]
            .into_iter()
            .collect(),
            ..Default::default()
        };
        assert_eq!(load_front_matter(&out), FrontMatter::default(), "nothing recorded yet");
        record_front_matter(&out, &front);
        assert_eq!(load_front_matter(&out), front);
        let file = sibling(&out, "ritme-front").unwrap();
        let good = std::fs::read(&file).unwrap();
        for cut in [1, good.len() / 2, good.len() - 1] {
            std::fs::write(&file, &good[..cut]).unwrap();
            assert_eq!(load_front_matter(&out), FrontMatter::default(), "cut at {cut}");
        }
        for at in 0..good.len() {
            let mut bad = good.clone();
            bad[at] ^= 0x04;
            std::fs::write(&file, &bad).unwrap();
            assert_eq!(load_front_matter(&out), FrontMatter::default(), "byte {at} changed");
        }
    }

    #[test]
    fn word_counts_are_read_back_as_recorded() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        assert_eq!(load_words(&out), Default::default(), "nothing recorded yet");
        record_words(&out, &words());
        assert_eq!(load_words(&out), words());
    }

    #[test]
    fn damaged_word_counts_are_an_empty_cache() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        record_words(&out, &words());
        let file = sibling(&out, "ritme-words").unwrap();
        let good = std::fs::read(&file).unwrap();
        // Cut anywhere, or any byte of it changed: never read as another cache.
        for cut in [1, 8, good.len() / 2, good.len() - 1] {
            std::fs::write(&file, &good[..cut]).unwrap();
            assert_eq!(load_words(&out), Default::default(), "cut at {cut}");
        }
        for at in 0..good.len() {
            let mut bad = good.clone();
            bad[at] ^= 0x10;
            std::fs::write(&file, &bad).unwrap();
            assert_eq!(load_words(&out), Default::default(), "byte {at} changed");
        }
        std::fs::write(&file, &good).unwrap();
        assert_eq!(load_words(&out), words());
    }

    #[test]
    fn a_recorded_page_is_kept_only_with_its_key() {
        let (_tmp, out, _) = recorded();
        let prev = load_now(&out);
        assert!(prev.kept("a/index.html", 1).is_some());
        assert_eq!(prev.kept("a/index.html", 9), None, "another key renders again");
        assert_eq!(prev.kept("c/index.html", 1), None);
    }

    #[test]
    fn a_page_changed_or_removed_behind_our_back_is_not_trusted() {
        let (_tmp, out, files) = recorded();
        // Another build wrote different bytes for `a` (its manifest says so);
        // someone deleted `b`.
        write_site(
            &out,
            &[OutputFile::new("a/index.html", "A2"), files[1].clone()],
            &[],
            false,
        )
        .unwrap();
        std::fs::remove_file(out.join("b/index.html")).unwrap();
        std::fs::remove_file(sibling(&out, "ritme-prev").unwrap().join("b/index.html")).unwrap();
        let prev = load_now(&out);
        assert_eq!(prev.kept("a/index.html", 1), None);
        assert_eq!(prev.kept("b/index.html", 2), None);
    }

    #[test]
    fn a_page_gone_from_the_output_but_in_the_sibling_is_kept_from_there() {
        let (_tmp, out, files) = recorded();
        // A second build of the same bytes: both folders hold `a` and `b`.
        let written = write_site(&out, &files, &[], false).unwrap();
        record(&out, &keys(&[("a/index.html", 1), ("b/index.html", 2)]), &written);
        std::fs::remove_file(out.join("b/index.html")).unwrap();
        let mut staging = crate::output::Staging::open(&out, false).unwrap();
        let prev = load(&out, &mut staging);
        let hash = prev.kept("b/index.html", 2).expect("the sibling holds b's bytes");
        let kept = [crate::output::KeptFile {
            path: "b/index.html".into(),
            hash,
        }];
        let a = staging.put("a/index.html", b"A").unwrap();
        staging.finish(vec![a], &kept).unwrap();
        assert_eq!(std::fs::read_to_string(out.join("b/index.html")).unwrap(), "B");
    }

    #[test]
    fn keys_recorded_after_another_build_replaced_the_output_are_not_trusted() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        // Build A writes, then build B (other input) swaps in before A records.
        let a = write_site(&out, &[OutputFile::new("a/index.html", "A")], &[], false).unwrap();
        write_site(&out, &[OutputFile::new("a/index.html", "B")], &[], false).unwrap();
        record(&out, &keys(&[("a/index.html", 1)]), &a);
        assert_eq!(
            load_now(&out).kept("a/index.html", 1),
            None,
            "A's key must not vouch for B's bytes"
        );
    }

    fn outline(kept: &Kept) -> &Outline {
        match kept {
            Kept::Outline(o) => o,
            Kept::Whole(_) => panic!("the cache beside the output keeps outlines"),
        }
    }

    #[test]
    fn markdown_comes_back_as_it_was_recorded_and_damage_empties_it() {
        use crate::markdown::{AnchorLink, Rendered, TocEntry};
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let doc = Rendered {
            html: "<h2 id=\"a\">Ä</h2>".into(),
            toc: vec![TocEntry {
                level: 2,
                id: "a".into(),
                title: "Ä".into(),
            }],
            anchors: ["a".to_string()].into(),
            anchor_links: vec![AnchorLink {
                target_route: "b/index.html".into(),
                anchor: "x".into(),
                line: 7,
                column: 3,
                written: "b.md#x".into(),
            }],
            first_paragraph: "eerste".into(),
            text: "alles".into(),
            ..Default::default()
        };
        let written = record_markdown(&out, [(42, &doc), (7, &Rendered::default())].into_iter(), &[]);
        assert_eq!(written, MD_SHARDS as usize, "a first build writes every shard");
        let back = load_markdown(&out);
        assert_eq!(back.docs.len(), 2);
        let want = Outline {
            toc: doc.toc.clone(),
            anchors: doc.anchors.clone(),
            anchor_links: doc.anchor_links.clone(),
            first_paragraph: doc.first_paragraph.clone(),
        };
        assert_eq!(
            outline(&back.docs[&42]),
            &want,
            "the outline, and neither HTML nor text"
        );
        let file = md_shard(&sibling(&out, "ritme-md").unwrap(), 42 % MD_SHARDS);
        let bytes = std::fs::read(&file).unwrap();
        std::fs::write(&file, &bytes[..bytes.len() - 3]).unwrap();
        let cut = load_markdown(&out);
        assert!(!cut.docs.contains_key(&42), "a cut shard is no cache");
        assert!(cut.docs.contains_key(&7), "the other shards are still good");
        // A byte of a title or the first paragraph changed still parses: the checksum
        // makes it no cache rather than another page.
        for at in [bytes.len() / 2, bytes.len() - 10] {
            let mut bad = bytes.clone();
            bad[at] ^= 0x01;
            std::fs::write(&file, bad).unwrap();
            assert!(!load_markdown(&out).docs.contains_key(&42), "byte {at} changed");
        }
        std::fs::write(&file, &bytes).unwrap();
        assert_eq!(outline(&load_markdown(&out).docs[&42]), &want, "whole again");
        std::fs::write(&file, b"ritme-md 2 0000000000000000\n").unwrap();
        assert!(
            !load_markdown(&out).docs.contains_key(&42),
            "another binary's is no cache"
        );
    }

    #[test]
    fn a_changed_document_rewrites_only_its_shards() {
        use crate::markdown::Rendered;
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let docs: Vec<(u64, Rendered)> = (0..500u64)
            .map(|k| {
                (
                    k * 7919,
                    Rendered {
                        first_paragraph: format!("{k}"),
                        ..Default::default()
                    },
                )
            })
            .collect();
        record_markdown(&out, docs.iter().map(|(k, d)| (*k, d)), &[]);
        let loaded = load_markdown(&out);
        assert_eq!(loaded.docs.len(), 500);
        let again = record_markdown(&out, docs.iter().map(|(k, d)| (*k, d)), &loaded.shards);
        assert_eq!(again, 0, "nothing changed: nothing written");
        // One document edited: its key changes, so it leaves one shard for another.
        let mut edited = docs.clone();
        edited[3] = (
            123_456_789,
            Rendered {
                first_paragraph: "new".into(),
                ..Default::default()
            },
        );
        let written = record_markdown(&out, edited.iter().map(|(k, d)| (*k, d)), &loaded.shards);
        assert!(written <= 2, "{written} shards written");
        let back = load_markdown(&out);
        assert_eq!(back.docs.len(), 500);
        assert_eq!(outline(&back.docs[&123_456_789]).first_paragraph, "new");
        assert!(!back.docs.contains_key(&(3 * 7919)));
    }

    #[test]
    fn staged_markdown_is_used_only_once_committed() {
        use crate::markdown::Rendered;
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let doc = |first: &str| Rendered {
            first_paragraph: first.into(),
            ..Default::default()
        };
        let (old, new) = (doc("old"), doc("new"));
        record_markdown(&out, [(1, &old)].into_iter(), &[]);
        let loaded = load_markdown(&out);

        let staged = stage_markdown(&out, [(2, &new)].into_iter(), &loaded.shards);
        let before = load_markdown(&out);
        assert!(
            before.docs.contains_key(&1) && !before.docs.contains_key(&2),
            "staged is not yet used"
        );
        staged.discard();
        let folder = sibling(&out, "ritme-md").unwrap();
        let names: Vec<String> = std::fs::read_dir(&folder)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(names.iter().all(|n| !n.ends_with(".new")), "{names:?}");
        let after_failure = load_markdown(&out);
        assert!(after_failure.docs.contains_key(&1) && !after_failure.docs.contains_key(&2));

        let staged = stage_markdown(&out, [(2, &new)].into_iter(), &loaded.shards);
        assert_eq!(staged.commit(), 2, "shard 1 emptied and shard 2 filled");
        let back = load_markdown(&out);
        assert_eq!(back.docs.len(), 1);
        assert_eq!(outline(&back.docs[&2]).first_paragraph, "new");
    }

    #[test]
    fn a_damaged_cache_is_an_empty_one() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        write_site(&out, &[OutputFile::new("a/index.html", "A")], &[], false).unwrap();
        for junk in ["", "ritme-cache 1 zz\n", "garbage\n0 0 ../x\n"] {
            std::fs::write(path(&out).unwrap(), junk).unwrap();
            assert!(load_now(&out).pages.is_empty(), "{junk:?}");
        }
        let written = crate::output::manifest(&out).unwrap();
        record(&out, &keys(&[("a/index.html", 1)]), &written);
        let text = std::fs::read_to_string(path(&out).unwrap()).unwrap();
        std::fs::write(
            path(&out).unwrap(),
            format!("{text}zz zz a/index.html\n0 0 ../../etc/passwd\n"),
        )
        .unwrap();
        let prev = load_now(&out);
        assert_eq!(prev.pages.len(), 1, "only the sound line is used: {:?}", prev.pages);
    }
}
