//! Writing a finished site to disk without ever losing the last good one.
//!
//! Two real folders take turns: the output (`public/`) and a hidden sibling
//! holding the build before it (`.public.ritme-prev/`). A build brings the
//! sibling up to date — writing only the files that differ, which is what
//! makes rebuilds of large sites fast — and then the two are exchanged in
//! one atomic rename. A failed or killed build therefore never shows a
//! half-written site. A marker file (which also lists every file with its
//! hash) proves a folder is ours: ritme refuses to replace a non-empty
//! folder that lacks it, so a mistyped `-o ~/Documents` cannot empty
//! someone's documents.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context as _;

use crate::diagnostics::Diagnostic;

/// Name of the marker file in every output folder ritme writes.
pub const MARKER: &str = ".ritme-output";
const MARKER_HEAD: &str = "This folder is written by ritme. It is replaced on every build.\n";

/// One file of the built site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// Path relative to the output root, `/`-separated, never absolute or with `..`.
    pub path: String,
    pub bytes: Vec<u8>,
}

impl OutputFile {
    pub fn new(path: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Self {
        OutputFile {
            path: path.into(),
            bytes: bytes.into(),
        }
    }
}

/// A file of the new build whose bytes the output folder already holds
/// (an unchanged page of an incremental build): not kept in memory, but
/// copied from the output when the other folder lacks it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeptFile {
    pub path: String,
    /// The content hash the output's manifest lists for it.
    pub hash: u64,
}

/// Why writing failed: the user's folder choice (exit 1) or the machine (exit 2).
#[derive(Debug)]
pub enum WriteError {
    Refused(Diagnostic),
    Io(anyhow::Error),
}

/// Checks that `out` may be replaced: absent, empty, or marked as ours.
pub fn check_replaceable(out: &Path, force: bool) -> Result<(), Diagnostic> {
    let Ok(meta) = fs::symlink_metadata(out) else {
        return Ok(());
    };
    let shown = out.display().to_string();
    if !meta.is_dir() {
        return Err(Diagnostic::error(shown, "the output path exists and is not a folder")
            .with_hint("choose another output folder with -o"));
    }
    if force || out.join(MARKER).is_file() {
        return Ok(());
    }
    let empty = fs::read_dir(out).map(|mut d| d.next().is_none()).unwrap_or(false);
    if empty {
        return Ok(());
    }
    Err(Diagnostic::error(
        shown,
        "refusing to replace a folder that ritme did not create (it has files and no .ritme-output marker)",
    )
    .with_hint("choose an empty or new folder with -o, or pass --force to replace it anyway"))
}

/// Writes `files` as the new content of `out`, atomically from the reader's
/// point of view: `out` holds either the old site or the new one, also when
/// the process is killed halfway. Concurrent builds into the same folder
/// take turns on a lock next to it.
/// Returns what it wrote, path → content hash: the manifest of this build,
/// whatever another build may have put in `out` since.
pub fn write_site(
    out: &Path,
    files: &[OutputFile],
    kept: &[KeptFile],
    force: bool,
) -> Result<BTreeMap<String, u64>, WriteError> {
    use rayon::prelude::*;
    if let Some(bad) = files.iter().map(|f| &f.path).find(|p| !is_safe_relative(p)) {
        return Err(WriteError::Io(anyhow::anyhow!(
            "internal error: unsafe output path {bad:?}"
        )));
    }
    let staging = Staging::open(out, force)?;
    let written: Vec<Stored> = files
        .par_iter()
        .map(|f| staging.put(&f.path, &f.bytes))
        .collect::<anyhow::Result<_>>()
        .map_err(WriteError::Io)?;
    staging.finish(written, kept).map_err(WriteError::Io)
}

/// A file put into the staging folder: its path and content hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub path: String,
    pub hash: u64,
}

