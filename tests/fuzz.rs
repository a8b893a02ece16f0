//! Property-based fuzzing on stable Rust: random and mutated front matter, Markdown and
//! annual-report data must never panic and must each be handled within a time bound.
//!
//! Inputs start from the demo site's own documents (seeds) and are mutated by inserting
//! YAML and Markdown syntax, control and invisible characters, huge numbers and nesting,
//! by deleting and by duplicating pieces; fully random text is mixed in too. The short
//! run is part of `cargo test` with a fixed seed, so it is repeatable. The long run:
//!
//! ```sh
//! GONGKAI_FUZZ_SECONDS=600 cargo test --release --test fuzz -- --nocapture
//! ```
//!
//! runs each target for that many seconds with fresh seeds and prints how many inputs it
//! tried. A finding is a failing input printed by proptest (shrunk): fix it and add it to
//! `tests/bad-input/`.

use gongkai::markdown::{self, LinkResolution, MarkdownContext};
use gongkai::model::{self, Kind, RawDocument};
use gongkai::yaml::{self, Fields};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Pieces a mutation inserts: syntax that has broken parsers before, and characters an
/// officer cannot see.
const PIECES: &[&str] = &[
    "[",
    "]",
    "{",
    "}",
    ": ",
    "：",
    "- ",
    "? ",
    "\n",
    "\r",
    "\t",
    "\"",
    "'",
    "|",
    ">",
    "*",
    "&a ",
    "*a",
    "<<: *a",
    "!!binary ",
    "!!str ",
    "#",
    "---\n",
    "...\n",
    "\0",
    "\u{1}",
    "\u{FFFE}",
    "\u{200B}",
    "\u{202E}",
    "\u{FEFF}",
    "99999999999999999999",
    "-5",
    "0",
    "4294967295",
    "2024-02-30",
    "2024年13月1日",
    "  ",
    "    - ",
    "[^1]",
    "[^1]: 注",
    "## ",
    "# ",
    "**",
    "__",
    "|a|b|\n|-|-|\n",
    "<a href=\"file:///x\">x</a>",
    "![](data:image/svg+xml,<svg>)",
    "[x](javascript:alert(1))",
    "```\n",
    "<script>",
    "&#0;",
    "\\",
    "{seq:99}",
    "〔2024〕",
    "第十四条",
    "null",
    "~",
    "true",
    "总计: ",
    "合计: ",
    "本年新收: ",
    "上年结转: ",
];

fn seeds(kind_folder: &str) -> Vec<String> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("content")
        .join(kind_folder);
    let mut out: Vec<String> = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| std::fs::read_to_string(e.path()).ok())
        .collect();
    out.truncate(12);
    assert!(!out.is_empty(), "no seeds in content/{kind_folder}");
    out
}

/// One edit of a text.
#[derive(Debug, Clone)]
enum Edit {
    Insert {
        at: usize,
        piece: usize,
        times: usize,
    },
    Delete {
        at: usize,
        len: usize,
    },
    Duplicate {
        at: usize,
        len: usize,
        times: usize,
    },
    Random {
        at: usize,
        text: String,
    },
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        4 => (any::<usize>(), 0..PIECES.len(), prop_oneof![9 => 1..3usize, 1 => 1..200usize])
            .prop_map(|(at, piece, times)| Edit::Insert { at, piece, times }),
        2 => (any::<usize>(), 0..64usize).prop_map(|(at, len)| Edit::Delete { at, len }),
        1 => (any::<usize>(), 1..200usize, 1..50usize)
            .prop_map(|(at, len, times)| Edit::Duplicate { at, len, times }),
        1 => (any::<usize>(), ".{0,16}").prop_map(|(at, text)| Edit::Random { at, text }),
    ]
}

