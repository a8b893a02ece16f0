//! 效力状态: whether a document is in force on a given day.
//!
//! Computed at build time against `--as-of`, never stored, so a site rebuilt tomorrow
//! shows tomorrow's truth. When a document both lapsed (its 有效期至 passed) and was
//! repealed, the earlier event decides: a document that had already lapsed is 已失效, and
//! the later repeal is history, not its status (repealing a lapsed document changes
//! nothing in law). Either ending beats everything else.

use crate::date::{years_later_inclusive, Date};
use serde::Serialize;

/// The six statuses a disclosure portal shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ValidityStatus {
    /// 尚未生效: the effective date is still ahead.
    NotYetEffective,
    /// 现行有效.
    InForce,
    /// 已修改: in force as amended.
    Amended,
    /// 部分失效: some provisions no longer apply.
    PartlyInvalid,
    /// 已失效: the validity period has ended.
    Expired,
    /// 已废止: repealed by another document.
    Repealed,
}

impl ValidityStatus {
    /// Every status, in display order.
    pub const ALL: [ValidityStatus; 6] = [
        ValidityStatus::InForce,
        ValidityStatus::Amended,
        ValidityStatus::PartlyInvalid,
        ValidityStatus::NotYetEffective,
        ValidityStatus::Expired,
        ValidityStatus::Repealed,
    ];

    /// The Chinese label.
    pub fn label(self) -> &'static str {
        match self {
            ValidityStatus::NotYetEffective => "尚未生效",
            ValidityStatus::InForce => "现行有效",
            ValidityStatus::Amended => "已修改",
            ValidityStatus::PartlyInvalid => "部分失效",
            ValidityStatus::Expired => "已失效",
            ValidityStatus::Repealed => "已废止",
        }
    }

    /// An ASCII slug for URLs and CSS classes.
    pub fn slug(self) -> &'static str {
        match self {
            ValidityStatus::NotYetEffective => "not-yet-effective",
            ValidityStatus::InForce => "in-force",
            ValidityStatus::Amended => "amended",
            ValidityStatus::PartlyInvalid => "partly-invalid",
            ValidityStatus::Expired => "expired",
            ValidityStatus::Repealed => "repealed",
        }
    }

    /// Whether the document (or part of it) still applies; the page shows a banner when not.
    pub fn applies(self) -> bool {
        matches!(
            self,
            ValidityStatus::InForce | ValidityStatus::Amended | ValidityStatus::PartlyInvalid
        )
    }
}

/// The dated facts the status depends on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ValidityFacts {
    /// 生效日期 (or 成文日期 when none is given).
    pub effective: Option<Date>,
    /// Last day of validity (有效期至), explicit or derived by [`expiry`].
    pub expires: Option<Date>,
    /// Day the repeal takes effect.
    pub repealed: Option<Date>,
    /// Days amendments took effect.
    pub amended: Vec<Date>,
    /// Day part of the document stopped applying.
    pub partly_invalid: Option<Date>,
}

/// How the document ended, if it has: the earlier of its lapse and its repeal.
///
/// A lapse takes effect the day after 有效期至; a repeal on its own date. On a tie (the
/// repeal takes effect the day after the last day of validity) the lapse came first in
/// law, so the document is 已失效.
pub fn ending(facts: &ValidityFacts, as_of: Date) -> Option<ValidityStatus> {
    let lapse = facts
        .expires
        .and_then(|e| e.succ_opt())
        .filter(|d| *d <= as_of);
    let repeal = facts.repealed.filter(|d| *d <= as_of);
    match (lapse, repeal) {
        (Some(l), Some(r)) if r < l => Some(ValidityStatus::Repealed),
        (Some(_), _) => Some(ValidityStatus::Expired),
        (None, Some(_)) => Some(ValidityStatus::Repealed),
        (None, None) => None,
    }
}

/// The status on `as_of`.
pub fn status(facts: &ValidityFacts, as_of: Date) -> ValidityStatus {
    let reached = |d: Option<Date>| d.is_some_and(|d| d <= as_of);
    if let Some(ended) = ending(facts, as_of) {
        ended
    } else if facts.effective.is_some_and(|e| e > as_of) {
        ValidityStatus::NotYetEffective
    } else if reached(facts.partly_invalid) {
        ValidityStatus::PartlyInvalid
    } else if facts.amended.iter().any(|d| *d <= as_of) {
        ValidityStatus::Amended
    } else {
        ValidityStatus::InForce
    }
}

