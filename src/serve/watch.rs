//! Watching the site's sources for the preview: `content/`, `templates/`, `static/`,
//! `themes/` and `config.toml`, through notify and notify-debouncer-full.
//!
//! Editors save in bursts (a temporary file renamed over the original, or two writes),
//! and a `git checkout` touches hundreds of files at once; rebuilding per event would
//! rebuild hundreds of times and show half-changed sites in between. The debouncer merges
//! the events of one path; on top of it, batches arriving close together are merged
//! until the sources have been quiet for a moment, so one burst is one rebuild. Hidden
//! and editor-temporary names (`load::is_hidden`) are ignored, as every build ignores them.

use crate::error::{Error, Result};
use crate::load;
use notify::event::EventKind;
use notify::RecursiveMode;
use notify_debouncer_full::{new_debouncer, DebounceEventResult, Debouncer, RecommendedCache};
use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError};
use std::time::Duration;

/// How long one path must be quiet before its events are handed over.
const DEBOUNCE: Duration = Duration::from_millis(20);
/// The debouncer's clock.
const TICK: Duration = Duration::from_millis(5);
/// How long all sources must be quiet before a one-file batch is rebuilt: longer than a
/// tick, so paths handed over at successive ticks land in one batch, and short, since a
/// single saved file is what an officer waits for.
const QUIET: Duration = Duration::from_millis(25);
/// The same once a batch holds a folder or [`BURST_PATHS`] paths: a checkout or a copy is
/// under way, and its writer may stall (a busy disk throttling writes, a loaded machine)
/// before its next file; waiting half a second more after a checkout costs little.
const QUIET_BURST: Duration = Duration::from_millis(500);
/// Paths that make a batch a burst. Two is still an editor save (Vim writes a probe file
/// named `4913` beside the one it saves).
const BURST_PATHS: usize = 3;

/// The folders under the site root that hold sources, watched recursively.
pub const WATCHED_DIRS: [&str; 4] = ["content", "templates", "static", "themes"];
/// The one watched file at the root.
pub const CONFIG_FILE: &str = "config.toml";

/// One batch of changes to rebuild from.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Batch {
    /// Changed paths (created, modified, deleted or renamed, both names), absolute,
    /// sorted, without duplicates.
    pub paths: Vec<PathBuf>,
    /// The watcher lost events (its queue overflowed): everything must be re-read.
    pub rescan: Rescan,
    /// Errors the watcher reported, in Chinese, for the terminal.
    pub problems: Vec<String>,
}

/// Whether the file system asked for a full rescan.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub enum Rescan {
    /// The paths are complete.
    #[default]
    No,
    /// Events were lost.
    Needed,
}

/// A running watcher.
pub struct Watch {
    root: PathBuf,
    debouncer: Debouncer<notify::RecommendedWatcher, RecommendedCache>,
    events: Receiver<DebounceEventResult>,
    watched: BTreeSet<String>,
}

impl Watch {
    /// Start watching the sources under `root`.
    pub fn start(root: &Path) -> Result<Watch> {
        let root = std::fs::canonicalize(root).map_err(|e| Error::io("读取站点目录", root, e))?;
        let (tx, rx) = channel();
        let debouncer =
            new_debouncer(DEBOUNCE, Some(TICK), tx).map_err(|e| notify_error(&root, e))?;
        let mut watch = Watch {
            root: root.clone(),
            debouncer,
            events: rx,
            watched: BTreeSet::new(),
        };
        // The root itself, not recursively: config.toml (editors replace it by rename,
        // which a watch on the file would lose) and source folders created later.
        watch
            .debouncer
            .watch(&root, RecursiveMode::NonRecursive)
            .map_err(|e| notify_error(&root, e))?;
        for dir in WATCHED_DIRS {
            watch.watch_dir(dir)?;
        }
        Ok(watch)
    }

    /// The site root as watched (canonical).
    pub fn root(&self) -> &Path {
        &self.root
    }

    fn watch_dir(&mut self, dir: &str) -> Result<()> {
        let path = self.root.join(dir);
        if self.watched.contains(dir) || !path.is_dir() {
            return Ok(());
        }
        self.debouncer
            .watch(&path, RecursiveMode::Recursive)
            .map_err(|e| notify_error(&path, e))?;
        self.watched.insert(dir.to_string());
        Ok(())
    }

