//! Helpers shared by the integration tests: copy a fixture site into a temp folder, run
//! the real binary, read output files.
#![allow(dead_code)]

use assert_cmd::Command;
use std::path::{Path, PathBuf};

/// The repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Copy a directory tree. Symbolic links are copied as links (the corpus has cases
/// about them).
pub fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from).sort_by_file_name() {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        let target = to.join(rel);
        if entry.path_is_symlink() && entry.depth() > 0 {
            #[cfg(unix)]
            std::os::unix::fs::symlink(std::fs::read_link(entry.path()).unwrap(), &target).unwrap();
        } else if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// The folders of the bad-input corpus (`tests/bad-input/<case>/`), sorted.
pub fn bad_input_cases() -> Vec<PathBuf> {
    let corpus = repo().join("tests/bad-input");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&corpus)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    cases
}

/// A fresh copy of `tests/fixtures/<name>` in a temp dir.
pub fn fixture(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&repo().join("tests/fixtures").join(name), dir.path());
    dir
}

/// The gongkai binary.
pub fn gongkai() -> Command {
    Command::cargo_bin("gongkai").unwrap()
}

/// Build `root` into `out` as of `as_of`; returns (exit code, stdout, stderr).
pub fn build(root: &Path, out: &Path, as_of: &str) -> (i32, String, String) {
    let o = gongkai()
        .args(["build", "--as-of", as_of, "--root"])
        .arg(root)
        .arg("--output")
        .arg(out)
        .output()
        .unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// Read an output file as text.
pub fn read(out: &Path, rel: &str) -> String {
    std::fs::read_to_string(out.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// Every file under `dir` with its bytes, sorted.
pub fn snapshot_tree(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            files.push((
                entry.path().strip_prefix(dir).unwrap().to_path_buf(),
                std::fs::read(entry.path()).unwrap(),
            ));
        }
    }
    files
}

/// `gongkai check --format json --as-of 2026-11-22` on `root`: (exit code, parsed stdout).
pub fn check_json(root: &Path) -> (i32, serde_json::Value) {
    let o = gongkai()
        .args([
            "check",
            "--format",
            "json",
            "--as-of",
            "2026-11-22",
            "--root",
        ])
        .arg(root)
        .output()
        .unwrap();
    let v = serde_json::from_slice(&o.stdout).expect("stdout is JSON");
    (o.status.code().unwrap_or(-1), v)
}

/// Build options for driving the pipeline or the preview engine in-process on the site at
/// `root`, at the date every fixture is checked against.
pub fn engine_options(root: &Path) -> gongkai::build::BuildOptions {
    gongkai::build::BuildOptions {
        root: root.to_path_buf(),
        as_of: gongkai::date::Date::from_ymd_opt(2026, 11, 22).unwrap(),
        output: None,
        base_url: None,
        encoding: gongkai::load::SourceEncoding::Utf8,
        deny: gongkai::diag::Deny::default(),
    }
}
