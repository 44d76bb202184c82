//! The chart shortcode parser on arbitrary text.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let parsed = ritme::charts::shortcode::parse(text);
    for e in &parsed.errors {
        let _ = ritme::charts::shortcode::line_col(text, e.offset);
    }
    let _ = ritme::charts::shortcode::expand(text, &parsed.shortcodes, |s| s.to_source());
});
