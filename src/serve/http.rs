//! Answering a request from the site held in memory. Only paths that are
//! keys of the built site can be served, so nothing outside it is reachable
//! whatever the request says (`..`, encoded dots, backslashes).

use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr};

use percent_encoding::{AsciiSet, CONTROLS, percent_decode_str, percent_encode};

/// Why a request's `Host` is refused.
#[derive(Debug, PartialEq, Eq)]
pub enum HostRefusal {
    /// No `Host`, or not one a browser would send: 400.
    Malformed,
    /// A name or port that is not this server's: 421. A web page on
    /// another site can point its own name at 127.0.0.1 (DNS rebinding)
    /// and read the served site, with its people's data, through the
    /// visitor's browser; only a name the page cannot choose is answered.
    Foreign,
}

/// Whether `host` (the `Host` header, or the authority of an absolute
/// request URL) names this server listening on `bound`: a loopback name or
/// address (`localhost`, `127.x.x.x`, `[::1]`) or the bound address, with
/// the bound port (no port only when that is 80). Served on every address
/// (`0.0.0.0`), any IP address is taken as this machine's; names still
/// are not, except `localhost`.
pub fn check_host(host: Option<&str>, bound: SocketAddr) -> Result<(), HostRefusal> {
    let host = host
        .map(str::trim)
        .filter(|h| !h.is_empty())
        .ok_or(HostRefusal::Malformed)?;
    let (name, port) = match host.strip_prefix('[') {
        Some(rest) => {
            let (ip, after) = rest.split_once(']').ok_or(HostRefusal::Malformed)?;
            (ip, after)
        }
        None => match host.rsplit_once(':') {
            Some((name, _)) => (name, &host[name.len()..]),
            None => (host, ""),
        },
    };
    let port: u16 = match port {
        "" => 80,
        p => p
            .strip_prefix(':')
            .filter(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|p| p.parse().ok())
            .ok_or(HostRefusal::Malformed)?,
    };
    if name.is_empty() || name.bytes().any(|b| b.is_ascii_whitespace() || b == b'/' || b == b'@') {
        return Err(HostRefusal::Malformed);
    }
    let ours = if name.eq_ignore_ascii_case("localhost") || name.eq_ignore_ascii_case("localhost.") {
        true
    } else {
        match name.parse::<IpAddr>() {
            Ok(ip) => ip.is_loopback() || ip == bound.ip() || bound.ip().is_unspecified(),
            Err(_) => false,
        }
    };
    if ours && port == bound.port() {
        Ok(())
    } else {
        Err(HostRefusal::Foreign)
    }
}

/// What to send back.
#[derive(Debug, PartialEq, Eq)]
pub struct Reply {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Vec<u8>,
    /// Where a redirect points.
    pub location: Option<String>,
}

/// The output path a URL path asks for, or `None` when it cannot name a
/// file of the site.
pub fn file_for(url: &str) -> Option<String> {
    let path = url.split(['?', '#']).next().unwrap_or("");
    let decoded = percent_decode_str(path).decode_utf8().ok()?;
    let rel = decoded.trim_start_matches('/');
    if rel.contains('\\') || rel.contains('\0') || rel.split('/').any(|s| s == ".." || s == ".") {
        return None;
    }
    if rel.is_empty() {
        return Some("index.html".into());
    }
    if rel.ends_with('/') {
        return Some(format!("{rel}index.html"));
    }
    Some(rel.to_string())
}

pub fn content_type(path: &str) -> &'static str {
    match path.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).as_deref() {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("json") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("webp") => "image/webp",
        Some("ttf") => "font/ttf",
        Some("woff") => "font/woff",
        Some("woff2") => "font/woff2",
        Some("xml") => "application/xml",
        Some("txt") => "text/plain; charset=utf-8",
        Some("pdf") => "application/pdf",
        _ => "application/octet-stream",
    }
}

/// The reply for `url` from `files`; HTML gets `inject` before `</body>`.
pub fn reply(url: &str, files: &BTreeMap<String, Vec<u8>>, inject: &str) -> Reply {
    let wanted = file_for(url);
    // Served at `/teams/noord`, the page `teams/noord/index.html` would
    // resolve its relative links one folder too high. A 301 as web servers
    // send for folders; like every reply here it carries `no-store`, so a
    // browser does not keep it once the folder becomes a page after an edit.
    if let Some(p) = &wanted
        && !files.contains_key(p)
        && files.contains_key(&format!("{p}/index.html"))
    {
        return Reply {
            status: 301,
            content_type: "text/plain; charset=utf-8",
            body: b"Moved Permanently\n".to_vec(),
            location: Some(folder_location(url)),
        };
    }
    let found = wanted.and_then(|p| files.get_key_value(&p));
    let (status, path, body) = match found {
        Some((p, body)) => (200, p.clone(), body.clone()),
        None => (
            404,
            "404.html".to_string(),
            files.get("404.html").cloned().unwrap_or_else(|| b"Not found".to_vec()),
        ),
    };
    let content_type = content_type(&path);
    let body = if content_type.starts_with("text/html") {
        with_script(body, inject)
    } else {
        body
    };
    Reply {
        status,
        content_type,
        body,
        location: None,
    }
}

/// Characters that must not reach a `Location` header as they are: controls
/// (a raw CR or LF would split the response) and what browsers would read
/// differently in a URL. `%` stays, so what the browser sent is kept.
const LOCATION: &AsciiSet = &CONTROLS.add(b' ').add(b'"').add(b'<').add(b'>').add(b'\\').add(b'`');

