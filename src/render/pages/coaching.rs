//! A team's coaching page: per rep what a manager needs for the weekly
//! one-to-one. It exists only for teams in [`Visible::coaching`], which the
//! visible stage fills in named builds alone.

use super::super::t;
use super::*;
use crate::charts::fill;
use crate::locale;
use crate::visible::coaching::{RHYTHM_WEEKS, Reason, RepCoaching, session_week_start};

/// A current streak this long is worth naming.
const STREAK_WORTH_NAMING: u32 = 4;

fn rhythm_cell(input: &Input, s: CellState) -> RhythmCell {
    let (state, symbol, key) = match s {
        CellState::Hit => ("hit", "●", "coach_state_hit"),
        CellState::Partial => ("partial", "◐", "coach_state_partial"),
        CellState::Miss => ("miss", "○", "coach_state_miss"),
        CellState::Skipped => ("skipped", "–", "coach_state_skipped"),
        CellState::NotLogged => ("not-logged", "?", "coach_state_not_logged"),
        CellState::Inactive => ("inactive", "·", "coach_state_inactive"),
    };
    RhythmCell {
        state,
        symbol,
        label: t(input, key).to_string(),
    }
}

/// The coaching page of `team`, or `None` when this build has none.
pub fn coaching_view(sh: &Shown, team: &str) -> Option<CoachingView> {
    let input = sh.input;
    let coaching = sh.v.coaching.get(team)?;
    let as_of = sh.v.as_of?;
    let last = sh.v.weeks.len().checked_sub(1)?;
    let from = sh.v.weeks.len().saturating_sub(RHYTHM_WEEKS);
    let name = team_name(sh, team);
    let mut reps: Vec<(String, CoachRep)> = coaching
        .reps
        .iter()
        .filter_map(|r| Some((sh.name(&r.person)?, r)))
        .map(|(n, r)| (n.clone(), rep_view(sh, r, n, from, last, as_of)))
        .collect();
    // The order on the page: by the name shown, the same in every build.
    reps.sort_by(|a, b| a.0.cmp(&b.0));
    Some(CoachingView {
        team: Link {
            title: name.clone(),
            route: format!("teams/{team}/index.html"),
        },
        intro: fill(
            t(input, "coach_intro"),
            &[("team", &name), ("week", &as_of.to_string())],
        ),
        weeks: sh.week_keys(from).to_vec(),
        legend: crate::charts::CELL_STATES
            .iter()
            .map(|s| rhythm_cell(input, *s))
            .collect(),
        reps: reps.into_iter().map(|(_, r)| r).collect(),
    })
}

