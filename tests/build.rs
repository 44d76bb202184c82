//! `ritme build`, `check` and `new` on real folders, through the real binary.

mod support;

use std::fs;

use predicates::prelude::*;
use support::*;

#[test]
fn example_builds_identically_twice() {
    let site = TestSite::example();
    site.build(&[]).success().stdout(predicate::str::contains("Built"));
    let first = tree(&site.out());
    let again = site.tmp.path().join("again");
    ritme()
        .arg("build")
        .arg(site.site())
        .arg("-o")
        .arg(&again)
        .assert()
        .success();
    let second = tree(&again);
    assert_eq!(first.keys().collect::<Vec<_>>(), second.keys().collect::<Vec<_>>());
    for (path, bytes) in &first {
        assert!(bytes == &second[path], "{path} differs between two builds");
    }
}

#[test]
fn example_has_a_page_for_every_document() {
    let site = TestSite::example();
    site.build(&[]).success();
    for (dir, out) in [
        ("behaviours", "behaviours"),
        ("coaching", "coaching"),
        ("stories", "stories"),
    ] {
        let mut n = 0;
        for entry in fs::read_dir(site.site().join(dir)).unwrap() {
            let entry = entry.unwrap();
            // Stories without consent are left out of the (default) aggregate build.
            if fs::read_to_string(entry.path()).unwrap().contains("consent: false") {
                continue;
            }
            let name = entry.file_name().to_string_lossy().replace(".md", "");
            let page = site.output(&format!("{out}/{name}/index.html"));
            assert!(page.contains("<h1>"), "{out}/{name} has no heading");
            n += 1;
        }
        assert!(n >= 3, "{dir} has only {n} documents");
        assert!(site.out().join(format!("{out}/index.html")).is_file());
    }
    for p in [
        "index.html",
        "404.html",
        "over-ritme/index.html",
        "gedrag-loggen/index.html",
        "assets/style.css",
    ] {
        assert!(site.out().join(p).is_file(), "{p} missing");
    }
}

#[test]
fn html_has_only_relative_references() {
    let site = TestSite::example();
    site.build(&[]).success();
    let attr = regex_lite_refs();
    for (path, bytes) in tree(&site.out()) {
        if !path.ends_with(".html") && !path.ends_with(".css") {
            continue;
        }
        let text = String::from_utf8(bytes).unwrap();
        assert!(
            !text.contains("http://") && !text.contains("https://"),
            "{path} has an absolute URL"
        );
        for value in attr(&text) {
            assert!(!value.starts_with('/'), "{path} has a root-absolute reference {value}");
        }
    }
}

/// Values of href= and src= attributes and CSS url(...) references.
fn regex_lite_refs() -> impl Fn(&str) -> Vec<String> {
    |text: &str| {
        let mut out = Vec::new();
        for key in ["href=\"", "src=\"", "url(\""] {
            let mut rest = text;
            while let Some(i) = rest.find(key) {
                rest = &rest[i + key.len()..];
                let end = rest.find('"').unwrap_or(rest.len());
                out.push(rest[..end].to_string());
            }
        }
        out
    }
}

#[test]
fn links_between_pages_resolve_to_existing_files() {
    let site = TestSite::example();
    site.build(&[]).success();
    let attr = regex_lite_refs();
    let files = tree(&site.out());
    for (path, bytes) in &files {
        if !path.ends_with(".html") || path == "404.html" {
            continue;
        }
        let text = String::from_utf8_lossy(bytes);
        let dir: Vec<&str> = path.split('/').collect::<Vec<_>>()[..path.matches('/').count()].to_vec();
        for value in attr(&text) {
            let target = value.split('#').next().unwrap();
            if target.is_empty() || target.contains(':') {
                continue;
            }
            let mut parts: Vec<&str> = dir.clone();
            for seg in target.split('/') {
                match seg {
                    ".." => {
                        parts.pop();
                    }
                    "." | "" => {}
                    s => parts.push(s),
                }
            }
            let resolved = parts.join("/");
            assert!(
                files.contains_key(&resolved),
                "{path}: link {value} → {resolved} does not exist"
            );
        }
    }
}

