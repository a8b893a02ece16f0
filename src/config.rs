//! Site configuration (`config.toml`): the first stage of the pipeline.
//!
//! Everything a site may set lives here with its default, so the rest of the build reads
//! typed values and never looks at TOML. The footer identity is checked here because
//! 《政府网站发展指引》 makes it mandatory on every page.

use crate::calendar::{Calendar, YearTable};
use crate::diag::{Deny, Diagnostic, Severity};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// The whole `config.toml`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Site title, e.g. 示例县人民政府信息公开.
    pub title: String,
    /// Absolute URL where the site is published; used only for sitemap, feed and
    /// canonical links. Always ends in `/` after loading.
    #[serde(default = "default_base_url")]
    pub base_url: String,
    /// One-line description for the home page's meta tags.
    #[serde(default)]
    pub description: String,
    /// Theme name: `themes/<name>` in the site, or the built-in `default`.
    #[serde(default = "default_theme")]
    pub theme: String,
    /// Output directory, relative to the site root.
    #[serde(default = "default_output_dir")]
    pub output_dir: String,
    /// Wait until the new site is on the disk (`syncfs`) before it replaces the old one,
    /// so that a power cut right after a build cannot leave empty files. Off by default:
    /// the wait is seconds on a slow disk, and without it a kill still leaves the old or
    /// the new site (the page cache outlives the process); after a power cut, the next
    /// build finds the damaged files through the marker's manifest and rewrites them.
    #[serde(default)]
    pub durable_output: bool,
    /// The footer identity required of government websites.
    pub identity: Identity,
    /// Index-number (索引号) scheme.
    #[serde(default)]
    pub index: IndexConfig,
    /// Default validity periods of normative documents.
    #[serde(default)]
    pub validity: ValidityConfig,
    /// 三同步 rules for interpretations.
    #[serde(default)]
    pub interpretation: InterpretationConfig,
    /// Negative-list review rules.
    #[serde(default)]
    pub negative_list: NegativeListConfig,
    /// Listing pages.
    #[serde(default)]
    pub listing: ListingConfig,
    /// Which government the site belongs to.
    #[serde(default)]
    pub site: SiteConfig,
    /// The 政府信息公开工作机构 the guide names (条例第十二条).
    #[serde(default)]
    pub office: OfficeConfig,
    /// 政府信息公开指南 details beyond the office.
    #[serde(default)]
    pub guide: GuideConfig,
    /// The 依申请公开 section.
    #[serde(default)]
    pub apply: ApplyConfig,
    /// The 信息公开目录 skeleton.
    #[serde(default)]
    pub catalog: CatalogConfig,
    /// `[calendar.YYYY]`: years a site adds to the official working-day calendar, or
    /// corrects (a site's year replaces the built-in one).
    #[serde(default)]
    pub calendar: BTreeMap<String, YearTable>,
    /// The working-day calendar every deadline is counted in: the built-in table with
    /// the site's years applied (set by [`Config::parse`]).
    #[serde(skip)]
    pub work_calendar: Calendar,
    /// What `check` and `build` treat as blocking.
    #[serde(default)]
    pub check: CheckConfig,
}

/// `[site]`: facts about the government the portal belongs to.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    /// 县级, 乡镇 …: decides which 第二十一条 categories the catalogue carries.
    #[serde(default)]
    pub level: GovLevel,
}

/// `[office]`: the 政府信息公开工作机构 (条例第十二条: 名称、办公地址、办公时间、联系电话、
/// 传真号码、互联网联系方式). Empty fields are reported by `check`.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct OfficeConfig {
    /// 名称, e.g. 示例县人民政府办公室政务公开办.
    #[serde(default)]
    pub name: String,
    /// 办公地址.
    #[serde(default)]
    pub address: String,
    /// 办公时间.
    #[serde(default)]
    pub hours: String,
    /// 联系电话.
    #[serde(default)]
    pub phone: String,
    /// 传真号码.
    #[serde(default)]
    pub fax: String,
    /// 电子邮箱 (互联网联系方式).
    #[serde(default)]
    pub email: String,
    /// 邮政编码, for 信函申请.
    #[serde(default)]
    pub postcode: String,
}

/// `[guide]`: how proactive disclosures reach the public, besides this portal.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct GuideConfig {
    /// Other 公开的方式和途径 (查阅点, 公报, 新闻发布会 …), one per entry.
    #[serde(default)]
    pub channels: Vec<String>,
}

