//! Index keys and their shard files: which file a token lives in, and its JSON.

use super::postings::{DocList, Form, Postings};
use super::records::json_str;
use super::tokenize::fnv1a_bytes;
use rayon::prelude::*;

/// A token as the index keeps it: packed CJK characters, or a borrowed run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Token<'a> {
    Cjk(u64),
    Run(&'a str),
}

impl Token<'_> {
    /// The token's UTF-8 bytes, for hashing, without allocating.
    pub(super) fn with_bytes<R>(self, f: impl FnOnce(&[u8]) -> R) -> R {
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

    pub(super) fn shard(self, n: usize) -> usize {
        self.with_bytes(fnv1a_bytes) as usize % n
    }

    pub(super) fn write_json(self, out: &mut String) {
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
pub(super) struct Key<'a, L: DocList + ?Sized = Postings> {
    pub(super) token: Token<'a>,
    pub(super) lists: [Option<&'a L>; 3],
    pub(super) forms: [(Form, usize); 3],
}

impl<'a, L: DocList + ?Sized> Key<'a, L> {
    pub(super) fn new(token: Token<'a>, lists: [Option<&'a L>; 3]) -> Self {
        Key {
            token,
            lists,
            forms: [(Form::Delta, 0); 3],
        }
    }

    /// A single CJK character: lives in the `char-` shards, which only one-character query
    /// pieces need, so the others never download these dense lists.
    pub(super) fn single(&self) -> bool {
        matches!(self.token, Token::Cjk(k) if k & 0x1F_FFFF == 0)
    }

    /// Chooses each list's form; `count` is the number of documents.
    pub(super) fn choose(&mut self, count: u32) {
        for (f, l) in self.forms.iter_mut().zip(self.lists) {
            *f = l.map_or((Form::Delta, 0), |p| p.form(count));
        }
    }

    /// Bytes this key adds to its shard, near enough (escapes are rare in tokens).
    pub(super) fn bytes(&self) -> usize {
        let token = match self.token {
            Token::Cjk(k) if k & 0x1F_FFFF == 0 => 3,
            Token::Cjk(_) => 6,
            Token::Run(r) => r.len(),
        };
        token + 6 + self.forms.iter().map(|f| f.1 + 3).sum::<usize>()
    }

    /// Writes `"token":value`, the key's entry in its object.
    pub(super) fn write_entry(&self, out: &mut String, count: u32) {
        self.token.write_json(out);
        out.push(':');
        self.write_value(out, count);
    }

    /// Writes the value: the body list alone, or `[body, title, fields]` without trailing
    /// empty lists.
    pub(super) fn write_value(&self, out: &mut String, count: u32) {
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
pub(super) fn object_json(keys: &mut [Key<'_>], count: u32) -> String {
    keys.sort_unstable_by(|a, b| a.token.cmp(&b.token));
    let mut s = String::with_capacity(keys.iter().map(Key::bytes).sum());
    s.push('{');
    for (i, k) in keys.iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        k.write_entry(&mut s, count);
    }
    s.push('}');
    s
}

/// Distributes keys over `n` shard files named `{prefix}-{i}.json` by token hash.
pub(super) fn shard_files(
    keys: Vec<Key<'_>>,
    n: usize,
    prefix: &str,
    count: u32,
) -> Vec<(String, Vec<u8>)> {
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
