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
pub mod reads;
pub mod theme;
mod views;

use crate::date;
use crate::diag::Diagnostic;
use crate::error::Result;
use crate::link::resolve_relative;
use crate::link::Site;
use crate::markdown::{self, LinkResolution, MarkdownContext, Purpose, RenderedMarkdown};
use crate::model::Document;
use crate::sink::Sink;
pub use columns::{filed_path, filed_paths};
use rayon::prelude::*;
pub use reads::{Reads, Tracked};
use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};
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
pub struct Rendered<P> {
    /// Problems found in the content while rendering (Markdown checks).
    pub diagnostics: Vec<Diagnostic>,
    /// The search index of every document, from the [`SearchIndexer`] render was given
    /// (`None` for a site without documents).
    pub search: Option<P>,
}

/// What render hands each document's [`SearchDoc`] to, a chunk of consecutive doc ids
/// at a time, as soon as their pages are rendered: the texts are then indexed and dropped
/// chunk by chunk rather than kept for a later stage (the search stage implements it;
/// render does not know the index). Parts are joined in doc-id order.
pub trait SearchIndexer: Sync {
    /// The index of a run of consecutive doc ids.
    type Part: Send;
    /// Documents per chunk.
    fn chunk(&self) -> usize;
    /// Indexes `docs`, which have the doc ids `first..first + docs.len()`, in that order.
    fn index(&self, first: usize, docs: Vec<SearchDoc>) -> Self::Part;
    /// `a` followed by `b`, the part of the doc ids right after `a`'s.
    fn join(&self, a: Self::Part, b: Self::Part) -> Self::Part;
}

/// The publication date a document's [`SearchDoc`] carries, which (with its URL and
/// title) orders the search index's doc ids.
pub fn search_date(d: &Document) -> Option<String> {
    d.published.map(date::iso)
}

/// Markdown output plus the site files it refers to.
pub(crate) struct DocMarkdown {
    pub(crate) md: RenderedMarkdown,
    pub(crate) assets: Vec<PathBuf>,
    /// Each relative link and what it resolved to.
    pub(crate) links: Vec<(String, LinkResolution)>,
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

/// Whether a document page notes what it read (the preview server) or not (a build).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recording {
    /// Record nothing.
    Off,
    /// Record the documents and facts read ([`Reads`]).
    On,
}

/// One document rendered: its page and what the rest of the site needs from it.
pub struct DocPage {
    /// `{url}index.html`.
    pub page: OutputFile,
    /// The document in lists.
    pub item: ItemView,
    /// The item as templates see it, converted once for every listing page that shows it;
    /// `Null` with the built-in listing templates, which write the item directly.
    pub item_value: tera::Value,
    /// The document for the search index.
    pub search: SearchDoc,
    /// Markdown content checks.
    pub diagnostics: Vec<Diagnostic>,
    /// Files under `content/` its body links to, published with it (none for a
    /// 依申请公开 document).
    pub assets: Vec<PathBuf>,
    /// Every relative link of the body and what it resolved to: the body's HTML is a
    /// function of the body text and these (see [`links_resolve_as_before`]).
    pub links: Vec<(String, LinkResolution)>,
    /// What the page read, when recording.
    pub reads: Reads,
}

/// Render document `i`: Markdown, view, page.
pub fn render_document(
    site: &Site,
    theme: &Theme,
    i: usize,
    recording: Recording,
) -> Result<DocPage> {
    render_page(site, theme, i, recording, !theme.builtin_listings)
}

