//! The preview engine driven directly: a first build into memory, a rebuild after an
//! edit, a broken edit that keeps the last good site, and the fix that recovers.

mod common;

use gongkai::serve::engine::Engine;
use std::path::{Path, PathBuf};

/// The engine serves exactly what a fresh full build of the same sources produces: the
/// same paths, the same bytes, the same diagnostics.
fn assert_same_as_a_fresh_build(engine: &Engine, opts: &gongkai::build::BuildOptions, what: &str) {
    let (files, diagnostics) = gongkai::serve::engine::full_build(opts).unwrap();
    let snap = engine.snapshot();
    let paths: Vec<&str> = snap.paths().collect();
    assert_eq!(
        paths,
        files.keys().map(String::as_str).collect::<Vec<_>>(),
        "{what}"
    );
    for (path, bytes) in &files {
        assert!(
            snap.get(path).unwrap()[..] == bytes[..],
            "{what}: {path} differs"
        );
    }
    assert_eq!(engine.diagnostics(), &diagnostics[..], "{what}");
}

fn page(engine: &Engine, path: &str) -> String {
    let bytes = engine.snapshot().get(path).expect(path);
    String::from_utf8(bytes.to_vec()).unwrap()
}

#[test]
fn engine_builds_in_memory_without_writing_and_rebuilds_after_an_edit() {
    let site = common::fixture("mini");
    let mut engine = Engine::new(common::engine_options(site.path())).unwrap();
    assert!(
        !site.path().join("public").exists(),
        "serve wrote an output folder"
    );
    let snap = engine.snapshot();
    assert_eq!(snap.generation(), 1);
    assert!(snap.paths().any(|p| p == "sitemap.xml"));
    let url = "policies/1111111111-2018-00001/index.html";
    assert!(page(&engine, url).contains("养犬管理暂行办法"));

    let file = site.path().join("content/policies/dog.md");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replace("养犬管理暂行办法", "犬只管理办法")).unwrap();
    let summary = engine
        .rebuild(&[PathBuf::from("content/policies/dog.md")])
        .unwrap();
    assert_eq!(summary.errors, 0);
    assert!(summary.rendered > 0);
    assert!(page(&engine, url).contains("<title>关于印发测试市城区犬只管理办法的通知"));
    assert!(!page(&engine, url).contains("<title>关于印发测试市城区养犬管理暂行办法"));
    assert_eq!(engine.snapshot().generation(), 2);
    // The snapshot handed out before the rebuild is unchanged.
    let old = String::from_utf8(snap.get(url).unwrap().to_vec()).unwrap();
    assert!(old.contains("养犬管理暂行办法"));
}

#[test]
fn engine_keeps_the_last_good_site_while_yaml_is_broken_and_recovers_on_the_fix() {
    let site = common::fixture("mini");
    let mut engine = Engine::new(common::engine_options(site.path())).unwrap();
    let url = "policies/1111111111-2018-00001/index.html";
    let good = page(&engine, url);
    let file = site.path().join("content/policies/dog.md");
    let text = std::fs::read_to_string(&file).unwrap();
    let broken = text.replace("topics: [公共安全]", "topics: [公共安全\ntitle: x: y");
    std::fs::write(&file, &broken).unwrap();
    let summary = engine.rebuild(std::slice::from_ref(&file)).unwrap();
    assert!(summary.errors > 0);
    assert!(engine
        .diagnostics()
        .iter()
        .any(|d| d.is_error() && d.file.as_deref() == Some(Path::new("content/policies/dog.md"))));
    assert_eq!(page(&engine, url), good);
    assert_eq!(engine.snapshot().generation(), 1);

    std::fs::write(&file, text.replace("养犬", "宠物犬")).unwrap();
    let summary = engine.rebuild(std::slice::from_ref(&file)).unwrap();
    assert_eq!(summary.errors, 0);
    assert!(engine.diagnostics().iter().all(|d| !d.is_error()));
    assert!(page(&engine, url).contains("宠物犬"));
    assert_eq!(engine.snapshot().generation(), 2);
}

