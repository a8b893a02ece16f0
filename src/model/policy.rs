//! 政策文件: a policy's own fields, read from front matter.

use crate::date::Date;
use crate::diag::Diagnostic;
use crate::yaml::{key, scalar_text, Fields, Key};
use serde::Serialize;
use serde_yaml::Value;

/// Front-matter keys of a policy.
pub mod keys {
    use super::{key, Key};
    /// 索引号.
    pub const INDEX_NO: Key = key("index_no", &["索引号"]);
    /// 发文字号.
    pub const DOC_NO: Key = key("doc_no", &["发文字号", "文号"]);
    /// 统一登记号.
    pub const REG_NO: Key = key("reg_no", &["统一登记号", "登记号"]);
    /// 规范性文件.
    pub const NORMATIVE: Key = key("normative", &["规范性文件"]);
    /// 发文机关.
    pub const ISSUER: Key = key("issuer", &["发文机关"]);
    /// 成文日期.
    pub const ISSUED: Key = key("issued", &["成文日期"]);
    /// 生效日期.
    pub const EFFECTIVE: Key = key("effective", &["生效日期", "施行日期"]);
    /// 有效期至.
    pub const EXPIRES: Key = key("expires", &["有效期至", "失效日期"]);
    /// 有效期年数.
    pub const VALIDITY_YEARS: Key = key("validity_years", &["有效期年数", "有效期"]);
    /// 废止.
    pub const REPEALED: Key = key("repealed", &["废止"]);
    /// 修改.
    pub const AMENDED: Key = key("amended", &["修改", "修订"]);
    /// 部分失效.
    pub const PARTLY_INVALID: Key = key("partly_invalid", &["部分失效"]);
    /// 公开方式.
    pub const DISCLOSURE: Key = key("disclosure", &["公开方式"]);
    /// 附件.
    pub const ATTACHMENTS: Key = key("attachments", &["附件"]);
    /// Relation date (废止/修改).
    pub const REL_DATE: Key = key("date", &["日期"]);
    /// Relation source (废止/修改 by which document).
    pub const REL_BY: Key = key("by", &["依据", "文件"]);
    /// Attachment file.
    pub const ATT_FILE: Key = key("file", &["文件"]);
    /// Attachment title.
    pub const ATT_TITLE: Key = key("title", &["标题", "名称"]);
}

/// 公开方式.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
pub enum Disclosure {
    /// 主动公开.
    #[default]
    #[serde(rename = "主动公开")]
    Proactive,
    /// 依申请公开.
    #[serde(rename = "依申请公开")]
    OnRequest,
}

impl Disclosure {
    /// Whether the full text (body, summary, attachments) may appear on the site. A
    /// 依申请公开 document is not 主动公开 (条例第十九条、第二十七条): the site lists its
    /// metadata and says how to apply, nothing more.
    pub fn publishes_full_text(self) -> bool {
        match self {
            Disclosure::Proactive => true,
            Disclosure::OnRequest => false,
        }
    }
}

/// A repeal or amendment: when, and by which document (索引号 or 发文字号 as written).
#[derive(Debug, Clone, Serialize)]
pub struct Relation {
    /// The day it takes effect.
    pub date: Option<Date>,
    /// The other document's 索引号 or 发文字号, as the officer wrote it.
    pub by: Option<String>,
    /// File line of the entry.
    #[serde(skip)]
    pub line: Option<usize>,
}

/// One attached file, stored next to the document.
#[derive(Debug, Clone, Serialize)]
pub struct Attachment {
    /// Path relative to the document's folder.
    pub file: String,
    /// Title shown in the link.
    pub title: String,
    /// File line of the entry.
    #[serde(skip)]
    pub line: Option<usize>,
}

/// A policy document's own fields.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Policy {
    /// 索引号.
    pub index_no: Option<String>,
    /// 发文字号, as written.
    pub doc_no: Option<String>,
    /// 统一登记号.
    pub reg_no: Option<String>,
    /// 行政规范性文件.
    pub normative: bool,
    /// 发文机关.
    pub issuer: String,
    /// 成文日期.
    pub issued: Option<Date>,
    /// 生效日期 as written (defaults to 成文日期 when computing validity).
    pub effective: Option<Date>,
    /// 有效期至 as written.
    pub expires: Option<Date>,
    /// 有效期年数 as written.
    pub validity_years: Option<u32>,
    /// 废止.
    pub repealed: Option<Relation>,
    /// 修改, in the order written.
    pub amended: Vec<Relation>,
    /// 部分失效: a date from which part of the document no longer applies.
    pub partly_invalid: Option<Relation>,
    /// 公开方式.
    pub disclosure: Disclosure,
    /// 附件.
    pub attachments: Vec<Attachment>,
}