/// What a build keeps of a rendered document until the listings are written.
struct Kept {
    item: ItemView,
    /// [`DocPage::item_value`], only when listings go through Tera.
    item_value: Option<tera::Value>,
    diagnostics: Vec<Diagnostic>,
    assets: Vec<PathBuf>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// [`render_document`]; the item's template value is left `Null` unless `value`.
fn render_page(
    site: &Site,
    theme: &Theme,
    i: usize,
    recording: Recording,
    value: bool,
) -> Result<DocPage> {
    let d = &site.docs[i];
    let DocMarkdown { md, assets, links } = render_markdown(site, d, Purpose::Page);
    let RenderedMarkdown {
        html,
        first_paragraph,
        plain_text,
        diagnostics,
        ..
    } = md;
    // A 依申请公开 body is still rendered, so its content checks run, but nothing
    // of it (text, images, linked files) leaves this function.
    let (html, plain_text, first_paragraph, assets) = if views::publishes_full_text(d) {
        (html, plain_text, first_paragraph, assets)
    } else {
        (String::new(), String::new(), String::new(), Vec::new())
    };
    let tracked = match recording {
        Recording::Off => Tracked::untracked(site),
        Recording::On => Tracked::recording(site),
    };
    let view = views::doc_view(
        &tracked,
        i,
        tracked.doc(i),
        html,
        &plain_text,
        &first_paragraph,
    );
    let page = views::render_document(&tracked, theme, i, tracked.doc(i), &view)?;
    let item = views::ItemView::from(&view);
    Ok(DocPage {
        page: OutputFile {
            path: format!("{}index.html", d.url),
            content: OutputContent::Bytes(page),
        },
        item_value: if value {
            tera::Value::from_serializable(&item)
        } else {
            tera::Value::none()
        },
        item,
        search: views::search_doc(d, &view, plain_text),
        diagnostics,
        assets,
        links,
        reads: tracked.into_reads(),
    })
}

/// The files under `content/` the site publishes: those the public documents' bodies
/// link to (`body_assets`, by document position) and the attachments of public documents
/// that exist.
pub fn published_assets<'a>(
    site: &Site,
    body_assets: impl IntoIterator<Item = &'a [PathBuf]>,
) -> BTreeSet<PathBuf> {
    let mut assets: BTreeSet<PathBuf> = BTreeSet::new();
    for a in body_assets {
        assets.extend(a.iter().cloned());
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
    assets
}

/// The listing pages of the site (by kind and facet, catalogue), each with its path and
/// a digest of what it is rendered from.
pub struct ListingPlan {
    /// What the listings were made from, by document position.
    facts: Vec<listing::ListingFacts>,
    listings: Vec<listing::Listing>,
    /// [`listing::listing_digest`] of each listing.
    digests: Vec<u64>,
    page_size: usize,
}

/// One page of a [`ListingPlan`], by listing and page.
#[derive(Debug, Clone, Copy)]
pub struct ListingPageId {
    listing: usize,
    page: usize,
}

impl ListingPlan {
    /// Group the documents into listings.
    pub fn new(site: &Site) -> ListingPlan {
        ListingPlan::reusing(site, None, |_| None)
    }

    /// [`ListingPlan::new`], with the listing facts of the documents `kept` names taken
    /// from `old`: `kept(i)` is the position in `old`'s site of the document at position
    /// `i`, when nothing listings read of it can have changed (the caller knows which
    /// documents were read again or had their link facts change).
    pub fn reusing(
        site: &Site,
        old: Option<&ListingPlan>,
        kept: impl Fn(usize) -> Option<usize> + Sync,
    ) -> ListingPlan {
        let facts: Vec<listing::ListingFacts> = (0..site.docs.len())
            .into_par_iter()
            .map(
                |i| match old.and_then(|old| kept(i).and_then(|k| old.facts.get(k))) {
                    Some(f) => f.clone(),
                    None => listing::listing_facts(site, i),
                },
            )
            .collect();
        let listings = listing::listings(&site.config, &facts);
        ListingPlan {
            digests: listings.par_iter().map(listing::listing_digest).collect(),
            facts,
            listings,
            page_size: site.config.listing.page_size,
        }
    }

    /// Whether this plan is still the plan of `site`, given that only the documents at
    /// `positions` (the same documents in the same order otherwise) can have changed in
    /// what listings read of them. Listings read nothing else of the site but its
    /// configuration, which the preview server never changes under a plan.
    pub fn still_fits(&self, site: &Site, positions: impl IntoIterator<Item = usize>) -> bool {
        self.facts.len() == site.docs.len()
            && positions
                .into_iter()
                .all(|i| i < self.facts.len() && listing::listing_facts(site, i) == self.facts[i])
    }

    /// Every page.
    pub fn pages(&self) -> Vec<ListingPageId> {
        self.listings
            .iter()
            .enumerate()
            .flat_map(|(k, l)| {
                (0..listing::page_count(l, self.page_size))
                    .map(move |page| ListingPageId { listing: k, page })
            })
            .collect()
    }

    fn page(&self, id: ListingPageId) -> listing::ListingPage<'_> {
        listing::page_of(&self.listings[id.listing], self.page_size, id.page)
    }

    /// The page's site path.
    pub fn path(&self, id: ListingPageId) -> String {
        self.page(id).path()
    }

    /// Positions of the documents the page shows.
    pub fn items(&self, id: ListingPageId) -> Vec<usize> {
        self.page(id).items().to_vec()
    }

    /// Everything the page is rendered from besides configuration and theme, as one
    /// number; `item_digest` gives each shown document's [`item_digest`].
    pub fn digest(&self, id: ListingPageId, item_digest: impl Fn(usize) -> u64) -> u64 {
        self.page(id).digest(self.digests[id.listing], item_digest)
    }

    /// Render some pages, in parallel by listing; `item_value` and `item` give the
    /// documents' [`DocPage::item_value`]s and [`DocPage::item`]s by position.
    pub fn render<'a>(
        &self,
        site: &Site,
        theme: &Theme,
        item_value: &(dyn Fn(usize) -> &'a tera::Value + Sync + 'a),
        item: &(dyn Fn(usize) -> &'a ItemView + Sync + 'a),
        ids: &[ListingPageId],
    ) -> Result<Vec<OutputFile>> {
        let mut by_listing: std::collections::BTreeMap<usize, Vec<ListingPageId>> =
            std::collections::BTreeMap::new();
        for &id in ids {
            by_listing.entry(id.listing).or_default().push(id);
        }
        let groups: Vec<Result<Vec<OutputFile>>> = by_listing
            .into_par_iter()
            .map(|(k, ids)| {
                let shared = listing::shared_values(site, theme, &self.listings[k]);
                ids.iter()
                    .map(|&id| {
                        listing::render_listing_page(
                            site,
                            theme,
                            item_value,
                            item,
                            &self.page(id),
                            &shared,
                        )
                    })
                    .collect()
            })
            .collect();
        let mut files = Vec::with_capacity(ids.len());
        for g in groups {
            files.extend(g?);
        }
        Ok(files)
    }
}

