//! Doc lists (postings): built in delta form as documents arrive in id order, written in
//! the shortest of the three forms, merged in parallel parts.

use super::shards::{Key, Token};
use super::terms::{mix, TermSink};
use super::ALPHABET;
use rayon::prelude::*;
use std::collections::HashMap;

/// A growing doc list in delta form; documents arrive in id order.
#[derive(Default)]
pub(super) struct Postings {
    /// Last doc id + 1 (0: none yet).
    pub(super) next: u32,
    pub(super) count: u32,
    pub(super) data: Vec<u8>,
}

impl Postings {
    /// The list of `ids`, sorted and distinct.
    #[cfg(test)]
    pub(super) fn from_ids(ids: &[u32]) -> Postings {
        let mut p = Postings {
            next: 0,
            count: 0,
            data: Vec::with_capacity(ids.len()),
        };
        ids.iter().for_each(|&id| p.push(id));
        p
    }

    #[inline]
    pub(super) fn push(&mut self, id: u32) {
        push_varint(&mut self.data, id - self.next);
        self.next = id + 1;
        self.count += 1;
    }

    /// Appends `other`, a list whose ids all come after this one's, as written from an
    /// empty start (its first number is its first id): only that first number is
    /// re-encoded, the rest is copied.
    pub(super) fn append(&mut self, other: &Postings) {
        let Some(end) = other.data.iter().position(|&b| digit_value(b) < 32) else {
            return;
        };
        let first = other.data[..=end]
            .iter()
            .fold(0u32, |v, &b| (v << 5) | (digit_value(b) & 31));
        push_varint(&mut self.data, first - self.next);
        self.data.extend_from_slice(&other.data[end + 1..]);
        self.next = other.next;
        self.count += other.count;
    }

