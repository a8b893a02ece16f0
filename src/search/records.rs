//! The display records and the facet table, written with serde.

use super::{SearchDoc, ALPHABET, SNIPPET_CHARS};
use serde::Serialize;

/// Collapses whitespace and keeps the first `n` characters.
pub(super) fn snippet(text: &str, n: usize) -> String {
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

pub(super) fn json_str(out: &mut String, s: &str) {
    if s.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\') {
        out.push('"');
        out.push_str(s);
        out.push('"');
    } else {
        // serde_json escapes exactly what JSON requires; writing to a String cannot fail.
        out.push_str(&serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into()));
    }
}

/// One display record: `[url, title, doc_no, index_no, issuer, date, [keywords…], snippet]`,
/// absent values as `""`.
#[derive(Serialize)]
struct Record<'a>(
    &'a str,
    &'a str,
    &'a str,
    &'a str,
    &'a str,
    &'a str,
    &'a [String],
    String,
);

pub(super) fn record_json(d: &SearchDoc) -> String {
    let record = Record(
        &d.url,
        &d.title,
        d.doc_no.as_deref().unwrap_or_default(),
        d.index_no.as_deref().unwrap_or_default(),
        d.issuer.as_deref().unwrap_or_default(),
        d.date.as_deref().unwrap_or_default(),
        &d.keywords,
        snippet(&d.text, SNIPPET_CHARS),
    );
    // Writing plain strings and numbers to a String cannot fail.
    serde_json::to_string(&record).unwrap_or_default()
}

/// The order that defines doc ids: oldest first, undated before dated, then by URL and
/// title descending — exactly the reverse of "newest first, then by URL", so the browser
/// ranks newer first among equals by taking larger ids first. A new document, usually
/// the newest, then takes the next id and the others keep theirs.
pub(super) fn doc_order(a: &SearchDoc, b: &SearchDoc) -> std::cmp::Ordering {
    order_keys(
        (a.date.as_deref(), &a.url, &a.title),
        (b.date.as_deref(), &b.url, &b.title),
    )
}

/// [`doc_order`] on the three things it reads: date, URL, title.
pub(super) fn order_keys(
    (da, ua, ta): (Option<&str>, &str, &str),
    (db, ub, tb): (Option<&str>, &str, &str),
) -> std::cmp::Ordering {
    match (da, db) {
        (Some(x), Some(y)) => x.cmp(y),
        (Some(_), None) => std::cmp::Ordering::Greater,
        (None, Some(_)) => std::cmp::Ordering::Less,
        (None, None) => std::cmp::Ordering::Equal,
    }
    .then_with(|| ub.cmp(ua))
    .then_with(|| tb.cmp(ta))
}

/// Base-64 digits of `v`, most significant first, exactly `width` characters.
pub(super) fn fixed_digits(out: &mut String, v: usize, width: usize) {
    for i in (0..width).rev() {
        out.push(ALPHABET[(v >> (6 * i)) & 63] as char);
    }
}

/// What the facets read of one document.
pub(super) struct Facet<'a> {
    pub(super) kind: &'a str,
    pub(super) kind_label: &'a str,
    pub(super) validity: Option<&'a str>,
    pub(super) year: Option<i32>,
}

impl<'a> Facet<'a> {
    pub(super) fn of(d: &'a SearchDoc) -> Facet<'a> {
        Facet {
            kind: &d.kind,
            kind_label: &d.kind_label,
            validity: d.validity.as_deref(),
            year: d.year,
        }
    }
}

/// The facet tables and codes of `search.json`: what the browser filters and counts with
/// before it fetches any per-document data.
#[derive(Serialize)]
pub(super) struct Facets<'a> {
    /// Kinds present, sorted by value.
    kinds: Vec<KindLabel<'a>>,
    /// 效力状态 present, sorted.
    statuses: Vec<&'a str>,
    /// Years present, newest first.
    years: Vec<i32>,
    /// Per doc id, `width` base-64 digits of `kind + K·(status + (ST+1)·year)`.
    facets: Codes,
}

#[derive(Serialize)]
struct KindLabel<'a> {
    value: &'a str,
    label: &'a str,
}

#[derive(Serialize)]
struct Codes {
    width: usize,
    codes: String,
}

/// The facet codes of all documents, and the tables they index.
pub(super) fn facets<'a>(docs: &[Facet<'a>]) -> Facets<'a> {
    let mut kinds: Vec<(&str, &str)> = docs.iter().map(|d| (d.kind, d.kind_label)).collect();
    kinds.sort_unstable();
    kinds.dedup_by(|a, b| a.0 == b.0);
    let mut statuses: Vec<&str> = docs.iter().filter_map(|d| d.validity).collect();
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
            .and_then(|v| statuses.binary_search(&v).ok())
            .map_or(0, |i| i + 1);
        let yi = d
            .year
            .and_then(|y| years.iter().position(|&x| x == y))
            .map_or(0, |i| i + 1);
        fixed_digits(&mut codes, ki + k * (si + st * yi), width);
    }
    Facets {
        kinds: kinds
            .into_iter()
            .map(|(value, label)| KindLabel { value, label })
            .collect(),
        statuses,
        years,
        facets: Codes { width, codes },
    }
}
