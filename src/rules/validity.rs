//! 效力状态: whether a document is in force on a given day.
//!
//! Computed at build time against `--as-of`, never stored, so a site rebuilt tomorrow
//! shows tomorrow's truth. Precedence when several apply: a repeal beats an expiry, which
//! beats everything else — a repealed document is 已废止 even if it had also expired.

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

/// The status on `as_of`.
pub fn status(facts: &ValidityFacts, as_of: Date) -> ValidityStatus {
    let reached = |d: Option<Date>| d.is_some_and(|d| d <= as_of);
    if reached(facts.repealed) {
        ValidityStatus::Repealed
    } else if facts.expires.is_some_and(|e| e < as_of) {
        ValidityStatus::Expired
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

/// Default validity periods (from configuration).
#[derive(Debug, Clone, Copy)]
pub struct ValidityDefaults {
    /// Years for a normative document.
    pub normative_years: u32,
    /// Years for a 暂行/试行 normative document.
    pub provisional_years: u32,
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
        normative.then(|| {
            if title.contains("暂行") || title.contains("试行") {
                defaults.provisional_years
            } else {
                defaults.normative_years
            }
        })
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
        normative_years: 5,
        provisional_years: 2,
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
    fn repeal_wins_over_expiry() {
        let facts = ValidityFacts {
            effective: Some(d("2018-01-01")),
            expires: Some(d("2020-12-31")),
            repealed: Some(d("2020-06-01")),
            ..Default::default()
        };
        assert_eq!(status(&facts, d("2026-01-01")), ValidityStatus::Repealed);
        assert_eq!(status(&facts, d("2020-05-31")), ValidityStatus::InForce);
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
