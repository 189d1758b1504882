"""Frequent Han grams of the search index: first positions only, and their one-longer grams indexed.

Why: at 10,000 experts the commonest pairs (杭州, 研究, 科技 …) occur 20,000-80,000 times; their
positional postings are 60-240 kB each, so a query made only of such pairs (学会科技) could not read
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

from collections import defaultdict
from itertools import chain
from operator import sub

from generator.search.text import _HAN_CHAR, decode_postings, enc


def _encode(by_doc: dict[int, list[int]], first_only: bool) -> str:
    docs, positions = [], []
    for d, ps in by_doc.items():
        if first_only:
            docs.append(d)
            positions.append(ps[0])
        else:
            docs.extend([d] * len(ps))
            positions.extend(ps)
    gaps = "".join(map(enc, map(sub, docs, chain((0,), docs))))
    return gaps + "." + "".join(map(enc, positions))


def add_frequent_grams(postings: dict, texts: list[str], threshold: int) -> list[str]:
    """Make the frequent Han grams of `postings` first-position-only and add their one-longer grams.

    postings: key → (postings string, first doc, last doc, occurrences) as invert.py makes them
    (updated in place); texts: the folded text of each doc (positions index them). Returns the
    frequent grams, sorted (the manifest's "frequent")."""
    level = {}
    for k, entry in postings.items():
        if len(k) == 2 and ":" not in k and entry[3] > threshold:  # Han pairs only ("c:张" has 3 characters)
            level[k] = decode_postings(entry[0])
    frequent: list[str] = []
    n = 2
    is_han = _HAN_CHAR.match
    while level:
        longer: dict[str, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
        for g in sorted(level):
            by_doc = level[g]
            frequent.append(g)
            first = next(iter(by_doc))
            postings[g] = (_encode(by_doc, True), first, next(reversed(by_doc)), sum(map(len, by_doc.values())))
            for d, ps in by_doc.items():
                t = texts[d]
                for p in ps:
                    if p + n < len(t) and is_han(t[p + n]):
                        longer[t[p : p + n + 1]][d].append(p)
                    # the gram before: made here unless it is the one after of a frequent gram
                    if p and is_han(t[p - 1]) and t[p - 1 : p + n - 1] not in level:
                        longer[t[p - 1 : p + n]][d].append(p - 1)
        n += 1
        level = {}
        for g, by_doc in longer.items():
            by_doc = dict(sorted(by_doc.items()))
            count = sum(map(len, by_doc.values()))
            if count > threshold:
                level[g] = by_doc
            else:
                postings[g] = (_encode(by_doc, False), next(iter(by_doc)), next(reversed(by_doc)), count)
    return sorted(frequent)
