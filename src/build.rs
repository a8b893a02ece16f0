//! The pipeline, start to finish: config → load → model → link → validate → render →
//! search → output. `build` and `check` both run it; only `build` lets it reach the disk, and only
//! when no stage reported an error.

use crate::config::Config;
use crate::date::Date;
use crate::diag::{self, Deny, Diagnostic};
use crate::digest;
use crate::error::{Error, Result};
use crate::link::{self, Site};
use crate::load::{self, SourceEncoding};
use crate::model;
use crate::output::manifest::{Fingerprint, Fingerprinter};
use crate::output::{self, Output, WriteStats};
use crate::progress::{Progress, Silent, Stage};
use crate::render::{self, Theme};
use crate::search;
use crate::sink::{OutputContent, OutputFile, Sink};
use crate::validate::{self, SyncSummary};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Whether the pipeline may write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BuildMode {
    /// Render and, when there are no errors, write the output directory.
    Write,
    /// Everything except writing (`gongkai check`).
    CheckOnly,
}

/// What to build.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The site root (holds `config.toml` and `content/`).
    pub root: PathBuf,
    /// The day 效力状态 and review deadlines are computed for.
    pub as_of: Date,
    /// Output directory; defaults to the config's `output_dir` under the root.
    pub output: Option<PathBuf>,
    /// Overrides `base_url` (e.g. for a staging server).
    pub base_url: Option<String>,
    /// How to treat non-UTF-8 files.
    pub encoding: SourceEncoding,
    /// Warnings raised to errors from the command line (`--deny`), on top of the
    /// config's `[check] deny`.
    pub deny: Deny,
}

/// The outcome of a run.
#[derive(Debug)]
pub struct BuildReport {
    /// Every diagnostic, sorted.
    pub diagnostics: Vec<Diagnostic>,
    /// The 三同步 figures (empty when the build stopped before validation).
    pub sync: SyncSummary,
    /// Documents loaded.
    pub documents: usize,
    /// Their paths, relative to the site root (reports list clean documents too).
    pub sources: Vec<PathBuf>,
    /// What was written (`None` for `check`, or when errors stopped the build).
    pub written: Option<WriteStats>,
    /// Where the output went.
    pub output_dir: PathBuf,
    /// Wall time of each stage, in pipeline order (`--timings`).
    pub timings: Vec<(&'static str, std::time::Duration)>,
}

impl BuildReport {
    /// Errors found.
    pub fn error_count(&self) -> usize {
        diag::error_count(&self.diagnostics)
    }
}

/// Load and parse `config.toml`.
pub fn load_config(root: &Path) -> Result<(Config, Vec<Diagnostic>)> {
    let path = root.join("config.toml");
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(Error::NoConfig { path }),
        Err(e) => return Err(Error::io("读取配置文件", path, e)),
    };
    match Config::parse(&text, Path::new("config.toml")) {
        Ok((config, mut diagnostics)) => {
            diagnostics.extend(validate::columns::check_config(&config, &text));
            Ok((config, diagnostics))
        }
        Err(d) => Ok((placeholder_config(), vec![d])),
    }
}

/// A config to keep checking content with when `config.toml` itself has errors.
fn placeholder_config() -> Config {
    let text = "title = \"\"\n[identity]\norganizer = \"\"\nsite_code = \"0000000000\"\n";
    Config::parse(text, Path::new("config.toml"))
        .map(|(c, _)| c)
        .expect("built-in config parses")
}

/// Run the pipeline.
pub fn run(opts: &BuildOptions, mode: BuildMode) -> Result<BuildReport> {
    run_with(opts, mode, Arc::new(Silent))
}

/// What every run starts from: the configuration and the diagnostics about it, the theme's
/// sources and the output folder.
pub struct Prepared {
    /// The configuration (`--base-url` applied).
    pub config: Config,
    /// Problems with the configuration, the output folder or the theme's sources.
    pub diagnostics: Vec<Diagnostic>,
    /// Where the output goes.
    pub output_dir: PathBuf,
    /// The output folder overlaps the sources.
    pub overlaps: bool,
    /// Warnings raised to errors (`--deny` and `[check] deny`).
    pub deny: Deny,
}

