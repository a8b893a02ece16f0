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

impl Diagnostic {
    /// The first line of the display, without the advice:
    /// `错误[E0203] content/policies/a.md:3: 索引号重复 …`.
    pub fn headline(&self) -> String {
        let mut s = format!("{}[{}]", self.severity.label(), self.code);
        if let Some(file) = &self.file {
            s.push(' ');
            s.push_str(&file.display().to_string().replace('\\', "/"));
            if let Some(line) = self.line {
                s.push_str(&format!(":{line}"));
            }
        }
        s.push_str(": ");
        s.push_str(&self.message);
        s
    }
}

impl fmt::Display for Diagnostic {
    /// The headline, followed by `  提示：…` on its own line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.headline())?;
        if let Some(help) = &self.help {
            write!(f, "\n  提示：{help}")?;
        }
        Ok(())
    }
}

/// Every diagnostic code the program can report, collected from the sources at build
/// time (see the crate's build script).
pub const KNOWN_CODES: &[&str] = include!(concat!(env!("OUT_DIR"), "/codes.rs"));

/// True when `code` is one the program reports.
pub fn is_known_code(code: &str) -> bool {
    KNOWN_CODES.binary_search(&code).is_ok()
}

/// Which warnings a CI run treats as errors (`--deny`, `[check] deny`), so a site can
/// make a rule blocking without each rule needing its own severity switch.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Deny {
    /// Warnings stay warnings.
    #[default]
    Nothing,
    /// These codes become errors.
    Codes(std::collections::BTreeSet<String>),
    /// Every warning becomes an error (`--deny warnings`).
    AllWarnings,
}

impl Deny {
    /// Parse deny items: codes (`W0304`, case-insensitive, comma-separated or not) or the
    /// word `warnings`. Returns the first item that names no known code.
    pub fn parse<S: AsRef<str>>(items: &[S]) -> Result<Deny, String> {
        let mut deny = Deny::Nothing;
        for item in items
            .iter()
            .flat_map(|i| i.as_ref().split([',', '，', ' ']))
            .map(str::trim)
            .filter(|i| !i.is_empty())
        {
            if item.eq_ignore_ascii_case("warnings") {
                deny = Deny::AllWarnings;
                continue;
            }
            let code = item.to_ascii_uppercase();
            if !is_known_code(&code) {
                return Err(item.to_string());
            }
            if let Deny::Nothing = deny {
                deny = Deny::Codes(Default::default());
            }
            if let Deny::Codes(codes) = &mut deny {
                codes.insert(code);
            }
        }
        Ok(deny)
    }

    /// Both lists together (the command line adds to the config).
    pub fn union(self, other: Deny) -> Deny {
        match (self, other) {
            (Deny::AllWarnings, _) | (_, Deny::AllWarnings) => Deny::AllWarnings,
            (Deny::Nothing, d) | (d, Deny::Nothing) => d,
            (Deny::Codes(mut a), Deny::Codes(b)) => {
                a.extend(b);
                Deny::Codes(a)
            }
        }
    }

    /// Raise the denied warnings to errors; the code stays, so the officer still finds
    /// the rule by it.
    pub fn apply(&self, diagnostics: &mut [Diagnostic]) {
        for d in diagnostics.iter_mut() {
            let denied = match self {
                Deny::Nothing => false,
                Deny::AllWarnings => true,
                Deny::Codes(codes) => codes.contains(d.code),
            };
            if denied {
                d.severity = Severity::Error;
            }
        }
    }
}

/// Where a finding points, for reports that join it with the repository's own paths:
/// `prefix` is the site root as seen from where CI runs (empty when it is the same).
pub fn display_path(prefix: &str, file: &Path) -> String {
    let file = file.display().to_string().replace('\\', "/");
    if prefix.is_empty() {
        file
    } else {
        format!("{}/{file}", prefix.trim_end_matches('/'))
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
    fn known_codes_are_collected_from_the_sources() {
        assert!(
            KNOWN_CODES.windows(2).all(|w| w[0] < w[1]),
            "sorted for binary search"
        );
        for code in ["E0001", "E0203", "W0305", "E0121"] {
            assert!(is_known_code(code), "{code}");
        }
        // Built at run time so the build script does not collect it as a code.
        assert!(!is_known_code(&format!("W{}", "0000")));
    }

    #[test]
    fn deny_parses_codes_lists_and_warnings() {
        assert_eq!(Deny::parse::<&str>(&[]), Ok(Deny::Nothing));
        let both = Deny::parse(&["w0305,E0203"]).unwrap();
        assert_eq!(
            both,
            Deny::Codes(
                ["E0203".to_string(), "W0305".to_string()]
                    .into_iter()
                    .collect()
            )
        );
        assert_eq!(Deny::parse(&["W0305", "warnings"]), Ok(Deny::AllWarnings));
        assert_eq!(Deny::parse(&["W0305", "W03O5"]), Err("W03O5".to_string()));
        assert_eq!(both.clone().union(Deny::Nothing), both);
        assert_eq!(both.union(Deny::AllWarnings), Deny::AllWarnings);
    }

    #[test]
    fn deny_raises_only_the_chosen_warnings_and_keeps_the_code() {
        let mut d = vec![
            Diagnostic::warning("W0305", "a"),
            Diagnostic::warning("W0304", "b"),
        ];
        Deny::parse(&["W0305"]).unwrap().apply(&mut d);
        assert_eq!(d[0].severity, Severity::Error);
        assert_eq!(d[0].code, "W0305");
        assert_eq!(d[1].severity, Severity::Warning);
        Deny::AllWarnings.apply(&mut d);
        assert!(d.iter().all(Diagnostic::is_error));
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