/// The parts of each listing of a [`ListingPlan`] that all its pages share, written once
/// (see [`ListingPlan::frames`]), so that a page can be written on request.
pub struct ListingFrames {
    /// By listing: its digest, and its parts for the first and the later pages.
    frames: Vec<(u64, Arc<[Option<listing::Written>; 2]>)>,
}

impl ListingPlan {
    /// Each listing's frames, taken from `old` for a listing it already had (same
    /// [`listing::listing_digest`]: the parts are made of nothing else but the
    /// configuration and the theme, which do not change under an engine's state).
    pub fn frames(&self, site: &Site, theme: &Theme, old: Option<&ListingFrames>) -> ListingFrames {
        let reuse: HashMap<u64, &Arc<[Option<listing::Written>; 2]>> = old
            .map(|o| o.frames.iter().map(|(d, f)| (*d, f)).collect())
            .unwrap_or_default();
        ListingFrames {
            frames: self
                .listings
                .par_iter()
                .zip(&self.digests)
                .map(|(l, &d)| {
                    let f = match reuse.get(&d) {
                        Some(f) => Arc::clone(f),
                        None => Arc::new(listing::frames(site, theme, l)),
                    };
                    (d, f)
                })
                .collect(),
        }
    }

    /// Whether the page is written from `frames` (with the built-in listing templates),
    /// rather than rendered through Tera by [`ListingPlan::render`].
    pub fn written(&self, frames: &ListingFrames, id: ListingPageId) -> bool {
        frames.frames[id.listing].1[usize::from(id.page > 0)].is_some()
    }
}

/// Listing pages written on request, from an immutable view of the listings: the plan,
/// its frames and every document's item. Equal, byte for byte, to the rendered pages.
pub struct ListingPages {
    plan: Arc<ListingPlan>,
    frames: Arc<ListingFrames>,
    /// Each document's item, by position.
    items: Arc<Vec<Arc<ItemView>>>,
    by_path: Arc<HashMap<Arc<str>, ListingPageId>>,
}

impl std::fmt::Debug for ListingPages {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ListingPages")
            .field("pages", &self.by_path.len())
            .finish()
    }
}

