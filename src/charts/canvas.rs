//! What every chart shares: the embedded font, the palette, text measuring,
//! small drawing helpers on plotters' SVG backend, and the finishing step
//! that turns plotters' output into an accessible, scalable inline `<svg>`.
//!
//! Charts lay themselves out in pixel coordinates on plotters' root drawing
//! area rather than through `ChartBuilder`'s mesh: category axes with
//! localised, measured labels (month names, behaviour titles, week numbers)
//! are easier to keep from overlapping when we place every label ourselves,
//! and the result is the same for all seven charts.

use std::borrow::Cow;
use std::error::Error;
use std::sync::Once;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::FontStyle;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::config::Language;
use crate::locale;

pub(crate) type Area<'a> = DrawingArea<super::svg::SvgWriter<'a>, Shift>;
pub(crate) type Drawn = Result<(), Box<dyn Error>>;

/// The family charts are drawn and measured with. It is registered with
/// plotters under the CSS family list itself, so that plotters writes the
/// page's font into every `<text>` and no rewriting of its output is needed.
pub(crate) const FAMILY: &str = "DejaVu Sans, sans-serif";

// Okabe–Ito, safe for colour-blind readers. Orange, purple, sky blue,
// yellow and grey are darker than Okabe–Ito's own so that every mark keeps
// 3:1 against the paper (WCAG 1.4.11); the same values hold against the
// dark theme's paper, so charts keep their colours in dark mode.
pub(crate) const BLUE: RGBColor = RGBColor(0x00, 0x72, 0xB2);
pub(crate) const ORANGE: RGBColor = RGBColor(0xC2, 0x7E, 0x00);
pub(crate) const GREEN: RGBColor = RGBColor(0x00, 0x9E, 0x73);
pub(crate) const PURPLE: RGBColor = RGBColor(0xC0, 0x69, 0x9A);
pub(crate) const SKY: RGBColor = RGBColor(0x35, 0x90, 0xC8);
pub(crate) const VERMILLION: RGBColor = RGBColor(0xD5, 0x5E, 0x00);
pub(crate) const YELLOW: RGBColor = RGBColor(0x99, 0x88, 0x00);
/// Text and the story badges. The theme's dark mode maps this value (and
/// [`PAPER`], [`MUTED`], [`GRID`]) to its own colours by attribute, so these
/// four must stay distinct from every mark colour.
pub(crate) const INK: RGBColor = RGBColor(0x22, 0x22, 0x22);
pub(crate) const GREY: RGBColor = RGBColor(0x8C, 0x8C, 0x8C);
/// Secondary text: still dark enough to print.
pub(crate) const MUTED: RGBColor = RGBColor(0x55, 0x55, 0x55);
/// Grid lines: light, but visible on paper; they carry no data.
pub(crate) const GRID: RGBColor = RGBColor(0xD0, 0xD0, 0xD0);
pub(crate) const PAPER: RGBColor = RGBColor(0xFF, 0xFF, 0xFF);
/// Text drawn on a mark: never remapped by the theme (the mark keeps its
/// colour in dark mode, so must the text on it).
pub(crate) const ON_MARK_DARK: RGBColor = RGBColor(0x11, 0x11, 0x11);
pub(crate) const ON_MARK_LIGHT: RGBColor = RGBColor(0xFD, 0xFD, 0xFD);

/// Series colours, in order of use.
pub(crate) const SERIES: [RGBColor; 8] = [
    BLUE,
    ORANGE,
    GREEN,
    PURPLE,
    SKY,
    VERMILLION,
    YELLOW,
    RGBColor(0x7F, 0x7F, 0x7F),
];

/// Level colours (the same values as the theme's CSS).
pub(crate) const CONSISTENT: RGBColor = GREEN;
pub(crate) const DEVELOPING: RGBColor = SKY;
pub(crate) const INCIDENTAL: RGBColor = ORANGE;
pub(crate) const ABSENT: RGBColor = VERMILLION;
pub(crate) const INSUFFICIENT: RGBColor = GREY;

