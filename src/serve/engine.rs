//! The preview server's site, in memory, and its rebuilds.
//!
//! The server never reads the disk to answer a request: it asks the engine for a
//! [`Snapshot`] — every file of the site by path — and keeps that snapshot for the whole
//! response, so a rebuild finishing meanwhile cannot mix two versions into one page. A
//! rebuild runs the same pipeline as `gongkai build` (`build::pipeline`) into an
//! in-memory sink; when it finds errors, the last good snapshot stays in place and the
//! diagnostics say why.

use crate::build::{self, BuildOptions};
use crate::diag::{self, Diagnostic};
use crate::error::{Error, Result};
use crate::progress::Silent;
use crate::sink::{Memory, OutputContent};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// One version of the site: every file by site path (`policies/x/index.html`).
#[derive(Debug, Default)]
pub struct Snapshot {
    files: BTreeMap<Arc<str>, Arc<[u8]>>,
    generation: u64,
}

impl Snapshot {
    /// The bytes of the file at `path` (no leading `/`), if the site has it.
    pub fn get(&self, path: &str) -> Option<Arc<[u8]>> {
        self.files.get(path).cloned()
    }

    /// Which good build this is: 1 for the first, one more for each rebuild that
    /// replaced the site; 0 while no build has succeeded.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Every path of the site, sorted.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(|k| &**k)
    }
}

/// Whether a rebuild reused what it could or started over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RebuildKind {
    /// Only what the changed files can affect was redone.
    Incremental,
    /// Everything was rebuilt (configuration, templates, static files or the theme
    /// changed, or there was nothing to reuse).
    Full,
}

/// What one rebuild did, for the terminal line.
#[derive(Debug, Clone)]
pub struct RebuildSummary {
    /// Source files read and parsed again.
    pub reparsed: usize,
    /// Pages and other files produced again.
    pub rendered: usize,
    /// Wall time of the rebuild.
    pub elapsed: Duration,
    /// Incremental or full.
    pub kind: RebuildKind,
    /// Errors found (when non-zero, the previous site is still served).
    pub errors: usize,
    /// Warnings found.
    pub warnings: usize,
}

/// The site in memory and the means to rebuild it.
pub struct Engine {
    opts: BuildOptions,
    snapshot: Arc<Snapshot>,
    diagnostics: Vec<Diagnostic>,
}

impl Engine {
    /// Full build into memory (never writes to disk). Errors in content are not `Err`:
    /// they are diagnostics, and the site has no good snapshot yet if the first build fails.
    pub fn new(opts: BuildOptions) -> Result<Engine> {
        let mut engine = Engine {
            opts,
            snapshot: Arc::new(Snapshot::default()),
            diagnostics: Vec::new(),
        };
        engine.full()?;
        Ok(engine)
    }

    /// Apply changed paths (absolute or root-relative; created, modified or deleted).
    /// Returns what was done.
    pub fn rebuild(&mut self, changed: &[PathBuf]) -> Result<RebuildSummary> {
        let _ = changed;
        self.full()
    }

    /// The current site, cheap to clone, safe to hand to server threads. After a
    /// rebuild with errors, this is still the last good site.
    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.snapshot.clone()
    }

    /// Diagnostics of the last rebuild (errors and warnings, sorted).
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    fn full(&mut self) -> Result<RebuildSummary> {
        let start = Instant::now();
        let (outcome, memory) =
            build::pipeline(&self.opts, Arc::new(Silent), |_| Ok(Memory::new()))?;
        let errors = diag::error_count(&outcome.diagnostics);
        let warnings = outcome.diagnostics.len() - errors;
        let mut rendered = 0;
        if errors == 0 {
            let files = read_files(&self.opts, memory.into_files())?;
            rendered = files.len();
            self.snapshot = Arc::new(Snapshot {
                files,
                generation: self.snapshot.generation + 1,
            });
        }
        self.diagnostics = outcome.diagnostics;
        Ok(RebuildSummary {
            reparsed: outcome.documents,
            rendered,
            elapsed: start.elapsed(),
            kind: RebuildKind::Full,
            errors,
            warnings,
        })
    }
}

/// The site's files as bytes: attachments are read into memory, so the snapshot does not
/// change when the officer edits or deletes the source file before the next rebuild.
pub fn read_files(
    opts: &BuildOptions,
    files: BTreeMap<String, OutputContent>,
) -> Result<BTreeMap<Arc<str>, Arc<[u8]>>> {
    files
        .into_iter()
        .map(|(path, content)| {
            let bytes: Arc<[u8]> = match content {
                OutputContent::Bytes(b) => b.into(),
                OutputContent::Copy(src) => {
                    let full = opts.root.join(&src);
                    std::fs::read(&full)
                        .map_err(|e| Error::io("读取附件", &full, e))?
                        .into()
                }
            };
            Ok((Arc::from(path), bytes))
        })
        .collect()
}
