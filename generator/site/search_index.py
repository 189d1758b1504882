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
below; tests/test_search_index.py checks that the two agree.
"""

from __future__ import annotations

import gc
import json
import math
import os
import re
import shutil
import sys
import threading
import time
import unicodedata
import zlib
from collections import defaultdict, deque
from functools import lru_cache
from itertools import chain, repeat
from operator import add, sub
from pathlib import Path

VERSION = 1

# searched text fields, in this order (ranking prefers matches early in the doc: name first, bio last)
FIELDS = ("name", "honours", "title", "affiliation", "district", "disciplines", "industries", "societies", "bio")
# facet group → expert key holding its values
FACETS = {
    "discipline": "discipline_codes",
    "industry": "industries",
    "society": "society_ids",
    "district": "district",
    "honour": "honours",  # "honour_codes" instead when an expert dict has that key (the template's values)
}
CARD_FIELDS = ("id", "url", "name", "title", "affiliation", "honours")
CARD_URL = "experts/{id}/"  # a card's url is "" when it is this (most are)

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_"
_DEC = {c: i for i, c in enumerate(ALPHABET)}

# Han characters (the same ranges in directory.js)
HAN = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_HAN_CHAR = re.compile(f"[{HAN}]")
_HAN_PAIR = re.compile(f"[{HAN}]{{2}}").fullmatch
_WORD = re.compile(r"[a-z0-9]+")
_SEGMENT = re.compile(f"[{HAN}]+|[a-z0-9]+")

DEFAULT_SHARD_BYTES = 32 * 1024
DEFAULT_CARD_BLOCK = 16
PAGE_SIZE = 20


# ---------------------------------------------------------------- text


# the full-width characters of everyday Chinese text, replaced first so that most texts then pass
# the (fast) is_normalized check; the result is the same as NFKC of the whole text
_COMMON_WIDE = [(chr(c), chr(c - 0xFEE0)) for c in map(ord, "，；：（）！？％")] + [("\u3000", " ")]


def normalize(text: str) -> str:
    """NFKC (full-width → half-width, compatibility ideographs → unified), then lower case."""
    if not text.isascii():
        for wide, narrow in _COMMON_WIDE:
            if wide in text:
                text = text.replace(wide, narrow)
        if not unicodedata.is_normalized("NFKC", text):
            text = unicodedata.normalize("NFKC", text)
    return text.lower()


def _items(expert: dict, field: str) -> list[str]:
    value = expert.get(field) or ""
    values = [value] if isinstance(value, str) else list(value)
    return [v for v in values if v]


def doc_text(expert: dict) -> str:
    """The normalised searched text of one expert: every field item on its own line."""
    return "\n".join(normalize(item) for field in FIELDS for item in _items(expert, field))


@lru_cache(maxsize=1)
def _syllables_table() -> frozenset[str]:
    from pypinyin.contrib.tone_convert import to_normal
    from pypinyin.pinyin_dict import pinyin_dict

    table = set()
    for readings in pinyin_dict.values():
        for reading in readings.split(","):
            table.add(to_normal(reading).replace("ü", "v"))
    return frozenset(s for s in table if s.isascii() and s.isalpha())


def _splits(word: str) -> dict[int, list[str]]:
    """Every way to cut a pinyin word into valid syllables, one cut per syllable count (count → syllables)."""
    table = _syllables_table()
    n = len(word)
    reach: list[dict[int, int]] = [dict() for _ in range(n + 1)]  # reach[j][count] = start of the last syllable
    reach[0][0] = -1
    for i in range(n):
        for count in sorted(reach[i]):
            for j in range(i + 1, min(n, i + 6) + 1):
                if word[i:j] in table and count + 1 not in reach[j]:
                    reach[j][count + 1] = i
    out = {}
    for count in sorted(reach[n]):
        parts, j, c = [], n, count
        while j > 0:
            i = reach[j][c]
            parts.append(word[i:j])
            j, c = i, c - 1
        out[count] = parts[::-1]
    return out


@lru_cache(maxsize=None)
def _readings(ch: str) -> tuple[str, ...]:
    """Every reading of a Han character without tones (单 → shan, dan, chan), longest first."""
    from pypinyin.contrib.tone_convert import to_normal
    from pypinyin.pinyin_dict import pinyin_dict

    readings = pinyin_dict.get(ord(ch), "")
    found = {to_normal(r).replace("ü", "v") for r in readings.split(",") if r}
    return tuple(sorted(found, key=lambda r: (-len(r), r)))


def _by_readings(hans: list[str], joined: str) -> list[str] | None:
    """Cut the joined spelling into one reading per character (a polyphonic surname is fine: 单 Shan)."""
    if not hans:
        return None

    def walk(i: int, at: int) -> list[str] | None:
        if i == len(hans):
            return [] if at == len(joined) else None
        for reading in _readings(hans[i]):
            if joined.startswith(reading, at):
                rest = walk(i + 1, at + len(reading))
                if rest is not None:
                    return [reading, *rest]
        return None

    return walk(0, 0)


def pinyin_syllables(name: str, pinyin: str) -> list[str]:
    """("张晓明", "Zhang Xiaoming") → ["zhang", "xiao", "ming"]: lower case, ü → v, a syllable per character."""
    words = [w for w in re.split(r"[^a-z]+", normalize(pinyin).replace("ü", "v")) if w]
    if not words:
        return []
    hans = _HAN_CHAR.findall(normalize(name))
    guess = _by_readings(hans, "".join(words))
    if guess:
        return guess
    # the spelling does not follow the characters' readings: cut each word into syllables, as many
    # in all as the name has characters if that is possible, else as few as possible
    splits = [_splits(w) for w in words]
    options = [found or {1: [w]} for w, found in zip(words, splits)]
    if not all(splits):  # not pinyin (Wade-Giles, a foreign name): keep the words whole where they fail
        return [s for opt in options for s in opt[min(opt)]]
    reachable = {0: []}  # total syllables → counts chosen per word so far
    for opt in options:
        following: dict[int, list[int]] = {}
        for total, chosen in sorted(reachable.items()):
            for count in sorted(opt):
                following.setdefault(total + count, chosen + [count])
        reachable = following
    chosen = reachable.get(len(hans)) or [min(opt) for opt in options]
    return [s for opt, c in zip(options, chosen) for s in opt[c]]


# ---------------------------------------------------------------- number code


def _enc(v: int) -> str:
    if v < 32:
        return ALPHABET[v]
    groups = []
    while v:
        groups.append(v & 31)
        v >>= 5
    groups.reverse()
    return "".join(ALPHABET[g + 32] for g in groups[:-1]) + ALPHABET[groups[-1]]


_TABLE = [_enc(v) for v in range(32768)]


def enc(v: int) -> str:
    return _TABLE[v] if v < 32768 else _enc(v)


def decode_numbers(s: str) -> list[int]:
    out, v = [], 0
    for ch in s:
        c = _DEC[ch]
        if c >= 32:
            v = v * 32 + c - 32
        else:
            out.append(v * 32 + c)
            v = 0
    return out


def encode_docs(docs) -> str:
    """Ascending doc numbers → gaps."""
    out, prev = [], -1
    for d in docs:
        out.append(enc(d - prev - 1))
        prev = d
    return "".join(out)


def decode_docs(s: str) -> list[int]:
    out, prev = [], -1
    for gap in decode_numbers(s):
        prev = prev + gap + 1
        out.append(prev)
    return out


def decode_postings(s: str) -> dict[int, list[int]]:
    """Postings "<doc gaps>.<positions>" (one number each per occurrence, in doc then text order;
    a gap of 0 repeats the previous doc) → {doc: [positions]}."""
    gaps, positions = s.split(".")
    out: dict[int, list[int]] = {}
    doc = 0
    for gap, pos in zip(decode_numbers(gaps), decode_numbers(positions)):
        doc += gap
        if gap or doc not in out:
            out[doc] = [pos]
        else:
            out[doc].append(pos)
    return out


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
        if jobs > 1 and self.half and sys.platform == "linux" and threading.active_count() == 1:
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


def shard_of(key: str, shards: int) -> int:
    return zlib.crc32(key.encode("utf-8")) % shards


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
