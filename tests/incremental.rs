//! `serve`'s memoised rebuild: after any edit it must give the bytes of a
//! clean build, and it must really skip the stages whose inputs did not
//! change (a memo that recomputes everything would pass the first test).

mod support;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use ritme::memo::Memo;
use ritme::pipeline::{self, Built, Options};
use support::TestSite;

/// The served site, as `serve` keeps it: each build's files, plus the
/// pages it kept from the build before.
struct Served {
    site: PathBuf,
    memo: Memo,
    files: BTreeMap<String, Vec<u8>>,
    keys: BTreeMap<String, u64>,
}

impl Served {
    fn new(site: &Path) -> Self {
        let mut s = Served {
            site: site.to_path_buf(),
            memo: Memo::new(),
            files: BTreeMap::new(),
            keys: BTreeMap::new(),
        };
        s.rebuild(&[]).expect("the first build succeeds");
        s
    }

    /// Rebuilds after `changed` (site-relative files, as the watcher reports them).
    fn rebuild(&mut self, changed: &[&str]) -> Result<(), pipeline::Error> {
        let root = self.site.canonicalize().unwrap();
        self.memo.files.mark_dirty(changed.iter().map(|rel| root.join(rel)));
        let previous = ritme::cache::Previous {
            pages: self.keys.iter().map(|(r, k)| (r.clone(), (*k, 0))).collect(),
            ..Default::default()
        };
        let opts = Options {
            site: self.site.clone(),
            previous,
            ..Default::default()
        };
        let mut built: Built = pipeline::build_incremental(&opts, &mut self.memo)?;
        // `serve` makes these when they are asked for; here at once.
        if let Some(deferred) = built.deferred.take() {
            let paths = deferred.paths.clone();
            let made = deferred.make();
            let made_paths: Vec<&String> = made.iter().map(|f| &f.path).collect();
            assert_eq!(
                made_paths,
                paths.iter().collect::<Vec<_>>(),
                "the deferred files are the ones announced"
            );
            built.files.extend(made);
        }
        let mut files: BTreeMap<String, Vec<u8>> = built.files.into_iter().map(|f| (f.path, f.bytes)).collect();
        for k in &built.kept {
            let bytes = self.files.remove(&k.path).expect("a kept page was served before");
            files.insert(k.path.clone(), bytes);
        }
        self.files = files;
        self.keys = built.keys.into_iter().collect();
        Ok(())
    }

    fn assert_clean(&self, after: &str) {
        let clean = pipeline::build(&Options {
            site: self.site.clone(),
            ..Default::default()
        })
        .expect("the clean build succeeds");
        let clean: BTreeMap<String, Vec<u8>> = clean.files.into_iter().map(|f| (f.path, f.bytes)).collect();
        let served: Vec<&String> = self.files.keys().collect();
        let built: Vec<&String> = clean.keys().collect();
        assert_eq!(
            served, built,
            "after {after}: the served files differ from a clean build's"
        );
        for (path, bytes) in &clean {
            assert!(
                self.files[path] == *bytes,
                "after {after}: {path} differs from a clean build's"
            );
        }
    }
}

fn edit(site: &Path, rel: &str, f: impl FnOnce(String) -> String) {
    let path = site.join(rel);
    let text = fs::read_to_string(&path).unwrap();
    fs::write(&path, f(text)).unwrap();
}

fn first_file(dir: &Path) -> String {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.'))
        .collect();
    names.sort();
    names.remove(0)
}

