//! Reading `data:` into an [`AnnualReport`]: the walk over the tables' nested maps, which
//! remembers every row's file line, and the table-level structure (groups, sections). The
//! numbers themselves are read by the one record reader in [`super::record`].

use super::number::shown;
use super::number::NumError;
use super::schema::*;
use super::types::*;
use crate::diag::Diagnostic;
use crate::yaml::{scalar_text, Fields, Key};
use serde_yaml::{Mapping, Value};

/// Reads `data:`; collects diagnostics and remembers lines.
pub(crate) struct Reader {
    pub(crate) diags: Vec<Diagnostic>,
    pub(crate) format: Format,
}

/// What a walk over one mapping found: for each entry in document order, the index of the
/// key it matched, its value and the file line of its key.
type Visit<'v> = (usize, &'v Value, Option<usize>);

impl Reader {
    /// Visit the known keys of `map` in document order. `cursor` is the file line after
    /// which the first key is searched for; `visit` returns the last file line its value
    /// occupies, so the next key is searched for below the previous one's block — a key
    /// such as `总计` inside a row written as a map must not be taken for a later row's key.
    pub(crate) fn walk<'a>(
        &mut self,
        f: &Fields<'a>,
        map: &'a Mapping,
        known: &[Key],
        mut cursor: usize,
        mut visit: impl FnMut(&mut Self, Visit<'a>) -> usize,
    ) -> usize {
        for (k, v) in map {
            let Some(name) = scalar_text(k) else { continue };
            let Some(index) = known
                .iter()
                .position(|key| key.name == name || key.aliases.contains(&name.as_str()))
            else {
                continue;
            };
            let line = f.nested(map, Some(cursor + 1)).line(&known[index]);
            let end = visit(self, (index, v, line));
            cursor = cursor.max(end).max(line.unwrap_or(cursor));
        }
        cursor
    }

    pub(crate) fn error(
        &mut self,
        f: &Fields<'_>,
        code: &'static str,
        line: Option<usize>,
        message: String,
        help: &str,
    ) {
        self.diags.push(
            Diagnostic::error(code, message)
                .in_file(f.file())
                .at_line(line.or(Some(f.start_line())))
                .help(help),
        );
    }

    pub(crate) fn number_error(
        &mut self,
        f: &Fields<'_>,
        line: Option<usize>,
        what: &str,
        v: &Value,
        e: NumError,
    ) {
        let (problem, help) = match e {
            NumError::Negative => ("是负数", "件数和金额不能为负；没有的填 0"),
            NumError::NotWhole => ("不是整数", "件数写整数，如 3；没有的填 0"),
            NumError::NotNumber => (
                "不是数字",
                "只写阿拉伯数字，如 3；没有的填 0，不要写“/”“无”或单位",
            ),
        };
        self.error(
            f,
            "E0502",
            line,
            format!("{what}的值“{}”{problem}", shown(v)),
            help,
        );
    }

