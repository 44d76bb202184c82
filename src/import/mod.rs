//! `ritme import`: a CRM or Excel export becomes the site's data — weekly
//! logs, coaching sessions or outcomes — without cleaning it by hand.
//!
//! The stages: read the file into rows ([`table`]), find the header and
//! which column holds what ([`mapping`], from `--map`, a profile in
//! `ritme.yaml` or the headers), read every row the way the build reads
//! the data ([`rows`]), then plan the files per kind ([`logs`],
//! [`coaching`], [`outcomes`]). Nothing is written unless every row is
//! understood, and the planned files are loaded once more exactly as the
//! build loads the data: what import writes builds.
//!
//! Import owns the files it writes (they start with [`MARKER`]). Entries
//! already in one of them are replaced only with `--force`; files written
//! by hand are never edited.

pub mod coaching;
pub mod command;
pub mod dates;
pub mod logs;
pub mod mapping;
pub mod names;
pub mod numbers;
pub mod outcomes;
pub mod problems;
pub mod rows;
pub mod table;
pub mod template;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::diagnostics::Diagnostic;
use crate::source::{DataSources, SourceFile};
use crate::teamdata::{BehaviourRule, TeamData};
use dates::DateSpec;
use mapping::{Kind, Mapping};
use names::Index;
use problems::Problems;
use table::{Row, Table};

/// The first line of every file import writes: how it knows its own.
pub const MARKER: &str = "# Written by `ritme import`; importing again with --force replaces these entries.";

/// Whether a data file was written by import (this version or the first,
/// whose files began `# Imported by`).
pub fn is_ours(text: &str) -> bool {
    text.starts_with("# Written by `ritme import`") || text.starts_with("# Imported by `ritme import")
}

/// An I/O error in words, without the operating system's error number.
pub fn io_words(e: &std::io::Error) -> String {
    use std::io::ErrorKind::*;
    match e.kind() {
        NotFound => "there is no such file".into(),
        PermissionDenied => "permission denied".into(),
        _ => {
            let s = e.to_string();
            match s.find(" (os error") {
                Some(i) => s[..i].to_string(),
                None => s,
            }
        }
    }
}

/// The site as import needs it: its data, validated, and the names
/// people and behaviours go by.
pub struct Site {
    pub root: PathBuf,
    pub config: Config,
    pub sources: DataSources,
    pub rules: Vec<BehaviourRule>,
    pub rejected_behaviours: BTreeSet<String>,
    pub data: TeamData,
    pub people: Index,
    pub behaviours: Index,
}

impl Site {
    /// Loads the site; its own problems come back as they would from `check`.
    pub fn load(root: &Path) -> Result<Site, Vec<Diagnostic>> {
        let (sources, diags) = crate::source::discover(root);
        Site::from_sources(root, sources, diags)
    }

    /// The site from sources read already (`found`: discovery's problems).
    pub fn from_sources(
        root: &Path,
        sources: crate::source::Sources,
        mut diags: crate::diagnostics::Diagnostics,
    ) -> Result<Site, Vec<Diagnostic>> {
        let config = match sources.config.as_ref().map(|f| Config::parse(&f.text)) {
            Some(Ok(c)) => c,
            Some(Err(problems)) => {
                diags.extend(problems);
                Config::default()
            }
            None => Config::default(),
        };
        let (content, found) = crate::content::parse(&sources);
        diags.extend(found);
        let rules = crate::pipeline::behaviour_rules(&content);
        let data = match crate::teamdata::load_with(&sources.data, &rules, &content.rejected_behaviours) {
            Ok((data, _)) => Some(data),
            Err(found) => {
                diags.extend(found);
                None
            }
        };
        if diags.has_errors() {
            return Err(diags.into_sorted().into_iter().filter(Diagnostic::is_error).collect());
        }
        let data = data.unwrap_or_default();
        let mut people = Index::default();
        for p in &data.people {
            let c = data.contacts.get(&p.id);
            people.add_person(
                &p.id,
                &p.name,
                c.and_then(|c| c.email.as_deref()),
                c.map_or(&[][..], |c| &c.aliases[..]),
            );
        }
        let mut behaviours = Index::default();
        for b in &content.behaviours {
            behaviours.add(&b.id, &b.meta.title, b.meta.aliases.iter().map(String::as_str));
        }
        Ok(Site {
            root: root.to_path_buf(),
            config,
            sources: sources.data,
            rules,
            rejected_behaviours: content.rejected_behaviours,
            data,
            people,
            behaviours,
        })
    }
}

/// What file type an export is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    /// A workbook: .xlsx, .xlsm, .xls, .ods.
    Sheet,
}

/// One `ritme import csv|xlsx` command.
#[derive(Debug, Clone)]
pub struct Request {
    pub file: PathBuf,
    pub format: Format,
    pub sheet: Option<String>,
    pub maps: Vec<String>,
    pub values: Vec<String>,
    pub date_format: Option<String>,
    pub profile: Option<String>,
    pub kind: Option<String>,
    pub force: bool,
}

