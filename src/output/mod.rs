//! Output: the only stage that touches the output directory.
//!
//! It is render's [`Sink`] on disk, adds the machine-readable files (`sitemap.xml`, the
//! Atom feed, `robots.txt`; the search index comes from the search stage) and switches the published site from the old version to the new one
//! all at once. The next version is assembled beside the output (changed files written,
//! unchanged ones hard-linked) and swapped with the published folder by one atomic
//! `renameat2(RENAME_EXCHANGE)`; whatever stops the process, a visitor sees the old site
//! or the new one, never a mix. Waiting for the disk before the switch (so a power cut
//! cannot leave empty files either) is the site's choice, `durable_output`: see
//! [`Output::durable`]. Where the file system cannot exchange, a
//! journal records the switch so the next build completes it. An unchanged rebuild
//! writes nothing. A lock beside the output keeps two builds apart. A folder that
//! gongkai did not create is never cleaned, and nothing is ever written through a
//! symbolic link: deleting someone's files is worse than any build failure.

mod feed;
pub mod manifest;
mod sitemap;

use crate::diag::Diagnostic;
use crate::error::{Error, Result};
use crate::link::Site;
use crate::progress::{Progress, Silent, Stage};
pub use crate::sink::{collision_with, Collision, PathSet};
use crate::sink::{OutputContent, OutputFile, Sink};
use manifest::{FileRecord, Fingerprint, Manifest};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// The file that marks a folder as gongkai's output (and so safe to clean).
pub const MARKER: &str = ".gongkai-output";
const MARKER_TEXT: &str = "此目录由 gongkai 生成；构建时会更新或删除其中的文件。\n";

/// What a write did, for the build summary.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct WriteStats {
    /// Files in the site.
    pub total: usize,
    /// Files written because they were new or changed.
    pub written: usize,
    /// Files removed because the build no longer produces them.
    pub removed: usize,
}

/// How the published folder is replaced by the next one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Switch {
    /// One atomic exchange of the two folders (Linux `renameat2(RENAME_EXCHANGE)`).
    Exchange,
    /// File by file, after writing a journal that the next build replays if this one
    /// is interrupted (file systems that cannot exchange, an output that is a mount point).
    Journal,
}

/// Where rendered files go.
///
/// Pages are handed over one at a time as they are rendered, so a large site never sits
/// in memory whole. A file whose bytes equal the published one is only recorded; a new or
/// changed one is written into the *next* folder beside the output. Nothing reaches the
/// output folder until [`Output::commit`], which the build calls only when no error was
/// found; dropping an uncommitted `Output` deletes the next folder.
pub struct Output {
    root: PathBuf,
    target: Option<Target>,
    produced: Mutex<Produced>,
    staged: Mutex<Vec<String>>,
    /// Length and hash of every file handed over (not kept for `check`): the manifest.
    records: Mutex<Vec<(String, FileRecord)>>,
    progress: Arc<dyn Progress>,
    durable: bool,
}

#[derive(Default)]
struct Produced {
    paths: PathSet,
    collisions: Vec<Collision>,
}

struct Target {
    out_dir: PathBuf,
    staging: PathBuf,
    journal: PathBuf,
    /// Regular files of the published site and their sizes.
    published: BTreeMap<String, u64>,
    out_exists: bool,
    staging_ready: Mutex<bool>,
    committed: bool,
    /// Held for the whole build; the lock is released when the file is closed.
    _lock: std::fs::File,
}

impl Output {
    /// Render and forget (`gongkai check`): every file is produced, none is kept.
    pub fn discard(root: &Path) -> Output {
        Output::new(root, None)
    }

