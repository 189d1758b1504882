"""The expert directory's search index: prebuilt static files, queried in the browser without a server.

Why not mkdocs-material's search or Pagefind: see /work/shared/SEARCH-EVIDENCE.md (word segmentation
misses parts of words and given names, and neither knows pinyin initials). This index answers the
query classes people actually type, exactly:

* two or more Han characters (材料, 科学院, 张伟, 建国) — a substring of the searched text;
* one Han character (张) — contained in the name only;
* latin letters (zhangwei, zhang wei, zw) — a prefix of the joined pinyin of the name or of its
  initials, or else every latin word is a whole latin/digit word of the text (ai, 5g, ieee);
* several terms separated by spaces — all of them (AND); a query never becomes an OR of characters.

Files under out_dir (all JSON, UTF-8, sorted keys, no timestamps; same input → same bytes):

    manifest.json      version, number of docs, shard count, hash and encoding, card block size
    facets.json        facet group → value → the docs that have it (for filtering and counts)
    c/<n>.json         cards of docs n*B … n*B+B-1: [id, url, name, title, affiliation, honours]
    p/<letter>.json    docs whose pinyin starts with <letter>: their syllables ("zhang wei")
    i/<k>.json         key → postings, for keys with crc32(utf-8 key) % shards == k
    x/<n>.json         a key whose postings are too large to share a shard ("@n" in its shard)

Docs are numbered 0…N-1 in pinyin order (the directory's default order). Keys are Han bigrams
("材料"), "n:" + a Han character of the name ("n:张") and "w:" + a latin/digit word ("w:5g").
Postings are "<doc gaps>.<positions>": one number each per occurrence, in doc then text order (a
gap of 0 repeats the doc), in a base-64 varint code (5 bits a character; a set 6th bit means "more
follows"; alphabet 0-9A-Za-z-_). Positions are code point offsets in the doc's normalised text
(NFKC, lower case; fields joined by "\\n" in FIELDS order, the name first), so a bigram exists only
inside one field, and a query of k ≥ 3 characters is checked exactly: the bigrams at offsets 0, 2,
4, … (and k-2) cover every character and must sit at p, p+2, p+4, … of one doc. Ranking: the sum
over the query's segments of the first matching position (pinyin: 0 exact, 1 prefix, 2 initials),
then directory order; fields in FIELDS order, so a match in the name ranks first, one in the bio last.

Cost (bench/search_quality.py, 10,000 experts): with bios padded to 300 characters with random
words (more distinct bigrams than real bios) 2.1-2.6 s to build on two cores, 2.7-3.4 s on one,
15 MB in 1,100 files; with the generator's own 210-character bios about 1 s and 7.6 MB. A query
reads its keys' shards (median about 56 kB) and the cards of the page it shows (about 7 kB).

site_src/assets/javascripts/directory.js implements the same query algorithm as `IndexReader`
in search_query.py; tests/test_search_index.py checks that the two agree.
"""

from __future__ import annotations

import gc
import json
import math
import os
import re
import shutil
import time
import zlib
from collections import defaultdict, deque
from itertools import chain, repeat
from operator import add, sub
from pathlib import Path

from generator.common.forking import can_fork
from generator.search.text import (
    ALPHABET,
    CARD_URL,
    DEFAULT_CARD_BLOCK,
    DEFAULT_SHARD_BYTES,
    FACETS,
    FIELDS,
    PAGE_SIZE,
    VERSION,
    _HAN_CHAR,
    _HAN_PAIR,
    _TABLE,
    _WORD,
    _items,
    doc_text,
    enc,
    encode_docs,
    normalize,
    pinyin_syllables,
    shard_of,
)

