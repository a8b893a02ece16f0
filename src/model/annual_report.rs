//! 政府信息公开工作年度报告: the fields of SPEC §2.4, read from front matter.
//!
//! A report's statutory tables (二、三、四 of the national template) are data, not prose:
//! officers fill `data:` and the build lays the tables out in the template's exact rows and
//! columns, and checks their arithmetic. This module knows the template's rows (their
//! keys, Chinese labels and order, for both the 2021 template of 国办公开办函〔2021〕30号
//! and the 2019 trial template of 国办公开办函〔2019〕60号), reads them leniently (six
//! numbers, seven, or a map keyed by column name; English or Chinese keys) and hands the
//! numbers to [`crate::rules::annual_report`] for the arithmetic. The common fields
//! (`title`, `published`, `department`) are read by the shared model code.
//!
//! Every row remembers the file line of its key, found by walking the front matter in
//! document order, so an error about a wrong total points at the row the officer must fix.
//!
//! Codes: `E0501` a table, group or row has the wrong shape; `E0502` a number that is not a
//! non-negative number of the right kind; `E0503`…`E0506` arithmetic (see
//! [`crate::rules::annual_report::Identity`]); `E0507` unknown `format`; `E0508` missing or
//! impossible `year`; `W0502` no `data:`; `W0503` a format that does not fit the year.
//! Unknown keys inside `data:` are reported with the shared `W0101`.

use crate::diag::Diagnostic;
use crate::yaml::{key, scalar_text, Fields, Key};
use serde::Serialize;
use serde_yaml::{Mapping, Value};

/// Front-matter keys of an annual report and of its `data:` tables.
pub mod keys {
    use super::{key, Key};
    /// 年度.
    pub const YEAR: Key = key("year", &["年度", "年份", "报告年度"]);
    /// 模板: `2021` (default) or `2019`.
    pub const FORMAT: Key = key("format", &["模板", "格式", "报告格式"]);
    /// 数据: the statutory tables.
    pub const DATA: Key = key("data", &["数据", "表格数据"]);
    /// 二、主动公开政府信息情况.
    pub const PROACTIVE: Key = key("proactive", &["主动公开", "主动公开政府信息情况"]);
    /// 三、收到和处理政府信息公开申请情况.
    pub const REQUESTS: Key = key(
        "requests",
        &[
            "依申请公开",
            "收到和处理政府信息公开申请情况",
            "政府信息公开申请",
        ],
    );
    /// 四、政府信息公开行政复议、行政诉讼情况.
    pub const APPEALS: Key = key(
        "appeals",
        &[
            "行政复议、行政诉讼",
            "行政复议行政诉讼",
            "复议诉讼",
            "政府信息公开行政复议、行政诉讼情况",
        ],
    );

    /// 规章.
    pub const RULES: Key = key("rules", &["规章"]);
    /// 行政规范性文件 (2019: 规范性文件).
    pub const NORMATIVE_DOCS: Key = key("normative_docs", &["行政规范性文件", "规范性文件"]);
    /// 本年制发件数.
    pub const ISSUED: Key = key("issued", &["本年制发件数", "本年制发"]);
    /// 本年废止件数.
    pub const REPEALED: Key = key("repealed", &["本年废止件数", "本年废止"]);
    /// 现行有效件数.
    pub const IN_FORCE: Key = key("in_force", &["现行有效件数", "现行有效"]);
    /// 行政许可.
    pub const LICENSING: Key = key("licensing", &["行政许可"]);
    /// 行政处罚.
    pub const PENALTY: Key = key("penalty", &["行政处罚"]);
    /// 行政强制.
    pub const COERCION: Key = key("coercion", &["行政强制"]);
    /// 行政事业性收费.
    pub const FEES: Key = key("fees", &["行政事业性收费"]);
    /// 本年收费金额 (2021) inside a `fees` map.
    pub const AMOUNT_FEES: Key = key(
        "amount",
        &["本年收费金额", "本年收费金额（单位：万元）", "收费金额"],
    );
    /// 本年处理决定数量.
    pub const DECISIONS: Key = key("decisions", &["本年处理决定数量", "处理决定数量"]);

    /// 2019: 本年新制作数量.
    pub const MADE: Key = key("made", &["本年新制作数量", "本年新制作"]);
    /// 2019: 本年新公开数量.
    pub const PUBLISHED_COUNT: Key = key("published", &["本年新公开数量", "本年新公开"]);
    /// 2019: 对外公开总数量.
    pub const PUBLIC_TOTAL: Key = key("total", &["对外公开总数量", "对外公开总数"]);
    /// 2019: 其他对外管理服务事项.
    pub const OTHER_SERVICES: Key = key("other_services", &["其他对外管理服务事项"]);
    /// 2019: 上一年项目数量.
    pub const LAST_YEAR: Key = key("last_year", &["上一年项目数量", "上一年项目数"]);
    /// 2019: 本年增/减.
    pub const CHANGE: Key = key("change", &["本年增/减", "本年增减", "增减"]);
    /// 2019: 政府集中采购.
    pub const PROCUREMENT: Key = key("procurement", &["政府集中采购"]);
    /// 2019: 采购项目数量.
    pub const PROJECTS: Key = key("projects", &["采购项目数量"]);
    /// 2019: 采购总金额.
    pub const AMOUNT: Key = key("amount", &["采购总金额"]);

    /// 一、本年新收政府信息公开申请数量.
    pub const NEW: Key = key("new", &["本年新收", "本年新收政府信息公开申请数量"]);
    /// 二、上年结转政府信息公开申请数量.
    pub const CARRIED_OVER: Key = key(
        "carried_over",
        &["上年结转", "上年结转政府信息公开申请数量"],
    );
    /// 三、本年度办理结果.
    pub const RESULTS: Key = key("results", &["本年度办理结果", "办理结果"]);
    /// 四、结转下年度继续办理.
    pub const CARRIED_FORWARD: Key = key("carried_forward", &["结转下年度", "结转下年度继续办理"]);
    /// （七）总计 in 三, and 总计 in a row or an appeal.
    pub const TOTAL: Key = key("total", &["总计", "合计"]);

    /// 行政复议.
    pub const REVIEW: Key = key("review", &["行政复议"]);
    /// 行政诉讼, holding `direct` and `after_review`.
    pub const LAWSUIT: Key = key("lawsuit", &["行政诉讼"]);
    /// 行政诉讼 — 未经复议直接起诉, at the level of `review`.
    pub const LAWSUIT_DIRECT: Key = key(
        "lawsuit_direct",
        &["未经复议直接起诉", "行政诉讼未经复议直接起诉"],
    );
    /// 行政诉讼 — 复议后起诉, at the level of `review`.
    pub const LAWSUIT_AFTER_REVIEW: Key = key(
        "lawsuit_after_review",
        &["复议后起诉", "行政诉讼复议后起诉"],
    );
    /// 未经复议直接起诉, inside `lawsuit`.
    pub const DIRECT: Key = key("direct", &["未经复议直接起诉"]);
    /// 复议后起诉, inside `lawsuit`.
    pub const AFTER_REVIEW: Key = key("after_review", &["复议后起诉"]);
    /// 结果维持.
    pub const UPHELD: Key = key("upheld", &["结果维持"]);
    /// 结果纠正.
    pub const CORRECTED: Key = key("corrected", &["结果纠正"]);
    /// 其他结果.
    pub const OTHER_RESULT: Key = key("other", &["其他结果"]);
    /// 尚未审结.
    pub const PENDING: Key = key("pending", &["尚未审结"]);
}

/// The six applicant columns of table 三, in the template's order. English names are
/// accepted as well as the Chinese column labels.
pub const COLUMNS: [Key; 6] = [
    key("natural_person", &["自然人"]),
    key("business", &["商业企业"]),
    key("research", &["科研机构"]),
    key("public_interest", &["社会公益组织"]),
    key("legal_services", &["法律服务机构"]),
    key("other", &["其他"]),
];

/// The labels of the six applicant columns, as the template prints them.
pub const COLUMN_LABELS: [&str; 6] = [
    "自然人",
    "商业企业",
    "科研机构",
    "社会公益组织",
    "法律服务机构",
    "其他",
];

