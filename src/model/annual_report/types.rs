//! The data of an annual report, as the reader fills it and rules, validate and render
//! read it.

use super::schema::Format;
use serde::Serialize;

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
    /// A cell could not be read (it counts as 0): checking sums over it would only add
    /// errors that go away once the cell is fixed.
    #[serde(skip)]
    pub unreadable: bool,
    /// File line to report a table-wide mismatch at (the `data:` key, else the front
    /// matter's first line).
    #[serde(skip)]
    pub data_line: Option<usize>,
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
