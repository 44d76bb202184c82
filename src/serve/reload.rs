//! Live reload: a tiny script injected into served pages (never into built
//! files) listens to Server-Sent Events and reloads the page after each
//! rebuild; when the last rebuild failed it shows the errors over the page.

use std::collections::VecDeque;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Duration;

/// Open event streams at most. Beyond it the oldest is ended rather than the
/// newest refused: a browser gives up for good on a refused `EventSource`
/// (any status but 200), so refusing would break the tab that was just
/// opened, the one being looked at, while the slots may be held by tabs
/// closed moments ago whose sockets are not yet known dead. An ended stream
/// is reopened by its browser after the `retry` delay, and the version in its
/// URL tells the server whether it missed a rebuild meanwhile, so a live tab
/// that was ended loses nothing. Should more tabs than this be open and
/// alive, they take turns: each reconnect ends the then oldest, one request
/// every half second.
pub const MAX_STREAMS: usize = 64;

/// Rebuild counter and open streams, shared between the builder and the
/// event streams.
#[derive(Default)]
pub struct Signal {
    inner: Mutex<Inner>,
    changed: Condvar,
}

#[derive(Default)]
struct Inner {
    version: u64,
    next_stream: u64,
    /// Open streams, oldest first.
    open: VecDeque<u64>,
}

impl Signal {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn bump(&self) {
        self.lock().version += 1;
        self.changed.notify_all();
    }

    pub fn current(&self) -> u64 {
        self.lock().version
    }

    pub fn open_streams(&self) -> usize {
        self.lock().open.len()
    }
}

/// What a stream sends next.
#[derive(Debug, PartialEq, Eq)]
pub enum Next {
    Reload,
    /// Nothing happened for a while. Writing a comment then is how a closed
    /// tab is noticed, as its thread only wakes to write: the first write
    /// after the peer has gone draws a reset, the second fails, so a closed
    /// tab's stream ends within two heartbeats.
    Ping,
    /// Ended to make room for a newer stream.
    Evicted,
}

/// One browser's event stream; counted as open until dropped.
pub struct Stream {
    signal: Arc<Signal>,
    id: u64,
    seen: u64,
}

impl Stream {
    /// Opens a stream for a page that was served at version `page` (if it
    /// says): a rebuild between serving the page and opening the stream
    /// then still reloads it.
    pub fn open(signal: Arc<Signal>, page: Option<u64>) -> Self {
        let mut inner = signal.lock();
        let id = inner.next_stream;
        inner.next_stream += 1;
        inner.open.push_back(id);
        let mut evicted = false;
        while inner.open.len() > MAX_STREAMS {
            inner.open.pop_front();
            evicted = true;
        }
        let seen = page.unwrap_or(inner.version);
        drop(inner);
        if evicted {
            signal.changed.notify_all();
        }
        Stream { signal, id, seen }
    }

    /// Waits for the next thing to send, at most `heartbeat`.
    pub fn next(&mut self, heartbeat: Duration) -> Next {
        let inner = self.signal.lock();
        let (inner, _) = self
            .signal
            .changed
            .wait_timeout_while(inner, heartbeat, |i| {
                i.version == self.seen && i.open.contains(&self.id)
            })
            .unwrap_or_else(|e| e.into_inner());
        if !inner.open.contains(&self.id) {
            Next::Evicted
        } else if inner.version != self.seen {
            self.seen = inner.version;
            Next::Reload
        } else {
            Next::Ping
        }
    }
}

impl Drop for Stream {
    fn drop(&mut self) {
        self.signal.lock().open.retain(|&id| id != self.id);
    }
}

/// The script served pages get before `</body>`, for a page of `version`.
pub fn script(version: u64) -> String {
    SCRIPT.replace("RITME_VERSION", &version.to_string())
}

const SCRIPT: &str = r#"<script id="ritme-live-reload">
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
  // A browser restores the scroll position on reload only if the page is
  // tall enough at the moment it tries; after "load" it is.
  var key = "ritme-scroll:" + location.pathname;
  try {
    var y = sessionStorage.getItem(key);
    if (y !== null) {
      sessionStorage.removeItem(key);
      addEventListener("load", function () { scrollTo(scrollX, +y); });
    }
  } catch (err) {}
  var events = new EventSource("/__ritme/events?v=RITME_VERSION");
  events.onmessage = function (e) {
    if (e.data !== "reload") return;
    try { sessionStorage.setItem(key, String(scrollY)); } catch (err) {}
    location.reload();
  };
})();
</script>
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_oldest_stream_makes_room() {
        let signal = Arc::new(Signal::default());
        let mut first = Stream::open(signal.clone(), None);
        let mut rest: Vec<_> = (1..MAX_STREAMS).map(|_| Stream::open(signal.clone(), None)).collect();
        assert_eq!(signal.open_streams(), MAX_STREAMS);
        let mut newest = Stream::open(signal.clone(), None);
        assert_eq!(signal.open_streams(), MAX_STREAMS);
        assert_eq!(first.next(Duration::ZERO), Next::Evicted);
        assert_eq!(rest[0].next(Duration::ZERO), Next::Ping);
        signal.bump();
        assert_eq!(newest.next(Duration::ZERO), Next::Reload);
        drop(first);
        rest.clear();
        assert_eq!(signal.open_streams(), 1);
    }

    #[test]
    fn a_page_older_than_the_build_reloads_at_once() {
        let signal = Arc::new(Signal::default());
        signal.bump();
        signal.bump();
        assert_eq!(Stream::open(signal.clone(), Some(1)).next(Duration::ZERO), Next::Reload);
        assert_eq!(Stream::open(signal.clone(), Some(2)).next(Duration::ZERO), Next::Ping);
        assert_eq!(Stream::open(signal, None).next(Duration::ZERO), Next::Ping);
    }
}