/// Read the configuration and check what comes before the content.
pub fn prepare(opts: &BuildOptions) -> Result<Prepared> {
    let (mut config, mut diagnostics) = load_config(&opts.root)?;
    if let Some(url) = &opts.base_url {
        config.base_url = if url.ends_with('/') {
            url.clone()
        } else {
            format!("{url}/")
        };
    }
    let output_dir = opts
        .output
        .clone()
        .unwrap_or_else(|| opts.root.join(&config.output_dir));

    let overlap = output::overlap(
        &output::normalise(&opts.root),
        &output::normalise(&output_dir),
    );
    if let Some(why) = &overlap {
        let message = format!(
            "输出目录 {} {why}；构建会把生成的网页写进源文件，或清理时删除源文件",
            output_dir.display()
        );
        if opts.output.is_some() {
            return Err(Error::Usage(format!(
                "{message}\n  提示：--output 请指定站点源文件以外的目录，例如站点下的 public/"
            )));
        }
        let mut d = Diagnostic::error("E0132", message)
            .in_file("config.toml")
            .help("把 output_dir 改为不与 content/、templates/、static/、themes/ 重叠的目录，例如 output_dir = \"public\"");
        if let Some(line) = config_line(&opts.root, "output_dir") {
            d = d.at_line(line);
        }
        diagnostics.push(d);
    }
    let theme_diags = render::theme::check_sources(&opts.root, &config.theme);
    for mut d in theme_diags {
        if d.file.as_deref() == Some(Path::new("config.toml")) {
            if let Some(line) = config_line(&opts.root, "theme") {
                d = d.at_line(line);
            }
        }
        diagnostics.push(d);
    }

    let deny = opts.deny.clone().union(config.check.deny_list());
    Ok(Prepared {
        config,
        diagnostics,
        output_dir,
        overlaps: overlap.is_some(),
        deny,
    })
}

/// What the pipeline found, whatever its files were handed to.
#[derive(Debug)]
pub struct Outcome {
    /// Every diagnostic, sorted, `--deny` applied.
    pub diagnostics: Vec<Diagnostic>,
    /// The 三同步 figures.
    pub sync: SyncSummary,
    /// Documents loaded.
    pub documents: usize,
    /// Their paths, relative to the site root.
    pub sources: Vec<PathBuf>,
    /// Where the output goes.
    pub output_dir: PathBuf,
    /// Wall time of each stage, in pipeline order.
    pub timings: Vec<(&'static str, std::time::Duration)>,
    /// The sink already held exactly this build's files (its manifest matched and was
    /// verified): nothing was rendered or handed over, and nothing needs writing.
    pub unchanged: bool,
}

/// Where the site's files would go, for opening a sink: the output folder, and whether
/// it overlaps the sources (then nothing may be written there, not even a lock).
pub struct Destination<'a> {
    /// The output folder.
    pub dir: &'a Path,
    /// The output folder overlaps `content/`, `templates/`, `static/` or the theme.
    pub overlaps: bool,
    /// The site asks for the new output to be on the disk before it is published
    /// (`durable_output`).
    pub durable: bool,
}

/// How much of each file the pipeline produces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pages {
    /// Every file, rendered (`build`, the preview server).
    Render,
    /// `check`: every file by path only — so every URL collision is found — and every
    /// content check rendering makes, but pages do not go through Tera and the search
    /// index is built only when one of its files could collide with another file
    /// ([`search::may_meet`]). A site with its own templates is rendered in full
    /// ([`Theme::site_templates`]): they can fail on one document's data, and `check`
    /// must report what `build` would.
    Check,
}