impl ListingPages {
    /// The written pages of `plan` (those [`ListingPlan::written`] says), by path.
    pub fn new(
        plan: Arc<ListingPlan>,
        frames: Arc<ListingFrames>,
        items: Arc<Vec<Arc<ItemView>>>,
        by_path: Arc<HashMap<Arc<str>, ListingPageId>>,
    ) -> ListingPages {
        ListingPages {
            plan,
            frames,
            items,
            by_path,
        }
    }

    /// The same pages with other items (the plan and frames unchanged).
    pub fn with_items(&self, items: Arc<Vec<Arc<ItemView>>>) -> ListingPages {
        ListingPages {
            plan: self.plan.clone(),
            frames: self.frames.clone(),
            items,
            by_path: self.by_path.clone(),
        }
    }

    /// The bytes of the written page at `path`, if it is one.
    pub fn write(&self, path: &str) -> Option<Vec<u8>> {
        let &id = self.by_path.get(path)?;
        let w = self.frames.frames[id.listing].1[usize::from(id.page > 0)].as_ref()?;
        let items = &self.items;
        let item = |i: usize| &*items[i];
        Some(listing::write_listing_page(&self.plan.page(id), w, &item))
    }
}

/// A digest of a document as lists show it.
pub fn item_digest(item: &ItemView) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    item.hash(&mut h);
    h.finish()
}

/// The pages that count or list across the whole site and are not listings: home, site
/// map, search page, `404.html`, the column pages and the 现行有效行政规范性文件目录.
/// `item` gives each document's [`ItemView`] by position, `filed` its catalogue path
/// ([`filed_paths`]: a caller that keeps them across builds need not work out every one).
pub fn site_pages<'a>(
    site: &Site,
    pages: &dyn PageRenderer,
    item: &dyn Fn(usize) -> &'a ItemView,
    filed: &[Option<String>],
) -> Result<Vec<OutputFile>> {
    let mut files = listing::site_pages(site, pages, item, filed)?;
    files.extend(columns::render_columns(site, pages, filed)?);
    files.push(normative::render_page(site, pages)?);
    Ok(files)
}

/// What turns a template and its context into a page: the theme itself, or a
/// [`PageMemo`] in front of it. A page's bytes are a function of its template and its
/// context (the theme and its globals stay fixed), which is what lets the memo keep one.
pub trait PageRenderer {
    /// The page at site path `path`, rendered by `template` from `ctx`.
    fn page(&self, path: String, template: &str, ctx: &tera::Context) -> Result<OutputFile>;
}

impl PageRenderer for Theme {
    fn page(&self, path: String, template: &str, ctx: &tera::Context) -> Result<OutputFile> {
        Ok(OutputFile {
            path,
            content: OutputContent::Bytes(self.render(template, ctx)?.into_bytes()),
        })
    }
}

/// The site pages of the last rendering, by path, each with the template and context it
/// was rendered from: a page whose context is equal is not rendered again. Only for one
/// theme with fixed globals (the preview server starts over when either changes).
#[derive(Default)]
pub struct PageMemo {
    pages: Mutex<std::collections::HashMap<String, Memo>>,
}

/// A page as [`PageMemo`] keeps it: template, context, bytes.
type Memo = (String, tera::Context, Vec<u8>);

impl PageMemo {
    /// Render through `theme`, reusing the pages whose context did not change.
    pub fn with<'a>(&'a self, theme: &'a Theme) -> impl PageRenderer + 'a {
        Memoised { memo: self, theme }
    }
}

struct Memoised<'a> {
    memo: &'a PageMemo,
    theme: &'a Theme,
}

impl PageRenderer for Memoised<'_> {
    fn page(&self, path: String, template: &str, ctx: &tera::Context) -> Result<OutputFile> {
        let mut pages = self
            .memo
            .pages
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some((t, c, bytes)) = pages.get(&path) {
            if t == template && c == ctx {
                return Ok(OutputFile {
                    path,
                    content: OutputContent::Bytes(bytes.clone()),
                });
            }
        }
        let bytes = self.theme.render(template, ctx)?.into_bytes();
        pages.insert(
            path.clone(),
            (template.to_string(), ctx.clone(), bytes.clone()),
        );
        Ok(OutputFile {
            path,
            content: OutputContent::Bytes(bytes),
        })
    }
}

