//! Output: the only stage that touches the output directory.
//!
//! It adds the machine-readable files (`sitemap.xml`, the Atom feed, `robots.txt`, the
//! search index), stages only files whose bytes changed, and — when the build has no
//! error — moves them into place by rename, so no visitor ever sees half a page, and
//! removes files the build no longer produces. An unchanged rebuild writes nothing. A
//! folder that gongkai did not create is never cleaned: deleting someone's files is
//! worse than any build failure.

mod feed;
mod sitemap;

use crate::error::{Error, Result};
use crate::link::Site;
use crate::progress::{Progress, Silent, Stage};
use crate::render::{OutputContent, OutputFile, Rendered};
use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// The file that marks a folder as gongkai's output (and so safe to clean).
pub const MARKER: &str = ".gongkai-output";

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

/// Where rendered files go.
///
/// Pages are handed over one at a time as they are rendered, so a large site never sits
/// in memory whole. A file whose bytes equal the published one is only recorded; a new or
/// changed one is written into a *staging* folder beside the output. Nothing reaches the
/// output folder until [`Output::commit`], which the build calls only when no error was
/// found; dropping an uncommitted `Output` deletes the staging folder.
pub struct Output {
    root: PathBuf,
    target: Option<Target>,
    produced: Mutex<BTreeSet<String>>,
    staged: Mutex<Vec<String>>,
    duplicates: Mutex<Vec<String>>,
    progress: Arc<dyn Progress>,
}

struct Target {
    out_dir: PathBuf,
    staging: PathBuf,
    committed: bool,
}

impl Output {
    /// Render and forget (`gongkai check`): every file is produced, none is kept.
    pub fn discard(root: &Path) -> Output {
        Output::new(root, None)
    }

    /// Write into `out_dir`. Refuses a non-empty folder that gongkai did not create.
    pub fn to_dir(root: &Path, out_dir: &Path) -> Result<Output> {
        if out_dir.exists() {
            let has_marker = out_dir.join(MARKER).is_file();
            let empty = std::fs::read_dir(out_dir)
                .map_err(|e| Error::io("读取输出目录", out_dir, e))?
                .next()
                .is_none();
            if !has_marker && !empty {
                return Err(Error::ForeignOutput {
                    path: out_dir.to_path_buf(),
                });
            }
        }
        let name = out_dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "public".into());
        let staging = out_dir.with_file_name(format!(".{name}.gongkai-staging"));
        // A staging folder left by an interrupted build holds nothing anyone needs.
        if staging.exists() {
            std::fs::remove_dir_all(&staging)
                .map_err(|e| Error::io("清理上次中断构建的临时目录", &staging, e))?;
        }
        Ok(Output::new(
            root,
            Some(Target {
                out_dir: out_dir.to_path_buf(),
                staging,
                committed: false,
            }),
        ))
    }

    fn new(root: &Path, target: Option<Target>) -> Output {
        Output {
            root: root.to_path_buf(),
            target,
            produced: Mutex::new(BTreeSet::new()),
            staged: Mutex::new(Vec::new()),
            duplicates: Mutex::new(Vec::new()),
            progress: Arc::new(Silent),
        }
    }

    /// Count every file handed over and every file moved into place into `progress`.
    pub fn observed(mut self, progress: Arc<dyn Progress>) -> Output {
        self.progress = progress;
        self
    }

    /// Hand over one file. Safe to call from many threads.
    pub fn put(&self, file: OutputFile) -> Result<()> {
        self.progress.advance();
        let fresh = lock(&self.produced).insert(file.path.clone());
        if !fresh {
            lock(&self.duplicates).push(file.path);
            return Ok(());
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
        let published = target.out_dir.join(&file.path);
        if same_bytes(&published, &data) {
            return Ok(());
        }
        let staged = target.staging.join(&file.path);
        let dir = staged.parent().unwrap_or(&target.staging);
        std::fs::create_dir_all(dir).map_err(|e| Error::io("创建临时目录", dir, e))?;
        std::fs::write(&staged, &data).map_err(|e| Error::io("写入临时文件", &staged, e))?;
        lock(&self.staged).push(file.path);
        Ok(())
    }

    /// Every path produced so far, sorted.
    pub fn paths(&self) -> Vec<String> {
        lock(&self.produced).iter().cloned().collect()
    }

    /// Paths that were produced twice (two things claiming one URL), sorted.
    pub fn duplicates(&self) -> Vec<String> {
        let mut d = lock(&self.duplicates).clone();
        d.sort();
        d.dedup();
        d
    }

    /// Move every staged file into the output folder (each by rename, so no reader sees
    /// half a file), then remove files the build no longer produces.
    pub fn commit(mut self) -> Result<WriteStats> {
        let produced = std::mem::take(&mut *lock(&self.produced));
        let mut staged = std::mem::take(&mut *lock(&self.staged));
        staged.sort();
        let mut stats = WriteStats {
            total: produced.len(),
            written: staged.len(),
            removed: 0,
        };
        let Some(target) = self.target.as_mut() else {
            return Ok(stats);
        };
        std::fs::create_dir_all(&target.out_dir)
            .map_err(|e| Error::io("创建输出目录", &target.out_dir, e))?;
        // The marker first: should anything below fail, the folder is still recognised
        // as ours next time.
        staged.sort_by_key(|p| p != MARKER);
        self.progress.start(Stage::Write, Some(staged.len()));
        for path in &staged {
            self.progress.advance();
            let from = target.staging.join(path);
            let to = target.out_dir.join(path);
            let dir = to.parent().unwrap_or(&target.out_dir);
            std::fs::create_dir_all(dir).map_err(|e| Error::io("创建目录", dir, e))?;
            if std::fs::rename(&from, &to).is_err() {
                // Staging on another file system (the output folder is a mount point):
                // copy beside the target, then rename there.
                move_across(&from, &to)?;
            }
        }
        stats.removed = remove_stale(&target.out_dir, &produced)?;
        target.committed = true;
        let _ = std::fs::remove_dir_all(&target.staging);
        Ok(stats)
    }
}

