//! `gongkai serve`: the live preview. The site is built into memory, served over HTTP,
//! and rebuilt as the officer edits, without touching `content/` or `public/`.

pub mod engine;
pub mod http;
pub mod preview;
pub mod watch;