    /// Write into `out_dir`. Takes the output lock, completes a switch an interrupted
    /// build left journaled, removes its leftovers, and refuses an output folder that
    /// gongkai did not create, that holds a symbolic link, or that holds read-only files.
    pub fn to_dir(root: &Path, out_dir: &Path) -> Result<Output> {
        let out_dir = real_output_path(out_dir)?;
        let parent = out_dir.parent().unwrap_or(Path::new(".")).to_path_buf();
        let name = out_dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "public".into());
        let lock = take_lock(&parent.join(format!(".{name}.gongkai-lock")), &out_dir)?;
        let staging = parent.join(format!(".{name}.gongkai-staging"));
        let journal = parent.join(format!(".{name}.gongkai-journal"));
        if journal.exists() {
            // Finishing an interrupted switch is rare: it always waits for the disk.
            replay_journal(&out_dir, &staging, &journal, true)?;
        }
        if staging.symlink_metadata().is_ok() {
            remove_leftover_staging(&staging)?;
        }
        let (out_exists, published) = scan_output(&out_dir)?;
        Ok(Output::new(
            root,
            Some(Target {
                out_dir,
                staging,
                journal,
                published,
                out_exists,
                staging_ready: Mutex::new(false),
                committed: false,
                _lock: lock,
            }),
        ))
    }

    fn new(root: &Path, target: Option<Target>) -> Output {
        Output {
            root: root.to_path_buf(),
            target,
            produced: Mutex::new(Produced::default()),
            staged: Mutex::new(Vec::new()),
            records: Mutex::new(Vec::new()),
            progress: Arc::new(Silent),
            durable: false,
        }
    }

    /// Whether the commit waits until the next folder is on the disk (`syncfs`, and the
    /// folders holding it) before the switch.
    ///
    /// Without it (the default) the switch is still atomic against anything that stops
    /// the process — `kill -9`, an I/O error, a panic: the files written are in the page
    /// cache, which outlives the process, so a visitor gets the old site or the new one.
    /// What only the wait protects against is a power cut or a kernel crash in the few
    /// seconds before the kernel writes the files back: the published folder may then
    /// hold empty or short files. The next build finds them (the marker's manifest holds
    /// each file's length and hash, and an unchanged rebuild reads every file) and
    /// rewrites them. The wait costs seconds on a slow disk for a large site, which is
    /// why it is the site's choice (`durable_output` in `config.toml`).
    pub fn durable(mut self, durable: bool) -> Output {
        self.durable = durable;
        self
    }

    /// Count every file handed over and every file moved into place into `progress`.
    pub fn observed(mut self, progress: Arc<dyn Progress>) -> Output {
        self.progress = progress;
        self
    }

    /// Hand over one file. Safe to call from many threads. A path that collides with
    /// one handed over before is recorded (see [`Output::collisions`]) and not written.
    pub fn put(&self, file: OutputFile) -> Result<()> {
        self.progress.advance();
        {
            let mut produced = lock(&self.produced);
            if let Some(other) = produced.paths.collision(&file.path) {
                produced.collisions.push(Collision {
                    path: file.path,
                    other,
                });
                return Ok(());
            }
            produced.paths.insert(file.path.clone());
        }
        let Some(target) = &self.target else {
            return Ok(());
        };
        let data: std::borrow::Cow<[u8]> = match &file.content {
            OutputContent::Bytes(b) => b.into(),
            OutputContent::Copy(src) => {
                let path = self.root.join(src);
                std::fs::read(&path)
                    .map_err(|e| Error::io("读取附件", &path, e))?
                    .into()
            }
        };
        if file.path != MARKER {
            let record = FileRecord::of(&data);
            lock(&self.records).push((file.path.clone(), record));
        }
        if target.unchanged(&file.path, &data) {
            return Ok(());
        }
        target.ensure_staging()?;
        let staged = target.staging.join(&file.path);
        write_new(&staged, &data)?;
        crash_point();
        lock(&self.staged).push(file.path);
        Ok(())
    }

    /// Every path produced so far, sorted.
    pub fn paths(&self) -> Vec<String> {
        lock(&self.produced).paths.sorted()
    }

    /// Paths that could not be produced because another file already claimed the path
    /// or a folder it needs, sorted.
    pub fn collisions(&self) -> Vec<Collision> {
        let mut c = lock(&self.produced).collisions.clone();
        c.sort();
        c.dedup();
        c
    }

    /// Hand over the marker, last: it names the folder as gongkai's and carries the
    /// manifest of every file handed over before it (with the build's `fingerprint` and
    /// the diagnostics rendering produced), which lets the next build with the same
    /// inputs skip rendering. Without a fingerprint (`check`), the plain marker.
    pub fn seal(&self, fingerprint: Option<Fingerprint>, notes: &[Diagnostic]) -> Result<()> {
        let text = match fingerprint {
            Some(fingerprint) if self.target.is_some() => {
                let mut records = std::mem::take(&mut *lock(&self.records));
                // Sorted on every core first (each path once: a colliding file is never
                // recorded), so the map is built from sorted keys in one pass.
                rayon::slice::ParallelSliceMut::par_sort_unstable_by(&mut records[..], |a, b| {
                    a.0.cmp(&b.0)
                });
                let files = records.into_iter().collect();
                manifest::marker_text(
                    MARKER_TEXT,
                    &Manifest {
                        fingerprint,
                        notes: notes.to_vec(),
                        files,
                    },
                )
            }
            _ => MARKER_TEXT.to_string(),
        };
        self.put(bytes(MARKER, text))
    }

    /// Whether the published folder is exactly what a build with `fingerprint` produces:
    /// its marker's manifest has that fingerprint, and the folder holds exactly the files
    /// the manifest lists, each with the recorded length and content hash (every file is read:
    /// a hand edit that keeps the length and the modification time is still seen). Then
    /// the diagnostics rendering produced; `None` whenever anything differs or cannot
    /// be read, and the build renders as usual (repairing what was damaged).
    pub fn published_matches(&self, fingerprint: Fingerprint) -> Option<Vec<Diagnostic>> {
        let target = self.target.as_ref()?;
        if !target.out_exists {
            return None;
        }
        let text = std::fs::read_to_string(target.out_dir.join(MARKER)).ok()?;
        let manifest = manifest::parse(&text)?;
        if manifest.fingerprint != fingerprint
            || target.published.len() != manifest.files.len() + 1
            || !target.published.contains_key(MARKER)
        {
            return None;
        }
        let sizes_match = manifest
            .files
            .iter()
            .all(|(path, r)| target.published.get(path) == Some(&r.len));
        if !sizes_match {
            return None;
        }
        let files: Vec<(&String, &FileRecord)> = manifest.files.iter().collect();
        let intact = files.par_iter().all(|(path, r)| {
            std::fs::read(target.out_dir.join(path)).is_ok_and(|data| FileRecord::of(&data) == **r)
        });
        intact.then_some(manifest.notes)
    }

    /// Leave the published folder as it is (it matched, see [`Output::published_matches`]):
    /// nothing written, nothing removed.
    pub fn keep(mut self) -> WriteStats {
        let total = self.target.as_ref().map_or(0, |t| t.published.len());
        if let Some(t) = self.target.as_mut() {
            t.committed = true;
        }
        WriteStats {
            total,
            written: 0,
            removed: 0,
        }
    }

    /// Switch the published site to the new one, all at once.
    pub fn commit(self) -> Result<WriteStats> {
        self.commit_with(Switch::Exchange)
    }

    /// [`Output::commit`] with a chosen switch (the journal is what file systems without
    /// an atomic exchange get; tests exercise it directly).
    pub fn commit_with(mut self, switch: Switch) -> Result<WriteStats> {
        let produced = std::mem::take(&mut lock(&self.produced).paths).into_sorted();
        let mut staged = std::mem::take(&mut *lock(&self.staged));
        rayon::slice::ParallelSliceMut::par_sort_unstable(&mut staged[..]);
        let Some(target) = self.target.as_mut() else {
            return Ok(WriteStats {
                total: produced.len(),
                written: staged.len(),
                removed: 0,
            });
        };
        let removed = target
            .published
            .keys()
            .filter(|p| !produced.contains(*p))
            .count();
        let stats = WriteStats {
            total: produced.len(),
            written: staged.len(),
            removed,
        };
        if staged.is_empty() && removed == 0 && target.out_exists {
            // Nothing changed: the published folder stays exactly as it is.
            target.committed = true;
            if *lock(&target.staging_ready) {
                let _ = remove_ours(&target.staging);
            }
            return Ok(stats);
        }
        target.ensure_staging()?;
        // The rest of the next site: unchanged files, hard-linked from the published one.
        // Every staged path was produced (and staged once), so when as many were staged
        // as produced — always on a first build — there is nothing to link.
        let unchanged = produced.len().saturating_sub(staged.len());
        if unchanged > 0 {
            self.progress.start(Stage::Write, Some(unchanged));
            let staged_set: BTreeSet<&String> = staged.iter().collect();
            for path in produced.iter().filter(|p| !staged_set.contains(p)) {
                self.progress.advance();
                let from = target.out_dir.join(path);
                if path == MARKER {
                    // The next folder has had a plain marker from the start (so it is
                    // always recognisable); the published one carries the manifest: put
                    // it in place in one rename.
                    let tmp = target.staging.join(format!("{MARKER}.next"));
                    link_or_copy(&from, &tmp)?;
                    std::fs::rename(&tmp, target.staging.join(MARKER))
                        .map_err(|e| Error::io("写入临时文件", &tmp, e))?;
                    continue;
                }
                let to = target.staging.join(path);
                link_or_copy(&from, &to)?;
                crash_point();
            }
        }
        let durable = self.durable;
        if durable {
            flush(&target.staging)?;
        }
        crash_point();
        let parent = target.out_dir.parent().unwrap_or(Path::new("."));
        if !target.out_exists {
            std::fs::rename(&target.staging, &target.out_dir)
                .map_err(|e| Error::io("发布输出目录", &target.out_dir, e))?;
            if durable {
                sync_dir(parent);
            }
        } else if switch == Switch::Exchange && exchange(&target.staging, &target.out_dir) {
            if durable {
                sync_dir(parent);
            }
            crash_point();
            // The staging path now holds the old site.
            let _ = remove_ours(&target.staging);
        } else {
            write_journal(&target.journal, &produced, durable)?;
            crash_point();
            replay_journal(&target.out_dir, &target.staging, &target.journal, durable)?;
        }
        target.committed = true;
        Ok(stats)
    }
}

