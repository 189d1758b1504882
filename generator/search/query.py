"""Reading the search index: the query algorithm of search-engine.js, in Python, step for step.

A query is cut into segments that must all match (parse_query). Its cost is bounded (the plan):
round 1 reads one shard per segment, round 2 up to MAX_SHARDS in all; keys that sit in their own
x/ file (the commonest ones) are read last, smallest first, while the bytes used stay within
BUDGET (in round 1 only small ones: round 2 may find a rarer key); pinyin letter files at most
MAX_PINYIN. After each round: if every key is read the answer is exact; if few docs remain
possible (up to VERIFY_MAX, while the t/ files holding them fit in TOTAL), those files are read
and each candidate is checked directly (still exact); after round 2 with more candidates left the
answer is "partial" (a superset, said so on the page). Han text is read as the grams
text.frequent_cover picks: the whole string when the index has it, else non-frequent grams that
cover it, so a common phrase (学会科技) never needs two of the largest postings.
Scores (lower first, summed over segments, then doc order):
  text (≥ 2 Han)    the first position of the string in the doc's folded text (name first, bio last)
  char (1 Han)      its position in the name; else 1000 + the number (text.FIELDS) of the first field
                    holding it (mark "other")
  latin             0 the joined pinyin, the surname's or the initials are the letters (exact);
                    2 the joined pinyin / 3 the initials start with them (mark "prefix");
                    10 + positions: every word is a latin word of the text
"""

from __future__ import annotations

import gzip
import json
import math
from pathlib import Path

from generator.search.oracle import Oracle, oracle  # noqa: F401  (the oracle lives next door)
from generator.search.segments import (  # noqa: F401  (parse_query is used from here)
    parse_query,
    pinyin_score,
    segment_keys,
    segment_scores,
    verify,
)
from generator.search.text import (
    CARD_FIELDS,
    GZ,
    PAGE_SIZE,
    decode_docs,
    decode_postings,
    item_starts,
    normalize,
    shard_of,
)

MAX_SHARDS = 8
ROUND1_BIG = 65_536  # round 1 reads an own file only up to this size (round 2 may find a smaller key)
BUDGET = 260_000  # bytes of shards and own files one query may use before it checks candidates instead
TOTAL = 285_000  # with the t/ files of the candidates it checks
MAX_PINYIN = 2
VERIFY_MAX = 200  # candidates checked when their t/ files (manifest textMean each) fit in TOTAL


