//! The manifest kept in the output folder's marker, so an unchanged rebuild can stop
//! after checking instead of rendering and comparing every page.
//!
//! The marker (`.gongkai-output`) records three things: the *fingerprint* of everything
//! the site was built from (the program, `--as-of`, `base_url`, the configuration and
//! every source file's bytes), the diagnostics rendering produced (so a build that skips
//! rendering still shows the same warnings), and the path, length and hash of every
//! published file. A later build with the same fingerprint skips rendering only when the
//! published folder still holds exactly those files with exactly those bytes: the
//! manifest is never trusted on its own, since a file deleted or edited by hand in the
//! output must be repaired by the next build. Anything unreadable, unknown or different
//! means an ordinary full build.

use crate::diag::{self, Diagnostic, Severity};
use crate::digest::{self, Digest};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// First line of the manifest part of the marker; a different version is not read.
const HEADER: &str = "gongkai-manifest 2";

/// Length and content hash of one published file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileRecord {
    /// Size in bytes.
    pub len: u64,
    /// [`digest::of`] the bytes.
    pub hash: Digest,
}

impl FileRecord {
    /// The record of `data`.
    pub fn of(data: &[u8]) -> FileRecord {
        FileRecord {
            len: data.len() as u64,
            hash: digest::of(data),
        }
    }
}

/// What a site was built from, reduced to one hash: equal fingerprints mean the
/// build would produce the same files (the program is part of it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fingerprint(pub Digest);

/// Collects the inputs of a [`Fingerprint`]. Each part is named and length-prefixed, so
/// moving bytes from one part to the next changes the result.
pub struct Fingerprinter(digest::Hasher);

impl Default for Fingerprinter {
    fn default() -> Self {
        Fingerprinter::new()
    }
}

impl Fingerprinter {
    /// An empty fingerprint.
    pub fn new() -> Fingerprinter {
        Fingerprinter(digest::Hasher::new())
    }

    /// Add one named part.
    pub fn part(&mut self, name: &str, bytes: &[u8]) {
        for piece in [name.as_bytes(), bytes] {
            self.0.update(&(piece.len() as u64).to_le_bytes());
            self.0.update(piece);
        }
    }

    /// The fingerprint of everything added.
    pub fn finish(self) -> Fingerprint {
        Fingerprint(self.0.finish())
    }
}

/// What a marker says about the folder it is in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Manifest {
    /// The inputs the published files were built from.
    pub fingerprint: Fingerprint,
    /// Diagnostics the rendering of those inputs produced.
    pub notes: Vec<Diagnostic>,
    /// Every published file but the marker.
    pub files: BTreeMap<String, FileRecord>,
}

/// The marker's text: `intro` (the sentence telling a person what the folder is), then
/// the manifest.
pub fn marker_text(intro: &str, manifest: &Manifest) -> String {
    let mut out = String::with_capacity(intro.len() + 128 + manifest.files.len() * 120);
    out.push_str(intro);
    out.push_str(HEADER);
    out.push('\n');
    out.push_str("fingerprint ");
    out.push_str(&hex(&manifest.fingerprint.0));
    out.push('\n');
    for d in &manifest.notes {
        out.push_str("note ");
        out.push_str(&serde_json::to_string(d).unwrap_or_default());
        out.push('\n');
    }
    // A large site lists hundreds of thousands of files: lines made on every core, in
    // chunks, then joined in order.
    let files: Vec<(&String, &FileRecord)> = manifest.files.iter().collect();
    let chunks: Vec<String> = files
        .par_chunks(4096)
        .map(|chunk| {
            let mut part = String::with_capacity(chunk.len() * 120);
            for (path, r) in chunk {
                part.push_str("file ");
                part.push_str(&hex(&r.hash));
                part.push(' ');
                part.push_str(&r.len.to_string());
                part.push(' ');
                part.push_str(&serde_json::to_string(path).unwrap_or_default());
                part.push('\n');
            }
            part
        })
        .collect();
    for part in chunks {
        out.push_str(&part);
    }
    out
}

