//! The `gongkai` command line: parses arguments and hands off to the library.

use clap::{Parser, Subcommand, ValueEnum};
use gongkai::build::{self, BuildMode, BuildOptions};
use gongkai::console::{Console, Format};
use gongkai::date::{self, Date};
use gongkai::error::Error;
use gongkai::load::SourceEncoding;
use gongkai::model::Kind;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "gongkai", version, about = "政府信息公开专栏静态网站生成器")]
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
        /// 新站点目录
        dir: PathBuf,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum FormatArg {
    Text,
    Json,
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

fn parse_date(s: &str) -> Result<Date, String> {
    date::parse_date(s)
        .ok_or_else(|| format!("无法识别的日期“{s}”，请写成 2024-04-28 或 2024年4月28日"))
}

fn today() -> Date {
    chrono::Local::now().date_naive()
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let format = match &cli.command {
        Command::Check {
            format: FormatArg::Json,
            ..
        } => Format::Json,
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
        } => {
            let opts = BuildOptions {
                root: cli.root,
                as_of: as_of.unwrap_or_else(today),
                output,
                base_url,
                encoding: encoding.into(),
            };
            let started = std::time::Instant::now();
            let report = build::run(&opts, BuildMode::Write)?;
            console.diagnostics(&report.diagnostics);
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
                for (stage, took) in &report.timings {
                    console.status(&format!("  {stage}: {:.0} ms", took.as_secs_f64() * 1000.0));
                }
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
            as_of, encoding, ..
        } => {
            let as_of = as_of.unwrap_or_else(today);
            let opts = BuildOptions {
                root: cli.root,
                as_of,
                output: None,
                base_url: None,
                encoding: encoding.into(),
            };
            let report = build::run(&opts, BuildMode::CheckOnly)?;
            let errors = report.error_count();
            match console.format() {
                Format::Json => console.json(&serde_json::json!({
                    "as_of": date::iso(as_of),
                    "documents": report.documents,
                    "errors": errors,
                    "warnings": report.diagnostics.len() - errors,
                    "diagnostics": report.diagnostics,
                    "sync": report.sync,
                })),
                Format::Text => {
                    console.diagnostics(&report.diagnostics);
                    console.result(&report.sync.to_text(as_of));
                    console.result(&format!(
                        "检查完成：{} 个文档，{errors} 个错误，{} 个警告。",
                        report.documents,
                        report.diagnostics.len() - errors
                    ));
                }
            }
            Ok(if errors > 0 {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::New { kind, title, date } => {
            let kind = Kind::parse(&kind).ok_or_else(|| {
                Error::Usage(format!(
                    "未知的类型“{kind}”\n  提示：可选 policy、interpretation、negative-list、annual-report、page"
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
        Command::Init { dir } => {
            let files = gongkai::scaffold::init(&dir, today())?;
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
