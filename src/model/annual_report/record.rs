//! The one reader for a *record*: a small fixed set of named numbers that an officer may
//! write as a map keyed by name (English or Chinese), as a list in the template's order,
//! and sometimes as a bare number.
//!
//! Every statutory cell group of the report is such a record — a table 三 row (six
//! columns and 总计), an appeal (four results and 总计), 规章 counts, a 2019 item row, 政府集中
//! 采购, a single 处理决定数量, the 收费金额. They used to be read by seven near-copies of the
//! same loop. Here each record is data: a list of [`Field`]s, each holding its key, its
//! printed label and *where its value goes*, together. Reordering the list changes the
//! order a list is read in, never which struct field a named value lands in.

use super::number::{count, decimal, format_decimal, shown, signed, NumError};
use super::reader::Reader;
use crate::yaml::{scalar_text, Fields, Key};
use serde_yaml::Value;

/// Where one field's value goes in the record `T`, and how it is read.
pub(crate) enum Slot<T> {
    /// A whole number ≥ 0.
    Count(fn(&mut T) -> &mut u64),
    /// A whole number that may be negative (本年增/减).
    Signed(fn(&mut T) -> &mut i64),
    /// A decimal ≥ 0 (an amount of money in 万元).
    Decimal(fn(&mut T) -> &mut f64),
    /// An amount kept as written (a number, or text with its unit).
    Amount(fn(&mut T) -> &mut String),
    /// A 总计 as written, checked later against the computed sum.
    Given(fn(&mut T) -> &mut Option<u64>),
}

/// One named number of a record.
pub(crate) struct Field<T> {
    /// The data key and its Chinese aliases.
    pub key: Key,
    /// The label the template prints (used in messages).
    pub label: &'static str,
    /// Where the value goes.
    pub slot: Slot<T>,
}

/// How a record's cells are named in messages.
#[derive(Clone, Copy)]
pub(crate) enum Naming {
    /// `“规章”的“本年制发件数”`.
    Of,
    /// `“（一）予以公开”行“自然人”列`.
    RowColumn,
}

/// A record: its fields and the forms it may be written in.
pub(crate) struct Record<T: 'static> {
    /// The fields, in the template's order (the order of the list form).
    pub fields: &'static [Field<T>],
    /// Accepted list lengths (inclusive), when the list form is accepted at all. A list
    /// shorter than `fields` leaves the last fields (a 总计) unwritten.
    pub list: Option<(usize, usize)>,
    /// The field a bare number fills, when one may be written alone.
    pub scalar: Option<usize>,
    /// How cells are named in messages.
    pub naming: Naming,
    /// The code, message and help for a value of the wrong shape, given the record's
    /// name, the value, and the fields' keys and labels.
    pub shape: Shape,
}

/// Builds the diagnostic for a value of the wrong shape: `(code, message, help)`.
pub(crate) type Shape =
    fn(what: &str, v: &Value, keys: &[Key], labels: &[&str]) -> (&'static str, String, String);

impl<T> Record<T> {
    /// The keys of the fields, in order.
    pub fn keys(&self) -> Vec<Key> {
        self.fields.iter().map(|f| f.key).collect()
    }
}

impl Reader {
    /// Read `v` as `record` into `out`; `what` names the record in messages. Returns the
    /// last file line the value occupies.
    pub(crate) fn record<'a, T>(
        &mut self,
        f: &Fields<'a>,
        v: &'a Value,
        line: Option<usize>,
        what: &str,
        record: &Record<T>,
        out: &mut T,
    ) -> usize {
        let start = line.unwrap_or_else(|| f.start_line());
        match v {
            Value::Null => start,
            Value::Sequence(seq)
                if record
                    .list
                    .is_some_and(|(lo, hi)| (lo..=hi).contains(&seq.len())) =>
            {
                for (field, x) in record.fields.iter().zip(seq) {
                    self.cell(f, line, what, record.naming, field, x, out);
                }
                start
            }
            Value::Mapping(m) => {
                let keys = record.keys();
                let map_what = match record.naming {
                    Naming::Of => format!("“{what}”"),
                    Naming::RowColumn => format!("“{what}”行"),
                };
                self.check_keys(f, m, line, &keys, &map_what);
                self.walk(f, m, &keys, start, |r, (i, x, l)| {
                    r.cell(
                        f,
                        l.or(line),
                        what,
                        record.naming,
                        &record.fields[i],
                        x,
                        out,
                    );
                    l.unwrap_or(start)
                })
            }
            Value::Sequence(_) => self.shape_error(f, line, what, record, v),
            scalar => match record.scalar {
                Some(i) => {
                    self.cell(f, line, what, record.naming, &record.fields[i], scalar, out);
                    start
                }
                None => self.shape_error(f, line, what, record, v),
            },
        }
    }

    fn shape_error<T>(
        &mut self,
        f: &Fields<'_>,
        line: Option<usize>,
        what: &str,
        record: &Record<T>,
        v: &Value,
    ) -> usize {
        let keys = record.keys();
        let labels: Vec<&str> = record.fields.iter().map(|f| f.label).collect();
        let (code, message, help) = (record.shape)(what, v, &keys, &labels);
        self.error(f, code, line, message, &help);
        line.unwrap_or_else(|| f.start_line())
    }

    /// Read one cell into its slot; a value that is not a number of the right kind is
    /// reported and counts as 0.
    #[allow(clippy::too_many_arguments)]
    fn cell<T>(
        &mut self,
        f: &Fields<'_>,
        line: Option<usize>,
        what: &str,
        naming: Naming,
        field: &Field<T>,
        v: &Value,
        out: &mut T,
    ) {
        let name = || match naming {
            Naming::Of => format!("“{what}”的“{}”", field.label),
            Naming::RowColumn => format!("“{what}”行“{}”列", field.label),
        };
        match &field.slot {
            Slot::Count(at) => *at(out) = self.count(f, line, &name(), v),
            Slot::Given(at) => *at(out) = Some(self.count(f, line, &name(), v)),
            Slot::Signed(at) => {
                *at(out) = signed(v).unwrap_or_else(|e| {
                    self.number_error(f, line, &name(), v, e);
                    0
                })
            }
            Slot::Decimal(at) => {
                *at(out) = decimal(v).unwrap_or_else(|e| {
                    let (problem, help) = match e {
                        NumError::Negative => ("是负数", "收费金额不能为负；没有的填 0"),
                        _ => ("不是数字", "以万元为单位写数字，如 12.5；不要写单位"),
                    };
                    let message = format!("“{what}”的{}“{}”{problem}", field.label, shown(v));
                    self.error(f, "E0502", line, message, help);
                    0.0
                })
            }
            Slot::Amount(at) => {
                *at(out) = match v {
                    Value::Null => String::new(),
                    Value::Number(_) => match decimal(v) {
                        Ok(a) => format_decimal(a),
                        Err(e) => {
                            self.number_error(f, line, &name(), v, e);
                            String::new()
                        }
                    },
                    other => scalar_text(other)
                        .map(|s| s.trim().to_string())
                        .unwrap_or_default(),
                }
            }
        }
    }

    /// A whole number ≥ 0, reported and counted as 0 when it is not one.
    pub(crate) fn count(
        &mut self,
        f: &Fields<'_>,
        line: Option<usize>,
        what: &str,
        v: &Value,
    ) -> u64 {
        count(v).unwrap_or_else(|e| {
            self.number_error(f, line, what, v, e);
            0
        })
    }
}
