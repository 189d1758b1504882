"""The exhaustive ranking of a query: every candidate sharing a word or a code, scored exactly.

`Corpus.rank` (matching.py) uses it when a query's posting lists are short enough (their total
length at most `Reach.budget`): its cost is linear in those lists, with a small constant (masks
over the candidates, bincounts), so below that budget it is cheaper than the bounded ranking of
reach.py, and its result is the ranking over every candidate, exactly. Longer lists go to reach.py,
whose work per query does not grow with the corpus.
"""

from __future__ import annotations

import numpy as np


def scores_all(corpus, terms: list[int], query: dict, limit: int, exclude, w: dict, minimum: float) -> tuple[np.ndarray, np.ndarray]:
    """(candidate indices, rounded scores) of every candidate that can make the list of `limit`:
    those sharing a word (word ids `terms`), a discipline or a society, and of the others — whose
    score is then only industry and district, the same for all with the same two flags — the first
    few by id of each flag pair (ties go by id). Excluded candidates score 0. Scoring those alone
    gives exactly the dense result: no pass over every candidate per score term."""
    scores = corpus.bm25.scores
    indptr, indices, data = scores["indptr"], scores["indices"], scores["data"]
    postings, size = corpus.postings, len(corpus.ids)
    disciplines, societies = query["discipline"], query["society"]
    text_hits = [indices[indptr[t]:indptr[t + 1]] for t in terms]
    disc_hits = [postings[("discipline", v)] for v in set(disciplines) if ("discipline", v) in postings]
    soc_hits = [postings[("society", v)] for v in set(societies) if ("society", v) in postings]
    flags = {kind: _marks(postings, size, kind, query.get(kind)) for kind in ("industry", "district")}
    industry, district = flags["industry"], flags["district"]
    selected = np.zeros(size, dtype=bool)
    for hit in text_hits + disc_hits + soc_hits:
        selected[hit] = True
    if industry is not None or district is not None:
        outside = ~selected
        enough = limit + len(exclude)
        for a, b in ((True, True), (True, False), (False, True)):
            if (a and industry is None) or (b and district is None):
                continue
            wanted = outside.copy()
            if industry is not None:
                wanted &= industry if a else ~industry
            if district is not None:
                wanted &= district if b else ~district
            selected[np.flatnonzero(wanted)[:enough]] = True
    subset = np.flatnonzero(selected)
    n = subset.size
    if n == 0:
        return subset, np.zeros(0)
    position = np.empty(size, dtype=np.int64)  # candidate index → its place in subset
    position[subset] = np.arange(n)
    if text_hits:
        raw = np.bincount(position[np.concatenate(text_hits)], minlength=n,
                          weights=np.concatenate([data[indptr[t]:indptr[t + 1]] for t in terms]).astype(np.float64))
        best = raw.max()
        text = raw / best if best > 0 else raw
    else:
        text = np.zeros(n, dtype=np.float64)
    # the same sums, in the same order, as over every candidate (so the same rounded scores)
    total = w["text"] * text
    ties = text >= minimum
    if disciplines:
        shared = _counts(disc_hits, position, n)
        total += w["discipline"] * shared / len(set(disciplines))
        ties |= shared > 0
    for kind in ("industry", "district"):
        if flags[kind] is not None:
            same = flags[kind][subset]
            total += w[kind] * same
            ties |= same
    if societies:
        total += w["society"] * _counts(soc_hits, position, n)
    total = np.round(np.where(ties, total, 0.0), 6)
    for cid in exclude:
        i = corpus.index.get(cid)
        if i is not None and selected[i]:
            total[position[i]] = 0.0
    return subset, total


def _marks(postings: dict, size: int, kind: str, value) -> np.ndarray | None:
    """Which candidates hold any of the query's values of `kind` (booleans), or None when none is asked."""
    values = [value] if isinstance(value, str) else [v for v in (value or ()) if v]
    if not [v for v in values if v]:
        return None
    marks = np.zeros(size, dtype=bool)
    for v in set(values):
        if (kind, v) in postings:
            marks[postings[(kind, v)]] = True
    return marks


def _counts(hits: list[np.ndarray], position: np.ndarray, n: int) -> np.ndarray:
    """How many of `hits` hold each of the `n` scored candidates (`position`: index → place), as floats."""
    if not hits:
        return np.zeros(n, dtype=np.float64)
    return np.bincount(position[np.concatenate(hits)], minlength=n).astype(np.float64)
