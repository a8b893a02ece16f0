#!/usr/bin/env python3
"""Runs scripts/bench-scale: cold full builds of generated sites of growing size.

Each size gets its own corpus (generated, then built from an empty output folder
`runs` times); the corpus and output of a size are deleted before the next size starts,
so the largest one never shares the disk with the others.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run import run_once, cpu_model  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--gongkai", required=True)
    ap.add_argument("--generator", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--logs", required=True)
    ap.add_argument("--json", required=True)
    ap.add_argument("--seed", required=True)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--large-runs", type=int, default=1)
    ap.add_argument("--as-of", required=True)
    ap.add_argument("sizes", type=int, nargs="+")
    a = ap.parse_args()

    rows = []
    load_at_start = os.getloadavg()[0]
    for n in a.sizes:
        site = os.path.join(a.work, f"site-{n}")
        out = os.path.join(a.work, f"out-{n}")
        t0 = time.perf_counter()
        subprocess.run([a.generator, "--out", site, "--policies", str(n), "--seed", a.seed],
                       check=True, stdout=subprocess.DEVNULL)
        gen_s = time.perf_counter() - t0
        docs = sum(1 for _r, _d, names in os.walk(os.path.join(site, "content")) for x in names if x.endswith(".md"))
        runs = a.large_runs if n > 50000 else a.runs
        walls, cpus, rss = [], [], []
        log = os.path.join(a.logs, f"gongkai-{n}.log")
        for i in range(runs):
            shutil.rmtree(out, ignore_errors=True)
            wall, cpu, peak, code = run_once(
                [a.gongkai, "build", "--root", site, "--output", out, "--as-of", a.as_of], log)
            if code != 0:
                sys.exit(f"bench-scale: gongkai failed on {n} policies (exit {code}); see {log}")
            walls.append(wall)
            cpus.append(cpu)
            rss.append(peak)
            print(f"  {n} policies: run {i + 1}/{runs}: {wall:.2f} s", file=sys.stderr, flush=True)
        out_files = sum(len(names) for _r, _d, names in os.walk(out))
        rows.append({
            "policies": n,
            "documents": docs,
            "generate_s": round(gen_s, 2),
            "runs": runs,
            "median_s": round(statistics.median(walls), 3),
            "walls_s": [round(w, 3) for w in walls],
            "median_cpu_s": round(statistics.median(cpus), 3),
            "cpu_per_wall": round(statistics.median(c / w for c, w in zip(cpus, walls)), 2),
            "peak_rss_mib": round(max(rss) / 1024, 1),
            "output_files": out_files,
        })
        shutil.rmtree(site, ignore_errors=True)
        shutil.rmtree(out, ignore_errors=True)

    base = next((r for r in rows if r["policies"] == 10000), None)
    for r in rows:
        r["times_10k"] = round(r["median_s"] / base["median_s"], 2) if base else None
    doc = {
        "date_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": {"cpus": os.cpu_count(), "cpu_model": cpu_model(), "load_avg_at_start": load_at_start,
                    "work_dir": a.work},
        "as_of": a.as_of,
        "seed": a.seed,
        "rows": rows,
        "targets": {"times_10k_max_at_100k": 11, "peak_rss_mib_max_at_100k": 1536},
    }
    os.makedirs(os.path.dirname(a.json), exist_ok=True)
    with open(a.json, "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False, indent=2)
        f.write("\n")

    print()
    print(f"machine: {os.cpu_count()} CPUs; load at start {load_at_start:.2f}; work dir {a.work}")
    print(f"{'policies':>9} {'documents':>9} {'runs':>4} {'median s':>9} {'CPU s':>7} {'CPU/wall':>8} "
          f"{'peak RSS MiB':>12} {'files':>7} {'x 10k':>6}")
    for r in rows:
        x = f'{r["times_10k"]:.2f}' if r["times_10k"] is not None else "-"
        print(f'{r["policies"]:>9} {r["documents"]:>9} {r["runs"]:>4} {r["median_s"]:>9.2f} {r["median_cpu_s"]:>7.2f} '
              f'{r["cpu_per_wall"]:>8.2f} {r["peak_rss_mib"]:>12.1f} {r["output_files"]:>7} {x:>6}')
    big = next((r for r in rows if r["policies"] == 100000), None)
    if big and base:
        ok_t = big["times_10k"] <= 11
        ok_m = big["peak_rss_mib"] <= 1536
        print(f'100,000 policies: {big["times_10k"]:.2f} x the 10,000 build -> {"meets" if ok_t else "MISSES"} the target '
              f'(<= 11); peak RSS {big["peak_rss_mib"]:.0f} MiB -> {"meets" if ok_m else "MISSES"} the target (<= 1536)')


if __name__ == "__main__":
    main()
