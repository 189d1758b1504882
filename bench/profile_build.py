"""Where a full `kexie build` (or `kexie validate`) spends its time and memory, stage by stage.

    python bench/profile_build.py --records /work/data/10000/records [--validate] [--out DIR]

Runs the command in this process with timers around the pipeline's stages (the functions are
wrapped from outside, nothing in `generator/` knows of it) and prints, per stage: wall seconds,
CPU seconds of this process, CPU seconds of the forked children it waited for, and the peak RSS
reached so far (this process; children's peak beside it). Stages nest: a stage's figures include
the stages indented under it; stages run in forked children are timed only with --serial (calls
then counts them). "mkdocs (own)" is MkDocs' own work: the build minus our hooks.
"""

from __future__ import annotations

import argparse
import importlib
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

# (module, attribute path, label); order is the order of the report when stages do not nest
STAGES = [
    ("generator.site.plugin", "KexiePlugin.on_config", "on_config"),
    ("generator.site.plugin", "check_records", "  check records"),
    ("generator.checks.pipeline", "load_records", "    load + parse YAML"),
    ("generator.checks.pipeline", "check_loaded", "    schema, text, integrity, policy"),
    ("generator.site.plugin", "read_history", "  history (git)"),
    ("generator.site.plugin", "build_model", "  build model"),
    ("generator.site.plugin", "attach_recommendations", "  recommendations"),
    ("generator.site.plugin", "Changes.attach", "  changes"),
    ("generator.site.plugin", "KexiePlugin._fill", "fragments (list pages)"),
    ("generator.site.plugin", "KexiePlugin.on_post_build", "on_post_build"),
    ("generator.site.plugin", "fork_map", "  record pages + JSON (2 proc.)"),
    ("generator.site.plugin", "fork_stages", "  pages | reports, open data (2 proc.)"),
    ("generator.site.stages", "RecordPages.__call__", "    record pages + JSON"),
    ("generator.site.plugin", "write_open_data", "    open data"),
    ("generator.site.plugin", "write_docking", "    docking files"),
    ("generator.site.stages", "report_files", "    yearly report files"),
    ("generator.site.plugin", "report_files", "    yearly report files "),
    ("generator.site.plugin", "expert_documents", "    search docs (experts)"),
    ("generator.site.plugin", "record_documents", "    search docs (records)"),
    ("generator.site.plugin", "build_search_index", "    search index (beside)"),
    ("generator.site.plugin", "write_sitemap", "  sitemap"),
    ("generator.site.plugin", "portable_404", "  404"),
    ("mkdocs.commands.build", "build", "mkdocs build (all)"),
]
VALIDATE_STAGES = [s for s in STAGES if s[0] == "generator.checks.pipeline"] + [
    ("generator.checks.pipeline", "check_records", "check records"),
]

totals: dict[str, list[float]] = {}


def _usage():
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.perf_counter(), me.ru_utime + me.ru_stime, kids.ru_utime + kids.ru_stime


def _wrap(label, function):
    def timed(*args, **kwargs):
        wall, cpu, kids = _usage()
        try:
            return function(*args, **kwargs)
        finally:
            w, c, k = _usage()
            entry = totals.setdefault(label, [0.0, 0.0, 0.0, 0.0, 0])
            entry[0] += w - wall
            entry[1] += c - cpu
            entry[2] += k - kids
            entry[3] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            entry[4] += 1

    return timed


def install(stages) -> None:
    for module_name, path, label in stages:
        try:
            owner = importlib.import_module(module_name)
        except ImportError:  # an older or newer layout of the code: that stage is not timed
            continue
        *parents, name = path.split(".")
        for parent in parents:
            owner = getattr(owner, parent, None)
        if not hasattr(owner, name):  # an older or newer layout of the code: that stage is not timed
            continue
        setattr(owner, name, _wrap(label, getattr(owner, name)))


def report(stages, wall, cpu, kids) -> None:
    print(f"{'stage':32} {'wall s':>7} {'CPU s':>7} {'child s':>7} {'RSS MB':>7}  calls")
    for _module, _path, label in stages:
        if label in totals:
            w, c, k, rss, n = totals[label]
            print(f"{label:32} {w:7.2f} {c:7.2f} {k:7.2f} {rss:7.0f}  {n}")
    if "mkdocs build (all)" in totals:
        own = [totals["mkdocs build (all)"][i] - sum(totals.get(x, [0] * 4)[i] for x in ("on_config", "on_post_build", "fragments (list pages)")) for i in range(3)]
        print(f"{'mkdocs (own)':32} {own[0]:7.2f} {own[1]:7.2f} {own[2]:7.2f}")
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"{'TOTAL':32} {wall:7.2f} {cpu:7.2f} {kids:7.2f} {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:7.0f}  (largest child {children:.0f} MB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=Path, required=True)
    parser.add_argument("--out", type=Path, help="site folder (default: a temporary one, removed)")
    parser.add_argument("--validate", action="store_true", help="profile `kexie validate` instead")
    parser.add_argument("--serial", action="store_true",
                        help="no forking: every stage runs in this process, so its CPU is its own (stages in children are not timed otherwise)")
    args = parser.parse_args()
    if args.serial:
        import generator.common.forking as forking

        forking.can_fork = lambda: False
        for name in ("generator.records.recordset", "generator.search.invert"):
            module = importlib.import_module(name)
            if hasattr(module, "can_fork"):
                module.can_fork = forking.can_fork
    stages = VALIDATE_STAGES if args.validate else STAGES
    install(stages)
    from generator.cli.main import cli

    temporary = None
    if args.validate:
        command = ["validate", "--records", str(args.records)]
    else:
        out = args.out or Path(tempfile.mkdtemp(prefix="kexie-profile-")) / "site"
        temporary = None if args.out else out.parent
        command = ["build", "--records", str(args.records), "--out", str(out)]
    start = _usage()
    try:
        cli.main(command, prog_name="kexie", standalone_mode=True)
    except SystemExit as exc:
        if exc.code not in (0, None):
            raise
    finally:
        end = _usage()
        if temporary:
            shutil.rmtree(temporary, ignore_errors=True)
    report(stages, *(e - s for e, s in zip(end, start)))


if __name__ == "__main__":
    main()
