//! Per-document limits: inputs that are small on disk but used to make a stage quadratic
//! (or blow up memory) must be checked within the budget, or refused with a diagnostic.
//!
//! Each case is generated here (they are too big to keep in the bad-input corpus) and
//! checked with the real binary, killed when it overruns its budget. The budget is 2 s
//! for an optimised binary (`cargo test --release`, or `GONGKAI_BIN` pointing at one) and
//! more for the unoptimised test build, which runs the same code several times slower;
//! the quadratic versions took from 20 s to forever even optimised.
//!
//! `GONGKAI_LIMITS_DIR=folder cargo test --test limits` also writes the cases there, so
//! `scripts/budgets` can measure time and memory of each with `/usr/bin/time`.

mod common;
use common::*;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A generated site: its files, and what `check` must answer.
struct Case {
    name: &'static str,
    files: Vec<(&'static str, String)>,
    exit: i32,
    code: Option<&'static str>,
}

const POLICY_HEAD: &str = "---\ntitle: 测试文件\nindex_no: 1111111111/2024-00001\ndoc_no: 测政发〔2024〕1号\nissuer: 测试市人民政府\nissued: 2024-01-01\n";

fn negative_list(items: usize) -> String {
    let mut s = String::from(
        "title: 清单\ndepartment: 测试局\npublished: 2026-01-05\nreviewed: 2026-01-05\nitems:\n",
    );
    for i in 0..items {
        let _ = write!(
            s,
            "  - matter: 事项{i}\n    scope: 范围{i}\n    basis: 《中华人民共和国政府信息公开条例》第十四条\n    department: 办公室\n"
        );
    }
    s
}

fn cases() -> Vec<Case> {
    let mut footnotes = format!("{POLICY_HEAD}---\n");
    for i in 0..50_000 {
        let _ = writeln!(footnotes, "文[^{i}]");
    }
    footnotes.push('\n');
    for i in 0..50_000 {
        let _ = writeln!(footnotes, "[^{i}]: 注{i}");
    }
    let mut amendments = format!("{POLICY_HEAD}amended:\n");
    for i in 0..10_000 {
        let _ = writeln!(
            amendments,
            "  - {{date: 2024-02-01, by: 测政发〔2023〕{i}号}}"
        );
    }
    amendments.push_str("---\n正文\n");
    vec![
        Case {
            name: "negative-list-4000-items",
            files: vec![("content/negative-lists/a.yaml", negative_list(4_000))],
            exit: 0,
            code: None,
        },
        Case {
            name: "negative-list-10000-items",
            files: vec![("content/negative-lists/a.yaml", negative_list(10_000))],
            exit: 0,
            code: None,
        },
        Case {
            name: "repeated-headings-50000",
            files: vec![(
                "content/policies/a.md",
                format!("{POLICY_HEAD}---\n{}", "## 同名\n\n".repeat(50_000)),
            )],
            exit: 0,
            code: None,
        },
        Case {
            name: "footnotes-50000",
            files: vec![("content/policies/a.md", footnotes)],
            exit: 0,
            code: None,
        },
        Case {
            name: "amendments-10000",
            files: vec![("content/policies/a.md", amendments)],
            exit: 0,
            code: Some("W0212"),
        },
        Case {
            name: "front-matter-100000-brackets",
            files: vec![(
                "content/policies/a.md",
                POLICY_HEAD.replace(
                    "title: 测试文件",
                    &format!("title: {}", "[".repeat(100_000)),
                ) + "---\n正文\n",
            )],
            exit: 1,
            code: Some("E0151"),
        },
        Case {
            name: "front-matter-100000-braces",
            files: vec![(
                "content/policies/a.md",
                POLICY_HEAD.replace(
                    "title: 测试文件",
                    &format!("title: {}", "{a: ".repeat(50_000)),
                ) + "---\n正文\n",
            )],
            exit: 1,
            code: Some("E0151"),
        },
        Case {
            name: "document-over-8-mib",
            files: vec![(
                "content/policies/a.md",
                format!(
                    "{POLICY_HEAD}---\n{}",
                    "这是一段很长的正文。\n".repeat(300_000)
                ),
            )],
            exit: 1,
            code: Some("E0152"),
        },
        Case {
            name: "front-matter-deep-block-list",
            files: vec![(
                "content/policies/a.md",
                format!(
                    "{POLICY_HEAD}topics:\n{}x\n---\n正文\n",
                    "- ".repeat(20_000)
                ),
            )],
            exit: 1,
            code: Some("E0151"),
        },
    ]
}

fn binary() -> PathBuf {
    std::env::var_os("GONGKAI_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_gongkai")))
}

fn budget() -> Duration {
    if std::env::var_os("GONGKAI_BIN").is_some() || !cfg!(debug_assertions) {
        Duration::from_secs(2)
    } else {
        Duration::from_secs(20)
    }
}

fn write_case(dir: &Path, case: &Case) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::copy(
        repo().join("tests/bad-input/config.toml"),
        dir.join("config.toml"),
    )
    .unwrap();
    for (rel, text) in &case.files {
        let path = dir.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

/// Run `gongkai check` on `root`; `None` when it overran `budget` (it is killed).
fn check_within(root: &Path, budget: Duration) -> Option<(i32, String)> {
    let log = root.join("check.log");
    let mut child = Command::new(binary())
        .args(["check", "--as-of", "2026-11-22", "--root"])
        .arg(root)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&log).unwrap())
        .stderr(std::fs::File::create(root.join("check.err")).unwrap())
        .spawn()
        .unwrap();
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let text = std::fs::read_to_string(&log).unwrap_or_default()
                + &std::fs::read_to_string(root.join("check.err")).unwrap_or_default();
            return Some((status.code().unwrap_or(-1), text));
        }
        if start.elapsed() > budget {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn small_inputs_that_were_quadratic_are_checked_within_the_budget() {
    let keep = std::env::var_os("GONGKAI_LIMITS_DIR").map(PathBuf::from);
    let budget = budget();
    let mut failures = Vec::new();
    for case in cases() {
        let tmp = tempfile::tempdir().unwrap();
        let root = match &keep {
            Some(dir) => dir.join(case.name),
            None => tmp.path().to_path_buf(),
        };
        write_case(&root, &case);
        match check_within(&root, budget) {
            None => failures.push(format!("{}: over {budget:?}", case.name)),
            Some((code, text)) => {
                if text.contains("panicked") {
                    failures.push(format!("{}: panicked", case.name));
                }
                if code != case.exit {
                    failures.push(format!(
                        "{}: exit {code}, expected {}",
                        case.name, case.exit
                    ));
                }
                if let Some(c) = case.code {
                    if !text.contains(&format!("[{c}]")) {
                        failures.push(format!("{}: no [{c}] in\n{text}", case.name));
                    }
                }
            }
        }
        let _ = std::fs::remove_file(root.join("check.log"));
        let _ = std::fs::remove_file(root.join("check.err"));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
