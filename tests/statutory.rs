//! Statutory judgements end to end: the working-day calendar in 第二十六条 and 三同步,
//! 主动公开 only for W0221, 发文字号 forms, 索引号 formats, 统一登记号 and calendar warnings,
//! each on a small site checked by the real binary.

mod common;
use common::*;
use std::path::Path;

const CONFIG: &str = "title = \"测试市政府信息公开\"\nbase_url = \"https://test.example.gov.cn/\"\n[identity]\norganizer = \"测试市人民政府办公室\"\noperator = \"测试市大数据中心\"\nsite_code = \"bm12345678\"\nicp = \"x\"\npolice_record = \"y\"\n[index]\norg_code = \"1111111111\"\n";

/// A temp site with `config.toml` = [`CONFIG`] + `extra_config` and the given files.
fn site(extra_config: &str, files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("config.toml"),
        format!("{CONFIG}{extra_config}"),
    )
    .unwrap();
    for (rel, text) in files {
        let path = dir.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

fn policy(n: u32, issued: &str, published: &str, extra: &str) -> String {
    format!(
        "---\ntitle: 文件{n}\nindex_no: 1111111111/{}-{n:05}\nissuer: 测试市人民政府\nissued: {issued}\npublished: {published}\n{extra}---\n正文{n}\n",
        &issued[..4]
    )
}

/// The diagnostics of `check --format json` with this code.
fn with_code(root: &Path, code: &str) -> Vec<serde_json::Value> {
    let (_, v) = check_json(root);
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == code)
        .cloned()
        .collect()
}

/// The text of the one file `new` wrote into `dir`.
fn only_file(dir: &Path) -> String {
    let entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(entries.len(), 1, "{entries:?}");
    std::fs::read_to_string(&entries[0]).unwrap()
}

#[test]
fn article_26_counts_the_official_calendar() {
    let s = site(
        "",
        &[
            // The 20th working day after 2024-09-20 (Monday–Friday counting says 23rd).
            (
                "content/policies/a.md",
                &policy(1, "2024-09-20", "2024-10-23", ""),
            ),
            // The 21st after 2019-10-07: the make-up Saturday 2019-10-12 counts.
            (
                "content/policies/b.md",
                &policy(2, "2019-10-07", "2019-11-04", ""),
            ),
        ],
    );
    let late = with_code(s.path(), "W0221");
    assert_eq!(late.len(), 1, "{late:#?}");
    assert_eq!(late[0]["file"], "content/policies/b.md");
    let m = late[0]["message"].as_str().unwrap();
    assert!(
        m.contains("第 21 个工作日") && m.contains("2019-11-01"),
        "{m}"
    );
}

#[test]
fn w0221_applies_only_to_proactive_disclosure() {
    let s = site(
        "",
        &[
            (
                "content/policies/a.md",
                &policy(1, "2019-10-07", "2019-11-04", "公开方式: 依申请公开\n"),
            ),
            (
                "content/policies/b.md",
                &policy(2, "2019-10-07", "2019-11-04", "公开方式: 主动公开\n"),
            ),
        ],
    );
    let late = with_code(s.path(), "W0221");
    assert_eq!(late.len(), 1, "{late:#?}");
    assert_eq!(late[0]["file"], "content/policies/b.md");
    let (_, v) = check_json(s.path());
    assert_eq!(v["sync"]["published_late"], 1);
}

#[test]
fn sync_window_is_three_working_days() {
    let interpretation = |n: u32, date: &str| {
        format!("---\ntitle: 解读{n}\npublished: {date}\n解读对象: 1111111111/2024-00001\n---\n解读正文\n")
    };
    // Friday policy; Wednesday interpretation on time, Thursday late.
    let s = site(
        "",
        &[
            (
                "content/policies/a.md",
                &policy(1, "2024-03-01", "2024-03-01", "normative: true\n"),
            ),
            (
                "content/interpretations/a.md",
                &interpretation(1, "2024-03-06"),
            ),
            (
                "content/interpretations/b.md",
                &interpretation(2, "2024-03-07"),
            ),
        ],
    );
    let late = with_code(s.path(), "W0305");
    assert_eq!(late.len(), 1, "{late:#?}");
    assert_eq!(late[0]["file"], "content/interpretations/b.md");
    assert!(late[0]["message"]
        .as_str()
        .unwrap()
        .contains("第 4 个工作日"));
    // 0 means the same day: the Wednesday one is late too.
    std::fs::write(
        s.path().join("config.toml"),
        format!("{CONFIG}[interpretation]\nsync_days = 0\n"),
    )
    .unwrap();
    assert_eq!(with_code(s.path(), "W0305").len(), 2);
}

