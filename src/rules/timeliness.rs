//! Timeliness: 《政府信息公开条例》第二十六条 — proactively disclosed information is to be
//! published within 20 working days of being made (形成或者变更).

use crate::date::{working_days_between, Date};

/// The statutory limit in working days.
pub const LIMIT_WORKING_DAYS: i64 = 20;

/// Working days by which publication exceeded the limit, if it did.
pub fn days_late(issued: Date, published: Date) -> Option<i64> {
    let used = working_days_between(issued, published);
    (used > LIMIT_WORKING_DAYS).then_some(used)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::date::parse_date;

    #[test]
    fn twenty_working_days_is_on_time_twenty_one_is_late() {
        let issued = parse_date("2024-04-01").unwrap(); // Monday
        assert_eq!(days_late(issued, parse_date("2024-04-29").unwrap()), None);
        assert_eq!(
            days_late(issued, parse_date("2024-04-30").unwrap()),
            Some(21)
        );
        assert_eq!(days_late(issued, issued), None);
    }
}
