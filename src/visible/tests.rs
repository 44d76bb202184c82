//! The sibling rule, checked on what a build would show: for every set of
//! siblings, either nothing is hidden, or the hidden cells together hold
//! at least `min_group_size` people, or the parent is hidden too.

use super::*;
use crate::config::Config;
use crate::metrics::compute;
use crate::teamdata::{BehaviourRule, Logged, Person, Team, TeamData, WeekEntry};

fn w(s: &str) -> Week {
    s.parse().unwrap()
}

/// Teams of `(id, reps)` with a manager each, eight weeks of two
/// behaviours; `skip` lists (person, week, behaviour) left out.
fn site(teams: &[(&str, usize)], skip: &[(&str, &str, &str)]) -> TeamData {
    let mut d = TeamData::default();
    for (t, n) in teams {
        d.teams.push(Team {
            id: t.to_string(),
            name: t.to_uppercase(),
            manager: Some(format!("{t}-baas")),
        });
        let mut ids = vec![(format!("{t}-baas"), "manager")];
        ids.extend((0..*n).map(|i| (format!("{t}-{i}"), "rep")));
        for (k, (id, role)) in ids.iter().enumerate() {
            d.people.push(Person {
                id: id.clone(),
                name: id.to_uppercase(),
                team: t.to_string(),
                role: role.to_string(),
                start: None,
                end: None,
            });
            for wk in 1..=8usize {
                let week = format!("2026-W{wk:02}");
                let values = ["bel", "luister"]
                    .iter()
                    .map(|b| {
                        let v = if skip.contains(&(id.as_str(), week.as_str(), *b)) {
                            Logged::Skip
                        } else {
                            Logged::Count(((k + wk) % 3) as u32)
                        };
                        (b.to_string(), v)
                    })
                    .collect();
                d.logs.insert((id.clone(), w(&week)), WeekEntry::Values(values));
                d.logged_weeks.push(w(&week));
            }
        }
    }
    d.logged_weeks.sort();
    d.logged_weeks.dedup();
    d
}

fn visible(d: &TeamData, min: usize) -> Visible {
    let rules = rules();
    let mut c = Config::default();
    c.consistency.min_weeks = 2;
    let m = compute(d, &rules, &c);
    let targets = rules.iter().map(|r| (r.id.clone(), r.target)).collect();
    Visible::new(&m, &Default::default(), PrivacyMode::Aggregate, min, &targets)
}

/// Checks one sibling set: (cell, people behind it, shown?).
fn holds(what: &str, cells: &[(String, usize, bool)], parent_shown: bool, min: usize) {
    let hidden: usize = cells.iter().filter(|(_, n, shown)| *n > 0 && !shown).map(|c| c.1).sum();
    let any_hidden = cells.iter().any(|(_, n, shown)| *n > 0 && !shown);
    assert!(
        !any_hidden || !parent_shown || hidden >= min,
        "{what}: the hidden cells hold {hidden} people, fewer than {min}, beside shown ones: {cells:?}"
    );
}

#[test]
fn a_hidden_teams_rhythm_cell_cannot_be_derived_from_the_other_teams_of_its_week() {
    // In W05 four of b's six reps skip `bel`: b's cell holds two people.
    let skip: Vec<(String, &str, &str)> = (0..4).map(|i| (format!("b-{i}"), "2026-W05", "bel")).collect();
    let skip: Vec<(&str, &str, &str)> = skip.iter().map(|(p, wk, b)| (p.as_str(), *wk, *b)).collect();
    let d = site(&[("a", 6), ("b", 6), ("c", 7)], &skip);
    let v = visible(&d, 5);
    let j = v.weeks.iter().position(|wk| *wk == w("2026-W05")).unwrap();
    assert!(v.teams["b"].shares["bel"][j].is_none(), "two people's week is hidden");
    let eligible = |t: &str| 6 + usize::from(t == "c") - if t == "b" { 4 } else { 0 };
    for (i, _) in v.weeks.iter().enumerate() {
        for b in ["bel", "luister"] {
            let cells: Vec<(String, usize, bool)> = ["a", "b", "c"]
                .iter()
                .map(|t| {
                    let n = if i == j && b == "bel" {
                        eligible(t)
                    } else {
                        6 + usize::from(*t == "c")
                    };
                    (t.to_string(), n, v.teams[*t].shares[b][i].is_some())
                })
                .collect();
            holds(&format!("{b} in week {i}"), &cells, true, 5);
        }
    }
}

