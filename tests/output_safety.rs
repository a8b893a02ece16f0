//! What a build promises about the file system: nothing hidden and nothing from outside
//! the site is published; the output is the old site or the new one, never a mix (even
//! under kill -9); two builds never interleave; nothing is written through a link; an
//! output folder overlapping the sources is refused.

mod common;
use common::*;
use std::path::{Path, PathBuf};

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn page(title: &str, body: &str) -> String {
    format!("---\ntitle: {title}\n---\n{body}\n")
}

/// Every file under `dir`, relative, `/`-separated.
fn listing(dir: &Path) -> Vec<String> {
    snapshot_tree(dir)
        .into_iter()
        .map(|(p, _)| p.to_string_lossy().replace('\\', "/"))
        .collect()
}

/// The folders gongkai keeps beside `out` while it works (none after a finished build,
/// apart from the lock file).
fn leftovers(out: &Path) -> Vec<PathBuf> {
    let name = out.file_name().unwrap().to_string_lossy().into_owned();
    let mut found: Vec<PathBuf> = std::fs::read_dir(out.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let n = p.file_name().unwrap().to_string_lossy().into_owned();
            n.starts_with(&format!(".{name}.gongkai-")) && !n.ends_with("-lock")
        })
        .collect();
    found.sort();
    found
}

#[test]
fn hidden_files_and_folders_are_never_published() {
    let site = fixture("mini");
    let root = site.path();
    for hidden in [
        "content/policies/.drafts/未定稿.md",
        "content/.git/说明.md",
        "content/guide/.trash/旧指南.md",
        "content/guide/指南.md~",
        "content/guide/#指南.md#",
        "content/guide/.指南.md.swp",
    ] {
        write(&root.join(hidden), &page("草稿机密", "不应发布"));
    }
    write(&root.join("static/.secret.txt"), "机密");
    write(&root.join("static/css/site.css~"), "机密");
    write(&root.join("static/.git/config"), "机密");
    write(&root.join("templates/.page.html.swp"), "机密");
    let out = root.join("public");
    let (code, _, err) = build(root, &out, "2026-11-22");
    assert_eq!(code, 0, "{err}");
    let files = listing(&out);
    for f in &files {
        assert!(
            !f.contains("/.") && !f.starts_with(".git") && !f.contains('~') && !f.contains('#'),
            "hidden file published: {f}"
        );
        if f.ends_with(".html") {
            assert!(!read(&out, f).contains("草稿机密"), "{f} shows a draft");
        }
    }
    assert!(files.iter().any(|f| f == ".gongkai-output"));
    assert!(!files.iter().any(|f| f.contains("secret")), "{files:?}");
}

#[test]
fn theme_outside_the_site_is_refused_even_when_themes_exist() {
    let site = fixture("mini");
    let root = site.path();
    std::fs::create_dir_all(root.join("themes/own/static")).unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    write(&elsewhere.path().join("static/leak.txt"), "站外文件");
    let config = std::fs::read_to_string(root.join("config.toml")).unwrap();
    for theme in [
        elsewhere.path().display().to_string(),
        "../../outside".to_string(),
        "own/../../x".to_string(),
        ".hidden".to_string(),
    ] {
        std::fs::write(
            root.join("config.toml"),
            format!("theme = \"{theme}\"\n{config}"),
        )
        .unwrap();
        let (code, json) = check_json(root);
        assert_eq!(code, 1, "{theme}");
        let text = json.to_string();
        assert!(text.contains("E0131"), "{theme}: {text}");
        let out = root.join("public");
        let (code, _, _) = build(root, &out, "2026-11-22");
        assert_eq!(code, 1);
        assert!(!out.exists(), "{theme}: a failed build created the output");
    }
}

