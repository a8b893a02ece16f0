//! 索引号: the identifier every disclosed document carries, in the site's own format
//! (`{org}/{year}-{seq:05}` by default, e.g. `4305210003/2024-00012`).
//!
//! Provinces number differently: a month segment (`11341702486344515H/202110-00013` is
//! `{org}/{year}{month}-{seq:05}`), a category segment (`{org}-{class}-{year}-{seq}`), free
//! literal text anywhere. A format is a sequence of literal text and placeholders; the
//! fixed-width ones (`{year}` 4 digits, `{month}` 2 digits, `{org}` the site's code) may sit
//! side by side, a variable one (`{seq}`, `{class}`) must be followed by literal text or end
//! the format, so a number can be read back unambiguously.

/// Most digits a sequence number may be padded to: a `u32` has ten. (`{seq:65536}` once
/// panicked the formatter.)
pub const MAX_SEQ_WIDTH: usize = 10;

/// A parsed index-number format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexFormat {
    parts: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Literal(String),
    Org,
    Year,
    Month,
    Class,
    Seq { width: usize },
}

impl Part {
    fn is_variable(&self) -> bool {
        matches!(self, Part::Class | Part::Seq { .. })
    }
}

/// What fills the placeholders of a new number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fill<'a> {
    /// `{org}`: the site's organisation code.
    pub org: &'a str,
    /// `{class}`: the category segment.
    pub class: &'a str,
    /// `{year}`.
    pub year: i32,
    /// `{month}`, 1–12.
    pub month: u32,
}

/// The segments read back from a number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    /// `{year}`, when the format has one.
    pub year: Option<i32>,
    /// `{month}`, when the format has one.
    pub month: Option<u32>,
    /// `{class}`, when the format has one.
    pub class: Option<String>,
    /// `{seq}`.
    pub seq: u32,
}

impl IndexFormat {
    /// Parse a pattern with `{org}`, `{year}`, `{month}`, `{class}` and `{seq}` /
    /// `{seq:05}` between literal text. Returns a Chinese reason when the pattern cannot
    /// work.
    pub fn parse(pattern: &str) -> Result<IndexFormat, String> {
        let mut parts = Vec::new();
        let mut rest = pattern;
        while let Some(start) = rest.find('{') {
            if start > 0 {
                parts.push(Part::Literal(rest[..start].to_string()));
            }
            let end = rest[start..]
                .find('}')
                .ok_or_else(|| format!("索引号格式“{pattern}”中的 {{ 没有配对的 }}"))?
                + start;
            let name = &rest[start + 1..end];
            parts.push(match name {
                "org" => Part::Org,
                "year" => Part::Year,
                "month" => Part::Month,
                "class" => Part::Class,
                "seq" => Part::Seq { width: 1 },
                other => match other.strip_prefix("seq:") {
                    Some(w) => match w.parse::<usize>() {
                        Ok(width) if (1..=MAX_SEQ_WIDTH).contains(&width) => Part::Seq { width },
                        _ => return Err(format!("索引号格式中顺序号的位数“{w}”无效，应为 1 到 {MAX_SEQ_WIDTH} 之间的数字，如 {{seq:05}}")),
                    },
                    None => return Err(format!("索引号格式中有未知占位符 {{{other}}}，只能用 {{org}}、{{year}}、{{month}}、{{class}}、{{seq:05}}")),
                },
            });
            rest = &rest[end + 1..];
        }
        if !rest.is_empty() {
            parts.push(Part::Literal(rest.to_string()));
        }
        if parts
            .iter()
            .filter(|p| matches!(p, Part::Seq { .. }))
            .count()
            != 1
        {
            return Err(format!(
                "索引号格式“{pattern}”应有且只有一个顺序号 {{seq:05}}"
            ));
        }
        for pair in parts.windows(2) {
            if pair[0].is_variable() && !matches!(pair[1], Part::Literal(_)) {
                return Err(format!(
                    "索引号格式“{pattern}”中 {{seq}} 或 {{class}} 后面须紧跟分隔符（如 - 或 /），否则编号无法拆分"
                ));
            }
        }
        Ok(IndexFormat { parts })
    }

