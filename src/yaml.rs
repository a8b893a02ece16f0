//! YAML: the one place that parses it, and the typed access every kind uses.
//!
//! Front matter arrives as YAML text. We parse it once into a `serde_yaml::Mapping`, then
//! read fields through [`Fields`], which knows each field's Chinese alias, remembers which
//! keys were used (so the rest can be warned about as probable typos) and turns every
//! type mismatch into an officer-readable [`Diagnostic`] with the line of the key.

use crate::date::{self, Date};
use crate::diag::{line_of_key, Diagnostic};
use serde_yaml::{Mapping, Value};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// A field name and the labels officers may write instead of it.
#[derive(Debug, Clone, Copy)]
pub struct Key {
    /// The English snake_case name.
    pub name: &'static str,
    /// Chinese labels accepted for the same field.
    pub aliases: &'static [&'static str],
}

/// Shorthand for a [`Key`].
pub const fn key(name: &'static str, aliases: &'static [&'static str]) -> Key {
    Key { name, aliases }
}

/// Parse YAML text into a mapping. `first_line` is the line of the file the text starts
/// on, so a syntax error points at the right line of the document.
pub fn parse_mapping(text: &str, file: &Path, first_line: usize) -> Result<Mapping, Diagnostic> {
    if text.trim().is_empty() {
        return Ok(Mapping::new());
    }
    match serde_yaml::from_str::<Value>(text) {
        Ok(Value::Mapping(m)) => Ok(m),
        Ok(Value::Null) => Ok(Mapping::new()),
        Ok(_) => Err(
            Diagnostic::error("E0103", "前置信息（front matter）不是“键: 值”的形式")
                .in_file(file)
                .at_line(first_line)
                .help("每行写一个字段，如 `标题: 关于……的通知`"),
        ),
        Err(e) => {
            let line = e
                .location()
                .map(|l| first_line + l.line().saturating_sub(1));
            Err(
                Diagnostic::error("E0102", format!("前置信息的 YAML 格式有误：{e}"))
                    .in_file(file)
                    .at_line(line.or(Some(first_line)))
                    .help("检查冒号后是否有空格、缩进是否对齐、引号是否成对；含冒号或方括号 [ ] 的值（如 示政发[2024]1号）请加引号"),
            )
        }
    }
}

/// Typed, alias-aware access to one YAML mapping (a document's front matter, or a nested
/// mapping such as a negative-list item).
pub struct Fields<'a> {
    map: &'a Mapping,
    file: PathBuf,
    /// The whole front-matter text, to find a key's line.
    text: &'a str,
    /// Line of the file where `text` starts.
    first_line: usize,
    /// Line (within `text`, 1-based) from which to look for keys: nested mappings start
    /// below their parent.
    from_line: usize,
    used: BTreeSet<String>,
    /// Diagnostics collected while reading.
    pub diagnostics: Vec<Diagnostic>,
}

impl<'a> Fields<'a> {
    /// Wrap `map`, whose source text is `text` starting at `first_line` of `file`.
    pub fn new(map: &'a Mapping, file: &Path, text: &'a str, first_line: usize) -> Self {
        Fields {
            map,
            file: file.to_path_buf(),
            text,
            first_line,
            from_line: 1,
            used: BTreeSet::new(),
            diagnostics: Vec::new(),
        }
    }

