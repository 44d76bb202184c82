//! Embeds the built-in theme (`themes/default/`), the example programmes
//! (`content/` in Dutch, `examples/en/` in English) and the empty skeletons
//! (`examples/skeleton/LANG/`) in the binary, so that `ritme` works on any
//! folder and `ritme new` can scaffold without the repository around it.
//!
//! A generated list of `include_bytes!` rather than a directory-embedding
//! crate: the example's own build output (`content/public/`, or any folder
//! holding a `.ritme-output` marker) must be left out, and cargo must be
//! told about new files without being woken by every example build.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let mut code = String::new();
    for (name, dir) in [
        ("THEME", root.join("themes/default")),
        ("EXAMPLE", root.join("content")),
        ("EXAMPLE_EN", root.join("examples/en")),
        ("SKELETON_NL", root.join("examples/skeleton/nl")),
        ("SKELETON_EN", root.join("examples/skeleton/en")),
    ] {
        let mut files = Vec::new();
        collect(&dir, &dir, &mut files);
        files.sort();
        writeln!(code, "pub static {name}: &[(&str, &[u8])] = &[").unwrap();
        for (rel, abs) in &files {
            writeln!(code, "    ({rel:?}, include_bytes!({:?})),", abs.display().to_string()).unwrap();
        }
        writeln!(code, "];").unwrap();
    }
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("set by cargo")).join("embedded.rs");
    fs::write(out, code).expect("write embedded.rs");
    detect_test_programs();
}

/// Programs outside Rust that some tests need, each with the cfg that says
/// it is here. A test that needs one is compiled as ignored without it
/// (`#[cfg_attr(not(ritme_chromium), ignore = "…")]`), so plain `cargo test`
/// on a fresh machine lists it by name as ignored, with the reason, instead
/// of failing or passing without having run.
const TEST_PROGRAMS: &[(&str, &str)] = &[
    ("ritme_chromium", "chromium"),
    ("ritme_pdftotext", "pdftotext"),
    ("ritme_python3", "python3"),
];

/// Every ignore reason starts with "needs ": `./test`, which installs the
/// programs first, fails when a test was still ignored for one.
fn detect_test_programs() {
    println!("cargo::rerun-if-env-changed=PATH");
    let dirs: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).filter(|d| d.is_dir()).collect())
        .unwrap_or_default();
    let mut watch = std::collections::BTreeSet::new();
    for (cfg, program) in TEST_PROGRAMS {
        println!("cargo::rustc-check-cfg=cfg({cfg})");
        let found = dirs.iter().map(|d| d.join(program)).find(|p| p.is_file());
        let here = found.is_some();
        match found {
            // Watch the program itself, so that removing it is noticed...
            Some(path) => watch.insert(path),
            // ...and, while it is missing, the folders it would appear in
            // (a folder's time changes when a file is added to it). Never a
            // missing path: cargo would rerun this script on every build.
            None => {
                watch.extend(dirs.iter().cloned());
                true
            }
        };
        if here {
            println!("cargo::rustc-cfg={cfg}");
        }
    }
    for p in watch {
        println!("cargo::rerun-if-changed={}", p.display());
    }
    // Tests that mount a small tmpfs (a full disk, a read-only disk) need root.
    println!("cargo::rustc-check-cfg=cfg(ritme_root)");
    if effective_uid() == Some(0) {
        println!("cargo::rustc-cfg=ritme_root");
    }
}

/// The effective user id, from Linux's /proc (elsewhere: unknown).
fn effective_uid() -> Option<u32> {
    let status = fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("Uid:"))?;
    line.split_whitespace().nth(2)?.parse().ok()
}

/// Files under `dir`, skipping hidden entries and build-output folders. Each
/// visited folder is registered with cargo so that added files trigger a rebuild.
fn collect(base: &Path, dir: &Path, out: &mut Vec<(String, PathBuf)>) {
    if dir.join(".ritme-output").exists() || (dir != base && dir.parent() == Some(base) && dir.ends_with("public")) {
        return;
    }
    // Cargo scans a registered folder recursively; registering the base
    // itself would include the example's build output.
    if dir != base {
        println!("cargo:rerun-if-changed={}", dir.display());
    }
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().to_string();
        if name.starts_with('.') {
            continue;
        }
        if path.is_dir() {
            collect(base, &path, out);
        } else if path.is_file() {
            println!("cargo:rerun-if-changed={}", path.display());
            let rel = path.strip_prefix(base).unwrap().to_string_lossy().replace('\\', "/");
            out.push((rel, path));
        }
    }
}
