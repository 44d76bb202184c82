//! Privacy by default: what aggregate, pseudonymous and named builds show.

mod support;

use predicates::prelude::*;
use support::*;

#[test]
fn stories_without_consent_stay_out_of_aggregate_builds() {
    let site = TestSite::example();
    site.build(&[]).success();
    assert!(!site.out().join("stories/netbeheerder-eerlijk/index.html").exists());
    assert!(!site.output("stories/index.html").contains("netbeheerder-eerlijk"));
    assert!(site.out().join("stories/koelhuis-netcongestie/index.html").exists());
}

#[test]
fn an_audience_gets_its_own_folder_and_only_its_teams_stories() {
    let site = TestSite::example();
    ritme()
        .arg("build")
        .arg(site.site())
        .args(["--audience", "team-west"])
        .assert()
        .success();
    let out = site.site().join("public-team-west");
    assert!(
        out.join("stories/netbeheerder-eerlijk/index.html").is_file(),
        "named audience sees its team's story"
    );
    let index = std::fs::read_to_string(out.join("stories/index.html")).unwrap();
    assert!(
        !index.contains("offertes-nabellen-zuid"),
        "a Zuid story leaked into West's site"
    );
}

#[test]
fn unknown_audience_is_an_input_error_with_a_suggestion() {
    let site = TestSite::example();
    ritme()
        .arg("build")
        .arg(site.site())
        .args(["--audience", "directe"])
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("no audience `directe`").and(predicate::str::contains("did you mean `directie`?")),
        );
}

/// Every name and id of the example's team file.
fn example_people() -> Vec<(String, String)> {
    let text = std::fs::read_to_string(support::example().join("data/team.yaml")).unwrap();
    text.lines()
        .filter_map(|l| {
            let id = l.split("id: ").nth(1)?.split(',').next()?.trim().to_string();
            let name = l.split("name: ").nth(1)?.split(',').next()?.trim().to_string();
            l.contains("role:").then_some((id, name))
        })
        .collect()
}

/// Text files of an output tree that contain `needle` as a whole word.
fn files_with_word(out: &std::path::Path, needle: &str) -> Vec<String> {
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    tree(out)
        .into_iter()
        .filter(|(p, _)| !p.ends_with(".ttf"))
        .filter(|(_, bytes)| {
            let text = String::from_utf8_lossy(bytes);
            text.match_indices(needle).any(|(i, _)| {
                text[..i].chars().next_back().is_none_or(|c| !is_word(c))
                    && text[i + needle.len()..].chars().next().is_none_or(|c| !is_word(c))
            })
        })
        .map(|(p, _)| p)
        .collect()
}

#[test]
fn aggregate_build_names_nobody_outside_consenting_stories() {
    let site = TestSite::example();
    site.build(&[]).success();
    let people = example_people();
    assert!(people.len() >= 15);
    for (id, name) in &people {
        for f in files_with_word(&site.out(), name) {
            assert!(f.starts_with("stories/"), "{name} appears in {f}");
        }
        for f in files_with_word(&site.out(), id) {
            assert!(f.starts_with("stories/"), "id {id} appears in {f}");
        }
    }
    let metrics: serde_json::Value = serde_json::from_str(&site.output("metrics.json")).unwrap();
    assert!(metrics.get("people").is_none());
    assert!(!site.out().join("people").exists());
    // Only three managers show the managers' behaviour: too few to chart.
    let managers = site.output("behaviours/voorbeeldgedrag/index.html");
    assert!(
        managers.contains("alleen voor managers als groep") && !managers.contains("<figure class=\"chart"),
        "{managers}"
    );
    assert!(metrics["teams"]["zuid"]["cr"].is_number());
}

#[test]
fn small_teams_are_suppressed_in_aggregate_builds() {
    // The minimal fixture's only team has one rep: below min_group_size 5.
    let site = TestSite::fixture("minimal");
    site.build(&[]).success();
    let metrics: serde_json::Value = serde_json::from_str(&site.output("metrics.json")).unwrap();
    assert!(metrics["teams"]["noord"]["cr"].is_null());
    assert!(metrics["months"]["2026-03"]["cr"].is_null());
    let team = site.output("teams/noord/index.html");
    assert!(team.contains("Groep te klein"), "{team}");
    assert!(!team.contains("<svg"), "no chart of a suppressed team");
    // The same site in a named build shows the figures.
    site.write("ritme.yaml", "title: T\nprivacy: { mode: named }\n");
    site.build(&[]).success();
    let metrics: serde_json::Value = serde_json::from_str(&site.output("metrics.json")).unwrap();
    assert!(metrics["people"]["bram"].is_object());
    assert!(site.output("people/bram/index.html").contains("Bram Jansen"));
}

