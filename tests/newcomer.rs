//! What someone meets on a fresh machine: `serve --open` without a desktop,
//! the version their CI runs, a new site ready to publish from CI.

mod support;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::os::unix::fs::PermissionsExt;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use support::*;

/// `ritme serve SITE --port 0 --open` with `PATH` holding only a stand-in
/// `xdg-open` that records its call and fails, as on a machine without a
/// browser. Returns the server, its address, its stderr lines as they come
/// and the stand-in's record file.
fn serve_open(site: &TestSite, display: Option<&str>) -> (Child, String, mpsc::Receiver<String>, std::path::PathBuf) {
    let bin = site.tmp.path().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let record = site.tmp.path().join("xdg-open-called");
    let opener = bin.join("xdg-open");
    std::fs::write(
        &opener,
        format!("#!/bin/sh\necho \"$@\" > '{}'\nexit 3\n", record.display()),
    )
    .unwrap();
    std::fs::set_permissions(&opener, std::fs::Permissions::from_mode(0o755)).unwrap();
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("ritme"));
    cmd.env("PATH", format!("{}:/bin:/usr/bin", bin.display()))
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY");
    if let Some(d) = display {
        cmd.env("DISPLAY", d);
    }
    let mut child = cmd
        .arg("serve")
        .arg(site.site())
        .args(["--port", "0", "--open"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let addr = loop {
        let line = lines.next().expect("serve printed its address").unwrap();
        if let Some(rest) = line.split("http://").nth(1) {
            break rest.split('/').next().unwrap().to_string();
        }
    };
    std::thread::spawn(move || for _ in lines {});
    let (tx, rx) = mpsc::channel();
    let err = BufReader::new(child.stderr.take().unwrap());
    std::thread::spawn(move || {
        for line in err.lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    (child, addr, rx, record)
}

/// The first stderr line containing `needle`, waiting up to 20 s.
fn line_with(rx: &mpsc::Receiver<String>, needle: &str) -> String {
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while let Some(left) = deadline.checked_duration_since(std::time::Instant::now()) {
        match rx.recv_timeout(left) {
            Ok(line) if line.contains(needle) => return line,
            Ok(_) => continue,
            Err(_) => break,
        }
    }
    panic!("serve never said {needle:?}");
}

fn get_status(addr: &str, path: &str) -> String {
    let mut s = TcpStream::connect(addr).unwrap();
    write!(s, "GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n").unwrap();
    let mut reply = String::new();
    s.read_to_string(&mut reply).unwrap();
    reply.lines().next().unwrap_or("").to_string()
}

#[test]
fn serve_open_without_a_desktop_says_where_to_open_the_page_and_keeps_serving() {
    let site = TestSite::fixture("minimal");
    let (mut child, addr, rx, record) = serve_open(&site, None);
    let note = line_with(&rx, "open http://");
    assert!(note.contains(&format!("open http://{addr}/ in a browser")), "{note}");
    assert!(note.contains("no desktop"), "{note}");
    // No desktop: the opener is not even tried (it could start a text
    // browser in the terminal).
    assert!(!record.exists(), "xdg-open was run");
    assert!(get_status(&addr, "/").contains("200"), "not serving");
    let _ = child.kill();
    let _ = child.wait();
}

#[test]
fn serve_open_says_where_to_open_the_page_when_the_opener_fails() {
    let site = TestSite::fixture("minimal");
    let (mut child, addr, rx, record) = serve_open(&site, Some(":99"));
    let note = line_with(&rx, "open http://");
    assert!(note.contains(&format!("open http://{addr}/ in a browser")), "{note}");
    assert!(record.exists(), "xdg-open was not tried");
    assert!(get_status(&addr, "/").contains("200"), "not serving");
    let _ = child.kill();
    let _ = child.wait();
}

#[test]
fn the_version_is_the_changelogs_latest_release() {
    let changelog =
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("CHANGELOG.md")).unwrap();
    let latest = changelog
        .lines()
        .filter_map(|l| l.strip_prefix("## "))
        .find(|h| h.starts_with(|c: char| c.is_ascii_digit()))
        .and_then(|h| h.split_whitespace().next())
        .expect("CHANGELOG.md names a release");
    let out = ritme().arg("--version").output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), format!("ritme {latest}"));
}

#[test]
fn a_new_site_has_a_ci_workflow_that_checks_and_builds_every_audience() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("programma");
    ritme().arg("new").arg(&site).assert().success();
    let workflow = std::fs::read_to_string(site.join(".github/workflows/ritme.yml")).expect("a CI file");
    let recipe =
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("ci/github-actions.yml"))
            .unwrap();
    assert_eq!(workflow, recipe, "the new site's workflow is ci/github-actions.yml");
    let yaml: serde_yaml::Value = serde_yaml::from_str(&workflow).expect("valid YAML");
    let runs: Vec<&str> = yaml["jobs"]["site"]["steps"]
        .as_sequence()
        .unwrap()
        .iter()
        .filter_map(|s| s["run"].as_str())
        .collect();
    let all = runs.join("\n");
    for command in [
        "cargo install --git",
        "--tag \"$RITME_VERSION\" --locked",
        "ritme check --strict",
        "ritme build \"$SITE\" --all-audiences",
    ] {
        assert!(all.contains(command), "the workflow does not run {command:?}:\n{all}");
    }
    // The version the workflow installs is this ritme's own release.
    assert!(
        workflow.contains(&format!("RITME_VERSION: v{}", env!("CARGO_PKG_VERSION"))),
        "{workflow}"
    );
    // And the new site builds as the workflow builds it.
    ritme().arg("build").arg(&site).assert().success();
    assert!(site.join("public/index.html").is_file());
}
