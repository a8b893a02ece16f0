//! The distinct index terms of each document, per field (body, title, other fields),
//! found in one pass over the text without sorting.

use super::postings::{part_of, PARTS};
use super::tokenize::{class, normalize_char, Class};
use super::SearchDoc;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Hasher for the packed `u64` token keys: std's SipHash costs more than the rest of the
/// indexing, and build input is not adversarial.
#[derive(Default)]
pub(super) struct KeyHasher(u64);

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

pub(super) type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<KeyHasher>>;

/// A CJK unigram or bigram packed into an integer: `c1 << 21 | c2`, `c2 = 0` for a unigram.
pub(super) fn pack(a: char, b: Option<char>) -> u64 {
    (u64::from(u32::from(a)) << 21) | b.map_or(0, |b| u64::from(u32::from(b)))
}

/// Mixes a packed key for table indexing (every output bit depends on every input bit).
pub(super) fn mix(k: u64) -> u64 {
    let x = (k ^ (k >> 31)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    x ^ (x >> 29)
}

/// The distinct CJK terms of one text, found without sorting: an open-addressing set whose
/// slots count only when stamped with the current generation, so clearing it is free.
/// Sorting each document's ~6,000 terms was the largest cost of indexing.
pub(super) struct TermSet {
    pub(super) slots: Vec<(u64, u32)>,
    pub(super) generation: u32,
    pub(super) keys: Vec<u64>,
}

impl TermSet {
    pub(super) fn new() -> Self {
        TermSet {
            slots: vec![(0, 0); 1 << 12],
            generation: 1,
            keys: Vec::new(),
        }
    }

    pub(super) fn clear(&mut self) {
        self.keys.clear();
        self.generation = self.generation.wrapping_add(1);
        if self.generation == 0 {
            self.slots.fill((0, 0));
            self.generation = 1;
        }
    }

    pub(super) fn insert(&mut self, k: u64) {
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

    pub(super) fn grow(&mut self) {
        self.slots = vec![(0, 0); self.slots.len() * 2];
        self.generation = 1;
        for k in std::mem::take(&mut self.keys) {
            self.insert(k);
        }
    }
}

/// Per-thread buffers reused across documents.
pub(super) struct Scratch {
    pub(super) set: TermSet,
    pub(super) chars: Vec<char>,
}

thread_local! {
    // Per thread rather than per rayon job: jobs are split finely, and a fresh 100 KB table
    // per job showed up as page faults.
    pub(super) static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::new(Scratch {
        set: TermSet::new(),
        chars: Vec::new(),
    });
}

/// The distinct index terms of one field of one document; the CJK keys grouped by the part
/// of the index that merges them (`cjk[bounds[p]..bounds[p + 1]]` for part `p`), so each
/// merging thread reads only its own keys.
#[derive(Default)]
pub(super) struct Terms {
    pub(super) cjk: Vec<u64>,
    pub(super) bounds: [usize; PARTS + 1],
    pub(super) runs: Vec<String>,
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

pub(super) fn field_terms(scratch: &mut Scratch, texts: &[&str], cites: bool) -> Terms {
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
pub(super) struct DocTerms(pub(super) [Terms; 3]);

pub(super) fn doc_terms(scratch: &mut Scratch, d: &SearchDoc) -> DocTerms {
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
        let key = crate::rules::doc_no::normalise(s);
        if !key.is_empty() {
            fields.runs.push(format!("#{key}"));
        }
    }
    fields.runs.sort_unstable();
    fields.runs.dedup();
    DocTerms([body, title, fields])
}