#[test]
fn new_then_build_works() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("programma");
    ritme().arg("new").arg(&dir).assert().success();
    assert!(dir.join("ritme.yaml").is_file());
    assert!(
        !dir.join("public").exists(),
        "the example's build output must not be scaffolded"
    );
    ritme().arg("build").arg(&dir).assert().success();
    assert!(dir.join("public/index.html").is_file());
    // A second `new` into the same folder is refused.
    ritme()
        .arg("new")
        .arg(&dir)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("not empty"));
}

#[test]
fn refuses_to_replace_a_foreign_folder() {
    let site = TestSite::fixture("minimal");
    fs::create_dir_all(site.out()).unwrap();
    fs::write(site.out().join("thesis.docx"), "precious").unwrap();
    site.build(&[])
        .code(1)
        .stderr(predicate::str::contains("did not create"));
    assert_eq!(fs::read_to_string(site.out().join("thesis.docx")).unwrap(), "precious");
    // With --force the user takes responsibility.
    site.build(&["--force"]).success();
    assert!(site.out().join("index.html").is_file());
}

#[test]
fn failed_build_leaves_last_good_output_untouched() {
    let site = TestSite::fixture("minimal");
    site.build(&[]).success();
    let before = tree(&site.out());
    site.write("behaviours/bellen.md", "---\ntitle: [unclosed\n---\n");
    site.build(&[]).code(1);
    assert_eq!(before, tree(&site.out()));
}

#[test]
fn broken_link_is_exit_1_with_file_and_line() {
    let site = TestSite::fixture("minimal");
    site.write(
        "pages/over.md",
        "---\ntitle: Over\n---\nEerste regel.\n\nZie [gids](../coaching/gidz.md).\n",
    );
    let a = site.build(&[]).code(1);
    let err = stderr_of(&a);
    assert!(err.contains("pages/over.md:6:5: error: broken link"), "{err}");
    assert!(err.contains("did you mean `../coaching/gids.md`?"), "{err}");
    assert!(!site.out().exists(), "nothing may be written");
}

#[test]
fn broken_anchor_is_an_error() {
    let site = TestSite::fixture("minimal");
    site.write(
        "pages/over.md",
        "---\ntitle: Over\n---\n[x](../coaching/gids.md#stapen)\n",
    );
    let err = stderr_of(&site.build(&[]).code(1));
    assert!(
        err.contains("pages/over.md:4:1") && err.contains("did you mean `#stappen`?"),
        "{err}"
    );
}

#[test]
fn unknown_id_in_front_matter_suggests_the_nearest() {
    let site = TestSite::fixture("minimal");
    site.write(
        "coaching/gids.md",
        "---\ntitle: De gids\nbehaviours:\n  - luisteren\n  - belen\n---\nTekst\n",
    );
    let err = stderr_of(&site.build(&[]).code(1));
    assert!(
        err.contains("coaching/gids.md:5:5: error: unknown behaviour `belen`"),
        "{err}"
    );
    assert!(err.contains("did you mean `bellen`?"), "{err}");
}

#[test]
fn yaml_syntax_error_names_file_and_line() {
    let site = TestSite::fixture("minimal");
    site.write(
        "behaviours/luisteren.md",
        "---\ntitle: Luisteren\ntarget: 2\nroles: [rep\n---\nTekst\n",
    );
    let err = stderr_of(&site.build(&[]).code(1));
    assert!(err.contains("behaviours/luisteren.md:"), "{err}");
    let line: usize = err
        .split("behaviours/luisteren.md:")
        .nth(1)
        .and_then(|s| s.split(':').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    assert!((4..=5).contains(&line), "line {line}: {err}");
}

#[test]
fn all_problems_are_reported_in_one_run() {
    let site = TestSite::fixture("minimal");
    site.write("behaviours/luisteren.md", "---\ntitle: Luisteren\ntarget: 0\n---\n");
    site.write("pages/over.md", "---\ntitel: Over\n---\n");
    site.write(
        "coaching/gids.md",
        "---\ntitle: G\nbehaviours: [onbekend]\n---\n[x](nergens.md)\n",
    );
    let err = stderr_of(&site.build(&[]).code(1));
    for needle in [
        "behaviours/luisteren.md:3",
        "pages/over.md:2",
        "coaching/gids.md:3",
        "coaching/gids.md:5",
    ] {
        assert!(err.contains(needle), "missing {needle} in:\n{err}");
    }
}

#[test]
fn missing_config_is_an_input_error() {
    let site = TestSite::fixture("minimal");
    site.remove("ritme.yaml");
    site.build(&[]).code(1).stderr(predicate::str::contains("ritme.yaml"));
}

#[test]
fn check_reports_without_writing() {
    let site = TestSite::fixture("minimal");
    site.check(&[]).success();
    assert!(!site.site().join("public").exists());
    site.write("pages/over.md", "---\ntitle: Over\n---\n[x](nergens.md)\n");
    let a = site.check(&["--format", "json"]).code(1);
    let json: serde_json::Value = serde_json::from_slice(&a.get_output().stdout).unwrap();
    assert_eq!(json["errors"], 1);
    let errors: Vec<&serde_json::Value> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["severity"] == "error")
        .collect();
    assert_eq!(errors[0]["file"], "pages/over.md");
    assert_eq!(errors[0]["line"], 4);
}

