//! Column pages: listings by kind, year, department, topic, 效力状态 and 解读形式 (all
//! paginated), the 信息公开目录 catalogue, the home page, the site-map page, the search
//! page and `404.html`.
//!
//! Each listing is built by grouping document positions once (a map from facet value to
//! positions), so the cost is linear in the number of documents.

use super::views::{base_context, catalog_url, short_label, site_meta, ItemView, LinkView};
use super::{OutputContent, OutputFile, PageRenderer, Theme};
use crate::config::Config;
use crate::error::Result;
use crate::link::Site;
use crate::model::{slug, Kind};
use crate::rules::validity::ValidityStatus;
use crate::sink::Sink;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

#[derive(Debug, Clone, Hash, Serialize)]
struct FacetLink {
    label: String,
    url: String,
    count: usize,
    current: bool,
}

#[derive(Debug, Clone, Hash, Serialize)]
struct Facet {
    title: &'static str,
    links: Vec<FacetLink>,
}

#[derive(Debug, Clone, Serialize)]
struct PageLink {
    number: usize,
    url: String,
    current: bool,
}

#[derive(Debug, Clone, Serialize)]
struct Pagination {
    current: usize,
    total: usize,
    prev: Option<String>,
    next: Option<String>,
    pages: Vec<PageLink>,
}

/// One listing to be paginated.
pub(super) struct Listing {
    url: String,
    title: String,
    description: String,
    column_type: &'static str,
    items: Vec<usize>,
    facets: Vec<Facet>,
    breadcrumbs: Vec<LinkView>,
    /// Sub-catalogue nodes shown above the items (catalogue pages only).
    children: Vec<FacetLink>,
    /// The statutory category this catalogue node is (catalogue pages only).
    category: Option<super::columns::CategoryView>,
}

/// All the listings read of one document (with the configuration, nothing else of the
/// site reaches them): documents that agree on these, in the same order, give the same
/// listings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListingFacts {
    kind: Kind,
    published: Option<crate::date::Date>,
    year: Option<i32>,
    department: Option<String>,
    topics: Vec<String>,
    /// 效力状态, as its label.
    status: Option<&'static str>,
    /// 解读形式.
    form: Option<String>,
    /// Catalogue path ([`super::views::catalog_path`]).
    filed: Option<String>,
}

/// [`ListingFacts`] of document `i`.
pub(super) fn listing_facts(site: &Site, i: usize) -> ListingFacts {
    let d = &site.docs[i];
    ListingFacts {
        kind: d.kind,
        published: d.published,
        year: d.year(),
        department: d.department.clone(),
        topics: d.topics.clone(),
        status: site.validity_of(i).map(|v| v.status.label()),
        form: d.interpretation().map(|x| x.form.clone()),
        filed: super::views::catalog_path(site, d),
    }
}

/// Every listing of the site: by kind and facet, and the catalogue; `facts` by position.
pub(super) fn listings(config: &Config, facts: &[ListingFacts]) -> Vec<Listing> {
    let mut listings = Vec::new();
    for kind in Kind::ALL.into_iter().filter(|k| k.listed()) {
        let mut members: Vec<usize> = (0..facts.len())
            .filter(|&i| facts[i].kind == kind)
            .collect();
        // Every kind keeps its column, even before its first document.
        sort_by_publication(facts, &mut members);
        listings.extend(kind_listings(facts, kind, &members));
    }
    let filed: Vec<Option<String>> = facts.iter().map(|f| f.filed.clone()).collect();
    listings.extend(catalog_listings(config, facts, &filed));
    listings
}

/// Newest first, then by source path (documents sit in source-path order: the position).
fn sort_by_publication(facts: &[ListingFacts], members: &mut [usize]) {
    members.sort_unstable_by(|&a, &b| facts[b].published.cmp(&facts[a].published).then(a.cmp(&b)));
}

/// One page of a listing.
#[derive(Clone, Copy)]
pub(super) struct ListingPage<'a> {
    listing: &'a Listing,
    /// 1-based.
    number: usize,
    total_pages: usize,
    /// Positions of the documents on this page.
    items: &'a [usize],
}

/// The pages of a listing (one, empty, when it has no items).
pub(super) fn pages_of(l: &Listing, page_size: usize) -> Vec<ListingPage<'_>> {
    let chunks: Vec<&[usize]> = if l.items.is_empty() {
        vec![&[][..]]
    } else {
        l.items.chunks(page_size).collect()
    };
    let total_pages = chunks.len();
    chunks
        .into_iter()
        .enumerate()
        .map(|(idx, items)| ListingPage {
            listing: l,
            number: idx + 1,
            total_pages,
            items,
        })
        .collect()
}

/// Page `idx` (0-based) of a listing; see [`pages_of`].
pub(super) fn page_of(l: &Listing, page_size: usize, idx: usize) -> ListingPage<'_> {
    let total_pages = l.items.len().div_ceil(page_size).max(1);
    let from = (idx * page_size).min(l.items.len());
    let to = ((idx + 1) * page_size).min(l.items.len());
    ListingPage {
        listing: l,
        number: idx + 1,
        total_pages,
        items: &l.items[from..to],
    }
}

/// How many pages a listing has.
pub(super) fn page_count(l: &Listing, page_size: usize) -> usize {
    l.items.len().div_ceil(page_size).max(1)
}

