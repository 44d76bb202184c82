//! The playbook: behaviours, coaching guides, stories, report commentary,
//! free pages and the home page, parsed from Markdown with front matter.
//!
//! Parsing decides each document's id and output path (its *route*), so
//! that link resolution, navigation and rendering all agree on one map.

pub mod meta;

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::frontmatter;
use crate::slug;
use crate::source::{SourceFile, Sources};
pub use meta::*;

/// Kinds of document, each with its own folder and schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Home,
    Behaviour,
    Guide,
    Story,
    Report,
    Page,
}

/// Output folders that free pages may not take, because generated sections live there.
pub const RESERVED: &[&str] = &[
    "behaviours",
    "coaching",
    "stories",
    "reports",
    "teams",
    "people",
    "assets",
    "search",
    "data-health",
    "changes",
    "404.html",
    "index.html",
    "metrics.json",
];

/// One parsed Markdown document.
#[derive(Debug, Clone)]
pub struct Doc<M> {
    pub kind: Kind,
    /// Source path relative to the site folder.
    pub rel: String,
    /// The id other files use to refer to it (behaviours) or its slug.
    pub id: String,
    /// Output path relative to the output root, e.g. `behaviours/x/index.html`.
    pub route: String,
    pub meta: M,
    /// The front-matter text, kept to locate values in validation errors.
    pub yaml: String,
    pub yaml_line: usize,
    /// Shared: a document taken from the cache in outline renders from it
    /// if its HTML is read (see `markup`).
    pub body: std::sync::Arc<str>,
    pub body_line: usize,
}

impl<M> Doc<M> {
    /// An error about the front-matter value `token` of field `key`, placed
    /// on the line where it is written (or the opening `---` when absent).
    pub fn error_at(&self, key: &str, token: &str, message: impl Into<String>) -> Diagnostic {
        let pos = crate::yaml::locate(&self.yaml, Some(key), token, self.yaml_line);
        Diagnostic::error(&self.rel, message).at_pos(pos.or(Some(crate::diagnostics::Pos {
            line: self.yaml_line.saturating_sub(1).max(1),
            column: 1,
        })))
    }
}

/// A month's report commentary (`reports/YYYY-MM.md`).
pub type ReportDoc = Doc<ReportMeta>;

/// Every document of the site.
#[derive(Debug, Clone, Default)]
pub struct Content {
    pub home: Option<Doc<PageMeta>>,
    pub behaviours: Vec<Doc<BehaviourMeta>>,
    pub guides: Vec<Doc<GuideMeta>>,
    pub stories: Vec<Doc<StoryMeta>>,
    pub reports: Vec<ReportDoc>,
    pub pages: Vec<Doc<PageMeta>>,
    /// Files that failed to parse, with a stand-in route: links to them
    /// still resolve, so one broken file is reported once, not again by
    /// every page that links to it.
    pub unparsed: BTreeMap<String, String>,
    /// Ids (or file stems) of behaviour pages left out for an error of
    /// their own: data that names them is not reported again.
    pub rejected_behaviours: std::collections::BTreeSet<String>,
}

impl Content {
    /// Drops every document's Markdown and front-matter text: only reading
    /// and rendering the Markdown need them, and on a large site they are
    /// a good part of the memory the build holds while it renders.
    pub fn drop_texts(&mut self) {
        fn clear<M>(docs: &mut [Doc<M>]) {
            for d in docs {
                d.yaml = String::new();
                d.body = "".into();
            }
        }
        clear(self.home.as_mut_slice());
        clear(&mut self.behaviours);
        clear(&mut self.guides);
        clear(&mut self.stories);
        clear(&mut self.reports);
        clear(&mut self.pages);
    }

    /// Source path → output path for every document, for resolving Markdown links.
    pub fn routes(&self) -> BTreeMap<String, String> {
        self.route_refs()
            .into_iter()
            .map(|(rel, route)| (rel.to_string(), route.to_string()))
            .collect()
    }

