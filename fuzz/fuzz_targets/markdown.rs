//! Markdown rendering with link resolution on arbitrary text.
#![no_main]

use std::collections::BTreeMap;

use libfuzzer_sys::fuzz_target;
use ritme::markdown::{PageContext, render};

fuzz_target!(|text: &str| {
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
    let _ = render(text, &ctx);
});
