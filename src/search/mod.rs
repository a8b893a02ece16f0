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
//!
//! The stages of building the index, one module each: [`tokenize`] (shared with the
//! browser), `terms` (one pass over each field's text), `postings` (doc lists, their
//! encodings, and the per-chunk field indexes that are built in parallel and appended in
//! doc-id order), `shards` (which file a token lives in), `records` (display records and
//! facets). The file format is described once, in `src/search/FORMAT.md`, included below.
//!
//! ## Entry points
//! - [`Streamed`] (with [`id_order`]): what the build uses — render hands it each chunk of
//!   documents in doc-id order as soon as their pages are rendered, so every text is
//!   indexed and dropped within moments and the texts never pile up; [`IndexPart::files`]
//!   writes the same files as [`build_index`].
//! - [`build_index`] / [`build_index_owned`]: the files of a whole site from its
//!   documents (the owned form frees each text as soon as it is indexed).
//! - [`SearchIndex`], for `gongkai serve`: `SearchIndex::build(docs)` keeps every term's
//!   doc lists and entry, every document's terms and a digest of every file (not the
//!   texts, not the files: the caller keeps those); `build_with_files` also returns the
//!   files; `index.update(changes)` applies [`DocChange`]s (a document added or replaced,
//!   by URL, or removed) and returns only the files whose bytes changed and the files that
//!   no longer exist ([`FileChanges`]); `index.files()` assembles every file again. An update changes
//!   the lists of the terms a document gained or lost and assembles only their shards,
//!   the changed records' chunk and `search.json` (module `incr`); doc ids are oldest
//!   first, so a new newest document moves no other id. After any sequence of updates the
//!   files are byte for byte those of [`build_index`] over the same documents (a property
//!   test with random updates).
//!
#![doc = include_str!("FORMAT.md")]

mod incr;
mod postings;
mod records;
mod shards;
mod terms;
pub mod tokenize;

pub use crate::render::SearchDoc;
pub use incr::SearchIndex;
pub use tokenize::tokenize;

use crate::link::Site;
use postings::{keys, FieldIndex};
use rayon::prelude::*;
use records::{doc_order, facets, order_keys, record_json, Facet};
use serde::Serialize;
use serde_json::value::RawValue;
use shards::{object_json, shard_files, Key};
use terms::index_doc;

/// Version of the file format; `search.js` refuses a different one.
pub const FORMAT_VERSION: u32 = 2;

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

/// Documents indexed as one piece of work; the pieces' doc lists are then appended in order.
const CHUNK: usize = 512;

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// `search.json`, the entry point the search page always fetches.
#[derive(Serialize)]
struct Entry<'a> {
    format: &'static str,
    version: u32,
    count: u32,
    #[serde(flatten)]
    facets: records::Facets<'a>,
    snippet_chars: usize,
    #[serde(flatten)]
    layout: Layout,
}

/// Where the records and postings are: inline for a small site, else in separate files.
#[derive(Serialize)]
#[serde(untagged)]
enum Layout {
    /// Everything in `search.json`.
    Inline {
        meta: Box<RawValue>,
        index: Box<RawValue>,
    },
    /// Records in `search/meta-*.json`, postings in `search/index-*.json` and
    /// `search/char-*.json`.
    Split {
        meta_chunk: usize,
        meta_files: usize,
        shards: usize,
        char_shards: usize,
    },
}

/// JSON this module wrote, to embed as it is.
fn raw(json: String) -> Box<RawValue> {
    RawValue::from_string(json).unwrap_or_else(|e| unreachable!("search JSON is built valid: {e}"))
}

/// Builds the search files for `docs`: `search.json` (the entry point the search page
/// fetches) and, for larger sites, `search/meta-*.json` and `search/index-*.json`. Returns
/// site-relative paths and bytes, sorted by path; the same documents in any order give the
/// same files. The format is described in this module's documentation.
pub fn build_index(docs: &[SearchDoc]) -> Vec<(String, Vec<u8>)> {
    let mut order: Vec<&SearchDoc> = docs.iter().collect();
    order.sort_by(|a, b| doc_order(a, b));
    build(&mut order)
}

/// [`build_index`] for a build that no longer needs the documents: each text is dropped
/// as soon as it is indexed, so the texts and the index are not both whole in memory.
pub fn build_index_owned(mut docs: Vec<SearchDoc>) -> Vec<(String, Vec<u8>)> {
    docs.sort_by(doc_order);
    build(&mut docs)
}

