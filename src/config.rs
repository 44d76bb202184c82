//! `ritme.yaml`: the site's settings.
//!
//! Every field has a safe default, so an empty file (or none at all, for
//! `check` on a bare folder) gives a working aggregate-only site. Unknown
//! fields are errors: a misspelt `privcy:` must not silently fall back to a
//! default that publishes more than intended.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::diagnostics::Diagnostic;

/// The whole of `ritme.yaml`.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Site title, shown in the header, the browser tab and every report.
    pub title: String,
    /// One line under the title on the home page and in `<meta name=description>`.
    pub description: String,
    /// Language of the interface strings and of number formatting (`nl` or `en`).
    pub language: Language,
    /// The brand: logo, accent colour and dark mode of the built-in theme.
    #[serde(deserialize_with = "theme_settings")]
    pub theme: ThemeSettings,
    /// Interface strings that replace the theme's (menu headings, labels),
    /// by key; the keys are those of `i18n/LANG.yaml` (`ritme theme eject`
    /// writes that file).
    pub strings: BTreeMap<String, String>,
    /// Optional absolute URL where the site is published. Links stay relative
    /// either way; this is only used where an absolute address is required
    /// (the canonical link of the mailed report).
    pub base_url: Option<String>,
    /// Team consistency rate that counts as "winning" on the scoreboard (0–1).
    pub goal: f64,
    /// How consistency and habit strength are computed.
    pub consistency: Consistency,
    /// Coaching targets.
    pub coaching: Coaching,
    /// Who may be identified in this build; see the README's "Privacy".
    pub privacy: Privacy,
    /// Named audiences, each built with `ritme build --audience NAME`.
    pub audiences: BTreeMap<String, Audience>,
    /// Markdown rendering options.
    pub markdown: MarkdownOptions,
    /// Saved mappings for `ritme import`, by profile name
    /// (`ritme import csv export.csv --profile crm`).
    pub import: BTreeMap<String, ImportProfile>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            title: "Ritme".into(),
            description: String::new(),
            language: Language::Nl,
            theme: ThemeSettings::default(),
            strings: BTreeMap::new(),
            base_url: None,
            goal: 0.8,
            consistency: Consistency::default(),
            coaching: Coaching::default(),
            privacy: Privacy::default(),
            audiences: BTreeMap::new(),
            markdown: MarkdownOptions::default(),
            import: BTreeMap::new(),
        }
    }
}

/// The organisation's brand on the built-in theme.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, Eq, Hash)]
#[serde(default, deny_unknown_fields)]
pub struct ThemeSettings {
    /// An image file in the site folder (`static/logo.svg`): shown in the
    /// header, used as the favicon and inlined in the mailed report.
    pub logo: Option<String>,
    /// The accent colour as `#RRGGBB` (links, highlights, the current page).
    pub accent: Option<String>,
    /// Follow the reader's dark-mode setting (`prefers-color-scheme`).
    pub dark_mode: bool,
}

/// `theme:` as a map of brand settings; the bare word `default` (what this
/// field held before the brand settings) still means the built-in theme.
/// Written by hand so that a wrong value is explained in the user's terms,
/// not as a mismatch with a Rust type.
fn theme_settings<'de, D: serde::Deserializer<'de>>(d: D) -> Result<ThemeSettings, D::Error> {
    use serde::de::{self, MapAccess, Visitor};
    struct Settings;
    impl<'de> Visitor<'de> for Settings {
        type Value = ThemeSettings;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("the brand settings `logo`, `accent` and `dark_mode`")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<ThemeSettings, E> {
            match v {
                "default" => Ok(ThemeSettings::default()),
                other => Err(E::custom(format!(
                    "`theme: {other}` names no theme: ritme has one built-in theme, branded with `logo`, `accent` and `dark_mode` under `theme:`"
                ))),
            }
        }
        fn visit_unit<E: de::Error>(self) -> Result<ThemeSettings, E> {
            Ok(ThemeSettings::default())
        }
        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<ThemeSettings, A::Error> {
            ThemeSettings::deserialize(de::value::MapAccessDeserializer::new(map))
        }
    }
    d.deserialize_any(Settings)
}