/// The whole pipeline — config, load, link, validate, render, search, sitemap and feed —
/// handing every file to the sink `open` returns. `build`, `check` and the preview
/// server's full builds all run this one function, so they cannot drift apart; only what
/// happens to the sink afterwards differs.
pub fn pipeline<S: Sink>(
    opts: &BuildOptions,
    progress: Arc<dyn Progress>,
    open: impl FnOnce(Destination<'_>) -> Result<S>,
) -> Result<(Outcome, S)> {
    pipeline_for(opts, progress, Pages::Render, open)
}

/// [`pipeline`], producing `pages` of the files: everything up to rendering, the
/// collisions and the sitemap and feed are the same code for both.
pub fn pipeline_for<S: Sink>(
    opts: &BuildOptions,
    progress: Arc<dyn Progress>,
    pages: Pages,
    open: impl FnOnce(Destination<'_>) -> Result<S>,
) -> Result<(Outcome, S)> {
    let mut timings = Vec::new();
    let mut clock = std::time::Instant::now();
    let mut lap = |name: &'static str| {
        let now = std::time::Instant::now();
        timings.push((name, now - clock));
        clock = now;
    };
    let Prepared {
        config,
        mut diagnostics,
        output_dir,
        overlaps,
        deny,
    } = prepare(opts)?;
    // Bodies stay on disk after loading and are read back one page at a time while
    // rendering: memory then grows with the number of documents, not with their text.
    let origin = Arc::new(model::BodyOrigin {
        root: opts.root.clone(),
        encoding: opts.encoding,
    });
    // Opened before loading: only a sink that keeps a manifest needs the sources hashed.
    let output = open(Destination {
        dir: &output_dir,
        overlaps,
        durable: config.durable_output,
    })?;
    let source_digest = if output.keeps_manifest() {
        load::SourceDigest::Compute
    } else {
        load::SourceDigest::Skip
    };
    let content = load::load_with(
        &opts.root,
        opts.encoding,
        |file, out| {
            let d = model::read_document(file, out)?;
            // `check` makes the body's content checks now, while the body is in memory.
            let checks = match pages {
                Pages::Check => render::check_body_alone(&d),
                Pages::Render => None,
            };
            Some(d.leave_body_on_disk(&origin).keep_body_checks(checks))
        },
        source_digest,
        progress.as_ref(),
    )?;
    diagnostics.extend(content.diagnostics.iter().cloned());
    let sources_digest = content.digest;
    let documents = content.documents.len();
    let sources: Vec<PathBuf> = content.documents.iter().map(|d| d.source.clone()).collect();
    lap("load");
    let (site, link_diags) = link::link(content, config, opts.as_of);
    diagnostics.extend(link_diags);
    lap("link");
    let (checks, sync) = validate::validate(&site);
    diagnostics.extend(checks);
    lap("validate");

    // A build whose inputs match the manifest of what the sink already holds (the
    // output folder), and whose folder still holds exactly the files the manifest lists,
    // renders nothing and writes nothing: the diagnostics rendering gave last time are
    // in the manifest.
    let fingerprint = match sources_digest {
        Some(digest) => Some(fingerprint(opts, &site, digest)?),
        None => None,
    };
    if let Some(fp) = &fingerprint {
        let mut provisional = diagnostics.clone();
        deny.apply(&mut provisional);
        if diag::error_count(&provisional) == 0 {
            if let Some(notes) = output.already_holds(&fp.0) {
                diagnostics.extend(notes);
                diag::sort(&mut diagnostics);
                diagnostics.dedup();
                deny.apply(&mut diagnostics);
                lap("verify (unchanged)");
                let outcome = Outcome {
                    diagnostics,
                    sync,
                    documents,
                    sources,
                    output_dir,
                    timings,
                    unchanged: true,
                };
                return Ok((outcome, output));
            }
            lap("verify");
        }
    }

    let mut theme = Theme::load(&opts.root, &site.config.theme)?;
    progress.start(Stage::Render, None);
    let rendering = pages == Pages::Render || theme.site_templates;
    // Rendering indexes each document's text for search as soon as its page is done
    // (in doc-id order, chunk by chunk), so the texts never pile up until a later stage.
    let (render_diagnostics, index) = if rendering {
        let order = search::id_order(&site);
        let rendered = render::render(
            &site,
            &mut theme,
            &output,
            &order,
            &search::Streamed::default(),
        )?;
        (rendered.diagnostics, rendered.search)
    } else {
        (render::check(&site, &theme, &output)?, None)
    };
    lap("render");
    diagnostics.extend(render_diagnostics.iter().cloned());
    // The generated files are produced in `check` too, so every URL collision is found
    // before anything could be written. A `check` that rendered no page builds the index
    // only when one of its files could meet a file handed over before (a document named
    // `search.json`, say); otherwise no search file can collide, and the index is not
    // needed. The files after it (sitemap, feed) are fixed names outside its folder.
    let search_files = match index {
        Some(index) => Some(index.files()),
        None if rendering => Some(search::build_index(&[])),
        None if output.paths().iter().any(|p| search::may_meet(p)) => Some(
            search::build_index_owned(render::search_docs(&site, &mut theme)?),
        ),
        None => None,
    };
    if let Some(files) = search_files {
        // Thousands of shard files on a large site (51,447 for 185,000 documents).
        files.into_par_iter().try_for_each(|(path, data)| {
            let content = OutputContent::Bytes(data);
            output.put(OutputFile { path, content })
        })?;
    }
    lap("search");
    if rendering {
        output::finish(&site, &output)?;
    } else {
        output::finish_paths(&site, &output)?;
    }
    if let Some(fp) = &fingerprint {
        output.seal(&fp.0, &render_diagnostics)?;
    }
    lap("finish (sitemap, feed)");
    diagnostics.extend(collision_diagnostics(&site, &output.collisions()));
    diag::sort(&mut diagnostics);
    diagnostics.dedup();
    deny.apply(&mut diagnostics);
    let outcome = Outcome {
        diagnostics,
        sync,
        documents,
        sources,
        output_dir,
        timings,
        unchanged: false,
    };
    Ok((outcome, output))
}

/// [`run`], reporting progress (documents read, pages rendered, files written).
pub fn run_with(
    opts: &BuildOptions,
    mode: BuildMode,
    progress: Arc<dyn Progress>,
) -> Result<BuildReport> {
    let observer = progress.clone();
    let pages = match mode {
        BuildMode::Write => Pages::Render,
        BuildMode::CheckOnly => Pages::Check,
    };
    let (outcome, output) = pipeline_for(opts, progress, pages, |dest| {
        let output = match mode {
            // An output folder overlapping the sources is not even locked.
            BuildMode::Write if !dest.overlaps => {
                Output::to_dir(&opts.root, dest.dir)?.durable(dest.durable)
            }
            _ => Output::discard(&opts.root),
        };
        Ok(output.observed(observer))
    })?;
    let Outcome {
        diagnostics,
        sync,
        documents,
        sources,
        output_dir,
        mut timings,
        unchanged,
    } = outcome;
    let written = if mode == BuildMode::CheckOnly || diag::error_count(&diagnostics) > 0 {
        // Dropping `output` deletes whatever was staged; the output folder is untouched.
        None
    } else if unchanged {
        Some(output.keep())
    } else {
        let clock = std::time::Instant::now();
        let stats = output.commit()?;
        timings.push(("commit", clock.elapsed()));
        Some(stats)
    };
    Ok(BuildReport {
        diagnostics,
        sync,
        documents,
        sources,
        written,
        output_dir,
        timings,
    })
}

/// Everything the output depends on, as one [`Fingerprint`]: this program (version,
/// commit, and the executable's size and modification time, so a rebuilt binary counts
/// as new), `--as-of`, the effective `base_url`, the source encoding, `config.toml`'s
/// bytes, every document's bytes (hashed while loading), every other file under
/// `content/`, and every file under `templates/`, `static/` and `themes/`.
fn fingerprint(opts: &BuildOptions, site: &Site, sources: digest::Digest) -> Result<Fingerprint> {
    let mut fp = Fingerprinter::new();
    fp.part("version", env!("CARGO_PKG_VERSION").as_bytes());
    fp.part("commit", env!("GONGKAI_COMMIT").as_bytes());
    let exe = std::env::current_exe()
        .and_then(std::fs::metadata)
        .map(|m| {
            let modified = m
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .unwrap_or_default();
            format!("{} {}", m.len(), modified.as_nanos())
        })
        .unwrap_or_default();
    fp.part("executable", exe.as_bytes());
    fp.part("as_of", crate::date::iso(opts.as_of).as_bytes());
    fp.part("base_url", site.config.base_url.as_bytes());
    fp.part("encoding", format!("{:?}", opts.encoding).as_bytes());
    let config = root_file(&opts.root.join("config.toml"))?;
    fp.part("config.toml", &config);
    fp.part("documents", &sources);
    let mut files: Vec<PathBuf> = site.assets.iter().cloned().collect();
    for dir in ["templates", "static", "themes"] {
        let top = opts.root.join(dir);
        if !top.symlink_metadata().is_ok_and(|m| m.is_dir()) {
            continue;
        }
        for entry in walkdir::WalkDir::new(&top)
            .follow_links(false)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !load::is_hidden(&e.file_name().to_string_lossy()))
        {
            let entry = entry.map_err(|e| Error::io("读取主题目录", &top, e.into()))?;
            if entry.file_type().is_file() {
                let rel = entry
                    .path()
                    .strip_prefix(&opts.root)
                    .unwrap_or(entry.path());
                files.push(rel.to_path_buf());
            }
        }
    }
    let hashes: Vec<Result<digest::Digest>> = files
        .par_iter()
        .map(|rel| Ok(digest::of(&root_file(&opts.root.join(rel))?)))
        .collect();
    for (rel, hash) in files.iter().zip(hashes) {
        fp.part(&rel.to_string_lossy(), &hash?);
    }
    Ok(fp.finish())
}

