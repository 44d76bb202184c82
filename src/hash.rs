//! The one hash behind every key: the caches beside the output, the
//! memo tables of `serve`, the output's manifest.
//!
//! XXH3 rather than the standard library's SipHash: the keys hash whole
//! pages (their HTML, their text, every written file), and SipHash on
//! them was a twelfth of a clean build's instructions. Keys need no
//! protection against crafted collisions (a site's author can already
//! write any page), only a good spread and the same value on every run,
//! which XXH3 with its default seed gives.

/// The hasher for keys; `KeyHasher::new()` starts one.
pub type KeyHasher = xxhash_rust::xxh3::Xxh3;
