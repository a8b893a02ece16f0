//! The unchanged rebuild: a build whose inputs match the published folder's manifest
//! renders nothing and writes nothing, and the manifest is never trusted on its own — a
//! file deleted or edited by hand in the output is repaired by the next build, and any
//! change of input (content, `--as-of`, `base_url`) renders again.

mod common;
use common::*;
use std::path::Path;

/// `build --timings`: (exit code, stderr).
fn build_timed(root: &Path, out: &Path, extra: &[&str]) -> (i32, String) {
    let o = gongkai()
        .args(["build", "--timings", "--root"])
        .arg(root)
        .arg("--output")
        .arg(out)
        .args(extra)
        .output()
        .unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

fn as_of(day: &str) -> [&str; 2] {
    ["--as-of", day]
}

/// Whether the build rendered pages (its timings name the render stage).
fn rendered(stderr: &str) -> bool {
    stderr
        .lines()
        .any(|l| l.trim_start().starts_with("render:"))
}

/// The "写入 N 个" count of the summary line.
fn written(stderr: &str) -> usize {
    let at = stderr.find("写入 ").expect("summary line") + "写入 ".len();
    stderr[at..].split(' ').next().unwrap().parse().unwrap()
}

/// Path, inode, length and modification time of everything under `dir` (the folder
/// itself included).
#[cfg(unix)]
fn stamps(dir: &Path) -> Vec<(String, u64, u64, i64, i64)> {
    use std::os::unix::fs::MetadataExt;
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .map(|e| {
            let e = e.unwrap();
            let m = e.metadata().unwrap();
            (
                e.path().display().to_string(),
                m.ino(),
                m.len(),
                m.mtime(),
                m.mtime_nsec(),
            )
        })
        .collect()
}

/// Every file under `dir` with a digest of its bytes (short enough to show in a failure).
fn tree(dir: &Path) -> Vec<(String, usize, u64)> {
    use std::hash::{Hash, Hasher};
    snapshot_tree(dir)
        .into_iter()
        .map(|(p, b)| {
            let mut h = std::collections::hash_map::DefaultHasher::new();
            b.hash(&mut h);
            (p.display().to_string(), b.len(), h.finish())
        })
        .collect()
}

/// The diagnostic lines of a build's stderr (the timings and summary differ by run).
fn diagnostic_lines(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|l| l.starts_with("警告") || l.starts_with("错误") || l.contains("提示"))
        .collect()
}

/// A site with a Markdown finding (a skipped heading level, W0604), which only
/// rendering reports: the unchanged rebuild must still show it.
fn site() -> tempfile::TempDir {
    let site = fixture("mini");
    std::fs::write(
        site.path().join("content/guide/跳级.md"),
        "---\ntitle: 跳级标题\n---\n## 一、总体情况\n\n#### 细节\n\n正文。\n",
    )
    .unwrap();
    site
}

#[cfg(unix)]
#[test]
fn an_unchanged_rebuild_writes_nothing_and_shows_the_same_warnings() {
    let site = site();
    let out = site.path().join("public");
    let (code, first) = build_timed(site.path(), &out, &as_of("2026-11-22"));
    assert_eq!(code, 0, "{first}");
    assert!(rendered(&first));
    assert!(first.contains("W0604"), "{first}");
    let before = stamps(&out);
    let want = tree(&out);

    let (code, second) = build_timed(site.path(), &out, &as_of("2026-11-22"));
    assert_eq!(code, 0, "{second}");
    assert!(
        !rendered(&second),
        "the unchanged rebuild rendered:\n{second}"
    );
    assert_eq!(written(&second), 0, "{second}");
    assert_eq!(diagnostic_lines(&second), diagnostic_lines(&first));
    assert_eq!(
        stamps(&out),
        before,
        "an unchanged rebuild touched the output"
    );
    assert_eq!(tree(&out), want);
    let parent: Vec<String> = std::fs::read_dir(site.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("gongkai-") && !n.ends_with("-lock"))
        .collect();
    assert!(parent.is_empty(), "left beside the output: {parent:?}");
}

