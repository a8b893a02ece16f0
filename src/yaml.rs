//! YAML: the one place that parses it, and the typed access every kind uses.
//!
//! Front matter arrives as YAML text. We parse it once into a `serde_yaml::Mapping`, then
//! read fields through [`Fields`], which knows each field's Chinese alias, remembers which
//! keys were used (so the rest can be warned about as probable typos) and turns every
//! type mismatch into an officer-readable [`Diagnostic`] with the line of the key.

use crate::date::{self, Date};
use crate::diag::Diagnostic;
use rustc_hash::FxHashSet;
use serde_yaml::{Mapping, Value};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

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
    check_limits(text, file, first_line)?;
    if let Some(m) = simple_mapping(text) {
        return Ok(m);
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
                Diagnostic::error("E0102", format!("前置信息的 YAML 格式有误：{}", yaml_error_text(&e)))
                    .in_file(file)
                    .at_line(line.or(Some(first_line)))
                    .help("检查冒号后是否有空格、缩进是否对齐、引号是否成对；含冒号或方括号 [ ] 的值（如 示政发[2024]1号）请加引号"),
            )
        }
    }
}

/// Front matter in the one shape generated and hand-written sites nearly always use —
/// `键: "文字"`, `键: 2024-04-28` and `键:` over `  - "文字"` items — read without the
/// YAML parser, which took a sixth of a large site's load. Anything outside that narrow
/// shape (comments, blank lines, escapes, other plain values, repeated keys) gives `None`
/// and goes through the parser, so the result is always what the parser would give.
fn simple_mapping(text: &str) -> Option<Mapping> {
    let mut map = Mapping::new();
    let mut lines = text.split('\n').peekable();
    while let Some(line) = lines.next() {
        if line.is_empty() && lines.peek().is_none() {
            break;
        }
        let (key, rest) = line.split_once(':')?;
        if !simple_key(key) {
            return None;
        }
        let value = if rest.is_empty() {
            // A block sequence of quoted strings, its items all at one indentation.
            let mut items = Vec::new();
            let mut indent = None;
            while let Some(next) = lines.peek() {
                let spaces = next.len() - next.trim_start_matches(' ').len();
                let Some(item) = next[spaces..].strip_prefix("- ") else {
                    break;
                };
                if *indent.get_or_insert(spaces) != spaces {
                    return None;
                }
                items.push(Value::String(quoted(item)?.to_string()));
                lines.next();
            }
            if items.is_empty() {
                return None;
            }
            Value::Sequence(items)
        } else {
            let rest = rest.strip_prefix(' ')?;
            match quoted(rest) {
                Some(s) => Value::String(s.to_string()),
                None if iso_date(rest) || plain_text(rest) => Value::String(rest.to_string()),
                None if rest == "true" || rest == "false" => Value::Bool(rest == "true"),
                None => return None,
            }
        };
        if map.insert(Value::String(key.to_string()), value).is_some() {
            return None;
        }
    }
    Some(map)
}

/// A key the parser reads as this very string: letters, digits, `_` and Chinese, not
/// starting with a digit, and not a word YAML reads as null or a boolean.
fn simple_key(key: &str) -> bool {
    let mut chars = key.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    let ok = |c: char| c.is_ascii_alphanumeric() || c == '_' || plain_text_char(c);
    (first.is_ascii_alphabetic() || first == '_' || plain_text_char(first))
        && chars.all(ok)
        && !matches!(
            key.to_ascii_lowercase().as_str(),
            "null" | "true" | "false" | "yes" | "no" | "on" | "off" | "y" | "n"
        )
}

/// A non-ASCII character that is printable for YAML and neither a space nor a line break
/// of any kind.
fn plain_text_char(c: char) -> bool {
    c >= '\u{a0}'
        && !c.is_whitespace()
        && !matches!(
            c,
            '\u{feff}' | '\u{fffe}' | '\u{ffff}' | '\u{2028}' | '\u{2029}'
        )
}

/// The content of a whole-line double-quoted string without escapes.
fn quoted(s: &str) -> Option<&str> {
    let inner = s.strip_prefix('"')?.strip_suffix('"')?;
    inner
        .chars()
        .all(|c| (' '..='~').contains(&c) && c != '"' && c != '\\' || plain_text_char(c))
        .then_some(inner)
}

