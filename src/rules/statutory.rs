//! The 专栏 as the law lays it out: the first-level columns of a 政府信息公开专栏 and the
//! categories of 法定主动公开内容 (《中华人民共和国政府信息公开条例》第二十条, and 第二十一条
//! for 设区的市级、县级 and 乡镇 governments).
//!
//! The categories are data, in the law's order and wording, so the catalogue skeleton,
//! the empty-category check and the column pages all read the same list. Matching a
//! document's `catalog` path to a category is also here, with aliases for the names
//! portals have long used (so existing values keep working) and the nearest names for a
//! value that matches nothing.

pub use crate::config::GovLevel;
use crate::model::{Document, Kind};
use serde::Serialize;

/// The catalogue root of the statutory categories.
pub const STATUTORY_ROOT: &str = "法定主动公开内容";

/// The catalogue roots of the first-level columns, with the older names that mean the
/// same column. A path starting with an alias is filed under the column.
pub const ROOTS: &[(&str, &[&str])] = &[
    ("政府信息公开指南", &["信息公开指南"]),
    ("政府信息公开制度", &["信息公开制度"]),
    (STATUTORY_ROOT, &[]),
    (
        "政府信息公开年报",
        &[
            "政府信息公开年度报告",
            "政府信息公开工作年度报告",
            "年度报告",
            "信息公开年报",
        ],
    ),
    ("依申请公开", &[]),
    ("政务公开负面清单", &["负面清单"]),
];

/// The article a category comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Article {
    /// 第二十条: every administrative body.
    Twenty,
    /// 第二十一条, first clause: 设区的市级、县级人民政府及其部门.
    TwentyOneCityCounty,
    /// 第二十一条, second clause: 乡（镇）人民政府.
    TwentyOneTownship,
}

/// One category of 法定主动公开内容.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Category {
    /// Where it comes from.
    pub article: Article,
    /// 1-based position within its article (第二十条's 项; the order in 第二十一条).
    pub item: usize,
    /// The catalogue node's name, the second segment of its path.
    pub name: &'static str,
    /// The law's words for what is disclosed.
    pub wording: &'static str,
    /// Names portals have used for the same category.
    #[serde(skip)]
    pub aliases: &'static [&'static str],
}

const fn c20(
    item: usize,
    name: &'static str,
    wording: &'static str,
    aliases: &'static [&'static str],
) -> Category {
    Category {
        article: Article::Twenty,
        item,
        name,
        wording,
        aliases,
    }
}

/// 条例第二十条, the fifteen items, in order.
pub const ARTICLE_20: [Category; 15] = [
    c20(
        1,
        "政策文件",
        "行政法规、规章和规范性文件",
        &["行政法规、规章和规范性文件", "法规文件"],
    ),
    c20(
        2,
        "机构职能",
        "机关职能、机构设置、办公地址、办公时间、联系方式、负责人姓名",
        &["机构信息", "机构设置"],
    ),
    c20(
        3,
        "规划信息",
        "国民经济和社会发展规划、专项规划、区域规划及相关政策",
        &["发展规划", "规划计划"],
    ),
    c20(4, "统计信息", "国民经济和社会发展统计信息", &["统计数据"]),
    c20(
        5,
        "行政许可和对外管理服务",
        "办理行政许可和其他对外管理服务事项的依据、条件、程序以及办理结果",
        &["行政许可"],
    ),
    c20(
        6,
        "行政处罚和行政强制",
        "实施行政处罚、行政强制的依据、条件、程序以及本行政机关认为具有一定社会影响的行政处罚决定",
        &["行政处罚", "行政强制", "行政处罚、行政强制"],
    ),
    c20(
        7,
        "财政预算决算",
        "财政预算、决算信息",
        &["财政信息", "财政预决算", "预算决算"],
    ),
    c20(
        8,
        "行政事业性收费",
        "行政事业性收费项目及其依据、标准",
        &["收费信息"],
    ),
    c20(
        9,
        "政府集中采购",
        "政府集中采购项目的目录、标准及实施情况",
        &["政府采购"],
    ),
    c20(
        10,
        "重大建设项目",
        "重大建设项目的批准和实施情况",
        &["重大项目"],
    ),
    c20(
        11,
        "扶贫、教育、医疗、社会保障、促进就业",
        "扶贫、教育、医疗、社会保障、促进就业等方面的政策、措施及其实施情况",
        &["民生保障", "社会保障"],
    ),
    c20(
        12,
        "突发公共事件",
        "突发公共事件的应急预案、预警信息及应对情况",
        &["应急管理", "突发事件", "应急预案"],
    ),
    c20(
        13,
        "监督检查",
        "环境保护、公共卫生、安全生产、食品药品、产品质量的监督检查情况",
        &[
            "环境保护、公共卫生、安全生产、食品药品、产品质量",
            "监督检查情况",
        ],
    ),
    c20(
        14,
        "公务员招考",
        "公务员招考的职位、名额、报考条件等事项以及录用结果",
        &["公务员招录", "人事信息"],
    ),
    c20(
        15,
        "其他法定主动公开信息",
        "法律、法规、规章和国家有关规定规定应当主动公开的其他政府信息",
        &["其他"],
    ),
];

