//! The search index kept in memory by `gongkai serve`, updated in place.
//!
//! A full build takes seconds on a large site; an edit to one document changes the doc
//! lists of a few terms. So the index keeps every term's doc lists and every document's
//! terms (to take a document out again), and each term's entry as written; of the files,
//! only a digest each (the caller keeps the bytes it was handed). An update changes only
//! the lists of the terms a document gained or lost, writes those terms' entries again,
//! and assembles only their shards, the record chunks of the documents that changed, and
//! `search.json`, and hands over those whose digest changed. The files are by construction those of a full build over
//! the same documents (the format makes that cheap: doc ids are oldest first, so a new
//! newest document takes the next id; file counts are powers of two), and the tests check
//! it against [`super::build_index`] after random updates.
//!
//! Two cases redo everything, from the kept lists rather than the texts: a change that
//! moves doc ids (a document re-dated into the middle, one removed from the middle, a new
//! one dated among the others — the usual new interpretation), and a change of layout (a
//! file count crossing a power of two). Then every list is written again (on the
//! 10,000-policy site some 20 million ids into 16–20 MB of files), so measuring the forms
//! skips the passes that cannot change the choice (`DocList::form` for ids).

use super::postings::{
    decode_deltas, keys, push_alphabet, shortest_form, varint_len, write_delta, DocList, Form,
    OwnedToken,
};
use super::records::{doc_order, record_json, Facet};
use super::shards::{Key, Token};
use super::terms::{mix, scan_doc, TermSink};
use super::tokenize::fnv1a_bytes;
use super::{
    entry_json, index_fields, meta_path, raw, Doc, DocChange, FileChanges, Layout, SearchDoc,
    Shape, ALPHABET, CHAR_SHARD, WORD_SHARD,
};
use crate::digest::{self, Digest};
use rayon::prelude::*;
use std::borrow::{Borrow, Cow};
use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasherDefault, Hasher};

/// Hashes packed CJK keys with [`mix`]: tens of millions of lookups when a site is first
/// indexed, where SipHash's protection against chosen keys buys nothing.
#[derive(Default)]
struct Mixed(u64);

impl Hasher for Mixed {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = mix(self.0 ^ u64::from(b));
        }
    }
    fn write_u64(&mut self, k: u64) {
        self.0 = mix(k);
    }
}

/// Documents scanned as one parallel batch while an update applies them.
const BATCH: usize = 256;

/// Below this many terms or files, work is done on the calling thread.
const FEW: usize = 64;

/// The search index of a site, kept in memory between edits (`gongkai serve`).
#[derive(Debug, Default)]
pub struct SearchIndex {
    /// The documents by doc id.
    docs: Vec<Indexed>,
    /// Every term ever seen; a term no document has any more stays, with empty lists.
    terms: Vec<Term>,
    /// Term ids of packed CJK tokens.
    cjk: HashMap<u64, u32, BuildHasherDefault<Mixed>>,
    /// Term ids of the other tokens.
    runs: HashMap<Box<str>, u32>,
    /// Sums of `Term::bytes` over the word terms and the single characters, and the
    /// records' bytes (each plus a comma): what the layout is chosen from.
    word_bytes: usize,
    char_bytes: usize,
    meta_bytes: usize,
    /// Terms from this id on are new to the update under way (dirty anyway).
    fresh: u32,
    /// The facet codes or tables may have changed in the update under way.
    facets_stale: bool,
    /// The layout of `files`; `None` before the first documents.
    shape: Option<Shape>,
    /// Term ids per `index-` and per `char-` shard, sorted by token, for `buckets_for`.
    word_buckets: Vec<Vec<u32>>,
    char_buckets: Vec<Vec<u32>>,
    buckets_for: Option<(usize, usize)>,
    /// A digest of every file, by path: what an update compares its files with.
    files: BTreeMap<String, Digest>,
}

/// The files to assemble: record chunks, word and character shards (by number), and
/// whether `search.json`.
#[derive(Default)]
struct Pick {
    metas: Vec<usize>,
    words: Vec<usize>,
    chars: Vec<usize>,
    entry: bool,
}

/// A document of the index.
#[derive(Debug)]
struct Indexed {
    /// The document without its text (order, facets).
    head: SearchDoc,
    /// Its display record.
    record: String,
    /// Its term ids per field (body, title, other fields).
    terms: [TermIds; 3],
}

/// Sorted, distinct term ids as LEB128 gaps: every document's terms are kept (for when it
/// changes or goes), tens of millions of ids on a large site, about one byte each.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
struct TermIds(Vec<u8>);

impl TermIds {
    fn from_sorted(ids: &[u32]) -> TermIds {
        let mut out = TermIds(Vec::with_capacity(ids.len() + ids.len() / 4));
        let mut prev = 0;
        for &id in ids {
            out.push(id - prev);
            prev = id;
        }
        out
    }

    /// Appends a gap (the difference from the id before, or the first id).
    fn push(&mut self, mut gap: u32) {
        while gap >= 0x80 {
            self.0.push((gap as u8) | 0x80);
            gap >>= 7;
        }
        self.0.push(gap as u8);
    }

    fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        let mut bytes = self.0.iter();
        let mut id = 0u32;
        std::iter::from_fn(move || {
            let mut gap = 0u32;
            let mut shift = 0;
            loop {
                let b = *bytes.next()?;
                gap |= u32::from(b & 0x7F) << shift;
                if b < 0x80 {
                    id += gap;
                    return Some(id);
                }
                shift += 7;
            }
        })
    }
}

/// A term with its doc lists and its entry as written.
#[derive(Debug)]
struct Term {
    token: OwnedToken,
    /// One CJK character: lives in the `char-` shards.
    single: bool,
    /// FNV-1a of the token, which picks its shard.
    hash: u32,
    /// Sorted doc ids per field.
    lists: [IdList; 3],
    /// `"token":value` as its shard holds it; empty when no document has the term.
    json: String,
    /// Its share of the shard as `Key::bytes` estimates it; 0 when empty.
    bytes: usize,
    /// A list is written as its complement, which changes with the number of documents.
    complement: bool,
}

