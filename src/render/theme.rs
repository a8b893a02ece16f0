//! Themes: templates and static files, loaded once per build.
//!
//! The default theme is compiled into the binary, so `gongkai init` sites build anywhere
//! without copying it. A site may override it file by file: `themes/<name>/templates/`
//! and `themes/<name>/static/` in the site, then the site's own `templates/` and
//! `static/` folders, later ones winning.
//!
//! Nothing from outside the site: a theme is a plain folder name under `themes/`
//! (never a path), symbolic links in these folders are refused ([`check_sources`]) and
//! never read, and hidden files and editor leftovers are skipped like everywhere else.

use crate::diag::Diagnostic;
use crate::error::{Error, Result};
use crate::load::{is_hidden, symlink_refused};
use std::collections::BTreeMap;
use std::path::Path;

/// The built-in default theme, `(path under themes/default, bytes)`, sorted by path: every
/// file of the folder, listed by the build script (`build.rs`) when the binary is built.
pub const DEFAULT_THEME: &[(&str, &[u8])] = include!(concat!(env!("OUT_DIR"), "/default_theme.rs"));

/// A loaded theme.
pub struct Theme {
    /// Templates, compiled.
    pub tera: tera::Tera,
    /// Static files: path under `static/` → bytes.
    pub static_files: BTreeMap<String, Vec<u8>>,
    /// Some template comes from the site (`templates/`, or a theme under `themes/`)
    /// rather than the built-in theme. Only then can rendering fail on a document's data:
    /// every value the built-in templates reach through an optional one is behind an
    /// `{% if %}`, and the shapes of the values are fixed by the view types, so with them
    /// alone no content makes a page fail (the golden tests render every template).
    /// `check` renders through Tera exactly when this is true.
    pub site_templates: bool,
    /// The listing and catalogue pages' templates ([`LISTING_TEMPLATES`]) are all the
    /// built-in ones: listing pages may then be written without Tera
    /// (`render::listing`), byte for byte what these templates give.
    pub builtin_listings: bool,
}

/// The templates a listing or catalogue page is rendered from.
pub const LISTING_TEMPLATES: [&str; 6] = [
    "base.html",
    "listing.html",
    "items.html",
    "pagination.html",
    "catalog.html",
    "catalog_items.html",
];

