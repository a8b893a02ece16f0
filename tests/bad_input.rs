//! The bad-input corpus (`tests/bad-input/*`): every case must produce its diagnostic
//! code (at its file:line), the expected exit code, no panic, and — when the build
//! fails — leave the output folder exactly as it was.

mod common;
use common::*;

#[derive(Default)]
struct Expect {
    code: String,
    exit: i32,
    at: Option<String>,
    says: Vec<String>,
}

fn parse_expect(text: &str) -> Expect {
    let mut e = Expect::default();
    for line in text.lines() {
        let Some((key, value)) = line.split_once(' ') else {
            continue;
        };
        match key {
            "code" => e.code = value.trim().to_string(),
            "exit" => e.exit = value.trim().parse().unwrap(),
            "at" => e.at = Some(value.trim().to_string()),
            "says" => e.says.push(value.trim().to_string()),
            other => panic!("unknown expect key {other}"),
        }
    }
    e
}

#[test]
fn every_bad_input_case_is_reported_and_loses_nothing() {
    let corpus = repo().join("tests/bad-input");
    let mut cases: Vec<_> = std::fs::read_dir(&corpus)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(cases.len() >= 15, "corpus has {} cases", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let expect = parse_expect(&std::fs::read_to_string(case.join("expect")).unwrap());
        let site = tempfile::tempdir().unwrap();
        copy_tree(case, site.path());
        if !case.join("config.toml").exists() {
            std::fs::copy(corpus.join("config.toml"), site.path().join("config.toml")).unwrap();
        }
        // An output folder that a previous good build left behind.
        let out = site.path().join("public");
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(out.join(".gongkai-output"), "x").unwrap();
        std::fs::write(out.join("index.html"), "已发布的旧首页").unwrap();
        let before = snapshot_tree(&out);

        let (code, stdout, stderr) = build(site.path(), &out, "2026-11-22");
        let all = format!("{stdout}{stderr}");
        let mut problems = Vec::new();
        if all.contains("panicked") {
            problems.push("panicked".to_string());
        }
        if code != expect.exit {
            problems.push(format!("exit {code}, expected {}", expect.exit));
        }
        let tagged = format!("[{}]", expect.code);
        let line = all.lines().find(|l| l.contains(&tagged));
        match line {
            None => problems.push(format!("no {tagged} in output")),
            Some(line) => {
                if let Some(at) = &expect.at {
                    if !line.contains(&format!(" {at}:")) {
                        problems.push(format!("{tagged} not at {at}: {line}"));
                    }
                }
            }
        }
        for s in &expect.says {
            if !all.contains(s.as_str()) {
                problems.push(format!("output does not say {s}"));
            }
        }
        if expect.exit != 0 && snapshot_tree(&out) != before {
            problems.push("output folder changed by a failed build".into());
        }
        if !problems.is_empty() {
            failures.push(format!("{name}: {}\n{all}", problems.join("; ")));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
