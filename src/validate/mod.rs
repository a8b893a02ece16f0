//! Validation: the statutory and editorial checks over the linked site.
//!
//! Each check is a small function that reads the [`Site`] and returns diagnostics; the
//! domain arithmetic itself lives in [`crate::rules`]. Checks never stop early, so an
//! officer sees every problem in one run.

pub mod annual_report;
pub mod columns;
pub mod negative_list;

use crate::date::{self, Date};
use crate::diag::Diagnostic;
#[cfg(test)]
use crate::link::resolve_relative;
use crate::link::Site;
use crate::model::policy::{keys as pkeys, Disclosure};
use crate::model::{keys, KindData};
use crate::rules::doc_no::{self, Departure};
use crate::rules::index_no::{Fill, IndexFormat};
use crate::rules::sync::{self, PolicySync, SyncStatus};
use crate::rules::timeliness;
use serde::Serialize;
use std::collections::BTreeSet;
use std::path::PathBuf;

/// Run every check.
pub fn validate(site: &Site) -> (Vec<Diagnostic>, SyncSummary) {
    let mut out = Vec::new();
    let mut uncovered = BTreeSet::new();
    check_index_numbers(site, &mut out);
    check_doc_numbers(site, &mut out);
    check_reg_numbers(site, &mut out);
    check_policy_dates(site, &mut uncovered, &mut out);
    check_attachments(site, &mut out);
    let summary = check_sync(site, &mut uncovered, &mut out);
    check_calendar_years(&uncovered, &mut out);
    out.extend(columns::check(site));
    out.extend(kind_checks(site));
    (out, summary)
}

/// Checks that belong to one kind's rules.
fn kind_checks(site: &Site) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (i, d) in site.docs.iter().enumerate() {
        // Only the current version of a list is due for review; earlier versions are history.
        let is_current = site.versions[i].first() == Some(&i);
        if let (KindData::NegativeList(list), true) = (&d.data, is_current) {
            out.extend(negative_list::check(
                d,
                list,
                site.config.negative_list.review_days,
                site.as_of,
            ));
        }
    }
    out.extend(annual_report::check_site(site));
    out
}

/// Years that a working-day count crossed without a calendar table: one warning each,
/// however many documents fell in them. A mistyped year (2204 for 2024) would cross
/// centuries, so a long run of years is named in one warning instead of one per year.
fn check_calendar_years(years: &BTreeSet<i32>, out: &mut Vec<Diagnostic>) {
    const ONE_PER_YEAR: usize = 5;
    let warn = |what: String, year: i32| {
        Diagnostic::warning(
            "W0030",
            format!("工作日日历中没有 {what}的节假日安排，这些日期的工作日暂按周一至周五计算"),
        )
        .in_file("config.toml")
        .help(format!(
            "按国务院办公厅关于{year}年部分节假日安排的通知，在 config.toml 中加 [calendar.{year}]：source = \"通知名称\"，holidays = [\"{year}-01-01\", …]（放假日期，连续假期写作 \"{year}-02-06..{year}-02-12\"），workdays = [\"…\"]（调休上班的周末）；如日期年份写错，请更正日期"
        ))
    };
    if years.len() > ONE_PER_YEAR {
        let (first, last) = (
            years.first().copied().unwrap_or(0),
            years.last().copied().unwrap_or(0),
        );
        out.push(warn(
            format!("{first}—{last} 年中的 {} 个年份", years.len()),
            first,
        ));
        return;
    }
    for &year in years {
        out.push(warn(format!("{year} 年"), year));
    }
}

fn check_index_numbers(site: &Site, out: &mut Vec<Diagnostic>) {
    let format = match IndexFormat::parse(&site.config.index.format) {
        Ok(f) => f,
        Err(reason) => {
            out.push(
                Diagnostic::error("E0005", reason)
                    .in_file("config.toml")
                    .help("索引号格式由文字与占位符组成：{org}、{year}、{month}、{class}、{seq:05}，如 \"{org}/{year}-{seq:05}\""),
            );
            return;
        }
    };
    let org = &site.config.index.org_code;
    // Without the site's code its numbers cannot be told from other bodies'.
    if org.is_empty() && format.has_org() {
        return;
    }
    let example = format.format(
        &Fill {
            org,
            class: if site.config.index.class.is_empty() {
                "A01"
            } else {
                &site.config.index.class
            },
            year: 2024,
            month: 1,
        },
        1,
    );
    for d in &site.docs {
        let Some(index_no) = d.policy().and_then(|p| p.index_no.as_deref()) else {
            continue;
        };
        if format.parse_number(org, index_no).is_none() {
            out.push(
                d.warning_at(
                    "W0213",
                    &pkeys::INDEX_NO,
                    format!(
                        "索引号“{index_no}”不是本站格式（{}，如 {example}）",
                        site.config.index.format
                    ),
                )
                .help("转载其他机关的文件可保留原索引号；本机关文件请按本站格式编号"),
            );
        }
    }
}

