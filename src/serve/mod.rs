//! `gongkai serve`: the live preview officers leave running while they write.
//!
//! The site lives in memory (`engine`), is rebuilt when its sources change, and is served
//! over HTTP from the last good version; a rebuild with errors keeps serving that version.
//! Nothing here writes to the site's folders.

pub mod engine;
