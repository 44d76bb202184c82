//! The rhythm heatmap: rows (people, behaviours or teams) × weeks.
//!
//! Named and pseudonymous builds show a state per cell; each state differs
//! in shape as well as colour so the chart reads in greyscale print and for
//! colour-blind readers: on target = full dark block, partly = half block,
//! missed = full pale block, skipped = dot, not logged = outline, not
//! active = blank. Aggregate builds show a share per cell (e.g. the share
//! of a team's cells on target) on a light-to-dark sequential scale.

use plotters::prelude::{Circle, Color, PathElement, RGBColor, Rectangle, ShapeStyle, Text};
use plotters::style::text_anchor::{HPos, VPos};

use super::canvas::{self, *};
use super::trend::fmt_share;
use super::{Chart, ChartText, Table, fill, week_short};
use crate::locale;

/// What happened in one cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CellState {
    Hit,
    Partial,
    Miss,
    Skipped,
    NotLogged,
    /// Before start or after end: drawn blank.
    Inactive,
}

/// One row of cells, one per week of the input (missing cells are inactive).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HeatmapRow<C> {
    pub label: String,
    pub cells: Vec<C>,
}

/// States per cell, or shares (0–1, `None` = no figure / suppressed).
#[derive(Debug, Clone, PartialEq)]
pub enum HeatmapData {
    States(Vec<HeatmapRow<CellState>>),
    Shares(Vec<HeatmapRow<Option<f64>>>),
}

impl Default for HeatmapData {
    fn default() -> Self {
        HeatmapData::States(Vec::new())
    }
}

/// Input of [`heatmap`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HeatmapInput {
    pub id: String,
    pub title: String,
    /// Header of the row column in the table: "Person", "Team", "Behaviour".
    pub row_header: String,
    /// ISO week keys, oldest first: the columns.
    pub weeks: super::WeekKeys,
    pub data: HeatmapData,
}

const WIDTH: i32 = 720;
const MAX_LABEL: i32 = 170;

const MISS_FILL: RGBColor = RGBColor(0xF0, 0xC7, 0xA6); // 35 % vermillion on white
const DOT: RGBColor = RGBColor(0x77, 0x77, 0x77);
const OUTLINE: RGBColor = RGBColor(0x88, 0x88, 0x88);
const EDGE: RGBColor = RGBColor(0x5A, 0x86, 0xA6);

/// Draws the heatmap.
pub fn heatmap(input: &HeatmapInput, text: &ChartText) -> Chart {
    let wide = heatmap_at(input, text, WIDTH, true);
    let narrow = heatmap_at(input, text, canvas::NARROW, false);
    canvas::with_narrow(wide, narrow)
}

