//! Checks of the 专栏 as the law lays it out: every statutory category of 法定主动公开内容
//! has content or a stated reason why it does not apply; `catalog` values name real
//! catalogue nodes; and the 政府信息公开指南 can name every element 条例第十二条 requires.

use crate::config::Config;
use crate::diag::Diagnostic;
use crate::link::Site;
use crate::model::keys;
use crate::rules::statutory::{self, CatalogMatch};

/// The 专栏 checks that need the content: empty categories, unknown `catalog` values,
/// categories marked not applicable that have content.
pub fn check(site: &Site) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let level = site.config.site.level;

    // `catalog` values that name no node.
    let mut filed: Vec<String> = Vec::new();
    for d in &site.docs {
        let Some(written) = &d.catalog else {
            if let Some(p) = statutory::filed_path(d, level) {
                filed.push(p);
            }
            continue;
        };
        let m = statutory::match_path(written, level);
        if let CatalogMatch::Unknown { nearest, .. } = &m {
            out.push(
                d.warning_at(
                    "W0701",
                    &keys::CATALOG,
                    format!("公开目录“{written}”不是信息公开目录中的栏目"),
                )
                .help(format!(
                    "最接近的栏目：{}。法定主动公开内容下的第二级须是条例第二十条（县级、乡镇还有第二十一条）规定的类别，再下一级可以自行细分",
                    nearest.join("、")
                )),
            );
        }
        filed.push(m.path().to_string());
    }

    // Empty statutory categories, unless marked not applicable.
    let categories = statutory::categories(level);
    for c in &categories {
        let path = c.path();
        let count = filed
            .iter()
            .filter(|p| statutory::is_under(p, &path))
            .count();
        let reason = statutory::not_applicable_reason(&site.config.catalog.not_applicable, c);
        match (count, reason) {
            (0, None) => out.push(
                Diagnostic::warning(
                    "W0700",
                    format!("{} {} 没有任何内容", c.source(), c.name),
                )
                .in_file("config.toml")
                .help(format!(
                    "发布该类信息时写 `公开目录: {path}`；本机关确实不涉及的，在 config.toml 的 [catalog.not_applicable] 中写明理由，如 \"{}\" = \"本机关不承担该项职能\"",
                    c.name
                )),
            ),
            (n, Some(_)) if n > 0 => out.push(
                Diagnostic::warning(
                    "W0703",
                    format!(
                        "{} {} 标为不适用，但已有 {n} 条内容",
                        c.source(),
                        c.name
                    ),
                )
                .in_file("config.toml")
                .help("删除 [catalog.not_applicable] 中的这一项，或核对这些内容的公开目录"),
            ),
            _ => {}
        }
    }

    out
}

/// The 专栏 checks of `config.toml` alone: `[catalog.not_applicable]` keys that name no
/// category, and the office details the guide must give (条例第十二条).
pub fn check_config(config: &Config, text: &str) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let categories = statutory::categories(config.site.level);
    let line_of = |key: &str| config_line(text, key);
    // `[catalog.not_applicable]` keys that name no category.
    for key in config.catalog.not_applicable.keys() {
        if !categories.iter().any(|c| c.is_named_by(key)) {
            let names: Vec<String> = categories.iter().map(|c| c.name.to_string()).collect();
            out.push(
                Diagnostic::warning(
                    "W0702",
                    format!("[catalog.not_applicable] 中的“{key}”不是法定主动公开内容的类别"),
                )
                .in_file("config.toml")
                .at_line(not_applicable_line(text, key))
                .help(format!(
                    "写类别名称或条目，如 重大建设项目 或 \"第二十条第（十）项\"；最接近的类别：{}",
                    statutory::nearest(key, &names, 3).join("、")
                )),
            );
        }
    }

    // 条例第十二条: what the guide must name about the office.
    let office = &config.office;
    for (key, value, label) in [
        ("name", &office.name, "名称"),
        ("address", &office.address, "办公地址"),
        ("hours", &office.hours, "办公时间"),
        ("phone", &office.phone, "联系电话"),
        ("fax", &office.fax, "传真号码"),
    ] {
        if value.trim().is_empty() {
            out.push(missing_office(
                label,
                &format!("[office] {key}"),
                line_of("[office]"),
            ));
        }
    }
    if office.email.trim().is_empty() && config.apply.online_url.trim().is_empty() {
        out.push(missing_office(
            "互联网联系方式",
            "[office] email 或 [apply] online_url",
            line_of("[office]"),
        ));
    }
    out
}

fn missing_office(label: &str, key: &str, line: Option<usize>) -> Diagnostic {
    Diagnostic::warning(
        "W0035",
        format!("政府信息公开指南缺少工作机构的{label}（{key}）"),
    )
    .in_file("config.toml")
    .at_line(line)
    .help("《政府信息公开条例》第十二条：指南应当包括政府信息公开工作机构的名称、办公地址、办公时间、联系电话、传真号码、互联网联系方式；在 config.toml 的 [office] 中填写")
}

/// The line of a table header (`[office]`) or key (`name =`) in config.toml.
fn config_line(text: &str, key: &str) -> Option<usize> {
    text.lines()
        .position(|l| {
            let t = l.trim_start();
            if key.starts_with('[') {
                return t.starts_with(key);
            }
            let t = t.trim_start_matches(['"', '\'']);
            t.strip_prefix(key).is_some_and(|rest| {
                rest.trim_start_matches(['"', '\''])
                    .trim_start()
                    .starts_with('=')
            })
        })
        .map(|i| i + 1)
}

/// The line of `key` inside `[catalog.not_applicable]`.
fn not_applicable_line(text: &str, key: &str) -> Option<usize> {
    let start = config_line(text, "[catalog.not_applicable]")?;
    text.lines()
        .enumerate()
        .skip(start)
        .take_while(|(_, l)| !l.trim_start().starts_with('['))
        .find(|(_, l)| {
            l.split_once('=')
                .is_some_and(|(k, _)| k.trim().trim_matches(['"', '\'']) == key)
        })
        .map(|(i, _)| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_lines_are_found_for_tables_and_keys() {
        let t = "title = \"x\"\n[office]\nname = \"a\"\n[catalog.not_applicable]\n\"第二十条第（十）项\" = \"不涉及\"\n";
        assert_eq!(config_line(t, "[office]"), Some(2));
        assert_eq!(config_line(t, "name"), Some(3));
        assert_eq!(not_applicable_line(t, "第二十条第（十）项"), Some(5));
        assert_eq!(not_applicable_line(t, "重大建设项目"), None);
    }
}