/// An unquoted value the parser can only read as this very text: it starts with a letter,
/// digit or Chinese character, holds Chinese (so it is no number, date or boolean), and
/// has nothing that could end or comment it (`: `, ` #`, a trailing `:` or space).
fn plain_text(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    (first.is_ascii_alphanumeric() || plain_text_char(first))
        && !s.is_ascii()
        && s.chars()
            .all(|c| (' '..='~').contains(&c) || plain_text_char(c))
        && !s.contains(": ")
        && !s.contains(" #")
        && !s.ends_with([':', ' '])
}

/// `2024-04-28`, which the parser keeps as text.
fn iso_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            _ => c.is_ascii_digit(),
        })
}

/// The parser's English message in Chinese, for an officer, without its position (which
/// counts from the start of the front matter, not of the file; the diagnostic carries the
/// file line). The original wording follows in brackets for whoever maintains the site.
fn yaml_error_text(e: &serde_yaml::Error) -> String {
    let raw = e.to_string();
    let raw = raw
        .find(" at line ")
        .map_or(raw.as_str(), |i| &raw[..i])
        .trim()
        .to_string();
    const KNOWN: &[(&str, &str)] = &[
        (
            "mapping values are not allowed",
            "这里不能再出现“键: 值”；值中含冒号时请给整个值加引号",
        ),
        ("did not find expected ',' or ']'", "方括号 [ ] 没有配对"),
        ("did not find expected ',' or '}'", "花括号 { } 没有配对"),
        ("did not find expected key", "缩进不一致，或一行缺少“键:”"),
        ("did not find expected node content", "这里缺少值"),
        ("did not find expected '-' indicator", "列表项的缩进不一致"),
        (
            "found character that cannot start any token",
            "出现了不能用作开头的字符（如 @、`、制表符）",
        ),
        (
            "found unexpected end of stream",
            "引号、方括号或花括号没有闭合",
        ),
        (
            "found unknown escape character",
            "双引号内的反斜杠 \\ 用法不对；文字中的反斜杠请写成 \\\\ 或改用单引号",
        ),
        ("duplicate", "同一个字段写了两次"),
        ("recursion limit exceeded", "嵌套过深"),
        ("repetition limit exceeded", "别名（*）展开过多"),
        ("unknown anchor", "引用了未定义的锚点（*名称）"),
        (
            "could not find expected ':'",
            "这一行缺少冒号，或上一行的引号没有闭合",
        ),
        (
            "block sequence entries are not allowed",
            "列表项（- ）不能写在这里；请换行并缩进",
        ),
        ("invalid leading UTF-8 octet", "含有无法识别的字符"),
        ("control characters are not allowed", "含有不可见的控制字符"),
        (
            "found a tab character",
            "缩进中不能用制表符（Tab），请改用空格",
        ),
    ];
    let chinese = KNOWN
        .iter()
        .find(|(en, _)| raw.contains(en))
        .map_or("无法解析", |(_, zh)| zh);
    format!("{chinese}（解析器原文：{raw}）")
}

/// Largest front matter (or YAML file) accepted, in bytes. A 4,000-row negative list is
/// about 600 KB; anything past this is not something an officer typed.
pub const MAX_FRONT_MATTER_BYTES: usize = 2 * 1024 * 1024;

/// Deepest nesting accepted: flow brackets `[ {` plus block sequence markers `- ` on one
/// line. Real front matter nests three or four levels; the YAML scanner slows down
/// quadratically with depth (100,000 `[` took half a minute), so depth is checked on the
/// raw text before the parser sees it.
pub const MAX_NESTING: usize = 32;

