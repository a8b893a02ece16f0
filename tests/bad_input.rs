//! The bad-input corpus (`tests/bad-input/*`, format in its README): for every case,
//! `check --format json` must report exactly the expected errors (code, severity, file:line)
//! and at least the listed warnings, every diagnostic must carry a 提示 (help), and `build`
//! must exit with the expected code, print every expected code, not panic and — when it
//! fails — leave the output folder exactly as it was.

mod common;
use common::*;
use std::path::Path;

/// Which severity an expectation requires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Wanted {
    Error,
    Warning,
    /// The legacy `code` line: either severity.
    Any,
}

/// One diagnostic a case must produce.
#[derive(Debug, Clone)]
struct Expected {
    code: String,
    severity: Wanted,
    /// `None`: not written in the expect file (then the diagnostic must have no file).
    file: Option<String>,
    /// `None` with a file: the diagnostic must have no line.
    line: Option<usize>,
}

impl Expected {
    fn describe(&self) -> String {
        let sev = match self.severity {
            Wanted::Error => "error ",
            Wanted::Warning => "warning ",
            Wanted::Any => "",
        };
        format!("{sev}{}{}", self.code, location(&self.file, self.line))
    }
}

#[derive(Debug, Default)]
struct Expect {
    exit: Option<i32>,
    diagnostics: Vec<Expected>,
    says: Vec<String>,
}

/// One diagnostic as `check --format json` reported it.
#[derive(Debug)]
struct Got {
    code: String,
    error: bool,
    file: Option<String>,
    line: Option<usize>,
    help: bool,
    message: String,
}

impl Got {
    fn describe(&self) -> String {
        format!(
            "{} {}{}: {}",
            if self.error { "error" } else { "warning" },
            self.code,
            location(&self.file, self.line),
            self.message
        )
    }
}

fn location(file: &Option<String>, line: Option<usize>) -> String {
    match (file, line) {
        (Some(f), Some(l)) => format!(" {f}:{l}"),
        (Some(f), None) => format!(" {f}"),
        (None, _) => String::new(),
    }
}

/// `content/a.md:3` → (file, Some(3)); `content/a.md` → (file, None).
fn parse_location(text: &str) -> (String, Option<usize>) {
    match text.rsplit_once(':') {
        Some((file, line)) if line.parse::<usize>().is_ok() => {
            (file.to_string(), Some(line.parse().unwrap()))
        }
        _ => (text.to_string(), None),
    }
}

fn parse_expect(case: &str, text: &str) -> Expect {
    let mut e = Expect::default();
    for (n, raw) in text.lines().enumerate() {
        let line = raw.split(" #").next().unwrap().trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (key, value) = line.split_once(' ').unwrap_or((line, ""));
        let value = value.trim();
        let bad = |why: &str| -> ! { panic!("{case}/expect line {}: {why}: {raw}", n + 1) };
        match key {
            "exit" => e.exit = Some(value.parse().unwrap_or_else(|_| bad("exit needs a number"))),
            "error" | "warning" => {
                let mut parts = value.split_whitespace();
                let code = parts.next().unwrap_or_else(|| bad("missing code"));
                let (file, line) = match parts.next() {
                    Some(at) => {
                        let (f, l) = parse_location(at);
                        (Some(f), l)
                    }
                    None => (None, None),
                };
                e.diagnostics.push(Expected {
                    code: code.to_string(),
                    severity: if key == "error" {
                        Wanted::Error
                    } else {
                        Wanted::Warning
                    },
                    file,
                    line,
                });
            }
            // Legacy form: `code X` then an optional `at file:line` for that code.
            "code" => e.diagnostics.push(Expected {
                code: value.to_string(),
                severity: Wanted::Any,
                file: None,
                line: None,
            }),
            "at" => {
                let last = e
                    .diagnostics
                    .last_mut()
                    .unwrap_or_else(|| bad("`at` must follow a `code` line"));
                let (f, l) = parse_location(value);
                last.file = Some(f);
                last.line = l;
            }
            "says" => e.says.push(value.to_string()),
            _ => bad("unknown key (expected exit, error, warning, code, at or says)"),
        }
    }
    if e.exit.is_none() {
        panic!("{case}/expect: missing `exit` line");
    }
    if e.diagnostics.is_empty() {
        panic!("{case}/expect: no expected diagnostic (`error CODE file:line` or `warning …`)");
    }
    e
}

