//! How many people sit at each consistency level, per month: stacked bars
//! with `consistent` at the base, so the incidental → consistent shift shows
//! as the green growing and the orange shrinking. Counts are written in
//! every segment tall enough to hold them, so the chart reads without colour.

use plotters::prelude::{Color, PathElement, RGBColor, Rectangle, ShapeStyle, Text};
use plotters::style::text_anchor::{HPos, VPos};

use super::canvas::{self, *};
use super::{Chart, ChartText, Table, fill, month_long, month_name_of, parse_month};

/// People per level in one month.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct LevelCounts {
    pub consistent: u32,
    pub developing: u32,
    pub incidental: u32,
    pub absent: u32,
    pub insufficient: u32,
}

impl LevelCounts {
    pub fn total(&self) -> u32 {
        self.consistent + self.developing + self.incidental + self.absent + self.insufficient
    }

    /// In stacking order, base first.
    fn stacked(&self) -> [u32; 5] {
        [
            self.consistent,
            self.developing,
            self.incidental,
            self.absent,
            self.insufficient,
        ]
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct LevelMonth {
    /// `YYYY-MM`.
    pub month: String,
    pub counts: LevelCounts,
    /// Why the month's counts are not shown ("hidden: fewer than 5"): the
    /// month keeps its place as a gap, so that a reader sees it is missing
    /// on purpose.
    pub hidden: Option<String>,
}

/// Input of [`level_stack`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct LevelStackInput {
    pub id: String,
    pub title: String,
    /// Oldest first.
    pub months: Vec<LevelMonth>,
    /// Said after the sentence when a month is hidden ("Not shown: …").
    pub hidden_note: Option<String>,
}

const WIDTH: i32 = 720;
const LEFT: i32 = 52;
const PLOT_H: i32 = 220;
const COLORS: [RGBColor; 5] = [CONSISTENT, DEVELOPING, INCIDENTAL, ABSENT, INSUFFICIENT];

/// Draws the level distribution.
pub fn level_stack(input: &LevelStackInput, text: &ChartText) -> Chart {
    let wide = level_stack_at(input, text, WIDTH, true);
    let narrow = level_stack_at(input, text, canvas::NARROW, false);
    canvas::with_narrow(wide, narrow)
}

/// The chart drawn `width` units wide; its table only with `table` (the
/// phone drawing lends only its SVG, so its table would be thrown away).
fn level_stack_at(input: &LevelStackInput, text: &ChartText, width: i32, table: bool) -> Chart {
    let right = width - 16;
    let id = sanitize_id(&input.id);
    let lv = &text.levels;
    let names = [
        &lv.consistent,
        &lv.developing,
        &lv.incidental,
        &lv.absent,
        &lv.insufficient,
    ];
    // A month in which nobody has a level yet is no starting point: "from
    // 0" would be a change that never happened.
    let with_people: Vec<&LevelMonth> = input
        .months
        .iter()
        .filter(|m| m.hidden.is_none() && m.counts.total() > m.counts.insufficient)
        .collect();

    let sentence = match (with_people.first(), with_people.last()) {
        (Some(a), Some(b)) if with_people.len() > 1 => fill(
            &text.sentence_levels,
            &[
                ("first", &month_in_span(text, &a.month, &b.month)),
                ("last", &month_in_span(text, &b.month, &a.month)),
                ("consistent", &lv.consistent),
                ("c_from", &a.counts.consistent.to_string()),
                ("c_to", &b.counts.consistent.to_string()),
                ("incidental", &lv.incidental),
                ("i_from", &a.counts.incidental.to_string()),
                ("i_to", &b.counts.incidental.to_string()),
            ],
        ),
        (Some(a), _) => fill(
            &text.sentence_levels_single,
            &[
                ("month", &month_long(text, &a.month)),
                ("consistent", &lv.consistent),
                ("count", &a.counts.consistent.to_string()),
                ("total", &a.counts.total().to_string()),
            ],
        ),
        _ => text.no_data.clone(),
    };
    let sentence = match &input.hidden_note {
        Some(note) => format!("{}. {note}", sentence.trim_end_matches('.')),
        None => sentence,
    };
    let desc = format!("{} {}.", text.desc_levels, sentence.trim_end_matches('.'));

    let mut headers = vec![text.month.clone()];
    headers.extend(names.iter().map(|n| n.to_string()));
    headers.push(text.total.clone());
    let table = Table {
        caption: input.title.clone(),
        headers,
        rows: input
            .months
            .iter()
            .filter(|_| table)
            .map(|m| {
                let mut row = vec![month_long(text, &m.month)];
                match &m.hidden {
                    Some(why) => {
                        row.extend(std::iter::repeat_n("–".to_string(), 5));
                        row.push(why.clone());
                    }
                    None => {
                        row.extend(m.counts.stacked().iter().map(|c| c.to_string()));
                        row.push(m.counts.total().to_string());
                    }
                }
                row
            })
            .collect(),
    };

    let title = input.title.clone();
    let frame = Frame {
        id: &id,
        kind: super::ChartKind::Levels,
        title: &title,
        desc: &desc,
        style: None,
    };
    let svg = if with_people.is_empty() {
        message_svg((width as u32, 160), &frame, &text.no_data)
    } else {
        let legend_labels: Vec<String> = names.iter().map(|n| n.to_string()).collect();
        let legend_h = canvas::legend_height(LEFT, right, &legend_labels);
        let top = 10 + legend_h + 10;
        let bottom = top + PLOT_H;
        let height = bottom + 44;
        render((width as u32, height as u32), &frame, &text.no_data, |area| {
            let max = input.months.iter().map(|m| m.counts.total()).max().unwrap_or(1);
            let (ymax, step) = nice_ticks(max as f64, 5);
            let y = Scale::new(0.0, ymax, bottom, top);
            let ticks: Vec<(f64, String)> = (0..=(ymax / step).round() as i64)
                .map(|k| {
                    let v = k as f64 * step;
                    (v, super::locale::decimal(text.lang, v, 0))
                })
                .collect();
            canvas::y_grid(area, LEFT, right, y, &ticks)?;

            let n = input.months.len() as i32;
            let slot = (right - LEFT) / n;
            let bar = (slot * 3 / 5).clamp(6, 80);
            let centres: Vec<i32> = (0..n).map(|i| LEFT + slot * i + slot / 2).collect();
            let count_style = anchored(font(SMALL), HPos::Center, VPos::Center);
            for (m, cx) in input.months.iter().zip(&centres) {
                if let Some(why) = &m.hidden {
                    // A gap that says why, where the bar would stand; read
                    // upwards where the slot is too narrow for the words.
                    let flat = canvas::text_width(why, SMALL) <= slot - 4;
                    let style = if flat {
                        anchored(font(SMALL), HPos::Center, VPos::Bottom)
                    } else {
                        anchored(
                            font(SMALL).transform(plotters::style::FontTransform::Rotate270),
                            HPos::Left,
                            VPos::Center,
                        )
                    };
                    let label = canvas::truncate(why, SMALL, PLOT_H - 8).into_owned();
                    area.draw(&Text::new(label, (*cx, bottom - 4), style.color(&MUTED)))?;
                    continue;
                }
                let mut base = 0u32;
                for (k, count) in m.counts.stacked().into_iter().enumerate() {
                    if count == 0 {
                        continue;
                    }
                    let (y0, y1) = (y.px((base + count) as f64), y.px(base as f64));
                    segment(area, k, (cx - bar / 2, y0), (cx + bar / 2, y1))?;
                    // A white rule between segments keeps them apart in grey print.
                    area.draw(&PathElement::new(
                        vec![(cx - bar / 2, y0), (cx + bar / 2, y0)],
                        ShapeStyle::from(&PAPER).stroke_width(1),
                    ))?;
                    if y1 - y0 >= 15 && bar >= 22 {
                        let ink = canvas::ink_on(COLORS[k]);
                        area.draw(&Text::new(
                            count.to_string(),
                            (*cx, (y0 + y1) / 2),
                            count_style.clone().color(&ink),
                        ))?;
                    }
                    base += count;
                }
            }
            area.draw(&PathElement::new(
                vec![(LEFT, bottom), (right, bottom)],
                ShapeStyle::from(&MUTED).stroke_width(1),
            ))?;
            let keys: Vec<String> = input.months.iter().map(|m| m.month.clone()).collect();
            canvas::month_axis(area, text, &keys, &centres, slot, bottom + 6)?;
            canvas::legend(area, (LEFT, 10), right, &legend_labels, &|a, i, (sx, sy)| {
                segment(a, i, (sx, sy), (sx + 14, sy + 14))
            })?;
            Ok(())
        })
    };

    Chart {
        id,
        kind: super::ChartKind::Levels,
        svg,
        svg_narrow: None,
        title,
        desc,
        sentence,
        table,
        table_summary: text.show_numbers.clone(),
    }
}

/// One level's box; `incidental` is hatched so that it differs from
/// `developing` (of similar lightness) without colour.
fn segment(area: &Area, level: usize, from: (i32, i32), to: (i32, i32)) -> Drawn {
    area.draw(&Rectangle::new([from, to], COLORS[level].filled()))?;
    if level == 2 {
        canvas::hatch(area, from, to, 6)?;
    }
    Ok(())
}

/// `november`, or `november 2025` when the other end lies in another year.
fn month_in_span(text: &ChartText, key: &str, other: &str) -> String {
    match (parse_month(key), parse_month(other)) {
        (Some((y, _)), Some((o, _))) if y == o => month_name_of(text, key),
        _ => month_long(text, key),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::charts::tests_support::*;

    pub(crate) fn sample() -> LevelStackInput {
        let m = |month: &str, c: [u32; 5]| LevelMonth {
            month: month.into(),
            hidden: None,
            counts: LevelCounts {
                consistent: c[0],
                developing: c[1],
                incidental: c[2],
                absent: c[3],
                insufficient: c[4],
            },
        };
        LevelStackInput {
            id: "levels".into(),
            title: "Levels per month".into(),
            months: vec![
                m("2025-11", [1, 3, 8, 2, 4]),
                m("2025-12", [2, 4, 8, 1, 3]),
                m("2026-01", [4, 5, 6, 1, 2]),
                m("2026-02", [5, 6, 5, 1, 1]),
                m("2026-03", [7, 6, 4, 0, 1]),
                m("2026-04", [9, 6, 3, 0, 0]),
            ],
            hidden_note: None,
        }
    }

    #[test]
    fn a_hidden_month_keeps_its_place_and_says_why() {
        let mut input = sample();
        input.months[2].hidden = Some("hidden: fewer than 5".into());
        input.hidden_note = Some("Not shown: January 2026 (fewer than 5 people).".into());
        let c = level_stack(&input, &ChartText::english());
        assert_well_formed(&c);
        assert_eq!(
            c.table.rows[2],
            ["January 2026", "–", "–", "–", "–", "–", "hidden: fewer than 5"]
        );
        assert!(
            c.svg.contains("hidden:") && c.svg.contains("fewer than 5"),
            "the gap says why"
        );
        let narrow = c.svg_narrow.as_deref().expect("a phone drawing");
        assert!(
            narrow.contains("hidden:") && narrow.contains("fewer"),
            "on the phone too"
        );
        assert!(
            c.sentence.ends_with("Not shown: January 2026 (fewer than 5 people)."),
            "{}",
            c.sentence
        );
        assert!(c.desc.contains("Not shown: January 2026"), "{}", c.desc);
    }

    #[test]
    fn stacks_and_sentence() {
        let c = level_stack(&sample(), &ChartText::dutch());
        assert_well_formed(&c);
        for word in [
            "consistent",
            "in ontwikkeling",
            "incidenteel",
            "november",
            "2026",
            "april",
        ] {
            assert!(c.svg.contains(word), "{word}");
        }
        assert_eq!(
            c.sentence,
            "november 2025 → april 2026, aantal mensen: consistent van 1 naar 9, incidenteel van 8 naar 3"
        );
        assert_eq!(c.table.rows[0], ["november 2025", "1", "3", "8", "2", "4", "18"]);
    }

    #[test]
    fn a_month_of_only_insufficient_data_is_no_starting_point() {
        let mut input = sample();
        input.months[0].counts = LevelCounts {
            insufficient: 18,
            ..LevelCounts::default()
        };
        let c = level_stack(&input, &ChartText::dutch());
        assert!(c.sentence.starts_with("december 2025 → april 2026"), "{}", c.sentence);
        assert!(!c.sentence.contains("van 0 naar"), "{}", c.sentence);
    }

    #[test]
    fn deterministic_and_empty() {
        let t = ChartText::english();
        assert_eq!(level_stack(&sample(), &t), level_stack(&sample(), &t));
        let empty = level_stack(&LevelStackInput::default(), &t);
        assert_well_formed(&empty);
        let zero = LevelStackInput {
            months: vec![LevelMonth {
                month: "2026-01".into(),
                counts: LevelCounts::default(),
                hidden: None,
            }],
            ..LevelStackInput::default()
        };
        let c = level_stack(&zero, &t);
        assert_well_formed(&c);
        assert_eq!(c.sentence, "No data yet");
        let one = LevelStackInput {
            months: vec![sample().months[5].clone()],
            ..LevelStackInput::default()
        };
        assert_eq!(level_stack(&one, &t).sentence, "April 2026: 9 of 18 people consistent");
    }

    #[test]
    #[ignore = "writes a preview file; run by hand"]
    fn preview_html() {
        let t = ChartText::english();
        let mut long = sample();
        long.months = (0..14)
            .map(|i| LevelMonth {
                hidden: None,
                month: format!("{}-{:02}", 2025 + (i + 2) / 12, (i + 2) % 12 + 1),
                counts: LevelCounts {
                    consistent: i,
                    developing: 5,
                    incidental: 14 - i,
                    absent: 1,
                    insufficient: 2,
                },
            })
            .collect();
        let html = [
            crate::charts::render_html(&level_stack(&sample(), &t)),
            crate::charts::render_html(&level_stack(&long, &ChartText::dutch())),
        ]
        .join("\n");
        preview("levels", &html);
    }

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(level_stack(&sample(), &ChartText::english()).svg);
    }
}
