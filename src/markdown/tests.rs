//! Tests of the whole Markdown stage through [`render`].

use super::*;
use crate::diag::Severity;

fn keep(_: &str) -> LinkResolution {
    LinkResolution::Keep
}

fn render_with(
    src: &str,
    first_line: usize,
    resolve: &(dyn Fn(&str) -> LinkResolution + Sync),
) -> RenderedMarkdown {
    let ctx = MarkdownContext {
        file: Path::new("content/policies/a.md"),
        first_line,
        resolve,
    };
    render(src, &ctx)
}

fn md(src: &str) -> RenderedMarkdown {
    render_with(src, 1, &keep)
}

fn codes(r: &RenderedMarkdown) -> Vec<(&'static str, Option<usize>)> {
    r.diagnostics.iter().map(|d| (d.code, d.line)).collect()
}

#[test]
fn bold_numbered_point() {
    let r = md("**（一）加强组织领导。**各单位要高度重视。\n");
    assert_eq!(
        r.html,
        "<p><strong>（一）加强组织领导。</strong>各单位要高度重视。</p>\n"
    );
    assert_eq!(r.first_paragraph, "（一）加强组织领导。各单位要高度重视。");
    assert!(r.diagnostics.is_empty());
}

#[test]
fn tables_footnotes_strikethrough_without_inline_styles() {
    let src = "| 项目 | 数量 |\n|:--|--:|\n| 申请 | 12 |\n\n~~废止~~说明[^1]\n\n[^1]: 注释内容\n";
    let r = md(src);
    assert!(!r.html.contains("style="), "{}", r.html);
    assert!(
        r.html
            .contains("<th scope=\"col\" class=\"align-left\">项目</th>"),
        "{}",
        r.html
    );
    assert!(
        r.html.contains("<td class=\"align-right\">12</td>"),
        "{}",
        r.html
    );
    assert!(r.html.contains("<del>废止</del>"));
    assert!(
        r.html.contains(
            "<sup class=\"footnote-reference\"><a href=\"#fn-1\" id=\"ref-fn-1\">1</a></sup>"
        ),
        "{}",
        r.html
    );
    assert!(r
        .html
        .contains("<div class=\"footnote-definition\" id=\"fn-1\">"));
    assert!(r
        .html
        .contains("<a href=\"#ref-fn-1\" class=\"footnote-backref\""));
    assert!(
        r.plain_text.contains("项目 数量\n申请 12"),
        "{:?}",
        r.plain_text
    );
}

#[test]
fn heading_ids_keep_chinese_and_deduplicate() {
    let src = "## 一、总体情况\n\n## 一、总体情况\n\n### （一）Work Plan 2024\n\n## 一、总体情况\n\n## ！！\n";
    let r = md(src);
    let ids: Vec<&str> = r.headings.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "一总体情况",
            "一总体情况-2",
            "一work-plan-2024",
            "一总体情况-3",
            "section"
        ]
    );
    assert_eq!(r.headings[0].text, "一、总体情况");
    assert_eq!(r.headings[2].level, 3);
    assert!(
        r.html.contains("<h2 id=\"一总体情况\">一、总体情况</h2>"),
        "{}",
        r.html
    );
    assert!(r.html.contains("<h2 id=\"一总体情况-2\">"));
    assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
}

#[test]
fn slug_rules() {
    assert_eq!(slug("一、总体情况"), "一总体情况");
    assert_eq!(slug("  Hello,   World!  "), "hello-world");
    assert_eq!(slug("2024-01 报告"), "2024-01-报告");
    assert_eq!(slug("snake_case"), "snake_case");
    assert_eq!(slug("“十四五”规划"), "十四五规划");
    assert_eq!(slug("。。"), "section");
}

#[test]
fn heading_with_markup_uses_its_plain_text() {
    let r = md("## **第一章** `总则` [链接](a.md)\n");
    assert_eq!(r.headings[0].text, "第一章 总则 链接");
    assert_eq!(r.headings[0].id, "第一章-总则-链接");
}

#[test]
fn code_is_highlighted_with_classes() {
    let r = md("```rust\nlet x = 1;\n```\n\n```\n<b>plain</b>\n```\n");
    assert!(
        r.html
            .contains("<pre class=\"hl-code\"><code class=\"language-rust\">"),
        "{}",
        r.html
    );
    assert!(r.html.contains("class=\"hl-"));
    assert!(
        r.html
            .contains("<pre><code>&lt;b&gt;plain&lt;/b&gt;\n</code></pre>"),
        "{}",
        r.html
    );
    assert!(!r.html.contains("style="));
    assert!(r.plain_text.contains("let x = 1;"));
}