impl Target {
    fn unchanged(&self, path: &str, data: &[u8]) -> bool {
        self.published.get(path) == Some(&(data.len() as u64))
            && std::fs::read(self.out_dir.join(path)).is_ok_and(|existing| existing == data)
    }

    /// The next folder is created on the first changed file, so an unchanged rebuild
    /// creates nothing. The marker goes in first: a folder under this name without it
    /// is not ours.
    fn ensure_staging(&self) -> Result<()> {
        let mut ready = lock(&self.staging_ready);
        if !*ready {
            std::fs::create_dir(&self.staging)
                .map_err(|e| Error::io("创建临时目录", &self.staging, e))?;
            write_new(&self.staging.join(MARKER), MARKER_TEXT.as_bytes())?;
            *ready = true;
        }
        Ok(())
    }
}

impl Drop for Output {
    fn drop(&mut self) {
        if let Some(t) = &self.target {
            if !t.committed && *lock(&t.staging_ready) {
                let _ = remove_ours(&t.staging);
            }
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Where an output folder really is: a symbolic link named as the output is followed
/// once (it is the officer's own setting), so the next folder and the lock sit beside
/// the real folder and the switch replaces the real folder, never the link.
fn real_output_path(out_dir: &Path) -> Result<PathBuf> {
    if out_dir.exists() {
        return std::fs::canonicalize(out_dir).map_err(|e| Error::io("读取输出目录", out_dir, e));
    }
    let name = out_dir
        .file_name()
        .ok_or_else(|| Error::Usage(format!("输出目录 {} 不是有效的目录名", out_dir.display())))?;
    let parent = match out_dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent)
        .map_err(|e| Error::io("创建输出目录的上级目录", &parent, e))?;
    let parent = std::fs::canonicalize(&parent)
        .map_err(|e| Error::io("读取输出目录的上级目录", &parent, e))?;
    Ok(parent.join(name))
}

#[cfg(unix)]
fn take_lock(path: &Path, out_dir: &Path) -> Result<std::fs::File> {
    use rustix::fs::{flock, FlockOperation};
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
        .map_err(|e| Error::io("创建输出目录锁文件", path, e))?;
    match flock(&file, FlockOperation::NonBlockingLockExclusive) {
        Ok(()) => Ok(file),
        Err(e) if e == rustix::io::Errno::WOULDBLOCK => Err(Error::OutputLocked {
            path: out_dir.to_path_buf(),
        }),
        Err(e) => Err(Error::io("锁定输出目录", path, e.into())),
    }
}

#[cfg(not(unix))]
fn take_lock(path: &Path, _out_dir: &Path) -> Result<std::fs::File> {
    std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
        .map_err(|e| Error::io("创建输出目录锁文件", path, e))
}

/// A leftover next folder (from a build that was killed) is deleted only when it is
/// recognisably gongkai's: it holds the marker, or nothing at all.
fn remove_leftover_staging(staging: &Path) -> Result<()> {
    let meta = staging
        .symlink_metadata()
        .map_err(|e| Error::io("读取临时目录", staging, e))?;
    let ours = meta.is_dir()
        && (staging
            .join(MARKER)
            .symlink_metadata()
            .is_ok_and(|m| m.is_file())
            || std::fs::read_dir(staging).is_ok_and(|mut d| d.next().is_none()));
    if !ours {
        return Err(Error::ForeignStaging {
            path: staging.to_path_buf(),
        });
    }
    remove_ours(staging).map_err(|e| Error::io("清理上次中断构建的临时目录", staging, e))
}

/// Delete one of gongkai's folders with its marker last, so a deletion stopped half-way
/// leaves a folder the next build still recognises (and finishes deleting).
fn remove_ours(dir: &Path) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_name() == MARKER {
            continue;
        }
        if entry.file_type()?.is_dir() {
            std::fs::remove_dir_all(entry.path())?;
        } else {
            std::fs::remove_file(entry.path())?;
        }
        crash_point();
    }
    match std::fs::remove_file(dir.join(MARKER)) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    std::fs::remove_dir(dir)
}

