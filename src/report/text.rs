//! The text report for people. A large site can produce thousands of warnings of a few
//! kinds; printed one after another they bury the errors. So: errors first, then warnings,
//! each grouped by code, at most N of a code shown with a count of the rest, and advice
//! shared by a group printed once.

use crate::diag::{Diagnostic, Severity};
use std::collections::BTreeMap;

/// How many findings of one code are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// At most this many per code (`--max-per-code`, default 20).
    PerCode(usize),
    /// Every finding (`--all`).
    All,
}

/// Which findings are shown at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// Errors and warnings.
    Full,
    /// Errors only (`--quiet`); warnings are still counted in the summary.
    ErrorsOnly,
}

/// Text report options.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextOptions {
    /// Per-code cap.
    pub limit: Limit,
    /// Errors only, or everything.
    pub detail: Detail,
}

impl Default for TextOptions {
    fn default() -> Self {
        TextOptions {
            limit: Limit::PerCode(DEFAULT_PER_CODE),
            detail: Detail::Full,
        }
    }
}

/// Findings of one code shown by default.
pub const DEFAULT_PER_CODE: usize = 20;

/// The report as lines (no trailing newline). `diagnostics` is expected sorted by
/// file and line (`diag::sort`); that order is kept inside each group.
pub fn lines(diagnostics: &[Diagnostic], opts: TextOptions) -> Vec<String> {
    let mut out = Vec::new();
    let severities: &[Severity] = match opts.detail {
        Detail::Full => &[Severity::Error, Severity::Warning],
        Detail::ErrorsOnly => &[Severity::Error],
    };
    for &severity in severities {
        let mut groups: BTreeMap<&str, Vec<&Diagnostic>> = BTreeMap::new();
        for d in diagnostics.iter().filter(|d| d.severity == severity) {
            groups.entry(d.code).or_default().push(d);
        }
        for (code, group) in groups {
            let shown = match opts.limit {
                Limit::PerCode(n) => n.min(group.len()),
                Limit::All => group.len(),
            };
            let mut last_help: Option<&str> = None;
            for d in &group[..shown] {
                out.push(d.headline());
                if let Some(help) = d.help.as_deref() {
                    if last_help != Some(help) {
                        out.push(format!("  提示：{help}"));
                        last_help = Some(help);
                    }
                }
            }
            let hidden = group.len() - shown;
            if hidden > 0 {
                out.push(format!(
                    "  ……另有 {hidden} 个 {code} {}未显示（共 {} 个；加 --all 显示全部）",
                    severity.label(),
                    group.len()
                ));
            }
        }
    }
    out
}

/// Cap a list of detail lines the same way (the 三同步 findings under the statistics).
pub fn cap(lines: Vec<String>, limit: Limit, what: &str) -> Vec<String> {
    let Limit::PerCode(n) = limit else {
        return lines;
    };
    if lines.len() <= n {
        return lines;
    }
    let hidden = lines.len() - n;
    let total = lines.len();
    let mut out: Vec<String> = lines.into_iter().take(n).collect();
    out.push(format!(
        "  ……另有 {hidden} 件{what}未显示（共 {total} 件；加 --all 显示全部）"
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn warn(code: &'static str, file: &str, line: usize) -> Diagnostic {
        Diagnostic::warning(code, format!("{file} 有问题"))
            .in_file(file)
            .at_line(line)
            .help("同一条提示")
    }

    #[test]
    fn errors_come_first_and_warnings_are_grouped_by_code() {
        let diags = vec![
            warn("W0002", "a.md", 1),
            warn("W0001", "b.md", 2),
            Diagnostic::error("E0001", "坏了")
                .in_file("z.md")
                .at_line(9),
            warn("W0002", "c.md", 3),
        ];
        let out = lines(&diags, TextOptions::default());
        assert_eq!(
            out,
            vec![
                "错误[E0001] z.md:9: 坏了",
                "警告[W0001] b.md:2: b.md 有问题",
                "  提示：同一条提示",
                "警告[W0002] a.md:1: a.md 有问题",
                "  提示：同一条提示",
                "警告[W0002] c.md:3: c.md 有问题",
            ]
        );
    }

    #[test]
    fn each_code_is_capped_and_says_how_many_are_hidden() {
        let diags: Vec<_> = (1..=30).map(|i| warn("W0001", "a.md", i)).collect();
        let opts = TextOptions {
            limit: Limit::PerCode(5),
            detail: Detail::Full,
        };
        let out = lines(&diags, opts);
        assert_eq!(
            out.iter().filter(|l| l.starts_with("警告[W0001]")).count(),
            5
        );
        let last = out.last().unwrap();
        assert!(
            last.contains("另有 25 个 W0001") && last.contains("--all"),
            "{last}"
        );
        let all = lines(
            &diags,
            TextOptions {
                limit: Limit::All,
                ..opts
            },
        );
        assert_eq!(all.iter().filter(|l| l.starts_with("警告[")).count(), 30);
    }

    #[test]
    fn differing_help_is_printed_for_each_finding() {
        let diags = vec![
            warn("W0001", "a.md", 1).help("甲"),
            warn("W0001", "a.md", 2).help("乙"),
        ];
        let out = lines(&diags, TextOptions::default());
        assert_eq!(out.iter().filter(|l| l.contains("提示")).count(), 2);
    }

    #[test]
    fn quiet_shows_errors_only() {
        let diags = vec![
            warn("W0001", "a.md", 1),
            Diagnostic::error("E0001", "坏了").in_file("a.md"),
        ];
        let out = lines(
            &diags,
            TextOptions {
                limit: Limit::All,
                detail: Detail::ErrorsOnly,
            },
        );
        assert_eq!(out, vec!["错误[E0001] a.md: 坏了"]);
    }

    #[test]
    fn cap_keeps_short_lists_and_counts_the_rest() {
        let l: Vec<String> = (0..3).map(|i| i.to_string()).collect();
        assert_eq!(cap(l.clone(), Limit::PerCode(3), "x"), l);
        let capped = cap(l, Limit::PerCode(1), "缺少解读");
        assert_eq!(capped.len(), 2);
        assert!(capped[1].contains("另有 2 件缺少解读"));
    }
}
