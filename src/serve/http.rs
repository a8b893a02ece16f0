//! The preview's HTTP/1.1 server: answers GET and HEAD from the engine's in-memory
//! snapshot, at `/` and under the site's base path, with the site's own 404 page.
//!
//! It exists because officers preview in a browser, and a browser needs a server that
//! behaves like the one the site will be published on: correct content types (UTF-8
//! declared for every text type), directories answered by their `index.html`, a strict
//! Content-Security-Policy. Only serve responses carry the live-reload script and the
//! error banner; they are added here, on the way out, and never reach a built site.
//!
//! Nothing is ever read from the disk: a request path is only a key into the snapshot, so
//! path traversal cannot reach a file. Suspicious paths (`..`, `%2e%2e`, backslashes,
//! encoded slashes, control characters) are still refused with 400, so the answer is
//! plain rather than an accidental 404. One thread per connection, bounded; every read
//! and write has a timeout; a malformed request gets 400 and the connection is closed.

use crate::diag::{Diagnostic, Severity};
use crate::serve::engine::Snapshot;
use crate::text::escape_html;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{IpAddr, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, RwLock};
use std::time::{Duration, Instant};

/// Where the live-reload script is served (a file, so a strict CSP allows it as 'self').
pub const RELOAD_JS: &str = "/__gongkai/reload.js";
/// The stylesheet of the error banner (no inline styles either).
pub const SERVE_CSS: &str = "/__gongkai/serve.css";
/// The server-sent events stream that tells open pages a rebuild happened.
pub const EVENTS: &str = "/__gongkai/events";

/// The Content-Security-Policy of every HTML response: what an intranet with a strict
/// policy would send. The site's pages and serve's additions are all same-origin files.
pub const CSP: &str = "default-src 'self'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'; object-src 'none'";

const RELOAD_SCRIPT: &str = include_str!("reload.js");
const BANNER_CSS: &str = include_str!("serve.css");

/// Longest request head accepted (request line and headers).
const MAX_HEAD: usize = 16 * 1024;
/// Most connections open at once (each holds a thread; live-reload streams count too).
const MAX_CONNECTIONS: usize = 128;
/// How long a client may take to send a request head, or stay idle between requests.
const READ_TIMEOUT: Duration = Duration::from_secs(10);
const WRITE_TIMEOUT: Duration = Duration::from_secs(30);
/// How often an idle event stream sends a comment, so closed tabs are noticed.
const EVENT_PING: Duration = Duration::from_secs(15);
/// Most errors listed in the banner; the terminal has them all.
const BANNER_MAX: usize = 30;

/// What the server shows right now: the last good site, the problems of the last rebuild,
/// and a version that changes with every rebuild (open pages reload when it does).
pub struct State {
    /// The last good site (empty when no build has succeeded yet).
    pub snapshot: Arc<Snapshot>,
    /// Whether any build has succeeded since the server started.
    pub built: Built,
    /// The error banner, already rendered (`None` when the last rebuild had no error).
    pub banner: Option<String>,
    /// The site's base path without slashes around it (`zwgk` for
    /// `https://x.gov.cn/zwgk/`), or empty.
    pub base_path: String,
    /// Changes with every rebuild, successful or not.
    pub version: u64,
}

/// Whether there is a good site to show at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Built {
    /// At least one build without errors: its pages are served.
    Yes,
    /// Every build so far had errors: every page is the error page.
    NotYet,
}

/// The state shared between the rebuild loop and the connection threads.
pub struct Shared {
    state: RwLock<Arc<State>>,
    version: Mutex<u64>,
    rebuilt: Condvar,
}

impl Shared {
    /// A server state to start from.
    pub fn new(
        snapshot: Arc<Snapshot>,
        built: Built,
        banner: Option<String>,
        base_path: String,
    ) -> Arc<Shared> {
        Arc::new(Shared {
            state: RwLock::new(Arc::new(State {
                snapshot,
                built,
                banner,
                base_path,
                version: 1,
            })),
            version: Mutex::new(1),
            rebuilt: Condvar::new(),
        })
    }

