//! The demo site served over real HTTP under a sub-path (`/portal/`): every internal
//! link, stylesheet, script and image on every page must resolve. This is what an officer
//! gets when the portal is deployed under `/xxgk/` on the county's server.

mod common;
use common::*;
use std::collections::{BTreeSet, VecDeque};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};

const PREFIX: &str = "/portal/";

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_graphic() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// A minimal static file server: GET only, files under `root` served at `PREFIX`.
fn serve(root: PathBuf) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request = String::new();
            if reader.read_line(&mut request).is_err() {
                continue;
            }
            loop {
                let mut header = String::new();
                if reader.read_line(&mut header).unwrap_or(0) == 0 || header == "\r\n" {
                    break;
                }
            }
            let path = request.split_whitespace().nth(1).unwrap_or("/").to_string();
            let path = percent_decode(path.split(['?', '#']).next().unwrap_or(""));
            let file = path.strip_prefix(PREFIX).map(|rel| {
                let p = root.join(rel);
                if p.is_dir() {
                    p.join("index.html")
                } else {
                    p
                }
            });
            let response = match file
                .filter(|f| f.is_file() && !f.components().any(|c| c.as_os_str() == ".."))
            {
                Some(f) => {
                    let body = std::fs::read(f).unwrap();
                    let mut r = format!(
                        "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                        body.len()
                    )
                    .into_bytes();
                    r.extend(body);
                    r
                }
                None => b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                    .to_vec(),
            };
            let _ = stream.write_all(&response);
        }
    });
    port
}

fn get(port: u16, path: &str) -> (u16, Vec<u8>) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        s,
        "GET {} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
        percent_encode(path)
    )
    .unwrap();
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).unwrap();
    let head_end = buf.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
    let status: u16 = String::from_utf8_lossy(&buf[9..12]).parse().unwrap();
    (status, buf[head_end..].to_vec())
}

/// `href="…"` and `src="…"` values in a page.
fn references(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["href=\"", "src=\""] {
        let mut rest = html;
        while let Some(i) = rest.find(attr) {
            rest = &rest[i + attr.len()..];
            if let Some(end) = rest.find('"') {
                out.push(rest[..end].replace("&amp;", "&"));
                rest = &rest[end..];
            }
        }
    }
    out
}

/// Resolve `reference` against the page at `base` (an absolute path).
fn resolve(base: &str, reference: &str) -> String {
    let reference = reference.split('#').next().unwrap_or("");
    let dir = &base[..base.rfind('/').unwrap() + 1];
    let joined = if reference.starts_with('/') {
        reference.to_string()
    } else {
        format!("{dir}{reference}")
    };
    let mut parts: Vec<&str> = Vec::new();
    for seg in joined.split('/') {
        match seg {
            "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    let mut s = parts.join("/");
    if !s.starts_with('/') {
        s.insert(0, '/');
    }
    s
}

fn crawl(out: &Path) -> (usize, Vec<String>) {
    let port = serve(out.to_path_buf());
    let mut seen = BTreeSet::new();
    let mut queue = VecDeque::from([format!("{PREFIX}index.html"), format!("{PREFIX}404.html")]);
    let mut broken = Vec::new();
    let mut pages = 0;
    while let Some(url) = queue.pop_front() {
        if !seen.insert(url.clone()) {
            continue;
        }
        let (status, body) = get(port, &url);
        if status != 200 {
            broken.push(url);
            continue;
        }
        if !url.ends_with(".html") {
            continue;
        }
        pages += 1;
        let html = String::from_utf8_lossy(&body);
        for r in references(&html) {
            if r.is_empty()
                || r.starts_with('#')
                || r.contains("://")
                || r.starts_with("mailto:")
                || r.starts_with("tel:")
            {
                continue;
            }
            let target = resolve(&url, &r);
            if !target.starts_with(PREFIX) {
                broken.push(format!("{url} → {r} leaves {PREFIX}"));
                continue;
            }
            if !seen.contains(&target) {
                queue.push_back(target);
            }
        }
    }
    (pages, broken)
}

#[test]
fn demo_site_served_under_a_sub_path_has_no_broken_links() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let root = repo();
    let o = gongkai()
        .args([
            "build",
            "--as-of",
            "2026-11-22",
            "--base-url",
            "https://portal.example.gov.cn/portal/",
            "--root",
        ])
        .arg(&root)
        .arg("--output")
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let (pages, broken) = crawl(&out);
    assert!(pages > 100, "crawled only {pages} pages");
    assert!(broken.is_empty(), "broken: {broken:#?}");
}

#[test]
fn resolve_handles_dot_segments() {
    assert_eq!(
        resolve("/portal/a/b/index.html", "../../static/x.css"),
        "/portal/static/x.css"
    );
    assert_eq!(
        resolve("/portal/index.html", "policies/index.html#x"),
        "/portal/policies/index.html"
    );
}
