//! The coaching view: a named build's page for a manager's one-to-ones, and
//! nothing of it in the builds for a wider audience.

mod support;

use std::path::Path;
use std::process::Command;

use support::*;

const REPS: [(&str, &str); 3] = [
    ("wim", "Wim Zonderland"),
    ("xandra", "Xandra Overbeek"),
    ("yusuf", "Yusuf Karaca"),
];
const OLD_COMMITMENT: &str = "Elke maandag de open offertes doorlopen";
const LATEST_COMMITMENT: &str = "Binnen een dag terugbellen na elke offerte";
const QUESTION: &str = "Wat hielp je deze week om op tijd terug te bellen?";

/// A site nobody has seen: one team of three reps and a manager, two
/// behaviours with mirror questions, twelve weeks of logs and two sessions.
fn unseen_site() -> TestSite {
    let site = TestSite::fixture("minimal");
    site.remove("behaviours");
    site.remove("data");
    site.remove("stories");
    site.remove("coaching");
    site.write(
        "ritme.yaml",
        "title: Onbekend\nlanguage: nl\naudiences:\n  breed: { mode: aggregate }\n  pseudo: { mode: pseudonymous }\n  team-oost: { mode: named, teams: [oost] }\n",
    );
    site.write(
        "behaviours/terugbellen.md",
        &format!(
            "---\ntitle: Terugbellen\ntarget: 3\nroles: [rep]\nquestions:\n  - \"{QUESTION}\"\n  - \"Welk telefoontje stelde je uit, en waarom?\"\n  - \"Wat herhaal je volgende week?\"\n---\nBellen.\n"
        ),
    );
    site.write(
        "behaviours/noteren.md",
        "---\ntitle: Noteren\ntarget: 2\nquestions:\n  - \"Welke notitie hielp een collega deze week?\"\n  - \"Wanneer schreef je niets op?\"\n---\nNoteren.\n",
    );
    site.write(
        "data/team.yaml",
        "teams:\n  - { id: oost, name: Team Oost, manager: veerle }\npeople:\n  - { id: veerle, name: Veerle Manders, team: oost, role: manager }\n  - { id: wim, name: Wim Zonderland, team: oost, role: rep }\n  - { id: xandra, name: Xandra Overbeek, team: oost, role: rep }\n  - { id: yusuf, name: Yusuf Karaca, team: oost, role: rep }\n",
    );
    for w in 1..=12u32 {
        // Wim: steady, then drops on terugbellen in the last four weeks.
        let wim = if w <= 8 { 3 } else { 1 };
        // Xandra: weak on both; Yusuf: steady hits.
        site.write(
            &format!("data/logs/2026-W{w:02}.yaml"),
            &format!(
                "week: 2026-W{w:02}\nentries:\n  veerle: {{ noteren: 2 }}\n  wim: {{ terugbellen: {wim}, noteren: 2 }}\n  xandra: {{ terugbellen: {}, noteren: 1 }}\n  yusuf: {{ terugbellen: 3, noteren: 2 }}\n",
                w % 2
            ),
        );
    }
    site.write(
        "data/coaching/2026-03.yaml",
        &format!(
            "sessions:\n  - {{ date: 2026-02-02, coach: veerle, person: wim, minutes: 30, behaviours: [noteren], commitment: \"{OLD_COMMITMENT}\" }}\n  - {{ date: 2026-03-02, coach: veerle, person: wim, minutes: 30, behaviours: [terugbellen], commitment: \"{LATEST_COMMITMENT}\" }}\n"
        ),
    );
    site
}

