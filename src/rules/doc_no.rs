//! 发文字号: officers write the year brackets every which way; we compare them normalised.
//!
//! The standard form (GB/T 9704) is `示政办发〔2024〕11号` with 六角括号. Offices type
//! `[2024]`, `【2024】`, `(2024)`, `（2024）` or `﹝2024﹞` because those are on the keyboard.

/// The canonical form of a 发文字号: every bracket around the year becomes `〔〕`,
/// full-width digits become ASCII, spaces vanish.
pub fn normalise(doc_no: &str) -> String {
    doc_no
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '[' | '【' | '(' | '（' | '﹝' | '〖' | '［' => '〔',
            ']' | '】' | ')' | '）' | '﹞' | '〗' | '］' => '〕',
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            _ => c,
        })
        .collect()
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
    fn recognises_doc_number_shape() {
        assert!(looks_like_doc_no("示政办发〔2024〕11号"));
        assert!(looks_like_doc_no("示政办发[2024]11号"));
        assert!(!looks_like_doc_no("4305210003/2024-00012"));
        assert!(!looks_like_doc_no("〔2024〕11号"));
        assert!(!looks_like_doc_no("示政办发〔24〕11号"));
        assert!(!looks_like_doc_no("示政办发〔2024〕号"));
    }
}
