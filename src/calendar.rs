//! The official working-day calendar that every 工作日 deadline is counted in.
//!
//! 《政府信息公开条例》第二十六条 (20 个工作日) and the local 三同步 rules ("最迟不超过3个
//! 工作日") count working days, and a working day in China is not simply Monday to
//! Friday: the statutory holidays are rest days, and some weekends become working days
//! (调休). The State Council publishes each year's arrangement in 国务院办公厅关于YYYY年部分
//! 节假日安排的通知. The table for 2015 onwards ships in `data/calendar.toml` (with the
//! notice each year comes from); a site adds later years or corrects one with the same
//! table under `[calendar.YYYY]` in `config.toml`. For a year without a table we count
//! Monday to Friday and say so once per year (see [`Calendar::missing_years`]).
//!
//! Deadlines are judged as an officer reads them: the N-th working day after a date is the
//! last day that is on time, so a publication on the weekend after it is late even though
//! no working day has passed (see [`Calendar::ordinal`]).

use crate::date::{parse_date, Date};
use chrono::{Datelike, Duration, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// The built-in table, 2015 onwards.
const BUILTIN: &str = include_str!("../data/calendar.toml");

/// One year's arrangement as written in `data/calendar.toml` or `[calendar.YYYY]`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct YearTable {
    /// The notice the table transcribes.
    #[serde(default)]
    pub source: String,
    /// Days off (放假): `2024-02-10` or a span `2024-02-10..2024-02-17`.
    #[serde(default)]
    pub holidays: Vec<String>,
    /// Weekend days made working days (调休上班), same forms.
    #[serde(default)]
    pub workdays: Vec<String>,
}

/// A problem in a year table: the entry is ignored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableProblem {
    /// The table's key as written (`2027`).
    pub year: String,
    /// The entry at fault, when it is one entry rather than the table.
    pub entry: Option<String>,
    /// What is wrong, in Chinese.
    pub reason: String,
}

/// Working days and rest days for the years the calendar holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calendar {
    /// Days off that would otherwise be working days (and holiday weekends, harmlessly).
    rest: BTreeSet<Date>,
    /// Weekend days that are working days.
    work: BTreeSet<Date>,
    /// Years with a table, and the notice each comes from.
    sources: BTreeMap<i32, String>,
}

impl Default for Calendar {
    /// The built-in table.
    fn default() -> Self {
        Calendar::builtin()
    }
}

/// The built-in tables by year (the embedded file is tested to parse cleanly).
pub fn builtin_tables() -> BTreeMap<String, YearTable> {
    toml::from_str(BUILTIN).unwrap_or_default()
}

impl Calendar {
    /// The built-in table alone.
    pub fn builtin() -> Calendar {
        Calendar::with_site_tables(&BTreeMap::new()).0
    }

    /// The built-in table with a site's `[calendar.YYYY]` tables: a site's year replaces
    /// the built-in year of the same number as a whole (a correction restates the notice).
    pub fn with_site_tables(site: &BTreeMap<String, YearTable>) -> (Calendar, Vec<TableProblem>) {
        let mut tables = builtin_tables();
        for (year, table) in site {
            tables.insert(year.clone(), table.clone());
        }
        let mut calendar = Calendar {
            rest: BTreeSet::new(),
            work: BTreeSet::new(),
            sources: BTreeMap::new(),
        };
        let mut problems = Vec::new();
        for (key, table) in &tables {
            let Some(year) = key
                .parse::<i32>()
                .ok()
                .filter(|y| key.len() == 4 && (1900..=2999).contains(y))
            else {
                problems.push(TableProblem {
                    year: key.clone(),
                    entry: None,
                    reason: format!("日历的年份“{key}”不是四位年份，整张表被忽略"),
                });
                continue;
            };
            for (entries, set) in [
                (&table.holidays, &mut calendar.rest),
                (&table.workdays, &mut calendar.work),
            ] {
                for entry in entries {
                    match expand(entry, year) {
                        Ok(days) => set.extend(days),
                        Err(reason) => problems.push(TableProblem {
                            year: key.clone(),
                            entry: Some(entry.clone()),
                            reason,
                        }),
                    }
                }
            }
            calendar.sources.insert(year, table.source.clone());
        }
        (calendar, problems)
    }

