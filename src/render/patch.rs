//! A page view patched after an edit to its document's body: when the
//! front matter, the first paragraph, the anchors and the links to anchors
//! are the same, a body edit changes only the page's own HTML, table of
//! contents and search text, so the view of the last build is patched
//! instead of every page's view being assembled again. The tests compare
//! every patched rebuild with a clean build byte for byte.

use std::sync::Arc;

use tera::Context;

use super::views::{Body, PageJob};
use crate::content::Kind;
use crate::markdown::Rendered;

/// One page as the search index reads it, owned.
#[derive(Debug, Clone)]
pub struct SearchEntry {
    pub title: String,
    pub route: String,
    pub section: String,
    pub text: Vec<String>,
}

impl SearchEntry {
    /// As the index takes it.
    pub fn doc(&self) -> crate::search::SearchDoc<'_> {
        crate::search::SearchDoc {
            title: &self.title,
            route: &self.route,
            section: self.section.clone(),
            text: self.text.iter().map(String::as_str).collect(),
            body: None,
        }
    }
}

/// What the renderer leaves for a rebuild after a body edit.
pub struct Parts {
    /// The views of every page but the data pages (their memo keeps those).
    pub jobs: Vec<PageJob>,
    /// What the search index holds of each page, in index order.
    pub search_docs: Vec<Arc<SearchEntry>>,
    /// The output paths of the search index's files.
    pub search_paths: Vec<String>,
    /// The context every page shares, and its key.
    pub base: Context,
    pub shared: u64,
}

/// Puts `new` in the place of `old` in the view of a `kind` document's
/// page. `false`: the view does not hold the body where this expects it.
pub fn patch_job(job: &mut PageJob, kind: Kind, new: &Rendered) -> bool {
    let patched = match (&mut job.body, kind) {
        (Body::Home(v), Kind::Home) => {
            v.html.clone_from(&new.html);
            true
        }
        (Body::Behaviour(v), Kind::Behaviour) => {
            v.html.clone_from(&new.html);
            v.toc.clone_from(&new.toc);
            true
        }
        (Body::Guide(v), Kind::Guide) => {
            v.html.clone_from(&new.html);
            v.toc.clone_from(&new.toc);
            true
        }
        (Body::Story(v), Kind::Story) => {
            v.html.clone_from(&new.html);
            true
        }
        (Body::Page(v), Kind::Page) => {
            v.html.clone_from(&new.html);
            v.toc.clone_from(&new.toc);
            true
        }
        _ => false,
    };
    // The search text is read from the rendered document by its path.
    patched
}
