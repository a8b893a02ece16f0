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

/// The forms an interpretation may take.
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
    /// 解读形式 (one of [`FORMS`]); 文字解读 when absent.
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
    let form = match f.string(&keys::FORM) {
        None => "文字解读".to_string(),
        Some(form) if FORMS.contains(&form.as_str()) => form,
        Some(other) => {
            let d = f
                .warning(
                    "W0302",
                    &keys::FORM,
                    format!("解读形式“{other}”不在规定的形式中"),
                )
                .help(format!("可选：{}", FORMS.join("、")));
            f.diagnostics.push(d);
            other
        }
    };
    Interpretation {
        policies,
        form,
        interpreter: f.string(&keys::INTERPRETER),
    }
}
