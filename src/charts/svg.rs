//! The drawing backend charts are drawn on: it writes the same SVG elements
//! as plotters' own SVG backend, already in the finished form
//! ([`super::canvas::finish`]: filled opaque rectangles without their
//! default attributes, font sizes to one decimal), straight into the
//! chart's string.
//!
//! Plotters' backend builds every attribute value with `format!` and
//! copies it once more while escaping, and the finishing step then read
//! every line again: on a data-heavy site (two thousand person pages, each
//! with a heatmap of some four hundred cells and eight sparklines) that was
//! a third of the render stage. The test below keeps the two backends
//! byte for byte the same.

use std::convert::Infallible;
use std::fmt::Write as _;

use plotters_backend::text_anchor::{HPos, VPos};
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind, FontStyle,
    FontTransform,
};

/// Writes the elements of one drawing into `out` (after the `<svg>` head,
/// which the caller writes); [`DrawingBackend::present`] closes the root.
pub(crate) struct SvgWriter<'a> {
    out: &'a mut String,
    size: (u32, u32),
    closed: bool,
}

impl<'a> SvgWriter<'a> {
    pub(crate) fn new(out: &'a mut String, size: (u32, u32)) -> Self {
        SvgWriter {
            out,
            size,
            closed: false,
        }
    }

    fn int(&mut self, v: impl itoa::Integer) {
        self.out.push_str(itoa::Buffer::new().format(v));
    }

    /// ` name="value"` for a number.
    fn attr_int(&mut self, name: &str, v: impl itoa::Integer) {
        self.out.push(' ');
        self.out.push_str(name);
        self.out.push_str("=\"");
        self.int(v);
        self.out.push('"');
    }

    /// ` name="value"` for text (escaped as plotters does).
    fn attr_text(&mut self, name: &str, v: &str) {
        self.out.push(' ');
        self.out.push_str(name);
        self.out.push_str("=\"");
        escape_into(self.out, v);
        self.out.push('"');
    }

    fn attr_opacity(&mut self, c: BackendColor) {
        self.out.push_str(" opacity=\"");
        if c.alpha == 1.0 {
            self.out.push('1');
        } else {
            let _ = write!(self.out, "{}", c.alpha);
        }
        self.out.push('"');
    }

    fn attr_colour(&mut self, name: &str, c: BackendColor) {
        self.out.push(' ');
        self.out.push_str(name);
        self.out.push_str("=\"");
        colour_into(self.out, c);
        self.out.push('"');
    }

    /// `points="x,y x,y "`, as plotters writes them (with the trailing space).
    fn attr_points(&mut self, points: impl IntoIterator<Item = BackendCoord>) {
        self.out.push_str(" points=\"");
        for (x, y) in points {
            self.int(x);
            self.out.push(',');
            self.int(y);
            self.out.push(' ');
        }
        self.out.push('"');
    }
}

/// `#RRGGBB`.
fn colour_into(out: &mut String, c: BackendColor) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let (r, g, b) = c.rgb;
    out.push('#');
    for v in [r, g, b] {
        out.push(HEX[(v >> 4) as usize] as char);
        out.push(HEX[(v & 15) as usize] as char);
    }
}

/// Plotters' escaping of text and attribute values.
fn escape_into(out: &mut String, text: &str) {
    if !text.contains(['<', '>', '&', '"', '\'']) {
        out.push_str(text);
        return;
    }
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
}

type Drawn = Result<(), DrawingErrorKind<Infallible>>;