    /// (source path, output path) of every document, stand-ins left out.
    fn documents(&self) -> impl Iterator<Item = (&str, &str)> {
        fn of<M>(docs: &[Doc<M>]) -> impl Iterator<Item = (&str, &str)> {
            docs.iter().map(|d| (d.rel.as_str(), d.route.as_str()))
        }
        of(self.home.as_slice())
            .chain(of(&self.behaviours))
            .chain(of(&self.guides))
            .chain(of(&self.stories))
            .chain(of(&self.reports))
            .chain(of(&self.pages))
    }

    /// [`Content::routes`], borrowed: the checks that only look routes up
    /// need no copy of 10,000 paths each.
    pub fn route_refs(&self) -> BTreeMap<&str, &str> {
        self.unparsed
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .chain(self.documents())
            .collect()
    }

    pub fn behaviour(&self, id: &str) -> Option<&Doc<BehaviourMeta>> {
        self.behaviours.iter().find(|b| b.id == id)
    }
}

/// The front matter of free pages as a build read it, by a hash of its
/// text (see [`front_matter_key`]): kept beside the output, so that the
/// next build does not parse the unchanged pages' YAML again (serde_yaml
/// was most of the content stage of a one-page edit: about 50,000
/// instructions a page).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FrontMatter {
    pub pages: std::collections::HashMap<u64, PageMeta>,
    /// How many pages' front matter was parsed (the others came from the cache).
    pub parsed: usize,
    /// How many pages' front matter was read, parsed or from the cache.
    pub read: usize,
}

/// The key of a front matter's text: the same text always parses to the
/// same fields (a text with errors is never cached).
pub fn front_matter_key(yaml: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = crate::hash::KeyHasher::new();
    yaml.hash(&mut h);
    h.finish()
}

/// Parses every Markdown source. Documents with errors are left out and
/// their problems collected, so one run reports everything.
pub fn parse(sources: &Sources) -> (Content, Diagnostics) {
    let (content, diags, _) = parse_cached(sources, None);
    (content, diags)
}

