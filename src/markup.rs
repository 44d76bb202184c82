//! A document's HTML and text as its Markdown gives them, shared: every
//! view that shows a document (its page, a report quoting it) holds the
//! same bytes instead of a copy, which was a large part of a big site's
//! peak memory.
//!
//! A document taken from the cache beside the output comes without them:
//! the cache keeps only what other pages read of it (its headings,
//! anchors and first paragraph), and its HTML and text are made again
//! from its Markdown the first time something reads them. After a
//! one-page edit that is almost never: the pages of unchanged documents
//! are kept, and a page's key reads a document's Markdown key instead of
//! its HTML. Loading the HTML and text of every document (57 MB for
//! 10,000 pages) was a sixth of such a build's CPU.

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

/// What a document taken from the cache needs to be rendered again: what
/// its Markdown key (`render::markdown_key`) was made of.
#[derive(Debug)]
pub struct Source {
    pub body: Arc<str>,
    pub rel: String,
    pub body_line: usize,
    pub route: String,
    pub routes: Arc<BTreeMap<String, String>>,
    pub raw_html: bool,
    pub remote_images: bool,
}

/// A document whose HTML and text are made on first use.
#[derive(Debug)]
pub struct Later {
    key: u64,
    source: Source,
    made: OnceLock<(Arc<str>, Arc<str>)>,
}

impl Later {
    pub fn new(key: u64, source: Source) -> Arc<Self> {
        Arc::new(Later {
            key,
            source,
            made: OnceLock::new(),
        })
    }

    fn made(&self) -> &(Arc<str>, Arc<str>) {
        self.made.get_or_init(|| {
            let s = &self.source;
            let ctx = crate::markdown::PageContext {
                rel: &s.rel,
                body_line: s.body_line,
                route: &s.route,
                routes: &*s.routes,
                raw_html: s.raw_html,
                remote_images: s.remote_images,
            };
            // The same inputs render the same bytes: the cache held this
            // document only because it had no shortcodes and no warnings.
            let r = crate::markdown::render(&s.body, &ctx);
            (r.html.shared(), r.text.shared())
        })
    }
}

#[derive(Clone)]
enum Part {
    Ready { s: Arc<str>, key: Option<u64> },
    Later { doc: Arc<Later>, html: bool },
}

impl Default for Part {
    fn default() -> Self {
        Part::Ready {
            s: "".into(),
            key: None,
        }
    }
}

impl Part {
    /// The bytes, made first if they are not yet.
    fn bytes(&self) -> &Arc<str> {
        match self {
            Part::Ready { s, .. } => s,
            Part::Later { doc, html: true } => &doc.made().0,
            Part::Later { doc, html: false } => &doc.made().1,
        }
    }

    fn as_str(&self) -> &str {
        self.bytes()
    }

    fn shared(&self) -> Arc<str> {
        self.bytes().clone()
    }

    /// The Markdown key the string is made from, when it is a document's.
    fn key(&self) -> Option<u64> {
        match self {
            Part::Ready { key, .. } => *key,
            Part::Later { doc, .. } => Some(doc.key),
        }
    }

    fn with_key(self, key: u64) -> Self {
        match self {
            Part::Ready { s, .. } => Part::Ready { s, key: Some(key) },
            later => later,
        }
    }

    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.key() {
            // A page's key (render::keys, the one serialiser that is not
            // human-readable) reads the document's Markdown key: the
            // string is what those inputs render, and need not be made.
            Some(key) if !s.is_human_readable() => s.serialize_newtype_struct("markdown", &key),
            _ => s.serialize_str(self.as_str()),
        }
    }

    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Keys of the data pages hash this form: a document's key, not its bytes.
        match self.key() {
            Some(key) => write!(f, "markdown {key:016x}"),
            None => std::fmt::Debug::fmt(self.as_str(), f),
        }
    }
}

