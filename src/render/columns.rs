//! The first-level columns of the 政府信息公开专栏 with their statutory names
//! (政府信息公开指南, 政府信息公开制度, 法定主动公开内容, 政府信息公开年报, 依申请公开), and
//! the data each column shows beside the officer's prose.
//!
//! A column lives at a fixed address (`guide/`, `system/`, `statutory/`, `apply/`). When
//! `content/` has a page there, that page is rendered as usual and the column's data is
//! added to it (`column` in the template); when it has none, the column page is generated
//! from the data alone, so every site has every column. The 依申请公开 section also gets a
//! printable application form and the same form as a downloadable file.

use super::views::{base_context, catalog_path, catalog_url, LinkView};
use super::{OutputContent, OutputFile, PageRenderer};
use crate::config::Config;
use crate::date;
use crate::error::Result;
use crate::link::Site;
use crate::model::policy::Disclosure;
use crate::model::Kind;
use crate::rules::statutory::{self, is_under, Category};
use serde::Serialize;

/// One first-level column.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    /// Statutory name.
    pub name: &'static str,
    /// Site-relative directory.
    pub url: &'static str,
    /// One line for the home page and meta description.
    pub description: &'static str,
}

/// 政府信息公开指南 (条例第十二条).
pub const GUIDE: Column = Column {
    name: "政府信息公开指南",
    url: "guide/",
    description: "政府信息的分类、编排体系、获取方式，工作机构的名称、办公地址、办公时间、联系电话、传真号码、互联网联系方式",
};
/// 政府信息公开制度.
pub const SYSTEM: Column = Column {
    name: "政府信息公开制度",
    url: "system/",
    description: "本机关政府信息公开工作制度",
};
/// 法定主动公开内容 (条例第十九条至第二十一条).
pub const STATUTORY: Column = Column {
    name: "法定主动公开内容",
    url: "statutory/",
    description: "条例第二十条、第二十一条规定应当主动公开的政府信息",
};
/// 政府信息公开年报 (条例第四十九条、第五十条).
pub const REPORTS: Column = Column {
    name: "政府信息公开年报",
    url: "annual-reports/",
    description: "政府信息公开工作年度报告",
};
/// 依申请公开 (条例第二十七条至第四十五条).
pub const APPLY: Column = Column {
    name: "依申请公开",
    url: "apply/",
    description: "依申请公开的办理流程、申请表和在线申请渠道",
};

/// The 现行有效行政规范性文件目录 (`render::normative`), linked from the home page's
/// column list beside 政策文件.
pub const NORMATIVE_URL: Option<&str> = Some("normative/");

/// The columns a content page can fill with prose.
const PAGE_COLUMNS: [Column; 4] = [GUIDE, SYSTEM, STATUTORY, APPLY];

/// A statutory category as pages show it.
#[derive(Debug, Clone, Hash, Serialize)]
pub struct CategoryView {
    /// `第二十条第（十）项`.
    pub source: String,
    /// Node name.
    pub name: &'static str,
    /// The law's wording.
    pub wording: &'static str,
    /// Catalogue page.
    pub url: String,
    /// Documents filed under it (any depth).
    pub count: usize,
    /// Why it is empty, from `[catalog.not_applicable]`.
    pub not_applicable: Option<String>,
}

/// Every statutory category of the site, in the law's order, with its counts, from
/// every document's catalogue path ([`filed_paths`]).
fn category_views_of(site: &Site, filed: &[Option<String>]) -> Vec<CategoryView> {
    let level = site.config.site.level;
    // Thousands of documents share a handful of paths: count each path once.
    let mut documents: rustc_hash::FxHashMap<&str, usize> = Default::default();
    for p in filed.iter().flatten() {
        *documents.entry(p.as_str()).or_default() += 1;
    }
    statutory::categories(level)
        .into_iter()
        .map(|c| {
            let path = c.path();
            let count = documents
                .iter()
                .filter(|(p, _)| is_under(p, &path))
                .map(|(_, n)| n)
                .sum();
            category_view(&site.config, c, count)
        })
        .collect()
}

/// A category with `count` documents filed under it.
fn category_view(config: &Config, c: &Category, count: usize) -> CategoryView {
    let path = c.path();
    CategoryView {
        source: c.source(),
        name: c.name,
        wording: c.wording,
        url: catalog_url(&path),
        count,
        not_applicable: statutory::not_applicable_reason(&config.catalog.not_applicable, c)
            .map(str::to_string),
    }
}

