//! Rendering: every page of the site, in memory.
//!
//! Markdown and document pages are rendered in parallel (rayon over documents); listing
//! pages come after, from the same views. Nothing is written here: the output stage
//! decides what reaches the disk, so a build with errors changes nothing.
//!
//! Every internal link is relative (`{{ root }}policies/…/index.html`), so the same
//! output works at a domain root, under a sub-path, and opened from a folder.

pub mod annual_report;
mod columns;
mod listing;
pub mod normative;
pub mod theme;
mod views;

use crate::date;
use crate::diag::Diagnostic;
use crate::error::Result;
use crate::link::resolve_relative;
use crate::link::Site;
use crate::markdown::{self, LinkResolution, MarkdownContext, RenderedMarkdown};
use crate::model::Document;
use crate::sink::Sink;
use rayon::prelude::*;
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Mutex;
pub use theme::Theme;
pub use views::{DocView, ItemView};

pub use crate::sink::{OutputContent, OutputFile};

/// One document as the search index sees it; render fills it while it has the page's text, and the search stage
/// (run by the driver after render) indexes it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchDoc {
    /// Site-relative directory of the page, e.g. `policies/4305210003-2024-00012/`.
    pub url: String,
    /// Kind id, e.g. `policy`.
    pub kind: String,
    /// Kind as shown to visitors, e.g. `政策文件`.
    pub kind_label: String,
    /// Document title.
    pub title: String,
    /// 发文字号, as written in the document.
    pub doc_no: Option<String>,
    /// 索引号.
    pub index_no: Option<String>,
    /// 发文机关.
    pub issuer: Option<String>,
    /// Publication date, `YYYY-MM-DD`; orders results newest first.
    pub date: Option<String>,
    /// Year used by the year filter (for annual reports the report year).
    pub year: Option<i32>,
    /// 效力状态 (现行有效 …), for documents that have one.
    pub validity: Option<String>,
    /// 关键词.
    pub keywords: Vec<String>,
    /// Plain body text, without markup.
    pub text: String,
}

/// What rendering produced besides the files it handed to the output.
pub struct Rendered {
    /// Problems found in the content while rendering (Markdown checks).
    pub diagnostics: Vec<Diagnostic>,
    /// Per-document data the search index is built from.
    pub search_docs: Vec<SearchDoc>,
}

/// Markdown output plus the site files it refers to.
pub(crate) struct DocMarkdown {
    pub(crate) md: RenderedMarkdown,
    pub(crate) assets: Vec<PathBuf>,
}

/// The site-relative path of a published asset: `content/a/b.pdf` → `files/a/b.pdf`.
pub fn asset_url(source: &std::path::Path) -> String {
    let rel = source.strip_prefix("content").unwrap_or(source);
    let parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    format!("files/{}", parts.join("/"))
}

/// The relative prefix from a page in directory `url` to the site root.
pub fn root_prefix(url: &str) -> String {
    "../".repeat(url.matches('/').count())
}

/// What rendering one document produced.
struct DocOutput {
    item: views::ItemView,
    /// The item as templates see it, converted once for every listing page that shows it.
    item_value: tera::Value,
    search: SearchDoc,
    diagnostics: Vec<Diagnostic>,
    assets: Vec<PathBuf>,
}

