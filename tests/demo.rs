//! The demo county portal (`content/` + `config.toml` at the repository root), built
//! once as of a fixed date, checked the way an officer would look at it.

mod common;
use common::*;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

fn demo() -> &'static Path {
    static OUT: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_, out) = OUT.get_or_init(|| {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let (code, _, err) = build(&repo(), &out, "2026-11-22");
        assert_eq!(code, 0, "{err}");
        (tmp, out)
    });
    out
}

fn pages_under(dir: &Path) -> Vec<PathBuf> {
    let mut pages: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path().join("index.html"))
        .filter(|p| p.exists())
        .collect();
    pages.sort();
    pages
}

#[test]
fn demo_has_the_site_files_and_thirty_complete_policy_pages() {
    let out = demo();
    for f in [
        "index.html",
        "sitemap.xml",
        "404.html",
        "robots.txt",
        "feed.xml",
        "search.json",
        "sitemap/index.html",
        "catalog/index.html",
    ] {
        assert!(out.join(f).exists(), "{f}");
    }
    let policies: Vec<PathBuf> = pages_under(&out.join("policies"))
        .into_iter()
        .filter(|p| {
            p.parent()
                .unwrap()
                .file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("4305210003-")
        })
        .collect();
    assert!(policies.len() >= 30, "{} policy pages", policies.len());
    let labels = [
        "现行有效",
        "已修改",
        "部分失效",
        "尚未生效",
        "已失效",
        "已废止",
    ];
    for p in &policies {
        let html = std::fs::read_to_string(p).unwrap();
        for field in [
            "索引号",
            "发文字号",
            "发文机关",
            "成文日期",
            "发布日期",
            "效力状态",
        ] {
            assert!(html.contains(field), "{} lacks {field}", p.display());
        }
        assert!(
            labels.iter().any(|l| html.contains(l)),
            "{} has no status",
            p.display()
        );
    }
    // The demo exercises every status the county has: expired, repealed, amended, not yet effective.
    let all: String = policies
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    for status in ["现行有效", "已修改", "尚未生效", "已失效", "已废止"] {
        assert!(
            all.contains(&format!(">{status}<")),
            "no policy shows {status}"
        );
    }
    let sitemap = read(out, "sitemap.xml");
    assert!(sitemap.contains("<loc>https://www.shilixian.example.gov.cn/xxgk/policies/4305210003-"));
    assert!(read(out, "feed.xml").contains("<feed xmlns=\"http://www.w3.org/2005/Atom\""));
}

#[test]
fn demo_interpretations_cover_every_form_and_link_both_ways() {
    let out = demo();
    let listing = read(out, "interpretations/index.html");
    for form in [
        "文字解读",
        "图文解读",
        "图解",
        "视频解读",
        "新闻发布会",
        "专家解读",
        "答记者问",
        // Not in the common list, listed under its own name.
        "在线访谈",
    ] {
        assert!(listing.contains(&format!(">{form}<")), "no {form} facet");
    }
    // Every interpretation page links at least one policy page, and that page links back.
    let mut checked = 0;
    for entry in walkdir::WalkDir::new(out.join("interpretations")).sort_by_file_name() {
        let entry = entry.unwrap();
        let path = entry.path();
        if path.file_name().unwrap() != "index.html"
            || !std::fs::read_to_string(path).unwrap().contains("政策原文")
        {
            continue;
        }
        let html = std::fs::read_to_string(path).unwrap();
        let start = html.find("政策原文").unwrap();
        let href = html[start..]
            .split("href=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        let policy = path.parent().unwrap().join(href);
        let policy_html = std::fs::read_to_string(&policy)
            .unwrap_or_else(|e| panic!("{}: {e}", policy.display()));
        let rel = path
            .strip_prefix(out)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        assert!(
            policy_html.contains(&rel),
            "{} does not link back to {rel}",
            policy.display()
        );
        checked += 1;
    }
    assert!(checked >= 10, "checked {checked}");
}

#[test]
fn demo_check_reports_the_sync_summary() {
    let o = gongkai()
        .args(["check", "--as-of", "2026-11-22", "--root"])
        .arg(repo())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&o.stdout);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stdout.contains("三同步统计"), "{stdout}");
    assert!(stdout.contains("缺少解读 1 件"), "{stdout}");
    assert!(stdout.contains("解读滞后 1 件"), "{stdout}");
    // The late interpretation names its policy and says 三同步.
    let late = stderr
        .lines()
        .find(|l| l.contains("[W0305]"))
        .expect("a late interpretation");
    assert!(
        late.contains("三同步")
            && late.contains("第 25 个工作日")
            && late.contains("大病补充保障办法"),
        "{late}"
    );
    let (_, v) = check_json(&repo());
    assert_eq!(v["sync"]["missing"], 1);
    assert_eq!(v["sync"]["late"], 1);
    assert!(v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d["code"] == "W0305"));
}

#[test]
fn demo_annual_reports_use_the_template_wording() {
    let out = demo();
    let report = read(out, "annual-reports/2024/index.html");
    for text in [
        "危及“三安全一稳定”",
        "本年收费金额（单位：万元）",
        "本年新收政府信息公开申请数量",
        "结转下年度继续办理",
        "未经复议直接起诉",
        "<svg",
    ] {
        assert!(report.contains(text), "report lacks {text}");
    }
}

#[test]
fn demo_negative_list_is_one_accessible_table() {
    let out = demo();
    let dir = out.join("negative-lists");
    let page = pages_under(&dir)
        .into_iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .find(|h| h.contains("教育局"))
        .expect("the 教育局 list");
    assert_eq!(page.matches("<table").count(), 1);
    assert!(page.contains("<caption"));
    assert!(page.matches("scope=\"col\"").count() >= 4);
    assert!(page.contains("第八条"), "basis text kept exactly");
}

#[test]
fn demo_shows_an_on_request_entry_an_amended_notice_and_the_normative_catalogue() {
    let out = demo();
    // 依申请公开: metadata and how to apply; the body and the attachment nowhere.
    let page = read(out, "policies/4305210003-2025-00007/index.html");
    assert!(page.contains("示财社〔2025〕31号") && page.contains("依申请公开"));
    assert!(page.contains("apply/index.html"));
    for (path, bytes) in snapshot_tree(out) {
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains("壹佰贰拾叁万") && !text.contains("补贴资金分配明细"),
            "{} leaks the 依申请公开 document",
            path.display()
        );
    }
    // The parking rules of 2021 were amended in 2024: the notice names and links the
    // amending notice and says the amendment prevails.
    let amended = read(out, "policies/4305210003-2021-00004/index.html");
    let notice = &amended[amended.find("amended-notice").expect("notice")..];
    assert!(notice
        .contains("2024-04-28 经<a href=\"../../policies/4305210003-2024-00002/index.html\">"));
    assert!(notice.contains("被修改的条款以修改文件为准"));
    // 现行有效行政规范性文件目录: in force only, with 统一登记号.
    let normative = read(out, "normative/index.html");
    assert!(
        normative.contains("SSLR-2021-00103"),
        "amended but in force"
    );
    assert!(normative.contains(">已修改<"));
    assert!(!normative.contains(">已失效<") && !normative.contains(">已废止<"));
    assert!(!normative.contains("示财社〔2025〕31号"), "not normative");
    let rows = normative.matches("<th scope=\"row\">").count();
    assert!(rows >= 8, "{rows} rows");
}