/// The theme's static files, and the generated highlight.css unless the site has its own.
pub fn static_files(theme: &Theme) -> Vec<OutputFile> {
    let mut files: Vec<OutputFile> = theme
        .static_files
        .iter()
        .map(|(path, bytes)| OutputFile {
            path: format!("static/{path}"),
            content: OutputContent::Bytes(bytes.clone()),
        })
        .collect();
    if !theme.static_files.contains_key("css/highlight.css") {
        files.push(OutputFile {
            path: "static/css/highlight.css".into(),
            content: OutputContent::Bytes(markdown::highlight_css().into_bytes()),
        });
    }
    files
}

/// Give the theme the values every page shares (site name, navigation, the build date).
pub fn set_globals(site: &Site, theme: &mut Theme) -> Result<()> {
    theme.set_globals(&views::globals(site))
}

/// What `check` needs of document `i` without its page: the Markdown content checks
/// and the files its body links to. The same Markdown pass as [`render_document`]
/// (see [`markdown::Purpose::Check`]), the same rule for what a 依申请公开 document
/// publishes.
pub struct DocCheck {
    /// Markdown content checks, as [`DocPage::diagnostics`].
    pub diagnostics: Vec<Diagnostic>,
    /// As [`DocPage::assets`].
    pub assets: Vec<PathBuf>,
}

/// The content checks of `d`'s body that need nothing but the body, made while loading
/// still holds it so that `check` does not read every file twice. `None` when the body
/// has a relative link or image: where it points (and so what is reported, and which files
/// are published) depends on the rest of the site, so such a body is checked after linking,
/// by [`check_document`].
pub fn check_body_alone(d: &Document) -> Option<Vec<Diagnostic>> {
    let body = d.body_text().ok()?;
    let relative = std::sync::atomic::AtomicBool::new(false);
    let resolve = |_: &str| {
        relative.store(true, std::sync::atomic::Ordering::Relaxed);
        LinkResolution::Keep
    };
    let ctx = MarkdownContext {
        file: &d.source,
        first_line: d.body_line,
        resolve: &resolve,
    };
    let md = markdown::render_for(&body, &ctx, Purpose::Check);
    (!relative.into_inner()).then_some(md.diagnostics)
}

/// Check document `i` as rendering it would, without rendering its page.
pub fn check_document(site: &Site, i: usize) -> DocCheck {
    let d = &site.docs[i];
    if let Some(checks) = d.kept_body_checks() {
        // Made from the body alone, which had no relative link: so no file to publish.
        return DocCheck {
            diagnostics: checks.to_vec(),
            assets: Vec::new(),
        };
    }
    let DocMarkdown { md, assets, .. } = render_markdown(site, d, Purpose::Check);
    DocCheck {
        diagnostics: md.diagnostics,
        assets: if views::publishes_full_text(d) {
            assets
        } else {
            Vec::new()
        },
    }
}

/// The site paths of [`site_pages`], in its order, without rendering them.
pub fn site_page_paths(site: &Site) -> Vec<String> {
    let mut paths = listing::site_page_paths();
    paths.extend(columns::column_paths(site));
    paths.push(normative::path());
    paths
}

/// The search entries of every document, rendered as [`render`] renders them (for a
/// `check` that has to build the search index after all; see the build driver).
pub fn search_docs(site: &Site, theme: &mut Theme) -> Result<Vec<SearchDoc>> {
    set_globals(site, theme)?;
    let theme = &*theme;
    (0..site.docs.len())
        .into_par_iter()
        .map(|i| Ok(render_document(site, theme, i, Recording::Off)?.search))
        .collect()
}

