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
//!   in source-path order, from the last rebuild. Bodies (but annual reports') stay in
//!   their files, as in a build, and a page rendered again reads its body back: a file
//!   changed since it was read is E0930 for that rebuild, and its own event, next, reads
//!   it again. A change to `config.toml`,
//!   `templates/`, `static/` or `themes/` starts over ([`RebuildKind::Full`]).
//! - **Link and validate** run whole: they are fast (hash lookups), and every relation,
//!   validity and diagnostic then comes from the same code as a build's. A save that
//!   changed only the text of documents (each equal to its last version in every field,
//!   line number and front-matter byte) skips both: they read no body, so they would
//!   find what they found last time ([`Engine::bodies_only`]). When a title changed too
//!   (and link reads it alike, and only the title's lines of the front matter moved),
//!   link is skipped the same way and validate runs again ([`Edit::Title`]).
//! - **What changed** is told by numbers kept per document — the [`link_fingerprint`]
//!   and the meta digest (the document serialised: all but its body) — and over the site:
//!   the *shape* (all of the linked site but the bodies) and the *resolve key* (what a
//!   relative link resolves against).
//! - **Document pages** record what they read while rendered ([`render::Reads`]: the
//!   documents, the link facts of documents, or the whole site). A page is rendered again
//!   when its own file changed, when a document it read changed or vanished, when the link
//!   facts of a document it read changed, when it read the whole site and anything
//!   changed, or (when the resolve key changed) when a relative link in its body now
//!   resolves differently.
//! - **Listing pages** are compared by a digest of everything they are rendered from (the
//!   listing with its facets and counts, the page number, the digest of each item shown):
//!   equal digest, equal bytes, so the page is kept. The plan of listings stands while the
//!   documents agree with it on what listings read of them (`render::ListingPlan::still_fits`);
//!   then only pages showing an item that changed are digested again. With the built-in
//!   listing templates a listing page is not produced by a rebuild at all: the engine
//!   keeps its digest (to count changed pages) and a marker, and the snapshot writes the
//!   page when it is requested, from an immutable view of the listings — the plan, the
//!   parts every page of a listing shares (kept per listing while its digest stands) and
//!   every document's item ([`render::ListingPages`]). A new document then costs its item
//!   and a new plan, not the thousands of pages it shifts. A site with its own listing
//!   templates has its listing pages rendered through Tera and kept, as files are.
//! - **Whole-site pages** (home, site map, search page, 404, column pages, the normative
//!   catalogue) are considered when the shape or an item changed, and each is rendered
//!   only when its template context differs from last time's ([`render::PageMemo`]).
//!   `sitemap.xml` is produced again when a path came or went or a document's URL or
//!   date changed (it reads nothing else), `feed.xml` when the shape changed.
//! - **The search index** is updated in place with the search entries that changed
//!   (`search::SearchIndex::update`), which rewrites only the files they touch. Only a
//!   digest of each entry is kept, not its text; an index built whole (first build, shared
//!   URLs) renders the entries it lacks again.
//! - **The served files** are patched (each producer takes away what it no longer makes
//!   and puts what it made); a collision sends the engine back to assembling every file
//!   in a build's order. Files are kept deflated ([`Snapshot::get`] inflates), and a
//!   snapshot shares the map of every file with the ones before it, adding only the
//!   paths changed since.

use crate::build::{self, BuildOptions, Prepared};
use crate::diag::{self, Deny, Diagnostic};
use crate::digest::{self, Digest};
use crate::error::{Error, Result};
use crate::link::{self, Site};
use crate::load::{self, Content};
use crate::markdown::LinkResolution;
use crate::model::{self, Document, KindData};
use crate::output::{self, Collision};
use crate::progress::Silent;
use crate::render::{
    self, ItemView, ListingFrames, ListingPageId, ListingPages, ListingPlan, Recording, SearchDoc,
    Theme,
};
use crate::search;
use crate::sink::{Memory, OutputContent, OutputFile, Sink};
use crate::validate;
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The files of a site by path, each kept packed ([`pack`]).
type FileMap = BTreeMap<Arc<str>, Arc<[u8]>>;

/// The paths changed since a snapshot's base: the file now, or `None` when removed.
type Overlay = BTreeMap<Arc<str>, Option<Arc<[u8]>>>;

/// One version of the site: every file by site path (`policies/x/index.html`), each
/// kept deflated in memory.
///
/// A rebuild changes a handful of the site's files, and copying a map of every file for
/// each new version took longer than many rebuilds: a snapshot is a `base` shared with
/// earlier versions and an `overlay` of the paths changed since (`None`: removed). The
/// overlay is folded into a new base once it holds [`OVERLAY_LIMIT`] paths.
#[derive(Debug, Default)]
pub struct Snapshot {
    base: Arc<FileMap>,
    overlay: Arc<Overlay>,
    generation: u64,
    /// What the listing pages stored as [`WRITTEN`] are written from, as of this version.
    listings: Option<Arc<ListingPages>>,
}

/// Paths an overlay may hold before it is folded into a new base: copying the overlay
/// for each version stays cheap, and a fold (a copy of every path) comes seldom.
const OVERLAY_LIMIT: usize = 2048;

impl Snapshot {
    /// The packed file at `path`.
    fn stored(&self, path: &str) -> Option<&Arc<[u8]>> {
        match self.overlay.get(path) {
            Some(changed) => changed.as_ref(),
            None => self.base.get(path),
        }
    }

    /// The bytes of the file at `path` (no leading `/`), if the site has it.
    pub fn get(&self, path: &str) -> Option<Arc<[u8]>> {
        let stored = self.stored(path)?;
        if is_written(stored) {
            return self.listings.as_ref()?.write(path).map(Into::into);
        }
        Some(unpack(stored).into())
    }

    /// Whether the site has a file at `path`.
    pub fn contains(&self, path: &str) -> bool {
        self.stored(path).is_some()
    }

    /// Which good build this is: 1 for the first, one more for each rebuild that
    /// replaced the site; 0 while no build has succeeded.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Every path of the site, sorted.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        let mut base = self
            .base
            .keys()
            .filter(|k| !self.overlay.contains_key(&***k))
            .map(|k| &**k)
            .peekable();
        let mut added = self
            .overlay
            .iter()
            .filter(|(_, v)| v.is_some())
            .map(|(k, _)| &**k)
            .peekable();
        // Two sorted lists without common paths, merged.
        std::iter::from_fn(move || match (base.peek(), added.peek()) {
            (Some(b), Some(a)) if a < b => added.next(),
            (Some(_), _) => base.next(),
            (None, _) => added.next(),
        })
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
    /// Listing pages whose content changed but that were not produced: they are written
    /// when requested ([`Snapshot::get`]).
    pub listed: usize,
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
    /// The linked site of the last rebuild (good or not); shared only with validate's
    /// thread during a rebuild.
    site: Arc<Site>,
    /// Annual reports as parsed: link fills in their totals, and a report must be
    /// linked from what the officer wrote each time.
    pristine: HashMap<PathBuf, Document>,
    link_diagnostics: Vec<Diagnostic>,
    /// What validate found in the last rebuild: kept while link and validate would see the
    /// same site (only bodies changed, see [`Engine::bodies_only`]).
    checks: Vec<Diagnostic>,
    /// The documents' ids by position, as of the last rebuild.
    order: Vec<u32>,
    docs: FxHashMap<u32, DocState>,
    link_fingerprints: FxHashMap<u32, u64>,
    /// [`meta_digest`] of each document, by id.
    metas: FxHashMap<u32, u64>,
    /// [`Keys::shape`] and [`Keys::resolve`] of the last rebuild.
    keys: Option<Keys>,
    /// The listing plan of the last rebuild, while the site's shape stays the same.
    listings: Option<Listings>,
    /// Each listing page's digest and its stored bytes ([`WRITTEN`] for a page written
    /// on request), by path.
    listing_pages: HashMap<String, (u64, Arc<[u8]>)>,
    /// What the next snapshot writes listing pages from.
    listing_view: Option<Arc<ListingPages>>,
    /// The whole-site pages' contexts, so an unchanged one is not rendered again.
    site_memo: render::PageMemo,
    site_pages: Vec<(String, Arc<[u8]>)>,
    /// Each document's catalogue path by position (`render::filed_paths`), for
    /// the whole-site pages: a path is worked out again only for a document read again.
    filed: Vec<Option<String>>,
    static_files: Vec<(String, Arc<[u8]>)>,
    asset_bytes: HashMap<PathBuf, Arc<[u8]>>,
    /// The attachments published by the last rebuild.
    published: BTreeSet<PathBuf>,
    /// The search index, updated in place from the documents whose search entry changed.
    search: Option<search::SearchIndex>,
    search_files: BTreeMap<String, Arc<[u8]>>,
    /// `sitemap.xml`, `feed.xml`, `robots.txt` (and what else `output::finish` adds).
    finish_files: Vec<(String, Arc<[u8]>)>,
    /// [`sitemap_key`] when `sitemap.xml` was last made.
    sitemap_key: Option<u64>,
    /// The sitemap's line of each HTML page of `files`, by path
    /// ([`output::sitemap_entry`]): a new page costs its line, not the 28,000 of a
    /// large site. `None` until the files are first assembled.
    sitemap_lines: Option<BTreeMap<Arc<str>, Box<str>>>,
    /// The files of the last rebuild (good or not): patched, not rebuilt, when nothing
    /// collided.
    files: FileMap,
    /// Paths of `files` changed since the last snapshot was published (every path, when
    /// `files` was assembled anew: [`Unpublished::All`]).
    unpublished: Unpublished,
    /// The last rebuild's files collided: check every path next time.
    collided: bool,
}

