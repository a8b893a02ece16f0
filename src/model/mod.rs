//! The typed documents: what the rest of the pipeline works with after loading.
//!
//! `load` hands over raw front matter; this stage turns it into one [`Document`] per file
//! with kind-specific data in [`KindData`]. Reading a field never fails the whole file:
//! every problem becomes a diagnostic and the field is left empty, so one build reports
//! every mistake at once.

pub mod annual_report;
pub mod interpretation;
pub mod negative_list;
pub mod policy;

use crate::date::Date;
use crate::diag::{line_of_key, Diagnostic};
use crate::load::{read_body, SourceEncoding, SourceFile};
use crate::yaml::{key, Fields, Key};
use serde::Serialize;
use std::borrow::Cow;
use std::hash::Hash;
use std::path::PathBuf;
use std::sync::Arc;

pub use annual_report::AnnualReport;
pub use interpretation::Interpretation;
pub use negative_list::NegativeList;
pub use policy::Policy;

/// What sort of document a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// 政策文件.
    Policy,
    /// 政策解读.
    Interpretation,
    /// 政务公开负面清单.
    NegativeList,
    /// 政府信息公开工作年度报告.
    AnnualReport,
    /// 普通页面.
    Page,
}

impl Kind {
    /// Every kind, in the order the site presents them.
    pub const ALL: [Kind; 5] = [
        Kind::Policy,
        Kind::Interpretation,
        Kind::NegativeList,
        Kind::AnnualReport,
        Kind::Page,
    ];

    /// The Chinese name shown to visitors.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Policy => "政策文件",
            Kind::Interpretation => "政策解读",
            Kind::NegativeList => "政务公开负面清单",
            Kind::AnnualReport => "政府信息公开工作年度报告",
            Kind::Page => "页面",
        }
    }

    /// The `content/` folder (and URL segment) of the kind.
    pub fn folder(self) -> &'static str {
        match self {
            Kind::Policy => "policies",
            Kind::Interpretation => "interpretations",
            Kind::NegativeList => "negative-lists",
            Kind::AnnualReport => "annual-reports",
            Kind::Page => "",
        }
    }

    /// The English identifier used in `kind:` and `gongkai new`.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Policy => "policy",
            Kind::Interpretation => "interpretation",
            Kind::NegativeList => "negative_list",
            Kind::AnnualReport => "annual_report",
            Kind::Page => "page",
        }
    }

    /// The shorter label used in navigation, breadcrumbs and listings.
    pub fn short_label(self) -> &'static str {
        match self {
            Kind::Policy => "政策文件",
            Kind::Interpretation => "政策解读",
            Kind::NegativeList => "负面清单",
            Kind::AnnualReport => "政府信息公开年报",
            Kind::Page => "页面",
        }
    }

    /// Other names officers use for the kind in `kind:` (and in `gongkai new`).
    pub fn aliases(self) -> &'static [&'static str] {
        match self {
            Kind::Policy | Kind::Interpretation => &[],
            Kind::NegativeList => &["负面清单"],
            Kind::AnnualReport => &["年度报告"],
            Kind::Page => &["页面"],
        }
    }

    /// Whether the kind has its own listing section (in navigation order: [`Kind::ALL`]).
    pub fn listed(self) -> bool {
        match self {
            Kind::Policy | Kind::Interpretation | Kind::NegativeList | Kind::AnnualReport => true,
            Kind::Page => false,
        }
    }

    /// The theme template a document page of the kind is rendered with.
    pub fn template(self) -> &'static str {
        match self {
            Kind::Policy => "policy.html",
            Kind::Interpretation => "interpretation.html",
            Kind::NegativeList => "negative_list.html",
            Kind::AnnualReport => "annual_report.html",
            Kind::Page => "page.html",
        }
    }

    /// The accepted `kind:` values, for a help text: `policy（政策文件）、…`.
    pub fn choices() -> String {
        let choices: Vec<String> = Kind::ALL
            .iter()
            .map(|k| {
                format!(
                    "{}（{}）",
                    k.name(),
                    k.aliases().first().unwrap_or(&k.label())
                )
            })
            .collect();
        choices.join("、")
    }

    /// The `gongkai new` arguments, for a help text: `policy、…、page` (written with `-`,
    /// as on the command line), so a new kind shows up without editing the hint.
    pub fn command_choices() -> String {
        let names: Vec<String> = Kind::ALL
            .iter()
            .map(|k| k.name().replace('_', "-"))
            .collect();
        names.join("、")
    }

    /// Parse a `kind:` value or a `gongkai new` argument: English (with `-` or `_`),
    /// the folder name, or a Chinese name (full, short or an alias).
    pub fn parse(text: &str) -> Option<Kind> {
        let t = text.trim().replace('-', "_");
        Kind::ALL.into_iter().find(|k| {
            t == k.name()
                || t == k.folder().replace('-', "_")
                || t == k.label()
                || t == k.short_label()
                || k.aliases().contains(&t.as_str())
        })
    }

    /// The kind implied by the top-level folder under `content/`.
    pub fn from_folder(folder: &str) -> Kind {
        Kind::ALL
            .into_iter()
            .find(|k| *k != Kind::Page && k.folder() == folder)
            .unwrap_or(Kind::Page)
    }
}

