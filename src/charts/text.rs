//! The words a chart shows: axis names, legend words, level and state names
//! and the templates of the one plain-language sentence under each chart.
//!
//! Chart code never spells a word itself; it takes them from a [`ChartText`]
//! so that the same drawing serves a Dutch and an English site. The two
//! presets below are the defaults of the built-in theme; a caller may change
//! any field (e.g. from the theme's `i18n` files).
//!
//! Sentence templates use `{name}` placeholders, filled by [`fill`].

use crate::config::Language;

/// Names of the five consistency levels (README, "Metrics").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LevelNames {
    pub consistent: String,
    pub developing: String,
    pub incidental: String,
    pub absent: String,
    pub insufficient: String,
}

/// Names of the heatmap cell states.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateNames {
    pub hit: String,
    pub partial: String,
    pub miss: String,
    pub skipped: String,
    pub not_logged: String,
    pub inactive: String,
}

/// Localised words and sentence templates for every chart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChartText {
    /// Number notation (decimal comma or point) and month names.
    pub lang: Language,
    /// Shown in an empty chart and as its sentence.
    pub no_data: String,
    /// Summary of the `<details>` that holds the table.
    pub show_numbers: String,
    /// Short week prefix on axes: `W10`.
    pub week_prefix: String,
    pub week: String,
    pub month: String,
    /// Short month names, January first, for crowded axes.
    pub month_abbr: [String; 12],
    pub goal: String,
    pub target: String,
    pub story: String,
    pub behaviour: String,
    pub people: String,
    pub total: String,
    pub average: String,
    pub latest: String,
    pub levels: LevelNames,
    pub states: StateNames,
    /// Legend of an empty (suppressed or undefined) aggregate cell.
    pub no_value: String,
    /// Axis: consistency rate.
    pub cr_axis: String,
    /// Axis: win rate.
    pub win_rate_axis: String,
    /// Axis / series: share of reps coached in the month.
    pub coverage_axis: String,
    /// Axis / series: coaching minutes per rep.
    pub minutes_axis: String,
    /// Unit after a number of minutes: `45 min`.
    pub minutes_unit: String,
    pub strength: String,
    /// Legend of the aggregate heatmap scale.
    pub share_of_hits: String,
    /// Printed on the lead–lag scatter: correlation, not proof of cause.
    pub correlation_note: String,

    /// What kind of chart each is, opening its `<desc>`.
    pub desc_trend: String,
    pub desc_heatmap: String,
    pub desc_bars: String,
    pub desc_levels: String,
    pub desc_scatter: String,
    pub desc_coverage: String,
    pub desc_sparkline: String,

    /// `{name}` `{from}` `{to}` `{since}` (a month name).
    pub sentence_trend: String,
    /// `{name}` `{value}` `{week}`: only one defined point.
    pub sentence_trend_single: String,
    /// The highest and the lowest line at their latest week.
    pub sentence_trend_spread: String,
    /// `{hits}` `{weeks}` `{share}` `{first}` `{last}` (weeks).
    pub sentence_heatmap: String,
    /// `{average}` `{best}` `{best_value}` `{first}` `{last}`.
    pub sentence_heatmap_shares: String,
    /// `{behaviour}` `{from}` `{to}` `{change}` `{last_month}` `{this_month}`.
    pub sentence_bars: String,
    /// `{behaviour}` `{value}` `{this_month}`: nothing to compare with.
    pub sentence_bars_single: String,
    /// `{first}` `{last}` `{consistent}` `{c_from}` `{c_to}` `{incidental}` `{i_from}` `{i_to}`.
    pub sentence_levels: String,
    /// `{month}` `{consistent}` `{count}` `{total}`: a single month.
    pub sentence_levels_single: String,
    /// `{rho}` `{n}` `{note}`.
    pub sentence_scatter: String,
    /// `{n}`: too few people for a correlation.
    pub sentence_scatter_none: String,
    /// `{month}` `{coverage}` `{minutes}` `{target}`.
    pub sentence_coverage: String,
    /// `{name}` `{value}` `{from}` `{week}`.
    pub sentence_sparkline: String,
}