impl ListingPage<'_> {
    /// Site path of the page.
    pub(super) fn path(&self) -> String {
        format!("{}index.html", page_url(self.listing, self.number))
    }

    /// Positions of the documents shown.
    pub(super) fn items(&self) -> &[usize] {
        self.items
    }

    /// A digest of everything the page is rendered from besides the configuration and
    /// the theme: the listing's [`listing_digest`] (`listing`), the page number and the
    /// digests of the items shown (`item_digest`). Equal digests, equal bytes.
    pub(super) fn digest(&self, listing: u64, item_digest: impl Fn(usize) -> u64) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        (listing, self.number, self.total_pages).hash(&mut h);
        for &i in self.items {
            item_digest(i).hash(&mut h);
        }
        h.finish()
    }
}

/// A digest of what every page of a listing shows of it (facets, counts, trail,
/// category…): computed once per listing, not once per page.
pub(super) fn listing_digest(l: &Listing) -> u64 {
    use std::hash::{Hash, Hasher};
    // Every field is named, so a new one cannot be left out of the digest.
    let Listing {
        url,
        title,
        description,
        column_type,
        items,
        facets,
        breadcrumbs,
        children,
        category,
    } = l;
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (url, title, description, column_type, items.len()).hash(&mut h);
    (facets, breadcrumbs, children, category).hash(&mut h);
    h.finish()
}

/// Render every column page. `item` gives each document's item by position, and
/// `item_value` its template value when render kept one (see [`SharedValues`]: the
/// listings written without Tera never read it); a listing that goes through Tera
/// converts the items render did not keep.
pub(super) fn render_listings<'a>(
    site: &Site,
    theme: &Theme,
    item: &ItemOf<'a>,
    item_value: &(dyn Fn(usize) -> Option<&'a tera::Value> + Sync + 'a),
    sink: &dyn Sink,
) -> Result<()> {
    let facts: Vec<ListingFacts> = (0..site.docs.len())
        .into_par_iter()
        .map(|i| listing_facts(site, i))
        .collect();
    let listings = listings(&site.config, &facts);
    let page_size = site.config.listing.page_size;
    listings.par_iter().try_for_each(|l| {
        let shared = shared_values(site, theme, l);
        let converted: HashMap<usize, tera::Value> = if shared.values.is_some() {
            (l.items.iter())
                .filter(|&&i| item_value(i).is_none())
                .map(|&i| (i, tera::Value::from_serializable(item(i))))
                .collect()
        } else {
            HashMap::new()
        };
        let none = tera::Value::none();
        let value = |i: usize| item_value(i).or_else(|| converted.get(&i)).unwrap_or(&none);
        for page in pages_of(l, page_size) {
            sink.put(render_listing_page(
                site, theme, &value, item, &page, &shared,
            )?)?;
        }
        Ok::<(), crate::error::Error>(())
    })?;
    for page in site_pages(site, theme, item, &super::columns::filed_paths(site))? {
        sink.put(page)?;
    }
    Ok(())
}

/// Where [`site_pages`] puts its pages, in its order (the site map's and the search page's
/// folders are also their pages' `url`).
const HOME: &str = "index.html";
const SITEMAP_URL: &str = "sitemap/";
const SEARCH_URL: &str = "search/";
const NOT_FOUND: &str = "404.html";

/// The paths of the pages [`site_pages`] renders, in the same order.
pub(super) fn site_page_paths() -> Vec<String> {
    vec![
        HOME.to_string(),
        format!("{SITEMAP_URL}index.html"),
        format!("{SEARCH_URL}index.html"),
        NOT_FOUND.to_string(),
    ]
}

/// The pages that list or count across the whole site without being listings: home,
/// site map, search page and `404.html`. `filed`: [`super::columns::filed_paths`].
pub(super) fn site_pages<'a>(
    site: &Site,
    theme: &dyn PageRenderer,
    views: &dyn Fn(usize) -> &'a ItemView,
    filed: &[Option<String>],
) -> Result<Vec<OutputFile>> {
    Ok(vec![
        render_home(site, theme, views)?,
        render_sitemap_page(site, theme, filed)?,
        render_search_page(site, theme)?,
        render_404(site, theme)?,
    ])
}

/// Newest first, then by source path. Documents sit in source-path order, so the
/// position orders them by path without comparing paths (which is slow).
fn sort_newest_first(site: &Site, members: &mut [usize]) {
    members.sort_unstable_by(|&a, &b| {
        site.docs[b]
            .published
            .cmp(&site.docs[a].published)
            .then(a.cmp(&b))
    });
}

fn crumbs(extra: &[(&str, &str)]) -> Vec<LinkView> {
    std::iter::once(("首页", ""))
        .chain(extra.iter().copied())
        .map(|(t, u)| LinkView {
            title: t.into(),
            url: u.into(),
            date: None,
            note: None,
        })
        .collect()
}

/// A facet (`year`, …), its heading, and its values with their members.
type FacetGroup = (&'static str, &'static str, BTreeMap<String, Vec<usize>>);

