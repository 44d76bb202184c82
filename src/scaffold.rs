//! `ritme new`: a working starter site from the embedded example programme.

use std::fs;
use std::path::Path;

use anyhow::Context as _;

use crate::diagnostics::Diagnostic;
use crate::embedded;

pub enum Error {
    Refused(Diagnostic),
    Io(anyhow::Error),
}

/// Writes the example into `dir` (which must be absent or empty) and returns
/// the number of files written.
pub fn create(dir: &Path) -> Result<usize, Error> {
    if let Ok(mut entries) = fs::read_dir(dir)
        && entries.next().is_some()
    {
        return Err(Error::Refused(
            Diagnostic::error(dir.display().to_string(), "folder exists and is not empty")
                .with_hint("choose a new folder name; ritme new never overwrites files"),
        ));
    }
    if dir.exists() && !dir.is_dir() {
        return Err(Error::Refused(Diagnostic::error(
            dir.display().to_string(),
            "a file with this name exists",
        )));
    }
    for (rel, bytes) in embedded::EXAMPLE {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))
                .map_err(Error::Io)?;
        }
        fs::write(&path, bytes)
            .with_context(|| format!("cannot write {}", path.display()))
            .map_err(Error::Io)?;
    }
    let templates = crate::import::template::for_new_site(dir).map_err(Error::Io)?;
    Ok(embedded::EXAMPLE.len() + templates)
}
