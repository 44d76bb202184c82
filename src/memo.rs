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
//! | team data | every data file, the behaviour rules | the validated data and its warnings; after an edit to log files only, patched with those files' entries ([`Memo::team_data`]) |
//! | metrics | the team data, `ritme.yaml`, the audience | metrics, data health, what may be shown; after a patch, the figures of everyone else and of the months the edited people's do not reach ([`crate::metrics::compute_reusing`]) |
//! | data pages | the metrics' key, every document's front matter, story summaries, report commentary, history, strings | the views and page keys of teams, people, coaching, data health and reports |
//! | a person's, team's or coaching page | the page's own data and figures, and what every such page reads (documents, strings, names, settings, weeks) | its view and page key ([`DataPages::view_job`]) |
//! | charts | the chart's input (its numbers, names, id) and the language | each chart's HTML, on any page ([`Charts`]) |
//! | `metrics.json` | each person's figures that it prints | each person's entry ([`Memo::metrics_json`]) |

use crate::hash::KeyHasher;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::hash::{Hash, Hasher};
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
    /// Data pages' views built afresh (the others were the last build's,
    /// their inputs the same).
    pub data_views_built: usize,
    /// Whether the team data was the last build's with the entries of the
    /// edited log files replaced (instead of loaded whole).
    pub data_patched: bool,
    /// People whose figures were computed (the others were the last build's).
    pub people_computed: usize,
    /// Charts drawn (the others came from the memo).
    pub charts_drawn: usize,
    /// People's entries of `metrics.json` printed (the others were the
    /// last build's, their figures the same).
    pub json_entries_written: usize,
    /// Whether the last build's people's figures were handed to this
    /// build's metrics instead of copied ([`crate::visible::Visible::hand_on_people`]).
    pub figures_handed_on: bool,
    /// Weeks and months whose visible figures were decided afresh (the
    /// others were the last build's decisions, their inputs the same).
    pub weeks_decided: usize,
    pub months_decided: usize,
    /// People whose data health was assessed afresh.
    pub health_assessed: usize,
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
    /// Shared with the data pages' memo, which compares the next build's
    /// figures with these.
    pub visible: Arc<crate::visible::Visible>,
    /// People whose data health was assessed (the others' was the last
    /// build's).
    pub health_assessed: usize,
}

/// What the metrics of the next build may take from the last one's: the
/// data changed only in the log entries of `changed`.
pub(crate) struct Reuse {
    /// The key of the metrics' inputs besides the data.
    pub rest: u64,
    pub metrics: crate::metrics::Metrics,
    pub changed: BTreeSet<String>,
    /// What the visible stage decided from `metrics`.
    decided: Arc<crate::visible::Decided>,
    /// The data health found with `metrics`.
    health: crate::datahealth::DataHealth,
}

impl Reuse {
    /// The metrics and data health of `data`, computed again only for the
    /// changed people, with how many people's health was assessed, and
    /// what the visible stage may take from the last build's: its
    /// decisions, and the changed people's figures as they were (taken
    /// before [`crate::metrics::compute_reusing`] consumes the metrics).
    pub(crate) fn compute(
        self,
        data: &TeamData,
        rules: &[BehaviourRule],
        config: &crate::config::Config,
    ) -> (
        crate::metrics::Metrics,
        crate::datahealth::DataHealth,
        usize,
        crate::visible::Prior,
    ) {
        let prior = crate::visible::Prior::new(self.decided, &self.metrics.people, &self.changed);
        let weeks = self.metrics.weeks.clone();
        let metrics = crate::metrics::compute_reusing(data, rules, config, self.metrics, &self.changed);
        let last = crate::datahealth::Last {
            health: self.health,
            weeks: &weeks,
            changed: &self.changed,
        };
        let (health, assessed) = crate::datahealth::assess_reusing(data, &metrics, Some(last));
        (metrics, health, assessed, prior)
    }
}

