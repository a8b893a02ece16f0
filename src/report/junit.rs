//! JUnit XML, read by Jenkins (`junit` step) and GitLab (`artifacts:reports:junit`): one
//! test case per document, which fails when the document has errors. Warnings are kept
//! in the case's `system-out`, so nothing is lost but nothing turns red for them either.

use super::Context;
use crate::diag::{self, Diagnostic};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

/// The case that holds findings about the site as a whole (no single file).
pub const SITE_CASE: &str = "（整站检查）";

/// Escape text for XML content and attribute values. Characters XML 1.0 cannot carry
/// at all (most control characters, which a bad source file may contain and a message
/// may quote) are written as `\u{…}` rather than producing a file no parser accepts.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Kept as references so attribute-value normalisation does not flatten them.
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

fn class_name(path: &str) -> String {
    match path.rsplit_once('/') {
        Some((dir, _)) => dir.replace('/', "."),
        None => "site".into(),
    }
}

/// The report.
pub fn render(diagnostics: &[Diagnostic], ctx: &Context) -> String {
    // Every document is a case even when clean, so the test count is the document count
    // (plus config.toml and the site-wide case) and stays steady from run to run.
    let mut cases: BTreeMap<String, Vec<&Diagnostic>> = BTreeMap::new();
    cases.insert(ctx.path(Path::new("config.toml")), Vec::new());
    for doc in &ctx.documents {
        cases.entry(ctx.path(doc)).or_default();
    }
    let mut site_wide = Vec::new();
    for d in diagnostics {
        match &d.file {
            Some(file) => cases.entry(ctx.path(file)).or_default().push(d),
            None => site_wide.push(d),
        }
    }
    let total = cases.len() + 1;
    let failed = cases
        .values()
        .chain(std::iter::once(&site_wide))
        .filter(|ds| ds.iter().any(|d| d.is_error()))
        .count();

    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"gongkai check\" tests=\"{total}\" failures=\"{failed}\" errors=\"0\">"
    );
    let _ = writeln!(
        out,
        "  <testsuite name=\"gongkai check\" tests=\"{total}\" failures=\"{failed}\" errors=\"0\" skipped=\"0\">"
    );
    for (path, ds) in cases
        .iter()
        .map(|(p, ds)| (p.as_str(), ds))
        .chain(std::iter::once((SITE_CASE, &site_wide)))
    {
        let (class, file_attr) = if path == SITE_CASE {
            ("site".to_string(), String::new())
        } else {
            (class_name(path), format!(" file=\"{}\"", escape(path)))
        };
        let _ = write!(
            out,
            "    <testcase name=\"{}\" classname=\"{}\"{file_attr}",
            escape(path),
            escape(&class)
        );
        if ds.is_empty() {
            out.push_str("/>\n");
            continue;
        }
        out.push_str(">\n");
        let errors: Vec<&&Diagnostic> = ds.iter().filter(|d| d.is_error()).collect();
        if let Some(first) = errors.first() {
            let text: Vec<String> = errors.iter().map(|d| line_of(d, ctx)).collect();
            let _ = writeln!(
                out,
                "      <failure type=\"{}\" message=\"{}\">{}</failure>",
                escape(first.code),
                escape(&format!("{} 个错误：{}", errors.len(), first.message)),
                escape(&text.join("\n"))
            );
        }
        let warnings: Vec<String> = ds
            .iter()
            .filter(|d| !d.is_error())
            .map(|d| line_of(d, ctx))
            .collect();
        if !warnings.is_empty() {
            let _ = writeln!(
                out,
                "      <system-out>{}</system-out>",
                escape(&warnings.join("\n"))
            );
        }
        out.push_str("    </testcase>\n");
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

/// A finding as the text report shows it, with the path as CI sees it.
fn line_of(d: &Diagnostic, ctx: &Context) -> String {
    let mut d = (*d).clone();
    if let Some(file) = &d.file {
        d.file = Some(diag::display_path(&ctx.prefix, file).into());
    }
    d.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_handles_markup_quotes_and_control_characters() {
        assert_eq!(
            escape("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&apos;"
        );
        assert_eq!(escape("a\u{1}b\nc"), "a\\u{1}b&#10;c");
    }

    #[test]
    fn clean_documents_are_passing_cases() {
        let ctx = Context {
            documents: vec!["content/a.md".into()],
            ..Context::default()
        };
        let xml = render(&[], &ctx);
        assert!(xml.contains("tests=\"3\" failures=\"0\""), "{xml}");
        assert!(xml.contains(
            "<testcase name=\"content/a.md\" classname=\"content\" file=\"content/a.md\"/>"
        ));
    }
}