#[test]
fn every_memoised_rebuild_gives_the_bytes_of_a_clean_build() {
    let t = TestSite::example();
    let site = t.site();
    let mut served = Served::new(&site);
    served.assert_clean("the first build");

    let story = format!("stories/{}", first_file(&site.join("stories")));
    let behaviour = format!("behaviours/{}", first_file(&site.join("behaviours")));
    let year = first_file(&site.join("data/logs"));
    let log = format!("data/logs/{year}/{}", first_file(&site.join("data/logs").join(&year)));

    edit(&site, &story, |t| t + "\nOne more sentence about the behaviour.\n");
    served.rebuild(&[&story]).unwrap();
    served.assert_clean("a story's text edited");

    edit(&site, &story, |t| t.replacen("title: ", "title: Renamed ", 1));
    served.rebuild(&[&story]).unwrap();
    served.assert_clean("a story's title edited");

    edit(&site, &behaviour, |t| t.replacen("title: ", "title: Renamed ", 1));
    served.rebuild(&[&behaviour]).unwrap();
    served.assert_clean("a behaviour's title edited (in every page's menu)");

    // A count changed to another of the same length: only the watcher's
    // report tells the reader to read the file again.
    edit(&site, &log, |t| {
        let at = t.find(": 1\n").expect("a count of 1 in the log");
        format!("{}: 2\n{}", &t[..at], &t[at + 4..])
    });
    served.rebuild(&[&log]).unwrap();
    served.assert_clean("a count in a log edited");

    fs::write(
        site.join("pages/nieuw.md"),
        "---\ntitle: Nieuw\n---\nEen nieuwe pagina.\n",
    )
    .unwrap();
    served.rebuild(&["pages/nieuw.md"]).unwrap();
    served.assert_clean("a page added");

    // A broken edit keeps the memo good for the fix that follows.
    edit(&site, &story, |t| t.replacen("date: ", "date: not-a-", 1));
    assert!(
        served.rebuild(&[&story]).is_err(),
        "a story without a date does not build"
    );
    edit(&site, &story, |t| t.replacen("date: not-a-", "date: ", 1));
    served.rebuild(&[&story]).unwrap();
    served.assert_clean("an error fixed");

    fs::remove_file(site.join("pages/nieuw.md")).unwrap();
    served.rebuild(&["pages/nieuw.md"]).unwrap();
    served.assert_clean("a page removed");

    edit(&site, "ritme.yaml", |t| t.replacen("title: ", "title: Nieuw ", 1));
    served.rebuild(&["ritme.yaml"]).unwrap();
    served.assert_clean("the site's title edited");
}

#[test]
fn a_story_edit_reads_one_file_and_skips_the_data_and_the_metrics() {
    let t = TestSite::example();
    let site = t.site();
    let mut served = Served::new(&site);
    let first = served.memo.counts();
    assert!(
        first.data_loaded && first.metrics_computed,
        "the first build computes everything: {first:?}"
    );
    assert!(first.files_read > 50 && first.markdown_rendered > 10, "{first:?}");

    let story = format!("stories/{}", first_file(&site.join("stories")));
    edit(&site, &story, |t| t + "\nOne more sentence.\n");
    served.rebuild(&[&story]).unwrap();
    let c = served.memo.counts();
    assert_eq!(c.files_read, 1, "only the story is read again: {c:?}");
    assert_eq!(
        c.markdown_rendered, 1,
        "only the story's Markdown is rendered again: {c:?}"
    );
    assert!(!c.data_loaded, "the team data is not loaded again: {c:?}");
    assert!(!c.metrics_computed, "the metrics are not computed again: {c:?}");
    assert!(
        !c.data_pages_drawn,
        "the team, person and report views are not drawn again: {c:?}"
    );

    let year = first_file(&site.join("data/logs"));
    let log = format!("data/logs/{year}/{}", first_file(&site.join("data/logs").join(&year)));
    edit(&site, &log, |t| t + "\n");
    served.rebuild(&[&log]).unwrap();
    let c = served.memo.counts();
    assert_eq!((c.files_read, c.markdown_rendered), (1, 0), "{c:?}");
    assert!(
        c.data_loaded && c.metrics_computed,
        "a log edit recomputes the data's stages: {c:?}"
    );
}

