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