/// The four results of an appeal, in the template's order.
pub const APPEAL_RESULTS: [Key; 4] = [
    keys::UPHELD,
    keys::CORRECTED,
    keys::OTHER_RESULT,
    keys::PENDING,
];

/// Labels of the appeal columns (four results, then 总计).
pub const APPEAL_LABELS: [&str; 5] = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"];

/// One row of table 三 as the template prints it.
#[derive(Debug, Clone, Copy)]
pub struct RowSpec {
    /// The data key and its Chinese labels.
    pub key: Key,
    /// The row label, exactly as in the template.
    pub label: &'static str,
    /// A short ASCII name, used for HTML ids.
    pub id: &'static str,
}

/// A group row of table 三 (（三）…（六）): a label over numbered sub-rows, with no
/// numbers of its own.
#[derive(Debug, Clone, Copy)]
pub struct GroupSpec {
    /// The data key and its Chinese labels.
    pub key: Key,
    /// The group label, exactly as in the template.
    pub label: &'static str,
    /// A short ASCII name, used for HTML ids.
    pub id: &'static str,
    /// The numbered sub-rows.
    pub rows: &'static [RowSpec],
}

const fn row(
    name: &'static str,
    aliases: &'static [&'static str],
    label: &'static str,
    id: &'static str,
) -> RowSpec {
    RowSpec {
        key: key(name, aliases),
        label,
        id,
    }
}

/// 一、本年新收政府信息公开申请数量.
pub const NEW_ROW: RowSpec = RowSpec {
    key: keys::NEW,
    label: "一、本年新收政府信息公开申请数量",
    id: "new",
};
/// 二、上年结转政府信息公开申请数量.
pub const CARRIED_OVER_ROW: RowSpec = RowSpec {
    key: keys::CARRIED_OVER,
    label: "二、上年结转政府信息公开申请数量",
    id: "carried",
};
/// Label of the results block.
pub const RESULTS_LABEL: &str = "三、本年度办理结果";
/// （一）予以公开.
pub const DISCLOSED_ROW: RowSpec = row("disclosed", &["予以公开"], "（一）予以公开", "disclosed");
/// （二）部分公开.
pub const PARTLY_ROW: RowSpec = row(
    "partly_disclosed",
    &[
        "部分公开",
        "部分公开（区分处理的，只计这一情形，不计其他情形）",
    ],
    "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    "partly",
);
/// （三）不予公开.
pub const WITHHELD: GroupSpec = GroupSpec {
    key: key("withheld", &["不予公开"]),
    label: "（三）不予公开",
    id: "withheld",
    rows: &[
        row(
            "state_secret",
            &["属于国家秘密", "国家秘密"],
            "1.属于国家秘密",
            "withheld-1",
        ),
        row(
            "prohibited_by_law",
            &["其他法律行政法规禁止公开"],
            "2.其他法律行政法规禁止公开",
            "withheld-2",
        ),
        row(
            "security_stability",
            &[
                "危及“三安全一稳定”",
                "危及\"三安全一稳定\"",
                "危及三安全一稳定",
                "三安全一稳定",
            ],
            "3.危及“三安全一稳定”",
            "withheld-3",
        ),
        row(
            "third_party_rights",
            &["保护第三方合法权益"],
            "4.保护第三方合法权益",
            "withheld-4",
        ),
        row(
            "internal_affairs",
            &["属于三类内部事务信息", "三类内部事务信息"],
            "5.属于三类内部事务信息",
            "withheld-5",
        ),
        row(
            "process_information",
            &["属于四类过程性信息", "四类过程性信息"],
            "6.属于四类过程性信息",
            "withheld-6",
        ),
        row(
            "enforcement_files",
            &["属于行政执法案卷", "行政执法案卷"],
            "7.属于行政执法案卷",
            "withheld-7",
        ),
        row(
            "administrative_query",
            &["属于行政查询事项", "行政查询事项"],
            "8.属于行政查询事项",
            "withheld-8",
        ),
    ],
};
/// （四）无法提供.
pub const UNABLE: GroupSpec = GroupSpec {
    key: key("unable", &["无法提供"]),
    label: "（四）无法提供",
    id: "unable",
    rows: &[
        row(
            "not_held",
            &[
                "本机关不掌握相关政府信息",
                "不掌握相关政府信息",
                "本机关不掌握",
            ],
            "1.本机关不掌握相关政府信息",
            "unable-1",
        ),
        row(
            "needs_creation",
            &["没有现成信息需要另行制作", "需要另行制作"],
            "2.没有现成信息需要另行制作",
            "unable-2",
        ),
        row(
            "still_unclear",
            &["补正后申请内容仍不明确", "申请内容仍不明确"],
            "3.补正后申请内容仍不明确",
            "unable-3",
        ),
    ],
};
/// （五）不予处理.
pub const NOT_PROCESSED: GroupSpec = GroupSpec {
    key: key("not_processed", &["不予处理"]),
    label: "（五）不予处理",
    id: "notproc",
    rows: &[
        row(
            "complaints",
            &["信访举报投诉类申请"],
            "1.信访举报投诉类申请",
            "notproc-1",
        ),
        row("repeated", &["重复申请"], "2.重复申请", "notproc-2"),
        row(
            "publications",
            &["要求提供公开出版物"],
            "3.要求提供公开出版物",
            "notproc-3",
        ),
        row(
            "excessive",
            &["无正当理由大量反复申请"],
            "4.无正当理由大量反复申请",
            "notproc-4",
        ),
        row(
            "confirmation",
            &["要求行政机关确认或重新出具已获取信息"],
            "5.要求行政机关确认或重新出具已获取信息",
            "notproc-5",
        ),
    ],
};
/// （六）其他处理, 2021 template: three numbered sub-rows.
pub const OTHER: GroupSpec = GroupSpec {
    key: key("other", &["其他处理"]),
    label: "（六）其他处理",
    id: "other",
    rows: &[
        row(
            "no_correction",
            &[
                "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
                "申请人无正当理由逾期不补正",
                "逾期不补正",
            ],
            "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
            "other-1",
        ),
        row(
            "fee_unpaid",
            &[
                "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
                "申请人逾期未按收费通知要求缴纳费用",
                "逾期未缴纳费用",
            ],
            "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
            "other-2",
        ),
        row("others", &["其他"], "3.其他", "other-3"),
    ],
};
/// （六）其他处理, 2019 trial template: one row.
pub const OTHER_2019_ROW: RowSpec = RowSpec {
    key: OTHER.key,
    label: "（六）其他处理",
    id: "other",
};
/// （七）总计.
pub const TOTAL_ROW: RowSpec = RowSpec {
    key: keys::TOTAL,
    label: "（七）总计",
    id: "total",
};
/// 四、结转下年度继续办理.
pub const CARRIED_FORWARD_ROW: RowSpec = RowSpec {
    key: keys::CARRIED_FORWARD,
    label: "四、结转下年度继续办理",
    id: "forward",
};

/// Which national template the report follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(into = "u16")]
pub enum Format {
    /// 国办公开办函〔2019〕60号: the trial template used for the reports of 2019 and 2020.
    Trial2019,
    /// 国办公开办函〔2021〕30号: the template since the report of 2021.
    #[default]
    National2021,
}

impl From<Format> for u16 {
    fn from(f: Format) -> u16 {
        match f {
            Format::Trial2019 => 2019,
            Format::National2021 => 2021,
        }
    }
}

/// One row of table 三: the six applicant columns and their 总计.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Row {
    /// 自然人, 商业企业, 科研机构, 社会公益组织, 法律服务机构, 其他.
    pub cells: [u64; 6],
    /// 总计: the sum of the six columns (computed when not given).
    pub total: u64,
    /// 总计 as written, when it was.
    #[serde(skip)]
    pub given_total: Option<u64>,
    /// File line of the row's key.
    #[serde(skip)]
    pub line: Option<usize>,
}