#[test]
fn pseudonymous_builds_need_a_key_and_never_write_it() {
    let site = TestSite::example();
    site.write(
        "ritme.yaml",
        &site.read("ritme.yaml").replace(
            "mode: aggregate\n  min_group_size",
            "mode: pseudonymous\n  min_group_size",
        ),
    );
    let build = |key: Option<&str>| {
        let mut cmd = ritme();
        cmd.arg("build")
            .arg(site.site())
            .arg("-o")
            .arg(site.out())
            .env_remove("RITME_PSEUDONYM_KEY");
        if let Some(k) = key {
            cmd.env("RITME_PSEUDONYM_KEY", k);
        }
        cmd.assert()
    };
    build(None)
        .code(1)
        .stderr(predicate::str::contains("RITME_PSEUDONYM_KEY"));
    build(Some("geheime-sleutel-1")).success();
    let first = site.output("metrics.json");
    let v: serde_json::Value = serde_json::from_str(&first).unwrap();
    let keys: Vec<&String> = v["people"].as_object().unwrap().keys().collect();
    assert!(keys.iter().all(|k| k.starts_with("P-")), "{keys:?}");
    assert!(
        files_with_word(&site.out(), "geheime-sleutel-1").is_empty(),
        "the key leaked"
    );
    for (id, name) in example_people() {
        for f in files_with_word(&site.out(), &name)
            .into_iter()
            .chain(files_with_word(&site.out(), &id))
        {
            assert!(f.starts_with("stories/"), "{name} appears in {f}");
        }
    }
    build(Some("geheime-sleutel-1")).success();
    assert_eq!(first, site.output("metrics.json"), "same key, same pseudonyms");
    build(Some("andere-sleutel-22")).success();
    assert_ne!(first, site.output("metrics.json"), "another key, other pseudonyms");
}

#[test]
fn the_leak_check_fails_a_build_whose_template_prints_a_name() {
    let site = TestSite::example();
    site.write(
        "templates/teams.html",
        "{% extends \"base.html\" %}{% block main %}<p>Bram Jansen</p>{% endblock main %}",
    );
    let a = site.build(&[]).code(1);
    let err = stderr_of(&a);
    assert!(err.contains("teams/index.html") && err.contains("`bram`"), "{err}");
    assert!(!site.out().exists(), "nothing is written");
}

#[test]
fn named_builds_show_people() {
    let site = TestSite::example();
    ritme()
        .arg("build")
        .arg(site.site())
        .args(["--audience", "team-zuid"])
        .assert()
        .success();
    let out = site.site().join("public-team-zuid");
    let team = std::fs::read_to_string(out.join("teams/zuid/index.html")).unwrap();
    assert!(team.contains("Ivo Hendriks"));
    assert!(out.join("people/ivo/index.html").is_file());
    assert!(
        !out.join("teams/noord").exists(),
        "another team's page leaked into Zuid's site"
    );
    let metrics: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("metrics.json")).unwrap()).unwrap();
    assert!(
        metrics["people"].get("bram").is_none(),
        "a Noord rep is in Zuid's metrics"
    );
    assert!(metrics["people"]["ivo"].is_object());
}

// ---------------------------------------------------------------------------
// The attacks: each builds a site as an attacker would read it.

