//! What the 条例 says may be published, and how validity is shown: 依申请公开 documents
//! appear by their metadata only, amended and lapsed documents say so, the
//! 现行有效行政规范性文件目录 lists what is in force, and 目录 entries carry their
//! 内容概述.

mod common;
use common::*;
use std::path::Path;

fn policy_page(out: &Path, index_no: &str) -> String {
    read(
        out,
        &format!("policies/{}/index.html", index_no.replace('/', "-")),
    )
}

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// Codes of `check --format json` for `root`.
fn codes(root: &Path) -> Vec<String> {
    let (_, v) = check_json(root);
    v["diagnostics"]
        .as_array()
        .expect("diagnostics array")
        .iter()
        .map(|d| d["code"].as_str().unwrap_or_default().to_string())
        .collect()
}

// Characters that appear nowhere else in the fixture or the theme, so finding any of
// them anywhere in the output (pages, feed, search index and shards, sitemap) means the
// body leaked — even as a search bigram or a single-character token.
const SECRET_SENTENCE: &str = "本批饕餮鸱吻项目资金须于年底前拨付到位。";
const SECRET_SUMMARY: &str = "摘要写明了貔貅项目的分配办法。";
const SECRET_CHARS: [char; 5] = ['饕', '餮', '鸱', '吻', '貔'];
const ATTACHMENT_TEXT: &str = "分配明细蜉蝣";

const ON_REQUEST: &str = "---\n标题: 测试市财政局关于下达专项资金的通知\n索引号: 1111111111/2022-00009\n发文字号: 测财预〔2022〕7号\n发文机关: 测试市财政局\n公开方式: 依申请公开\n成文日期: 2022-05-10\n发布日期: 2022-05-12\n摘要: 摘要写明了貔貅项目的分配办法。\n附件:\n  - 文件: 明细.csv\n    标题: 资金明细\n---\n\n各区财政局：\n\n本批饕餮鸱吻项目资金须于年底前拨付到位。\n\n![分配图](图.png)\n";

#[test]
fn on_request_document_full_text_is_nowhere_in_the_output() {
    let site = fixture("mini");
    write(site.path(), "content/policies/request/index.md", ON_REQUEST);
    write(
        site.path(),
        "content/policies/request/明细.csv",
        &format!("区,金额\n{ATTACHMENT_TEXT},1\n"),
    );
    write(
        site.path(),
        "content/policies/request/图.png",
        "not really a png",
    );
    let out = site.path().join("out");
    let (code, _, err) = build(site.path(), &out, "2026-11-22");
    assert_eq!(code, 0, "{err}");

    let files = snapshot_tree(&out);
    assert!(files.iter().any(|(p, _)| p.ends_with("search.json")));
    for (path, bytes) in &files {
        let text = String::from_utf8_lossy(bytes);
        for c in SECRET_CHARS {
            assert!(
                !text.contains(c),
                "{} leaks the body or 摘要 of a 依申请公开 document ({c})",
                path.display()
            );
        }
        assert!(!text.contains(ATTACHMENT_TEXT), "{}", path.display());
        assert!(!text.contains(SECRET_SENTENCE) && !text.contains(SECRET_SUMMARY));
        let name = path.to_string_lossy();
        assert!(
            !name.contains("明细.csv") && !name.contains("图.png"),
            "attachment or image of a 依申请公开 document copied: {name}"
        );
    }

    // Metadata and how to apply are there.
    let page = policy_page(&out, "1111111111/2022-00009");
    for shown in [
        "测试市财政局关于下达专项资金的通知",
        "1111111111/2022-00009",
        "测财预〔2022〕7号",
        "测试市财政局",
        "2022年5月10日",
        "依申请公开",
    ] {
        assert!(page.contains(shown), "{shown} missing from the page");
    }
    assert!(page.contains("class=\"on-request-notice\""));
    assert!(page.contains("href=\"../../apply/index.html\""), "{page}");
    assert!(!page.contains("doc-body"), "no body container at all");
    assert!(!page.contains("资金明细"), "no attachment list");
    // Listed (by title) in its listing, the feed and the search index.
    assert!(read(&out, "policies/index.html").contains("测试市财政局关于下达专项资金的通知"));
    assert!(read(&out, "feed.xml").contains("测试市财政局关于下达专项资金的通知"));
}

#[test]
fn a_proactive_document_keeps_its_text_and_attachments() {
    // The same document, 主动公开: the body and the attachment are published, which
    // proves the test above would see a leak.
    let site = fixture("mini");
    write(
        site.path(),
        "content/policies/request/index.md",
        &ON_REQUEST.replace("公开方式: 依申请公开\n", ""),
    );
    write(
        site.path(),
        "content/policies/request/明细.csv",
        "区,金额\n",
    );
    write(site.path(), "content/policies/request/图.png", "png");
    let out = site.path().join("out");
    let (code, _, err) = build(site.path(), &out, "2026-11-22");
    assert_eq!(code, 0, "{err}");
    assert!(policy_page(&out, "1111111111/2022-00009").contains(SECRET_SENTENCE));
    assert!(read(&out, "feed.xml").contains(SECRET_SUMMARY));
    assert!(out.join("files/policies/request/明细.csv").exists());
    let index = snapshot_tree(&out)
        .into_iter()
        .filter(|(p, _)| p.starts_with("search") || p.ends_with("search.json"))
        .any(|(_, b)| String::from_utf8_lossy(&b).contains("饕餮"));
    assert!(index, "the search index holds the body's bigrams");
}