/// Table 三: 收到和处理政府信息公开申请情况.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Requests {
    /// 一、本年新收政府信息公开申请数量.
    pub new: Row,
    /// 二、上年结转政府信息公开申请数量.
    pub carried_over: Row,
    /// （一）予以公开.
    pub disclosed: Row,
    /// （二）部分公开.
    pub partly_disclosed: Row,
    /// （三）不予公开, its eight sub-rows.
    pub withheld: [Row; 8],
    /// （四）无法提供, its three sub-rows.
    pub unable: [Row; 3],
    /// （五）不予处理, its five sub-rows.
    pub not_processed: [Row; 5],
    /// （六）其他处理: three sub-rows (2021), or one row (2019).
    pub other: Vec<Row>,
    /// （七）总计 (computed when not given).
    pub total: Row,
    /// File line of the `results` key.
    #[serde(skip)]
    pub results_line: Option<usize>,
    /// 四、结转下年度继续办理.
    pub carried_forward: Row,
    /// File line of the `requests` key.
    #[serde(skip)]
    pub line: Option<usize>,
}

/// One column group of table 四: four results and their 总计.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Appeal {
    /// 结果维持, 结果纠正, 其他结果, 尚未审结.
    pub results: [u64; 4],
    /// 总计 (computed when not given).
    pub total: u64,
    /// 总计 as written, when it was.
    #[serde(skip)]
    pub given_total: Option<u64>,
    /// File line of the key.
    #[serde(skip)]
    pub line: Option<usize>,
}

/// Table 四: 政府信息公开行政复议、行政诉讼情况.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Appeals {
    /// 行政复议.
    pub review: Appeal,
    /// 行政诉讼 — 未经复议直接起诉.
    pub lawsuit_direct: Appeal,
    /// 行政诉讼 — 复议后起诉.
    pub lawsuit_after_review: Appeal,
}

/// 规章 / 行政规范性文件 in the 2021 table 二.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct DocCounts {
    /// 本年制发件数.
    pub issued: u64,
    /// 本年废止件数.
    pub repealed: u64,
    /// 现行有效件数.
    pub in_force: u64,
    /// File line of the row's key.
    #[serde(skip)]
    pub line: Option<usize>,
}

/// Table 二 of the 2021 template.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Proactive2021 {
    /// 规章.
    pub rules: DocCounts,
    /// 行政规范性文件.
    pub normative_docs: DocCounts,
    /// 行政许可 — 本年处理决定数量.
    pub licensing: u64,
    /// 行政处罚 — 本年处理决定数量.
    pub penalty: u64,
    /// 行政强制 — 本年处理决定数量.
    pub coercion: u64,
    /// 行政事业性收费 — 本年收费金额（单位：万元）.
    pub fees: f64,
}

/// 规章 / 规范性文件 in the 2019 table 二.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct MadeCounts {
    /// 本年新制作数量.
    pub made: u64,
    /// 本年新公开数量.
    pub published: u64,
    /// 对外公开总数量.
    pub total: u64,
}

/// 行政许可, 其他对外管理服务事项, 行政处罚, 行政强制 and 行政事业性收费 in the 2019 table 二.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ItemCounts {
    /// 上一年项目数量.
    pub last_year: u64,
    /// 本年增/减 (may be negative).
    pub change: i64,
    /// 处理决定数量 (not printed for 行政事业性收费).
    pub decisions: u64,
}

/// 政府集中采购 in the 2019 table 二.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Procurement {
    /// 采购项目数量.
    pub projects: u64,
    /// 采购总金额 as printed: the template names no unit, so a text such as `25.1万元` is
    /// kept as written; a bare number is printed as given.
    pub amount: String,
}

/// Table 二 of the 2019 trial template.
///
/// Accepted data (`proactive:` when `format: 2019`):
/// - `rules`, `normative_docs` (规章, 规范性文件): `{made, published, total}`
///   (本年新制作数量, 本年新公开数量, 对外公开总数量) or a list of those three numbers;
/// - `licensing`, `other_services`, `penalty`, `coercion` (行政许可, 其他对外管理服务事项,
///   行政处罚, 行政强制): `{last_year, change, decisions}` (上一年项目数量, 本年增/减,
///   处理决定数量), a list of those three, or a single number meaning 处理决定数量;
/// - `fees` (行政事业性收费): `{last_year, change}` or a list of two;
/// - `procurement` (政府集中采购): `{projects, amount}` (采购项目数量, 采购总金额) or a list of
///   two; `amount` may be a number or a text with its unit.
///
/// `change` (本年增/减) may be negative; every other number must be a whole number ≥ 0.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Proactive2019 {
    /// 规章.
    pub rules: MadeCounts,
    /// 规范性文件.
    pub normative_docs: MadeCounts,
    /// 行政许可.
    pub licensing: ItemCounts,
    /// 其他对外管理服务事项.
    pub other_services: ItemCounts,
    /// 行政处罚.
    pub penalty: ItemCounts,
    /// 行政强制.
    pub coercion: ItemCounts,
    /// 行政事业性收费 (上一年项目数量, 本年增/减).
    pub fees: ItemCounts,
    /// 政府集中采购.
    pub procurement: Procurement,
}

/// Table 二 in whichever template the report follows.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum Proactive {
    /// 国办公开办函〔2021〕30号.
    National2021(Proactive2021),
    /// 国办公开办函〔2019〕60号.
    Trial2019(Proactive2019),
}

impl Default for Proactive {
    fn default() -> Self {
        Proactive::National2021(Proactive2021::default())
    }
}

/// An annual report's own fields.
#[derive(Debug, Clone, Serialize, Default)]
pub struct AnnualReport {
    /// The report year (the year reported on, not the year of publication).
    pub year: i32,
    /// The template the tables follow.
    pub format: Format,
    /// Whether `data:` was given at all; without it the tables are not generated.
    pub has_data: bool,
    /// 二、主动公开政府信息情况.
    pub proactive: Proactive,
    /// 三、收到和处理政府信息公开申请情况.
    pub requests: Requests,
    /// 四、政府信息公开行政复议、行政诉讼情况.
    pub appeals: Appeals,
}

impl AnnualReport {
    /// Table 二 of the 2021 template, when the report uses it.
    pub fn proactive_2021(&self) -> Option<&Proactive2021> {
        match &self.proactive {
            Proactive::National2021(p) => Some(p),
            Proactive::Trial2019(_) => None,
        }
    }
}

/// Read an annual report's own fields; problems go into `f.diagnostics`.
pub fn parse(f: &mut Fields<'_>) -> AnnualReport {
    let year = read_year(f);
    let (format, format_given) = read_format(f);
    if format_given || year > 0 {
        check_format_fits_year(f, year, format, format_given);
    }
    let mut report = AnnualReport {
        year,
        format,
        has_data: false,
        proactive: match format {
            Format::National2021 => Proactive::National2021(Proactive2021::default()),
            Format::Trial2019 => Proactive::Trial2019(Proactive2019::default()),
        },
        requests: Requests {
            other: vec![Row::default(); other_rows(format)],
            ..Requests::default()
        },
        appeals: Appeals::default(),
    };
    let data_line = f.line(&keys::DATA);
    match f.value(&keys::DATA) {
        None => {
            let d = f
                .warning(
                    "W0502",
                    &keys::DATA,
                    "年度报告没有填写表格数据（data / 数据），不生成第二、三、四部分的统计表",
                )
                .help(
                    "用 `gongkai new annual_report` 生成带全部表格行的模板，在 `data:` 下填写数字",
                );
            f.diagnostics.push(d);
        }
        Some(Value::Mapping(m)) => {
            report.has_data = true;
            let mut r = Reader {
                diags: Vec::new(),
                format,
            };
            r.data(f, m, data_line, &mut report);
            // A cell that could not be read counts as 0; checking sums over it would only
            // add errors that go away once the cell is fixed.
            let unreadable = r.diags.iter().any(Diagnostic::is_error);
            f.diagnostics.append(&mut r.diags);
            let mismatches = crate::rules::annual_report::settle(&mut report);
            for m in mismatches.into_iter().filter(|_| !unreadable) {
                let d = Diagnostic::error(m.identity.code(), m.message())
                    .in_file(f.file())
                    .at_line(m.line.or(data_line).or(Some(f.start_line())))
                    .help(m.help());
                f.diagnostics.push(d);
            }
        }
        Some(_) => {
            let d = f
                .error("E0501", &keys::DATA, "年度报告的表格数据（data / 数据）应为“键: 值”的形式")
                .help("在 `data:` 下分别写 `proactive:`（主动公开）、`requests:`（依申请公开）、`appeals:`（行政复议、行政诉讼）");
            f.diagnostics.push(d);
        }
    }
    report
}

