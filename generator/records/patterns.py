"""Why a value fails its schema pattern, in words: the first character no valid value could have
there, its code point and name, and — when one exists — a corrected value that itself validates.

"格式不对" alone leaves a person staring at `阿沛•阿旺晋美`; this says 第 3 个字符“•”（U+2022
项目符号）不能出现在这里，请改为“阿沛·阿旺晋美”. The first impossible character is found with the
`regex` library's partial matching (can this prefix still be completed to a match?), which works
for any pattern without a second, hand-written description of it. Fixes come from data — the
schema's `x-replace` (look-alike → intended character, e.g. the dots people type for U+00B7) — and
from Unicode itself: NFC turns a compatibility ideograph (U+F9xx) into its unified form.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

import regex

from generator.common.quoting import quote

# Chinese names of the characters people most often type by mistake (others: the Unicode name)
CHAR_NAMES = {
    " ": "空格",
    "\u3000": "全角空格",
    "\u00a0": "不换行空格",
    "\t": "制表符",
    "\n": "换行",
    "\r": "回车",
    "\u00b7": "间隔号",
    "\u2022": "项目符号",
    "\u30fb": "片假名中点",
    "\uff65": "半角片假名中点",
    "\uff0e": "全角句点",
    "\u2027": "连字点",
    "\u2219": "数学圆点",
    "\u22c5": "数学点乘号",
    "\u0387": "希腊文中点",
    "\ua78f": "拉丁字母中点",
    "\u318d": "韩文中点",
    "\u25cf": "实心圆",
    ".": "英文句点",
    "。": "中文句号",
    "/": "斜杠",
    "\u200b": "零宽空格",
    "\u200c": "零宽非连接符",
    "\u200d": "零宽连接符",
    "\u2060": "零宽不换行空格",
    "\ufeff": "字节顺序标记",
    "\u00ad": "软连字符",
}


@lru_cache(maxsize=64)
def _compiled(pattern: str):
    try:
        return regex.compile(pattern)
    except regex.error:  # a pattern the regex library reads differently: no explanation, no crash
        return None


def char_label(ch: str) -> str:
    """“•”（U+2022 项目符号）; an invisible or control character is named but not shown."""
    code = f"U+{ord(ch):04X}"
    name = CHAR_NAMES.get(ch)
    if name is None:
        unicode_name = unicodedata.name(ch, "")
        if unicode_name.startswith("CJK COMPATIBILITY") and unicodedata.decomposition(ch):
            name = "兼容汉字"
        elif unicode_name.startswith("CJK UNIFIED"):
            name = "汉字"
        elif unicode_name.startswith(("FULLWIDTH", "IDEOGRAPHIC")):
            name = "全角字符"
        else:
            name = unicode_name.lower()
    described = f"{code} {name}".strip()
    if ch == " " or unicodedata.category(ch)[0] not in "CZ":
        return f"{quote(ch)}（{described}）"
    return f"（{described}）"


def first_impossible(pattern: str, value: str) -> int | None:
    """Index of the first character of value that no match of pattern can have at that place;
    len(value) when every character fits but the value stops too early; None if it matches
    (or the pattern cannot be read). Partial matching is monotonic, so a binary search suffices."""
    compiled = _compiled(pattern)
    if compiled is None or compiled.search(value):
        return None
    if compiled.fullmatch(value, partial=True) is not None:
        return len(value)
    lo, hi = 0, len(value)  # prefix lo can be completed, prefix hi cannot
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if compiled.fullmatch(value[:mid], partial=True) is not None:
            lo = mid
        else:
            hi = mid
    return hi - 1


def corrected(pattern: str, value: str, replace: dict[str, str]) -> str | None:
    """value with look-alikes replaced (schema `x-replace`), Unicode-normalised and, failing that, with
    whitespace collapsed or removed: the first of these that matches pattern, else None."""
    compiled = _compiled(pattern)
    if compiled is None:
        return None
    replaced = "".join(replace.get(ch, ch) for ch in value)
    wide = unicodedata.normalize("NFKC", replaced)  # also full-width letters and digits → ASCII
    # in this order: the smallest change first (Maria  Lopez → Maria Lopez before MariaLopez)
    for fixed in (unicodedata.normalize("NFC", replaced), wide, " ".join(wide.split()), "".join(wide.split())):
        if fixed != value and compiled.search(fixed):
            return fixed
    return None


def explain(pattern: str, value: str, schema: dict) -> str:
    """The words after “格式不对：“value””: which character is wrong and how to fix it ("" if unknown).

    schema: the field's schema (its `x-replace`, `minLength` and `maxLength` are used)."""
    if not isinstance(value, str):
        return ""
    at = first_impossible(pattern, value)
    if at is None:
        return ""
    fix = corrected(pattern, value, schema.get("x-replace", {}))
    if fix is not None and not schema.get("minLength", 0) <= len(fix) <= schema.get("maxLength", len(fix)):
        fix = None
    if not value:
        words = "，不能为空"
    elif at == len(value):
        words = "，到结尾还不完整"
    else:
        ch = value[at]
        words = f"，第 {at + 1} 个字符{char_label(ch)}不能出现在这里"
        nfc = unicodedata.normalize("NFC", ch)
        intended = schema.get("x-replace", {}).get(ch) or (nfc if nfc != ch else "")
        if intended:  # code points too: a compatibility ideograph looks exactly like its unified form
            words += f"，应为{quote(intended)}（U+{ord(intended[0]):04X}）"
    if fix is not None:
        words += f"：请改为{quote(fix)}"
    return words
