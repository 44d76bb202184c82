//! `ritme serve` on a random port: pages, types, traversal, live rebuilds,
//! and the last good site kept online when a change breaks the build.

mod support;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use support::*;

struct Server {
    child: Child,
    addr: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(site: &TestSite) -> Server {
    serve_with(site, &[])
}

fn serve_with(site: &TestSite, env: &[(&str, &str)]) -> Server {
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("ritme"))
        .envs(env.iter().copied())
        .arg("serve")
        .arg(site.site())
        .args(["--port", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let addr = loop {
        let line = lines.next().expect("serve printed its address").unwrap();
        if let Some(url) = line.split("http://").nth(1) {
            break url
                .trim_end_matches(|c: char| c != '/')
                .trim_end_matches('/')
                .split(' ')
                .next()
                .unwrap()
                .to_string();
        }
    };
    // Keep draining stdout so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    Server { child, addr }
}

/// A raw HTTP/1.0 GET: (status, headers, body).
fn get(addr: &str, path: &str) -> (u16, String, String) {
    send(addr, &format!("GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n"))
}

/// Sends `request` as it is and reads the reply to the end: (status,
/// lowercased headers, body).
fn send(addr: &str, request: &str) -> (u16, String, String) {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    (status, head.to_lowercase(), body.to_string())
}

/// A live-reload event stream as a browser opens it.
struct Events {
    stream: TcpStream,
    seen: Vec<u8>,
    /// Where the next `wait_for` starts looking.
    pos: usize,
}

impl Events {
    fn open(addr: &str, path: &str) -> Self {
        let mut stream = TcpStream::connect(addr).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\n\r\n"
        )
        .unwrap();
        Events {
            stream,
            seen: Vec::new(),
            pos: 0,
        }
    }

    /// Waits for the last chunk: the server ended the stream.
    fn wait_for_end(&mut self) {
        self.wait_for("\r\n0\r\n\r\n");
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.seen).into_owned()
    }

    /// Reads until `what` arrives past what earlier waits matched.
    fn wait_for(&mut self, what: &str) {
        let mut buf = [0u8; 1024];
        loop {
            if let Some(i) = self.seen[self.pos..]
                .windows(what.len())
                .position(|w| w == what.as_bytes())
            {
                self.pos += i + what.len();
                return;
            }
            let n = self
                .stream
                .read(&mut buf)
                .unwrap_or_else(|e| panic!("waiting for {what:?}: {e}; got {:?}", self.text()));
            assert!(n > 0, "the stream closed before {what:?}; got {:?}", self.text());
            self.seen.extend_from_slice(&buf[..n]);
        }
    }
}

