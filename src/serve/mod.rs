//! `ritme serve`: builds in memory, serves on loopback, rebuilds on every
//! change and reloads open browsers. A failed rebuild keeps the last good
//! site online and shows its errors in the terminal and over the page.

pub mod http;
pub mod reload;
mod watch;

use std::collections::{BTreeMap, HashMap};
use std::io::Write as _;
use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use tiny_http::{Header, Method, Response, Server};

use crate::pipeline::{self, Error};
use reload::{Next, Signal, Stream};

pub struct Options {
    pub site: PathBuf,
    pub bind: IpAddr,
    /// 0 picks a free port.
    pub port: u16,
    pub open: bool,
}

/// The site being served: the last good build, if any, and the last
/// build's errors.
#[derive(Default)]
struct State {
    files: Option<BTreeMap<String, Vec<u8>>>,
    /// Each page's key in `files`: the next build renders only pages whose
    /// key changed and takes the others from `files`.
    keys: HashMap<String, u64>,
    /// Pages the last good build rendered, and all its pages.
    rendered: usize,
    pages: usize,
    errors: Vec<String>,
}

const WORKERS: usize = 4;

/// How long an event stream stays silent before a comment is written to it.
/// `RITME_SERVE_HEARTBEAT_MS` shortens it for the tests that check closed
/// tabs are noticed.
fn heartbeat() -> Duration {
    std::env::var("RITME_SERVE_HEARTBEAT_MS")
        .ok()
        .and_then(|ms| ms.parse().ok())
        .map_or(Duration::from_secs(15), |ms: u64| Duration::from_millis(ms.max(10)))
}

pub fn run(opts: Options) -> anyhow::Result<()> {
    let state = Arc::new(RwLock::new(State::default()));
    let signal = Arc::new(Signal::default());
    rebuild(&opts.site, &state, &signal);

    let server = Arc::new(
        Server::http((opts.bind, opts.port))
            .map_err(|e| anyhow::anyhow!("cannot listen on {}:{}: {e}", opts.bind, opts.port))?,
    );
    let addr = server.server_addr().to_ip().context("the server has no IP address")?;
    if !opts.bind.is_loopback() {
        eprintln!(
            "warning: serving on {} makes the site (and its people's data) reachable from other machines",
            opts.bind
        );
    }
    // Watch before announcing the address: whoever reads it may edit at once.
    let _watcher = watch::watch(&opts.site, {
        let (site, state, signal) = (opts.site.clone(), state.clone(), signal.clone());
        move || rebuild(&site, &state, &signal)
    })?;

    let url = format!("http://{addr}/");
    println!("Serving {} at {url} (Ctrl-C to stop)", opts.site.display());
    if opts.open {
        open_browser(&url);
    }

    let heartbeat = heartbeat();
    let workers: Vec<_> = (0..WORKERS)
        .map(|_| {
            let (server, state, signal) = (server.clone(), state.clone(), signal.clone());
            std::thread::spawn(move || {
                while let Ok(request) = server.recv() {
                    handle(request, &state, &signal, heartbeat);
                }
            })
        })
        .collect();
    for w in workers {
        let _ = w.join();
    }
    Ok(())
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("static header names and values are valid")
}

