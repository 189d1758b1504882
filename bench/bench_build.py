"""Benchmark: validate and build a records set (default: a synthetic one of 10,000 experts).

    python bench/bench_build.py --experts 10000 --runs 3
    python bench/bench_build.py --records /work/data/10000/records --runs 3   # an existing set, read only
    python bench/bench_build.py --records /work/data/100000/records --runs 1 --only build

Prints, per command, the median over the runs of: wall seconds, CPU seconds (user + system of the
whole process tree: the command and every process it forked and waited for), and peak memory —
the largest sum of PSS over the process tree (sampled every 50 ms: what the tree really holds, a page
shared by a forked child and its parent counted once), beside the sum of RSS (which counts shared
pages twice) and the largest single process's RSS (the kernel's own peak, exact). Also the machine it ran on and the site's size. Targets on 2 cores (issue #14):
build at 10,000 experts ≤ 10 s and ≤ 400 MB, at 100,000 ≤ 120 s and ≤ 2 GB; validate at 100,000
≤ 25 s and ≤ 1 GB.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PAGE = os.sysconf("SC_PAGE_SIZE")


def _pss(pid: int) -> int:
    """Proportional set size of a process in bytes: its private pages plus its share of the pages
    it shares (a forked child's untouched pages count half to each): the tree's PSS adds up to the
    memory the tree really holds."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as fd:
            for line in fd:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _tree(root: int) -> tuple[int, int]:
    """(RSS, PSS) in bytes of `root` and all its descendants now (0 for processes that just ended)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as fd:
                fields = fd.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        pid = int(entry.name)
        children.setdefault(int(fields[1]), []).append(pid)  # fields[1]: parent pid
        rss[pid] = int(fields[21]) * PAGE  # fields[21]: rss in pages
    total, pss, stack = 0, 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        pss += _pss(pid)
        stack.extend(children.get(pid, []))
    return total, pss


def measure(command, cwd) -> dict:
    """Run `command`; its wall and CPU seconds, the peak RSS of its process tree and of its largest process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = [0, 0]

    def sample():
        while process.poll() is None:
            rss, pss = _tree(process.pid)
            peak[0], peak[1] = max(peak[0], rss), max(peak[1], pss)
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        out, err = process.communicate()
    finally:  # interrupted (Ctrl+C, or SIGTERM from `timeout`): no build left running on its own
        if process.poll() is None:
            process.kill()
            process.wait()
    wall = time.perf_counter() - start
    sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if process.returncode != 0:
        sys.exit(f"{' '.join(map(str, command))} failed:\n{out[-2000:]}\n{err[-2000:]}")
    return {
        "wall": wall,
        "cpu": (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
        "tree_mb": peak[0] / 2**20,
        "pss_mb": peak[1] / 2**20,
        "process_mb": after.ru_maxrss / 1024,  # the largest process so far (the runs only grow it)
    }


def summary(name: str, runs: list[dict]) -> str:
    def med(key):
        return statistics.median(r[key] for r in runs)

    walls = ", ".join(f"{r['wall']:.2f}" for r in runs)
    return (
        f"{name:9} wall {med('wall'):7.2f} s   CPU {med('cpu'):7.2f} s   peak PSS tree {med('pss_mb'):6.0f} MB (RSS {med('tree_mb'):5.0f}), "
        f"largest process {max(r['process_mb'] for r in runs):5.0f} MB   (wall runs: {walls})"
    )


def _exit_on_sigterm(signum, frame):
    raise SystemExit(128 + signum)  # unwinds: the running command is killed, the work folder removed


def main() -> None:
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--experts", type=int, default=10000, help="size of the synthetic set (without --records)")
    parser.add_argument("--records", type=Path, help="an existing records folder (not written to) instead of a synthetic set")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", choices=("validate", "build"), help="run one command only")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="kexie-bench-"))
    try:
        for item in ("mkdocs.yml", "site_src", "overrides", "schemas"):
            source = REPO / item
            (shutil.copytree if source.is_dir() else shutil.copy)(source, work / item)
        if args.records:
            records = args.records.resolve()
        else:
            records = work / "records"
            shutil.copytree(REPO / "records" / "policies", records / "policies")
            shutil.copytree(REPO / "records" / "staff", records / "staff")
            subprocess.run([sys.executable, str(REPO / "bench" / "synthetic.py"), "--out", str(records), "--experts", str(args.experts)], check=True)
        kexie = [sys.executable, "-m", "generator"]
        print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.platform()}")
        experts = sum(1 for _ in (records / "experts").glob("*.y*ml"))
        print(f"records: {records if args.records else 'synthetic'} ({experts} expert files), runs: {args.runs} (medians)", flush=True)
        commands = {
            "validate": kexie + ["validate", "--records", str(records)],
            "build": kexie + ["build", "--records", str(records), "--out", str(work / "site")],
        }
        for name, command in commands.items():
            if args.only in (None, name):  # each result as soon as it is known
                runs = [measure(command, work) for _ in range(args.runs)]
                load = os.getloadavg()
                print(f"{summary(name, runs)}   load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}", flush=True)
        if args.only != "validate":
            pages = sum(1 for _ in (work / "site" / "experts").glob("*/index.html"))
            size = sum(p.stat().st_size for p in (work / "site").rglob("*") if p.is_file())
            print(f"site: {size / 2**20:.1f} MiB, {pages} expert pages")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