impl Drop for Output {
    fn drop(&mut self) {
        if let Some(t) = &self.target {
            if !t.committed && t.staging.exists() {
                let _ = std::fs::remove_dir_all(&t.staging);
            }
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn same_bytes(path: &Path, data: &[u8]) -> bool {
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_file() && meta.len() == data.len() as u64 => std::fs::read(path)
            .map(|existing| existing == data)
            .unwrap_or(false),
        _ => false,
    }
}

fn move_across(from: &Path, to: &Path) -> Result<()> {
    let dir = to.parent().unwrap_or(to);
    let mut tmp = tempfile::Builder::new()
        .prefix(".gongkai-tmp-")
        .tempfile_in(dir)
        .map_err(|e| Error::io("创建临时文件", dir, e))?;
    let data = std::fs::read(from).map_err(|e| Error::io("读取临时文件", from, e))?;
    tmp.write_all(&data)
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

/// Add sitemap, feed, robots.txt, the marker and the search index.
pub fn finish(site: &Site, rendered: Rendered, output: &Output) -> Result<()> {
    let Rendered { search_docs, .. } = rendered;
    let html_pages: Vec<String> = output
        .paths()
        .into_iter()
        .filter(|p| p.ends_with("index.html"))
        .collect();
    let mut extra = vec![
        bytes("sitemap.xml", sitemap::sitemap_xml(site, &html_pages)),
        bytes("feed.xml", feed::atom(site)),
        bytes(
            "robots.txt",
            format!(
                "User-agent: *\nAllow: /\nSitemap: {}sitemap.xml\n",
                site.config.base_url
            ),
        ),
        bytes(
            MARKER,
            "此目录由 gongkai 生成；构建时会更新或删除其中的文件。\n".to_string(),
        ),
    ];
    for (path, data) in crate::search::build_index(&search_docs) {
        extra.push(OutputFile {
            path,
            content: OutputContent::Bytes(data),
        });
    }
    for f in extra {
        output.put(f)?;
    }
    Ok(())
}

fn bytes(path: &str, text: String) -> OutputFile {
    OutputFile {
        path: path.into(),
        content: OutputContent::Bytes(text.into_bytes()),
    }
}

/// Remove files (and then empty folders) that the build no longer produces.
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
        let rel = entry.path().strip_prefix(out_dir).unwrap_or(entry.path());
        let rel: Vec<String> = rel
            .iter()
            .map(|p| p.to_string_lossy().into_owned())
            .collect();
        if !produced.contains(&rel.join("/")) {
            std::fs::remove_file(entry.path())
                .map_err(|e| Error::io("删除过期文件", entry.path(), e))?;
            removed += 1;
        }
    }
    // Deepest first, so parents empty out after their children.
    dirs.sort_by_key(|d| std::cmp::Reverse(d.components().count()));
    for d in dirs {
        if std::fs::read_dir(&d)
            .map(|mut it| it.next().is_none())
            .unwrap_or(false)
        {
            let _ = std::fs::remove_dir(&d);
        }
    }
    Ok(removed)
}

/// Escape text for XML.
pub(crate) fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

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
