//! Coaching per month as two small panels, one above the other, each with
//! its own labelled scale: the share of reps coached (0–100 %), and minutes
//! of coaching per rep against the minutes target (dashed). Two measures on
//! one plot made the minutes target read as a percentage goal. In a month
//! that is not over, the target is prorated by the weeks that have passed,
//! so a month in progress never looks like a drop.

use plotters::prelude::{Color, PathElement, RGBColor, Rectangle, ShapeStyle, Text};
use plotters::style::text_anchor::{HPos, VPos};

use super::canvas::{self, *};
use super::trend::fmt_share;
use super::{Chart, ChartText, Table, fill, month_long};
use crate::locale;

/// One month of coaching.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CoverageMonth {
    /// `YYYY-MM`.
    pub month: String,
    /// Share of active reps with at least one session (0–1).
    pub coverage: Option<f64>,
    pub minutes_per_rep: Option<f64>,
    /// The share of the month's weeks that have passed, while it is not
    /// over (`None`: a complete month); the target is prorated by it.
    pub passed: Option<f64>,
}

/// Input of [`coverage`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CoverageInput {
    pub id: String,
    pub title: String,
    /// Oldest first.
    pub months: Vec<CoverageMonth>,
    /// `coaching.target_minutes` per rep per month.
    pub target_minutes: Option<f64>,
}

const WIDTH: i32 = 720;
const LEFT: i32 = 52;
const PANEL_H: i32 = 110;
const BAR: RGBColor = BLUE;
const MINUTES: RGBColor = VERMILLION;

/// Draws coaching coverage per month.
pub fn coverage(input: &CoverageInput, text: &ChartText) -> Chart {
    let wide = coverage_at(input, text, WIDTH, true);
    let narrow = coverage_at(input, text, canvas::NARROW, false);
    canvas::with_narrow(wide, narrow)
}

