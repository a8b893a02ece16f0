#!/usr/bin/env python3
"""Times edits through `gongkai serve` for scripts/bench-serve.

Why Python: one process that starts serve, reads its terminal lines as they come, writes
files and polls pages over one keep-alive HTTP connection, with monotonic clocks and the
statistics in one place. Kinds of edit are interleaved round by round, so a load spike
from something else on the machine hits every kind alike.
"""

import argparse
import datetime
import http.client
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import threading
import time

REBUILD = "重新生成："
# "Listed": listing pages whose content changed, written when requested (not rendered).
LINE_RE = re.compile(
    r"重新读取 (?P<reparsed>\d+) 个文件，重新生成 (?P<rendered>\d+) 个网页，"
    r"(?:(?P<listed>\d+) 个列表页有变化（访问时生成），)?用时 (?P<ms>\d+) 毫秒（(?P<kind>\S+?)）")
KINDS = ["body", "title", "effective", "interpretation"]
TARGET_MS = {"body": 100, "title": 100, "effective": None, "interpretation": 300}
RSS_TARGET_MIB = 600
POLL_S = 0.002
TIMEOUT_S = 120


class Serve:
    """A running `gongkai serve`, its terminal lines collected by a thread."""

    started = []

    def __init__(self, binary, site, as_of, log_path):
        Serve.started.append(self)
        self.lines = []
        self.lock = threading.Lock()
        self.log = open(log_path, "w", encoding="utf-8")
        self.proc = subprocess.Popen(
            [binary, "serve", "--root", site, "--port", "0", "--as-of", as_of],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for raw in self.proc.stderr:
            line = raw.decode("utf-8", "replace").rstrip("\n")
            self.log.write(line + "\n")
            self.log.flush()
            with self.lock:
                self.lines.append(line)

    def find(self, pred):
        with self.lock:
            for line in self.lines:
                if pred(line):
                    return line
        return None

    def rebuilds(self):
        with self.lock:
            return [l for l in self.lines if l.startswith(REBUILD)]

    def wait(self, what, cond, timeout=TIMEOUT_S):
        deadline = time.monotonic() + timeout
        while True:
            value = cond()
            if value:
                return value
            if self.proc.poll() is not None:
                sys.exit(f"bench-serve: serve exited ({self.proc.returncode}) while waiting for {what}")
            if time.monotonic() > deadline:
                sys.exit(f"bench-serve: no {what} within {timeout} s (see the serve log)")
            time.sleep(0.01)

    def memory_kib(self):
        """VmHWM (peak RSS) and VmRSS from /proc, in KiB."""
        out = {}
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                key, _, value = line.partition(":")
                if key in ("VmHWM", "VmRSS"):
                    out[key] = int(value.split()[0])
        return out

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


class Client:
    """GET over one keep-alive connection, reconnecting when the server closes it."""

    def __init__(self, port):
        self.port = port
        self.conn = None

    def get(self, path):
        for _ in range(3):
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                self.conn.request("GET", path)
                r = self.conn.getresponse()
                body = r.read()
                if r.getheader("Connection", "").lower() == "close":
                    self.conn.close()
                    self.conn = None
                return r.status, body.decode("utf-8", "replace")
            except (OSError, http.client.HTTPException):
                if self.conn is not None:
                    self.conn.close()
                self.conn = None
        return 0, ""


LABELS = {"index_no": "索引号", "title": "标题", "published": "发布日期", "issued": "成文日期",
          "effective": "生效日期", "normative": "规范性文件"}


def front(text, key):
    """A front-matter value, under its English key or its Chinese label."""
    for k in (key, LABELS.get(key)):
        if k:
            m = re.search(rf'^{k}: "?([^"\n]*)"?$', text, re.M)
            if m:
                return m.group(1)
    return None


def policy_url(index_no):
    return "/policies/" + index_no.replace("/", "-") + "/"


def quote(path):
    from urllib.parse import quote as q
    return q(path, safe="/")


def display_date(sample, date):
    """A date in the form the page already uses for 生效日期."""
    if sample and "年" in sample:
        return f"{date.year}年{date.month}月{date.day}日"
    return date.isoformat()


def pick(files, count, offset):
    step = max(1, len(files) // (count + 1))
    return [files[(offset + i * step) % len(files)] for i in range(count)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--gongkai", required=True)
    ap.add_argument("--site", required=True)
    ap.add_argument("--edits", type=int, default=20)
    ap.add_argument("--as-of", default="2026-11-22")
    ap.add_argument("--log", required=True)
    ap.add_argument("--results", required=True)
    args = ap.parse_args()

    site = os.path.abspath(args.site)
    policies_dir = os.path.join(site, "content", "policies")
    files = []
    for root, _dirs, names in os.walk(policies_dir):
        files.extend(os.path.join(root, n) for n in names if n.endswith(".md"))
    files.sort()
    # Edits rewrite `title:` / `effective:` lines: use the files written with English keys.
    files = [f for f in files if re.search(r"^index_no: ", open(f, encoding="utf-8").read(), re.M)
             and re.search(r"^title: ", open(f, encoding="utf-8").read(), re.M)]
    normative = [f for f in files if re.search(r"^normative: true$", open(f, encoding="utf-8").read(), re.M)
                 and re.search(r"^effective: ", open(f, encoding="utf-8").read(), re.M)]
    plain = [f for f in files if f not in set(normative)]
    n = args.edits
    targets = {
        "body": pick(plain or files, n, 0),
        "title": pick(plain or files, n, 7),
        "effective": pick(normative or files, n, 3),
        "interpretation": pick(files, n, 11),
    }

    # Made before serve starts, so its creation is not one of the timed changes.
    interp_dir = os.path.join(site, "content", "interpretations", "bench-serve")
    os.makedirs(interp_dir, exist_ok=True)

    load_before = os.getloadavg()
    started = time.monotonic()
    serve = Serve(args.gongkai, site, args.as_of, args.log)
    url_line = serve.wait("the preview address", lambda: serve.find(lambda l: l.startswith("预览地址：")), 900)
    first_build_s = time.monotonic() - started
    port = int(re.search(r"http://127\.0\.0\.1:(\d+)/", url_line).group(1))
    client = Client(port)
    first = serve.find(lambda l: l.startswith("首次生成："))
    print(f"first build: {first_build_s:.1f} s ({first})", file=sys.stderr)

    results = {k: [] for k in KINDS}

    for r in range(n):
        for kind in KINDS:
            path = targets[kind][r]
            text = open(path, encoding="utf-8").read()
            index_no = front(text, "index_no")
            url = policy_url(index_no)
            checks = []  # (url, substring) that must all show
            if kind == "body":
                marker = f"基准测试正文修改第{r}轮。"
                new_text = text.rstrip("\n") + f"\n\n{marker}\n"
                writes = [(path, new_text)]
                checks.append((url, marker))
            elif kind == "title":
                title = front(text, "title")
                new_title = f"{title}（基准修订{r}）"
                new_text = re.sub(r"^title: .*$", f'title: "{new_title}"', text, count=1, flags=re.M)
                writes = [(path, new_text)]
                checks.append((url, new_title))
            elif kind == "effective":
                status, page = client.get(quote(url))
                sample = re.search(r"生效日期</th><td>([^<]+)</td>", page)
                published = datetime.date.fromisoformat(front(text, "published") or front(text, "issued"))
                new_date = published + datetime.timedelta(days=40 + r)
                new_text = re.sub(r"^effective: .*$", f"effective: {new_date.isoformat()}", text, count=1, flags=re.M)
                writes = [(path, new_text)]
                checks.append((url, f"生效日期</th><td>{display_date(sample and sample.group(1), new_date)}</td>"))
            else:
                published = datetime.date.fromisoformat(front(text, "published") or front(text, "issued"))
                title = f"基准测试新增解读{r}：{front(text, 'title')}"
                name = f"i{r:03}"
                body = (f'---\ntitle: "{title}"\npublished: {published.isoformat()}\n'
                        f'policy: "{index_no}"\nform: "文字解读"\n---\n\n基准测试解读正文。\n')
                writes = [(os.path.join(interp_dir, name + ".md"), body)]
                checks.append((url, title))
                checks.append((f"/interpretations/bench-serve/{name}/", title))
            seen = len(serve.rebuilds())
            t0 = time.perf_counter()
            for p, t in writes:
                with open(p, "w", encoding="utf-8") as f:
                    f.write(t)
            pending = list(checks)
            deadline = time.monotonic() + TIMEOUT_S
            while pending:
                u, needle = pending[0]
                status, page = client.get(quote(u))
                if status == 200 and needle in page:
                    pending.pop(0)
                    continue
                if time.monotonic() > deadline:
                    sys.exit(f"bench-serve: {u} never showed {needle!r} after the {kind} edit #{r}")
                time.sleep(POLL_S)
            took_ms = (time.perf_counter() - t0) * 1000
            line = serve.wait("the rebuild line", lambda: len(serve.rebuilds()) > seen and serve.rebuilds()[-1])
            lines = serve.rebuilds()[seen:]
            parsed = [LINE_RE.search(l) for l in lines]
            rendered = sum(int(m["rendered"]) for m in parsed if m)
            listed = sum(int(m["listed"] or 0) for m in parsed if m)
            reparsed = sum(int(m["reparsed"]) for m in parsed if m)
            engine_ms = sum(int(m["ms"]) for m in parsed if m)
            kinds = sorted({m["kind"] for m in parsed if m})
            results[kind].append({
                "round": r, "file": os.path.relpath(path, site), "ms": round(took_ms, 1),
                "rebuilds": len(lines), "reparsed": reparsed, "rendered": rendered,
                "listed": listed,
                "engine_ms": engine_ms, "kind": kinds, "line": line,
            })

    memory = serve.memory_kib()
    serve.stop()
    load_after = os.getloadavg()

    summary = {}
    print(file=sys.stderr)
    print(f"{'edit':<16}{'median ms':>11}{'max ms':>9}{'engine ms (med)':>17}{'pages (med/max)':>17}{'listed (med)':>14}  target", file=sys.stderr)
    for kind in KINDS:
        rows = results[kind]
        ms = [x["ms"] for x in rows]
        pages = [x["rendered"] for x in rows]
        engine = [x["engine_ms"] for x in rows]
        target = TARGET_MS[kind]
        med = statistics.median(ms)
        verdict = "—" if target is None else (f"<{target} ms: " + ("met" if med < target else "MISSED"))
        summary[kind] = {
            "median_ms": med, "max_ms": max(ms), "engine_median_ms": statistics.median(engine),
            "pages_median": statistics.median(pages), "pages_max": max(pages),
            "listed_median": statistics.median(x["listed"] for x in rows),
            "full_rebuilds": sum(1 for x in rows if "全量" in x["kind"]), "target_ms": target,
        }
        print(f"{kind:<16}{med:>11.1f}{max(ms):>9.1f}{statistics.median(engine):>17.0f}"
              f"{statistics.median(pages):>9.0f}/{max(pages):<7}"
              f"{summary[kind]['listed_median']:>14.0f}  {verdict}", file=sys.stderr)
    hwm_mib = memory.get("VmHWM", 0) / 1024
    print(f"serve peak RSS (VmHWM): {hwm_mib:.0f} MiB (target < {RSS_TARGET_MIB} MiB: "
          f"{'met' if hwm_mib < RSS_TARGET_MIB else 'MISSED'}); first build {first_build_s:.1f} s", file=sys.stderr)
    print(f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f} "
          f"({os.cpu_count()} CPUs); {platform.platform()}", file=sys.stderr)

    os.makedirs(os.path.dirname(args.results), exist_ok=True)
    with open(args.results, "w", encoding="utf-8") as f:
        json.dump({
            "summary": summary, "edits": results, "memory_kib": memory,
            "first_build_s": first_build_s, "load_before": load_before, "load_after": load_after,
            "cpus": os.cpu_count(), "policies": len(files),
        }, f, ensure_ascii=False, indent=1)


if __name__ == "__main__":
    try:
        main()
    finally:
        # Never leave a server running, whatever stopped the run.
        for s in Serve.started:
            if s.proc.poll() is None:
                s.proc.kill()