    /// The shortest form of this list among `count` documents, and its length.
    pub(super) fn form(&self, count: u32) -> (Form, usize) {
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
    pub(super) fn write_form(&self, out: &mut String, form: Form, count: u32) {
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
    pub(super) fn encode(&self, count: u32) -> String {
        let mut s = String::new();
        self.write_form(&mut s, self.form(count).0, count);
        s
    }
}

/// A doc list as [`Key`] writes it: the growing lists of a build, or sorted ids (the
/// index `serve` keeps). Both must write the same strings for the same ids.
pub(super) trait DocList: Sync {
    /// The shortest form of this list among `count` documents, and its length.
    fn form(&self, count: u32) -> (Form, usize);
    /// Appends the list in `form` (from [`DocList::form`]).
    fn write_form(&self, out: &mut String, form: Form, count: u32);
}

impl DocList for Postings {
    fn form(&self, count: u32) -> (Form, usize) {
        Postings::form(self, count)
    }
    fn write_form(&self, out: &mut String, form: Form, count: u32) {
        Postings::write_form(self, out, form, count);
    }
}

/// Sorted, distinct doc ids: measured and written in a pass each, without decoding.
impl DocList for [u32] {
    fn form(&self, count: u32) -> (Form, usize) {
        let last = self.last().map_or(0, |&l| l as usize + 1);
        shortest_form(self.iter().copied(), self.len(), last, count, || {
            let mut n = 1;
            absent_runs(self.iter().copied(), count, |gap, run| {
                n += varint_len(gap) + run as usize - 1
            });
            n
        })
    }

    fn write_form(&self, out: &mut String, form: Form, count: u32) {
        match form {
            Form::Delta => write_delta(self.iter().copied(), self.len(), out),
            Form::Complement => write_complement(self.iter().copied(), self.len(), out, count),
            Form::Bitmap => {
                let last = self.last().map_or(0, |&l| l as usize + 1);
                let mut bits = vec![0u8; last.div_ceil(6)];
                for &id in self {
                    bits[id as usize / 6] |= 1 << (id % 6);
                }
                let data: Vec<u8> = bits.iter().map(|&b| ALPHABET[usize::from(b)]).collect();
                out.push('!');
                push_alphabet(out, &data);
            }
        }
    }
}

/// The shortest form of the `len` sorted, distinct `ids` (the last of them `last - 1`)
/// among `count` documents, and its length: [`DocList::form`] for any way of holding ids.
/// `complement_len` measures the complement form (`~` included), asked only when it can win.
pub(super) fn shortest_form(
    ids: impl Iterator<Item = u32>,
    len: usize,
    last: usize,
    count: u32,
    complement_len: impl FnOnce() -> usize,
) -> (Form, usize) {
    // Each form is measured only when it can win: every listed id takes at least a
    // character in delta form, every absent one in complement form, and the bitmap's
    // length is known from the last id (a new document among old ones measures every
    // list again, so the passes saved are most of that update).
    let bitmap = 1 + last.div_ceil(6);
    let mut best = if len > bitmap {
        (Form::Bitmap, bitmap)
    } else {
        let mut delta = 0;
        let mut next = 0;
        for id in ids {
            delta += varint_len(id - next);
            next = id + 1;
        }
        if bitmap < delta {
            (Form::Bitmap, bitmap)
        } else {
            (Form::Delta, delta)
        }
    };
    let absent = (count as usize).saturating_sub(len);
    if (len as u64) * 2 > u64::from(count) && 1 + absent < best.1 {
        let n = complement_len();
        if n < best.1 {
            best = (Form::Complement, n);
        }
    }
    best
}

/// Appends the `len` sorted, distinct `ids` in delta form.
pub(super) fn write_delta(ids: impl Iterator<Item = u32>, len: usize, out: &mut String) {
    let mut data = Vec::with_capacity(len + len / 8);
    let mut next = 0;
    for id in ids {
        push_varint(&mut data, id - next);
        next = id + 1;
    }
    push_alphabet(out, &data);
}

/// Appends the `len` sorted, distinct `ids` in complement form among `count` documents.
fn write_complement(ids: impl Iterator<Item = u32>, len: usize, out: &mut String, count: u32) {
    let mut data = Vec::with_capacity((count as usize).saturating_sub(len) + 8);
    out.push('~');
    absent_runs(ids, count, |gap, run| {
        push_varint(&mut data, gap);
        data.extend((1..run).map(|_| ALPHABET[0]));
    });
    push_alphabet(out, &data);
}

/// Appends characters of `ALPHABET` as one string, not one char at a time (a new
/// document among old ones writes every list again).
pub(super) fn push_alphabet(out: &mut String, data: &[u8]) {
    out.push_str(std::str::from_utf8(data).unwrap_or_default());
}

/// How a doc list is written; see the module documentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Form {
    Delta,
    Bitmap,
    Complement,
}

/// The delta-form numbers of the ids in `0..count` that `ids` (sorted) lacks.
pub(super) fn complement(ids: &[u32], count: u32) -> impl Iterator<Item = u32> + '_ {
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

/// The runs of ids in `0..count` that `ids` (sorted) lacks, as the delta-form number of
/// each run's first id and the run's length: the numbers of the rest of a run are 0. One
/// step per listed id, where [`complement`] takes one per document.
fn absent_runs(ids: impl Iterator<Item = u32>, count: u32, mut run: impl FnMut(u32, u32)) {
    let mut expect = 0u32;
    let mut last_absent: Option<u32> = None;
    for id in ids.chain(std::iter::once(count)) {
        if id > expect {
            run(last_absent.map_or(expect, |p| expect - p - 1), id - expect);
            last_absent = Some(id - 1);
        }
        expect = id + 1;
    }
}

/// Characters [`push_varint`] writes for `v`.
pub(super) fn varint_len(v: u32) -> usize {
    let mut n = 1;
    let mut v = v >> 5;
    while v > 0 {
        n += 1;
        v >>= 5;
    }
    n
}

#[inline]
pub(super) fn push_varint(out: &mut Vec<u8>, v: u32) {
    // Dense lists are mostly gaps below 32: one character.
    if v < 32 {
        out.push(ALPHABET[v as usize]);
    } else {
        push_long_varint(out, v);
    }
}

fn push_long_varint(out: &mut Vec<u8>, mut v: u32) {
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

pub(super) fn digit_value(b: u8) -> u32 {
    match b {
        b'A'..=b'Z' => u32::from(b - b'A'),
        b'a'..=b'z' => u32::from(b - b'a') + 26,
        b'0'..=b'9' => u32::from(b - b'0') + 52,
        b'-' => 62,
        _ => 63,
    }
}

pub(super) fn decode_deltas(data: &[u8]) -> Vec<u32> {
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

/// First code point of the characters whose doc lists are found by direct indexing.
const TABLE_FROM: u32 = 0x3400;
/// End of that range: CJK Extension A and the Unified Ideographs, where nearly every
/// character of a Chinese text lies.
const TABLE_TO: u32 = 0xA000;

/// A term as a field index owns it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum OwnedToken {
    Cjk(u64),
    Run(Box<str>),
}

impl OwnedToken {
    pub(super) fn as_token(&self) -> Token<'_> {
        match self {
            OwnedToken::Cjk(k) => Token::Cjk(*k),
            OwnedToken::Run(r) => Token::Run(r),
        }
    }
}

/// The doc lists of one field, for a run of consecutive doc ids. Single characters of the
/// main CJK blocks are found through a table indexed by code point; bigrams and the rest
/// through hash maps. The maps point into `lists`, so growing them moves only integers.
pub(super) struct FieldIndex {
    /// `lists` index + 1 of each character `TABLE_FROM + i`; 0 for none yet.
    chars: Vec<u32>,
    cjk: KeyTable,
    runs: HashMap<Box<str>, u32>,
    /// Every term with its doc list, in order of first appearance.
    pub(super) lists: Vec<(OwnedToken, Postings)>,
    /// The document being indexed.
    id: u32,
    /// First doc id of the window of 64 documents being collected.
    window: u32,
    /// Per term, the documents of the window that have it (bit `id - window`): a term
    /// seen many times is one OR on a hot word, and its doc list is touched once per
    /// window instead of once per document.
    masks: Vec<u64>,
    /// Terms with a non-zero mask.
    touched: Vec<u32>,
}

impl Default for FieldIndex {
    fn default() -> Self {
        FieldIndex {
            chars: vec![0; (TABLE_TO - TABLE_FROM) as usize],
            cjk: KeyTable::new(),
            runs: HashMap::new(),
            lists: Vec::new(),
            id: 0,
            window: 0,
            masks: Vec::new(),
            touched: Vec::new(),
        }
    }
}

impl FieldIndex {
    /// The terms that follow belong to doc `id` (ids must not decrease).
    pub(super) fn start(&mut self, id: u32) {
        if id >= self.window + 64 {
            self.flush();
            self.window = id & !63;
        }
        self.id = id;
    }