/// The folder the next build is written into while the last one stays the
/// output: files go in one by one as they are made (so a large site is
/// never held in memory whole), and [`Staging::finish`] swaps it in. Dropped
/// without finishing (a failed build), it is simply not swapped in: the
/// output stays the last good build, and the next build compares this
/// folder's files instead of trusting them (its marker is gone).
pub struct Staging {
    dir: PathBuf,
    out: PathBuf,
    parent: PathBuf,
    name: String,
    /// What the folder held by its own account; `None` when it was made
    /// fresh (nothing to compare) or its marker is missing.
    manifest: Option<BTreeMap<String, u64>>,
    /// The folder was made empty by this build: nothing in it to compare.
    fresh: bool,
    /// The output's manifest as read under the lock by [`Staging::keepable`]:
    /// no other build can replace the output before [`Staging::finish`].
    live: Option<BTreeMap<String, u64>>,
    /// Whether this folder holds the file, for the paths `keepable` found
    /// listed here with the output's hash: `finish` need not look again.
    in_place: std::collections::HashMap<String, bool>,
    /// How many times a kept file was looked for on disk: the test that one
    /// look per file is enough counts them.
    looks: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    /// The folders a fresh folder has been given so far: a file's folder
    /// is made before the file instead of after a failed first try (one
    /// failed open for every page of a site whose pages each have their own).
    made: std::sync::Mutex<std::collections::HashSet<PathBuf>>,
    _lock: fs::File,
}

