"""Needs meet experts (issue #13): 推荐专家, 相似专家 and the docking list, from the demo records.

The labelled evaluation set (tests/matching/needs_eval.yaml, 35 needs written as enterprises write
them, experts picked by hand from the demo bios) keeps the ranking honest: P@5 and R@10 may not
silently fall below what bench/RESULTS.md reports.
"""

from __future__ import annotations

import csv
import io
import re
import sys

import pytest
import yaml
from openpyxl import load_workbook

from tests.sitebuild import REPO, demo_site, read_page

sys.path.insert(0, str(REPO))
from bench.eval_matching import evaluate  # noqa: E402

P_AT_5 = 0.85  # measured 0.886 (bench/RESULTS.md); the target is 0.8
R_AT_10 = 0.95  # measured 0.990


def _records(folder):
    return {p.stem: yaml.safe_load(p.read_text(encoding="utf-8")) for p in (REPO / "records" / folder).glob("*.yaml")}


def _section(html: str, heading_id: str) -> str:
    start = html.index(f'id="{heading_id}"')
    end = html.find("<h2", start + 1)
    end = html.find("kx-record-footer", start) if end == -1 else end
    return html[start:end]


@pytest.fixture(scope="module")
def evaluation():
    return evaluate()


def test_labelled_set_is_large_and_varied(evaluation):
    items = yaml.safe_load((REPO / "tests/matching/needs_eval.yaml").read_text(encoding="utf-8"))["needs"]
    assert len(items) >= 30
    assert sum(1 for i in items if not i.get("disciplines")) >= 5  # vague ones: no discipline chosen
    published = {k for k, v in _records("experts").items() if v["consent"]["publish"] is True}
    for item in items:
        assert set(item["relevant"]) <= published, item["title"]


def test_precision_at_5_and_recall_at_10_do_not_fall(evaluation):
    assert evaluation["p5"] >= P_AT_5, evaluation["needs"]
    assert evaluation["r10"] >= R_AT_10, evaluation["needs"]


def test_a_need_written_in_plain_words_finds_the_right_experts(evaluation):
    rows = {title: top for title, _, _, top in evaluation["needs"]}
    # 废水, COD: words in no discipline name; the water-pollution experts' bios say 水污染控制
    water = {"li-han", "li-yingkai", "ren-hao", "tang-tao", "xiao-chao", "zhou-guipeng"}
    assert len(water & set(rows["印染废水COD长期超标"])) >= 4


def test_need_pages_recommend_published_experts_with_reasons():
    site = demo_site()
    experts = _records("experts")
    unpublished = {k for k, v in experts.items() if v["consent"]["publish"] is not True}
    for need_id, need in _records("needs").items():
        html = read_page(site / "needs" / need_id / "index.html")
        section = _section(html, "recommended")
        assert "<h2" in html and "推荐专家" in section
        recommended = re.findall(r'href="\.\./\.\./experts/([a-z0-9-]+)/"', section)
        assert 1 <= len(recommended) <= 5, need_id
        assert not set(recommended) & unpublished, need_id
        # experts staff already matched are shown apart, in the facts table, not recommended again
        assert not set(recommended) & set(need.get("matched", {}).get("experts", [])), need_id
        assert section.count("推荐理由：") >= len(recommended)
        # compact (#14): at most three societies and three workstations, one reason each
        for heading in ("recommended-societies", "recommended-workstations"):
            if f'id="{heading}"' in html:
                items = re.findall(r"<li>(.*?)</li>", html.split(f'id="{heading}"')[1].split("</ul>")[0])
                assert 1 <= len(items) <= 3 and all(item.count("推荐理由：") == 1 for item in items), need_id


def test_a_recommendation_names_its_reasons():
    html = read_page(demo_site() / "needs" / "xq-2016-003" / "index.html")
    section = _section(html, "recommended")
    first = re.search(r"<li>(.*?)</li>", section, re.S).group(1)
    assert "李雪倩" in first or "许佳春" in first  # industrial robots: the robot experts come first
    # one reason each, the one that sets the expert apart (all of them share 机械工程): the bio's words
    assert first.endswith("推荐理由：简介提到“机器人”、“制造”、“工业”"), first


def test_expert_pages_show_similar_experts():
    site = demo_site()
    experts = _records("experts")
    unpublished = {k for k, v in experts.items() if v["consent"]["publish"] is not True}
    counted = two_reasons = 0
    for expert_id, expert in experts.items():
        page = site / "experts" / expert_id / "index.html"
        if expert_id in unpublished:
            assert not page.exists()
            continue
        html = read_page(page)
        # links within the experts folder are ../<id>/ (#14)
        similar = re.findall(r'href="\.\./([a-z0-9-]+)/"', _section(html, "similar"))
        assert len(similar) == 3 and expert_id not in similar and not set(similar) & unpublished, expert_id
        # compact (#14 item 1): each with its title and one reason, the one that sets it apart
        items = re.findall(r"<li>(.*?)</li>", _section(html, "similar"), re.S)
        assert len(items) == len(similar)
        reasons = []
        for item, other in zip(items, similar):
            assert f"（{experts[other]['title']}）<br>" in item, (expert_id, item)
            reasons.append(item.split("<br>")[1])
            assert reasons[-1] and "；" not in reasons[-1], (expert_id, item)
        two_reasons += len(set(reasons)) > 1
        counted += 1
    assert counted > 100 and two_reasons > counted * 0.8  # most pages give different reasons


