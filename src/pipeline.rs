//! The build pipeline: load → validate → (metrics) → render, in memory.
//!
//! `build`, `check` and `serve` all run this; only the caller decides
//! whether the files are written. Each stage is timed so slow ones show.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::config::Config;
use crate::config::PrivacyMode;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::output::{KeptFile, OutputFile, Stored};
use crate::teamdata::TeamData;
use crate::{content, datahealth, history, metrics, privacy, render, source, teamdata, theme, validate};

/// What to build.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub site: PathBuf,
    /// Overrides `base_url` of the config.
    pub base_url: Option<String>,
    /// Build for this audience of `ritme.yaml` instead of the default scope.
    pub audience: Option<String>,
    /// `check` passes today's date to get review-date and draft warnings;
    /// builds leave it out so that their output never depends on the clock.
    pub review_date: Option<chrono::NaiveDate>,
    /// Pages the output folder holds from the last build (empty: render all).
    pub previous: crate::cache::Previous,
}

/// A site built in memory.
#[derive(Debug)]
pub struct Built {
    pub files: Vec<OutputFile>,
    /// Pages unchanged since the last build, which the output already holds.
    pub kept: Vec<KeptFile>,
    /// Pages (and the search text scripts) already handed to the sink of
    /// [`build_into`] as they were made.
    pub stored: Vec<Stored>,
    /// Every page's key, by route, for the cache of the next build.
    pub keys: Vec<(String, u64)>,
    /// HTML pages in the site, kept ones included.
    pub pages: usize,
    /// HTML pages rendered by this build.
    pub rendered: usize,
    pub warnings: Vec<Diagnostic>,
    pub timings: Vec<(&'static str, Duration)>,
    /// Files this build leaves to be made when first asked for (`serve`'s
    /// search index after a body edit); `None` with every other build.
    pub deferred: Option<Deferred>,
    /// With a memo: what a rebuild after a body edit starts from.
    pub(crate) edit: Option<Box<EditBase>>,
    /// Into an output folder: what the search index reused, and the word
    /// counts it leaves for the next build.
    pub search: Option<crate::search::Counted>,
    /// The most person views the build held at once (see [`render::Rendering`]).
    pub views_at_once: usize,
}

/// Files whose making is put off until they are asked for: the search
/// index of 10,000 pages takes longer to build than everything else a body
/// edit does, and the edited page is wanted first.
pub struct Deferred {
    /// The output paths of the files.
    pub paths: Vec<String>,
    make: Box<dyn FnOnce() -> Vec<OutputFile> + Send + Sync>,
}

impl Deferred {
    /// Makes the files.
    pub fn make(self) -> Vec<OutputFile> {
        (self.make)()
    }
}

impl std::fmt::Debug for Deferred {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Deferred")
            .field("paths", &self.paths)
            .finish_non_exhaustive()
    }
}

/// Why a build failed: the user's input (exit 1) or ritme itself (exit 2).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{} error(s) in the site", .0.iter().filter(|d| d.is_error()).count())]
    Input(Vec<Diagnostic>),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

struct Timer {
    last: Instant,
    laps: Vec<(&'static str, Duration)>,
    cpu: u64,
}

impl Timer {
    fn new() -> Self {
        Timer {
            last: Instant::now(),
            laps: Vec::new(),
            cpu: process_cpu_ms(),
        }
    }
    fn lap(&mut self, name: &'static str) {
        let now = Instant::now();
        self.laps.push((name, now - self.last));
        self.last = now;
        // Benchmarks on a shared machine compare CPU time, which other
        // processes do not inflate as they do the wall time.
        if std::env::var_os("RITME_CPU_TIMINGS").is_some() {
            let cpu = process_cpu_ms();
            eprintln!("  cpu {name:<12} {:>7} ms", cpu - self.cpu);
            self.cpu = cpu;
        }
    }
}

/// User and system time of this process so far, in ms (Linux; 0 elsewhere).
fn process_cpu_ms() -> u64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest.split_whitespace().collect())
        .unwrap_or_default();
    // utime and stime are fields 14 and 15 of the line (11 and 12 after the
    // command's closing parenthesis), in clock ticks of 10 ms.
    let ticks = |i: usize| fields.get(i).and_then(|f| f.parse::<u64>().ok()).unwrap_or(0);
    (ticks(11) + ticks(12)) * 10
}

/// Runs every stage and returns the site's files, or every problem found.
pub fn build(opts: &Options) -> Result<Built, Error> {
    let parsed = parse(opts)?;
    build_for(&parsed, opts.audience.as_deref(), &opts.previous)
}

/// [`build`], recomputing only the stages whose inputs changed since the
/// last build with the same `memo` (what `serve` runs on every change).
/// The result is the same as [`build`]'s.
pub fn build_incremental(opts: &Options, memo: &mut crate::memo::Memo) -> Result<Built, Error> {
    memo.start();
    if let Some(last) = memo.last.take() {
        match body_edit(opts, memo, last) {
            Ok(built) => return Ok(built),
            Err(last) => {
                memo.last = Some(last);
                memo.unpack_last();
            }
        }
    }
    let parsed = parse_inner(opts, Default::default(), None, Some(memo))?;
    let built = build_inner(&parsed, opts.audience.as_deref(), &opts.previous, None, Some(memo));
    match built {
        Ok(mut built) => {
            match built.edit.take() {
                Some(base) => {
                    let routes_key = render::routes_key(&parsed.content.route_refs(), &parsed.config.markdown);
                    let routes = parsed.content.routes();
                    memo.last = Some(Box::new(Last {
                        routes_key,
                        routes,
                        parsed,
                        base: *base,
                        keys: built.keys.clone(),
                        pages: built.pages,
                    }))
                }
                None => {
                    memo.keep_markdown(parsed.rendered_md);
                    memo.files.keep(parsed.sources);
                }
            }
            Ok(built)
        }
        Err(e) => {
            memo.keep_markdown(parsed.rendered_md);
            memo.files.keep(parsed.sources);
            Err(e)
        }
    }
}