#[test]
fn months_of_a_team_behaviours_of_a_team_and_levels_of_a_month_keep_the_rule() {
    // Team b: two reps logging in W05–W08 only (the rest skip `bel` in
    // W01–W04): small months and a small behaviour beside large ones.
    let mut skip: Vec<(String, &str, &str)> = Vec::new();
    for i in 0..4 {
        for wk in ["2026-W01", "2026-W02", "2026-W03", "2026-W04"] {
            skip.push((format!("b-{i}"), wk, "bel"));
        }
    }
    let skip: Vec<(&str, &str, &str)> = skip.iter().map(|(p, wk, b)| (p.as_str(), *wk, *b)).collect();
    for min in [3, 5, 7] {
        let d = site(&[("a", 6), ("b", 6), ("c", 2)], &skip);
        let v = visible(&d, min);
        let m = {
            let rules: Vec<BehaviourRule> = ["bel", "luister"]
                .iter()
                .map(|b| BehaviourRule {
                    id: b.to_string(),
                    target: 1,
                    roles: None,
                    half_life: None,
                })
                .collect();
            let mut c = Config::default();
            c.consistency.min_weeks = 2;
            compute(&d, &rules, &c)
        };
        let team_of = |id: &str| m.people[id].team.clone();
        // Months of a team, under the team's headline.
        for (t, shown) in &v.teams {
            let cells: Vec<(String, usize, bool)> = m
                .months
                .iter()
                .map(|(mo, f)| {
                    let n = f.reps.keys().filter(|id| team_of(id) == *t).count();
                    (
                        mo.to_string(),
                        n,
                        v.months[mo].teams.get(t).copied().flatten().is_some(),
                    )
                })
                .collect();
            holds(&format!("months of {t} (min {min})"), &cells, shown.cr.is_some(), min);
        }
        // Behaviours of a team in each week, under the team's figure.
        for (t, shown) in &v.teams {
            for j in 0..v.weeks.len() {
                let cells: Vec<(String, usize, bool)> = ["bel", "luister"]
                    .iter()
                    .map(|b| {
                        let n = m
                            .people
                            .values()
                            .filter(|p| p.rep && p.team == *t)
                            .filter(|p| m.behaviour_cr_at(&p.behaviours[*b], j).is_some())
                            .count();
                        (b.to_string(), n, shown.behaviours[*b][j].is_some())
                    })
                    .collect();
                holds(
                    &format!("behaviours of {t} in week {j} (min {min})"),
                    &cells,
                    shown.cr_series[j].is_some(),
                    min,
                );
            }
        }
        // Levels of a month, under the month's number of reps.
        for (mo, f) in &m.months {
            let s = &v.months[mo];
            let cells: Vec<(String, usize, bool)> = Level::ALL
                .iter()
                .map(|l| {
                    (
                        l.key().to_string(),
                        f.levels.get(l).copied().unwrap_or(0),
                        s.levels[l].is_some(),
                    )
                })
                .collect();
            holds(&format!("levels of {mo} (min {min})"), &cells, s.cr.is_some(), min);
        }
    }
}

#[test]
fn managers_show_as_a_group_of_enough_and_their_gap_only_beside_shown_teams() {
    let all_shown = visible(&site(&[("a", 6), ("b", 6), ("c", 6)], &[]), 3);
    assert_eq!(all_shown.managers.contributors, 3);
    assert!(all_shown.managers.cr.is_some() && all_shown.managers.gap.is_some());
    assert!(
        all_shown.teams.values().all(|t| t.role_model_gap.is_none()),
        "never per team"
    );
    // Team c is hidden: the group's gap and CR together would give its figure.
    let one_hidden = visible(&site(&[("a", 6), ("b", 6), ("c", 2)], &[]), 3);
    assert!(one_hidden.teams["c"].cr.is_none());
    assert!(one_hidden.managers.cr.is_some() && one_hidden.managers.gap.is_none());
    // Fewer managers than the minimum: nothing about them.
    let few = visible(&site(&[("a", 6), ("b", 6), ("c", 6)], &[]), 5);
    assert_eq!((few.managers.cr, few.managers.gap), (None, None));
    for mo in few.months.values() {
        assert_eq!(mo.managers.cr, None);
    }
}

fn rules() -> Vec<BehaviourRule> {
    ["bel", "luister"]
        .iter()
        .map(|b| BehaviourRule {
            id: b.to_string(),
            target: 1,
            roles: None,
            half_life: None,
        })
        .collect()
}

fn config() -> Config {
    let mut c = Config::default();
    c.consistency.min_weeks = 2;
    c
}

