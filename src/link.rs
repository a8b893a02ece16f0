//! Linking: the relations between documents, resolved once for the whole site.
//!
//! Officers refer to other documents by 索引号 or 发文字号 (in any bracket form). This
//! stage builds the lookup tables, resolves every reference (interpretation → policy,
//! repeal/amendment → the document that did it), computes each policy's 效力状态 as of
//! the build date, and groups versions of negative lists and series of annual reports.
//! Everything is a hash lookup: no quadratic scans over 10,000 documents.

use crate::config::{Config, PeriodSetting};
use crate::date::Date;
use crate::diag::Diagnostic;
use crate::load::Content;
use crate::model::interpretation::keys as ikeys;
use crate::model::policy::keys as pkeys;
use crate::model::policy::Relation;
use crate::model::{AnnualReport, Document, Kind, KindData};
use crate::rules::doc_no;
use crate::rules::sync::{self, SyncStatus};
use crate::rules::validity::{
    self, DefaultPeriod, EffectiveRule, ValidityDefaults, ValidityFacts, ValidityStatus,
};
use crate::yaml::Key;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

/// A policy's validity as of the build date.
#[derive(Debug, Clone, Copy, Hash, Serialize)]
pub struct Validity {
    /// The status.
    pub status: ValidityStatus,
    /// The effective date used (生效日期, or 成文日期).
    pub effective: Option<Date>,
    /// The last day of validity, explicit or derived.
    pub expires: Option<Date>,
}

/// The linked site: documents plus every resolved relation, indexed by document position.
#[derive(Debug)]
pub struct Site {
    /// Configuration.
    pub config: Config,
    /// The day statuses are computed for.
    pub as_of: Date,
    /// All documents, in source-path order.
    pub docs: Vec<Document>,
    /// Non-document files under `content/`.
    pub assets: BTreeSet<PathBuf>,
    /// Document position by source path.
    pub by_source: HashMap<PathBuf, usize>,
    /// Validity of each policy (`None` for other kinds).
    pub validity: Vec<Option<Validity>>,
    /// For each policy, its interpretations (sorted by date, then path).
    pub interpretations_of: Vec<Vec<usize>>,
    /// For each interpretation, the policies it interprets (in the order written).
    pub policies_of: Vec<Vec<usize>>,
    /// For each policy, the document that repealed it, when that is on this site.
    pub repealed_by: Vec<Option<usize>>,
    /// For each policy, one entry per amendment as written (same order as
    /// `Policy::amended`): the amending document, when it is on this site.
    pub amended_by: Vec<Vec<Option<usize>>>,
    /// For each document, the documents it repealed or amended.
    pub acts_on: Vec<Vec<usize>>,
    /// For each negative list, every version of the same list (newest first).
    pub versions: Vec<Vec<usize>>,
    /// For each policy, the 三同步 judgement of each of its interpretations (same order as
    /// `interpretations_of`); `None` when either date is missing. Judged here once, so the
    /// checks and the pages cannot disagree.
    pub sync: Vec<Vec<Option<SyncStatus>>>,
    /// For each policy, one entry per attachment as written (same order as
    /// `Policy::attachments`): the file under `content/` it names, or why it is refused.
    /// Whether the file exists is `assets.contains`.
    pub attachments: Vec<Vec<Result<PathBuf, String>>>,
    /// For each annual report, the reports of its department, one per year, oldest first
    /// (the chart's series); empty for other kinds.
    pub report_series: Vec<Vec<usize>>,
    /// Lookup of policies by 索引号 and normalised 发文字号.
    pub references: References,
}

/// Policies by the identifiers officers use to refer to them.
#[derive(Debug, Default)]
pub struct References {
    by_index_no: HashMap<String, usize>,
    by_doc_no: HashMap<String, usize>,
}

