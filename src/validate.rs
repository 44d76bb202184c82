//! Cross-references between documents: every id a page names must exist.
//! Each problem points at the value in the front matter and suggests the
//! nearest existing id.

use crate::content::{Content, Doc};
use crate::diagnostics::{Diagnostics, unknown_id_hint};

/// Checks the references of guides and stories to behaviours.
pub fn references(content: &Content) -> Diagnostics {
    let mut diags = Diagnostics::new();
    let behaviour_ids: Vec<&str> = content.behaviours.iter().map(|b| b.id.as_str()).collect();
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
