//! Themes: templates and static files, loaded once per build.
//!
//! The default theme is compiled into the binary, so `gongkai init` sites build anywhere
//! without copying it. A site may override it file by file: `themes/<name>/templates/`
//! and `themes/<name>/static/` in the site, then the site's own `templates/` and
//! `static/` folders, later ones winning.

use crate::error::{Error, Result};
use std::collections::BTreeMap;
use std::path::Path;

macro_rules! embedded {
    ($($path:literal),* $(,)?) => {
        &[$(($path, include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/themes/default/", $path)) as &[u8])),*]
    };
}

/// The built-in default theme, `(path under themes/default, bytes)`.
pub const DEFAULT_THEME: &[(&str, &[u8])] = embedded![
    "templates/base.html",
    "templates/index.html",
    "templates/policy.html",
    "templates/interpretation.html",
    "templates/negative_list.html",
    "templates/annual_report.html",
    "templates/page.html",
    "templates/listing.html",
    "templates/catalog.html",
    "templates/sitemap.html",
    "templates/search.html",
    "templates/404.html",
    "templates/items.html",
    "templates/column.html",
    "templates/column_data.html",
    "templates/apply_steps.html",
    "templates/office.html",
    "templates/apply_form.html",
    "static/css/site.css",
    "static/css/report.css",
    "static/css/negative-list.css",
    "static/css/search.css",
    "static/css/print.css",
    "static/img/cursor.svg",
    "static/img/cursor-pointer.svg",
    "static/js/prefs.js",
    "static/js/a11y.js",
    "static/js/search.js",
    "static/js/search-tokenize.js",
    "static/js/table-filter.js",
];

/// A loaded theme.
pub struct Theme {
    /// Templates, compiled.
    pub tera: tera::Tera,
    /// Static files: path under `static/` → bytes.
    pub static_files: BTreeMap<String, Vec<u8>>,
}

impl Theme {
    /// Load the theme `name` for the site at `root`.
    pub fn load(root: &Path, name: &str) -> Result<Theme> {
        let mut templates: BTreeMap<String, String> = BTreeMap::new();
        let mut static_files: BTreeMap<String, Vec<u8>> = BTreeMap::new();
        let builtin = name == "default";
        for (path, bytes) in DEFAULT_THEME {
            if let Some(t) = path.strip_prefix("templates/") {
                templates.insert(t.to_string(), String::from_utf8_lossy(bytes).into_owned());
            } else if let Some(s) = path.strip_prefix("static/") {
                static_files.insert(s.to_string(), bytes.to_vec());
            }
        }
        let theme_dir = root.join("themes").join(name);
        if !builtin && !theme_dir.is_dir() {
            return Err(Error::Usage(format!(
                "找不到主题 {}（config.toml 的 theme = \"{name}\"）\n  提示：主题放在站点的 themes/{name}/ 目录；不需要自定义主题时写 theme = \"default\"",
                theme_dir.display()
            )));
        }
        for dir in [theme_dir.join("templates"), root.join("templates")] {
            read_tree(&dir, &mut |rel, bytes| {
                templates.insert(rel, String::from_utf8_lossy(&bytes).into_owned());
            })?;
        }
        for dir in [theme_dir.join("static"), root.join("static")] {
            read_tree(&dir, &mut |rel, bytes| {
                static_files.insert(rel, bytes);
            })?;
        }
        let mut tera = tera::Tera::new();
        tera.add_raw_templates(templates.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .map_err(|e| Error::Template {
                template: "（加载模板）".into(),
                message: error_chain(&e),
            })?;
        Ok(Theme { tera, static_files })
    }

    /// Values every page sees (`site`, `nav`, `as_of`), serialised once rather than
    /// into each of the site's pages.
    pub fn set_globals(&mut self, globals: &impl serde::Serialize) -> Result<()> {
        let ctx = tera::Context::from_serialize(globals).map_err(|e| Error::Template {
            template: "（全局变量）".into(),
            message: error_chain(&e),
        })?;
        self.tera.global_context().extend(ctx);
        Ok(())
    }

    /// Render `template` with `context`.
    pub fn render(&self, template: &str, context: &tera::Context) -> Result<String> {
        self.tera
            .render(template, context)
            .map_err(|e| Error::Template {
                template: template.into(),
                message: error_chain(&e),
            })
    }
}

/// Tera errors nest their cause; show the whole chain on one line.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        s.push('：');
        s.push_str(&cause.to_string());
        source = cause.source();
    }
    s
}

fn read_tree(dir: &Path, add: &mut dyn FnMut(String, Vec<u8>)) -> Result<()> {
    if !dir.is_dir() {
        return Ok(());
    }
    for entry in walkdir::WalkDir::new(dir)
        .follow_links(false)
        .sort_by_file_name()
    {
        let entry = entry.map_err(|e| Error::io("读取主题目录", dir, e.into()))?;
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
        let rel: Vec<String> = rel
            .iter()
            .map(|p| p.to_string_lossy().into_owned())
            .collect();
        let bytes =
            std::fs::read(entry.path()).map_err(|e| Error::io("读取主题文件", entry.path(), e))?;
        add(rel.join("/"), bytes);
    }
    Ok(())
}