impl References {
    /// Resolve a reference written as a 索引号 or a 发文字号 in any bracket form.
    pub fn resolve(&self, reference: &str) -> Option<usize> {
        let r = reference.trim();
        self.by_index_no
            .get(r)
            .or_else(|| self.by_doc_no.get(&doc_no::normalise(r)))
            .copied()
    }
}

/// Fill in an annual report's omitted totals and report the totals written wrong (the
/// template's identities, [`crate::rules::annual_report`]), at the row's line in `file`.
/// A report with a cell that could not be read gets no sum errors: they would go away once
/// the cell is fixed.
pub fn settle_report(report: &mut AnnualReport, file: &Path) -> Vec<Diagnostic> {
    if !report.has_data {
        return Vec::new();
    }
    let mismatches = crate::rules::annual_report::settle(report);
    if report.unreadable {
        return Vec::new();
    }
    mismatches
        .into_iter()
        .map(|m| {
            Diagnostic::error(m.identity.code(), m.message())
                .in_file(file)
                .at_line(m.line.or(report.data_line))
                .help(m.help())
        })
        .collect()
}

impl Site {
    /// The 三同步 judgement of interpretation `interp` against policy `policy`, when both
    /// dates are known and `interp` interprets `policy`.
    pub fn sync_judgement(&self, policy: usize, interp: usize) -> Option<SyncStatus> {
        let k = self.interpretations_of[policy]
            .iter()
            .position(|&j| j == interp)?;
        self.sync[policy][k]
    }

    /// Validity of document `i`, if it is a policy.
    pub fn validity_of(&self, i: usize) -> Option<Validity> {
        self.validity.get(i).copied().flatten()
    }
}

