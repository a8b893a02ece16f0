//! Site search: one tokenizer, and an inverted index written as static JSON files that
//! the browser reads without any server code.
//!
//! Chinese has no spaces between words, so instead of segmenting words we index
//! overlapping character bigrams of every CJK run, every single CJK character (so
//! one-character queries work), and whole runs of ASCII digits or letters (years, 文号,
//! 索引号). The same [`tokenize`] runs here at build time and, as
//! `static/js/search-tokenize.js`, in the browser at query time; both are checked against
//! the shared vectors in `tests/browser/search-vectors.json`.
//!
//! A portal with 10,000 policies has some 50 million characters of text; its postings
//! cannot be one file that every visitor downloads (measured: 9.5 MB of postings and 10 MB
//! of display records for 18,550 documents). So `search.json` is a small entry point (37 KB,
//! 7 KB gzip, for that site) and the rest is split so that a query fetches only what it
//! touches: about 170 KB on a first query against Pagefind's 550 KB, on the same site.
//!
//! # File format (version 1)
//!
//! All files are UTF-8 JSON, written with sorted keys, so the same input gives
//! byte-identical files. Paths are relative to the site root.
//!
//! **Compact integers.** Doc-id lists and small codes are strings over the base64url
//! alphabet `A–Z a–z 0–9 - _` (digit values 0–63), which need no JSON escaping. A *doc list*
//! is written in the shortest of three forms:
//! - *delta*: numbers `id₀, id₁−id₀−1, id₂−id₁−1, …` for strictly increasing ids, each as
//!   base-32 digits most significant first, every digit but the last carrying +32;
//! - *bitmap*: `!` then characters of 6 bits each; bit `j` (value `1 << j`) of character
//!   `k` is doc `6k + j`; trailing zero characters are left off;
//! - *complement*: `~` then the delta form of the ids in `0..count` that are *not* listed
//!   (for tokens such as `示例` that occur in nearly every document).
//!
//! **Doc ids** number the documents from 0, newest first (`date` descending, undated last,
//! then by URL), so "newer first among equals" is "smaller id first".
//!
//! ## `search.json` (entry point, always fetched)
//! ```text
//! { "format": "gongkai-search", "version": 1, "count": N,
//!   "kinds": [{"value": "policy", "label": "政策文件"}, …],   // sorted by value
//!   "statuses": ["已废止", "现行有效", …],                  // sorted
//!   "years": [2026, 2025, …],                               // descending
//!   "facets": {"width": W, "codes": "…"},
//!   "snippet_chars": 120,
//!   // split layout:
//!   "meta_chunk": C, "meta_files": M, "shards": S, "char_shards": CS }
//!   // or, for a small site, everything inline:
//!   "meta": [record, …], "index": {token: lists, …} }
//! ```
//! `facets.codes` holds W characters per doc id (base-64 digits, most significant first) of
//! `kind + K·(status + (ST+1)·year)`: `kind` indexes `kinds` (K entries), `status` is 0 for
//! none or 1 + index into `statuses` (ST entries), `year` 0 for none or 1 + index into
//! `years`. The browser filters and counts with it before fetching any per-document data.
//!
//! ## `search/meta-<i>.json` (display records, fetched for the results shown)
//! An array of the records of doc ids `i·C … i·C+C−1`:
//! `[url, title, doc_no, index_no, issuer, date, [keywords…], snippet]`; absent values are
//! `""`; `url` is the site-relative directory of the page (`policies/…/`), `doc_no` as the
//! document writes it, `snippet` the start of the text (whitespace collapsed, at most
//! `snippet_chars` characters).
//!
//! ## `search/index-<s>.json` and `search/char-<s>.json` (postings, fetched per token)
//! Objects from token to doc lists. A token that is one CJK character lives in
//! `char-<fnv1a32(token) mod CS>`, every other token in `index-<fnv1a32(token) mod S>`
//! (FNV-1a 32 over the UTF-8 bytes: start `0x811C9DC5`, per byte `h = (h ^ b)·0x01000193
//! mod 2³²`); single characters are dense and only one-character query pieces need them.
//! The value is the *body* doc list alone, or `[body, title, fields]` (trailing empty lists
//! left off): *title* lists documents whose title holds the token, *fields* those whose
//! 发文字号, 索引号, 发文机关 or 关键词 do. Besides the tokens of [`tokenize`] and single
//! characters, there are exact-number keys `#` + [`normalize_doc_no`]: of each document's
//! 发文字号 and 索引号 (in *fields*), and of every 发文字号 cited in its title or text (in
//! *title*/*body*, one key per possible 机关代字 length, see `cited_doc_nos`).
//!
//! ## How the browser uses it (`static/js/search.js`)
//! A query that is a whole 发文字号 looks up its `#` key: the document itself first, then
//! documents citing it. Any other query intersects the lists of all its tokens (and looks up
//! `#` + the normalised query, so an exact 索引号 comes first), then ranks: exact number,
//! title, other fields, body; newest first within each. Query pieces of more than one token
//! (`教育局`, `11号`) are checked as written against the record's fields and then the
//! document's own page (its `#doc-body`), since bigrams alone cannot tell `教育局` from
//! `教育…局`; at most three batches are checked per result page, the rest is shown
//! unchecked and the count marked approximate. Snippets for body matches are cut from the
//! same page text.

use rayon::prelude::*;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// One document as the search index sees it; the render stage fills it from the model.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchDoc {
    /// Site-relative directory of the page, e.g. `policies/4305210003-2024-00012/`.
    pub url: String,
    /// Kind id, e.g. `policy`.
    pub kind: String,
    /// Kind as shown to visitors, e.g. `政策文件`.
    pub kind_label: String,
    /// Document title.
    pub title: String,
    /// 发文字号, as written in the document.
    pub doc_no: Option<String>,
    /// 索引号.
    pub index_no: Option<String>,
    /// 发文机关.
    pub issuer: Option<String>,
    /// Publication date, `YYYY-MM-DD`; orders results newest first.
    pub date: Option<String>,
    /// Year used by the year filter (for annual reports the report year).
    pub year: Option<i32>,
    /// 效力状态 (现行有效 …), for documents that have one.
    pub validity: Option<String>,
    /// 关键词.
    pub keywords: Vec<String>,
    /// Plain body text, without markup.
    pub text: String,
}

/// Version of the file format; `search.js` refuses a different one.
pub const FORMAT_VERSION: u32 = 1;

/// Characters of text kept per document as its default snippet.
const SNIPPET_CHARS: usize = 120;

/// Below this many bytes of postings and records everything stays inline in `search.json`:
/// one request is cheaper than several for a small site.
const INLINE_MAX_BYTES: usize = 160 * 1024;

