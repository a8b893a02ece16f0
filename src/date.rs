//! Calendar dates as officers write them, and the working-day arithmetic that the
//! disclosure rules are stated in.
//!
//! Officers write `2024-04-28` or `2024年4月28日`; both mean the same day. The 条例's
//! deadlines count 工作日 (working days) in the official calendar, statutory holidays and
//! 调休 make-up days included: that arithmetic lives in [`crate::calendar`].

use chrono::{Datelike, NaiveDate};

/// A calendar day without time or zone.
pub type Date = NaiveDate;

/// Parse `2024-04-28`, `2024-4-8`, `2024/04/28`, `2024.04.28` or `2024年4月28日`
/// (full-width digits allowed). Returns `None` for anything else, including impossible days.
pub fn parse_date(text: &str) -> Option<Date> {
    let normalised: String = text
        .trim()
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            _ => c,
        })
        .collect();
    let s = normalised.trim_end_matches('日');
    let parts: Vec<&str> = s.split(['-', '/', '.', '年', '月']).collect();
    if parts.len() != 3 || parts.iter().any(|p| p.is_empty() || p.len() > 4) {
        return None;
    }
    let year: i32 = parts[0].parse().ok()?;
    let month: u32 = parts[1].parse().ok()?;
    let day: u32 = parts[2].parse().ok()?;
    if !(1900..=2999).contains(&year) || parts[0].len() != 4 {
        return None;
    }
    NaiveDate::from_ymd_opt(year, month, day)
}

/// `2024年4月28日`, the form a Chinese document prints.
pub fn chinese(date: Date) -> String {
    format!("{}年{}月{}日", date.year(), date.month(), date.day())
}

/// `2024-04-28`.
pub fn iso(date: Date) -> String {
    date.format("%Y-%m-%d").to_string()
}

/// The date `years` calendar years after `date`, minus one day: a document valid for five
/// years from 2024-05-01 is valid up to and including 2029-04-30.
pub fn years_later_inclusive(date: Date, years: u32) -> Date {
    let target_year = date.year() + years as i32;
    let same_day = date
        .with_year(target_year)
        // 29 February in a non-leap target year: the period ends on 28 February.
        .unwrap_or_else(|| NaiveDate::from_ymd_opt(target_year, 3, 1).unwrap_or(date));
    same_day.pred_opt().unwrap_or(same_day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> Date {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn parses_both_forms() {
        assert_eq!(parse_date("2024-04-28"), Some(d(2024, 4, 28)));
        assert_eq!(parse_date("2024年4月28日"), Some(d(2024, 4, 28)));
        assert_eq!(parse_date("２０２４年４月２８日"), Some(d(2024, 4, 28)));
        assert_eq!(parse_date("2024/4/8"), Some(d(2024, 4, 8)));
        assert_eq!(parse_date(" 2024-4-8 "), Some(d(2024, 4, 8)));
    }

    #[test]
    fn rejects_impossible_and_malformed_dates() {
        for bad in [
            "2024-02-30",
            "2024年13月1日",
            "24-4-8",
            "2024-04",
            "明天",
            "",
            "2024-04-28-1",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn validity_period_ends_the_day_before_the_anniversary() {
        assert_eq!(years_later_inclusive(d(2024, 5, 1), 5), d(2029, 4, 30));
        assert_eq!(years_later_inclusive(d(2024, 2, 29), 1), d(2025, 2, 28));
    }
}