impl Staging {
    /// Takes the lock beside `out`, cleans up after killed builds and
    /// readies the sibling folder. Refuses a folder ritme did not create.
    pub fn open(out: &Path, force: bool) -> Result<Staging, WriteError> {
        check_replaceable(out, force).map_err(WriteError::Refused)?;
        let parent = match out.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        fs::create_dir_all(&parent)
            .with_context(|| format!("cannot create {}", parent.display()))
            .map_err(WriteError::Io)?;
        let name = out
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "public".into());
        let lock = lock(&parent, &name).map_err(WriteError::Io)?;
        recover(out, &parent, &name).map_err(WriteError::Io)?;
        // Another build may have written the folder while we waited for the lock.
        check_replaceable(out, force).map_err(WriteError::Refused)?;
        let dir = parent.join(format!(".{name}.ritme-prev"));
        let (manifest, fresh) = if fs::symlink_metadata(&dir).is_err() {
            fs::create_dir(&dir)
                .with_context(|| format!("cannot create {}", dir.display()))
                .map_err(WriteError::Io)?;
            (None, true)
        } else {
            let manifest = read_manifest(&dir.join(MARKER));
            // Removed before any change: a folder left by a killed or failed
            // build is then compared file by file, never trusted.
            let _ = fs::remove_file(dir.join(MARKER));
            let _ = fs::remove_file(dir.join(".gitignore"));
            (manifest, false)
        };
        Ok(Staging {
            dir,
            out: out.to_path_buf(),
            parent,
            name,
            manifest,
            fresh,
            live: None,
            in_place: Default::default(),
            looks: Default::default(),
            made: Default::default(),
            _lock: lock,
        })
    }

    fn is_file(&self, path: &Path) -> bool {
        self.looks.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        path.is_file()
    }

    /// A counter of the looks for kept files on disk, still readable after
    /// [`Staging::finish`].
    pub fn looks(&self) -> std::sync::Arc<std::sync::atomic::AtomicUsize> {
        self.looks.clone()
    }

    /// Which of `files` (path, content hash) the new build may keep without
    /// making them again: the output's manifest lists that hash and the
    /// file is there to be taken, in this folder already (an unchanged page
    /// is in both folders after the second build) or in the output. One
    /// look at the disk per file, and one read of the output's manifest
    /// shared with [`Staging::finish`].
    pub fn keepable(&mut self, files: &[(&str, u64)]) -> Vec<bool> {
        use rayon::prelude::*;
        let Some(live) = manifest(&self.out) else {
            return vec![false; files.len()];
        };
        let here = self.manifest.as_ref().filter(|_| !self.fresh);
        let looked: Vec<(bool, Option<bool>)> = files
            .par_iter()
            .map(|(path, hash)| {
                if live.get(*path) != Some(hash) {
                    return (false, None);
                }
                if here.is_some_and(|m| m.get(*path) == Some(hash)) {
                    if self.is_file(&self.dir.join(path)) {
                        return (true, Some(true));
                    }
                    return (self.is_file(&self.out.join(path)), Some(false));
                }
                (self.is_file(&self.out.join(path)), None)
            })
            .collect();
        for ((path, _), (_, in_place)) in files.iter().zip(&looked) {
            if let Some(found) = in_place {
                self.in_place.insert(path.to_string(), *found);
            }
        }
        self.live = Some(live);
        looked.into_iter().map(|(keep, _)| keep).collect()
    }

    /// Puts one file of the new build in, unless the folder holds those
    /// bytes already. Safe to call from many threads at once.
    pub fn put(&self, rel: &str, bytes: &[u8]) -> anyhow::Result<Stored> {
        if !is_safe_relative(rel) {
            anyhow::bail!("internal error: unsafe output path {rel:?}");
        }
        let hash = content_hash(bytes);
        let path = self.dir.join(rel);
        let stored = Stored {
            path: rel.to_string(),
            hash,
        };
        if !self.fresh {
            let same = match &self.manifest {
                Some(m) => m.get(rel) == Some(&hash) && path.is_file(),
                None => fs::read(&path).is_ok_and(|old| old == bytes),
            };
            if same {
                return Ok(stored);
            }
        }
        self.write_new(&path, bytes)
            .with_context(|| format!("cannot write {}", path.display()))?;
        Ok(stored)
    }

    /// Writes `bytes` at `path`, making its folders; in a folder kept from
    /// an older build, a folder or file in the way (the old build had a
    /// page where this one has a folder, or the other way round) goes first.
    fn write_new(&self, path: &Path, bytes: &[u8]) -> std::io::Result<()> {
        if self.fresh {
            if let Some(folder) = path.parent().filter(|f| *f != self.dir) {
                let known = self.made.lock().unwrap_or_else(|e| e.into_inner()).contains(folder);
                if !known {
                    fs::create_dir_all(folder)?;
                    self.made
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .insert(folder.to_path_buf());
                }
            }
            return fs::File::create(path)?.write_all(bytes);
        }
        match create_file(path) {
            Ok(mut f) => return f.write_all(bytes),
            Err(_) => {
                if path.is_dir() {
                    fs::remove_dir_all(path)?;
                }
                // A file where a folder of the path must be.
                let mut up = path.parent();
                while let Some(p) = up.filter(|p| p.starts_with(&self.dir) && *p != self.dir) {
                    if fs::symlink_metadata(p).is_ok_and(|m| !m.is_dir()) {
                        // Another worker may have removed it first.
                        let _ = fs::remove_file(p);
                    }
                    up = p.parent();
                }
            }
        }
        create_file(path)?.write_all(bytes)
    }

    /// Completes the folder: the `kept` files (unchanged pages the output
    /// holds) copied from the output where missing, whatever the build no
    /// longer has removed, the marker written, and the folder swapped in.
    /// Returns the manifest of the new build.
    pub fn finish(mut self, written: Vec<Stored>, kept: &[KeptFile]) -> anyhow::Result<BTreeMap<String, u64>> {
        use rayon::prelude::*;
        if let Some(bad) = kept.iter().map(|k| &k.path).find(|p| !is_safe_relative(p)) {
            anyhow::bail!("internal error: unsafe output path {bad:?}");
        }
        let dir = &self.dir;
        let live = &self.out;
        let live_manifest = match self.live.take() {
            Some(m) => Some(m),
            None if kept.is_empty() => None,
            None => manifest(live),
        };
        kept.par_iter().try_for_each(|k| -> anyhow::Result<()> {
            let path = dir.join(&k.path);
            let same = match &self.manifest {
                Some(m) if !self.fresh && m.get(&k.path) == Some(&k.hash) => self
                    .in_place
                    .get(&k.path)
                    .copied()
                    .unwrap_or_else(|| self.is_file(&path)),
                _ => false,
            };
            if same {
                return Ok(());
            }
            // The cache was read before we held the lock: make sure no other
            // build replaced the output since.
            if live_manifest.as_ref().and_then(|m| m.get(&k.path)) != Some(&k.hash) {
                anyhow::bail!(
                    "{} changed while this build ran (another build into the same folder?); build again",
                    live.join(&k.path).display()
                );
            }
            if path.is_dir() {
                fs::remove_dir_all(&path).with_context(|| format!("cannot replace {}", path.display()))?;
            }
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
            }
            fs::copy(live.join(&k.path), &path).with_context(|| format!("cannot copy {} from the output", k.path))?;
            Ok(())
        })?;
        let listed: BTreeMap<String, u64> = written
            .into_iter()
            .map(|s| (s.path, s.hash))
            .chain(kept.iter().map(|k| (k.path.clone(), k.hash)))
            .collect();
        if !self.fresh {
            self.remove_stale(&listed)?;
        }
        write_marker(dir, &listed)?;
        swap_in(dir, live, &self.parent, &self.name)?;
        // The sibling now holds the previous build; keep it out of version control.
        let _ = fs::write(dir.join(".gitignore"), "*\n");
        Ok(listed)
    }

    /// Removes what the folder holds and the new build (`wanted`) does not.
    fn remove_stale(&self, wanted: &BTreeMap<String, u64>) -> anyhow::Result<()> {
        use rayon::prelude::*;
        let dir = &self.dir;
        let mut present: Vec<String> = match &self.manifest {
            Some(m) => m.keys().cloned().collect(),
            None => list_files(dir),
        };
        // Anything at the top that no path of this build starts with goes too,
        // listed or not: a folder another build nested here while this one was
        // live must never be swapped back in as part of a later build.
        let tops: std::collections::BTreeSet<&str> = wanted.keys().map(|p| p.split('/').next().unwrap_or(p)).collect();
        if self.manifest.is_some()
            && let Ok(entries) = fs::read_dir(dir)
        {
            for e in entries.flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                if !tops.contains(name.as_str()) && !present.contains(&name) {
                    present.push(name);
                }
            }
        }
        let stale: Vec<&String> = present.iter().filter(|p| !wanted.contains_key(p.as_str())).collect();
        stale.par_iter().try_for_each(|p| -> anyhow::Result<()> {
            let path = dir.join(p);
            // A folder of this build where the old one had a file is not stale.
            if path.is_dir()
                && wanted
                    .keys()
                    .any(|w| w.starts_with(p.as_str()) && w[p.len()..].starts_with('/'))
            {
                return Ok(());
            }
            match fs::remove_file(&path) {
                Ok(()) => Ok(()),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
                Err(e) if e.kind() == std::io::ErrorKind::NotADirectory => Ok(()),
                Err(e) if path.is_dir() => fs::remove_dir_all(&path)
                    .map_err(|_| e)
                    .with_context(|| format!("cannot remove {}", path.display())),
                Err(e) => Err(e).with_context(|| format!("cannot remove {}", path.display())),
            }
        })?;
        match &self.manifest {
            Some(_) if stale.is_empty() => {}
            Some(_) => remove_empty_folders(dir, &stale),
            // A folder left by a killed update may hold any empty folder.
            None => remove_all_empty_folders(dir),
        }
        Ok(())
    }
}