fn other_rows(format: Format) -> usize {
    match format {
        Format::National2021 => OTHER.rows.len(),
        Format::Trial2019 => 1,
    }
}

fn read_year(f: &mut Fields<'_>) -> i32 {
    let Some(v) = f.value(&keys::YEAR) else {
        let d = Diagnostic::error("E0508", "年度报告缺少报告年度（year / 年度）")
            .in_file(f.file())
            .at_line(f.start_line())
            .help("加上一行 `年度: 2024`（所报告的年度，不是发布年份）");
        f.diagnostics.push(d);
        return 0;
    };
    let text = scalar_text(v).unwrap_or_default();
    let digits = normalise_digits(text.trim().trim_end_matches(['年', '度']));
    match digits.parse::<i32>() {
        Ok(y) if (1990..=2999).contains(&y) => y,
        _ => {
            let d = f
                .error("E0508", &keys::YEAR, format!("报告年度“{text}”无法识别"))
                .help("写四位数的年份，如 `年度: 2024`");
            f.diagnostics.push(d);
            0
        }
    }
}

fn read_format(f: &mut Fields<'_>) -> (Format, bool) {
    let Some(v) = f.value(&keys::FORMAT) else {
        return (Format::National2021, false);
    };
    let text = scalar_text(v).unwrap_or_default();
    if text.contains("2021") {
        (Format::National2021, true)
    } else if text.contains("2019") {
        (Format::Trial2019, true)
    } else {
        let d = f
            .error("E0507", &keys::FORMAT, format!("年度报告模板“{text}”无法识别，按 2021 年模板处理"))
            .help("`模板: 2021`（国办公开办函〔2021〕30号，2021年度起）或 `模板: 2019`（国办公开办函〔2019〕60号，2019、2020年度）");
        f.diagnostics.push(d);
        (Format::National2021, true)
    }
}

fn check_format_fits_year(f: &mut Fields<'_>, year: i32, format: Format, given: bool) {
    let message = match format {
        Format::National2021 if (2019..=2020).contains(&year) => format!(
            "{year}年度报告{}按 2021 年模板（国办公开办函〔2021〕30号）生成表格，该模板自2021年度报告起使用",
            if given { "" } else { "未写模板，" }
        ),
        Format::Trial2019 if year >= 2021 => format!(
            "{year}年度报告使用了 2019 年试行模板（国办公开办函〔2019〕60号），2021年度起应使用 2021 年模板"
        ),
        _ => return,
    };
    let d = f
        .warning("W0503", &keys::FORMAT, message)
        .help("2019、2020年度报告写 `模板: 2019`；2021年度起写 `模板: 2021`（或不写）");
    f.diagnostics.push(d);
}

/// Turn full-width digits into ASCII ones.
fn normalise_digits(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            '－' => '-',
            '＋' => '+',
            '．' => '.',
            _ => c,
        })
        .collect()
}

/// Why a value is not a usable number.
enum NumError {
    Negative,
    NotWhole,
    NotNumber,
}

/// The value as a number, if it is one: YAML numbers, and text that reads as a number
/// (officers quote numbers, use full-width digits and thousands separators).
fn as_number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => {
            let t = normalise_digits(s.trim()).replace([',', '，'], "");
            if t.is_empty()
                || !t
                    .chars()
                    .all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+'))
            {
                return None;
            }
            t.parse::<f64>().ok()
        }
        Value::Tagged(t) => as_number(&t.value),
        _ => None,
    }
}

/// A whole number ≥ 0. An empty cell (`~`) counts as 0.
fn count(v: &Value) -> Result<u64, NumError> {
    if let Value::Number(n) = v {
        if let Some(u) = n.as_u64() {
            return Ok(u);
        }
    }
    if v.is_null() {
        return Ok(0);
    }
    let x = as_number(v)
        .filter(|x| x.is_finite())
        .ok_or(NumError::NotNumber)?;
    if x < 0.0 {
        Err(NumError::Negative)
    } else if x.fract() != 0.0 || x > 9.0e15 {
        Err(NumError::NotWhole)
    } else {
        Ok(x as u64)
    }
}

/// A whole number that may be negative (本年增/减).
fn signed(v: &Value) -> Result<i64, NumError> {
    if let Value::Number(n) = v {
        if let Some(i) = n.as_i64() {
            return Ok(i);
        }
    }
    if v.is_null() {
        return Ok(0);
    }
    let x = as_number(v)
        .filter(|x| x.is_finite())
        .ok_or(NumError::NotNumber)?;
    if x.fract() != 0.0 || x.abs() > 9.0e15 {
        Err(NumError::NotWhole)
    } else {
        Ok(x as i64)
    }
}

/// A decimal ≥ 0 (an amount of money).
fn decimal(v: &Value) -> Result<f64, NumError> {
    if v.is_null() {
        return Ok(0.0);
    }
    let x = as_number(v)
        .filter(|x| x.is_finite())
        .ok_or(NumError::NotNumber)?;
    if x < 0.0 {
        Err(NumError::Negative)
    } else {
        Ok(x)
    }
}

/// How a value looks in a message.
fn shown(v: &Value) -> String {
    match v {
        Value::Sequence(_) => "（列表）".to_string(),
        Value::Mapping(_) => "（键值表）".to_string(),
        other => scalar_text(other).unwrap_or_default(),
    }
}

/// A number as the template prints it: whole numbers without a decimal point.
pub fn format_decimal(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 9.0e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

/// Reads `data:`; collects diagnostics and remembers lines.
struct Reader {
    diags: Vec<Diagnostic>,
    format: Format,
}

/// What a walk over one mapping found: for each entry in document order, the index of the
/// key it matched, its value and the file line of its key.
type Visit<'v> = (usize, &'v Value, Option<usize>);

impl Reader {
    /// Visit the known keys of `map` in document order. `cursor` is the file line after
    /// which the first key is searched for; `visit` returns the last file line its value
    /// occupies, so the next key is searched for below the previous one's block — a key
    /// such as `总计` inside a row written as a map must not be taken for a later row's key.
    fn walk<'a>(
        &mut self,
        f: &Fields<'a>,
        map: &'a Mapping,
        known: &[Key],
        mut cursor: usize,
        mut visit: impl FnMut(&mut Self, Visit<'a>) -> usize,
    ) -> usize {
        for (k, v) in map {
            let Some(name) = scalar_text(k) else { continue };
            let Some(index) = known
                .iter()
                .position(|key| key.name == name || key.aliases.contains(&name.as_str()))
            else {
                continue;
            };
            let line = f.nested(map, Some(cursor + 1)).line(&known[index]);
            let end = visit(self, (index, v, line));
            cursor = cursor.max(end).max(line.unwrap_or(cursor));
        }
        cursor
    }

    fn error(
        &mut self,
        f: &Fields<'_>,
        code: &'static str,
        line: Option<usize>,
        message: String,
        help: &str,
    ) {
        self.diags.push(
            Diagnostic::error(code, message)
                .in_file(f.file())
                .at_line(line.or(Some(f.start_line())))
                .help(help),
        );
    }

    fn number_error(
        &mut self,
        f: &Fields<'_>,
        line: Option<usize>,
        what: &str,
        v: &Value,
        e: NumError,
    ) {
        let (problem, help) = match e {
            NumError::Negative => ("是负数", "件数和金额不能为负；没有的填 0"),
            NumError::NotWhole => ("不是整数", "件数写整数，如 3；没有的填 0"),
            NumError::NotNumber => (
                "不是数字",
                "只写阿拉伯数字，如 3；没有的填 0，不要写“/”“无”或单位",
            ),
        };
        self.error(
            f,
            "E0502",
            line,
            format!("{what}的值“{}”{problem}", shown(v)),
            help,
        );
    }

