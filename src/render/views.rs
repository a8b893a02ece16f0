//! Views: what templates see. Plain serialisable structs built from the linked site,
//! so templates never compute anything and every page type gets the same shapes.

use super::reads::Tracked;
use super::{annual_report, asset_url, pub_date, root_prefix, Theme};
use crate::date;
use crate::error::Result;
use crate::link::Site;
use crate::model::{slug, Document, Kind, KindData};
use serde::Serialize;

/// A link with optional details, the unit of every list on the site.
#[derive(Debug, Clone, Hash, Serialize)]
pub struct LinkView {
    /// Text.
    pub title: String,
    /// Site-relative directory (append `index.html`) or file path.
    pub url: String,
    /// A date, `YYYY-MM-DD`.
    pub date: Option<String>,
    /// Secondary text (发文字号, 解读形式 …).
    pub note: Option<String>,
}

/// 效力状态 for templates.
#[derive(Debug, Clone, Hash, Serialize)]
pub struct ValidityView {
    /// 现行有效 …
    pub label: &'static str,
    /// `in-force` …, for CSS classes and listing URLs.
    pub slug: &'static str,
    /// Whether the document still applies (no banner).
    pub applies: bool,
    /// 生效日期 used.
    pub effective: Option<String>,
    /// 有效期至 (explicit or derived).
    pub expires: Option<String>,
}

/// A repeal or amendment for display.
#[derive(Debug, Clone, Serialize)]
pub struct RelationView {
    /// When.
    pub date: Option<String>,
    /// The acting document as written (文号).
    pub label: String,
    /// Its page, when it is on this site.
    pub url: Option<String>,
    /// Its title, when it is on this site.
    pub title: Option<String>,
    /// The relation takes effect after the build date (announced, not yet in force).
    pub pending: bool,
}

/// A policy referred to by an interpretation.
#[derive(Debug, Clone, Serialize)]
pub struct PolicyRefView {
    /// Title.
    pub title: String,
    /// Page.
    pub url: String,
    /// 发文字号.
    pub doc_no: Option<String>,
    /// 索引号.
    pub index_no: Option<String>,
    /// 效力状态.
    pub validity: Option<ValidityView>,
}

/// One document, ready for templates and listings.
#[derive(Debug, Clone, Serialize)]
pub struct DocView {
    /// 标题.
    pub title: String,
    /// `policy`, `interpretation` …
    pub kind: &'static str,
    /// 政策文件 …
    pub kind_label: &'static str,
    /// Site-relative directory.
    pub url: String,
    /// Source file, for the officer.
    pub source: String,
    /// 发布日期 `YYYY-MM-DD`.
    pub published: Option<String>,
    /// 发布日期 `2024年4月28日`.
    pub published_cn: Option<String>,
    /// Year used in listings.
    pub year: Option<i32>,
    /// 公开责任部门.
    pub department: Option<String>,
    /// 公开目录 path.
    pub catalog: Option<String>,
    /// The catalogue page of that path.
    pub catalog_url: Option<String>,
    /// 主题分类 with their listing pages.
    pub topics: Vec<LinkView>,
    /// 关键词.
    pub keywords: Vec<String>,
    /// 内容概述: 摘要, or the first sentence of substance (see `rules::summary`); for a
    /// 依申请公开 document, only the notice that it is available on request.
    pub summary: String,
    /// 依申请公开: the page shows metadata and how to apply, never the text.
    pub on_request: bool,
    /// 生成日期 of the 信息公开目录 (条例第十二条): 成文日期 for policies, otherwise
    /// 发布日期; `YYYY-MM-DD`.
    pub generated: Option<String>,
    /// The body as HTML (annual reports: with the statutory tables inserted).
    pub body_html: String,
    /// Policies: 索引号.
    pub index_no: Option<String>,
    /// Policies: 发文字号.
    pub doc_no: Option<String>,
    /// Policies: 成文日期 `2024年4月28日`.
    pub issued_cn: Option<String>,
    /// Policies: 效力状态.
    pub validity: Option<ValidityView>,
    /// Policies: 相关解读.
    pub interpretations: Vec<LinkView>,
    /// Interpretations: 政策原文.
    pub policies: Vec<PolicyRefView>,
    /// Policies: who repealed it.
    pub repealed_by: Option<RelationView>,
    /// Policies: who amended it.
    pub amended_by: Vec<RelationView>,
    /// Policies: at least one amendment has taken effect, so the amended provisions
    /// prevail over the text shown.
    pub amended_in_force: bool,
    /// Documents this one repealed or amended.
    pub acts_on: Vec<LinkView>,
    /// Attachments with their published paths.
    pub attachments: Vec<LinkView>,
    /// Annual reports: the chart across years.
    pub chart_html: Option<String>,
}