/// Interface language.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    #[default]
    Nl,
    En,
}

impl Language {
    pub fn code(self) -> &'static str {
        match self {
            Language::Nl => "nl",
            Language::En => "en",
        }
    }
}

/// Knobs of the consistency metrics (README, "Metrics").
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Consistency {
    /// Calendar weeks in the rolling window of the consistency rate, ending at `as_of`.
    pub window_weeks: u32,
    /// Fewest eligible weeks in the window for the rate to be defined.
    pub min_weeks: u32,
    /// Default half-life of habit strength, in weeks, for behaviours that set none.
    pub half_life: f64,
    /// Lower bounds of the levels.
    pub levels: Levels,
}

impl Default for Consistency {
    fn default() -> Self {
        Consistency {
            window_weeks: 13,
            min_weeks: 6,
            half_life: 2.0,
            levels: Levels::default(),
        }
    }
}

/// Level thresholds: `consistent` ≥ consistent, `developing` ≥ developing,
/// `incidental` above zero, `absent` at zero.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Levels {
    pub consistent: f64,
    pub developing: f64,
}

impl Default for Levels {
    fn default() -> Self {
        Levels {
            consistent: 0.80,
            developing: 0.50,
        }
    }
}

/// Coaching targets.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Coaching {
    /// Coaching minutes per rep per month that count as enough.
    pub target_minutes: f64,
}

impl Default for Coaching {
    fn default() -> Self {
        Coaching { target_minutes: 180.0 }
    }
}

/// Privacy of a build.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Privacy {
    /// `aggregate` (default), `pseudonymous` or `named`.
    pub mode: PrivacyMode,
    /// Groups with fewer reps than this show no figures.
    pub min_group_size: usize,
}

impl Default for Privacy {
    fn default() -> Self {
        Privacy {
            mode: PrivacyMode::Aggregate,
            min_group_size: 5,
        }
    }
}

/// How identifiable people are in a build.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum PrivacyMode {
    /// No individual is identifiable anywhere in the output.
    #[default]
    Aggregate,
    /// People appear under stable keyed pseudonyms.
    Pseudonymous,
    /// People appear by name, with their own pages.
    Named,
}

/// One audience: a privacy mode and, optionally, the teams it may see.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Audience {
    pub mode: PrivacyMode,
    /// Team ids this audience may see; all teams when absent.
    #[serde(default)]
    pub teams: Option<Vec<String>>,
}

/// Markdown options.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct MarkdownOptions {
    /// Pass raw HTML in Markdown through. Off by default: content is written
    /// by many hands and a stray `<script>` must not reach the intranet.
    pub raw_html: bool,
    /// Show images from other sites (`https://…`). Off by default: on an
    /// intranet a remote image tells its host who read which page, and when.
    pub remote_images: bool,
}

/// How one kind of export maps onto ritme's data, kept so that the weekly
/// import is one command.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct ImportProfile {
    /// What the export holds: `logs` (activities; the default), `coaching`
    /// (sessions) or `outcomes` (won and lost deals).
    pub kind: Option<String>,
    /// Export column → field (`person`, `date`, `behaviour`, `count`, …).
    pub columns: BTreeMap<String, String>,
    /// strftime format of the date column, e.g. `%m/%d/%Y`.
    pub date_format: Option<String>,
    /// Export value → behaviour id, e.g. `Call: tijdig-opvolgen`.
    pub values: BTreeMap<String, String>,
    /// The sheet of a workbook to read (default the first).
    pub sheet: Option<String>,
}

pub const FILE: &str = "ritme.yaml";

impl Config {
    /// Parses `ritme.yaml` text and checks value ranges, collecting every problem.
    pub fn parse(text: &str) -> Result<Config, Vec<Diagnostic>> {
        let config: Config = if text.trim().is_empty() {
            Config::default()
        } else {
            crate::yaml::parse(text, FILE, 1).map_err(|d| vec![d])?
        };
        let problems = config.range_problems(text);
        if problems.is_empty() { Ok(config) } else { Err(problems) }
    }