/// Render the whole site. The documents are rendered in `order` (each position once: the
/// search index's doc-id order), in chunks of `search.chunk()` consecutive ones, each
/// chunk's search entries handed to `search` as soon as its pages are done.
pub fn render<I: SearchIndexer>(
    site: &Site,
    theme: &mut Theme,
    sink: &dyn Sink,
    order: &[usize],
    search: &I,
) -> Result<Rendered<I::Part>> {
    set_globals(site, theme)?;
    let theme = &*theme;
    debug_assert_eq!(order.len(), site.docs.len());

    // 1. Each document, start to finish, in parallel: Markdown, view, page. Only the
    //    light listing item outlives this loop (in its document's slot: no list of every
    //    page is concatenated), and the search text only until its chunk is indexed,
    //    which keeps memory flat on large sites. The item as a template value is kept
    //    only when the listings go through Tera.
    let values = !theme.builtin_listings;
    let kept: Vec<OnceLock<Kept>> = (0..site.docs.len()).map(|_| OnceLock::new()).collect();
    let failed: Mutex<Vec<(usize, crate::error::Error)>> = Mutex::new(Vec::new());
    let chunk = search.chunk().max(1);
    let part: Option<Option<I::Part>> = order
        .par_chunks(chunk)
        .enumerate()
        .map(|(c, positions)| {
            let mut docs = Vec::with_capacity(positions.len());
            for &i in positions {
                let page = render_page(site, theme, i, Recording::Off, values).and_then(|doc| {
                    let DocPage {
                        page,
                        item,
                        item_value,
                        search,
                        diagnostics,
                        assets,
                        ..
                    } = doc;
                    sink.put(page)?;
                    docs.push(search);
                    Ok(Kept {
                        item,
                        item_value: values.then_some(item_value),
                        diagnostics,
                        assets,
                    })
                });
                match page {
                    Ok(k) => {
                        // Each position is in `order` once.
                        let _ = kept[i].set(k);
                    }
                    Err(e) => lock(&failed).push((i, e)),
                }
            }
            // A chunk with a failed page is not indexed: the build stops at that error.
            (docs.len() == positions.len()).then(|| search.index(c * chunk, docs))
        })
        // In order: a chunk's index goes after those of the chunks before it.
        .reduce_with(|a, b| match (a, b) {
            (Some(a), Some(b)) => Some(search.join(a, b)),
            _ => None,
        });
    let part = part.flatten();
    // The error of the first document by position, as when pages were gathered in order.
    let mut failed = failed.into_inner().unwrap_or_else(|p| p.into_inner());
    if let Some(k) = (0..failed.len()).min_by_key(|&k| failed[k].0) {
        return Err(failed.swap_remove(k).1);
    }
    let mut kept: Vec<Kept> = kept
        .into_iter()
        .map(|k| {
            k.into_inner()
                .unwrap_or_else(|| unreachable!("`order` holds every document's position once"))
        })
        .collect();
    let mut diagnostics: Vec<Diagnostic> = Vec::new();
    for k in &mut kept {
        diagnostics.append(&mut k.diagnostics);
    }
    let assets = published_assets(site, kept.iter().map(|k| k.assets.as_slice()));
    for k in &mut kept {
        k.assets = Vec::new();
    }

    // 2. Listings, catalogue, home, site map, search page, 404, column pages.
    listing::render_listings(
        site,
        theme,
        &|i| &kept[i].item,
        &|i| kept[i].item_value.as_ref(),
        sink,
    )?;
    for file in columns::render_columns(site, theme, &columns::filed_paths(site))? {
        sink.put(file)?;
    }
    sink.put(normative::render_page(site, theme)?)?;

    // 3. Static files and published assets.
    put_static_and_assets(theme, assets, sink)?;
    Ok(Rendered {
        diagnostics,
        search: part,
    })
}

fn put_static_and_assets(theme: &Theme, assets: BTreeSet<PathBuf>, sink: &dyn Sink) -> Result<()> {
    for file in static_files(theme) {
        sink.put(file)?;
    }
    for a in assets {
        sink.put(OutputFile {
            path: asset_url(&a),
            content: OutputContent::Copy(a),
        })?;
    }
    Ok(())
}