/// The chart drawn `width` units wide; its table only with `table` (the
/// phone drawing lends only its SVG, so its table would be thrown away).
fn heatmap_at(input: &HeatmapInput, text: &ChartText, width: i32, table: bool) -> Chart {
    let right = width - 10;
    let lang = text.lang;
    let id = sanitize_id(&input.id);
    let n = input.weeks.len();
    let (first, last) = match (input.weeks.first(), input.weeks.last()) {
        (Some(a), Some(b)) => (week_short(text, a), week_short(text, b)),
        _ => (String::new(), String::new()),
    };

    let (labels, sentence, table, has_content): (Vec<&str>, String, Table, bool) = match &input.data {
        HeatmapData::States(rows) => {
            let st = &text.states;
            let mut headers = vec![input.row_header.clone()];
            headers.extend(
                [
                    &st.hit,
                    &st.partial,
                    &st.miss,
                    &st.skipped,
                    &st.not_logged,
                    &text.share_of_hits,
                ]
                .map(|s| s.clone()),
            );
            let (mut hits, mut eligible) = (0usize, 0usize);
            let table_rows: Vec<Vec<String>> = rows
                .iter()
                .map(|r| {
                    let c = counts(&r.cells[..r.cells.len().min(n)]);
                    let e = c[0] + c[1] + c[2] + c[4];
                    hits += c[0];
                    eligible += e;
                    if !table {
                        return Vec::new();
                    }
                    let mut row = vec![r.label.clone()];
                    row.extend([c[0], c[1], c[2], c[3], c[4]].map(|x| x.to_string()));
                    row.push(fmt_share(text, (e > 0).then(|| c[0] as f64 / e as f64)));
                    row
                })
                .collect();
            let sentence = if eligible == 0 {
                text.no_data.clone()
            } else {
                fill(
                    &text.sentence_heatmap,
                    &[
                        ("hits", &hits.to_string()),
                        ("weeks", &eligible.to_string()),
                        ("share", &locale::percent(lang, hits as f64 / eligible as f64)),
                        ("first", &first),
                        ("last", &last),
                    ],
                )
            };
            let any = rows
                .iter()
                .any(|r| r.cells.iter().take(n).any(|c| *c != CellState::Inactive));
            (
                rows.iter().map(|r| r.label.as_str()).collect(),
                sentence,
                Table {
                    caption: input.title.clone(),
                    headers,
                    rows: table_rows,
                },
                any && n > 0,
            )
        }
        HeatmapData::Shares(rows) => {
            let last_key = input.weeks.last().cloned().unwrap_or_default();
            let first_key = input.weeks.first().cloned().unwrap_or_default();
            let headers = vec![input.row_header.clone(), text.average.clone(), first_key, last_key];
            let mut best: Option<(&str, f64)> = None;
            let (mut sum, mut count) = (0.0, 0usize);
            let table_rows: Vec<Vec<String>> = rows
                .iter()
                .map(|r| {
                    let values: Vec<f64> = r.cells.iter().take(n).filter_map(|v| share(*v)).collect();
                    let avg = (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64);
                    sum += values.iter().sum::<f64>();
                    count += values.len();
                    if let Some(a) = avg
                        && best.is_none_or(|(_, b)| a > b)
                    {
                        best = Some((&r.label, a));
                    }
                    if !table {
                        return Vec::new();
                    }
                    let at = |i: usize| share(r.cells.get(i).copied().flatten());
                    vec![
                        r.label.clone(),
                        fmt_share(text, avg),
                        fmt_share(text, at(0)),
                        fmt_share(text, n.checked_sub(1).and_then(at)),
                    ]
                })
                .collect();
            let sentence = match best {
                Some((name, b)) if count > 0 => fill(
                    &text.sentence_heatmap_shares,
                    &[
                        ("average", &locale::percent(lang, sum / count as f64)),
                        ("best", name),
                        ("best_value", &locale::percent(lang, b)),
                        ("first", &first),
                        ("last", &last),
                    ],
                ),
                _ => text.no_data.clone(),
            };
            (
                rows.iter().map(|r| r.label.as_str()).collect(),
                sentence,
                Table {
                    caption: input.title.clone(),
                    headers,
                    rows: table_rows,
                },
                count > 0 && n > 0,
            )
        }
    };

    let desc = format!("{} {}.", text.desc_heatmap, sentence.trim_end_matches('.'));
    let title = input.title.clone();
    let frame = Frame {
        id: &id,
        kind: super::ChartKind::Heatmap,
        title: &title,
        desc: &desc,
        style: None,
    };

    let legend_labels: Vec<String> = match &input.data {
        HeatmapData::States(_) => {
            let st = &text.states;
            [
                &st.hit,
                &st.partial,
                &st.miss,
                &st.skipped,
                &st.not_logged,
                &st.inactive,
            ]
            .map(|s| s.clone())
            .to_vec()
        }
        HeatmapData::Shares(_) => {
            let mut l: Vec<String> = (0..=4).map(|i| locale::percent(lang, i as f64 / 4.0)).collect();
            l[0] = format!("{} {}", text.share_of_hits, l[0]);
            l.push(text.no_value.clone());
            l
        }
    };

    let svg = if !has_content {
        message_svg((width as u32, 160), &frame, &text.no_data)
    } else {
        // Layout: legend, week labels, then one row per label. On a phone
        // the labels get a third of the width.
        let max_label = MAX_LABEL.min(width / 3);
        let label_w = labels
            .iter()
            .map(|l| text_width(l, SMALL))
            .max()
            .unwrap_or(0)
            .min(max_label);
        let left = 8 + label_w + 10;
        let shares = matches!(input.data, HeatmapData::Shares(_));
        let max_cell = if shares { 44 } else { 28 };
        let pitch = ((right - left) / n as i32).clamp(2, max_cell);
        let gap = if pitch >= 8 { 2 } else { i32::from(pitch >= 4) };
        let row_h = if labels.len() > 24 { 16 } else { 20 };
        let legend_h = canvas::legend_height(8, right, &legend_labels);
        let weeks_top = 10 + legend_h + 6;
        let grid_top = weeks_top + 18;
        let height = grid_top + row_h * labels.len() as i32 + 8;
        render((width as u32, height as u32), &frame, &text.no_data, |area| {
            let label_style = anchored(font(SMALL), HPos::Right, VPos::Center);
            for (r, label) in labels.iter().enumerate() {
                let cy = grid_top + r as i32 * row_h + row_h / 2;
                area.draw(&Text::new(
                    truncate(label, SMALL, max_label),
                    (left - 10, cy),
                    label_style.clone(),
                ))?;
            }

            // Week labels above the grid, aligned on the latest week.
            let widest = input
                .weeks
                .iter()
                .map(|w| text_width(&week_short(text, w), SMALL))
                .max()
                .unwrap_or(0);
            let step = ((widest + 8) as f64 / pitch as f64).ceil().max(1.0) as usize;
            let week_style = anchored(font(SMALL), HPos::Center, VPos::Bottom);
            for i in (0..n).rev().step_by(step) {
                let cx = left + i as i32 * pitch + (pitch - gap) / 2;
                area.draw(&Text::new(
                    week_short(text, &input.weeks[i]),
                    (cx, grid_top - 3),
                    week_style.clone(),
                ))?;
            }

            let cell = |r: usize, i: usize| {
                let x0 = left + i as i32 * pitch;
                let y0 = grid_top + r as i32 * row_h + 1;
                (x0, y0, x0 + pitch - gap, y0 + row_h - 3)
            };
            match &input.data {
                HeatmapData::States(rows) => {
                    for (r, row) in rows.iter().enumerate() {
                        for (i, state) in row.cells.iter().take(n).enumerate() {
                            draw_state(area, *state, cell(r, i))?;
                        }
                    }
                }
                HeatmapData::Shares(rows) => {
                    let numbers = pitch - gap >= 34;
                    for (r, row) in rows.iter().enumerate() {
                        for (i, v) in row.cells.iter().take(n).enumerate() {
                            let c = cell(r, i);
                            draw_share(area, share(*v), c)?;
                            if let (true, Some(v)) = (numbers, share(*v)) {
                                let color = canvas::ink_on(ramp(v));
                                let style = anchored(font(SMALL), HPos::Center, VPos::Center).color(&color);
                                area.draw(&Text::new(
                                    locale::percent(lang, v),
                                    ((c.0 + c.2) / 2, (c.1 + c.3) / 2),
                                    style,
                                ))?;
                            }
                        }
                    }
                }
            }

            canvas::legend(area, (8, 10), right, &legend_labels, &|a, i, (x, y)| {
                let c = (x, y, x + 14, y + 14);
                match &input.data {
                    HeatmapData::States(_) => draw_state(a, STATES[i], c),
                    HeatmapData::Shares(_) => draw_share(a, (i < 5).then(|| i as f64 / 4.0), c),
                }
            })?;
            Ok(())
        })
    };

    Chart {
        id,
        kind: super::ChartKind::Heatmap,
        svg,
        svg_narrow: None,
        title,
        desc,
        sentence,
        table,
        table_summary: text.show_numbers.clone(),
    }
}

