"""Reading the search index: the query algorithm of directory.js, in Python, and the oracle that
defines a correct answer (a plain substring scan of the same fields)."""

from __future__ import annotations

import json
import math
from pathlib import Path

from generator.search.text import (
    CARD_FIELDS,
    FIELDS,
    PAGE_SIZE,
    _HAN_CHAR,
    _SEGMENT,
    _WORD,
    _items,
    decode_docs,
    decode_postings,
    normalize,
    pinyin_syllables,
    shard_of,
)

# ---------------------------------------------------------------- query (the algorithm of directory.js)


def parse_query(q: str) -> list[tuple] | None:
    """Query → segments that must all match, or None for "everything" (an empty query).

    ("name", ch)           one Han character: in the name
    ("text", chars)        two or more Han characters: a substring of the text
    ("latin", key, words)  latin letters/digits: pinyin prefix of key, or every word a text word
    An empty list means the query has nothing searchable (punctuation only): no result.
    """
    qn = normalize(q).replace("ü", "v")
    if not qn.strip():
        return None
    if not _HAN_CHAR.search(qn):
        words_ = _WORD.findall(qn)
        return [("latin", "".join(words_), tuple(words_))] if words_ else []
    # with Han in the query, spaces and punctuation only separate segments: 材料 浙江大学, 张 zw
    segments: list[tuple] = []
    for seg in _SEGMENT.findall(qn):
        if _HAN_CHAR.match(seg):
            s = ("name", seg) if len(seg) == 1 else ("text", seg)
        else:
            s = ("latin", seg, (seg,))
        if s not in segments:
            segments.append(s)
    return segments


def covering_offsets(k: int) -> list[int]:
    """Bigram offsets whose bigrams cover every character of a k-character string."""
    offsets = list(range(0, k - 1, 2))
    if k % 2 == 1:
        offsets.append(k - 2)
    return offsets


class IndexReader:
    """Reads the written files like the browser does; `fetched` logs (file, bytes) of every first read."""

    def __init__(self, out_dir: Path):
        self.dir = Path(out_dir)
        self._cache: dict[str, object] = {}
        self.fetched: list[tuple[str, int]] = []
        self.manifest = self.get("manifest.json")
        self._facet_sets = None

    def get(self, rel: str):
        if rel not in self._cache:
            path = self.dir / rel
            if not path.is_file():
                self._cache[rel] = None
            else:
                data = path.read_bytes()
                self.fetched.append((rel, len(data)))
                self._cache[rel] = json.loads(data)
        return self._cache[rel]

    # --- postings
    def postings(self, key: str) -> dict[int, list[int]]:
        shard = self.get(f"i/{shard_of(key, self.manifest['shards'])}.json") or {}
        value = shard.get(key)
        if value is None:
            return {}
        if value.startswith("@"):
            value = self.get(f"x/{value[1:]}.json")["p"]
        return decode_postings(value)

    def pinyin(self, letter: str) -> list[tuple[int, str]]:
        if letter not in self.manifest["pinyin"]:
            return []
        data = self.get(f"p/{letter}.json")
        return list(zip(decode_docs(data["d"]), data["s"]))

    # --- segments → {doc: score}
    def _text(self, chars: str) -> dict[int, int]:
        chars_ = list(chars)
        offsets = covering_offsets(len(chars_))
        lists = [(off, self.postings(chars_[off] + chars_[off + 1])) for off in offsets]
        lists.sort(key=lambda t: len(t[1]))
        first_off, first = lists[0]
        out = {}
        for doc, positions in first.items():
            others = []
            for off, post in lists[1:]:
                ps = post.get(doc)
                if ps is None:
                    break
                others.append((off, set(ps)))
            else:
                best = None
                for p in positions:
                    start = p - first_off
                    if all(start + off in ps for off, ps in others) and (best is None or start < best):
                        best = start
                if best is not None:
                    out[doc] = best
        return out

    def _latin(self, key: str, words: tuple[str, ...]) -> dict[int, int]:
        out: dict[int, int] = {}
        if key and key[0].isalpha():
            for doc, spaced in self.pinyin(key[0]):
                syl = spaced.split(" ")
                if "".join(syl).startswith(key):
                    out[doc] = 0 if "".join(syl) == key else 1
                elif "".join(s[0] for s in syl).startswith(key):
                    out[doc] = 2
        token_docs = None
        for w in words:
            post = self.postings("w:" + w)
            scores = {d: ps[0] for d, ps in post.items()}
            if token_docs is None:
                token_docs = scores
            else:
                token_docs = {d: s + scores[d] for d, s in token_docs.items() if d in scores}
        for doc, s in (token_docs or {}).items():
            if doc not in out:
                out[doc] = 3 + s
        return out

    def match(self, q: str) -> list[int] | None:
        """Matching docs for q, best first; None for an empty query (everything, in doc order)."""
        segments = parse_query(q)
        if segments is None:
            return None
        if not segments:
            return []
        scores: dict[int, int] | None = None
        for seg in segments:
            if seg[0] == "name":
                found = {d: ps[0] for d, ps in self.postings("n:" + seg[1]).items()}
            elif seg[0] == "text":
                found = self._text(seg[1])
            else:
                found = self._latin(seg[1], seg[2])
            scores = found if scores is None else {d: s + found[d] for d, s in scores.items() if d in found}
            if not scores:
                return []
        return sorted(scores, key=lambda d: (scores[d], d))

    # --- facets
    def facet_sets(self) -> dict[str, dict[str, set[int]]]:
        if self._facet_sets is None:
            data = self.get("facets.json")
            self._facet_sets = {g: {v: set(decode_docs(s)) for v, s in vals.items()} for g, vals in data.items()}
        return self._facet_sets

    def search(self, q: str = "", filters: dict[str, list[str]] | None = None, page: int = 1, page_size: int = PAGE_SIZE):
        """The directory's view: matching docs after filters, facet counts, and the cards of one page."""
        docs = self.match(q)
        if docs is None:
            docs = list(range(self.manifest["docs"]))
        filters = {g: list(v) for g, v in (filters or {}).items() if v}
        sets = self.facet_sets()

        def allowed(group):
            return set().union(*(sets.get(group, {}).get(v, set()) for v in filters[group]))

        group_sets = {g: allowed(g) for g in filters}
        result = [d for d in docs if all(d in s for s in group_sets.values())]
        counts = {}
        for group, values in sets.items():
            others = [s for g, s in group_sets.items() if g != group]
            base = {d for d in docs if all(d in s for s in others)}
            counts[group] = {v: len(base & ds) for v, ds in values.items()}
        pages = max(1, math.ceil(len(result) / page_size))
        page = min(max(1, page), pages)
        shown = result[(page - 1) * page_size : page * page_size]
        cards = [self.card(d) for d in shown]
        return {"docs": result, "total": len(result), "facets": counts, "page": page, "pages": pages, "cards": cards}

    def card(self, doc: int) -> dict:
        block = self.manifest["cardBlock"]
        card = dict(zip(CARD_FIELDS, self.get(f"c/{doc // block}.json")[doc % block]))
        card["url"] = card["url"] or self.manifest["cardUrl"].replace("{id}", card["id"])
        return card

    def ids(self, docs: list[int]) -> list[str]:
        block = self.manifest["cardBlock"]
        return [self.get(f"c/{d // block}.json")[d % block][0] for d in docs]