/// The catalogue path of every document (see [`catalog_path`]), by document position,
/// worked out once for all the catalogue pages (resolving a path against the law's
/// categories is not free, and there is one page per node). Thousands of documents
/// share a handful of written `catalog` paths, and a written path is filed the same
/// whatever the document: each is resolved once.
pub fn filed_paths(site: &Site) -> Vec<Option<String>> {
    // `filed_path` for each document, each written path and kind resolved once.
    let mut resolved: rustc_hash::FxHashMap<&str, Option<String>> = Default::default();
    // Without a written path, a document is filed by its kind alone.
    let mut by_kind: Vec<(crate::model::Kind, Option<String>)> = Vec::new();
    site.docs
        .iter()
        .map(|d| match &d.catalog {
            Some(written) => resolved
                .entry(written.as_str())
                .or_insert_with(|| catalog_path(site, d))
                .clone(),
            None => match by_kind.iter().find(|(k, _)| *k == d.kind) {
                Some((_, p)) => p.clone(),
                None => {
                    let p = catalog_path(site, d);
                    by_kind.push((d.kind, p.clone()));
                    p
                }
            },
        })
        .collect()
}

/// The catalogue path of document `i` alone (what [`filed_paths`] gives at `i`).
pub fn filed_path(site: &Site, i: usize) -> Option<String> {
    catalog_path(site, &site.docs[i])
}

/// The category whose node is `path`, for the catalogue page of that node; `filed` is
/// every document's catalogue path ([`filed_paths`], without the unfiled).
pub fn category_at(config: &Config, path: &str, filed: &[String]) -> Option<CategoryView> {
    let c = statutory::categories(config.site.level)
        .into_iter()
        .find(|c| c.path() == path)?;
    let node = c.path();
    let count = filed.iter().filter(|p| is_under(p, &node)).count();
    Some(category_view(config, c, count))
}

/// The first-level columns, in the order the navigation and the home page show them,
/// as `(title, url)`; kinds with no documents still get their column.
pub fn navigation() -> Vec<(&'static str, &'static str)> {
    vec![
        ("首页", ""),
        (GUIDE.name, GUIDE.url),
        (SYSTEM.name, SYSTEM.url),
        (STATUTORY.name, STATUTORY.url),
        ("政策文件", "policies/"),
        ("政策解读", "interpretations/"),
        ("负面清单", "negative-lists/"),
        (REPORTS.name, REPORTS.url),
        (APPLY.name, APPLY.url),
        ("信息公开目录", "catalog/"),
        ("搜索", "search/"),
    ]
}

/// One step of the 依申请公开 procedure.
#[derive(Debug, Clone, Serialize)]
struct Step {
    title: &'static str,
    text: String,
}

/// 依申请公开的办理流程, from 条例第二十七条至第三十三条 and the office's details.
fn steps(site: &Site) -> Vec<Step> {
    let office = &site.config.office;
    let office_name = if office.name.is_empty() {
        "本机关政府信息公开工作机构".to_string()
    } else {
        office.name.clone()
    };
    let mut ways = Vec::new();
    if !site.config.apply.online_url.is_empty() {
        ways.push("通过在线申请平台提交".to_string());
    }
    ways.push(format!(
        "将申请表邮寄至{office_name}{}",
        if office.address.is_empty() {
            String::new()
        } else {
            format!("（{}）", office.address)
        }
    ));
    ways.push(format!("到{office_name}当面提交"));
    vec![
        Step {
            title: "填写申请",
            text: "填写政府信息公开申请表，写明申请人的姓名或者名称、身份证明、联系方式；申请公开的政府信息的名称、文号或者便于查询的其他特征性描述；获取信息的方式和途径（条例第二十九条）。采用书面形式确有困难的，可以口头提出，由受理机构代为填写。".into(),
        },
        Step {
            title: "提交申请",
            text: format!("{}。", ways.join("；")),
        },
        Step {
            title: "登记受理",
            text: "受理机构登记申请并出具回执。申请内容不明确的，自收到申请之日起7个工作日内一次性告知申请人补正（条例第三十条）。".into(),
        },
        Step {
            title: "办理答复",
            text: "能够当场答复的当场答复；不能当场答复的，自收到申请之日起20个工作日内予以答复；需要延长的，经负责人同意并告知申请人，延长期限最长不超过20个工作日（条例第三十三条）。征求第三方意见所需时间不计算在内。".into(),
        },
        Step {
            title: "提供信息",
            text: "按申请人要求的形式提供政府信息，或者书面说明不予公开、无法提供等情况及理由。依申请提供政府信息不收取费用；申请数量、频次明显超过合理范围的，可以按照国家有关规定收取信息处理费（条例第四十二条）。".into(),
        },
        Step {
            title: "救济途径",
            text: "申请人认为行政机关在政府信息公开工作中侵犯其合法权益的，可以向上一级行政机关或者政府信息公开工作主管部门投诉、举报，也可以依法申请行政复议或者提起行政诉讼（条例第五十一条）。".into(),
        },
    ]
}

