//! The national templates as data: every key, label and row of tables 二、三、四, for the
//! 2021 template (国办公开办函〔2021〕30号) and the 2019 trial template (国办公开办函〔2019〕
//! 60号), and the [`Format`] descriptor that model, rules, render and the scaffold ask
//! instead of matching on the template themselves.

use super::number::shown;
use super::record::{Field, Naming, Record, Shape, Slot};
use super::types::{
    Appeal, DocCounts, ItemCounts, MadeCounts, Proactive2019, Proactive2021, Procurement, Row,
};
use crate::yaml::{key, Key};
use serde::Serialize;
use serde_yaml::Value;

/// Front-matter keys of an annual report and of its `data:` tables.
pub mod keys {
    use crate::yaml::{key, Key};
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

impl Format {
    /// Both templates, oldest first.
    pub const ALL: [Format; 2] = [Format::Trial2019, Format::National2021];

    /// The year in the template's name (`format: 2019` / `format: 2021`).
    pub fn year(self) -> u16 {
        u16::from(self)
    }

    /// The template a `format:` value names: any text containing its year.
    pub fn parse(text: &str) -> Option<Format> {
        // 2021 first: it is the default and a text naming both means the current one.
        [Format::National2021, Format::Trial2019]
            .into_iter()
            .find(|f| text.contains(&f.year().to_string()))
    }

    /// The report years the template is meant for.
    pub fn years(self) -> std::ops::RangeInclusive<i32> {
        match self {
            Format::Trial2019 => 2019..=2020,
            Format::National2021 => 2021..=9999,
        }
    }

    /// The sub-rows of （六）其他处理: three in 2021, the group itself as one row in 2019.
    pub fn other_rows(self) -> &'static [RowSpec] {
        match self {
            Format::National2021 => OTHER.rows,
            Format::Trial2019 => std::slice::from_ref(&OTHER_2019_ROW),
        }
    }

    /// How （六）'s sub-row `i` is named in messages: `（六）其他处理·1.…` in 2021,
    /// `（六）其他处理` in 2019 (and for a row the template does not have).
    pub fn other_row_label(self, i: usize) -> String {
        match (self, self.other_rows().get(i)) {
            (Format::National2021, Some(s)) => format!("{}·{}", OTHER.label, s.label),
            (Format::Trial2019, Some(s)) => s.label.to_string(),
            (_, None) => OTHER.label.to_string(),
        }
    }
}

// ---- Records: how each group of numbers is written ----

fn fixed_shape(
    what: &str,
    v: &Value,
    keys: &[Key],
    labels: &[&str],
) -> (&'static str, String, String) {
    let example: Vec<String> = keys.iter().map(|k| format!("{}: 0", k.name)).collect();
    (
        "E0501",
        format!(
            "“{what}”应填写 {} 个数（{}），现为“{}”",
            keys.len(),
            labels.join("、"),
            shown(v)
        ),
        format!(
            "写成 `{{{}}}` 或按顺序写 {} 个数的列表",
            example.join(", "),
            keys.len()
        ),
    )
}

fn template_2019_shape(
    what: &str,
    _: &Value,
    keys: &[Key],
    labels: &[&str],
) -> (&'static str, String, String) {
    let example: Vec<String> = keys.iter().map(|k| format!("{}: 0", k.name)).collect();
    (
        "E0501",
        format!(
            "按 2019 年试行模板，“{what}”应填写 {} 项（{}）",
            keys.len(),
            labels.join("、")
        ),
        format!(
            "写成 `{{{}}}` 或按顺序写 {} 个数的列表{}",
            example.join(", "),
            keys.len(),
            match what {
                "行政事业性收费" =>
                    "；该模板的第二十条第（八）项只统计收费项目数量及增减，不填收费金额",
                "政府集中采购" => "；采购总金额可带单位，如 `amount: 2463.8万元`",
                _ => "",
            }
        ),
    )
}

const fn count<T>(key: Key, label: &'static str, at: fn(&mut T) -> &mut u64) -> Field<T> {
    Field {
        key,
        label,
        slot: Slot::Count(at),
    }
}

/// 规章 / 行政规范性文件 in the 2021 table 二.
pub(crate) const DOC_COUNTS: Record<DocCounts> = Record {
    fields: &[
        count(keys::ISSUED, "本年制发件数", |d| &mut d.issued),
        count(keys::REPEALED, "本年废止件数", |d| &mut d.repealed),
        count(keys::IN_FORCE, "现行有效件数", |d| &mut d.in_force),
    ],
    list: Some((3, 3)),
    scalar: None,
    naming: Naming::Of,
    shape: fixed_shape,
};

