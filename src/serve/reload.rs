//! Live reload: a tiny script injected into served pages (never into built
//! files) listens to Server-Sent Events and reloads the page after each
//! rebuild; when the last rebuild failed it shows the errors over the page.

use std::io::Read;
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

/// Rebuild counter shared between the builder and the event streams.
#[derive(Default)]
pub struct Signal {
    version: Mutex<u64>,
    changed: Condvar,
}

impl Signal {
    pub fn bump(&self) {
        let mut v = self.version.lock().unwrap_or_else(|e| e.into_inner());
        *v += 1;
        self.changed.notify_all();
    }

    pub fn current(&self) -> u64 {
        *self.version.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Waits until the version moves past `seen` or `timeout` passes.
    fn wait_past(&self, seen: u64, timeout: Duration) -> u64 {
        let guard = self.version.lock().unwrap_or_else(|e| e.into_inner());
        let (guard, _) = self
            .changed
            .wait_timeout_while(guard, timeout, |v| *v == seen)
            .unwrap_or_else(|e| e.into_inner());
        *guard
    }
}

/// An endless event stream for one browser: `reload` after every rebuild,
/// a comment every 15 s so that proxies and browsers keep it open.
pub struct Events {
    signal: Arc<Signal>,
    seen: u64,
    pending: Vec<u8>,
}

impl Events {
    pub fn new(signal: Arc<Signal>) -> Self {
        let seen = signal.current();
        Events {
            signal,
            seen,
            pending: b"retry: 500\n\n".to_vec(),
        }
    }
}

impl Read for Events {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.pending.is_empty() {
            let now = self.signal.wait_past(self.seen, Duration::from_secs(15));
            self.pending = if now != self.seen {
                self.seen = now;
                b"data: reload\n\n".to_vec()
            } else {
                b": ping\n\n".to_vec()
            };
        }
        let n = buf.len().min(self.pending.len());
        buf[..n].copy_from_slice(&self.pending[..n]);
        self.pending.drain(..n);
        Ok(n)
    }
}

/// The script served pages get before `</body>`.
pub const SCRIPT: &str = r#"<script id="ritme-live-reload">
(function () {
  var box;
  function show(errors) {
    if (box) { box.remove(); box = null; }
    if (!errors || errors.length === 0) return;
    box = document.createElement("div");
    box.setAttribute("role", "alert");
    box.style.cssText = "position:fixed;inset:auto 1rem 1rem 1rem;max-height:60vh;overflow:auto;z-index:9999;background:#2b1111;color:#fff;font:14px/1.5 monospace;padding:1rem 1.2rem;border-radius:10px;box-shadow:0 10px 40px rgba(0,0,0,.4);white-space:pre-wrap";
    var h = document.createElement("strong");
    h.textContent = "ritme: the last change did not build; this is the last good version.\n\n";
    box.appendChild(h);
    box.appendChild(document.createTextNode(errors.join("\n")));
    document.body.appendChild(box);
  }
  function status() {
    fetch("/__ritme/status").then(function (r) { return r.json(); }).then(function (s) { show(s.errors); }).catch(function () {});
  }
  // The page of a site that never built lists the errors itself.
  if (!document.getElementById("ritme-build-errors")) status();
  var events = new EventSource("/__ritme/events");
  events.onmessage = function (e) { if (e.data === "reload") location.reload(); };
})();
</script>
"#;