impl Term {
    /// Writes the entry again from the lists, for `count` documents: the entry, its
    /// bytes, and whether a list is written as a complement.
    fn encode(&self, count: u32) -> (String, usize, bool) {
        let lists = self.lists.each_ref().map(|l| (l.len() > 0).then_some(l));
        if lists.iter().all(Option::is_none) {
            return (String::new(), 0, false);
        }
        let mut key: Key<'_, IdList> = Key::new(self.token.as_token(), lists);
        key.choose(count);
        let mut json = String::with_capacity(key.bytes());
        key.write_entry(&mut json, count);
        let complement = key.forms.iter().any(|f| f.0 == Form::Complement);
        (json, key.bytes(), complement)
    }

    /// Whether a list may be written as its complement among `count` documents: only a
    /// list of more than half of them can be.
    fn dense(&self, count: usize) -> bool {
        self.lists.iter().any(|l| l.len() * 2 > count)
    }
}

/// A term's sorted, distinct doc ids in one field: the ids while the term is rare, a
/// bitmap (a bit per document) once that is smaller. Most of the 21.6 million ids of the
/// 10,000-policy site are of common characters, and as four bytes each they were a sixth
/// of `serve`'s memory.
#[derive(Debug, Clone, PartialEq, Eq)]
enum IdList {
    Ids(Vec<u32>),
    /// Bit `id % 64` of word `id / 64`, and how many bits are set.
    Bits {
        words: Vec<u64>,
        len: u32,
    },
}

impl Default for IdList {
    fn default() -> Self {
        IdList::Ids(Vec::new())
    }
}

/// Words of a bitmap up to id `last`.
fn words_to(last: u32) -> usize {
    last as usize / 64 + 1
}

impl IdList {
    /// The list of `ids` (sorted, distinct), in the smaller form.
    fn from_ids(mut ids: Vec<u32>) -> IdList {
        match ids.last() {
            Some(&last) if ids.len() * 4 > words_to(last) * 8 => IdList::bits(&ids),
            _ => {
                ids.shrink_to_fit();
                IdList::Ids(ids)
            }
        }
    }

    fn bits(ids: &[u32]) -> IdList {
        let mut words = vec![0u64; ids.last().map_or(0, |&l| words_to(l))];
        for &id in ids {
            words[id as usize / 64] |= 1 << (id % 64);
        }
        IdList::Bits {
            words,
            len: ids.len() as u32,
        }
    }

    fn len(&self) -> usize {
        match self {
            IdList::Ids(ids) => ids.len(),
            IdList::Bits { len, .. } => *len as usize,
        }
    }

    /// The ids, sorted: borrowed, or collected from the bitmap.
    fn ids(&self) -> Cow<'_, [u32]> {
        match self {
            IdList::Ids(ids) => Cow::Borrowed(ids),
            IdList::Bits { words, len } => {
                let mut ids = Vec::with_capacity(*len as usize);
                ids.extend(set_bits(words));
                Cow::Owned(ids)
            }
        }
    }

    fn insert(&mut self, id: u32) {
        match self {
            IdList::Ids(ids) => {
                insert_id(ids, id);
                if let Some(&last) = ids.last() {
                    if ids.len() * 4 > words_to(last) * 8 {
                        *self = IdList::bits(ids);
                    }
                }
            }
            IdList::Bits { words, len } => {
                let (w, bit) = (id as usize / 64, 1u64 << (id % 64));
                if w >= words.len() {
                    words.resize(w + 1, 0);
                }
                if words[w] & bit == 0 {
                    words[w] |= bit;
                    *len += 1;
                }
            }
        }
    }

    fn remove(&mut self, id: u32) {
        match self {
            IdList::Ids(ids) => remove_id(ids, id),
            IdList::Bits { words, len } => {
                let (w, bit) = (id as usize / 64, 1u64 << (id % 64));
                if words.get(w).is_none_or(|&x| x & bit == 0) {
                    return;
                }
                words[w] &= !bit;
                *len -= 1;
                // Back to ids once they take half the bitmap's bytes (not at the crossing
                // itself, so a term on the edge does not flip back and forth).
                if (*len as usize) * 4 * 2 < words.len() * 8 {
                    *self = IdList::from_ids(self.ids().into_owned());
                }
            }
        }
    }

    /// Renumbers the ids from `first` on through `renumbered` (which keeps their order),
    /// or by adding `shift` when every one of them moves by that much; whether the list
    /// had any.
    fn renumber(&mut self, first: u32, renumbered: &[u32], shift: Option<u32>) -> bool {
        let new_id = |id: u32| match shift {
            Some(shift) => id.wrapping_add(shift),
            None => renumbered[(id - first) as usize],
        };
        match self {
            IdList::Ids(l) => {
                let at = l.partition_point(|&id| id < first);
                match shift {
                    Some(shift) => {
                        for id in &mut l[at..] {
                            *id = id.wrapping_add(shift);
                        }
                    }
                    None => {
                        for id in &mut l[at..] {
                            *id = renumbered[(*id - first) as usize];
                        }
                    }
                }
                at < l.len()
            }
            IdList::Bits { words, .. } => {
                // In place, bit by bit: every list of a site is renumbered when a document
                // comes among the others.
                let from = first as usize / 64;
                if from >= words.len() {
                    return false;
                }
                let below = (1u64 << (first % 64)) - 1;
                let mut tail = words[from..].to_vec();
                tail[0] &= !below;
                if tail.iter().all(|&w| w == 0) {
                    return false;
                }
                words[from] &= below;
                words.truncate(from + 1);
                if let Some(shift) = shift.filter(|&s| s < SHIFT_BY_WORDS) {
                    // Every id moves up by the same amount: whole words, shifted.
                    let (q, r) = (shift as usize / 64, shift % 64);
                    // As long as the last id needs, as when set bit by bit, and no longer:
                    // every bitmap of a site moves at once.
                    let last = from * 64 + bits_end(&tail) - 1 + shift as usize;
                    let len = (from + 1).max(last / 64 + 1);
                    words.reserve_exact(len - words.len());
                    words.resize(len, 0);
                    // Bits that land past `len` are zero ones.
                    for (k, &w) in tail.iter().enumerate() {
                        if let Some(x) = words.get_mut(from + q + k) {
                            *x |= w << r;
                        }
                        if r > 0 {
                            if let Some(x) = words.get_mut(from + q + k + 1) {
                                *x |= w >> (64 - r);
                            }
                        }
                    }
                    return true;
                }
                for (k, &w) in tail.iter().enumerate() {
                    for id in word_ids(from + k, w) {
                        let new = new_id(id) as usize;
                        if new / 64 >= words.len() {
                            words.resize(new / 64 + 1, 0);
                        }
                        words[new / 64] |= 1 << (new % 64);
                    }
                }
                true
            }
        }
    }
}