impl DrawingBackend for SvgWriter<'_> {
    type ErrorType = Infallible;

    fn get_size(&self) -> (u32, u32) {
        self.size
    }

    fn ensure_prepared(&mut self) -> Drawn {
        Ok(())
    }

    fn present(&mut self) -> Drawn {
        if !self.closed {
            self.out.push_str("</svg>\n");
            self.closed = true;
        }
        Ok(())
    }

    fn draw_pixel(&mut self, (x, y): BackendCoord, color: BackendColor) -> Drawn {
        if color.alpha == 0.0 {
            return Ok(());
        }
        self.out.push_str("<rect");
        self.attr_int("x", x);
        self.attr_int("y", y);
        self.out.push_str(" width=\"1\" height=\"1\" stroke=\"none\"");
        self.attr_opacity(color);
        self.attr_colour("fill", color);
        self.out.push_str("/>\n");
        Ok(())
    }

    fn draw_line<S: BackendStyle>(&mut self, from: BackendCoord, to: BackendCoord, style: &S) -> Drawn {
        let c = style.color();
        if c.alpha == 0.0 {
            return Ok(());
        }
        self.out.push_str("<line");
        self.attr_opacity(c);
        self.attr_colour("stroke", c);
        self.attr_int("stroke-width", style.stroke_width());
        self.attr_int("x1", from.0);
        self.attr_int("y1", from.1);
        self.attr_int("x2", to.0);
        self.attr_int("y2", to.1);
        self.out.push_str("/>\n");
        Ok(())
    }

    fn draw_rect<S: BackendStyle>(&mut self, ul: BackendCoord, br: BackendCoord, style: &S, fill: bool) -> Drawn {
        let c = style.color();
        if c.alpha == 0.0 {
            return Ok(());
        }
        self.out.push_str("<rect");
        self.attr_int("x", ul.0);
        self.attr_int("y", ul.1);
        self.attr_int("width", br.0 - ul.0);
        self.attr_int("height", br.1 - ul.1);
        match (fill, c.alpha == 1.0) {
            // The finished form: opacity 1 and no stroke are SVG's defaults.
            (true, true) => self.attr_colour("fill", c),
            (true, false) => {
                self.attr_opacity(c);
                self.attr_colour("fill", c);
                self.out.push_str(" stroke=\"none\"");
            }
            (false, _) => {
                self.attr_opacity(c);
                self.out.push_str(" fill=\"none\"");
                self.attr_colour("stroke", c);
            }
        }
        self.out.push_str("/>\n");
        Ok(())
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(&mut self, path: I, style: &S) -> Drawn {
        let c = style.color();
        if c.alpha == 0.0 {
            return Ok(());
        }
        self.out.push_str("<polyline fill=\"none\"");
        self.attr_opacity(c);
        self.attr_colour("stroke", c);
        self.attr_int("stroke-width", style.stroke_width());
        self.attr_points(path);
        self.out.push_str("/>\n");
        Ok(())
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(&mut self, vert: I, style: &S) -> Drawn {
        let c = style.color();
        if c.alpha == 0.0 {
            return Ok(());
        }
        self.out.push_str("<polygon");
        self.attr_opacity(c);
        self.attr_colour("fill", c);
        self.attr_points(vert);
        self.out.push_str("/>\n");
        Ok(())
    }

    fn draw_circle<S: BackendStyle>(&mut self, center: BackendCoord, radius: u32, style: &S, fill: bool) -> Drawn {
        let c = style.color();
        if c.alpha == 0.0 {
            return Ok(());
        }
        self.out.push_str("<circle");
        self.attr_int("cx", center.0);
        self.attr_int("cy", center.1);
        self.attr_int("r", radius);
        self.attr_opacity(c);
        if fill {
            self.attr_colour("fill", c);
            self.out.push_str(" stroke=\"none\"");
        } else {
            self.out.push_str(" fill=\"none\"");
            self.attr_colour("stroke", c);
        }
        self.attr_int("stroke-width", style.stroke_width());
        self.out.push_str("/>\n");
        Ok(())
    }

    fn draw_text<T: BackendTextStyle>(&mut self, text: &str, style: &T, (x, y): BackendCoord) -> Drawn {
        let c = style.color();
        if c.alpha == 0.0 {
            return Ok(());
        }
        let anchor = style.anchor();
        self.out.push_str("<text");
        self.attr_int("x", x);
        self.attr_int("y", y);
        self.out.push_str(match anchor.v_pos {
            VPos::Top => " dy=\"0.76em\"",
            VPos::Center => " dy=\"0.5ex\"",
            VPos::Bottom => " dy=\"-0.5ex\"",
        });
        self.out.push_str(match anchor.h_pos {
            HPos::Left => " text-anchor=\"start\"",
            HPos::Right => " text-anchor=\"end\"",
            HPos::Center => " text-anchor=\"middle\"",
        });
        self.attr_text("font-family", style.family().as_str());
        // Plotters writes `size / 1.24` in full; the finished form has one decimal.
        self.out.push_str(" font-size=\"");
        let at = self.out.len();
        let _ = write!(self.out, "{:.1}", style.size() / 1.24);
        if self.out.ends_with(".0") {
            self.out.truncate(self.out.len() - 2);
        }
        debug_assert!(self.out.len() > at);
        self.out.push('"');
        self.attr_opacity(c);
        self.attr_colour("fill", c);
        match style.style() {
            FontStyle::Normal => {}
            FontStyle::Bold => self.out.push_str(" font-weight=\"bold\""),
            other => self.attr_text("font-style", other.as_str()),
        }
        let rotate = match style.transform() {
            FontTransform::Rotate90 => Some(90),
            FontTransform::Rotate180 => Some(180),
            FontTransform::Rotate270 => Some(270),
            FontTransform::None => None,
        };
        if let Some(deg) = rotate {
            let _ = write!(self.out, " transform=\"rotate({deg}, {x}, {y})\"");
        }
        self.out.push_str(">\n");
        escape_into(self.out, text);
        self.out.push_str("\n</text>\n");
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::canvas::{self, FAMILY, Frame};
    use plotters::coord::Shift;
    use plotters::prelude::*;
    use plotters::style::FontStyle;
    use plotters::style::text_anchor::{HPos, Pos, VPos};

    /// Draws every element kind the charts use, in every style they use
    /// (and a few they do not), on any backend.
    fn scene<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
        let teal = RGBColor(0x00, 0x9E, 0x73);
        let grey = RGBColor(0x8C, 0x8C, 0x8C);
        area.fill(&WHITE)?;
        area.draw(&Rectangle::new([(1, 2), (30, 40)], teal.filled()))?;
        area.draw(&Rectangle::new([(30, 40), (1, 2)], teal.mix(0.35).filled()))?;
        area.draw(&Rectangle::new(
            [(-3, 2), (7, 9)],
            ShapeStyle::from(&grey).stroke_width(1),
        ))?;
        area.draw(&Rectangle::new(
            [(3, 2), (7, 9)],
            ShapeStyle::from(&grey).stroke_width(3),
        ))?;
        area.draw(&Rectangle::new([(3, 2), (7, 9)], TRANSPARENT.filled()))?;
        area.draw(&Circle::new((50, 60), 3, teal.filled()))?;
        area.draw(&Circle::new((50, 60), 4, ShapeStyle::from(&grey).stroke_width(2)))?;
        area.draw(&PathElement::new(
            vec![(0, 0), (10, -5), (200, 300)],
            ShapeStyle::from(&teal).stroke_width(2),
        ))?;
        area.draw(&PathElement::new(Vec::<(i32, i32)>::new(), teal))?;
        area.draw(&Polygon::new(vec![(5, 5), (10, 0), (0, 0)], teal.mix(0.5)))?;
        area.draw(&Pixel::new((4, 4), teal))?;
        area.draw_pixel((5, 5), &grey.mix(0.25))?;
        let font = |size: f64| TextStyle::from((FAMILY, size).into_font());
        for (i, (h, v)) in [
            (HPos::Left, VPos::Top),
            (HPos::Center, VPos::Center),
            (HPos::Right, VPos::Bottom),
        ]
        .into_iter()
        .enumerate()
        {
            let style = font(14.88).pos(Pos::new(h, v)).color(&grey);
            area.draw(&Text::new(format!("W{i} <a> & \"b\" 'c'"), (10 * i as i32, 20), style))?;
        }
        for size in [16.12, 12.4, 10.0, 31.0, 7.77] {
            area.draw(&Text::new("Één", (1, 1), font(size)))?;
        }
        let half = teal.mix(0.5);
        let bold = TextStyle::from((FAMILY, 16.12, FontStyle::Bold).into_font()).color(&half);
        area.draw(&Text::new("vet", (3, 4), bold))?;
        let italic = TextStyle::from((FAMILY, 16.12, FontStyle::Italic).into_font());
        area.draw(&Text::new("schuin", (3, 4), italic))?;
        let turned = font(14.88).transform(FontTransform::Rotate270);
        area.draw(&Text::new("gedraaid", (8, 9), turned))?;
        area.draw(&Text::new("onzichtbaar", (8, 9), font(12.0).color(&TRANSPARENT)))?;
        Ok(())
    }

    #[test]
    fn writes_what_plotters_writes_once_finished() {
        canvas::ensure_fonts();
        let size = (320, 240);
        let frame = Frame {
            id: "x",
            kind: crate::charts::ChartKind::Trend,
            title: "T",
            desc: "D",
            style: None,
        };
        let mut theirs = String::new();
        {
            let root = SVGBackend::with_string(&mut theirs, size).into_drawing_area();
            scene(&root).unwrap();
            root.present().unwrap();
        }
        let mut ours = String::new();
        canvas::head(&mut ours, size, &frame);
        {
            let root = SvgWriter::new(&mut ours, size).into_drawing_area();
            scene(&root).unwrap();
            root.present().unwrap();
        }
        let expected = canvas::finish(&theirs, size, &frame);
        assert!(expected.lines().count() > 30, "{expected}");
        for (a, b) in expected.lines().zip(ours.lines()) {
            assert_eq!(a, b);
        }
        assert_eq!(expected, ours);
    }
}
