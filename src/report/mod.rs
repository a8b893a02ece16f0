//! Diagnostics as the reader needs them: grouped, capped text for people, and the report
//! formats CI systems show natively (GitHub annotations, GitLab Code Quality, JUnit XML,
//! SARIF). Every renderer here is a pure function from diagnostics to text, so each format
//! is tested by parsing its output; only `console` prints the result.

pub mod github;
pub mod gitlab;
pub mod junit;
pub mod sarif;
pub mod text;

use crate::diag::{self, Diagnostic};
use std::path::PathBuf;

/// What a report needs besides the diagnostics.
#[derive(Debug, Clone, Default)]
pub struct Context {
    /// The site root as seen from where CI runs, `/`-separated (`site` for
    /// `--root site`); empty when CI runs in the site root. CI systems match findings to
    /// files by repository path, so report paths start with it.
    pub prefix: String,
    /// Every document loaded, relative to the site root: JUnit gives each its test case.
    pub documents: Vec<PathBuf>,
    /// The program version, for reports that name their tool.
    pub version: String,
}

impl Context {
    /// `file` as a repository path.
    pub fn path(&self, file: &std::path::Path) -> String {
        diag::display_path(&self.prefix, file)
    }

    /// Where a finding is anchored in formats that require a file for every finding
    /// (GitLab, SARIF): its own file and line, or — for site-wide findings such as a URL
    /// claimed twice — the site's `config.toml`, the one file every site has.
    pub fn anchor(&self, d: &Diagnostic) -> (String, usize) {
        match &d.file {
            Some(file) => (self.path(file), d.line.unwrap_or(1)),
            None => (
                self.path(std::path::Path::new("config.toml")),
                d.line.unwrap_or(1),
            ),
        }
    }
}

/// The closing line of `check`: documents, errors and warnings.
pub fn summary(documents: usize, diagnostics: &[Diagnostic]) -> String {
    let errors = diag::error_count(diagnostics);
    format!(
        "检查完成：{documents} 个文档，{errors} 个错误，{} 个警告。",
        diagnostics.len() - errors
    )
}

/// The finding as one line of plain text (message and advice), for formats that carry a
/// single message.
pub fn message_with_help(d: &Diagnostic) -> String {
    match &d.help {
        Some(help) => format!("{}\n提示：{help}", d.message),
        None => d.message.clone(),
    }
}
