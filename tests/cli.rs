//! Command-line behaviour: `init`, `new`, `check` exit codes, and the demo site itself.

mod common;
use common::*;

#[test]
fn init_creates_a_site_that_builds_at_once_and_never_overwrites() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("站点");
    gongkai().arg("init").arg(&site).assert().success();
    let out = site.join("public");
    let (code, _, err) = build(&site, &out, "2026-11-22");
    assert_eq!(code, 0, "{err}");
    assert!(out.join("index.html").exists());
    // The statutory columns exist from the start, with placeholder text saying what to write.
    for column in ["guide", "system", "statutory", "apply"] {
        let page = read(&out, &format!("{column}/index.html"));
        assert!(page.contains("（请在此写"), "{column} has no placeholder");
    }
    assert!(out
        .join("catalog/法定主动公开内容/重大建设项目/index.html")
        .exists());
    assert!(out
        .join("catalog/法定主动公开内容/市政建设/index.html")
        .exists());
    // A second init into the same (now non-empty) folder refuses and changes nothing.
    let config_before = std::fs::read(site.join("config.toml")).unwrap();
    let o = gongkai().arg("init").arg(&site).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("不是空的"));
    assert_eq!(
        config_before,
        std::fs::read(site.join("config.toml")).unwrap()
    );
}

#[test]
fn new_policy_gets_the_next_free_index_number_and_never_overwrites() {
    let site = fixture("mini");
    let new = |title: &str, date: &str| {
        gongkai()
            .args(["new", "policy", title, "--date", date, "--root"])
            .arg(site.path())
            .output()
            .unwrap()
    };
    // 2021 already has 1111111111/2021-00001; a year without documents starts at 1.
    for (title, date, expected) in [
        (
            "关于测试新文件的通知",
            "2021-03-01",
            "1111111111/2021-00002",
        ),
        (
            "关于另一份文件的通知",
            "2026-11-22",
            "1111111111/2026-00001",
        ),
    ] {
        let o = new(title, date);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let created = String::from_utf8_lossy(&o.stdout);
        let rel = created.trim().trim_start_matches("已创建 ").to_string();
        let text = std::fs::read_to_string(site.path().join(&rel)).unwrap();
        assert!(text.contains(&format!("索引号: {expected}")), "{text}");
        // Same title again: refused, file untouched.
        let o = new(title, date);
        assert_eq!(o.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&o.stderr).contains("已存在"));
        assert_eq!(
            text,
            std::fs::read_to_string(site.path().join(&rel)).unwrap()
        );
    }
}

#[test]
fn new_annual_report_skeleton_builds() {
    let site = fixture("mini");
    gongkai()
        .args(["new", "annual-report", "2025", "--root"])
        .arg(site.path())
        .assert()
        .success();
    let out = site.path().join("out");
    let (code, _, err) = build(site.path(), &out, "2026-11-22");
    assert_eq!(code, 0, "{err}");
    assert!(out.join("annual-reports/2025/index.html").exists());
}

#[test]
fn check_fails_with_exit_1_on_errors_and_writes_nothing() {
    let site = fixture("mini");
    std::fs::write(
        site.path().join("content/policies/bad.md"),
        "---\ntitle: 坏\nissued: 明天\n---\n",
    )
    .unwrap();
    let o = gongkai()
        .args(["check", "--as-of", "2026-11-22", "--root"])
        .arg(site.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("错误[E0106] content/policies/bad.md:3"),
        "{err}"
    );
    assert!(err.contains("提示："), "diagnostics say what to do");
    assert!(!site.path().join("public").exists());
}

#[test]
fn missing_config_is_explained() {
    let tmp = tempfile::tempdir().unwrap();
    let o = gongkai()
        .args(["build", "--root"])
        .arg(tmp.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("找不到站点配置文件"));
}

#[test]
fn gbk_file_converts_with_encoding_flag() {
    let site = fixture("mini");
    let (gbk, _, _) = encoding_rs::GBK.encode("---\ntitle: 编码转换测试页面\n---\n正文内容\n");
    std::fs::write(site.path().join("content/guide/gbk.md"), &gbk).unwrap();
    let out = site.path().join("out");
    let (code, _, err) = build(site.path(), &out, "2026-11-22");
    assert_eq!(code, 1, "{err}");
    let o = gongkai()
        .args([
            "build",
            "--as-of",
            "2026-11-22",
            "--encoding",
            "gb18030",
            "--root",
        ])
        .arg(site.path())
        .arg("--output")
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(read(&out, "guide/gbk/index.html").contains("编码转换测试页面"));
}

#[test]
fn new_refuses_titles_with_line_breaks_or_too_long_and_impossible_years() {
    let site = fixture("mini");
    let before = snapshot_tree(&site.path().join("content"));
    let long = "关".repeat(300);
    for (kind, title, says) in [
        ("policy", "关于\n标题: 伪造", "换行"),
        ("policy", "关于\u{200B}通知", "不可见"),
        ("policy", long.as_str(), "超过"),
        ("policy", "\u{200B}\u{202E}", "不能为空"),
        ("annual-report", "-5", "年份"),
        ("annual-report", "99999", "年份"),
    ] {
        let o = gongkai()
            .args(["new", "--date", "2026-11-22", "--root"])
            .arg(site.path())
            .args([kind, "--", title])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{kind} {title:?}: {stderr}");
        assert!(stderr.contains(says), "{kind} {title:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
    assert_eq!(before, snapshot_tree(&site.path().join("content")));
}

#[test]
fn new_policy_with_an_impossible_sequence_width_is_an_error_not_a_panic() {
    let site = fixture("mini");
    let config = std::fs::read_to_string(site.path().join("config.toml")).unwrap();
    let config = if config.contains("format =") {
        config
            .lines()
            .map(|l| {
                if l.trim_start().starts_with("format =") {
                    "format = \"{org}/{year}-{seq:65536}\""
                } else {
                    l
                }
            })
            .collect::<Vec<_>>()
            .join("\n")
    } else {
        config.replace("[index]", "[index]\nformat = \"{org}/{year}-{seq:65536}\"")
    };
    std::fs::write(site.path().join("config.toml"), config).unwrap();
    let o = gongkai()
        .args([
            "new",
            "policy",
            "关于测试的通知",
            "--date",
            "2026-11-22",
            "--root",
        ])
        .arg(site.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("1 到 10"), "{stderr}");
}
