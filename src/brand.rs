//! The organisation's brand on the built-in theme: the accent colour (with
//! the shades the theme derives from it), the logo and the favicon.
//!
//! The accent is checked here (a pale one makes links unreadable) and given
//! to the theme as one custom property, the same in the site and in the
//! mailed report.

use base64::Engine as _;
use serde::Serialize;

/// An sRGB colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    pub const WHITE: Rgb = Rgb(255, 255, 255);

    /// `#RRGGBB` (either case); nothing else, so that every colour in the
    /// output is written the same way.
    pub fn parse(text: &str) -> Option<Rgb> {
        let hex = text.trim().strip_prefix('#')?;
        if hex.len() != 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
        Some(Rgb(byte(0)?, byte(2)?, byte(4)?))
    }

    pub fn hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }

    /// Relative luminance (WCAG 2.1).
    pub fn luminance(self) -> f64 {
        let channel = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.04045 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(self.0) + 0.7152 * channel(self.1) + 0.0722 * channel(self.2)
    }

    /// Contrast ratio (WCAG 2.1), 1 to 21.
    pub fn contrast(self, other: Rgb) -> f64 {
        let (a, b) = (self.luminance(), other.luminance());
        let (hi, lo) = if a > b { (a, b) } else { (b, a) };
        (hi + 0.05) / (lo + 0.05)
    }

    /// `t` of the way from `self` to `other`.
    pub fn mix(self, other: Rgb, t: f64) -> Rgb {
        let m = |a: u8, b: u8| {
            (f64::from(a) + (f64::from(b) - f64::from(a)) * t)
                .round()
                .clamp(0.0, 255.0) as u8
        };
        Rgb(m(self.0, other.0), m(self.1, other.1), m(self.2, other.2))
    }

    /// The lightest shade of this colour (mixed towards black) with at
    /// least `ratio` contrast against white.
    pub fn darkened_to(self, ratio: f64) -> Rgb {
        self.shade_until(Rgb(0, 0, 0), |c| c.contrast(Rgb::WHITE) >= ratio)
    }

    fn shade_until(self, towards: Rgb, ok: impl Fn(Rgb) -> bool) -> Rgb {
        (0..=100)
            .map(|step| self.mix(towards, f64::from(step) / 100.0))
            .find(|c| ok(*c))
            .unwrap_or(towards)
    }
}

/// The logo's media type, by file extension; `None` for formats a browser
/// may not show.
pub fn logo_kind(path: &str) -> Option<&'static str> {
    let ext = path.rsplit_once('.')?.1.to_ascii_lowercase();
    Some(match ext.as_str() {
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        _ => return None,
    })
}

/// What the templates need of the brand; the same for every page.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, Hash)]
pub struct BrandView {
    /// Output path of the logo (relative to the site root), when one is set.
    pub logo: Option<String>,
    /// The logo as a `data:` URI, for the self-contained mailed report.
    pub logo_inline: Option<String>,
    /// Output path and media type of the favicon: the logo, or the theme's.
    pub favicon: String,
    pub favicon_type: &'static str,
    /// CSS custom properties for the accent (empty without one).
    pub style: String,
    pub dark_mode: bool,
}

/// The theme's own favicon, used when the site sets no logo.
pub const DEFAULT_FAVICON: &str = "assets/favicon.svg";

/// Where the logo at `rel` (site-relative) is published: a file under
/// `static/` keeps its place; any other is copied to `assets/`.
pub fn logo_route(rel: &str) -> String {
    match rel.strip_prefix("static/") {
        Some(inside) => inside.to_string(),
        None => format!("assets/logo.{}", rel.rsplit_once('.').map(|(_, e)| e).unwrap_or("img")),
    }
}

/// The brand of a build. `logo` is the logo's site-relative path and bytes.
pub fn view(settings: &crate::config::ThemeSettings, logo: Option<(&str, &[u8])>) -> BrandView {
    let logo_route_and_type = logo.and_then(|(rel, _)| Some((logo_route(rel), logo_kind(rel)?)));
    let logo_inline = logo.and_then(|(rel, bytes)| {
        let kind = logo_kind(rel)?;
        Some(format!(
            "data:{kind};base64,{}",
            base64::engine::general_purpose::STANDARD.encode(bytes)
        ))
    });
    let (favicon, favicon_type) = match &logo_route_and_type {
        Some((route, kind)) => (route.clone(), *kind),
        None => (DEFAULT_FAVICON.to_string(), "image/svg+xml"),
    };
    BrandView {
        logo: logo_route_and_type.map(|(r, _)| r),
        logo_inline,
        favicon,
        favicon_type,
        style: settings
            .accent
            .as_deref()
            .and_then(Rgb::parse)
            .map(accent_css)
            .unwrap_or_default(),
        dark_mode: settings.dark_mode,
    }
}

/// The accent as the theme's custom property. The theme derives every
/// other shade from it (link hover, soft backgrounds, and the lighter link
/// colour of dark mode), so one value brands the light and the dark page.
pub fn accent_css(accent: Rgb) -> String {
    format!(":root{{--accent:{}}}", accent.hex())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_only_six_digit_hex() {
        assert_eq!(Rgb::parse("#0B6E6E"), Some(Rgb(11, 110, 110)));
        assert_eq!(Rgb::parse("#0b6e6e").unwrap().hex(), "#0b6e6e");
        for bad in ["0b6e6e", "#0b6e6", "#0b6e6eff", "#gg0000", "teal", "#ééé"] {
            assert_eq!(Rgb::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn contrast_matches_wcag_reference_values() {
        assert!((Rgb(0, 0, 0).contrast(Rgb::WHITE) - 21.0).abs() < 1e-9);
        // #009E73 against white is 3.42:1 (the measurement).
        assert!((Rgb::parse("#009E73").unwrap().contrast(Rgb::WHITE) - 3.42).abs() < 0.01);
    }

    #[test]
    fn shades_reach_their_contrast_and_no_further_than_needed() {
        let sky = Rgb::parse("#56B4E9").unwrap();
        let dark = sky.darkened_to(4.5);
        assert!(dark.contrast(Rgb::WHITE) >= 4.5);
        assert!(sky.mix(Rgb(0, 0, 0), 0.0).contrast(Rgb::WHITE) < 4.5);
        assert_ne!(dark, Rgb(0, 0, 0), "a shade of the colour, not plain black");
    }

    #[test]
    fn logo_lives_where_the_author_put_it_or_in_assets() {
        assert_eq!(logo_route("static/img/logo.svg"), "img/logo.svg");
        assert_eq!(logo_route("brand/logo.png"), "assets/logo.png");
        assert_eq!(logo_kind("x.SVG"), Some("image/svg+xml"));
        assert_eq!(logo_kind("x.gif"), None);
    }

    #[test]
    fn the_view_inlines_the_logo_and_falls_back_to_the_theme_favicon() {
        let settings = crate::config::ThemeSettings {
            logo: Some("static/logo.svg".into()),
            accent: Some("#1A4D8F".into()),
            dark_mode: true,
        };
        let v = view(&settings, Some(("static/logo.svg", b"<svg/>")));
        assert_eq!(v.logo.as_deref(), Some("logo.svg"));
        assert_eq!(v.favicon, "logo.svg");
        assert_eq!(v.logo_inline.as_deref(), Some("data:image/svg+xml;base64,PHN2Zy8+"));
        assert_eq!(v.style, ":root{--accent:#1a4d8f}");
        let plain = view(&crate::config::ThemeSettings::default(), None);
        assert_eq!((plain.favicon.as_str(), plain.style.as_str()), (DEFAULT_FAVICON, ""));
    }
}
