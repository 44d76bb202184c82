//! Discovery: the only stage that reads the site folder.
//!
//! It walks the known folders of a site (README, "The site folder" and "Team data"), reads every
//! file into memory and classifies it. Everything after this works on
//! [`Sources`] alone, which keeps the later stages pure and lets `serve`
//! rebuild from memory. Files that cannot be trusted — symlinks that lead
//! out of the site, text that is not UTF-8, absurdly large inputs — become
//! diagnostics here, before any parser sees them.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::diagnostics::{Diagnostic, Diagnostics};

/// Every text file of a [`Sources`] in one order, borrowed (`iter`) or
/// taken (`into_iter`): a kind of file added to `Sources` is added here
/// once and reaches every cache of texts.
macro_rules! text_files {
    ($s:expr, $each:ident) => {
        $s.config
            .$each()
            .chain($s.index.$each())
            .chain($s.behaviours.$each())
            .chain($s.guides.$each())
            .chain($s.stories.$each())
            .chain($s.reports.$each())
            .chain($s.pages.$each())
            .chain($s.templates.$each())
            .chain($s.i18n.$each())
            .chain($s.data.team.$each())
            .chain($s.data.logs.$each())
            .chain($s.data.coaching.$each())
            .chain($s.data.outcomes.$each())
    };
}

/// Largest text input accepted. Playbook pages and a year of logs are a few
/// hundred kilobytes; this bound keeps a mistaken 100 MB file from eating
/// time and memory.
pub const MAX_TEXT_BYTES: u64 = 8 * 1024 * 1024;
/// Largest file under `data/`. Team data grows with the programme, not with
/// the writing: a CRM export of 20,000 people's monthly outcomes is one
/// 13 MB file, so 64 MB fits programmes several times that size while a
/// runaway file is still refused before it is read.
pub const MAX_DATA_BYTES: u64 = 64 * 1024 * 1024;
/// Largest static file copied to the output.
pub const MAX_STATIC_BYTES: u64 = 64 * 1024 * 1024;

/// A text file of the site, relative to the site folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// Path relative to the site folder, `/`-separated (also the name used in diagnostics).
    pub rel: String,
    pub text: String,
}

/// A binary file copied as-is (site `static/`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaticFile {
    /// Path relative to `static/`, `/`-separated.
    pub rel: String,
    pub bytes: Vec<u8>,
}

/// Every input of a build, read and classified.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    pub root: PathBuf,
    pub config: Option<SourceFile>,
    pub index: Option<SourceFile>,
    pub behaviours: Vec<SourceFile>,
    pub guides: Vec<SourceFile>,
    pub stories: Vec<SourceFile>,
    pub reports: Vec<SourceFile>,
    pub pages: Vec<SourceFile>,
    pub data: DataSources,
    /// Site template overrides, by template name (`behaviour.html`, …).
    pub templates: Vec<SourceFile>,
    /// Site interface strings (`i18n/LANG.yaml`) that replace the theme's.
    pub i18n: Vec<SourceFile>,
    pub static_files: Vec<StaticFile>,
}

impl Sources {
    /// How many text files were read (everything but the static files).
    pub fn text_files(&self) -> usize {
        text_files!(self, iter).count()
    }

    /// Drops the text of the Markdown files once their documents are
    /// parsed (which copies what they need): a build that keeps no memo
    /// for the next one never reads it again.
    pub fn drop_markdown_texts(&mut self) {
        let docs = self
            .behaviours
            .iter_mut()
            .chain(&mut self.guides)
            .chain(&mut self.stories);
        let docs = docs
            .chain(&mut self.reports)
            .chain(&mut self.pages)
            .chain(&mut self.index);
        for f in docs {
            f.text = String::new();
        }
    }
}

/// The YAML files under `data/`.
#[derive(Debug, Clone, Default)]
pub struct DataSources {
    pub team: Option<SourceFile>,
    pub logs: Vec<SourceFile>,
    pub coaching: Vec<SourceFile>,
    pub outcomes: Option<SourceFile>,
}

/// Reads the site folder. Problems with individual files are collected and
/// returned beside what could be read, so later stages can report theirs too.
pub fn discover(root: &Path) -> (Sources, Diagnostics) {
    discover_cached(root, None)
}

