//! `gongkai serve`, start to end: bind, build into memory, serve, and rebuild on every
//! batch of source changes, telling the terminal and the open pages what happened.
//!
//! The parts are elsewhere — the in-memory site in [`super::engine`], the HTTP side in
//! [`super::http`], the file watcher in [`super::watch`]; this loop wires them and owns
//! the promises an officer relies on while previewing: 效力状态 are computed for one day
//! fixed at start; the last good site stays on screen while a file is broken; nothing is
//! written to the site (its `public/` included) unless `--output` asks for it.

use crate::build::{self, BuildOptions};
use crate::console::Console;
use crate::date;
use crate::diag::{self, Diagnostic};
use crate::error::{Error, Result};
use crate::output::{self, Output, WriteStats};
use crate::report::text::TextOptions;
use crate::serve::engine::{Engine, RebuildKind, RebuildSummary, Snapshot};
use crate::serve::http::{self, Built, Shared};
use crate::serve::watch::{self, Rescan, Watch};
use crate::sink::{OutputContent, OutputFile};
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Instant;

/// What `gongkai serve` was asked for.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The site, the day 效力状态 are computed for (fixed for the whole run), encoding,
    /// `--deny`. Its `output` is not used: the engine builds into memory.
    pub build: BuildOptions,
    /// The address to listen on (loopback unless asked otherwise).
    pub bind: IpAddr,
    /// The port (0: any free port; the address is printed).
    pub port: u16,
    /// Also write the last good site into this folder after every successful rebuild.
    pub output: Option<PathBuf>,
}