/// Every state, in legend order.
pub const STATES: [CellState; 6] = [
    CellState::Hit,
    CellState::Partial,
    CellState::Miss,
    CellState::Skipped,
    CellState::NotLogged,
    CellState::Inactive,
];

/// Counts per state in [`STATES`] order.
fn counts(cells: &[CellState]) -> [usize; 6] {
    let mut c = [0; 6];
    for s in cells {
        c[STATES.iter().position(|x| x == s).unwrap_or(5)] += 1;
    }
    c
}

/// One state cell in the box `(x0, y0, x1, y1)`.
fn draw_state(area: &Area, state: CellState, (x0, y0, x1, y1): (i32, i32, i32, i32)) -> Drawn {
    match state {
        CellState::Hit => area.draw(&Rectangle::new([(x0, y0), (x1, y1)], GREEN.filled()))?,
        CellState::Partial => {
            let mid = y0 + (y1 - y0) / 2;
            area.draw(&Rectangle::new([(x0, mid), (x1, y1)], SKY.filled()))?
        }
        CellState::Miss => {
            // The pale fill alone is below 3:1 on paper: a vermillion edge
            // carries the mark.
            area.draw(&Rectangle::new([(x0, y0), (x1, y1)], MISS_FILL.filled()))?;
            area.draw(&Rectangle::new(
                [(x0, y0), (x1 - 1, y1 - 1)],
                ShapeStyle::from(&VERMILLION).stroke_width(1),
            ))?
        }
        CellState::Skipped => {
            let r = ((x1 - x0).min(y1 - y0) / 4).clamp(1, 3);
            area.draw(&Circle::new(((x0 + x1) / 2, (y0 + y1) / 2), r as u32, DOT.filled()))?
        }
        CellState::NotLogged => area.draw(&Rectangle::new(
            [(x0, y0), (x1 - 1, y1 - 1)],
            ShapeStyle::from(&OUTLINE).stroke_width(1),
        ))?,
        // A faint dash: the legend needs a swatch for it, and an empty
        // cell would read as missing data.
        CellState::Inactive => {
            let mid = (y0 + y1) / 2;
            area.draw(&PathElement::new(
                vec![(x0 + 2, mid), (x1 - 2, mid)],
                ShapeStyle::from(&OUTLINE).stroke_width(1),
            ))?
        }
    }
    Ok(())
}