/// Read what is published: regular files and sizes. Refuses a folder gongkai did not
/// create, a symbolic link anywhere inside (writing through it would change files
/// outside the output), and read-only entries (the switch could not complete).
fn scan_output(out_dir: &Path) -> Result<(bool, BTreeMap<String, u64>)> {
    let mut published = BTreeMap::new();
    let Ok(meta) = out_dir.symlink_metadata() else {
        return Ok((false, published));
    };
    if !meta.is_dir() {
        return Err(Error::OutputUnsafe {
            path: out_dir.to_path_buf(),
            reason: "不是目录",
        });
    }
    let has_marker = out_dir
        .join(MARKER)
        .symlink_metadata()
        .is_ok_and(|m| m.is_file());
    let empty = std::fs::read_dir(out_dir)
        .map_err(|e| Error::io("读取输出目录", out_dir, e))?
        .next()
        .is_none();
    if !has_marker && !empty {
        return Err(Error::ForeignOutput {
            path: out_dir.to_path_buf(),
        });
    }
    if read_only(&meta) {
        return Err(Error::OutputUnsafe {
            path: out_dir.to_path_buf(),
            reason: "是只读的；为避免只替换一部分文件，未做任何改动",
        });
    }
    published.extend(scan_dir(out_dir, "")?);
    Ok((true, published))
}

/// The files below `dir` (`prefix` is its `/`-path inside the output), with the checks of
/// [`scan_output`], reporting the first problem in name order as a sorted walk would.
/// Folders are read in parallel and each entry's metadata is asked of its folder, not by
/// full path: an unchanged rebuild of a large site spent a seventh of its time here.
fn scan_dir(dir: &Path, prefix: &str) -> Result<Vec<(String, u64)>> {
    let mut entries = std::fs::read_dir(dir)
        .and_then(|it| it.collect::<std::io::Result<Vec<_>>>())
        .map_err(|e| Error::io("读取输出目录", dir, e))?;
    entries.sort_by_key(|e| e.file_name());
    let found: Vec<Result<Vec<(String, u64)>>> = entries
        .par_iter()
        .map(|entry| {
            let path = entry.path();
            let name = entry.file_name();
            let rel = if prefix.is_empty() {
                name.to_string_lossy().into_owned()
            } else {
                format!("{prefix}/{}", name.to_string_lossy())
            };
            let meta = entry
                .metadata()
                .map_err(|e| Error::io("读取输出目录", &path, e))?;
            let ft = meta.file_type();
            if ft.is_symlink() {
                return Err(Error::OutputUnsafe {
                    path,
                    reason: "是符号链接；gongkai 不会通过链接写入或删除链接指向的文件",
                });
            }
            if read_only(&meta) {
                return Err(Error::OutputUnsafe {
                    path,
                    reason: "是只读的；为避免只替换一部分文件，未做任何改动",
                });
            }
            if ft.is_file() {
                Ok(vec![(rel, meta.len())])
            } else if ft.is_dir() {
                scan_dir(&path, &rel)
            } else {
                Err(Error::OutputUnsafe {
                    path,
                    reason: "不是普通文件或目录",
                })
            }
        })
        .collect();
    let mut out = Vec::new();
    for f in found {
        out.extend(f?);
    }
    Ok(out)
}