    fn count(&mut self, f: &Fields<'_>, line: Option<usize>, what: &str, v: &Value) -> u64 {
        count(v).unwrap_or_else(|e| {
            self.number_error(f, line, what, v, e);
            0
        })
    }

    fn signed(&mut self, f: &Fields<'_>, line: Option<usize>, what: &str, v: &Value) -> i64 {
        signed(v).unwrap_or_else(|e| {
            self.number_error(f, line, what, v, e);
            0
        })
    }

    /// Fields of a nested mapping whose keys are below `line`, with every known key read
    /// (so duplicates are reported) and the unknown ones warned about.
    fn check_keys<'a>(
        &mut self,
        f: &Fields<'a>,
        map: &'a Mapping,
        line: Option<usize>,
        known: &[Key],
        what: &str,
    ) {
        let mut inner = f.nested(map, line);
        for k in known {
            inner.value(k);
        }
        inner.warn_unknown(what);
        self.diags.extend(inner.take_diagnostics());
    }

    fn data<'a>(
        &mut self,
        f: &Fields<'a>,
        map: &'a Mapping,
        line: Option<usize>,
        report: &mut AnnualReport,
    ) {
        let known = [keys::PROACTIVE, keys::REQUESTS, keys::APPEALS];
        self.check_keys(f, map, line, &known, "年度报告数据（data）");
        let start = line.unwrap_or_else(|| f.start_line());
        self.walk(f, map, &known, start, |r, (index, v, line)| {
            let what = [
                "主动公开（proactive）",
                "依申请公开（requests）",
                "行政复议、行政诉讼（appeals）",
            ][index];
            let Value::Mapping(m) = v else {
                if !v.is_null() {
                    r.error(
                        f,
                        "E0501",
                        line,
                        format!("年度报告数据中的“{what}”应为“键: 值”的形式"),
                        "在它下面缩进逐行填写各项，格式见 `gongkai new annual_report` 生成的模板",
                    );
                }
                return line.unwrap_or(start);
            };
            match index {
                0 => r.proactive(f, m, line, &mut report.proactive),
                1 => r.requests(f, m, line, &mut report.requests),
                _ => r.appeals(f, m, line, &mut report.appeals),
            }
        });
    }

    // ---- 二、主动公开 ----

    fn proactive<'a>(
        &mut self,
        f: &Fields<'a>,
        map: &'a Mapping,
        line: Option<usize>,
        out: &mut Proactive,
    ) -> usize {
        let start = line.unwrap_or_else(|| f.start_line());
        match out {
            Proactive::National2021(p) => {
                let known = [
                    keys::RULES,
                    keys::NORMATIVE_DOCS,
                    keys::LICENSING,
                    keys::PENALTY,
                    keys::COERCION,
                    keys::FEES,
                ];
                self.check_keys(f, map, line, &known, "主动公开（proactive）");
                self.walk(f, map, &known, start, |r, (index, v, line)| match index {
                    0 | 1 => {
                        let label = if index == 0 {
                            "规章"
                        } else {
                            "行政规范性文件"
                        };
                        let (nums, end) = r.fixed(
                            f,
                            v,
                            line,
                            label,
                            &[keys::ISSUED, keys::REPEALED, keys::IN_FORCE],
                            &["本年制发件数", "本年废止件数", "现行有效件数"],
                        );
                        let counts = DocCounts {
                            issued: nums[0],
                            repealed: nums[1],
                            in_force: nums[2],
                            line,
                        };
                        if index == 0 {
                            p.rules = counts;
                        } else {
                            p.normative_docs = counts;
                        }
                        end
                    }
                    2..=4 => {
                        let label = ["行政许可", "行政处罚", "行政强制"][index - 2];
                        let (n, end) =
                            r.single(f, v, line, label, &keys::DECISIONS, "本年处理决定数量");
                        *[&mut p.licensing, &mut p.penalty, &mut p.coercion][index - 2] = n;
                        end
                    }
                    _ => {
                        let (x, end) = r.fee_amount(f, v, line);
                        p.fees = x;
                        end
                    }
                })
            }
            Proactive::Trial2019(p) => {
                let known = [
                    keys::RULES,
                    keys::NORMATIVE_DOCS,
                    keys::LICENSING,
                    keys::OTHER_SERVICES,
                    keys::PENALTY,
                    keys::COERCION,
                    keys::FEES,
                    keys::PROCUREMENT,
                ];
                self.check_keys(f, map, line, &known, "主动公开（proactive）");
                self.walk(f, map, &known, start, |r, (index, v, line)| match index {
                    0 | 1 => {
                        let label = if index == 0 {
                            "规章"
                        } else {
                            "规范性文件"
                        };
                        let (nums, end) = r.fixed(
                            f,
                            v,
                            line,
                            label,
                            &[keys::MADE, keys::PUBLISHED_COUNT, keys::PUBLIC_TOTAL],
                            &["本年新制作数量", "本年新公开数量", "对外公开总数量"],
                        );
                        let counts = MadeCounts {
                            made: nums[0],
                            published: nums[1],
                            total: nums[2],
                        };
                        if index == 0 {
                            p.rules = counts;
                        } else {
                            p.normative_docs = counts;
                        }
                        end
                    }
                    2..=6 => {
                        let label = [
                            "行政许可",
                            "其他对外管理服务事项",
                            "行政处罚",
                            "行政强制",
                            "行政事业性收费",
                        ][index - 2];
                        let (items, end) = r.items_2019(f, v, line, label, index == 6);
                        *[
                            &mut p.licensing,
                            &mut p.other_services,
                            &mut p.penalty,
                            &mut p.coercion,
                            &mut p.fees,
                        ][index - 2] = items;
                        end
                    }
                    _ => {
                        let (proc, end) = r.procurement(f, v, line);
                        p.procurement = proc;
                        end
                    }
                })
            }
        }
    }

    /// A fixed list of named counts: a map, or a list of exactly that many numbers.
    fn fixed<'a>(
        &mut self,
        f: &Fields<'a>,
        v: &'a Value,
        line: Option<usize>,
        label: &str,
        names: &[Key],
        labels: &[&str],
    ) -> (Vec<u64>, usize) {
        let mut nums = vec![0; names.len()];
        let end = line.unwrap_or_else(|| f.start_line());
        match v {
            Value::Null => (nums, end),
            Value::Sequence(seq) if seq.len() == names.len() => {
                for (i, x) in seq.iter().enumerate() {
                    nums[i] = self.count(f, line, &format!("“{label}”的“{}”", labels[i]), x);
                }
                (nums, end)
            }
            Value::Mapping(m) => {
                self.check_keys(f, m, line, names, &format!("“{label}”"));
                let end = self.walk(f, m, names, end, |r, (i, x, l)| {
                    nums[i] = r.count(f, l.or(line), &format!("“{label}”的“{}”", labels[i]), x);
                    l.unwrap_or(end)
                });
                (nums, end)
            }
            other => {
                let example: Vec<String> = names.iter().map(|k| format!("{}: 0", k.name)).collect();
                self.error(
                    f,
                    "E0501",
                    line,
                    format!(
                        "“{label}”应填写 {} 个数（{}），现为“{}”",
                        names.len(),
                        labels.join("、"),
                        shown(other)
                    ),
                    &format!(
                        "写成 `{{{}}}` 或按顺序写 {} 个数的列表",
                        example.join(", "),
                        names.len()
                    ),
                );
                (nums, end)
            }
        }
    }

    /// One count: a number, or a map with its one column.
    fn single<'a>(
        &mut self,
        f: &Fields<'a>,
        v: &'a Value,
        line: Option<usize>,
        label: &str,
        name: &Key,
        column: &str,
    ) -> (u64, usize) {
        match v {
            Value::Mapping(_) => {
                let (nums, end) =
                    self.fixed(f, v, line, label, std::slice::from_ref(name), &[column]);
                (nums[0], end)
            }
            Value::Sequence(_) => {
                self.error(
                    f,
                    "E0501",
                    line,
                    format!("“{label}”只填一个数（{column}），现为列表"),
                    &format!("写成 `{}: 12`", name.name),
                );
                (0, line.unwrap_or_else(|| f.start_line()))
            }
            other => (
                self.count(f, line, &format!("“{label}”的“{column}”"), other),
                line.unwrap_or_else(|| f.start_line()),
            ),
        }
    }

    /// 行政事业性收费 — 本年收费金额（单位：万元）: a decimal, or a map with `amount`.
    fn fee_amount<'a>(
        &mut self,
        f: &Fields<'a>,
        v: &'a Value,
        line: Option<usize>,
    ) -> (f64, usize) {
        let end = line.unwrap_or_else(|| f.start_line());
        let (value, at) = match v {
            Value::Mapping(m) => {
                let known = [keys::AMOUNT_FEES];
                self.check_keys(f, m, line, &known, "“行政事业性收费”");
                let mut found: Option<(&Value, Option<usize>)> = None;
                let end = self.walk(f, m, &known, end, |_, (_, x, l)| {
                    found = Some((x, l));
                    l.unwrap_or(end)
                });
                match found {
                    Some((x, l)) => (x, (l, end)),
                    None => return (0.0, end),
                }
            }
            other => (other, (line, end)),
        };
        match decimal(value) {
            Ok(x) => (x, at.1),
            Err(e) => {
                let (problem, help) = match e {
                    NumError::Negative => ("是负数", "收费金额不能为负；没有的填 0"),
                    _ => ("不是数字", "以万元为单位写数字，如 12.5；不要写单位"),
                };
                self.error(
                    f,
                    "E0502",
                    at.0,
                    format!(
                        "“行政事业性收费”的本年收费金额（单位：万元）“{}”{problem}",
                        shown(value)
                    ),
                    help,
                );
                (0.0, at.1)
            }
        }
    }

    /// A 2019 item row: {last_year, change, decisions} (fees: without decisions).
    fn items_2019<'a>(
        &mut self,
        f: &Fields<'a>,
        v: &'a Value,
        line: Option<usize>,
        label: &str,
        fees: bool,
    ) -> (ItemCounts, usize) {
        let names: &[Key] = if fees {
            &[keys::LAST_YEAR, keys::CHANGE]
        } else {
            &[keys::LAST_YEAR, keys::CHANGE, keys::DECISIONS]
        };
        let labels = ["上一年项目数量", "本年增/减", "处理决定数量"];
        let end = line.unwrap_or_else(|| f.start_line());
        let mut out = ItemCounts::default();
        let mut set = |r: &mut Self, i: usize, x: &Value, l: Option<usize>| {
            let what = format!("“{label}”的“{}”", labels[i]);
            match i {
                0 => out.last_year = r.count(f, l, &what, x),
                1 => out.change = r.signed(f, l, &what, x),
                _ => out.decisions = r.count(f, l, &what, x),
            }
        };
        let end = match v {
            Value::Null => end,
            Value::Sequence(seq) if seq.len() == names.len() => {
                for (i, x) in seq.iter().enumerate() {
                    set(self, i, x, line);
                }
                end
            }
            Value::Mapping(m) => {
                self.check_keys(f, m, line, names, &format!("“{label}”"));
                self.walk(f, m, names, end, |r, (i, x, l)| {
                    set(r, i, x, l.or(line));
                    l.unwrap_or(end)
                })
            }
            // A bare number is the 处理决定数量, the one figure every body has.
            scalar if !fees && !matches!(scalar, Value::Sequence(_)) => {
                set(self, 2, scalar, line);
                end
            }
            _ => {
                self.shape_2019(f, line, label, names, &labels);
                end
            }
        };
        (out, end)
    }

    fn shape_2019(
        &mut self,
        f: &Fields<'_>,
        line: Option<usize>,
        label: &str,
        names: &[Key],
        labels: &[&str],
    ) {
        let example: Vec<String> = names.iter().map(|k| format!("{}: 0", k.name)).collect();
        self.error(
            f,
            "E0501",
            line,
            format!(
                "按 2019 年试行模板，“{label}”应填写 {} 项（{}）",
                names.len(),
                labels[..names.len()].join("、")
            ),
            &format!(
                "写成 `{{{}}}` 或按顺序写 {} 个数的列表{}",
                example.join(", "),
                names.len(),
                match label {
                    "行政事业性收费" =>
                        "；该模板的第二十条第（八）项只统计收费项目数量及增减，不填收费金额",
                    "政府集中采购" => "；采购总金额可带单位，如 `amount: 2463.8万元`",
                    _ => "",
                }
            ),
        );
    }

    fn procurement<'a>(
        &mut self,
        f: &Fields<'a>,
        v: &'a Value,
        line: Option<usize>,
    ) -> (Procurement, usize) {
        let names = [keys::PROJECTS, keys::AMOUNT];
        let end = line.unwrap_or_else(|| f.start_line());
        let mut out = Procurement::default();
        let mut set = |r: &mut Self, i: usize, x: &Value, l: Option<usize>| {
            if i == 0 {
                out.projects = r.count(f, l, "“政府集中采购”的“采购项目数量”", x);
            } else {
                out.amount = match x {
                    Value::Null => String::new(),
                    Value::Number(_) => match decimal(x) {
                        Ok(a) => format_decimal(a),
                        Err(e) => {
                            r.number_error(f, l, "“政府集中采购”的“采购总金额”", x, e);
                            String::new()
                        }
                    },
                    other => scalar_text(other)
                        .map(|s| s.trim().to_string())
                        .unwrap_or_default(),
                };
            }
        };
        let end = match v {
            Value::Null => end,
            Value::Sequence(seq) if seq.len() == 2 => {
                set(self, 0, &seq[0], line);
                set(self, 1, &seq[1], line);
                end
            }
            Value::Mapping(m) => {
                self.check_keys(f, m, line, &names, "“政府集中采购”");
                self.walk(f, m, &names, end, |r, (i, x, l)| {
                    set(r, i, x, l.or(line));
                    l.unwrap_or(end)
                })
            }
            _ => {
                self.shape_2019(
                    f,
                    line,
                    "政府集中采购",
                    &names,
                    &["采购项目数量", "采购总金额"],
                );
                end
            }
        };
        (out, end)
    }

    // ---- 三、收到和处理政府信息公开申请情况 ----

    fn requests<'a>(
        &mut self,
        f: &Fields<'a>,
        map: &'a Mapping,
        line: Option<usize>,
        out: &mut Requests,
    ) -> usize {
        out.line = line;
        let known = [
            keys::NEW,
            keys::CARRIED_OVER,
            keys::RESULTS,
            keys::CARRIED_FORWARD,
        ];
        self.check_keys(f, map, line, &known, "依申请公开（requests）");
        let start = line.unwrap_or_else(|| f.start_line());
        self.walk(f, map, &known, start, |r, (index, v, l)| match index {
            0 => r.row(f, v, l, &NEW_ROW, &mut out.new),
            1 => r.row(f, v, l, &CARRIED_OVER_ROW, &mut out.carried_over),
            3 => r.row(f, v, l, &CARRIED_FORWARD_ROW, &mut out.carried_forward),
            _ => {
                out.results_line = l;
                match v {
                    Value::Mapping(m) => r.results(f, m, l, out),
                    Value::Null => l.unwrap_or(start),
                    _ => {
                        r.error(
                            f,
                            "E0501",
                            l,
                            format!("“{RESULTS_LABEL}”是分组，本身不填数字"),
                            "在它下面分别填写 予以公开、部分公开、不予公开、无法提供、不予处理、其他处理 各项",
                        );
                        l.unwrap_or(start)
                    }
                }
            }
        })
    }

    fn results<'a>(
        &mut self,
        f: &Fields<'a>,
        map: &'a Mapping,
        line: Option<usize>,
        out: &mut Requests,
    ) -> usize {
        let known = [
            DISCLOSED_ROW.key,
            PARTLY_ROW.key,
            WITHHELD.key,
            UNABLE.key,
            NOT_PROCESSED.key,
            OTHER.key,
            TOTAL_ROW.key,
        ];
        self.check_keys(f, map, line, &known, "本年度办理结果（results）");
        let start = line.unwrap_or_else(|| f.start_line());
        let format = self.format;
        self.walk(f, map, &known, start, |r, (index, v, l)| match index {
            0 => r.row(f, v, l, &DISCLOSED_ROW, &mut out.disclosed),
            1 => r.row(f, v, l, &PARTLY_ROW, &mut out.partly_disclosed),
            2 => r.group(f, v, l, &WITHHELD, &mut out.withheld),
            3 => r.group(f, v, l, &UNABLE, &mut out.unable),
            4 => r.group(f, v, l, &NOT_PROCESSED, &mut out.not_processed),
            5 => match format {
                Format::National2021 => r.group(f, v, l, &OTHER, &mut out.other),
                Format::Trial2019 => {
                    let mut one = Row::default();
                    let end = r.row(f, v, l, &OTHER_2019_ROW, &mut one);
                    out.other = vec![one];
                    end
                }
            },
            _ => r.row(f, v, l, &TOTAL_ROW, &mut out.total),
        })
    }

    fn group<'a>(
        &mut self,
        f: &Fields<'a>,
        v: &'a Value,
        line: Option<usize>,
        spec: &GroupSpec,
        out: &mut [Row],
    ) -> usize {
        let start = line.unwrap_or_else(|| f.start_line());
        let map = match v {
            Value::Mapping(m) => m,
            Value::Null => return start,
            _ => {
                let names: Vec<&str> = spec.rows.iter().map(|r| r.key.aliases[0]).collect();
                self.error(
                    f,
                    "E0501",
                    line,
                    format!(
                        "“{}”是分组行，本身不填数字，应分别填写其下 {} 项",
                        spec.label,
                        spec.rows.len()
                    ),
                    &format!("在它下面逐项填写：{}", names.join("、")),
                );
                return start;
            }
        };
        let known: Vec<Key> = spec.rows.iter().map(|r| r.key).collect();
        self.check_keys(f, map, line, &known, &format!("“{}”", spec.label));
        self.walk(f, map, &known, start, |r, (index, v, l)| {
            match out.get_mut(index) {
                Some(slot) => r.row(f, v, l, &spec.rows[index], slot),
                None => l.unwrap_or(start),
            }
        })
    }

    /// One row of six numbers (+ 总计): a list of 6 or 7, or a map keyed by column.
    fn row<'a>(
        &mut self,
        f: &Fields<'a>,
        v: &'a Value,
        line: Option<usize>,
        spec: &RowSpec,
        out: &mut Row,
    ) -> usize {
        let start = line.unwrap_or_else(|| f.start_line());
        // An empty row (`total:` with nothing after it) counts as not written.
        if v.is_null() {
            return start;
        }
        out.line = line;
        let label = spec.label;
        match v {
            Value::Null => start,
            Value::Sequence(seq) if seq.len() == 6 || seq.len() == 7 => {
                for (i, x) in seq.iter().enumerate() {
                    let column = COLUMN_LABELS.get(i).copied().unwrap_or("总计");
                    let n = self.count(f, line, &format!("“{label}”行“{column}”列"), x);
                    match out.cells.get_mut(i) {
                        Some(c) => *c = n,
                        None => out.given_total = Some(n),
                    }
                }
                start
            }
            Value::Mapping(m) => {
                let mut known: Vec<Key> = COLUMNS.to_vec();
                known.push(keys::TOTAL);
                self.check_keys(f, m, line, &known, &format!("“{label}”行"));
                self.walk(f, m, &known, start, |r, (i, x, l)| {
                    let column = COLUMN_LABELS.get(i).copied().unwrap_or("总计");
                    let n = r.count(f, l.or(line), &format!("“{label}”行“{column}”列"), x);
                    match out.cells.get_mut(i) {
                        Some(c) => *c = n,
                        None => out.given_total = Some(n),
                    }
                    l.unwrap_or(start)
                })
            }
            other => {
                let count = match other {
                    Value::Sequence(seq) => format!(" {} 个数", seq.len()),
                    _ => format!("“{}”", shown(other)),
                };
                self.error(
                    f,
                    "E0501",
                    line,
                    format!("“{label}”行应填写 6 个数（可再加第 7 个数作总计），现为{count}"),
                    "按顺序填写 自然人、商业企业、科研机构、社会公益组织、法律服务机构、其他，如 `[3, 1, 0, 0, 0, 0]`；或写成 `{自然人: 3, 商业企业: 1}`",
                );
                start
            }
        }
    }

    // ---- 四、行政复议、行政诉讼 ----

    fn appeals<'a>(
        &mut self,
        f: &Fields<'a>,
        map: &'a Mapping,
        line: Option<usize>,
        out: &mut Appeals,
    ) -> usize {
        let known = [
            keys::REVIEW,
            keys::LAWSUIT_DIRECT,
            keys::LAWSUIT_AFTER_REVIEW,
            keys::LAWSUIT,
        ];
        self.check_keys(f, map, line, &known, "行政复议、行政诉讼（appeals）");
        let start = line.unwrap_or_else(|| f.start_line());
        let mut seen = [false; 3];
        self.walk(f, map, &known, start, |r, (index, v, l)| match index {
            0 => r.appeal(f, v, l, "行政复议", &mut out.review),
            1 | 2 => {
                seen[index] = true;
                let (label, slot) = if index == 1 {
                    ("行政诉讼·未经复议直接起诉", &mut out.lawsuit_direct)
                } else {
                    ("行政诉讼·复议后起诉", &mut out.lawsuit_after_review)
                };
                r.appeal(f, v, l, label, slot)
            }
            _ => match v {
                Value::Mapping(m) => {
                    let inner_known = [keys::DIRECT, keys::AFTER_REVIEW];
                    r.check_keys(f, m, l, &inner_known, "“行政诉讼”");
                    let inner_start = l.unwrap_or(start);
                    r.walk(f, m, &inner_known, inner_start, |r, (i, v, il)| {
                        let (label, slot) = if i == 0 {
                            ("行政诉讼·未经复议直接起诉", &mut out.lawsuit_direct)
                        } else {
                            ("行政诉讼·复议后起诉", &mut out.lawsuit_after_review)
                        };
                        if seen[i + 1] {
                            r.error(
                                f,
                                "E0501",
                                il,
                                format!("“{label}”写了两次"),
                                "只在一处填写：`lawsuit_direct:` 或 `行政诉讼:` 下的 `未经复议直接起诉:`",
                            );
                        }
                        r.appeal(f, v, il, label, slot)
                    })
                }
                Value::Null => l.unwrap_or(start),
                _ => {
                    r.error(
                        f,
                        "E0501",
                        l,
                        "“行政诉讼”是分组，本身不填数字".to_string(),
                        "在它下面分别填写 `未经复议直接起诉:` 和 `复议后起诉:`",
                    );
                    l.unwrap_or(start)
                }
            },
        })
    }

    /// One appeal group: four results (+ 总计), as a list of 4 or 5 or a map.
    fn appeal<'a>(
        &mut self,
        f: &Fields<'a>,
        v: &'a Value,
        line: Option<usize>,
        label: &str,
        out: &mut Appeal,
    ) -> usize {
        out.line = line;
        let start = line.unwrap_or_else(|| f.start_line());
        match v {
            Value::Null => start,
            Value::Sequence(seq) if seq.len() == 4 || seq.len() == 5 => {
                for (i, x) in seq.iter().enumerate() {
                    let n = self.count(f, line, &format!("“{label}”的“{}”", APPEAL_LABELS[i]), x);
                    match out.results.get_mut(i) {
                        Some(c) => *c = n,
                        None => out.given_total = Some(n),
                    }
                }
                start
            }
            Value::Mapping(m) => {
                let mut known: Vec<Key> = APPEAL_RESULTS.to_vec();
                known.push(keys::TOTAL);
                self.check_keys(f, m, line, &known, &format!("“{label}”"));
                self.walk(f, m, &known, start, |r, (i, x, l)| {
                    let n = r.count(
                        f,
                        l.or(line),
                        &format!("“{label}”的“{}”", APPEAL_LABELS[i]),
                        x,
                    );
                    match out.results.get_mut(i) {
                        Some(c) => *c = n,
                        None => out.given_total = Some(n),
                    }
                    l.unwrap_or(start)
                })
            }
            other => {
                self.error(
                    f,
                    "E0501",
                    line,
                    format!("“{label}”应填写 4 个数（结果维持、结果纠正、其他结果、尚未审结，可再加总计），现为“{}”", shown(other)),
                    "写成 `{upheld: 1, corrected: 0, other: 0, pending: 0}`、`{结果维持: 1, 结果纠正: 0, 其他结果: 0, 尚未审结: 0}` 或 `[1, 0, 0, 0]`",
                );
                start
            }
        }
    }
}

