//! The Markdown stage: turns a document's Markdown body into safe HTML, and collects what
//! later stages need from it (headings for the table of contents, the first paragraph for
//! the default summary, plain text for search) plus diagnostics about the content.
//!
//! pulldown-cmark does the parsing (CommonMark + tables, footnotes, strikethrough; heading
//! attributes off). Around it this stage adds what a government portal needs:
//! - CJK-friendly emphasis (`**（一）加强组织领导。**各单位…` is bold), see `cjk.rs`;
//! - heading anchors that keep the Chinese text, see [`slug`];
//! - syntect highlighting into CSS classes, see [`highlight_css`];
//! - tables and footnotes written without inline styles, with header scopes;
//! - link and image URLs checked: relative ones are resolved by the caller, dangerous ones
//!   (`javascript:` and the like) are dropped, and raw HTML is sanitised with ammonia;
//! - accessibility checks (image alt text, link text, heading levels, HTML table headers).
//!
//! Heading anchor rule: the heading's plain text with whitespace runs turned into one `-`,
//! punctuation removed (ASCII and Unicode, including Chinese punctuation such as `、`, `（`
//! and `。`; `-` and `_` are kept), ASCII letters lower-cased, everything else (Chinese
//! characters, digits) kept as it is. `一、总体情况` → `一总体情况`, `（一）Work Plan` →
//! `一work-plan`. A heading with nothing left becomes `section`. Repeats get `-2`, `-3`, ….

mod chars;
mod cjk;
mod highlight;
mod sanitize;

pub use highlight::highlight_css;

use crate::diag::Diagnostic;
use pulldown_cmark::{
    Alignment, CodeBlockKind, CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd,
};
use sanitize::UrlUse;
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::path::Path;
use std::sync::OnceLock;

/// Where a relative link or image in a document should point, decided by the caller (the
/// link stage knows where attachments are copied and what escapes the site).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkResolution {
    /// Leave the URL as written.
    Keep,
    /// Use this URL instead (already relative to the output page).
    Rewrite(String),
    /// The URL cannot be used; the string is the reason, in Chinese (reported as `E0603`).
    Reject(String),
}

/// What [`render`] needs to know about the document besides its text.
pub struct MarkdownContext<'a> {
    /// Path of the document relative to the site root, for diagnostics
    /// (e.g. `content/policies/a.md`).
    pub file: &'a Path,
    /// 1-based line of the file on which the Markdown body starts (after front matter).
    pub first_line: usize,
    /// Called for every link or image URL that is relative (no scheme, not starting with
    /// `#` or `/`), in Markdown and in raw HTML `<a href>`/`<img src>`.
    pub resolve: &'a (dyn Fn(&str) -> LinkResolution + Sync),
}

/// A heading of the body, for the table of contents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Heading {
    /// 1–6; body headings normally start at 2 (the page title is the `h1`).
    pub level: u8,
    /// Plain text of the heading.
    pub text: String,
    /// The anchor written as the heading's `id` (see the module docs for the rule).
    pub id: String,
}

/// The result of rendering one document body.
#[derive(Debug, Clone)]
pub struct RenderedMarkdown {
    /// Safe HTML of the body.
    pub html: String,
    /// Headings in document order.
    pub headings: Vec<Heading>,
    /// Plain text of the first paragraph (for the default summary); empty when there is none.
    pub first_paragraph: String,
    /// All text without markup, blocks separated by `'\n'` (for search).
    pub plain_text: String,
    /// Findings about the content (`E0601`–`E0603`, `W0604`, `W0605`).
    pub diagnostics: Vec<Diagnostic>,
}

impl RenderedMarkdown {
    /// The same, with one more finding (e.g. that the body could not be read).
    pub fn with_diagnostic(mut self, d: Diagnostic) -> RenderedMarkdown {
        self.diagnostics.push(d);
        self
    }
}

/// What the caller wants from a body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Everything: the HTML, headings, text and the content checks (a page).
    Page,
    /// The content checks and the relative links' resolutions only (`gongkai check`):
    /// code blocks are not highlighted and no HTML is assembled or sanitised. Neither can
    /// produce a finding — every check runs on the event walk, which is the same — so the
    /// diagnostics are those of [`Purpose::Page`]; `html` stays empty and headings get no
    /// `id`. Emphasis is corrected for CJK only where a check reads the text (see
    /// `cjk::CheckedEvents`).
    Check,
}

/// Render a Markdown body to HTML and collect headings, text and diagnostics.
pub fn render(src: &str, ctx: &MarkdownContext) -> RenderedMarkdown {
    render_for(src, ctx, Purpose::Page)
}

