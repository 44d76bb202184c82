//! Front-matter schemas, one per kind of page (DESIGN.md section 1).
//!
//! Unknown fields are errors so that a misspelt `behavoirs:` is caught with a
//! suggestion instead of silently dropping the links it was meant to make.
//! The review fields (`owner`, `status`, `review_by`) repeat in each schema
//! because `deny_unknown_fields` does not combine with `#[serde(flatten)]`.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Whether a playbook page is agreed on; drafts carry a visible banner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Draft,
    #[default]
    Approved,
}

/// Review metadata common to every playbook page.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Review {
    pub owner: Option<String>,
    pub status: Status,
    pub review_by: Option<NaiveDate>,
}

/// `behaviours/*.md`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct BehaviourMeta {
    pub title: String,
    /// Defaults to the file stem; the id logs and other pages use.
    pub id: Option<String>,
    pub category: Option<String>,
    /// Times per week that count as a hit.
    pub target: u32,
    /// Roles the behaviour applies to; all roles when absent.
    pub roles: Option<Vec<String>>,
    /// Habit-strength half-life in weeks; the config default when absent.
    pub half_life: Option<f64>,
    pub summary: Option<String>,
    #[serde(default)]
    pub indicators: Vec<String>,
    /// Mirror questions for a coaching conversation about this behaviour
    /// (the behaviour page lists them; the coaching view picks two).
    #[serde(default)]
    pub questions: Vec<String>,
    /// Other names for the behaviour in exports: the CRM activity types or
    /// picklist values that count as it (`ritme import` matches them).
    #[serde(default)]
    pub aliases: Vec<String>,
    pub weight: Option<i64>,
    pub owner: Option<String>,
    #[serde(default)]
    pub status: Status,
    #[serde(default, deserialize_with = "dates::optional")]
    pub review_by: Option<NaiveDate>,
}

/// `coaching/*.md`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct GuideMeta {
    pub title: String,
    #[serde(default)]
    pub behaviours: Vec<String>,
    pub summary: Option<String>,
    pub weight: Option<i64>,
    pub owner: Option<String>,
    #[serde(default)]
    pub status: Status,
    #[serde(default, deserialize_with = "dates::optional")]
    pub review_by: Option<NaiveDate>,
}

/// `stories/*.md`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct StoryMeta {
    pub title: String,
    #[serde(deserialize_with = "dates::required")]
    pub date: NaiveDate,
    pub team: Option<String>,
    #[serde(default)]
    pub people: Vec<String>,
    #[serde(default)]
    pub behaviours: Vec<String>,
    /// The lag result, in words.
    pub outcome: Option<String>,
    /// The people named agreed to be featured; without it the story is left
    /// out of aggregate builds.
    #[serde(default)]
    pub consent: bool,
    pub summary: Option<String>,
    pub owner: Option<String>,
    #[serde(default)]
    pub status: Status,
    #[serde(default, deserialize_with = "dates::optional")]
    pub review_by: Option<NaiveDate>,
}

/// `reports/YYYY-MM.md`: the director's commentary.
#[derive(Debug, Clone, Deserialize, PartialEq, Default)]
#[serde(deny_unknown_fields)]
pub struct ReportMeta {
    pub title: Option<String>,
    pub author: Option<String>,
}

/// `pages/**/*.md` and `index.md`.
#[derive(Debug, Clone, Deserialize, PartialEq, Default)]
#[serde(deny_unknown_fields)]
pub struct PageMeta {
    /// Required for free pages; the home page falls back to the site title.
    pub title: Option<String>,
    pub summary: Option<String>,
    /// Order in the navigation (lower first), then title.
    pub weight: Option<i64>,
    pub owner: Option<String>,
    #[serde(default)]
    pub status: Status,
    #[serde(default, deserialize_with = "dates::optional")]
    pub review_by: Option<NaiveDate>,
}

/// What every kind of front matter can say about its own review.
pub trait Reviewed {
    fn review(&self) -> Review;
}

macro_rules! reviewed {
    ($($t:ty),*) => {$(
        impl Reviewed for $t {
            fn review(&self) -> Review {
                Review { owner: self.owner.clone(), status: self.status, review_by: self.review_by }
            }
        }
    )*};
}
reviewed!(BehaviourMeta, GuideMeta, StoryMeta, PageMeta);

impl Reviewed for ReportMeta {
    fn review(&self) -> Review {
        Review::default()
    }
}

/// Dates in front matter, with an error that says the form expected (the
/// parser's own words were "input contains invalid characters").
mod dates {
    use chrono::NaiveDate;
    use serde::{Deserializer, de::Error};

    fn parse<E: Error>(text: &str) -> Result<NaiveDate, E> {
        NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| {
            E::custom(format!(
                "`{text}` is not a date: write it as YYYY-MM-DD, e.g. 2026-12-31"
            ))
        })
    }

    /// Reads the scalar where it stands, so that an error points at it.
    struct Date;

    impl serde::de::Visitor<'_> for Date {
        type Value = NaiveDate;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a date written as YYYY-MM-DD")
        }
        fn visit_str<E: Error>(self, v: &str) -> Result<NaiveDate, E> {
            parse(v)
        }
        fn visit_i64<E: Error>(self, v: i64) -> Result<NaiveDate, E> {
            parse(&v.to_string())
        }
        fn visit_u64<E: Error>(self, v: u64) -> Result<NaiveDate, E> {
            parse(&v.to_string())
        }
        fn visit_f64<E: Error>(self, v: f64) -> Result<NaiveDate, E> {
            parse(&v.to_string())
        }
        fn visit_bool<E: Error>(self, v: bool) -> Result<NaiveDate, E> {
            parse(&v.to_string())
        }
    }

    pub fn required<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
        d.deserialize_any(Date)
    }

    pub fn optional<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
        struct Maybe;
        impl<'de> serde::de::Visitor<'de> for Maybe {
            type Value = Option<NaiveDate>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a date written as YYYY-MM-DD")
            }
            fn visit_none<E: Error>(self) -> Result<Self::Value, E> {
                Ok(None)
            }
            fn visit_unit<E: Error>(self) -> Result<Self::Value, E> {
                Ok(None)
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
                required(d).map(Some)
            }
        }
        d.deserialize_option(Maybe)
    }

    #[cfg(test)]
    mod tests {
        #[test]
        fn a_bad_date_says_the_form() {
            #[derive(serde::Deserialize, Debug)]
            struct M {
                #[serde(default, deserialize_with = "super::optional")]
                review_by: Option<chrono::NaiveDate>,
            }
            let e = crate::yaml::parse::<M>("review_by: 31-12-2026\n", "a.md", 2)
                .unwrap_err()
                .to_string();
            assert!(e.contains("`31-12-2026` is not a date: write it as YYYY-MM-DD"), "{e}");
            let ok: M = crate::yaml::parse("review_by: 2026-12-31\n", "a.md", 2).unwrap();
            assert_eq!(ok.review_by, chrono::NaiveDate::from_ymd_opt(2026, 12, 31));
            let none: M = crate::yaml::parse("{}", "a.md", 2).unwrap();
            assert_eq!(none.review_by, None);
        }
    }
}
