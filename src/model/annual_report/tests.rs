//! Tests of reading annual reports, from whole files.

use super::*;
use crate::diag::Severity;

const GOOD_2021: &str = include_str!("../../../tests/fixtures/annual-reports/good-2021.md");
const GOOD_2019: &str = include_str!("../../../tests/fixtures/annual-reports/good-2019.md");
const CHINESE: &str = include_str!("../../../tests/fixtures/annual-reports/good-chinese-keys.md");
const NO_TOTALS: &str = include_str!("../../../tests/fixtures/annual-reports/good-no-totals.md");
const BAD_TOTAL: &str = include_str!("../../../tests/fixtures/annual-reports/bad-results-total.md");
const BAD_ROW: &str = include_str!("../../../tests/fixtures/annual-reports/bad-row-total.md");
const BAD_BALANCE: &str = include_str!("../../../tests/fixtures/annual-reports/bad-balance.md");
const BAD_APPEAL: &str = include_str!("../../../tests/fixtures/annual-reports/bad-appeal-total.md");
const BAD_NUMBERS: &str = include_str!("../../../tests/fixtures/annual-reports/bad-numbers.md");
const BAD_SHAPE: &str = include_str!("../../../tests/fixtures/annual-reports/bad-shape.md");

fn codes(diags: &[Diagnostic]) -> Vec<&'static str> {
    diags.iter().map(|d| d.code).collect()
}

/// The line of `needle` in the whole file (1-based), for asserting diagnostic lines.
fn line_of(text: &str, needle: &str) -> usize {
    text.lines().position(|l| l.contains(needle)).expect(needle) + 1
}

#[test]
fn full_2021_report_parses_clean_with_given_totals() {
    let (r, diags) = parse_file(GOOD_2021);
    assert!(diags.is_empty(), "{diags:#?}");
    assert_eq!(r.year, 2024);
    assert_eq!(r.format, Format::National2021);
    assert!(r.has_data);
    let p = r.proactive_2021().unwrap();
    assert_eq!(
        p.normative_docs,
        DocCounts {
            issued: 12,
            repealed: 3,
            in_force: 45,
            line: p.normative_docs.line
        }
    );
    assert_eq!(
        p.normative_docs.line,
        Some(line_of(GOOD_2021, "normative_docs:"))
    );
    assert_eq!((p.licensing, p.penalty, p.coercion), (1234, 56, 7));
    assert_eq!(p.fees, 12.5);
    let q = &r.requests;
    assert_eq!(q.new.cells, [30, 4, 0, 1, 2, 0]);
    assert_eq!(q.new.total, 37);
    assert_eq!(q.withheld[2].cells, [1, 0, 0, 0, 0, 0]);
    assert_eq!(q.other.len(), 3);
    assert_eq!(q.total.total, 37);
    assert_eq!(q.carried_forward.total, 2);
    assert_eq!(r.appeals.review.total, 1);
    assert_eq!(r.appeals.lawsuit_direct.results, [0, 0, 0, 1]);
}

#[test]
fn row_forms_six_seven_and_map_are_equivalent() {
    for form in [
        "[3, 1, 0, 0, 2, 0]",
        "[3, 1, 0, 0, 2, 0, 6]",
        "{自然人: 3, 商业企业: 1, 法律服务机构: 2}",
        "{natural_person: 3, business: 1, legal_services: 2, total: 6}",
    ] {
        let text = format!(
                "year: 2024\ndata:\n  requests:\n    new: {form}\n    results:\n      disclosed: {form}\n"
            );
        let (r, diags) = parse_file(&text);
        assert!(diags.is_empty(), "{form}: {diags:#?}");
        assert_eq!(r.requests.new.cells, [3, 1, 0, 0, 2, 0], "{form}");
        assert_eq!(r.requests.new.total, 6, "{form}");
        assert_eq!(r.requests.total.cells, [3, 1, 0, 0, 2, 0], "{form}");
    }
}

