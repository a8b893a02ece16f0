//! `sitemap.xml`: every HTML page, absolute URLs from `base_url`. The sitemaps protocol
//! allows 50,000 URLs in one file, so a larger site gets `sitemap.xml` as an index of
//! `sitemap-1.xml`, `sitemap-2.xml`, … (a 100,000-policy site has 286,384 pages).

use super::{encode_path, xml_escape};
use crate::date::Date;
use crate::link::Site;
use crate::text::{escape_into, Markup};
use rayon::prelude::*;
use std::collections::HashMap;

/// The sitemap of the given HTML pages (`…/index.html`; 404 is not among them). Document pages carry `lastmod`.
#[cfg(test)]
fn sitemap_xml(site: &Site, pages: &[String]) -> String {
    let lastmod = lastmods(site);
    let entries: Vec<String> = pages
        .iter()
        .map(|p| sitemap_entry(&site.config.base_url, p, &lastmod))
        .collect();
    urlset(&entries)
}

/// Each document's publication date by its page directory (its URL): a page's
/// `lastmod`.
pub fn lastmods(site: &Site) -> HashMap<&str, Date> {
    site.docs
        .iter()
        .filter_map(|d| d.published.map(|p| (d.url.as_str(), p)))
        .collect()
}

/// The `<url>` line (newline included) of one HTML page (`…/index.html`), with the
/// `lastmod` of the document whose page it is ([`lastmods`]). The sitemap is these lines
/// in page order, so a server that keeps them changes only the lines of pages that came,
/// went or changed.
pub fn sitemap_entry(base_url: &str, page: &str, lastmod: &HashMap<&str, Date>) -> String {
    let dir = page.trim_end_matches("index.html");
    let mut out = String::with_capacity(96);
    out.push_str("  <url><loc>");
    // Escaping goes character by character, so the two halves escape as their join.
    escape_into(&mut out, base_url, Markup::Xml);
    escape_into(&mut out, &encode_path(dir), Markup::Xml);
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
    out
}

/// A `urlset` file of the given [`sitemap_entry`] lines.
fn urlset<S: AsRef<str>>(entries: &[S]) -> String {
    const HEAD: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n";
    const TAIL: &str = "</urlset>\n";
    let mut out = String::with_capacity(
        HEAD.len() + TAIL.len() + entries.iter().map(|e| e.as_ref().len()).sum::<usize>(),
    );
    out.push_str(HEAD);
    for e in entries {
        out.push_str(e.as_ref());
    }
    out.push_str(TAIL);
    out
}

/// Most URLs one sitemap file may list (the sitemaps protocol's limit).
pub const URLS_PER_FILE: usize = 50_000;

/// The sitemap files for `pages` (as [`sitemap_xml`] takes them), path and text, in the
/// order they are handed over: `sitemap.xml` alone while the pages fit in one file;
/// beyond, `sitemap.xml` is an index of `sitemap-N.xml` files of at most `per_file` pages.
pub fn sitemap_files(site: &Site, pages: &[String], per_file: usize) -> Vec<(String, String)> {
    let lastmod = lastmods(site);
    // A large site has hundreds of thousands of pages: lines made on every core.
    let entries: Vec<String> = pages
        .par_iter()
        .map(|p| sitemap_entry(&site.config.base_url, p, &lastmod))
        .collect();
    sitemap_files_of(&site.config.base_url, &entries, per_file)
}

/// [`sitemap_files`] from the pages' [`sitemap_entry`] lines, in page order.
pub fn sitemap_files_of<S: AsRef<str> + Sync>(
    base_url: &str,
    entries: &[S],
    per_file: usize,
) -> Vec<(String, String)> {
    let per_file = per_file.max(1);
    if entries.len() <= per_file {
        return vec![(super::SITEMAP_PATH.to_string(), urlset(entries))];
    }
    let parts: Vec<(String, String)> = entries
        .par_chunks(per_file)
        .enumerate()
        .map(|(i, chunk)| (part_path(i + 1), urlset(chunk)))
        .collect();
    let mut index = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for (path, _) in &parts {
        index.push_str("  <sitemap><loc>");
        index.push_str(&xml_escape(&format!("{base_url}{path}")));
        index.push_str("</loc></sitemap>\n");
    }
    index.push_str("</sitemapindex>\n");
    let mut files = vec![(super::SITEMAP_PATH.to_string(), index)];
    files.extend(parts);
    files
}