/// Link the loaded content.
pub fn link(content: Content<Document>, config: Config, as_of: Date) -> (Site, Vec<Diagnostic>) {
    let Content {
        documents: mut docs,
        assets,
        ..
    } = content;
    let mut diagnostics = Vec::new();
    let n = docs.len();

    for d in &mut docs {
        if let KindData::AnnualReport(r) = &mut d.data {
            diagnostics.extend(settle_report(r, &d.source));
        }
    }

    let by_source: HashMap<PathBuf, usize> = docs
        .iter()
        .enumerate()
        .map(|(i, d)| (d.source.clone(), i))
        .collect();

    // URLs must be unique: two documents writing the same page would silently lose one.
    let mut by_url: HashMap<&str, usize> = HashMap::with_capacity(n);
    for (i, d) in docs.iter().enumerate() {
        if let Some(&first) = by_url.get(d.url.as_str()) {
            diagnostics.push(
                Diagnostic::error(
                    "E0120",
                    format!(
                        "与 {} 生成同一个网页地址 {}",
                        docs[first].source.display(),
                        display_url(&d.url)
                    ),
                )
                .in_file(&d.source)
                .at_line(d.front_line)
                .help("修改文件名或索引号，使每个文件的网址唯一"),
            );
        } else {
            by_url.insert(&d.url, i);
        }
    }

    let references = build_references(&docs, &mut diagnostics);

    // Interpretations ↔ policies.
    let mut interpretations_of = vec![Vec::new(); n];
    let mut policies_of = vec![Vec::new(); n];
    for (i, d) in docs.iter().enumerate() {
        let Some(interp) = d.interpretation() else {
            continue;
        };
        for reference in &interp.policies {
            match references.resolve(reference) {
                Some(p) if !policies_of[i].contains(&p) => {
                    policies_of[i].push(p);
                    interpretations_of[p].push(i);
                }
                Some(_) => {}
                None => diagnostics.push(
                    d.error_at(
                        "E0303",
                        &ikeys::POLICY,
                        format!("解读对象“{reference}”在本站找不到对应的政策文件"),
                    )
                    .help(
                        "核对索引号或发文字号是否与政策文件中填写的一致（发文字号的括号写法不限）",
                    ),
                ),
            }
        }
    }
    for list in &mut interpretations_of {
        list.sort_by(|&a, &b| {
            (docs[a].published, &docs[a].source).cmp(&(docs[b].published, &docs[b].source))
        });
    }

    // Repeals and amendments.
    let mut repealed_by = vec![None; n];
    let mut amended_by: Vec<Vec<Option<usize>>> = vec![Vec::new(); n];
    let mut acts_on: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, d) in docs.iter().enumerate() {
        let Some(p) = d.policy() else { continue };
        amended_by[i] = vec![None; p.amended.len()];
        // `None` marks the repeal; `Some(k)` the k-th amendment.
        let relations = p
            .repealed
            .iter()
            .map(|r| (r, &pkeys::REPEALED, None))
            .chain(
                p.amended
                    .iter()
                    .enumerate()
                    .map(|(k, r)| (r, &pkeys::AMENDED, Some(k))),
            );
        for (rel, key, amendment) in relations {
            let Some(by) = &rel.by else { continue };
            match references.resolve(by) {
                Some(j) if j == i => diagnostics.push(
                    at_relation(
                        d,
                        rel,
                        key,
                        Diagnostic::error("E0214", format!("文件不能废止或修改自身（{by}）")),
                    )
                    .help("填写作出废止或修改决定的那份文件的文号"),
                ),
                Some(j) => {
                    match amendment {
                        None => repealed_by[i] = Some(j),
                        Some(k) => amended_by[i][k] = Some(j),
                    }
                    acts_on[j].push(i);
                }
                None => diagnostics.push(
                    at_relation(
                        d,
                        rel,
                        key,
                        Diagnostic::warning(
                            "W0212",
                            format!("“{by}”在本站找不到，页面上将只显示文号而不加链接"),
                        ),
                    )
                    .help("如是本站文件，核对索引号或发文字号；如是上级或其他机关文件，可不处理"),
                ),
            }
        }
    }
    for list in &mut acts_on {
        list.sort_unstable();
        list.dedup();
    }

    // Validity.
    let defaults = ValidityDefaults {
        normative: default_period(config.validity.normative_years),
        provisional: default_period(config.validity.provisional_years),
    };
    let effective_rule = match config.validity.effective_after_days {
        Some(days) => EffectiveRule::DaysAfterPublication(days),
        None => EffectiveRule::FromIssue,
    };
    let validity = docs
        .iter()
        .map(|d| {
            let p = d.policy()?;
            let (effective, source) =
                validity::effective_date(p.effective, p.issued, d.published, effective_rule);
            if validity::needs_stated_effective_date(p.normative, source) {
                diagnostics.push(
                    d.warning_at(
                        "W0250",
                        &pkeys::NORMATIVE,
                        "行政规范性文件未写生效日期（施行日期），暂按成文日期计算效力",
                    )
                    .help("照文件正文写上 `生效日期: 2024年5月1日`（“自印发之日起施行”即成文日期）；如本省规定规范性文件自公布之日起若干日后施行，在 config.toml 的 [validity] 设置 effective_after_days"),
                );
            }
            let expires = validity::expiry(
                p.normative,
                &d.title,
                effective,
                p.expires,
                p.validity_years,
                defaults,
            );
            let facts = ValidityFacts {
                effective,
                expires,
                repealed: p.repealed.as_ref().and_then(|r| r.date),
                amended: p.amended.iter().filter_map(|r| r.date).collect(),
                partly_invalid: p.partly_invalid.as_ref().and_then(|r| r.date),
            };
            Some(Validity {
                status: validity::status(&facts, as_of),
                effective,
                expires,
            })
        })
        .collect();

    // Versions of negative lists: the lists of one department are versions of its list.
    let mut groups: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, d) in docs.iter().enumerate() {
        if d.kind == Kind::NegativeList {
            groups
                .entry(d.department.as_deref().unwrap_or(""))
                .or_default()
                .push(i);
        }
    }
    let mut versions = vec![Vec::new(); n];
    for members in groups.values_mut() {
        members.sort_by(|&a, &b| {
            (docs[b].published, &docs[b].source).cmp(&(docs[a].published, &docs[a].source))
        });
        for &m in members.iter() {
            versions[m] = members.clone();
        }
    }

    let sync = interpretations_of
        .iter()
        .enumerate()
        .map(|(i, interps)| {
            interps
                .iter()
                .map(|&j| match (docs[i].published, docs[j].published) {
                    (Some(pp), Some(ip)) => Some(sync::judge(
                        &config.work_calendar,
                        pp,
                        ip,
                        config.interpretation.sync_days,
                    )),
                    _ => None,
                })
                .collect()
        })
        .collect();
    let attachments = docs
        .iter()
        .map(|d| match d.policy() {
            Some(p) => p
                .attachments
                .iter()
                .map(|a| resolve_relative(&d.source, &a.file))
                .collect(),
            None => Vec::new(),
        })
        .collect();
    let report_series = report_series(&docs);

    let site = Site {
        config,
        as_of,
        docs,
        assets,
        by_source,
        validity,
        interpretations_of,
        policies_of,
        repealed_by,
        amended_by,
        acts_on,
        versions,
        sync,
        attachments,
        report_series,
        references,
    };
    (site, diagnostics)
}

