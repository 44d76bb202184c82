//! Monthly reports: one per month of data, printable on A4, and a
//! self-contained copy that can be mailed.

mod support;

use std::process::Command;

use support::*;

#[test]
fn a_report_for_every_month_with_a_self_contained_copy() {
    let site = TestSite::example();
    site.build(&[]).success();
    let index = site.output("reports/index.html");
    let months: Vec<String> = (1..=11).map(|m| format!("2026-{m:02}")).collect();
    for m in &months {
        let page = site.output(&format!("reports/{m}/index.html"));
        assert!(page.contains("Scorebord"), "{m}: no scoreboard");
        assert!(
            index.contains(&format!("reports/{m}/index.html\"")),
            "{m} not in the index"
        );
        let mail = site.output(&format!("reports/{m}/rapport-{m}.html"));
        assert!(
            mail.contains("<style>") && mail.contains("<svg"),
            "{m}: mail copy lacks inline CSS or charts"
        );
        for attr in ["href=", "src=", "<script", "@import", "url("] {
            assert!(!mail.contains(attr), "{m}: the mail copy references something ({attr})");
        }
    }
    // Newest first.
    assert!(index.find("reports/2026-11/").unwrap() < index.find("reports/2026-01/").unwrap());
    // The director's commentary and the caveat of lead–lag are in the report.
    let october = site.output("reports/2026-10/index.html");
    assert!(october.contains("Marieke Hoekstra"));
    assert!(october.contains("geen bewijs van oorzaak"));
    // Dutch numbers: a decimal comma in ρ.
    assert!(october.contains("ρ = 0,"), "no Dutch decimal comma");
}

#[test]
#[cfg_attr(
    not(all(ritme_chromium, ritme_pdftotext)),
    ignore = "needs chromium and poppler-utils (./test installs them)"
)]
fn a_report_prints_as_a_clean_a4_document() {
    if !have("chromium") || !have("pdftotext") {
        return;
    }
    let site = TestSite::example();
    site.build(&[]).success();
    let pdf = site.tmp.path().join("report.pdf");
    let status = Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
        ])
        .args(["--disable-component-update", "--disable-sync", "--no-pdf-header-footer"])
        .arg(format!(
            "--user-data-dir={}",
            site.tmp.path().join("chromium").display()
        ))
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!(
            "file://{}",
            site.out().join("reports/2026-10/rapport-2026-10.html").display()
        ))
        .output()
        .unwrap();
    assert!(pdf.is_file(), "no PDF: {}", String::from_utf8_lossy(&status.stderr));
    let info = String::from_utf8(Command::new("pdfinfo").arg(&pdf).output().unwrap().stdout).unwrap();
    let pages: usize = info
        .lines()
        .find(|l| l.starts_with("Pages:"))
        .unwrap()
        .split_whitespace()
        .last()
        .unwrap()
        .parse()
        .unwrap();
    assert!((2..=6).contains(&pages), "{pages} pages");
    assert!(info.contains("(A4)"), "not A4: {info}");
    let text = String::from_utf8(Command::new("pdftotext").arg(&pdf).arg("-").output().unwrap().stdout).unwrap();
    assert!(text.to_lowercase().contains("scorebord"), "{text}");
    assert!(text.contains("Van de directie"));
    // The report's title and month on every page, and page numbers.
    assert_eq!(text.matches("Ritme in verkoop · Oktober 2026").count(), pages, "{text}");
    assert!(
        text.replace(" / ", "/").contains(&format!("1/{pages}")),
        "no page numbers"
    );
    // No navigation in print.
    assert!(!text.contains("Zoek in het playbook"));
}
