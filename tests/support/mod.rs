//! Shared harness for the integration tests: a site folder in a temp dir,
//! built from a fixture, and the real `ritme` binary run on it.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

pub fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("content")
}

/// A temporary working folder holding a site at `site/`.
pub struct TestSite {
    pub tmp: tempfile::TempDir,
}

impl TestSite {
    /// A copy of `tests/fixtures/<name>`.
    pub fn fixture(name: &str) -> Self {
        Self::copy_of(&fixtures().join(name))
    }

    /// A copy of the example programme in `content/` (never its build output).
    pub fn example() -> Self {
        Self::copy_of(&example())
    }

    pub fn copy_of(from: &Path) -> Self {
        let tmp = tempfile::tempdir().expect("tempdir");
        copy_dir(from, &tmp.path().join("site"));
        TestSite { tmp }
    }

    pub fn site(&self) -> PathBuf {
        self.tmp.path().join("site")
    }

    pub fn out(&self) -> PathBuf {
        self.tmp.path().join("out")
    }

    pub fn write(&self, rel: &str, text: &str) {
        let p = self.site().join(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, text).unwrap();
    }

    pub fn remove(&self, rel: &str) {
        let p = self.site().join(rel);
        if p.is_dir() {
            fs::remove_dir_all(p).unwrap();
        } else {
            fs::remove_file(p).unwrap();
        }
    }

    pub fn read(&self, rel: &str) -> String {
        fs::read_to_string(self.site().join(rel)).unwrap()
    }

    /// `ritme build SITE -o OUT` plus `extra` arguments.
    pub fn build(&self, extra: &[&str]) -> assert_cmd::assert::Assert {
        ritme()
            .arg("build")
            .arg(self.site())
            .arg("-o")
            .arg(self.out())
            .args(extra)
            .assert()
    }

    /// A clean build (`--no-cache`) into a new folder `NAME` beside the site.
    pub fn clean_build(&self, name: &str) -> PathBuf {
        let clean = self.tmp.path().join(name);
        ritme()
            .arg("build")
            .arg(self.site())
            .arg("-o")
            .arg(&clean)
            .arg("--no-cache")
            .assert()
            .success();
        clean
    }

    pub fn check(&self, extra: &[&str]) -> assert_cmd::assert::Assert {
        ritme().arg("check").arg(self.site()).args(extra).assert()
    }

    pub fn output(&self, rel: &str) -> String {
        fs::read_to_string(self.out().join(rel)).unwrap_or_else(|e| panic!("output {rel}: {e}"))
    }
}

/// The `ritme` binary under test; `RITME_TEST_BIN` runs the tests against
/// another build (e.g. an older one, to watch a new test fail on it).
pub fn ritme() -> Command {
    match std::env::var_os("RITME_TEST_BIN") {
        Some(bin) => Command::new(bin),
        None => Command::cargo_bin("ritme").expect("binary built"),
    }
}

pub fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        // The example's own build output is not part of the site.
        if name == "public" || name.to_string_lossy().starts_with("public-") {
            continue;
        }
        let path = entry.path();
        if path.is_dir() {
            copy_dir(&path, &to.join(&name));
        } else {
            fs::copy(&path, to.join(&name)).unwrap();
        }
    }
}

/// Every file under `dir`: relative path → bytes.
pub fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let rel = entry
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            out.insert(rel, fs::read(entry.path()).unwrap());
        }
    }
    out
}

/// The numbers of the `RITME_TIMINGS` line that holds `marker`.
pub fn timing_numbers(a: &assert_cmd::assert::Assert, marker: &str) -> Vec<usize> {
    let out = String::from_utf8_lossy(&a.get_output().stdout).into_owned();
    let line = out
        .lines()
        .find(|l| l.contains(marker))
        .unwrap_or_else(|| panic!("no {marker:?} in {out:?}"));
    line.split(|c: char| !c.is_ascii_digit())
        .filter_map(|n| n.parse().ok())
        .collect()
}

pub fn stderr_of(a: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&a.get_output().stderr).into_owned()
}

/// Whether `program` is on the PATH. Tests that need a program are compiled
/// as ignored when it was missing at build time (see `build.rs`), so plain
/// `cargo test` names them; this catches a program that went away since.
/// When it is missing the test is skipped by name (see [`skip`]).
pub fn have(program: &str) -> bool {
    let found = std::env::var_os("PATH").is_some_and(|p| std::env::split_paths(&p).any(|d| d.join(program).is_file()));
    found || skip(&format!("{program} is not installed (./test installs it)"))
}

/// A test that cannot run here says so and returns false. With
/// `RITME_REQUIRE_TOOLS=1` (the `./test` script and CI set it) it fails
/// instead, so that CI never passes a test that did not run. The line goes
/// to the terminal directly: `cargo test` hides what a passing test prints.
pub fn skip(reason: &str) -> bool {
    skip_unless_required("RITME_REQUIRE_TOOLS", reason)
}

/// A test that mounts a tmpfs and may not: skipped by name, or failed with
/// `RITME_REQUIRE_MOUNT=1` (which `./test` sets where a trial mount works).
pub fn skip_mount(reason: &str) -> bool {
    skip_unless_required("RITME_REQUIRE_MOUNT", reason)
}

fn skip_unless_required(var: &str, reason: &str) -> bool {
    let name = test_name();
    if std::env::var_os(var).is_some_and(|v| v == "1") {
        panic!("{name} cannot run: {reason}; {var}=1 asks for it to run");
    }
    let _ = writeln!(std::io::stderr(), "SKIPPED {name}: {reason}");
    false
}

/// `binary::test`, e.g. `browser::the_search_box_finds_pages_as_you_type`.
fn test_name() -> String {
    let binary = std::env::current_exe()
        .ok()
        .and_then(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .map(|s| s.rsplit_once('-').map_or(s.clone(), |(name, _hash)| name.to_string()))
        .unwrap_or_default();
    let thread = std::thread::current();
    let test = thread.name().filter(|n| *n != "main").unwrap_or("a test");
    format!("{binary}::{test}")
}