/// The site read, parsed and validated once: every audience's build starts
/// from it (`ritme build --all-audiences` parses the site once).
pub struct Parsed {
    config: Config,
    sources: source::Sources,
    history: history::History,
    content: content::Content,
    rules: Vec<teamdata::BehaviourRule>,
    data: std::sync::Arc<teamdata::TeamData>,
    /// The hash of the data stage's inputs (with a memo only).
    data_key: u64,
    theme: theme::Theme,
    rendered_md: BTreeMap<String, crate::markdown::Rendered>,
    /// Each document's Markdown cache key, by source path.
    md_keys: BTreeMap<String, u64>,
    /// How many documents went through Markdown (the others came from the cache).
    pub markdown_rendered: usize,
    /// With a front-matter cache given: the free pages' front matter for
    /// the next build, and how many were parsed.
    pub front_matter: Option<content::FrontMatter>,
    /// With [`Files`] given: the source texts for the next build.
    pub files: Option<FilesKept>,
    logo: Option<(String, Vec<u8>)>,
    brand: crate::brand::BrandView,
    diags: Vec<Diagnostic>,
    /// Why the history could not be read (part of `diags`).
    history_warning: Option<Diagnostic>,
    timings: Vec<(&'static str, Duration)>,
    review_date: bool,
}

impl Parsed {
    /// The rendered documents the next build may take from its cache, by key.
    pub fn markdown_entries(&self) -> impl Iterator<Item = (u64, &crate::markdown::Rendered)> {
        self.rendered_md
            .iter()
            .filter(|(_, r)| render::markdown_cacheable(r))
            .filter_map(|(rel, r)| Some((*self.md_keys.get(rel)?, r)))
    }

    /// How many documents taken from the cache in outline had their HTML
    /// or text made again because something read them (see `markup`).
    pub fn markdown_made_later(&self) -> usize {
        self.rendered_md.values().filter(|r| r.html.made_later()).count()
    }

    /// How many Markdown documents the site has.
    pub fn markdown_documents(&self) -> usize {
        self.rendered_md.len()
    }