fn rep_view(sh: &Shown, r: &RepCoaching, name: String, from: usize, last: usize, as_of: Week) -> CoachRep {
    let input = sh.input;
    let lang = input.config.language;
    let targets = targets(input);
    let p = &sh.v.people[&r.person];
    let pct = |x: f64| locale::percent(lang, x);
    let week_at = |j: usize| sh.v.weeks[j].to_string();
    let rhythm = p
        .behaviours
        .iter()
        .map(|(bid, b)| RhythmRow {
            behaviour: behaviour_title(input, bid).to_string(),
            cells: (from..=last)
                .map(|i| {
                    rhythm_cell(
                        input,
                        cell_state(b.cells[i], targets.get(bid.as_str()).copied().unwrap_or(1)),
                    )
                })
                .collect(),
        })
        .collect();
    let drop_back = last.checked_sub(crate::visible::coaching::DROP_WEEKS);
    let window = input.config.consistency.window_weeks.to_string();
    let (focus, focus_link, questions, questions_note) = match &r.focus {
        None => (t(input, "coach_focus_none").to_string(), None, Vec::new(), None),
        Some(f) => {
            let title = behaviour_title(input, &f.behaviour).to_string();
            let sentence = match f.reason {
                Reason::Drop { from, to } => fill(
                    t(input, "coach_focus_drop"),
                    &[
                        ("behaviour", &title),
                        ("from", &pct(from)),
                        ("to", &pct(to)),
                        ("before", &drop_back.map(week_at).unwrap_or_default()),
                        ("week", &as_of.to_string()),
                        ("window", &window),
                    ],
                ),
                Reason::Weakest { cr } => fill(
                    t(input, "coach_focus_weakest"),
                    &[
                        ("behaviour", &title),
                        ("cr", &pct(cr)),
                        ("week", &as_of.to_string()),
                        ("window", &window),
                    ],
                ),
            };
            let all = input
                .content
                .behaviour(&f.behaviour)
                .map(|b| b.meta.questions.clone())
                .unwrap_or_default();
            // Two questions, rotating with the week so that a weekly
            // conversation does not ask the same two every time.
            let qs: Vec<String> = if all.is_empty() {
                Vec::new()
            } else {
                let start = chrono::Datelike::iso_week(&as_of.monday()).week() as usize % all.len();
                (0..all.len().min(2))
                    .map(|k| all[(start + k) % all.len()].clone())
                    .collect()
            };
            let note = qs.is_empty().then(|| t(input, "coach_questions_none").to_string());
            (
                sentence,
                Some(Link {
                    title,
                    route: format!("behaviours/{}/index.html", f.behaviour),
                }),
                qs,
                note,
            )
        }
    };
    let view_of = |s: &crate::teamdata::Session| {
        let start = session_week_start(s);
        let date = locale::date(lang, s.date);
        let moved = s
            .behaviours
            .iter()
            .filter_map(|bid| {
                let b = p.behaviours.get(bid)?;
                let title = behaviour_title(input, bid);
                let target = targets.get(bid.as_str()).copied().unwrap_or(1);
                // Weeks after the session's week, up to as_of.
                let after: Vec<usize> = (0..=last).filter(|&i| sh.v.weeks[i].monday() > start).collect();
                if after.is_empty() {
                    return Some(fill(t(input, "coach_moved_new"), &[("behaviour", title)]));
                }
                let eligible = after.iter().filter(|&&i| b.cells[i].eligible()).count();
                let hits = after.iter().filter(|&&i| b.cells[i].hit(target)).count();
                if eligible == 0 {
                    return Some(fill(
                        t(input, "coach_moved_nothing"),
                        &[("date", &date), ("behaviour", title)],
                    ));
                }
                let at = sh.v.weeks.iter().position(|w| w.monday() == start);
                let then = at.and_then(|j| sh.v.behaviour_cr_at(b, j));
                let dash = "–".to_string();
                Some(fill(
                    t(input, "coach_moved"),
                    &[
                        ("date", &date),
                        ("behaviour", title),
                        ("hits", &hits.to_string()),
                        ("eligible", &eligible.to_string()),
                        ("from", &then.map(pct).unwrap_or(dash.clone())),
                        ("to", &b.cr.map(pct).unwrap_or(dash)),
                    ],
                ))
            })
            .collect();
        CommitmentView {
            date,
            text: s.commitment.clone().unwrap_or_default(),
            moved,
        }
    };
    let commitment = r.latest_commitment().map(view_of);
    // A commitment made this week cannot have moved yet: the one before it
    // shows whether the behaviour moved.
    let previous = r
        .latest_commitment()
        .filter(|s| Week::of(s.date) >= as_of)
        .and_then(|latest| {
            r.sessions
                .iter()
                .rev()
                .filter(|s| s.commitment.is_some() && s.date < latest.date && Week::of(s.date) < as_of)
                .find(|s| Week::of(s.date) < Week::of(latest.date))
        })
        .map(view_of);
    let recognise = recognise(sh, r, p, last);
    let (last_coached, minutes, due) = rhythm_of_coaching(sh, r, as_of);
    CoachRep {
        route: format!("people/{}/index.html", r.person),
        name,
        rhythm,
        focus,
        focus_link,
        commitment,
        previous,
        questions,
        questions_note,
        recognise,
        last_coached,
        minutes,
        due,
    }
}