    /// The current state (cheap: an `Arc`).
    pub fn current(&self) -> Arc<State> {
        self.state
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    /// Show a rebuild's result and wake every open page.
    pub fn publish(
        &self,
        snapshot: Arc<Snapshot>,
        built: Built,
        banner: Option<String>,
        base_path: String,
    ) {
        let mut version = self.version.lock().unwrap_or_else(|p| p.into_inner());
        *version += 1;
        *self.state.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(State {
            snapshot,
            built,
            banner,
            base_path,
            version: *version,
        });
        self.rebuilt.notify_all();
    }

    /// Wait until the version differs from `seen`, or `timeout` passes; the version now.
    fn wait_change(&self, seen: u64, timeout: Duration) -> u64 {
        let version = self.version.lock().unwrap_or_else(|p| p.into_inner());
        let (version, _) = self
            .rebuilt
            .wait_timeout_while(version, timeout, |v| *v == seen)
            .unwrap_or_else(|p| p.into_inner());
        *version
    }
}

/// The base path of a `base_url`, without slashes around it: `https://x.gov.cn/zwgk/` →
/// `zwgk`, `https://x.gov.cn/` → empty.
pub fn base_path(base_url: &str) -> String {
    let rest = base_url.split_once("://").map(|(_, r)| r).unwrap_or("");
    let path = rest.find('/').map(|i| &rest[i..]).unwrap_or("");
    let path = path.split(['?', '#']).next().unwrap_or("");
    match percent_decode(path.trim_matches('/')) {
        Some(p) if p.split('/').all(|s| !s.is_empty() && s != "." && s != "..") => p,
        _ => String::new(),
    }
}

/// Whether a bind address keeps the preview on this computer.
pub fn is_loopback(ip: IpAddr) -> bool {
    ip.is_loopback()
}

/// Accept connections until the process ends, one thread each (at most
/// [`MAX_CONNECTIONS`]; beyond that a client gets 503 at once).
pub fn serve_forever(listener: TcpListener, shared: Arc<Shared>) {
    let active = Arc::new(AtomicUsize::new(0));
    let local = listener.local_addr().ok();
    for stream in listener.incoming() {
        let Ok(stream) = stream else {
            // Out of file descriptors or an aborted handshake: the next accept may work.
            std::thread::sleep(Duration::from_millis(10));
            continue;
        };
        if active.fetch_add(1, Ordering::SeqCst) >= MAX_CONNECTIONS {
            active.fetch_sub(1, Ordering::SeqCst);
            let mut stream = stream;
            let _ = stream.set_write_timeout(Some(Duration::from_secs(1)));
            let _ = write_response(
                &mut stream,
                &plain(503, "预览服务器连接数已满，请关闭一些标签页后重试。\n"),
                Method::Get,
                Keep::Close,
            );
            continue;
        }
        let shared = shared.clone();
        let guard = ActiveGuard(active.clone());
        let spawned = std::thread::Builder::new()
            .name("gongkai-http".into())
            .spawn(move || {
                let _guard = guard;
                handle_connection(stream, &shared, local);
            });
        if spawned.is_err() {
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

/// Counts a connection thread until it ends (also when it panics).
struct ActiveGuard(Arc<AtomicUsize>);

impl Drop for ActiveGuard {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// GET or HEAD: the only methods a static site answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Method {
    Get,
    Head,
}

/// Whether the connection stays open after a response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Keep {
    Alive,
    Close,
}

/// A parsed request head.
#[derive(Debug, PartialEq, Eq)]
struct Request {
    method: Result<Method, String>,
    target: String,
    keep: Keep,
    host: Option<String>,
    has_body: bool,
}

/// Why a request head could not be used.
#[derive(Debug, PartialEq, Eq)]
enum BadHead {
    Malformed,
    TooLarge,
}

fn handle_connection(stream: TcpStream, shared: &Shared, local: Option<SocketAddr>) {
    let _ = stream.set_read_timeout(Some(READ_TIMEOUT));
    let _ = stream.set_write_timeout(Some(WRITE_TIMEOUT));
    let _ = stream.set_nodelay(true);
    let Ok(read_half) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(read_half);
    let mut stream = stream;
    loop {
        let head = match read_head(&mut reader) {
            Ok(Some(head)) => head,
            Ok(None) | Err(None) => return,
            Err(Some(bad)) => {
                let (status, text) = match bad {
                    BadHead::TooLarge => (431, "请求头过长。\n"),
                    BadHead::Malformed => (400, "请求格式不正确。\n"),
                };
                let _ = write_response(&mut stream, &plain(status, text), Method::Get, Keep::Close);
                return;
            }
        };
        let request = match parse_head(&head) {
            Ok(r) => r,
            Err(_) => {
                let _ = write_response(
                    &mut stream,
                    &plain(400, "请求格式不正确。\n"),
                    Method::Get,
                    Keep::Close,
                );
                return;
            }
        };
        // A body cannot be skipped safely without reading it; a static site needs none.
        let keep = if request.has_body {
            Keep::Close
        } else {
            request.keep
        };
        let method = match request.method {
            Ok(m) => m,
            Err(_) => {
                let mut r = plain(405, "预览服务器只接受 GET 和 HEAD 请求。\n");
                r.headers.push(("Allow", "GET, HEAD".into()));
                let _ = write_response(&mut stream, &r, Method::Get, Keep::Close);
                return;
            }
        };
        if !host_allowed(request.host.as_deref(), local) {
            let _ = write_response(
                &mut stream,
                &plain(400, "请求的主机名不是本机；预览只在本机地址上提供。\n"),
                method,
                Keep::Close,
            );
            return;
        }
        if path_only(&request.target) == EVENTS {
            if method == Method::Get {
                event_stream(stream, shared);
            } else {
                let _ = write_response(&mut stream, &event_head_only(), method, Keep::Close);
            }
            return;
        }
        let state = shared.current();
        let response = respond(&state, &request.target);
        // A client that sent a refused path gets no second chance on this connection.
        let keep = if response.status == 400 {
            Keep::Close
        } else {
            keep
        };
        if write_response(&mut stream, &response, method, keep).is_err() || keep == Keep::Close {
            return;
        }
    }
}

/// Read one request head (up to the blank line). `Ok(None)`: the client closed the
/// connection between requests; `Err(None)`: it went away or timed out mid-head.
fn read_head<R: BufRead>(reader: &mut R) -> Result<Option<Vec<u8>>, Option<BadHead>> {
    let started = Instant::now();
    let mut head: Vec<u8> = Vec::new();
    loop {
        let room = (MAX_HEAD + 1).saturating_sub(head.len()) as u64;
        let before = head.len();
        let n = reader
            .by_ref()
            .take(room)
            .read_until(b'\n', &mut head)
            .map_err(|_| None)?;
        if n == 0 {
            return if head.is_empty() { Ok(None) } else { Err(None) };
        }
        if head.len() > MAX_HEAD {
            return Err(Some(BadHead::TooLarge));
        }
        if !head.ends_with(b"\n") {
            return Err(None);
        }
        let line = &head[before..];
        if line == b"\r\n" || line == b"\n" {
            if before == 0 {
                // Blank lines before a request line are allowed (RFC 9112 §2.2).
                head.clear();
                continue;
            }
            return Ok(Some(head));
        }
        if started.elapsed() > READ_TIMEOUT {
            return Err(None);
        }
    }
}

/// Parse a request head. Header names must be tokens; a request with a body is marked so
/// the connection is closed after the answer.
fn parse_head(head: &[u8]) -> Result<Request, BadHead> {
    let text = std::str::from_utf8(head).map_err(|_| BadHead::Malformed)?;
    let mut lines = text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l));
    let request_line = lines.next().ok_or(BadHead::Malformed)?;
    let mut parts = request_line.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(BadHead::Malformed);
    };
    if method.is_empty() || !method.bytes().all(is_token) || target.is_empty() {
        return Err(BadHead::Malformed);
    }
    let mut keep = match version {
        "HTTP/1.1" => Keep::Alive,
        "HTTP/1.0" => Keep::Close,
        _ => return Err(BadHead::Malformed),
    };
    let mut host = None;
    let mut has_body = false;
    for line in lines {
        if line.is_empty() {
            continue;
        }
        let (name, value) = line.split_once(':').ok_or(BadHead::Malformed)?;
        if name.is_empty() || !name.bytes().all(is_token) {
            return Err(BadHead::Malformed);
        }
        let value = value.trim_matches([' ', '\t']);
        match name.to_ascii_lowercase().as_str() {
            "host" => {
                if host.is_some() {
                    return Err(BadHead::Malformed);
                }
                host = Some(value.to_string());
            }
            "connection" => {
                for option in value.split(',').map(|o| o.trim().to_ascii_lowercase()) {
                    match option.as_str() {
                        "close" => keep = Keep::Close,
                        "keep-alive" if version == "HTTP/1.0" => keep = Keep::Alive,
                        _ => {}
                    }
                }
            }
            "content-length" => {
                let n: u64 = value.parse().map_err(|_| BadHead::Malformed)?;
                has_body |= n > 0;
            }
            "transfer-encoding" => has_body = true,
            _ => {}
        }
    }
    if version == "HTTP/1.1" && host.is_none() {
        return Err(BadHead::Malformed);
    }
    Ok(Request {
        method: match method {
            "GET" => Ok(Method::Get),
            "HEAD" => Ok(Method::Head),
            other => Err(other.to_string()),
        },
        target: target.to_string(),
        keep,
        host,
        has_body,
    })
}