fn diagnostics_of(json: &serde_json::Value) -> Vec<Got> {
    json["diagnostics"]
        .as_array()
        .expect("check JSON has a diagnostics array")
        .iter()
        .map(|d| Got {
            code: d["code"].as_str().unwrap_or_default().to_string(),
            error: d["severity"] == "error",
            file: d["file"].as_str().map(str::to_string),
            line: d["line"].as_u64().map(|l| l as usize),
            help: d["help"].as_str().is_some_and(|h| !h.trim().is_empty()),
            message: d["message"].as_str().unwrap_or_default().to_string(),
        })
        .collect()
}

fn matches(want: &Expected, got: &Got) -> bool {
    want.code == got.code
        && match want.severity {
            Wanted::Error => got.error,
            Wanted::Warning => !got.error,
            Wanted::Any => true,
        }
        && (want.file.is_none() || (want.file == got.file && want.line == got.line))
}

/// Compare the reported diagnostics with the expected set; returns the problems found.
fn compare(expect: &Expect, got: &[Got]) -> Vec<String> {
    let mut problems = Vec::new();
    let mut used = vec![false; got.len()];
    // Expectations that name a place go first, so that one without a place cannot take the
    // diagnostic another expectation pins.
    let mut order: Vec<&Expected> = expect.diagnostics.iter().collect();
    order.sort_by_key(|w| w.file.is_none());
    for want in order {
        let found = (0..got.len()).find(|&i| !used[i] && matches(want, &got[i]));
        match found {
            None => {
                let same_code: Vec<String> = got
                    .iter()
                    .filter(|g| g.code == want.code)
                    .map(Got::describe)
                    .collect();
                problems.push(if same_code.is_empty() {
                    format!(
                        "expected {} but no {} was reported",
                        want.describe(),
                        want.code
                    )
                } else {
                    format!(
                        "expected {} but got {}",
                        want.describe(),
                        same_code.join(" / ")
                    )
                });
            }
            Some(i) => {
                used[i] = true;
                let g = &got[i];
                if want.file.is_none() && g.file.is_some() {
                    problems.push(format!(
                        "{} names a place the expect file does not assert: write `{} {}{}`",
                        want.code,
                        if g.error { "error" } else { "warning" },
                        g.code,
                        location(&g.file, g.line)
                    ));
                }
            }
        }
    }
    for (g, used) in got.iter().zip(&used) {
        if g.error && !used {
            problems.push(format!(
                "unexpected extra {} (add `error {}{}` to expect if it is right)",
                g.describe(),
                g.code,
                location(&g.file, g.line)
            ));
        }
    }
    for g in got {
        if !g.help {
            problems.push(format!("{} has no 提示 (help)", g.describe()));
        }
    }
    problems
}

