//! Build script: lists every file of the default theme (`themes/default/`) for
//! `src/render/theme.rs` to embed in the binary. Walking the folder here, rather than
//! keeping a hand-written list, means a new template or asset cannot be silently left out.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let manifest = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let root = Path::new(&manifest).join("themes/default");
    println!("cargo:rerun-if-changed=themes/default");
    let mut files = Vec::new();
    walk(&root, "", &mut files);
    files.sort();
    let mut out = String::from("&[\n");
    for f in &files {
        let _ = writeln!(
            out,
            "    ({f:?}, include_bytes!(concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/themes/default/\", {f:?})) as &[u8]),"
        );
    }
    out.push_str("]\n");
    let dest =
        Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("default_theme.rs");
    std::fs::write(&dest, out).expect("write the theme list into OUT_DIR");
}

/// Every regular file below `dir`, as `/`-separated paths relative to the theme; hidden
/// files and editor leftovers are not part of the theme.
fn walk(dir: &Path, prefix: &str, out: &mut Vec<String>) {
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
            walk(&entry.path(), &format!("{path}/"), out);
        } else if kind.is_file() {
            out.push(path);
        }
    }
}