fn is_token(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// A preview bound to a loopback address answers only requests naming a loopback host:
/// a web page elsewhere cannot point a name of its own at 127.0.0.1 (DNS rebinding) and
/// read unpublished drafts. A preview bound elsewhere on purpose accepts any name.
fn host_allowed(host: Option<&str>, local: Option<SocketAddr>) -> bool {
    let Some(local) = local else { return true };
    if !local.ip().is_loopback() {
        return true;
    }
    let Some(host) = host else {
        // HTTP/1.0 without Host: only a local tool sends that.
        return true;
    };
    let name = if let Some(rest) = host.strip_prefix('[') {
        rest.split(']').next().unwrap_or("")
    } else {
        host.rsplit_once(':').map(|(h, _)| h).unwrap_or(host)
    };
    let name = name.to_ascii_lowercase();
    name == "localhost"
        || name.ends_with(".localhost")
        || name.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// The path part of a request target (no query).
fn path_only(target: &str) -> &str {
    target.split(['?', '#']).next().unwrap_or("")
}

/// Why a request path is refused outright.
#[derive(Debug, PartialEq, Eq)]
pub enum Refused {
    /// Not an origin-form path starting with `/`.
    NotAPath,
    /// A `%` not followed by two hex digits, or bytes that are not UTF-8.
    BadEncoding,
    /// `.` or `..` segments, backslashes, encoded slashes, control characters.
    Traversal,
}

/// A request target → the site path it names, percent-decoded, without the leading `/`
/// (`/policies/%E6%96%87/` → `policies/文/`).
pub fn site_path(target: &str) -> Result<String, Refused> {
    let path = path_only(target);
    let rest = path.strip_prefix('/').ok_or(Refused::NotAPath)?;
    if rest.contains('\\') {
        return Err(Refused::Traversal);
    }
    let mut segments = Vec::new();
    for raw in rest.split('/') {
        let seg = percent_decode(raw).ok_or(Refused::BadEncoding)?;
        if seg == "."
            || seg == ".."
            || seg.contains(['/', '\\'])
            || seg.chars().any(char::is_control)
        {
            return Err(Refused::Traversal);
        }
        segments.push(seg);
    }
    Ok(segments.join("/"))
}

/// `%XX` decoding to UTF-8; `None` on a malformed escape or invalid UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            let hex = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The Content-Type of a site file, by extension; every text type declares UTF-8.
pub fn content_type(path: &str) -> &'static str {
    let ext = path
        .rsplit('/')
        .next()
        .and_then(|name| name.rsplit_once('.'))
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json; charset=utf-8",
        "xml" => "application/xml; charset=utf-8",
        "svg" => "image/svg+xml; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "md" => "text/markdown; charset=utf-8",
        "rtf" => "application/rtf",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "ofd" => "application/ofd",
        "doc" => "application/msword",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xls" => "application/vnd.ms-excel",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "ppt" => "application/vnd.ms-powerpoint",
        "pptx" => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "wps" => "application/vnd.ms-works",
        "zip" => "application/zip",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "mp4" => "video/mp4",
        "mp3" => "audio/mpeg",
        _ => "application/octet-stream",
    }
}