/// What a file looked like when it was read: a file whose size, modification
/// and change times (and place on the disk) are the same has not been written
/// since (the change time cannot be set back by a program, unlike the
/// modification time).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Stamp {
    pub len: u64,
    /// Seconds and nanoseconds since the epoch.
    pub modified: (i64, i64),
    pub changed: (i64, i64),
    /// Device and inode: a file put in another's place (a rename over it) is another file.
    pub file: (u64, u64),
}

impl Stamp {
    pub fn of(meta: &fs::Metadata) -> Stamp {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt as _;
            Stamp {
                len: meta.len(),
                modified: (meta.mtime(), meta.mtime_nsec()),
                changed: (meta.ctime(), meta.ctime_nsec()),
                file: (meta.dev(), meta.ino()),
            }
        }
        #[cfg(not(unix))]
        {
            let modified = meta
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or((-1, -1), |d| (d.as_secs() as i64, i64::from(d.subsec_nanos())));
            Stamp {
                len: meta.len(),
                modified,
                changed: (0, 0),
                file: (0, 0),
            }
        }
    }
}

/// One entry of the site folder as a walk of it found it (see
/// [`FileCache::with_listing`]).
#[derive(Debug, Clone)]
pub struct Listed {
    /// Site-relative, `/`-separated.
    rel: String,
    kind: Kind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    File,
    Folder,
    Link,
    Other,
}

impl Listed {
    pub fn new(rel: String, file_type: fs::FileType) -> Listed {
        let kind = if file_type.is_symlink() {
            Kind::Link
        } else if file_type.is_dir() {
            Kind::Folder
        } else if file_type.is_file() {
            Kind::File
        } else {
            Kind::Other
        };
        Listed { rel, kind }
    }
}

/// A file as last read.
enum Payload {
    Text(String),
    Binary(Vec<u8>),
}

/// The files of the last build, kept by `serve` so that a rebuild reads
/// only what changed: a file whose [`Stamp`] is unchanged and that the
/// watcher did not name is taken from here. Entries are moved out when
/// used and put back by [`FileCache::keep`], so nothing is copied.
#[derive(Default)]
pub struct FileCache {
    entries: Mutex<HashMap<String, (Stamp, Payload)>>,
    /// What each file read by this build looked like before it was read.
    seen: Mutex<HashMap<String, Stamp>>,
    /// Files the watcher reported changed since the last build: read again
    /// whatever their stamp says (a write within the clock's resolution).
    dirty: HashSet<PathBuf>,
    /// Files this build read from disk.
    reads: AtomicUsize,
    /// Files this build looked at on disk (stat'ed or read).
    examined: AtomicUsize,
    /// Stamps already taken by this build (the fingerprint's walk, which
    /// stats every file of the site), used instead of a second stat.
    known: HashMap<String, Stamp>,
    /// Every entry of the site folder in walk order, from the fingerprint's
    /// walk of this build: the folders are not walked a second time.
    listing: Option<Vec<Listed>>,
}

impl FileCache {
    /// A cache of files read by an earlier build, as (site-relative path,
    /// stamp when read, text); `known` are the stamps this build has
    /// already taken, by site-relative path.
    pub fn with_texts(texts: Vec<(String, Stamp, String)>, known: HashMap<String, Stamp>) -> FileCache {
        FileCache {
            entries: Mutex::new(
                texts
                    .into_iter()
                    .map(|(rel, stamp, text)| (rel, (stamp, Payload::Text(text))))
                    .collect(),
            ),
            known,
            ..Default::default()
        }
    }

    /// The cache, taking the folders' entries from `listing` (a walk of the
    /// whole site folder by this build, hidden entries left out) instead of
    /// walking them again.
    pub fn with_listing(self, listing: Option<Vec<Listed>>) -> FileCache {
        FileCache { listing, ..self }
    }

