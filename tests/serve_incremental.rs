//! Incremental equals full: random sequences of edits applied to a fixture site, each
//! followed by an engine rebuild; after every rebuild the engine's diagnostics equal a
//! fresh full build's, and its site equals the fresh build's files byte for byte (every
//! path, sitemap.xml, feed.xml and the search files included) — or, when the fresh build
//! has errors, the last good site, unchanged.
//!
//! The seed is fixed, so `cargo test` runs the same edits every time. The number of
//! sequences is raised with `GONGKAI_SERVE_FUZZ_EDITS` (edits in total, default 60) and
//! the seed changed with `GONGKAI_SERVE_FUZZ_SEED`, for long runs.

mod common;

use gongkai::serve::engine::{full_build, Engine};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// xorshift64*: small, seedable, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        (!items.is_empty()).then(|| &items[self.below(items.len())])
    }
}

#[derive(Clone)]
struct Policy {
    file: String,
    title: String,
    index_no: u32,
    year: i32,
    doc_no: u32,
    published: String,
    effective: Option<String>,
    expires: Option<String>,
    repealed: Option<(String, String)>,
    amended: Vec<(String, String)>,
    department: usize,
    /// A 规范性文件: it has a default period of validity, shorter when its title says
    /// 暂行 or 试行, and its title is named in W0304 (no interpretation).
    normative: bool,
    body: String,
    /// Written as broken YAML until fixed.
    broken: bool,
}

#[derive(Clone)]
struct Interp {
    file: String,
    title: String,
    published: String,
    policy: String,
    body: String,
    broken: bool,
}

const DEPARTMENTS: [&str; 3] = ["示例县城市管理局", "示例县教育局", "示例县财政局"];
const WORDS: [&str; 8] = [
    "停车", "教育", "养犬", "财政", "道路", "供水", "补助", "管理",
];

fn date(rng: &mut Rng) -> String {
    format!(
        "{}-{:02}-{:02}",
        2016 + rng.below(12),
        1 + rng.below(12),
        1 + rng.below(28)
    )
}

impl Policy {
    fn index(&self) -> String {
        format!("4305210003/{}-{:05}", self.year, self.index_no)
    }
    fn number(&self) -> String {
        format!("示政发〔{}〕{}号", self.year, self.doc_no)
    }
    fn text(&self) -> String {
        if self.broken {
            return format!(
                "---\ntitle: [{}\nindex_no: : :\n---\n\n{}",
                self.title, self.body
            );
        }
        let mut f = String::from("---\n");
        let _ = writeln!(f, "title: \"{}\"", self.title);
        let _ = writeln!(f, "index_no: \"{}\"", self.index());
        let _ = writeln!(f, "doc_no: \"{}\"", self.number());
        f.push_str("issuer: 示例县人民政府\n");
        let _ = writeln!(f, "department: {}", DEPARTMENTS[self.department]);
        if self.normative {
            f.push_str("normative: true\n");
        }
        f.push_str("catalog: 法定主动公开内容/政策文件/其他文件\n");
        let _ = writeln!(f, "topics: [{}]", WORDS[self.department]);
        let _ = writeln!(f, "issued: {}", self.published);
        let _ = writeln!(f, "published: {}", self.published);
        if let Some(e) = &self.effective {
            let _ = writeln!(f, "effective: {e}");
        }
        if let Some(e) = &self.expires {
            let _ = writeln!(f, "expires: {e}");
        }
        if let Some((by, date)) = &self.repealed {
            let _ = writeln!(f, "repealed:\n  date: {date}\n  by: \"{by}\"");
        }
        if !self.amended.is_empty() {
            f.push_str("amended:\n");
            for (by, date) in &self.amended {
                let _ = writeln!(f, "  - date: {date}\n    by: \"{by}\"");
            }
        }
        f.push_str("---\n\n");
        f.push_str(&with_root(&self.file, &self.body));
        f
    }
}

/// The body with `{ROOT}` replaced by the way up from the file's folder to `content/`.
fn with_root(file: &str, body: &str) -> String {
    let depth = file.matches('/').count() - 1;
    body.replace("{ROOT}", &"../".repeat(depth))
}