macro_rules! part {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Default)]
        pub struct $name(Part);

        impl $name {
            /// The document `later`'s string of this kind, made on first use.
            pub fn later(doc: &Arc<Later>) -> Self {
                $name(Part::Later {
                    doc: doc.clone(),
                    html: stringify!($name) == "Html",
                })
            }

            /// The same string, marked as what the Markdown key `key` renders.
            pub fn with_key(self, key: u64) -> Self {
                $name(self.0.with_key(key))
            }

            /// The Markdown key the string is made from, when it is a document's.
            pub fn key(&self) -> Option<u64> {
                self.0.key()
            }

            pub fn as_str(&self) -> &str {
                self.0.as_str()
            }

            /// Whether the string was to be made on first use and has been:
            /// something read a document taken from the cache in outline.
            pub fn made_later(&self) -> bool {
                matches!(&self.0, Part::Later { doc, .. } if doc.made.get().is_some())
            }

            /// The string as shared bytes (made first if it is not yet).
            pub fn shared(&self) -> Arc<str> {
                self.0.shared()
            }
        }

        impl std::ops::Deref for $name {
            type Target = str;
            fn deref(&self) -> &str {
                self.0.as_str()
            }
        }

        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.0.as_str())
            }
        }

        impl PartialEq for $name {
            fn eq(&self, other: &Self) -> bool {
                self.0.as_str() == other.0.as_str()
            }
        }

        impl Eq for $name {}

        impl From<String> for $name {
            fn from(s: String) -> Self {
                $name(Part::Ready { s: s.into(), key: None })
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                $name(Part::Ready { s: s.into(), key: None })
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                self.0.serialize(s)
            }
        }
    };
}

part!(
    /// A document's HTML.
    Html
);
part!(
    /// All text of a document, for the search index.
    Text
);

#[cfg(test)]
mod tests {
    use super::*;

    fn source(body: &str) -> Source {
        Source {
            body: body.into(),
            rel: "pages/a.md".into(),
            body_line: 1,
            route: "pages/a/index.html".into(),
            routes: Arc::new(BTreeMap::from([("pages/a.md".into(), "pages/a/index.html".into())])),
            raw_html: false,
            remote_images: false,
        }
    }

    #[test]
    fn a_later_document_renders_what_its_markdown_renders_once_read() {
        let body = "# Kop\n\nEen *zin* met [een link](a.md).\n";
        let doc = Later::new(7, source(body));
        let (html, text) = (Html::later(&doc), Text::later(&doc));
        assert!(doc.made.get().is_none(), "nothing is made before it is read");
        assert!(!html.made_later());
        let s = source(body);
        let ctx = crate::markdown::PageContext {
            rel: &s.rel,
            body_line: 1,
            route: &s.route,
            routes: &*s.routes,
            raw_html: false,
            remote_images: false,
        };
        let direct = crate::markdown::render(body, &ctx);
        assert_eq!(&*html, &*direct.html);
        assert_eq!(&*text, &*direct.text);
        assert!(html.contains("<em>zin</em>"));
        assert_eq!((html.key(), text.key()), (Some(7), Some(7)));
        assert!(html.made_later() && text.made_later());
        assert!(!Html::from("x").made_later());
    }

    #[test]
    fn a_pages_key_reads_the_markdown_key_and_leaves_the_document_unmade() {
        let doc = Later::new(7, source("tekst"));
        let later = Html::later(&doc);
        let mut a = crate::hash::KeyHasher::new();
        crate::render::keys::hash_serialized(&mut a, &later);
        assert!(doc.made.get().is_none());
        let ready = Html::from("<p>anders</p>").with_key(7);
        let mut b = crate::hash::KeyHasher::new();
        crate::render::keys::hash_serialized(&mut b, &ready);
        use std::hash::Hasher;
        assert_eq!(a.finish(), b.finish(), "the same key, made or not");
        let mut c = crate::hash::KeyHasher::new();
        crate::render::keys::hash_serialized(&mut c, &Html::from("<p>anders</p>"));
        assert_ne!(b.finish(), c.finish(), "without a key the bytes count");
        // A template reads the bytes.
        assert_eq!(serde_json::to_string(&later).unwrap(), "\"<p>tekst</p>\\n\"");
    }
}
