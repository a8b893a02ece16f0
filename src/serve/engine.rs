//! The preview server's site, in memory, and its incremental rebuilds.
//!
//! The server never reads the disk to answer a request: it asks the engine for a
//! [`Snapshot`] — every file of the site by path — and keeps that snapshot for the whole
//! response, so a rebuild finishing meanwhile cannot mix two versions into one page. When
//! a rebuild finds errors, the last good snapshot stays in place and the diagnostics say
//! why.
//!
//! A rebuild redoes only what the changed files can reach, and the result is the same,
//! byte for byte, as a full build of the same sources (a randomised test holds it to
//! that, `tests/serve_incremental.rs`):
//!
//! - **Parsing**: only changed paths are read again; every other document is kept, parsed,
//!   from the last rebuild. A change to `config.toml`, `templates/`, `static/` or
//!   `themes/` starts over ([`RebuildKind::Full`]).
//! - **Link and validate** run whole: they are fast (hash lookups), and every relation,
//!   validity and diagnostic then comes from the same code as a build's.
//! - **Document pages** record what they read while rendered ([`render::Reads`]: the
//!   documents, the link facts of documents, or the whole site). A page is rendered again
//!   when its own file changed, when a document it read changed or vanished, when the link
//!   facts of a document it read changed (fingerprinted by [`link_fingerprint`]), when it
//!   read the whole site and anything changed, or when a relative link in its body now
//!   resolves differently.
//! - **Listing pages** are compared by a digest of everything they are rendered from (the
//!   listing with its facets and counts, the page number, the digest of each item shown):
//!   equal digest, equal bytes, so the page is kept.
//! - **Whole-site pages** (home, site map, search page, 404, column pages, the normative
//!   catalogue), the published attachments, `sitemap.xml` and `feed.xml` are produced
//!   again from the kept per-document data whenever anything changed.
//! - **The search index** is updated in place with the search entries that changed
//!   (`search::SearchIndex::update`), which rewrites only the files they touch.

use crate::build::{self, BuildOptions, Prepared};
use crate::diag::{self, Deny, Diagnostic};
use crate::error::{Error, Result};
use crate::link::{self, Site};
use crate::load::{self, Content};
use crate::markdown::LinkResolution;
use crate::model::{self, Document, KindData};
use crate::output::{self, Collision};
use crate::progress::Silent;
use crate::render::{self, ItemView, ListingPlan, Recording, SearchDoc, Theme};
use crate::search;
use crate::sink::{Memory, OutputContent, OutputFile, Sink};
use crate::validate;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// One version of the site: every file by site path (`policies/x/index.html`).
#[derive(Debug, Default)]
pub struct Snapshot {
    files: BTreeMap<Arc<str>, Arc<[u8]>>,
    generation: u64,
}

impl Snapshot {
    /// The bytes of the file at `path` (no leading `/`), if the site has it.
    pub fn get(&self, path: &str) -> Option<Arc<[u8]>> {
        self.files.get(path).cloned()
    }

    /// Which good build this is: 1 for the first, one more for each rebuild that
    /// replaced the site; 0 while no build has succeeded.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Every path of the site, sorted.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(|k| &**k)
    }
}

/// Whether a rebuild reused what it could or started over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RebuildKind {
    /// Only what the changed files can affect was redone.
    Incremental,
    /// Everything was rebuilt (configuration, templates, static files or the theme
    /// changed, or there was nothing to reuse).
    Full,
}

/// What one rebuild did, for the terminal line.
#[derive(Debug, Clone)]
pub struct RebuildSummary {
    /// Source files read and parsed again.
    pub reparsed: usize,
    /// Pages and other files produced again (rendered, or regenerated like the sitemap).
    pub rendered: usize,
    /// Wall time of the rebuild.
    pub elapsed: Duration,
    /// Incremental or full.
    pub kind: RebuildKind,
    /// Errors found (when non-zero, the previous site is still served).
    pub errors: usize,
    /// Warnings found.
    pub warnings: usize,
}

