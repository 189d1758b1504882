"""Benchmark: recommendations for every need and similar experts for every expert (issue #13).

    python bench/bench_matching.py --experts 10000     # synthetic records, ~1,000 needs

Times `attach_recommendations` alone (the cost it adds to a build) as the median of --repeat runs
(wall: it forks from 2,000 experts on), then its three steps one after the other in this process, in
CPU seconds (`time.process_time`, so other jobs on the machine do not count): the indexes, the needs'
queries and the 相似专家 queries (one per expert, also given per query in µs). The model is built once
beforehand. --profile FILE writes a cProfile of the 相似专家 step.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--experts", type=int, default=10000)
    ap.add_argument("--records", type=Path, help="use these records instead of generating")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--profile", type=Path, help="write a cProfile of the 相似专家 step here")
    ap.add_argument("--bounded", action="store_true", help="steps: the bounded ranking (reach.py) for every query")
    args = ap.parse_args()
    os.environ.setdefault("KEXIE_TODAY", "2018-06-01")
    records = args.records
    if records is None:
        records = Path(tempfile.mkdtemp(prefix="kexie-match-")) / "records"
        records.mkdir()
        for folder in ("policies", "staff"):
            subprocess.run(["cp", "-r", str(ROOT / "records" / folder), str(records)], check=True)
        subprocess.run([sys.executable, str(ROOT / "bench/synthetic.py"), "--out", str(records), "--experts", str(args.experts)], check=True, stdout=subprocess.DEVNULL)
    from generator.checks.pipeline import check_records
    from generator.model import recommend
    from generator.model.public import build_model

    checked = check_records(records)
    timings = []
    for _ in range(args.repeat):
        model = build_model(checked.records, checked.schemas, {})
        start = time.perf_counter()
        recommend.attach_recommendations(model)
        timings.append(time.perf_counter() - start)
    print(f"experts {len(model.experts)}  needs {len(model.needs)}  open {len(model.docking)}")
    print(f"attach_recommendations: median {statistics.median(timings):.2f} s of {args.repeat} ({', '.join(f'{t:.2f}' for t in timings)})")
    steps(model, args.profile, args.bounded)


def steps(model, profile: Path | None, bounded: bool = False) -> None:
    """The three steps of attach_recommendations, one process, CPU seconds; `bounded`: every query
    ranked by reach.py, even where a build would rank it exhaustively (to time that path)."""
    from generator.model import recommend
    from generator.model.matching import Corpus, settings

    limits = settings()["limits"]
    start = time.process_time()
    experts = Corpus(recommend._expert_candidates(model), {})
    societies = Corpus(recommend._society_candidates(model), {})
    stations = Corpus(recommend._workstation_candidates(model), {})
    index = time.process_time() - start
    if bounded:
        for corpus in (experts, societies, stations):
            corpus.reach.budget = 0
    start = time.process_time()
    for need in model.needs.values():
        query, codes = recommend.need_query(need)
        experts.rank(query, codes, limits["recommend"], exclude=need["experts"])
        societies.rank(query, codes, limits["organisations"], exclude=need["societies"])
        stations.rank(query, codes, limits["organisations"])
    needs = time.process_time() - start
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    start = time.process_time()
    for eid in model.experts:
        recommend.similar_experts(experts, eid)
    similar = time.process_time() - start
    if profiler:
        profiler.disable()
        profiler.dump_stats(str(profile))
    per_query = similar / max(1, len(model.experts)) * 1e6
    print(f"CPU, one process: indexes {index:.2f} s  needs {needs:.2f} s  similar {similar:.2f} s ({per_query:.0f} µs per expert)")


if __name__ == "__main__":
    main()
