//! Lead–lag: each person's consistency rate (x) against their win rate (y)
//! in one month, with Spearman's ρ and n, and the reminder that this is a
//! correlation, not proof of cause, printed on the chart itself.

use plotters::prelude::{Circle, Color, PathElement, ShapeStyle, Text};
use plotters::style::text_anchor::{HPos, VPos};

use super::canvas::{self, *};
use super::trend::fmt_share;
use super::{Chart, ChartText, Table, fill};
use crate::locale;

/// One person: both as shares 0–1.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ScatterPoint {
    /// Shown in the table only (pseudonym or name, as the build allows);
    /// empty: the row number.
    pub label: String,
    pub x: f64,
    pub y: f64,
}

/// Input of [`scatter`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ScatterInput {
    pub id: String,
    pub title: String,
    pub points: Vec<ScatterPoint>,
    /// Spearman's ρ as computed by the metrics; `None` when n is too small.
    pub rho: Option<f64>,
    /// People with both figures.
    pub n: usize,
}

const WIDTH: i32 = 720;
const LEFT: i32 = 60;
const TOP: i32 = 16;
const PLOT_H: i32 = 300;

/// Draws the lead–lag scatter.
pub fn scatter(input: &ScatterInput, text: &ChartText) -> Chart {
    let wide = scatter_at(input, text, WIDTH, true);
    let narrow = scatter_at(input, text, canvas::NARROW, false);
    canvas::with_narrow(wide, narrow)
}

