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