/// Read a marker's manifest; `None` for a marker without one (an older gongkai, a hand
/// edit) or with anything this version does not understand.
pub fn parse(text: &str) -> Option<Manifest> {
    let mut lines = text.lines().skip_while(|l| *l != HEADER);
    lines.next()?;
    let fingerprint = Fingerprint(unhex(lines.next()?.strip_prefix("fingerprint ")?)?);
    let mut notes = Vec::new();
    let mut files = BTreeMap::new();
    for line in lines {
        let (kind, rest) = line.split_once(' ')?;
        match kind {
            "note" => notes.push(note(rest)?),
            "file" => {
                let (hash, rest) = rest.split_once(' ')?;
                let (len, path) = rest.split_once(' ')?;
                let path: String = serde_json::from_str(path).ok()?;
                let record = FileRecord {
                    len: len.parse().ok()?,
                    hash: unhex(hash)?,
                };
                if files.insert(path, record).is_some() {
                    return None;
                }
            }
            _ => return None,
        }
    }
    Some(Manifest {
        fingerprint,
        notes,
        files,
    })
}

/// One stored diagnostic; its code must be one this program reports.
fn note(json: &str) -> Option<Diagnostic> {
    let v: serde_json::Value = serde_json::from_str(json).ok()?;
    let code = v.get("code")?.as_str()?;
    let code = *diag::KNOWN_CODES.iter().find(|c| **c == code)?;
    let message = v.get("message")?.as_str()?.to_string();
    let mut d = match v.get("severity")?.as_str()? {
        "warning" => Diagnostic::warning(code, message),
        "error" => Diagnostic::error(code, message),
        _ => return None,
    };
    debug_assert!(matches!(d.severity, Severity::Warning | Severity::Error));
    if let Some(file) = v.get("file").and_then(|f| f.as_str()) {
        d = d.in_file(PathBuf::from(file));
    }
    d = d.at_line(v.get("line").and_then(|l| l.as_u64()).map(|l| l as usize));
    if let Some(help) = v.get("help").and_then(|h| h.as_str()) {
        d = d.help(help.to_string());
    }
    Some(d)
}

/// Lower-case hexadecimal.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 15) as usize] as char);
    }
    s
}

fn unhex(s: &str) -> Option<Digest> {
    let mut out = Digest::default();
    if s.len() != 2 * out.len() || !s.is_ascii() {
        return None;
    }
    for (i, o) in out.iter_mut().enumerate() {
        *o = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Manifest {
        let mut files = BTreeMap::new();
        files.insert("index.html".to_string(), FileRecord::of(b"<html>"));
        files.insert("files/附件 1.pdf".to_string(), FileRecord::of(b"%PDF"));
        let mut fp = Fingerprinter::new();
        fp.part("as_of", b"2026-11-22");
        Manifest {
            fingerprint: fp.finish(),
            notes: vec![Diagnostic::warning("W0604", "标题层级跳跃")
                .in_file("content/a.md")
                .at_line(7)
                .help("改为二级标题")],
            files,
        }
    }

    #[test]
    fn a_manifest_reads_back_as_written() {
        let m = sample();
        let text = marker_text("此目录由 gongkai 生成。\n", &m);
        assert_eq!(parse(&text), Some(m));
    }

    #[test]
    fn a_damaged_or_foreign_marker_has_no_manifest() {
        let text = marker_text("说明\n", &sample());
        assert_eq!(
            parse("此目录由 gongkai 生成；构建时会更新或删除其中的文件。\n"),
            None
        );
        assert_eq!(parse("x"), None);
        // Cut in the middle of a line, a line changed, an unknown code: not read.
        assert_eq!(parse(&text[..text.len() - 5]), None);
        assert_eq!(parse(&text.replace("file ", "fiel ")), None);
        // (A code made up here would be collected as a known one by the build script.)
        assert_eq!(parse(&text.replace("W0604", "Q0604")), None);
        assert_eq!(parse(&text.replace("fingerprint ", "fingerprint 0")), None);
    }

    #[test]
    fn fingerprint_parts_are_delimited() {
        let fp = |parts: &[(&str, &[u8])]| {
            let mut f = Fingerprinter::new();
            for (n, b) in parts {
                f.part(n, b);
            }
            f.finish()
        };
        assert_ne!(fp(&[("a", b"bc")]), fp(&[("ab", b"c")]));
        assert_ne!(
            fp(&[("a", b"1"), ("b", b"")]),
            fp(&[("a", b""), ("b", b"1")])
        );
        assert_eq!(fp(&[("a", b"1")]), fp(&[("a", b"1")]));
    }
}