/// Shifts below this are applied to a bitmap a word at a time (an upward shift: one
/// of `u32::MAX` is a document taken out, every later id moving down by one).
const SHIFT_BY_WORDS: u32 = 1 << 24;

/// The ids of the bits set in `w`, the `k`-th word of a bitmap, in order.
fn word_ids(k: usize, mut w: u64) -> impl Iterator<Item = u32> + Clone {
    std::iter::from_fn(move || {
        (w != 0).then(|| {
            let id = k as u32 * 64 + w.trailing_zeros();
            w &= w - 1;
            id
        })
    })
}

/// Ids set in a bitmap, in order.
fn set_bits(words: &[u64]) -> impl Iterator<Item = u32> + Clone + '_ {
    words.iter().enumerate().flat_map(|(k, &w)| word_ids(k, w))
}

/// Ids below `count` not set in a bitmap, in order.
fn absent_bits(words: &[u64], count: u32) -> impl Iterator<Item = u32> + '_ {
    (0..(count as usize).div_ceil(64)).flat_map(move |k| {
        let mut w = !words.get(k).copied().unwrap_or(0);
        let end = count as usize - k * 64;
        if end < 64 {
            w &= (1u64 << end) - 1;
        }
        word_ids(k, w)
    })
}

/// The last id of a bitmap, plus one (0 when empty).
fn bits_end(words: &[u64]) -> usize {
    words
        .iter()
        .rposition(|&w| w != 0)
        .map_or(0, |k| k * 64 + 64 - words[k].leading_zeros() as usize)
}

/// A list is written from the form it is kept in: a bitmap's bitmap form is cut from its
/// words, six bits a character, its ids never collected (most of a large site's ids are
/// in bitmaps, and a new document among the others writes every list again). The same
/// strings as `[u32]`'s, by the same measuring.
impl DocList for IdList {
    fn form(&self, count: u32) -> (Form, usize) {
        match self {
            IdList::Ids(ids) => ids[..].form(count),
            IdList::Bits { words, len } => {
                let ids = set_bits(words);
                shortest_form(ids, *len as usize, bits_end(words), count, || {
                    1 + absent_bits(words, count)
                        .fold((0, 0), |(n, next), id| (n + varint_len(id - next), id + 1))
                        .0
                })
            }
        }
    }

    fn write_form(&self, out: &mut String, form: Form, count: u32) {
        let (words, len) = match self {
            IdList::Ids(ids) => return ids[..].write_form(out, form, count),
            IdList::Bits { words, len } => (words, *len as usize),
        };
        match form {
            Form::Delta => write_delta(set_bits(words), len, out),
            // The delta form of the absent ids: a dense list has few.
            Form::Complement => {
                out.push('~');
                write_delta(
                    absent_bits(words, count),
                    (count as usize).saturating_sub(len),
                    out,
                );
            }
            Form::Bitmap => {
                let chars = bits_end(words).div_ceil(6);
                let mut data = Vec::with_capacity(chars);
                for c in 0..chars {
                    let (k, at) = (c * 6 / 64, c * 6 % 64);
                    let mut six = words[k] >> at;
                    if at > 58 {
                        six |= words.get(k + 1).map_or(0, |&w| w << (64 - at));
                    }
                    data.push(ALPHABET[(six & 63) as usize]);
                }
                out.push('!');
                push_alphabet(out, &data);
            }
        }
    }
}

/// The distinct terms of one field of a document.
#[derive(Default)]
struct Found {
    cjk: Vec<u64>,
    runs: Vec<String>,
}

impl TermSink for Found {
    fn cjk(&mut self, k: u64) {
        self.cjk.push(k);
    }
    fn run(&mut self, r: &str) {
        self.runs.push(r.to_string());
    }
}

/// A document on its way in: its terms found, its record written, its text dropped.
struct Scanned {
    head: SearchDoc,
    record: String,
    found: [Found; 3],
}

fn scan(d: &SearchDoc) -> Scanned {
    let mut found: [Found; 3] = Default::default();
    let mut chars = Vec::new();
    scan_doc(&mut found, d, &mut chars);
    for f in &mut found {
        f.cjk.sort_unstable();
        f.cjk.dedup();
        f.runs.sort_unstable();
        f.runs.dedup();
    }
    Scanned {
        head: head_of(d),
        record: record_json(d),
        found,
    }
}

/// Every field of `d` but the text, which is indexed and no longer needed.
fn head_of(d: &SearchDoc) -> SearchDoc {
    let SearchDoc {
        url,
        kind,
        kind_label,
        title,
        doc_no,
        index_no,
        issuer,
        date,
        year,
        validity,
        keywords,
        text: _,
    } = d;
    SearchDoc {
        url: url.clone(),
        kind: kind.clone(),
        kind_label: kind_label.clone(),
        title: title.clone(),
        doc_no: doc_no.clone(),
        index_no: index_no.clone(),
        issuer: issuer.clone(),
        date: date.clone(),
        year: *year,
        validity: validity.clone(),
        keywords: keywords.clone(),
        text: String::new(),
    }
}

/// Where a document of the new order comes from.
enum Slot {
    /// It was already there, with this id.
    Old(u32),
    /// It comes with the update (index into the arriving documents).
    New(usize),
}

fn insert_id(list: &mut Vec<u32>, id: u32) {
    // Lists are kept at their length (tens of millions of ids on a large site): growing by
    // an eighth, not doubling, keeps an edit that touches thousands of them from adding
    // their size again.
    if list.len() == list.capacity() {
        list.reserve_exact(list.len() / 8 + 4);
    }
    if list.last().is_none_or(|&l| l < id) {
        list.push(id);
    } else if let Err(at) = list.binary_search(&id) {
        list.insert(at, id);
    }
}

fn remove_id(list: &mut Vec<u32>, id: u32) {
    if let Ok(at) = list.binary_search(&id) {
        list.remove(at);
    }
}