/// The site in memory and the means to rebuild it.
pub struct Engine {
    opts: BuildOptions,
    /// The root as given and canonicalised, to recognise absolute changed paths.
    roots: Vec<PathBuf>,
    snapshot: Arc<Snapshot>,
    diagnostics: Vec<Diagnostic>,
    /// What the next rebuild can reuse; `None` forces a full one.
    state: Option<State>,
    timings: Vec<(&'static str, Duration)>,
}

/// Everything kept between rebuilds. Documents are identified by a stable number per
/// source path ([`Ids`]), since positions shift when files come and go.
struct State {
    prepared_diagnostics: Vec<Diagnostic>,
    deny: Deny,
    theme: Theme,
    ids: Ids,
    /// Every file under `content/` the walk found.
    entries: BTreeMap<PathBuf, Entry>,
    /// The linked site of the last rebuild (good or not).
    site: Site,
    /// Annual reports as parsed: link fills in their totals, and a report must be
    /// linked from what the officer wrote each time.
    pristine: HashMap<PathBuf, Document>,
    link_diagnostics: Vec<Diagnostic>,
    docs: HashMap<u32, DocState>,
    link_fingerprints: HashMap<u32, u64>,
    listing_pages: HashMap<String, (u64, Arc<[u8]>)>,
    site_pages: Vec<(String, Arc<[u8]>)>,
    static_files: Vec<(String, Arc<[u8]>)>,
    asset_bytes: HashMap<PathBuf, Arc<[u8]>>,
    /// The search index, updated in place from the documents whose search entry changed.
    search: Option<search::SearchIndex>,
    search_files: BTreeMap<String, Arc<[u8]>>,
    /// The files of the last rebuild (good or not).
    files: BTreeMap<Arc<str>, Arc<[u8]>>,
    /// The last rebuild's files collided: check every path next time.
    collided: bool,
}

/// A file under `content/`.
enum Entry {
    /// A document file: its load diagnostics; the document itself (when it could be read)
    /// lives in the site.
    Document(Vec<Diagnostic>),
    /// Any other file.
    Asset,
    /// Refused by the walk (a symbolic link, a name that is not UTF-8).
    Refused(Diagnostic),
}

/// What rendering a document left for the rest of the site.
struct DocState {
    page: Arc<[u8]>,
    item: ItemView,
    item_value: tera::Value,
    item_digest: u64,
    search: SearchDoc,
    diagnostics: Vec<Diagnostic>,
    assets: Vec<PathBuf>,
    links: Vec<(String, LinkResolution)>,
    /// What the page read, by id.
    read_docs: Vec<u32>,
    read_links: Vec<u32>,
    whole_site: bool,
}

/// Stable numbers for source paths.
#[derive(Default)]
struct Ids {
    by_path: HashMap<PathBuf, u32>,
}

impl Ids {
    fn of(&mut self, path: &Path) -> u32 {
        if let Some(&id) = self.by_path.get(path) {
            return id;
        }
        let id = self.by_path.len() as u32;
        self.by_path.insert(path.to_path_buf(), id);
        id
    }
}

/// What changed since the last rebuild, as the site's documents see it.
struct Changes {
    /// Ids of documents read again, added or removed.
    docs: HashSet<u32>,
    /// Ids of documents whose link facts changed (or that appeared or vanished).
    links: HashSet<u32>,
    /// Anything at all changed (documents, link facts, the set of files).
    any: bool,
}

impl Engine {
    /// Full build into memory (never writes to disk). Errors in content are not `Err`:
    /// they are diagnostics, and the site has no good snapshot yet if the first build fails.
    pub fn new(opts: BuildOptions) -> Result<Engine> {
        let mut roots = vec![opts.root.clone()];
        if let Ok(abs) = std::fs::canonicalize(&opts.root) {
            roots.push(abs);
        }
        if let Ok(cwd) = std::env::current_dir() {
            roots.push(cwd.join(&opts.root));
        }
        let mut engine = Engine {
            opts,
            roots,
            snapshot: Arc::new(Snapshot::default()),
            diagnostics: Vec::new(),
            state: None,
            timings: Vec::new(),
        };
        engine.rebuild_full(Instant::now())?;
        Ok(engine)
    }

    /// Apply changed paths (absolute or root-relative; created, modified or deleted —
    /// the engine stats them). Returns what was done.
    pub fn rebuild(&mut self, changed: &[PathBuf]) -> Result<RebuildSummary> {
        let start = Instant::now();
        self.timings.clear();
        let mut content = BTreeSet::new();
        for path in changed {
            match self.classify(path) {
                Class::Content(rel) => {
                    content.insert(rel);
                }
                Class::Everything => return self.rebuild_full(start),
                Class::Ignored => {}
            }
        }
        let Some(mut state) = self.state.take() else {
            return self.rebuild_full(start);
        };
        match self.incremental(&mut state, &content, start) {
            Ok(summary) => {
                self.state = Some(state);
                Ok(summary)
            }
            // Half-updated state is not reused: the next rebuild starts over.
            Err(e) => Err(e),
        }
    }