/// [`render`], doing only what `purpose` needs.
pub fn render_for(src: &str, ctx: &MarkdownContext, purpose: Purpose) -> RenderedMarkdown {
    if purpose == Purpose::Check {
        return check(src, ctx);
    }
    // Roughly one event per dozen bytes of Chinese prose; avoids most regrowth copies.
    let mut events: Vec<cjk::Ev> = Vec::with_capacity(src.len() / 12 + 16);
    let mut cells = CellCount::default();
    for (event, range) in Parser::new_ext(src, OPTIONS).into_offset_iter() {
        if let Some(table_start) = cells.over_cap(&event, &range) {
            return too_many_cells(src, ctx, table_start);
        }
        events.push((event, range));
    }
    let rewrites = cjk::rewrites(src, &events);
    let mut r = Renderer::new(src, ctx, events.len(), purpose);
    for (event, range) in cjk::splice(events, rewrites) {
        r.event(event, range);
    }
    r.finish()
}

/// [`Purpose::Check`]: the same walk, fed as the parser goes (see [`cjk::CheckedEvents`]
/// for which emphasis it corrects), so no document's event list is ever held whole.
fn check(src: &str, ctx: &MarkdownContext) -> RenderedMarkdown {
    let mut r = Renderer::new(src, ctx, 0, Purpose::Check);
    let mut events = cjk::CheckedEvents::new(src);
    let mut walk = |(event, range)| r.event(event, range);
    let mut cells = CellCount::default();
    for (event, range) in Parser::new_ext(src, OPTIONS).into_offset_iter() {
        if let Some(table_start) = cells.over_cap(&event, &range) {
            // As in `render_for`: the body's only finding, whatever came before.
            return too_many_cells(src, ctx, table_start);
        }
        events.push((event, range), &mut walk);
    }
    events.finish(&mut walk);
    r.finish()
}

const OPTIONS: Options = Options::ENABLE_TABLES
    .union(Options::ENABLE_FOOTNOTES)
    .union(Options::ENABLE_STRIKETHROUGH);

/// The cells of the table being parsed, against [`MAX_TABLE_CELLS`].
#[derive(Default)]
struct CellCount {
    cells: usize,
    table_start: usize,
}

impl CellCount {
    /// The offset of the table `event` takes over the cap, if it does.
    fn over_cap(&mut self, event: &Event, range: &Range<usize>) -> Option<usize> {
        match event {
            Event::Start(Tag::Table(_)) => {
                self.cells = 0;
                self.table_start = range.start;
            }
            Event::Start(Tag::TableCell) => {
                self.cells += 1;
                if self.cells > MAX_TABLE_CELLS {
                    return Some(self.table_start);
                }
            }
            _ => {}
        }
        None
    }
}

/// Most cells one Markdown table may have. Every cell costs a few hundred bytes while the
/// document is rendered: a 4,000 × 2,000 table (56 MB of text) needed 4.5 GB. The largest
/// statutory tables have a few thousand cells.
pub const MAX_TABLE_CELLS: usize = 100_000;

/// `E0610`: a table over [`MAX_TABLE_CELLS`]; nothing of the body is rendered.
fn too_many_cells(src: &str, ctx: &MarkdownContext, table_start: usize) -> RenderedMarkdown {
    let line = ctx.first_line
        + src.as_bytes()[..table_start.min(src.len())]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
    let d = Diagnostic::error(
        "E0610",
        format!("表格超过 {MAX_TABLE_CELLS} 个单元格，无法发布"),
    )
    .in_file(ctx.file)
    .at_line(line)
    .help("把大表格拆成几个表格，或作为附件（如 .xlsx、.csv）发布并在正文中链接");
    RenderedMarkdown {
        html: String::new(),
        headings: Vec::new(),
        first_paragraph: String::new(),
        plain_text: String::new(),
        diagnostics: vec![d],
    }
}

/// Anchor for a heading text (see the module docs for the rule).
pub fn slug(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut dash = false;
    for c in text.chars() {
        if c.is_whitespace() || c == '-' {
            dash = true;
        } else if c == '_' || !chars::is_punctuation(c) {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.push(c.to_ascii_lowercase());
        }
    }
    if out.is_empty() {
        out.push_str("section");
    }
    out
}

/// Append `s` to `out` with the five HTML-special characters escaped.
pub(crate) fn escape_html(out: &mut String, s: &str) {
    crate::text::escape_into(out, s, crate::text::Markup::Html);
}

