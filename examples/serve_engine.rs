//! Times the preview engine's rebuilds on a site: one full build into memory, then
//! edits of each kind (body, title, 效力 date, new interpretation, deletion), each followed
//! by a rebuild. Prints per kind the median and maximum milliseconds, files re-parsed and
//! re-rendered, and the process's peak memory.
//!
//! `cargo run --release --example serve_engine -- SITE [EDITS_PER_KIND]` — SITE is
//! modified (use a copy: `cp -a /dev/shm/gongkai-bench/site /dev/shm/copy`).

use gongkai::build::BuildOptions;
use gongkai::date::Date;
use gongkai::diag::Deny;
use gongkai::load::SourceEncoding;
use gongkai::serve::engine::{Engine, RebuildSummary};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

type Steps = Vec<(&'static str, Duration)>;

fn peak_rss_mib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb / 1024)
}

fn policies(root: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = walkdir::WalkDir::new(root.join("content/policies"))
        .sort_by_file_name()
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| e.path().strip_prefix(root).unwrap().to_path_buf())
        .collect();
    out.sort();
    out
}

fn field(text: &str, key: &str) -> Option<String> {
    text.lines()
        .find_map(|l| l.strip_prefix(&format!("{key}: ")))
        .map(|v| v.trim_matches('"').to_string())
}

