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
use crate::output::{KeptFile, OutputFile};
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
    /// Every page's key, by route, for the cache of the next build.
    pub keys: Vec<(String, u64)>,
    /// HTML pages in the site, kept ones included.
    pub pages: usize,
    /// HTML pages rendered by this build.
    pub rendered: usize,
    pub warnings: Vec<Diagnostic>,
    pub timings: Vec<(&'static str, Duration)>,
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
}

impl Timer {
    fn new() -> Self {
        Timer {
            last: Instant::now(),
            laps: Vec::new(),
        }
    }
    fn lap(&mut self, name: &'static str) {
        let now = Instant::now();
        self.laps.push((name, now - self.last));
        self.last = now;
    }
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
    let parsed = parse_with(opts, Some(memo))?;
    let built = build_for_with(&parsed, opts.audience.as_deref(), &opts.previous, Some(memo));
    memo.keep_markdown(parsed.rendered_md);
    memo.files.keep(parsed.sources);
    built
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
    logo: Option<(String, Vec<u8>)>,
    brand: crate::brand::BrandView,
    diags: Vec<Diagnostic>,
    timings: Vec<(&'static str, Duration)>,
    review_date: bool,
}

impl Parsed {
    /// The audiences of `ritme.yaml`, by name.
    pub fn audiences(&self) -> Vec<String> {
        self.config.audiences.keys().cloned().collect()
    }
}

/// Reads and validates the site: everything that does not depend on whom
/// the build is for.
pub fn parse(opts: &Options) -> Result<Parsed, Error> {
    parse_with(opts, None)
}

fn parse_with(opts: &Options, mut memo: Option<&mut crate::memo::Memo>) -> Result<Parsed, Error> {
    let mut timer = Timer::new();
    let mut diags = Diagnostics::new();

    let (sources, found) = source::discover_cached(&opts.site, memo.as_deref_mut().map(|m| &mut m.files));
    diags.extend(found);
    let (history, history_warning) = history::read(&opts.site);
    diags.extend(history_warning);
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

    let (content, found) = content::parse(&sources);
    diags.extend(found);
    diags.extend(validate::references(&content));
    if let Some(today) = opts.review_date {
        diags.extend(validate::review_findings(&content, today));
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

    let rendered_md = match memo.as_deref_mut() {
        Some(m) => m.render_markdown(&content, &config.markdown),
        None => render::render_markdown(&content, &config.markdown),
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
        logo,
        brand,
        diags: diags.into_sorted(),
        timings: timer.laps,
        review_date: opts.review_date.is_some(),
    })
}

/// Builds the parsed site for one audience (`None`: the site's default
/// scope). `previous` are the pages the output folder holds already.
pub fn build_for(parsed: &Parsed, audience: Option<&str>, previous: &crate::cache::Previous) -> Result<Built, Error> {
    build_for_with(parsed, audience, previous, None)
}

fn build_for_with(
    parsed: &Parsed,
    audience: Option<&str>,
    previous: &crate::cache::Previous,
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
    let mut content = parsed.content.clone();
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
    let derive = || {
        let data = privacy::restrict(TeamData::clone(&parsed.data), &scope);
        let metrics = metrics::compute(&data, rules, config);
        let health = datahealth::assess(&data, &metrics);
        let visible =
            crate::visible::Visible::new(&metrics, &health, scope.mode, config.privacy.min_group_size, &targets)
                .with_coaching(&data.sessions);
        crate::memo::Derived {
            data,
            metrics,
            health,
            visible,
        }
    };
    let derived = match memo.as_deref_mut() {
        Some(m) => {
            // Everything `derive` reads: the data, the rules and targets
            // (in the data key and `ritme.yaml`'s text with the
            // behaviours), the settings, and the audience.
            use std::hash::{Hash, Hasher};
            let mut h = std::hash::DefaultHasher::new();
            parsed.data_key.hash(&mut h);
            sources.config.as_ref().map(|f| &f.text).hash(&mut h);
            config.base_url.hash(&mut h);
            audience.hash(&mut h);
            targets.hash(&mut h);
            m.derived(h.finish(), derive)
        }
        None => std::sync::Arc::new(derive()),
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
        let mut h = std::hash::DefaultHasher::new();
        (scope.mode as u8).hash(&mut h);
        persons.iter().for_each(|p| (p.id, p.name).hash(&mut h));
        allowed.hash(&mut h);
        key.hash(&mut h);
        h.finish()
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
        visible,
        scope: &scope,
        identities: &identities,
        brand,
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
    let json = metrics::json::metrics_json(visible.redacted(), people);
    rendering.files.push(OutputFile::new("metrics.json", json));
    if let (Some((rel, bytes)), Some(route)) = (logo, &brand.logo)
        && !rel.starts_with("static/")
    {
        rendering.files.push(OutputFile::new(route.clone(), bytes));
    }
    rendering.files.sort_by(|a, b| a.path.cmp(&b.path));
    timer.lap("render");

    // The last line of defence: an anonymous build that names anyone fails.
    if scope.mode != PrivacyMode::Named {
        // A consenting story's card (its summary names its people) may
        // appear on any page that links to the story.
        let mut allowed = allowed.clone();
        // (The mailable report has no links: there the card is its title.)
        let consenting: Vec<(&str, String, &Vec<String>)> = content
            .stories
            .iter()
            .filter(|s| s.meta.consent && !s.meta.people.is_empty())
            .filter_map(|s| {
                let route = s.route.strip_suffix("index.html")?;
                Some((route, crate::charts::escape(&s.meta.title).into_owned(), &s.meta.people))
            })
            .collect();
        if !consenting.is_empty() {
            for f in rendering.files.iter().filter(|f| f.path.ends_with(".html")) {
                let text = String::from_utf8_lossy(&f.bytes);
                for (route, title, people) in &consenting {
                    if text.contains(route) || text.contains(title.as_str()) {
                        allowed
                            .entry(f.path.clone())
                            .or_default()
                            .extend(people.iter().cloned());
                    }
                }
            }
        }
        let builtin = privacy::builtin_files(&rendering.files);
        let scan = privacy::leaks(&rendering.files, &persons, &allowed, key.as_deref(), &builtin);
        if !scan.leaks.is_empty() {
            return Err(Error::Input(scan.leaks));
        }
        for path in scan.skipped.iter().filter(|p| !builtin.contains(*p)) {
            rendering.warnings.push(
                Diagnostic::warning(path, "not text: the privacy check could not read this file")
                    .with_hint("make sure it holds no names (images and fonts of your own are listed here)"),
            );
        }
        timer.lap("leak check");
    }

    let mut warnings: Vec<Diagnostic> = diags.into_sorted();
    warnings.extend(rendering.warnings);
    let rendered = rendering.files.iter().filter(|f| f.path.ends_with(".html")).count();
    Ok(Built {
        pages: rendered + rendering.kept.len(),
        rendered,
        kept: rendering.kept,
        keys: rendering.keys,
        files: rendering.files,
        warnings,
        timings: timer.laps,
    })
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