/// A document in a list: what listings and the home page show, nothing more.
#[derive(Debug, Clone, Hash, Serialize)]
pub struct ItemView {
    /// 标题.
    pub title: String,
    /// Site-relative directory.
    pub url: String,
    /// `policy` …
    pub kind: &'static str,
    /// 政策文件 …
    pub kind_label: &'static str,
    /// 发布日期 `YYYY-MM-DD`.
    pub published: Option<String>,
    /// 发文字号.
    pub doc_no: Option<String>,
    /// 索引号.
    pub index_no: Option<String>,
    /// 效力状态.
    pub validity: Option<ValidityView>,
    /// 内容概述.
    pub summary: String,
    /// 生成日期 `YYYY-MM-DD`.
    pub generated: Option<String>,
    /// 依申请公开.
    pub on_request: bool,
}

impl From<&DocView> for ItemView {
    fn from(v: &DocView) -> Self {
        ItemView {
            title: v.title.clone(),
            url: v.url.clone(),
            kind: v.kind,
            kind_label: v.kind_label,
            published: v.published.clone(),
            doc_no: v.doc_no.clone(),
            index_no: v.index_no.clone(),
            validity: v.validity.clone(),
            summary: v.summary.clone(),
            generated: v.generated.clone(),
            on_request: v.on_request,
        }
    }
}

/// The 内容概述 of a 依申请公开 document: metadata only, never its text.
pub const ON_REQUEST_SUMMARY: &str = "本文件依申请公开，全文不在网站发布，可依法申请获取。";

/// Whether a document's text may appear on the site (everything but 依申请公开 policies).
pub fn publishes_full_text(d: &Document) -> bool {
    d.policy()
        .is_none_or(|p| p.disclosure.publishes_full_text())
}

/// The values every page shares, put into each context.
#[derive(Debug, Clone, Serialize)]
pub struct Globals {
    site: SiteView,
    nav: Vec<LinkView>,
    /// The 现行有效行政规范性文件目录, linked beside 政策文件 once the site builds it.
    normative_url: Option<&'static str>,
    as_of: String,
}

#[derive(Debug, Clone, Serialize)]
struct SiteView {
    title: String,
    description: String,
    base_url: String,
    identity: crate::config::Identity,
}

/// A `<meta name content>` pair.
#[derive(Debug, Clone, Serialize)]
pub struct Meta {
    name: &'static str,
    content: String,
}

