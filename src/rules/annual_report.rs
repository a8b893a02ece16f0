//! The arithmetic of the annual report's statutory tables, and the numbers its site-wide
//! cross-checks compare.
//!
//! The national template's tables carry identities an officer can get wrong when filling
//! them by hand: every row's 总计 is the sum of its six applicant columns; （七）总计 is
//! the sum of （一）（二） and every numbered sub-row of （三）…（六）; 一 + 二 = 三（七）+ 四
//! in every column (the one identity the template prints, in its top-left cell); each
//! appeal's 总计 is its four results. Totals an officer leaves out are computed here; totals
//! given and wrong come back as [`Mismatch`]es, which the model turns into errors at the
//! row's line. Everything here is plain data in, plain data out: no files, no diagnostics.

use crate::model::annual_report::Format;
use crate::model::annual_report::{
    AnnualReport, Appeal, GroupSpec, Requests, Row, CARRIED_FORWARD_ROW, COLUMN_LABELS,
    DISCLOSED_ROW, NOT_PROCESSED, PARTLY_ROW, TOTAL_ROW, UNABLE, WITHHELD,
};

/// The section title of table 三.
pub const REQUESTS_TABLE: &str = "三、收到和处理政府信息公开申请情况";
/// The section title of table 四.
pub const APPEALS_TABLE: &str = "四、政府信息公开行政复议、行政诉讼情况";

/// Which identity of the template a number breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Identity {
    /// A row's 总计 is not the sum of its six columns (`E0503`).
    RowTotal,
    /// （七）总计 is not the sum of the results rows, in one column (`E0504`).
    ResultsTotal,
    /// 一 + 二 ≠ 三（七）+ 四 in one column (`E0505`).
    Balance,
    /// An appeal's 总计 is not the sum of its four results (`E0506`).
    AppealTotal,
}

impl Identity {
    /// The stable diagnostic code.
    pub fn code(self) -> &'static str {
        match self {
            Identity::RowTotal => "E0503",
            Identity::ResultsTotal => "E0504",
            Identity::Balance => "E0505",
            Identity::AppealTotal => "E0506",
        }
    }
}

/// A number that breaks an identity of the template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    /// Which identity.
    pub identity: Identity,
    /// The table's section title, e.g. `三、收到和处理政府信息公开申请情况`.
    pub table: &'static str,
    /// The row's label as the template prints it (for appeals, the column group).
    pub row: String,
    /// The column's label (`商业企业`, `总计` …).
    pub column: &'static str,
    /// The number written (for [`Identity::Balance`]: 一 + 二).
    pub given: u64,
    /// The number the identity requires (for [`Identity::Balance`]: 三（七）+ 四).
    pub computed: u64,
    /// File line of the row's key, when known.
    pub line: Option<usize>,
}

impl Mismatch {
    /// The Chinese message naming the table, row, column and both numbers.
    pub fn message(&self) -> String {
        let Mismatch {
            table,
            row,
            column,
            given,
            computed,
            ..
        } = self;
        match self.identity {
            Identity::RowTotal => format!(
                "“{table}”表“{row}”行的“{column}”填写为 {given}，但该行六列之和为 {computed}"
            ),
            Identity::ResultsTotal => format!(
                "“{table}”表“{row}”行“{column}”列填写为 {given}，按（一）至（六）各项相加应为 {computed}"
            ),
            Identity::Balance => format!(
                "“{table}”表“{column}”列不平衡：一（本年新收）加二（上年结转）为 {given}，三（七）总计加四（结转下年度继续办理）为 {computed}"
            ),
            Identity::AppealTotal => format!(
                "“{table}”表“{row}”的“{column}”填写为 {given}，但结果维持、结果纠正、其他结果、尚未审结之和为 {computed}"
            ),
        }
    }

