//! 政务公开负面清单: a negative list's own fields, read from front matter.
//!
//! A negative list names the matters a body does not disclose, each with the law that
//! allows withholding it. The header (`title`, `department`, `published`) is read by the
//! common model code; this module reads `reviewed` and the `items`. Every item remembers
//! its file line, found by walking the front matter item by item, because the YAML parser
//! keeps no positions and an officer fixing a 60-row list needs to know which row is wrong.

use crate::date::{self, Date};
use crate::diag::Diagnostic;
use crate::yaml::{key, scalar_text, Fields, Key};
use serde::Serialize;
use serde_yaml::{Mapping, Value};

/// Front-matter keys of a negative list and of its items.
pub mod keys {
    use super::{key, Key};
    /// 最近复核日期.
    pub const REVIEWED: Key = key(
        "reviewed",
        &["最近复核日期", "复核日期", "最近复核时间", "复核时间"],
    );
    /// The list of items.
    pub const ITEMS: Key = key("items", &["清单事项", "事项", "不予公开事项清单"]);
    /// 事项 (of an item).
    pub const MATTER: Key = key("matter", &["事项", "事项名称", "不予公开事项"]);
    /// 不予公开范围 (of an item).
    pub const SCOPE: Key = key(
        "scope",
        &["不予公开范围", "不予公开内容", "不予公开的具体内容", "范围"],
    );
    /// 依据 (of an item).
    pub const BASIS: Key = key("basis", &["依据", "不予公开依据", "法律依据", "法规依据"]);
    /// 责任单位 (of an item).
    pub const DEPARTMENT: Key = key("department", &["责任单位", "责任部门", "责任科室"]);
    /// 备注 (of an item).
    pub const NOTE: Key = key("note", &["备注", "说明"]);
    /// 序号 (of an item), when the officer numbers rows themselves.
    pub const NO: Key = key("no", &["序号", "编号"]);

    /// Every key an item may have.
    pub const ITEM_KEYS: [Key; 6] = [NO, MATTER, SCOPE, BASIS, DEPARTMENT, NOTE];
}

/// One row of a negative list.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Item {
    /// 序号 as written; the page numbers rows itself when absent.
    pub no: Option<String>,
    /// 事项: what is not disclosed (empty when missing, which is an error).
    pub matter: String,
    /// 不予公开范围: which part of it.
    pub scope: Option<String>,
    /// 依据: the law and article, exactly as written. Several given as a list are joined
    /// with `；`.
    pub basis: Option<String>,
    /// 责任单位.
    pub department: Option<String>,
    /// 备注.
    pub note: Option<String>,
    /// File line where the item starts (its `- ` line).
    #[serde(skip)]
    pub line: usize,
    /// File line of the item's 依据.
    #[serde(skip)]
    pub basis_line: Option<usize>,
}

/// A negative list's own fields.
#[derive(Debug, Clone, Serialize, Default)]
pub struct NegativeList {
    /// 最近复核日期.
    pub reviewed: Option<Date>,
    /// 最近复核日期 as printed (`2024年4月28日`), for the page.
    pub reviewed_cn: Option<String>,
    /// The rows, in the order written.
    pub items: Vec<Item>,
}

/// Read a negative list's own fields; problems go into `f.diagnostics`.
///
/// Errors: `E0401` no items, `E0402` `items` is not a list, `E0403` an item is not a
/// mapping, `E0404` an item without 事项, `E0405` an item without 依据.
pub fn parse(f: &mut Fields<'_>) -> NegativeList {
    use keys::*;
    let reviewed = f.date(&REVIEWED);
    let items_line = f.line(&ITEMS);
    let items = match f.value(&ITEMS) {
        Some(Value::Sequence(seq)) => read_items(f, seq, items_line),
        Some(_) => {
            let d = f
                .error("E0402", &ITEMS, "负面清单的“清单事项”（items）应为列表")
                .help("每个事项以 `- ` 开头另起一行，如：\n  清单事项:\n    - 事项: ……\n      不予公开范围: ……\n      依据: 《中华人民共和国政府信息公开条例》第十四条");
            f.diagnostics.push(d);
            return NegativeList {
                reviewed_cn: reviewed.map(date::chinese),
                reviewed,
                items: Vec::new(),
            };
        }
        None => Vec::new(),
    };
    if items.is_empty() {
        let d = Diagnostic::error("E0401", "负面清单没有任何事项")
            .in_file(f.file())
            .at_line(items_line.unwrap_or_else(|| f.start_line()))
            .help("在 `清单事项:`（items）下逐项列出不予公开的事项、范围和依据；没有不予公开事项时不必发布负面清单");
        f.diagnostics.push(d);
    }
    NegativeList {
        reviewed_cn: reviewed.map(date::chinese),
        reviewed,
        items,
    }
}