fn main() {
    let mut args = std::env::args().skip(1);
    let root = PathBuf::from(args.next().expect("usage: serve_engine SITE [EDITS]"));
    let edits: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(20);
    let opts = BuildOptions {
        root: root.clone(),
        as_of: Date::from_ymd_opt(2026, 11, 22).unwrap(),
        output: None,
        base_url: None,
        encoding: SourceEncoding::Utf8,
        deny: Deny::default(),
    };
    let t = Instant::now();
    let mut engine = Engine::new(opts).unwrap();
    let files = engine.snapshot().paths().count();
    println!(
        "first build: {} ms, {files} files, {} errors, peak RSS {} MiB",
        t.elapsed().as_millis(),
        engine.diagnostics().iter().filter(|d| d.is_error()).count(),
        peak_rss_mib()
    );
    let steps: Vec<String> = engine
        .timings()
        .iter()
        .map(|(n, d)| format!("{n} {:.0}", d.as_secs_f64() * 1e3))
        .collect();
    println!("    first build steps (ms): {}", steps.join("; "));
    if std::env::var_os("SERVE_ENGINE_SIZES").is_some() {
        // What the served files weigh, by top folder, unpacked.
        let snap = engine.snapshot();
        let mut sizes: std::collections::BTreeMap<&str, (usize, usize)> = Default::default();
        for p in snap.paths() {
            let top = p.split('/').next().unwrap_or("");
            let e = sizes.entry(top).or_default();
            e.0 += 1;
            e.1 += snap.get(p).map_or(0, |b| b.len());
        }
        for (top, (n, bytes)) in sizes.iter().filter(|(_, (_, b))| *b > 1 << 20) {
            println!("    {top}: {n} files, {} MiB", bytes >> 20);
        }
    }
    let all = policies(&root);
    let step = (all.len() / (edits * 5 + 1)).max(1);
    let mut pick = all.iter().step_by(step).cloned();
    let report = |kind: &str, runs: Vec<(RebuildSummary, Steps)>| {
        let median = |mut v: Vec<f64>| {
            v.sort_by(|a, b| a.partial_cmp(b).unwrap());
            v[v.len() / 2]
        };
        let ms: Vec<f64> = runs
            .iter()
            .map(|(r, _)| r.elapsed.as_secs_f64() * 1e3)
            .collect();
        let search = |steps: &Steps| {
            steps
                .iter()
                .filter(|(n, _)| *n == "search")
                .map(|(_, d)| d.as_secs_f64() * 1e3)
                .sum::<f64>()
        };
        let without: Vec<f64> = runs
            .iter()
            .map(|(r, s)| r.elapsed.as_secs_f64() * 1e3 - search(s))
            .collect();
        let rendered: Vec<usize> = runs.iter().map(|(r, _)| r.rendered).collect();
        println!(
            "{kind:<22} median {:>7.1} ms  max {:>7.1} ms  excluding search: median {:>6.1} ms max {:>6.1} ms  reparsed {:?}  rendered min {} max {}  errors {}",
            median(ms.clone()),
            ms.iter().cloned().fold(0.0, f64::max),
            median(without.clone()),
            without.iter().cloned().fold(0.0, f64::max),
            runs.iter().map(|(r, _)| r.reparsed).max().unwrap_or(0),
            rendered.iter().min().unwrap_or(&0),
            rendered.iter().max().unwrap_or(&0),
            runs.iter().map(|(r, _)| r.errors).sum::<usize>(),
        );
        // Median of each step over the runs.
        let names: Vec<&str> = runs[0].1.iter().map(|(n, _)| *n).collect();
        let steps: Vec<String> = names
            .iter()
            .map(|name| {
                let v: Vec<f64> = runs
                    .iter()
                    .map(|(_, s)| {
                        s.iter()
                            .filter(|(n, _)| n == name)
                            .map(|(_, d)| d.as_secs_f64() * 1e3)
                            .sum()
                    })
                    .collect();
                format!("{name} {:.1}", median(v))
            })
            .collect();
        println!("    step medians (ms): {}", steps.join("; "));
    };
    // SERVE_ENGINE_KINDS=body,title runs only those kinds (for profiling one kind).
    let kinds = std::env::var("SERVE_ENGINE_KINDS").ok();
    let wanted = |kind: &str| {
        kinds
            .as_deref()
            .is_none_or(|k| k.split(',').any(|w| w.trim() == kind))
    };
    let edit = |path: &Path, f: &dyn Fn(&str) -> String| {
        let full = root.join(path);
        let text = std::fs::read_to_string(&full).unwrap();
        std::fs::write(&full, f(&text)).unwrap();
    };

    if wanted("body") {
        let mut runs = Vec::new();
        for k in 0..edits {
            let p = pick.next().unwrap();
            edit(&p, &|t| format!("{t}\n补充说明第{k}条。\n"));
            runs.push((engine.rebuild(&[p]).unwrap(), engine.timings().to_vec()));
        }
        report("body edit", runs);
    }

    if wanted("title") {
        let mut runs = Vec::new();
        for k in 0..edits {
            let p = pick.next().unwrap();
            edit(&p, &|t| {
                t.replacen("title: \"", &format!("title: \"（修订{k}）"), 1)
            });
            runs.push((engine.rebuild(&[p]).unwrap(), engine.timings().to_vec()));
        }
        report("title edit", runs);
    }

    if wanted("effective") {
        let mut runs = Vec::new();
        for _ in 0..edits {
            let p = pick.next().unwrap();
            // A policy not yet in force: its 效力状态 changes on its page, its listings'
            // status facet, and the search index.
            edit(&p, &|t| {
                let lines: Vec<String> = t
                    .lines()
                    .map(|l| {
                        if l.starts_with("effective: ") {
                            "effective: 2027-01-01".to_string()
                        } else if l.starts_with("生效日期: ") {
                            "生效日期: 2027年1月1日".to_string()
                        } else {
                            l.to_string()
                        }
                    })
                    .collect();
                lines.join("\n") + "\n"
            });
            runs.push((engine.rebuild(&[p]).unwrap(), engine.timings().to_vec()));
        }
        report("效力 date edit", runs);
    }

    if wanted("interpretation") {
        let mut runs = Vec::new();
        for k in 0..edits {
            let p = pick.next().unwrap();
            let text = std::fs::read_to_string(root.join(&p)).unwrap();
            let index_no = field(&text, "index_no")
                .or_else(|| field(&text, "索引号"))
                .unwrap();
            // Dated on its policy's day, as scripts/bench-serve dates it: among the other
            // documents, not the newest, so search ids move.
            let published = field(&text, "published")
                .or_else(|| field(&text, "issued"))
                .unwrap_or_else(|| "2026-11-20".to_string());
            let new = PathBuf::from(format!("content/interpretations/bench-{k}.md"));
            std::fs::write(
            root.join(&new),
            format!("---\ntitle: \"新解读{k}\"\npublished: {published}\npolicy: \"{index_no}\"\nform: 文字解读\n---\n\n解读正文。\n"),
        )
        .unwrap();
            runs.push((engine.rebuild(&[new]).unwrap(), engine.timings().to_vec()));
        }
        report("new interpretation", runs);

        let mut runs = Vec::new();
        for k in 0..edits {
            let new = PathBuf::from(format!("content/interpretations/bench-{k}.md"));
            std::fs::remove_file(root.join(&new)).unwrap();
            runs.push((engine.rebuild(&[new]).unwrap(), engine.timings().to_vec()));
        }
        report("delete interpretation", runs);
    }
    println!("peak RSS {} MiB", peak_rss_mib());
}
