//! The command line: parse, run one command, print every problem once,
//! exit with a code that says whose fault it was (0 ok, 1 input, 2 internal).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand, ValueEnum};

use crate::diagnostics::Diagnostic;
use crate::output::{self, WriteError};
use crate::pipeline::{self, Error};
use crate::scaffold;

// `println!` and `eprintln!` panic when their stream is closed: `ritme check
// | head -1` would end in a panic (exit 101) once `head` has read its line.
// Output nobody reads is not an error, so these two shadow the standard
// ones in this module and drop write errors; the command finishes and exits
// with the code it would have had.
macro_rules! println {
    ($($arg:tt)*) => {{
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}
macro_rules! eprintln {
    ($($arg:tt)*) => {{
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

/// ritme: one folder of behaviour definitions, coaching guides, stories and
/// weekly logs becomes a static intranet site with consistency charts and
/// monthly reports.
#[derive(Debug, Parser)]
#[command(name = "ritme", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site into an output folder (default SITE/public).
    Build {
        /// The site folder (holds ritme.yaml).
        #[arg(default_value = ".")]
        site: PathBuf,
        /// Output folder; replaced as a whole on success.
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Replace the output folder even if ritme did not create it.
        #[arg(long)]
        force: bool,
        /// Render every page, ignoring what the last build left (its cache and fingerprint).
        #[arg(long)]
        no_cache: bool,
        /// Absolute URL the site is published at (links stay relative).
        #[arg(long)]
        base_url: Option<String>,
        /// Build for one audience of ritme.yaml (default output SITE/public-NAME).
        #[arg(long, conflicts_with = "all_audiences")]
        audience: Option<String>,
        /// Build the default site and every audience of ritme.yaml in one run,
        /// each into its own folder beside the others (SITE/public, SITE/public-NAME).
        #[arg(long, conflicts_with = "output")]
        all_audiences: bool,
    },
    /// Validate everything a build would, without writing anything.
    Check {
        /// The site folder (holds ritme.yaml).
        #[arg(default_value = ".")]
        site: PathBuf,
        /// Output format of the findings.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Fail (exit 1) on warnings too.
        #[arg(long)]
        strict: bool,
    },
    /// Build in memory and serve on this machine, rebuilding and reloading on every change.
    Serve {
        /// The site folder (holds ritme.yaml).
        #[arg(default_value = ".")]
        site: PathBuf,
        /// Port to listen on (0 picks a free one).
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// Address to listen on; other machines can reach anything but loopback.
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// Open the site in the default browser.
        #[arg(long)]
        open: bool,
    },
    /// Turn a CRM or Excel export into weekly logs, coaching sessions or outcomes.
    Import {
        #[command(subcommand)]
        what: crate::import::command::ImportCommand,
    },
    /// Create a new site folder: the example programme, or an empty skeleton.
    New {
        /// Folder to create; must not exist or be empty.
        dir: PathBuf,
        /// Language of the example (and of the site's interface).
        #[arg(long, value_enum, default_value_t = Lang::Nl)]
        lang: Lang,
        /// A skeleton instead of the example: one behaviour, one guide, one
        /// story and an empty team file, with comments on what goes where.
        #[arg(long)]
        empty: bool,
    },
    /// Work with the built-in theme.
    Theme {
        #[command(subcommand)]
        what: ThemeKind,
    },
}

#[derive(Debug, Subcommand)]
pub enum ThemeKind {
    /// Copy built-in templates, the stylesheet and the interface strings
    /// into the site for editing (all of them when no NAME is given).
    Eject {
        /// Template names (`base.html`), assets (`style.css`) or `strings`.
        names: Vec<String>,
        /// The site folder (holds ritme.yaml).
        #[arg(long, default_value = ".")]
        site: PathBuf,
        /// Replace files the site already has.
        #[arg(long)]
        force: bool,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Lang {
    Nl,
    En,
}

impl From<Lang> for crate::config::Language {
    fn from(l: Lang) -> Self {
        match l {
            Lang::Nl => crate::config::Language::Nl,
            Lang::En => crate::config::Language::En,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

/// Entry point used by `main`.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(code) => code,
    }
}

fn run(cli: Cli) -> Result<(), ExitCode> {
    match cli.command {
        Command::Build {
            site,
            force,
            no_cache,
            base_url,
            all_audiences: true,
            ..
        } => build_all(&site, Fresh { force, no_cache }, base_url),
        Command::Build {
            site,
            output,
            force,
            no_cache,
            base_url,
            audience,
            ..
        } => build(&site, output, Fresh { force, no_cache }, base_url, audience),
        Command::Check { site, format, strict } => check(&site, format, strict),
        Command::New { dir, lang, empty } => {
            let lang = lang.into();
            new(
                &dir,
                if empty {
                    scaffold::Starter::Skeleton(lang)
                } else {
                    scaffold::Starter::Example(lang)
                },
            )
        }
        Command::Theme {
            what: ThemeKind::Eject { names, site, force },
        } => eject(&site, &names, force),
        Command::Import { what } => crate::import::command::run(what),
        Command::Serve { site, port, bind, open } => {
            crate::serve::run(crate::serve::Options { site, bind, port, open }).map_err(|e| internal(&e))
        }
    }
}

fn build(
    site: &Path,
    output: Option<PathBuf>,
    fresh: Fresh,
    base_url: Option<String>,
    audience: Option<String>,
) -> Result<(), ExitCode> {
    let out = output.unwrap_or_else(|| pipeline::default_output(site, audience.as_deref()));
    let Some(mut target) = prepare_target(site, &out, fresh, &base_url, audience.as_deref())? else {
        return Ok(());
    };
    let loading = Instant::now();
    // The fingerprint's walk stat'ed every file: discovery takes those
    // stamps, and the text of each file whose stamp the last build
    // recorded, instead of opening it.
    let stamps = std::mem::take(&mut target.stamps);
    let listing = target.listing.take();
    // The three caches are read and decoded side by side: one after the
    // other they were a serial stretch of every build after an edit.
    let (loaded, markdown) = if fresh.no_cache {
        (
            Default::default(),
            crate::cache::Markdown {
                front_matter: Some(Default::default()),
                ..Default::default()
            },
        )
    } else {
        let (sources, (front, markdown)) = rayon::join(
            || crate::cache::load_sources(&out),
            || {
                rayon::join(
                    || crate::cache::load_front_matter(&out),
                    || crate::cache::load_markdown(&out),
                )
            },
        );
        (
            sources,
            crate::cache::Markdown {
                front_matter: Some(front),
                ..markdown
            },
        )
    };
    let files = pipeline::Files {
        cache: crate::source::FileCache::with_texts(loaded.texts, stamps).with_listing(listing),
        shards: loaded.shards,
    };
    let opts = pipeline::Options {
        site: site.to_path_buf(),
        base_url,
        audience,
        review_date: None,
        previous: Default::default(),
    };
    let shards = markdown.shards.clone();
    let loading = loading.elapsed();
    let mut parsed = pipeline::parse_with(&opts, markdown, Some(files)).map_err(|e| fail(&e))?;
    let kept_files = parsed.files.take();
    // The Markdown cache (every document's outline) is written while the
    // pages are rendered, not after them: its shards are rayon jobs the
    // workers take up whenever the render leaves one of them idle.
    // The source texts are written beside them: they do not depend on
    // the build's success (a text is kept with the stamp its file had
    // before it was read).
    let (read, texts, source_shards) = match kept_files {
        Some(k) => (k.read, k.texts, k.shards),
        None => (0, 0, Vec::new()),
    };
    let (result, (staged, md_took, sources_written)) = std::thread::scope(|s| {
        let cache = s.spawn(|| {
            let t = Instant::now();
            let staged = crate::cache::stage_markdown(&out, parsed.markdown_entries(), &shards);
            let written = crate::cache::record_sources(&out, source_shards);
            (staged, t.elapsed(), written)
        });
        let result = build_and_write(&parsed, opts.audience.as_deref(), &out, fresh, target);
        let done = cache.join().unwrap_or_default();
        (result, done)
    });
    if result.is_ok() {
        let ((), shards) = rayon::join(
            || {
                if let Some(front) = &parsed.front_matter {
                    crate::cache::record_front_matter(&out, front);
                }
            },
            || staged.commit(),
        );
        if std::env::var_os("RITME_TIMINGS").is_some() {
            println!(
                "  Markdown cache: {shards} shards written in {:.1} ms, beside the render",
                md_took.as_secs_f64() * 1000.0
            );
            println!(
                "  Sources: {read} of {texts} text files read (the others unchanged since the last build), {sources_written} shards of their texts written; caches loaded in {:.1} ms",
                loading.as_secs_f64() * 1000.0
            );
        }
    } else {
        staged.discard();
    }
    // The process ends right after this: freeing the site's parsed files
    // one by one (tens of thousands of allocations on a large site) would
    // only delay the exit. The operating system takes the memory back at once.
    std::mem::forget(parsed);
    result
}

/// `ritme build --all-audiences`: the site is read and checked once, then
/// built for its default scope and each audience, side by side.
fn build_all(site: &Path, fresh: Fresh, base_url: Option<String>) -> Result<(), ExitCode> {
    let opts = pipeline::Options {
        site: site.to_path_buf(),
        base_url: base_url.clone(),
        ..Default::default()
    };
    let parsed = pipeline::parse(&opts).map_err(|e| fail(&e))?;
    let targets: Vec<Option<String>> = std::iter::once(None)
        .chain(parsed.audiences().into_iter().map(Some))
        .collect();
    for audience in targets {
        let out = pipeline::default_output(site, audience.as_deref());
        let Some(target) = prepare_target(site, &out, fresh, &base_url, audience.as_deref())? else {
            continue;
        };
        build_and_write(&parsed, audience.as_deref(), &out, fresh, target)?;
    }
    Ok(())
}

/// A build about to be written: what the output holds already.
struct Target {
    started: Instant,
    fingerprint: Option<String>,
    /// Every file's stamp, from the fingerprint's walk.
    stamps: std::collections::HashMap<String, crate::source::Stamp>,
    /// Every entry of the site folder, from the same walk.
    listing: Option<Vec<crate::source::Listed>>,
}

/// Checks that `out` may be written and whether anything changed since the
/// last build into it (`None`: up to date, nothing to do).
fn prepare_target(
    site: &Path,
    out: &Path,
    fresh: Fresh,
    base_url: &Option<String>,
    audience: Option<&str>,
) -> Result<Option<Target>, ExitCode> {
    let Fresh { force, no_cache } = fresh;
    let started = Instant::now();
    // Refuse before the work, not after it.
    if let Err(d) = crate::outdir::check(site, out).and_then(|()| output::check_replaceable(out, force)) {
        return Err(report(&[d]));
    }
    let crate::fingerprint::Walked {
        fingerprint,
        stamps,
        listing,
    } = crate::fingerprint::walk(site, out, &[base_url.as_deref().unwrap_or(""), audience.unwrap_or("")]);
    if !force
        && !no_cache
        && fingerprint
            .as_deref()
            .is_some_and(|f| crate::fingerprint::unchanged(out, f))
    {
        println!(
            "Up to date: nothing changed since the last build into {} ({:.2} s)",
            out.display(),
            started.elapsed().as_secs_f64()
        );
        return Ok(None);
    }
    Ok(Some(Target {
        started,
        fingerprint,
        stamps,
        listing,
    }))
}

/// Builds the parsed site for `audience` into `out`: each page is written
/// into the staging folder as soon as it is rendered and checked, and the
/// folder replaces the output only when the whole build succeeded.
fn build_and_write(
    parsed: &pipeline::Parsed,
    audience: Option<&str>,
    out: &Path,
    fresh: Fresh,
    target: Target,
) -> Result<(), ExitCode> {
    use rayon::prelude::*;
    let Target {
        started, fingerprint, ..
    } = target;
    let mut staging = output::Staging::open(out, fresh.force).map_err(|e| write_failure(out, e))?;
    // Loaded once the lock is held: the output's manifest it checks the
    // pages against is then read once, for this and for the write.
    let previous = if fresh.no_cache {
        Default::default()
    } else {
        let (words, pages) = rayon::join(
            || crate::cache::load_words(out),
            || crate::cache::load(out, &mut staging),
        );
        crate::cache::Previous {
            words: std::sync::Arc::new(words),
            ..pages
        }
    };
    let sink = output::StagingSink::new(&staging);
    let built = match pipeline::build_into(parsed, audience, &previous, Some(&sink)) {
        Ok(built) => built,
        Err(e) => {
            if let Some(io) = sink.failure() {
                return Err(write_failure(out, WriteError::Io(io)));
            }
            return Err(fail(&e));
        }
    };
    print_diagnostics(&built.warnings);
    let write_started = Instant::now();
    let rest: anyhow::Result<Vec<output::Stored>> =
        built.files.par_iter().map(|f| staging.put(&f.path, &f.bytes)).collect();
    let mut stored = built.stored.clone();
    let written = rest
        .and_then(|rest| {
            stored.extend(rest);
            staging.finish(stored, &built.kept)
        })
        .map_err(|e| write_failure(out, WriteError::Io(e)))?;
    rayon::join(
        || crate::cache::record(out, &built.keys, &written),
        || {
            if let Some(search) = &built.search {
                crate::cache::record_words(out, &search.cache);
            }
        },
    );
    if let Some(f) = &fingerprint {
        crate::fingerprint::record(out, f);
    }
    let took = started.elapsed();
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(
        stdout,
        "Built {} pages ({} files{}) into {} in {:.2} s{}",
        built.pages,
        built.files.len() + built.stored.len() + built.kept.len(),
        if built.kept.is_empty() {
            String::new()
        } else {
            format!(
                "; {} rendered, {} unchanged",
                built.rendered,
                built.pages - built.rendered
            )
        },
        out.display(),
        took.as_secs_f64(),
        if built.warnings.is_empty() {
            String::new()
        } else {
            format!(", {} warning(s)", built.warnings.len())
        },
    );
    if std::env::var_os("RITME_TIMINGS").is_some() {
        let write = ("write", write_started.elapsed());
        for (stage, d) in built.timings.iter().chain([&write]) {
            let _ = writeln!(stdout, "  {stage:<10} {:>8.1} ms", d.as_secs_f64() * 1000.0);
        }
        let _ = writeln!(
            stdout,
            "  Markdown rendered for {} of {} documents (the others unchanged since the last build)",
            parsed.markdown_rendered,
            parsed.markdown_documents()
        );
        let _ = writeln!(
            stdout,
            "  Markdown made again for {} documents kept in outline (their HTML or text was read)",
            parsed.markdown_made_later()
        );
        if let Some(f) = &parsed.front_matter {
            let _ = writeln!(
                stdout,
                "  Front matter parsed for {} of {} pages (the others unchanged since the last build)",
                f.parsed, f.read
            );
        }
        if let Some(s) = &built.search {
            let _ = writeln!(
                stdout,
                "  Search: words counted for {} of {} pages, {} of {} text scripts made (the others unchanged since the last build)",
                s.counted, s.pages, s.scripts_made, s.scripts
            );
        }
        if built.views_at_once > 0 {
            let _ = writeln!(
                stdout,
                "  Person views held at once: {} (each drawn as its page is rendered)",
                built.views_at_once
            );
        }
    }
    Ok(())
}

/// Reports a failure to write the site: the user's folder choice (exit 1)
/// or the machine (exit 2). The previous build is untouched either way.
fn write_failure(out: &Path, e: WriteError) -> ExitCode {
    match e {
        WriteError::Refused(d) => report(&[d]),
        WriteError::Io(e) => {
            let d = Diagnostic::error(out.display().to_string(), format!("cannot write the site: {e:#}"));
            if machine_failure(&e) {
                // A full disk or a failing device: the machine's problem (2).
                let d = d.with_hint(
                    "free space on the disk (or fix the device) and build again; the previous build is untouched",
                );
                eprintln!("{d}");
                return ExitCode::from(2);
            }
            // The place we were asked to write to: the user's choice (1).
            let d = d.with_hint("check that the output folder is writable; the previous build is untouched");
            report(&[d])
        }
    }
}

/// How much of the last build a build may reuse.
#[derive(Debug, Clone, Copy)]
struct Fresh {
    /// Replace a folder ritme did not create.
    force: bool,
    /// Render everything.
    no_cache: bool,
}

fn check(site: &Path, format: Format, strict: bool) -> Result<(), ExitCode> {
    let opts = pipeline::Options {
        site: site.to_path_buf(),
        base_url: None,
        audience: None,
        review_date: Some(chrono::Local::now().date_naive()),
        previous: Default::default(),
    };
    let findings = match pipeline::build(&opts) {
        Ok(built) => built.warnings,
        Err(Error::Input(d)) => d,
        Err(Error::Internal(e)) => return Err(internal(&e)),
    };
    let errors = findings.iter().filter(|d| d.is_error()).count();
    let warnings = findings.len() - errors;
    match format {
        Format::Json => {
            let json = serde_json::json!({ "errors": errors, "warnings": warnings, "diagnostics": findings });
            println!("{}", serde_json::to_string_pretty(&json).unwrap_or_default());
        }
        Format::Text => {
            print_diagnostics(&findings);
            eprintln!("{errors} error(s), {warnings} warning(s)");
        }
    }
    if errors > 0 || (strict && warnings > 0) {
        Err(ExitCode::from(1))
    } else {
        Ok(())
    }
}

fn new(dir: &Path, starter: scaffold::Starter) -> Result<(), ExitCode> {
    match scaffold::create(dir, starter) {
        Ok(created) => {
            let what = match starter {
                scaffold::Starter::Example(_) => "the example programme",
                scaffold::Starter::Skeleton(_) => "an empty skeleton",
            };
            println!("Created {} with {what} ({} files).", dir.display(), created.files);
            if created.git {
                println!(
                    "It is a new git repository; .githooks/pre-commit runs `ritme check --strict` before every commit."
                );
            } else {
                println!("To check every commit: git config core.hooksPath .githooks   (runs `ritme check --strict`)");
            }
            println!(
                "Next: ritme serve {} --open   (or ritme build {0}, then open {0}/public/index.html)",
                dir.display()
            );
            Ok(())
        }
        Err(scaffold::Error::Refused(d)) => Err(report(&[d])),
        Err(scaffold::Error::Io(e)) => Err(internal(&e)),
    }
}

fn eject(site: &Path, names: &[String], force: bool) -> Result<(), ExitCode> {
    let lang = crate::eject::site_language(site).map_err(|d| report(&d))?;
    let planned = crate::eject::plan(names, lang).map_err(|d| report(&d))?;
    let done = crate::eject::write(site, &planned, force).map_err(|e| {
        report(&[Diagnostic::error(site.display().to_string(), format!("{e:#}"))
            .with_hint("check that the site folder is writable")])
    })?;
    for rel in &done.written {
        println!("wrote {rel}");
    }
    for rel in &done.kept {
        eprintln!("kept {rel}: the site already has it (--force replaces it)");
    }
    println!(
        "{} file(s) written, {} kept; the site's copies now replace the built-in ones.",
        done.written.len(),
        done.kept.len()
    );
    Ok(())
}

fn fail(e: &Error) -> ExitCode {
    match e {
        Error::Input(d) => report(d),
        Error::Internal(e) => internal(e),
    }
}

fn report(diags: &[Diagnostic]) -> ExitCode {
    print_diagnostics(diags);
    let errors = diags.iter().filter(|d| d.is_error()).count();
    eprintln!("error: {errors} problem(s) found; nothing was written");
    ExitCode::from(1)
}

/// Whether a write failed because of the machine (no space, quota, a device
/// error) rather than the path the user chose (read-only, not a folder,
/// no permission).
fn machine_failure(e: &anyhow::Error) -> bool {
    use std::io::ErrorKind as K;
    let Some(io) = e.chain().find_map(|c| c.downcast_ref::<std::io::Error>()) else {
        return true;
    };
    !matches!(
        io.kind(),
        K::PermissionDenied
            | K::ReadOnlyFilesystem
            | K::NotADirectory
            | K::IsADirectory
            | K::NotFound
            | K::AlreadyExists
            | K::InvalidFilename
            | K::InvalidInput
            | K::DirectoryNotEmpty
    )
}

fn internal(e: &anyhow::Error) -> ExitCode {
    eprintln!("internal error: {e:#}");
    eprintln!("  this is a fault in ritme or the machine, not in your site; please report it");
    ExitCode::from(2)
}

fn print_diagnostics(diags: &[Diagnostic]) {
    let mut err = std::io::stderr().lock();
    for d in diags {
        let _ = writeln!(err, "{d}");
    }
}