/// The chart drawn `width` units wide; its table only with `table` (the
/// phone drawing lends only its SVG, so its table would be thrown away).
fn coverage_at(input: &CoverageInput, text: &ChartText, width: i32, table: bool) -> Chart {
    let right = width - 60;
    let lang = text.lang;
    let id = sanitize_id(&input.id);
    let minutes_fmt = |m: Option<f64>| match m {
        Some(m) => format!("{} {}", locale::decimal(lang, m, 0), text.minutes_unit),
        None => "–".to_string(),
    };
    let months: Vec<(Option<f64>, Option<f64>)> = input
        .months
        .iter()
        .map(|m| (share(m.coverage), finite(m.minutes_per_rep).map(|v| v.max(0.0))))
        .collect();
    let target = finite(input.target_minutes).filter(|t| *t > 0.0);
    let target_of = |i: usize| {
        let passed = input.months[i]
            .passed
            .and_then(|p| finite(Some(p)))
            .map(|p| p.clamp(0.0, 1.0));
        target.map(|t| t * passed.unwrap_or(1.0))
    };

    let latest = months.iter().rposition(|(c, m)| c.is_some() || m.is_some());
    let sentence = match latest {
        Some(i) => fill(
            &text.sentence_coverage,
            &[
                ("month", &month_long(text, &input.months[i].month)),
                ("coverage", &fmt_share(text, months[i].0)),
                ("minutes", &minutes_fmt(months[i].1)),
                ("target", &minutes_fmt(target_of(i))),
            ],
        ),
        None => text.no_data.clone(),
    };
    let desc = format!("{} {}.", text.desc_coverage, sentence.trim_end_matches('.'));

    let table = Table {
        caption: input.title.clone(),
        headers: vec![
            text.month.clone(),
            text.coverage_axis.clone(),
            text.minutes_axis.clone(),
            text.target.clone(),
        ],
        rows: input
            .months
            .iter()
            .zip(&months)
            .enumerate()
            .filter(|_| table)
            .map(|(i, (m, (c, min)))| {
                vec![
                    month_long(text, &m.month),
                    fmt_share(text, *c),
                    minutes_fmt(*min),
                    minutes_fmt(target_of(i)),
                ]
            })
            .collect(),
    };

    let title = input.title.clone();
    let frame = Frame {
        id: &id,
        kind: super::ChartKind::Coverage,
        title: &title,
        desc: &desc,
        style: None,
    };
    let svg = if latest.is_none() {
        message_svg((width as u32, 160), &frame, &text.no_data)
    } else {
        // Two panels, each with its own title and scale, sharing the months.
        let head = |label: &str| label.to_string();
        let top_a = 10 + 24;
        let bottom_a = top_a + PANEL_H;
        let top_b = bottom_a + 44;
        let bottom_b = top_b + PANEL_H;
        let height = bottom_b + 44;
        render((width as u32, height as u32), &frame, &text.no_data, |area| {
            let n = input.months.len() as i32;
            let slot = (right - LEFT) / n.max(1);
            let bar = (slot * 3 / 5).clamp(6, 80);
            let centres: Vec<i32> = (0..n).map(|i| LEFT + slot * i + slot / 2).collect();
            let title_style = anchored(bold(SMALL), HPos::Left, VPos::Bottom);

            // Panel A: share of reps coached, 0–100 %.
            area.draw(&Text::new(
                head(&format!("{} (%)", text.coverage_axis)),
                (LEFT - 40, top_a - 10),
                title_style.clone(),
            ))?;
            let y = Scale::new(0.0, 1.0, bottom_a, top_a);
            let ticks: Vec<(f64, String)> = percent_ticks(lang)
                .into_iter()
                .step_by(1)
                .filter(|(v, _)| (*v * 100.0).round() as i64 % 50 == 0)
                .collect();
            canvas::y_grid(area, LEFT, right, y, &ticks)?;
            for ((c, _), cx) in months.iter().zip(&centres) {
                if let Some(c) = c {
                    let y0 = y.px(*c);
                    if y0 < bottom_a {
                        area.draw(&Rectangle::new(
                            [(cx - bar / 2, y0), (cx + bar / 2, bottom_a)],
                            BAR.filled(),
                        ))?;
                    }
                }
            }
            area.draw(&PathElement::new(
                vec![(LEFT, bottom_a), (right, bottom_a)],
                ShapeStyle::from(&MUTED).stroke_width(1),
            ))?;

            // Panel B: minutes per rep against the (prorated) target.
            let target_label = target
                .map(|t| format!(" · {} {}", text.target, minutes_fmt(Some(t))))
                .unwrap_or_default();
            area.draw(&Text::new(
                head(&format!("{} ({}){target_label}", text.minutes_axis, text.minutes_unit)),
                (LEFT - 40, top_b - 10),
                title_style,
            ))?;
            let max_min = months.iter().filter_map(|(_, m)| *m).chain(target).fold(0.0, f64::max);
            let (mmax, step) = nice_ticks(max_min * 1.1, 2);
            let ym = Scale::new(0.0, mmax, bottom_b, top_b);
            let mticks: Vec<(f64, String)> = (0..=(mmax / step).round() as i64)
                .map(|k| {
                    let v = k as f64 * step;
                    (v, locale::decimal(lang, v, 0))
                })
                .collect();
            canvas::y_grid(area, LEFT, right, ym, &mticks)?;
            for (i, ((_, m), cx)) in months.iter().zip(&centres).enumerate() {
                if let Some(m) = m {
                    let y0 = ym.px(*m);
                    if y0 < bottom_b {
                        area.draw(&Rectangle::new(
                            [(cx - bar / 2, y0), (cx + bar / 2, bottom_b)],
                            MINUTES.filled(),
                        ))?;
                    }
                }
                if let Some(t) = target_of(i) {
                    let py = ym.px(t);
                    canvas::dashed(area, (cx - slot / 2 + 2, py), (cx + slot / 2 - 2, py), INK, 2)?;
                }
            }
            area.draw(&PathElement::new(
                vec![(LEFT, bottom_b), (right, bottom_b)],
                ShapeStyle::from(&MUTED).stroke_width(1),
            ))?;
            let keys: Vec<String> = input.months.iter().map(|m| m.month.clone()).collect();
            canvas::month_axis(area, text, &keys, &centres, slot, bottom_b + 6)?;
            Ok(())
        })
    };

    Chart {
        id,
        kind: super::ChartKind::Coverage,
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

    pub(crate) fn sample() -> CoverageInput {
        let m = |month: &str, c: Option<f64>, min: Option<f64>| CoverageMonth {
            month: month.into(),
            coverage: c,
            minutes_per_rep: min,
            passed: None,
        };
        CoverageInput {
            id: "coaching-noord".into(),
            title: "Coaching, Team Noord".into(),
            months: vec![
                m("2026-01", Some(0.4), Some(60.0)),
                m("2026-02", Some(0.55), Some(95.0)),
                m("2026-03", None, None),
                m("2026-04", Some(0.8), Some(150.0)),
                m("2026-05", Some(0.9), Some(205.5)),
                m("2026-06", Some(1.0), Some(190.0)),
            ],
            target_minutes: Some(180.0),
        }
    }

    #[test]
    fn bars_minutes_and_target() {
        let c = coverage(&sample(), &ChartText::english());
        assert_well_formed(&c);
        for word in [
            "Reps coached",
            "Minutes per rep",
            "Target 180 min",
            "Reps coached (%)",
            "Minutes per rep (min)",
            "January",
            "June",
            "200",
        ] {
            assert!(c.svg.contains(word), "{word}");
        }
        assert_eq!(
            c.sentence,
            "June 2026: 100% of reps coached, 190 min per rep (target 180 min)"
        );
        assert_eq!(c.table.rows[2], ["March 2026", "–", "–", "180 min"]);
        let nl = coverage(&sample(), &ChartText::dutch());
        assert_eq!(nl.table.rows[4][2], "206 min");
    }

    #[test]
    fn a_month_in_progress_is_measured_against_a_prorated_target() {
        let mut input = sample();
        input.months[5].passed = Some(0.5);
        let c = coverage(&input, &ChartText::english());
        assert_eq!(c.table.rows[5][3], "90 min");
        assert!(c.sentence.ends_with("(target 90 min)"), "{}", c.sentence);
        assert_eq!(c.table.rows[4][3], "180 min");
    }

    #[test]
    fn deterministic_and_empty() {
        let t = ChartText::english();
        assert_eq!(coverage(&sample(), &t), coverage(&sample(), &t));
        let empty = coverage(&CoverageInput::default(), &t);
        assert_well_formed(&empty);
        let undefined = CoverageInput {
            months: vec![CoverageMonth {
                month: "2026-01".into(),
                coverage: Some(f64::NAN),
                minutes_per_rep: Some(f64::INFINITY),
                passed: None,
            }],
            target_minutes: Some(f64::NAN),
            ..CoverageInput::default()
        };
        let c = coverage(&undefined, &t);
        assert_well_formed(&c);
        assert_eq!(c.sentence, "No data yet");
    }

    #[test]
    #[ignore = "writes a preview file; run by hand"]
    fn preview_html() {
        let html = crate::charts::render_html(&coverage(&sample(), &ChartText::dutch()));
        preview("coverage", &html);
    }
}
