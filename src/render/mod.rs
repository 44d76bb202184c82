//! Rendering: the parsed site (and, later, its metrics) to output files.
//!
//! Markdown is rendered once per document, in parallel; then view models
//! are assembled and every page is rendered through the theme, in parallel.
//! Pure: no disk access; the caller writes the returned files.

pub mod keys;
pub mod pages;
pub mod patch;
pub mod views;

use std::collections::{BTreeMap, BTreeSet};

use rayon::prelude::*;
use tera::Context;

use crate::config::Config;
use crate::content::{BehaviourMeta, Content, Doc, GuideMeta, Reviewed, StoryMeta};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::history::History;
use crate::locale;
use crate::markdown::{self, PageContext, Rendered};
use crate::output::{KeptFile, OutputFile, Stored};
use crate::search::SearchDoc;
use crate::source::Sources;
use crate::theme::{self, Theme};
use views::*;

/// Everything the renderer reads.
pub struct Input<'a> {
    pub config: &'a Config,
    pub history: &'a History,
    pub content: &'a Content,
    pub sources: &'a Sources,
    pub theme: &'a Theme,
    /// Lowercase words the search index must never contain (people's names
    /// and ids in builds that may not identify anyone).
    pub search_exclude: &'a BTreeSet<String>,
    pub data: &'a crate::teamdata::TeamData,
    /// What this build may show: pages read figures only from here.
    pub visible: &'a crate::visible::Visible,
    pub scope: &'a crate::privacy::Scope,
    pub identities: &'a crate::privacy::Identities,
    /// Pages the output folder already holds from the last build.
    pub previous: &'a crate::cache::Previous,
    /// Logo, favicon, accent and dark mode.
    pub brand: &'a crate::brand::BrandView,
    /// What else decides whether a page from the last build may be kept:
    /// the inputs of the privacy check that vetted it.
    pub salt: u64,
    /// Where each page goes as soon as it is rendered (`None`: kept in
    /// [`Rendering::files`]). A page it refuses fails the build with its
    /// diagnostics.
    pub sink: Option<&'a PageSink<'a>>,
    /// `serve`'s memo of the data pages, and the key of the metrics they show.
    pub memo: Option<(&'a crate::memo::DataPages, u64)>,
}

/// Takes a rendered page and stores it (checked and written), so that a
/// large site is never held in memory whole.
pub type PageSink<'a> = dyn Fn(OutputFile) -> Result<Stored, Vec<Diagnostic>> + Sync + 'a;

/// The rendered site and the warnings found while rendering it.
pub struct Rendering {
    pub files: Vec<OutputFile>,
    /// Pages whose key is unchanged since the last build: the output has them.
    pub kept: Vec<KeptFile>,
    /// Pages (and the search text scripts) handed to the sink as they were made.
    pub stored: Vec<Stored>,
    /// Every page's key, by route, for the next build.
    pub keys: Vec<(String, u64)>,
    pub warnings: Vec<Diagnostic>,
    /// With a memo: what a rebuild after a body edit starts from.
    pub parts: Option<Box<patch::Parts>>,
    /// Into an output folder: what the search index reused, and what it
    /// leaves for the next build.
    pub search: Option<crate::search::Counted>,
    /// The most person views this build held at once.
    pub views_at_once: usize,
}

/// Renders every Markdown document of the site, keyed by source path.
pub fn render_markdown(content: &Content, options: &crate::config::MarkdownOptions) -> BTreeMap<String, Rendered> {
    render_markdown_cached(content, options, Default::default()).0
}

/// [`render_markdown`], taking each document from `cache` when its key is
/// there (the CLI's cache beside the output, or `serve`'s memo); also
/// returns every document's key (for the next build's cache) and how many
/// documents went through Markdown.
pub fn render_markdown_cached(
    content: &Content,
    options: &crate::config::MarkdownOptions,
    mut cache: crate::cache::Markdown,
) -> (BTreeMap<String, Rendered>, BTreeMap<String, u64>, usize) {
    let routes = content.route_refs();
    // Links are resolved against every route: a page added or moved renders all again.
    let routes_key = routes_key(&routes, options);
    let mut docs: Vec<(&str, &std::sync::Arc<str>, usize, &str)> = Vec::new();
    if let Some(h) = &content.home {
        docs.push((&h.rel, &h.body, h.body_line, &h.route));
    }
    fn push<'a, M>(docs: &mut Vec<(&'a str, &'a std::sync::Arc<str>, usize, &'a str)>, list: &'a [Doc<M>]) {
        docs.extend(
            list.iter()
                .map(|d| (d.rel.as_str(), &d.body, d.body_line, d.route.as_str())),
        );
    }
    push(&mut docs, &content.behaviours);
    push(&mut docs, &content.guides);
    push(&mut docs, &content.stories);
    push(&mut docs, &content.reports);
    push(&mut docs, &content.pages);
    let keys: Vec<u64> = docs
        .par_iter()
        .map(|(rel, body, body_line, route)| markdown_key(routes_key, rel, body, *body_line, route))
        .collect();
    // Cached documents are moved out of the cache, not copied.
    let taken: Vec<Option<crate::cache::Kept>> = keys.iter().map(|key| cache.docs.remove(key)).collect();
    let ran = taken.iter().filter(|t| t.is_none()).count();
    // What a document taken in outline is rendered again from, should
    // anything read its HTML or text: the routes, owned once for all.
    let owned_routes = taken
        .iter()
        .any(|t| matches!(t, Some(crate::cache::Kept::Outline(_))))
        .then(|| {
            std::sync::Arc::new(
                routes
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect::<BTreeMap<_, _>>(),
            )
        });
    let all: Vec<(String, Rendered)> = docs
        .par_iter()
        .zip(taken)
        .zip(&keys)
        .map(|(((rel, body, body_line, route), taken), &key)| {
            let r = match taken {
                Some(crate::cache::Kept::Whole(r)) => r,
                Some(crate::cache::Kept::Outline(o)) => {
                    let later = crate::markup::Later::new(
                        key,
                        crate::markup::Source {
                            body: std::sync::Arc::clone(body),
                            rel: rel.to_string(),
                            body_line: *body_line,
                            route: route.to_string(),
                            routes: owned_routes.clone().unwrap_or_default(),
                            raw_html: options.raw_html,
                            remote_images: options.remote_images,
                        },
                    );
                    Rendered {
                        html: crate::markup::Html::later(&later),
                        text: crate::markup::Text::later(&later),
                        toc: o.toc,
                        anchors: o.anchors,
                        anchor_links: o.anchor_links,
                        first_paragraph: o.first_paragraph,
                        shortcodes: Vec::new(),
                        diagnostics: Vec::new(),
                    }
                }
                None => {
                    let ctx = PageContext {
                        rel,
                        body_line: *body_line,
                        route,
                        routes: &routes,
                        raw_html: options.raw_html,
                        remote_images: options.remote_images,
                    };
                    let mut r = markdown::render(body, &ctx);
                    // Marked with its key, as a document taken from the
                    // cache is: a page's key then reads the same either way.
                    r.html = r.html.with_key(key);
                    r.text = r.text.with_key(key);
                    r
                }
            };
            (rel.to_string(), r)
        })
        .collect();
    // Collected whole, the maps are sorted once and built in one pass
    // instead of by 10,000 inserts on one core.
    let keys = docs.iter().zip(keys).map(|(d, k)| (d.0.to_string(), k)).collect();
    (all.into_iter().collect(), keys, ran)
}

