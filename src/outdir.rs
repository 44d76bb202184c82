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
    if out_abs.is_dir() {
        for entry in walkdir::WalkDir::new(&out_abs)
            .min_depth(2)
            .into_iter()
            .filter_map(Result::ok)
        {
            if entry.file_type().is_file() && entry.file_name() == MARKER {
                let inner = entry.path().parent().unwrap_or(entry.path());
                return Err(Diagnostic::error(
                    &shown,
                    format!("the output folder holds another ritme output, {}", inner.display()),
                )
                .with_hint(
                    "move or delete that build first; builds are written side by side, never inside each other",
                ));
            }
        }
    }
    Ok(())
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
}