def test_docking_list_page_and_downloads():
    site = demo_site()
    needs = _records("needs")
    open_needs = sorted(k for k, v in needs.items() if v["status"] == "open")
    assert open_needs
    html = (site / "docking" / "index.html").read_text(encoding="utf-8")
    for need_id in open_needs:
        assert f"needs/{need_id}/" in html
    for need_id in set(needs) - set(open_needs):
        assert f"needs/{need_id}/" not in html  # matched and closed needs are off the list
    assert 'href="../docking/docking.xlsx"' in html and 'href="../docking/docking.csv"' in html
    book = load_workbook(site / "docking" / "docking.xlsx", read_only=True)
    districts = {needs[n]["unit"]["district"] for n in open_needs}
    assert set(book.sheetnames) == districts  # one sheet per district
    for name in book.sheetnames:
        rows = list(book[name].iter_rows(values_only=True))
        assert rows[0][:4] == ("区、县（市）", "行业", "需求编号", "需求")
        assert {r[0] for r in rows[1:]} == {name}
    text = (site / "docking" / "docking.csv").read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert {r[2] for r in rows[1:]} == set(open_needs)


def test_text_scores_are_bm25s_scores():
    """Our bincount over bm25s's index gives what bm25s's own get_scores gives (normalised)."""
    import numpy as np

    from generator.checks.pipeline import check_records
    from generator.model.matching import Corpus
    from generator.model.public import build_model
    from generator.model.recommend import _expert_candidates, need_query

    checked = check_records(REPO / "records")
    model = build_model(checked.records, checked.schemas, {})
    corpus = Corpus(_expert_candidates(model), {})
    for need in model.needs.values():
        query, _ = need_query(need)
        known = [w for w in query if w in corpus.vocab]
        assert known, need["id"]
        theirs = np.asarray(corpus.bm25.get_scores(known), dtype=np.float64)
        assert np.allclose(corpus.text_scores(query), theirs / theirs.max(), atol=1e-6), need["id"]


def _dense_rank(corpus, query_words, codes, limit, exclude=(), text=None, scores=False):
    """The ranking as first written: every score term over every candidate (quadratic for similar
    experts). Corpus.rank scores only the candidates that can make the list; it must agree.
    `text`: the normalised text score of every candidate (default: BM25, corpus.text_scores);
    `scores`: also return every candidate's total (the array, by candidate index)."""
    import numpy as np

    from generator.model.matching import Match, _values, settings

    def shared(kind, values):
        hits = [corpus.postings[(kind, v)] for v in set(values) if (kind, v) in corpus.postings]
        if not hits:
            return np.zeros(len(corpus.ids), dtype=np.float64)
        return np.bincount(np.concatenate(hits), minlength=len(corpus.ids)).astype(np.float64)

    w = settings()["weights"]
    text = corpus.text_scores(query_words) if text is None else text
    total = w["text"] * text
    ties = text >= settings()["limits"]["minimum_text"]
    disciplines = [c for c in codes.get("discipline", []) if c]
    if disciplines:
        counts = shared("discipline", disciplines)
        total += w["discipline"] * counts / len(set(disciplines))
        ties |= counts > 0
    for kind in ("industry", "district"):
        values = _values(codes.get(kind))
        if values:
            same = shared(kind, values) > 0
            total += w[kind] * same
            ties |= same
    if codes.get("society"):
        total += w["society"] * shared("society", codes["society"])
    total = np.round(np.where(ties, total, 0.0), 6)
    for cid in exclude:
        if cid in corpus.index:
            total[corpus.index[cid]] = 0.0
    order = sorted(np.flatnonzero(total > 0).tolist(), key=lambda i: (-total[i], corpus.ids[i]))[:limit]
    rarest = sorted(set(query_words), key=lambda x: (-corpus.idf(x), -len(x), x))
    ranked = [Match(corpus.ids[i], float(total[i]), corpus.reasons(i, rarest, codes)) for i in order]
    return (ranked, total) if scores else ranked


@pytest.mark.parametrize("experts", [0, 600])
def test_ranking_only_the_candidates_that_can_make_the_list_equals_ranking_all(experts, tmp_path):
    """Every similar-experts query and every need's three queries, on the demo records and on a
    synthetic set (many ties on industry and district alone): Corpus.rank == the dense ranking."""
    import shutil
    import subprocess

    from generator.checks.pipeline import check_records
    from generator.model.matching import Corpus
    from generator.model.public import build_model
    from generator.model.recommend import (
        _expert_candidates, _society_candidates, _workstation_candidates, need_query, settings,
    )

    root = REPO / "records"
    if experts:
        root = tmp_path / "records"
        for folder in ("policies", "staff"):
            shutil.copytree(REPO / "records" / folder, root / folder)
        subprocess.run([sys.executable, str(REPO / "bench" / "synthetic.py"), "--out", str(root), "--experts", str(experts)],
                       check=True, capture_output=True)
    checked = check_records(root, REPO / "schemas")
    model = build_model(checked.records, checked.schemas, {})
    labels = {"discipline": {}, "society": {sid: s["name"] for sid, s in model.societies.items()}}
    limits = settings()["limits"]
    people = Corpus(_expert_candidates(model), labels)
    compared = 0
    for eid in model.experts:
        query = people.characteristic_words(eid, limits["query_terms"])
        codes = people.candidates[people.index[eid]].codes
        assert people.rank(query, codes, limits["similar"], exclude=[eid]) == _dense_rank(people, query, codes, limits["similar"], [eid]), eid
        compared += 1
    for corpus in (people, Corpus(_society_candidates(model), labels), Corpus(_workstation_candidates(model), labels)):
        for need in model.needs.values():
            query, codes = need_query(need)
            for limit in (1, 3, 5):
                exclude = need["experts"] + need["societies"]
                assert corpus.rank(query, codes, limit, exclude=exclude) == _dense_rank(corpus, query, codes, limit, exclude), need["id"]
                compared += 1
    assert compared > 100