/// Behaviour worth recognising: one that became consistent (consistent now,
/// below consistent one window earlier), a current streak of at least
/// [`STREAK_WORTH_NAMING`] weeks, and stories the rep appears in.
fn recognise(sh: &Shown, r: &RepCoaching, p: &PersonFigures, last: usize) -> Vec<String> {
    let input = sh.input;
    let lang = input.config.language;
    let levels = &input.config.consistency.levels;
    let window = input.config.consistency.window_weeks as usize;
    let mut out = Vec::new();
    let back = last.checked_sub(window);
    let mut became = Vec::new();
    // The longest current streak among behaviours that did not just become
    // consistent (those are named already); ties go to the first by id.
    let mut streak: Option<(&str, u32)> = None;
    for (bid, b) in &p.behaviours {
        let title = behaviour_title(input, bid);
        let earlier = back.and_then(|j| sh.v.behaviour_cr_at(b, j));
        if let (Some(now), Some(then)) = (b.cr, earlier)
            && Level::of(Some(now), levels) == Level::Consistent
            && Level::of(Some(then), levels) != Level::Consistent
        {
            became.push(format!(
                "{title} ({} → {})",
                locale::percent(lang, then),
                locale::percent(lang, now)
            ));
        } else if b.streak_current >= STREAK_WORTH_NAMING && streak.is_none_or(|(_, n)| b.streak_current > n) {
            streak = Some((title, b.streak_current));
        }
    }
    if !became.is_empty() {
        out.push(fill(
            t(input, "coach_recognise_consistent"),
            &[
                ("behaviours", &became.join(", ")),
                ("before", &back.map(|j| sh.v.weeks[j].to_string()).unwrap_or_default()),
            ],
        ));
    }
    if let Some((title, n)) = streak {
        out.push(fill(
            t(input, "coach_recognise_streak"),
            &[("behaviour", title), ("n", &n.to_string())],
        ));
    }
    for s in &input.content.stories {
        if s.meta.people.contains(&r.person) {
            out.push(fill(t(input, "coach_recognise_story"), &[("title", &s.meta.title)]));
        }
    }
    out
}

/// When the rep was last coached and this month's minutes against
/// `coaching.target_minutes`, pro rata for the weeks of the month so far.
/// A conversation is due when the month's minutes are below that share or
/// the last session lies more than two weeks back.
fn rhythm_of_coaching(sh: &Shown, r: &RepCoaching, as_of: Week) -> (String, String, bool) {
    let input = sh.input;
    let lang = input.config.language;
    let target = input.config.coaching.target_minutes;
    let month = as_of.month();
    let total = month.weeks().len().max(1);
    let passed = month.weeks().iter().filter(|w| **w <= as_of).count();
    let expected = target * passed as f64 / total as f64;
    let minutes: f64 = r
        .sessions
        .iter()
        .filter(|s| month.contains(s.date) && Week::of(s.date) <= as_of)
        .map(|s| s.minutes)
        .sum();
    let last = r.sessions.iter().rev().find(|s| Week::of(s.date) <= as_of);
    let (text, weeks_ago) = match last {
        None => (t(input, "coach_last_never").to_string(), i64::MAX),
        Some(s) => {
            let ago = Week::of(s.date).weeks_until(as_of);
            let key = if ago == 0 {
                "coach_last_this_week"
            } else {
                "coach_last_date"
            };
            (
                fill(
                    t(input, key),
                    &[
                        ("date", &locale::date(lang, s.date)),
                        ("weeks", &ago.to_string()),
                        ("week", &as_of.to_string()),
                    ],
                ),
                ago,
            )
        }
    };
    let minutes_text = fill(
        t(input, "coach_minutes"),
        &[
            ("minutes", &locale::decimal(lang, minutes, 0)),
            ("target", &locale::decimal(lang, target, 0)),
            ("expected", &locale::decimal(lang, expected, 0)),
            ("passed", &passed.to_string()),
            ("total", &total.to_string()),
        ],
    );
    (text, minutes_text, minutes + 1e-9 < expected || weeks_ago > 2)
}