/// The files a body links to, relative to `content/`.
fn targets(body: &str) -> Vec<String> {
    body.split("({ROOT}")
        .skip(1)
        .filter_map(|rest| rest.split([')', '#']).next())
        .map(str::to_string)
        .collect()
}

impl Interp {
    fn text(&self) -> String {
        if self.broken {
            return format!("---\ntitle: \"{}\n---\n\n{}", self.title, self.body);
        }
        format!(
            "---\ntitle: \"{}\"\npublished: {}\npolicy: \"{}\"\nform: 文字解读\ndepartment: 示例县城市管理局\n---\n\n{}",
            self.title, self.published, self.policy, with_root(&self.file, &self.body)
        )
    }
}

struct Site {
    root: PathBuf,
    policies: Vec<Policy>,
    interps: Vec<Interp>,
    /// Fixture files (negative list, annual reports, pages…) that edits may delete.
    others: Vec<String>,
    counter: u32,
}

impl Site {
    fn write(&self, rel: &str, text: &str) {
        let path = self.root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    fn body(&mut self, rng: &mut Rng) -> String {
        let mut body = format!(
            "第一条 为加强{}工作，制定本办法。\n\n第二条 本办法自发布之日起施行。{}\n",
            WORDS[rng.below(WORDS.len())],
            rng.next() % 1000
        );
        // Relative links make a page depend on where other files are (and on the URL of
        // the page they point to). `{ROOT}` becomes the way up to `content/`.
        if rng.chance(30) {
            if let Some(i) = rng.pick(&self.interps) {
                let _ = writeln!(
                    body,
                    "\n参见[解读]({{ROOT}}{}#a)。",
                    i.file.trim_start_matches("content/")
                );
            }
        }
        if rng.chance(30) {
            if let Some(p) = rng.pick(&self.policies) {
                let _ = writeln!(
                    body,
                    "\n参见[文件]({{ROOT}}{})。",
                    p.file.trim_start_matches("content/")
                );
            }
        }
        if rng.chance(15) {
            body.push_str("\n附件：[价格表]({ROOT}policies/with-attachment/附件1-价格表.csv)\n");
        }
        body
    }

    /// How an interpretation names its policy; rarely one that is not on the site (E0303).
    fn interp_reference(&self, rng: &mut Rng) -> String {
        match (rng.below(20), rng.pick(&self.policies)) {
            (0, _) | (_, None) => "国办发〔2019〕9号".to_string(),
            (1..=6, Some(p)) => p.index(),
            (_, Some(p)) => p.number(),
        }
    }

    fn reference(&self, rng: &mut Rng) -> String {
        match (rng.below(5), rng.pick(&self.policies)) {
            (0, Some(p)) => p.index(),
            (1..=3, Some(p)) => p.number(),
            // Someone else's document: shown without a link.
            _ => "国办发〔2019〕9号".to_string(),
        }
    }

    fn new_policy(&mut self, rng: &mut Rng) -> Policy {
        self.counter += 1;
        let folder = if rng.chance(20) {
            "policies/sub"
        } else {
            "policies"
        };
        Policy {
            file: format!("content/{folder}/p{}.md", self.counter),
            title: format!(
                "关于{}的通知{}",
                WORDS[rng.below(WORDS.len())],
                self.counter
            ),
            index_no: 100 + self.counter,
            year: 2016 + rng.below(11) as i32,
            doc_no: self.counter,
            published: date(rng),
            effective: None,
            expires: None,
            repealed: None,
            amended: Vec::new(),
            department: rng.below(DEPARTMENTS.len()),
            normative: self.counter % 3 == 0,
            body: self.body(rng),
            broken: false,
        }
    }

    fn new_interp(&mut self, rng: &mut Rng) -> Interp {
        self.counter += 1;
        let policy = self.interp_reference(rng);
        Interp {
            file: format!("content/interpretations/i{}.md", self.counter),
            title: format!("政策解读{}", self.counter),
            published: date(rng),
            policy,
            body: self.body(rng),
            broken: false,
        }
    }

    /// One random edit; returns the paths it touched.
    fn edit(&mut self, rng: &mut Rng) -> Vec<String> {
        let np = self.policies.len();
        let ni = self.interps.len();
        match rng.below(17) {
            0 => {
                let p = self.new_policy(rng);
                self.write(&p.file, &p.text());
                let f = p.file.clone();
                self.policies.push(p);
                vec![f]
            }
            1 => {
                let i = self.new_interp(rng);
                self.write(&i.file, &i.text());
                let f = i.file.clone();
                self.interps.push(i);
                vec![f]
            }
            2 if np > 2 => {
                let p = self.policies.remove(rng.below(np));
                std::fs::remove_file(self.root.join(&p.file)).unwrap();
                vec![p.file]
            }
            3 if ni > 0 => {
                let i = self.interps.remove(rng.below(ni));
                std::fs::remove_file(self.root.join(&i.file)).unwrap();
                vec![i.file]
            }
            4 if np > 0 => {
                // Rename, maybe into another folder.
                self.counter += 1;
                let k = rng.below(np);
                let old = self.policies[k].file.clone();
                let folder = if rng.chance(50) {
                    "policies/sub"
                } else {
                    "policies"
                };
                let new = format!("content/{folder}/r{}.md", self.counter);
                std::fs::create_dir_all(self.root.join(&new).parent().unwrap()).unwrap();
                std::fs::rename(self.root.join(&old), self.root.join(&new)).unwrap();
                self.policies[k].file = new.clone();
                // Moved to another depth, its relative links are written again.
                if rng.chance(80) {
                    self.write(&new, &self.policies[k].text());
                }
                vec![old, new]
            }
            5 if ni > 0 => {
                self.counter += 1;
                let k = rng.below(ni);
                let old = self.interps[k].file.clone();
                let new = format!("content/interpretations/r{}.md", self.counter);
                std::fs::rename(self.root.join(&old), self.root.join(&new)).unwrap();
                self.interps[k].file = new.clone();
                if rng.chance(50) {
                    self.write(&new, &self.interps[k].text());
                }
                vec![old, new]
            }
            6 if !self.others.is_empty() && rng.chance(30) => {
                let f = self.others.remove(rng.below(self.others.len()));
                let path = self.root.join(&f);
                if path.is_dir() {
                    std::fs::remove_dir_all(path).unwrap();
                } else {
                    std::fs::remove_file(path).unwrap();
                }
                vec![f]
            }
            7 if ni > 0 => {
                let k = rng.below(ni);
                let i = &mut self.interps[k];
                i.title = format!(
                    "{}（修订{}）",
                    i.title.split('（').next().unwrap(),
                    rng.below(9)
                );
                self.rewrite_interp(k)
            }
            8 if ni > 0 => {
                let k = rng.below(ni);
                self.interps[k].policy = self.interp_reference(rng);
                self.rewrite_interp(k)
            }
            9 if ni > 0 => {
                let k = rng.below(ni);
                self.interps[k].body = self.body(rng);
                self.interps[k].published = date(rng);
                self.rewrite_interp(k)
            }
            _ if np > 0 => {
                let k = rng.below(np);
                match rng.below(9) {
                    0 => {
                        let p = &mut self.policies[k];
                        // Sometimes provisional: a shorter default period of validity.
                        let suffix = match rng.below(9) {
                            7 => "（暂行）".to_string(),
                            8 => "（试行）".to_string(),
                            n => format!("（修订{n}）"),
                        };
                        p.title = format!("{}{suffix}", p.title.split('（').next().unwrap());
                    }
                    1 => self.policies[k].body = self.body(rng),
                    // Rarely taken by another policy: E0210 until changed again.
                    2 => {
                        self.policies[k].index_no =
                            100 + rng.below(self.counter as usize + 5) as u32
                    }
                    3 => self.policies[k].doc_no = rng.below(self.counter as usize + 5) as u32,
                    4 => {
                        let p = &mut self.policies[k];
                        p.effective = rng.chance(70).then(|| date(rng));
                        p.expires = rng.chance(50).then(|| date(rng));
                    }
                    5 => {
                        let r = rng.chance(70).then(|| (self.reference(rng), date(rng)));
                        self.policies[k].repealed = r;
                    }
                    6 => {
                        if rng.chance(60) {
                            let a = (self.reference(rng), date(rng));
                            self.policies[k].amended.push(a);
                        } else {
                            self.policies[k].amended.clear();
                        }
                    }
                    7 => {
                        let p = &mut self.policies[k];
                        p.published = date(rng);
                        p.department = rng.below(DEPARTMENTS.len());
                    }
                    _ => self.policies[k].broken = !self.policies[k].broken,
                }
                let p = &self.policies[k];
                self.write(&p.file, &p.text());
                vec![p.file.clone()]
            }
            _ => Vec::new(),
        }
    }

    fn rewrite_interp(&mut self, k: usize) -> Vec<String> {
        let i = &self.interps[k];
        self.write(&i.file, &i.text());
        vec![i.file.clone()]
    }

    /// Fix every broken file and every link to a file that is gone, so sequences end
    /// buildable more often than not.
    fn fix_all(&mut self, rng: &mut Rng) -> Vec<String> {
        let mut out = Vec::new();
        let dangling = |body: &str, root: &Path| {
            targets(body)
                .iter()
                .any(|t| !root.join("content").join(t).exists())
        };
        let mut seen = std::collections::HashSet::new();
        for k in 0..self.policies.len() {
            if !seen.insert(self.policies[k].index()) {
                self.counter += 1;
                self.policies[k].index_no = 100 + self.counter;
                self.policies[k].broken = true;
            }
        }
        let names: Vec<String> = self
            .policies
            .iter()
            .flat_map(|p| [p.index(), p.number()])
            .collect();
        for k in 0..self.interps.len() {
            if !names.contains(&self.interps[k].policy) {
                if let Some(p) = rng.pick(&self.policies) {
                    self.interps[k].policy = p.number();
                    self.interps[k].broken = true;
                }
            }
        }
        for k in 0..self.policies.len() {
            let p = &mut self.policies[k];
            let start = p.effective.as_ref().unwrap_or(&p.published);
            if p.expires.as_ref().is_some_and(|e| e < start) {
                p.expires = None;
                p.broken = true;
            }
            // Rewritten where it is now (after a rename without an edit).
            let on_disk = std::fs::read_to_string(self.root.join(&p.file)).unwrap_or_default();
            p.broken |= on_disk != p.text();
            if dangling(&self.policies[k].body, &self.root) {
                self.policies[k].body = format!("正文{}。\n", rng.next() % 1000);
                self.policies[k].broken = true;
            }
            if self.policies[k].broken {
                self.policies[k].broken = false;
                let p = &self.policies[k];
                self.write(&p.file, &p.text());
                out.push(p.file.clone());
            }
        }
        for k in 0..self.interps.len() {
            let on_disk =
                std::fs::read_to_string(self.root.join(&self.interps[k].file)).unwrap_or_default();
            self.interps[k].broken |= on_disk != self.interps[k].text();
            if dangling(&self.interps[k].body, &self.root) {
                self.interps[k].body = format!("解读正文{}。\n", rng.next() % 1000);
                self.interps[k].broken = true;
            }
            if self.interps[k].broken {
                self.interps[k].broken = false;
                out.extend(self.rewrite_interp(k));
            }
        }
        out
    }
}

fn snapshot_files(engine: &Engine) -> BTreeMap<String, Vec<u8>> {
    let snap = engine.snapshot();
    snap.paths()
        .map(|p| (p.to_string(), snap.get(p).unwrap().to_vec()))
        .collect()
}

/// The first difference between two sites, for the failure message.
fn first_difference(a: &BTreeMap<String, Vec<u8>>, b: &BTreeMap<String, Vec<u8>>) -> String {
    for (path, bytes) in a {
        match b.get(path) {
            None => return format!("{path} only in the engine's site"),
            Some(other) if other != bytes => {
                let at = bytes
                    .iter()
                    .zip(other)
                    .position(|(x, y)| x != y)
                    .unwrap_or(0);
                let from = at.saturating_sub(80);
                return format!(
                    "{path} differs at byte {at}:\n engine: {}\n build:  {}",
                    String::from_utf8_lossy(&bytes[from..(at + 80).min(bytes.len())]),
                    String::from_utf8_lossy(&other[from..(at + 80).min(other.len())])
                );
            }
            _ => {}
        }
    }
    for path in b.keys() {
        if !a.contains_key(path) {
            return format!("{path} only in the fresh build");
        }
    }
    "no difference".into()
}

fn run(seed: u64, edits: usize) {
    let dir = common::fixture("golden");
    let root = dir.path().to_path_buf();
    let mut rng = Rng(seed.max(1));
    let mut site = Site {
        root: root.clone(),
        policies: Vec::new(),
        interps: Vec::new(),
        others: vec![
            "content/negative-lists/office.yaml".into(),
            "content/annual-reports/2020.md".into(),
            "content/pages/contact.md".into(),
            "content/interpretations/old-rules.md".into(),
            "content/policies/with-attachment".into(),
        ],
        counter: 0,
    };
    for _ in 0..14 {
        let p = site.new_policy(&mut rng);
        site.write(&p.file, &p.text());
        site.policies.push(p);
    }
    for _ in 0..8 {
        let i = site.new_interp(&mut rng);
        site.write(&i.file, &i.text());
        site.interps.push(i);
    }
    let opts = common::engine_options(&root);
    let mut engine = Engine::new(opts.clone()).unwrap();
    let (files, diagnostics) = full_build(&opts).unwrap();
    assert_eq!(engine.diagnostics(), &diagnostics[..]);
    if std::env::var("GONGKAI_SERVE_FUZZ_DEBUG").is_ok() {
        for d in diagnostics.iter().filter(|d| d.is_error()) {
            eprintln!("{d}");
        }
    }
    let mut last_good = if diagnostics.iter().any(|d| d.is_error()) {
        BTreeMap::new()
    } else {
        files
    };
    assert_eq!(snapshot_files(&engine), last_good, "first build");

    let mut done = 0;
    let mut sequence = 0;
    let mut compared = 0;
    while done < edits {
        sequence += 1;
        let n = 1 + rng.below(4);
        let mut changed: Vec<PathBuf> = Vec::new();
        let mut log = Vec::new();
        for _ in 0..n {
            let touched = site.edit(&mut rng);
            log.extend(touched.iter().cloned());
            for t in touched {
                // Watchers report absolute paths; the engine takes relative ones too.
                changed.push(if rng.chance(50) {
                    root.join(&t)
                } else {
                    PathBuf::from(t)
                });
            }
            done += 1;
        }
        if rng.chance(50) {
            let fixed = site.fix_all(&mut rng);
            log.extend(fixed.iter().cloned());
            changed.extend(fixed.into_iter().map(PathBuf::from));
        }
        if rng.chance(10) {
            // Noise a watcher may report: the output folder, a hidden file.
            changed.push(root.join("public/index.html"));
            changed.push(PathBuf::from("content/.hidden.md"));
        }
        let summary = engine.rebuild(&changed).unwrap();
        let (files, diagnostics) = full_build(&opts).unwrap();
        let context = format!("seed {seed}, sequence {sequence}, edits {log:?}, {summary:?}");
        assert_eq!(
            engine.diagnostics(),
            &diagnostics[..],
            "diagnostics: {context}"
        );
        if std::env::var("GONGKAI_SERVE_FUZZ_DEBUG").is_ok() {
            for d in diagnostics.iter().filter(|d| d.is_error()) {
                eprintln!("{sequence}: {d}");
            }
        }
        if !diagnostics.iter().any(|d| d.is_error()) {
            last_good = files;
            compared += 1;
        }
        let served = snapshot_files(&engine);
        if served != last_good {
            panic!("{}: {context}", first_difference(&served, &last_good));
        }
    }
    eprintln!("{done} edits in {sequence} sequences, {compared} compared with a fresh build");
    // The sequences must have exercised the comparison, not only error builds.
    assert!(
        compared * 3 >= sequence,
        "only {compared} of {sequence} sequences built"
    );
}

#[test]
fn incremental_rebuilds_equal_a_fresh_full_build_after_random_edits() {
    let edits = std::env::var("GONGKAI_SERVE_FUZZ_EDITS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(60);
    let seed = std::env::var("GONGKAI_SERVE_FUZZ_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20261122);
    run(seed, edits);
}