/// What the last load read, for a rebuild after an edit to log files only.
struct DataInputs {
    /// The key of everything the load reads but the log files' texts.
    rest: u64,
    /// Each log file's text.
    logs: HashMap<String, String>,
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
    /// The key of the metrics' inputs besides the data, and the data's
    /// key, of `derived`.
    derived_inputs: (u64, u64),
    /// The inputs of `data`, file by file.
    data_inputs: Option<DataInputs>,
    /// The last metrics, while the data was patched since.
    reuse: Option<Reuse>,
    /// The last patched log file as checked alone: (path, text, data,
    /// warnings), the "before" of the next edit to it.
    alone: Option<(String, String, crate::teamdata::TeamData, Diagnostics)>,
    /// The key of the last `derived`, for the views drawn from it.
    pub(crate) derived_key: u64,
    pub(crate) data_pages: DataPages,
    /// Each person's entry of `metrics.json`, by id: (key of the figures
    /// it prints, the entry).
    json_entries: HashMap<String, (u64, Arc<str>)>,
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
            data_views_built: self.data_pages.views_built(),
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

    /// `metrics.json`, printing only the entries of the people whose
    /// figures in it changed since the last build.
    pub(crate) fn metrics_json(&mut self, m: &crate::metrics::Metrics, people: crate::metrics::json::People) -> String {
        use crate::metrics::json;
        let mut old = std::mem::take(&mut self.json_entries);
        let mut kept = HashMap::with_capacity(m.people.len());
        let mut written = 0;
        let text = json::metrics_json_with(m, people, &mut |id, p| {
            let key = json::person_entry_key(p);
            let entry = match old.remove(id) {
                Some((was, entry)) if was == key => entry,
                _ => {
                    written += 1;
                    Arc::from(json::person_entry(p))
                }
            };
            kept.insert(id.to_string(), (key, Arc::clone(&entry)));
            entry
        });
        self.json_entries = kept;
        self.counts.counts.json_entries_written = written;
        text
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
            docs: std::mem::take(&mut self.markdown)
                .into_values()
                .map(|(k, r)| (k, crate::cache::Kept::Whole(r)))
                .collect(),
            ..Default::default()
        };
        let (rendered, keys, ran) = crate::render::render_markdown_cached(content, options, cache);
        self.markdown_keys = keys.into_iter().collect();
        self.counts.counts.markdown_rendered = ran;
        rendered
    }

    /// The team data, loaded and validated again only when a data file or
    /// a behaviour rule changed; after an edit to log files only, the last
    /// data with those files' entries replaced.
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
        let rest = rest_key(data, rules, rejected);
        if let Some(loaded) = self.patch(data, rules, rejected, rest) {
            self.counts.counts.data_patched = true;
            self.data = Some((key, loaded.clone()));
            return (key, loaded);
        }
        self.reuse = None;
        self.alone = None;
        let loaded = crate::teamdata::load_cached(data, rules, rejected, &mut self.logs).map(|(d, w)| (Arc::new(d), w));
        self.counts.counts.logs_parsed = self.logs.parsed();
        self.data_inputs = Some(DataInputs {
            rest,
            logs: data.logs.iter().map(|f| (f.rel.clone(), f.text.clone())).collect(),
        });
        if let Some((_, old)) = self.data.replace((key, loaded.clone())) {
            // A data-heavy site's data takes a tenth of a second to free.
            std::thread::spawn(move || drop(old));
        }
        (key, loaded)
    }

    /// The last data with the entries of the changed log files replaced,
    /// when that is what loading everything would give: nothing but log
    /// texts changed, each changed file checks alone without errors and
    /// with the warnings it had, names the same weeks, and none of its
    /// entries is also in another file. `None`: load everything.
    fn patch(
        &mut self,
        data: &DataSources,
        rules: &[BehaviourRule],
        rejected: &BTreeSet<String>,
        rest: u64,
    ) -> Option<Loaded> {
        let inputs = self.data_inputs.as_ref().filter(|i| i.rest == rest)?;
        let Some((old_key, Ok((old, warnings)))) = &self.data else {
            return None;
        };
        let changed: Vec<&crate::source::SourceFile> = data
            .logs
            .iter()
            .filter(|f| inputs.logs.get(&f.rel) != Some(&f.text))
            .collect();
        if changed.is_empty() || changed.len() > 8 {
            return None;
        }
        let alone = |rel: &str, text: &str| {
            let one = DataSources {
                team: data.team.clone(),
                logs: vec![crate::source::SourceFile {
                    rel: rel.to_string(),
                    text: text.to_string(),
                }],
                ..Default::default()
            };
            crate::teamdata::load_cached(&one, rules, rejected, &mut Default::default()).ok()
        };
        let mut edits = Vec::new();
        let mut last_alone = self.alone.take();
        for f in &changed {
            let was = inputs.logs.get(&f.rel)?;
            let (before, said_before) = match last_alone.take() {
                Some((rel, text, d, w)) if rel == f.rel && text == *was => (d, w),
                _ => alone(&f.rel, was)?,
            };
            let (after, said_after) = alone(&f.rel, &f.text)?;
            let same_words = said_before.iter().eq(said_after.iter());
            if !same_words || before.logged_weeks != after.logged_weeks {
                return None;
            }
            let elsewhere = after
                .sources
                .keys()
                .any(|k| old.sources.get(k).is_some_and(|s| s.file != f.rel));
            if elsewhere {
                return None;
            }
            edits.push((f.rel.clone(), before, after, said_after));
        }
        let (old_key, warnings) = (*old_key, warnings.clone());
        let mut people = BTreeSet::new();
        for (_, before, after, _) in &edits {
            let keys = before.logs.keys().chain(after.logs.keys());
            people.extend(
                keys.filter(|k| before.logs.get(*k) != after.logs.get(*k))
                    .map(|(id, _)| id.clone()),
            );
        }
        // The last metrics, without their hold on the data, so that the
        // data is changed in place (copying it costs more than the edit).
        let reusable = self.derived_inputs.1 == old_key;
        match self.derived.take() {
            Some((_, derived)) => match Arc::try_unwrap(derived) {
                Ok(Derived {
                    metrics,
                    visible,
                    health,
                    ..
                }) => {
                    self.reuse = reusable.then(|| Reuse {
                        rest: self.derived_inputs.0,
                        metrics,
                        changed: people.clone(),
                        decided: visible.decided(),
                        health,
                    });
                }
                Err(_) => self.reuse = None,
            },
            // A build that failed after the last patch: its edits add up.
            None => {
                if let Some(r) = &mut self.reuse {
                    r.changed.extend(people.iter().cloned());
                }
            }
        }
        let Some((_, Ok((arc, _)))) = self.data.take() else {
            return None;
        };
        let mut arc = arc;
        let team = Arc::make_mut(&mut arc);
        if let [(rel, _, after, said)] = edits.as_slice()
            && let Some(f) = changed.first()
        {
            self.alone = Some((rel.clone(), f.text.clone(), after.clone(), said.clone()));
        }
        for (rel, before, after, _) in edits {
            for k in before.logs.keys() {
                if !after.logs.contains_key(k) {
                    team.logs.remove(k);
                    team.sources.remove(k);
                }
            }
            let crate::teamdata::TeamData { logs, sources, .. } = after;
            team.sources.extend(sources);
            team.logs.extend(logs);
            if let Some(text) = data.logs.iter().find(|f| f.rel == rel).map(|f| f.text.clone())
                && let Some(inputs) = &mut self.data_inputs
            {
                inputs.logs.insert(rel, text);
            }
        }
        // Each changed file was parsed (as it was and as it is).
        self.counts.counts.logs_parsed = changed.len();
        Some(Ok((arc, warnings)))
    }

    /// The metrics stage's output for `key`, computed by `compute` only
    /// when the key changed. `rest` is the key of its inputs besides the
    /// data (whose key is `data`); `compute` is given the last metrics when
    /// only some people's log entries changed since.
    pub(crate) fn derived(
        &mut self,
        key: u64,
        (rest, data): (u64, u64),
        compute: impl FnOnce(Option<Reuse>) -> Derived,
    ) -> Arc<Derived> {
        self.derived_key = key;
        if let Some((was, d)) = &self.derived
            && *was == key
        {
            return d.clone();
        }
        self.counts.counts.metrics_computed = true;
        if let Some((_, old)) = self.derived.take() {
            std::thread::spawn(move || drop(old));
        }
        let reuse = self.reuse.take().filter(|r| r.rest == rest);
        if let Some(r) = &reuse {
            self.counts.counts.figures_handed_on = self.data_pages.hand_on_people(&r.changed);
        }
        let people = data_people(self.data.as_ref());
        self.counts.counts.people_computed = reuse.as_ref().map_or(people, |r| r.changed.len());
        let d = Arc::new(compute(reuse));
        (self.counts.counts.weeks_decided, self.counts.counts.months_decided) = d.visible.decided_afresh();
        self.counts.counts.health_assessed = d.health_assessed;
        self.derived = Some((key, d.clone()));
        self.derived_inputs = (rest, data);
        d
    }
}

