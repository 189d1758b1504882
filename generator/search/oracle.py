"""What a correct answer is: a plain scan of each doc's text, no index (tests and bench score against it).

A doc is (id, text items as shown, spaced pinyin syllables of the name or "", other spellings after
a "|": "zeng guo hua|ceng guo hua"). Text and query are
folded the same way (fold.py). A query's segments (query.parse_query) must all hold:
  two or more Han characters   a substring of one item
  one Han character            in any item
  latin letters/digits         the letters (spaces removed) are, for one spelling, the joined pinyin, the surname or
                               the initials, or a prefix of the joined pinyin or the initials; or
                               every latin word equals a maximal [a-z0-9]+ run of an item
The bench builds the items from the visible text of each rendered expert page (not from the
indexed fields), so a field the index forgets shows up as a miss.
"""

from __future__ import annotations

from generator.search.text import FIELDS, _WORD, _items, normalize, spellings


class Oracle:
    """Oracle(experts) for search docs (their FIELDS); Oracle.from_rows for any (id, items, spaced)."""

    def __init__(self, experts: list[dict] | None = None):
        self.rows = []
        for e in experts or []:
            items = [i for f in FIELDS for i in _items(e, f)]
            self.add(e["id"], items, spellings(e))

    @classmethod
    def from_rows(cls, rows) -> "Oracle":
        o = cls()
        for eid, items, spaced in rows:
            o.add(eid, items, spaced)
        return o

    def add(self, eid: str, items: list[str], spaced: str) -> None:
        text = "\n".join(normalize(i) for i in items)
        names = [part.split(" ") for part in spaced.split("|") if part]  # every spelling of the name
        self.rows.append((eid, text, ["".join(syl) for syl in names], ["".join(s[0] for s in syl) for syl in names],
                          [syl[0] for syl in names], set(_WORD.findall(text))))

    def ids(self, q: str) -> set[str]:
        from generator.search.query import parse_query

        segments = parse_query(q)
        if segments is None:
            return {row[0] for row in self.rows}
        out = set()
        if not segments:
            return out
        for eid, text, joined, initials, surname, tokens in self.rows:
            for seg in segments:
                if seg[0] in ("char", "text"):
                    ok = seg[1] in text  # items are joined by a newline, which no segment contains
                else:
                    key, words = seg[1], seg[2]
                    ok = key[:1].isalpha() and any(
                        j.startswith(key) or i.startswith(key) or key == s for j, i, s in zip(joined, initials, surname)
                    ) or all(w in tokens for w in words)
                if not ok:
                    break
            else:
                out.add(eid)
        return out


def oracle(experts: list[dict], q: str) -> set[str]:
    return Oracle(experts).ids(q)