    /// Whether the format has a `{class}` segment.
    pub fn has_class(&self) -> bool {
        self.parts.contains(&Part::Class)
    }

    /// Whether the format has an `{org}` segment.
    pub fn has_org(&self) -> bool {
        self.parts.contains(&Part::Org)
    }

    /// Format a number.
    pub fn format(&self, fill: &Fill<'_>, seq: u32) -> String {
        let mut out = String::new();
        for p in &self.parts {
            match p {
                Part::Literal(s) => out.push_str(s),
                Part::Org => out.push_str(fill.org),
                Part::Year => out.push_str(&format!("{:04}", fill.year)),
                Part::Month => out.push_str(&format!("{:02}", fill.month)),
                Part::Class => out.push_str(fill.class),
                Part::Seq { width } => out.push_str(&format!("{seq:0width$}")),
            }
        }
        out
    }

    /// If `text` has this format with this organisation code, its segments.
    pub fn parse_number(&self, org: &str, text: &str) -> Option<Parsed> {
        let mut rest = text;
        let mut parsed = Parsed {
            year: None,
            month: None,
            class: None,
            seq: 0,
        };
        let mut seq = None;
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        for (i, p) in self.parts.iter().enumerate() {
            match p {
                Part::Literal(s) => rest = rest.strip_prefix(s.as_str())?,
                Part::Org => rest = rest.strip_prefix(org)?,
                Part::Year | Part::Month => {
                    let width = if *p == Part::Year { 4 } else { 2 };
                    let field = rest.get(..width).filter(|f| digits(f))?;
                    let value: u32 = field.parse().ok()?;
                    if *p == Part::Year {
                        parsed.year = Some(i32::try_from(value).ok()?);
                    } else if (1..=12).contains(&value) {
                        parsed.month = Some(value);
                    } else {
                        return None;
                    }
                    rest = &rest[width..];
                }
                Part::Class | Part::Seq { .. } => {
                    // Up to the literal that follows (the format guarantees one), or the end.
                    let len = match self.parts.get(i + 1) {
                        Some(Part::Literal(lit)) => rest.find(lit.as_str())?,
                        _ => rest.len(),
                    };
                    let field = &rest[..len];
                    match p {
                        Part::Class if !field.is_empty() => parsed.class = Some(field.to_string()),
                        Part::Seq { width } if digits(field) && field.len() >= *width => {
                            seq = Some(field.parse().ok()?)
                        }
                        _ => return None,
                    }
                    rest = &rest[len..];
                }
            }
        }
        if !rest.is_empty() {
            return None;
        }
        parsed.seq = seq?;
        Some(parsed)
    }