/// The main listing of a kind plus one per facet value.
fn kind_listings(facts: &[ListingFacts], kind: Kind, members: &[usize]) -> Vec<Listing> {
    let base = format!("{}/", kind.folder());
    let label = short_label(kind);
    // Facet value → members (kept newest-first since `members` is).
    let mut groups: Vec<FacetGroup> = Vec::new();
    let mut by_year: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for &i in members {
        if let Some(y) = facts[i].year {
            by_year.entry(y.to_string()).or_default().push(i);
        }
    }
    groups.push(("year", "按年份", by_year));
    match kind {
        Kind::Policy => {
            let mut by_dept: BTreeMap<String, Vec<usize>> = BTreeMap::new();
            let mut by_topic: BTreeMap<String, Vec<usize>> = BTreeMap::new();
            let mut by_status: BTreeMap<String, Vec<usize>> = BTreeMap::new();
            for &i in members {
                let d = &facts[i];
                if let Some(dept) = &d.department {
                    by_dept.entry(dept.clone()).or_default().push(i);
                }
                for t in &d.topics {
                    by_topic.entry(t.clone()).or_default().push(i);
                }
                if let Some(status) = d.status {
                    by_status.entry(status.to_string()).or_default().push(i);
                }
            }
            groups.push(("department", "按部门", by_dept));
            groups.push(("topic", "按主题", by_topic));
            groups.push(("status", "按效力状态", by_status));
        }
        Kind::Interpretation => {
            let mut by_form: BTreeMap<String, Vec<usize>> = BTreeMap::new();
            for &i in members {
                if let Some(form) = &facts[i].form {
                    by_form.entry(form.clone()).or_default().push(i);
                }
            }
            groups.push(("form", "按解读形式", by_form));
        }
        Kind::NegativeList | Kind::AnnualReport | Kind::Page => {}
    }
    let facet_url = |facet: &str, value: &str| -> String {
        let seg = if facet == "status" {
            ValidityStatus::ALL
                .iter()
                .find(|s| s.label() == value)
                .map(|s| s.slug().to_string())
                .unwrap_or_else(|| slug(value))
        } else {
            slug(value)
        };
        format!("{base}{facet}/{seg}/")
    };
    // Every page of the kind shows the same facets, the current value marked: made once
    // (a large site has hundreds of facet values, each listing all of them), then copied.
    let facets: Vec<Facet> = groups
        .iter()
        .filter(|(_, _, values)| !values.is_empty())
        .map(|(facet, title, values)| {
            let mut links: Vec<FacetLink> = values
                .iter()
                .map(|(value, items)| FacetLink {
                    label: value.clone(),
                    url: facet_url(facet, value),
                    count: items.len(),
                    current: false,
                })
                .collect();
            if *facet == "year" {
                links.reverse();
            }
            if *facet == "status" {
                links.sort_by_key(|l| {
                    ValidityStatus::ALL
                        .iter()
                        .position(|s| s.label() == l.label)
                });
            }
            Facet { title, links }
        })
        .collect();
    let facets_for = |current: Option<(&str, &str)>| -> Vec<Facet> {
        let mut out = facets.clone();
        if let Some((facet, value)) = current {
            // Group titles differ, and values within a group.
            let title = groups.iter().find(|g| g.0 == facet).map(|g| g.1);
            for f in out.iter_mut().filter(|f| Some(f.title) == title) {
                for l in f.links.iter_mut().filter(|l| l.label == value) {
                    l.current = true;
                }
            }
        }
        out
    };
    let mut out = vec![Listing {
        url: base.clone(),
        // The annual reports' column carries its statutory name, 政府信息公开年报.
        title: if kind == Kind::AnnualReport {
            label.to_string()
        } else {
            kind.label().to_string()
        },
        description: format!("{}，共 {} 件", kind.label(), members.len()),
        column_type: "信息公开",
        items: members.to_vec(),
        facets: facets_for(None),
        breadcrumbs: crumbs(&[]),
        children: Vec::new(),
        category: None,
    }];
    for (facet, title, values) in &groups {
        for (value, items) in values {
            let shown = if *facet == "year" {
                format!("{value}年")
            } else {
                value.clone()
            };
            out.push(Listing {
                url: facet_url(facet, value),
                title: format!("{label}：{shown}"),
                description: format!("{}{}：{}，共 {} 件", label, title, shown, items.len()),
                column_type: "信息公开",
                items: items.clone(),
                facets: facets_for(Some((facet, value))),
                breadcrumbs: crumbs(&[(label, &base)]),
                children: Vec::new(),
                category: None,
            });
        }
    }
    out
}