#[test]
fn raw_html_is_dropped_unless_enabled() {
    let site = TestSite::fixture("minimal");
    site.write(
        "pages/over.md",
        "---\ntitle: Over\n---\nHallo <script>alert(1)</script>\n",
    );
    site.build(&[])
        .success()
        .stderr(predicate::str::contains("raw HTML is left out"));
    assert!(!site.output("over/index.html").contains("<script>alert"));
    site.write("ritme.yaml", "title: T\nmarkdown:\n  raw_html: true\n");
    site.build(&[]).success();
    assert!(site.output("over/index.html").contains("<script>alert(1)</script>"));
}

#[test]
fn site_templates_override_the_theme() {
    let site = TestSite::fixture("minimal");
    site.write(
        "templates/page.html",
        "{% extends \"base.html\" %}{% block main %}<h1 class=\"eigen\">{{ page.title }}</h1>{% endblock main %}",
    );
    site.write("static/logo.txt", "logo");
    site.build(&[]).success();
    assert!(
        site.output("over/index.html")
            .contains("<h1 class=\"eigen\">Over ons</h1>")
    );
    assert_eq!(site.output("logo.txt"), "logo");
}

#[test]
fn template_error_names_template_and_page() {
    let site = TestSite::fixture("minimal");
    site.write(
        "templates/page.html",
        "{% extends \"base.html\" %}\n{% block main %}{{ page.title | nosuchfilter }}{% endblock main %}",
    );
    let err = stderr_of(&site.build(&[]).code(1));
    assert!(err.contains("templates/page.html:2"), "{err}");
}

#[test]
fn english_sites_get_english_interface() {
    let site = TestSite::fixture("minimal");
    site.write("ritme.yaml", "title: Test\nlanguage: en\n");
    site.build(&[]).success();
    let html = site.output("behaviours/bellen/index.html");
    assert!(html.contains("lang=\"en\"") && html.contains("times a week"), "{html}");
}

#[test]
fn search_index_holds_every_page_title() {
    let site = TestSite::example();
    site.build(&[]).success();
    let index = site.output("assets/search-index.js");
    assert!(index.starts_with("window.RITME_SEARCH = {"));
    for b in ["Tijdig opvolgen", "Gesprek voorbereiden", "Het spiegelgesprek"] {
        assert!(index.contains(&format!("\"{b}\"")), "{b} not in the index");
    }
    // Every page loads the client, relative to its own depth.
    let page = site.output("behaviours/tijdig-opvolgen/index.html");
    assert!(page.contains("src=\"../../assets/search.js\""));
    assert!(page.contains("data-root=\"../../\""));
}

/// What every page repeats is kept short: the search box (which needs
/// JavaScript anyway) is made by its script from the labels the page
/// carries, and the menu has no blank or indented lines.
#[test]
fn every_page_carries_a_short_chrome() {
    let site = TestSite::example();
    site.build(&[]).success();
    let page = site.output("behaviours/tijdig-opvolgen/index.html");
    let search = page
        .lines()
        .find(|l| l.contains("class=\"search\""))
        .unwrap_or_else(|| panic!("{page}"));
    assert_eq!(
        search.trim(),
        "<div class=\"search\" data-root=\"../../\" data-label=\"Zoeken\" \
         data-placeholder=\"Zoek in het playbook…\" data-none=\"Niets gevonden\"></div>"
    );
    assert!(!page.contains("<input"), "the box is made by search.js");
    let nav = &page[page.find("<nav class=\"sidebar\"").unwrap()..];
    let nav = &nav[..nav.find("</nav>").unwrap()];
    assert!(nav.contains("aria-current=\"page\""), "{nav}");
    for line in nav.lines() {
        assert!(!line.trim().is_empty() && !line.starts_with(' '), "{line:?} in\n{nav}");
    }
}

