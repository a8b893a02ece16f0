//! 发文字号: officers write the year brackets every which way; we compare them normalised.
//!
//! The standard form (GB/T 9704—2012 §7.2.5) is `示政办发〔2024〕11号`: the year in
//! 六角括号, the serial number without leading zeros (不编虚位). Offices type `[2024]`,
//! `【2024】`, `(2024)`, `（2024）` or `﹝2024﹞` because those are on the keyboard, and
//! `09号` out of habit; references must find the document however it was typed.

/// The canonical form of a 发文字号 (or 索引号), the one comparison key for references
/// (link) and for exact-number search (the index's `#` keys, and `normalizeDocNo` in
/// `search-tokenize.js`, which must stay its mirror): full-width forms folded and ASCII
/// letters lower-cased, spaces removed, every bracket variant around the year (`[]`, `()`,
/// `【】`, `〔〕`, `﹝﹞`, `〖〗`, `〘〙`, and the full-width `［］`, `（）`) written `〔〕`, and
/// the serial number without leading zeros (`09号` and `9号` are the same document).
pub fn normalise(doc_no: &str) -> String {
    let mut out: String = doc_no
        .chars()
        .map(|c| crate::text::fold_width(c).to_ascii_lowercase())
        .filter(|&c| !c.is_whitespace() && c != '\u{FEFF}')
        .map(|c| match c {
            '[' | '(' | '【' | '〔' | '﹝' | '〖' | '〘' => '〔',
            ']' | ')' | '】' | '〕' | '﹞' | '〗' | '〙' => '〕',
            _ => c,
        })
        .collect();
    if let Some(close) = out.rfind('〕') {
        let start = close + '〕'.len_utf8();
        let zeros = out[start..].bytes().take_while(|b| *b == b'0').count();
        let digits_after = out[start + zeros..]
            .bytes()
            .take_while(u8::is_ascii_digit)
            .count();
        // Keep one zero when the number is zero itself.
        let drop = if digits_after == 0 {
            zeros.saturating_sub(1)
        } else {
            zeros
        };
        out.replace_range(start..start + drop, "");
    }
    out
}

/// How a 发文字号 departs from GB/T 9704—2012 §7.2.5.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Departure {
    /// The year is not in 六角括号 `〔〕`.
    Brackets,
    /// The serial number has leading zeros (虚位).
    LeadingZero,
}

/// The standard form of a 发文字号 written otherwise, and what was off; `None` when it is
/// already standard or is not shaped like a 发文字号 at all.
pub fn nonstandard(doc_no: &str) -> Option<(String, Vec<Departure>)> {
    if !looks_like_doc_no(doc_no) {
        return None;
    }
    let standard = normalise(doc_no);
    let written: String = doc_no.chars().filter(|c| !c.is_whitespace()).collect();
    let mut departures = Vec::new();
    if written
        .chars()
        .any(|c| "[]【】()（）﹝﹞〖〗［］".contains(c))
    {
        departures.push(Departure::Brackets);
    }
    let serial = written.rsplit_once(['〕', ']', '】', ')', '）', '﹞', '〗', '］']);
    if serial
        .is_some_and(|(_, tail)| tail.starts_with(['0', '０']) && tail.len() > 1 + '号'.len_utf8())
    {
        departures.push(Departure::LeadingZero);
    }
    (!departures.is_empty()).then_some((standard, departures))
}

/// True when the text has the shape of a 发文字号: an organ abbreviation, a bracketed
/// four-digit year and a number ending in 号.
pub fn looks_like_doc_no(text: &str) -> bool {
    let n = normalise(text);
    let Some((prefix, rest)) = n.split_once('〔') else {
        return false;
    };
    let Some((year, tail)) = rest.split_once('〕') else {
        return false;
    };
    !prefix.is_empty()
        && year.len() == 4
        && year.bytes().all(|b| b.is_ascii_digit())
        && tail.ends_with('号')
        && tail
            .trim_end_matches('号')
            .chars()
            .all(|c| c.is_ascii_digit())
        && tail.len() > '号'.len_utf8()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bracket_variants_normalise_to_hexagonal_brackets() {
        let want = "泰政办字〔2018〕51号";
        for written in [
            "泰政办字[2018]51号",
            "泰政办字【2018】51号",
            "泰政办字(2018)51号",
            "泰政办字（2018）51号",
            "泰政办字﹝2018﹞51号",
            "泰政办字〔２０１８〕５１号",
            "泰政办字 〔2018〕 51号",
            want,
        ] {
            assert_eq!(normalise(written), want, "{written}");
        }
    }

    #[test]
    fn serial_numbers_match_with_or_without_leading_zeros() {
        assert_eq!(normalise("示政办发[2024]09号"), "示政办发〔2024〕9号");
        assert_eq!(
            normalise("示政办发〔2024〕009号"),
            normalise("示政办发〔2024〕9号")
        );
        assert_eq!(normalise("示政办发〔2024〕10号"), "示政办发〔2024〕10号");
        assert_eq!(normalise("示政办发〔2024〕0号"), "示政办发〔2024〕0号");
        assert_ne!(
            normalise("示政办发〔2024〕90号"),
            normalise("示政办发〔2024〕9号")
        );
    }

    #[test]
    fn nonstandard_forms_are_named_with_the_standard_one() {
        assert_eq!(
            nonstandard("示政办发[2024]09号"),
            Some((
                "示政办发〔2024〕9号".to_string(),
                vec![Departure::Brackets, Departure::LeadingZero]
            ))
        );
        assert_eq!(
            nonstandard("示政办发（2024）11号"),
            Some((
                "示政办发〔2024〕11号".to_string(),
                vec![Departure::Brackets]
            ))
        );
        assert_eq!(
            nonstandard("示政办发〔2024〕05号"),
            Some((
                "示政办发〔2024〕5号".to_string(),
                vec![Departure::LeadingZero]
            ))
        );
        assert_eq!(nonstandard("示政办发〔2024〕11号"), None);
        assert_eq!(nonstandard("示政办发〔2024〕10号"), None);
        assert_eq!(nonstandard("4305210003/2024-00012"), None);
    }

    #[test]
    fn recognises_doc_number_shape() {
        assert!(looks_like_doc_no("示政办发〔2024〕11号"));
        assert!(looks_like_doc_no("示政办发[2024]11号"));
        assert!(!looks_like_doc_no("4305210003/2024-00012"));
        assert!(!looks_like_doc_no("〔2024〕11号"));
        assert!(!looks_like_doc_no("示政办发〔24〕11号"));
        assert!(!looks_like_doc_no("示政办发〔2024〕号"));
    }
}
