"""Query segments: parsing, the keys each needs, and scoring one segment from postings or from text.

Shared by the reader (query.py) and mirrored in search-engine.js. Scores are described in query.py.
"""

from __future__ import annotations

from generator.search.text import _HAN_CHAR, _SEGMENT, _WORD, field_at, frequent_cover, normalize

OTHER = 1000  # a single character outside the name: OTHER + the number of the first field holding it
WORDS = 10  # latin words of the text rank after every pinyin match


def parse_query(q: str) -> list[tuple] | None:
    """Query → segments that must all match, or None for "everything" (an empty query).

    ("char", ch)           one Han character: anywhere, names first
    ("text", chars)        two or more Han characters: a substring of one field
    ("latin", key, words)  latin letters/digits: pinyin (exact or prefix), or every word a text word
    An empty list means the query has nothing searchable (punctuation only): no result.
    """
    qn = normalize(q)
    if not qn.strip():
        return None
    if not _HAN_CHAR.search(qn):
        words_ = _WORD.findall(qn)
        return [("latin", "".join(words_), tuple(words_))] if words_ else []
    # with Han in the query, spaces and punctuation only separate segments: 材料 浙江大学, 张 zw
    segments: list[tuple] = []
    for seg in _SEGMENT.findall(qn):
        if _HAN_CHAR.match(seg):
            s = ("char", seg) if len(seg) == 1 else ("text", seg)
        else:
            s = ("latin", seg, (seg,))
        if s not in segments:
            segments.append(s)
    return segments


def segment_keys(seg: tuple, frequent=()) -> list[str]:
    """The index keys a segment is read from, the most selective first (frequent: the manifest's list)."""
    if seg[0] == "char":
        return ["c:" + seg[1], "n:" + seg[1]]
    if seg[0] == "text":
        return list(dict.fromkeys(g for _, g in frequent_cover(seg[1], frequent)))
    return ["w:" + w for w in seg[2]]


def pinyin_score(key: str, spaced: str) -> int | None:
    """Score of an expert's spaced syllables for latin letters (see the module docstring), or None.
    Several spellings ("zeng guo hua|ceng guo hua"): the best of them."""
    if "|" in spaced:
        scores = [s for s in (pinyin_score(key, part) for part in spaced.split("|")) if s is not None]
        return min(scores) if scores else None
    syl = spaced.split(" ")
    joined, initials = "".join(syl), "".join(s[0] for s in syl if s)
    if key in (joined, initials, syl[0]):
        return 0
    if joined.startswith(key):
        return 2
    if initials.startswith(key):
        return 3
    return None


def verify(seg: tuple, text: str, name: str, spaced: str, starts: list[tuple[int, int]]) -> int | None:
    """The score of one segment on one doc's folded text (None: no match): what the keys would give.
    starts: text.item_starts of the doc's items (a single character outside the name scores by field)."""
    if seg[0] == "char":
        at = name.find(seg[1])
        if at >= 0:
            return at
        at = text.find(seg[1])
        return None if at < 0 else OTHER + field_at(starts, at)
    if seg[0] == "text":
        at = text.find(seg[1])
        return None if at < 0 else at
    key, words = seg[1], seg[2]
    if spaced and key[:1].isalpha():
        score = pinyin_score(key, spaced)
        if score is not None:
            return score
    firsts: dict[str, int] = {}
    for m in _WORD.finditer(text):
        firsts.setdefault(m.group(), m.start())
    if all(w in firsts for w in words):
        return WORDS + sum(firsts[w] for w in words)
    return None


def segment_scores(seg, loaded: dict, pinyin: dict, frequent=()) -> tuple[dict[int, int] | None, bool]:
    """(doc → score, exact) from what is loaded; None when nothing bounds the segment yet."""
    keys = segment_keys(seg, frequent)
    have = [k for k in keys if k in loaded]
    if seg[0] == "char":
        if keys[0] not in loaded:
            return None, False
        names = loaded.get(keys[1])
        out = {}
        for d, ps in loaded[keys[0]].items():
            out[d] = names[d][0] if names is not None and d in names else OTHER + ps[0]  # ps[0]: a field number
        return out, names is not None
    if seg[0] == "text":
        if not have:
            return None, False
        cover = frequent_cover(seg[1], frequent)
        lists = sorted(((o, loaded[k]) for o, k in cover if k in loaded), key=lambda t: len(t[1]))
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
        return out, len(have) == len(keys)
    key = seg[1]
    letter = key[:1] if key[:1].isalpha() else ""
    if len(have) < len(keys) or (letter and letter not in pinyin):
        return None, False
    out: dict[int, int] = {}
    for doc, spaced in pinyin.get(letter, []):
        score = pinyin_score(key, spaced)
        if score is not None:
            out[doc] = score
    token_docs = None
    for k in keys:
        scores = {d: ps[0] for d, ps in loaded[k].items()}
        token_docs = scores if token_docs is None else {d: s + scores[d] for d, s in token_docs.items() if d in scores}
    for doc, s in (token_docs or {}).items():
        out.setdefault(doc, WORDS + s)
    return out, True