/// How many people the loaded data has.
fn data_people(data: Option<&(u64, Loaded)>) -> usize {
    match data {
        Some((_, Ok((d, _)))) => d.people.len(),
        _ => 0,
    }
}

/// A hash of everything the team data stage reads but the log files' texts.
fn rest_key(data: &DataSources, rules: &[BehaviourRule], rejected: &BTreeSet<String>) -> u64 {
    let mut h = KeyHasher::new();
    for f in data.team.iter().chain(&data.coaching).chain(data.outcomes.iter()) {
        (&f.rel, &f.text).hash(&mut h);
    }
    for f in &data.logs {
        f.rel.hash(&mut h);
    }
    hash_kinds_and_rules(&mut h, data, rules, rejected);
    h.finish()
}

/// Hashes how many files of each kind there are, the behaviour rules and
/// the rejected ids: what both data keys read beside the files.
fn hash_kinds_and_rules(h: &mut KeyHasher, data: &DataSources, rules: &[BehaviourRule], rejected: &BTreeSet<String>) {
    (
        data.team.is_some(),
        data.logs.len(),
        data.coaching.len(),
        data.outcomes.is_some(),
    )
        .hash(h);
    for r in rules {
        (&r.id, r.target, &r.roles, r.half_life.map(f64::to_bits)).hash(h);
    }
    rejected.hash(h);
}