    /// The current site, cheap to clone, safe to hand to server threads. After a
    /// rebuild with errors, this is still the last good site.
    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.snapshot.clone()
    }

    /// Diagnostics of the last rebuild (errors and warnings, sorted).
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// Wall time of each step of the last rebuild, in order (for measurements).
    pub fn timings(&self) -> &[(&'static str, Duration)] {
        &self.timings
    }

    /// Where a changed path belongs.
    fn classify(&self, path: &Path) -> Class {
        let rel = if path.is_absolute() {
            match self.roots.iter().find_map(|r| path.strip_prefix(r).ok()) {
                Some(rel) => rel.to_path_buf(),
                None => return Class::Ignored,
            }
        } else {
            path.to_path_buf()
        };
        let parts: Vec<&str> = match rel
            .components()
            .map(|c| match c {
                Component::Normal(s) => s.to_str().ok_or(()),
                Component::CurDir => Ok(""),
                _ => Err(()),
            })
            .collect::<std::result::Result<Vec<_>, _>>()
        {
            Ok(p) => p.into_iter().filter(|p| !p.is_empty()).collect(),
            // A name that is not UTF-8, or `..`: let a full walk judge it.
            Err(()) => return Class::Everything,
        };
        match parts.first().copied() {
            None => Class::Everything,
            Some("config.toml" | "templates" | "static" | "themes") => Class::Everything,
            Some("content") if parts.len() == 1 => Class::Everything,
            Some("content") => {
                // Hidden entries are not part of the site, wherever they are.
                if parts.iter().any(|p| load::is_hidden(p)) {
                    Class::Ignored
                } else {
                    Class::Content(PathBuf::from(parts.join("/")))
                }
            }
            Some(_) => Class::Ignored,
        }
    }

    /// Start over: configuration, theme, every file.
    fn rebuild_full(&mut self, start: Instant) -> Result<RebuildSummary> {
        self.state = None;
        self.timings.clear();
        let Prepared {
            config,
            diagnostics: prepared_diagnostics,
            deny,
            ..
        } = build::prepare(&self.opts)?;
        let mut theme = Theme::load(&self.opts.root, &config.theme)?;
        let content_dir = self.opts.root.join("content");
        if !content_dir.is_dir() {
            return Err(Error::NoContent { path: content_dir });
        }
        let mut entries = BTreeMap::new();
        let mut docs = Vec::new();
        if content_dir.symlink_metadata().is_ok_and(|m| m.is_symlink()) {
            entries.insert(
                PathBuf::from("content"),
                Entry::Refused(load::symlink_refused(Path::new("content"))),
            );
        } else {
            let walked = load::walk(&self.opts.root, &content_dir)?;
            docs = self.add_walk(&mut entries, walked);
        }
        let reparsed = docs.len();
        let content = Content {
            documents: docs,
            assets: BTreeSet::new(),
            diagnostics: Vec::new(),
            // The input fingerprint is for the output folder's manifest only.
            digest: None,
        };
        let mut pristine = HashMap::new();
        let (site, link_diagnostics) =
            link_content(content, &entries, config, self.opts.as_of, &mut pristine);
        render::set_globals(&site, &mut theme)?;
        self.timings.push(("load, link", start.elapsed()));
        let static_files = render::static_files(&theme)
            .into_iter()
            .map(|f| (f.path, bytes_of(f.content)))
            .collect();
        let mut state = State {
            prepared_diagnostics,
            deny,
            theme,
            ids: Ids::default(),
            entries,
            site,
            pristine,
            link_diagnostics,
            docs: HashMap::new(),
            link_fingerprints: HashMap::new(),
            listing_pages: HashMap::new(),
            site_pages: Vec::new(),
            static_files,
            asset_bytes: HashMap::new(),
            search: None,
            search_files: BTreeMap::new(),
            files: BTreeMap::new(),
            collided: true,
        };
        let all: HashSet<u32> = HashSet::new();
        let mut summary = self.render(&mut state, all, true, reparsed, start)?;
        summary.kind = RebuildKind::Full;
        self.state = Some(state);
        Ok(summary)
    }

    /// Read the documents a walk found; record every entry.
    fn add_walk(
        &self,
        entries: &mut BTreeMap<PathBuf, Entry>,
        walked: load::Walk,
    ) -> Vec<Document> {
        for d in walked.diagnostics {
            let path = d.file.clone().unwrap_or_default();
            entries.insert(path, Entry::Refused(d));
        }
        for a in walked.assets {
            entries.insert(a, Entry::Asset);
        }
        let loaded: Vec<(PathBuf, Option<Document>, Vec<Diagnostic>)> = walked
            .documents
            .into_par_iter()
            .map(|rel| {
                let mut diags = Vec::new();
                let doc = load::load_file(
                    &self.opts.root,
                    &rel,
                    self.opts.encoding,
                    &model::read_document,
                    &mut diags,
                );
                (rel, doc, diags)
            })
            .collect();
        let mut docs = Vec::new();
        for (rel, doc, diags) in loaded {
            entries.insert(rel, Entry::Document(diags));
            docs.extend(doc);
        }
        docs
    }

    fn incremental(
        &mut self,
        state: &mut State,
        changed: &BTreeSet<PathBuf>,
        start: Instant,
    ) -> Result<RebuildSummary> {
        // Documents of the last rebuild, by path, as parsed.
        let placeholder = empty_site(&state.site);
        let old_site = std::mem::replace(&mut state.site, placeholder);
        let mut by_path: HashMap<PathBuf, Document> = old_site
            .docs
            .into_iter()
            .map(|d| (d.source.clone(), d))
            .collect();
        for (path, d) in state.pristine.drain() {
            by_path.insert(path, d);
        }
        let config = old_site.config;
        let mut changed_docs: HashSet<u32> = HashSet::new();
        let mut files_changed = false;
        let mut reparsed = 0;
        for rel in changed {
            // Whatever was at or below the path is gone; what is there now is walked.
            let below: Vec<PathBuf> = state
                .entries
                .range(rel.clone()..)
                .take_while(|(p, _)| p.starts_with(rel))
                .map(|(p, _)| p.clone())
                .collect();
            for p in below {
                if let Some(Entry::Document(_)) = state.entries.remove(&p) {
                    by_path.remove(&p);
                    changed_docs.insert(state.ids.of(&p));
                }
                state.asset_bytes.remove(&p);
                files_changed = true;
            }
            let full = self.opts.root.join(rel);
            if full.symlink_metadata().is_err() || !parents_are_plain(&self.opts.root, rel) {
                continue;
            }
            let walked = load::walk(&self.opts.root, &full)?;
            files_changed = true;
            for d in self.add_walk(&mut state.entries, walked) {
                by_path.insert(d.source.clone(), d);
            }
            for (p, e) in state.entries.range(rel.clone()..) {
                if !p.starts_with(rel) {
                    break;
                }
                if matches!(e, Entry::Document(_)) {
                    changed_docs.insert(state.ids.of(p));
                    reparsed += 1;
                }
            }
        }
        let mut docs: Vec<Document> = by_path.into_values().collect();
        docs.sort_by(|a, b| a.source.cmp(&b.source));
        let content = Content {
            documents: docs,
            assets: BTreeSet::new(),
            diagnostics: Vec::new(),
            // The input fingerprint is for the output folder's manifest only.
            digest: None,
        };
        let (site, link_diagnostics) = link_content(
            content,
            &state.entries,
            config,
            self.opts.as_of,
            &mut state.pristine,
        );
        state.site = site;
        state.link_diagnostics = link_diagnostics;
        self.timings.push(("load, link", start.elapsed()));

        let mut summary = self.render(state, changed_docs, files_changed, reparsed, start)?;
        summary.kind = RebuildKind::Incremental;
        Ok(summary)
    }

    /// Validate, render what can have changed, assemble the files, publish when good.
    fn render(
        &mut self,
        state: &mut State,
        changed_docs: HashSet<u32>,
        files_changed: bool,
        reparsed: usize,
        start: Instant,
    ) -> Result<RebuildSummary> {
        let site = &state.site;
        let mut timings = Vec::new();
        let mut clock = Instant::now();
        let mut lap = |timings: &mut Vec<(&'static str, Duration)>, name: &'static str| {
            let now = Instant::now();
            timings.push((name, now - clock));
            clock = now;
        };
        let (checks, _sync) = validate::validate(site);
        lap(&mut timings, "validate");

        // Ids of the documents now on the site, by position.
        let ids: Vec<u32> = site.docs.iter().map(|d| state.ids.of(&d.source)).collect();
        let present: HashSet<u32> = ids.iter().copied().collect();

        // What changed, as pages read it.
        let fingerprints: Vec<u64> = (0..site.docs.len())
            .into_par_iter()
            .map(|i| link_fingerprint(site, i, &ids))
            .collect();
        let mut changes = Changes {
            docs: changed_docs,
            links: HashSet::new(),
            any: false,
        };
        let mut new_fingerprints = HashMap::with_capacity(ids.len());
        for (&id, &fp) in ids.iter().zip(&fingerprints) {
            if state.link_fingerprints.get(&id) != Some(&fp) {
                changes.links.insert(id);
            }
            new_fingerprints.insert(id, fp);
        }
        for id in state.link_fingerprints.keys() {
            if !present.contains(id) {
                changes.links.insert(*id);
                changes.docs.insert(*id);
            }
        }
        state.link_fingerprints = new_fingerprints;
        let mut search_changed = state.docs.len() != present.len()
            || state.docs.keys().any(|id| !present.contains(id))
            || state.search.is_none();
        // What the search index must forget and learn: documents gone first, then the
        // new entries (a URL can pass from one document to another).
        let mut search_gone: Vec<search::DocChange> = Vec::new();
        let mut search_new: Vec<search::DocChange> = Vec::new();
        let search_kept = state.search.is_some();
        for (id, d) in &state.docs {
            if search_kept && !present.contains(id) {
                search_gone.push(search::DocChange::Remove(d.search.url.clone()));
            }
        }
        state.docs.retain(|id, _| present.contains(id));
        changes.any = files_changed
            || !changes.docs.is_empty()
            || !changes.links.is_empty()
            || state.files.is_empty();

        lap(&mut timings, "fingerprints");
        // Document pages.
        let stale: Vec<usize> = (0..site.docs.len())
            .into_par_iter()
            .filter(|&i| match state.docs.get(&ids[i]) {
                None => true,
                Some(s) => {
                    changes.docs.contains(&ids[i])
                        || s.read_docs.iter().any(|j| changes.docs.contains(j))
                        || s.read_links.iter().any(|j| changes.links.contains(j))
                        || (s.whole_site && changes.any)
                        || !render::links_resolve_as_before(site, &site.docs[i], &s.links)
                }
            })
            .collect();
        let theme = &state.theme;
        let rendered_docs: Vec<(usize, Result<render::DocPage>)> = stale
            .par_iter()
            .map(|&i| (i, render::render_document(site, theme, i, Recording::On)))
            .collect();
        let mut rendered = rendered_docs.len();
        for (i, page) in rendered_docs {
            let page = page?;
            let to_id = |j: &usize| ids[*j];
            let doc = DocState {
                item_digest: render::item_digest(&page.item),
                page: bytes_of(page.page.content),
                item: page.item,
                item_value: page.item_value,
                search: page.search,
                diagnostics: page.diagnostics,
                assets: page.assets,
                links: page.links,
                read_docs: page.reads.docs.iter().map(to_id).collect(),
                read_links: page.reads.links.iter().map(to_id).collect(),
                whole_site: page.reads.whole_site,
            };
            match state.docs.get(&ids[i]) {
                Some(old) if old.search == doc.search => {}
                old => {
                    search_changed = true;
                    if search_kept {
                        if let Some(old) = old {
                            search_gone.push(search::DocChange::Remove(old.search.url.clone()));
                        }
                        search_new.push(search::DocChange::Upsert(Box::new(doc.search.clone())));
                    }
                }
            }
            state.docs.insert(ids[i], doc);
        }
        let doc = |i: usize| &state.docs[&ids[i]];

        lap(&mut timings, "document pages");
        // Listing pages: kept when their digest is unchanged.
        let plan = ListingPlan::new(site);
        let pages = plan.pages();
        let digests: Vec<(String, u64)> = pages
            .par_iter()
            .map(|&p| (plan.path(p), plan.digest(p, |i| doc(i).item_digest)))
            .collect();
        let to_render: Vec<usize> = (0..pages.len())
            .filter(|&k| {
                state.listing_pages.get(&digests[k].0).map(|(d, _)| *d) != Some(digests[k].1)
            })
            .collect();
        let site_pages_stale = changes.any || state.site_pages.is_empty();
        // Listing and whole-site pages take the items by position.
        let items: Vec<ItemView> = if site_pages_stale {
            (0..site.docs.len()).map(|i| doc(i).item.clone()).collect()
        } else {
            Vec::new()
        };
        let item_values: Vec<tera::Value> = if to_render.is_empty() {
            Vec::new()
        } else {
            (0..site.docs.len())
                .map(|i| doc(i).item_value.clone())
                .collect()
        };
        let ids_to_render: Vec<_> = to_render.iter().map(|&k| pages[k]).collect();
        let listing_files = plan.render(site, theme, &item_values, &ids_to_render)?;
        rendered += listing_files.len();
        let mut new_listing_pages = HashMap::with_capacity(pages.len());
        let mut fresh: HashMap<String, Arc<[u8]>> = HashMap::new();
        for f in listing_files {
            fresh.insert(f.path, bytes_of(f.content));
        }
        for (path, digest) in &digests {
            let bytes = match fresh.remove(path) {
                Some(b) => b,
                None => match state.listing_pages.get(path) {
                    Some((_, b)) => b.clone(),
                    // Two listings on one path: the fresh copy went to the first.
                    None => Arc::from(Vec::new()),
                },
            };
            new_listing_pages.insert(path.clone(), (*digest, bytes));
        }
        state.listing_pages = new_listing_pages;

        lap(&mut timings, "listing pages");
        // Pages across the whole site.
        if site_pages_stale {
            state.site_pages = render::site_pages(site, theme, &items)?
                .into_iter()
                .map(|f| (f.path, bytes_of(f.content)))
                .collect();
            rendered += state.site_pages.len();
        }

        lap(&mut timings, "site pages");
        // Published attachments.
        let assets =
            render::published_assets(site, (0..site.docs.len()).map(|i| doc(i).assets.as_slice()));
        state.asset_bytes.retain(|p, _| assets.contains(p));
        for a in &assets {
            if !state.asset_bytes.contains_key(a) {
                let full = self.opts.root.join(a);
                let bytes = std::fs::read(&full).map_err(|e| Error::io("读取附件", &full, e))?;
                state.asset_bytes.insert(a.clone(), bytes.into());
                rendered += 1;
            }
        }

        // The search index: updated with the entries that changed; built from every
        // document's entry the first time, or when URLs are shared (an update replaces
        // by URL, so the index would not hold every document: such a site has E0121).
        if search_changed {
            let updated = match state.search.as_mut() {
                Some(index) => {
                    search_gone.append(&mut search_new);
                    let changes = index.update(search_gone);
                    (index.len() == ids.len()).then_some(changes)
                }
                None => None,
            };
            match updated {
                Some(changes) => {
                    rendered += changes.written.len();
                    for p in &changes.removed {
                        state.search_files.remove(p);
                    }
                    for (p, b) in changes.written {
                        state.search_files.insert(p, Arc::from(b));
                    }
                }
                None => {
                    let index =
                        search::SearchIndex::build(ids.iter().map(|id| &state.docs[id].search));
                    state.search_files = index
                        .files()
                        .map(|(p, b)| (p.to_string(), Arc::from(b)))
                        .collect();
                    rendered += state.search_files.len();
                    state.search = Some(index);
                }
            }
        }
        lap(&mut timings, "search");
        let doc = |i: usize| &state.docs[&ids[i]];

        // Assemble in the order a build hands files over, so collisions are found alike.
        let mut files: BTreeMap<Arc<str>, Arc<[u8]>> = BTreeMap::new();
        let mut collisions: Vec<Collision> = Vec::new();
        let mut add = |files: &mut BTreeMap<Arc<str>, Arc<[u8]>>, path: &str, bytes: Arc<[u8]>| {
            if files.contains_key(path) {
                collisions.push(Collision {
                    path: path.to_string(),
                    other: path.to_string(),
                });
            } else {
                files.insert(Arc::from(path), bytes);
            }
        };
        for (i, d) in site.docs.iter().enumerate() {
            add(
                &mut files,
                &format!("{}index.html", d.url),
                doc(i).page.clone(),
            );
        }
        for (path, _) in &digests {
            add(&mut files, path, state.listing_pages[path].1.clone());
        }
        for (path, bytes) in state.site_pages.iter().chain(&state.static_files) {
            add(&mut files, path, bytes.clone());
        }
        for a in &assets {
            add(
                &mut files,
                &render::asset_url(a),
                state.asset_bytes[a].clone(),
            );
        }
        for (path, bytes) in &state.search_files {
            add(&mut files, path, bytes.clone());
        }
        let finish = Finish::new(&files);
        output::finish(site, &finish)?;
        for f in finish.into_files() {
            add(&mut files, &f.path, bytes_of(f.content));
            rendered += 1;
        }
        // A file where another needs a folder: only paths new to this rebuild can clash,
        // unless the last rebuild already had a clash.
        for path in files.keys() {
            if !state.collided && state.files.contains_key(path) {
                continue;
            }
            if let Some(other) = folder_clash(&files, path) {
                collisions.push(Collision {
                    path: path.to_string(),
                    other,
                });
            }
        }

        lap(&mut timings, "assemble, sitemap, feed");
        // Diagnostics, as a build gathers them.
        let mut diagnostics = state.prepared_diagnostics.clone();
        for e in state.entries.values() {
            match e {
                Entry::Document(d) => diagnostics.extend(d.iter().cloned()),
                Entry::Refused(d) => diagnostics.push(d.clone()),
                Entry::Asset => {}
            }
        }
        diagnostics.extend(state.link_diagnostics.iter().cloned());
        diagnostics.extend(checks);
        for i in 0..site.docs.len() {
            diagnostics.extend(doc(i).diagnostics.iter().cloned());
        }
        diag::sort(&mut diagnostics);
        diagnostics.dedup();
        state.deny.apply(&mut diagnostics);

        state.collided = !collisions.is_empty();
        if state.collided {
            // Pages that shared a path kept one digest between them: trust none.
            state.listing_pages.clear();
        }
        state.files = files;
        if state.collided {
            // Which file claimed a path first is the build's business: ask it.
            let (outcome, _) =
                build::pipeline(&self.opts, Arc::new(Silent), |_| Ok(Memory::new()))?;
            diagnostics = outcome.diagnostics;
        }
        let errors = diag::error_count(&diagnostics);
        let warnings = diagnostics.len() - errors;
        lap(&mut timings, "diagnostics");
        self.timings.extend(timings);
        if errors == 0 {
            self.snapshot = Arc::new(Snapshot {
                files: state.files.clone(),
                generation: self.snapshot.generation + 1,
            });
        }
        self.diagnostics = diagnostics;
        Ok(RebuildSummary {
            reparsed,
            rendered,
            elapsed: start.elapsed(),
            kind: RebuildKind::Incremental,
            errors,
            warnings,
        })
    }
}

/// Where a changed path belongs.
enum Class {
    /// A file or folder under `content/`, root-relative.
    Content(PathBuf),
    /// Configuration, templates, static files, theme: start over.
    Everything,
    /// Not part of the site's sources (the output folder, hidden files…).
    Ignored,
}

/// Link the documents with the assets the entries hold. Link fills in the totals of
/// annual reports, so a copy of each report as parsed goes into `pristine` first: the
/// next rebuild links from what the officer wrote, as a build would.
fn link_content(
    mut content: Content<Document>,
    entries: &BTreeMap<PathBuf, Entry>,
    config: crate::config::Config,
    as_of: crate::date::Date,
    pristine: &mut HashMap<PathBuf, Document>,
) -> (Site, Vec<Diagnostic>) {
    pristine.clear();
    for d in &content.documents {
        if matches!(d.data, KindData::AnnualReport(_)) {
            pristine.insert(d.source.clone(), d.clone());
        }
    }
    content.assets = entries
        .iter()
        .filter(|(_, e)| matches!(e, Entry::Asset))
        .map(|(p, _)| p.clone())
        .collect();
    link::link(content, config, as_of)
}

/// A site with nothing in it but the configuration, to hold a place while the real one
/// is taken apart.
fn empty_site(site: &Site) -> Site {
    let content = Content {
        documents: Vec::new(),
        assets: BTreeSet::new(),
        diagnostics: Vec::new(),
        // The input fingerprint is for the output folder's manifest only.
        digest: None,
    };
    link::link(content, site.config.clone(), site.as_of).0
}

/// Whether every folder between `content/` and `rel` is a plain folder (a symbolic link
/// on the way is refused where it is, and nothing below it is part of the site).
fn parents_are_plain(root: &Path, rel: &Path) -> bool {
    let mut dir = root.to_path_buf();
    let parts: Vec<_> = rel.components().collect();
    for part in &parts[..parts.len().saturating_sub(1)] {
        dir.push(part);
        match dir.symlink_metadata() {
            Ok(m) if m.is_dir() => {}
            _ => return false,
        }
    }
    true
}

/// Everything link decided about document `i`, as one number; documents named by id, so
/// the number does not change when other files come and go.
pub fn link_fingerprint(site: &Site, i: usize, ids: &[u32]) -> u64 {
    let f = site.link_facts(i);
    let mut h = std::collections::hash_map::DefaultHasher::new();
    let id = |j: &usize| ids[*j];
    format!("{:?}", f.validity).hash(&mut h);
    f.interpretations_of
        .iter()
        .map(id)
        .collect::<Vec<_>>()
        .hash(&mut h);
    f.policies_of
        .iter()
        .map(id)
        .collect::<Vec<_>>()
        .hash(&mut h);
    f.repealed_by.as_ref().map(id).hash(&mut h);
    f.amended_by
        .iter()
        .map(|j| j.as_ref().map(id))
        .collect::<Vec<_>>()
        .hash(&mut h);
    f.acts_on.iter().map(id).collect::<Vec<_>>().hash(&mut h);
    f.versions.iter().map(id).collect::<Vec<_>>().hash(&mut h);
    format!("{:?}", f.sync).hash(&mut h);
    for a in f.attachments {
        a.hash(&mut h);
        a.as_ref()
            .is_ok_and(|p| site.assets.contains(p))
            .hash(&mut h);
    }
    f.report_series
        .iter()
        .map(id)
        .collect::<Vec<_>>()
        .hash(&mut h);
    h.finish()
}

/// The path an existing file that `path` clashes with as file versus folder, if any.
fn folder_clash(files: &BTreeMap<Arc<str>, Arc<[u8]>>, path: &str) -> Option<String> {
    for (i, _) in path.match_indices('/') {
        if files.contains_key(&path[..i]) {
            return Some(path[..i].to_string());
        }
    }
    let folder = format!("{path}/");
    files
        .range::<str, _>((
            std::ops::Bound::Included(folder.as_str()),
            std::ops::Bound::Unbounded,
        ))
        .next()
        .filter(|(p, _)| p.starts_with(&folder))
        .map(|(p, _)| p.to_string())
}

/// The sink `output::finish` writes sitemap, feed and robots into: it sees every path of
/// the site (the sitemap lists the pages) and keeps only what it is given.
struct Finish {
    paths: Vec<String>,
    files: Mutex<Vec<OutputFile>>,
}

impl Finish {
    fn new(files: &BTreeMap<Arc<str>, Arc<[u8]>>) -> Finish {
        Finish {
            paths: files.keys().map(|k| k.to_string()).collect(),
            files: Mutex::new(Vec::new()),
        }
    }

    fn into_files(self) -> Vec<OutputFile> {
        self.files
            .into_inner()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Sink for Finish {
    fn put(&self, file: OutputFile) -> Result<()> {
        self.files
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .push(file);
        Ok(())
    }

    fn paths(&self) -> Vec<String> {
        self.paths.clone()
    }

    fn collisions(&self) -> Vec<Collision> {
        Vec::new()
    }
}

fn bytes_of(content: OutputContent) -> Arc<[u8]> {
    match content {
        OutputContent::Bytes(b) => b.into(),
        // Pages and generated files are bytes; attachments are read by the engine.
        OutputContent::Copy(_) => Arc::from(Vec::new()),
    }
}

/// Every file of a site by path, as bytes.
pub type Files = BTreeMap<String, Vec<u8>>;

/// The site's files as bytes: attachments are read into memory, so the snapshot does not
/// change when the officer edits or deletes the source file before the next rebuild.
pub fn read_files(root: &Path, files: BTreeMap<String, OutputContent>) -> Result<Files> {
    files
        .into_iter()
        .map(|(path, content)| {
            let bytes = match content {
                OutputContent::Bytes(b) => b,
                OutputContent::Copy(src) => {
                    let full = root.join(&src);
                    std::fs::read(&full).map_err(|e| Error::io("读取附件", &full, e))?
                }
            };
            Ok((path, bytes))
        })
        .collect()
}

/// A fresh full build of the site into memory with `build::pipeline`, the reference the
/// engine is held to: its files (attachments read) and diagnostics.
pub fn full_build(opts: &BuildOptions) -> Result<(Files, Vec<Diagnostic>)> {
    let (outcome, memory) = build::pipeline(opts, Arc::new(Silent), |_| Ok(Memory::new()))?;
    let files = read_files(&opts.root, memory.into_files())?;
    Ok((files, outcome.diagnostics))
}
