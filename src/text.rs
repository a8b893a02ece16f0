//! Small text helpers every stage needs, each defined once.
//!
//! Officers type full-width digits and brackets; pages, feeds and sitemaps need escaping;
//! generated front matter needs YAML quoting. Each of these used to be written out again
//! wherever it was needed, and the copies drifted (one folded `－`, another did not). This
//! module is below every stage: it imports nothing from the crate.

/// Fold a full-width form onto its ASCII character (`２` → `2`, `［` → `[`, `－` → `-`)
/// and the ideographic space onto a space. Every other character is returned unchanged.
/// The result has the same UTF-16 length as the input, so offsets in folded text are
/// offsets in the original (the search page relies on this to highlight).
pub fn fold_width(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    }
}

/// `text` with every full-width form folded by [`fold_width`].
pub fn fold_width_str(text: &str) -> String {
    text.chars().map(fold_width).collect()
}

/// The markup a text is escaped for. HTML and XML escape the same five characters and
/// differ only in how they spell the apostrophe (`&apos;` is not HTML 4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Markup {
    /// HTML content and attribute values: `'` as `&#39;`.
    Html,
    /// XML (sitemap, Atom feed): `'` as `&apos;`.
    Xml,
}

/// Append `s` to `out` with `& < > " '` escaped for `markup`.
pub fn escape_into(out: &mut String, s: &str, markup: Markup) {
    let apostrophe = match markup {
        Markup::Html => "&#39;",
        Markup::Xml => "&apos;",
    };
    let mut last = 0;
    for (i, b) in s.bytes().enumerate() {
        let rep = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => apostrophe,
            _ => continue,
        };
        out.push_str(&s[last..i]);
        out.push_str(rep);
        last = i + 1;
    }
    out.push_str(&s[last..]);
}

/// `s` escaped for HTML content and attribute values.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    escape_into(&mut out, s, Markup::Html);
    out
}

/// `s` escaped for XML.
pub fn escape_xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    escape_into(&mut out, s, Markup::Xml);
    out
}

/// `s` as a YAML double-quoted scalar that stays on one line: quotes and backslashes
/// escaped, line breaks and tabs written as spaces, other control characters dropped (a
/// generated file must parse whatever an officer typed into a title).
pub fn yaml_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `s` as a YAML scalar for a file an officer will edit by hand: plain when YAML reads
/// it back unchanged (so the file stays readable), otherwise [`yaml_quote`]d. Anything
/// with YAML punctuation, a leading indicator or a control character is quoted.
pub fn yaml_scalar(s: &str) -> String {
    const SPECIAL: [char; 18] = [
        ':', '：', '#', '"', '\'', '[', ']', '{', '}', ',', '&', '*', '!', '|', '>', '%', '@', '`',
    ];
    let plain_is_safe =
        !s.contains(SPECIAL) && !s.starts_with(['-', '?']) && !s.chars().any(char::is_control);
    if plain_is_safe {
        s.to_string()
    } else {
        yaml_quote(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_forms_fold_to_ascii_and_nothing_else_moves() {
        assert_eq!(
            fold_width_str("２０２４［１］－＋．，Ａｚ　"),
            "2024[1]-+.,Az "
        );
        assert_eq!(
            fold_width_str("示政办发〔2024〕11号"),
            "示政办发〔2024〕11号"
        );
        for c in ['０', 'Ｚ', '～', '！', '　'] {
            assert_eq!(c.len_utf16(), fold_width(c).len_utf16(), "{c}");
        }
    }

    #[test]
    fn html_and_xml_escaping_differ_only_in_the_apostrophe() {
        let s = "a&b<c>d\"e'f 中";
        assert_eq!(escape_html(s), "a&amp;b&lt;c&gt;d&quot;e&#39;f 中");
        assert_eq!(escape_xml(s), "a&amp;b&lt;c&gt;d&quot;e&apos;f 中");
    }

    #[test]
    fn yaml_scalar_stays_plain_only_when_yaml_reads_it_back_unchanged() {
        for s in [
            "关于印发示例县2024年工作要点的通知",
            "示例县人民政府办公室",
            "a-b c",
        ] {
            assert_eq!(yaml_scalar(s), s);
        }
        for s in [
            "通知：第一批",
            "a: b",
            "#1号",
            "\"引号\"与\\反斜杠",
            "[草案]",
            "- 列表",
            "?问",
            "A&B",
            "行\n断",
        ] {
            let q = yaml_scalar(s);
            assert_eq!(q, yaml_quote(s), "{s:?}");
            let back: String = serde_yaml::from_str(&format!("k: {q}"))
                .map(|m: std::collections::BTreeMap<String, String>| m["k"].clone())
                .expect(&q);
            assert_eq!(back, s.replace('\n', " "), "{s:?}");
        }
    }

    #[test]
    fn yaml_quote_round_trips_through_the_yaml_parser() {
        for s in [
            "示例县\"测试\": 局",
            "a\\b",
            "line\nbreak\t#x",
            "- 列表？",
            "\u{7}bell",
        ] {
            let q = yaml_quote(s);
            let back: String = serde_yaml::from_str(&q).expect(&q);
            let want: String = s
                .chars()
                .filter(|c| !c.is_control() || matches!(c, '\n' | '\r' | '\t'))
                .map(|c| {
                    if matches!(c, '\n' | '\r' | '\t') {
                        ' '
                    } else {
                        c
                    }
                })
                .collect();
            assert_eq!(back, want, "{s:?}");
        }
    }
}