/// Read-only by the owner's write bit (root ignores permissions, so asking the kernel
/// would not tell).
#[cfg(unix)]
fn read_only(meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode() & 0o200 == 0
}

#[cfg(not(unix))]
fn read_only(meta: &std::fs::Metadata) -> bool {
    meta.permissions().readonly()
}

fn write_new(path: &Path, data: &[u8]) -> Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| Error::io("创建临时目录", dir, e))?;
    }
    std::fs::write(path, data).map_err(|e| Error::io("写入临时文件", path, e))
}

fn link_or_copy(from: &Path, to: &Path) -> Result<()> {
    if let Some(dir) = to.parent() {
        std::fs::create_dir_all(dir).map_err(|e| Error::io("创建临时目录", dir, e))?;
    }
    if std::fs::hard_link(from, to).is_ok() {
        return Ok(());
    }
    std::fs::copy(from, to)
        .map(|_| ())
        .map_err(|e| Error::io("复制未变化的文件", from, e))
}

/// Make the next folder durable before it becomes the published one, so a power loss
/// after the switch cannot leave empty files (only with `durable_output`, see
/// [`Output::durable`]).
#[cfg(target_os = "linux")]
fn flush(dir: &Path) -> Result<()> {
    let f = std::fs::File::open(dir).map_err(|e| Error::io("打开临时目录", dir, e))?;
    rustix::fs::syncfs(&f).map_err(|e| Error::io("写入磁盘", dir, e.into()))
}

#[cfg(not(target_os = "linux"))]
fn flush(dir: &Path) -> Result<()> {
    for entry in walkdir::WalkDir::new(dir).follow_links(false) {
        let entry = entry.map_err(|e| Error::io("读取临时目录", dir, e.into()))?;
        if entry.file_type().is_file() {
            std::fs::File::open(entry.path())
                .and_then(|f| f.sync_all())
                .map_err(|e| Error::io("写入磁盘", entry.path(), e))?;
        }
    }
    Ok(())
}

fn sync_dir(dir: &Path) {
    if let Ok(f) = std::fs::File::open(dir) {
        let _ = f.sync_all();
    }
}

/// Swap two folders in one step. `false` when the file system cannot (then the journal
/// is used).
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> bool {
    use rustix::fs::{renameat_with, RenameFlags, CWD};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).is_ok()
}

#[cfg(not(target_os = "linux"))]
fn exchange(_a: &Path, _b: &Path) -> bool {
    false
}

/// The journal lists every file of the next site; it is written (and, when `durable`,
/// flushed) only once the next folder is complete, so its presence means "finish moving".
fn write_journal(journal: &Path, produced: &BTreeSet<String>, durable: bool) -> Result<()> {
    let mut text = String::from("gongkai-journal 1\n");
    for p in produced {
        text.push_str(p);
        text.push('\n');
    }
    let mut f =
        std::fs::File::create(journal).map_err(|e| Error::io("写入发布日志", journal, e))?;
    f.write_all(text.as_bytes())
        .and_then(|_| if durable { f.sync_all() } else { Ok(()) })
        .map_err(|e| Error::io("写入发布日志", journal, e))?;
    if durable {
        sync_dir(journal.parent().unwrap_or(Path::new(".")));
    }
    Ok(())
}

/// Finish a journaled switch: move every file still in the next folder into place (by
/// rename, so no reader sees half a file), remove published files the journal does not
/// list, then drop the next folder and the journal. Safe to run again after any stop.
/// `durable`: wait for the disk where files are copied and once the journal is gone.
fn replay_journal(out_dir: &Path, staging: &Path, journal: &Path, durable: bool) -> Result<()> {
    let text =
        std::fs::read_to_string(journal).map_err(|e| Error::io("读取发布日志", journal, e))?;
    let mut lines = text.lines();
    if lines.next() != Some("gongkai-journal 1") {
        return Err(Error::OutputUnsafe {
            path: journal.to_path_buf(),
            reason: "不是 gongkai 的发布日志",
        });
    }
    let produced: BTreeSet<String> = lines.map(str::to_string).collect();
    std::fs::create_dir_all(out_dir).map_err(|e| Error::io("创建输出目录", out_dir, e))?;
    // The marker first: should anything below stop, the folder is still recognised.
    let mut order: Vec<&String> = produced.iter().collect();
    order.sort_by_key(|p| p.as_str() != MARKER);
    for path in order {
        let from = staging.join(path);
        if from.symlink_metadata().is_err() {
            continue;
        }
        let to = out_dir.join(path);
        clear_way(out_dir, path)?;
        let dir = to.parent().unwrap_or(out_dir);
        std::fs::create_dir_all(dir).map_err(|e| Error::io("创建目录", dir, e))?;
        if std::fs::rename(&from, &to).is_err() {
            // The output folder is a mount point: copy beside the target, then rename.
            move_across(&from, &to, durable)?;
        }
        crash_point();
    }
    remove_stale(out_dir, &produced)?;
    if staging.exists() {
        let _ = remove_ours(staging);
    }
    std::fs::remove_file(journal).map_err(|e| Error::io("删除发布日志", journal, e))?;
    if durable {
        sync_dir(journal.parent().unwrap_or(Path::new(".")));
    }
    Ok(())
}