class IndexReader:
    """Reads the written files like the browser does; `fetched` logs (file, bytes) of every first read."""

    def __init__(self, out_dir: Path):
        self.dir = Path(out_dir)
        self._cache: dict[str, object] = {}
        self.fetched: list[tuple[str, int]] = []
        self.sizes: dict[str, int] = {}
        self.manifest = self.get("manifest.json")
        self.frequent = frozenset(self.manifest.get("frequent", ()))
        self._facet_sets = None

    def get(self, rel: str):
        """The parsed JSON of one index file (None when it does not exist); (rel, stored bytes) is
        logged the first time. Files other than manifest.json are gzip-compressed (text.GZ)."""
        if rel not in self._cache:
            path = self.dir / rel
            if not path.is_file():
                self._cache[rel] = None
            else:
                data = path.read_bytes()
                self.fetched.append((rel, len(data)))
                self.sizes[rel] = len(data)
                self._cache[rel] = json.loads(gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data)
        return self._cache[rel]

    def shard_name(self, key: str) -> str:
        return f"i/{shard_of(key, self.manifest['shards'])}{GZ}"

    # --- the plan: which files a query reads
    def _load(self, segments, loaded: dict, budget: int, counts: dict, big_limit: int) -> None:
        """Read shards for keys in round-robin order of the segments until `budget` shards are read;
        then own files of large keys (segments with nothing read yet first); record key → postings."""
        keys = [segment_keys(s, self.frequent) for s in segments]
        order = list(dict.fromkeys(ks[i] for i in range(max(map(len, keys), default=0)) for ks in keys if i < len(ks)))
        shards = counts.setdefault("shards", [])
        for k in order:
            name = self.shard_name(k)
            if name not in shards:
                size = self.manifest["shardBytes"][int(name[2 : -len(GZ)])]
                if len(shards) >= budget or shards and self._used(counts) + size > BUDGET:
                    continue
                shards.append(name)
            shard = self.get(name) or {}
            value = shard.get(k)
            if value is None:
                loaded[k] = {}
            elif not value.startswith("@"):
                loaded[k] = decode_postings(value)
        have = [any(k in loaded for k in ks) for ks in keys]
        big = []
        for k in order:
            if k not in loaded and self.shard_name(k) in shards:
                n, size = self.get(self.shard_name(k))[k][1:].split(".")
                big.append((next(have[i] for i, ks in enumerate(keys) if k in ks), int(size), k, n))
        big.sort()  # segments with nothing read yet first, then the smallest (the rarest) key
        for _, size, k, n in big:
            if size <= big_limit and self._used(counts) + size <= BUDGET:
                counts["big"] = counts.get("big", 0) + size
                loaded[k] = decode_postings(self.get(f"x/{n}{GZ}")["p"])

    def _used(self, counts) -> int:
        shard_bytes = self.manifest["shardBytes"]
        return sum(shard_bytes[int(n[2 : -len(GZ)])] for n in counts.get("shards", [])) + counts.get("big", 0) + counts.get("pinyin", 0)

    def _checkable(self, docs, counts) -> bool:
        """Whether the t/ files of these candidate docs (textMean bytes each) fit in what is left of TOTAL."""
        files = len({d // self.manifest["textBlock"] for d in docs})
        return len(docs) <= VERIFY_MAX and files * self.manifest["textMean"] <= TOTAL - self._used(counts)

    def pinyin(self, letter: str):
        if letter not in self.manifest["pinyin"]:
            return []
        data = self.get(f"p/{letter}{GZ}")
        return list(zip(decode_docs(data["d"]), data["s"]))

    def _combine(self, segments, loaded, pinyin, scope):
        scores, exact = None, True
        for seg in segments:
            found, seg_exact = segment_scores(seg, loaded, pinyin, self.frequent)
            exact = exact and seg_exact
            if found is None:
                continue
            if scores is None:
                scores = {d: s for d, s in found.items() if d < scope}
            else:
                scores = {d: s + found[d] for d, s in scores.items() if d in found}
        return scores, exact

    def match_info(self, q: str, scope: int | None = None) -> dict | None:
        """{"docs": best first, "marks": {doc: "prefix"|"other"}, "partial": bool}; None for an empty
        query. scope: only docs below it (the directory: manifest["experts"]); default all docs."""
        segments = parse_query(q)
        if segments is None:
            return None
        scope = self.manifest["docs"] if scope is None else scope
        if not segments:
            return {"docs": [], "marks": {}, "partial": False}
        loaded: dict[str, dict] = {}
        pinyin: dict[str, list] = {}
        counts: dict = {}
        for seg in segments:
            letter = seg[1][:1] if seg[0] == "latin" and seg[1][:1].isalpha() else ""
            if letter and letter not in pinyin and len(pinyin) < MAX_PINYIN:
                size = self.manifest["pinyinBytes"].get(letter, 0)
                if not pinyin or self._used(counts) + size <= BUDGET:
                    counts["pinyin"] = counts.get("pinyin", 0) + size
                    pinyin[letter] = self.pinyin(letter)
        partial = False
        for budget, big_limit in ((min(len(segments), MAX_SHARDS), ROUND1_BIG), (MAX_SHARDS, BUDGET)):
            self._load(segments, loaded, budget, counts, big_limit)
            scores, exact = self._combine(segments, loaded, pinyin, scope)
            if exact or scores is not None and self._checkable(scores, counts):
                break
        if not exact:
            if scores is not None and self._checkable(scores, counts):
                scores = self._verify(segments, sorted(scores))
            else:
                partial = True
                scores = scores or {}
        marks = {}
        for d in scores:
            mark = self._mark(segments, d, pinyin, loaded)
            if mark:
                marks[d] = mark
        return {"docs": sorted(scores, key=lambda d: (scores[d], d)), "marks": marks, "partial": partial}

    def _verify(self, segments, docs) -> dict[int, int]:
        out = {}
        block = self.manifest["textBlock"]
        for d in docs:
            t = self.get(f"t/{d // block}{GZ}")[d % block]
            items = [(f, normalize(v)) for f, v in t["i"]]  # (field number, folded text)
            text = "\n".join(v for _, v in items)
            name = items[0][1] if items and items[0][0] == 0 else ""  # FIELDS[0] is the name
            starts = item_starts(items)
            total = 0
            for seg in segments:
                s = verify(seg, text, name, t.get("s", ""), starts)
                if s is None:
                    break
                total += s
            else:
                out[d] = total
        return out

    def text(self, doc: int) -> dict:
        """One doc's searched fields as shown ({"i": [[field, text], …], "s": spaced pinyin}), from its t/ file."""
        block, fields = self.manifest["textBlock"], self.manifest["fields"]
        t = self.get(f"t/{doc // block}{GZ}")[doc % block]
        return {**t, "i": [[fields[f], v] for f, v in t["i"]]}

    def _mark(self, segments, doc, pinyin, loaded) -> str:
        """"prefix" when a latin segment matched a pinyin prefix only, "other" when one character is
        not in the name: the page shows these after the others, marked. Only from what the query
        read (no file is read for a mark): unknown stays unmarked."""
        for seg in segments:
            if seg[0] == "latin" and seg[1][:1].isalpha():
                for d, spaced in pinyin.get(seg[1][0], []):
                    if d == doc and (pinyin_score(seg[1], spaced) or 0) >= 2:
                        return "prefix"
        for seg in segments:
            names = loaded.get("n:" + seg[1]) if seg[0] == "char" else None
            if names is not None and doc not in names:
                return "other"
        return ""

    def match(self, q: str, scope: int | None = None) -> list[int] | None:
        info = self.match_info(q, scope)
        return None if info is None else info["docs"]

    # --- facets
    def facet_sets(self) -> dict[str, dict[str, set[int]]]:
        if self._facet_sets is None:
            data = self.get(f"facets{GZ}")
            self._facet_sets = {g: {v: set(decode_docs(s)) for v, s in vals.items()} for g, vals in data.items()}
        return self._facet_sets

    def search(self, q: str = "", filters: dict[str, list[str]] | None = None, page: int = 1,
               page_size: int = PAGE_SIZE, sort: str = "relevance"):
        """The directory's view (experts only): matching docs after filters, facet counts, the cards
        of one page. sort: "relevance" (query order), "pinyin" (doc order) or "honours" (most first)."""
        info = self.match_info(q, self.manifest["experts"])
        docs = list(range(self.manifest["experts"])) if info is None else info["docs"]
        filters = {g: list(v) for g, v in (filters or {}).items() if v}
        sets = self.facet_sets()

        def allowed(group):
            return set().union(*(sets.get(group, {}).get(v, set()) for v in filters[group]))

        group_sets = {g: allowed(g) for g in filters}
        result = [d for d in docs if all(d in s for s in group_sets.values())]
        if sort == "pinyin":
            result.sort()
        elif sort == "honours":
            honours = {}
            for ds in sets.get("honour", {}).values():
                for d in ds:
                    honours[d] = honours.get(d, 0) + 1
            result.sort(key=lambda d: (-honours.get(d, 0), d))
        counts = {}
        for group, values in sets.items():
            others = [s for g, s in group_sets.items() if g != group]
            base = {d for d in docs if all(d in s for s in others)}
            counts[group] = {v: len(base & ds) for v, ds in values.items()}
        pages = max(1, math.ceil(len(result) / page_size))
        page = min(max(1, page), pages)
        shown = result[(page - 1) * page_size : page * page_size]
        cards = [self.card(d) for d in shown]
        marks = {} if info is None else info["marks"]
        return {"docs": result, "total": len(result), "facets": counts, "page": page, "pages": pages, "cards": cards,
                "marks": [marks.get(d, "") for d in shown], "partial": bool(info and info["partial"])}

    def card(self, doc: int) -> dict:
        """The result row of a doc (text.CARD_FIELDS), from the t/ file holding it."""
        block = self.manifest["textBlock"]
        card = dict(zip(CARD_FIELDS, self.get(f"t/{doc // block}{GZ}")[doc % block]["c"]))
        card["url"] = card["url"] or self.manifest["cardUrl"].replace("{kind}", card["kind"]).replace("{id}", card["id"])
        return card

    def ids(self, docs: list[int]) -> list[str]:
        block = self.manifest["textBlock"]
        return [self.get(f"t/{d // block}{GZ}")[d % block]["c"][0] for d in docs]


def query_index(out_dir: Path, q: str) -> list[str]:
    """Expert ids matching q, best first (an empty query: every expert in directory order)."""
    reader = IndexReader(out_dir)
    docs = reader.match(q, reader.manifest["experts"])
    if docs is None:
        docs = list(range(reader.manifest["experts"]))
    return reader.ids(docs)
