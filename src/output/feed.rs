//! The Atom feed of new disclosures: the 50 most recently published documents.

use super::{encode_path, xml_escape};
use crate::date;
use crate::link::Site;
use crate::model::Kind;

const ENTRIES: usize = 50;

/// `feed.xml`. `updated` is the newest publication date, never the build time, so the
/// feed is byte-identical across rebuilds of the same content.
pub fn atom(site: &Site) -> String {
    // Newest first, then by source path: documents sit in source-path order, so their
    // positions order them by path without comparing paths (which is slow).
    let mut positions: Vec<usize> = (0..site.docs.len())
        .filter(|&i| {
            let d = &site.docs[i];
            d.kind != Kind::Page && d.published.is_some_and(|p| p <= site.as_of)
        })
        .collect();
    positions.sort_unstable_by(|&a, &b| {
        site.docs[b]
            .published
            .cmp(&site.docs[a].published)
            .then(a.cmp(&b))
    });
    positions.truncate(ENTRIES);
    let docs: Vec<&crate::model::Document> = positions.iter().map(|&i| &site.docs[i]).collect();
    let base = &site.config.base_url;
    let updated = docs
        .first()
        .and_then(|d| d.published)
        .map(date::iso)
        .unwrap_or_else(|| date::iso(site.as_of));
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"zh-CN\">\n  <title>{}</title>\n  <id>{}</id>\n  <link rel=\"alternate\" href=\"{}\"/>\n  <link rel=\"self\" href=\"{}feed.xml\"/>\n  <updated>{}T00:00:00+08:00</updated>\n  <author><name>{}</name></author>\n",
        xml_escape(&site.config.title),
        xml_escape(base),
        xml_escape(base),
        xml_escape(base),
        updated,
        xml_escape(&site.config.identity.organizer),
    );
    for d in docs {
        let url = format!("{base}{}", encode_path(&d.url));
        let published = d.published.map(date::iso).unwrap_or_default();
        out.push_str(&format!(
            "  <entry>\n    <title>{}</title>\n    <id>{}</id>\n    <link rel=\"alternate\" href=\"{}\"/>\n    <updated>{published}T00:00:00+08:00</updated>\n    <category term=\"{}\"/>\n",
            xml_escape(&d.title),
            xml_escape(&url),
            xml_escape(&url),
            d.kind.label(),
        ));
        // A 依申请公开 document is announced by its title only: its 摘要 is not public.
        let public = d
            .policy()
            .is_none_or(|p| p.disclosure.publishes_full_text());
        if let Some(s) = d.summary.as_ref().filter(|_| public) {
            out.push_str(&format!("    <summary>{}</summary>\n", xml_escape(s)));
        }
        out.push_str("  </entry>\n");
    }
    out.push_str("</feed>\n");
    out
}
