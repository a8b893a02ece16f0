//! Rules for 政务公开负面清单: what a withholding basis cites, whether it still uses the
//! 2007 numbering of the 《中华人民共和国政府信息公开条例》, and when a list is due for review.
//!
//! The 条例 was revised in 2019 and its articles renumbered. The grounds for withholding
//! are now 第十四条 (国家秘密, 法律行政法规禁止公开, 危及“三安全一稳定”), 第十五条 (商业秘密,
//! 个人隐私 and other third-party rights) and 第十六条 (内部事务, 过程性信息, 行政执法案卷).
//! Under the 2007 text “三安全一稳定” was 第八条 and 商业秘密/个人隐私 sat with 国家秘密 in
//! 第十四条, so lists copied from older templates still cite those. 2019's 第八条 is about
//! coordination of disclosure work, never a ground for withholding, so citing it is always
//! a sign of the old numbering; 2019's 第十四条 is correct for 国家秘密 and 三安全一稳定, and
//! only wrong when it is the sole article cited for 商业秘密 or 个人隐私.
//!
//! Everything here is a plain function over text and dates so it can be tested alone.

use crate::date::Date;

/// The articles of the 2019 条例 that are grounds for withholding information.
pub const WITHHOLDING_ARTICLES: [u32; 3] = [14, 15, 16];

/// One law cited in a basis, with the articles that follow its name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Citation {
    /// The law's name as written, without 《》.
    pub law: String,
    /// True when the law is the 《中华人民共和国政府信息公开条例》 (or its short forms).
    pub regulation: bool,
    /// Article numbers (第X条) written after the name and before the next law's name.
    pub articles: Vec<u32>,
}

/// What a basis cites, as far as the 条例's withholding grounds are concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BasisClass {
    /// Cites 第十四条, 第十五条 or 第十六条 of the 条例 (possibly other laws too).
    Regulation,
    /// Cites another named law (《…》) but no withholding article of the 条例.
    OtherLaw,
    /// Cites the 条例 only, without any of its withholding articles.
    RegulationWithoutGround,
    /// Names no law at all.
    Unnamed,
}

/// A citation that follows the 2007 numbering of the 条例.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outdated {
    /// The article the basis cites (2007 numbering).
    pub cited: u32,
    /// The article to cite instead (2019 numbering).
    pub should_cite: u32,
    /// The withholding ground involved, for the message.
    pub ground: &'static str,
}

/// True when a law's name (without 《》) is the 政府信息公开条例. `条例` alone counts: lists
/// abbreviate it that way after naming it once, and no other 条例 is cited bare.
pub fn is_regulation_name(name: &str) -> bool {
    let n: String = name.chars().filter(|c| !c.is_whitespace()).collect();
    let n = n.strip_prefix("中华人民共和国").unwrap_or(&n);
    n == "政府信息公开条例" || n == "条例"
}

/// The laws a basis cites, in order of appearance. Names in 《》 count, and so does the
/// 条例's name written without 《》, which officers sometimes do.
pub fn citations(basis: &str) -> Vec<Citation> {
    // (start, end) byte spans of each name, and the name.
    let mut names: Vec<(usize, usize, String)> = Vec::new();
    let mut rest_from = 0;
    while let Some(open) = basis[rest_from..].find('《').map(|i| i + rest_from) {
        let inner_from = open + '《'.len_utf8();
        let Some(close) = basis[inner_from..].find('》').map(|i| i + inner_from) else {
            break;
        };
        let name = basis[inner_from..close].trim().to_string();
        let end = close + '》'.len_utf8();
        if !name.is_empty() {
            names.push((open, end, name));
        }
        rest_from = end;
    }
    const BARE: &str = "政府信息公开条例";
    let mut from = 0;
    while let Some(at) = basis[from..].find(BARE).map(|i| i + from) {
        let end = at + BARE.len();
        if !names.iter().any(|(s, e, _)| *s <= at && at < *e) {
            // Take in a preceding 中华人民共和国 so the name reads as written.
            let prefix = "中华人民共和国";
            let start = if basis[..at].ends_with(prefix) {
                at - prefix.len()
            } else {
                at
            };
            names.push((start, end, basis[start..end].to_string()));
        }
        from = end;
    }
    names.sort_by_key(|(s, _, _)| *s);
    let mut out = Vec::with_capacity(names.len());
    for (i, (_, end, name)) in names.iter().enumerate() {
        let next = names.get(i + 1).map(|(s, _, _)| *s).unwrap_or(basis.len());
        let segment = basis.get(*end..next).unwrap_or("");
        out.push(Citation {
            regulation: is_regulation_name(name),
            law: name.clone(),
            articles: articles(segment),
        });
    }
    out
}

