"""Frequent grams (generator/search/phrases.py) and the covers queries read them by (text.frequent_cover).

The generated experts' bios are made of 20 words, so with a low `frequent` threshold many pairs
are frequent, several levels of longer grams get indexed, and a phrase of common words (研究员集成电路)
is exactly the case that needed two of the largest postings before: every answer is checked
against a plain scan (Oracle), the reads against the budget, and the browser against Python.
"""

from __future__ import annotations

import json
import random
import re

import pytest

from generator.search import query
from generator.search.index import build_search_index
from generator.search.query import IndexReader, Oracle
from generator.search.text import DEFAULT_TEXT_BLOCK, HAN, decode_postings, doc_text, frequent_cover, indexed
from tests.test_search_index import JS_SEARCH, _ready, generated, serve_directory

THRESHOLD = 40  # occurrences: at 300 generated experts, dozens of frequent grams on several levels


@pytest.fixture(scope="module")
def people():
    return generated(300, seed=8)


@pytest.fixture(scope="module")
def built(people, tmp_path_factory):
    out = tmp_path_factory.mktemp("phrases") / "s"
    build_search_index(people, out, shard_bytes=4096, frequent=THRESHOLD)
    return out


def _phrases(people, n=60, seed=4) -> list[str]:
    """Substrings of the bios made of common words (what failed at 10,000 experts), 3-12 characters."""
    r = random.Random(seed)
    out = []
    for _ in range(n):
        bio = r.choice(people)["bio"].replace("，", "").replace("。", "")
        k = r.randint(3, 12)
        i = r.randrange(len(bio) - k)
        out.append(bio[i : i + k])
    return out


def test_frequent_grams_keep_first_positions_and_longer_grams_all(built, people):
    reader = IndexReader(built)
    frequent = reader.frequent
    assert len(frequent) > 20 and max(map(len, frequent)) >= 4  # several levels
    texts = [doc_text(e) for e in people]
    order = [reader.ids([d])[0] for d in range(reader.manifest["docs"])]
    by_id = {e["id"]: t for e, t in zip(people, texts)}
    docs_text = [by_id[i] for i in order]

    def postings(key):
        shard = reader.get(reader.shard_name(key))
        value = shard[key]
        if value.startswith("@"):
            value = reader.get(f"x/{value[1:].split('.')[0]}.json.gz")["p"]
        return decode_postings(value)

    def positions(text, gram):
        return [i for i in range(len(text)) if text.startswith(gram, i)]

    for g in sorted(frequent)[:15]:
        got = postings(g)
        want = {d: positions(t, g)[:1] for d, t in enumerate(docs_text) if g in t}
        assert got == want, g  # each doc's first position only
        assert sum(len(positions(t, g)) for t in docs_text) > THRESHOLD
        # every one-longer gram around it is indexed, with all its positions (or frequent itself)
        longer = {t[p - 1 : p + len(g)] for t in docs_text for p in positions(t, g) if p}
        for h in sorted(x for x in longer if re.fullmatch(f"[{HAN}]+", x))[:5]:
            assert indexed(h, frequent)
            want = {d: positions(t, h) for d, t in enumerate(docs_text) if h in t}
            assert postings(h) == ({d: ps[:1] for d, ps in want.items()} if h in frequent else want), h


def test_a_cover_reads_non_frequent_grams_that_cover_every_character(built, people):
    frequent = IndexReader(built).frequent
    whole = 0
    for q in _phrases(people, 200):
        cover = frequent_cover(q, frequent)
        if cover == [(0, q)]:
            whole += 1
            assert indexed(q, frequent)
            continue
        assert all(indexed(g, frequent) and g not in frequent and q[o : o + len(g)] == g for o, g in cover), q
        assert set().union(*(range(o, o + len(g)) for o, g in cover)) == set(range(len(q))), q
    assert 0 < whole < 200  # some phrases are keys of their own, others are covered


