//! The one place that prints. Commands hand their results here; nothing else in the
//! crate writes to stdout or stderr, so output formats stay consistent and testable.

use crate::diag::Diagnostic;
use std::io::Write;

/// How diagnostics are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Human-readable Chinese text on stderr.
    Text,
    /// One JSON document on stdout, for CI.
    Json,
}

/// The output sink.
#[derive(Debug)]
pub struct Console {
    format: Format,
}

impl Console {
    /// A console in the given format.
    pub fn new(format: Format) -> Self {
        Console { format }
    }

    /// The format.
    pub fn format(&self) -> Format {
        self.format
    }

    /// A progress or summary line for people (suppressed in JSON mode, where stdout
    /// must hold only the JSON document).
    pub fn status(&self, message: &str) {
        if self.format == Format::Text {
            let _ = writeln!(std::io::stderr().lock(), "{message}");
        }
    }

    /// The command's main result for people, on stdout.
    pub fn result(&self, message: &str) {
        let _ = writeln!(std::io::stdout().lock(), "{message}");
    }

    /// Diagnostics, as text on stderr.
    pub fn diagnostics(&self, diagnostics: &[Diagnostic]) {
        if self.format != Format::Text {
            return;
        }
        let mut err = std::io::stderr().lock();
        for d in diagnostics {
            let _ = writeln!(err, "{d}");
        }
    }

    /// A JSON document on stdout.
    pub fn json(&self, value: &serde_json::Value) {
        let text = serde_json::to_string_pretty(value).unwrap_or_else(|_| "{}".into());
        let _ = writeln!(std::io::stdout().lock(), "{text}");
    }

    /// A fatal error.
    pub fn error(&self, message: &str) {
        match self.format {
            Format::Text => {
                let _ = writeln!(std::io::stderr().lock(), "错误：{message}");
            }
            Format::Json => self.json(&serde_json::json!({"fatal": message})),
        }
    }
}
