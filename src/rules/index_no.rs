//! 索引号: the identifier every disclosed document carries, in the site's own format
//! (`{org}/{year}-{seq:05}` by default, e.g. `4305210003/2024-00012`).

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
    Seq { width: usize },
}

impl IndexFormat {
    /// Parse a pattern with `{org}`, `{year}` and `{seq}` / `{seq:05}`. Returns a Chinese
    /// reason when the pattern cannot work.
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
                "seq" => Part::Seq { width: 1 },
                other => match other.strip_prefix("seq:") {
                    Some(w) => match w.parse::<usize>() {
                        Ok(width) if (1..=MAX_SEQ_WIDTH).contains(&width) => Part::Seq { width },
                        _ => return Err(format!("索引号格式中顺序号的位数“{w}”无效，应为 1 到 {MAX_SEQ_WIDTH} 之间的数字，如 {{seq:05}}")),
                    },
                    None => return Err(format!("索引号格式中有未知占位符 {{{other}}}，只能用 {{org}}、{{year}}、{{seq:05}}")),
                },
            });
            rest = &rest[end + 1..];
        }
        if !rest.is_empty() {
            parts.push(Part::Literal(rest.to_string()));
        }
        if !parts.iter().any(|p| matches!(p, Part::Seq { .. })) {
            return Err(format!("索引号格式“{pattern}”缺少顺序号 {{seq:05}}"));
        }
        Ok(IndexFormat { parts })
    }

    /// Format a number.
    pub fn format(&self, org: &str, year: i32, seq: u32) -> String {
        let mut out = String::new();
        for p in &self.parts {
            match p {
                Part::Literal(s) => out.push_str(s),
                Part::Org => out.push_str(org),
                Part::Year => out.push_str(&year.to_string()),
                Part::Seq { width } => out.push_str(&format!("{seq:0width$}")),
            }
        }
        out
    }

    /// If `text` has this format with this organisation code, its year (if the format
    /// has one) and sequence number.
    pub fn parse_number(&self, org: &str, text: &str) -> Option<(Option<i32>, u32)> {
        let mut rest = text;
        let mut year = None;
        let mut seq = None;
        for (i, p) in self.parts.iter().enumerate() {
            match p {
                Part::Literal(s) => rest = rest.strip_prefix(s.as_str())?,
                Part::Org => rest = rest.strip_prefix(org)?,
                Part::Year | Part::Seq { .. } => {
                    // Digits up to the next literal (or the end).
                    let next_literal = self.parts[i + 1..].iter().find_map(|p| match p {
                        Part::Literal(s) => Some(s.as_str()),
                        _ => None,
                    });
                    let len = match next_literal {
                        Some(lit) => rest.find(lit)?,
                        None => rest.len(),
                    };
                    let digits = &rest[..len];
                    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                        return None;
                    }
                    match p {
                        Part::Year if digits.len() == 4 => year = Some(digits.parse().ok()?),
                        Part::Year => return None,
                        Part::Seq { width } if digits.len() >= *width => {
                            seq = Some(digits.parse().ok()?)
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
        Some((year, seq?))
    }

    /// The next free number for `year`: one more than the highest sequence already used
    /// that year (numbers of other shapes are ignored). `None` when the highest is the
    /// largest sequence number there is (adding one would wrap to a used number).
    pub fn next_free<'a>(
        &self,
        org: &str,
        year: i32,
        existing: impl IntoIterator<Item = &'a str>,
    ) -> Option<String> {
        let max = existing
            .into_iter()
            .filter_map(|n| self.parse_number(org, n))
            .filter(|(y, _)| y.is_none_or(|y| y == year))
            .map(|(_, seq)| seq)
            .max()
            .unwrap_or(0);
        Some(self.format(org, year, max.checked_add(1)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn default_format() -> IndexFormat {
        IndexFormat::parse("{org}/{year}-{seq:05}").unwrap()
    }

    #[test]
    fn formats_and_parses_the_default_shape() {
        let f = default_format();
        assert_eq!(f.format("4305210003", 2024, 12), "4305210003/2024-00012");
        assert_eq!(
            f.parse_number("4305210003", "4305210003/2024-00012"),
            Some((Some(2024), 12))
        );
        assert_eq!(f.parse_number("4305210003", "4305210003/2024-12"), None);
        assert_eq!(f.parse_number("4305210003", "1111111111/2024-00012"), None);
        assert_eq!(f.parse_number("4305210003", "4305210003/2024-00012x"), None);
    }

    #[test]
    fn sequence_width_is_range_checked_and_the_last_number_does_not_wrap() {
        assert!(IndexFormat::parse("{org}/{year}-{seq:65536}").is_err());
        assert!(IndexFormat::parse("{org}/{year}-{seq:0}").is_err());
        assert!(IndexFormat::parse("{org}/{year}-{seq:ab}").is_err());
        let f = IndexFormat::parse("{org}/{year}-{seq:10}").unwrap();
        assert_eq!(f.next_free("1", 2024, ["1/2024-4294967295"]), None);
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
            f.next_free("4305210003", 2024, existing),
            Some("4305210003/2024-00013".to_string())
        );
        assert_eq!(
            f.next_free("4305210003", 2025, existing),
            Some("4305210003/2025-00001".to_string())
        );
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
    }
}