const fn c21(article: Article, item: usize, name: &'static str) -> Category {
    Category {
        article,
        item,
        name,
        wording: name,
        aliases: &[],
    }
}

/// 条例第二十一条 for 设区的市级、县级人民政府及其部门, in the law's order.
pub const ARTICLE_21_CITY_COUNTY: [Category; 7] = [
    c21(Article::TwentyOneCityCounty, 1, "市政建设"),
    c21(Article::TwentyOneCityCounty, 2, "公共服务"),
    c21(Article::TwentyOneCityCounty, 3, "公益事业"),
    c21(Article::TwentyOneCityCounty, 4, "土地征收"),
    c21(Article::TwentyOneCityCounty, 5, "房屋征收"),
    c21(Article::TwentyOneCityCounty, 6, "治安管理"),
    c21(Article::TwentyOneCityCounty, 7, "社会救助"),
];

/// 条例第二十一条 for 乡（镇）人民政府, in the law's order.
pub const ARTICLE_21_TOWNSHIP: [Category; 8] = [
    c21(Article::TwentyOneTownship, 1, "贯彻落实农业农村政策"),
    c21(Article::TwentyOneTownship, 2, "农田水利工程建设运营"),
    c21(Article::TwentyOneTownship, 3, "农村土地承包经营权流转"),
    c21(Article::TwentyOneTownship, 4, "宅基地使用情况审核"),
    c21(Article::TwentyOneTownship, 5, "土地征收"),
    c21(Article::TwentyOneTownship, 6, "房屋征收"),
    c21(Article::TwentyOneTownship, 7, "筹资筹劳"),
    c21(Article::TwentyOneTownship, 8, "社会救助"),
];

const CHINESE_NUMBERS: [&str; 16] = [
    "零", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三",
    "十四", "十五",
];

impl Category {
    /// `法定主动公开内容/重大建设项目`.
    pub fn path(&self) -> String {
        format!("{STATUTORY_ROOT}/{}", self.name)
    }

    /// Where in the law: `第二十条第（十）项`, `第二十一条`.
    pub fn source(&self) -> String {
        match self.article {
            Article::Twenty => format!(
                "第二十条第（{}）项",
                CHINESE_NUMBERS.get(self.item).copied().unwrap_or("")
            ),
            Article::TwentyOneCityCounty | Article::TwentyOneTownship => "第二十一条".into(),
        }
    }

    /// The `[catalog.not_applicable]` keys that name this category: its name and the
    /// short form of its source (`第二十条第十项`, `二十条（十）` are all accepted).
    pub fn is_named_by(&self, key: &str) -> bool {
        let k = key.trim();
        if k == self.name || k == self.path() || self.aliases.contains(&k) {
            return true;
        }
        if self.article != Article::Twenty {
            return false;
        }
        let strip = |s: &str| -> String {
            s.chars()
                .filter(|c| !matches!(c, '第' | '项' | '（' | '）' | '(' | ')' | ' '))
                .collect()
        };
        let Some((article, item)) = k.split_once('条') else {
            return false;
        };
        let (article, item) = (strip(article), strip(item));
        let n = CHINESE_NUMBERS.get(self.item).copied().unwrap_or("");
        (article == "二十" || article == "20") && (item == n || item == self.item.to_string())
    }
}

/// The reason `[catalog.not_applicable]` gives for `category`, if any.
pub fn not_applicable_reason<'a>(
    not_applicable: &'a std::collections::BTreeMap<String, String>,
    category: &Category,
) -> Option<&'a str> {
    not_applicable
        .iter()
        .find(|(k, _)| category.is_named_by(k))
        .map(|(_, v)| v.as_str())
}

/// Sort key that puts the columns and the statutory categories in the law's order and
/// anything else after them by name.
pub fn order_key(path: &str, level: GovLevel) -> (usize, String) {
    if let Some(i) = ROOTS.iter().position(|(n, _)| *n == path) {
        return (i, String::new());
    }
    if let Some(i) = categories(level).iter().position(|c| c.path() == path) {
        return (i, String::new());
    }
    (usize::MAX, path.to_string())
}

