//! Cross-references between documents: every id a page names must exist.
//! Each problem points at the value in the front matter and suggests the
//! nearest existing id.

use crate::content::{Content, Doc};
use crate::diagnostics::{Diagnostics, unknown_id_hint};

/// Checks the references of guides and stories to behaviours.
pub fn references(content: &Content) -> Diagnostics {
    let mut diags = Diagnostics::new();
    // A behaviour page rejected for an error of its own was reported there:
    // the pages naming it are not reported again.
    let behaviour_ids: Vec<&str> = content
        .behaviours
        .iter()
        .map(|b| b.id.as_str())
        .chain(content.rejected_behaviours.iter().map(String::as_str))
        .collect();
    for g in &content.guides {
        check_ids(
            &mut diags,
            g,
            "behaviours",
            &g.meta.behaviours,
            &behaviour_ids,
            "behaviour",
        );
    }
    for s in &content.stories {
        check_ids(
            &mut diags,
            s,
            "behaviours",
            &s.meta.behaviours,
            &behaviour_ids,
            "behaviour",
        );
    }
    diags
}

/// Reports each id in `ids` (field `key` of `doc`) that is not in `known`.
pub fn check_ids<M>(diags: &mut Diagnostics, doc: &Doc<M>, key: &str, ids: &[String], known: &[&str], what: &str) {
    for id in ids {
        if !known.contains(&id.as_str()) {
            diags.push(
                doc.error_at(key, id, format!("unknown {what} `{id}` in `{key}`"))
                    .with_hint(unknown_id_hint(id, known.iter().copied())),
            );
        }
    }
}

/// Warnings for `check`: pages past their `review_by` date on `today`, and drafts.
pub fn review_findings(content: &Content, today: chrono::NaiveDate) -> Diagnostics {
    use crate::content::{Reviewed, Status};
    let mut diags = Diagnostics::new();
    let mut look = |doc_rel: &str, yaml: &str, yaml_line: usize, review: crate::content::Review| {
        if let Some(by) = review.review_by
            && by < today
        {
            let pos = crate::yaml::locate(yaml, Some("review_by"), &by.to_string(), yaml_line);
            let owner = review
                .owner
                .as_deref()
                .map(|o| format!(" (owner: {o})"))
                .unwrap_or_default();
            diags.push(
                crate::diagnostics::Diagnostic::warning(doc_rel, format!("past its review date {by}{owner}"))
                    .at_pos(pos)
                    .with_hint("review the page and set a new `review_by` date"),
            );
        }
        if review.status == Status::Draft {
            let pos = crate::yaml::locate(yaml, Some("status"), "draft", yaml_line);
            diags.push(
                crate::diagnostics::Diagnostic::warning(doc_rel, "draft: not yet approved")
                    .at_pos(pos)
                    .with_hint("set `status: approved` once the page is agreed"),
            );
        }
    };
    for d in &content.behaviours {
        look(&d.rel, &d.yaml, d.yaml_line, d.meta.review());
    }
    for d in &content.guides {
        look(&d.rel, &d.yaml, d.yaml_line, d.meta.review());
    }
    for d in &content.stories {
        look(&d.rel, &d.yaml, d.yaml_line, d.meta.review());
    }
    for d in &content.pages {
        look(&d.rel, &d.yaml, d.yaml_line, d.meta.review());
    }
    diags
}

/// Checks the team and people that stories name against the team data.
pub fn story_people(content: &Content, data: &crate::teamdata::TeamData) -> Diagnostics {
    let mut diags = Diagnostics::new();
    let team_ids: Vec<&str> = data.teams.iter().map(|t| t.id.as_str()).collect();
    let person_ids: Vec<&str> = data.people.iter().map(|p| p.id.as_str()).collect();
    for s in &content.stories {
        if let Some(team) = &s.meta.team {
            check_ids(&mut diags, s, "team", std::slice::from_ref(team), &team_ids, "team");
        }
        check_ids(&mut diags, s, "people", &s.meta.people, &person_ids, "person");
    }
    diags
}

/// Checks every `{{ chart(...) }}`: its kind, its arguments and the ids they name.
pub fn shortcodes(
    rendered: &std::collections::BTreeMap<String, crate::markdown::Rendered>,
    content: &Content,
    data: Option<&crate::teamdata::TeamData>,
) -> Diagnostics {
    use crate::charts::ChartKind;
    use crate::diagnostics::{Diagnostic, nearest};
    let mut diags = Diagnostics::new();
    let behaviours: Vec<&str> = content.behaviours.iter().map(|b| b.id.as_str()).collect();
    let teams: Vec<&str> = data
        .map(|d| d.teams.iter().map(|t| t.id.as_str()).collect())
        .unwrap_or_default();
    for (rel, r) in rendered {
        for u in &r.shortcodes {
            let err = |msg: String, hint: String| Diagnostic::error(rel, msg).at(u.line, u.column).with_hint(hint);
            if u.code.name != "chart" {
                diags.push(err(
                    format!("unknown shortcode `{}`", u.code.name),
                    "the shortcode is `{{ chart(kind=\"trend\") }}`".into(),
                ));
                continue;
            }
            let kinds: Vec<&str> = ChartKind::SHORTCODE.iter().map(|k| k.key()).collect();
            let Some(kind) = u.code.kind() else {
                diags.push(err(
                    "chart without `kind`".into(),
                    format!("kinds are {}", kinds.join(", ")),
                ));
                continue;
            };
            let Some(chart_kind) = ChartKind::from_shortcode(kind) else {
                let hint = nearest(kind, kinds.iter().copied()).map_or_else(
                    || format!("kinds are {}", kinds.join(", ")),
                    |n| format!("did you mean `{n}`?"),
                );
                diags.push(err(format!("unknown chart kind `{kind}`"), hint));
                continue;
            };
            let allowed = chart_kind.arguments();
            for (key, value) in &u.code.args {
                if !allowed.contains(&key.as_str()) {
                    let hint = nearest(key, allowed.iter().copied()).map_or_else(
                        || format!("`{kind}` takes {}", allowed.join(", ")),
                        |n| format!("did you mean `{n}`?"),
                    );
                    diags.push(err(format!("`{kind}` chart has no argument `{key}`"), hint));
                    continue;
                }
                match key.as_str() {
                    "behaviour"
                        if !behaviours.contains(&value.as_str()) && !content.rejected_behaviours.contains(value) =>
                    {
                        diags.push(err(
                            format!("unknown behaviour `{value}`"),
                            unknown_id_hint(value, behaviours.iter().copied()),
                        ))
                    }
                    // Without team data (it failed to load, and said why) no
                    // team can be checked: "none are defined" would be untrue.
                    "team" if data.is_some() && !teams.contains(&value.as_str()) => diags.push(err(
                        format!("unknown team `{value}`"),
                        unknown_id_hint(value, teams.iter().copied()),
                    )),
                    "months" if !value.parse::<usize>().is_ok_and(|n| (1..=36).contains(&n)) => diags.push(err(
                        format!("`months` must be a number from 1 to 36, not `{value}`"),
                        "e.g. months=\"6\"".into(),
                    )),
                    "month" if value.parse::<crate::week::Month>().is_err() => {
                        diags.push(err(format!("`{value}` is not a month"), "write it as YYYY-MM".into()))
                    }
                    _ => {}
                }
            }
            if chart_kind == ChartKind::Heatmap && u.code.arg("team").is_none() && data.is_some() {
                diags.push(err(
                    "a heatmap chart needs a `team`".into(),
                    unknown_id_hint("", teams.iter().copied()),
                ));
            }
        }
    }
    diags
}