#[test]
fn script_is_removed() {
    let r = md("正文<script>alert(1)</script>\n\n<script>\nalert(2)\n</script>\n\n<script>alert(3)</script>\n");
    assert!(!r.html.contains("script"), "{}", r.html);
    assert!(!r.html.contains("alert"), "{}", r.html);
    assert!(r.html.contains("正文"));
    assert_eq!(r.plain_text, "正文");
}

#[test]
fn event_handlers_are_removed() {
    let r = md("<img src=\"a.png\" alt=\"图\" onerror=\"alert(1)\">\n\n<p onclick=\"x()\" style=\"color:red\">段落</p>\n");
    assert!(!r.html.contains("onerror"), "{}", r.html);
    assert!(!r.html.contains("onclick"), "{}", r.html);
    assert!(!r.html.contains("style"), "{}", r.html);
    assert!(
        r.html.contains("<img src=\"a.png\" alt=\"图\">"),
        "{}",
        r.html
    );
}

#[test]
fn javascript_links_are_dropped() {
    for src in [
        "[点我](javascript:alert(1))",
        "[点我](JAVASCRIPT:alert(1))",
        "[点我](&#106;avascript:alert(1))",
        "[点我][x]\n\n[x]: javascript:alert(1)",
        "[点我](data:text/html;base64,PHNjcmlwdD4=)",
    ] {
        let r = md(src);
        assert!(
            !r.html.to_lowercase().contains("javascript"),
            "{src}: {}",
            r.html
        );
        assert!(!r.html.contains("data:"), "{src}: {}", r.html);
        assert!(!r.html.contains("<a"), "{src}: {}", r.html);
        assert!(r.html.contains("点我"), "{src}: {}", r.html);
    }
    let r = md("![图](javascript:alert(1))");
    assert_eq!(r.html, "<p>图</p>\n");
    let r = md("![图](data:image/png;base64,AAAA)");
    assert!(
        r.html
            .contains("<img src=\"data:image/png;base64,AAAA\" alt=\"图\" />"),
        "{}",
        r.html
    );
}

#[test]
fn javascript_links_are_dropped_in_raw_html_documents_too() {
    let r = md("<b>x</b> [点我](javascript:alert(1)) <a href=\"javascript:alert(2)\">y</a>");
    assert!(!r.html.contains("javascript"), "{}", r.html);
    assert!(!r.html.contains("alert"), "{}", r.html);
}

#[test]
fn markdown_without_raw_html_is_not_passed_through_ammonia() {
    // ammonia would drop the `id` pulldown never emits here, so this checks the fast path keeps
    // exactly pulldown's output shape (e.g. the self-closing image tag).
    let r = md("![图](a.png)");
    assert_eq!(r.html, "<p><img src=\"a.png\" alt=\"图\" /></p>\n");
}

#[test]
fn relative_urls_are_resolved() {
    let resolve = |url: &str| match url {
        "附件/方案.pdf" => LinkResolution::Rewrite("../files/方案.pdf".into()),
        "../../etc/passwd" => LinkResolution::Reject("路径指向站点以外".into()),
        _ => LinkResolution::Keep,
    };
    let src = "[方案](附件/方案.pdf) [外部](https://www.gov.cn/) [锚点](#a)\n\n[坏](../../etc/passwd)\n\n<a href=\"附件/方案.pdf\">原始</a> <img src='../../etc/passwd' alt=\"x\">\n";
    let r = render_with(src, 10, &resolve);
    // pulldown-cmark percent-encodes Markdown link targets; raw HTML keeps what was written.
    assert!(
        r.html
            .contains("<a href=\"../files/%E6%96%B9%E6%A1%88.pdf\">方案</a>"),
        "{}",
        r.html
    );
    assert!(r.html.contains("href=\"https://www.gov.cn/\""));
    assert!(
        r.html.contains("<a href=\"../files/方案.pdf\">原始</a>"),
        "{}",
        r.html
    );
    assert_eq!(codes(&r), [("E0603", Some(12)), ("E0603", Some(14))]);
    let d = &r.diagnostics[0];
    assert_eq!(d.severity, Severity::Error);
    assert!(d.message.contains("路径指向站点以外"), "{}", d.message);
    assert!(d.message.contains("../../etc/passwd"));
    assert_eq!(d.file.as_deref(), Some(Path::new("content/policies/a.md")));
}

