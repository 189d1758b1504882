"""Inverting the docs of the search index: key → postings (see index.py for the keys and the code).

Keys of one doc: every pair of adjacent Han characters of its text ("材料", with positions),
"n:" + each Han character of its name (positions in the name), "c:" + each Han character of its
text (the number in text.FIELDS of the first field holding it, in place of a position: a single
character is searched in every field, names first) and
"w:" + each latin/digit word (positions).
"""

from __future__ import annotations

import os
from collections import defaultdict, deque
from itertools import chain, repeat
from operator import add, sub

from generator.common.forking import can_fork
from bisect import bisect_right

from generator.search.text import _HAN_CHAR, _HAN_PAIR, _TABLE, _WORD, FIELDS, _items, enc, normalize


def _invert(experts: list[dict], first: int) -> tuple[dict[str, tuple[str, int, int, int]], list[str]]:
    """Postings of `experts` numbered first, first+1, …: (key → (postings, first doc, last doc,
    occurrences), the docs' folded texts).

    The first gap is counted from 0, so two halves are joined by re-coding one number (_join)."""
    # key → [doc, position, doc, position, …], one pair per occurrence in doc then text order.
    # The per-occurrence work runs in C (map over list.extend, shared int objects, no cyclic GC).
    post: dict[str, list[int]] = defaultdict(list)
    extend = list.extend
    list_of = post.__getitem__
    positions = list(range(1 << 16))
    largest = first + len(experts)
    texts = []
    for doc, e in enumerate(experts, first):
        items = [(n, normalize(item)) for n, field in enumerate(FIELDS) for item in _items(e, field)]
        text = "\n".join(item for _, item in items)  # text.doc_text
        item_at, item_field = [], []
        at = 0
        for n, item in items:
            item_at.append(at)
            item_field.append(n)
            at += len(item) + 1
        texts.append(text)
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
        firsts = dict.fromkeys(_HAN_CHAR.findall(text))  # distinct, in order of first occurrence
        keys.extend(map("c:".__add__, firsts))
        # a single character ranks by the field it is first in, not its position: a field number
        # costs a sixth of a position's bytes, and a third of the index's were those positions
        starts.extend(item_field[bisect_right(item_at, text.find(ch)) - 1] for ch in firsts)
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
            out[k] = (code(pairs[0]) + "." + code(pairs[1]), pairs[0], pairs[0], 1)
        else:
            docs = pairs[0::2]
            gaps = "".join(map(code, map(sub, docs, chain((0,), docs))))
            out[k] = (gaps + "." + "".join(map(code, pairs[1::2])), docs[0], docs[-1], len(docs))
    return out, texts


def _join(a: tuple, b: tuple) -> tuple:
    """The postings and texts of two consecutive runs of docs (b's docs after a's)."""
    (a, texts), (b, more) = a, b
    for k, entry in b.items():
        mine = a.get(k)
        if mine is None:
            a[k] = entry
        else:
            p, first, last, count = entry
            q = mine[0]
            i, j = q.index("."), p.index(".")
            # b's first gap was counted from 0: count it from a's last doc instead
            a[k] = (q[:i] + enc(first - mine[2]) + p[len(enc(first)) : j] + q[i:] + p[j + 1 :], mine[1], last,
                    mine[3] + count)
    return a, texts + more


def _invert_child(experts, first, conn):  # pragma: no cover - runs in the forked process
    try:
        conn.send(_invert(experts, first))
    finally:
        conn.close()


class _Inversion:
    """(key → (postings string, first doc, last doc, occurrences), folded texts) of all docs, by one or
    two processes.

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

    def result(self) -> tuple[dict[str, tuple[str, int, int, int]], list[str]]:
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