/// The staging folder as the build's sink: pages are written as they are
/// rendered; the first failure is kept for the caller to report.
pub struct StagingSink<'a> {
    staging: &'a Staging,
    failure: std::sync::Mutex<Option<anyhow::Error>>,
}

impl<'a> StagingSink<'a> {
    pub fn new(staging: &'a Staging) -> Self {
        StagingSink {
            staging,
            failure: std::sync::Mutex::new(None),
        }
    }

    /// Why a page could not be written, if one could not.
    pub fn failure(&self) -> Option<anyhow::Error> {
        self.failure.lock().ok()?.take()
    }
}

impl crate::pipeline::Sink for StagingSink<'_> {
    fn put(&self, path: &str, bytes: &[u8]) -> Result<Stored, crate::pipeline::NotStored> {
        self.staging.put(path, bytes).map_err(|e| {
            if let Ok(mut first) = self.failure.lock() {
                first.get_or_insert(e);
            }
            crate::pipeline::NotStored
        })
    }
}

/// An exclusive lock on `.NAME.ritme-lock` beside the output folder, held
/// until dropped. The operating system releases it if the process dies.
fn lock(parent: &Path, name: &str) -> anyhow::Result<fs::File> {
    let path = parent.join(format!(".{name}.ritme-lock"));
    let file = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .with_context(|| format!("cannot create the lock file {}", path.display()))?;
    file.lock().with_context(|| format!("cannot lock {}", path.display()))?;
    Ok(file)
}

