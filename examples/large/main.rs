//! Generates the large benchmark site (`scripts/bench`): a complete gongkai site with N policies
//! (default 10,000), interpretations for about 85% of them and a few pages, and optionally
//! an equivalent Hugo site with the same documents and Markdown bodies.
//!
//! The performance target is relative to Hugo on "an equivalent corpus", so the corpus has
//! to be realistic (2,000–4,000 CJK characters, the document structures officers write,
//! cross-references between documents) and reproducible: the same seed gives byte-identical
//! files on every machine. Only std is used, with a hand-written PRNG, so the example needs no
//! extra dependency and its output never shifts with a crate update.
//!
//! ```text
//! cargo run --release --example large -- --out DIR [--policies N] [--seed S] [--hugo DIR2]
//! ```

mod rng;
mod site;
mod text;
mod vocab;

use rng::{Date, Rng};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;
use std::{fs, io, process};
use vocab::*;

/// The `--as-of` date the benchmark builds with; the Hugo site's precomputed validity
/// status uses the same date so both generators show the same thing.
pub fn as_of() -> Date {
    Date::ymd(2026, 11, 22)
}

/// The file the generator leaves in a directory it wrote, so a rerun may clear it but a
/// mistyped `--out` never deletes someone's work.
const MARKER: &str = ".gongkai-large";

/// How a document's body is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Genre {
    /// 办法/细则/规定: chapters of numbered articles.
    Regulation,
    /// 方案/要点: sections with bold points.
    Plan,
    /// 通知.
    Notice,
    /// 意见.
    Opinion,
    /// 通报.
    Report,
}

/// A reference from one policy to another (repeal or amendment).
#[derive(Debug, Clone)]
pub struct Relation {
    /// When it takes effect.
    pub date: Date,
    /// The other policy (index into the plan).
    pub by: usize,
    /// Cite the other policy by 发文字号 instead of 索引号.
    pub by_doc_no: bool,
}

/// The interpretation of one policy.
#[derive(Debug, Clone)]
pub struct Interp {
    /// Title.
    pub title: String,
    /// 发布日期: the policy's, or up to two days later (三同步).
    pub published: Date,
    /// 解读形式.
    pub form: &'static str,
    /// 解读机关.
    pub interpreter: &'static str,
    /// How `policy:` cites the policy: its index_no, or its doc_no in some bracket style.
    pub policy_ref: String,
}

/// One generated policy's metadata (its body is generated when it is written).
#[derive(Debug, Clone)]
pub struct Policy {
    /// Cataloguing year (the year of 成文日期).
    pub year: i32,
    /// Sequence within the year; also the file name.
    pub seq: u32,
    /// 索引号.
    pub index_no: String,
    /// 发文字号.
    pub doc_no: String,
    /// 统一登记号, normative documents only.
    pub reg_no: Option<String>,
    /// 标题.
    pub title: String,
    /// The name other documents cite in 《》.
    pub short_title: String,
    /// Body layout.
    pub genre: Genre,
    /// 办法, 方案, 通知 … as the text says "本办法".
    pub genre_word: &'static str,
    /// 发文机关.
    pub issuer: &'static str,
    /// Index into [`DEPARTMENTS`] of the 公开责任部门.
    pub dept: usize,
    /// 规范性文件.
    pub normative: bool,
    /// Title says 暂行 or 试行 (shorter default validity).
    pub provisional: bool,
    /// 公开目录.
    pub catalog: &'static str,
    /// 主题分类.
    pub topics: Vec<&'static str>,
    /// The subject the text is about.
    pub area: &'static str,
    /// 成文日期.
    pub issued: Date,
    /// 发布日期.
    pub published: Date,
    /// 生效日期.
    pub effective: Date,
    /// 关键词.
    pub keywords: Vec<String>,
    /// 废止.
    pub repealed: Option<Relation>,
    /// 修改.
    pub amended: Vec<Relation>,
    /// Policies this one repeals (their text mentions it).
    pub repeals: Vec<usize>,
    /// Policies this one amends.
    pub amends: Vec<usize>,
    /// Its interpretation, if any.
    pub interp: Option<Interp>,
    /// Front matter written with Chinese keys and dates (officers write Chinese).
    pub chinese_keys: bool,
}