/// A YAML double-quoted string.
fn yaml_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The full text of a new report file (`gongkai new annual_report`): front matter with
/// every table row present and zero-filled, each named in a Chinese comment, and the
/// narrative sections 一、五、六 with placeholder text. Sections 二、三、四 are generated
/// from `data:` and inserted by the build.
pub fn skeleton(year: i32, department: &str) -> String {
    let department = department.trim();
    let title = format!("{department}{year}年政府信息公开工作年度报告");
    let zero = "[0, 0, 0, 0, 0, 0]";
    let mut s = String::new();
    s.push_str("---\n");
    s.push_str(&format!("title: {}\n", yaml_quote(&title)));
    s.push_str(&format!(
        "year: {year}                      # 报告年度（所报告的年度）\n"
    ));
    s.push_str(&format!(
        "published: {}-01-31          # 发布日期：部门于次年1月31日前、县级以上人民政府于次年3月31日前公布\n",
        year + 1
    ));
    s.push_str(&format!("department: {}\n", yaml_quote(department)));
    s.push_str("format: 2021                    # 模板：国办公开办函〔2021〕30号（2019、2020年度报告写 2019）\n");
    s.push_str("data:\n");
    s.push_str("  proactive:                      # 二、主动公开政府信息情况\n");
    s.push_str("    # 第二十条第（一）项：本年制发件数 / 本年废止件数 / 现行有效件数\n");
    s.push_str("    rules:          {issued: 0, repealed: 0, in_force: 0}   # 规章\n");
    s.push_str("    normative_docs: {issued: 0, repealed: 0, in_force: 0}   # 行政规范性文件\n");
    s.push_str(
        "    licensing: 0                  # 第二十条第（五）项 行政许可：本年处理决定数量\n",
    );
    s.push_str(
        "    penalty: 0                    # 第二十条第（六）项 行政处罚：本年处理决定数量\n",
    );
    s.push_str(
        "    coercion: 0                   # 第二十条第（六）项 行政强制：本年处理决定数量\n",
    );
    s.push_str("    fees: 0                       # 第二十条第（八）项 行政事业性收费：本年收费金额（单位：万元）\n");
    s.push_str("  requests:                       # 三、收到和处理政府信息公开申请情况\n");
    s.push_str("    # 每行 6 个数，依次为：自然人、商业企业、科研机构、社会公益组织、法律服务机构、其他。\n");
    s.push_str("    # 各行“总计”自动计算；也可写第 7 个数作总计，构建时会核对。\n");
    s.push_str("    # 勾稽关系：一 + 二 = 三（七）总计 + 四，每一列都须相等。\n");
    s.push_str(&format!("    new:          {zero}   # {}\n", NEW_ROW.label));
    s.push_str(&format!(
        "    carried_over: {zero}   # {}\n",
        CARRIED_OVER_ROW.label
    ));
    s.push_str(&format!(
        "    results:                        # {RESULTS_LABEL}\n"
    ));
    s.push_str(&format!(
        "      disclosed:        {zero}   # {}\n",
        DISCLOSED_ROW.label
    ));
    s.push_str(&format!(
        "      partly_disclosed: {zero}   # {}\n",
        PARTLY_ROW.label
    ));
    for group in [&WITHHELD, &UNABLE, &NOT_PROCESSED, &OTHER] {
        s.push_str(&format!(
            "      {}:{}# {}\n",
            group.key.name,
            pad(group.key.name, 30),
            group.label
        ));
        for r in group.rows {
            s.push_str(&format!(
                "        {}:{}{zero}   # {}\n",
                r.key.name,
                pad(r.key.name, 20),
                r.label
            ));
        }
    }
    s.push_str("      # total: （七）总计，不必填写，自动计算\n");
    s.push_str(&format!(
        "    carried_forward: {zero}   # {}\n",
        CARRIED_FORWARD_ROW.label
    ));
    s.push_str("  appeals:                        # 四、政府信息公开行政复议、行政诉讼情况\n");
    s.push_str("    # 每项依次为：结果维持、结果纠正、其他结果、尚未审结（总计自动计算）\n");
    s.push_str(
        "    review:               {upheld: 0, corrected: 0, other: 0, pending: 0}   # 行政复议\n",
    );
    s.push_str("    lawsuit_direct:       {upheld: 0, corrected: 0, other: 0, pending: 0}   # 行政诉讼：未经复议直接起诉\n");
    s.push_str("    lawsuit_after_review: {upheld: 0, corrected: 0, other: 0, pending: 0}   # 行政诉讼：复议后起诉\n");
    s.push_str("---\n\n");
    s.push_str("## 一、总体情况\n\n");
    s.push_str("（概述本年度政府信息公开工作的总体情况，可分主动公开、依申请公开、政府信息管理、平台建设、监督保障等方面叙述。）\n\n");
    s.push_str("## 五、政府信息公开工作存在的主要问题及改进情况\n\n");
    s.push_str("（写明本年度工作存在的主要问题和改进措施，以及上一年度所列问题的整改情况。）\n\n");
    s.push_str("## 六、其他需要报告的事项\n\n");
    s.push_str("（写明依据《政府信息公开信息处理费管理办法》收取信息处理费的情况，以及其他需要报告的事项；没有的写“无”。）\n");
    s
}