/// `[apply]`: the 依申请公开 section.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ApplyConfig {
    /// Address of the online application platform, when there is one.
    #[serde(default)]
    pub online_url: String,
}

/// `[catalog]`: the 信息公开目录 skeleton.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogConfig {
    /// Statutory categories that do not apply to this body, with the reason shown on the
    /// category's page: `"重大建设项目" = "本机关不承担该项职能"`.
    #[serde(default)]
    pub not_applicable: BTreeMap<String, String>,
}

/// `[check]`: how strict the site's CI is.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CheckConfig {
    /// Warning codes raised to errors (`["W0304"]`), or `["warnings"]` for all.
    #[serde(default)]
    pub deny: Vec<String>,
}

impl CheckConfig {
    /// The deny list; unknown codes were already reported (E0040) and are left out.
    pub fn deny_list(&self) -> Deny {
        let known: Vec<&String> = self
            .deny
            .iter()
            .filter(|c| Deny::parse(std::slice::from_ref(c)).is_ok())
            .collect();
        Deny::parse(&known).unwrap_or_default()
    }
}

/// 主办单位, 承办单位, 网站标识码 and the filing numbers, shown in every footer.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Identity {
    /// 主办单位.
    pub organizer: String,
    /// 承办单位.
    #[serde(default)]
    pub operator: String,
    /// 网站标识码: ten digits, or `bm` followed by eight digits.
    pub site_code: String,
    /// ICP备案号.
    #[serde(default)]
    pub icp: String,
    /// 公安机关备案号.
    #[serde(default)]
    pub police_record: String,
    /// 联系电话.
    #[serde(default)]
    pub phone: String,
    /// 联系邮箱.
    #[serde(default)]
    pub email: String,
    /// 地址.
    #[serde(default)]
    pub address: String,
    /// Link behind the 党政机关网站标识, if the site has one.
    #[serde(default)]
    pub badge_url: String,
    /// Link to 政府网站找错, if the site uses it.
    #[serde(default)]
    pub error_report_url: String,
}

/// How index numbers look and are assigned.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct IndexConfig {
    /// The organisation code that starts every index number of this site.
    #[serde(default)]
    pub org_code: String,
    /// Pattern of literal text and `{org}`, `{year}`, `{month}`, `{class}`, `{seq:0N}`
    /// (or `{seq}`).
    #[serde(default = "default_index_format")]
    pub format: String,
    /// What `{class}` is filled with when `gongkai new policy` assigns a number.
    #[serde(default)]
    pub class: String,
}

/// Default validity periods and the default effective date.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ValidityConfig {
    /// Years a normative document stays valid when it gives no expiry, or `"none"`.
    #[serde(default = "default_normative_years")]
    pub normative_years: PeriodSetting,
    /// Years for a 暂行 or 试行 normative document, or `"none"`.
    #[serde(default = "default_provisional_years")]
    pub provisional_years: PeriodSetting,
    /// The province's rule for a document that states no 生效日期: it takes effect this
    /// many days after publication (Hunan: 30). Unset: no rule, 成文日期 is assumed and a
    /// normative document is warned.
    #[serde(default)]
    pub effective_after_days: Option<u32>,
    /// A normative document without 统一登记号 is an error (provinces with 三统一).
    #[serde(default)]
    pub require_reg_no: bool,
}

/// A default validity period as written in `config.toml`: a whole number of years, or
/// `"none"` for provinces where only a stated 有效期至 counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeriodSetting {
    /// This many years (0 is refused with E0030 when the configuration is read).
    Years(u32),
    /// No default period.
    None,
}

impl<'de> Deserialize<'de> for PeriodSetting {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Number(i64),
            Text(String),
        }
        match Raw::deserialize(d)? {
            Raw::Number(n) => u32::try_from(n)
                .map(PeriodSetting::Years)
                .map_err(|_| serde::de::Error::custom(format!("有效期年数 {n} 不是有效的年数"))),
            Raw::Text(t) if t.trim() == "none" => Ok(PeriodSetting::None),
            Raw::Text(t) => Err(serde::de::Error::custom(format!(
                "“{t}”无法识别：写年数（如 5），或写 \"none\" 表示不设默认有效期"
            ))),
        }
    }
}