/// Cleans up after a build that was killed: puts back a last good output
/// that was moved aside, and removes half-written staging folders.
fn recover(out: &Path, parent: &Path, name: &str) -> anyhow::Result<()> {
    let new_prefix = format!(".{name}.ritme-new-");
    let old_prefix = format!(".{name}.ritme-old-");
    let Ok(entries) = fs::read_dir(parent) else {
        return Ok(());
    };
    let mut leftovers: Vec<PathBuf> = entries
        .flatten()
        .filter(|e| {
            let n = e.file_name().to_string_lossy().into_owned();
            n.starts_with(&new_prefix) || n.starts_with(&old_prefix)
        })
        .map(|e| e.path())
        .collect();
    leftovers.sort();
    if fs::symlink_metadata(out).is_err()
        && let Some(old) = leftovers.iter().find(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(&old_prefix))
        })
    {
        fs::rename(old, out).with_context(|| format!("cannot restore the previous build {}", old.display()))?;
    }
    for p in leftovers.iter().filter(|p| p.exists()) {
        fs::remove_dir_all(p).with_context(|| format!("cannot remove the leftover {}", p.display()))?;
    }
    Ok(())
}

/// Creates a new file, and its folders when they are missing. Folders are
/// created by whichever worker needs one first; `create_dir_all` copes
/// with another creating the same folder at the same time.
fn create_file(path: &Path) -> std::io::Result<fs::File> {
    match fs::File::create(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            fs::create_dir_all(path.parent().unwrap_or(Path::new(".")))?;
            fs::File::create(path)
        }
        other => other,
    }
}

/// Writes the marker, listing every file of `dir` with its hash.
fn write_marker(dir: &Path, listed: &BTreeMap<String, u64>) -> anyhow::Result<()> {
    use std::fmt::Write as _;
    let mut marker = String::with_capacity(MARKER_HEAD.len() + listed.len() * 48);
    marker.push_str(MARKER_HEAD);
    for (path, hash) in listed {
        let _ = writeln!(marker, "{hash:016x} {path}");
    }
    fs::write(dir.join(MARKER), marker).with_context(|| format!("cannot write the marker in {}", dir.display()))
}

/// A stable hash of file contents, to skip writing unchanged files.
fn content_hash(bytes: &[u8]) -> u64 {
    use std::hash::{Hash, Hasher};
    // Stable for a given ritme binary, which is all
    // the manifest needs (a different binary at worst rewrites files).
    let mut h = crate::hash::KeyHasher::new();
    bytes.hash(&mut h);
    h.finish()
}

/// What the output folder `dir` holds by its own account: path → content hash.
pub fn manifest(dir: &Path) -> Option<std::collections::BTreeMap<String, u64>> {
    read_manifest(&dir.join(MARKER))
}

fn read_manifest(path: &Path) -> Option<std::collections::BTreeMap<String, u64>> {
    let text = fs::read_to_string(path).ok()?;
    let body = text.strip_prefix(MARKER_HEAD)?;
    body.lines()
        .map(|l| {
            let (hash, path) = l.split_once(' ')?;
            Some((path.to_string(), u64::from_str_radix(hash, 16).ok()?))
        })
        .collect()
}

/// Every file under `dir`, relative, `/`-separated.
fn list_files(dir: &Path) -> Vec<String> {
    walkdir::WalkDir::new(dir)
        .follow_links(false)
        .into_iter()
        .flatten()
        .filter(|e| !e.file_type().is_dir())
        .filter_map(|e| {
            e.path()
                .strip_prefix(dir)
                .ok()
                .map(|p| p.to_string_lossy().replace('\\', "/"))
        })
        .collect()
}