fn handle(request: tiny_http::Request, state: &RwLock<State>, signal: &Arc<Signal>, heartbeat: Duration) {
    let url = request.url().to_string();
    let no_store = header("Cache-Control", "no-store");
    // Answering a POST with the page would hide a form or script that posts
    // here by mistake until the site is deployed somewhere that refuses it.
    if !matches!(request.method(), Method::Get | Method::Head) {
        let _ = request.respond(
            Response::from_string("Method Not Allowed\n")
                .with_status_code(405)
                .with_header(header("Allow", "GET, HEAD"))
                .with_header(header("Content-Type", "text/plain; charset=utf-8"))
                .with_header(no_store),
        );
        return;
    }
    if url.starts_with("/__ritme/events") && *request.method() == Method::Head {
        // tiny_http leaves out the body of a HEAD reply; a stream has none
        // to leave out, so say what a GET would get and stop.
        let _ = request.respond(
            Response::empty(200)
                .with_header(header("Content-Type", "text/event-stream"))
                .with_header(no_store),
        );
        return;
    }
    if url.starts_with("/__ritme/events") {
        let page = url
            .split_once('?')
            .and_then(|(_, q)| q.split('&').find_map(|kv| kv.strip_prefix("v=")))
            .and_then(|v| v.parse().ok());
        stream_events(request, Stream::open(signal.clone(), page), heartbeat);
        return;
    }
    let state = state.read().unwrap_or_else(|e| e.into_inner());
    if url.starts_with("/__ritme/status") {
        let body = serde_json::json!({
            "errors": state.errors,
            "streams": signal.open_streams(),
            "pages": state.pages,
            "rendered": state.rendered,
        })
        .to_string();
        let _ = request.respond(
            Response::from_data(body)
                .with_header(header("Content-Type", "application/json"))
                .with_header(no_store),
        );
        return;
    }
    // Read under the lock: the page then never claims a newer build than
    // its content, at worst an older one, which costs one extra reload.
    let script = reload::script(signal.current());
    let reply = match &state.files {
        Some(files) => http::reply(&url, files, &script),
        None => not_built(&url, &state.errors, &script),
    };
    drop(state);
    let mut response = Response::from_data(reply.body)
        .with_status_code(reply.status)
        .with_header(header("Content-Type", reply.content_type))
        .with_header(no_store);
    if let Some(location) = reply.location {
        response.add_header(header("Location", &location));
    }
    let _ = request.respond(response);
}

/// Runs one browser's event stream on a thread of its own, as it stays open
/// as long as the page. It is written to the socket directly so that each
/// event leaves at once (a response body would be buffered).
fn stream_events(request: tiny_http::Request, mut stream: Stream, heartbeat: Duration) {
    // Chunked on HTTP/1.1 so that an evicted stream can be ended: tiny_http
    // keeps a keep-alive socket open for the next request after our writer
    // is dropped, and the browser would wait on a silent stream for ever.
    // The last chunk ends the response instead, and the browser reconnects.
    let chunked = *request.http_version() == (1, 1);
    std::thread::spawn(move || {
        let mut out = request.into_writer();
        let framing = if chunked {
            "Transfer-Encoding: chunked"
        } else {
            "Connection: close"
        };
        let head = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\n{framing}\r\n\r\n"
        );
        if out.write_all(head.as_bytes()).is_err() {
            return;
        }
        // An evicted tab or a restarted server should cost a page half a
        // second before it reconnects, not the browser's default seconds.
        let mut text = "retry: 500\n\n";
        loop {
            if send_event(&mut out, chunked, text).is_err() {
                return;
            }
            text = match stream.next(heartbeat) {
                Next::Reload => "data: reload\n\n",
                Next::Ping => ": ping\n\n",
                Next::Evicted => {
                    if chunked {
                        let _ = out.write_all(b"0\r\n\r\n").and_then(|()| out.flush());
                    }
                    return;
                }
            };
        }
    });
}

fn send_event(out: &mut impl std::io::Write, chunked: bool, text: &str) -> std::io::Result<()> {
    if chunked {
        write!(out, "{:x}\r\n{text}\r\n", text.len())?;
    } else {
        out.write_all(text.as_bytes())?;
    }
    out.flush()
}

