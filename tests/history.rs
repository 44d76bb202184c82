//! Change dates and the playbook's change log, from a real git repository.

mod support;

use std::process::Command;

use support::*;

fn git(dir: &std::path::Path, args: &[&str], date: &str) {
    let ok = Command::new("git")
        .current_dir(dir)
        .args([
            "-c",
            "user.name=Test",
            "-c",
            "user.email=test@example.org",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date)
        .status()
        .unwrap()
        .success();
    assert!(ok, "git {args:?}");
}

#[test]
fn pages_show_git_dates_and_the_change_log_lists_commits() {
    let site = TestSite::fixture("minimal");
    let repo = site.tmp.path();
    git(repo, &["init", "-q"], "2026-03-01T10:00:00Z");
    git(repo, &["add", "."], "2026-03-01T10:00:00Z");
    git(
        repo,
        &["commit", "-qm", "Eerste versie van het playbook"],
        "2026-03-01T10:00:00Z",
    );
    site.write(
        "behaviours/bellen.md",
        &site
            .read("behaviours/bellen.md")
            .replace("Omdat het werkt.", "Omdat het echt werkt."),
    );
    git(
        repo,
        &["commit", "-qam", "Bellen scherper uitgelegd"],
        "2026-04-15T10:00:00Z",
    );

    let out = site.build(&[]).success();
    assert!(!stderr_of(&out).contains("not in a git repository"));
    let page = site.output("behaviours/bellen/index.html");
    assert!(page.contains("Laatst gewijzigd: 15 april 2026"), "{page}");
    let other = site.output("behaviours/luisteren/index.html");
    assert!(other.contains("Laatst gewijzigd: 1 maart 2026"));
    let changes = site.output("changes/index.html");
    let newer = changes.find("Bellen scherper uitgelegd").expect("newest commit listed");
    let older = changes
        .find("Eerste versie van het playbook")
        .expect("first commit listed");
    assert!(newer < older, "newest first");
}

#[test]
fn without_git_the_site_builds_with_a_warning() {
    let site = TestSite::fixture("minimal");
    let out = site.build(&[]).success();
    assert!(stderr_of(&out).contains("not in a git repository"));
    assert!(!site.output("behaviours/bellen/index.html").contains("Laatst gewijzigd"));
    assert!(!site.out().join("changes/index.html").exists());
}

#[test]
fn the_change_log_lists_changed_playbook_pages_and_leaves_other_commits_out() {
    let site = TestSite::fixture("minimal");
    let repo = site.tmp.path();
    git(repo, &["init", "-q"], "2026-03-01T10:00:00Z");
    git(repo, &["add", "."], "2026-03-01T10:00:00Z");
    git(repo, &["commit", "-qm", "Eerste versie"], "2026-03-01T10:00:00Z");
    // April: a log, a developer's note beside the behaviours, and a real change.
    site.write(
        "data/logs/2026-W15.yaml",
        "week: 2026-W15\nentries:\n  bram:\n    bellen: 3\n",
    );
    git(repo, &["add", "."], "2026-04-08T10:00:00Z");
    git(repo, &["commit", "-qm", "Logs van week 15"], "2026-04-08T10:00:00Z");
    site.write("behaviours/NOTES.txt", "shortcode notes\n");
    git(repo, &["add", "."], "2026-04-09T10:00:00Z");
    git(
        repo,
        &["commit", "-qm", "Dev note about shortcodes"],
        "2026-04-09T10:00:00Z",
    );
    site.write(
        "behaviours/bellen.md",
        &site
            .read("behaviours/bellen.md")
            .replace("Omdat het werkt.", "Omdat het echt werkt."),
    );
    git(
        repo,
        &["commit", "-qam", "Bellen scherper uitgelegd"],
        "2026-04-15T10:00:00Z",
    );

    site.build(&[]).success();
    for page in ["reports/2026-04/index.html", "changes/index.html"] {
        let html = site.output(page);
        assert!(
            html.contains("Bellen scherper uitgelegd"),
            "{page}: the change is missing"
        );
        assert!(
            html.contains("behaviours/bellen/index.html\">Klanten bellen</a>"),
            "{page}: no linked title"
        );
        assert!(
            !html.contains("Logs van week 15"),
            "{page}: a commit of logs only is listed"
        );
        assert!(
            !html.contains("Dev note about shortcodes"),
            "{page}: a commit touching no page is listed"
        );
    }
    let mail = site.output("reports/2026-04/rapport-2026-04.html");
    assert!(mail.contains("Klanten bellen") && !mail.contains("Dev note"));
}