#[test]
fn a_count_edited_in_one_log_parses_only_that_file_and_gives_a_clean_builds_bytes() {
    let t = TestSite::example();
    let site = t.site();
    let mut served = Served::new(&site);
    let logs = site.join("data/logs/2026");
    let files = fs::read_dir(&logs).unwrap().count();
    assert!(files > 10, "the example has a year of logs");
    assert_eq!(
        served.memo.counts().logs_parsed,
        files,
        "the first build parses every log"
    );

    // The latest week: its figures show on the people's and teams' pages.
    let mut names: Vec<String> = fs::read_dir(&logs)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let log = format!("data/logs/2026/{}", names.last().unwrap());
    let before = fs::read_to_string(site.join(&log)).unwrap();
    // Every count of the week to 0: the week's figures change everywhere.
    let zeroed = |t: String| -> String {
        t.lines()
            .map(|l| match l.split_once(": ") {
                Some((k, v)) if k.starts_with("    ") && v.parse::<u32>().is_ok() => format!("{k}: 0\n"),
                _ => format!("{l}\n"),
            })
            .collect()
    };
    edit(&site, &log, zeroed);
    assert_ne!(
        before,
        fs::read_to_string(site.join(&log)).unwrap(),
        "the edit changed counts"
    );
    let metrics_before = served.files.get("metrics.json").cloned();
    served.rebuild(&[&log]).unwrap();
    let c = served.memo.counts();
    assert_eq!(c.logs_parsed, 1, "only the edited log is parsed again: {c:?}");
    assert!(c.data_loaded && c.metrics_computed, "{c:?}");
    assert!(
        metrics_before.is_some() && metrics_before.as_ref() != served.files.get("metrics.json"),
        "the edited counts show in metrics.json"
    );
    served.assert_clean("counts edited in the latest log");

    // An edit that breaks the file is reported, and its fix builds again.
    edit(&site, &log, |t| t.replacen(": 0\n", ": veel\n", 1));
    assert!(
        served.rebuild(&[&log]).is_err(),
        "a count that is no number is an error"
    );
    assert_eq!(served.memo.counts().logs_parsed, 1);
    edit(&site, &log, |_| before.clone());
    served.rebuild(&[&log]).unwrap();
    assert_eq!(served.memo.counts().logs_parsed, 1);
    served.assert_clean("the log as it was");
}

/// The story's first paragraph (its summary on every card) with `prefix`.
fn with_summary_prefix(text: String, prefix: &str) -> String {
    let body_at = text[3..].find("\n---\n").map(|i| i + 3 + 5).expect("front matter");
    let (head, body) = text.split_at(body_at);
    let mut out = head.to_string();
    let mut done = false;
    for line in body.split_inclusive('\n') {
        if !done && !line.trim().is_empty() && !line.starts_with('#') {
            out.push_str(prefix);
            done = true;
        }
        out.push_str(line);
    }
    out
}

#[test]
fn a_story_edit_redraws_only_the_charts_whose_input_it_changed() {
    let t = TestSite::example();
    let site = t.site();
    let mut served = Served::new(&site);
    let first = served.memo.counts().charts_drawn;
    assert!(first > 20, "the first build draws every chart: {first}");

    let story = format!("stories/{}", first_file(&site.join("stories")));
    edit(&site, &story, |t| t + "\nOne more sentence about the behaviour.\n");
    served.rebuild(&[&story]).unwrap();
    let c = served.memo.counts();
    assert_eq!(c.charts_drawn, 0, "a story's text is in no chart: {c:?}");
    served.assert_clean("a story's text edited");

    // A new summary is on the cards of the team, person and report pages:
    // their views are built again, their charts are the same.
    edit(&site, &story, |t| with_summary_prefix(t, "Kort gezegd: "));
    served.rebuild(&[&story]).unwrap();
    let c = served.memo.counts();
    assert!(c.data_pages_drawn, "the cards changed: {c:?}");
    assert_eq!(c.charts_drawn, 0, "a summary is in no chart: {c:?}");
    served.assert_clean("a story's summary edited");

    // A title is a marker on the trends that show the story: those only.
    edit(&site, &story, |t| t.replacen("title: ", "title: Renamed ", 1));
    served.rebuild(&[&story]).unwrap();
    let c = served.memo.counts();
    assert!(
        c.charts_drawn > 0 && c.charts_drawn * 4 < first,
        "only the trends with the story's marker are drawn: {} of {first}",
        c.charts_drawn
    );
    served.assert_clean("a story's title edited");
}

