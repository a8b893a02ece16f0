//! Domain rules of government information disclosure, as plain functions over plain data.
//!
//! Nothing here reads files, templates or configuration: each rule takes the facts it
//! needs and returns an answer, so the rules are tested directly (and read like the
//! regulations they implement).

pub mod annual_report;
pub mod doc_no;
pub mod index_no;
pub mod negative_list;
pub mod statutory;
pub mod summary;
pub mod sync;
pub mod timeliness;
pub mod validity;
