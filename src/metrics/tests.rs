//! Hand-computed cases for every metric, and properties that must hold.

use chrono::NaiveDate;
use proptest::prelude::*;

use super::*;
use crate::teamdata::{Outcome, Session, Team};

fn w(s: &str) -> Week {
    s.parse().unwrap()
}

fn rule(id: &str, target: u32, roles: Option<&[&str]>, half_life: Option<f64>) -> BehaviourRule {
    BehaviourRule {
        id: id.into(),
        target,
        roles: roles.map(|r| r.iter().map(|s| s.to_string()).collect()),
        half_life,
    }
}

fn person(id: &str, team: &str, role: &str, start: Option<&str>, end: Option<&str>) -> Person {
    Person {
        id: id.into(),
        name: id.to_uppercase(),
        team: team.into(),
        role: role.into(),
        start: start.map(w),
        end: end.map(w),
    }
}

/// Values of one week: (behaviour, count or `None` for skipped).
type Values<'a> = &'a [(&'a str, Option<u32>)];
/// (person, week, values or `None` for a skipped week).
type Entry<'a> = (&'a str, &'a str, Option<Values<'a>>);

fn data(people: Vec<Person>, entries: &[Entry]) -> TeamData {
    let mut d = TeamData {
        teams: vec![Team {
            id: "t".into(),
            name: "T".into(),
            manager: Some("mgr".into()),
        }],
        people,
        ..TeamData::default()
    };
    for (p, wk, values) in entries {
        let entry = match values {
            None => WeekEntry::Skip,
            Some(vs) => WeekEntry::Values(
                vs.iter()
                    .map(|(b, v)| (b.to_string(), v.map_or(Logged::Skip, Logged::Count)))
                    .collect::<crate::teamdata::Values>(),
            ),
        };
        d.logs.insert((p.to_string(), w(wk)), entry);
        d.logged_weeks.push(w(wk));
    }
    d.logged_weeks.sort();
    d.logged_weeks.dedup();
    d
}

fn config(window: u32, min: u32) -> Config {
    let mut c = Config::default();
    c.consistency.window_weeks = window;
    c.consistency.min_weeks = min;
    c
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-12
}

/// bram, behaviour `b` (target 2), weeks W01–W08:
/// W01 2 hit · W02 1 miss · W03 week skipped · W04 `b` skipped ·
/// W05 entry without `b` (not logged) · W06 3 hit · W07 2 hit · W08 0 miss.
fn bram_case() -> TeamData {
    data(
        vec![person("bram", "t", "rep", None, None)],
        &[
            ("bram", "2026-W01", Some(&[("b", Some(2))])),
            ("bram", "2026-W02", Some(&[("b", Some(1))])),
            ("bram", "2026-W03", None),
            ("bram", "2026-W04", Some(&[("b", None)])),
            ("bram", "2026-W05", Some(&[])),
            ("bram", "2026-W06", Some(&[("b", Some(3))])),
            ("bram", "2026-W07", Some(&[("b", Some(2))])),
            ("bram", "2026-W08", Some(&[("b", Some(0))])),
        ],
    )
}

#[test]
fn consistency_rate_with_skips_and_missing_values() {
    let m = compute(&bram_case(), &[rule("b", 2, None, None)], &config(13, 6));
    let b = &m.people["bram"].behaviours["b"];
    // Eligible: W01 W02 W05 W06 W07 W08 = 6; hits W01 W06 W07 = 3.
    assert_eq!((b.hits, b.eligible), (3, 6));
    assert_eq!(b.cr, Some(0.5));
    assert_eq!(b.level, Level::Developing);
    // Logged among eligible: all but W05.
    assert_eq!(b.coverage, Some(5.0 / 6.0));
    assert_eq!((b.streak_current, b.streak_longest), (0, 2));
    // x = 1, 0.5, 0, 1, 1, 0 with h = 2 (worked out by hand to 16 digits).
    assert!(close(b.strength, 0.4419417382415922), "{}", b.strength);
    assert_eq!(m.people["bram"].cr, Some(0.5));
    assert_eq!(m.as_of, Some(w("2026-W08")));
}

#[test]
fn below_min_weeks_is_insufficient() {
    let m = compute(&bram_case(), &[rule("b", 2, None, None)], &config(13, 7));
    let b = &m.people["bram"].behaviours["b"];
    assert_eq!(b.cr, None);
    assert_eq!(b.level, Level::Insufficient);
    assert_eq!(m.people["bram"].cr, None);
}

#[test]
fn window_counts_calendar_weeks_ending_at_as_of() {
    // Window of 4 calendar weeks: W05–W08 → eligible W05 W06 W07 W08, hits W06 W07.
    let m = compute(&bram_case(), &[rule("b", 2, None, None)], &config(4, 1));
    let b = &m.people["bram"].behaviours["b"];
    assert_eq!((b.hits, b.eligible, b.cr), (2, 4, Some(0.5)));
    // Window of 6: W03–W08, skips drop out of the denominator: same 2 / 4.
    let m = compute(&bram_case(), &[rule("b", 2, None, None)], &config(6, 1));
    assert_eq!(m.people["bram"].behaviours["b"].cr, Some(0.5));
}

#[test]
fn skipped_weeks_neither_break_nor_extend_streaks() {
    let d = data(
        vec![person("eva", "t", "rep", None, None)],
        &[
            ("eva", "2026-W01", Some(&[("b", Some(0))])),
            ("eva", "2026-W02", Some(&[("b", Some(1))])),
            ("eva", "2026-W03", None),
            ("eva", "2026-W04", Some(&[("b", Some(1))])),
            ("eva", "2026-W05", Some(&[("b", None)])),
            ("eva", "2026-W06", Some(&[("b", Some(4))])),
        ],
    );
    let m = compute(&d, &[rule("b", 1, None, Some(4.0))], &config(13, 1));
    let b = &m.people["eva"].behaviours["b"];
    assert_eq!((b.streak_current, b.streak_longest), (3, 3));
    // Strength with h = 4 over x = 0, 1, 1, 1: the leading miss adds nothing.
    assert!(close(b.strength, 0.40539644249863954), "{}", b.strength);
}

#[test]
fn mid_period_starters_and_leavers() {
    let d = data(
        vec![
            person("gijs", "t", "rep", Some("2026-W03"), None),
            person("nina", "t", "rep", None, Some("2026-W02")),
        ],
        &[
            ("nina", "2026-W01", Some(&[("b", Some(1))])),
            ("nina", "2026-W02", Some(&[("b", Some(1))])),
            ("gijs", "2026-W04", Some(&[("b", Some(1))])),
        ],
    );
    let m = compute(&d, &[rule("b", 1, None, None)], &config(13, 1));
    let gijs = &m.people["gijs"].behaviours["b"];
    // Active W03–W04: W03 not logged (miss), W04 hit.
    assert_eq!((gijs.hits, gijs.eligible), (1, 2));
    assert_eq!(gijs.cells[0], Cell::Inactive);
    assert_eq!(gijs.cells[2], Cell::NotLogged);
    let nina = &m.people["nina"].behaviours["b"];
    // Left after W02: W03 and W04 are not misses.
    assert_eq!((nina.hits, nina.eligible), (2, 2));
    assert_eq!(nina.streak_current, 2);
    // The leaver still counts for the team while her weeks are in the window.
    assert_eq!(m.teams["t"].cr, Some((0.5 + 1.0) / 2.0));
}

#[test]
fn behaviours_apply_by_role_and_managers_are_apart() {
    let d = data(
        vec![
            person("mgr", "t", "manager", None, None),
            person("rep1", "t", "rep", None, None),
        ],
        &[
            ("mgr", "2026-W01", Some(&[("lead", Some(2)), ("call", Some(0))])),
            ("rep1", "2026-W01", Some(&[("call", Some(1))])),
            ("mgr", "2026-W02", Some(&[("lead", Some(0))])),
            ("rep1", "2026-W02", Some(&[("call", Some(0))])),
        ],
    );
    let rules = [
        rule("call", 1, Some(&["rep"]), None),
        rule("lead", 2, Some(&["manager"]), None),
    ];
    let m = compute(&d, &rules, &config(13, 1));
    assert!(!m.people["mgr"].behaviours.contains_key("call"));
    assert!(!m.people["rep1"].behaviours.contains_key("lead"));
    assert_eq!(m.people["mgr"].cr, Some(0.5));
    // Team CR is over reps only: rep1 hit 1 of 2.
    assert_eq!(m.teams["t"].cr, Some(0.5));
    assert_eq!(m.teams["t"].reps, 1);
    // Role-model gap: manager 0.5 − team 0.5.
    assert_eq!(m.teams["t"].role_model_gap, Some(0.0));
}

#[test]
fn month_figures_levels_and_coaching() {
    // January 2026 holds W01–W05 (Thursdays 1–29 January); February W06–.
    let mut d = data(
        vec![
            person("mgr", "t", "manager", None, None),
            person("a", "t", "rep", None, None),
            person("c", "t", "rep", None, None),
        ],
        &[
            ("a", "2026-W01", Some(&[("b", Some(1)), ("x", Some(0))])),
            ("a", "2026-W02", Some(&[("b", Some(1)), ("x", Some(1))])),
            ("c", "2026-W02", Some(&[("b", Some(0))])),
            ("a", "2026-W06", Some(&[("b", Some(1))])),
            ("c", "2026-W06", None),
        ],
    );
    d.sessions.push(Session {
        date: NaiveDate::from_ymd_opt(2026, 1, 20).unwrap(),
        coach: "mgr".into(),
        person: "a".into(),
        minutes: 30.0,
        behaviours: vec![],
        commitment: None,
    });
    d.sessions.push(Session {
        date: NaiveDate::from_ymd_opt(2026, 2, 2).unwrap(),
        coach: "mgr".into(),
        person: "c".into(),
        minutes: 20.0,
        behaviours: vec![],
        commitment: None,
    });
    let m = compute(
        &d,
        &[rule("b", 1, None, None), rule("x", 1, None, None)],
        &config(13, 1),
    );
    let jan = &m.months[&"2026-01".parse().unwrap()];
    // January weeks up to as_of (W06): W01–W05.
    assert_eq!(jan.weeks.len(), 5);
    // a: b 2/5 (W03–W05 not logged), x 1/5 → 0.3; c active from W02: b 0/4, x 0/4 → 0.
    assert!(close(jan.reps["a"], 0.3));
    assert_eq!(jan.reps["c"], 0.0);
    assert!(close(jan.cr.unwrap(), 0.15));
    assert!(close(jan.behaviours["b"].unwrap(), 0.2));
    // Levels as of W05: a → b 2/5, x 1/5 → 0.3 incidental; c → 0 absent.
    assert_eq!(jan.levels[&Level::Incidental], 1);
    assert_eq!(jan.levels[&Level::Absent], 1);
    // Coaching: one of two active reps coached, 30 minutes over 2 reps.
    assert_eq!(jan.coaching_coverage, Some(0.5));
    assert_eq!(jan.coaching_minutes_per_rep, Some(15.0));
    let feb = &m.months[&"2026-02".parse().unwrap()];
    // February: a hit b in W06 (x not logged → miss); c skipped the week.
    assert!(close(feb.reps["a"], 0.5));
    assert!(!feb.reps.contains_key("c"));
    assert_eq!(feb.coaching_coverage, Some(0.5));
}

#[test]
fn lead_lag_needs_enough_people() {
    let mut people = Vec::new();
    let mut entries: Vec<(String, String, u32)> = Vec::new();
    for (i, id) in ["a", "c", "d", "e", "f"].iter().enumerate() {
        people.push(person(id, "t", "rep", None, None));
        for wk in 1..=4 {
            entries.push((id.to_string(), format!("2026-W0{wk}"), u32::from(wk as usize <= i)));
        }
    }
    #[allow(clippy::type_complexity)]
    let refs: Vec<(&str, &str, Option<Vec<(&str, Option<u32>)>>)> = entries
        .iter()
        .map(|(p, wk, v)| (p.as_str(), wk.as_str(), Some(vec![("b", Some(*v))])))
        .collect();
    let flat: Vec<Entry> = refs.iter().map(|(p, wk, v)| (*p, *wk, v.as_deref())).collect();
    let mut d = data(people, &flat);
    let jan: Month = "2026-01".parse().unwrap();
    // CR as of W04: a 0, c .25, d .5, e .75, f 1. Win rates with a tie.
    for (id, won, lost) in [("a", 1, 3), ("c", 1, 3), ("d", 2, 2), ("e", 3, 1), ("f", 4, 0)] {
        d.outcomes.entry(jan).or_default().insert(
            id.into(),
            Outcome {
                won,
                lost,
                revenue: None,
            },
        );
    }
    let m = compute(&d, &[rule("b", 1, None, None)], &config(13, 1));
    let ll = m.months[&jan].lead_lag.unwrap();
    assert_eq!(ll.n, 5);
    // Ranks x = 1..5, y = 1.5, 1.5, 3, 4, 5 → ρ = 4.5/√(10·9.5)... computed by hand:
    // dx = -2,-1,0,1,2; dy = -1.5,-1.5,0,1,2; sxy = 3+1.5+0+1+4 = 9.5; sxx = 10; syy = 2.25+2.25+0+1+4 = 9.5
    assert!(close(ll.rho.unwrap(), 9.5 / (10.0f64 * 9.5).sqrt()));
    let mut c = config(13, 1);
    c.privacy.min_group_size = 6;
    assert_eq!(compute(&d, &[rule("b", 1, None, None)], &c).months[&jan].lead_lag, None);
}

/// `metrics.json` is printed in parts (the people's entries apart, for
/// `serve` to keep): the parts together are the document serde_json prints
/// whole, for every kind of build and for no data at all.
#[test]
fn metrics_json_printed_in_parts_is_the_document_printed_whole() {
    let m = compute(
        &three_reps(&[[1, 2, 3], [3, 0, 2], [2, 2, 2]]),
        &[rule("b", 2, None, None)],
        &config(13, 1),
    );
    assert!(m.people.len() == 3 && !m.months.is_empty());
    // Pseudonyms sort otherwise than the ids, and need escaping.
    let pseudonym = |id: &str| format!("\"{}", id.chars().rev().collect::<String>());
    for people in [
        json::People::ById,
        json::People::Hidden,
        json::People::Pseudonyms(&pseudonym),
    ] {
        let again = match &people {
            json::People::ById => json::People::ById,
            json::People::Hidden => json::People::Hidden,
            json::People::Pseudonyms(f) => json::People::Pseudonyms(*f),
        };
        assert_eq!(json::metrics_json(&m, people), json::whole(&m, &again));
    }
    let none = Metrics::default();
    assert_eq!(
        json::metrics_json(&none, json::People::ById),
        json::whole(&none, &json::People::ById)
    );
}

#[test]
fn metrics_json_has_the_designed_shape() {
    let m = compute(&bram_case(), &[rule("b", 2, None, None)], &config(13, 6));
    let v: serde_json::Value = serde_json::from_str(&json::metrics_json(&m, json::People::ById)).unwrap();
    assert_eq!(v["as_of"], "2026-W08");
    let b = &v["people"]["bram"]["behaviours"]["b"];
    for key in [
        "hits",
        "eligible",
        "cr",
        "level",
        "strength",
        "streak_current",
        "streak_longest",
        "coverage",
    ] {
        assert!(b.get(key).is_some(), "missing {key}");
    }
    assert_eq!(b["cr"], 0.5);
    assert!(v["teams"]["t"]["role_model_gap"].is_null(), "no manager figures → null");
    let month = &v["months"]["2026-02"];
    for key in [
        "cr",
        "levels",
        "coaching_coverage",
        "coaching_minutes_per_rep",
        "lead_lag",
        "behaviours",
        "teams",
    ] {
        assert!(month.get(key).is_some(), "missing {key}");
    }
    assert!(month["lead_lag"].is_null());
    let hidden: serde_json::Value = serde_json::from_str(&json::metrics_json(&m, json::People::Hidden)).unwrap();
    assert!(hidden.get("people").is_none());
}

fn arb_cells() -> impl Strategy<Value = Vec<Option<Option<u32>>>> {
    // Per week: None = week skipped, Some(None) = behaviour skipped, Some(Some(n)) = count.
    proptest::collection::vec(
        prop_oneof![Just(None), Just(Some(None)), (0u32..6).prop_map(|n| Some(Some(n)))],
        1..30,
    )
}

fn case_from(cells: &[Option<Option<u32>>]) -> TeamData {
    let weeks: Vec<String> = (0..cells.len())
        .map(|i| Week::new(2026, 1).unwrap().plus(i as i64).to_string())
        .collect();
    #[allow(clippy::type_complexity)]
    let values: Vec<Option<Vec<(&str, Option<u32>)>>> = cells.iter().map(|c| c.map(|v| vec![("b", v)])).collect();
    let entries: Vec<Entry> = weeks
        .iter()
        .zip(&values)
        .map(|(wk, v)| ("p", wk.as_str(), v.as_deref()))
        .collect();
    data(vec![person("p", "t", "rep", None, None)], &entries)
}

proptest! {
    #[test]
    fn rates_and_strength_stay_in_unit_interval(cells in arb_cells(), target in 1u32..5, h in 0.5f64..6.0) {
        let m = compute(&case_from(&cells), &[rule("b", target, None, Some(h))], &config(13, 1));
        let b = &m.people["p"].behaviours["b"];
        prop_assert!((0.0..=1.0).contains(&b.strength));
        if let Some(cr) = b.cr { prop_assert!((0.0..=1.0).contains(&cr)); }
        if let Some(c) = b.coverage { prop_assert!((0.0..=1.0).contains(&c)); }
    }

    #[test]
    fn a_skipped_week_changes_no_strength_or_streak(cells in arb_cells(), at in 0usize..30) {
        let at = at % cells.len();
        let rules = [rule("b", 2, None, None)];
        let mut with_skip = cells.clone();
        with_skip.insert(at, None);
        // Appending the skip after the same history: compare against the
        // history without it, shifted by one week.
        let a = compute(&case_from(&cells), &rules, &config(100, 1));
        let b = compute(&case_from(&with_skip), &rules, &config(100, 1));
        let (fa, fb) = (&a.people["p"].behaviours["b"], &b.people["p"].behaviours["b"]);
        prop_assert!((fa.strength - fb.strength).abs() < 1e-12);
        prop_assert_eq!(fa.streak_current, fb.streak_current);
        prop_assert_eq!(fa.streak_longest, fb.streak_longest);
        prop_assert_eq!((fa.hits, fa.eligible), (fb.hits, fb.eligible));
    }

    /// The month figures read a person's CR as of a week from `cr_series`
    /// instead of recomputing it: the two must be the same bits.
    #[test]
    fn the_cr_series_is_the_person_cr_as_of_each_week(cells in arb_cells(), window in 1u32..20, min in 1u32..4) {
        let rules = [rule("b", 2, None, None), rule("c", 1, None, None)];
        let config = config(window, min);
        let m = compute(&case_from(&cells), &rules, &config);
        let levels = crate::config::Levels::default();
        let ctx = Ctx { weeks: &m.weeks, window: window as usize, min_weeks: min, levels: &levels };
        let p = &m.people["p"];
        for j in 0..m.weeks.len() {
            prop_assert_eq!(p.cr_series[j].map(f64::to_bits), person_cr_at(p, j, &ctx).map(f64::to_bits));
        }
    }

    #[test]
    fn turning_a_miss_into_a_hit_never_lowers_cr(cells in arb_cells(), at in 0usize..30) {
        let at = at % cells.len();
        let rules = [rule("b", 2, None, None)];
        let mut better = cells.clone();
        if let Some(Some(n)) = better[at] && n < 2 {
            better[at] = Some(Some(2));
        }
        let a = compute(&case_from(&cells), &rules, &config(13, 1)).people["p"].behaviours["b"].cr;
        let b = compute(&case_from(&better), &rules, &config(13, 1)).people["p"].behaviours["b"].cr;
        if let (Some(a), Some(b)) = (a, b) { prop_assert!(b >= a); }
    }
}

/// Every number in a JSON value, depth first.
fn json_numbers(v: &serde_json::Value, out: &mut Vec<f64>) {
    match v {
        serde_json::Value::Number(n) => out.extend(n.as_f64()),
        serde_json::Value::Array(a) => a.iter().for_each(|x| json_numbers(x, out)),
        serde_json::Value::Object(o) => o.values().for_each(|x| json_numbers(x, out)),
        _ => {}
    }
}

#[test]
fn a_month_without_coaching_has_zero_minutes_not_negative_zero() {
    // bram is active in January and February; nobody was coached.
    let m = compute(&bram_case(), &[rule("b", 2, None, None)], &config(13, 6));
    for (month, f) in &m.months {
        let minutes = f.coaching_minutes_per_rep.unwrap();
        assert!(minutes == 0.0 && minutes.is_sign_positive(), "{month}: {minutes:?}");
        assert_eq!(f.coaching_coverage, Some(0.0));
        let (_, team_minutes) = f.team_coaching["t"];
        assert!(
            team_minutes.unwrap().is_sign_positive(),
            "{month} team: {team_minutes:?}"
        );
    }
    let text = json::metrics_json(&m, json::People::ById);
    let mut numbers = Vec::new();
    json_numbers(&serde_json::from_str(&text).unwrap(), &mut numbers);
    assert!(numbers.iter().all(|x| *x != 0.0 || x.is_sign_positive()), "{text}");
    // The literal text too: `-0.0` ends where the number ends.
    assert!(!text.contains("-0.0\n") && !text.contains("-0.0,"), "{text}");
}

/// One rep whose four behaviours hit 4, 3, 2 and 1 of 5 weeks (W01–W05,
/// all in January), in the order the ids `a`–`d` give; `reversed` hands the
/// same rates to the ids the other way round. On paper the person CR is
/// (4/5 + 3/5 + 2/5 + 1/5) / 4 = 1/2 exactly.
fn four_fifths_to_one_fifth(reversed: bool) -> (TeamData, Vec<BehaviourRule>) {
    let mut hits = [4, 3, 2, 1];
    if reversed {
        hits.reverse();
    }
    let ids = ["a", "b", "c", "d"];
    let weeks: Vec<String> = (1..=5).map(|i| format!("2026-W0{i}")).collect();
    let values: Vec<Vec<(&str, Option<u32>)>> = (0..5)
        .map(|wk| {
            ids.iter()
                .zip(hits)
                .map(|(b, h)| (*b, Some(u32::from(wk < h))))
                .collect()
        })
        .collect();
    let entries: Vec<Entry> = weeks
        .iter()
        .zip(&values)
        .map(|(wk, v)| ("p", wk.as_str(), Some(v.as_slice())))
        .collect();
    let d = data(vec![person("p", "t", "rep", None, None)], &entries);
    (d, ids.iter().map(|b| rule(b, 1, None, None)).collect())
}

#[test]
fn a_mean_of_fractions_meets_its_threshold_exactly_in_either_order() {
    for reversed in [false, true] {
        let (d, rules) = four_fifths_to_one_fifth(reversed);
        let m = compute(&d, &rules, &config(13, 5));
        let p = &m.people["p"];
        assert_eq!(p.cr, Some(0.5), "reversed: {reversed}");
        assert_eq!(p.level, Level::Developing, "reversed: {reversed}");
        assert_eq!(m.teams["t"].cr, Some(0.5), "reversed: {reversed}");
        assert_eq!(m.teams["t"].level, Level::Developing, "reversed: {reversed}");
        let jan = &m.months[&"2026-01".parse().unwrap()];
        assert_eq!(jan.levels[&Level::Developing], 1, "month levels, reversed: {reversed}");
        assert_eq!(jan.levels[&Level::Incidental], 0, "month levels, reversed: {reversed}");
        // The month's own CR is the same mean of the same fractions.
        assert_eq!(jan.reps["p"], 0.5, "reversed: {reversed}");
        assert_eq!(jan.cr, Some(0.5), "reversed: {reversed}");
    }
}

#[test]
fn levels_compare_within_a_billionth_as_equal() {
    let levels = crate::config::Levels::default();
    // Just below a threshold by float noise is on it; a real difference is not.
    assert_eq!(Level::of(Some(0.8 - 1e-12), &levels), Level::Consistent);
    assert_eq!(Level::of(Some(0.5 - 1e-12), &levels), Level::Developing);
    assert_eq!(Level::of(Some(0.5 - 1e-6), &levels), Level::Incidental);
    assert_eq!(Level::of(Some(1e-12), &levels), Level::Absent);
    assert_eq!(Level::of(Some(1e-6), &levels), Level::Incidental);
    assert_eq!(Level::of(Some(0.0), &levels), Level::Absent);
}

#[test]
fn people_at_one_half_share_a_rank_for_lead_lag() {
    // p: 4/5 … 1/5 (CR 1/2); q: the same rates in the other order; r: 5/5 ×4.
    // Win rates 1/4, 3/4, 1: x ranks 1.5, 1.5, 3 and y ranks 1, 2, 3 give
    // ρ = 1.5 / √(1.5 · 2) exactly; any split of the tie gives another ρ.
    for reversed in [false, true] {
        let (a, rules) = four_fifths_to_one_fifth(reversed);
        let (b, _) = four_fifths_to_one_fifth(!reversed);
        let mut d = a.clone();
        d.people = vec![
            person("p", "t", "rep", None, None),
            person("q", "t", "rep", None, None),
            person("r", "t", "rep", None, None),
        ];
        for ((_, wk), e) in &b.logs {
            d.logs.insert(("q".into(), *wk), e.clone());
            let all: crate::teamdata::Values = ["a", "b", "c", "d"]
                .iter()
                .map(|b| (b.to_string(), Logged::Count(1)))
                .collect();
            d.logs.insert(("r".into(), *wk), WeekEntry::Values(all));
        }
        let jan: Month = "2026-01".parse().unwrap();
        for (id, won, lost) in [("p", 1, 3), ("q", 3, 1), ("r", 2, 0)] {
            d.outcomes.entry(jan).or_default().insert(
                id.into(),
                Outcome {
                    won,
                    lost,
                    revenue: None,
                },
            );
        }
        let mut c = config(13, 5);
        c.privacy.min_group_size = 3;
        let m = compute(&d, &rules, &c);
        assert_eq!(m.people["p"].cr, m.people["q"].cr, "reversed: {reversed}");
        let ll = m.months[&jan].lead_lag.unwrap();
        assert_eq!(ll.n, 3);
        assert!(close(ll.rho.unwrap(), 1.5 / 3.0f64.sqrt()), "ρ = {:?}", ll.rho);
    }
}

/// Three reps in two teams (and their manager) over `counts.len()` weeks:
/// `counts[i][k]` is person k's count in week i.
fn three_reps(counts: &[[u32; 3]]) -> TeamData {
    let weeks: Vec<String> = (0..counts.len())
        .map(|i| Week::new(2026, 1).unwrap().plus(i as i64 * 2).to_string())
        .collect();
    let ids = ["a", "b", "mgr"];
    let values: Vec<Vec<(&str, Option<u32>)>> = counts
        .iter()
        .flat_map(|week| week.iter().map(|n| vec![("b", Some(*n))]))
        .collect();
    let entries: Vec<Entry> = weeks
        .iter()
        .enumerate()
        .flat_map(|(i, wk)| (0..3).map(move |k| (i, k, wk)))
        .map(|(i, k, wk)| (ids[k], wk.as_str(), Some(values[i * 3 + k].as_slice())))
        .collect();
    let mut d = data(
        vec![
            person("a", "t", "rep", None, None),
            person("b", "u", "rep", None, None),
            person("mgr", "t", "manager", None, None),
        ],
        &entries,
    );
    d.teams.push(Team {
        id: "u".into(),
        name: "U".into(),
        manager: None,
    });
    d
}

proptest! {
    /// Reusing the figures of everyone but the person whose entry changed,
    /// and of the months that person's figures do not reach, gives the
    /// figures of computing everything.
    #[test]
    fn reusing_unchanged_people_and_months_gives_the_full_figures(
        counts in proptest::collection::vec([0u32..4, 0u32..4, 0u32..4], 1..40),
        at in 0usize..40,
        who in 0usize..3,
        to in 0u32..4,
    ) {
        let rules = [rule("b", 2, None, None)];
        let cfg = config(4, 1);
        let before = three_reps(&counts);
        let mut edited = counts.clone();
        let at = at % counts.len();
        edited[at][who] = to;
        let after = three_reps(&edited);
        let changed = std::collections::BTreeSet::from([["a", "b", "mgr"][who].to_string()]);
        let reused = compute_reusing(&after, &rules, &cfg, compute(&before, &rules, &cfg), &changed);
        prop_assert_eq!(reused, compute(&after, &rules, &cfg));
    }
}