/// Front-matter keys every kind shares.
pub mod keys {
    use super::{key, Key};
    /// `kind`, read by the loader.
    pub const KIND: Key = key("kind", &["类型"]);
    /// 标题.
    pub const TITLE: Key = key("title", &["标题"]);
    /// 发布日期.
    pub const PUBLISHED: Key = key("published", &["发布日期"]);
    /// 公开责任部门.
    pub const DEPARTMENT: Key = key("department", &["公开责任部门", "责任部门", "发布机构"]);
    /// 公开目录.
    pub const CATALOG: Key = key("catalog", &["公开目录"]);
    /// 主题分类.
    pub const TOPICS: Key = key("topics", &["主题分类"]);
    /// 关键词.
    pub const KEYWORDS: Key = key("keywords", &["关键词"]);
    /// 摘要.
    pub const SUMMARY: Key = key("summary", &["摘要"]);
    /// 排序权重 (pages).
    pub const WEIGHT: Key = key("weight", &["排序"]);
}

/// One content file, typed.
#[derive(Debug, Clone, Serialize)]
pub struct Document {
    /// Path relative to the site root, `/`-separated: `content/policies/2024/a.md`.
    pub source: PathBuf,
    /// The document's kind.
    pub kind: Kind,
    /// 标题.
    pub title: String,
    /// 发布日期 (for policies, defaults to 成文日期).
    pub published: Option<Date>,
    /// 公开责任部门 (for policies, defaults to 发文机关).
    pub department: Option<String>,
    /// 公开目录 path, `/`-separated.
    pub catalog: Option<String>,
    /// 主题分类.
    pub topics: Vec<String>,
    /// 关键词.
    pub keywords: Vec<String>,
    /// 摘要 as written; the render stage falls back to the first paragraph.
    pub summary: Option<String>,
    /// Ordering weight among pages (smaller first).
    pub weight: i64,
    /// The site-relative output directory, `/`-terminated: `policies/4305210003-2024-00012/`.
    pub url: String,
    /// The Markdown body, or where to read it again.
    #[serde(skip)]
    pub body: Body,
    /// File line on which the body starts.
    #[serde(skip)]
    pub body_line: usize,
    /// The front-matter text, kept to place later diagnostics on the right line.
    #[serde(skip)]
    pub front: String,
    /// File line on which the front matter starts.
    #[serde(skip)]
    pub front_line: usize,
    /// Kind-specific data.
    pub data: KindData,
}

/// A document's Markdown body. Loading keeps it ([`Body::Text`]); a build of a large site
/// may leave it on disk instead ([`Document::leave_body_on_disk`]) and read it again when
/// the page is rendered, so that the bodies of every document are never in memory at once.
#[derive(Debug, Clone)]
pub enum Body {
    /// The body text.
    Text(String),
    /// Left in its file; [`Document::body_text`] reads it back and checks it is unchanged.
    OnDisk(BodyOnDisk),
}

/// Where a body left on disk is, and what it looked like when it was loaded.
#[derive(Debug, Clone)]
pub struct BodyOnDisk {
    /// The site root and the decoding the load used.
    pub origin: Arc<BodyOrigin>,
    /// Length in bytes of the body when loaded.
    pub len: usize,
    /// Hash of the body when loaded.
    pub hash: crate::digest::Digest,
    /// The body's content checks, when `check` could make them while loading still held
    /// the body (see [`Document::keep_body_checks`]); `None` when they wait for the page.
    pub checks: Option<Vec<Diagnostic>>,
}

