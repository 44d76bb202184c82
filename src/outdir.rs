//! Where a build may write: the rules for output folders, checked before
//! any work is done.
//!
//! Each audience's site sits beside the default one (`SITE/public/`,
//! `SITE/public-NAME/`), never inside it: a named team site nested in the
//! aggregate one would be published with it. So ritme refuses to write a
//! build into another ritme output (a marker above) or around one (a
//! marker below), into a folder the build reads (`static/` would be copied
//! into the next build), or around the site itself.

use std::path::{Path, PathBuf};

use crate::diagnostics::Diagnostic;
use crate::output::MARKER;

/// Folders of a site that a build reads.
const READ: &[&str] = &[
    "static",
    "data",
    "behaviours",
    "coaching",
    "stories",
    "pages",
    "reports",
    "templates",
    "i18n",
];

/// The default output folder: `SITE/public`, or `SITE/public-AUDIENCE`
/// beside it.
pub fn default_output(site: &Path, audience: Option<&str>) -> PathBuf {
    match audience {
        Some(a) => site.join(format!("public-{a}")),
        None => site.join("public"),
    }
}

/// `p` made absolute, with `..` and symlinks of the part that exists resolved.
fn absolute(p: &Path) -> PathBuf {
    let p = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|d| d.join(p))
            .unwrap_or_else(|_| p.to_path_buf())
    };
    let mut existing = p.as_path();
    let mut rest: Vec<&std::ffi::OsStr> = Vec::new();
    loop {
        if let Ok(c) = existing.canonicalize() {
            let mut out = c;
            for r in rest.iter().rev() {
                out.push(r);
            }
            return out;
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name);
                existing = parent;
            }
            _ => return p,
        }
    }
}

/// Checks that a build of `site` may write to `out`.
pub fn check(site: &Path, out: &Path) -> Result<(), Diagnostic> {
    let site_abs = absolute(site);
    let out_abs = absolute(out);
    let shown = out.display().to_string();
    if site_abs.starts_with(&out_abs) {
        return Err(
            Diagnostic::error(&shown, "the output folder would hold the site itself")
                .with_hint("write the build to a folder inside or beside the site, e.g. SITE/public"),
        );
    }
    for dir in READ {
        if out_abs.starts_with(site_abs.join(dir)) {
            return Err(Diagnostic::error(
                &shown,
                format!("the output folder lies inside the site's `{dir}/` folder, which the build reads"),
            )
            .with_hint("the next build would publish this one again; write it to SITE/public or beside the site"));
        }
    }
    // A marker above: the folder is part of another build's output.
    for ancestor in out_abs.ancestors().skip(1) {
        if ancestor.join(MARKER).is_file() {
            return Err(Diagnostic::error(
                &shown,
                format!(
                    "the output folder lies inside another ritme output, {}",
                    ancestor.display()
                ),
            )
            .with_hint("each build gets its own folder beside the others (SITE/public, SITE/public-NAME)"));
        }
    }
    // A marker below: the folder holds another build's output.
    if let Some(inner) = nested_output(&out_abs).0 {
        return Err(Diagnostic::error(
            &shown,
            format!("the output folder holds another ritme output, {}", inner.display()),
        )
        .with_hint("move or delete that build first; builds are written side by side, never inside each other"));
    }
    Ok(())
}

/// The first other ritme output inside `out`, and how many entries were
/// looked at to find it. When `out` is a ritme output itself, the folders
/// its manifest lists are its own layout and are not walked: no ritme build
/// can nest another output there (a build into them is refused by the
/// marker above), and walking a 50,000-page output cost 0.6 s. Every other
/// entry (a folder an older ritme nested as `public/team-noord/`, a copy, a
/// folder without a manifest) is walked to the bottom.
fn nested_output(out: &Path) -> (Option<PathBuf>, usize) {
    let own = own_folders(out);
    let Ok(entries) = std::fs::read_dir(out) else {
        return (None, 0);
    };
    let mut visited = 0usize;
    for entry in entries.flatten() {
        visited += 1;
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        if !is_dir || own.contains(entry.file_name().to_string_lossy().as_ref()) {
            continue;
        }
        for e in walkdir::WalkDir::new(entry.path())
            .min_depth(1)
            .into_iter()
            .filter_map(Result::ok)
        {
            visited += 1;
            if e.file_name() == MARKER && e.file_type().is_file() {
                return (Some(e.path().parent().unwrap_or(e.path()).to_path_buf()), visited);
            }
        }
    }
    (None, visited)
}

