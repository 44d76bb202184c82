//! A behaviour, guide, story and page from arbitrary text: parsing must
//! never panic, whatever the front matter or body holds.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ritme::source::{SourceFile, Sources};

fuzz_target!(|text: &str| {
    let file = |rel: &str| SourceFile { rel: rel.into(), text: text.into() };
    let sources = Sources {
        behaviours: vec![file("behaviours/x.md")],
        guides: vec![file("coaching/x.md")],
        stories: vec![file("stories/x.md")],
        reports: vec![file("reports/2026-03.md")],
        pages: vec![file("pages/x.md")],
        ..Sources::default()
    };
    let _ = ritme::content::parse(&sources);
});