fn read_items(f: &mut Fields<'_>, seq: &[Value], items_line: Option<usize>) -> Vec<Item> {
    // The line after which the next item's keys are searched for.
    let mut cursor = items_line.unwrap_or_else(|| f.start_line());
    let mut items = Vec::with_capacity(seq.len());
    for (index, value) in seq.iter().enumerate() {
        let n = index + 1;
        let Value::Mapping(map) = value else {
            let d = Diagnostic::error("E0403", format!("负面清单第 {n} 项不是“键: 值”的形式"))
                .in_file(f.file())
                .at_line(cursor + 1)
                .help(
                    "每项写成 `- 事项: ……`，下面缩进对齐写 `不予公开范围:`、`依据:`、`责任单位:`",
                );
            f.diagnostics.push(d);
            continue;
        };
        let (start, end) = item_span(f, map, cursor);
        let line = start.unwrap_or(cursor);
        cursor = end.unwrap_or(cursor);
        items.push(read_item(f, map, n, line));
    }
    items
}

/// First and last line of the keys of one item, searching after `cursor` (the previous
/// item's last key line). Each of this item's keys first appears after the cursor in this
/// item, since the items before it are behind the cursor and this item has the key.
fn item_span(f: &Fields<'_>, map: &Mapping, cursor: usize) -> (Option<usize>, Option<usize>) {
    let probe = f.nested(map, Some(cursor + 1));
    let lines: Vec<usize> = keys::ITEM_KEYS
        .iter()
        .filter(|k| {
            std::iter::once(k.name)
                .chain(k.aliases.iter().copied())
                .any(|name| map.contains_key(name))
        })
        .filter_map(|k| probe.line(k))
        .collect();
    (lines.iter().min().copied(), lines.iter().max().copied())
}

fn read_item(f: &mut Fields<'_>, map: &Mapping, n: usize, line: usize) -> Item {
    use keys::*;
    let mut inner = f.nested(map, Some(line));
    let no = inner.string(&NO);
    let matter = inner.string(&MATTER);
    let scope = inner.string(&SCOPE);
    let basis = basis_text(&mut inner);
    let basis_line = inner.line(&BASIS);
    let department = inner.string(&DEPARTMENT);
    let note = inner.string(&NOTE);
    let label = match &matter {
        Some(m) => format!("第 {n} 项“{m}”"),
        None => format!("第 {n} 项"),
    };
    if matter.is_none() {
        let d = Diagnostic::error(
            "E0404",
            format!("负面清单{label}缺少事项名称（matter / 事项）"),
        )
        .in_file(f.file())
        .at_line(line)
        .help("写明不予公开的是什么，如 `事项: 涉及国家秘密的文件`");
        inner.diagnostics.push(d);
    }
    if basis.is_none() {
        let d = Diagnostic::error(
            "E0405",
            format!("负面清单{label}缺少不予公开的依据（basis / 依据）"),
        )
        .in_file(f.file())
        .at_line(line)
        .help("写明法律法规名称和条款，如 `依据: 《中华人民共和国政府信息公开条例》第十四条`");
        inner.diagnostics.push(d);
    }
    inner.warn_unknown("负面清单事项");
    let diags = inner.take_diagnostics();
    f.diagnostics.extend(diags);
    Item {
        no,
        matter: matter.unwrap_or_default(),
        scope,
        basis,
        department,
        note,
        line,
        basis_line,
    }
}