impl ChartText {
    /// The built-in words for a language.
    pub fn for_language(lang: Language) -> ChartText {
        match lang {
            Language::Nl => ChartText::dutch(),
            Language::En => ChartText::english(),
        }
    }

    pub fn english() -> ChartText {
        let s = |x: &str| x.to_string();
        ChartText {
            lang: Language::En,
            no_data: s("No data yet"),
            show_numbers: s("Show the numbers"),
            week_prefix: s("W"),
            week: s("Week"),
            month: s("Month"),
            month_abbr: [
                "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
            ]
            .map(s),
            goal: s("Goal"),
            target: s("Target"),
            story: s("Story"),
            behaviour: s("Behaviour"),
            people: s("People"),
            total: s("Total"),
            average: s("Average"),
            latest: s("Latest"),
            levels: LevelNames {
                consistent: s("consistent"),
                developing: s("developing"),
                incidental: s("incidental"),
                absent: s("absent"),
                insufficient: s("not enough data"),
            },
            states: StateNames {
                hit: s("on target"),
                partial: s("partly"),
                miss: s("missed"),
                skipped: s("skipped"),
                not_logged: s("not logged"),
                inactive: s("not active"),
            },
            no_value: s("no figure"),
            cr_axis: s("Consistency"),
            win_rate_axis: s("Win rate"),
            coverage_axis: s("Reps coached"),
            minutes_axis: s("Minutes per rep"),
            minutes_unit: s("min"),
            strength: s("Habit strength"),
            share_of_hits: s("Share on target"),
            correlation_note: s("Correlation, not proof of cause"),
            desc_trend: s("Line chart of the consistency rate per week."),
            desc_heatmap: s("Grid of weeks (columns) per row: whether the behaviour hit its target."),
            desc_bars: s("Bar chart of the consistency rate per behaviour, this month against last month."),
            desc_levels: s("Stacked bars: how many people are at each consistency level, per month."),
            desc_scatter: s("Scatter plot of each person's consistency rate against their win rate."),
            desc_coverage: s("Bar chart of coaching coverage per month, with minutes of coaching per rep."),
            desc_sparkline: s("Small line of habit strength per week."),
            sentence_trend: s("{name}: {from} → {to} consistent since {since}"),
            sentence_trend_single: s("{name}: {value} consistent in {week}"),
            sentence_trend_spread: s("{leader} is highest at {lv}, {laggard} lowest at {gv}."),
            sentence_heatmap: s("{hits} of {weeks} weeks on target ({share}), {first} to {last}"),
            sentence_heatmap_shares: s(
                "On average {average} on target, {first} to {last}; highest: {best} ({best_value})",
            ),
            sentence_bars: s(
                "{behaviour}: {from} → {to} ({change}) from {last_month} to {this_month}, the biggest change",
            ),
            sentence_bars_single: s("{behaviour}: {value} consistent in {this_month}"),
            sentence_levels: s(
                "{first} → {last}, number of people: {consistent} {c_from} → {c_to}, {incidental} {i_from} → {i_to}",
            ),
            sentence_levels_single: s("{month}: {count} of {total} people {consistent}"),
            sentence_scatter: s("ρ = {rho} between consistency and win rate over {n} people. {note}."),
            sentence_scatter_none: s("Too few people ({n}) to compare consistency with win rate."),
            sentence_coverage: s("{month}: {coverage} of reps coached, {minutes} per rep (target {target})"),
            sentence_sparkline: s("{name}: habit strength {value} (was {from} in {week})"),
        }
    }