#[test]
fn check_warns_about_overdue_reviews_and_drafts_and_strict_fails() {
    let site = TestSite::fixture("minimal");
    site.write(
        "pages/over.md",
        "---\ntitle: Over\nowner: HR\nstatus: draft\nreview_by: 2020-01-31\n---\nTekst\n",
    );
    let a = site.check(&[]).success();
    let err = stderr_of(&a);
    assert!(
        err.contains("pages/over.md:5:12: warning: past its review date 2020-01-31 (owner: HR)"),
        "{err}"
    );
    assert!(err.contains("pages/over.md:4:9: warning: draft"), "{err}");
    site.check(&["--strict"]).code(1);
    // The build marks the draft but does not depend on today's date.
    site.build(&[]).success();
    assert!(site.output("over/index.html").contains("banner-draft"));
}

#[test]
fn folders_of_pages_get_an_index_and_a_menu_entry() {
    let site = TestSite::fixture("minimal");
    site.write(
        "pages/hulp-bij-loggen/eerste-keer.md",
        "---\ntitle: De eerste keer\nsummary: Zo begin je.\n---\nTekst\n",
    );
    site.write("pages/hulp-bij-loggen/vragen.md", "---\ntitle: Vragen\n---\nTekst\n");
    site.build(&[]).success();
    let index = site.output("hulp-bij-loggen/index.html");
    assert!(index.contains("<h1>Hulp bij loggen</h1>"), "{index}");
    assert!(index.contains("href=\"../hulp-bij-loggen/eerste-keer/index.html\"") && index.contains("Zo begin je."));
    assert!(
        site.output("index.html")
            .contains("href=\"hulp-bij-loggen/index.html\"")
    );
}

#[test]
fn the_example_carries_many_charts_each_with_title_desc_and_table() {
    let site = TestSite::example();
    site.build(&[]).success();
    let mut charts = 0;
    for (path, bytes) in tree(&site.out()) {
        if !path.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8(bytes).unwrap();
        assert!(
            !html.contains("{{ chart") && !html.contains("RITMESHORTCODE"),
            "unexpanded shortcode in {path}"
        );
        for figure in html.split("<figure class=\"chart").skip(1) {
            let figure = figure.split("</figure>").next().unwrap();
            charts += 1;
            assert!(figure.contains("role=\"img\""), "{path}: chart without role");
            assert!(
                figure.contains("<title") && figure.contains("<desc"),
                "{path}: chart without title/desc"
            );
            assert!(
                figure.contains("<table>") && figure.contains("<figcaption>"),
                "{path}: chart without table/sentence"
            );
            assert!(figure.contains("<text"), "{path}: chart without text labels");
        }
    }
    assert!(charts >= 20, "only {charts} charts");
    // Every behaviour that applies to reps has its chart.
    assert!(
        site.output("behaviours/tijdig-opvolgen/index.html")
            .contains("<figure class=\"chart")
    );
    // The shortcodes of the example are drawn in their pages.
    assert!(
        site.output("coaching/spiegelgesprek/index.html")
            .contains("<figure class=\"chart chart-trend\"")
    );
    assert!(
        site.output("over-ritme/index.html")
            .contains("<figure class=\"chart chart-levels\"")
    );
}

#[test]
fn bad_shortcodes_are_errors_with_file_and_line() {
    let site = TestSite::fixture("minimal");
    site.write(
        "pages/over.md",
        "---\ntitle: Over\n---\nTekst\n\n{{ chart(kind=\"trnd\") }}\n\n{{ chart(kind=\"trend\", team=\"zuid\") }}\n\n{{ chart(kind=\"heatmap\", tema=\"noord\") }}\n\n{{ chart(kind=\"trend\" }}\n",
    );
    let err = stderr_of(&site.build(&[]).code(1));
    assert!(
        err.contains("pages/over.md:6:1: error: unknown chart kind `trnd`") && err.contains("did you mean `trend`?"),
        "{err}"
    );
    assert!(err.contains("pages/over.md:8:1: error: unknown team `zuid`"), "{err}");
    assert!(
        err.contains("pages/over.md:10:1: error: `heatmap` chart has no argument `tema`")
            && err.contains("did you mean `team`?"),
        "{err}"
    );
    assert!(err.contains("pages/over.md:12:"), "{err}");
}