/// A site whose pages all change between two versions, big enough that the write phase
/// has many steps.
fn two_versions(root: &Path, docs: usize) -> (PathBuf, PathBuf) {
    let base = fixture("mini");
    let config = std::fs::read_to_string(base.path().join("config.toml")).unwrap();
    let mut roots = Vec::new();
    for version in ["old", "new"] {
        let site = root.join(version);
        std::fs::create_dir_all(&site).unwrap();
        std::fs::write(site.join("config.toml"), &config).unwrap();
        for i in 0..docs {
            // The new version changes every page, drops a tenth and adds a few.
            if version == "new" && i % 10 == 3 {
                continue;
            }
            write(
                &site.join(format!("content/pages/p{i:04}.md")),
                &page(&format!("页面{i}"), &format!("{version} 版正文 {i}")),
            );
        }
        if version == "new" {
            for i in 0..5 {
                write(
                    &site.join(format!("content/pages/新增/q{i}.md")),
                    &page(&format!("新页面{i}"), "新增"),
                );
            }
        }
        roots.push(site);
    }
    (roots.remove(0), roots.remove(0))
}

fn build_env(root: &Path, out: &Path, env: &[(&str, &str)]) -> (Option<i32>, String) {
    let mut cmd = gongkai();
    cmd.args(["build", "--as-of", "2026-11-22", "--root"])
        .arg(root)
        .arg("--output")
        .arg(out);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let o = cmd.output().unwrap();
    (
        o.status.code(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn a_build_killed_at_any_step_of_the_write_phase_leaves_the_old_or_the_new_site() {
    let dir = tempfile::tempdir().unwrap();
    let (old, new) = two_versions(dir.path(), 60);
    // Reference snapshots.
    let reference = dir.path().join("ref");
    let (code, err) = build_env(&old, &reference.join("old"), &[]);
    assert_eq!(code, Some(0), "{err}");
    let (code, err) = build_env(&new, &reference.join("new"), &[]);
    assert_eq!(code, Some(0), "{err}");
    let old_tree = snapshot_tree(&reference.join("old"));
    let new_tree = snapshot_tree(&reference.join("new"));
    assert_ne!(old_tree, new_tree);

    let out = dir.path().join("site").join("public");
    // Kill at `step`; true when the build got past its last write step and finished.
    let kill_at = |step: usize| -> bool {
        // Start from the published old site (this build also repairs the last kill).
        let (code, err) = build_env(&old, &out, &[]);
        assert_eq!(
            code,
            Some(0),
            "restoring the old site before step {step}: {err}"
        );
        assert!(snapshot_tree(&out) == old_tree, "old site not restored");
        let (code, err) = build_env(&new, &out, &[("GONGKAI_CRASH_AFTER", &step.to_string())]);
        let now = snapshot_tree(&out);
        assert!(
            now == old_tree || now == new_tree,
            "killed at step {step}: the output is a mix of old and new"
        );
        if code == Some(0) {
            assert!(now == new_tree);
            return true;
        }
        assert_eq!(
            code, None,
            "killed at step {step}, expected a signal: {err}"
        );
        // The next build finishes the job.
        let (code, err) = build_env(&new, &out, &[]);
        assert_eq!(code, Some(0), "after the kill at step {step}: {err}");
        assert!(
            snapshot_tree(&out) == new_tree,
            "not repaired after step {step}"
        );
        assert!(leftovers(&out).is_empty(), "{:?}", leftovers(&out));
        false
    };
    // Early steps one by one, then doubling until a build finishes...
    let mut step = 1;
    let mut kills = 0;
    while !kill_at(step) {
        kills += 1;
        step = if step < 4 { step + 1 } else { step * 2 };
    }
    // ...then find the last step (binary search) and kill at each of the final ones: the
    // flush, the switch and the deletion of the old tree.
    let (mut lo, mut hi) = (step / 2, step);
    while hi - lo > 1 {
        let mid = (lo + hi) / 2;
        if kill_at(mid) {
            hi = mid;
        } else {
            lo = mid;
            kills += 1;
        }
    }
    for step in lo.saturating_sub(16)..lo {
        assert!(!kill_at(step.max(1)));
        kills += 1;
    }
    assert!(kills >= 20, "only {kills} kill points");
}

#[test]
fn an_unchanged_rebuild_writes_nothing_and_swaps_nothing() {
    let site = fixture("mini");
    let out = site.path().join("public");
    let (code, _, err) = build(site.path(), &out, "2026-11-22");
    assert_eq!(code, 0, "{err}");
    let before = std::fs::metadata(out.join("index.html")).unwrap();
    let (code, _, err) = build(site.path(), &out, "2026-11-22");
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("写入 0 个"), "{err}");
    let after = std::fs::metadata(out.join("index.html")).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        assert_eq!(before.ino(), after.ino());
        assert_eq!(
            std::fs::metadata(&out).unwrap().ino(),
            std::fs::metadata(&out).unwrap().ino()
        );
    }
    assert_eq!(before.modified().unwrap(), after.modified().unwrap());
    assert!(leftovers(&out).is_empty());
}

#[cfg(unix)]
#[test]
fn a_second_build_while_the_output_is_locked_changes_nothing_and_says_so() {
    let site = fixture("mini");
    let out = site.path().join("public");
    let (code, _, err) = build(site.path(), &out, "2026-11-22");
    assert_eq!(code, 0, "{err}");
    let before = snapshot_tree(&out);
    let lock = std::fs::File::open(site.path().join(".public.gongkai-lock")).unwrap();
    rustix::fs::flock(&lock, rustix::fs::FlockOperation::LockExclusive).unwrap();
    write(
        &site.path().join("content/guide/新.md"),
        &page("新", "正文"),
    );
    let (code, _, err) = build(site.path(), &out, "2026-11-22");
    assert_ne!(code, 0);
    assert!(err.contains("另一个 gongkai 构建正在写入输出目录"), "{err}");
    assert!(snapshot_tree(&out) == before);
    drop(lock);
    let (code, _, err) = build(site.path(), &out, "2026-11-22");
    assert_eq!(code, 0, "{err}");
}

#[test]
fn two_builds_at_once_end_with_a_complete_site_and_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let (_, new) = two_versions(dir.path(), 150);
    let reference = dir.path().join("ref");
    let (code, err) = build_env(&new, &reference, &[]);
    assert_eq!(code, Some(0), "{err}");
    let expected = snapshot_tree(&reference);
    let out = dir.path().join("public");
    let bin = assert_cmd::cargo::cargo_bin("gongkai");
    let spawn = || {
        std::process::Command::new(&bin)
            .args(["build", "--as-of", "2026-11-22", "--root"])
            .arg(&new)
            .arg("--output")
            .arg(&out)
            .stderr(std::process::Stdio::piped())
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap()
    };
    let (a, b) = (spawn(), spawn());
    let results: Vec<_> = [a, b]
        .into_iter()
        .map(|c| c.wait_with_output().unwrap())
        .collect();
    let ok = results.iter().filter(|r| r.status.success()).count();
    assert!(ok >= 1, "neither build succeeded");
    for r in results.iter().filter(|r| !r.status.success()) {
        let err = String::from_utf8_lossy(&r.stderr);
        assert!(
            err.contains("另一个 gongkai 构建正在写入输出目录"),
            "unclear message: {err}"
        );
        assert_eq!(err.lines().filter(|l| l.contains("错误")).count(), 1);
    }
    assert!(snapshot_tree(&out) == expected, "incomplete site");
    assert!(leftovers(&out).is_empty());
}