/// A configured default validity period as the rule's type (config comes before the rules,
/// so the conversion lives here, where the rules are applied).
fn default_period(setting: PeriodSetting) -> DefaultPeriod {
    match setting {
        PeriodSetting::Years(y) => DefaultPeriod::Years(y),
        PeriodSetting::None => DefaultPeriod::None,
    }
}

/// For each annual report, its department's reports (a missing department is one
/// department), sorted by year; of two reports for one year the first in path order.
fn report_series(docs: &[Document]) -> Vec<Vec<usize>> {
    let mut by_department: BTreeMap<Option<&str>, Vec<usize>> = BTreeMap::new();
    for (i, d) in docs.iter().enumerate() {
        if d.annual_report().is_some() {
            by_department
                .entry(d.department.as_deref())
                .or_default()
                .push(i);
        }
    }
    let mut out = vec![Vec::new(); docs.len()];
    for members in by_department.values() {
        let year = |i: &usize| docs[*i].annual_report().map_or(0, |r| r.year);
        let mut series = members.clone();
        series.sort_by_key(year);
        series.dedup_by_key(|i| year(i));
        for &m in members {
            out[m] = series.clone();
        }
    }
    out
}

/// Resolve a relative reference from a document to a file under `content/`. Refuses
/// absolute paths, hidden names and any `..` that would leave `content/`.
pub fn resolve_relative(source: &Path, reference: &str) -> Result<PathBuf, String> {
    let reference = reference.trim();
    if reference.is_empty() {
        return Err("路径为空".into());
    }
    if reference.starts_with('/') || reference.starts_with('\\') || reference.contains(':') {
        return Err("不能使用绝对路径".into());
    }
    let mut parts: Vec<String> = source
        .parent()
        .map(|p| p.iter().map(|s| s.to_string_lossy().into_owned()).collect())
        .unwrap_or_default();
    for segment in reference.split(['/', '\\']) {
        match segment {
            "" | "." => {}
            ".." => {
                parts.pop();
                if parts.is_empty() {
                    return Err("指向站点内容目录之外，出于安全考虑不予发布".into());
                }
            }
            s if crate::load::is_hidden(s) => {
                return Err(format!("指向隐藏的文件或目录（{s}），隐藏文件不会发布"))
            }
            s => parts.push(s.to_string()),
        }
    }
    if parts.first().map(String::as_str) != Some("content") || parts.len() < 2 {
        return Err("指向站点内容目录之外，出于安全考虑不予发布".into());
    }
    Ok(PathBuf::from(parts.join("/")))
}

