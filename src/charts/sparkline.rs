//! A tiny habit-strength line (0–1) per week, without axes, sized to sit in
//! a line of text or a table cell (its height follows the font size).

use plotters::prelude::{Circle, Color, PathElement, ShapeStyle};

use super::canvas::*;
use super::trend::fmt_share;
use super::{Chart, ChartText, Table, fill, week_short};
use crate::locale;

/// Input of [`sparkline`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SparklineInput {
    pub id: String,
    /// What the line is of, e.g. the behaviour's title.
    pub title: String,
    /// ISO week keys, oldest first.
    pub weeks: super::WeekKeys,
    /// Strength per week (0–1), or undefined.
    pub values: Vec<Option<f64>>,
}

const W: i32 = 120;
const H: i32 = 28;
const STYLE: &str = "height:1.75em;width:auto;vertical-align:middle";

/// Draws a sparkline. The fixed 0–1 scale makes sparklines comparable.
pub fn sparkline(input: &SparklineInput, text: &ChartText) -> Chart {
    sparkline_with(input, text, true)
}

/// The sparkline inline in a table cell ([`super::render_inline`]): its
/// numbers are in the table around it, so its own table is not built (a
/// person page has a sparkline of 104 weeks per behaviour).
pub fn inline_sparkline(input: &SparklineInput, text: &ChartText) -> String {
    super::render_inline(&sparkline_with(input, text, false))
}

fn sparkline_with(input: &SparklineInput, text: &ChartText, table: bool) -> Chart {
    let lang = text.lang;
    let id = sanitize_id(&input.id);
    let n = input.weeks.len();
    let value = |i: usize| share(input.values.get(i).copied().flatten());
    let defined: Vec<usize> = (0..n).filter(|i| value(*i).is_some()).collect();
    let strength = |v: f64| locale::decimal(lang, v, 2);

    let sentence = match (defined.first(), defined.last()) {
        (Some(&a), Some(&b)) => fill(
            &text.sentence_sparkline,
            &[
                ("name", &input.title),
                ("value", &strength(value(b).unwrap_or(0.0))),
                ("from", &strength(value(a).unwrap_or(0.0))),
                ("week", &week_short(text, &input.weeks[a])),
            ],
        ),
        _ => text.no_data.clone(),
    };
    let desc = format!("{} {}.", text.desc_sparkline, sentence.trim_end_matches('.'));
    let table = Table {
        caption: input.title.clone(),
        headers: vec![text.week.clone(), text.strength.clone()],
        rows: (0..n)
            .filter(|_| table)
            .map(|i| {
                vec![
                    input.weeks[i].clone(),
                    value(i).map_or_else(|| fmt_share(text, None), strength),
                ]
            })
            .collect(),
    };

    let title = input.title.clone();
    let frame = Frame {
        id: &id,
        kind: super::ChartKind::Sparkline,
        title: &title,
        desc: &desc,
        style: Some(STYLE),
    };
    let svg = render((W as u32, H as u32), &frame, &text.no_data, |area| {
        let x = Scale::new(0.0, (n.max(2) - 1) as f64, 4, W - 5);
        let y = Scale::new(0.0, 1.0, H - 4, 4);
        // A faint baseline at zero so that an all-zero line still reads.
        area.draw(&PathElement::new(
            vec![(2, H - 4), (W - 2, H - 4)],
            ShapeStyle::from(&GRID).stroke_width(1),
        ))?;
        let style = ShapeStyle::from(&BLUE).stroke_width(2);
        let mut run: Vec<(i32, i32)> = Vec::new();
        for i in 0..=n {
            match (i < n).then(|| value(i)).flatten() {
                Some(v) => run.push((x.px(i as f64), y.px(v))),
                None => {
                    if run.len() > 1 {
                        area.draw(&PathElement::new(std::mem::take(&mut run), style))?;
                    }
                    run.clear();
                }
            }
        }
        if let Some(&b) = defined.last() {
            let px = if n == 1 { W / 2 } else { x.px(b as f64) };
            area.draw(&Circle::new((px, y.px(value(b).unwrap_or(0.0))), 3, BLUE.filled()))?;
        }
        Ok(())
    });

    Chart {
        id,
        kind: super::ChartKind::Sparkline,
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

    pub(crate) fn sample(i: usize) -> SparklineInput {
        let weeks: super::super::WeekKeys = (1..=13).map(|w| format!("2026-W{w:02}")).collect();
        let mut s = 0.0;
        let values = (0..13)
            .map(|w| {
                let x = if (w + i).is_multiple_of(4) { 0.0 } else { 1.0 };
                s = s * 0.707 + x * 0.293;
                (w != 5).then_some(s)
            })
            .collect();
        SparklineInput {
            id: format!("strength-{i}"),
            title: "Tijdig opvolgen".into(),
            weeks,
            values,
        }
    }

    #[test]
    fn small_line_with_sentence() {
        let c = sparkline(&sample(0), &ChartText::dutch());
        assert_well_formed(&c);
        assert!(c.svg.contains("viewBox=\"0 0 120 28\""));
        assert!(c.svg.contains("style=\"height:1.75em"));
        assert!(c.svg.contains("<polyline"));
        assert!(!c.svg.contains("<text"), "no axes or labels");
        assert!(
            c.sentence.starts_with("Tijdig opvolgen: gewoontesterkte 0,"),
            "{}",
            c.sentence
        );
        assert!(c.sentence.ends_with("(was 0,00 in W1)"), "{}", c.sentence);
        assert_eq!(c.table.rows[5], ["2026-W06", "–"]);
    }

    #[test]
    fn deterministic_and_empty() {
        let t = ChartText::english();
        assert_eq!(sparkline(&sample(1), &t), sparkline(&sample(1), &t));
        let empty = sparkline(&SparklineInput::default(), &t);
        assert_well_formed(&empty);
        assert_eq!(empty.sentence, "No data yet");
        let undefined = SparklineInput {
            weeks: vec!["2026-W01".into()].into(),
            values: vec![Some(f64::NAN)],
            ..SparklineInput::default()
        };
        assert_well_formed(&sparkline(&undefined, &t));
    }

    #[test]
    #[ignore = "timing and preview; run by hand"]
    fn preview_html() {
        let t = ChartText::english();
        let inputs: Vec<SparklineInput> = (0..100).map(sample).collect();
        let mut times: Vec<std::time::Duration> = (0..10)
            .map(|_| {
                let start = std::time::Instant::now();
                for i in &inputs {
                    sparkline(i, &t);
                }
                start.elapsed()
            })
            .collect();
        times.sort();
        eprintln!("100 sparklines: min {:?}, median {:?}", times[0], times[5]);
        let charts: Vec<Chart> = inputs.iter().map(|i| sparkline(i, &t)).collect();
        let rows: String = charts
            .iter()
            .take(4)
            .map(|c| format!("<p>{} {} — {}</p>\n", c.title, c.svg, c.sentence))
            .collect();
        preview("sparkline", &rows);
    }
}
