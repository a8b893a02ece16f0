//! Promises the README makes that no other test pinned: a warning raised to an error by
//! configuration stops the build; files nobody references are not published; the feed and
//! sitemap hold the right entries in the right order, escaped; listings paginate and link
//! their pages; the output does not depend on the number of threads; symlinks are skipped
//! with a warning.

mod common;
use common::*;
use std::path::Path;

const AS_OF: &str = "2026-11-22";

/// Values of every `<tag>…</tag>` in `xml`, in order.
fn elements(xml: &str, tag: &str) -> Vec<String> {
    let open = format!("<{tag}>");
    let close = format!("</{tag}>");
    xml.split(&open)
        .skip(1)
        .map(|rest| rest.split(&close).next().unwrap().to_string())
        .collect()
}

/// The golden fixture, built as of `AS_OF`; returns (site, output dir).
fn golden_build() -> (tempfile::TempDir, std::path::PathBuf) {
    let site = fixture("golden");
    let out = site.path().join("public");
    let (code, stdout, stderr) = build(site.path(), &out, AS_OF);
    assert_eq!(code, 0, "{stdout}{stderr}");
    (site, out)
}

#[test]
fn a_warning_raised_to_an_error_by_config_fails_the_build_and_keeps_the_output() {
    let site = fixture("golden");
    // Without its interpretation the repealed normative policy misses 三同步 (W0304).
    std::fs::remove_file(site.path().join("content/interpretations/old-rules.md")).unwrap();
    let out = site.path().join("public");

    // As a warning (the default) the build publishes.
    let (code, stdout, stderr) = build(site.path(), &out, AS_OF);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(
        format!("{stdout}{stderr}").contains("警告[W0304]"),
        "{stdout}{stderr}"
    );

    let config = site.path().join("config.toml");
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str("\n[interpretation]\nmissing = \"error\"\n");
    std::fs::write(&config, text).unwrap();
    std::fs::write(out.join("index.html"), "已发布的旧首页").unwrap();
    let before = snapshot_tree(&out);

    let (code, stdout, stderr) = build(site.path(), &out, AS_OF);
    assert_eq!(
        code, 1,
        "missing = \"error\" must fail the build:\n{stdout}{stderr}"
    );
    assert!(
        format!("{stdout}{stderr}").contains("错误[W0304] content/policies/repealed.md:2"),
        "the code stays W0304, the severity becomes 错误:\n{stdout}{stderr}"
    );
    assert!(
        snapshot_tree(&out) == before,
        "a build failed by a raised warning must not touch the output"
    );
    let (code, json) = check_json(site.path());
    assert_eq!(code, 1);
    let d = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "W0304")
        .unwrap_or_else(|| panic!("no W0304 in {json:#}"));
    assert_eq!(d["severity"], "error", "{json:#}");
    assert_eq!(json["errors"], 1, "{json:#}");
}

#[test]
fn a_file_under_content_that_no_document_references_is_not_published() {
    let (site, out) = golden_build();
    let folder = "policies/with-attachment";
    assert!(site
        .path()
        .join("content")
        .join(folder)
        .join("未引用的草稿.txt")
        .is_file());
    assert!(out
        .join("files")
        .join(folder)
        .join("附件1-价格表.csv")
        .is_file());
    let leaked: Vec<String> = snapshot_tree(&out)
        .into_iter()
        .map(|(p, _)| p.to_string_lossy().into_owned())
        .filter(|p| p.contains("未引用的草稿"))
        .collect();
    assert!(leaked.is_empty(), "unreferenced file published: {leaked:?}");
}

#[test]
fn the_feed_lists_dated_documents_newest_first_with_escaped_titles() {
    let (_site, out) = golden_build();
    let feed = read(&out, "feed.xml");
    // The feed's own title comes first; then one entry per non-page document, newest
    // first, ties broken by source path (interpretations/ before policies/).
    let titles = elements(&feed, "title");
    assert_eq!(
        titles[1..],
        [
            "示例县人民政府办公室政务公开负面清单",
            "关于“水 &amp; 电”&lt;价格&gt; 调整的&quot;通知&quot;",
            "示例县人民政府2024年政府信息公开工作年度报告",
            "示例县人民政府办公室关于修改《示例县停车场管理办法》的通知",
            "《示例县停车场管理办法》解读",
            "示例县人民政府办公室关于印发《示例县停车场管理办法》的通知",
            "示例县人民政府2020年政府信息公开工作年度报告",
            "图解《示例县旧停车管理规定》",
            "示例县人民政府关于印发《示例县旧停车管理规定》的通知",
        ]
    );
    assert_eq!(feed.matches("<entry>").count(), 9);
    let updated = elements(&feed, "updated");
    assert_eq!(
        updated[0], "2026-03-01T00:00:00+08:00",
        "feed updated = newest entry"
    );
    let mut dates = updated[1..].to_vec();
    dates.sort_by(|a, b| b.cmp(a));
    assert_eq!(dates, updated[1..], "entries newest first");
    // Pages (联系我们, the guide) are not news.
    assert!(!feed.contains("联系我们") && !feed.contains("信息公开指南"));
    for bad in ["& ", "<价格>", "\"通知\""] {
        assert!(!feed.contains(bad), "unescaped {bad:?} in feed.xml");
    }
}