/// What changed in the engine's files since the last published snapshot.
enum Unpublished {
    /// These paths (added, changed or removed).
    Paths(BTreeSet<Arc<str>>),
    /// Anything: the files were assembled anew.
    All,
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

/// A digest of every field of a search entry, its text included: an entry whose digest
/// is unchanged need not be indexed again.
fn search_digest(entry: &SearchDoc) -> Digest {
    let SearchDoc {
        url,
        kind,
        kind_label,
        title,
        doc_no,
        index_no,
        issuer,
        date,
        year,
        validity,
        keywords,
        text,
    } = entry;
    let mut h = digest::Hasher::new();
    // Each piece with its length (or absence) first, so no two entries write the same bytes.
    let mut put = |piece: Option<&[u8]>| match piece {
        Some(b) => {
            h.update(&[1]);
            h.update(&(b.len() as u64).to_le_bytes());
            h.update(b);
        }
        None => h.update(&[0]),
    };
    for s in [url, kind, kind_label, title, text] {
        put(Some(s.as_bytes()));
    }
    for s in [doc_no, index_no, issuer, date, validity] {
        put(s.as_deref().map(str::as_bytes));
    }
    let year = year.map(i32::to_le_bytes);
    put(year.as_ref().map(|y| &y[..]));
    put(Some(&(keywords.len() as u64).to_le_bytes()));
    for k in keywords {
        put(Some(k.as_bytes()));
    }
    h.finish()
}

/// Digests of what whole-site pages and relative links are made from.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Keys {
    /// Everything of the linked site but the documents' bodies: which documents, in which
    /// order, each one's [`meta_digest`] and [`link_fingerprint`], and the assets.
    /// Listings, whole-site pages, the sitemap and the feed read nothing else of it.
    shape: u64,
    /// What a relative link resolves against: the documents' sources and URLs, the assets.
    resolve: u64,
}

/// The listing pages as last planned: kept while the site's shape is unchanged, when
/// only the items of edited documents can differ.
struct Listings {
    plan: Arc<ListingPlan>,
    /// The parts each listing's pages share, written once per listing.
    frames: Arc<ListingFrames>,
    /// Each page by path.
    by_path: Arc<HashMap<Arc<str>, ListingPageId>>,
    pages: Vec<ListingPageId>,
    /// Path and digest of each page.
    digests: Vec<(String, u64)>,
    /// The pages showing each document, by position.
    pages_of: Vec<Vec<u32>>,
}