/// A default validity period from configuration: a number of years (never 0 — that is
/// refused when the configuration is read), or none at all, for provinces where only a
/// stated 有效期至 counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DefaultPeriod {
    /// This many years from the effective date.
    Years(u32),
    /// No default: a document without 有效期至 or 有效期年数 has no end date.
    None,
}

impl DefaultPeriod {
    fn years(self) -> Option<u32> {
        match self {
            DefaultPeriod::Years(y) => Some(y),
            DefaultPeriod::None => None,
        }
    }
}

/// Default validity periods (from configuration).
#[derive(Debug, Clone, Copy)]
pub struct ValidityDefaults {
    /// Period of a normative document. [`DefaultPeriod::None`] turns every default off,
    /// the provisional one included.
    pub normative: DefaultPeriod,
    /// Period of a 暂行/试行 normative document.
    pub provisional: DefaultPeriod,
}

/// How the effective date of a document that states none is found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EffectiveRule {
    /// The province sets no rule: the document is taken to apply from its 成文日期, and a
    /// normative document is flagged so the officer states the date.
    FromIssue,
    /// The province's rule: this many days after publication (Hunan: 30).
    DaysAfterPublication(u32),
}

/// Where the effective date used for validity came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EffectiveSource {
    /// 生效日期/施行日期 as written.
    Stated,
    /// The province's default offset from publication.
    ProvincialRule,
    /// Nothing stated and no provincial rule: 成文日期 was used.
    AssumedIssueDate,
    /// No date at all.
    Unknown,
}

/// The effective date used for validity, and where it came from.
pub fn effective_date(
    stated: Option<Date>,
    issued: Option<Date>,
    published: Option<Date>,
    rule: EffectiveRule,
) -> (Option<Date>, EffectiveSource) {
    if stated.is_some() {
        return (stated, EffectiveSource::Stated);
    }
    if let EffectiveRule::DaysAfterPublication(days) = rule {
        if let Some(start) = published.or(issued) {
            let day = start
                .checked_add_days(chrono::Days::new(u64::from(days)))
                .unwrap_or(start);
            return (Some(day), EffectiveSource::ProvincialRule);
        }
    }
    match issued {
        Some(d) => (Some(d), EffectiveSource::AssumedIssueDate),
        None => (None, EffectiveSource::Unknown),
    }
}

/// Whether a document deserves the "no 生效日期" warning: a normative document whose
/// effective date was neither stated nor given by a provincial rule.
pub fn needs_stated_effective_date(normative: bool, source: EffectiveSource) -> bool {
    normative
        && matches!(
            source,
            EffectiveSource::AssumedIssueDate | EffectiveSource::Unknown
        )
}

/// Whether a title names a provisional document (暂行, 试行), which takes the shorter
/// default period. The only thing of a title that validity reads: the preview server
/// keeps what link decided across a title edit when this stays the same.
pub fn provisional_title(title: &str) -> bool {
    title.contains("暂行") || title.contains("试行")
}

