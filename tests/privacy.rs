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
    let out = site.site().join("public/team-west");
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
    let out = site.site().join("public/team-zuid");
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