/// The chart drawn `width` units wide; its table only with `table` (the
/// phone drawing lends only its SVG, so its table would be thrown away).
fn scatter_at(input: &ScatterInput, text: &ChartText, width: i32, table: bool) -> Chart {
    let right = width - 24;
    let lang = text.lang;
    let id = sanitize_id(&input.id);
    let rho = finite(input.rho).map(|r| r.clamp(-1.0, 1.0));
    let rho_text = rho.map(|r| locale::decimal(lang, r, 2));
    let stats = match &rho_text {
        Some(r) => format!("ρ = {r}, n = {}", input.n),
        None => format!("n = {}", input.n),
    };
    let title = if input.title.is_empty() {
        stats.clone()
    } else {
        format!("{} ({stats})", input.title)
    };
    let sentence = match &rho_text {
        Some(r) => fill(
            &text.sentence_scatter,
            &[
                ("rho", r),
                ("n", &input.n.to_string()),
                ("note", &text.correlation_note),
            ],
        ),
        None => fill(&text.sentence_scatter_none, &[("n", &input.n.to_string())]),
    };
    let desc = format!("{} {}.", text.desc_scatter, sentence.trim_end_matches('.'));

    let points: Vec<(usize, f64, f64)> = input
        .points
        .iter()
        .enumerate()
        .filter(|(_, p)| p.x.is_finite() && p.y.is_finite())
        .map(|(i, p)| (i, p.x.clamp(0.0, 1.0), p.y.clamp(0.0, 1.0)))
        .collect();

    let table = Table {
        caption: title.clone(),
        headers: vec![String::from("#"), text.cr_axis.clone(), text.win_rate_axis.clone()],
        rows: input
            .points
            .iter()
            .enumerate()
            .filter(|_| table)
            .map(|(i, p)| {
                let label = if p.label.is_empty() {
                    (i + 1).to_string()
                } else {
                    p.label.clone()
                };
                vec![
                    label,
                    fmt_share(text, finite(Some(p.x))),
                    fmt_share(text, finite(Some(p.y))),
                ]
            })
            .collect(),
    };

    let frame = Frame {
        id: &id,
        kind: super::ChartKind::Scatter,
        title: &title,
        desc: &desc,
        style: None,
    };
    let svg = if points.is_empty() {
        message_svg((width as u32, 160), &frame, &text.no_data)
    } else {
        let bottom = TOP + PLOT_H;
        let height = bottom + 64;
        render((width as u32, height as u32), &frame, &text.no_data, |area| {
            let x = Scale::new(0.0, 1.0, LEFT, right);
            let y = Scale::new(0.0, 1.0, bottom, TOP);
            canvas::y_grid(area, LEFT, right, y, &percent_ticks(lang))?;
            let tick = anchored(font(SMALL), HPos::Center, VPos::Top);
            for (v, label) in percent_ticks(lang) {
                let px = x.px(v);
                area.draw(&PathElement::new(
                    vec![(px, TOP), (px, bottom)],
                    ShapeStyle::from(&GRID).stroke_width(1),
                ))?;
                area.draw(&Text::new(label, (px, bottom + 6), tick.clone()))?;
            }
            // Axis names: x under the ticks, y along the top of the axis.
            area.draw(&Text::new(
                text.cr_axis.as_str(),
                ((LEFT + right) / 2, bottom + 24),
                anchored(bold(SMALL), HPos::Center, VPos::Top),
            ))?;
            area.draw(&Text::new(
                text.win_rate_axis.as_str(),
                (LEFT + 6, TOP + 4),
                anchored(bold(SMALL), HPos::Left, VPos::Top),
            ))?;
            for (_, px, py) in &points {
                let c = (x.px(*px), y.px(*py));
                area.draw(&Circle::new(c, 5, BLUE.mix(0.35).filled()))?;
                area.draw(&Circle::new(c, 5, ShapeStyle::from(&BLUE).stroke_width(1)))?;
            }
            // ρ and n, and the caution, in the corner under the plot.
            area.draw(&Text::new(
                stats.as_str(),
                (right, bottom + 24),
                anchored(bold(SMALL), HPos::Right, VPos::Top),
            ))?;
            area.draw(&Text::new(
                text.correlation_note.as_str(),
                (right, bottom + 42),
                anchored(font(SMALL), HPos::Right, VPos::Top).color(&MUTED),
            ))?;
            Ok(())
        })
    };

    Chart {
        id,
        kind: super::ChartKind::Scatter,
        svg,
        svg_narrow: None,
        title,
        desc,
        sentence,
        table,
        table_summary: text.show_numbers.clone(),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::charts::tests_support::*;

    pub(crate) fn sample() -> ScatterInput {
        let pts = [
            (0.2, 0.25),
            (0.35, 0.3),
            (0.5, 0.45),
            (0.55, 0.4),
            (0.7, 0.55),
            (0.8, 0.5),
            (0.9, 0.7),
            (0.9, 0.7),
            (1.0, 0.6),
        ];
        ScatterInput {
            id: "lead-lag".into(),
            title: "Consistency and win rate, March 2026".into(),
            points: pts
                .iter()
                .map(|(x, y)| ScatterPoint {
                    label: String::new(),
                    x: *x,
                    y: *y,
                })
                .collect(),
            rho: Some(0.8916),
            n: 9,
        }
    }

    #[test]
    fn rho_n_and_caution() {
        let c = scatter(&sample(), &ChartText::dutch());
        assert_well_formed(&c);
        assert_eq!(c.title, "Consistency and win rate, March 2026 (ρ = 0,89, n = 9)");
        assert!(c.svg.contains("ρ = 0,89, n = 9"));
        assert!(c.svg.contains("Samenhang, geen bewijs van oorzaak"));
        assert!(c.desc.contains("0,89"));
        assert!(c.sentence.contains("Samenhang, geen bewijs van oorzaak"));
        assert_eq!(c.table.rows[0], ["1", "20%", "25%"]);
    }

    #[test]
    fn deterministic_empty_and_too_few() {
        let t = ChartText::english();
        assert_eq!(scatter(&sample(), &t), scatter(&sample(), &t));
        let empty = scatter(&ScatterInput::default(), &t);
        assert_well_formed(&empty);
        let few = ScatterInput {
            points: vec![ScatterPoint {
                label: "p1".into(),
                x: f64::NAN,
                y: 0.5,
            }],
            rho: Some(f64::NAN),
            n: 1,
            ..ScatterInput::default()
        };
        let c = scatter(&few, &t);
        assert_well_formed(&c);
        assert_eq!(c.sentence, "Too few people (1) to compare consistency with win rate.");
        assert_eq!(c.table.rows[0], ["p1", "–", "50%"]);
    }

    #[test]
    #[ignore = "writes a preview file; run by hand"]
    fn preview_html() {
        let html = crate::charts::render_html(&scatter(&sample(), &ChartText::english()));
        preview("scatter", &html);
    }
}