/// The engine keeps listings, whole-site pages, the sitemap and the feed while no
/// document's serialised fields (or link facts) changed: a body edit leaves them alone.
/// That holds only while their code reads nothing `Document`'s serialisation leaves out
/// — the body, the front matter and the lines kept for diagnostics.
#[test]
fn pages_kept_across_body_edits_never_read_what_serialisation_leaves_out() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for file in [
        "src/render/listing.rs",
        "src/render/columns.rs",
        "src/render/normative.rs",
        "src/output/sitemap.rs",
        "src/output/feed.rs",
    ] {
        let text = std::fs::read_to_string(root.join(file)).unwrap();
        for field in [
            "body_text",
            ".body",
            ".front",
            "body_line",
            "front_line",
            "given_total",
            "basis_line",
            "results_line",
        ] {
            assert!(
                !text.contains(field),
                "{file} reads `{field}`, which the serve engine's meta digest does not see"
            );
        }
    }
}

/// A save that changes only the text of a document skips link and validate (they read no
/// body), and the site is still exactly a full build's; a save that changes the front
/// matter, even by a line, links again.
#[test]
fn a_body_edit_skips_link_and_the_site_still_equals_a_full_build() {
    let site = common::fixture("mini");
    let opts = common::engine_options(site.path());
    let mut engine = Engine::new(opts.clone()).unwrap();
    let rel = PathBuf::from("content/policies/dog.md");
    let file = site.path().join(&rel);
    let text = std::fs::read_to_string(&file).unwrap();
    let steps = |engine: &Engine| -> Vec<&'static str> {
        engine.timings().iter().map(|(name, _)| *name).collect()
    };
    let same_as_a_build = |engine: &Engine| assert_same_as_a_fresh_build(engine, &opts, "");

    std::fs::write(&file, format!("{text}\n正文新增的一段。\n")).unwrap();
    let summary = engine.rebuild(std::slice::from_ref(&rel)).unwrap();
    assert_eq!(summary.reparsed, 1);
    assert!(!steps(&engine).contains(&"link"), "{:?}", steps(&engine));
    assert!(page(&engine, "policies/1111111111-2018-00001/index.html").contains("正文新增的一段"));
    same_as_a_build(&engine);

    // One more line in the front matter moves every line after it: link again.
    let moved = text.replacen("---\n", "---\n# 注释\n", 1);
    assert_ne!(moved, text);
    std::fs::write(&file, &moved).unwrap();
    engine.rebuild(std::slice::from_ref(&rel)).unwrap();
    assert!(steps(&engine).contains(&"link"), "{:?}", steps(&engine));
    same_as_a_build(&engine);
}

/// A new newest document shifts every page of the listings it is on. With the built-in
/// listing templates those pages are written when requested, with the site's own they
/// are rendered and kept; either way the served site is a build's, byte for byte, the
/// snapshot handed out before the rebuild still serves the pages it had, and a page
/// past the last is not found.
#[test]
fn a_new_document_shifts_listing_pages_exactly_as_a_build_does() {
    for own_templates in [false, true] {
        let site = common::fixture("mini");
        let root = site.path();
        let config = root.join("config.toml");
        let text = std::fs::read_to_string(&config).unwrap();
        std::fs::write(&config, format!("{text}\n[listing]\npage_size = 1\n")).unwrap();
        if own_templates {
            std::fs::create_dir_all(root.join("templates")).unwrap();
            std::fs::copy(
                common::repo().join("themes/default/templates/listing.html"),
                root.join("templates/listing.html"),
            )
            .unwrap();
        }
        let opts = common::engine_options(root);
        let mut engine = Engine::new(opts.clone()).unwrap();
        let before = engine.snapshot();
        let first = "policies/index.html";
        let old_first = before.get(first).expect(first);
        let pages_before = before.paths().count();

        let rel = PathBuf::from("content/policies/later.md");
        std::fs::write(
            root.join(&rel),
            "---\ntitle: 关于最新一件事的通知\nindex_no: 1111111111/2026-00009\nissuer: 测试市人民政府\nissued: 2026-10-01\npublished: 2026-10-02\n---\n\n正文。\n",
        )
        .unwrap();
        let summary = engine.rebuild(std::slice::from_ref(&rel)).unwrap();
        assert_eq!(summary.errors, 0, "{:?}", engine.diagnostics());
        assert_eq!(summary.listed > 0, !own_templates, "{summary:?}");

        assert_same_as_a_fresh_build(&engine, &opts, "a new newest document");
        let snap = engine.snapshot();
        let paths: Vec<&str> = snap.paths().collect();
        assert!(page(&engine, first).contains("关于最新一件事的通知"));
        // One more page at the end of each listing the document is on.
        assert!(paths.len() > pages_before + 1);
        assert!(snap.get("policies/page/99/index.html").is_none());

        assert_eq!(before.get(first).unwrap(), old_first);
        assert!(!String::from_utf8(old_first.to_vec())
            .unwrap()
            .contains("关于最新一件事的通知"));
    }
}

