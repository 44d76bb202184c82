//! Consistency rate per behaviour, this month against last month: grouped
//! horizontal bars, so that long behaviour titles get room on the left
//! (wrapped on two lines, then cut with an ellipsis).

use plotters::prelude::{Color, PathElement, Rectangle, ShapeStyle, Text};
use plotters::style::text_anchor::{HPos, VPos};

use super::canvas::{self, *};
use super::trend::fmt_share;
use super::{Chart, ChartText, Table, fill, month_long, month_name_of};
use crate::locale;

/// Input of [`behaviour_bars`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BehaviourBarsInput {
    pub id: String,
    pub title: String,
    /// `YYYY-MM` of the month shown and of the month compared with.
    pub this_month: String,
    pub last_month: String,
    /// In the order to draw, top to bottom.
    pub behaviours: Vec<BehaviourBar>,
}

/// One behaviour's month CR (share 0–1, or undefined).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BehaviourBar {
    pub title: String,
    pub this_month: Option<f64>,
    pub last_month: Option<f64>,
}

const WIDTH: i32 = 720;
const LABEL_W: i32 = 210;
const BAR_H: i32 = 13;
/// Behaviour titles sit beside their bars when the chart is this wide, else
/// above them (on a phone there is no room beside).
const LABELS_BESIDE: i32 = 500;
const LINE_H: i32 = 15;

/// This month's bar, and last month's (lighter, below it).
const THIS: plotters::style::RGBColor = BLUE;
const LAST: plotters::style::RGBColor = SKY;

/// Draws the per-behaviour comparison.
pub fn behaviour_bars(input: &BehaviourBarsInput, text: &ChartText) -> Chart {
    let wide = behaviour_bars_at(input, text, WIDTH, true);
    let narrow = behaviour_bars_at(input, text, canvas::NARROW, false);
    canvas::with_narrow(wide, narrow)
}

