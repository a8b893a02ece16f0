//! Timeliness: 《政府信息公开条例》第二十六条 — proactively disclosed information is to be
//! published within 20 working days of being made (形成或者变更), counted in the official
//! calendar (holidays are not working days; 调休 Saturdays and Sundays are).

use crate::calendar::Calendar;
use crate::date::Date;

/// The statutory limit in working days.
pub const LIMIT_WORKING_DAYS: u32 = 20;

/// A publication past the limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Late {
    /// The working day after the issue date that the publication fell within (21 or more).
    pub working_day: i64,
    /// The last day on time: the 20th working day after the issue date.
    pub deadline: Date,
}

/// Whether publication on `published` of a document made on `issued` exceeded the limit.
pub fn days_late(calendar: &Calendar, issued: Date, published: Date) -> Option<Late> {
    let working_day = calendar.ordinal(issued, published);
    (working_day > i64::from(LIMIT_WORKING_DAYS)).then(|| Late {
        working_day,
        deadline: calendar.add_working_days(issued, LIMIT_WORKING_DAYS),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::date::parse_date;

    fn d(text: &str) -> Date {
        parse_date(text).unwrap()
    }

    #[test]
    fn twenty_working_days_is_on_time_twenty_one_is_late() {
        let c = Calendar::builtin();
        let issued = d("2024-04-01"); // Monday; the Qingming holiday 04-04..04-06, 04-07 worked
        assert_eq!(days_late(&c, issued, d("2024-04-29")), None);
        assert_eq!(
            days_late(&c, issued, d("2024-04-30")),
            Some(Late {
                working_day: 21,
                deadline: d("2024-04-29")
            })
        );
        assert_eq!(days_late(&c, issued, issued), None);
    }

    #[test]
    fn made_2024_09_20_published_2024_10_23_is_on_time() {
        // The 20th working day in the official calendar (Monday–Friday counting says 23rd).
        let c = Calendar::builtin();
        assert_eq!(days_late(&c, d("2024-09-20"), d("2024-10-23")), None);
        assert!(days_late(&c, d("2024-09-20"), d("2024-10-24")).is_some());
    }

    #[test]
    fn made_2019_10_07_published_2019_11_04_is_late() {
        // The 21st working day: Saturday 2019-10-12 was worked (Monday–Friday says 20th).
        let c = Calendar::builtin();
        assert_eq!(
            days_late(&c, d("2019-10-07"), d("2019-11-04")),
            Some(Late {
                working_day: 21,
                deadline: d("2019-11-01")
            })
        );
    }

    #[test]
    fn a_weekend_after_the_twentieth_working_day_is_late() {
        let c = Calendar::builtin();
        // Deadline Friday 2019-11-01; Saturday 11-02 is past it.
        assert!(days_late(&c, d("2019-10-07"), d("2019-11-02")).is_some());
        assert!(days_late(&c, d("2019-10-07"), d("2019-11-01")).is_none());
    }
}