/// Render the whole site.
pub fn render(site: &Site, theme: &mut Theme, sink: &dyn Sink) -> Result<Rendered> {
    let globals = views::globals(site);
    theme.set_globals(&globals)?;
    let theme = &*theme;

    // 1. Each document, start to finish, in parallel: Markdown, view, page. Only the
    //    light listing item and the search text outlive this loop, which keeps memory
    //    flat on large sites.
    let outputs: Vec<Result<DocOutput>> = site
        .docs
        .par_iter()
        .enumerate()
        .map(|(i, d)| {
            let DocMarkdown { md, assets } = render_markdown(site, d);
            let RenderedMarkdown {
                html,
                first_paragraph,
                plain_text,
                diagnostics,
                ..
            } = md;
            // A 依申请公开 body is still rendered, so its content checks run, but nothing
            // of it (text, images, linked files) leaves this loop.
            let (html, plain_text, first_paragraph, assets) = if views::publishes_full_text(d) {
                (html, plain_text, first_paragraph, assets)
            } else {
                (String::new(), String::new(), String::new(), Vec::new())
            };
            let view = views::doc_view(site, i, d, html, &plain_text, &first_paragraph);
            let page = views::render_document(site, theme, i, d, &view)?;
            sink.put(OutputFile {
                path: format!("{}index.html", d.url),
                content: OutputContent::Bytes(page),
            })?;
            let item = views::ItemView::from(&view);
            Ok(DocOutput {
                item_value: tera::Value::from_serializable(&item),
                item,
                search: views::search_doc(d, &view, plain_text),
                diagnostics,
                assets,
            })
        })
        .collect();
    let mut items = Vec::with_capacity(outputs.len());
    let mut item_values = Vec::with_capacity(outputs.len());
    let mut search_docs = Vec::with_capacity(outputs.len());
    let mut diagnostics: Vec<Diagnostic> = Vec::new();
    let mut assets: BTreeSet<PathBuf> = BTreeSet::new();
    for o in outputs {
        let o = o?;
        items.push(o.item);
        item_values.push(o.item_value);
        search_docs.push(o.search);
        diagnostics.extend(o.diagnostics);
        assets.extend(o.assets);
    }
    for (i, d) in site.docs.iter().enumerate() {
        if !views::publishes_full_text(d) {
            continue;
        }
        for path in site.attachments[i].iter().flatten() {
            if site.assets.contains(path) {
                assets.insert(path.clone());
            }
        }
    }

    // 2. Listings, catalogue, home, site map, search page, 404, column pages.
    listing::render_listings(site, theme, &items, &item_values, sink)?;
    for file in columns::render_columns(site, theme)? {
        sink.put(file)?;
    }
    sink.put(normative::render_page(site, theme)?)?;

    // 3. Static files and published assets.
    for (path, bytes) in &theme.static_files {
        sink.put(OutputFile {
            path: format!("static/{path}"),
            content: OutputContent::Bytes(bytes.clone()),
        })?;
    }
    // A site may supply its own highlight.css; the generated one is the default.
    if !theme.static_files.contains_key("css/highlight.css") {
        sink.put(OutputFile {
            path: "static/css/highlight.css".into(),
            content: OutputContent::Bytes(markdown::highlight_css().into_bytes()),
        })?;
    }
    for a in assets {
        sink.put(OutputFile {
            path: asset_url(&a),
            content: OutputContent::Copy(a),
        })?;
    }
    Ok(Rendered {
        diagnostics,
        search_docs,
    })
}

/// Render a document's Markdown, resolving relative links: to another document's page,
/// to a published copy of a file under `content/`, or refused.
fn render_markdown(site: &Site, d: &Document) -> DocMarkdown {
    let used = Mutex::new(Vec::new());
    let root = root_prefix(&d.url);
    let resolve = |url: &str| -> LinkResolution {
        let (path, fragment) = match url.find(['#', '?']) {
            Some(i) => (&url[..i], &url[i..]),
            None => (url, ""),
        };
        if path.is_empty() {
            return LinkResolution::Keep;
        }
        match resolve_relative(&d.source, path) {
            Err(reason) => LinkResolution::Reject(reason),
            Ok(target) => {
                if let Some(&j) = site.by_source.get(&target) {
                    LinkResolution::Rewrite(format!(
                        "{root}{}index.html{fragment}",
                        site.docs[j].url
                    ))
                } else if site.assets.contains(&target) {
                    let url = format!("{root}{}{fragment}", asset_url(&target));
                    if let Ok(mut u) = used.lock() {
                        u.push(target);
                    }
                    LinkResolution::Rewrite(url)
                } else {
                    LinkResolution::Reject(format!("指向的文件 {} 不存在", target.display()))
                }
            }
        }
    };
    let ctx = MarkdownContext {
        file: &d.source,
        first_line: d.body_line,
        resolve: &resolve,
    };
    let md = markdown::render(&d.body, &ctx);
    let assets = used.into_inner().unwrap_or_default();
    DocMarkdown { md, assets }
}

/// `2024-04-28 00:00`, the PubDate form government-site meta tags use.
pub(crate) fn pub_date(d: Option<date::Date>) -> Option<String> {
    d.map(|d| format!("{} 00:00", date::iso(d)))
}
