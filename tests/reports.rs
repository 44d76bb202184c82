//! Monthly reports: one per month of data, printable on A4, and a
//! self-contained copy that can be mailed.

mod support;

use std::process::Command;

use support::*;

#[test]
fn a_report_for_every_month_with_a_self_contained_copy() {
    let site = TestSite::example();
    site.build(&[]).success();
    let index = site.output("reports/index.html");
    let months: Vec<String> = (1..=11).map(|m| format!("2026-{m:02}")).collect();
    for m in &months {
        let page = site.output(&format!("reports/{m}/index.html"));
        assert!(page.contains("Scorebord"), "{m}: no scoreboard");
        assert!(
            index.contains(&format!("reports/{m}/index.html\"")),
            "{m} not in the index"
        );
        let mail = site.output(&format!("reports/{m}/rapport-{m}.html"));
        assert!(
            mail.contains("<style>") && mail.contains("<svg"),
            "{m}: mail copy lacks inline CSS or charts"
        );
        for attr in ["href=", "src=", "<script", "@import", "url("] {
            assert!(!mail.contains(attr), "{m}: the mail copy references something ({attr})");
        }
    }
    // Newest first.
    assert!(index.find("reports/2026-11/").unwrap() < index.find("reports/2026-01/").unwrap());
    // The director's commentary and the caveat of lead–lag are in the report.
    let october = site.output("reports/2026-10/index.html");
    assert!(october.contains("Marieke Hoekstra"));
    assert!(october.contains("geen bewijs van oorzaak"));
    // Dutch numbers: a decimal comma in ρ.
    assert!(october.contains("ρ = 0,"), "no Dutch decimal comma");
}

#[test]
#[cfg_attr(
    not(all(ritme_chromium, ritme_pdftotext)),
    ignore = "needs chromium and poppler-utils (./test installs them)"
)]
fn a_report_prints_as_a_clean_a4_document() {
    if !have("chromium") || !have("pdftotext") {
        return;
    }
    let site = TestSite::example();
    site.build(&[]).success();
    let pdf = site.tmp.path().join("report.pdf");
    let status = Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
        ])
        .args(["--disable-component-update", "--disable-sync", "--no-pdf-header-footer"])
        .arg(format!(
            "--user-data-dir={}",
            site.tmp.path().join("chromium").display()
        ))
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!(
            "file://{}",
            site.out().join("reports/2026-11/rapport-2026-11.html").display()
        ))
        .output()
        .unwrap();
    assert!(pdf.is_file(), "no PDF: {}", String::from_utf8_lossy(&status.stderr));
    let info = String::from_utf8(Command::new("pdfinfo").arg(&pdf).output().unwrap().stdout).unwrap();
    let pages: usize = info
        .lines()
        .find(|l| l.starts_with("Pages:"))
        .unwrap()
        .split_whitespace()
        .last()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        (1..=3).contains(&pages),
        "{pages} pages: a five-minute read prints on at most three"
    );
    assert!(info.contains("(A4)"), "not A4: {info}");
    let text = String::from_utf8(Command::new("pdftotext").arg(&pdf).arg("-").output().unwrap().stdout).unwrap();
    assert!(text.to_lowercase().contains("scorebord"), "{text}");
    // Page 1: the three sentences, then the director's commentary.
    let first = text.split('\u{c}').next().unwrap();
    assert!(
        first.contains("Van de directie"),
        "the commentary is not on page 1: {first}"
    );
    assert!(first.contains("Focus voor volgende maand"), "{first}");
    // The data tables are printed too.
    assert!(
        text.contains("Per team") && text.contains("Gecoacht"),
        "no team table in print"
    );
    // The report's title and month on every page, and page numbers.
    assert_eq!(
        text.matches("Ritme in verkoop · November 2026").count(),
        pages,
        "{text}"
    );
    assert!(
        text.replace(" / ", "/").contains(&format!("1/{pages}")),
        "no page numbers"
    );
    // No navigation in print.
    assert!(!text.contains("Zoek in het playbook"));
}

