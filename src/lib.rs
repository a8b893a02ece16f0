//! gongkai (公开): a static-site generator for Chinese government
//! information-disclosure portals.
//!
//! The build is a pipeline, one module per stage, data flowing one way:
//! [`config`] → [`load`] → [`model`] → [`link`] → [`validate`] → [`render`] → [`output`],
//! driven by [`build`]. Domain rules live in [`rules`] as plain functions over plain data.
//! See `ARCHITECTURE.md` for the map.
#![deny(missing_docs)]

pub mod build;
pub mod calendar;
pub mod config;
pub mod console;
pub mod date;
pub mod diag;
pub mod digest;
pub mod error;
pub mod invisible;
pub mod link;
pub mod load;
pub mod markdown;
pub mod model;
pub mod output;
pub mod progress;
pub mod render;
pub mod report;
pub mod rules;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod sink;
pub mod text;
pub mod validate;
pub mod yaml;