    /// The audiences of `ritme.yaml`, by name.
    pub fn audiences(&self) -> Vec<String> {
        self.config.audiences.keys().cloned().collect()
    }
}

/// Reads and validates the site: everything that does not depend on whom
/// the build is for.
pub fn parse(opts: &Options) -> Result<Parsed, Error> {
    parse_inner(opts, Default::default(), None, None)
}

/// [`parse`], taking Markdown documents unchanged since the last build
/// from `markdown` instead of rendering them again, and with `files` the
/// text files unchanged since then from it instead of reading them.
pub fn parse_with(opts: &Options, markdown: crate::cache::Markdown, files: Option<Files>) -> Result<Parsed, Error> {
    parse_inner(opts, markdown, files, None)
}

/// The text files the last build into an output read (see
/// [`crate::cache::load_sources`]), for [`parse_with`].
pub struct Files {
    pub cache: source::FileCache,
    /// [`crate::cache::SourceTexts::shards`].
    pub shards: Vec<Option<u64>>,
}

/// What a build given [`Files`] leaves for the next one.
pub struct FilesKept {
    /// The shards of the source texts that changed (see [`crate::cache::record_sources`]).
    pub shards: Vec<(u64, Vec<u8>)>,
    /// How many text files were read from disk, of how many.
    pub read: usize,
    pub texts: usize,
}

/// How long a file must have stood unchanged before its text is kept for
/// the next build: within the file system's time resolution (2 s on FAT)
/// a second write could leave the same stamp.
const SETTLE: Duration = Duration::from_secs(2);

/// [`parse`] for `serve`: `memo` holds what the last rebuild read and
/// rendered (it replaces the on-disk Markdown cache there).
fn parse_inner(
    opts: &Options,
    mut markdown: crate::cache::Markdown,
    files: Option<Files>,
    mut memo: Option<&mut crate::memo::Memo>,
) -> Result<Parsed, Error> {
    let mut timer = Timer::new();
    let mut diags = Diagnostics::new();

    let now = std::time::SystemTime::now();
    let (mut sources, found, files) = match (memo.as_deref_mut(), files) {
        (Some(m), _) => {
            let (sources, found) = source::discover_cached(&opts.site, Some(&mut m.files));
            (sources, found, None)
        }
        (None, Some(mut files)) => {
            let (sources, found) = source::discover_cached(&opts.site, Some(&mut files.cache));
            let texts = files.cache.texts(&sources, now, SETTLE);
            let kept = FilesKept {
                read: files.cache.reads(),
                texts: sources.text_files(),
                shards: crate::cache::source_shards(texts, &files.shards),
            };
            (sources, found, Some(kept))
        }
        (None, None) => {
            let (sources, found) = source::discover(&opts.site);
            (sources, found, None)
        }
    };
    diags.extend(found);
    let (history, history_warning) = history::read(&opts.site);
    diags.extend(history_warning.clone());
    timer.lap("read");

    let mut config = match sources.config.as_ref().map(|f| Config::parse(&f.text)) {
        Some(Ok(c)) => c,
        Some(Err(problems)) => {
            diags.extend(problems);
            Config::default()
        }
        None => Config::default(),
    };
    if let Some(url) = &opts.base_url {
        config.base_url = Some(url.clone());
    }
    if let Err(d) = privacy::scope(&config, opts.audience.as_deref()) {
        diags.push(d);
    }
    if let Some(f) = &sources.config {
        diags.extend(config.warnings(&f.text));
    }
    let logo = brand_logo(&sources, &config, &mut diags);
    let brand = crate::brand::view(
        &config.theme,
        logo.as_ref().map(|(rel, b)| (rel.as_str(), b.as_slice())),
    );

    let cached = markdown.front_matter.take();
    let (content, found, front_matter) = content::parse_cached(&sources, cached.as_ref());
    // What the next build may take: only a build that was given a cache leaves one.
    let front_matter = cached.map(|_| front_matter);
    diags.extend(found);
    diags.extend(validate::references(&content));
    if let Some(today) = opts.review_date {
        diags.extend(validate::review_findings(&content, today));
    }
    if memo.is_none() {
        sources.drop_markdown_texts();
    }
    timer.lap("content");
    let rules = behaviour_rules(&content);
    let (data_key, loaded) = match memo.as_deref_mut() {
        Some(m) => m.team_data(&sources.data, &rules, &content.rejected_behaviours),
        None => (
            0,
            crate::memo::load(&sources.data, &rules, &content.rejected_behaviours),
        ),
    };
    let data = match loaded {
        Ok((data, warnings)) => {
            diags.extend(warnings);
            Some(data)
        }
        Err(found) => {
            diags.extend(found);
            None
        }
    };
    timer.lap("data");
    let theme = match theme::load(&sources, &config) {
        Ok(t) => Some(t),
        Err(found) => {
            diags.extend(found);
            None
        }
    };
    timer.lap("theme");

    let (rendered_md, md_keys, markdown_rendered) = match memo.as_deref_mut() {
        Some(m) => {
            let rendered = m.render_markdown(&content, &config.markdown);
            (rendered, BTreeMap::new(), m.counts().markdown_rendered)
        }
        None => render::render_markdown_cached(&content, &config.markdown, markdown),
    };
    for r in rendered_md.values() {
        diags.extend(r.diagnostics.iter().cloned());
    }
    diags.extend(render::check_anchors(&rendered_md, &content));
    timer.lap("markdown");

    if let Some(data) = &data {
        diags.extend(validate::story_people(&content, data));
        if let Some(f) = &sources.config {
            diags.extend(privacy::check_audiences(&config, &f.text, data));
        }
    }
    diags.extend(validate::shortcodes(&rendered_md, &content, data.as_deref()));
    if diags.has_errors() {
        // What was read and rendered stays good for the build that follows the fix.
        if let Some(m) = memo {
            m.keep_markdown(rendered_md);
            m.files.keep(sources);
        }
        return Err(Error::Input(diags.into_sorted()));
    }
    let theme = theme.ok_or_else(|| anyhow::anyhow!("theme failed to load without reporting why"))?;
    let data = data.ok_or_else(|| anyhow::anyhow!("team data failed to load without reporting why"))?;
    let mut content = content;
    content.drop_texts();
    Ok(Parsed {
        config,
        sources,
        history,
        content,
        rules,
        data,
        data_key,
        theme,
        rendered_md,
        md_keys,
        markdown_rendered,
        front_matter,
        files,
        logo,
        brand,
        diags: diags.into_sorted(),
        history_warning,
        timings: timer.laps,
        review_date: opts.review_date.is_some(),
    })
}

/// Where [`build_into`] puts each page as soon as it is rendered and has
/// passed the privacy check.
pub trait Sink: Sync {
    /// Stores one file. `Err`: it could not be stored; the sink keeps why,
    /// and the build stops.
    fn put(&self, path: &str, bytes: &[u8]) -> Result<Stored, NotStored>;
}

/// A file the sink could not store (the sink knows why).
#[derive(Debug)]
pub struct NotStored;

/// Builds the parsed site for one audience (`None`: the site's default
/// scope). `previous` are the pages the output folder holds already.
pub fn build_for(parsed: &Parsed, audience: Option<&str>, previous: &crate::cache::Previous) -> Result<Built, Error> {
    build_inner(parsed, audience, previous, None, None)
}

/// [`build_for`], handing each page to `sink` as soon as it is rendered and
/// checked instead of keeping it: `Built::files` then holds only the other
/// files (assets, the search index, static files), `Built::stored` the pages
/// and the search text scripts.
pub fn build_into(
    parsed: &Parsed,
    audience: Option<&str>,
    previous: &crate::cache::Previous,
    sink: Option<&dyn Sink>,
) -> Result<Built, Error> {
    build_inner(parsed, audience, previous, sink, None)
}

/// [`build_for`] for `serve`: `memo` keeps the derived figures and the data
/// pages of the last rebuild.
fn build_inner(
    parsed: &Parsed,
    audience: Option<&str>,
    previous: &crate::cache::Previous,
    sink: Option<&dyn Sink>,
    mut memo: Option<&mut crate::memo::Memo>,
) -> Result<Built, Error> {
    let mut timer = Timer::new();
    timer.laps = parsed.timings.clone();
    let mut diags = Diagnostics::new();
    diags.extend(parsed.diags.iter().cloned());
    let config = &parsed.config;
    let sources = &parsed.sources;
    let rules = &parsed.rules;
    let theme = &parsed.theme;
    let rendered_md = &parsed.rendered_md;
    let brand = &parsed.brand;
    let logo = parsed.logo.clone();
    let scope = privacy::scope(config, audience).map_err(|d| Error::Input(vec![d]))?;
    let mut content = without_text(&parsed.content);
    content
        .stories
        .retain(|s| scope.may_show_story(s.meta.consent, s.meta.team.as_deref()));
    let key = match scope.mode {
        PrivacyMode::Pseudonymous => privacy::key_from_env().map(Some).map_err(|d| Error::Input(vec![d]))?,
        _ => None,
    };
    let everyone = parsed.data.people.clone();
    let targets: BTreeMap<String, u32> = content
        .behaviours
        .iter()
        .map(|b| (b.id.clone(), b.meta.target))
        .collect();
    let derive = |reuse: Option<crate::memo::Reuse>| {
        let data = match scope.teams {
            None => std::sync::Arc::clone(&parsed.data),
            Some(_) => std::sync::Arc::new(privacy::restrict(TeamData::clone(&parsed.data), &scope)),
        };
        let (metrics, health, health_assessed, prior) = match reuse {
            // The last metrics are of the whole data: a build restricted
            // to some teams computes its own.
            Some(r) if scope.teams.is_none() => {
                let (m, h, n, prior) = r.compute(&data, rules, config);
                (m, h, n, Some(prior))
            }
            _ => {
                let m = metrics::compute(&data, rules, config);
                let (h, n) = datahealth::assess_reusing(&data, &m, None);
                (m, h, n, None)
            }
        };
        let min = config.privacy.min_group_size;
        let visible = crate::visible::Visible::reusing(&metrics, &health, scope.mode, min, &targets, prior.as_ref())
            .with_coaching(&data.sessions);
        crate::memo::Derived {
            data,
            metrics,
            health,
            visible: std::sync::Arc::new(visible),
            health_assessed,
        }
    };
    let derived = match memo.as_deref_mut() {
        Some(m) => {
            // Everything `derive` reads: the data, the rules and targets
            // (in the data key and `ritme.yaml`'s text with the
            // behaviours), the settings, and the audience.
            use std::hash::{Hash, Hasher};
            let mut h = crate::hash::KeyHasher::new();
            sources.config.as_ref().map(|f| &f.text).hash(&mut h);
            config.base_url.hash(&mut h);
            audience.hash(&mut h);
            targets.hash(&mut h);
            let rest = h.finish();
            parsed.data_key.hash(&mut h);
            let d = m.derived(h.finish(), (rest, parsed.data_key), derive);
            m.data_pages.begin(d.visible.clone());
            d
        }
        None => std::sync::Arc::new(derive(None)),
    };
    // The data pages' views are drawn from the derived figures: their memo
    // is keyed by the same key.
    let memo_pages = memo.as_deref().map(|m| (&m.data_pages, m.derived_key));
    let crate::memo::Derived {
        data, health, visible, ..
    } = &*derived;
    if parsed.review_date {
        diags.extend(datahealth::findings(health, data, &sources.data.logs));
    }
    timer.lap("metrics");

    let identities = privacy::Identities::new(
        scope.mode,
        data.people.iter().map(|p| (p.id.as_str(), p.name.as_str())),
        key.as_deref(),
    );
    // Commit subjects are text users cannot edit afterwards: in builds that
    // may not identify anyone, names in them are replaced, never fatal.
    let history = match scope.mode {
        PrivacyMode::Named => parsed.history.clone(),
        _ => {
            let pairs: Vec<(&str, &str)> = everyone.iter().map(|p| (p.id.as_str(), p.name.as_str())).collect();
            parsed.history.redacted(&pairs)
        }
    };
    let search_exclude = match scope.mode {
        PrivacyMode::Named => Default::default(),
        _ => privacy::name_words(&everyone),
    };
    // Who the privacy check looks for, and whom it lets a story name. A
    // page kept from the last build was checked against the same.
    let persons: Vec<privacy::Person> = everyone
        .iter()
        .map(|p| privacy::Person {
            id: &p.id,
            name: &p.name,
        })
        .collect();
    let allowed: BTreeMap<String, BTreeSet<String>> = content
        .stories
        .iter()
        .filter(|s| s.meta.consent)
        .map(|s| (s.route.clone(), s.meta.people.iter().cloned().collect()))
        .collect();
    let salt = {
        use std::hash::{Hash, Hasher};
        let mut h = crate::hash::KeyHasher::new();
        (scope.mode as u8).hash(&mut h);
        persons.iter().for_each(|p| (p.id, p.name).hash(&mut h));
        allowed.hash(&mut h);
        key.hash(&mut h);
        h.finish()
    };
    // The last line of defence: an anonymous build that names anyone fails.
    // Each page is checked as it is rendered (the others after rendering).
    let scanner = match scope.mode {
        PrivacyMode::Named => None,
        _ => privacy::Scanner::new(&persons, key.as_deref()).map_err(|d| Error::Input(vec![d]))?,
    };
    // A consenting story's card (its summary names its people) may appear
    // on any page that links to the story.
    // (The mailable report has no links: there the card is its title.)
    let consenting: Vec<(String, String, Vec<String>)> = content
        .stories
        .iter()
        .filter(|s| s.meta.consent && !s.meta.people.is_empty())
        .filter_map(|s| {
            let route = s.route.strip_suffix("index.html")?;
            Some((
                route.to_string(),
                crate::charts::escape(&s.meta.title).into_owned(),
                s.meta.people.clone(),
            ))
        })
        .collect();
    let may_name = |f: &OutputFile| may_name(&allowed, &consenting, f);
    let page_sink = |f: OutputFile| -> Result<Stored, Vec<Diagnostic>> {
        if let Some(scanner) = &scanner {
            let (leaks, _) = scanner.scan(&f.path, &f.bytes, may_name(&f).as_ref(), false);
            if !leaks.is_empty() {
                return Err(leaks);
            }
        }
        let sink = sink.expect("the page sink is only given with a sink");
        sink.put(&f.path, &f.bytes)
            .map_err(|NotStored| vec![Diagnostic::error(&f.path, "cannot write this page")])
    };
    let input = render::Input {
        previous,
        salt,
        config,
        history: &history,
        search_exclude: &search_exclude,
        content: &content,
        sources,
        theme,
        data,
        visible: visible.as_ref(),
        scope: &scope,
        identities: &identities,
        brand,
        sink: sink.map(|_| &page_sink as &render::PageSink),
        memo: memo_pages,
    };
    let mut rendering = render::render(&input, rendered_md).map_err(|d| Error::Input(d.into_sorted()))?;
    let people = match scope.mode {
        PrivacyMode::Aggregate => metrics::json::People::Hidden,
        PrivacyMode::Pseudonymous => metrics::json::People::Pseudonyms(&|id: &str| {
            identities.display(id).map(str::to_string).unwrap_or_default()
        }),
        PrivacyMode::Named => metrics::json::People::ById,
    };
    let json = match memo.as_deref_mut() {
        Some(m) => m.metrics_json(visible.redacted(), people),
        None => metrics::json::metrics_json(visible.redacted(), people),
    };
    rendering.files.push(OutputFile::new("metrics.json", json));
    if let (Some((rel, bytes)), Some(route)) = (logo, &brand.logo)
        && !rel.starts_with("static/")
    {
        rendering.files.push(OutputFile::new(route.clone(), bytes));
    }
    rendering.files.sort_by(|a, b| a.path.cmp(&b.path));
    timer.lap("render");

    if let Some(scanner) = &scanner {
        let builtin = privacy::builtin_files(&rendering.files);
        use rayon::prelude::*;
        let scanned: Vec<_> = rendering
            .files
            .par_iter()
            .map(|f| scanner.scan(&f.path, &f.bytes, may_name(f).as_ref(), builtin.contains(&f.path)))
            .collect();
        let mut leaks = Vec::new();
        for (found, skipped) in scanned {
            leaks.extend(found);
            if let Some(path) = skipped.filter(|p| !builtin.contains(p)) {
                rendering.warnings.push(
                    Diagnostic::warning(path, "not text: the privacy check could not read this file")
                        .with_hint("make sure it holds no names (images and fonts of your own are listed here)"),
                );
            }
        }
        if !leaks.is_empty() {
            return Err(Error::Input(leaks));
        }
        timer.lap("leak check");
    }

    let mut warnings: Vec<Diagnostic> = diags.into_sorted();
    warnings.extend(rendering.warnings);
    let rendered = rendering.files.iter().filter(|f| f.path.ends_with(".html")).count()
        + rendering.stored.iter().filter(|f| f.path.ends_with(".html")).count();
    if let Some(m) = memo.as_deref_mut() {
        m.views_built(rendering.keys.len());
    }
    let edit = match (memo, rendering.parts.take()) {
        (Some(_), Some(parts)) => Some(Box::new(EditBase {
            paths: rendering
                .files
                .iter()
                .map(|f| f.path.clone())
                .chain(rendering.kept.iter().map(|k| k.path.clone()))
                .chain(rendering.stored.iter().map(|k| k.path.clone()))
                .collect(),
            parts: *parts,
            scanner,
            allowed,
            consenting,
            mode: scope.mode,
            audience: audience.map(str::to_string),
            search_exclude,
            warnings: warnings.clone(),
        })),
        _ => None,
    };
    // Nothing below reads the derived figures: freeing them (some 800,000
    // allocations at 2,000 people) is left to a thread of its own rather
    // than held up the build's last step; a CLI build ends before it is
    // done, and the operating system takes the memory back at once.
    let _ = std::thread::Builder::new()
        .name("ritme-free".into())
        .spawn(move || drop(derived));
    Ok(Built {
        deferred: None,
        search: rendering.search.take(),
        views_at_once: rendering.views_at_once,
        edit,
        pages: rendered + rendering.kept.iter().filter(|k| k.path.ends_with(".html")).count(),
        rendered,
        kept: rendering.kept,
        stored: rendering.stored,
        keys: rendering.keys,
        files: rendering.files,
        warnings,
        timings: timer.laps,
    })
}

/// Whom a page may name: the people of a consenting story on its own page,
/// and on any page that links to it or shows its card.
fn may_name(
    allowed: &BTreeMap<String, BTreeSet<String>>,
    consenting: &[(String, String, Vec<String>)],
    f: &OutputFile,
) -> Option<BTreeSet<String>> {
    let mut ok = allowed.get(&f.path).cloned();
    if !consenting.is_empty() && f.path.ends_with(".html") {
        let text = String::from_utf8_lossy(&f.bytes);
        for (route, title, people) in consenting {
            if text.contains(route.as_str()) || text.contains(title.as_str()) {
                ok.get_or_insert_default().extend(people.iter().cloned());
            }
        }
    }
    ok
}

// ---------------------------------------------------------------------
// The rebuild after edits to page bodies only (`serve`).
//
// Saving a page whose front matter, first paragraph, anchors and links to
// anchors stay the same changes that page's HTML and the search index and
// nothing else. Such a rebuild trusts the watcher (only the files it named
// are looked at), parses and renders those documents alone, patches their
// views and renders their pages; everything else is the last build's.
// Anything else (a new or removed file, a changed title, data, settings,
// templates) takes the stages' memos instead, which stat every file.

/// What the last good build leaves for a body edit besides its parse.
pub(crate) struct EditBase {
    parts: render::patch::Parts,
    /// Every output path of the build.
    paths: Vec<String>,
    scanner: Option<privacy::Scanner>,
    allowed: BTreeMap<String, BTreeSet<String>>,
    consenting: Vec<(String, String, Vec<String>)>,
    mode: PrivacyMode,
    audience: Option<String>,
    search_exclude: BTreeSet<String>,
    warnings: Vec<Diagnostic>,
}

impl std::fmt::Debug for EditBase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EditBase")
            .field("paths", &self.paths.len())
            .finish_non_exhaustive()
    }
}