fn build_references(docs: &[Document], diagnostics: &mut Vec<Diagnostic>) -> References {
    let mut refs = References::default();
    for (i, d) in docs.iter().enumerate() {
        let Some(p) = d.policy() else { continue };
        if let Some(index_no) = &p.index_no {
            if let Some(&first) = refs.by_index_no.get(index_no) {
                diagnostics.push(
                    d.error_at(
                        "E0210",
                        &pkeys::INDEX_NO,
                        format!("索引号“{index_no}”与 {} 重复", docs[first].source.display()),
                    )
                    .help("索引号在全站必须唯一；新文件可用 `gongkai new policy 标题` 获得下一个可用的索引号"),
                );
            } else {
                refs.by_index_no.insert(index_no.clone(), i);
            }
        }
        if let Some(no) = &p.doc_no {
            let key = doc_no::normalise(no);
            if let Some(&first) = refs.by_doc_no.get(&key) {
                diagnostics.push(
                    d.warning_at(
                        "W0211",
                        &pkeys::DOC_NO,
                        format!("发文字号“{no}”与 {} 相同", docs[first].source.display()),
                    )
                    .help("同一文号通常只对应一份文件；引用该文号时将指向先出现的文件，请核对"),
                );
            } else {
                refs.by_doc_no.insert(key, i);
            }
        }
    }
    refs
}

fn display_url(url: &str) -> String {
    format!("/{url}")
}

/// Place a diagnostic about a repeal or amendment on the line its reader recorded, so a
/// policy with thousands of amendments does not rescan its front matter for each one.
fn at_relation(d: &Document, rel: &Relation, key: &Key, diagnostic: Diagnostic) -> Diagnostic {
    let line = rel.line.or_else(|| d.line_of(key)).unwrap_or(d.front_line);
    diagnostic.in_file(&d.source).at_line(line)
}

/// Everything link decided about one document, by position: what a page of that document
/// can show besides the document itself. The preview server fingerprints these to know
/// which pages a change reaches.
#[derive(Debug, Clone, Copy)]
pub struct LinkFacts<'a> {
    /// 效力状态 (policies).
    pub validity: Option<Validity>,
    /// Its interpretations (policies).
    pub interpretations_of: &'a [usize],
    /// The policies it interprets (interpretations).
    pub policies_of: &'a [usize],
    /// Who repealed it, when on this site.
    pub repealed_by: Option<usize>,
    /// Who amended it, one per amendment as written.
    pub amended_by: &'a [Option<usize>],
    /// What it repealed or amended.
    pub acts_on: &'a [usize],
    /// Versions of its negative list.
    pub versions: &'a [usize],
    /// The 三同步 judgement of each interpretation.
    pub sync: &'a [Option<SyncStatus>],
    /// Its attachments, resolved.
    pub attachments: &'a [Result<PathBuf, String>],
    /// Its annual-report series.
    pub report_series: &'a [usize],
}

impl Site {
    /// What link decided about document `i`. Every per-document field of [`Site`] is
    /// named here (the destructuring has no `..`), so a new one cannot be forgotten by
    /// the pages that record what they read through it.
    pub fn link_facts(&self, i: usize) -> LinkFacts<'_> {
        let Site {
            config: _,
            as_of: _,
            docs: _,
            assets: _,
            by_source: _,
            references: _,
            validity,
            interpretations_of,
            policies_of,
            repealed_by,
            amended_by,
            acts_on,
            versions,
            sync,
            attachments,
            report_series,
        } = self;
        LinkFacts {
            validity: validity[i],
            interpretations_of: &interpretations_of[i],
            policies_of: &policies_of[i],
            repealed_by: repealed_by[i],
            amended_by: &amended_by[i],
            acts_on: &acts_on[i],
            versions: &versions[i],
            sync: &sync[i],
            attachments: &attachments[i],
            report_series: &report_series[i],
        }
    }
}
