//! The CI report formats and the text report, through the real binary: each format is
//! parsed with a real parser (XML for JUnit, JSON for GitLab and SARIF, the workflow-command
//! grammar for GitHub) and must contain every finding `--format json` lists, with its file
//! and line.

mod common;

use common::{fixture, gongkai};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;

/// (code, severity, file, line) — what every format must carry for each finding.
type Finding = (String, String, Option<String>, Option<u64>);

/// Run in the site folder, as CI does, so report paths are relative to it.
fn run(root: &Path, args: &[&str]) -> (i32, String, String) {
    let o = gongkai()
        .current_dir(root)
        .args(args)
        .args(["--as-of", "2026-11-22"])
        .output()
        .unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8(o.stdout).expect("stdout is UTF-8"),
        String::from_utf8(o.stderr).expect("stderr is UTF-8"),
    )
}

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// The mini site plus errors in two files, a warning in a file whose name needs escaping
/// in every format (comma, colon, percent, ampersand), and a page on a URL the site
/// itself uses. (Findings without a file — anchored to config.toml by GitLab and SARIF —
/// are covered by the unit tests in `src/report/`.)
fn troubled_site() -> tempfile::TempDir {
    let site = fixture("mini");
    let dup = "---\ntitle: 甲文件\nindex_no: 1111111111/2024-00009\nissuer: 测试市人民政府\nissued: 2024-01-01\n---\n正文\n";
    write(site.path(), "content/policies/dup-1.md", dup);
    write(site.path(), "content/policies/dup-2.md", dup);
    write(
        site.path(),
        "content/policies/odd, name: 100% & co.md",
        "---\ntitle: 乙 <b>&amp; \"文件\"\nissuer: 测试市人民政府\nissued: 2024-01-01\n\"a<b>&c%,:\": 1\n---\n正文\n",
    );
    write(
        site.path(),
        "content/search/index.md",
        "---\ntitle: x\n---\nx\n",
    );
    site
}

/// The findings as `--format json` reports them (the reference every format must match).
fn reference(root: &Path) -> (i32, Vec<Finding>) {
    let (code, out, _) = run(root, &["check", "--format", "json"]);
    let v: Value = serde_json::from_str(&out).unwrap();
    let findings = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["severity"].as_str().unwrap().to_string(),
                d["file"].as_str().map(str::to_string),
                d["line"].as_u64(),
            )
        })
        .collect();
    (code, findings)
}

fn sorted(mut v: Vec<Finding>) -> Vec<Finding> {
    v.sort();
    v
}

/// Formats that require a location put site-wide findings on config.toml line 1.
fn anchored(f: &Finding) -> Finding {
    match &f.2 {
        Some(_) => (
            f.0.clone(),
            f.1.clone(),
            f.2.clone(),
            Some(f.3.unwrap_or(1)),
        ),
        None => (
            f.0.clone(),
            f.1.clone(),
            Some("config.toml".into()),
            Some(1),
        ),
    }
}

#[test]
fn the_reference_site_has_errors_warnings_and_odd_names() {
    let site = troubled_site();
    let (code, findings) = reference(site.path());
    assert_eq!(code, 1);
    assert!(findings.iter().any(|f| f.1 == "error" && f.2.is_some()));
    assert!(findings.iter().any(|f| f.1 == "warning"));
    assert!(findings
        .iter()
        .any(|f| f.2.as_deref() == Some("content/policies/odd, name: 100% & co.md")));
}

fn unescape_github(s: &str) -> String {
    s.replace("%0A", "\n")
        .replace("%0D", "\r")
        .replace("%3A", ":")
        .replace("%2C", ",")
        .replace("%25", "%")
}

#[test]
fn github_annotations_carry_every_finding_with_file_and_line() {
    let site = troubled_site();
    let (_, expected) = reference(site.path());
    let (code, out, _) = run(site.path(), &["check", "--format", "github"]);
    assert_eq!(code, 1);
    let mut found = Vec::new();
    for line in out.lines().filter(|l| l.starts_with("::")) {
        // ::error file=…,line=…,title=…::message
        let rest = &line[2..];
        let (head, message) = rest.split_once("::").expect("command has a message");
        assert!(!message.is_empty() && !message.contains('\n'));
        let (command, props) = head.split_once(' ').unwrap_or((head, ""));
        let severity = match command {
            "error" => "error",
            "warning" => "warning",
            other => panic!("unexpected command {other}"),
        };
        let mut file = None;
        let mut line_no = None;
        let mut title = None;
        for prop in props.split(',') {
            let (k, v) = prop.split_once('=').expect("key=value");
            match k {
                "file" => file = Some(unescape_github(v)),
                "line" => line_no = Some(v.parse::<u64>().unwrap()),
                "title" => title = Some(unescape_github(v)),
                other => panic!("unexpected property {other}"),
            }
        }
        let title = title.expect("every annotation has a title");
        let code = title.strip_prefix("gongkai ").unwrap().to_string();
        found.push((code, severity.to_string(), file, line_no));
    }
    assert_eq!(sorted(found), sorted(expected));
    assert!(out
        .trim_end()
        .lines()
        .last()
        .unwrap()
        .starts_with("检查完成："));
}