/// The example with its privacy mode set.
fn example_in(mode: &str) -> TestSite {
    let t = TestSite::example();
    edit(&t.site(), "ritme.yaml", |text| {
        text.replacen("mode: aggregate", &format!("mode: {mode}"), 1)
    });
    t
}

#[test]
fn a_body_edit_looks_at_one_file_and_builds_one_view() {
    for mode in ["named", "aggregate"] {
        let t = example_in(mode);
        let site = t.site();
        let mut served = Served::new(&site);
        let first = served.memo.counts();
        assert!(first.views_built > 30 && first.files_examined > 50, "{mode}: {first:?}");
        let docs = [
            format!("pages/{}", first_file(&site.join("pages"))),
            format!("behaviours/{}", first_file(&site.join("behaviours"))),
            format!("coaching/{}", first_file(&site.join("coaching"))),
            format!("stories/{}", first_file(&site.join("stories"))),
            "index.md".to_string(),
        ];
        // Each twice: the second edit starts from the first one's patched build.
        for rel in docs.iter().chain(&docs) {
            edit(&site, rel, |t| t + "\nOne more sentence, at the end of the page.\n");
            served.rebuild(&[rel]).unwrap();
            let c = served.memo.counts();
            assert_eq!(
                (c.files_examined, c.files_read, c.markdown_rendered, c.views_built),
                (1, 1, 1, 1),
                "{mode}, {rel}'s body edited: only it is looked at, read, rendered and viewed: {c:?}"
            );
            assert!(!c.data_loaded && !c.metrics_computed && !c.data_pages_drawn, "{c:?}");
            served.assert_clean(&format!("{mode}: {rel}'s body edited"));
        }
        // A title is in the menu of every page: every view is built again.
        edit(&site, &docs[0], |t| t.replacen("title: ", "title: Renamed ", 1));
        served.rebuild(&[&docs[0]]).unwrap();
        let c = served.memo.counts();
        assert!(c.views_built > 30 && c.files_examined > 50, "{mode}: {c:?}");
        served.assert_clean(&format!("{mode}: a page's title edited"));
        // And the body edit after it is cheap again.
        edit(&site, &docs[1], |t| t + "\nAnd one more.\n");
        served.rebuild(&[&docs[1]]).unwrap();
        assert_eq!(served.memo.counts().views_built, 1);
        served.assert_clean(&format!("{mode}: a body edited after a title"));
        // A full rebuild after body edits reads only what changed.
        let year = first_file(&site.join("data/logs"));
        let log = format!("data/logs/{year}/{}", first_file(&site.join("data/logs").join(&year)));
        edit(&site, &log, |t| t + "\n");
        served.rebuild(&[&log]).unwrap();
        let c = served.memo.counts();
        assert_eq!((c.files_read, c.markdown_rendered), (1, 0), "{mode}: {c:?}");
        served.assert_clean(&format!("{mode}: a log edited after body edits"));
    }
}

/// A log file's text with `person`'s count of `behaviour` set to `to`.
fn with_count(text: &str, person: &str, behaviour: &str, to: u32) -> String {
    let at = text.find(&format!("\n  {person}:\n")).expect("the person's entry");
    let key = format!("\n    {behaviour}: ");
    let from = at + text[at..].find(&key).expect("the behaviour in the entry") + key.len();
    let end = from + text[from..].find('\n').unwrap();
    format!("{}{to}{}", &text[..from], &text[end..])
}