/// What reading a body again needs besides the document's own path.
#[derive(Debug)]
pub struct BodyOrigin {
    /// The site root.
    pub root: PathBuf,
    /// How non-UTF-8 files were decoded.
    pub encoding: SourceEncoding,
}

/// XXH3, not the standard library's SipHash: every body is hashed twice per build (when
/// left on disk and when read back), and SipHash over a large site's text showed in
/// `check`'s profile.
fn body_hash(text: &str) -> crate::digest::Digest {
    crate::digest::of(text.as_bytes())
}

impl Document {
    /// Leave the body on disk, to be read again by [`Document::body_text`]. Annual reports
    /// keep theirs: validation reads their sections, and there are only a few of them.
    pub fn leave_body_on_disk(mut self, origin: &Arc<BodyOrigin>) -> Document {
        if self.kind == Kind::AnnualReport {
            return self;
        }
        if let Body::Text(text) = &self.body {
            self.body = Body::OnDisk(BodyOnDisk {
                origin: origin.clone(),
                len: text.len(),
                hash: body_hash(text),
                checks: None,
            });
        }
        self
    }

    /// Keep `checks`, the body's content checks made while it was in memory, with a body
    /// left on disk: `check` then need not read the file a second time. (A body kept in
    /// memory is checked from memory anyway.)
    pub fn keep_body_checks(mut self, checks: Option<Vec<Diagnostic>>) -> Document {
        if let Body::OnDisk(on_disk) = &mut self.body {
            on_disk.checks = checks;
        }
        self
    }

    /// The content checks kept by [`Document::keep_body_checks`], if any.
    pub fn kept_body_checks(&self) -> Option<&[Diagnostic]> {
        match &self.body {
            Body::OnDisk(on_disk) => on_disk.checks.as_deref(),
            Body::Text(_) => None,
        }
    }

    /// The Markdown body: borrowed when in memory, read again when left on disk. An error
    /// (for the document's file) when the file changed or vanished since it was loaded:
    /// the page would otherwise show a body that does not match its front matter.
    pub fn body_text(&self) -> Result<Cow<'_, str>, Diagnostic> {
        match &self.body {
            Body::Text(text) => Ok(Cow::Borrowed(text)),
            Body::OnDisk(on_disk) => {
                let origin = &on_disk.origin;
                match read_body(&origin.root, &self.source, origin.encoding) {
                    Some(text) if text.len() == on_disk.len && body_hash(&text) == on_disk.hash => {
                        Ok(Cow::Owned(text))
                    }
                    _ => Err(Diagnostic::error(
                        "E0930",
                        "文件在构建过程中被修改或删除，本次构建未使用它",
                    )
                    .in_file(&self.source)
                    .at_line(self.body_line)
                    .help("保存完所有文件后重新构建；若正在用脚本批量改写内容，等它结束再构建")),
                }
            }
        }
    }
}

/// The part of a document that depends on its kind.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum KindData {
    /// 政策文件.
    Policy(Policy),
    /// 政策解读.
    Interpretation(Interpretation),
    /// 负面清单.
    NegativeList(NegativeList),
    /// 年度报告.
    AnnualReport(Box<AnnualReport>),
    /// 普通页面: nothing beyond the common fields.
    Page,
}

impl Document {
    /// File line of a front-matter key (or any of its aliases).
    pub fn line_of(&self, k: &Key) -> Option<usize> {
        std::iter::once(k.name)
            .chain(k.aliases.iter().copied())
            .filter_map(|name| line_of_key(&self.front, name, 1))
            .min()
            .map(|l| l + self.front_line - 1)
    }

    /// An error about this document at the line of `k`.
    pub fn error_at(&self, code: &'static str, k: &Key, message: impl Into<String>) -> Diagnostic {
        Diagnostic::error(code, message)
            .in_file(&self.source)
            .at_line(self.line_of(k).or(Some(self.front_line)))
    }

    /// A warning about this document at the line of `k`.
    pub fn warning_at(
        &self,
        code: &'static str,
        k: &Key,
        message: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic::warning(code, message)
            .in_file(&self.source)
            .at_line(self.line_of(k).or(Some(self.front_line)))
    }

    /// The policy data, if this is a policy.
    pub fn policy(&self) -> Option<&Policy> {
        match &self.data {
            KindData::Policy(p) => Some(p),
            _ => None,
        }
    }