#[test]
fn repealed_before_lapse_is_repealed_and_lapsed_before_repeal_is_expired() {
    let site = fixture("mini");
    // Valid to 2021-12-31, repealed 2021-06-01: the repeal came first.
    write(
        site.path(),
        "content/policies/early.md",
        "---\ntitle: 先被废止的办法\nindex_no: 1111111111/2020-00007\nissuer: 测试市人民政府\nnormative: true\nissued: 2020-01-01\neffective: 2020-01-01\nexpires: 2021-12-31\nrepealed:\n  date: 2021-06-01\n  by: 1111111111/2021-00001\n---\n正文。\n",
    );
    let out = site.path().join("out");
    let (code, _, err) = build(site.path(), &out, "2026-11-22");
    assert_eq!(code, 0, "{err}");
    let early = policy_page(&out, "1111111111/2020-00007");
    assert!(early.contains(">已废止<"), "{early}");
    assert!(early.contains("已于 2021-06-01 被"));
    assert!(!early.contains("validity-history"));
    // The fixture's old.md lapsed on 2019-12-31 and was repealed in 2021.
    let old = policy_page(&out, "1111111111/2019-00001");
    assert!(old.contains(">已失效<"));
    assert!(old.contains("validity-history"));
    assert!(old.contains("policies/1111111111-2021-00001/index.html"));
}

#[test]
fn amended_document_shows_who_amended_it_when_and_that_the_amendment_prevails() {
    let site = fixture("mini");
    write(
        site.path(),
        "content/policies/amended.md",
        "---\ntitle: 被修改的办法\nindex_no: 1111111111/2020-00001\nissuer: 测试市人民政府\nissued: 2020-01-01\namended:\n  - date: 2021-02-01\n    by: 泰政发[2021]1号\n  - date: 2027-01-01\n    by: 外省政发〔2026〕9号\n---\n原文正文。\n",
    );
    let out = site.path().join("out");
    let (code, _, err) = build(site.path(), &out, "2026-11-22");
    assert_eq!(code, 0, "{err}");
    let page = policy_page(&out, "1111111111/2020-00001");
    let notice_at = page.find("class=\"amended-notice\"").expect("notice");
    let body_at = page.find("class=\"doc-body\"").unwrap();
    assert!(notice_at < body_at, "the notice stands above the text");
    let notice = &page[notice_at..body_at];
    assert!(notice
        .contains("2021-02-01 经<a href=\"../../policies/1111111111-2021-00001/index.html\">"));
    assert!(notice.contains("被修改的条款以修改文件为准"));
    assert!(notice.contains("将自 2027-01-01 起经外省政发〔2026〕9号修改"));

    // Before the first amendment takes effect, the notice says the text still applies.
    let earlier = site.path().join("earlier");
    let (code, _, err) = build(site.path(), &earlier, "2020-06-01");
    assert_eq!(code, 0, "{err}");
    let page = policy_page(&earlier, "1111111111/2020-00001");
    assert!(page.contains("修改生效前，以下原文继续适用"));
    assert!(!page.contains("以修改文件为准"));
}

#[test]
fn normative_catalogue_lists_only_normative_documents_in_force() {
    let site = fixture("mini");
    write(
        site.path(),
        "content/policies/current.md",
        "---\ntitle: 测试市现行有效的管理办法\nindex_no: 1111111111/2025-00001\ndoc_no: 泰政发〔2025〕3号\nreg_no: CSDR-2025-00101\nissuer: 测试市人民政府\nnormative: true\nissued: 2025-03-01\neffective: 2025-04-01\n---\n正文。\n",
    );
    write(
        site.path(),
        "content/policies/future.md",
        "---\ntitle: 测试市尚未施行的办法\nindex_no: 1111111111/2026-00002\nissuer: 测试市人民政府\nnormative: true\nissued: 2026-11-01\neffective: 2027-01-01\n---\n正文。\n",
    );
    let out = site.path().join("out");
    let (code, _, err) = build(site.path(), &out, "2026-11-22");
    assert_eq!(code, 0, "{err}");
    let page = read(&out, "normative/index.html");
    assert!(page.contains("<caption"));
    assert!(page.contains("<th scope=\"col\">统一登记号</th>"));
    assert!(page.contains("<th scope=\"row\"><a href=\"../policies/1111111111-2025-00001/index.html\">测试市现行有效的管理办法</a></th>"));
    for cell in [
        "泰政发〔2025〕3号",
        "CSDR-2025-00101",
        "2025-03-01",
        "2025-04-01",
        "2030-03-31",
    ] {
        assert!(page.contains(&format!(">{cell}</td>")), "{cell}");
    }
    assert!(page.contains("共 1 件"), "only the one in force counts");
    // Expired (dog, old), not yet effective (future) and non-normative (new) are absent.
    for absent in ["养犬管理", "旧版停车收费", "尚未施行", "废止部分规章"] {
        assert!(!page.contains(absent), "{absent}");
    }
    // Linked from the policy listing and the home page.
    assert!(read(&out, "policies/index.html").contains("href=\"../normative/index.html\""));
    assert!(read(&out, "index.html").contains("href=\"normative/index.html\""));
    assert!(read(&out, "sitemap.xml").contains("/portal/normative/"));
}