/// Polls until `f` holds (bounded: this checks behaviour, not speed).
fn eventually(what: &str, mut f: impl FnMut() -> bool) {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(15) {
        if f() {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("timed out waiting for: {what}");
}

#[test]
fn serves_pages_with_live_reload_and_refuses_traversal() {
    let site = TestSite::fixture("minimal");
    let server = serve(&site);
    let (status, head, body) = get(&server.addr, "/");
    assert_eq!(status, 200);
    assert!(head.contains("content-type: text/html"));
    assert!(body.contains("ritme-live-reload") && body.contains("/__ritme/events"));
    let (status, head, _) = get(&server.addr, "/assets/style.css");
    assert_eq!(status, 200);
    assert!(head.contains("content-type: text/css"));
    let (status, _, body) = get(&server.addr, "/over/");
    assert_eq!(status, 200);
    assert!(body.contains("Over het programma"));
    for path in [
        "/../ritme.yaml",
        "/%2e%2e/ritme.yaml",
        "/..%2fritme.yaml",
        "/..%5critme.yaml",
        "//etc/passwd",
    ] {
        let (status, _, body) = get(&server.addr, path);
        assert_eq!(status, 404, "{path}");
        assert!(
            !body.contains("title: Testsite") && !body.contains("root:"),
            "{path} served a file"
        );
    }
    let (status, _, body) = get(&server.addr, "/bestaat/niet/");
    assert_eq!(status, 404);
    assert!(body.contains("Pagina niet gevonden"), "the site's 404 page");
    // The built files themselves never carry the script.
    site.build(&[]).success();
    assert!(!site.output("index.html").contains("ritme-live-reload"));
}

#[test]
fn rebuilds_on_change_and_keeps_the_last_good_site_when_broken() {
    let site = TestSite::fixture("minimal");
    let server = serve(&site);
    site.write("pages/over.md", "---\ntitle: Over ons\n---\nEen nieuwe zin.\n");
    eventually("the edit is served", || {
        get(&server.addr, "/over/").2.contains("Een nieuwe zin.")
    });
    site.write("behaviours/luisteren.md", "---\ntitle: Luisteren\ntarget: [2\n---\n");
    eventually("the error is reported", || {
        let (_, _, status) = get(&server.addr, "/__ritme/status");
        status.contains("behaviours/luisteren.md:3")
    });
    assert!(
        get(&server.addr, "/over/").2.contains("Een nieuwe zin."),
        "the last good site is still served"
    );
    site.write(
        "behaviours/luisteren.md",
        "---\ntitle: Luisteren\ntarget: 2\n---\nWeer goed.\n",
    );
    eventually("the error clears", || {
        get(&server.addr, "/__ritme/status").2.contains("\"errors\":[]")
    });
    assert!(get(&server.addr, "/behaviours/luisteren/").2.contains("Weer goed."));
}

#[test]
fn many_concurrent_requests_all_succeed() {
    let site = TestSite::fixture("minimal");
    let server = serve(&site);
    let addr = server.addr.clone();
    let handles: Vec<_> = (0..16)
        .map(|i| {
            let addr = addr.clone();
            std::thread::spawn(move || {
                (0..25).all(|j| {
                    let path = if (i + j) % 2 == 0 { "/" } else { "/assets/style.css" };
                    get(&addr, path).0 == 200
                })
            })
        })
        .collect();
    assert!(handles.into_iter().all(|h| h.join().unwrap()), "a request failed");
}

#[test]
fn open_pages_are_told_to_reload_after_a_rebuild() {
    let site = TestSite::fixture("minimal");
    let server = serve(&site);
    let mut events = Events::open(&server.addr, "/__ritme/events");
    // The stream opens at once (headers and the retry hint)…
    events.wait_for("retry:");
    assert!(events.text().to_lowercase().contains("content-type: text/event-stream"));
    // …and a save sends `reload`.
    site.write("pages/over.md", "---\ntitle: Over ons\n---\nGewijzigd.\n");
    events.wait_for("data: reload");
}

#[test]
fn only_get_and_head_are_answered() {
    let site = TestSite::fixture("minimal");
    let server = serve(&site);
    let addr = &server.addr;
    let (_, get_head, get_body) = get(addr, "/over/");
    let (status, head, body) = send(addr, &format!("HEAD /over/ HTTP/1.0\r\nHost: {addr}\r\n\r\n"));
    assert_eq!(status, 200);
    assert_eq!(body, "", "HEAD sends no body");
    assert!(head.contains("content-type: text/html"));
    let length = |head: &str| {
        head.lines()
            .find_map(|l| l.strip_prefix("content-length: ").map(str::to_string))
    };
    assert_eq!(length(&head), Some(get_body.len().to_string()), "{get_head}");
    let (status, _, body) = send(addr, &format!("HEAD /nope/ HTTP/1.0\r\nHost: {addr}\r\n\r\n"));
    assert_eq!((status, body.as_str()), (404, ""));
    for (method, path) in [
        ("POST", "/"),
        ("PUT", "/over/"),
        ("DELETE", "/assets/style.css"),
        ("PATCH", "/"),
        ("OPTIONS", "/"),
        ("POST", "/__ritme/events"),
        ("POST", "/__ritme/status"),
    ] {
        let (status, head, body) = send(
            addr,
            &format!("{method} {path} HTTP/1.0\r\nHost: {addr}\r\nContent-Length: 5\r\n\r\nhello"),
        );
        assert_eq!(status, 405, "{method} {path}");
        assert!(head.contains("\r\nallow: get, head"), "{method} {path}: {head}");
        assert!(!body.contains("<html"), "{method} {path} got a page");
    }
    let (status, head, body) = send(addr, &format!("HEAD /__ritme/events HTTP/1.0\r\nHost: {addr}\r\n\r\n"));
    assert_eq!((status, body.as_str()), (200, ""), "HEAD of the stream ends at once");
    assert!(head.contains("content-type: text/event-stream"));
}

#[test]
fn a_folder_without_its_slash_redirects_keeping_the_query() {
    let site = TestSite::fixture("minimal");
    let server = serve(&site);
    let location = |head: &str| {
        head.lines()
            .find_map(|l| l.strip_prefix("location: ").map(str::to_string))
    };
    for (asked, target) in [
        ("/behaviours", "/behaviours/"),
        ("/over?week=2026-w10&q=a%20b", "/over/?week=2026-w10&q=a%20b"),
        ("/teams/noord", "/teams/noord/"),
        // Two leading slashes would make the target another host.
        ("//over", "/over/"),
    ] {
        let (status, head, _) = get(&server.addr, asked);
        assert!(matches!(status, 301 | 308), "{asked}: {status}");
        assert_eq!(location(&head).as_deref(), Some(target), "{asked}");
    }
    // Headers come back lowercased; the query's exact bytes are checked in
    // the unit test of the redirect.
    let (status, _, body) = get(&server.addr, "/behaviours/");
    assert_eq!(status, 200, "the target is the page");
    assert!(body.contains("behaviours/luisteren/index.html"));
    assert_eq!(
        get(&server.addr, "/assets/style.css").0,
        200,
        "files are served as they are"
    );
    assert_eq!(get(&server.addr, "/bestaat-niet").0, 404);
}

const GOOD_LOG: &str = "week: 2026-W10\nentries:\n  bram:\n    bellen: 3\n    luisteren: 1\n";
/// An unknown behaviour whose id the error message quotes, markup and all.
const BAD_LOG: &str = "week: 2026-W10\nentries:\n  bram:\n    bellen: 3\n    \"<b>&x\": 1\n";

#[test]
fn a_site_that_never_built_shows_its_errors_and_reloads_into_the_site_once_fixed() {
    let site = TestSite::fixture("minimal");
    assert_eq!(site.read("data/logs/2026-W10.yaml"), GOOD_LOG);
    site.write("data/logs/2026-W10.yaml", BAD_LOG);
    let server = serve(&site);
    for path in ["/", "/over/", "/behaviours", "/bestaat/niet/"] {
        let (status, head, body) = get(&server.addr, path);
        assert_eq!(status, 503, "{path}");
        assert!(head.contains("content-type: text/html"), "{path}");
        assert!(
            body.contains("data/logs/2026-W10.yaml:5:6: error: unknown behaviour `&lt;b&gt;&amp;x`"),
            "{path}: the error, escaped, where the file and line are: {body}"
        );
        assert!(!body.contains("<b>&x"), "{path}: the id is not markup");
        assert!(
            body.contains("ritme-live-reload") && body.contains("/__ritme/events"),
            "{path}"
        );
    }
    let (status, head, body) = get(&server.addr, "/assets/style.css");
    assert_eq!(status, 503);
    assert!(
        head.contains("content-type: text/plain"),
        "not a page where a style sheet is asked for"
    );
    assert!(body.contains("unknown behaviour `<b>&x`"));

    // The error page's script is listening; the save that fixes the file
    // reloads it, and then the site is there.
    let mut events = Events::open(&server.addr, "/__ritme/events");
    events.wait_for("retry:");
    site.write("data/logs/2026-W10.yaml", GOOD_LOG);
    events.wait_for("data: reload");
    // Polled: an editor's save can reach the watcher in two bursts.
    eventually("the site is served", || get(&server.addr, "/over/").0 == 200);
    let (_, _, body) = get(&server.addr, "/over/");
    assert!(body.contains("Over het programma") && body.contains("ritme-live-reload"));

    // Broken again later: the last good site stays, the errors go to the
    // overlay through the status endpoint.
    site.write("data/logs/2026-W10.yaml", BAD_LOG);
    events.wait_for("data: reload");
    eventually("the error is reported", || {
        get(&server.addr, "/__ritme/status")
            .2
            .contains("data/logs/2026-W10.yaml:5:6")
    });
    let (status, _, body) = get(&server.addr, "/over/");
    assert_eq!(status, 200);
    assert!(body.contains("Over het programma"));
}

/// The number of open event streams the server counts.
fn open_streams(addr: &str) -> usize {
    let (_, _, body) = get(addr, "/__ritme/status");
    let status: serde_json::Value = serde_json::from_str(&body).unwrap();
    status["streams"].as_u64().unwrap() as usize
}

/// The build version a served page's script reports to the server.
fn page_version(addr: &str) -> u64 {
    let (_, _, body) = get(addr, "/");
    let v = body
        .split("/__ritme/events?v=")
        .nth(1)
        .expect("the script names its version");
    v[..v.find(|c: char| !c.is_ascii_digit()).unwrap()].parse().unwrap()
}

#[test]
fn past_64_streams_the_oldest_is_ended_and_reconnecting_misses_no_reload() {
    let site = TestSite::fixture("minimal");
    let server = serve(&site);
    let addr = &server.addr;
    let before = page_version(addr);
    let mut streams: Vec<Events> = (0..64)
        .map(|_| {
            let mut e = Events::open(addr, &format!("/__ritme/events?v={before}"));
            e.wait_for("retry:");
            e
        })
        .collect();
    assert!(streams[0].text().to_lowercase().contains("transfer-encoding: chunked"));
    assert_eq!(open_streams(addr), 64);
    let mut newest = Events::open(addr, &format!("/__ritme/events?v={before}"));
    newest.wait_for("retry:");
    // The oldest gets the last chunk, which tells its browser to reconnect;
    // refusing the newest instead would leave the tab just opened without
    // live reload, as a browser never retries a refused stream.
    streams[0].wait_for_end();
    assert_eq!(open_streams(addr), 64);
    site.write("pages/over.md", "---\ntitle: Over ons\n---\nGewijzigd.\n");
    newest.wait_for("data: reload");
    streams[1].wait_for("data: reload");
    // The ended tab reconnects with the version its page was built from and
    // is told at once that it missed a rebuild.
    let mut reconnected = Events::open(addr, &format!("/__ritme/events?v={before}"));
    reconnected.wait_for("retry:");
    reconnected.wait_for("data: reload");
    eventually("the new page names a newer build", || page_version(addr) > before);
    streams.clear();
}

#[test]
fn streams_of_closed_tabs_are_noticed_and_let_go() {
    let site = TestSite::fixture("minimal");
    // A heartbeat of 15 s would make this test wait half a minute: the
    // second write after the peer has gone is the one that fails.
    let server = serve_with(&site, &[("RITME_SERVE_HEARTBEAT_MS", "50")]);
    let addr = &server.addr;
    let mut kept = Events::open(addr, "/__ritme/events");
    kept.wait_for("retry:");
    let closed: Vec<Events> = (0..5)
        .map(|_| {
            let mut e = Events::open(addr, "/__ritme/events");
            e.wait_for("retry:");
            e
        })
        .collect();
    assert_eq!(open_streams(addr), 6);
    drop(closed);
    eventually("the closed streams are let go", || open_streams(addr) == 1);
    kept.wait_for(": ping");
    kept.wait_for(": ping");
    assert_eq!(open_streams(addr), 1, "an open stream that is written to stays");
}

/// A page, served by `ritme serve` like any other, that scrolls, has the
/// live-reload script reload it as a rebuild would, and reports where it is
/// after the reload. The stand-in `EventSource` lets the page deliver the
/// `reload` itself, so no file watching or timing is involved.
const SCROLL_PROBE: &str = r#"<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>probe</title>
<script>
// Chromium restores this plain page by itself; with that off, what is
// measured is the script's own restore, which is what holds for pages the
// browser cannot restore (not tall enough yet when it tries).
history.scrollRestoration = "manual";
var fake = null;
window.EventSource = function (url) { fake = this; };
</script></head>
<body><div style="height:5000px">tall</div><pre id="out">pending</pre>
<script>
addEventListener("load", function () {
  setTimeout(function () {
    var out = document.getElementById("out");
    if (!sessionStorage.getItem("probe-reloaded")) {
      sessionStorage.setItem("probe-reloaded", "1");
      scrollTo(0, 1234);
      out.textContent = "reloading";
      fake.onmessage({ data: "reload" });
    } else {
      var left = Object.keys(sessionStorage).filter(function (k) { return k !== "probe-reloaded"; });
      out.textContent = "after reload: " + Math.round(scrollY) + " left: " + left.join(",");
    }
  }, 0);
});
</script>
</body></html>
"#;

#[test]
#[cfg_attr(not(ritme_chromium), ignore = "needs chromium (./test installs it)")]
fn a_live_reload_keeps_the_scroll_position() {
    if !have("chromium") {
        return;
    }
    let site = TestSite::fixture("minimal");
    site.write("static/probe.html", SCROLL_PROBE);
    let server = serve(&site);
    let mut chromium = Command::new("chromium")
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"])
        .args([
            "--disable-background-networking",
            "--virtual-time-budget=5000",
            "--dump-dom",
        ])
        .arg(format!("--user-data-dir={}", site.tmp.path().join("profile").display()))
        .arg(format!("http://{}/probe.html", server.addr))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromium runs");
    let mut dom = String::new();
    let reader = {
        let mut out = chromium.stdout.take().unwrap();
        std::thread::spawn(move || {
            let _ = out.read_to_string(&mut dom);
            dom
        })
    };
    let start = Instant::now();
    while chromium.try_wait().unwrap().is_none() {
        if start.elapsed() > Duration::from_secs(120) {
            let _ = chromium.kill();
            panic!("chromium did not finish");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let dom = reader.join().unwrap();
    let out = dom
        .split("<pre id=\"out\">")
        .nth(1)
        .and_then(|s| s.split("</pre>").next())
        .unwrap_or_else(|| panic!("the probe did not report: {dom}"));
    assert_eq!(
        out, "after reload: 1234 left: ",
        "restored, and the stored position is gone"
    );
}

#[test]
fn odd_and_hostile_paths_never_reach_outside_the_site() {
    let site = TestSite::fixture("minimal");
    // Beside the site folder, and in it but not part of the output.
    std::fs::write(site.tmp.path().join("secret.txt"), "SECRET-OUTSIDE").unwrap();
    let server = serve(&site);
    let long = |unit: &str, n: usize, end: &str| format!("/{}{end}", unit.repeat(n));
    let paths = [
        "/../secret.txt".to_string(),
        "/../../secret.txt".into(),
        "/over/../../secret.txt".into(),
        "../secret.txt".into(),
        "/%2e%2e/secret.txt".into(),
        "/%2E%2E/%2e%2e/secret.txt".into(),
        "/.%2e/secret.txt".into(),
        "/..%2fsecret.txt".into(),
        "/%2e%2e%2f%2e%2e%2fsecret.txt".into(),
        "/..%5csecret.txt".into(),
        "/..\\secret.txt".into(),
        "/%252e%252e/secret.txt".into(),
        "/%c0%ae%c0%ae/secret.txt".into(),
        "/over/%2e%2e/%2e%2e/site/ritme.yaml".into(),
        "/ritme.yaml".into(),
        "/index.html%00.css".into(),
        "/over%00/".into(),
        "/%00".into(),
        "/over/\0".into(),
        "/%ff".into(),
        long("a", 100_000, ""),
        long("../", 20_000, "secret.txt"),
        long("%2e%2e%2f", 10_000, "secret.txt"),
        format!("/over{}", "/".repeat(50_000)),
    ];
    for path in &paths {
        let shown = &path[..path.len().min(40)];
        let (status, _, body) = get(&server.addr, path);
        // 431: a path of 64 KB or more makes the request head too large.
        assert!(matches!(status, 400 | 404 | 431), "{shown}: {status}");
        assert!(
            !body.contains("SECRET-OUTSIDE") && !body.contains("title: Testsite"),
            "{shown} served a file from outside the output"
        );
    }
    assert_eq!(get(&server.addr, "/").0, 200, "still serving");
}

fn status_of(addr: &str) -> serde_json::Value {
    serde_json::from_str(&get(addr, "/__ritme/status").2).unwrap()
}

/// Every file of a clean build of the site is served with the same bytes
/// (pages with the live-reload script added before `</body>`).
fn serves_what_a_clean_build_holds(site: &TestSite, addr: &str, round: &str) {
    let clean = site.clean_build(&format!("clean-{round}"));
    for (path, bytes) in tree(&clean) {
        if path == ".ritme-output" {
            continue;
        }
        let want = String::from_utf8_lossy(&bytes).into_owned();
        let (status, _, got) = get(addr, &format!("/{path}"));
        assert_eq!(status, 200, "{round}: /{path}");
        match want.rfind("</body>") {
            Some(i) if path.ends_with(".html") => assert!(
                got.starts_with(&want[..i]) && got.ends_with(&want[i..]),
                "{round}: /{path} differs from a clean build"
            ),
            _ => assert!(got == want, "{round}: /{path} differs from a clean build"),
        }
    }
}

#[test]
fn rebuilds_render_only_what_changed_and_serve_what_a_clean_build_would() {
    let site = TestSite::example();
    let server = serve(&site);
    let total = status_of(&server.addr)["pages"].as_u64().unwrap();
    assert_eq!(status_of(&server.addr)["rendered"].as_u64(), Some(total));

    let page = "pages/over-ritme.md";
    site.write(page, &format!("{}\nEen zin erbij.\n", site.read(page)));
    eventually("the edit is served", || {
        get(&server.addr, "/over-ritme/").2.contains("Een zin erbij.")
    });
    assert_eq!(
        status_of(&server.addr)["rendered"].as_u64(),
        Some(1),
        "only the edited page"
    );
    serves_what_a_clean_build_holds(&site, &server.addr, "page");

    // A week's counts reach charts on many pages; a story's text a few.
    let log = tree(&site.site())
        .into_keys()
        .rfind(|p| p.starts_with("data/logs/") && p.ends_with(".yaml"))
        .unwrap();
    site.write(&log, &site.read(&log).replacen(": 1\n", ": 3\n", 1));
    let story = "stories/offertes-nabellen-zuid.md";
    site.write(
        story,
        &site
            .read(story)
            .replacen("\n\n", "\n\nEen nieuwe eerste alinea.\n\n", 1),
    );
    eventually("both edits are served", || {
        get(&server.addr, "/stories/offertes-nabellen-zuid/")
            .2
            .contains("Een nieuwe eerste alinea.")
            && status_of(&server.addr)["errors"] == serde_json::json!([])
    });
    serves_what_a_clean_build_holds(&site, &server.addr, "data");
}

#[test]
fn after_a_body_edit_the_search_index_is_made_when_asked_for_and_is_a_clean_builds() {
    // Named: nothing for the leak check to read, so the index waits for a request.
    let site = TestSite::example();
    site.write(
        "ritme.yaml",
        &site.read("ritme.yaml").replacen("mode: aggregate", "mode: named", 1),
    );
    let server = serve(&site);
    let page = "pages/over-ritme.md";
    site.write(page, &format!("{}\nEen zin erbij over zoekwoorden.\n", site.read(page)));
    eventually("the edit is served", || {
        get(&server.addr, "/over-ritme/")
            .2
            .contains("Een zin erbij over zoekwoorden.")
    });
    assert_eq!(
        status_of(&server.addr)["rendered"].as_u64(),
        Some(1),
        "only the edited page"
    );
    let (status, _, index) = get(&server.addr, "/assets/search-index.js");
    assert_eq!(status, 200);
    assert!(index.contains("zoekwoord"), "the index holds the new word's stem");
    serves_what_a_clean_build_holds(&site, &server.addr, "body edit");
}

/// The port of `addr` (`127.0.0.1:PORT`).
fn port_of(addr: &str) -> &str {
    addr.rsplit(':').next().unwrap()
}

#[test]
fn only_requests_for_this_servers_own_name_are_answered() {
    let site = TestSite::fixture("minimal");
    let server = serve(&site);
    let port = port_of(&server.addr);
    let with_host = |host: &str| {
        send(
            &server.addr,
            &format!("GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"),
        )
    };
    for ok in [
        format!("localhost:{port}"),
        format!("127.0.0.1:{port}"),
        format!("127.0.0.2:{port}"),
    ] {
        let (status, _, body) = with_host(&ok);
        assert_eq!(status, 200, "{ok}");
        assert!(body.contains("<html"), "{ok}");
    }
    // DNS rebinding: another site's name pointed at 127.0.0.1.
    for foreign in [
        format!("evil.example:{port}"),
        format!("localhost.evil.example:{port}"),
        "localhost:1".into(),
    ] {
        let (status, _, body) = with_host(&foreign);
        assert_eq!(status, 421, "{foreign}");
        assert!(!body.contains("<html"), "{foreign} got the site");
    }
    let (status, ..) = send(&server.addr, "GET / HTTP/1.1\r\nConnection: close\r\n\r\n");
    assert_eq!(status, 400, "no Host");
    let (status, ..) = send(
        &server.addr,
        &format!("GET http://evil.example:{port}/ HTTP/1.1\r\nHost: localhost:{port}\r\nConnection: close\r\n\r\n"),
    );
    assert_eq!(status, 421, "an absolute URL names the host too");
}

/// Sends `head` and reads what comes back until the server closes the
/// connection or `wait` passes: the status.
fn send_and_wait(addr: &str, head: &[u8], wait: Duration) -> u16 {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(wait)).unwrap();
    // The server may answer and close before all of a huge head is written.
    let _ = stream.write_all(head);
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    let text = String::from_utf8_lossy(&raw);
    text.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0)
}

#[test]
fn a_head_over_64_kb_is_refused_with_431_without_reading_it_whole() {
    let site = TestSite::fixture("minimal");
    let server = serve(&site);
    let started = Instant::now();
    let mut head = format!("GET / HTTP/1.1\r\nHost: {}\r\nX-Big: ", server.addr).into_bytes();
    head.extend(std::iter::repeat_n(b'a', 2 * 1024 * 1024));
    head.extend_from_slice(b"\r\n\r\n");
    assert_eq!(send_and_wait(&server.addr, &head, Duration::from_secs(10)), 431);
    // Many headers that add up to more than the limit, too.
    let mut many = format!("GET / HTTP/1.1\r\nHost: {}\r\n", server.addr);
    for i in 0..90 {
        many.push_str(&format!("X-H{i}: {}\r\n", "b".repeat(1000)));
    }
    many.push_str("\r\n");
    assert_eq!(
        send_and_wait(&server.addr, many.as_bytes(), Duration::from_secs(10)),
        431
    );
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
    assert_eq!(get(&server.addr, "/").0, 200, "still serving");
}

#[test]
fn stalled_clients_do_not_keep_others_waiting_and_are_let_go() {
    let site = TestSite::fixture("minimal");
    let server = serve_with(&site, &[("RITME_SERVE_TIMEOUT_MS", "1500")]);
    let addr = server.addr.clone();
    let open = |text: String| {
        let mut s = TcpStream::connect(&addr).unwrap();
        s.write_all(text.as_bytes()).unwrap();
        s
    };
    // Two that never finish their head, two that announce a body and never
    // send it, one that says nothing at all, one that keeps a connection
    // open after a first request.
    let mut stalled = [
        open(format!("GET / HTTP/1.1\r\nHost: {addr}\r\nX-Slow: ")),
        open("GET /over/ HTTP/1.1\r\n".into()),
        open(format!(
            "POST / HTTP/1.1\r\nHost: {addr}\r\nContent-Length: 100000\r\n\r\n"
        )),
        open(format!(
            "GET / HTTP/1.1\r\nHost: {addr}\r\nContent-Length: 100000\r\n\r\nabc"
        )),
        open(String::new()),
        open(format!("GET / HTTP/1.1\r\nHost: {addr}\r\n\r\n")),
    ];
    for round in 0..10 {
        let started = Instant::now();
        let (status, _, body) = get(&addr, "/");
        assert_eq!(status, 200, "round {round}");
        assert!(body.contains("<html"));
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "round {round}: {:?}",
            started.elapsed()
        );
    }
    // Each stalled connection is closed by the server once the timeout has passed.
    let started = Instant::now();
    for (i, s) in stalled.iter_mut().enumerate() {
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let mut sink = Vec::new();
        let _ = s.read_to_end(&mut sink);
        assert!(
            started.elapsed() < Duration::from_secs(8),
            "connection {i} was kept open"
        );
    }
}