/// Size and nesting limits, checked on the text before parsing (`E0150`, `E0151`).
fn check_limits(text: &str, file: &Path, first_line: usize) -> Result<(), Diagnostic> {
    if text.len() > MAX_FRONT_MATTER_BYTES {
        return Err(Diagnostic::error(
            "E0150",
            format!(
                "前置信息过大（{} KB），超过上限 {} KB",
                text.len() / 1024,
                MAX_FRONT_MATTER_BYTES / 1024
            ),
        )
        .in_file(file)
        .at_line(first_line)
        .help("前置信息只写文件的属性；大段内容放在正文中，过长的清单拆成几个文件"));
    }
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for (index, line) in text.lines().enumerate() {
        let mut markers = 0usize;
        let mut rest = line.trim_start();
        while let Some(r) = rest.strip_prefix("- ").or_else(|| rest.strip_prefix("? ")) {
            markers += 1;
            rest = r.trim_start();
        }
        // The last character that was not a space: a bracket opens a flow collection only
        // at the start of a value (`key: [`, `- [`) or inside another one; in
        // `示政发[2024]1号` it is plain text.
        let mut last = None;
        let mut prev = ' ';
        let mut deepest = depth;
        for c in line.chars() {
            match quote {
                Some('"') if escaped => escaped = false,
                Some('"') if c == '\\' => escaped = true,
                Some(q) if c == q => quote = None,
                Some(_) => {}
                None => match c {
                    '"' | '\'' if matches!(prev, ' ' | '[' | '{' | ',' | ':') => quote = Some(c),
                    '#' if prev == ' ' => break,
                    '[' | '{' if depth > 0 || matches!(last, None | Some(':' | '-' | '?')) => {
                        depth += 1;
                        deepest = deepest.max(depth);
                    }
                    ']' | '}' => depth = depth.saturating_sub(1),
                    _ => {}
                },
            }
            prev = c;
            if !c.is_whitespace() {
                last = Some(c);
            }
        }
        if deepest + markers > MAX_NESTING {
            return Err(Diagnostic::error(
                "E0151",
                format!("前置信息嵌套过深（超过 {MAX_NESTING} 层方括号、花括号或列表）"),
            )
            .in_file(file)
            .at_line(first_line + index)
            .help("检查这一行是否多写了 [ 或 {；含方括号的文字（如 示政发[2024]1号）请加引号"));
        }
    }
    Ok(())
}

/// Typed, alias-aware access to one YAML mapping (a document's front matter, or a nested
/// mapping such as a negative-list item).
pub struct Fields<'a> {
    map: &'a Mapping,
    file: PathBuf,
    /// Where each key of the front-matter text is defined, built once per document.
    lines: Arc<KeyLines>,
    /// Line of the file where `text` starts.
    first_line: usize,
    /// Line (within `text`, 1-based) from which to look for keys: nested mappings start
    /// below their parent.
    from_line: usize,
    /// Keys read, by their names in the schema: a set of the `&'static` names, so reading a
    /// field allocates nothing (this runs for every key and alias of every document).
    used: FxHashSet<&'static str>,
    /// Diagnostics collected while reading.
    pub diagnostics: Vec<Diagnostic>,
}

impl<'a> Fields<'a> {
    /// Wrap `map`, whose source text is `text` starting at `first_line` of `file`.
    pub fn new(map: &'a Mapping, file: &Path, text: &str, first_line: usize) -> Self {
        Fields {
            map,
            file: file.to_path_buf(),
            lines: Arc::new(KeyLines::new(text)),
            first_line,
            from_line: 1,
            used: FxHashSet::default(),
            diagnostics: Vec::new(),
        }
    }