#[test]
fn a_count_edited_in_one_log_rebuilds_only_the_views_it_reaches() {
    let t = example_in("named");
    let site = t.site();
    let mut served = Served::new(&site);
    let first = served.memo.counts();
    let people = served.files.keys().filter(|p| p.starts_with("people/")).count();
    assert!(people > 10, "the example has a page per person");
    let of_teams = served
        .files
        .keys()
        .filter(|p| p.starts_with("teams/") && p.matches('/').count() >= 2)
        .count();
    assert!(of_teams > 4, "the example has team and coaching pages");
    assert!(
        first.data_views_built > people && first.people_computed >= people,
        "the first build draws every view: {first:?}"
    );
    assert!(
        first.json_entries_written >= people,
        "and prints every entry: {first:?}"
    );
    assert!(
        first.weeks_decided > 40 && first.months_decided > 10,
        "and decides what may be shown of every week and month: {first:?}"
    );
    assert!(
        first.health_assessed >= people,
        "and assesses everyone's data health: {first:?}"
    );

    let mut names: Vec<String> = fs::read_dir(site.join("data/logs/2026"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    // The latest week, then one in the middle of the year (whose change
    // reaches the weeks after it), then the latest week back as it was.
    let latest = format!("data/logs/2026/{}", names.last().unwrap());
    let middle = format!("data/logs/2026/{}", names[names.len() / 2]);
    let was = fs::read_to_string(site.join(&latest)).unwrap();
    for (log, to) in [(&latest, 9), (&middle, 0), (&latest, 3)] {
        edit(&site, log, |t| with_count(&t, "bram", "tijdig-opvolgen", to));
        served.rebuild(&[log]).unwrap();
        let c = served.memo.counts();
        assert!(c.data_patched, "{log}: the data is patched, not loaded whole: {c:?}");
        assert_eq!(c.people_computed, 1, "{log}: only bram's figures are computed: {c:?}");
        assert_eq!(
            c.health_assessed, 1,
            "{log}: only bram's data health is assessed: {c:?}"
        );
        assert!(
            c.json_entries_written <= 1,
            "{log}: of metrics.json's people only bram's entry is printed again: {c:?}"
        );
        assert!(
            c.figures_handed_on,
            "{log}: everyone else's figures go to the new metrics, not copied: {c:?}"
        );
        assert!(
            c.data_views_built <= first.data_views_built - people - of_teams + 3,
            "{log}: of the people's and teams' pages only bram's and his team's views are built again: {c:?}"
        );
        if *log == latest {
            assert_eq!(
                (c.weeks_decided, c.months_decided),
                (1, 1),
                "{log}: what may be shown is decided again for the latest week and its month only: {c:?}"
            );
        } else {
            assert!(
                c.weeks_decided < first.weeks_decided && c.months_decided < first.months_decided,
                "{log}: the weeks and months before the edit keep the last build's decisions: {c:?}"
            );
        }
        served.assert_clean(&format!("bram's count in {log} set to {to}"));
    }
    edit(&site, &latest, |_| was.clone());
    served.rebuild(&[&latest]).unwrap();
    served.assert_clean("the latest log as it was");

    // A new week in a log changes the weeks of every figure: everything
    // is loaded and computed again.
    edit(&site, &latest, |t| t.replacen("week: 2026-W47", "week: 2026-W48", 1));
    served.rebuild(&[&latest]).unwrap();
    let c = served.memo.counts();
    assert!(!c.data_patched && c.people_computed >= people, "{c:?}");
    served.assert_clean("a log moved to a new week");
    edit(&site, &latest, |_| was.clone());
    served.rebuild(&[&latest]).unwrap();
    served.assert_clean("the log back in its week");

    // An entry for someone the team file does not know is an error; the
    // fix builds what a clean build gives.
    edit(&site, &latest, |t| t.replacen("\n  bram:\n", "\n  brem:\n", 1));
    assert!(served.rebuild(&[&latest]).is_err(), "an unknown person is an error");
    edit(&site, &latest, |t| {
        with_count(
            &t.replacen("\n  brem:\n", "\n  bram:\n", 1),
            "bram",
            "tijdig-opvolgen",
            1,
        )
    });
    served.rebuild(&[&latest]).unwrap();
    served.assert_clean("an unknown person fixed, with a new count");

    // A team put first moves every other team's place in the palette: the
    // teams' pages are drawn again although their figures are the same.
    edit(&site, "data/team.yaml", |t| {
        t.replacen("teams:\n", "teams:\n  - id: oost\n    name: Team Oost\n", 1)
    });
    served.rebuild(&["data/team.yaml"]).unwrap();
    served.assert_clean("a team put first");
}

/// `text` (a log) with `person`'s entry of the week marked `skip`.
fn with_skip(text: &str, person: &str) -> String {
    let from = text.find(&format!("\n  {person}:")).expect("the person has an entry") + 1;
    let rest = &text[from + 3 + person.len()..];
    // The entry runs to the next person (indented two spaces) or the end.
    let end = rest
        .match_indices("\n  ")
        .find(|(i, _)| !rest[i + 3..].starts_with(' '))
        .map_or(text.len(), |(i, _)| from + 3 + person.len() + i);
    format!("{}  {person}: skip{}", &text[..from], &text[end..])
}

#[test]
fn a_log_edit_that_hides_or_shows_a_small_group_gives_a_clean_builds_privacy() {
    // The example is aggregate with groups of at least 5; team zuid has
    // five reps in its latest week. One of them skipping the week leaves
    // four behind zuid's figures of that week: they go, and a sibling
    // with them; the skip undone, they are shown again.
    let t = TestSite::example();
    let site = t.site();
    let mut served = Served::new(&site);
    let first = served.memo.counts();
    let mut names: Vec<String> = fs::read_dir(site.join("data/logs/2026"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let latest = format!("data/logs/2026/{}", names.last().unwrap());
    let was = fs::read_to_string(site.join(&latest)).unwrap();
    let shown = served.files.clone();
    for (what, text) in [
        ("ivo skips the week", with_skip(&was, "ivo")),
        ("ivo back", was.clone()),
    ] {
        edit(&site, &latest, |_| text.clone());
        served.rebuild(&[&latest]).unwrap();
        let c = served.memo.counts();
        assert!(c.data_patched, "{what}: the data is patched: {c:?}");
        assert!(
            c.weeks_decided < first.weeks_decided && c.months_decided < first.months_decided,
            "{what}: the weeks before it keep the last build's decisions: {c:?}"
        );
        served.assert_clean(what);
        if text != was {
            assert_ne!(served.files, shown, "{what}: the edit changes what is shown");
        }
    }
    assert_eq!(served.files, shown, "ivo back: the pages of before");
}

/// `ritme build`'s count of the text files it read: (read, of).
fn sources_read(site: &TestSite) -> (usize, usize) {
    let a = support::ritme()
        .arg("build")
        .arg(site.site())
        .arg("-o")
        .arg(site.out())
        .env("RITME_TIMINGS", "1")
        .assert()
        .success();
    let n = support::timing_numbers(&a, "text files read");
    (n[0], n[1])
}

/// The CLI takes the text of every source whose size, modification and
/// change times are unchanged from beside the output instead of reading
/// it; an edit that keeps the size and sets the modification time back is
/// still seen (by the fingerprint and by the source cache), and the output
/// is a clean build's.
#[test]
fn a_cli_build_reads_only_the_changed_sources_and_gives_a_clean_builds_bytes() {
    let site = TestSite::example();
    let settle = || std::thread::sleep(std::time::Duration::from_millis(2100));
    let (read, files) = sources_read(&site);
    assert_eq!(read, files, "the first build reads every file");
    assert!(files > 20, "{files} files");
    settle();
    let a = "pages/over-ritme.md";
    site.write(a, &format!("{}\nEen zin over zeldzaamheid.\n", site.read(a)));
    // Files written just before the first build are not kept: all read again.
    assert_eq!(sources_read(&site), (files, files));
    settle();
    // Same size, new text, the old modification time: only the change time tells.
    let b = first_file(&site.site().join("stories"));
    let b = format!("stories/{b}");
    let path = site.site().join(&b);
    let was = fs::metadata(&path).unwrap().modified().unwrap();
    let text = site.read(&b);
    // The last word's letter: in the body, never the front matter.
    let at = text.rfind('e').unwrap();
    let edited = format!("{}a{}", &text[..at], &text[at + 1..]);
    assert_ne!(edited, text);
    assert_eq!(edited.len(), text.len());
    site.write(&b, &edited);
    fs::File::options()
        .write(true)
        .open(&path)
        .unwrap()
        .set_modified(was)
        .unwrap();
    // `a` was edited just before the last build, so it is read again too.
    assert_eq!(
        sources_read(&site),
        (2, files),
        "the two files changed since they were kept"
    );
    assert_eq!(
        support::tree(&site.out()),
        support::tree(&site.clean_build("clean")),
        "same bytes as a clean build"
    );
}