/// A file to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planned {
    /// Relative to the site, `/`-separated.
    pub rel: String,
    pub text: String,
    /// Whether the file is there already (updated rather than new).
    pub existed: bool,
}

/// What a kind's plan changes.
#[derive(Debug, Clone, PartialEq)]
pub struct Changes {
    /// "entries", "sessions", "outcomes".
    pub what: &'static str,
    pub files: Vec<Planned>,
    pub new: usize,
    pub replaced: usize,
    /// Already imported and not forced, e.g. `bram in 2026-W11`.
    pub skipped: Vec<String>,
    /// Already in a file written by hand: never touched, forced or not.
    pub elsewhere: Vec<String>,
    pub warnings: Vec<Diagnostic>,
}

impl Changes {
    pub fn new(what: &'static str) -> Self {
        Changes {
            what,
            files: Vec::new(),
            new: 0,
            replaced: 0,
            skipped: Vec::new(),
            elsewhere: Vec::new(),
            warnings: Vec::new(),
        }
    }

    /// True when rows were understood but none could be written because
    /// all of them are there already.
    pub fn only_conflicts(&self) -> bool {
        self.files.is_empty() && (!self.skipped.is_empty() || !self.elsewhere.is_empty())
    }
}

/// What an import would do.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub kind: Kind,
    /// Data rows read.
    pub rows: usize,
    /// `person ← Assigned, date ← Date, …`.
    pub columns: String,
    /// Lines of the report that are not data (titles above the header,
    /// totals and copyright below the data), with their text.
    pub report_lines: Vec<(usize, String)>,
    pub changes: Changes,
}

/// Reads the export and plans the import.
pub fn plan(site: &Site, req: &Request) -> Result<Plan, Vec<Diagnostic>> {
    let shown = req.file.display().to_string();
    let mut mapping = match &req.profile {
        None => Mapping::default(),
        Some(name) => match site.config.import.get(name) {
            Some(p) => Mapping::from_profile(name, p)?,
            None => {
                let names: Vec<&str> = site.config.import.keys().map(String::as_str).collect();
                let hint = match crate::diagnostics::nearest(name, names.iter().copied()) {
                    Some(n) => format!("did you mean `{n}`?"),
                    None if names.is_empty() => {
                        "ritme.yaml has no `import:` section yet; see the README on saving a mapping".into()
                    }
                    None => format!("profiles are: {}", names.join(", ")),
                };
                return Err(vec![
                    Diagnostic::error(crate::config::FILE, format!("no import profile `{name}`")).with_hint(hint),
                ]);
            }
        },
    };
    mapping = mapping.with_options(&req.maps, &req.values)?;
    if let Some(f) = &req.date_format {
        mapping.date_format = Some(f.clone());
    }
    if let Some(k) = &req.kind {
        mapping.kind = Some(Kind::parse(k).ok_or_else(|| {
            vec![
                Diagnostic::error("--kind", format!("`{k}` is not a kind of export"))
                    .with_hint("kinds are logs, coaching and outcomes"),
            ]
        })?);
    }
    if req.sheet.is_some() {
        mapping.sheet = req.sheet.clone();
    }
    let table = match req.format {
        Format::Csv => {
            let bytes = table::read_bounded(&req.file, &shown).map_err(|d| vec![d])?;
            let text = table::decode(bytes, &shown).map_err(|d| vec![d])?;
            table::parse_csv(&text, &shown).map_err(|d| vec![d])?
        }
        Format::Sheet => table::read_sheet(&req.file, &shown, mapping.sheet.as_deref()).map_err(|d| vec![d])?,
    };
    let format_source = match (&req.date_format, &req.profile) {
        (Some(_), _) => "from --date-format",
        (None, Some(_)) => "from the profile in ritme.yaml",
        (None, None) => "",
    };
    plan_table(site, &table, &mapping, req.force, format_source)
}

