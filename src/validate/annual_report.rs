//! Site-wide checks of annual reports: against the rest of the site, last year's report,
//! and the statutory deadline and outline.
//!
//! A report's 行政规范性文件 row (本年制发 / 本年废止 / 现行有效) states facts the site can
//! partly verify: the normative policies it holds for that body and year, and last year's
//! report of the same body. A mismatch is only a warning — a portal may not hold every
//! document, and old documents are often missing — but it is the kind of slip (a
//! forgotten repeal, last year's figure copied forward) that inspections find.
//!
//! One rule makes the row's three numbers agree: **本年废止 counts every normative document
//! that ceased to be in force during the year** — repealed (废止) or lapsed (有效期届满,
//! 有效期至 as stated or derived from the site's default validity), whichever came first —
//! so that 现行有效 = 上年现行有效 + 本年制发 − 本年废止 holds.
//!
//! Codes: `W0504` 本年制发 differs from the normative policies issued that year; `W0505`
//! 本年废止 differs from those repealed or lapsed that year; `W0506` 现行有效 differs from
//! last year's 现行有效 + 本年制发 − 本年废止 (行政规范性文件 row), `W0510` the same for the
//! 规章 row; `W0507` two reports for the same body and year; `W0511` published after the
//! 条例第四十九条 deadline; `W0512` a section the 条例第五十条 outline requires is missing;
//! `W0513` 二、上年结转 differs from last year's 四、结转下年度继续办理. The policy checks are
//! skipped for a body of which the site holds no normative policy at all: there is nothing
//! to compare with.

use crate::date::{self, Date};
use crate::diag::Diagnostic;
use crate::link::Site;
use crate::model::annual_report::{keys, AnnualReport, DocCounts, COLUMN_LABELS};
use crate::model::{Document, Policy};
use crate::rules::annual_report::{expected_in_force, normative_counts};
use chrono::{Datelike, NaiveDate};

/// A department name compared loosely: officers are not consistent with spaces.
fn norm(name: &str) -> String {
    name.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Whether a policy belongs to `department`: its 公开责任部门, or one of its 发文机关 (a
/// joint document lists several, separated by `、` or `，`). A people's government's
/// report also counts what its 办公室 issued: 政府办公室 documents are issued on the
/// government's behalf and are reported by it.
fn belongs(doc: &Document, policy: &Policy, department: &str) -> bool {
    let same = |name: &str| {
        let name = norm(name);
        name == department
            || (department.ends_with("人民政府") && name.strip_suffix("办公室") == Some(department))
    };
    doc.department.as_deref().is_some_and(same)
        || policy
            .issuer
            .split(['、', '，', ',', '；', ';'])
            .any(|issuer| !issuer.trim().is_empty() && same(issuer))
}

/// File line of the 行政规范性文件 row, or of `data:`, or of the front matter.
fn row_line(doc: &Document, counts: &DocCounts) -> Option<usize> {
    counts
        .line
        .or_else(|| doc.line_of(&keys::NORMATIVE_DOCS))
        .or_else(|| doc.line_of(&keys::DATA))
        .or(Some(doc.front_line))
}

/// The department as shown in a message.
fn shown(doc: &Document) -> String {
    doc.department
        .clone()
        .unwrap_or_else(|| "本机关".to_string())
}

/// Who publishes a report, which decides its deadline (条例第四十九条).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Publisher {
    /// A people's government (name ends in 人民政府): by 31 March of the next year.
    Government,
    /// A government department: by 31 January of the next year.
    Department,
}

/// The publisher of a report from its body's name: a name ending in 人民政府 (county,
/// city, township alike) is a people's government, anything else a department. Without a
/// name the lenient deadline applies — a false warning is worse than none.
pub fn publisher(body: Option<&str>) -> Publisher {
    match body.map(norm) {
        Some(name) if !name.ends_with("人民政府") => Publisher::Department,
        _ => Publisher::Government,
    }
}

/// The last day a report for `year` may be published (条例第四十九条).
pub fn deadline(publisher: Publisher, year: i32) -> Option<Date> {
    match publisher {
        Publisher::Government => NaiveDate::from_ymd_opt(year + 1, 3, 31),
        Publisher::Department => NaiveDate::from_ymd_opt(year + 1, 1, 31),
    }
}

/// The sections 条例第五十条 requires in the report's text (the template's headings 一、五、
/// 六; 二、三、四 are the tables gongkai generates): numeral and a phrase of the heading.
pub const REQUIRED_SECTIONS: [(&str, &str, &str); 3] = [
    ("一、", "总体情况", "一、总体情况"),
    ("五、", "问题", "五、存在的主要问题及改进情况"),
    ("六、", "其他需要报告", "六、其他需要报告的事项"),
];

/// The required sections (their template headings) that `body` has no heading or line for.
pub fn missing_sections(body: &str) -> Vec<&'static str> {
    let lines: Vec<String> = body
        .lines()
        .map(|l| {
            l.trim()
                .trim_start_matches('#')
                .trim()
                .trim_start_matches("**")
                .trim()
                .to_string()
        })
        .collect();
    REQUIRED_SECTIONS
        .iter()
        .filter(|(numeral, phrase, _)| {
            !lines
                .iter()
                .any(|l| l.starts_with(numeral) && l.contains(phrase))
        })
        .map(|(_, _, heading)| *heading)
        .collect()
}

