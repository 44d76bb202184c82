//! Typed view models: exactly what templates may use, nothing ad hoc.
//!
//! Links are stored as routes from the output root (`behaviours/x/index.html`);
//! templates prefix them with `root`, the way back to the root from the page
//! being rendered. That keeps one view valid for every page that shows it.

use serde::Serialize;

pub use crate::markdown::Html;

use crate::markdown::TocEntry;

/// The site as every page sees it.
#[derive(Debug, Clone, Serialize)]
pub struct SiteView {
    pub title: String,
    pub description: String,
    pub lang: &'static str,
    pub brand: crate::brand::BrandView,
}

/// A titled link to another page.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Link {
    pub title: String,
    pub route: String,
}

/// The navigation, shared by every page.
#[derive(Debug, Clone, Serialize)]
pub struct NavView {
    pub behaviour_groups: Vec<NavGroup>,
    pub guides: Vec<Link>,
    pub pages: Vec<Link>,
    pub sections: Vec<NavSection>,
}

#[derive(Debug, Clone, Serialize)]
pub struct NavGroup {
    pub name: String,
    pub items: Vec<Link>,
}

/// A top-level section: its key (for the active state), title and index route.
#[derive(Debug, Clone, Serialize)]
pub struct NavSection {
    pub key: &'static str,
    pub title: String,
    pub route: String,
}

/// Review state of a playbook page.
#[derive(Debug, Clone, Serialize)]
pub struct ReviewView {
    pub draft: bool,
    pub owner: Option<String>,
    pub review_by: Option<String>,
    /// Date of the last commit that changed the page's source, from git.
    pub changed: Option<String>,
}

