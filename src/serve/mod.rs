//! `ritme serve`: builds in memory, serves on loopback, rebuilds on every
//! change and reloads open browsers. A failed rebuild keeps the last good
//! site online and shows its errors in the terminal and over the page.

pub mod http;
pub mod reload;
mod watch;

use std::collections::{BTreeMap, HashMap};
use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use bytes::Bytes;
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt as _, Full};
use hyper::body::{Frame, Incoming};
use hyper::header::HeaderValue;
use hyper::{Method, Request, Response, StatusCode};

use crate::pipeline::{self, Error};
use reload::{Next, Signal, Stream};

// As in the command line: a closed stdout or stderr (`ritme serve | head`)
// must not panic the builder thread; lines nobody reads are dropped.
macro_rules! println {
    ($($arg:tt)*) => {{
        let _ = std::io::Write::write_fmt(&mut std::io::stdout(), format_args!("{}\n", format_args!($($arg)*)));
    }};
}
macro_rules! eprintln {
    ($($arg:tt)*) => {{
        let _ = std::io::Write::write_fmt(&mut std::io::stderr(), format_args!("{}\n", format_args!($($arg)*)));
    }};
}

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
    /// Files of the served build made only when first asked for.
    pending: Option<Arc<Pending>>,
}

/// Files a build left to be made when asked for (the search index after a
/// body edit): the edited page is served without waiting for them, and a
/// request for one waits until they are made, so none is ever stale.
struct Pending {
    paths: std::collections::BTreeSet<String>,
    make: std::sync::Mutex<Option<pipeline::Deferred>>,
    made: std::sync::OnceLock<BTreeMap<String, Vec<u8>>>,
}

impl Pending {
    fn new(deferred: pipeline::Deferred) -> Self {
        Pending {
            paths: deferred.paths.iter().cloned().collect(),
            make: std::sync::Mutex::new(Some(deferred)),
            made: std::sync::OnceLock::new(),
        }
    }

    fn files(&self) -> &BTreeMap<String, Vec<u8>> {
        self.made.get_or_init(|| {
            let deferred = self.make.lock().unwrap_or_else(|e| e.into_inner()).take();
            deferred
                .map(|d| d.make().into_iter().map(|f| (f.path, f.bytes)).collect())
                .unwrap_or_default()
        })
    }
}

/// How long a connection may take to send a request's head, and stay
/// silent between requests; a write that makes no progress for this long
/// ends the connection too. `RITME_SERVE_TIMEOUT_MS` shortens it for tests.
fn timeout() -> Duration {
    std::env::var("RITME_SERVE_TIMEOUT_MS")
        .ok()
        .and_then(|ms| ms.parse().ok())
        .map_or(Duration::from_secs(10), |ms: u64| Duration::from_millis(ms.max(10)))
}

/// The largest request head (request line and headers) read; a larger one
/// is answered 431 once this much has arrived, never read whole.
pub const MAX_HEAD: usize = 64 * 1024;

/// How long an event stream stays silent before a comment is written to it.
/// `RITME_SERVE_HEARTBEAT_MS` shortens it for the tests that check closed
/// tabs are noticed.
fn heartbeat() -> Duration {
    std::env::var("RITME_SERVE_HEARTBEAT_MS")
        .ok()
        .and_then(|ms| ms.parse().ok())
        .map_or(Duration::from_secs(15), |ms: u64| Duration::from_millis(ms.max(10)))
}

/// What every connection shares.
struct Shared {
    state: Arc<RwLock<State>>,
    signal: Arc<Signal>,
    heartbeat: Duration,
    bound: SocketAddr,
}

pub fn run(opts: Options) -> anyhow::Result<()> {
    let state = Arc::new(RwLock::new(State::default()));
    let signal = Arc::new(Signal::default());
    let mut memo = crate::memo::Memo::new();
    rebuild(&opts.site, &state, &signal, &mut memo);

    // Two workers: the machine's cores are the builder's; a dev server
    // waits on sockets, and each connection is a task, so a stalled client
    // holds no thread.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the server's runtime")?;
    runtime.block_on(serve(opts, state, signal, memo))
}