/// Every figure two builds show, side by side (their decisions apart).
fn assert_same_shown(a: &Visible, b: &Visible, what: &str) {
    assert_eq!(a.overall, b.overall, "{what}: overall");
    assert_eq!(a.contributors, b.contributors, "{what}: contributors");
    assert_eq!(a.teams, b.teams, "{what}: teams");
    assert_eq!(a.behaviours, b.behaviours, "{what}: behaviours");
    assert_eq!(a.levels_now, b.levels_now, "{what}: levels now");
    assert_eq!(a.months, b.months, "{what}: months");
    assert_eq!(a.people, b.people, "{what}: people");
    assert_eq!(a.managers, b.managers, "{what}: managers");
    assert_eq!(a.manager_behaviours, b.manager_behaviours, "{what}: manager behaviours");
    assert_eq!(a.health, b.health, "{what}: health");
    assert_eq!(a.redacted, b.redacted, "{what}: metrics.json's figures");
}

/// The visible stage of `after` decided from the last build of `before`
/// (whose log entries differ only for `changed`), and a clean one; with
/// the weeks and months the first decided afresh.
fn rebuilt(before: &TeamData, after: &TeamData, changed: &[&str], mode: PrivacyMode, min: usize) -> (Visible, Visible) {
    let (rules, c) = (rules(), config());
    let targets: BTreeMap<String, u32> = rules.iter().map(|r| (r.id.clone(), r.target)).collect();
    let health = Default::default();
    let last_metrics = compute(before, &rules, &c);
    let last = Visible::new(&last_metrics, &health, mode, min, &targets);
    let changed: BTreeSet<String> = changed.iter().map(|s| s.to_string()).collect();
    let prior = Prior::new(last.decided(), &last_metrics.people, &changed);
    let m = crate::metrics::compute_reusing(after, &rules, &c, last_metrics, &changed);
    let reused = Visible::reusing(&m, &health, mode, min, &targets, Some(&prior));
    let clean = Visible::new(&compute(after, &rules, &c), &health, mode, min, &targets);
    (reused, clean)
}

#[test]
fn a_rebuild_decides_again_only_the_weeks_and_months_an_edit_reaches_and_shows_what_a_clean_build_shows() {
    // a-0 skips `bel` in W08, the last week: team a's cell of that week
    // holds four people, so it goes, and a sibling with it.
    let all = site(&[("a", 5), ("b", 6), ("c", 7)], &[]);
    let skipped = site(&[("a", 5), ("b", 6), ("c", 7)], &[("a-0", "2026-W08", "bel")]);
    for mode in [PrivacyMode::Aggregate, PrivacyMode::Pseudonymous] {
        for (before, after, flip) in [(&all, &skipped, "shown to hidden"), (&skipped, &all, "hidden to shown")] {
            let what = format!("{mode:?}, W08 {flip}");
            let (reused, clean) = rebuilt(before, after, &["a-0"], mode, 5);
            assert_same_shown(&reused, &clean, &what);
            let j = clean.weeks.len() - 1;
            let last = Visible::new(
                &compute(before, &rules(), &config()),
                &Default::default(),
                mode,
                5,
                &rules().iter().map(|r| (r.id.clone(), r.target)).collect(),
            );
            assert_ne!(
                last.teams["a"].shares["bel"][j].is_some(),
                clean.teams["a"].shares["bel"][j].is_some(),
                "{what}: the edit flips team a's cell"
            );
            assert_eq!(
                reused.decided_afresh(),
                (1, 1),
                "{what}: only the last week and its month are decided again"
            );
            assert_eq!(clean.decided_afresh(), (clean.weeks.len(), clean.months.len()));
        }
    }
}

#[test]
fn a_rebuild_hides_and_shows_a_teams_figure_as_a_clean_build_does() {
    // a-0 skips everything from W02 on: too few eligible weeks for a CR,
    // so team a has four contributors in those weeks and its figure goes
    // (and another team's with it, or the total could give it away).
    let skip: Vec<(&str, String, &str)> = (2..=8)
        .flat_map(|wk| ["bel", "luister"].map(|b| ("a-0", format!("2026-W{wk:02}"), b)))
        .collect();
    let skip: Vec<(&str, &str, &str)> = skip.iter().map(|(p, wk, b)| (*p, wk.as_str(), *b)).collect();
    let all = site(&[("a", 5), ("b", 6), ("c", 7)], &[]);
    let skipped = site(&[("a", 5), ("b", 6), ("c", 7)], &skip);
    for mode in [PrivacyMode::Aggregate, PrivacyMode::Pseudonymous] {
        for (before, after, flip) in [(&all, &skipped, "shown to hidden"), (&skipped, &all, "hidden to shown")] {
            let what = format!("{mode:?}, team a {flip}");
            let (reused, clean) = rebuilt(before, after, &["a-0"], mode, 5);
            assert_same_shown(&reused, &clean, &what);
            let shown = clean.teams["a"].hidden.is_none();
            assert_eq!(shown, std::ptr::eq(after, &all), "{what}: the edit flips team a");
            assert!(
                reused.decided_afresh().0 < clean.weeks.len(),
                "{what}: the weeks before the edit are the last build's: {:?}",
                reused.decided_afresh()
            );
        }
    }
}

