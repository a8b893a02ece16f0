//! The index terms of each document, per field (body, title, other fields), found in one
//! pass over the text and handed straight to the doc lists: no per-document term list is
//! materialised, and a term seen twice in a document is dropped by its doc list (which
//! knows the last document it holds), not by a set.

use super::postings::FieldIndex;
use super::tokenize::{class, normalize_char, Class};
use super::SearchDoc;

/// A CJK unigram or bigram packed into an integer: `c1 << 21 | c2`, `c2 = 0` for a unigram.
#[inline]
pub(super) fn pack(a: char, b: Option<char>) -> u64 {
    (u64::from(u32::from(a)) << 21) | b.map_or(0, |b| u64::from(u32::from(b)))
}

/// Mixes a packed key for table indexing (every output bit depends on every input bit).
#[inline]
pub(super) fn mix(k: u64) -> u64 {
    let x = (k ^ (k >> 31)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    x ^ (x >> 29)
}

pub(super) fn is_open(c: char) -> bool {
    matches!(c, '[' | '(' | '【' | '〔' | '﹝' | '〖' | '〘')
}

pub(super) fn is_close(c: char) -> bool {
    matches!(c, ']' | ')' | '】' | '〕' | '﹞' | '〗' | '〙')
}

/// Longest 机关代字 (the `示政办发` of `示政办发〔2024〕11号`) indexed for a cited number.
pub(super) const MAX_AGENCY_CHARS: usize = 8;

/// Adds the exact-number keys of the 发文字号 cited in normalised `chars` (`…（示教发〔2026〕7号）…`),
/// so a number query finds the documents that cite it without checking pages. Where the
/// 机关代字 starts is unknown (`根据示教发〔2026〕7号`), so every suffix of two or more
/// characters of the CJK run before the bracket is a key; the query's full number matches
/// one of them.
pub(super) fn cited_doc_nos(chars: &[char], out: &mut Vec<String>) {
    let digits = |from: usize| {
        chars[from..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count()
    };
    for i in 1..chars.len() {
        if !is_open(chars[i])
            || digits(i + 1) != 4
            || !chars.get(i + 5).is_some_and(|&c| is_close(c))
        {
            continue;
        }
        let n = digits(i + 6);
        if n == 0 || chars.get(i + 6 + n) != Some(&'号') {
            continue;
        }
        let run = chars[..i]
            .iter()
            .rev()
            .take_while(|&&c| class(c) == Class::Cjk)
            .count();
        let year: String = chars[i + 1..i + 5].iter().collect();
        let number: String = chars[i + 6..i + 6 + n].iter().collect();
        for len in 2..=run.min(MAX_AGENCY_CHARS) {
            let agency: String = chars[i - len..i].iter().collect();
            let cited = format!("{agency}〔{year}〕{number}号");
            out.push(format!("#{}", crate::rules::doc_no::normalise(&cited)));
        }
    }
}

/// Where the scanner puts the terms of one field of one document.
pub(super) trait TermSink {
    /// A CJK unigram or bigram, packed by [`pack`].
    fn cjk(&mut self, k: u64);
    /// A run of digits or letters, or an exact-number key (`#…`).
    fn run(&mut self, r: &str);
}

/// Finds the terms of `texts` (one field of one document): the tokens of `tokenize`, plus
/// every CJK character on its own (so one-character queries work), plus, when `cites`, the
/// exact-number keys of cited 发文字号. A term may be reported more than once. `chars` is a
/// reusable buffer.
pub(super) fn scan_field(
    texts: &[&str],
    cites: bool,
    chars: &mut Vec<char>,
    out: &mut impl TermSink,
) {
    let mut cited = Vec::new();
    for text in texts {
        let mut prev: Option<char> = None;
        let mut run_start = usize::MAX;
        let mut run_class = Class::Sep;
        let mut maybe_cites = false;
        let mut after_open = false;
        let mut run = String::new();
        // Decoded once, by hand where it pays: the text is mostly three-byte CJK.
        for (at, raw) in text.char_indices() {
            let c = normalize_char(raw);
            let cl = class(c);
            if cl != run_class && run_start != usize::MAX {
                flush_run(&text[run_start..at], &mut run, out);
                run_start = usize::MAX;
            }
            match cl {
                Class::Cjk => {
                    out.cjk(pack(c, None));
                    if let Some(p) = prev {
                        out.cjk(pack(p, Some(c)));
                    }
                    prev = Some(c);
                }
                Class::Digit | Class::Latin => {
                    prev = None;
                    if run_start == usize::MAX {
                        run_start = at;
                    }
                    maybe_cites |= after_open && cl == Class::Digit;
                }
                Class::Sep => prev = None,
            }
            run_class = cl;
            after_open = is_open(c);
        }
        if run_start != usize::MAX {
            flush_run(&text[run_start..], &mut run, out);
        }
        // Cited numbers need random access; only texts with a bracket before a digit pay.
        if cites && maybe_cites {
            chars.clear();
            chars.extend(text.chars().map(normalize_char));
            cited_doc_nos(chars, &mut cited);
        }
    }
    for r in &cited {
        out.run(r);
    }
}

/// Reports a digit or letter run as written in the text, normalised (full-width folded,
/// lower case) only when it needs to be.
fn flush_run(raw: &str, buf: &mut String, out: &mut impl TermSink) {
    if raw
        .bytes()
        .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase())
    {
        out.run(raw);
    } else {
        buf.clear();
        buf.extend(raw.chars().map(normalize_char));
        out.run(buf);
    }
}

/// Indexes one document as doc `id`: its body, title and other fields, each into its own
/// field index.
pub(super) fn index_doc(
    fields: &mut [FieldIndex; 3],
    id: u32,
    d: &SearchDoc,
    chars: &mut Vec<char>,
) {
    fields.iter_mut().for_each(|f| f.start(id));
    scan_doc(fields, d, chars);
}

/// Finds the terms of one document: its body into `fields[0]`, title into `fields[1]`,
/// other fields (发文字号, 索引号, 发文机关, 关键词 and the exact-number keys) into
/// `fields[2]`.
pub(super) fn scan_doc<S: TermSink>(fields: &mut [S; 3], d: &SearchDoc, chars: &mut Vec<char>) {
    let [body, title, other] = fields;
    scan_field(&[&d.text], true, chars, body);
    scan_field(&[&d.title], true, chars, title);
    let mut texts: Vec<&str> = [&d.doc_no, &d.index_no, &d.issuer]
        .into_iter()
        .flatten()
        .map(String::as_str)
        .collect();
    texts.extend(d.keywords.iter().map(String::as_str));
    scan_field(&texts, false, chars, other);
    for s in [&d.doc_no, &d.index_no].into_iter().flatten() {
        let key = crate::rules::doc_no::normalise(s);
        if !key.is_empty() {
            other.run(&format!("#{key}"));
        }
    }
}