/// The statutory categories a government of `level` must keep, in the law's order.
pub fn categories(level: GovLevel) -> Vec<&'static Category> {
    let mut out: Vec<&'static Category> = ARTICLE_20.iter().collect();
    match level {
        GovLevel::City | GovLevel::County => out.extend(ARTICLE_21_CITY_COUNTY.iter()),
        GovLevel::Township => out.extend(ARTICLE_21_TOWNSHIP.iter()),
        GovLevel::Unspecified | GovLevel::Province => {}
    }
    out
}

/// How a document's `catalog` path relates to the skeleton.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CatalogMatch {
    /// The path as filed: aliases replaced by the node's name.
    Known(String),
    /// Not a node; filed where written, and these are the nearest nodes.
    Unknown {
        /// The path as written.
        path: String,
        /// Up to three node paths closest to it.
        nearest: Vec<String>,
    },
}

impl CatalogMatch {
    /// The path the document is filed under either way.
    pub fn path(&self) -> &str {
        match self {
            CatalogMatch::Known(p) => p,
            CatalogMatch::Unknown { path, .. } => path,
        }
    }
}

/// Match a `/`-separated catalogue path against the skeleton of `level`.
///
/// A root other than the columns is a site's own column (portals add 重点领域信息公开 and
/// the like) and is accepted, unless it is so close to a column's name that it is most
/// likely a typo. Below 法定主动公开内容 the second segment must be a category; deeper
/// segments are the site's own subdivisions (规范性文件, 其他文件 …).
pub fn match_path(path: &str, level: GovLevel) -> CatalogMatch {
    let segs: Vec<&str> = path.split('/').collect();
    let Some(&first) = segs.first() else {
        return CatalogMatch::Known(path.to_string());
    };
    let root = ROOTS
        .iter()
        .find(|(name, aliases)| *name == first || aliases.contains(&first))
        .map(|(name, _)| *name);
    let Some(root) = root else {
        let names: Vec<String> = ROOTS.iter().map(|(n, _)| n.to_string()).collect();
        let near = nearest(first, &names, 3);
        let typo = near
            .first()
            .is_some_and(|n| distance(first, n) * 4 <= n.chars().count());
        return if typo {
            CatalogMatch::Unknown {
                path: path.to_string(),
                nearest: near,
            }
        } else {
            CatalogMatch::Known(path.to_string())
        };
    };
    let mut out: Vec<String> = vec![root.to_string()];
    if root == STATUTORY_ROOT {
        if let Some(&second) = segs.get(1) {
            let all = categories(level);
            match all
                .iter()
                .find(|c| c.name == second || c.aliases.contains(&second))
            {
                Some(c) => out.push(c.name.to_string()),
                None => {
                    let names: Vec<String> = all.iter().map(|c| c.path()).collect();
                    let written = segs[..2].join("/");
                    return CatalogMatch::Unknown {
                        path: path.to_string(),
                        nearest: nearest(&written, &names, 3),
                    };
                }
            }
            out.extend(segs[2..].iter().map(|s| s.to_string()));
            return CatalogMatch::Known(out.join("/"));
        }
    }
    out.extend(segs[1..].iter().map(|s| s.to_string()));
    CatalogMatch::Known(out.join("/"))
}

/// The catalogue path a document is filed under: its own `catalog` (aliases resolved),
/// or its kind's column.
pub fn filed_path(d: &Document, level: GovLevel) -> Option<String> {
    match &d.catalog {
        Some(c) => Some(match_path(c, level).path().to_string()),
        None => match d.kind {
            Kind::Policy => Some(format!("{STATUTORY_ROOT}/政策文件")),
            Kind::Interpretation => Some(format!("{STATUTORY_ROOT}/政策文件/政策解读")),
            Kind::NegativeList => Some("政务公开负面清单".into()),
            Kind::AnnualReport => Some("政府信息公开年报".into()),
            Kind::Page => None,
        },
    }
}

/// True when catalogue path `p` is `node` or below it.
pub fn is_under(p: &str, node: &str) -> bool {
    p == node
        || p.strip_prefix(node)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// The `n` candidates closest to `text`: fewest character edits, then most characters in
/// common, then the law's order.
pub fn nearest(text: &str, candidates: &[String], n: usize) -> Vec<String> {
    let mut scored: Vec<(usize, usize, usize, &String)> = candidates
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let shared = text.chars().filter(|ch| c.contains(*ch)).count();
            (distance(text, c), usize::MAX - shared, i, c)
        })
        .collect();
    scored.sort();
    scored
        .into_iter()
        .take(n)
        .map(|(.., c)| c.clone())
        .collect()
}

