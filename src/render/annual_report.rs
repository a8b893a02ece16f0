//! HTML of an annual report's statutory tables (二、三、四) and of its year-on-year chart.
//!
//! Readers compare a report with the national template and with other bodies' reports, so
//! the tables keep the template's exact wording, row order and merged cells. They must
//! also work with a screen reader and on a phone: every table has a caption, header cells
//! carry `scope`, and where the template's multi-level headers make `scope` ambiguous
//! (table 三's nested row groups, table 四's column groups) every data cell names its
//! headers through `headers`/`id`. Wide tables sit in a focusable scroll region. The chart
//! is inline SVG styled by CSS classes only, with a title, a description and a real data
//! table as its text alternative. All ids start with `ar-`, so they cannot collide with
//! the Markdown body's heading anchors (which keep their Chinese text).

use crate::model::annual_report::Format;
use crate::model::annual_report::{
    format_decimal, AnnualReport, Appeal, GroupSpec, ItemCounts, Proactive, Proactive2019,
    Proactive2021, Requests, Row, RowSpec, APPEAL_LABELS, CARRIED_FORWARD_ROW, CARRIED_OVER_ROW,
    COLUMN_LABELS, DISCLOSED_ROW, NEW_ROW, NOT_PROCESSED, OTHER, OTHER_2019_ROW, PARTLY_ROW,
    RESULTS_LABEL, TOTAL_ROW, UNABLE, WITHHELD,
};
use crate::rules::annual_report::{outcomes, Outcomes};
use std::fmt::Write;

/// Section title of table 二.
pub const PROACTIVE_TITLE: &str = "二、主动公开政府信息情况";
/// Section title of table 三.
pub const REQUESTS_TITLE: &str = "三、收到和处理政府信息公开申请情况";
/// Section title of table 四.
pub const APPEALS_TITLE: &str = "四、政府信息公开行政复议、行政诉讼情况";
/// The note in table 三's top-left cell, worded as the template words it.
pub const BALANCE_NOTE: &str =
    "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）";

/// Escape text for HTML content and attribute values.
use crate::text::escape_html as esc;

/// Open a scrollable, keyboard-focusable region for a wide table.
fn open_region(s: &mut String, label: &str) {
    let _ = writeln!(
        s,
        "<div class=\"table-scroll\" role=\"region\" aria-label=\"{}\" tabindex=\"0\">",
        esc(label)
    );
}

/// Sections 二、三、四: each an `<h2>` with the template's title and its table(s).
pub fn tables_html(r: &AnnualReport) -> String {
    let mut s = String::new();
    let sections: [(&str, &str); 3] = [
        ("ar-proactive", PROACTIVE_TITLE),
        ("ar-requests", REQUESTS_TITLE),
        ("ar-appeals", APPEALS_TITLE),
    ];
    for (i, (id, title)) in sections.into_iter().enumerate() {
        let _ = writeln!(s, "<h2 id=\"{id}\">{}</h2>", esc(title));
        if !r.has_data {
            s.push_str("<p class=\"report-missing\">本报告未填报该部分统计数据。</p>\n");
            continue;
        }
        match i {
            0 => match &r.proactive {
                Proactive::National2021(p) => proactive_2021(&mut s, p),
                Proactive::Trial2019(p) => proactive_2019(&mut s, p),
            },
            1 => requests(&mut s, &r.requests, r.format),
            _ => appeals(&mut s, r),
        }
    }
    s
}

/// One of table 二's sub-tables (第二十条第（X）项): a caption, a header row starting with
/// 信息内容, and rows of a label and its numbers.
fn sub_table(s: &mut String, caption: &str, columns: &[&str], rows: &[(&str, Vec<String>)]) {
    s.push_str("<table class=\"report-table report-table--proactive\">\n");
    let _ = writeln!(s, "<caption>{}</caption>", esc(caption));
    s.push_str("<thead><tr><th scope=\"col\">信息内容</th>");
    for c in columns {
        let _ = write!(s, "<th scope=\"col\">{}</th>", esc(c));
    }
    s.push_str("</tr></thead>\n<tbody>\n");
    for (label, values) in rows {
        let _ = write!(s, "<tr><th scope=\"row\">{}</th>", esc(label));
        for v in values {
            let _ = write!(s, "<td class=\"report-num\">{}</td>", esc(v));
        }
        s.push_str("</tr>\n");
    }
    s.push_str("</tbody>\n</table>\n");
}

