"""Which candidates a query can reach, in work bounded by `limits.candidate_cap` of matching.yaml.

`Corpus.rank` (matching.py) scores only the candidates that can make its list. For a query (words
and codes) with `need` = its limit + the candidates it excludes, with `cap` = the candidate cap:

* a word reaches every candidate holding it; a word held by more than `cap` candidates reaches the
  `cap` for which it weighs most (its BM25 term score, ties by id), chosen once per corpus
  (impact-ordered posting lists). A candidate's text score is the sum over the words reaching it:
  BM25 with each word counted for its `cap` best holders only, equal to BM25 when no word has more;
* a discipline or society reaches every holder; one held by more than `cap` reaches the first `cap`
  holders by id, the first `cap` of its holders in each of the query's districts and the first `cap`
  of those serving each of the query's industries (groups of equal code scores: ties go by id, so
  the first of a group are the ones that can make the list);
* of the candidates reached by nothing above, whose score is then only industry and district, the
  same for all with the same two flags: the first `need` by id of each flag pair, read from the
  industry and district posting lists (at most `need` + reached + `cap` of them per pair).

Codes are then looked up per reached candidate (`codes_of`), so every score is exact for the capped
text score. When no posting list is longer than `cap`, every candidate that can make the list is
reached and the ranking is exactly the one over all candidates (tests/test_matching.py). The work per
query is about (words + codes × (2 + industries)) × cap array elements, whatever the corpus size;
the scratch arrays are allocated once per corpus and only the touched entries are reset.
"""

from __future__ import annotations

import numpy as np


class Reach:
    """The bounded posting lists of one corpus; see the module docstring.

    scores: bm25s's term-major arrays {"indptr", "indices", "data"} (candidate indices, float32);
    codes: per candidate, kind ("discipline", "industry", "district", "society") → values.
    """

    def __init__(self, scores: dict, codes: list[dict], cap: int):
        self.cap = cap
        self.size = len(codes)
        self.indptr, self.indices, self.data = scores["indptr"], scores["indices"], scores["data"]
        self.heads: dict[int, tuple[np.ndarray, np.ndarray]] = {}  # long word → its `cap` best holders
        for t in np.flatnonzero(np.diff(self.indptr) > cap).tolist():
            a, b = self.indptr[t], self.indptr[t + 1]
            best = np.sort(np.lexsort((self.indices[a:b], -self.data[a:b]))[:cap])  # doc order
            self.heads[t] = (self.indices[a:b][best], self.data[a:b][best])
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
        self.code_kind = np.array([kind for kind, _ in self.code_index], dtype=object)
        self.row_ptr = np.zeros(self.size + 1, dtype=np.int64)
        self.row_ptr[1:] = np.cumsum([len(r) for r in rows])
        self.row_codes = np.array([g for r in rows for g in r], dtype=np.int64)
        self.marked = np.zeros(self.size, dtype=bool)  # scratch: reset after every query
        self.place = np.zeros(self.size, dtype=np.int64)  # scratch: candidate → its place in a subset

    def words(self, terms: list[int]) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """The (bounded) posting lists of word ids `terms`: candidate indices and term scores."""
        hits, weights = [], []
        for t in terms:
            head = self.heads.get(t)
            if head is None:
                head = (self.indices[self.indptr[t]:self.indptr[t + 1]], self.data[self.indptr[t]:self.indptr[t + 1]])
            hits.append(head[0])
            weights.append(head[1])
        return hits, weights

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
        return np.bincount(rows[np.isin(flat, numbers)], minlength=candidates.size) > 0

    def codes_of(self, candidates: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The code numbers of `candidates`, flattened: (row in `candidates`, code number) pairs."""
        start, end = self.row_ptr[candidates], self.row_ptr[candidates + 1]
        lengths = end - start
        rows = np.repeat(np.arange(candidates.size), lengths)
        offsets = np.arange(rows.size) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        return rows, self.row_codes[np.repeat(start, lengths) + offsets]

    def shared(self, candidates: np.ndarray, query: dict, kinds: tuple[str, ...]) -> dict[str, np.ndarray]:
        """kind → how many of the query's values of that kind each of `candidates` holds (ints)."""
        rows, flat = self.codes_of(candidates)
        out = {}
        for kind in kinds:
            numbers = self._numbers(kind, _values(query.get(kind)))
            hit = np.isin(flat, numbers)
            out[kind] = np.bincount(rows[hit], minlength=candidates.size)
        return out


def _values(value) -> list[str]:
    """A code given as one value, a list, or nothing → a list without empty values."""
    if not value:
        return []
    return [value] if isinstance(value, str) else [v for v in value if v]