#[test]
fn a_hand_deleted_output_file_is_restored() {
    let site = site();
    let out = site.path().join("public");
    assert_eq!(build_timed(site.path(), &out, &as_of("2026-11-22")).0, 0);
    let want = tree(&out);
    let page = want
        .iter()
        .map(|(p, _, _)| p.clone())
        .find(|p| p.starts_with("policies") && p.ends_with("index.html"))
        .unwrap();
    std::fs::remove_file(out.join(&page)).unwrap();

    let (code, err) = build_timed(site.path(), &out, &as_of("2026-11-22"));
    assert_eq!(code, 0, "{err}");
    assert!(rendered(&err), "{err}");
    assert_eq!(written(&err), 1, "{err}");
    assert_eq!(tree(&out), want);
}

/// The edit keeps the length and the modification time: only reading the bytes sees it.
#[test]
fn a_hand_edited_output_file_of_the_same_length_is_restored() {
    let site = site();
    let out = site.path().join("public");
    assert_eq!(build_timed(site.path(), &out, &as_of("2026-11-22")).0, 0);
    let want = tree(&out);
    let file = out.join("index.html");
    let modified = std::fs::metadata(&file).unwrap().modified().unwrap();
    let mut bytes = std::fs::read(&file).unwrap();
    let at = bytes.iter().rposition(|&b| b == b'>').unwrap();
    bytes[at - 1] = if bytes[at - 1] == b'x' { b'y' } else { b'x' };
    std::fs::write(&file, &bytes).unwrap();
    std::fs::File::options()
        .write(true)
        .open(&file)
        .unwrap()
        .set_modified(modified)
        .unwrap();

    let (code, err) = build_timed(site.path(), &out, &as_of("2026-11-22"));
    assert_eq!(code, 0, "{err}");
    assert_eq!(written(&err), 1, "{err}");
    assert_eq!(tree(&out), want);
}

#[test]
fn a_hand_added_output_file_is_removed() {
    let site = site();
    let out = site.path().join("public");
    assert_eq!(build_timed(site.path(), &out, &as_of("2026-11-22")).0, 0);
    let want = tree(&out);
    std::fs::write(out.join("policies/后加的.html"), "x").unwrap();
    let (code, err) = build_timed(site.path(), &out, &as_of("2026-11-22"));
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("删除 1 个"), "{err}");
    assert_eq!(tree(&out), want);
}

#[test]
fn an_edited_content_file_is_picked_up() {
    let site = site();
    let out = site.path().join("public");
    assert_eq!(build_timed(site.path(), &out, &as_of("2026-11-22")).0, 0);
    let page = site.path().join("content/guide/跳级.md");
    let text = std::fs::read_to_string(&page).unwrap();
    std::fs::write(&page, text.replace("正文。", "新增的正文。")).unwrap();
    let (code, err) = build_timed(site.path(), &out, &as_of("2026-11-22"));
    assert_eq!(code, 0, "{err}");
    assert!(rendered(&err), "{err}");
    let html = snapshot_tree(&out)
        .into_iter()
        .find(|(_, b)| String::from_utf8_lossy(b).contains("跳级标题</h1>"))
        .map(|(_, b)| String::from_utf8(b).unwrap())
        .expect("the page");
    assert!(html.contains("新增的正文。"), "{html}");
}

#[test]
fn a_changed_as_of_or_base_url_renders_again() {
    let site = site();
    let out = site.path().join("public");
    assert_eq!(build_timed(site.path(), &out, &as_of("2026-11-22")).0, 0);
    let (code, err) = build_timed(site.path(), &out, &as_of("2026-11-23"));
    assert_eq!(code, 0, "{err}");
    assert!(rendered(&err), "a new --as-of did not render:\n{err}");
    let mut args = as_of("2026-11-23").to_vec();
    args.extend(["--base-url", "https://staging.example.gov.cn/gk/"]);
    let (code, err) = build_timed(site.path(), &out, &args);
    assert_eq!(code, 0, "{err}");
    assert!(rendered(&err), "a new base_url did not render:\n{err}");
    assert!(read(&out, "sitemap.xml").contains("https://staging.example.gov.cn/gk/"));
    // And the same inputs again: nothing to do.
    let (code, err) = build_timed(site.path(), &out, &args);
    assert_eq!(code, 0, "{err}");
    assert!(!rendered(&err), "{err}");
}