/// One field of the application form.
#[derive(Debug, Clone, Serialize)]
struct FormField {
    group: &'static str,
    label: &'static str,
}

/// The fields of 政府信息公开申请表 (条例第二十九条第二款).
const FORM_FIELDS: [FormField; 12] = [
    FormField {
        group: "申请人信息",
        label: "姓名或者名称",
    },
    FormField {
        group: "申请人信息",
        label: "证件名称及号码",
    },
    FormField {
        group: "申请人信息",
        label: "法定代表人或者负责人（法人或其他组织填写）",
    },
    FormField {
        group: "申请人信息",
        label: "联系电话",
    },
    FormField {
        group: "申请人信息",
        label: "通信地址及邮政编码",
    },
    FormField {
        group: "申请人信息",
        label: "电子邮箱",
    },
    FormField {
        group: "所需信息",
        label: "政府信息的名称、文号或者便于查询的其他特征性描述",
    },
    FormField {
        group: "所需信息",
        label: "用途说明（选填）",
    },
    FormField {
        group: "获取方式",
        label: "提供政府信息的形式（纸质文本／电子文档／其他）",
    },
    FormField {
        group: "获取方式",
        label: "获取信息的方式（邮寄／电子邮件／当面领取／在线查看）",
    },
    FormField {
        group: "签署",
        label: "申请人签名或者盖章",
    },
    FormField {
        group: "签署",
        label: "申请日期",
    },
];

/// Published path of the downloadable form.
pub const FORM_FILE: &str = "apply/政府信息公开申请表.rtf";

/// The application form as RTF, which every office suite opens and edits: a titled
/// two-column table, one row per field. Non-ASCII text is written as `\uN?` escapes so
/// the file is plain ASCII whatever the reader's code page.
pub fn form_rtf(organ: &str) -> String {
    let mut out = String::from("{\\rtf1\\ansi\\deff0{\\fonttbl{\\f0\\fnil SimSun;}}\\f0\\fs24\n");
    out.push_str(&format!(
        "{{\\pard\\qc\\b\\fs32 {}\\par}}\n",
        rtf_text("政府信息公开申请表")
    ));
    if !organ.is_empty() {
        out.push_str(&format!(
            "{{\\pard\\qc {}\\par}}\n",
            rtf_text(&format!("受理机关：{organ}"))
        ));
    }
    for f in &FORM_FIELDS {
        out.push_str("\\trowd\\trgaph108\\clbrdrt\\brdrs\\clbrdrl\\brdrs\\clbrdrb\\brdrs\\clbrdrr\\brdrs\\cellx1800\\clbrdrt\\brdrs\\clbrdrl\\brdrs\\clbrdrb\\brdrs\\clbrdrr\\brdrs\\cellx5000\\clbrdrt\\brdrs\\clbrdrl\\brdrs\\clbrdrb\\brdrs\\clbrdrr\\brdrs\\cellx9600\n");
        out.push_str(&format!(
            "\\pard\\intbl {}\\cell {}\\cell \\cell\\row\n",
            rtf_text(f.group),
            rtf_text(f.label)
        ));
    }
    out.push_str(&format!(
        "\\pard\\par {}\\par\n}}\n",
        rtf_text("申请人应当对所提交材料的真实性负责。")
    ));
    out
}

fn rtf_text(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        match c {
            '\\' | '{' | '}' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_ascii() && !c.is_ascii_control() => out.push(c),
            c => {
                let mut buf = [0u16; 2];
                for unit in c.encode_utf16(&mut buf) {
                    out.push_str(&format!("\\u{}?", *unit as i16));
                }
            }
        }
    }
    out
}