    /// Fields of a nested mapping, whose keys are searched for from `line` (1-based,
    /// within the same text) on.
    pub fn nested(&self, map: &'a Mapping, line: Option<usize>) -> Fields<'a> {
        Fields {
            map,
            file: self.file.clone(),
            text: self.text,
            first_line: self.first_line,
            from_line: line
                .map(|l| l + 1 - self.first_line)
                .unwrap_or(self.from_line),
            used: BTreeSet::new(),
            diagnostics: Vec::new(),
        }
    }

    /// The file these fields come from.
    pub fn file(&self) -> &Path {
        &self.file
    }

    /// The file line of a key (English or any alias), or of the mapping's start.
    pub fn line(&self, key: &Key) -> Option<usize> {
        std::iter::once(key.name)
            .chain(key.aliases.iter().copied())
            .filter_map(|k| line_of_key(self.text, k, self.from_line))
            .min()
            .map(|l| l + self.first_line - 1)
    }

    /// The line where this mapping starts (used when a required key is missing).
    pub fn start_line(&self) -> usize {
        self.first_line + self.from_line - 1
    }

    /// An error about `key`, placed at its line.
    pub fn error(&self, code: &'static str, key: &Key, message: impl Into<String>) -> Diagnostic {
        Diagnostic::error(code, message)
            .in_file(&self.file)
            .at_line(self.line(key).or(Some(self.start_line())))
    }

    /// A warning about `key`, placed at its line.
    pub fn warning(&self, code: &'static str, key: &Key, message: impl Into<String>) -> Diagnostic {
        Diagnostic::warning(code, message)
            .in_file(&self.file)
            .at_line(self.line(key).or(Some(self.start_line())))
    }

    /// The raw value under `key` or one of its aliases. A field given twice (English and
    /// Chinese) is an error: which one should win is not ours to guess.
    pub fn value(&mut self, key: &Key) -> Option<&'a Value> {
        let mut found: Vec<(&str, &'a Value)> = Vec::new();
        for name in std::iter::once(key.name).chain(key.aliases.iter().copied()) {
            if let Some(v) = self.map.get(name) {
                found.push((name, v));
            }
            self.used.insert(name.to_string());
        }
        if found.len() > 1 {
            let names: Vec<&str> = found.iter().map(|(n, _)| *n).collect();
            let d = self
                .error(
                    "E0104",
                    key,
                    format!("字段“{}”写了不止一次（{}）", key.name, names.join("、")),
                )
                .help("只保留其中一个");
            self.diagnostics.push(d);
        }
        found.first().map(|(_, v)| *v).filter(|v| !v.is_null())
    }

    /// A string field. Numbers are accepted and turned into text (a 文号 may look numeric).
    pub fn string(&mut self, key: &Key) -> Option<String> {
        let v = self.value(key)?;
        match scalar_text(v) {
            Some(s) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
            None => {
                let d = self
                    .error("E0105", key, format!("字段“{}”应是一段文字", key.name))
                    .help("在冒号后写一段文字，不要写成列表或“键: 值”；含冒号等符号的文字可加引号");
                self.diagnostics.push(d);
                None
            }
        }
    }

    /// A required string field; missing is an error with code `code`.
    pub fn required_string(&mut self, key: &Key, code: &'static str, what: &str) -> Option<String> {
        let s = self.string(key);
        if s.is_none() {
            let d = Diagnostic::error(
                code,
                format!(
                    "缺少必填字段“{}”（{}）",
                    key.aliases.first().unwrap_or(&key.name),
                    key.name
                ),
            )
            .in_file(&self.file)
            .at_line(self.start_line())
            .help(format!(
                "在前置信息中加上一行 `{}: {}`",
                key.aliases.first().unwrap_or(&key.name),
                what
            ));
            self.diagnostics.push(d);
        }
        s
    }

    /// A list of strings; a single string is a list of one. Strings separated by `，`, `、`
    /// or `,` inside one value are split, since officers write `主题: 教育、卫生`.
    pub fn string_list(&mut self, key: &Key) -> Vec<String> {
        let Some(v) = self.value(key) else {
            return Vec::new();
        };
        let items: Vec<String> = match v {
            Value::Sequence(seq) => seq.iter().filter_map(scalar_text).collect(),
            other => match scalar_text(other) {
                Some(s) => s
                    .split(['，', '、', ',', '；', ';'])
                    .map(str::to_string)
                    .collect(),
                None => Vec::new(),
            },
        };
        items
            .into_iter()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect()
    }

    /// A date field in either accepted form.
    pub fn date(&mut self, key: &Key) -> Option<Date> {
        let v = self.value(key)?;
        let text = scalar_text(v).unwrap_or_default();
        match date::parse_date(&text) {
            Some(d) => Some(d),
            None => {
                let d = self
                    .error(
                        "E0106",
                        key,
                        format!("字段“{}”的日期“{}”无法识别", key.name, text),
                    )
                    .help("日期写成 2024-04-28 或 2024年4月28日");
                self.diagnostics.push(d);
                None
            }
        }
    }

    /// A yes/no field; accepts `true/false`, `是/否`.
    pub fn boolean(&mut self, key: &Key) -> Option<bool> {
        let v = self.value(key)?;
        match v {
            Value::Bool(b) => Some(*b),
            other => match scalar_text(other).as_deref().map(str::trim) {
                Some("是" | "true" | "yes" | "1") => Some(true),
                Some("否" | "false" | "no" | "0") => Some(false),
                _ => {
                    let d = self
                        .error(
                            "E0107",
                            key,
                            format!("字段“{}”应为 是 或 否（true/false）", key.name),
                        )
                        .help(format!("写成 `{}: 是` 或 `{}: 否`", key.name, key.name));
                    self.diagnostics.push(d);
                    None
                }
            },
        }
    }

    /// A non-negative whole number.
    pub fn unsigned(&mut self, key: &Key) -> Option<u64> {
        let v = self.value(key)?;
        let n = match v {
            Value::Number(n) => n.as_u64(),
            other => scalar_text(other).and_then(|s| s.trim().parse().ok()),
        };
        if n.is_none() {
            let d = self
                .error("E0108", key, format!("字段“{}”应为非负整数", key.name))
                .help(format!("用阿拉伯数字填写，如 `{}: 5`", key.name));
            self.diagnostics.push(d);
        }
        n
    }

    /// Warn about every key that no reader asked for: almost always a typo.
    /// Call after all fields were read. `known` lists keys that are read elsewhere.
    pub fn warn_unknown(&mut self, what: &str) {
        let mut unknown: Vec<String> = self
            .map
            .keys()
            .filter_map(scalar_text)
            .filter(|k| !self.used.contains(k))
            .collect();
        unknown.sort();
        for k in unknown {
            let line = line_of_key(self.text, &k, self.from_line).map(|l| l + self.first_line - 1);
            self.diagnostics.push(
                Diagnostic::warning("W0101", format!("{what}中有未知字段“{k}”，已忽略"))
                    .in_file(&self.file)
                    .at_line(line)
                    .help("检查是否拼写错误；可用字段见 README 的“内容模型”一节"),
            );
        }
    }

    /// Mark keys as read by someone else (e.g. `kind`, read by the loader).
    pub fn mark_used(&mut self, keys: &[Key]) {
        for k in keys {
            self.used.insert(k.name.to_string());
            for a in k.aliases {
                self.used.insert(a.to_string());
            }
        }
    }

    /// Take the collected diagnostics.
    pub fn take_diagnostics(&mut self) -> Vec<Diagnostic> {
        std::mem::take(&mut self.diagnostics)
    }
}

/// The text of a scalar (string, number, bool); `None` for sequences and mappings.
pub fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Tagged(t) => scalar_text(&t.value),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TITLE: Key = key("title", &["标题"]);
    const ISSUED: Key = key("issued", &["成文日期"]);
    const TOPICS: Key = key("topics", &["主题分类"]);