struct OpenHeading {
    out_index: usize,
    level: u8,
    text: String,
    offset: usize,
}

struct OpenCode {
    lang: Option<String>,
    text: String,
}

struct OpenLink<'s> {
    url: CowStr<'s>,
    has_text: bool,
    dropped: bool,
    offset: usize,
}

struct OpenImage<'s> {
    url: CowStr<'s>,
    alt: String,
    dropped: bool,
    offset: usize,
}

struct Footnote {
    id: String,
    number: usize,
    referenced: bool,
}

/// Walks the (CJK-corrected) events once, rewriting some into our own HTML and collecting
/// everything else the result needs.
struct Renderer<'s, 'c> {
    src: &'s str,
    ctx: &'c MarkdownContext<'c>,
    purpose: Purpose,
    out: Vec<Event<'s>>,
    diagnostics: Vec<Diagnostic>,
    headings: Vec<Heading>,
    used_ids: HashSet<String>,
    /// For each heading anchor base, the suffix to try next: repeated headings take
    /// `-2`, `-3`, … without probing from `-2` each time (50,000 equal headings would
    /// otherwise never finish).
    next_suffix: HashMap<String, usize>,
    last_level: u8,
    heading: Option<OpenHeading>,
    code: Option<OpenCode>,
    aligns: Vec<Alignment>,
    column: usize,
    in_table_head: bool,
    table_body_open: bool,
    links: Vec<OpenLink<'s>>,
    images: Vec<OpenImage<'s>>,
    footnotes: Vec<Footnote>,
    /// Footnote label → index in `footnotes`, so each reference is found in constant time.
    footnote_index: HashMap<String, usize>,
    /// Footnote anchors already given out.
    footnote_ids: HashSet<String>,
    current_footnote: Option<usize>,
    plain: String,
    pending_break: bool,
    paragraph_start: Option<usize>,
    first_paragraph: Option<String>,
    raw_html: bool,
    /// Inside a raw `<script>` or `<style>` element: its text is not prose (and ammonia
    /// removes it from the HTML).
    in_raw_script: bool,
    /// Raw HTML tables still open: (line of `<table>`, whether a `<th>` was seen).
    html_tables: Vec<(usize, bool)>,
    /// Markdown tables so far, to give each scroll region its own name.
    tables: usize,
    /// Last offset asked for by `line()` and the number of newlines before it.
    line_cache: (usize, usize),
}

impl<'s, 'c> Renderer<'s, 'c> {
    fn new(src: &'s str, ctx: &'c MarkdownContext<'c>, events: usize, purpose: Purpose) -> Self {
        let (events, text) = match purpose {
            Purpose::Page => (events, src.len()),
            Purpose::Check => (0, 0),
        };
        Renderer {
            src,
            ctx,
            purpose,
            out: Vec::with_capacity(events),
            diagnostics: Vec::new(),
            headings: Vec::new(),
            used_ids: HashSet::new(),
            next_suffix: HashMap::new(),
            footnote_index: HashMap::new(),
            footnote_ids: HashSet::new(),
            last_level: 1,
            heading: None,
            code: None,
            aligns: Vec::new(),
            column: 0,
            in_table_head: false,
            table_body_open: false,
            links: Vec::new(),
            images: Vec::new(),
            footnotes: Vec::new(),
            current_footnote: None,
            plain: String::with_capacity(text),
            pending_break: false,
            paragraph_start: None,
            first_paragraph: None,
            raw_html: false,
            in_raw_script: false,
            html_tables: Vec::new(),
            tables: 0,
            line_cache: (0, 0),
        }
    }

    /// File line of a byte offset. Diagnostics arrive in document order, so counting goes on
    /// from the previous answer instead of from the start (no quadratic cost on documents
    /// with many findings).
    fn line(&mut self, offset: usize) -> usize {
        let end = offset.min(self.src.len());
        let (from, lines) = if end >= self.line_cache.0 {
            self.line_cache
        } else {
            (0, 0)
        };
        let lines = lines
            + self.src.as_bytes()[from..end]
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
        self.line_cache = (end, lines);
        self.ctx.first_line + lines
    }

    fn report(&mut self, diagnostic: Diagnostic, line: usize) {
        self.diagnostics
            .push(diagnostic.in_file(self.ctx.file).at_line(line));
    }

    fn html(&mut self, s: impl Into<CowStr<'s>>) {
        self.emit(Event::Html(s.into()));
    }

    /// Keep an event for the HTML; a check assembles none.
    fn emit(&mut self, event: Event<'s>) {
        if self.purpose == Purpose::Page {
            self.out.push(event);
        }
    }