/// Run the preview until the process is stopped (Ctrl+C). Returns only on a failure that
/// makes previewing impossible (the port is taken, the watcher cannot start, no config).
pub fn serve(opts: ServeOptions, console: &Console) -> Result<()> {
    let root = opts.build.root.clone();
    if let Some(out) = &opts.output {
        if let Some(why) = output::overlap(&output::normalise(&root), &output::normalise(out)) {
            return Err(Error::Usage(format!(
                "输出目录 {} {why}\n  提示：--output 请指定站点源文件以外的目录，例如站点下的 public/",
                out.display()
            )));
        }
    }
    let addr = SocketAddr::new(opts.bind, opts.port);
    let listener = TcpListener::bind(addr).map_err(|e| {
        Error::Usage(format!(
            "无法在 {addr} 上启动预览服务器：{e}\n  提示：端口可能已被占用；用 --port 换一个端口，或 --port 0 自动选择空闲端口"
        ))
    })?;
    let local = listener
        .local_addr()
        .map_err(|e| Error::Usage(format!("无法读取预览服务器的地址：{e}")))?;
    if !http::is_loopback(local.ip()) {
        console.status(&format!(
            "警告：预览服务器监听 {}，同一网络中的其他计算机也能看到尚未发布的内容。只在本机预览时不要使用 --bind。",
            local.ip()
        ));
    }
    console.status(&format!(
        "效力状态按 {} 计算：预览运行期间固定为这一天，过了午夜也不会变化（换日期请用 --as-of 重新启动）。",
        date::iso(opts.build.as_of)
    ));

    // Watching starts before the first build, so an edit saved while it runs is not lost.
    let mut watcher = Watch::start(&root)?;
    console.status("正在生成站点（只在内存中，不写入 public/）…");
    let started = Instant::now();
    let mut engine = Engine::new(opts.build.clone())?;
    let mut printed: Vec<Diagnostic> = Vec::new();
    show_diagnostics(console, engine.diagnostics(), &mut printed);
    let errors = diag::error_count(engine.diagnostics());
    let warnings = engine.diagnostics().len() - errors;
    let snapshot = engine.snapshot();
    let mut built = if errors == 0 {
        Built::Yes
    } else {
        Built::NotYet
    };
    console.status(&format!(
        "首次生成：{} 个文件，{errors} 个错误，{warnings} 个警告，用时 {} 毫秒",
        snapshot.paths().count(),
        started.elapsed().as_millis()
    ));
    let mut base = current_base_path(&root).unwrap_or_default();
    let shared = Shared::new(
        snapshot.clone(),
        built,
        http::banner(engine.diagnostics(), None),
        base.clone(),
    );
    {
        let shared = shared.clone();
        std::thread::Builder::new()
            .name("gongkai-accept".into())
            .spawn(move || http::serve_forever(listener, shared))
            .map_err(|e| Error::Usage(format!("无法启动预览服务器线程：{e}")))?;
    }
    let url = match local {
        SocketAddr::V4(a) => format!("http://{}:{}/", a.ip(), a.port()),
        SocketAddr::V6(a) => format!("http://[{}]:{}/", a.ip(), a.port()),
    };
    if base.is_empty() {
        console.status(&format!("预览地址：{url}（按 Ctrl+C 停止）"));
    } else {
        console.status(&format!(
            "预览地址：{url}（也可用 {url}{base}/，与正式网址的路径一致；按 Ctrl+C 停止）"
        ));
    }
    if errors > 0 {
        console.status("站点有错误，浏览器中显示错误列表；改正并保存后自动重新生成。");
    }
    // With --output, a thread of its own writes the site, so a slow disk never delays
    // the preview; it always writes the newest good snapshot and skips the ones between.
    let writer = opts
        .output
        .clone()
        .map(|out| OutputWriter::start(Console::new(console.format()), root.clone(), out))
        .transpose()?;
    if built == Built::Yes {
        if let Some(w) = &writer {
            w.offer(snapshot.clone());
        }
    }

    while let Some(batch) = watcher.next_batch() {
        for problem in &batch.problems {
            console.status(&format!("警告：{problem}"));
        }
        let mut changed: Vec<PathBuf> = batch
            .paths
            .iter()
            .filter_map(|p| p.strip_prefix(watcher.root()).ok().map(Path::to_path_buf))
            .collect();
        if batch.rescan == Rescan::Needed {
            // Events were lost: name every source, and config.toml, which rebuilds all.
            changed.push(PathBuf::from(watch::CONFIG_FILE));
            changed.extend(watch::WATCHED_DIRS.iter().map(PathBuf::from));
        }
        if changed.is_empty() {
            continue;
        }
        let result = engine.rebuild(&changed);
        let fatal = result.as_ref().err().map(ToString::to_string);
        if matches!(&result, Ok(summary) if summary.errors == 0) {
            built = Built::Yes;
        }
        if let Some(b) = current_base_path(&root) {
            base = b;
        }
        // The terminal first, then the pages: once a page shows a change, the line
        // saying what the rebuild did is already printed (scripts and tests rely on it).
        match &result {
            Ok(summary) => {
                show_diagnostics(console, engine.diagnostics(), &mut printed);
                console.status(&rebuild_line(summary));
            }
            Err(e) => console.error(&e.to_string()),
        }
        let snapshot = engine.snapshot();
        shared.publish(
            snapshot.clone(),
            built,
            http::banner(engine.diagnostics(), fatal.as_deref()),
            base.clone(),
        );
        if built == Built::Yes && fatal.is_none() && diag::error_count(engine.diagnostics()) == 0 {
            if let Some(w) = &writer {
                w.offer(snapshot);
            }
        }
    }
    Err(Error::Usage(
        "文件监视已停止，预览无法继续更新\n  提示：重新运行 gongkai serve".into(),
    ))
}

/// The terminal line after a rebuild: what was re-read and re-rendered, how many listing
/// pages changed without being rendered (they are written when requested), how long it
/// took.
pub fn rebuild_line(s: &RebuildSummary) -> String {
    let kind = match s.kind {
        RebuildKind::Incremental => "增量",
        RebuildKind::Full => "全量",
    };
    let tail = if s.errors > 0 {
        format!("；{} 个错误，继续显示上一次没有错误的网页", s.errors)
    } else if s.warnings > 0 {
        format!("；{} 个警告", s.warnings)
    } else {
        String::new()
    };
    let listed = if s.listed > 0 {
        format!("{} 个列表页有变化（访问时生成），", s.listed)
    } else {
        String::new()
    };
    format!(
        "重新生成：重新读取 {} 个文件，重新生成 {} 个网页，{listed}用时 {} 毫秒（{kind}）{tail}",
        s.reparsed,
        s.rendered,
        s.elapsed.as_millis()
    )
}