    /// Every text file of `sources` this build read or took from here,
    /// with its stamp from before it was read: what a later build may take
    /// instead of reading it. A file changed in the last `settle` before
    /// `now` is left out: a second write within the clock's resolution
    /// would give it the same stamp, so it is read again next time.
    pub fn texts<'a>(
        &self,
        sources: &'a Sources,
        now: std::time::SystemTime,
        settle: std::time::Duration,
    ) -> Vec<(&'a str, Stamp, &'a str)> {
        let seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        let limit = now
            .checked_sub(settle)
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or((0, 0), |d| (d.as_secs() as i64, i64::from(d.subsec_nanos())));
        let texts = text_files!(sources, iter);
        texts
            .filter_map(|f| {
                let stamp = *seen.get(&f.rel)?;
                (stamp.changed < limit && stamp.modified < limit).then_some((f.rel.as_str(), stamp, f.text.as_str()))
            })
            .collect()
    }

    /// Marks files as changed (absolute paths, as the watcher reports them).
    pub fn mark_dirty(&mut self, paths: impl IntoIterator<Item = PathBuf>) {
        self.dirty.extend(paths);
    }

    /// How many files the last [`discover_cached`] read from disk.
    pub fn reads(&self) -> usize {
        self.reads.load(Ordering::Relaxed)
    }

    /// How many files the last [`discover_cached`] looked at on disk.
    pub fn examined(&self) -> usize {
        self.examined.load(Ordering::Relaxed)
    }

    /// The files the watcher reported changed since the last build.
    pub fn dirty(&self) -> &HashSet<PathBuf> {
        &self.dirty
    }

    /// Records what a file looked like when a rebuild read it outside
    /// [`discover_cached`] (a body edit), so that the next full rebuild
    /// takes it from here.
    pub fn saw(&self, rel: &str, meta: &fs::Metadata) {
        self.seen
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(rel.to_string(), Stamp::of(meta));
    }

    /// Forgets the watcher's reports (a rebuild has read those files), and
    /// records that the rebuild read and looked at `n` files.
    pub fn clear_dirty(&mut self, n: usize) {
        self.dirty.clear();
        self.reads.store(n, Ordering::Relaxed);
        self.examined.store(n, Ordering::Relaxed);
    }

    /// Takes back the files of a build for the next one.
    pub fn keep(&mut self, mut sources: Sources) {
        let seen = std::mem::take(self.seen.get_mut().unwrap_or_else(|e| e.into_inner()));
        let entries = self.entries.get_mut().unwrap_or_else(|e| e.into_inner());
        entries.clear();
        let mut put = |rel: String, payload: Payload| {
            if let Some(stamp) = seen.get(&rel) {
                entries.insert(rel, (*stamp, payload));
            }
        };
        let static_files = std::mem::take(&mut sources.static_files);
        let texts = text_files!(sources, into_iter);
        for f in texts {
            put(f.rel, Payload::Text(f.text));
        }
        for f in static_files {
            put(format!("static/{}", f.rel), Payload::Binary(f.bytes));
        }
    }

    /// The file's last text or bytes, if it has not changed since; records
    /// the stamp of a file about to be read.
    /// The stamp of `rel` when this build's walk saw it as a plain file
    /// (not a link): reading it needs no second look at what it is.
    fn regular(&self, rel: &str) -> Option<Stamp> {
        self.known.get(rel).copied()
    }

    fn take(&self, path: &Path, rel: &str) -> Option<Payload> {
        let stamp = match self.known.get(rel) {
            Some(stamp) => *stamp,
            None => {
                self.examined.fetch_add(1, Ordering::Relaxed);
                let meta = fs::symlink_metadata(path).ok()?;
                if !meta.file_type().is_file() {
                    return None; // links are checked on every read
                }
                Stamp::of(&meta)
            }
        };
        self.seen
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(rel.to_string(), stamp);
        if self.dirty.contains(path) {
            return None;
        }
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        match entries.remove(rel) {
            Some((was, payload)) if was == stamp => Some(payload),
            _ => None,
        }
    }
}

/// [`discover`], taking unchanged files from `cache` (see [`FileCache`]).
pub fn discover_cached(root: &Path, cache: Option<&mut FileCache>) -> (Sources, Diagnostics) {
    let mut cache = cache;
    if let Some(c) = cache.as_deref_mut() {
        c.reads.store(0, Ordering::Relaxed);
        c.examined.store(0, Ordering::Relaxed);
        c.seen.get_mut().unwrap_or_else(|e| e.into_inner()).clear();
        // Watcher paths are canonical; so are the ones looked up.
        c.dirty = c
            .dirty
            .iter()
            .map(|p| p.canonicalize().unwrap_or_else(|_| p.clone()))
            .collect();
    }
    let (sources, diags) = discover_with(root, cache.as_deref());
    if let Some(c) = cache {
        c.dirty.clear();
    }
    (sources, diags)
}

