//! Diagnostics: what the build tells an officer about their content.
//!
//! Every check in every stage reports through [`Diagnostic`]: a stable code, a Chinese
//! message, the file and line, and what to do about it. Stages never print; they return
//! diagnostics, and the CLI decides how to show them (text for people, JSON for CI).

use serde::Serialize;
use std::fmt;
use std::path::{Path, PathBuf};

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The build goes on and publishes; the officer should still look.
    Warning,
    /// The build stops and the output directory is left untouched.
    Error,
}

impl Severity {
    /// The Chinese word shown before the message.
    pub fn label(self) -> &'static str {
        match self {
            Severity::Warning => "警告",
            Severity::Error => "错误",
        }
    }
}

/// One finding about the site's content or configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Stable code, e.g. `E0203`. `E` codes are errors by default, `W` codes warnings by
    /// default; configuration may raise some warnings to errors without changing the code.
    pub code: &'static str,
    /// Error or warning, after configuration has been applied.
    pub severity: Severity,
    /// What is wrong, in Chinese, naming the values involved.
    pub message: String,
    /// The file, relative to the site root (`content/policies/a.md`), when there is one.
    pub file: Option<PathBuf>,
    /// 1-based line in `file`, when known.
    pub line: Option<usize>,
    /// What the officer should do about it, in Chinese.
    pub help: Option<String>,
}

impl Diagnostic {
    /// A new error with the given stable code and message.
    pub fn error(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(code, Severity::Error, message)
    }

    /// A new warning with the given stable code and message.
    pub fn warning(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(code, Severity::Warning, message)
    }

    fn new(code: &'static str, severity: Severity, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity,
            message: message.into(),
            file: None,
            line: None,
            help: None,
        }
    }

    /// Attach the file the finding is about.
    pub fn in_file(mut self, file: impl AsRef<Path>) -> Self {
        self.file = Some(file.as_ref().to_path_buf());
        self
    }

    /// Attach the 1-based line; `None` leaves it unknown.
    pub fn at_line(mut self, line: impl Into<Option<usize>>) -> Self {
        self.line = line.into();
        self
    }

    /// Attach advice on what to do.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Override the severity (used where configuration raises a warning to an error).
    pub fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    /// True for errors.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    /// `错误[E0203] content/policies/a.md:3: 索引号重复 …` followed by `  提示：…`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}[{}]", self.severity.label(), self.code)?;
        if let Some(file) = &self.file {
            write!(f, " {}", file.display().to_string().replace('\\', "/"))?;
            if let Some(line) = self.line {
                write!(f, ":{line}")?;
            }
        }
        write!(f, ": {}", self.message)?;
        if let Some(help) = &self.help {
            write!(f, "\n  提示：{help}")?;
        }
        Ok(())
    }
}

/// Sort diagnostics into a stable order: by file, line, code, then message, so that the
/// report is the same whatever order the parallel stages produced them in.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        (&a.file, a.line, a.code, &a.message).cmp(&(&b.file, b.line, b.code, &b.message))
    });
}

/// Count of errors in a slice.
pub fn error_count(diagnostics: &[Diagnostic]) -> usize {
    diagnostics.iter().filter(|d| d.is_error()).count()
}

/// 1-based line number of the first line of `text` that defines `key` at any indentation
/// (`key:` or `- key:`), searching from `from_line` (1-based) on. The YAML parser keeps no
/// positions, so front-matter diagnostics find their line this way.
pub fn line_of_key(text: &str, key: &str, from_line: usize) -> Option<usize> {
    text.lines()
        .enumerate()
        .skip(from_line.saturating_sub(1))
        .find(|(_, line)| {
            let t = line.trim_start().trim_start_matches("- ").trim_start();
            let t = t.trim_start_matches(['"', '\'']);
            t.strip_prefix(key).is_some_and(|rest| {
                let rest = rest.trim_start_matches(['"', '\'']).trim_start();
                rest.starts_with(':') || rest.starts_with('：')
            })
        })
        .map(|(i, _)| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_has_code_file_line_and_help() {
        let d = Diagnostic::error("E0203", "索引号重复")
            .in_file("content/policies/a.md")
            .at_line(3)
            .help("改用一个未被占用的索引号");
        assert_eq!(
            d.to_string(),
            "错误[E0203] content/policies/a.md:3: 索引号重复\n  提示：改用一个未被占用的索引号"
        );
    }

    #[test]
    fn line_of_key_finds_nested_and_chinese_keys() {
        let text = "title: a\nitems:\n  - matter: x\n    依据: y\n";
        assert_eq!(line_of_key(text, "title", 1), Some(1));
        assert_eq!(line_of_key(text, "matter", 1), Some(3));
        assert_eq!(line_of_key(text, "依据", 1), Some(4));
        assert_eq!(line_of_key(text, "missing", 1), None);
        assert_eq!(line_of_key(text, "title", 2), None);
    }
}
