//! Charts: pure drawing of the figures of the README's "Pages" as inline SVG.
//!
//! Each chart function takes its own small input struct (filled by the
//! caller from the metrics) and a [`ChartText`] with the site's words, and
//! returns a [`Chart`]: the SVG, its title and description, the one
//! plain-language sentence shown under it, and a table of the same numbers
//! for screen readers and print. [`render_html`] wraps that into the
//! `<figure>` a page shows. Nothing here reads files or the metrics module,
//! so every chart is testable on a few numbers.
//!
//! Output is deterministic: the same input gives the same bytes (no hash
//! maps, integer pixel coordinates, fixed number formatting).

mod canvas;
mod key;
pub mod shortcode;
mod text;

mod bars;
mod coverage;
mod heatmap;
mod levels;
mod scatter;
mod sparkline;
mod svg;
mod trend;

pub use bars::{BehaviourBar, BehaviourBarsInput, behaviour_bars};
pub use canvas::{escape, sanitize_id};
pub use coverage::{CoverageInput, CoverageMonth, coverage};
pub use heatmap::{CellState, HeatmapData, HeatmapInput, HeatmapRow, STATES as CELL_STATES, heatmap};
pub use key::ChartKey;
pub use levels::{LevelCounts, LevelMonth, LevelStackInput, level_stack};
pub use scatter::{ScatterInput, ScatterPoint, scatter};
pub use sparkline::{SparklineInput, inline_sparkline, sparkline};
pub use text::{ChartText, LevelNames, StateNames, fill};
pub use trend::{SeriesColour, StoryMarker, TrendInput, TrendSeries, trend};

use chrono::{Datelike, NaiveDate, Weekday};

use crate::locale;

/// The week keys (`YYYY-Www`) along a chart's x axis: a window onto one
/// list shared by all the charts of a build. A data-heavy site draws some
/// 20,000 charts over the same 104 weeks; each had its own copy of them.
#[derive(Debug, Clone, Default)]
pub struct WeekKeys {
    all: std::sync::Arc<[String]>,
    from: usize,
}

impl WeekKeys {
    /// The keys from the `from`th on (none when `from` is past the end).
    pub fn window(&self, from: usize) -> WeekKeys {
        WeekKeys {
            all: std::sync::Arc::clone(&self.all),
            from: (self.from + from).min(self.all.len()),
        }
    }
}

impl std::ops::Deref for WeekKeys {
    type Target = [String];
    fn deref(&self) -> &[String] {
        &self.all[self.from..]
    }
}

impl From<Vec<String>> for WeekKeys {
    fn from(keys: Vec<String>) -> Self {
        WeekKeys {
            all: keys.into(),
            from: 0,
        }
    }
}

impl FromIterator<String> for WeekKeys {
    fn from_iter<I: IntoIterator<Item = String>>(keys: I) -> Self {
        keys.into_iter().collect::<Vec<_>>().into()
    }
}

/// Two windows are the same when they show the same keys.
impl PartialEq for WeekKeys {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl std::hash::Hash for WeekKeys {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        (**self).hash(h);
    }
}

/// Every kind of chart ritme draws. A shortcode names one by its key; a
/// `match` over this enum must handle every kind, so a new kind cannot be
/// forgotten (it was a string, and a missing arm silently drew a scatter).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ChartKind {
    Trend,
    Heatmap,
    Bars,
    Levels,
    Coverage,
    Scatter,
    Sparkline,
}

impl ChartKind {
    /// The kinds a `{{ chart(kind=…) }}` shortcode may ask for (a sparkline
    /// only appears inside tables).
    pub const SHORTCODE: [ChartKind; 6] = [
        ChartKind::Trend,
        ChartKind::Heatmap,
        ChartKind::Bars,
        ChartKind::Levels,
        ChartKind::Coverage,
        ChartKind::Scatter,
    ];