/// Data the column pages show beside the officer's prose.
#[derive(Debug, Clone, Serialize)]
pub struct ColumnData {
    /// Which column: `guide`, `system`, `statutory`, `apply`.
    kind: &'static str,
    /// Statutory name.
    name: &'static str,
    /// 第二十条's categories.
    categories: Vec<CategoryView>,
    /// 第二十一条's categories for this level (none for other levels).
    local_categories: Vec<CategoryView>,
    /// The office.
    office: crate::config::OfficeConfig,
    /// Other 公开的方式和途径.
    channels: Vec<String>,
    /// Online platform.
    online_url: String,
    /// The procedure.
    steps: Vec<Step>,
    /// 制度 documents (system) or 依申请公开 documents (apply).
    documents: Vec<LinkView>,
    /// The other columns, for the guide's 公开的方式和途径.
    columns: Vec<LinkView>,
    /// The downloadable form.
    form_file: &'static str,
}

/// Whether the page at `url` is a column page that gets [`data_for`] (decided without
/// looking at the site, so other pages need not record that they read it).
pub fn has_data(url: &str) -> bool {
    PAGE_COLUMNS.iter().any(|c| c.url == url)
}

/// The column data for the page at `url`, when `url` is a column.
pub fn data_for(site: &Site, url: &str) -> Option<ColumnData> {
    let filed = std::cell::OnceCell::new();
    data_with(site, url, &|| {
        filed.get_or_init(|| filed_paths(site)).as_slice()
    })
}

/// [`data_for`], with every document's catalogue path ([`filed_paths`]) asked of `filed`
/// (only by the columns that read them).
fn data_with<'a>(
    site: &Site,
    url: &str,
    filed: &dyn Fn() -> &'a [Option<String>],
) -> Option<ColumnData> {
    let col = PAGE_COLUMNS.iter().find(|c| c.url == url)?;
    let kind = col.url.trim_end_matches('/');
    let (categories, local_categories): (Vec<CategoryView>, Vec<CategoryView>) =
        if kind == "statutory" || kind == "guide" {
            category_views_of(site, filed())
                .into_iter()
                .partition(|c| c.source.starts_with("第二十条"))
        } else {
            Default::default()
        };
    let documents = match kind {
        "system" => system_documents(site, filed()),
        "apply" => on_request_documents(site),
        _ => Vec::new(),
    };
    Some(ColumnData {
        kind: match kind {
            "guide" => "guide",
            "system" => "system",
            "statutory" => "statutory",
            _ => "apply",
        },
        name: col.name,
        categories,
        local_categories,
        office: site.config.office.clone(),
        channels: site.config.guide.channels.clone(),
        online_url: site.config.apply.online_url.clone(),
        steps: if kind == "guide" || kind == "apply" {
            steps(site)
        } else {
            Vec::new()
        },
        documents,
        columns: navigation()
            .into_iter()
            .filter(|(_, u)| !u.is_empty() && *u != "search/" && *u != col.url)
            .map(|(t, u)| link(t, u, None, None))
            .collect(),
        form_file: FORM_FILE,
    })
}

fn link(title: &str, url: &str, date: Option<String>, note: Option<String>) -> LinkView {
    LinkView {
        title: title.into(),
        url: url.into(),
        date,
        note,
    }
}

/// Documents filed under 政府信息公开制度 (other than the column page itself).
fn system_documents(site: &Site, filed: &[Option<String>]) -> Vec<LinkView> {
    let mut docs: Vec<&crate::model::Document> = site
        .docs
        .iter()
        .zip(filed)
        .filter(|(d, p)| {
            d.url != SYSTEM.url
                && p.as_ref()
                    .is_some_and(|p| is_under(p, statutory::ROOTS[1].0))
        })
        .map(|(d, _)| d)
        .collect();
    docs.sort_by(|a, b| {
        (a.weight, std::cmp::Reverse(a.published), &a.source).cmp(&(
            b.weight,
            std::cmp::Reverse(b.published),
            &b.source,
        ))
    });
    docs.into_iter()
        .map(|d| {
            link(
                &d.title,
                &d.url,
                d.published.map(date::iso),
                d.policy().and_then(|p| p.doc_no.clone()),
            )
        })
        .collect()
}