/// 信息公开目录: one page per node of the catalogue tree; `filed` is every document's
/// catalogue path, by position.
fn catalog_listings(
    config: &Config,
    facts: &[ListingFacts],
    filed: &[Option<String>],
) -> Vec<Listing> {
    let filed_only: Vec<String> = filed.iter().flatten().cloned().collect();
    let mut nodes: BTreeMap<String, (Vec<usize>, BTreeMap<String, usize>)> = BTreeMap::new();
    nodes.entry(String::new()).or_default();
    // The statutory skeleton exists whether or not anything is filed in it.
    let level = config.site.level;
    let root = crate::rules::statutory::STATUTORY_ROOT.to_string();
    for c in crate::rules::statutory::categories(level) {
        nodes
            .entry(String::new())
            .or_default()
            .1
            .entry(root.clone())
            .or_default();
        nodes
            .entry(root.clone())
            .or_default()
            .1
            .entry(c.path())
            .or_default();
        nodes.entry(c.path()).or_default();
    }
    // Documents by catalogue path first: a large site files thousands of documents
    // under a few hundred paths, and each path's walk up the tree is then made once.
    let mut by_path: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, path) in filed.iter().enumerate() {
        if let Some(path) = path {
            by_path.entry(path.as_str()).or_default().push(i);
        }
    }
    for (path, filed_here) in by_path {
        let segments: Vec<&str> = path.split('/').collect();
        for depth in 0..segments.len() {
            let parent = segments[..depth].join("/");
            let child = segments[..=depth].join("/");
            *nodes
                .entry(parent)
                .or_default()
                .1
                .entry(child.clone())
                .or_default() += filed_here.len();
            nodes.entry(child).or_default();
        }
        nodes
            .entry(path.to_string())
            .or_default()
            .0
            .extend(filed_here);
    }
    // Counts on child links are documents below the child, not entries.
    let mut below: BTreeMap<String, usize> = BTreeMap::new();
    for (path, (items, _)) in &nodes {
        let segs: Vec<&str> = if path.is_empty() {
            Vec::new()
        } else {
            path.split('/').collect()
        };
        for depth in 1..=segs.len() {
            *below.entry(segs[..depth].join("/")).or_default() += items.len();
        }
    }
    nodes
        .into_iter()
        .map(|(path, (mut items, children))| {
            sort_by_publication(facts, &mut items);
            let url = if path.is_empty() {
                "catalog/".to_string()
            } else {
                catalog_url(&path)
            };
            let title = if path.is_empty() {
                "信息公开目录".to_string()
            } else {
                path.rsplit('/').next().unwrap_or(&path).to_string()
            };
            let mut trail = vec![("信息公开目录".to_string(), "catalog/".to_string())];
            if !path.is_empty() {
                let segs: Vec<&str> = path.split('/').collect();
                for depth in 1..segs.len() {
                    let p = segs[..depth].join("/");
                    trail.push((segs[depth - 1].to_string(), catalog_url(&p)));
                }
            }
            let breadcrumbs = if path.is_empty() {
                crumbs(&[])
            } else {
                let pairs: Vec<(&str, &str)> = trail
                    .iter()
                    .map(|(t, u)| (t.as_str(), u.as_str()))
                    .collect();
                crumbs(&pairs)
            };
            let mut children: Vec<&String> = children.keys().collect();
            children.sort_by_key(|c| crate::rules::statutory::order_key(c, level));
            Listing {
                description: format!(
                    "信息公开目录：{}",
                    if path.is_empty() { "全部" } else { &path }
                ),
                column_type: "信息公开目录",
                category: super::columns::category_at(config, &path, &filed_only),
                children: children
                    .into_iter()
                    .map(|c| FacetLink {
                        label: c.rsplit('/').next().unwrap_or(c).to_string(),
                        url: catalog_url(c),
                        count: below.get(c).copied().unwrap_or(0),
                        current: false,
                    })
                    .collect(),
                url,
                title,
                items,
                facets: Vec::new(),
                breadcrumbs,
            }
        })
        .collect()
}

/// What a listing template sees as `listing`, besides the parts every page of the
/// listing shares (`items`, `facets`, `children`, `category`), which are converted to
/// template values once and added by reference.
#[derive(Debug, Serialize)]
struct ListingView<'a> {
    title: &'a str,
    description: &'a str,
    total: usize,
    pagination: Option<Pagination>,
}

/// The parts of a listing every one of its pages shows: as template values (converted
/// once per listing, shared by its pages), and, with the built-in templates, as HTML.
pub(super) struct SharedValues {
    /// `facets`, `children` and `category`, when some page goes through Tera.
    values: Option<[tera::Value; 3]>,
    /// The first page's and the later pages' [`Written`] parts; `None`: through Tera.
    written: [Option<Written>; 2],
}

/// What every page of a listing at one depth (the first page, or any later one) shares,
/// as HTML, for writing the page without Tera: the page around its `main` block (from
/// the theme's own `base.html`, split where the page title goes), and the facet or
/// sub-catalogue links.
pub(super) struct Written {
    /// The page up to and including `<main …>\n`, cut where the page title goes.
    head: Vec<String>,
    /// The page from the end of `main` on.
    tail: String,
    /// The facets (listing pages) or the sub-catalogue links (catalogue pages).
    side: String,
}

/// Stands for the page title in the parts of [`Written`]: a noncharacter, which HTML
/// escaping keeps as it is.
const TITLE_MARK: &str = "\u{FDD0}";
/// Where `base.html` puts the `main` block.
const MAIN_OPEN: &str = "<main id=\"main\" class=\"wrap\" tabindex=\"-1\">\n";

/// [`SharedValues`] of a listing.
pub(super) fn shared_values(site: &Site, theme: &Theme, l: &Listing) -> SharedValues {
    let written = frames(site, theme, l);
    let through_tera = written[0].is_none()
        || (l.items.len() > site.config.listing.page_size && written[1].is_none());
    SharedValues {
        values: through_tera.then(|| {
            [
                tera::Value::from_serializable(&l.facets),
                tera::Value::from_serializable(&l.children),
                tera::Value::from_serializable(&l.category),
            ]
        }),
        written,
    }
}