/// The chart drawn `width` units wide; its table only with `table` (the
/// phone drawing lends only its SVG, so its table would be thrown away).
fn behaviour_bars_at(input: &BehaviourBarsInput, text: &ChartText, width: i32, table: bool) -> Chart {
    let beside = width >= LABELS_BESIDE;
    let bar_left = if beside { 10 + LABEL_W + 14 } else { 10 };
    let bar_right = width - if beside { 52 } else { 44 };
    let label_w = if beside { LABEL_W } else { width - 20 };
    let lang = text.lang;
    let id = sanitize_id(&input.id);
    let this_label = month_long(text, &input.this_month);
    let last_label = month_long(text, &input.last_month);
    let vals: Vec<(Option<f64>, Option<f64>)> = input
        .behaviours
        .iter()
        .map(|b| (share(b.this_month), share(b.last_month)))
        .collect();

    // The sentence: the biggest change (first of equals), else a single value.
    let biggest = vals
        .iter()
        .enumerate()
        .filter_map(|(i, v)| match v {
            (Some(t), Some(l)) => Some((i, *t, *l)),
            _ => None,
        })
        .fold(None::<(usize, f64, f64)>, |best, cur| match best {
            Some(b) if (b.1 - b.2).abs() >= (cur.1 - cur.2).abs() => Some(b),
            _ => Some(cur),
        });
    let sentence = match biggest {
        Some((i, t, l)) => fill(
            &text.sentence_bars,
            &[
                ("behaviour", &input.behaviours[i].title),
                ("from", &locale::percent(lang, l)),
                ("to", &locale::percent(lang, t)),
                ("change", &locale::points(lang, t - l)),
                ("last_month", &month_name_of(text, &input.last_month)),
                ("this_month", &month_name_of(text, &input.this_month)),
            ],
        ),
        None => match vals.iter().position(|v| v.0.is_some()) {
            Some(i) => fill(
                &text.sentence_bars_single,
                &[
                    ("behaviour", &input.behaviours[i].title),
                    ("value", &fmt_share(text, vals[i].0)),
                    ("this_month", &month_name_of(text, &input.this_month)),
                ],
            ),
            None => text.no_data.clone(),
        },
    };
    let desc = format!("{} {}.", text.desc_bars, sentence.trim_end_matches('.'));

    let table = Table {
        caption: input.title.clone(),
        headers: vec![
            text.behaviour.clone(),
            last_label.clone(),
            this_label.clone(),
            String::from("±"),
        ],
        rows: if !table {
            Vec::new()
        } else {
            input
                .behaviours
                .iter()
                .zip(&vals)
                .map(|(b, (t, l))| {
                    vec![
                        b.title.clone(),
                        fmt_share(text, *l),
                        fmt_share(text, *t),
                        match (t, l) {
                            (Some(t), Some(l)) => locale::points(lang, t - l),
                            _ => "–".to_string(),
                        },
                    ]
                })
                .collect()
        },
    };

    let title = input.title.clone();
    let frame = Frame {
        id: &id,
        kind: super::ChartKind::Bars,
        title: &title,
        desc: &desc,
        style: None,
    };
    let any = vals.iter().any(|(t, l)| t.is_some() || l.is_some());
    let svg = if !any {
        message_svg((width as u32, 160), &frame, &text.no_data)
    } else {
        let legend_labels = vec![this_label.clone(), last_label.clone()];
        let legend_h = canvas::legend_height(bar_left, bar_right, &legend_labels);
        let wrapped: Vec<Vec<String>> = input
            .behaviours
            .iter()
            .map(|b| wrap(&b.title, SMALL, label_w, 2))
            .collect();
        // Above the bars, each title takes the lines it wraps to.
        let above = |lines: &[String]| if beside { 0 } else { lines.len() as i32 * LINE_H + 2 };
        let group_h = 2 * BAR_H + 18;
        let top = 10 + legend_h + 6;
        let groups: Vec<i32> = wrapped
            .iter()
            .scan(top, |y, lines| {
                let g = *y;
                *y += group_h + above(lines);
                Some(g)
            })
            .collect();
        let bottom = top + wrapped.iter().map(|l| group_h + above(l)).sum::<i32>();
        let height = bottom + 26;
        render((width as u32, height as u32), &frame, &text.no_data, |area| {
            let x = Scale::new(0.0, 1.0, bar_left, bar_right);
            // Vertical grid and percentages along the bottom.
            let tick = anchored(font(SMALL), HPos::Center, VPos::Top);
            for (v, label) in percent_ticks(lang) {
                let px = x.px(v);
                area.draw(&PathElement::new(
                    vec![(px, top - 2), (px, bottom)],
                    ShapeStyle::from(&GRID).stroke_width(1),
                ))?;
                area.draw(&Text::new(label, (px, bottom + 6), tick.clone()))?;
            }
            let label_style = if beside {
                anchored(font(SMALL), HPos::Right, VPos::Center)
            } else {
                anchored(font(SMALL), HPos::Left, VPos::Center)
            };
            let value_style = anchored(font(SMALL), HPos::Left, VPos::Center);
            for (((t, l), lines), group) in vals.iter().zip(&wrapped).zip(&groups) {
                let g = group + 8 + above(lines);
                let mid = g + BAR_H;
                let (lx, first) = if beside {
                    (bar_left - 14, mid - (lines.len() as i32 - 1) * LINE_H / 2)
                } else {
                    (bar_left, group + 6 + LINE_H / 2)
                };
                for (k, line) in lines.iter().enumerate() {
                    area.draw(&Text::new(
                        line.as_str(),
                        (lx, first + k as i32 * LINE_H),
                        label_style.clone(),
                    ))?;
                }
                for (row, v, color) in [(0, t, THIS), (1, l, LAST)] {
                    let y0 = g + row * BAR_H;
                    let y1 = y0 + BAR_H - 1;
                    let end = match v {
                        Some(v) => {
                            let px = x.px(*v);
                            if px > bar_left {
                                area.draw(&Rectangle::new([(bar_left, y0), (px, y1)], color.filled()))?;
                            }
                            px
                        }
                        None => bar_left,
                    };
                    area.draw(&Text::new(
                        fmt_share(text, *v),
                        (end + 5, (y0 + y1) / 2),
                        value_style.clone(),
                    ))?;
                }
            }
            area.draw(&PathElement::new(
                vec![(bar_left, top - 2), (bar_left, bottom)],
                ShapeStyle::from(&MUTED).stroke_width(1),
            ))?;
            canvas::legend(area, (bar_left, 10), bar_right, &legend_labels, &|a, i, (sx, sy)| {
                let color = if i == 0 { THIS } else { LAST };
                a.draw(&Rectangle::new([(sx, sy), (sx + 14, sy + 14)], color.filled()))?;
                Ok(())
            })?;
            Ok(())
        })
    };

    Chart {
        id,
        kind: super::ChartKind::Bars,
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

    pub(crate) fn sample() -> BehaviourBarsInput {
        let b = |t: &str, this: Option<f64>, last: Option<f64>| BehaviourBar {
            title: t.into(),
            this_month: this,
            last_month: last,
        };
        BehaviourBarsInput {
            id: "bars-2026-03".into(),
            title: "Consistency per behaviour".into(),
            this_month: "2026-03".into(),
            last_month: "2026-02".into(),
            behaviours: vec![
                b("Tijdig opvolgen", Some(0.71), Some(0.62)),
                b(
                    "Elk klantgesprek voorbereiden met een doel, een vraag en een voorstel voor de volgende stap",
                    Some(0.55),
                    Some(0.58),
                ),
                b("Nieuw", Some(0.2), None),
                b("Pipeline bijwerken", None, None),
                b("Altijd", Some(1.0), Some(0.0)),
            ],
        }
    }

    #[test]
    fn bars_labels_and_sentence() {
        let c = behaviour_bars(&sample(), &ChartText::english());
        assert_well_formed(&c);
        for word in [
            "Tijdig opvolgen",
            "March 2026",
            "February 2026",
            "71%",
            "Pipeline bijwerken",
            "…",
        ] {
            assert!(c.svg.contains(word), "{word}");
        }
        assert_eq!(
            c.sentence,
            "Altijd: 0% → 100% (+100 pp) from February to March, the biggest change"
        );
        assert_eq!(c.table.rows[0], ["Tijdig opvolgen", "62%", "71%", "+9 pp"]);
        assert_eq!(c.table.rows[3][3], "–");
        let nl = behaviour_bars(&sample(), &ChartText::dutch());
        assert!(nl.sentence.contains("van februari naar maart"), "{}", nl.sentence);
        assert!(nl.table.rows[0][3].contains("procentpunt"));
    }

    #[test]
    fn deterministic_and_empty() {
        let t = ChartText::english();
        assert_eq!(behaviour_bars(&sample(), &t), behaviour_bars(&sample(), &t));
        let empty = behaviour_bars(&BehaviourBarsInput::default(), &t);
        assert_well_formed(&empty);
        assert_eq!(empty.sentence, "No data yet");
        let single = BehaviourBarsInput {
            this_month: "2026-03".into(),
            behaviours: vec![BehaviourBar {
                title: "A".into(),
                this_month: Some(0.5),
                last_month: Some(f64::NAN),
            }],
            ..BehaviourBarsInput::default()
        };
        let c = behaviour_bars(&single, &t);
        assert_well_formed(&c);
        assert_eq!(c.sentence, "A: 50% consistent in March");
    }

    #[test]
    #[ignore = "writes a preview file; run by hand"]
    fn preview_html() {
        let html = crate::charts::render_html(&behaviour_bars(&sample(), &ChartText::dutch()));
        preview("bars", &html);
    }

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(behaviour_bars(&sample(), &ChartText::english()).svg);
    }
}