/// [`parse`], taking the free pages' front matter from `cache` when its
/// text is unchanged; also returns what the next build may take (with a
/// cache only).
pub fn parse_cached(sources: &Sources, cache: Option<&FrontMatter>) -> (Content, Diagnostics, FrontMatter) {
    let mut diags = Diagnostics::new();
    let mut content = Content {
        home: sources.index.as_ref().and_then(|f| {
            let mut doc = parse_doc::<PageMeta>(f, Kind::Home, "index".into(), "index.html".into(), false, &mut diags)?;
            doc.id = "index".into();
            Some(doc)
        }),
        ..Content::default()
    };

    for f in &sources.behaviours {
        let stem = stem(&f.rel, "behaviours/");
        let Some(mut doc) =
            parse_doc::<BehaviourMeta>(f, Kind::Behaviour, stem.clone(), String::new(), true, &mut diags)
        else {
            content.rejected_behaviours.insert(stem);
            continue;
        };
        let id = doc.meta.id.clone().unwrap_or_else(|| stem.clone());
        // Until every check below passes; removed again on success.
        content.rejected_behaviours.extend([stem.clone(), id.clone()]);
        if !slug::is_valid_id(&id) {
            let what = if doc.meta.id.is_some() {
                "the `id`"
            } else {
                "the file name"
            };
            diags.push(
                doc.error_at("id", &id, format!("{what} `{id}` is not a valid behaviour id"))
                    .with_hint("ids use lowercase letters, digits, `-` and `_`, e.g. `tijdig-opvolgen`; set `id:` in the front matter or rename the file"),
            );
            continue;
        }
        if doc.meta.target < 1 {
            diags.push(
                doc.error_at("target", "0", "`target` must be at least 1")
                    .with_hint("the target is how many times per week counts as a hit: 1 or more"),
            );
            continue;
        }
        if let Some(h) = doc.meta.half_life
            && !(h.is_finite() && h > 0.0)
        {
            diags.push(
                doc.error_at(
                    "half_life",
                    &h.to_string(),
                    "`half_life` must be a positive number of weeks",
                )
                .with_hint("a number of weeks above 0, e.g. `half_life: 3`"),
            );
            continue;
        }
        content.rejected_behaviours.remove(&stem);
        content.rejected_behaviours.remove(&id);
        doc.route = format!("behaviours/{id}/index.html");
        doc.id = id;
        content.behaviours.push(doc);
    }
    for f in &sources.guides {
        let id = slug_for(&stem(&f.rel, "coaching/"));
        let route = format!("coaching/{id}/index.html");
        if let Some(doc) = parse_doc(f, Kind::Guide, id, route, true, &mut diags) {
            content.guides.push(doc);
        }
    }
    for f in &sources.stories {
        let id = slug_for(&stem(&f.rel, "stories/"));
        let route = format!("stories/{id}/index.html");
        if let Some(doc) = parse_doc(f, Kind::Story, id, route, true, &mut diags) {
            content.stories.push(doc);
        }
    }
    for f in &sources.reports {
        let id = stem(&f.rel, "reports/");
        if !is_month(&id) {
            diags.push(
                Diagnostic::error(&f.rel, format!("report commentary `{id}` is not named after a month"))
                    .with_hint("name the file `reports/YYYY-MM.md`, e.g. `reports/2026-03.md`"),
            );
            continue;
        }
        if let Err(e) = id.parse::<crate::week::Month>() {
            diags.push(Diagnostic::error(&f.rel, format!("report commentary: {e}")));
            continue;
        }
        let route = format!("reports/{id}/index.html");
        if let Some(doc) = parse_doc(f, Kind::Report, id, route, false, &mut diags) {
            content.reports.push(doc);
        }
    }
    // Free pages are most of a large site: parsed in parallel, kept in file order.
    use rayon::prelude::*;
    // The copy of each page's front matter for the next build is made
    // beside the parsing too: made in the loop below, one core did 10,000.
    type Parsed = (Option<Doc<PageMeta>>, Diagnostics, Option<(u64, bool, PageMeta)>);
    let pages: Vec<Parsed> = sources
        .pages
        .par_iter()
        .map(|f| {
            let mut found = Diagnostics::new();
            let mut read = None;
            let doc = parse_page(f, &mut found, cache, &mut read);
            let kept = match (&doc, read, cache) {
                (Some(doc), Some((key, parsed)), Some(_)) => Some((key, parsed, doc.meta.clone())),
                _ => None,
            };
            (doc, found, kept)
        })
        .collect();
    let mut front_matter = FrontMatter::default();
    front_matter.pages.reserve(pages.len());
    for (doc, found, kept) in pages {
        diags.extend(found);
        if let Some((key, parsed, meta)) = kept {
            front_matter.parsed += usize::from(parsed);
            front_matter.read += 1;
            front_matter.pages.insert(key, meta);
        }
        content.pages.extend(doc);
    }

    check_unique(
        &mut diags,
        content.behaviours.iter().map(|d| (&d.id, &d.rel)),
        "behaviour id",
    );
    check_unique(
        &mut diags,
        content.guides.iter().map(|d| (&d.id, &d.rel)),
        "coaching guide",
    );
    check_unique(&mut diags, content.stories.iter().map(|d| (&d.id, &d.rel)), "story");
    check_unique(&mut diags, content.pages.iter().map(|d| (&d.id, &d.rel)), "page");

    // Files that gave no document still get a route, so links to them resolve.
    let unparsed: Vec<&str> = {
        let parsed: rustc_hash::FxHashSet<&str> = content.documents().map(|(rel, _)| rel).collect();
        [
            &sources.behaviours,
            &sources.guides,
            &sources.stories,
            &sources.reports,
            &sources.pages,
        ]
        .into_iter()
        .flatten()
        .chain(sources.index.iter())
        .map(|f| f.rel.as_str())
        .filter(|rel| !parsed.contains(rel))
        .collect()
    };
    for rel in unparsed {
        let stand_in = format!("{}/index.html", slug::slugify(rel.trim_end_matches(".md")));
        content.unparsed.insert(rel.to_string(), stand_in);
    }
    sort_docs(&mut content);
    (content, diags, front_matter)
}