fn proactive_2021(s: &mut String, p: &Proactive2021) {
    open_region(s, "表格：二、主动公开政府信息情况");
    let docs = |d: &crate::model::annual_report::DocCounts| {
        vec![
            d.issued.to_string(),
            d.repealed.to_string(),
            d.in_force.to_string(),
        ]
    };
    sub_table(
        s,
        "第二十条第（一）项",
        &["本年制发件数", "本年废止件数", "现行有效件数"],
        &[
            ("规章", docs(&p.rules)),
            ("行政规范性文件", docs(&p.normative_docs)),
        ],
    );
    sub_table(
        s,
        "第二十条第（五）项",
        &["本年处理决定数量"],
        &[("行政许可", vec![p.licensing.to_string()])],
    );
    sub_table(
        s,
        "第二十条第（六）项",
        &["本年处理决定数量"],
        &[
            ("行政处罚", vec![p.penalty.to_string()]),
            ("行政强制", vec![p.coercion.to_string()]),
        ],
    );
    sub_table(
        s,
        "第二十条第（八）项",
        &["本年收费金额（单位：万元）"],
        &[("行政事业性收费", vec![format_decimal(p.fees)])],
    );
    s.push_str("</div>\n");
}

/// 本年增/减 as printed: a sign on increases too, so "+3" is not misread as a stock.
fn change(n: i64) -> String {
    if n > 0 {
        format!("+{n}")
    } else {
        n.to_string()
    }
}

fn proactive_2019(s: &mut String, p: &Proactive2019) {
    open_region(s, "表格：二、主动公开政府信息情况");
    let made = |d: &crate::model::annual_report::MadeCounts| {
        vec![
            d.made.to_string(),
            d.published.to_string(),
            d.total.to_string(),
        ]
    };
    let items = |d: &ItemCounts| {
        vec![
            d.last_year.to_string(),
            change(d.change),
            d.decisions.to_string(),
        ]
    };
    sub_table(
        s,
        "第二十条第（一）项",
        &["本年新制作数量", "本年新公开数量", "对外公开总数量"],
        &[
            ("规章", made(&p.rules)),
            ("规范性文件", made(&p.normative_docs)),
        ],
    );
    let columns = ["上一年项目数量", "本年增/减", "处理决定数量"];
    sub_table(
        s,
        "第二十条第（五）项",
        &columns,
        &[
            ("行政许可", items(&p.licensing)),
            ("其他对外管理服务事项", items(&p.other_services)),
        ],
    );
    sub_table(
        s,
        "第二十条第（六）项",
        &columns,
        &[
            ("行政处罚", items(&p.penalty)),
            ("行政强制", items(&p.coercion)),
        ],
    );
    sub_table(
        s,
        "第二十条第（八）项",
        &columns[..2],
        &[(
            "行政事业性收费",
            vec![p.fees.last_year.to_string(), change(p.fees.change)],
        )],
    );
    sub_table(
        s,
        "第二十条第（九）项",
        &["采购项目数量", "采购总金额"],
        &[(
            "政府集中采购",
            vec![
                p.procurement.projects.to_string(),
                p.procurement.amount.clone(),
            ],
        )],
    );
    s.push_str("</div>\n");
}

/// The `headers` of table 三's seven value columns.
const REQUEST_COLUMN_HEADERS: [&str; 7] = [
    "ar-req-applicant ar-req-c0",
    "ar-req-applicant ar-req-org ar-req-c1",
    "ar-req-applicant ar-req-org ar-req-c2",
    "ar-req-applicant ar-req-org ar-req-c3",
    "ar-req-applicant ar-req-org ar-req-c4",
    "ar-req-applicant ar-req-org ar-req-c5",
    "ar-req-applicant ar-req-c6",
];

/// The seven value cells of a row of table 三.
fn value_cells(s: &mut String, row: &Row, row_headers: &str) {
    for (i, col) in REQUEST_COLUMN_HEADERS.iter().enumerate() {
        let v = row.cells.get(i).copied().unwrap_or(row.total);
        let class = if i == 6 {
            "report-num report-sum"
        } else {
            "report-num"
        };
        let _ = write!(
            s,
            "<td class=\"{class}\" headers=\"{row_headers} {col}\">{v}</td>"
        );
    }
    s.push_str("</tr>\n");
}

/// A row whose label spans the label columns it needs (`span`), optionally preceded by
/// group header cells that start on this row.
fn labelled_row(
    s: &mut String,
    lead: &str,
    spec: &RowSpec,
    span: usize,
    parents: &str,
    row: &Row,
    class: &str,
) {
    let id = format!("ar-req-{}", spec.id);
    let _ = write!(s, "<tr{class}>{lead}");
    let colspan = if span > 1 {
        format!(" colspan=\"{span}\"")
    } else {
        String::new()
    };
    let headers = if parents.is_empty() {
        String::new()
    } else {
        format!(" headers=\"{parents}\"")
    };
    let _ = write!(
        s,
        "<th scope=\"row\" id=\"{id}\"{colspan}{headers}>{}</th>",
        esc(spec.label)
    );
    let chain = if parents.is_empty() {
        id
    } else {
        format!("{parents} {id}")
    };
    value_cells(s, row, &chain);
}

