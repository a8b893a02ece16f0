//! Watching the site's sources for the preview: `content/`, `templates/`, `static/`,
//! `themes/` and `config.toml`, through notify's raw events.
//!
//! Editors save in bursts (a temporary file renamed over the original, or two writes),
//! and a `git checkout` touches hundreds of files at once; rebuilding per event would
//! rebuild hundreds of times and show half-changed sites in between. Events are merged
//! into one batch until the sources have been quiet for a moment — a short one for a
//! saved file, a longer one once a burst is under way — so one save or one burst is one
//! rebuild. A per-path debouncer (notify-debouncer-full) was used before: it held every
//! path for 20 ms and handed paths over on a 5 ms clock, most of the wait between a save
//! and the page; the quiet period here does the merging alone. Hidden and
//! editor-temporary names (`load::is_hidden`) are ignored, as every build ignores them.

use crate::error::{Error, Result};
use crate::load;
use notify::event::{AccessKind, AccessMode, CreateKind, EventKind, ModifyKind};
use notify::{Event, RecommendedWatcher, RecursiveMode, Watcher};
use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError};
use std::time::Duration;

/// How long all sources must be quiet before a batch of one saved file is rebuilt. An
/// editor's save is a few file operations issued back to back (truncate, write, close;
/// or write a temporary file and rename it; Vim: probe file `4913`, rename to a backup,
/// write, delete the backup), microseconds to a couple of milliseconds apart; 10 ms
/// covers them with room for a busy machine, and is too short for anyone to notice.
const QUIET: Duration = Duration::from_millis(10);
/// The same when the batch created a file that was not there before (not a save that
/// renamed or deleted it first): new files come in groups — a copy, an unpacked archive,
/// a checkout — and the writer's next file may be a few milliseconds behind on a loaded
/// machine (`cp -r` and `git checkout` of 20 files under `strace`, load 2–4: at most
/// 0.9 and 5.2 ms between files). From the third path on a batch waits [`QUIET_BURST`],
/// so this only has to join a group's first files; a group that still splits is
/// rebuilt twice, each time correctly, while every new document waits this long.
const QUIET_NEW: Duration = Duration::from_millis(20);
/// The same while a file that was written is still open for writing (Linux reports the
/// close): its writer is not done, and reading it now could catch half of it.
const QUIET_WRITING: Duration = Duration::from_millis(250);
/// The same once a batch holds a folder or [`BURST_PATHS`] paths: a checkout or a copy is
/// under way, and its writer may stall (a busy disk throttling writes, a loaded machine)
/// before its next file; waiting half a second more after a checkout costs little.
const QUIET_BURST: Duration = Duration::from_millis(500);
/// Paths that make a batch a burst. Two is still an editor save (Vim writes a probe file
/// named `4913` beside the one it saves).
const BURST_PATHS: usize = 3;
/// Whether the watcher reports that a file written was closed (inotify does; the other
/// systems' watchers do not, and there [`QUIET_WRITING`] never applies).
const REPORTS_CLOSE: bool = cfg!(any(target_os = "linux", target_os = "android"));

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
    watcher: RecommendedWatcher,
    events: Receiver<notify::Result<Event>>,
    watched: BTreeSet<String>,
}

impl Watch {
    /// Start watching the sources under `root`.
    pub fn start(root: &Path) -> Result<Watch> {
        let root = std::fs::canonicalize(root).map_err(|e| Error::io("读取站点目录", root, e))?;
        let (tx, rx) = channel();
        let watcher = notify::recommended_watcher(move |event| {
            // The receiver is gone only when the preview is stopping.
            let _ = tx.send(event);
        })
        .map_err(|e| notify_error(&root, e))?;
        let mut watch = Watch {
            root: root.clone(),
            watcher,
            events: rx,
            watched: BTreeSet::new(),
        };
        // The root itself, not recursively: config.toml (editors replace it by rename,
        // which a watch on the file would lose) and source folders created later.
        watch
            .watcher
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
        self.watcher
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
            let quiet = batch.quiet();
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

    fn take(&mut self, result: notify::Result<Event>, batch: &mut Collected) {
        let event = match result {
            Ok(event) => event,
            Err(e) => {
                batch.problems.push(format!("监视文件变化时出错：{e}"));
                if matches!(e.kind, notify::ErrorKind::MaxFilesWatch) {
                    batch.rescan = Rescan::Needed;
                }
                return;
            }
        };
        if event.need_rescan() {
            batch.rescan = Rescan::Needed;
        }
        for path in &event.paths {
            if watched_path(&self.root, path).is_none() {
                continue;
            }
            match event.kind {
                // The writer is done with the file.
                EventKind::Access(AccessKind::Close(AccessMode::Write)) => {
                    batch.writing.remove(path);
                    continue;
                }
                // Reading changes nothing (the rebuild's own reads land here).
                EventKind::Access(_) => continue,
                EventKind::Create(kind) => {
                    if kind != CreateKind::Folder && !batch.went.contains(path) {
                        batch.new_file = true;
                    }
                    if REPORTS_CLOSE && kind == CreateKind::File {
                        batch.writing.insert(path.clone());
                    }
                }
                EventKind::Modify(ModifyKind::Data(_)) if REPORTS_CLOSE => {
                    batch.writing.insert(path.clone());
                }
                EventKind::Modify(ModifyKind::Name(_)) | EventKind::Remove(_) => {
                    batch.writing.remove(path);
                    batch.went.insert(path.clone());
                }
                _ => {}
            }
            let rel_len = path
                .strip_prefix(&self.root)
                .map_or(0, |r| r.components().count());
            // A new folder is usually the start of a copy or checkout.
            let is_dir = path.is_dir();
            batch.folder |= is_dir;
            // A source folder created after the start is watched from now on.
            if rel_len == 1 && is_dir {
                let name = path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                if let Err(e) = self.watch_dir(&name) {
                    batch.problems.push(e.to_string());
                }
            }
            batch.paths.insert(path.clone());
        }
    }
}

#[derive(Default)]
struct Collected {
    paths: BTreeSet<PathBuf>,
    /// A folder is among the paths.
    folder: bool,
    /// A file was created that the batch had not renamed or deleted first.
    new_file: bool,
    /// Paths renamed or deleted in this batch (an editor's save may do that first).
    went: BTreeSet<PathBuf>,
    /// Files written and not yet closed (only where the watcher reports closes).
    writing: BTreeSet<PathBuf>,
    rescan: Rescan,
    problems: Vec<String>,
}

impl Collected {
    /// How long the sources must now be quiet before this batch is rebuilt.
    fn quiet(&self) -> Duration {
        if self.paths.len() >= BURST_PATHS || self.folder {
            QUIET_BURST
        } else if !self.writing.is_empty() {
            QUIET_WRITING
        } else if self.new_file {
            QUIET_NEW
        } else {
            QUIET
        }
    }

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