/// Navigation and index order: by weight, then title, then id — stable on every machine.
fn sort_docs(c: &mut Content) {
    c.behaviours.sort_by(|a, b| {
        (
            a.meta.category.as_deref().unwrap_or("~"),
            a.meta.weight.unwrap_or(0),
            &a.meta.title,
            &a.id,
        )
            .cmp(&(
                b.meta.category.as_deref().unwrap_or("~"),
                b.meta.weight.unwrap_or(0),
                &b.meta.title,
                &b.id,
            ))
    });
    c.guides.sort_by(|a, b| {
        (a.meta.weight.unwrap_or(0), &a.meta.title, &a.id).cmp(&(b.meta.weight.unwrap_or(0), &b.meta.title, &b.id))
    });
    // Newest story first.
    c.stories
        .sort_by(|a, b| (b.meta.date, &a.id).cmp(&(a.meta.date, &b.id)));
    c.reports.sort_by(|a, b| b.id.cmp(&a.id));
    // Most of a large site: sorted on both cores (a stable sort too).
    use rayon::slice::ParallelSliceMut;
    c.pages.par_sort_by(|a, b| {
        (a.meta.weight.unwrap_or(0), &a.meta.title, &a.id).cmp(&(b.meta.weight.unwrap_or(0), &b.meta.title, &b.id))
    });
}

fn check_unique<'a>(diags: &mut Diagnostics, items: impl Iterator<Item = (&'a String, &'a String)>, what: &str) {
    let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
    for (id, rel) in items {
        if let Some(first) = seen.insert(id, rel) {
            diags.push(
                Diagnostic::error(rel, format!("duplicate {what} `{id}`: also used by {first}"))
                    .with_hint("ids must be unique; rename one of the files or change its `id`"),
            );
        }
    }
}

/// A free page (`pages/…`): its id and route from its path, then its document.
/// A free page. With a `cache`, its front matter comes from there when
/// its text is unchanged, and `read` gets its key and whether it was parsed.
fn parse_page(
    f: &SourceFile,
    diags: &mut Diagnostics,
    cache: Option<&FrontMatter>,
    read: &mut Option<(u64, bool)>,
) -> Option<Doc<PageMeta>> {
    let path = f.rel.strip_prefix("pages/").unwrap_or(&f.rel);
    let path = path.strip_suffix(".md").unwrap_or(path);
    let segments: Vec<String> = path.split('/').map(slug_for).collect();
    let segments: Vec<&str> = match segments.split_last() {
        Some((last, rest)) if last == "index" => rest.iter().map(String::as_str).collect(),
        _ => segments.iter().map(String::as_str).collect(),
    };
    if segments.is_empty() || segments.iter().any(|s| s.is_empty()) {
        diags.push(
            Diagnostic::error(&f.rel, "this page would have no output path")
                .with_hint("give the file a name with letters or digits"),
        );
        return None;
    }
    if RESERVED.contains(&segments[0]) {
        diags.push(
            Diagnostic::error(
                &f.rel,
                format!(
                    "the page would be written to `{}/`, which ritme uses for its own pages",
                    segments[0]
                ),
            )
            .with_hint("rename the file or the folder under pages/"),
        );
        return None;
    }
    let id = segments.join("/");
    let route = format!("{id}/index.html");
    let doc = match cache {
        None => parse_doc::<PageMeta>(f, Kind::Page, id, route, true, diags)?,
        Some(cache) => parse_doc_with(f, Kind::Page, id, route, true, diags, |yaml, line| {
            let key = front_matter_key(yaml);
            let cached = cache.pages.get(&key).cloned();
            *read = Some((key, cached.is_none()));
            match cached {
                Some(meta) => Ok(meta),
                None => crate::yaml::parse(yaml, &f.rel, line),
            }
        })?,
    };
    if doc.meta.title.is_none() {
        diags.push(
            Diagnostic::error(&doc.rel, "missing field `title`")
                .at_line(doc.yaml_line.saturating_sub(1))
                .with_hint("every page needs a `title` in its front matter"),
        );
        return None;
    }
    Some(doc)
}