/// WCAG 2.1 contrast ratio of two colours (1 to 21).
pub(crate) fn contrast(a: RGBColor, b: RGBColor) -> f64 {
    fn channel(c: u8) -> f64 {
        let c = c as f64 / 255.0;
        if c <= 0.03928 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    }
    let lum = |c: RGBColor| 0.2126 * channel(c.0) + 0.7152 * channel(c.1) + 0.0722 * channel(c.2);
    let (x, y) = (lum(a), lum(b));
    (x.max(y) + 0.05) / (x.min(y) + 0.05)
}

/// The text colour for a label drawn on a mark of colour `fill`: whichever
/// of near-black and near-white reads better.
pub(crate) fn ink_on(fill: RGBColor) -> RGBColor {
    if contrast(ON_MARK_DARK, fill) >= contrast(ON_MARK_LIGHT, fill) {
        ON_MARK_DARK
    } else {
        ON_MARK_LIGHT
    }
}

/// Width of the phone drawing of a chart (units). Its 12-unit text stays
/// at 11 px or more on screen down to a 303 px wide chart box (a 360 px
/// phone); the desktop drawing is 720 wide and needs 660 px for that.
pub(crate) const NARROW: i32 = 330;

/// `wide` with the `<svg>` of `narrow` (the same chart drawn [`NARROW`]
/// units wide) as its phone drawing. The phone drawing's `<title>` and
/// `<desc>` ids get `-narrow`, so that the page's ids stay unique.
pub(crate) fn with_narrow(mut wide: super::Chart, narrow: super::Chart) -> super::Chart {
    let id = &wide.id;
    // The ids are in the head that [`finish`] writes (the root, `<title>`
    // and `<desc>`): only the head is rewritten, the body is copied once.
    let (head, body) = narrow.svg.find("</desc>\n").map_or((narrow.svg.as_str(), ""), |at| {
        narrow.svg.split_at(at + "</desc>\n".len())
    });
    let mut svg = head
        .replacen(
            &format!("aria-labelledby=\"{id}-title {id}-desc\""),
            &format!("aria-labelledby=\"{id}-narrow-title {id}-narrow-desc\""),
            1,
        )
        .replacen(
            &format!("<title id=\"{id}-title\">"),
            &format!("<title id=\"{id}-narrow-title\">"),
            1,
        )
        .replacen(
            &format!("<desc id=\"{id}-desc\">"),
            &format!("<desc id=\"{id}-narrow-desc\">"),
            1,
        );
    svg.push_str(body);
    wide.svg_narrow = Some(svg);
    wide
}

/// Font sizes in plotters' units (the SVG gets `size / 1.24` px).
pub(crate) const LABEL: f64 = 16.12; // 13 px
pub(crate) const SMALL: f64 = 14.88; // 12 px

static FONTS: Once = Once::new();

/// Registers DejaVu Sans (regular and bold) with plotters, once per process.
///
/// The bytes are the theme's own font files, embedded by `build.rs` with
/// `include_bytes!`; using that copy keeps a single 1.4 MB font in the
/// binary. A missing or unreadable font leaves charts to fall back to a
/// hand-written "no data" SVG (see [`finish_or_fallback`]) rather than panic.
pub(crate) fn ensure_fonts() {
    FONTS.call_once(|| {
        for (path, style) in [
            ("static/fonts/DejaVuSans.ttf", FontStyle::Normal),
            ("static/fonts/DejaVuSans-Bold.ttf", FontStyle::Bold),
        ] {
            if let Some(bytes) = crate::embedded::theme_file(path) {
                let _ = plotters::style::register_font(FAMILY, style, bytes);
            }
        }
    });
}

pub(crate) fn font(size: f64) -> TextStyle<'static> {
    TextStyle::from((FAMILY, size).into_font()).color(&INK)
}

pub(crate) fn bold(size: f64) -> TextStyle<'static> {
    TextStyle::from((FAMILY, size, FontStyle::Bold).into_font()).color(&INK)
}

