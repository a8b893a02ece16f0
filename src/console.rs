//! The one place that prints. Commands hand their results here; nothing else in the
//! crate writes to stdout or stderr, so output formats stay consistent and testable.

use crate::diag::Diagnostic;
use crate::progress::{Progress, Stage};
use crate::report::text::{self, TextOptions};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// How diagnostics are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Human-readable Chinese text on stderr.
    Text,
    /// One JSON document on stdout, for scripts.
    Json,
    /// GitHub Actions workflow commands (annotations) on stdout.
    Github,
    /// GitLab Code Quality JSON on stdout.
    Gitlab,
    /// JUnit XML on stdout.
    Junit,
    /// SARIF 2.1.0 JSON on stdout.
    Sarif,
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

    /// A progress or summary line for people (suppressed in the machine formats, where
    /// stdout must hold only the report).
    pub fn status(&self, message: &str) {
        if self.format == Format::Text {
            let _ = writeln!(std::io::stderr().lock(), "{message}");
        }
    }

    /// The command's main result for people, on stdout.
    pub fn result(&self, message: &str) {
        let _ = writeln!(std::io::stdout().lock(), "{message}");
    }

    /// Diagnostics as the grouped, capped text report, on stderr.
    pub fn diagnostics(&self, diagnostics: &[Diagnostic], opts: TextOptions) {
        if self.format != Format::Text {
            return;
        }
        self.lines(&text::lines(diagnostics, opts));
    }

    /// Lines for people, on stderr.
    pub fn lines(&self, lines: &[String]) {
        if self.format != Format::Text {
            return;
        }
        let mut err = std::io::stderr().lock();
        for l in lines {
            let _ = writeln!(err, "{l}");
        }
    }

    /// A JSON document on stdout.
    pub fn json(&self, value: &serde_json::Value) {
        let text = serde_json::to_string_pretty(value).unwrap_or_else(|_| "{}".into());
        let _ = writeln!(std::io::stdout().lock(), "{text}");
    }

    /// A report already rendered (XML, workflow commands), on stdout as it is.
    pub fn document(&self, text: &str) {
        let _ = std::io::stdout().lock().write_all(text.as_bytes());
    }

    /// A fatal error.
    pub fn error(&self, message: &str) {
        match self.format {
            Format::Json => self.json(&serde_json::json!({"fatal": message})),
            // GitHub shows it as an annotation on the run.
            Format::Github => {
                let _ = writeln!(
                    std::io::stdout().lock(),
                    "::error title=gongkai::{}",
                    crate::report::github::escape_data(message)
                );
            }
            // stdout stays empty rather than holding a report that is not one; the exit
            // code (2) fails the job and the log shows why.
            Format::Text | Format::Gitlab | Format::Junit | Format::Sarif => {
                let _ = writeln!(std::io::stderr().lock(), "错误：{message}");
            }
        }
    }

    /// A progress reporter: a single updating line on stderr, shown only when stderr is
    /// a terminal and the work has taken more than a second (a quick check stays quiet,
    /// and CI logs never fill with redraws). Call [`TerminalProgress::clear`] before
    /// printing the results.
    pub fn progress(&self, enabled: ProgressMode) -> TerminalProgress {
        TerminalProgress::new(enabled == ProgressMode::Auto && std::io::stderr().is_terminal())
    }
}

/// Whether a progress line may appear at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProgressMode {
    /// When stderr is a terminal and the work is slow.
    Auto,
    /// Never (`--quiet`).
    Off,
}

/// The progress line (see [`Console::progress`]).
pub struct TerminalProgress {
    bar: ProgressBar,
    started: Instant,
    may_show: bool,
    shown: AtomicBool,
}

/// Work shorter than this shows no progress at all.
const PROGRESS_DELAY: Duration = Duration::from_secs(1);

impl TerminalProgress {
    fn new(may_show: bool) -> Self {
        TerminalProgress {
            bar: ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden()),
            started: Instant::now(),
            may_show,
            shown: AtomicBool::new(false),
        }
    }

    fn reveal_when_slow(&self) {
        if self.may_show
            && !self.shown.load(Ordering::Relaxed)
            && self.started.elapsed() >= PROGRESS_DELAY
            && !self.shown.swap(true, Ordering::Relaxed)
        {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
        }
    }

    /// Remove the line, so results print on a clean terminal.
    pub fn clear(&self) {
        self.bar.finish_and_clear();
    }
}

impl Progress for TerminalProgress {
    fn start(&self, stage: Stage, total: Option<usize>) {
        let template = match total {
            Some(_) => "{msg} {pos}/{len} {wide_bar} {elapsed}",
            None => "{msg} {pos} {elapsed}",
        };
        if let Ok(style) = ProgressStyle::with_template(template) {
            self.bar.set_style(style.progress_chars("=> "));
        }
        self.bar.set_message(stage.label());
        self.bar.set_position(0);
        match total {
            Some(n) => self.bar.set_length(n as u64),
            None => self.bar.unset_length(),
        }
        self.reveal_when_slow();
    }

    fn advance(&self) {
        self.bar.inc(1);
        self.reveal_when_slow();
    }
}