impl Policy {
    /// Last day of validity: normative documents only (config default 5 years, 2 when
    /// provisional).
    pub fn expires(&self) -> Option<Date> {
        self.normative.then(|| {
            self.effective
                .years_later_inclusive(if self.provisional { 2 } else { 5 })
        })
    }

    /// 效力状态 at `as_of`, the way gongkai computes it (without 部分失效, which this
    /// corpus never produces).
    pub fn status(&self, as_of: Date) -> &'static str {
        if self.effective > as_of {
            return "尚未生效";
        }
        if self.repealed.as_ref().is_some_and(|r| r.date <= as_of) {
            return "已废止";
        }
        if self.expires().is_some_and(|e| e < as_of) {
            return "已失效";
        }
        if self.amended.iter().any(|r| r.date <= as_of) {
            return "已修改";
        }
        "现行有效"
    }

    /// `content/policies/<year>/<seq>.md`, relative to the site root.
    pub fn rel_path(&self, kind: &str) -> String {
        format!("content/{}/{}/{}.md", kind, self.year, self.seq)
    }
}

/// Decide every policy's metadata, in issue order, then the repeal/amend links.
pub fn plan(seed: u64, n: usize) -> Vec<Policy> {
    let mut rng = Rng::new(seed, 0);
    let start = Date::ymd(2015, 1, 1);
    let end = Date::ymd(2026, 11, 10);
    let mut days: Vec<Date> = (0..n).map(|_| Date(rng.range(start.0, end.0))).collect();
    days.sort();

    let mut seq: BTreeMap<i32, u32> = BTreeMap::new();
    let mut doc_seq: BTreeMap<(&'static str, i32), u32> = BTreeMap::new();
    let mut reg_seq: BTreeMap<i32, u32> = BTreeMap::new();
    let mut out = Vec::with_capacity(n);
    let mut chinese_candidate = Vec::with_capacity(n);

    for (i, issued) in days.into_iter().enumerate() {
        let r = &mut Rng::new(seed, 1_000_000 + i as u64);
        let year = issued.year();
        let dept = r.below(DEPARTMENTS.len());
        let (issuer, prefix) = match r.below(100) {
            0..=19 => GOVERNMENT,
            20..=54 => GOVERNMENT_OFFICE,
            _ => (DEPARTMENTS[dept].0, DEPARTMENTS[dept].1),
        };
        let normative = r.chance(30);
        let area = *r.pick(AREAS);
        let (title, short_title, genre, genre_word) = title(r, normative, area, year);
        let provisional = title.contains("暂行") || title.contains("试行");

        let s = seq.entry(year).or_insert(0);
        *s += 1;
        let seq_no = *s;
        let d = doc_seq.entry((prefix, year)).or_insert(0);
        *d += 1;
        let doc_no = format!("{prefix}〔{year}〕{d}号");
        let reg_no = normative.then(|| {
            let k = reg_seq.entry(year).or_insert(0);
            *k += 1;
            format!("SLDR-{year}-{:05}", 1000 + *k)
        });

        let catalog = if normative {
            "法定主动公开内容/政策文件/规范性文件"
        } else if issuer == GOVERNMENT.0 {
            "法定主动公开内容/政策文件/县政府文件"
        } else if issuer == GOVERNMENT_OFFICE.0 {
            "法定主动公开内容/政策文件/县政府办公室文件"
        } else {
            "法定主动公开内容/政策文件/部门文件"
        };
        let topic_count = 1 + r.below(2);
        let topics: Vec<&str> = r
            .distinct(TOPICS.len(), topic_count)
            .into_iter()
            .map(|t| TOPICS[t])
            .collect();
        // Published within a week, so no document trips the 20-working-day warning.
        let published = issued.add(r.range(0, 7));
        let effective = if normative {
            published.add(r.range(0, 30))
        } else if r.chance(50) {
            issued
        } else {
            published
        };
        let keywords = vec![
            area.to_string(),
            r.pick(OBJECTS).to_string(),
            genre_word.to_string(),
        ];

        let interp = (normative || r.chance(79)).then(|| {
            let form = *r.pick(FORMS);
            let interpreter = match form {
                "专家解读" => "示例县决策咨询委员会",
                "视频解读" => "示例县融媒体中心",
                _ if r.chance(70) => DEPARTMENTS[dept].0,
                _ => issuer,
            };
            let policy_ref = match r.below(100) {
                0..=74 => format!("4305210003/{year}-{seq_no:05}"),
                75..=94 => doc_no.clone(),
                // Officers type 【】 for 〔〕; gongkai treats both as the same 发文字号.
                _ => doc_no.replace('〔', "【").replace('〕', "】"),
            };
            let t = match form {
                "文字解读" => format!("《{short_title}》政策解读"),
                "图文解读" => format!("图文解读：《{short_title}》"),
                "图解" => format!("一图读懂《{short_title}》"),
                "视频解读" => format!("视频解读｜《{short_title}》"),
                "新闻发布会" => format!("《{short_title}》新闻发布会"),
                "专家解读" => format!("专家解读《{short_title}》"),
                _ => format!("{}负责人就《{short_title}》答记者问", DEPARTMENTS[dept].2),
            };
            Interp {
                title: t,
                published: published.add(r.range(0, 2)),
                form,
                interpreter,
                policy_ref,
            }
        });
        chinese_candidate.push(r.chance(10));

        out.push(Policy {
            year,
            seq: seq_no,
            index_no: format!("4305210003/{year}-{seq_no:05}"),
            doc_no,
            reg_no,
            title,
            short_title,
            genre,
            genre_word,
            issuer,
            dept,
            normative,
            provisional,
            catalog,
            topics,
            area,
            issued,
            published,
            effective,
            keywords,
            repealed: None,
            amended: Vec::new(),
            repeals: Vec::new(),
            amends: Vec::new(),
            interp,
            chinese_keys: false,
        });
    }

    // Some documents are later repealed or amended by a newer one (within ~1,500
    // documents, i.e. a year or two), which is what gives the status listings content.
    let r = &mut Rng::new(seed, 2);
    for i in 0..n.saturating_sub(1) {
        let window = (n - i - 1).min(1500);
        let roll = r.below(100);
        let later = |r: &mut Rng| i + 1 + r.below(window);
        if roll < 4 {
            let j = later(r);
            let date = out[j].effective.max(out[i].effective.add(1));
            out[i].repealed = Some(Relation {
                date,
                by: j,
                by_doc_no: r.chance(30),
            });
            out[j].repeals.push(i);
        } else if roll < 7 {
            let mut js: Vec<usize> = (0..1 + r.below(2)).map(|_| later(r)).collect();
            js.sort_unstable();
            js.dedup();
            for j in js {
                let date = out[j].effective.max(out[i].effective.add(1));
                out[i].amended.push(Relation {
                    date,
                    by: j,
                    by_doc_no: r.chance(30),
                });
                out[j].amends.push(i);
            }
        }
    }
    for (p, candidate) in out.iter_mut().zip(chinese_candidate) {
        p.chinese_keys = candidate && p.repealed.is_none() && p.amended.is_empty();
    }
    out
}

/// A title, the name to cite it by, its body layout and the word the text calls it by.
fn title(
    r: &mut Rng,
    normative: bool,
    area: &str,
    year: i32,
) -> (String, String, Genre, &'static str) {
    let c = COUNTY;
    let obj = *r.pick(OBJECTS);
    let verb = *r.pick(VERBS);
    let wrap = |inner: String| (format!("关于印发《{inner}》的通知"), inner);
    let same = |t: String| (t.clone(), t);
    let ((t, s), genre, word) = if normative {
        match r.below(6) {
            0 => (
                same(format!("{c}{area}{obj}管理办法")),
                Genre::Regulation,
                "办法",
            ),
            1 => (
                same(format!("{c}{area}{obj}实施细则")),
                Genre::Regulation,
                "细则",
            ),
            2 => (
                same(format!("{c}{area}{obj}暂行办法")),
                Genre::Regulation,
                "办法",
            ),
            3 => (
                wrap(format!("{c}{area}{obj}管理办法（试行）")),
                Genre::Regulation,
                "办法",
            ),
            4 => (
                wrap(format!("{c}{area}{obj}规定")),
                Genre::Regulation,
                "规定",
            ),
            _ => (
                same(format!("关于进一步{verb}{area}{obj}的实施意见")),
                Genre::Opinion,
                "意见",
            ),
        }
    } else {
        match r.below(8) {
            0 => (
                wrap(format!("{c}{area}工作方案（{year}—{}年）", year + 2)),
                Genre::Plan,
                "方案",
            ),
            1 => (
                same(format!("关于做好{year}年{area}{obj}工作的通知")),
                Genre::Notice,
                "通知",
            ),
            2 => (
                wrap(format!("{c}{area}{obj}专项行动实施方案")),
                Genre::Plan,
                "方案",
            ),
            3 => (
                same(format!("关于调整{c}{area}工作领导小组成员的通知")),
                Genre::Notice,
                "通知",
            ),
            4 => (
                same(format!("关于{}年度{area}{obj}工作情况的通报", year - 1)),
                Genre::Report,
                "通报",
            ),
            5 | 6 => (
                same(format!("关于进一步{verb}{area}{obj}的通知")),
                Genre::Notice,
                "通知",
            ),
            _ => (
                wrap(format!("{c}{year}年{area}工作要点")),
                Genre::Plan,
                "要点",
            ),
        }
    };
    (t, s, genre, word)
}

/// A YAML/TOML double-quoted string (the vocabulary never contains quotes or
/// backslashes, but titles are data, so escape anyway).
pub fn quoted(s: &str) -> String {
    let mut q = String::with_capacity(s.len() + 2);
    q.push('"');
    for ch in s.chars() {
        match ch {
            '"' => q.push_str("\\\""),
            '\\' => q.push_str("\\\\"),
            _ => q.push(ch),
        }
    }
    q.push('"');
    q
}

fn cite(all: &[Policy], rel: &Relation) -> String {
    let other = &all[rel.by];
    if rel.by_doc_no {
        other.doc_no.clone()
    } else {
        other.index_no.clone()
    }
}

/// The gongkai file of one policy: YAML front matter + body.
pub fn gongkai_policy(p: &Policy, all: &[Policy], body: &str) -> String {
    let mut f = String::with_capacity(body.len() + 1024);
    f.push_str("---\n");
    if p.chinese_keys {
        let _ = writeln!(f, "标题: {}", quoted(&p.title));
        let _ = writeln!(f, "索引号: {}", quoted(&p.index_no));
        let _ = writeln!(f, "发文字号: {}", quoted(&p.doc_no));
        if let Some(reg) = &p.reg_no {
            let _ = writeln!(f, "统一登记号: {}", quoted(reg));
            f.push_str("规范性文件: 是\n");
        }
        let _ = writeln!(f, "发文机关: {}", quoted(p.issuer));
        let _ = writeln!(f, "公开责任部门: {}", quoted(DEPARTMENTS[p.dept].0));
        let _ = writeln!(f, "公开目录: {}", quoted(p.catalog));
        let _ = writeln!(f, "主题分类: {}", quoted(&p.topics.join("、")));
        let _ = writeln!(f, "成文日期: {}", p.issued.chinese());
        let _ = writeln!(f, "发布日期: {}", p.published.chinese());
        let _ = writeln!(f, "生效日期: {}", p.effective.chinese());
        // Keywords may contain 、 themselves (“双随机、一公开”), so they stay a list.
        f.push_str("关键词:\n");
        for k in &p.keywords {
            let _ = writeln!(f, "  - {}", quoted(k));
        }
    } else {
        let _ = writeln!(f, "title: {}", quoted(&p.title));
        let _ = writeln!(f, "index_no: {}", quoted(&p.index_no));
        let _ = writeln!(f, "doc_no: {}", quoted(&p.doc_no));
        if let Some(reg) = &p.reg_no {
            let _ = writeln!(f, "reg_no: {}", quoted(reg));
            f.push_str("normative: true\n");
        }
        let _ = writeln!(f, "issuer: {}", quoted(p.issuer));
        let _ = writeln!(f, "department: {}", quoted(DEPARTMENTS[p.dept].0));
        let _ = writeln!(f, "catalog: {}", quoted(p.catalog));
        f.push_str("topics:\n");
        for t in &p.topics {
            let _ = writeln!(f, "  - {}", quoted(t));
        }
        let _ = writeln!(f, "issued: {}", p.issued.iso());
        let _ = writeln!(f, "published: {}", p.published.iso());
        let _ = writeln!(f, "effective: {}", p.effective.iso());
        if let Some(rel) = &p.repealed {
            f.push_str("repealed:\n");
            let _ = writeln!(f, "  date: {}", rel.date.iso());
            let _ = writeln!(f, "  by: {}", quoted(&cite(all, rel)));
        }
        if !p.amended.is_empty() {
            f.push_str("amended:\n");
            for rel in &p.amended {
                let _ = writeln!(f, "  - date: {}", rel.date.iso());
                let _ = writeln!(f, "    by: {}", quoted(&cite(all, rel)));
            }
        }
        f.push_str("keywords:\n");
        for k in &p.keywords {
            let _ = writeln!(f, "  - {}", quoted(k));
        }
    }
    f.push_str("---\n\n");
    f.push_str(body);
    f
}

/// The gongkai file of one interpretation.
pub fn gongkai_interp(p: &Policy, i: &Interp, body: &str) -> String {
    let mut f = String::with_capacity(body.len() + 512);
    f.push_str("---\n");
    let keys = if p.chinese_keys {
        ["标题", "发布日期", "解读对象", "解读形式", "解读机关"]
    } else {
        ["title", "published", "policy", "form", "interpreter"]
    };
    let date = if p.chinese_keys {
        i.published.chinese()
    } else {
        i.published.iso()
    };
    let _ = writeln!(f, "{}: {}", keys[0], quoted(&i.title));
    let _ = writeln!(f, "{}: {}", keys[1], date);
    let _ = writeln!(f, "{}: {}", keys[2], quoted(&i.policy_ref));
    let _ = writeln!(f, "{}: {}", keys[3], quoted(i.form));
    let _ = writeln!(f, "{}: {}", keys[4], quoted(i.interpreter));
    f.push_str("---\n\n");
    f.push_str(body);
    f
}

fn toml_list<S: AsRef<str>>(items: &[S]) -> String {
    let inner: Vec<String> = items.iter().map(|s| quoted(s.as_ref())).collect();
    format!("[{}]", inner.join(", "))
}

/// The Hugo file of one policy: TOML front matter with the same metadata, plus the
/// links and status gongkai computes itself, precomputed (Hugo has no equivalent of a
/// link pass; a template searching all pages per page would be quadratic and unfair).
pub fn hugo_policy(p: &Policy, all: &[Policy], body: &str) -> String {
    let mut f = String::with_capacity(body.len() + 1024);
    let status = p.status(as_of());
    f.push_str("+++\n");
    let _ = writeln!(f, "title = {}", quoted(&p.title));
    let _ = writeln!(f, "date = {}", p.published.iso());
    let _ = writeln!(f, "years = [\"{}\"]", p.published.year());
    let _ = writeln!(f, "departments = [{}]", quoted(DEPARTMENTS[p.dept].0));
    let _ = writeln!(f, "topics = {}", toml_list(&p.topics));
    let _ = writeln!(f, "statuses = [{}]", quoted(status));
    let _ = writeln!(f, "catalogs = [{}]", quoted(p.catalog));
    f.push_str("[params]\n");
    f.push_str("kind = \"policy\"\n");
    let _ = writeln!(f, "index_no = {}", quoted(&p.index_no));
    let _ = writeln!(f, "doc_no = {}", quoted(&p.doc_no));
    if let Some(reg) = &p.reg_no {
        let _ = writeln!(f, "reg_no = {}", quoted(reg));
    }
    let _ = writeln!(f, "normative = {}", p.normative);
    let _ = writeln!(f, "issuer = {}", quoted(p.issuer));
    let _ = writeln!(f, "department = {}", quoted(DEPARTMENTS[p.dept].0));
    let _ = writeln!(f, "catalog = {}", quoted(p.catalog));
    let _ = writeln!(f, "issued = \"{}\"", p.issued.iso());
    let _ = writeln!(f, "published = \"{}\"", p.published.iso());
    let _ = writeln!(f, "effective = \"{}\"", p.effective.iso());
    if let Some(e) = p.expires() {
        let _ = writeln!(f, "expires = \"{}\"", e.iso());
    }
    let _ = writeln!(f, "status = {}", quoted(status));
    let _ = writeln!(f, "keywords = {}", toml_list(&p.keywords));
    if p.interp.is_some() {
        let _ = writeln!(
            f,
            "interpretations = [\"/interpretations/{}/{}\"]",
            p.year, p.seq
        );
    }
    if let Some(rel) = &p.repealed {
        let o = &all[rel.by];
        let _ = writeln!(f, "repealed_date = \"{}\"", rel.date.iso());
        let _ = writeln!(f, "repealed_by = \"/policies/{}/{}\"", o.year, o.seq);
    }
    if !p.amended.is_empty() {
        let paths: Vec<String> = p
            .amended
            .iter()
            .map(|rel| format!("/policies/{}/{}", all[rel.by].year, all[rel.by].seq))
            .collect();
        let _ = writeln!(f, "amended_by = {}", toml_list(&paths));
    }
    f.push_str("+++\n\n");
    f.push_str(body);
    f
}

/// The Hugo file of one interpretation.
pub fn hugo_interp(p: &Policy, i: &Interp, body: &str) -> String {
    let mut f = String::with_capacity(body.len() + 512);
    f.push_str("+++\n");
    let _ = writeln!(f, "title = {}", quoted(&i.title));
    let _ = writeln!(f, "date = {}", i.published.iso());
    let _ = writeln!(f, "years = [\"{}\"]", i.published.year());
    f.push_str("[params]\n");
    f.push_str("kind = \"interpretation\"\n");
    let _ = writeln!(f, "policy = {}", quoted(&i.policy_ref));
    let _ = writeln!(f, "policy_path = \"/policies/{}/{}\"", p.year, p.seq);
    let _ = writeln!(f, "form = {}", quoted(i.form));
    let _ = writeln!(f, "interpreter = {}", quoted(i.interpreter));
    f.push_str("+++\n\n");
    f.push_str(body);
    f
}

/// Empty `dir` if this generator wrote it before; refuse to touch a foreign non-empty one.
fn prepare(dir: &Path) -> Result<(), String> {
    if dir.exists() {
        let non_empty = fs::read_dir(dir)
            .map_err(|e| format!("无法读取 {}：{e}", dir.display()))?
            .next()
            .is_some();
        if non_empty {
            if !dir.join(MARKER).exists() {
                return Err(format!(
                    "{} 不是空目录，也不是本生成器写的；请指定一个空目录或新目录",
                    dir.display()
                ));
            }
            fs::remove_dir_all(dir).map_err(|e| format!("无法清空 {}：{e}", dir.display()))?;
        }
    }
    fs::create_dir_all(dir).map_err(|e| format!("无法创建 {}：{e}", dir.display()))?;
    fs::write(
        dir.join(MARKER),
        "written by `cargo run --example large`; the generator may delete this directory\n",
    )
    .map_err(|e| format!("无法写入 {}：{e}", dir.display()))
}

fn write(root: &Path, rel: &str, text: &str) -> io::Result<()> {
    fs::write(root.join(rel), text)
}

/// Write every document; bodies are generated once and written to both sites.
fn write_documents(
    seed: u64,
    all: &[Policy],
    out: &Path,
    hugo: Option<&Path>,
) -> Result<(usize, usize), String> {
    let mut years: Vec<i32> = all.iter().map(|p| p.year).collect();
    years.dedup();
    for root in std::iter::once(out).chain(hugo) {
        for kind in ["policies", "interpretations"] {
            for y in &years {
                let d = root.join(format!("content/{kind}/{y}"));
                fs::create_dir_all(&d).map_err(|e| format!("无法创建 {}：{e}", d.display()))?;
            }
        }
    }

    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .clamp(1, 8);
    let results: Vec<io::Result<usize>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                s.spawn(move || -> io::Result<usize> {
                    let mut interps = 0;
                    for (i, p) in all.iter().enumerate().skip(t).step_by(threads) {
                        let body =
                            text::policy_body(&mut Rng::new(seed, 3_000_000 + i as u64), p, all);
                        write(out, &p.rel_path("policies"), &gongkai_policy(p, all, &body))?;
                        if let Some(h) = hugo {
                            write(h, &p.rel_path("policies"), &hugo_policy(p, all, &body))?;
                        }
                        if let Some(interp) = &p.interp {
                            interps += 1;
                            let r = &mut Rng::new(seed, 4_000_000 + i as u64);
                            let body = text::interpretation_body(r, p, interp.form);
                            let rel = p.rel_path("interpretations");
                            write(out, &rel, &gongkai_interp(p, interp, &body))?;
                            if let Some(h) = hugo {
                                write(h, &rel, &hugo_interp(p, interp, &body))?;
                            }
                        }
                    }
                    Ok(interps)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(io::Error::other("writer thread panicked")))
            })
            .collect()
    });
    let mut interps = 0;
    for r in results {
        interps += r.map_err(|e| format!("写入文件失败：{e}"))?;
    }
    Ok((all.len(), interps))
}

