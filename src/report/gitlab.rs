//! GitLab Code Quality report (the Code Climate issue format GitLab reads from
//! `artifacts:reports:codequality` and shows in merge requests).
//!
//! GitLab compares the report of a merge request with the target branch's by
//! *fingerprint*: a finding whose fingerprint exists on both sides is "unchanged". The
//! fingerprint therefore hashes the code, the file and the message — never the line —
//! so inserting a paragraph above a finding does not make it look new.

use super::{message_with_help, Context};
use crate::diag::{Diagnostic, Severity};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::collections::HashMap;

/// A stable fingerprint of a finding (hex SHA-256 of code, file and message).
pub fn fingerprint(code: &str, path: &str, key: &str) -> String {
    let mut h = Sha256::new();
    for part in [code, path, key] {
        h.update(part.as_bytes());
        // A separator no part contains, so ("ab","c") and ("a","bc") differ.
        h.update([0u8]);
    }
    h.finalize()
        .iter()
        .take(16)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The report: a JSON array with one issue per finding.
pub fn render(diagnostics: &[Diagnostic], ctx: &Context) -> Value {
    // Two findings with the same code, file and message would share a fingerprint and
    // GitLab would show one; the second gets "#2" in its key, counted in sorted order,
    // which is as stable as the findings themselves.
    let mut seen: HashMap<String, usize> = HashMap::new();
    let issues: Vec<Value> = diagnostics
        .iter()
        .map(|d| {
            let (path, line) = ctx.anchor(d);
            let mut fp = fingerprint(d.code, &path, &d.message);
            let n = seen.entry(fp.clone()).or_insert(0);
            *n += 1;
            if *n > 1 {
                fp = fingerprint(d.code, &path, &format!("{}#{n}", d.message));
            }
            json!({
                "type": "issue",
                "check_name": d.code,
                "description": format!("[{}] {}", d.code, message_with_help(d)),
                "categories": ["Bug Risk"],
                "severity": match d.severity {
                    Severity::Error => "critical",
                    Severity::Warning => "minor",
                },
                "fingerprint": fp,
                "location": {
                    "path": path,
                    "lines": { "begin": line },
                },
            })
        })
        .collect();
    Value::Array(issues)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_ignores_the_line_but_not_the_file_or_message() {
        let a = Diagnostic::warning("W0301", "缺少解读")
            .in_file("a.md")
            .at_line(3);
        let moved = a.clone().at_line(30);
        let other_file = a.clone().in_file("b.md");
        let ctx = Context::default();
        let fp = |d: &Diagnostic| render(std::slice::from_ref(d), &ctx)[0]["fingerprint"].clone();
        assert_eq!(fp(&a), fp(&moved));
        assert_ne!(fp(&a), fp(&other_file));
        let mut reworded = a.clone();
        reworded.message = "另一件事".into();
        assert_ne!(fp(&a), fp(&reworded));
    }

    #[test]
    fn identical_findings_get_distinct_fingerprints() {
        let a = Diagnostic::warning("W0301", "同一句")
            .in_file("a.md")
            .at_line(3);
        let b = a.clone().at_line(9);
        let report = render(&[a, b], &Context::default());
        assert_ne!(report[0]["fingerprint"], report[1]["fingerprint"]);
    }

    #[test]
    fn site_wide_finding_is_anchored_to_config() {
        let d = Diagnostic::error("E0121", "网址重复");
        let report = render(
            &[d],
            &Context {
                prefix: "site".into(),
                ..Context::default()
            },
        );
        assert_eq!(report[0]["location"]["path"], "site/config.toml");
        assert_eq!(report[0]["location"]["lines"]["begin"], 1);
        assert_eq!(report[0]["severity"], "critical");
    }
}