pub(crate) fn anchored(style: TextStyle<'static>, h: HPos, v: VPos) -> TextStyle<'static> {
    style.pos(Pos::new(h, v))
}

/// Width in pixels of `text` at `size` (an estimate if the font is missing).
///
/// Charts measure the same few strings over and over (legend entries, week
/// and month labels, the same names at two widths): each thread keeps what
/// it measured, so the font's layout runs once per string and size.
pub(crate) fn text_width(text: &str, size: f64) -> i32 {
    use std::cell::RefCell;
    use std::collections::HashMap;
    /// Per font size (its bits), the width of each string measured.
    type Widths = Vec<(u64, HashMap<String, i32>)>;
    thread_local! {
        static WIDTHS: RefCell<Widths> = const { RefCell::new(Vec::new()) };
    }
    /// Beyond this many strings a thread starts over (a long `serve`).
    const MAX: usize = 1 << 16;
    WIDTHS.with_borrow_mut(|sizes| {
        let bits = size.to_bits();
        let at = match sizes.iter().position(|(b, _)| *b == bits) {
            Some(at) => at,
            None => {
                sizes.push((bits, HashMap::new()));
                sizes.len() - 1
            }
        };
        let widths = &mut sizes[at].1;
        if let Some(w) = widths.get(text) {
            return *w;
        }
        if widths.len() >= MAX {
            widths.clear();
        }
        let w = measure(text, size);
        widths.insert(text.to_string(), w);
        w
    })
}

fn measure(text: &str, size: f64) -> i32 {
    // Measuring before the font is registered would silently estimate.
    ensure_fonts();
    match (FAMILY, size).into_font().box_size(text) {
        Ok((w, _)) => w as i32,
        Err(_) => (text.chars().count() as f64 * size * 0.6) as i32,
    }
}

/// `text`, cut with an ellipsis so that it fits in `max` pixels.
pub(crate) fn truncate(text: &str, size: f64, max: i32) -> Cow<'_, str> {
    if text_width(text, size) <= max {
        return Cow::Borrowed(text);
    }
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let (mut lo, mut hi) = (0usize, chars.len());
    // Longest prefix that fits with the ellipsis: binary search on char count.
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        let end = chars.get(mid).map_or(text.len(), |(i, _)| *i);
        let candidate = format!("{}…", text[..end].trim_end());
        if text_width(&candidate, size) <= max {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    let end = chars.get(lo).map_or(text.len(), |(i, _)| *i);
    Cow::Owned(format!("{}…", text[..end].trim_end()))
}

/// Greedy word wrap into at most `max_lines` lines of `max` pixels; the last
/// line is truncated with an ellipsis when the text does not fit.
pub(crate) fn wrap(text: &str, size: f64, max: i32, max_lines: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut i = 0;
    while i < words.len() {
        let word = words[i];
        let candidate = if current.is_empty() {
            word.to_string()
        } else {
            format!("{current} {word}")
        };
        if text_width(&candidate, size) <= max || current.is_empty() {
            current = candidate;
            i += 1;
        } else {
            lines.push(std::mem::take(&mut current));
            if lines.len() + 1 == max_lines.max(1) {
                break;
            }
        }
    }
    if i < words.len() {
        // Out of lines: the rest goes on the last line, cut to fit.
        let rest = words[i..].join(" ");
        current = if current.is_empty() {
            rest
        } else {
            format!("{current} {rest}")
        };
    }
    if !current.is_empty() || lines.is_empty() {
        lines.push(current);
    }
    lines
        .into_iter()
        .map(|l| truncate(&l, size, max).into_owned())
        .collect()
}

/// A number that is safe to draw: finite, or `None`.
pub(crate) fn finite(x: Option<f64>) -> Option<f64> {
    x.filter(|v| v.is_finite())
}

/// A share clamped to 0–1, or `None` when undefined.
pub(crate) fn share(x: Option<f64>) -> Option<f64> {
    finite(x).map(|v| v.clamp(0.0, 1.0))
}

/// Maps a value range onto a pixel range (either direction).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Scale {
    pub v0: f64,
    pub v1: f64,
    pub p0: i32,
    pub p1: i32,
}

impl Scale {
    pub fn new(v0: f64, v1: f64, p0: i32, p1: i32) -> Scale {
        Scale { v0, v1, p0, p1 }
    }

