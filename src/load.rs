//! Loading: walk `content/`, decode each file, split front matter from body, and hand
//! typed documents to the rest of the pipeline.
//!
//! The walk is sorted and refuses symbolic links (no loops, nothing outside the site),
//! and it never loads or descends into hidden entries: dot-named files and folders
//! (`.git/`, `.drafts/`) and editor leftovers (`a.md~`, `#a.md#`, `a.swp`) are not part
//! of the site, wherever they are. Files that are not documents (attachments, images) are listed as assets; they
//! are published only when a document refers to them, so a draft left in a folder does
//! not leak. Text that is not UTF-8 is reported, never rendered as mojibake.

use crate::diag::Diagnostic;
use crate::error::{Error, Result};
use crate::progress::{Progress, Silent, Stage};
use crate::yaml;
use rayon::prelude::*;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// How to treat files that are not UTF-8.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SourceEncoding {
    /// Require UTF-8; report GBK/GB18030 files as errors.
    #[default]
    Utf8,
    /// Convert GBK/GB18030 files on the fly (`--encoding gb18030`).
    Gb18030,
}

/// Everything under `content/`; `D` is what the model stage made of each document file.
#[derive(Debug)]
pub struct Content<D> {
    /// Documents, in path order.
    pub documents: Vec<D>,
    /// Non-document files, site-root-relative (`content/policies/a/附件1.csv`), sorted.
    pub assets: BTreeSet<PathBuf>,
    /// Problems found while loading.
    pub diagnostics: Vec<Diagnostic>,
    /// One hash (`crate::digest`) over every document file read (path, length, bytes, in path order): what
    /// the build's input fingerprint takes from the documents without reading them twice.
    /// `None` unless asked for ([`SourceDigest::Compute`]).
    pub digest: Option<crate::digest::Digest>,
}

/// One document file, read, decoded and split into front matter and body: what the model
/// stage types into a document. Loading does not know the document kinds; the driver
/// passes the model's reader to [`load`], so data flows one way (load → model).
pub struct SourceFile<'a> {
    /// Path relative to the site root.
    pub source: &'a Path,
    /// The parsed front matter.
    pub map: &'a serde_yaml::Mapping,
    /// The front matter text.
    pub front: &'a str,
    /// File line where the front matter starts.
    pub front_line: usize,
    /// Markdown body.
    pub body: &'a str,
    /// File line where the body starts.
    pub body_line: usize,
}

/// Whether loading hashes every document file it reads. Only a build that keeps a
/// manifest of its output needs the hash; `check` and the preview would pay for it on
/// every byte of content for nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceDigest {
    /// Hash every file read into [`Content::digest`].
    Compute,
    /// Do not hash.
    Skip,
}

/// Largest document file accepted. Rendering needs a few times a document's size in
/// memory; past this a single file could take the build past its memory budget.
pub const MAX_DOCUMENT_BYTES: u64 = 8 * 1024 * 1024;