/// Read a policy's own fields; problems go into `f.diagnostics`.
pub fn parse(f: &mut Fields<'_>) -> Policy {
    use keys::*;
    let index_no = f.required_string(&INDEX_NO, "E0201", "4305210003/2024-00012");
    let issuer = f
        .required_string(&ISSUER, "E0202", "示例县人民政府办公室")
        .unwrap_or_default();
    let issued = f.date(&ISSUED);
    if issued.is_none() && f.value(&ISSUED).is_none() {
        let d = Diagnostic::error("E0203", "缺少必填字段“成文日期”（issued）")
            .in_file(f.file())
            .at_line(f.start_line())
            .help("加上一行 `成文日期: 2024年4月28日`");
        f.diagnostics.push(d);
    }
    let disclosure = match f.string(&DISCLOSURE).as_deref() {
        None | Some("主动公开") => Disclosure::Proactive,
        Some("依申请公开") => Disclosure::OnRequest,
        Some(other) => {
            let d = f
                .warning(
                    "W0204",
                    &DISCLOSURE,
                    format!("公开方式“{other}”无法识别，按主动公开处理"),
                )
                .help("公开方式写“主动公开”或“依申请公开”");
            f.diagnostics.push(d);
            Disclosure::Proactive
        }
    };
    let repealed = f.value(&REPEALED).and_then(|v| relation(f, v, &REPEALED));
    let partly_invalid = f
        .value(&PARTLY_INVALID)
        .and_then(|v| relation(f, v, &PARTLY_INVALID));
    let amended = match f.value(&AMENDED) {
        Some(Value::Sequence(items)) => items
            .iter()
            .filter_map(|v| relation(f, v, &AMENDED))
            .collect(),
        Some(v @ Value::Mapping(_)) => relation(f, v, &AMENDED).into_iter().collect(),
        Some(_) => {
            let d = f
                .error(
                    "E0205",
                    &AMENDED,
                    "“修改”应为列表，每项含 date（日期）和 by（修改文件）",
                )
                .help("例如：\n  修改:\n    - 日期: 2024-05-01\n      依据: 示政办发〔2024〕11号");
            f.diagnostics.push(d);
            Vec::new()
        }
        None => Vec::new(),
    };
    let attachments = match f.value(&ATTACHMENTS) {
        Some(Value::Sequence(items)) => items.iter().filter_map(|v| attachment(f, v)).collect(),
        Some(v @ Value::String(_)) => attachment(f, v).into_iter().collect(),
        Some(_) => {
            let d = f
                .error(
                    "E0206",
                    &ATTACHMENTS,
                    "“附件”应为列表，每项含 file（文件名）和 title（标题）",
                )
                .help("例如：\n  附件:\n    - 文件: 附件1.pdf\n      标题: 附件名称");
            f.diagnostics.push(d);
            Vec::new()
        }
        None => Vec::new(),
    };
    let validity_years = f.unsigned(&VALIDITY_YEARS).map(|y| y.min(100) as u32);
    if validity_years == Some(0) {
        let d = f
            .error("E0031", &VALIDITY_YEARS, "有效期年数不能为 0")
            .help("有效期为 0 年的文件在生效前一天就已失效；写实际年数（如 `有效期年数: 5`），或直接写 `有效期至: 2029年4月30日`；长期有效的文件不写此项");
        f.diagnostics.push(d);
    }
    Policy {
        index_no,
        doc_no: f.string(&DOC_NO),
        reg_no: f.string(&REG_NO),
        normative: f.boolean(&NORMATIVE).unwrap_or(false),
        issuer,
        issued,
        effective: f.date(&EFFECTIVE),
        expires: f.date(&EXPIRES),
        validity_years,
        repealed,
        amended,
        partly_invalid,
        disclosure,
        attachments,
    }
}

fn relation(f: &mut Fields<'_>, v: &Value, k: &Key) -> Option<Relation> {
    let Value::Mapping(m) = v else {
        let d = f
            .error(
                "E0205",
                k,
                format!(
                    "“{}”应写成 {{date: 日期, by: 文件的索引号或发文字号}}",
                    k.aliases[0]
                ),
            )
            .help("例如：\n  废止:\n    日期: 2024-05-01\n    依据: 示政发〔2024〕3号");
        f.diagnostics.push(d);
        return None;
    };
    let line = f.line(k);
    let mut inner = f.nested(m, line);
    let rel = Relation {
        date: inner.date(&keys::REL_DATE),
        by: inner.string(&keys::REL_BY),
        line,
    };
    if rel.date.is_none() && inner.value(&keys::REL_DATE).is_none() {
        let d = inner
            .error(
                "E0207",
                &keys::REL_DATE,
                format!("“{}”缺少日期（date）", k.aliases[0]),
            )
            .help("加上 `日期: 2024-05-01`");
        inner.diagnostics.push(d);
    }
    inner.warn_unknown(k.aliases[0]);
    let diags = inner.take_diagnostics();
    f.diagnostics.extend(diags);
    Some(rel)
}

fn attachment(f: &mut Fields<'_>, v: &Value) -> Option<Attachment> {
    let line = f.line(&keys::ATTACHMENTS);
    match v {
        Value::Mapping(m) => {
            let mut inner = f.nested(m, line);
            let file = inner.string(&keys::ATT_FILE);
            let title = inner.string(&keys::ATT_TITLE);
            inner.warn_unknown("附件");
            let diags = inner.take_diagnostics();
            f.diagnostics.extend(diags);
            let Some(file) = file else {
                let d = f
                    .error("E0206", &keys::ATTACHMENTS, "附件缺少文件名（file）")
                    .help("每个附件写上与文档放在一起的文件名：`- 文件: 附件1.pdf`");
                f.diagnostics.push(d);
                return None;
            };
            let title = title.unwrap_or_else(|| file.clone());
            Some(Attachment { file, title, line })
        }
        Value::String(file) => {
            let file = file.clone();
            Some(Attachment {
                title: file.clone(),
                file,
                line,
            })
        }
        other => {
            // A number or a list inside the list is not a file name (a bare `附件: 3`
            // once became a link to a file called “3”).
            let d = f
                .error(
                    "E0206",
                    &keys::ATTACHMENTS,
                    format!(
                        "附件“{}”应写文件名，或写成含 file（文件名）和 title（标题）的一项",
                        scalar_text(other).unwrap_or_else(|| "……".into())
                    ),
                )
                .help("如：\n  附件:\n    - file: 附件1.pdf\n      title: 实施细则");
            f.diagnostics.push(d);
            None
        }
    }
}
