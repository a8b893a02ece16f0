//! The tokenizer: one definition shared with the browser. Keep in lockstep with
//! `themes/default/static/js/search-tokenize.js`; both are checked against
//! `tests/browser/search-vectors.json`.

/// Folds the variants a visitor may type onto one form: full-width ASCII (`２０２４`, `ＡＢ`)
/// to ASCII, the ideographic space to a space, ASCII letters to lower case. Every character
/// maps to exactly one character of the same UTF-16 length, so offsets in normalised text
/// are offsets in the original (the browser relies on this to highlight).
#[inline]
pub fn normalize_char(c: char) -> char {
    crate::text::fold_width(c).to_ascii_lowercase()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Class {
    Cjk,
    Digit,
    Latin,
    Sep,
}

/// Class of an already normalised character. Explicit ranges rather than Unicode
/// properties, so Rust and JavaScript agree whatever their Unicode versions.
#[inline]
pub(super) fn class(c: char) -> Class {
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
pub(super) enum Tok<'a> {
    /// A CJK run of one character.
    Uni(char),
    /// Two adjacent characters of a CJK run.
    Bi(char, char),
    /// A whole run of digits or of letters.
    Run(&'a [char]),
}

/// Calls `emit` for every token of normalised `chars`, in order.
pub(super) fn scan<'a>(chars: &'a [char], mut emit: impl FnMut(Tok<'a>)) {
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

pub(super) fn normalized(text: &str) -> Vec<char> {
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

/// 32-bit FNV-1a over the UTF-8 bytes: picks a token's shard, identically in `search.js`.
#[cfg(test)]
pub(super) fn fnv1a(s: &str) -> u32 {
    fnv1a_bytes(s.as_bytes())
}

pub(super) fn fnv1a_bytes(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0x811C_9DC5u32, |h, &b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    })
}