/// The last good build of `serve`, whole.
pub(crate) struct Last {
    parsed: Parsed,
    /// Every document's route by source path, and their key (a body edit
    /// changes neither).
    routes: BTreeMap<String, String>,
    routes_key: u64,
    base: EditBase,
    keys: Vec<(String, u64)>,
    pages: usize,
}

impl Last {
    /// The files and rendered documents, for the stages' memos.
    pub(crate) fn into_parts(self) -> (source::Sources, BTreeMap<String, crate::markdown::Rendered>) {
        (self.parsed.sources, self.parsed.rendered_md)
    }
}

/// One edited document, worked out before anything of the last build is changed.
struct BodyEdit {
    file: source::SourceFile,
    kind: content::Kind,
    job: usize,
    patched: render::views::PageJob,
    doc: AnyDoc,
    rendered: crate::markdown::Rendered,
    body: std::sync::Arc<str>,
    body_line: usize,
    key: u64,
    page: Option<OutputFile>,
}

enum AnyDoc {
    Page(content::Doc<content::PageMeta>),
    Behaviour(content::Doc<content::BehaviourMeta>),
    Guide(content::Doc<content::GuideMeta>),
    Story(content::Doc<content::StoryMeta>),
}

/// The rebuild after edits to page bodies only, or `Err` with the last
/// build untouched when the edits are anything else.
fn body_edit(opts: &Options, memo: &mut crate::memo::Memo, mut last: Box<Last>) -> Result<Built, Box<Last>> {
    let mut timer = Timer::new();
    let p = &last.parsed;
    let b = &last.base;
    let same_build = opts.audience == b.audience
        && opts.base_url.is_none()
        && opts.review_date.is_none()
        && !p.review_date
        && b.mode != PrivacyMode::Pseudonymous;
    let dirty: Vec<PathBuf> = memo.files.dirty().iter().cloned().collect();
    if !same_build || dirty.is_empty() {
        return Err(last);
    }
    let Ok(root) = opts.site.canonicalize() else {
        return Err(last);
    };
    let mut rels = Vec::new();
    for path in &dirty {
        let Ok(rel) = path.strip_prefix(&root) else {
            return Err(last);
        };
        let rel: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        let rel = rel.join("/");
        let meta = std::fs::symlink_metadata(path);
        let Some(meta) = meta.ok().filter(|m| m.file_type().is_file()) else {
            return Err(last);
        };
        if rels.iter().any(|(r, _)| *r == rel) {
            return Err(last);
        }
        rels.push((rel, meta));
    }
    // A commit changes the pages' dates: git is asked as in every build.
    let (history, history_warning) = history::read(&opts.site);
    if history != p.history || history_warning != p.history_warning {
        return Err(last);
    }
    timer.lap("read");

    let mut edits = Vec::new();
    let routes_key = last.routes_key;
    for (rel, _) in &rels {
        match edit_one(p, b, &last.keys, &last.routes, rel) {
            Some(e) => edits.push(e),
            None => return Err(last),
        }
    }
    timer.lap("content");

    // The search index: the pages' entries patched; made when asked for,
    // or now where the leak check must read it.
    let mut search_docs = b.parts.search_docs.clone();
    for e in &edits {
        let one = BTreeMap::from([(e.file.rel.clone(), e.rendered.clone())]);
        let doc = render::search_doc(&p.theme, &e.patched, &one);
        match search_docs.iter_mut().find(|d| d.route == doc.route) {
            Some(d) => *d = std::sync::Arc::new(doc),
            None => return Err(last),
        }
    }
    let lang = p.config.language;
    let exclude = b.search_exclude.clone();
    let make_search = {
        let docs = search_docs.clone();
        move || {
            let docs: Vec<crate::search::SearchDoc> = docs.iter().map(|d| d.doc()).collect();
            render::search_output(crate::search::search_files(&docs, lang, &exclude))
        }
    };
    let mut files: Vec<OutputFile> = edits.iter().filter_map(|e| e.page.clone()).collect();
    let deferred = match &b.scanner {
        None => Some(Deferred {
            paths: b.parts.search_paths.clone(),
            make: Box::new(make_search),
        }),
        Some(scanner) => {
            let search = make_search();
            for f in &search {
                let (leaks, _) = scanner.scan(
                    &f.path,
                    &f.bytes,
                    may_name(&b.allowed, &b.consenting, f).as_ref(),
                    false,
                );
                if !leaks.is_empty() {
                    return Err(last);
                }
            }
            files.extend(search);
            None
        }
    };
    timer.lap("render");

    // Every check passed: the edits become the last build.
    let rendered = files.len()
        - if deferred.is_none() {
            b.parts.search_paths.len()
        } else {
            0
        };
    let replaced: BTreeSet<&str> = files
        .iter()
        .map(|f| f.path.as_str())
        .chain(b.parts.search_paths.iter().map(String::as_str))
        .collect();
    let kept: Vec<KeptFile> = b
        .paths
        .iter()
        .filter(|path| !replaced.contains(path.as_str()))
        .map(|path| KeptFile {
            path: path.clone(),
            hash: 0,
        })
        .collect();
    let n = edits.len();
    // The search files' keys are of the last full build's text: forgotten,
    // so that the next full build makes them again.
    let search_paths: BTreeSet<&String> = last.base.parts.search_paths.iter().collect();
    let keys = std::mem::take(&mut last.keys);
    let keys = keys
        .into_iter()
        .filter(|(path, _)| !search_paths.contains(path))
        .collect();
    last.keys = keys;
    let last_mut = &mut *last;
    last_mut.base.parts.search_docs = search_docs;
    for e in edits {
        let key = render::markdown_key(routes_key, &e.file.rel, &e.body, e.body_line, &e.patched.route);
        memo.markdown_key(&e.file.rel, key);
        apply_edit(last_mut, e);
    }
    // The next full rebuild takes these files from its memo, as read now.
    for (rel, meta) in &rels {
        memo.files.saw(rel, meta);
    }
    memo.files.clear_dirty(n);
    memo.body_edit(crate::memo::Counts {
        files_read: n,
        files_examined: n,
        markdown_rendered: n,
        views_built: n,
        ..Default::default()
    });
    let built = Built {
        files,
        kept,
        stored: Vec::new(),
        keys: last.keys.clone(),
        pages: last.pages,
        rendered,
        warnings: last.base.warnings.clone(),
        timings: timer.laps,
        deferred,
        edit: None,
        search: None,
        views_at_once: 0,
    };
    memo.last = Some(last);
    Ok(built)
}