fn discover_with(root: &Path, cache: Option<&FileCache>) -> (Sources, Diagnostics) {
    let mut diags = Diagnostics::new();
    if !root.is_dir() {
        diags.push(
            Diagnostic::error(root.display().to_string(), "site folder not found")
                .with_hint("pass the folder that holds ritme.yaml, or create one with `ritme new DIR`"),
        );
        return (Sources::default(), diags);
    }
    let canonical_root = fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let reader = Reader {
        root,
        canonical_root: &canonical_root,
        cache,
    };
    let mut s = Sources {
        root: root.to_path_buf(),
        ..Sources::default()
    };

    s.config = reader.optional_text(crate::config::FILE, &mut diags);
    if s.config.is_none() && !root.join(crate::config::FILE).exists() {
        diags.push(
            Diagnostic::error(crate::config::FILE, "no ritme.yaml in the site folder")
                .with_hint("is this a ritme site? `ritme new DIR` writes a working example"),
        );
    }
    s.index = reader.optional_text("index.md", &mut diags);
    s.behaviours = reader.texts("behaviours", &["md"], &mut diags);
    s.guides = reader.texts("coaching", &["md"], &mut diags);
    s.stories = reader.texts("stories", &["md"], &mut diags);
    s.reports = reader.texts("reports", &["md"], &mut diags);
    s.pages = reader.texts("pages", &["md"], &mut diags);
    s.templates = reader.texts("templates", &["html", "xml", "txt", "css", "js", "svg"], &mut diags);
    s.i18n = reader.texts("i18n", &["yaml", "yml"], &mut diags);

    // Optional: a programme that has written its playbook and logs nothing
    // yet builds a playbook site. Logs without it name unknown people.
    s.data.team = reader.optional_text("data/team.yaml", &mut diags);
    s.data.logs = reader.texts("data/logs", &["yaml", "yml"], &mut diags);
    s.data.coaching = reader.texts("data/coaching", &["yaml", "yml"], &mut diags);
    if let Some(single) = reader.optional_text("data/coaching.yaml", &mut diags) {
        s.data.coaching.push(single);
    }
    s.data.outcomes = reader.optional_text("data/outcomes.yaml", &mut diags);
    s.static_files = reader.binaries("static", &mut diags);

    (s, diags)
}

/// One file of the site by its site-relative path (a logo named in
/// `ritme.yaml`), read under the same rules as every other input.
pub fn read_file(root: &Path, rel: &str) -> Result<Vec<u8>, Diagnostics> {
    let canonical_root = fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let reader = Reader {
        root,
        canonical_root: &canonical_root,
        cache: None,
    };
    let mut diags = Diagnostics::new();
    let path = root.join(rel);
    let inside = fs::canonicalize(&path).is_ok_and(|t| t.starts_with(&canonical_root));
    if !path.is_file() || !inside {
        diags.push(Diagnostic::error(rel, "file not found in the site folder"));
        return Err(diags);
    }
    reader.read_bounded(&path, rel, MAX_STATIC_BYTES).map_err(|d| {
        diags.push(d);
        diags
    })
}

/// One text file of the site by its site-relative path, read under the
/// same rules as in [`discover`] (no link out of the site, size bound,
/// UTF-8, byte-order mark dropped).
pub fn read_text(root: &Path, rel: &str) -> Result<SourceFile, Diagnostic> {
    let canonical_root = fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let reader = Reader {
        root,
        canonical_root: &canonical_root,
        cache: None,
    };
    reader.read_text(&root.join(rel), rel.to_string())
}

struct Reader<'a> {
    root: &'a Path,
    canonical_root: &'a Path,
    cache: Option<&'a FileCache>,
}