impl SearchIndex {
    /// The index of `docs` (owned or borrowed; the index keeps no text); its files are
    /// those of [`super::build_index`].
    pub fn build<D: Borrow<SearchDoc> + Send + Sync>(
        docs: impl IntoIterator<Item = D>,
    ) -> SearchIndex {
        SearchIndex::build_with_files(docs).0
    }

    /// [`SearchIndex::build`], with every file, sorted by path (what [`SearchIndex::files`]
    /// would assemble again).
    pub fn build_with_files<D: Borrow<SearchDoc> + Send + Sync>(
        docs: impl IntoIterator<Item = D>,
    ) -> (SearchIndex, Vec<(String, Vec<u8>)>) {
        let docs: Vec<D> = docs.into_iter().collect();
        let mut order: Vec<&SearchDoc> = docs.iter().map(Borrow::borrow).collect();
        order.sort_by(|a, b| doc_order(a, b));
        SearchIndex::from_order(&mut order)
    }

    /// [`SearchIndex::build_with_files`] for entries no longer needed: each text is
    /// dropped as soon as it is indexed, so the texts and the index under construction
    /// are not both whole in memory (the first build of `gongkai serve`).
    pub fn build_owned_with_files(
        mut docs: Vec<SearchDoc>,
    ) -> (SearchIndex, Vec<(String, Vec<u8>)>) {
        docs.sort_by(doc_order);
        SearchIndex::from_order(&mut docs)
    }

    /// The index of `order`, the entries in doc-id order: the build's own indexing
    /// (parallel, chunk by chunk), then its lists taken apart: per term as ids, per
    /// document as term ids.
    fn from_order<D: Doc>(order: &mut [D]) -> (SearchIndex, Vec<(String, Vec<u8>)>) {
        let (fields, records) = index_fields(order);
        let mut index = SearchIndex::default();
        let mut last: Vec<[u32; 3]> = vec![[0; 3]; order.len()];
        let mut doc_terms: Vec<[TermIds; 3]> =
            (0..order.len()).map(|_| Default::default()).collect();
        for key in keys(&fields) {
            let t = index.terms.len() as u32;
            let owned = match key.token {
                Token::Cjk(k) => {
                    index.cjk.insert(k, t);
                    OwnedToken::Cjk(k)
                }
                Token::Run(r) => {
                    index.runs.insert(r.into(), t);
                    OwnedToken::Run(r.into())
                }
            };
            let mut term = new_term(owned);
            for (f, list) in key.lists.iter().enumerate() {
                if let Some(p) = list {
                    let ids = decode_deltas(&p.data);
                    for &id in &ids {
                        let prev = &mut last[id as usize][f];
                        doc_terms[id as usize][f].push(t - *prev);
                        *prev = t;
                    }
                    term.lists[f] = IdList::from_ids(ids);
                }
            }
            index.terms.push(term);
        }
        drop(fields);
        drop(last);
        for t in doc_terms.iter_mut().flatten() {
            t.0.shrink_to_fit();
        }
        index.meta_bytes = records.iter().map(|r| r.len() + 1).sum();
        index.docs = order
            .iter()
            .zip(records)
            .zip(doc_terms)
            .map(|((d, record), terms)| Indexed {
                head: head_of(d.doc()),
                record,
                terms,
            })
            .collect();
        let all: Vec<u32> = (0..index.terms.len() as u32).collect();
        index.encode(&all);
        let shape = Shape::of(
            index.word_bytes,
            index.char_bytes,
            index.meta_bytes,
            index.docs.len(),
        );
        let files = index.write(shape, index.terms.len(), &all, &[]).written;
        (index, files)
    }

    /// Applies `changes` in order and returns the files that differ from before.
    pub fn update(&mut self, changes: Vec<DocChange>) -> FileChanges {
        let mut gone = vec![false; self.docs.len()];
        let mut coming: Vec<SearchDoc> = Vec::new();
        let by_url: HashMap<&str, Vec<u32>> = if changes.len() > 16 {
            let mut m: HashMap<&str, Vec<u32>> = HashMap::with_capacity(self.docs.len());
            for (i, d) in self.docs.iter().enumerate() {
                m.entry(d.head.url.as_str()).or_default().push(i as u32);
            }
            m
        } else {
            HashMap::new()
        };
        for change in changes {
            let url = match &change {
                DocChange::Upsert(d) => d.url.as_str(),
                DocChange::Remove(u) => u.as_str(),
            };
            coming.retain(|d| d.url != url);
            if by_url.is_empty() {
                for (i, d) in self.docs.iter().enumerate() {
                    if d.head.url == url {
                        gone[i] = true;
                    }
                }
            } else {
                for &i in by_url.get(url).into_iter().flatten() {
                    gone[i as usize] = true;
                }
            }
            if let DocChange::Upsert(d) = change {
                coming.push(*d);
            }
        }
        drop(by_url);
        self.apply(gone, coming)
    }

    /// Every search file, sorted by path: assembled again from the terms and records
    /// (the index keeps only a digest of each file).
    pub fn files(&self) -> Vec<(String, Vec<u8>)> {
        let Some(shape) = self.shape else {
            return Vec::new();
        };
        let mut pick = Pick {
            entry: true,
            ..Pick::default()
        };
        if let Shape::Split { meta_chunk, .. } = shape {
            pick.words.extend(0..self.word_buckets.len());
            pick.chars.extend(0..self.char_buckets.len());
            pick.metas.extend(0..self.docs.len().div_ceil(meta_chunk));
        }
        let mut files = self.assemble(shape, &pick);
        files.sort_by(|a, b| a.0.cmp(&b.0));
        files
    }

    /// Number of documents indexed.
    pub fn len(&self) -> usize {
        self.docs.len()
    }