#[test]
fn github_paths_start_with_the_site_folder_when_run_from_outside_it() {
    let parent = tempfile::tempdir().unwrap();
    let site = parent.path().join("site");
    common::copy_tree(&common::repo().join("tests/fixtures/mini"), &site);
    let o = gongkai()
        .current_dir(parent.path())
        .args([
            "check",
            "--format",
            "github",
            "--as-of",
            "2026-11-22",
            "--root",
            "./site/",
        ])
        .output()
        .unwrap();
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(
        out.contains("file=site/content/interpretations/both.md,line=3,"),
        "{out}"
    );
}

#[test]
fn gitlab_code_quality_report_has_required_fields_for_every_finding() {
    let site = troubled_site();
    let (_, expected) = reference(site.path());
    let (code, out, _) = run(site.path(), &["check", "--format", "gitlab"]);
    assert_eq!(code, 1);
    let report: Value = serde_json::from_str(&out).expect("report is JSON");
    let issues = report.as_array().expect("report is an array");
    let mut found = Vec::new();
    let mut fingerprints = BTreeSet::new();
    for issue in issues {
        assert_eq!(issue["type"], "issue");
        assert!(issue["description"].as_str().is_some_and(|d| !d.is_empty()));
        assert!(issue["categories"]
            .as_array()
            .is_some_and(|c| !c.is_empty()));
        let fp = issue["fingerprint"].as_str().expect("fingerprint");
        assert!(fp.len() >= 16 && fp.chars().all(|c| c.is_ascii_hexdigit()));
        assert!(
            fingerprints.insert(fp.to_string()),
            "duplicate fingerprint {fp}"
        );
        let severity = match issue["severity"].as_str().unwrap() {
            "critical" => "error",
            "minor" => "warning",
            other => panic!("unexpected severity {other}"),
        };
        let path = issue["location"]["path"].as_str().expect("location.path");
        let begin = issue["location"]["lines"]["begin"]
            .as_u64()
            .expect("location.lines.begin");
        assert!(begin >= 1);
        found.push((
            issue["check_name"].as_str().unwrap().to_string(),
            severity.to_string(),
            Some(path.to_string()),
            Some(begin),
        ));
    }
    assert_eq!(
        sorted(found),
        sorted(expected.iter().map(anchored).collect())
    );
}

#[test]
fn gitlab_fingerprints_survive_a_finding_moving_down_the_file() {
    let site = troubled_site();
    let fingerprints = |root: &Path| -> BTreeSet<String> {
        let (_, out, _) = run(root, &["check", "--format", "gitlab"]);
        let v: Value = serde_json::from_str(&out).unwrap();
        v.as_array()
            .unwrap()
            .iter()
            .map(|i| i["fingerprint"].as_str().unwrap().to_string())
            .collect()
    };
    let before = fingerprints(site.path());
    let moved = "content/interpretations/both.md";
    let text = std::fs::read_to_string(site.path().join(moved)).unwrap();
    // Two comment lines at the top of the front matter move every finding down.
    let shifted = text.replacen("---\n", "---\n# 注释一\n# 注释二\n", 1);
    std::fs::write(site.path().join(moved), shifted).unwrap();
    let (_, after_json) = reference(site.path());
    assert!(after_json
        .iter()
        .any(|f| f.2.as_deref() == Some(moved) && f.3 == Some(5)));
    assert_eq!(before, fingerprints(site.path()));
}

