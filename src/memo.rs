//! The incremental core of `serve`: what the last build computed, kept
//! with a hash of each stage's inputs, so that the next build recomputes
//! only the stages whose inputs changed.
//!
//! Each table holds one generation: the values of the last build, moved
//! out when this build finds the same key and put back when it is done
//! ([`Memo::keep`]), so nothing large is copied. A key hashes everything
//! the stage reads; the tests compare every memoised rebuild with a clean
//! build byte for byte, so a forgotten input shows as a difference there.
//!
//! | stage | key | kept |
//! |---|---|---|
//! | reading | size, modification and change time, watcher events | each file's text ([`crate::source::FileCache`]) |
//! | Markdown → HTML | body, its place, every route, the Markdown options | each document's HTML |
//! | log files | each log file's text | its parsed documents |
//! | team data | every data file, the behaviour rules | the validated data and its warnings |
//! | metrics | the team data, `ritme.yaml`, the audience | metrics, data health, what may be shown |
//! | data pages | the metrics' key, every document's front matter, story summaries, report commentary, history, strings | the views and page keys of teams, people, coaching, data health and reports |
//! | charts | the chart's input (its numbers, names, id) and the language | each chart's HTML, on any page ([`Charts`]) |

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Arc;

use crate::content::Content;
use crate::diagnostics::Diagnostics;
use crate::markdown::Rendered;
use crate::source::{DataSources, FileCache};
use crate::teamdata::{BehaviourRule, TeamData};

/// What each stage did in the last build: the tests assert on these that
/// the memo really skipped work.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Files read from disk.
    pub files_read: usize,
    /// Files looked at on disk (their size and times, or read).
    pub files_examined: usize,
    /// Page views assembled (or patched, after a body edit).
    pub views_built: usize,
    /// Markdown documents turned into HTML.
    pub markdown_rendered: usize,
    /// Whether the team data was validated (and its changed files parsed).
    pub data_loaded: bool,
    /// Log files parsed: the others were kept from the build before.
    pub logs_parsed: usize,
    /// Whether the metrics were computed.
    pub metrics_computed: bool,
    /// Whether the data pages' views were built again.
    pub data_pages_drawn: bool,
    /// Charts drawn (the others came from the memo).
    pub charts_drawn: usize,
}

/// What this build did, and whether it was a rebuild after a body edit
/// (whose counts are all its own).
#[derive(Default)]
struct BuildCounts {
    counts: Counts,
    body_edit: bool,
}

/// The team data as loaded: the data and its warnings, or its errors.
pub type Loaded = Result<(Arc<TeamData>, Diagnostics), Diagnostics>;

/// Everything the metrics stage derives from the data for one audience.
pub struct Derived {
    /// The data restricted to what the audience may see (the parsed data
    /// itself, shared, when the audience sees every team).
    pub data: Arc<TeamData>,
    pub metrics: crate::metrics::Metrics,
    pub health: crate::datahealth::DataHealth,
    pub visible: crate::visible::Visible,
}

/// The memo tables `serve` keeps between rebuilds.
#[derive(Default)]
pub struct Memo {
    pub files: FileCache,
    /// Source path → (key, HTML) of each Markdown document.
    markdown: HashMap<String, (u64, Rendered)>,
    /// This build's Markdown keys, until [`Memo::keep`] pairs them with the HTML.
    markdown_keys: HashMap<String, u64>,
    data: Option<(u64, Loaded)>,
    /// Each log file's parsed documents, by its text.
    logs: crate::teamdata::LogMemo,
    derived: Option<(u64, Arc<Derived>)>,
    /// The key of the last `derived`, for the views drawn from it.
    pub(crate) derived_key: u64,
    pub(crate) data_pages: DataPages,
    counts: BuildCounts,
    /// The last good build, whole, while its files and documents are not
    /// handed back to the tables above: a rebuild after edits to page
    /// bodies only starts from it (see `pipeline::build_incremental`).
    pub(crate) last: Option<Box<crate::pipeline::Last>>,
}

impl Memo {
    pub fn new() -> Self {
        Self::default()
    }

    /// What the last build computed afresh.
    pub fn counts(&self) -> Counts {
        if self.counts.body_edit {
            return self.counts.counts;
        }
        Counts {
            files_read: self.files.reads(),
            files_examined: self.files.examined(),
            data_pages_drawn: self.data_pages.drawn(),
            charts_drawn: self.data_pages.charts.drawn(),
            ..self.counts.counts
        }
    }

    pub(crate) fn start(&mut self) {
        self.counts = BuildCounts::default();
        self.data_pages.charts.start();
    }

