//! Keeping documents safe to publish: dangerous URLs, and raw HTML written into Markdown.
//!
//! Most documents contain no raw HTML, and for those it is enough to neutralise dangerous
//! link and image URLs while walking the events: everything else pulldown-cmark writes is
//! escaped. Only a document that does contain raw HTML pays for a full ammonia pass over its
//! output, with an allow-list that keeps exactly the markup this stage generates itself.
//! A small tag scanner also reads raw `<img>`/`<a>`/`<table>` tags, so the same checks apply
//! to them as to Markdown images, links and tables.

use std::borrow::Cow;
use std::collections::HashSet;
use std::ops::Range;
use std::sync::OnceLock;

/// A URL scheme, lower-cased, kept inline (schemes we care about are short; a longer one is
/// still a scheme, just not one of those).
struct Scheme {
    buf: [u8; 16],
    len: usize,
}

impl Scheme {
    fn is(&self, name: &str) -> bool {
        self.len <= 16 && &self.buf[..self.len] == name.as_bytes()
    }
}

/// The URL's scheme the way a browser reads it (ASCII tab and newlines ignored anywhere,
/// leading spaces and control characters skipped), and the rest after the colon. `None`
/// for a URL without a scheme.
fn scheme(url: &str) -> Option<(Scheme, &str)> {
    let trimmed = url.trim_start_matches(|c: char| c <= ' ');
    let mut scheme = Scheme {
        buf: [0; 16],
        len: 0,
    };
    for (i, b) in trimmed.bytes().enumerate() {
        match b {
            b'\t' | b'\n' | b'\r' => {}
            b':' if scheme.len > 0 => return Some((scheme, &trimmed[i + 1..])),
            b if b.is_ascii_alphabetic()
                || (scheme.len > 0 && (b.is_ascii_digit() || b"+-.".contains(&b))) =>
            {
                if scheme.len < 16 {
                    scheme.buf[scheme.len] = b.to_ascii_lowercase();
                }
                scheme.len += 1;
            }
            _ => return None,
        }
    }
    None
}

/// What a URL is used for: the one URL policy differs only in what an image may embed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum UrlUse {
    /// `<a href>`, `<blockquote cite>`, a Markdown link.
    Link,
    /// `<img src>`, a Markdown image.
    Image,
}

/// The one URL policy for links and images, in Markdown and raw HTML alike: relative
/// URLs and fragments, `http:`/`https:`; for links also `mailto:` and `tel:`; for images
/// also `data:image/…` other than SVG (which can carry scripts). Everything else —
/// `javascript:`, `file:`, `data:` links, unknown schemes — is refused.
pub(crate) fn is_allowed_url(url: &str, usage: UrlUse) -> bool {
    let Some((s, rest)) = scheme(url) else {
        return true;
    };
    if s.is("http") || s.is("https") {
        return true;
    }
    match usage {
        UrlUse::Link => s.is("mailto") || s.is("tel"),
        UrlUse::Image => {
            if !s.is("data") {
                return false;
            }
            let media: String = rest
                .chars()
                .filter(|c| !c.is_ascii_whitespace())
                .take_while(|&c| c != ';' && c != ',')
                .collect::<String>()
                .to_ascii_lowercase();
            media.starts_with("image/") && !media.starts_with("image/svg")
        }
    }
}

/// True for a URL the caller must resolve: no scheme, and not a fragment or site-absolute
/// path.
pub(crate) fn is_relative_url(url: &str) -> bool {
    !url.is_empty() && !url.starts_with('#') && !url.starts_with('/') && scheme(url).is_none()
}

fn builder() -> &'static ammonia::Builder<'static> {
    static BUILDER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    BUILDER.get_or_init(|| {
        let mut b = ammonia::Builder::default();
        // A second navigation landmark inside the article would confuse screen readers.
        b.rm_tags(["nav"]);
        b.add_tags(["section"]);
        b.link_rel(None);
        b.add_url_schemes(["data"]);
        let class_tags = [
            "span", "code", "pre", "div", "sup", "a", "table", "th", "td", "p", "ol", "ul", "li",
            "section",
        ];
        for tag in class_tags {
            b.add_tag_attributes(tag, ["class"]);
        }
        for tag in [
            "h1", "h2", "h3", "h4", "h5", "h6", "div", "a", "section", "li",
        ] {
            b.add_tag_attributes(tag, ["id"]);
        }
        b.add_tag_attributes("a", ["title", "aria-label"]);
        // Our own table wrappers: a labelled, focusable scroll region.
        b.add_tag_attributes("div", ["role", "aria-label", "tabindex"]);
        b.add_tag_attributes("img", ["title"]);
        b.add_tag_attributes("th", ["scope", "colspan", "rowspan"]);
        b.add_tag_attributes("td", ["colspan", "rowspan"]);
        b.attribute_filter(|_element, attribute, value| {
            let usage = match attribute {
                "src" => UrlUse::Image,
                "href" | "cite" => UrlUse::Link,
                _ => return Some(Cow::Borrowed(value)),
            };
            is_allowed_url(value, usage).then_some(Cow::Borrowed(value))
        });
        b
    })
}

