#!/usr/bin/env python3
"""Times the generators side by side for scripts/bench and writes the results.

Why Python: wall time and peak RSS of exactly one child process, with no dependency on
GNU time being installed (os.wait4 gives the child's rusage), and the statistics and JSON
in one place. Runs are interleaved (gongkai, hugo, hugo, gongkai, ...) so that a load spike
from something else on the machine hits every generator alike instead of one series.
"""

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time


def run_once(cmd, log_path):
    """Run cmd once; return (wall seconds, CPU seconds, peak RSS in KiB, exit code)."""
    with open(log_path, "ab") as log:
        log.write(("\n$ " + " ".join(cmd) + "\n").encode())
        log.flush()
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
    # Linux reports ru_maxrss in KiB. CPU time (user + system) is reported beside wall
    # time because it is much less disturbed when something else loads the machine.
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, proc.returncode


def written_count(log_path):
    """Files the last gongkai build in log_path says it wrote (写入 N 个), or None."""
    last = None
    try:
        with open(log_path, encoding="utf-8", errors="replace") as f:
            for line in f:
                if "写入" in line:
                    last = line
    except OSError:
        return None
    if last is None:
        return None
    tail = last.split("写入", 1)[1].strip()
    digits = "".join(ch for ch in tail.split("个", 1)[0] if ch.isdigit())
    return int(digits) if digits else None


def tree_stats(path):
    files = 0
    size = 0
    for root, _dirs, names in os.walk(path):
        for n in names:
            files += 1
            try:
                size += os.lstat(os.path.join(root, n)).st_size
            except OSError:
                pass
    return files, size


# Stands for the output folder in a command line; each run puts its own folder there.
OUT = object()


