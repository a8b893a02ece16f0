//! `gongkai serve`, driven as an officer uses it: the real binary on a copy of a fixture
//! site, on a free port, with files edited on disk and pages fetched over HTTP. Every
//! wait polls with a deadline (no fixed sleeps): a change shows up as soon as the
//! rebuild is done, and a test fails with the server's terminal output if it never does.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Longest wait for anything (a debug build on a loaded machine is slow).
const PATIENCE: Duration = Duration::from_secs(40);
/// The terminal line printed after each rebuild starts with this.
const REBUILD: &str = "重新生成：";

/// A running `gongkai serve` on a temporary copy of a fixture site.
struct Serve {
    child: Child,
    port: u16,
    lines: Arc<Mutex<Vec<String>>>,
    site: tempfile::TempDir,
}

impl Serve {
    fn start(fixture: &str) -> Serve {
        Serve::start_with(fixture, &[], |_| {})
    }

    /// Start on a copy of `fixture`, changed by `prepare` first, with extra arguments.
    fn start_with(fixture: &str, args: &[&str], prepare: impl FnOnce(&Path)) -> Serve {
        let site = common::fixture(fixture);
        prepare(site.path());
        let mut child = Command::new(env!("CARGO_BIN_EXE_gongkai"))
            .args(["serve", "--port", "0", "--as-of", "2026-11-22", "--root"])
            .arg(site.path())
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start gongkai serve");
        let lines = Arc::new(Mutex::new(Vec::new()));
        let stderr = child.stderr.take().unwrap();
        let sink = lines.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                sink.lock().unwrap().push(line);
            }
        });
        let mut serve = Serve {
            child,
            port: 0,
            lines,
            site,
        };
        let url_line = serve.wait_line("the preview address", |l| {
            l.starts_with("预览地址：http://")
        });
        let port = url_line
            .split("http://")
            .nth(1)
            .and_then(|r| r.split('/').next())
            .and_then(|host| host.rsplit(':').next())
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("no port in {url_line}"));
        serve.port = port;
        serve
    }

    fn root(&self) -> &Path {
        self.site.path()
    }

    fn terminal(&self) -> String {
        self.lines.lock().unwrap().join("\n")
    }

    fn wait_line(&mut self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Some(l) = self.lines.lock().unwrap().iter().find(|l| pred(l)) {
                return l.clone();
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!(
                    "gongkai serve exited ({status}) before {what}:\n{}",
                    self.terminal()
                );
            }
            assert!(
                Instant::now() < deadline,
                "no {what} in time:\n{}",
                self.terminal()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The rebuild lines printed so far.
    fn rebuild_lines(&self) -> Vec<String> {
        self.lines
            .lock()
            .unwrap()
            .iter()
            .filter(|l| l.starts_with(REBUILD))
            .cloned()
            .collect()
    }

    /// Wait until more than `seen` rebuilds were reported; the newest line.
    fn wait_rebuild_after(&self, seen: usize) -> String {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let lines = self.rebuild_lines();
            if lines.len() > seen {
                return lines.last().unwrap().clone();
            }
            assert!(
                Instant::now() < deadline,
                "no rebuild in time:\n{}",
                self.terminal()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn get(&self, path: &str) -> Resp {
        request(
            self.port,
            &format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"),
        )
    }

    /// Poll `path` until `pred` holds for its response.
    fn wait_page(&self, path: &str, what: &str, pred: impl Fn(&Resp) -> bool) -> Resp {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let r = self.get(path);
            if pred(&r) {
                return r;
            }
            assert!(
                Instant::now() < deadline,
                "{path} never showed {what} (status {}):\n{}\n--- terminal ---\n{}",
                r.status,
                r.text().chars().take(3000).collect::<String>(),
                self.terminal()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn write(&self, rel: &str, text: &str) {
        let path = self.root().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    fn edit(&self, rel: &str, from: &str, to: &str) {
        let path = self.root().join(rel);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{rel} has no {from:?}");
        std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A response.
struct Resp {
    status: u16,
    head: String,
    body: Vec<u8>,
}

impl Resp {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    fn header(&self, name: &str) -> Option<String> {
        self.head.lines().skip(1).find_map(|l| {
            let (n, v) = l.split_once(':')?;
            n.eq_ignore_ascii_case(name).then(|| v.trim().to_string())
        })
    }

    /// The site version a served HTML page shows (one more after every rebuild).
    fn version(&self) -> u64 {
        let text = self.text();
        let start = text
            .find("<meta name=\"gongkai-serve\" content=\"")
            .expect("a served page")
            + "<meta name=\"gongkai-serve\" content=\"".len();
        text[start..].split('"').next().unwrap().parse().unwrap()
    }

    fn has(&self, needle: &str) -> bool {
        self.status == 200 && self.text().contains(needle)
    }
}

/// Send a raw request and read the whole answer (the server closes after it).
fn request(port: u16, raw: &str) -> Resp {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect to serve");
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    stream.write_all(raw.as_bytes()).unwrap();
    let mut data = Vec::new();
    stream.read_to_end(&mut data).unwrap();
    let split = data
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no response head: {:?}", String::from_utf8_lossy(&data)));
    let head = String::from_utf8_lossy(&data[..split]).into_owned();
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("bad status line: {head}"));
    Resp {
        status,
        head,
        body: data[split + 4..].to_vec(),
    }
}

/// The search index files of a site (whatever their format), found by a real build.
fn search_files(root: &Path) -> Vec<String> {
    let out = tempfile::tempdir().unwrap();
    let (code, _, err) = common::build(root, &out.path().join("o"), "2026-11-22");
    assert_eq!(code, 0, "{err}");
    let o = out.path().join("o");
    let mut files: Vec<String> = walkdir::WalkDir::new(&o)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            e.path()
                .strip_prefix(&o)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        })
        .filter(|p| p.starts_with("search") && !p.ends_with(".html"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "the build wrote no search index files");
    files
}

const DOG: &str = "/policies/1111111111-2018-00001/";

#[test]
fn edit_a_title_and_the_page_changes() {
    let s = Serve::start("mini");
    let before = s.get(DOG);
    assert!(before.has("关于印发测试市城区养犬管理暂行办法的通知"));
    s.edit(
        "content/policies/dog.md",
        "title: 关于印发测试市城区养犬管理暂行办法的通知",
        "title: 关于印发测试市城区养犬管理办法（修订）的通知",
    );
    s.wait_page(DOG, "the new title", |r| {
        r.has("关于印发测试市城区养犬管理办法（修订）的通知")
    });
    // The listing shows it too, and the old title is gone from both.
    let listing = s.wait_page("/policies/", "the new title", |r| {
        r.has("养犬管理办法（修订）")
    });
    assert!(!listing.text().contains("养犬管理暂行办法的通知"));
    assert!(!s.get(DOG).text().contains("养犬管理暂行办法的通知"));
    let line = s.rebuild_lines().last().cloned().unwrap();
    assert!(
        line.contains("重新读取") && line.contains("个网页") && line.contains("毫秒"),
        "{line}"
    );
    // serve never writes into the site: no public/, nothing new in content/.
    assert!(!s.root().join("public").exists());
}

#[test]
fn delete_a_policy_and_it_vanishes_everywhere() {
    let s = Serve::start("mini");
    let title = "测试删除用的临时政策";
    let url = "/policies/1111111111-2024-00009/";
    s.write(
        "content/policies/extra.md",
        &format!("---\ntitle: {title}\nindex_no: 1111111111/2024-00009\ndoc_no: 测政发〔2024〕9号\nissuer: 测试市人民政府\nissued: 2024-05-01\n---\n\n临时政策正文。\n"),
    );
    let pages = [
        "/policies/",
        "/catalog/%E6%B3%95%E5%AE%9A%E4%B8%BB%E5%8A%A8%E5%85%AC%E5%BC%80%E5%86%85%E5%AE%B9/%E6%94%BF%E7%AD%96%E6%96%87%E4%BB%B6/",
        "/feed.xml",
    ];
    s.wait_page(url, "the new policy", |r| r.has(title));
    for p in pages {
        assert!(s.get(p).has(title), "{p} lacks the new policy");
    }
    assert!(s.get("/sitemap.xml").has("1111111111-2024-00009"));
    let search = search_files(s.root());
    assert!(
        search.iter().any(|f| s.get(&format!("/{f}")).has(title)),
        "no search file has the new policy: {search:?}"
    );

    std::fs::remove_file(s.root().join("content/policies/extra.md")).unwrap();
    s.wait_page(url, "404", |r| r.status == 404);
    for p in pages {
        let r = s.get(p);
        assert_eq!(r.status, 200, "{p}");
        assert!(
            !r.text().contains(title),
            "{p} still lists the deleted policy"
        );
    }
    assert!(!s
        .get("/sitemap.xml")
        .text()
        .contains("1111111111-2024-00009"));
    for f in search_files(s.root()) {
        let r = s.get(&format!("/{f}"));
        assert_eq!(r.status, 200, "{f}");
        assert!(
            !r.text().contains(title),
            "{f} still has the deleted policy"
        );
        assert!(
            !r.text().contains("2024-00009"),
            "{f} still has the deleted policy"
        );
    }
}

#[test]
fn add_an_interpretation_and_the_policy_box_gains_it() {
    let s = Serve::start("mini");
    let title = "新增解读：养犬办法十问十答";
    assert!(!s.get(DOG).text().contains(title));
    s.write(
        "content/interpretations/new.md",
        &format!("---\ntitle: {title}\npublished: 2018-03-04\npolicy: 泰政办字〔2018〕51号\nform: 图解\n---\n\n解读正文。\n"),
    );
    let page = s.wait_page(DOG, "the new interpretation", |r| r.has(title));
    let text = page.text();
    let boxed = text
        .find("相关解读")
        .expect("the policy page has a 相关解读 box");
    assert!(
        text[boxed..].contains(title),
        "the new interpretation is outside the 相关解读 box"
    );
    // The interpretation's own page links back to its policy.
    let own = s.wait_page("/interpretations/new/", "the interpretation page", |r| {
        r.status == 200
    });
    assert!(own.text().contains("1111111111-2018-00001"));
}

#[test]
fn broken_yaml_shows_the_diagnostic_keeps_the_old_page_and_recovers() {
    let mut s = Serve::start("mini");
    let seen = s.rebuild_lines().len();
    s.edit(
        "content/policies/dog.md",
        "issued: 2018-03-01",
        "issued: [2018-03-01",
    );
    let line = s.wait_rebuild_after(seen);
    assert!(line.contains("错误"), "{line}");
    // The terminal shows the diagnostic as `check` does.
    s.wait_line("the diagnostic", |l| {
        l.contains("content/policies/dog.md:9")
    });
    let page = s.wait_page(DOG, "the error banner", |r| {
        r.text().contains("role=\"alert\"")
    });
    assert_eq!(page.status, 200, "the last good page is still served");
    let text = page.text();
    assert!(
        text.contains("关于印发测试市城区养犬管理暂行办法的通知"),
        "old page content"
    );
    let banner = &text[text.find("role=\"alert\"").expect("an error banner")..];
    assert!(banner.contains("content/policies/dog.md:9"), "{banner}");
    assert!(banner.contains("E0102"));
    assert!(banner.contains("提示："));
    // Every HTML page carries the banner, other files are untouched.
    assert!(s.get("/").text().contains("role=\"alert\""));
    assert!(!s.get("/sitemap.xml").text().contains("role=\"alert\""));

    s.edit(
        "content/policies/dog.md",
        "issued: [2018-03-01",
        "issued: 2018-03-01",
    );
    s.wait_page(DOG, "recovery", |r| {
        r.status == 200 && !r.text().contains("role=\"alert\"")
    });
    assert!(s.get(DOG).has("养犬管理暂行办法"));
}

#[test]
fn a_site_broken_at_start_shows_an_error_page_and_recovers_when_fixed() {
    let s = Serve::start_with("mini", &[], |root| {
        let p = root.join("content/policies/new.md");
        let t = std::fs::read_to_string(&p).unwrap();
        std::fs::write(
            &p,
            t.replacen("issued: 2021-01-01", "issued: 2021-13-45", 1),
        )
        .unwrap();
    });
    let page = s.get("/");
    assert_eq!(page.status, 503);
    assert!(page.text().contains("role=\"alert\""));
    assert!(page.text().contains("content/policies/new.md:"));
    s.edit(
        "content/policies/new.md",
        "issued: 2021-13-45",
        "issued: 2021-01-01",
    );
    s.wait_page("/", "the site", |r| {
        r.status == 200 && !r.text().contains("role=\"alert\"")
    });
}

#[test]
fn content_types_404_and_base_path() {
    let s = Serve::start("mini");
    let cases = [
        ("/", "text/html; charset=utf-8"),
        ("/index.html", "text/html; charset=utf-8"),
        ("/search.json", "application/json; charset=utf-8"),
        ("/sitemap.xml", "application/xml; charset=utf-8"),
        ("/feed.xml", "application/xml; charset=utf-8"),
        ("/static/img/cursor.svg", "image/svg+xml; charset=utf-8"),
        ("/static/css/site.css", "text/css; charset=utf-8"),
        ("/static/js/search.js", "text/javascript; charset=utf-8"),
        ("/robots.txt", "text/plain; charset=utf-8"),
        ("/__gongkai/reload.js", "text/javascript; charset=utf-8"),
        ("/__gongkai/serve.css", "text/css; charset=utf-8"),
    ];
    for (path, ct) in cases {
        let r = s.get(path);
        assert_eq!(r.status, 200, "{path}");
        assert_eq!(r.header("Content-Type").as_deref(), Some(ct), "{path}");
        assert_eq!(
            r.header("Content-Length"),
            Some(r.body.len().to_string()),
            "{path}"
        );
    }
    // The fixture's base_url is https://test.example.gov.cn/portal/: served there too.
    assert_eq!(s.get("/portal/").text(), s.get("/").text());
    assert_eq!(
        s.get("/portal/sitemap.xml").body,
        s.get("/sitemap.xml").body
    );
    assert!(s.get("/portal/policies/").has("养犬"));
    let r = s.get("/portal");
    assert_eq!(
        (r.status, r.header("Location").as_deref()),
        (301, Some("/portal/"))
    );
    let r = s.get("/policies?x=1");
    assert_eq!(
        (r.status, r.header("Location").as_deref()),
        (301, Some("/policies/?x=1"))
    );
    // Chinese paths, percent-encoded as browsers send them.
    let r = s.get("/policies/topic/%E5%85%AC%E5%85%B1%E5%AE%89%E5%85%A8/");
    assert_eq!(r.status, 200);
    // Missing pages: the site's own 404 page with status 404.
    let r = s.get("/no/such/page.html");
    assert_eq!(r.status, 404);
    assert_eq!(
        r.header("Content-Type").as_deref(),
        Some("text/html; charset=utf-8")
    );
    assert!(r.text().contains("页面不存在"));
    // The output marker is not part of the site.
    assert_eq!(s.get("/.gongkai-output").status, 404);
    // HTML carries the strict CSP the reload script works under (a same-origin file).
    let csp = s.get("/").header("Content-Security-Policy").unwrap();
    assert!(csp.contains("default-src 'self'"), "{csp}");
    assert!(!csp.contains("unsafe-inline"));
}

#[test]
fn traversal_bad_requests_and_other_methods_are_refused() {
    let s = Serve::start("mini");
    for target in [
        "/../config.toml",
        "/%2e%2e/config.toml",
        "/policies/%2E%2E/%2E%2E/config.toml",
        "/static/..%2f..%2fconfig.toml",
        "/static%5c..%5cconfig.toml",
        "/static\\..\\config.toml",
        "/a%00b",
        "/%zz",
    ] {
        let r = request(
            s.port,
            &format!("GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"),
        );
        assert_eq!(r.status, 400, "{target}");
        assert!(
            !r.text().contains("base_url"),
            "{target} leaked config.toml"
        );
    }
    for raw in [
        "NONSENSE\r\n\r\n",
        "GET / HTTP/1.1\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: evil.example\r\n\r\n",
        "GET / HTTP/9.9\r\nHost: 127.0.0.1\r\n\r\n",
    ] {
        assert_eq!(request(s.port, raw).status, 400, "{raw:?}");
    }
    let long = format!(
        "GET /{} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
        "a".repeat(20_000)
    );
    assert_eq!(request(s.port, &long).status, 431);
    for method in ["POST", "PUT", "DELETE", "OPTIONS"] {
        let r = request(
            s.port,
            &format!("{method} / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n"),
        );
        assert_eq!(r.status, 405, "{method}");
        assert_eq!(r.header("Allow").as_deref(), Some("GET, HEAD"));
    }
    let head = request(
        s.port,
        "HEAD / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    assert_ne!(head.header("Content-Length").as_deref(), Some("0"));
    // Still serving after all that.
    assert_eq!(s.get("/").status, 200);
}

#[test]
fn reload_script_is_only_in_serve_responses() {
    let s = Serve::start("mini");
    let page = s.get(DOG).text();
    assert!(page.contains("<script src=\"/__gongkai/reload.js\" defer></script>"));
    assert!(page.contains("<link rel=\"stylesheet\" href=\"/__gongkai/serve.css\">"));
    assert!(!page.contains("style=\""), "no inline styles");
    let js = s.get("/__gongkai/reload.js").text();
    assert!(js.contains("EventSource") && js.contains("/__gongkai/events"));
    // Not injected into non-HTML files.
    assert!(!s.get("/static/js/search.js").text().contains("__gongkai"));

    // The event stream announces a new version after a rebuild.
    let mut stream = TcpStream::connect(("127.0.0.1", s.port)).unwrap();
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    stream
        .write_all(b"GET /__gongkai/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .unwrap();
    let mut reader = BufReader::new(stream);
    let mut versions = Vec::new();
    let mut line = String::new();
    while versions.is_empty() {
        line.clear();
        assert!(
            reader.read_line(&mut line).unwrap() > 0,
            "event stream closed"
        );
        if let Some(v) = line.trim_end().strip_prefix("data: ") {
            versions.push(v.to_string());
        }
    }
    let seen = s.rebuild_lines().len();
    s.edit(
        "content/policies/dog.md",
        "topics: [公共安全]",
        "topics: [公共安全, 城市管理]",
    );
    s.wait_rebuild_after(seen);
    while versions.len() < 2 {
        line.clear();
        assert!(
            reader.read_line(&mut line).unwrap() > 0,
            "event stream closed"
        );
        if let Some(v) = line.trim_end().strip_prefix("data: ") {
            versions.push(v.to_string());
        }
    }
    assert_ne!(versions[0], versions[1]);

    // A build writes no trace of the preview.
    let out = tempfile::tempdir().unwrap();
    let (code, _, err) = common::build(s.root(), &out.path().join("o"), "2026-11-22");
    assert_eq!(code, 0, "{err}");
    for entry in walkdir::WalkDir::new(out.path())
        .into_iter()
        .filter_map(Result::ok)
    {
        if entry.file_type().is_file() {
            let bytes = std::fs::read(entry.path()).unwrap();
            assert!(
                !String::from_utf8_lossy(&bytes).contains("__gongkai"),
                "{} has serve's reload code",
                entry.path().display()
            );
        }
    }
}

#[test]
fn a_burst_of_500_files_is_one_rebuild() {
    let s = Serve::start("mini");
    let seen = s.rebuild_lines().len();
    let before = s.get("/").version();
    // Into a folder that exists, as a checkout does (a new folder alone marks a burst).
    let dir: PathBuf = s.root().join("content/policies");
    for i in 1..=500 {
        std::fs::write(
            dir.join(format!("p{i:03}.md")),
            format!("---\ntitle: 批量政策{i:03}\nindex_no: 1111111111/2025-{i:05}\nissuer: 测试市人民政府\nissued: 2025-01-02\n---\n\n正文{i}。\n"),
        )
        .unwrap();
    }
    s.wait_rebuild_after(seen);
    s.wait_page("/policies/1111111111-2025-00500/", "the last policy", |r| {
        r.has("批量政策500")
    });
    // A marker edit after the burst: its rebuild comes after any the burst caused, and
    // the page showing it carries the version, one more per rebuild, so the count is
    // exact without waiting a fixed time.
    s.edit(
        "content/policies/dog.md",
        "topics: [公共安全]",
        "topics: [公共安全, 批量之后]",
    );
    let after = s
        .wait_page(DOG, "the marker edit", |r| r.has("批量之后"))
        .version();
    assert_eq!(
        after - before,
        2,
        "the burst and the marker edit should be two rebuilds:\n{}",
        s.terminal()
    );
    let burst = &s.rebuild_lines()[seen];
    let reparsed: usize = burst
        .split("重新读取 ")
        .nth(1)
        .and_then(|r| r.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap();
    assert!(reparsed >= 500, "{burst}");
}

#[test]
fn output_gets_the_last_good_site_only_when_asked() {
    let out = tempfile::tempdir().unwrap();
    let target = out.path().join("site");
    let target_arg = target.to_string_lossy().into_owned();
    let s = Serve::start_with("mini", &["--output", &target_arg], |_| {});
    let deadline = Instant::now() + PATIENCE;
    while !target.join("index.html").exists() {
        assert!(
            Instant::now() < deadline,
            "--output was not written:\n{}",
            s.terminal()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let index = std::fs::read_to_string(target.join("index.html")).unwrap();
    assert!(
        !index.contains("__gongkai"),
        "the written site has no preview code"
    );
    let seen = s.rebuild_lines().len();
    s.edit(
        "content/policies/dog.md",
        "issued: 2018-03-01",
        "issued: [2018-03-01",
    );
    s.wait_rebuild_after(seen);
    let page =
        std::fs::read_to_string(target.join("policies/1111111111-2018-00001/index.html")).unwrap();
    assert!(
        page.contains("养犬管理暂行办法"),
        "a broken edit leaves the written site alone"
    );
    assert!(!s.root().join("public").exists());
}

#[test]
fn editor_saves_are_one_rebuild_and_hidden_files_none() {
    let s = Serve::start("mini");
    let before = s.get("/").version();
    // Swap, backup and lock files of editors: never a rebuild.
    s.write("content/policies/.dog.md.swp", "junk: [");
    s.write("content/policies/dog.md~", "junk: [");
    s.write("content/policies/#dog.md#", "junk: [");
    // A save by temporary file and rename, then the same bytes written again at once.
    let dog = s.root().join("content/policies/dog.md");
    let text = std::fs::read_to_string(&dog).unwrap().replacen(
        "养犬管理暂行办法的通知",
        "养犬管理暂行办法（编辑器保存）的通知",
        1,
    );
    let temp = s.root().join("content/policies/.dog.md.tmp");
    std::fs::write(&temp, &text).unwrap();
    std::fs::rename(&temp, &dog).unwrap();
    std::fs::write(&dog, &text).unwrap();
    s.wait_page(DOG, "the saved title", |r| r.has("（编辑器保存）"));
    // A marker edit: its rebuild follows any the save caused, so the count is exact.
    s.edit(
        "content/policies/new.md",
        "部分规章和规范性文件的决定",
        "部分规章和规范性文件的决定（标记）",
    );
    let after = s
        .wait_page("/policies/1111111111-2021-00001/", "the marker edit", |r| {
            r.has("（标记）")
        })
        .version();
    assert_eq!(after - before, 2, "{}", s.terminal());
    assert!(s.get(DOG).status == 200, "the junk files broke nothing");
}

#[test]
fn as_of_is_announced_and_another_bind_address_warns() {
    let mut s = Serve::start_with("mini", &["--bind", "0.0.0.0"], |_| {});
    s.wait_line("the as-of line", |l| {
        l.contains("效力状态按 2026-11-22 计算") && l.contains("午夜")
    });
    s.wait_line("the bind warning", |l| {
        l.starts_with("警告：预览服务器监听 0.0.0.0") && l.contains("其他计算机")
    });
    assert_eq!(s.get("/").status, 200);
    let local = Serve::start("mini");
    assert!(
        !local.terminal().contains("警告：预览服务器监听"),
        "no warning on the loopback default"
    );
}

#[test]
fn a_port_in_use_is_a_clear_error() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let site = common::fixture("mini");
    let out = common::gongkai()
        .args(["serve", "--port", &port, "--root"])
        .arg(site.path())
        .timeout(PATIENCE)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("端口可能已被占用") && err.contains("--port"),
        "{err}"
    );
    assert!(!site.path().join("public").exists());
}