/// Load every document under `root/content`, each turned into a `D` by `read` (the model
/// stage's reader), in parallel; `read` reports problems into the vector it is given.
pub fn load<D: Send>(
    root: &Path,
    encoding: SourceEncoding,
    read: impl Fn(SourceFile<'_>, &mut Vec<Diagnostic>) -> Option<D> + Sync,
) -> Result<Content<D>> {
    load_with(root, encoding, read, SourceDigest::Skip, &Silent)
}

/// [`load`], counting each document read into `progress`.
pub fn load_with<D: Send>(
    root: &Path,
    encoding: SourceEncoding,
    read: impl Fn(SourceFile<'_>, &mut Vec<Diagnostic>) -> Option<D> + Sync,
    source_digest: SourceDigest,
    progress: &dyn Progress,
) -> Result<Content<D>> {
    let content_dir = root.join("content");
    if !content_dir.is_dir() {
        return Err(Error::NoContent { path: content_dir });
    }
    if content_dir.symlink_metadata().is_ok_and(|m| m.is_symlink()) {
        return Ok(Content {
            documents: Vec::new(),
            assets: BTreeSet::new(),
            diagnostics: vec![symlink_refused(Path::new("content"))],
            digest: None,
        });
    }
    let Walk {
        documents: document_paths,
        assets,
        mut diagnostics,
    } = walk(root, &content_dir)?;

    progress.start(Stage::Load, Some(document_paths.len()));
    type Loaded<D> = (
        Option<D>,
        Vec<Diagnostic>,
        Option<(u64, crate::digest::Digest)>,
    );
    let loaded: Vec<Loaded<D>> = document_paths
        .par_iter()
        .map(|rel| {
            progress.advance();
            let mut diags = Vec::new();
            let mut hash = None;
            let wanted = (source_digest == SourceDigest::Compute).then_some(&mut hash);
            let doc = load_file_hashed(root, rel, encoding, &read, &mut diags, wanted);
            (doc, diags, hash)
        })
        .collect();
    let mut documents = Vec::with_capacity(loaded.len());
    let mut digest = crate::digest::Hasher::new();
    for (rel, (doc, diags, hash)) in document_paths.iter().zip(loaded) {
        diagnostics.extend(diags);
        documents.extend(doc);
        if source_digest == SourceDigest::Skip {
            continue;
        }
        digest.update(rel.to_string_lossy().as_bytes());
        match hash {
            Some((len, h)) => {
                digest.update(&[1]);
                digest.update(&len.to_le_bytes());
                digest.update(&h);
            }
            None => digest.update(&[0]),
        }
    }
    Ok(Content {
        documents,
        assets,
        diagnostics,
        digest: (source_digest == SourceDigest::Compute).then(|| digest.finish()),
    })
}

/// Whether a file or folder name is hidden or an editor's leftover, and so never part of
/// the site: dot-names (`.git`, `.drafts`, `.DS_Store`, vim's `.a.md.swp`), backups
/// ending in `~`, Emacs autosaves `#a.md#`, swap files, and Windows folder thumbnails.
pub fn is_hidden(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    name.starts_with('.')
        || name.ends_with('~')
        || (name.len() > 1 && name.starts_with('#') && name.ends_with('#'))
        || [".swp", ".swo", ".swx"].iter().any(|s| lower.ends_with(s))
        || matches!(lower.as_str(), "thumbs.db" | "desktop.ini")
}

/// A symbolic link in the site's sources: refused everywhere, since following it could
/// publish files from outside the site, and ignoring it would publish a site that lacks
/// what the officer sees in the folder.
pub fn symlink_refused(rel: &Path) -> Diagnostic {
    Diagnostic::error(
        "E0130",
        "这是符号链接（快捷方式）；为防止发布站点以外的文件，gongkai 不使用符号链接",
    )
    .in_file(rel)
    .help("把链接换成文件或目录本身（复制进站点目录），或删除该链接")
}

/// A file or folder whose name is not UTF-8 (typically a GBK name unpacked from an
/// archive made on Windows): its lossy form shows `�` where the bytes were.
fn name_not_utf8(rel: &Path) -> Diagnostic {
    Diagnostic::error(
        "E0140",
        "文件名（或目录名）不是 UTF-8 编码，无法生成网址，也无法被文档引用；名称中显示为 � 的部分是无法识别的字节",
    )
    .in_file(rel)
    .help("把该文件或目录改成 UTF-8 编码的名称（在 Linux 下可用 `convmv -f gbk -t utf8 --notest 文件名`，或直接重命名）")
}

/// A path relative to the site root, with `/` separators on every platform.
fn relative(root: &Path, path: &Path) -> PathBuf {
    let rel = path.strip_prefix(root).unwrap_or(path);
    PathBuf::from(
        rel.iter()
            .map(|p| p.to_string_lossy())
            .collect::<Vec<_>>()
            .join("/"),
    )
}

/// What a walk of (part of) `content/` found, site-root-relative and sorted.
#[derive(Debug, Default)]
pub struct Walk {
    /// Document files (`.md`, `.markdown`, `.yaml`, `.yml`).
    pub documents: Vec<PathBuf>,
    /// Every other file.
    pub assets: BTreeSet<PathBuf>,
    /// Entries refused: symbolic links, names that are not UTF-8.
    pub diagnostics: Vec<Diagnostic>,
}

/// Walk `start` (`content/` or a folder or file below it) with the loading rules: sorted,
/// hidden entries neither listed nor entered, symbolic links refused, names that are not
/// UTF-8 refused. A preview server walks only what changed, with the same rules.
pub fn walk(root: &Path, start: &Path) -> Result<Walk> {
    let mut out = Walk::default();
    let mut walk = walkdir::WalkDir::new(start)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_hidden(&e.file_name().to_string_lossy()));
    while let Some(entry) = walk.next() {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e
                    .path()
                    .map(Path::to_path_buf)
                    .unwrap_or_else(|| start.to_path_buf());
                return Err(Error::Io {
                    action: "读取内容目录",
                    path,
                    source: e.into(),
                });
            }
        };
        let rel = relative(root, entry.path());
        if entry.depth() > 0 && entry.file_name().to_str().is_none() {
            // The name cannot become a URL, and the lossy form names no file on disk.
            out.diagnostics.push(name_not_utf8(&rel));
            if entry.file_type().is_dir() {
                walk.skip_current_dir();
            }
            continue;
        }
        if entry.path_is_symlink() {
            out.diagnostics.push(symlink_refused(&rel));
            continue;
        }
        if !entry.file_type().is_file() {
            continue;
        }
        if is_document_file(&rel) {
            out.documents.push(rel);
        } else {
            out.assets.insert(rel);
        }
    }
    Ok(out)
}