/// One edited file as a body edit, or `None` when it is anything else.
fn edit_one(
    p: &Parsed,
    b: &EditBase,
    keys: &[(String, u64)],
    routes: &BTreeMap<String, String>,
    rel: &str,
) -> Option<BodyEdit> {
    use content::Kind;
    let file = source::read_text(&p.sources.root, rel).ok()?;
    fn find_in<'a>(files: &'a [source::SourceFile], rel: &str) -> Option<&'a source::SourceFile> {
        files.iter().find(|f| f.rel == rel)
    }
    // Which kind of document the file is, and the last build's copy of it.
    let (kind, old_file) = if let Some(f) = p.sources.index.as_ref().filter(|f| f.rel == rel) {
        (Kind::Home, f)
    } else if let Some(f) = find_in(&p.sources.behaviours, rel) {
        (Kind::Behaviour, f)
    } else if let Some(f) = find_in(&p.sources.guides, rel) {
        (Kind::Guide, f)
    } else if let Some(f) = find_in(&p.sources.stories, rel) {
        (Kind::Story, f)
    } else if let Some(f) = find_in(&p.sources.pages, rel) {
        (Kind::Page, f)
    } else {
        return None; // reports are shown in the data pages; other files feed every page
    };
    // Sources holding only `file`, in the place of its kind.
    let alone = |file: &source::SourceFile| {
        let mut one = source::Sources {
            root: p.sources.root.clone(),
            ..Default::default()
        };
        match kind {
            Kind::Home => one.index = Some(file.clone()),
            Kind::Behaviour => one.behaviours.push(file.clone()),
            Kind::Guide => one.guides.push(file.clone()),
            Kind::Story => one.stories.push(file.clone()),
            _ => one.pages.push(file.clone()),
        }
        one
    };
    let (mut parsed, diags) = content::parse(&alone(&file));
    if !diags.is_empty() || !parsed.unparsed.is_empty() {
        return None;
    }
    // The last build's documents no longer hold their text: the old file
    // is parsed alone too, to compare front matter with front matter.
    let old_one = alone(old_file);
    let (old_parsed, old_diags) = content::parse(&old_one);
    if !old_diags.is_empty() {
        return None;
    }
    let c = &old_parsed;
    // The document as parsed alone must be the last build's in all but its body.
    fn same<M: std::fmt::Debug>(a: &content::Doc<M>, b: &content::Doc<M>) -> bool {
        (&a.kind, &a.rel, &a.id, &a.route, &a.yaml, a.yaml_line, a.body_line)
            == (&b.kind, &b.rel, &b.id, &b.route, &b.yaml, b.yaml_line, b.body_line)
            && format!("{:?}", a.meta) == format!("{:?}", b.meta)
    }
    fn find<'a, M>(docs: &'a [content::Doc<M>], rel: &str) -> Option<&'a content::Doc<M>> {
        docs.iter().find(|d| d.rel == rel)
    }
    /// The new document with its body, when it equals `old` in all else.
    fn body_only<M: std::fmt::Debug>(
        new: Option<content::Doc<M>>,
        old: Option<&content::Doc<M>>,
        wrap: fn(content::Doc<M>) -> AnyDoc,
    ) -> Option<(AnyDoc, std::sync::Arc<str>, usize, String)> {
        let new = new?;
        same(old?, &new).then_some(())?;
        let (body, line, route) = (new.body.clone(), new.body_line, new.route.clone());
        Some((wrap(new), body, line, route))
    }
    let (doc, body, body_line, route) = match kind {
        Kind::Home => body_only(parsed.home.take(), c.home.as_ref(), AnyDoc::Page)?,
        Kind::Behaviour => body_only(parsed.behaviours.pop(), find(&c.behaviours, rel), AnyDoc::Behaviour)?,
        Kind::Guide => body_only(parsed.guides.pop(), find(&c.guides, rel), AnyDoc::Guide)?,
        Kind::Story => body_only(parsed.stories.pop(), find(&c.stories, rel), AnyDoc::Story)?,
        Kind::Page => body_only(parsed.pages.pop(), find(&c.pages, rel), AnyDoc::Page)?,
        Kind::Report => return None,
    };
    let ctx = crate::markdown::PageContext {
        rel,
        body_line,
        route: &route,
        routes,
        raw_html: p.config.markdown.raw_html,
        remote_images: p.config.markdown.remote_images,
    };
    let new = crate::markdown::render(&body, &ctx);
    let old = p.rendered_md.get(rel)?;
    // What other pages read of this one (its card, its anchors) and what
    // the checks report on must be as before.
    let quiet = new.shortcodes.is_empty()
        && old.shortcodes.is_empty()
        && new.diagnostics.is_empty()
        && old.diagnostics.is_empty();
    if !quiet || new.first_paragraph != old.first_paragraph || new.anchors != old.anchors {
        return None;
    }
    for link in &new.anchor_links {
        let target = routes
            .iter()
            .find(|(_, r)| **r == link.target_route)
            .map(|(rel, _)| rel);
        if let Some(target) = target {
            let anchors = &p.rendered_md.get(target)?.anchors;
            if !anchors.contains(&link.anchor) {
                return None;
            }
        }
    }
    let job = b.parts.jobs.iter().position(|j| j.route == route)?;
    let mut patched = b.parts.jobs[job].clone();
    if !render::patch::patch_job(&mut patched, kind, &new) {
        return None;
    }
    let root = render::page_root(&p.config, &route);
    let key = render::keys::page_key(b.parts.shared, &patched, &root);
    let old_key = keys.iter().find(|(r, _)| *r == route).map(|(_, k)| *k)?;
    let page = if key == old_key {
        None
    } else {
        let page = render::render_page(&p.theme, &patched, &b.parts.base, &root).ok()?;
        if let Some(scanner) = &b.scanner {
            let (leaks, _) = scanner.scan(
                &page.path,
                &page.bytes,
                may_name(&b.allowed, &b.consenting, &page).as_ref(),
                false,
            );
            if !leaks.is_empty() {
                return None;
            }
        }
        Some(page)
    };
    Some(BodyEdit {
        file,
        kind,
        job,
        patched,
        doc,
        rendered: new,
        body,
        body_line,
        key,
        page,
    })
}