/// [`Written`] for page `n` of a listing (any later page gives the same parts), or
/// `None` when `base.html`'s output cannot be split as expected (the page is then
/// rendered through Tera).
fn written_parts(site: &Site, theme: &Theme, l: &Listing, n: usize) -> Option<Written> {
    let chrome = page_chrome(site, l, n, TITLE_MARK);
    let base = theme.render("base.html", &chrome.ctx).ok()?;
    if base.matches(MAIN_OPEN).count() != 1 {
        return None;
    }
    let at = base.find(MAIN_OPEN)? + MAIN_OPEN.len();
    let (head, tail) = base.split_at(at);
    // The title is shown in `<title>` and in the breadcrumbs; anything else is unexpected.
    if head.matches(TITLE_MARK).count() != 2 || tail.contains(TITLE_MARK) {
        return None;
    }
    let root = super::root_prefix(&chrome.url);
    let mut side = String::new();
    if l.column_type == CATALOG {
        for c in &l.children {
            side.push_str("<li><a href=\"");
            side.push_str(&root);
            esc(&mut side, &c.url);
            side.push_str("index.html\">");
            esc(&mut side, &c.label);
            side.push_str("<span class=\"count\">（");
            side.push_str(&c.count.to_string());
            side.push_str("）</span></a></li>");
        }
    } else {
        for f in &l.facets {
            side.push_str("\n  <div class=\"facet\">\n    <h2>");
            esc(&mut side, f.title);
            side.push_str("</h2>\n    <ul>");
            for link in &f.links {
                side.push_str("<li><a href=\"");
                side.push_str(&root);
                esc(&mut side, &link.url);
                side.push_str("index.html\"");
                if link.current {
                    side.push_str(" aria-current=\"page\"");
                }
                side.push('>');
                esc(&mut side, &link.label);
                side.push_str("<span class=\"count\">（");
                side.push_str(&link.count.to_string());
                side.push_str("）</span></a></li>");
            }
            side.push_str("</ul>\n  </div>\n  ");
        }
    }
    Some(Written {
        head: head.split(TITLE_MARK).map(str::to_string).collect(),
        tail: tail.to_string(),
        side,
    })
}

/// The column type of catalogue pages, which use `catalog.html`.
const CATALOG: &str = "信息公开目录";

/// HTML-escape `s` onto `out` exactly as the templates do.
fn esc(out: &mut String, s: &str) {
    let mut buf = Vec::with_capacity(s.len() + 8);
    // Writing into a Vec cannot fail.
    let _ = tera::escape_html(s, &mut buf);
    out.push_str(&String::from_utf8_lossy(&buf));
}

/// The directory of page `n` of a listing.
fn page_url(l: &Listing, n: usize) -> String {
    if n == 1 {
        l.url.clone()
    } else {
        format!("{}page/{n}/", l.url)
    }
}

/// A document's item as templates see it, by position.
pub(super) type ItemValue<'a> = dyn Fn(usize) -> &'a tera::Value + Sync + 'a;
/// A document's item, by position.
pub(super) type ItemOf<'a> = dyn Fn(usize) -> &'a ItemView + Sync + 'a;

/// What `base.html` sees of page `n` of a listing titled `title`.
struct Chrome {
    url: String,
    ctx: tera::Context,
}

fn page_chrome(site: &Site, l: &Listing, n: usize, title: &str) -> Chrome {
    let url = page_url(l, n);
    let meta_tags = super::views::column_meta(site, &l.title, &l.description, l.column_type);
    let mut trail = l.breadcrumbs.clone();
    if n > 1 {
        trail.push(LinkView {
            title: l.title.clone(),
            url: l.url.clone(),
            date: None,
            note: None,
        });
    }
    let ctx = base_context(&url, title, &trail, &meta_tags);
    Chrome { url, ctx }
}

/// Render one page of a listing; `shared` is [`shared_values`] of its listing.
pub(super) fn render_listing_page(
    site: &Site,
    theme: &Theme,
    item_value: &ItemValue<'_>,
    item: &ItemOf<'_>,
    page: &ListingPage<'_>,
    shared: &SharedValues,
) -> Result<OutputFile> {
    let l = page.listing;
    let (n, chunk) = (page.number, page.items);
    if let Some(w) = &shared.written[usize::from(n > 1)] {
        return Ok(OutputFile {
            path: page.path(),
            content: OutputContent::Bytes(write_listing_page(page, w, item)),
        });
    }
    let (url, title, pagination) = page_parts(page);
    let mut ctx = page_chrome(site, l, n, &title).ctx;
    let view = ListingView {
        title: &title,
        description: &l.description,
        total: l.items.len(),
        pagination,
    };
    let mut listing = tera::Value::from_serializable(&view)
        .into_map()
        .unwrap_or_default();
    let items: Vec<tera::Value> = chunk.iter().map(|&i| item_value(i).clone()).collect();
    let [facets, children, category] = match &shared.values {
        Some(v) => v.clone(),
        None => [
            tera::Value::from_serializable(&l.facets),
            tera::Value::from_serializable(&l.children),
            tera::Value::from_serializable(&l.category),
        ],
    };
    for (key, value) in [
        ("items", tera::Value::from(items)),
        ("facets", facets),
        ("children", children),
        ("category", category),
    ] {
        listing.insert(tera::value::Key::from(key), value);
    }
    ctx.insert_value("listing", tera::Value::from(listing));
    let template = if l.column_type == CATALOG {
        "catalog.html"
    } else {
        "listing.html"
    };
    let html = theme.render_bytes(template, &ctx, 32 * 1024)?;
    Ok(OutputFile {
        path: format!("{url}index.html"),
        content: OutputContent::Bytes(html),
    })
}