/// Classify a basis by what it cites.
pub fn classify(basis: &str) -> BasisClass {
    let cites = citations(basis);
    if cites
        .iter()
        .any(|c| c.regulation && c.articles.iter().any(|a| WITHHOLDING_ARTICLES.contains(a)))
    {
        BasisClass::Regulation
    } else if cites.iter().any(|c| !c.regulation) {
        BasisClass::OtherLaw
    } else if cites.iter().any(|c| c.regulation) {
        BasisClass::RegulationWithoutGround
    } else {
        BasisClass::Unnamed
    }
}

/// Words that mark an item as about third parties' lawful rights (2019 第十五条): 商业秘密
/// and 个人隐私, and the personal information lists actually name — an ID number, an
/// address, a telephone number are withheld under 第十五条, not 第十四条.
pub const THIRD_PARTY_TERMS: [&str; 16] = [
    "商业秘密",
    "隐私",
    "个人信息",
    "身份证",
    "住址",
    "联系方式",
    "联系电话",
    "电话号码",
    "手机号",
    "银行账",
    "出生日期",
    "病历",
    "健康状况",
    "婚姻状况",
    "生物识别",
    "第三方合法权益",
];

/// True when the item is about 商业秘密, 个人隐私 or other personal information — the
/// grounds that moved from 第十四条 to 第十五条 in 2019.
pub fn concerns_third_party(texts: &[&str]) -> bool {
    texts
        .iter()
        .any(|t| THIRD_PARTY_TERMS.iter().any(|term| t.contains(term)))
}

/// Citations of the 条例 in the 2007 numbering, given an item's 事项, 不予公开范围 and 依据.
/// 第八条 is always outdated; 第十四条 is outdated when the item concerns 商业秘密 or 个人隐私
/// and the basis does not also cite 第十五条.
pub fn outdated_numbering(matter: &str, scope: &str, basis: &str) -> Vec<Outdated> {
    let regulation_articles: Vec<u32> = citations(basis)
        .into_iter()
        .filter(|c| c.regulation)
        .flat_map(|c| c.articles)
        .collect();
    let mut out = Vec::new();
    if regulation_articles.contains(&8) {
        out.push(Outdated {
            cited: 8,
            should_cite: 14,
            ground: "危及国家安全、公共安全、经济安全和社会稳定的信息",
        });
    }
    if regulation_articles.contains(&14)
        && !regulation_articles.contains(&15)
        && concerns_third_party(&[matter, scope, basis])
    {
        out.push(Outdated {
            cited: 14,
            should_cite: 15,
            ground: "涉及商业秘密、个人隐私、个人信息等第三方合法权益的信息",
        });
    }
    out
}

/// Days since the list was last reviewed (or, never reviewed, published) when that is
/// more than `review_days` as of `as_of`; `None` when it is within the period or there is
/// no date to count from.
pub fn review_overdue(
    reviewed: Option<Date>,
    published: Option<Date>,
    review_days: u32,
    as_of: Date,
) -> Option<i64> {
    let last = reviewed.or(published)?;
    let days = (as_of - last).num_days();
    (days > i64::from(review_days)).then_some(days)
}

/// Article numbers in `text`: `第十四条`, `第14条`, `第十四、十五条`, and ranges such as
/// `第十四条至第十六条`. Paragraphs and items (款, 项) are not articles and are skipped.
pub fn articles(text: &str) -> Vec<u32> {
    let chars: Vec<char> = text.chars().collect();
    let mut out: Vec<u32> = Vec::new();
    let mut i = 0;
    // The last article closed by 条 and whether a range word (至, 到, -) followed it.
    let mut range_from: Option<u32> = None;
    while i < chars.len() {
        if chars[i] != '第' {
            if !matches!(chars[i], '至' | '到' | '-' | '—' | '～' | '~') {
                range_from = None;
            }
            i += 1;
            continue;
        }
        // 第 followed by numbers separated by 、 和 及 or ， and closed by 条.
        let mut j = i + 1;
        let mut numbers = Vec::new();
        loop {
            let start = j;
            while j < chars.len() && is_numeral(chars[j]) {
                j += 1;
            }
            if j == start {
                break;
            }
            let word: String = chars[start..j].iter().collect();
            match parse_number(&word) {
                Some(n) => numbers.push(n),
                None => break,
            }
            if j < chars.len() && matches!(chars[j], '、' | '，' | ',' | '和' | '及') {
                j += 1;
                continue;
            }
            break;
        }
        if !numbers.is_empty() && j < chars.len() && chars[j] == '条' {
            if let (Some(from), [to]) = (range_from, numbers.as_slice()) {
                if from < *to && to - from <= 100 {
                    out.extend(from + 1..*to);
                }
            }
            out.extend(numbers.iter().copied());
            range_from = numbers.last().copied();
            i = j + 1;
        } else {
            range_from = None;
            i += 1;
        }
    }
    let mut seen = Vec::with_capacity(out.len());
    for n in out {
        if !seen.contains(&n) {
            seen.push(n);
        }
    }
    seen
}