#[test]
fn the_home_page_lists_pages_due_for_review_as_of_the_data() {
    let site = TestSite::example();
    site.build(&[]).success();
    let home = site.output("index.html");
    // pijplijnreview's review date (2026-09-30) passed before the last logged week (2026-W47).
    assert!(
        home.contains("Te herzien") && home.contains("Wekelijkse pijplijnreview</a> · Herzien vóór 30 september 2026"),
        "{home}"
    );
}

#[test]
fn a_build_with_nothing_changed_stops_early_and_any_change_rebuilds() {
    let site = TestSite::example();
    site.build(&[]).success().stdout(predicate::str::contains("Built"));
    let before = tree(&site.out());
    site.build(&[]).success().stdout(predicate::str::contains("Up to date"));
    assert_eq!(before, tree(&site.out()));
    site.write(
        "pages/veelgestelde-vragen.md",
        &(site.read("pages/veelgestelde-vragen.md") + "\nNog een vraag.\n"),
    );
    site.build(&[]).success().stdout(predicate::str::contains("Built"));
    assert!(site.output("veelgestelde-vragen/index.html").contains("Nog een vraag."));
    site.build(&["--force"])
        .success()
        .stdout(predicate::str::contains("Built"));
    // Another audience or base URL is another build.
    site.build(&["--base-url", "https://intranet.example/ritme/"])
        .success()
        .stdout(predicate::str::contains("Built"));
}

#[test]
fn builds_after_random_edits_equal_clean_builds() {
    let site = TestSite::example();
    site.build(&[]).success();
    let files: Vec<String> = tree(&site.site())
        .keys()
        .filter(|p| p.ends_with(".md"))
        .cloned()
        .collect();
    // A fixed pseudo-random sequence: the same edits on every run.
    let mut seed: u64 = 0x5eed_2026;
    let mut next = |n: usize| {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (seed >> 33) as usize % n
    };
    let logs: Vec<String> = tree(&site.site())
        .keys()
        .filter(|p| p.starts_with("data/logs/") && p.ends_with(".yaml"))
        .cloned()
        .collect();
    let mut kept_any = false;
    // Pages this test added (and may delete or move).
    let mut added: Vec<String> = Vec::new();
    let out = site.out();
    let beside = |suffix: &str| {
        let name = out.file_name().unwrap().to_string_lossy().into_owned();
        out.with_file_name(format!(".{name}.{suffix}"))
    };
    for round in 0..12 {
        // Every kind of edit comes up; which file it hits is drawn.
        let (file, edited) = match round % 8 {
            // A week's count changes: every chart and figure that shows it.
            3 => {
                let file = logs[next(logs.len())].clone();
                let text = site.read(&file);
                let edited = text.replacen(": 2\n", ": 3\n", 1).replacen(": 1\n", ": 2\n", 1);
                (file, edited)
            }
            // A page added: the routes every link is resolved against change.
            4 => {
                let file = format!("pages/ronde-{round}.md");
                added.push(file.clone());
                (
                    file,
                    format!("---\ntitle: Ronde {round}\n---\nNieuw in ronde {round}: zeldzaamheid.\n"),
                )
            }
            // A page deleted, or moved to another name.
            kind @ (5 | 6) if !added.is_empty() => {
                let gone = added.remove(next(added.len()));
                let text = site.read(&gone);
                site.remove(&gone);
                if kind == 5 {
                    let file = files[next(files.len())].clone();
                    let text = site.read(&file);
                    (file, format!("{text}\nNa het wissen in ronde {round}.\n"))
                } else {
                    let file = format!("pages/verplaatst-{round}.md");
                    added.push(file.clone());
                    (file, text)
                }
            }
            // The site's settings: every page's chrome.
            7 => {
                let file = "ritme.yaml".to_string();
                let text = site.read(&file);
                (
                    file,
                    text.replacen("description: ", &format!("description: R{round} "), 1),
                )
            }
            kind => {
                let file = files[next(files.len())].clone();
                let text = site.read(&file);
                let edited = match kind {
                    0 => format!("{text}\nToegevoegd in ronde {round}.\n"),
                    // After the opening quote when the title is quoted: still valid YAML.
                    1 if text.contains("title: \"") => text.replacen("title: \"", &format!("title: \"R{round} "), 1),
                    1 => text.replacen("title: ", &format!("title: R{round} "), 1),
                    _ => text.replacen("\n\n", &format!("\n\nRonde {round}: een nieuwe alinea.\n\n"), 1),
                };
                (file, edited)
            }
        };
        if round % 4 == 2 {
            // What the last build left beside the output, damaged: a slower
            // build, never another one.
            let words = beside("ritme-words");
            let bytes = std::fs::read(&words).unwrap();
            std::fs::write(&words, &bytes[..bytes.len() / 2]).unwrap();
            let shard = std::fs::read_dir(beside("ritme-md"))
                .unwrap()
                .next()
                .unwrap()
                .unwrap()
                .path();
            let mut bytes = std::fs::read(&shard).unwrap();
            let at = bytes.len() - 3;
            bytes[at] ^= 0x20;
            std::fs::write(&shard, bytes).unwrap();
        }
        let file = &file;
        site.write(file, &edited);
        // Into the folder of the previous build (only changed pages rendered,
        // only changed files written) …
        let out = String::from_utf8(site.build(&[]).success().get_output().stdout.clone()).unwrap();
        assert!(out.contains("Built"), "{out}");
        kept_any |= out.contains(" unchanged)");
        // … and into a fresh one: the same bytes.
        let clean = site.clean_build(&format!("clean-{round}"));
        let (inc, full) = (tree(&site.out()), tree(&clean));
        assert_eq!(
            inc.keys().collect::<Vec<_>>(),
            full.keys().collect::<Vec<_>>(),
            "round {round}: other files"
        );
        for (p, bytes) in &inc {
            assert!(
                bytes == &full[p],
                "round {round} ({file}): {p} differs from a clean build"
            );
        }
    }
    assert!(
        kept_any,
        "no round kept a page from the build before: the cache was not exercised"
    );
}