    /// The key in shortcodes and the CSS class (`chart-trend`).
    pub fn key(self) -> &'static str {
        match self {
            ChartKind::Trend => "trend",
            ChartKind::Heatmap => "heatmap",
            ChartKind::Bars => "bars",
            ChartKind::Levels => "levels",
            ChartKind::Coverage => "coverage",
            ChartKind::Scatter => "scatter",
            ChartKind::Sparkline => "sparkline",
        }
    }

    /// The shortcode kind with this key.
    pub fn from_shortcode(key: &str) -> Option<ChartKind> {
        ChartKind::SHORTCODE.into_iter().find(|k| k.key() == key)
    }

    /// The arguments a shortcode of this kind takes.
    pub fn arguments(self) -> &'static [&'static str] {
        match self {
            ChartKind::Trend => &["kind", "behaviour", "team"],
            ChartKind::Heatmap | ChartKind::Bars | ChartKind::Coverage => &["kind", "team"],
            ChartKind::Levels => &["kind", "months"],
            ChartKind::Scatter => &["kind", "month"],
            ChartKind::Sparkline => &[],
        }
    }
}

impl std::fmt::Display for ChartKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.key())
    }
}

/// A drawn chart and everything shown with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chart {
    /// The sanitised id of the `<figure>`; the SVG's `<title>` and `<desc>`
    /// ids derive from it.
    pub id: String,
    /// Its kind (the key is also a CSS class).
    pub kind: ChartKind,
    /// The inline `<svg>` element.
    pub svg: String,
    /// The same chart drawn narrower for phones, if it has one: the theme
    /// shows it instead of `svg` in a chart box narrower than 660 px.
    pub svg_narrow: Option<String>,
    pub title: String,
    pub desc: String,
    /// One plain-language sentence of what the chart shows.
    pub sentence: String,
    /// The same numbers as the chart.
    pub table: Table,
    /// Summary of the collapsed `<details>` holding the table.
    pub table_summary: String,
}

/// A plain table: header cells and rows of text (already formatted).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Table {
    pub caption: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// The figure block for a page: the SVG, the sentence as caption, and the
/// numbers in a collapsed table. All text is HTML-escaped.
///
/// The table's `<details>` sits inside the `<figcaption>`: a figure may hold
/// only one caption, first or last, so the details cannot follow it. A
/// chart with a phone drawing carries both SVGs (`chart-wide`,
/// `chart-narrow`); the theme shows one of them by the width of the chart
/// box (a container query), so that chart text stays at 11 px or more on
/// screen without scrolling sideways. A chart with one drawing sits in a box
/// that scrolls sideways on a phone and takes the keyboard focus so that it
/// can be scrolled without a mouse.
pub fn render_html(chart: &Chart) -> String {
    let narrow_len = chart.svg_narrow.as_ref().map_or(0, String::len);
    let mut out = String::with_capacity(chart.svg.len() + narrow_len + 1024);
    out.push_str(&format!(
        "<figure class=\"chart chart-{}\" id=\"{}\">\n",
        chart.kind,
        escape(&chart.id)
    ));
    // Inline SVG in HTML gets its namespace from the parser; leaving the
    // `xmlns` URL out keeps every page free of absolute URLs.
    let inline = |out: &mut String, svg: &str, class: &str| {
        const XMLNS: &str = " xmlns=\"http://www.w3.org/2000/svg\"";
        const CLASS: &str = "class=\"chart-svg ";
        let start = out.len();
        // Both attributes are on the root element: only its tag is
        // rewritten, the drawing is copied once.
        let head_len = svg.find('>').map_or(svg.len(), |i| i + 1);
        let (head, body) = svg.split_at(head_len);
        let (head, body) = if head.contains(XMLNS) && (class.is_empty() || head.contains(CLASS)) {
            (head, body)
        } else {
            (svg, "")
        };
        let head = head.replacen(XMLNS, "", 1);
        if class.is_empty() {
            out.push_str(&head);
        } else {
            out.push_str(&head.replacen(CLASS, &format!("{CLASS}{class} "), 1));
        }
        out.push_str(body);
        if out.len() == start || !out.ends_with('\n') {
            out.push('\n');
        }
    };
    match &chart.svg_narrow {
        Some(narrow) => {
            out.push_str("<div class=\"chart-box\">");
            inline(&mut out, &chart.svg, "chart-wide");
            inline(&mut out, narrow, "chart-narrow");
        }
        None => {
            out.push_str("<div class=\"chart-scroll\" tabindex=\"0\">");
            inline(&mut out, &chart.svg, "");
        }
    }
    out.push_str("</div>\n");
    out.push_str(&format!(
        "<figcaption><span class=\"chart-sentence\">{}</span>\n",
        escape(&chart.sentence)
    ));
    out.push_str(&format!(
        "<details class=\"chart-data\"><summary>{}</summary>\n",
        escape(&chart.table_summary)
    ));
    out.push_str(&render_table(&chart.table));
    out.push_str("</details></figcaption>\n</figure>\n");
    out
}