/// `url` with a slash after its path: a folder's page then sits where its
/// relative links expect. Leading slashes collapse to one, or `//host/x`
/// would send the browser to another site.
fn folder_location(url: &str) -> String {
    let (path, rest) = url.split_at(url.find(['?', '#']).unwrap_or(url.len()));
    let path = path.trim_start_matches('/');
    let mut location = format!("/{}/", percent_encode(path.as_bytes(), LOCATION));
    if let Some(q) = rest.strip_prefix('?') {
        let q = q.split('#').next().unwrap_or("");
        location.push('?');
        location.extend(percent_encode(q.as_bytes(), LOCATION));
    }
    location
}

fn with_script(body: Vec<u8>, inject: &str) -> Vec<u8> {
    let text = String::from_utf8_lossy(&body);
    match text.rfind("</body>") {
        Some(i) => format!("{}{inject}{}", &text[..i], &text[i..]).into_bytes(),
        None => format!("{text}{inject}").into_bytes(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> BTreeMap<String, Vec<u8>> {
        [
            ("index.html", "<body>home</body>"),
            ("teams/index.html", "<body>teams</body>"),
            ("assets/style.css", "body{}"),
            ("404.html", "<body>weg</body>"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.as_bytes().to_vec()))
        .collect()
    }

    #[test]
    fn only_this_servers_names_are_answered() {
        let bound: SocketAddr = "127.0.0.1:4000".parse().unwrap();
        for ok in [
            "localhost:4000",
            "LocalHost:4000",
            "127.0.0.1:4000",
            "127.8.9.1:4000",
            "[::1]:4000",
        ] {
            assert_eq!(check_host(Some(ok), bound), Ok(()), "{ok}");
        }
        for foreign in [
            "evil.example:4000",
            "localhost.evil.example:4000",
            "127.0.0.1.nip.io:4000",
            "localhost:4001",
            "localhost",
            "10.0.0.5:4000",
            "[::2]:4000",
        ] {
            assert_eq!(check_host(Some(foreign), bound), Err(HostRefusal::Foreign), "{foreign}");
        }
        for bad in [
            "",
            " ",
            "localhost:",
            "localhost:x",
            "[::1",
            "a b:4000",
            "user@localhost:4000",
        ] {
            assert_eq!(check_host(Some(bad), bound), Err(HostRefusal::Malformed), "{bad:?}");
        }
        assert_eq!(check_host(None, bound), Err(HostRefusal::Malformed));
        let on_port_80: SocketAddr = "127.0.0.1:80".parse().unwrap();
        assert_eq!(check_host(Some("localhost"), on_port_80), Ok(()));
        // Bound to every address: any IP address of the machine, no names.
        let everywhere: SocketAddr = "0.0.0.0:4000".parse().unwrap();
        assert_eq!(check_host(Some("192.168.1.20:4000"), everywhere), Ok(()));
        assert_eq!(
            check_host(Some("intranet.example:4000"), everywhere),
            Err(HostRefusal::Foreign)
        );
        let lan: SocketAddr = "192.168.1.20:4000".parse().unwrap();
        assert_eq!(check_host(Some("192.168.1.20:4000"), lan), Ok(()));
    }

    #[test]
    fn maps_urls_to_files() {
        assert_eq!(file_for("/").as_deref(), Some("index.html"));
        assert_eq!(file_for("/teams/").as_deref(), Some("teams/index.html"));
        assert_eq!(file_for("/a%20b.html?x=1").as_deref(), Some("a b.html"));
        for bad in [
            "/../ritme.yaml",
            "/%2e%2e/ritme.yaml",
            "/..%2fritme.yaml",
            "/a/..\\x",
            "/./x",
        ] {
            assert_eq!(file_for(bad), None, "{bad}");
        }
    }

    #[test]
    fn replies_with_types_script_and_404() {
        let s = site();
        let r = reply("/teams/", &s, "<script>x</script>");
        assert_eq!((r.status, r.content_type), (200, "text/html; charset=utf-8"));
        assert_eq!(r.body, b"<body>teams<script>x</script></body>");
        assert_eq!(reply("/assets/style.css", &s, "S").body, b"body{}");
        assert_eq!(
            reply("/assets/style.css", &s, "S").content_type,
            "text/css; charset=utf-8"
        );
        let missing = reply("/nope/", &s, "");
        assert_eq!((missing.status, missing.body), (404, b"<body>weg</body>".to_vec()));
        assert_eq!(reply("/%2e%2e/ritme.yaml", &s, "").status, 404);
    }

    #[test]
    fn folders_without_slash_redirect_on_this_site() {
        let s = site();
        let at = |url: &str| {
            let r = reply(url, &s, "");
            (r.status, r.location)
        };
        assert_eq!(at("/teams"), (301, Some("/teams/".into())));
        assert_eq!(at("/teams?week=3&x=%20"), (301, Some("/teams/?week=3&x=%20".into())));
        assert_eq!(at("//teams"), (301, Some("/teams/".into())), "never a host");
        assert_eq!(
            at("/teams?a\r\nSet-Cookie:x"),
            (301, Some("/teams/?a%0D%0ASet-Cookie:x".into()))
        );
        assert_eq!(at("/assets/style.css").0, 200);
        assert_eq!(at("/nope").0, 404);
    }
}
