//! Nesting and repeated keys: YAML built from tokens that open
//! collections, in flow and block style, and repeat keys. A document that
//! opens more than 64 collections before any closes must be refused, and
//! every document must be answered quickly (libFuzzer's -timeout catches
//! one that is not).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut text = String::new();
    let mut opened = 0usize;
    let mut closed_any = false;
    let mut indent = 0usize;
    for b in data {
        match b % 8 {
            0 => {
                text.push('[');
                opened += 1;
            }
            1 => {
                text.push_str("{k: ");
                opened += 1;
            }
            2 => {
                text.push('\n');
                text.push_str(&" ".repeat(indent));
                text.push_str("- ");
            }
            3 => {
                text.push('\n');
                indent += 2;
                text.push_str(&" ".repeat(indent));
                text.push_str("a: ");
            }
            4 => {
                text.push(']');
                closed_any = true;
            }
            5 => {
                text.push('}');
                closed_any = true;
            }
            6 => text.push_str(", x"),
            _ => text.push_str(&format!("\n{}a: 1", " ".repeat(indent))),
        }
    }
    let result = ritme::yaml::parse::<serde::de::IgnoredAny>(&text, "f.yaml", 1);
    if opened > 64 && !closed_any && indent == 0 && !text.contains('\n') {
        assert!(result.is_err(), "{opened} open brackets accepted: {text:?}");
    }
    let _ = ritme::yaml::parse_documents::<serde::de::IgnoredAny>(&text, "f.yaml");
});