    /// What the officer should do.
    pub fn help(&self) -> String {
        match self.identity {
            Identity::RowTotal | Identity::AppealTotal => {
                format!("核对各项数字；总计可以不写，构建时自动计算（应为 {}）", self.computed)
            }
            Identity::ResultsTotal => format!(
                "核对（一）至（六）各项的“{}”列；（七）总计可以不写，构建时自动计算",
                self.column
            ),
            Identity::Balance => format!(
                "每一列都须满足 一 + 二 = 三（七）+ 四：核对“{}”列的本年新收、上年结转、各项办理结果和结转下年度的数字",
                self.column
            ),
        }
    }
}

/// The sum of a row's six columns (saturating: an absurd number must not crash the build).
pub fn sum6(cells: &[u64; 6]) -> u64 {
    cells.iter().fold(0u64, |a, &b| a.saturating_add(b))
}

/// Column-wise sum of rows.
fn add(a: [u64; 6], b: &[u64; 6]) -> [u64; 6] {
    let mut out = a;
    for (o, x) in out.iter_mut().zip(b) {
        *o = o.saturating_add(*x);
    }
    out
}

/// The rows of 三、本年度办理结果 that carry numbers — （一）, （二） and every numbered
/// sub-row of （三）…（六） — with their template labels, in the template's order.
pub fn result_rows(r: &Requests, format: Format) -> Vec<(String, &Row)> {
    let mut rows: Vec<(String, &Row)> = vec![
        (DISCLOSED_ROW.label.to_string(), &r.disclosed),
        (PARTLY_ROW.label.to_string(), &r.partly_disclosed),
    ];
    let groups: [(&GroupSpec, &[Row]); 3] = [
        (&WITHHELD, &r.withheld[..]),
        (&UNABLE, &r.unable[..]),
        (&NOT_PROCESSED, &r.not_processed[..]),
    ];
    for (spec, data) in groups {
        for (s, row) in spec.rows.iter().zip(data) {
            rows.push((format!("{}·{}", spec.label, s.label), row));
        }
    }
    let other = r.other.iter().take(format.other_rows().len());
    for (i, row) in other.enumerate() {
        rows.push((format.other_row_label(i), row));
    }
    rows
}

fn settle_row(row: &mut Row, label: &str, out: &mut Vec<Mismatch>) {
    let computed = sum6(&row.cells);
    if let Some(given) = row.given_total {
        if given != computed {
            out.push(Mismatch {
                identity: Identity::RowTotal,
                table: REQUESTS_TABLE,
                row: label.to_string(),
                column: "总计",
                given,
                computed,
                line: row.line,
            });
        }
    }
    row.total = computed;
}

fn settle_appeal(a: &mut Appeal, label: &str, out: &mut Vec<Mismatch>) {
    let computed = a.results.iter().fold(0u64, |s, &x| s.saturating_add(x));
    if let Some(given) = a.given_total {
        if given != computed {
            out.push(Mismatch {
                identity: Identity::AppealTotal,
                table: APPEALS_TABLE,
                row: label.to_string(),
                column: "总计",
                given,
                computed,
                line: a.line,
            });
        }
    }
    a.total = computed;
}