/// Run one case; returns the problems found (empty when it passes).
fn run_case(corpus: &Path, case: &Path) -> Vec<String> {
    let name = case.file_name().unwrap().to_string_lossy().into_owned();
    let text = std::fs::read_to_string(case.join("expect"))
        .unwrap_or_else(|e| panic!("{name}: cannot read expect: {e}"));
    let expect = parse_expect(&name, &text);
    let site = tempfile::tempdir().unwrap();
    copy_tree(case, site.path());
    let _ = std::fs::remove_file(site.path().join("expect"));
    if !case.join("config.toml").exists() {
        std::fs::copy(corpus.join("config.toml"), site.path().join("config.toml")).unwrap();
    }
    let mut problems = Vec::new();

    // The diagnostic set, from the machine-readable report.
    let o = gongkai()
        .args([
            "check",
            "--format",
            "json",
            "--as-of",
            "2026-11-22",
            "--root",
        ])
        .arg(site.path())
        .output()
        .unwrap();
    let check_code = o.status.code().unwrap_or(-1);
    match serde_json::from_slice::<serde_json::Value>(&o.stdout) {
        Err(e) => problems.push(format!(
            "check --format json printed no JSON ({e}), exit {check_code}: {}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )),
        Ok(json) => {
            let got = diagnostics_of(&json);
            problems.extend(compare(&expect, &got));
            if Some(check_code) != expect.exit {
                problems.push(format!(
                    "check exited {check_code}, expected {}",
                    expect.exit.unwrap()
                ));
            }
        }
    }

    // The build: exit code, no panic, every code printed, output untouched on failure.
    let out = site.path().join("public");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join(".gongkai-output"), "x").unwrap();
    std::fs::write(out.join("index.html"), "已发布的旧首页").unwrap();
    let before = snapshot_tree(&out);
    let (code, stdout, stderr) = build(site.path(), &out, "2026-11-22");
    let all = format!("{stdout}{stderr}");
    if all.contains("panicked") {
        problems.push("build panicked".to_string());
    }
    if Some(code) != expect.exit {
        problems.push(format!(
            "build exited {code}, expected {}",
            expect.exit.unwrap()
        ));
    }
    for want in &expect.diagnostics {
        if !all.contains(&want.code) {
            problems.push(format!("build output does not print {}", want.code));
        }
    }
    for s in &expect.says {
        if !all.contains(s.as_str()) {
            problems.push(format!("build output does not say “{s}”"));
        }
    }
    if expect.exit != Some(0) && snapshot_tree(&out) != before {
        problems.push("output folder changed by a failed build".into());
    }
    if !problems.is_empty() {
        problems.push(format!("build output was:\n{all}"));
    }
    problems
}

#[test]
fn every_bad_input_case_reports_exactly_its_diagnostics_and_loses_nothing() {
    let corpus = repo().join("tests/bad-input");
    let cases = bad_input_cases();
    assert!(cases.len() >= 15, "corpus has {} cases", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let problems = run_case(&corpus, case);
        if !problems.is_empty() {
            let name = case.file_name().unwrap().to_string_lossy().into_owned();
            failures.push(format!(
                "tests/bad-input/{name}:\n  - {}",
                problems.join("\n  - ")
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} bad-input cases failed (format: tests/bad-input/README.md):\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}

fn got(code: &str, error: bool, file: Option<&str>, line: Option<usize>) -> Got {
    Got {
        code: code.into(),
        error,
        file: file.map(str::to_string),
        line,
        help: true,
        message: "…".into(),
    }
}

#[test]
fn the_harness_rejects_a_missing_extra_or_misplaced_diagnostic() {
    let e = parse_expect(
        "t",
        "exit 1\nerror E0120 content/a.md:2\nerror E0121\nwarning W0101 content/a.md:6\n",
    );
    let exact = [
        got("E0121", true, None, None),
        got("E0120", true, Some("content/a.md"), Some(2)),
        got("W0101", false, Some("content/a.md"), Some(6)),
        got("W0999", false, None, None),
    ];
    assert_eq!(compare(&e, &exact), Vec::<String>::new());
    // Wrong line.
    let moved = [
        got("E0121", true, None, None),
        got("E0120", true, Some("content/a.md"), Some(3)),
        got("W0101", false, Some("content/a.md"), Some(6)),
    ];
    let p = compare(&e, &moved);
    assert!(
        p.len() == 2 && p[0].contains("expected error E0120 content/a.md:2"),
        "{p:?}"
    );
    assert!(
        p[1].contains("unexpected extra error E0120 content/a.md:3"),
        "{p:?}"
    );
    // An extra error, and a listed warning that is missing.
    let extra = [
        got("E0121", true, None, None),
        got("E0120", true, Some("content/a.md"), Some(2)),
        got("E0110", true, Some("content/b.md"), Some(2)),
    ];
    let p = compare(&e, &extra);
    assert!(
        p.iter().any(|p| p.contains("content/a.md:6 but no W0101")),
        "{p:?}"
    );
    assert!(
        p.iter().any(|p| p.contains("unexpected extra error E0110")),
        "{p:?}"
    );
    // Severity must match.
    let e2 = parse_expect("t", "exit 0\nwarning W0101 content/a.md:6\n");
    let p = compare(&e2, &[got("W0101", true, Some("content/a.md"), Some(6))]);
    assert!(!p.is_empty(), "an error does not satisfy `warning`");
    // Legacy `code` without `at` must be told to assert the place.
    let legacy = parse_expect("t", "code E0110\nexit 1\n");
    let p = compare(
        &legacy,
        &[got("E0110", true, Some("content/b.md"), Some(2))],
    );
    assert!(
        p.len() == 1 && p[0].contains("write `error E0110 content/b.md:2`"),
        "{p:?}"
    );
    // Legacy `code` + `at` still works.
    let legacy = parse_expect("t", "code E0110\nexit 1\nat content/b.md:2\n");
    assert!(compare(
        &legacy,
        &[got("E0110", true, Some("content/b.md"), Some(2))]
    )
    .is_empty());
    // Missing help is a problem.
    let mut no_help = got("E0110", true, Some("content/b.md"), Some(2));
    no_help.help = false;
    assert!(compare(&legacy, &[no_help])[0].contains("no 提示"));
}
