//! Re-rendering only the pages whose input changed.
//!
//! Each page's key hashes everything its template sees: the templates and
//! the binary, the shared context (site, navigation, strings) and the
//! page's own view. Keys of the last build are kept beside the output
//! (`.NAME.ritme-pages`). A page whose key is unchanged takes its bytes
//! from the previous output — after checking them against the output's
//! manifest, so a file edited by hand is rendered again.

use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

/// What the last build left: its page keys and its output.
#[derive(Debug, Default)]
pub struct PageCache {
    keys: BTreeMap<String, u64>,
    output: Option<PathBuf>,
    manifest: BTreeMap<String, u64>,
}

fn keys_path(out: &Path) -> Option<PathBuf> {
    let name = out.file_name()?.to_string_lossy().into_owned();
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    Some(parent.join(format!(".{name}.ritme-pages")))
}

impl PageCache {
    /// The cache of the build in `out` (empty when there is none).
    pub fn load(out: &Path) -> PageCache {
        let keys = keys_path(out)
            .and_then(|p| std::fs::read_to_string(p).ok())
            .map(|text| {
                text.lines()
                    .filter_map(|l| {
                        let (k, route) = l.split_once(' ')?;
                        Some((route.to_string(), u64::from_str_radix(k, 16).ok()?))
                    })
                    .collect()
            })
            .unwrap_or_default();
        let manifest = crate::output::read_manifest(&out.join(crate::output::MARKER)).unwrap_or_default();
        PageCache {
            keys,
            output: Some(out.to_path_buf()),
            manifest,
        }
    }

    /// The previous bytes of `route` if its key is `key` and the file is
    /// still exactly what ritme wrote.
    pub fn reuse(&self, route: &str, key: u64) -> Option<Vec<u8>> {
        if self.keys.get(route) != Some(&key) {
            return None;
        }
        let bytes = std::fs::read(self.output.as_ref()?.join(route)).ok()?;
        (self.manifest.get(route) == Some(&crate::output::content_hash(&bytes))).then_some(bytes)
    }
}

/// Records the page keys of a build written to `out`.
pub fn save(out: &Path, keys: &BTreeMap<String, u64>) {
    let Some(path) = keys_path(out) else { return };
    let text: String = keys.iter().map(|(route, k)| format!("{k:016x} {route}\n")).collect();
    let _ = std::fs::write(path, text);
}

/// A hasher fed with everything that is the same for every page.
pub fn base_key(shared: &[&[u8]]) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    env!("CARGO_PKG_VERSION").hash(&mut h);
    if let Some(meta) = std::env::current_exe().ok().and_then(|e| e.metadata().ok()) {
        meta.len().hash(&mut h);
        meta.modified().ok().hash(&mut h);
    }
    shared.hash(&mut h);
    h.finish()
}

/// The key of one page: the base key and the page's own inputs.
pub fn page_key(base: u64, parts: &[&[u8]]) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    base.hash(&mut h);
    parts.hash(&mut h);
    h.finish()
}
