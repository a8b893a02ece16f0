//! 内容概述: the one-line description a 信息公开目录 entry carries (条例第十二条 lists
//! 索引、名称、内容概述、生成日期) and pages use as their meta Description when the
//! officer wrote no 摘要.
//!
//! A 公文 opens with its 主送机关 (`各乡镇人民政府，县直各单位：`), which says who
//! receives the document, not what it is about; the first sentence after it is the
//! substance. Headings and signature lines carry no sentence of their own and are
//! passed over too.

/// Characters that end a sentence.
const SENTENCE_ENDS: [char; 5] = ['。', '！', '？', '!', '?'];

/// Closing marks that belong to the sentence they follow (`……。”`).
const CLOSERS: [char; 6] = ['”', '’', '」', '』', '）', ')'];

/// How a 主送机关 ends: the kinds of bodies documents are addressed to.
const ADDRESSEE_ENDINGS: [&str; 14] = [
    "单位",
    "政府",
    "部门",
    "机关",
    "机构",
    "委员会",
    "公司",
    "学校",
    "企业",
    "局",
    "厅",
    "委",
    "办",
    "处",
];

/// The default 内容概述 of a body: the first sentence of its first paragraph of
/// substance, at most `max` characters (with an ellipsis when cut). `first_paragraph` is
/// the body's first Markdown paragraph (headings are never paragraphs); when it holds only
/// the 主送机关, the first sentence found in the following blocks of `plain_text` (blocks
/// separated by `'\n'`) is taken instead. Empty when there is no sentence of substance:
/// a heading or a table header says nothing about the content.
pub fn default_summary(plain_text: &str, first_paragraph: &str, max: usize) -> String {
    let own = strip_addressee(first_paragraph.trim());
    let chosen = if own.is_empty() {
        plain_text
            .split('\n')
            .map(|b| strip_addressee(b.trim()))
            .find(|b| b.contains(SENTENCE_ENDS))
            .unwrap_or("")
    } else {
        own
    };
    truncate(first_sentence(chosen), max)
}

/// The block without a leading 主送机关 (`各乡镇人民政府，县直各单位：`), which may stand
/// alone or run into the first sentence when the officer wrote no blank line.
pub fn strip_addressee(block: &str) -> &str {
    let Some((i, colon)) = block.char_indices().find(|(_, c)| matches!(c, '：' | ':')) else {
        return block;
    };
    let head = block[..i].trim_end();
    let is_addressee = head.chars().count() <= 60
        && !head.contains(SENTENCE_ENDS)
        && !head.contains(['《', '“', '"'])
        && ADDRESSEE_ENDINGS.iter().any(|e| head.ends_with(e));
    if is_addressee {
        block[i + colon.len_utf8()..].trim_start()
    } else {
        block
    }
}

/// Up to and including the first sentence end (and any closing quote after it).
fn first_sentence(text: &str) -> &str {
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if SENTENCE_ENDS.contains(&c) {
            let mut end = i + c.len_utf8();
            while let Some(&(j, next)) = chars.peek() {
                if CLOSERS.contains(&next) {
                    end = j + next.len_utf8();
                    chars.next();
                } else {
                    break;
                }
            }
            return &text[..end];
        }
    }
    text
}

fn truncate(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skips_the_addressee_line_and_takes_the_first_sentence() {
        let body = "各乡镇人民政府，县直各单位：\n《示例县2024年政务公开工作要点》已经县人民政府同意，现印发给你们，请认真抓好落实。第二句不要。\n一、总则\n";
        assert_eq!(
            default_summary(body, "", 120),
            "《示例县2024年政务公开工作要点》已经县人民政府同意，现印发给你们，请认真抓好落实。"
        );
    }

    #[test]
    fn addressee_running_into_the_first_sentence_is_removed() {
        let body = "各乡镇人民政府，县直各单位：为规范停车管理，制定本办法。其余内容。";
        assert_eq!(
            default_summary(body, "", 120),
            "为规范停车管理，制定本办法。"
        );
        assert_eq!(
            default_summary("县直有关部门：请于5月底前报送。", "", 120),
            "请于5月底前报送。"
        );
    }

    #[test]
    fn a_colon_inside_a_sentence_is_not_an_addressee() {
        let body = "根据《条例》规定：公开是原则。后文。";
        assert_eq!(
            default_summary(body, "", 120),
            "根据《条例》规定：公开是原则。"
        );
        let quoted = "第九条修改为：“停车场应当公示收费标准。”其余。";
        assert_eq!(
            default_summary(quoted, "", 120),
            "第九条修改为：“停车场应当公示收费标准。”"
        );
    }

    #[test]
    fn headings_and_signature_lines_are_passed_over() {
        let body = "第一章　总则\n示例县人民政府办公室\n2024年3月8日\n第一条　为培育龙头企业，制定本办法。第二条。";
        assert_eq!(
            default_summary(body, "", 120),
            "第一条　为培育龙头企业，制定本办法。"
        );
    }

    #[test]
    fn text_without_a_sentence_end_falls_back_to_the_first_paragraph_or_nothing() {
        let body = "各单位：\n附件清单\n其他";
        assert_eq!(default_summary(body, "附件清单", 120), "附件清单");
        assert_eq!(default_summary(body, "", 120), "");
        assert_eq!(default_summary("", "", 120), "");
        let addressee = "各乡镇人民政府，县直各单位：";
        assert_eq!(default_summary(addressee, addressee, 120), "");
        // The first paragraph wins over a later sentence; a heading or a table header
        // alone is not a summary.
        let report = "一、总体情况\n（略）\n六、其他\n无。\n";
        assert_eq!(default_summary(report, "（略）", 120), "（略）");
        assert_eq!(default_summary("一、总体情况\n事项 依据\n", "", 120), "");
    }

    #[test]
    fn long_sentences_are_cut_with_an_ellipsis() {
        let long = format!("{}。", "长".repeat(200));
        let s = default_summary(&long, "", 120);
        assert_eq!(s.chars().count(), 121);
        assert!(s.ends_with('…'));
    }
}