/// A response before it is written.
#[derive(Debug)]
struct Response {
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: Vec<u8>,
}

fn plain(status: u16, text: &str) -> Response {
    Response {
        status,
        headers: vec![("Content-Type", "text/plain; charset=utf-8".into())],
        body: text.as_bytes().to_vec(),
    }
}

fn typed(status: u16, content_type: &str, body: Vec<u8>) -> Response {
    let mut headers = vec![("Content-Type", content_type.to_string())];
    if content_type.starts_with("text/html") {
        headers.push(("Content-Security-Policy", CSP.into()));
    }
    Response {
        status,
        headers,
        body,
    }
}

/// Where a site path leads in the current snapshot.
#[derive(Debug, PartialEq, Eq)]
enum Route {
    File(String),
    /// A folder asked for without its trailing slash: its relative links need the slash.
    AddSlash,
    NotFound,
}

fn route(snapshot: &Snapshot, base_path: &str, path: &str) -> Route {
    let mut candidates = vec![path];
    if !base_path.is_empty() {
        if path == base_path {
            return Route::AddSlash;
        }
        if let Some(rest) = path
            .strip_prefix(base_path)
            .and_then(|r| r.strip_prefix('/'))
        {
            candidates.push(rest);
        }
    }
    for p in candidates {
        // Dot-names (the output marker) are not part of the site.
        if p.split('/').any(|s| s.starts_with('.')) {
            continue;
        }
        if p.is_empty() || p.ends_with('/') {
            let index = format!("{p}index.html");
            if snapshot.contains(&index) {
                return Route::File(index);
            }
        } else if snapshot.contains(p) {
            return Route::File(p.to_string());
        } else if snapshot.contains(&format!("{p}/index.html")) {
            return Route::AddSlash;
        }
    }
    Route::NotFound
}

