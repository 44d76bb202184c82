//! Coaching per month: bars for the share of reps coached (left axis,
//! 0–100 %), and minutes of coaching per rep as a line with diamond marks on
//! the right axis, against the minutes target drawn dashed in the same
//! colour as the minutes line.

use plotters::prelude::{Color, PathElement, Polygon, RGBColor, Rectangle, ShapeStyle, Text};
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
const RIGHT: i32 = WIDTH - 60;
const PLOT_H: i32 = 220;
const BAR: RGBColor = BLUE;
const MINUTES: RGBColor = VERMILLION;

/// Draws coaching coverage per month.
pub fn coverage(input: &CoverageInput, text: &ChartText) -> Chart {
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

    let latest = months.iter().rposition(|(c, m)| c.is_some() || m.is_some());
    let sentence = match latest {
        Some(i) => fill(
            &text.sentence_coverage,
            &[
                ("month", &month_long(text, &input.months[i].month)),
                ("coverage", &fmt_share(text, months[i].0)),
                ("minutes", &minutes_fmt(months[i].1)),
                ("target", &minutes_fmt(target)),
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
            .map(|(m, (c, min))| {
                vec![
                    month_long(text, &m.month),
                    fmt_share(text, *c),
                    minutes_fmt(*min),
                    minutes_fmt(target),
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
        message_svg((WIDTH as u32, 160), &frame, &text.no_data)
    } else {
        let mut legend_labels = vec![text.coverage_axis.clone(), text.minutes_axis.clone()];
        if let Some(t) = target {
            legend_labels.push(format!("{} {}", text.target, minutes_fmt(Some(t))));
        }
        let legend_h = canvas::legend_height(LEFT, RIGHT, &legend_labels);
        let top = 10 + legend_h + 24;
        let bottom = top + PLOT_H;
        let height = bottom + 44;
        render((WIDTH as u32, height as u32), &frame, &text.no_data, |area| {
            let y = Scale::new(0.0, 1.0, bottom, top);
            canvas::y_grid(area, LEFT, RIGHT, y, &percent_ticks(lang))?;
            // Right axis: minutes, from 0 to a round number above target and data.
            let max_min = months.iter().filter_map(|(_, m)| *m).chain(target).fold(0.0, f64::max);
            let (mmax, step) = nice_ticks(max_min * 1.1, 5);
            let ym = Scale::new(0.0, mmax, bottom, top);
            let right_label = anchored(font(SMALL), HPos::Left, VPos::Center);
            for k in 0..=(mmax / step).round() as i64 {
                let v = k as f64 * step;
                area.draw(&Text::new(
                    locale::decimal(lang, v, 0),
                    (RIGHT + 6, ym.px(v)),
                    right_label.clone(),
                ))?;
            }
            // Axis names above each axis.
            area.draw(&Text::new(
                "%",
                (LEFT - 6, top - 8),
                anchored(bold(SMALL), HPos::Right, VPos::Bottom),
            ))?;
            area.draw(&Text::new(
                text.minutes_unit.as_str(),
                (RIGHT + 6, top - 8),
                anchored(bold(SMALL), HPos::Left, VPos::Bottom),
            ))?;

            let n = input.months.len() as i32;
            let slot = (RIGHT - LEFT) / n;
            let bar = (slot * 3 / 5).clamp(6, 80);
            let centres: Vec<i32> = (0..n).map(|i| LEFT + slot * i + slot / 2).collect();
            for ((c, _), cx) in months.iter().zip(&centres) {
                if let Some(c) = c {
                    let y0 = y.px(*c);
                    if y0 < bottom {
                        area.draw(&Rectangle::new(
                            [(cx - bar / 2, y0), (cx + bar / 2, bottom)],
                            BAR.filled(),
                        ))?;
                    }
                }
            }
            area.draw(&PathElement::new(
                vec![(LEFT, bottom), (RIGHT, bottom)],
                ShapeStyle::from(&MUTED).stroke_width(1),
            ))?;
            if let Some(t) = target {
                let py = ym.px(t);
                canvas::dashed(area, (LEFT, py), (RIGHT, py), MINUTES, 2)?;
            }
            // Minutes: a line through the defined months, breaking at gaps.
            let mut run: Vec<(i32, i32)> = Vec::new();
            let style = ShapeStyle::from(&MINUTES).stroke_width(2);
            let ends = std::iter::once((None, 0));
            for (m, cx) in months.iter().map(|(_, m)| *m).zip(centres.iter().copied()).chain(ends) {
                match m {
                    Some(m) => run.push((cx, ym.px(m))),
                    None => {
                        if run.len() > 1 {
                            area.draw(&PathElement::new(std::mem::take(&mut run), style))?;
                        }
                        run.clear();
                    }
                }
            }
            for ((_, m), cx) in months.iter().zip(&centres) {
                if let Some(m) = m {
                    diamond(area, (*cx, ym.px(*m)))?;
                }
            }
            let keys: Vec<String> = input.months.iter().map(|m| m.month.clone()).collect();
            canvas::month_axis(area, text, &keys, &centres, slot, bottom + 6)?;
            canvas::legend(area, (LEFT, 10), RIGHT, &legend_labels, &|a, i, (sx, sy)| {
                match i {
                    0 => {
                        a.draw(&Rectangle::new([(sx, sy), (sx + 14, sy + 14)], BAR.filled()))?;
                    }
                    1 => {
                        a.draw(&PathElement::new(
                            vec![(sx - 2, sy + 7), (sx + 16, sy + 7)],
                            ShapeStyle::from(&MINUTES).stroke_width(2),
                        ))?;
                        diamond(a, (sx + 7, sy + 7))?;
                    }
                    _ => canvas::dashed(a, (sx - 2, sy + 7), (sx + 18, sy + 7), MINUTES, 2)?,
                }
                Ok(())
            })?;
            Ok(())
        })
    };

    Chart {
        id,
        kind: super::ChartKind::Coverage,
        svg,
        title,
        desc,
        sentence,
        table,
        table_summary: text.show_numbers.clone(),
    }
}

fn diamond(area: &Area, (x, y): (i32, i32)) -> Drawn {
    area.draw(&Polygon::new(
        vec![(x, y - 6), (x + 6, y), (x, y + 6), (x - 6, y)],
        MINUTES.filled(),
    ))?;
    area.draw(&PathElement::new(
        vec![(x, y - 6), (x + 6, y), (x, y + 6), (x - 6, y), (x, y - 6)],
        ShapeStyle::from(&PAPER).stroke_width(1),
    ))?;
    Ok(())
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