/// The key of what every document's rendering shares: links are resolved
/// against every route, so a page added or moved renders all again.
pub(crate) fn routes_key(routes: &BTreeMap<&str, &str>, options: &crate::config::MarkdownOptions) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = crate::hash::KeyHasher::new();
    routes.hash(&mut h);
    (options.raw_html, options.remote_images).hash(&mut h);
    h.finish()
}

/// The key of everything one document's rendering reads.
pub(crate) fn markdown_key(routes_key: u64, rel: &str, body: &str, body_line: usize, route: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = crate::hash::KeyHasher::new();
    (routes_key, rel, body, &body_line, route).hash(&mut h);
    h.finish()
}

/// Whether a rendered document may be kept for the next build: one with
/// shortcodes (charts of this build's data) or warnings is rendered again.
pub fn markdown_cacheable(r: &Rendered) -> bool {
    r.shortcodes.is_empty() && r.diagnostics.is_empty()
}

/// Links to `#anchors` that name no heading on their target page.
pub fn check_anchors(rendered: &BTreeMap<String, Rendered>, content: &Content) -> Vec<Diagnostic> {
    if rendered.values().all(|r| r.anchor_links.is_empty()) {
        return Vec::new();
    }
    let routes = content.route_refs();
    let by_route: BTreeMap<&str, &BTreeSet<String>> = rendered
        .iter()
        .filter_map(|(rel, r)| routes.get(rel.as_str()).map(|route| (*route, &r.anchors)))
        .collect();
    let mut out = Vec::new();
    for (rel, r) in rendered {
        for link in &r.anchor_links {
            let Some(anchors) = by_route.get(link.target_route.as_str()) else {
                continue;
            };
            if !anchors.contains(&link.anchor) {
                let mut d = Diagnostic::error(
                    rel,
                    format!("broken link: `{}` names no heading `#{}`", link.written, link.anchor),
                )
                .at(link.line, link.column);
                d = match crate::diagnostics::nearest(&link.anchor, anchors.iter().map(String::as_str)) {
                    Some(near) => d.with_hint(format!("did you mean `#{near}`?")),
                    None => d.with_hint("anchors are the heading text in lowercase with `-` for spaces"),
                };
                out.push(d);
            }
        }
    }
    out
}

