//! `ritme new` (the example in Dutch or English, or an empty skeleton),
//! `ritme theme eject`, and a playbook site without team data.

mod support;

use std::fs;
use std::path::{Path, PathBuf};

use predicates::prelude::*;
use support::*;

/// `ritme new DIR ARGS…` in a fresh temp folder; returns (temp, site).
fn new_site(args: &[&str]) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("programme");
    ritme().arg("new").arg(&dir).args(args).assert().success();
    (tmp, dir)
}

/// A clean build of `site` into `out`; asserts exit 0 and no warnings.
fn build_without_warnings(site: &Path, out: &Path) {
    let a = ritme()
        .arg("build")
        .arg(site)
        .arg("-o")
        .arg(out)
        .arg("--no-cache")
        .assert()
        .success();
    let err = stderr_of(&a);
    assert!(!err.contains("warning"), "warnings in a fresh `ritme new` site:\n{err}");
}

fn read(p: &Path) -> String {
    fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

#[test]
fn every_starter_builds_without_warnings_and_is_ready_for_git() {
    for args in [
        &[][..],
        &["--lang", "en"][..],
        &["--lang", "nl"][..],
        &["--empty"][..],
        &["--empty", "--lang", "en"][..],
    ] {
        let (tmp, site) = new_site(args);
        let out = tmp.path().join("out");
        build_without_warnings(&site, &out);
        assert!(out.join("index.html").is_file(), "{args:?}");
        assert!(out.join("assets/search-index.js").is_file(), "{args:?}");

        let ignore = read(&site.join(".gitignore"));
        for line in ["public/", "public-*/", ".public.ritme-*"] {
            assert!(ignore.lines().any(|l| l == line), "{args:?}: .gitignore lacks {line}");
        }
        let hook = site.join(".githooks/pre-commit");
        assert!(read(&hook).contains("ritme check --strict"), "{args:?}");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_ne!(
                fs::metadata(&hook).unwrap().permissions().mode() & 0o111,
                0,
                "hook not executable"
            );
        }
    }
}

#[test]
fn the_english_example_is_a_whole_programme_in_english() {
    let (tmp, site) = new_site(&["--lang", "en"]);
    let out = tmp.path().join("out");
    build_without_warnings(&site, &out);
    let count = |dir: &str| fs::read_dir(site.join(dir)).unwrap().count();
    assert_eq!(
        (
            count("behaviours"),
            count("coaching"),
            count("stories"),
            count("pages"),
            count("reports")
        ),
        (7, 4, 6, 3, 2)
    );
    assert!(count("data/logs/2026") >= 40, "a year of generated logs");
    assert!(read(&site.join("ritme.yaml")).contains("language: en"));

    let home = read(&out.join("index.html"));
    assert!(home.contains("<html lang=\"en\""));
    assert!(home.contains("Scoreboard"), "the scoreboard of the English data");
    assert!(home.contains("Follow up on time"));
    assert!(read(&out.join("behaviours/follow-up-on-time/index.html")).contains("Mirror questions"));
    assert!(out.join("teams/north/index.html").is_file());
    let report = read(&out.join("reports/2026-10/index.html"));
    assert!(report.contains("Margaret Hale"), "the October commentary");
    assert!(
        out.join("reports/2026-10/report-2026-10.html").is_file(),
        "English name of the mail copy"
    );
    // The English example carries the Dutch one's story: the same figures.
    let nl = tmp.path().join("nl");
    ritme().arg("new").arg(&nl).assert().success();
    let nl_out = tmp.path().join("nl-out");
    build_without_warnings(&nl, &nl_out);
    let months = |p: &Path| {
        let v: serde_json::Value = serde_json::from_str(&read(&p.join("metrics.json"))).unwrap();
        (v["as_of"].clone(), v["months"]["2026-10"]["cr"].clone())
    };
    assert_eq!(months(&out), months(&nl_out));
}

#[test]
fn the_skeleton_has_one_of_each_and_says_logging_has_not_started() {
    let (tmp, site) = new_site(&["--empty", "--lang", "en"]);
    for dir in ["behaviours", "coaching", "stories"] {
        assert_eq!(fs::read_dir(site.join(dir)).unwrap().count(), 1, "{dir}");
    }
    let team = read(&site.join("data/team.yaml"));
    assert!(
        team.contains("teams: []") && team.contains("# "),
        "an empty team file with comments"
    );
    assert!(read(&site.join("behaviours/follow-up-on-time.md")).contains("# One file per behaviour"));
    let out = tmp.path().join("out");
    build_without_warnings(&site, &out);
    assert!(read(&out.join("index.html")).contains("Logging has not started"));
    ritme().arg("check").arg(&site).arg("--strict").assert().success();
}

