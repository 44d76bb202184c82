//! Markdown to HTML for one page, with the site's rules applied:
//! heading anchors and a table of contents, links between Markdown files
//! resolved to output URLs (relative, so the site works from any folder),
//! raw HTML left out unless the config allows it, and links and images
//! that lead anywhere but to pages, the web, mail or a phone left out.
//!
//! Pure: it reads nothing but its arguments and returns the HTML together
//! with what it found (anchors, links to verify, problems).

use std::collections::{BTreeMap, BTreeSet};

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use crate::diagnostics::Diagnostic;
use crate::slug;

/// Source path → output path of every document, as a build holds it:
/// borrowed from its documents, or owned by `serve`'s last build.
pub trait Routes {
    fn route(&self, rel: &str) -> Option<&str>;
    /// Every source path, for the hint of a broken link.
    fn sources(&self) -> Box<dyn Iterator<Item = &str> + '_>;
}

impl Routes for BTreeMap<&str, &str> {
    fn route(&self, rel: &str) -> Option<&str> {
        self.get(rel).copied()
    }
    fn sources(&self) -> Box<dyn Iterator<Item = &str> + '_> {
        Box::new(self.keys().copied())
    }
}

impl Routes for BTreeMap<String, String> {
    fn route(&self, rel: &str) -> Option<&str> {
        self.get(rel).map(String::as_str)
    }
    fn sources(&self) -> Box<dyn Iterator<Item = &str> + '_> {
        Box::new(self.keys().map(String::as_str))
    }
}

/// What the renderer needs to know about the page and the site.
pub struct PageContext<'a> {
    /// Source path of the Markdown file (for diagnostics and relative links).
    pub rel: &'a str,
    /// Line of the file on which the Markdown body starts.
    pub body_line: usize,
    /// Output path of the page being rendered.
    pub route: &'a str,
    /// Source path → output path of every document in the site.
    pub routes: &'a dyn Routes,
    pub raw_html: bool,
    /// Keep images from other sites (`markdown.remote_images`).
    pub remote_images: bool,
}

pub use crate::markup::{Html, Text};

/// One entry of a page's table of contents.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub title: String,
}

/// A link to an `#anchor` in some page, checked once every page's anchors are known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnchorLink {
    pub target_route: String,
    pub anchor: String,
    pub line: usize,
    pub column: usize,
    pub written: String,
}

#[derive(Debug, Clone, Default)]
pub struct Rendered {
    pub html: Html,
    pub toc: Vec<TocEntry>,
    pub anchors: BTreeSet<String>,
    pub anchor_links: Vec<AnchorLink>,
    /// The first paragraph as plain text, for summaries.
    pub first_paragraph: String,
    /// All text of the page, for the search index.
    pub text: Text,
    /// Shortcodes found in the page, in order; the HTML holds a placeholder
    /// for each ([`placeholder`]) until the charts are drawn.
    pub shortcodes: Vec<ShortcodeUse>,
    pub diagnostics: Vec<Diagnostic>,
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_SMART_PUNCTUATION
}

/// A shortcode call in a page, where it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShortcodeUse {
    pub code: crate::charts::shortcode::Shortcode,
    pub line: usize,
    pub column: usize,
}

/// The text standing in for shortcode `i` until it is expanded: a plain
/// word, so Markdown passes it through untouched.
pub fn placeholder(i: usize) -> String {
    format!("RITMESHORTCODE{i}X")
}

/// Replaces the placeholders in rendered HTML by what `expand` returns for
/// each shortcode (a placeholder alone in a paragraph loses the `<p>`).
pub fn expand_shortcodes(html: &str, uses: &[ShortcodeUse], mut expand: impl FnMut(&ShortcodeUse) -> String) -> String {
    let mut out = html.to_string();
    for (i, u) in uses.iter().enumerate() {
        let token = placeholder(i);
        let block = format!("<p>{token}</p>");
        let replacement = expand(u);
        out = if out.contains(&block) {
            out.replacen(&block, &replacement, 1)
        } else {
            out.replacen(&token, &replacement, 1)
        };
    }
    out
}