/// Aimed-at size of one postings shard. A query touches about one shard per token, so
/// smaller shards mean less transfer per query and more files: on the 10,000-policy
/// benchmark site 16 KiB gives ~600 shard files and ~60 KB of shards for a four-character
/// query.
const SHARD_TARGET_BYTES: usize = 16 * 1024;

/// Aimed-at size of one display-record chunk; a result page of ten touches up to ten.
const META_TARGET_BYTES: usize = 4 * 1024;

/// Documents tokenised in parallel at a time; bounds the memory of per-document term lists.
const BATCH: usize = 256;

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// ---------------------------------------------------------------------------------------
// Tokenizer. Keep in lockstep with themes/default/static/js/search-tokenize.js.

/// Folds the variants a visitor may type onto one form: full-width ASCII (`２０２４`, `ＡＢ`)
/// to ASCII, the ideographic space to a space, ASCII letters to lower case. Every character
/// maps to exactly one character of the same UTF-16 length, so offsets in normalised text
/// are offsets in the original (the browser relies on this to highlight).
fn normalize_char(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0)
            .unwrap_or(c)
            .to_ascii_lowercase(),
        '\u{3000}' => ' ',
        _ => c.to_ascii_lowercase(),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Cjk,
    Digit,
    Latin,
    Sep,
}

/// Class of an already normalised character. Explicit ranges rather than Unicode
/// properties, so Rust and JavaScript agree whatever their Unicode versions.
fn class(c: char) -> Class {
    match c {
        '0'..='9' => Class::Digit,
        'a'..='z' => Class::Latin,
        '\u{3007}'
        | '\u{3041}'..='\u{3096}'
        | '\u{30A1}'..='\u{30FA}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{AC00}'..='\u{D7A3}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{3FFFF}' => Class::Cjk,
        _ => Class::Sep,
    }
}

/// One token, borrowed from the normalised text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok<'a> {
    /// A CJK run of one character.
    Uni(char),
    /// Two adjacent characters of a CJK run.
    Bi(char, char),
    /// A whole run of digits or of letters.
    Run(&'a [char]),
}

/// Calls `emit` for every token of normalised `chars`, in order.
fn scan<'a>(chars: &'a [char], mut emit: impl FnMut(Tok<'a>)) {
    let mut i = 0;
    while i < chars.len() {
        let cl = class(chars[i]);
        if cl == Class::Sep {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && class(chars[i]) == cl {
            i += 1;
        }
        let run = &chars[start..i];
        match (cl, run) {
            (Class::Cjk, [c]) => emit(Tok::Uni(*c)),
            (Class::Cjk, _) => run.windows(2).for_each(|w| emit(Tok::Bi(w[0], w[1]))),
            _ => emit(Tok::Run(run)),
        }
    }
}

fn normalized(text: &str) -> Vec<char> {
    text.chars().map(normalize_char).collect()
}

/// Splits text into search tokens: character bigrams over CJK runs (the single character
/// for a one-character run), whole runs of digits and whole runs of Latin letters, after
/// folding full-width forms and case. Everything else (punctuation, brackets, spaces)
/// separates tokens, so `示政办发[2024]11号` and `示政办发〔2024〕11号` give the same tokens.
///
/// This is the one definition used for documents and queries; the browser's copy in
/// `search-tokenize.js` must give the same output (see `tests/browser/search-vectors.json`).
pub fn tokenize(text: &str) -> Vec<String> {
    let chars = normalized(text);
    let mut out = Vec::new();
    scan(&chars, |t| {
        out.push(match t {
            Tok::Uni(c) => c.to_string(),
            Tok::Bi(a, b) => [a, b].iter().collect(),
            Tok::Run(r) => r.iter().collect(),
        })
    });
    out
}

/// Normalises a 发文字号 (or 索引号) for comparison: full-width forms folded, spaces
/// removed, and every bracket variant (`[]`, `【】`, `()`, `（）`, `［］`, `〔〕`, `﹝﹞`,
/// `〖〗`, `〘〙`) written as `〔〕`, so `示政办发[2024]11号` equals `示政办发〔2024〕11号`.
pub fn normalize_doc_no(s: &str) -> String {
    s.chars()
        .map(normalize_char)
        .filter(|&c| !c.is_whitespace() && c != '\u{FEFF}')
        .map(|c| match c {
            '[' | '(' | '【' | '〔' | '﹝' | '〖' | '〘' => '〔',
            ']' | ')' | '】' | '〕' | '﹞' | '〗' | '〙' => '〕',
            _ => c,
        })
        .collect()
}

/// 32-bit FNV-1a over the UTF-8 bytes: picks a token's shard, identically in `search.js`.
fn fnv1a(s: &str) -> u32 {
    fnv1a_bytes(s.as_bytes())
}

fn fnv1a_bytes(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0x811C_9DC5u32, |h, &b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    })
}

// ---------------------------------------------------------------------------------------
// Index construction.

/// Hasher for the packed `u64` token keys: std's SipHash costs more than the rest of the
/// indexing, and build input is not adversarial.
#[derive(Default)]
struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = mix(self.0 ^ u64::from(b));
        }
    }
    fn write_u64(&mut self, k: u64) {
        self.0 = mix(self.0 ^ k);
    }
}

type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<KeyHasher>>;

/// A CJK unigram or bigram packed into an integer: `c1 << 21 | c2`, `c2 = 0` for a unigram.
fn pack(a: char, b: Option<char>) -> u64 {
    (u64::from(u32::from(a)) << 21) | b.map_or(0, |b| u64::from(u32::from(b)))
}