def test_common_phrases_are_exact_within_the_budget(built, people):
    oracle = Oracle(people)
    exact = 0
    for q in _phrases(people) + ["研究员集成电路", "浙江大学材料学院", "中国工程院院士人工智能"]:
        reader = IndexReader(built)
        reader.get("facets.json.gz")
        reader.fetched.clear()
        info = reader.match_info(q)
        assert sum(b for rel, b in reader.fetched if rel[0] in "ix") <= query.BUDGET, q
        assert sum(b for _, b in reader.fetched) <= query.TOTAL, q
        found = set(reader.ids(info["docs"]))
        if info["partial"]:
            assert oracle.ids(q) <= found, q
        else:
            exact += 1
            assert found == oracle.ids(q), q
    assert exact == 63  # none of these is partial


def test_pasted_sentences_are_read_by_their_rarest_grams_and_checked(built, people):
    oracle = Oracle(people)
    r = random.Random(2)
    for _ in range(12):
        e = r.choice(people)
        q = e["bio"][:r.randint(30, 120)]
        reader = IndexReader(built)
        reader.get("facets.json.gz")
        reader.fetched.clear()
        info = reader.match_info(q)
        assert len([rel for rel, _ in reader.fetched if rel.startswith("i/")]) <= query.MAX_SHARDS
        assert sum(b for _, b in reader.fetched) <= query.TOTAL, q
        found = set(reader.ids(info["docs"]))
        assert e["id"] in found and oracle.ids(q) <= found, q
        if not info["partial"]:
            assert found == oracle.ids(q), q


def test_frequent_grams_are_the_same_with_two_processes_and_any_order(people, tmp_path):
    def files(root):
        return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}

    shuffled = people[:]
    random.Random(1).shuffle(shuffled)
    build_search_index(people, tmp_path / "one", jobs=1, frequent=THRESHOLD)
    build_search_index(shuffled, tmp_path / "two", jobs=2, frequent=THRESHOLD)
    assert files(tmp_path / "one") == files(tmp_path / "two")
    manifest = json.loads((tmp_path / "one" / "manifest.json").read_text("utf-8"))
    assert manifest["frequent"] == sorted(manifest["frequent"]) and manifest["textBlock"] == DEFAULT_TEXT_BLOCK
    # texts are grouped: one t/ file per 32 docs, not one per doc
    assert len(list((tmp_path / "one" / "t").iterdir())) == -(-len(people) // DEFAULT_TEXT_BLOCK)


@pytest.fixture(scope="module")
def served_frequent(tmp_path_factory, people):
    yield from serve_directory(tmp_path_factory.mktemp("site-frequent"), people, frequent=THRESHOLD)


@pytest.fixture
def page_frequent(browser, served_frequent):
    context = browser.new_context()
    pg = context.new_page()
    problems = []
    pg.on("pageerror", lambda e: problems.append(f"pageerror: {e}"))
    yield pg
    context.close()
    assert problems == []


@pytest.mark.browser
def test_javascript_reads_frequent_phrases_and_pasted_sentences_as_python(page_frequent, served_frequent, people):
    page = page_frequent
    _ready(page, served_frequent["url"])
    reader = IndexReader(served_frequent["site"] / "search")
    assert reader.frequent
    reader.search("")  # what the page read at start-up: facets and the first page of cards
    r = random.Random(6)
    pasted = [r.choice(people)["bio"][:n] for n in (40, 80, 160, 200)]
    pasted += ["，".join(p["bio"][:12] for p in people[:6]), " ".join(_phrases(people, 12, seed=9))]
    for q in _phrases(people, 40, seed=5) + pasted + ["研究员集成电路", "材料"]:
        before = {rel for rel, _ in page.evaluate("window.kexieDirectory.fetched()")}
        js = page.evaluate(JS_SEARCH, [q, {}, 1, "relevance"])
        after = {rel for rel, _ in page.evaluate("window.kexieDirectory.fetched()")}
        reader.fetched.clear()
        py = reader.search(q, {}, page=1, page_size=20)
        assert js["docs"] == py["docs"], q
        assert (js["marks"], js["partial"]) == (py["marks"], py["partial"]), q
        read = {rel for rel, _ in reader.fetched}
        assert after - before == read, q  # the same files (cards come from the t/ files too)
