//! The module graph of `src/`: no cycles, and no stage importing a later stage.
//!
//! Data flows one way through a build: config → load → model → rules → link → validate →
//! render → search → output, with small helpers below all of them and drivers (`build`,
//! `scaffold`) above. This test reads every `crate::…` path in the production code of
//! `src/` and fails on a module cycle, on a stage that imports a later stage, on a helper
//! that imports a stage, and on a module that is in none of the lists below — so a new
//! module has to be placed, and a shortcut that would grow a cycle fails `cargo test`
//! instead of waiting for the next refactor to untangle it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Modules below every stage: they may import each other (without cycles) and nothing else.
const HELPERS: &[&str] = &[
    "calendar",  // the official working-day calendar
    "console",   // the one place that prints
    "date",      // date forms and arithmetic
    "diag",      // `Diagnostic`
    "digest",    // the content hash of the manifest and the input fingerprint
    "error",     // fatal errors
    "invisible", // control and invisible characters in text
    "markdown",  // Markdown → HTML and its content checks
    "progress",  // what the pipeline reports progress to
    "report",    // diagnostics formatted for people and CI systems
    "sink",      // what render writes into (implemented by output, and by serve in memory)
    "text",      // full-width folding, escaping, YAML quoting
    "yaml",      // the YAML reader
];

/// The stages, in pipeline order. A stage may import helpers and earlier stages. `rules`
/// holds the domain rules over model data (validity, 三同步, annual-report arithmetic…):
/// after model, so the model does not know its rules; before link, which applies them.
const STAGES: &[&str] = &[
    "config", "load", "model", "rules", "link", "validate", "render", "search", "output",
];

/// Drivers run the stages: they may import anything; only drivers import drivers.
const DRIVERS: &[&str] = &["build", "scaffold", "serve", "lib", "main"];

/// Where a module sits: helpers at 0, stages from 1 in order, drivers on top.
fn rank(module: &str) -> Option<usize> {
    if HELPERS.contains(&module) {
        Some(0)
    } else if let Some(i) = STAGES.iter().position(|s| *s == module) {
        Some(i + 1)
    } else if DRIVERS.contains(&module) {
        Some(STAGES.len() + 1)
    } else {
        None
    }
}

/// `text` without comments and without `#[cfg(test)]` items: tests may reach anywhere.
fn production_code(text: &str) -> String {
    let mut out = String::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        let t = line.trim_start();
        if t.starts_with("//") {
            continue;
        }
        if t.starts_with("#[cfg(test)]") {
            // Skip the item that follows: one line ending in `;`, or a braced block.
            let mut depth = 0i32;
            let mut opened = false;
            for next in lines.by_ref() {
                let code = next.split("//").next().unwrap_or("");
                depth += code.matches('{').count() as i32 - code.matches('}').count() as i32;
                opened |= code.contains('{');
                if (opened && depth <= 0) || (!opened && code.trim_end().ends_with(';')) {
                    break;
                }
            }
            continue;
        }
        out.push_str(line.split("//").next().unwrap_or(""));
        out.push('\n');
    }
    out
}

/// The top-level modules a piece of code names through `crate::`.
fn imports(code: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (i, _) in code.match_indices("crate::") {
        // `gongkai::crate::` cannot occur; skip `$crate::` in macros.
        if code[..i].ends_with('$') {
            continue;
        }
        let rest = &code[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let inner = group.split('}').next().unwrap_or("");
            for part in inner.split(',') {
                let name: String = part
                    .trim()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    out.insert(name);
                }
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                out.insert(name);
            }
        }
    }
    out
}

