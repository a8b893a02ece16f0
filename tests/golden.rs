//! Golden (snapshot) tests: the real binary builds `tests/fixtures/golden` — one small site
//! holding every page type — as of a fixed day, and every page type, the machine-readable
//! files and the list of output files are compared with the reviewed snapshots in
//! `tests/snapshots/`. A change to a template, a view or an output writer therefore shows up
//! as a snapshot diff to review (see README, "Testing"):
//!
//! ```text
//! cargo test --test golden                       # fails and writes *.snap.new on a change
//! INSTA_UPDATE=always cargo test --test golden   # accept the new output, then `git diff tests/snapshots`
//! ```
//!
//! Nothing is normalised: the output is a pure function of the sources and `--as-of`, so a
//! snapshot that needs masking would itself be a determinism bug. The one transformation is
//! presentational: `search.json` is a single line, so it is re-indented (keys sorted by
//! serde_json) to make its diff readable; its raw bytes are pinned by the determinism tests.

mod common;
use common::*;
use std::path::Path;

/// The day every golden build is computed for.
const AS_OF: &str = "2026-11-22";

/// Every page type of the fixture: (snapshot name, output file).
const PAGES: &[(&str, &str)] = &[
    ("home", "index.html"),
    (
        "policy_normative_amended",
        "policies/4305210003-2024-00001/index.html",
    ),
    (
        "policy_repealed",
        "policies/4305210003-2020-00003/index.html",
    ),
    (
        "policy_amending",
        "policies/4305210003-2025-00002/index.html",
    ),
    (
        "policy_with_attachment",
        "policies/4305210003-2025-00004/index.html",
    ),
    ("interpretation", "interpretations/parking/index.html"),
    (
        "interpretation_table",
        "interpretations/old-rules/index.html",
    ),
    ("negative_list", "negative-lists/office/index.html"),
    (
        "annual_report_2021_format",
        "annual-reports/2024/index.html",
    ),
    (
        "annual_report_2019_format",
        "annual-reports/2020/index.html",
    ),
    ("page", "pages/contact/index.html"),
    ("guide", "guide/index.html"),
    ("listing_policies", "policies/index.html"),
    ("listing_policies_page_2", "policies/page/2/index.html"),
    (
        "listing_status_repealed",
        "policies/status/repealed/index.html",
    ),
    ("listing_annual_reports", "annual-reports/index.html"),
    ("catalog_root", "catalog/index.html"),
    (
        "catalog_normative",
        "catalog/法定主动公开内容/政策文件/规范性文件/index.html",
    ),
    ("normative_catalogue", "normative/index.html"),
    ("sitemap_page", "sitemap/index.html"),
    ("search_page", "search/index.html"),
    ("not_found", "404.html"),
    ("sitemap_xml", "sitemap.xml"),
    ("feed_xml", "feed.xml"),
    ("robots_txt", "robots.txt"),
];

fn build_golden(out: &Path) {
    let site = fixture("golden");
    let (code, stdout, stderr) = build(site.path(), out, AS_OF);
    assert_eq!(
        code, 0,
        "the golden fixture must build cleanly:\n{stdout}{stderr}"
    );
    assert!(
        !format!("{stdout}{stderr}").contains("警告["),
        "the golden fixture must build without warnings (fix the fixture, not the snapshot):\n{stdout}{stderr}"
    );
}

/// Run one snapshot assertion, turning insta's panic into a collected failure so that one
/// run reports (and writes `.snap.new` for) every changed page, not only the first.
fn check(failures: &mut Vec<String>, name: &str, value: String) {
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        insta::assert_snapshot!(name, value);
    }));
    if result.is_err() {
        failures.push(name.to_string());
    }
}

#[test]
fn every_page_type_matches_its_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    build_golden(&out);
    let mut failures = Vec::new();

    let files: Vec<String> = snapshot_tree(&out)
        .into_iter()
        .map(|(p, _)| p.to_string_lossy().replace('\\', "/"))
        .collect();
    check(&mut failures, "output_files", files.join("\n"));

    for (name, rel) in PAGES {
        check(&mut failures, name, read(&out, rel));
    }
    let search: serde_json::Value =
        serde_json::from_str(&read(&out, "search.json")).expect("search.json is JSON");
    check(
        &mut failures,
        "search_json",
        serde_json::to_string_pretty(&search).unwrap(),
    );
    assert!(
        failures.is_empty(),
        "golden snapshots changed: {}.\nReview the diffs above; if the change is intended, run \
         `INSTA_UPDATE=always cargo test --test golden` and check `git diff tests/snapshots`.",
        failures.join(", ")
    );
}

#[test]
fn check_json_of_a_site_with_errors_and_warnings_matches_its_snapshot() {
    let site = fixture("golden-check");
    let (code, json) = check_json(site.path());
    assert_eq!(code, 1, "the fixture has errors: {json:#}");
    let severities: Vec<&str> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["severity"].as_str().unwrap())
        .collect();
    assert!(
        severities.contains(&"error") && severities.contains(&"warning"),
        "the fixture must produce both errors and warnings: {json:#}"
    );
    insta::assert_snapshot!("check_json", serde_json::to_string_pretty(&json).unwrap());
}

/// Listing and catalogue pages are written without Tera when the site uses the built-in
/// templates for them (`render::listing`); they must be exactly what those templates
/// give. A site that supplies the built-in `items.html` as its own renders every listing
/// page through Tera: both builds must be equal file for file (so a change to one of the
/// listing templates that the direct writer does not follow fails here).
#[test]
fn listing_pages_written_directly_equal_the_templates() {
    let dir = tempfile::tempdir().unwrap();
    let direct = dir.path().join("direct");
    build_golden(&direct);

    let site = fixture("golden");
    let templates = site.path().join("templates");
    std::fs::create_dir_all(&templates).unwrap();
    std::fs::copy(
        repo().join("themes/default/templates/items.html"),
        templates.join("items.html"),
    )
    .unwrap();
    let through_tera = dir.path().join("tera");
    let (code, stdout, stderr) = build(site.path(), &through_tera, AS_OF);
    assert_eq!(code, 0, "{stdout}{stderr}");

    // The marker records the inputs' fingerprint, which the extra template changes.
    let tree = |d: &Path| -> Vec<(std::path::PathBuf, Vec<u8>)> {
        snapshot_tree(d)
            .into_iter()
            .filter(|(p, _)| p != Path::new(".gongkai-output"))
            .collect()
    };
    let a = tree(&direct);
    let b = tree(&through_tera);
    let paths = |t: &[(std::path::PathBuf, Vec<u8>)]| -> Vec<std::path::PathBuf> {
        t.iter().map(|(p, _)| p.clone()).collect()
    };
    assert_eq!(paths(&a), paths(&b));
    let listing_pages = a
        .iter()
        .filter(|(p, _)| p.to_string_lossy().contains("page/") || p.starts_with("catalog"))
        .count();
    assert!(
        listing_pages > 5,
        "the fixture has paginated listings and a catalogue"
    );
    for ((path, x), (_, y)) in a.iter().zip(&b) {
        assert!(
            x == y,
            "{} differs between the direct writer and the templates",
            path.display()
        );
    }
}