    /// Fields of a nested mapping whose keys are below `line`, with every known key read
    /// (so duplicates are reported) and the unknown ones warned about.
    /// Check a section's keys (unknown ones warned about, duplicates reported) and return
    /// the line its walk starts from.
    fn open_section<'a>(
        &mut self,
        f: &Fields<'a>,
        map: &'a Mapping,
        line: Option<usize>,
        known: &[Key],
        what: &str,
    ) -> usize {
        self.check_keys(f, map, line, known, what);
        line.unwrap_or_else(|| f.start_line())
    }

    pub(crate) fn check_keys<'a>(
        &mut self,
        f: &Fields<'a>,
        map: &'a Mapping,
        line: Option<usize>,
        known: &[Key],
        what: &str,
    ) {
        let mut inner = f.nested(map, line);
        for k in known {
            inner.value(k);
        }
        inner.warn_unknown(what);
        self.diags.extend(inner.take_diagnostics());
    }

    pub(crate) fn data<'a>(
        &mut self,
        f: &Fields<'a>,
        map: &'a Mapping,
        line: Option<usize>,
        report: &mut AnnualReport,
    ) {
        let known = [keys::PROACTIVE, keys::REQUESTS, keys::APPEALS];
        let start = self.open_section(f, map, line, &known, "年度报告数据（data）");
        self.walk(f, map, &known, start, |r, (index, v, line)| {
            let what = [
                "主动公开（proactive）",
                "依申请公开（requests）",
                "行政复议、行政诉讼（appeals）",
            ][index];
            let Value::Mapping(m) = v else {
                if !v.is_null() {
                    r.error(
                        f,
                        "E0501",
                        line,
                        format!("年度报告数据中的“{what}”应为“键: 值”的形式"),
                        "在它下面缩进逐行填写各项，格式见 `gongkai new annual_report` 生成的模板",
                    );
                }
                return line.unwrap_or(start);
            };
            match index {
                0 => r.proactive(f, m, line, &mut report.proactive),
                1 => r.requests(f, m, line, &mut report.requests),
                _ => r.appeals(f, m, line, &mut report.appeals),
            }
        });
    }

    // ---- 二、主动公开 ----

    fn proactive<'a>(
        &mut self,
        f: &Fields<'a>,
        map: &'a Mapping,
        line: Option<usize>,
        out: &mut Proactive,
    ) -> usize {
        match out {
            Proactive::National2021(p) => self.parts(f, map, line, PROACTIVE_2021, p),
            Proactive::Trial2019(p) => self.parts(f, map, line, PROACTIVE_2019, p),
        }
    }

    /// Table 二: each line is read as the record its [`Part`] names.
    fn parts<'a, P>(
        &mut self,
        f: &Fields<'a>,
        map: &'a Mapping,
        line: Option<usize>,
        parts: &[Part<P>],
        out: &mut P,
    ) -> usize {
        let known: Vec<Key> = parts.iter().map(|p| p.key).collect();
        let start = self.open_section(f, map, line, &known, "主动公开（proactive）");
        self.walk(f, map, &known, start, |r, (index, v, line)| {
            let Part { label, read, .. } = &parts[index];
            match read {
                PartRead::Docs(at) => {
                    let counts = at(out);
                    *counts = DocCounts::default();
                    counts.line = line;
                    r.record(f, v, line, label, &DOC_COUNTS, counts)
                }
                PartRead::Decisions(at) => r.record(f, v, line, label, &DECISIONS, at(out)),
                PartRead::FeeAmount(at) => r.record(f, v, line, label, &FEE_AMOUNT, at(out)),
                PartRead::Made(at) => r.record(f, v, line, label, &MADE_COUNTS, at(out)),
                PartRead::Items(at) => r.record(f, v, line, label, &ITEMS, at(out)),
                PartRead::FeeItems(at) => r.record(f, v, line, label, &FEE_ITEMS, at(out)),
                PartRead::Procurement(at) => r.record(f, v, line, label, &PROCUREMENT, at(out)),
            }
        })
    }

    // ---- 三、收到和处理政府信息公开申请情况 ----

    fn requests<'a>(
        &mut self,
        f: &Fields<'a>,
        map: &'a Mapping,
        line: Option<usize>,
        out: &mut Requests,
    ) -> usize {
        out.line = line;
        let known = [
            keys::NEW,
            keys::CARRIED_OVER,
            keys::RESULTS,
            keys::CARRIED_FORWARD,
        ];
        let start = self.open_section(f, map, line, &known, "依申请公开（requests）");
        self.walk(f, map, &known, start, |r, (index, v, l)| match index {
            0 => r.row(f, v, l, &NEW_ROW, &mut out.new),
            1 => r.row(f, v, l, &CARRIED_OVER_ROW, &mut out.carried_over),
            3 => r.row(f, v, l, &CARRIED_FORWARD_ROW, &mut out.carried_forward),
            _ => {
                out.results_line = l;
                match v {
                    Value::Mapping(m) => r.results(f, m, l, out),
                    Value::Null => l.unwrap_or(start),
                    _ => {
                        r.error(
                            f,
                            "E0501",
                            l,
                            format!("“{RESULTS_LABEL}”是分组，本身不填数字"),
                            "在它下面分别填写 予以公开、部分公开、不予公开、无法提供、不予处理、其他处理 各项",
                        );
                        l.unwrap_or(start)
                    }
                }
            }
        })
    }

    fn results<'a>(
        &mut self,
        f: &Fields<'a>,
        map: &'a Mapping,
        line: Option<usize>,
        out: &mut Requests,
    ) -> usize {
        let known = [
            DISCLOSED_ROW.key,
            PARTLY_ROW.key,
            WITHHELD.key,
            UNABLE.key,
            NOT_PROCESSED.key,
            OTHER.key,
            TOTAL_ROW.key,
        ];
        let start = self.open_section(f, map, line, &known, "本年度办理结果（results）");
        let format = self.format;
        self.walk(f, map, &known, start, |r, (index, v, l)| match index {
            0 => r.row(f, v, l, &DISCLOSED_ROW, &mut out.disclosed),
            1 => r.row(f, v, l, &PARTLY_ROW, &mut out.partly_disclosed),
            2 => r.group(f, v, l, &WITHHELD, &mut out.withheld),
            3 => r.group(f, v, l, &UNABLE, &mut out.unable),
            4 => r.group(f, v, l, &NOT_PROCESSED, &mut out.not_processed),
            5 => match format {
                Format::National2021 => r.group(f, v, l, &OTHER, &mut out.other),
                Format::Trial2019 => {
                    let mut one = Row::default();
                    let end = r.row(f, v, l, &OTHER_2019_ROW, &mut one);
                    out.other = vec![one];
                    end
                }
            },
            _ => r.row(f, v, l, &TOTAL_ROW, &mut out.total),
        })
    }

    fn group<'a>(
        &mut self,
        f: &Fields<'a>,
        v: &'a Value,
        line: Option<usize>,
        spec: &GroupSpec,
        out: &mut [Row],
    ) -> usize {
        let start = line.unwrap_or_else(|| f.start_line());
        let map = match v {
            Value::Mapping(m) => m,
            Value::Null => return start,
            _ => {
                let names: Vec<&str> = spec.rows.iter().map(|r| r.key.aliases[0]).collect();
                self.error(
                    f,
                    "E0501",
                    line,
                    format!(
                        "“{}”是分组行，本身不填数字，应分别填写其下 {} 项",
                        spec.label,
                        spec.rows.len()
                    ),
                    &format!("在它下面逐项填写：{}", names.join("、")),
                );
                return start;
            }
        };
        let known: Vec<Key> = spec.rows.iter().map(|r| r.key).collect();
        self.check_keys(f, map, line, &known, &format!("“{}”", spec.label));
        self.walk(f, map, &known, start, |r, (index, v, l)| {
            match out.get_mut(index) {
                Some(slot) => r.row(f, v, l, &spec.rows[index], slot),
                None => l.unwrap_or(start),
            }
        })
    }

    /// One row of six numbers (+ 总计): a list of 6 or 7, or a map keyed by column.
    fn row<'a>(
        &mut self,
        f: &Fields<'a>,
        v: &'a Value,
        line: Option<usize>,
        spec: &RowSpec,
        out: &mut Row,
    ) -> usize {
        // An empty row (`total:` with nothing after it) counts as not written.
        if !v.is_null() {
            out.line = line;
        }
        self.record(f, v, line, spec.label, &ROW, out)
    }

    // ---- 四、行政复议、行政诉讼 ----

    fn appeals<'a>(
        &mut self,
        f: &Fields<'a>,
        map: &'a Mapping,
        line: Option<usize>,
        out: &mut Appeals,
    ) -> usize {
        let known = [
            keys::REVIEW,
            keys::LAWSUIT_DIRECT,
            keys::LAWSUIT_AFTER_REVIEW,
            keys::LAWSUIT,
        ];
        let start = self.open_section(f, map, line, &known, "行政复议、行政诉讼（appeals）");
        let mut seen = [false; 3];
        self.walk(f, map, &known, start, |r, (index, v, l)| match index {
            0 => r.appeal(f, v, l, "行政复议", &mut out.review),
            1 | 2 => {
                seen[index] = true;
                let (label, slot) = if index == 1 {
                    ("行政诉讼·未经复议直接起诉", &mut out.lawsuit_direct)
                } else {
                    ("行政诉讼·复议后起诉", &mut out.lawsuit_after_review)
                };
                r.appeal(f, v, l, label, slot)
            }
            _ => match v {
                Value::Mapping(m) => {
                    let inner_known = [keys::DIRECT, keys::AFTER_REVIEW];
                    r.check_keys(f, m, l, &inner_known, "“行政诉讼”");
                    let inner_start = l.unwrap_or(start);
                    r.walk(f, m, &inner_known, inner_start, |r, (i, v, il)| {
                        let (label, slot) = if i == 0 {
                            ("行政诉讼·未经复议直接起诉", &mut out.lawsuit_direct)
                        } else {
                            ("行政诉讼·复议后起诉", &mut out.lawsuit_after_review)
                        };
                        if seen[i + 1] {
                            r.error(
                                f,
                                "E0501",
                                il,
                                format!("“{label}”写了两次"),
                                "只在一处填写：`lawsuit_direct:` 或 `行政诉讼:` 下的 `未经复议直接起诉:`",
                            );
                        }
                        r.appeal(f, v, il, label, slot)
                    })
                }
                Value::Null => l.unwrap_or(start),
                _ => {
                    r.error(
                        f,
                        "E0501",
                        l,
                        "“行政诉讼”是分组，本身不填数字".to_string(),
                        "在它下面分别填写 `未经复议直接起诉:` 和 `复议后起诉:`",
                    );
                    l.unwrap_or(start)
                }
            },
        })
    }

    /// One appeal group: four results (+ 总计), as a list of 4 or 5 or a map.
    fn appeal<'a>(
        &mut self,
        f: &Fields<'a>,
        v: &'a Value,
        line: Option<usize>,
        label: &str,
        out: &mut Appeal,
    ) -> usize {
        out.line = line;
        self.record(f, v, line, label, &APPEAL, out)
    }
}
