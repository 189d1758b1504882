"""Digit groups read out of text however it is written: the machinery of the private-number detector
(generator/common/private_numbers.py), which decides what the groups mean.

`fold` maps each visible character to a class — a digit of any script (full-width, Arabic-Indic,
Chinese numerals 〇一二…九 零 幺), a separator, a `+`, a Latin letter, a currency sign, a money unit
— and drops invisible characters (zero-width, bidi controls, BOM, soft hyphen, combining marks), so
they neither separate nor join. `digit_runs` groups the digits into runs of digit groups joined by
short separator gaps (at most MAX_GAP characters, a run of whitespace counting as one), with what
stands right before and after each group.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

CHINESE_DIGITS = {c: str(i) for i, c in enumerate("〇一二三四五六七八九")} | {"零": "0", "幺": "1"}
# the financial (大写) numerals, and the circle people type for zero (二○一六): a number written in
# them is still the number
CHINESE_DIGITS |= {c: str(i) for i, c in enumerate("零壹贰叁肆伍陆柒捌玖")} | {
    "貳": "2", "叁": "3", "參": "3", "叄": "3", "陸": "6", "○": "0", "◯": "0", "〇": "0",
}


def _symbol_digits() -> dict[str, str]:
    """Digits that are symbols, not decimal digits (str.isdecimal is False): superscripts ¹²³,
    circled and parenthesised digits ①⑴⒈❶➀⓪, the Hangzhou (Suzhou) numerals 〡〢〣 (杭州码) and
    circled ideographs ㈠㊀. Only those with a single digit's value 0–9 (⑩ is not a digit)."""
    import unicodedata

    ranges = [(0x00B2, 0x00B9), (0x2070, 0x2089), (0x2460, 0x24FF), (0x2776, 0x2793), (0x3021, 0x3029),
              (0x3220, 0x3229), (0x3280, 0x3289), (0x1F100, 0x1F10C)]
    out = {}
    for first, last in ranges:
        for code in range(first, last + 1):
            value = unicodedata.numeric(chr(code), None)
            if value is not None and value == int(value) and 0 <= value <= 9 and not chr(code).isdecimal():
                out[chr(code)] = str(int(value))
    return out


CHINESE_DIGITS |= _symbol_digits()  # every digit that is not a Unicode decimal digit, by its value
SEPARATORS = set("-‐‑‒–—―－﹣.．。·•・‧∙⋅/／\\()（）[]【】+＋﹢_~～*＊")
PLUS = set("+＋﹢")
MAX_GAP = 3  # separator characters allowed between two digit groups of one number
_MONEY_AFTER = set("元万亿块圆%％‰")  # an amount or a percentage, not a phone number
_MONEY_BEFORE = set("¥￥$＄")
# invisible characters, skipped wherever they are: format characters (zero-width, bidi controls, BOM,
# soft hyphen, variation selectors, tags) and combining marks
INVISIBLE = (
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f"
    "\u3164\ufe00-\ufe0f\ufeff\uffa0\u0300-\u036f\u20d0-\u20ff\ufe20-\ufe2f\U000e0000-\U000e0fff"
)
_IS_INVISIBLE = re.compile(f"[{INVISIBLE}]").match


def fold(text: str) -> list[tuple[str, int]]:
    """(class, original index) per visible character: a digit "0"-"9", "x", " " (whitespace), "-"
    (another separator), "+",
    "a" (a Latin letter), "$" (a currency sign), "元" (a money unit) or "?" (anything else).
    Invisible characters are dropped, so they neither separate nor join."""
    out = []
    for i, ch in enumerate(text):
        if ch.isascii():
            if ch.isdigit():
                out.append((ch, i))
            elif ch in "xX":
                out.append(("x", i))
            elif ch.isalpha():
                out.append(("a", i))
            elif ch in PLUS:
                out.append(("+", i))
            elif ch.isspace():
                out.append((" ", i))
            elif ch in SEPARATORS:
                out.append(("-", i))
            elif ch in _MONEY_BEFORE:
                out.append(("$", i))
            elif ch in _MONEY_AFTER:
                out.append(("元", i))
            else:
                out.append(("?", i))
            continue
        if _IS_INVISIBLE(ch):
            continue
        if ch.isdecimal():
            out.append((str(unicodedata.decimal(ch)), i))
        elif ch in CHINESE_DIGITS:
            out.append((CHINESE_DIGITS[ch], i))
        elif ch in "ｘＸ":
            out.append(("x", i))
        elif ch in PLUS:
            out.append(("+", i))
        elif ch.isspace():
            out.append((" ", i))
        elif ch in SEPARATORS:
            out.append(("-", i))
        elif ch in _MONEY_BEFORE:
            out.append(("$", i))
        elif ch in _MONEY_AFTER:
            out.append(("元", i))
        elif "\u00c0" <= ch <= "\u024f" or "\u1e00" <= ch <= "\u1eff" or "\uff21" <= ch <= "\uff5a":
            out.append(("a", i) if ch.isalpha() else ("?", i))
        else:
            out.append(("?", i))
    return out


@dataclass
class Group:
    digits: str
    start: int  # index into the folded list
    end: int  # exclusive
    x: bool = False  # ends in X (an ID's check character)
    glued: tuple = (False, False)  # a Latin letter directly before / after
    plus: bool = False  # a "+" in the gap before it
    money: tuple = (False, False)  # a currency sign before / a money unit after


def digit_runs(folded: list[tuple[str, int]]):
    """Runs of digit groups joined by short separator gaps."""
    n, i = len(folded), 0
    run: list[Group] = []
    gap_plus, gap_len = False, 0
    while i < n:
        c = folded[i][0]
        if c.isdigit():
            j = i
            while j < n and folded[j][0].isdigit():
                j += 1
            digits = "".join(f[0] for f in folded[i:j])
            x = j < n and folded[j][0] == "x" and not (j + 1 < n and folded[j + 1][0] == "a")
            end = j + 1 if x else j
            before = _skip_spaces(folded, i - 1, -1)
            after = _skip_spaces(folded, end, 1)
            group = Group(
                digits, i, end, x,
                (i > 0 and folded[i - 1][0] in "ax", end < n and folded[end][0] in "ax"),
                gap_plus,
                (before is not None and folded[before][0] == "$", after is not None and folded[after][0] == "元"),
            )
            if run and gap_len > MAX_GAP:
                yield run
                run = []
            run.append(group)
            i, gap_plus, gap_len = end, False, 0
        elif c == "x" and run and not run[-1].x and gap_len <= MAX_GAP and not (i + 1 < n and folded[i + 1][0] in "ax"):
            run[-1].x, run[-1].end = True, i + 1  # an ID's check character after a separator: 1235 X
            i, gap_plus, gap_len = i + 1, False, 0
        elif c in " -+":
            gap_plus = gap_plus or c == "+"
            # a run of whitespace (a line break and the next line's indent) is one separator
            if not (c == " " and i > 0 and folded[i - 1][0] == " "):
                gap_len += 1
            i += 1
        else:
            if run:
                yield run
                run = []
            gap_plus, gap_len = False, 0
            i += 1
    if run:
        yield run


def _skip_spaces(folded, i, step):
    while 0 <= i < len(folded) and folded[i][0] in " -":
        i += step
    return i if 0 <= i < len(folded) else None