    /// Moves the window's documents into the doc lists.
    pub(super) fn flush(&mut self) {
        for &i in &self.touched {
            let mut m = std::mem::take(&mut self.masks[i as usize]);
            let p = &mut self.lists[i as usize].1;
            while m != 0 {
                p.push(self.window + m.trailing_zeros());
                m &= m - 1;
            }
        }
        self.touched.clear();
    }

    #[inline]
    fn mark(&mut self, i: u32) {
        let m = &mut self.masks[i as usize];
        if *m == 0 {
            self.touched.push(i);
        }
        *m |= 1 << (self.id - self.window);
    }

    fn slot(&mut self, token: Token<'_>) -> usize {
        let next = self.lists.len() as u32;
        let i = match token {
            Token::Cjk(k) => {
                let c = (k >> 21) as u32;
                if k & 0x1F_FFFF == 0 && (TABLE_FROM..TABLE_TO).contains(&c) {
                    let s = &mut self.chars[(c - TABLE_FROM) as usize];
                    if *s == 0 {
                        *s = next + 1;
                    }
                    *s - 1
                } else {
                    self.cjk.get_or_insert(k, next)
                }
            }
            Token::Run(r) => match self.runs.get(r) {
                Some(&i) => i,
                None => {
                    self.runs.insert(r.into(), next);
                    next
                }
            },
        };
        if i == next {
            let owned = match token {
                Token::Cjk(k) => OwnedToken::Cjk(k),
                Token::Run(r) => OwnedToken::Run(r.into()),
            };
            self.lists.push((owned, Postings::default()));
            self.masks.push(0);
        }
        i as usize
    }