/// Puts one checked body edit into the last build.
fn apply_edit(last: &mut Last, e: BodyEdit) {
    let p = &mut last.parsed;
    let s = &mut p.sources;
    let list = match e.kind {
        content::Kind::Home => None,
        content::Kind::Behaviour => Some(&mut s.behaviours),
        content::Kind::Guide => Some(&mut s.guides),
        content::Kind::Story => Some(&mut s.stories),
        _ => Some(&mut s.pages),
    };
    match list {
        None => s.index = Some(e.file.clone()),
        Some(list) => {
            if let Some(f) = list.iter_mut().find(|f| f.rel == e.file.rel) {
                *f = e.file.clone();
            }
        }
    }
    fn put<M>(docs: &mut [content::Doc<M>], doc: content::Doc<M>) {
        if let Some(d) = docs.iter_mut().find(|d| d.rel == doc.rel) {
            *d = doc;
        }
    }
    let c = &mut p.content;
    match e.doc {
        AnyDoc::Page(d) if e.kind == content::Kind::Home => c.home = Some(d),
        AnyDoc::Page(d) => put(&mut c.pages, d),
        AnyDoc::Behaviour(d) => put(&mut c.behaviours, d),
        AnyDoc::Guide(d) => put(&mut c.guides, d),
        AnyDoc::Story(d) => put(&mut c.stories, d),
    }
    p.rendered_md.insert(e.file.rel.clone(), e.rendered);
    let route = e.patched.route.clone();
    last.base.parts.jobs[e.job] = e.patched;
    if let Some(k) = last.keys.iter_mut().find(|(r, _)| *r == route) {
        k.1 = e.key;
    }
}

