//! Characters an officer cannot see: control characters, zero-width and bidirectional
//! marks. They arrive by copy and paste from word processors and web pages, and do harm
//! out of sight: a NUL or U+FFFE makes feed.xml ill-formed XML, a zero-width space makes
//! two 索引号 that look identical differ, and alt text made only of them passes as
//! present. One place decides which characters are which, so loading, front-matter
//! fields, content checks and `gongkai new` agree.

/// Control characters that have no business in a document's text: C0 controls other than
/// tab, line feed and carriage return, DEL, C1 controls, and Unicode noncharacters
/// (U+FFFE, U+FFFF, U+FDD0–U+FDEF and the last two of every plane). XML forbids most of
/// them outright.
pub fn is_control(c: char) -> bool {
    let n = c as u32;
    (c < ' ' && !matches!(c, '\t' | '\n' | '\r'))
        || (0x7F..=0x9F).contains(&n)
        || (0xFDD0..=0xFDEF).contains(&n)
        || (n & 0xFFFE) == 0xFFFE
}

/// Characters that take no space on screen: zero-width spaces and joiners, the word
/// joiner, the byte-order mark, the soft hyphen and the bidirectional controls.
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{061C}'
            | '\u{115F}'
            | '\u{1160}'
            | '\u{17B4}'
            | '\u{17B5}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206F}'
            | '\u{3164}'
            | '\u{FEFF}'
            | '\u{FFA0}'
    )
}

/// Not allowed in one-line text such as a title given to `gongkai new`: any control
/// character (tab and line breaks included) or invisible character.
pub fn is_forbidden(c: char) -> bool {
    c.is_control() || is_control(c) || is_invisible(c)
}

/// True when `s` shows nothing: only whitespace and invisible characters.
pub fn is_blank(s: &str) -> bool {
    s.chars()
        .all(|c| c.is_whitespace() || is_invisible(c) || is_control(c))
}

/// `s` without control and invisible characters (tabs and line breaks kept), or `None`
/// when it had none.
pub fn strip_hidden(s: &str) -> Option<String> {
    if !s.chars().any(|c| is_control(c) || is_invisible(c)) {
        return None;
    }
    Some(
        s.chars()
            .filter(|&c| !is_control(c) && !is_invisible(c))
            .collect(),
    )
}

/// `s` without control characters (invisible ones kept: the Markdown body may need a
/// zero-width joiner), or `None` when it had none.
pub fn strip_controls(s: &str) -> Option<String> {
    if !may_hold_controls(s) || !s.chars().any(is_control) {
        return None;
    }
    Some(s.chars().filter(|&c| !is_control(c)).collect())
}

/// Whether `s` may hold a control character, from its UTF-8 bytes alone: a byte below
/// space (other than tab and line breaks), DEL, a lead byte of U+0080–U+00BF (C1
/// controls), U+FDxx or U+FFxx (noncharacters), or any four-byte character. Loading runs
/// this over every document; it is several times faster than decoding characters, and
/// Chinese prose rarely has any of these bytes, so the exact check seldom runs.
fn may_hold_controls(s: &str) -> bool {
    let b = s.as_bytes();
    // Folds without early exit, so the compiler can vectorise them.
    let single = b.iter().fold(false, |seen, &c| {
        seen | ((c < 0x20) & (c != b'\t') & (c != b'\n') & (c != b'\r'))
            | (c == 0x7F)
            | (c == 0xC2)
            | (c >= 0xF0)
    });
    let pair = b
        .iter()
        .zip(b.iter().skip(1))
        .fold(false, |seen, (&a, &c)| {
            seen | ((a == 0xEF) & ((c | 0x08) == 0xBF))
        });
    single | pair
}

/// A character for a message: its code point, since it cannot be shown.
pub fn describe(c: char) -> String {
    format!("U+{:04X}", c as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_and_noncharacters_are_controls_but_line_breaks_are_not() {
        for c in [
            '\0',
            '\u{1}',
            '\u{1B}',
            '\u{7F}',
            '\u{85}',
            '\u{FFFE}',
            '\u{FFFF}',
            '\u{FDD0}',
            '\u{1FFFF}',
        ] {
            assert!(is_control(c), "{}", describe(c));
        }
        for c in ['\t', '\n', '\r', 'a', '中', '\u{3000}', '\u{FFFD}'] {
            assert!(!is_control(c), "{}", describe(c));
        }
    }

    #[test]
    fn invisible_only_text_is_blank() {
        assert!(is_blank("\u{200B}\u{200D}\u{FEFF} \u{202E}"));
        assert!(!is_blank("图\u{200B}"));
        assert_eq!(
            strip_hidden("示政发\u{200B}〔2024〕\u{202E}1号").as_deref(),
            Some("示政发〔2024〕1号")
        );
        assert_eq!(strip_hidden("关于\n通知"), None);
        assert_eq!(
            strip_controls("a\0b\u{200B}").as_deref(),
            Some("ab\u{200B}")
        );
        assert!(is_forbidden('\n') && is_forbidden('\u{200B}') && !is_forbidden('中'));
    }

    /// The byte-level pre-check must never miss what the character check finds.
    #[test]
    fn the_byte_precheck_sees_every_control() {
        let mut c = 0u32;
        while c <= 0x10FFFF {
            if let Some(ch) = char::from_u32(c) {
                if is_control(ch) {
                    let s = format!("中{ch}文");
                    assert!(may_hold_controls(&s), "{}", describe(ch));
                    assert_eq!(strip_controls(&s).as_deref(), Some("中文"));
                }
            }
            c += 1;
        }
        assert!(!may_hold_controls("示政发〔2024〕1号，（一）\t\r\n"));
    }
}
