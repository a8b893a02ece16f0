//! 三同步: a policy and its interpretation are organised, approved and deployed together.
//! An interpretation counts as 同步 when published no more than `sync_days` after its
//! policy. (Published before the policy is unusual but not late.)

use crate::date::Date;
use serde::Serialize;

/// How an interpretation's publication relates to its policy's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum SyncStatus {
    /// Within the window.
    OnTime,
    /// This many days after the policy, beyond the window.
    Late(i64),
}

/// Judge one interpretation against its policy.
pub fn judge(policy_published: Date, interpretation_published: Date, sync_days: u32) -> SyncStatus {
    let days = (interpretation_published - policy_published).num_days();
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

    #[test]
    fn window_is_inclusive() {
        let p = parse_date("2024-04-01").unwrap();
        assert_eq!(
            judge(p, parse_date("2024-04-04").unwrap(), 3),
            SyncStatus::OnTime
        );
        assert_eq!(
            judge(p, parse_date("2024-04-05").unwrap(), 3),
            SyncStatus::Late(4)
        );
        assert_eq!(
            judge(p, parse_date("2024-03-30").unwrap(), 3),
            SyncStatus::OnTime
        );
        assert_eq!(
            judge(p, parse_date("2024-05-11").unwrap(), 3),
            SyncStatus::Late(40)
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
