//! Fatal errors: the ones that stop a command before any content can be checked
//! (a missing `config.toml`, an unreadable folder, a failed write).
//!
//! Content problems are never `Error`s; they are [`crate::diag::Diagnostic`]s, so one run
//! reports all of them. Every filesystem error carries the path and what was being done.

use std::io::ErrorKind;
use std::path::PathBuf;

/// A failure that ends the command.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A filesystem operation failed.
    #[error("{action}失败：{path}：{}", explain_io(.source))]
    Io {
        /// What we were doing, in Chinese (读取、写入 …).
        action: &'static str,
        /// The path involved.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// No `config.toml` at the site root.
    #[error("找不到站点配置文件 {path}\n  提示：在站点根目录运行，或用 --root 指定站点目录；新建站点用 `gongkai init 目录`")]
    NoConfig {
        /// Where it was looked for.
        path: PathBuf,
    },
    /// No `content/` folder.
    #[error("找不到内容目录 {path}\n  提示：站点根目录下应有 content/ 目录")]
    NoContent {
        /// Where it was looked for.
        path: PathBuf,
    },
    /// The output folder holds files that gongkai did not write; cleaning it could
    /// delete someone's work.
    #[error("输出目录 {path} 不是 gongkai 生成的（缺少 .gongkai-output 标记文件），为防误删未做任何改动\n  提示：换一个空目录作为输出目录，或确认后手动清空该目录")]
    ForeignOutput {
        /// The output folder.
        path: PathBuf,
    },
    /// Another build holds the output lock.
    #[error("另一个 gongkai 构建正在写入输出目录 {path}，本次构建未做任何改动\n  提示：等另一个构建结束后再运行；确认没有其他构建时，可能是其他程序占用了锁文件")]
    OutputLocked {
        /// The output folder.
        path: PathBuf,
    },
    /// Something in the output folder makes a safe switch impossible.
    #[error("输出目录中的 {path} {reason}\n  提示：删除或改正它（或换一个输出目录）后重新构建")]
    OutputUnsafe {
        /// The offending entry.
        path: PathBuf,
        /// Why, in Chinese.
        reason: &'static str,
    },
    /// A folder carries the name of gongkai's staging folder but is not one.
    #[error("{path} 与 gongkai 的临时目录同名，但不是 gongkai 创建的（缺少 .gongkai-output 标记文件），为防误删未做任何改动\n  提示：把这个目录改名或移走后重新构建")]
    ForeignStaging {
        /// The folder.
        path: PathBuf,
    },
    /// The configuration or content has errors (already reported as diagnostics).
    #[error("发现 {count} 个错误，未写入任何文件")]
    ContentErrors {
        /// How many errors.
        count: usize,
    },
    /// A template failed to load or render.
    #[error("模板错误（{template}）：{message}")]
    Template {
        /// The template name.
        template: String,
        /// Tera's message.
        message: String,
    },
    /// Refused to overwrite an existing file (`new`, `init`).
    #[error("{path} 已存在，未覆盖\n  提示：换一个标题或文件名，或先移走原文件")]
    WouldOverwrite {
        /// The existing file.
        path: PathBuf,
    },
    /// A command-line value that cannot be used.
    #[error("{0}")]
    Usage(String),
}

/// Result with [`Error`].
pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    /// Wrap an I/O error with the path and action.
    pub fn io(action: &'static str, path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            action,
            path: path.into(),
            source,
        }
    }
}