/// A purpose-built site: per team (id, reps who log, reps listed who never
/// log); each team has a manager who logs too. Eight weeks of logs.
fn small_site(min_group_size: usize, teams: &[(&str, usize, usize)]) -> TestSite {
    let site = TestSite::fixture("minimal");
    site.remove("stories");
    site.remove("data/logs");
    site.write(
        "ritme.yaml",
        &format!("title: T\nprivacy: {{ mode: aggregate, min_group_size: {min_group_size} }}\n"),
    );
    site.write(
        "behaviours/voorbeeld.md",
        "---\ntitle: Voorbeeld geven\ntarget: 1\nroles: [manager]\n---\nGa mee op bezoek.\n",
    );
    let mut team_yaml = String::from("teams:\n");
    let mut people = String::from("people:\n");
    let mut loggers: Vec<(String, usize)> = Vec::new();
    for (t, logging, silent) in teams {
        team_yaml.push_str(&format!("  - {{ id: {t}, name: Team {t}, manager: {t}-baas }}\n"));
        people.push_str(&format!(
            "  - {{ id: {t}-baas, name: Baas{t} Leider, team: {t}, role: manager }}\n"
        ));
        loggers.push((format!("{t}-baas"), 7));
        for i in 0..logging + silent {
            people.push_str(&format!(
                "  - {{ id: {t}-rep{i}, name: Rep{t}{i} Verkoper, team: {t}, role: rep }}\n"
            ));
            if i < *logging {
                loggers.push((format!("{t}-rep{i}"), i));
            }
        }
    }
    site.write("data/team.yaml", &format!("{team_yaml}{people}"));
    for w in 1..=8usize {
        let mut log = format!("week: 2026-W{w:02}\nentries:\n");
        for (id, i) in &loggers {
            log.push_str(&format!(
                "  {id}:\n    bellen: {}\n    luisteren: {}\n",
                (i + w) % 5,
                (i * w) % 3
            ));
            if id.ends_with("-baas") {
                log.push_str(&format!("    voorbeeld: {}\n", w % 2));
            }
        }
        site.write(&format!("data/logs/2026-W{w:02}.yaml"), &log);
    }
    site
}

fn metrics_of(out: &std::path::Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(out.join("metrics.json")).unwrap()).unwrap()
}

#[test]
fn attack_roster_a_team_of_five_where_one_logs_shows_no_figure() {
    let site = small_site(5, &[("groot", 6, 0), ("klein", 1, 4)]);
    site.build(&[]).success();
    let m = metrics_of(&site.out());
    assert!(
        m["teams"]["klein"]["cr"].is_null(),
        "one person's CR published as the team's: {}",
        m["teams"]
    );
    for (month, f) in m["months"].as_object().unwrap() {
        assert!(f["teams"]["klein"]["cr"].is_null(), "{month}: {}", f["teams"]);
    }
    let page = site.output("teams/klein/index.html");
    assert!(page.contains("minder dan 5 mensen"), "the page says why");
    assert!(!page.contains("<svg"), "no chart of one person");
}

#[test]
fn attack_roster_the_example_zuid_with_min_six_shows_no_mean_of_five() {
    let site = TestSite::example();
    site.write(
        "ritme.yaml",
        &site
            .read("ritme.yaml")
            .replace("min_group_size: 5", "min_group_size: 6"),
    );
    site.build(&[]).success();
    let m = metrics_of(&site.out());
    assert!(m["teams"]["zuid"]["cr"].is_null(), "{}", m["teams"]);
}

#[test]
fn attack_two_small_hidden_teams_cannot_be_solved_from_the_total() {
    let site = small_site(5, &[("a", 1, 0), ("b", 1, 0), ("c", 6, 0), ("d", 7, 0)]);
    site.build(&[]).success();
    let m = metrics_of(&site.out());
    for (month, f) in m["months"].as_object().unwrap() {
        let shown = |t: &str| f["teams"][t]["cr"].is_number();
        if f["cr"].is_number() && !shown("a") && !shown("b") {
            assert!(
                !(shown("c") && shown("d")),
                "{month}: a + b follow from the total and c, d: {f}"
            );
        }
    }
}

#[test]
fn attack_managers_no_role_model_gap_per_team_in_aggregate_builds() {
    let site = TestSite::example();
    site.build(&[]).success();
    let m = metrics_of(&site.out());
    for (team, t) in m["teams"].as_object().unwrap() {
        assert!(
            t["role_model_gap"].is_null(),
            "{team}: team CR + gap = the manager's CR"
        );
        let page = site.output(&format!("teams/{team}/index.html"));
        assert!(!page.contains("Voorbeeldkloof</dt>"), "{team}");
        assert!(
            page.contains("alleen voor managers als groep"),
            "{team}: the page says why"
        );
    }
    for month in m["months"].as_object().unwrap().keys() {
        let report = site.out().join(format!("reports/{month}/index.html"));
        if let Ok(html) = std::fs::read_to_string(report) {
            for row in html.split("index.html\">Team ").skip(1) {
                let row = row.split("</tr>").next().unwrap();
                let gap = row.rsplit("<td class=\"num\">").next().unwrap();
                assert!(gap.starts_with('–'), "{month}: a gap per team in the report: {row}");
            }
        }
    }
}

fn pseudonymous_example() -> TestSite {
    let site = TestSite::example();
    site.write(
        "ritme.yaml",
        &site.read("ritme.yaml").replace(
            "mode: aggregate\n  min_group_size",
            "mode: pseudonymous\n  min_group_size",
        ),
    );
    site
}