/// A file where the new site needs a folder (or the reverse) is removed first.
fn clear_way(out_dir: &Path, path: &str) -> Result<()> {
    let mut at = out_dir.to_path_buf();
    let parts: Vec<&str> = path.split('/').collect();
    for (i, part) in parts.iter().enumerate() {
        at.push(part);
        let Ok(meta) = at.symlink_metadata() else {
            return Ok(());
        };
        let last = i + 1 == parts.len();
        if !last && !meta.is_dir() {
            std::fs::remove_file(&at).map_err(|e| Error::io("删除过期文件", &at, e))?;
            return Ok(());
        }
        if last && meta.is_dir() {
            std::fs::remove_dir_all(&at).map_err(|e| Error::io("删除过期目录", &at, e))?;
        }
    }
    Ok(())
}

fn move_across(from: &Path, to: &Path, durable: bool) -> Result<()> {
    let dir = to.parent().unwrap_or(to);
    let mut tmp = tempfile::Builder::new()
        .prefix(".gongkai-tmp-")
        .tempfile_in(dir)
        .map_err(|e| Error::io("创建临时文件", dir, e))?;
    let data = std::fs::read(from).map_err(|e| Error::io("读取临时文件", from, e))?;
    tmp.write_all(&data)
        .and_then(|_| {
            if durable {
                tmp.as_file().sync_all()
            } else {
                Ok(())
            }
        })
        .map_err(|e| Error::io("写入临时文件", tmp.path().to_path_buf(), e))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o644));
    }
    tmp.persist(to)
        .map_err(|e| Error::io("写入文件", to, e.error))?;
    Ok(())
}

/// Fault injection for the crash tests: with `GONGKAI_CRASH_AFTER=N` the process
/// aborts (no clean-up, like `kill -9`) at the N-th step of the write phase.
fn crash_point() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::OnceLock;
    static LIMIT: OnceLock<Option<usize>> = OnceLock::new();
    static STEPS: AtomicUsize = AtomicUsize::new(0);
    let limit = LIMIT.get_or_init(|| {
        std::env::var("GONGKAI_CRASH_AFTER")
            .ok()
            .and_then(|v| v.parse().ok())
    });
    if let Some(limit) = limit {
        if STEPS.fetch_add(1, Ordering::SeqCst) + 1 >= *limit {
            std::process::abort();
        }
    }
}

/// Why an output folder cannot be used because it overlaps the site's sources, if it
/// does: the site root itself or a folder above it, or inside (or above) `content/`,
/// `templates/`, `static/` or `themes/`. Both paths absolute and normalised.
pub fn overlap(root: &Path, out: &Path) -> Option<String> {
    if out == root || root.starts_with(out) {
        return Some("是站点根目录或其上级目录".into());
    }
    for name in ["content", "templates", "static", "themes"] {
        let source = root.join(name);
        if out.starts_with(&source) || source.starts_with(out) {
            return Some(format!("与站点的 {name}/ 目录重叠"));
        }
    }
    None
}

/// `path` made absolute and free of `.`/`..`, following symbolic links in the part
/// that exists (so two names for one folder compare equal).
pub fn normalise(path: &Path) -> PathBuf {
    let abs = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .unwrap_or_else(|_| PathBuf::from("/"))
            .join(path)
    };
    let mut existing = abs.clone();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.file_name(), existing.parent()) {
            (Some(n), Some(p)) => {
                rest.push(n.to_os_string());
                existing = p.to_path_buf();
            }
            _ => break,
        }
    }
    let mut out = std::fs::canonicalize(&existing).unwrap_or(existing);
    for part in rest.into_iter().rev() {
        match part.to_str() {
            Some("..") => {
                out.pop();
            }
            Some(".") => {}
            _ => out.push(part),
        }
    }
    out
}

/// The disk is one place render's pages can go.
impl Sink for Output {
    fn put(&self, file: OutputFile) -> Result<()> {
        Output::put(self, file)
    }

    fn paths(&self) -> Vec<String> {
        Output::paths(self)
    }

    fn collisions(&self) -> Vec<Collision> {
        Output::collisions(self)
    }

    fn keeps_manifest(&self) -> bool {
        self.target.is_some()
    }

    fn already_holds(&self, fingerprint: &crate::digest::Digest) -> Option<Vec<Diagnostic>> {
        self.published_matches(Fingerprint(*fingerprint))
    }

    fn seal(&self, fingerprint: &crate::digest::Digest, notes: &[Diagnostic]) -> Result<()> {
        Output::seal(self, Some(Fingerprint(*fingerprint)), notes)
    }
}

/// Add sitemap, feed and robots.txt, once every page is in: the sitemap lists the pages
/// put so far. The marker too, unless the sink keeps a manifest: then it comes last,
/// from [`Sink::seal`].
pub fn finish(site: &Site, output: &dyn Sink) -> Result<()> {
    finish_files(site, output, true)
}