/// The body a report speaks for: its 公开责任部门, else what its title says before the
/// year (`示例县人民政府2024年…`).
fn body_of(doc: &Document, year: i32) -> Option<String> {
    doc.department.clone().or_else(|| {
        doc.title
            .split_once(&format!("{year}年"))
            .map(|(before, _)| before.trim().to_string())
            .filter(|b| !b.is_empty())
    })
}

/// Cross-check every annual report of the site; see the module documentation for codes.
pub fn check_site(site: &Site) -> Vec<Diagnostic> {
    let docs = &site.docs;
    let mut out = Vec::new();
    let mut reports: Vec<(&Document, &AnnualReport)> = docs
        .iter()
        .filter_map(|d| d.annual_report().map(|r| (d, r)))
        .filter(|(_, r)| r.year > 0)
        .collect();
    reports.sort_by(|a, b| a.0.source.cmp(&b.0.source));
    let key_of = |d: &Document| d.department.as_deref().map(norm);

    // Two reports for one body and year: the site would list both, and the next year's
    // check could not tell which one to follow.
    for (i, (doc, r)) in reports.iter().enumerate() {
        if let Some((first, _)) = reports[..i]
            .iter()
            .find(|(d, other)| other.year == r.year && key_of(d) == key_of(doc))
        {
            out.push(
                doc.warning_at(
                    "W0507",
                    &keys::YEAR,
                    format!(
                        "{}{}年度的政府信息公开工作年度报告有两份（另一份是 {}）",
                        shown(doc),
                        r.year,
                        first.source.display()
                    ),
                )
                .help("每个机关每年只发布一份年度报告；更正报告时修改原文件，不要另建文件"),
            );
        }
    }

    // When each normative policy ceased to be in force: repeal or lapse, the earlier.
    let normative: Vec<(&Document, &Policy, Option<Date>)> = docs
        .iter()
        .enumerate()
        .filter_map(|(i, d)| d.policy().map(|p| (i, d, p)))
        .filter(|(_, _, p)| p.normative)
        .map(|(i, d, p)| {
            let repealed = p.repealed.as_ref().and_then(|rel| rel.date);
            let lapsed = site
                .validity_of(i)
                .and_then(|v| v.expires)
                .and_then(|e| e.succ_opt());
            let ceased = match (repealed, lapsed) {
                (Some(r), Some(l)) => Some(r.min(l)),
                (r, l) => r.or(l),
            };
            (d, p, ceased)
        })
        .collect();

    for (doc, r) in &reports {
        check_deadline(doc, r, &mut out);
        check_sections(doc, &mut out);
        check_carry_over(doc, r, &reports, &mut out);
    }

    for (doc, r) in &reports {
        let Some(p) = r.proactive_2021().filter(|_| r.has_data) else {
            continue;
        };
        let counts = &p.normative_docs;
        let line = row_line(doc, counts);
        let dept_shown = shown(doc);

        if let Some(dept) = key_of(doc) {
            let own: Vec<&(&Document, &Policy, Option<Date>)> = normative
                .iter()
                .filter(|(d, p, _)| belongs(d, p, &dept))
                .collect();
            if !own.is_empty() {
                let (issued, repealed) = normative_counts(
                    own.iter().map(|(d, p, ceased)| {
                        (
                            p.issued.or(d.published).map(|x| x.year()),
                            ceased.map(|x| x.year()),
                        )
                    }),
                    r.year,
                );
                if issued != counts.issued {
                    out.push(
                        Diagnostic::warning(
                            "W0504",
                            format!(
                                "年度报告“行政规范性文件”的本年制发件数填写为 {}，但站内{dept_shown}{}年成文的行政规范性文件有 {issued} 件",
                                counts.issued, r.year
                            ),
                        )
                        .in_file(&doc.source)
                        .at_line(line)
                        .help("核对报告中的数字，或把缺少的规范性文件补充到站内（规范性文件: 是）；站内未收录全部文件时可忽略此警告"),
                    );
                }
                if repealed != counts.repealed {
                    out.push(
                        Diagnostic::warning(
                            "W0505",
                            format!(
                                "年度报告“行政规范性文件”的本年废止件数填写为 {}，但站内{dept_shown}{}年废止或失效的行政规范性文件有 {repealed} 件",
                                counts.repealed, r.year
                            ),
                        )
                        .in_file(&doc.source)
                        .at_line(line)
                        .help("本年废止件数包括本年废止和因有效期届满而失效的文件（与现行有效件数的计算一致）；核对报告中的数字，或在已废止文件的前置信息中写明 `废止: {日期: …, 依据: …}`、在文件中写明有效期至；站内未收录全部文件时可忽略此警告"),
                    );
                }
            }
        }

        let last = reports.iter().find(|(d, other)| {
            other.year == r.year - 1
                && other.has_data
                && key_of(d) == key_of(doc)
                && other.proactive_2021().is_some()
        });
        if let Some((last_doc, last_report)) = last {
            let Some(last_p) = last_report.proactive_2021() else {
                continue;
            };
            let expected = expected_in_force(
                last_p.normative_docs.in_force,
                counts.issued,
                counts.repealed,
            );
            if expected != i128::from(counts.in_force) {
                out.push(
                    Diagnostic::warning(
                        "W0506",
                        format!(
                            "年度报告“行政规范性文件”的现行有效件数填写为 {}，但按上一年度报告（{}）的现行有效 {} 件，加本年制发 {} 件、减本年废止 {} 件，应为 {expected} 件",
                            counts.in_force,
                            last_doc.source.display(),
                            last_p.normative_docs.in_force,
                            counts.issued,
                            counts.repealed
                        ),
                    )
                    .in_file(&doc.source)
                    .at_line(line)
                    .help("核对本年及上一年度报告的现行有效件数；本年废止件数包括本年废止和因有效期届满而失效的文件"),
                );
            }
            let rules_expected =
                expected_in_force(last_p.rules.in_force, p.rules.issued, p.rules.repealed);
            if rules_expected != i128::from(p.rules.in_force) {
                out.push(
                    Diagnostic::warning(
                        "W0510",
                        format!(
                            "年度报告“规章”的现行有效件数填写为 {}，但按上一年度报告（{}）的现行有效 {} 件，加本年制发 {} 件、减本年废止 {} 件，应为 {rules_expected} 件",
                            p.rules.in_force,
                            last_doc.source.display(),
                            last_p.rules.in_force,
                            p.rules.issued,
                            p.rules.repealed
                        ),
                    )
                    .in_file(&doc.source)
                    .at_line(
                        p.rules
                            .line
                            .or_else(|| doc.line_of(&keys::DATA))
                            .or(Some(doc.front_line)),
                    )
                    .help("核对本年及上一年度报告“规章”一行的现行有效件数；本年废止件数包括本年废止和因有效期届满而失效的规章"),
                );
            }
        }
    }
    out
}

