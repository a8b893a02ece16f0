//! The `gongkai` command line: parses arguments and hands off to the library.

use clap::{Args, Parser, Subcommand, ValueEnum};

// The build allocates and frees many small strings on both cores at once (postings,
// Markdown events, template values); glibc's allocator spent about a fifth of the CPU
// time of a 10,000-policy build in its own locking and bookkeeping.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `mi_option_purge_delay` (the option's position in its `mi_option_t`
/// enumeration; the Rust bindings do not name it). It is 15 in both the v2 and the v3
/// headers that libmimalloc-sys 0.1 ships; the lock file pins the version.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Return freed memory to the system after 50 ms instead of mimalloc's 10 ms × its
/// arena multiplier: measured on the 10,000-policy site, peak RSS stays near glibc's
/// (about 285 MiB against 320 MiB with the defaults) while keeping most of the CPU saved.
/// An explicit `MIMALLOC_PURGE_DELAY` in the environment still wins, for measuring.
fn tune_allocator() {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        // SAFETY: `mi_option_set` only stores an integer option, and is documented as
        // safe to call at any time from any thread.
        unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 50) };
    }
}

use gongkai::build::{self, BuildMode, BuildOptions, BuildReport};
use gongkai::console::{Console, Format, ProgressMode};
use gongkai::date::{self, Date};
use gongkai::diag::Deny;
use gongkai::error::Error;
use gongkai::load::SourceEncoding;
use gongkai::model::Kind;
use gongkai::progress::Progress;
use gongkai::report::{self, text::Detail, text::Limit, text::TextOptions, Context};
use gongkai::scaffold::CiPlatform;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

/// `gongkai --version`: the version and the commit it was built from (see build.rs).
const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (commit ",
    env!("GONGKAI_COMMIT"),
    ")"
);

#[derive(Parser)]
#[command(name = "gongkai", version = VERSION, about = "政府信息公开专栏静态网站生成器")]
struct Cli {
    /// 站点根目录（含 config.toml 与 content/）
    #[arg(long, global = true, default_value = ".")]
    root: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// 构建站点：全部检查通过后才写入输出目录，且只写入有变化的文件
    Build {
        /// 计算效力状态所依据的日期（默认今天），如 2024-04-28
        #[arg(long, value_parser = parse_date)]
        as_of: Option<Date>,
        /// 输出目录（默认 config.toml 的 output_dir，即 public）
        #[arg(long)]
        output: Option<PathBuf>,
        /// 覆盖 config.toml 的 base_url
        #[arg(long)]
        base_url: Option<String>,
        /// 源文件编码：utf-8（默认）或 gb18030（自动转换 GBK 文件）
        #[arg(long, value_enum, default_value = "utf-8")]
        encoding: EncodingArg,
        /// 显示各阶段用时
        #[arg(long)]
        timings: bool,
        #[command(flatten)]
        report: ReportArgs,
    },
    /// 只检查，不写入任何文件；有错误时退出码为 1
    Check {
        /// 输出格式
        #[arg(long, value_enum, default_value = "text")]
        format: FormatArg,
        /// 计算效力状态所依据的日期（默认今天）
        #[arg(long, value_parser = parse_date)]
        as_of: Option<Date>,
        /// 源文件编码
        #[arg(long, value_enum, default_value = "utf-8")]
        encoding: EncodingArg,
        /// 显示各阶段用时
        #[arg(long)]
        timings: bool,
        #[command(flatten)]
        report: ReportArgs,
    },
    /// 本地预览：在内存中生成站点并通过 HTTP 提供，修改文件后自动重新生成并刷新浏览器
    Serve {
        /// 端口（0 表示自动选择空闲端口）
        #[arg(long, default_value_t = 8000)]
        port: u16,
        /// 监听地址（默认只在本机 127.0.0.1；其他地址会让同一网络中的计算机看到未发布的内容）
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// 计算效力状态所依据的日期（默认今天；预览运行期间固定不变）
        #[arg(long, value_parser = parse_date)]
        as_of: Option<Date>,
        /// 同时把最近一次没有错误的站点写入此目录（默认不写入任何文件）
        #[arg(long)]
        output: Option<PathBuf>,
        /// 源文件编码：utf-8（默认）或 gb18030
        #[arg(long, value_enum, default_value = "utf-8")]
        encoding: EncodingArg,
        /// 把这些警告视为错误（逗号分隔）
        #[arg(long, value_delimiter = ',')]
        deny: Vec<String>,
    },
    /// 新建文件：policy、interpretation、negative-list、annual-report、page
    New {
        /// 类型
        kind: String,
        /// 标题（年度报告为年份）
        title: String,
        /// 成文与发布日期（默认今天），也决定索引号的年份
        #[arg(long, value_parser = parse_date)]
        date: Option<Date>,
    },
    /// 在新目录中创建一个可以直接构建的站点
    Init {
        /// 新站点目录（已有站点的目录也可以，配合 --ci 只添加流水线文件）
        dir: PathBuf,
        /// 同时写入持续集成流水线文件：gitlab、github 或 jenkins
        #[arg(long, value_enum)]
        ci: Option<CiArg>,
    },
}