/// Takes the shortcodes out of `markdown`, leaving placeholders (with the
/// same number of line breaks, so later line numbers stay right).
fn extract_shortcodes(markdown: &str, ctx: &PageContext, lines: &LineIndex, out: &mut Rendered) -> String {
    // Most pages have no shortcode: then there is nothing to look for.
    if !markdown.contains("{{") {
        return markdown.to_string();
    }
    let parsed = crate::charts::shortcode::parse(markdown);
    for e in &parsed.errors {
        let (line, column) = lines.pos(e.offset);
        let mut d = Diagnostic::error(ctx.rel, format!("shortcode: {}", e.message())).at(line, column);
        if let Some(h) = e.hint() {
            d = d.with_hint(h);
        }
        out.diagnostics.push(d);
    }
    let mut i = 0;
    let text = crate::charts::shortcode::expand(markdown, &parsed.shortcodes, |sc| {
        let newlines = markdown[sc.span.clone()].matches('\n').count();
        let replacement = format!("{}{}", placeholder(i), "\n".repeat(newlines));
        i += 1;
        replacement
    });
    out.shortcodes = parsed
        .shortcodes
        .into_iter()
        .map(|code| {
            let (line, column) = lines.pos(code.span.start);
            ShortcodeUse { code, line, column }
        })
        .collect();
    text
}

