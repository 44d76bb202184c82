//! The corpus of broken sites in `tests/fixtures/invalid/<case>/`: each is
//! the minimal fixture with the files of `files/` laid over it (and what
//! `case.json` says removed, written as bytes, made huge or linked out).
//! Every case must exit 1, name the broken file (with a line where the
//! input has one, given in `expect`; nothing listed in `absent`), never panic or hang, and leave the
//! last good output byte for byte unchanged.

mod support;

use std::path::Path;
use std::time::{Duration, Instant};

use support::*;

fn apply(case: &Path, site: &TestSite, spec: &serde_json::Value) {
    let files = case.join("files");
    if files.is_dir() {
        copy_dir(&files, &site.site());
    }
    for rel in spec["remove"].as_array().into_iter().flatten() {
        site.remove(rel.as_str().unwrap());
    }
    for (rel, hex) in spec["bytes"].as_object().into_iter().flatten() {
        let hex = hex.as_str().unwrap();
        let bytes: Vec<u8> = (0..hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
            .collect();
        std::fs::write(site.site().join(rel), bytes).unwrap();
    }
    for (rel, mb) in spec["sparse_mb"].as_object().into_iter().flatten() {
        let f = std::fs::File::create(site.site().join(rel)).unwrap();
        f.set_len(mb.as_u64().unwrap() * 1024 * 1024).unwrap();
    }
    for (rel, target) in spec["symlink"].as_object().into_iter().flatten() {
        std::os::unix::fs::symlink(target.as_str().unwrap(), site.site().join(rel)).unwrap();
    }
}

#[test]
fn every_broken_site_is_refused_clearly_and_loses_nothing() {
    let mut cases: Vec<_> = std::fs::read_dir(fixtures().join("invalid"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    cases.sort();
    assert!(cases.len() >= 25, "the corpus shrank to {}", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy().to_string();
        let spec: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(case.join("case.json")).unwrap()).unwrap();
        let site = TestSite::fixture("minimal");
        site.build(&[]).success();
        let good = tree(&site.out());
        apply(case, &site, &spec);
        let started = Instant::now();
        let out = ritme()
            .arg("build")
            .arg(site.site())
            .arg("-o")
            .arg(site.out())
            .timeout(Duration::from_secs(30))
            .output()
            .unwrap();
        let took = started.elapsed();
        let err = String::from_utf8_lossy(&out.stderr);
        let mut problems = Vec::new();
        if out.status.code() != Some(1) {
            problems.push(format!("exit {:?}", out.status.code()));
        }
        if err.contains("panicked") {
            problems.push("panicked".into());
        }
        for want in spec["expect"].as_array().unwrap() {
            if !err.contains(want.as_str().unwrap()) {
                problems.push(format!("missing `{}`", want.as_str().unwrap()));
            }
        }
        // Follow-on errors that would bury the real one.
        for unwanted in spec["absent"].as_array().into_iter().flatten() {
            if err.contains(unwanted.as_str().unwrap()) {
                problems.push(format!("says `{}`", unwanted.as_str().unwrap()));
            }
        }
        if tree(&site.out()) != good {
            problems.push("the last good output changed".into());
        }
        if took > Duration::from_secs(20) {
            problems.push(format!("took {took:?}"));
        }
        // `check` agrees: exit 1 and the same file named.
        let check = ritme()
            .arg("check")
            .arg(site.site())
            .timeout(Duration::from_secs(30))
            .output()
            .unwrap();
        if check.status.code() != Some(1) {
            problems.push(format!("check exit {:?}", check.status.code()));
        }
        if !problems.is_empty() {
            failures.push(format!("{name}: {}\n{err}", problems.join("; ")));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

/// `ritme check | head -c1`: the reader goes away after one byte. Output
/// nobody reads ends quietly; the exit code is what the check found.
#[test]
fn a_closed_output_pipe_is_not_a_panic() {
    let good = TestSite::fixture("minimal");
    let broken = TestSite::fixture("minimal");
    broken.write("data/logs/2026-W10.yaml", "week: 2026-W10\nentries:\n  nobody: skip\n");
    let bin = assert_cmd::cargo::cargo_bin("ritme");
    for (site, args, redirect, want) in [
        (&good, "--format json", "", 0),
        (&broken, "--format json", "", 1),
        (&broken, "", "2>&1", 1),
    ] {
        // Enough output that it cannot leave in the one write before `head` is gone.
        for _ in 0..3 {
            let script = format!(
                "{} check {} {args} {redirect} | head -c1 >/dev/null; exit ${{PIPESTATUS[0]}}",
                bin.display(),
                site.site().display()
            );
            let out = std::process::Command::new("bash")
                .arg("-c")
                .arg(&script)
                .output()
                .unwrap();
            let err = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(want), "{script}\n{err}");
            assert!(!err.contains("panicked"), "{script}\n{err}");
        }
    }
}
