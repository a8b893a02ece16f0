//! SARIF 2.1.0, the static-analysis interchange format read by GitHub code scanning,
//! Azure DevOps, and IDE viewers. Each code becomes a rule of the tool's driver; each
//! finding a result with a physical location.

use super::{gitlab::fingerprint, message_with_help, Context};
use crate::diag::{Diagnostic, Severity};
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// The SARIF version written.
pub const VERSION: &str = "2.1.0";

/// The report.
pub fn render(diagnostics: &[Diagnostic], ctx: &Context) -> Value {
    // The first finding of a code describes its rule: there is no separate catalogue
    // of rule texts, and the code itself is the stable identifier consumers key on.
    let mut rules: BTreeMap<&str, &Diagnostic> = BTreeMap::new();
    for d in diagnostics {
        rules.entry(d.code).or_insert(d);
    }
    let index: BTreeMap<&str, usize> = rules.keys().enumerate().map(|(i, c)| (*c, i)).collect();
    let level = |s: Severity| match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let rule_list: Vec<Value> = rules
        .iter()
        .map(|(code, d)| {
            let default_level = if code.starts_with('E') {
                "error"
            } else {
                "warning"
            };
            let mut rule = json!({
                "id": code,
                "name": code,
                "shortDescription": { "text": d.message },
                "defaultConfiguration": { "level": default_level },
            });
            if let Some(help) = &d.help {
                rule["help"] = json!({ "text": help });
            }
            rule
        })
        .collect();
    let results: Vec<Value> = diagnostics
        .iter()
        .map(|d| {
            let (path, line) = ctx.anchor(d);
            json!({
                "ruleId": d.code,
                "ruleIndex": index[d.code],
                "level": level(d.severity),
                "message": { "text": message_with_help(d) },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": path, "uriBaseId": "%SRCROOT%" },
                        "region": { "startLine": line },
                    }
                }],
                "partialFingerprints": {
                    "gongkaiFinding/v1": fingerprint(d.code, &path, &d.message),
                },
            })
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": VERSION,
        "runs": [{
            "tool": {
                "driver": {
                    "name": "gongkai",
                    "version": ctx.version,
                    "rules": rule_list,
                }
            },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_are_listed_once_and_results_point_at_them() {
        let d = vec![
            Diagnostic::warning("W0301", "甲")
                .in_file("a.md")
                .at_line(2),
            Diagnostic::error("E0203", "乙").in_file("b.md").at_line(5),
            Diagnostic::warning("W0301", "丙").in_file("c.md"),
        ];
        let v = render(&d, &Context::default());
        let run = &v["runs"][0];
        let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
        assert_eq!(rules.len(), 2);
        for r in run["results"].as_array().unwrap() {
            let i = r["ruleIndex"].as_u64().unwrap() as usize;
            assert_eq!(rules[i]["id"], r["ruleId"]);
        }
        assert_eq!(
            run["results"][2]["locations"][0]["physicalLocation"]["region"]["startLine"],
            1
        );
    }
}
