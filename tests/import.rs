//! `ritme import csv`: a CRM export becomes weekly logs that build.

mod support;

use predicates::prelude::*;
use support::*;

const CSV: &str = "Medewerker;Datum;Activiteit;Aantal\nbram;2026-03-09;bellen;2\nbram;2026-03-11;bellen;1\nbram;2026-03-12;luisteren;2\n";

fn import(site: &TestSite, extra: &[&str]) -> assert_cmd::assert::Assert {
    let csv = site.tmp.path().join("crm.csv");
    std::fs::write(&csv, CSV.replace(';', ",")).unwrap();
    ritme()
        .args(["import", "csv"])
        .arg(&csv)
        .arg("--site")
        .arg(site.site())
        .args([
            "--map",
            "Medewerker=person",
            "--map",
            "Datum=date",
            "--map",
            "Activiteit=behaviour",
            "--map",
            "Aantal=count",
        ])
        .args(extra)
        .assert()
}

#[test]
fn csv_round_trip_into_logs_that_build() {
    let site = TestSite::fixture("minimal");
    import(&site, &["--dry-run"])
        .success()
        .stdout(predicate::str::contains("would write data/logs/2026/2026-W11.yaml"));
    assert!(
        !site.site().join("data/logs/2026/2026-W11.yaml").exists(),
        "dry run wrote"
    );
    import(&site, &[])
        .success()
        .stdout(predicate::str::contains("Imported 3 rows into 1 weekly file(s)"));
    let yaml = site.read("data/logs/2026/2026-W11.yaml");
    assert!(
        yaml.contains("week: 2026-W11") && yaml.contains("bellen: 3") && yaml.contains("luisteren: 2"),
        "{yaml}"
    );
    site.write(
        "ritme.yaml",
        "title: T\nprivacy: { mode: named }\nconsistency: { min_weeks: 1 }\n",
    );
    site.build(&[]).success();
    let metrics: serde_json::Value = serde_json::from_str(&site.output("metrics.json")).unwrap();
    assert_eq!(metrics["as_of"], "2026-W11");
    assert_eq!(
        metrics["people"]["bram"]["behaviours"]["bellen"]["hits"], 2,
        "W10 and the imported W11"
    );
}

#[test]
fn an_imported_week_is_not_overwritten_without_force() {
    let site = TestSite::fixture("minimal");
    import(&site, &[]).success();
    site.write(
        "data/logs/2026/2026-W11.yaml",
        &site
            .read("data/logs/2026/2026-W11.yaml")
            .replace("bellen: 3", "bellen: 7"),
    );
    import(&site, &[])
        .success()
        .stderr(predicate::str::contains("skipped 2026-W11"));
    assert!(
        site.read("data/logs/2026/2026-W11.yaml").contains("bellen: 7"),
        "overwritten without --force"
    );
    import(&site, &["--force"]).success();
    assert!(site.read("data/logs/2026/2026-W11.yaml").contains("bellen: 3"));
}

#[test]
fn unknown_people_and_behaviours_are_reported_by_row() {
    let site = TestSite::fixture("minimal");
    let csv = site.tmp.path().join("crm.csv");
    std::fs::write(
        &csv,
        "person,week,behaviour\nbrm,2026-W11,bellen\nbram,2026-W11,belen\n",
    )
    .unwrap();
    ritme()
        .args(["import", "csv"])
        .arg(&csv)
        .arg("--site")
        .arg(site.site())
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains(":2:1: error: unknown person `brm`")
                .and(predicate::str::contains("did you mean `bram`?")),
        )
        .stderr(predicate::str::contains(":3:1: error: unknown behaviour `belen`"));
}
