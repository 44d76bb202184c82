//! The mailable copy of a monthly report promises a document that stands
//! alone: opened from a mail or a USB stick it must not reach out (no image,
//! font, stylesheet or frame fetched from anywhere, which would also tell a
//! tracker who read it) and must not lead anywhere (no link to click, no
//! script, no form). The templates are written that way, but the report
//! also carries text that authors wrote, and a custom theme may add to it;
//! so the finished page is rewritten once more, by a real HTML parser
//! (lol_html), rather than trusted.

use std::cell::RefCell;
use std::fmt::Write as _;

use lol_html::html_content::ContentType;
use lol_html::{RewriteStrSettings, element, rewrite_str, text};

/// Elements that fetch, run or submit something: left out with their content.
const FETCHING: &str = "script, noscript, link, iframe, frame, frameset, object, embed, applet, \
     video, audio, source, track, picture, base, form, input, button, meta[http-equiv], portal";

/// Attributes that name a URL to load or go to.
const URL_ATTRIBUTES: [&str; 12] = [
    "href",
    "xlink:href",
    "src",
    "srcset",
    "action",
    "formaction",
    "poster",
    "background",
    "ping",
    "data",
    "codebase",
    "lowsrc",
];

/// `html` with every link turned into its text, every image into its
/// description, and nothing left that loads or runs.
pub fn standalone(html: &str) -> String {
    rewrite(html, None)
}

/// [`standalone`] of a page that carries figures ritme drew itself: the
/// same bytes, but the parser walks only the page around them.
///
/// Each of `drawn` must be a fixed point of [`standalone`]: markup from
/// ritme's chart code, which names no URL, runs nothing and has no `<a>`,
/// image or stylesheet, whatever words it shows (the charts' tests hold
/// every chart kind to that). A report's charts are nine tenths of its
/// bytes and some 23,000 of its 27,000 elements (2,000 named people).
pub fn standalone_around(html: &str, drawn: &[&str]) -> String {
    debug_assert!(
        drawn.iter().all(|d| standalone(d) == *d),
        "a drawn figure that standalone() changes"
    );
    around(html, drawn).unwrap_or_else(|| standalone(html))
}

/// The tag that holds a drawn figure's place while the page is rewritten.
const PLACE: &str = "ritme-drawn";

/// The page rewritten with each drawn figure set aside and put back; `None`
/// when that cannot be shown to give [`standalone`]'s bytes, which is when
/// a figure's place was not an element's: inside a comment, an attribute,
/// a script, a title or a text area, the parser would have read the figure
/// as text, so it must be read as [`standalone`] reads it.
fn around(html: &str, drawn: &[&str]) -> Option<String> {
    // Too short to be worth setting aside; and a page that already has the
    // placeholder tag in it cannot have its own told from ours.
    const WORTH: usize = 512;
    if html.contains(PLACE) {
        return None;
    }
    let mut places: Vec<(usize, usize)> = drawn
        .iter()
        .enumerate()
        .filter(|(_, d)| d.len() >= WORTH)
        .flat_map(|(i, d)| {
            // Found by its head and then compared whole: a search for the
            // whole figure (up to a megabyte) costs more than the parse.
            let head = (0..=WORTH).rev().find_map(|n| d.get(..n)).unwrap_or(d);
            html.match_indices(head)
                .filter(move |(at, _)| html[*at..].starts_with(*d))
                .map(move |(at, _)| (at, i))
        })
        .collect();
    if places.is_empty() {
        return None;
    }
    places.sort_unstable();
    let mut masked = String::with_capacity(html.len() / 4);
    let (mut from, mut set_aside) = (0, 0);
    for (at, i) in places {
        if at < from {
            continue; // inside a figure already set aside
        }
        masked.push_str(&html[from..at]);
        let _ = write!(masked, "<{PLACE} data-i=\"{i}\"></{PLACE}>");
        from = at + drawn[i].len();
        set_aside += 1;
    }
    masked.push_str(&html[from..]);
    let put_back = RefCell::new(0usize);
    let restore = |el: &mut lol_html::html_content::Element| {
        let figure = el
            .get_attribute("data-i")
            .and_then(|i| i.parse::<usize>().ok())
            .and_then(|i| drawn.get(i));
        if let Some(figure) = figure {
            el.replace(figure, ContentType::Html);
            *put_back.borrow_mut() += 1;
        }
    };
    let out = rewrite(&masked, Some(&restore));
    (*put_back.borrow() == set_aside).then_some(out)
}