    /// Whether no document is indexed.
    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    /// Takes out the documents marked in `gone` (by id) and adds `coming`.
    ///
    /// Up to the first position where a document of the new order is not the one that
    /// had that id (`moved`), every document keeps its id, and a position that changed
    /// only trades the terms it lost for those it gained. From there on, the documents
    /// that go leave their terms' lists, the others are renumbered (they keep their
    /// relative order, so lists stay sorted) and the arriving ones join: every term with
    /// a document there is written again. For the usual edits (a text or title changed, a
    /// new newest document) nothing moves.
    fn apply<D: Borrow<SearchDoc> + Send + Sync>(
        &mut self,
        gone: Vec<bool>,
        mut coming: Vec<D>,
    ) -> FileChanges {
        let old_count = self.docs.len();
        coming.sort_by(|a, b| doc_order(a.borrow(), b.borrow()));
        let order = self.merge(&gone, &coming);
        let count = order.len();
        let moved = (0..count)
            .find(|&p| match order[p] {
                Slot::Old(i) => i as usize != p,
                Slot::New(_) => p < old_count && !gone[p],
            })
            .unwrap_or(count);
        let terms_before = self.terms.len();
        self.fresh = terms_before as u32;
        self.facets_stale = count != old_count || moved < count;
        let mut dirty: Vec<u32> = Vec::new();
        let mut coming: Vec<Option<D>> = coming.into_iter().map(Some).collect();

        // In place, before `moved`: the arriving documents take the ids of those that went.
        let head: Vec<usize> = (0..moved)
            .filter(|&p| matches!(order[p], Slot::New(_)))
            .collect();
        self.arrive(&head, &order, &mut coming, &mut dirty, |index, p, n| {
            let old = if p < index.docs.len() {
                index.meta_bytes -= index.docs[p].record.len() + 1;
                index.facets_stale |= !same_facets(&index.docs[p].head, &n.head);
                std::mem::take(&mut index.docs[p].terms)
            } else {
                Default::default()
            };
            index.meta_bytes += n.record.len() + 1;
            let mut d = Vec::new();
            index.trade(p as u32, &old, &n.terms, &mut d);
            if p < index.docs.len() {
                index.docs[p] = n;
            } else {
                index.docs.push(n);
            }
            d
        });

        // From `moved` on: out, renumbered, in.
        let tail: Vec<Indexed> = if moved < self.docs.len() {
            self.docs.split_off(moved)
        } else {
            Vec::new()
        };
        let mut tail: Vec<Option<Indexed>> = tail.into_iter().map(Some).collect();
        for (k, slot) in tail.iter_mut().enumerate() {
            let i = moved + k;
            if gone[i] {
                if let Some(d) = slot.take() {
                    self.meta_bytes -= d.record.len() + 1;
                    self.trade(i as u32, &d.terms, &Default::default(), &mut dirty);
                }
            }
        }
        let mut renumbered = vec![u32::MAX; old_count.saturating_sub(moved)];
        for (p, s) in order.iter().enumerate().skip(moved) {
            if let Slot::Old(i) = *s {
                renumbered[i as usize - moved] = p as u32;
            }
        }
        let first = moved as u32;
        // Documents only arriving, all before those that stay (the usual new document
        // dated among the others): every id from `first` on moves by the same amount, an
        // addition rather than a lookup for each of millions of ids. (The ids of documents
        // that went are in no list any more: where they would move does not matter.)
        let shift = renumbered
            .first()
            .map(|&r| r.wrapping_sub(first))
            .filter(|&shift| {
                renumbered
                    .iter()
                    .zip(first..)
                    .all(|(&r, id)| r == id.wrapping_add(shift))
            });
        // Only a document that moved renumbers anything.
        if moved < old_count {
            dirty.par_extend(
                self.terms
                    .par_iter_mut()
                    .enumerate()
                    .filter_map(|(t, term)| {
                        let mut any = false;
                        for l in &mut term.lists {
                            any |= l.renumber(first, &renumbered, shift);
                        }
                        any.then_some(t as u32)
                    }),
            );
        }
        // The documents that stay go back in order, the arriving ones between them.
        let put_back = |index: &mut SearchIndex, tail: &mut [Option<Indexed>], upto: usize| {
            while index.docs.len() < upto {
                let Slot::Old(i) = order[index.docs.len()] else {
                    unreachable!("arriving documents are placed in order");
                };
                index.docs.extend(tail[i as usize - moved].take());
            }
        };
        let rest: Vec<usize> = (moved..count)
            .filter(|&p| matches!(order[p], Slot::New(_)))
            .collect();
        self.arrive(&rest, &order, &mut coming, &mut dirty, |index, p, n| {
            put_back(index, &mut tail, p);
            index.meta_bytes += n.record.len() + 1;
            let mut d = Vec::new();
            index.trade(p as u32, &Default::default(), &n.terms, &mut d);
            index.docs.push(n);
            d
        });
        put_back(self, &mut tail, count);
        debug_assert_eq!(self.docs.len(), count);

        // The number of documents changes the lists written as complements. More
        // documents only lengthen a complement (delta and bitmap forms do not depend on
        // the count), so only lists written as complements change; fewer can make a
        // complement the shortest form of any list of more than half the documents.
        let terms = &self.terms;
        if count > old_count {
            dirty.par_extend(
                (0..terms.len() as u32)
                    .into_par_iter()
                    .filter(|&t| terms[t as usize].complement),
            );
        } else if count < old_count {
            dirty.par_extend(
                (0..terms.len() as u32)
                    .into_par_iter()
                    .filter(|&t| terms[t as usize].dense(count)),
            );
        }
        dirty.retain(|&t| (t as usize) < terms_before);
        dirty.sort_unstable();
        dirty.dedup();
        dirty.extend(terms_before as u32..self.terms.len() as u32);
        self.encode(&dirty);
        let mut changed = head;
        changed.extend(moved..old_count.max(count));
        let shape = Shape::of(self.word_bytes, self.char_bytes, self.meta_bytes, count);
        self.write(shape, terms_before, &dirty, &changed)
    }

    /// Brings in the arriving documents of `positions` (ascending): scanned in parallel
    /// batches, then placed one by one, in order, by `place`, which returns the terms it
    /// made dirty.
    fn arrive<D: Borrow<SearchDoc> + Send + Sync>(
        &mut self,
        positions: &[usize],
        order: &[Slot],
        coming: &mut [Option<D>],
        dirty: &mut Vec<u32>,
        mut place: impl FnMut(&mut SearchIndex, usize, Indexed) -> Vec<u32>,
    ) {
        for batch in positions.chunks(BATCH) {
            let scanned: Vec<(usize, Option<Scanned>)> = batch
                .iter()
                .map(|&p| match order[p] {
                    Slot::New(j) => (p, coming[j].take()),
                    Slot::Old(_) => (p, None),
                })
                .collect::<Vec<_>>()
                .into_par_iter()
                .map(|(p, d)| (p, d.map(|d| scan(d.borrow()))))
                .collect();
            for (p, s) in scanned {
                if let Some(s) = s {
                    let n = self.intern(s);
                    dirty.extend(place(self, p, n));
                }
            }
        }
    }

