"""Shared by the index builder and its reader: normalising text, pinyin syllables, the number
code of postings, and which shard a key lives in. See search_index.py for the file format."""

from __future__ import annotations

import re
import zlib
from functools import lru_cache

from generator.search.fold import fold

VERSION = 3
# every index file but manifest.json is stored gzip-compressed under this suffix (GitHub Pages counts
# stored bytes and serves them as they are; the reader decompresses: query.py, search-engine.js)
GZ = ".json.gz"

# searched text fields, in this order (ranking prefers matches early in the doc: name first, bio last):
# everything an expert's page shows (generator/site/search_docs.py), then the fields of other records
FIELDS = ("name", "pinyin", "honours", "title", "affiliation", "district", "disciplines", "industries", "societies",
          "email", "homepage", "workstations", "projects", "proposals", "bio", "details", "text")
# how the page and the hint name a field (directory.html lists the searched ones in the same words)
FIELD_LABELS = {"name": "姓名", "pinyin": "拼音", "honours": "荣誉称号", "title": "职称", "affiliation": "工作单位",
                "district": "所在区、县（市）", "disciplines": "学科", "industries": "服务行业", "societies": "所属学会",
                "email": "公开邮箱", "homepage": "个人主页", "workstations": "工作站", "projects": "参与项目",
                "proposals": "建议", "bio": "简介", "details": "信息", "text": "正文"}
# record kinds of the shared index, in the order the header box groups them (experts first: the directory's docs)
KINDS = {"experts": "专家", "societies": "学会", "workstations": "工作站", "projects": "项目", "needs": "企业需求",
         "proposals": "建议", "pages": "页面"}
# facet group → expert key holding its values
FACETS = {
    "discipline": "discipline_codes",
    "industry": "industries",
    "society": "society_ids",
    "district": "district",
    "honour": "honours",  # "honour_codes" instead when an expert dict has that key (the template's values)
}
CARD_FIELDS = ("id", "url", "name", "title", "affiliation", "honours", "disciplines", "kind")
CARD_URL = "{kind}/{id}/"  # a card's url is "" when it is this (most are)

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_"
_DEC = {c: i for i, c in enumerate(ALPHABET)}

# Han characters (the same ranges in directory.js)
HAN = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_HAN_CHAR = re.compile(f"[{HAN}]")
_HAN_PAIR = re.compile(f"[{HAN}]{{2}}").fullmatch
_WORD = re.compile(r"[a-z0-9]+")
_SEGMENT = re.compile(f"[{HAN}]+|[a-z0-9]+")

DEFAULT_SHARD_BYTES = 16 * 1024  # a query reads a few: the median query's bytes
DEFAULT_TEXT_BLOCK = 32  # docs per t/ file (the texts a query checks and a hit's explanation come from;
# compressed, 32 docs cost about what 4 uncompressed did, and the site stores a third of 4's bytes)
# a Han gram with more occurrences than max(DEFAULT_FREQUENT, FREQUENT_PER_DOC × docs) is "frequent"
# (about 3 characters of postings per occurrence, which gzip stores in about 1.2 bytes: 40,000 is
# about 50 kB downloaded): it is stored with each doc's first position only, and every gram one
# character longer that contains it is indexed too (see frequent_cover). The threshold grows with
# the docs: each frequent occurrence is stored about three times (first position, the longer grams on
# either side), so a fixed threshold made ever more grams frequent and the index grow faster than the
# docs (measured at 10,000 experts: a threshold a tenth as high, as 100,000 experts see 40,000, made
# the index 1.55 times larger)
DEFAULT_FREQUENT = 40_000
FREQUENT_PER_DOC = 3.4  # 80,000 at 10,000 experts (23,551 docs): no gram is frequent there, compressed lists fit
PAGE_SIZE = 20


# ---------------------------------------------------------------- text


def normalize(text: str) -> str:
    """The searched form of text: NFKC, lower case, tone marks and ü folded, traditional → simplified
    (generator/search/fold.py; search-engine.js folds the same way)."""
    return fold(text)