#[test]
fn map_rows_in_block_style_keep_their_lines() {
    let text = "\
year: 2024
data:
  requests:
    new:
      自然人: 2
      总计: 2
    results:
      disclosed:
        自然人: 1
        总计: 1
      unable:
        not_held:
          自然人: 1
          总计: 1
      total:
        自然人: 3
        总计: 3
";
    let (r, diags) = parse_file(text);
    assert_eq!(codes(&diags), vec!["E0504", "E0504"], "{diags:#?}");
    // The (七)总计 row is the `total:` directly under results, not a `总计:` cell above.
    assert_eq!(
        r.requests.total.line,
        Some(1 + line_of(text, "      total:"))
    );
    assert!(diags.iter().all(|d| d.line == r.requests.total.line));
    assert_eq!(
        r.requests.unable[0].line,
        Some(1 + line_of(text, "not_held:"))
    );
}

#[test]
fn chinese_keys_are_accepted_everywhere() {
    let (r, diags) = parse_file(CHINESE);
    assert!(diags.is_empty(), "{diags:#?}");
    assert_eq!(r.year, 2023);
    let p = r.proactive_2021().unwrap();
    assert_eq!(
        (
            p.normative_docs.issued,
            p.normative_docs.repealed,
            p.normative_docs.in_force
        ),
        (5, 1, 20)
    );
    assert_eq!(p.fees, 0.8);
    assert_eq!(r.requests.new.cells, [10, 2, 0, 0, 0, 1]);
    assert_eq!(r.requests.withheld[2].cells, [1, 0, 0, 0, 0, 0]);
    assert_eq!(r.requests.other[0].cells, [1, 0, 0, 0, 0, 0]);
    assert_eq!(r.requests.carried_forward.cells, [1, 0, 0, 0, 0, 0]);
    assert_eq!(r.appeals.review.results, [1, 0, 0, 0]);
    assert_eq!(r.appeals.lawsuit_direct.results, [0, 1, 0, 0]);
    assert_eq!(r.appeals.lawsuit_after_review.results, [0, 0, 0, 1]);
}

#[test]
fn omitted_totals_are_computed() {
    let (r, diags) = parse_file(NO_TOTALS);
    assert!(diags.is_empty(), "{diags:#?}");
    let q = &r.requests;
    assert_eq!(q.new.total, 12);
    assert_eq!(q.total.cells, [9, 1, 0, 0, 1, 0]);
    assert_eq!(q.total.total, 11);
    assert_eq!(q.total.given_total, None);
    assert_eq!(r.appeals.review.total, 3);
    assert_eq!(r.appeals.lawsuit_after_review.total, 2);
}

#[test]
fn results_total_off_by_one_names_total_the_column_and_both_numbers() {
    let (_, diags) = parse_file(BAD_TOTAL);
    assert_eq!(codes(&diags), vec!["E0504"], "{diags:#?}");
    let d = &diags[0];
    assert_eq!(d.severity, Severity::Error);
    assert!(d.message.contains("（七）总计"), "{}", d.message);
    assert!(d.message.contains("商业企业"), "{}", d.message);
    assert!(
        d.message.contains('5') && d.message.contains('4'),
        "{}",
        d.message
    );
    assert!(
        d.message.contains("三、收到和处理政府信息公开申请情况"),
        "{}",
        d.message
    );
    assert_eq!(d.line, Some(line_of(BAD_TOTAL, "      total:")));
}

#[test]
fn wrong_row_total_is_an_error_on_the_row() {
    let (_, diags) = parse_file(BAD_ROW);
    assert_eq!(codes(&diags), vec!["E0503"], "{diags:#?}");
    let d = &diags[0];
    assert!(
        d.message.contains("1.属于国家秘密") && d.message.contains("总计"),
        "{}",
        d.message
    );
    assert!(
        d.message.contains('3') && d.message.contains('2'),
        "{}",
        d.message
    );
    assert_eq!(d.line, Some(line_of(BAD_ROW, "state_secret:")));
}

#[test]
fn unbalanced_requests_are_an_error_per_column() {
    let (_, diags) = parse_file(BAD_BALANCE);
    assert_eq!(codes(&diags), vec!["E0505"], "{diags:#?}");
    let d = &diags[0];
    assert!(d.message.contains("自然人"), "{}", d.message);
    assert!(
        d.message.contains("12") && d.message.contains("11"),
        "{}",
        d.message
    );
    assert_eq!(d.line, Some(line_of(BAD_BALANCE, "carried_forward:")));
}

