//! Checks on a 政务公开负面清单 beyond reading it: whether each basis cites a ground for
//! withholding in the current numbering of the 条例, and whether the list is still reviewed.
//!
//! Parsing already reported missing 事项 and 依据 (errors); what is here are warnings an
//! officer should look at but that must not stop publication. Review depends on the build's
//! `--as-of` date, so these run in the validate stage rather than while reading.

use crate::date::{self, Date};
use crate::diag::Diagnostic;
use crate::model::negative_list::{keys, Item, NegativeList};
use crate::model::Document;
use crate::rules::negative_list::{self as rules, BasisClass};

/// Warnings for one negative list, in file order:
/// `W0401` a basis names no law, `W0402` a basis uses the 2007 numbering of the 条例,
/// `W0403` a basis cites the 条例 without a withholding article, `W0404` the list was not
/// reviewed within `review_days` as of `as_of`, `W0405` its 复核日期 is after `as_of`,
/// `W0406` the same 事项 is listed twice.
pub fn check(
    doc: &Document,
    list: &NegativeList,
    review_days: u32,
    as_of: Date,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    review(doc, list, review_days, as_of, &mut out);
    for (index, item) in list.items.iter().enumerate() {
        basis(doc, item, index + 1, &mut out);
    }
    duplicates(doc, list, &mut out);
    out
}

fn review(
    doc: &Document,
    list: &NegativeList,
    review_days: u32,
    as_of: Date,
    out: &mut Vec<Diagnostic>,
) {
    if let Some(reviewed) = list.reviewed {
        if reviewed > as_of {
            out.push(
                doc.warning_at(
                    "W0405",
                    &keys::REVIEWED,
                    format!(
                        "最近复核日期 {} 晚于今天（{}）",
                        date::chinese(reviewed),
                        date::chinese(as_of)
                    ),
                )
                .help("检查复核日期是否写错；复核日期应是实际完成复核的日子"),
            );
            return;
        }
    }
    let Some(days) = rules::review_overdue(list.reviewed, doc.published, review_days, as_of) else {
        return;
    };
    let message = match list.reviewed {
        Some(r) => format!(
            "负面清单已 {days} 天未复核（最近复核日期 {}），超过 {review_days} 天的复核周期",
            date::chinese(r)
        ),
        None => format!(
            "负面清单发布 {days} 天以来未复核（发布日期 {}），超过 {review_days} 天的复核周期",
            doc.published.map(date::chinese).unwrap_or_default()
        ),
    };
    let d = if list.reviewed.is_some() {
        doc.warning_at("W0404", &keys::REVIEWED, message)
    } else {
        doc.warning_at("W0404", &crate::model::keys::PUBLISHED, message)
    };
    out.push(d.help(
        "对照现行法律法规复核清单事项和依据，调整后更新 `最近复核日期:`（reviewed）；复核周期在 config.toml 的 [negative_list] review_days 中设置",
    ));
}

fn basis(doc: &Document, item: &Item, n: usize, out: &mut Vec<Diagnostic>) {
    let Some(basis) = item.basis.as_deref() else {
        return; // Missing basis was reported while parsing.
    };
    let line = item.basis_line.unwrap_or(item.line);
    let label = if item.matter.is_empty() {
        format!("第 {n} 项")
    } else {
        format!("第 {n} 项“{}”", item.matter)
    };
    let warn = |code: &'static str, message: String| {
        Diagnostic::warning(code, message)
            .in_file(&doc.source)
            .at_line(line)
    };
    let outdated =
        rules::outdated_numbering(&item.matter, item.scope.as_deref().unwrap_or(""), basis);
    for o in &outdated {
        out.push(
            warn(
                "W0402",
                format!(
                    "负面清单{label}的依据沿用了 2007 年版《中华人民共和国政府信息公开条例》的条款编号（第{}条）；2019 年修订后，{}应引用第{}条",
                    rules::chinese_number(o.cited),
                    o.ground,
                    rules::chinese_number(o.should_cite),
                ),
            )
            .help(format!(
                "改为 `《中华人民共和国政府信息公开条例》第{}条`。现行条例中，国家秘密和危及“三安全一稳定”的信息依据第十四条，商业秘密、个人隐私等第三方合法权益（含身份证号、住址、联系方式等个人信息）依据第十五条，内部事务和过程性信息依据第十六条",
                rules::chinese_number(o.should_cite)
            )),
        );
    }
    if !outdated.is_empty() {
        return;
    }
    match rules::classify(basis) {
        BasisClass::Regulation | BasisClass::OtherLaw => {}
        BasisClass::RegulationWithoutGround => out.push(
            warn(
                "W0403",
                format!("负面清单{label}的依据引用了《中华人民共和国政府信息公开条例》，但没有写明不予公开的条款（第十四条、第十五条或第十六条）"),
            )
            .help("写明具体条款，如 `《中华人民共和国政府信息公开条例》第十五条`；依据其他法律法规的，写明其名称和条款"),
        ),
        BasisClass::Unnamed => out.push(
            warn(
                "W0401",
                format!("负面清单{label}的依据“{basis}”没有写明法律法规名称"),
            )
            .help("依据应写明法律法规的全称和条款，名称加书名号，如 `《中华人民共和国政府信息公开条例》第十四条`；依据《中华人民共和国保守国家秘密法》的，按2024年修订后的现行文本核对条款"),
        ),
    }
}