/// Print the diagnostics as `check` does — but only when they differ from the ones
/// printed last, so an edit that fixes nothing and breaks nothing prints one line.
fn show_diagnostics(console: &Console, now: &[Diagnostic], printed: &mut Vec<Diagnostic>) {
    if now != printed.as_slice() {
        console.diagnostics(now, TextOptions::default());
        *printed = now.to_vec();
    }
}

/// The base path of the site's `base_url` as `config.toml` says now (`None` when it
/// cannot be read; the engine reports why).
fn current_base_path(root: &Path) -> Option<String> {
    let (config, _) = build::load_config(root).ok()?;
    Some(http::base_path(&config.base_url))
}

/// With `--output`: puts the last good site into that folder through the output stage
/// (only changed files written, one atomic switch), on its own thread.
struct OutputWriter {
    newest: Arc<(Mutex<Option<Arc<Snapshot>>>, Condvar)>,
}

impl OutputWriter {
    fn start(console: Console, root: PathBuf, out: PathBuf) -> Result<OutputWriter> {
        let newest: Arc<(Mutex<Option<Arc<Snapshot>>>, Condvar)> = Arc::default();
        let shared = newest.clone();
        std::thread::Builder::new()
            .name("gongkai-output".into())
            .spawn(move || {
                let mut written = None;
                loop {
                    let snapshot = {
                        let (slot, ready) = &*shared;
                        let mut slot = slot.lock().unwrap_or_else(|p| p.into_inner());
                        loop {
                            if let Some(s) = slot.take() {
                                break s;
                            }
                            slot = ready.wait(slot).unwrap_or_else(|p| p.into_inner());
                        }
                    };
                    if written == Some(snapshot.generation()) {
                        continue;
                    }
                    match write_snapshot(&root, &out, &snapshot) {
                        Ok(stats) => {
                            written = Some(snapshot.generation());
                            console.status(&format!(
                                "已写入 {}：{} 个文件，写入 {} 个、删除 {} 个",
                                out.display(),
                                stats.total,
                                stats.written,
                                stats.removed
                            ));
                        }
                        Err(e) => console.error(&e.to_string()),
                    }
                }
            })
            .map_err(|e| Error::Usage(format!("无法启动写入输出目录的线程：{e}")))?;
        Ok(OutputWriter { newest })
    }

    /// Write this snapshot next (replacing one not yet started).
    fn offer(&self, snapshot: Arc<Snapshot>) {
        let (slot, ready) = &*self.newest;
        *slot.lock().unwrap_or_else(|p| p.into_inner()) = Some(snapshot);
        ready.notify_one();
    }
}

fn write_snapshot(root: &Path, out: &Path, snapshot: &Snapshot) -> Result<WriteStats> {
    let output = Output::to_dir(root, out)?;
    for path in snapshot.paths() {
        // The output stage writes its own marker.
        if path == output::MARKER {
            continue;
        }
        if let Some(bytes) = snapshot.get(path) {
            output.put(OutputFile {
                path: path.to_string(),
                content: OutputContent::Bytes(bytes.to_vec()),
            })?;
        }
    }
    output.commit()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn rebuild_line_names_files_pages_and_milliseconds() {
        let mut s = RebuildSummary {
            reparsed: 1,
            rendered: 7,
            listed: 0,
            elapsed: Duration::from_millis(42),
            kind: RebuildKind::Incremental,
            errors: 0,
            warnings: 0,
        };
        assert_eq!(
            rebuild_line(&s),
            "重新生成：重新读取 1 个文件，重新生成 7 个网页，用时 42 毫秒（增量）"
        );
        s.listed = 3;
        assert_eq!(
            rebuild_line(&s),
            "重新生成：重新读取 1 个文件，重新生成 7 个网页，3 个列表页有变化（访问时生成），用时 42 毫秒（增量）"
        );
        s.errors = 2;
        s.kind = RebuildKind::Full;
        assert!(rebuild_line(&s).ends_with("（全量）；2 个错误，继续显示上一次没有错误的网页"));
    }
}