fn requests(s: &mut String, r: &Requests, format: Format) {
    open_region(s, "表格：三、收到和处理政府信息公开申请情况");
    s.push_str("<table class=\"report-table report-table--requests\">\n");
    s.push_str("<caption>收到和处理政府信息公开申请情况</caption>\n");
    s.push_str("<colgroup class=\"report-labels\" span=\"3\"></colgroup><colgroup span=\"1\"></colgroup><colgroup span=\"5\"></colgroup><colgroup class=\"report-sums\" span=\"1\"></colgroup>\n");
    s.push_str("<thead>\n");
    // The template's top-left cell carries the balance note. It is a header cell, as it
    // heads the label columns; a data cell without a header would trip screen readers.
    let _ = writeln!(
        s,
        "<tr><th class=\"report-note\" colspan=\"3\" rowspan=\"3\" id=\"ar-req-note\">{}</th><th scope=\"colgroup\" colspan=\"7\" id=\"ar-req-applicant\">申请人情况</th></tr>",
        esc(BALANCE_NOTE)
    );
    s.push_str("<tr><th scope=\"col\" rowspan=\"2\" id=\"ar-req-c0\" headers=\"ar-req-applicant\">自然人</th>");
    s.push_str("<th scope=\"colgroup\" colspan=\"5\" id=\"ar-req-org\" headers=\"ar-req-applicant\">法人或其他组织</th>");
    s.push_str("<th scope=\"col\" rowspan=\"2\" id=\"ar-req-c6\" headers=\"ar-req-applicant\" class=\"report-sum\">总计</th></tr>\n<tr>");
    for (i, label) in COLUMN_LABELS.iter().enumerate().skip(1) {
        let _ = write!(
            s,
            "<th scope=\"col\" id=\"ar-req-c{i}\" headers=\"ar-req-applicant ar-req-org\">{}</th>",
            esc(label)
        );
    }
    s.push_str("</tr>\n</thead>\n<tbody>\n");
    labelled_row(s, "", &NEW_ROW, 3, "", &r.new, "");
    labelled_row(s, "", &CARRIED_OVER_ROW, 3, "", &r.carried_over, "");
    s.push_str("</tbody>\n<tbody>\n");

    // 三、本年度办理结果 spans every results row, (七)总计 included.
    let other_rows = format.other_rows().len();
    let results_rows =
        2 + WITHHELD.rows.len() + UNABLE.rows.len() + NOT_PROCESSED.rows.len() + other_rows + 1;
    let results_head = format!(
        "<th scope=\"rowgroup\" rowspan=\"{results_rows}\" id=\"ar-req-results\" class=\"report-group\">{}</th>",
        esc(RESULTS_LABEL)
    );
    labelled_row(
        s,
        &results_head,
        &DISCLOSED_ROW,
        2,
        "ar-req-results",
        &r.disclosed,
        "",
    );
    labelled_row(
        s,
        "",
        &PARTLY_ROW,
        2,
        "ar-req-results",
        &r.partly_disclosed,
        "",
    );
    group_rows(s, &WITHHELD, &r.withheld);
    group_rows(s, &UNABLE, &r.unable);
    group_rows(s, &NOT_PROCESSED, &r.not_processed);
    match format {
        Format::National2021 => group_rows(s, &OTHER, &r.other),
        Format::Trial2019 => {
            let row = r.other.first().copied().unwrap_or_default();
            labelled_row(s, "", &OTHER_2019_ROW, 2, "ar-req-results", &row, "");
        }
    }
    labelled_row(
        s,
        "",
        &TOTAL_ROW,
        2,
        "ar-req-results",
        &r.total,
        " class=\"report-total\"",
    );
    s.push_str("</tbody>\n<tbody>\n");
    labelled_row(s, "", &CARRIED_FORWARD_ROW, 3, "", &r.carried_forward, "");
    s.push_str("</tbody>\n</table>\n</div>\n");
}

/// A group of table 三 (（三）…（六）): its label spans its numbered sub-rows and carries
/// no numbers of its own.
fn group_rows(s: &mut String, spec: &GroupSpec, rows: &[Row]) {
    let group_id = format!("ar-req-{}", spec.id);
    let parents = format!("ar-req-results {group_id}");
    for (i, sub) in spec.rows.iter().enumerate() {
        let lead = if i == 0 {
            format!(
                "<th scope=\"rowgroup\" rowspan=\"{}\" id=\"{group_id}\" headers=\"ar-req-results\" class=\"report-group\">{}</th>",
                spec.rows.len(),
                esc(spec.label)
            )
        } else {
            String::new()
        };
        let row = rows.get(i).copied().unwrap_or_default();
        labelled_row(s, &lead, sub, 1, &parents, &row, "");
    }
}