fn build_audience(site: &TestSite, audience: &str) -> std::path::PathBuf {
    ritme()
        .arg("build")
        .arg(site.site())
        .args(["--audience", audience, "--no-cache"])
        .env("RITME_PSEUDONYM_KEY", "test-key-for-coaching")
        .assert()
        .success();
    site.site().join(format!("public-{audience}"))
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

#[test]
fn a_named_build_has_a_coaching_page_per_team_for_every_rep() {
    let site = unseen_site();
    let out = build_audience(&site, "team-oost");
    let page = read(&out.join("teams/oost/coaching/index.html"));
    for (_, name) in REPS {
        assert!(page.contains(name), "coaching page names {name}");
    }
    assert!(page.contains(LATEST_COMMITMENT), "the latest commitment is shown");
    assert!(!page.contains(OLD_COMMITMENT), "only the latest commitment");
    assert!(page.contains("2 maart 2026"), "the commitment's date");
    assert!(
        page.contains(QUESTION),
        "a mirror question from the behaviour's `questions`"
    );
    // Wim's terugbellen dropped from 3/3 to 1/3: the focus names it with figures.
    assert!(page.contains("Terugbellen daalde van"), "the focus sentence: {page}");
    // Reps in the order of their names, the same on every build.
    let pos: Vec<usize> = REPS.iter().map(|(_, n)| page.find(n).unwrap()).collect();
    assert!(pos.windows(2).all(|w| w[0] < w[1]), "reps in name order");
    let team = read(&out.join("teams/oost/index.html"));
    assert!(
        team.contains("coaching/index.html"),
        "the team page links to its coaching page"
    );
    let home = read(&out.join("index.html"));
    assert!(
        home.contains("teams/oost/coaching/index.html"),
        "the menu links to the coaching page"
    );
}

#[test]
fn wider_builds_contain_no_coaching_page_commitment_or_focus() {
    let site = unseen_site();
    for audience in ["breed", "pseudo"] {
        let out = build_audience(&site, audience);
        assert!(
            !out.join("teams/oost/coaching").exists(),
            "{audience}: no coaching page"
        );
        assert!(
            !read(&out.join("teams/oost/index.html")).contains("coaching/index.html"),
            "{audience}: the team page links to no coaching page"
        );
        for (rel, bytes) in tree(&out) {
            let text = String::from_utf8_lossy(&bytes);
            for needle in [
                LATEST_COMMITMENT,
                OLD_COMMITMENT,
                "oost/coaching",
                "daalde van",
                "class=\"coach-rep",
            ] {
                assert!(!text.contains(needle), "{audience}: {rel} contains `{needle}`");
            }
        }
    }
}

fn pdf_pages(pdf: &Path) -> usize {
    let out = Command::new("pdfinfo").arg(pdf).output().expect("pdfinfo is installed");
    let info = String::from_utf8_lossy(&out.stdout).into_owned();
    info.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no page count in {info}"))
}

#[test]
#[cfg_attr(
    not(all(ritme_chromium, ritme_pdftotext)),
    ignore = "needs chromium and poppler-utils (./test installs them)"
)]
fn the_coaching_page_prints_one_rep_per_page() {
    if !have("chromium") || !have("pdfinfo") {
        return;
    }
    let site = unseen_site();
    let out = build_audience(&site, "team-oost");
    let pdf = site.tmp.path().join("coaching.pdf");
    let status = Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--no-pdf-header-footer",
        ])
        .arg(format!("--user-data-dir={}", site.tmp.path().join("profile").display()))
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!(
            "file://{}",
            out.join("teams/oost/coaching/index.html").display()
        ))
        .output()
        .expect("chromium is installed");
    assert!(
        pdf.is_file(),
        "chromium wrote no PDF: {}",
        String::from_utf8_lossy(&status.stderr)
    );
    assert_eq!(pdf_pages(&pdf), REPS.len(), "one rep per A4 page");
}

#[test]
fn the_behaviour_page_lists_its_mirror_questions() {
    let site = unseen_site();
    site.build(&["--no-cache"]).success();
    let page = site.output("behaviours/terugbellen/index.html");
    assert!(page.contains("Spiegelvragen") && page.contains(QUESTION), "{page}");
}

/// A named site of `teams` teams, each a manager and one rep who logged
/// the last twelve weeks: every team gets a coaching page.
fn site_of_teams(teams: usize) -> TestSite {
    let site = unseen_site();
    site.remove("data");
    let mut team = String::from("teams:\n");
    let mut people = String::from("people:\n");
    let mut entries = String::new();
    for t in 0..teams {
        team.push_str(&format!("  - {{ id: t{t}, name: Team {t}, manager: m{t} }}\n"));
        people.push_str(&format!(
            "  - {{ id: m{t}, name: Manager {t}, team: t{t}, role: manager }}\n  - {{ id: r{t}, name: Rep {t}, team: t{t}, role: rep }}\n"
        ));
        entries.push_str(&format!("  r{t}: {{ terugbellen: 3 }}\n"));
    }
    site.write("data/team.yaml", &format!("{team}{people}"));
    for w in 1..=12u32 {
        site.write(
            &format!("data/logs/2026-W{w:02}.yaml"),
            &format!("week: 2026-W{w:02}\nentries:\n{entries}"),
        );
    }
    site.write("ritme.yaml", "title: Teams\nlanguage: nl\nprivacy:\n  mode: named\n");
    site
}

/// The menu is on every page: a link per team's coaching page would make
/// every page grow with the number of teams (and the site with its
/// square), so beyond a menu's worth the team pages carry the links alone.
#[test]
fn the_menu_lists_coaching_pages_only_while_they_fit_in_it() {
    for (teams, listed) in [(12, true), (13, false)] {
        let site = site_of_teams(teams);
        site.build(&["--no-cache"]).success();
        let home = site.output("index.html");
        for t in 0..teams {
            let route = format!("teams/t{t}/coaching/index.html");
            assert!(site.out().join(&route).exists(), "{teams} teams: {route} is made");
            assert_eq!(home.contains(&route), listed, "{teams} teams: the menu and {route}");
            assert!(
                site.output(&format!("teams/t{t}/index.html"))
                    .contains("coaching/index.html"),
                "{teams} teams: team t{t}'s page links to its coaching page"
            );
        }
    }
}
