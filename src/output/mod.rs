//! Output: the only stage that touches the output directory.
//!
//! It adds the machine-readable files (`sitemap.xml`, the Atom feed, `robots.txt`, the
//! search index), then writes only files whose bytes changed, each through a temporary
//! file and a rename so no visitor ever sees half a page, and removes files the build no
//! longer produces. An unchanged rebuild writes nothing. A folder that gongkai did not
//! create is never cleaned: deleting someone's files is worse than any build failure.

mod feed;
mod sitemap;

use crate::error::{Error, Result};
use crate::link::Site;
use crate::render::{OutputContent, OutputFile, Rendered};
use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};

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

/// Add sitemap, feed, robots.txt and search index to the rendered pages.
pub fn finish(site: &Site, rendered: Rendered) -> Vec<OutputFile> {
    let Rendered { mut files, search_docs, .. } = rendered;
    let mut extra = vec![
        bytes("sitemap.xml", sitemap::sitemap_xml(site, &files)),
        bytes("feed.xml", feed::atom(site)),
        bytes(
            "robots.txt",
            format!("User-agent: *\nAllow: /\nSitemap: {}sitemap.xml\n", site.config.base_url),
        ),
        bytes(MARKER, "此目录由 gongkai 生成；构建时会更新或删除其中的文件。\n".to_string()),
    ];
    for (path, data) in crate::search::build_index(&search_docs) {
        extra.push(OutputFile { path, content: OutputContent::Bytes(data) });
    }
    files.extend(extra);
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files
}

fn bytes(path: &str, text: String) -> OutputFile {
    OutputFile { path: path.into(), content: OutputContent::Bytes(text.into_bytes()) }
}

/// Write `files` into `out_dir` (site files are copied from `root`).
pub fn write(root: &Path, out_dir: &Path, files: &[OutputFile]) -> Result<WriteStats> {
    if out_dir.exists() {
        let has_marker = out_dir.join(MARKER).is_file();
        let empty = std::fs::read_dir(out_dir)
            .map_err(|e| Error::io("读取输出目录", out_dir, e))?
            .next()
            .is_none();
        if !has_marker && !empty {
            return Err(Error::ForeignOutput { path: out_dir.to_path_buf() });
        }
    }
    std::fs::create_dir_all(out_dir).map_err(|e| Error::io("创建输出目录", out_dir, e))?;

    use rayon::prelude::*;
    let results: Vec<Result<bool>> = files.par_iter().map(|f| write_one(root, out_dir, f)).collect();
    let mut stats = WriteStats { total: files.len(), ..Default::default() };
    for r in results {
        if r? {
            stats.written += 1;
        }
    }
    stats.removed = remove_stale(out_dir, files)?;
    Ok(stats)
}

/// Write one file if its bytes differ; true when written.
fn write_one(root: &Path, out_dir: &Path, f: &OutputFile) -> Result<bool> {
    let target = out_dir.join(&f.path);
    let data: std::borrow::Cow<[u8]> = match &f.content {
        OutputContent::Bytes(b) => b.into(),
        OutputContent::Copy(src) => {
            let path = root.join(src);
            std::fs::read(&path).map_err(|e| Error::io("读取附件", &path, e))?.into()
        }
    };
    if let Ok(meta) = std::fs::metadata(&target) {
        if meta.len() == data.len() as u64 {
            if let Ok(existing) = std::fs::read(&target) {
                if existing == *data {
                    return Ok(false);
                }
            }
        }
    }
    let dir = target.parent().unwrap_or(out_dir);
    std::fs::create_dir_all(dir).map_err(|e| Error::io("创建目录", dir, e))?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".gongkai-tmp-")
        .tempfile_in(dir)
        .map_err(|e| Error::io("创建临时文件", dir, e))?;
    tmp.write_all(&data).map_err(|e| Error::io("写入临时文件", tmp.path().to_path_buf(), e))?;
    // Files should be readable by the web server like any normally created file.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o644));
    }
    tmp.persist(&target).map_err(|e| Error::io("写入文件", &target, e.error))?;
    Ok(true)
}

/// Remove files (and then empty folders) that the build no longer produces.
fn remove_stale(out_dir: &Path, files: &[OutputFile]) -> Result<usize> {
    let wanted: BTreeSet<PathBuf> = files.iter().map(|f| PathBuf::from(&f.path)).collect();
    let mut removed = 0;
    let mut dirs = Vec::new();
    for entry in walkdir::WalkDir::new(out_dir).follow_links(false).sort_by_file_name() {
        let entry = entry.map_err(|e| Error::io("读取输出目录", out_dir, e.into()))?;
        let rel = entry.path().strip_prefix(out_dir).unwrap_or(entry.path());
        if entry.file_type().is_dir() {
            if entry.depth() > 0 {
                dirs.push(entry.path().to_path_buf());
            }
            continue;
        }
        let rel: PathBuf = rel.iter().collect();
        if !wanted.contains(&rel) {
            std::fs::remove_file(entry.path()).map_err(|e| Error::io("删除过期文件", entry.path(), e))?;
            removed += 1;
        }
    }
    // Deepest first, so parents empty out after their children.
    dirs.sort_by_key(|d| std::cmp::Reverse(d.components().count()));
    for d in dirs {
        if std::fs::read_dir(&d).map(|mut it| it.next().is_none()).unwrap_or(false) {
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
