//! The theme: Tera templates, interface strings and static assets.
//!
//! The built-in theme is embedded in the binary; a site's own
//! `templates/` replace built-in templates file by file. Template errors are
//! reported against the file that holds them, built-in or the site's.

use std::collections::BTreeMap;

use tera::{Kwargs, State, Tera};

use crate::config::{Config, Language};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::embedded;
use crate::locale;
use crate::source::Sources;

/// Where built-in theme files are said to live in messages.
const BUILTIN_PREFIX: &str = "themes/default/";

/// A loaded theme, ready to render.
pub struct Theme {
    pub tera: Tera,
    /// Template name → the path shown in error messages.
    pub origins: BTreeMap<String, String>,
    /// Interface strings in the site's language.
    pub strings: BTreeMap<String, String>,
    /// Static assets: output path (under `assets/`) → bytes.
    pub assets: Vec<(String, Vec<u8>)>,
    /// A hash of every template's text: a page rendered with the same
    /// templates and the same context has the same bytes.
    pub templates_hash: u64,
}

/// Loads the built-in theme with the site's overrides applied.
pub fn load(sources: &Sources, config: &Config) -> Result<Theme, Diagnostics> {
    let mut diags = Diagnostics::new();
    let mut templates: BTreeMap<String, (String, String)> = BTreeMap::new();
    for (path, bytes) in embedded::THEME {
        if let Some(name) = path.strip_prefix("templates/") {
            let text = String::from_utf8_lossy(bytes).into_owned();
            templates.insert(name.to_string(), (format!("{BUILTIN_PREFIX}{path}"), text));
        }
    }
    for f in &sources.templates {
        let name = f.rel.strip_prefix("templates/").unwrap_or(&f.rel);
        templates.insert(name.to_string(), (f.rel.clone(), f.text.clone()));
    }

    let templates_hash = {
        use std::hash::{Hash, Hasher};
        let mut h = crate::hash::KeyHasher::new();
        templates.hash(&mut h);
        h.finish()
    };
    let mut tera = Tera::new();
    tera.autoescape_on(vec![".html", ".xml", ".svg"]);
    register_filters(&mut tera, config.language);
    let origins: BTreeMap<String, String> = templates.iter().map(|(n, (o, _))| (n.clone(), o.clone())).collect();
    if let Err(e) = tera.add_raw_templates(templates.iter().map(|(n, (_, t))| (n.as_str(), t.as_str()))) {
        diags.extend(template_error(&e, &origins, None));
        return Err(diags);
    }

    let mut strings = match load_strings(config.language) {
        Ok(s) => s,
        Err(d) => {
            diags.push(d);
            return Err(diags);
        }
    };
    if let Err(found) = override_strings(&mut strings, sources, config) {
        diags.extend(found);
        return Err(diags);
    }
    let assets = assets(sources);
    Ok(Theme {
        tera,
        origins,
        strings,
        assets,
        templates_hash,
    })
}

/// The theme's static files under `assets/`, each replaced by the site's
/// `static/assets/…` file of the same name when there is one: a site
/// restyles the theme by overriding its stylesheet, and the mailed report
/// (which inlines the stylesheet) follows.
fn assets(sources: &Sources) -> Vec<(String, Vec<u8>)> {
    embedded::THEME
        .iter()
        .filter_map(|(path, bytes)| {
            let out = format!("assets/{}", path.strip_prefix("static/")?);
            let bytes = match sources.static_files.iter().find(|f| f.rel == out) {
                Some(site) => site.bytes.clone(),
                None => bytes.to_vec(),
            };
            Some((out, bytes))
        })
        .collect()
}

/// Whether the site's static file at `rel` replaces a theme asset.
pub fn is_theme_asset(rel: &str) -> bool {
    rel.strip_prefix("assets/")
        .is_some_and(|p| embedded::theme_file(&format!("static/{p}")).is_some())
}

