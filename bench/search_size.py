#!/usr/bin/env python3
"""Bytes, files, CPU and memory of the search index alone, for a records folder of any size.

    python bench/search_size.py --records /work/data/100000/records --out /tmp/searchsize-100k

Builds only what the index needs, as `kexie build` does (generator/site/plugin.py): records →
the checks that change what the model sees (schema, text) → public model → search docs (generator/site/search_docs.py, every record kind; the three
prose pages are left out) → generator/search/index.py, without rendering any page. Reports the
stored bytes and files per folder of the index and, for the index stage alone (docs → files), its
CPU seconds (this process and the forked half of the inversion, user + sys), wall seconds and the
peak resident memory of the process (the whole run's; with --docs-cache on a second run, the index stage's own).
"""
from __future__ import annotations

import argparse
import json
import pickle
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _cpu() -> float:
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _checked(root: Path):
    """(records, schemas) as checks.pipeline.check_loaded leaves them for the model: schema errors
    mark records invalid and check_text cleans values; the checks that only report problems
    (integrity, policy, privacy, dates, names) are left out: they change nothing the index sees."""
    from generator.checks.text import check_links, check_text
    from generator.records.recordset import load_records
    from generator.records.schemas import SchemaSet, find_schemas_dir

    schemas = SchemaSet(find_schemas_dir(root))
    records, _problems = load_records(root)
    reported = set()
    for record in records.all():
        for _line, _column, _rule, _message, field in schemas.check(record.type, record.doc):
            records.invalid.add((record.type, record.id))
            reported.add((record.path, field))
    list(check_text(records, schemas, reported))
    list(check_links(records, schemas))
    return records, schemas


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--records", type=Path, required=True, help="a records folder (bench/synthetic.py writes them)")
    ap.add_argument("--out", type=Path, required=True, help="write the index here")
    ap.add_argument("--json", type=Path, help="also write the figures as JSON")
    ap.add_argument("--docs-cache", type=Path,
                    help="keep the search docs in this pickle and read them from it next time (to re-measure the index alone)")
    args = ap.parse_args(argv)

    from generator.model.history import read_history
    from generator.model.public import build_model
    from generator.search.index import build_search_index
    from generator.site.search_docs import expert_documents, record_documents

    t0, c0 = time.perf_counter(), _cpu()
    if args.docs_cache and args.docs_cache.is_file():
        docs = pickle.loads(args.docs_cache.read_bytes())
    else:
        records, schemas = _checked(args.records)
        model = build_model(records, schemas, read_history(args.records))
        docs = expert_documents(model) + record_documents(model)
        del records, model
        if args.docs_cache:
            args.docs_cache.write_bytes(pickle.dumps(docs, protocol=pickle.HIGHEST_PROTOCOL))
    t1, c1 = time.perf_counter(), _cpu()
    stats = build_search_index(docs, args.out)
    t2, c2 = time.perf_counter(), _cpu()
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    folders: dict[str, list[int]] = {}
    for p in sorted(args.out.rglob("*")):
        if p.is_file():
            rel = p.relative_to(args.out)
            key = rel.parts[0] if len(rel.parts) > 1 else str(rel)
            n, b = folders.get(key, (0, 0))
            folders[key] = [n + 1, b + p.stat().st_size]
    res = {
        "records": str(args.records),
        "experts": stats["docs"] and sum(1 for d in docs if d.get("kind", "experts") == "experts"),
        "docs": stats["docs"],
        "files": sum(n for n, _ in folders.values()),
        "bytes": sum(b for _, b in folders.values()),
        "folders": {k: {"files": n, "bytes": b} for k, (n, b) in sorted(folders.items())},
        "keys": stats["keys"], "shards": stats["shards"], "big_keys": stats["big_keys"],
        "frequent_grams": len(json.loads((args.out / "manifest.json").read_text("utf-8"))["frequent"]),
        "load_check_model_docs": {"wall_s": round(t1 - t0, 1), "cpu_s": round(c1 - c0, 1)},
        "index": {"wall_s": round(t2 - t1, 1), "cpu_s": round(c2 - c1, 1)},
        "peak_rss_mb": {"process": own.ru_maxrss // 1024, "forked_inversion": kids.ru_maxrss // 1024},
    }
    mb = lambda b: f"{b / 1e6:,.1f} MB"  # noqa: E731
    print(f"{res['experts']:,} experts, {res['docs']:,} docs: {mb(res['bytes'])} in {res['files']:,} files "
          f"({res['keys']:,} keys, {res['shards']} shards + {res['big_keys']} own files, {res['frequent_grams']} frequent grams)")
    print("  " + ", ".join(f"{k} {v['files']:,} files {mb(v['bytes'])}" for k, v in res["folders"].items()))
    print(f"  records → docs: {res['load_check_model_docs']['wall_s']} s wall, {res['load_check_model_docs']['cpu_s']} CPU-s")
    print(f"  index: {res['index']['wall_s']} s wall, {res['index']['cpu_s']} CPU-s; peak RSS {res['peak_rss_mb']['process']} MB "
          f"(forked half {res['peak_rss_mb']['forked_inversion']} MB)")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(res, ensure_ascii=False, indent=1, sort_keys=True) + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