/// 条例第四十九条: departments by 31 January, people's governments by 31 March.
fn check_deadline(doc: &Document, r: &AnnualReport, out: &mut Vec<Diagnostic>) {
    let Some(published) = doc.published else {
        return;
    };
    let body = body_of(doc, r.year);
    let who = publisher(body.as_deref());
    let Some(last_day) = deadline(who, r.year) else {
        return;
    };
    if published > last_day {
        let (kind, by) = match who {
            Publisher::Government => ("县级以上地方人民政府", "3月31日"),
            Publisher::Department => ("政府部门", "1月31日"),
        };
        out.push(
            doc.warning_at(
                "W0511",
                &crate::model::keys::PUBLISHED,
                format!(
                    "{}{}年度的政府信息公开工作年度报告于 {} 发布，晚于法定期限 {}",
                    body.as_deref().unwrap_or("本机关"),
                    r.year,
                    date::iso(published),
                    date::iso(last_day)
                ),
            )
            .help(format!(
                "《政府信息公开条例》第四十九条：{kind}应于每年{by}前公布上一年度的年度报告（名称以“人民政府”结尾的按人民政府计，其余按部门计）；如发布日期填错请更正"
            )),
        );
    }
}

/// 条例第五十条: the report's text covers the template's sections 一、五、六.
fn check_sections(doc: &Document, out: &mut Vec<Diagnostic>) {
    let body = doc.body_text().unwrap_or_default();
    for heading in missing_sections(&body) {
        out.push(
            Diagnostic::warning("W0512", format!("年度报告正文缺少“{heading}”部分"))
                .in_file(&doc.source)
                .at_line(Some(doc.body_line))
                .help(format!(
                    "《政府信息公开条例》第五十条与国办公开办函〔2021〕30号模板：正文须有“一、总体情况”“五、存在的主要问题及改进情况”“六、其他需要报告的事项”（二、三、四为自动生成的表格）；加一个标题 `## {heading}`"
                )),
        );
    }
}