/// Mixes a packed key for table indexing (every output bit depends on every input bit).
fn mix(k: u64) -> u64 {
    let x = (k ^ (k >> 31)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    x ^ (x >> 29)
}

/// The distinct CJK terms of one text, found without sorting: an open-addressing set whose
/// slots count only when stamped with the current generation, so clearing it is free.
/// Sorting each document's ~6,000 terms was the largest cost of indexing.
struct TermSet {
    slots: Vec<(u64, u32)>,
    generation: u32,
    keys: Vec<u64>,
}

impl TermSet {
    fn new() -> Self {
        TermSet {
            slots: vec![(0, 0); 1 << 12],
            generation: 1,
            keys: Vec::new(),
        }
    }

    fn clear(&mut self) {
        self.keys.clear();
        self.generation = self.generation.wrapping_add(1);
        if self.generation == 0 {
            self.slots.fill((0, 0));
            self.generation = 1;
        }
    }

    fn insert(&mut self, k: u64) {
        if (self.keys.len() + 1) * 2 > self.slots.len() {
            self.grow();
        }
        let mask = self.slots.len() - 1;
        let mut i = mix(k) as usize & mask;
        loop {
            let slot = &mut self.slots[i];
            if slot.1 != self.generation {
                *slot = (k, self.generation);
                self.keys.push(k);
                return;
            }
            if slot.0 == k {
                return;
            }
            i = (i + 1) & mask;
        }
    }

    fn grow(&mut self) {
        self.slots = vec![(0, 0); self.slots.len() * 2];
        self.generation = 1;
        for k in std::mem::take(&mut self.keys) {
            self.insert(k);
        }
    }
}

/// Per-thread buffers reused across documents.
struct Scratch {
    set: TermSet,
    chars: Vec<char>,
}

thread_local! {
    // Per thread rather than per rayon job: jobs are split finely, and a fresh 100 KB table
    // per job showed up as page faults.
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::new(Scratch {
        set: TermSet::new(),
        chars: Vec::new(),
    });
}

/// The distinct index terms of one field of one document; the CJK keys grouped by the part
/// of the index that merges them (`cjk[bounds[p]..bounds[p + 1]]` for part `p`), so each
/// merging thread reads only its own keys.
#[derive(Default)]
struct Terms {
    cjk: Vec<u64>,
    bounds: [usize; PARTS + 1],
    runs: Vec<String>,
}

fn is_open(c: char) -> bool {
    matches!(c, '[' | '(' | '【' | '〔' | '﹝' | '〖' | '〘')
}

fn is_close(c: char) -> bool {
    matches!(c, ']' | ')' | '】' | '〕' | '﹞' | '〗' | '〙')
}

/// Longest 机关代字 (the `示政办发` of `示政办发〔2024〕11号`) indexed for a cited number.
const MAX_AGENCY_CHARS: usize = 8;

/// Adds the exact-number keys of the 发文字号 cited in normalised `chars` (`…（示教发〔2026〕7号）…`),
/// so a number query finds the documents that cite it without checking pages. Where the
/// 机关代字 starts is unknown (`根据示教发〔2026〕7号`), so every suffix of two or more
/// characters of the CJK run before the bracket is a key; the query's full number matches
/// one of them.
fn cited_doc_nos(chars: &[char], out: &mut Vec<String>) {
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
            out.push(format!("#{agency}〔{year}〕{number}号"));
        }
    }
}

fn field_terms(scratch: &mut Scratch, texts: &[&str], cites: bool) -> Terms {
    let Scratch { set, chars } = scratch;
    set.clear();
    let mut runs = Vec::new();
    for text in texts {
        // One pass over the text: the same tokens as `scan`, plus every CJK character on
        // its own (so one-character queries work), without materialising the characters.
        let mut prev: Option<char> = None;
        let mut run = String::new();
        let mut run_class = Class::Sep;
        let mut maybe_cites = false;
        let mut after_open = false;
        for c in text.chars().map(normalize_char) {
            let cl = class(c);
            if cl != run_class && !run.is_empty() {
                runs.push(std::mem::take(&mut run));
            }
            match cl {
                Class::Cjk => {
                    set.insert(pack(c, None));
                    if let Some(p) = prev {
                        set.insert(pack(p, Some(c)));
                    }
                    prev = Some(c);
                }
                Class::Digit | Class::Latin => {
                    prev = None;
                    run.push(c);
                    maybe_cites |= after_open && cl == Class::Digit;
                }
                Class::Sep => prev = None,
            }
            run_class = cl;
            after_open = is_open(c);
        }
        if !run.is_empty() {
            runs.push(run);
        }
        // Cited numbers need random access; only texts with a bracket before a digit pay.
        if cites && maybe_cites {
            chars.clear();
            chars.extend(text.chars().map(normalize_char));
            cited_doc_nos(chars, &mut runs);
        }
    }
    runs.sort_unstable();
    runs.dedup();
    let mut bounds = [0; PARTS + 1];
    for &k in &set.keys {
        bounds[part_of(k) + 1] += 1;
    }
    for p in 0..PARTS {
        bounds[p + 1] += bounds[p];
    }
    let mut next = bounds;
    let mut cjk = vec![0; set.keys.len()];
    for &k in &set.keys {
        let p = part_of(k);
        cjk[next[p]] = k;
        next[p] += 1;
    }
    Terms { cjk, bounds, runs }
}

/// The three fields' terms of one document.
struct DocTerms([Terms; 3]);

fn doc_terms(scratch: &mut Scratch, d: &SearchDoc) -> DocTerms {
    let body = field_terms(scratch, &[&d.text], true);
    let title = field_terms(scratch, &[&d.title], true);
    let mut texts: Vec<&str> = [&d.doc_no, &d.index_no, &d.issuer]
        .into_iter()
        .flatten()
        .map(String::as_str)
        .collect();
    texts.extend(d.keywords.iter().map(String::as_str));
    let mut fields = field_terms(scratch, &texts, false);
    for s in [&d.doc_no, &d.index_no].into_iter().flatten() {
        let key = normalize_doc_no(s);
        if !key.is_empty() {
            fields.runs.push(format!("#{key}"));
        }
    }
    fields.runs.sort_unstable();
    fields.runs.dedup();
    DocTerms([body, title, fields])
}

/// A growing doc list in delta form; documents arrive in id order.
#[derive(Default)]
struct Postings {
    /// Last doc id + 1 (0: none yet).
    next: u32,
    count: u32,
    data: Vec<u8>,
}

impl Postings {
    fn push(&mut self, id: u32) {
        push_varint(&mut self.data, id - self.next);
        self.next = id + 1;
        self.count += 1;
    }

    /// The shortest form of this list among `count` documents, and its length.
    fn form(&self, count: u32) -> (Form, usize) {
        let mut best = (Form::Delta, self.data.len());
        let bitmap = 1 + (self.next as usize).div_ceil(6);
        if bitmap < best.1 {
            best = (Form::Bitmap, bitmap);
        }
        // Only a list holding most documents can be shorter as its complement.
        if u64::from(self.count) * 2 > u64::from(count) {
            let len = 1 + complement(&decode_deltas(&self.data), count)
                .map(varint_len)
                .sum::<usize>();
            if len < best.1 {
                best = (Form::Complement, len);
            }
        }
        best
    }

    /// Appends the list in `form` (from [`Postings::form`]).
    fn write_form(&self, out: &mut String, form: Form, count: u32) {
        match form {
            Form::Delta => out.extend(self.data.iter().map(|&b| char::from(b))),
            Form::Bitmap => {
                let mut bits = vec![0u8; (self.next as usize).div_ceil(6)];
                for id in decode_deltas(&self.data) {
                    bits[id as usize / 6] |= 1 << (id % 6);
                }
                out.push('!');
                out.extend(bits.iter().map(|&b| char::from(ALPHABET[usize::from(b)])));
            }
            Form::Complement => {
                let mut data = Vec::new();
                complement(&decode_deltas(&self.data), count)
                    .for_each(|gap| push_varint(&mut data, gap));
                out.push('~');
                out.extend(data.iter().map(|&b| char::from(b)));
            }
        }
    }