#[test]
fn a_playbook_without_team_data_builds_playbook_pages_and_search() {
    let site = TestSite::fixture("minimal");
    site.remove("data");
    let story = site.read("stories/succes.md");
    let story: String = story
        .lines()
        .filter(|l| !l.starts_with("team:") && !l.starts_with("people:"))
        .map(|l| format!("{l}\n"))
        .collect();
    site.write("stories/succes.md", &story);
    site.build(&[]).success();
    assert!(site.out().join("behaviours/bellen/index.html").is_file());
    assert!(site.out().join("stories/succes/index.html").is_file());
    assert!(site.output("assets/search-index.js").contains("Klanten bellen"));
    assert!(!site.out().join("teams").exists(), "no data pages without data");
    assert!(!site.out().join("reports").exists());
    let home = site.output("index.html");
    assert!(
        home.contains("Er is nog niets gelogd"),
        "the home page says logging has not started"
    );
    assert!(
        !home.contains("teams/index.html"),
        "no menu entry for pages that do not exist"
    );
}

#[test]
fn logs_without_a_team_file_are_one_clear_error() {
    let site = TestSite::fixture("minimal");
    site.remove("data/team.yaml");
    let a = site.build(&[]).code(1);
    let err = stderr_of(&a);
    assert!(
        err.contains("data/team.yaml: error: the site has logs but no data/team.yaml"),
        "{err}"
    );
    assert!(
        !err.contains("unknown person"),
        "follow-on errors bury the one that matters:\n{err}"
    );
}

#[test]
fn ejected_files_replace_the_builtin_ones_and_are_never_overwritten_silently() {
    let site = TestSite::fixture("minimal");
    ritme()
        .args(["theme", "eject", "--site"])
        .arg(site.site())
        .assert()
        .success()
        .stdout(predicate::str::contains("wrote templates/base.html"));
    for rel in [
        "templates/base.html",
        "templates/home.html",
        "static/assets/style.css",
        "i18n/nl.yaml",
    ] {
        assert!(site.site().join(rel).is_file(), "{rel} not ejected");
    }
    // Ejected unchanged, the site builds exactly as before.
    let untouched = TestSite::fixture("minimal");
    let a = site.clean_build("ejected");
    let b = untouched.clean_build("builtin");
    assert_eq!(tree(&a), tree(&b), "ejecting alone changes the output");

    // Edited, each copy overrides.
    let base = site
        .read("templates/base.html")
        .replace("<main id=\"main\"", "<main data-edited id=\"main\"");
    site.write("templates/base.html", &base);
    let css = format!(
        "{}\n.ejected-marker {{ color: red; }}\n",
        site.read("static/assets/style.css")
    );
    site.write("static/assets/style.css", &css);
    let strings = site
        .read("i18n/nl.yaml")
        .replace("\npages: ", "\npages: Over ons programma # ");
    site.write("i18n/nl.yaml", &strings);
    site.build(&[]).success();
    let home = site.output("index.html");
    assert!(home.contains("data-edited"), "ejected template not used");
    assert!(home.contains("Over ons programma"), "ejected strings not used");
    assert!(site.output("assets/style.css").contains(".ejected-marker"));

    // A second eject keeps the edits; --force replaces them.
    ritme()
        .args(["theme", "eject", "base.html", "--site"])
        .arg(site.site())
        .assert()
        .success()
        .stderr(predicate::str::contains("kept templates/base.html"));
    assert!(site.read("templates/base.html").contains("data-edited"));
    ritme()
        .args(["theme", "eject", "base.html", "--force", "--site"])
        .arg(site.site())
        .assert()
        .success();
    assert!(!site.read("templates/base.html").contains("data-edited"));

    // A name the theme does not have is an error with a suggestion.
    ritme()
        .args(["theme", "eject", "bsae.html", "--site"])
        .arg(site.site())
        .assert()
        .code(1)
        .stderr(predicate::str::contains("did you mean `base.html`?"));
}