    /// The next free number: one more than the highest sequence already used in the same
    /// year (when the format has a year; a month or category does not restart the count,
    /// so a number stays unique however the segments vary). Numbers of other shapes are
    /// ignored. `None` when the highest is the largest sequence number there is (adding
    /// one would wrap to a used number).
    pub fn next_free<'a>(
        &self,
        fill: &Fill<'_>,
        existing: impl IntoIterator<Item = &'a str>,
    ) -> Option<String> {
        let max = existing
            .into_iter()
            .filter_map(|n| self.parse_number(fill.org, n))
            .filter(|p| p.year.is_none_or(|y| y == fill.year))
            .map(|p| p.seq)
            .max()
            .unwrap_or(0);
        Some(self.format(fill, max.checked_add(1)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn default_format() -> IndexFormat {
        IndexFormat::parse("{org}/{year}-{seq:05}").unwrap()
    }

    fn fill(org: &str, year: i32) -> Fill<'_> {
        Fill {
            org,
            class: "",
            year,
            month: 1,
        }
    }

    #[test]
    fn formats_and_parses_the_default_shape() {
        let f = default_format();
        assert_eq!(
            f.format(&fill("4305210003", 2024), 12),
            "4305210003/2024-00012"
        );
        let p = f
            .parse_number("4305210003", "4305210003/2024-00012")
            .unwrap();
        assert_eq!((p.year, p.seq), (Some(2024), 12));
        assert_eq!(f.parse_number("4305210003", "4305210003/2024-12"), None);
        assert_eq!(f.parse_number("4305210003", "1111111111/2024-00012"), None);
        assert_eq!(f.parse_number("4305210003", "4305210003/2024-00012x"), None);
        assert_eq!(f.parse_number("4305210003", "4305210003/24-00012"), None);
    }

    #[test]
    fn sequence_width_is_range_checked_and_the_last_number_does_not_wrap() {
        assert!(IndexFormat::parse("{org}/{year}-{seq:65536}").is_err());
        assert!(IndexFormat::parse("{org}/{year}-{seq:0}").is_err());
        assert!(IndexFormat::parse("{org}/{year}-{seq:ab}").is_err());
        let f = IndexFormat::parse("{org}/{year}-{seq:10}").unwrap();
        assert_eq!(f.next_free(&fill("1", 2024), ["1/2024-4294967295"]), None);
    }

    #[test]
    fn next_free_number_follows_the_highest_of_that_year() {
        let f = default_format();
        let existing = [
            "4305210003/2024-00012",
            "4305210003/2024-00003",
            "4305210003/2023-00099",
            "XZ-123",
        ];
        assert_eq!(
            f.next_free(&fill("4305210003", 2024), existing),
            Some("4305210003/2024-00013".to_string())
        );
        assert_eq!(
            f.next_free(&fill("4305210003", 2025), existing),
            Some("4305210003/2025-00001".to_string())
        );
    }

    #[test]
    fn month_segment_beside_the_year() {
        // The scheme of 11341702486344515H/202110-00013.
        let f = IndexFormat::parse("{org}/{year}{month}-{seq:05}").unwrap();
        let org = "11341702486344515H";
        let p = f
            .parse_number(org, "11341702486344515H/202110-00013")
            .unwrap();
        assert_eq!((p.year, p.month, p.seq), (Some(2021), Some(10), 13));
        assert_eq!(f.parse_number(org, "11341702486344515H/202113-00013"), None);
        assert_eq!(f.parse_number(org, "11341702486344515H/2021-00013"), None);
        let existing = [
            "11341702486344515H/202110-00013",
            "11341702486344515H/202103-00020",
        ];
        let next = f.next_free(
            &Fill {
                org,
                class: "",
                year: 2021,
                month: 11,
            },
            existing,
        );
        assert_eq!(next.as_deref(), Some("11341702486344515H/202111-00021"));
    }

    #[test]
    fn category_segment_and_free_literals() {
        let f = IndexFormat::parse("{org}-{class}-{year}-{seq}").unwrap();
        let p = f.parse_number("000014349", "000014349-A01-2024-7").unwrap();
        assert_eq!(p.class.as_deref(), Some("A01"));
        assert_eq!((p.year, p.seq), (Some(2024), 7));
        assert_eq!(f.parse_number("000014349", "000014349--2024-7"), None);
        let existing = ["000014349-A01-2024-7", "000014349-B02-2024-9"];
        let next = f.next_free(
            &Fill {
                org: "000014349",
                class: "A01",
                year: 2024,
                month: 3,
            },
            existing,
        );
        assert_eq!(next.as_deref(), Some("000014349-A01-2024-10"));
        // Literal text anywhere, no organisation code.
        let g = IndexFormat::parse("XZ{year}第{seq:03}号").unwrap();
        assert_eq!(g.format(&fill("", 2024), 5), "XZ2024第005号");
        assert_eq!(g.parse_number("", "XZ2024第005号").unwrap().seq, 5);
        assert!(!g.has_org() && !g.has_class() && f.has_class());
    }

    #[test]
    fn bad_patterns_are_explained() {
        assert!(IndexFormat::parse("{org}/{year}")
            .unwrap_err()
            .contains("顺序号"));
        assert!(IndexFormat::parse("{org}/{yr}-{seq}")
            .unwrap_err()
            .contains("{yr}"));
        assert!(IndexFormat::parse("{org/{seq}").is_err());
        assert!(IndexFormat::parse("{org}/{seq}{year}")
            .unwrap_err()
            .contains("分隔符"));
        assert!(IndexFormat::parse("{class}{seq}").is_err());
        assert!(IndexFormat::parse("{seq}-{seq}").is_err());
    }
}
