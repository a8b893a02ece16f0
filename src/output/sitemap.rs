//! `sitemap.xml`: every HTML page, absolute URLs from `base_url`.

use super::{encode_path, xml_escape};
use crate::link::Site;

/// The sitemap of the given HTML pages (`…/index.html`; 404 is not among them). Document pages carry `lastmod`.
pub fn sitemap_xml(site: &Site, pages: &[String]) -> String {
    // By page directory: a document's page is `{url}index.html`.
    let lastmod: std::collections::HashMap<&str, crate::date::Date> = site
        .docs
        .iter()
        .filter_map(|d| d.published.map(|p| (d.url.as_str(), p)))
        .collect();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for page in pages {
        let dir = page.trim_end_matches("index.html");
        out.push_str("  <url><loc>");
        out.push_str(&xml_escape(&format!(
            "{}{}",
            site.config.base_url,
            encode_path(dir)
        )));
        out.push_str("</loc>");
        if let Some(m) = page
            .strip_suffix("index.html")
            .and_then(|dir| lastmod.get(dir))
        {
            out.push_str("<lastmod>");
            out.push_str(&crate::date::iso(*m));
            out.push_str("</lastmod>");
        }
        out.push_str("</url>\n");
    }
    out.push_str("</urlset>\n");
    out
}