#[test]
fn image_without_alt_is_an_error_with_its_line() {
    let r = render_with("第一段\n\n![](图.png)\n\n<img src=\"b.png\">\n", 5, &keep);
    assert_eq!(codes(&r), [("E0601", Some(7)), ("E0601", Some(9))]);
    let d = &r.diagnostics[0];
    assert!(d.is_error());
    assert!(d.message.contains("图片缺少替代文本（alt）"));
    assert!(
        d.help.as_deref().unwrap_or("").contains("![2023年"),
        "{:?}",
        d.help
    );
    let r = md("![  ](a.png) ![说明](b.png)");
    assert_eq!(codes(&r), [("E0601", Some(1))]);
}

#[test]
fn link_without_text_is_an_error() {
    let r = render_with(
        "正文\n[](a.md) [ ](b.md) [有字](c.md) [![图](i.png)](d.md)\n",
        3,
        &keep,
    );
    assert_eq!(codes(&r), [("E0602", Some(4)), ("E0602", Some(4))]);
    assert!(r.diagnostics.iter().all(Diagnostic::is_error));
}

#[test]
fn heading_levels() {
    let src = "## 一\n\n#### 跳级\n\n## 二\n\n### 三\n\n# 一级\n";
    let r = render_with(src, 2, &keep);
    assert_eq!(codes(&r), [("W0604", Some(4)), ("W0604", Some(10))]);
    assert_eq!(r.diagnostics[0].severity, Severity::Warning);
    assert!(r.diagnostics[0].message.contains("跳级"));
    assert!(r.diagnostics[1]
        .help
        .as_deref()
        .unwrap_or("")
        .contains("## 一级"));
    // A body that starts below h2 skips a level too.
    let r = md("### 三级开头\n");
    assert_eq!(codes(&r), [("W0604", Some(1))]);
}

#[test]
fn html_table_without_header_warns() {
    let src = "说明\n\n<table>\n<tr><td>1</td></tr>\n</table>\n\n<table><tr><th>头</th></tr><tr><td>2</td></tr></table>\n";
    let r = render_with(src, 1, &keep);
    assert_eq!(codes(&r), [("W0605", Some(3))]);
    assert!(r.html.contains("<th>头</th>"));
    let r = md("<table><tr><td>未闭合</td></tr>\n");
    assert_eq!(codes(&r), [("W0605", Some(1))]);
}

#[test]
fn random_input_never_panics() {
    const PIECES: &[&str] = &[
        "*",
        "**",
        "_",
        "~~",
        "~",
        "`",
        "[",
        "]",
        "(",
        ")",
        "!",
        "<",
        ">",
        "=",
        "\"",
        "'",
        "/",
        "\\",
        "\n",
        "\n\n",
        "  ",
        "#",
        "|",
        "-",
        ":",
        "^",
        "中",
        "。",
        "（",
        "“",
        "\u{FE01}",
        "\u{E0100}",
        "a",
        "<img",
        " src=",
        " alt=",
        "<a href=",
        "<table>",
        "</table>",
        "<th>",
        "<script>",
        "javascript:",
        "../",
        "```",
        "    ",
        "&amp;",
        "&#42;",
        "😀",
        "👍🏽",
    ];
    let mut seed: u64 = 42;
    let mut next = || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) as usize
    };
    for _ in 0..3000 {
        let len = 1 + next() % 40;
        let src: String = (0..len).map(|_| PIECES[next() % PIECES.len()]).collect();
        let r = md(&src);
        assert!(!r.html.contains("<script"), "{src:?}");
    }
}

#[test]
fn plain_text_and_first_paragraph() {
    let src = "## 标题\n\n第一段**加粗**文字，\n换行继续。\nEnglish\nwords\n\n- 列表一\n- 列表二\n\n> 引用\n";
    let r = md(src);
    assert_eq!(
        r.first_paragraph,
        "第一段加粗文字，换行继续。 English words"
    );
    assert_eq!(
        r.plain_text,
        "标题\n第一段加粗文字，换行继续。 English words\n列表一\n列表二\n引用"
    );
    assert_eq!(md("## 只有标题\n").first_paragraph, "");
}

#[test]
fn bad_input_never_panics() {
    let inputs = [
        "",
        "*",
        "**",
        "***（",
        "\\",
        "<",
        "<img",
        "<img src=",
        "<a href='x",
        "[",
        "](",
        "![](",
        "| a |\n|---|\n| b | c | d |",
        "[^x]",
        "[^x]:",
        "```",
        "```rust\n",
        "<table><th",
        "\u{FE01}**",
        "**\u{E0100}",
        "~~~",
        "~~~~a~~~~",
        "_\u{FE00}_",
        "<!--",
        "<!-- <img> -->",
    ];
    for src in inputs {
        let _ = md(src);
    }
}