    fn parse(text: &str) -> Mapping {
        parse_mapping(text, Path::new("a.md"), 2).unwrap()
    }

    #[test]
    fn reads_chinese_aliases_and_warns_unknown_keys() {
        let text =
            "标题: 关于加强管理的通知\n成文日期: 2024年4月28日\n主题分类: 教育、卫生\n标提: 错\n";
        let map = parse(text);
        let mut f = Fields::new(&map, Path::new("a.md"), text, 2);
        assert_eq!(f.string(&TITLE).as_deref(), Some("关于加强管理的通知"));
        assert_eq!(f.date(&ISSUED), date::parse_date("2024-04-28"));
        assert_eq!(f.string_list(&TOPICS), vec!["教育", "卫生"]);
        f.warn_unknown("政策文件");
        assert_eq!(f.diagnostics.len(), 1);
        assert_eq!(f.diagnostics[0].code, "W0101");
        assert_eq!(f.diagnostics[0].line, Some(5));
    }

    #[test]
    fn bad_date_is_an_error_on_its_line() {
        let text = "title: a\nissued: 下周一\n";
        let map = parse(text);
        let mut f = Fields::new(&map, Path::new("a.md"), text, 2);
        assert_eq!(f.date(&ISSUED), None);
        assert_eq!(f.diagnostics[0].code, "E0106");
        assert_eq!(f.diagnostics[0].line, Some(3));
    }

    #[test]
    fn yaml_syntax_error_points_into_the_file() {
        let err = parse_mapping("title: a\n  bad: [\n", Path::new("a.md"), 2).unwrap_err();
        assert_eq!(err.code, "E0102");
        assert!(err.line.unwrap() >= 2);
    }

    #[test]
    fn english_and_chinese_key_together_is_an_error() {
        let text = "title: a\n标题: b\n";
        let map = parse(text);
        let mut f = Fields::new(&map, Path::new("a.md"), text, 2);
        f.string(&TITLE);
        assert_eq!(f.diagnostics[0].code, "E0104");
    }
}