    /// The new order: the documents that stay, in their order, merged with the arriving
    /// ones (sorted).
    fn merge<D: Borrow<SearchDoc>>(&self, gone: &[bool], coming: &[D]) -> Vec<Slot> {
        let mut order = Vec::with_capacity(self.docs.len() + coming.len());
        let mut stay = (0..self.docs.len()).filter(|&i| !gone[i]).peekable();
        let mut new = coming.iter().enumerate().peekable();
        loop {
            let take_old = match (stay.peek(), new.peek()) {
                (Some(&i), Some((_, d))) => doc_order(&self.docs[i].head, (*d).borrow()).is_le(),
                (Some(_), None) => true,
                (None, Some(_)) => false,
                (None, None) => break,
            };
            if take_old {
                order.extend(stay.next().map(|i| Slot::Old(i as u32)));
            } else {
                order.extend(new.next().map(|(j, _)| Slot::New(j)));
            }
        }
        order
    }

    /// Gives an arriving document its term ids, creating the terms it is the first to have.
    fn intern(&mut self, s: Scanned) -> Indexed {
        let mut terms: [TermIds; 3] = Default::default();
        for (f, found) in s.found.iter().enumerate() {
            let mut ids = Vec::with_capacity(found.cjk.len() + found.runs.len());
            for &k in &found.cjk {
                let next = self.terms.len() as u32;
                let id = *self.cjk.entry(k).or_insert(next);
                if id == next {
                    self.terms.push(new_term(OwnedToken::Cjk(k)));
                }
                ids.push(id);
            }
            for r in &found.runs {
                let id = match self.runs.get(r.as_str()) {
                    Some(&id) => id,
                    None => {
                        let id = self.terms.len() as u32;
                        self.runs.insert(r.as_str().into(), id);
                        self.terms
                            .push(new_term(OwnedToken::Run(r.as_str().into())));
                        id
                    }
                };
                ids.push(id);
            }
            ids.sort_unstable();
            terms[f] = TermIds::from_sorted(&ids);
        }
        Indexed {
            head: s.head,
            record: s.record,
            terms,
        }
    }

    /// Doc `id` had the terms `old` and now has `new` (per field, sorted): it leaves the
    /// lists of the terms it lost and joins those it gained, which become dirty.
    fn trade(&mut self, id: u32, old: &[TermIds; 3], new: &[TermIds; 3], dirty: &mut Vec<u32>) {
        for f in 0..3 {
            let (mut a, mut b) = (old[f].iter().peekable(), new[f].iter().peekable());
            loop {
                match (a.peek().copied(), b.peek().copied()) {
                    (Some(x), Some(y)) if x == y => {
                        a.next();
                        b.next();
                    }
                    (Some(x), Some(y)) if x < y => {
                        self.terms[x as usize].lists[f].remove(id);
                        if x < self.fresh {
                            dirty.push(x);
                        }
                        a.next();
                    }
                    (Some(x), None) => {
                        self.terms[x as usize].lists[f].remove(id);
                        if x < self.fresh {
                            dirty.push(x);
                        }
                        a.next();
                    }
                    (_, Some(y)) => {
                        self.terms[y as usize].lists[f].insert(id);
                        if y < self.fresh {
                            dirty.push(y);
                        }
                        b.next();
                    }
                    (None, None) => break,
                }
            }
        }
    }

    /// Writes the entries of the `dirty` terms again (in parallel) and keeps the sums of
    /// their bytes.
    fn encode(&mut self, dirty: &[u32]) {
        let count = self.docs.len() as u32;
        let terms = &self.terms;
        let encode = |&t: &u32| terms[t as usize].encode(count);
        // A few terms (an edit's): not worth waking other threads.
        let fresh: Vec<(String, usize, bool)> = if dirty.len() < FEW {
            dirty.iter().map(encode).collect()
        } else {
            dirty.par_iter().map(encode).collect()
        };
        for (&t, (json, bytes, complement)) in dirty.iter().zip(fresh) {
            let term = &mut self.terms[t as usize];
            let sum = if term.single {
                &mut self.char_bytes
            } else {
                &mut self.word_bytes
            };
            *sum = *sum - term.bytes + bytes;
            term.json = json;
            term.bytes = bytes;
            term.complement = complement;
        }
    }