/// Whether a file of the search index could be at `path`, inside it, or be a folder of
/// it — whether `path` could collide with one. The index's files are `search.json` and
/// `search/<name>.json`, nothing else; `gongkai check` builds the index only when some
/// other file of the site meets this (`build::pipeline`), so a new place for search files
/// must be added here (`tests/check.rs` holds every file of a split index to it).
pub fn may_meet(path: &str) -> bool {
    if path == "search" || path == "search.json" || path.starts_with("search.json/") {
        return true;
    }
    path.strip_prefix("search/")
        .and_then(|rest| rest.split('/').next())
        .is_some_and(|name| name.ends_with(".json"))
}

/// A change to the documents of a [`SearchIndex`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DocChange {
    /// A document added, or replacing every document with the same URL.
    Upsert(Box<SearchDoc>),
    /// The documents with this URL are gone.
    Remove(String),
}

/// What an update did to the search files.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct FileChanges {
    /// Files that are new or whose bytes changed, sorted by path.
    pub written: Vec<(String, Vec<u8>)>,
    /// Files that no longer exist, sorted.
    pub removed: Vec<String>,
}

/// A document as the index builder holds it: borrowed, or owned and given up piece by
/// piece.
trait Doc: Send + Sync {
    fn doc(&self) -> &SearchDoc;
    /// The text is indexed and its snippet taken; it is not needed any more.
    fn release_text(&mut self);
}

impl Doc for &SearchDoc {
    fn doc(&self) -> &SearchDoc {
        self
    }
    fn release_text(&mut self) {}
}

impl Doc for SearchDoc {
    fn doc(&self) -> &SearchDoc {
        self
    }
    fn release_text(&mut self) {
        self.text = String::new();
    }
}

/// The field indexes and display records of one chunk of documents in doc-id order, the
/// first with id `first`; each text is released once indexed.
fn index_chunk<D: Doc>(first: usize, chunk: &mut [D]) -> ([FieldIndex; 3], Vec<String>) {
    let mut fields: [FieldIndex; 3] = Default::default();
    let mut chars = Vec::new();
    let mut records = Vec::with_capacity(chunk.len());
    for (i, d) in chunk.iter_mut().enumerate() {
        index_doc(&mut fields, (first + i) as u32, d.doc(), &mut chars);
        records.push(record_json(d.doc()));
        d.release_text();
    }
    fields.iter_mut().for_each(FieldIndex::flush);
    (fields, records)
}

/// Appends chunk `b`'s lists and records to those of `a`, the chunk before it.
fn join_chunks(
    (mut a, mut ra): ([FieldIndex; 3], Vec<String>),
    (b, rb): ([FieldIndex; 3], Vec<String>),
) -> ([FieldIndex; 3], Vec<String>) {
    a.iter_mut().zip(&b).for_each(|(a, b)| a.append(b));
    ra.extend(rb);
    (a, ra)
}

/// The field indexes (body, title, other fields) and display records of `order`,
/// documents already in doc-id order: indexed in parallel chunks, appended in order.
fn index_fields<D: Doc>(order: &mut [D]) -> ([FieldIndex; 3], Vec<String>) {
    order
        .par_chunks_mut(CHUNK)
        .enumerate()
        .map(|(c, chunk)| index_chunk(c * CHUNK, chunk))
        // In order: each chunk's lists and records go after those of the chunks before it.
        .reduce(|| (Default::default(), Vec::new()), join_chunks)
}

/// The index of `order`, documents already in doc-id order.
fn build<D: Doc>(order: &mut [D]) -> Vec<(String, Vec<u8>)> {
    let (fields, records) = index_fields(order);
    let facets: Vec<Facet<'_>> = order.iter().map(|d| Facet::of(d.doc())).collect();
    files(&fields, &records, &facets)
}

/// The doc-id order of the site's documents: their positions, oldest first (the order
/// of [`build_index`]), computed before render so that each document's text can be
/// indexed as soon as its page is rendered ([`Streamed`]).
pub fn id_order(site: &Site) -> Vec<usize> {
    let keys: Vec<(Option<String>, &str, &str)> = site
        .docs
        .iter()
        .map(|d| {
            (
                crate::render::search_date(d),
                d.url.as_str(),
                d.title.as_str(),
            )
        })
        .collect();
    let mut order: Vec<usize> = (0..keys.len()).collect();
    // Stable, as `build_index`'s sort: equal keys keep the documents' order.
    order.sort_by(|&a, &b| {
        let (da, ua, ta) = &keys[a];
        let (db, ub, tb) = &keys[b];
        order_keys((da.as_deref(), ua, ta), (db.as_deref(), ub, tb))
    });
    order
}