#[test]
fn a_year_without_calendar_data_warns_once_and_can_be_added() {
    let files = [
        (
            "content/policies/a.md",
            policy(1, "2031-01-06", "2031-01-08", ""),
        ),
        (
            "content/policies/b.md",
            policy(2, "2031-03-02", "2031-03-05", ""),
        ),
    ];
    let files: Vec<(&str, &str)> = files.iter().map(|(a, b)| (*a, b.as_str())).collect();
    let s = site("", &files);
    let missing = with_code(s.path(), "W0030");
    assert_eq!(missing.len(), 1, "{missing:#?}");
    let text = format!("{}{}", missing[0]["message"], missing[0]["help"]);
    assert!(
        text.contains("2031") && text.contains("[calendar.2031]"),
        "{text}"
    );
    // Monday–Friday fallback: a Monday-to-Wednesday publication is on time.
    assert!(with_code(s.path(), "W0221").is_empty());

    let s = site(
        "[calendar.2031]\nsource = \"国务院办公厅关于2031年部分节假日安排的通知\"\nholidays = [\"2031-01-01\"]\n",
        &files,
    );
    assert!(with_code(s.path(), "W0030").is_empty());

    // A mistyped year crosses a century of missing tables: one warning, not a hundred.
    let s = site(
        "",
        &[(
            "content/policies/a.md",
            &policy(1, "2024-03-01", "2204-03-01", ""),
        )],
    );
    let missing = with_code(s.path(), "W0030");
    assert_eq!(missing.len(), 1, "{missing:#?}");
    assert!(missing[0]["message"]
        .as_str()
        .unwrap()
        .contains("2027—2204 年中的 178 个年份"));
}

#[test]
fn doc_numbers_with_leading_zeros_match_and_are_warned() {
    let s = site(
        "",
        &[
            (
                "content/policies/a.md",
                &policy(1, "2024-03-01", "2024-03-01", "doc_no: 测政办发[2024]09号\n"),
            ),
            (
                "content/interpretations/a.md",
                "---\ntitle: 解读\npublished: 2024-03-01\n解读对象: 测政办发〔2024〕9号\n---\n正文\n",
            ),
        ],
    );
    let (code, v) = check_json(s.path());
    assert_eq!(code, 0, "{v:#}");
    let warned = with_code(s.path(), "W0240");
    assert_eq!(warned.len(), 1, "{warned:#?}");
    assert!(warned[0]["message"]
        .as_str()
        .unwrap()
        .contains("应写作“测政办发〔2024〕9号”"));
    assert!(with_code(s.path(), "E0303").is_empty());
}

#[test]
fn require_reg_no_makes_a_missing_registration_number_an_error() {
    let files = [
        (
            "content/policies/a.md",
            policy(1, "2024-03-01", "2024-03-01", "normative: true\n"),
        ),
        (
            "content/policies/b.md",
            policy(
                2,
                "2024-03-01",
                "2024-03-01",
                "normative: true\nreg_no: CSSR-2024-00001\n",
            ),
        ),
        // Not normative: no 统一登记号 needed.
        (
            "content/policies/c.md",
            policy(3, "2024-03-01", "2024-03-01", ""),
        ),
    ];
    let files: Vec<(&str, &str)> = files.iter().map(|(a, b)| (*a, b.as_str())).collect();
    let off = site("", &files);
    assert!(with_code(off.path(), "E0241").is_empty());
    let on = site("[validity]\nrequire_reg_no = true\n", &files);
    let errors = with_code(on.path(), "E0241");
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_eq!(errors[0]["file"], "content/policies/a.md");
    assert_eq!(errors[0]["line"], 7);
    assert_eq!(check_json(on.path()).0, 1);
}

#[test]
fn index_format_with_month_segment_checks_shape_and_assigns_next_number() {
    let config = "format = \"{org}/{year}{month}-{seq:05}\"\n";
    let s = site(
        config,
        &[
            (
                "content/policies/a.md",
                "---\ntitle: 甲\nindex_no: 1111111111/202403-00007\nissuer: 测试市人民政府\nissued: 2024-03-01\npublished: 2024-03-01\n---\n正文\n",
            ),
            (
                "content/policies/b.md",
                "---\ntitle: 乙\nindex_no: 1111111111/2024-00008\nissuer: 测试市人民政府\nissued: 2024-03-01\npublished: 2024-03-01\n---\n正文\n",
            ),
        ],
    );
    let shape = with_code(s.path(), "W0213");
    assert_eq!(shape.len(), 1, "{shape:#?}");
    assert_eq!(shape[0]["file"], "content/policies/b.md");
    assert!(shape[0]["message"]
        .as_str()
        .unwrap()
        .contains("1111111111/202401-00001"));
    let o = gongkai()
        .args([
            "new",
            "policy",
            "关于新文件的通知",
            "--date",
            "2024-05-06",
            "--root",
        ])
        .arg(s.path())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let created = only_file(&s.path().join("content/policies/2024"));
    assert!(
        created.contains("索引号: 1111111111/202405-00008"),
        "{created}"
    );
}

#[test]
fn index_format_with_category_needs_a_class_for_new_policies() {
    let s = site("format = \"{org}-{class}-{year}-{seq}\"\n", &[]);
    std::fs::create_dir_all(s.path().join("content")).unwrap();
    let o = gongkai()
        .args(["new", "policy", "甲", "--date", "2024-05-06", "--root"])
        .arg(s.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("class"));
    std::fs::write(
        s.path().join("config.toml"),
        format!("{CONFIG}format = \"{{org}}-{{class}}-{{year}}-{{seq}}\"\nclass = \"A01\"\n"),
    )
    .unwrap();
    let o = gongkai()
        .args(["new", "policy", "甲", "--date", "2024-05-06", "--root"])
        .arg(s.path())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let created = only_file(&s.path().join("content/policies/2024"));
    assert!(
        created.contains("索引号: 1111111111-A01-2024-1"),
        "{created}"
    );
}
