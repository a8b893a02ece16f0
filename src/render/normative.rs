//! 现行有效行政规范性文件目录 (`normative/`): the normative documents in force on the
//! build date, with 统一登记号, 发文字号, dates and 有效期至 — what the 政务公开工作要点
//! ask for when they say 动态更新文件效力. Rebuilt every build against `--as-of`, so a
//! document drops out the day it lapses or is repealed. Documents that are not
//! 行政规范性文件 are never counted.

use super::views::{base_context, LinkView};
use super::{OutputFile, PageRenderer};
use crate::date;
use crate::error::Result;
use crate::link::Site;
use serde::Serialize;

/// The page's directory.
pub const URL: &str = "normative/";

/// One row of the table.
#[derive(Debug, Clone, Serialize)]
struct Row {
    title: String,
    url: String,
    doc_no: Option<String>,
    reg_no: Option<String>,
    issued: Option<String>,
    effective: Option<String>,
    expires: Option<String>,
    status: &'static str,
    status_slug: &'static str,
}

/// Positions of the normative documents in force on the build date, newest 成文日期 first.
pub fn in_force(site: &Site) -> Vec<usize> {
    let mut rows: Vec<usize> = site
        .docs
        .iter()
        .enumerate()
        .filter(|(i, d)| {
            d.policy().is_some_and(|p| p.normative)
                && site.validity_of(*i).is_some_and(|v| v.status.applies())
        })
        .map(|(i, _)| i)
        .collect();
    // Documents sit in source-path order: the position breaks ties by path.
    rows.sort_unstable_by(|&a, &b| {
        let issued = |i: usize| site.docs[i].policy().and_then(|p| p.issued);
        issued(b).cmp(&issued(a)).then(a.cmp(&b))
    });
    rows
}

/// The page's path.
pub fn path() -> String {
    format!("{URL}index.html")
}

/// Render `normative/index.html`.
pub fn render_page(site: &Site, theme: &dyn PageRenderer) -> Result<OutputFile> {
    let rows: Vec<Row> = in_force(site)
        .into_iter()
        .filter_map(|i| {
            let d = &site.docs[i];
            let p = d.policy()?;
            let v = site.validity_of(i)?;
            Some(Row {
                title: d.title.clone(),
                url: d.url.clone(),
                doc_no: p.doc_no.clone(),
                reg_no: p.reg_no.clone(),
                issued: p.issued.map(date::iso),
                effective: v.effective.map(date::iso),
                expires: v.expires.map(date::iso),
                status: v.status.label(),
                status_slug: v.status.slug(),
            })
        })
        .collect();
    let title = "现行有效行政规范性文件目录";
    let description = format!(
        "截至{}现行有效的行政规范性文件，共 {} 件",
        date::chinese(site.as_of),
        rows.len()
    );
    let meta_tags = super::views::column_meta(site, title, &description, "信息公开");
    let crumbs = [("首页", ""), ("政策文件", "policies/")].map(|(t, u)| LinkView {
        title: t.to_string(),
        url: u.to_string(),
        date: None,
        note: None,
    });
    let mut ctx = base_context(URL, title, &crumbs, &meta_tags);
    ctx.insert("rows", &rows);
    ctx.insert("description", &description);
    ctx.insert("as_of_cn", &date::chinese(site.as_of));
    ctx.insert("canonical", &format!("{}{URL}", site.config.base_url));
    theme.page(path(), "normative.html", &ctx)
}