/// The index built while render runs: render hands over the documents of each chunk of
/// [`id_order`] as soon as their pages are done, each chunk is indexed at once and its
/// texts dropped, and the chunks are joined in order. The files are those of
/// [`build_index`] over the same documents.
pub struct Streamed {
    /// Documents per chunk: any size gives the same files; a few hundred keep the texts
    /// in flight small and the chunks many enough to share out between threads.
    chunk: usize,
}

impl Default for Streamed {
    fn default() -> Self {
        Streamed { chunk: CHUNK }
    }
}

/// The part of the index a run of consecutive doc ids gives (see [`Streamed`]).
pub struct IndexPart {
    fields: [FieldIndex; 3],
    records: Vec<String>,
    facets: FacetTable,
    /// The ordering key of the first and the last document, to check the order.
    ends: Option<[(Option<String>, String, String); 2]>,
}

impl crate::render::SearchIndexer for Streamed {
    type Part = IndexPart;

    fn chunk(&self) -> usize {
        self.chunk
    }

    fn index(&self, first: usize, mut docs: Vec<SearchDoc>) -> IndexPart {
        debug_assert!(docs.windows(2).all(|w| doc_order(&w[0], &w[1]).is_le()));
        let key = |d: &SearchDoc| (d.date.clone(), d.url.clone(), d.title.clone());
        let ends = docs.first().zip(docs.last()).map(|(a, b)| [key(a), key(b)]);
        let (fields, records) = index_chunk(first, &mut docs);
        let mut facets = FacetTable::default();
        docs.iter().for_each(|d| facets.push(d));
        IndexPart {
            fields,
            records,
            facets,
            ends,
        }
    }

    fn join(&self, a: IndexPart, b: IndexPart) -> IndexPart {
        let ends = match (a.ends, b.ends) {
            (Some([first, x]), Some([y, last])) => {
                fn k((d, u, t): &(Option<String>, String, String)) -> (Option<&str>, &str, &str) {
                    (d.as_deref(), u, t)
                }
                debug_assert!(
                    order_keys(k(&x), k(&y)).is_le(),
                    "parts out of doc-id order"
                );
                Some([first, last])
            }
            (a, b) => a.or(b),
        };
        let (fields, records) = join_chunks((a.fields, a.records), (b.fields, b.records));
        let mut facets = a.facets;
        facets.append(b.facets);
        IndexPart {
            fields,
            records,
            facets,
            ends,
        }
    }
}

impl IndexPart {
    /// The search files of the documents of this part, which must start at doc id 0
    /// and hold every document: [`build_index`]'s files.
    pub fn files(self) -> Vec<(String, Vec<u8>)> {
        let facets = self.facets.rows();
        files(&self.fields, &self.records, &facets)
    }
}

/// What the facet codes of `search.json` need of each document, its kind and status
/// strings kept once per part.
#[derive(Default)]
struct FacetTable {
    kinds: Vec<(String, String)>,
    statuses: Vec<String>,
    /// Per document: kind, status + 1 (0: none), year.
    docs: Vec<(u32, u32, Option<i32>)>,
}

impl FacetTable {
    fn kind(&mut self, kind: &str, label: &str) -> u32 {
        let at = self.kinds.iter().position(|(k, l)| k == kind && l == label);
        at.unwrap_or_else(|| {
            self.kinds.push((kind.to_string(), label.to_string()));
            self.kinds.len() - 1
        }) as u32
    }

    fn status(&mut self, status: Option<&str>) -> u32 {
        let Some(s) = status else { return 0 };
        let at = self.statuses.iter().position(|x| x == s);
        1 + at.unwrap_or_else(|| {
            self.statuses.push(s.to_string());
            self.statuses.len() - 1
        }) as u32
    }

    fn push(&mut self, d: &SearchDoc) {
        let row = (
            self.kind(&d.kind, &d.kind_label),
            self.status(d.validity.as_deref()),
            d.year,
        );
        self.docs.push(row);
    }

    fn append(&mut self, other: FacetTable) {
        let kinds: Vec<u32> = (other.kinds.iter()).map(|(k, l)| self.kind(k, l)).collect();
        let statuses: Vec<u32> = (other.statuses.iter())
            .map(|s| self.status(Some(s)))
            .collect();
        self.docs.extend(other.docs.iter().map(|&(k, s, y)| {
            let s = if s == 0 { 0 } else { statuses[s as usize - 1] };
            (kinds[k as usize], s, y)
        }));
    }

    fn rows(&self) -> Vec<Facet<'_>> {
        (self.docs.iter())
            .map(|&(k, s, year)| {
                let (kind, kind_label) = &self.kinds[k as usize];
                Facet {
                    kind,
                    kind_label,
                    validity: s.checked_sub(1).map(|s| self.statuses[s as usize].as_str()),
                    year,
                }
            })
            .collect()
    }
}