/// The directory, title and pagination of a listing page.
fn page_parts(page: &ListingPage<'_>) -> (String, String, Option<Pagination>) {
    let l = page.listing;
    let (n, total_pages) = (page.number, page.total_pages);
    let page_url = |n: usize| page_url(l, n);
    let pagination = (total_pages > 1).then(|| Pagination {
        current: n,
        total: total_pages,
        prev: (n > 1).then(|| page_url(n - 1)),
        next: (n < total_pages).then(|| page_url(n + 1)),
        pages: page_window(n, total_pages)
            .into_iter()
            .map(|p| PageLink {
                number: p,
                url: page_url(p),
                current: p == n,
            })
            .collect(),
    });
    let title = if n > 1 {
        format!("{}（第{n}页）", l.title)
    } else {
        l.title.clone()
    };
    (page_url(n), title, pagination)
}

/// A listing page's bytes, written without Tera from its listing's [`Written`] parts
/// for its depth (the first page, or a later one): what [`render_listing_page`] gives.
pub(super) fn write_listing_page(
    page: &ListingPage<'_>,
    w: &Written,
    item: &ItemOf<'_>,
) -> Vec<u8> {
    let (url, title, pagination) = page_parts(page);
    write_page(
        w,
        page.listing,
        &url,
        &title,
        pagination.as_ref(),
        page.items,
        item,
    )
    .into_bytes()
}

/// The [`Written`] parts of a listing, for its first page and for the later ones (`None`
/// for a depth whose pages go through Tera: the site has its own listing templates, or
/// the listing has no later pages).
pub(super) fn frames(site: &Site, theme: &Theme, l: &Listing) -> [Option<Written>; 2] {
    let written = |n: usize| {
        if !theme.builtin_listings || (n > 1 && l.items.len() <= site.config.listing.page_size) {
            return None;
        }
        written_parts(site, theme, l, n)
    };
    [written(1), written(2)]
}

/// A listing page as `listing.html` or `catalog.html` (with `items.html`,
/// `catalog_items.html` and `pagination.html`) renders it, written directly: every
/// literal below is the templates' text, every value escaped as Tera escapes it.
fn write_page(
    w: &Written,
    l: &Listing,
    url: &str,
    title: &str,
    pagination: Option<&Pagination>,
    chunk: &[usize],
    item: &ItemOf<'_>,
) -> String {
    let root = super::root_prefix(url);
    let mut escaped_title = String::new();
    esc(&mut escaped_title, title);
    let mut out = String::with_capacity(16 * 1024);
    for (k, part) in w.head.iter().enumerate() {
        if k > 0 {
            out.push_str(&escaped_title);
        }
        out.push_str(part);
    }
    let total = l.items.len();
    out.push_str("\n<h1>");
    out.push_str(&escaped_title);
    out.push_str("</h1>\n");
    if l.column_type == CATALOG {
        if let Some(c) = &l.category {
            out.push_str("\n<p class=\"category-basis\">《政府信息公开条例》");
            esc(&mut out, &c.source);
            out.push('：');
            esc(&mut out, c.wording);
            out.push_str("</p>\n");
            if let Some(na) = c.not_applicable.as_deref().filter(|s| !s.is_empty()) {
                if total == 0 {
                    out.push_str("<p class=\"not-applicable\">本栏目不适用：");
                    esc(&mut out, na);
                    out.push_str("</p>");
                }
            }
            out.push('\n');
        }
        out.push('\n');
        if !l.children.is_empty() {
            out.push_str("\n<nav class=\"catalog-children\" aria-label=\"下级目录\">\n  <ul>");
            out.push_str(&w.side);
            out.push_str("</ul>\n</nav>\n");
        }
        out.push('\n');
        if !chunk.is_empty() || l.children.is_empty() {
            out.push_str("\n<section aria-labelledby=\"catalog-items-h\">\n<h2 id=\"catalog-items-h\">本目录下的信息（共 ");
            out.push_str(&total.to_string());
            out.push_str(" 条）</h2>\n");
            write_items(&mut out, &root, pagination, chunk, item, true);
            out.push_str("\n</section>\n");
        }
        out.push('\n');
    } else {
        let facets = !l.facets.is_empty();
        if url.split('/').next() == Some("policies") {
            out.push_str("<p class=\"listing-extra\"><a href=\"");
            out.push_str(&root);
            out.push_str("normative/index.html\">现行有效行政规范性文件目录</a></p>");
        }
        out.push_str("\n<p class=\"listing-count\">共 ");
        out.push_str(&total.to_string());
        out.push_str(" 条");
        if facets {
            out.push_str("<a class=\"jump\" href=\"#facets\">跳到筛选条件</a>");
        }
        out.push_str("</p>\n<div class=\"listing-layout");
        if facets {
            out.push_str(" has-facets");
        }
        out.push_str("\">\n<div class=\"listing-items\">\n");
        write_items(&mut out, &root, pagination, chunk, item, false);
        out.push_str("\n</div>\n");
        if facets {
            out.push_str("\n<nav class=\"facets\" id=\"facets\" aria-label=\"筛选条件\">\n  ");
            out.push_str(&w.side);
            out.push_str("\n</nav>\n");
        }
        out.push_str("\n</div>\n");
    }
    out.push_str(&w.tail);
    out
}