    /// Records what a rebuild after a body edit did.
    pub(crate) fn body_edit(&mut self, counts: Counts) {
        self.counts = BuildCounts {
            counts,
            body_edit: true,
        };
    }

    /// Records how many page views the build assembled.
    pub(crate) fn views_built(&mut self, n: usize) {
        self.counts.counts.views_built = n;
    }

    /// Records a document's new Markdown key (a body edit rendered it).
    pub(crate) fn markdown_key(&mut self, rel: &str, key: u64) {
        self.markdown_keys.insert(rel.to_string(), key);
    }

    /// Hands the last build's files and documents back to the tables of
    /// the stages, for a rebuild that runs them.
    pub(crate) fn unpack_last(&mut self) {
        if let Some(last) = self.last.take() {
            let (sources, rendered) = last.into_parts();
            self.keep_markdown(rendered);
            self.files.keep(sources);
        }
    }

    /// Takes back a build's Markdown output for the next build.
    pub(crate) fn keep_markdown(&mut self, rendered: BTreeMap<String, Rendered>) {
        let keys = std::mem::take(&mut self.markdown_keys);
        self.markdown = rendered
            .into_iter()
            .filter_map(|(rel, r)| Some((rel.clone(), (*keys.get(&rel)?, r))))
            .collect();
    }

    /// Every Markdown document's HTML, rendering only documents whose key
    /// changed (the renderer's keyed stage, fed from this memo).
    pub(crate) fn render_markdown(
        &mut self,
        content: &Content,
        options: &crate::config::MarkdownOptions,
    ) -> BTreeMap<String, Rendered> {
        let cache = crate::cache::Markdown {
            docs: std::mem::take(&mut self.markdown).into_values().collect(),
            ..Default::default()
        };
        let (rendered, keys, ran) = crate::render::render_markdown_cached(content, options, cache);
        self.markdown_keys = keys.into_iter().collect();
        self.counts.counts.markdown_rendered = ran;
        rendered
    }

    /// The team data, loaded and validated again only when a data file or
    /// a behaviour rule changed.
    pub(crate) fn team_data(
        &mut self,
        data: &DataSources,
        rules: &[BehaviourRule],
        rejected: &BTreeSet<String>,
    ) -> (u64, Loaded) {
        let key = data_key(data, rules, rejected);
        if let Some((was, loaded)) = &self.data
            && *was == key
        {
            return (key, loaded.clone());
        }
        self.counts.counts.data_loaded = true;
        let loaded = crate::teamdata::load_cached(data, rules, rejected, &mut self.logs).map(|(d, w)| (Arc::new(d), w));
        self.counts.counts.logs_parsed = self.logs.parsed();
        self.data = Some((key, loaded.clone()));
        (key, loaded)
    }

    /// The metrics stage's output for `key`, computed by `compute` only
    /// when the key changed.
    pub(crate) fn derived(&mut self, key: u64, compute: impl FnOnce() -> Derived) -> Arc<Derived> {
        self.derived_key = key;
        if let Some((was, d)) = &self.derived
            && *was == key
        {
            return d.clone();
        }
        self.counts.counts.metrics_computed = true;
        let d = Arc::new(compute());
        self.derived = Some((key, d.clone()));
        d
    }
}

/// The team data, loaded without a memo.
pub(crate) fn load(data: &DataSources, rules: &[BehaviourRule], rejected: &BTreeSet<String>) -> Loaded {
    crate::teamdata::load_with(data, rules, rejected).map(|(d, w)| (Arc::new(d), w))
}

/// A hash of everything the team data stage reads.
pub(crate) fn data_key(data: &DataSources, rules: &[BehaviourRule], rejected: &BTreeSet<String>) -> u64 {
    let mut h = DefaultHasher::new();
    let files = data
        .team
        .iter()
        .chain(&data.logs)
        .chain(&data.coaching)
        .chain(data.outcomes.iter());
    for f in files {
        (&f.rel, &f.text).hash(&mut h);
    }
    // The files of each kind are hashed in turn: a file moved from one
    // kind to another changes the key.
    (
        data.team.is_some(),
        data.logs.len(),
        data.coaching.len(),
        data.outcomes.is_some(),
    )
        .hash(&mut h);
    for r in rules {
        (&r.id, r.target, &r.roles, r.half_life.map(f64::to_bits)).hash(&mut h);
    }
    rejected.hash(&mut h);
    h.finish()
}

/// The data pages (teams, people, coaching, data health, reports) of the
/// last build with their page keys: drawing their views (every chart of
/// every person) is most of a data-heavy build, and a playbook edit rarely
/// changes them.
#[derive(Default)]
pub struct DataPages {
    inner: std::sync::Mutex<DataPagesInner>,
    /// The charts of every page, by input: a change that builds the views
    /// again (a story's summary, a title) redraws only the charts whose
    /// input it changed, and pages outside the data pages (home, the
    /// behaviours) take theirs from here on every rebuild.
    pub(crate) charts: Charts,
}

