//! End-to-end builds of fixture sites and the demo site, driving the real binary.

mod common;
use common::*;

fn policy_page(out: &std::path::Path, index_no: &str) -> String {
    read(
        out,
        &format!("policies/{}/index.html", index_no.replace('/', "-")),
    )
}

#[test]
fn validity_is_computed_as_of_the_build_date() {
    let site = fixture("mini");
    let out = site.path().join("out");
    let (code, _, err) = build(site.path(), &out, "2026-11-22");
    assert_eq!(code, 0, "{err}");
    // Normative 暂行 document from 2018: the 2-year default has run out.
    let dog = policy_page(&out, "1111111111/2018-00001");
    assert!(
        dog.contains("已失效"),
        "expired normative document shows 已失效"
    );
    assert!(
        dog.contains("validity-banner"),
        "a document no longer in force has a banner"
    );
    // Lapsed (1 year: to 2019-12-31) before its 2021 repeal: the earlier event decides,
    // 已失效, and the later repeal is shown as history.
    let old = policy_page(&out, "1111111111/2019-00001");
    assert!(old.contains(">已失效<"), "{old}");
    assert!(!old.contains(">已废止<"));
    assert!(old.contains("有效期已于 2019-12-31 届满"));
    assert!(
        old.contains("class=\"validity-history\">此后，2021-01-01"),
        "the later repeal is history: {old}"
    );

    let earlier = site.path().join("earlier");
    let (code, _, err) = build(site.path(), &earlier, "2019-06-01");
    assert_eq!(code, 0, "{err}");
    assert!(policy_page(&earlier, "1111111111/2018-00001").contains("现行有效"));
    let old = policy_page(&earlier, "1111111111/2019-00001");
    assert!(old.contains("现行有效"));
    assert!(!old.contains("validity-banner"));
}

#[test]
fn doc_numbers_match_whatever_brackets_were_typed() {
    let site = fixture("mini");
    let out = site.path().join("out");
    let (code, _, err) = build(site.path(), &out, "2026-11-22");
    assert_eq!(code, 0, "{err}");
    // The policy is written 泰政办字[2018]51号; the interpretation refers to 泰政办字〔2018〕51号.
    let dog = policy_page(&out, "1111111111/2018-00001");
    assert!(dog.contains("泰政办字[2018]51号"));
    assert!(
        dog.contains("interpretations/dog/index.html"),
        "policy links its interpretation"
    );
    let interp = read(&out, "interpretations/dog/index.html");
    assert!(
        interp.contains("policies/1111111111-2018-00001/index.html"),
        "interpretation links its policy"
    );
    // A list of references by 索引号 and by 发文字号 with full-width parentheses.
    let both = read(&out, "interpretations/both/index.html");
    assert!(both.contains("policies/1111111111-2021-00001/index.html"));
    assert!(both.contains("policies/1111111111-2019-00001/index.html"));
    assert!(policy_page(&out, "1111111111/2019-00001").contains("interpretations/both/index.html"));
    // The repeal written by 索引号 links the repealing document.
    assert!(policy_page(&out, "1111111111/2019-00001")
        .contains("policies/1111111111-2021-00001/index.html"));
}

#[test]
fn chinese_numbered_points_render_bold() {
    let site = fixture("mini");
    let out = site.path().join("out");
    let (code, _, err) = build(site.path(), &out, "2026-11-22");
    assert_eq!(code, 0, "{err}");
    let dog = policy_page(&out, "1111111111/2018-00001");
    assert!(
        dog.contains("<strong>（一）加强组织领导。</strong>各单位要高度重视"),
        "{dog}"
    );
}

#[test]
fn relative_markdown_links_to_documents_become_page_links() {
    let site = fixture("mini");
    let out = site.path().join("out");
    let (code, _, err) = build(site.path(), &out, "2026-11-22");
    assert_eq!(code, 0, "{err}");
    let guide = read(&out, "guide/index.html");
    assert!(
        guide.contains("href=\"../policies/1111111111-2018-00001/index.html\""),
        "{guide}"
    );
}

