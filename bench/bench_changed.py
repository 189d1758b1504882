"""Benchmark: `kexie validate --changed-since REF` after a 10-file change, against a full validate.

    python bench/bench_changed.py --data /work/data/10000 --runs 5

Copies the pre-generated records (read-only source) and schemas into a temporary git repository,
commits them, then edits 10 records (names, a reference swap, a money figure, a deletion, a rename,
a new record) and times, as whole processes (wall, CPU user+sys of the process tree, peak RSS):

* the first changed-since run (cold: builds the blob-hash fact cache in .git/kexie/),
* warm changed-since runs (median of --runs),
* one full `kexie validate` for comparison.

Goal (#14 item 2): ≤ 1 s for a 10-file change at 10,000 experts.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
GIT_ENV = {"GIT_AUTHOR_NAME": "b", "GIT_AUTHOR_EMAIL": "b@example.org", "GIT_COMMITTER_NAME": "b",
           "GIT_COMMITTER_EMAIL": "b@example.org", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}


def measured(command, cwd) -> tuple[float, float, float, str]:
    """(wall s, CPU s user+sys of the process and the children it waited for (git), its peak RSS MB,
    stdout's last line) of one process: os.wait4 gives this child's own figures."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        child = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=err)
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    if child.returncode not in (0, 1):
        sys.exit(f"{command} failed:\n{stderr[-2000:]}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, (stdout.strip().splitlines() or [""])[-1]


def git(cwd, *args):
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, env={**os.environ, **GIT_ENV})


def ten_edits(records: Path, rng: random.Random) -> None:
    experts = sorted((records / "experts").glob("*.yaml"))
    projects = sorted((records / "projects").glob("*.yaml"))
    for path in rng.sample(experts, 5):  # five name edits
        text = path.read_text(encoding="utf-8")
        path.write_text(re.sub(r"(?m)^name: (.*)$", r"name: \1改", text, count=1), encoding="utf-8")
    project = rng.choice(projects)  # one money figure
    text = project.read_text(encoding="utf-8")
    project.write_text(re.sub(r"amount: (\d+)", lambda m: f"amount: {int(m.group(1)) + 1000}", text, count=1), encoding="utf-8")
    society = rng.choice(sorted((records / "societies").glob("*.yaml")))  # one reference swap
    text = society.read_text(encoding="utf-8")
    society.write_text(text.replace("  - ", "  - no-such-expert-", 1), encoding="utf-8")
    rng.choice(experts).unlink()  # one deletion
    moved = rng.choice(experts)  # one rename
    if moved.exists():
        moved.rename(moved.with_name(moved.stem + "-2.yaml"))
    (records / "experts" / "new-expert.yaml").write_text(experts[0].read_text(encoding="utf-8"), encoding="utf-8")


def verify(work: Path) -> None:
    """The corpus test's comparison at this scale (the full run's parse takes its parallel path here)."""
    sys.path.insert(0, str(REPO))
    from generator.checks.pipeline import check_records
    from generator.contrib.changedsince import check_changed
    from generator.records.problems import Problem

    os.chdir(work)
    result = check_changed(Path("records"), "HEAD")
    full = check_records(Path("records"))
    wanted = {Problem(w, 0, 0, "", "").path for w in result.affected}
    expected = sorted({p for p in full.report.problems if p.path in wanted}, key=Problem.sort_key)
    same = result.report.sorted() == expected and result.count == sum(1 for r in full.records.all() if r.path in result.affected)
    print(f"verify: {len(result.affected)} affected paths, {len(expected)} problems; equal to the full run: {same}")
    if not same:
        sys.exit(1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=Path("/work/data/10000"))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--verify", action="store_true",
                        help="also compare, in this process, with the full run's problems for the affected files")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="kexie-bench-changed-"))
    try:
        shutil.copytree(args.data / "records", work / "records")
        shutil.copytree(REPO / "schemas", work / "schemas")
        git(work, "init", "-q")
        git(work, "add", "-A")
        git(work, "commit", "-q", "-m", "base")
        files = sum(1 for _ in (work / "records").rglob("*.yaml"))
        ten_edits(work / "records", random.Random(14))
        kexie = [sys.executable, "-m", "generator", "validate"]
        changed = kexie + ["--changed-since", "HEAD"]
        cold = measured(changed, work)
        warm = [measured(changed, work) for _ in range(args.runs)]
        full = measured(kexie, work)
        print(f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
        print(f"records: {files} files; change: 10 files (5 edits, money, reference, deletion, rename, new)")
        print(f"{'run':<34}{'wall s':>8}{'CPU s':>8}{'RSS MB':>8}  output")
        print(f"{'changed-since, cold cache':<34}{cold[0]:>8.2f}{cold[1]:>8.2f}{cold[2]:>8.0f}  {cold[3]}")
        med = [statistics.median(r[i] for r in warm) for i in range(3)]
        print(f"{f'changed-since, warm (median of {args.runs})':<34}{med[0]:>8.2f}{med[1]:>8.2f}{med[2]:>8.0f}  {warm[0][3]}")
        print(f"{'full validate':<34}{full[0]:>8.2f}{full[1]:>8.2f}{full[2]:>8.0f}  {full[3]}")
        if args.verify:
            verify(work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
