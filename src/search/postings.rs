//! Doc lists (postings): built in delta form as documents arrive in id order, written in
//! the shortest of the three forms, merged in parallel parts.

use super::shards::{Key, Token};
use super::terms::{DocTerms, FastMap};
use super::tokenize::fnv1a;
use super::ALPHABET;
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
    pub(super) fn push(&mut self, id: u32) {
        push_varint(&mut self.data, id - self.next);
        self.next = id + 1;
        self.count += 1;
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

pub(super) fn push_varint(out: &mut Vec<u8>, mut v: u32) {
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

/// The postings of one field, by key kind.
#[derive(Default)]
pub(super) struct FieldIndex {
    pub(super) cjk: FastMap<u64, Postings>,
    pub(super) runs: HashMap<String, Postings>,
}

/// Keys are split into this many disjoint parts, merged on separate threads.
pub(super) const PARTS: usize = 4;

pub(super) fn part_of(k: u64) -> usize {
    // A different multiplier from `mix`, so a part's keys still spread over its table.
    (k.wrapping_mul(0xD6E8_FEB8_6659_FD93) >> 62) as usize % PARTS
}

pub(super) fn part_of_run(s: &str) -> usize {
    fnv1a(s) as usize % PARTS
}

/// One part of the index: the postings of its keys in each field.
#[derive(Default)]
pub(super) struct Part(pub(super) [FieldIndex; 3]);

impl Part {
    pub(super) fn add(&mut self, p: usize, id: u32, doc: &DocTerms) {
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
    pub(super) fn keys(&self) -> Vec<Key<'_>> {
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