fn duplicates(doc: &Document, list: &NegativeList, out: &mut Vec<Diagnostic>) {
    // A map, not a list: a list of thousands of rows must not compare every pair.
    let mut seen: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for (index, item) in list.items.iter().enumerate() {
        let matter = item.matter.trim();
        if matter.is_empty() {
            continue;
        }
        match seen.get(matter) {
            Some(first) => out.push(
                Diagnostic::warning(
                    "W0406",
                    format!("负面清单第 {} 项“{matter}”与第 {first} 项重复", index + 1),
                )
                .in_file(&doc.source)
                .at_line(item.line)
                .help("合并为一项，或在事项名称中写明两者的区别"),
            ),
            None => {
                seen.insert(matter, index + 1);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Kind, KindData};
    use crate::yaml::{parse_mapping, Fields};
    use std::path::{Path, PathBuf};

    fn d(s: &str) -> Date {
        date::parse_date(s).expect("test date")
    }

    /// A document and its list from front-matter text starting on file line 2.
    pub(crate) fn load(text: &str, published: &str) -> (Document, NegativeList) {
        let file = Path::new("content/negative-lists/a.yaml");
        let map = parse_mapping(text, file, 2).expect("valid YAML");
        let mut f = Fields::new(&map, file, text, 2);
        let list = crate::model::negative_list::parse(&mut f);
        let doc = Document {
            source: PathBuf::from(file),
            kind: Kind::NegativeList,
            title: "示例县教育局政务公开负面清单".into(),
            published: Some(d(published)),
            department: Some("示例县教育局".into()),
            catalog: None,
            topics: Vec::new(),
            keywords: Vec::new(),
            summary: None,
            weight: 0,
            url: "negative-lists/a/".into(),
            body: crate::model::Body::Text(String::new()),
            body_line: 1,
            front: text.into(),
            front_line: 2,
            data: KindData::NegativeList(list.clone()),
        };
        (doc, list)
    }

    fn one_item(basis: &str, matter: &str) -> String {
        format!("标题: 清单\n最近复核日期: 2025-01-01\nitems:\n  - 事项: {matter}\n    依据: \"{basis}\"\n")
    }

    fn codes(text: &str) -> Vec<&'static str> {
        let (doc, list) = load(text, "2024-06-01");
        check(&doc, &list, 365, d("2025-03-01"))
            .iter()
            .map(|d| d.code)
            .collect()
    }

    #[test]
    fn review_overdue_is_a_warning_about_复核() {
        let text = "标题: 清单\n发布日期: 2023-01-10\n最近复核日期: 2024年1月15日\nitems:\n  - 事项: 甲\n    依据: 《中华人民共和国政府信息公开条例》第十六条\n";
        let (doc, list) = load(text, "2023-01-10");
        let diags = check(&doc, &list, 365, d("2025-03-01"));
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert_eq!(diags[0].code, "W0404");
        assert!(!diags[0].is_error());
        assert!(diags[0].message.contains("复核"), "{}", diags[0].message);
        assert!(diags[0].message.contains("2024年1月15日"));
        assert_eq!(diags[0].line, Some(4));
        // Within the period: nothing.
        assert!(check(&doc, &list, 365, d("2025-01-14")).is_empty());
        // A shorter period from config.
        assert_eq!(check(&doc, &list, 180, d("2024-08-01")).len(), 1);
    }

    #[test]
    fn never_reviewed_counts_from_publication() {
        let text =
            "标题: 清单\n发布日期: 2023-01-10\nitems:\n  - 事项: 甲\n    依据: 《条例》第十六条\n";
        let (doc, list) = load(text, "2023-01-10");
        let diags = check(&doc, &list, 365, d("2025-03-01"));
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert_eq!(diags[0].code, "W0404");
        assert!(diags[0].message.contains("未复核"));
        assert_eq!(diags[0].line, Some(3));
        assert!(check(&doc, &list, 365, d("2023-12-01")).is_empty());
    }

    #[test]
    fn review_date_in_the_future_is_flagged() {
        let text =
            "标题: 清单\n复核日期: 2205-01-01\nitems:\n  - 事项: 甲\n    依据: 《条例》第十六条\n";
        let (doc, list) = load(text, "2024-01-01");
        let diags = check(&doc, &list, 365, d("2025-03-01"));
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].code, "W0405");
    }

    #[test]
    fn good_bases_pass() {
        assert!(codes(&one_item(
            "《中华人民共和国政府信息公开条例》第十四条",
            "涉及国家秘密的文件"
        ))
        .is_empty());
        assert!(codes(&one_item(
            "《中华人民共和国政府信息公开条例》第十四条",
            "危及社会稳定的信息"
        ))
        .is_empty());
        assert!(codes(&one_item(
            "《中华人民共和国政府信息公开条例》第十五条",
            "个人隐私"
        ))
        .is_empty());
        assert!(codes(&one_item(
            "《中华人民共和国政府信息公开条例》第十六条",
            "内部事务信息"
        ))
        .is_empty());
        assert!(codes(&one_item("《中华人民共和国保守国家秘密法》第九条", "密件")).is_empty());
    }

    #[test]
    fn basis_naming_no_law_is_w0401() {
        assert_eq!(codes(&one_item("相关保密规定", "密件")), vec!["W0401"]);
        assert_eq!(codes(&one_item("第十四条", "密件")), vec!["W0401"]);
    }

    #[test]
    fn regulation_without_ground_is_w0403() {
        assert_eq!(
            codes(&one_item("《中华人民共和国政府信息公开条例》", "密件")),
            vec!["W0403"]
        );
        assert_eq!(
            codes(&one_item(
                "《中华人民共和国政府信息公开条例》第三十六条",
                "密件"
            )),
            vec!["W0403"]
        );
    }

    #[test]
    fn numbering_of_2007_is_w0402_and_names_the_right_article() {
        let text = one_item(
            "《中华人民共和国政府信息公开条例》第八条",
            "可能危及社会稳定的信息",
        );
        let (doc, list) = load(&text, "2024-06-01");
        let diags = check(&doc, &list, 365, d("2025-03-01"));
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert_eq!(diags[0].code, "W0402");
        assert!(
            diags[0].message.contains("第十四条"),
            "{}",
            diags[0].message
        );
        assert_eq!(diags[0].line, Some(6));

        let text = one_item(
            "《中华人民共和国政府信息公开条例》第十四条",
            "企业的商业秘密",
        );
        let (doc, list) = load(&text, "2024-06-01");
        let diags = check(&doc, &list, 365, d("2025-03-01"));
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert_eq!(diags[0].code, "W0402");
        assert!(
            diags[0].message.contains("第十五条"),
            "{}",
            diags[0].message
        );

        assert_eq!(
            codes(&one_item(
                "《中华人民共和国政府信息公开条例》第十四条、第十五条",
                "涉及国家秘密和个人隐私的材料"
            )),
            Vec::<&str>::new()
        );
    }

    #[test]
    fn duplicate_matter_is_w0406() {
        let text = "标题: 清单\n最近复核日期: 2025-01-01\nitems:\n  - 事项: 甲\n    依据: 《条例》第十六条\n  - 事项: 甲\n    依据: 《条例》第十四条\n";
        let (doc, list) = load(text, "2024-06-01");
        let diags = check(&doc, &list, 365, d("2025-03-01"));
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert_eq!(diags[0].code, "W0406");
        assert_eq!(diags[0].line, Some(7));
    }
}