/// The answer to a GET for `target` in `state`.
fn respond(state: &State, target: &str) -> Response {
    let raw_path = path_only(target);
    match raw_path {
        RELOAD_JS => {
            return typed(
                200,
                content_type(RELOAD_JS),
                RELOAD_SCRIPT.as_bytes().to_vec(),
            )
        }
        SERVE_CSS => return typed(200, content_type(SERVE_CSS), BANNER_CSS.as_bytes().to_vec()),
        _ => {}
    }
    let path = match site_path(target) {
        Ok(p) => p,
        Err(Refused::NotAPath) => return plain(400, "请求的网址不是以 / 开头的路径。\n"),
        Err(Refused::BadEncoding) => return plain(400, "网址中的百分号编码不正确。\n"),
        Err(Refused::Traversal) => {
            return plain(
                400,
                "网址含有 ..、反斜杠或编码的斜杠，预览服务器拒绝访问。\n",
            )
        }
    };
    if state.built == Built::NotYet {
        return typed(503, content_type("x.html"), error_page(state));
    }
    match route(&state.snapshot, &state.base_path, &path) {
        Route::File(p) => {
            let body = state
                .snapshot
                .get(&p)
                .map(|b| b.to_vec())
                .unwrap_or_default();
            let ct = content_type(&p);
            let body = if ct.starts_with("text/html") {
                inject(&body, state.version, state.banner.as_deref())
            } else {
                body
            };
            typed(200, ct, body)
        }
        Route::AddSlash => {
            let query = target.find('?').map(|i| &target[i..]).unwrap_or("");
            let mut r = plain(301, "");
            r.headers.push(("Location", format!("{raw_path}/{query}")));
            r
        }
        Route::NotFound => match state.snapshot.get("404.html") {
            Some(page) => typed(
                404,
                content_type("404.html"),
                inject(&page, state.version, state.banner.as_deref()),
            ),
            None => plain(404, "页面不存在。\n"),
        },
    }
}

/// What serve adds to an HTML page: the version it shows (the reload script compares it
/// with the server's), the banner stylesheet and the reload script — all same-origin
/// files, allowed by [`CSP`] — and the error banner first in `<body>` when the last
/// rebuild failed.
pub fn inject(html: &[u8], version: u64, banner: Option<&str>) -> Vec<u8> {
    let tags = format!(
        "<meta name=\"gongkai-serve\" content=\"{version}\">\n<link rel=\"stylesheet\" href=\"{SERVE_CSS}\">\n<script src=\"{RELOAD_JS}\" defer></script>\n"
    );
    let mut out = Vec::with_capacity(html.len() + tags.len() + banner.map_or(0, str::len));
    let head_end = find_ascii_ci(html, b"</head>");
    let body_open = find_ascii_ci(html, b"<body")
        .and_then(|i| html[i..].iter().position(|&b| b == b'>').map(|j| i + j + 1));
    match head_end {
        Some(h) => {
            out.extend_from_slice(&html[..h]);
            out.extend_from_slice(tags.as_bytes());
            let rest = &html[h..];
            match (banner, body_open) {
                (Some(banner), Some(b)) if b > h => {
                    out.extend_from_slice(&rest[..b - h]);
                    out.extend_from_slice(banner.as_bytes());
                    out.extend_from_slice(&rest[b - h..]);
                }
                _ => out.extend_from_slice(rest),
            }
        }
        None => {
            out.extend_from_slice(tags.as_bytes());
            if let Some(banner) = banner {
                out.extend_from_slice(banner.as_bytes());
            }
            out.extend_from_slice(html);
        }
    }
    out
}