    fn event(&mut self, event: Event<'s>, range: Range<usize>) {
        match event {
            Event::Start(tag) => self.start(tag, range),
            Event::End(tag) => self.end(tag),
            Event::Text(text) => {
                if let Some(code) = &mut self.code {
                    code.text.push_str(&text);
                    return;
                }
                self.inline_text(&text);
                self.emit(Event::Text(text));
            }
            Event::Code(text) => {
                self.inline_text(&text);
                self.emit(Event::Code(text));
            }
            Event::Html(html) => {
                let html = self.raw_html(html, range);
                let was_script = self.in_raw_script;
                if !self.track_raw_script(&html) && !was_script {
                    self.push_plain_block_html(&html);
                }
                self.emit(Event::Html(html));
            }
            Event::InlineHtml(html) => {
                let html = self.raw_html(html, range);
                let _ = self.track_raw_script(&html);
                self.emit(Event::InlineHtml(html));
            }
            Event::FootnoteReference(label) => {
                let n = self.footnote(&label);
                let note = &mut self.footnotes[n];
                let mut s = String::from("<sup class=\"footnote-reference\"><a href=\"#");
                escape_html(&mut s, &note.id);
                s.push('"');
                if !note.referenced {
                    s.push_str(" id=\"ref-");
                    escape_html(&mut s, &note.id);
                    s.push('"');
                    note.referenced = true;
                }
                s.push('>');
                s.push_str(&note.number.to_string());
                s.push_str("</a></sup>");
                self.html(s);
            }
            Event::SoftBreak | Event::HardBreak => {
                self.pending_break = true;
                self.emit(event);
            }
            other => {
                if matches!(other, Event::Rule) {
                    self.end_block();
                }
                self.emit(other);
            }
        }
    }