/// `items.html` (or `catalog_items.html`) with `pagination.html`.
fn write_items(
    out: &mut String,
    root: &str,
    pagination: Option<&Pagination>,
    chunk: &[usize],
    item: &ItemOf<'_>,
    catalog: bool,
) {
    let span = |out: &mut String, value: Option<&str>| {
        if let Some(v) = value.filter(|v| !v.is_empty()) {
            out.push_str("<span>");
            esc(out, v);
            out.push_str("</span>");
        }
    };
    let entry = |out: &mut String, label: &str, value: Option<&str>| {
        if let Some(v) = value.filter(|v| !v.is_empty()) {
            out.push_str("<div><dt>");
            out.push_str(label);
            out.push_str("</dt><dd>");
            esc(out, v);
            out.push_str("</dd></div>");
        }
    };
    if chunk.is_empty() {
        out.push_str("<p>暂无内容。</p>");
    } else {
        out.push_str(if catalog {
            "\n<ul class=\"doc-list catalog-entries\">\n"
        } else {
            "\n<ul class=\"doc-list\">\n"
        });
        for &i in chunk {
            let d = item(i);
            out.push_str("\n  <li class=\"doc-item\">\n    <a class=\"doc-title\" href=\"");
            out.push_str(root);
            esc(out, &d.url);
            out.push_str("index.html\">");
            esc(out, &d.title);
            if catalog {
                out.push_str("</a>\n    <dl class=\"catalog-entry\">\n      ");
                entry(out, "索引号", d.index_no.as_deref());
                out.push_str("\n      ");
                entry(out, "内容概述", Some(&d.summary));
                out.push_str("\n      ");
                entry(out, "生成日期", d.generated.as_deref());
                out.push_str("\n      ");
                if d.on_request {
                    out.push_str("<div><dt>公开方式</dt><dd>依申请公开</dd></div>");
                }
                out.push_str("\n    </dl>\n  </li>\n");
            } else {
                out.push_str("</a>\n    <p class=\"doc-meta-line\">\n      ");
                span(out, d.doc_no.as_deref());
                out.push_str("\n      ");
                span(out, d.published.as_deref());
                out.push_str("\n      ");
                if d.kind != "policy" {
                    span(out, Some(d.kind_label));
                }
                out.push_str("\n      ");
                if let Some(v) = &d.validity {
                    out.push_str("<span class=\"badge validity-");
                    esc(out, v.slug);
                    out.push_str("\">");
                    esc(out, v.label);
                    out.push_str("</span>");
                }
                out.push_str("\n    </p>\n  </li>\n");
            }
        }
        out.push_str("\n</ul>\n");
    }
    out.push('\n');
    if let Some(p) = pagination {
        out.push_str("\n<nav class=\"pagination\" aria-label=\"分页\">\n  <ul>\n    ");
        if let Some(prev) = &p.prev {
            out.push_str("<li><a href=\"");
            out.push_str(root);
            esc(out, prev);
            out.push_str("index.html\" rel=\"prev\">上一页</a></li>");
        }
        out.push_str("\n    ");
        for link in &p.pages {
            out.push_str("<li>");
            if link.current {
                out.push_str("<span aria-current=\"page\">第");
                out.push_str(&link.number.to_string());
                out.push_str("页</span>");
            } else {
                out.push_str("<a href=\"");
                out.push_str(root);
                esc(out, &link.url);
                out.push_str("index.html\">第");
                out.push_str(&link.number.to_string());
                out.push_str("页</a>");
            }
            out.push_str("</li>");
        }
        out.push_str("\n    ");
        if let Some(next) = &p.next {
            out.push_str("<li><a href=\"");
            out.push_str(root);
            esc(out, next);
            out.push_str("index.html\" rel=\"next\">下一页</a></li>");
        }
        out.push_str("\n  </ul>\n  <p>共 ");
        out.push_str(&p.total.to_string());
        out.push_str(" 页</p>\n</nav>\n");
    }
    // The last line ends of `pagination.html`, then of `items.html`.
    out.push_str("\n\n");
}

/// Page numbers to show: first, last, and two either side of the current one.
fn page_window(current: usize, total: usize) -> Vec<usize> {
    (1..=total)
        .filter(|&p| p == 1 || p == total || p.abs_diff(current) <= 2)
        .collect()
}

/// The newest `n` documents of a kind; of a negative list, only its current version.
fn latest<'a>(
    site: &Site,
    views: &dyn Fn(usize) -> &'a ItemView,
    kind: Kind,
    n: usize,
) -> Vec<ItemView> {
    let mut members: Vec<usize> = (0..site.docs.len())
        .filter(|&i| site.docs[i].kind == kind)
        .filter(|&i| kind != Kind::NegativeList || site.versions[i].first() == Some(&i))
        .collect();
    sort_newest_first(site, &mut members);
    members
        .into_iter()
        .take(n)
        .map(|i| views(i).clone())
        .collect()
}

fn pages(site: &Site) -> Vec<LinkView> {
    let mut pages: Vec<&crate::model::Document> =
        site.docs.iter().filter(|d| d.kind == Kind::Page).collect();
    pages.sort_by(|a, b| (a.weight, &a.source).cmp(&(b.weight, &b.source)));
    pages
        .into_iter()
        .map(|d| LinkView {
            title: d.title.clone(),
            url: d.url.clone(),
            date: None,
            note: None,
        })
        .collect()
}