fn find_ascii_ci(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
}

/// The banner for the errors of the last rebuild (warnings do not block a build and are
/// left to the terminal), or for a rebuild that could not run at all. `None` when there
/// is nothing to show. `role="alert"` makes screen readers announce it.
pub fn banner(diagnostics: &[Diagnostic], fatal: Option<&str>) -> Option<String> {
    let errors: Vec<&Diagnostic> = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    if errors.is_empty() && fatal.is_none() {
        return None;
    }
    let mut html = String::from(
        "<div class=\"gongkai-serve-banner\" role=\"alert\" id=\"gongkai-serve-errors\">\n",
    );
    let heading = if errors.is_empty() {
        "预览无法重新生成网页".to_string()
    } else {
        format!("内容有 {} 个错误", errors.len())
    };
    html.push_str(&format!(
        "<p class=\"gongkai-serve-heading\"><strong>{heading}</strong>：下面显示的是上一次没有错误时的网页。改正并保存后，页面会自动刷新。</p>\n<ul>\n"
    ));
    if let Some(fatal) = fatal {
        html.push_str(&format!("<li>{}</li>\n", escape_html(fatal)));
    }
    for d in errors.iter().take(BANNER_MAX) {
        html.push_str("<li>");
        if let Some(file) = &d.file {
            let mut place = file.display().to_string().replace('\\', "/");
            if let Some(line) = d.line {
                place.push_str(&format!(":{line}"));
            }
            html.push_str(&format!(
                "<code class=\"gongkai-serve-place\">{}</code> ",
                escape_html(&place)
            ));
        }
        html.push_str(&format!(
            "{}[{}] {}",
            d.severity.label(),
            d.code,
            escape_html(&d.message)
        ));
        if let Some(help) = &d.help {
            html.push_str(&format!(
                "<br><span class=\"gongkai-serve-help\">提示：{}</span>",
                escape_html(help)
            ));
        }
        html.push_str("</li>\n");
    }
    if errors.len() > BANNER_MAX {
        html.push_str(&format!(
            "<li>另有 {} 个错误，见终端。</li>\n",
            errors.len() - BANNER_MAX
        ));
    }
    html.push_str("</ul>\n</div>\n");
    Some(html)
}

/// The page shown for every path while no build has succeeded: the banner, alone.
fn error_page(state: &State) -> Vec<u8> {
    let banner = state.banner.clone().unwrap_or_else(|| {
        "<div class=\"gongkai-serve-banner\" role=\"alert\"><p>站点尚未生成。</p></div>\n".into()
    });
    let page = "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>预览：站点有错误</title>\n</head>\n<body>\n<main>\n<h1>站点有错误，尚无可预览的网页</h1>\n</main>\n</body>\n</html>\n";
    inject(page.as_bytes(), state.version, Some(&banner))
}

fn event_head_only() -> Response {
    Response {
        status: 200,
        headers: vec![("Content-Type", "text/event-stream; charset=utf-8".into())],
        body: Vec::new(),
    }
}

/// The live-reload stream: the current version at once, then every new one; a comment
/// now and then, so a closed tab ends its thread at the next write.
fn event_stream(mut stream: TcpStream, shared: &Shared) {
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n";
    let mut version = shared.current().version;
    if stream
        .write_all(format!("{head}retry: 1000\n\ndata: {version}\n\n").as_bytes())
        .is_err()
    {
        return;
    }
    loop {
        let now = shared.wait_change(version, EVENT_PING);
        let message = if now == version {
            ": ping\n\n".to_string()
        } else {
            version = now;
            format!("data: {version}\n\n")
        };
        if stream
            .write_all(message.as_bytes())
            .and_then(|_| stream.flush())
            .is_err()
        {
            return;
        }
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        431 => "Request Header Fields Too Large",
        503 => "Service Unavailable",
        _ => "Error",
    }
}

fn write_response<W: Write>(
    out: &mut W,
    r: &Response,
    method: Method,
    keep: Keep,
) -> std::io::Result<()> {
    let mut head = format!("HTTP/1.1 {} {}\r\n", r.status, reason(r.status));
    for (name, value) in &r.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!(
        "Content-Length: {}\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: {}\r\n\r\n",
        r.body.len(),
        match keep {
            Keep::Alive => "keep-alive",
            Keep::Close => "close",
        }
    ));
    let mut buf = head.into_bytes();
    if method == Method::Get {
        buf.extend_from_slice(&r.body);
    }
    out.write_all(&buf)?;
    out.flush()
}