    /// Fields of a nested mapping, whose keys are searched for from `line` (1-based,
    /// within the same text) on.
    pub fn nested(&self, map: &'a Mapping, line: Option<usize>) -> Fields<'a> {
        Fields {
            map,
            file: self.file.clone(),
            lines: Arc::clone(&self.lines),
            first_line: self.first_line,
            from_line: line
                .map(|l| l + 1 - self.first_line)
                .unwrap_or(self.from_line),
            used: FxHashSet::default(),
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
            .filter_map(|k| self.lines.find(k, self.from_line))
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
            self.used.insert(name);
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
            Some(s) => {
                let s = self.visible(key, s);
                Some(s.trim().to_string()).filter(|s| !s.is_empty())
            }
            None => {
                let d = self
                    .error("E0105", key, format!("字段“{}”应是一段文字", key.name))
                    .help("在冒号后写一段文字，不要写成列表或“键: 值”；含冒号等符号的文字可加引号");
                self.diagnostics.push(d);
                None
            }
        }
    }

    /// `s` without invisible characters (zero-width, bidi controls), with a warning when
    /// there were any: two 发文字号 that look the same must be the same.
    fn visible(&mut self, key: &Key, s: String) -> String {
        match crate::invisible::strip_hidden(&s) {
            None => s,
            Some(clean) => {
                let d = self
                    .warning(
                        "W0151",
                        key,
                        format!("字段“{}”中有不可见字符（零宽字符或文字方向控制符），已删除", key.name),
                    )
                    .help("这类字符多来自复制粘贴，会让看起来相同的文号、索引号实际不同；请在编辑器中重新输入该字段");
                self.diagnostics.push(d);
                clean
            }
        }
    }

    /// `E0153`: a list field holding a mapping (or a list of lists), which used to be
    /// dropped without a word.
    fn wrong_shape(&mut self, key: &Key) {
        let label = key.aliases.first().unwrap_or(&key.name);
        let d = self
            .error(
                "E0153",
                key,
                format!("字段“{label}”应是一段文字或文字列表，这里写成了“键: 值”或嵌套列表"),
            )
            .help(format!(
                "写成 `{label}: [教育, 卫生]` 或 `{label}: 教育、卫生`；值中含冒号时请加引号"
            ));
        self.diagnostics.push(d);
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
            Value::Sequence(seq) => {
                let items: Vec<String> = seq.iter().filter_map(scalar_text).collect();
                if items.len() < seq.iter().filter(|v| !v.is_null()).count() {
                    self.wrong_shape(key);
                }
                items
            }
            other => match scalar_text(other) {
                Some(s) => s
                    .split(['，', '、', ',', '；', ';'])
                    .map(str::to_string)
                    .collect(),
                None => {
                    self.wrong_shape(key);
                    Vec::new()
                }
            },
        };
        items
            .into_iter()
            .map(|s| self.visible(key, s).trim().to_string())
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
            .filter(|k| !self.used.contains(k.as_str()))
            .collect();
        unknown.sort();
        for k in unknown {
            let line = self
                .lines
                .find(&k, self.from_line)
                .map(|l| l + self.first_line - 1);
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
            self.used.insert(k.name);
            self.used.extend(k.aliases.iter().copied());
        }
    }

    /// Take the collected diagnostics.
    pub fn take_diagnostics(&mut self) -> Vec<Diagnostic> {
        std::mem::take(&mut self.diagnostics)
    }
}

/// The lines on which each key of a YAML text is defined (`key:` or `- key:`, at any
/// indentation, quoted or not, with an ASCII or full-width colon).
///
/// The YAML parser keeps no positions, so diagnostics find a key's line by its text. Doing
/// that by rescanning the text for every key made a 4,000-item negative list take half a
/// minute; the index is built in one pass and each look-up is a binary search.
#[derive(Debug, Default)]
pub struct KeyLines {
    by_key: HashMap<String, Vec<usize>>,
}

impl KeyLines {
    /// Index `text`.
    pub fn new(text: &str) -> KeyLines {
        let mut by_key: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, line) in text.lines().enumerate() {
            if let Some(k) = key_of_line(line) {
                by_key.entry(k.to_string()).or_default().push(i + 1);
            }
        }
        KeyLines { by_key }
    }

    /// 1-based line of the first definition of `key` at or after `from_line` (1-based).
    pub fn find(&self, key: &str, from_line: usize) -> Option<usize> {
        let lines = self.by_key.get(key)?;
        let i = lines.partition_point(|&l| l < from_line);
        lines.get(i).copied()
    }
}

