//! The built-in theme, the example programmes and the skeletons, embedded
//! by `build.rs`.
//! Each is a sorted list of (path relative to its folder, bytes).

include!(concat!(env!("OUT_DIR"), "/embedded.rs"));

/// A file of the built-in theme, by path relative to `themes/default/`.
pub fn theme_file(path: &str) -> Option<&'static [u8]> {
    THEME.binary_search_by(|(p, _)| (*p).cmp(path)).ok().map(|i| THEME[i].1)
}