/// 行政许可 / 行政处罚 / 行政强制 in the 2021 table 二: one number.
pub(crate) const DECISIONS: Record<u64> = Record {
    fields: &[count(keys::DECISIONS, "本年处理决定数量", |n| n)],
    list: None,
    scalar: Some(0),
    naming: Naming::Of,
    shape: |what, _, keys, labels| {
        (
            "E0501",
            format!("“{what}”只填一个数（{}），现为列表", labels[0]),
            format!("写成 `{}: 12`", keys[0].name),
        )
    },
};

/// 行政事业性收费 in the 2021 table 二: 本年收费金额（单位：万元）.
pub(crate) const FEE_AMOUNT: Record<f64> = Record {
    fields: &[Field {
        key: keys::AMOUNT_FEES,
        label: "本年收费金额（单位：万元）",
        slot: Slot::Decimal(|x| x),
    }],
    list: None,
    scalar: Some(0),
    naming: Naming::Of,
    shape: |what, v, _, labels| {
        (
            "E0502",
            format!("“{what}”的{}“{}”不是数字", labels[0], shown(v)),
            "以万元为单位写数字，如 12.5；不要写单位".to_string(),
        )
    },
};

/// 规章 / 规范性文件 in the 2019 table 二.
pub(crate) const MADE_COUNTS: Record<MadeCounts> = Record {
    fields: &[
        count(keys::MADE, "本年新制作数量", |d| &mut d.made),
        count(keys::PUBLISHED_COUNT, "本年新公开数量", |d| {
            &mut d.published
        }),
        count(keys::PUBLIC_TOTAL, "对外公开总数量", |d| {
            &mut d.total
        }),
    ],
    list: Some((3, 3)),
    scalar: None,
    naming: Naming::Of,
    shape: fixed_shape,
};

/// 上一年项目数量 of a 2019 item row.
const LAST_YEAR_FIELD: Field<ItemCounts> = count(keys::LAST_YEAR, "上一年项目数量", |d| {
    &mut d.last_year
});

/// 本年增/减 of a 2019 item row (may be negative).
const CHANGE_FIELD: Field<ItemCounts> = Field {
    key: keys::CHANGE,
    label: "本年增/减",
    slot: Slot::Signed(|d| &mut d.change),
};

/// An item row of the 2019 table 二; a bare number is the 处理决定数量, the one figure
/// every body has.
pub(crate) const ITEMS: Record<ItemCounts> = Record {
    fields: &[
        LAST_YEAR_FIELD,
        CHANGE_FIELD,
        count(keys::DECISIONS, "处理决定数量", |d| &mut d.decisions),
    ],
    list: Some((3, 3)),
    scalar: Some(2),
    naming: Naming::Of,
    shape: template_2019_shape,
};

/// 行政事业性收费 in the 2019 table 二: the item row without 处理决定数量.
pub(crate) const FEE_ITEMS: Record<ItemCounts> = Record {
    fields: &[LAST_YEAR_FIELD, CHANGE_FIELD],
    list: Some((2, 2)),
    scalar: None,
    naming: Naming::Of,
    shape: template_2019_shape,
};

/// 政府集中采购 in the 2019 table 二.
pub(crate) const PROCUREMENT: Record<Procurement> = Record {
    fields: &[
        count(keys::PROJECTS, "采购项目数量", |d| &mut d.projects),
        Field {
            key: keys::AMOUNT,
            label: "采购总金额",
            slot: Slot::Amount(|d| &mut d.amount),
        },
    ],
    list: Some((2, 2)),
    scalar: None,
    naming: Naming::Of,
    shape: template_2019_shape,
};

const ROW_SHAPE: Shape = |what, v, _, _| {
    let count = match v {
        Value::Sequence(seq) => format!(" {} 个数", seq.len()),
        _ => format!("“{}”", shown(v)),
    };
    (
        "E0501",
        format!("“{what}”行应填写 6 个数（可再加第 7 个数作总计），现为{count}"),
        "按顺序填写 自然人、商业企业、科研机构、社会公益组织、法律服务机构、其他，如 `[3, 1, 0, 0, 0, 0]`；或写成 `{自然人: 3, 商业企业: 1}`".to_string(),
    )
};

/// A row of table 三: the six applicant columns, then 总计.
pub(crate) const ROW: Record<Row> = Record {
    fields: &[
        count(key("natural_person", &["自然人"]), "自然人", |r| {
            &mut r.cells[0]
        }),
        count(key("business", &["商业企业"]), "商业企业", |r| {
            &mut r.cells[1]
        }),
        count(key("research", &["科研机构"]), "科研机构", |r| {
            &mut r.cells[2]
        }),
        count(
            key("public_interest", &["社会公益组织"]),
            "社会公益组织",
            |r| &mut r.cells[3],
        ),
        count(
            key("legal_services", &["法律服务机构"]),
            "法律服务机构",
            |r| &mut r.cells[4],
        ),
        count(key("other", &["其他"]), "其他", |r| &mut r.cells[5]),
        Field {
            key: keys::TOTAL,
            label: "总计",
            slot: Slot::Given(|r| &mut r.given_total),
        },
    ],
    list: Some((6, 7)),
    scalar: None,
    naming: Naming::RowColumn,
    shape: ROW_SHAPE,
};

