//! Errors in the data files, as a sales-ops person reads them: one root
//! cause gives one error, values are shown with the form expected, and a
//! "did you mean" comes only from the right set.

mod support;

use support::*;

fn check_errors(site: &TestSite) -> String {
    let out = site.check(&[]).code(1);
    stderr_of(&out)
}

fn errors(stderr: &str) -> Vec<&str> {
    stderr.lines().filter(|l| l.contains(": error: ")).collect()
}

#[test]
fn a_behaviour_with_target_0_is_one_error_not_one_per_log_line() {
    let site = TestSite::fixture("minimal");
    site.write(
        "behaviours/luisteren.md",
        "---\ntitle: Luisteren\ntarget: 0\n---\nLuister.\n",
    );
    site.write(
        "data/logs/2026-W11.yaml",
        "week: 2026-W11\nentries:\n  bram:\n    luisteren: 2\n",
    );
    site.write(
        "data/coaching/2026-03.yaml",
        "sessions:\n  - { date: 2026-03-04, coach: anne, person: bram, minutes: 30, behaviours: [luisteren] }\n",
    );
    site.write(
        "stories/twee.md",
        "---\ntitle: Twee\ndate: 2026-03-04\nbehaviours: [luisteren]\n---\nTekst.\n",
    );
    let err = check_errors(&site);
    let errs = errors(&err);
    assert_eq!(errs.len(), 1, "{err}");
    assert!(errs[0].starts_with("behaviours/luisteren.md:3:"), "{err}");
}

#[test]
fn a_mis_cased_person_id_is_one_error_that_says_what_to_write() {
    let site = TestSite::fixture("minimal");
    site.write(
        "data/team.yaml",
        "teams:\n  - { id: noord, name: Team Noord, manager: anne }\npeople:\n  - { id: anne, name: Anne de Vries, team: noord, role: manager }\n  - { id: Bram, name: Bram Jansen, team: noord, role: rep }\n",
    );
    for w in 11..20 {
        site.write(
            &format!("data/logs/2026-W{w}.yaml"),
            &format!("week: 2026-W{w}\nentries:\n  bram:\n    bellen: 1\n"),
        );
    }
    let err = check_errors(&site);
    let errs = errors(&err);
    assert_eq!(errs.len(), 1, "{err}");
    assert!(errs[0].starts_with("data/team.yaml:5:"), "{err}");
    assert!(err.contains("write `bram`"), "{err}");
}

#[test]
fn minutes_and_dates_of_a_session_say_the_value_and_the_form() {
    let site = TestSite::fixture("minimal");
    site.write(
        "data/coaching/2026-03.yaml",
        "sessions:\n  - date: 2026-03-04\n    coach: anne\n    person: bram\n    minutes: 15 min\n  - date: 4/3/2026\n    coach: anne\n    person: bram\n    minutes: 30\n",
    );
    let err = check_errors(&site);
    assert!(
        err.contains("data/coaching/2026-03.yaml:5:14: error: `15 min` is not a number of minutes"),
        "{err}"
    );
    assert!(err.contains("`minutes: 15`"), "{err}");
    assert!(
        err.contains("data/coaching/2026-03.yaml:6:11: error: `4/3/2026` is not a date"),
        "{err}"
    );
    assert!(err.contains("YYYY-MM-DD"), "{err}");
    for internal in ["f64", "invalid type", "expected", "input contains"] {
        assert!(!err.contains(internal), "`{internal}` in {err}");
    }
}

#[test]
fn an_unknown_coach_is_matched_among_those_who_coach() {
    let site = TestSite::fixture("minimal");
    site.write(
        "data/team.yaml",
        "teams:\n  - { id: noord, name: Team Noord, manager: daniel }\npeople:\n  - { id: daniel, name: Daniel Dekker, team: noord, role: manager }\n  - { id: bram, name: Bram Jansen, team: noord, role: rep }\n  - { id: anna, name: Anna Smit, team: noord, role: rep }\n",
    );
    site.write(
        "data/coaching/2026-03.yaml",
        "sessions:\n  - { date: 2026-03-04, coach: anne, person: bram, minutes: 30 }\n",
    );
    let err = check_errors(&site);
    assert!(err.contains("unknown coach `anne`"), "{err}");
    // `anna` is the nearest id, but she coaches nobody.
    assert!(!err.contains("did you mean `anna`"), "{err}");
    // Nor is `daniel`, the one who coaches, a plausible misspelling of `anne`.
    assert!(!err.contains("did you mean"), "{err}");
    assert!(err.contains("known ids: daniel"), "the hint lists who coaches: {err}");
}

