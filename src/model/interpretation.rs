//! 政策解读: an interpretation's own fields, read from front matter.

use crate::yaml::{key, Fields, Key};
use serde::Serialize;

/// Front-matter keys of an interpretation.
pub mod keys {
    use super::{key, Key};
    /// 解读对象.
    pub const POLICY: Key = key("policy", &["解读对象", "政策原文"]);
    /// 解读形式.
    pub const FORM: Key = key("form", &["解读形式"]);
    /// 解读机关.
    pub const INTERPRETER: Key = key("interpreter", &["解读机关", "解读人"]);
}

/// Common forms of interpretation. The list is open: 在线访谈, H5 and new forms are real
/// practice, so any other name is accepted as written and listed under that name.
pub const FORMS: [&str; 7] = [
    "文字解读",
    "图文解读",
    "图解",
    "视频解读",
    "新闻发布会",
    "专家解读",
    "答记者问",
];

/// An interpretation's own fields.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Interpretation {
    /// The policies interpreted, by 索引号 or 发文字号 as written.
    pub policies: Vec<String>,
    /// 解读形式 as written (usually one of [`FORMS`]); 文字解读 when absent.
    pub form: String,
    /// 解读机关.
    pub interpreter: Option<String>,
}

/// Read an interpretation's own fields; problems go into `f.diagnostics`.
pub fn parse(f: &mut Fields<'_>) -> Interpretation {
    let policies = f.string_list(&keys::POLICY);
    if policies.is_empty() {
        let d = f
            .error(
                "E0301",
                &keys::POLICY,
                "政策解读缺少解读对象（policy / 解读对象）",
            )
            .help("写上所解读政策的索引号或发文字号，如 `解读对象: 示政办发〔2024〕11号`");
        f.diagnostics.push(d);
    }
    let form = f
        .string(&keys::FORM)
        .map(|form| form.trim().to_string())
        .filter(|form| !form.is_empty())
        .unwrap_or_else(|| "文字解读".to_string());
    Interpretation {
        policies,
        form,
        interpreter: f.string(&keys::INTERPRETER),
    }
}