/// Check every identity of tables 三 and 四 and fill in every total: each row's 总计, the
/// （七）总计 row and each appeal's 总计 hold the computed values afterwards, whatever was
/// written. Returns the numbers that were given and wrong, in table order.
pub fn settle(report: &mut AnnualReport) -> Vec<Mismatch> {
    let mut out = Vec::new();
    let format = report.format;
    let r = &mut report.requests;

    // Each row's own 总计.
    settle_row(
        &mut r.new,
        crate::model::annual_report::NEW_ROW.label,
        &mut out,
    );
    settle_row(
        &mut r.carried_over,
        crate::model::annual_report::CARRIED_OVER_ROW.label,
        &mut out,
    );
    settle_row(&mut r.disclosed, DISCLOSED_ROW.label, &mut out);
    settle_row(&mut r.partly_disclosed, PARTLY_ROW.label, &mut out);
    let groups: [(&GroupSpec, &mut [Row]); 3] = [
        (&WITHHELD, &mut r.withheld[..]),
        (&UNABLE, &mut r.unable[..]),
        (&NOT_PROCESSED, &mut r.not_processed[..]),
    ];
    for (spec, rows) in groups {
        for (s, row) in spec.rows.iter().zip(rows.iter_mut()) {
            settle_row(row, &format!("{}·{}", spec.label, s.label), &mut out);
        }
    }
    for (i, row) in r.other.iter_mut().enumerate() {
        settle_row(row, &format.other_row_label(i), &mut out);
    }
    settle_row(&mut r.total, TOTAL_ROW.label, &mut out);
    settle_row(&mut r.carried_forward, CARRIED_FORWARD_ROW.label, &mut out);

    // （七）总计 = （一）+（二）+ every numbered sub-row of （三）…（六）, per column.
    let computed = result_rows(r, format)
        .into_iter()
        .fold([0u64; 6], |acc, (_, row)| add(acc, &row.cells));
    let computed_total = sum6(&computed);
    let written = r.total;
    let given_any = written.cells.iter().any(|&c| c != 0)
        || written.given_total.is_some()
        || written.line.is_some();
    if given_any {
        for (i, column) in COLUMN_LABELS.iter().enumerate() {
            if written.cells[i] != computed[i] {
                out.push(Mismatch {
                    identity: Identity::ResultsTotal,
                    table: REQUESTS_TABLE,
                    row: TOTAL_ROW.label.to_string(),
                    column,
                    given: written.cells[i],
                    computed: computed[i],
                    line: written.line,
                });
            }
        }
        if let Some(given) = written.given_total {
            // A 总计 that disagrees with its own six cells was reported above already.
            if given == sum6(&written.cells) && given != computed_total {
                out.push(Mismatch {
                    identity: Identity::ResultsTotal,
                    table: REQUESTS_TABLE,
                    row: TOTAL_ROW.label.to_string(),
                    column: "总计",
                    given,
                    computed: computed_total,
                    line: written.line,
                });
            }
        }
    }
    r.total.cells = computed;
    r.total.total = computed_total;

    // 一 + 二 = 三（七）+ 四, per column (the 总计 column follows from the six).
    let left = add(r.new.cells, &r.carried_over.cells);
    let right = add(r.total.cells, &r.carried_forward.cells);
    for (i, column) in COLUMN_LABELS.iter().enumerate() {
        if left[i] != right[i] {
            out.push(Mismatch {
                identity: Identity::Balance,
                table: REQUESTS_TABLE,
                row: "勾稽关系".to_string(),
                column,
                given: left[i],
                computed: right[i],
                line: r.carried_forward.line.or(r.line),
            });
        }
    }

    // Each appeal's 总计.
    let a = &mut report.appeals;
    settle_appeal(&mut a.review, "行政复议", &mut out);
    settle_appeal(&mut a.lawsuit_direct, "行政诉讼·未经复议直接起诉", &mut out);
    settle_appeal(&mut a.lawsuit_after_review, "行政诉讼·复议后起诉", &mut out);
    out
}

/// Outcomes of one year's requests, as the chart shows them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Outcomes {
    /// 本年新收 (总计 column).
    pub received: u64,
    /// （一）予以公开.
    pub disclosed: u64,
    /// （二）部分公开.
    pub partly: u64,
    /// （三）不予公开, all reasons.
    pub withheld: u64,
    /// （四）无法提供 +（五）不予处理 +（六）其他处理.
    pub other: u64,
}

impl Outcomes {
    /// All outcomes together (（七）总计).
    pub fn handled(&self) -> u64 {
        self.disclosed
            .saturating_add(self.partly)
            .saturating_add(self.withheld)
            .saturating_add(self.other)
    }
}

/// The chart's figures for one report, from row totals (computed, so valid after
/// [`settle`]; recomputed here so the function also works on unsettled data).
pub fn outcomes(r: &Requests) -> Outcomes {
    let total = |rows: &[Row]| {
        rows.iter()
            .fold(0u64, |s, row| s.saturating_add(sum6(&row.cells)))
    };
    Outcomes {
        received: sum6(&r.new.cells),
        disclosed: sum6(&r.disclosed.cells),
        partly: sum6(&r.partly_disclosed.cells),
        withheld: total(&r.withheld),
        other: total(&r.unable)
            .saturating_add(total(&r.not_processed))
            .saturating_add(total(&r.other)),
    }
}