/// For tests: read everything a `Read` gives (used with in-memory streams).
#[cfg(test)]
fn read_all(mut r: impl Read) -> Vec<u8> {
    let mut v = Vec::new();
    r.read_to_end(&mut v).unwrap();
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn site_path_decodes_percent_escapes_and_keeps_trailing_slash() {
        assert_eq!(site_path("/").unwrap(), "");
        assert_eq!(
            site_path("/policies/%E6%96%87/?q=1").unwrap(),
            "policies/文/"
        );
        assert_eq!(site_path("/a%20b.html").unwrap(), "a b.html");
    }

    #[test]
    fn site_path_refuses_traversal_in_every_spelling() {
        for bad in [
            "/../etc/passwd",
            "/a/../../x",
            "/%2e%2e/x",
            "/%2E%2e/x",
            "/a/%2e/x",
            "/a%2fb",
            "/a%2F..%2Fb",
            "/a\\..\\b",
            "/a%5c..%5cb",
            "/a%00b",
            "/a%0ab",
        ] {
            assert_eq!(site_path(bad), Err(Refused::Traversal), "{bad}");
        }
        assert_eq!(site_path("/a%zz"), Err(Refused::BadEncoding));
        assert_eq!(site_path("/a%e6"), Err(Refused::BadEncoding));
        assert_eq!(site_path("*"), Err(Refused::NotAPath));
        assert_eq!(site_path("http://x/"), Err(Refused::NotAPath));
    }

    #[test]
    fn content_types_declare_utf8_for_text() {
        assert_eq!(content_type("a/index.html"), "text/html; charset=utf-8");
        assert_eq!(
            content_type("search.json"),
            "application/json; charset=utf-8"
        );
        assert_eq!(
            content_type("sitemap.xml"),
            "application/xml; charset=utf-8"
        );
        assert_eq!(
            content_type("static/img/x.SVG"),
            "image/svg+xml; charset=utf-8"
        );
        assert_eq!(
            content_type("static/css/site.css"),
            "text/css; charset=utf-8"
        );
        assert_eq!(
            content_type("static/js/a.js"),
            "text/javascript; charset=utf-8"
        );
        assert_eq!(content_type("files/a.pdf"), "application/pdf");
        assert_eq!(content_type("search/x.bin"), "application/octet-stream");
        assert_eq!(content_type("noext"), "application/octet-stream");
        assert_eq!(content_type("dir.d/noext"), "application/octet-stream");
    }

    #[test]
    fn base_path_is_the_path_of_base_url() {
        assert_eq!(base_path("https://x.gov.cn/zwgk/"), "zwgk");
        assert_eq!(base_path("https://x.gov.cn/a/b/"), "a/b");
        assert_eq!(base_path("https://x.gov.cn/"), "");
        assert_eq!(base_path("https://x.gov.cn"), "");
        assert_eq!(base_path("https://x.gov.cn/%E5%85%AC%E5%BC%80/"), "公开");
        assert_eq!(base_path("https://x.gov.cn/../"), "");
        assert_eq!(base_path(""), "");
    }

    #[test]
    fn inject_adds_tags_before_head_end_and_banner_after_body_open() {
        let html = b"<html><head><title>t</title></head><body class=\"x\"><p>hi</p></body></html>";
        let out = String::from_utf8(inject(html, 7, Some("<div role=\"alert\">B</div>"))).unwrap();
        let meta = out
            .find("<meta name=\"gongkai-serve\" content=\"7\">")
            .unwrap();
        let script = out
            .find("<script src=\"/__gongkai/reload.js\" defer></script>")
            .unwrap();
        let css = out
            .find("<link rel=\"stylesheet\" href=\"/__gongkai/serve.css\">")
            .unwrap();
        let head_end = out.find("</head>").unwrap();
        assert!(meta < head_end && script < head_end && css < head_end);
        assert!(out.contains("<body class=\"x\"><div role=\"alert\">B</div><p>hi</p>"));
        let without = String::from_utf8(inject(html, 1, None)).unwrap();
        assert!(!without.contains("role=\"alert\""));
        assert!(without.contains("<body class=\"x\"><p>hi</p>"));
    }

    #[test]
    fn banner_names_file_line_code_and_help_and_escapes() {
        let d = Diagnostic::error("E0101", "YAML <坏了>")
            .in_file("content/policies/a.md")
            .at_line(3)
            .help("检查 & 改正");
        let w = Diagnostic::warning("W0101", "只是警告").in_file("content/x.md");
        let b = banner(&[d, w.clone()], None).unwrap();
        assert!(b.contains("role=\"alert\""));
        assert!(b.contains("content/policies/a.md:3"));
        assert!(b.contains("错误[E0101] YAML &lt;坏了&gt;"));
        assert!(b.contains("提示：检查 &amp; 改正"));
        assert!(!b.contains("W0101"), "warnings stay in the terminal");
        assert!(banner(&[w], None).is_none());
        assert!(banner(&[], Some("读取失败")).unwrap().contains("读取失败"));
    }

    #[test]
    fn parse_head_reads_method_target_keep_alive_and_body() {
        let r = parse_head(b"GET /a HTTP/1.1\r\nHost: localhost:8000\r\n\r\n").unwrap();
        assert_eq!(r.method, Ok(Method::Get));
        assert_eq!(r.target, "/a");
        assert_eq!(r.keep, Keep::Alive);
        assert!(!r.has_body);
        let r = parse_head(b"HEAD / HTTP/1.0\r\n\r\n").unwrap();
        assert_eq!((r.method, r.keep), (Ok(Method::Head), Keep::Close));
        let r = parse_head(
            b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nConnection: close\r\n\r\n",
        )
        .unwrap();
        assert_eq!(r.method, Err("POST".into()));
        assert!(r.has_body);
        assert_eq!(r.keep, Keep::Close);
        for bad in [
            &b"GET /\r\n\r\n"[..],
            b"GET / HTTP/1.1\r\n\r\n",
            b"GET  / HTTP/1.1\r\nHost: x\r\n\r\n",
            b"GET / HTTP/2\r\nHost: x\r\n\r\n",
            b"GET / HTTP/1.1\r\nHost x\r\n\r\n",
            b"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
            b"GET / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n",
            b"G\xffT / HTTP/1.1\r\nHost: a\r\n\r\n",
        ] {
            assert_eq!(
                parse_head(bad),
                Err(BadHead::Malformed),
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
    }

    #[test]
    fn read_head_limits_size_and_skips_leading_blank_lines() {
        let mut r =
            BufReader::new(&b"\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\nGET /b HTTP/1.1\r\n"[..]);
        assert_eq!(
            read_head(&mut r).unwrap().unwrap(),
            b"GET / HTTP/1.1\r\nHost: a\r\n\r\n"
        );
        assert_eq!(read_head(&mut r), Err(None), "a half head then EOF");
        let mut empty = BufReader::new(&b""[..]);
        assert_eq!(read_head(&mut empty), Ok(None));
        let huge = format!("GET / HTTP/1.1\r\nX: {}\r\n\r\n", "a".repeat(MAX_HEAD));
        let mut r = BufReader::new(huge.as_bytes());
        assert_eq!(read_head(&mut r), Err(Some(BadHead::TooLarge)));
    }

    #[test]
    fn host_check_applies_only_to_a_loopback_bind() {
        let lo: SocketAddr = "127.0.0.1:8000".parse().unwrap();
        let any: SocketAddr = "0.0.0.0:8000".parse().unwrap();
        assert!(host_allowed(Some("localhost:8000"), Some(lo)));
        assert!(host_allowed(Some("127.0.0.1:8000"), Some(lo)));
        assert!(host_allowed(Some("[::1]:8000"), Some(lo)));
        assert!(host_allowed(Some("app.localhost"), Some(lo)));
        assert!(!host_allowed(Some("evil.example:8000"), Some(lo)));
        assert!(host_allowed(Some("evil.example:8000"), Some(any)));
    }

    #[test]
    fn write_response_omits_the_body_for_head() {
        let r = typed(200, "text/html; charset=utf-8", b"<p>x</p>".to_vec());
        let mut get = Vec::new();
        write_response(&mut get, &r, Method::Get, Keep::Alive).unwrap();
        let mut head = Vec::new();
        write_response(&mut head, &r, Method::Head, Keep::Alive).unwrap();
        let get = String::from_utf8(read_all(&get[..])).unwrap();
        let head = String::from_utf8(head).unwrap();
        assert!(get.ends_with("\r\n\r\n<p>x</p>"));
        assert!(head.ends_with("\r\n\r\n") && head.contains("Content-Length: 8\r\n"));
        assert!(get.contains("Content-Security-Policy: default-src 'self'"));
    }
}