/// The rewrite itself; `restore` is handed every placeholder element.
fn rewrite(html: &str, restore: Option<&dyn Fn(&mut lol_html::html_content::Element)>) -> String {
    let style = RefCell::new(String::new());
    let mut settings = RewriteStrSettings::new();
    if let Some(restore) = restore {
        settings = settings.append_element_content_handler(element!(PLACE, |el| {
            restore(el);
            Ok(())
        }));
    }
    let settings = settings
        .append_element_content_handler(element!("a", |el| {
            el.remove_and_keep_content();
            Ok(())
        }))
        .append_element_content_handler(element!("img, image", |el| {
            if el.tag_name() == "img" && el.get_attribute("src").is_some_and(|s| embedded_image(&s)) {
                return Ok(());
            }
            let alt = el.get_attribute("alt").unwrap_or_default();
            el.replace(&alt, ContentType::Text);
            Ok(())
        }))
        .append_element_content_handler(element!(FETCHING, |el| {
            el.remove();
            Ok(())
        }))
        .append_element_content_handler(element!("*", |el| {
            // Every element of the page passes here (a report's charts are
            // some 30,000): its attributes are looked at by their names in
            // the page itself, and only what goes is copied.
            let mut gone: Vec<String> = Vec::new();
            let mut restyled: Option<(String, String)> = None;
            for a in el.attributes() {
                let owned;
                let name = match a.name_source_location().and_then(|l| html.get(l.bytes())) {
                    Some(name) => name,
                    None => {
                        owned = a.name();
                        owned.as_str()
                    }
                };
                let url = URL_ATTRIBUTES.iter().any(|u| u.eq_ignore_ascii_case(name));
                let handler = name.get(..2).is_some_and(|p| p.eq_ignore_ascii_case("on"));
                if url || handler {
                    let kept_src =
                        name.eq_ignore_ascii_case("src") && embedded_image(&a.value()) && el.tag_name() == "img";
                    if !kept_src {
                        gone.push(a.name());
                    }
                } else if name.eq_ignore_ascii_case("style") {
                    let v = a.value();
                    if v.to_ascii_lowercase().contains("url(") {
                        restyled = Some((a.name(), without_urls(&v)));
                    }
                }
            }
            for name in gone {
                el.remove_attribute(&name);
            }
            if let Some((name, css)) = restyled {
                let _ = el.set_attribute(&name, &css);
            }
            Ok(())
        }))
        // A stylesheet arrives in chunks; it is cleaned whole.
        .append_element_content_handler(text!("style", |t| {
            style.borrow_mut().push_str(t.as_str());
            if t.last_in_text_node() {
                let css = without_urls(&style.borrow());
                t.replace(&css, ContentType::Html);
                style.borrow_mut().clear();
            } else {
                t.remove();
            }
            Ok(())
        }));
    let result = rewrite_str(html, settings);
    // lol_html fails only on a memory limit or an encoding it cannot read;
    // neither holds for a string built in memory. Should it fail all the
    // same, sending nothing is the safe answer for a page that must not leak.
    result.unwrap_or_default()
}

/// An image carried in the page itself (`data:image/…`, as the theme embeds
/// the brand's logo): it loads nothing, and an image cannot run script.
fn embedded_image(src: &str) -> bool {
    src.trim_start()
        .get(..11)
        .is_some_and(|p| p.eq_ignore_ascii_case("data:image/"))
}

