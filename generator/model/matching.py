"""The matching engine: which published experts (and societies, workstations) fit a text and codes.

Measures 四(一) and 五(一)—(三) of the plan: survey enterprises' needs, sort them by industry and
discipline, and draw up a docking list. The score of a candidate for a query is a weighted sum
(weights and limits in `matching.yaml`, beside this file):

    score = discipline × shared codes / query codes      (at most `discipline`)
          + industry   × [the query's industry is one the candidate serves]
          + district   × [same district]
          + text       × BM25(query words, candidate words) / the best BM25 for this query
          (+ society × shared societies, for similar experts)

Words come from rjieba (the maintained jieba-rs binding) in search mode, so 复合材料 also yields
复合 and 材料; BM25 is bm25s's. Ties are broken by id and scores are rounded to 1e-6 before
sorting, so the same records always give the same order. Every result carries its reasons: the
shared codes, industry and district, and the rarest query words found, with the field they are in.

Cost is bounded by `limits.candidate_cap` (the cap). A query on a corpus and posting lists of at
most 1,400 × cap entries is ranked exhaustively (exhaustive.py), exactly as over every candidate, and
cheaper there; a larger one scores only the candidates its bounded lists reach (reach.py: a word's
cap best holders, a discipline's or society's first cap holders by id overall, per district and
per industry), each with its exact score, so its work does not grow with the corpus. Guarantee:
below the cap the list is the exhaustive one, byte for byte; above, every returned score is exact
whenever the best text is reached (for 相似专家 the expert itself is), no reached candidate is
missed, and a candidate reached by no bounded list can be (bench/RESULTS.md gives how often).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import bm25s
import numpy as np
import rjieba
import yaml

from generator.model.exhaustive import scores_all
from generator.model.arrays import _union
from generator.model.reach import Reach, _values

SETTINGS_FILE = Path(__file__).with_name("matching.yaml")
_WORD = re.compile(r"[\u3400-\u9fff\U00020000-\U0003134f]{2,}|[A-Za-z][A-Za-z0-9]+")


@lru_cache(maxsize=1)
def settings() -> dict:
    """The weights, limits and stop words of `matching.yaml` (read once)."""
    data = yaml.safe_load(SETTINGS_FILE.read_text(encoding="utf-8"))
    data["stopwords"] = frozenset(data["stopwords"])
    return data


def words(text: str) -> list[str]:
    """Search-mode words of `text`: Han words of two or more characters and Latin words (lower
    case), without the stop words. 复合材料研发 → ["复合", "材料", "复合材料"]."""
    return list(_words(text or ""))


_KEPT: dict[str, str] = {}  # token → the word it counts as, or "" when dropped (tokens repeat a lot)


def _keep(token: str) -> str:
    kept = _KEPT.get(token)
    if kept is None:
        word = token.lower() if _WORD.fullmatch(token) else ""
        kept = _KEPT[token] = "" if word in settings()["stopwords"] else word
    return kept


@lru_cache(maxsize=65536)  # society and workstation names repeat on thousands of expert pages
def _words(text: str) -> tuple[str, ...]:
    return tuple(w for w in map(_keep, rjieba.cut_for_search(text)) if w)


@dataclass(frozen=True)
class Candidate:
    """One thing that can be recommended: its id, its words by field and its codes.

    fields: field label (简介, 单位…) → text; codes: "discipline" / "industry" / "district" /
    "society" → the candidate's values.
    """

    id: str
    fields: tuple[tuple[str, str], ...]
    codes: dict


@dataclass(frozen=True)
class Match:
    """A ranked candidate: id, score (rounded) and reasons in Chinese, e.g. 共同学科：材料科学技术.

    The score only orders the list: no page or file shows it, so it is left out of `repr`, which is
    what the incremental build hashes (site/tracking.py). BM25 scores move with every edit anywhere
    in the corpus; a page is re-rendered when the order or the reasons it shows change, not the score.
    Show a score somewhere and it must go back into `repr`.
    """

    id: str
    score: float = field(repr=False)
    reasons: tuple[str, ...] = ()


class Corpus:
    """BM25 over the candidates' words plus inverted lists of their codes.

    Built once per kind of candidate (experts, societies, workstations), with the bounded lists of
    reach.py (`cap`: the candidate cap, default matching.yaml's); a `rank` then costs at most about
    1,400 × cap postings, whatever the corpus size. Not thread-safe (scratch arrays, reset per query).
    """

    def __init__(self, candidates: list[Candidate], labels: dict[str, dict[str, str]], cap: int | None = None):
        self.candidates = sorted(candidates, key=lambda c: c.id)
        self.ids = [c.id for c in self.candidates]
        self.index = {cid: i for i, cid in enumerate(self.ids)}
        self.labels = labels
        # words by field, kept for the reasons of the few candidates that make a top list
        self.field_words = [[(label, _words(text or "")) for label, text in c.fields] for c in self.candidates]
        tokens = [[w for _, ws in fields for w in ws] for fields in self.field_words]
        self.tokens = tokens
        self.df: dict[str, int] = {}
        for doc in tokens:
            for word in set(doc):
                self.df[word] = self.df.get(word, 0) + 1
        self.bm25 = bm25s.BM25()
        if candidates:
            self.bm25.index(tokens, show_progress=False)
        self.vocab = set(self.df)
        self._idf: dict[str, float] = {}
        self._field_of: dict[int, dict[str, str]] = {}
        cap = settings()["limits"]["candidate_cap"] if cap is None else cap
        scores = self.bm25.scores if candidates else {k: np.zeros(1 if k == "indptr" else 0, dtype=np.int64) for k in ("indptr", "indices", "data")}
        self.reach = Reach(scores, [c.codes for c in self.candidates], cap)
        self.postings = self.reach.postings  # (kind, value) → candidate indices, ascending

    def idf(self, word: str) -> float:
        """How rare a word is among the candidates (for choosing which words to give as reasons)."""
        value = self._idf.get(word)
        if value is None:
            value = self._idf[word] = math.log(1 + len(self.ids) / (1 + self.df.get(word, 0)))
        return value

    def text_scores(self, query_words: list[str]) -> np.ndarray:
        """BM25 of every candidate for `query_words`, divided by the best (0…1); zeros if none.

        The per-word scores are bm25s's own index (its CSC arrays); they are summed with
        `np.bincount`, which is what `BM25.get_scores` computes with the slower `np.add.at`
        (tests/test_matching.py checks both agree).
        """
        ids = [self.bm25.vocab_dict[w] for w in query_words if w in self.vocab]
        if not ids:
            return np.zeros(len(self.ids), dtype=np.float64)
        scores = self.bm25.scores
        indptr, indices, data = scores["indptr"], scores["indices"], scores["data"]
        raw = np.bincount(
            np.concatenate([indices[indptr[t]:indptr[t + 1]] for t in ids]),
            weights=np.concatenate([data[indptr[t]:indptr[t + 1]] for t in ids]).astype(np.float64),
            minlength=len(self.ids),
        )
        best = raw.max()
        return raw / best if best > 0 else raw

    def rank(self, query_words: list[str], codes: dict, limit: int, exclude=(), weights=None) -> list[Match]:
        """The best `limit` candidates for a query (its words and codes), with reasons.

        codes: "discipline" → codes (scored by the share of the query's codes the candidate
        has), "industry"/"district" → a value or a list (any shared one counts once),
        "society" → ids (each shared one counts). Candidates in `exclude` are skipped; a candidate whose only tie to the query is
        weak text (below `minimum_text`) is not recommended.
        """
        if not self.ids:
            return []
        w = weights or settings()["weights"]
        query = {**codes, "discipline": [c for c in codes.get("discipline", []) if c], "society": codes.get("society") or []}
        terms = [self.bm25.vocab_dict[word] for word in query_words if word in self.vocab]
        reach = self.reach
        # Only the candidates the query reaches are scored (reach.py): those sharing a word, a
        # discipline or a society — each list bounded by the candidate cap — and, when they may
        # still make the list, the first few by id of each industry/district flag pair of the
        # others (whose score is then only industry and district; ties go by id). Below the cap
        # this is exactly the ranking over every candidate; the work per query does not grow
        # with the corpus (similar experts, one query per expert, were quadratic).
        if max(len(self.ids), reach.work(terms, query)) <= reach.budget:  # every candidate, exactly
            subset, total = scores_all(self, terms, query, limit, exclude, w, settings()["limits"]["minimum_text"])
            return self._ranked(subset, total, limit, query_words, codes)
        excluded = [self.index[cid] for cid in exclude if cid in self.index]  # their text can be the best
        hits = reach.words(terms) + reach.codes("discipline", query["discipline"], query) + reach.codes("society", query["society"], query)
        subset = _union(hits + [np.array(excluded, dtype=np.int64)])
        minimum = settings()["limits"]["minimum_text"]
        total = reach.scores(terms, query, subset, excluded, w, minimum)
        flags = sum(w[kind] for kind in ("industry", "district") if _values(codes.get(kind)))
        if flags and np.count_nonzero(total > flags) < limit:  # a flag-only candidate may make the list
            reach.marked[subset] = True  # scratch, reset below: no pass over every candidate
            try:
                flagged = reach.flagged(codes, limit + len(exclude), subset)
            finally:
                reach.marked[subset] = False
            if flagged:
                subset = _union([subset, *flagged])
                total = reach.scores(terms, query, subset, excluded, w, minimum)
        return self._ranked(subset, total, limit, query_words, codes)

    def _ranked(self, subset, total, limit, query_words, codes) -> list[Match]:
        """The best `limit` of the candidates `subset` by their rounded scores `total`, with reasons."""
        positive = np.flatnonzero(total > 0)
        if positive.size == 0:
            return []
        if positive.size > limit:
            # every candidate scoring at least the limit-th best, ties included: the order is
            # then decided by (score, id) alone, never by how numpy partitioned equal values
            threshold = np.partition(total[positive], positive.size - limit)[positive.size - limit]
            positive = positive[total[positive] >= threshold]
        order = sorted(positive.tolist(), key=lambda j: (-total[j], self.ids[subset[j]]))[:limit]
        rarest = sorted(set(query_words), key=lambda x: (-self.idf(x), -len(x), x))
        return [Match(self.ids[subset[j]], float(total[j]), self.reasons(int(subset[j]), rarest, codes)) for j in order]

    def reasons(self, i: int, rarest: list[str], codes: dict) -> tuple[str, ...]:
        """Why candidate `i` fits: shared codes, then the rarest query words it contains
        (`rarest`: the query's distinct words, rarest first)."""
        c = self.candidates[i]
        out = []
        shared = sorted(set(codes.get("discipline", [])) & set(c.codes.get("discipline", [])))
        if shared:
            names = "、".join(self.labels.get("discipline", {}).get(code, code) for code in shared)
            out.append(f"共同学科：{names}")
        industries = [v for v in _values(codes.get("industry")) if v in c.codes.get("industry", [])]
        if industries:
            out.append("服务行业：" + "、".join(industries))
        districts = [v for v in _values(codes.get("district")) if v in c.codes.get("district", [])]
        if districts:
            out.append(f"同在{districts[0]}")
        societies = sorted(set(codes.get("society", [])) & set(c.codes.get("society", [])))
        if societies:
            names = "、".join(self.labels.get("society", {}).get(s, s) for s in societies)
            out.append(f"同属{names}")
        found: dict[str, list[str]] = {}
        seen = []
        limit = settings()["limits"]["reason_terms"]
        where = self._where(i)
        for word in rarest:
            if len(seen) >= limit:
                break
            label = where.get(word)
            if label is None or any(word in other for other in seen):  # 材料 adds nothing after 复合材料
                continue
            found.setdefault(label, []).append(word)
            seen.append(word)
        for label, hits in found.items():
            out.append(f"{label}提到" + "、".join(f"“{h}”" for h in hits))
        return tuple(out)

    def _where(self, i: int) -> dict[str, str]:
        """word → the first field of candidate `i` it occurs in (built on first use)."""
        where = self._field_of.get(i)
        if where is None:
            where = self._field_of[i] = {}
            for label, field_words in self.field_words[i]:
                for word in field_words:
                    where.setdefault(word, label)
        return where

    def characteristic_words(self, cid: str, count: int) -> list[str]:
        """The `count` words of a candidate with the highest tf-idf (ties by word): its topic."""
        doc = self.tokens[self.index[cid]]
        tf: dict[str, int] = {}
        for word in doc:
            tf[word] = tf.get(word, 0) + 1
        ranked = sorted(tf, key=lambda x: (-tf[x] * self.idf(x), x))
        return ranked[:count]
