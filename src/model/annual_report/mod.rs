//! 政府信息公开工作年度报告: an annual report's own fields, read from front matter.
//!
//! A report's statutory tables (二、三、四 of the national template) are data, not prose:
//! officers fill `data:` and the build lays the tables out in the template's exact rows and
//! columns, and checks their arithmetic. This module knows the template's rows (their
//! keys, Chinese labels and order, for both the 2021 template of 国办公开办函〔2021〕30号
//! and the 2019 trial template of 国办公开办函〔2019〕60号), reads them leniently (six
//! numbers, seven, or a map keyed by column name; English or Chinese keys). The arithmetic
//! ([`crate::rules::annual_report`]) runs in the link stage, over the data read here; this
//! module does not depend on it. The common fields (`title`, `published`, `department`)
//! are read by the shared model code.
//!
//! - [`schema`]: the templates as data (keys, labels, rows, the [`Format`] descriptor);
//! - [`types`]: the report's data;
//! - `record` and `reader`: one generic reader for every group of numbers, and the walk
//!   over the tables;
//! - [`skeleton`](fn@skeleton): the file `gongkai new annual_report` writes.
//!
//! Every row remembers the file line of its key, found by walking the front matter in
//! document order, so an error about a wrong total points at the row the officer must fix.
//!
//! Codes: `E0501` a table, group or row has the wrong shape; `E0502` a number that is not a
//! non-negative number of the right kind; `E0503`…`E0506` arithmetic (see
//! [`crate::rules::annual_report::Identity`]); `E0507` unknown `format`; `E0508` missing or
//! impossible `year`; `W0502` no `data:`; `W0503` a format that does not fit the year.
//! Unknown keys inside `data:` are reported with the shared `W0101`.

mod number;
mod reader;
mod record;
pub mod schema;
mod skeleton;
pub mod types;

pub use number::format_decimal;
pub use schema::*;
pub use skeleton::skeleton;
pub use types::*;

use crate::diag::Diagnostic;
use crate::yaml::{scalar_text, Fields};
use reader::Reader;
use serde_yaml::Value;

/// Read an annual report's own fields; problems go into `f.diagnostics`.
pub fn parse(f: &mut Fields<'_>) -> AnnualReport {
    let year = read_year(f);
    let (format, format_given) = read_format(f);
    if format_given || year > 0 {
        check_format_fits_year(f, year, format, format_given);
    }
    let mut report = AnnualReport {
        year,
        format,
        has_data: false,
        proactive: match format {
            Format::National2021 => Proactive::National2021(Proactive2021::default()),
            Format::Trial2019 => Proactive::Trial2019(Proactive2019::default()),
        },
        requests: Requests {
            other: vec![Row::default(); format.other_rows().len()],
            ..Requests::default()
        },
        appeals: Appeals::default(),
        unreadable: false,
        data_line: None,
    };
    let data_line = f.line(&keys::DATA);
    match f.value(&keys::DATA) {
        None => {
            let d = f
                .warning(
                    "W0502",
                    &keys::DATA,
                    "年度报告没有填写表格数据（data / 数据），不生成第二、三、四部分的统计表",
                )
                .help(
                    "用 `gongkai new annual_report` 生成带全部表格行的模板，在 `data:` 下填写数字",
                );
            f.diagnostics.push(d);
        }
        Some(Value::Mapping(m)) => {
            report.has_data = true;
            let mut r = Reader {
                diags: Vec::new(),
                format,
            };
            r.data(f, m, data_line, &mut report);
            report.unreadable = r.diags.iter().any(Diagnostic::is_error);
            report.data_line = data_line.or(Some(f.start_line()));
            f.diagnostics.append(&mut r.diags);
        }
        Some(_) => {
            let d = f
                .error("E0501", &keys::DATA, "年度报告的表格数据（data / 数据）应为“键: 值”的形式")
                .help("在 `data:` 下分别写 `proactive:`（主动公开）、`requests:`（依申请公开）、`appeals:`（行政复议、行政诉讼）");
            f.diagnostics.push(d);
        }
    }
    report
}