/// A commit in the playbook's change log.
#[derive(Debug, Clone, Serialize)]
pub struct ChangeView {
    pub date: String,
    /// The same date as `YYYY-MM-DD`, for `<time datetime>`.
    pub datetime: String,
    pub subject: String,
    pub pages: Vec<Link>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ChangesView {
    pub items: Vec<ChangeView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct BehaviourCard {
    pub id: String,
    pub title: String,
    pub route: String,
    pub category: Option<String>,
    pub summary: Option<String>,
    pub target: u32,
    pub roles: Vec<String>,
    pub draft: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct GuideCard {
    pub title: String,
    pub route: String,
    pub summary: Option<String>,
    pub behaviours: Vec<Link>,
}

#[derive(Debug, Clone, Serialize)]
pub struct StoryCard {
    pub title: String,
    pub route: String,
    pub date: String,
    /// The same date as `YYYY-MM-DD`, for `<time datetime>`.
    pub datetime: String,
    pub outcome: Option<String>,
    pub summary: String,
    pub team: Option<Link>,
    pub behaviours: Vec<Link>,
}

#[derive(Debug, Clone, Serialize)]
pub struct HomeView {
    pub scoreboard: Option<ScoreboardView>,
    /// Whether any week has been logged: a playbook without data says so.
    pub logging_started: bool,
    /// Playbook pages whose review date has passed by the latest logged week.
    pub due_for_review: Vec<DueView>,
    pub charts: Vec<String>,
    pub title: String,
    pub html: Html,
    pub behaviours: Vec<BehaviourCard>,
    pub guides: Vec<GuideCard>,
    pub stories: Vec<StoryCard>,
}

#[derive(Debug, Clone, Serialize)]
pub struct BehaviourIndexView {
    pub groups: Vec<BehaviourGroup>,
}

#[derive(Debug, Clone, Serialize)]
pub struct BehaviourGroup {
    pub name: String,
    pub items: Vec<BehaviourCard>,
}

#[derive(Debug, Clone, Serialize)]
pub struct BehaviourView {
    pub card: BehaviourCard,
    pub charts: Vec<String>,
    /// Why there is no chart although there is data (a group too small to show).
    pub charts_note: Option<String>,
    pub half_life: f64,
    pub indicators: Vec<String>,
    pub questions: Vec<String>,
    pub html: Html,
    pub toc: Vec<TocEntry>,
    pub guides: Vec<GuideCard>,
    pub stories: Vec<StoryCard>,
}

#[derive(Debug, Clone, Serialize)]
pub struct GuideIndexView {
    pub items: Vec<GuideCard>,
}

#[derive(Debug, Clone, Serialize)]
pub struct GuideView {
    pub card: GuideCard,
    pub html: Html,
    pub toc: Vec<TocEntry>,
    pub stories: Vec<StoryCard>,
}

#[derive(Debug, Clone, Serialize)]
pub struct StoryIndexView {
    pub items: Vec<StoryCard>,
}

#[derive(Debug, Clone, Serialize)]
pub struct StoryView {
    pub card: StoryCard,
    /// Display names of the people featured (consenting stories only in anonymous builds).
    pub people: Vec<String>,
    pub html: Html,
}

#[derive(Debug, Clone, Serialize)]
pub struct PageView {
    pub title: String,
    pub summary: Option<String>,
    pub html: Html,
    pub toc: Vec<TocEntry>,
    /// Pages in this page's folder (`pages/hulp/*.md` under `pages/hulp/index.md`).
    pub children: Vec<PageCard>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PageCard {
    pub title: String,
    pub route: String,
    pub summary: Option<String>,
}

/// Every kind of page body, serialised as `page` in the template context.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum Body {
    Home(Box<HomeView>),
    BehaviourIndex(BehaviourIndexView),
    Behaviour(Box<BehaviourView>),
    GuideIndex(GuideIndexView),
    Guide(GuideView),
    StoryIndex(StoryIndexView),
    Story(StoryView),
    Page(PageView),
    Changes(ChangesView),
    TeamIndex(TeamIndexView),
    Team(Box<TeamView>),
    Person(Box<PersonView>),
    Coaching(Box<CoachingView>),
    Health(HealthView),
    Report(Box<ReportView>),
    ReportIndex(ReportIndexView),
    Empty {},
    /// A view drawn only when its page is rendered (see [`Later`]); never
    /// serialised: it is replaced by the view before the page's key is taken.
    #[serde(skip)]
    Later(Later),
}

/// A page whose view is drawn as the page is rendered and dropped with it,
/// instead of with every other view before the first page: a person's
/// page holds its charts (~60 KB of SVG), which for 20,000 people was
/// nearly a third of the build's peak memory (4.24 GB, now 2.94 GB).
#[derive(Debug, Clone)]
pub enum Later {
    /// The person at this index of the team data, with their stories.
    Person { index: usize, stories: Vec<StoryCard> },
}

/// One page to render: where, with which template, and what.
#[derive(Debug, Clone)]
pub struct PageJob {
    pub route: String,
    pub template: &'static str,
    /// Section key for the navigation's active state.
    pub section: &'static str,
    pub title: String,
    pub description: String,
    pub review: Option<ReviewView>,
    pub body: Body,
    /// What the search index reads of the page besides its title.
    pub search_text: SearchText,
}

/// A page's text for the search index: front-matter text, then the text of
/// the Markdown document it shows, which is read from the rendered
/// document when the index is built (not copied into every page's job).
/// Empty: the index takes the page's description.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchText {
    /// Front-matter text (summary, indicators, …), joined by spaces.
    pub extra: String,
    /// Source path of the document whose text follows.
    pub source: Option<String>,
}

impl From<&str> for SearchText {
    fn from(extra: &str) -> Self {
        SearchText {
            extra: extra.into(),
            source: None,
        }
    }
}

/// A consistency figure with its level, ready to show: CR beside its label, always.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Figure {
    /// The rate (0–1); `None` when undefined or suppressed.
    pub value: Option<f64>,
    /// `consistent`, `developing`, `incidental`, `absent` or `insufficient`.
    pub level: String,
    /// Change against the comparison point (0–1 scale); `None` when either side is undefined.
    pub change: Option<f64>,
    /// `up`, `down` or `flat` (changes within half a point are flat).
    pub trend: &'static str,
    /// The figure may not be shown in this build.
    pub suppressed: bool,
    /// Why, in the page's words (else the general "group too small").
    pub why: Option<String>,
    /// Against the goal, where a page puts the goal beside the figure:
    /// `met` or `below`, said apart from the level.
    pub goal: Option<&'static str>,
}

/// The players' scoreboard: are we winning?
#[derive(Debug, Clone, Serialize)]
pub struct ScoreboardView {
    pub as_of: String,
    /// The headline's measure and period in words.
    pub period: String,
    /// The point the change compares with, in words.
    pub since: Option<String>,
    /// The latest monthly report: one click from the scoreboard.
    pub latest_report: Option<Link>,
    pub overall: Figure,
    pub goal: f64,
    pub winning: bool,
    /// Reps per level now: (level, count), and their total.
    pub levels: Vec<(String, usize)>,
    pub level_total: usize,
    /// Why the levels are not shown (a count too small).
    pub levels_note: Option<String>,
    pub teams: Vec<TeamCard>,
    /// The plain-language sentence under the scoreboard.
    pub sentence: String,
    /// Managers as a group, or why they are not shown.
    pub managers: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TeamCard {
    pub id: String,
    pub name: String,
    pub route: String,
    pub figure: Figure,
    pub reps: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct TeamIndexView {
    pub teams: Vec<TeamCard>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PersonRow {
    pub name: String,
    /// Person page (named builds only).
    pub route: Option<String>,
    pub figure: Figure,
    pub spark: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct TeamView {
    pub card: TeamCard,
    /// The team's coaching page, in builds that have one.
    pub coaching_route: Option<String>,
    /// The sparklines' scale and period, for the table header.
    pub spark_scale: Option<String>,
    pub manager: Option<String>,
    pub role_model_gap: Option<f64>,
    pub manager_figure: Option<Figure>,
    /// Why manager figures are not shown per team.
    pub managers_note: Option<String>,
    pub coaching_coverage: Option<f64>,
    pub coaching_minutes: Option<f64>,
    pub coaching_month: String,
    pub charts: Vec<String>,
    pub people: Vec<PersonRow>,
    pub stories: Vec<StoryCard>,
}

#[derive(Debug, Clone, Serialize)]
pub struct BehaviourRow {
    pub title: String,
    pub route: String,
    pub figure: Figure,
    pub hits: u32,
    pub eligible: u32,
    pub strength: f64,
    pub spark: String,
    pub streak_current: u32,
    pub streak_longest: u32,
    pub coverage: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SessionView {
    pub date: String,
    pub coach: String,
    pub minutes: f64,
    pub behaviours: Vec<Link>,
    pub commitment: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PersonView {
    pub name: String,
    pub team: Option<Link>,
    pub role: String,
    pub figure: Figure,
    pub behaviours: Vec<BehaviourRow>,
    pub charts: Vec<String>,
    pub sessions: Vec<SessionView>,
    pub stories: Vec<StoryCard>,
    /// Counts the build's person views while they are held.
    #[serde(skip)]
    pub held: Held,
}

/// How many of a build's views are held at once, and the most there were:
/// a build without a memo draws each person's view as its page is
/// rendered, so it holds a few, not one per person.
#[derive(Debug, Default)]
pub struct ViewCount {
    now: std::sync::atomic::AtomicUsize,
    most: std::sync::atomic::AtomicUsize,
}

impl ViewCount {
    /// The most views held at once so far.
    pub fn most(&self) -> usize {
        self.most.load(std::sync::atomic::Ordering::Relaxed)
    }
}

/// One view's place in its build's [`ViewCount`], given back when the view is dropped.
#[derive(Debug)]
pub struct Held(std::sync::Arc<ViewCount>);

impl Held {
    pub fn new(count: &std::sync::Arc<ViewCount>) -> Held {
        use std::sync::atomic::Ordering::Relaxed;
        let now = count.now.fetch_add(1, Relaxed) + 1;
        count.most.fetch_max(now, Relaxed);
        Held(count.clone())
    }
}

impl Clone for Held {
    fn clone(&self) -> Held {
        Held::new(&self.0)
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        self.0.now.fetch_sub(1, std::sync::atomic::Ordering::Relaxed);
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct HealthRow {
    pub name: String,
    pub missing: Vec<String>,
    pub coverage: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct HealthView {
    pub as_of: String,
    pub teams: Vec<(String, Option<f64>)>,
    pub people: Vec<HealthRow>,
    pub outliers: Vec<(String, String, String, u32, f64)>,
    /// Aggregate builds: counts instead of names.
    pub missing_total: usize,
    pub outlier_total: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReportRow {
    pub title: String,
    /// The month's own CR (secondary); the index leaves it out.
    pub month_cr: Option<f64>,
    pub route: String,
    pub figure: Figure,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReportTeamRow {
    pub name: String,
    /// The team's own month CR (secondary).
    pub month_cr: Option<f64>,
    pub route: String,
    pub figure: Figure,
    pub coaching_coverage: Option<f64>,
    pub coaching_minutes: Option<f64>,
    pub role_model_gap: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Recognition {
    pub name: String,
    pub route: Option<String>,
    pub change: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Commentary {
    pub title: Option<String>,
    pub author: Option<String>,
    pub html: Html,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReportView {
    pub month: String,
    /// The headline's measure and period, and the point its change compares with.
    pub period: String,
    pub since: Option<String>,
    /// "provisional, weeks 45–47 of 45–48" while the month is not over.
    pub provisional: Option<String>,
    /// The month's own CR: a labelled secondary figure, never the headline.
    pub month_cr: Option<f64>,
    /// Page 1: standing against the goal, leading and lagging team, focus.
    pub summary: Vec<String>,
    /// The lead–lag in plain words.
    pub lead_lag_words: Option<String>,
    /// Per-rep coaching minutes target for this month (prorated while partial).
    pub minutes_target: f64,
    pub month_label: String,
    pub title: String,
    pub overall: Figure,
    pub goal: f64,
    pub winning: bool,
    pub sentence: String,
    pub charts: Vec<String>,
    pub behaviours: Vec<ReportRow>,
    pub teams: Vec<ReportTeamRow>,
    pub lead_lag: Option<(Option<f64>, usize)>,
    pub lead_lag_chart: String,
    pub stories: Vec<StoryCard>,
    pub most_improved_team: Option<Recognition>,
    pub most_improved_people: Vec<Recognition>,
    pub commentary: Option<Commentary>,
    pub changes: Vec<ChangeView>,
    pub previous: Option<Link>,
    pub next: Option<Link>,
    /// File name of the self-contained copy, beside the page.
    pub mail_file: String,
    /// The stylesheet inlined in the self-contained copy.
    pub inline_css: String,
    /// Page header in print: report title and month.
    pub print_header: String,
    /// What the level labels mean, and that the goal is apart from them.
    pub levels_key: String,
    /// Managers as a group as of the month's end, or why they are not shown.
    pub managers: Option<String>,
    /// Why the team table's role-model gaps are "–" (builds that do not
    /// show managers per team).
    pub gap_note: Option<String>,
}

impl ReportView {
    /// The figures ritme drew for the report, as they stand in its page.
    pub fn drawn(&self) -> Vec<&str> {
        self.charts
            .iter()
            .chain([&self.lead_lag_chart])
            .map(String::as_str)
            .collect()
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct ReportIndexView {
    pub items: Vec<ReportRow>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DueView {
    pub title: String,
    pub route: String,
    pub review_by: String,
    pub owner: Option<String>,
}

/// A team's coaching page (named builds only).
#[derive(Debug, Clone, Serialize)]
pub struct CoachingView {
    pub team: Link,
    pub intro: String,
    /// The eight weeks of the rhythm tables.
    pub weeks: Vec<String>,
    /// Every state a rhythm cell can have, for the legend.
    pub legend: Vec<RhythmCell>,
    pub reps: Vec<CoachRep>,
}

/// One rep on the coaching page, in the order the page shows it.
#[derive(Debug, Clone, Serialize)]
pub struct CoachRep {
    pub name: String,
    pub route: String,
    pub rhythm: Vec<RhythmRow>,
    pub focus: String,
    pub focus_link: Option<Link>,
    pub commitment: Option<CommitmentView>,
    /// When the latest commitment is from this week: the one before it.
    pub previous: Option<CommitmentView>,
    pub questions: Vec<String>,
    pub questions_note: Option<String>,
    pub recognise: Vec<String>,
    pub last_coached: String,
    pub minutes: String,
    pub due: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct RhythmRow {
    pub behaviour: String,
    pub cells: Vec<RhythmCell>,
}

/// A week's state: a class for the colour, a symbol and a word, so that it
/// reads without colour.
#[derive(Debug, Clone, Serialize)]
pub struct RhythmCell {
    pub state: &'static str,
    pub symbol: &'static str,
    pub label: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct CommitmentView {
    pub date: String,
    pub text: String,
    pub moved: Vec<String>,
}