#[test]
fn decisions_are_not_taken_from_a_build_with_other_settings() {
    let d = site(&[("a", 5), ("b", 6), ("c", 7)], &[]);
    let (rules, c) = (rules(), config());
    let targets: BTreeMap<String, u32> = rules.iter().map(|r| (r.id.clone(), r.target)).collect();
    let m = compute(&d, &rules, &c);
    let health = Default::default();
    let last = Visible::new(&m, &health, PrivacyMode::Aggregate, 5, &targets);
    let prior = Prior::new(last.decided(), &m.people, &BTreeSet::new());
    for (mode, min) in [(PrivacyMode::Aggregate, 6), (PrivacyMode::Pseudonymous, 5)] {
        let v = Visible::reusing(&m, &health, mode, min, &targets, Some(&prior));
        assert_eq!(v.decided_afresh(), (v.weeks.len(), v.months.len()), "{mode:?}, {min}");
        assert_same_shown(&v, &Visible::new(&m, &health, mode, min, &targets), "other settings");
    }
    let same = Visible::reusing(&m, &health, PrivacyMode::Aggregate, 5, &targets, Some(&prior));
    assert_eq!(
        same.decided_afresh(),
        (0, 0),
        "nothing changed: nothing is decided again"
    );
    assert_same_shown(&same, &last, "the same settings");
}

#[test]
fn a_month_is_decided_again_when_only_its_cells_changed() {
    // a-0 misses everything, so skipping `bel` in the weeks of February
    // changes no CR and no team figure of any week: only the month reads
    // the change (a-0 no longer counts in February's `bel`).
    let misses = |skip_february: bool| {
        let mut d = site(&[("a", 5), ("b", 6), ("c", 7)], &[]);
        let february = w("2026-W08").month();
        for ((id, week), entry) in d.logs.iter_mut() {
            if id != "a-0" {
                continue;
            }
            let values = ["bel", "luister"]
                .iter()
                .map(|b| {
                    let skip = skip_february && *b == "bel" && week.month() == february;
                    (b.to_string(), if skip { Logged::Skip } else { Logged::Count(0) })
                })
                .collect();
            *entry = WeekEntry::Values(values);
        }
        d
    };
    let (before, after) = (misses(false), misses(true));
    for mode in [PrivacyMode::Aggregate, PrivacyMode::Pseudonymous] {
        let (reused, clean) = rebuilt(&before, &after, &["a-0"], mode, 5);
        assert_same_shown(&reused, &clean, &format!("{mode:?}"));
        let (weeks, months) = reused.decided_afresh();
        assert!(
            weeks < clean.weeks.len(),
            "{mode:?}: January's weeks are the last build's"
        );
        assert_eq!(months, 1, "{mode:?}: February is decided again");
    }
}

#[test]
fn data_health_is_assessed_again_only_for_the_changed_people_and_is_a_clean_builds() {
    // a-0 skips both behaviours of W03-W05 (a different coverage) and b-1
    // logs an outlier: the two changed people.
    let mut skip: Vec<(&str, String, &str)> = (3..=5)
        .flat_map(|wk| ["bel", "luister"].map(|b| ("a-0", format!("2026-W{wk:02}"), b)))
        .collect();
    skip.sort();
    let skip: Vec<(&str, &str, &str)> = skip.iter().map(|(p, wk, b)| (*p, wk.as_str(), *b)).collect();
    let before = site(&[("a", 5), ("b", 6), ("c", 7)], &[]);
    let mut after = site(&[("a", 5), ("b", 6), ("c", 7)], &skip);
    after.logs.insert(
        ("b-1".to_string(), w("2026-W06")),
        WeekEntry::Values(
            [
                ("bel".to_string(), Logged::Count(40)),
                ("luister".to_string(), Logged::Count(1)),
            ]
            .into_iter()
            .collect(),
        ),
    );
    let (rules, c) = (rules(), config());
    let (was, now) = (compute(&before, &rules, &c), compute(&after, &rules, &c));
    let clean = crate::datahealth::assess(&after, &now);
    assert!(!clean.outliers.is_empty(), "b-1's 40 is an outlier");
    let again = |changed: &BTreeSet<String>| {
        let last = crate::datahealth::Last {
            health: crate::datahealth::assess(&before, &was),
            weeks: &was.weeks,
            changed,
        };
        crate::datahealth::assess_reusing(&after, &now, Some(last))
    };
    let changed: BTreeSet<String> = ["a-0".to_string(), "b-1".to_string()].into();
    assert_eq!(again(&changed), (clean.clone(), 2), "only the two are assessed");
    assert_ne!(
        again(&BTreeSet::new()).0,
        clean,
        "the edit changes what the data health shows, so a stale one would differ"
    );
}