impl Serialize for PeriodSetting {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            PeriodSetting::Years(y) => s.serialize_u32(*y),
            PeriodSetting::None => s.serialize_str("none"),
        }
    }
}

/// 三同步 rules.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct InterpretationConfig {
    /// Days an interpretation may follow its policy and still count as 同步.
    #[serde(default = "default_sync_days")]
    pub sync_days: u32,
    /// Severity of a normative policy without interpretation.
    #[serde(default)]
    pub missing: Level,
    /// Severity of an interpretation published later than `sync_days`.
    #[serde(default)]
    pub late: Level,
}

/// Negative-list rules.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct NegativeListConfig {
    /// A list not reviewed within this many days is flagged.
    #[serde(default = "default_review_days")]
    pub review_days: u32,
}

/// Listing pages.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ListingConfig {
    /// Entries per listing page.
    #[serde(default = "default_page_size")]
    pub page_size: usize,
}

/// A severity a site may choose for a rule.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Reported; the build goes on.
    #[default]
    Warning,
    /// Reported; the build stops.
    Error,
}

impl Level {
    /// As a diagnostic severity.
    pub fn severity(self) -> Severity {
        match self {
            Level::Warning => Severity::Warning,
            Level::Error => Severity::Error,
        }
    }
}

fn default_base_url() -> String {
    "/".into()
}
fn default_theme() -> String {
    "default".into()
}
fn default_output_dir() -> String {
    "public".into()
}
fn default_index_format() -> String {
    "{org}/{year}-{seq:05}".into()
}
fn default_normative_years() -> PeriodSetting {
    PeriodSetting::Years(5)
}
fn default_provisional_years() -> PeriodSetting {
    PeriodSetting::Years(2)
}
fn default_sync_days() -> u32 {
    3
}
fn default_review_days() -> u32 {
    365
}
fn default_page_size() -> usize {
    20
}

impl Default for IndexConfig {
    fn default() -> Self {
        IndexConfig {
            org_code: String::new(),
            format: default_index_format(),
            class: String::new(),
        }
    }
}
impl Default for ValidityConfig {
    fn default() -> Self {
        ValidityConfig {
            normative_years: default_normative_years(),
            provisional_years: default_provisional_years(),
            effective_after_days: None,
            require_reg_no: false,
        }
    }
}
impl Default for InterpretationConfig {
    fn default() -> Self {
        InterpretationConfig {
            sync_days: default_sync_days(),
            missing: Level::Warning,
            late: Level::Warning,
        }
    }
}
impl Default for NegativeListConfig {
    fn default() -> Self {
        NegativeListConfig {
            review_days: default_review_days(),
        }
    }
}
impl Default for ListingConfig {
    fn default() -> Self {
        ListingConfig {
            page_size: default_page_size(),
        }
    }
}

/// Which government the site belongs to; it decides whether 第二十一条 applies.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum GovLevel {
    /// Not said (or a level 第二十一条 does not name: 国务院部门, 省级): 第二十条 only.
    #[default]
    Unspecified,
    /// 省级人民政府 and its departments.
    Province,
    /// 设区的市级人民政府 and its departments.
    City,
    /// 县级人民政府 and its departments.
    County,
    /// 乡（镇）人民政府.
    Township,
}

impl GovLevel {
    /// The accepted spellings of each level, English first.
    const NAMES: &'static [(GovLevel, &'static [&'static str])] = &[
        (GovLevel::Unspecified, &["", "other", "其他"]),
        (GovLevel::Province, &["province", "省级", "省"]),
        (
            GovLevel::City,
            &["city", "设区的市级", "设区的市", "市级", "地市级", "市"],
        ),
        (GovLevel::County, &["county", "县级", "县", "县区", "区县"]),
        (
            GovLevel::Township,
            &[
                "township",
                "乡镇",
                "乡级",
                "乡（镇）",
                "乡(镇)",
                "镇",
                "乡",
                "街道",
            ],
        ),
    ];

    /// Parse a `level` value, English or Chinese.
    pub fn parse(text: &str) -> Option<GovLevel> {
        let t = text.trim();
        Self::NAMES
            .iter()
            .find(|(_, names)| names.iter().any(|n| n.eq_ignore_ascii_case(t)))
            .map(|(l, _)| *l)
    }