def _invert(experts: list[dict], first: int) -> dict[str, tuple[str, str, int, int]]:
    """Postings of `experts` numbered first, first+1, …: key → (doc gaps, positions, first doc, last doc).

    The first gap is counted from 0, so two halves are joined by re-coding one number (_join)."""
    # key → [doc, position, doc, position, …], one pair per occurrence in doc then text order.
    # The per-occurrence work runs in C (map over list.extend, shared int objects, no cyclic GC).
    post: dict[str, list[int]] = defaultdict(list)
    extend = list.extend
    list_of = post.__getitem__
    positions = list(range(1 << 16))
    largest = first + len(experts)
    for doc, e in enumerate(experts, first):
        text = doc_text(e)
        if len(text) > len(positions):
            positions = list(range(len(text)))
        largest = max(largest, len(text))
        # every pair of adjacent characters; pairs that are not two Han characters are dropped below
        deque(map(extend, map(list_of, map(add, text, text[1:])), zip(repeat(doc), positions)), maxlen=0)
        keys: list[str] = []
        starts: list[int] = []
        for i, ch in enumerate(normalize(e["name"])):
            if _HAN_CHAR.match(ch):
                keys.append("n:" + ch)
                starts.append(i)
        for m in _WORD.finditer(text):
            keys.append("w:" + m.group())
            starts.append(m.start())
        deque(map(extend, map(list_of, keys), zip(repeat(doc), starts)), maxlen=0)

    code = _TABLE.__getitem__ if largest < len(_TABLE) else enc
    out = {}
    for k, pairs in post.items():
        if len(k) == 2 and not _HAN_PAIR(k):
            continue
        if len(pairs) == 2:  # most keys of real text occur once
            out[k] = (code(pairs[0]) + "." + code(pairs[1]), pairs[0], pairs[0])
        else:
            docs = pairs[0::2]
            gaps = "".join(map(code, map(sub, docs, chain((0,), docs))))
            out[k] = (gaps + "." + "".join(map(code, pairs[1::2])), docs[0], docs[-1])
    return out


def _join(a: dict, b: dict) -> dict:
    """The postings of two consecutive runs of docs (b's docs after a's)."""
    for k, entry in b.items():
        mine = a.get(k)
        if mine is None:
            a[k] = entry
        else:
            p, first, last = entry
            q = mine[0]
            i, j = q.index("."), p.index(".")
            # b's first gap was counted from 0: count it from a's last doc instead
            a[k] = (q[:i] + enc(first - mine[2]) + p[len(enc(first)) : j] + q[i:] + p[j + 1 :], mine[1], last)
    return a


def _invert_child(experts, first, conn):  # pragma: no cover - runs in the forked process
    try:
        conn.send(_invert(experts, first))
    finally:
        conn.close()


class _Inversion:
    """key → (postings string, first doc, last doc) of all experts, by one or two processes.

    With 2 jobs the second half of the docs is inverted in a forked process while this one does
    the first half (and whatever the caller does before result()): only on Linux, only when this
    process runs no other thread (mkdocs build, not mkdocs serve) and, by default, only from 2,000
    experts on. Otherwise, or if the child fails, everything runs here. The strings are the same."""

    def __init__(self, experts: list[dict], jobs: int | None):
        self.experts, self.child, self.half = experts, None, len(experts) // 2
        if jobs is None:
            jobs = 2 if len(experts) >= 2000 and (os.cpu_count() or 1) >= 2 else 1
        if jobs > 1 and self.half and can_fork():  # the one rule for when forking is safe
            import multiprocessing

            ctx = multiprocessing.get_context("fork")
            self.receive, send = ctx.Pipe(duplex=False)
            child = ctx.Process(target=_invert_child, args=(experts[self.half :], self.half, send), daemon=True)
            try:
                child.start()
                self.child = child
            except (AssertionError, OSError, ValueError):  # e.g. inside a daemonic process: do it all here
                self.receive.close()
            send.close()

    def result(self) -> dict[str, tuple[str, int, int]]:
        if self.child is None:
            return _invert(self.experts, 0)
        mine = _invert(self.experts[: self.half], 0)
        try:
            theirs = self.receive.recv()
        except (EOFError, OSError):
            theirs = None
        self.child.join()
        self.receive.close()
        if theirs is None or self.child.exitcode != 0:
            theirs = _invert(self.experts[self.half :], self.half)
        return _join(mine, theirs)


# ---------------------------------------------------------------- build


def _dump(obj) -> bytes:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def _check(experts: list[dict]) -> None:
    seen = set()
    for e in experts:
        if e["id"] in seen:
            raise ValueError(f"search index: duplicate expert id {e['id']!r}")
        seen.add(e["id"])
        url = e["url"]
        if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:|^[/\\]", url):
            raise ValueError(f"search index: expert {e['id']!r} url must be site-relative, got {url!r}")


def build_search_index(
    experts: list[dict],
    out_dir: Path,
    *,
    shard_bytes: int = DEFAULT_SHARD_BYTES,
    card_block: int = DEFAULT_CARD_BLOCK,
    jobs: int | None = None,
) -> dict:
    """Write the index of `experts` under `out_dir`; return stats (files, bytes, docs, shards, keys, seconds).

    jobs: 1 = one process; 2 = invert half of the docs in a forked process (see _Inversion);
    None = 2 from 2,000 experts on. The files are the same either way."""
    gc_was_enabled = gc.isenabled()
    gc.disable()  # millions of small objects and no cycles: the cyclic collector would only rescan them
    try:
        return _build(experts, Path(out_dir), shard_bytes, card_block, jobs)
    finally:
        if gc_was_enabled:
            gc.enable()


