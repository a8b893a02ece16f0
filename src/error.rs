//! Fatal errors: the ones that stop a command before any content can be checked
//! (a missing `config.toml`, an unreadable folder, a failed write).
//!
//! Content problems are never `Error`s; they are [`crate::diag::Diagnostic`]s, so one run
//! reports all of them. Every filesystem error carries the path and what was being done.

use std::path::PathBuf;

/// A failure that ends the command.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A filesystem operation failed.
    #[error("{action}失败：{path}：{source}")]
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
