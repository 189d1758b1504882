"""The bounded ranking: which candidates a query reaches, with `cap` = limits.candidate_cap.

`Corpus.rank` (matching.py) ranks a query exhaustively (exhaustive.py) while the corpus and the
query's posting lists hold at most BUDGET × cap entries; beyond, it scores only what it reaches:

* a word held by more than `cap` candidates reaches the `cap` for which it weighs most (BM25 term
  score, ties by id; impact-ordered lists chosen once per corpus), a shorter list all its holders;
* a discipline or society held by more than `cap` reaches its first `cap` holders by id, and the
  first `cap` of its holders in each of the query's districts and serving each of its industries
  (ties go by id, so the first of a group of equal code scores are the ones that can make a list);
* when they can still make the list, of the others (score only industry and district) the first
  `need` by id of each flag pair, read from the industry and district lists, at most `cap` past;
* the excluded candidates (for 相似专家 the expert itself: usually the best text, the norm).

Every reached candidate gets its exact score: BM25 over all the query's words, read from its own
words (the index by candidate) when a word reached it only up to the cap, and its codes. So every
returned score is the exhaustive ranking's whenever the best text is reached, no reached candidate
is missed, equal records give equal lists, and a list differs from the exhaustive one only where
one of its candidates is reached by no bounded list (bench/RESULTS.md: cap 100 at 10,000 experts,
0.4 % of the 相似专家 top-5 places). The work per query is about (words + codes × (2 +
industries)) × cap candidates × their word counts, whatever the corpus size.
"""

from __future__ import annotations

import numpy as np

from generator.model.arrays import _gather


BUDGET = 1400  # × the cap: postings below which the exhaustive ranking is the cheaper one (measured)