/// One share cell: a sequential blue scale (the palest with a faint edge so
/// that 0 % stays visible on paper), or a struck-through outline for no figure.
fn draw_share(area: &Area, v: Option<f64>, (x0, y0, x1, y1): (i32, i32, i32, i32)) -> Drawn {
    match v {
        Some(v) => {
            area.draw(&Rectangle::new([(x0, y0), (x1, y1)], ramp(v).filled()))?;
            // Pale cells get an edge that keeps 3:1 against the paper.
            if canvas::contrast(ramp(v), PAPER) < 3.0 {
                area.draw(&Rectangle::new(
                    [(x0, y0), (x1 - 1, y1 - 1)],
                    ShapeStyle::from(&EDGE).stroke_width(1),
                ))?;
            }
        }
        None => {
            area.draw(&Rectangle::new(
                [(x0, y0), (x1 - 1, y1 - 1)],
                ShapeStyle::from(&OUTLINE).stroke_width(1),
            ))?;
            area.draw(&PathElement::new(
                vec![(x0, y1 - 1), (x1 - 1, y0)],
                ShapeStyle::from(&OUTLINE).stroke_width(1),
            ))?;
        }
    }
    Ok(())
}

/// Light to dark blue (Okabe–Ito sky blue and blue on the way).
fn ramp(v: f64) -> RGBColor {
    const STOPS: [(f64, [f64; 3]); 3] = [
        (0.0, [0xF0 as f64, 0xF7 as f64, 0xFC as f64]),
        (0.5, [0x56 as f64, 0xB4 as f64, 0xE9 as f64]),
        (1.0, [0x00 as f64, 0x4F as f64, 0x7C as f64]),
    ];
    let v = if v.is_finite() { v.clamp(0.0, 1.0) } else { 0.0 };
    let (a, b) = if v <= 0.5 {
        (STOPS[0], STOPS[1])
    } else {
        (STOPS[1], STOPS[2])
    };
    let t = (v - a.0) / (b.0 - a.0);
    let c = |k: usize| (a.1[k] + (b.1[k] - a.1[k]) * t).round() as u8;
    RGBColor(c(0), c(1), c(2))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::CellState::*;
    use super::*;
    use crate::charts::tests_support::*;

    pub(crate) fn sample() -> HeatmapInput {
        let weeks: super::super::WeekKeys = (5..=16).map(|w| format!("2026-W{w:02}")).collect();
        let row = |label: &str, cells: Vec<CellState>| HeatmapRow {
            label: label.into(),
            cells,
        };
        HeatmapInput {
            id: "rhythm-noord".into(),
            title: "Team Noord: weekly rhythm".into(),
            row_header: "Person".into(),
            weeks,
            data: HeatmapData::States(vec![
                row(
                    "Bram Jansen",
                    vec![Hit, Hit, Partial, Hit, Skipped, Hit, Hit, Hit, Miss, Hit, Hit, Hit],
                ),
                row(
                    "Carla Smit-van den Berg de Groot",
                    vec![
                        Miss, Partial, Partial, NotLogged, Hit, Partial, Hit, Hit, Skipped, Skipped, Hit, Hit,
                    ],
                ),
                row(
                    "Dirk",
                    vec![
                        Inactive, Inactive, Inactive, Miss, Miss, NotLogged, Partial, Hit, Miss, Hit,
                    ],
                ),
            ]),
        }
    }

    pub(crate) fn aggregate() -> HeatmapInput {
        HeatmapInput {
            id: "teams".into(),
            title: "Teams".into(),
            row_header: "Team".into(),
            weeks: (1..=8).map(|w| format!("2026-W{w:02}")).collect(),
            data: HeatmapData::Shares(vec![
                HeatmapRow {
                    label: "Team Noord".into(),
                    cells: vec![
                        Some(0.2),
                        Some(0.35),
                        Some(0.5),
                        Some(0.62),
                        None,
                        Some(0.7),
                        Some(0.81),
                        Some(1.0),
                    ],
                },
                HeatmapRow {
                    label: "Team Zuid".into(),
                    cells: vec![
                        Some(0.0),
                        Some(0.1),
                        Some(f64::NAN),
                        Some(0.3),
                        Some(0.4),
                        Some(0.45),
                        Some(0.5),
                        Some(0.55),
                    ],
                },
            ]),
        }
    }

    #[test]
    fn states_with_legend_and_counts() {
        let c = heatmap(&sample(), &ChartText::english());
        assert_well_formed(&c);
        for word in [
            "on target",
            "partly",
            "missed",
            "skipped",
            "not logged",
            "not active",
            "Bram Jansen",
            "W16",
        ] {
            assert!(c.svg.contains(word), "{word}");
        }
        assert!(c.svg.contains("Carla Smit-van den Berg"), "label kept or truncated");
        assert_eq!(c.table.rows[0], ["Bram Jansen", "9", "1", "1", "1", "0", "82%"]);
        assert_eq!(c.table.rows[2][0], "Dirk");
        // 9 + 5 + 2 hits over 11 + 10 + 7 eligible weeks
        assert_eq!(c.sentence, "16 of 28 weeks on target (57%), W5 to W16");
    }

    #[test]
    fn shares_mode() {
        let c = heatmap(&aggregate(), &ChartText::dutch());
        assert_well_formed(&c);
        assert!(c.svg.contains("Aandeel gehaald 0%"));
        assert!(c.svg.contains("geen cijfer"));
        assert_eq!(c.table.headers, ["Team", "Gemiddeld", "2026-W01", "2026-W08"]);
        assert_eq!(c.table.rows[0], ["Team Noord", "60%", "20%", "100%"]);
        assert!(c.sentence.contains("hoogste: Team Noord (60%)"), "{}", c.sentence);
    }

    #[test]
    fn deterministic_and_empty() {
        let t = ChartText::english();
        assert_eq!(heatmap(&sample(), &t), heatmap(&sample(), &t));
        let empty = heatmap(&HeatmapInput::default(), &t);
        assert_well_formed(&empty);
        assert_eq!(empty.sentence, "No data yet");
        let inactive = HeatmapInput {
            weeks: vec!["2026-W01".into()].into(),
            data: HeatmapData::States(vec![HeatmapRow {
                label: "X".into(),
                cells: vec![Inactive],
            }]),
            ..HeatmapInput::default()
        };
        let c = heatmap(&inactive, &t);
        assert_well_formed(&c);
        assert!(c.svg.contains("No data yet"));
        let undefined = HeatmapInput {
            weeks: vec!["2026-W01".into()].into(),
            data: HeatmapData::Shares(vec![HeatmapRow {
                label: "X".into(),
                cells: vec![Some(f64::NAN)],
            }]),
            ..HeatmapInput::default()
        };
        assert_well_formed(&heatmap(&undefined, &t));
    }

    #[test]
    fn ramp_is_monotone_in_lightness() {
        let lum = |c: RGBColor| 0.2126 * c.0 as f64 + 0.7152 * c.1 as f64 + 0.0722 * c.2 as f64;
        let l: Vec<f64> = (0..=10).map(|i| lum(ramp(i as f64 / 10.0))).collect();
        assert!(l.windows(2).all(|w| w[0] > w[1]));
    }

    /// A large chart, for the timings reported by hand (`--ignored --nocapture`).
    pub(crate) fn big() -> HeatmapInput {
        let weeks: super::super::WeekKeys = (0..104)
            .map(|i| format!("{}-W{:02}", 2025 + i / 52, i % 52 + 1))
            .collect();
        let rows = (0..40)
            .map(|r| HeatmapRow {
                label: format!("Person {r}"),
                cells: (0..104).map(|i| STATES[(r * 7 + i * 3 + i / 5) % 6]).collect(),
            })
            .collect();
        HeatmapInput {
            id: "big".into(),
            title: "Big".into(),
            row_header: "Person".into(),
            weeks,
            data: HeatmapData::States(rows),
        }
    }

    #[test]
    #[ignore = "timing and preview; run by hand"]
    fn preview_html() {
        let t = ChartText::english();
        let big = big();
        let mut times: Vec<std::time::Duration> = (0..10)
            .map(|_| {
                let start = std::time::Instant::now();
                heatmap(&big, &t);
                start.elapsed()
            })
            .collect();
        times.sort();
        let c = heatmap(&big, &t);
        eprintln!(
            "40×104 heatmap: min {:?}, median {:?}, {} bytes",
            times[0],
            times[5],
            c.svg.len()
        );
        let html = [
            crate::charts::render_html(&heatmap(&sample(), &t)),
            crate::charts::render_html(&heatmap(&aggregate(), &t)),
            crate::charts::render_html(&c),
        ]
        .join("\n");
        preview("heatmap", &html);
    }

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(heatmap(&sample(), &ChartText::english()).svg);
    }
}