#[test]
fn junit_has_one_case_per_document_and_every_finding_with_file_and_line() {
    let site = troubled_site();
    let (_, expected) = reference(site.path());
    let (json_code, json_out, _) = run(site.path(), &["check", "--format", "json"]);
    assert_eq!(json_code, 1);
    let documents = serde_json::from_str::<Value>(&json_out).unwrap()["documents"]
        .as_u64()
        .unwrap() as usize;
    let (code, out, _) = run(site.path(), &["check", "--format", "junit"]);
    assert_eq!(code, 1);
    let doc = roxmltree::Document::parse(&out).expect("JUnit report is well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    let cases: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    // Every document, config.toml and the site-wide case.
    assert_eq!(cases.len(), documents + 2);
    assert_eq!(root.attribute("tests").unwrap(), cases.len().to_string());
    let failed = cases
        .iter()
        .filter(|c| c.children().any(|n| n.has_tag_name("failure")))
        .count();
    assert_eq!(root.attribute("failures").unwrap(), failed.to_string());
    assert!(failed >= 2);

    let mut found = Vec::new();
    for case in &cases {
        let name = case.attribute("name").unwrap();
        let file = case.attribute("file");
        if let Some(file) = file {
            assert_eq!(file, name);
        }
        for child in case.children().filter(|n| n.is_element()) {
            let severity = match child.tag_name().name() {
                "failure" => "error",
                "system-out" => "warning",
                other => panic!("unexpected element {other}"),
            };
            let text = child.text().unwrap_or_default();
            for line in text.lines().filter(|l| !l.starts_with("  提示：")) {
                // 错误[E0210] content/policies/dup-2.md:3: message
                let (label, rest) = line.split_once('[').unwrap();
                assert_eq!(
                    label,
                    if severity == "error" {
                        "错误"
                    } else {
                        "警告"
                    }
                );
                let (code, rest) = rest.split_once(']').unwrap();
                let rest = rest.strip_prefix(' ').unwrap_or(rest);
                let (file, line_no) = match file {
                    Some(f) => {
                        let after = rest.strip_prefix(f).unwrap_or_else(|| panic!("{line}"));
                        let line_no = after
                            .strip_prefix(':')
                            .and_then(|a| a.split_once(':'))
                            .and_then(|(n, _)| n.parse::<u64>().ok());
                        (Some(f.to_string()), line_no)
                    }
                    None => (None, None),
                };
                found.push((code.to_string(), severity.to_string(), file, line_no));
            }
        }
    }
    assert_eq!(sorted(found), sorted(expected));
}

#[test]
fn sarif_report_lists_rules_and_locates_every_result() {
    let site = troubled_site();
    let (_, expected) = reference(site.path());
    let (code, out, _) = run(site.path(), &["check", "--format", "sarif"]);
    assert_eq!(code, 1);
    let v: Value = serde_json::from_str(&out).expect("SARIF is JSON");
    assert_eq!(v["version"], "2.1.0");
    assert!(v["$schema"].as_str().unwrap().contains("sarif-2.1.0"));
    let runs = v["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    let driver = &runs[0]["tool"]["driver"];
    assert_eq!(driver["name"], "gongkai");
    let rules: Vec<&str> = driver["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    let codes: BTreeSet<&str> = expected.iter().map(|f| f.0.as_str()).collect();
    assert_eq!(rules.iter().copied().collect::<BTreeSet<_>>(), codes);
    assert_eq!(rules.len(), codes.len(), "each rule once");
    let mut found = Vec::new();
    for r in runs[0]["results"].as_array().unwrap() {
        let id = r["ruleId"].as_str().unwrap();
        let index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index], id);
        assert!(r["message"]["text"].as_str().is_some_and(|t| !t.is_empty()));
        let level = r["level"].as_str().unwrap();
        assert!(level == "error" || level == "warning");
        let loc = &r["locations"][0]["physicalLocation"];
        let uri = loc["artifactLocation"]["uri"].as_str().unwrap();
        let line = loc["region"]["startLine"].as_u64().unwrap();
        found.push((
            id.to_string(),
            level.to_string(),
            Some(uri.to_string()),
            Some(line),
        ));
    }
    assert_eq!(
        sorted(found),
        sorted(expected.iter().map(anchored).collect())
    );
}

#[test]
fn check_json_keeps_its_shape() {
    let site = troubled_site();
    let (_, out, _) = run(site.path(), &["check", "--format", "json"]);
    let v: Value = serde_json::from_str(&out).unwrap();
    let keys: BTreeSet<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        BTreeSet::from([
            "as_of",
            "diagnostics",
            "documents",
            "errors",
            "sync",
            "warnings"
        ])
    );
    for d in v["diagnostics"].as_array().unwrap() {
        let keys: BTreeSet<&str> = d.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            BTreeSet::from(["code", "file", "help", "line", "message", "severity"])
        );
    }
    let errors = v["errors"].as_u64().unwrap();
    let warnings = v["warnings"].as_u64().unwrap();
    assert_eq!(
        errors + warnings,
        v["diagnostics"].as_array().unwrap().len() as u64
    );
}

