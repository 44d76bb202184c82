//! Front-matter schemas, one per kind of page (README, "The site folder" and "Team data").
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
    #[serde(default, deserialize_with = "crate::week::optional_date")]
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
    #[serde(default, deserialize_with = "crate::week::optional_date")]
    pub review_by: Option<NaiveDate>,
}

/// `stories/*.md`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct StoryMeta {
    pub title: String,
    #[serde(deserialize_with = "crate::week::date")]
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
    #[serde(default, deserialize_with = "crate::week::optional_date")]
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
    #[serde(default, deserialize_with = "crate::week::optional_date")]
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
