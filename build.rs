//! Cargo build script (not to be confused with `src/build.rs`, the site pipeline).
//!
//! It records three facts the binary cannot find out at run time:
//! - the git commit it was built from, shown by `gongkai --version` so a CI log or a bug
//!   report names the exact code (`unknown` outside a git checkout — never a failure);
//! - every diagnostic code used in `src/`, so `--deny W0304` can refuse a mistyped code
//!   instead of silently denying nothing;
//! - every file of the default theme (`themes/default/`), for `src/render/theme.rs` to
//!   embed: walking the folder rather than keeping a hand-written list means a new
//!   template or asset cannot be silently left out of the binary.

use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("set by cargo"));
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-env-changed=GONGKAI_COMMIT");

    // An explicit value wins: a container build copies the sources without `.git`.
    let commit = std::env::var("GONGKAI_COMMIT")
        .ok()
        .map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty())
        .or_else(|| git_commit(&manifest))
        .unwrap_or_else(|| "unknown".into());
    println!("cargo:rustc-env=GONGKAI_COMMIT={commit}");

    let mut codes = Vec::new();
    collect_codes(&manifest.join("src"), &mut codes);
    codes.sort();
    codes.dedup();
    let list: Vec<String> = codes.iter().map(|c| format!("{c:?}")).collect();
    let text = format!("&[{}]\n", list.join(", "));
    std::fs::write(out.join("codes.rs"), text).expect("OUT_DIR is writable");

    println!("cargo:rerun-if-changed=themes/default");
    let mut files = Vec::new();
    walk_theme(&manifest.join("themes/default"), "", &mut files);
    files.sort();
    let mut theme = String::from("&[\n");
    for f in &files {
        theme.push_str(&format!(
            "    ({f:?}, include_bytes!(concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/themes/default/\", {f:?})) as &[u8]),\n"
        ));
    }
    theme.push_str("]\n");
    std::fs::write(out.join("default_theme.rs"), theme).expect("OUT_DIR is writable");
}

/// Every regular file below `dir`, as `/`-separated paths relative to the theme; hidden
/// files and editor leftovers are not part of the theme.
fn walk_theme(dir: &Path, prefix: &str, out: &mut Vec<String>) {
    let entries = std::fs::read_dir(dir).expect("read themes/default");
    for entry in entries {
        let entry = entry.expect("read a theme entry");
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') || name.ends_with('~') {
            continue;
        }
        let path = format!("{prefix}{name}");
        let kind = entry.file_type().expect("theme entry type");
        if kind.is_dir() {
            walk_theme(&entry.path(), &format!("{path}/"), out);
        } else if kind.is_file() {
            out.push(path);
        }
    }
}

fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let s = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (!s.is_empty()).then_some(s)
}

/// The commit of the checkout the crate sits at the top of. A crate unpacked inside some
/// other repository (a vendored copy) must not report that repository's commit.
fn git_commit(manifest: &Path) -> Option<String> {
    let top = git(manifest, &["rev-parse", "--show-toplevel"])?;
    let same = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    if !same(Path::new(&top), manifest) {
        return None;
    }
    let commit = git(manifest, &["rev-parse", "--short=12", "HEAD"])?;
    // Rebuild when HEAD moves. Only existing files are named: cargo treats a missing
    // one as always changed.
    let mut watch = Vec::new();
    if let Some(dir) = git(manifest, &["rev-parse", "--git-dir"]) {
        watch.push(manifest.join(dir).join("HEAD"));
    }
    if let Some(common) = git(manifest, &["rev-parse", "--git-common-dir"]) {
        let common = manifest.join(common);
        watch.push(common.join("packed-refs"));
        if let Some(head_ref) = git(manifest, &["symbolic-ref", "-q", "HEAD"]) {
            watch.push(common.join(head_ref));
        }
    }
    for path in watch.iter().filter(|p| p.is_file()) {
        println!("cargo:rerun-if-changed={}", path.display());
    }
    Some(commit)
}

/// Every string literal shaped like a diagnostic code (`"E0203"`, `"W0304"`) in `dir`.
fn collect_codes(dir: &Path, codes: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_codes(&path, codes);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            let bytes = text.as_bytes();
            for i in 0..bytes.len().saturating_sub(6) {
                let lit = &bytes[i..i + 7];
                if lit[0] == b'"'
                    && (lit[1] == b'E' || lit[1] == b'W')
                    && lit[2..6].iter().all(u8::is_ascii_digit)
                    && lit[6] == b'"'
                {
                    codes.push(String::from_utf8_lossy(&lit[1..6]).into_owned());
                }
            }
        }
    }
}