/// Renders `markdown` (the body of `ctx.rel`).
pub fn render(markdown: &str, ctx: &PageContext) -> Rendered {
    let lines = LineIndex::new(markdown, ctx.body_line);
    let mut out = Rendered::default();
    let without_shortcodes = extract_shortcodes(markdown, ctx, &lines, &mut out);
    let markdown = without_shortcodes.as_str();
    // Placeholders keep every line break, so lines still match the file.
    let lines = LineIndex::new(markdown, ctx.body_line);
    let mut events: Vec<Event> = Vec::new();
    let mut raw_html_warned = false;
    let mut text = String::new();
    // Per open link or image, whether it was left out (its end is then too).
    let mut dropped: Vec<bool> = Vec::new();

    // Heading state: events of the heading being read, and its plain text.
    let mut heading: Option<(HeadingLevel, Option<String>, Vec<Event>, String)> = None;
    let mut in_first_paragraph = 0u8; // 0 = not yet, 1 = inside, 2 = done
    let mut used_ids: BTreeMap<String, usize> = BTreeMap::new();
    let mut task_label_open = false;

    for (event, range) in Parser::new_ext(markdown, options()).into_offset_iter() {
        let event = match event {
            Event::Html(_) | Event::InlineHtml(_) if !ctx.raw_html => {
                if !raw_html_warned {
                    let (line, column) = lines.pos(range.start);
                    out.diagnostics.push(
                        Diagnostic::warning(ctx.rel, "raw HTML is left out of the page")
                            .at(line, column)
                            .with_hint("write it in Markdown, or set `markdown.raw_html: true` in ritme.yaml if you trust every author"),
                    );
                    raw_html_warned = true;
                }
                continue;
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let kind = Dest::of(&dest_url);
                if let Dest::Refused(scheme) = kind {
                    let (line, column) = lines.pos(range.start);
                    out.diagnostics.push(
                        Diagnostic::warning(ctx.rel, format!("link to `{scheme}` left out; its text stays"))
                            .at(line, column)
                            .with_hint("links may lead to pages of the site, #headings, http(s):, mailto: and tel:"),
                    );
                    dropped.push(true);
                    continue;
                }
                dropped.push(false);
                let dest = match kind {
                    Dest::Local => resolve_link(&dest_url, range.start, ctx, &lines, &mut out),
                    _ => dest_url,
                };
                Event::Start(Tag::Link {
                    link_type,
                    dest_url: dest,
                    title,
                    id,
                })
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let refused = match Dest::of(&dest_url) {
                    Dest::Local => None,
                    Dest::Web if ctx.remote_images => None,
                    Dest::Web => Some((
                        "image from another site left out; its description stays".to_string(),
                        "save the image under static/ and link it relatively, or set `markdown.remote_images: true` in ritme.yaml",
                    )),
                    Dest::Mail(scheme) | Dest::Refused(scheme) => Some((
                        format!("image from `{scheme}` left out; its description stays"),
                        "images are files of the site (under static/), or from http(s): with `markdown.remote_images: true`",
                    )),
                };
                if let Some((message, hint)) = refused {
                    let (line, column) = lines.pos(range.start);
                    out.diagnostics
                        .push(Diagnostic::warning(ctx.rel, message).at(line, column).with_hint(hint));
                    dropped.push(true);
                    continue;
                }
                dropped.push(false);
                let dest = resolve_link(&dest_url, range.start, ctx, &lines, &mut out);
                Event::Start(Tag::Image {
                    link_type,
                    dest_url: dest,
                    title,
                    id,
                })
            }
            // The end of a link or image left out goes with it.
            Event::End(TagEnd::Link | TagEnd::Image) if dropped.pop().unwrap_or(false) => continue,
            // `€ 52.000` never breaks between the sign and the amount.
            Event::Text(t) if t.contains(['€', '$', '£']) => {
                Event::Text(CowStr::from(crate::theme::keep_amounts_together(&t)))
            }
            other => other,
        };

        match &event {
            Event::Text(t) | Event::Code(t) => text.push_str(t),
            Event::SoftBreak | Event::HardBreak | Event::End(_) => text.push(' '),
            _ => {}
        }
        match (&event, in_first_paragraph) {
            (Event::Start(Tag::Paragraph), 0) => in_first_paragraph = 1,
            (Event::End(TagEnd::Paragraph), 1) => in_first_paragraph = 2,
            (Event::Text(t) | Event::Code(t), 1) => out.first_paragraph.push_str(t),
            (Event::SoftBreak, 1) => out.first_paragraph.push(' '),
            _ => {}
        }

        if let Some((level, explicit, buf, text)) = &mut heading {
            match event {
                Event::End(TagEnd::Heading(_)) => {
                    let base = explicit.clone().unwrap_or_else(|| slug::slugify(text));
                    let base = if base.is_empty() { "section".to_string() } else { base };
                    let id = unique_id(&mut used_ids, base);
                    let level = *level;
                    out.anchors.insert(id.clone());
                    if matches!(level, HeadingLevel::H2 | HeadingLevel::H3) {
                        out.toc.push(TocEntry {
                            level: level as u8,
                            id: id.clone(),
                            title: text.trim().to_string(),
                        });
                    }
                    events.push(Event::Start(Tag::Heading {
                        level,
                        id: Some(CowStr::from(id.clone())),
                        classes: Vec::new(),
                        attrs: Vec::new(),
                    }));
                    events.append(buf);
                    events.push(Event::InlineHtml(CowStr::from(format!(
                        "<a class=\"anchor\" href=\"#{id}\" aria-hidden=\"true\">#</a>"
                    ))));
                    events.push(Event::End(TagEnd::Heading(level)));
                    heading = None;
                }
                other => {
                    if let Event::Text(t) | Event::Code(t) = &other {
                        text.push_str(t);
                    }
                    buf.push(other);
                }
            }
            continue;
        }
        if let Event::Start(Tag::Heading { level, id, .. }) = &event {
            heading = Some((*level, id.as_ref().map(|s| s.to_string()), Vec::new(), String::new()));
            continue;
        }
        // A task's checkbox is wrapped with the task's own text in a
        // <label>, so that it has a name; the label ends where the text
        // does (the item, its paragraph, or a nested list).
        match &event {
            Event::TaskListMarker(checked) => {
                if let Some(i) = events.iter().rposition(|e| matches!(e, Event::Start(Tag::Item))) {
                    events[i] = Event::InlineHtml(CowStr::from("<li class=\"task\">"));
                }
                events.push(Event::InlineHtml(CowStr::from(if *checked {
                    "<label><input type=\"checkbox\" disabled checked> "
                } else {
                    "<label><input type=\"checkbox\" disabled> "
                })));
                task_label_open = true;
                continue;
            }
            Event::End(TagEnd::Item | TagEnd::Paragraph) | Event::Start(Tag::List(_)) if task_label_open => {
                events.push(Event::InlineHtml(CowStr::from("</label>")));
                task_label_open = false;
            }
            _ => {}
        }
        events.push(event);
    }

    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    out.html = html.into();
    out.first_paragraph = out.first_paragraph.trim().to_string();
    for i in 0..out.shortcodes.len() {
        text = text.replace(&placeholder(i), " ");
        out.first_paragraph = out.first_paragraph.replace(&placeholder(i), "").trim().to_string();
    }
    out.text = text.into();
    out
}

fn unique_id(used: &mut BTreeMap<String, usize>, base: String) -> String {
    let n = used.entry(base.clone()).or_insert(0);
    *n += 1;
    if *n == 1 { base } else { format!("{base}-{}", *n - 1) }
}

