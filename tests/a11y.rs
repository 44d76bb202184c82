//! Accessibility and validity of the built pages.
//!
//! The fast checks read the HTML of every page of the example's aggregate
//! and named builds for the mistakes a browser-based checker once found
//! there. The full check runs `tools/a11y/check.mjs` (axe-core in Chromium
//! at 1280 and 390 px, the Nu HTML Checker, page width and chart text size
//! on a phone) over the aggregate, pseudonymous and named builds; it needs
//! Node, Java, Chromium and `npm ci` in `tools/a11y`, and is skipped by
//! name without them (failed instead with `RITME_REQUIRE_TOOLS=1`).

mod support;

use std::path::Path;
use std::process::Command;

use support::*;

/// Every HTML page of a build of the example with `privacy.mode: MODE`.
fn pages(mode: &str) -> Vec<(String, String)> {
    let site = TestSite::example();
    let config = site
        .read("ritme.yaml")
        .replace("  mode: aggregate", &format!("  mode: {mode}"));
    assert!(config.contains(&format!("mode: {mode}")));
    site.write("ritme.yaml", &config);
    site.build(&["--no-cache"]).success();
    let pages: Vec<(String, String)> = tree(&site.out())
        .into_iter()
        .filter(|(p, _)| p.ends_with(".html"))
        .map(|(p, b)| (p, String::from_utf8(b).unwrap()))
        .collect();
    assert!(pages.len() > 40, "only {} pages", pages.len());
    pages
}

/// The start tags named `tag` in `html` (`<input …>`), attributes and all.
fn tags<'a>(html: &'a str, tag: &str) -> Vec<&'a str> {
    let open = format!("<{tag}");
    html.match_indices(&open)
        .filter(|(i, _)| {
            html[i + open.len()..]
                .chars()
                .next()
                .is_some_and(|c| c == ' ' || c == '>' || c == '/')
        })
        .map(|(i, _)| &html[i..i + html[i..].find('>').unwrap_or(0) + 1])
        .collect()
}

fn check_markup(path: &str, html: &str) {
    // aria-expanded is allowed on an input only in its combobox role.
    for input in tags(html, "input") {
        if input.contains("aria-expanded") {
            assert!(input.contains("role=\"combobox\""), "{path}: {input}");
        }
        // A checkbox in the page's text (a task list) has a label around it.
        if input.contains("type=\"checkbox\"") {
            let at = html.find(input).unwrap();
            let before = &html[..at];
            assert!(before.ends_with("<label>"), "{path}: unlabelled {input}");
        }
    }
    // One description per page, never empty.
    let descriptions = tags(html, "meta")
        .into_iter()
        .filter(|m| m.contains("name=\"description\""))
        .collect::<Vec<_>>();
    assert_eq!(descriptions.len(), 1, "{path}: {descriptions:?}");
    assert!(!descriptions[0].contains("content=\"\""), "{path}: empty description");
    // Every <time> says its date in machine-readable form.
    for time in tags(html, "time") {
        assert!(time.contains("datetime=\""), "{path}: {time}");
    }
    // A figure's caption comes last: nothing follows </figcaption> in it.
    for figure in html.split("<figure").skip(1) {
        let figure = figure.split("</figure>").next().unwrap();
        if let Some((_, after)) = figure.split_once("</figcaption>") {
            assert!(
                after.trim().is_empty(),
                "{path}: {:.80} after the caption",
                after.trim()
            );
        }
    }
    // Headings never skip a level going down (h1 → h3).
    let mut headings: Vec<(usize, u8)> = (1..=6u8)
        .flat_map(|l| {
            let open = format!("<h{l}");
            html.match_indices(&open)
                .filter(|(i, _)| html[i + open.len()..].starts_with([' ', '>']))
                .map(move |(i, _)| (i, l))
                .collect::<Vec<_>>()
        })
        .collect();
    headings.sort();
    for pair in headings.windows(2) {
        assert!(
            pair[1].1 <= pair[0].1 + 1,
            "{path}: h{} followed by h{}",
            pair[0].1,
            pair[1].1
        );
    }
}

#[test]
fn every_page_of_the_aggregate_build_is_well_formed_for_assistive_technology() {
    for (path, html) in pages("aggregate") {
        check_markup(&path, &html);
        if path != "404.html" && !path.contains("rapport-") {
            assert!(html.contains("rel=\"icon\""), "{path}: no favicon");
        }
    }
}

#[test]
fn every_page_of_the_named_build_is_well_formed_for_assistive_technology() {
    for (path, html) in pages("named") {
        check_markup(&path, &html);
    }
}

/// A program the full check needs, or why it cannot run.
fn missing_tools(root: &Path) -> Option<String> {
    for (program, arg) in [("node", "--version"), ("java", "-version"), ("chromium", "--version")] {
        let ok = Command::new(program)
            .arg(arg)
            .output()
            .is_ok_and(|o| o.status.success());
        if !ok {
            return Some(format!("{program} is not installed"));
        }
    }
    for module in ["axe-core", "puppeteer-core", "vnu-jar"] {
        if !root.join("tools/a11y/node_modules").join(module).is_dir() {
            return Some(format!(
                "tools/a11y has no node_modules/{module} (run `npm ci` in tools/a11y)"
            ));
        }
    }
    None
}

/// axe-core (WCAG 2.1 AA) at 1280 and 390 px, the Nu HTML Checker, no page
/// wider than a phone and chart text of 11 px or more, on every page of the
/// example's aggregate, pseudonymous and named builds and of the sites
/// `ritme new --lang en`, `--empty` and `--lang nl --empty` write: zero
/// findings.
#[test]
#[cfg_attr(
    not(all(ritme_chromium, ritme_node, ritme_java)),
    ignore = "needs chromium, node and java (./test installs them)"
)]
fn the_example_and_new_sites_pass_axe_and_the_nu_html_checker_on_every_page() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    if let Some(reason) = missing_tools(root) {
        skip(&format!("{reason} (./test installs it)"));
        return;
    }
    let work = tempfile::tempdir().unwrap();
    // The starters `ritme new` writes, built, checked in the same browser
    // session as the example's three builds.
    let mut built = Vec::new();
    for (name, args) in [
        ("new-en", &["--lang", "en"][..]),
        ("new-empty", &["--empty"][..]),
        ("new-nl-empty", &["--lang", "nl", "--empty"][..]),
    ] {
        let site = work.path().join(format!("site-{name}"));
        ritme().arg("new").arg(&site).args(args).assert().success();
        let out = work.path().join(name);
        ritme()
            .arg("build")
            .arg(&site)
            .arg("-o")
            .arg(&out)
            .arg("--no-cache")
            .assert()
            .success();
        assert!(
            tree(&out).keys().filter(|p| p.ends_with(".html")).count() >= 5,
            "{name}"
        );
        built.push(out);
    }
    let out = Command::new("node")
        .arg(root.join("tools/a11y/check.mjs"))
        .arg(root.join("content"))
        .arg("--ritme")
        .arg(env!("CARGO_BIN_EXE_ritme"))
        .arg("--work")
        .arg(work.path().join("check"))
        .arg("--built")
        .args(&built)
        .output()
        .expect("run node");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let summary: Vec<&str> = stdout.lines().filter(|l| l.contains(" pages · ")).collect();
    assert_eq!(summary.len(), 6, "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    for name in ["new-en", "new-empty", "new-nl-empty"] {
        assert!(summary.iter().any(|l| l.starts_with(&format!("{name}: "))), "{stdout}");
    }
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("no findings"), "{stdout}");
}