/// CSS with every `url(…)` replaced by `none` and every `@import` dropped:
/// nothing in it can load.
fn without_urls(css: &str) -> String {
    let mut out = String::with_capacity(css.len());
    let lower = css.to_ascii_lowercase();
    let mut i = 0;
    while i < css.len() {
        let rest = &lower[i..];
        if rest.starts_with("url(") || rest.starts_with("image-set(") {
            let end = rest.find(')').map_or(css.len(), |e| i + e + 1);
            out.push_str("none");
            i = end;
        } else if rest.starts_with("@import") {
            i = rest.find(';').map_or(css.len(), |e| i + e + 1);
        } else {
            let c = css[i..].chars().next().unwrap_or(' ');
            out.push(c);
            i += c.len_utf8();
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_become_text_and_nothing_loads() {
        let html = r#"<!DOCTYPE html><html><head><link rel="stylesheet" href="https://x.example/a.css">
<style>body{background:URL("https://t.example/p.png")} @import "https://x.example/b.css"; p{color:red}</style>
<script src="https://x.example/s.js"></script><script>alert(1)</script></head>
<body><p>Zie <a href="javascript:alert(4)">dit</a> en <A HREF="https://example.org">dat</A>.</p>
<img src="https://t.example/pixel.png" alt="het logo"><img src=x onerror="alert(1)">
<iframe src="https://x.example/"></iframe><form action="https://x.example/"><input name=a></form>
<div style="background-image: url(https://t.example/q.png)" onclick="alert(1)">blok</div>
<svg><image href="https://t.example/i.png"/><a xlink:href="https://x.example"><text>t</text></a><use href="https://x.example/#a"/></svg>
</body></html>"#;
        let out = standalone(html);
        let lower = out.to_ascii_lowercase();
        for gone in [
            "<a", "href", "src=", "<script", "alert", "<link", "<iframe", "<form", "<input", "https://", "onerror",
            "onclick", "@import", "<img", "<image",
        ] {
            assert!(!lower.contains(gone), "{gone} left in:\n{out}");
        }
        for kept in [
            "Zie dit en dat.",
            "het logo",
            "blok",
            "p{color:red}",
            "<svg>",
            "<text>t</text>",
        ] {
            assert!(out.contains(kept), "{kept} lost:\n{out}");
        }
    }

    /// Attribute names are read where they stand in the page: found in
    /// any case, after text of any byte length, among many elements.
    #[test]
    fn attributes_are_found_in_any_case_anywhere_in_a_long_page() {
        let filler = "<span title=\"é – ü\">Één</span>".repeat(2000);
        let html = format!(
            "<p>Één – ü</p>{filler}<div ONCLICK=\"alert(1)\" Style=\"background:Url(x.png)\" data-x=\"1\" \
             SrcSet=\"a.png 2x\" HREF=\"https://x.example\">blok</div>\
             <svg><circle cx=\"1\" onMouseOver=\"alert(2)\"/><use XLink:Href=\"https://x.example/#a\"/></svg>\
             <img SRC=\"data:image/png;base64,iVBORw0KGgo=\" alt=\"logo\">{filler}"
        );
        let out = standalone(&html);
        let lower = out.to_ascii_lowercase();
        for gone in ["onclick", "url(", "srcset", "href", "onmouseover", "https://", "alert"] {
            assert!(!lower.contains(gone), "{gone} left");
        }
        for kept in [
            "data-x=\"1\"",
            "background:none",
            "<circle cx=\"1\"",
            "SRC=\"data:image/png;base64,iVBORw0KGgo=\"",
        ] {
            assert!(out.contains(kept), "{kept} lost");
        }
        assert_eq!(out.matches("Één</span>").count(), 4000);
    }

    #[test]
    fn an_embedded_logo_stays() {
        let html = r#"<p><img class="brand-logo" src="data:image/png;base64,iVBORw0KGgo=" alt="Ritme" srcset="https://x.example/l.png 2x"></p>"#;
        let out = standalone(html);
        assert!(out.contains(r#"src="data:image/png;base64,iVBORw0KGgo=""#), "{out}");
        assert!(!out.contains("srcset") && !out.contains("https://"), "{out}");
        let out = standalone(r#"<img src="data:text/html,<script>alert(1)</script>" alt="x">"#);
        assert_eq!(out, "x");
    }

    #[test]
    fn a_page_without_links_is_unchanged() {
        let html = "<!DOCTYPE html><html><head><style>a{color:red}</style></head><body><p class=\"x\">Één &amp; twee</p><svg viewBox=\"0 0 1 1\"><rect width=\"1\" height=\"1\"/></svg></body></html>";
        assert_eq!(standalone(html), html);
    }

    /// A drawn figure's stand-in: long, inert, with elements of its own.
    fn figure(n: usize) -> String {
        let circles: String = (0..40)
            .map(|k| format!("<circle cx=\"{k}\" cy=\"{n}\" r=\"2\"><title>Één &lt;{k}&gt;</title></circle>"))
            .collect();
        format!(
            "<figure class=\"chart\" id=\"f{n}\"><svg viewBox=\"0 0 9 9\">{circles}</svg><figcaption>{n}</figcaption></figure>\n"
        )
    }

    /// Wherever a page puts the figures, setting them aside gives
    /// `standalone`'s bytes; in an element's place it is what happens.
    #[test]
    fn figures_set_aside_give_the_same_bytes_in_every_context() {
        let (a, b) = (figure(1), figure(2));
        assert_eq!(standalone(&a), a, "the stand-in must be inert");
        let page = |middle: &str| {
            format!(
                "<!DOCTYPE html><html><head><title>R</title><style>p{{background:url(x.png)}}</style></head>\
                 <body><p>Zie <a href=\"https://x.example\">dit</a>.</p>{middle}<img src=\"x.png\" alt=\"logo\"></body></html>"
            )
        };
        let at_elements = [
            format!("{a}<p>tussen</p>{b}"),
            format!("<div>{b}{a}</div>"),
            format!("<a href=\"https://x.example\">{a}</a>{b}"),
            format!("{a}{a}{b}"),
            format!("<svg>{a}</svg>{b}"),
            format!("<form action=\"https://x.example\">{a}</form>{b}"),
        ];
        let as_text = [
            format!("<textarea>{a}</textarea>{b}"),
            format!("<title>{a}</title>"),
            format!("<script>var s = '{a}';</script>{b}"),
            format!("<!-- {a} -->{b}"),
            format!("<div title=\"{a}\">x</div>"),
            format!("<style>{a}</style>{b}"),
            format!("<{PLACE} data-i=\"0\"></{PLACE}>{a}"),
            format!("<xmp>{a}</xmp>"),
            format!("<noscript>{a}</noscript>"),
        ];
        let drawn = [a.as_str(), b.as_str(), ""];
        for (middle, fast) in at_elements
            .iter()
            .map(|m| (m, true))
            .chain(as_text.iter().map(|m| (m, false)))
        {
            let html = page(middle);
            let slow = standalone(&html);
            assert_eq!(standalone_around(&html, &drawn), slow, "{middle:.120}");
            match around(&html, &drawn) {
                Some(out) => assert_eq!(out, slow, "{middle:.120}"),
                None => assert!(!fast, "not set aside: {middle:.120}"),
            }
        }
        // Nothing drawn, or too little to be worth it: the plain rewrite.
        let html = page(&a);
        assert_eq!(around(&html, &[]), None);
        assert_eq!(around(&html, &["<p>"]), None);
    }

    /// The assertion that keeps a changed chart from slipping past the
    /// parser: a figure that `standalone` would rewrite is refused.
    #[test]
    #[cfg(debug_assertions)]
    #[should_panic(expected = "a drawn figure that standalone() changes")]
    fn a_figure_with_a_link_is_refused() {
        let linked = format!("<a href=\"https://x.example\">{}</a>", figure(1));
        standalone_around(&format!("<p>{linked}</p>"), &[&linked]);
    }
}
