//! Times the search-index stage alone on a real site, so changes to `src/search` can be
//! measured without the noise of a whole build.
//!
//! ```text
//! cargo run --release --example search_bench -- SITE_ROOT [--as-of 2026-11-22] [--runs 5]
//! ```
//!
//! It loads, links and renders the site's search entries once, then builds the
//! search index `--runs` times and prints each run's wall time, the median, and a SHA-256
//! over every search file's path and bytes: the same digest under `RAYON_NUM_THREADS=1`
//! and the default thread count shows the index is deterministic.

use sha2::{Digest, Sha256};
use std::path::PathBuf;
use std::time::Instant;

/// CPU seconds (user + system) of this process so far, from `/proc/self/stat`; 0 elsewhere.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the parenthesised command name; utime and stime are the 12th and 13th.
    let rest = stat.rsplit(')').next().unwrap_or("");
    let f: Vec<f64> = rest
        .split_whitespace()
        .map(|x| x.parse().unwrap_or(0.0))
        .collect();
    f.get(11)
        .zip(f.get(12))
        .map_or(0.0, |(u, s)| (u + s) / 100.0)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let mut root = None;
    let mut as_of = "2026-11-22".to_string();
    let mut runs = 5usize;
    while let Some(a) = args.next() {
        match a.as_str() {
            "--as-of" => as_of = args.next().expect("--as-of DATE"),
            "--runs" => runs = args.next().and_then(|n| n.parse().ok()).expect("--runs N"),
            _ => root = Some(PathBuf::from(a)),
        }
    }
    let root = root.expect("usage: search_bench SITE_ROOT [--as-of DATE] [--runs N]");
    let as_of = gongkai::date::parse_date(&as_of).expect("--as-of YYYY-MM-DD");

    let (config, _) = gongkai::build::load_config(&root).expect("config.toml");
    let content = gongkai::load::load(
        &root,
        gongkai::load::SourceEncoding::default(),
        gongkai::model::read_document,
    )
    .expect("content");
    let (site, _) = gongkai::link::link(content, config, as_of);
    let mut theme = gongkai::render::Theme::load(&root, &site.config.theme).expect("theme");
    let docs = gongkai::render::search_docs(&site, &mut theme).expect("render");
    drop(site);
    let chars: usize = docs.iter().map(|d| d.text.chars().count()).sum();
    println!("{} documents, {chars} characters of text", docs.len());

    let mut times = Vec::new();
    let mut digest = String::new();
    for run in 0..runs {
        let start = Instant::now();
        let cpu = cpu_seconds();
        let files = gongkai::search::build_index(&docs);
        let ms = start.elapsed().as_secs_f64() * 1000.0;
        let cpu_ms = (cpu_seconds() - cpu) * 1000.0;
        let mut h = Sha256::new();
        let mut bytes = 0;
        for (path, data) in &files {
            h.update(path.as_bytes());
            h.update([0]);
            h.update(data);
            bytes += data.len();
        }
        let d: String = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
        println!(
            "run {run}: {ms:.0} ms wall, {cpu_ms:.0} ms CPU, {} files, {bytes} bytes, sha256 {d}",
            files.len()
        );
        times.push(ms);
        digest = d;
    }
    times.sort_by(f64::total_cmp);
    println!(
        "median {:.0} ms over {runs} runs; digest {digest}",
        times[times.len() / 2]
    );
}