fn column_meta(site: &Site, name: &str, description: &str) -> Vec<super::views::Meta> {
    super::views::column_meta(site, name, description, "信息公开")
}

fn render_home<'a>(
    site: &Site,
    theme: &dyn PageRenderer,
    views: &dyn Fn(usize) -> &'a ItemView,
) -> Result<OutputFile> {
    let description = if site.config.description.is_empty() {
        site.config.title.clone()
    } else {
        site.config.description.clone()
    };
    let mut ctx = base_context(
        "",
        &site.config.title,
        &[],
        &column_meta(site, "首页", &description),
    );
    ctx.insert("policies", &latest(site, views, Kind::Policy, 8));
    ctx.insert(
        "interpretations",
        &latest(site, views, Kind::Interpretation, 6),
    );
    ctx.insert("reports", &latest(site, views, Kind::AnnualReport, 5));
    ctx.insert(
        "negative_lists",
        &latest(site, views, Kind::NegativeList, 5),
    );
    ctx.insert("pages", &pages(site));
    ctx.insert("canonical", &site.config.base_url);
    theme.page(HOME.into(), "index.html", &ctx)
}

#[derive(Debug, Serialize)]
struct TreeNode {
    title: String,
    url: String,
    children: Vec<TreeNode>,
}

fn catalog_tree(site: &Site, filed: &[Option<String>]) -> Vec<TreeNode> {
    use crate::rules::statutory::{self, GovLevel};
    let level = site.config.site.level;
    let mut paths: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
    for c in statutory::categories(level) {
        paths.insert(statutory::STATUTORY_ROOT.to_string());
        paths.insert(c.path());
    }
    // Thousands of documents share a handful of paths: each path's folders once.
    let distinct: rustc_hash::FxHashSet<&str> =
        filed.iter().flatten().map(String::as_str).collect();
    for p in distinct {
        let segs: Vec<&str> = p.split('/').collect();
        for depth in 1..=segs.len() {
            paths.insert(segs[..depth].join("/"));
        }
    }
    fn build(
        prefix: &str,
        paths: &std::collections::BTreeSet<String>,
        level: GovLevel,
    ) -> Vec<TreeNode> {
        let mut level_paths: Vec<&String> = paths
            .iter()
            .filter(|p| match prefix {
                "" => !p.contains('/'),
                _ => p
                    .strip_prefix(prefix)
                    .and_then(|r| r.strip_prefix('/'))
                    .is_some_and(|r| !r.contains('/')),
            })
            .collect();
        level_paths.sort_by_key(|p| statutory::order_key(p, level));
        level_paths
            .into_iter()
            .map(|p| TreeNode {
                title: p.rsplit('/').next().unwrap_or(p).to_string(),
                url: catalog_url(p),
                children: build(p, paths, level),
            })
            .collect()
    }
    build("", &paths, level)
}

fn render_sitemap_page(
    site: &Site,
    theme: &dyn PageRenderer,
    filed: &[Option<String>],
) -> Result<OutputFile> {
    let url = SITEMAP_URL;
    let mut ctx = base_context(
        url,
        "网站地图",
        &crumbs(&[]),
        &column_meta(site, "网站地图", "本站栏目一览"),
    );
    ctx.insert("catalog", &catalog_tree(site, filed));
    ctx.insert("pages", &pages(site));
    theme.page(format!("{url}index.html"), "sitemap.html", &ctx)
}

fn render_search_page(site: &Site, theme: &dyn PageRenderer) -> Result<OutputFile> {
    let url = SEARCH_URL;
    let mut ctx = base_context(
        url,
        "站内搜索",
        &crumbs(&[]),
        &column_meta(site, "站内搜索", "搜索本站公开的政府信息"),
    );
    let kinds: Vec<serde_json::Value> = Kind::ALL
        .iter()
        .filter(|k| site.docs.iter().any(|d| d.kind == **k))
        .map(|k| serde_json::json!({"value": k.name(), "label": k.label()}))
        .collect();
    let mut years: Vec<i32> = site.docs.iter().filter_map(|d| d.year()).collect();
    years.sort_unstable_by(|a, b| b.cmp(a));
    years.dedup();
    let statuses: Vec<&str> = ValidityStatus::ALL.iter().map(|s| s.label()).collect();
    ctx.insert(
        "search_filters",
        &serde_json::json!({"kinds": kinds, "years": years, "statuses": statuses}),
    );
    theme.page(format!("{url}index.html"), "search.html", &ctx)
}

/// `404.html` is served for any missing path at any depth, so relative links cannot
/// work there; it alone links from the site's absolute path (taken from `base_url`).
fn render_404(site: &Site, theme: &dyn PageRenderer) -> Result<OutputFile> {
    let base_path = site
        .config
        .base_url
        .split("://")
        .nth(1)
        .map(|rest| {
            rest.find('/')
                .map(|i| rest[i..].to_string())
                .unwrap_or_else(|| "/".into())
        })
        .unwrap_or_else(|| "/".into());
    let mut ctx = base_context("", "页面不存在", &crumbs(&[]), &site_meta(site));
    ctx.insert("root", &base_path);
    theme.page(NOT_FOUND.into(), "404.html", &ctx)
}