/// Turns a link as written into the link as published.
fn resolve_link<'a>(
    dest: &CowStr<'a>,
    offset: usize,
    ctx: &PageContext,
    lines: &LineIndex,
    out: &mut Rendered,
) -> CowStr<'a> {
    let written = dest.as_ref();
    // Only a diagnostic or an anchor to check later needs the position.
    let pos = || lines.pos(offset);
    if written.is_empty() || has_scheme(written) || written.starts_with("//") {
        return dest.clone();
    }
    let (path, anchor) = match written.split_once('#') {
        Some((p, a)) => (p, Some(a)),
        None => (written, None),
    };
    if path.is_empty() {
        // `#anchor` on this page.
        if let Some(a) = anchor {
            let (line, column) = pos();
            out.anchor_links.push(AnchorLink {
                target_route: ctx.route.to_string(),
                anchor: a.to_string(),
                line,
                column,
                written: written.to_string(),
            });
        }
        return dest.clone();
    }
    if let Some(from_root) = path.strip_prefix('/') {
        // Root-absolute links would break under a sub-path or file://; make them relative.
        let mut href = format!("{}{}", slug::root_prefix(ctx.route), from_root);
        if let Some(a) = anchor {
            href.push('#');
            href.push_str(a);
        }
        return CowStr::from(href);
    }
    if !path.ends_with(".md") {
        return dest.clone();
    }
    let Some(target_rel) = join_relative(ctx.rel, path) else {
        let (line, column) = pos();
        out.diagnostics.push(
            Diagnostic::error(ctx.rel, format!("link `{written}` leads outside the site folder"))
                .at(line, column)
                .with_hint("link to Markdown files inside the site, relative to this file"),
        );
        return dest.clone();
    };
    let Some(target_route) = ctx.routes.route(&target_rel) else {
        let hint = match crate::diagnostics::nearest(&target_rel, ctx.routes.sources()) {
            Some(near) => format!("did you mean `{}`?", relative_source(ctx.rel, near)),
            None => "check the file name; links are relative to this file".to_string(),
        };
        let (line, column) = pos();
        out.diagnostics.push(
            Diagnostic::error(ctx.rel, format!("broken link: `{written}` (no file {target_rel})"))
                .at(line, column)
                .with_hint(hint),
        );
        return dest.clone();
    };
    let mut href = slug::relative(ctx.route, target_route);
    if let Some(a) = anchor {
        let (line, column) = pos();
        out.anchor_links.push(AnchorLink {
            target_route: target_route.to_string(),
            anchor: a.to_string(),
            line,
            column,
            written: written.to_string(),
        });
        href.push('#');
        href.push_str(a);
    }
    CowStr::from(href)
}

/// Where a link leads, as a browser would read it.
#[derive(Debug, PartialEq, Eq)]
enum Dest {
    /// No scheme: a page or file of the site, or `#anchor`.
    Local,
    /// `http:`, `https:` or `//host`.
    Web,
    /// `mailto:` or `tel:` (fine for a link, not for an image).
    Mail(String),
    /// Any other scheme (`javascript:`, `data:`, `vbscript:`, `file:`, …).
    Refused(String),
}

impl Dest {
    /// pulldown-cmark has decoded entities (`java&#x73;cript:`) and
    /// backslash escapes already; what is left is what browsers ignore
    /// before they read the scheme: tabs and line breaks anywhere, and
    /// control characters and spaces around the URL.
    fn of(dest: &str) -> Dest {
        let cleaned: String = dest.chars().filter(|c| !matches!(c, '\t' | '\n' | '\r')).collect();
        let url = cleaned.trim_matches(|c: char| c <= ' ');
        // Browsers read `\` as `/` here: `\\host` is `//host`, another site.
        if url.chars().take(2).filter(|c| matches!(c, '/' | '\\')).count() == 2 {
            return Dest::Web;
        }
        let Some(colon) = url.find(':') else {
            return Dest::Local;
        };
        let scheme = &url[..colon];
        // A `:` after a `/`, `?` or `#` is part of a path, not a scheme.
        let is_scheme = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
        if !is_scheme {
            return if scheme.contains(['/', '?', '#']) {
                Dest::Local
            } else {
                // `1x:` or `ja va:`: no scheme a browser would use, but no
                // path a Markdown author meant either.
                Dest::Refused(format!("{}:", scheme.chars().take(20).collect::<String>()))
            };
        }
        let scheme = scheme.to_ascii_lowercase();
        match scheme.as_str() {
            "http" | "https" => Dest::Web,
            "mailto" | "tel" => Dest::Mail(format!("{scheme}:")),
            _ => Dest::Refused(format!("{scheme}:")),
        }
    }
}