class Reach:
    """The bounded posting lists of one corpus; see the module docstring.

    scores: bm25s's term-major arrays {"indptr", "indices", "data"} (candidate indices, float32);
    codes: per candidate, kind ("discipline", "industry", "district", "society") → values.
    """

    def __init__(self, scores: dict, codes: list[dict], cap: int):
        self.cap = cap
        self.budget = BUDGET * cap  # postings a query may read exhaustively (exhaustive.py)
        self.size = len(codes)
        self.indptr, self.indices, self.data = scores["indptr"], scores["indices"], scores["data"]
        self.heads: dict[int, np.ndarray] = {}  # long word → its `cap` best holders, ascending
        for t in np.flatnonzero(np.diff(self.indptr) > cap).tolist():
            a, b = self.indptr[t], self.indptr[t + 1]
            order = np.lexsort((self.indices[a:b], -self.data[a:b]))
            self.heads[t] = np.sort(self.indices[a:b][order[:cap]])
        lists: dict[tuple, list[int]] = {}
        self.code_index: dict[tuple[str, str], int] = {}  # (kind, value) → a code number
        rows: list[list[int]] = []
        for i, c in enumerate(codes):
            row = []
            for kind, values in c.items():
                for value in sorted(set(values)):
                    lists.setdefault((kind, value), []).append(i)
                    row.append(self.code_index.setdefault((kind, value), len(self.code_index)))
                    if kind in ("discipline", "society"):  # groups: holders in a district, serving an industry
                        for other in ("district", "industry"):
                            for v in set(c.get(other) or ()):
                                lists.setdefault((kind, value, other, v), []).append(i)
            rows.append(row)
        self.postings = {key: np.array(v, dtype=np.int64) for key, v in lists.items()}
        self.slot = np.zeros(len(self.code_index), dtype=np.int64)  # scratch for `shared`
        self.forward = self._forward() if self.heads else None  # for `exact`; built here, so forks share it
        self.term_slot = np.zeros(self.indptr.size - 1, dtype=np.int64)  # scratch for `exact`
        self.row_ptr = np.zeros(self.size + 1, dtype=np.int64)
        self.row_ptr[1:] = np.cumsum([len(r) for r in rows])
        self.row_codes = np.array([g for r in rows for g in r], dtype=np.int64)
        self.marked = np.zeros(self.size, dtype=bool)  # scratch: reset after every query
        self.place = np.zeros(self.size, dtype=np.int64)  # scratch: candidate → its place in a subset

    def work(self, terms: list[int], query: dict) -> int:
        """How many postings the exhaustive ranking would read for a query: its words' and its
        disciplines' and societies' whole lists."""
        lists = int(sum(self.indptr[t + 1] - self.indptr[t] for t in terms))
        for kind in ("discipline", "society"):
            lists += sum(self.postings[(kind, v)].size for v in set(query[kind]) if (kind, v) in self.postings)
        return lists

    def words(self, terms: list[int]) -> list[np.ndarray]:
        """The candidates each of the word ids `terms` reaches (ascending arrays)."""
        return [self.heads[t] if t in self.heads else self.indices[self.indptr[t]:self.indptr[t + 1]] for t in terms]

    def cut(self, terms: list[int]) -> bool:
        """Whether any of the word ids `terms` has more holders than the cap."""
        return any(t in self.heads for t in terms)

    def text(self, terms: list[int], subset: np.ndarray, position: np.ndarray) -> np.ndarray:
        """BM25 of each candidate of `subset` (`position`: candidate → its place in it) for word ids
        `terms`, none of them cut: their whole lists, summed in the order of `terms` as over every
        candidate, so to the same floats."""
        places = [position[self.indices[self.indptr[t]:self.indptr[t + 1]]] for t in terms]
        weights = [self.data[self.indptr[t]:self.indptr[t + 1]] for t in terms]
        return np.bincount(np.concatenate(places), weights=np.concatenate(weights).astype(np.float64), minlength=subset.size)

    def exact(self, terms: list[int], candidates: np.ndarray) -> np.ndarray:
        """BM25 of `candidates` for the word ids `terms`, read from each candidate's own words (the
        index by candidate): summed in the order of `terms`, as over every candidate (same floats)."""
        if self.forward is None:
            self.forward = self._forward()
        ptr, words, scores = self.forward
        rows, flat = _gather(ptr, candidates)
        seen = self.term_slot  # scratch: word id → 1 + its first place in `terms`
        for k in range(len(terms) - 1, -1, -1):
            seen[terms[k]] = k + 1
        try:
            slot = seen[words[flat]]
        finally:
            seen[terms] = 0
        hit = np.flatnonzero(slot)
        # (word place, candidate) → score: each pair at most once, so the bincount only places them
        table = np.bincount((slot[hit] - 1) * candidates.size + rows[hit], weights=scores[flat[hit]].astype(np.float64),
                            minlength=len(terms) * candidates.size).reshape(len(terms), candidates.size)
        raw = np.zeros(candidates.size, dtype=np.float64)
        for t in terms:  # in order, repeated words too: the sums of the dense ranking
            raw += table[terms.index(t)]
        return raw

    def _forward(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The index by candidate: row pointers, word ids and scores (bm25s's float32)."""
        order = np.argsort(self.indices, kind="stable")
        words = np.repeat(np.arange(self.indptr.size - 1, dtype=np.int32), np.diff(self.indptr))[order]
        ptr = np.zeros(self.size + 1, dtype=np.int64)
        ptr[1:] = np.cumsum(np.bincount(self.indices, minlength=self.size))
        return ptr, words, self.data[order]

    def scores(self, terms: list[int], query: dict, subset: np.ndarray, excluded: list[int], w: dict, minimum: float) -> np.ndarray:
        """Rounded scores of the candidates `subset` (ascending, holding every excluded one, which
        scores 0): exact, the text normalised by the best text among `subset`, summed in the same
        order as over every candidate (so to the same floats)."""
        n = subset.size
        if n == 0:
            return np.zeros(0)
        self.place[subset] = np.arange(n)  # candidate index → its place in subset (only these are read)
        disciplines, societies = query["discipline"], query["society"]
        kinds = [k for k in ("discipline", "industry", "district") if _values(query.get(k))] + (["society"] if societies else [])
        held = self.shared(subset, query, tuple(kinds))
        if terms and self.cut(terms):  # a word reached some only up to the cap: read their own words
            raw = self.exact(terms, subset)
        else:
            raw = self.text(terms, subset, self.place) if terms else np.zeros(n)
        best = raw.max()
        text = raw / best if best > 0 else raw
        total = w["text"] * text
        ties = text >= minimum
        if disciplines:
            shared = held["discipline"].astype(np.float64)
            total += w["discipline"] * shared / len(set(disciplines))
            ties |= shared > 0
        for kind in ("industry", "district"):
            if kind in held:
                same = held[kind] > 0
                total += w[kind] * same
                ties |= same
        if societies:
            total += w["society"] * held["society"].astype(np.float64)
        total = np.round(np.where(ties, total, 0.0), 6)
        total[np.searchsorted(subset, excluded)] = 0.0
        return total

    def codes(self, kind: str, values, query: dict) -> list[np.ndarray]:
        """Holders of each of `values` (discipline or society), bounded as the module docstring says."""
        out = []
        for v in set(values):
            whole = self.postings.get((kind, v))
            if whole is None:
                continue
            if whole.size <= self.cap:
                out.append(whole)
                continue
            out.append(whole[: self.cap])
            for other in ("district", "industry"):
                for w in set(_values(query.get(other))):
                    group = self.postings.get((kind, v, other, w))
                    if group is not None:
                        out.append(group[: self.cap])
        return out

    def flagged(self, query: dict, need: int, reached: np.ndarray) -> list[np.ndarray]:
        """Of the candidates not in `reached` (marked in `self.marked`), the first `need` by id of each
        industry/district flag pair the query can score (see the module docstring)."""
        industry, district = _values(query.get("industry")), _values(query.get("district"))
        ind_lists = [self.postings[("industry", v)] for v in set(industry) if ("industry", v) in self.postings]
        dist_lists = [self.postings[("district", v)] for v in set(district) if ("district", v) in self.postings]
        ind_codes = self._numbers("industry", industry)
        dist_codes = self._numbers("district", district)
        budget = need + reached.size + self.cap
        out = []
        if industry and district:
            out.append(self._first(dist_lists, need, budget, lambda c: self._has(c, ind_codes)))
            out.append(self._first(ind_lists, need, budget, lambda c: ~self._has(c, dist_codes)))
            out.append(self._first(dist_lists, need, budget, lambda c: ~self._has(c, ind_codes)))
        elif industry:
            out.append(self._first(ind_lists, need, budget, None))
        elif district:
            out.append(self._first(dist_lists, need, budget, None))
        return out

    def _first(self, lists: list[np.ndarray], need: int, budget: int, keep) -> np.ndarray:
        """The first `need` candidates by id of the union of `lists` (each ascending) that are not
        marked and pass `keep`, reading at most `budget` of each list (more when it is short)."""
        if not lists:
            return np.zeros(0, dtype=np.int64)
        step = max(4 * need, 16)
        while True:
            heads = [x[:step] for x in lists]
            union = np.unique(np.concatenate(heads))
            cut = [x[step - 1] for x in lists if x.size > step]
            if cut:  # past the shortest cut, some list has not been read yet
                union = union[union <= min(cut)]
            found = union[~self.marked[union]]
            if keep is not None and found.size:
                found = found[keep(found)]
            if found.size >= need or not cut or step >= budget:
                return found[:need]
            step *= 4

    def _numbers(self, kind: str, values) -> np.ndarray:
        return np.array(sorted(self.code_index[(kind, v)] for v in set(values) if (kind, v) in self.code_index), dtype=np.int64)

    def _has(self, candidates: np.ndarray, numbers: np.ndarray) -> np.ndarray:
        """Which of `candidates` hold any of the code `numbers` (booleans)."""
        rows, flat = self.codes_of(candidates)
        self.slot[numbers] = 1
        try:
            hit = self.slot[flat] > 0
        finally:
            self.slot[numbers] = 0
        return np.bincount(rows[hit], minlength=candidates.size) > 0

    def codes_of(self, candidates: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The code numbers of `candidates`, flattened: (row in `candidates`, code number) pairs."""
        rows, flat = _gather(self.row_ptr, candidates)
        return rows, self.row_codes[flat]

    def shared(self, candidates: np.ndarray, query: dict, kinds: tuple[str, ...]) -> dict[str, np.ndarray]:
        """kind → how many of the query's values of that kind each of `candidates` holds (ints)."""
        rows, flat = self.codes_of(candidates)
        slot = self.slot  # scratch: code number → 1 + the kind's place in `kinds`, 0 for the others
        numbers = [self._numbers(kind, _values(query.get(kind))) for kind in kinds]
        for k, own in enumerate(numbers):
            slot[own] = k + 1
        try:
            which = slot[flat]
        finally:
            for own in numbers:
                slot[own] = 0
        hit = which > 0
        counts = np.bincount(rows[hit] * len(kinds) + which[hit] - 1, minlength=candidates.size * len(kinds))
        counts = counts.reshape(candidates.size, len(kinds)) if kinds else counts
        return {kind: counts[:, k] for k, kind in enumerate(kinds)}


def _values(value) -> list[str]:
    """A code given as one value, a list, or nothing → a list without empty values."""
    if not value:
        return []
    return [value] if isinstance(value, str) else [v for v in value if v]
