//! Progress of a long build, reported by the pipeline and shown (or not) by the console.
//!
//! The stages only announce what they are doing and count; whether anything appears —
//! on a terminal, after a second — is the console's decision, so the library stays free
//! of printing and tests run silent.

/// What the pipeline is busy with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Reading and parsing source files.
    Load,
    /// Rendering pages (also in `check`, which renders without keeping anything).
    Render,
    /// Moving changed files into the output folder.
    Write,
}

impl Stage {
    /// The Chinese label shown on the progress line.
    pub fn label(self) -> &'static str {
        match self {
            Stage::Load => "读取文档",
            Stage::Render => "生成页面",
            Stage::Write => "写入文件",
        }
    }
}

/// Receives progress from the pipeline. Called from many threads at once.
pub trait Progress: Send + Sync {
    /// A stage begins; `total` when the number of steps is known.
    fn start(&self, stage: Stage, total: Option<usize>);
    /// One step of the current stage is done.
    fn advance(&self);
}

/// Reports nothing (tests, library callers, non-terminals).
#[derive(Debug, Clone, Copy, Default)]
pub struct Silent;

impl Progress for Silent {
    fn start(&self, _: Stage, _: Option<usize>) {}
    fn advance(&self) {}
}