/// The files of the index of `count` documents from its field indexes, records (in
/// doc-id order) and facets.
fn files(
    fields: &[FieldIndex; 3],
    records: &[String],
    facets: &[Facet<'_>],
) -> Vec<(String, Vec<u8>)> {
    let count = facets.len() as u32;
    let mut keys: Vec<Key<'_>> = keys(fields);
    keys.par_iter_mut().for_each(|k| k.choose(count));
    let (chars, words): (Vec<Key<'_>>, Vec<Key<'_>>) = keys.into_iter().partition(Key::single);
    let word_bytes: usize = words.iter().map(Key::bytes).sum();
    let char_bytes: usize = chars.iter().map(Key::bytes).sum();

    let meta_bytes: usize = records.iter().map(|r| r.len() + 1).sum();

    let mut files = Vec::new();
    let layout = match Shape::of(word_bytes, char_bytes, meta_bytes, records.len()) {
        Shape::Inline => {
            let mut all = words;
            all.extend(chars);
            Layout::Inline {
                meta: raw(format!("[{}]", records.join(","))),
                index: raw(object_json(&mut all, count)),
            }
        }
        Shape::Split {
            meta_chunk,
            shards,
            char_shards,
        } => {
            files.par_extend(
                records
                    .par_chunks(meta_chunk)
                    .enumerate()
                    .map(|(i, c)| (meta_path(i), format!("[{}]", c.join(",")).into_bytes())),
            );
            files.extend(shard_files(words, shards, WORD_SHARD, count));
            files.extend(shard_files(chars, char_shards, CHAR_SHARD, count));
            Layout::Split {
                meta_chunk,
                meta_files: records.len().div_ceil(meta_chunk),
                shards,
                char_shards,
            }
        }
    };
    files.push(("search.json".to_string(), entry_json(facets, layout)));
    files.sort_by(|a, b| a.0.cmp(&b.0));
    files
}

/// Prefix of the postings shards of every token but single characters.
const WORD_SHARD: &str = "search/index";
/// Prefix of the postings shards of single CJK characters.
const CHAR_SHARD: &str = "search/char";

/// The path of display-record chunk `i`.
fn meta_path(i: usize) -> String {
    format!("search/meta-{i}.json")
}

/// `search.json` for the documents of `order` (in doc-id order).
fn entry_json(order: &[Facet<'_>], layout: Layout) -> Vec<u8> {
    let entry = Entry {
        format: "gongkai-search",
        version: FORMAT_VERSION,
        count: order.len() as u32,
        facets: facets(order),
        snippet_chars: SNIPPET_CHARS,
        layout,
    };
    // Plain strings, numbers and already valid JSON: serialising cannot fail.
    serde_json::to_vec(&entry).unwrap_or_default()
}

/// How the files are laid out. It is decided from the sizes alone, so a full build and an
/// update of the same documents agree; every count is a power of two that moves only when
/// a size crosses a doubling, so adding or editing a document rarely renames every file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// Everything in `search.json`.
    Inline,
    /// Records and postings in files of their own.
    Split {
        meta_chunk: usize,
        shards: usize,
        char_shards: usize,
    },
}

impl Shape {
    /// The layout for postings of about `word_bytes` and `char_bytes` (see `Key::bytes`)
    /// and `meta_bytes` of records of `count` documents.
    fn of(word_bytes: usize, char_bytes: usize, meta_bytes: usize, count: usize) -> Shape {
        if word_bytes + char_bytes + meta_bytes <= INLINE_MAX_BYTES {
            return Shape::Inline;
        }
        let avg = meta_bytes / count.max(1) + 1;
        let mut meta_chunk = 1usize;
        while meta_chunk < 256 && (meta_chunk * 2) * avg <= META_TARGET_BYTES {
            meta_chunk *= 2;
        }
        Shape::Split {
            meta_chunk,
            shards: shard_count(word_bytes),
            char_shards: shard_count(char_bytes),
        }
    }
}

/// Shards for about `bytes` of postings: the power of two nearest (geometrically) to
/// `bytes / SHARD_TARGET_BYTES`, so shards hold between 0.7 and 1.4 times the target.
fn shard_count(bytes: usize) -> usize {
    let n = bytes.div_ceil(SHARD_TARGET_BYTES).max(1);
    let p = n.next_power_of_two();
    if 2 * n * n < p * p {
        p / 2
    } else {
        p
    }
}

#[cfg(test)]
mod tests;
