"""Frequent Han grams of the search index: first positions only, and their one-longer grams indexed.

Why: at 10,000 experts the commonest pairs (杭州 80,000 times, 研究 72,000 …) have positional postings
of 100-240 kB each (about half of it compressed), so a query made only of such pairs could not read
two of them within a query's byte budget and had to answer partially. Instead (the "next-word index"
of phrase search, applied to character grams):

* a gram with more than `threshold` occurrences is frequent: its postings keep each doc's first
  position only (the score of a query that is exactly this gram; about a third of the size);
* every gram one character longer than a frequent gram, on either side, is indexed with all its
  positions (or, frequent itself, the same way again, one level up);
* the manifest lists the frequent grams, so the reader knows without reading anything which grams
  exist and which carry positions (text.frequent_cover picks the grams a query reads).

Each level's work and size is proportional to the occurrences of the frequent grams of the level
below (each occurrence gives at most two longer ones); the levels stop when no gram is frequent.
"""

from __future__ import annotations

from collections import defaultdict, deque
from itertools import chain, repeat
from operator import sub

from generator.search.text import _HAN_CHAR, decode_postings, enc


def _encode(docs: list[int], positions: list[int], first_only: bool) -> str:
    """Postings of occurrences (docs ascending, positions ascending within a doc)."""
    if first_only:
        keep = [i for i, d in enumerate(docs) if not i or docs[i - 1] != d]
        docs, positions = [docs[i] for i in keep], [positions[i] for i in keep]
    gaps = "".join(map(enc, map(sub, docs, chain((0,), docs))))
    return gaps + "." + "".join(map(enc, positions))


def add_frequent_grams(postings: dict, texts: list[str], threshold: int) -> list[str]:
    """Make the frequent Han grams of `postings` first-position-only and add their one-longer grams.

    postings: key → (postings string, first doc, last doc, occurrences) as invert.py makes them
    (updated in place); texts: the folded text of each doc (positions index them). Returns the
    frequent grams, sorted (the manifest's "frequent")."""
    level: dict[str, tuple[list[int], list[int]]] = {}  # frequent gram → (docs, positions), one each per occurrence
    for k, entry in postings.items():
        if len(k) == 2 and ":" not in k and entry[3] > threshold:  # Han pairs only ("c:张" has 3 characters)
            by_doc = decode_postings(entry[0])
            level[k] = ([d for d, ps in by_doc.items() for _ in ps], [p for ps in by_doc.values() for p in ps])
    frequent: list[str] = []
    n = 2
    is_han = _HAN_CHAR.match
    extend = list.extend
    while level:
        # the occurrences of every gram one longer, flat [doc, position, doc, position, …]; the work
        # per occurrence runs in C (map over list.extend), the checks below once per distinct gram
        right: dict[str, list[int]] = defaultdict(list)
        left: dict[str, list[int]] = defaultdict(list)
        of_right, of_left = right.__getitem__, left.__getitem__
        for g in sorted(level):
            docs, positions = level[g]
            frequent.append(g)
            postings[g] = (_encode(docs, positions, True), docs[0], docs[-1], len(docs))
            i = 0
            while i < len(docs):  # one doc at a time
                d, j = docs[i], i
                while j < len(docs) and docs[j] == d:
                    j += 1
                t, ps = texts[d], positions[i:j]
                deque(map(extend, map(of_right, [t[p : p + n + 1] for p in ps]), zip(repeat(d), ps)), maxlen=0)
                qs = [p - 1 for p in ps if p]
                deque(map(extend, map(of_left, [t[q : q + n + 1] for q in qs]), zip(repeat(d), qs)), maxlen=0)
                i = j
        n += 1
        found = {h: pairs for h, pairs in right.items() if len(h) == n and is_han(h[-1])}
        # the gram before a frequent one: unless it is the gram after another frequent one (made above)
        found.update((h, pairs) for h, pairs in left.items() if len(h) == n and is_han(h[0]) and h[:-1] not in level)
        level = {}
        for h, pairs in found.items():
            docs, positions = pairs[0::2], pairs[1::2]
            if len(docs) > threshold:
                level[h] = (docs, positions)
            else:
                postings[h] = (_encode(docs, positions, False), docs[0], docs[-1], len(docs))
    return sorted(frequent)
