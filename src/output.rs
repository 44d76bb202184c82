//! Writing a finished site to disk without ever losing the last good one.
//!
//! The build is written to a fresh sibling folder and swapped in with
//! renames only when every file is written; a failed or killed build leaves
//! the previous output untouched. A marker file proves a folder is ours:
//! ritme refuses to replace a non-empty folder that lacks it, so a mistyped
//! `-o ~/Documents` cannot empty someone's documents.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context as _;

use crate::diagnostics::Diagnostic;

/// Name of the marker file in every output folder ritme writes.
pub const MARKER: &str = ".ritme-output";
const MARKER_TEXT: &[u8] = b"This folder is written by ritme. It is replaced on every build.\n";

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
/// point of view: `out` holds either the old site or the new one.
pub fn write_site(out: &Path, files: &[OutputFile], force: bool) -> Result<(), WriteError> {
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
    let staging = parent.join(format!(".{name}.ritme-new-{}", std::process::id()));
    let result = write_tree(&staging, files).and_then(|()| swap_in(&staging, out, &parent, &name));
    if result.is_err() {
        let _ = fs::remove_dir_all(&staging);
    }
    result.map_err(WriteError::Io)
}

fn write_tree(dir: &Path, files: &[OutputFile]) -> anyhow::Result<()> {
    if dir.exists() {
        fs::remove_dir_all(dir).with_context(|| format!("cannot clear {}", dir.display()))?;
    }
    fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut made: std::collections::BTreeSet<PathBuf> = std::collections::BTreeSet::new();
    for f in files {
        debug_assert!(is_safe_relative(&f.path), "unsafe output path {}", f.path);
        if !is_safe_relative(&f.path) {
            anyhow::bail!("internal error: unsafe output path {:?}", f.path);
        }
        let path = dir.join(&f.path);
        if let Some(p) = path.parent()
            && made.insert(p.to_path_buf())
        {
            fs::create_dir_all(p).with_context(|| format!("cannot create {}", p.display()))?;
        }
        let mut file = fs::File::create(&path).with_context(|| format!("cannot write {}", path.display()))?;
        file.write_all(&f.bytes)
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    fs::write(dir.join(MARKER), MARKER_TEXT)
        .with_context(|| format!("cannot write the marker in {}", dir.display()))?;
    Ok(())
}

/// Replaces `out` by `staging` with two renames; the old tree is removed last.
fn swap_in(staging: &Path, out: &Path, parent: &Path, name: &str) -> anyhow::Result<()> {
    if fs::symlink_metadata(out).is_ok() {
        let old = parent.join(format!(".{name}.ritme-old-{}", std::process::id()));
        let _ = fs::remove_dir_all(&old);
        fs::rename(out, &old).with_context(|| format!("cannot move the previous build {} aside", out.display()))?;
        if let Err(e) = fs::rename(staging, out) {
            // Put the last good build back before giving up.
            let _ = fs::rename(&old, out);
            return Err(e).with_context(|| format!("cannot move the new build into {}", out.display()));
        }
        let _ = fs::remove_dir_all(&old);
    } else {
        fs::rename(staging, out).with_context(|| format!("cannot move the new build into {}", out.display()))?;
    }
    Ok(())
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
        write_site(&out, &[OutputFile::new("index.html", "one")], false).unwrap();
        assert!(out.join(MARKER).is_file());
        write_site(&out, &[OutputFile::new("a/index.html", "two")], false).unwrap();
        assert!(!out.join("index.html").exists());
        assert_eq!(fs::read_to_string(out.join("a/index.html")).unwrap(), "two");

        let foreign = tmp.path().join("docs");
        fs::create_dir(&foreign).unwrap();
        fs::write(foreign.join("thesis.docx"), "precious").unwrap();
        assert!(matches!(
            write_site(&foreign, &[OutputFile::new("index.html", "x")], false),
            Err(WriteError::Refused(_))
        ));
        assert_eq!(fs::read_to_string(foreign.join("thesis.docx")).unwrap(), "precious");
        // No staging folders are left behind.
        let leftovers: Vec<_> = fs::read_dir(tmp.path())
            .unwrap()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().contains("ritme-"))
            .collect();
        assert!(leftovers.is_empty());
    }
}
