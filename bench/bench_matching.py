"""Benchmark: recommendations for every need and similar experts for every expert (issue #13).

    python bench/bench_matching.py --experts 10000     # synthetic records, ~1,000 needs

Times `attach_recommendations` alone (the cost it adds to a build) as the median of --repeat runs,
split into index building, needs and similar experts; the model is built once beforehand.
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


if __name__ == "__main__":
    main()
