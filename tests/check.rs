//! `gongkai check` reports exactly what `gongkai build` reports, although it renders no
//! page with the built-in templates (`build::Pages::Check`): for every bad-input case and
//! every fixture site, the same diagnostics (or the same fatal error); the same output
//! paths, so the same URL collisions, except the search files, which check leaves out only
//! when none of them could collide; and a site template that fails on one document fails
//! `check` too.

mod common;
use common::*;
use gongkai::build::{self, BuildMode, Pages};
use gongkai::progress::Silent;
use gongkai::sink::{Memory, Sink};
use std::path::Path;
use std::sync::Arc;

/// Every bad-input case and fixture site, each copied into a temp folder ready to build.
fn every_site() -> Vec<(String, tempfile::TempDir)> {
    let corpus = repo().join("tests/bad-input");
    let mut sites = Vec::new();
    for case in bad_input_cases() {
        let site = tempfile::tempdir().unwrap();
        copy_tree(&case, site.path());
        let _ = std::fs::remove_file(site.path().join("expect"));
        if !case.join("config.toml").exists() {
            std::fs::copy(corpus.join("config.toml"), site.path().join("config.toml")).unwrap();
        }
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        sites.push((format!("bad-input/{name}"), site));
    }
    for name in ["golden", "golden-check", "mini"] {
        sites.push((format!("fixtures/{name}"), fixture(name)));
    }
    sites.push(("demo".into(), demo_site()));
    sites
}

/// The demo county at the repository root.
fn demo_site() -> tempfile::TempDir {
    let site = tempfile::tempdir().unwrap();
    copy_tree(&repo().join("content"), &site.path().join("content"));
    std::fs::copy(repo().join("config.toml"), site.path().join("config.toml")).unwrap();
    site
}

/// What `build` (into a fresh folder) and `check` report on the site at `root`: the
/// diagnostics as JSON, or the fatal error's message.
fn build_and_check(root: &Path) -> (String, String) {
    let out = tempfile::tempdir().unwrap();
    let mut opts = engine_options(root);
    opts.output = Some(out.path().join("public"));
    let shown = |r: gongkai::error::Result<build::BuildReport>| match r {
        Ok(report) => serde_json::to_string_pretty(&serde_json::json!({
            "diagnostics": report.diagnostics,
            "sync": report.sync,
            "documents": report.documents,
        }))
        .unwrap(),
        Err(e) => format!("fatal: {e}"),
    };
    let built = shown(build::run(&opts, BuildMode::Write));
    opts.output = None;
    let checked = shown(build::run(&opts, BuildMode::CheckOnly));
    (built, checked)
}

