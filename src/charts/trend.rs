//! Consistency rate over weeks: one line per series (teams, a behaviour, a
//! comparison group), 0–100 %, an optional dashed goal line and numbered
//! story markers keyed below the chart.

use plotters::prelude::{Circle, PathElement, Polygon, RGBColor, Rectangle, ShapeStyle, Text};
use plotters::style::text_anchor::{HPos, VPos};

use super::canvas::{self, *};
use super::{Chart, ChartText, Table, fill, week_month, week_short};
use crate::locale;

/// Input of [`trend`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TrendInput {
    /// Caller's chart id (unique on the page).
    pub id: String,
    pub title: String,
    /// ISO week keys `YYYY-Www`, oldest first: the x axis.
    pub weeks: super::WeekKeys,
    /// The first series is the one the sentence speaks of.
    pub series: Vec<TrendSeries>,
    /// Goal as a share (0–1), drawn dashed.
    pub goal: Option<f64>,
    pub markers: Vec<StoryMarker>,
}

/// One line: a value (share 0–1, or undefined) per week of the input.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TrendSeries {
    /// The line's colour; `None`: the palette in series order.
    pub colour: Option<SeriesColour>,
    pub name: String,
    pub values: Vec<Option<f64>>,
}

/// Which colour a line gets: the same for a team on every chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SeriesColour {
    /// "All teams": always the same dark line.
    AllTeams,
    /// A place in the palette (a team's place in team order).
    Palette(usize),
    /// A colour of the team's own (`colour` in the team data).
    Rgb(u8, u8, u8),
}

fn series_rgb(s: &TrendSeries, i: usize) -> RGBColor {
    match s.colour {
        None => SERIES[i % SERIES.len()],
        Some(SeriesColour::AllTeams) => INK,
        // The palette's last entry is black: kept for "all teams".
        Some(SeriesColour::Palette(k)) => SERIES[k % (SERIES.len() - 1)],
        Some(SeriesColour::Rgb(r, g, b)) => RGBColor(r, g, b),
    }
}

/// A story placed on the timeline.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct StoryMarker {
    /// ISO week key; a week outside the chart is listed in the table only.
    pub week: String,
    /// A short label, e.g. the story's title.
    pub label: String,
}

const WIDTH: i32 = 720;
const PLOT_H: i32 = 230;
const LEFT: i32 = 52;

/// Draws the trend chart.
pub fn trend(input: &TrendInput, text: &ChartText) -> Chart {
    let wide = trend_at(input, text, WIDTH, true);
    let narrow = trend_at(input, text, canvas::NARROW, false);
    canvas::with_narrow(wide, narrow)
}