    /// The English name written back to config.
    pub fn name(self) -> &'static str {
        Self::NAMES
            .iter()
            .find(|(l, _)| *l == self)
            .map(|(_, names)| names[0])
            .unwrap_or("")
    }
}

impl TryFrom<String> for GovLevel {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        GovLevel::parse(&s).ok_or_else(|| {
            format!(
                "[site] level 的取值“{s}”无法识别；可写 county（县级）、township（乡镇）、city（设区的市级）、province（省级）"
            )
        })
    }
}

impl From<GovLevel> for String {
    fn from(l: GovLevel) -> String {
        l.name().to_string()
    }
}

/// True for a valid 网站标识码: ten digits, or `bm` and eight digits.
pub fn is_valid_site_code(code: &str) -> bool {
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    (code.len() == 10 && all_digits(code))
        || code
            .strip_prefix("bm")
            .is_some_and(|rest| rest.len() == 8 && all_digits(rest))
}

/// The TOML parser's English message in Chinese, for an officer. The original wording
/// follows in brackets for whoever maintains the site; the position is not repeated here,
/// since the diagnostic carries the file line.
fn toml_error_text(raw: &str) -> String {
    const KNOWN: &[(&str, &str)] = &[
        (
            "unknown field",
            "没有这个字段（字段名拼错，或写在了错误的 [表] 下）",
        ),
        ("missing field", "缺少必填字段"),
        (
            "invalid type",
            "取值类型不对（如该写数字的写成了文字，或反之）",
        ),
        ("unknown variant", "取值不在允许的选项中"),
        ("invalid value", "取值不合要求"),
        ("duplicate key", "同一个字段或 [表] 写了两次"),
        ("string values must be quoted", "文字值没有加引号"),
        ("invalid basic string", "双引号没有闭合"),
        ("invalid literal string", "单引号没有闭合"),
        ("invalid multi-line", "多行文字的引号没有闭合"),
        ("unclosed table", "[表名] 的方括号没有闭合"),
        ("unclosed array", "列表的方括号 [ ] 没有闭合"),
        ("unclosed inline table", "花括号 { } 没有闭合"),
        ("key with no value", "字段名后缺少“= 值”"),
        ("unquoted keys cannot be empty", "等号前缺少字段名"),
        ("invalid boolean", "真假值只能写 true 或 false"),
        ("invalid date", "日期不正确"),
        (
            "missing escaped value",
            "双引号内的反斜杠 \\ 用法不对；请写成 \\\\ 或改用单引号",
        ),
        ("leading zero", "数字不能以 0 开头"),
    ];
    let chinese = KNOWN
        .iter()
        .find(|(en, _)| raw.contains(en))
        .map_or("无法解析", |(_, zh)| zh);
    format!("{chinese}（解析器原文：{raw}）")
}