/// An OS error for an officer: what it means and what to do, in Chinese, with the
/// system's own English text kept in brackets for whoever maintains the machine.
pub fn explain_io(e: &std::io::Error) -> String {
    let chinese = match e.kind() {
        ErrorKind::NotFound => "文件或目录不存在\n  提示：检查路径是否写对，文件是否已被移走或改名",
        ErrorKind::PermissionDenied => {
            "没有权限\n  提示：检查当前用户对该文件或目录是否有读写权限（或文件是否被设为只读），必要时请系统管理员调整权限"
        }
        ErrorKind::AlreadyExists => {
            "同名文件或目录已存在\n  提示：换一个名称，或先移走已有的文件后重试"
        }
        ErrorKind::ReadOnlyFilesystem => {
            "所在磁盘或分区是只读的\n  提示：换一个可写的目录，或请系统管理员把磁盘挂载为可写"
        }
        ErrorKind::StorageFull => "磁盘空间已满\n  提示：清理磁盘空间或换一个有空间的目录后重试",
        ErrorKind::QuotaExceeded => {
            "超出了磁盘配额\n  提示：清理自己的文件，或请系统管理员提高配额"
        }
        ErrorKind::FileTooLarge => "文件超过了文件系统允许的大小\n  提示：换一个文件系统，或缩小文件",
        ErrorKind::IsADirectory => {
            "这里应是文件，实际是一个目录\n  提示：把同名目录改名或移走，换成所需的文件"
        }
        ErrorKind::NotADirectory => {
            "路径中的某一段应是目录，实际是一个文件\n  提示：检查路径，把挡路的同名文件改名或移走"
        }
        ErrorKind::DirectoryNotEmpty => {
            "目录不是空的\n  提示：检查目录中是否有其他程序放入的文件，移走后重试"
        }
        ErrorKind::InvalidData => {
            "文件内容无法识别（常见原因：不是 UTF-8 编码）\n  提示：用文本编辑器把文件另存为 UTF-8 编码后重试"
        }
        ErrorKind::InvalidFilename => {
            "文件名无效或过长\n  提示：缩短文件名或目录名，去掉特殊字符后重试"
        }
        ErrorKind::CrossesDevices => {
            "不能跨磁盘或分区移动\n  提示：让输出目录与其临时目录位于同一磁盘（把输出目录放在同一分区上）"
        }
        ErrorKind::ResourceBusy | ErrorKind::ExecutableFileBusy => {
            "文件或目录正被其他程序占用\n  提示：关闭正在使用它的程序（如编辑器、文件浏览器、杀毒软件）后重试"
        }
        ErrorKind::Interrupted | ErrorKind::TimedOut | ErrorKind::WouldBlock => {
            "操作被中断或超时\n  提示：稍后重试；网络磁盘上请检查网络连接"
        }
        ErrorKind::OutOfMemory => "内存不足\n  提示：关闭其他程序后重试",
        ErrorKind::UnexpectedEof => {
            "文件不完整（提前结束）\n  提示：文件可能在复制中被截断，请重新复制后重试"
        }
        _ => "系统报告了错误\n  提示：根据括号中的系统原文排查，或请系统管理员协助",
    };
    let (what, help) = chinese.split_once('\n').unwrap_or((chinese, ""));
    format!("{what}（系统原文：{e}）\n{help}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io;

    #[test]
    fn os_errors_are_explained_in_chinese_with_a_hint_and_the_raw_text() {
        for (kind, words) in [
            (ErrorKind::NotFound, "不存在"),
            (ErrorKind::PermissionDenied, "没有权限"),
            (ErrorKind::AlreadyExists, "已存在"),
            (ErrorKind::ReadOnlyFilesystem, "只读"),
            (ErrorKind::StorageFull, "磁盘空间已满"),
            (ErrorKind::InvalidData, "UTF-8"),
            (ErrorKind::IsADirectory, "目录"),
            (ErrorKind::Other, "系统报告了错误"),
        ] {
            let e = io::Error::new(kind, "raw english text");
            let text = explain_io(&e);
            assert!(text.contains(words), "{kind:?}: {text}");
            assert!(text.contains("（系统原文：raw english text）"), "{text}");
            assert!(text.contains("\n  提示："), "{kind:?}: {text}");
        }
    }

    #[test]
    fn io_error_display_names_action_path_and_chinese_reason() {
        let e = Error::io(
            "写入",
            "public/a.html",
            io::Error::from(ErrorKind::PermissionDenied),
        );
        let text = e.to_string();
        assert!(
            text.starts_with("写入失败：public/a.html：没有权限（系统原文："),
            "{text}"
        );
        assert!(text.contains("提示："), "{text}");
    }
}