/// GB/T 9704—2012 §7.2.5: the year in 六角括号, no leading zeros. References still match
/// (see [`doc_no::normalise`]); the warning is about what the public reads.
fn check_doc_numbers(site: &Site, out: &mut Vec<Diagnostic>) {
    for d in &site.docs {
        let Some(written) = d.policy().and_then(|p| p.doc_no.as_deref()) else {
            continue;
        };
        let Some((standard, departures)) = doc_no::nonstandard(written) else {
            continue;
        };
        let what: Vec<&str> = departures
            .iter()
            .map(|x| match x {
                Departure::Brackets => "年份应用六角括号〔〕括入",
                Departure::LeadingZero => "发文顺序号不加“0”（不编虚位）",
            })
            .collect();
        out.push(
            d.warning_at(
                "W0240",
                &pkeys::DOC_NO,
                format!("发文字号“{written}”不合公文格式：{}；应写作“{standard}”", what.join("，")),
            )
            .help("GB/T 9704—2012《党政机关公文格式》7.2.5：发文字号由发文机关代字、年份、发文顺序号组成，年份、发文顺序号用阿拉伯数字标注，年份用六角括号〔〕括入，发文顺序号不加“第”字、不编虚位"),
        );
    }
}

/// 三统一 provinces (统一登记、统一编号、统一印发) give every normative document a 统一登记号;
/// `validity.require_reg_no` makes a missing one an error.
fn check_reg_numbers(site: &Site, out: &mut Vec<Diagnostic>) {
    if !site.config.validity.require_reg_no {
        return;
    }
    for d in &site.docs {
        let Some(p) = d.policy().filter(|p| p.normative) else {
            continue;
        };
        if p.reg_no.as_deref().is_none_or(|r| r.trim().is_empty()) {
            out.push(
                d.error_at(
                    "E0241",
                    &pkeys::NORMATIVE,
                    format!("行政规范性文件《{}》缺少统一登记号", d.title),
                )
                .help("本站要求规范性文件填写统一登记号（config.toml 中 validity.require_reg_no = true）：加一行 `统一登记号: …`，号码以司法行政部门（或政府办公室）登记的为准"),
            );
        }
    }
}

fn check_policy_dates(site: &Site, uncovered: &mut BTreeSet<i32>, out: &mut Vec<Diagnostic>) {
    let calendar = &site.config.work_calendar;
    for d in &site.docs {
        let Some(p) = d.policy() else { continue };
        let (Some(issued), Some(published)) = (p.issued, d.published) else {
            continue;
        };
        // 第二十六条 binds 主动公开 only: a 依申请公开 document is released on request.
        let late = match p.disclosure {
            Disclosure::Proactive => timeliness::days_late(calendar, issued, published),
            Disclosure::OnRequest => None,
        };
        if p.disclosure == Disclosure::Proactive {
            uncovered.extend(calendar.missing_years(issued, published));
        }
        if let Some(late) = late {
            out.push(
                d.warning_at(
                    "W0221",
                    &keys::PUBLISHED,
                    format!(
                        "发布日期 {} 是成文日期 {} 后的第 {} 个工作日，超过 20 个工作日的公开时限（最迟 {}）",
                        date::iso(published),
                        date::iso(issued),
                        late.working_day,
                        date::iso(late.deadline)
                    ),
                )
                .help("《政府信息公开条例》第二十六条：主动公开的政府信息应自形成或者变更之日起 20 个工作日内公开"),
            );
        }
        if published < issued {
            out.push(
                d.warning_at("W0222", &keys::PUBLISHED, "发布日期早于成文日期")
                    .help("核对两个日期是否写反"),
            );
        }
        if let (Some(effective), Some(expires)) = (p.effective, p.expires) {
            if expires < effective {
                out.push(
                    d.error_at("E0223", &pkeys::EXPIRES, "有效期至早于生效日期")
                        .help("核对有效期至与生效日期"),
                );
            }
        }
    }
}

fn check_attachments(site: &Site, out: &mut Vec<Diagnostic>) {
    for (i, d) in site.docs.iter().enumerate() {
        let Some(p) = d.policy() else { continue };
        for (a, resolved) in p.attachments.iter().zip(&site.attachments[i]) {
            match resolved {
                Err(reason) => out.push(
                    d.error_at(
                        "E0231",
                        &pkeys::ATTACHMENTS,
                        format!("附件“{}”{reason}", a.file),
                    )
                    .help("附件放在文件所在目录（或其子目录）中，用相对路径引用"),
                ),
                Ok(path) if !site.assets.contains(path) => out.push(
                    d.error_at(
                        "E0230",
                        &pkeys::ATTACHMENTS,
                        format!("附件文件 {} 不存在", path.display()),
                    )
                    .help("把附件放到文件旁边，并核对文件名（含扩展名）"),
                ),
                Ok(_) => {}
            }
        }
    }
}