    pub fn px(&self, v: f64) -> i32 {
        let span = self.v1 - self.v0;
        let t = if span.abs() < f64::EPSILON || !v.is_finite() {
            0.0
        } else {
            (v - self.v0) / span
        };
        (self.p0 as f64 + t * (self.p1 - self.p0) as f64).round() as i32
    }
}

/// A "nice" upper bound and tick step for counts or minutes from 0 to `max`.
pub(crate) fn nice_ticks(max: f64, wanted: usize) -> (f64, f64) {
    let max = if max.is_finite() && max > 0.0 { max } else { 1.0 };
    let raw = max / wanted.max(1) as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag);
    let step = if step < 1.0 && max >= 1.0 { 1.0 } else { step };
    ((max / step).ceil() * step, step)
}

/// Horizontal grid lines with labels at the left of `left`.
pub(crate) fn y_grid(area: &Area, left: i32, right: i32, scale: Scale, ticks: &[(f64, String)]) -> Drawn {
    let label = anchored(font(SMALL), HPos::Right, VPos::Center);
    for (v, text) in ticks {
        let y = scale.px(*v);
        area.draw(&PathElement::new(
            vec![(left, y), (right, y)],
            ShapeStyle::from(&GRID).stroke_width(1),
        ))?;
        area.draw(&Text::new(text.as_str(), (left - 6, y), label.clone()))?;
    }
    Ok(())
}

/// Percentage ticks 0, 20, …, 100 %.
pub(crate) fn percent_ticks(lang: Language) -> Vec<(f64, String)> {
    (0..=5)
        .map(|i| {
            let v = i as f64 / 5.0;
            (v, locale::percent(lang, v))
        })
        .collect()
}

/// A dashed horizontal or sloped line, drawn as short segments.
pub(crate) fn dashed(area: &Area, from: (i32, i32), to: (i32, i32), color: RGBColor, width: u32) -> Drawn {
    let (dx, dy) = ((to.0 - from.0) as f64, (to.1 - from.1) as f64);
    let len = (dx * dx + dy * dy).sqrt();
    if len < 1.0 {
        return Ok(());
    }
    let (dash, gap) = (7.0, 5.0);
    let mut t = 0.0;
    while t < len {
        let end = (t + dash).min(len);
        let p = |s: f64| {
            (
                from.0 + (dx * s / len).round() as i32,
                from.1 + (dy * s / len).round() as i32,
            )
        };
        area.draw(&PathElement::new(
            vec![p(t), p(end)],
            ShapeStyle::from(&color).stroke_width(width),
        ))?;
        t += dash + gap;
    }
    Ok(())
}

/// White diagonal hatching (`/`) over the box `(x0, y0)–(x1, y1)`, so that a
/// segment differs from its neighbours in greyscale print too.
pub(crate) fn hatch(area: &Area, (x0, y0): (i32, i32), (x1, y1): (i32, i32), spacing: i32) -> Drawn {
    let style = ShapeStyle::from(&PAPER).stroke_width(1);
    let mut c = x0 + y0 + spacing / 2;
    while c < x1 + y1 {
        // On the line x + y = c, inside the box.
        let ya = y0.max(c - x1);
        let yb = y1.min(c - x0);
        if yb > ya {
            area.draw(&PathElement::new(vec![(c - ya, ya), (c - yb, yb)], style))?;
        }
        c += spacing.max(2);
    }
    Ok(())
}

/// Draws legend item `i`'s key in the 14×14 box whose top-left is given.
pub(crate) type Swatch<'f> = dyn Fn(&Area, usize, (i32, i32)) -> Drawn + 'f;

