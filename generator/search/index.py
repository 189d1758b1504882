"""The site's search index: prebuilt static files, queried in the browser without a server.

One index serves both boxes: the expert directory (docs 0…E-1, the experts, in surname-pinyin
order) and the header box on every page (all docs: experts, then societies, workstations, projects,
needs, proposals and the prose pages). Why not mkdocs-material's search or Pagefind: see
/work/shared/SEARCH-EVIDENCE.md (word segmentation misses parts of words and given names, the
theme's English trimmer drops every Chinese character, and neither knows pinyin initials).
What a query means (exactly; generator/search/oracle.py says it as a plain scan):

* two or more Han characters (材料, 科学院, 张伟, 建国) — a substring of one field of the doc;
* one Han character (张, 医) — anywhere in the doc; docs with it in the name rank first;
* latin letters (zhangwei, zhang wei, zw) — the joined pinyin of an expert's name or its initials
  equal to the letters (exact) or starting with them (prefix, ranked after and marked), or else
  every latin word is a whole latin/digit word of the text (ai, 5g, ieee);
* several terms separated by spaces — all of them (AND); a query never becomes an OR of characters.
Text and query are folded the same way first (generator/search/fold.py: NFKC, lower case, tone
marks and ü, traditional → simplified).

Files under out_dir (all JSON, UTF-8, sorted keys, no timestamps; same input → same bytes). Every
file but manifest.json is stored gzip-compressed (name + text.GZ; mtime 0, no file name), because
GitHub Pages counts stored bytes and serves them as they are: the readers decompress (query.py with
gzip, search-engine.js with the browser's DecompressionStream). One t/ file of 32 docs holds both the
cards and the texts: compressed together they take a sixth of the bytes the uncompressed texts (4 docs
a file) and cards did, and one file downloads about what a 4-doc uncompressed one did.

    manifest.json      version, docs, experts, kinds, shard count, hash and encoding, text block size,
                       the frequent Han grams (phrases.py: the reader plans its reads with them), the
                       stored sizes of shards, pinyin files and t/ files (the plan's budget counts them)
    t2s.json.gz        the traditional → simplified table the browser folds with (fold.t2s_pairs)
    facets.json.gz     facet group → value → the expert docs that have it (for filtering and counts)
    t/<n>.json.gz      docs n*T … n*T+T-1 (T = textBlock): each doc's searched fields as shown and its card,
                       {"i": [[field number in FIELDS, text], …], "s": "zhang wei", "c": [id, url, name,
                       title, affiliation, honours, disciplines, kind]}: the result row, a hit's
                       explanation and context line, and the check of candidates (query.py)
    p/<letter>.json.gz experts whose pinyin starts with <letter>: their syllables ("zhang wei"); other
                       spellings of the name after a "|" ("zeng guo hua|ceng guo hua", in p/z and p/c)
    i/<k>.json.gz      key → postings, for keys with crc32(utf-8 key) % shards == k
    x/<n>.json.gz      a key whose postings are too large to share a shard ("@n.<stored bytes>" in
                       its shard: a query reads the smallest of these first, within its byte budget)

Keys (generator/search/invert.py): Han bigrams ("材料"), longer Han grams next to a frequent one
(generator/search/phrases.py: "学会科", listed frequent grams keep first positions only), "n:" + a Han character of the name,
"c:" + a Han character of the text (the number in FIELDS of the first field holding it, not a position) and "w:" + a latin/digit word ("w:5g").
Postings are "<doc gaps>.<positions>": one number each per occurrence, in doc then text order (a
gap of 0 repeats the doc), in a base-64 varint code (5 bits a character; a set 6th bit means "more
follows"; alphabet 0-9A-Za-z-_). Positions are code point offsets in the doc's folded text
(fields joined by "\\n" in FIELDS order, the name first), so a bigram exists only inside one
field, and a query of k ≥ 3 characters is checked exactly: it is read as one key when the index has
it, else as the fewest non-frequent grams covering every character (text.frequent_cover), which
must sit at p + their offsets in one doc. Ranking: the sum over the
query's segments of the first matching position (see query.py for pinyin and single characters),
then directory order; fields in FIELDS order, so a match in the name ranks first, one in the bio last.
A query reads at most a few shards (the rarest keys first) and checks the few candidates left
against their t/ files instead of reading more (query.py: the bounded plan).

site_src/assets/javascripts/search-engine.js implements the same query algorithm as `IndexReader`
in query.py; tests/test_search_index.py checks that the two agree.
"""

from __future__ import annotations

import gc
import gzip
import json
import math
import re
import shutil
import time
import zlib
from collections import defaultdict
from pathlib import Path

from generator.search.fold import t2s_pairs
from generator.search.invert import _Inversion
from generator.search.phrases import add_frequent_grams
from generator.search.text import (
    ALPHABET,
    CARD_URL,
    DEFAULT_FREQUENT,
    FREQUENT_PER_DOC,
    DEFAULT_SHARD_BYTES,
    DEFAULT_TEXT_BLOCK,
    FACETS,
    FIELD_LABELS,
    FIELDS,
    GZ,
    PAGE_SIZE,
    VERSION,
    KINDS,
    _items,
    encode_docs,
    normalize,
    spellings,
    shard_of,
)

