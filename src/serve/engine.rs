//! STAND-IN for serve-incr's engine (full rebuild through a temp folder). Replaced on merge.

use crate::build::{self, BuildMode, BuildOptions};
use crate::diag::{self, Diagnostic};
use crate::error::{Error, Result};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The in-memory site.
pub struct Engine {
    opts: BuildOptions,
    snapshot: Arc<Snapshot>,
    diagnostics: Vec<Diagnostic>,
}

/// One version of the site.
#[derive(Default)]
pub struct Snapshot {
    files: BTreeMap<String, Arc<[u8]>>,
    generation: u64,
}

impl Snapshot {
    /// A file's bytes.
    pub fn get(&self, path: &str) -> Option<Arc<[u8]>> {
        self.files.get(path).cloned()
    }
    /// Which version.
    pub fn generation(&self) -> u64 {
        self.generation
    }
    /// Every path.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(String::as_str)
    }
}

/// What a rebuild did.
#[derive(Debug, Clone)]
pub struct RebuildSummary {
    /// Files re-parsed.
    pub reparsed: usize,
    /// Pages re-rendered.
    pub rendered: usize,
    /// Wall time.
    pub elapsed: Duration,
    /// Incremental or full.
    pub kind: RebuildKind,
    /// Errors.
    pub errors: usize,
    /// Warnings.
    pub warnings: usize,
}

/// Incremental or full.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RebuildKind {
    /// Only what changed.
    Incremental,
    /// Everything.
    Full,
}

impl Engine {
    /// Full build into memory.
    pub fn new(opts: BuildOptions) -> Result<Engine> {
        let mut e = Engine {
            opts,
            snapshot: Arc::new(Snapshot::default()),
            diagnostics: Vec::new(),
        };
        e.rebuild(&[])?;
        Ok(e)
    }

    /// Apply changed paths.
    pub fn rebuild(&mut self, _changed: &[PathBuf]) -> Result<RebuildSummary> {
        let started = Instant::now();
        let tmp = tempfile::tempdir().map_err(|e| Error::io("创建临时目录", "/tmp", e))?;
        let out = tmp.path().join("out");
        let mut opts = self.opts.clone();
        opts.output = Some(out.clone());
        let report = build::run(&opts, BuildMode::Write)?;
        let errors = report.error_count();
        let warnings = report.diagnostics.len() - errors;
        let mut rendered = 0;
        if errors == 0 {
            let mut files = BTreeMap::new();
            for e in walkdir::WalkDir::new(&out) {
                let e = e.map_err(|e| Error::io("读取", &out, e.into()))?;
                if e.file_type().is_file() {
                    let rel = e
                        .path()
                        .strip_prefix(&out)
                        .unwrap()
                        .to_string_lossy()
                        .replace('\\', "/");
                    let data =
                        std::fs::read(e.path()).map_err(|x| Error::io("读取", e.path(), x))?;
                    files.insert(rel, Arc::from(data));
                    rendered += 1;
                }
            }
            self.snapshot = Arc::new(Snapshot {
                files,
                generation: self.snapshot.generation + 1,
            });
        }
        self.diagnostics = report.diagnostics;
        diag::sort(&mut self.diagnostics);
        Ok(RebuildSummary {
            reparsed: report.documents,
            rendered,
            elapsed: started.elapsed(),
            kind: RebuildKind::Full,
            errors,
            warnings,
        })
    }

    /// The current site.
    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.snapshot.clone()
    }

    /// Diagnostics of the last rebuild.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }
}