/// [`render`] for `gongkai check` with the built-in templates: every file the site
/// would have is handed to `sink` by path only (empty), in [`render`]'s order — so the
/// sink finds the same URL collisions — and the documents get the same Markdown content
/// checks, but no page goes through Tera. With the site's own templates, `check` calls
/// [`render`] instead: those can fail on a document's data ([`Theme::site_templates`]).
/// Returns the Markdown diagnostics.
pub fn check(site: &Site, theme: &Theme, sink: &dyn Sink) -> Result<Vec<Diagnostic>> {
    let empty = |path: String| OutputFile {
        path,
        content: OutputContent::Bytes(Vec::new()),
    };
    // 1. Each document's content checks, in parallel with handing over the paths that do
    //    not depend on them: the documents' pages, then (2.) listings, catalogue and the
    //    whole-site pages, in `render`'s order.
    let (checks, handed_over): (Vec<DocCheck>, Result<()>) = rayon::join(
        || {
            (0..site.docs.len())
                .into_par_iter()
                .map(|i| check_document(site, i))
                .collect()
        },
        || {
            for d in &site.docs {
                sink.put(empty(format!("{}index.html", d.url)))?;
            }
            let plan = ListingPlan::new(site);
            for id in plan.pages() {
                sink.put(empty(plan.path(id)))?;
            }
            for path in site_page_paths(site) {
                sink.put(empty(path))?;
            }
            Ok(())
        },
    );
    handed_over?;
    let mut diagnostics = Vec::new();
    let mut body_assets = Vec::with_capacity(checks.len());
    for c in checks {
        diagnostics.extend(c.diagnostics);
        body_assets.push(c.assets);
    }
    let assets = published_assets(site, body_assets.iter().map(Vec::as_slice));

    // 3. Static files and published assets, as `render` hands them over.
    put_static_and_assets(theme, assets, sink)?;
    Ok(diagnostics)
}

/// Whether the relative links of document `d`'s body still resolve as they did when
/// `links` was recorded: if so, and the body is unchanged, its HTML is unchanged.
pub fn links_resolve_as_before(
    site: &Site,
    d: &Document,
    links: &[(String, LinkResolution)],
) -> bool {
    let root = root_prefix(&d.url);
    links
        .iter()
        .all(|(url, before)| resolve_link(site, d, &root, url).0 == *before)
}

/// Where a relative link of document `d`'s body points: another document's page, a
/// published copy of a file under `content/` (returned too, to be published), or refused.
fn resolve_link(
    site: &Site,
    d: &Document,
    root: &str,
    url: &str,
) -> (LinkResolution, Option<PathBuf>) {
    let (path, fragment) = match url.find(['#', '?']) {
        Some(i) => (&url[..i], &url[i..]),
        None => (url, ""),
    };
    if path.is_empty() {
        return (LinkResolution::Keep, None);
    }
    match resolve_relative(&d.source, path) {
        Err(reason) => (LinkResolution::Reject(reason), None),
        Ok(target) => {
            if let Some(&j) = site.by_source.get(&target) {
                let url = format!("{root}{}index.html{fragment}", site.docs[j].url);
                (LinkResolution::Rewrite(url), None)
            } else if site.assets.contains(&target) {
                let url = format!("{root}{}{fragment}", asset_url(&target));
                (LinkResolution::Rewrite(url), Some(target))
            } else {
                let reason = format!("指向的文件 {} 不存在", target.display());
                (LinkResolution::Reject(reason), None)
            }
        }
    }
}

/// Render a document's Markdown, resolving relative links: to another document's page,
/// to a published copy of a file under `content/`, or refused.
fn render_markdown(site: &Site, d: &Document, purpose: Purpose) -> DocMarkdown {
    let used = Mutex::new((Vec::new(), Vec::new()));
    let root = root_prefix(&d.url);
    let resolve = |url: &str| -> LinkResolution {
        let (resolution, asset) = resolve_link(site, d, &root, url);
        if let Ok(mut u) = used.lock() {
            u.0.extend(asset);
            u.1.push((url.to_string(), resolution.clone()));
        }
        resolution
    };
    let ctx = MarkdownContext {
        file: &d.source,
        first_line: d.body_line,
        resolve: &resolve,
    };
    let md = match d.body_text() {
        Ok(body) => markdown::render_for(&body, &ctx, purpose),
        Err(unreadable) => markdown::render_for("", &ctx, purpose).with_diagnostic(unreadable),
    };
    let (assets, links) = used.into_inner().unwrap_or_default();
    DocMarkdown { md, assets, links }
}

/// `2024-04-28 00:00`, the PubDate form government-site meta tags use.
pub(crate) fn pub_date(d: Option<date::Date>) -> Option<String> {
    d.map(|d| format!("{} 00:00", date::iso(d)))
}