    /// The doc list of `token`, if any document has it.
    pub(super) fn get(&self, token: Token<'_>) -> Option<&Postings> {
        let i = match token {
            Token::Cjk(k) => {
                let c = (k >> 21) as u32;
                if k & 0x1F_FFFF == 0 && (TABLE_FROM..TABLE_TO).contains(&c) {
                    self.chars[(c - TABLE_FROM) as usize].checked_sub(1)?
                } else {
                    self.cjk.get(k)?
                }
            }
            Token::Run(r) => *self.runs.get(r)?,
        };
        Some(&self.lists[i as usize].1)
    }

    fn add(&mut self, token: Token<'_>) {
        let i = self.slot(token);
        self.mark(i as u32);
    }

    /// Appends `other`, the index of the documents that follow this one's; both flushed.
    pub(super) fn append(&mut self, other: &FieldIndex) {
        for (token, post) in &other.lists {
            let i = self.slot(token.as_token());
            self.lists[i].1.append(post);
        }
        self.id = other.id;
    }
}

impl TermSink for FieldIndex {
    #[inline]
    fn cjk(&mut self, k: u64) {
        let c = (k >> 21) as u32;
        // The hot paths: a single character of the main blocks by direct indexing, a
        // bigram seen before by one probe or two.
        let s = if k & 0x1F_FFFF == 0 {
            if (TABLE_FROM..TABLE_TO).contains(&c) {
                self.chars[(c - TABLE_FROM) as usize].checked_sub(1)
            } else {
                None
            }
        } else {
            self.cjk.get(k)
        };
        match s {
            Some(i) => self.mark(i),
            None => self.add(Token::Cjk(k)),
        }
    }

    fn run(&mut self, r: &str) {
        self.add(Token::Run(r));
    }
}

/// Packed CJK keys to `lists` indexes: open addressing with linear probing, at most half
/// full. Keys are never 0 (a packed key holds a character), so 0 marks a free slot.
struct KeyTable {
    slots: Vec<(u64, u32)>,
    len: usize,
}

impl KeyTable {
    fn new() -> Self {
        KeyTable {
            slots: vec![(0, 0); 1 << 10],
            len: 0,
        }
    }

    #[inline]
    fn get(&self, k: u64) -> Option<u32> {
        let mask = self.slots.len() - 1;
        let mut i = mix(k) as usize & mask;
        loop {
            let (key, v) = self.slots[i];
            if key == k {
                return Some(v);
            }
            if key == 0 {
                return None;
            }
            i = (i + 1) & mask;
        }
    }

    fn get_or_insert(&mut self, k: u64, v: u32) -> u32 {
        if let Some(old) = self.get(k) {
            return old;
        }
        if (self.len + 1) * 2 > self.slots.len() {
            let bigger = vec![(0, 0); self.slots.len() * 2];
            let old = std::mem::replace(&mut self.slots, bigger);
            self.len = 0;
            for (key, val) in old.into_iter().filter(|s| s.0 != 0) {
                self.put(key, val);
            }
        }
        self.put(k, v);
        v
    }

    fn put(&mut self, k: u64, v: u32) {
        let mask = self.slots.len() - 1;
        let mut i = mix(k) as usize & mask;
        while self.slots[i].0 != 0 {
            i = (i + 1) & mask;
        }
        self.slots[i] = (k, v);
        self.len += 1;
    }
}

/// Every key of the three fields with its three lists, the token spelled out, sorted by
/// token.
pub(super) fn keys(fields: &[FieldIndex; 3]) -> Vec<Key<'_>> {
    let mut tokens: Vec<Token<'_>> = fields
        .iter()
        .flat_map(|f| f.lists.iter().map(|(t, _)| t.as_token()))
        .collect();
    // Millions of tokens on a large site: sorted and looked up on every core.
    tokens.par_sort_unstable();
    tokens.dedup();
    tokens
        .into_par_iter()
        .map(|t| Key::new(t, [0, 1, 2].map(|f| fields[f].get(t))))
        .collect()
}