/// How many normative documents were issued and repealed in `year`, given each
/// document's 成文日期 year and 废止 year.
pub fn normative_counts(
    docs: impl IntoIterator<Item = (Option<i32>, Option<i32>)>,
    year: i32,
) -> (u64, u64) {
    docs.into_iter().fold((0, 0), |(issued, repealed), (i, r)| {
        (
            issued + u64::from(i == Some(year)),
            repealed + u64::from(r == Some(year)),
        )
    })
}

/// 现行有效 as last year's report implies it: last 现行有效 + 本年制发 − 本年废止. Negative
/// when the numbers cannot be right at all.
pub fn expected_in_force(last_in_force: u64, issued: u64, repealed: u64) -> i128 {
    i128::from(last_in_force) + i128::from(issued) - i128::from(repealed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::annual_report::Proactive;

    fn row(cells: [u64; 6]) -> Row {
        Row {
            cells,
            ..Row::default()
        }
    }

    fn balanced() -> AnnualReport {
        let mut r = AnnualReport::default();
        r.requests.other = vec![Row::default(); 3];
        r.requests.new = row([5, 1, 0, 0, 0, 0]);
        r.requests.carried_over = row([1, 0, 0, 0, 0, 0]);
        r.requests.disclosed = row([3, 1, 0, 0, 0, 0]);
        r.requests.withheld[0] = row([1, 0, 0, 0, 0, 0]);
        r.requests.other[2] = row([1, 0, 0, 0, 0, 0]);
        r.requests.carried_forward = row([1, 0, 0, 0, 0, 0]);
        r
    }

    #[test]
    fn balanced_report_passes_and_gets_totals() {
        let mut r = balanced();
        assert_eq!(settle(&mut r), vec![]);
        assert_eq!(r.requests.new.total, 6);
        assert_eq!(r.requests.total.cells, [5, 1, 0, 0, 0, 0]);
        assert_eq!(r.requests.total.total, 6);
    }

    #[test]
    fn row_total_identity() {
        let mut r = balanced();
        r.requests.new.given_total = Some(6);
        assert_eq!(settle(&mut r), vec![]);
        let mut r = balanced();
        r.requests.new.given_total = Some(7);
        let m = settle(&mut r);
        assert_eq!(m.len(), 1);
        assert_eq!(
            (m[0].identity, m[0].given, m[0].computed, m[0].column),
            (Identity::RowTotal, 7, 6, "总计")
        );
        assert_eq!(r.requests.new.total, 6);
    }

    #[test]
    fn results_total_identity_per_column() {
        let mut r = balanced();
        r.requests.total = Row {
            cells: [5, 1, 0, 0, 0, 0],
            given_total: Some(6),
            line: Some(9),
            total: 0,
        };
        assert_eq!(settle(&mut r), vec![]);
        let mut r = balanced();
        r.requests.total = Row {
            cells: [5, 2, 0, 0, 0, 0],
            given_total: None,
            line: Some(9),
            total: 0,
        };
        let m = settle(&mut r);
        assert_eq!(m.len(), 1, "{m:?}");
        assert_eq!(
            (m[0].identity, m[0].column, m[0].given, m[0].computed),
            (Identity::ResultsTotal, "商业企业", 2, 1)
        );
        assert_eq!(m[0].line, Some(9));
        assert!(m[0].message().contains("（七）总计"));
        // A consistent but wrong 总计 column is named as 总计.
        let mut r = balanced();
        r.requests.total = Row {
            cells: [5, 1, 0, 0, 0, 0],
            given_total: Some(7),
            line: Some(9),
            total: 0,
        };
        let m = settle(&mut r);
        assert_eq!(
            m.iter().map(|m| m.identity).collect::<Vec<_>>(),
            vec![Identity::RowTotal]
        );
    }

    #[test]
    fn balance_identity_per_column() {
        let mut r = balanced();
        r.requests.carried_forward = row([2, 0, 0, 0, 0, 0]);
        let m = settle(&mut r);
        assert_eq!(m.len(), 1, "{m:?}");
        assert_eq!(
            (m[0].identity, m[0].column, m[0].given, m[0].computed),
            (Identity::Balance, "自然人", 6, 7)
        );
        assert_eq!(m[0].identity.code(), "E0505");
    }

    #[test]
    fn every_numbered_sub_row_counts_towards_the_total() {
        for i in 0..8 {
            let mut r = balanced();
            r.requests.withheld[i].cells[3] += 1;
            r.requests.new.cells[3] += 1;
            assert_eq!(settle(&mut r), vec![], "withheld {i}");
        }
        for i in 0..3 {
            let mut r = balanced();
            r.requests.unable[i].cells[4] += 2;
            r.requests.carried_over.cells[4] += 2;
            assert_eq!(settle(&mut r), vec![], "unable {i}");
            let mut r = balanced();
            r.requests.other[i].cells[5] += 1;
            r.requests.new.cells[5] += 1;
            assert_eq!(settle(&mut r), vec![], "other {i}");
        }
        for i in 0..5 {
            let mut r = balanced();
            r.requests.not_processed[i].cells[2] += 1;
            r.requests.new.cells[2] += 1;
            assert_eq!(settle(&mut r), vec![], "not processed {i}");
        }
    }

    #[test]
    fn format_2019_has_one_other_row() {
        let mut r = balanced();
        r.format = Format::Trial2019;
        r.proactive = Proactive::Trial2019(Default::default());
        r.requests.other = vec![row([1, 0, 0, 0, 0, 0])];
        assert_eq!(settle(&mut r), vec![]);
        assert_eq!(
            result_rows(&r.requests, Format::Trial2019).len(),
            2 + 8 + 3 + 5 + 1
        );
        assert_eq!(
            result_rows(&r.requests, Format::National2021).len(),
            2 + 8 + 3 + 5 + 1
        );
    }

    #[test]
    fn appeal_total_identity() {
        let mut r = balanced();
        r.appeals.review = Appeal {
            results: [1, 1, 0, 1],
            given_total: Some(3),
            ..Appeal::default()
        };
        assert_eq!(settle(&mut r), vec![]);
        r.appeals.review.given_total = Some(4);
        let m = settle(&mut r);
        assert_eq!(m.len(), 1);
        assert_eq!(
            (m[0].identity, m[0].given, m[0].computed),
            (Identity::AppealTotal, 4, 3)
        );
        assert!(m[0].message().contains("行政复议"));
        r.appeals.lawsuit_direct = Appeal {
            results: [0, 0, 2, 0],
            ..Appeal::default()
        };
        r.appeals.review.given_total = None;
        assert_eq!(settle(&mut r), vec![]);
        assert_eq!(r.appeals.lawsuit_direct.total, 2);
    }

    #[test]
    fn huge_numbers_do_not_overflow() {
        let mut r = balanced();
        r.requests.new = row([u64::MAX, u64::MAX, 0, 0, 0, 0]);
        let m = settle(&mut r);
        assert!(!m.is_empty());
    }

    #[test]
    fn outcomes_group_the_results() {
        let mut r = balanced();
        r.requests.unable[1] = row([1, 0, 0, 0, 0, 0]);
        let o = outcomes(&r.requests);
        assert_eq!(
            o,
            Outcomes {
                received: 6,
                disclosed: 4,
                partly: 0,
                withheld: 1,
                other: 2
            }
        );
        assert_eq!(o.handled(), 7);
    }

    #[test]
    fn normative_counts_and_in_force() {
        let docs = [
            (Some(2024), None),
            (Some(2024), Some(2024)),
            (Some(2023), Some(2024)),
            (Some(2022), None),
        ];
        assert_eq!(normative_counts(docs, 2024), (2, 2));
        assert_eq!(normative_counts(docs, 2023), (1, 0));
        assert_eq!(expected_in_force(40, 12, 3), 49);
        assert_eq!(expected_in_force(1, 0, 3), -2);
    }
}
