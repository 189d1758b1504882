"""Folding text for search: the one normaliser shared by the index, the queries and the oracle.

fold(text) = NFKC (full-width → half-width, compatibility ideographs → unified), lower case,
tone marks dropped and ü → v (lǚ → lv, Zhāng Wěi → zhang wei), traditional → simplified one
character at a time (張 → 张, 陳 → 陈) with OpenCC's t2s character table.

The character table is read from the OpenCC package (`opencc` on PyPI, OpenCC's own dictionaries)
at build time and written next to the index as t2s.json.gz, so the browser (search-engine.js) folds
with the very same table; tests/test_search_fold.py checks that both normalisers agree.
Folding is one code point at a time except NFKC, so every step is the same in Python and JS.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

# Han ranges a traditional character can be in (BMP blocks, compatibility block, extension B+)
_HAN_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x3134F))
# Latin letters with diacritics (Latin-1 Supplement … Latin Extended Additional) and combining marks
_ACCENTED = re.compile("[\u00c0-\u024f\u0300-\u036f\u1e00-\u1eff]")
_MARKS = re.compile("[\u0300-\u036f]")

# the full-width characters of everyday Chinese text, replaced first so that most texts then pass
# the (fast) is_normalized check; the result is the same as NFKC of the whole text
_COMMON_WIDE = [(chr(c), chr(c - 0xFEE0)) for c in map(ord, "，；：（）！？％")] + [("\u3000", " ")]


def opencc_converter(config: str):
    """OpenCC's `convert` for one of its shipped configurations ("t2s", "s2t"), read from the
    package's own folder by absolute path. `opencc.OpenCC("t2s")` first looks for `t2s.json` in the
    working directory, so a file of that name in the folder `kexie` runs in (a records repository
    is untrusted) would decide how search folds text. Raises ImportError when the package or its
    configuration is missing (opencc is a dependency in pyproject.toml)."""
    import opencc

    for folder in (Path(opencc.__file__).parent / "clib" / "share" / "opencc", Path(opencc.__file__).parent / "data" / "config"):
        if (folder / f"{config}.json").is_file():
            return opencc.OpenCC(str((folder / f"{config}.json").resolve())).convert
    raise ImportError(f"opencc 软件包中找不到 {config}.json：请重新安装依赖（pip install -e .）")


@lru_cache(maxsize=1)
def t2s_table() -> dict[int, str]:
    """Traditional → simplified, one code point → one code point: {ord(traditional): simplified}.

    Built from OpenCC's t2s conversion of every Han character on its own (so OpenCC's phrase table
    never applies: a search must fold a character the same way wherever it stands), closed under
    repetition (薴 → 苧 → 苎 becomes 薴 → 苎) so that folding twice changes nothing. Raises
    ImportError if the opencc package is missing (it is a dependency in pyproject.toml)."""
    convert = opencc_converter("t2s")
    codes = [c for lo, hi in _HAN_RANGES for c in range(lo, hi + 1)]
    out = convert("\n".join(map(chr, codes))).split("\n")
    if len(out) != len(codes):  # pragma: no cover - OpenCC keeps one line per line
        raise RuntimeError("OpenCC t2s changed the number of lines")
    table = {c: s for c, s in zip(codes, out) if len(s) == 1 and s != chr(c)}
    for c, s in list(table.items()):
        seen = {c}
        while ord(s) in table and ord(s) not in seen:
            seen.add(ord(s))
            s = table[ord(s)]
        table[c] = s
    return table


def t2s_pairs() -> str:
    """The table as one string of (traditional, simplified) pairs in code point order (t2s.json.gz)."""
    table = t2s_table()
    return "".join(chr(c) + table[c] for c in sorted(table))


def fold(text: str) -> str:
    """The searched form of text (see the module docstring). Code point for code point except NFKC."""
    if text.isascii():
        return text.lower()
    for wide, narrow in _COMMON_WIDE:
        if wide in text:
            text = text.replace(wide, narrow)
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    text = text.lower()
    if _ACCENTED.search(text):
        text = unicodedata.normalize("NFD", text).replace("u\u0308", "v")
        text = unicodedata.normalize("NFC", _MARKS.sub("", text))
    return text.translate(t2s_table())