/// Lays out legend items left to right from `(x, y)`, wrapping at `right`;
/// `swatch` draws item `i`'s key in the 14×14 box whose top-left is given.
/// Returns the height used.
pub(crate) fn legend(
    area: &Area,
    (x, y): (i32, i32),
    right: i32,
    labels: &[String],
    swatch: &Swatch,
) -> Result<i32, Box<dyn Error>> {
    let style = anchored(font(SMALL), HPos::Left, VPos::Center);
    let row = 20;
    let (mut cx, mut cy) = (x, y);
    for (i, label) in labels.iter().enumerate() {
        // A label longer than a whole row (a story's title on a phone) is cut.
        let label = truncate(label, SMALL, right - x - 20);
        let w = 14 + 6 + text_width(&label, SMALL) + 18;
        if cx > x && cx + w > right {
            cx = x;
            cy += row;
        }
        swatch(area, i, (cx, cy + 3))?;
        area.draw(&Text::new(label.as_ref(), (cx + 20, cy + 10), style.clone()))?;
        cx += w;
    }
    Ok(cy - y + row)
}

/// Height a [`legend`] will take, for layout before drawing.
pub(crate) fn legend_height(x: i32, right: i32, labels: &[String]) -> i32 {
    let mut rows = 1;
    let mut cx = x;
    for label in labels {
        let w = 14 + 6 + text_width(&truncate(label, SMALL, right - x - 20), SMALL) + 18;
        if cx > x && cx + w > right {
            cx = x;
            rows += 1;
        }
        cx += w;
    }
    rows * 20
}

/// Month labels under category slots centred at `centres`, `slot` pixels
/// wide: the full month name when every one fits, else the short one; the
/// year on a second line under the first month and where the year changes.
/// When even the short names do not fit (a year of months on a phone),
/// every second or third month is labelled, counted from the latest.
pub(crate) fn month_axis(
    area: &Area,
    text: &super::ChartText,
    months: &[String],
    centres: &[i32],
    slot: i32,
    y: i32,
) -> Drawn {
    let parsed: Vec<Option<(i32, u32)>> = months.iter().map(|m| super::parse_month(m)).collect();
    let long = |p: &Option<(i32, u32)>, key: &str| match p {
        Some((_, m)) => locale::month_name(text.lang, *m).to_string(),
        None => key.to_string(),
    };
    let fits = parsed
        .iter()
        .zip(months)
        .all(|(p, k)| text_width(&long(p, k), SMALL) <= slot - 6);
    let short = |p: &Option<(i32, u32)>, key: &str| match p {
        Some((_, m)) => text.month_abbr[(*m as usize - 1).min(11)].clone(),
        None => key.to_string(),
    };
    let widest_short = parsed
        .iter()
        .zip(months)
        .map(|(p, k)| text_width(&short(p, k), SMALL))
        .max()
        .unwrap_or(0);
    let every = if fits {
        1
    } else {
        ((widest_short + 6) as f64 / slot.max(1) as f64).ceil().max(1.0) as usize
    };
    let last = months.len().saturating_sub(1);
    let style = anchored(font(SMALL), HPos::Center, VPos::Top);
    let year_style = anchored(font(SMALL), HPos::Center, VPos::Top).color(&MUTED);
    let mut last_year = None;
    for (i, ((p, key), x)) in parsed.iter().zip(months).zip(centres).enumerate() {
        if !(last - i).is_multiple_of(every) {
            continue;
        }
        let label = match p {
            Some((_, m)) if !fits => text.month_abbr[(*m as usize - 1).min(11)].clone(),
            _ => long(p, key),
        };
        area.draw(&Text::new(
            truncate(&label, SMALL, (slot * every as i32).max(12)),
            (*x, y),
            style.clone(),
        ))?;
        if let Some((year, _)) = p
            && last_year != Some(*year)
        {
            area.draw(&Text::new(year.to_string(), (*x, y + 16), year_style.clone()))?;
            last_year = Some(*year);
        }
    }
    Ok(())
}

/// What the finished `<svg>` says about itself.
pub(crate) struct Frame<'a> {
    pub id: &'a str,
    pub kind: super::ChartKind,
    pub title: &'a str,
    pub desc: &'a str,
    /// Extra inline style on the root (sparklines size with the text).
    pub style: Option<&'a str>,
}