/// Policies disclosed only on request: listed by their metadata, never their text.
fn on_request_documents(site: &Site) -> Vec<LinkView> {
    let mut docs: Vec<&crate::model::Document> = site
        .docs
        .iter()
        .filter(|d| d.kind == Kind::Policy)
        .filter(|d| {
            d.policy()
                .is_some_and(|p| p.disclosure == Disclosure::OnRequest)
        })
        .collect();
    docs.sort_by(|a, b| (b.published, &a.source).cmp(&(a.published, &b.source)));
    docs.into_iter()
        .map(|d| {
            let p = d.policy();
            LinkView {
                title: d.title.clone(),
                url: d.url.clone(),
                date: d.published.map(date::iso),
                note: p.and_then(|p| {
                    let mut parts: Vec<String> = Vec::new();
                    if let Some(n) = &p.index_no {
                        parts.push(format!("索引号 {n}"));
                    }
                    if let Some(n) = &p.doc_no {
                        parts.push(n.clone());
                    }
                    if !p.issuer.is_empty() {
                        parts.push(p.issuer.clone());
                    }
                    (!parts.is_empty()).then(|| parts.join("　"))
                }),
            }
        })
        .collect()
}

fn column_meta(site: &Site, col: &Column) -> Vec<super::views::Meta> {
    super::views::column_meta(site, col.name, col.description, "信息公开")
}

fn home_crumb() -> Vec<LinkView> {
    vec![link("首页", "", None, None)]
}

/// The columns whose page is generated: those `content/` has no page for.
fn generated_columns(site: &Site) -> impl Iterator<Item = Column> + '_ {
    PAGE_COLUMNS
        .into_iter()
        .filter(|col| !site.docs.iter().any(|d| d.url == col.url))
}

/// Where the printable application form goes.
const FORM_URL: &str = "apply/form/";

/// The paths of the files [`render_columns`] produces, in the same order.
pub(super) fn column_paths(site: &Site) -> Vec<String> {
    let mut paths: Vec<String> = generated_columns(site)
        .map(|col| format!("{}index.html", col.url))
        .collect();
    paths.push(format!("{FORM_URL}index.html"));
    paths.push(FORM_FILE.into());
    paths
}

/// Generate the column pages `content/` does not provide, the printable form and the
/// downloadable form.
/// `filed`: [`filed_paths`].
pub(super) fn render_columns(
    site: &Site,
    theme: &dyn PageRenderer,
    filed: &[Option<String>],
) -> Result<Vec<OutputFile>> {
    let mut files = Vec::new();
    for col in generated_columns(site) {
        let Some(data) = data_with(site, col.url, &|| filed) else {
            continue;
        };
        let mut ctx = base_context(col.url, col.name, &home_crumb(), &column_meta(site, &col));
        ctx.insert("column", &data);
        ctx.insert("generated", &true);
        files.push(theme.page(format!("{}index.html", col.url), "column.html", &ctx)?);
    }
    let form_url = FORM_URL;
    let form_col = Column {
        name: "政府信息公开申请表",
        url: form_url,
        description: "政府信息公开申请表（可打印）",
    };
    let mut ctx = base_context(
        form_url,
        form_col.name,
        &[home_crumb(), vec![link(APPLY.name, APPLY.url, None, None)]].concat(),
        &column_meta(site, &form_col),
    );
    ctx.insert("fields", &FORM_FIELDS);
    ctx.insert("organ", &site.config.identity.organizer);
    ctx.insert("office", &site.config.office);
    ctx.insert("form_file", FORM_FILE);
    files.push(theme.page(format!("{form_url}index.html"), "apply_form.html", &ctx)?);
    files.push(OutputFile {
        path: FORM_FILE.into(),
        content: OutputContent::Bytes(form_rtf(&site.config.identity.organizer).into_bytes()),
    });
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_rtf_is_ascii_and_carries_every_field() {
        let rtf = form_rtf("示例县人民政府");
        assert!(rtf.is_ascii());
        assert!(rtf.starts_with("{\\rtf1"));
        assert_eq!(rtf.matches("\\row").count(), FORM_FIELDS.len());
        // 政 is U+653F = 25919; characters above U+7FFF are negative 16-bit values.
        assert!(rtf.contains("\\u25919?"));
        assert!(rtf_text("龙").contains(&format!("\\u{}?", 0x9F99u16 as i16)));
        assert_eq!(rtf.matches('{').count(), rtf.matches('}').count());
    }
}
