//! What a document page was rendered from, recorded as it is read.
//!
//! The preview server re-renders only the pages whose bytes can change. It does not
//! guess which those are: a document page is built from a [`Tracked`] site, which is the
//! only way the view code reaches the linked site, and every access notes what it read —
//! a document (any of its fields), what link decided about a document, or the whole site
//! (a column page that counts everything). A full build records nothing.

use crate::config::Config;
use crate::date::Date;
use crate::link::{LinkFacts, Site};
use crate::model::Document;
use std::cell::RefCell;

/// The documents and facts one page read, by document position in the site it was
/// rendered from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reads {
    /// Documents whose content the page shows (its own included).
    pub docs: Vec<usize>,
    /// Documents whose link facts the page shows ([`LinkFacts`]).
    pub links: Vec<usize>,
    /// The page counts or lists across the whole site.
    pub whole_site: bool,
}

/// The linked site as the page views see it: each access is recorded when recording.
pub struct Tracked<'a> {
    site: &'a Site,
    reads: Option<RefCell<Reads>>,
}

impl<'a> Tracked<'a> {
    /// Record nothing (a full build).
    pub fn untracked(site: &'a Site) -> Tracked<'a> {
        Tracked { site, reads: None }
    }

    /// Record every access.
    pub fn recording(site: &'a Site) -> Tracked<'a> {
        Tracked {
            site,
            reads: Some(RefCell::new(Reads::default())),
        }
    }

    /// What was read, sorted and without repeats.
    pub fn into_reads(self) -> Reads {
        let mut r = self.reads.map(RefCell::into_inner).unwrap_or_default();
        r.docs.sort_unstable();
        r.docs.dedup();
        r.links.sort_unstable();
        r.links.dedup();
        r
    }

    /// The configuration (a change to it rebuilds everything, so it is not recorded).
    pub fn config(&self) -> &'a Config {
        &self.site.config
    }

    /// The day statuses are computed for (fixed for the life of a server).
    pub fn as_of(&self) -> Date {
        self.site.as_of
    }

    /// Document `j`.
    pub fn doc(&self, j: usize) -> &'a Document {
        if let Some(r) = &self.reads {
            r.borrow_mut().docs.push(j);
        }
        &self.site.docs[j]
    }

    /// What link decided about document `j`.
    pub fn links(&self, j: usize) -> LinkFacts<'a> {
        if let Some(r) = &self.reads {
            r.borrow_mut().links.push(j);
        }
        self.site.link_facts(j)
    }

    /// The whole site, for pages that count or list across it.
    pub fn whole_site(&self) -> &'a Site {
        if let Some(r) = &self.reads {
            r.borrow_mut().whole_site = true;
        }
        self.site
    }
}