/// Draws on a fresh SVG canvas of `size` and finishes it; falls back to a
/// plain "no data" SVG if plotters reports an error (e.g. no font).
pub(crate) fn render(
    size: (u32, u32),
    frame: &Frame,
    fallback_message: &str,
    draw: impl FnOnce(&Area) -> Drawn,
) -> String {
    ensure_fonts();
    // The drawing is written in its finished form behind the head: no
    // second pass over it.
    let mut out = String::with_capacity(8 * 1024);
    head(&mut out, size, frame);
    let ok = {
        let root = super::svg::SvgWriter::new(&mut out, size).into_drawing_area();
        let drawn = root
            .fill(&PAPER)
            .map_err(|e| Box::new(e) as Box<dyn Error>)
            .and_then(|_| draw(&root));
        drawn.is_ok() && root.present().is_ok()
    };
    if ok {
        out
    } else {
        fallback_svg(size, frame, fallback_message)
    }
}

/// A chart with only a centred message: for empty input.
pub(crate) fn message_svg(size: (u32, u32), frame: &Frame, message: &str) -> String {
    let (w, h) = (size.0 as i32, size.1 as i32);
    render(size, frame, message, |area| {
        area.draw(&Rectangle::new(
            [(1, 1), (w - 2, h - 2)],
            ShapeStyle::from(&GRID).stroke_width(1),
        ))?;
        let style = anchored(font(LABEL), HPos::Center, VPos::Center).color(&MUTED);
        area.draw(&Text::new(message, (w / 2, h / 2), style))?;
        Ok(())
    })
}

fn fallback_svg(size: (u32, u32), frame: &Frame, message: &str) -> String {
    let mut body = String::new();
    body.push_str(&format!(
        "<svg viewBox=\"0 0 {w} {h}\">\n<rect x=\"0\" y=\"0\" width=\"{w}\" height=\"{h}\" fill=\"#FFFFFF\"/>\n\
         <text x=\"{x}\" y=\"{y}\" text-anchor=\"middle\" font-family=\"{FAMILY}\" font-size=\"12\" fill=\"#555555\">{m}</text>\n</svg>\n",
        w = size.0,
        h = size.1,
        x = size.0 / 2,
        y = size.1 / 2,
        m = escape(message),
    ));
    finish(&body, size, frame)
}

/// Rewrites plotters' SVG into the inline form the pages need: `role="img"`,
/// a `viewBox` without fixed width and height (so it scales with the page),
/// `<title>` and `<desc>` first with ids for `aria-labelledby`, and font
/// sizes rounded to one decimal (plotters writes `size / 1.24` in full).
///
/// Charts are drawn on [`super::svg::SvgWriter`], which writes this form
/// directly; this rewriting of plotters' own SVG backend's output is what
/// its test holds it to (and what finishes the hand-written fallback).
pub(crate) fn finish(raw: &str, size: (u32, u32), frame: &Frame) -> String {
    let body = raw.split_once('\n').map_or("", |(_, rest)| rest);
    let mut out = String::with_capacity(raw.len() + 512);
    head(&mut out, size, frame);
    for line in body.split_inclusive('\n') {
        if line.starts_with("<text ") {
            round_font_size(line, &mut out);
        } else if !compact_filled_rect(line, &mut out) {
            out.push_str(line);
        }
    }
    out
}

/// The root `<svg>` tag, `<title>` and `<desc>` of a finished chart.
pub(crate) fn head(out: &mut String, size: (u32, u32), frame: &Frame) {
    use std::fmt::Write as _;
    let id = frame.id;
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {} {}\" role=\"img\" \
         aria-labelledby=\"{id}-title {id}-desc\" class=\"chart-svg chart-{}\" font-family=\"{FAMILY}\"",
        size.0, size.1, frame.kind
    );
    if let Some(style) = frame.style {
        let _ = write!(out, " style=\"{}\"", escape(style));
    }
    let _ = write!(
        out,
        ">\n<title id=\"{id}-title\">{}</title>\n<desc id=\"{id}-desc\">{}</desc>\n",
        escape(frame.title),
        escape(frame.desc)
    );
}