    fn range_problems(&self, text: &str) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        let mut check = |ok: bool, key: &str, message: &str, hint: &str| {
            if !ok {
                let pos = crate::yaml::locate(text, None, key, 1);
                out.push(Diagnostic::error(FILE, message).at_pos(pos).with_hint(hint));
            }
        };
        let c = &self.consistency;
        check(
            (0.0..=1.0).contains(&self.goal),
            "goal",
            "`goal` must be between 0 and 1",
            "write the goal as a share, e.g. `goal: 0.75` for 75%",
        );
        check(
            c.window_weeks >= 1,
            "window_weeks",
            "`window_weeks` must be at least 1",
            "13 weeks (a quarter) is the default",
        );
        check(
            c.min_weeks >= 1 && c.min_weeks <= c.window_weeks,
            "min_weeks",
            "`min_weeks` must be between 1 and `window_weeks`",
            "6 is the default",
        );
        check(
            c.half_life.is_finite() && c.half_life > 0.0,
            "half_life",
            "`half_life` must be a positive number of weeks",
            "2 is the default",
        );
        check(
            0.0 < c.levels.developing && c.levels.developing < c.levels.consistent && c.levels.consistent <= 1.0,
            "levels",
            "level thresholds must satisfy 0 < developing < consistent ≤ 1",
            "the defaults are consistent: 0.8 and developing: 0.5",
        );
        check(
            self.coaching.target_minutes.is_finite() && self.coaching.target_minutes >= 0.0,
            "target_minutes",
            "`coaching.target_minutes` must be zero or more",
            "180 minutes a month is the default",
        );
        check(
            self.privacy.min_group_size >= 1,
            "min_group_size",
            "`privacy.min_group_size` must be at least 1",
            "5 is the default",
        );
        if let Some(accent) = &self.theme.accent {
            check(
                crate::brand::Rgb::parse(accent).is_some(),
                "accent",
                &format!("`theme.accent` must be a colour written as #RRGGBB, not `{accent}`"),
                "for example `accent: \"#0b6e6e\"` (quote it: YAML reads `#` as a comment)",
            );
        }
        if let Some(logo) = &self.theme.logo {
            check(
                crate::output::is_safe_relative(logo) && crate::brand::logo_kind(logo).is_some(),
                "logo",
                &format!(
                    "`theme.logo` must be an SVG, PNG, JPEG, WebP or ICO file inside the site folder, not `{logo}`"
                ),
                "a path relative to the site folder, e.g. `logo: static/logo.svg`",
            );
        }
        for name in self.audiences.keys() {
            check(
                crate::slug::is_valid_id(name),
                name,
                &format!("audience name `{name}` can not be used as a folder name"),
                "use lowercase letters, digits and `-`",
            );
        }
        out
    }

    /// Settings that work but are probably not what the author wants.
    pub fn warnings(&self, text: &str) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        if let Some(rgb) = self.theme.accent.as_deref().and_then(crate::brand::Rgb::parse) {
            let ratio = rgb.contrast(crate::brand::Rgb::WHITE);
            if ratio < 4.5 {
                let pos = crate::yaml::locate(text, None, "accent", 1);
                out.push(
                    Diagnostic::warning(
                        FILE,
                        format!(
                            "`theme.accent` has a contrast of {ratio:.2}:1 against white; links and labels in it are hard to read (4.5:1 is the minimum)"
                        ),
                    )
                    .at_pos(pos)
                    .with_hint(format!("a darker shade such as `{}` reaches 4.5:1", rgb.darkened_to(4.5).hex())),
                );
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_file_gives_safe_defaults() {
        let c = Config::parse("").unwrap();
        assert_eq!(c.privacy.mode, PrivacyMode::Aggregate);
        assert_eq!(c.privacy.min_group_size, 5);
        assert_eq!(c.consistency.window_weeks, 13);
        assert_eq!(c.consistency.min_weeks, 6);
        assert_eq!(c.coaching.target_minutes, 180.0);
    }

    #[test]
    fn misspelt_section_is_an_error_with_suggestion() {
        let err = Config::parse("title: x\nprivcy:\n  mode: named\n").unwrap_err();
        assert_eq!(err[0].line, Some(2));
        assert_eq!(err[0].hint.as_deref(), Some("did you mean `privacy`?"));
    }

    #[test]
    fn out_of_range_values_are_all_reported() {
        let err = Config::parse("goal: 75\nconsistency:\n  min_weeks: 20\n").unwrap_err();
        assert_eq!(err.len(), 2, "{err:?}");
        assert_eq!(err[0].line, Some(1));
        assert_eq!(err[1].line, Some(3));
    }

    #[test]
    fn import_profiles_parse() {
        let c = Config::parse(
            "import:\n  crm:\n    columns: { Assigned: person, Date: date }\n    date_format: \"%m/%d/%Y\"\n    values: { Call: bellen }\n",
        )
        .unwrap();
        let p = &c.import["crm"];
        assert_eq!(p.columns["Assigned"], "person");
        assert_eq!(p.date_format.as_deref(), Some("%m/%d/%Y"));
        assert_eq!(p.values["Call"], "bellen");
        assert!(Config::parse("import:\n  crm:\n    colums: {}\n").is_err());
    }

    #[test]
    fn theme_settings_parse_and_are_checked() {
        let c = Config::parse("theme:\n  logo: static/logo.svg\n  accent: \"#1A4D8F\"\n  dark_mode: true\n").unwrap();
        assert_eq!(c.theme.logo.as_deref(), Some("static/logo.svg"));
        assert!(c.theme.dark_mode);
        assert!(c.warnings("").is_empty(), "#1A4D8F is dark enough");

        let err = Config::parse("title: x\ntheme:\n  accent: blue\n  logo: ../logo.svg\n").unwrap_err();
        assert_eq!(err.len(), 2, "{err:?}");
        assert_eq!((err[0].line, err[1].line), (Some(3), Some(4)));
        assert!(err[0].message.contains("#RRGGBB"), "{}", err[0]);

        let err = Config::parse("theme:\n  acent: \"#000000\"\n").unwrap_err();
        assert_eq!(err[0].hint.as_deref(), Some("did you mean `accent`?"));

        // The old spelling of the built-in theme still works; another name is explained.
        assert_eq!(
            Config::parse("theme: default\n").unwrap().theme,
            ThemeSettings::default()
        );
        let err = Config::parse("theme: corporate\n").unwrap_err();
        assert_eq!(err[0].line, Some(1));
        assert!(
            err[0].message.contains("`theme: corporate` names no theme"),
            "{}",
            err[0].message
        );
        assert!(!err[0].message.contains("ThemeSettings"), "{}", err[0].message);
    }

    #[test]
    fn a_pale_accent_is_a_warning_with_a_darker_suggestion() {
        let text = "title: x\ntheme:\n  accent: \"#56B4E9\"\n";
        let c = Config::parse(text).unwrap();
        let w = c.warnings(text);
        assert_eq!(w.len(), 1);
        assert!(!w[0].is_error());
        assert_eq!(w[0].line, Some(3));
        assert!(w[0].message.contains("2.31"), "{}", w[0].message);
        let hint = w[0].hint.clone().unwrap();
        let suggested = crate::brand::Rgb::parse(&hint[hint.find('#').unwrap()..hint.find('#').unwrap() + 7]).unwrap();
        assert!(suggested.contrast(crate::brand::Rgb::WHITE) >= 4.5);
    }

    #[test]
    fn audiences_parse_with_teams() {
        let c = Config::parse("audiences:\n  team-noord: { mode: named, teams: [noord] }\n").unwrap();
        assert_eq!(
            c.audiences["team-noord"].teams.as_deref(),
            Some(&["noord".to_string()][..])
        );
    }
}