/// Top-level module → the top-level modules it imports, from every `.rs` file under `src`.
fn graph(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut stack = vec![src.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("read src") {
            let path = entry.expect("dir entry").path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let rel = path.strip_prefix(src).expect("under src");
            let first = rel.iter().next().expect("a component").to_string_lossy();
            let module = first.trim_end_matches(".rs").to_string();
            // Whole test files (`tests.rs` beside a module) are test code.
            if path.file_name().is_some_and(|n| n == "tests.rs") {
                graph.entry(module).or_default();
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("read source");
            let deps = imports(&production_code(&text));
            let entry = graph.entry(module.clone()).or_default();
            entry.extend(deps.into_iter().filter(|d| *d != module));
        }
    }
    graph
}

/// Every import that goes the wrong way, as `from → to (why)`.
fn wrong_way(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<String> {
    let mut out = Vec::new();
    for (from, deps) in graph {
        let Some(r_from) = rank(from) else { continue };
        for to in deps {
            let Some(r_to) = rank(to) else { continue };
            let driver = STAGES.len() + 1;
            if r_to == driver && r_from != driver {
                out.push(format!("{from} → {to} (only drivers import drivers)"));
            } else if r_from == 0 && r_to > 0 {
                out.push(format!("{from} → {to} (a helper imports a stage)"));
            } else if r_from > 0 && r_from < driver && r_to > r_from {
                out.push(format!("{from} → {to} (a stage imports a later stage)"));
            }
        }
    }
    out
}

/// One cycle of the graph, if there is any, as the modules along it.
fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        Open,
        Done,
    }
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        marks: &mut BTreeMap<String, Mark>,
        path: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        match marks.get(node) {
            Some(Mark::Done) => return None,
            Some(Mark::Open) => {
                let start = path.iter().position(|p| p == node).unwrap_or(0);
                let mut cycle = path[start..].to_vec();
                cycle.push(node.to_string());
                return Some(cycle);
            }
            None => {}
        }
        marks.insert(node.to_string(), Mark::Open);
        path.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(c) = visit(next, graph, marks, path) {
                return Some(c);
            }
        }
        path.pop();
        marks.insert(node.to_string(), Mark::Done);
        None
    }
    let mut marks = BTreeMap::new();
    for node in graph.keys() {
        if let Some(c) = visit(node, graph, &mut marks, &mut Vec::new()) {
            return Some(c);
        }
    }
    None
}

fn src_graph() -> BTreeMap<String, BTreeSet<String>> {
    graph(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"))
}

#[test]
fn every_module_is_placed_in_the_layers() {
    let graph = src_graph();
    let unplaced: Vec<&String> = graph.keys().filter(|m| rank(m).is_none()).collect();
    assert!(
        unplaced.is_empty(),
        "modules in no layer (add them to HELPERS, STAGES or DRIVERS in tests/architecture.rs): {unplaced:?}"
    );
    let listed = HELPERS.iter().chain(STAGES).chain(DRIVERS);
    let stale: Vec<&&str> = listed.filter(|m| !graph.contains_key(**m)).collect();
    assert!(stale.is_empty(), "listed but not in src/: {stale:?}");
    let deps: BTreeSet<&String> = graph.values().flatten().collect();
    let unknown: Vec<&&String> = deps.iter().filter(|d| !graph.contains_key(**d)).collect();
    assert!(
        unknown.is_empty(),
        "imports of unknown modules: {unknown:?}"
    );
}

#[test]
fn no_stage_imports_a_later_stage() {
    let wrong = wrong_way(&src_graph());
    assert!(wrong.is_empty(), "imports against the pipeline: {wrong:#?}");
}

#[test]
fn src_has_no_module_cycles() {
    let cycle = find_cycle(&src_graph());
    assert!(
        cycle.is_none(),
        "module cycle: {:?}",
        cycle.unwrap_or_default()
    );
}

/// The checks themselves, on graphs with known faults, so they cannot pass vacuously.
#[test]
fn checker_finds_cycles_and_backward_imports() {
    let g = |edges: &[(&str, &str)]| {
        let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (a, b) in edges {
            g.entry(a.to_string()).or_default().insert(b.to_string());
            g.entry(b.to_string()).or_default();
        }
        g
    };
    let cyclic = g(&[
        ("output", "render"),
        ("render", "output"),
        ("render", "diag"),
    ]);
    let cycle = find_cycle(&cyclic).expect("a cycle");
    assert!(cycle.contains(&"output".to_string()) && cycle.contains(&"render".to_string()));
    assert_eq!(
        wrong_way(&cyclic),
        vec!["render → output (a stage imports a later stage)"]
    );
    assert_eq!(
        wrong_way(&g(&[("yaml", "model"), ("load", "build")])),
        vec![
            "load → build (only drivers import drivers)",
            "yaml → model (a helper imports a stage)"
        ]
    );
    assert!(find_cycle(&g(&[("build", "render"), ("render", "model")])).is_none());
    assert!(wrong_way(&g(&[("build", "render"), ("render", "model")])).is_empty());

    let code = production_code(
        "use crate::model::Kind; // crate::output\n/// crate::render\nuse crate::{diag, yaml::Fields};\n#[cfg(test)]\nmod tests {\n    use crate::build;\n}\nfn f() { crate::rules::x() }\n",
    );
    assert_eq!(
        imports(&code),
        ["diag", "model", "rules", "yaml"]
            .map(String::from)
            .into_iter()
            .collect()
    );
}