def query_index(out_dir: Path, q: str) -> list[str]:
    """Expert ids matching q, best first (an empty query: every expert in directory order)."""
    reader = IndexReader(out_dir)
    docs = reader.match(q)
    if docs is None:
        docs = list(range(reader.manifest["docs"]))
    return reader.ids(docs)


# ---------------------------------------------------------------- the oracle (what "correct" means)


class Oracle:
    """What a plain scan of the same fields says should match a query (tests and bench score against it).

    Han term of ≥ 2 characters: a substring of one field item (normalised). One Han character: in the
    name. Latin: the letters (spaces removed) are a prefix of the joined pinyin or of its initials, or
    every latin word equals a maximal [a-z0-9]+ run of a field item. All segments must hold.
    """

    def __init__(self, experts: list[dict]):
        self.rows = []
        for e in experts:
            items = [normalize(i) for f in FIELDS for i in _items(e, f)]
            syl = pinyin_syllables(e["name"], e.get("pinyin") or "")
            tokens = {w for i in items for w in _WORD.findall(i)}
            self.rows.append(
                (e["id"], normalize(e["name"]), "\n".join(items), "".join(syl), "".join(s[0] for s in syl), tokens)
            )

    def ids(self, q: str) -> set[str]:
        segments = parse_query(q)
        if segments is None:
            return {row[0] for row in self.rows}
        if not segments:
            return set()
        out = set()
        for eid, name, text, joined, initials, tokens in self.rows:
            for seg in segments:
                if seg[0] == "name":
                    ok = seg[1] in name
                elif seg[0] == "text":
                    ok = seg[1] in text  # items are joined by a newline, which no segment contains
                else:
                    key, words_ = seg[1], seg[2]
                    ok = joined.startswith(key) or initials.startswith(key) or all(w in tokens for w in words_)
                if not ok:
                    break
            else:
                out.add(eid)
        return out


def oracle(experts: list[dict], q: str) -> set[str]:
    return Oracle(experts).ids(q)