impl Config {
    /// Parse `config.toml` text. Errors and warnings come back as diagnostics about
    /// `file` (the path shown to the officer).
    pub fn parse(text: &str, file: &Path) -> Result<(Config, Vec<Diagnostic>), Diagnostic> {
        let mut config: Config = toml::from_str(text).map_err(|e| {
            let line = e
                .span()
                .map(|span| text[..span.start.min(text.len())].matches('\n').count() + 1);
            let place = line.map_or(String::new(), |l| format!("第 {l} 行"));
            Diagnostic::error(
                "E0001",
                format!("config.toml {place}有误：{}", toml_error_text(e.message())),
            )
            .in_file(file)
            .at_line(line)
            .help("对照 README 的“配置”一节检查字段名与取值；文字值要加英文双引号（如 title = \"示例县人民政府\"），每个字段和 [表名] 只写一次")
        })?;
        if !config.base_url.ends_with('/') {
            config.base_url.push('/');
        }
        let mut diagnostics = Vec::new();
        let line_of = |key: &str| {
            text.lines()
                .position(|l| {
                    l.trim_start()
                        .strip_prefix(key)
                        .is_some_and(|rest| rest.trim_start().starts_with('='))
                })
                .map(|i| i + 1)
        };
        if !is_valid_site_code(&config.identity.site_code) {
            diagnostics.push(
                Diagnostic::error(
                    "E0002",
                    format!("网站标识码“{}”格式不正确", config.identity.site_code),
                )
                .in_file(file)
                .at_line(line_of("site_code"))
                .help("网站标识码为 10 位数字，或 bm 加 8 位数字（见全国政府网站信息报送系统）"),
            );
        }
        if config.identity.organizer.trim().is_empty() {
            diagnostics.push(
                Diagnostic::error("E0003", "未填写主办单位（identity.organizer）")
                    .in_file(file)
                    .at_line(line_of("organizer"))
                    .help("《政府网站发展指引》要求每个页面底部标明主办单位"),
            );
        }
        for (key, value, label) in [
            ("icp", &config.identity.icp, "ICP备案号"),
            (
                "police_record",
                &config.identity.police_record,
                "公安机关备案号",
            ),
            ("operator", &config.identity.operator, "承办单位"),
        ] {
            if value.trim().is_empty() {
                diagnostics.push(
                    Diagnostic::warning("W0004", format!("未填写{label}（identity.{key}）"))
                        .in_file(file)
                        .at_line(line_of(key))
                        .help("《政府网站发展指引》要求页面底部展示该信息"),
                );
            }
        }
        for item in &config.check.deny {
            if let Err(bad) = Deny::parse(std::slice::from_ref(item)) {
                diagnostics.push(
                    Diagnostic::error(
                        "E0040",
                        format!("[check] deny 中的“{bad}”不是 gongkai 的诊断代码"),
                    )
                    .in_file(file)
                    .at_line(line_of("deny"))
                    .help("写警告代码（如 \"W0304\"），或写 \"warnings\" 把全部警告视为错误；代码见检查输出方括号内"),
                );
            }
        }
        let (calendar, problems) = Calendar::with_site_tables(&config.calendar);
        config.work_calendar = calendar;
        for problem in problems {
            diagnostics.push(
                Diagnostic::warning("W0031", problem.reason)
                    .in_file(file)
                    .at_line(calendar_line(text, &problem.year, problem.entry.as_deref()))
                    .help("日期写作 \"2027-02-06\"，连续假期写作 \"2027-02-06..2027-02-12\"；该条已忽略"),
            );
        }
        diagnostics.extend(check_values(&mut config, file, &line_of));
        if !config.base_url.starts_with("http://") && !config.base_url.starts_with("https://") {
            diagnostics.push(
                Diagnostic::warning(
                    "W0005",
                    format!("base_url“{}”不是完整网址", config.base_url),
                )
                .in_file(file)
                .at_line(line_of("base_url"))
                .help("sitemap.xml 与订阅源需要完整网址，如 https://www.example.gov.cn/xxgk/"),
            );
        }
        Ok((config, diagnostics))
    }
}

