//! Watching the site folder for changes that need a rebuild.

use std::path::{Component, Path, PathBuf};
use std::time::Duration;

use notify_debouncer_full::notify::{EventKind, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, new_debouncer};

/// How long a burst of changes must be quiet before the rebuild starts.
/// An editor's save (write, or write and rename) takes a few milliseconds;
/// with the memo a rebuild costs little more than this wait, so a save that
/// arrives in two parts costs at most one extra cheap rebuild.
const SETTLE_MS: u64 = 20;

/// Calls `on_change` with the changed paths after each settled burst of
/// changes under `site`, ignoring the build output, hidden files and editor
/// leftovers.
pub fn watch(site: &Path, mut on_change: impl FnMut(Vec<PathBuf>) + Send + 'static) -> anyhow::Result<impl Drop> {
    let root = site.canonicalize().unwrap_or_else(|_| site.to_path_buf());
    let filter_root = root.clone();
    let mut debouncer = new_debouncer(
        Duration::from_millis(SETTLE_MS),
        None,
        move |result: DebounceEventResult| {
            let Ok(events) = result else { return };
            let changed: Vec<PathBuf> = events
                .iter()
                .filter(|e| {
                    matches!(
                        e.event.kind,
                        EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_)
                    )
                })
                .flat_map(|e| e.event.paths.iter().filter(|p| matters(&filter_root, p)).cloned())
                .collect();
            if !changed.is_empty() {
                on_change(changed);
            }
        },
    )?;
    debouncer.watch(&root, RecursiveMode::Recursive)?;
    Ok(debouncer)
}

/// Whether a changed path can change the site.
fn matters(root: &Path, path: &Path) -> bool {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let mut parts = rel.components().filter_map(|c| match c {
        Component::Normal(s) => Some(s.to_string_lossy()),
        _ => None,
    });
    let Some(first) = parts.next() else { return false };
    if first == "public" || first.starts_with('.') {
        return false;
    }
    let name = rel
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let editor_leftover =
        name.starts_with('.') || name.ends_with('~') || name.ends_with(".swp") || name.ends_with(".tmp");
    !editor_leftover && !parts.any(|p| p.starts_with('.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_and_editor_files_do_not_matter() {
        let root = Path::new("/s");
        assert!(matters(root, Path::new("/s/behaviours/a.md")));
        assert!(matters(root, Path::new("/s/ritme.yaml")));
        assert!(!matters(root, Path::new("/s/public/index.html")));
        assert!(!matters(root, Path::new("/s/.public.ritme-prev/x.html")));
        assert!(!matters(root, Path::new("/s/behaviours/.a.md.swp")));
        assert!(!matters(root, Path::new("/s/behaviours/a.md~")));
        assert!(!matters(root, Path::new("/s/.git/index")));
    }
}