/// 二、上年结转 of this year's report is 四、结转下年度继续办理 of last year's, per column.
fn check_carry_over(
    doc: &Document,
    r: &AnnualReport,
    reports: &[(&Document, &AnnualReport)],
    out: &mut Vec<Diagnostic>,
) {
    if !r.has_data {
        return;
    }
    let key = doc.department.as_deref().map(norm);
    let Some((last_doc, last)) = reports.iter().find(|(d, other)| {
        other.year == r.year - 1 && other.has_data && d.department.as_deref().map(norm) == key
    }) else {
        return;
    };
    let now = &r.requests.carried_over;
    let then = &last.requests.carried_forward;
    let differing: Vec<String> = COLUMN_LABELS
        .iter()
        .zip(now.cells.iter().zip(then.cells.iter()))
        .filter(|(_, (a, b))| a != b)
        .map(|(label, (a, b))| format!("{label}：本年 {a}、上年 {b}"))
        .collect();
    if !differing.is_empty() {
        out.push(
            Diagnostic::warning(
                "W0513",
                format!(
                    "“二、上年结转政府信息公开申请数量”与上一年度报告（{}）的“四、结转下年度继续办理”不一致（{}）",
                    last_doc.source.display(),
                    differing.join("；")
                ),
            )
            .in_file(&doc.source)
            .at_line(now.line.or(r.requests.line).or(Some(doc.front_line)))
            .help("上年结转的申请即上一年度报告结转下年度继续办理的申请，两者每一列都应相等；核对两份报告"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{build_document, Kind, RawDocument};
    use crate::yaml::{parse_mapping, Fields};
    use std::path::Path;

    const SECTIONS: &str = "## 一、总体情况\n\n……\n\n## 五、存在的主要问题及改进情况\n\n……\n\n## 六、其他需要报告的事项\n\n无。\n";

    /// Link `docs` as a site (default validity: five years) and run the checks.
    fn check_site(docs: &[Document]) -> Vec<Diagnostic> {
        let config = crate::config::Config::parse(
            "title = \"示例\"\n[identity]\norganizer = \"示例县人民政府办公室\"\nsite_code = \"4305210001\"\n",
            Path::new("config.toml"),
        )
        .unwrap()
        .0;
        let content = crate::load::Content {
            documents: docs.to_vec(),
            assets: Default::default(),
            diagnostics: Vec::new(),
            digest: None,
        };
        let (site, _) = crate::link::link(content, config, date::parse_date("2026-11-22").unwrap());
        super::check_site(&site)
    }

    fn doc(source: &str, front: &str) -> Document {
        doc_with_body(source, front, SECTIONS)
    }

    fn doc_with_body(source: &str, front: &str, body: &str) -> Document {
        let file = Path::new(source);
        let map = parse_mapping(front, file, 2).expect("valid YAML");
        let kind = if source.contains("/policies/") {
            Kind::Policy
        } else {
            Kind::AnnualReport
        };
        let raw = RawDocument {
            source: file.to_path_buf(),
            kind,
            fields: Fields::new(&map, file, front, 2),
            front,
            front_line: 2,
            body,
            body_line: front.lines().count() + 3,
        };
        let mut diags = Vec::new();
        let d = build_document(raw, &mut diags);
        assert!(diags.iter().all(|d| !d.is_error()), "{diags:#?}");
        d
    }

    fn policy(n: u32, issuer: &str, issued: &str, repealed: Option<&str>) -> Document {
        let mut front = format!(
            "title: 文件{n}\nindex_no: 4305210003/2024-{n:05}\nissuer: {issuer}\nissued: {issued}\nnormative: true\n"
        );
        if let Some(r) = repealed {
            front.push_str(&format!(
                "repealed:\n  date: {r}\n  by: 示政发〔2024〕1号\n"
            ));
        }
        doc(&format!("content/policies/{n}.md"), &front)
    }

    fn report(source: &str, dept: &str, year: i32, counts: &str) -> Document {
        let front = format!(
            "title: {dept}{year}年政府信息公开工作年度报告\nyear: {year}\npublished: {}-01-20\ndepartment: {dept}\ndata:\n  proactive:\n    normative_docs: {counts}\n",
            year + 1
        );
        doc(source, &front)
    }

    fn site() -> Vec<Document> {
        vec![
            policy(1, "示例县人民政府", "2024-03-01", None),
            policy(2, "示例县人民政府", "2024-05-01", None),
            policy(3, "示例县人民政府", "2021-05-01", Some("2024-06-01")),
            policy(4, "示例县发展和改革局、示例县财政局", "2024-07-01", None),
            policy(5, "示例县教育局", "2024-07-01", None),
        ]
    }

    #[test]
    fn matching_report_has_no_warnings() {
        let mut docs = site();
        docs.push(report(
            "content/annual-reports/2023.md",
            "示例县人民政府",
            2023,
            "{issued: 0, repealed: 0, in_force: 10}",
        ));
        docs.push(report(
            "content/annual-reports/2024.md",
            "示例县人民政府",
            2024,
            "{issued: 2, repealed: 1, in_force: 11}",
        ));
        let diags = check_site(&docs);
        assert!(diags.is_empty(), "{diags:#?}");
    }

    #[test]
    fn issued_and_repealed_counts_are_checked_against_policies() {
        let mut docs = site();
        docs.push(report(
            "content/annual-reports/2024.md",
            "示例县人民政府",
            2024,
            "{issued: 3, repealed: 0, in_force: 11}",
        ));
        let diags = check_site(&docs);
        let codes: Vec<&str> = diags.iter().map(|d| d.code).collect();
        assert_eq!(codes, vec!["W0504", "W0505"], "{diags:#?}");
        assert!(diags.iter().all(|d| !d.is_error()));
        assert!(
            diags[0].message.contains('3') && diags[0].message.contains("有 2 件"),
            "{}",
            diags[0].message
        );
        assert!(diags[1].message.contains("有 1 件"), "{}", diags[1].message);
        // At the line of the normative_docs row: front matter from line 2, row on its 7th line.
        assert_eq!(diags[0].line, Some(8));
        assert_eq!(
            diags[0].file.as_deref(),
            Some(Path::new("content/annual-reports/2024.md"))
        );
    }

    #[test]
    fn government_report_counts_what_its_office_issued() {
        let docs = vec![
            policy(1, "示例县人民政府办公室", "2024-03-01", None),
            policy(2, "示例县人民政府", "2024-05-01", None),
            policy(3, "示例县教育局办公室", "2024-05-01", None),
            report(
                "content/annual-reports/2024.md",
                "示例县人民政府",
                2024,
                "{issued: 2, repealed: 0, in_force: 2}",
            ),
        ];
        let diags = check_site(&docs);
        assert!(diags.is_empty(), "{diags:#?}");
        let wrong = vec![
            policy(1, "示例县人民政府办公室", "2024-03-01", None),
            report(
                "content/annual-reports/2024.md",
                "示例县人民政府",
                2024,
                "{issued: 0, repealed: 0, in_force: 2}",
            ),
        ];
        assert_eq!(check_site(&wrong)[0].code, "W0504");
    }

    #[test]
    fn joint_issuers_count_for_each_body() {
        let mut docs = site();
        docs.push(report(
            "content/annual-reports/cz-2024.md",
            "示例县财政局",
            2024,
            "{issued: 1, repealed: 0, in_force: 1}",
        ));
        assert!(check_site(&docs).is_empty());
    }

    #[test]
    fn body_without_policies_on_the_site_is_not_checked() {
        let mut docs = site();
        docs.push(report(
            "content/annual-reports/ws-2024.md",
            "示例县卫生健康局",
            2024,
            "{issued: 9, repealed: 9, in_force: 9}",
        ));
        assert!(check_site(&docs).is_empty());
    }

    #[test]
    fn in_force_follows_last_year() {
        let mut docs = site();
        docs.push(report(
            "content/annual-reports/2023.md",
            "示例县人民政府",
            2023,
            "{issued: 0, repealed: 0, in_force: 10}",
        ));
        docs.push(report(
            "content/annual-reports/2024.md",
            "示例县人民政府",
            2024,
            "{issued: 2, repealed: 1, in_force: 12}",
        ));
        // Another body's report of last year does not count.
        docs.push(report(
            "content/annual-reports/jy-2023.md",
            "示例县教育局",
            2023,
            "{issued: 0, repealed: 0, in_force: 11}",
        ));
        let diags = check_site(&docs);
        assert_eq!(
            diags.iter().map(|d| d.code).collect::<Vec<_>>(),
            vec!["W0506"],
            "{diags:#?}"
        );
        let m = &diags[0].message;
        assert!(
            m.contains("12")
                && m.contains("应为 11 件")
                && m.contains("content/annual-reports/2023.md"),
            "{m}"
        );
    }

    #[test]
    fn two_reports_for_one_year_are_a_warning() {
        let docs = vec![
            report(
                "content/annual-reports/a.md",
                "示例县人民政府",
                2024,
                "{issued: 0, repealed: 0, in_force: 0}",
            ),
            report(
                "content/annual-reports/b.md",
                "示例县 人民政府",
                2024,
                "{issued: 0, repealed: 0, in_force: 0}",
            ),
        ];
        let diags = check_site(&docs);
        assert_eq!(diags.len(), 1, "{diags:#?}");
        assert_eq!(diags[0].code, "W0507");
        assert_eq!(
            diags[0].file.as_deref(),
            Some(Path::new("content/annual-reports/b.md"))
        );
        assert_eq!(diags[0].line, Some(3));
    }

    /// A report with its own front-matter lines after the common ones.
    fn report_with(
        source: &str,
        dept: &str,
        year: i32,
        published: &str,
        extra: &str,
        body: &str,
    ) -> Document {
        let front = format!(
            "title: {dept}{year}年政府信息公开工作年度报告\nyear: {year}\npublished: {published}\ndepartment: {dept}\n{extra}"
        );
        doc_with_body(source, &front, body)
    }

    fn codes(diags: &[Diagnostic]) -> Vec<&'static str> {
        diags.iter().map(|d| d.code).collect()
    }

    #[test]
    fn lapsed_documents_count_as_repealed_so_w0505_and_w0506_agree() {
        // Issued 2019-03-01 with no stated expiry: five years, last day 2024-02-29.
        let lapsing = policy(7, "示例县人民政府", "2019-03-01", None);
        // Lapsed 2024-03-01 and repealed only later, in 2025: it ceased in 2024.
        let lapsed_then_repealed = policy(8, "示例县人民政府", "2019-06-01", Some("2025-03-01"));
        let reports = |repealed: u64, in_force: u64| {
            vec![
                lapsing.clone(),
                lapsed_then_repealed.clone(),
                report(
                    "content/annual-reports/2023.md",
                    "示例县人民政府",
                    2023,
                    "{issued: 0, repealed: 0, in_force: 2}",
                ),
                report(
                    "content/annual-reports/2024.md",
                    "示例县人民政府",
                    2024,
                    &format!("{{issued: 0, repealed: {repealed}, in_force: {in_force}}}"),
                ),
            ]
        };
        // Counting lapses as 废止 satisfies both checks at once.
        let diags = check_site(&reports(2, 0));
        assert!(diags.is_empty(), "{diags:#?}");
        // Leaving them out is what W0505 names, and W0506 then agrees with the report's own
        // arithmetic (2 + 0 − 0 = 2), so the officer is told one thing, not two opposite ones.
        let diags = check_site(&reports(0, 2));
        assert_eq!(codes(&diags), vec!["W0505"], "{diags:#?}");
        assert!(
            diags[0]
                .message
                .contains("废止或失效的行政规范性文件有 2 件"),
            "{}",
            diags[0].message
        );
        assert!(diags[0]
            .help
            .as_deref()
            .unwrap_or("")
            .contains("有效期届满"));
    }

    #[test]
    fn rules_row_in_force_follows_last_year_w0510() {
        let extra = |rules: &str| {
            format!("data:\n  proactive:\n    rules: {rules}\n    normative_docs: {{issued: 0, repealed: 0, in_force: 0}}\n")
        };
        let docs = |rules_now: &str| {
            vec![
                report_with(
                    "content/annual-reports/2023.md",
                    "示例县卫生健康局",
                    2023,
                    "2024-01-20",
                    &extra("{issued: 1, repealed: 0, in_force: 4}"),
                    SECTIONS,
                ),
                report_with(
                    "content/annual-reports/2024.md",
                    "示例县卫生健康局",
                    2024,
                    "2025-01-20",
                    &extra(rules_now),
                    SECTIONS,
                ),
            ]
        };
        assert!(check_site(&docs("{issued: 2, repealed: 1, in_force: 5}")).is_empty());
        let diags = check_site(&docs("{issued: 2, repealed: 1, in_force: 6}"));
        assert_eq!(codes(&diags), vec!["W0510"], "{diags:#?}");
        assert!(
            diags[0].message.contains("“规章”") && diags[0].message.contains("应为 5 件"),
            "{}",
            diags[0].message
        );
        assert_eq!(diags[0].line, Some(8));
    }

    #[test]
    fn department_reports_are_due_by_31_january_w0511() {
        let on_time = report_with(
            "content/annual-reports/jy-2024.md",
            "示例县教育局",
            2024,
            "2025-01-31",
            "",
            SECTIONS,
        );
        assert!(check_site(&[on_time]).is_empty());
        let late = report_with(
            "content/annual-reports/jy-2024.md",
            "示例县教育局",
            2024,
            "2025-02-01",
            "",
            SECTIONS,
        );
        let diags = check_site(&[late]);
        assert_eq!(codes(&diags), vec!["W0511"], "{diags:#?}");
        assert!(
            diags[0].message.contains("2025-01-31")
                && diags[0].message.contains("示例县教育局2024年度"),
            "{}",
            diags[0].message
        );
        assert_eq!(diags[0].line, Some(4));
    }

    #[test]
    fn government_reports_are_due_by_31_march_w0511() {
        let on_time = report_with(
            "content/annual-reports/2024.md",
            "示例县人民政府",
            2024,
            "2025-03-31",
            "",
            SECTIONS,
        );
        assert!(check_site(&[on_time]).is_empty());
        let late = report_with(
            "content/annual-reports/2024.md",
            "示例县 人民政府",
            2024,
            "2025-04-01",
            "",
            SECTIONS,
        );
        let diags = check_site(&[late]);
        assert_eq!(codes(&diags), vec!["W0511"], "{diags:#?}");
        assert!(
            diags[0].message.contains("2025-03-31"),
            "{}",
            diags[0].message
        );
        // A township government is a people's government too.
        assert_eq!(
            publisher(Some("示例县城关镇人民政府")),
            Publisher::Government
        );
        assert_eq!(
            publisher(Some("示例县人民政府办公室")),
            Publisher::Department
        );
        assert_eq!(publisher(None), Publisher::Government);
        // Without 公开责任部门 the title names the body.
        let untitled = doc_with_body(
            "content/annual-reports/x.md",
            "title: 示例县财政局2024年政府信息公开工作年度报告\nyear: 2024\npublished: 2025-03-01\n",
            SECTIONS,
        );
        assert_eq!(codes(&check_site(&[untitled])), vec!["W0511"]);
    }

    #[test]
    fn missing_sections_are_named_w0512() {
        let body = "## 一、总体情况\n\n……\n\n## 六、其他需要报告的事项\n\n无。\n";
        let r = report_with(
            "content/annual-reports/2024.md",
            "示例县人民政府",
            2024,
            "2025-01-20",
            "",
            body,
        );
        let diags = check_site(&[r]);
        assert_eq!(codes(&diags), vec!["W0512"], "{diags:#?}");
        assert!(
            diags[0].message.contains("五、存在的主要问题及改进情况"),
            "{}",
            diags[0].message
        );
        assert_eq!(
            missing_sections(""),
            vec![
                "一、总体情况",
                "五、存在的主要问题及改进情况",
                "六、其他需要报告的事项"
            ]
        );
        assert!(missing_sections("一、总体情况\n**五、政府信息公开工作存在的主要问题及改进情况**\n### 六、其他需要报告的事项").is_empty());
    }

    #[test]
    fn carried_over_equals_last_years_carried_forward_w0513() {
        // Each report balances on its own (一 + 二 = 三（七）+ 四).
        let extra = |row: &str, value: &str| {
            let other = if row == "carried_over" {
                "carried_forward"
            } else {
                "new"
            };
            format!("data:\n  requests:\n    {row}: {value}\n    {other}: {value}\n")
        };
        let docs = |now: &str| {
            vec![
                report_with(
                    "content/annual-reports/2023.md",
                    "示例县人民政府",
                    2023,
                    "2024-01-20",
                    &extra("carried_forward", "[1, 2, 0, 0, 0, 0]"),
                    SECTIONS,
                ),
                report_with(
                    "content/annual-reports/2024.md",
                    "示例县人民政府",
                    2024,
                    "2025-01-20",
                    &extra("carried_over", now),
                    SECTIONS,
                ),
            ]
        };
        let only = |diags: Vec<Diagnostic>| -> Vec<Diagnostic> {
            diags.into_iter().filter(|d| d.code == "W0513").collect()
        };
        assert!(only(check_site(&docs("[1, 2, 0, 0, 0, 0]"))).is_empty());
        let diags = only(check_site(&docs("[1, 0, 0, 0, 0, 3]")));
        assert_eq!(diags.len(), 1, "{diags:#?}");
        let m = &diags[0].message;
        assert!(
            m.contains("商业企业：本年 0、上年 2")
                && m.contains("其他：本年 3、上年 0")
                && !m.contains("自然人"),
            "{m}"
        );
        assert!(m.contains("content/annual-reports/2023.md"), "{m}");
        assert_eq!(diags[0].line, Some(8));
    }
}