/// The text of the first element with class `class` (its inner text, tags dropped).
fn text_of_class(html: &str, class: &str) -> Option<String> {
    let at = html.find(&format!("class=\"{class}"))?;
    let rest = &html[at..];
    let start = rest.find('>')? + 1;
    let mut depth = 1usize;
    let mut out = String::new();
    let mut i = start;
    let bytes = rest.as_bytes();
    while i < rest.len() {
        if rest[i..].starts_with("</span") {
            depth -= 1;
            if depth == 0 {
                break;
            }
        } else if rest[i..].starts_with("<span") {
            depth += 1;
        }
        if bytes[i] == b'<' {
            i += rest[i..].find('>').unwrap_or(0) + 1;
            continue;
        }
        let ch = rest[i..].chars().next().unwrap();
        out.push(ch);
        i += ch.len_utf8();
    }
    Some(out.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// The headline figure and its change, as printed in the scoreboard.
fn headline(html: &str) -> (String, String) {
    (
        text_of_class(html, "score-value").expect("a headline"),
        text_of_class(html, "score-change").expect("a change beside the headline"),
    )
}

fn latest_report(site: &TestSite) -> String {
    let index = site.output("reports/index.html");
    let at = index.find("reports/20").expect("a report in the index") + "reports/".len();
    let month = &index[at..at + 7];
    site.output(&format!("reports/{month}/index.html"))
}

#[test]
fn the_latest_report_shows_the_home_headline() {
    let site = TestSite::example();
    site.build(&[]).success();
    let home = site.output("index.html");
    let report = latest_report(&site);
    assert_eq!(headline(&home), headline(&report));
    // Its period named beside it, and the change against a named point.
    assert!(home.contains("13 weken tot 2026-W47"), "no period beside the headline");
    assert!(report.contains("13 weken tot 2026-W47"), "no period in the report");
    // The report index shows the same headline as the report.
    let index = site.output("reports/index.html");
    assert!(index.contains(&headline(&home).0));
    // The mail copy too.
    let mail = site.output("reports/2026-11/rapport-2026-11.html");
    assert_eq!(headline(&home), headline(&mail));
}

/// A small English site that nobody tuned: two teams of six reps, eleven
/// weeks of logs ending in the middle of a month.
fn english_site() -> TestSite {
    let site = TestSite::fixture("minimal");
    site.write("ritme.yaml", "title: Sales rhythm\nlanguage: en\ngoal: 0.7\n");
    let mut team =
        String::from("teams:\n  - { id: north, name: Team North }\n  - { id: south, name: Team South }\npeople:\n");
    for t in ["north", "south"] {
        for i in 0..6 {
            team.push_str(&format!(
                "  - {{ id: {t}{i}, name: Person {t} {i}, team: {t}, role: rep }}\n"
            ));
        }
    }
    site.write("data/team.yaml", &team);
    site.remove("data/logs/2026-W10.yaml");
    site.remove("stories/succes.md");
    // W33..W46: the end of August, September, October and most of November
    // (W45–W48). At the end of August fewer than 6 weeks have passed.
    for (n, w) in (33..=46).enumerate() {
        let mut log = format!("week: 2026-W{w}\nentries:\n");
        for t in ["north", "south"] {
            for i in 0..6 {
                let bellen = if t == "north" { (n + i) % 4 } else { 3 - (i + n) % 3 / 2 };
                log.push_str(&format!(
                    "  {t}{i}:\n    bellen: {bellen}\n    luisteren: {}\n",
                    (n + i) % 2
                ));
            }
        }
        site.write(&format!("data/logs/2026-W{w}.yaml"), &log);
    }
    site
}

#[test]
fn on_an_english_site_home_and_the_latest_report_agree_and_the_month_is_provisional() {
    let site = english_site();
    site.build(&[]).success();
    let home = site.output("index.html");
    let report = site.output("reports/2026-11/index.html");
    assert_eq!(headline(&home), headline(&report));
    assert!(home.contains("13 weeks to 2026-W46"), "{home}");
    assert!(report.contains("provisional, weeks 45–46 of 45–48"), "{report}");
    // A complete month is not provisional.
    let october = site.output("reports/2026-10/index.html");
    assert!(!october.contains("provisional, weeks"));
    // The first month with a headline has no earlier point: no change, never "from 0".
    let september = site.output("reports/2026-09/index.html");
    assert!(
        text_of_class(&september, "score-change").is_none(),
        "a change without an earlier point"
    );
}

#[test]
fn a_team_keeps_its_colour_on_every_chart() {
    let site = english_site();
    let team = site.read("data/team.yaml").replace(
        "{ id: south, name: Team South }",
        "{ id: south, name: Team South, colour: \"#7a1f5c\" }",
    );
    site.write("data/team.yaml", &team);
    site.build(&[]).success();
    for page in ["index.html", "teams/south/index.html", "behaviours/bellen/index.html"] {
        let html = site.output(page);
        assert!(
            html.to_lowercase().contains("#7a1f5c"),
            "{page}: Team South is not in its colour"
        );
    }
}

#[test]
fn a_colour_that_is_no_colour_is_an_error_with_a_hint() {
    let site = english_site();
    let team = site.read("data/team.yaml").replace(
        "{ id: south, name: Team South }",
        "{ id: south, name: Team South, colour: purple }",
    );
    site.write("data/team.yaml", &team);
    let out = site.build(&[]).failure();
    let err = stderr_of(&out);
    assert!(err.contains("data/team.yaml:") && err.contains("#rrggbb"), "{err}");
}

/// The widest page width (CSS px) of `pages` opened at 390 px, as a phone would.
fn widths_on_a_phone(site: &TestSite, pages: &[&str]) -> Vec<(String, f64)> {
    let probe = site.tmp.path().join("probe.html");
    let frames: String = pages
        .iter()
        .enumerate()
        .map(|(i, p)| {
            format!(
                "<iframe id=\"f{i}\" src=\"file://{}\" style=\"width:390px;height:700px;border:0\"></iframe>",
                site.out().join(p).display()
            )
        })
        .collect();
    std::fs::write(
        &probe,
        format!(
            r#"<!DOCTYPE html><html><body><pre id="out">pending</pre>{frames}
<script>
var res = {{}}, n = 0, total = {total};
for (var i = 0; i < total; i++) (function (i) {{
  document.getElementById('f' + i).addEventListener('load', function () {{
    res[i] = this.contentDocument.documentElement.scrollWidth;
    if (++n == total) document.getElementById('out').textContent = JSON.stringify(res);
  }});
}})(i);
</script></body></html>"#,
            total = pages.len()
        ),
    )
    .unwrap();
    let out = Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--allow-file-access-from-files",
            "--hide-scrollbars",
            "--virtual-time-budget=4000",
        ])
        .arg(format!(
            "--user-data-dir={}",
            site.tmp.path().join("chromium-phone").display()
        ))
        .arg("--dump-dom")
        .arg(format!("file://{}", probe.display()))
        .output()
        .unwrap();
    let dom = String::from_utf8_lossy(&out.stdout).into_owned();
    let json = dom
        .split("<pre id=\"out\">")
        .nth(1)
        .and_then(|s| s.split("</pre>").next())
        .unwrap_or("{}");
    let widths: std::collections::BTreeMap<usize, f64> =
        serde_json::from_str(json).unwrap_or_else(|_| panic!("the probe did not report: {json}"));
    widths.into_iter().map(|(i, w)| (pages[i].to_string(), w)).collect()
}