    #[cfg(test)]
    fn encode(&self, count: u32) -> String {
        let mut s = String::new();
        self.write_form(&mut s, self.form(count).0, count);
        s
    }
}

/// How a doc list is written; see the module documentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Form {
    Delta,
    Bitmap,
    Complement,
}

/// The delta-form numbers of the ids in `0..count` that `ids` (sorted) lacks.
fn complement(ids: &[u32], count: u32) -> impl Iterator<Item = u32> + '_ {
    let mut next_present = ids.iter().copied().peekable();
    let mut prev: Option<u32> = None;
    (0..count).filter_map(move |id| {
        if next_present.peek() == Some(&id) {
            next_present.next();
            return None;
        }
        let gap = prev.map_or(id, |p| id - p - 1);
        prev = Some(id);
        Some(gap)
    })
}

/// Characters [`push_varint`] writes for `v`.
fn varint_len(v: u32) -> usize {
    let mut n = 1;
    let mut v = v >> 5;
    while v > 0 {
        n += 1;
        v >>= 5;
    }
    n
}

fn push_varint(out: &mut Vec<u8>, mut v: u32) {
    let mut digits = [0u8; 7];
    let mut n = 0;
    loop {
        digits[n] = (v & 31) as u8;
        n += 1;
        v >>= 5;
        if v == 0 {
            break;
        }
    }
    for i in (0..n).rev() {
        let cont = if i > 0 { 32 } else { 0 };
        out.push(ALPHABET[(digits[i] | cont) as usize]);
    }
}

fn digit_value(b: u8) -> u32 {
    match b {
        b'A'..=b'Z' => u32::from(b - b'A'),
        b'a'..=b'z' => u32::from(b - b'a') + 26,
        b'0'..=b'9' => u32::from(b - b'0') + 52,
        b'-' => 62,
        _ => 63,
    }
}

fn decode_deltas(data: &[u8]) -> Vec<u32> {
    let mut out = Vec::new();
    let mut next = 0u32;
    let mut v = 0u32;
    for &b in data {
        let d = digit_value(b);
        v = (v << 5) | (d & 31);
        if d < 32 {
            next += v;
            out.push(next);
            next += 1;
            v = 0;
        }
    }
    out
}

/// The postings of one field, by key kind.
#[derive(Default)]
struct FieldIndex {
    cjk: FastMap<u64, Postings>,
    runs: HashMap<String, Postings>,
}

/// Keys are split into this many disjoint parts, merged on separate threads.
const PARTS: usize = 4;

fn part_of(k: u64) -> usize {
    // A different multiplier from `mix`, so a part's keys still spread over its table.
    (k.wrapping_mul(0xD6E8_FEB8_6659_FD93) >> 62) as usize % PARTS
}

fn part_of_run(s: &str) -> usize {
    fnv1a(s) as usize % PARTS
}

/// One part of the index: the postings of its keys in each field.
#[derive(Default)]
struct Part([FieldIndex; 3]);

impl Part {
    fn add(&mut self, p: usize, id: u32, doc: &DocTerms) {
        for (field, terms) in self.0.iter_mut().zip(doc.0.iter()) {
            for &k in &terms.cjk[terms.bounds[p]..terms.bounds[p + 1]] {
                field.cjk.entry(k).or_default().push(id);
            }
            for r in &terms.runs {
                if part_of_run(r) != p {
                    continue;
                }
                match field.runs.get_mut(r.as_str()) {
                    Some(post) => post.push(id),
                    None => {
                        let mut post = Postings::default();
                        post.push(id);
                        field.runs.insert(r.clone(), post);
                    }
                }
            }
        }
    }

    /// Every key of the part with its three lists, the token spelled out.
    fn keys(&self) -> Vec<Key<'_>> {
        let mut cjk: Vec<u64> = self.0.iter().flat_map(|f| f.cjk.keys().copied()).collect();
        cjk.sort_unstable();
        cjk.dedup();
        let mut runs: Vec<&str> = self
            .0
            .iter()
            .flat_map(|f| f.runs.keys().map(String::as_str))
            .collect();
        runs.sort_unstable();
        runs.dedup();
        let mut out: Vec<Key<'_>> = cjk
            .into_iter()
            .map(|k| Key::new(Token::Cjk(k), [0, 1, 2].map(|f| self.0[f].cjk.get(&k))))
            .collect();
        out.extend(
            runs.into_iter()
                .map(|r| Key::new(Token::Run(r), [0, 1, 2].map(|f| self.0[f].runs.get(r)))),
        );
        out
    }
}

/// A token as the index keeps it: packed CJK characters, or a borrowed run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Token<'a> {
    Cjk(u64),
    Run(&'a str),
}

impl Token<'_> {
    /// The token's UTF-8 bytes, for hashing, without allocating.
    fn with_bytes<R>(self, f: impl FnOnce(&[u8]) -> R) -> R {
        match self {
            Token::Run(r) => f(r.as_bytes()),
            Token::Cjk(k) => {
                let mut buf = [0u8; 8];
                let a = char::from_u32((k >> 21) as u32).unwrap_or('\u{FFFD}');
                let mut n = a.encode_utf8(&mut buf).len();
                if let Some(b) = char::from_u32((k & 0x1F_FFFF) as u32).filter(|&b| b != '\0') {
                    n += b.encode_utf8(&mut buf[n..]).len();
                }
                f(&buf[..n])
            }
        }
    }

    fn shard(self, n: usize) -> usize {
        self.with_bytes(fnv1a_bytes) as usize % n
    }

    fn write_json(self, out: &mut String) {
        match self {
            // CJK characters never need escaping in JSON.
            Token::Cjk(k) => {
                out.push('"');
                out.push(char::from_u32((k >> 21) as u32).unwrap_or('\u{FFFD}'));
                if let Some(b) = char::from_u32((k & 0x1F_FFFF) as u32).filter(|&b| b != '\0') {
                    out.push(b);
                }
                out.push('"');
            }
            Token::Run(r) => json_str(out, r),
        }
    }
}

/// One index key on its way to a shard file.
struct Key<'a> {
    token: Token<'a>,
    lists: [Option<&'a Postings>; 3],
    forms: [(Form, usize); 3],
}