#[test]
fn wrong_appeal_total_is_an_error() {
    let (_, diags) = parse_file(BAD_APPEAL);
    assert_eq!(codes(&diags), vec!["E0506"], "{diags:#?}");
    assert!(
        diags[0].message.contains("行政复议"),
        "{}",
        diags[0].message
    );
    assert!(
        diags[0].message.contains('4') && diags[0].message.contains('3'),
        "{}",
        diags[0].message
    );
    assert_eq!(diags[0].line, Some(line_of(BAD_APPEAL, "review:")));
}

#[test]
fn negative_and_non_numbers_are_errors() {
    let (_, diags) = parse_file(BAD_NUMBERS);
    let c = codes(&diags);
    assert_eq!(c.iter().filter(|c| **c == "E0502").count(), 4, "{diags:#?}");
    let text: Vec<&str> = diags.iter().map(|d| d.message.as_str()).collect();
    assert!(
        text.iter().any(|m| m.contains("-1") && m.contains("负数")),
        "{text:?}"
    );
    assert!(
        text.iter()
            .any(|m| m.contains("若干") && m.contains("不是数字")),
        "{text:?}"
    );
    assert!(
        text.iter()
            .any(|m| m.contains("1.5") && m.contains("不是整数")),
        "{text:?}"
    );
    assert!(
        text.iter().any(|m| m.contains("行政事业性收费")),
        "{text:?}"
    );
    // A typo inside data is a warning, not a crash.
    assert!(
        diags
            .iter()
            .any(|d| d.code == "W0101" && d.message.contains("penalties")),
        "{diags:#?}"
    );
}

#[test]
fn wrong_shapes_are_errors_and_do_not_panic() {
    let (_, diags) = parse_file(BAD_SHAPE);
    let shape: Vec<&Diagnostic> = diags.iter().filter(|d| d.code == "E0501").collect();
    assert!(shape.len() >= 4, "{diags:#?}");
    assert!(
        shape
            .iter()
            .any(|d| d.message.contains("（三）不予公开") && d.message.contains("分组")),
        "{shape:#?}"
    );
    assert!(
        shape.iter().any(|d| d.message.contains("5 个数")),
        "{shape:#?}"
    );
    assert!(
        shape.iter().any(|d| d.message.contains("行政复议")),
        "{shape:#?}"
    );
    assert!(
        shape.iter().any(|d| d.message.contains("行政规范性文件")),
        "{shape:#?}"
    );
}

#[test]
fn odd_input_gives_diagnostics_not_panics() {
    for data in [
        "{requests: {new: {自然人: [1]}}}",
        "{requests: {results: 3}}",
        "{requests: {results: {unable: {not_held: {总计: -2}}}}}",
        "{appeals: {lawsuit: 5}}",
        "{appeals: {lawsuit: {direct: [1, 2]}}}",
        "{appeals: {lawsuit_direct: [1, 0, 0, 0], lawsuit: {direct: [1, 0, 0, 0]}}}",
        "{proactive: [1]}",
        "{proactive: {fees: -3, licensing: [1], penalty: {本年处理决定数量: x}}}",
        "{proactive: {normative_docs: [1, 2]}}",
        "{requests: {new: [18446744073709551615, 18446744073709551615, 0, 0, 0, 0, 5]}}",
        "{requests: {new: [.inf, .nan, 0, 0, 0, 0]}}",
        "{requests: {new: ['１２', '1,000', ~, 0, 0, 0]}}",
        "{requests: ~, appeals: ~, proactive: ~}",
        "{1: 2, [a]: b}",
    ] {
        let (_, diags) = parse_file(&format!("year: 2024\ndata: {data}\n"));
        // (W0101 comes from the shared Fields, which places keys it finds at a line start.)
        assert!(
            diags
                .iter()
                .all(|d| d.file.is_some() && (d.line.is_some() || d.code == "W0101")),
            "{data}: {diags:#?}"
        );
        if !data.contains('~') && !data.contains("'１２'") {
            assert!(!diags.is_empty(), "{data}");
        }
    }
    // Quoted, full-width and grouped numbers are numbers.
    let (r, diags) =
        parse_file("year: 2024\ndata: {requests: {new: ['１２', '1,000', ~, 0, 0, 0]}}\n");
    assert_eq!(r.requests.new.cells, [12, 1000, 0, 0, 0, 0]);
    assert_eq!(codes(&diags), vec!["E0505", "E0505"]);
    // The same row given twice, under 行政诉讼 and at the top.
    let (_, diags) = parse_file(
            "year: 2024\ndata: {appeals: {lawsuit_direct: [1, 0, 0, 0], lawsuit: {direct: [1, 0, 0, 0]}}}\n",
        );
    assert!(
        diags.iter().any(|d| d.message.contains("写了两次")),
        "{diags:#?}"
    );
}

