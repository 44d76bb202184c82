//! Headless Chromium (Debian's; `./test` installs it) opens built pages from
//! `file://` and checks that every chart is drawn with a real size and that
//! no page logs a console error. Screenshots are kept for people to look at.

mod support;

use std::path::Path;
use std::process::Command;

use support::*;

fn chromium(profile: &Path, args: &[String]) -> std::process::Output {
    Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
        ])
        .args([
            "--disable-component-update",
            "--disable-sync",
            "--allow-file-access-from-files",
        ])
        .args(["--enable-logging=stderr", "--v=0", "--virtual-time-budget=4000"])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .output()
        .expect("chromium runs")
}

/// Loads `page` in an iframe of a probe page that reports each chart's size.
fn chart_sizes(dir: &Path, page: &Path) -> (Vec<(f64, f64)>, String) {
    let probe = dir.join(format!("probe-{}.html", page.display().to_string().len()));
    std::fs::write(
        &probe,
        format!(
            r#"<!DOCTYPE html><html><body><pre id="out">pending</pre>
<iframe id="f" src="file://{}" style="width:1280px;height:900px"></iframe>
<script>
document.getElementById('f').addEventListener('load', function () {{
  var d = this.contentDocument;
  // Each chart's drawing on show (a chart carries a desktop and a phone one).
  var sizes = Array.prototype.map.call(d.querySelectorAll('figure.chart'), function (f) {{
    var shown = Array.prototype.filter.call(f.querySelectorAll('svg'), function (s) {{ return s.getClientRects().length > 0; }});
    var r = shown.length === 1 ? shown[0].getBoundingClientRect() : {{ width: 0, height: shown.length }};
    return [r.width, r.height];
  }});
  document.getElementById('out').textContent = JSON.stringify(sizes);
}});
</script></body></html>"#,
            page.display()
        ),
    )
    .unwrap();
    let out = chromium(
        &dir.join("profile"),
        &["--dump-dom".into(), format!("file://{}", probe.display())],
    );
    let dom = String::from_utf8_lossy(&out.stdout).into_owned();
    let json = dom
        .split("<pre id=\"out\">")
        .nth(1)
        .and_then(|s| s.split("</pre>").next())
        .unwrap_or("[]");
    let sizes: Vec<(f64, f64)> = serde_json::from_str(json).unwrap_or_else(|_| panic!("probe did not report: {json}"));
    (sizes, String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
#[cfg_attr(not(ritme_chromium), ignore = "needs chromium (./test installs it)")]
fn charts_render_with_real_size_and_pages_log_no_errors() {
    if !have("chromium") {
        return;
    }
    let site = TestSite::example();
    site.build(&[]).success();
    let shots = Path::new(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    for (page, min_charts) in [
        ("index.html", 2),
        ("teams/zuid/index.html", 4),
        ("behaviours/tijdig-opvolgen/index.html", 1),
    ] {
        let path = site.out().join(page);
        let (sizes, log) = chart_sizes(site.tmp.path(), &path);
        assert!(sizes.len() >= min_charts, "{page}: {} charts drawn", sizes.len());
        for (w, h) in &sizes {
            assert!(*w > 100.0 && *h > 20.0, "{page}: a chart of {w}×{h}");
        }
        let errors: Vec<&str> = log
            .lines()
            .filter(|l| l.contains("CONSOLE") || l.contains("Uncaught"))
            .collect();
        assert!(errors.is_empty(), "{page} logged: {errors:#?}");
        let shot = shots.join(format!("{}.png", page.replace('/', "_")));
        chromium(
            &site.tmp.path().join("profile"),
            &[
                "--window-size=1300,1800".into(),
                format!("--screenshot={}", shot.display()),
                format!("file://{}", path.display()),
            ],
        );
        assert!(
            std::fs::metadata(&shot).map(|m| m.len() > 10_000).unwrap_or(false),
            "no screenshot of {page}"
        );
    }
}

#[test]
#[cfg_attr(not(ritme_chromium), ignore = "needs chromium (./test installs it)")]
fn the_search_box_finds_pages_as_you_type() {
    if !have("chromium") {
        return;
    }
    let site = TestSite::example();
    site.build(&[]).success();
    let page = site.out().join("behaviours/tijdig-opvolgen/index.html");
    let probe = site.tmp.path().join("search-probe.html");
    std::fs::write(
        &probe,
        format!(
            r#"<!DOCTYPE html><html><body><pre id="out">pending</pre>
<iframe id="f" src="file://{}" style="width:1280px;height:900px"></iframe>
<script>
document.getElementById('f').addEventListener('load', function () {{
  var d = this.contentDocument;
  var input = d.querySelector('.search-input');
  input.value = 'spiegelgesprekken';
  input.dispatchEvent(new Event('input'));
  setTimeout(function () {{
    var items = Array.prototype.map.call(d.querySelectorAll('.search-results li[role=option][data-href]'), function (li) {{
      var title = li.querySelector('strong');
      return [title.textContent, li.getAttribute('data-href'), title.querySelector('mark') ? title.querySelector('mark').textContent : ''];
    }});
    document.getElementById('out').textContent = JSON.stringify({{ hidden: input.hidden, expanded: input.getAttribute('aria-expanded'), items: items }});
  }}, 1500);
}});
</script></body></html>"#,
            page.display()
        ),
    )
    .unwrap();
    let out = chromium(
        &site.tmp.path().join("profile"),
        &["--dump-dom".into(), format!("file://{}", probe.display())],
    );
    let dom = String::from_utf8_lossy(&out.stdout);
    let json = dom
        .split("<pre id=\"out\">")
        .nth(1)
        .and_then(|s| s.split("</pre>").next())
        .unwrap_or("");
    let v: serde_json::Value = serde_json::from_str(json).unwrap_or_else(|_| panic!("no search result report: {json}"));
    assert_eq!(v["hidden"], false, "the box shows when JavaScript runs");
    assert_eq!(v["expanded"], "true", "the combobox says its list is open");
    let items = v["items"].as_array().unwrap();
    // A stemmed word ("spiegelgesprekken") finds the guide titled "Het spiegelgesprek".
    assert!(
        items.iter().any(
            |i| i[0] == "Het spiegelgesprek" && i[1] == "../../coaching/spiegelgesprek/index.html"
                // the matched word is marked
                && i[2] == "spiegelgesprek"
        ),
        "{items:?}"
    );
}

/// Runs `tools/a11y/interact.mjs MODE ARGS…` (puppeteer-core driving
/// Chromium with real key presses) and returns what it printed; `None` when
/// Node or `npm ci` in `tools/a11y` is missing (the test is then skipped).
fn interact(mode: &str, args: &[&Path], extra: &[&str]) -> Option<serde_json::Value> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    if !have("chromium") || !have("node") {
        return None;
    }
    if !root.join("tools/a11y/node_modules/puppeteer-core").is_dir() {
        skip("tools/a11y has no node_modules (run `npm ci` in tools/a11y)");
        return None;
    }
    let out = Command::new("node")
        .arg(root.join("tools/a11y/interact.mjs"))
        .arg(mode)
        .args(args)
        .args(extra)
        .output()
        .expect("run node");
    assert!(
        out.status.success(),
        "interact.mjs {mode} failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    Some(serde_json::from_slice(&out.stdout).expect("interact.mjs prints JSON"))
}

/// On a phone the menu is a real button: reached with Tab, opened and
/// closed with Enter and Space, announcing its state, closed by Escape
/// with the focus back on it. Without JavaScript the menu simply shows.
#[test]
#[cfg_attr(
    not(all(ritme_chromium, ritme_node)),
    ignore = "needs chromium and node (./test installs them)"
)]
fn the_phone_menu_opens_and_closes_from_the_keyboard() {
    let site = TestSite::example();
    site.build(&["--no-cache"]).success();
    let Some(v) = interact("menu", &[&site.out().join("teams/noord/index.html")], &[]) else {
        return;
    };
    let steps = v["steps"].as_array().unwrap();
    let step = |key: &str| {
        steps
            .iter()
            .find(|s| s["key"].as_str().unwrap().starts_with(key))
            .unwrap_or_else(|| panic!("no step {key}: {v}"))
    };
    let load = step("load");
    assert_eq!(load["tag"], "button", "{v}");
    assert_eq!(load["controls"], "site-nav", "{v}");
    assert_eq!(
        (load["expanded"].as_str(), load["nav_visible"].as_bool()),
        (Some("false"), Some(false)),
        "{v}"
    );
    assert_eq!(step("Tab")["focused"], true, "Tab reaches the button: {v}");
    let states: Vec<(&str, bool)> = steps[2..5]
        .iter()
        .map(|s| (s["expanded"].as_str().unwrap(), s["nav_visible"].as_bool().unwrap()))
        .collect();
    // Enter opens, Space closes, Enter opens again.
    assert_eq!(states, [("true", true), ("false", false), ("true", true)], "{v}");
    let escape = step("Tab, Escape");
    assert_eq!(escape["in_menu_before"], true, "Tab goes into the open menu: {v}");
    assert_eq!(
        (
            escape["expanded"].as_str(),
            escape["nav_visible"].as_bool(),
            escape["focused"].as_bool()
        ),
        (Some("false"), Some(false), Some(true)),
        "Escape closes the menu and returns the focus: {v}"
    );
    let no_script = &v["no_script"];
    assert_eq!(no_script["nav_visible"], true, "{v}");
    assert_eq!(no_script["button_visible"], false, "no button that does nothing: {v}");
    assert!(no_script["links"].as_u64().unwrap() > 10, "{v}");
}

/// A match far down a page is shown in its context: the snippet is the
/// text around the first match, cut at words, with the match marked, not
/// the page's first lines.
#[test]
#[cfg_attr(
    not(all(ritme_chromium, ritme_node)),
    ignore = "needs chromium and node (./test installs them)"
)]
fn a_search_snippet_shows_the_text_around_a_match_deep_in_a_page() {
    let site = TestSite::example();
    let filler = "Elke week bellen we de offertes na en schrijven we op wat de klant zei. ".repeat(60);
    site.write(
        "pages/lange-pagina.md",
        &format!(
            "---\ntitle: Een lange pagina\nsummary: Veel tekst.\n---\n\n{filler}\n\n\
             Helemaal onderaan staat het woord zeldzaamheidsproef tussen andere woorden in deze zin.\n"
        ),
    );
    site.build(&["--no-cache"]).success();
    assert!(site.output("assets/search-text/0.js").contains("zeldzaamheidsproef"));
    let page = site.out().join("behaviours/tijdig-opvolgen/index.html");
    let Some(v) = interact("search", &[&page], &["zeldzaamheid"]) else {
        return;
    };
    let results = v["results"].as_array().unwrap();
    let hit = results
        .iter()
        .find(|r| r["title"] == "Een lange pagina")
        .unwrap_or_else(|| panic!("the page is found: {v}"));
    let snippet = hit["snippet"].as_str().unwrap();
    assert_eq!(hit["marks"], serde_json::json!(["zeldzaamheidsproef"]), "{v}");
    assert!(
        snippet.starts_with('…') && !snippet.starts_with("…Elke week"),
        "{snippet}"
    );
    assert!(
        snippet.contains("Helemaal onderaan staat het woord zeldzaamheidsproef tussen"),
        "{snippet}"
    );
    // Cut at words, about the usual length.
    let words = |s: &str| s.trim_matches('…').split(' ').map(str::to_string).collect::<Vec<_>>();
    let source =
        format!("{filler} Helemaal onderaan staat het woord zeldzaamheidsproef tussen andere woorden in deze zin.");
    let source_words = words(&source);
    assert!(words(snippet).iter().all(|w| source_words.contains(w)), "{snippet}");
    assert!((100..=200).contains(&snippet.chars().count()), "{snippet}");

    // Only the title matches ("lange" is not in the text): the snippet is
    // the page's start (its summary, then its body), taken from the same
    // text script (the index holds no page text).
    let v = interact("search", &[&page], &["lange pagina"]).unwrap();
    let hit = v["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["title"] == "Een lange pagina")
        .unwrap_or_else(|| panic!("the page is found by its title: {v}"));
    let snippet = hit["snippet"].as_str().unwrap();
    assert!(
        snippet.starts_with("Veel tekst. Elke week bellen we") && snippet.ends_with('…'),
        "{snippet}"
    );
    assert!((100..=181).contains(&snippet.chars().count()), "{snippet}");
}

/// On a 390 px phone every chart shows one drawing whose text is 11 px or
/// more on screen, in a box that does not scroll sideways, and no figure of
/// a table is cut over two lines; on a desktop screen the wide drawing
/// shows (one per chart there too).
#[test]
#[cfg_attr(
    not(all(ritme_chromium, ritme_node)),
    ignore = "needs chromium and node (./test installs them)"
)]
fn charts_and_badges_on_a_phone_stay_readable_and_inside_their_boxes() {
    let site = TestSite::example();
    site.build(&["--no-cache"]).success();
    // A person's page exists only where people may be named: a team's
    // audience of the example, built beside the aggregate site.
    let named = site.tmp.path().join("named");
    ritme()
        .arg("build")
        .arg(site.site())
        .arg("-o")
        .arg(&named)
        .args(["--no-cache", "--audience", "team-noord"])
        .assert()
        .success();
    let mut pages: Vec<std::path::PathBuf> = [
        "index.html",
        "teams/noord/index.html",
        "behaviours/tijdig-opvolgen/index.html",
        "reports/2026-11/index.html",
        "reports/2026-11/rapport-2026-11.html",
        "reports/2026-01/index.html",
    ]
    .iter()
    .map(|p| site.out().join(p))
    .collect();
    pages.extend(["people/anne/index.html", "teams/noord/index.html"].map(|p| named.join(p)));
    let args: Vec<&Path> = pages.iter().map(|p| p.as_path()).collect();
    for width in ["390", "1280"] {
        let Some(v) = interact("charts", &args, &["--width", width]) else {
            return;
        };
        let mut charts = 0;
        for page in v["pages"].as_array().unwrap() {
            let n = page["charts"].as_u64().unwrap();
            charts += n;
            assert!(n > 0, "{page}");
            let shown = page["visible_svgs"].as_array().unwrap();
            assert!(
                shown.iter().all(|s| s == 1),
                "one drawing per chart at {width} px: {page}"
            );
            assert_eq!(page["scrolling"], 0, "{page}");
            assert_eq!(page["page_wider"], false, "{page}");
            assert_eq!(
                page["labels_outside"],
                serde_json::json!([]),
                "level badges stick out of their cards at {width} px: {page}"
            );
            assert_eq!(
                page["broken_figures"],
                serde_json::json!([]),
                "figures cut over two lines at {width} px: {page}"
            );
            if width == "390" {
                let min = page["min_text_px"].as_f64().unwrap();
                assert!(min >= 11.0, "chart text of {min} px at {width} px: {page}");
            }
        }
        assert!(charts >= 14, "{v}");
    }
}