impl<'a> Key<'a> {
    fn new(token: Token<'a>, lists: [Option<&'a Postings>; 3]) -> Self {
        Key {
            token,
            lists,
            forms: [(Form::Delta, 0); 3],
        }
    }

    /// A single CJK character: lives in the `char-` shards, which only one-character query
    /// pieces need, so the others never download these dense lists.
    fn single(&self) -> bool {
        matches!(self.token, Token::Cjk(k) if k & 0x1F_FFFF == 0)
    }

    /// Chooses each list's form; `count` is the number of documents.
    fn choose(&mut self, count: u32) {
        for (f, l) in self.forms.iter_mut().zip(self.lists) {
            *f = l.map_or((Form::Delta, 0), |p| p.form(count));
        }
    }

    /// Bytes this key adds to its shard, near enough (escapes are rare in tokens).
    fn bytes(&self) -> usize {
        let token = match self.token {
            Token::Cjk(k) if k & 0x1F_FFFF == 0 => 3,
            Token::Cjk(_) => 6,
            Token::Run(r) => r.len(),
        };
        token + 6 + self.forms.iter().map(|f| f.1 + 3).sum::<usize>()
    }

    /// Writes the value: the body list alone, or `[body, title, fields]` without trailing
    /// empty lists.
    fn write_value(&self, out: &mut String, count: u32) {
        let used = self
            .lists
            .iter()
            .rposition(Option::is_some)
            .map_or(1, |i| i + 1);
        if used > 1 {
            out.push('[');
        }
        for (i, l) in self.lists[..used].iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push('"');
            if let Some(p) = l {
                p.write_form(out, self.forms[i].0, count);
            }
            out.push('"');
        }
        if used > 1 {
            out.push(']');
        }
    }
}

/// A JSON object of tokens to values, in a fixed order (packed CJK keys by value, then
/// runs by string), so the output is deterministic.
fn object_json(keys: &mut [Key<'_>], count: u32) -> String {
    keys.sort_unstable_by(|a, b| a.token.cmp(&b.token));
    let mut s = String::with_capacity(keys.iter().map(Key::bytes).sum());
    s.push('{');
    for (i, k) in keys.iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        k.token.write_json(&mut s);
        s.push(':');
        k.write_value(&mut s, count);
    }
    s.push('}');
    s
}

/// Distributes keys over `n` shard files named `{prefix}-{i}.json` by token hash.
fn shard_files(keys: Vec<Key<'_>>, n: usize, prefix: &str, count: u32) -> Vec<(String, Vec<u8>)> {
    let mut buckets: Vec<Vec<Key<'_>>> = (0..n).map(|_| Vec::new()).collect();
    for k in keys {
        buckets[k.token.shard(n)].push(k);
    }
    buckets
        .into_par_iter()
        .enumerate()
        .map(|(i, mut b)| {
            (
                format!("{prefix}-{i}.json"),
                object_json(&mut b, count).into_bytes(),
            )
        })
        .collect()
}

/// Collapses whitespace and keeps the first `n` characters.
fn snippet(text: &str, n: usize) -> String {
    let mut out = String::new();
    let mut count = 0;
    for word in text.split_whitespace() {
        if count >= n {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
            count += 1;
        }
        for c in word.chars() {
            if count >= n {
                break;
            }
            out.push(c);
            count += 1;
        }
    }
    out
}

fn json_str(out: &mut String, s: &str) {
    if s.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\') {
        out.push('"');
        out.push_str(s);
        out.push('"');
    } else {
        // serde_json escapes exactly what JSON requires; writing to a String cannot fail.
        out.push_str(&serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into()));
    }
}

fn record_json(d: &SearchDoc) -> String {
    let mut r = String::from("[");
    let opt = |o: &Option<String>| o.clone().unwrap_or_default();
    let fields = [
        d.url.clone(),
        d.title.clone(),
        opt(&d.doc_no),
        opt(&d.index_no),
        opt(&d.issuer),
        opt(&d.date),
    ];
    for f in &fields {
        json_str(&mut r, f);
        r.push(',');
    }
    r.push('[');
    for (i, k) in d.keywords.iter().enumerate() {
        if i > 0 {
            r.push(',');
        }
        json_str(&mut r, k);
    }
    r.push_str("],");
    json_str(&mut r, &snippet(&d.text, SNIPPET_CHARS));
    r.push(']');
    r
}

/// Newest first, undated last, then by URL: the order that defines doc ids.
fn doc_order(a: &SearchDoc, b: &SearchDoc) -> std::cmp::Ordering {
    match (&a.date, &b.date) {
        (Some(x), Some(y)) => y.cmp(x),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    }
    .then_with(|| a.url.cmp(&b.url))
    .then_with(|| a.title.cmp(&b.title))
}

/// Base-64 digits of `v`, most significant first, exactly `width` characters.
fn fixed_digits(out: &mut String, v: usize, width: usize) {
    for i in (0..width).rev() {
        out.push(ALPHABET[(v >> (6 * i)) & 63] as char);
    }
}

/// The facet codes of all documents, and the tables they index.
fn facets(docs: &[&SearchDoc]) -> (String, String) {
    let mut kinds: Vec<(&str, &str)> = docs
        .iter()
        .map(|d| (d.kind.as_str(), d.kind_label.as_str()))
        .collect();
    kinds.sort_unstable();
    kinds.dedup_by(|a, b| a.0 == b.0);
    let mut statuses: Vec<&str> = docs.iter().filter_map(|d| d.validity.as_deref()).collect();
    statuses.sort_unstable();
    statuses.dedup();
    let mut years: Vec<i32> = docs.iter().filter_map(|d| d.year).collect();
    years.sort_unstable_by(|a, b| b.cmp(a));
    years.dedup();

    let k = kinds.len().max(1);
    let st = statuses.len() + 1;
    let yr = years.len() + 1;
    let max = k * st * yr - 1;
    let mut width = 1;
    while max >> (6 * width) > 0 {
        width += 1;
    }
    let mut codes = String::with_capacity(docs.len() * width);
    for d in docs {
        let ki = kinds.iter().position(|x| x.0 == d.kind).unwrap_or(0);
        let si = d
            .validity
            .as_deref()
            .and_then(|v| statuses.binary_search(&v).ok())
            .map_or(0, |i| i + 1);
        let yi = d
            .year
            .and_then(|y| years.iter().position(|&x| x == y))
            .map_or(0, |i| i + 1);
        fixed_digits(&mut codes, ki + k * (si + st * yi), width);
    }

    let mut head = String::from("\"kinds\":[");
    for (i, (v, l)) in kinds.iter().enumerate() {
        if i > 0 {
            head.push(',');
        }
        head.push_str("{\"value\":");
        json_str(&mut head, v);
        head.push_str(",\"label\":");
        json_str(&mut head, l);
        head.push('}');
    }
    head.push_str("],\"statuses\":[");
    for (i, s) in statuses.iter().enumerate() {
        if i > 0 {
            head.push(',');
        }
        json_str(&mut head, s);
    }
    head.push_str("],\"years\":[");
    let ys: Vec<String> = years.iter().map(|y| y.to_string()).collect();
    head.push_str(&ys.join(","));
    head.push(']');
    let facets = format!("\"facets\":{{\"width\":{width},\"codes\":\"{codes}\"}}");
    (head, facets)
}