    /// Whether the calendar holds a table for `year`.
    pub fn covers(&self, year: i32) -> bool {
        self.sources.contains_key(&year)
    }

    /// The notice a year's table comes from, when the calendar holds the year.
    pub fn source(&self, year: i32) -> Option<&str> {
        self.sources.get(&year).map(String::as_str)
    }

    /// Whether `date` is a working day.
    pub fn is_working_day(&self, date: Date) -> bool {
        if self.work.contains(&date) {
            true
        } else if self.rest.contains(&date) {
            false
        } else {
            !is_weekend(date)
        }
    }

    /// Working days after `from` up to and including `to` (0 when `to` is not after
    /// `from`).
    pub fn working_days_between(&self, from: Date, to: Date) -> i64 {
        if to <= from {
            return 0;
        }
        let (start, end) = (from + Duration::days(1), to);
        let mut count = weekdays_between(from, to);
        // Table days only move the count where they differ from the weekday rule.
        count += self
            .work
            .range(start..=end)
            .filter(|d| is_weekend(**d))
            .count() as i64;
        count -= self
            .rest
            .range(start..=end)
            .filter(|d| !is_weekend(**d) && !self.work.contains(d))
            .count() as i64;
        count
    }

    /// Which working day after `from` the day `to` falls within: a working day counts as
    /// itself, a rest day as the next working day (its deadline has not passed, the
    /// previous one has). 0 when `to` is not after `from`. A publication is within an
    /// N-working-day limit exactly when its ordinal is at most N.
    pub fn ordinal(&self, from: Date, to: Date) -> i64 {
        if to <= from {
            return 0;
        }
        self.working_days_between(from, to) + i64::from(!self.is_working_day(to))
    }

    /// The `n`-th working day after `from` (`from` itself for 0): the last day within an
    /// n-working-day limit.
    pub fn add_working_days(&self, from: Date, n: u32) -> Date {
        let mut day = from;
        let mut left = n;
        while left > 0 {
            match day.succ_opt() {
                Some(next) => day = next,
                None => break,
            }
            if self.is_working_day(day) {
                left -= 1;
            }
        }
        day
    }

    /// Years between `from` (exclusive) and `to` (inclusive) without a table: the count
    /// over them fell back to Monday to Friday.
    pub fn missing_years(&self, from: Date, to: Date) -> Vec<i32> {
        if to <= from {
            return Vec::new();
        }
        let first = (from + Duration::days(1)).year();
        (first..=to.year()).filter(|y| !self.covers(*y)).collect()
    }
}

fn is_weekend(date: Date) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

/// Monday-to-Friday days after `from` up to and including `to`, without walking them.
fn weekdays_between(from: Date, to: Date) -> i64 {
    let days = (to - from).num_days();
    let mut count = days / 7 * 5;
    let mut day = from + Duration::days(days / 7 * 7);
    while day < to {
        day = day.succ_opt().unwrap_or(to);
        if !is_weekend(day) {
            count += 1;
        }
    }
    count
}

