//! Link and image destinations in every Markdown form (inline, angle
//! brackets, autolink, reference definition), checked against the policy:
//! no href with a scheme other than http(s), mailto or tel, no image from
//! anywhere but the site, and no link or source at all once the page is
//! made mail-safe.
#![no_main]

use std::collections::BTreeMap;

use libfuzzer_sys::fuzz_target;
use ritme::markdown::{PageContext, render};

/// The values of `attr="…"` in `html`, entities decoded as a browser would.
fn values<'a>(html: &'a str, attr: &'a str) -> impl Iterator<Item = String> + 'a {
    html.match_indices(attr).filter_map(move |(i, _)| {
        let rest = &html[i + attr.len()..];
        let end = rest.find('"')?;
        Some(
            rest[..end]
                .replace("&quot;", "\"")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&#39;", "'")
                .replace("&amp;", "&"),
        )
    })
}

/// The scheme a browser reads from `url`, lowercased, if it has one.
fn scheme(url: &str) -> Option<String> {
    let cleaned: String = url.chars().filter(|c| !matches!(c, '\t' | '\n' | '\r')).collect();
    let url = cleaned.trim_matches(|c: char| c <= ' ');
    let colon = url.find(':')?;
    let s = &url[..colon];
    (s.starts_with(|c: char| c.is_ascii_alphabetic())
        && s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
    .then(|| s.to_ascii_lowercase())
}

fuzz_target!(|dest: &str| {
    let one_line = dest.replace(['\n', '\r'], " ");
    let md = format!(
        "[a]({dest}) [b](<{one_line}>) <{one_line}> [c][r] ![d]({dest}) ![e][r]\n\n[r]: {one_line}\n\n{dest}\n"
    );
    let mut routes = BTreeMap::new();
    routes.insert("coaching/a.md".to_string(), "coaching/a/index.html".to_string());
    let ctx = PageContext {
        rel: "behaviours/x.md",
        body_line: 3,
        route: "behaviours/x/index.html",
        routes: &routes,
        raw_html: false,
        remote_images: false,
    };
    let html = render(&md, &ctx).html;
    for href in values(&html, "href=\"") {
        if let Some(s) = scheme(&href) {
            assert!(matches!(s.as_str(), "http" | "https" | "mailto" | "tel"), "href {href:?} from {md:?}");
        }
    }
    for src in values(&html, "src=\"") {
        assert!(scheme(&src).is_none(), "src {src:?} from {md:?}");
        let t = src.trim_start_matches(|c: char| c <= ' ');
        assert!(!t.starts_with("//") && !t.starts_with("\\\\"), "remote src {src:?} from {md:?}");
    }
    let mail = ritme::mailsafe::standalone(&html).to_ascii_lowercase();
    for bad in ["<a ", "<a>", "href=", "src=", "<img"] {
        assert!(!mail.contains(bad), "{bad} in the mail copy of {md:?}");
    }
});