/// Renders every page of the site.
pub fn render(input: &Input, rendered: &BTreeMap<String, Rendered>) -> Result<Rendering, Diagnostics> {
    let shown = pages::Shown::new(input);
    let mut jobs = page_jobs(input, &shown, rendered);
    let (base, shared) = base_context(input);
    let theme = input.theme;

    // The search index needs only the jobs: built beside the pages, so that
    // its serial parts overlap their rendering instead of following it.
    // With a sink, its text scripts leave as they are made, like the pages.
    let shards = std::sync::Mutex::new(Vec::new());
    let put_shard = |n: usize, script: String| {
        if let Some(sink) = input.sink {
            let stored = sink(OutputFile::new(format!("assets/search-text/{n}.js"), script));
            shards.lock().unwrap_or_else(|e| e.into_inner()).push(stored);
        }
    };
    // A build into an output folder takes the word counts and text scripts
    // of pages unchanged since the last build from it (`serve` patches its
    // own index instead).
    let shard_keys = std::sync::Mutex::new(Vec::new());
    let kept_shard = |n: usize, key: u64| {
        let path = format!("assets/search-text/{n}.js");
        let hash = input.previous.kept(&path, key);
        shard_keys
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((n, path, key, hash));
        hash.is_some()
    };
    let reuse = (input.sink.is_some() && input.memo.is_none()).then(|| crate::search::Reuse {
        words: &input.previous.words,
        kept: &kept_shard,
    });
    let (results, (index, search)) = rayon::join(
        || render_pages(input, &shown, &jobs, &base, shared),
        || {
            search_index(
                input,
                &jobs,
                rendered,
                input.sink.map(|_| &put_shard as _),
                reuse.as_ref(),
            )
        },
    );

    let mut diags = Diagnostics::new();
    let mut files = Vec::with_capacity(results.len() + theme.assets.len());
    let mut kept = Vec::new();
    let mut stored = Vec::new();
    for shard in shards.into_inner().unwrap_or_else(|e| e.into_inner()) {
        match shard {
            Ok(s) => stored.push(s),
            Err(d) => diags.extend(d),
        }
    }
    let mut page_keys = Vec::with_capacity(results.len());
    for (job, (key, r)) in jobs.iter().zip(results) {
        page_keys.push((job.route.clone(), key));
        match r {
            Ok(Page::Rendered(f)) => files.push(f),
            Ok(Page::Kept(k)) => kept.push(k),
            Ok(Page::Stored(s)) => stored.push(s),
            Err(d) => diags.extend(d),
        }
    }
    let mut shard_keys = shard_keys.into_inner().unwrap_or_else(|e| e.into_inner());
    shard_keys.sort_unstable_by_key(|(n, ..)| *n);
    for (_, path, key, hash) in shard_keys {
        if let Some(hash) = hash {
            kept.push(KeptFile {
                path: path.clone(),
                hash,
            });
        }
        page_keys.push((path, key));
    }
    // Every page's search entry, the data pages' too, before their memo takes them.
    let mut entries = input.memo.map(|_| {
        jobs.iter()
            .filter(|j| j.route != "404.html" && j.template != "report_mail.html")
            .map(|j| std::sync::Arc::new(search_doc(input.theme, j, rendered)))
            .collect::<Vec<_>>()
    });
    if let Some((memo, _)) = input.memo {
        memo.keep(&mut jobs, &page_keys, shared);
    }
    if diags.has_errors() {
        return Err(diags);
    }
    files.extend(theme.assets.iter().map(|(p, b)| OutputFile::new(p.clone(), b.clone())));
    files.push(OutputFile::new("assets/search-index.js", index.index));
    for (n, text) in index.texts.into_iter().enumerate() {
        files.push(OutputFile::new(format!("assets/search-text/{n}.js"), text));
    }
    let parts = match input.memo {
        Some(_) => Some(jobs),
        None => {
            // The views hold every chart of the site: freed on both cores
            // rather than on one while the other waits for the build's end.
            jobs.into_par_iter().with_max_len(1).for_each(drop);
            None
        }
    };
    let parts = parts.map(|jobs| {
        let is_search = |p: &str| p == "assets/search-index.js" || p.starts_with("assets/search-text/");
        Box::new(patch::Parts {
            search_docs: entries.take().unwrap_or_default(),
            jobs,
            search_paths: files
                .iter()
                .map(|f| &f.path)
                .chain(stored.iter().map(|s| &s.path))
                .filter(|p| is_search(p))
                .cloned()
                .collect(),
            base: base.clone(),
            shared,
        })
    });
    // Pages kept from the last build are generated pages too.
    let generated: BTreeSet<String> = files
        .iter()
        .map(|f| f.path.clone())
        .chain(kept.iter().map(|k| k.path.clone()))
        .chain(stored.iter().map(|s| s.path.clone()))
        .collect();
    let mut warnings = Vec::new();
    for s in &input.sources.static_files {
        if theme::is_theme_asset(&s.rel) {
            continue; // already in the theme's assets, as the site's version
        }
        if generated.contains(&s.rel) {
            warnings.push(Diagnostic::warning(
                format!("static/{}", s.rel),
                "this file has the same path as a generated page and is not copied",
            ));
            continue;
        }
        files.push(OutputFile::new(s.rel.clone(), s.bytes.clone()));
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(Rendering {
        files,
        kept,
        stored,
        keys: page_keys,
        warnings,
        parts,
        search,
        views_at_once: shown.views.most(),
    })
}

/// What the search index holds of one page, owned (as `search_index`
/// reads it), for `serve`'s rebuilds after a body edit.
pub(crate) fn search_doc(theme: &Theme, j: &PageJob, rendered: &BTreeMap<String, Rendered>) -> patch::SearchEntry {
    let s = &j.search_text;
    patch::SearchEntry {
        title: j.title.clone(),
        route: j.route.clone(),
        section: {
            let key = j.section.replace('-', "_");
            theme.strings.get(&key).cloned().unwrap_or(key)
        },
        text: match s.source.as_deref().and_then(|rel| rendered.get(rel)) {
            Some(r) => vec![s.extra.clone(), " ".into(), r.text.to_string()],
            None if !s.extra.is_empty() => vec![s.extra.clone()],
            None => vec![j.description.clone()],
        },
    }
}

/// The search index's files, by output path.
pub(crate) fn search_output(index: crate::search::SearchFiles) -> Vec<OutputFile> {
    let mut files = vec![OutputFile::new("assets/search-index.js", index.index)];
    for (n, text) in index.texts.into_iter().enumerate() {
        files.push(OutputFile::new(format!("assets/search-text/{n}.js"), text));
    }
    files
}

/// Every page through its template (or kept from the last build), with its key.
fn render_pages(
    input: &Input,
    shown: &pages::Shown,
    jobs: &[PageJob],
    base: &Context,
    shared: u64,
) -> Vec<(u64, Result<Page, Vec<Diagnostic>>)> {
    // One page a piece: the monthly reports and their mail copies come last
    // and cost a hundred person pages each, so a run of them left whole to
    // one thread kept the other idle for the render's last half second.
    jobs.par_iter()
        .with_max_len(1)
        .enumerate()
        .map(|(i, job)| {
            let drawn;
            let job = match &job.body {
                Body::Later(later) => match drawn_job(shown, job, later) {
                    Some(j) => {
                        drawn = j;
                        &drawn
                    }
                    None => {
                        let d = Diagnostic::error(&job.route, "internal error: this page's view could not be drawn");
                        return (0, Err(vec![d]));
                    }
                },
                _ => job,
            };
            let root = page_root(input.config, &job.route);
            let key = input
                .memo
                .and_then(|(m, _)| m.page_key(i, &job.route, shared))
                .unwrap_or_else(|| keys::page_key(shared, job, &root));
            if let Some(hash) = input.previous.kept(&job.route, key) {
                let kept = KeptFile {
                    path: job.route.clone(),
                    hash,
                };
                return (key, Ok(Page::Kept(kept)));
            }
            let page = render_page(input.theme, job, base, &root).and_then(|file| match input.sink {
                Some(sink) => sink(file).map(Page::Stored),
                None => Ok(Page::Rendered(file)),
            });
            (key, page)
        })
        .collect()
}

/// The `root` of a page: the way back to the site's root from its folder.
pub(crate) fn page_root(config: &Config, route: &str) -> String {
    if route == "404.html" {
        // The 404 page is served at any depth; only an absolute base works there.
        config
            .base_url
            .as_deref()
            .map(|b| format!("{}/", b.trim_end_matches('/')))
            .unwrap_or_default()
    } else {
        crate::slug::root_prefix(route)
    }
}

/// One page through its template.
pub(crate) fn render_page(
    theme: &Theme,
    job: &PageJob,
    base: &Context,
    root: &str,
) -> Result<OutputFile, Vec<Diagnostic>> {
    let mut ctx = base.clone();
    ctx.insert("root", root);
    ctx.insert("route", &job.route);
    ctx.insert("section", job.section);
    ctx.insert("title", &job.title);
    ctx.insert("description", &job.description);
    ctx.insert("review", &job.review);
    ctx.insert("page", &job.body);
    theme
        .tera
        .render(job.template, &ctx)
        .map(|html| match job.template {
            "report_mail.html" => match &job.body {
                Body::Report(r) => crate::mailsafe::standalone_around(&html, &r.drawn()),
                _ => crate::mailsafe::standalone(&html),
            },
            _ => html,
        })
        .map_err(|e| theme::template_error(&e, &theme.origins, Some(&job.route)))
        .map(|html| OutputFile::new(job.route.clone(), html))
}

/// A page of this build: rendered now, or kept from the last build.
enum Page {
    Rendered(OutputFile),
    Kept(KeptFile),
    /// Rendered and handed to the sink: only its path and hash are left.
    Stored(Stored),
}

/// The context every page shares, built once, and the key of everything
/// in it and around it that reaches every page.
fn base_context(input: &Input) -> (Context, u64) {
    use std::hash::{Hash, Hasher};
    let c = input.config;
    let site = SiteView {
        title: c.title.clone(),
        description: c.description.clone(),
        lang: c.language.code(),
        brand: input.brand.clone(),
    };
    let nav = nav(input);
    let mut h = crate::hash::KeyHasher::new();
    input.salt.hash(&mut h);
    input.theme.templates_hash.hash(&mut h);
    // The filters format numbers and dates in the configured language.
    c.language.code().hash(&mut h);
    keys::hash_serialized(&mut h, &(&site, &input.theme.strings, &nav));
    let mut ctx = Context::new();
    ctx.insert("site", &site);
    ctx.insert("t", &input.theme.strings);
    ctx.insert("nav", &nav);
    (ctx, h.finish())
}

/// Most teams whose coaching pages the menu lists one by one.
pub const MAX_COACH_LINKS: usize = 12;

pub(crate) fn t<'a>(input: &'a Input, key: &'a str) -> &'a str {
    input.theme.strings.get(key).map(String::as_str).unwrap_or(key)
}

fn nav(input: &Input) -> NavView {
    let content = input.content;
    let mut groups: Vec<NavGroup> = Vec::new();
    for b in &content.behaviours {
        let name = b.meta.category.clone().unwrap_or_else(|| t(input, "other").to_string());
        let link = Link {
            title: b.meta.title.clone(),
            route: b.route.clone(),
        };
        match groups.last_mut() {
            Some(g) if g.name == name => g.items.push(link),
            _ => groups.push(NavGroup {
                name,
                items: vec![link],
            }),
        }
    }
    let mut sections = vec![NavSection {
        key: "behaviours",
        title: t(input, "behaviours").to_string(),
        route: "behaviours/index.html".into(),
    }];
    if !content.guides.is_empty() {
        sections.push(NavSection {
            key: "coaching",
            title: t(input, "coaching").to_string(),
            route: "coaching/index.html".into(),
        });
    }
    if !content.stories.is_empty() {
        sections.push(NavSection {
            key: "stories",
            title: t(input, "stories").to_string(),
            route: "stories/index.html".into(),
        });
    }
    if !input.data.teams.is_empty() {
        sections.push(NavSection {
            key: "teams",
            title: t(input, "teams").to_string(),
            route: "teams/index.html".into(),
        });
        sections.push(NavSection {
            key: "data-health",
            title: t(input, "data_health").to_string(),
            route: "data-health/index.html".into(),
        });
    }
    // Every page carries the menu, so a link per team would make each page
    // grow with the programme and the site with its square (at 2,000 people
    // the 200 links were 30 KB of every 80 KB person page). Beyond a menu's
    // worth, the team pages (in the menu through the teams section) link to
    // their coaching page instead.
    let coaching = &input.visible.coaching;
    if coaching.len() <= MAX_COACH_LINKS {
        for team in coaching.keys() {
            let name = input.data.team(team).map_or(team.as_str(), |t| t.name.as_str());
            sections.push(NavSection {
                key: "coach",
                title: crate::charts::fill(t(input, "coach_nav"), &[("team", name)]),
                route: format!("teams/{team}/coaching/index.html"),
            });
        }
    }
    if !input.visible.months.is_empty() {
        sections.push(NavSection {
            key: "reports",
            title: t(input, "reports").to_string(),
            route: "reports/index.html".into(),
        });
    }
    if !input.history.commits.is_empty() {
        sections.push(NavSection {
            key: "changes",
            title: t(input, "changes").to_string(),
            route: "changes/index.html".into(),
        });
    }
    NavView {
        behaviour_groups: groups,
        guides: content
            .guides
            .iter()
            .map(|g| Link {
                title: g.meta.title.clone(),
                route: g.route.clone(),
            })
            .collect(),
        // Only top-level free pages and folders: deeper pages are listed on their folder's page.
        pages: top_level_pages(content),
        sections,
    }
}

fn review_view<M: Reviewed>(input: &Input, doc: &Doc<M>) -> ReviewView {
    let r = doc.meta.review();
    ReviewView {
        draft: r.status == crate::content::Status::Draft,
        owner: r.owner,
        review_by: r.review_by.map(|d| locale::date(input.config.language, d)),
        changed: input
            .history
            .commits
            .iter()
            .find(|c| c.files.iter().any(|f| f == &doc.rel))
            .map(|c| locale::date(input.config.language, c.date)),
    }
}

/// The playbook's change log: commits that touched pages, newest first.
fn changes_view(input: &Input) -> ChangesView {
    ChangesView {
        items: page_changes(input, None),
    }
}

/// The commits that changed playbook pages (in `month`, or ever), each
/// with the titles of the pages it changed, linked: one list for the
/// change-log page and every report.
pub fn page_changes(input: &Input, month: Option<&str>) -> Vec<ChangeView> {
    let routes = input.content.route_refs();
    let titles = titles_by_source(input.content);
    let is_page = |f: &str| titles.contains_key(f) && routes.contains_key(f);
    input
        .history
        .page_changes(month, is_page)
        .into_iter()
        .map(|c| ChangeView {
            date: locale::date(input.config.language, c.commit.date),
            datetime: c.commit.date.to_string(),
            subject: c.commit.subject.clone(),
            pages: c
                .pages
                .iter()
                .filter_map(|f| {
                    Some(Link {
                        title: titles.get(f)?.clone(),
                        route: routes.get(*f)?.to_string(),
                    })
                })
                .collect(),
        })
        .collect()
}

fn titles_by_source(content: &Content) -> BTreeMap<&str, String> {
    let mut out = BTreeMap::new();
    for b in &content.behaviours {
        out.insert(b.rel.as_str(), b.meta.title.clone());
    }
    for g in &content.guides {
        out.insert(g.rel.as_str(), g.meta.title.clone());
    }
    for s in &content.stories {
        out.insert(s.rel.as_str(), s.meta.title.clone());
    }
    for p in &content.pages {
        out.insert(p.rel.as_str(), p.meta.title.clone().unwrap_or_default());
    }
    out
}

fn behaviour_card(b: &Doc<BehaviourMeta>) -> BehaviourCard {
    BehaviourCard {
        id: b.id.clone(),
        title: b.meta.title.clone(),
        route: b.route.clone(),
        category: b.meta.category.clone(),
        summary: b.meta.summary.clone(),
        target: b.meta.target,
        roles: b.meta.roles.clone().unwrap_or_default(),
        draft: b.meta.status == crate::content::Status::Draft,
    }
}

fn behaviour_links(content: &Content, ids: &[String]) -> Vec<Link> {
    ids.iter()
        .filter_map(|id| content.behaviour(id))
        .map(|b| Link {
            title: b.meta.title.clone(),
            route: b.route.clone(),
        })
        .collect()
}

fn guide_card(content: &Content, g: &Doc<GuideMeta>) -> GuideCard {
    GuideCard {
        title: g.meta.title.clone(),
        route: g.route.clone(),
        summary: g.meta.summary.clone(),
        behaviours: behaviour_links(content, &g.meta.behaviours),
    }
}

fn story_card(input: &Input, rendered: &BTreeMap<String, Rendered>, s: &Doc<StoryMeta>) -> StoryCard {
    StoryCard {
        title: s.meta.title.clone(),
        route: s.route.clone(),
        date: locale::date(input.config.language, s.meta.date),
        datetime: s.meta.date.to_string(),
        outcome: s.meta.outcome.clone(),
        summary: s
            .meta
            .summary
            .clone()
            .or_else(|| rendered.get(&s.rel).map(|r| r.first_paragraph.clone()))
            .unwrap_or_default(),
        team: s.meta.team.as_ref().and_then(|id| input.data.team(id)).map(|t| Link {
            title: t.name.clone(),
            route: format!("teams/{}/index.html", t.id),
        }),
        behaviours: behaviour_links(input.content, &s.meta.behaviours),
    }
}

/// A document's HTML with its chart shortcodes drawn, and its table of contents.
pub(crate) fn html_of(
    sh: &pages::Shown,
    rendered: &BTreeMap<String, Rendered>,
    rel: &str,
) -> (Html, Vec<crate::markdown::TocEntry>) {
    let Some(r) = rendered.get(rel) else {
        return Default::default();
    };
    if r.shortcodes.is_empty() {
        return (r.html.clone(), r.toc.clone());
    }
    let mut n = 0;
    let html = crate::markdown::expand_shortcodes(&r.html, &r.shortcodes, |u| {
        n += 1;
        pages::charts::shortcode_chart(sh, n, u)
    });
    (html.into(), r.toc.clone())
}

fn description_of(rendered: &BTreeMap<String, Rendered>, rel: &str, summary: Option<&String>) -> String {
    summary
        .cloned()
        .unwrap_or_else(|| rendered.get(rel).map(|r| r.first_paragraph.clone()).unwrap_or_default())
}

/// `job` with the view its [`Later`] body stands for.
fn drawn_job(shown: &pages::Shown, job: &PageJob, later: &Later) -> Option<PageJob> {
    let mut drawn = job.clone();
    drawn.body = match later {
        Later::Person { index, stories } => {
            let person = shown.input.data.people.get(*index)?;
            Body::Person(Box::new(pages::person::person_view(shown, person, stories.clone())?))
        }
    };
    Some(drawn)
}

/// Every page of the site, as (route, template, view).
fn page_jobs(input: &Input, shown: &pages::Shown, rendered: &BTreeMap<String, Rendered>) -> Vec<PageJob> {
    let content = input.content;
    let config = input.config;
    let mut jobs = Vec::new();
    let stories: Vec<StoryCard> = content.stories.iter().map(|s| story_card(input, rendered, s)).collect();
    let guides: Vec<GuideCard> = content.guides.iter().map(|g| guide_card(content, g)).collect();
    let behaviours: Vec<BehaviourCard> = content.behaviours.iter().map(behaviour_card).collect();
    let (scoreboard, home_charts) = match pages::home::scoreboard(shown) {
        Some((s, c)) => (Some(s), c),
        None => (None, Vec::new()),
    };

    // Home.
    let (home_html, _) = content
        .home
        .as_ref()
        .map(|h| html_of(shown, rendered, &h.rel))
        .unwrap_or_default();
    let home_title = content
        .home
        .as_ref()
        .and_then(|h| h.meta.title.clone())
        .unwrap_or_else(|| config.title.clone());
    jobs.push(PageJob {
        route: "index.html".into(),
        template: "home.html",
        section: "home",
        title: home_title.clone(),
        description: config.description.clone(),
        review: None,
        body: Body::Home(Box::new(HomeView {
            due_for_review: due_for_review(input),
            logging_started: input.visible.as_of.is_some(),
            scoreboard,
            charts: home_charts,
            title: home_title,
            html: home_html,
            behaviours: behaviours.clone(),
            guides: guides.clone(),
            stories: stories.iter().take(3).cloned().collect(),
        })),
        search_text: SearchText::default(),
    });

    // Behaviours.
    let mut groups: Vec<BehaviourGroup> = Vec::new();
    for card in &behaviours {
        let name = card.category.clone().unwrap_or_else(|| t(input, "other").to_string());
        match groups.last_mut() {
            Some(g) if g.name == name => g.items.push(card.clone()),
            _ => groups.push(BehaviourGroup {
                name,
                items: vec![card.clone()],
            }),
        }
    }
    jobs.push(PageJob {
        route: "behaviours/index.html".into(),
        template: "behaviours.html",
        section: "behaviours",
        title: t(input, "behaviours").into(),
        description: t(input, "behaviours_intro").into(),
        review: None,
        body: Body::BehaviourIndex(BehaviourIndexView { groups }),
        search_text: SearchText::default(),
    });
    for (b, card) in content.behaviours.iter().zip(&behaviours) {
        let (html, toc) = html_of(shown, rendered, &b.rel);
        let charts = pages::behaviour::behaviour_charts(shown, &b.id);
        let view = BehaviourView {
            charts_note: pages::behaviour::charts_note(shown, &b.id, charts.is_empty()),
            charts,
            card: card.clone(),
            half_life: b.meta.half_life.unwrap_or(config.consistency.half_life),
            indicators: b.meta.indicators.clone(),
            questions: b.meta.questions.clone(),
            html,
            toc,
            guides: content
                .guides
                .iter()
                .zip(&guides)
                .filter(|(g, _)| g.meta.behaviours.contains(&b.id))
                .map(|(_, c)| c.clone())
                .collect(),
            stories: content
                .stories
                .iter()
                .zip(&stories)
                .filter(|(s, _)| s.meta.behaviours.contains(&b.id))
                .map(|(_, c)| c.clone())
                .collect(),
        };
        jobs.push(PageJob {
            route: b.route.clone(),
            template: "behaviour.html",
            section: "behaviours",
            title: b.meta.title.clone(),
            description: description_of(rendered, &b.rel, b.meta.summary.as_ref()),
            review: Some(review_view(input, b)),
            body: Body::Behaviour(Box::new(view)),
            search_text: search_text(
                &b.rel,
                &[
                    b.meta.summary.as_deref().unwrap_or(""),
                    &b.meta.indicators.join(" "),
                    &b.meta.questions.join(" "),
                ],
            ),
        });
    }

    // Coaching guides.
    if !content.guides.is_empty() {
        jobs.push(PageJob {
            route: "coaching/index.html".into(),
            template: "guides.html",
            section: "coaching",
            title: t(input, "coaching").into(),
            description: t(input, "coaching_intro").into(),
            review: None,
            body: Body::GuideIndex(GuideIndexView { items: guides.clone() }),
            search_text: SearchText::default(),
        });
    }
    for (g, card) in content.guides.iter().zip(&guides) {
        let (html, toc) = html_of(shown, rendered, &g.rel);
        jobs.push(PageJob {
            route: g.route.clone(),
            template: "guide.html",
            section: "coaching",
            title: g.meta.title.clone(),
            description: description_of(rendered, &g.rel, g.meta.summary.as_ref()),
            review: Some(review_view(input, g)),
            body: Body::Guide(GuideView {
                card: card.clone(),
                html,
                toc,
                stories: content
                    .stories
                    .iter()
                    .zip(&stories)
                    .filter(|(s, _)| s.meta.behaviours.iter().any(|b| g.meta.behaviours.contains(b)))
                    .map(|(_, c)| c.clone())
                    .collect(),
            }),
            search_text: SearchText::default(),
        });
    }

    // Stories.
    if !content.stories.is_empty() {
        jobs.push(PageJob {
            route: "stories/index.html".into(),
            template: "stories.html",
            section: "stories",
            title: t(input, "stories").into(),
            description: t(input, "stories_intro").into(),
            review: None,
            body: Body::StoryIndex(StoryIndexView { items: stories.clone() }),
            search_text: SearchText::default(),
        });
    }
    for (s, card) in content.stories.iter().zip(&stories) {
        let (html, _) = html_of(shown, rendered, &s.rel);
        jobs.push(PageJob {
            route: s.route.clone(),
            template: "story.html",
            section: "stories",
            title: s.meta.title.clone(),
            description: card.summary.clone(),
            review: Some(review_view(input, s)),
            body: Body::Story(StoryView {
                card: card.clone(),
                people: s.meta.people.iter().filter_map(|p| story_person(input, p)).collect(),
                html,
            }),
            search_text: search_text(&s.rel, &[s.meta.outcome.as_deref().unwrap_or("")]),
        });
    }

    // Free pages, and an index for every folder of pages that has none of its own.
    // Most of a large site: their jobs made on both cores (one core took
    // as long as the rest of the site's jobs together).
    let children = page_children(content);
    jobs.par_extend(content.pages.par_iter().map(|p| {
        let (html, toc) = html_of(shown, rendered, &p.rel);
        let title = p.meta.title.clone().unwrap_or_default();
        PageJob {
            route: p.route.clone(),
            template: "page.html",
            section: "pages",
            title: title.clone(),
            description: description_of(rendered, &p.rel, p.meta.summary.as_ref()),
            review: Some(review_view(input, p)),
            body: Body::Page(PageView {
                title,
                summary: p.meta.summary.clone(),
                html,
                toc,
                children: children.get(p.id.as_str()).cloned().unwrap_or_default(),
            }),
            search_text: search_text(&p.rel, &[p.meta.summary.as_deref().unwrap_or("")]),
        }
    }));
    for (folder, cards) in &children {
        if content.pages.iter().any(|p| p.id == *folder) {
            continue;
        }
        let title = folder_title(folder);
        jobs.push(PageJob {
            route: format!("{folder}/index.html"),
            template: "page.html",
            section: "pages",
            title: title.clone(),
            description: String::new(),
            review: None,
            body: Body::Page(PageView {
                title,
                summary: None,
                html: Html::default(),
                toc: Vec::new(),
                children: cards.clone(),
            }),
            search_text: SearchText::default(),
        });
    }

    // The reports' views (24 months of charts) beside the people's and
    // teams', not after them, where their few parallel parts left a core idle.
    let draw = || {
        let (mut jobs, reports) = rayon::join(
            || dashboard_jobs(input, shown, &stories),
            || report_jobs(input, shown, rendered, &stories),
        );
        jobs.extend(reports);
        jobs
    };
    let data_jobs = match input.memo {
        Some((memo, metrics_key)) => {
            let base = crate::memo::person_base(data_pages_key(input, rendered, 0), input.config, input.visible);
            memo.jobs(data_pages_key(input, rendered, metrics_key), base, jobs.len(), draw)
        }
        None => draw(),
    };
    jobs.extend(data_jobs);

    if !input.history.commits.is_empty() {
        jobs.push(PageJob {
            route: "changes/index.html".into(),
            template: "changes.html",
            section: "changes",
            title: t(input, "changes").into(),
            description: t(input, "changes_intro").into(),
            review: None,
            body: Body::Changes(changes_view(input)),
            search_text: SearchText::default(),
        });
    }
    jobs.push(PageJob {
        route: "404.html".into(),
        template: "404.html",
        section: "",
        title: t(input, "not_found_title").into(),
        description: String::new(),
        review: None,
        body: Body::Empty {},
        search_text: SearchText::default(),
    });
    debug_assert!(jobs.iter().all(|j| crate::output::is_safe_relative(&j.route)));
    jobs
}

/// A hash of everything the data pages' views read besides the metrics
/// (whose key is `metrics_key`): every document's front matter and place,
/// story summaries, report commentary, the history, the interface strings,
/// the audience and the privacy check's inputs.
fn data_pages_key(input: &Input, rendered: &BTreeMap<String, Rendered>, metrics_key: u64) -> u64 {
    use crate::memo::hash_debug;
    use std::hash::{Hash, Hasher};
    let mut h = crate::hash::KeyHasher::new();
    metrics_key.hash(&mut h);
    input.salt.hash(&mut h);
    let c = input.content;
    fn docs<M: std::fmt::Debug>(h: &mut crate::hash::KeyHasher, list: &[Doc<M>]) {
        list.len().hash(h);
        for d in list {
            (&d.rel, &d.id, &d.route).hash(h);
            hash_debug(h, &d.meta);
        }
    }
    if let Some(home) = &c.home {
        docs(&mut h, std::slice::from_ref(home));
    }
    docs(&mut h, &c.behaviours);
    docs(&mut h, &c.guides);
    docs(&mut h, &c.stories);
    docs(&mut h, &c.reports);
    docs(&mut h, &c.pages);
    for s in &c.stories {
        rendered.get(&s.rel).map(|r| &r.first_paragraph).hash(&mut h);
    }
    for r in &c.reports {
        hash_debug(&mut h, &rendered.get(&r.rel));
    }
    hash_debug(&mut h, input.history);
    input.theme.strings.hash(&mut h);
    hash_debug(&mut h, input.scope);
    h.finish()
}

/// The search index over every page but the 404. With `put`, the text
/// scripts go there as they are made (and are not returned).
fn search_index(
    input: &Input,
    jobs: &[PageJob],
    rendered: &BTreeMap<String, Rendered>,
    put: Option<&(dyn Fn(usize, String) + Sync)>,
    reuse: Option<&crate::search::Reuse>,
) -> (crate::search::SearchFiles, Option<crate::search::Counted>) {
    let docs: Vec<SearchDoc> = jobs
        .iter()
        .filter(|j| j.route != "404.html" && j.template != "report_mail.html")
        .map(|j| {
            let s = &j.search_text;
            let body = s.source.as_deref().and_then(|rel| rendered.get(rel));
            SearchDoc {
                title: &j.title,
                route: &j.route,
                // Section keys are written with `-` (`data-health`), strings with `_`.
                section: {
                    let key = j.section.replace('-', "_");
                    input.theme.strings.get(&key).cloned().unwrap_or(key)
                },
                text: match body {
                    Some(_) => vec![s.extra.as_str(), " "],
                    None if !s.extra.is_empty() => vec![s.extra.as_str()],
                    None => vec![j.description.as_str()],
                },
                body: body.map(|r| &r.text),
            }
        })
        .collect();
    let lang = input.config.language;
    let files = |index| crate::search::SearchFiles {
        index,
        texts: Vec::new(),
    };
    match (put, reuse) {
        (Some(put), Some(reuse)) => {
            let (index, counted) = crate::search::search_files_reusing(&docs, lang, input.search_exclude, put, reuse);
            (files(index), Some(counted))
        }
        (Some(put), None) => (
            files(crate::search::search_files_into(&docs, lang, input.search_exclude, put)),
            None,
        ),
        (None, _) => (crate::search::search_files(&docs, lang, input.search_exclude), None),
    }
}

/// Extra front-matter text of a Markdown page, then the page's own text, for the search index.
fn search_text(rel: &str, extra: &[&str]) -> SearchText {
    SearchText {
        extra: extra.join(" "),
        source: Some(rel.to_string()),
    }
}

/// Child pages per folder id (`hulp` → the pages in `pages/hulp/`), in page order.
fn page_children(content: &Content) -> BTreeMap<&str, Vec<PageCard>> {
    let mut out: BTreeMap<&str, Vec<PageCard>> = BTreeMap::new();
    for p in &content.pages {
        if let Some((folder, _)) = p.id.rsplit_once('/') {
            out.entry(folder).or_default().push(PageCard {
                title: p.meta.title.clone().unwrap_or_default(),
                route: p.route.clone(),
                summary: p.meta.summary.clone(),
            });
        }
    }
    out
}

/// Menu entries of the free pages: top-level pages, then folders of pages
/// (by their own index page's title, or the folder name).
fn top_level_pages(content: &Content) -> Vec<Link> {
    let mut links: Vec<Link> = content
        .pages
        .iter()
        .filter(|p| !p.id.contains('/'))
        .map(|p| Link {
            title: p.meta.title.clone().unwrap_or_default(),
            route: p.route.clone(),
        })
        .collect();
    let folders: std::collections::BTreeSet<&str> = content
        .pages
        .iter()
        .filter_map(|p| p.id.split_once('/').map(|(f, _)| f))
        .collect();
    let ids: rustc_hash::FxHashSet<&str> = content.pages.iter().map(|p| p.id.as_str()).collect();
    for folder in folders {
        if !ids.contains(folder) {
            links.push(Link {
                title: folder_title(folder),
                route: format!("{folder}/index.html"),
            });
        }
    }
    links
}

/// `veelgestelde-vragen` → `Veelgestelde vragen`.
fn folder_title(folder: &str) -> String {
    let last = folder.rsplit('/').next().unwrap_or(folder).replace(['-', '_'], " ");
    let mut chars = last.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// How a person featured in a story is named: by name where the build shows
/// people or the story has their consent, by pseudonym in pseudonymous builds.
fn story_person(input: &Input, id: &str) -> Option<String> {
    let person = input.data.person(id)?;
    match input.scope.mode {
        crate::config::PrivacyMode::Pseudonymous => input.identities.display(id).map(str::to_string),
        _ => Some(person.name.clone()),
    }
}

/// Teams, people (named builds) and data health.
fn dashboard_jobs(input: &Input, shown: &pages::Shown, stories: &[StoryCard]) -> Vec<PageJob> {
    let mut jobs = Vec::new();
    if input.data.teams.is_empty() {
        return jobs;
    }
    let team_stories = |team: &str| -> Vec<StoryCard> {
        input
            .content
            .stories
            .iter()
            .zip(stories)
            .filter(|(s, _)| s.meta.team.as_deref() == Some(team))
            .map(|(_, c)| c.clone())
            .collect()
    };
    let cards: Vec<TeamCard> = input
        .data
        .teams
        .iter()
        .filter_map(|tm| pages::team::team_card(shown, &tm.id))
        .collect();
    jobs.push(PageJob {
        route: "teams/index.html".into(),
        template: "teams.html",
        section: "teams",
        title: t(input, "teams").into(),
        description: t(input, "teams_intro").into(),
        review: None,
        body: Body::TeamIndex(TeamIndexView { teams: cards }),
        search_text: SearchText::default(),
    });
    // Team and person views draw their charts: in parallel, in data order.
    // `serve` keeps each team's and person's page while its inputs stay the same.
    let kept = |route: String,
                template: &'static str,
                inputs: &dyn Fn() -> u64,
                same: &dyn Fn(&_, &_) -> bool,
                make: &dyn Fn() -> Option<PageJob>| match input.memo {
        Some((memo, _)) => memo.view_job(route, template, inputs(), same, make),
        None => make(),
    };
    jobs.par_extend(input.data.teams.par_iter().filter_map(|team| {
        let stories = team_stories(&team.id);
        // A team without a colour of its own takes its place in the palette.
        let place = input.data.teams.iter().position(|t| t.id == team.id);
        let inputs = || crate::memo::view_inputs(&(team, input.data.colours.get(&team.id), place, &stories));
        let make = || {
            let view = pages::team::team_view(shown, &team.id, stories.clone())?;
            Some(PageJob {
                route: format!("teams/{}/index.html", team.id),
                template: "team.html",
                section: "teams",
                title: team.name.clone(),
                description: String::new(),
                review: None,
                body: Body::Team(Box::new(view)),
                search_text: SearchText::default(),
            })
        };
        let same = |a: &_, b: &_| crate::memo::same_team(a, b, &team.id);
        kept(
            format!("teams/{}/index.html", team.id),
            "team.html",
            &inputs,
            &same,
            &make,
        )
    }));
    // Coaching pages: only for the teams the visible stage gave one.
    jobs.par_extend(input.visible.coaching.par_iter().filter_map(|(team, _)| {
        let inputs = || crate::memo::view_inputs(&shown.team(team));
        let make = || {
            let view = pages::coaching::coaching_view(shown, team)?;
            Some(PageJob {
                route: format!("teams/{team}/coaching/index.html"),
                template: "coaching.html",
                section: "coach",
                title: format!("{}: {}", t(input, "coach_page"), view.team.title),
                description: String::new(),
                review: None,
                body: Body::Coaching(Box::new(view)),
                search_text: SearchText::default(),
            })
        };
        let same = |a: &_, b: &_| crate::memo::same_coaching(a, b, team);
        kept(
            format!("teams/{team}/coaching/index.html"),
            "coaching.html",
            &inputs,
            &same,
            &make,
        )
    }));
    if input.scope.mode == crate::config::PrivacyMode::Named {
        jobs.par_extend(input.data.people.par_iter().enumerate().filter_map(|(index, person)| {
            let own: Vec<StoryCard> = input
                .content
                .stories
                .iter()
                .zip(stories)
                .filter(|(s, _)| s.meta.people.contains(&person.id))
                .map(|(_, c)| c.clone())
                .collect();
            let route = format!("people/{}/index.html", person.id);
            let job = |body| PageJob {
                route: route.clone(),
                template: "person.html",
                section: "teams",
                title: person.name.clone(),
                description: String::new(),
                review: None,
                body,
                search_text: SearchText::default(),
            };
            match input.memo {
                // `serve` keeps each person's page while its inputs stay the same.
                Some((memo, _)) => {
                    let team = shown.team(&person.team);
                    let inputs = crate::memo::view_inputs(&(person, team, shown.sessions_of(&person.id), &own));
                    let same = |a: &_, b: &_| crate::memo::same_person(a, b, &person.id);
                    memo.view_job(route.clone(), "person.html", inputs, same, || {
                        let view = pages::person::person_view(shown, person, own)?;
                        Some(job(Body::Person(Box::new(view))))
                    })
                }
                // A build without a memo draws the view as the page is rendered.
                None => shown
                    .v
                    .people
                    .contains_key(&person.id)
                    .then(|| job(Body::Later(Later::Person { index, stories: own }))),
            }
        }));
    }
    jobs.push(PageJob {
        route: "data-health/index.html".into(),
        template: "data-health.html",
        section: "data-health",
        title: t(input, "data_health").into(),
        description: t(input, "data_health_intro").into(),
        review: None,
        body: Body::Health(pages::health::health_view(shown)),
        search_text: SearchText::default(),
    });
    jobs
}

/// The reports index, each month's report, and its self-contained copy.
fn report_jobs(
    input: &Input,
    shown: &pages::Shown,
    rendered: &BTreeMap<String, Rendered>,
    stories: &[StoryCard],
) -> Vec<PageJob> {
    let dated: Vec<(chrono::NaiveDate, StoryCard)> = input
        .content
        .stories
        .iter()
        .zip(stories)
        .map(|(s, c)| (s.meta.date, c.clone()))
        .collect();
    let (views, index) = pages::report::report_views(shown, rendered, &dated);
    if views.is_empty() {
        return Vec::new();
    }
    let mut jobs = vec![PageJob {
        route: "reports/index.html".into(),
        template: "reports.html",
        section: "reports",
        title: t(input, "reports").into(),
        description: t(input, "reports_intro").into(),
        review: None,
        body: Body::ReportIndex(index),
        search_text: SearchText::default(),
    }];
    for v in views {
        let route = format!("reports/{}/index.html", v.month);
        let mail = format!("reports/{}/{}", v.month, v.mail_file);
        let description = v.sentence.clone();
        let title = v.title.clone();
        let body = Body::Report(Box::new(v));
        jobs.push(PageJob {
            route: mail,
            template: "report_mail.html",
            section: "reports",
            title: title.clone(),
            description: description.clone(),
            review: None,
            body: body.clone(),
            search_text: SearchText::default(),
        });
        jobs.push(PageJob {
            route,
            template: "report.html",
            section: "reports",
            title,
            description,
            review: None,
            body,
            search_text: SearchText::default(),
        });
    }
    jobs
}

/// Pages past their `review_by` date as of the latest logged week (the
/// site's "today": taken from the data, so the output never depends on the
/// clock of the machine that builds it).
fn due_for_review(input: &Input) -> Vec<DueView> {
    let Some(today) = input.visible.as_of.map(|w| w.monday() + chrono::Duration::days(6)) else {
        return Vec::new();
    };
    let c = input.content;
    let mut due: Vec<(chrono::NaiveDate, DueView)> = Vec::new();
    let mut add = |title: &str, route: &str, r: crate::content::Review| {
        if let Some(by) = r.review_by.filter(|by| *by <= today) {
            due.push((
                by,
                DueView {
                    title: title.into(),
                    route: route.into(),
                    review_by: locale::date(input.config.language, by),
                    owner: r.owner,
                },
            ));
        }
    };
    for d in &c.behaviours {
        add(&d.meta.title, &d.route, d.meta.review());
    }
    for d in &c.guides {
        add(&d.meta.title, &d.route, d.meta.review());
    }
    for d in &c.pages {
        add(d.meta.title.as_deref().unwrap_or(""), &d.route, d.meta.review());
    }
    due.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.title.cmp(&b.1.title)));
    due.into_iter().map(|(_, v)| v).collect()
}