/// A small chart (a sparkline) inline in a table cell: the SVG alone, with
/// its title and description for screen readers; the numbers are in the
/// table around it.
pub fn render_inline(chart: &Chart) -> String {
    format!(
        "<span class=\"spark chart-{}\" title=\"{}\">{}</span>",
        chart.kind,
        escape(&chart.sentence),
        chart.svg.replacen(" xmlns=\"http://www.w3.org/2000/svg\"", "", 1)
    )
}

/// The table alone (first column as row headers).
pub fn render_table(table: &Table) -> String {
    let mut out = String::from("<table>\n");
    if !table.caption.is_empty() {
        out.push_str(&format!("<caption>{}</caption>\n", escape(&table.caption)));
    }
    out.push_str("<thead><tr>");
    for h in &table.headers {
        out.push_str(&format!("<th scope=\"col\">{}</th>", escape(h)));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in &table.rows {
        out.push_str("<tr>");
        for (i, cell) in row.iter().enumerate() {
            if i == 0 {
                out.push_str(&format!("<th scope=\"row\">{}</th>", escape(cell)));
            } else {
                out.push_str(&format!("<td>{}</td>", escape(cell)));
            }
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
    out
}

/// `(year, week)` of an ISO week key `YYYY-Www`.
pub(crate) fn parse_week(key: &str) -> Option<(i32, u32)> {
    let (y, w) = key.split_once("-W")?;
    let (y, w) = (y.parse().ok()?, w.parse().ok()?);
    NaiveDate::from_isoywd_opt(y, w, Weekday::Mon)?;
    Some((y, w))
}

/// Short axis label of a week: `W10`; the key itself if it is not a week.
pub(crate) fn week_short(text: &ChartText, key: &str) -> String {
    match parse_week(key) {
        Some((_, w)) => format!("{}{w}", text.week_prefix),
        None => key.to_string(),
    }
}

/// The month a week belongs to (the month of its Thursday), as `YYYY-MM`.
pub(crate) fn week_month(key: &str) -> Option<(i32, u32)> {
    let (y, w) = parse_week(key)?;
    let thu = NaiveDate::from_isoywd_opt(y, w, Weekday::Thu)?;
    Some((thu.year(), thu.month()))
}

/// Long month label `maart 2026` of a `YYYY-MM` key.
pub(crate) fn month_long(text: &ChartText, key: &str) -> String {
    locale::month(text.lang, key)
}

/// Month name alone (`maart`) for a `YYYY-MM` key; the key if malformed.
pub(crate) fn month_name_of(text: &ChartText, key: &str) -> String {
    match parse_month(key) {
        Some((_, m)) => locale::month_name(text.lang, m).to_string(),
        None => key.to_string(),
    }
}

pub(crate) fn parse_month(key: &str) -> Option<(i32, u32)> {
    let (y, m) = key.split_once('-')?;
    let (y, m): (i32, u32) = (y.parse().ok()?, m.parse().ok()?);
    (1..=12).contains(&m).then_some((y, m))
}

#[cfg(test)]
pub(crate) mod tests_support {
    use super::Chart;

    /// Writes `html` into `$RITME_PREVIEW/NAME.html` (for screenshots) when set.
    pub fn preview(name: &str, html: &str) {
        let Ok(dir) = std::env::var("RITME_PREVIEW") else {
            return;
        };
        let page = format!(
            "<!doctype html><meta charset=utf-8><style>@font-face{{font-family:'DejaVu Sans';src:url('{font}')}}\
             body{{font-family:'DejaVu Sans';max-width:760px;margin:1rem auto}}svg{{max-width:100%;height:auto}}</style>{html}",
            font = concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/themes/default/static/fonts/DejaVuSans.ttf"
            )
        );
        std::fs::write(format!("{dir}/{name}.html"), page).unwrap();
    }

    /// What every chart must carry, whatever its data.
    pub fn assert_well_formed(c: &Chart) {
        let svg = &c.svg;
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 "));
        let root = &svg[..svg.find('>').unwrap()];
        assert!(root.contains("role=\"img\""));
        assert!(!root.contains(" width=") && !root.contains(" height="), "{root}");
        assert!(root.contains(&format!("aria-labelledby=\"{0}-title {0}-desc\"", c.id)));
        let after_root = &svg[root.len() + 2..];
        assert!(after_root.starts_with(&format!("<title id=\"{}-title\">", c.id)));
        assert!(svg.contains(&format!("<desc id=\"{}-desc\">", c.id)));
        assert!(svg.trim_end().ends_with("</svg>"));
        for bad in ["NaN", "\"inf", "-inf", ",inf", "font-family=\"sans-serif\""] {
            assert!(!svg.contains(bad), "{bad} in SVG");
            assert!(!c.sentence.contains(bad) && !c.desc.contains(bad));
        }
        assert!(!c.title.is_empty() || c.svg.contains("<title"));
        assert!(!c.sentence.is_empty());
        assert!(!c.table.headers.is_empty());
        assert!(c.table.rows.iter().all(|r| r.len() == c.table.headers.len()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weeks_and_months() {
        assert_eq!(parse_week("2026-W10"), Some((2026, 10)));
        assert_eq!(parse_week("2026-W54"), None);
        assert_eq!(parse_week("nonsense"), None);
        // 2026-W05 runs Mon 26 Jan – Sun 1 Feb; its Thursday is 29 January.
        assert_eq!(week_month("2026-W05"), Some((2026, 1)));
        assert_eq!(week_month("2026-W06"), Some((2026, 2)));
        let t = ChartText::english();
        assert_eq!(week_short(&t, "2026-W06"), "W6");
        assert_eq!(month_long(&t, "2026-03"), "March 2026");
        assert_eq!(month_name_of(&ChartText::dutch(), "2026-03"), "maart");
    }

    /// One chart of every kind on a little data, `word` after each of
    /// the words the data brings (titles, names, labels).
    fn one_of_each(t: &ChartText, word: &str) -> Vec<Chart> {
        let weeks: WeekKeys = vec!["2026-W01".into(), "2026-W02".into()].into();
        vec![
            trend(
                &TrendInput {
                    id: "a".into(),
                    title: format!("Trend{word}"),
                    weeks: weeks.clone(),
                    series: vec![TrendSeries {
                        colour: None,
                        name: format!("Team{word}"),
                        values: vec![Some(0.5), Some(0.6)],
                    }],
                    markers: (!word.is_empty())
                        .then(|| StoryMarker {
                            week: "2026-W02".into(),
                            label: word.to_string(),
                        })
                        .into_iter()
                        .collect(),
                    ..TrendInput::default()
                },
                t,
            ),
            heatmap(
                &HeatmapInput {
                    id: "b".into(),
                    title: format!("Rhythm{word}"),
                    row_header: format!("Person{word}"),
                    weeks: weeks.clone(),
                    data: HeatmapData::States(vec![HeatmapRow {
                        label: format!("P{word}"),
                        cells: vec![CellState::Hit, CellState::Miss],
                    }]),
                },
                t,
            ),
            behaviour_bars(
                &BehaviourBarsInput {
                    id: "c".into(),
                    title: format!("Per behaviour{word}"),
                    this_month: "2026-02".into(),
                    last_month: "2026-01".into(),
                    behaviours: vec![BehaviourBar {
                        title: format!("B{word}"),
                        this_month: Some(0.7),
                        last_month: Some(0.6),
                    }],
                },
                t,
            ),
            level_stack(
                &LevelStackInput {
                    id: "d".into(),
                    title: format!("Levels{word}"),
                    months: vec![LevelMonth {
                        month: "2026-01".into(),
                        counts: LevelCounts {
                            consistent: 2,
                            developing: 1,
                            ..LevelCounts::default()
                        },
                        hidden: None,
                    }],
                    hidden_note: None,
                },
                t,
            ),
            scatter(
                &ScatterInput {
                    id: "e".into(),
                    title: format!("Lead-lag{word}"),
                    points: vec![ScatterPoint {
                        label: word.to_string(),
                        x: 0.5,
                        y: 0.4,
                    }],
                    rho: None,
                    n: 1,
                },
                t,
            ),
            coverage(
                &CoverageInput {
                    id: "f".into(),
                    title: format!("Coaching{word}"),
                    months: vec![CoverageMonth {
                        month: "2026-01".into(),
                        coverage: Some(0.5),
                        minutes_per_rep: Some(40.0),
                        passed: None,
                    }],
                    target_minutes: Some(180.0),
                },
                t,
            ),
            sparkline(
                &SparklineInput {
                    id: "g".into(),
                    title: format!("Strength{word}"),
                    weeks,
                    values: vec![Some(0.2), Some(0.4)],
                },
                t,
            ),
        ]
    }

    /// Every kind, on a little data: a title, a sentence, a table with
    /// rows, and a figure whose ids match.
    #[test]
    fn every_chart_has_title_sentence_and_table() {
        let t = ChartText::english();
        let charts = one_of_each(&t, "");
        let kinds: Vec<&str> = charts.iter().map(|c| c.kind.key()).collect();
        assert_eq!(
            kinds,
            ["trend", "heatmap", "bars", "levels", "scatter", "coverage", "sparkline"]
        );
        for c in &charts {
            tests_support::assert_well_formed(c);
            assert!(!c.title.is_empty() && c.svg.contains(&format!(">{}", c.title)));
            assert!(!c.table.rows.is_empty(), "{}", c.kind);
            assert_ne!(c.sentence, t.no_data, "{}", c.kind);
            let html = render_html(c);
            assert!(html.contains(&format!("<figure class=\"chart chart-{}\" id=\"{}\">", c.kind, c.id)));
            assert!(html.contains("<figcaption>") && html.contains("<table>"));
            // A phone drawing beside the desktop one, with ids of its own.
            if c.kind == ChartKind::Sparkline {
                assert!(c.svg_narrow.is_none());
                continue;
            }
            let narrow = c
                .svg_narrow
                .as_ref()
                .unwrap_or_else(|| panic!("{}: no phone drawing", c.kind));
            assert!(narrow.starts_with(&format!(
                "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {} ",
                canvas::NARROW
            )));
            assert!(narrow.contains(&format!("aria-labelledby=\"{0}-narrow-title {0}-narrow-desc\"", c.id)));
            assert!(
                html.contains("<div class=\"chart-box\"><svg viewBox=\"0 0 720 "),
                "{html:.200}"
            );
            assert!(
                html.contains("class=\"chart-svg chart-wide chart-")
                    && html.contains("class=\"chart-svg chart-narrow chart-")
            );
            for id in ["title", "desc", "narrow-title", "narrow-desc"] {
                assert_eq!(
                    html.matches(&format!("id=\"{}-{id}\"", c.id)).count(),
                    1,
                    "{}: {id}",
                    c.kind
                );
            }
            assert!(!html.contains("tabindex"), "nothing to scroll, so no tab stop");
        }
    }

    /// A report's mail copy passes its charts by the parser unread
    /// (`mailsafe::standalone_around`): every kind, in every form a page
    /// shows it, must be left as it is by `standalone`, whatever words an
    /// author gives it.
    #[test]
    fn every_chart_is_inert_whatever_its_words() {
        let word = " <a href=\"javascript:x\" onclick=y>url(https://t.example/p.png) <script>alert(1)</script>\
                    <style>@import 'https://t.example/s.css';</style><img src=x onerror=alert(2)> \"' &amp;";
        for t in [ChartText::english(), ChartText::dutch()] {
            for c in one_of_each(&t, word) {
                for html in [render_html(&c), render_inline(&c)] {
                    assert!(html.contains("alert(1)"), "{}: the words are shown", c.kind);
                    assert_eq!(crate::mailsafe::standalone(&html), html, "{}", c.kind);
                }
            }
        }
    }

    /// Every chart on its sample data, in colour and in greyscale, and the
    /// empty state, into `$RITME_PREVIEW/gallery.html` for a look by eye.
    #[test]
    #[ignore = "writes a preview file; run by hand"]
    fn gallery() {
        let (en, nl) = (ChartText::english(), ChartText::dutch());
        let mut same_week = trend::tests::sample();
        same_week.markers.push(StoryMarker {
            week: "2026-W09".into(),
            label: "Second story that week".into(),
        });
        same_week.id = "trend-2".into();
        let charts = [
            trend(&same_week, &nl),
            heatmap(&heatmap::tests::sample(), &nl),
            heatmap(&heatmap::tests::aggregate(), &en),
            behaviour_bars(&bars::tests::sample(), &en),
            level_stack(&levels::tests::sample(), &en),
            scatter(&scatter::tests::sample(), &nl),
            coverage(&coverage::tests::sample(), &en),
            trend(&TrendInput::default(), &nl),
        ];
        let html: Vec<String> = charts.iter().map(render_html).collect();
        let grey = |s: &str| format!("<div style=\"filter:grayscale(1)\">{s}</div>");
        let (a, b) = (html[..4].concat(), html[4..].concat());
        tests_support::preview("gallery-1", &a);
        tests_support::preview("gallery-2", &b);
        tests_support::preview("gallery-grey-1", &grey(&a));
        tests_support::preview("gallery-grey-2", &grey(&b));
    }

    fn odd_value() -> impl proptest::strategy::Strategy<Value = Option<f64>> {
        use proptest::prelude::*;
        prop_oneof![
            Just(None),
            Just(Some(f64::NAN)),
            Just(Some(f64::INFINITY)),
            Just(Some(-1.0)),
            Just(Some(7.5)),
            (0.0..=1.0f64).prop_map(Some),
        ]
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]
        /// Any mix of undefined, out-of-range and odd labels: a well-formed
        /// chart every time, never a panic or a NaN.
        #[test]
        fn odd_input_never_breaks_a_chart(
            values in proptest::collection::vec(odd_value(), 0..30),
            weeks in 0usize..30,
            label in "\\PC{0,40}",
            goal in odd_value(),
        ) {
            let t = ChartText::english();
            let week_keys: WeekKeys = (0..weeks)
                .map(|i| if i % 7 == 3 { label.clone() } else { format!("2026-W{:02}", i + 1) })
                .collect();
            let months: Vec<String> = (0..values.len()).map(|i| format!("2026-{:02}", i % 14)).collect();
            let states = [CellState::Hit, CellState::Partial, CellState::Miss, CellState::Skipped, CellState::NotLogged, CellState::Inactive];
            let charts = [
                trend(&TrendInput {
                    id: label.clone(),
                    title: label.clone(),
                    weeks: week_keys.clone(),
                    series: vec![TrendSeries { colour: None, name: label.clone(), values: values.clone() }],
                    goal,
                    markers: vec![StoryMarker { week: week_keys.first().cloned().unwrap_or_default(), label: label.clone() }],
                }, &t),
                heatmap(&HeatmapInput {
                    id: label.clone(),
                    weeks: week_keys.clone(),
                    data: HeatmapData::States(vec![HeatmapRow {
                        label: label.clone(),
                        cells: values.iter().enumerate().map(|(i, _)| states[i % 6]).collect(),
                    }]),
                    ..HeatmapInput::default()
                }, &t),
                heatmap(&HeatmapInput {
                    weeks: week_keys.clone(),
                    data: HeatmapData::Shares(vec![HeatmapRow { label: label.clone(), cells: values.clone() }]),
                    ..HeatmapInput::default()
                }, &t),
                behaviour_bars(&BehaviourBarsInput {
                    this_month: label.clone(),
                    behaviours: values.iter().map(|v| BehaviourBar { title: label.clone(), this_month: *v, last_month: goal }).collect(),
                    ..BehaviourBarsInput::default()
                }, &t),
                level_stack(&LevelStackInput {
                    months: months.iter().enumerate().map(|(i, m)| LevelMonth {
                        month: m.clone(),
                        counts: LevelCounts { consistent: i as u32, incidental: 3, ..LevelCounts::default() },
                        hidden: None,
                    }).collect(),
                    ..LevelStackInput::default()
                }, &t),
                scatter(&ScatterInput {
                    points: values.iter().map(|v| ScatterPoint { label: label.clone(), x: v.unwrap_or(f64::NAN), y: goal.unwrap_or(0.5) }).collect(),
                    rho: goal,
                    n: values.len(),
                    ..ScatterInput::default()
                }, &t),
                coverage(&CoverageInput {
                    months: months.iter().zip(&values).map(|(m, v)| CoverageMonth { month: m.clone(), coverage: *v, minutes_per_rep: v.map(|x| x * 300.0) , passed: None }).collect(),
                    target_minutes: goal.map(|g| g * 200.0),
                    ..CoverageInput::default()
                }, &t),
                sparkline(&SparklineInput { weeks: week_keys.clone(), values: values.clone(), ..SparklineInput::default() }, &t),
            ];
            for c in &charts {
                tests_support::assert_well_formed(c);
            }
        }
    }

    #[test]
    fn html_is_escaped_and_details_collapsed() {
        let chart = Chart {
            id: "c1".into(),
            kind: ChartKind::Trend,
            svg: "<svg></svg>".into(),
            svg_narrow: None,
            title: "t".into(),
            desc: "d".into(),
            sentence: "A <b> & \"c\"".into(),
            table: Table {
                caption: "Cap & co".into(),
                headers: vec!["Week".into(), "<CR>".into()],
                rows: vec![vec!["W1".into(), "50%".into()]],
            },
            table_summary: "Show".into(),
        };
        let html = render_html(&chart);
        assert!(html.starts_with("<figure class=\"chart chart-trend\" id=\"c1\">"));
        assert!(html.contains("<figcaption><span class=\"chart-sentence\">A &lt;b&gt; &amp; &quot;c&quot;</span>"));
        // The table's details inside the caption, the caption last.
        assert!(html.ends_with("</table>\n</details></figcaption>\n</figure>\n"));
        assert!(html.contains("<div class=\"chart-scroll\" tabindex=\"0\"><svg></svg>\n</div>"));
        assert!(html.contains("<details class=\"chart-data\"><summary>Show</summary>"));
        assert!(!html.contains("<details open"));
        assert!(html.contains("<th scope=\"col\">&lt;CR&gt;</th>"));
        assert!(html.contains("<th scope=\"row\">W1</th><td>50%</td>"));
        assert!(html.contains("<caption>Cap &amp; co</caption>"));
    }
}