fn parse_doc<M: DeserializeOwned>(
    f: &SourceFile,
    kind: Kind,
    id: String,
    route: String,
    front_matter_required: bool,
    diags: &mut Diagnostics,
) -> Option<Doc<M>> {
    parse_doc_with(f, kind, id, route, front_matter_required, diags, |yaml, line| {
        crate::yaml::parse::<M>(yaml, &f.rel, line)
    })
}

/// [`parse_doc`], reading the front matter's fields with `meta` (given
/// the YAML text and the line it starts on).
fn parse_doc_with<M>(
    f: &SourceFile,
    kind: Kind,
    id: String,
    route: String,
    front_matter_required: bool,
    diags: &mut Diagnostics,
    meta: impl FnOnce(&str, usize) -> Result<M, Diagnostic>,
) -> Option<Doc<M>> {
    let split = match frontmatter::split(&f.text, &f.rel) {
        Ok(s) => s,
        Err(d) => {
            diags.push(d);
            return None;
        }
    };
    if front_matter_required && !split.has_front_matter {
        diags.push(
            Diagnostic::error(&f.rel, "missing front matter")
                .at(1, 1)
                .with_hint("start the file with a `---` line, the fields (at least `title:`), and another `---` line"),
        );
        return None;
    }
    // An empty block (`---\n---`) means "all defaults", which serde sees as null.
    let yaml_text = if split.yaml.trim().is_empty() { "{}" } else { split.yaml };
    let meta = match meta(yaml_text, split.yaml_line) {
        Ok(m) => m,
        Err(d) => {
            diags.push(d);
            return None;
        }
    };
    Some(Doc {
        kind,
        rel: f.rel.clone(),
        id,
        route,
        meta,
        yaml: split.yaml.to_string(),
        yaml_line: split.yaml_line,
        body: split.body.into(),
        body_line: split.body_line,
    })
}

fn stem(rel: &str, prefix: &str) -> String {
    let name = rel.strip_prefix(prefix).unwrap_or(rel);
    name.strip_suffix(".md").unwrap_or(name).to_string()
}

/// Ids from file names: kept as they are when valid, slugified otherwise
/// (so `Mijn verhaal.md` still gets a safe folder name).
fn slug_for(stem: &str) -> String {
    if slug::is_valid_id(stem) {
        stem.to_string()
    } else {
        slug::slugify(stem)
    }
}

fn is_month(s: &str) -> bool {
    chrono::NaiveDate::parse_from_str(&format!("{s}-01"), "%Y-%m-%d").is_ok() && s.len() == 7
}

#[cfg(test)]
mod tests {
    use super::*;

    fn src(rel: &str, text: &str) -> SourceFile {
        SourceFile {
            rel: rel.into(),
            text: text.into(),
        }
    }

    /// The pages' front matter and diagnostics, in a comparable form.
    fn pages_of(c: &Content, d: &Diagnostics) -> (Vec<(String, String, PageMeta, String)>, String) {
        let pages = c
            .pages
            .iter()
            .map(|p| (p.rel.clone(), p.route.clone(), p.meta.clone(), p.body.to_string()))
            .collect();
        (pages, format!("{d:?}"))
    }

    #[test]
    fn cached_front_matter_gives_what_parsing_gives_and_only_new_text_is_parsed() {
        let pages = |b_title: &str| Sources {
            pages: vec![
                src(
                    "pages/a.md",
                    "---\ntitle: A\nweight: -3\nreview_by: 2026-05-01\nstatus: draft\n---\nTekst\n",
                ),
                src(
                    "pages/b.md",
                    &format!("---\ntitle: \"{b_title}\"\nsummary: Kort\nowner: Els\n---\nB\n"),
                ),
                src("pages/c.md", "---\ntitle: C\nnonsense: 1\n---\nC\n"),
                src(
                    "pages/d.md",
                    "---\ntitle: A\nweight: -3\nreview_by: 2026-05-01\nstatus: draft\n---\nD\n",
                ),
            ],
            ..Sources::default()
        };
        let (c, d) = parse(&pages("B"));
        let (first, d1, cache) = parse_cached(&pages("B"), Some(&FrontMatter::default()));
        assert_eq!(pages_of(&c, &d), pages_of(&first, &d1));
        assert!(
            format!("{d1:?}").contains("nonsense"),
            "the bad page is reported: {d1:?}"
        );
        // a.md and d.md have the same text: one entry; c.md has an error: none.
        assert_eq!((cache.parsed, cache.read, cache.pages.len()), (3, 3, 2));

        let (again, d2, next) = parse_cached(&pages("B"), Some(&cache));
        assert_eq!(pages_of(&c, &d), pages_of(&again, &d2));
        assert_eq!((next.parsed, next.read), (0, 3), "nothing parsed again");
        assert_eq!(next.pages, cache.pages);

        let (c, d) = parse(&pages("B2"));
        let (edited, d3, after) = parse_cached(&pages("B2"), Some(&cache));
        assert_eq!(pages_of(&c, &d), pages_of(&edited, &d3));
        let b = edited.pages.iter().find(|p| p.rel == "pages/b.md").unwrap();
        assert_eq!(b.meta.title.as_deref(), Some("B2"));
        assert_eq!((after.parsed, after.read), (1, 3), "only the edited page");
    }