class Series:
    """One command timed round after round.

    `out` names the output folders of a full build: each of its runs writes `out-1`,
    `out-2`, ... so that every run starts from nothing, as a first build does. A series
    that `follows` a full build (the unchanged rebuild) runs its n-th time on the folder
    that build's n-th run left. Nothing is deleted until every run is over (see `main`).
    """

    def __init__(self, key, label, cmd, log, out=None, follows=None):
        self.key = key
        self.label = label
        self.cmd = cmd
        self.out = out
        self.follows = follows
        self.log = log
        self.walls = []
        self.cpus = []
        self.rss = []
        self.error = None
        self.written = None
        self.used = []
        self.steps = 0

    def step(self):
        if self.error:
            return
        self.steps += 1
        out = None
        if self.out is not None:
            out = f"{self.out}-{self.steps}"
            if os.path.exists(out):
                shutil.rmtree(out)
            self.used.append(out)
        elif self.follows is not None:
            if len(self.follows.used) < self.steps:
                self.error = f"nothing to run on: {self.follows.key} has no output for run {self.steps}"
                return
            out = self.follows.used[self.steps - 1]
        cmd = [out if arg is OUT else arg for arg in self.cmd]
        wall, cpu, rss, code = run_once(cmd, self.log)
        if code != 0:
            self.error = f"exit code {code} (log: {self.log})"
            return
        self.walls.append(wall)
        self.cpus.append(cpu)
        self.rss.append(rss)

    def remove_outputs(self):
        for d in self.used:
            shutil.rmtree(d, ignore_errors=True)

    def drop_last(self):
        for series in (self.walls, self.cpus, self.rss):
            series.pop()

    def summary(self):
        d = {"label": self.label, "command": ["<output folder>" if arg is OUT else arg for arg in self.cmd], "runs": len(self.walls), "error": self.error}
        if self.walls:
            d.update(
                median_s=round(statistics.median(self.walls), 4),
                min_s=round(min(self.walls), 4),
                max_s=round(max(self.walls), 4),
                median_cpu_s=round(statistics.median(self.cpus), 4),
                peak_rss_mib=round(max(self.rss) / 1024, 1),
                walls_s=[round(w, 4) for w in self.walls],
                cpu_per_wall=round(statistics.median(c / w for c, w in zip(self.cpus, self.walls)), 2),
            )
            if self.written is not None:
                d.update(files_written_last_run=self.written)
            last = (self.used or (self.follows.used if self.follows else []) or [None])[-1]
            if last and os.path.isdir(last):
                files, size = tree_stats(last)
                d.update(output_files=files, output_mib=round(size / 2**20, 1))
        return d


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--work", required=True)
    ap.add_argument("--logs", required=True)
    ap.add_argument("--json", required=True)
    ap.add_argument("--policies", type=int, required=True)
    ap.add_argument("--seed", required=True)
    ap.add_argument("--as-of", required=True)
    ap.add_argument("--medium", default="tmpfs", help="tmpfs or disk: where the work dir lives")
    ap.add_argument("--gongkai", help="gongkai binary (omit to skip)")
    ap.add_argument("--gongkai-skip-reason", default="")
    ap.add_argument("--hugo", help="hugo binary (omit to skip)")
    ap.add_argument("--hugo-version", default="")
    ap.add_argument("--hugo-skip-reason", default="")
    ap.add_argument("--zola-skip-reason", default="")
    ap.add_argument("--generate-seconds", type=float, default=None)
    ap.add_argument("--corpus-files", type=int, default=None)
    a = ap.parse_args()

    site = os.path.join(a.work, "site")
    hsite = os.path.join(a.work, "hugo-site")
    logs = a.logs
    os.makedirs(logs, exist_ok=True)

    full, rebuild, check, hugo_full, hugo_plain = [], [], [], [], []
    if a.gongkai:
        out = os.path.join(a.work, "out-gongkai")
        cmd = [a.gongkai, "build", "--root", site, "--output", OUT, "--as-of", a.as_of]
        log = os.path.join(logs, "gongkai.log")
        full = [Series("gongkai_full", "gongkai full build", cmd, log, out=out)]
        # Each unchanged rebuild runs on the output one full build left: nothing changed in
        # between, so nothing may be written.
        rebuild = [Series("gongkai_rebuild", "gongkai unchanged rebuild", cmd, log, follows=full[0])]
        check_cmd = [a.gongkai, "check", "--root", site, "--as-of", a.as_of]
        check = [Series("gongkai_check", "gongkai check", check_cmd, log)]
    if a.hugo:
        cfg = os.path.join(hsite, "hugo.toml")
        nos = os.path.join(hsite, "hugo-nosearch.toml")
        base = [a.hugo, "--source", hsite, "--destination", OUT, "--quiet"]
        hugo_full = [Series("hugo_full", "hugo full build (with search JSON)", base + ["--config", cfg],
                            os.path.join(logs, "hugo.log"), out=os.path.join(a.work, "out-hugo"))]
        hugo_plain = [Series("hugo_nosearch", "hugo full build (no search JSON)", base + ["--config", f"{cfg},{nos}"],
                             os.path.join(logs, "hugo.log"), out=os.path.join(a.work, "out-hugo-nosearch"))]
    # One round: gongkai full, check, then Hugo with and without search. Interleaving spreads
    # a load spike from elsewhere over every series alike. The unchanged rebuilds run after
    # all the rounds, because they are the only runs that delete files (the folders of the
    # version each one replaces, about 24,000): on ext4 without a journal (this benchmark's
    # disk), the kernel avoids reusing an inode for 60 s after its deletion, or 300 s while
    # its inode table block is unwritten, and skips each such inode in turn when it creates
    # a file. A run creating 50,000 files and folders after another run deleted as many
    # paid seconds of system time for it, whichever generator it was; so no full build
    # follows a deletion, and no output folder is deleted before every run is over.
    rounds = full + check + hugo_full + hugo_plain

    total = a.warmup + a.runs
    for phase in (rounds, rebuild):
        for i in range(total):
            for s in phase:
                s.step()
                if i < a.warmup and not s.error:
                    s.drop_last()
            if phase is rounds:
                print(f"  round {i + 1}/{total}" + (" (warm-up)" if i < a.warmup else ""), file=sys.stderr, flush=True)
    if rebuild and not rebuild[0].error:
        rebuild[0].written = written_count(rebuild[0].log)

    series = full + rebuild + check + hugo_full + hugo_plain
    results = {s.key: s.summary() for s in series}
    for s in series:
        s.remove_outputs()  # only now: see the comment on `rounds`

    def median(key):
        r = results.get(key)
        return r.get("median_s") if r else None

    ratios = {}
    g = median("gongkai_full")
    for key in ("hugo_full", "hugo_nosearch"):
        h = median(key)
        if g and h:
            ratios[f"gongkai_full/{key}"] = round(g / h, 3)
    cpu_ratios = {}
    gc = results.get("gongkai_full", {}).get("median_cpu_s")
    for key in ("hugo_full", "hugo_nosearch"):
        hc = results.get(key, {}).get("median_cpu_s")
        if gc and hc:
            cpu_ratios[f"gongkai_full/{key}"] = round(gc / hc, 3)

    doc = {
        "date_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": {
            "cpus": os.cpu_count(),
            "cpu_model": cpu_model(),
            "platform": platform.platform(),
            "load_avg_at_start": list(os.getloadavg()),
            "work_dir": a.work,
            "medium": a.medium,
        },
        "corpus": {
            "policies": a.policies,
            "seed": a.seed,
            "as_of": a.as_of,
            "files": a.corpus_files,
            "generate_seconds": a.generate_seconds,
        },
        "runs": a.runs,
        "warmup": a.warmup,
        "hugo_version": a.hugo_version,
        "results": results,
        "ratios": ratios,
        "cpu_ratios": cpu_ratios,
        "skipped": {
            k: v
            for k, v in {
                "gongkai": a.gongkai_skip_reason if not a.gongkai else "",
                "hugo": a.hugo_skip_reason if not a.hugo else "",
                "zola": a.zola_skip_reason,
            }.items()
            if v
        },
        "targets": TARGETS,
    }
    os.makedirs(os.path.dirname(a.json), exist_ok=True)
    with open(a.json, "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False, indent=2)
        f.write("\n")
    print_table(doc)


# What the project promises for the 10,000-policy site (see README, Performance).
TARGETS = {
    "ratio_vs_hugo_nosearch_max": 0.30,
    "cpu_per_wall_min": 1.6,
    "peak_rss_mib_max": 300,
    "check_median_s_max": 1.0,
    "rebuild_median_s_max": 1.5,
}


def cpu_model():
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def print_table(doc):
    rows = [("generator", "median s", "min s", "max s", "CPU s", "peak RSS MiB", "files", "note")]
    for r in doc["results"].values():
        if r.get("runs"):
            rows.append((r["label"], f'{r["median_s"]:.3f}', f'{r["min_s"]:.3f}', f'{r["max_s"]:.3f}',
                         f'{r["median_cpu_s"]:.2f}', f'{r["peak_rss_mib"]:.1f}', str(r.get("output_files", "")),
                         r["error"] or ""))
        else:
            rows.append((r["label"], "-", "-", "-", "-", "-", "", r["error"] or "no runs"))
    for name, why in doc["skipped"].items():
        rows.append((name, "-", "-", "-", "-", "-", "", "skipped: " + why))
    widths = [max(display_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    print()
    c = doc["corpus"]
    m = doc["machine"]
    print(f'corpus: {c["policies"]} policies, {c["files"]} files, seed {c["seed"]}, --as-of {c["as_of"]}; '
          f'{doc["runs"]} runs each (+{doc["warmup"]} warm-up), each full build into a folder never used before')
    print(f'machine: {m["cpus"]} CPUs, {m["cpu_model"]}; load at start {m["load_avg_at_start"][0]:.2f}; '
          f'work dir {m["work_dir"]} ({m["medium"]}); hugo {doc["hugo_version"] or "-"}')
    if m["load_avg_at_start"][0] > 0.5 * (m["cpus"] or 1):
        print("WARNING: the machine was busy when the benchmark started; numbers are noisy.")
    print()
    for i, row in enumerate(rows):
        print("  ".join(pad(cell, widths[j], right=(0 < j < 7)) for j, cell in enumerate(row)).rstrip())
        if i == 0:
            print("  ".join("-" * w for w in widths))
    print()
    t = doc["targets"]
    res = doc["results"]

    def verdict(ok):
        return "meets" if ok else "MISSES"

    for k, v in doc["ratios"].items():
        if k.endswith("hugo_nosearch"):
            print(f"ratio {k} (median wall): {v:.3f}  -> {verdict(v <= t['ratio_vs_hugo_nosearch_max'])} "
                  f"the target (<= {t['ratio_vs_hugo_nosearch_max']})")
        else:
            print(f"ratio {k} (median wall): {v:.3f}")
    for k, v in doc["cpu_ratios"].items():
        print(f"ratio {k} (median CPU time, for reference): {v:.3f}")
    g = res.get("gongkai_full", {})
    if g.get("peak_rss_mib") is not None:
        print(f'gongkai full build: CPU/wall {g["cpu_per_wall"]:.2f} -> {verdict(g["cpu_per_wall"] >= t["cpu_per_wall_min"])} '
              f'the target (>= {t["cpu_per_wall_min"]}); peak RSS {g["peak_rss_mib"]:.1f} MiB -> '
              f'{verdict(g["peak_rss_mib"] <= t["peak_rss_mib_max"])} the target (<= {t["peak_rss_mib_max"]} MiB)')
    c = res.get("gongkai_check", {})
    if c.get("median_s") is not None:
        print(f'gongkai check: median {c["median_s"]:.3f} s -> {verdict(c["median_s"] < t["check_median_s_max"])} '
              f'the target (< {t["check_median_s_max"]} s)')
    r = res.get("gongkai_rebuild", {})
    if r.get("median_s") is not None:
        w = r.get("files_written_last_run")
        print(f'gongkai unchanged rebuild: median {r["median_s"]:.3f} s, files written {w if w is not None else "?"} -> '
              f'{verdict(r["median_s"] < t["rebuild_median_s_max"] and w == 0)} the target (< {t["rebuild_median_s_max"]} s, writing nothing)')


def display_width(s):
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in s)


def pad(s, width, right):
    gap = " " * (width - display_width(s))
    return gap + s if right else s + gap


if __name__ == "__main__":
    main()
