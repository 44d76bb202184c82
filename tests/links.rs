//! What links and images may do in a built site: script, data and other
//! schemes never become a live link in any spelling, remote images only
//! when the config allows them, and the mailable report has no link and
//! loads nothing at all.

mod support;

use support::*;

const ATTACKS: &str = r#"
[a](javascript:alert(1)) [b](JAVASCRIPT:alert(2)) [c](java&#x73;cript:alert(3))
[d](<java&#9;script:alert(4)>) [e](data:text/html;base64,PHNjcmlwdD4=) [f](vbscript:msgbox(6))
<javascript:alert(7)> [g][ref] [veilig](https://example.org/p) [mail](mailto:a@example.org)

![pixel](https://tracker.example/pixel.png) ![svg](data:image/svg+xml,<svg>)

[ref]: Javascript:alert(8)
"#;

fn site_with_attacks() -> TestSite {
    let site = TestSite::fixture("minimal");
    let story = site.read("stories/succes.md");
    site.write("stories/succes.md", &format!("{story}\n{ATTACKS}"));
    site.write(
        "reports/2026-03.md",
        &format!("---\nauthor: Directie\n---\nCommentaar.\n{ATTACKS}"),
    );
    site
}

/// Every text file of the output, by path.
fn texts(out: &std::path::Path) -> Vec<(String, String)> {
    tree(out)
        .into_iter()
        .filter_map(|(p, b)| String::from_utf8(b).ok().map(|t| (p, t)))
        .collect()
}

#[test]
fn no_script_link_and_no_remote_image_reach_any_page() {
    let site = site_with_attacks();
    let a = site.build(&["--no-cache"]).success();
    let err = stderr_of(&a);
    assert!(err.contains("stories/succes.md:") && err.contains("left out"), "{err}");
    let mut mails = 0;
    for (path, text) in texts(&site.out()) {
        let lower = text.to_ascii_lowercase();
        for bad in [
            "href=\"javascript",
            "href=\"data:",
            "href=\"vbscript",
            "src=\"data:",
            "tracker.example",
        ] {
            assert!(!lower.contains(bad), "{path} holds {bad}");
        }
        if path.contains("rapport-") {
            mails += 1;
            for bad in ["<a ", "<a>", "href=", "src=", "https://", "<script", "<link"] {
                assert!(!lower.contains(bad), "the mail copy {path} holds {bad}");
            }
            assert!(
                text.contains("Commentaar") && text.contains("veilig"),
                "{path} lost the text"
            );
        }
    }
    assert!(mails > 0, "no mailable report was built");
    // The web page of the report keeps the safe link.
    assert!(
        site.output("reports/2026-03/index.html")
            .contains("href=\"https://example.org/p\"")
    );
}

#[test]
fn remote_images_are_shown_only_when_the_config_says_so() {
    let site = site_with_attacks();
    let config = site.read("ritme.yaml");
    site.write("ritme.yaml", &format!("{config}markdown:\n  remote_images: true\n"));
    site.build(&["--no-cache"]).success();
    let story = std::fs::read_dir(site.out().join("stories"))
        .unwrap()
        .flatten()
        .map(|e| e.path().join("index.html"))
        .find(|p| p.is_file())
        .unwrap();
    let html = std::fs::read_to_string(story).unwrap();
    assert!(
        html.contains("src=\"https://tracker.example/pixel.png\""),
        "allowed, but missing"
    );
    assert!(!html.contains("src=\"data:"), "a data image is never allowed");
    for (path, text) in texts(&site.out()) {
        if path.contains("rapport-") {
            assert!(
                !text.contains("tracker.example"),
                "the mail copy {path} loads a remote image"
            );
        }
    }
}