/// Build a meta list, skipping empty values.
pub fn meta(pairs: &[(&'static str, Option<String>)]) -> Vec<Meta> {
    pairs
        .iter()
        .filter_map(|(name, content)| {
            content
                .as_ref()
                .filter(|c| !c.trim().is_empty())
                .map(|c| Meta {
                    name,
                    content: c.clone(),
                })
        })
        .collect()
}

/// A column page's meta tags: the site's, then the column's name, description, keywords
/// and type, as every listing, column and whole-site page carries them.
pub fn column_meta(site: &Site, name: &str, description: &str, column_type: &str) -> Vec<Meta> {
    let mut m = site_meta(site);
    m.extend(meta(&[
        ("ColumnName", Some(name.to_string())),
        ("ColumnDescription", Some(description.to_string())),
        (
            "ColumnKeywords",
            Some(format!("{name},{}", site.config.title)),
        ),
        ("ColumnType", Some(column_type.to_string())),
    ]));
    m
}

/// Site-level meta tags that every page carries.
pub fn site_meta(site: &Site) -> Vec<Meta> {
    config_meta(&site.config)
}

/// [`site_meta`], from the configuration alone.
pub fn config_meta(config: &crate::config::Config) -> Vec<Meta> {
    let domain = config
        .base_url
        .split("://")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .map(str::to_string);
    meta(&[
        ("SiteName", Some(config.title.clone())),
        ("SiteDomain", domain),
        ("SiteIDCode", Some(config.identity.site_code.clone())),
    ])
}

/// The shared values.
pub fn globals(site: &Site) -> Globals {
    let nav = super::columns::navigation()
        .into_iter()
        .map(|(title, url)| link(title, url, None))
        .collect();
    Globals {
        site: SiteView {
            title: site.config.title.clone(),
            description: site.config.description.clone(),
            base_url: site.config.base_url.clone(),
            identity: site.config.identity.clone(),
        },
        nav,
        normative_url: super::columns::NORMATIVE_URL,
        as_of: date::chinese(site.as_of),
    }
}

/// Shorter labels for navigation.
pub fn short_label(kind: Kind) -> &'static str {
    kind.short_label()
}

fn link(title: &str, url: &str, date: Option<String>) -> LinkView {
    LinkView {
        title: title.to_string(),
        url: url.to_string(),
        date,
        note: None,
    }
}

fn validity_view(validity: Option<crate::link::Validity>) -> Option<ValidityView> {
    validity.map(|v| ValidityView {
        label: v.status.label(),
        slug: v.status.slug(),
        applies: v.status.applies(),
        effective: v.effective.map(date::iso),
        expires: v.expires.map(date::iso),
    })
}

/// The catalogue page of a catalogue path.
pub fn catalog_url(path: &str) -> String {
    let segments: Vec<String> = path.split('/').map(slug).collect();
    format!("catalog/{}/", segments.join("/"))
}

/// The catalogue path a document is filed under (its own, or its kind's column).
pub fn catalog_path(site: &Site, d: &Document) -> Option<String> {
    crate::rules::statutory::filed_path(d, site.config.site.level)
}

/// Build the view of document `i`.
pub(crate) fn doc_view(
    site: &Tracked<'_>,
    i: usize,
    d: &Document,
    body_html: String,
    plain_text: &str,
    first_paragraph: &str,
) -> DocView {
    let policy = d.policy();
    let on_request = !publishes_full_text(d);
    let relation = |r: &crate::model::policy::Relation, target: Option<usize>| RelationView {
        date: r.date.map(date::iso),
        label: r.by.clone().unwrap_or_default(),
        url: target.map(|j| site.doc(j).url.clone()),
        title: target.map(|j| site.doc(j).title.clone()),
        pending: r.date.is_some_and(|x| x > site.as_of()),
    };
    let mut body_html = body_html;
    let mut chart_html = None;
    if let KindData::AnnualReport(r) = &d.data {
        body_html = annual_report::insert_tables(&body_html, &annual_report::tables_html(r));
        let series: Vec<(i32, &crate::model::AnnualReport)> = site
            .links(i)
            .report_series
            .iter()
            .filter_map(|&j| site.doc(j).annual_report().map(|r| (r.year, r)))
            .collect();
        if !series.is_empty() {
            chart_html = Some(annual_report::chart_html(&series));
        }
    }
    let catalog = crate::rules::statutory::filed_path(d, site.config().site.level);
    let links = site.links(i);
    DocView {
        title: d.title.clone(),
        kind: d.kind.name(),
        kind_label: d.kind.label(),
        url: d.url.clone(),
        source: d.source.display().to_string(),
        published: d.published.map(date::iso),
        published_cn: d.published.map(date::chinese),
        year: d.year(),
        department: d.department.clone(),
        catalog_url: catalog.as_deref().map(catalog_url),
        catalog,
        topics: d
            .topics
            .iter()
            .map(|t| link(t, &format!("policies/topic/{}/", slug(t)), None))
            .collect(),
        keywords: d.keywords.clone(),
        summary: if on_request {
            ON_REQUEST_SUMMARY.to_string()
        } else {
            d.summary.clone().unwrap_or_else(|| {
                crate::rules::summary::default_summary(plain_text, first_paragraph, 120)
            })
        },
        on_request,
        generated: policy.and_then(|p| p.issued).or(d.published).map(date::iso),
        body_html,
        index_no: policy.and_then(|p| p.index_no.clone()),
        doc_no: policy.and_then(|p| p.doc_no.clone()),
        issued_cn: policy.and_then(|p| p.issued).map(date::chinese),
        validity: validity_view(links.validity),
        interpretations: links
            .interpretations_of
            .iter()
            .map(|&j| {
                let interp = site.doc(j);
                LinkView {
                    title: interp.title.clone(),
                    url: interp.url.clone(),
                    date: interp.published.map(date::iso),
                    note: interp.interpretation().map(|x| x.form.clone()),
                }
            })
            .collect(),
        policies: links
            .policies_of
            .iter()
            .map(|&j| {
                let p = site.doc(j);
                PolicyRefView {
                    title: p.title.clone(),
                    url: p.url.clone(),
                    doc_no: p.policy().and_then(|x| x.doc_no.clone()),
                    index_no: p.policy().and_then(|x| x.index_no.clone()),
                    validity: validity_view(site.links(j).validity),
                }
            })
            .collect(),
        repealed_by: policy
            .and_then(|p| p.repealed.as_ref())
            .map(|r| relation(r, links.repealed_by)),
        amended_by: policy
            .map(|p| {
                p.amended
                    .iter()
                    .zip(links.amended_by)
                    .map(|(r, &target)| relation(r, target))
                    .collect()
            })
            .unwrap_or_default(),
        amended_in_force: policy.is_some_and(|p| {
            p.amended
                .iter()
                .any(|r| r.date.is_some_and(|x| x <= site.as_of()))
        }),
        acts_on: links
            .acts_on
            .iter()
            .map(|&j| {
                let o = site.doc(j);
                LinkView {
                    title: o.title.clone(),
                    url: o.url.clone(),
                    date: None,
                    note: o.policy().and_then(|p| p.doc_no.clone()),
                }
            })
            .collect(),
        attachments: policy
            .filter(|_| !on_request)
            .map(|p| {
                p.attachments
                    .iter()
                    .zip(links.attachments)
                    .filter_map(|(a, resolved)| {
                        let path = resolved.as_ref().ok()?;
                        Some(LinkView {
                            title: a.title.clone(),
                            url: asset_url(path),
                            date: None,
                            note: extension(&a.file),
                        })
                    })
                    .collect()
            })
            .unwrap_or_default(),
        chart_html,
    }
}

fn extension(file: &str) -> Option<String> {
    file.rsplit_once('.').map(|(_, e)| e.to_ascii_uppercase())
}

/// Breadcrumbs: 首页 › the kind's listing (or nothing for pages).
fn breadcrumbs(d: &Document) -> Vec<LinkView> {
    let mut crumbs = vec![link("首页", "", None)];
    if d.kind != Kind::Page {
        crumbs.push(link(
            short_label(d.kind),
            &format!("{}/", d.kind.folder()),
            None,
        ));
    }
    crumbs
}

/// What every template sees as `page`.
#[derive(Serialize)]
struct PageView<'a> {
    title: &'a str,
    url: &'a str,
    /// The first segment of `url` (`policies`), for marking the current navigation item.
    section: &'a str,
    breadcrumbs: &'a [LinkView],
}

