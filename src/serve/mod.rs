//! `gongkai serve`: the live preview officers leave running while they write.
//!
//! The site lives in memory (`engine`), is rebuilt when its sources change (`watch`), and
//! is served over HTTP from the last good version (`http`); a rebuild with errors keeps
//! serving that version and shows why. `preview` wires them together. Nothing here writes
//! to the site's folders (only `--output`, through the output stage, when asked).

pub mod engine;
pub mod http;
pub mod preview;
pub mod watch;
