//! Markdown bodies of the generated documents.
//!
//! A body must look like a real county document to the parts of the generator that care:
//! `##` headings, bold numbered points in the Chinese style (`**（一）加强组织领导。**…`, the
//! case that needs CJK-friendly emphasis), ordered and unordered lists, one table with a
//! header row, and 2,000–4,000 characters of CJK text, so Markdown rendering, summary
//! extraction and the search index are exercised at realistic sizes.

use crate::rng::{Date, Rng};
use crate::vocab::*;
use crate::{Genre, Policy};
use std::fmt::Write as _;

/// 1 → 一, 12 → 十二, 20 → 二十, 35 → 三十五 (enough for articles and points).
pub fn chinese_number(n: usize) -> String {
    const D: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    let ones = match n % 10 {
        0 => "",
        d => D[d],
    };
    match n {
        0..=9 => D[n].to_string(),
        10..=19 => format!("十{ones}"),
        20..=99 => format!("{}十{ones}", D[n / 10]),
        _ => n.to_string(),
    }
}

/// One sentence about `area`, from one of several patterns.
pub fn sentence(rng: &mut Rng, area: &str) -> String {
    match rng.below(6) {
        0 => format!(
            "{}，{}{}{}，{}。",
            rng.pick(LEADINS),
            rng.pick(VERBS),
            area,
            rng.pick(OBJECTS),
            rng.pick(GOALS)
        ),
        1 => format!(
            "{}{}，{}{}，{}。",
            rng.pick(VERBS),
            rng.pick(OBJECTS),
            rng.pick(VERBS),
            rng.pick(OBJECTS),
            rng.pick(GOALS)
        ),
        2 | 3 => rng.pick(SENTENCES).to_string(),
        4 => format!(
            "要{}{}{}，{}{}，{}。",
            rng.pick(VERBS),
            area,
            rng.pick(OBJECTS),
            rng.pick(VERBS),
            rng.pick(OBJECTS),
            rng.pick(GOALS)
        ),
        _ => format!(
            "各乡镇（街道）、县直各有关单位要{}{}，{}，{}。",
            rng.pick(VERBS),
            rng.pick(OBJECTS),
            rng.pick(LEADINS),
            rng.pick(GOALS)
        ),
    }
}

/// `n` sentences run together as one paragraph.
pub fn paragraph(rng: &mut Rng, area: &str, n: usize) -> String {
    let mut p = String::new();
    for _ in 0..n {
        p.push_str(&sentence(rng, area));
    }
    p
}

/// Length in Chinese characters: everything but ASCII (markup, digits, spaces), so
/// ideographs and full-width punctuation count, `**` and `|` do not.
fn chars(s: &str) -> usize {
    s.chars().filter(|c| !c.is_ascii()).count()
}

/// A deadline like `2024年6月底前`, one to eighteen months after the document.
fn deadline(rng: &mut Rng, issued: Date) -> String {
    if rng.chance(15) {
        "长期坚持".to_string()
    } else {
        let (y, m, _) = issued.add(rng.range(30, 540)).parts();
        format!("{y}年{m}月底前")
    }
}

/// Headings for a document's bold points, each used once until the list runs out.
struct Headings {
    order: Vec<usize>,
    next: usize,
}

impl Headings {
    fn new(rng: &mut Rng) -> Self {
        Headings {
            order: rng.permutation(POINTS.len()),
            next: 0,
        }
    }

    fn take(&mut self) -> &'static str {
        let h = POINTS[self.order[self.next % self.order.len()]];
        self.next += 1;
        h
    }
}

fn department_short(rng: &mut Rng) -> &'static str {
    rng.pick(DEPARTMENTS).2
}

/// The table every body carries: a task breakdown with a header row.
fn task_table(rng: &mut Rng, p: &Policy, rows: usize) -> String {
    let mut t = String::from(
        "| 序号 | 工作任务 | 牵头单位 | 配合单位 | 完成时限 |\n|---|---|---|---|---|\n",
    );
    for i in 1..=rows {
        let _ = writeln!(
            t,
            "| {} | {}{}{} | {} | {} | {} |",
            i,
            rng.pick(VERBS),
            p.area,
            rng.pick(OBJECTS),
            DEPARTMENTS[p.dept].2,
            department_short(rng),
            deadline(rng, p.issued)
        );
    }
    t
}