struct Args {
    out: PathBuf,
    policies: usize,
    seed: u64,
    hugo: Option<PathBuf>,
}

const USAGE: &str =
    "用法: cargo run --release --example large -- --out DIR [--policies N] [--seed S] [--hugo DIR2]

  --out DIR       写入 gongkai 站点（config.toml + content/）的目录
  --policies N    政策文件数量，默认 10000（约 85% 附政策解读）
  --seed S        随机种子，默认 20261122；同一种子生成的文件逐字节相同
  --hugo DIR2     同时写入等价的 Hugo 站点（用于性能对比）";

fn parse_args() -> Result<Args, String> {
    let mut out = None;
    let mut policies = 10_000usize;
    let mut seed = 20_261_122u64;
    let mut hugo = None;
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut value = |name: &str| it.next().ok_or(format!("{name} 需要一个值"));
        match a.as_str() {
            "--out" => out = Some(PathBuf::from(value("--out")?)),
            "--hugo" => hugo = Some(PathBuf::from(value("--hugo")?)),
            "--policies" => {
                policies = value("--policies")?
                    .parse()
                    .map_err(|_| "--policies 应是正整数".to_string())?
            }
            "--seed" => {
                seed = value("--seed")?
                    .parse()
                    .map_err(|_| "--seed 应是非负整数".to_string())?
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                process::exit(0);
            }
            other => return Err(format!("未知参数 {other}")),
        }
    }
    let out = out.ok_or("缺少 --out DIR")?;
    if policies == 0 || policies > 900_000 {
        return Err("--policies 应在 1 到 900000 之间".into());
    }
    Ok(Args {
        out,
        policies,
        seed,
        hugo,
    })
}