def _build(experts: list[dict], out_dir: Path, shard_bytes: int, card_block: int, jobs: int | None) -> dict:
    t0 = time.perf_counter()
    _check(experts)

    prepared = []
    for e in experts:
        syl = pinyin_syllables(e["name"], e.get("pinyin") or "")
        prepared.append((" ".join(syl), "".join(syl), e))
    prepared.sort(key=lambda t: (t[1], t[0], t[2]["name"], t[2]["id"]))

    inversion = _Inversion([e for _, _, e in prepared], jobs)  # may start on the second core now

    facets: dict[str, dict[str, list[int]]] = {g: defaultdict(list) for g in FACETS}
    pinyin_shards: dict[str, list[tuple[int, str]]] = defaultdict(list)
    cards = []
    for doc, (spaced, joined, e) in enumerate(prepared):
        for group, key in FACETS.items():
            if group == "honour" and "honour_codes" in e:
                key = "honour_codes"
            for value in _items(e, key):
                lst = facets[group][value]
                if not lst or lst[-1] != doc:
                    lst.append(doc)
        if joined and joined[0].isascii() and joined[0].isalpha():
            pinyin_shards[joined[0]].append((doc, spaced))
        honours = "、".join(_items(e, "honours"))
        url = "" if e["url"] == CARD_URL.format(id=e["id"]) else e["url"]
        cards.append([e["id"], url, e["name"], e["title"], e["affiliation"], honours])
    n_docs = len(prepared)
    postings = inversion.result()

    # shards: every key in the shard crc32(key) % S; a key too large to share one gets its own file
    big_limit = max(16, shard_bytes // 4)
    small_total = sum(3 * len(k) + len(p) + 6 for k, (p, _, _) in postings.items() if len(p) <= big_limit)
    shards = max(1, math.ceil(small_total / shard_bytes))
    shard_maps: list[dict[str, str]] = [dict() for _ in range(shards)]
    big: list[tuple[str, str]] = []
    for k, (p, _, _) in postings.items():
        if len(p) > big_limit:
            big.append((k, p))
        else:
            shard_maps[shard_of(k, shards)][k] = p
    big.sort()
    extra_files = {}
    for n, (k, p) in enumerate(big):
        shard_maps[shard_of(k, shards)][k] = f"@{n}"
        extra_files[f"x/{n}.json"] = {"k": k, "p": p}

    files: dict[str, object] = {}
    files["manifest.json"] = {
        "version": VERSION,
        "docs": n_docs,
        "shards": shards,
        "hash": "crc32(utf-8 key) % shards",
        "code": ALPHABET,
        "cardBlock": card_block,
        "cardUrl": CARD_URL,
        "pageSize": PAGE_SIZE,
        "fields": list(FIELDS),
        "pinyin": sorted(pinyin_shards),
        "facets": list(FACETS),
    }
    files["facets.json"] = {
        group: {value: encode_docs(docs) for value, docs in values.items()} for group, values in facets.items()
    }
    for b in range(0, n_docs, card_block):
        files[f"c/{b // card_block}.json"] = cards[b : b + card_block]
    for letter, items in pinyin_shards.items():
        files[f"p/{letter}.json"] = {"d": encode_docs(d for d, _ in items), "s": [s for _, s in items]}
    for k, m in enumerate(shard_maps):
        files[f"i/{k}.json"] = m
    files.update(extra_files)

    out_dir.mkdir(parents=True, exist_ok=True)
    for folder in ("c", "p", "i", "x"):
        (out_dir / folder).mkdir(exist_ok=True)
        for stale in (out_dir / folder).iterdir():  # left by an earlier, larger build
            if f"{folder}/{stale.name}" not in files:
                shutil.rmtree(stale) if stale.is_dir() else stale.unlink()
    total, crc = 0, 0
    for rel in sorted(files):
        if rel != "manifest.json":
            data = _dump(files[rel])
            (out_dir / rel).write_bytes(data)
            total += len(data)
            crc = zlib.crc32(data, zlib.crc32(rel.encode(), crc))
    # the browser asks for the other files with ?v=<build>: a page open across a deploy never mixes
    # old shards with a new manifest, and caches may keep the files as long as they like
    files["manifest.json"]["build"] = f"{crc:08x}"
    data = _dump(files["manifest.json"])
    (out_dir / "manifest.json").write_bytes(data)
    total += len(data)
    return {
        "files": len(files),
        "bytes": total,
        "docs": n_docs,
        "shards": shards,
        "big_keys": len(big),
        "keys": len(postings),
        "seconds": round(time.perf_counter() - t0, 3),
    }