fn appeals(s: &mut String, r: &AnnualReport) {
    let a = &r.appeals;
    open_region(s, "表格：四、政府信息公开行政复议、行政诉讼情况");
    s.push_str("<table class=\"report-table report-table--appeals\">\n");
    s.push_str("<caption>政府信息公开行政复议、行政诉讼情况</caption>\n");
    s.push_str("<colgroup span=\"5\"></colgroup><colgroup span=\"5\"></colgroup><colgroup span=\"5\"></colgroup>\n");
    s.push_str("<thead>\n<tr><th scope=\"colgroup\" colspan=\"5\" id=\"ar-app-review\">行政复议</th><th scope=\"colgroup\" colspan=\"10\" id=\"ar-app-lawsuit\">行政诉讼</th></tr>\n<tr>");
    let sum_class = |i: usize| if i == 4 { " class=\"report-sum\"" } else { "" };
    for (i, label) in APPEAL_LABELS.iter().enumerate() {
        let _ = write!(
            s,
            "<th scope=\"col\" rowspan=\"2\" id=\"ar-app-review-{i}\" headers=\"ar-app-review\"{}>{}</th>",
            sum_class(i),
            esc(label)
        );
    }
    s.push_str("<th scope=\"colgroup\" colspan=\"5\" id=\"ar-app-direct\" headers=\"ar-app-lawsuit\">未经复议直接起诉</th>");
    s.push_str("<th scope=\"colgroup\" colspan=\"5\" id=\"ar-app-after\" headers=\"ar-app-lawsuit\">复议后起诉</th></tr>\n<tr>");
    for group in ["direct", "after"] {
        for (i, label) in APPEAL_LABELS.iter().enumerate() {
            let _ = write!(
                s,
                "<th scope=\"col\" id=\"ar-app-{group}-{i}\" headers=\"ar-app-lawsuit ar-app-{group}\"{}>{}</th>",
                sum_class(i),
                esc(label)
            );
        }
    }
    s.push_str("</tr>\n</thead>\n<tbody>\n<tr>");
    let groups: [(&Appeal, &str); 3] = [
        (&a.review, "ar-app-review"),
        (&a.lawsuit_direct, "ar-app-lawsuit ar-app-direct"),
        (&a.lawsuit_after_review, "ar-app-lawsuit ar-app-after"),
    ];
    for (appeal, parents) in groups {
        let last = parents.rsplit(' ').next().unwrap_or(parents);
        for i in 0..5 {
            let v = appeal.results.get(i).copied().unwrap_or(appeal.total);
            let class = if i == 4 {
                "report-num report-sum"
            } else {
                "report-num"
            };
            let _ = write!(
                s,
                "<td class=\"{class}\" headers=\"{parents} {last}-{i}\">{v}</td>"
            );
        }
    }
    s.push_str("</tr>\n</tbody>\n</table>\n</div>\n");
}

/// Put the generated sections before the body's `<h2>` whose text starts with 五、, where
/// the template places them; at the end when the body has no such heading.
pub fn insert_tables(body_html: &str, tables_html: &str) -> String {
    let mut search = 0;
    while let Some(rel) = body_html[search..].find("<h2") {
        let start = search + rel;
        let after = &body_html[start + 3..];
        let is_h2 = after.starts_with('>') || after.starts_with(|c: char| c.is_ascii_whitespace());
        let Some(open_end) = after.find('>') else {
            break;
        };
        let content_start = start + 3 + open_end + 1;
        if is_h2 {
            let content_end = body_html[content_start..]
                .find("</h2>")
                .map_or(body_html.len(), |e| content_start + e);
            if is_section_five(&strip_tags(&body_html[content_start..content_end])) {
                let mut out = String::with_capacity(body_html.len() + tables_html.len() + 1);
                out.push_str(&body_html[..start]);
                out.push_str(tables_html);
                if !tables_html.ends_with('\n') {
                    out.push('\n');
                }
                out.push_str(&body_html[start..]);
                return out;
            }
        }
        search = content_start;
    }
    let mut out = String::with_capacity(body_html.len() + tables_html.len() + 1);
    out.push_str(body_html);
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    out.push_str(tables_html);
    out
}