# ---------------------------------------------------------------- build


def _dump(obj) -> bytes:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def _pack(obj) -> bytes:
    """The stored bytes of an index file: its JSON, gzip-compressed (no name, mtime 0: same input → same bytes)."""
    return gzip.compress(obj if isinstance(obj, bytes) else _dump(obj), 9, mtime=0)


def _check(docs: list[dict]) -> None:
    seen = set()
    for e in docs:
        kind = e.get("kind", "experts")
        if kind not in KINDS:
            raise ValueError(f"search index: {e['id']!r} has an unknown kind {kind!r}")
        if (kind, e["id"]) in seen:
            raise ValueError(f"search index: duplicate id {e['id']!r} of kind {kind}")
        seen.add((kind, e["id"]))
        url = e["url"]
        if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:|^[/\\]", url):
            raise ValueError(f"search index: {kind} {e['id']!r} url must be site-relative, got {url!r}")


def build_search_index(
    docs: list[dict],
    out_dir: Path,
    *,
    shard_bytes: int = DEFAULT_SHARD_BYTES,
    jobs: int | None = None,
    text_block: int = DEFAULT_TEXT_BLOCK,
    frequent: int | None = None,
) -> dict:
    """Write the index of `docs` under `out_dir`; return stats (files, bytes, docs, shards, keys, seconds).

    A doc is a dict with "id", "url" (site-relative), "name" and list-or-string fields named in
    text.FIELDS; "kind" is one of text.KINDS (default "experts"). Experts also carry "pinyin" and
    the facet keys of text.FACETS. Raises ValueError on a duplicate (kind, id), an unknown kind or
    a url that is not site-relative.
    jobs: 1 = one process; 2 = invert half of the docs in a forked process (see invert._Inversion);
    None = 2 from 2,000 docs on. The files are the same either way. text_block: docs per t/ file;
    frequent: occurrences above which a Han gram is frequent (phrases.py; tests use small values);
    None = max(DEFAULT_FREQUENT, FREQUENT_PER_DOC × docs): a share of the docs, so the index grows
    with them (text.py says why)."""
    gc_was_enabled = gc.isenabled()
    gc.disable()  # millions of small objects and no cycles: the cyclic collector would only rescan them
    try:
        return _build(docs, Path(out_dir), shard_bytes, jobs, text_block, frequent)
    finally:
        if gc_was_enabled:
            gc.enable()


def _order(docs: list[dict]) -> list[tuple[str, dict]]:
    """(spaced pinyin, doc) in doc-number order: experts by spaced pinyin (surnames group: "chen hao"
    before "cheng jian"), then the other kinds in KINDS order, by name."""
    experts, others = [], []
    for e in docs:
        kind = e.get("kind", "experts")
        if kind == "experts":
            experts.append((spellings(e), e))  # "zeng guo hua|ceng guo hua": the record's spelling first
        else:
            others.append(("", e))
    experts.sort(key=lambda t: (t[0].split("|")[0], t[1]["name"], t[1]["id"]))
    rank = {k: i for i, k in enumerate(KINDS)}
    others.sort(key=lambda t: (rank[t[1]["kind"]], normalize(t[1]["name"]), t[1]["id"]))
    return experts + others