/// The site's documents without their Markdown and front-matter text,
/// which only reading and rendering Markdown need: the renderer works from
/// the rendered documents, and copying every text again was a large part
/// of a big site's peak memory.
fn without_text(content: &content::Content) -> content::Content {
    // On both cores: the free pages are most of a large site.
    fn strip<M: Clone + Send + Sync>(docs: &[content::Doc<M>]) -> Vec<content::Doc<M>> {
        use rayon::prelude::*;
        docs.par_iter().map(strip_one).collect()
    }
    fn strip_one<M: Clone>(d: &content::Doc<M>) -> content::Doc<M> {
        content::Doc {
            kind: d.kind,
            rel: d.rel.clone(),
            id: d.id.clone(),
            route: d.route.clone(),
            meta: d.meta.clone(),
            yaml: String::new(),
            yaml_line: d.yaml_line,
            body: "".into(),
            body_line: d.body_line,
        }
    }
    content::Content {
        home: content.home.as_ref().map(strip_one),
        behaviours: strip(&content.behaviours),
        guides: strip(&content.guides),
        stories: strip(&content.stories),
        reports: content.reports.clone(),
        pages: strip(&content.pages),
        unparsed: content.unparsed.clone(),
        rejected_behaviours: content.rejected_behaviours.clone(),
    }
}

