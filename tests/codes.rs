//! Every diagnostic code is exercised by a test.
//!
//! A code that only exists in the source is a promise nobody checks: its message, place or
//! trigger may have rotted. This test lists every `"E0123"` / `"W0123"` literal in the
//! non-test code under `src/`, and every code a test produces or asserts:
//!
//! - an `error` / `warning` / `code` line of a bad-input case (`tests/bad-input/*/expect`),
//! - a `"code": "…"` entry in a reviewed snapshot (`tests/snapshots/*.snap`),
//! - a code literal in test code (`tests/*.rs`, and `#[cfg(test)]` items under `src/`) that
//!   is not itself building a diagnostic (`Diagnostic::error("E…"` in a test builds one,
//!   it does not show that the product produces it).
//!
//! It fails for each code of the first list missing from the second, naming where the code
//! is defined. Fix it by adding a bad-input case or a test that asserts the code; if the code
//! cannot be reached, delete it from the source.

mod common;
use common::repo;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Every `"E0123"`/`"W0123"` literal in `text`, with its 1-based line.
fn code_literals(text: &str) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let bytes = line.as_bytes();
        let mut i = 0;
        while i + 7 <= bytes.len() {
            let w = &bytes[i..i + 7];
            if w[0] == b'"'
                && (w[1] == b'E' || w[1] == b'W')
                && w[2..6].iter().all(u8::is_ascii_digit)
                && w[6] == b'"'
            {
                out.push((line[i + 1..i + 6].to_string(), n + 1));
                i += 7;
            } else {
                i += 1;
            }
        }
    }
    out
}

/// Split Rust source into (non-test, test) text, keeping line structure: characters of the
/// other part are replaced by spaces (newlines kept) so line numbers stay right. An item
/// preceded by `#[cfg(test)]` is test code up to its matching `}` (or `;`). Strings, chars
/// and comments are skipped when matching braces.
fn split_test_code(src: &str) -> (String, String) {
    let chars: Vec<char> = src.chars().collect();
    let mut in_test = vec![false; chars.len()];
    let marker: Vec<char> = "#[cfg(test)]".chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i..].starts_with(&marker) {
            let start = i;
            let mut depth = 0usize;
            let mut j = i + marker.len();
            while j < chars.len() {
                match chars[j] {
                    '/' if chars.get(j + 1) == Some(&'/') => {
                        while j < chars.len() && chars[j] != '\n' {
                            j += 1;
                        }
                    }
                    'r' if chars.get(j + 1) == Some(&'#') && chars.get(j + 2) == Some(&'"') => {
                        j += 3;
                        while j + 1 < chars.len() && !(chars[j] == '"' && chars[j + 1] == '#') {
                            j += 1;
                        }
                        j += 1;
                    }
                    '"' => {
                        j += 1;
                        while j < chars.len() && chars[j] != '"' {
                            if chars[j] == '\\' {
                                j += 1;
                            }
                            j += 1;
                        }
                    }
                    '\'' if chars.get(j + 2) == Some(&'\'') => j += 2,
                    '\'' if chars.get(j + 1) == Some(&'\\') && chars.get(j + 3) == Some(&'\'') => {
                        j += 3
                    }
                    '{' => depth += 1,
                    '}' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    ';' if depth == 0 => break,
                    _ => {}
                }
                j += 1;
            }
            for flag in &mut in_test[start..=j.min(chars.len() - 1)] {
                *flag = true;
            }
            i = j + 1;
        } else {
            i += 1;
        }
    }
    let keep = |want_test: bool| -> String {
        chars
            .iter()
            .zip(&in_test)
            .map(|(&c, &t)| if t == want_test || c == '\n' { c } else { ' ' })
            .collect()
    };
    (keep(false), keep(true))
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .collect();
    files.sort();
    files
}