fn read_year(f: &mut Fields<'_>) -> i32 {
    let Some(v) = f.value(&keys::YEAR) else {
        let d = Diagnostic::error("E0508", "年度报告缺少报告年度（year / 年度）")
            .in_file(f.file())
            .at_line(f.start_line())
            .help("加上一行 `年度: 2024`（所报告的年度，不是发布年份）");
        f.diagnostics.push(d);
        return 0;
    };
    let text = scalar_text(v).unwrap_or_default();
    let digits = crate::text::fold_width_str(text.trim().trim_end_matches(['年', '度']));
    match digits.parse::<i32>() {
        Ok(y) if (1990..=2999).contains(&y) => y,
        _ => {
            let d = f
                .error("E0508", &keys::YEAR, format!("报告年度“{text}”无法识别"))
                .help("写四位数的年份，如 `年度: 2024`");
            f.diagnostics.push(d);
            0
        }
    }
}

fn read_format(f: &mut Fields<'_>) -> (Format, bool) {
    let Some(v) = f.value(&keys::FORMAT) else {
        return (Format::National2021, false);
    };
    let text = scalar_text(v).unwrap_or_default();
    if let Some(format) = Format::parse(&text) {
        (format, true)
    } else {
        let d = f
            .error("E0507", &keys::FORMAT, format!("年度报告模板“{text}”无法识别，按 2021 年模板处理"))
            .help("`模板: 2021`（国办公开办函〔2021〕30号，2021年度起）或 `模板: 2019`（国办公开办函〔2019〕60号，2019、2020年度）");
        f.diagnostics.push(d);
        (Format::National2021, true)
    }
}

fn check_format_fits_year(f: &mut Fields<'_>, year: i32, format: Format, given: bool) {
    if format.years().contains(&year) || year < 2019 {
        return;
    }
    let message = match format {
        Format::National2021 => format!(
            "{year}年度报告{}按 2021 年模板（国办公开办函〔2021〕30号）生成表格，该模板自2021年度报告起使用",
            if given { "" } else { "未写模板，" }
        ),
        Format::Trial2019 => format!(
            "{year}年度报告使用了 2019 年试行模板（国办公开办函〔2019〕60号），2021年度起应使用 2021 年模板"
        ),
    };
    let d = f
        .warning("W0503", &keys::FORMAT, message)
        .help("2019、2020年度报告写 `模板: 2019`；2021年度起写 `模板: 2021`（或不写）");
    f.diagnostics.push(d);
}

/// tests of this kind in other modules.
/// Parse the front matter of `text` (a whole `.md` file) the way the loader and the link
/// stage would, for tests of this kind in other modules.
#[cfg(test)]
pub(crate) fn parse_file(text: &str) -> (AnnualReport, Vec<Diagnostic>) {
    use crate::yaml::{key, parse_mapping};
    use std::path::Path;
    let file = Path::new("content/annual-reports/a.md");
    let front = text
        .strip_prefix("---\n")
        .and_then(|rest| rest.split_once("\n---").map(|(fm, _)| format!("{fm}\n")))
        .unwrap_or_else(|| text.to_string());
    let map = parse_mapping(&front, file, 2).expect("valid YAML");
    let mut f = Fields::new(&map, file, &front, 2);
    f.mark_used(&[
        key("title", &["标题"]),
        key("published", &["发布日期"]),
        key("department", &["公开责任部门", "责任部门", "发布机构"]),
    ]);
    let mut report = parse(&mut f);
    f.warn_unknown("政府信息公开工作年度报告");
    let mut diags = f.take_diagnostics();
    diags.extend(crate::link::settle_report(&mut report, file));
    (report, diags)
}

#[cfg(test)]
mod tests;