/// The team data, loaded without a memo.
pub(crate) fn load(data: &DataSources, rules: &[BehaviourRule], rejected: &BTreeSet<String>) -> Loaded {
    crate::teamdata::load_with(data, rules, rejected).map(|(d, w)| (Arc::new(d), w))
}

/// A hash of everything the team data stage reads.
pub(crate) fn data_key(data: &DataSources, rules: &[BehaviourRule], rejected: &BTreeSet<String>) -> u64 {
    let mut h = KeyHasher::new();
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
    hash_kinds_and_rules(&mut h, data, rules, rejected);
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
    /// The figures `jobs` were drawn from, and the key of the other
    /// inputs of each person's page with its place in `jobs`, by route.
    visible: Option<Arc<crate::visible::Visible>>,
    people: HashMap<String, (u64, usize)>,
    /// This build: its figures, the key of what every person's page reads
    /// besides the person's own, each person page's key, and the page
    /// keys of the pages taken from `jobs` one by one.
    current: Option<Arc<crate::visible::Visible>>,
    base: u64,
    inputs: HashMap<String, u64>,
    taken: HashMap<String, u64>,
    /// Where this build's data pages are in its list of pages, and whether
    /// they came from the memo.
    range: std::ops::Range<usize>,
    reused: bool,
    /// Whether the last build drew the data pages' views, and how many.
    drawn: bool,
    views: usize,
}

/// What a taken job leaves in its place: never a page (its template is none).
fn taken_job(route: &str) -> crate::render::views::PageJob {
    crate::render::views::PageJob {
        route: route.to_string(),
        template: "",
        section: "",
        title: String::new(),
        description: String::new(),
        review: None,
        body: crate::render::views::Body::Empty {},
        search_text: Default::default(),
    }
}

impl DataPages {
    fn lock(&self) -> std::sync::MutexGuard<'_, DataPagesInner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The figures this build's views are drawn from.
    pub(crate) fn begin(&self, visible: Arc<crate::visible::Visible>) {
        self.lock().current = Some(visible);
    }