/// A bold numbered point with 1–3 sentences after it.
fn point(rng: &mut Rng, area: &str, number: usize, heading: &str) -> String {
    let n = 1 + rng.below(3);
    format!(
        "**（{}）{}。**{}",
        chinese_number(number),
        heading,
        paragraph(rng, area, n)
    )
}

/// The sentences that tie a document to the ones it repeals or amends.
fn relation_sentences(p: &Policy, all: &[Policy]) -> String {
    let mut s = String::new();
    for &i in &p.amends {
        let old = &all[i];
        let _ = write!(
            s,
            "《{}》（{}）与本{}不一致的，以本{}为准。",
            old.short_title, old.doc_no, p.genre_word, p.genre_word
        );
    }
    for &i in &p.repeals {
        let old = &all[i];
        let _ = write!(s, "《{}》（{}）同时废止。", old.short_title, old.doc_no);
    }
    s
}

/// The body of one policy, 2,000–4,000 characters.
pub fn policy_body(rng: &mut Rng, p: &Policy, all: &[Policy]) -> String {
    // The last point or article added may overshoot by ~150 characters.
    let target = rng.range(2060, 3800) as usize;
    match p.genre {
        Genre::Regulation => regulation_body(rng, p, all, target),
        _ => plan_body(rng, p, all, target),
    }
}

