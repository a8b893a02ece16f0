//! The pipeline, start to finish: config → load → model → link → validate → render →
//! output. `build` and `check` both run it; only `build` lets it reach the disk, and only
//! when no stage reported an error.

use crate::config::Config;
use crate::date::Date;
use crate::diag::{self, Diagnostic};
use crate::error::{Error, Result};
use crate::link::{self, Site};
use crate::load::{self, SourceEncoding};
use crate::model::KindData;
use crate::output::{self, Output, WriteStats};
use crate::render::{self, Theme};
use crate::validate::{self, SyncSummary};
use std::path::{Path, PathBuf};

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
    let mut timings = Vec::new();
    let mut clock = std::time::Instant::now();
    let mut lap = |name: &'static str| {
        let now = std::time::Instant::now();
        timings.push((name, now - clock));
        clock = now;
    };
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

    let content = load::load(&opts.root, opts.encoding)?;
    diagnostics.extend(content.diagnostics.iter().cloned());
    let documents = content.documents.len();
    lap("load");
    let (site, link_diags) = link::link(content, config, opts.as_of);
    diagnostics.extend(link_diags);
    lap("link");
    let (checks, sync) = validate::validate(&site);
    diagnostics.extend(checks);
    diagnostics.extend(kind_checks(&site));
    lap("validate");

    let mut theme = Theme::load(&opts.root, &site.config.theme)?;
    let output = match mode {
        BuildMode::Write => Output::to_dir(&opts.root, &output_dir)?,
        BuildMode::CheckOnly => Output::discard(&opts.root),
    };
    let rendered = render::render(&site, &mut theme, &output)?;
    lap("render");
    diagnostics.extend(rendered.diagnostics.iter().cloned());
    for path in output.duplicates() {
        diagnostics.push(
            Diagnostic::error("E0121", format!("网址 /{path} 被两个页面同时占用"))
                .help("文件的网址与站点的栏目页（如 catalog/、search/、sitemap/）或另一个文件重复；请修改文件名"),
        );
    }
    diag::sort(&mut diagnostics);
    diagnostics.dedup();

    if mode == BuildMode::CheckOnly || diag::error_count(&diagnostics) > 0 {
        // Dropping `output` deletes whatever was staged; the output folder is untouched.
        return Ok(BuildReport {
            diagnostics,
            sync,
            documents,
            written: None,
            output_dir,
            timings,
        });
    }
    output::finish(&site, rendered, &output)?;
    lap("finish (sitemap, feed, search)");
    let written = Some(output.commit()?);
    lap("commit");
    Ok(BuildReport {
        diagnostics,
        sync,
        documents,
        written,
        output_dir,
        timings,
    })
}

/// Checks that belong to one kind's rules.
fn kind_checks(site: &Site) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (i, d) in site.docs.iter().enumerate() {
        // Only the current version of a list is due for review; earlier versions are history.
        let is_current = site.versions[i].first() == Some(&i);
        if let (KindData::NegativeList(list), true) = (&d.data, is_current) {
            out.extend(validate::negative_list::check(
                d,
                list,
                site.config.negative_list.review_days,
                site.as_of,
            ));
        }
    }
    out.extend(validate::annual_report::check_site(&site.docs));
    out
}