fn strip_tags(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// 五、… (an anchor symbol before it, such as `#` or `¶`, is ignored).
fn is_section_five(text: &str) -> bool {
    let t = text.trim_start_matches(|c: char| c.is_whitespace() || matches!(c, '#' | '¶' | '§'));
    let mut chars = t.chars();
    chars.next() == Some('五') && matches!(chars.next(), Some('、' | '．' | '.' | '，'))
}

/// A 1, 2 or 5 × 10ⁿ step giving at most five intervals up to `max`, and the axis top.
fn nice_scale(max: u64) -> (u64, u64) {
    let max = max.max(1);
    let mut step = 1u64;
    loop {
        for m in [1u64, 2, 5] {
            let s = step.saturating_mul(m);
            if s.saturating_mul(5) >= max {
                let top = max.div_ceil(s).saturating_mul(s);
                return (s, top);
            }
        }
        if step > u64::MAX / 10 {
            return (max, max);
        }
        step *= 10;
    }
}

/// Number for an SVG coordinate.
fn px(x: f64) -> String {
    format!("{x:.1}")
}

/// A chart of requests received (本年新收, a line) and their outcomes (予以公开, 部分公开,
/// 不予公开, others; stacked bars) across the years that have reports, followed by the same
/// figures as a data table. `points` need not be sorted; reports without `data:` or
/// without a valid year are left out. Empty when no report has data.
pub fn chart_html(points: &[(i32, &AnnualReport)]) -> String {
    let mut data: Vec<(i32, Outcomes)> = points
        .iter()
        .filter(|(y, r)| r.has_data && *y > 0)
        .map(|(y, r)| (*y, outcomes(&r.requests)))
        .collect();
    data.sort_by_key(|(y, _)| *y);
    data.dedup_by_key(|(y, _)| *y);
    if data.is_empty() {
        return String::new();
    }

    let slot = 80.0;
    let (left, right, top, bottom) = (64.0, 16.0, 24.0, 40.0);
    let plot_w = (slot * data.len() as f64).max(400.0);
    let plot_h = 200.0;
    let width = left + plot_w + right;
    let height = top + plot_h + bottom;
    let max = data
        .iter()
        .map(|(_, o)| o.received.max(o.handled()))
        .max()
        .unwrap_or(0);
    let (step, axis_top) = nice_scale(max);
    let y = |v: u64| top + plot_h - plot_h * (v as f64) / (axis_top as f64);
    let offset = (plot_w - slot * data.len() as f64) / 2.0;
    let cx = |i: usize| left + offset + slot * (i as f64) + slot / 2.0;

    let first = data[0].0;
    let last = data[data.len() - 1].0;
    let span = if first == last {
        format!("{first}年")
    } else {
        format!("{first}年至{last}年")
    };
    let title = format!("{span}收到和处理政府信息公开申请情况");
    let mut desc = String::from(
        "柱形表示各年度办理结果（自下而上：予以公开、部分公开、不予公开、其他），折线表示本年新收申请数量，单位为件。",
    );
    for (year, o) in &data {
        let _ = write!(
            desc,
            "{year}年：本年新收{}件，予以公开{}件，部分公开{}件，不予公开{}件，其他{}件。",
            o.received, o.disclosed, o.partly, o.withheld, o.other
        );
    }

    let mut s = String::new();
    s.push_str("<figure class=\"report-chart\">\n");
    let _ = writeln!(
        s,
        "<svg class=\"report-chart-svg\" role=\"img\" aria-labelledby=\"ar-chart-title\" aria-describedby=\"ar-chart-desc\" viewBox=\"0 0 {} {}\" focusable=\"false\">",
        px(width),
        px(height)
    );
    let _ = writeln!(s, "<title id=\"ar-chart-title\">{}</title>", esc(&title));
    let _ = writeln!(s, "<desc id=\"ar-chart-desc\">{}</desc>", esc(&desc));

    // Grid and value axis.
    let mut tick = 0u64;
    loop {
        let ty = px(y(tick));
        let class = if tick == 0 {
            "chart-axis"
        } else {
            "chart-grid"
        };
        let _ = writeln!(
            s,
            "<line class=\"{class}\" x1=\"{}\" y1=\"{ty}\" x2=\"{}\" y2=\"{ty}\"/>",
            px(left),
            px(left + plot_w)
        );
        let _ = writeln!(
            s,
            "<text class=\"chart-tick\" x=\"{}\" y=\"{}\">{tick}</text>",
            px(left - 8.0),
            px(y(tick) + 5.0)
        );
        if tick >= axis_top {
            break;
        }
        tick = tick.saturating_add(step);
    }

    // Stacked outcome bars.
    let bar_w = slot * 0.5;
    for (i, (year, o)) in data.iter().enumerate() {
        let x = px(cx(i) - bar_w / 2.0);
        let mut base = 0u64;
        for (value, kind) in [
            (o.disclosed, "disclosed"),
            (o.partly, "partly"),
            (o.withheld, "withheld"),
            (o.other, "other"),
        ] {
            if value == 0 {
                continue;
            }
            let top_v = base.saturating_add(value);
            let _ = writeln!(
                s,
                "<rect class=\"chart-bar chart-bar--{kind}\" x=\"{x}\" y=\"{}\" width=\"{}\" height=\"{}\"/>",
                px(y(top_v)),
                px(bar_w),
                px(y(base) - y(top_v))
            );
            base = top_v;
        }
        let _ = writeln!(
            s,
            "<text class=\"chart-year\" x=\"{}\" y=\"{}\">{year}年</text>",
            px(cx(i)),
            px(top + plot_h + 24.0)
        );
    }

    // The received line, on top of the bars.
    if data.len() > 1 {
        let pts: Vec<String> = data
            .iter()
            .enumerate()
            .map(|(i, (_, o))| format!("{},{}", px(cx(i)), px(y(o.received))))
            .collect();
        let _ = writeln!(
            s,
            "<polyline class=\"chart-line\" points=\"{}\"/>",
            pts.join(" ")
        );
    }
    for (i, (_, o)) in data.iter().enumerate() {
        let _ = writeln!(
            s,
            "<circle class=\"chart-point\" cx=\"{}\" cy=\"{}\" r=\"5\"/>",
            px(cx(i)),
            px(y(o.received))
        );
        let _ = writeln!(
            s,
            "<text class=\"chart-value\" x=\"{}\" y=\"{}\">{}</text>",
            px(cx(i)),
            px((y(o.received) - 10.0).max(12.0)),
            o.received
        );
    }
    s.push_str("</svg>\n");

    s.push_str("<ul class=\"chart-legend\">\n");
    for (kind, label) in [
        ("received", "本年新收（折线）"),
        ("disclosed", "予以公开"),
        ("partly", "部分公开"),
        ("withheld", "不予公开"),
        ("other", "其他（无法提供、不予处理、其他处理）"),
    ] {
        let _ = writeln!(
            s,
            "<li><span class=\"chart-swatch chart-swatch--{kind}\" aria-hidden=\"true\"></span>{}</li>",
            esc(label)
        );
    }
    s.push_str("</ul>\n");
    let _ = writeln!(
        s,
        "<figcaption>图：{}（单位：件；数据见下表）</figcaption>",
        esc(&title)
    );
    s.push_str("</figure>\n");

    open_region(&mut s, &format!("表格：{title}"));
    s.push_str("<table class=\"report-table report-table--chart\">\n");
    let _ = writeln!(s, "<caption>{}（单位：件）</caption>", esc(&title));
    s.push_str("<thead><tr><th scope=\"col\">年度</th><th scope=\"col\">本年新收</th><th scope=\"col\">予以公开</th><th scope=\"col\">部分公开</th><th scope=\"col\">不予公开</th><th scope=\"col\">其他（无法提供、不予处理、其他处理）</th><th scope=\"col\">办理结果总计</th></tr></thead>\n<tbody>\n");
    for (year, o) in &data {
        let _ = writeln!(
            s,
            "<tr><th scope=\"row\">{year}年</th><td class=\"report-num\">{}</td><td class=\"report-num\">{}</td><td class=\"report-num\">{}</td><td class=\"report-num\">{}</td><td class=\"report-num\">{}</td><td class=\"report-num report-sum\">{}</td></tr>",
            o.received,
            o.disclosed,
            o.partly,
            o.withheld,
            o.other,
            o.handled()
        );
    }
    s.push_str("</tbody>\n</table>\n</div>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::annual_report::parse_file;
    use std::collections::BTreeSet;

    const GOOD_2021: &str = include_str!("../../tests/fixtures/annual-reports/good-2021.md");
    const GOOD_2019: &str = include_str!("../../tests/fixtures/annual-reports/good-2019.md");

    fn report(text: &str) -> AnnualReport {
        let (r, diags) = parse_file(text);
        assert!(diags.is_empty(), "{diags:#?}");
        r
    }

    /// Every `id="…"` in the HTML.
    fn ids(html: &str) -> Vec<String> {
        html.split(" id=\"")
            .skip(1)
            .filter_map(|p| p.split('"').next())
            .map(str::to_string)
            .collect()
    }

    /// The well-formedness of the tags we emit: every opened element is closed in order.
    fn assert_balanced(html: &str) {
        let mut stack: Vec<String> = Vec::new();
        let mut rest = html;
        while let Some(i) = rest.find('<') {
            rest = &rest[i + 1..];
            let end = rest.find('>').expect("tag closes");
            let tag = &rest[..end];
            rest = &rest[end + 1..];
            if let Some(name) = tag.strip_prefix('/') {
                assert_eq!(stack.pop().as_deref(), Some(name), "in {html}");
            } else if !tag.ends_with('/') {
                let name = tag.split_whitespace().next().unwrap_or("").to_string();
                stack.push(name);
            }
        }
        assert!(stack.is_empty(), "unclosed {stack:?}");
    }

    #[test]
    fn tables_use_the_exact_template_wording() {
        let html = tables_html(&report(GOOD_2021));
        for text in [
            "<h2 id=\"ar-proactive\">二、主动公开政府信息情况</h2>",
            "<h2 id=\"ar-requests\">三、收到和处理政府信息公开申请情况</h2>",
            "<h2 id=\"ar-appeals\">四、政府信息公开行政复议、行政诉讼情况</h2>",
            "第二十条第（一）项",
            "第二十条第（五）项",
            "第二十条第（六）项",
            "第二十条第（八）项",
            ">信息内容<",
            ">本年制发件数<",
            ">本年废止件数<",
            ">现行有效件数<",
            ">本年处理决定数量<",
            ">本年收费金额（单位：万元）<",
            ">规章<",
            ">行政规范性文件<",
            ">行政许可<",
            ">行政处罚<",
            ">行政强制<",
            ">行政事业性收费<",
            ">12.5<",
            BALANCE_NOTE,
            ">申请人情况<",
            ">自然人<",
            ">法人或其他组织<",
            ">商业企业<",
            ">科研机构<",
            ">社会公益组织<",
            ">法律服务机构<",
            ">一、本年新收政府信息公开申请数量<",
            ">二、上年结转政府信息公开申请数量<",
            ">三、本年度办理结果<",
            ">（一）予以公开<",
            ">（二）部分公开（区分处理的，只计这一情形，不计其他情形）<",
            ">（三）不予公开<",
            ">1.属于国家秘密<",
            ">2.其他法律行政法规禁止公开<",
            ">3.危及“三安全一稳定”<",
            ">4.保护第三方合法权益<",
            ">5.属于三类内部事务信息<",
            ">6.属于四类过程性信息<",
            ">7.属于行政执法案卷<",
            ">8.属于行政查询事项<",
            ">（四）无法提供<",
            ">1.本机关不掌握相关政府信息<",
            ">2.没有现成信息需要另行制作<",
            ">3.补正后申请内容仍不明确<",
            ">（五）不予处理<",
            ">1.信访举报投诉类申请<",
            ">2.重复申请<",
            ">3.要求提供公开出版物<",
            ">4.无正当理由大量反复申请<",
            ">5.要求行政机关确认或重新出具已获取信息<",
            ">（六）其他处理<",
            ">1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请<",
            ">2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请<",
            ">3.其他<",
            ">（七）总计<",
            ">四、结转下年度继续办理<",
            ">行政复议<",
            ">行政诉讼<",
            ">未经复议直接起诉<",
            ">复议后起诉<",
            ">结果维持<",
            ">结果纠正<",
            ">其他结果<",
            ">尚未审结<",
        ] {
            assert!(html.contains(text), "missing {text}");
        }
        // No 法人或其他组织 subtotal: exactly seven value cells per row of table 三.
        let new_row = html
            .split("一、本年新收政府信息公开申请数量</th>")
            .nth(1)
            .unwrap();
        let new_row = new_row.split("</tr>").next().unwrap();
        assert_eq!(new_row.matches("<td").count(), 7);
        assert!(
            new_row.contains(">30</td>") && new_row.contains(">37</td>"),
            "{new_row}"
        );
        // The group rows carry no numbers of their own: their header shares the row with
        // the first sub-row, and the results block spans all 22 rows.
        assert!(html.contains("rowspan=\"22\" id=\"ar-req-results\""));
        assert!(html.contains("rowspan=\"8\" id=\"ar-req-withheld\""));
        assert!(html.contains("rowspan=\"3\" id=\"ar-req-other\""));
        assert_balanced(&html);
    }

    #[test]
    fn tables_are_accessible() {
        let html = tables_html(&report(GOOD_2021));
        assert_eq!(html.matches("<table").count(), 6);
        assert_eq!(html.matches("<caption>").count(), 6);
        assert_eq!(
            html.matches("class=\"table-scroll\" role=\"region\"")
                .count(),
            3
        );
        assert_eq!(html.matches("tabindex=\"0\"").count(), 3);
        assert!(!html.contains("style="));
        assert!(!html.contains("<script"));
        // Every id is unique, and every headers reference names an id of the same page.
        let all = ids(&html);
        let set: BTreeSet<&String> = all.iter().collect();
        assert_eq!(set.len(), all.len(), "duplicate ids");
        for part in html.split(" headers=\"").skip(1) {
            for id in part.split('"').next().unwrap().split(' ') {
                assert!(
                    set.contains(&id.to_string()),
                    "headers names unknown id {id}"
                );
            }
        }
        // Every data cell of tables 三 and 四 names its headers.
        let body = html.split("report-table--requests").nth(1).unwrap();
        for cell in body.split("<td").skip(1) {
            let open = cell.split('>').next().unwrap();
            assert!(
                open.contains(" headers=\"") || open.contains("report-note"),
                "cell without headers: {open}"
            );
        }
        assert!(html.contains("<td class=\"report-num\" headers=\"ar-req-results ar-req-withheld ar-req-withheld-3 ar-req-applicant ar-req-org ar-req-c1\">"));
        assert!(html.contains("headers=\"ar-app-lawsuit ar-app-direct ar-app-direct-3\">1</td>"));
        for scope in [
            "scope=\"col\"",
            "scope=\"row\"",
            "scope=\"colgroup\"",
            "scope=\"rowgroup\"",
        ] {
            assert!(html.contains(scope), "{scope}");
        }
    }

    #[test]
    fn text_is_escaped() {
        let (mut r, _) = parse_file(GOOD_2019);
        if let Proactive::Trial2019(p) = &mut r.proactive {
            p.procurement.amount = "<b>1</b>&\"".to_string();
        }
        let html = tables_html(&r);
        assert!(html.contains("&lt;b&gt;1&lt;/b&gt;&amp;&quot;"));
        assert!(!html.contains("<b>"));
    }

    #[test]
    fn format_2019_renders_the_trial_template() {
        let html = tables_html(&report(GOOD_2019));
        for text in [
            "第二十条第（九）项",
            ">本年新制作数量<",
            ">本年新公开数量<",
            ">对外公开总数量<",
            ">规范性文件<",
            ">上一年项目数量<",
            ">本年增/减<",
            ">处理决定数量<",
            ">其他对外管理服务事项<",
            ">采购项目数量<",
            ">采购总金额<",
            ">政府集中采购<",
            ">251.3万元<",
            ">-3<",
            "rowspan=\"20\" id=\"ar-req-results\"",
        ] {
            assert!(html.contains(text), "missing {text}");
        }
        assert!(!html.contains("本年制发件数"));
        assert!(!html.contains("3.其他<"));
        // （六）其他处理 is one row spanning both label columns, with numbers.
        let other = html
            .split(">（六）其他处理</th>")
            .nth(1)
            .unwrap()
            .split("</tr>")
            .next()
            .unwrap();
        assert_eq!(other.matches("<td").count(), 7);
        assert!(html.contains("colspan=\"2\" headers=\"ar-req-results\">（六）其他处理</th>"));
        assert_balanced(&html);
    }

    #[test]
    fn report_without_data_says_so() {
        let (r, _) = parse_file("year: 2024\n");
        let html = tables_html(&r);
        assert_eq!(html.matches("<h2").count(), 3);
        assert!(!html.contains("<table"));
        assert!(html.contains("report-missing"));
    }

    #[test]
    fn tables_go_before_section_five() {
        let body = "<h2 id=\"一总体情况\">一、总体情况</h2>\n<p>正文</p>\n<h2 id=\"五\"><a class=\"anchor\" href=\"#五\">#</a>五、政府信息公开工作存在的主要问题及改进情况</h2>\n<p>问题</p>\n";
        let out = insert_tables(body, "<h2>二、</h2>\n");
        let two = out.find("<h2>二、").unwrap();
        assert!(out.find("<p>正文</p>").unwrap() < two);
        assert!(two < out.find("五、政府").unwrap());
        assert_eq!(out.len(), body.len() + "<h2>二、</h2>\n".len());
        // A 五 that is not a section number, an <h3>, or <h20> do not count.
        let body = "<h2>五年规划</h2><h3>五、小节</h3><p>x</p>";
        let out = insert_tables(body, "T");
        assert_eq!(out, format!("{body}\nT"));
        assert_eq!(insert_tables("", "T"), "T");
    }

    #[test]
    fn chart_is_svg_with_text_alternative() {
        let a = report(GOOD_2021);
        let b = report(GOOD_2019);
        let html = chart_html(&[(2024, &a), (2020, &b)]);
        assert!(html.starts_with("<figure class=\"report-chart\">"));
        assert!(html.contains(
            "role=\"img\" aria-labelledby=\"ar-chart-title\" aria-describedby=\"ar-chart-desc\""
        ));
        assert!(html.contains(
            "<title id=\"ar-chart-title\">2020年至2024年收到和处理政府信息公开申请情况</title>"
        ));
        assert!(html.contains("<desc id=\"ar-chart-desc\">"));
        assert!(html.contains("2024年：本年新收37件，予以公开"));
        assert!(html.contains("<figcaption>"));
        assert!(html.contains("<polyline class=\"chart-line\""));
        assert!(html.contains("chart-bar--disclosed"));
        assert!(!html.contains("style="));
        assert!(!html.contains("<script"));
        // Years in order, in the table too.
        assert!(
            html.find("<th scope=\"row\">2020年</th>").unwrap()
                < html.find("<th scope=\"row\">2024年</th>").unwrap()
        );
        let table = html.split("</figure>").nth(1).unwrap();
        assert!(table.contains("<table") && table.contains("<caption>"));
        assert!(table.contains("<td class=\"report-num\">37</td>"));
        let all = ids(&html);
        let set: BTreeSet<&String> = all.iter().collect();
        assert_eq!(set.len(), all.len());
        // No clash with the tables of the same page.
        let page = format!("{}{}", tables_html(&a), html);
        let all = ids(&page);
        let set: BTreeSet<&String> = all.iter().collect();
        assert_eq!(set.len(), all.len());
        assert_balanced(&html);
    }

    #[test]
    fn chart_of_nothing_is_empty_and_one_year_works() {
        assert_eq!(chart_html(&[]), "");
        let (empty, _) = parse_file("year: 2024\n");
        assert_eq!(chart_html(&[(2024, &empty)]), "");
        let (zero, _) = parse_file("year: 2024\ndata: {}\n");
        let html = chart_html(&[(2024, &zero)]);
        assert!(html.contains("<title id=\"ar-chart-title\">2024年收到"));
        assert!(!html.contains("polyline"));
        assert!(!html.contains("NaN") && !html.contains("inf"));
    }

    #[test]
    fn scale_is_round() {
        assert_eq!(nice_scale(0), (1, 1));
        assert_eq!(nice_scale(7), (2, 8));
        assert_eq!(nice_scale(37), (10, 40));
        assert_eq!(nice_scale(1234), (500, 1500));
        assert!(nice_scale(u64::MAX).1 >= 1);
    }
}