fn run() -> Result<(), String> {
    let args = parse_args()?;
    let started = Instant::now();
    let all = plan(args.seed, args.policies);
    prepare(&args.out)?;
    site::write_gongkai_site(&args.out).map_err(|e| format!("写入站点文件失败：{e}"))?;
    if let Some(h) = &args.hugo {
        prepare(h)?;
        site::write_hugo_site(h).map_err(|e| format!("写入 Hugo 站点文件失败：{e}"))?;
    }
    let (policies, interps) = write_documents(args.seed, &all, &args.out, args.hugo.as_deref())?;
    eprintln!(
        "已生成 {policies} 篇政策文件、{interps} 篇政策解读、{} 个页面 → {}{}（{:.2} 秒）",
        site::PAGES.len(),
        args.out.display(),
        args.hugo
            .as_ref()
            .map(|h| format!("，Hugo 站点 → {}", h.display()))
            .unwrap_or_default(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn main() {
    if let Err(e) = run() {
        eprintln!("错误：{e}\n\n{USAGE}");
        process::exit(2);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn numbers_are_unique_and_relations_point_forward() {
        let all = plan(1, 3000);
        let index: BTreeSet<_> = all.iter().map(|p| &p.index_no).collect();
        let doc: BTreeSet<_> = all.iter().map(|p| &p.doc_no).collect();
        assert_eq!(index.len(), all.len());
        assert_eq!(doc.len(), all.len());
        for (i, p) in all.iter().enumerate() {
            assert!(p.published >= p.issued && p.published <= p.issued.add(7));
            if let Some(r) = &p.repealed {
                assert!(r.by > i && r.date > p.effective);
            }
            if let Some(int) = &p.interp {
                assert!(int.published >= p.published && int.published <= p.published.add(2));
            }
            if p.normative {
                assert!(p.interp.is_some() && p.reg_no.is_some());
            }
        }
        let with = all.iter().filter(|p| p.interp.is_some()).count();
        assert!((2400..=2700).contains(&with), "{with}");
    }

    #[test]
    fn bodies_are_deterministic_and_sized() {
        let all = plan(5, 300);
        for (i, p) in all.iter().enumerate() {
            let a = text::policy_body(&mut Rng::new(5, i as u64), p, &all);
            let b = text::policy_body(&mut Rng::new(5, i as u64), p, &all);
            assert_eq!(a, b);
            let n = a.chars().filter(|c| !c.is_ascii()).count();
            assert!((2000..=4000).contains(&n), "{n}");
            assert!(a.contains("**（一）") && a.contains("\n|---|") && a.contains("\n1. "));
            assert!(a.contains("\n- ") && a.contains("## "));
        }
    }
}