/// Plans the import of a table read already.
pub fn plan_table(
    site: &Site,
    table: &Table,
    mapping: &Mapping,
    force: bool,
    format_source: &'static str,
) -> Result<Plan, Vec<Diagnostic>> {
    let spec = match &mapping.date_format {
        Some(f) => match dates::check_format(f) {
            Ok(()) => DateSpec::Format(f.clone()),
            Err(e) => return Err(vec![Diagnostic::error("--date-format", e)]),
        },
        None => DateSpec::Auto,
    };
    let Some(h) = header_index(&table.rows, mapping) else {
        return Err(vec![
            Diagnostic::error(&table.file, "the file holds no rows")
                .with_hint("export the report with its column headers"),
        ]);
    };
    let header: Vec<String> = table.rows[h].cells.iter().map(|c| c.text()).collect();
    let mut report_lines: Vec<(usize, String)> = table.rows[..h]
        .iter()
        .filter(|r| r.cells.iter().any(|c| !c.is_empty()))
        .map(|r| (r.line, line_text(r)))
        .collect();
    let mut data: Vec<&Row> = table.rows[h + 1..].iter().collect();
    let mut trailer = Vec::new();
    while let Some(last) = data.last() {
        if !table::is_report_line(last, header.len()) {
            break;
        }
        // A template row with only a name is a week not filled in, not a report line.
        let text = line_text(last);
        if !text.is_empty() && site.people.find(&text) == names::Found::None {
            trailer.push((last.line, text));
        }
        data.pop();
    }
    trailer.reverse();
    report_lines.extend(trailer);
    data.retain(|r| r.cells.iter().any(|c| !c.is_empty()));

    let kind = mapping::infer_kind(&header, mapping);
    let columns = match mapping::resolve(&header, mapping, kind) {
        Ok(c) => c,
        Err(e) => {
            let hint = format!(
                "the columns are: {}; name them with --map COLUMN=FIELD",
                header
                    .iter()
                    .filter(|h| !h.is_empty())
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            return Err(vec![
                Diagnostic::error(&table.file, e)
                    .at_line(table.rows[h].line)
                    .with_hint(hint),
            ]);
        }
    };
    let problems = Problems::new(&table.file, table.unit);
    let mut ctx = rows::Ctx::new(site, &columns, mapping, spec, problems, format_source);
    let changes = match kind {
        Kind::Logs => logs::plan(&mut ctx, &data, force),
        Kind::Coaching => coaching::plan(&mut ctx, &data, force),
        Kind::Outcomes => outcomes::plan(&mut ctx, &data, force),
    };
    let problems = ctx.finish();
    if !problems.is_empty() {
        return Err(problems.into_diagnostics());
    }
    let Some(changes) = changes else {
        return Err(vec![Diagnostic::error(&table.file, "the columns could not be mapped")]);
    };
    verify(site, &changes.files)?;
    Ok(Plan {
        kind,
        rows: data.len(),
        columns: columns.describe(),
        report_lines,
        changes,
    })
}

/// The header row: the first (of the first 30) holding every mapped
/// column, else the first with two or more cells filled.
fn header_index(rows: &[Row], mapping: &Mapping) -> Option<usize> {
    let wanted: Vec<String> = mapping.columns.values().map(|c| names::fold(c)).collect();
    let filled = |r: &Row| r.cells.iter().filter(|c| !c.is_empty()).count();
    if !wanted.is_empty()
        && let Some(i) = rows.iter().take(30).position(|r| {
            let cells: Vec<String> = r.cells.iter().map(|c| names::fold(&c.text())).collect();
            wanted.iter().all(|w| cells.contains(w))
        })
    {
        return Some(i);
    }
    rows.iter()
        .take(30)
        .position(|r| filled(r) >= 2)
        .or_else(|| rows.iter().position(|r| filled(r) >= 1))
}

fn line_text(r: &Row) -> String {
    let t: Vec<String> = r.cells.iter().map(|c| c.text()).filter(|t| !t.is_empty()).collect();
    let t = t.join(" ");
    if t.chars().count() > 60 {
        format!("{}…", t.chars().take(60).collect::<String>())
    } else {
        t
    }
}

/// Loads the site's data with the planned files in place, exactly as the
/// build will: anything it refuses is refused now, before writing.
fn verify(site: &Site, files: &[Planned]) -> Result<(), Vec<Diagnostic>> {
    if files.is_empty() {
        return Ok(());
    }
    let mut data = site.sources.clone();
    for f in files {
        let file = SourceFile {
            rel: f.rel.clone(),
            text: f.text.clone(),
        };
        let list = if f.rel.starts_with("data/logs/") {
            &mut data.logs
        } else if f.rel.starts_with("data/coaching/") {
            &mut data.coaching
        } else {
            data.outcomes = Some(file);
            continue;
        };
        match list.iter_mut().find(|s| s.rel == f.rel) {
            Some(s) => *s = file,
            None => list.push(file),
        }
    }
    match crate::teamdata::load_with(&data, &site.rules, &site.rejected_behaviours) {
        Ok(_) => Ok(()),
        Err(found) => Err(found
            .into_sorted()
            .into_iter()
            .filter(Diagnostic::is_error)
            .map(|d| {
                let hint = d.hint.clone().unwrap_or_default();
                Diagnostic {
                    hint: Some(
                        format!("{hint} (this is what the import would write; nothing was written)")
                            .trim()
                            .to_string(),
                    ),
                    ..d
                }
            })
            .collect()),
    }
}

/// Writes the planned files; each is written beside its place and renamed
/// over it, so a failure never leaves half a file.
pub fn write(root: &Path, files: &[Planned]) -> Result<(), Diagnostic> {
    for f in files {
        let path = root.join(&f.rel);
        let tmp = path.with_extension("yaml.ritme-import");
        let done = path
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::write(&tmp, &f.text))
            .and_then(|()| std::fs::rename(&tmp, &path));
        if let Err(e) = done {
            let _ = std::fs::remove_file(&tmp);
            return Err(
                Diagnostic::error(path.display().to_string(), format!("cannot write: {}", io_words(&e)))
                    .with_hint("check that the site folder is writable and the disk has room"),
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
