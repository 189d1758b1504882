"""The candidate cap (limits.candidate_cap of generator/model/matching.yaml, generator/model/reach.py).

Below the cap the bounded ranking is the ranking over every candidate, exactly; where the cap binds
(a small cap on a synthetic set) every returned score is still the exact score, every reached
candidate is in its place, and the same records give the same lists.
"""

from __future__ import annotations

import shutil
import subprocess
import sys

import numpy as np
import pytest

from tests.sitebuild import REPO
from tests.test_matching import _dense_rank


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    """600 synthetic experts (many shared words, disciplines, industries and districts)."""
    from generator.checks.pipeline import check_records
    from generator.model.public import build_model

    root = tmp_path_factory.mktemp("cap") / "records"
    for folder in ("policies", "staff"):
        shutil.copytree(REPO / "records" / folder, root / folder)
    subprocess.run([sys.executable, str(REPO / "bench" / "synthetic.py"), "--out", str(root), "--experts", "600"],
                   check=True, capture_output=True)
    checked = check_records(root, REPO / "schemas")
    return build_model(checked.records, checked.schemas, {})


def _corpus(model, cap, bounded=True):
    from generator.model.matching import Corpus
    from generator.model.recommend import _expert_candidates

    corpus = Corpus(_expert_candidates(model), {"society": {sid: s["name"] for sid, s in model.societies.items()}}, cap=cap)
    if bounded:  # never the exhaustive ranking (exhaustive.py), whatever the size: the bounded one is tested
        corpus.reach.budget = 0
    return corpus


def _queries(model, corpus):
    """(query words, codes, limit, exclude) of every 相似专家 query and every need's expert query."""
    from generator.model.matching import settings
    from generator.model.recommend import need_query

    limits = settings()["limits"]
    for eid in model.experts:
        yield corpus.characteristic_words(eid, limits["query_terms"]), corpus.candidates[corpus.index[eid]].codes, limits["similar"], [eid]
    for need in model.needs.values():
        query, codes = need_query(need)
        yield query, codes, limits["recommend"], need["experts"]


def _longest_list(corpus):
    """The most holders of one word or one code value."""
    words = int(np.diff(corpus.bm25.scores["indptr"]).max())
    return max(words, max(len(v) for k, v in corpus.postings.items() if len(k) == 2))


def _reached(corpus, query_words, codes, exclude):
    """The candidates a query reaches through its words' and codes' bounded lists (reach.py)."""
    terms = [corpus.bm25.vocab_dict[w] for w in query_words if w in corpus.vocab]
    hits = corpus.reach.words(terms) + corpus.reach.codes("discipline", codes.get("discipline", []), codes)
    hits += corpus.reach.codes("society", codes.get("society") or [], codes)
    hits.append(np.array([corpus.index[c] for c in exclude if c in corpus.index], dtype=np.int64))
    return set(np.concatenate(hits).tolist())


def test_the_shipped_settings_rank_the_demo_and_small_sets_exhaustively(synthetic):
    """Every query of the demo records and of 600 experts reads less than the work budget, so it is
    ranked exhaustively (exhaustive.py): test_matching.py's equality test then proves their pages
    unchanged by the cap."""
    from generator.checks.pipeline import check_records
    from generator.model.public import build_model

    checked = check_records(REPO / "records", REPO / "schemas")
    for model in (build_model(checked.records, checked.schemas, {}), synthetic):
        corpus = _corpus(model, None, bounded=False)
        assert len(corpus.ids) <= corpus.reach.budget
        for query, codes, _, _ in _queries(model, corpus):
            terms = [corpus.bm25.vocab_dict[w] for w in query if w in corpus.vocab]
            full = {**codes, "discipline": codes.get("discipline", []), "society": codes.get("society") or []}
            assert corpus.reach.work(terms, full) <= corpus.reach.budget


def test_a_cap_equal_to_the_longest_list_changes_nothing(synthetic):
    """The cap is 'more holders than the cap': a list exactly as long is read whole."""
    longest = _longest_list(_corpus(synthetic, None))
    corpus = _corpus(synthetic, longest)
    for query, codes, limit, exclude in _queries(synthetic, corpus):
        assert corpus.rank(query, codes, limit, exclude=exclude) == _dense_rank(corpus, query, codes, limit, exclude)


@pytest.mark.parametrize("cap, agree", [(8, 0.8), (40, 0.98)])  # measured: 539 and 630 of 630
def test_where_the_cap_binds_scores_are_exact_and_no_reached_candidate_is_missed(synthetic, cap, agree):
    """The guarantee of reach.py: the reached candidates are ranked by their exact scores (BM25 over
    all the query's words, normalised by the best reached text), so every returned score is the
    dense score whenever the best text is reached — always, here — no reached candidate is missing
    ahead of the last one returned, and the same records give the same lists."""
    corpus = _corpus(synthetic, cap)
    assert _longest_list(corpus) > 4 * cap  # the cap binds, on words and on codes
    again = _corpus(synthetic, cap)
    same_as_dense = compared = 0
    for query, codes, limit, exclude in _queries(synthetic, corpus):
        found = corpus.rank(query, codes, limit, exclude=exclude)
        assert found == again.rank(query, codes, limit, exclude=exclude)  # deterministic
        dense, total = _dense_rank(corpus, query, codes, limit, exclude, scores=True)
        text = corpus.text_scores(query)
        reached = _reached(corpus, query, codes, exclude)
        assert not query or int(np.argmax(text)) in reached or text.max() == 0  # the best text is reached
        for m in found:  # exact scores; the reasons are those of the dense ranking
            assert m.score == total[corpus.index[m.id]], m.id
        assert [(-m.score, m.id) for m in found] == sorted((-m.score, m.id) for m in found)
        last = (-found[-1].score, found[-1].id) if len(found) == limit else (0.0, "\uffff")
        returned = {m.id for m in found}
        for i in reached:
            cid = corpus.ids[i]
            if cid not in returned and cid not in exclude and total[i] > 0:
                assert (-total[i], cid) > last, (cid, found)
        same_as_dense += found == dense
        compared += 1
    assert compared > 600
    # what the cap costs: a candidate of the dense list reached by no bounded list (cap 8 of 600
    # holders: 14 % of the lists differ; cap 40: none)
    assert same_as_dense >= agree * compared, (same_as_dense, compared)