impl Reader<'_> {
    fn optional_text(&self, rel: &str, diags: &mut Diagnostics) -> Option<SourceFile> {
        let path = self.root.join(rel);
        if fs::symlink_metadata(&path).is_err() {
            return None;
        }
        self.read_text(&path, rel.to_string()).map_err(|d| diags.push(d)).ok()
    }

    /// Text files under `dir` with one of `exts`, sorted by path so that
    /// every later stage sees them in the same order on every machine.
    /// Read in parallel: on large sites the reading is mostly system calls
    /// per file, which both cores can wait on.
    fn texts(&self, dir: &str, exts: &[&str], diags: &mut Diagnostics) -> Vec<SourceFile> {
        let found: Vec<(PathBuf, String)> = self
            .walk(dir, diags)
            .into_iter()
            .filter(|(_, rel)| has_ext(rel, exts))
            .collect();
        let read: Vec<Result<SourceFile, Diagnostic>> = found
            .into_par_iter()
            .map(|(path, rel)| self.read_text(&path, rel))
            .collect();
        kept_reporting(read, diags)
    }

    fn binaries(&self, dir: &str, diags: &mut Diagnostics) -> Vec<StaticFile> {
        let prefix = format!("{dir}/");
        let read: Vec<Result<StaticFile, Diagnostic>> = self
            .walk(dir, diags)
            .into_par_iter()
            .map(|(path, rel)| {
                let cached = self.cache.and_then(|c| match c.take(&self.canonical(&path), &rel) {
                    Some(Payload::Binary(bytes)) => Some(bytes),
                    _ => {
                        c.reads.fetch_add(1, Ordering::Relaxed);
                        None
                    }
                });
                let bytes = match cached {
                    Some(b) => b,
                    None => self.read_bounded(&path, &rel, MAX_STATIC_BYTES)?,
                };
                Ok(StaticFile {
                    rel: rel.strip_prefix(&prefix).unwrap_or(&rel).to_string(),
                    bytes,
                })
            })
            .collect();
        kept_reporting(read, diags)
    }

    /// Files under `dir` (recursively), as (path, site-relative name).
    /// Hidden files (`.git`, editor swap files) are skipped.
    fn walk(&self, dir: &str, diags: &mut Diagnostics) -> Vec<(PathBuf, String)> {
        if let Some(listing) = self.cache.and_then(|c| c.listing.as_deref()) {
            // A folder that is a link (or lies under one) was not walked
            // into: it is walked here.
            if let Some(at) = listing.iter().position(|e| e.rel == dir && e.kind == Kind::Folder) {
                let mut out = Vec::new();
                let prefix = format!("{dir}/");
                for e in listing[at + 1..].iter().take_while(|e| e.rel.starts_with(&prefix)) {
                    let path = self.root.join(&e.rel);
                    match e.kind {
                        Kind::Link => self.link(path, e.rel.clone(), &mut out, diags),
                        Kind::File => out.push((path, e.rel.clone())),
                        Kind::Folder | Kind::Other => {}
                    }
                }
                return out;
            }
        }
        let base = self.root.join(dir);
        if !base.is_dir() {
            return Vec::new();
        }
        let mut out = Vec::new();
        let walker = WalkDir::new(&base)
            .follow_links(false)
            .sort_by(by_file_name)
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
        for entry in walker {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    let rel = e.path().map(|p| self.rel_name(p)).unwrap_or_else(|| dir.to_string());
                    diags.push(Diagnostic::error(rel, format!("cannot read: {e}")));
                    continue;
                }
            };
            let rel = self.rel_name(entry.path());
            if entry.path_is_symlink() {
                self.link(entry.path().to_path_buf(), rel, &mut out, diags);
                continue;
            }
            if entry.file_type().is_file() {
                out.push((entry.path().to_path_buf(), rel));
            }
        }
        out
    }

    /// A symbolic link found in a folder: kept when it leads to a file
    /// inside the site; one that leads out of it or nowhere is reported.
    fn link(&self, path: PathBuf, rel: String, out: &mut Vec<(PathBuf, String)>, diags: &mut Diagnostics) {
        match fs::canonicalize(&path) {
            Ok(target) if target.starts_with(self.canonical_root) => {
                if target.is_file() {
                    out.push((path, rel));
                }
            }
            Ok(_) => diags.push(
                Diagnostic::error(rel, "symbolic link points outside the site folder")
                    .with_hint("ritme never reads files outside the site; copy the file in instead"),
            ),
            Err(_) => diags.push(Diagnostic::error(rel, "symbolic link points to nothing")),
        }
    }

    fn read_text(&self, path: &Path, rel: String) -> Result<SourceFile, Diagnostic> {
        let mut walked = None;
        if let Some(cache) = self.cache {
            match cache.take(&self.canonical(path), &rel) {
                Some(Payload::Text(text)) => return Ok(SourceFile { rel, text }),
                _ => {
                    cache.reads.fetch_add(1, Ordering::Relaxed);
                }
            }
            walked = cache.regular(&rel);
        }
        let limit = if rel.starts_with("data/") {
            MAX_DATA_BYTES
        } else {
            MAX_TEXT_BYTES
        };
        // A file the walk saw as a plain file is opened without following
        // a link (one made since then fails to open, and takes the way
        // below) and sized by the walk's stamp: two system calls fewer per
        // file, of the six a clean build spent on each.
        let plain = walked.and_then(|stamp| self.read_plain(path, &rel, limit, stamp.len).transpose());
        let bytes = match plain {
            Some(read) => read?,
            None => {
                let is_link = fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
                let inside = || fs::canonicalize(path).is_ok_and(|t| t.starts_with(self.canonical_root));
                if is_link && !inside() {
                    return Err(Diagnostic::error(rel, "symbolic link points outside the site folder")
                        .with_hint("ritme never reads files outside the site; copy the file in instead"));
                }
                self.read_bounded(path, &rel, limit)?
            }
        };
        match String::from_utf8(bytes) {
            Ok(mut text) => {
                // A byte-order mark from Windows editors is not content.
                if text.starts_with('\u{feff}') {
                    text.drain(..3);
                }
                Ok(SourceFile { rel, text })
            }
            Err(e) => {
                let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
                let line = valid.iter().filter(|b| **b == b'\n').count() + 1;
                let column = valid.iter().rev().take_while(|b| **b != b'\n').count() + 1;
                Err(Diagnostic::error(rel, "file is not valid UTF-8 text")
                    .at(line, column)
                    .with_hint("save the file as UTF-8 in your editor"))
            }
        }
    }

    /// The file's bytes, when it is no larger than `limit`. The size is
    /// taken from the open file, so a file swapped between the check and
    /// the read cannot slip past it, and no second lookup of the path is needed.
    fn read_bounded(&self, path: &Path, rel: &str, limit: u64) -> Result<Vec<u8>, Diagnostic> {
        let cannot = |e: std::io::Error| Diagnostic::error(rel, format!("cannot read: {e}"));
        let file = fs::File::open(path).map_err(cannot)?;
        let len = file.metadata().map_err(cannot)?.len();
        read_within(file, rel, limit, len)
    }

    /// [`Self::read_bounded`] for a file the walk saw as a plain file of
    /// `len` bytes; `None` when it is a link now.
    fn read_plain(&self, path: &Path, rel: &str, limit: u64, len: u64) -> Result<Option<Vec<u8>>, Diagnostic> {
        use std::os::unix::fs::OpenOptionsExt as _;
        let file = match fs::OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NOFOLLOW)
            .open(path)
        {
            Ok(f) => f,
            Err(e) if e.raw_os_error() == Some(libc::ELOOP) => return Ok(None),
            Err(e) => return Err(Diagnostic::error(rel, format!("cannot read: {e}"))),
        };
        read_within(file, rel, limit, len).map(Some)
    }

    /// `path` under the canonical root, as the watcher names it (no
    /// system call: the root was canonicalised once).
    fn canonical(&self, path: &Path) -> PathBuf {
        match path.strip_prefix(self.root) {
            Ok(rel) => self.canonical_root.join(rel),
            Err(_) => path.to_path_buf(),
        }
    }

    fn rel_name(&self, path: &Path) -> String {
        slash_path(path.strip_prefix(self.root).unwrap_or(path))
    }
}