#[test]
fn the_sitemap_lists_every_page_once_in_path_order_with_document_dates() {
    let (_site, out) = golden_build();
    let sitemap = read(&out, "sitemap.xml");
    let base = "https://golden.example.gov.cn/xxgk/";
    let locs = elements(&sitemap, "loc");
    // Every HTML page but 404.html, as a directory URL, in output-path order.
    let pages: Vec<String> = snapshot_tree(&out)
        .into_iter()
        .map(|(p, _)| p.to_string_lossy().replace('\\', "/"))
        .filter(|p| p.ends_with("index.html"))
        .collect();
    assert_eq!(locs.len(), pages.len(), "{locs:#?}\n{pages:#?}");
    for (loc, page) in locs.iter().zip(&pages) {
        let expected = format!("{base}{}", page.trim_end_matches("index.html"));
        let decoded = percent_decode(loc);
        assert_eq!(decoded, expected, "sitemap order or URL");
    }
    assert!(!sitemap.contains("404"));
    // Documents carry their publication date; listings have none.
    assert!(sitemap.contains(
        "<loc>https://golden.example.gov.cn/xxgk/policies/4305210003-2025-00004/</loc><lastmod>2025-06-04</lastmod>"
    ));
    assert!(sitemap.contains("<url><loc>https://golden.example.gov.cn/xxgk/policies/</loc></url>"));
    assert_eq!(
        sitemap.matches("<lastmod>").count(),
        9,
        "one per dated document (4 policies, 2 interpretations, 1 list, 2 reports)"
    );
    assert!(
        !sitemap.replace("&amp;", "").contains('&'),
        "raw & in sitemap.xml"
    );
    // Non-ASCII paths are percent-encoded in <loc>.
    assert!(locs.iter().all(|l| l.is_ascii()), "{locs:#?}");
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

#[test]
fn listings_paginate_and_link_their_pages() {
    // page_size = 2 and 4 policies: two pages, no third.
    let (_site, out) = golden_build();
    assert!(out.join("policies/page/2/index.html").is_file());
    assert!(!out.join("policies/page/3").exists());
    assert!(
        !out.join("policies/page/1").exists(),
        "page 1 is the listing itself"
    );
    let first = read(&out, "policies/index.html");
    let second = read(&out, "policies/page/2/index.html");
    assert!(first.contains(r#"<a href="../policies/page/2/index.html" rel="next">下一页</a>"#));
    assert!(!first.contains("rel=\"prev\""));
    assert!(second.contains(r#"<a href="../../../policies/index.html" rel="prev">上一页</a>"#));
    assert!(!second.contains("rel=\"next\""));
    assert!(first.contains(r#"<span aria-current="page">第1页</span>"#));
    assert!(second.contains(r#"<span aria-current="page">第2页</span>"#));
    // Each policy is on exactly one of the two pages.
    for no in ["2024-00001", "2020-00003", "2025-00002", "2025-00004"] {
        let link = format!("policies/4305210003-{no}/index.html");
        let on = [&first, &second]
            .iter()
            .filter(|p| p.contains(&link))
            .count();
        assert_eq!(on, 1, "{link} is on {on} listing pages");
    }
    // A facet with 3 entries paginates too; one with a single entry does not.
    assert!(out
        .join("policies/topic/城乡建设/page/2/index.html")
        .is_file());
    assert!(!out.join("policies/topic/价格/page/2").exists());
}

fn build_with_threads(root: &Path, out: &Path, threads: Option<&str>) {
    let mut cmd = gongkai();
    cmd.args(["build", "--as-of", AS_OF, "--root"])
        .arg(root)
        .arg("--output")
        .arg(out);
    match threads {
        Some(n) => cmd.env("RAYON_NUM_THREADS", n),
        None => cmd.env_remove("RAYON_NUM_THREADS"),
    };
    let o = cmd.output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn one_thread_and_the_default_build_byte_identical_output() {
    // The demo site: the largest content in the repository, so the parallel stages really
    // split work across threads.
    let dir = tempfile::tempdir().unwrap();
    let (one, many) = (dir.path().join("one"), dir.path().join("many"));
    build_with_threads(&repo(), &one, Some("1"));
    build_with_threads(&repo(), &many, Some("4"));
    let (a, b) = (snapshot_tree(&one), snapshot_tree(&many));
    assert!(a.len() > 100, "the demo build wrote only {} files", a.len());
    let names = |t: &[(std::path::PathBuf, Vec<u8>)]| -> Vec<std::path::PathBuf> {
        t.iter().map(|(p, _)| p.clone()).collect()
    };
    assert_eq!(names(&a), names(&b), "different file sets");
    for ((path, x), (_, y)) in a.iter().zip(&b) {
        assert!(x == y, "{} differs between 1 and 4 threads", path.display());
    }
    // And the default thread count (whatever this machine has).
    let default = dir.path().join("default");
    build_with_threads(&repo(), &default, None);
    assert!(
        snapshot_tree(&default) == a,
        "default-thread build differs from 1 thread"
    );
}

#[cfg(unix)]
#[test]
fn a_symlink_under_content_is_refused_with_e0130() {
    let site = fixture("golden");
    let link = site.path().join("content/pages/link.md");
    std::os::unix::fs::symlink(site.path().join("content/pages/contact.md"), &link).unwrap();
    let (code, json) = check_json(site.path());
    assert_eq!(code, 1, "{json:#}");
    let e: Vec<&serde_json::Value> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "E0130")
        .collect();
    assert_eq!(e.len(), 1, "{json:#}");
    assert_eq!(e[0]["file"], "content/pages/link.md");
    assert_eq!(e[0]["severity"], "error");
    let out = site.path().join("public");
    let (code, stdout, stderr) = build(site.path(), &out, AS_OF);
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(
        !out.exists(),
        "a build with a refused symlink wrote the output"
    );
}