#[test]
fn check_reports_exactly_what_build_reports_on_every_case_and_fixture() {
    let mut failures = Vec::new();
    let mut with_collision = 0;
    let mut with_markdown = 0;
    for (name, site) in every_site() {
        let (built, checked) = build_and_check(site.path());
        if built != checked {
            failures.push(format!("{name}:\n--- build\n{built}\n--- check\n{checked}"));
        }
        with_collision += usize::from(built.contains("\"E0121\""));
        with_markdown += usize::from(built.contains("\"E0601\"") || built.contains("\"E0603\""));
    }
    // The corpus does exercise what check does without rendering.
    assert!(with_collision >= 6, "{with_collision} cases with E0121");
    assert!(
        with_markdown >= 3,
        "{with_markdown} cases with Markdown errors"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Every path the pipeline hands over, and the collisions, for `pages`.
fn handed_over(root: &Path, pages: Pages) -> Option<(Vec<String>, Vec<gongkai::sink::Collision>)> {
    let opts = engine_options(root);
    let (_, memory) =
        build::pipeline_for(&opts, Arc::new(Silent), pages, |_| Ok(Memory::new())).ok()?;
    Some((memory.paths(), memory.collisions()))
}

#[test]
fn check_hands_over_every_path_a_build_renders_but_the_search_files_none_could_meet() {
    let mut compared = 0;
    for (name, site) in every_site() {
        let Some((rendered, rendered_collisions)) = handed_over(site.path(), Pages::Render) else {
            continue;
        };
        let (checked, checked_collisions) =
            handed_over(site.path(), Pages::Check).expect("check fails where build does");
        compared += 1;
        // Which of two colliding pages was handed over first depends, in a build, on the
        // order parallel rendering finished in; the pair is what must be equal (and the
        // diagnostic, which does not depend on the order: see the test above).
        let pairs = |c: Vec<gongkai::sink::Collision>| {
            let mut p: Vec<(String, String)> = c
                .into_iter()
                .map(|c| {
                    if c.path <= c.other {
                        (c.path, c.other)
                    } else {
                        (c.other, c.path)
                    }
                })
                .collect();
            p.sort();
            p
        };
        let rendered_pairs = pairs(rendered_collisions);
        assert_eq!(pairs(checked_collisions), rendered_pairs, "{name}");
        // Of a colliding pair, the sink keeps whichever came first: in a build that is
        // again the order rendering finished in, so those paths are compared as pairs
        // (above), not one by one.
        let colliding = |p: &String| rendered_pairs.iter().any(|(a, b)| a == p || b == p);
        let missing: Vec<&String> = rendered
            .iter()
            .filter(|p| !checked.contains(p) && !colliding(p))
            .collect();
        let extra: Vec<&String> = checked
            .iter()
            .filter(|p| !rendered.contains(p) && !colliding(p))
            .collect();
        assert!(extra.is_empty(), "{name}: check hands over {extra:?}");
        // Only search files may be left out, and only when no other path meets them.
        for p in &missing {
            assert!(gongkai::search::may_meet(p), "{name}: check leaves out {p}");
        }
        if checked.iter().any(|p| gongkai::search::may_meet(p)) {
            assert!(missing.is_empty(), "{name}: {missing:?}");
        }
    }
    assert!(compared > 50, "{compared}");
}

/// Every file of a search index large enough to be split is one `may_meet` knows.
#[test]
fn every_search_file_of_a_split_index_is_in_the_namespace_check_relies_on() {
    let docs: Vec<gongkai::render::SearchDoc> = (0..3000)
        .map(|i| gongkai::render::SearchDoc {
            url: format!("policies/{i}/"),
            kind: "policy".into(),
            kind_label: "政策文件".into(),
            title: format!("关于第{i}号事项的通知"),
            date: Some(format!("2024-01-{:02}", i % 28 + 1)),
            year: Some(2024),
            text: format!(
                "各单位要加强组织领导，落实第{i}项工作责任，编号{}。",
                i * 7919
            ),
            ..Default::default()
        })
        .collect();
    let files = gongkai::search::build_index(&docs);
    assert!(
        files.iter().any(|(p, _)| p.starts_with("search/index-")),
        "the index is split"
    );
    assert!(files.iter().any(|(p, _)| p.starts_with("search/meta-")));
    for (path, _) in &files {
        assert!(gongkai::search::may_meet(path), "{path}");
    }
    for other in [
        "search/index.html",
        "searches.json",
        "static/search.json",
        "search",
    ] {
        assert_eq!(
            gongkai::search::may_meet(other),
            other == "search",
            "{other}"
        );
    }
    assert!(gongkai::search::may_meet("search.json/index.html"));
    assert!(gongkai::search::may_meet("search/meta-0.json/index.html"));
}

/// A document named like a search file is the one case where check builds the index.
#[test]
fn a_page_named_search_json_collides_with_the_search_index_in_check_too() {
    let site = fixture("mini");
    std::fs::write(
        site.path().join("content/search.json.md"),
        "---\ntitle: 搜索说明\n---\n正文\n",
    )
    .unwrap();
    let (built, checked) = build_and_check(site.path());
    assert_eq!(built, checked);
    assert!(
        checked.contains("E0121") && checked.contains("/search.json"),
        "{checked}"
    );
}

/// A site template that fails on one document's data: `check` renders through Tera when
/// the site has its own templates, so it fails like `build`.
#[test]
fn a_site_template_failing_on_one_document_fails_check_like_build() {
    let site = fixture("mini");
    std::fs::create_dir_all(site.path().join("templates")).unwrap();
    // Assumes every policy has a 发文字号; one does not.
    std::fs::write(
        site.path().join("templates/policy.html"),
        "{% extends \"base.html\" %}{% block main %}<h1>{{ doc.title }}</h1><p>{{ doc.doc_no | upper }}</p>{% endblock main %}",
    )
    .unwrap();
    let (built, checked) = build_and_check(site.path());
    assert_eq!(built, checked);
    assert!(!built.starts_with("fatal"), "every policy has one: {built}");
    std::fs::write(
        site.path().join("content/policies/no-doc-no.md"),
        "---\ntitle: 没有发文字号的通知\nindex_no: 1111111111/2022-00009\nissuer: 测试市人民政府\nissued: 2022-01-01\n---\n正文\n",
    )
    .unwrap();
    let (built, checked) = build_and_check(site.path());
    assert!(
        built.starts_with("fatal") && built.contains("policy.html"),
        "{built}"
    );
    assert_eq!(built, checked);

    // The real binary: the same exit code and message.
    let out = tempfile::tempdir().unwrap();
    let (code, _, build_err) = build(site.path(), &out.path().join("public"), "2026-11-22");
    let o = gongkai()
        .args(["check", "--as-of", "2026-11-22", "--root"])
        .arg(site.path())
        .output()
        .unwrap();
    assert_eq!(code, 2, "{build_err}");
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(String::from_utf8_lossy(&o.stderr), build_err);
}