/// How findings are reported; shared by `build` and `check`.
#[derive(Args)]
struct ReportArgs {
    /// 把这些警告视为错误（逗号分隔，如 W0304,W0305；warnings 表示全部警告）
    #[arg(long, value_delimiter = ',')]
    deny: Vec<String>,
    /// 每种代码最多显示的条数（文字输出）
    #[arg(long, value_name = "N", default_value_t = report::text::DEFAULT_PER_CODE)]
    max_per_code: usize,
    /// 显示全部问题，不按代码截断
    #[arg(long)]
    all: bool,
    /// 只显示错误与最后的汇总行
    #[arg(long)]
    quiet: bool,
}

impl ReportArgs {
    fn text_options(&self) -> TextOptions {
        TextOptions {
            limit: if self.all {
                Limit::All
            } else {
                Limit::PerCode(self.max_per_code)
            },
            detail: if self.quiet {
                Detail::ErrorsOnly
            } else {
                Detail::Full
            },
        }
    }

    fn deny(&self) -> Result<Deny, Error> {
        parse_deny(&self.deny)
    }

    fn progress_mode(&self) -> ProgressMode {
        if self.quiet {
            ProgressMode::Off
        } else {
            ProgressMode::Auto
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum FormatArg {
    /// 文字（默认）
    Text,
    /// JSON
    Json,
    /// GitHub Actions 注释
    Github,
    /// GitLab 代码质量报告
    Gitlab,
    /// JUnit XML（Jenkins、GitLab 测试报告）
    Junit,
    /// SARIF 2.1.0
    Sarif,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Self {
        match f {
            FormatArg::Text => Format::Text,
            FormatArg::Json => Format::Json,
            FormatArg::Github => Format::Github,
            FormatArg::Gitlab => Format::Gitlab,
            FormatArg::Junit => Format::Junit,
            FormatArg::Sarif => Format::Sarif,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum CiArg {
    Gitlab,
    Github,
    Jenkins,
}

impl From<CiArg> for CiPlatform {
    fn from(c: CiArg) -> Self {
        match c {
            CiArg::Gitlab => CiPlatform::Gitlab,
            CiArg::Github => CiPlatform::Github,
            CiArg::Jenkins => CiPlatform::Jenkins,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum EncodingArg {
    #[value(name = "utf-8")]
    Utf8,
    Gb18030,
}

impl From<EncodingArg> for SourceEncoding {
    fn from(e: EncodingArg) -> Self {
        match e {
            EncodingArg::Utf8 => SourceEncoding::Utf8,
            EncodingArg::Gb18030 => SourceEncoding::Gb18030,
        }
    }
}

fn parse_deny(codes: &[String]) -> Result<Deny, Error> {
    Deny::parse(codes).map_err(|bad| {
        Error::Usage(format!(
            "--deny 中的“{bad}”不是 gongkai 的诊断代码\n  提示：写警告代码（如 --deny W0304,W0305），或 --deny warnings 把全部警告视为错误；代码见检查输出方括号内"
        ))
    })
}

fn parse_date(s: &str) -> Result<Date, String> {
    date::parse_date(s)
        .ok_or_else(|| format!("无法识别的日期“{s}”，请写成 2024-04-28 或 2024年4月28日"))
}

fn today() -> Date {
    chrono::Local::now().date_naive()
}

fn main() -> ExitCode {
    tune_allocator();
    let cli = Cli::parse();
    let format = match &cli.command {
        Command::Check { format, .. } => (*format).into(),
        _ => Format::Text,
    };
    let console = Console::new(format);
    match run(cli, &console) {
        Ok(code) => code,
        Err(e) => {
            console.error(&e.to_string());
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli, console: &Console) -> Result<ExitCode, Error> {
    match cli.command {
        Command::Build {
            as_of,
            output,
            base_url,
            encoding,
            timings,
            report: shown,
        } => {
            let opts = BuildOptions {
                root: cli.root,
                as_of: as_of.unwrap_or_else(today),
                output,
                base_url,
                encoding: encoding.into(),
                deny: shown.deny()?,
            };
            let started = std::time::Instant::now();
            let report = run_pipeline(&opts, BuildMode::Write, console, &shown)?;
            console.diagnostics(&report.diagnostics, shown.text_options());
            let errors = report.error_count();
            let warnings = report.diagnostics.len() - errors;
            if errors > 0 {
                console.status(&format!(
                    "构建失败：{errors} 个错误，{warnings} 个警告。输出目录 {} 未作任何改动。",
                    report.output_dir.display()
                ));
                return Ok(ExitCode::FAILURE);
            }
            if timings {
                show_timings(console, &report.timings);
            }
            let stats = report.written.unwrap_or_default();
            console.status(&format!(
                "构建完成：{} 个文件，{} 个文档，写入 {} 个、删除 {} 个，{} 个警告，用时 {:.2} 秒 → {}",
                stats.total,
                report.documents,
                stats.written,
                stats.removed,
                warnings,
                started.elapsed().as_secs_f64(),
                report.output_dir.display()
            ));
            Ok(ExitCode::SUCCESS)
        }
        Command::Check {
            as_of,
            encoding,
            timings,
            report: shown,
            ..
        } => {
            let as_of = as_of.unwrap_or_else(today);
            let ctx = Context {
                prefix: report_prefix(&cli.root),
                documents: Vec::new(),
                version: env!("CARGO_PKG_VERSION").into(),
            };
            let opts = BuildOptions {
                root: cli.root,
                as_of,
                output: None,
                base_url: None,
                encoding: encoding.into(),
                deny: shown.deny()?,
            };
            let report = run_pipeline(&opts, BuildMode::CheckOnly, console, &shown)?;
            if timings {
                show_timings(console, &report.timings);
            }
            let errors = report.error_count();
            let ctx = Context {
                documents: report.sources.clone(),
                ..ctx
            };
            match console.format() {
                Format::Json => console.json(&serde_json::json!({
                    "as_of": date::iso(as_of),
                    "documents": report.documents,
                    "errors": errors,
                    "warnings": report.diagnostics.len() - errors,
                    "diagnostics": report.diagnostics,
                    "sync": report.sync,
                })),
                Format::Github => console.document(&report::github::render(
                    &report.diagnostics,
                    report.documents,
                    &ctx,
                )),
                Format::Gitlab => console.json(&report::gitlab::render(&report.diagnostics, &ctx)),
                Format::Junit => {
                    console.document(&report::junit::render(&report.diagnostics, &ctx))
                }
                Format::Sarif => console.json(&report::sarif::render(&report.diagnostics, &ctx)),
                Format::Text => {
                    let opts = shown.text_options();
                    console.diagnostics(&report.diagnostics, opts);
                    if opts.detail == Detail::Full {
                        let sync = report.sync.to_text(as_of);
                        let mut lines = sync.lines().map(str::to_string);
                        let mut shown_lines: Vec<String> = lines.next().into_iter().collect();
                        shown_lines.extend(report::text::cap(
                            lines.collect(),
                            opts.limit,
                            "三同步问题",
                        ));
                        for l in shown_lines {
                            console.result(&l);
                        }
                    }
                    console.result(&report::summary(report.documents, &report.diagnostics));
                }
            }
            Ok(if errors > 0 {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::Serve {
            port,
            bind,
            as_of,
            output,
            encoding,
            deny,
        } => {
            let opts = gongkai::serve::preview::ServeOptions {
                build: BuildOptions {
                    root: cli.root,
                    // Fixed here, once: statuses must not change at midnight.
                    as_of: as_of.unwrap_or_else(today),
                    output: None,
                    base_url: None,
                    encoding: encoding.into(),
                    deny: parse_deny(&deny)?,
                },
                bind,
                port,
                output,
            };
            gongkai::serve::preview::serve(opts, console)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::New { kind, title, date } => {
            let kind = Kind::parse(&kind).ok_or_else(|| {
                Error::Usage(format!(
                    "未知的类型“{kind}”\n  提示：可选 {}",
                    Kind::command_choices()
                ))
            })?;
            let path = gongkai::scaffold::new_document(
                &cli.root,
                kind,
                &title,
                date.unwrap_or_else(today),
            )?;
            console.result(&format!("已创建 {}", path.display()));
            Ok(ExitCode::SUCCESS)
        }
        Command::Init { dir, ci } => {
            // An existing site only gains the pipeline file.
            if let (Some(ci), true) = (ci, dir.join("config.toml").is_file()) {
                let path = gongkai::scaffold::add_ci(&dir, ci.into())?;
                console.result(&format!("已创建 {}", dir.join(path).display()));
                return Ok(ExitCode::SUCCESS);
            }
            let mut files = gongkai::scaffold::init(&dir, today())?;
            if let Some(ci) = ci {
                files.push(gongkai::scaffold::add_ci(&dir, ci.into())?);
            }
            console.result(&format!(
                "已在 {} 创建站点（{} 个文件）。下一步：cd {} && gongkai build",
                dir.display(),
                files.len(),
                dir.display()
            ));
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// `--timings`: the wall time of each stage, on stderr.
fn show_timings(console: &Console, timings: &[(&'static str, std::time::Duration)]) {
    for (stage, took) in timings {
        console.status(&format!("  {stage}: {:.0} ms", took.as_secs_f64() * 1000.0));
    }
}

/// Run the pipeline with a progress line on terminals (cleared before results print).
fn run_pipeline(
    opts: &BuildOptions,
    mode: BuildMode,
    console: &Console,
    shown: &ReportArgs,
) -> Result<BuildReport, Error> {
    let progress = Arc::new(console.progress(shown.progress_mode()));
    let result = build::run_with(opts, mode, progress.clone() as Arc<dyn Progress>);
    progress.clear();
    result
}

/// The site root as CI sees it from the working directory, for report paths: empty for
/// the working directory itself, `site` for `--root site` or `--root ./site/`, and a
/// path below the working directory when given absolute.
fn report_prefix(root: &Path) -> String {
    let root = if root.is_absolute() {
        match std::env::current_dir()
            .ok()
            .and_then(|cwd| root.strip_prefix(cwd).ok().map(Path::to_path_buf))
        {
            Some(rel) => rel,
            None => return root.display().to_string().replace('\\', "/"),
        }
    } else {
        root.to_path_buf()
    };
    let parts: Vec<String> = root
        .components()
        .filter(|c| !matches!(c, std::path::Component::CurDir))
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    parts.join("/")
}
