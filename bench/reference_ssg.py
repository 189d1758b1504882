#!/usr/bin/env python3
"""Benchmark: the reference generators of issue #14's table, on as many plain pages as experts.

    python bench/reference_ssg.py --records /work/data/10000/records --runs 3

One Markdown page per published expert of `--records` (its name as the heading, its bio as the text:
what a bare expert page says), built by

- **mkdocs-material + its search**: `mkdocs build` of a project with `theme: material` and the
  built-in `search` plugin, the expert pages out of the navigation (as kexie's are), nothing else;
- **Hugo, bare pages**: `hugo` with one layout that prints the page's content (Debian's `hugo`
  package; skipped with a note when it is not installed).

Prints the median wall time, CPU seconds (user + sys of the child) and peak RSS of each, as a
Markdown table; `--kexie-seconds S` (a `bench/bench_build.py` median on the same records) adds the
ratios of the issue's table. Nothing here is our code: it is the yardstick.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml


def _experts(records: Path) -> list[tuple[str, str, str]]:
    """(id, name, bio) of every expert who consented to publication, in file order."""
    out = []
    for path in sorted((records / "experts").glob("*.yaml")):
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader) or {}
        if (data.get("consent") or {}).get("publish") is not True:  # the model's rule: publish only with consent
            continue
        out.append((path.stem, str(data.get("name", path.stem)), str(data.get("bio", ""))))
    return out


def _write_pages(folder: Path, experts, front_matter: bool) -> None:
    folder.mkdir(parents=True)
    for eid, name, bio in experts:
        head = f"---\ntitle: \"{name}\"\n---\n\n" if front_matter else ""
        (folder / f"{eid}.md").write_text(f"{head}# {name}\n\n{bio}\n", encoding="utf-8")


def _run(command: list[str], cwd: Path) -> tuple[float, float, int]:
    """(wall s, CPU s of the child, peak RSS of the largest child in MB) of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, after.ru_maxrss // 1024


def _mkdocs_project(root: Path, experts) -> Path:
    project = root / "mkdocs-material"
    _write_pages(project / "docs" / "experts", experts, front_matter=False)
    (project / "docs" / "index.md").write_text("# 首页\n", encoding="utf-8")
    (project / "mkdocs.yml").write_text(
        "site_name: 参照\nsite_url: https://example.org/\ntheme:\n  name: material\n  language: zh\n"
        "plugins:\n  - search\n"
        # the pages out of the navigation (as kexie's record pages are): a navigation of 10,000
        # entries would be written into each of the 10,000 pages
        "nav:\n  - 首页: index.md\nnot_in_nav: |\n  /experts/\n", encoding="utf-8")
    return project


def _hugo_project(root: Path, experts) -> Path:
    project = root / "hugo"
    _write_pages(project / "content" / "experts", experts, front_matter=True)
    layouts = project / "layouts" / "_default"
    layouts.mkdir(parents=True)
    (layouts / "single.html").write_text("<!doctype html><title>{{ .Title }}</title>{{ .Content }}\n", encoding="utf-8")
    (layouts / "list.html").write_text("<!doctype html><title>{{ .Title }}</title>\n", encoding="utf-8")
    (project / "config.toml").write_text(
        'baseURL = "https://example.org/"\ntitle = "参照"\ndisableKinds = ["taxonomy", "term", "RSS", "sitemap"]\n',
        encoding="utf-8")
    return project


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--records", type=Path, required=True)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--kexie-seconds", type=float, help="kexie build's median wall time on the same records")
    args = ap.parse_args()
    experts = _experts(args.records)
    root = Path(tempfile.mkdtemp(prefix="kexie-ref-"))
    rows = []
    try:
        mkdocs = _mkdocs_project(root, experts)
        rows.append(("mkdocs-material + its search", [sys.executable, "-m", "mkdocs", "build", "-q", "-d", "site"], mkdocs))
        hugo = shutil.which("hugo")
        if hugo:
            rows.append(("Hugo, bare pages", [hugo, "--quiet", "-d", "public"], _hugo_project(root, experts)))
        else:
            print("hugo 未安装（apt-get install hugo）：只测 mkdocs-material", file=sys.stderr)
        print(f"Machine: {platform.node()}, {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
              f"{len(experts):,} pages (published experts of {args.records}); median of {args.runs} runs\n")
        print("| generator | wall (median) | runs | CPU s (median) | peak RSS | kexie build ÷ it |")
        print("|---|---:|---|---:|---:|---:|")
        for label, command, cwd in rows:
            runs = [_run(command, cwd) for _ in range(args.runs)]
            wall = statistics.median(r[0] for r in runs)
            ratio = f"{args.kexie_seconds / wall:.2f}" if args.kexie_seconds else ""
            print(f"| {label} | {wall:.1f} s | {', '.join(f'{r[0]:.1f}' for r in runs)} | "
                  f"{statistics.median(r[1] for r in runs):.1f} | {max(r[2] for r in runs)} MB | {ratio} |")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