#[test]
fn catalogue_entries_carry_index_summary_and_generated_date() {
    let site = fixture("mini");
    let out = site.path().join("out");
    let (code, _, err) = build(site.path(), &out, "2026-11-22");
    assert_eq!(code, 0, "{err}");
    let page = read(&out, "catalog/法定主动公开内容/政策文件/index.html");
    let entry_at = page.find("养犬管理暂行办法的通知").expect("entry");
    let entry = &page[entry_at..entry_at + 800];
    assert!(entry.contains("<dt>索引号</dt><dd>1111111111/2018-00001</dd>"));
    // The 主送机关 line (各区人民政府，市政府各部门：) is skipped; the first sentence of
    // substance is the 内容概述, also the page's meta Description.
    assert!(
        entry.contains("<dt>内容概述</dt><dd>（一）加强组织领导。</dd>"),
        "{entry}"
    );
    assert!(entry.contains("<dt>生成日期</dt><dd>2018-03-01</dd>"));
    assert!(!page.contains("各区人民政府"));
    assert!(policy_page(&out, "1111111111/2018-00001")
        .contains("<meta name=\"Description\" content=\"（一）加强组织领导。\">"));
}

#[test]
fn interpretation_pages_do_not_print_lateness_and_accept_any_form() {
    let site = fixture("mini");
    // Published two years after its policy, in a form not in the common list.
    write(
        site.path(),
        "content/interpretations/late.md",
        "---\ntitle: 养犬办法在线访谈\npublished: 2020-03-03\npolicy: 泰政办字〔2018〕51号\nform: 在线访谈\n---\n访谈实录。\n",
    );
    let out = site.path().join("out");
    let (code, _, err) = build(site.path(), &out, "2026-11-22");
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("W0305"), "lateness stays in check: {err}");
    assert!(
        !err.contains("W0302"),
        "an unknown form is not warned: {err}"
    );
    for (path, bytes) in snapshot_tree(&out) {
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains("晚于政策"), "{}", path.display());
    }
    let facet = read(&out, "interpretations/form/在线访谈/index.html");
    assert!(facet.contains("养犬办法在线访谈"));
    assert!(read(&out, "interpretations/index.html").contains(">在线访谈<"));
}

#[test]
fn normative_document_without_effective_date_is_warned_unless_the_province_has_a_rule() {
    let site = fixture("mini");
    // dog.md is normative and states no 生效日期.
    assert!(codes(site.path()).contains(&"W0250".to_string()));
    let config = site.path().join("config.toml");
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str("[validity]\neffective_after_days = 30\n");
    std::fs::write(&config, text).unwrap();
    assert!(!codes(site.path()).contains(&"W0250".to_string()));
    // Hunan-style: published 2018-03-02, in force 30 days later, on 2018-04-01.
    let out = site.path().join("out");
    let (code, _, err) = build(site.path(), &out, "2018-03-31");
    assert_eq!(code, 0, "{err}");
    let page = policy_page(&out, "1111111111/2018-00001");
    assert!(page.contains(">尚未生效<"), "{page}");
    assert!(page.contains("<td>2018-04-01</td>"));
}

#[test]
fn validity_default_turned_off_means_only_a_stated_expiry_counts() {
    let site = fixture("mini");
    let config = site.path().join("config.toml");
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str("[validity]\nnormative_years = \"none\"\n");
    std::fs::write(&config, text).unwrap();
    let out = site.path().join("out");
    let (code, _, err) = build(site.path(), &out, "2026-11-22");
    assert_eq!(code, 0, "{err}");
    // The 2018 暂行 document had lapsed under the 2-year default; without defaults it is
    // in force (long-term) and listed in the 现行有效 catalogue.
    let dog = policy_page(&out, "1111111111/2018-00001");
    assert!(dog.contains(">现行有效<"), "{dog}");
    assert!(dog.contains("<td>长期</td>"));
    assert!(read(&out, "normative/index.html").contains("养犬管理暂行办法"));
    // old.md states 有效期年数: 1, which still counts.
    assert!(policy_page(&out, "1111111111/2019-00001").contains(">已失效<"));
}