def _build(docs: list[dict], out_dir: Path, shard_bytes: int, jobs: int | None,
           text_block: int, frequent_threshold: int | None) -> dict:
    t0 = time.perf_counter()
    _check(docs)
    prepared = _order(docs)
    inversion = _Inversion([e for _, e in prepared], jobs)  # may start on the second core now

    facets: dict[str, dict[str, list[int]]] = {g: defaultdict(list) for g in FACETS}
    pinyin_shards: dict[str, list[tuple[int, str]]] = defaultdict(list)
    cards, texts, kinds = [], [], []
    for doc, (spaced, e) in enumerate(prepared):
        kind = e.get("kind", "experts")
        if not kinds or kinds[-1][0] != kind:
            kinds.append([kind, doc, 0])
        kinds[-1][2] += 1
        if kind == "experts":
            for group, key in FACETS.items():
                if group == "honour" and "honour_codes" in e:
                    key = "honour_codes"
                for value in _items(e, key):
                    lst = facets[group][value]
                    if not lst or lst[-1] != doc:
                        lst.append(doc)
            for letter in dict.fromkeys(part[0] for part in spaced.split("|") if part):  # under each first letter
                if letter.isascii() and letter.isalpha():
                    pinyin_shards[letter].append((doc, spaced))
        url = "" if e["url"] == CARD_URL.format(kind=kind, id=e["id"]) else e["url"]
        cards.append([e["id"], url, e["name"], e.get("title") or "", e.get("affiliation") or "",
                      "、".join(_items(e, "honours")), "、".join(_items(e, "discipline_labels") or _items(e, "disciplines")), kind])
        text = {"i": [[n, item] for n, f in enumerate(FIELDS) for item in _items(e, f)]}  # field by number
        if spaced:
            text["s"] = spaced
        texts.append(text)
    n_docs = len(prepared)
    n_experts = kinds[0][2] if kinds and kinds[0][0] == "experts" else 0
    postings, folded = inversion.result()
    if frequent_threshold is None:
        frequent_threshold = max(DEFAULT_FREQUENT, math.ceil(FREQUENT_PER_DOC * n_docs))
    frequent = add_frequent_grams(postings, folded, frequent_threshold)
    del folded

    # shards: every key in the shard crc32(key) % S; a key too large to share one gets its own file
    big_limit = max(16, shard_bytes // 4)
    small_total = sum(3 * len(k) + len(p) + 6 for k, (p, *_) in postings.items() if len(p) <= big_limit)
    shards = max(1, math.ceil(small_total / shard_bytes))
    shard_maps: list[dict[str, str]] = [dict() for _ in range(shards)]
    big: list[tuple[str, str]] = []
    for k, (p, *_) in postings.items():
        if len(p) > big_limit:
            big.append((k, p))
        else:
            shard_maps[shard_of(k, shards)][k] = p
    big.sort()
    extra_files = {}
    for n, (k, p) in enumerate(big):
        extra_files[f"x/{n}{GZ}"] = data = _pack({"k": k, "p": p})
        shard_maps[shard_of(k, shards)][k] = f"@{n}.{len(data)}"  # the bytes a reader downloads

    files: dict[str, object] = {}
    files["manifest.json"] = {
        "version": VERSION,
        "docs": n_docs,
        "experts": n_experts,
        "kinds": kinds,
        "shards": shards,
        "hash": "crc32(utf-8 key) % shards",
        "code": ALPHABET,
        "textBlock": text_block,
        "frequent": frequent,
        "cardUrl": CARD_URL,
        "pageSize": PAGE_SIZE,
        "fields": list(FIELDS),
        "fieldLabels": FIELD_LABELS,
        "kindLabels": KINDS,
        "pinyin": sorted(pinyin_shards),
        "facets": list(FACETS),
    }
    files[f"t2s{GZ}"] = {"pairs": t2s_pairs()}
    files[f"facets{GZ}"] = {
        group: {value: encode_docs(docs) for value, docs in values.items()} for group, values in facets.items()
    }
    for text, card in zip(texts, cards):  # a doc's card beside its text: gzip stores their shared words once
        text["c"] = card
    text_bytes, text_files = 0, 0
    for b in range(0, n_docs, text_block):
        files[f"t/{b // text_block}{GZ}"] = data = _pack(texts[b : b + text_block])  # written as they are
        if b < n_experts or not n_experts:
            text_bytes += len(data)
            text_files += 1
    # for the reading plan: the mean size of a t/ file of experts (the largest kind)
    files["manifest.json"]["textMean"] = math.ceil(text_bytes / max(1, text_files))
    for letter, items in pinyin_shards.items():
        files[f"p/{letter}{GZ}"] = {"d": encode_docs(d for d, _ in items), "s": [s for _, s in items]}
    for k, m in enumerate(shard_maps):
        files[f"i/{k}{GZ}"] = m
    files.update(extra_files)

    out_dir.mkdir(parents=True, exist_ok=True)
    for stale in ("t2s.json", "facets.json"):  # uncompressed, by an index of version 2
        (out_dir / stale).unlink(missing_ok=True)
    shutil.rmtree(out_dir / "c", ignore_errors=True)  # cards of an index of version 2 (now in t/)
    for folder in ("t", "p", "i", "x"):
        (out_dir / folder).mkdir(exist_ok=True)
        for stale in (out_dir / folder).iterdir():  # left by an earlier, larger build
            if f"{folder}/{stale.name}" not in files:
                shutil.rmtree(stale) if stale.is_dir() else stale.unlink()
    total, crc = 0, 0
    shard_bytes_list, pinyin_bytes = [0] * shards, {}
    for rel in sorted(files):
        if rel != "manifest.json":
            data = files[rel] if isinstance(files[rel], bytes) else _pack(files[rel])
            (out_dir / rel).write_bytes(data)
            total += len(data)
            crc = zlib.crc32(data, zlib.crc32(rel.encode(), crc))
            if rel.startswith("i/"):
                shard_bytes_list[int(rel[2 : -len(GZ)])] = len(data)
            elif rel.startswith("p/"):
                pinyin_bytes[rel[2 : -len(GZ)]] = len(data)
    # sizes (as stored and downloaded: compressed) the reading plan keeps a query's bytes within its budget with (query.py)
    files["manifest.json"]["shardBytes"] = shard_bytes_list
    files["manifest.json"]["pinyinBytes"] = pinyin_bytes
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