    pub fn dutch() -> ChartText {
        let s = |x: &str| x.to_string();
        ChartText {
            lang: Language::Nl,
            no_data: s("Nog geen gegevens"),
            show_numbers: s("Toon de cijfers"),
            week_prefix: s("W"),
            week: s("Week"),
            month: s("Maand"),
            month_abbr: [
                "jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec",
            ]
            .map(s),
            goal: s("Doel"),
            target: s("Norm"),
            story: s("Verhaal"),
            behaviour: s("Gedrag"),
            people: s("Mensen"),
            total: s("Totaal"),
            average: s("Gemiddeld"),
            latest: s("Laatste"),
            levels: LevelNames {
                consistent: s("consistent"),
                developing: s("in ontwikkeling"),
                incidental: s("incidenteel"),
                absent: s("afwezig"),
                insufficient: s("te weinig gegevens"),
            },
            states: StateNames {
                hit: s("gehaald"),
                partial: s("deels"),
                miss: s("gemist"),
                skipped: s("overgeslagen"),
                not_logged: s("niet gelogd"),
                inactive: s("niet actief"),
            },
            no_value: s("geen cijfer"),
            cr_axis: s("Consistentie"),
            win_rate_axis: s("Winstratio"),
            coverage_axis: s("Gecoachte verkopers"),
            minutes_axis: s("Minuten per verkoper"),
            minutes_unit: s("min"),
            strength: s("Gewoontesterkte"),
            share_of_hits: s("Aandeel gehaald"),
            correlation_note: s("Samenhang, geen bewijs van oorzaak"),
            desc_trend: s("Lijngrafiek van de consistentie per week."),
            desc_heatmap: s("Raster van weken (kolommen) per rij: of het gedrag de norm haalde."),
            desc_bars: s("Staafdiagram van de consistentie per gedrag, deze maand tegenover vorige maand."),
            desc_levels: s("Gestapelde staven: hoeveel mensen per maand op elk niveau van consistentie zitten."),
            desc_scatter: s("Spreidingsdiagram van ieders consistentie tegenover de winstkans."),
            desc_coverage: s("Staafdiagram van de coachingsdekking per maand, met minuten coaching per verkoper."),
            desc_sparkline: s("Kleine lijn van de gewoontesterkte per week."),
            sentence_trend: s("{name}: van {from} naar {to} consistent sinds {since}"),
            sentence_trend_single: s("{name}: {value} consistent in {week}"),
            sentence_trend_spread: s("{leader} staat het hoogst met {lv}, {laggard} het laagst met {gv}."),
            sentence_heatmap: s("{hits} van {weeks} weken gehaald ({share}), {first} tot en met {last}"),
            sentence_heatmap_shares: s(
                "Gemiddeld {average} gehaald, {first} tot en met {last}; hoogste: {best} ({best_value})",
            ),
            sentence_bars: s(
                "{behaviour}: van {from} naar {to} ({change}) van {last_month} naar {this_month}, de grootste verandering",
            ),
            sentence_bars_single: s("{behaviour}: {value} consistent in {this_month}"),
            sentence_levels: s(
                "{first} → {last}, aantal mensen: {consistent} van {c_from} naar {c_to}, {incidental} van {i_from} naar {i_to}",
            ),
            sentence_levels_single: s("{month}: {count} van {total} mensen {consistent}"),
            sentence_scatter: s("ρ = {rho} tussen consistentie en winstkans over {n} mensen. {note}."),
            sentence_scatter_none: s("Te weinig mensen ({n}) om consistentie met winstkans te vergelijken."),
            sentence_coverage: s(
                "{month}: {coverage} van de verkopers gecoacht, {minutes} per verkoper (norm {target})",
            ),
            sentence_sparkline: s("{name}: gewoontesterkte {value} (was {from} in {week})"),
        }
    }
}

/// Replaces each `{key}` in `template` by its value; unknown placeholders stay.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                let key = &after[..close];
                match values.iter().find(|(k, _)| *k == key) {
                    Some((_, v)) => out.push_str(v),
                    None => {
                        out.push('{');
                        out.push_str(key);
                        out.push('}');
                    }
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_replaces_known_keys_only() {
        assert_eq!(fill("{a} → {b} {c} {", &[("a", "1"), ("b", "2")]), "1 → 2 {c} {");
    }

    #[test]
    fn presets_differ_in_language() {
        assert_eq!(ChartText::for_language(Language::Nl).lang, Language::Nl);
        assert_ne!(ChartText::english().no_data, ChartText::dutch().no_data);
    }
}
