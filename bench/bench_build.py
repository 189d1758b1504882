"""Benchmark: validate and build a synthetic records set (default 10,000 experts).

    python bench/bench_build.py --experts 10000 --runs 3

Prints the median of each stage over the runs and the machine it ran on. Targets on 2 cores:
validate ≤ 4 s, build with search ≤ 30 s.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def timed(command, cwd) -> float:
    start = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode not in (0,):
        sys.exit(f"{' '.join(map(str, command))} failed:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--experts", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="kexie-bench-"))
    try:
        for item in ("mkdocs.yml", "site_src", "overrides", "schemas"):
            source = REPO / item
            (shutil.copytree if source.is_dir() else shutil.copy)(source, work / item)
        records = work / "records"
        shutil.copytree(REPO / "records" / "policies", records / "policies")
        shutil.copytree(REPO / "records" / "staff", records / "staff")
        subprocess.run([sys.executable, str(REPO / "bench" / "synthetic.py"), "--out", str(records), "--experts", str(args.experts)], check=True)
        kexie = [sys.executable, "-m", "generator"]
        validate = [timed(kexie + ["validate"], work) for _ in range(args.runs)]
        build = [timed(kexie + ["build", "--out", str(work / "site")], work) for _ in range(args.runs)]
        pages = sum(1 for _ in (work / "site" / "experts").glob("*/index.html"))
        size = sum(p.stat().st_size for p in (work / "site").rglob("*") if p.is_file())
        print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.platform()}")
        print(f"experts: {args.experts} ({pages} published pages), runs: {args.runs}")
        print(f"validate median: {statistics.median(validate):.2f} s  (runs: {', '.join(f'{t:.2f}' for t in validate)})")
        print(f"build median:    {statistics.median(build):.2f} s  (runs: {', '.join(f'{t:.2f}' for t in build)})")
        print(f"site size: {size / 2**20:.1f} MiB")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