/// A title edit changes no relation: the engine keeps what link decided and runs only
/// validate again (whose messages name policies by title). It must still end where a
/// fresh build ends, and link must run when the title changes what link reads of it
/// (暂行/试行: a shorter default period) or moves front-matter lines.
#[test]
fn title_edits_keep_link_and_still_equal_a_fresh_build() {
    let site = common::fixture("mini");
    let opts = common::engine_options(site.path());
    let mut engine = Engine::new(opts.clone()).unwrap();
    let rel = PathBuf::from("content/policies/old.md");
    let file = site.path().join(&rel);
    let text = std::fs::read_to_string(&file).unwrap();
    let linked = |engine: &Engine| engine.timings().iter().any(|(step, _)| *step == "link");
    let same_as_fresh =
        |engine: &Engine, what: &str| assert_same_as_a_fresh_build(engine, &opts, what);

    let renamed = text.replace("测试市旧版停车收费规定", "测试市旧版停车收费标准");
    assert_ne!(renamed, text);
    std::fs::write(&file, &renamed).unwrap();
    engine.rebuild(std::slice::from_ref(&rel)).unwrap();
    assert!(!linked(&engine), "a plain title edit ran link");
    // W0305 names the policy by its new title.
    assert!(engine
        .diagnostics()
        .iter()
        .any(|d| d.code == "W0305" && d.message.contains("《测试市旧版停车收费标准》")));
    same_as_fresh(&engine, "title edit");

    // 暂行: link reads it (a shorter default period of validity).
    let provisional = text.replace("测试市旧版停车收费规定", "测试市停车收费暂行规定");
    std::fs::write(&file, &provisional).unwrap();
    engine.rebuild(std::slice::from_ref(&rel)).unwrap();
    assert!(
        linked(&engine),
        "a title now saying 暂行 kept link's results"
    );
    same_as_fresh(&engine, "provisional title");

    // A title written over two lines moves every key below it.
    let folded = provisional.replace(
        "标题: 测试市停车收费暂行规定",
        "标题: >-\n  测试市停车收费暂行规定",
    );
    assert_ne!(folded, provisional);
    std::fs::write(&file, &folded).unwrap();
    engine.rebuild(std::slice::from_ref(&rel)).unwrap();
    assert!(
        linked(&engine),
        "moved front-matter lines kept link's results"
    );
    same_as_fresh(&engine, "folded title");
}

/// The engine keeps each document's catalogue path for the whole-site pages and works
/// out again only those of documents read again: a document filed elsewhere moves on
/// the column pages and the site map exactly as a fresh build moves it.
#[test]
fn a_document_filed_elsewhere_moves_on_the_column_pages_as_in_a_fresh_build() {
    let site = common::fixture("mini");
    let opts = common::engine_options(site.path());
    let mut engine = Engine::new(opts.clone()).unwrap();
    let rel = PathBuf::from("content/policies/new.md");
    let file = site.path().join(&rel);
    let text = std::fs::read_to_string(&file).unwrap();
    let title = text
        .lines()
        .find_map(|l| {
            l.strip_prefix("title: ")
                .or_else(|| l.strip_prefix("标题: "))
        })
        .unwrap()
        .to_string();
    assert!(!page(&engine, "system/index.html").contains(&title));
    let filed = text.replacen("---\n", "---\n公开目录: 政府信息公开制度\n", 1);
    std::fs::write(&file, filed).unwrap();
    let summary = engine.rebuild(std::slice::from_ref(&rel)).unwrap();
    assert_eq!(summary.errors, 0, "{:?}", engine.diagnostics());
    assert!(page(&engine, "system/index.html").contains(&title));
    assert_same_as_a_fresh_build(&engine, &opts, "a document filed elsewhere");
}