fn boundary(s: &str, at: usize) -> usize {
    let mut at = at % (s.len() + 1);
    while !s.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn apply(mut s: String, edits: &[Edit]) -> String {
    for e in edits {
        match e {
            Edit::Insert { at, piece, times } => {
                let at = boundary(&s, *at);
                s.insert_str(at, &PIECES[*piece].repeat(*times));
            }
            Edit::Delete { at, len } => {
                let a = boundary(&s, *at);
                let b = boundary(&s, a + len);
                if b >= a {
                    s.replace_range(a..b, "");
                }
            }
            Edit::Duplicate { at, len, times } => {
                let a = boundary(&s, *at);
                let b = boundary(&s, a + len);
                if b > a {
                    let piece = s[a..b].repeat(*times);
                    s.insert_str(b, &piece);
                }
            }
            Edit::Random { at, text } => {
                let at = boundary(&s, *at);
                s.insert_str(at, text);
            }
        }
    }
    s
}

/// A seed mutated by a few edits, or (sometimes) random text.
fn input(seeds: Vec<String>) -> impl Strategy<Value = String> {
    let n = seeds.len();
    prop_oneof![
        9 => (0..n, prop::collection::vec(edit(), 1..8))
            .prop_map(move |(i, edits)| apply(seeds[i].clone(), &edits)),
        1 => "(?s).{0,400}",
    ]
}

/// Split like the loader: front matter between `---` lines, the rest body.
fn split(text: &str) -> (&str, &str) {
    let Some(rest) = text.strip_prefix("---\n") else {
        return (text, "");
    };
    match rest.find("\n---\n") {
        Some(i) => (&rest[..=i], &rest[i + 5..]),
        None => (rest, ""),
    }
}

/// Load one document of `kind` from text the way the loader does (decode, size and
/// nesting limits, YAML, the kind's reader), then render its body.
fn process(text: &str, kind: &str) {
    let decoded = match gongkai::load::decode(text.as_bytes(), gongkai::load::SourceEncoding::Utf8)
    {
        Ok(t) => t,
        Err(_) => return,
    };
    let (front, body) = split(&decoded);
    let file = Path::new("content/x/a.md");
    let Ok(map) = yaml::parse_mapping(front, file, 2) else {
        return;
    };
    let fields = Fields::new(&map, file, front, 2);
    let mut out = Vec::new();
    let doc = model::build_document(
        RawDocument {
            source: PathBuf::from(file),
            kind: Kind::parse(kind).expect("kind"),
            fields,
            front,
            front_line: 2,
            body,
            body_line: 10,
        },
        &mut out,
    );
    let resolve = |_: &str| LinkResolution::Keep;
    let ctx = MarkdownContext {
        file,
        first_line: doc.body_line,
        resolve: &resolve,
    };
    let _ = markdown::render(&doc.body_text().expect("the body is in memory"), &ctx);
}

fn markdown_only(text: &str) {
    let resolve = |url: &str| {
        if url.contains("..") {
            LinkResolution::Reject("越界".into())
        } else {
            LinkResolution::Keep
        }
    };
    let ctx = MarkdownContext {
        file: Path::new("content/x/a.md"),
        first_line: 1,
        resolve: &resolve,
    };
    let r = markdown::render(text, &ctx);
    // The one URL policy holds in every tag of the output whatever the input. (Escaped
    // text such as `&lt;a href="file:` is not a tag: the first long run flagged it.)
    let lower = r.html.to_ascii_lowercase();
    for (start, _) in lower.match_indices('<') {
        let tag = &lower[start..lower[start..].find('>').map_or(lower.len(), |e| start + e)];
        if !(tag.starts_with("<a ") || tag.starts_with("<img ")) {
            continue;
        }
        for bad in [
            "href=\"javascript:",
            "href=\"file:",
            "src=\"data:image/svg",
            "src=\"file:",
        ] {
            assert!(!tag.contains(bad), "{tag} in {}", r.html);
        }
    }
}

/// Per-input time bound: an optimised build handles every input in milliseconds; the
/// unoptimised test build gets more room.
fn bound() -> Duration {
    if cfg!(debug_assertions) {
        Duration::from_secs(5)
    } else {
        Duration::from_secs(1)
    }
}

/// Run `target` on inputs from `strategy`: a fixed seed and `cases` inputs normally, or
/// fresh seeds for `GONGKAI_FUZZ_SECONDS` seconds. Returns the number of inputs tried.
fn run(
    name: &str,
    cases: u32,
    strategy: impl Strategy<Value = String>,
    target: impl Fn(&str),
) -> u64 {
    let long = std::env::var("GONGKAI_FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse::<u64>().ok());
    let deadline = long.map(|s| Instant::now() + Duration::from_secs(s));
    // One-time set-up (syntax highlighting tables, sanitiser) is not the input's cost:
    // the first long run flagged a plain annual report that happened to be first to
    // contain a code block.
    target("---\ntitle: a\n---\n```rust\nfn a() {}\n```\n<p>x</p>\n");
    let tried = std::cell::Cell::new(0u64);
    let mut round = 0u8;
    loop {
        let seed = [round; 32];
        let mut seed = seed;
        if deadline.is_some() {
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos()
                .to_le_bytes();
            seed[..16].copy_from_slice(&nanos);
        }
        let config = Config {
            cases: if deadline.is_some() { 2_000 } else { cases },
            failure_persistence: None,
            ..Config::default()
        };
        let mut runner =
            TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &seed));
        let result = runner.run(&strategy, |text| {
            tried.set(tried.get() + 1);
            let start = Instant::now();
            target(&text);
            let took = start.elapsed();
            if took > bound() {
                return Err(TestCaseError::fail(format!(
                    "{name}: {took:?} for an input of {} bytes",
                    text.len()
                )));
            }
            Ok(())
        });
        if let Err(e) = result {
            panic!("{name}: {e}");
        }
        round = round.wrapping_add(1);
        match deadline {
            Some(d) if Instant::now() < d => continue,
            _ => break,
        }
    }
    if deadline.is_some() {
        eprintln!("fuzz {name}: {} inputs, no failure", tried.get());
    }
    tried.get()
}