/// Drops the attributes that only repeat SVG defaults from a filled,
/// opaque `<rect>` (the bulk of a heatmap): plotters ends such a line with
/// ` opacity="1" fill="#RRGGBB" stroke="none"/>`, a fixed-width tail that is
/// compared in place rather than searched for. False: not such a line.
fn compact_filled_rect(line: &str, out: &mut String) -> bool {
    const TAIL: &str = " stroke=\"none\"/>\n";
    const OPACITY: &str = " opacity=\"1\"";
    const FILL: &str = " fill=\"#RRGGBB\"";
    if !line.starts_with("<rect ") {
        return false;
    }
    let Some(head) = line.strip_suffix(TAIL) else {
        return false;
    };
    let fill_at = head.len().saturating_sub(FILL.len());
    let Some(opacity_at) = fill_at.checked_sub(OPACITY.len()) else {
        return false;
    };
    if !head.is_char_boundary(opacity_at)
        || !head.is_char_boundary(fill_at)
        || &head[opacity_at..fill_at] != OPACITY
        || !head[fill_at..].starts_with(" fill=\"#")
    {
        return false;
    }
    out.push_str(&head[..opacity_at]);
    out.push_str(&head[fill_at..]);
    out.push_str("/>\n");
    true
}

/// Copies a `<text …>` line with its `font-size="…"` rounded to one decimal.
fn round_font_size(line: &str, out: &mut String) {
    const KEY: &str = "font-size=\"";
    let Some(at) = line.find(KEY) else {
        out.push_str(line);
        return;
    };
    let start = at + KEY.len();
    let Some(len) = line[start..].find('"') else {
        out.push_str(line);
        return;
    };
    out.push_str(&line[..start]);
    match line[start..start + len].parse::<f64>() {
        Ok(v) if v.is_finite() => {
            let r = format!("{v:.1}");
            out.push_str(r.strip_suffix(".0").unwrap_or(&r));
        }
        _ => out.push_str(&line[start..start + len]),
    }
    out.push_str(&line[start + len..]);
}

/// Escapes text for HTML and SVG content and attribute values.
pub fn escape(text: &str) -> Cow<'_, str> {
    if !text.contains(['<', '>', '&', '"', '\'']) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// A caller's chart id made safe for `id` attributes: ASCII letters, digits,