    /// Assembles the files that may have changed and reports those that did. With the
    /// same layout and ids in place that is `search.json`, the shards of the `dirty`
    /// terms and the record chunks of the `changed` doc ids; otherwise every file.
    fn write(
        &mut self,
        shape: Shape,
        terms_before: usize,
        dirty: &[u32],
        changed: &[usize],
    ) -> FileChanges {
        let all = self.shape != Some(shape);
        let count = self.docs.len();
        let mut pick = Pick::default();
        match shape {
            Shape::Inline => {
                self.word_buckets = Vec::new();
                self.char_buckets = Vec::new();
                self.buckets_for = None;
            }
            Shape::Split {
                meta_chunk,
                shards,
                char_shards,
            } => {
                if self.buckets_for != Some((shards, char_shards)) {
                    self.bucket(shards, char_shards);
                    pick.words.extend(0..shards);
                    pick.chars.extend(0..char_shards);
                } else {
                    for t in terms_before..self.terms.len() {
                        self.put_in_bucket(t as u32);
                    }
                    if all {
                        pick.words.extend(0..shards);
                        pick.chars.extend(0..char_shards);
                    } else {
                        for &t in dirty {
                            let term = &self.terms[t as usize];
                            if term.single {
                                pick.chars.push(term.hash as usize % char_shards);
                            } else {
                                pick.words.push(term.hash as usize % shards);
                            }
                        }
                        pick.words.sort_unstable();
                        pick.words.dedup();
                        pick.chars.sort_unstable();
                        pick.chars.dedup();
                    }
                }
                let meta_files = count.div_ceil(meta_chunk);
                if all {
                    pick.metas.extend(0..meta_files);
                } else {
                    pick.metas.extend(
                        changed
                            .iter()
                            .map(|&p| p / meta_chunk)
                            .filter(|&c| c < meta_files),
                    );
                }
                pick.metas.dedup();
            }
        }
        // Split, `search.json` holds the counts (from the layout) and the facets.
        pick.entry = all || self.facets_stale || shape == Shape::Inline;
        let fresh = self.assemble(shape, &pick);

        let mut changes = FileChanges::default();
        if all {
            let now: std::collections::HashSet<&str> =
                fresh.iter().map(|(p, _)| p.as_str()).collect();
            changes.removed = self
                .files
                .keys()
                .filter(|p| !now.contains(p.as_str()))
                .cloned()
                .collect();
        } else if let Shape::Split { meta_chunk, .. } = shape {
            let old = self
                .files
                .range("search/meta-".to_string().."search/meta.".to_string())
                .count();
            changes.removed = (count.div_ceil(meta_chunk)..old).map(meta_path).collect();
        }
        for p in &changes.removed {
            self.files.remove(p);
        }
        changes.removed.sort();
        // Only a digest of each file is kept: the bytes go to the caller, which keeps
        // them anyway, and a large site's search files are tens of megabytes.
        let digests: Vec<Digest> = if fresh.len() < FEW {
            fresh.iter().map(|(_, b)| digest::of(b)).collect()
        } else {
            fresh.par_iter().map(|(_, b)| digest::of(b)).collect()
        };
        for ((path, bytes), d) in fresh.into_iter().zip(digests) {
            if self.files.get(&path) != Some(&d) {
                self.files.insert(path.clone(), d);
                changes.written.push((path, bytes));
            }
        }
        changes.written.sort_by(|a, b| a.0.cmp(&b.0));
        self.shape = Some(shape);
        changes
    }

    /// The files `pick` names, in the layout `shape` (whose buckets are up to date).
    fn assemble(&self, shape: Shape, pick: &Pick) -> Vec<(String, Vec<u8>)> {
        let mut fresh: Vec<(String, Vec<u8>)> = Vec::new();
        let count = self.docs.len();
        let layout = match shape {
            Shape::Inline => {
                let mut used: Vec<u32> = (0..self.terms.len() as u32)
                    .filter(|&t| !self.terms[t as usize].json.is_empty())
                    .collect();
                used.sort_unstable_by(|&a, &b| self.token(a).cmp(&self.token(b)));
                let records: Vec<&str> = self.docs.iter().map(|d| d.record.as_str()).collect();
                Layout::Inline {
                    meta: raw(format!("[{}]", records.join(","))),
                    index: raw(self.object(&used)),
                }
            }
            Shape::Split {
                meta_chunk,
                shards,
                char_shards,
            } => {
                let meta = |c: usize| {
                    let docs = &self.docs[c * meta_chunk..((c + 1) * meta_chunk).min(count)];
                    let mut json = Vec::with_capacity(
                        2 + docs.iter().map(|d| d.record.len() + 1).sum::<usize>(),
                    );
                    json.push(b'[');
                    for (i, d) in docs.iter().enumerate() {
                        if i > 0 {
                            json.push(b',');
                        }
                        json.extend_from_slice(d.record.as_bytes());
                    }
                    json.push(b']');
                    (meta_path(c), json)
                };
                let word = |s: usize| {
                    (
                        format!("{WORD_SHARD}-{s}.json"),
                        self.object(&self.word_buckets[s]).into_bytes(),
                    )
                };
                let char = |s: usize| {
                    (
                        format!("{CHAR_SHARD}-{s}.json"),
                        self.object(&self.char_buckets[s]).into_bytes(),
                    )
                };
                if pick.metas.len() + pick.words.len() + pick.chars.len() < FEW {
                    fresh.extend(pick.metas.iter().copied().map(meta));
                    fresh.extend(pick.words.iter().copied().map(word));
                    fresh.extend(pick.chars.iter().copied().map(char));
                } else {
                    fresh.par_extend(pick.metas.par_iter().copied().map(meta));
                    fresh.par_extend(pick.words.par_iter().copied().map(word));
                    fresh.par_extend(pick.chars.par_iter().copied().map(char));
                }
                Layout::Split {
                    meta_chunk,
                    meta_files: count.div_ceil(meta_chunk),
                    shards,
                    char_shards,
                }
            }
        };
        if pick.entry {
            let heads: Vec<Facet<'_>> = self.docs.iter().map(|d| Facet::of(&d.head)).collect();
            fresh.push(("search.json".to_string(), entry_json(&heads, layout)));
        }
        fresh
    }

    fn token(&self, t: u32) -> Token<'_> {
        self.terms[t as usize].token.as_token()
    }

    /// The JSON object of the terms `ids` (sorted by token), empty ones left out.
    fn object(&self, ids: &[u32]) -> String {
        let entries: Vec<&str> = ids
            .iter()
            .map(|&t| self.terms[t as usize].json.as_str())
            .filter(|j| !j.is_empty())
            .collect();
        let mut s = String::with_capacity(entries.iter().map(|e| e.len() + 1).sum::<usize>() + 2);
        s.push('{');
        for (i, e) in entries.iter().enumerate() {
            if i > 0 {
                s.push(',');
            }
            s.push_str(e);
        }
        s.push('}');
        s
    }

    /// Distributes every term over `shards` word and `char_shards` character shards.
    fn bucket(&mut self, shards: usize, char_shards: usize) {
        let mut words: Vec<Vec<u32>> = vec![Vec::new(); shards];
        let mut chars: Vec<Vec<u32>> = vec![Vec::new(); char_shards];
        for (t, term) in self.terms.iter().enumerate() {
            if term.single {
                chars[term.hash as usize % char_shards].push(t as u32);
            } else {
                words[term.hash as usize % shards].push(t as u32);
            }
        }
        let terms = &self.terms;
        words
            .par_iter_mut()
            .chain(chars.par_iter_mut())
            .for_each(|b| {
                b.sort_unstable_by(|&x, &y| {
                    terms[x as usize]
                        .token
                        .as_token()
                        .cmp(&terms[y as usize].token.as_token())
                })
            });
        self.word_buckets = words;
        self.char_buckets = chars;
        self.buckets_for = Some((shards, char_shards));
    }

    /// Puts a new term into its shard, in token order.
    fn put_in_bucket(&mut self, t: u32) {
        let term = &self.terms[t as usize];
        let bucket = if term.single {
            let n = self.char_buckets.len();
            &mut self.char_buckets[term.hash as usize % n]
        } else {
            let n = self.word_buckets.len();
            &mut self.word_buckets[term.hash as usize % n]
        };
        let token = term.token.as_token();
        let terms = &self.terms;
        let at = bucket.partition_point(|&x| terms[x as usize].token.as_token() < token);
        bucket.insert(at, t);
    }
}