/// Bodies stay on disk between rebuilds. A page rendered again because of another file
/// (here the policy page, for its interpretation's new title) while its own file changed
/// unannounced cannot use the new body: the rebuild reports E0930 on that file and keeps
/// the last good site, and the file's own event then brings the site to a build's.
#[test]
fn a_body_changed_unannounced_is_e0930_until_its_own_event_and_then_a_build() {
    let site = common::fixture("mini");
    let opts = common::engine_options(site.path());
    let mut engine = Engine::new(opts.clone()).unwrap();
    let url = "policies/1111111111-2018-00001/index.html";
    let good = page(&engine, url);
    let policy = PathBuf::from("content/policies/dog.md");
    let policy_file = site.path().join(&policy);
    let policy_text = std::fs::read_to_string(&policy_file).unwrap();
    std::fs::write(&policy_file, format!("{policy_text}\n未通知的一段。\n")).unwrap();

    let interpretation = PathBuf::from("content/interpretations/dog.md");
    let interpretation_file = site.path().join(&interpretation);
    let text = std::fs::read_to_string(&interpretation_file).unwrap();
    let retitled = text.replace("政策解读", "政策问答");
    assert_ne!(retitled, text);
    std::fs::write(&interpretation_file, retitled).unwrap();
    let summary = engine
        .rebuild(std::slice::from_ref(&interpretation))
        .unwrap();
    assert!(summary.errors > 0);
    assert!(engine
        .diagnostics()
        .iter()
        .any(|d| d.code == "E0930" && d.file.as_deref() == Some(policy.as_path())));
    assert_eq!(page(&engine, url), good);

    let summary = engine.rebuild(std::slice::from_ref(&policy)).unwrap();
    assert_eq!(summary.errors, 0);
    assert!(page(&engine, url).contains("未通知的一段"));
    assert!(page(&engine, url).contains("政策问答"));
    assert_same_as_a_fresh_build(&engine, &opts, "after the file's own event");
}

/// Two documents with one URL: the search index cannot be updated by URL, so it is built
/// whole from the entries rendered in that rebuild and those of the other documents
/// rendered again (the engine keeps no entry's text). Once the copy is gone, the served
/// site (search files included) is a build's, edits made meanwhile included.
#[test]
fn a_search_index_built_whole_while_urls_are_shared_holds_every_text() {
    let site = common::fixture("mini");
    let opts = common::engine_options(site.path());
    let mut engine = Engine::new(opts.clone()).unwrap();
    let rel = PathBuf::from("content/policies/dog.md");
    let copy = PathBuf::from("content/policies/dog-copy.md");
    let text = std::fs::read_to_string(site.path().join(&rel)).unwrap();

    std::fs::write(site.path().join(&copy), format!("{text}\n副本的正文。\n")).unwrap();
    let summary = engine.rebuild(std::slice::from_ref(&copy)).unwrap();
    assert!(summary.errors > 0, "a shared URL is an error");

    std::fs::write(
        site.path().join(&rel),
        format!("{text}\n原件补充的规定。\n"),
    )
    .unwrap();
    assert!(engine.rebuild(std::slice::from_ref(&rel)).unwrap().errors > 0);

    std::fs::remove_file(site.path().join(&copy)).unwrap();
    let summary = engine.rebuild(std::slice::from_ref(&copy)).unwrap();
    assert_eq!(summary.errors, 0);
    let search: String = engine
        .snapshot()
        .paths()
        .filter(|p| p.starts_with("search"))
        .map(|p| String::from_utf8(engine.snapshot().get(p).unwrap().to_vec()).unwrap())
        .collect();
    assert!(
        search.contains("原件补充的规定"),
        "the edited text is searchable"
    );
    assert!(!search.contains("副本的正文"), "the copy's text is gone");
    assert_same_as_a_fresh_build(&engine, &opts, "after the copy went");
}
