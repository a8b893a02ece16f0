//! The 专栏 as the law lays it out: the statutory columns in the navigation, the 第二十条 /
//! 第二十一条 catalogue skeleton with empty categories reported (or explained), the guide
//! rendered from config, and the 依申请公开 section.

mod common;
use common::*;
use std::path::Path;

fn diagnostics(v: &serde_json::Value) -> Vec<(String, String)> {
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap_or("").to_string(),
                d["message"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

fn append(path: &Path, text: &str) {
    let mut s = std::fs::read_to_string(path).unwrap();
    s.push_str(text);
    std::fs::write(path, s).unwrap();
}

const EMPTY_TEN: &str = "第二十条第（十）项 重大建设项目 没有任何内容";
const TEN_PAGE: &str = "catalog/法定主动公开内容/重大建设项目/index.html";

#[test]
fn empty_article_20_item_10_is_a_node_a_warning_and_with_not_applicable_a_reason() {
    let site = fixture("mini");
    let out = site.path().join("public");

    // No document is filed under 第二十条（十）: the node still has its page, and check warns.
    let (code, _, err) = build(site.path(), &out, "2026-11-22");
    assert_eq!(code, 0, "{err}");
    let page = read(&out, TEN_PAGE);
    assert!(page.contains("<h1>重大建设项目</h1>"), "{page}");
    assert!(
        page.contains("重大建设项目的批准和实施情况"),
        "the law's wording"
    );
    assert!(!page.contains("本栏目不适用"));
    let (_, v) = check_json(site.path());
    let diags = diagnostics(&v);
    assert!(
        diags.iter().any(|(c, m)| c == "W0700" && m == EMPTY_TEN),
        "{diags:?}"
    );
    // The 法定主动公开内容 column lists all fifteen categories in the law's order.
    let column = read(&out, "statutory/index.html");
    let first = column.find("行政法规、规章和规范性文件").unwrap();
    let tenth = column.find("重大建设项目的批准和实施情况").unwrap();
    let last = column.find("应当主动公开的其他政府信息").unwrap();
    assert!(first < tenth && tenth < last);
    // Without a level, 第二十一条's items are not there.
    assert!(!out
        .join("catalog/法定主动公开内容/市政建设/index.html")
        .exists());

    // Marked not applicable: the reason is on the page and the warning is gone.
    append(
        &site.path().join("config.toml"),
        "[catalog.not_applicable]\n\"第二十条第（十）项\" = \"本机关不承担重大建设项目审批职能\"\n",
    );
    let (code, _, err) = build(site.path(), &out, "2026-11-22");
    assert_eq!(code, 0, "{err}");
    let page = read(&out, TEN_PAGE);
    assert!(
        page.contains("本栏目不适用：本机关不承担重大建设项目审批职能"),
        "{page}"
    );
    let (_, v) = check_json(site.path());
    let diags = diagnostics(&v);
    assert!(!diags.iter().any(|(_, m)| m == EMPTY_TEN), "{diags:?}");
    // Other empty categories still warn.
    assert!(diags
        .iter()
        .any(|(c, m)| c == "W0700" && m.contains("统计信息")));
}

#[test]
fn county_level_adds_article_21_and_a_filed_document_silences_its_category() {
    let site = fixture("mini");
    append(
        &site.path().join("config.toml"),
        "[site]\nlevel = \"县级\"\n",
    );
    let dir = site.path().join("content/statutory");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("a.md"),
        "---\n标题: 供水工程项目实施情况\n公开目录: 法定主动公开内容/重大建设项目/2026年\n---\n\n正文。\n",
    )
    .unwrap();
    let out = site.path().join("public");
    let (code, _, err) = build(site.path(), &out, "2026-11-22");
    assert_eq!(code, 0, "{err}");
    let node = read(&out, "catalog/法定主动公开内容/市政建设/index.html");
    assert!(node.contains("第二十一条"), "{node}");
    let ten = read(&out, TEN_PAGE);
    assert!(ten.contains("2026年"), "sub-node listed: {ten}");
    let (_, v) = check_json(site.path());
    let diags = diagnostics(&v);
    assert!(!diags.iter().any(|(_, m)| m == EMPTY_TEN), "{diags:?}");
    assert!(diags
        .iter()
        .any(|(c, m)| c == "W0700" && m == "第二十一条 社会救助 没有任何内容"));
}

#[test]
fn catalog_value_naming_no_node_warns_with_the_nearest_nodes() {
    let site = fixture("mini");
    let dir = site.path().join("content/statutory");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("a.md"),
        "---\n标题: 项目情况\n公开目录: 法定主动公开内容/重大建设项\n---\n\n正文。\n",
    )
    .unwrap();
    // An older category name is filed under the node without a warning.
    std::fs::write(
        dir.join("b.md"),
        "---\n标题: 应急预案\n公开目录: 法定主动公开内容/应急管理/应急预案\n---\n\n正文。\n",
    )
    .unwrap();
    let (_, v) = check_json(site.path());
    let w: Vec<&serde_json::Value> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "W0701")
        .collect();
    assert_eq!(w.len(), 1, "{w:?}");
    assert_eq!(w[0]["line"], 3);
    assert!(w[0]["help"]
        .as_str()
        .unwrap()
        .contains("法定主动公开内容/重大建设项目"));
    let diags = diagnostics(&v);
    assert!(!diags.iter().any(|(_, m)| m.contains("突发公共事件 没有")));
}