def _items(expert: dict, field: str) -> list[str]:
    value = expert.get(field) or ""
    values = [value] if isinstance(value, str) else list(value)
    return [v for v in values if v]


def doc_text(expert: dict) -> str:
    """The normalised searched text of one expert: every field item on its own line."""
    return "\n".join(normalize(item) for field in FIELDS for item in _items(expert, field))


def item_starts(items) -> list[tuple[int, int]]:
    """(offset of the item in the doc's folded text, its field number in FIELDS) for each item of a
    doc, given as (field number, folded item text) in text order (items are joined by one "\n")."""
    out, at = [], 0
    for field, item in items:
        out.append((at, field))
        at += len(item) + 1
    return out


def field_at(starts: list[tuple[int, int]], at: int) -> int:
    """The field number of the item holding code point `at` of the doc's text (item_starts)."""
    found = 0
    for start, field in starts:
        if start > at:
            break
        found = field
    return found


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
    if not hans:  # a Latin-script name (Maria Lopez): its words are its syllables
        return words
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


def spellings(expert: dict) -> str:
    """The expert's spaced pinyin syllables, then those of its other spellings (expert["pinyin_also"]:
    the other readings of a polyphonic surname, 曾 Zeng → ceng), joined by "|": "zeng guo hua|ceng guo
    hua". The first is the record's own spelling (directory order); "" when there is none."""
    out = [" ".join(pinyin_syllables(expert["name"], p)) for p in [expert.get("pinyin") or "", *expert.get("pinyin_also", ())]]
    return "|".join(s for s in dict.fromkeys(out) if s)


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



def indexed(gram: str, frequent) -> bool:
    """Whether the index has a key for this Han gram (≥ 2 characters): every pair, and every gram
    whose prefix or suffix one character shorter is frequent (the manifest's "frequent" list)."""
    return len(gram) == 2 or gram[:-1] in frequent or gram[1:] in frequent


def frequent_cover(s: str, frequent) -> list[tuple[int, str]]:
    """The grams a Han string s (≥ 2 characters) is read from, as (offset, gram), longest first.

    s itself when the index has it (its postings are the answer: exact, first positions only when s
    is frequent); else the fewest grams that are indexed and not frequent (so they carry every
    position) and together cover every character of s: greedy, from the left, each the one reaching
    furthest (ties: the longest). Such a cover always exists (a gram that is not indexed has a prefix
    and a suffix that are not frequent; by induction each is covered by non-frequent grams). Checking
    that the grams sit at p + offset in one doc is then the same as finding s at p. The same in
    search-engine.js (frequentCover). Order: the one a query reads its keys in (see the end)."""
    if indexed(s, frequent):
        return [(0, s)]
    longest = max(map(len, frequent), default=1) + 1
    cover: list[tuple[int, str]] = []
    covered = 0
    while covered < len(s):
        best = None
        for start in range(max(0, covered - longest + 1), covered + 1):
            for end in range(min(len(s), start + longest), max(covered, start + 1), -1):
                g = s[start:end]
                if len(g) >= 2 and indexed(g, frequent) and g not in frequent:
                    if best is None or end > best[1]:
                        best = (start, end)
                    break
        if best is None:  # cannot happen with an index built by index.py; cover what is left pairwise
            cover.extend((o, s[o : o + 2]) for o in range(max(0, covered - 1), len(s) - 1))
            break
        cover.append((best[0], s[best[0] : best[1]]))
        covered = best[1]
    # read first: grams holding no frequent gram (the distinctive words of a pasted sentence, not its
    # boilerplate), then the longest, then from the left
    cover.sort(key=lambda t: (any(f in t[1] for f in frequent), -len(t[1]), t[0]))
    return cover


def shard_of(key: str, shards: int) -> int:
    """The shard of a key: crc32 of its UTF-8 bytes modulo the shard count; a name character
    ("n:张") goes with the same character's key ("c:张"), so one character reads one shard."""
    if key.startswith("n:"):
        key = "c:" + key[2:]
    return zlib.crc32(key.encode("utf-8")) % shards