#[test]
fn year_and_format_are_checked() {
    let (r, diags) = parse_file("data: {}\n");
    assert_eq!(r.year, 0);
    assert_eq!(codes(&diags), vec!["E0508"]);
    let (r, diags) = parse_file("年度: 2020年\n模板: 2019\ndata: {}\n");
    assert_eq!((r.year, r.format), (2020, Format::Trial2019));
    assert!(diags.is_empty(), "{diags:#?}");
    let (_, diags) = parse_file("year: 2020\ndata: {}\n");
    assert_eq!(codes(&diags), vec!["W0503"]);
    let (_, diags) = parse_file("year: 2024\nformat: 2019\ndata: {}\n");
    assert_eq!(codes(&diags), vec!["W0503"]);
    let (r, diags) = parse_file("year: 2024\nformat: 2008\ndata: {}\n");
    assert_eq!(r.format, Format::National2021);
    assert_eq!(codes(&diags), vec!["E0507"]);
    let (r, diags) = parse_file("year: 2024\n");
    assert!(!r.has_data);
    assert_eq!(codes(&diags), vec!["W0502"]);
    let (_, diags) = parse_file("year: 2024\ndata: [1, 2]\n");
    assert_eq!(codes(&diags), vec!["E0501"]);
}

#[test]
fn format_2019_reads_its_own_table() {
    let (r, diags) = parse_file(GOOD_2019);
    assert!(diags.is_empty(), "{diags:#?}");
    assert_eq!(r.format, Format::Trial2019);
    let Proactive::Trial2019(p) = &r.proactive else {
        panic!("2019 table expected")
    };
    assert_eq!(
        p.rules,
        MadeCounts {
            made: 0,
            published: 0,
            total: 2
        }
    );
    assert_eq!(
        p.normative_docs,
        MadeCounts {
            made: 8,
            published: 8,
            total: 36
        }
    );
    assert_eq!(
        p.licensing,
        ItemCounts {
            last_year: 120,
            change: -3,
            decisions: 860
        }
    );
    assert_eq!(p.penalty.decisions, 41);
    assert_eq!(
        p.fees,
        ItemCounts {
            last_year: 4,
            change: 0,
            decisions: 0
        }
    );
    assert_eq!(
        p.procurement,
        Procurement {
            projects: 6,
            amount: "251.3万元".to_string()
        }
    );
    assert_eq!(r.requests.other.len(), 1);
    assert_eq!(r.requests.other[0].cells, [1, 0, 0, 0, 0, 0]);
    assert_eq!(r.requests.total.total, 20);
}

#[test]
fn serialises_for_templates() {
    let (r, _) = parse_file(GOOD_2021);
    let json = serde_json::to_value(&r).unwrap();
    assert_eq!(json["format"], 2021);
    assert_eq!(json["requests"]["new"]["total"], 37);
    assert_eq!(json["proactive"]["normative_docs"]["in_force"], 45);
    assert!(json["requests"]["new"].get("line").is_none());
}

#[test]
fn skeleton_round_trips_without_diagnostics() {
    let text = skeleton(2024, "示例县人民政府");
    assert!(
        text.starts_with("---\ntitle: \"示例县人民政府2024年政府信息公开工作年度报告\"\n"),
        "{text}"
    );
    let (r, diags) = parse_file(&text);
    assert!(diags.is_empty(), "{diags:#?}\n{text}");
    assert_eq!(r.year, 2024);
    assert!(r.has_data);
    assert_eq!(
        r.requests.total,
        Row {
            line: r.requests.total.line,
            ..Row::default()
        }
    );
    for label in [
        "一、总体情况",
        "五、政府信息公开工作存在的主要问题及改进情况",
        "六、其他需要报告的事项",
    ] {
        assert!(text.contains(&format!("## {label}")), "{label}");
    }
    // Every row of the template is present, named in a comment.
    for spec in [&WITHHELD, &UNABLE, &NOT_PROCESSED, &OTHER] {
        for r in spec.rows {
            assert!(
                text.contains(&format!("{}:", r.key.name)) && text.contains(r.label),
                "{}",
                r.label
            );
        }
    }
    // A department with YAML-special characters stays one string.
    let odd = skeleton(2023, "示例县\"测试\": 局");
    let (r, diags) = parse_file(&odd);
    assert!(diags.is_empty(), "{diags:#?}");
    assert_eq!(r.year, 2023);
}