/// Whether two documents have the same facet code (kind, 效力状态, year) and tables.
fn same_facets(a: &SearchDoc, b: &SearchDoc) -> bool {
    (&a.kind, &a.kind_label, &a.validity, a.year) == (&b.kind, &b.kind_label, &b.validity, b.year)
}

fn new_term(token: OwnedToken) -> Term {
    let t = token.as_token();
    Term {
        single: matches!(t, Token::Cjk(k) if k & 0x1F_FFFF == 0),
        hash: t.with_bytes(fnv1a_bytes),
        token,
        lists: Default::default(),
        json: String::new(),
        bytes: 0,
        complement: false,
    }
}

#[cfg(test)]
mod id_list_tests {
    use super::IdList;

    /// A seeded generator of numbers below `n` (xorshift64; `state` must not be 0).
    fn xorshift(mut state: u64) -> impl FnMut(u32) -> u32 {
        move |n| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % u64::from(n)) as u32
        }
    }

    /// Inserts and removes ids at random and compares the list with a plain sorted `Vec`
    /// after every step: the form changes back and forth as terms grow common and rare.
    #[test]
    fn id_lists_hold_the_same_ids_in_either_form() {
        let mut next = xorshift(0x9E37_79B9_7F4A_7C15);
        let (mut bits_seen, mut ids_seen) = (false, false);
        for round in 0..40 {
            let span = 64 + next(600);
            let mut list = IdList::default();
            let mut plain: Vec<u32> = Vec::new();
            for _ in 0..2_000 {
                let id = next(span);
                // Phases of mostly adding, then mostly removing.
                if (round % 2 == 0) == (next(10) < 7) {
                    list.insert(id);
                    if let Err(at) = plain.binary_search(&id) {
                        plain.insert(at, id);
                    }
                } else {
                    list.remove(id);
                    if let Ok(at) = plain.binary_search(&id) {
                        plain.remove(at);
                    }
                }
                assert_eq!(&*list.ids(), plain.as_slice());
                assert_eq!(list.len(), plain.len());
                bits_seen |= matches!(list, IdList::Bits { .. });
                ids_seen |= matches!(list, IdList::Ids(_));
            }
            // Renumbering from some id on, as a document taken out of the middle does.
            let first = next(span);
            let renumbered: Vec<u32> = (first..span).map(|id| id + 7).collect();
            let had = list.renumber(first, &renumbered, None);
            assert_eq!(had, plain.iter().any(|&id| id >= first));
            for id in &mut plain {
                if *id >= first {
                    *id += 7;
                }
            }
            assert_eq!(&*list.ids(), plain.as_slice());
            assert_eq!(IdList::from_ids(plain.clone()).ids(), list.ids());
        }
        assert!(bits_seen && ids_seen, "both forms are exercised");
    }

    /// A bitmap moved up by whole words holds what moving each id holds, at the same
    /// length (removals later read it).
    #[test]
    fn a_bitmap_shifted_by_words_equals_one_moved_bit_by_bit() {
        let mut seen_shifted = 0;
        for seed in 0..300u64 {
            let mut next = xorshift(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
            let span = 1 + next(900);
            let mut ids: Vec<u32> = (0..span).filter(|_| next(3) > 0).collect();
            ids.dedup();
            let IdList::Bits { words, len } = IdList::bits(&ids) else {
                unreachable!("bits")
            };
            let first = next(span + 70);
            let shift = [1, 2, 63, 64, 65, 130, next(300)][seed as usize % 7];
            let mut by_words = IdList::Bits {
                words: words.clone(),
                len,
            };
            let mut by_bits = IdList::Bits { words, len };
            let renumbered: Vec<u32> = (first..span + 1).map(|id| id + shift).collect();
            let had = by_words.renumber(first, &renumbered, Some(shift));
            assert_eq!(by_bits.renumber(first, &renumbered, None), had);
            assert_eq!(by_words, by_bits, "seed {seed}");
            let moved: Vec<u32> = ids
                .iter()
                .map(|&id| if id >= first { id + shift } else { id })
                .collect();
            assert_eq!(&*by_words.ids(), moved.as_slice());
            seen_shifted += usize::from(had);
        }
        assert!(seen_shifted > 100, "most cases move something");
    }

    /// A list kept as a bitmap is measured and written exactly as the same ids kept as
    /// ids, in every form and among any number of documents.
    #[test]
    fn a_bitmap_writes_the_strings_its_ids_write() {
        use super::super::postings::{DocList, Form};
        let mut forms = std::collections::HashSet::new();
        for seed in 0..2_000u64 {
            let mut next = xorshift(seed.wrapping_mul(0xD1B5_4A32_D192_ED03) | 1);
            let span = 1 + next(700);
            // From nearly empty to nearly full, so each form wins somewhere.
            let keep = next(101);
            let ids: Vec<u32> = (0..span).filter(|_| next(100) < keep).collect();
            let count = span + next(40);
            let bits = IdList::bits(&ids);
            let form = DocList::form(ids.as_slice(), count);
            assert_eq!(bits.form(count), form, "seed {seed}: {ids:?} of {count}");
            for f in [Form::Delta, Form::Bitmap, Form::Complement] {
                let (mut a, mut b) = (String::new(), String::new());
                DocList::write_form(ids.as_slice(), &mut a, f, count);
                bits.write_form(&mut b, f, count);
                assert_eq!(a, b, "seed {seed}: {f:?} of {ids:?} among {count}");
            }
            forms.insert(format!("{:?}", form.0));
        }
        assert_eq!(forms.len(), 3, "every form is chosen somewhere: {forms:?}");
    }
}
