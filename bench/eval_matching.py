"""Evaluation of the need → expert recommendations against a labelled set (issue #13).

    python bench/eval_matching.py            # P@5 and R@10 over tests/matching/needs_eval.yaml

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


def main() -> None:
    os.environ.setdefault("KEXIE_TODAY", "2018-06-01")
    result = evaluate()
    for title, p5, r10, top in result["needs"]:
        print(f"{p5:.2f} {r10:.2f}  {title}  {' '.join(top)}")
    print(f"needs {len(result['needs'])}  P@5 {result['p5']:.3f}  R@10 {result['r10']:.3f}")


if __name__ == "__main__":
    main()