/// The 三同步 figures an officer reports upward.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SyncSummary {
    /// Normative policies published (as of the build date).
    pub normative: usize,
    /// Of those, with at least one interpretation.
    pub with_interpretation: usize,
    /// With an interpretation inside the window.
    pub on_time: usize,
    /// With interpretations, all late.
    pub late: usize,
    /// Without any interpretation.
    pub missing: usize,
    /// Policies published more than 20 working days after they were made.
    pub published_late: usize,
    /// Each normative policy that is late or missing, for the report.
    pub findings: Vec<SyncFinding>,
}

/// One policy in the summary's list.
#[derive(Debug, Clone, Serialize)]
pub struct SyncFinding {
    /// Source file.
    pub file: PathBuf,
    /// Title.
    pub title: String,
    /// 发文字号 or 索引号.
    pub number: String,
    /// Late or missing.
    pub standing: PolicySync,
}

fn check_sync(
    site: &Site,
    uncovered: &mut BTreeSet<i32>,
    out: &mut Vec<Diagnostic>,
) -> SyncSummary {
    let cfg = &site.config.interpretation;
    let calendar = &site.config.work_calendar;
    let mut summary = SyncSummary::default();
    for (i, d) in site.docs.iter().enumerate() {
        let Some(p) = d.policy() else { continue };
        if let (Some(issued), Some(published)) = (p.issued, d.published) {
            if p.disclosure == Disclosure::Proactive
                && timeliness::days_late(calendar, issued, published).is_some()
            {
                summary.published_late += 1;
            }
        }
        let mut judgements = Vec::new();
        for (&j, judgement) in site.interpretations_of[i].iter().zip(&site.sync[i]) {
            let interp = &site.docs[j];
            let (Some(pp), Some(ip), Some(judgement)) = (d.published, interp.published, *judgement)
            else {
                continue;
            };
            uncovered.extend(calendar.missing_years(pp, ip));
            if let SyncStatus::Late(days) = judgement {
                out.push(
                    interp
                        .warning_at(
                            "W0305",
                            &keys::PUBLISHED,
                            format!(
                                "不符合三同步：本解读在政策《{}》发布后的第 {days} 个工作日才发布（允许 {} 个工作日）",
                                d.title, cfg.sync_days
                            ),
                        )
                        .with_severity(cfg.late.severity())
                        .help(
                            "政策解读应与政策文件同步组织、同步审签、同步部署；请在报告中说明原因",
                        ),
                );
            }
            judgements.push(judgement);
        }
        if !p.normative || d.published.is_none_or(|pp| pp > site.as_of) {
            continue;
        }
        let standing = sync::policy_standing(&judgements);
        summary.normative += 1;
        match standing {
            PolicySync::OnTime => summary.on_time += 1,
            PolicySync::Late => summary.late += 1,
            PolicySync::Missing => summary.missing += 1,
        }
        if standing != PolicySync::Missing {
            summary.with_interpretation += 1;
        }
        if standing == PolicySync::Missing {
            out.push(
                d.warning_at("W0304", &keys::TITLE, format!("规范性文件《{}》没有政策解读（三同步）", d.title))
                    .with_severity(cfg.missing.severity())
                    .help("规范性文件应同步发布政策解读：`gongkai new interpretation 标题` 新建解读，并在“解读对象”中填写本文件的发文字号"),
            );
        }
        if standing != PolicySync::OnTime {
            summary.findings.push(SyncFinding {
                file: d.source.clone(),
                title: d.title.clone(),
                number: p
                    .doc_no
                    .clone()
                    .or_else(|| p.index_no.clone())
                    .unwrap_or_default(),
                standing,
            });
        }
    }
    summary
}

impl SyncSummary {
    /// The summary as Chinese text an officer can paste into a report.
    pub fn to_text(&self, as_of: Date) -> String {
        let mut s = format!(
            "三同步统计（截至 {}）：规范性文件 {} 件，已有解读 {} 件，其中同步发布 {} 件、解读滞后 {} 件；缺少解读 {} 件。超过 20 个工作日公开的政策文件 {} 件。",
            date::chinese(as_of),
            self.normative,
            self.with_interpretation,
            self.on_time,
            self.late,
            self.missing,
            self.published_late
        );
        for f in &self.findings {
            let what = match f.standing {
                PolicySync::Late => "解读滞后",
                PolicySync::Missing => "缺少解读",
                PolicySync::OnTime => continue,
            };
            s.push_str(&format!(
                "\n  - {what}：《{}》{}（{}）",
                f.title,
                f.number,
                f.file.display()
            ));
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn relative_references_stay_inside_content() {
        let src = Path::new("content/policies/2024/a/index.md");
        assert_eq!(
            resolve_relative(src, "附件1.csv").unwrap(),
            PathBuf::from("content/policies/2024/a/附件1.csv")
        );
        assert_eq!(
            resolve_relative(src, "../b/x.pdf").unwrap(),
            PathBuf::from("content/policies/2024/b/x.pdf")
        );
        assert!(resolve_relative(src, "../../../../config.toml").is_err());
        assert!(resolve_relative(src, "../../../../../etc/passwd").is_err());
        assert!(resolve_relative(src, "/etc/passwd").is_err());
        assert!(resolve_relative(src, "C:\\x").is_err());
    }
}