/// The logo named by `theme.logo`, as (site-relative path, bytes): found
/// among the static files, or read from elsewhere in the site.
fn brand_logo(sources: &source::Sources, config: &Config, diags: &mut Diagnostics) -> Option<(String, Vec<u8>)> {
    let rel = config.theme.logo.as_deref()?;
    if !crate::output::is_safe_relative(rel) || crate::brand::logo_kind(rel).is_none() {
        return None; // reported by the config's own checks
    }
    if let Some(inside) = rel.strip_prefix("static/")
        && let Some(f) = sources.static_files.iter().find(|f| f.rel == inside)
    {
        return Some((rel.to_string(), f.bytes.clone()));
    }
    match source::read_file(&sources.root, rel) {
        Ok(bytes) => Some((rel.to_string(), bytes)),
        Err(_) => {
            let text = sources.config.as_ref().map(|f| f.text.as_str()).unwrap_or("");
            diags.push(
                Diagnostic::error(
                    crate::config::FILE,
                    format!("`theme.logo` names `{rel}`, which is not in the site folder"),
                )
                .at_pos(crate::yaml::locate(text, None, "logo", 1))
                .with_hint("put the image in the site, e.g. in `static/`, and give its path from the site folder"),
            );
            None
        }
    }
}

/// The default output folder of a site: `SITE/public`, or
/// `SITE/public-AUDIENCE` beside it for an audience's build.
pub fn default_output(site: &Path, audience: Option<&str>) -> PathBuf {
    crate::outdir::default_output(site, audience)
}

/// The playbook and team data of a site, validated, for commands that work
/// on the data without building (import).
pub fn load_site_data(site: &Path) -> Result<(content::Content, teamdata::TeamData), Error> {
    let (sources, mut diags) = source::discover(site);
    let (content, found) = content::parse(&sources);
    diags.extend(found);
    let rules = behaviour_rules(&content);
    match teamdata::load_with(&sources.data, &rules, &content.rejected_behaviours) {
        Ok((data, _)) if !diags.has_errors() => Ok((content, data)),
        Ok(_) => Err(Error::Input(diags.into_sorted())),
        Err(found) => {
            diags.extend(found);
            Err(Error::Input(diags.into_sorted()))
        }
    }
}

/// What the data needs to know of each behaviour page.
pub fn behaviour_rules(content: &content::Content) -> Vec<teamdata::BehaviourRule> {
    content
        .behaviours
        .iter()
        .map(|b| teamdata::BehaviourRule {
            id: b.id.clone(),
            target: b.meta.target,
            roles: b.meta.roles.clone(),
            half_life: b.meta.half_life,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    /// Keeps what it is given, as a writer would write it.
    #[derive(Default)]
    struct Collect(Mutex<Vec<OutputFile>>);

    impl Sink for Collect {
        fn put(&self, path: &str, bytes: &[u8]) -> Result<Stored, NotStored> {
            self.0.lock().unwrap().push(OutputFile::new(path, bytes));
            Ok(Stored {
                path: path.into(),
                hash: 0,
            })
        }
    }

    #[test]
    fn with_a_sink_pages_leave_as_they_are_rendered_with_the_same_bytes() {
        let opts = Options {
            site: Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/en"),
            ..Default::default()
        };
        let parsed = parse(&opts).unwrap();
        let held = build_for(&parsed, None, &Default::default()).unwrap();
        let sink = Collect::default();
        let streamed = build_into(&parsed, None, &Default::default(), Some(&sink)).unwrap();
        let mut given = sink.0.into_inner().unwrap();
        assert!(given.len() > 10, "every page goes to the sink: {}", given.len());
        assert!(
            streamed.files.iter().all(|f| !f.path.ends_with(".html")),
            "no page is held in memory"
        );
        assert_eq!(streamed.stored.len(), given.len());
        assert_eq!(streamed.pages, held.pages);
        given.extend(streamed.files);
        given.sort_by(|a, b| a.path.cmp(&b.path));
        assert_eq!(given, held.files, "the same files with the same bytes");
    }

    #[test]
    fn a_build_draws_each_persons_view_as_its_page_is_rendered_with_the_bytes_of_a_view_drawn_first() {
        let opts = Options {
            site: Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/en"),
            audience: Some("team-north".into()),
            ..Default::default()
        };
        let parsed = parse(&opts).unwrap();
        let built = build_for(&parsed, opts.audience.as_deref(), &Default::default()).unwrap();
        let people = built.files.iter().filter(|f| f.path.starts_with("people/")).count();
        assert!(people >= 5, "the audience has person pages: {people}");
        // Each worker holds the view of the page it renders, and no more.
        assert!(built.views_at_once >= 1, "person views were drawn");
        assert!(
            built.views_at_once <= rayon::current_num_threads(),
            "{} of {people} person views held at once",
            built.views_at_once
        );
        // `serve` draws every view before rendering (its memo keeps them):
        // the pages are the same.
        let mut memo = crate::memo::Memo::new();
        let served = build_incremental(&opts, &mut memo).unwrap();
        assert_eq!(served.views_at_once, people, "serve holds every person's view");
        assert_eq!(served.files, built.files, "the same files with the same bytes");
    }
}