/// The bytes of the open `file` of `rel`, `len` bytes by its last look,
/// when they are no more than `limit`: the look only sizes the buffer and
/// turns a file too large away early, as the read itself stops past the
/// limit, so a file swapped or grown since cannot slip past it.
fn read_within(mut file: fs::File, rel: &str, limit: u64, len: u64) -> Result<Vec<u8>, Diagnostic> {
    use std::io::Read as _;
    let too_large = |how: String| {
        Diagnostic::error(rel, format!("file is too large ({how})"))
            .with_hint("split it into smaller files, or move it out of the site folder")
    };
    if len > limit {
        return Err(too_large(format!(
            "{} MB; the limit is {} MB",
            len / 1_000_000,
            limit / 1_000_000
        )));
    }
    // One byte more than the file holds: the read that finds its end needs no buffer of its own.
    let mut bytes = Vec::with_capacity(len as usize + 1);
    file.by_ref()
        .take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Diagnostic::error(rel, format!("cannot read: {e}")))?;
    if bytes.len() as u64 > limit {
        return Err(too_large("it grew while it was read".into()));
    }
    Ok(bytes)
}

/// The order of the entries of one folder as a walk takes them: by file
/// name, as walkdir's `sort_by_file_name` orders them, but read off the
/// end of each path's bytes. `DirEntry::file_name` parses the path again
/// at every comparison: sorting the 1,250 files of each folder of a
/// 10,000-page site that way was a twentieth of a build after an edit.
pub fn by_file_name(a: &walkdir::DirEntry, b: &walkdir::DirEntry) -> std::cmp::Ordering {
    fn name(e: &walkdir::DirEntry) -> &[u8] {
        let bytes = e.path().as_os_str().as_encoded_bytes();
        match e.depth() {
            // The walk's root is named as it was given.
            0 => bytes,
            _ => &bytes[bytes.iter().rposition(|&c| c == b'/').map_or(0, |i| i + 1)..],
        }
    }
    name(a).cmp(name(b))
}