    #[test]
    fn behaviour_id_defaults_to_stem_and_routes() {
        let s = Sources {
            behaviours: vec![src(
                "behaviours/tijdig-opvolgen.md",
                "---\ntitle: Tijdig\ntarget: 5\n---\nBody\n",
            )],
            ..Sources::default()
        };
        let (c, d) = parse(&s);
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(c.behaviours[0].id, "tijdig-opvolgen");
        assert_eq!(c.behaviours[0].route, "behaviours/tijdig-opvolgen/index.html");
        assert_eq!(c.behaviours[0].body_line, 5);
    }

    #[test]
    fn escaping_id_is_refused() {
        let s = Sources {
            behaviours: vec![src("behaviours/x.md", "---\ntitle: X\nid: ../../x\ntarget: 1\n---\n")],
            ..Sources::default()
        };
        let (c, d) = parse(&s);
        assert!(c.behaviours.is_empty());
        let d = d.into_sorted();
        assert_eq!(d[0].line, Some(3), "{}", d[0]);
        assert!(d[0].message.contains("not a valid behaviour id"), "{}", d[0]);
    }

    #[test]
    fn all_errors_are_collected() {
        let s = Sources {
            behaviours: vec![
                src("behaviours/a.md", "---\ntitle: A\ntarget: 0\n---\n"),
                src("behaviours/b.md", "---\ntitle: B\ntarget: -2\n---\n"),
                src("behaviours/c.md", "no front matter"),
            ],
            stories: vec![src("stories/s.md", "---\ntitle: S\ndate: 2026-02-30\n---\n")],
            ..Sources::default()
        };
        let (_, d) = parse(&s);
        let d = d.into_sorted();
        assert_eq!(d.len(), 4, "{d:#?}");
        assert_eq!((d[0].file.as_str(), d[0].line), ("behaviours/a.md", Some(3)));
        assert_eq!((d[1].file.as_str(), d[1].line), ("behaviours/b.md", Some(3)));
        assert_eq!(d[3].file, "stories/s.md");
        assert_eq!(d[3].line, Some(3));
    }

    #[test]
    fn pages_route_by_path_and_reserved_names_are_refused() {
        let s = Sources {
            pages: vec![
                src("pages/Over Ritme.md", "---\ntitle: Over\n---\n"),
                src("pages/hulp/index.md", "---\ntitle: Hulp\n---\n"),
                src("pages/behaviours.md", "---\ntitle: Clash\n---\n"),
            ],
            ..Sources::default()
        };
        let (c, d) = parse(&s);
        let routes: Vec<&str> = c.pages.iter().map(|p| p.route.as_str()).collect();
        assert_eq!(routes, ["hulp/index.html", "over-ritme/index.html"]);
        assert_eq!(d.error_count(), 1);
    }

    #[test]
    fn report_names_must_be_months() {
        let s = Sources {
            reports: vec![src("reports/2026-13.md", "x"), src("reports/2026-03.md", "Tekst")],
            ..Sources::default()
        };
        let (c, d) = parse(&s);
        assert_eq!(c.reports.len(), 1);
        assert_eq!(d.error_count(), 1);
    }
}