/// Levenshtein distance in characters.
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn article_20_has_fifteen_items_in_order_with_the_law_s_wording() {
        assert_eq!(ARTICLE_20.len(), 15);
        for (i, c) in ARTICLE_20.iter().enumerate() {
            assert_eq!(c.item, i + 1);
        }
        assert_eq!(ARTICLE_20[9].name, "重大建设项目");
        assert_eq!(ARTICLE_20[9].source(), "第二十条第（十）项");
        assert_eq!(ARTICLE_20[10].source(), "第二十条第（十一）项");
        assert_eq!(ARTICLE_20[0].wording, "行政法规、规章和规范性文件");
    }

    #[test]
    fn article_21_depends_on_the_level() {
        assert_eq!(categories(GovLevel::Unspecified).len(), 15);
        assert_eq!(categories(GovLevel::Province).len(), 15);
        let county = categories(GovLevel::County);
        assert_eq!(county.len(), 22);
        assert_eq!(county[15].name, "市政建设");
        assert_eq!(county[21].name, "社会救助");
        assert_eq!(categories(GovLevel::City).len(), 22);
        let town = categories(GovLevel::Township);
        assert_eq!(town.len(), 23);
        assert_eq!(town[15].name, "贯彻落实农业农村政策");
        assert_eq!(town[15].source(), "第二十一条");
    }

    #[test]
    fn levels_parse_in_english_and_chinese() {
        assert_eq!(GovLevel::parse("county"), Some(GovLevel::County));
        assert_eq!(GovLevel::parse("县级"), Some(GovLevel::County));
        assert_eq!(GovLevel::parse("乡镇"), Some(GovLevel::Township));
        assert_eq!(GovLevel::parse("设区的市级"), Some(GovLevel::City));
        assert_eq!(GovLevel::parse("Township"), Some(GovLevel::Township));
        assert_eq!(GovLevel::parse("村"), None);
    }

    #[test]
    fn existing_catalog_values_keep_working() {
        let m = match_path("法定主动公开内容/政策文件/规范性文件", GovLevel::County);
        assert_eq!(
            m,
            CatalogMatch::Known("法定主动公开内容/政策文件/规范性文件".into())
        );
        // Older column and category names file under the statutory node.
        let m = match_path("法定主动公开内容/应急管理/应急预案", GovLevel::County);
        assert_eq!(m.path(), "法定主动公开内容/突发公共事件/应急预案");
        let m = match_path("政府信息公开年度报告", GovLevel::County);
        assert_eq!(m.path(), "政府信息公开年报");
        // A site's own column is fine.
        let m = match_path("重点领域信息公开/教育", GovLevel::County);
        assert_eq!(m, CatalogMatch::Known("重点领域信息公开/教育".into()));
        // 第二十一条 nodes exist only when the level has them.
        assert!(matches!(
            match_path("法定主动公开内容/市政建设", GovLevel::County),
            CatalogMatch::Known(_)
        ));
        assert!(matches!(
            match_path("法定主动公开内容/市政建设", GovLevel::Unspecified),
            CatalogMatch::Unknown { .. }
        ));
    }

    #[test]
    fn unknown_category_lists_the_nearest_nodes() {
        let CatalogMatch::Unknown { nearest, .. } =
            match_path("法定主动公开内容/重大建设项", GovLevel::County)
        else {
            panic!("should be unknown")
        };
        assert_eq!(nearest[0], "法定主动公开内容/重大建设项目");
        // A near-miss of a column name is a typo, not a new column.
        let CatalogMatch::Unknown { nearest, .. } = match_path("政府信息公开制", GovLevel::County)
        else {
            panic!("should be unknown")
        };
        assert_eq!(nearest[0], "政府信息公开制度");
    }

    #[test]
    fn not_applicable_keys_name_a_category_several_ways() {
        let c = &ARTICLE_20[9];
        for k in [
            "重大建设项目",
            "第二十条第（十）项",
            "第二十条第十项",
            "二十条十",
            "法定主动公开内容/重大建设项目",
        ] {
            assert!(c.is_named_by(k), "{k}");
        }
        assert!(!c.is_named_by("第二十条第（一）项"));
        assert!(!ARTICLE_20[0].is_named_by("第二十条第（十）项"));
        assert!(!ARTICLE_20[0].is_named_by("二十条十"));
        assert!(!ARTICLE_20[0].is_named_by("第二十一条"));
    }
}