/// Removes every empty folder under `dir`, deepest first.
fn remove_all_empty_folders(dir: &Path) {
    for entry in walkdir::WalkDir::new(dir)
        .contents_first(true)
        .min_depth(1)
        .into_iter()
        .flatten()
    {
        if entry.file_type().is_dir() {
            let _ = fs::remove_dir(entry.path());
        }
    }
}

/// Removes folders left empty by the removed files, deepest first. Only
/// their ancestors can have become empty, so the rest of the tree is not walked.
fn remove_empty_folders(dir: &Path, removed: &[&String]) {
    let mut folders: std::collections::BTreeSet<&str> = std::collections::BTreeSet::new();
    for path in removed {
        let mut p = path.as_str();
        while let Some((parent, _)) = p.rsplit_once('/') {
            folders.insert(parent);
            p = parent;
        }
    }
    // Longest first: a folder's children come before it.
    let mut folders: Vec<&str> = folders.into_iter().collect();
    folders.sort_by_key(|f| std::cmp::Reverse(f.len()));
    for f in folders {
        // Fails, as it should, on folders that still hold something.
        let _ = fs::remove_dir(dir.join(f));
    }
}

/// Makes `next` the output and keeps the previous output as `next`. On
/// Linux the two folders are exchanged in one atomic rename, so there is no
/// moment without an output folder; elsewhere the old one is moved aside
/// first (and restored by the next build if the process dies in between).
fn swap_in(next: &Path, out: &Path, parent: &Path, name: &str) -> anyhow::Result<()> {
    if fs::symlink_metadata(out).is_err() {
        return fs::rename(next, out).with_context(|| format!("cannot move the new build into {}", out.display()));
    }
    if exchange(next, out).is_ok() {
        return Ok(());
    }
    let old = parent.join(format!(".{name}.ritme-old-{}", std::process::id()));
    fs::rename(out, &old).with_context(|| format!("cannot move the previous build {} aside", out.display()))?;
    if let Err(e) = fs::rename(next, out) {
        let _ = fs::rename(&old, out);
        return Err(e).with_context(|| format!("cannot move the new build into {}", out.display()));
    }
    let _ = fs::rename(&old, next);
    Ok(())
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let a = CString::new(a.as_os_str().as_bytes())?;
    let b = CString::new(b.as_os_str().as_bytes())?;
    // SAFETY: both are valid NUL-terminated paths; renameat2 only reads them.
    let rc = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<()> {
    Err(std::io::Error::from(std::io::ErrorKind::Unsupported))
}

/// A relative path that stays inside the folder it is joined to.
pub fn is_safe_relative(path: &str) -> bool {
    !path.is_empty()
        && !path.starts_with('/')
        && !path.contains('\\')
        && !path.contains(':')
        && path.split('/').all(|seg| !seg.is_empty() && seg != "." && seg != "..")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_build_killed_between_renames_is_recovered() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        write_site(&out, &[OutputFile::new("index.html", "good")], &[], false).unwrap();
        // What a kill between "move aside" and "move in" leaves behind.
        fs::rename(&out, tmp.path().join(".public.ritme-old-999")).unwrap();
        fs::create_dir(tmp.path().join(".public.ritme-new-998")).unwrap();
        fs::write(tmp.path().join(".public.ritme-new-998/half.html"), "x").unwrap();
        write_site(&out, &[OutputFile::new("index.html", "next")], &[], false).unwrap();
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "next");
        let names: Vec<String> = fs::read_dir(tmp.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        assert!(
            names
                .iter()
                .all(|n| !n.contains("ritme-new") && !n.contains("ritme-old")),
            "{names:?}"
        );
    }

    #[test]
    fn unchanged_files_are_not_rewritten_and_stale_ones_go() {
        use std::os::unix::fs::MetadataExt;
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let v1 = vec![
            OutputFile::new("a/index.html", "A"),
            OutputFile::new("b/index.html", "B"),
        ];
        write_site(&out, &v1, &[], false).unwrap();
        write_site(&out, &v1, &[], false).unwrap();
        let inode = fs::metadata(out.join("a/index.html")).unwrap().ino();
        let v2 = vec![
            OutputFile::new("a/index.html", "A"),
            OutputFile::new("c/index.html", "C"),
        ];
        let deep = vec![
            OutputFile::new("a/index.html", "A"),
            OutputFile::new("d/e/f/index.html", "F"),
        ];
        write_site(&out, &deep, &[], false).unwrap();
        write_site(&out, &deep, &[], false).unwrap();
        write_site(&out, &v2, &[], false).unwrap();
        write_site(&out, &v2, &[], false).unwrap();
        // Same file, untouched across four builds (two folders take turns).
        assert_eq!(fs::metadata(out.join("a/index.html")).unwrap().ino(), inode);
        assert!(!out.join("b").exists(), "a removed page and its folder are gone");
        assert!(!out.join("d").exists(), "and the folders above it");
        assert_eq!(fs::read_to_string(out.join("c/index.html")).unwrap(), "C");
        assert!(!out.join(".gitignore").exists());
    }

    #[test]
    fn a_kept_file_is_looked_for_once() {
        use std::sync::atomic::Ordering;
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let files = [
            OutputFile::new("a/index.html", "A"),
            OutputFile::new("b/index.html", "B"),
        ];
        // Twice: then both folders hold both files.
        write_site(&out, &files, &[], false).unwrap();
        let listed = write_site(&out, &files, &[], false).unwrap();
        let wanted: Vec<(&str, u64)> = listed.iter().map(|(p, h)| (p.as_str(), *h)).collect();
        let mut staging = Staging::open(&out, false).unwrap();
        let looks = staging.looks();
        assert_eq!(staging.keepable(&wanted), [true, true]);
        assert_eq!(looks.load(Ordering::Relaxed), 2, "one look in the sibling per file");
        let kept: Vec<KeptFile> = listed
            .iter()
            .map(|(p, h)| KeptFile {
                path: p.clone(),
                hash: *h,
            })
            .collect();
        assert_eq!(staging.finish(vec![], &kept).unwrap(), listed);
        assert_eq!(looks.load(Ordering::Relaxed), 2, "finish does not look again");
        assert_eq!(fs::read_to_string(out.join("b/index.html")).unwrap(), "B");
        // Gone from both folders: made again, not kept.
        fs::remove_file(out.join("a/index.html")).unwrap();
        fs::remove_file(tmp.path().join(".public.ritme-prev/a/index.html")).unwrap();
        let mut staging = Staging::open(&out, false).unwrap();
        assert_eq!(staging.keepable(&wanted), [false, true]);
    }

    #[test]
    fn a_page_may_become_a_folder_and_a_folder_a_page() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let v1 = vec![OutputFile::new("a", "file"), OutputFile::new("b/index.html", "B")];
        let v2 = vec![OutputFile::new("a/index.html", "A"), OutputFile::new("b", "file")];
        // Each folder of the pair sees both shapes in turn.
        for files in [&v1, &v1, &v2, &v2, &v1] {
            write_site(&out, files, &[], false).unwrap();
            for f in files.iter() {
                assert_eq!(fs::read(out.join(&f.path)).unwrap(), f.bytes, "{}", f.path);
            }
            assert_eq!(manifest(&out).unwrap().len(), 2);
        }
        assert!(out.join("a").is_file() && out.join("b").is_dir());
    }

    #[test]
    fn kept_files_reach_both_folders_from_the_output() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        write_site(&out, &[OutputFile::new("a/index.html", "A1")], &[], false).unwrap();
        write_site(&out, &[OutputFile::new("a/index.html", "A2")], &[], false).unwrap();
        let hash = manifest(&out).unwrap()["a/index.html"];
        let kept = [KeptFile {
            path: "a/index.html".into(),
            hash,
        }];
        // The sibling holds A1: the kept page is copied over from the output.
        write_site(&out, &[OutputFile::new("b.html", "B")], &kept, false).unwrap();
        assert_eq!(fs::read_to_string(out.join("a/index.html")).unwrap(), "A2");
        assert_eq!(manifest(&out).unwrap()["a/index.html"], hash);
        // Now both folders hold A2: nothing to copy, the file stays.
        write_site(&out, &[OutputFile::new("b.html", "B")], &kept, false).unwrap();
        assert_eq!(fs::read_to_string(out.join("a/index.html")).unwrap(), "A2");
        let prev = tmp.path().join(".public.ritme-prev");
        assert_eq!(fs::read_to_string(prev.join("a/index.html")).unwrap(), "A2");
        // A kept file the output no longer lists fails loudly instead of copying other bytes.
        let stale = [KeptFile {
            path: "a/index.html".into(),
            hash: hash ^ 1,
        }];
        fs::write(prev.join("a/index.html"), "junk").unwrap();
        assert!(matches!(write_site(&out, &[], &stale, false), Err(WriteError::Io(_))));
        assert_eq!(
            fs::read_to_string(out.join("a/index.html")).unwrap(),
            "A2",
            "the output is untouched"
        );
    }

    #[test]
    fn a_half_updated_sibling_is_compared_not_trusted() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let v1 = vec![
            OutputFile::new("a/index.html", "A1"),
            OutputFile::new("b/index.html", "B1"),
        ];
        write_site(&out, &v1, &[], false).unwrap();
        write_site(&out, &v1, &[], false).unwrap();
        // A killed update: the manifest is gone and a file is half-written.
        let prev = tmp.path().join(".public.ritme-prev");
        fs::remove_file(prev.join(MARKER)).unwrap();
        fs::write(prev.join("a/index.html"), "A").unwrap();
        fs::write(prev.join("junk.html"), "x").unwrap();
        fs::create_dir_all(prev.join("empty/deeper")).unwrap();
        write_site(&out, &v1, &[], false).unwrap();
        assert_eq!(fs::read_to_string(out.join("a/index.html")).unwrap(), "A1");
        assert!(!out.join("junk.html").exists());
        assert!(!out.join("empty").exists());
    }

    #[test]
    fn concurrent_writes_take_turns() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let files: Vec<OutputFile> = (0..200)
            .map(|i| OutputFile::new(format!("p{i}/index.html"), format!("page {i}")))
            .collect();
        std::thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(|| {
                    write_site(&out, &files, &[], false)
                        .map_err(|e| format!("{e:?}"))
                        .unwrap()
                });
            }
        });
        assert_eq!(fs::read_dir(&out).unwrap().count(), 201);
    }

    #[test]
    fn safe_paths() {
        assert!(is_safe_relative("behaviours/a/index.html"));
        assert!(!is_safe_relative("../x"));
        assert!(!is_safe_relative("a/../../x"));
        assert!(!is_safe_relative("/etc/passwd"));
        assert!(!is_safe_relative("a//b"));
        assert!(!is_safe_relative("C:/x"));
    }

    #[test]
    fn writes_marker_and_replaces_own_output_only() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        write_site(&out, &[OutputFile::new("index.html", "one")], &[], false).unwrap();
        assert!(out.join(MARKER).is_file());
        write_site(&out, &[OutputFile::new("a/index.html", "two")], &[], false).unwrap();
        assert!(!out.join("index.html").exists());
        assert_eq!(fs::read_to_string(out.join("a/index.html")).unwrap(), "two");

        let foreign = tmp.path().join("docs");
        fs::create_dir(&foreign).unwrap();
        fs::write(foreign.join("thesis.docx"), "precious").unwrap();
        assert!(matches!(
            write_site(&foreign, &[OutputFile::new("index.html", "x")], &[], false),
            Err(WriteError::Refused(_))
        ));
        assert_eq!(fs::read_to_string(foreign.join("thesis.docx")).unwrap(), "precious");
        // Only the lock file and the previous build's folder are left beside it.
        let leftovers: Vec<_> = fs::read_dir(tmp.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains("ritme-") && !n.ends_with("ritme-lock") && !n.ends_with("ritme-prev"))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
    }
}