/// The reply while no build has succeeded yet: 503, as the site is not
/// there but will be. Pages get the errors with the live-reload script, so
/// the save that fixes them brings the browser into the site.
fn not_built(url: &str, errors: &[String], script: &str) -> http::Reply {
    let page = http::file_for(url).is_none_or(|p| {
        let name = p.rsplit('/').next().unwrap_or_default();
        !name.contains('.') || http::content_type(&p).starts_with("text/html")
    });
    let (content_type, body) = if page {
        let list = crate::charts::escape(&errors.join("\n")).into_owned();
        let html = format!(
            r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>ritme: the site does not build</title>
<style>body{{margin:0;background:#2b1111;color:#fff;font:15px/1.5 system-ui,sans-serif}}main{{max-width:60rem;margin:0 auto;padding:2rem 1.5rem}}pre{{font:14px/1.5 monospace;white-space:pre-wrap;overflow-wrap:anywhere}}</style>
</head><body><main id="ritme-build-errors">
<h1>The site does not build yet</h1>
<p>Fix these problems and save; this page reloads by itself.</p>
<pre>{list}</pre>
</main>
{script}</body></html>
"#
        );
        ("text/html; charset=utf-8", html)
    } else {
        (
            "text/plain; charset=utf-8",
            format!("The site does not build yet:\n{}\n", errors.join("\n")),
        )
    };
    http::Reply {
        status: 503,
        content_type,
        body: body.into_bytes(),
        location: None,
    }
}

/// Builds the site; a good build replaces the served one, a failed build
/// keeps it and records the errors. Either way open pages are told.
fn rebuild(site: &std::path::Path, state: &RwLock<State>, signal: &Signal) {
    let started = Instant::now();
    let previous = {
        let s = state.read().unwrap_or_else(|e| e.into_inner());
        // The content hash is the writer's business; in memory any will do.
        let pages = s.keys.iter().map(|(route, key)| (route.clone(), (*key, 0))).collect();
        crate::cache::Previous { pages }
    };
    let opts = pipeline::Options {
        site: site.to_path_buf(),
        previous,
        ..Default::default()
    };
    let result = pipeline::build(&opts);
    let took = started.elapsed().as_secs_f64() * 1000.0;
    let mut s = state.write().unwrap_or_else(|e| e.into_inner());
    match result {
        Ok(built) => {
            let mut old = s.files.take().unwrap_or_default();
            let mut files: BTreeMap<String, Vec<u8>> = built.files.into_iter().map(|f| (f.path, f.bytes)).collect();
            for k in &built.kept {
                // Only this thread changes `files`, and it held every kept page.
                if let Some(bytes) = old.remove(&k.path) {
                    files.insert(k.path.clone(), bytes);
                }
            }
            s.files = Some(files);
            s.keys = built.keys.into_iter().collect();
            s.rendered = built.rendered;
            s.pages = built.pages;
            s.errors.clear();
            println!(
                "Built {} pages in {took:.0} ms ({} rendered, {} unchanged)",
                built.pages,
                built.rendered,
                built.kept.len()
            );
        }
        Err(Error::Input(diags)) => {
            s.errors = diags.iter().filter(|d| d.is_error()).map(|d| d.to_string()).collect();
            eprintln!("Build failed in {took:.0} ms; still serving the last good version:");
            for d in &diags {
                eprintln!("{d}");
            }
        }
        Err(Error::Internal(e)) => {
            s.errors = vec![format!("internal error: {e:#}")];
            eprintln!("internal error: {e:#}");
        }
    }
    drop(s);
    signal.bump();
}

/// Opens `url` in the desktop's browser. Where there is no desktop (Linux
/// without `DISPLAY` or `WAYLAND_DISPLAY`: over SSH, in a container, on CI)
/// or the opener fails, says where to open the page instead; serving goes on
/// either way. The opener's own output is silenced: on a machine without a
/// desktop it would fall back to a text browser in this terminal.
fn open_browser(url: &str) {
    let no_browser = move |why: &str| eprintln!("note: {why}; open {url} in a browser on this machine");
    let desktop = |var| std::env::var_os(var).is_some_and(|v| !v.is_empty());
    if cfg!(all(unix, not(target_os = "macos"))) && !desktop("DISPLAY") && !desktop("WAYLAND_DISPLAY") {
        no_browser("no desktop to open a browser on");
        return;
    }
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    let spawned = std::process::Command::new(opener)
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    match spawned {
        Err(_) => no_browser(&format!("could not run {opener}")),
        Ok(mut child) => {
            let url = url.to_string();
            std::thread::spawn(move || {
                // Explorer exits with 1 even when it opened the page.
                if !cfg!(windows) && !child.wait().is_ok_and(|s| s.success()) {
                    eprintln!("note: {opener} could not open a browser; open {url} in a browser on this machine");
                }
            });
        }
    }
}