/// 依据 as written; a list of laws is joined with `；` so each keeps its exact text.
fn basis_text(inner: &mut Fields<'_>) -> Option<String> {
    match inner.value(&keys::BASIS) {
        Some(Value::Sequence(parts)) => {
            let parts: Vec<String> = parts
                .iter()
                .filter_map(scalar_text)
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect();
            Some(parts.join("；")).filter(|s| !s.is_empty())
        }
        Some(_) => inner.string(&keys::BASIS),
        None => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Severity;
    use crate::yaml::parse_mapping;
    use std::path::Path;

    /// Parse `text` as front matter starting on line 2 of `content/negative-lists/a.yaml`
    /// (a `.md` file's `---` is line 1), the way the loader would.
    pub(crate) fn parse_text(text: &str) -> (NegativeList, Vec<Diagnostic>) {
        let file = Path::new("content/negative-lists/a.yaml");
        let map = parse_mapping(text, file, 2).expect("valid YAML");
        let mut f = Fields::new(&map, file, text, 2);
        // The common keys are read by the model's shared code.
        f.mark_used(&[
            key("title", &["标题"]),
            key("published", &["发布日期"]),
            key("department", &["公开责任部门", "责任部门", "发布机构"]),
        ]);
        let list = parse(&mut f);
        f.warn_unknown("政务公开负面清单");
        (list, f.take_diagnostics())
    }

    pub(crate) const FIVE: &str = "\
标题: 示例县教育局政务公开负面清单
公开责任部门: 示例县教育局
发布日期: 2024年3月1日
最近复核日期: 2025-02-20
清单事项:
  - 事项: 涉及国家秘密的文件
    不予公开范围: 标明密级的文件、资料
    依据: 《中华人民共和国政府信息公开条例》第十四条、《中华人民共和国保守国家秘密法》第二条
    责任单位: 办公室
  - 事项: 学生个人信息
    不予公开范围: 学籍、家庭住址、联系方式等个人隐私
    依据: 《中华人民共和国政府信息公开条例》第十五条
    责任单位: 基础教育股
    备注: 经权利人同意的除外
  - matter: 内部人事管理信息
    scope: 干部考察过程中的谈话记录
    basis: 《中华人民共和国政府信息公开条例》第十六条第一款
    department: 人事股
  - 事项: 校园安全应急处置预案中的敏感内容
    范围: 安保力量部署、重点部位
    依据:
      - 《中华人民共和国政府信息公开条例》第十四条
      - 《中华人民共和国反恐怖主义法》第四十八条
    责任单位: 安全稳定股
  - 事项: 民办学校举办者的财务资料
    不予公开内容: 涉及商业秘密的审计报告
    依据: \"《中华人民共和国政府信息公开条例》第十五条 <参照执行>\"
    责任单位: 基础教育股
";

    #[test]
    fn five_items_parse_with_exact_basis_text_and_lines() {
        let (list, diags) = parse_text(FIVE);
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(list.items.len(), 5);
        assert_eq!(list.reviewed, date::parse_date("2025-02-20"));
        assert_eq!(list.reviewed_cn.as_deref(), Some("2025年2月20日"));
        let basis: Vec<&str> = list
            .items
            .iter()
            .map(|i| i.basis.as_deref().unwrap_or(""))
            .collect();
        assert_eq!(
            basis,
            vec![
                "《中华人民共和国政府信息公开条例》第十四条、《中华人民共和国保守国家秘密法》第二条",
                "《中华人民共和国政府信息公开条例》第十五条",
                "《中华人民共和国政府信息公开条例》第十六条第一款",
                "《中华人民共和国政府信息公开条例》第十四条；《中华人民共和国反恐怖主义法》第四十八条",
                "《中华人民共和国政府信息公开条例》第十五条 <参照执行>",
            ]
        );
        assert_eq!(list.items[2].matter, "内部人事管理信息");
        assert_eq!(list.items[2].department.as_deref(), Some("人事股"));
        assert_eq!(list.items[1].note.as_deref(), Some("经权利人同意的除外"));
        assert_eq!(
            list.items[3].scope.as_deref(),
            Some("安保力量部署、重点部位")
        );
        assert_eq!(
            list.items[4].scope.as_deref(),
            Some("涉及商业秘密的审计报告")
        );
        // Front matter starts on file line 2; `清单事项:` is line 6.
        let lines: Vec<usize> = list.items.iter().map(|i| i.line).collect();
        assert_eq!(lines, vec![7, 11, 16, 20, 26]);
        assert_eq!(list.items[3].basis_line, Some(22));
    }

    #[test]
    fn item_without_basis_is_an_error_on_its_line() {
        let text = "\
标题: 清单
发布日期: 2024-01-01
items:
  - matter: 甲
    basis: 《中华人民共和国政府信息公开条例》第十四条
  - matter: 乙
    scope: 没有写依据
  - basis: 《中华人民共和国政府信息公开条例》第十六条
    matter: 丙
";
        let (list, diags) = parse_text(text);
        assert_eq!(list.items.len(), 3);
        assert_eq!(diags.len(), 1, "{diags:?}");
        let d = &diags[0];
        assert_eq!(d.code, "E0405");
        assert_eq!(d.severity, Severity::Error);
        assert_eq!(
            d.file.as_deref(),
            Some(Path::new("content/negative-lists/a.yaml"))
        );
        assert_eq!(d.line, Some(7));
        assert!(d.message.contains("乙"), "{}", d.message);
        // The third item starts with its basis; its line is still found.
        assert_eq!(list.items[2].line, 9);
        assert_eq!(list.items[2].basis_line, Some(9));
    }

    #[test]
    fn item_without_matter_is_an_error() {
        let text = "标题: 清单\n事项:\n  - 依据: 《条例》第十六条\n    备注: 漏了事项\n";
        let (list, diags) = parse_text(text);
        assert_eq!(list.items.len(), 1);
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert_eq!(diags[0].code, "E0404");
        assert_eq!(diags[0].line, Some(4));
    }

    #[test]
    fn list_without_items_is_an_error() {
        for text in [
            "标题: 清单\n",
            "标题: 清单\nitems: []\n",
            "标题: 清单\nitems:\n",
        ] {
            let (list, diags) = parse_text(text);
            assert!(list.items.is_empty());
            assert_eq!(diags.len(), 1, "{text}: {diags:?}");
            assert_eq!(diags[0].code, "E0401");
            assert!(diags[0].is_error());
        }
    }

    #[test]
    fn malformed_items_are_errors_not_panics() {
        let (_, diags) = parse_text("标题: 清单\nitems: 见附件\n");
        assert_eq!(diags[0].code, "E0402");
        let (list, diags) = parse_text(
            "标题: 清单\nitems:\n  - 只写了一句话\n  - 事项: 甲\n    依据: 《条例》第十四条\n",
        );
        assert_eq!(list.items.len(), 1);
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert_eq!(diags[0].code, "E0403");
        let (list, diags) = parse_text("标题: 清单\nitems:\n  - 事项: [1, 2]\n    依据: {a: b}\n");
        assert_eq!(list.items.len(), 1);
        assert!(diags.iter().any(|d| d.code == "E0105"));
        assert!(diags.iter().any(|d| d.code == "E0404"));
    }

    #[test]
    fn flow_style_items_fall_back_to_the_items_line() {
        let text = "标题: 清单\nitems: [{matter: 甲, basis: 《条例》第十四条}, {matter: 乙}]\n";
        let (list, diags) = parse_text(text);
        assert_eq!(list.items.len(), 2);
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].code, "E0405");
        assert_eq!(diags[0].line, Some(3));
    }

    #[test]
    fn unknown_item_keys_are_warnings() {
        let text =
            "标题: 清单\nitems:\n  - 事项: 甲\n    依据: 《条例》第十四条\n    责任人: 张三\n";
        let (_, diags) = parse_text(text);
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert_eq!(diags[0].code, "W0101");
        assert_eq!(diags[0].line, Some(6));
    }
}