/// A page context with the shared values.
pub fn base_context(url: &str, title: &str, crumbs: &[LinkView], meta: &[Meta]) -> tera::Context {
    let mut ctx = tera::Context::new();
    ctx.insert("root", &root_prefix(url));
    ctx.insert(
        "page",
        &PageView {
            title,
            url,
            section: url.split('/').next().unwrap_or(""),
            breadcrumbs: crumbs,
        },
    );
    ctx.insert("meta", meta);
    ctx
}

/// Render document `i`'s page. A document template sees `doc` (the view plus the kind's
/// own data as `doc.data`) and `data` (the same kind data).
pub(crate) fn render_document(
    site: &Tracked<'_>,
    theme: &Theme,
    i: usize,
    d: &Document,
    view: &DocView,
) -> Result<Vec<u8>> {
    let mut meta_tags = config_meta(site.config());
    let author = match &d.data {
        KindData::Policy(p) => Some(p.issuer.clone()),
        KindData::Interpretation(x) => x.interpreter.clone().or_else(|| d.department.clone()),
        _ => d.department.clone(),
    };
    let keywords = (!d.keywords.is_empty()).then(|| d.keywords.join(","));
    meta_tags.extend(meta(&[
        ("ArticleTitle", Some(d.title.clone())),
        ("PubDate", pub_date(d.published)),
        (
            "ContentSource",
            d.department
                .clone()
                .or_else(|| Some(site.config().identity.organizer.clone())),
        ),
        ("Keywords", keywords),
        ("Author", author),
        ("Description", Some(view.summary.clone())),
        ("Url", Some(format!("{}{}", site.config().base_url, d.url))),
    ]));
    let mut ctx = base_context(&d.url, &d.title, &breadcrumbs(d), &meta_tags);
    // `doc.data` and `data` are the same value: serialised once, shared (Tera values are
    // reference-counted), and `doc` is the view's fields plus `data`.
    let data = tera::Value::from_serializable(&d.data);
    let mut doc = tera::Value::from_serializable(view)
        .into_map()
        .unwrap_or_default();
    doc.insert(tera::value::Key::from("data"), data.clone());
    ctx.insert_value("doc", tera::Value::from(doc));
    ctx.insert_value("data", data);
    // Column pages count and list across the whole site; other pages do not ask.
    if d.kind == Kind::Page && super::columns::has_data(&d.url) {
        if let Some(column) = super::columns::data_for(site.whole_site(), &d.url) {
            ctx.insert("column", &column);
        }
    }
    ctx.insert("canonical", &format!("{}{}", site.config().base_url, d.url));
    if d.kind == Kind::NegativeList {
        let versions: Vec<serde_json::Value> = site
            .links(i)
            .versions
            .iter()
            .map(|&j| {
                let v = site.doc(j);
                let reviewed = v.negative_list().and_then(|l| l.reviewed).map(date::iso);
                serde_json::json!({
                    "title": v.title,
                    "url": v.url,
                    "published": v.published.map(date::iso),
                    "reviewed": reviewed,
                    "current": j == i,
                })
            })
            .collect();
        ctx.insert("versions", &versions);
    }
    // The page is the body plus a few kilobytes of chrome and metadata.
    let capacity =
        view.body_html.len() + view.chart_html.as_ref().map_or(0, String::len) + 16 * 1024;
    theme.render_bytes(d.kind.template(), &ctx, capacity)
}

/// The search entry of a document.
pub(crate) fn search_doc(d: &Document, v: &DocView, text: String) -> super::SearchDoc {
    super::SearchDoc {
        url: d.url.clone(),
        kind: d.kind.name().to_string(),
        kind_label: d.kind.label().to_string(),
        title: d.title.clone(),
        doc_no: v.doc_no.clone(),
        index_no: v.index_no.clone(),
        issuer: d
            .policy()
            .map(|p| p.issuer.clone())
            .or_else(|| d.department.clone()),
        date: super::search_date(d),
        year: v.year,
        validity: v.validity.as_ref().map(|x| x.label.to_string()),
        keywords: d.keywords.clone(),
        text,
    }
}