/// An appeal of table 四: four results, then 总计.
pub(crate) const APPEAL: Record<Appeal> = Record {
    fields: &[
        count(keys::UPHELD, "结果维持", |a| &mut a.results[0]),
        count(keys::CORRECTED, "结果纠正", |a| &mut a.results[1]),
        count(keys::OTHER_RESULT, "其他结果", |a| &mut a.results[2]),
        count(keys::PENDING, "尚未审结", |a| &mut a.results[3]),
        Field {
            key: keys::TOTAL,
            label: "总计",
            slot: Slot::Given(|a| &mut a.given_total),
        },
    ],
    list: Some((4, 5)),
    scalar: None,
    naming: Naming::Of,
    shape: |what, v, _, _| {
        (
            "E0501",
            format!("“{what}”应填写 4 个数（结果维持、结果纠正、其他结果、尚未审结，可再加总计），现为“{}”", shown(v)),
            "写成 `{upheld: 1, corrected: 0, other: 0, pending: 0}`、`{结果维持: 1, 结果纠正: 0, 其他结果: 0, 尚未审结: 0}` 或 `[1, 0, 0, 0]`".to_string(),
        )
    },
};

// ---- Table 二: its lines per template ----

/// How one line of table 二 is read, and where it goes in the template's table.
pub(crate) enum PartRead<P> {
    /// 规章 counts of the 2021 template (the row remembers its line).
    Docs(fn(&mut P) -> &mut DocCounts),
    /// One 处理决定数量.
    Decisions(fn(&mut P) -> &mut u64),
    /// 本年收费金额.
    FeeAmount(fn(&mut P) -> &mut f64),
    /// 规章 counts of the 2019 template.
    Made(fn(&mut P) -> &mut MadeCounts),
    /// A 2019 item row.
    Items(fn(&mut P) -> &mut ItemCounts),
    /// The 2019 行政事业性收费 row.
    FeeItems(fn(&mut P) -> &mut ItemCounts),
    /// 政府集中采购.
    Procurement(fn(&mut P) -> &mut Procurement),
}

/// One line of table 二: its key, its label and how it is read.
pub(crate) struct Part<P: 'static> {
    /// The data key.
    pub key: Key,
    /// The label the template prints.
    pub label: &'static str,
    /// How it is read and where it goes.
    pub read: PartRead<P>,
}

/// Table 二 of the 2021 template.
pub(crate) const PROACTIVE_2021: &[Part<Proactive2021>] = &[
    Part {
        key: keys::RULES,
        label: "规章",
        read: PartRead::Docs(|p| &mut p.rules),
    },
    Part {
        key: keys::NORMATIVE_DOCS,
        label: "行政规范性文件",
        read: PartRead::Docs(|p| &mut p.normative_docs),
    },
    Part {
        key: keys::LICENSING,
        label: "行政许可",
        read: PartRead::Decisions(|p| &mut p.licensing),
    },
    Part {
        key: keys::PENALTY,
        label: "行政处罚",
        read: PartRead::Decisions(|p| &mut p.penalty),
    },
    Part {
        key: keys::COERCION,
        label: "行政强制",
        read: PartRead::Decisions(|p| &mut p.coercion),
    },
    Part {
        key: keys::FEES,
        label: "行政事业性收费",
        read: PartRead::FeeAmount(|p| &mut p.fees),
    },
];

/// Table 二 of the 2019 trial template.
pub(crate) const PROACTIVE_2019: &[Part<Proactive2019>] = &[
    Part {
        key: keys::RULES,
        label: "规章",
        read: PartRead::Made(|p| &mut p.rules),
    },
    Part {
        key: keys::NORMATIVE_DOCS,
        label: "规范性文件",
        read: PartRead::Made(|p| &mut p.normative_docs),
    },
    Part {
        key: keys::LICENSING,
        label: "行政许可",
        read: PartRead::Items(|p| &mut p.licensing),
    },
    Part {
        key: keys::OTHER_SERVICES,
        label: "其他对外管理服务事项",
        read: PartRead::Items(|p| &mut p.other_services),
    },
    Part {
        key: keys::PENALTY,
        label: "行政处罚",
        read: PartRead::Items(|p| &mut p.penalty),
    },
    Part {
        key: keys::COERCION,
        label: "行政强制",
        read: PartRead::Items(|p| &mut p.coercion),
    },
    Part {
        key: keys::FEES,
        label: "行政事业性收费",
        read: PartRead::FeeItems(|p| &mut p.fees),
    },
    Part {
        key: keys::PROCUREMENT,
        label: "政府集中采购",
        read: PartRead::Procurement(|p| &mut p.procurement),
    },
];