#[test]
fn same_content_and_date_give_byte_identical_output() {
    let site = fixture("mini");
    let (a, b) = (site.path().join("a"), site.path().join("b"));
    assert_eq!(build(site.path(), &a, "2026-11-22").0, 0);
    assert_eq!(build(site.path(), &b, "2026-11-22").0, 0);
    assert_eq!(snapshot_tree(&a), snapshot_tree(&b));
}

#[test]
fn unchanged_rebuild_writes_nothing_and_a_change_writes_only_what_changed() {
    let site = fixture("mini");
    let out = site.path().join("out");
    let (_, _, first) = build(site.path(), &out, "2026-11-22");
    assert!(!first.contains("写入 0 个"), "{first}");
    let mtimes = |dir: &std::path::Path| -> Vec<(std::path::PathBuf, std::time::SystemTime)> {
        walkdir::WalkDir::new(dir)
            .sort_by_file_name()
            .into_iter()
            .map(|e| e.unwrap())
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                (
                    e.path().to_path_buf(),
                    e.metadata().unwrap().modified().unwrap(),
                )
            })
            .collect()
    };
    let before = mtimes(&out);
    std::thread::sleep(std::time::Duration::from_millis(20));
    let (code, _, second) = build(site.path(), &out, "2026-11-22");
    assert_eq!(code, 0);
    assert!(second.contains("写入 0 个、删除 0 个"), "{second}");
    assert_eq!(before, mtimes(&out), "no file was rewritten");

    // Removing a document removes its page.
    std::fs::remove_file(site.path().join("content/interpretations/both.md")).unwrap();
    let (code, _, third) = build(site.path(), &out, "2026-11-22");
    assert_eq!(code, 0);
    assert!(!out.join("interpretations/both/index.html").exists());
    assert!(!third.contains("删除 0 个"), "{third}");
}