    fn start(&mut self, tag: Tag<'s>, range: Range<usize>) {
        match tag {
            Tag::Paragraph => {
                self.end_block();
                if self.first_paragraph.is_none() && self.current_footnote.is_none() {
                    self.paragraph_start = Some(self.plain.len());
                }
                self.emit(Event::Start(Tag::Paragraph));
            }
            Tag::Heading { level, .. } => {
                self.end_block();
                self.heading = Some(OpenHeading {
                    out_index: self.out.len(),
                    level: level_number(level),
                    text: String::new(),
                    offset: range.start,
                });
                // Replaced with the anchored heading once its text is known.
                self.emit(Event::Start(Tag::Paragraph));
            }
            Tag::CodeBlock(kind) => {
                self.end_block();
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => info
                        .split(|c: char| c.is_whitespace() || c == ',' || c == '{')
                        .next()
                        .filter(|l| !l.is_empty())
                        .map(str::to_string),
                    CodeBlockKind::Indented => None,
                };
                self.code = Some(OpenCode {
                    lang,
                    text: String::new(),
                });
            }
            Tag::Table(aligns) => {
                self.end_block();
                self.aligns = aligns;
                self.table_body_open = false;
                // A wide table scrolls inside its own labelled, focusable region, so a
                // phone never has to scroll the whole page sideways.
                self.tables += 1;
                if self.purpose == Purpose::Page {
                    let open = format!(
                        "<div class=\"table-scroll\" role=\"region\" aria-label=\"表格{}\" tabindex=\"0\">\n<table>\n",
                        self.tables
                    );
                    self.html(open);
                }
            }
            Tag::TableHead => {
                self.in_table_head = true;
                self.column = 0;
                self.html("<thead>\n<tr>");
            }
            Tag::TableRow => {
                self.column = 0;
                let open = if self.table_body_open {
                    "<tr>"
                } else {
                    "<tbody>\n<tr>"
                };
                self.table_body_open = true;
                self.html(open);
            }
            // Every cell of every table: a check, which keeps no HTML, formats none.
            Tag::TableCell if self.purpose == Purpose::Check => {}
            Tag::TableCell => {
                let class = match self.aligns.get(self.column) {
                    Some(Alignment::Left) => " class=\"align-left\"",
                    Some(Alignment::Center) => " class=\"align-center\"",
                    Some(Alignment::Right) => " class=\"align-right\"",
                    _ => "",
                };
                let cell = if self.in_table_head {
                    format!("<th scope=\"col\"{class}>")
                } else {
                    format!("<td{class}>")
                };
                self.html(cell);
            }
            Tag::FootnoteDefinition(label) => {
                self.end_block();
                let n = self.footnote(&label);
                self.current_footnote = Some(n);
                let note = &self.footnotes[n];
                let mut s = String::from("<div class=\"footnote-definition\" id=\"");
                escape_html(&mut s, &note.id);
                s.push_str("\"><sup class=\"footnote-definition-label\">");
                s.push_str(&note.number.to_string());
                s.push_str("</sup>\n");
                self.html(s);
            }
            Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            } => {
                let (dest_url, keep) =
                    self.check_url(dest_url, link_type, UrlUse::Link, range.start);
                self.links.push(OpenLink {
                    url: dest_url.clone(),
                    has_text: false,
                    dropped: !keep,
                    offset: range.start,
                });
                if keep {
                    self.emit(Event::Start(Tag::Link {
                        link_type,
                        dest_url,
                        title,
                        id,
                    }));
                }
            }
            Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            } => {
                let (dest_url, keep) =
                    self.check_url(dest_url, link_type, UrlUse::Image, range.start);
                self.images.push(OpenImage {
                    url: dest_url.clone(),
                    alt: String::new(),
                    dropped: !keep,
                    offset: range.start,
                });
                if keep {
                    self.emit(Event::Start(Tag::Image {
                        link_type,
                        dest_url,
                        title,
                        id,
                    }));
                }
            }
            other => {
                if is_block(&other) {
                    self.end_block();
                }
                self.emit(Event::Start(other));
            }
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph => {
                self.emit(Event::End(TagEnd::Paragraph));
                if let Some(start) = self.paragraph_start.take() {
                    let text = self.plain[start..].trim().to_string();
                    self.first_paragraph = Some(text);
                }
                self.end_block();
            }
            TagEnd::Heading(level) => {
                self.emit(Event::End(TagEnd::Heading(level)));
                if let Some(h) = self.heading.take() {
                    self.finish_heading(h, level);
                }
                self.end_block();
            }
            TagEnd::CodeBlock => {
                if let Some(code) = self.code.take() {
                    if self.purpose == Purpose::Page {
                        let html = highlight::code_block(code.lang.as_deref(), &code.text);
                        self.html(html);
                    }
                    self.end_block();
                    if self.purpose == Purpose::Page {
                        self.plain.push_str(&code.text);
                    }
                }
                self.end_block();
            }
            TagEnd::Table => {
                let close = if self.table_body_open {
                    "</tbody>\n</table>\n</div>\n"
                } else {
                    "</table>\n</div>\n"
                };
                self.html(close);
                self.end_block();
            }
            TagEnd::TableHead => {
                self.in_table_head = false;
                self.html("</tr>\n</thead>\n");
                self.end_block();
            }
            TagEnd::TableRow => {
                self.html("</tr>\n");
                self.end_block();
            }
            TagEnd::TableCell => {
                self.html(if self.in_table_head { "</th>" } else { "</td>" });
                self.column += 1;
                if !self.plain.is_empty() && !self.plain.ends_with(char::is_whitespace) {
                    self.plain.push(' ');
                }
                self.pending_break = false;
            }
            TagEnd::FootnoteDefinition => {
                let mut s = String::new();
                if let Some(note) = self.current_footnote.take().map(|n| &self.footnotes[n]) {
                    if note.referenced {
                        s.push_str("<a href=\"#ref-");
                        escape_html(&mut s, &note.id);
                        s.push_str(
                            "\" class=\"footnote-backref\" aria-label=\"返回引用处\">↩</a>\n",
                        );
                    }
                }
                s.push_str("</div>\n");
                self.html(s);
                self.end_block();
            }
            TagEnd::Link => {
                if let Some(link) = self.links.pop() {
                    if !link.has_text {
                        let d = Diagnostic::error("E0602", format!("链接没有文字：{}", link.url))
                            .help("在方括号里写出链接文字，例如 `[下载附件：实施方案](附件/实施方案.pdf)`；读屏软件会朗读这段文字");
                        let line = self.line(link.offset);
                        self.report(d, line);
                    }
                    if !link.dropped {
                        self.emit(Event::End(TagEnd::Link));
                    }
                }
            }
            TagEnd::Image => {
                if let Some(image) = self.images.pop() {
                    if crate::invisible::is_blank(&image.alt) {
                        let d = Diagnostic::error(
                            "E0601",
                            format!("图片缺少替代文本（alt）：{}", image.url),
                        )
                        .help("在方括号里写明图片内容：`![说明文字](图.png)`，例如 `![2023年政府信息公开申请数量统计图](图.png)`；读屏软件会朗读这段文字");
                        let line = self.line(image.offset);
                        self.report(d, line);
                    }
                    if !image.dropped {
                        self.emit(Event::End(TagEnd::Image));
                    }
                }
            }
            other => {
                let block = is_block_end(&other);
                self.emit(Event::End(other));
                if block {
                    self.end_block();
                }
            }
        }
    }

    fn finish_heading(&mut self, h: OpenHeading, level: HeadingLevel) {
        let text = h.text.trim().to_string();
        let id = match self.purpose {
            Purpose::Page => self.heading_id(&text, h.out_index, level),
            // No page, so no anchor to write (and no check reads one).
            Purpose::Check => String::new(),
        };
        let line = self.line(h.offset);
        if h.level == 1 {
            let d = Diagnostic::warning(
                "W0604",
                format!("正文中使用了一级标题“{text}”，而页面标题已经是一级标题"),
            )
            .help(format!(
                "正文标题从二级开始：把 `# {text}` 改为 `## {text}`"
            ));
            self.report(d, line);
        } else if h.level > self.last_level + 1 {
            let before = if self.last_level == 1 {
                "页面标题（一级）".to_string()
            } else {
                format!("{}标题", level_name(self.last_level))
            };
            let d = Diagnostic::warning(
                "W0604",
                format!(
                    "标题层级跳跃：“{text}”是{}标题，但它前面是{before}",
                    level_name(h.level)
                ),
            )
            .help(format!(
                "标题按层级逐级使用，这里应使用{}标题（{} 个 `#`）",
                level_name(self.last_level + 1),
                self.last_level + 1
            ));
            self.report(d, line);
        }
        self.last_level = h.level;
        self.headings.push(Heading {
            level: h.level,
            text,
            id,
        });
    }

    /// The anchor of a heading with `text` (see the module docs for the rule), written
    /// into the heading's start event at `out_index`.
    fn heading_id(&mut self, text: &str, out_index: usize, level: HeadingLevel) -> String {
        let base = slug(text);
        let mut id = base.clone();
        let mut n = self.next_suffix.get(&base).copied().unwrap_or(1);
        while self.used_ids.contains(&id) {
            n += 1;
            id = format!("{base}-{n}");
        }
        self.next_suffix.insert(base, n);
        self.used_ids.insert(id.clone());
        self.out[out_index] = Event::Start(Tag::Heading {
            level,
            id: Some(CowStr::from(id.clone())),
            classes: Vec::new(),
            attrs: Vec::new(),
        });
        id
    }

    /// Index of the footnote with `label`, numbering it on first sight.
    fn footnote(&mut self, label: &str) -> usize {
        if let Some(&i) = self.footnote_index.get(label) {
            return i;
        }
        let number = self.footnotes.len() + 1;
        let base = slug(label);
        let mut id = format!("fn-{base}");
        if self.footnote_ids.contains(&id) {
            id = format!("fn-{base}-{number}");
        }
        self.footnote_ids.insert(id.clone());
        self.footnote_index.insert(label.to_string(), number - 1);
        self.footnotes.push(Footnote {
            id,
            number,
            referenced: false,
        });
        number - 1
    }

    /// Decide what happens to a link or image URL: dangerous ones are dropped (the element
    /// is left out, its text stays), relative ones go to the caller's resolver.
    fn check_url(
        &mut self,
        url: CowStr<'s>,
        link_type: LinkType,
        usage: UrlUse,
        offset: usize,
    ) -> (CowStr<'s>, bool) {
        if link_type == LinkType::Email {
            return (url, true);
        }
        if !sanitize::is_allowed_url(&url, usage) {
            let line = self.line(offset);
            self.report(refused_url(&url, usage), line);
            return (url, false);
        }
        if !sanitize::is_relative_url(&url) {
            return (url, true);
        }
        match (self.ctx.resolve)(&url) {
            LinkResolution::Keep => (url, true),
            LinkResolution::Rewrite(new) => (CowStr::from(new), true),
            LinkResolution::Reject(reason) => {
                let d = rejected(&url, &reason);
                let line = self.line(offset);
                self.report(d, line);
                (url, true)
            }
        }
    }

    /// Checks and URL resolution for a piece of raw HTML; returns it with relative URLs
    /// rewritten. ammonia runs over the whole output later because of it.
    fn raw_html(&mut self, html: CowStr<'s>, range: Range<usize>) -> CowStr<'s> {
        self.raw_html = true;
        if !html.contains('<') {
            return html;
        }
        static WANTED: OnceLock<HashSet<&'static str>> = OnceLock::new();
        let wanted = WANTED.get_or_init(|| ["img", "a", "table", "th", "h1"].into_iter().collect());
        let tags = sanitize::scan_tags(&html, wanted);
        if tags.is_empty() {
            return html;
        }
        let first_line = self.line(range.start);
        let mut edits: Vec<(Range<usize>, String, bool)> = Vec::new();
        for tag in &tags {
            let line = first_line
                + html.as_bytes()[..tag.at]
                    .iter()
                    .filter(|&&b| b == b'\n')
                    .count();
            match (tag.name.as_str(), tag.closing) {
                ("img", false) => {
                    let alt_ok = tag
                        .attr("alt")
                        .and_then(|a| a.value.clone())
                        .is_some_and(|v| !crate::invisible::is_blank(&html[v]));
                    let src = tag.attr("src").and_then(|a| a.value.clone());
                    if !alt_ok {
                        let url = src.clone().map(|v| html[v].to_string()).unwrap_or_default();
                        let d = Diagnostic::error(
                            "E0601",
                            format!("图片缺少替代文本（alt）：{url}"),
                        )
                        .help("给 <img> 加上说明图片内容的 alt，例如 `<img src=\"图.png\" alt=\"2023年政府信息公开申请数量统计图\">`，或改用 Markdown：`![说明文字](图.png)`");
                        self.report(d, line);
                    }
                    if let Some(attr) = tag.attr("src") {
                        self.resolve_raw(&html, attr, UrlUse::Image, line, &mut edits);
                    }
                }
                ("a", false) => {
                    if let Some(attr) = tag.attr("href") {
                        self.resolve_raw(&html, attr, UrlUse::Link, line, &mut edits);
                    }
                }
                ("table", false) => self.html_tables.push((line, false)),
                ("th", false) => {
                    if let Some(t) = self.html_tables.last_mut() {
                        t.1 = true;
                    }
                }
                ("table", true) => {
                    if let Some((line, has_th)) = self.html_tables.pop() {
                        if !has_th {
                            self.report(html_table_without_header(), line);
                        }
                    }
                }
                ("h1", false) => {
                    let d = Diagnostic::warning(
                        "W0604",
                        "正文中使用了一级标题 <h1>，而页面标题已经是一级标题",
                    )
                    .help("正文标题从二级开始：改用 <h2> 或 Markdown 的 `##`");
                    self.report(d, line);
                }
                _ => {}
            }
        }
        if edits.is_empty() {
            return html;
        }
        let mut s = html.to_string();
        for (range, value, quoted) in edits.into_iter().rev() {
            let mut v = String::new();
            if !quoted {
                v.push('"');
            }
            escape_html(&mut v, &value);
            if !quoted {
                v.push('"');
            }
            s.replace_range(range, &v);
        }
        CowStr::from(s)
    }

    fn resolve_raw(
        &mut self,
        html: &str,
        attr: &sanitize::Attr,
        usage: UrlUse,
        line: usize,
        edits: &mut Vec<(Range<usize>, String, bool)>,
    ) {
        let Some(range) = attr.value.clone() else {
            return;
        };
        let url = html[range.clone()].trim();
        if !sanitize::is_allowed_url(url, usage) {
            // ammonia removes the attribute; say so, so the officer is not surprised.
            self.report(refused_url(url, usage), line);
            return;
        }
        if !sanitize::is_relative_url(url) {
            return;
        }
        match (self.ctx.resolve)(url) {
            LinkResolution::Keep => {}
            LinkResolution::Rewrite(new) => edits.push((range, new, attr.quoted)),
            LinkResolution::Reject(reason) => {
                let d = rejected(url, &reason);
                self.report(d, line);
            }
        }
    }

    /// Follow raw `<script>`/`<style>` elements; true when `html` has one of their tags.
    fn track_raw_script(&mut self, html: &str) -> bool {
        let lower = html.to_ascii_lowercase();
        let open = lower.rfind("<script").max(lower.rfind("<style"));
        let close = lower.rfind("</script").max(lower.rfind("</style"));
        if open.is_none() && close.is_none() {
            return false;
        }
        self.in_raw_script = open > close;
        true
    }

    /// Text that is part of the document's prose (not code blocks).
    fn inline_text(&mut self, text: &str) {
        if self.in_raw_script {
            return;
        }
        if let Some(h) = &mut self.heading {
            h.text.push_str(text);
        }
        if let Some(image) = self.images.last_mut() {
            image.alt.push_str(text);
        }
        if let Some(link) = self.links.last_mut() {
            if !link.has_text && !crate::invisible::is_blank(text) {
                link.has_text = true;
            }
        }
        self.push_plain(text);
    }

    fn push_plain(&mut self, text: &str) {
        // The plain text feeds the summary and search, never a check.
        if self.purpose == Purpose::Check {
            return;
        }
        if std::mem::take(&mut self.pending_break)
            && !self.plain.is_empty()
            && !self.plain.ends_with(char::is_whitespace)
        {
            // A line break inside Chinese text is not a word gap.
            let prev = self.plain.chars().next_back().is_some_and(chars::is_cjk);
            let next = text.chars().next().is_some_and(chars::is_cjk);
            if !(prev && next) {
                self.plain.push(' ');
            }
        }
        if self.plain.is_empty() || self.plain.ends_with('\n') {
            self.plain.push_str(text.trim_start());
        } else {
            self.plain.push_str(text);
        }
    }

    fn push_plain_block_html(&mut self, html: &str) {
        if self.purpose == Purpose::Check {
            return;
        }
        let mut in_tag = false;
        let mut text = String::new();
        for c in html.chars() {
            match c {
                '<' => in_tag = true,
                '>' if in_tag => in_tag = false,
                c if !in_tag => text.push(c),
                _ => {}
            }
        }
        let text = text.trim();
        if !text.is_empty() {
            self.end_block();
            self.plain.push_str(text);
        }
    }

    fn end_block(&mut self) {
        self.pending_break = false;
        if !self.plain.is_empty() && !self.plain.ends_with('\n') {
            while self.plain.ends_with(' ') {
                self.plain.pop();
            }
            self.plain.push('\n');
        }
    }

    fn finish(mut self) -> RenderedMarkdown {
        while let Some((line, has_th)) = self.html_tables.pop() {
            if !has_th {
                self.report(html_table_without_header(), line);
            }
        }
        let mut html = String::new();
        if self.purpose == Purpose::Page {
            html.reserve(self.src.len() * 3 / 2 + 64);
            pulldown_cmark::html::push_html(&mut html, self.out.into_iter());
            if self.raw_html {
                html = sanitize::clean(&html);
            }
        }
        let plain_len = self.plain.trim_end().len();
        self.plain.truncate(plain_len);
        RenderedMarkdown {
            html,
            headings: self.headings,
            first_paragraph: self.first_paragraph.unwrap_or_default(),
            plain_text: self.plain,
            diagnostics: self.diagnostics,
        }
    }
}