#[test]
fn attack_pseudonyms_are_listed_by_pseudonym_and_no_manager_is_labelled() {
    let site = pseudonymous_example();
    ritme()
        .arg("build")
        .arg(site.site())
        .arg("-o")
        .arg(site.out())
        .env("RITME_PSEUDONYM_KEY", "geheime-sleutel-1")
        .assert()
        .success();
    for team in ["noord", "zuid", "west"] {
        let page = site.output(&format!("teams/{team}/index.html"));
        let section = page.split("<tbody>").last().unwrap();
        let listed: Vec<&str> = section
            .split("<th scope=\"row\">")
            .skip(1)
            .filter_map(|r| r.split('<').next())
            .filter(|p| p.starts_with("P-"))
            .collect();
        assert!(listed.len() >= 5, "{team}: {listed:?}");
        let mut sorted = listed.clone();
        sorted.sort();
        assert_eq!(listed, sorted, "{team}: pseudonyms in roster order map back to names");
        assert!(
            !page.contains("</dt><dd>P-"),
            "{team}: the manager's pseudonym is labelled"
        );
    }
    let m = metrics_of(&site.out());
    assert_eq!(
        m["people"].as_object().unwrap().len(),
        17,
        "managers' entries (manager-only behaviours) single them out"
    );
}

#[test]
fn the_same_key_gives_the_same_pseudonyms_in_two_fresh_builds() {
    let site = pseudonymous_example();
    let build = |out: &str, key: &str| {
        let out = site.tmp.path().join(out);
        ritme()
            .arg("build")
            .arg(site.site())
            .arg("-o")
            .arg(&out)
            .arg("--no-cache")
            .env("RITME_PSEUDONYM_KEY", key)
            .assert()
            .success();
        std::fs::read_to_string(out.join("metrics.json")).unwrap()
    };
    let first = build("one", "geheime-sleutel-1");
    assert!(first.contains("\"P-"));
    assert_eq!(first, build("two", "geheime-sleutel-1"), "same key, same pseudonyms");
    assert_ne!(
        first,
        build("three", "andere-sleutel-22"),
        "another key, other pseudonyms"
    );
}

/// Folders named `people` anywhere under `dir`.
fn people_folders(dir: &std::path::Path) -> Vec<String> {
    tree(dir)
        .into_keys()
        .filter(|p| p.split('/').any(|part| part == "people"))
        .collect()
}

#[test]
fn attack_audiences_never_nest_and_never_flip_back() {
    let site = TestSite::example();
    let s = site.site();
    let build = |extra: &[&str]| ritme().arg("build").arg(&s).args(extra).assert().success();
    build(&[]);
    build(&["--audience", "team-noord"]);
    assert!(s.join("public-team-noord/people/bram/index.html").is_file());
    for _ in 0..2 {
        build(&[]);
        assert!(
            !s.join("public/team-noord").exists(),
            "a named site inside the aggregate one"
        );
        assert_eq!(people_folders(&s.join("public")), Vec::<String>::new());
    }
}

#[test]
fn attack_an_audience_naming_an_unknown_team_is_an_error_at_its_line() {
    let site = TestSite::example();
    site.write(
        "ritme.yaml",
        &site.read("ritme.yaml").replace("teams: [noord]", "teams: [nord]"),
    );
    let a = site.build(&[]).code(1);
    let err = stderr_of(&a);
    assert!(
        err.contains("ritme.yaml:") && err.contains("`nord`") && err.contains("`noord`"),
        "{err}"
    );
}

#[test]
fn one_command_builds_every_audience_side_by_side() {
    let site = TestSite::example();
    ritme()
        .arg("build")
        .arg(site.site())
        .arg("--all-audiences")
        .assert()
        .success();
    let s = site.site();
    for a in [
        "public",
        "public-directie",
        "public-team-noord",
        "public-team-zuid",
        "public-team-west",
    ] {
        assert!(s.join(a).join("index.html").is_file(), "{a}");
    }
    assert!(s.join("public-team-noord/people/bram/index.html").is_file());
    assert!(!s.join("public-team-noord/people/ivo").exists());
    assert_eq!(people_folders(&s.join("public")), Vec::<String>::new());
    assert_eq!(people_folders(&s.join("public-directie")), Vec::<String>::new());
}