/// Spaces that line a comment up after `name:`.
fn pad(name: &str, width: usize) -> String {
    " ".repeat(width.saturating_sub(name.len()).max(1))
}

/// Parse the front matter of `text` (a whole `.md` file) the way the loader would, for
/// tests of this kind in other modules.
#[cfg(test)]
pub(crate) fn parse_file(text: &str) -> (AnnualReport, Vec<Diagnostic>) {
    use crate::yaml::parse_mapping;
    use std::path::Path;
    let file = Path::new("content/annual-reports/a.md");
    let front = text
        .strip_prefix("---\n")
        .and_then(|rest| rest.split_once("\n---").map(|(fm, _)| format!("{fm}\n")))
        .unwrap_or_else(|| text.to_string());
    let map = parse_mapping(&front, file, 2).expect("valid YAML");
    let mut f = Fields::new(&map, file, &front, 2);
    f.mark_used(&[
        key("title", &["标题"]),
        key("published", &["发布日期"]),
        key("department", &["公开责任部门", "责任部门", "发布机构"]),
    ]);
    let report = parse(&mut f);
    f.warn_unknown("政府信息公开工作年度报告");
    (report, f.take_diagnostics())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Severity;

    const GOOD_2021: &str = include_str!("../../tests/fixtures/annual-reports/good-2021.md");
    const GOOD_2019: &str = include_str!("../../tests/fixtures/annual-reports/good-2019.md");
    const CHINESE: &str = include_str!("../../tests/fixtures/annual-reports/good-chinese-keys.md");
    const NO_TOTALS: &str = include_str!("../../tests/fixtures/annual-reports/good-no-totals.md");
    const BAD_TOTAL: &str =
        include_str!("../../tests/fixtures/annual-reports/bad-results-total.md");
    const BAD_ROW: &str = include_str!("../../tests/fixtures/annual-reports/bad-row-total.md");
    const BAD_BALANCE: &str = include_str!("../../tests/fixtures/annual-reports/bad-balance.md");
    const BAD_APPEAL: &str =
        include_str!("../../tests/fixtures/annual-reports/bad-appeal-total.md");
    const BAD_NUMBERS: &str = include_str!("../../tests/fixtures/annual-reports/bad-numbers.md");
    const BAD_SHAPE: &str = include_str!("../../tests/fixtures/annual-reports/bad-shape.md");

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
}