#[test]
fn a_user_folder_with_the_staging_name_is_not_deleted() {
    let site = fixture("mini");
    let out = site.path().join("public");
    let mine = site.path().join(".public.gongkai-staging");
    write(&mine.join("我的文件.txt"), "重要");
    let (code, _, err) = build(site.path(), &out, "2026-11-22");
    assert_ne!(code, 0);
    assert!(err.contains("不是 gongkai 创建的"), "{err}");
    assert_eq!(
        std::fs::read_to_string(mine.join("我的文件.txt")).unwrap(),
        "重要"
    );
    assert!(!out.exists());
}

#[cfg(unix)]
#[test]
fn a_symlink_inside_the_output_is_never_written_through() {
    let site = fixture("mini");
    let out = site.path().join("public");
    let (code, _, err) = build(site.path(), &out, "2026-11-22");
    assert_eq!(code, 0, "{err}");
    let elsewhere = tempfile::tempdir().unwrap();
    std::fs::remove_dir_all(out.join("policies")).unwrap();
    std::os::unix::fs::symlink(elsewhere.path(), out.join("policies")).unwrap();
    let before = snapshot_tree(&out);
    let (code, _, err) = build(site.path(), &out, "2026-11-22");
    assert_ne!(code, 0);
    assert!(err.contains("是符号链接"), "{err}");
    assert!(
        std::fs::read_dir(elsewhere.path())
            .unwrap()
            .next()
            .is_none(),
        "wrote through the link"
    );
    assert!(std::fs::symlink_metadata(out.join("policies"))
        .unwrap()
        .is_symlink());
    assert!(snapshot_tree(&out) == before);
}

