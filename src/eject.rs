//! `ritme theme eject`: copies of the built-in theme's files into the site,
//! for editing. Someone with only the binary has no `themes/default/` to
//! copy from; this writes each file where the site's own version replaces
//! the built-in one:
//!
//! - a template `NAME.html` → `templates/NAME.html`
//! - the stylesheet and scripts → `static/assets/NAME`
//! - the interface strings → `i18n/LANG.yaml` (in the site's language)
//!
//! An existing file is the author's work: it is kept unless `--force`.

use std::fs;
use std::path::{Path, PathBuf};

use crate::config::{Config, Language};
use crate::diagnostics::Diagnostic;
use crate::embedded;

/// The name under which the interface strings are ejected.
pub const STRINGS: &str = "strings";

/// Theme assets ejected when no names are given (the fonts are left out:
/// they are not for editing).
const DEFAULT_ASSETS: &[&str] = &["style.css"];

/// One file to write: where in the site, and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planned {
    pub rel: String,
    pub bytes: Vec<u8>,
}

/// The outcome of an eject.
#[derive(Debug, Default)]
pub struct Ejected {
    pub written: Vec<String>,
    /// Files that exist in the site and were left alone.
    pub kept: Vec<String>,
}

/// Every name `eject` accepts: template names, asset names and `strings`.
pub fn names() -> Vec<String> {
    let mut out: Vec<String> = embedded::THEME
        .iter()
        .filter_map(|(p, _)| p.strip_prefix("templates/").or_else(|| p.strip_prefix("static/")))
        .filter(|p| !p.starts_with("fonts/"))
        .map(str::to_string)
        .collect();
    out.push(STRINGS.to_string());
    out
}

/// The files to write for `wanted` (all templates, the stylesheet and the
/// strings when empty), or every name that is not a theme file.
pub fn plan(wanted: &[String], lang: Language) -> Result<Vec<Planned>, Vec<Diagnostic>> {
    let all = wanted.is_empty();
    let mut problems = Vec::new();
    let mut out = Vec::new();
    let known = names();
    for name in wanted {
        // Accept the path as the site would hold it, too.
        let bare = name
            .trim_start_matches("templates/")
            .trim_start_matches("static/assets/")
            .trim_start_matches("i18n/");
        if !known.iter().any(|k| k == bare) && !is_strings_file(bare, lang) {
            let hint = match crate::diagnostics::nearest(bare, known.iter().map(String::as_str)) {
                Some(near) => format!("did you mean `{near}`?"),
                None => format!("the theme has: {}", known.join(", ")),
            };
            problems.push(Diagnostic::error(name, "not a file of the built-in theme").with_hint(hint));
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let asked = |n: &str| {
        wanted.iter().any(|w| {
            let bare = w
                .trim_start_matches("templates/")
                .trim_start_matches("static/assets/")
                .trim_start_matches("i18n/");
            bare == n
        })
    };
    for (path, bytes) in embedded::THEME {
        if let Some(name) = path.strip_prefix("templates/") {
            if all || asked(name) {
                out.push(Planned {
                    rel: format!("templates/{name}"),
                    bytes: bytes.to_vec(),
                });
            }
        } else if let Some(name) = path.strip_prefix("static/")
            && ((all && DEFAULT_ASSETS.contains(&name)) || asked(name))
        {
            out.push(Planned {
                rel: format!("static/assets/{name}"),
                bytes: bytes.to_vec(),
            });
        }
    }
    if all
        || wanted
            .iter()
            .any(|w| w == STRINGS || is_strings_file(w.trim_start_matches("i18n/"), lang))
    {
        out.push(strings_file(lang));
    }
    Ok(out)
}

fn is_strings_file(name: &str, lang: Language) -> bool {
    name == format!("{}.yaml", lang.code())
}

/// The built-in strings of `lang` as the site's `i18n/LANG.yaml`.
fn strings_file(lang: Language) -> Planned {
    let path = format!("i18n/{}.yaml", lang.code());
    let builtin = embedded::theme_file(&path).unwrap_or_default();
    let mut text = String::from(
        "# The site's interface strings: change a text, keep its key. A line you\n\
         # delete falls back to ritme's own text. `strings:` in ritme.yaml wins over this file.\n",
    );
    text.push_str(&String::from_utf8_lossy(builtin));
    Planned {
        rel: path,
        bytes: text.into_bytes(),
    }
}

/// Writes the plan into `site`, keeping existing files unless `force`.
pub fn write(site: &Path, planned: &[Planned], force: bool) -> anyhow::Result<Ejected> {
    use anyhow::Context as _;
    let mut done = Ejected::default();
    for p in planned {
        let path: PathBuf = site.join(&p.rel);
        if path.exists() && !force {
            done.kept.push(p.rel.clone());
            continue;
        }
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
        }
        fs::write(&path, &p.bytes).with_context(|| format!("cannot write {}", path.display()))?;
        done.written.push(p.rel.clone());
    }
    Ok(done)
}

/// The site's language, from its `ritme.yaml`.
pub fn site_language(site: &Path) -> Result<Language, Vec<Diagnostic>> {
    let path = site.join(crate::config::FILE);
    let text = fs::read_to_string(&path).map_err(|_| {
        vec![
            Diagnostic::error(path.display().to_string(), "no ritme.yaml in the site folder")
                .with_hint("run `ritme theme eject` in a site folder, or pass `--site DIR`"),
        ]
    })?;
    Config::parse(&text).map(|c| c.language)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn everything_by_default_templates_stylesheet_and_strings() {
        let plan = plan(&[], Language::En).unwrap();
        let rels: Vec<&str> = plan.iter().map(|p| p.rel.as_str()).collect();
        assert!(rels.contains(&"templates/base.html"));
        assert!(rels.contains(&"templates/report_mail.html"));
        assert!(rels.contains(&"static/assets/style.css"));
        assert!(rels.contains(&"i18n/en.yaml"));
        assert!(!rels.iter().any(|r| r.contains("fonts/")), "{rels:?}");
    }

    #[test]
    fn names_may_be_written_as_site_paths_and_typos_get_a_suggestion() {
        let plan = plan(&["templates/base.html".into(), "style.css".into()], Language::Nl).unwrap();
        let rels: Vec<&str> = plan.iter().map(|p| p.rel.as_str()).collect();
        assert_eq!(rels, ["static/assets/style.css", "templates/base.html"]);
        let err = super::plan(&["bsae.html".into()], Language::Nl).unwrap_err();
        assert_eq!(err[0].hint.as_deref(), Some("did you mean `base.html`?"));
    }

    #[test]
    fn the_strings_file_parses_back_to_the_builtin_strings() {
        let p = strings_file(Language::Nl);
        let parsed: std::collections::BTreeMap<String, String> =
            crate::yaml::parse(std::str::from_utf8(&p.bytes).unwrap(), &p.rel, 1).unwrap();
        assert_eq!(parsed, crate::theme::load_strings(Language::Nl).unwrap());
    }
}
