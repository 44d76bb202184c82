//! Page keys: one hash of everything a page's bytes depend on.
//!
//! A page is its template applied to the shared context (site, interface
//! strings, navigation) and its own view, so the key hashes exactly those,
//! plus the templates' text and the settings the filters and the privacy
//! check read. Dependencies are therefore found, not declared: editing a
//! story changes the views of the behaviour, team and report pages that
//! show it, and only those pages get a new key. Anything that reaches
//! every page (a title in the navigation, a template) changes them all.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::io;

use serde::Serialize;

use super::views::PageJob;

/// Hashes `value`'s JSON form: the same text the template context is built from.
pub fn hash_serialized<T: Serialize + ?Sized>(h: &mut DefaultHasher, value: &T) {
    struct Sink<'a>(&'a mut DefaultHasher);
    impl io::Write for Sink<'_> {
        fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
            self.0.write(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }
    // Serialising views cannot fail (no maps with non-string keys); if it
    // ever did, the marker below makes the key differ from any good one.
    if serde_json::to_writer(Sink(h), value).is_err() {
        h.write_u8(0xff);
    }
}

/// The key of one page, given the key of what all pages share.
pub fn page_key(shared: u64, job: &PageJob, root: &str) -> u64 {
    let mut h = DefaultHasher::new();
    shared.hash(&mut h);
    job.template.hash(&mut h);
    hash_serialized(
        &mut h,
        &(
            root,
            &job.route,
            job.section,
            &job.title,
            &job.description,
            &job.review,
            &job.body,
        ),
    );
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::views::{Body, PageView};

    fn job(html: &str) -> PageJob {
        PageJob {
            route: "pages/a/index.html".into(),
            template: "page.html",
            section: "pages",
            title: "A".into(),
            description: String::new(),
            review: None,
            body: Body::Page(PageView {
                title: "A".into(),
                summary: None,
                html: html.into(),
                toc: Vec::new(),
                children: Vec::new(),
            }),
            search_text: Default::default(),
        }
    }

    #[test]
    fn keys_follow_every_input_of_a_page() {
        let base = page_key(1, &job("<p>x</p>"), "../../");
        assert_eq!(base, page_key(1, &job("<p>x</p>"), "../../"), "deterministic");
        assert_ne!(base, page_key(2, &job("<p>x</p>"), "../../"), "shared context");
        assert_ne!(base, page_key(1, &job("<p>y</p>"), "../../"), "own view");
        assert_ne!(base, page_key(1, &job("<p>x</p>"), "../"), "depth");
        let mut other = job("<p>x</p>");
        other.template = "story.html";
        assert_ne!(base, page_key(1, &other, "../../"), "template");
        let mut other = job("<p>x</p>");
        other.title = "B".into();
        assert_ne!(base, page_key(1, &other, "../../"), "title");
        // The search text is not part of the page itself.
        let mut other = job("<p>x</p>");
        other.search_text = "anything".into();
        assert_eq!(base, page_key(1, &other, "../../"));
    }
}