    /// The interpretation data, if this is an interpretation.
    pub fn interpretation(&self) -> Option<&Interpretation> {
        match &self.data {
            KindData::Interpretation(i) => Some(i),
            _ => None,
        }
    }

    /// The negative list, if this is one.
    pub fn negative_list(&self) -> Option<&NegativeList> {
        match &self.data {
            KindData::NegativeList(n) => Some(n),
            _ => None,
        }
    }

    /// The annual report, if this is one.
    pub fn annual_report(&self) -> Option<&AnnualReport> {
        match &self.data {
            KindData::AnnualReport(r) => Some(r),
            _ => None,
        }
    }

    /// The year the document belongs to in listings.
    pub fn year(&self) -> Option<i32> {
        use chrono::Datelike;
        match &self.data {
            KindData::AnnualReport(r) => Some(r.year),
            KindData::Policy(p) => p.issued.or(self.published).map(|d| d.year()),
            _ => self.published.map(|d| d.year()),
        }
    }
}

/// What the loader hands to this stage for one file.
pub struct RawDocument<'a> {
    /// Path relative to the site root.
    pub source: PathBuf,
    /// Kind from `kind:` or the folder.
    pub kind: Kind,
    /// Parsed front matter with alias-aware access.
    pub fields: Fields<'a>,
    /// The front matter text.
    pub front: &'a str,
    /// File line where the front matter starts.
    pub front_line: usize,
    /// Markdown body.
    pub body: &'a str,
    /// File line where the body starts.
    pub body_line: usize,
}

/// Type one loaded file (the reader the driver passes to [`crate::load::load`]): its kind
/// from `kind:` or its folder, then its fields. `None` when the kind is unknown.
pub fn read_document(file: SourceFile<'_>, out: &mut Vec<Diagnostic>) -> Option<Document> {
    let rel = file.source;
    let mut fields = Fields::new(file.map, rel, file.front, file.front_line);
    let folder = rel
        .iter()
        .nth(1)
        .filter(|_| rel.iter().count() > 2)
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    let kind = match fields.string(&keys::KIND) {
        Some(k) => match Kind::parse(&k) {
            Some(kind) => kind,
            None => {
                let d = fields
                    .error("E0112", &keys::KIND, format!("未知的文件类型“{k}”"))
                    .help(format!("kind 可选 {}", Kind::choices()));
                out.push(d);
                return None;
            }
        },
        None => Kind::from_folder(&folder),
    };
    out.extend(fields.take_diagnostics());
    let raw = RawDocument {
        source: rel.to_path_buf(),
        kind,
        fields,
        front: file.front,
        front_line: file.front_line,
        body: file.body,
        body_line: file.body_line,
    };
    Some(build_document(raw, out))
}

