//! `ritme new`: a working starter site, the example programme in Dutch or
//! English or an empty skeleton, ready to keep in git.
//!
//! Besides the site itself it writes what a programme in git needs from day
//! one: a `.gitignore` for the build outputs (they hold personal data and
//! never belong in the repository), a pre-commit hook that refuses a
//! commit `ritme check --strict` would fail, and a CI workflow that checks
//! the site and builds every audience.

use std::fs;
use std::path::Path;
use std::process::Command;

use anyhow::Context as _;

use crate::config::Language;
use crate::diagnostics::Diagnostic;
use crate::embedded;

pub enum Error {
    Refused(Diagnostic),
    Io(anyhow::Error),
}

/// What to start from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Starter {
    /// The complete example programme, with a year of data.
    Example(Language),
    /// One behaviour, one guide, one story and an empty team file, with
    /// comments that say what goes where.
    Skeleton(Language),
}

impl Starter {
    fn files(self) -> &'static [(&'static str, &'static [u8])] {
        match self {
            Starter::Example(Language::Nl) => embedded::EXAMPLE,
            Starter::Example(Language::En) => embedded::EXAMPLE_EN,
            Starter::Skeleton(Language::Nl) => embedded::SKELETON_NL,
            Starter::Skeleton(Language::En) => embedded::SKELETON_EN,
        }
    }
}

/// Build outputs: the default one, the audiences' side-by-side folders and
/// the hidden siblings a build swaps through.
pub const GITIGNORE: &str = "\
# Build outputs of ritme: generated, and they hold people's figures.
public/
public-*/
.public.ritme-*
.public-*.ritme-*
";

/// Installed as `.githooks/pre-commit` and enabled with
/// `git config core.hooksPath .githooks`.
pub const PRE_COMMIT: &str = r#"#!/bin/sh
# Refuses a commit when `ritme check --strict` finds a problem in the site:
# an error, or a warning (a draft, a page past its review date, a gap or an
# outlier in the logs). Skip it once with `git commit --no-verify`.
#
# `ritme new` enabled this hook for its own repository. In a fresh clone,
# enable it once with:  git config core.hooksPath .githooks
site="$(git rev-parse --show-toplevel)" || exit 1
if ! command -v ritme >/dev/null 2>&1; then
  echo "pre-commit: ritme is not installed; the site was not checked" >&2
  exit 0
fi
exec ritme check --strict "$site"
"#;

/// A GitHub Actions workflow that checks the new site and builds every
/// audience: ritme's own `ci/github-actions.yml`, so the two never differ.
pub const CI_WORKFLOW: (&str, &str) = (".github/workflows/ritme.yml", include_str!("../ci/github-actions.yml"));

/// What `create` wrote.
pub struct Created {
    pub files: usize,
    /// Whether a new git repository was made (with the hook enabled).
    pub git: bool,
}

/// Writes the starter into `dir` (which must be absent or empty).
pub fn create(dir: &Path, starter: Starter) -> Result<Created, Error> {
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
    let files = starter.files();
    for (rel, bytes) in files {
        write(&dir.join(rel), bytes)?;
    }
    write(&dir.join(".gitignore"), GITIGNORE.as_bytes())?;
    let hook = dir.join(".githooks/pre-commit");
    write(&hook, PRE_COMMIT.as_bytes())?;
    make_executable(&hook)?;
    let (ci, workflow) = CI_WORKFLOW;
    write(&dir.join(ci), workflow.as_bytes())?;
    let templates = crate::import::template::for_new_site(dir).map_err(Error::Io)?;
    Ok(Created {
        files: files.len() + 3 + templates,
        git: init_git(dir),
    })
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))
            .map_err(Error::Io)?;
    }
    fs::write(path, bytes)
        .with_context(|| format!("cannot write {}", path.display()))
        .map_err(Error::Io)
}

#[cfg(unix)]
fn make_executable(path: &Path) -> Result<(), Error> {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(0o755))
        .with_context(|| format!("cannot make {} executable", path.display()))
        .map_err(Error::Io)
}

#[cfg(not(unix))]
fn make_executable(_: &Path) -> Result<(), Error> {
    Ok(())
}

/// Makes `dir` a git repository with the hook enabled, as `cargo new` does,
/// unless it already lies inside one or git is not installed: the site
/// works without git, it only lacks change dates.
fn init_git(dir: &Path) -> bool {
    let git = |args: &[&str]| {
        Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(args)
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if git(&["rev-parse", "--is-inside-work-tree"]) {
        return false;
    }
    git(&["init", "--quiet"]) && git(&["config", "core.hooksPath", ".githooks"])
}
