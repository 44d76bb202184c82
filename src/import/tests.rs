//! The planning stage on tables built in memory, against the small fixture site.

use std::path::Path;

use super::*;

fn site() -> Site {
    Site::load(Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/minimal"
    )))
    .unwrap()
}

fn csv(text: &str) -> Table {
    table::parse_csv(text, "x.csv").unwrap()
}

#[test]
fn a_report_title_above_the_header_is_a_report_line_not_the_header() {
    let t = csv("Activity Report\n\nAssigned,Date,Subject\nBram Jansen,2026-03-16,Klanten bellen\nTotal,,1\n");
    let m = Mapping::default()
        .with_options(&["Assigned=person".into(), "Subject=behaviour".into()], &[])
        .unwrap();
    let plan = plan_table(&site(), &t, &m, false, "").unwrap();
    assert_eq!(plan.rows, 1);
    assert_eq!(
        plan.report_lines,
        [(1, "Activity Report".to_string()), (5, "Total 1".to_string())]
    );
    assert_eq!(plan.changes.files[0].rel, "data/logs/2026/2026-W12.yaml");
    assert!(
        plan.changes.files[0]
            .text
            .ends_with("week: 2026-W12\nentries:\n  bram:\n    bellen: 1\n")
    );
}

#[test]
fn rows_for_a_behaviour_outside_the_persons_role_are_left_out_with_a_warning() {
    // `bellen` applies to reps; anne is a manager.
    let t = csv("person,week,behaviour\nanne,2026-W12,bellen\nanne,2026-W12,luisteren\n");
    let plan = plan_table(&site(), &t, &Mapping::default(), false, "").unwrap();
    assert_eq!(plan.changes.warnings.len(), 1);
    assert!(
        plan.changes.warnings[0]
            .message
            .starts_with("bellen does not apply to role manager")
    );
    assert!(plan.changes.files[0].text.contains("  anne:\n    luisteren: 1\n"));
}

#[test]
fn the_same_rows_give_the_same_bytes() {
    let t = csv(
        "person,week,behaviour,count\nbram,2026-W12,luisteren,2\nanne,2026-W12,luisteren,1\nbram,2026-W13,luisteren,skip\n",
    );
    let a = plan_table(&site(), &t, &Mapping::default(), false, "").unwrap();
    let b = plan_table(&site(), &t, &Mapping::default(), false, "").unwrap();
    assert_eq!(a, b);
    assert_eq!(a.changes.files.len(), 2);
}
