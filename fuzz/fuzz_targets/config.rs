//! ritme.yaml from arbitrary text.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let _ = ritme::config::Config::parse(text);
});