#[test]
fn not_applicable_that_names_nothing_or_has_content_warns() {
    let site = fixture("mini");
    append(
        &site.path().join("config.toml"),
        "[catalog.not_applicable]\n\"重大项\" = \"不涉及\"\n\"政策文件\" = \"不涉及\"\n",
    );
    let (_, v) = check_json(site.path());
    let all = v["diagnostics"].as_array().unwrap();
    let unknown = all.iter().find(|d| d["code"] == "W0702").expect("W0702");
    assert_eq!(unknown["file"], "config.toml");
    assert!(unknown["line"].as_u64().is_some());
    assert!(unknown["help"].as_str().unwrap().contains("重大建设项目"));
    let has_content = all.iter().find(|d| d["code"] == "W0703").expect("W0703");
    assert!(has_content["message"]
        .as_str()
        .unwrap()
        .contains("政策文件"));
}

#[test]
fn guide_is_rendered_from_config_and_check_names_missing_office_details() {
    let site = fixture("mini");
    let (_, v) = check_json(site.path());
    let missing: Vec<String> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "W0035")
        .map(|d| d["message"].as_str().unwrap().to_string())
        .collect();
    for element in [
        "名称",
        "办公地址",
        "办公时间",
        "联系电话",
        "传真号码",
        "互联网联系方式",
    ] {
        assert!(
            missing.iter().any(|m| m.contains(element)),
            "{element}: {missing:?}"
        );
    }
    append(
        &site.path().join("config.toml"),
        "[office]\nname = \"测试市政务公开办\"\naddress = \"测试路1号\"\nhours = \"工作日9:00—17:00\"\nphone = \"0000-1\"\nfax = \"0000-2\"\nemail = \"gk@test.example.gov.cn\"\n[apply]\nonline_url = \"https://test.example.gov.cn/apply/\"\n",
    );
    let (_, v) = check_json(site.path());
    assert!(!v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d["code"] == "W0035"));
    let out = site.path().join("public");
    let (code, _, err) = build(site.path(), &out, "2026-11-22");
    assert_eq!(code, 0, "{err}");
    let guide = read(&out, "guide/index.html");
    for text in [
        "测试市政务公开办",
        "测试路1号",
        "工作日9:00—17:00",
        "0000-2",
        "公开的方式和途径",
        "依申请公开的办理流程",
    ] {
        assert!(guide.contains(text), "guide lacks {text}");
    }
    let apply = read(&out, "apply/index.html");
    assert!(apply.contains("<ol class=\"steps\">"));
    assert!(apply.contains("href=\"https://test.example.gov.cn/apply/\""));
    assert!(apply.contains("政府信息公开申请表.rtf\" download"));
    assert!(out.join("apply/政府信息公开申请表.rtf").exists());
    assert!(read(&out, "apply/form/index.html").contains("<caption>政府信息公开申请表</caption>"));
    // Every statutory column is in the main navigation, on every page.
    let home = read(&out, "index.html");
    let nav = &home[home.find("aria-label=\"主导航\"").unwrap()..];
    let nav = &nav[..nav.find("</nav>").unwrap()];
    for column in [
        "政府信息公开指南",
        "政府信息公开制度",
        "法定主动公开内容",
        "政府信息公开年报",
        "依申请公开",
        "政策文件",
        "政策解读",
        "负面清单",
    ] {
        assert!(
            nav.contains(&format!(">{column}</a>")),
            "nav lacks {column}"
        );
    }
    // A site without negative lists or reports still has those columns (no broken nav).
    assert!(out.join("negative-lists/index.html").exists());
    assert!(out.join("annual-reports/index.html").exists());
    assert!(out.join("system/index.html").exists());
}