#[test]
fn attack_builds_refuse_to_write_into_static_or_into_or_around_another_output() {
    let site = TestSite::example();
    let s = site.site();
    let refuse = |out: std::path::PathBuf, says: &str| {
        let a = ritme().arg("build").arg(&s).arg("-o").arg(&out).assert().code(1);
        let err = stderr_of(&a);
        assert!(err.contains(says), "{}: {err}", out.display());
    };
    refuse(s.join("static/site"), "`static/`");
    ritme().arg("build").arg(&s).assert().success();
    refuse(s.join("public/team"), "inside another ritme output");
    ritme()
        .arg("build")
        .arg(&s)
        .arg("-o")
        .arg(site.tmp.path().join("w/inner"))
        .assert()
        .success();
    refuse(site.tmp.path().join("w"), "holds another ritme output");
}

#[test]
fn attack_the_leak_scan_reads_every_file_and_every_spelling() {
    let cases: &[(&str, &str)] = &[
        ("static/team.yml", "__TEAM__"),
        ("static/notities.md", "Gesprek met Ivo Hendriks"),
        ("static/README", "Ivo Hendriks"),
        (
            "pages/dank.md",
            "---\ntitle: Dank\n---\nMet dank aan Carla&nbsp;Bakker.\n",
        ),
        ("pages/dank.md", "---\ntitle: Dank\n---\nMet dank aan Carla\nBakker.\n"),
        ("pages/dank.md", "---\ntitle: Dank\n---\nMet dank aan Carla.\n"),
        ("pages/dank.md", "---\ntitle: Dank\n---\nMet dank aan ÜMIT ÖZDEMIR.\n"),
        (
            "pages/dank.md",
            "---\ntitle: Dank\n---\nMet dank aan U\u{308}mit O\u{308}zdemir.\n",
        ),
        (
            "pages/dank.md",
            "---\ntitle: Dank\n---\nMet dank aan &Uuml;mit &Ouml;zdemir.\n",
        ),
    ];
    for (path, text) in cases {
        let site = TestSite::example();
        site.write(
            "data/team.yaml",
            &site.read("data/team.yaml").replace("Mehmet Yilmaz", "Ümit Özdemir"),
        );
        let text = text.replace("__TEAM__", &site.read("data/team.yaml"));
        site.write(path, &text);
        let a = site.build(&[]).code(1);
        let err = stderr_of(&a);
        assert!(err.contains("privacy:"), "{path} {text:?} was published: {err}");
        assert!(!site.out().exists(), "nothing is written");
    }
}

#[test]
fn attack_ids_that_are_common_words_do_not_block_builds() {
    let site = TestSite::example();
    site.write(
        "data/team.yaml",
        &site.read("data/team.yaml").replace(
            "  - { id: tim,",
            "  - { id: max,     name: Maxime Peters,      team: west,  role: rep }\n  \
             - { id: mark,    name: Markus Dam,         team: west,  role: rep }\n  \
             - { id: vera,    name: Veronique Smit,     team: west,  role: rep }\n  \
             - { id: tim,",
        ),
    );
    let a = site.build(&[]);
    let err = stderr_of(&a);
    a.success();
    assert!(!err.contains("privacy:"), "{err}");
}

/// The example with reps whose ids are everyday words in the user's own
/// prose (Dutch "ik ben", English "mark the box").
fn site_with_word_ids() -> TestSite {
    let site = TestSite::example();
    site.write(
        "data/team.yaml",
        &site.read("data/team.yaml").replace(
            "  - { id: tim,",
            "  - { id: ben,     name: Benjamin Smit,      team: west,  role: rep }\n  \
             - { id: mark,    name: Markus Dam,         team: west,  role: rep }\n  \
             - { id: tim,",
        ),
    );
    site
}

#[test]
fn attack_ids_that_are_words_in_the_users_prose_do_not_block_builds() {
    let site = site_with_word_ids();
    site.write(
        "pages/over-ons.md",
        "---\ntitle: Over ons\n---\nIk ben trots op dit team. Please mark the box when you are done.\n",
    );
    let a = site.build(&[]);
    let err = stderr_of(&a);
    a.success();
    assert!(!err.contains("privacy:"), "{err}");
    assert!(site.output("over-ons/index.html").contains("Ik ben trots"));
}