fn is_numeral(c: char) -> bool {
    c.is_ascii_digit() || ('０'..='９').contains(&c) || "零〇一二两三四五六七八九十百千".contains(c)
}

/// A number written in Chinese numerals (`十四`, `一百零一`) or digits (`14`, `１４`).
pub fn parse_number(word: &str) -> Option<u32> {
    if word.is_empty() {
        return None;
    }
    if word
        .chars()
        .all(|c| c.is_ascii_digit() || ('０'..='９').contains(&c))
    {
        let ascii: String = word
            .chars()
            .map(|c| match c {
                '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
                _ => c,
            })
            .collect();
        return ascii.parse().ok();
    }
    let mut total: u32 = 0;
    let mut digit: Option<u32> = None;
    for c in word.chars() {
        let d = match c {
            '零' | '〇' => Some(0),
            '一' => Some(1),
            '二' | '两' => Some(2),
            '三' => Some(3),
            '四' => Some(4),
            '五' => Some(5),
            '六' => Some(6),
            '七' => Some(7),
            '八' => Some(8),
            '九' => Some(9),
            _ => None,
        };
        if let Some(d) = d {
            digit = Some(d);
            continue;
        }
        let unit = match c {
            '十' => 10,
            '百' => 100,
            '千' => 1000,
            _ => return None,
        };
        // 十四: a unit without a digit before it means one of it.
        total = total.checked_add(digit.unwrap_or(1).checked_mul(unit)?)?;
        digit = None;
    }
    total.checked_add(digit.unwrap_or(0))
}