async fn serve(
    opts: Options,
    state: Arc<RwLock<State>>,
    signal: Arc<Signal>,
    mut memo: crate::memo::Memo,
) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind((opts.bind, opts.port))
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {}:{}: {e}", opts.bind, opts.port))?;
    let bound = listener.local_addr().context("the server has no address")?;
    if !opts.bind.is_loopback() {
        eprintln!(
            "warning: serving on {} makes the site (and its people's data) reachable from other machines",
            opts.bind
        );
    }
    // Watch before announcing the address: whoever reads it may edit at once.
    let _watcher = watch::watch(&opts.site, {
        let (site, state, signal) = (opts.site.clone(), state.clone(), signal.clone());
        move |changed| {
            memo.files.mark_dirty(changed);
            rebuild(&site, &state, &signal, &mut memo)
        }
    })?;

    let url = format!("http://{bound}/");
    println!("Serving {} at {url} (Ctrl-C to stop)", opts.site.display());
    if opts.open {
        open_browser(&url);
    }

    let shared = Arc::new(Shared {
        state,
        signal,
        heartbeat: heartbeat(),
        bound,
    });
    let timeout = timeout();
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            // Out of file descriptors, say: wait for connections to end
            // rather than spin.
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let shared = shared.clone();
        tokio::spawn(async move {
            let mut stream = tokio_io_timeout::TimeoutStream::new(stream);
            // Reads are timed by hyper (the head, and the wait for the next
            // one); a read timeout here would also end event streams, whose
            // browsers rightly send nothing.
            stream.set_write_timeout(Some(timeout));
            let io = hyper_util::rt::TokioIo::new(Box::pin(stream));
            let service = hyper::service::service_fn(move |req| {
                let shared = shared.clone();
                async move { Ok::<_, Infallible>(handle(&req, &shared)) }
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .timer(hyper_util::rt::TokioTimer::new())
                .header_read_timeout(timeout)
                .max_buf_size(MAX_HEAD)
                .max_header_size(MAX_HEAD)
                .serve_connection(io, service)
                .await;
        });
    }
}

type Body = BoxBody<Bytes, Infallible>;

fn full(body: impl Into<Bytes>) -> Body {
    Full::new(body.into()).boxed()
}

fn plain(status: u16, text: &'static str) -> Response<Body> {
    let mut r = Response::new(full(text));
    *r.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    set(&mut r, "content-type", "text/plain; charset=utf-8");
    set(&mut r, "cache-control", "no-store");
    r
}

fn set(r: &mut Response<Body>, name: &'static str, value: &str) {
    if let Ok(v) = HeaderValue::from_str(value) {
        r.headers_mut().insert(name, v);
    }
}

fn handle(request: &Request<Incoming>, shared: &Shared) -> Response<Body> {
    let mut response = answer(request, shared);
    // A request that carries a body is answered without reading it; the
    // connection then ends, so a body that never comes holds nothing.
    let has_body = request.headers().contains_key("transfer-encoding")
        || request
            .headers()
            .get("content-length")
            .is_some_and(|v| v.as_bytes() != b"0");
    if has_body {
        set(&mut response, "connection", "close");
    }
    response
}

fn answer(request: &Request<Incoming>, shared: &Shared) -> Response<Body> {
    let host = match request.uri().authority() {
        Some(authority) => Some(authority.as_str()),
        None => request.headers().get("host").and_then(|h| h.to_str().ok()),
    };
    match http::check_host(host, shared.bound) {
        Ok(()) => {}
        Err(http::HostRefusal::Malformed) => return plain(400, "Bad Request: no valid Host header\n"),
        Err(http::HostRefusal::Foreign) => {
            return plain(
                421,
                "Misdirected Request: this server answers only for its own address\n",
            );
        }
    }
    let url = request
        .uri()
        .path_and_query()
        .map_or("/".to_string(), |p| p.as_str().to_string());
    // Answering a POST with the page would hide a form or script that posts
    // here by mistake until the site is deployed somewhere that refuses it.
    if !matches!(*request.method(), Method::GET | Method::HEAD) {
        let mut r = plain(405, "Method Not Allowed\n");
        set(&mut r, "allow", "GET, HEAD");
        return r;
    }
    if url.starts_with("/__ritme/events") {
        let mut r = if *request.method() == Method::HEAD {
            Response::new(full(Bytes::new()))
        } else {
            let page = url
                .split_once('?')
                .and_then(|(_, q)| q.split('&').find_map(|kv| kv.strip_prefix("v=")))
                .and_then(|v| v.parse().ok());
            Response::new(events(Stream::open(shared.signal.clone(), page), shared.heartbeat))
        };
        set(&mut r, "content-type", "text/event-stream");
        set(&mut r, "cache-control", "no-store");
        return r;
    }
    let state = shared.state.read().unwrap_or_else(|e| e.into_inner());
    if url.starts_with("/__ritme/status") {
        let body = serde_json::json!({
            "errors": state.errors,
            "streams": shared.signal.open_streams(),
            "pages": state.pages,
            "rendered": state.rendered,
        })
        .to_string();
        let mut r = Response::new(full(body));
        set(&mut r, "content-type", "application/json");
        set(&mut r, "cache-control", "no-store");
        return r;
    }
    // Read under the lock: the page then never claims a newer build than
    // its content, at worst an older one, which costs one extra reload.
    let script = reload::script(shared.signal.current());
    let pending = state
        .pending
        .clone()
        .filter(|p| http::file_for(&url).is_some_and(|f| p.paths.contains(&f)));
    let reply = match (&state.files, pending) {
        (Some(_), Some(pending)) => {
            // Made outside the lock: a rebuild need not wait for it.
            drop(state);
            http::reply(&url, pending.files(), &script)
        }
        (Some(files), None) => http::reply(&url, files, &script),
        (None, _) => not_built(&url, &state.errors, &script),
    };
    let mut r = Response::new(full(reply.body));
    *r.status_mut() = StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    set(&mut r, "content-type", reply.content_type);
    set(&mut r, "cache-control", "no-store");
    if let Some(location) = reply.location {
        set(&mut r, "location", &location);
    }
    r
}