    /// Wait for the next batch of source changes. `None` when the watcher has stopped.
    pub fn next_batch(&mut self) -> Option<Batch> {
        let mut batch = Collected::default();
        let first = self.events.recv().ok()?;
        self.take(first, &mut batch);
        loop {
            let quiet = if batch.paths.len() >= BURST_PATHS || batch.folder {
                QUIET_BURST
            } else {
                QUIET
            };
            match self.events.recv_timeout(quiet) {
                Ok(more) => self.take(more, &mut batch),
                Err(RecvTimeoutError::Timeout) if batch.is_empty() => {
                    // Only ignored events so far: keep waiting for a real change.
                    let next = self.events.recv().ok()?;
                    self.take(next, &mut batch);
                }
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => break,
            }
        }
        Some(Batch {
            paths: batch.paths.into_iter().collect(),
            rescan: batch.rescan,
            problems: batch.problems,
        })
    }

    fn take(&mut self, result: DebounceEventResult, batch: &mut Collected) {
        match result {
            Ok(events) => {
                for event in events {
                    if event.need_rescan() {
                        batch.rescan = Rescan::Needed;
                    }
                    if matches!(event.kind, EventKind::Access(_)) {
                        continue;
                    }
                    for path in &event.paths {
                        if let Some(rel) = watched_path(&self.root, path) {
                            // A new folder is usually the start of a copy or checkout.
                            let is_dir = path.is_dir();
                            batch.folder |= is_dir;
                            // A source folder created after the start is watched from now on.
                            if rel.components().count() == 1 && is_dir {
                                let name = rel.to_string_lossy().into_owned();
                                if let Err(e) = self.watch_dir(&name) {
                                    batch.problems.push(e.to_string());
                                }
                            }
                            batch.paths.insert(path.clone());
                        }
                    }
                }
            }
            Err(errors) => {
                for e in errors {
                    batch.problems.push(format!("监视文件变化时出错：{e}"));
                    if matches!(e.kind, notify::ErrorKind::MaxFilesWatch) {
                        batch.rescan = Rescan::Needed;
                    }
                }
            }
        }
    }
}

#[derive(Default)]
struct Collected {
    paths: BTreeSet<PathBuf>,
    /// A folder is among the paths.
    folder: bool,
    rescan: Rescan,
    problems: Vec<String>,
}

impl Collected {
    fn is_empty(&self) -> bool {
        self.paths.is_empty() && self.rescan == Rescan::No && self.problems.is_empty()
    }
}

/// The path relative to the root when it is a source the site is built from: under one
/// of [`WATCHED_DIRS`] or `config.toml`, with no hidden or editor-temporary component.
pub fn watched_path(root: &Path, path: &Path) -> Option<PathBuf> {
    let rel = path.strip_prefix(root).ok()?;
    let mut parts = Vec::new();
    for c in rel.components() {
        match c {
            Component::Normal(name) => parts.push(name.to_str()?),
            _ => return None,
        }
    }
    let first = *parts.first()?;
    if parts.iter().any(|p| load::is_hidden(p)) {
        return None;
    }
    let wanted = if parts.len() == 1 {
        first == CONFIG_FILE || WATCHED_DIRS.contains(&first)
    } else {
        WATCHED_DIRS.contains(&first)
    };
    wanted.then(|| rel.to_path_buf())
}

fn notify_error(path: &Path, e: notify::Error) -> Error {
    let hint = if matches!(e.kind, notify::ErrorKind::MaxFilesWatch) {
        "\n  提示：系统允许监视的目录数已用完；提高 /proc/sys/fs/inotify/max_user_watches 后重试"
    } else {
        ""
    };
    Error::Usage(format!("无法监视 {} 的变化：{e}{hint}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn watched_path_keeps_sources_and_drops_hidden_and_temp_files() {
        let root = Path::new("/site");
        let yes = |p: &str| watched_path(root, &root.join(p)).is_some();
        assert!(yes("content/policies/a.md"));
        assert!(yes("content"));
        assert!(yes("templates/policy.html"));
        assert!(yes("static/css/x.css"));
        assert!(yes("themes/mine/templates/base.html"));
        assert!(yes("config.toml"));
        assert!(!yes("public/index.html"), "the output is not a source");
        assert!(!yes("README.md"));
        assert!(!yes("content/policies/.a.md.swp"));
        assert!(!yes("content/policies/a.md~"));
        assert!(!yes("content/policies/#a.md#"));
        assert!(!yes("content/.git/HEAD"));
        assert!(!yes(".config.toml.tmp"));
        assert!(watched_path(root, Path::new("/elsewhere/content/a.md")).is_none());
    }
}