/// Applies the site's interface strings over the theme's: first the site's
/// `i18n/LANG.yaml`, then `strings:` in `ritme.yaml`. A key the theme does
/// not have is an error (a misspelt key would otherwise change nothing).
fn override_strings(
    strings: &mut BTreeMap<String, String>,
    sources: &Sources,
    config: &Config,
) -> Result<(), Vec<Diagnostic>> {
    let mut problems = Vec::new();
    let known: Vec<String> = strings.keys().cloned().collect();
    let mut apply = |file: &str, text: &str, overrides: BTreeMap<String, String>, problems: &mut Vec<Diagnostic>| {
        for (key, value) in overrides {
            if let Some(text) = strings.get_mut(&key) {
                *text = value;
                continue;
            }
            let pos = crate::yaml::locate(text, Some("strings:"), &key, 1);
            let hint = match crate::diagnostics::nearest(&key, known.iter().map(String::as_str)) {
                Some(near) => format!("did you mean `{near}`?"),
                None => "`ritme theme eject strings` writes every key with its text".into(),
            };
            problems.push(
                Diagnostic::error(file, format!("unknown interface string `{key}`"))
                    .at_pos(pos)
                    .with_hint(hint),
            );
        }
    };
    let own = format!("i18n/{}.yaml", config.language.code());
    for f in sources.i18n.iter().filter(|f| f.rel == own) {
        let text = if f.text.trim().is_empty() { "{}" } else { &f.text };
        match crate::yaml::parse::<BTreeMap<String, String>>(text, &f.rel, 1) {
            Ok(overrides) => apply(&f.rel, &f.text, overrides, &mut problems),
            Err(d) => problems.push(d),
        }
    }
    let config_text = sources.config.as_ref().map(|f| f.text.as_str()).unwrap_or("");
    apply(crate::config::FILE, config_text, config.strings.clone(), &mut problems);
    if problems.is_empty() { Ok(()) } else { Err(problems) }
}

/// Interface strings of the built-in theme for `lang`.
pub fn load_strings(lang: Language) -> Result<BTreeMap<String, String>, Diagnostic> {
    let path = format!("i18n/{}.yaml", lang.code());
    let bytes = embedded::theme_file(&path)
        .ok_or_else(|| Diagnostic::error(format!("{BUILTIN_PREFIX}{path}"), "interface strings missing"))?;
    crate::yaml::parse(&String::from_utf8_lossy(bytes), &format!("{BUILTIN_PREFIX}{path}"), 1)
}

/// Filters for the site's locale, so templates never format numbers themselves.
fn register_filters(tera: &mut Tera, lang: Language) {
    tera.register_filter("pct", move |x: f64, _: Kwargs, _: &State| locale::percent(lang, x));
    tera.register_filter("points", move |x: f64, _: Kwargs, _: &State| locale::points(lang, x));
    tera.register_filter("num", move |x: f64, kwargs: Kwargs, _: &State| {
        let digits = kwargs.get::<i64>("digits").ok().flatten().unwrap_or(0).clamp(0, 6) as usize;
        locale::decimal(lang, x, digits)
    });
    tera.register_filter("month", move |ym: &str, _: Kwargs, _: &State| locale::month(lang, ym));
    tera.register_filter("excerpt", |text: &str, kwargs: Kwargs, _: &State| {
        let length = kwargs.get::<i64>("length").ok().flatten().unwrap_or(200).max(1) as usize;
        excerpt(text, length)
    });
    tera.register_filter("nbsp", |text: &str, _: Kwargs, _: &State| keep_amounts_together(text));
}

/// `text` cut to at most `length` characters at a word boundary, with an
/// ellipsis when anything was cut (a cut word reads as a typo).
pub fn excerpt(text: &str, length: usize) -> String {
    let text = text.trim();
    if text.chars().count() <= length {
        return text.to_string();
    }
    let end = text.char_indices().nth(length).map_or(text.len(), |(i, _)| i);
    let head = &text[..end];
    // Cut at the last space if the text goes on mid-word; a single word
    // longer than `length` is cut where it is.
    let cut = match head.rfind(char::is_whitespace) {
        Some(i) if !text[end..].starts_with(char::is_whitespace) => &head[..i],
        _ => head,
    };
    format!(
        "{}…",
        cut.trim_end_matches(|c: char| c.is_whitespace() || ",;:-–".contains(c))
    )
}

/// A currency sign and its amount never split over two lines: the space
/// after `€`, `$` or `£` before a digit becomes a no-break space.
pub fn keep_amounts_together(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        out.push(c);
        if matches!(c, '€' | '$' | '£') {
            let mut spaces = 0;
            while chars.peek() == Some(&' ') {
                chars.next();
                spaces += 1;
            }
            if spaces > 0 {
                out.push(if chars.peek().is_some_and(char::is_ascii_digit) {
                    '\u{a0}'
                } else {
                    ' '
                });
            }
        }
    }
    out
}