fn root_file(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| Error::io("读取源文件", path, e))
}

/// The line of a top-level `key = …` in `config.toml`, for diagnostics about it.
fn config_line(root: &Path, key: &str) -> Option<usize> {
    let text = std::fs::read_to_string(root.join("config.toml")).ok()?;
    for (i, line) in text.lines().enumerate() {
        let line = line.trim_start();
        if line.starts_with('[') {
            return None;
        }
        if let Some(rest) = line.strip_prefix(key) {
            if rest.trim_start().starts_with('=') {
                return Some(i + 1);
            }
        }
    }
    None
}

/// Who produces an output path, for a collision diagnostic: a document (file and line),
/// an attachment, or the site itself.
enum Origin<'a> {
    Document(&'a crate::model::Document),
    Attachment(&'a Path),
    Generated,
}

fn origin<'a>(site: &'a Site, path: &str) -> Origin<'a> {
    if let Some(d) = site
        .docs
        .iter()
        .find(|d| format!("{}index.html", d.url) == path)
    {
        return Origin::Document(d);
    }
    if let Some(a) = site.assets.iter().find(|a| render::asset_url(a) == path) {
        return Origin::Attachment(a);
    }
    Origin::Generated
}

/// One diagnostic per output collision, on the document (or attachment) that caused it.
fn collision_diagnostics(site: &Site, collisions: &[output::Collision]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for c in collisions {
        let (a, b) = if c.path == c.other {
            // One path claimed twice: by a document, an attachment or the site itself.
            let docs = site
                .docs
                .iter()
                .filter(|d| format!("{}index.html", d.url) == c.path)
                .count();
            if docs > 1 {
                // Two documents on one URL are reported by link (E0120).
                continue;
            }
            let first = origin(site, &c.path);
            let second = match first {
                Origin::Document(_) => {
                    match site.assets.iter().find(|a| render::asset_url(a) == c.path) {
                        Some(a) => Origin::Attachment(a),
                        None => Origin::Generated,
                    }
                }
                _ => Origin::Generated,
            };
            (first, second)
        } else {
            (origin(site, &c.path), origin(site, &c.other))
        };
        let describe = |o: &Origin, path: &str| match o {
            Origin::Document(d) => format!("{} 的网页 /{path}", d.source.display()),
            Origin::Attachment(p) => format!("附件 {} 发布后的 /{path}", p.display()),
            Origin::Generated if path.starts_with("static/") => format!("主题文件 /{path}"),
            Origin::Generated => format!("站点自动生成的 /{path}"),
        };
        let relation = if c.path == c.other {
            "占用同一个网址"
        } else {
            "冲突（一个要作文件、一个要作目录）"
        };
        // Name the document when there is one; otherwise the attachment. Between two of
        // a kind (two documents, one page inside the other's folder), the one inside:
        // which was handed over first depends on the order parallel rendering finished
        // in, and the report must not (`check` hands pages over in document order).
        let rank = |o: &Origin| match o {
            Origin::Document(_) => 0,
            Origin::Attachment(_) => 1,
            Origin::Generated => 2,
        };
        let a_first = match rank(&a).cmp(&rank(&b)) {
            std::cmp::Ordering::Equal => c.path.len() >= c.other.len(),
            unequal => unequal.is_lt(),
        };
        let (mine, mine_path, theirs, theirs_path) = if a_first {
            (&a, &c.path, &b, &c.other)
        } else {
            (&b, &c.other, &a, &c.path)
        };
        let mut d = Diagnostic::error(
            "E0121",
            format!(
                "{} 与{} {relation}，无法同时发布",
                describe(mine, mine_path),
                describe(theirs, theirs_path)
            ),
        )
        .help("修改文件名（政策文件看索引号），避开站点已占用的网址，如 feed.xml、search.json、404.html、static/、files/、catalog/、search/、sitemap/");
        match mine {
            Origin::Document(doc) => d = d.in_file(&doc.source).at_line(doc.front_line),
            Origin::Attachment(p) => d = d.in_file(p),
            Origin::Generated => {}
        }
        out.push(d);
    }
    out
}