#[test]
fn the_report_and_its_mail_copy_fit_a_phone() {
    if Command::new("chromium").arg("--version").output().is_err() {
        panic!("chromium is needed (installed by .ci/run)");
    }
    let site = TestSite::example();
    site.build(&[]).success();
    let widths = widths_on_a_phone(
        &site,
        &["reports/2026-11/index.html", "reports/2026-11/rapport-2026-11.html"],
    );
    assert_eq!(widths.len(), 2);
    for (page, w) in widths {
        assert!(w <= 390.0, "{page} is {w} px wide on a 390 px screen");
    }
}

#[test]
fn strings_read_as_sentences_in_english() {
    let site = english_site();
    let luisteren = site.read("behaviours/luisteren.md");
    site.write(
        "behaviours/luisteren.md",
        &luisteren.replacen("target: 2", "target: 1", 1),
    );
    site.build(&[]).success();
    let page = site.output("behaviours/luisteren/index.html");
    assert!(page.contains("once a week"), "{page}");
    assert!(!page.contains("1 times a week"));
    let bellen = site.output("behaviours/bellen/index.html");
    assert!(bellen.contains("Applies to") && bellen.contains("reps"), "{bellen}");
    assert!(!bellen.contains("For rep"));
}

#[test]
fn a_hidden_role_model_gap_in_the_team_table_says_why() {
    let site = TestSite::example();
    site.build(&[]).success();
    for html in [
        latest_report(&site),
        site.output("reports/2026-11/rapport-2026-11.html"),
    ] {
        assert!(html.contains("–<sup>*</sup>"), "the dash points to a note");
        let after = &html[html.find("–<sup>*</sup>").unwrap()..];
        assert!(
            after.contains(
                "<sup>*</sup> Cijfers van managers (zoals de voorbeeldkloof) staan hier alleen voor managers als groep"
            ),
            "the note under the table"
        );
    }
}

#[test]
fn a_hidden_role_model_gap_is_explained_in_english_too() {
    let site = english_site();
    site.build(&[]).success();
    let html = latest_report(&site);
    assert!(
        html.contains(
            "<sup>*</sup> Figures about managers (such as the role-model gap) appear here only for managers as a group"
        ),
        "{html}"
    );
}

/// The behaviour and team rows of a report's tables.
fn table_rows(html: &str) -> Vec<String> {
    html.split("<tr><th scope=\"row\">")
        .skip(1)
        .map(|r| r.split("</tr>").next().unwrap().to_string())
        .collect()
}