#[test]
fn fuzz_policy_front_matter_and_body() {
    run("policy", 300, input(seeds("policies")), |t| {
        process(t, "policy")
    });
}

#[test]
fn fuzz_negative_list_front_matter() {
    run("negative_list", 200, input(seeds("negative-lists")), |t| {
        process(t, "negative_list")
    });
}

#[test]
fn fuzz_annual_report_data() {
    run("annual_report", 200, input(seeds("annual-reports")), |t| {
        process(t, "annual_report")
    });
}

#[test]
fn fuzz_interpretation_front_matter() {
    run(
        "interpretation",
        150,
        input(seeds("interpretations")),
        |t| process(t, "interpretation"),
    );
}

#[test]
fn fuzz_markdown() {
    let mut bodies: Vec<String> = seeds("policies")
        .iter()
        .map(|s| split(s).1.to_string())
        .collect();
    bodies.push("| a | b |\n|---|---|\n| 1 | 2 |\n\n脚注[^1]。\n\n[^1]: 注。\n".into());
    run("markdown", 300, input(bodies), markdown_only);
}

/// Inputs the long runs flagged, kept so they stay handled (within the bound, no panic).
#[test]
fn fuzz_findings_stay_fixed() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-regressions");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(!files.is_empty());
    // Warm up one-time set-up first, as `run` does.
    process("---\ntitle: a\n---\n```rust\nfn a() {}\n```\n", "page");
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let start = Instant::now();
        if name.starts_with("markdown-") {
            markdown_only(&text);
        } else {
            // Named after the kind: `annual-report-…`, `policy-…`, `negative-list-…`.
            let kind = ["annual-report", "negative-list", "interpretation", "policy"]
                .into_iter()
                .find(|k| name.starts_with(k))
                .expect("a fuzz regression is named after its kind")
                .replace('-', "_");
            process(&text, &kind);
        }
        assert!(start.elapsed() < bound(), "{name}: {:?}", start.elapsed());
    }
}