/// (rendered, unchanged) from a build's summary line.
fn rendered_and_kept(a: &assert_cmd::assert::Assert) -> (usize, usize) {
    let out = String::from_utf8_lossy(&a.get_output().stdout).into_owned();
    let Some((_, rest)) = out.split_once("; ") else {
        let total = out.split_whitespace().nth(1).and_then(|n| n.parse().ok());
        return (total.unwrap_or_else(|| panic!("no page count in {out:?}")), 0);
    };
    let numbers: Vec<usize> = rest
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|n| n.parse().ok())
        .take(2)
        .collect();
    (numbers[0], numbers[1])
}

#[test]
fn editing_one_page_renders_only_the_pages_that_show_it() {
    let site = TestSite::example();
    let (total, kept) = rendered_and_kept(&site.build(&[]).success());
    assert_eq!(kept, 0, "the first build renders everything");

    // A free page's text appears on that page alone.
    let faq = site.read("pages/over-ritme.md");
    site.write("pages/over-ritme.md", &format!("{faq}\nEen nieuwe zin.\n"));
    assert_eq!(rendered_and_kept(&site.build(&[]).success()), (1, total - 1));
    assert!(site.output("over-ritme/index.html").contains("Een nieuwe zin."));

    // A story's text shows on its own page and where it is listed (its
    // behaviours, its team, the stories index, its month's report), not everywhere.
    let story = "stories/offertes-nabellen-zuid.md";
    let text = site.read(story);
    site.write(story, &text.replacen("\n\n", "\n\nEen nieuwe eerste alinea.\n\n", 1));
    let (rendered, kept) = rendered_and_kept(&site.build(&[]).success());
    assert_eq!(rendered + kept, total);
    assert!(
        rendered > 1 && rendered < total / 2,
        "{rendered} of {total} pages rendered"
    );

    // A title in the navigation is on every page.
    let b = "behaviours/tijdig-opvolgen.md";
    site.write(b, &site.read(b).replacen("title: ", "title: Snel ", 1));
    assert_eq!(rendered_and_kept(&site.build(&[]).success()), (total, 0));

    // --no-cache renders everything, even with nothing changed.
    assert_eq!(rendered_and_kept(&site.build(&["--no-cache"]).success()), (total, 0));
}