#[test]
fn failed_build_leaves_previous_output_exactly_as_it_was() {
    let site = fixture("mini");
    let out = site.path().join("out");
    assert_eq!(build(site.path(), &out, "2026-11-22").0, 0);
    let before = snapshot_tree(&out);
    std::fs::write(
        site.path().join("content/policies/broken.md"),
        "---\ntitle: 坏文件\nindex_no: 1111111111/2018-00001\nissuer: 测试\nissued: 2024-01-01\n---\n![](x.png)\n",
    )
    .unwrap();
    let (code, _, err) = build(site.path(), &out, "2026-11-22");
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("未作任何改动"), "{err}");
    assert_eq!(before, snapshot_tree(&out));
    // Pages rendered before the error was known were staged beside the output, and are gone.
    let leftovers: Vec<_> = std::fs::read_dir(site.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("staging"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn refuses_to_clean_a_folder_it_did_not_create() {
    let site = fixture("mini");
    let out = site.path().join("somebody-else");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("important.docx"), "x").unwrap();
    let (code, _, err) = build(site.path(), &out, "2026-11-22");
    assert_eq!(code, 2, "{err}");
    assert!(err.contains(".gongkai-output"), "{err}");
    assert!(out.join("important.docx").exists());
}

#[test]
fn raw_html_is_sanitised_and_titles_escaped() {
    let site = fixture("mini");
    std::fs::write(
        site.path().join("content/guide/xss.md"),
        "---\ntitle: \"<script>alert(1)</script>标题\"\n---\n\n<script>alert(2)</script>\n\n<img src=x.png alt=\"图\" onerror=\"alert(3)\">\n\n[点我](javascript:alert(4))\n",
    )
    .unwrap();
    std::fs::write(site.path().join("content/guide/x.png"), "png").unwrap();
    let out = site.path().join("out");
    let (code, _, err) = build(site.path(), &out, "2026-11-22");
    assert_eq!(code, 0, "{err}");
    let page = read(&out, "guide/xss/index.html");
    assert!(!page.contains("<script>alert"), "{page}");
    assert!(page.contains("&lt;script&gt;alert(1)"));
    assert!(!page.contains("onerror"));
    assert!(!page.contains("javascript:"));
}

#[test]
fn government_meta_tags_by_page_level() {
    let site = fixture("mini");
    let out = site.path().join("out");
    assert_eq!(build(site.path(), &out, "2026-11-22").0, 0);
    let doc = policy_page(&out, "1111111111/2018-00001");
    for tag in [
        "SiteName",
        "SiteDomain",
        "SiteIDCode",
        "ArticleTitle",
        "PubDate",
        "ContentSource",
        "Url",
    ] {
        assert!(
            doc.contains(&format!("<meta name=\"{tag}\"")),
            "document page lacks {tag}"
        );
    }
    assert!(doc.contains("<meta name=\"PubDate\" content=\"2018-03-02 00:00\">"));
    let listing = read(&out, "policies/index.html");
    for tag in [
        "SiteName",
        "SiteIDCode",
        "ColumnName",
        "ColumnDescription",
        "ColumnKeywords",
        "ColumnType",
    ] {
        assert!(
            listing.contains(&format!("<meta name=\"{tag}\"")),
            "column page lacks {tag}"
        );
    }
    assert!(!listing.contains("ArticleTitle"));
    // Footer identity on every page.
    for page in [
        &doc,
        &listing,
        &read(&out, "index.html"),
        &read(&out, "404.html"),
    ] {
        assert!(page.contains("bm12345678") && page.contains("测试市人民政府办公室"));
    }
}

#[test]
fn check_json_is_machine_readable_and_includes_sync_findings() {
    let site = fixture("mini");
    let (code, v) = check_json(site.path());
    assert_eq!(code, 0);
    assert_eq!(v["errors"], 0);
    assert!(v["sync"]["normative"].as_u64().unwrap() >= 2);
    assert!(v["diagnostics"].as_array().is_some());
}

#[test]
fn site_templates_override_the_theme_file_by_file() {
    let site = fixture("mini");
    std::fs::create_dir_all(site.path().join("templates")).unwrap();
    std::fs::write(
        site.path().join("templates/page.html"),
        "{% extends \"base.html\" %}{% block main %}<h1>{{ doc.title }}</h1><p class=\"custom\">本站自定义页面模板</p>{% endblock main %}",
    )
    .unwrap();
    let out = site.path().join("out");
    let (code, _, err) = build(site.path(), &out, "2026-11-22");
    assert_eq!(code, 0, "{err}");
    assert!(read(&out, "guide/index.html").contains("本站自定义页面模板"));
    // Other templates still come from the theme.
    assert!(policy_page(&out, "1111111111/2018-00001").contains("相关解读"));
}

#[test]
fn a_broken_template_is_a_clear_error_and_writes_nothing() {
    let site = fixture("mini");
    std::fs::create_dir_all(site.path().join("templates")).unwrap();
    std::fs::write(
        site.path().join("templates/page.html"),
        "{% extends \"base.html\" %}{% block main %}{{ doc.title ",
    )
    .unwrap();
    let out = site.path().join("out");
    let (code, _, err) = build(site.path(), &out, "2026-11-22");
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("模板错误"), "{err}");
    assert!(!out.exists());
}

#[test]
fn amendments_link_the_amending_document_when_it_is_on_the_site() {
    let site = fixture("mini");
    std::fs::write(
        site.path().join("content/policies/amended.md"),
        "---\ntitle: 被修改的办法\nindex_no: 1111111111/2020-00001\nissuer: 测试市人民政府\nissued: 2020-01-01\namended:\n  - date: 2021-02-01\n    by: 泰政发[2021]1号\n  - date: 2022-02-01\n    by: 外省政发〔2022〕9号\n---\n正文\n",
    )
    .unwrap();
    let out = site.path().join("out");
    let (code, _, err) = build(site.path(), &out, "2026-11-22");
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("W0212"),
        "an amendment by a document not on the site is a warning: {err}"
    );
    let page = policy_page(&out, "1111111111/2020-00001");
    let section = &page[page.find("修改情况").expect("amendments listed")..];
    assert!(
        section.contains("policies/1111111111-2021-00001/index.html"),
        "{section}"
    );
    assert!(
        section.contains("外省政发〔2022〕9号"),
        "unresolved amendment shown as text"
    );
    assert!(page.contains(">已修改<"));
    // The amending document lists what it amended.
    assert!(policy_page(&out, "1111111111/2021-00001")
        .contains("policies/1111111111-2020-00001/index.html"));
}