/// Build a typed document from a raw one. Diagnostics go to `out`; the document is
/// returned even when some fields were bad, so later stages can report more.
pub fn build_document(mut raw: RawDocument<'_>, out: &mut Vec<Diagnostic>) -> Document {
    let f = &mut raw.fields;
    f.mark_used(&[keys::KIND]);
    let title = f
        .required_string(&keys::TITLE, "E0110", "文件标题")
        .unwrap_or_default();
    let mut published = f.date(&keys::PUBLISHED);
    let mut department = f.string(&keys::DEPARTMENT);
    let catalog = f.string(&keys::CATALOG).map(|c| {
        c.split(['/', '／', '>', '＞'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join("/")
    });
    let topics = f.string_list(&keys::TOPICS);
    let keywords = f.string_list(&keys::KEYWORDS);
    let summary = f.string(&keys::SUMMARY);
    let weight = match f.value(&keys::WEIGHT).map(|v| v.as_i64()) {
        None => 0,
        Some(Some(w)) => w,
        Some(None) => {
            let d = f
                .warning(
                    "W0113",
                    &keys::WEIGHT,
                    "“排序”（weight）应为整数，已按 0 处理",
                )
                .help("写成 `排序: 10`，数字小的排在前面");
            f.diagnostics.push(d);
            0
        }
    };
    let data = match raw.kind {
        Kind::Policy => {
            let p = policy::parse(f);
            published = published.or(p.issued);
            department = department.or_else(|| Some(p.issuer.clone()).filter(|s| !s.is_empty()));
            KindData::Policy(p)
        }
        Kind::Interpretation => KindData::Interpretation(interpretation::parse(f)),
        Kind::NegativeList => KindData::NegativeList(negative_list::parse(f)),
        Kind::AnnualReport => KindData::AnnualReport(Box::new(annual_report::parse(f))),
        Kind::Page => KindData::Page,
    };
    if published.is_none()
        && matches!(
            raw.kind,
            Kind::Interpretation | Kind::NegativeList | Kind::AnnualReport
        )
    {
        let what = raw.kind.label();
        let d = Diagnostic::error(
            "E0111",
            format!("{what}缺少发布日期（published / 发布日期）"),
        )
        .in_file(&raw.source)
        .at_line(raw.front_line)
        .help("加上一行 `发布日期: 2024-04-28`");
        f.diagnostics.push(d);
    }
    f.warn_unknown(raw.kind.label());
    out.extend(f.take_diagnostics());
    let url = url_for(&raw.source, raw.kind, &data);
    Document {
        source: raw.source,
        kind: raw.kind,
        title,
        published,
        department,
        catalog,
        topics,
        keywords,
        summary,
        weight,
        url,
        body: Body::Text(raw.body.to_string()),
        body_line: raw.body_line,
        front: raw.front.to_string(),
        front_line: raw.front_line,
        data,
    }
}

/// The stable output directory of a document. Policies are addressed by 索引号, so a new
/// title or a moved file never breaks a link; everything else by its path under
/// `content/`, without the extension (and without a trailing `index`).
pub fn url_for(source: &std::path::Path, kind: Kind, data: &KindData) -> String {
    if let (Kind::Policy, KindData::Policy(p)) = (kind, data) {
        if let Some(index_no) = &p.index_no {
            return format!("{}/{}/", kind.folder(), slug(index_no));
        }
    }
    let rel = source.strip_prefix("content").unwrap_or(source);
    let mut parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    if let Some(last) = parts.last_mut() {
        if let Some((stem, _)) = last.rsplit_once('.') {
            *last = stem.to_string();
        }
    }
    if parts.last().is_some_and(|l| l == "index" || l == "_index") {
        parts.pop();
    }
    let path: Vec<String> = parts.iter().map(|p| slug(p)).collect();
    if path.is_empty() {
        return String::new();
    }
    format!("{}/", path.join("/"))
}

/// A URL-safe path segment: `/` and characters that are special in URLs or file systems
/// become `-`; Chinese characters stay (browsers and servers handle them).
pub fn slug(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.trim().chars() {
        let bad = matches!(
            c,
            '/' | '\\' | '?' | '#' | '%' | '&' | ':' | '*' | '"' | '<' | '>' | '|' | '\'' | '+'
        ) || c.is_whitespace()
            || c.is_control();
        out.push(if bad { '-' } else { c });
    }
    while out.contains("--") {
        out = out.replace("--", "-");
    }
    let trimmed = out.trim_matches(['-', '.']);
    if trimmed.is_empty() {
        "-".to_string()
    } else {
        trimmed.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn kind_parses_english_chinese_and_folder_names() {
        assert_eq!(Kind::parse("annual-report"), Some(Kind::AnnualReport));
        assert_eq!(Kind::parse("政策解读"), Some(Kind::Interpretation));
        assert_eq!(Kind::parse("negative-lists"), Some(Kind::NegativeList));
        assert_eq!(Kind::parse("policy"), Some(Kind::Policy));
        assert_eq!(Kind::parse("memo"), None);
        assert_eq!(
            Kind::command_choices(),
            "policy、interpretation、negative-list、annual-report、page"
        );
        for name in Kind::command_choices().split('、') {
            assert!(Kind::parse(name).is_some(), "{name}");
        }
        assert_eq!(Kind::from_folder("guide"), Kind::Page);
        assert_eq!(Kind::from_folder("policies"), Kind::Policy);
    }

    #[test]
    fn urls_are_stable_and_safe() {
        assert_eq!(slug("4305210003/2024-00012"), "4305210003-2024-00012");
        assert_eq!(slug("../etc"), "etc");
        assert_eq!(
            url_for(
                Path::new("content/guide/index.md"),
                Kind::Page,
                &KindData::Page
            ),
            "guide/"
        );
        assert_eq!(
            url_for(
                Path::new("content/annual-reports/2024.md"),
                Kind::Page,
                &KindData::Page
            ),
            "annual-reports/2024/"
        );
        assert_eq!(
            url_for(Path::new("content/index.md"), Kind::Page, &KindData::Page),
            ""
        );
    }
}

#[cfg(test)]
mod body_tests {
    use super::*;
    use crate::load::{load, Content};

    fn load_one(root: &std::path::Path) -> Document {
        let origin = Arc::new(BodyOrigin {
            root: root.to_path_buf(),
            encoding: SourceEncoding::Utf8,
        });
        let Content { mut documents, .. } = load(root, SourceEncoding::Utf8, |f, out| {
            read_document(f, out).map(|d| d.leave_body_on_disk(&origin))
        })
        .unwrap();
        documents.pop().unwrap()
    }

    fn site_with(body: &str) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("content/pages")).unwrap();
        std::fs::write(
            dir.path().join("content/pages/a.md"),
            format!("---\ntitle: 关于\n---\n{body}"),
        )
        .unwrap();
        dir
    }

    #[test]
    fn a_body_left_on_disk_reads_back_exactly_as_loaded() {
        // CR-only line ends and a control character: loading cleans both, and the body
        // read back must be the one loading saw, not the raw file.
        let dir = site_with("第一段\r\r第二段\u{7}。\r");
        let Content { documents, .. } =
            load(dir.path(), SourceEncoding::Utf8, read_document).unwrap();
        let Body::Text(kept) = &documents[0].body else {
            panic!("loading keeps the body")
        };
        assert!(
            kept.contains("第二段。") && !kept.contains('\u{7}'),
            "{kept:?}"
        );
        let doc = load_one(dir.path());
        assert!(matches!(doc.body, Body::OnDisk(_)));
        assert_eq!(doc.body_text().unwrap(), kept.as_str());
    }

    #[test]
    fn a_body_edited_after_loading_is_e0930_not_a_mismatched_page() {
        let dir = site_with("原来的正文\n");
        let doc = load_one(dir.path());
        std::fs::write(
            dir.path().join("content/pages/a.md"),
            "---\ntitle: 关于\n---\n改过的正文\n",
        )
        .unwrap();
        let err = doc.body_text().unwrap_err();
        assert_eq!(err.code, "E0930");
        assert_eq!(
            err.file.as_deref(),
            Some(std::path::Path::new("content/pages/a.md"))
        );
        std::fs::remove_file(dir.path().join("content/pages/a.md")).unwrap();
        assert_eq!(doc.body_text().unwrap_err().code, "E0930");
    }
}

#[cfg(test)]
mod kind_tests {
    use super::Kind;

    /// `Kind::ALL` lists every variant exactly once: the match below is exhaustive, so a
    /// new variant does not compile until it has an index here, and then fails this test
    /// until it is in `ALL`.
    #[test]
    fn kind_all_lists_every_variant_once() {
        fn index(k: Kind) -> usize {
            match k {
                Kind::Policy => 0,
                Kind::Interpretation => 1,
                Kind::NegativeList => 2,
                Kind::AnnualReport => 3,
                Kind::Page => 4,
            }
        }
        let mut seen = [false; 5];
        for k in Kind::ALL {
            assert!(!seen[index(k)], "{k:?} twice in Kind::ALL");
            seen[index(k)] = true;
        }
        assert!(
            seen.iter().all(|s| *s),
            "Kind::ALL misses a variant: {seen:?}"
        );
    }

    /// Every name, folder and label parses back to its kind, and no two kinds share one.
    #[test]
    fn kind_registry_entries_are_distinct_and_parse_back() {
        for k in Kind::ALL {
            for text in [k.name(), k.label(), k.short_label()] {
                assert_eq!(Kind::parse(text), Some(k), "{text}");
            }
            for text in k.aliases() {
                assert_eq!(Kind::parse(text), Some(k), "{text}");
            }
            if k.listed() {
                assert_eq!(Kind::parse(k.folder()), Some(k));
                assert_eq!(Kind::from_folder(k.folder()), k);
            }
            assert!(k.template().ends_with(".html"));
        }
        let templates: std::collections::BTreeSet<&str> =
            Kind::ALL.iter().map(|k| k.template()).collect();
        assert_eq!(templates.len(), Kind::ALL.len());
        assert_eq!(
            Kind::choices(),
            "policy（政策文件）、interpretation（政策解读）、negative_list（负面清单）、annual_report（年度报告）、page（页面）"
        );
    }
}
