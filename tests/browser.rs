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
  var sizes = Array.prototype.map.call(d.querySelectorAll('figure.chart svg'), function (s) {{
    var r = s.getBoundingClientRect(); return [r.width, r.height];
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
    var items = Array.prototype.map.call(d.querySelectorAll('.search-results li[role=option] a'), function (a) {{
      return [a.querySelector('strong').textContent, a.getAttribute('href')];
    }});
    document.getElementById('out').textContent = JSON.stringify({{ hidden: input.hidden, items: items }});
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
    let items = v["items"].as_array().unwrap();
    // A stemmed word ("spiegelgesprekken") finds the guide titled "Het spiegelgesprek".
    assert!(
        items
            .iter()
            .any(|i| i[0] == "Het spiegelgesprek" && i[1] == "../../coaching/spiegelgesprek/index.html"),
        "{items:?}"
    );
}