    /// Lets the next metrics take over the last build's people's figures
    /// (see [`crate::visible::Visible::hand_on_people`]), when no one else
    /// holds that build's figures.
    fn hand_on_people(&self, changed: &BTreeSet<String>) -> bool {
        let mut m = self.lock();
        match m.visible.as_mut().and_then(Arc::get_mut) {
            Some(v) if v.mode == crate::config::PrivacyMode::Named => {
                v.hand_on_people(changed);
                true
            }
            _ => false,
        }
    }

    /// The data pages for `key`: the last build's, or `draw`'s. `base` is
    /// the key of what every person's page reads besides the person's own
    /// figures and data (see [`DataPages::person_job`]).
    pub(crate) fn jobs(
        &self,
        key: u64,
        base: u64,
        at: usize,
        draw: impl FnOnce() -> Vec<crate::render::views::PageJob>,
    ) -> Vec<crate::render::views::PageJob> {
        let mut m = self.lock();
        m.inputs.clear();
        m.taken.clear();
        let jobs = if m.key == key && !m.jobs.is_empty() {
            m.reused = true;
            m.drawn = false;
            m.views = 0;
            std::mem::take(&mut m.jobs)
        } else {
            m.reused = false;
            m.drawn = true;
            m.key = key;
            m.base = base;
            // Drawn without the lock: each person's view asks for it.
            drop(m);
            let jobs = draw();
            m = self.lock();
            m.views = jobs.len() - m.taken.len();
            jobs
        };
        m.range = at..at + jobs.len();
        jobs
    }

    /// A person's, team's or coaching page: the last build's when the
    /// figures it reads (`same` compares the last build's with this one's)
    /// and every other input are the same, else `make`'s. `inputs` is the
    /// key of the page's own data (a person's record, team, sessions and
    /// stories, say); the rest of what the view reads is in the base key
    /// given to [`DataPages::jobs`].
    pub(crate) fn view_job(
        &self,
        route: String,
        template: &str,
        inputs: u64,
        same: impl FnOnce(&crate::visible::Visible, &crate::visible::Visible) -> bool,
        make: impl FnOnce() -> Option<crate::render::views::PageJob>,
    ) -> Option<crate::render::views::PageJob> {
        let mut m = self.lock();
        let key = {
            let mut h = KeyHasher::new();
            (m.base, template, inputs).hash(&mut h);
            h.finish()
        };
        m.inputs.insert(route.clone(), key);
        let figures_same = match (&m.visible, &m.current) {
            (Some(was), Some(now)) => Arc::ptr_eq(was, now) || same(was, now),
            _ => false,
        };
        if let Some(&(k, i)) = m.people.get(&route)
            && k == key
            && figures_same
            && m.jobs
                .get(i)
                .is_some_and(|j| j.route == route && j.template == template)
        {
            let job = std::mem::replace(&mut m.jobs[i], taken_job(&route));
            if let Some(&page_key) = m.keys.get(i) {
                m.taken.insert(route, page_key);
            }
            return Some(job);
        }
        drop(m);
        make()
    }

    /// The page key of the job at `index` (with `route`), when the memo
    /// knows it.
    pub(crate) fn page_key(&self, index: usize, route: &str, shared: u64) -> Option<u64> {
        let m = self.lock();
        if m.shared != shared || !m.range.contains(&index) {
            return None;
        }
        if m.reused {
            return m.keys.get(index - m.range.start).copied();
        }
        m.taken.get(route).copied()
    }