fn has_scheme(link: &str) -> bool {
    match link.find(':') {
        Some(i) => {
            let scheme = &link[..i];
            !scheme.is_empty()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '+' || c == '-' || c == '.')
                && !link[..i].contains('/')
        }
        None => false,
    }
}

/// `from` is a source path (`coaching/a.md`); `link` a path relative to its
/// folder. Returns the site-relative path, or `None` if it climbs out.
fn join_relative(from: &str, link: &str) -> Option<String> {
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    for seg in link.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

/// The way to write a link from source `from` to source `to`.
fn relative_source(from: &str, to: &str) -> String {
    slug::relative(from, to)
}

/// Byte offset → (line, column) in the original file. The lines are found
/// when a position is first asked for: most pages never need one, and
/// finding them for every page was a tenth of the Markdown stage.
struct LineIndex<'a> {
    text: &'a str,
    starts: std::cell::OnceCell<Vec<usize>>,
    first_line: usize,
}

impl<'a> LineIndex<'a> {
    fn new(text: &'a str, first_line: usize) -> Self {
        LineIndex {
            text,
            starts: std::cell::OnceCell::new(),
            first_line,
        }
    }

    fn pos(&self, offset: usize) -> (usize, usize) {
        let starts = self.starts.get_or_init(|| {
            let mut starts = vec![0];
            starts.extend(self.text.match_indices('\n').map(|(i, _)| i + 1));
            starts
        });
        let idx = starts.partition_point(|&s| s <= offset).saturating_sub(1);
        let start = starts[idx];
        let column = self.text.get(start..offset).map_or(1, |s| s.chars().count() + 1);
        (idx + self.first_line, column)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn routes() -> BTreeMap<&'static str, &'static str> {
        [
            ("behaviours/tijdig-opvolgen.md", "behaviours/tijdig-opvolgen/index.html"),
            ("coaching/spiegelgesprek.md", "coaching/spiegelgesprek/index.html"),
            ("index.md", "index.html"),
        ]
        .into_iter()
        .collect()
    }

    fn render_in(md: &str, raw_html: bool) -> Rendered {
        let routes = routes();
        let ctx = PageContext {
            rel: "behaviours/tijdig-opvolgen.md",
            body_line: 10,
            route: "behaviours/tijdig-opvolgen/index.html",
            routes: &routes,
            raw_html,
            remote_images: false,
        };
        render(md, &ctx)
    }

    /// A task's checkbox is labelled by the task's text (a form control
    /// without a label fails WCAG 1.3.1/4.1.2), in tight and loose lists.
    #[test]
    fn task_list_checkboxes_are_labelled_by_their_text() {
        let r = render_in("- [ ] Bel de klant\n- [x] Stuur de *offerte*\n  - [ ] genest\n", false);
        assert!(
            r.html
                .contains("<li class=\"task\"><label><input type=\"checkbox\" disabled> Bel de klant</label></li>"),
            "{}",
            r.html
        );
        assert!(
            r.html
                .contains("<label><input type=\"checkbox\" disabled checked> Stuur de <em>offerte</em></label>"),
            "{}",
            r.html
        );
        assert!(
            r.html
                .contains("<label><input type=\"checkbox\" disabled> genest</label>"),
            "{}",
            r.html
        );
        assert_eq!(r.html.matches("<label>").count(), r.html.matches("</label>").count());
        let loose = render_in("- [ ] Eerste\n\n- [ ] Tweede\n", false);
        assert!(
            loose
                .html
                .contains("<p><label><input type=\"checkbox\" disabled> Eerste</label></p>"),
            "{}",
            loose.html
        );
        assert!(!r.html.contains("disabled=\"\""));
    }

    #[test]
    fn headings_get_unique_anchors_and_toc() {
        let r = render_in("## Waarom dit ertoe doet\n\n### Voorbeeld\n\n### Voorbeeld\n", false);
        assert!(r.html.contains("<h2 id=\"waarom-dit-ertoe-doet\">"), "{}", r.html);
        assert!(r.html.contains("id=\"voorbeeld-1\""));
        assert_eq!(r.toc.len(), 3);
        assert_eq!(r.toc[0].title, "Waarom dit ertoe doet");
    }

    #[test]
    fn md_links_become_relative_output_links() {
        let r = render_in("Zie [het gesprek](../coaching/spiegelgesprek.md#stap-1).", false);
        assert!(
            r.html
                .contains("href=\"../../coaching/spiegelgesprek/index.html#stap-1\""),
            "{}",
            r.html
        );
        assert_eq!(r.anchor_links[0].anchor, "stap-1");
        assert!(r.diagnostics.is_empty());
    }

    #[test]
    fn broken_link_names_line_and_suggests() {
        let r = render_in("Eerste regel\n\nZie [gesprek](../coaching/spiegelgesprk.md).", false);
        let d = &r.diagnostics[0];
        assert_eq!((d.line, d.column), (Some(12), Some(5)));
        assert!(d.message.contains("broken link"));
        assert_eq!(d.hint.as_deref(), Some("did you mean `../coaching/spiegelgesprek.md`?"));
    }

    #[test]
    fn root_absolute_links_are_made_relative() {
        let r = render_in("![logo](/img/logo.png) [home](/)", false);
        assert!(r.html.contains("src=\"../../img/logo.png\""), "{}", r.html);
        assert!(r.html.contains("href=\"../../\""), "{}", r.html);
    }

    #[test]
    fn raw_html_is_left_out_by_default() {
        let r = render_in("Hallo <script>alert(1)</script> daar\n\n<div>blok</div>\n", false);
        assert!(!r.html.contains("<script>") && !r.html.contains("<div>"), "{}", r.html);
        assert_eq!(r.diagnostics.len(), 1);
        let r = render_in("<div>blok</div>\n", true);
        assert!(r.html.contains("<div>blok</div>"));
    }

    #[test]
    fn extensions_are_on() {
        let r = render_in(
            "| a | b |\n|---|---|\n| 1 | 2 |\n\n- [x] klaar\n\n~~weg~~ en voetnoot[^1]\n\n[^1]: noot\n",
            false,
        );
        assert!(r.html.contains("<table>"));
        assert!(r.html.contains("checkbox"));
        assert!(r.html.contains("<del>"));
        assert!(r.html.contains("footnote"));
    }

    #[test]
    fn links_out_of_the_site_are_errors() {
        let r = render_in("[x](../../../etc/passwd.md)", false);
        assert!(r.diagnostics[0].message.contains("outside the site"));
    }

    #[test]
    fn external_links_are_untouched() {
        let r = render_in("[a](https://example.org/x.md) [m](mailto:a@b.nl)", false);
        assert!(r.html.contains("href=\"https://example.org/x.md\""));
        assert!(r.diagnostics.is_empty());
    }

    #[test]
    fn shortcodes_become_placeholders_and_keep_line_numbers() {
        let md = "Intro\n\n{{ chart(kind=\"trend\",\n  team=\"noord\") }}\n\n[x](../coaching/nope.md)\n";
        let r = render_in(md, false);
        assert_eq!(r.shortcodes.len(), 1);
        assert_eq!((r.shortcodes[0].line, r.shortcodes[0].column), (12, 1));
        assert_eq!(r.shortcodes[0].code.kind(), Some("trend"));
        assert!(r.html.contains("<p>RITMESHORTCODE0X</p>"), "{}", r.html);
        // The broken link after a two-line shortcode is still on its own line.
        assert_eq!(r.diagnostics[0].line, Some(15));
        let html = expand_shortcodes(&r.html, &r.shortcodes, |_| "<figure>chart</figure>".into());
        assert!(
            html.contains("<figure>chart</figure>") && !html.contains("RITMESHORTCODE"),
            "{html}"
        );
    }

    #[test]
    fn malformed_shortcodes_are_located_errors() {
        let r = render_in("Tekst\n{{ chart(kind=\"trend) }}\n", false);
        assert_eq!(r.diagnostics[0].line, Some(11), "{:?}", r.diagnostics);
        assert!(r.diagnostics[0].message.starts_with("shortcode:"));
    }

    #[test]
    fn only_safe_schemes_survive_in_any_spelling() {
        let refused = [
            "[x](javascript:alert(4))",
            "[x](JAVASCRIPT:alert(4))",
            "[x](JavaScript:alert(4))",
            "[x](java&#x73;cript:alert(4))",
            "[x](java&#115;cript:alert(4))",
            "[x](&#106;avascript:alert(4))",
            "[x](javascript&colon;alert(4))",
            "[x](<java\tscript:alert(4)>)",
            "[x](<java&#9;script:alert(4)>)",
            "[x](<java&#10;script:alert(4)>)",
            "[x](< javascript:alert(4)>)",
            "[x](&#x20;javascript:alert(4))",
            "[x](&#1;javascript:alert(4))",
            "[x](\\javascript:alert(4))",
            "<javascript:alert(4)>",
            "<JAVASCRIPT:alert(4)>",
            "[x][r]\n\n[r]: javascript:alert(4)",
            "[x][r]\n\n[r]: <java&#x73;cript:alert(4)>",
            "[r]\n\n[r]: vbscript:msgbox(1)",
            "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
            "[x](vbscript:msgbox(1))",
            "[x](file:///etc/passwd)",
            "[![a](img.png)](javascript:alert(1))",
        ];
        for md in refused {
            let r = render_in(md, false);
            let lower = r.html.to_ascii_lowercase();
            assert!(!lower.contains("href"), "{md}: {}", r.html);
            assert!(!lower.contains("script:") || !lower.contains("<a"), "{md}: {}", r.html);
            assert!(
                r.diagnostics
                    .iter()
                    .any(|d| d.message.contains("left out") && d.line == Some(10)),
                "{md}: {:?}",
                r.diagnostics
            );
        }
        // The text of a link left out stays.
        let r = render_in("Zie [hier](javascript:x) en [daar](https://example.org).", false);
        assert!(
            r.html.contains("Zie hier en <a href=\"https://example.org\">daar</a>"),
            "{}",
            r.html
        );
        // The image inside a link left out keeps its own (relative) source.
        let r = render_in("[![a](img.png)](javascript:alert(1))", false);
        assert!(r.html.contains("<img src=\"img.png\""), "{}", r.html);
        for ok in [
            "[x](https://example.org)",
            "[x](HTTP://example.org)",
            "[x](mailto:a@b.nl)",
            "[x](tel:+31201234567)",
            "<https://example.org>",
            "<a@b.nl>",
            "[x](#waarom)",
            "[x](../coaching/spiegelgesprek.md)",
            "[x](files/a:b.pdf)",
            "[x](?q=a:b)",
        ] {
            let r = render_in(ok, false);
            assert!(r.html.contains("href="), "{ok}: {}", r.html);
            assert!(
                !r.diagnostics.iter().any(|d| d.message.contains("left out")),
                "{ok}: {:?}",
                r.diagnostics
            );
        }
    }

    #[test]
    fn remote_images_are_off_unless_allowed() {
        let md = "![logo](https://tracker.example/pixel.png) ![b](//cdn.example/b.png) ![c](HTTPS://x.example/c.png)";
        let r = render_in(md, false);
        assert!(!r.html.contains("<img"), "{}", r.html);
        assert!(r.html.contains("logo"), "the description stays: {}", r.html);
        assert_eq!(r.diagnostics.len(), 3, "{:?}", r.diagnostics);
        let routes = routes();
        let ctx = PageContext {
            rel: "index.md",
            body_line: 1,
            route: "index.html",
            routes: &routes,
            raw_html: false,
            remote_images: true,
        };
        let r = render(md, &ctx);
        assert_eq!(r.html.matches("<img").count(), 3, "{}", r.html);
        // Never an image from a script or data URL, allowed or not.
        for md in [
            "![x](javascript:alert(1))",
            "![x](data:image/svg+xml,<svg onload=alert(1)>)",
            "![x](mailto:a@b.nl)",
        ] {
            let r = render(md, &ctx);
            assert!(!r.html.contains("<img"), "{md}: {}", r.html);
        }
        // Local images stay.
        let r = render_in("![logo](/img/logo.png) ![b](b.png)", false);
        assert_eq!(r.html.matches("<img").count(), 2, "{}", r.html);
        assert!(r.diagnostics.is_empty());
    }

    #[test]
    fn first_paragraph_is_plain_text() {
        let r = render_in("# Titel\n\nDit is **de** kern\nvan het verhaal.\n\nMeer.", false);
        assert_eq!(r.first_paragraph, "Dit is de kern van het verhaal.");
    }
}
