"""Evaluation of the need → expert recommendations against a labelled set (issue #13).

    python bench/eval_matching.py            # P@5 and R@10 over tests/matching/needs_eval.yaml
    python bench/eval_matching.py --cap-overlap /work/data/10000/records --caps 250,500,1000

Each labelled need is scored as if it were a new need record in the demo data; only published
experts can be recommended. Prints one line per need and the means.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
EVAL = ROOT / "tests" / "matching" / "needs_eval.yaml"


def evaluate(records: Path = ROOT / "records") -> dict:
    """{"needs": [(title, P@5, R@10, top5 ids)], "p5": mean, "r10": mean} for the labelled set."""
    from generator.checks.pipeline import check_records
    from generator.model.matching import Corpus, settings  # noqa: F401 - settings read by Corpus
    from generator.model.public import build_model
    from generator.model.recommend import _expert_candidates, need_query

    checked = check_records(records)
    model = build_model(checked.records, checked.schemas, {})
    labels = {"discipline": {}, "society": {s: v["name"] for s, v in model.societies.items()}}
    for e in model.experts.values():
        labels["discipline"].update(dict(e["disciplines"]))
    corpus = Corpus(_expert_candidates(model), labels)
    rows = []
    for item in yaml.safe_load(EVAL.read_text(encoding="utf-8"))["needs"]:
        need = {
            "title": item["title"],
            "description_text": item["description"],
            "disciplines": [(c, labels["discipline"].get(c, c)) for c in item.get("disciplines", [])],
            "industry": item["industry"],
            "unit": {"district": item.get("district", "")},
        }
        query, codes = need_query(need)
        top = [m.id for m in corpus.rank(query, codes, 10)]
        relevant = set(item["relevant"])
        p5 = len(relevant & set(top[:5])) / 5
        r10 = len(relevant & set(top[:10])) / len(relevant)
        rows.append((item["title"], p5, r10, top[:5]))
    return {
        "needs": rows,
        "p5": sum(r[1] for r in rows) / len(rows),
        "r10": sum(r[2] for r in rows) / len(rows),
    }


def cap_overlap(records: Path, caps: list[int]) -> None:
    """How much the candidate cap changes the lists: for every expert's 相似专家 and every need's
    推荐专家, the capped top list against the uncapped one (a cap above every posting list).
    Prints, per cap: the mean share of the uncapped list kept, the share of identical lists, the
    share with the same first candidate, the longest posting list and the CPU seconds. The capped
    runs use the bounded ranking (reach.py) for every query, even where a build would rank a small
    query exhaustively."""
    import time

    from generator.checks.pipeline import check_records
    from generator.model.matching import Corpus, settings
    from generator.model.public import build_model
    from generator.model.recommend import _expert_candidates, need_query

    checked = check_records(records)
    model = build_model(checked.records, checked.schemas, {})
    limits = settings()["limits"]
    candidates = _expert_candidates(model)
    queries = []
    full = Corpus(candidates, {}, cap=10**9)
    for eid in model.experts:
        queries.append(("similar", full.characteristic_words(eid, limits["query_terms"]), full.candidates[full.index[eid]].codes, limits["similar"], [eid]))
    for need in model.needs.values():
        query, codes = need_query(need)
        queries.append(("needs", query, codes, limits["recommend"], need["experts"]))
    longest = max(len(v) for v in full.postings.values())
    print(f"experts {len(full.ids)}  queries {len(queries)}  longest code list {longest}  longest word list {int(max(full.bm25.scores['indptr'][1:] - full.bm25.scores['indptr'][:-1]))}")
    runs = {}
    for cap in [10**9, *caps]:
        corpus = full if cap == 10**9 else Corpus(candidates, {}, cap=cap)
        if cap != 10**9:
            corpus.reach.budget = 0  # the bounded ranking for every query, however small the corpus
        start = time.process_time()
        runs[cap] = [corpus.rank(q, c, limit, exclude=x) for _, q, c, limit, x in queries]
        seconds = time.process_time() - start
        for kind in ("similar", "needs"):
            pairs = [(a, b) for (k, *_), a, b in zip(queries, runs[10**9], runs[cap]) if k == kind]
            kept = sum(len({m.id for m in a} & {m.id for m in b}) / max(1, len(a)) for a, b in pairs) / len(pairs)
            same = sum(a == b for a, b in pairs) / len(pairs)
            first = sum(a[:1] == b[:1] for a, b in pairs) / len(pairs)
            print(f"cap {cap if cap < 10**9 else 'none'}  {kind}: top-{limits['similar' if kind == 'similar' else 'recommend']} kept {kept:.4f}  identical {same:.4f}  same first {first:.4f}  ({len(pairs)} queries)")
        print(f"cap {cap if cap < 10**9 else 'none'}  CPU {seconds:.2f} s for {len(queries)} queries ({seconds / len(queries) * 1e6:.0f} µs each)")


def main() -> None:
    os.environ.setdefault("KEXIE_TODAY", "2018-06-01")
    if "--cap-overlap" in sys.argv:
        caps = sys.argv[sys.argv.index("--caps") + 1] if "--caps" in sys.argv else "250,500,1000"
        cap_overlap(Path(sys.argv[sys.argv.index("--cap-overlap") + 1]), [int(c) for c in caps.split(",")])
        return
    result = evaluate()
    for title, p5, r10, top in result["needs"]:
        print(f"{p5:.2f} {r10:.2f}  {title}  {' '.join(top)}")
    print(f"needs {len(result['needs'])}  P@5 {result['p5']:.3f}  R@10 {result['r10']:.3f}")


if __name__ == "__main__":
    main()