/// A site-relative path as ritme names files everywhere: `/` between its parts.
pub fn slash_path(rel: &Path) -> String {
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// The files that could be read, in order; the problems go to `diags`.
fn kept_reporting<T>(read: Vec<Result<T, Diagnostic>>, diags: &mut Diagnostics) -> Vec<T> {
    let mut out = Vec::with_capacity(read.len());
    for r in read {
        match r {
            Ok(f) => out.push(f),
            Err(d) => diags.push(d),
        }
    }
    out
}

fn has_ext(rel: &str, exts: &[&str]) -> bool {
    rel.rsplit_once('.')
        .is_some_and(|(_, ext)| exts.iter().any(|e| e.eq_ignore_ascii_case(ext)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn a_file_seen_as_plain_by_the_walk_but_a_link_out_now_is_still_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("site");
        fs::create_dir_all(root.join("pages")).unwrap();
        fs::write(tmp.path().join("secret.md"), "geheim").unwrap();
        fs::write(root.join("pages/a.md"), "# A\n").unwrap();
        let stamp = Stamp::of(&fs::symlink_metadata(root.join("pages/a.md")).unwrap());
        let cache = FileCache::with_texts(Vec::new(), HashMap::from([("pages/a.md".to_string(), stamp)]));
        let reader = Reader {
            root: &root,
            canonical_root: &fs::canonicalize(&root).unwrap(),
            cache: Some(&cache),
        };
        let plain = reader.read_text(&root.join("pages/a.md"), "pages/a.md".into()).unwrap();
        assert_eq!(plain.text, "# A\n");
        // Made a link out of the site after the walk looked at it.
        fs::remove_file(root.join("pages/a.md")).unwrap();
        symlink(tmp.path().join("secret.md"), root.join("pages/a.md")).unwrap();
        let err = reader
            .read_text(&root.join("pages/a.md"), "pages/a.md".into())
            .unwrap_err();
        assert!(err.to_string().contains("outside the site"), "{err}");
        // Grown past the limit since the walk: the read itself stops.
        fs::remove_file(root.join("pages/a.md")).unwrap();
        fs::write(root.join("pages/a.md"), vec![b'x'; MAX_TEXT_BYTES as usize + 10]).unwrap();
        let err = reader
            .read_text(&root.join("pages/a.md"), "pages/a.md".into())
            .unwrap_err();
        assert!(err.to_string().contains("too large"), "{err}");
    }

    #[test]
    fn a_walk_by_file_name_goes_in_walkdirs_own_order() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("site");
        for rel in [
            "b.md",
            "a.md",
            "a b.md",
            "a-b.md",
            "ab.md",
            "B.md",
            "é.md",
            "Z",
            "a/z.md",
            "a/a.md",
            "a b/x.md",
            "ä/ü/1.md",
            "ä/ü/10.md",
            "ä/ü/2.md",
        ] {
            let p = root.join(rel);
            fs::create_dir_all(p.parent().unwrap()).unwrap();
            fs::write(p, "x").unwrap();
        }
        let order = |walker: WalkDir| -> Vec<PathBuf> { walker.into_iter().map(|e| e.unwrap().into_path()).collect() };
        let ours = order(WalkDir::new(&root).sort_by(by_file_name));
        assert_eq!(ours, order(WalkDir::new(&root).sort_by_file_name()));
        assert_eq!(ours.len(), 19);
    }

    /// A site with nested folders, hidden files, a folder and files linked
    /// from inside, a link out of the site and one to nothing.
    fn site_with_links(dir: &Path) -> PathBuf {
        let site = dir.join("site");
        let write = |rel: &str, text: &str| {
            let p = site.join(rel);
            fs::create_dir_all(p.parent().unwrap()).unwrap();
            fs::write(p, text).unwrap();
        };
        write("ritme.yaml", "title: T\n");
        write("pages/a.md", "# A\n");
        write("pages/deep/er/b.md", "# B\n");
        write("pages/deep/c.txt", "not a page\n");
        write("pages/.hidden.md", "# hidden\n");
        write("pages/.git/d.md", "# hidden folder\n");
        write("pages-more/e.md", "# beside pages/, not in it\n");
        write("stories/s.md", "# S\n");
        write("static/logo.svg", "<svg/>");
        write("static/css/x.css", "a{}");
        write("data/logs/2026-w01.yaml", "week: 2026-W01\n");
        fs::write(dir.join("outside.md"), "# out\n").unwrap();
        symlink(site.join("pages/a.md"), site.join("pages/link-in.md")).unwrap();
        symlink(dir.join("outside.md"), site.join("pages/link-out.md")).unwrap();
        symlink(site.join("nowhere.md"), site.join("pages/link-none.md")).unwrap();
        symlink(site.join("stories"), site.join("pages/linked-folder")).unwrap();
        site
    }

    fn shown(sources: &Sources, diags: &Diagnostics) -> String {
        format!("{sources:?}\n{:?}", diags.iter().collect::<Vec<_>>())
    }

    /// Discovery taking the folders' entries from the fingerprint's walk
    /// finds what its own walk of each folder finds: the same files in the
    /// same order, the same links kept and the same ones reported.
    #[test]
    fn discovery_from_the_fingerprint_listing_finds_what_its_own_walk_finds() {
        let dir = tempfile::tempdir().unwrap();
        let site = site_with_links(dir.path());
        let walked = crate::fingerprint::walk(&site, &dir.path().join("public"), &[]);
        let listing = walked.listing.clone();
        assert!(
            listing.as_ref().is_some_and(|l| l.len() > 10),
            "the walk gave no listing"
        );
        let mut listed = FileCache::default().with_listing(listing);
        let (a, a_diags) = discover_cached(&site, Some(&mut listed));
        let (b, b_diags) = discover_cached(&site, None);
        assert_eq!(shown(&a, &a_diags), shown(&b, &b_diags));
        assert_eq!(
            a.pages.len(),
            3,
            "{:?}",
            a.pages.iter().map(|f| &f.rel).collect::<Vec<_>>()
        );
        assert_eq!(a_diags.error_count(), 2);
        assert_eq!(a.static_files.len(), 2);
        assert_eq!(a.data.logs.len(), 1);
    }

    /// An output folder inside the site is left out of the fingerprint's
    /// walk but not of discovery: its walk then gives no listing.
    #[test]
    fn an_output_inside_the_site_gives_no_listing() {
        let dir = tempfile::tempdir().unwrap();
        let site = site_with_links(dir.path());
        fs::create_dir_all(site.join("pages/public")).unwrap();
        fs::write(site.join("pages/public/index.md"), "# out\n").unwrap();
        let walked = crate::fingerprint::walk(&site, &site.join("pages/public"), &[]);
        assert!(walked.listing.is_none());
        assert!(
            crate::fingerprint::walk(&site, &dir.path().join("public"), &[])
                .listing
                .is_some()
        );
    }
}
