//! Site-wide cross-checks of annual reports against the rest of the site.
//!
//! A report's 行政规范性文件 row (本年制发 / 本年废止 / 现行有效) states facts the site can
//! partly verify: the normative policies it holds for that body and year, and last year's
//! report of the same body. A mismatch is only a warning — a portal may not hold every
//! document, and old documents are often missing — but it is the kind of slip (a
//! forgotten repeal, last year's figure copied forward) that inspections find.
//!
//! Codes: `W0504` 本年制发 differs from the normative policies issued that year; `W0505`
//! 本年废止 differs from those repealed that year; `W0506` 现行有效 differs from last
//! year's 现行有效 + 本年制发 − 本年废止; `W0507` two reports for the same body and year.
//! The policy checks are skipped for a body of which the site holds no normative policy at
//! all: there is nothing to compare with.

use crate::diag::Diagnostic;
use crate::model::annual_report::{keys, AnnualReport, DocCounts};
use crate::model::{Document, Policy};
use crate::rules::annual_report::{expected_in_force, normative_counts};
use chrono::Datelike;

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

/// Cross-check every annual report of the site; see the module documentation for codes.
pub fn check_site(docs: &[Document]) -> Vec<Diagnostic> {
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

    let normative: Vec<(&Document, &Policy)> = docs
        .iter()
        .filter_map(|d| d.policy().map(|p| (d, p)))
        .filter(|(_, p)| p.normative)
        .collect();

    for (doc, r) in &reports {
        let Some(p) = r.proactive_2021().filter(|_| r.has_data) else {
            continue;
        };
        let counts = &p.normative_docs;
        let line = row_line(doc, counts);
        let dept_shown = shown(doc);

        if let Some(dept) = key_of(doc) {
            let own: Vec<&(&Document, &Policy)> = normative
                .iter()
                .filter(|(d, p)| belongs(d, p, &dept))
                .collect();
            if !own.is_empty() {
                let (issued, repealed) = normative_counts(
                    own.iter().map(|(d, p)| {
                        (
                            p.issued.or(d.published).map(|x| x.year()),
                            p.repealed
                                .as_ref()
                                .and_then(|rel| rel.date)
                                .map(|x| x.year()),
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
                                "年度报告“行政规范性文件”的本年废止件数填写为 {}，但站内{dept_shown}{}年废止的行政规范性文件有 {repealed} 件",
                                counts.repealed, r.year
                            ),
                        )
                        .in_file(&doc.source)
                        .at_line(line)
                        .help("核对报告中的数字，或在已废止文件的前置信息中写明 `废止: {日期: …, 依据: …}`；站内未收录全部文件时可忽略此警告"),
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
                    .help("核对本年及上一年度报告的现行有效件数；因有效期届满而失效的文件也应计入本年废止件数"),
                );
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{build_document, Kind, RawDocument};
    use crate::yaml::{parse_mapping, Fields};
    use std::path::Path;

    fn doc(source: &str, front: &str) -> Document {
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
            body: "",
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
}