/// A Tera error as diagnostics pointing into the template file(s), naming
/// the page being rendered when there is one.
pub fn template_error(e: &tera::Error, origins: &BTreeMap<String, String>, page: Option<&str>) -> Vec<Diagnostic> {
    let while_rendering = page.map(|p| format!(" (while rendering {p})")).unwrap_or_default();
    let origin = |name: &str| origins.get(name).cloned().unwrap_or_else(|| name.to_string());
    let hint = "fix the template, or delete the site's copy to use the built-in one";
    match e.kind() {
        tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => vec![
            Diagnostic::error(
                origin(r.filename()),
                format!("template: {}{while_rendering}", r.message()),
            )
            .at(r.span().start_line, r.span().start_col + 1)
            .with_hint(hint),
        ],
        other => {
            // Validation errors arrive as one text of rendered reports:
            // "error: MESSAGE\n --> NAME:LINE:COL\n ...". Recover their locations.
            let text = format!("{other}");
            let mut out = Vec::new();
            let mut message: Option<&str> = None;
            for line in text.lines() {
                if let Some(m) = line.strip_prefix("error: ") {
                    message = Some(m);
                } else if let (Some(m), Some(loc)) = (message, line.trim_start().strip_prefix("--> ")) {
                    let mut parts = loc.rsplitn(3, ':');
                    let col = parts.next().and_then(|c| c.parse().ok());
                    let line_no = parts.next().and_then(|l| l.parse().ok());
                    if let (Some(col), Some(line_no), Some(name)) = (col, line_no, parts.next()) {
                        out.push(
                            Diagnostic::error(origin(name), format!("template: {m}{while_rendering}"))
                                .at(line_no, col)
                                .with_hint(hint),
                        );
                    }
                    message = None;
                }
            }
            if out.is_empty() {
                let mut source = String::new();
                let mut next: Option<&dyn std::error::Error> = std::error::Error::source(e);
                while let Some(s) = next {
                    source.push_str(&format!(": {s}"));
                    next = s.source();
                }
                out.push(
                    Diagnostic::error("templates", format!("template: {text}{source}{while_rendering}"))
                        .with_hint(hint),
                );
            }
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_languages_have_the_same_keys() {
        let nl = load_strings(Language::Nl).unwrap();
        let en = load_strings(Language::En).unwrap();
        let nl_keys: Vec<_> = nl.keys().collect();
        let en_keys: Vec<_> = en.keys().collect();
        assert_eq!(nl_keys, en_keys);
        assert!(nl.len() > 20);
    }

    #[test]
    fn excerpts_end_at_a_word_and_amounts_stay_together() {
        assert_eq!(excerpt("kort", 10), "kort");
        assert_eq!(excerpt("Een klant belde, en toen", 17), "Een klant belde…");
        assert_eq!(excerpt("Een klant belde terug", 15), "Een klant belde…");
        assert_eq!(excerpt("Onafzienbaarheid", 5), "Onafz…");
        assert_eq!(
            keep_amounts_together("Omzet € 52.000, ook $ 3"),
            "Omzet €\u{a0}52.000, ook $\u{a0}3"
        );
        assert_eq!(keep_amounts_together("€ euro"), "€ euro");
    }

    #[test]
    fn builtin_theme_compiles() {
        let t = load(&Sources::default(), &Config::default()).unwrap();
        assert!(t.tera.get_template_names().any(|n| n == "base.html"));
        assert!(t.assets.iter().any(|(p, _)| p == "assets/style.css"));
    }

    #[test]
    fn site_template_errors_point_into_the_site_file() {
        let s = Sources {
            templates: vec![crate::source::SourceFile {
                rel: "templates/page.html".into(),
                text: "{% extends \"base.html\" %}\n{% block main %}{{ page.title }{% endblock %}".into(),
            }],
            ..Sources::default()
        };
        let err = load(&s, &Config::default()).err().unwrap().into_sorted();
        assert_eq!(err[0].file, "templates/page.html");
        assert_eq!(err[0].line, Some(2), "{}", err[0]);
    }
}