/// A site with 30 unknown-key warnings in one document and one error.
fn noisy_site() -> tempfile::TempDir {
    let site = fixture("mini");
    let keys: String = (0..30).map(|i| format!("未知字段{i:02}: x\n")).collect();
    write(
        site.path(),
        "content/policies/noisy.md",
        &format!("---\ntitle: 噪声\nindex_no: 1111111111/2024-00077\nissuer: 测试市人民政府\nissued: 2024-01-01\n{keys}---\n正文\n"),
    );
    write(
        site.path(),
        "content/policies/broken.md",
        "---\ntitle: 缺索引号\nissuer: 测试市人民政府\nissued: 2024-01-01\n---\n正文\n",
    );
    site
}

#[test]
fn text_output_puts_errors_first_caps_each_code_and_ends_with_the_summary() {
    let site = noisy_site();
    let (code, out, err) = run(site.path(), &["check"]);
    assert_eq!(code, 1);
    let all = format!("{err}{out}");
    let lines: Vec<&str> = all.lines().collect();
    let first_warning = lines.iter().position(|l| l.starts_with("警告[")).unwrap();
    let last_error = lines.iter().rposition(|l| l.starts_with("错误[")).unwrap();
    assert!(last_error < first_warning, "{all}");
    let w0101 = lines
        .iter()
        .filter(|l| l.starts_with("警告[W0101]"))
        .count();
    assert_eq!(w0101, 20);
    assert!(
        all.contains("另有 10 个 W0101 警告未显示") && all.contains("--all"),
        "{all}"
    );
    // Shared advice printed once per group, not once per finding.
    let help_lines = lines.iter().filter(|l| l.contains("可用字段见")).count();
    assert_eq!(help_lines, 1, "{all}");
    assert!(lines.last().unwrap().starts_with("检查完成："), "{all}");
    assert!(
        !err.contains('\u{1b}') && !err.contains('\r'),
        "no progress drawing off a terminal"
    );

    let (_, out, err) = run(site.path(), &["check", "--all"]);
    assert_eq!(
        format!("{err}{out}")
            .lines()
            .filter(|l| l.starts_with("警告[W0101]"))
            .count(),
        30
    );
    let (_, out, err) = run(site.path(), &["check", "--max-per-code", "3"]);
    assert_eq!(
        format!("{err}{out}")
            .lines()
            .filter(|l| l.starts_with("警告[W0101]"))
            .count(),
        3
    );
}

#[test]
fn quiet_prints_errors_and_the_summary_only() {
    let site = noisy_site();
    let (code, out, err) = run(site.path(), &["check", "--quiet"]);
    assert_eq!(code, 1);
    let all = format!("{err}{out}");
    assert!(!all.contains("警告["), "{all}");
    assert!(!all.contains("三同步统计"), "{all}");
    assert!(all.contains("错误[E0201]"), "{all}");
    let last = all.lines().last().unwrap();
    let (_, json, _) = run(site.path(), &["check", "--format", "json"]);
    let warnings = serde_json::from_str::<Value>(&json).unwrap()["warnings"]
        .as_u64()
        .unwrap();
    assert!(warnings >= 30);
    assert!(
        last.starts_with("检查完成：") && last.contains(&format!("{warnings} 个警告")),
        "{all}"
    );
    assert!(all.lines().all(|l| l.starts_with("错误[")
        || l.starts_with("  提示：")
        || l.starts_with("检查完成：")));
}