/// The key a line of YAML defines, if it looks like `key:`, `- key:` or `"key":` (the
/// text before the first colon, without list markers, quotes and spaces).
fn key_of_line(line: &str) -> Option<&str> {
    let mut t = line.trim_start();
    while let Some(rest) = t.strip_prefix("- ") {
        t = rest.trim_start();
    }
    let t = t.trim_start_matches(['"', '\'']);
    let colon = t.find([':', '：'])?;
    let key = t[..colon].trim_end().trim_end_matches(['"', '\'']);
    (!key.is_empty()).then_some(key)
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

    /// The shortcut reads what the parser reads, and leaves every other shape to it.
    #[test]
    fn simple_front_matter_reads_as_the_parser_reads_it() {
        let simple = [
            "title: \"关于印发《示例》的通知\"\nindex_no: \"4305210003/2015-00001\"\nissued: 2015-01-01\n",
            "标题: \"a: b # c [d] {e} 'f'\"\n成文日期: 2024-04-28",
            "发布日期: 2026年10月30日\n文号: 示政发[2024]1号\n标题: 关于a:b与c#d的通知：\nnormative: true\n规范性文件: false\n",
            "topics:\n  - \"能源\"\n  - \"商贸\"\nkeywords:\n- \"a\"\n- \" b \"\nx_1: \"\"\n",
        ];
        for text in simple {
            let fast = simple_mapping(text).expect(text);
            let parsed = match serde_yaml::from_str::<Value>(text).unwrap() {
                Value::Mapping(m) => m,
                other => panic!("{other:?}"),
            };
            assert_eq!(fast, parsed, "{text}");
            assert_eq!(parse(text), parsed, "{text}");
        }
        let other = [
            "title: \"a\\\"b\"\n",
            "title: \"a\"\ntitle: \"b\"\n",
            "title: 关于: 通知\n",
            "title: 关于 #通知\n",
            "title: -关于\n",
            "title: 关于 \n",
            "title: 2024-4-28\n",
            "year: 2024\n",
            "normative: True\n",
            "normative: yes\n",
            "true: \"a\"\n",
            "1: \"a\"\n",
            "title: \"a\" # note\n",
            "title: \"a\"\n\nissued: 2024-04-28\n",
            "# note\ntitle: \"a\"\n",
            "topics:\n  - \"a\"\n    - \"b\"\n",
            "topics:\n  - 能源\n",
            "topics:\ntitle: \"a\"\n",
            "title:  \"a\"\n",
            "title : \"a\"\n",
            "title: \"a\"\r\n",
            "title: \"a\tb\"\n",
            "title: \"a\u{2028}b\"\n",
            "  title: \"a\"\n",
        ];
        for text in other {
            assert_eq!(simple_mapping(text), None, "{text}");
        }
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
    fn nesting_and_size_are_limited_before_parsing() {
        let deep = format!("title: a\ntopics: {}x{}\n", "[".repeat(40), "]".repeat(40));
        let err = parse_mapping(&deep, Path::new("a.md"), 2).unwrap_err();
        assert_eq!((err.code, err.line), ("E0151", Some(3)));
        let ok = "title: 示政发[2024]1号\ntopics: [[a, b], {c: d}]\n";
        assert!(parse_mapping(ok, Path::new("a.md"), 2).is_ok());
        let big = format!("title: \"{}\"\n", "a".repeat(MAX_FRONT_MATTER_BYTES));
        assert_eq!(
            parse_mapping(&big, Path::new("a.md"), 2).unwrap_err().code,
            "E0150"
        );
    }

    #[test]
    fn key_lines_are_found_after_a_line_in_one_pass() {
        let text = "title: a\nitems:\n  - matter: x\n    \"依据\" ：y\n  - matter: z\n";
        let lines = KeyLines::new(text);
        assert_eq!(lines.find("matter", 1), Some(3));
        assert_eq!(lines.find("matter", 4), Some(5));
        assert_eq!(lines.find("依据", 1), Some(4));
        assert_eq!(lines.find("title", 2), None);
    }

    #[test]
    fn invisible_characters_are_removed_from_fields_with_a_warning() {
        let text = "title: \"\u{200B}\u{202E}\"\nissued: 2024-01-01\n";
        let map = parse(text);
        let mut f = Fields::new(&map, Path::new("a.md"), text, 2);
        assert_eq!(f.string(&TITLE), None);
        assert_eq!(f.diagnostics[0].code, "W0151");
    }

    #[test]
    fn yaml_errors_are_chinese_without_the_parser_relative_line() {
        let err = parse_mapping("title: a\ntopics: [a, b\n", Path::new("a.md"), 2).unwrap_err();
        assert!(
            err.message.contains("没有配对") || err.message.contains("没有闭合"),
            "{}",
            err.message
        );
        assert!(!err.message.contains(" at line "), "{}", err.message);
    }

    #[test]
    fn a_mapping_where_a_list_belongs_is_an_error() {
        let text = "title: a\ntopics: {教育: 1}\n";
        let map = parse(text);
        let mut f = Fields::new(&map, Path::new("a.md"), text, 2);
        assert!(f.string_list(&TOPICS).is_empty());
        assert_eq!(
            (f.diagnostics[0].code, f.diagnostics[0].line),
            ("E0153", Some(3))
        );
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
