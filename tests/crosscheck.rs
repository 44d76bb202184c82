//! The independent reading of the metrics (`tools/crosscheck_metrics.py`:
//! plain Python, rates as exact fractions) agrees with ritme on every figure
//! of `metrics.json`, on the example and on rates that meet a level's
//! threshold only when computed exactly.

mod support;

use std::process::Command;

use support::*;

/// Builds `site` with every person named, then runs the Python check on it.
fn crosscheck(site: &TestSite) -> String {
    let path = site.site().join("ritme.yaml");
    let mut config: serde_yaml::Value = serde_yaml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    config["privacy"]["mode"] = "named".into();
    std::fs::write(&path, serde_yaml::to_string(&config).unwrap()).unwrap();
    site.build(&["--no-cache"]).success();
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tools/crosscheck_metrics.py");
    let out = Command::new("python3")
        .arg(script)
        .arg(site.site())
        .arg(site.out().join("metrics.json"))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{text}{}", String::from_utf8_lossy(&out.stderr));
    text
}

/// python3 with PyYAML, or the test is skipped by name.
fn have_python_yaml() -> bool {
    if !have("python3") {
        return false;
    }
    let yaml = Command::new("python3").args(["-c", "import yaml"]).status();
    yaml.is_ok_and(|s| s.success()) || skip("python3 cannot import yaml (apt-get install python3-yaml)")
}

#[test]
#[cfg_attr(not(ritme_python3), ignore = "needs python3 with PyYAML (./test installs it)")]
fn the_python_check_agrees_on_every_figure_of_the_example() {
    if !have_python_yaml() {
        return;
    }
    let text = crosscheck(&TestSite::example());
    let compared: usize = text.split_whitespace().next().unwrap().parse().unwrap();
    assert!(compared > 1000 && text.contains(" 0 mismatches"), "{text}");
}

#[test]
#[cfg_attr(not(ritme_python3), ignore = "needs python3 with PyYAML (./test installs it)")]
fn rates_on_a_threshold_agree_whatever_the_order() {
    if !have_python_yaml() {
        return;
    }
    // bram hits behaviours a–d in 4, 3, 2, 1 of five weeks, cor the other
    // way round: both have person CR 1/2 exactly, on the `developing` line.
    let site = TestSite::fixture("minimal");
    site.remove("behaviours");
    site.remove("coaching");
    site.remove("stories");
    site.remove("data/logs");
    site.write(
        "ritme.yaml",
        "title: Drempel\nlanguage: nl\nconsistency: { min_weeks: 5 }\nprivacy: { mode: named, min_group_size: 2 }\n",
    );
    site.write(
        "data/team.yaml",
        "teams:\n  - { id: noord, name: Noord, manager: anne }\npeople:\n  - { id: anne, name: Anne de Vries, team: noord, role: manager }\n  - { id: bram, name: Bram Jansen, team: noord, role: rep }\n  - { id: cor, name: Cor Smit, team: noord, role: rep }\n",
    );
    for b in ["a", "b", "c", "d"] {
        site.write(
            &format!("behaviours/{b}.md"),
            &format!("---\ntitle: Gedrag {b}\ntarget: 1\n---\nTekst.\n"),
        );
    }
    for week in 1..=5u32 {
        let mut log = format!("week: 2026-W0{week}\nentries:\n");
        for (person, hits) in [("bram", [4, 3, 2, 1]), ("cor", [1, 2, 3, 4])] {
            log += &format!("  {person}:\n");
            for (b, h) in ["a", "b", "c", "d"].iter().zip(hits) {
                log += &format!("    {b}: {}\n", u32::from(week <= h));
            }
        }
        site.write(&format!("data/logs/2026-W0{week}.yaml"), &log);
    }
    let text = crosscheck(&site);
    assert!(text.contains(" 0 mismatches"), "{text}");
    let metrics: serde_json::Value = serde_json::from_str(&site.output("metrics.json")).unwrap();
    for person in ["bram", "cor"] {
        assert_eq!(metrics["people"][person]["cr"], 0.5, "{person}");
        assert_eq!(metrics["people"][person]["level"], "developing", "{person}");
    }
    assert_eq!(metrics["months"]["2026-01"]["levels"]["developing"], 2);
}