/// The last day of validity: an explicit 有效期至 wins; then 有效期年数 from the effective
/// date; then, for normative documents only, the configured default — shorter for titles
/// that say 暂行 or 试行 (provisional rules by their nature expire sooner).
pub fn expiry(
    normative: bool,
    title: &str,
    effective: Option<Date>,
    explicit: Option<Date>,
    years: Option<u32>,
    defaults: ValidityDefaults,
) -> Option<Date> {
    if explicit.is_some() {
        return explicit;
    }
    let start = effective?;
    let years = years.or_else(|| {
        if !normative || defaults.normative == DefaultPeriod::None {
            return None;
        }
        if provisional_title(title) {
            defaults.provisional.years()
        } else {
            defaults.normative.years()
        }
    })?;
    Some(years_later_inclusive(start, years))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::date::parse_date;

    fn d(s: &str) -> Date {
        parse_date(s).unwrap()
    }

    const DEFAULTS: ValidityDefaults = ValidityDefaults {
        normative: DefaultPeriod::Years(5),
        provisional: DefaultPeriod::Years(2),
    };

    #[test]
    fn expired_normative_document_is_expired_and_was_in_force_earlier() {
        let expires = expiry(
            true,
            "关于加强管理的规定",
            Some(d("2019-03-01")),
            None,
            None,
            DEFAULTS,
        );
        assert_eq!(expires, Some(d("2024-02-29")));
        let facts = ValidityFacts {
            effective: Some(d("2019-03-01")),
            expires,
            ..Default::default()
        };
        assert_eq!(status(&facts, d("2026-11-22")), ValidityStatus::Expired);
        assert_eq!(status(&facts, d("2024-02-29")), ValidityStatus::InForce);
        assert_eq!(status(&facts, d("2022-01-01")), ValidityStatus::InForce);
        assert_eq!(
            status(&facts, d("2019-02-28")),
            ValidityStatus::NotYetEffective
        );
    }

    #[test]
    fn repeal_before_lapse_is_repealed() {
        let facts = ValidityFacts {
            effective: Some(d("2018-01-01")),
            expires: Some(d("2020-12-31")),
            repealed: Some(d("2020-06-01")),
            ..Default::default()
        };
        assert_eq!(status(&facts, d("2026-01-01")), ValidityStatus::Repealed);
        assert_eq!(status(&facts, d("2020-06-01")), ValidityStatus::Repealed);
        assert_eq!(status(&facts, d("2020-05-31")), ValidityStatus::InForce);
    }

    #[test]
    fn lapse_before_repeal_is_expired_not_repealed() {
        // Lapsed at the end of 2020-12-31; "repealed" in a 2022 clean-up.
        let facts = ValidityFacts {
            effective: Some(d("2018-01-01")),
            expires: Some(d("2020-12-31")),
            repealed: Some(d("2022-03-01")),
            ..Default::default()
        };
        assert_eq!(status(&facts, d("2020-12-31")), ValidityStatus::InForce);
        assert_eq!(status(&facts, d("2021-01-01")), ValidityStatus::Expired);
        assert_eq!(status(&facts, d("2022-03-01")), ValidityStatus::Expired);
        assert_eq!(status(&facts, d("2026-11-22")), ValidityStatus::Expired);
        // The repeal taking effect the very day after the last day of validity: the
        // lapse was already complete.
        let tie = ValidityFacts {
            repealed: Some(d("2021-01-01")),
            ..facts
        };
        assert_eq!(status(&tie, d("2021-06-01")), ValidityStatus::Expired);
        // Repealed on its last day of validity: the repeal came first.
        let last_day = ValidityFacts {
            repealed: Some(d("2020-12-31")),
            ..tie
        };
        assert_eq!(status(&last_day, d("2021-06-01")), ValidityStatus::Repealed);
    }

    #[test]
    fn a_future_repeal_does_not_hide_a_lapse_that_already_happened() {
        let facts = ValidityFacts {
            effective: Some(d("2019-01-01")),
            expires: Some(d("2023-12-31")),
            repealed: Some(d("2027-01-01")),
            ..Default::default()
        };
        assert_eq!(status(&facts, d("2026-11-22")), ValidityStatus::Expired);
    }

    #[test]
    fn no_default_period_means_only_a_stated_expiry_counts() {
        let none = ValidityDefaults {
            normative: DefaultPeriod::None,
            provisional: DefaultPeriod::Years(2),
        };
        let start = Some(d("2019-03-01"));
        assert_eq!(expiry(true, "管理办法", start, None, None, none), None);
        assert_eq!(expiry(true, "暂行办法", start, None, None, none), None);
        assert_eq!(
            expiry(true, "管理办法", start, Some(d("2021-02-28")), None, none),
            Some(d("2021-02-28"))
        );
        assert_eq!(
            expiry(true, "管理办法", start, None, Some(3), none),
            Some(d("2022-02-28"))
        );
        let facts = ValidityFacts {
            effective: start,
            expires: expiry(true, "管理办法", start, None, None, none),
            ..Default::default()
        };
        assert_eq!(status(&facts, d("2040-01-01")), ValidityStatus::InForce);
        let provisional_off = ValidityDefaults {
            normative: DefaultPeriod::Years(5),
            provisional: DefaultPeriod::None,
        };
        assert_eq!(
            expiry(true, "试行办法", start, None, None, provisional_off),
            None
        );
        assert_eq!(
            expiry(true, "管理办法", start, None, None, provisional_off),
            Some(d("2024-02-29"))
        );
    }

    #[test]
    fn effective_date_stated_wins_then_provincial_rule_then_issue_date() {
        let issued = Some(d("2024-03-08"));
        let published = Some(d("2024-03-11"));
        assert_eq!(
            effective_date(
                Some(d("2024-04-01")),
                issued,
                published,
                EffectiveRule::FromIssue
            ),
            (Some(d("2024-04-01")), EffectiveSource::Stated)
        );
        assert_eq!(
            effective_date(
                Some(d("2024-04-01")),
                issued,
                published,
                EffectiveRule::DaysAfterPublication(30)
            ),
            (Some(d("2024-04-01")), EffectiveSource::Stated)
        );
        // Hunan: 30 days after publication — published 2024-03-11, effective 2024-04-10.
        assert_eq!(
            effective_date(
                None,
                issued,
                published,
                EffectiveRule::DaysAfterPublication(30)
            ),
            (Some(d("2024-04-10")), EffectiveSource::ProvincialRule)
        );
        // Not yet published: counted from the issue date.
        assert_eq!(
            effective_date(None, issued, None, EffectiveRule::DaysAfterPublication(30)),
            (Some(d("2024-04-07")), EffectiveSource::ProvincialRule)
        );
        assert_eq!(
            effective_date(None, issued, published, EffectiveRule::FromIssue),
            (issued, EffectiveSource::AssumedIssueDate)
        );
        assert_eq!(
            effective_date(None, None, None, EffectiveRule::FromIssue),
            (None, EffectiveSource::Unknown)
        );
    }

    #[test]
    fn only_normative_documents_without_a_known_effective_date_are_flagged() {
        assert!(needs_stated_effective_date(
            true,
            EffectiveSource::AssumedIssueDate
        ));
        assert!(needs_stated_effective_date(true, EffectiveSource::Unknown));
        assert!(!needs_stated_effective_date(true, EffectiveSource::Stated));
        assert!(!needs_stated_effective_date(
            true,
            EffectiveSource::ProvincialRule
        ));
        assert!(!needs_stated_effective_date(
            false,
            EffectiveSource::AssumedIssueDate
        ));
    }

    #[test]
    fn provincial_rule_shifts_status_dates() {
        // Published 2024-03-11 with Hunan's 30 days: not yet effective on 2024-04-09.
        let (effective, _) = effective_date(
            None,
            Some(d("2024-03-08")),
            Some(d("2024-03-11")),
            EffectiveRule::DaysAfterPublication(30),
        );
        let facts = ValidityFacts {
            effective,
            expires: expiry(true, "管理办法", effective, None, None, DEFAULTS),
            ..Default::default()
        };
        assert_eq!(facts.expires, Some(d("2029-04-09")));
        assert_eq!(
            status(&facts, d("2024-04-09")),
            ValidityStatus::NotYetEffective
        );
        assert_eq!(status(&facts, d("2024-04-10")), ValidityStatus::InForce);
    }

    #[test]
    fn amendment_and_partial_invalidity_apply_from_their_dates() {
        let mut facts = ValidityFacts {
            effective: Some(d("2020-01-01")),
            amended: vec![d("2023-07-01")],
            ..Default::default()
        };
        assert_eq!(status(&facts, d("2023-06-30")), ValidityStatus::InForce);
        assert_eq!(status(&facts, d("2023-07-01")), ValidityStatus::Amended);
        facts.partly_invalid = Some(d("2024-01-01"));
        assert_eq!(
            status(&facts, d("2024-02-01")),
            ValidityStatus::PartlyInvalid
        );
    }

    #[test]
    fn provisional_titles_get_the_shorter_default() {
        let start = Some(d("2024-05-01"));
        assert_eq!(
            expiry(
                true,
                "示例县养老服务补贴暂行办法",
                start,
                None,
                None,
                DEFAULTS
            ),
            Some(d("2026-04-30"))
        );
        assert_eq!(
            expiry(true, "试行规定", start, None, None, DEFAULTS),
            Some(d("2026-04-30"))
        );
        assert_eq!(
            expiry(true, "管理办法", start, None, Some(3), DEFAULTS),
            Some(d("2027-04-30"))
        );
        assert_eq!(
            expiry(
                true,
                "管理办法",
                start,
                Some(d("2025-01-01")),
                Some(3),
                DEFAULTS
            ),
            Some(d("2025-01-01"))
        );
        assert_eq!(expiry(false, "通知", start, None, None, DEFAULTS), None);
    }
}