impl Theme {
    /// Load the theme `name` for the site at `root`.
    pub fn load(root: &Path, name: &str) -> Result<Theme> {
        let mut templates: BTreeMap<String, String> = BTreeMap::new();
        let mut static_files: BTreeMap<String, Vec<u8>> = BTreeMap::new();
        // An invalid name is reported by `check_sources`; render with the built-in theme.
        let name = if valid_theme_name(name) {
            name
        } else {
            "default"
        };
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
        // A linked themes/ folder is refused by `check_sources` and never read through.
        let themes_linked = root
            .join("themes")
            .symlink_metadata()
            .is_ok_and(|m| m.is_symlink());
        let layers: Vec<&Path> = if themes_linked {
            vec![root]
        } else {
            vec![&theme_dir, root]
        };
        let mut site_templates = false;
        let mut builtin_listings = true;
        for layer in &layers {
            read_tree(&layer.join("templates"), &mut |rel, bytes| {
                site_templates = true;
                builtin_listings &= !LISTING_TEMPLATES.contains(&rel.as_str());
                templates.insert(rel, String::from_utf8_lossy(&bytes).into_owned());
            })?;
        }
        for layer in &layers {
            read_tree(&layer.join("static"), &mut |rel, bytes| {
                static_files.insert(rel, bytes);
            })?;
        }
        let mut tera = tera::Tera::new();
        tera.add_raw_templates(templates.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .map_err(|e| Error::Template {
                template: "（加载模板）".into(),
                message: error_chain(&e),
            })?;
        Ok(Theme {
            tera,
            static_files,
            site_templates,
            builtin_listings,
        })
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

    /// Render `template` with `context` straight into bytes, the form the output wants:
    /// no UTF-8 re-validation of every page (Tera only writes valid UTF-8), and the buffer
    /// is sized by the caller, who knows roughly how big the page will be.
    pub fn render_bytes(
        &self,
        template: &str,
        context: &tera::Context,
        capacity: usize,
    ) -> Result<Vec<u8>> {
        let mut out = Vec::with_capacity(capacity);
        self.tera
            .render_to(template, context, &mut out)
            .map_err(|e| Error::Template {
                template: template.into(),
                message: error_chain(&e),
            })?;
        Ok(out)
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

/// Whether `name` is a plain theme folder name (not a path, not hidden).
pub fn valid_theme_name(name: &str) -> bool {
    !name.is_empty()
        && !is_hidden(name)
        && !name.contains(['/', '\\', ':'])
        && !name.chars().any(char::is_control)
}

/// Problems with the theme setting and the site's template and static folders: a theme
/// that is a path, and symbolic links (the folders themselves or anything inside).
pub fn check_sources(root: &Path, name: &str) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut dirs = vec!["templates".to_string(), "static".to_string()];
    if !valid_theme_name(name) {
        out.push(
            Diagnostic::error(
                "E0131",
                format!("主题“{name}”不是主题名：主题只能是站点 themes/ 目录下的一个文件夹名"),
            )
            .in_file("config.toml")
            .help("写 theme = \"default\"（内置主题），或把主题放进 themes/<名称>/ 后写 theme = \"<名称>\"；不能写路径"),
        );
    } else {
        dirs.push("themes".into());
        dirs.push(format!("themes/{name}"));
    }
    for rel in dirs {
        let dir = root.join(&rel);
        let Ok(meta) = dir.symlink_metadata() else {
            continue;
        };
        if meta.is_symlink() {
            out.push(symlink_refused(Path::new(&rel)));
            continue;
        }
        if rel == "themes" {
            continue;
        }
        for entry in walkdir::WalkDir::new(&dir)
            .follow_links(false)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !is_hidden(&e.file_name().to_string_lossy()))
            .flatten()
        {
            if entry.path_is_symlink() {
                let inner = entry.path().strip_prefix(root).unwrap_or(entry.path());
                out.push(symlink_refused(inner));
            }
        }
    }
    out
}

fn read_tree(dir: &Path, add: &mut dyn FnMut(String, Vec<u8>)) -> Result<()> {
    if !dir.symlink_metadata().is_ok_and(|m| m.is_dir()) {
        return Ok(());
    }
    for entry in walkdir::WalkDir::new(dir)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_hidden(&e.file_name().to_string_lossy()))
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
#[cfg(test)]
mod tests {
    use super::DEFAULT_THEME;

    /// The embedded theme is the folder: every file under `themes/default/` (and nothing
    /// else), byte for byte, so a template added to the folder is in the binary.
    #[test]
    fn default_theme_embeds_every_file_of_the_folder() {
        fn walk(dir: &std::path::Path, prefix: &str, out: &mut Vec<String>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let entry = entry.unwrap();
                let name = entry.file_name().to_string_lossy().into_owned();
                if name.starts_with('.') {
                    continue;
                }
                if entry.file_type().unwrap().is_dir() {
                    walk(&entry.path(), &format!("{prefix}{name}/"), out);
                } else {
                    out.push(format!("{prefix}{name}"));
                }
            }
        }
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default");
        let mut want = Vec::new();
        walk(&root, "", &mut want);
        want.sort();
        let got: Vec<&str> = DEFAULT_THEME.iter().map(|(p, _)| *p).collect();
        assert_eq!(got, want);
        assert!(got.contains(&"templates/base.html") && got.contains(&"static/js/search.js"));
        for (path, bytes) in DEFAULT_THEME {
            assert_eq!(
                *bytes,
                std::fs::read(root.join(path)).unwrap().as_slice(),
                "{path}"
            );
        }
    }
}