/// One browser's event stream. The stream waits on the rebuild signal, a
/// blocking wait, so it runs on a blocking thread and hands each event to
/// the connection; it ends when the browser has gone (the connection drops
/// the body, and the next send fails) or when it is evicted (the body then
/// ends, and the browser reconnects).
fn events(mut stream: Stream, heartbeat: Duration) -> Body {
    let (tx, rx) = tokio::sync::mpsc::channel::<Bytes>(4);
    tokio::task::spawn_blocking(move || {
        // An evicted tab or a restarted server should cost a page half a
        // second before it reconnects, not the browser's default seconds.
        let mut text = "retry: 500\n\n";
        loop {
            if tx.blocking_send(Bytes::from_static(text.as_bytes())).is_err() {
                return;
            }
            text = match stream.next(heartbeat) {
                Next::Reload => "data: reload\n\n",
                Next::Ping => ": ping\n\n",
                Next::Evicted => return,
            };
        }
    });
    BoxBody::new(EventBody(rx))
}

struct EventBody(tokio::sync::mpsc::Receiver<Bytes>);

impl hyper::body::Body for EventBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        self.0.poll_recv(cx).map(|event| event.map(|b| Ok(Frame::data(b))))
    }
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
fn rebuild(site: &std::path::Path, state: &RwLock<State>, signal: &Signal, memo: &mut crate::memo::Memo) {
    let started = Instant::now();
    let previous = {
        let s = state.read().unwrap_or_else(|e| e.into_inner());
        // The content hash is the writer's business; in memory any will do.
        let pages = s.keys.iter().map(|(route, key)| (route.clone(), (*key, 0))).collect();
        crate::cache::Previous {
            pages,
            ..Default::default()
        }
    };
    let opts = pipeline::Options {
        site: site.to_path_buf(),
        previous,
        ..Default::default()
    };
    let result = pipeline::build_incremental(&opts, memo);
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
            s.pending = built.deferred.map(|d| Arc::new(Pending::new(d)));
            s.keys = built.keys.into_iter().collect();
            s.rendered = built.rendered;
            s.pages = built.pages;
            s.errors.clear();
            println!(
                "Built {} pages in {took:.0} ms ({} rendered, {} unchanged)",
                built.pages,
                built.rendered,
                built.pages - built.rendered
            );
            if std::env::var_os("RITME_TIMINGS").is_some() {
                let c = memo.counts();
                println!(
                    "  {} files read, {} Markdown documents rendered, data {}, metrics {} ({} people, {} weeks and {} months decided, {} people's data health), data pages {} ({} views), {} charts drawn",
                    c.files_read,
                    c.markdown_rendered,
                    match (c.data_loaded, c.data_patched) {
                        (false, _) => "kept",
                        (true, true) => "patched",
                        (true, false) => "loaded",
                    },
                    if c.metrics_computed { "computed" } else { "kept" },
                    c.people_computed,
                    c.weeks_decided,
                    c.months_decided,
                    c.health_assessed,
                    if c.data_pages_drawn { "drawn" } else { "kept" },
                    c.data_views_built,
                    c.charts_drawn
                );
                for (stage, t) in &built.timings {
                    println!("  {stage:<12} {:>7.1} ms", t.as_secs_f64() * 1000.0);
                }
            }
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