/// The chart drawn `width` units wide; its table only with `table` (the
/// phone drawing lends only its SVG, so its table would be thrown away).
fn trend_at(input: &TrendInput, text: &ChartText, width: i32, table: bool) -> Chart {
    let right = width - 18;
    let lang = text.lang;
    let id = sanitize_id(&input.id);
    let n = input.weeks.len();
    let value = |s: &TrendSeries, i: usize| share(s.values.get(i).copied().flatten());
    let goal = share(input.goal);

    // Markers in week order (stable for equal weeks), numbered from 1.
    let mut markers: Vec<(Option<usize>, &StoryMarker)> = input
        .markers
        .iter()
        .map(|m| (input.weeks.iter().position(|w| *w == m.week), m))
        .collect();
    markers.sort_by(|a, b| a.0.unwrap_or(usize::MAX).cmp(&b.0.unwrap_or(usize::MAX)));

    // The sentence: the first series, first to last defined week.
    let sentence = input
        .series
        .first()
        .and_then(|s| {
            let defined: Vec<usize> = (0..n).filter(|i| value(s, *i).is_some()).collect();
            let (&a, &b) = (defined.first()?, defined.last()?);
            let pct = |i| locale::percent(lang, value(s, i).unwrap_or(0.0));
            Some(if a == b {
                fill(
                    &text.sentence_trend_single,
                    &[
                        ("name", &s.name),
                        ("value", &pct(a)),
                        ("week", &week_short(text, &input.weeks[a])),
                    ],
                )
            } else {
                fill(
                    &text.sentence_trend,
                    &[
                        ("name", &s.name),
                        ("from", &pct(a)),
                        ("to", &pct(b)),
                        ("since", &since(text, &input.weeks[a], &input.weeks[b])),
                    ],
                )
            })
        })
        .unwrap_or_else(|| text.no_data.clone());
    // With several teams, the sentence also names the highest and the
    // lowest at their latest week, not only the first line.
    let mut latest: Vec<(&str, f64)> = input
        .series
        .iter()
        .filter(|s| s.colour != Some(SeriesColour::AllTeams))
        .filter_map(|s| Some((s.name.as_str(), (0..n).rev().find_map(|i| value(s, i))?)))
        .collect();
    latest.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    let sentence = match latest.as_slice() {
        [(lead, lv), .., (lag, gv)] if latest.len() >= 2 => format!(
            "{}. {}",
            sentence.trim_end_matches('.'),
            fill(
                &text.sentence_trend_spread,
                &[
                    ("leader", lead),
                    ("lv", &locale::percent(lang, *lv)),
                    ("laggard", lag),
                    ("gv", &locale::percent(lang, *gv)),
                ],
            )
        ),
        _ => sentence,
    };

    let mut desc = format!("{} {}.", text.desc_trend, sentence.trim_end_matches('.'));
    if let Some(g) = goal {
        desc.push_str(&format!(" {}: {}.", text.goal, locale::percent(lang, g)));
    }

    // Table: one row per week.
    let mut headers = vec![text.week.clone()];
    headers.extend(input.series.iter().map(|s| s.name.clone()));
    if goal.is_some() {
        headers.push(text.goal.clone());
    }
    if !markers.is_empty() {
        headers.push(text.story.clone());
    }
    let mut rows: Vec<Vec<String>> = (0..n)
        .filter(|_| table)
        .map(|i| {
            let mut row = vec![input.weeks[i].clone()];
            row.extend(input.series.iter().map(|s| fmt_share(text, value(s, i))));
            if let Some(g) = goal {
                row.push(locale::percent(lang, g));
            }
            if !markers.is_empty() {
                let here: Vec<String> = markers
                    .iter()
                    .enumerate()
                    .filter(|(_, (w, _))| *w == Some(i))
                    .map(|(k, (_, m))| format!("{}. {}", k + 1, m.label))
                    .collect();
                row.push(here.join("; "));
            }
            row
        })
        .collect();
    // Stories outside the chart's weeks still belong in the table.
    for (k, (w, m)) in markers.iter().enumerate().filter(|_| table) {
        if w.is_none() {
            let mut row = vec![m.week.clone()];
            row.extend(input.series.iter().map(|_| "–".to_string()));
            if goal.is_some() {
                row.push(String::new());
            }
            row.push(format!("{}. {}", k + 1, m.label));
            rows.push(row);
        }
    }
    let table = Table {
        caption: input.title.clone(),
        headers,
        rows,
    };

    let any_value = input.series.iter().any(|s| (0..n).any(|i| value(s, i).is_some()));

    // Layout, top to bottom: legend, plot, week labels, story key.
    let mut legend_labels: Vec<String> = input.series.iter().map(|s| s.name.clone()).collect();
    if let Some(g) = goal {
        legend_labels.push(format!("{} {}", text.goal, locale::percent(lang, g)));
    }
    // The key lists the drawn markers (those in the chart's weeks come first).
    let key_labels: Vec<String> = markers
        .iter()
        .filter_map(|(w, m)| Some(format!("{} {}", week_short(text, &input.weeks[(*w)?]), m.label)))
        .collect();
    let legend_h = canvas::legend_height(LEFT, right, &legend_labels);
    let top = 10 + legend_h + 8 + if markers.is_empty() { 0 } else { 14 };
    let bottom = top + PLOT_H;
    let key_top = bottom + 44;
    let key_h = if key_labels.is_empty() {
        0
    } else {
        canvas::legend_height(LEFT, right, &key_labels)
    };
    let height = (key_top + key_h + 4).max(bottom + 40);
    let size = (width as u32, height as u32);

    let title = input.title.clone();
    let frame = Frame {
        id: &id,
        kind: super::ChartKind::Trend,
        title: &title,
        desc: &desc,
        style: None,
    };
    let svg = if n == 0 || !any_value {
        message_svg((width as u32, 200), &frame, &text.no_data)
    } else {
        render(size, &frame, &text.no_data, |area| {
            let y = Scale::new(0.0, 1.0, bottom, top);
            let pad = if n == 1 { (right - LEFT) / 2 } else { 12 };
            let x = Scale::new(0.0, (n.max(2) - 1) as f64, LEFT + pad, right - pad);
            canvas::y_grid(area, LEFT, right, y, &percent_ticks(lang))?;

            // Week labels, spaced so they never overlap, aligned on the latest week.
            let widest = input
                .weeks
                .iter()
                .map(|w| text_width(&week_short(text, w), SMALL))
                .max()
                .unwrap_or(0);
            let per_week = if n > 1 {
                (x.px(1.0) - x.px(0.0)).max(1)
            } else {
                right - LEFT
            };
            let step = ((widest + 10) as f64 / per_week as f64).ceil().max(1.0) as usize;
            let label = anchored(font(SMALL), HPos::Center, VPos::Top);
            let ticks: Vec<usize> = (0..n).rev().step_by(step).collect();
            let year = |i: usize| input.weeks[i].get(..4).unwrap_or_default();
            for (k, &i) in ticks.iter().enumerate() {
                let px = x.px(i as f64);
                area.draw(&PathElement::new(
                    vec![(px, bottom), (px, bottom + 4)],
                    ShapeStyle::from(&MUTED).stroke_width(1),
                ))?;
                area.draw(&Text::new(
                    week_short(text, &input.weeks[i]),
                    (px, bottom + 7),
                    label.clone(),
                ))?;
                // The year under the leftmost week and where the year turns.
                let left = ticks.get(k + 1).copied();
                if left.is_none_or(|l| year(l) != year(i)) {
                    area.draw(&Text::new(year(i).to_string(), (px, bottom + 21), label.clone()))?;
                }
            }

            // Story markers: a dashed rule and a numbered badge above the plot.
            // Badges that would touch (stories in the same week, or in weeks
            // close together on a phone) sit side by side.
            let mut last_badge = i32::MIN / 2;
            for (k, (w, _)) in markers.iter().enumerate() {
                if let Some(i) = w {
                    let px = x.px(*i as f64);
                    canvas::dashed(area, (px, top), (px, bottom), MUTED, 1)?;
                    let bx = px.max(last_badge + 18);
                    badge(area, (bx, top - 10), k + 1)?;
                    last_badge = bx;
                }
            }

            if let Some(g) = goal {
                let py = y.px(g);
                canvas::dashed(area, (LEFT, py), (right, py), INK, 2)?;
            }

            for (si, s) in input.series.iter().enumerate() {
                let color = series_rgb(s, si);
                let style = ShapeStyle::from(&color).stroke_width(if si == 0 { 3 } else { 2 });
                // Undefined weeks break the line.
                let mut run: Vec<(i32, i32)> = Vec::new();
                for i in 0..=n {
                    match (i < n).then(|| value(s, i)).flatten() {
                        Some(v) => run.push((x.px(i as f64), y.px(v))),
                        None => {
                            if run.len() > 1 {
                                area.draw(&PathElement::new(std::mem::take(&mut run), style))?;
                            }
                            run.clear();
                        }
                    }
                }
                // Marks: every point on short charts, else isolated and last points.
                let last = (0..n).rev().find(|i| value(s, *i).is_some());
                for i in 0..n {
                    let Some(v) = value(s, i) else { continue };
                    let isolated = (i == 0 || value(s, i - 1).is_none()) && value(s, i + 1).is_none();
                    if n <= 26 || isolated || Some(i) == last {
                        mark(area, si, (x.px(i as f64), y.px(v)), color)?;
                    }
                }
            }

            canvas::legend(area, (LEFT, 10), right, &legend_labels, &|a, i, (sx, sy)| {
                if i < input.series.len() {
                    let color = series_rgb(&input.series[i], i);
                    a.draw(&PathElement::new(
                        vec![(sx, sy + 7), (sx + 14, sy + 7)],
                        ShapeStyle::from(&color).stroke_width(3),
                    ))?;
                    mark(a, i, (sx + 7, sy + 7), color)
                } else {
                    canvas::dashed(a, (sx, sy + 7), (sx + 16, sy + 7), INK, 2)
                }
            })?;

            if !key_labels.is_empty() {
                canvas::legend(area, (LEFT, key_top), right, &key_labels, &|a, i, (sx, sy)| {
                    badge(a, (sx + 7, sy + 7), i + 1)
                })?;
            }
            Ok(())
        })
    };

    Chart {
        id,
        kind: super::ChartKind::Trend,
        svg,
        svg_narrow: None,
        title,
        desc,
        sentence,
        table,
        table_summary: text.show_numbers.clone(),
    }
}

