//! GitHub Actions workflow commands: `::error file=…,line=…,title=…::message`. GitHub
//! turns each into an annotation on the file and line in the pull request and the run.

use super::{message_with_help, summary, Context};
use crate::diag::{Diagnostic, Severity};

/// Escape a command's message: `%`, CR and LF would otherwise end or corrupt the command.
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escape a property value: additionally `:` and `,`, which separate properties.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// One annotation per finding, then the summary as a plain log line.
pub fn render(diagnostics: &[Diagnostic], documents: usize, ctx: &Context) -> String {
    let mut out = String::new();
    for d in diagnostics {
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut props = Vec::new();
        if let Some(file) = &d.file {
            props.push(format!("file={}", escape_property(&ctx.path(file))));
            if let Some(line) = d.line {
                props.push(format!("line={line}"));
            }
        }
        props.push(format!(
            "title={}",
            escape_property(&format!("gongkai {}", d.code))
        ));
        out.push_str(&format!(
            "::{command} {}::{}\n",
            props.join(","),
            escape_data(&message_with_help(d))
        ));
    }
    out.push_str(&summary(documents, diagnostics));
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn special_characters_are_escaped() {
        assert_eq!(escape_data("100%\r\nok"), "100%25%0D%0Aok");
        assert_eq!(escape_property("a:b,c%"), "a%3Ab%2Cc%25");
    }

    #[test]
    fn annotation_names_file_line_and_code() {
        let d = Diagnostic::error("E0203", "索引号重复：a,b")
            .in_file("content/p, 1.md")
            .at_line(3)
            .help("改用另一个");
        let ctx = Context {
            prefix: "site".into(),
            ..Context::default()
        };
        let out = render(&[d], 1, &ctx);
        let first = out.lines().next().unwrap();
        assert_eq!(
            first,
            "::error file=site/content/p%2C 1.md,line=3,title=gongkai E0203::索引号重复：a,b%0A提示：改用另一个"
        );
        assert!(out.ends_with("1 个错误，0 个警告。\n"));
    }

    #[test]
    fn finding_without_file_has_no_file_property() {
        let d = Diagnostic::warning("W0005", "x");
        let out = render(&[d], 0, &Context::default());
        assert!(
            out.starts_with("::warning title=gongkai W0005::x\n"),
            "{out}"
        );
    }
}