/// Every number and URL of the configuration, range-checked in one place (`E0020` a
/// number out of range, `E0021` an unsafe URL). A value out of range is reported and then
/// replaced by its default, so the rest of the check still runs on sane values (a validity
/// of 4294967295 years would overflow date arithmetic).
fn check_values(
    config: &mut Config,
    file: &Path,
    line_of: &dyn Fn(&str) -> Option<usize>,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut zeros = Vec::new();
    let mut range = |key: &str, value: u64, min: u64, max: u64, what: &str| -> bool {
        if (min..=max).contains(&value) {
            return true;
        }
        out.push(
            Diagnostic::error(
                "E0020",
                format!("{key} = {value} 超出允许范围 {min}–{max}（{what}）"),
            )
            .in_file(file)
            .at_line(line_of(key.rsplit('.').next().unwrap_or(key)))
            .help(format!(
                "把 {key} 改为 {min} 到 {max} 之间的整数，或删去该行使用默认值"
            )),
        );
        false
    };
    let v = &mut config.validity;
    for (key, setting, default) in [
        (
            "validity.normative_years",
            &mut v.normative_years,
            default_normative_years(),
        ),
        (
            "validity.provisional_years",
            &mut v.provisional_years,
            default_provisional_years(),
        ),
    ] {
        match *setting {
            // Zero has its own message (E0030): it is a mistake of meaning, not of size.
            PeriodSetting::Years(0) => {
                let short = key.trim_start_matches("validity.");
                zeros.push(
                    Diagnostic::error("E0030", format!("{key} 不能为 0 年"))
                        .in_file(file)
                        .at_line(line_of(short))
                        .help("有效期为 0 年的文件在生效前一天就已失效；写实际的年数（如 5），或写 \"none\" 表示不设默认有效期、只认文件写明的有效期至"),
                );
            }
            PeriodSetting::Years(y) => {
                if !range(key, y.into(), 1, 100, "默认有效期，年") {
                    *setting = default;
                }
            }
            PeriodSetting::None => {}
        }
    }
    if let Some(days) = v.effective_after_days {
        if !range(
            "validity.effective_after_days",
            days.into(),
            0,
            365,
            "公布后多少天生效",
        ) {
            v.effective_after_days = None;
        }
    }
    if !range(
        "interpretation.sync_days",
        config.interpretation.sync_days.into(),
        0,
        365,
        "解读与政策同步发布的天数",
    ) {
        config.interpretation.sync_days = default_sync_days();
    }
    if !range(
        "negative_list.review_days",
        config.negative_list.review_days.into(),
        1,
        3650,
        "负面清单复核周期，天",
    ) {
        config.negative_list.review_days = default_review_days();
    }
    if !range(
        "listing.page_size",
        config.listing.page_size as u64,
        1,
        1000,
        "每页条目数",
    ) {
        config.listing.page_size = default_page_size();
    }
    out.extend(zeros);
    let base_url = config.base_url.clone();
    let identity = &mut config.identity;
    for (key, value, relative_ok) in [
        ("base_url", &base_url, true),
        ("badge_url", &identity.badge_url, false),
        ("error_report_url", &identity.error_report_url, false),
    ] {
        if let Err(reason) = check_url(value, relative_ok) {
            out.push(
                Diagnostic::error("E0021", format!("{key}“{}”不可用：{reason}", value.escape_debug()))
                    .in_file(file)
                    .at_line(line_of(key))
                    .help("网址须以 https:// 或 http:// 开头，不含空格、换行等字符，如 https://www.example.gov.cn/xxgk/"),
            );
        }
    }
    if out.iter().any(|d| d.message.starts_with("base_url")) {
        config.base_url = default_base_url();
    }
    if out.iter().any(|d| d.message.starts_with("badge_url")) {
        identity.badge_url.clear();
    }
    if out
        .iter()
        .any(|d| d.message.starts_with("error_report_url"))
    {
        identity.error_report_url.clear();
    }
    out
}

/// Why `url` cannot stand in a page, robots.txt or the feed: it must be `http(s)://…`
/// (or, where `relative_ok`, a path from the site root such as `/xxgk/`), without
/// whitespace or control characters. An empty value is allowed (the field is unset).
pub fn check_url(url: &str, relative_ok: bool) -> Result<(), String> {
    if url.is_empty() {
        return Ok(());
    }
    if let Some(c) = url.chars().find(|&c| {
        c.is_whitespace()
            || c.is_control()
            || crate::invisible::is_control(c)
            || crate::invisible::is_invisible(c)
    }) {
        return Err(format!(
            "含有空白或控制字符 {}",
            crate::invisible::describe(c)
        ));
    }
    let lower = url.to_ascii_lowercase();
    if lower.starts_with("https://") || lower.starts_with("http://") {
        if url
            .split("://")
            .nth(1)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        {
            return Err("缺少域名".into());
        }
        return Ok(());
    }
    if relative_ok && url.starts_with('/') && !url.starts_with("//") {
        return Ok(());
    }
    Err("不是 http(s) 网址".into())
}