#[test]
fn deny_raises_chosen_warnings_to_errors_in_check_and_build() {
    let site = fixture("mini");
    let (code, before) = reference(site.path());
    assert_eq!(code, 0);
    assert!(before.iter().any(|f| f.0 == "W0305" && f.1 == "warning"));

    let (code, out, _) = run(
        site.path(),
        &["check", "--format", "json", "--deny", "W0305"],
    );
    assert_eq!(code, 1);
    let v: Value = serde_json::from_str(&out).unwrap();
    let d = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "W0305")
        .expect("W0305 reported");
    assert_eq!(
        (d["code"].as_str(), d["severity"].as_str()),
        (Some("W0305"), Some("error"))
    );

    // A code not reported here leaves the run green; `warnings` catches all.
    let (code, _, _) = run(site.path(), &["check", "--deny", "W0101,W0304"]);
    assert_eq!(code, 0);
    let (code, _, err) = run(site.path(), &["check", "--deny", "warnings"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("错误[W0305]"), "{err}");

    // The build refuses too and leaves the output folder alone.
    let out = tempfile::tempdir().unwrap();
    let o = gongkai()
        .args([
            "build",
            "--as-of",
            "2026-11-22",
            "--deny",
            "W0305",
            "--root",
        ])
        .arg(site.path())
        .arg("--output")
        .arg(out.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(std::fs::read_dir(out.path()).unwrap().next().is_none());
}

#[test]
fn deny_in_config_raises_warnings_and_an_unknown_code_is_refused() {
    let site = fixture("mini");
    let config = site.path().join("config.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, format!("{text}\n[check]\ndeny = [\"W0305\"]\n")).unwrap();
    let (code, findings) = reference(site.path());
    assert_eq!(code, 1);
    assert!(findings.iter().any(|f| f.0 == "W0305" && f.1 == "error"));

    let (code, _, err) = run(site.path(), &["check", "--deny", "W0350"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("W0350") && err.contains("不是 gongkai 的诊断代码"),
        "{err}"
    );
}

#[test]
fn version_names_the_commit_it_was_built_from() {
    let o = gongkai().arg("--version").output().unwrap();
    let out = String::from_utf8(o.stdout).unwrap();
    let commit = out
        .trim()
        .strip_prefix(&format!("gongkai {} (commit ", env!("CARGO_PKG_VERSION")))
        .and_then(|r| r.strip_suffix(')'))
        .unwrap_or_else(|| panic!("unexpected --version output {out:?}"));
    let head = std::process::Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .current_dir(common::repo())
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    match (head, std::env::var("GONGKAI_COMMIT")) {
        (_, Ok(set)) if !set.trim().is_empty() => assert_eq!(commit, set.trim()),
        (Some(head), _) => assert_eq!(commit, head),
        (None, _) => assert_eq!(commit, "unknown"),
    }
}

#[test]
fn init_ci_writes_a_pipeline_for_each_platform() {
    let parent = tempfile::tempdir().unwrap();
    let yaml = |path: &Path| -> serde_yaml::Value {
        serde_yaml::from_str(&std::fs::read_to_string(path).unwrap()).expect("valid YAML")
    };

    let gl = parent.path().join("gl");
    let o = gongkai()
        .args(["init", "--ci", "gitlab"])
        .arg(&gl)
        .output()
        .unwrap();
    assert!(o.status.success(), "{o:?}");
    assert!(gl.join("config.toml").is_file());
    let ci = yaml(&gl.join(".gitlab-ci.yml"));
    let check = ci["check"]["script"][0].as_str().unwrap();
    assert!(check.contains("gongkai check --format gitlab > gl-code-quality-report.json"));
    assert_eq!(
        ci["check"]["artifacts"]["reports"]["codequality"].as_str(),
        Some("gl-code-quality-report.json")
    );
    assert_eq!(ci["check"]["artifacts"]["when"].as_str(), Some("always"));
    assert_eq!(ci["build"]["script"][0].as_str(), Some("gongkai build"));
    assert!(ci["build"]["rules"][0]["if"]
        .as_str()
        .unwrap()
        .contains("CI_DEFAULT_BRANCH"));
    assert_eq!(
        ci["build"]["artifacts"]["paths"][0].as_str(),
        Some("public/")
    );

    let gh = parent.path().join("gh");
    let o = gongkai()
        .args(["init", "--ci", "github"])
        .arg(&gh)
        .output()
        .unwrap();
    assert!(o.status.success(), "{o:?}");
    let ci = yaml(&gh.join(".github/workflows/gongkai.yml"));
    assert!(ci["on"].get("push").is_some());
    let steps = ci["jobs"]["check"]["steps"].as_sequence().unwrap();
    assert!(steps
        .iter()
        .any(|s| s["run"].as_str() == Some("gongkai check --format github")));
    let build = &ci["jobs"]["build"];
    assert_eq!(
        build["if"].as_str(),
        Some("github.ref == 'refs/heads/main'")
    );
    assert!(build["steps"]
        .as_sequence()
        .unwrap()
        .iter()
        .any(|s| s["uses"]
            .as_str()
            .is_some_and(|u| u.starts_with("actions/upload-artifact"))));

    // An existing site only gains the pipeline file; a second run never overwrites it.
    let o = gongkai()
        .args(["init", "--ci", "jenkins"])
        .arg(&gh)
        .output()
        .unwrap();
    assert!(o.status.success(), "{o:?}");
    let jenkins = std::fs::read_to_string(gh.join("Jenkinsfile")).unwrap();
    assert!(jenkins.contains("gongkai check --format junit > gongkai-junit.xml"));
    assert!(jenkins.contains("junit 'gongkai-junit.xml'"));
    assert!(jenkins.contains("when { branch 'main' }") && jenkins.contains("archiveArtifacts"));
    let o = gongkai()
        .args(["init", "--ci", "jenkins"])
        .arg(&gh)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        std::fs::read_to_string(gh.join("Jenkinsfile")).unwrap(),
        jenkins
    );
}