/// Codes used by the product: code → first place it appears (`src/x.rs:12`).
fn defined_codes() -> BTreeMap<String, String> {
    let mut defined = BTreeMap::new();
    for file in rust_files(&repo().join("src")) {
        // `mod tests;` files hold only tests.
        if file.file_name().is_some_and(|n| n == "tests.rs") {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        let (product, _) = split_test_code(&text);
        let rel = file.strip_prefix(repo()).unwrap().display().to_string();
        for (code, line) in code_literals(&product) {
            defined
                .entry(code)
                .or_insert_with(|| format!("{rel}:{line}"));
        }
    }
    defined
}

/// Test code literals that only build a diagnostic (in a test) do not count as tested.
fn asserted_in(test_text: &str, tested: &mut BTreeSet<String>) {
    for (code, line) in code_literals(test_text) {
        let text = test_text.lines().nth(line - 1).unwrap_or_default();
        let builds = text.contains(&format!("Diagnostic::error(\"{code}\""))
            || text.contains(&format!("Diagnostic::warning(\"{code}\""));
        if !builds {
            tested.insert(code);
        }
    }
}

/// Codes some test produces or asserts.
fn tested_codes() -> BTreeSet<String> {
    let mut tested = BTreeSet::new();
    let corpus = repo().join("tests/bad-input");
    for case in std::fs::read_dir(&corpus).unwrap() {
        let expect = case.unwrap().path().join("expect");
        let Ok(text) = std::fs::read_to_string(&expect) else {
            continue;
        };
        for line in text.lines() {
            let mut words = line.split_whitespace();
            if let (Some("error" | "warning" | "code"), Some(code)) = (words.next(), words.next()) {
                tested.insert(code.to_string());
            }
        }
    }
    if let Ok(dir) = std::fs::read_dir(repo().join("tests/snapshots")) {
        for snap in dir {
            let text = std::fs::read_to_string(snap.unwrap().path()).unwrap_or_default();
            for line in text.lines() {
                if let Some(rest) = line.trim().strip_prefix("\"code\": ") {
                    tested.insert(rest.trim_matches([',', '"']).to_string());
                }
            }
        }
    }
    for file in rust_files(&repo().join("tests")) {
        // The scanners' own self-tests name codes as sample data, not as product output.
        if file.ends_with("tests/codes.rs") || file.ends_with("tests/bad_input.rs") {
            continue;
        }
        asserted_in(&std::fs::read_to_string(&file).unwrap(), &mut tested);
    }
    for file in rust_files(&repo().join("src")) {
        let text = std::fs::read_to_string(&file).unwrap();
        if file.file_name().is_some_and(|n| n == "tests.rs") {
            asserted_in(&text, &mut tested);
        } else {
            asserted_in(&split_test_code(&text).1, &mut tested);
        }
    }
    tested
}

#[test]
fn every_diagnostic_code_in_src_is_produced_by_a_test() {
    let defined = defined_codes();
    assert!(
        defined.len() > 50,
        "found only {} codes in src/: is the scan broken?",
        defined.len()
    );
    let tested = tested_codes();
    let mut problems = Vec::new();
    for (code, place) in &defined {
        if !tested.contains(code) {
            problems.push(format!(
                "{code} (defined at {place}) is produced by no test: add a case to \
                 tests/bad-input/ (`{sev} {code} file:line` in its expect) or a test that \
                 asserts \"{code}\"; if it cannot happen, delete it from src/",
                sev = if code.starts_with('E') {
                    "error"
                } else {
                    "warning"
                }
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_scan_skips_test_code_and_finds_product_code() {
    let src = "fn a() { d(\"E0001\"); let s = \"}\"; }\n\
               #[cfg(test)]\nfn helper() { x(\"E0002\") }\n\
               fn b() { d(\"W0003\", '{'); }\n\
               #[cfg(test)]\nmod tests {\n    fn t() { assert_eq!(c, \"E0004\"); } // }\n}\n\
               fn c() { d(\"E0005\") }\n";
    let (product, test) = split_test_code(src);
    let p: Vec<String> = code_literals(&product).into_iter().map(|c| c.0).collect();
    let t: Vec<(String, usize)> = code_literals(&test);
    assert_eq!(p, ["E0001", "W0003", "E0005"]);
    assert_eq!(t, [("E0002".to_string(), 3), ("E0004".to_string(), 7)]);
    let mut tested = BTreeSet::new();
    asserted_in(
        "let d = Diagnostic::error(\"E0009\", \"x\");\nassert_eq!(d.code, \"E0008\");",
        &mut tested,
    );
    assert_eq!(tested.into_iter().collect::<Vec<_>>(), ["E0008"]);
}