/// Read `yaml` (one value) as `record`, with no diagnostics expected.
fn read_record<T: Default>(record: &super::record::Record<T>, yaml: &str) -> T {
    use crate::yaml::parse_mapping;
    use std::path::Path;
    let file = Path::new("content/annual-reports/a.md");
    let front = format!("x: {yaml}\n");
    let map = parse_mapping(&front, file, 2).expect("valid YAML");
    let f = Fields::new(&map, file, &front, 2);
    let v = map.values().next().expect("one value");
    let mut r = super::reader::Reader {
        diags: Vec::new(),
        format: Format::National2021,
    };
    let mut out = T::default();
    r.record(&f, v, Some(2), "x", record, &mut out);
    assert!(r.diags.is_empty(), "{yaml}: {:#?}", r.diags);
    out
}

/// A record's field binds its key, its label and where its value goes in one entry, so
/// reordering a record's fields (or a label array) cannot move a named value into another
/// field: a value written under each key lands in the slot of the same name, and the
/// printed column labels name the cells the keys fill.
#[test]
fn record_keys_land_in_the_field_of_their_own_name() {
    fn json_of<T: serde::Serialize>(t: &T) -> serde_json::Value {
        serde_json::to_value(t).unwrap()
    }
    fn check<T: Default + serde::Serialize>(record: &super::record::Record<T>) {
        for field in record.fields {
            let got = json_of(&read_record(record, &format!("{{{}: 7}}", field.key.name)));
            for (name, value) in got.as_object().expect("a struct") {
                let want = if *name == field.key.name { 7.0 } else { 0.0 };
                let value = value
                    .as_f64()
                    .or_else(|| value.as_str().map(|s| s.parse().unwrap_or(0.0)))
                    .unwrap_or(0.0);
                assert_eq!(value, want, "{}: {name}", field.key.name);
            }
        }
    }
    check(&DOC_COUNTS);
    check(&MADE_COUNTS);
    check(&ITEMS);
    check(&FEE_ITEMS);
    check(&PROCUREMENT);
    assert_eq!(read_record(&DECISIONS, "{decisions: 7}"), 7);
    assert_eq!(read_record(&FEE_AMOUNT, "{amount: 7.5}"), 7.5);

    // Table 三's columns: the key of each column fills the cell its label heads.
    for field in ROW.fields {
        let row = read_record(&ROW, &format!("{{{}: 7}}", field.key.name));
        match COLUMN_LABELS.iter().position(|l| *l == field.label) {
            Some(i) => {
                let mut want = [0; 6];
                want[i] = 7;
                assert_eq!(row.cells, want, "{}", field.key.name);
                assert_eq!(COLUMNS[i].name, field.key.name);
            }
            None => assert_eq!(
                (field.label, row.given_total),
                ("总计", Some(7)),
                "{}",
                field.key.name
            ),
        }
    }
    for field in APPEAL.fields {
        let appeal = read_record(&APPEAL, &format!("{{{}: 7}}", field.key.name));
        let i = APPEAL_LABELS.iter().position(|l| *l == field.label);
        match i.filter(|&i| i < 4) {
            Some(i) => {
                let mut want = [0; 4];
                want[i] = 7;
                assert_eq!(appeal.results, want, "{}", field.key.name);
                assert_eq!(APPEAL_RESULTS[i].name, field.key.name);
            }
            None => assert_eq!(appeal.given_total, Some(7), "{}", field.key.name),
        }
    }
    // The list form follows the printed order.
    assert_eq!(
        read_record(&ROW, "[1, 2, 3, 4, 5, 6, 21]").cells,
        [1, 2, 3, 4, 5, 6]
    );
    let items = read_record(&ITEMS, "[4, -1, 9]");
    assert_eq!((items.last_year, items.change, items.decisions), (4, -1, 9));
}