/// The line of a calendar problem: the entry's line within its `[calendar.YYYY]` table,
/// else the table's header (or `[calendar]`).
fn calendar_line(text: &str, year: &str, entry: Option<&str>) -> Option<usize> {
    let lines: Vec<&str> = text.lines().collect();
    let header = lines
        .iter()
        .position(|l| {
            let l: String = l.chars().filter(|c| !c.is_whitespace()).collect();
            l == format!("[calendar.{year}]") || l == format!("[calendar.\"{year}\"]")
        })
        .or_else(|| lines.iter().position(|l| l.trim() == "[calendar]"))?;
    let in_table = lines[header + 1..]
        .iter()
        .take_while(|l| !l.trim_start().starts_with('['))
        .position(|l| entry.is_some_and(|e| l.contains(&format!("\"{e}\""))));
    Some(header + 1 + in_table.map_or(0, |i| i + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = "title = \"示例\"\nbase_url = \"https://x.gov.cn/xxgk\"\n[identity]\norganizer = \"示例县人民政府办公室\"\noperator = \"示例县数据局\"\nsite_code = \"4305210001\"\nicp = \"x\"\npolice_record = \"y\"\n";

    #[test]
    fn defaults_fill_optional_sections() {
        let (c, d) = Config::parse(MINIMAL, Path::new("config.toml")).unwrap();
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(c.base_url, "https://x.gov.cn/xxgk/");
        assert_eq!(c.interpretation.sync_days, 3);
        assert_eq!(c.validity.normative_years, PeriodSetting::Years(5));
        assert_eq!(c.validity.effective_after_days, None);
        assert_eq!(c.index.format, "{org}/{year}-{seq:05}");
    }

    #[test]
    fn site_code_must_be_ten_digits_or_bm_and_eight() {
        assert!(is_valid_site_code("4305210001"));
        assert!(is_valid_site_code("bm12345678"));
        assert!(!is_valid_site_code("430521000"));
        assert!(!is_valid_site_code("bm1234567"));
        assert!(!is_valid_site_code("43052100ab"));
        let bad = MINIMAL.replace("4305210001", "12345");
        let (_, d) = Config::parse(&bad, Path::new("config.toml")).unwrap();
        assert_eq!(d[0].code, "E0002");
        assert_eq!(d[0].line, Some(6));
    }

    #[test]
    fn check_deny_accepts_known_codes_and_reports_unknown_ones() {
        let good = format!("{MINIMAL}[check]\ndeny = [\"W0005\", \"warnings\"]\n");
        let (c, d) = Config::parse(&good, Path::new("config.toml")).unwrap();
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(c.check.deny_list(), Deny::AllWarnings);
        let bad = format!("{MINIMAL}[check]\ndeny = [\"W0005\", \"W9999\"]\n");
        let (c, d) = Config::parse(&bad, Path::new("config.toml")).unwrap();
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].code, "E0040");
        assert_eq!(d[0].line, Some(10));
        assert!(d[0].message.contains("“W9999”"));
        assert_eq!(
            c.check.deny_list(),
            Deny::Codes(["W0005".to_string()].into_iter().collect())
        );
    }

    #[test]
    fn zero_year_validity_is_an_error_with_its_line() {
        let bad = format!("{MINIMAL}[validity]\nnormative_years = 0\nprovisional_years = 0\n");
        let (_, d) = Config::parse(&bad, Path::new("config.toml")).unwrap();
        let zero: Vec<_> = d.iter().filter(|d| d.code == "E0030").collect();
        assert_eq!(zero.len(), 2, "{d:?}");
        assert_eq!(zero[0].line, Some(10));
        assert_eq!(zero[1].line, Some(11));
        assert_eq!(zero[0].severity, Severity::Error);
    }

    #[test]
    fn validity_default_can_be_turned_off_and_effective_offset_set() {
        let text =
            format!("{MINIMAL}[validity]\nnormative_years = \"none\"\neffective_after_days = 30\n");
        let (c, d) = Config::parse(&text, Path::new("config.toml")).unwrap();
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(c.validity.normative_years, PeriodSetting::None);
        assert_eq!(c.validity.provisional_years, PeriodSetting::Years(2));
        assert_eq!(c.validity.effective_after_days, Some(30));
        let bad = format!("{MINIMAL}[validity]\nnormative_years = \"forever\"\n");
        let e = Config::parse(&bad, Path::new("config.toml")).unwrap_err();
        assert_eq!(e.code, "E0001");
        assert_eq!(e.line, Some(10));
        assert!(e.message.contains("none"), "{}", e.message);
    }

    #[test]
    fn toml_errors_reach_the_officer_in_chinese_with_the_file_line() {
        let unknown = format!("{MINIMAL}sitecode = \"x\"\n");
        let e = Config::parse(&unknown, Path::new("config.toml")).unwrap_err();
        assert_eq!(e.code, "E0001");
        let line = unknown
            .lines()
            .position(|l| l.starts_with("sitecode"))
            .unwrap()
            + 1;
        assert_eq!(e.line, Some(line));
        assert!(
            e.message
                .starts_with(&format!("config.toml 第 {line} 行有误：没有这个字段")),
            "{}",
            e.message
        );
        assert!(
            e.message.contains("（解析器原文：unknown field `sitecode`"),
            "{}",
            e.message
        );
        let duplicate = format!("{MINIMAL}[identity]\n");
        let e = Config::parse(&duplicate, Path::new("config.toml")).unwrap_err();
        assert!(e.message.contains("写了两次"), "{}", e.message);
        assert!(e.help.as_deref().is_some_and(|h| !h.is_empty()));
        assert_eq!(
            toml_error_text("something new"),
            "无法解析（解析器原文：something new）"
        );
    }

    #[test]
    fn calendar_years_come_from_the_site_with_the_line_of_a_bad_entry() {
        let text = format!(
            "{MINIMAL}[calendar.2027]\nsource = \"国务院办公厅关于2027年部分节假日安排的通知\"\nholidays = [\n  \"2027-01-01\",\n  \"2027-02-30\",\n]\nworkdays = [\"2027-02-07\"]\n"
        );
        let (c, d) = Config::parse(&text, Path::new("config.toml")).unwrap();
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!((d[0].code, d[0].line), ("W0031", Some(13)));
        let day = |s: &str| crate::date::parse_date(s).unwrap();
        assert!(c.work_calendar.covers(2027));
        assert!(!c.work_calendar.is_working_day(day("2027-01-01")));
        assert!(c.work_calendar.is_working_day(day("2027-02-07")));
        // Built-in years are still there.
        assert!(!c.work_calendar.is_working_day(day("2024-10-07")));
        // A misspelt key in a year table is refused like any other.
        let bad = format!("{MINIMAL}[calendar.2027]\nholiday = []\n");
        assert_eq!(
            Config::parse(&bad, Path::new("config.toml"))
                .unwrap_err()
                .code,
            "E0001"
        );
    }

    #[test]
    fn require_reg_no_defaults_to_off() {
        let (c, _) = Config::parse(MINIMAL, Path::new("config.toml")).unwrap();
        assert!(!c.validity.require_reg_no);
        let on = format!("{MINIMAL}[validity]\nrequire_reg_no = true\n");
        assert!(
            Config::parse(&on, Path::new("config.toml"))
                .unwrap()
                .0
                .validity
                .require_reg_no
        );
    }

    #[test]
    fn unknown_key_is_an_error_with_line() {
        let bad = format!("{MINIMAL}[listing]\npage_sise = 3\n");
        let e = Config::parse(&bad, Path::new("config.toml")).unwrap_err();
        assert_eq!(e.code, "E0001");
        assert_eq!(e.line, Some(10));
    }

    #[test]
    fn numbers_out_of_range_are_errors_and_fall_back_to_defaults() {
        let bad = format!(
            "{MINIMAL}[validity]\nnormative_years = 4294967295\n[listing]\npage_size = 0\n"
        );
        let (c, d) = Config::parse(&bad, Path::new("config.toml")).unwrap();
        let codes: Vec<_> = d.iter().map(|d| (d.code, d.line)).collect();
        assert_eq!(
            codes,
            vec![("E0020", Some(10)), ("E0020", Some(12))],
            "{d:?}"
        );
        assert_eq!(c.validity.normative_years, PeriodSetting::Years(5));
        assert_eq!(c.listing.page_size, 20);
    }

    #[test]
    fn unsafe_urls_are_errors() {
        for (key, value) in [
            ("badge_url", "javascript:alert(1)"),
            ("error_report_url", "https://a.gov.cn/ x"),
            ("base_url", "javascript:alert(1)"),
        ] {
            let text = if key == "base_url" {
                MINIMAL.replace("https://x.gov.cn/xxgk", value)
            } else {
                format!("{MINIMAL}{key} = \"{value}\"\n")
            };
            let (_, d) = Config::parse(&text, Path::new("config.toml")).unwrap();
            assert!(d.iter().any(|d| d.code == "E0021"), "{key}: {d:?}");
        }
        let newline = MINIMAL.replace("https://x.gov.cn/xxgk", "https://x.gov.cn/\\nDisallow: /");
        let (c, d) = Config::parse(&newline, Path::new("config.toml")).unwrap();
        assert!(d.iter().any(|d| d.code == "E0021"), "{d:?}");
        assert!(!c.base_url.contains('\n'));
        assert!(check_url("/xxgk/", true).is_ok());
        assert!(check_url("/xxgk/", false).is_err());
        assert!(check_url("https://www.example.gov.cn/", false).is_ok());
    }
}