#[cfg(unix)]
#[test]
fn a_read_only_file_in_the_output_is_reported_before_anything_is_replaced() {
    use std::os::unix::fs::PermissionsExt;
    let site = fixture("mini");
    let out = site.path().join("public");
    let (code, _, err) = build(site.path(), &out, "2026-11-22");
    assert_eq!(code, 0, "{err}");
    std::fs::set_permissions(
        out.join("robots.txt"),
        std::fs::Permissions::from_mode(0o444),
    )
    .unwrap();
    write(
        &site.path().join("content/guide/新.md"),
        &page("新", "正文"),
    );
    let before = snapshot_tree(&out);
    let (code, _, err) = build(site.path(), &out, "2026-11-22");
    assert_ne!(code, 0);
    assert!(err.contains("robots.txt") && err.contains("只读"), "{err}");
    assert!(snapshot_tree(&out) == before);
}

#[test]
fn an_output_folder_overlapping_the_sources_is_refused() {
    for dir in [
        "static",
        "templates",
        "content/out",
        "themes",
        ".",
        "content",
        "..",
    ] {
        let site = fixture("mini");
        let root = site.path();
        std::fs::create_dir_all(root.join("static")).unwrap();
        let before = listing(root);
        let config = std::fs::read_to_string(root.join("config.toml")).unwrap();
        std::fs::write(
            root.join("config.toml"),
            format!("output_dir = \"{dir}\"\n{config}"),
        )
        .unwrap();
        let (code, json) = check_json(root);
        assert_eq!(code, 1, "{dir}");
        let d = json["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["code"] == "E0132")
            .unwrap_or_else(|| panic!("{dir}: no E0132 in {json}"));
        assert_eq!(d["file"], "config.toml");
        assert_eq!(d["line"], 1);
        // Building with the configured folder, and naming it on the command line.
        let o = gongkai()
            .args(["build", "--as-of", "2026-11-22", "--root"])
            .arg(root)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(1), "{dir}");
        let (code, _, err) = build(root, &root.join(dir), "2026-11-22");
        assert_ne!(code, 0, "{dir}");
        assert!(err.contains("重叠") || err.contains("根目录"), "{err}");
        assert_eq!(
            listing(root).len(),
            before.len(),
            "{dir}: files were written"
        );
    }
}

#[cfg(unix)]
#[test]
fn an_output_folder_that_is_a_link_is_followed_and_stays_a_link() {
    let site = fixture("mini");
    let real = tempfile::tempdir().unwrap();
    let target = real.path().join("xxgk");
    let out = site.path().join("public");
    std::os::unix::fs::symlink(&target, &out).unwrap();
    std::fs::create_dir(&target).unwrap();
    for round in 0..2 {
        if round == 1 {
            write(
                &site.path().join("content/guide/新.md"),
                &page("新", "正文"),
            );
        }
        let (code, _, err) = build(site.path(), &out, "2026-11-22");
        assert_eq!(code, 0, "{err}");
        assert!(std::fs::symlink_metadata(&out).unwrap().is_symlink());
        assert!(target.join("index.html").is_file());
        assert!(leftovers(&target).is_empty());
    }
    assert!(target.join("guide").is_dir());
}