#[test]
fn many_findings_keep_exact_lines() {
    let src = "![](a.png)\n\n".repeat(5000);
    let r = render_with(&src, 3, &keep);
    assert_eq!(r.diagnostics.len(), 5000);
    assert_eq!(r.diagnostics[0].line, Some(3));
    assert_eq!(r.diagnostics[4999].line, Some(3 + 2 * 4999));
}

#[test]
fn tables_scroll_in_their_own_labelled_region_even_after_sanitising() {
    let table = "| 项目 | 标准 |\n|---|---|\n| 补贴 | 100元 |\n";
    for src in [
        table.to_string(),
        format!("<b>粗体</b>\n\n{table}\n{table}"),
    ] {
        let r = md(&src);
        assert!(
            r.html.contains(
                "<div class=\"table-scroll\" role=\"region\" aria-label=\"表格1\" tabindex=\"0\">"
            ),
            "{}",
            r.html
        );
        assert_eq!(
            r.html.matches("<div class=\"table-scroll\"").count(),
            r.html.matches("<table>").count()
        );
    }
    assert!(md(&format!("{table}\n{table}"))
        .html
        .contains("aria-label=\"表格2\""));
}

/// The diagnostics of `src` made for a page and made for `gongkai check`.
fn page_and_check(src: &str) -> (Vec<Diagnostic>, Vec<Diagnostic>) {
    let ctx = MarkdownContext {
        file: Path::new("content/policies/a.md"),
        first_line: 7,
        resolve: &|url: &str| {
            if url.starts_with("../") {
                LinkResolution::Reject("指向站点以外".to_string())
            } else {
                LinkResolution::Keep
            }
        },
    };
    let page = render_for(src, &ctx, Purpose::Page).diagnostics;
    let check = render_for(src, &ctx, Purpose::Check).diagnostics;
    (page, check)
}

#[test]
fn check_reads_cjk_emphasis_where_its_messages_show_text() {
    // Each body's finding depends on the CJK-friendly emphasis: a heading's text in the
    // W0604 message, a link's or image's text in whether it has any. `check` corrects
    // emphasis only in such scopes, and must find exactly what a page finds.
    for src in [
        "# **（一）加强组织领导。**各单位\n",
        "## 一\n\n#### **（二）细化措施。**说明\n",
        "段落**（一）强调。**后文[**（一）**](a.md)与[****](b.md)和[](c.md)\n",
        "![**（一）**](a.png) ![**。**](b.png) ![](c.png)\n",
        "**（一）要点。**见<img src=\"x.png\">与[链接](../x.md)\n\n# 标题\n",
        "| **（一）** | b |\n|---|---|\n| [](a.md) | ![**（二）。**](x.png) |\n",
        "```\n# 不是标题 **（一）**\n```\n\n> ### **（三）引文。**之后\n",
    ] {
        let (page, check) = page_and_check(src);
        assert!(!page.is_empty(), "{src:?} should have a finding");
        assert_eq!(check, page, "{src:?}");
    }
    // The heading's text as the page shows it, without the asterisks.
    let (page, _) = page_and_check("# **（一）加强组织领导。**各单位\n");
    assert!(
        page[0].message.contains("“（一）加强组织领导。各单位”"),
        "{}",
        page[0].message
    );
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig {
        cases: 400,
        failure_persistence: None,
        ..proptest::prelude::ProptestConfig::default()
    })]
    /// Bodies built from the pieces emphasis, headings, links, images, raw HTML, tables
    /// and code are made of: `check` (streamed, emphasis corrected only where a check
    /// reads text) finds exactly what a page finds, in the same order.
    #[test]
    fn check_finds_what_a_page_finds(
        pieces in proptest::collection::vec(proptest::sample::select(vec![
            "**", "*", "_", "~~", "（一）", "。", "各单位", "a", " ", "\n", "\n\n", "# ",
            "## ", "#### ", "[", "](a.md)", "](../x.md)", "![", "]()", "<img src=\"x.png\">",
            "<table><tr><td>1</td></tr></table>", "`", "```\n", "> ", "- ", "| a | b |\n|---|---|\n",
            "|", "---\n", "[^1]", "[^1]: 注\n", "\\", "<h1>", "javascript:x",
        ]), 0..40),
    ) {
        let src: String = pieces.concat();
        let (page, check) = page_and_check(&src);
        proptest::prop_assert_eq!(check, page, "{:?}", src);
    }
}
