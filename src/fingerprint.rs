//! A cheap fingerprint of everything a build depends on, so that a build
//! with nothing changed can stop before reading a single page.
//!
//! It covers the ritme binary itself, the build options, the pseudonym key,
//! every file of the site folder (path, size, modification and change
//! time, inode — like make, not contents: stat is far cheaper than reading) and the last git
//! commit of the folder. It is stored beside the output (in the lock file),
//! never in it, so the output stays byte-identical across machines.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::Path;
use std::time::UNIX_EPOCH;

/// The fingerprint as hex, or `None` when something could not be examined
/// (then the build simply runs).
pub fn of(site: &Path, out: &Path, options: &[&str]) -> Option<String> {
    walk(site, out, options).fingerprint
}

/// What the walk of the site folder found.
#[derive(Debug, Default)]
pub struct Walked {
    /// See [`of`].
    pub fingerprint: Option<String>,
    /// The stamp of every plain file the walk stat'ed, by site-relative
    /// `/`-separated path: discovery takes them instead of a second stat.
    pub stamps: HashMap<String, crate::source::Stamp>,
    /// Every entry the walk found, in its order, when that is all discovery
    /// would find (the walk succeeded, left no folder out and met only
    /// UTF-8 names): discovery takes it instead of walking the site again.
    pub listing: Option<Vec<crate::source::Listed>>,
}

/// [`of`], also keeping every file's stamp.
pub fn walk(site: &Path, out: &Path, options: &[&str]) -> Walked {
    let mut walked = Walked::default();
    walked.fingerprint = hash_walk(site, out, options, &mut walked);
    walked
}

fn hash_walk(site: &Path, out: &Path, options: &[&str], walked: &mut Walked) -> Option<String> {
    let mut h = crate::hash::KeyHasher::new();
    crate::cache::binary_identity()?.hash(&mut h);
    options.hash(&mut h);
    std::env::var(crate::privacy::KEY_VAR).ok().hash(&mut h);
    // Git runs while the files are looked at: its start alone is a few ms.
    let git = std::process::Command::new("git")
        .arg("-C")
        .arg(site)
        .args(["log", "-1", "--format=%H", "--", "."])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn();
    // Waited for also when the walk gives up, so that no child is left behind.
    let done = (|| -> Option<()> {
        let out = out.canonicalize().ok();
        let left_out = std::cell::Cell::new(false);
        let entries: Vec<walkdir::DirEntry> = walkdir::WalkDir::new(site)
            .follow_links(false)
            .sort_by(crate::source::by_file_name)
            .into_iter()
            .filter_entry(|e| {
                let hidden = e.depth() > 0 && e.file_name().to_string_lossy().starts_with('.');
                // Only a folder can be the output: resolving every file's path was
                // a third of this walk on large sites.
                let is_out = e.file_type().is_dir()
                    && out
                        .as_ref()
                        .is_some_and(|o| e.path().canonicalize().is_ok_and(|p| p == *o));
                left_out.set(left_out.get() || is_out);
                !hidden && !is_out
            })
            .collect::<Result<_, _>>()
            .ok()?;
        // One system call per file, on both cores: the walk of a 10,000-page
        // site was the longest stretch of a build with one core working.
        use rayon::prelude::*;
        // Each entry is hashed there too; the walk's hash is of those hashes in order.
        struct Seen {
            name: String,
            utf8: bool,
            file_type: std::fs::FileType,
            stamp: crate::source::Stamp,
            hash: u64,
        }
        let seen: Vec<Seen> = entries
            .par_iter()
            .map(|entry| {
                let meta = entry.metadata().ok()?;
                let rel = entry.path().strip_prefix(site).ok()?;
                meta.modified().ok()?.duration_since(UNIX_EPOCH).ok()?;
                // The change time too: an edit that keeps the size and sets the
                // modification time back (a checkout, a copy keeping times) still
                // sets it.
                let stamp = crate::source::Stamp::of(&meta);
                let mut h = crate::hash::KeyHasher::new();
                rel.hash(&mut h);
                (stamp.len, stamp.modified, stamp.changed, stamp.file).hash(&mut h);
                Some(Seen {
                    name: crate::source::slash_path(rel),
                    utf8: rel.to_str().is_some(),
                    file_type: meta.file_type(),
                    stamp,
                    hash: h.finish(),
                })
            })
            .collect::<Option<_>>()?;
        let mut listing = (!left_out.get() && seen.iter().all(|s| s.utf8)).then(|| Vec::with_capacity(seen.len()));
        walked.stamps.reserve(seen.len());
        // The site folder itself is the first entry: not listed.
        for (n, s) in seen.into_iter().enumerate() {
            s.hash.hash(&mut h);
            if let Some(l) = listing.as_mut().filter(|_| n > 0) {
                l.push(crate::source::Listed::new(s.name.clone(), s.file_type));
            }
            if s.file_type.is_file() {
                walked.stamps.insert(s.name, s.stamp);
            }
        }
        walked.listing = listing;
        Some(())
    })();
    let git = git.and_then(|child| child.wait_with_output());
    done?;
    if let Ok(o) = git {
        o.stdout.hash(&mut h);
    }
    Some(format!("{:016x}", h.finish()))
}

/// Where the fingerprint of the last good build into `out` is kept.
pub fn stamp_path(out: &Path) -> Option<std::path::PathBuf> {
    crate::cache::sibling(out, "ritme-lock")
}

/// Whether `out` holds a build with this fingerprint.
pub fn unchanged(out: &Path, fingerprint: &str) -> bool {
    out.join(crate::output::MARKER).is_file()
        && stamp_path(out)
            .and_then(|p| std::fs::read_to_string(p).ok())
            .is_some_and(|s| s.trim() == fingerprint)
}

/// Records the fingerprint of the build just written.
pub fn record(out: &Path, fingerprint: &str) {
    if let Some(p) = stamp_path(out) {
        let _ = std::fs::write(p, format!("{fingerprint}\n"));
    }
}
