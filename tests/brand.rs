//! The organisation's brand: logo, accent colour and dark mode in every
//! page and in the mailed report; interface strings per site; the site's
//! static files over the theme's.

mod support;

use support::*;

const LOGO: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 40"><circle cx="20" cy="20" r="18" fill="#1a4d8f"/></svg>"##;

fn branded() -> TestSite {
    let site = TestSite::example();
    site.write("static/brand/logo.svg", LOGO);
    let config = site.read("ritme.yaml");
    site.write(
        "ritme.yaml",
        &format!("{config}\ntheme:\n  logo: static/brand/logo.svg\n  accent: \"#1A4D8F\"\n  dark_mode: true\n"),
    );
    site
}

#[test]
fn logo_accent_and_dark_mode_reach_every_page() {
    let site = branded();
    let a = site.build(&["--no-cache"]).success();
    assert!(!stderr_of(&a).contains("accent"), "a dark enough accent is no warning");
    for page in [
        "index.html",
        "behaviours/tijdig-opvolgen/index.html",
        "reports/2026-10/index.html",
    ] {
        let html = site.output(page);
        let root = if page == "index.html" {
            ""
        } else {
            &"../".repeat(page.matches('/').count())
        };
        assert!(
            html.contains("<html lang=\"nl\" data-dark-mode>"),
            "{page}: no dark-mode attribute"
        );
        assert!(
            html.contains("<style>:root{--accent:#1a4d8f}</style>"),
            "{page}: no accent"
        );
        assert!(
            html.contains(&format!("<img class=\"brand-logo\" src=\"{root}brand/logo.svg\"")),
            "{page}: no logo in the header"
        );
        assert!(
            html.contains(&format!(
                "<link rel=\"icon\" href=\"{root}brand/logo.svg\" type=\"image/svg+xml\">"
            )),
            "{page}: the favicon is not the logo"
        );
    }
    assert_eq!(site.output("brand/logo.svg"), LOGO);
}

#[test]
fn the_mail_copy_carries_the_logo_inline_and_the_accent() {
    let site = branded();
    site.build(&[]).success();
    let mail = site.output("reports/2026-10/rapport-2026-10.html");
    assert!(
        mail.contains("src=\"data:image/svg+xml;base64,"),
        "the logo is not inlined"
    );
    assert!(mail.contains("--accent:#1a4d8f"), "the mail copy lost the accent");
    assert!(mail.contains("data-dark-mode"));
    // Still self-contained: the only source is the inlined logo.
    assert_eq!(mail.matches("src=").count(), mail.matches("src=\"data:").count());
    for attr in ["href=", "<script", "@import", "url("] {
        assert!(!mail.contains(attr), "the mail copy references something ({attr})");
    }
}

#[test]
fn without_a_logo_the_theme_has_a_favicon_and_no_brand_style() {
    let site = TestSite::fixture("minimal");
    site.build(&[]).success();
    let home = site.output("index.html");
    assert!(home.contains("<link rel=\"icon\" href=\"assets/favicon.svg\""));
    assert!(site.output("assets/favicon.svg").starts_with("<svg"));
    assert!(!home.contains("data-dark-mode") && !home.contains("--accent:#"));
}

#[test]
fn a_logo_outside_static_is_published_under_assets() {
    let site = TestSite::fixture("minimal");
    site.write("brand/mark.svg", LOGO);
    let config = site.read("ritme.yaml");
    site.write("ritme.yaml", &format!("{config}\ntheme:\n  logo: brand/mark.svg\n"));
    site.build(&[]).success();
    assert_eq!(site.output("assets/logo.svg"), LOGO);
    assert!(site.output("index.html").contains("src=\"assets/logo.svg\""));
}

#[test]
fn brand_mistakes_are_located_errors_and_a_pale_accent_is_a_warning() {
    let site = TestSite::fixture("minimal");
    let config = site.read("ritme.yaml");
    let lines = config.lines().count();
    site.write("ritme.yaml", &format!("{config}theme:\n  logo: static/missing.svg\n"));
    let err = stderr_of(&site.build(&[]).code(1));
    assert!(
        err.contains(&format!("ritme.yaml:{}:", lines + 2)) && err.contains("`theme.logo` names `static/missing.svg`"),
        "{err}"
    );
    site.write(
        "ritme.yaml",
        &format!("{config}theme:\n  logo: ../outside.svg\n  accent: teal\n"),
    );
    let err = stderr_of(&site.build(&[]).code(1));
    assert!(
        err.contains(&format!("ritme.yaml:{}:", lines + 2)) && err.contains("inside the site folder"),
        "{err}"
    );
    assert!(
        err.contains(&format!("ritme.yaml:{}:", lines + 3)) && err.contains("#RRGGBB"),
        "{err}"
    );

    site.write("ritme.yaml", &format!("{config}theme:\n  accent: \"#56B4E9\"\n"));
    let err = stderr_of(&site.build(&[]).success());
    assert!(
        err.contains(&format!("ritme.yaml:{}:", lines + 2))
            && err.contains("warning: `theme.accent` has a contrast of 2.31"),
        "{err}"
    );
}

#[test]
fn strings_in_the_config_rename_the_menu_heading() {
    let site = TestSite::fixture("minimal");
    let config = site.read("ritme.yaml");
    site.write(
        "ritme.yaml",
        &format!("{config}strings:\n  pages: Handboek en afspraken\n"),
    );
    site.build(&[]).success();
    let home = site.output("index.html");
    assert!(
        home.contains("<h2 class=\"nav-heading\">Handboek en afspraken</h2>"),
        "menu heading not renamed"
    );
    assert!(!home.contains("Over het programma"));

    site.write("ritme.yaml", &format!("{config}strings:\n  pagse: Handboek\n"));
    let err = stderr_of(&site.build(&[]).code(1));
    let line = config.lines().count() + 2;
    assert!(
        err.contains(&format!("ritme.yaml:{line}:3: error: unknown interface string `pagse`")),
        "{err}"
    );
    assert!(err.contains("did you mean `pages`?"), "{err}");
}

#[test]
fn a_site_stylesheet_replaces_the_themes_in_pages_and_in_the_mail_copy() {
    let site = TestSite::example();
    site.write(
        "static/assets/style.css",
        ":root { --accent: #8f1a4d; }\n.site-own-style { color: #8f1a4d; }\n",
    );
    let a = site.build(&[]).success();
    assert!(
        !stderr_of(&a).contains("same path as a generated page"),
        "{}",
        stderr_of(&a)
    );
    assert!(site.output("assets/style.css").contains(".site-own-style"));
    let mail = site.output("reports/2026-10/rapport-2026-10.html");
    assert!(
        mail.contains(".site-own-style"),
        "the mail copy ignores the site's stylesheet"
    );
    // A site file over a real page is still refused.
    site.write("static/index.html", "<p>mine</p>");
    let err = stderr_of(&site.build(&[]).success());
    assert!(
        err.contains("static/index.html: warning: this file has the same path as a generated page"),
        "{err}"
    );
}