/// What rendering a document left for the rest of the site.
struct DocState {
    /// Its page's site path, `{url}index.html`.
    path: Arc<str>,
    page: Arc<[u8]>,
    item: Arc<ItemView>,
    item_value: tera::Value,
    item_digest: u64,
    /// The URL of its search entry (what the index replaces and removes by) and a digest
    /// of the whole entry as the index holds it: the text itself is not kept (on the
    /// 10,000-policy site the texts are over 100 MB); an index built whole renders it again.
    search_url: String,
    search_digest: Digest,
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
    by_path: FxHashMap<PathBuf, u32>,
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
    docs: FxHashSet<u32>,
    /// Ids of documents whose link facts changed (or that appeared or vanished).
    links: FxHashSet<u32>,
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
        let site = Arc::new(site);
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
            checks: Vec::new(),
            order: Vec::new(),
            docs: FxHashMap::default(),
            link_fingerprints: FxHashMap::default(),
            metas: FxHashMap::default(),
            keys: None,
            listings: None,
            listing_pages: HashMap::new(),
            listing_view: None,
            site_memo: render::PageMemo::default(),
            site_pages: Vec::new(),
            filed: Vec::new(),
            static_files,
            asset_bytes: HashMap::new(),
            published: BTreeSet::new(),
            search: None,
            search_files: BTreeMap::new(),
            finish_files: Vec::new(),
            sitemap_key: None,
            sitemap_lines: None,
            files: BTreeMap::new(),
            unpublished: Unpublished::All,
            collided: true,
        };
        let all: FxHashSet<u32> = FxHashSet::default();
        let mut summary =
            self.render(&mut state, all, true, false, Linked::Anew, reparsed, start)?;
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
        // Bodies stay on disk, as in a build: a page rendered again reads its body back,
        // and a file changed since it was read is E0930 until its own event re-reads it.
        let origin = Arc::new(model::BodyOrigin {
            root: self.opts.root.clone(),
            encoding: self.opts.encoding,
        });
        let read = |file: load::SourceFile<'_>, out: &mut Vec<Diagnostic>| {
            model::read_document(file, out).map(|d| d.leave_body_on_disk(&origin))
        };
        let loaded: Vec<(PathBuf, Option<Document>, Vec<Diagnostic>)> = walked
            .documents
            .into_par_iter()
            .map(|rel| {
                let mut diags = Vec::new();
                let doc =
                    load::load_file(&self.opts.root, &rel, self.opts.encoding, &read, &mut diags);
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
        if let Some(summary) = self.bodies_only(state, changed, start)? {
            return Ok(summary);
        }
        // The documents of the last rebuild, in source-path order, patched in place: the
        // changed paths' documents go, what is there now comes in at its place.
        let placeholder = Arc::new(empty_site(&state.site));
        let old_site = std::mem::replace(&mut state.site, placeholder);
        // Validate's thread is joined before a rebuild succeeds: the site is not shared.
        let Ok(old_site) = Arc::try_unwrap(old_site) else {
            return Err(Error::Usage(
                "预览引擎内部错误：上一次的站点仍被占用；下次保存时将全部重新生成".into(),
            ));
        };
        let config = old_site.config;
        let mut docs = old_site.docs;
        // Annual reports are linked again from what the officer wrote.
        for (path, d) in state.pristine.drain() {
            if let Ok(k) = docs.binary_search_by(|x| x.source.as_path().cmp(&path)) {
                docs[k] = d;
            }
        }
        let mut changed_docs: FxHashSet<u32> = FxHashSet::default();
        let mut files_changed = false;
        let mut reparsed = 0;
        let mut gone: Vec<PathBuf> = Vec::new();
        let mut came: Vec<Document> = Vec::new();
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
                    changed_docs.insert(state.ids.of(&p));
                    gone.push(p.clone());
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
            came.extend(self.add_walk(&mut state.entries, walked));
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
        // Positions of the documents that go (a file that did not parse has none).
        let mut drop: Vec<usize> = gone
            .iter()
            .filter_map(|p| docs.binary_search_by(|x| x.source.as_path().cmp(p)).ok())
            .collect();
        drop.sort_unstable();
        drop.dedup();
        // The same documents before and after: positions, and so ids by position, stay.
        let mut came_paths: Vec<&Path> = came.iter().map(|d| d.source.as_path()).collect();
        came_paths.sort();
        let same_docs = drop
            .iter()
            .map(|&k| docs[k].source.as_path())
            .eq(came_paths);
        if !drop.is_empty() {
            let mut k = 0;
            docs.retain(|_| {
                k += 1;
                drop.binary_search(&(k - 1)).is_err()
            });
        }
        if came.len() > 64 {
            docs.extend(came);
            docs.sort_by(|a, b| a.source.cmp(&b.source));
        } else {
            for d in came {
                match docs.binary_search_by(|x| x.source.cmp(&d.source)) {
                    Ok(k) => docs[k] = d,
                    Err(k) => docs.insert(k, d),
                }
            }
        }
        let loaded = start.elapsed();
        self.timings.push(("load", loaded));
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
        state.site = Arc::new(site);
        state.link_diagnostics = link_diagnostics;
        self.timings.push(("link", start.elapsed() - loaded));

        let mut summary = self.render(
            state,
            changed_docs,
            files_changed,
            same_docs,
            Linked::Anew,
            reparsed,
            start,
        )?;
        summary.kind = RebuildKind::Incremental;
        Ok(summary)
    }

    /// The commonest save: the text of documents changed and nothing link or validate
    /// reads. When every changed path is a document file the site already holds (not an
    /// annual report: validate reads a report's sections in its body), still one document
    /// file, and its document equals the last one in everything but the body (all fields,
    /// the line numbers of each, the front matter), then link and validate would produce
    /// what they did last time: the documents are put into the linked site as they are
    /// and the rebuild goes straight to the pages. The next commonest, a title edit, goes
    /// the same way with validate run again ([`Edit::Title`]). `None`, having changed
    /// nothing, when the change is anything else.
    fn bodies_only(
        &mut self,
        state: &mut State,
        changed: &BTreeSet<PathBuf>,
        start: Instant,
    ) -> Result<Option<RebuildSummary>> {
        if changed.is_empty() || state.keys.is_none() {
            return Ok(None);
        }
        // Without link, the link facts of every document are last time's: they must be known.
        if state.link_fingerprints.len() != state.site.docs.len() {
            return Ok(None);
        }
        let mut fresh = Vec::with_capacity(changed.len());
        // A title changed too: validate (whose messages name documents by title) runs.
        let mut titled = false;
        for rel in changed {
            if !matches!(state.entries.get(rel), Some(Entry::Document(_))) {
                return Ok(None);
            }
            let Ok(k) = state
                .site
                .docs
                .binary_search_by(|x| x.source.as_path().cmp(rel))
            else {
                return Ok(None);
            };
            if matches!(state.site.docs[k].data, KindData::AnnualReport(_)) {
                return Ok(None);
            }
            let full = self.opts.root.join(rel);
            if !full.symlink_metadata().is_ok_and(|m| m.is_file())
                || !parents_are_plain(&self.opts.root, rel)
            {
                return Ok(None);
            }
            // Read as the general path reads it: the same walk, the same loader.
            let mut entries = BTreeMap::new();
            let walked = load::walk(&self.opts.root, &full)?;
            let mut came = self.add_walk(&mut entries, walked);
            let (Some(doc), None, 1) = (came.pop(), came.pop(), entries.len()) else {
                return Ok(None);
            };
            let Some((path, entry)) = entries.pop_first() else {
                return Ok(None);
            };
            if path != *rel || doc.source != *rel {
                return Ok(None);
            }
            match edit_of(&state.site.docs[k], &doc) {
                Edit::Body => {}
                Edit::Title => titled = true,
                Edit::Other => return Ok(None),
            }
            fresh.push((k, path, entry, doc));
        }
        // Validate's thread is joined before a rebuild succeeds: the site is not shared.
        let Some(site) = Arc::get_mut(&mut state.site) else {
            return Ok(None);
        };
        let mut ids = FxHashSet::default();
        let reparsed = fresh.len();
        for (k, path, entry, doc) in fresh {
            ids.insert(state.ids.of(&path));
            state.entries.insert(path, entry);
            site.docs[k] = doc;
        }
        self.timings.push(("load", start.elapsed()));
        let linked = Linked::Kept { revalidate: titled };
        let mut summary = self.render(state, ids, true, true, linked, reparsed, start)?;
        summary.kind = RebuildKind::Incremental;
        Ok(Some(summary))
    }

    /// Validate, render what can have changed, assemble the files, publish when good.
    /// `same_docs`: the site has the same documents, in the same order, as last time.
    /// `linked`: whether link ran, or the site is the last one with bodies (and titles)
    /// replaced, so every link fact still holds.
    #[allow(clippy::too_many_arguments)]
    fn render(
        &mut self,
        state: &mut State,
        changed_docs: FxHashSet<u32>,
        files_changed: bool,
        same_docs: bool,
        linked: Linked,
        reparsed: usize,
        start: Instant,
    ) -> Result<RebuildSummary> {
        // Validate reads the linked site and nothing the pages change: on a thread of its
        // own, beside the pages (most of which are rendered on one thread), joined when
        // the diagnostics are gathered.
        let revalidate = matches!(linked, Linked::Anew | Linked::Kept { revalidate: true });
        let validating = revalidate.then(|| {
            let site = state.site.clone();
            std::thread::Builder::new()
                .name("gongkai-validate".into())
                .spawn(move || validate::validate(&site).0)
        });
        let site: &Site = &state.site;
        let mut timings = Vec::new();
        let mut clock = Instant::now();
        let mut lap = |timings: &mut Vec<(&'static str, Duration)>, name: &'static str| {
            let now = Instant::now();
            timings.push((name, now - clock));
            clock = now;
        };

        // Ids of the documents now on the site, by position.
        let (ids, order_same): (Vec<u32>, bool) =
            if same_docs && state.order.len() == site.docs.len() {
                (std::mem::take(&mut state.order), true)
            } else {
                let ids: Vec<u32> = site.docs.iter().map(|d| state.ids.of(&d.source)).collect();
                let same = ids == state.order;
                (ids, same)
            };
        let present: FxHashSet<u32> = ids.iter().copied().collect();

        // What changed, as pages read it.
        let mut changes = Changes {
            docs: changed_docs,
            links: FxHashSet::default(),
            any: false,
        };
        // Without link, the link facts are last time's (needed only when a title, and so
        // the shape, changed).
        let fingerprints: Vec<u64> = match linked {
            Linked::Anew => {
                let fingerprints: Vec<u64> = (0..site.docs.len())
                    .into_par_iter()
                    .map(|i| link_fingerprint(site, i, &ids))
                    .collect();
                for (&id, &fp) in ids.iter().zip(&fingerprints) {
                    if state.link_fingerprints.insert(id, fp) != Some(fp) {
                        changes.links.insert(id);
                    }
                }
                fingerprints
            }
            // `bodies_only` made sure every document has one.
            Linked::Kept { revalidate: true } => ids
                .iter()
                .map(|id| state.link_fingerprints.get(id).copied().unwrap_or(u64::MAX))
                .collect(),
            Linked::Kept { revalidate: false } => Vec::new(),
        };
        if state.link_fingerprints.len() != present.len() {
            state.link_fingerprints.retain(|id, _| {
                let keep = present.contains(id);
                if !keep {
                    changes.links.insert(*id);
                    changes.docs.insert(*id);
                }
                keep
            });
        }
        // The documents' fields but their bodies: read again only for documents read again
        // (link changes no other document's fields, and fills an annual report's totals
        // the same way each time).
        let metas: Vec<u64> = ids
            .iter()
            .enumerate()
            .map(|(i, id)| {
                if changes.docs.contains(id) {
                    let m = meta_digest(&site.docs[i]);
                    state.metas.insert(*id, m);
                    m
                } else {
                    *state
                        .metas
                        .entry(*id)
                        .or_insert_with(|| meta_digest(&site.docs[i]))
                }
            })
            .collect();
        if state.metas.len() != present.len() {
            state.metas.retain(|id, _| present.contains(id));
        }
        // Without link and with the same titles, the documents are the same but for their
        // bodies (equal metas, equal link facts, same URLs): the keys are last time's.
        let (shape_same, resolve_same) = if revalidate {
            let keys = site_keys(site, &ids, &metas, &fingerprints);
            let shape_same = state.keys.is_some_and(|k| k.shape == keys.shape);
            let resolve_same = state.keys.is_some_and(|k| k.resolve == keys.resolve);
            state.keys = Some(keys);
            (shape_same, resolve_same)
        } else {
            (state.keys.is_some(), state.keys.is_some())
        };

        let mut search_changed = state.docs.len() != present.len()
            || state.docs.keys().any(|id| !present.contains(id))
            || state.search.is_none();
        // What the search index must forget and learn: documents gone first, then the
        // new entries (a URL can pass from one document to another).
        let mut search_gone: Vec<search::DocChange> = Vec::new();
        let mut search_new: Vec<search::DocChange> = Vec::new();
        let search_kept = state.search.is_some();
        // The files this rebuild takes away and puts in (a changed file is both).
        let mut patch = Patch::default();
        for (id, d) in &state.docs {
            if !present.contains(id) {
                patch.remove(&d.path);
                if search_kept {
                    search_gone.push(search::DocChange::Remove(d.search_url.clone()));
                }
            }
        }
        // The entries of the documents rendered this time, by position, while the index
        // is to be built whole (no index kept): each text goes into it once.
        let mut fresh_search: Vec<Option<SearchDoc>> = if search_kept {
            Vec::new()
        } else {
            vec![None; ids.len()]
        };
        state.docs.retain(|id, _| present.contains(id));
        changes.any = files_changed
            || !changes.docs.is_empty()
            || !changes.links.is_empty()
            || state.files.is_empty();

        lap(&mut timings, "fingerprints");
        // Document pages. A relative link can only resolve differently when a source, a
        // URL or an asset changed. (Ids are small numbers: what changed is a bitmap.)
        let bitmap = |set: &FxHashSet<u32>| {
            let mut bits = vec![false; state.ids.by_path.len()];
            for &id in set {
                bits[id as usize] = true;
            }
            bits
        };
        let (doc_changed, links_changed) = (bitmap(&changes.docs), bitmap(&changes.links));
        let stale: Vec<usize> = (0..site.docs.len())
            .into_par_iter()
            .filter(|&i| match state.docs.get(&ids[i]) {
                None => true,
                Some(s) => {
                    doc_changed[ids[i] as usize]
                        || s.read_docs.iter().any(|&j| doc_changed[j as usize])
                        || s.read_links.iter().any(|&j| links_changed[j as usize])
                        || (s.whole_site && changes.any)
                        || (!resolve_same
                            && !render::links_resolve_as_before(site, &site.docs[i], &s.links))
                }
            })
            .collect();
        let theme = &state.theme;
        // Each page with its packed bytes.
        type Packed = (render::DocPage, Arc<[u8]>);
        let rendered_docs: Vec<(usize, Result<Packed>)> = stale
            .par_iter()
            .map(|&i| {
                let page = render::render_document(site, theme, i, Recording::On).map(|mut p| {
                    let bytes =
                        std::mem::replace(&mut p.page.content, OutputContent::Bytes(Vec::new()));
                    (p, bytes_of(bytes))
                });
                (i, page)
            })
            .collect();
        let mut rendered = rendered_docs.len();
        // Positions of the documents whose item (what lists show) changed.
        let mut item_changed: Vec<usize> = Vec::new();
        for (i, page) in rendered_docs {
            let (mut page, bytes) = page?;
            let to_id = |j: &usize| ids[*j];
            let path: Arc<str> = Arc::from(page.page.path.as_str());
            let search = std::mem::take(&mut page.search);
            let doc = DocState {
                item_digest: render::item_digest(&page.item),
                path: path.clone(),
                page: bytes,
                item: Arc::new(page.item),
                item_value: page.item_value,
                search_digest: search_digest(&search),
                search_url: search.url.clone(),
                diagnostics: page.diagnostics,
                assets: page.assets,
                links: page.links,
                read_docs: page.reads.docs.iter().map(to_id).collect(),
                read_links: page.reads.links.iter().map(to_id).collect(),
                whole_site: page.reads.whole_site,
            };
            let old = state.docs.get(&ids[i]);
            if old.is_none_or(|old| old.item_digest != doc.item_digest) {
                item_changed.push(i);
            }
            if let Some(old) = old {
                patch.remove(&old.path);
            }
            patch.put(path, doc.page.clone());
            match old {
                Some(old) if search_kept && old.search_digest == doc.search_digest => {}
                old => {
                    search_changed = true;
                    if search_kept {
                        if let Some(old) = old {
                            search_gone.push(search::DocChange::Remove(old.search_url.clone()));
                        }
                        search_new.push(search::DocChange::Upsert(Box::new(search)));
                    } else {
                        fresh_search[i] = Some(search);
                    }
                }
            }
            state.docs.insert(ids[i], doc);
        }
        let doc = |i: usize| &state.docs[&ids[i]];

        lap(&mut timings, "document pages");
        // A search update reads only the entries that changed, and nothing until the
        // search step below reads the index: it runs beside the listing and site pages,
        // on the other core. (Built whole, below, it needs every entry first.)
        let mut updating = if search_changed {
            state.search.take()
        } else {
            None
        };
        let update_input = updating.as_ref().map(|_| {
            let mut gone = std::mem::take(&mut search_gone);
            gone.append(&mut search_new);
            gone
        });
        let (search_update, pages) = rayon::join(
            || {
                updating
                    .as_mut()
                    .zip(update_input)
                    .map(|(index, gone)| index.update(gone))
            },
            || -> Result<(bool, usize)> {
                // Listing pages: kept when their digest is unchanged. While the same documents
                // agree with the plan on what listings read of them, the plan stands, and only
                // the pages showing a changed item can differ. With the built-in listing
                // templates, a page is not produced here at all: the snapshot writes it when it
                // is requested, from the listings' frames and the items ([`ListingPages`]), so a
                // new document costs its item, not the thousands of pages it shifts.
                let item_digest = |i: usize| doc(i).item_digest;
                let mut to_render: Vec<usize> = Vec::new();
                let mut listings_collide = false;
                let touched = (0..ids.len())
                    .filter(|&i| doc_changed[ids[i] as usize] || links_changed[ids[i] as usize]);
                let plan_fits = order_same
                    && state
                        .listings
                        .as_ref()
                        .is_some_and(|l| l.plan.still_fits(site, touched));
                let planned_anew = !plan_fits;
                match state.listings.as_mut().filter(|_| plan_fits) {
                    Some(l) => {
                        let mut ks: Vec<u32> = item_changed
                            .iter()
                            .flat_map(|&i| l.pages_of[i].iter().copied())
                            .collect();
                        ks.sort_unstable();
                        ks.dedup();
                        for k in ks {
                            let k = k as usize;
                            let digest = l.plan.digest(l.pages[k], item_digest);
                            if digest != l.digests[k].1 {
                                l.digests[k].1 = digest;
                                to_render.push(k);
                            }
                        }
                    }
                    None => {
                        // Documents neither read again nor with changed link facts
                        // read the same to listings: their facts are last plan's.
                        let old_positions: FxHashMap<u32, usize> = if order_same {
                            FxHashMap::default()
                        } else {
                            state
                                .order
                                .iter()
                                .enumerate()
                                .map(|(k, &id)| (id, k))
                                .collect()
                        };
                        let kept = |i: usize| {
                            let id = ids[i];
                            if doc_changed[id as usize] || links_changed[id as usize] {
                                None
                            } else if order_same {
                                Some(i)
                            } else {
                                old_positions.get(&id).copied()
                            }
                        };
                        let old_plan = state.listings.as_ref().map(|l| &*l.plan);
                        let plan = ListingPlan::reusing(site, old_plan, kept);
                        let frames =
                            plan.frames(site, theme, state.listings.as_ref().map(|l| &*l.frames));
                        let pages = plan.pages();
                        let digests: Vec<(String, u64)> = pages
                            .par_iter()
                            .map(|&p| (plan.path(p), plan.digest(p, item_digest)))
                            .collect();
                        let mut pages_of: Vec<Vec<u32>> = vec![Vec::new(); site.docs.len()];
                        for (k, &p) in pages.iter().enumerate() {
                            for i in plan.items(p) {
                                pages_of[i].push(k as u32);
                            }
                        }
                        to_render = (0..pages.len())
                            .filter(|&k| {
                                state.listing_pages.get(&digests[k].0).map(|(d, _)| *d)
                                    != Some(digests[k].1)
                            })
                            .collect();
                        let by_path: HashMap<Arc<str>, ListingPageId> = digests
                            .iter()
                            .zip(&pages)
                            .map(|((p, _), &id)| (Arc::from(p.as_str()), id))
                            .collect();
                        listings_collide = by_path.len() != digests.len();
                        let old_paths: Vec<String> = state
                            .listing_pages
                            .keys()
                            .filter(|p| !by_path.contains_key(p.as_str()))
                            .cloned()
                            .collect();
                        for p in old_paths {
                            state.listing_pages.remove(&p);
                            patch.remove(&p);
                        }
                        state.listings = Some(Listings {
                            plan: Arc::new(plan),
                            frames: Arc::new(frames),
                            by_path: Arc::new(by_path),
                            pages,
                            digests,
                            pages_of,
                        });
                    }
                }
                let l = state.listings.as_ref().expect("planned");
                // Pages written on request: only their digest and [`WRITTEN`] are kept.
                let (written, to_render): (Vec<usize>, Vec<usize>) = to_render
                    .into_iter()
                    .partition(|&k| l.plan.written(&l.frames, l.pages[k]));
                let listed = written.len();
                for k in written {
                    let (path, digest) = &l.digests[k];
                    match state.listing_pages.get_mut(path) {
                        Some((d, bytes)) if is_written(bytes) => *d = *digest,
                        old => {
                            let p: Arc<str> = Arc::from(path.as_str());
                            if old.is_some() {
                                patch.remove(&p);
                            }
                            patch.put(p, written_marker());
                            state
                                .listing_pages
                                .insert(path.clone(), (*digest, written_marker()));
                        }
                    }
                }
                if planned_anew || !item_changed.is_empty() || state.listing_view.is_none() {
                    let items: Arc<Vec<Arc<ItemView>>> =
                        Arc::new((0..ids.len()).map(|i| doc(i).item.clone()).collect());
                    let view = match &state.listing_view {
                        Some(v) if !planned_anew => v.with_items(items),
                        _ => ListingPages::new(
                            l.plan.clone(),
                            l.frames.clone(),
                            items,
                            l.by_path.clone(),
                        ),
                    };
                    state.listing_view = Some(Arc::new(view));
                }
                let ids_to_render: Vec<_> = to_render.iter().map(|&k| l.pages[k]).collect();
                let item_value = |i: usize| &doc(i).item_value;
                let item = |i: usize| &*doc(i).item;
                // In slices, packed as they come, so thousands of pages are never held unpacked.
                let mut listing_files: Vec<(String, Arc<[u8]>)> =
                    Vec::with_capacity(to_render.len());
                for slice in ids_to_render.chunks(512) {
                    let files = l.plan.render(site, theme, &item_value, &item, slice)?;
                    listing_files
                        .par_extend(files.into_par_iter().map(|f| (f.path, bytes_of(f.content))));
                }
                rendered += listing_files.len();
                for ((f_path, bytes), &k) in listing_files.into_iter().zip(&to_render) {
                    // `render` hands pages back in the order asked (by listing, then page).
                    debug_assert_eq!(f_path, l.digests[k].0);
                    let path: Arc<str> = Arc::from(f_path.as_str());
                    if state.listing_pages.contains_key(&f_path) {
                        patch.remove(&path);
                    }
                    patch.put(path, bytes.clone());
                    state.listing_pages.insert(f_path, (l.digests[k].1, bytes));
                }

                lap(&mut timings, "listing pages");
                // Pages across the whole site: they read the site's shape and the items; each is
                // rendered again only when its template context differs from last time's.
                // A document's catalogue path reads the document and the configuration only.
                if order_same && state.filed.len() == ids.len() {
                    for (i, id) in ids.iter().enumerate() {
                        if doc_changed[*id as usize] {
                            state.filed[i] = render::filed_path(site, i);
                        }
                    }
                } else {
                    state.filed = render::filed_paths(site);
                }
                if !shape_same || !item_changed.is_empty() || state.site_pages.is_empty() {
                    let item = |i: usize| &*doc(i).item;
                    let fresh = render::site_pages(
                        site,
                        &state.site_memo.with(theme),
                        &item,
                        &state.filed,
                    )?;
                    let old: HashMap<&str, &Arc<[u8]>> = state
                        .site_pages
                        .iter()
                        .map(|(p, b)| (p.as_str(), b))
                        .collect();
                    let mut pages = Vec::with_capacity(fresh.len());
                    for f in fresh {
                        // Packing is deterministic: equal packed bytes, equal pages.
                        let new = bytes_of(f.content);
                        let bytes = match old.get(f.path.as_str()) {
                            Some(b) if b[..] == new[..] => (*b).clone(),
                            _ => {
                                rendered += 1;
                                new
                            }
                        };
                        pages.push((f.path, bytes));
                    }
                    let new: Vec<(&str, &Arc<[u8]>)> =
                        pages.iter().map(|(p, b)| (p.as_str(), b)).collect();
                    let old_pages: Vec<(&str, &Arc<[u8]>)> = state
                        .site_pages
                        .iter()
                        .map(|(p, b)| (p.as_str(), b))
                        .collect();
                    patch.diff(&old_pages, &new);
                    drop(old);
                    state.site_pages = pages;
                }

                lap(&mut timings, "site pages");
                Ok((listings_collide, listed))
            },
        );
        let (listings_collide, listed) = pages?;
        // Published attachments.
        let assets =
            render::published_assets(site, (0..site.docs.len()).map(|i| doc(i).assets.as_slice()));
        state.asset_bytes.retain(|p, _| assets.contains(p));
        for a in &state.published {
            if !assets.contains(a) {
                patch.remove(&render::asset_url(a));
            }
        }
        for a in &assets {
            if !state.asset_bytes.contains_key(a) {
                let full = self.opts.root.join(a);
                let bytes: Arc<[u8]> =
                    pack(&std::fs::read(&full).map_err(|e| Error::io("读取附件", &full, e))?);
                state.asset_bytes.insert(a.clone(), bytes.clone());
                let url: Arc<str> = Arc::from(render::asset_url(a));
                if state.published.contains(a) {
                    patch.remove(&url);
                }
                patch.put(url, bytes);
                rendered += 1;
            } else if !state.published.contains(a) {
                patch.put(
                    Arc::from(render::asset_url(a)),
                    state.asset_bytes[a].clone(),
                );
            }
        }
        state.published = assets;

        // The search index: updated with the entries that changed; built from every
        // document's entry the first time, or when URLs are shared (an update replaces
        // by URL, so the index would not hold every document: such a site has E0121).
        // The files it writes are kept packed like every other.
        if search_changed {
            let updated = match (updating, search_update) {
                (Some(index), Some(changes)) => {
                    let whole = index.len() == ids.len();
                    state.search = Some(index);
                    whole.then_some(changes)
                }
                _ => None,
            };
            match updated {
                Some(changes) => {
                    rendered += changes.written.len();
                    for p in &changes.removed {
                        if state.search_files.remove(p).is_some() {
                            patch.remove(p);
                        }
                    }
                    let written: Vec<(String, Arc<[u8]>)> = changes
                        .written
                        .into_par_iter()
                        .map(|(p, b)| (p, plain(&b)))
                        .collect();
                    for (p, b) in written {
                        let path: Arc<str> = Arc::from(p.as_str());
                        if state.search_files.insert(p, b.clone()).is_some() {
                            patch.remove(&path);
                        }
                        patch.put(path, b);
                    }
                }
                None => {
                    // The entries not rendered this time (the update replaced by URL,
                    // or the index is new) are rendered again for their texts.
                    let missing: Vec<usize> = (0..ids.len())
                        .filter(|&i| fresh_search.get(i).is_none_or(Option::is_none))
                        .collect();
                    let again: Vec<(usize, SearchDoc)> = missing
                        .into_par_iter()
                        .map(|i| {
                            render::render_document(site, theme, i, Recording::Off)
                                .map(|p| (i, p.search))
                        })
                        .collect::<Result<_>>()?;
                    fresh_search.resize(ids.len(), None);
                    for (i, s) in again {
                        // What the index now holds (a body changed on disk since is read
                        // as empty, with E0930): its own event then indexes it again.
                        if let Some(d) = state.docs.get_mut(&ids[i]) {
                            d.search_digest = search_digest(&s);
                        }
                        fresh_search[i] = Some(s);
                    }
                    let (index, files) = search::SearchIndex::build_owned_with_files(
                        fresh_search.into_iter().flatten().collect(),
                    );
                    let files: BTreeMap<String, Arc<[u8]>> =
                        files.into_par_iter().map(|(p, b)| (p, plain(&b))).collect();
                    for p in state.search_files.keys() {
                        patch.remove(p);
                    }
                    for (p, b) in &files {
                        patch.put(Arc::from(p.as_str()), b.clone());
                    }
                    state.search_files = files;
                    rendered += state.search_files.len();
                    state.search = Some(index);
                }
            }
        }
        lap(&mut timings, "search");
        let doc = |i: usize| &state.docs[&ids[i]];

        // sitemap.xml lists the pages with the URLs and dates of the documents; the feed
        // reads the site's shape; the rest of what `output::finish` adds, the
        // configuration only. Each is made again only when what it reads changed.
        let paths_changed = patch.changes_paths(&state.files);
        let sitemap_key = sitemap_key(site);
        let sitemap_stale = paths_changed || state.sitemap_key != Some(sitemap_key);
        let mut collisions: Vec<Collision> = Vec::new();
        if !state.collided && !listings_collide {
            // Patch the last rebuild's files: only new paths can clash.
            // The HTML pages that come, go or change: their sitemap lines are made again.
            let pages_touched: Vec<Arc<str>> = patch
                .removed
                .iter()
                .chain(patch.put.iter().map(|(p, _)| p))
                .filter(|p| p.ends_with("index.html"))
                .cloned()
                .collect();
            collisions = patch.apply(&mut state.files, &mut state.unpublished);
            // Everything `output::finish` adds, made the first time; after that, a stale
            // sitemap is made again from its kept lines (the pages that came, went or
            // changed get new ones), all its files, since their number can change (one per
            // 50,000 pages), and the feed with it.
            let fresh: Option<Vec<(String, Arc<[u8]>)>> = if state.finish_files.is_empty() {
                let finish = Finish::new(&state.files);
                output::finish(site, &finish)?;
                let fresh: Vec<(String, Arc<[u8]>)> = finish
                    .into_files()
                    .into_iter()
                    .map(|f| (f.path, bytes_of(f.content)))
                    .collect();
                // Nothing was kept before: every file is new.
                rendered += fresh.len();
                Some(fresh)
            } else if sitemap_stale {
                let lines =
                    sitemap_lines(&mut state.sitemap_lines, &state.files, &pages_touched, site);
                let lines: Vec<&str> = lines.values().map(|l| &**l).collect();
                // Kept as they are, like the search files: deflating a large site's
                // sitemap took longer than making it from its lines.
                let mut fresh: Vec<(String, Arc<[u8]>)> =
                    output::sitemap_files_of(&site.config.base_url, &lines)
                        .into_iter()
                        .map(|(path, text)| (path, plain(text.as_bytes())))
                        .collect();
                // The rest of what `output::finish` adds, in its order: the feed
                // reads the documents; the others, the configuration only.
                for (path, bytes) in &state.finish_files {
                    if output::is_sitemap_path(path) {
                        continue;
                    }
                    let bytes = match path.as_str() {
                        output::FEED_PATH => pack(output::feed_text(site).as_bytes()),
                        _ => bytes.clone(),
                    };
                    fresh.push((path.clone(), bytes));
                }
                rendered += fresh
                    .iter()
                    .filter(|(path, bytes)| {
                        !state
                            .finish_files
                            .iter()
                            .any(|(p, b)| p == path && b[..] == bytes[..])
                    })
                    .count();
                Some(fresh)
            } else if !shape_same {
                let mut fresh = state.finish_files.clone();
                for (path, bytes) in fresh.iter_mut() {
                    let text = match path.as_str() {
                        output::FEED_PATH => output::feed_text(site),
                        _ => continue,
                    };
                    let new = pack(text.as_bytes());
                    // Packing is deterministic: equal packed bytes, equal files.
                    if new[..] != bytes[..] {
                        *bytes = new;
                        rendered += 1;
                    }
                }
                Some(fresh)
            } else {
                None
            };
            if let Some(fresh) = fresh {
                let mut again = Patch::default();
                let old: Vec<(&str, &Arc<[u8]>)> = state
                    .finish_files
                    .iter()
                    .map(|(p, b)| (p.as_str(), b))
                    .collect();
                let new: Vec<(&str, &Arc<[u8]>)> =
                    fresh.iter().map(|(p, b)| (p.as_str(), b)).collect();
                again.diff(&old, &new);
                collisions.extend(again.apply(&mut state.files, &mut state.unpublished));
                state.finish_files = fresh;
            }
        }
        state.sitemap_key = Some(sitemap_key);
        if state.collided || listings_collide || !collisions.is_empty() {
            // Assemble in the order a build hands files over, so collisions are found
            // alike.
            let mut files: BTreeMap<Arc<str>, Arc<[u8]>> = BTreeMap::new();
            collisions.clear();
            let mut add =
                |files: &mut BTreeMap<Arc<str>, Arc<[u8]>>, path: &str, bytes: Arc<[u8]>| {
                    if files.contains_key(path) {
                        collisions.push(Collision {
                            path: path.to_string(),
                            other: path.to_string(),
                        });
                    } else {
                        files.insert(Arc::from(path), bytes);
                    }
                };
            for i in 0..site.docs.len() {
                add(&mut files, &doc(i).path, doc(i).page.clone());
            }
            let l = state.listings.as_ref().expect("planned");
            for (path, _) in &l.digests {
                let bytes = match state.listing_pages.get(path) {
                    Some((_, b)) => b.clone(),
                    None => Arc::from(Vec::new()),
                };
                add(&mut files, path, bytes);
            }
            for (path, bytes) in state.site_pages.iter().chain(&state.static_files) {
                add(&mut files, path, bytes.clone());
            }
            for a in &state.published {
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
            state.finish_files = finish
                .into_files()
                .into_iter()
                .map(|f| (f.path, bytes_of(f.content)))
                .collect();
            for (path, bytes) in &state.finish_files {
                add(&mut files, path, bytes.clone());
                rendered += 1;
            }
            // A file where another needs a folder.
            for path in files.keys() {
                if let Some(other) = folder_clash(&files, path) {
                    collisions.push(Collision {
                        path: path.to_string(),
                        other,
                    });
                }
            }
            state.files = files;
            state.unpublished = Unpublished::All;
            state.sitemap_lines = None;
            sitemap_lines(&mut state.sitemap_lines, &state.files, &[], site);
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
        match validating {
            // No thread could be started: validate here.
            Some(Err(_)) => state.checks = validate::validate(site).0,
            Some(Ok(thread)) => match thread.join() {
                Ok(checks) => state.checks = checks,
                Err(panic) => std::panic::resume_unwind(panic),
            },
            None => {}
        }
        lap(&mut timings, "validate (wait)");
        diagnostics.extend(state.checks.iter().cloned());
        for i in 0..site.docs.len() {
            diagnostics.extend(doc(i).diagnostics.iter().cloned());
        }
        diag::sort(&mut diagnostics);
        diagnostics.dedup();
        state.deny.apply(&mut diagnostics);

        state.collided = !collisions.is_empty();
        if state.collided {
            // Pages that shared a path kept one digest between them: trust none, and
            // assemble every file again next time.
            state.listing_pages.clear();
            state.listings = None;
            state.listing_view = None;
        }
        state.order = ids;
        if state.collided {
            // Which file claimed a path first is the build's business: ask it.
            let (outcome, _) =
                build::pipeline(&self.opts, Arc::new(Silent), |_| Ok(Memory::new()))?;
            diagnostics = outcome.diagnostics;
        }
        let errors = diag::error_count(&diagnostics);
        let warnings = diagnostics.len() - errors;
        lap(&mut timings, "diagnostics");
        if errors == 0 {
            let unpublished =
                std::mem::replace(&mut state.unpublished, Unpublished::Paths(BTreeSet::new()));
            self.snapshot = Arc::new(next_snapshot(
                &self.snapshot,
                &state.files,
                unpublished,
                state.listing_view.clone(),
            ));
        }
        lap(&mut timings, "snapshot");
        self.timings.extend(timings);
        self.diagnostics = diagnostics;
        Ok(RebuildSummary {
            reparsed,
            rendered,
            listed,
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

/// Whether link ran for a rebuild, or what it found last time stands.
#[derive(Clone, Copy)]
enum Linked {
    /// Link ran on the whole site: link facts and keys are worked out again, validate runs.
    Anew,
    /// The site is the last one with documents replaced by versions that link reads
    /// alike ([`edit_of`]); validate runs again when a title changed (`revalidate`),
    /// since its messages name documents by title.
    Kept { revalidate: bool },
}

/// How a document read again differs from its last version, as link and validate see it.
#[derive(Debug, PartialEq, Eq)]
enum Edit {
    /// Only the body: link and validate read no body (but an annual report's, which
    /// [`Engine::bodies_only`] leaves to the general path).
    Body,
    /// The title (and maybe the body). Link reads a title only to tell a provisional
    /// document's default period (`validity::provisional_title`), which is the same;
    /// the front matter differs only in lines that are the title's, so every key of
    /// every diagnostic is on the same line as before.
    Title,
    /// Anything else.
    Other,
}

/// Compare every field (those left out of the serialised form too, such as line
/// numbers; `Debug` prints every field of every nested type), the front matter and
/// where it and the body start.
fn edit_of(old: &Document, new: &Document) -> Edit {
    let without = |d: &Document, title: bool| {
        let mut d = d.clone();
        d.body = model::Body::Text(String::new());
        if title {
            d.title = String::new();
            d.front = String::new();
        }
        format!("{d:?}")
    };
    if without(old, false) == without(new, false) {
        return Edit::Body;
    }
    let same_lines = old.front.lines().count() == new.front.lines().count()
        && old.front.lines().zip(new.front.lines()).all(|(a, b)| {
            a == b || (title_key_of(a).is_some() && title_key_of(a) == title_key_of(b))
        });
    let link_reads_alike = crate::rules::validity::provisional_title(&old.title)
        == crate::rules::validity::provisional_title(&new.title);
    if same_lines && link_reads_alike && without(old, true) == without(new, true) {
        Edit::Title
    } else {
        Edit::Other
    }
}

/// Which of the title key's names diagnostics would find on this front-matter line (the
/// rule of `diag::line_of_key`). A line that holds the title key holds no other key.
fn title_key_of(line: &str) -> Option<&'static str> {
    let title = model::keys::TITLE;
    std::iter::once(title.name)
        .chain(title.aliases.iter().copied())
        .find(|name| diag::line_of_key(line, name, 1).is_some())
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

/// The hasher of the engine's digests (link facts, metas, keys): XXH3, several times
/// faster than the standard library's SipHash on these many small writes, and made for
/// noticing change, which is all these numbers are for.
type FastHasher = xxhash_rust::xxh3::Xxh3;

/// Everything link decided about document `i`, as one number; documents named by id, so
/// the number does not change when other files come and go.
pub fn link_fingerprint(site: &Site, i: usize, ids: &[u32]) -> u64 {
    // Every field is named, so a new one cannot be left out.
    let link::LinkFacts {
        validity,
        interpretations_of,
        policies_of,
        repealed_by,
        amended_by,
        acts_on,
        versions,
        sync,
        attachments,
        report_series,
    } = site.link_facts(i);
    let mut h = FastHasher::new();
    // A list of documents, by id (its length first, so lists cannot run together).
    let docs = |h: &mut FastHasher, list: &[usize]| {
        list.len().hash(h);
        for &j in list {
            ids[j].hash(h);
        }
    };
    validity.hash(&mut h);
    docs(&mut h, interpretations_of);
    docs(&mut h, policies_of);
    repealed_by.map(|j| ids[j]).hash(&mut h);
    amended_by.len().hash(&mut h);
    for j in amended_by {
        j.map(|j| ids[j]).hash(&mut h);
    }
    docs(&mut h, acts_on);
    docs(&mut h, versions);
    sync.hash(&mut h);
    attachments.len().hash(&mut h);
    for a in attachments {
        a.hash(&mut h);
        a.as_ref()
            .is_ok_and(|p| site.assets.contains(p))
            .hash(&mut h);
    }
    docs(&mut h, report_series);
    h.finish()
}

/// A document's fields but its body, as one number: everything of it a listing, a
/// whole-site page, the sitemap or the feed can read. The body (and the lines and front
/// matter kept for diagnostics) is what `Document`'s serialisation leaves out; only
/// document pages read it, and they record that they did.
fn meta_digest(d: &Document) -> u64 {
    let mut w = HashWriter(FastHasher::new());
    if serde_json::to_writer(&mut w, d).is_err() {
        // Cannot happen for plain data; if it did, a number that never repeats keeps
        // every page that reads the document honest.
        static NEVER_AGAIN: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        NEVER_AGAIN
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
            .hash(&mut w.0);
        u64::MAX.hash(&mut w.0);
    }
    w.0.finish()
}

/// Feeds what is written into a hasher.
struct HashWriter(FastHasher);

impl std::io::Write for HashWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.write(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The [`Keys`] of a linked site; `metas` and `fingerprints` by position.
/// What `sitemap.xml` reads of the documents (besides which pages there are): each one's
/// URL and publication date, in order.
fn sitemap_key(site: &Site) -> u64 {
    let mut h = FastHasher::new();
    for d in &site.docs {
        d.url.hash(&mut h);
        d.published.hash(&mut h);
    }
    h.finish()
}

fn site_keys(site: &Site, ids: &[u32], metas: &[u64], fingerprints: &[u64]) -> Keys {
    let mut shape = FastHasher::new();
    let mut resolve = FastHasher::new();
    ids.hash(&mut shape);
    metas.hash(&mut shape);
    fingerprints.hash(&mut shape);
    site.assets.hash(&mut shape);
    ids.hash(&mut resolve);
    for d in &site.docs {
        d.url.hash(&mut resolve);
    }
    site.assets.hash(&mut resolve);
    Keys {
        shape: shape.finish(),
        resolve: resolve.finish(),
    }
}

/// The files a rebuild takes away and puts in: a changed file is taken away and put in
/// again; a file put where one is already (after the removals) is a collision.
#[derive(Default)]
struct Patch {
    removed: Vec<Arc<str>>,
    put: Vec<(Arc<str>, Arc<[u8]>)>,
}

impl Patch {
    fn remove(&mut self, path: &str) {
        self.removed.push(Arc::from(path));
    }

    fn put(&mut self, path: Arc<str>, bytes: Arc<[u8]>) {
        self.put.push((path, bytes));
    }

    /// A group of files replaced by a new version of itself: files whose bytes are the
    /// same allocation are left alone.
    fn diff(&mut self, old: &[(&str, &Arc<[u8]>)], new: &[(&str, &Arc<[u8]>)]) {
        let before: HashMap<&str, &Arc<[u8]>> = old.iter().copied().collect();
        let after: HashMap<&str, &Arc<[u8]>> = new.iter().copied().collect();
        for (p, b) in old {
            if after.get(p).is_none_or(|n| !Arc::ptr_eq(n, b)) {
                self.remove(p);
            }
        }
        for (p, b) in new {
            if before.get(p).is_none_or(|o| !Arc::ptr_eq(o, b)) {
                self.put(Arc::from(*p), (*b).clone());
            }
        }
    }

    /// Whether applying the patch to `files` adds or takes away a path.
    fn changes_paths(&self, files: &BTreeMap<Arc<str>, Arc<[u8]>>) -> bool {
        let put: HashSet<&str> = self.put.iter().map(|(p, _)| &**p).collect();
        self.put.iter().any(|(p, _)| !files.contains_key(p))
            || self
                .removed
                .iter()
                .any(|p| !put.contains(&**p) && files.contains_key(p))
    }

    /// Apply to `files`, noting each path in `touched`; the collisions it made (a path
    /// put twice, a file where a folder is needed). Only a path new to `files` can clash
    /// as file versus folder.
    fn apply(&mut self, files: &mut FileMap, touched: &mut Unpublished) -> Vec<Collision> {
        if let Unpublished::Paths(paths) = touched {
            paths.extend(self.removed.iter().cloned());
            paths.extend(self.put.iter().map(|(p, _)| p.clone()));
        }
        let mut collisions = Vec::new();
        let mut was_there: HashSet<Arc<str>> = HashSet::new();
        for p in self.removed.drain(..) {
            if files.remove(&p).is_some() {
                was_there.insert(p);
            }
        }
        let mut new_paths = Vec::new();
        for (p, b) in self.put.drain(..) {
            if files.contains_key(&p) {
                collisions.push(Collision {
                    path: p.to_string(),
                    other: p.to_string(),
                });
                continue;
            }
            if !was_there.contains(&p) {
                new_paths.push(p.clone());
            }
            files.insert(p, b);
        }
        for p in new_paths {
            if let Some(other) = folder_clash(files, &p) {
                collisions.push(Collision {
                    path: p.to_string(),
                    other,
                });
            }
        }
        collisions
    }
}

/// The snapshot after `last` whose files are `files`, of which only the `changed` paths
/// differ from `last`'s.
fn next_snapshot(
    last: &Snapshot,
    files: &FileMap,
    changed: Unpublished,
    listings: Option<Arc<ListingPages>>,
) -> Snapshot {
    let generation = last.generation + 1;
    let changed = match changed {
        Unpublished::Paths(p) if last.overlay.len() + p.len() <= OVERLAY_LIMIT => p,
        // Fold everything into a new base.
        _ => {
            return Snapshot {
                base: Arc::new(files.clone()),
                overlay: Arc::default(),
                generation,
                listings,
            }
        }
    };
    let mut overlay = (*last.overlay).clone();
    for path in changed {
        let now = files.get(&path).cloned();
        if now.as_ref() == last.base.get(&path) {
            overlay.remove(&path);
        } else {
            overlay.insert(path, now);
        }
    }
    Snapshot {
        base: last.base.clone(),
        overlay: Arc::new(overlay),
        generation,
        listings,
    }
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
            // `output::finish` reads the HTML pages only (for the sitemap).
            paths: html_pages(files),
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

/// The sitemap's lines of the HTML pages of `files` ([`State::sitemap_lines`]), made
/// again for the `touched` paths (those no longer in `files` taken out), or for every page
/// when there are none yet.
fn sitemap_lines<'a>(
    lines: &'a mut Option<BTreeMap<Arc<str>, Box<str>>>,
    files: &FileMap,
    touched: &[Arc<str>],
    site: &Site,
) -> &'a BTreeMap<Arc<str>, Box<str>> {
    let lastmod = output::sitemap_lastmods(site);
    let base = &site.config.base_url;
    let line = |page: &str| -> Box<str> { output::sitemap_entry(base, page, &lastmod).into() };
    match lines {
        Some(lines) => {
            for page in touched {
                if files.contains_key(page) {
                    lines.insert(page.clone(), line(page));
                } else {
                    lines.remove(page);
                }
            }
            lines
        }
        None => lines.insert(
            files
                .keys()
                .filter(|k| k.ends_with("index.html"))
                .map(|k| (k.clone(), line(k)))
                .collect(),
        ),
    }
}

/// The HTML pages among `files`, in path order: what the sitemap lists.
fn html_pages(files: &FileMap) -> Vec<String> {
    files
        .keys()
        .filter(|k| k.ends_with("index.html"))
        .map(|k| k.to_string())
        .collect()
}

/// A produced file as the engine keeps it ([`pack`]).
fn bytes_of(content: OutputContent) -> Arc<[u8]> {
    match content {
        OutputContent::Bytes(b) => pack(&b),
        // Pages and generated files are bytes; attachments are read by the engine.
        OutputContent::Copy(_) => pack(&[]),
    }
}

/// A file as the engine keeps it in memory: deflated (HTML shrinks about eightfold, and
/// the site's pages are most of a server's memory), or as it is when deflating does not
/// make it smaller. The first byte says which. Deflating is deterministic, so equal
/// files pack to equal bytes.
fn pack(bytes: &[u8]) -> Arc<[u8]> {
    use std::io::Write;
    let mut out = Vec::with_capacity(bytes.len() / 4 + 16);
    out.push(PACKED);
    let mut z = flate2::write::DeflateEncoder::new(out, flate2::Compression::fast());
    // Writing into a Vec cannot fail.
    let deflated = z.write_all(bytes).and_then(|_| z.finish()).ok();
    match deflated {
        Some(d) if d.len() < bytes.len() + 1 => d.into(),
        _ => {
            let mut out = Vec::with_capacity(bytes.len() + 1);
            out.push(PLAIN);
            out.extend_from_slice(bytes);
            out.into()
        }
    }
}

/// A file kept as it is, in [`pack`]'s form: the search files, nearly all of which a new
/// document dated among the others rewrites (16–20 MB on the 10,000-policy site, which
/// deflate only to 58%; deflating them took longer than updating the index).
/// The sitemap too: made again from its lines for every page that comes or goes, 2.7 MB
/// on that site, which took longer to deflate than to join from its lines.
fn plain(bytes: &[u8]) -> Arc<[u8]> {
    let mut out = Vec::with_capacity(bytes.len() + 1);
    out.push(PLAIN);
    out.extend_from_slice(bytes);
    out.into()
}

/// The file [`pack`] kept.
fn unpack(stored: &[u8]) -> Vec<u8> {
    use std::io::Read;
    match stored.split_first() {
        Some((&PACKED, deflated)) => {
            let mut out = Vec::with_capacity(deflated.len() * 6);
            // What `pack` deflated inflates.
            let _ = flate2::read::DeflateDecoder::new(deflated).read_to_end(&mut out);
            out
        }
        Some((_, plain)) => plain.to_vec(),
        None => Vec::new(),
    }
}

/// [`pack`]'s first byte: the rest is stored as it is.
const PLAIN: u8 = 0;
/// [`pack`]'s first byte: the rest is deflated.
const PACKED: u8 = 1;
/// What the engine keeps of a listing page written on request: the snapshot's
/// [`ListingPages`] writes it ([`Snapshot::get`]). Never the output of [`pack`], which
/// starts with [`PLAIN`] or [`PACKED`].
const WRITTEN: u8 = 2;

/// The stored bytes of a page written on request ([`WRITTEN`]).
fn written_marker() -> Arc<[u8]> {
    Arc::from(&[WRITTEN][..])
}

/// Whether stored bytes stand for a page written on request.
fn is_written(stored: &[u8]) -> bool {
    stored == [WRITTEN]
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