#[test]
fn a_level_never_reads_as_the_verdict_on_the_goal() {
    // The example's goal is 75%, between the developing (50%) and the
    // consistent (80%) thresholds: "75% in ontwikkeling" read as "goal
    // missed". The level is said as a level, the goal apart.
    let site = TestSite::example();
    site.build(&[]).success();
    let report = latest_report(&site);
    let rows = table_rows(&report);
    assert!(!rows.is_empty());
    for row in rows.iter().filter(|r| r.contains("class=\"rate\"")) {
        assert!(
            row.contains("niveau in ontwikkeling")
                || row.contains("niveau consistent")
                || row.contains("niveau incidenteel")
                || row.contains("niveau afwezig"),
            "the level says it is a level: {row}"
        );
        assert!(
            row.contains("doel gehaald") || row.contains("onder het doel"),
            "the goal apart: {row}"
        );
    }
    assert!(
        report.contains("Niveaus: consistent vanaf 80%, in ontwikkeling vanaf 50%, daaronder incidenteel. Het doel van 75% staat daar los van."),
        "the key under the tables"
    );
    let en = english_site();
    en.build(&[]).success();
    let report = latest_report(&en);
    for row in table_rows(&report).iter().filter(|r| r.contains("class=\"rate\"")) {
        assert!(row.contains("level "), "{row}");
        assert!(row.contains("goal met") || row.contains("below goal"), "{row}");
    }
    assert!(
        report.contains("Levels: consistent from 80%, developing from 50%, incidental below."),
        "the key in English"
    );
}

/// The text of each `<li>` of the report's page-1 summary.
fn summary_sentences(html: &str) -> Vec<String> {
    let list = html.split("<ul class=\"report-summary\">").nth(1).expect("a summary");
    let list = list.split("</ul>").next().unwrap();
    list.split("<li>")
        .skip(1)
        .map(|li| li.split("</li>").next().unwrap().to_string())
        .collect()
}

fn score_sentence(html: &str) -> String {
    let s = html
        .split("<p class=\"score-sentence\">")
        .nth(1)
        .expect("a scoreboard sentence");
    s.split("</p>").next().unwrap().to_string()
}

#[test]
fn the_first_page_sentences_add_to_the_figure_above_them() {
    for (site, goal, below, above, teams_word) in [
        (
            TestSite::example(),
            "75%",
            "onder het doel van",
            "boven het doel van",
            "teams op het doel: ",
        ),
        (
            english_site(),
            "70%",
            "below the goal of",
            "above the goal of",
            "teams at goal: ",
        ),
    ] {
        site.build(&[]).success();
        let home = site.output("index.html");
        let (value, change) = headline(&home);
        let report = latest_report(&site);
        let mut said = summary_sentences(&report);
        said.push(score_sentence(&home));
        for s in &said {
            assert!(!s.contains(&value), "{s:?} repeats the headline {value}");
            assert!(
                !s.contains(change.trim_start_matches(['↑', '↓', '→', ' '])),
                "{s:?} repeats the change {change}"
            );
        }
        for s in [&said[0], said.last().unwrap()] {
            assert!(
                s.contains(&format!("{below} {goal}")) || s.contains(&format!("{above} {goal}")),
                "against the goal: {s:?}"
            );
            assert!(s.contains(teams_word), "how many teams meet it: {s:?}");
        }
        assert_eq!(said.len(), 4, "standing, leader and laggard, focus: {said:?}");
    }
}

#[test]
fn the_point_a_change_compares_with_names_its_month_as_the_language_writes_it() {
    for (site, words) in [
        (TestSite::example(), "sinds eind oktober 2026"),
        (english_site(), "since the end of October 2026"),
    ] {
        site.build(&[]).success();
        let home = site.output("index.html");
        let report = latest_report(&site);
        for (page, html) in [("home", &home), ("report", &report)] {
            assert!(html.contains(words), "{page} should say {words:?}");
        }
    }
}

#[test]
fn levels_hidden_beside_a_shown_headline_say_they_protect_a_small_level() {
    // The example's headline stands on 16 reps; its level counts are hidden
    // because one level holds fewer than 5. "Fewer than 5 people have a
    // value here" would contradict the figure right above it.
    let site = TestSite::example();
    site.build(&[]).success();
    let home = site.output("index.html");
    let levels = &home[home.find("score-levels").expect("the levels block")..];
    let levels = &levels[..levels.find("</div>\n").unwrap_or(levels.len())];
    assert!(
        !levels.contains("minder dan 5 mensen hebben hier een waarde"),
        "{levels}"
    );
    assert!(levels.contains("Verborgen om een kleinere groep"), "{levels}");
}