/// Builds the search files for `docs`: `search.json` (the entry point the search page
/// fetches) and, for larger sites, `search/meta-*.json` and `search/index-*.json`. Returns
/// site-relative paths and bytes, sorted by path; the same documents in any order give the
/// same files. The format is described in this module's documentation.
pub fn build_index(docs: &[SearchDoc]) -> Vec<(String, Vec<u8>)> {
    let mut order: Vec<&SearchDoc> = docs.iter().collect();
    order.sort_by(|a, b| doc_order(a, b));

    let mut parts: Vec<Part> = (0..PARTS).map(|_| Part::default()).collect();
    for (b, batch) in order.chunks(BATCH).enumerate() {
        let terms: Vec<DocTerms> = batch
            .par_iter()
            .map(|d| SCRATCH.with(|s| doc_terms(&mut s.borrow_mut(), d)))
            .collect();
        parts.par_iter_mut().enumerate().for_each(|(p, part)| {
            for (i, t) in terms.iter().enumerate() {
                part.add(p, (b * BATCH + i) as u32, t);
            }
        });
    }

    let count = order.len() as u32;
    let mut keys: Vec<Key<'_>> = parts.par_iter().flat_map_iter(Part::keys).collect();
    keys.par_iter_mut().for_each(|k| k.choose(count));
    let (chars, words): (Vec<Key<'_>>, Vec<Key<'_>>) = keys.into_iter().partition(Key::single);
    let word_bytes: usize = words.iter().map(Key::bytes).sum();
    let char_bytes: usize = chars.iter().map(Key::bytes).sum();

    let records: Vec<String> = order.par_iter().map(|d| record_json(d)).collect();
    let (tables, facets) = facets(&order);
    let meta_bytes: usize = records.iter().map(|r| r.len() + 1).sum();

    let mut entry = format!(
        "{{\"format\":\"gongkai-search\",\"version\":{FORMAT_VERSION},\"count\":{count},{tables},{facets},\"snippet_chars\":{SNIPPET_CHARS}"
    );
    let mut files = Vec::new();
    if word_bytes + char_bytes + meta_bytes <= INLINE_MAX_BYTES {
        entry.push_str(",\"meta\":[");
        entry.push_str(&records.join(","));
        entry.push_str("],\"index\":");
        let mut all = words;
        all.extend(chars);
        entry.push_str(&object_json(&mut all, count));
    } else {
        let avg = meta_bytes / records.len().max(1) + 1;
        let mut chunk = 1usize;
        while chunk < 256 && (chunk * 2) * avg <= META_TARGET_BYTES {
            chunk *= 2;
        }
        let meta_files = records.len().div_ceil(chunk);
        let shards = word_bytes.div_ceil(SHARD_TARGET_BYTES).max(1);
        let char_shards = char_bytes.div_ceil(SHARD_TARGET_BYTES).max(1);
        entry.push_str(&format!(
            ",\"meta_chunk\":{chunk},\"meta_files\":{meta_files},\"shards\":{shards},\"char_shards\":{char_shards}"
        ));
        for (i, c) in records.chunks(chunk).enumerate() {
            files.push((
                format!("search/meta-{i}.json"),
                format!("[{}]", c.join(",")).into_bytes(),
            ));
        }
        files.extend(shard_files(words, shards, "search/index", count));
        files.extend(shard_files(chars, char_shards, "search/char", count));
    }
    entry.push('}');
    files.push(("search.json".to_string(), entry.into_bytes()));
    files.sort_by(|a, b| a.0.cmp(&b.0));
    files
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    /// Shared with the browser test, which runs the JavaScript tokenizer on the same cases.
    const VECTORS: &str = include_str!("../tests/browser/search-vectors.json");

    fn vectors() -> Value {
        serde_json::from_str(VECTORS).expect("search-vectors.json is valid JSON")
    }

    #[test]
    fn tokenizer_matches_shared_vectors() {
        let v = vectors();
        let cases = v["tokenize"].as_array().expect("tokenize cases");
        assert!(cases.len() >= 10);
        for case in cases {
            let input = case["input"].as_str().expect("input");
            let want: Vec<String> = case["tokens"]
                .as_array()
                .expect("tokens")
                .iter()
                .map(|t| t.as_str().expect("token").to_string())
                .collect();
            assert_eq!(tokenize(input), want, "tokenize({input:?})");
        }
    }

    #[test]
    fn doc_no_matches_shared_vectors() {
        let v = vectors();
        for case in v["normalize_doc_no"].as_array().expect("doc_no cases") {
            let input = case["input"].as_str().expect("input");
            let want = case["output"].as_str().expect("output");
            assert_eq!(normalize_doc_no(input), want, "normalize_doc_no({input:?})");
        }
        for case in v["fnv1a"].as_array().expect("fnv cases") {
            let input = case["input"].as_str().expect("input");
            assert_eq!(
                u64::from(fnv1a(input)),
                case["hash"].as_u64().expect("hash")
            );
        }
    }

    /// The indexer has its own one-pass loop for speed; it must find exactly the tokens of
    /// `tokenize`, plus every single CJK character.
    #[test]
    fn indexer_terms_match_tokenize() {
        let v = vectors();
        let mut scratch = Scratch {
            set: TermSet::new(),
            chars: Vec::new(),
        };
        for case in v["tokenize"].as_array().expect("cases") {
            let input = case["input"].as_str().expect("input");
            let terms = field_terms(&mut scratch, &[input], false);
            let mut got: Vec<String> = terms
                .cjk
                .iter()
                .map(|&k| {
                    let a = char::from_u32((k >> 21) as u32).unwrap();
                    match char::from_u32((k & 0x1F_FFFF) as u32).unwrap() {
                        '\0' => a.to_string(),
                        b => [a, b].iter().collect(),
                    }
                })
                .chain(terms.runs.iter().cloned())
                .collect();
            got.sort();
            let mut want = tokenize(input);
            want.extend(
                normalized(input)
                    .into_iter()
                    .filter(|&c| class(c) == Class::Cjk)
                    .map(String::from),
            );
            want.sort();
            want.dedup();
            assert_eq!(got, want, "{input:?}");
        }
    }

    #[test]
    fn bracket_variants_tokenize_alike() {
        let a = tokenize("示政办发〔2024〕11号");
        for v in [
            "示政办发[2024]11号",
            "示政办发【2024】11号",
            "示政办发（２０２４）11号",
        ] {
            assert_eq!(tokenize(v), a, "{v}");
            assert_eq!(normalize_doc_no(v), "示政办发〔2024〕11号");
        }
        assert_eq!(a, ["示政", "政办", "办发", "2024", "11", "号"]);
    }

    #[test]
    fn varints_round_trip() {
        let ids = [0u32, 1, 2, 31, 32, 33, 1000, 1023, 1024, 40_000, 1_000_000];
        let mut p = Postings::default();
        for &id in &ids {
            p.push(id);
        }
        assert_eq!(decode_deltas(&p.data), ids);
        // Sparse lists stay deltas; dense ones become bitmaps (ids 0–4: bits 0–4 = 31 = 'f').
        let mut q = Postings::default();
        [0, 40, 41].iter().for_each(|&i| q.push(i));
        assert_eq!(q.encode(100), "AhHA"); // 0, 39 = (1+32, 7), 0
        let mut r = Postings::default();
        (0..5).for_each(|i| r.push(i));
        assert_eq!(r.encode(100), "!f");
        assert_eq!(decode_list("!f", 100), [0, 1, 2, 3, 4]);
        // A list of nearly every document is written as the ones it lacks: all but 3 and 7.
        let mut c = Postings::default();
        (0..1000)
            .filter(|&i| i != 3 && i != 7)
            .for_each(|i| c.push(i));
        assert_eq!(c.encode(1000), "~DD");
        assert_eq!(decode_list("~DD", 1000).len(), 998);
        assert_eq!(decode_list(&c.encode(1000), 1000), decode_deltas(&c.data));
    }

    /// The encoder against doc lists worked out by hand (the browser test decodes the same
    /// strings with search.js's decoder), so neither side is only checked against itself.
    #[test]
    fn doc_lists_match_shared_vectors() {
        let v = vectors();
        let cases = v["doc_lists"].as_array().expect("doc_lists cases");
        let forms: Vec<&str> = cases.iter().map(|c| c["form"].as_str().unwrap()).collect();
        for form in ["delta", "bitmap", "complement"] {
            assert!(
                forms.contains(&form),
                "no {form} case in search-vectors.json"
            );
        }
        for case in cases {
            let count = case["count"].as_u64().expect("count") as u32;
            let list = |key: &str| -> Option<Vec<u32>> {
                case.get(key).map(|a| {
                    a.as_array()
                        .expect("ids")
                        .iter()
                        .map(|i| i.as_u64().unwrap() as u32)
                        .collect()
                })
            };
            let ids = match (list("ids"), list("ids_all_but")) {
                (Some(ids), _) => ids,
                (None, Some(absent)) => (0..count).filter(|i| !absent.contains(i)).collect(),
                (None, None) => panic!("case without ids: {case}"),
            };
            let mut p = Postings::default();
            ids.iter().for_each(|&i| p.push(i));
            let (form, len) = p.form(count);
            let want_form = match case["form"].as_str().unwrap() {
                "delta" => Form::Delta,
                "bitmap" => Form::Bitmap,
                "complement" => Form::Complement,
                other => panic!("unknown form {other}"),
            };
            let want = case["encoded"].as_str().unwrap();
            assert_eq!(form, want_form, "form of {case}");
            assert_eq!(p.encode(count), want, "encoding of {case}");
            assert_eq!(len, want.len(), "length estimate of {case}");
        }
    }

    fn doc(url: &str, title: &str, date: &str, text: &str) -> SearchDoc {
        SearchDoc {
            url: url.into(),
            kind: "policy".into(),
            kind_label: "政策文件".into(),
            title: title.into(),
            date: Some(date.into()),
            year: date.get(..4).and_then(|y| y.parse().ok()),
            validity: Some("现行有效".into()),
            text: text.into(),
            ..Default::default()
        }
    }

    /// Decodes a doc list the way search.js does.
    fn decode_list(s: &str, count: u32) -> Vec<u32> {
        if let Some(absent) = s.strip_prefix('~') {
            let absent = decode_deltas(absent.as_bytes());
            return (0..count).filter(|id| !absent.contains(id)).collect();
        }
        match s.strip_prefix('!') {
            Some(bits) => bits
                .bytes()
                .enumerate()
                .flat_map(|(k, b)| {
                    let v = digit_value(b);
                    (0..6)
                        .filter(move |j| v & (1 << j) != 0)
                        .map(move |j| (6 * k + j) as u32)
                })
                .collect(),
            None => decode_deltas(s.as_bytes()),
        }
    }

    /// Looks a token up in built files; returns [body, title, fields] doc ids.
    fn lookup(files: &[(String, Vec<u8>)], token: &str) -> [Vec<u32>; 3] {
        let entry: Value =
            serde_json::from_slice(&files.iter().find(|f| f.0 == "search.json").unwrap().1)
                .unwrap();
        let count = entry["count"].as_u64().unwrap() as u32;
        let index: Value = match entry.get("index") {
            Some(i) => i.clone(),
            None => {
                let single = token.chars().count() == 1
                    && class(token.chars().next().unwrap()) == Class::Cjk;
                let (prefix, n) = if single {
                    ("char", "char_shards")
                } else {
                    ("index", "shards")
                };
                let shards = entry[n].as_u64().unwrap() as u32;
                let path = format!("search/{prefix}-{}.json", fnv1a(token) % shards);
                serde_json::from_slice(&files.iter().find(|f| f.0 == path).unwrap().1).unwrap()
            }
        };
        let lists: Vec<String> = match &index[token] {
            Value::String(s) => vec![s.clone()],
            Value::Array(a) => a.iter().map(|v| v.as_str().unwrap().to_string()).collect(),
            _ => vec![],
        };
        let get = |i: usize| {
            lists
                .get(i)
                .map(|s| decode_list(s, count))
                .unwrap_or_default()
        };
        [get(0), get(1), get(2)]
    }

    fn sample() -> Vec<SearchDoc> {
        let mut a = doc(
            "policies/a/",
            "关于加强养老服务的通知",
            "2023-05-01",
            "各乡镇要落实养老服务补贴。",
        );
        a.doc_no = Some("示政办发〔2024〕11号".into());
        a.index_no = Some("4305210003/2024-00012".into());
        a.issuer = Some("示例县人民政府办公室".into());
        a.keywords = vec!["养老".into()];
        let b = doc(
            "policies/b/",
            "教育局工作要点",
            "2024-02-01",
            "推进义务教育均衡发展，落实养老保险。",
        );
        let mut c = doc(
            "pages/guide/",
            "信息公开指南",
            "2022-01-01",
            "依申请公开的办理流程。",
        );
        c.kind = "page".into();
        c.kind_label = "普通页面".into();
        c.validity = None;
        vec![a, b, c]
    }

    #[test]
    fn index_finds_tokens_by_field_newest_first() {
        let files = build_index(&sample());
        // Ids: b (2024) = 0, a (2023) = 1, c (2022) = 2.
        assert_eq!(lookup(&files, "养老"), [vec![0, 1], vec![1], vec![1]]);
        assert_eq!(lookup(&files, "教育"), [vec![0], vec![0], vec![]]);
        assert_eq!(lookup(&files, "2024"), [vec![], vec![], vec![1]]);
        assert_eq!(
            lookup(&files, "#示政办发〔2024〕11号"),
            [vec![], vec![], vec![1]]
        );
        assert_eq!(
            lookup(&files, "#4305210003/2024-00012"),
            [vec![], vec![], vec![1]]
        );
        // Single characters are indexed, including the last of a run and one-char runs.
        assert_eq!(lookup(&files, "号")[2], vec![1]);
        assert_eq!(lookup(&files, "程")[0], vec![2]);
        assert_eq!(lookup(&files, "办")[0], vec![2]);
        assert_eq!(lookup(&files, "不存在")[0], Vec::<u32>::new());
    }

    #[test]
    fn entry_holds_facets_and_records() {
        let files = build_index(&sample());
        assert_eq!(files.len(), 1, "a small site is one file");
        let e: Value = serde_json::from_slice(&files[0].1).unwrap();
        assert_eq!(e["format"], "gongkai-search");
        assert_eq!(e["count"], 3);
        assert_eq!(e["years"], serde_json::json!([2024, 2023, 2022]));
        assert_eq!(e["statuses"], serde_json::json!(["现行有效"]));
        assert_eq!(e["kinds"][0]["value"], "page");
        let codes = e["facets"]["codes"].as_str().unwrap();
        let (k, st) = (2, 2);
        let decoded: Vec<(u32, u32, u32)> = codes
            .bytes()
            .map(|b| {
                let v = digit_value(b);
                (v % k, (v / k) % st, v / (k * st))
            })
            .collect();
        // b: policy, 现行有效, 2024; a: policy, 现行有效, 2023; c: page, none, 2022.
        assert_eq!(decoded, [(1, 1, 1), (1, 1, 2), (0, 0, 3)]);
        assert_eq!(e["meta"][1][0], "policies/a/");
        assert_eq!(e["meta"][1][2], "示政办发〔2024〕11号");
        assert_eq!(e["meta"][1][6], serde_json::json!(["养老"]));
    }

    #[test]
    fn output_is_deterministic_and_order_independent() {
        let mut docs = sample();
        let a = build_index(&docs);
        docs.reverse();
        assert_eq!(build_index(&docs), a);
    }

    #[test]
    fn large_sites_are_split_into_shards() {
        let docs: Vec<SearchDoc> = (0..400)
            .map(|i| {
                let text: String = (0..400)
                    .map(|j| {
                        char::from_u32(0x4E00 + ((i * 7919 + j * 104_729) % 6000) as u32).unwrap()
                    })
                    .collect();
                doc(
                    &format!("p/{i}/"),
                    &format!("文件{i}"),
                    &format!("20{:02}-01-01", i % 20),
                    &text,
                )
            })
            .collect();
        let files = build_index(&docs);
        let entry: Value =
            serde_json::from_slice(&files.iter().find(|f| f.0 == "search.json").unwrap().1)
                .unwrap();
        let shards = entry["shards"].as_u64().unwrap() as usize;
        let char_shards = entry["char_shards"].as_u64().unwrap() as usize;
        let chunk = entry["meta_chunk"].as_u64().unwrap() as usize;
        assert!(shards > 1 && entry.get("index").is_none());
        assert_eq!(
            files
                .iter()
                .filter(|f| f.0.starts_with("search/index-"))
                .count(),
            shards
        );
        assert_eq!(
            files
                .iter()
                .filter(|f| f.0.starts_with("search/char-"))
                .count(),
            char_shards
        );
        assert_eq!(
            files
                .iter()
                .filter(|f| f.0.starts_with("search/meta-"))
                .count(),
            entry["meta_files"].as_u64().unwrap() as usize
        );
        assert_eq!(entry["count"], 400);
        // Every document's title bigram "文件" is found, in id order.
        assert_eq!(lookup(&files, "文件")[1], (0..400).collect::<Vec<u32>>());
        // Records are in doc-id order: the first chunk starts with the newest document.
        let m0: Value = serde_json::from_slice(
            &files
                .iter()
                .find(|f| f.0 == "search/meta-0.json")
                .unwrap()
                .1,
        )
        .unwrap();
        assert_eq!(m0.as_array().unwrap().len(), chunk.min(400));
        assert!(m0[0][5].as_str().unwrap().starts_with("2019"));
        // Each token sits in the shard its hash names: single characters in char- shards.
        for (path, bytes) in files
            .iter()
            .filter(|f| f.0.starts_with("search/index-") || f.0.starts_with("search/char-"))
        {
            let obj: Value = serde_json::from_slice(bytes).unwrap();
            for k in obj.as_object().unwrap().keys() {
                let want =
                    if k.chars().count() == 1 && class(k.chars().next().unwrap()) == Class::Cjk {
                        format!("search/char-{}.json", fnv1a(k) as usize % char_shards)
                    } else {
                        format!("search/index-{}.json", fnv1a(k) as usize % shards)
                    };
                assert_eq!(path, &want);
            }
        }
        // The single characters are findable too.
        assert!(!lookup(&files, "文")[1].is_empty());
    }

    #[test]
    fn cited_numbers_are_exact_keys() {
        let mut keys = Vec::new();
        let text =
            "根据《通知》（示教发〔2026〕7号）和示政办发[2024]11号要求，2024年〔2024〕号不算。";
        cited_doc_nos(&normalized(text), &mut keys);
        assert_eq!(
            keys,
            [
                "#教发〔2026〕7号",
                "#示教发〔2026〕7号",
                "#办发〔2024〕11号",
                "#政办发〔2024〕11号",
                "#示政办发〔2024〕11号",
                "#和示政办发〔2024〕11号",
            ]
        );
        let mut d = doc(
            "policies/c/",
            "关于废止的决定",
            "2025-01-01",
            "示教发〔2026〕7号同时废止。",
        );
        d.doc_no = Some("示政发〔2025〕1号".into());
        let files = build_index(&[d]);
        assert_eq!(
            lookup(&files, "#示教发〔2026〕7号"),
            [vec![0], vec![], vec![]]
        );
        assert_eq!(
            lookup(&files, "#示政发〔2025〕1号"),
            [vec![], vec![], vec![0]]
        );
    }

    #[test]
    fn snippet_collapses_whitespace() {
        assert_eq!(snippet("  一二\n\n三四  五 ", 100), "一二 三四 五");
        assert_eq!(snippet("一二三四五", 3), "一二三");
    }
}