#[test]
fn outcomes_that_are_not_numbers_say_so_in_words() {
    let site = TestSite::fixture("minimal");
    site.write(
        "data/outcomes.yaml",
        "months:\n  2026-03:\n    bram: { won: drie, lost: 1, revenue: \"€ 45.000\" }\n",
    );
    let err = check_errors(&site);
    assert!(
        err.contains("`won: drie` for `bram` in 2026-03 is not a number of deals"),
        "{err}"
    );
    assert!(
        err.contains("`revenue: € 45.000` for `bram` in 2026-03 is not an amount"),
        "{err}"
    );
    assert!(!err.contains("invalid type") && !err.contains("u32"), "{err}");
}

#[test]
fn a_team_file_that_fails_does_not_make_chart_teams_undefined() {
    let site = TestSite::fixture("minimal");
    site.write(
        "data/team.yaml",
        "teams:\n  - { id: noord, name: Team Noord, manager: anne }\n  - { id: zuid, name: Team Zuid }\npeople:\n  - { id: anne, name: Anne de Vries, team: noord, role: manager }\n  - { id: bram, name: Bram Jansen, team: noord, role: rep, start: 2026-W99 }\n",
    );
    site.write(
        "pages/team.md",
        "---\ntitle: Team\n---\n{{ chart(kind=\"heatmap\", team=\"zuid\") }}\n",
    );
    let err = check_errors(&site);
    assert!(!err.contains("none are defined yet"), "{err}");
    assert!(!err.contains("unknown team `zuid`"), "{err}");
    assert!(err.contains("no week 99"), "the root cause is reported: {err}");
}

#[test]
fn people_may_carry_email_and_aliases_and_a_bad_address_is_named() {
    let site = TestSite::fixture("minimal");
    site.write(
        "data/team.yaml",
        "teams:\n  - { id: noord, name: Team Noord, manager: anne }\npeople:\n  - { id: anne, name: Anne de Vries, team: noord, role: manager, email: anne@example.com, aliases: [A. de Vries] }\n  - { id: bram, name: Bram Jansen, team: noord, role: rep, email: bram-at-example }\n",
    );
    let err = check_errors(&site);
    let errs = errors(&err);
    assert_eq!(errs.len(), 1, "{err}");
    assert!(errs[0].contains("`bram-at-example` is not an e-mail address"), "{err}");
}

#[test]
fn an_unknown_id_in_many_logs_is_one_error_at_its_first_place() {
    let site = TestSite::fixture("minimal");
    for w in 11..31 {
        site.write(
            &format!("data/logs/2026-W{w}.yaml"),
            &format!("week: 2026-W{w}\nentries:\n  brm:\n    bellen: 1\n  bram:\n    belen: 2\n"),
        );
    }
    let err = check_errors(&site);
    let errs = errors(&err);
    assert_eq!(errs.len(), 2, "{err}");
    assert!(
        errs.iter()
            .any(|e| e.starts_with("data/logs/2026-W11.yaml:3:3: error: unknown person `brm` in 20 log entries")),
        "{err}"
    );
    assert!(
        errs.iter()
            .any(|e| e.contains("unknown behaviour `belen` in 20 log entries")),
        "{err}"
    );
    assert!(
        err.contains("did you mean `bram`?") && err.contains("did you mean `bellen`?"),
        "{err}"
    );
}

#[test]
fn a_bad_date_in_front_matter_says_the_form_expected() {
    let site = TestSite::fixture("minimal");
    site.write(
        "pages/over.md",
        "---\ntitle: Over ons\nreview_by: 31-12-2026\n---\nTekst.\n",
    );
    let err = check_errors(&site);
    assert!(
        err.contains("pages/over.md:3:12: error:")
            && err.contains("`31-12-2026` is not a date; write it as YYYY-MM-DD"),
        "{err}"
    );
    assert!(
        !err.contains("trailing input") && !err.contains("invalid characters"),
        "{err}"
    );
}

/// Team data grows with the programme: a data file above the limit for
/// pages (8 MB) is read, while a page of that size is still refused (and
/// a runaway data file too: the `huge-file` case of tests/invalid.rs).
#[test]
fn a_data_file_larger_than_a_page_may_be_is_read() {
    let site = TestSite::fixture("minimal");
    let team = site.read("data/team.yaml");
    let padding = "# an export's comment line, as long as a real record is\n".repeat(170_000);
    assert!(padding.len() > 9_000_000);
    site.write("data/team.yaml", &format!("{team}{padding}"));
    site.check(&[]).success();
    let page = site.read("pages/over.md");
    site.write("pages/over.md", &format!("{page}\n<!--\n{padding}-->\n"));
    let err = stderr_of(&site.check(&[]).code(1));
    assert!(err.contains("pages/over.md") && err.contains("too large"), "{err}");
}