#[derive(Default)]
struct DataPagesInner {
    /// The key of every input of the views, and of what all pages share.
    key: u64,
    shared: u64,
    jobs: Vec<crate::render::views::PageJob>,
    keys: Vec<u64>,
    /// Where this build's data pages are in its list of pages, and whether
    /// they came from the memo.
    range: std::ops::Range<usize>,
    reused: bool,
    /// Whether the last build drew the data pages' views.
    drawn: bool,
}

impl DataPages {
    /// The data pages for `key`: the last build's, or `draw`'s.
    pub(crate) fn jobs(
        &self,
        key: u64,
        at: usize,
        draw: impl FnOnce() -> Vec<crate::render::views::PageJob>,
    ) -> Vec<crate::render::views::PageJob> {
        let mut m = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let jobs = if m.key == key && !m.jobs.is_empty() {
            m.reused = true;
            m.drawn = false;
            std::mem::take(&mut m.jobs)
        } else {
            m.reused = false;
            m.drawn = true;
            m.keys.clear();
            m.key = key;
            draw()
        };
        m.range = at..at + jobs.len();
        jobs
    }

    /// The page key of the job at `index`, when the memo knows it.
    pub(crate) fn page_key(&self, index: usize, shared: u64) -> Option<u64> {
        let m = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if !m.reused || m.shared != shared || !m.range.contains(&index) {
            return None;
        }
        m.keys.get(index - m.range.start).copied()
    }

    /// Takes back this build's data pages and every page's key.
    pub(crate) fn keep(&self, jobs: &mut Vec<crate::render::views::PageJob>, keys: &[(String, u64)], shared: u64) {
        let mut m = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let range = m.range.clone();
        if range.end > jobs.len() || keys.len() != jobs.len() {
            m.key = 0;
            return;
        }
        m.keys = keys[range.clone()].iter().map(|(_, k)| *k).collect();
        m.jobs = jobs.drain(range).collect();
        m.shared = shared;
        if m.drawn {
            // Every page asked for its charts in this build: the rest is stale.
            self.charts.sweep();
        }
    }

    /// Whether the last build drew the data pages' views.
    pub fn drawn(&self) -> bool {
        self.inner.lock().unwrap_or_else(|e| e.into_inner()).drawn
    }
}

/// Drawn charts (their HTML) by the key of their input.
#[derive(Default)]
pub struct Charts {
    inner: std::sync::Mutex<ChartsInner>,
}

#[derive(Default)]
struct ChartsInner {
    /// Key → the chart's HTML and the build that last asked for it.
    html: HashMap<u64, (String, u64)>,
    build: u64,
    drawn: usize,
}

impl Charts {
    fn lock(&self) -> std::sync::MutexGuard<'_, ChartsInner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn start(&self) {
        let mut m = self.lock();
        m.build += 1;
        m.drawn = 0;
    }

    /// The chart with `key`, drawn by `draw` only when no build drew it.
    pub(crate) fn get_or_draw(&self, key: u64, draw: impl FnOnce() -> String) -> String {
        {
            let mut m = self.lock();
            let build = m.build;
            if let Some((html, used)) = m.html.get_mut(&key) {
                *used = build;
                return html.clone();
            }
        }
        // Drawn outside the lock: the other threads draw theirs meanwhile.
        let html = draw();
        let mut m = self.lock();
        m.drawn += 1;
        let build = m.build;
        m.html.insert(key, (html.clone(), build));
        html
    }

    /// Forgets the charts this build did not ask for.
    fn sweep(&self) {
        let mut m = self.lock();
        let build = m.build;
        m.html.retain(|_, (_, used)| *used == build);
    }

    /// How many charts this build drew.
    pub fn drawn(&self) -> usize {
        self.lock().drawn
    }
}

/// Feeds a value's `Debug` text to a hasher: the views' inputs that have
/// no `Hash` (front matter, history) are hashed through it, field by field.
pub(crate) fn hash_debug(h: &mut DefaultHasher, value: &impl std::fmt::Debug) {
    struct Sink<'a>(&'a mut DefaultHasher);
    impl std::fmt::Write for Sink<'_> {
        fn write_str(&mut self, s: &str) -> std::fmt::Result {
            self.0.write(s.as_bytes());
            Ok(())
        }
    }
    let _ = std::fmt::write(&mut Sink(h), format_args!("{value:?}"));
}
