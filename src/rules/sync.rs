//! 三同步: a policy and its interpretation are organised, approved and deployed together.
//! An interpretation counts as 同步 when published within `sync_days` working days of its
//! policy (local rules say "最迟不超过3个工作日"), counted in the official calendar; 0 means
//! the same day. A weekend after the last working day of the window is past it.
//! (Published before the policy is unusual but not late.)

use crate::calendar::Calendar;
use crate::date::Date;
use serde::Serialize;

/// How an interpretation's publication relates to its policy's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum SyncStatus {
    /// Within the window.
    OnTime,
    /// Beyond the window: published within this working day after the policy (a rest
    /// day counts as the working day that follows it).
    Late(i64),
}

/// Judge one interpretation against its policy.
pub fn judge(
    calendar: &Calendar,
    policy_published: Date,
    interpretation_published: Date,
    sync_days: u32,
) -> SyncStatus {
    let days = calendar.ordinal(policy_published, interpretation_published);
    if days > i64::from(sync_days) {
        SyncStatus::Late(days)
    } else {
        SyncStatus::OnTime
    }
}

/// One normative policy's standing in the 三同步 summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PolicySync {
    /// Has at least one interpretation within the window.
    OnTime,
    /// Has interpretations, all late.
    Late,
    /// Has none.
    Missing,
}

/// A policy's standing from the judgements of its interpretations.
pub fn policy_standing(judgements: &[SyncStatus]) -> PolicySync {
    if judgements.is_empty() {
        PolicySync::Missing
    } else if judgements.contains(&SyncStatus::OnTime) {
        PolicySync::OnTime
    } else {
        PolicySync::Late
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::date::parse_date;

    fn d(text: &str) -> Date {
        parse_date(text).unwrap()
    }

    #[test]
    fn window_is_inclusive_and_counts_working_days() {
        let c = Calendar::builtin();
        let p = d("2024-04-01"); // Monday; 04-04..04-06 Qingming, Sunday 04-07 worked
        assert_eq!(judge(&c, p, d("2024-04-03"), 3), SyncStatus::OnTime);
        assert_eq!(judge(&c, p, d("2024-04-07"), 3), SyncStatus::OnTime);
        assert_eq!(judge(&c, p, d("2024-04-08"), 3), SyncStatus::Late(4));
        assert_eq!(judge(&c, p, d("2024-03-30"), 3), SyncStatus::OnTime);
    }

    #[test]
    fn friday_policy_wednesday_interpretation_is_on_time_with_three() {
        let c = Calendar::builtin();
        let friday = d("2024-03-01");
        assert_eq!(judge(&c, friday, d("2024-03-06"), 3), SyncStatus::OnTime);
        assert_eq!(judge(&c, friday, d("2024-03-07"), 3), SyncStatus::Late(4));
        // The Saturday after the window's last day is past it.
        assert_eq!(
            judge(&c, d("2024-03-04"), d("2024-03-09"), 3),
            SyncStatus::Late(5)
        );
    }

    #[test]
    fn zero_days_means_the_same_day() {
        let c = Calendar::builtin();
        let friday = d("2024-03-01");
        assert_eq!(judge(&c, friday, friday, 0), SyncStatus::OnTime);
        assert_eq!(judge(&c, friday, d("2024-03-02"), 0), SyncStatus::Late(1));
        assert_eq!(judge(&c, friday, d("2024-03-04"), 0), SyncStatus::Late(1));
    }

    #[test]
    fn holidays_do_not_count_against_the_window() {
        let c = Calendar::builtin();
        // Policy on the eve of National Day 2024; interpretation on 10-09, the 2nd working day.
        assert_eq!(
            judge(&c, d("2024-09-30"), d("2024-10-09"), 3),
            SyncStatus::OnTime
        );
    }

    #[test]
    fn standing_needs_one_timely_interpretation() {
        assert_eq!(policy_standing(&[]), PolicySync::Missing);
        assert_eq!(policy_standing(&[SyncStatus::Late(9)]), PolicySync::Late);
        assert_eq!(
            policy_standing(&[SyncStatus::Late(9), SyncStatus::OnTime]),
            PolicySync::OnTime
        );
    }
}