#[test]
fn a_corrupted_marker_means_a_full_build() {
    let site = site();
    let out = site.path().join("public");
    assert_eq!(build_timed(site.path(), &out, &as_of("2026-11-22")).0, 0);
    let want = tree(&out);
    let marker = out.join(".gongkai-output");
    let text = std::fs::read_to_string(&marker).unwrap();
    let damaged = [
        text[..text.len() / 2].to_string(),
        text.replace("fingerprint ", "fingerprint zz"),
        text.replace("file ", "file 00"),
        format!("{text}file 0 0 \"index.html\"\n"),
        "此目录由 gongkai 生成；构建时会更新或删除其中的文件。\n".to_string(),
        String::new(),
    ];
    for bad in damaged {
        std::fs::write(&marker, &bad).unwrap();
        let (code, err) = build_timed(site.path(), &out, &as_of("2026-11-22"));
        assert_eq!(code, 0, "{err}");
        assert!(rendered(&err), "trusted a damaged marker:\n{bad}\n{err}");
        assert_eq!(written(&err), 1, "{err}");
        assert_eq!(tree(&out), want);
    }
}

/// What a power cut shortly after a build without `durable_output` can leave: files the
/// kernel had not yet written back are empty or short, with their names, sizes as the
/// disk has them and fresh or old modification times — the marker among them. The next
/// build must find every one and rewrite exactly those.
#[test]
fn files_a_power_cut_left_empty_or_short_are_rewritten_by_the_next_build() {
    let site = site();
    let out = site.path().join("public");
    assert_eq!(build_timed(site.path(), &out, &as_of("2026-11-22")).0, 0);
    let want = tree(&out);
    let pages: Vec<String> = want
        .iter()
        .map(|(p, _, _)| p.clone())
        .filter(|p| p.ends_with("index.html"))
        .take(3)
        .collect();
    assert_eq!(pages.len(), 3);
    let cut = |path: &Path, keep: u64| {
        let f = std::fs::File::options().write(true).open(path).unwrap();
        let modified = f.metadata().unwrap().modified().unwrap();
        f.set_len(keep).unwrap();
        f.set_modified(modified).unwrap();
    };
    cut(&out.join(&pages[0]), 0);
    cut(&out.join(&pages[1]), 0);
    let short = out.join(&pages[2]);
    cut(&short, std::fs::metadata(&short).unwrap().len() / 2);
    cut(&out.join("search.json"), 0);

    // The marker intact: the manifest's lengths and hashes find the damage.
    let (code, err) = build_timed(site.path(), &out, &as_of("2026-11-22"));
    assert_eq!(code, 0, "{err}");
    assert!(rendered(&err), "trusted damaged files:\n{err}");
    assert_eq!(written(&err), 4, "{err}");
    assert_eq!(tree(&out), want);

    // The marker empty too: a full build that compares every file.
    cut(&out.join(&pages[0]), 0);
    cut(&out.join(".gongkai-output"), 0);
    let (code, err) = build_timed(site.path(), &out, &as_of("2026-11-22"));
    assert_eq!(code, 0, "{err}");
    assert_eq!(written(&err), 2, "{err}");
    assert_eq!(tree(&out), want);
}

/// `durable_output = true` waits for the disk before the switch (and takes the same
/// path otherwise): the same site, nothing left beside it, and a second build with
/// the same inputs still writes nothing.
#[test]
fn a_durable_build_publishes_the_same_site() {
    let site = site();
    let out = site.path().join("public");
    assert_eq!(build_timed(site.path(), &out, &as_of("2026-11-22")).0, 0);
    let want = tree(&out);
    let config = site.path().join("config.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, format!("durable_output = true\n{text}")).unwrap();
    let durable = site.path().join("durable");
    for _ in 0..2 {
        let (code, err) = build_timed(site.path(), &durable, &as_of("2026-11-22"));
        assert_eq!(code, 0, "{err}");
    }
    let (code, err) = build_timed(site.path(), &durable, &as_of("2026-11-22"));
    assert_eq!(code, 0, "{err}");
    assert_eq!(written(&err), 0, "{err}");
    // The markers differ: config.toml is one of the inputs they fingerprint.
    let pages = |t: Vec<(String, usize, u64)>| -> Vec<(String, usize, u64)> {
        t.into_iter()
            .filter(|(p, _, _)| p != ".gongkai-output")
            .collect()
    };
    assert_eq!(pages(tree(&durable)), pages(want));
    let beside: Vec<String> = std::fs::read_dir(site.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("gongkai-") && !n.ends_with("-lock"))
        .collect();
    assert!(beside.is_empty(), "left beside the output: {beside:?}");
}