#[test]
fn attack_a_word_like_id_in_a_link_or_data_still_fails_the_build() {
    for text in [
        "Zie [de cijfers](people/ben.html).",
        "Zie [het team](teams/west/?persoon=mark).",
        "```\n{\"ben\": 0.5}\n```",
        "Met dank aan Benjamin.",
    ] {
        let site = site_with_word_ids();
        site.write("pages/over-ons.md", &format!("---\ntitle: Over ons\n---\n{text}\n"));
        let a = site.build(&[]);
        let err = stderr_of(&a);
        assert!(err.contains("privacy:"), "{text:?} was published: {err}");
        a.code(1);
    }
}

#[test]
fn attack_a_commit_subject_naming_a_rep_is_shown_without_the_name() {
    let site = TestSite::example();
    let repo = site.site();
    let git = |args: &[&str]| {
        let ok = std::process::Command::new("git")
            .current_dir(&repo)
            .args([
                "-c",
                "user.name=T",
                "-c",
                "user.email=t@example.org",
                "-c",
                "commit.gpgsign=false",
            ])
            .args(args)
            .env("GIT_AUTHOR_DATE", "2026-10-05T10:00:00Z")
            .env("GIT_COMMITTER_DATE", "2026-10-05T10:00:00Z")
            .status()
            .unwrap()
            .success();
        assert!(ok, "git {args:?}");
    };
    git(&["init", "-q"]);
    git(&["add", "."]);
    git(&[
        "commit",
        "-qm",
        "Op verzoek van Carla: belscript aangepast (met Ivo Hendriks)",
    ]);
    let a = site.build(&[]);
    let err = stderr_of(&a);
    a.success();
    assert!(!err.contains("privacy:"), "{err}");
    let changes = site.output("changes/index.html");
    assert!(
        changes.contains("Op verzoek van …: belscript aangepast (met …)"),
        "{changes}"
    );
}

fn latest_month(site: &TestSite) -> String {
    metrics_of(&site.out())["months"]
        .as_object()
        .unwrap()
        .keys()
        .next_back()
        .unwrap()
        .clone()
}

#[test]
fn managers_as_a_group_are_shown_only_when_enough_of_them_contribute() {
    // The example has three managers, below its minimum of five.
    let site = TestSite::example();
    site.build(&[]).success();
    let report = format!("reports/{}/index.html", latest_month(&site));
    for page in ["index.html", report.as_str()] {
        let html = site.output(page);
        assert!(
            html.contains("Managers als groep worden niet getoond: minder dan 5 managers"),
            "{page} says why managers are hidden"
        );
        assert!(!html.contains("Managers als groep (3)"), "{page}");
    }
    // With a minimum of three, the three managers together may be shown.
    site.write(
        "ritme.yaml",
        &site
            .read("ritme.yaml")
            .replace("min_group_size: 5", "min_group_size: 3"),
    );
    site.build(&[]).success();
    for page in ["index.html", report.as_str()] {
        let html = site.output(page);
        assert!(html.contains("Managers als groep (3): eigen consistentie"), "{page}");
        assert!(html.contains("voorbeeldkloof"), "{page}: the group's gap");
    }
    // Still no gap per team.
    let m = metrics_of(&site.out());
    for t in m["teams"].as_object().unwrap().values() {
        assert!(t["role_model_gap"].is_null());
    }
}

#[test]
fn named_builds_keep_the_role_model_gap_per_team() {
    let site = TestSite::example();
    site.write(
        "ritme.yaml",
        &site.read("ritme.yaml").replace("mode: aggregate", "mode: named"),
    );
    site.build(&[]).success();
    let page = site.output("teams/noord/index.html");
    assert!(page.contains("Voorbeeldkloof</dt>"), "the team's own gap");
    assert!(!page.contains("alleen voor managers als groep"));
}

#[test]
fn a_month_whose_levels_are_hidden_shows_as_hidden_in_the_level_chart() {
    let site = TestSite::example();
    site.write(
        "ritme.yaml",
        &site
            .read("ritme.yaml")
            .replace("min_group_size: 5", "min_group_size: 6"),
    );
    site.build(&[]).success();
    let m = metrics_of(&site.out());
    let levels = ["consistent", "developing", "incidental", "absent", "insufficient"];
    let hidden: Vec<&String> = m["months"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(_, f)| levels.iter().any(|l| f["levels"][*l].is_null()))
        .map(|(k, _)| k)
        .collect();
    assert!(!hidden.is_empty(), "the site hides a month's levels: {}", m["months"]);
    let home = site.output("index.html");
    assert!(home.contains("verborgen: minder dan 6"), "the gap says why");
    assert!(home.contains("Niet getoond: "), "the sentence says a month is missing");
}