/// The Chinese numeral of an article number, for messages: 14 → `十四`.
pub fn chinese_number(n: u32) -> String {
    const DIGITS: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    // The units digit is silent when zero: 十, 二十.
    let units = |d: u32| match d {
        0 => "",
        d => DIGITS[d as usize],
    };
    match n {
        0..=9 => DIGITS[n as usize].to_string(),
        10..=19 => format!("十{}", units(n - 10)),
        20..=99 => format!("{}十{}", DIGITS[(n / 10) as usize], units(n % 10)),
        _ => n.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FULL: &str = "《中华人民共和国政府信息公开条例》";

    #[test]
    fn parses_chinese_and_arabic_numbers() {
        assert_eq!(parse_number("十四"), Some(14));
        assert_eq!(parse_number("八"), Some(8));
        assert_eq!(parse_number("二十"), Some(20));
        assert_eq!(parse_number("三十二"), Some(32));
        assert_eq!(parse_number("一百零一"), Some(101));
        assert_eq!(parse_number("15"), Some(15));
        assert_eq!(parse_number("１６"), Some(16));
        assert_eq!(parse_number("条"), None);
        assert_eq!(chinese_number(14), "十四");
        assert_eq!(chinese_number(10), "十");
        assert_eq!(chinese_number(32), "三十二");
    }

    #[test]
    fn finds_articles_lists_and_ranges() {
        assert_eq!(articles("第十四条"), vec![14]);
        assert_eq!(articles("第十四条、第十五条"), vec![14, 15]);
        assert_eq!(articles("第十四、十五条"), vec![14, 15]);
        assert_eq!(articles("第14条第一款"), vec![14]);
        assert_eq!(articles("第十四条至第十六条"), vec![14, 15, 16]);
        assert_eq!(articles("第一款第（三）项"), Vec::<u32>::new());
        assert_eq!(articles("第十四条和第三十二条"), vec![14, 32]);
    }

    #[test]
    fn citations_attach_articles_to_the_law_before_them() {
        let c = citations(
            "《中华人民共和国保守国家秘密法》第九条、《中华人民共和国政府信息公开条例》第十四条",
        );
        assert_eq!(c.len(), 2);
        assert!(!c[0].regulation);
        assert_eq!(c[0].articles, vec![9]);
        assert!(c[1].regulation);
        assert_eq!(c[1].articles, vec![14]);
        // The name without 《》 still counts.
        let c = citations("中华人民共和国政府信息公开条例第十六条");
        assert_eq!(c.len(), 1);
        assert!(c[0].regulation);
        assert_eq!(c[0].law, "中华人民共和国政府信息公开条例");
        assert_eq!(c[0].articles, vec![16]);
        // A decision that amends the 条例 is not the 条例.
        let c = citations("《国务院关于修改〈中华人民共和国政府信息公开条例〉的决定》");
        assert_eq!(c.len(), 1);
        assert!(!c[0].regulation);
    }

    #[test]
    fn classifies_each_kind_of_basis() {
        assert_eq!(classify(&format!("{FULL}第十四条")), BasisClass::Regulation);
        assert_eq!(classify(&format!("{FULL}第十五条")), BasisClass::Regulation);
        assert_eq!(
            classify("《政府信息公开条例》第十六条第二款"),
            BasisClass::Regulation
        );
        assert_eq!(classify("《条例》第16条"), BasisClass::Regulation);
        assert_eq!(
            classify("《中华人民共和国保守国家秘密法》第九条"),
            BasisClass::OtherLaw
        );
        assert_eq!(
            classify(&format!("《中华人民共和国未成年人保护法》第四条、{FULL}")),
            BasisClass::OtherLaw
        );
        assert_eq!(classify(FULL), BasisClass::RegulationWithoutGround);
        assert_eq!(
            classify(&format!("{FULL}第三十六条")),
            BasisClass::RegulationWithoutGround
        );
        assert_eq!(classify("有关保密规定"), BasisClass::Unnamed);
        assert_eq!(classify("第十四条"), BasisClass::Unnamed);
        assert_eq!(classify(""), BasisClass::Unnamed);
    }

    #[test]
    fn article_eight_is_always_2007_numbering() {
        let found = outdated_numbering("重大突发事件处置方案", "", &format!("{FULL}第八条"));
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].cited, found[0].should_cite), (8, 14));
        // 第八条 of another law is not the 条例's.
        assert!(outdated_numbering("", "", "《中华人民共和国保守国家秘密法》第八条").is_empty());
    }

    #[test]
    fn article_fourteen_is_outdated_only_for_trade_secrets_and_privacy() {
        let basis = format!("{FULL}第十四条");
        // Correct in 2019 numbering: 国家秘密 and 三安全一稳定 are 第十四条.
        assert!(outdated_numbering("涉及国家秘密的文件", "定密文件", &basis).is_empty());
        assert!(outdated_numbering("维稳工作方案", "危及社会稳定的信息", &basis).is_empty());
        // 商业秘密 and 个人隐私 moved to 第十五条.
        let found = outdated_numbering("企业申报材料", "涉及商业秘密的财务数据", &basis);
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].cited, found[0].should_cite), (14, 15));
        assert_eq!(
            outdated_numbering("低保对象的个人隐私", "", &basis).len(),
            1
        );
        // The topic may be named in the basis itself.
        assert_eq!(
            outdated_numbering("申请人信息", "", "《条例》第十四条（个人隐私）").len(),
            1
        );
        // Personal information beyond the word 隐私 is a third-party ground too.
        for matter in [
            "低保对象个人信息",
            "申请人身份证号码",
            "救助对象家庭住址",
            "企业联系人联系方式",
        ] {
            assert_eq!(outdated_numbering(matter, "", &basis).len(), 1, "{matter}");
        }
        assert!(outdated_numbering("校园安全保卫重点部位", "", &basis).is_empty());
        // Citing 第十五条 as well is right.
        assert!(
            outdated_numbering("企业信息", "商业秘密", &format!("{FULL}第十四条、第十五条"))
                .is_empty()
        );
        // 第十四条 of another law says nothing about the 条例.
        assert!(
            outdated_numbering("个人隐私", "", "《中华人民共和国个人信息保护法》第十四条")
                .is_empty()
        );
    }

    #[test]
    fn review_is_overdue_after_the_period() {
        let d = |s: &str| crate::date::parse_date(s);
        let as_of = d("2025-06-01").unwrap();
        assert_eq!(review_overdue(d("2024-06-01"), None, 365, as_of), None);
        assert_eq!(review_overdue(d("2024-05-31"), None, 365, as_of), Some(366));
        // Never reviewed: count from publication.
        assert_eq!(review_overdue(None, d("2023-01-01"), 365, as_of), Some(882));
        // A review overrides an old publication date.
        assert_eq!(
            review_overdue(d("2025-01-01"), d("2020-01-01"), 365, as_of),
            None
        );
        assert_eq!(review_overdue(None, None, 365, as_of), None);
    }
}
