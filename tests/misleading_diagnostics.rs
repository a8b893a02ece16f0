//! Diagnostics that used to mislead an officer: a file name that is not UTF-8 reported
//! as "No such file", and OS errors shown as raw English. Each is produced here at run
//! time, since git cannot portably hold a file name that is not UTF-8.

mod common;
use common::*;
use std::path::Path;

fn diagnostics<'a>(json: &'a serde_json::Value, code: &str) -> Vec<&'a serde_json::Value> {
    json["diagnostics"]
        .as_array()
        .expect("diagnostics array")
        .iter()
        .filter(|d| d["code"] == code)
        .collect()
}

#[cfg(unix)]
#[test]
fn non_utf8_file_name_is_reported_as_such_not_as_no_such_file() {
    use std::os::unix::ffi::OsStrExt;
    let site = fixture("mini");
    let root = site.path();
    // "政策" in GBK, as an archive made on Windows unpacks it.
    let gbk_name = std::ffi::OsStr::from_bytes(b"\xd5\xfe\xb2\xdf.md");
    std::fs::write(
        root.join("content/policies").join(gbk_name),
        "---\ntitle: 政策\n---\n正文\n",
    )
    .unwrap();
    let gbk_dir = std::ffi::OsStr::from_bytes(b"\xb8\xbd\xbc\xfe");
    std::fs::create_dir_all(root.join("content/guide").join(gbk_dir)).unwrap();
    std::fs::write(root.join("content/guide").join(gbk_dir).join("a.md"), "x").unwrap();

    let (code, json) = check_json(root);
    assert_eq!(code, 1, "{json}");
    let found = diagnostics(&json, "E0140");
    let files: Vec<&str> = found.iter().map(|d| d["file"].as_str().unwrap()).collect();
    assert_eq!(
        files,
        [
            "content/guide/\u{fffd}\u{fffd}\u{fffd}\u{fffd}",
            "content/policies/\u{fffd}\u{fffd}\u{fffd}\u{fffd}.md"
        ],
        "{json}"
    );
    for d in &found {
        assert_eq!(d["severity"], "error", "{d}");
        assert!(d["message"].as_str().unwrap().contains("UTF-8"), "{d}");
        assert!(d["help"].as_str().unwrap().contains("改成 UTF-8"), "{d}");
    }
    let text = json.to_string();
    assert!(!text.contains("No such file"), "{text}");
    // The folder is reported once, not descended into.
    assert!(diagnostics(&json, "E0100").is_empty(), "{json}");

    let out = root.join("public");
    let (code, _, err) = build(root, &out, "2026-11-22");
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("E0140"), "{err}");
    assert!(!out.exists(), "a failed build created the output");
}

fn fatal(root: &Path) -> String {
    let (code, json) = check_json(root);
    assert_eq!(code, 2, "{json}");
    json["fatal"].as_str().expect("a fatal message").to_string()
}

#[test]
fn os_error_on_config_is_explained_in_chinese_with_the_raw_text_in_brackets() {
    let site = fixture("mini");
    let root = site.path();
    // A config.toml that is a folder: the OS says "Is a directory".
    let text = std::fs::read(root.join("config.toml")).unwrap();
    std::fs::remove_file(root.join("config.toml")).unwrap();
    std::fs::create_dir(root.join("config.toml")).unwrap();
    let message = fatal(root);
    assert!(message.contains("读取配置文件失败"), "{message}");
    assert!(
        message.contains("这里应是文件，实际是一个目录"),
        "{message}"
    );
    assert!(message.contains("（系统原文："), "{message}");
    assert!(message.contains("提示："), "{message}");

    // A config.toml that is not UTF-8: the OS-level read reports invalid data.
    std::fs::remove_dir(root.join("config.toml")).unwrap();
    let mut gbk = text.clone();
    gbk.extend_from_slice(b"# \xd5\xfe\xb2\xdf\n");
    std::fs::write(root.join("config.toml"), gbk).unwrap();
    let message = fatal(root);
    assert!(message.contains("不是 UTF-8 编码"), "{message}");
    assert!(message.contains("另存为 UTF-8"), "{message}");
    assert!(message.contains("（系统原文："), "{message}");
}
