#!/usr/bin/env python3
"""Benchmark: bytes per page kind of a built site, and a projection to 100,000 experts.

    python bench/page_bytes.py --site /tmp/pages-site                       # an existing site
    python bench/page_bytes.py --records /work/data/10000/records --site /tmp/pages-site   # build it first
    python bench/page_bytes.py --site /tmp/pages-site --json out.json       # also write the figures

Sizes are file sizes in bytes before compression (what GitHub Pages counts against its 1 GB limit).
Kinds: the six record page kinds (`<folder>/<id>/index.html`), list pages (every other HTML page, and
the lists' data under `lists/`),
per-record JSON (`<folder>/<id>.json`), open data (`api/`, `docking/` files, the yearly report files),
search (`search/`), assets (`assets/`), other (schemas, sitemap, feed, 404).

The projection multiplies each kind's mean by the number of files that kind would have at the target
size: record kinds by the records `bench/synthetic.py` makes there (counted in `--counts-from`, e.g.
/work/data/100000/records, else the measured records scaled in proportion), times the share of records
that got a page at the measured size (unpublished experts have none); kinds whose files do not multiply
with the records (list pages, open data, search) scale their total by the records' ratio; assets and
other files stay. It is a projection, not a measurement.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RECORD_KINDS = {"expert": "experts", "society": "societies", "workstation": "workstations",
                "project": "projects", "need": "needs", "proposal": "proposals"}
FOLDER_KIND = {folder: kind for kind, folder in RECORD_KINDS.items()}
ORDER = [*RECORD_KINDS, "list pages", "record JSON", "open data", "search", "assets", "other"]
SCALED = {"list pages", "open data", "search"}  # grow with the records, not one file per record


def kind_of(relative: Path) -> str:
    """The page kind of a file, by its path inside the site."""
    parts = relative.parts
    if parts[0] == "search":
        return "search"
    if parts[0] == "assets":
        return "assets"
    if parts[0] == "api":
        return "open data"
    if parts[0] == "lists":  # the list pages' data (lists.js pages and filters it)
        return "list pages"
    if len(parts) == 3 and parts[0] in FOLDER_KIND and parts[2] == "index.html":
        return FOLDER_KIND[parts[0]]
    if len(parts) == 2 and parts[0] in FOLDER_KIND and parts[1].endswith(".json"):
        return "record JSON"
    if relative.name == "index.html":
        return "list pages"
    if parts[0] in ("docking", "funding"):  # docking.csv/.xlsx, the yearly report files
        return "open data"
    return "other"


def measure(site: Path) -> dict[str, list[int]]:
    """kind → the sizes (bytes) of its files."""
    sizes: dict[str, list[int]] = {kind: [] for kind in ORDER}
    for root, dirs, files in os.walk(site):
        dirs[:] = [d for d in dirs if not (Path(root) == site and d == ".kexie")]  # the build manifest: never published
        for name in files:
            path = Path(root) / name
            sizes[kind_of(path.relative_to(site))].append(path.stat().st_size)
    return sizes


def record_counts(records: Path) -> dict[str, int]:
    """kind → number of record files (`<folder>/*.yaml`)."""
    return {kind: sum(1 for _ in (records / folder).glob("*.yaml")) for kind, folder in RECORD_KINDS.items()}


def summary(sizes: dict[str, list[int]]) -> dict[str, dict]:
    return {
        kind: {"count": len(values), "mean": statistics.fmean(values) if values else 0,
               "median": statistics.median(values) if values else 0, "max": max(values, default=0),
               "total": sum(values)}
        for kind, values in sizes.items()
    }


def project(table: dict[str, dict], measured: dict[str, int], target: dict[str, int]) -> dict[str, float]:
    """kind → projected total bytes at `target` record counts (see the module docstring)."""
    ratio = sum(target.values()) / max(1, sum(measured.values()))
    out = {}
    for kind in ORDER:
        row = table[kind]
        if kind in RECORD_KINDS:
            share = row["count"] / max(1, measured[kind])  # published share
            out[kind] = row["mean"] * target[kind] * share
        elif kind == "record JSON":
            out[kind] = sum(table[k]["count"] / max(1, measured[k]) * target[k] for k in RECORD_KINDS) * row["mean"]
        elif kind in SCALED:
            out[kind] = row["total"] * ratio
        else:
            out[kind] = row["total"]
    return out


def _mb(n: float) -> str:
    return f"{n / 1e6:,.1f} MB"


def report(table: dict[str, dict], projection: dict[str, float] | None, target: dict[str, int] | None) -> str:
    lines = ["| kind | files | mean | median | max | total |", "|---|---:|---:|---:|---:|---:|"]
    for kind in ORDER:
        row = table[kind]
        lines.append(f"| {kind} | {row['count']:,} | {row['mean']:,.0f} B | {row['median']:,.0f} B | {row['max']:,} B | {_mb(row['total'])} |")
    total = sum(row["total"] for row in table.values())
    files = sum(row["count"] for row in table.values())
    lines.append(f"| **site** | {files:,} | | | | **{_mb(total)}** ({total / 2**20:,.1f} MiB) |")
    lines.append(f"| site without search/ | | | | | {_mb(total - table['search']['total'])} |")
    if projection is not None and target is not None:
        lines += ["", f"PROJECTION (not measured) to {target['expert']:,} experts, {sum(target.values()):,} records: "
                  "per-kind mean × the files that kind would have there", "",
                  "| kind | projected total |", "|---|---:|"]
        lines += [f"| {kind} | {_mb(projection[kind])} |" for kind in ORDER]
        whole = sum(projection.values())
        lines.append(f"| **site (projection)** | **{_mb(whole)}** ({whole / 2**30:.2f} GiB) |")
        lines.append(f"| site without search/ (projection) | {_mb(whole - projection['search'])} |")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, required=True, help="a built site (built first when --records is given)")
    parser.add_argument("--records", type=Path, help="build the site from this records folder first (kexie build)")
    parser.add_argument("--measured-records", type=Path, help="the records the site was built from (default: --records)")
    parser.add_argument("--counts-from", type=Path, help="records folder at the projection's size (default: /work/data/100000/records if present)")
    parser.add_argument("--experts", type=int, default=100000, help="projection size when --counts-from is absent (proportional)")
    parser.add_argument("--json", type=Path, help="write the figures as JSON here")
    args = parser.parse_args(argv)
    if args.records:
        done = subprocess.run([sys.executable, "-m", "generator", "build", "--records", str(args.records), "--out", str(args.site)],
                              cwd=REPO, capture_output=True, text=True)
        if done.returncode:
            sys.exit(done.stdout[-2000:] + done.stderr[-2000:])
    table = summary(measure(args.site))
    measured_records = args.measured_records or args.records
    measured = record_counts(measured_records) if measured_records else None
    counts_from = args.counts_from or (Path("/work/data/100000/records") if Path("/work/data/100000/records").is_dir() else None)
    target = projection = None
    if measured:
        if counts_from:
            target = record_counts(counts_from)
        else:
            factor = args.experts / max(1, measured["expert"])
            target = {kind: round(n * factor) for kind, n in measured.items()}
        projection = project(table, measured, target)
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.platform()}")
    print(f"site: {args.site}" + (f" (records: {', '.join(f'{n:,} {k}' for k, n in measured.items())})" if measured else ""))
    print(report(table, projection, target))
    if args.json:
        args.json.write_text(json.dumps({"kinds": table, "records": measured, "projection_records": target,
                                         "projection": projection}, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