    /// Takes back this build's data pages and every page's key.
    pub(crate) fn keep(&self, jobs: &mut Vec<crate::render::views::PageJob>, keys: &[(String, u64)], shared: u64) {
        let mut m = self.lock();
        let range = m.range.clone();
        let current = m.current.take();
        let old = if range.end > jobs.len() || keys.len() != jobs.len() {
            m.key = 0;
            m.people.clear();
            (std::mem::take(&mut m.jobs), m.visible.take())
        } else {
            m.keys = keys[range.clone()].iter().map(|(_, k)| *k).collect();
            let old_jobs = std::mem::replace(&mut m.jobs, jobs.drain(range).collect());
            m.shared = shared;
            let old_visible = if m.reused {
                None
            } else {
                let inputs = std::mem::take(&mut m.inputs);
                let people = m
                    .jobs
                    .iter()
                    .enumerate()
                    .filter_map(|(i, j)| Some((j.route.clone(), (*inputs.get(&j.route)?, i))))
                    .collect();
                m.people = people;
                std::mem::replace(&mut m.visible, current)
            };
            (old_jobs, old_visible)
        };
        if m.drawn {
            // Every page asked for its charts in this build: the rest is stale.
            self.charts.sweep();
        }
        drop(m);
        // Freeing the last build's views and figures is no one's wait.
        std::thread::spawn(move || drop(old));
    }

    /// Whether the last build drew the data pages' views.
    pub fn drawn(&self) -> bool {
        self.lock().drawn
    }

    /// How many data pages' views the last build built afresh.
    pub fn views_built(&self) -> usize {
        self.lock().views
    }
}

/// The key of a data page's own inputs besides its figures (a person's
/// record, team, sessions and stories; a team's record and stories): what
/// [`DataPages::view_job`] is given.
pub(crate) fn view_inputs(parts: &impl std::fmt::Debug) -> u64 {
    let mut h = KeyHasher::new();
    hash_debug(&mut h, parts);
    h.finish()
}

/// Whether a person's page reads the same figures in `a` and `b`.
pub(crate) fn same_person(a: &crate::visible::Visible, b: &crate::visible::Visible, id: &str) -> bool {
    a.same_person_in(b, id) == Some(true)
}

/// Whether a team's page reads the same figures in `a` and `b`: the
/// team's own, its listed people's, its coaching per month.
pub(crate) fn same_team(a: &crate::visible::Visible, b: &crate::visible::Visible, id: &str) -> bool {
    let (Some(x), Some(y)) = (a.teams.get(id), b.teams.get(id)) else {
        return false;
    };
    x == y
        && y.people.iter().all(|p| a.same_person_in(b, p) != Some(false))
        && a.months.len() == b.months.len()
        && a.months
            .iter()
            .zip(&b.months)
            .all(|((ma, fa), (mb, fb))| ma == mb && fa.team_coaching.get(id) == fb.team_coaching.get(id))
        && a.coaching.contains_key(id) == b.coaching.contains_key(id)
}

/// Whether a team's coaching page reads the same figures in `a` and `b`:
/// the team's coaching and its reps' figures.
pub(crate) fn same_coaching(a: &crate::visible::Visible, b: &crate::visible::Visible, team: &str) -> bool {
    let (Some(x), Some(y)) = (a.coaching.get(team), b.coaching.get(team)) else {
        return false;
    };
    x == y && y.reps.iter().all(|r| a.same_person_in(b, &r.person) != Some(false))
}

/// The key of what every person's, team's and coaching page reads besides
/// the page's own figures and data: `pages` (the key of the documents, strings, history,
/// audience and names the data pages read), the settings, and the weeks
/// and months of the figures.
pub(crate) fn person_base(pages: u64, config: &crate::config::Config, v: &crate::visible::Visible) -> u64 {
    let mut h = KeyHasher::new();
    pages.hash(&mut h);
    hash_debug(&mut h, config);
    (&v.weeks, v.as_of, v.mode as u8, v.min_group_size).hash(&mut h);
    for (month, shown) in &v.months {
        (month, &shown.weeks).hash(&mut h);
    }
    h.finish()
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
pub(crate) fn hash_debug(h: &mut KeyHasher, value: &impl std::fmt::Debug) {
    struct Sink<'a>(&'a mut KeyHasher);
    impl std::fmt::Write for Sink<'_> {
        fn write_str(&mut self, s: &str) -> std::fmt::Result {
            self.0.write(s.as_bytes());
            Ok(())
        }
    }
    let _ = std::fmt::write(&mut Sink(h), format_args!("{value:?}"));
}