#[test]
fn a_broken_page_is_reported_once_not_by_every_link_to_it() {
    let site = TestSite::fixture("minimal");
    site.write("pages/over.md", "---\ntitle: [kapot\n---\nTekst\n");
    let err = stderr_of(&site.build(&[]).code(1));
    assert!(err.contains("pages/over.md:"), "{err}");
    assert!(!err.contains("broken link"), "index.md links to the broken page: {err}");
}

/// (Markdown documents rendered, documents in the site), from the timings.
fn markdown_rendered(a: &assert_cmd::assert::Assert) -> (usize, usize) {
    let n = timing_numbers(a, "Markdown rendered for");
    (n[0], n[1])
}

/// A build of `site` into its output with the timings printed.
fn timed_build(site: &TestSite, extra: &[&str]) -> assert_cmd::assert::Assert {
    ritme()
        .arg("build")
        .arg(site.site())
        .arg("-o")
        .arg(site.out())
        .args(extra)
        .env("RITME_TIMINGS", "1")
        .assert()
        .success()
}

#[test]
fn an_edit_runs_markdown_for_the_edited_page_only_and_equals_a_clean_build() {
    let site = TestSite::example();
    let timed = |extra: &[&str]| timed_build(&site, extra);
    let (ran, docs) = markdown_rendered(&timed(&[]));
    assert_eq!(ran, docs, "the first build renders every document");
    assert!(docs > 10);

    let page = "pages/over-ritme.md";
    let text = site.read(page);
    site.write(
        page,
        &format!("{text}\nEen nieuwe zin over [gedrag](../behaviours/tijdig-opvolgen.md).\n"),
    );
    let (ran, _) = markdown_rendered(&timed(&[]));
    // The edited page, plus those whose Markdown draws charts (never cached).
    assert!(ran >= 1 && ran < docs / 2, "{ran} of {docs} documents rendered");
    assert!(site.output("over-ritme/index.html").contains("Een nieuwe zin"));
    assert_eq!(
        tree(&site.out()),
        tree(&site.clean_build("clean")),
        "same bytes as a clean build"
    );

    // A page added changes the routes every link is resolved against: all again.
    site.write("pages/nieuw.md", "---\ntitle: Nieuw\n---\nTekst.\n");
    assert_eq!(markdown_rendered(&timed(&[])), (docs + 1, docs + 1));
    // --no-cache renders every document.
    assert_eq!(markdown_rendered(&timed(&["--no-cache"])), (docs + 1, docs + 1));
}

#[test]
fn an_edit_leaves_unchanged_documents_unrendered_and_a_title_change_renders_them_with_the_same_bytes() {
    let site = TestSite::fixture("minimal");
    let pages = 120;
    for i in 0..pages {
        site.write(
            &format!("pages/map/p{i:03}.md"),
            &format!(
                "---\ntitle: Pagina {i}\n---\n## Kop {i}\n\nTekst van pagina {i}, met [een link](p000.md#kop-0).\n"
            ),
        );
    }
    let timed = |extra: &[&str]| timed_build(&site, extra);
    let made_later = |a: &assert_cmd::assert::Assert| timing_numbers(a, "Markdown made again for")[0];
    assert_eq!(
        made_later(&timed(&[])),
        0,
        "a first build renders every document itself"
    );

    // The edited page's own Markdown runs; of the others only those whose
    // text the search script shared with it holds (32 pages a script) are
    // made again, not every document the cache kept in outline.
    let page = "pages/map/p060.md";
    site.write(page, &format!("{}\nEen nieuwe zin.\n", site.read(page)));
    let edited = timed(&[]);
    let (ran, docs) = markdown_rendered(&edited);
    assert!(ran < 10 && docs > pages, "{ran} of {docs} documents rendered");
    let made = made_later(&edited);
    assert!(
        made <= 40,
        "{made} of {docs} documents made again after a one-page edit"
    );
    assert!(site.output("map/p060/index.html").contains("Een nieuwe zin."));
    assert_eq!(
        tree(&site.out()),
        tree(&site.clean_build("clean")),
        "same bytes as a clean build"
    );

    // The site's title is on every page: every page is rendered, and each
    // document kept in outline is made again from its Markdown.
    let config = site.read("ritme.yaml");
    site.write("ritme.yaml", &config.replace("title: Testsite", "title: Testsite twee"));
    let retitled = timed(&[]);
    assert!(made_later(&retitled) >= pages, "{} made again", made_later(&retitled));
    assert!(site.output("map/p007/index.html").contains("Testsite twee"));
    assert_eq!(
        tree(&site.out()),
        tree(&site.clean_build("clean2")),
        "same bytes as a clean build"
    );
}