/// `februari`, or `februari 2025` when the span crosses a year.
fn since(text: &ChartText, first: &str, last: &str) -> String {
    match (week_month(first), week_month(last)) {
        (Some((y0, m0)), Some((y1, _))) => {
            let name = locale::month_name(text.lang, m0);
            if y0 == y1 {
                name.to_string()
            } else {
                format!("{name} {y0}")
            }
        }
        _ => first.to_string(),
    }
}

pub(crate) fn fmt_share(text: &ChartText, v: Option<f64>) -> String {
    match v {
        Some(v) => locale::percent(text.lang, v),
        None => "–".to_string(),
    }
}

/// A numbered story badge centred on `c`.
fn badge(area: &Area, c: (i32, i32), n: usize) -> Drawn {
    area.draw(&Circle::new(c, 9, ShapeStyle::from(&INK).filled()))?;
    let style = anchored(bold(SMALL), HPos::Center, VPos::Center).color(&PAPER);
    area.draw(&Text::new(n.to_string(), (c.0, c.1), style))?;
    Ok(())
}

/// Point mark of series `i`: circle, square, triangle, diamond in turn, so
/// that lines differ without colour too.
fn mark(area: &Area, i: usize, (x, y): (i32, i32), color: RGBColor) -> Drawn {
    let fill = ShapeStyle::from(&color).filled();
    match i % 4 {
        0 => area.draw(&Circle::new((x, y), 4, fill))?,
        1 => area.draw(&Rectangle::new([(x - 4, y - 4), (x + 4, y + 4)], fill))?,
        2 => area.draw(&Polygon::new(vec![(x, y - 5), (x + 5, y + 4), (x - 5, y + 4)], fill))?,
        _ => area.draw(&Polygon::new(
            vec![(x, y - 5), (x + 5, y), (x, y + 5), (x - 5, y)],
            fill,
        ))?,
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::charts::tests_support::*;

    pub(crate) fn sample() -> TrendInput {
        let weeks: super::super::WeekKeys = (5..=17).map(|w| format!("2026-W{w:02}")).collect();
        TrendInput {
            id: "trend-noord".into(),
            title: "Team Noord: consistency".into(),
            weeks,
            series: vec![
                TrendSeries {
                    colour: None,
                    name: "Team Noord".into(),
                    values: vec![
                        Some(0.62),
                        Some(0.60),
                        Some(0.64),
                        None,
                        Some(0.66),
                        Some(0.65),
                        Some(0.68),
                        Some(0.70),
                        Some(0.69),
                        Some(0.72),
                        Some(0.70),
                        Some(0.73),
                        Some(0.71),
                    ],
                },
                TrendSeries {
                    colour: None,
                    name: "Team Zuid".into(),
                    values: vec![
                        None,
                        None,
                        Some(0.40),
                        Some(0.45),
                        Some(0.44),
                        Some(0.5),
                        Some(f64::NAN),
                        Some(0.52),
                        Some(0.55),
                        Some(0.58),
                        Some(0.57),
                        Some(0.6),
                        Some(0.61),
                    ],
                },
            ],
            goal: Some(0.8),
            markers: vec![
                StoryMarker {
                    week: "2026-W09".into(),
                    label: "Deal bij Bakker & Zn".into(),
                },
                StoryMarker {
                    week: "2026-W14".into(),
                    label: "Offerte binnen 24 uur".into(),
                },
                StoryMarker {
                    week: "2025-W40".into(),
                    label: "Outside the chart".into(),
                },
            ],
        }
    }

    #[test]
    fn draws_labels_goal_and_sentence() {
        let en = ChartText::english();
        let c = trend(&sample(), &en);
        assert_well_formed(&c);
        assert!(c.svg.contains(">\nW17\n<"), "latest week labelled");
        assert!(c.svg.contains("Team Zuid"));
        assert!(c.svg.contains("Goal 80%"));
        assert!(c.svg.contains("Deal bij Bakker &amp; Zn"));
        // The first line, then the highest and the lowest of the lines.
        assert_eq!(
            c.sentence,
            "Team Noord: 62% → 71% consistent since January. Team Noord is highest at 71%, Team Zuid lowest at 61%."
        );
        assert!(c.svg.contains(">\n2026\n<"), "the year under the weeks");
        assert_eq!(c.table.headers, ["Week", "Team Noord", "Team Zuid", "Goal", "Story"]);
        assert_eq!(c.table.rows.len(), 14);
        assert_eq!(c.table.rows[3][1], "–");
        assert_eq!(c.table.rows[4][4], "1. Deal bij Bakker & Zn");
        assert_eq!(c.table.rows[13][0], "2025-W40");
        let nl = trend(&sample(), &ChartText::dutch());
        assert!(
            nl.sentence
                .starts_with("Team Noord: van 62% naar 71% consistent sinds januari. ")
        );
    }

    #[test]
    fn deterministic() {
        let t = ChartText::english();
        assert_eq!(trend(&sample(), &t), trend(&sample(), &t));
    }

    #[test]
    fn empty_and_undefined() {
        let t = ChartText::english();
        let empty = trend(&TrendInput::default(), &t);
        assert_well_formed(&empty);
        assert!(empty.svg.contains("No data yet"));
        assert_eq!(empty.sentence, "No data yet");
        let undefined = TrendInput {
            weeks: vec!["2026-W01".into(), "2026-W02".into()].into(),
            series: vec![TrendSeries {
                colour: None,
                name: "X".into(),
                values: vec![None, Some(f64::INFINITY)],
            }],
            goal: Some(f64::NAN),
            ..TrendInput::default()
        };
        let c = trend(&undefined, &t);
        assert_well_formed(&c);
        assert!(c.svg.contains("No data yet"));
        assert_eq!(c.table.rows[1][1], "–");
        let single = TrendInput {
            weeks: vec!["2026-W01".into()].into(),
            series: vec![TrendSeries {
                colour: None,
                name: "X".into(),
                values: vec![Some(0.5)],
            }],
            ..TrendInput::default()
        };
        let c = trend(&single, &t);
        assert_well_formed(&c);
        assert_eq!(c.sentence, "X: 50% consistent in W1");
    }

    #[test]
    #[ignore = "writes a preview file; run by hand"]
    fn preview_html() {
        let html = crate::charts::render_html(&trend(&sample(), &ChartText::english()));
        preview("trend", &html);
    }

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(trend(&sample(), &ChartText::english()).svg);
    }
}
