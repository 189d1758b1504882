"""Record text in messages: the one way to quote it (issue #10, item 4).

Record text (values, keys, file names) is untrusted. Printed verbatim it can forge output lines — a
newline followed by `::error file=README.md,line=1::…` becomes a real annotation in GitHub Actions —
move the terminal's cursor and colours (ANSI escapes), reverse the reading order (bidi overrides),
or flood the log (a 250 KB key). Every message that shows record text quotes it with `quote`:

    quote("li-na")                      -> “li-na”
    quote("a\\n::error::x", marks="``")   -> `a\\n::error::x`
    quote("x" * 250_000)                -> “xxxx…x…”   (at most LIMIT characters inside the marks)

`escape` is the same without the marks (file names, field paths). Escaping: newline, CR and tab as
`\\n` `\\r` `\\t`; other control and format characters (C0, DEL, C1, ESC of ANSI sequences, bidi
overrides and isolates, zero-width characters, line/paragraph separators) as `\\xNN` / `\\uNNNN`;
a byte that was not UTF-8 in a file name (Python's surrogate escape) as `\\xNN`, the byte itself.
Escaped text is printable and one line, and escaping it again changes nothing.

Private numbers (a mobile or ID number, however written: common/private_numbers.py) are masked
(138******78) in everything escaped or quoted: CI logs, annotations and PR comments are public,
and not only the privacy check's own message repeats record text — an unknown field name, an
enum value or an id is quoted by other checks too.

`escape_lines` is for our own multi-line output that may carry record text (the build's errors):
every line escaped and bounded, and no line may start a GitHub workflow command (`::`, `##[`).
"""

from __future__ import annotations

import unicodedata

from generator.common.private_numbers import masked_text

LIMIT = 60  # characters of record text shown in a message
LINE_LIMIT = 2000  # characters of one output line
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_HIDDEN = {"Cc", "Cf", "Cs", "Zl", "Zp"}
_WORKFLOW_COMMAND = ("::", "##[")
_MARGIN = 40  # characters looked at past the limit, so a private number across the cut is masked whole


def _escaped(char: str) -> str:
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # os.fsdecode's stand-in for a byte that is not UTF-8
        return f"\\x{code - 0xDC00:02x}"
    if code < 0x80 and (code < 0x20 or code == 0x7F):
        return f"\\x{code:02x}"
    if code >= 0x80 and unicodedata.category(char) in _HIDDEN:
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"
    return char


def escape(text, limit: int | None = None) -> str:
    """`text` (str() of any value) on one printable line; cut with "…" past `limit` characters.

    Only the first `limit` characters are looked at, so a huge value costs nothing.
    """
    text = text if isinstance(text, str) else str(text)
    if limit is not None and len(text) > limit + _MARGIN:
        text = text[: limit + _MARGIN]  # a number cut at the limit is still seen whole, and masked
    text = masked_text(text)
    if text.isprintable() and (limit is None or len(text) <= limit):  # the common case: nothing to do
        return text
    pieces, size = [], 0
    for char in text if limit is None else text[: limit + 1]:
        piece = _escaped(char)
        if limit is not None and size + len(piece) > limit:
            return "".join(pieces) + "…"
        pieces.append(piece)
        size += len(piece)
    return "".join(pieces)


def quote(value, *, marks: str = "“”", limit: int | None = LIMIT) -> str:
    """`value` escaped, cut at `limit`, between `marks` (“” by default; "``" for codes and keys)."""
    return f"{marks[0]}{escape(value, limit)}{marks[-1]}"


def escape_lines(text: str, limit: int = LINE_LIMIT) -> str:
    """Multi-line output of ours: each line escaped and cut at `limit`; a line that would start a
    GitHub workflow command (after leading spaces, as the runner reads it) gets a `\\` in front."""
    lines = []
    for line in text.split("\n"):
        line = escape(line, limit)
        if line.lstrip().startswith(_WORKFLOW_COMMAND):
            line = "\\" + line
        lines.append(line)
    return "\n".join(lines)
