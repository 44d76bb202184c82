//! The `ritme import` commands: options, the summary a person reads, and
//! the exit code (0 written, 1 the export or the site is wrong, or nothing
//! could be written because it is all there already; 2 the machine).

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};

use super::{Format, Plan, Request, Site};
use crate::diagnostics::Diagnostic;

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// A CSV export: `,`, `;` or tab separated, UTF-8 with or without a byte-order mark.
    Csv(ImportArgs),
    /// An Excel or OpenDocument workbook (.xlsx, .xlsm, .xls, .ods).
    Xlsx {
        #[command(flatten)]
        args: ImportArgs,
        /// The sheet to read (default: the first).
        #[arg(long)]
        sheet: Option<String>,
    },
    /// Write a log template for managers: a row per person, a column per behaviour.
    Template {
        /// The site folder whose people and behaviours the template lists.
        #[arg(long, default_value = ".")]
        site: PathBuf,
        /// The file to write: .xlsx (with validation lists) or .csv.
        #[arg(short, long)]
        output: PathBuf,
    },
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The exported file (a header row names the columns).
    pub file: PathBuf,
    /// The site folder to write the data into.
    #[arg(long, default_value = ".")]
    pub site: PathBuf,
    /// Map a column to a field: person, date, week, behaviour, count; coach,
    /// minutes, behaviours, commitment; month, won, lost, revenue, outcome (repeatable).
    #[arg(long = "map", value_name = "COLUMN=FIELD")]
    pub maps: Vec<String>,
    /// Count an export value as a behaviour, e.g. Call=tijdig-opvolgen (repeatable).
    #[arg(long = "map-value", value_name = "VALUE=BEHAVIOUR")]
    pub values: Vec<String>,
    /// The form of the dates (strftime), e.g. %m/%d/%Y or %d-%m-%Y.
    #[arg(long, value_name = "FORMAT")]
    pub date_format: Option<String>,
    /// Use a mapping saved under `import:` in ritme.yaml.
    #[arg(long)]
    pub profile: Option<String>,
    /// What the export holds: logs, coaching or outcomes (default: from its columns).
    #[arg(long)]
    pub kind: Option<String>,
    /// Replace entries that an earlier import wrote.
    #[arg(long)]
    pub force: bool,
    /// Show what would be written; write nothing.
    #[arg(long)]
    pub dry_run: bool,
}

pub fn run(cmd: ImportCommand) -> Result<(), ExitCode> {
    match cmd {
        ImportCommand::Csv(args) => import(args, Format::Csv, None),
        ImportCommand::Xlsx { args, sheet } => import(args, Format::Sheet, sheet),
        ImportCommand::Template { site, output } => {
            let site = load(&site)?;
            super::template::write(&site, &output).map_err(|d| fail(&[d], "nothing was written"))?;
            println!(
                "Wrote the log template {} ({} people, {} behaviours).",
                output.display(),
                site.people.len(),
                site.behaviours.len()
            );
            Ok(())
        }
    }
}

fn load(site: &std::path::Path) -> Result<Site, ExitCode> {
    Site::load(site).map_err(|d| {
        fail(
            &d,
            "the site has problems of its own; fix them first (`ritme check` lists them), nothing was imported",
        )
    })
}

fn import(args: ImportArgs, format: Format, sheet: Option<String>) -> Result<(), ExitCode> {
    let site = load(&args.site)?;
    let req = Request {
        file: args.file.clone(),
        format,
        sheet,
        maps: args.maps,
        values: args.values,
        date_format: args.date_format,
        profile: args.profile,
        kind: args.kind,
        force: args.force,
    };
    let plan = super::plan(&site, &req).map_err(|d| fail(&d, "nothing was written"))?;
    print(&[], &plan.changes.warnings);
    if !args.dry_run {
        super::write(&site.root, &plan.changes.files).map_err(|d| {
            print(&[d], &[]);
            ExitCode::from(2)
        })?;
    }
    summary(&plan, &args.file, args.dry_run);
    if plan.changes.only_conflicts() {
        return Err(ExitCode::from(1));
    }
    Ok(())
}

fn summary(plan: &Plan, file: &std::path::Path, dry_run: bool) {
    let mut out = std::io::stdout().lock();
    let c = &plan.changes;
    let what = match plan.kind {
        super::mapping::Kind::Logs => "activities",
        super::mapping::Kind::Coaching => "coaching sessions",
        super::mapping::Kind::Outcomes => "deals",
    };
    let _ = writeln!(
        out,
        "Read {} rows of {} as {what} ({}).",
        plan.rows,
        file.display(),
        plan.columns
    );
    if !plan.report_lines.is_empty() {
        let shown: Vec<String> = plan
            .report_lines
            .iter()
            .take(4)
            .map(|(l, t)| format!("{l} \"{t}\""))
            .collect();
        let more = plan.report_lines.len().saturating_sub(4);
        let _ = writeln!(
            out,
            "Skipped {} report line(s) that are not data: {}{}.",
            plan.report_lines.len(),
            shown.join(", "),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            }
        );
    }
    for f in &c.files {
        let verb = match (dry_run, f.existed) {
            (true, false) => "Would write",
            (true, true) => "Would update",
            (false, false) => "Wrote",
            (false, true) => "Updated",
        };
        let _ = writeln!(out, "{verb} {}", f.rel);
        if dry_run {
            let _ = writeln!(out, "{}", f.text);
        }
    }
    let list = |items: &[String]| {
        let mut s = items.iter().take(8).cloned().collect::<Vec<_>>().join(", ");
        if items.len() > 8 {
            s.push_str(&format!(" and {} more", items.len() - 8));
        }
        s
    };
    let written = if dry_run { "Would write" } else { "Written" };
    let _ = writeln!(
        out,
        "{written}: {} new {what_c}, {} replaced, in {} file(s); skipped: {}.",
        c.new,
        c.replaced,
        c.files.len(),
        c.skipped.len() + c.elsewhere.len(),
        what_c = c.what,
    );
    let mut err = std::io::stderr().lock();
    if !c.skipped.is_empty() {
        let _ = writeln!(
            err,
            "skipped {} {} already imported (--force replaces them): {}",
            c.skipped.len(),
            c.what,
            list(&c.skipped)
        );
    }
    if !c.elsewhere.is_empty() {
        let _ = writeln!(
            err,
            "skipped {} {} already in files written by hand (import never edits those): {}",
            c.elsewhere.len(),
            c.what,
            list(&c.elsewhere)
        );
    }
    if c.only_conflicts() {
        let _ = writeln!(
            err,
            "error: nothing was written: every one of the {} is there already{}",
            c.what,
            if c.skipped.is_empty() {
                ""
            } else {
                "; use --force to replace what an earlier import wrote"
            }
        );
    }
}

fn print(errors: &[Diagnostic], warnings: &[Diagnostic]) {
    let mut err = std::io::stderr().lock();
    for d in errors.iter().chain(warnings) {
        let _ = writeln!(err, "{d}");
    }
}

fn fail(diags: &[Diagnostic], closing: &str) -> ExitCode {
    print(diags, &[]);
    let errors = diags.iter().filter(|d| d.is_error()).count();
    let _ = writeln!(std::io::stderr(), "error: {errors} problem(s) found; {closing}");
    ExitCode::from(1)
}