/// 办法/细则/规定: chapters of numbered articles.
fn regulation_body(rng: &mut Rng, p: &Policy, all: &[Policy], target: usize) -> String {
    let area = p.area;
    let word = p.genre_word;
    let mut chapters: Vec<(String, Vec<String>)> = Vec::new();

    chapters.push((
        "总则".to_string(),
        vec![
            format!(
                "为了{}{}{}，{}，根据有关法律、法规和上级规定，结合本县实际，制定本{}。",
                rng.pick(VERBS),
                area,
                rng.pick(OBJECTS),
                rng.pick(GOALS),
                word
            ),
            format!("本县行政区域内{}相关工作，适用本{}。", area, word),
            format!(
                "{}工作应当{}，{}。",
                area,
                rng.pick(LEADINS),
                rng.pick(GOALS)
            ),
        ],
    ));

    // 职责分工 carries the bold numbered points.
    let mut duties = format!("有关单位按照下列分工履行{}职责：\n\n", area);
    let count = 3 + rng.below(3);
    let depts = rng.distinct(DEPARTMENTS.len(), count);
    for (k, &d) in depts.iter().enumerate() {
        let n = 1 + rng.below(2);
        let _ = write!(
            duties,
            "**（{}）{}。**负责{}{}工作，{}\n\n",
            chinese_number(k + 1),
            DEPARTMENTS[d].2,
            area,
            rng.pick(OBJECTS),
            paragraph(rng, area, n)
        );
    }
    chapters.push(("职责分工".to_string(), vec![duties.trim_end().to_string()]));

    let middle = 2 + rng.below(3);
    let picks = rng.distinct(CHAPTERS.len() - 1, middle);
    let first_middle = chapters.len();
    for &c in &picks {
        // CHAPTERS[0] is 职责分工, already present.
        chapters.push((CHAPTERS[c + 1].to_string(), Vec::new()));
    }

    // Fixed articles with the list and table shapes.
    let mut conditions = format!("申请{}相关扶持的，应当符合下列条件：\n\n", area);
    for k in 1..=3 + rng.below(3) {
        let _ = writeln!(
            conditions,
            "{}. {}{}{}；",
            k,
            rng.pick(VERBS),
            rng.pick(OBJECTS),
            if k % 2 == 0 {
                "符合有关规定"
            } else {
                "情况良好"
            }
        );
    }
    chapters[first_middle]
        .1
        .push(conditions.trim_end().to_string());

    let mut materials = "申请人应当提交下列材料：\n\n".to_string();
    let count = 3 + rng.below(4);
    for &m in &rng.distinct(MATERIALS.len(), count) {
        let _ = writeln!(materials, "- {}", MATERIALS[m]);
    }
    chapters[first_middle]
        .1
        .push(materials.trim_end().to_string());

    let rows = 3 + rng.below(4);
    let table = format!(
        "{}工作任务分解如下：\n\n{}",
        area,
        task_table(rng, p, rows).trim_end()
    );
    let last_middle = chapters.len() - 1;
    chapters[last_middle].1.push(table);

    let mut closing = vec![format!("本{}由{}负责解释。", word, DEPARTMENTS[p.dept].2)];
    let validity = if p.normative {
        format!("，有效期{}年", if p.provisional { 2 } else { 5 })
    } else {
        String::new()
    };
    closing.push(format!(
        "本{}自{}起施行{}。{}",
        word,
        p.effective.chinese(),
        validity,
        relation_sentences(p, all)
    ));

    let fixed: usize = chapters
        .iter()
        .flat_map(|(_, a)| a.iter())
        .chain(closing.iter())
        .map(|a| chars(a) + 5)
        .sum();
    let mut total = fixed + 8 * (chapters.len() + 1);
    let mut c = first_middle;
    while total < target {
        let n = 1 + rng.below(3);
        let article = paragraph(rng, area, n);
        total += chars(&article) + 5;
        chapters[c].1.push(article);
        c = if c + 1 >= chapters.len() {
            first_middle
        } else {
            c + 1
        };
    }
    chapters.push(("附则".to_string(), closing));

    let mut out = String::with_capacity(target * 4);
    let mut article = 0;
    for (k, (name, articles)) in chapters.iter().enumerate() {
        let _ = write!(out, "## 第{}章　{}\n\n", chinese_number(k + 1), name);
        for a in articles {
            article += 1;
            let _ = write!(out, "**第{}条**　{}\n\n", chinese_number(article), a);
        }
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

/// 方案/通知/意见/通报/要点: numbered sections with bold points.
fn plan_body(rng: &mut Rng, p: &Policy, all: &[Policy], target: usize) -> String {
    let area = p.area;
    let headings: [&str; 6] = match p.genre {
        Genre::Plan => [
            "总体要求",
            "工作目标",
            "主要任务",
            "实施步骤",
            "职责分工",
            "保障措施",
        ],
        Genre::Notice => [
            "总体要求",
            "工作目标",
            "重点工作",
            "时间安排",
            "任务分工",
            "工作要求",
        ],
        Genre::Opinion => [
            "指导思想",
            "主要目标",
            "重点任务",
            "推进步骤",
            "责任分工",
            "保障措施",
        ],
        _ => [
            "基本情况",
            "主要指标",
            "主要做法",
            "工作进度",
            "完成情况",
            "下一步工作",
        ],
    };
    let year = p.issued.year();

    let intro = format!(
        "为{}{}{}，{}，根据上级有关文件精神，结合我县实际，{}。",
        rng.pick(VERBS),
        area,
        rng.pick(OBJECTS),
        rng.pick(GOALS),
        match p.genre {
            Genre::Notice => "现就有关事项通知如下",
            Genre::Opinion => "提出如下意见",
            Genre::Report => "现将有关情况通报如下",
            _ => "制定本方案",
        }
    );
    let n = 2 + rng.below(2);
    let general = paragraph(rng, area, n);

    let mut goals = format!("{}\n\n", paragraph(rng, area, 1));
    for _ in 0..3 + rng.below(3) {
        let _ = writeln!(
            goals,
            "- 到{}年底，{}{}覆盖率达到{}%以上；",
            year + 1 + rng.below(3) as i32,
            area,
            rng.pick(OBJECTS),
            60 + rng.below(40)
        );
    }

    let mut steps = String::new();
    let phases = 3 + rng.below(3);
    let mut when = p.issued.add(rng.range(5, 30));
    for (k, &ph) in rng.distinct(PHASES.len(), phases).iter().enumerate() {
        let (y, m, _) = when.parts();
        let _ = writeln!(
            steps,
            "{}. {}（{}年{}月）：{}",
            k + 1,
            PHASES[ph],
            y,
            m,
            sentence(rng, area)
        );
        when = when.add(rng.range(25, 70));
    }

    let rows = 4 + rng.below(5);
    let table = task_table(rng, p, rows);

    let mut headings_left = Headings::new(rng);
    let mut support = String::new();
    for k in 0..2 + rng.below(2) {
        let heading = headings_left.take();
        let _ = write!(support, "{}\n\n", point(rng, area, k + 1, heading));
    }

    let closing = match p.genre {
        Genre::Notice => format!("特此通知。{}", relation_sentences(p, all)),
        Genre::Report => format!("特此通报。{}", relation_sentences(p, all)),
        _ => format!(
            "本{}自{}起施行{}。{}",
            p.genre_word,
            p.effective.chinese(),
            if p.normative {
                format!("，有效期{}年", if p.provisional { 2 } else { 5 })
            } else {
                String::new()
            },
            relation_sentences(p, all)
        ),
    };
    let signature = format!("{}\n\n{}", p.issuer, p.issued.chinese());

    let fixed = [
        &intro, &general, &goals, &steps, &table, &support, &closing, &signature,
    ]
    .iter()
    .map(|s| chars(s))
    .sum::<usize>()
        + 6 * 10;
    let mut tasks = String::new();
    let mut total = fixed;
    let mut k = 0;
    while total < target || k < 3 {
        k += 1;
        let heading = headings_left.take();
        let pt = point(rng, area, k, heading);
        total += chars(&pt);
        tasks.push_str(&pt);
        tasks.push_str("\n\n");
    }

    let mut out = String::with_capacity(target * 4);
    let _ = write!(out, "{intro}\n\n");
    let sections = [
        general,
        goals.trim_end().to_string(),
        tasks.trim_end().to_string(),
        steps.trim_end().to_string(),
        table.trim_end().to_string(),
        support.trim_end().to_string(),
    ];
    for (k, (h, body)) in headings.iter().zip(sections.iter()).enumerate() {
        let _ = write!(out, "## {}、{}\n\n{}\n\n", chinese_number(k + 1), h, body);
    }
    let _ = writeln!(out, "{closing}\n\n{signature}");
    out
}

/// The body of an interpretation, 800–1,500 characters.
pub fn interpretation_body(rng: &mut Rng, p: &Policy, form: &str) -> String {
    let target = rng.range(800, 1300) as usize;
    let area = p.area;
    let mut out = String::with_capacity(target * 4);
    if form == "答记者问" || form == "新闻发布会" {
        let _ = write!(
            out,
            "近日，{}印发《{}》（{}）。{}负责人就文件有关情况回答了记者提问。\n\n",
            p.issuer, p.short_title, p.doc_no, DEPARTMENTS[p.dept].2
        );
        let mut k = 0;
        while chars(&out) < target {
            let q = QUESTIONS[k % QUESTIONS.len()];
            k += 1;
            let n = 1 + rng.below(3);
            let _ = write!(
                out,
                "**问：{}？**\n\n答：{}\n\n",
                q,
                paragraph(rng, area, n)
            );
        }
    } else {
        let n = 2 + rng.below(2);
        let _ = write!(
            out,
            "## 一、起草背景\n\n为{}{}{}，{}起草了《{}》。{}\n\n",
            rng.pick(VERBS),
            area,
            rng.pick(OBJECTS),
            DEPARTMENTS[p.dept].2,
            p.short_title,
            paragraph(rng, area, n)
        );
        let _ = write!(
            out,
            "## 二、主要内容\n\n《{}》主要包括以下方面：\n\n",
            p.short_title
        );
        let tail = format!(
            "## 三、施行时间\n\n《{}》自{}起施行。\n",
            p.short_title,
            p.effective.chinese()
        );
        let mut k = 0;
        let mut headings = Headings::new(rng);
        while chars(&out) + chars(&tail) < target {
            k += 1;
            let heading = headings.take();
            let _ = write!(out, "{}\n\n", point(rng, area, k, heading));
        }
        out.push_str(&tail);
        return out;
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_numbers() {
        assert_eq!(chinese_number(1), "一");
        assert_eq!(chinese_number(10), "十");
        assert_eq!(chinese_number(12), "十二");
        assert_eq!(chinese_number(20), "二十");
        assert_eq!(chinese_number(35), "三十五");
    }
}