fn rejected(url: &str, reason: &str) -> Diagnostic {
    Diagnostic::error("E0603", format!("无法使用的地址“{url}”：{reason}"))
        .help("改为站点内确实存在的文件或页面的相对路径；附件放在文档旁边或站点的附件目录中，不能用 `../` 指向站点以外")
}

/// `W0610`: a link or image address outside the one URL policy; the link (or image) is
/// left out and its text kept.
fn refused_url(url: &str, usage: UrlUse) -> Diagnostic {
    let shown: String = url.chars().take(80).collect();
    let (what, allowed) = match usage {
        UrlUse::Link => ("链接", "http(s)、mailto、tel、站内相对路径或 # 锚点"),
        UrlUse::Image => ("图片", "http(s)、站内相对路径，或非 SVG 的 data:image"),
    };
    Diagnostic::warning(
        "W0610",
        format!("{what}地址“{shown}”不被允许，已去掉该{what}"),
    )
    .help(format!(
        "{what}地址只能是 {allowed}；附件请放进 content/ 并用相对路径引用"
    ))
}

fn html_table_without_header() -> Diagnostic {
    Diagnostic::warning("W0605", "HTML 表格没有表头单元格（<th>）")
        .help("把表头行的单元格写成 `<th scope=\"col\">`，或改用 Markdown 表格（第一行就是表头），读屏软件才能读出每列的含义")
}

fn level_number(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

fn level_name(level: u8) -> &'static str {
    match level {
        1 => "一级",
        2 => "二级",
        3 => "三级",
        4 => "四级",
        5 => "五级",
        _ => "六级",
    }
}

fn is_block(tag: &Tag) -> bool {
    !matches!(
        tag,
        Tag::Emphasis
            | Tag::Strong
            | Tag::Strikethrough
            | Tag::Superscript
            | Tag::Subscript
            | Tag::Link { .. }
            | Tag::Image { .. }
    )
}

fn is_block_end(tag: &TagEnd) -> bool {
    !matches!(
        tag,
        TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Superscript
            | TagEnd::Subscript
            | TagEnd::Link
            | TagEnd::Image
    )
}

#[cfg(test)]
mod tests;