/// `-` and `_`; starts with a letter.
pub fn sanitize_id(id: &str) -> String {
    let mut out: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    if out.is_empty() {
        return "chart".to_string();
    }
    if !out.starts_with(|c: char| c.is_ascii_alphabetic()) {
        out.insert_str(0, "chart-");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn font_is_registered_and_measures() {
        ensure_fonts();
        // Real metrics: "iiii" is much narrower than "MMMM" in DejaVu Sans.
        assert!(text_width("iiii", LABEL) * 2 < text_width("MMMM", LABEL));
        assert!((FAMILY, 12.0).into_font().box_size("x").is_ok());
    }

    #[test]
    fn remembered_widths_are_the_measured_ones() {
        for text in ["W12", "maart", "Bram Jansen", "", "Ünïcødé …"] {
            for size in [LABEL, SMALL] {
                let first = text_width(text, size);
                assert_eq!(first, measure(text, size), "{text} at {size}");
                assert_eq!(text_width(text, size), first);
            }
        }
        assert_ne!(text_width("MMMM", LABEL), text_width("MMMM", SMALL));
    }

    #[test]
    fn truncate_and_wrap_fit() {
        ensure_fonts();
        let long = "Binnen 24 uur opvolgen na elk klantgesprek met een offerte";
        let cut = truncate(long, LABEL, 120);
        assert!(cut.ends_with('…'));
        assert!(text_width(&cut, LABEL) <= 120);
        let lines = wrap(long, LABEL, 160, 2);
        assert_eq!(lines.len(), 2);
        assert!(lines.iter().all(|l| text_width(l, LABEL) <= 160));
        assert_eq!(wrap("kort", LABEL, 160, 2), vec!["kort".to_string()]);
        assert_eq!(wrap("", LABEL, 160, 2), vec![String::new()]);
    }

    #[test]
    fn finishing_compacts_opaque_rects_and_rounds_font_sizes() {
        let raw = "<svg width=\"10\" height=\"10\" viewBox=\"0 0 10 10\" xmlns=\"http://www.w3.org/2000/svg\">\n\
                   <rect x=\"1\" y=\"2\" width=\"3\" height=\"4\" opacity=\"1\" fill=\"#009E73\" stroke=\"none\"/>\n\
                   <rect x=\"1\" y=\"2\" width=\"3\" height=\"4\" opacity=\"0.5\" fill=\"#009E73\" stroke=\"none\"/>\n\
                   <rect x=\"1\" y=\"2\" width=\"3\" height=\"4\" opacity=\"1\" fill=\"none\" stroke=\"#888888\"/>\n\
                   <text x=\"1\" font-size=\"12.000000000000002\" fill=\"#222222\">\nA &amp; B\n</text>\n</svg>\n";
        let frame = Frame {
            id: "x",
            kind: super::super::ChartKind::Bars,
            title: "T <1>",
            desc: "D",
            style: None,
        };
        let svg = finish(raw, (10, 10), &frame);
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 10 10\" role=\"img\""));
        assert!(svg.contains("<title id=\"x-title\">T &lt;1&gt;</title>\n<desc id=\"x-desc\">D</desc>\n<rect"));
        assert!(svg.contains("<rect x=\"1\" y=\"2\" width=\"3\" height=\"4\" fill=\"#009E73\"/>\n"));
        assert!(svg.contains("opacity=\"0.5\" fill=\"#009E73\" stroke=\"none\"/>"));
        assert!(svg.contains("opacity=\"1\" fill=\"none\" stroke=\"#888888\"/>"));
        assert!(svg.contains("font-size=\"12\" fill=\"#222222\">\nA &amp; B\n</text>\n</svg>\n"));
        assert!(!svg.contains("width=\"10\""));
    }

    /// Every mark colour keeps 3:1 against the paper of both colour schemes,
    /// and text meets 4.5:1 on what it is drawn on.
    #[test]
    fn palette_meets_wcag_contrast() {
        let dark_paper = RGBColor(0x1B, 0x22, 0x2B);
        for (i, c) in SERIES.iter().enumerate() {
            assert!(
                contrast(*c, PAPER) >= 3.0,
                "series {i} on paper: {:.2}",
                contrast(*c, PAPER)
            );
            assert!(
                contrast(*c, dark_paper) >= 3.0,
                "series {i} on dark: {:.2}",
                contrast(*c, dark_paper)
            );
        }
        for c in [CONSISTENT, DEVELOPING, INCIDENTAL, ABSENT, INSUFFICIENT, BLUE] {
            assert!(contrast(c, PAPER) >= 3.0, "{c:?}: {:.2}", contrast(c, PAPER));
            assert!(contrast(c, dark_paper) >= 3.0, "{c:?} on dark");
            assert!(
                contrast(ink_on(c), c) >= 4.5,
                "text on {c:?}: {:.2}",
                contrast(ink_on(c), c)
            );
        }
        assert!(contrast(INK, PAPER) >= 4.5 && contrast(MUTED, PAPER) >= 4.5);
        // The story badge: paper-coloured number on an ink disc.
        assert!(contrast(PAPER, INK) >= 4.5);
        // The remapped colours are no mark's colour.
        for c in SERIES.iter().chain(&[GREY]) {
            assert!(![INK, MUTED, GRID, PAPER].contains(c));
        }
        assert!((contrast(PAPER, RGBColor(0, 0, 0)) - 21.0).abs() < 1e-9);
    }

    #[test]
    fn ids_are_safe() {
        assert_eq!(sanitize_id("trend-noord"), "trend-noord");
        assert_eq!(sanitize_id("3 x\"y"), "chart-3-x-y");
        assert_eq!(sanitize_id(""), "chart");
    }

    #[test]
    fn nice_ticks_cover_the_maximum() {
        assert_eq!(nice_ticks(7.0, 5), (8.0, 2.0));
        assert_eq!(nice_ticks(180.0, 4), (200.0, 50.0));
        assert_eq!(nice_ticks(f64::NAN, 4), (1.0, 1.0));
        assert_eq!(nice_ticks(0.0, 4), (1.0, 1.0));
    }
}