/// Whether a file under `content/` is a document (by extension) or an asset.
pub fn is_document_file(rel: &Path) -> bool {
    let ext = rel
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    matches!(ext.as_str(), "md" | "markdown" | "yaml" | "yml")
}

/// Read, decode and split one document file and hand it to `read` (the model's reader);
/// problems go into `out`.
pub fn load_file<D>(
    root: &Path,
    rel: &Path,
    encoding: SourceEncoding,
    read: &impl Fn(SourceFile<'_>, &mut Vec<Diagnostic>) -> Option<D>,
    out: &mut Vec<Diagnostic>,
) -> Option<D> {
    load_file_hashed(root, rel, encoding, read, out, None)
}

/// [`load_file`], also giving the length and content hash of the bytes read when `hash` is
/// given (left `None` when the file could not be read).
fn load_file_hashed<D>(
    root: &Path,
    rel: &Path,
    encoding: SourceEncoding,
    read: &impl Fn(SourceFile<'_>, &mut Vec<Diagnostic>) -> Option<D>,
    out: &mut Vec<Diagnostic>,
    hash: Option<&mut Option<(u64, crate::digest::Digest)>>,
) -> Option<D> {
    with_parts(root, rel, encoding, out, hash, |parts, out| {
        let map = match yaml::parse_mapping(parts.front, rel, parts.front_line) {
            Ok(m) => m,
            Err(d) => {
                out.push(d);
                return None;
            }
        };
        let file = SourceFile {
            source: rel,
            map: &map,
            front: parts.front,
            front_line: parts.front_line,
            body: parts.body,
            body_line: parts.body_line,
        };
        read(file, out)
    })
    .flatten()
}

/// Read a document's Markdown body again, exactly as loading read it (same decoding,
/// control-character removal and line ends). Large sites leave bodies on disk after
/// loading and read each one back when its page is rendered, so memory does not grow
/// with the total size of the content. Problems were reported when the file was loaded;
/// here any problem is only a reason the body cannot be had.
pub fn read_body(root: &Path, rel: &Path, encoding: SourceEncoding) -> Option<String> {
    let mut ignored = Vec::new();
    with_parts(root, rel, encoding, &mut ignored, None, |parts, _| {
        parts.body.to_string()
    })
}

/// Read, decode and split one document file, then hand its parts to `f`; `None` (with
/// the reason in `out`) when the file cannot be read or split.
fn with_parts<R>(
    root: &Path,
    rel: &Path,
    encoding: SourceEncoding,
    out: &mut Vec<Diagnostic>,
    hash: Option<&mut Option<(u64, crate::digest::Digest)>>,
    f: impl FnOnce(Parts<'_>, &mut Vec<Diagnostic>) -> R,
) -> Option<R> {
    // One open for the size check and the read: a path lookup per file shows in a
    // profile of a site with tens of thousands of documents.
    let opened = std::fs::File::open(root.join(rel));
    let size = opened
        .as_ref()
        .ok()
        .and_then(|f| f.metadata().ok())
        .map(|m| m.len())
        .unwrap_or(0);
    if size > MAX_DOCUMENT_BYTES {
        out.push(
            Diagnostic::error(
                "E0152",
                format!(
                    "文件过大（{} MB），超过单个文档的上限 {} MB",
                    size / (1024 * 1024),
                    MAX_DOCUMENT_BYTES / (1024 * 1024)
                ),
            )
            .in_file(rel)
            .help("把文档拆成几篇，或把大表格、数据作为附件（如 .xlsx、.pdf）发布"),
        );
        return None;
    }
    let read_all = |mut f: std::fs::File| {
        use std::io::Read;
        let mut bytes = Vec::with_capacity(size as usize + 1);
        f.read_to_end(&mut bytes).map(|_| bytes)
    };
    let bytes = match opened.and_then(read_all) {
        Ok(b) => {
            if let Some(hash) = hash {
                *hash = Some((b.len() as u64, crate::digest::of(&b)));
            }
            b
        }
        Err(e) => {
            out.push(
                Diagnostic::error("E0100", format!("无法读取文件：{e}"))
                    .in_file(rel)
                    .help("检查文件权限"),
            );
            return None;
        }
    };
    let text = match decode_owned(bytes, encoding) {
        Ok(t) => t,
        Err(d) => {
            out.push(d.in_file(rel));
            return None;
        }
    };
    let text = match crate::invisible::strip_controls(&text) {
        None => text,
        Some(clean) => {
            let (line, c) = text
                .lines()
                .enumerate()
                .find_map(|(i, l)| {
                    l.chars()
                        .find(|&c| crate::invisible::is_control(c))
                        .map(|c| (i + 1, c))
                })
                .unwrap_or((1, '\0'));
            out.push(
                Diagnostic::warning(
                    "W0150",
                    format!(
                        "文件中有不可见的控制字符（如 {}），已删除",
                        crate::invisible::describe(c)
                    ),
                )
                .in_file(rel)
                .at_line(line)
                .help("这类字符多来自复制粘贴，会使订阅源（feed.xml）无法解析；请在编辑器中删除后保存"),
            );
            clean
        }
    };
    let is_markdown = rel
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("md") || e.eq_ignore_ascii_case("markdown"));
    let parts = match split_front_matter(&text, is_markdown) {
        Ok(p) => p,
        Err(d) => {
            out.push(d.in_file(rel));
            return None;
        }
    };
    Some(f(parts, out))
}

/// Decode file bytes to text. UTF-8 (with or without BOM) passes; text that decodes as
/// GB18030 is converted when asked, and otherwise reported as such, since that is what
/// Windows editors in Chinese offices save by default.
pub fn decode(bytes: &[u8], encoding: SourceEncoding) -> std::result::Result<String, Diagnostic> {
    decode_owned(bytes.to_vec(), encoding)
}

/// [`decode`], taking the bytes: UTF-8 text (the usual case) becomes the `String`
/// without a copy, which matters when a large site's every file passes through here.
pub fn decode_owned(
    mut bytes: Vec<u8>,
    encoding: SourceEncoding,
) -> std::result::Result<String, Diagnostic> {
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    // Chinese text is almost all multi-byte, where the standard library's check runs at
    // about 1 GB/s; simdutf8's vector check made loading a large site ~10% faster.
    if simdutf8::basic::from_utf8(&bytes).is_ok() {
        // SAFETY: `simdutf8::basic::from_utf8` has just checked that every byte of
        // `bytes` is valid UTF-8, and nothing changed them since.
        let text = unsafe { String::from_utf8_unchecked(bytes) };
        return Ok(unify_line_ends(text));
    }
    // UTF-16 (what "Unicode" means in Windows' Save As) is full of zero bytes; without
    // this check it would be reported as GBK.
    let zeros = bytes.iter().take(4096).filter(|&&b| b == 0).count();
    if bytes.starts_with(b"\xFF\xFE")
        || bytes.starts_with(b"\xFE\xFF")
        || zeros * 4 > bytes.len().min(4096)
    {
        return Err(
            Diagnostic::error("E0101", "文件是 UTF-16（Unicode）编码，不是 UTF-8")
                .help("用文本编辑器把文件另存为 UTF-8 编码（记事本：另存为 → 编码选 UTF-8）"),
        );
    }
    let (text, _, had_errors) = encoding_rs::GB18030.decode(&bytes);
    if had_errors {
        return Err(
            Diagnostic::error("E0101", "文件不是 UTF-8 编码，也无法识别为 GBK/GB18030")
                .help("用文本编辑器把文件另存为 UTF-8 编码"),
        );
    }
    match encoding {
        SourceEncoding::Gb18030 => Ok(unify_line_ends(text.into_owned())),
        SourceEncoding::Utf8 => Err(Diagnostic::error(
            "E0101",
            "文件是 GBK/GB18030 编码，不是 UTF-8；为避免乱码未予处理",
        )
        .help("把文件另存为 UTF-8 编码，或构建时加 --encoding gb18030 自动转换")),
    }
}

/// Text with old Mac line ends (a lone CR) turned into line feeds, so a file saved that
/// way is read line by line instead of as one line "missing its front matter".
fn unify_line_ends(s: String) -> String {
    // One pass over the bytes: a CR is rare, and only a file without any LF is changed.
    match memchr::memchr(b'\r', s.as_bytes()) {
        Some(_) if memchr::memchr(b'\n', s.as_bytes()).is_none() => s.replace('\r', "\n"),
        _ => s,
    }
}

/// A file split into its parts.
struct Parts<'a> {
    front: &'a str,
    front_line: usize,
    body: &'a str,
    body_line: usize,
}

/// Markdown files carry front matter between `---` lines; YAML files are all front matter.
fn split_front_matter(text: &str, is_markdown: bool) -> std::result::Result<Parts<'_>, Diagnostic> {
    if !is_markdown {
        return Ok(Parts {
            front: text,
            front_line: 1,
            body: "",
            body_line: 1,
        });
    }
    let first_line_end = text.find('\n').map(|i| i + 1).unwrap_or(text.len());
    if text[..first_line_end].trim_end() != "---" {
        return Err(
            Diagnostic::error("E0109", "文件开头缺少前置信息（以 --- 开始的一段）")
                .at_line(1)
                .help("在文件第一行写 ---，下面逐行写 标题、索引号 等字段，再以一行 --- 结束"),
        );
    }
    let mut offset = first_line_end;
    for (i, l) in text[first_line_end..].split_inclusive('\n').enumerate() {
        let line = i + 2;
        if matches!(l.trim_end(), "---" | "...") {
            let front = &text[first_line_end..offset];
            let body_start = offset + l.len();
            return Ok(Parts {
                front,
                front_line: 2,
                body: &text[body_start..],
                body_line: line + 1,
            });
        }
        offset += l.len();
    }
    Err(Diagnostic::error("E0109", "前置信息没有结束行（---）")
        .at_line(1)
        .help("在字段之后、正文之前加一行 ---"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_front_matter_and_counts_lines() {
        let p = split_front_matter("---\ntitle: a\n---\n正文\n", true).unwrap();
        assert_eq!(p.front, "title: a\n");
        assert_eq!(p.front_line, 2);
        assert_eq!(p.body, "正文\n");
        assert_eq!(p.body_line, 4);
    }

    #[test]
    fn missing_front_matter_is_an_error() {
        assert_eq!(
            split_front_matter("# 标题\n", true).err().unwrap().code,
            "E0109"
        );
        assert_eq!(
            split_front_matter("---\ntitle: a\n", true)
                .err()
                .unwrap()
                .code,
            "E0109"
        );
    }

    /// Running as root defeats permission bits, so a file that vanishes between the walk
    /// and the read (an editor saving, a sync tool) stands in for any unreadable file.
    #[test]
    fn a_file_that_cannot_be_read_is_e0100_naming_it() {
        let root = tempfile::tempdir().unwrap();
        let mut diags = Vec::new();
        let rel = Path::new("content/policies/gone.md");
        let read = |_: SourceFile<'_>, _: &mut Vec<Diagnostic>| Some(());
        let doc = load_file(root.path(), rel, SourceEncoding::Utf8, &read, &mut diags);
        assert!(doc.is_none());
        assert_eq!(diags.len(), 1, "{diags:#?}");
        assert_eq!(diags[0].code, "E0100");
        assert_eq!(diags[0].file.as_deref(), Some(rel));
        assert!(diags[0].help.is_some());
    }

    #[test]
    fn hidden_names_and_editor_leftovers_are_hidden() {
        for name in [
            ".git",
            ".drafts",
            ".a.md.swp",
            "a.md~",
            "#a.md#",
            "a.SWP",
            "Thumbs.db",
        ] {
            assert!(is_hidden(name), "{name}");
        }
        for name in ["a.md", "附件1.pdf", "#", "c#.md", "index.md"] {
            assert!(!is_hidden(name), "{name}");
        }
    }

    #[test]
    fn utf16_is_reported_as_utf16_and_cr_only_lines_are_read() {
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain(
                "---\ntitle: a\n---\n"
                    .encode_utf16()
                    .flat_map(u16::to_le_bytes),
            )
            .collect();
        let err = decode(&utf16, SourceEncoding::Utf8).unwrap_err();
        assert!(err.message.contains("UTF-16"), "{}", err.message);
        let text = decode(b"---\rtitle: a\r---\r", SourceEncoding::Utf8).unwrap();
        assert_eq!(split_front_matter(&text, true).unwrap().front, "title: a\n");
    }

    #[test]
    fn gbk_is_reported_not_garbled() {
        let (gbk, _, _) = encoding_rs::GBK.encode("标题: 关于印发通知");
        let err = decode(&gbk, SourceEncoding::Utf8).unwrap_err();
        assert_eq!(err.code, "E0101");
        assert!(err.message.contains("GBK"));
        assert_eq!(
            decode(&gbk, SourceEncoding::Gb18030).unwrap(),
            "标题: 关于印发通知"
        );
        assert_eq!(
            decode("\u{feff}a".as_bytes(), SourceEncoding::Utf8).unwrap(),
            "a"
        );
    }
}