/// Sanitise a whole rendered document that contained raw HTML.
pub(crate) fn clean(html: &str) -> String {
    builder().clean(html).to_string()
}

/// One attribute of a scanned tag: its lower-cased name and the byte range of its value in
/// the scanned text (without quotes), if it has one.
pub(crate) struct Attr {
    pub name: String,
    pub value: Option<Range<usize>>,
    pub quoted: bool,
}

/// One start or end tag found by [`scan_tags`].
pub(crate) struct HtmlTag {
    /// Byte offset of `<` in the scanned text.
    pub at: usize,
    /// Lower-cased tag name.
    pub name: String,
    pub closing: bool,
    pub attrs: Vec<Attr>,
}

impl HtmlTag {
    pub(crate) fn attr(&self, name: &str) -> Option<&Attr> {
        self.attrs.iter().find(|a| a.name == name)
    }
}

/// Tags of interest in a fragment of raw HTML; only tags named in `wanted` are returned, and
/// a tag cut off by the end of the fragment is skipped. Best effort, not a full HTML parser:
/// it is only used for checks and URL rewriting before ammonia does the real work.
pub(crate) fn scan_tags(text: &str, wanted: &HashSet<&str>) -> Vec<HtmlTag> {
    let b = text.as_bytes();
    let mut tags = Vec::new();
    let mut i = 0;
    while let Some(off) = text[i..].find('<') {
        let at = i + off;
        i = at + 1;
        if text[at..].starts_with("<!--") {
            match text[at + 4..].find("-->") {
                Some(end) => i = at + 4 + end + 3,
                None => break,
            }
            continue;
        }
        let mut j = at + 1;
        let closing = b.get(j) == Some(&b'/');
        if closing {
            j += 1;
        }
        let name_start = j;
        while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'-') {
            j += 1;
        }
        if j == name_start || !b[name_start].is_ascii_alphabetic() {
            continue;
        }
        let name = text[name_start..j].to_ascii_lowercase();
        let mut attrs = Vec::new();
        let mut complete = false;
        while j < b.len() {
            while j < b.len() && b[j].is_ascii_whitespace() {
                j += 1;
            }
            if j >= b.len() {
                break;
            }
            if b[j] == b'>' {
                complete = true;
                j += 1;
                break;
            }
            if b[j] == b'/' {
                j += 1;
                continue;
            }
            let an = j;
            while j < b.len() && !b[j].is_ascii_whitespace() && !b"=>/".contains(&b[j]) {
                j += 1;
            }
            let attr_name = text[an..j].to_ascii_lowercase();
            while j < b.len() && b[j].is_ascii_whitespace() {
                j += 1;
            }
            let mut value = None;
            let mut quoted = false;
            if j < b.len() && b[j] == b'=' {
                j += 1;
                while j < b.len() && b[j].is_ascii_whitespace() {
                    j += 1;
                }
                if j < b.len() && (b[j] == b'"' || b[j] == b'\'') {
                    let q = b[j];
                    let vs = j + 1;
                    match b[vs..].iter().position(|&c| c == q) {
                        Some(len) => {
                            value = Some(vs..vs + len);
                            quoted = true;
                            j = vs + len + 1;
                        }
                        None => {
                            j = b.len();
                            break;
                        }
                    }
                } else {
                    let vs = j;
                    while j < b.len() && !b[j].is_ascii_whitespace() && b[j] != b'>' {
                        j += 1;
                    }
                    value = Some(vs..j);
                }
            }
            if attr_name.is_empty() {
                continue;
            }
            attrs.push(Attr {
                name: attr_name,
                value,
                quoted,
            });
        }
        if complete && wanted.contains(name.as_str()) {
            tags.push(HtmlTag {
                at,
                name,
                closing,
                attrs,
            });
        }
        i = j.max(at + 1);
    }
    tags
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_url_policy_refuses_code_files_and_svg_however_written() {
        for url in [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            " \tjava\nscript:alert(1)",
            "vbscript:msgbox",
            "data:text/html,<script>alert(1)</script>",
            "data:,hello",
            "data:image/png;base64,iVBORw0KGgo=",
            "data:image/svg+xml,<svg onload=alert(1)>",
            "file:///etc/passwd",
            "ftp://example.com/a",
        ] {
            assert!(!is_allowed_url(url, UrlUse::Link), "{url:?}");
        }
        for url in [
            "https://www.gov.cn/",
            "http://www.gov.cn/",
            "mailto:xxgk@example.gov.cn",
            "tel:0731-1234567",
            "附件/通知.pdf",
            "#第一条",
            "/abs",
            "javascript%3Aalert(1)",
        ] {
            assert!(is_allowed_url(url, UrlUse::Link), "{url:?}");
        }
        assert!(is_allowed_url(
            "data:image/png;base64,iVBORw0KGgo=",
            UrlUse::Image
        ));
        for url in [
            "data:image/svg+xml,<svg onload=alert(1)>",
            "data: Image/SVG+xml;base64,PHN2Zz4=",
            "data:text/html,x",
            "file:///C:/a.png",
            "mailto:a@b",
        ] {
            assert!(!is_allowed_url(url, UrlUse::Image), "{url:?}");
        }
    }

    #[test]
    fn relative_urls() {
        assert!(is_relative_url("附件/通知.pdf"));
        assert!(is_relative_url("../a.md"));
        assert!(is_relative_url("a.png?x=1"));
        assert!(!is_relative_url("https://a/"));
        assert!(!is_relative_url("mailto:a@b"));
        assert!(!is_relative_url("#top"));
        assert!(!is_relative_url("/abs"));
        assert!(!is_relative_url("//host/x"));
        assert!(!is_relative_url(""));
    }

    #[test]
    fn ammonia_removes_scripts_handlers_and_javascript_urls() {
        let dirty = r#"<p onclick="x()">a<script>alert(1)</script><img src="x.png" alt="图" onerror="alert(1)"><a href="javascript:alert(1)">b</a><a href="data:text/html,x">c</a><span style="color:red">d</span></p>"#;
        let clean = clean(dirty);
        for bad in [
            "onclick",
            "<script",
            "alert",
            "onerror",
            "javascript",
            "data:",
            "style",
        ] {
            assert!(!clean.contains(bad), "{bad} survived in {clean}");
        }
        assert!(clean.contains(r#"<img src="x.png" alt="图">"#), "{clean}");
    }

    #[test]
    fn ammonia_keeps_our_own_markup() {
        let ours = concat!(
            r##"<h2 id="一总体情况">一、总体情况</h2>"##,
            r##"<pre class="hl-code"><code class="language-rust"><span class="hl-source hl-rust">x</span></code></pre>"##,
            r##"<table><thead><tr><th scope="col" class="align-right" colspan="2">a</th></tr></thead><tbody><tr><td class="align-right" rowspan="2">1</td></tr></tbody></table>"##,
            r##"<p><sup class="footnote-reference"><a href="#fn-1" id="ref-fn-1">1</a></sup></p>"##,
            r##"<div class="footnote-definition" id="fn-1"><sup class="footnote-definition-label">1</sup><p>注</p><a href="#ref-fn-1" class="footnote-backref" aria-label="返回引用处">↩</a></div>"##,
            r##"<p><img src="data:image/png;base64,AAAA" alt="图" title="t"><a href="a.html" title="t">x</a></p>"##,
            r##"<ol start="3"><li>x</li></ol>"##,
        );
        assert_eq!(clean(ours), ours);
    }

    #[test]
    fn tag_scanner_reads_attributes() {
        let wanted: HashSet<&str> = ["img", "a", "table"].into_iter().collect();
        let html = r#"<p><!-- <img src=no> --><IMG SRC='a b.png' alt=""><a href=x.html title="t">y</a></table><img src="cut"#;
        let tags = scan_tags(html, &wanted);
        assert_eq!(tags.len(), 4);
        assert_eq!(tags[0].name, "img");
        let src = tags[0].attr("src").unwrap().value.clone().unwrap();
        assert_eq!(&html[src], "a b.png");
        let alt = tags[0].attr("alt").unwrap();
        assert!(alt.quoted && alt.value.as_ref().is_some_and(|r| r.is_empty()));
        let href = tags[1].attr("href").unwrap();
        assert!(!href.quoted);
        assert_eq!(&html[href.value.clone().unwrap()], "x.html");
        assert!(tags[2].closing && tags[2].name == "a");
        assert!(tags[3].closing && tags[3].name == "table");
    }
}
