"""Incremental build benchmark (issue #14, item 2): a one-record edit of each kind, then `kexie build`
over the previous site. Reports wall seconds, CPU seconds (user+sys of the whole process tree) and
peak RSS of each build, and how many files of the site were rewritten (not the previous file).

    python bench/bench_incremental.py --records /work/data/10000/records --work /tmp/inc-bench

The records are copied into --work (the data set stays read-only); the edits accumulate (each
build sees one new edit over the previous site) and are undone at the end. The first build is a full one
(`--full`), which is also the "before" figure. Figures go to bench/RESULTS.md by hand.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# one displayed free-text field per kind; the edit appends a sentence to its first line
FIELDS = {"experts": "affiliation", "societies": "name", "workstations": "summary", "projects": "title",
          "needs": "title", "proposals": "title"}
SUFFIX = {"experts": "（东区）", "societies": "", "workstations": "新增一项培训。", "projects": "（二期）",
          "needs": "（急）", "proposals": "（修订）"}


def build(records: Path, out: Path, *extra: str) -> dict:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "generator", "build", "--records", str(records), "--out", str(out), *extra],
                          cwd=REPO, capture_output=True, text=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        sys.exit(done.stdout + done.stderr)
    return {"wall": wall, "cpu": (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
            "rss_mb": after.ru_maxrss / 1024, "notice": done.stdout.splitlines()[0]}


def inodes(site: Path) -> dict[str, int]:
    found = {}
    for folder, _dirs, files in os.walk(site):
        for name in files:
            path = os.path.join(folder, name)
            found[os.path.relpath(path, site)] = os.stat(path).st_ino
    return found


def pick(records: Path, kind: str) -> Path:
    """The middle record of `kind` (for experts: the middle published one: only they have pages)."""
    files = sorted((records / kind).glob("*.yaml"))
    if kind == "experts":
        files = [f for f in files if "publish: true" in f.read_text(encoding="utf-8")]
    return files[len(files) // 2]


def edit(records: Path, kind: str) -> tuple[Path, bytes]:
    """Change one record of `kind` (a name shown on other pages, for a society); return (file, old bytes)."""
    path = pick(records, kind)
    original = path.read_bytes()
    text = original.decode("utf-8")
    if kind == "societies":  # a society's name is written into its stations' agreements too
        name = re.search(r"\nname: (.+)\n", text).group(1)
        new = name.replace("杭州市", "杭州市新", 1)
        changed = [(p, p.read_bytes()) for p in records.rglob("*.yaml") if name.encode() in p.read_bytes()]
        for p, data in changed:
            p.write_bytes(data.replace(name.encode(), new.encode()))
        return changed
    pattern = re.compile(rf"^({FIELDS[kind]}: )(.+)$", re.M)
    text, count = pattern.subn(lambda m: m.group(1) + m.group(2) + SUFFIX[kind], text, count=1)
    assert count == 1, path
    path.write_text(text, encoding="utf-8")
    return [(path, original)]


def serve_latency(records: Path, edits: int = 3) -> list[float]:
    """Seconds from saving an expert's edit to `kexie serve` sending the page that shows it."""
    import signal
    import socket
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    path = pick(records, "experts")
    url = f"http://127.0.0.1:{port}/experts/{path.stem}/"
    server = subprocess.Popen([sys.executable, "-m", "generator", "serve", "--records", str(records), "--address", f"127.0.0.1:{port}"],
                              cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)

    def page() -> str:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.read().decode("utf-8")
        except OSError:
            return ""

    original = path.read_bytes()
    times = []
    try:
        while not page():
            time.sleep(0.5)
        for n in range(edits):
            mark = f"（第{n + 1}分部）"
            text = re.sub(r"^(affiliation: .+)$", lambda m: m.group(1) + mark, original.decode("utf-8"), count=1, flags=re.M)
            started = time.perf_counter()
            path.write_text(text, encoding="utf-8")
            while mark not in page():
                time.sleep(0.05)
            times.append(time.perf_counter() - started)
    finally:
        path.write_bytes(original)
        os.killpg(server.pid, signal.SIGINT)
        server.wait(timeout=60)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=Path, required=True)
    parser.add_argument("--work", type=Path, default=Path("/tmp/inc-bench"))
    parser.add_argument("--kinds", default=",".join(FIELDS))
    parser.add_argument("--serve", action="store_true", help="also time `kexie serve` from saving an edit to the page showing it")
    args = parser.parse_args()
    records, site = args.work / "records", args.work / "site"
    if not records.is_dir():
        shutil.copytree(args.records, records)
    print(f"machine: {platform.node()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    full = build(records, site, "--full")
    print(f"full build: {full['wall']:.1f} s wall, {full['cpu']:.1f} s CPU, {full['rss_mb']:.0f} MB — {full['notice']}")
    nothing = build(records, site)
    print(f"no change: {nothing['wall']:.1f} s wall, {nothing['cpu']:.1f} s CPU — {nothing['notice']}")
    print("| edited | wall s | CPU s | files rewritten | of files | build says |")
    print("|---|---|---|---|---|---|")
    undo = []  # the edits stay until the end: each build sees one new edit over the previous site
    try:
        for kind in args.kinds.split(","):
            undo += edit(records, kind)
            previous = inodes(site)
            result = build(records, site)
            now = inodes(site)
            rewritten = sum(1 for path, ino in now.items() if previous.get(path) != ino)
            print(f"| one {kind[:-1]} | {result['wall']:.2f} | {result['cpu']:.2f} | {rewritten} | {len(now)} | {result['notice']} |",
                  flush=True)
    finally:
        for path, data in reversed(undo):
            path.write_bytes(data)
    if args.serve:
        times = serve_latency(records)
        print(f"kexie serve, expert edit saved → page shows it: {', '.join(f'{t:.1f}' for t in times)} s")


if __name__ == "__main__":
    main()