/// (pages whose words were counted, pages, text scripts made, text
/// scripts) of the search index, from the timings.
fn search_counted(a: &assert_cmd::assert::Assert) -> [usize; 4] {
    let n = timing_numbers(a, "Search: words counted for");
    [n[0], n[1], n[2], n[3]]
}

#[test]
fn an_edit_counts_the_words_of_the_edited_page_only_and_a_damaged_cache_only_costs_time() {
    let site = TestSite::example();
    let timed = |extra: &[&str]| timed_build(&site, extra);
    let [counted, pages, made, scripts] = search_counted(&timed(&[]));
    assert_eq!((counted, made), (pages, scripts), "the first build counts every page");
    assert!(pages > 10 && scripts > 1, "{pages} pages, {scripts} scripts");

    let page = "pages/over-ritme.md";
    let text = site.read(page);
    site.write(page, &format!("{text}\nEen zin over zeldzaamheid.\n"));
    let edited = timed(&[]);
    assert_eq!(search_counted(&edited), [1, pages, 1, scripts]);
    let [parsed, free] = front_matter_parsed(&edited);
    assert_eq!(parsed, 0, "a body edit parses no front matter");
    assert!(free >= 3, "{free} free pages");
    assert!(site.output("assets/search-index.js").contains("\"zeldza"));
    assert_eq!(
        tree(&site.out()),
        tree(&site.clean_build("clean")),
        "same bytes as a clean build"
    );

    // A damaged cache of word counts: every page counted again, same bytes.
    let words = site.tmp.path().join(".out.ritme-words");
    let bytes = std::fs::read(&words).unwrap();
    for (round, damaged) in [
        bytes[..bytes.len() - 5].to_vec(),
        bytes
            .iter()
            .enumerate()
            .map(|(i, b)| if i == bytes.len() / 2 { b ^ 1 } else { *b })
            .collect(),
        b"nonsense".to_vec(),
    ]
    .into_iter()
    .enumerate()
    {
        std::fs::write(&words, damaged).unwrap();
        site.write(page, &format!("{text}\nRonde {round} over zeldzaamheid.\n"));
        let [counted, ..] = search_counted(&timed(&[]));
        assert_eq!(counted, pages, "round {round}");
        assert_eq!(
            tree(&site.out()),
            tree(&site.clean_build(&format!("clean-{round}"))),
            "round {round}: same bytes as a clean build"
        );
    }
    // A title edited: that page's front matter alone is parsed again.
    site.write(page, &site.read(page).replacen("title: ", "title: Nieuw ", 1));
    assert_eq!(front_matter_parsed(&timed(&[])), [1, free]);
    assert!(site.output("over-ritme/index.html").contains("Nieuw Over"));
    assert_eq!(
        tree(&site.out()),
        tree(&site.clean_build("clean-title")),
        "same bytes as a clean build"
    );
    // A damaged front-matter cache: every page parsed again, same bytes.
    let front = site.tmp.path().join(".out.ritme-front");
    let bytes = std::fs::read(&front).unwrap();
    std::fs::write(&front, &bytes[..bytes.len() - 2]).unwrap();
    site.write(page, &format!("{}\nNog een zin.\n", site.read(page)));
    assert_eq!(front_matter_parsed(&timed(&[])), [free, free]);
    assert_eq!(
        tree(&site.out()),
        tree(&site.clean_build("clean-front")),
        "same bytes as a clean build"
    );

    // --no-cache counts every page and parses every front matter.
    let fresh = timed(&["--no-cache"]);
    assert_eq!(search_counted(&fresh), [pages, pages, scripts, scripts]);
    assert_eq!(front_matter_parsed(&fresh), [free, free]);
}

/// (free pages whose front matter was parsed, free pages), from the timings.
fn front_matter_parsed(a: &assert_cmd::assert::Assert) -> [usize; 2] {
    let n = timing_numbers(a, "Front matter parsed for");
    [n[0], n[1]]
}