/// The top-level folders the manifest of the output `out` lists (none when
/// `out` has no marker or its marker lists no files).
fn own_folders(out: &Path) -> std::collections::BTreeSet<String> {
    let Ok(text) = std::fs::read_to_string(out.join(MARKER)) else {
        return Default::default();
    };
    // Each listed file is "HASH PATH", the hash 16 hex digits; the list is
    // sorted, so a folder's files follow each other.
    let mut out = std::collections::BTreeSet::new();
    let mut last = "";
    for line in text.lines() {
        let Some((hash, path)) = line.split_once(' ') else {
            continue;
        };
        let Some((top, _)) = path.split_once('/') else { continue };
        if top == last || hash.len() != 16 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
            continue;
        }
        last = top;
        out.insert(top.to_string());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn audiences_sit_beside_the_default_output() {
        let site = Path::new("/s");
        assert_eq!(default_output(site, None), Path::new("/s/public"));
        assert_eq!(
            default_output(site, Some("team-noord")),
            Path::new("/s/public-team-noord")
        );
    }

    #[test]
    fn outputs_never_nest_or_land_in_what_the_build_reads() {
        let tmp = tempfile::tempdir().unwrap();
        let site = tmp.path().join("site");
        std::fs::create_dir_all(site.join("public/x")).unwrap();
        assert!(check(&site, &site.join("public")).is_ok());
        assert!(check(&site, &site.join("static/out")).is_err());
        assert!(check(&site, tmp.path()).is_err(), "around the site");
        std::fs::write(site.join("public").join(MARKER), "").unwrap();
        assert!(check(&site, &site.join("public/team")).is_err(), "marker above");
        assert!(check(&site, &site.join("public")).is_ok(), "its own marker is fine");
        std::fs::write(site.join("public/x").join(MARKER), "").unwrap();
        assert!(check(&site, &site.join("public")).is_err(), "marker below");
    }

    /// A ritme output at `dir` whose manifest lists `files`.
    fn output_at(dir: &Path, files: &[&str]) {
        let mut marker = String::from("This folder is written by ritme.\n");
        for f in files {
            let p = dir.join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(&p, "x").unwrap();
            marker.push_str(&format!("{:016x} {f}\n", 7));
        }
        std::fs::write(dir.join(MARKER), marker).unwrap();
    }

    #[test]
    fn the_marker_below_check_does_not_walk_the_outputs_own_folders() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let pages: Vec<String> = (0..200).map(|i| format!("teams/t{i}/index.html")).collect();
        let mut files: Vec<&str> = pages.iter().map(String::as_str).collect();
        files.extend(["index.html", "assets/style.css"]);
        output_at(&out, &files);
        let (found, visited) = nested_output(&out);
        assert_eq!(found, None);
        assert!(visited <= 4, "walked {visited} entries of its own layout");
        // An older ritme nested an audience here: found, and only it walked.
        output_at(&out.join("team-noord"), &["people/bram/index.html"]);
        let (found, visited) = nested_output(&out);
        assert_eq!(found, Some(out.join("team-noord")));
        assert!(visited <= 8, "{visited}");
        // Without a manifest every folder is walked.
        std::fs::remove_dir_all(out.join("team-noord")).unwrap();
        output_at(&out.join("teams/t3/kopie"), &["index.html"]);
        std::fs::remove_file(out.join(MARKER)).unwrap();
        assert_eq!(nested_output(&out).0, Some(out.join("teams/t3/kopie")));
    }

    /// The cost of the check on a big output: `RITME_BENCH_OUT=DIR cargo
    /// test --release --lib outdir::tests::cost -- --ignored --nocapture`.
    #[test]
    #[ignore = "a measurement; run by hand on a big output folder"]
    fn cost_of_the_check_on_a_big_output() {
        let Some(out) = std::env::var_os("RITME_BENCH_OUT") else {
            return;
        };
        let out = PathBuf::from(out);
        let site = out.parent().unwrap().join("site");
        let mut times = Vec::new();
        for _ in 0..5 {
            let t = std::time::Instant::now();
            let r = check(&site, &out);
            times.push(t.elapsed().as_secs_f64() * 1000.0);
            assert!(r.is_ok(), "{r:?}");
        }
        times.sort_by(f64::total_cmp);
        println!(
            "check on {}: median {:.1} ms (min {:.1})",
            out.display(),
            times[2],
            times[0]
        );
    }
}