/// [`finish`] for `gongkai check`, which renders no page: the same files handed over by
/// path only (empty), so that a collision with one of them is found all the same.
pub fn finish_paths(site: &Site, output: &dyn Sink) -> Result<()> {
    finish_files(site, output, false)
}

/// The sitemap files as [`finish`] writes them (`sitemap.xml`, and when the pages do not
/// fit in one file, the parts it indexes), path and text, from the output's HTML pages
/// (`…index.html`, in path order): for the preview server, which writes them again only
/// when the pages or the documents' URLs and dates changed.
pub fn sitemap_files(site: &Site, html_pages: &[String]) -> Vec<(String, String)> {
    sitemap::sitemap_files(site, html_pages, sitemap::URLS_PER_FILE)
}

/// The sitemap files as [`sitemap_files`] makes them, from the pages'
/// [`sitemap_entry`] lines in page order: for the preview server, which keeps the lines
/// and makes again only those of pages that came, went or changed.
pub fn sitemap_files_of(base_url: &str, entries: &[&str]) -> Vec<(String, String)> {
    sitemap::sitemap_files_of(base_url, entries, sitemap::URLS_PER_FILE)
}

pub use sitemap::{is_sitemap_path, lastmods as sitemap_lastmods, sitemap_entry};

/// `feed.xml` as [`finish`] writes it.
pub fn feed_text(site: &Site) -> String {
    feed::atom(site)
}

/// Where [`finish`] puts the sitemap and the feed.
pub const SITEMAP_PATH: &str = "sitemap.xml";
/// See [`SITEMAP_PATH`].
pub const FEED_PATH: &str = "feed.xml";

fn finish_files(site: &Site, output: &dyn Sink, with_content: bool) -> Result<()> {
    let file = |path: &str, text: &dyn Fn() -> String| {
        bytes(path, if with_content { text() } else { String::new() })
    };
    let html_pages: Vec<String> = output
        .paths()
        .into_iter()
        .filter(|p| p.ends_with("index.html"))
        .collect();
    let mut extra: Vec<OutputFile> = if with_content {
        sitemap_files(site, &html_pages)
            .into_iter()
            .map(|(path, text)| bytes(&path, text))
            .collect()
    } else {
        sitemap::sitemap_paths(html_pages.len(), sitemap::URLS_PER_FILE)
            .iter()
            .map(|path| bytes(path, String::new()))
            .collect()
    };
    extra.push(file(FEED_PATH, &|| feed_text(site)));
    extra.push(file("robots.txt", &|| {
        format!(
            "User-agent: *\nAllow: /\nSitemap: {}sitemap.xml\n",
            site.config.base_url
        )
    }));
    // The sitemap parts of a large site are megabytes each: hashed and written on every core.
    extra.into_par_iter().try_for_each(|f| output.put(f))?;
    if !output.keeps_manifest() {
        output.put(bytes(MARKER, MARKER_TEXT.to_string()))?;
    }
    Ok(())
}

fn bytes(path: &str, text: String) -> OutputFile {
    OutputFile {
        path: path.into(),
        content: OutputContent::Bytes(text.into_bytes()),
    }
}

/// Remove published files the journal does not list, then folders left empty.
fn remove_stale(out_dir: &Path, produced: &BTreeSet<String>) -> Result<usize> {
    let mut removed = 0;
    let mut dirs = Vec::new();
    for entry in walkdir::WalkDir::new(out_dir)
        .follow_links(false)
        .sort_by_file_name()
    {
        let entry = entry.map_err(|e| Error::io("读取输出目录", out_dir, e.into()))?;
        if entry.file_type().is_dir() {
            if entry.depth() > 0 {
                dirs.push(entry.path().to_path_buf());
            }
            continue;
        }
        if !produced.contains(&url_path(out_dir, entry.path())) {
            std::fs::remove_file(entry.path())
                .map_err(|e| Error::io("删除过期文件", entry.path(), e))?;
            removed += 1;
        }
    }
    dirs.sort_by_key(|d| std::cmp::Reverse(d.components().count()));
    for d in dirs {
        if std::fs::read_dir(&d).is_ok_and(|mut it| it.next().is_none()) {
            let _ = std::fs::remove_dir(&d);
        }
    }
    Ok(removed)
}

/// Escape text for XML (the one escaping helper, for XML).
pub(crate) use crate::text::escape_xml as xml_escape;