/// Whether `path` is one of the files [`sitemap_files`] can produce.
pub fn is_sitemap_path(path: &str) -> bool {
    path == super::SITEMAP_PATH
        || path
            .strip_prefix("sitemap-")
            .and_then(|p| p.strip_suffix(".xml"))
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// The paths [`sitemap_files`] produces for `pages` pages.
pub fn sitemap_paths(pages: usize, per_file: usize) -> Vec<String> {
    let per_file = per_file.max(1);
    let mut paths = vec![super::SITEMAP_PATH.to_string()];
    if pages > per_file {
        paths.extend((1..=pages.div_ceil(per_file)).map(part_path));
    }
    paths
}

fn part_path(n: usize) -> String {
    format!("sitemap-{n}.xml")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::load::Content;
    use std::collections::BTreeSet;
    use std::path::Path;

    fn empty_site() -> Site {
        let text = "title = \"示例县人民政府\"\nbase_url = \"https://www.example.gov.cn/\"\n[identity]\norganizer = \"示例县人民政府办公室\"\nsite_code = \"4305210003\"\n";
        let (config, _) = Config::parse(text, Path::new("config.toml")).unwrap();
        let content = Content {
            documents: Vec::new(),
            assets: BTreeSet::new(),
            diagnostics: Vec::new(),
            digest: None,
        };
        crate::link::link(
            content,
            config,
            crate::date::Date::from_ymd_opt(2026, 11, 22).unwrap(),
        )
        .0
    }

    fn pages(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("p{i:03}/index.html")).collect()
    }

    #[test]
    fn a_site_within_the_limit_has_one_sitemap_exactly_as_before() {
        let site = empty_site();
        let files = sitemap_files(&site, &pages(5), 5);
        assert_eq!(
            files,
            vec![("sitemap.xml".to_string(), sitemap_xml(&site, &pages(5)))]
        );
        assert_eq!(sitemap_paths(5, 5), vec!["sitemap.xml"]);
    }

    #[test]
    fn a_site_over_the_limit_gets_an_index_of_parts_listing_every_page_once() {
        let site = empty_site();
        let all = pages(12);
        let files = sitemap_files(&site, &all, 5);
        let paths: Vec<&str> = files.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(
            paths,
            [
                "sitemap.xml",
                "sitemap-1.xml",
                "sitemap-2.xml",
                "sitemap-3.xml"
            ]
        );
        assert_eq!(sitemap_paths(12, 5), paths);
        let index = &files[0].1;
        assert!(index.contains("<sitemapindex"));
        for part in &paths[1..] {
            assert!(index.contains(&format!("<loc>https://www.example.gov.cn/{part}</loc>")));
        }
        let mut listed = 0;
        for ((_, text), chunk) in files[1..].iter().zip(all.chunks(5)) {
            assert_eq!(*text, sitemap_xml(&site, chunk));
            listed += text.matches("<url>").count();
        }
        assert_eq!(listed, 12);
    }

    #[test]
    fn the_sitemap_is_its_pages_lines_and_only_its_own_files_are_sitemap_paths() {
        let site = empty_site();
        let all = pages(12);
        let lastmod = lastmods(&site);
        let lines: Vec<String> = all
            .iter()
            .map(|p| sitemap_entry(&site.config.base_url, p, &lastmod))
            .collect();
        assert_eq!(
            lines[0],
            "  <url><loc>https://www.example.gov.cn/p000/</loc></url>\n"
        );
        for per_file in [5, 12] {
            assert_eq!(
                sitemap_files_of(&site.config.base_url, &lines, per_file),
                sitemap_files(&site, &all, per_file)
            );
        }
        for path in sitemap_paths(12, 5) {
            assert!(is_sitemap_path(&path), "{path}");
        }
        for path in [
            "feed.xml",
            "robots.txt",
            "sitemap-.xml",
            "sitemap-1a.xml",
            "sitemap/index.html",
        ] {
            assert!(!is_sitemap_path(path), "{path}");
        }
    }
}