/// The days of one entry (`2024-02-10` or `2024-02-10..2024-02-17`) in the table of
/// `year`. A notice may start a holiday in the previous December, so that month is
/// accepted too.
fn expand(entry: &str, year: i32) -> Result<Vec<Date>, String> {
    let (first, last) = match entry.split_once("..") {
        Some((a, b)) => (a, Some(b)),
        None => (entry, None),
    };
    let parse = |text: &str| {
        parse_date(text).ok_or_else(|| format!("{year} 年日历中的“{entry}”不是日期或日期区间"))
    };
    let a = parse(first)?;
    let b = match last {
        Some(text) => parse(text)?,
        None => a,
    };
    let earliest = NaiveDate::from_ymd_opt(year - 1, 12, 1);
    let latest = NaiveDate::from_ymd_opt(year, 12, 31);
    if b < a {
        return Err(format!("{year} 年日历中的区间“{entry}”起止日期写反了"));
    }
    if earliest.is_some_and(|e| a < e) || latest.is_some_and(|l| b > l) {
        return Err(format!(
            "{year} 年日历中的“{entry}”不在 {year} 年内（只有元旦假期可从上年12月开始）"
        ));
    }
    let mut days = Vec::new();
    let mut day = a;
    while day <= b {
        days.push(day);
        day = match day.succ_opt() {
            Some(next) => next,
            None => break,
        };
    }
    Ok(days)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Date {
        parse_date(text).unwrap()
    }

    #[test]
    fn builtin_table_parses_cleanly_and_covers_2015_to_2026() {
        let (calendar, problems) = Calendar::with_site_tables(&BTreeMap::new());
        assert!(problems.is_empty(), "{problems:?}");
        for year in 2015..=2026 {
            assert!(calendar.covers(year), "{year}");
            assert!(
                calendar
                    .source(year)
                    .is_some_and(|s| s.contains(&format!("{year}年"))),
                "{year}: {:?}",
                calendar.source(year)
            );
        }
        assert!(!calendar.covers(2014));
        assert!(!calendar.covers(2027));
    }

    /// A few days of every year, read from each year's notice: (day, working?).
    #[test]
    fn known_days_of_every_year() {
        let c = Calendar::builtin();
        let cases = [
            // 2015: the 9·3 commemoration holiday and its make-up Sunday.
            ("2015-09-03", false),
            ("2015-09-04", false),
            ("2015-09-06", true),
            ("2015-02-24", false),
            ("2015-02-28", true),
            // 2016
            ("2016-02-06", true),
            ("2016-02-12", false),
            ("2016-10-09", true),
            // 2017
            ("2017-01-02", false),
            ("2017-01-22", true),
            ("2017-10-06", false),
            // 2018: the 2019 notice's make-up Saturday and 31 December off.
            ("2018-02-24", true),
            ("2018-12-29", true),
            ("2018-12-31", false),
            // 2019: Labour Day extended to 4 days by 国办发明电〔2019〕2号.
            ("2019-05-02", false),
            ("2019-05-05", true),
            ("2019-10-12", true),
            // 2020: the Spring Festival extension to 2 February.
            ("2020-01-31", false),
            ("2020-02-01", false),
            ("2020-02-03", true),
            ("2020-01-19", true),
            // 2021
            ("2021-02-20", true),
            ("2021-09-21", false),
            // 2022
            ("2022-01-29", true),
            ("2022-05-04", false),
            // 2023
            ("2023-01-02", false),
            ("2023-10-07", true),
            ("2023-10-06", false),
            // 2024
            ("2024-02-04", true),
            ("2024-02-16", false),
            ("2024-09-14", true),
            ("2024-10-07", false),
            // 2025
            ("2025-01-26", true),
            ("2025-02-04", false),
            ("2025-10-08", false),
            ("2025-10-11", true),
            // 2026
            ("2026-02-23", false),
            ("2026-02-28", true),
            ("2026-10-07", false),
            ("2026-10-10", true),
            // Ordinary days.
            ("2024-03-05", true),
            ("2024-03-09", false),
        ];
        for (day, working) in cases {
            assert_eq!(c.is_working_day(d(day)), working, "{day}");
        }
    }

    #[test]
    fn counting_agrees_with_walking_day_by_day() {
        let c = Calendar::builtin();
        let from = d("2014-12-20");
        let mut walked = 0;
        let mut day = from;
        while day < d("2027-01-10") {
            day = day.succ_opt().unwrap();
            walked += i64::from(c.is_working_day(day));
            assert_eq!(c.working_days_between(from, day), walked, "{day}");
        }
    }

    #[test]
    fn statutory_cases_twenty_and_twenty_one() {
        let c = Calendar::builtin();
        // Monday–Friday counting says 23; the National Day week and its make-up days make it 20.
        assert_eq!(c.ordinal(d("2024-09-20"), d("2024-10-23")), 20);
        // Monday–Friday counting says 20; the make-up Saturday 2019-10-12 makes it 21.
        assert_eq!(c.ordinal(d("2019-10-07"), d("2019-11-04")), 21);
        assert_eq!(c.add_working_days(d("2024-09-20"), 20), d("2024-10-23"));
        assert_eq!(c.add_working_days(d("2019-10-07"), 20), d("2019-11-01"));
    }

    #[test]
    fn a_rest_day_after_the_deadline_is_past_it() {
        let c = Calendar::builtin();
        // Friday 2024-03-01; the 3rd working day is Wednesday 03-06.
        assert_eq!(c.ordinal(d("2024-03-01"), d("2024-03-02")), 1);
        assert_eq!(c.ordinal(d("2024-03-01"), d("2024-03-06")), 3);
        assert_eq!(c.ordinal(d("2024-03-01"), d("2024-03-07")), 4);
        assert_eq!(c.ordinal(d("2024-03-01"), d("2024-03-01")), 0);
        assert_eq!(c.ordinal(d("2024-03-01"), d("2024-02-01")), 0);
        assert_eq!(c.add_working_days(d("2024-03-01"), 0), d("2024-03-01"));
    }

    #[test]
    fn years_without_a_table_fall_back_to_monday_to_friday_and_are_named() {
        let c = Calendar::builtin();
        // 2027-01-01 is a Friday; without a table it is a working day.
        assert!(c.is_working_day(d("2027-01-01")));
        assert_eq!(c.working_days_between(d("2026-12-31"), d("2027-01-08")), 6);
        assert_eq!(
            c.missing_years(d("2026-12-31"), d("2027-01-08")),
            vec![2027]
        );
        assert!(c.missing_years(d("2026-12-30"), d("2026-12-31")).is_empty());
        assert!(c.missing_years(d("2026-12-31"), d("2026-12-31")).is_empty());
        assert_eq!(
            c.missing_years(d("2013-12-31"), d("2015-01-05")),
            vec![2014]
        );
    }

    #[test]
    fn a_site_table_adds_a_year_and_replaces_a_builtin_one() {
        let mut site = BTreeMap::new();
        site.insert(
            "2027".to_string(),
            YearTable {
                source: "国务院办公厅关于2027年部分节假日安排的通知".into(),
                holidays: vec!["2027-01-01".into(), "2027-02-06..2027-02-08".into()],
                workdays: vec!["2027-02-14".into()],
            },
        );
        site.insert(
            "2024".to_string(),
            YearTable {
                source: "更正".into(),
                holidays: vec![],
                workdays: vec![],
            },
        );
        let (c, problems) = Calendar::with_site_tables(&site);
        assert!(problems.is_empty(), "{problems:?}");
        assert!(c.covers(2027));
        assert!(!c.is_working_day(d("2027-01-01")));
        assert!(!c.is_working_day(d("2027-02-08")));
        assert!(c.is_working_day(d("2027-02-14")));
        // The replaced year keeps nothing of the built-in table.
        assert!(!c.is_working_day(d("2024-02-04")));
        assert!(c.is_working_day(d("2024-10-07")));
        assert_eq!(c.source(2024), Some("更正"));
    }

    #[test]
    fn bad_entries_are_reported_and_ignored() {
        let mut site = BTreeMap::new();
        site.insert(
            "2027".to_string(),
            YearTable {
                source: String::new(),
                holidays: vec![
                    "2027-13-01".into(),
                    "2027-02-08..2027-02-06".into(),
                    "2028-01-01".into(),
                    "2026-12-31".into(),
                ],
                workdays: vec![],
            },
        );
        site.insert("27".to_string(), YearTable::default());
        let (c, problems) = Calendar::with_site_tables(&site);
        let reasons: Vec<&str> = problems.iter().map(|p| p.reason.as_str()).collect();
        assert_eq!(problems.len(), 4, "{reasons:?}");
        assert!(reasons[0].contains("不是日期"), "{reasons:?}");
        assert!(reasons[1].contains("写反"), "{reasons:?}");
        assert!(reasons[2].contains("不在 2027 年内"), "{reasons:?}");
        assert!(reasons[3].contains("“27”"), "{reasons:?}");
        // The December entry of the previous year is accepted.
        assert!(!c.is_working_day(d("2026-12-31")));
    }
}