/// Percent-encode a site-relative path for an absolute URL (keeps `/`).
pub(crate) fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A file's path below the output folder in the `/`-separated form pages are keyed by,
/// so the published-file scan and the stale-file sweep compare the same strings.
fn url_path(out_dir: &Path, path: &Path) -> String {
    let parts: Vec<String> = path
        .strip_prefix(out_dir)
        .unwrap_or(path)
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(paths: &[&str]) -> BTreeSet<String> {
        paths.iter().map(|p| p.to_string()).collect()
    }

    #[test]
    fn collisions_are_found_between_files_and_folders() {
        let s = set(&["feed.xml", "policies/index.html", "static/js/search.js"]);
        assert_eq!(collision_with(&s, "feed.xml").as_deref(), Some("feed.xml"));
        assert_eq!(
            collision_with(&s, "feed.xml/index.html").as_deref(),
            Some("feed.xml")
        );
        assert_eq!(
            collision_with(&s, "policies/index.html/index.html").as_deref(),
            Some("policies/index.html")
        );
        assert_eq!(
            collision_with(&s, "static/js").as_deref(),
            Some("static/js/search.js")
        );
        assert_eq!(collision_with(&s, "static/js/a.js"), None);
        assert_eq!(collision_with(&s, "feed.xml2"), None);
        assert_eq!(collision_with(&s, "policies/index"), None);
    }

    #[test]
    fn output_overlapping_the_sources_is_named() {
        let root = Path::new("/site");
        assert!(overlap(root, Path::new("/site")).is_some());
        assert!(overlap(root, Path::new("/")).is_some());
        assert!(overlap(root, Path::new("/site/static")).is_some());
        assert!(overlap(root, Path::new("/site/content/out")).is_some());
        assert!(overlap(root, Path::new("/site/themes/a/static")).is_some());
        assert!(overlap(root, Path::new("/site/templates")).is_some());
        assert_eq!(overlap(root, Path::new("/site/public")), None);
        assert_eq!(overlap(root, Path::new("/site/contents")), None);
        assert_eq!(overlap(root, Path::new("/var/www")), None);
    }

    fn file(path: &str, text: &str) -> OutputFile {
        OutputFile {
            path: path.into(),
            content: OutputContent::Bytes(text.as_bytes().to_vec()),
        }
    }

    fn tree(dir: &Path) -> Vec<(String, String)> {
        let mut v = Vec::new();
        for e in walkdir::WalkDir::new(dir).sort_by_file_name() {
            let e = e.unwrap();
            if e.file_type().is_file() {
                let rel = e
                    .path()
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                v.push((rel, std::fs::read_to_string(e.path()).unwrap()));
            }
        }
        v
    }

    fn publish(out: &Path, files: &[(&str, &str)], switch: Switch) -> WriteStats {
        publish_with(out, files, switch, false)
    }

    fn publish_with(
        out: &Path,
        files: &[(&str, &str)],
        switch: Switch,
        durable: bool,
    ) -> WriteStats {
        let o = Output::to_dir(Path::new("."), out)
            .unwrap()
            .durable(durable);
        o.put(file(MARKER, MARKER_TEXT)).unwrap();
        for (p, t) in files {
            o.put(file(p, t)).unwrap();
        }
        o.commit_with(switch).unwrap()
    }

    /// Both switches, waiting for the disk or not (`durable_output`), give one site.
    #[test]
    fn the_journal_switch_gives_the_same_site_as_the_exchange() {
        let dir = tempfile::tempdir().unwrap();
        let old = [("index.html", "旧"), ("a/index.html", "甲"), ("b", "文件")];
        let new = [
            ("index.html", "新"),
            ("a/index.html", "甲"),
            ("b/index.html", "目录"),
        ];
        let ways = [Switch::Exchange, Switch::Journal]
            .into_iter()
            .flat_map(|s| [(s, false), (s, true)]);
        for (switch, durable) in ways {
            let out = dir.path().join(format!("{switch:?}-{durable}"));
            publish_with(&out, &old, switch, durable);
            let stats = publish_with(&out, &new, switch, durable);
            assert_eq!(stats.written, 2);
            assert_eq!(stats.removed, 1);
            let got = tree(&out);
            let names: Vec<&str> = got.iter().map(|(p, _)| p.as_str()).collect();
            assert_eq!(
                names,
                [MARKER, "a/index.html", "b/index.html", "index.html"]
            );
            assert!(got.contains(&("index.html".into(), "新".into())));
        }
    }

    #[test]
    fn an_interrupted_journaled_switch_is_completed_by_the_next_build() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        publish(
            &out,
            &[("index.html", "旧"), ("old/index.html", "旧")],
            Switch::Exchange,
        );
        // What a build killed in the middle of a journaled switch leaves: the journal,
        // the next folder with some files already moved, the output half old, half new.
        let staging = dir.path().join(".public.gongkai-staging");
        let journal = dir.path().join(".public.gongkai-journal");
        std::fs::create_dir_all(staging.join("new")).unwrap();
        std::fs::write(staging.join(MARKER), MARKER_TEXT).unwrap();
        std::fs::write(staging.join("new/index.html"), "新").unwrap();
        std::fs::write(out.join("index.html"), "新").unwrap();
        write_journal(
            &journal,
            &set(&[MARKER, "index.html", "new/index.html"]),
            true,
        )
        .unwrap();
        let o = Output::to_dir(Path::new("."), &out).unwrap();
        assert!(!journal.exists() && !staging.exists());
        drop(o);
        let names: Vec<String> = tree(&out).into_iter().map(|(p, _)| p).collect();
        assert_eq!(names, [MARKER, "index.html", "new/index.html"]);
    }

    #[test]
    fn an_uncommitted_output_leaves_no_trace() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        publish(&out, &[("index.html", "旧")], Switch::Exchange);
        let before = tree(&out);
        let o = Output::to_dir(Path::new("."), &out).unwrap();
        o.put(file("index.html", "新")).unwrap();
        drop(o);
        assert_eq!(tree(&out), before);
        assert!(!dir.path().join(".public.gongkai-staging").exists());
    }
}
