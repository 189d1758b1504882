"""Record text: the one normalisation every consumer shares (issue #9, class 2).

`parse()` (strict_yaml) runs `normalize_data` once on every record it reads, so checks, pages,
search, open data, reports, the PR tools and the issue form all see the same text. What happens to
each kind of invisible or control character was decided per class:

Removed, with a warning (rule `text-invisible`) — invisible, harmless and common in text pasted
from web pages, WeChat and Word; removing them changes nothing a reader can see, and keeps them
from splitting a word the search must find (“浙江\\u200b大学” is found by 浙江大学):

    U+200B 零宽空格  U+200C 零宽非连接符  U+200D 零宽连接符  U+2060 词连接符
    U+FEFF 零宽不换行空格（BOM）  U+00AD 软连字符
    U+FE00–U+FE0F 变体选择符 (the U+FE0F after an emoji pasted from WeChat: without it the same
    emoji shows, perhaps in black and white)

Refused, with an error naming the field and the character (rule `text-control`) — they break
files downstream (a vertical tab makes the spreadsheet library refuse the report), can disguise
text (bidirectional overrides reorder what a reviewer sees), or do not display the same on
another computer:

    C0 controls except the line feed of a multi-line text (U+0000–U+0008, U+0009 Tab,
    U+000B–U+001F), U+007F, C1 controls (U+0080–U+009F); bidirectional marks, embeddings,
    overrides and isolates (U+200E, U+200F, U+061C, U+202A–U+202E, U+2066–U+2069); line and
    paragraph separators (U+2028, U+2029); every other format character (Unicode category Cf:
    U+2061–U+2064, U+206A–U+206F, U+FFF9–U+FFFB, tag characters …); private-use characters;
    noncharacters (U+FDD0–U+FDEF, U+xFFFE, U+xFFFF); and the rest of Unicode's
    Default_Ignorable_Code_Point characters, which are letters or marks by category but show
    nothing: the Hangul fillers (U+115F, U+1160, U+3164, U+FFA0 — a "blank" name or a word split
    in two that no search finds), U+034F 组合用字素连接符, U+17B4/U+17B5, U+180B–U+180F.

Refused characters stay in the data, so that every message quotes the value as it really is
(common/quoting.py escapes them); the record counts as invalid, so `kexie build` and `kexie report`
stop before any page, file or spreadsheet is written. Keys (field names) lose refused characters
too, so `ti\u202etle` is reported once (the character), not a second time as an unknown field.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# harmless invisibles, removed with a warning
REMOVED = {
    "\u200b": "零宽空格",
    "\u200c": "零宽非连接符",
    "\u200d": "零宽连接符",
    "\u2060": "词连接符",
    "\ufeff": "零宽不换行空格（BOM）",
    "\u00ad": "软连字符",
    **{chr(code): "变体选择符" for code in range(0xFE00, 0xFE10)},
}

# names of the refused characters people actually meet; the rest are named by their class
NAMES = {
    "\x00": "空字符（NUL）",
    "\x07": "响铃符",
    "\x08": "退格符",
    "\t": "制表符（Tab）",
    "\x0b": "垂直制表符",
    "\x0c": "换页符",
    "\r": "回车符",
    "\x1b": "转义符（ESC）",
    "\x7f": "删除符（DEL）",
    "\x85": "下一行符（NEL）",
    "\u061c": "阿拉伯字母标记（文字方向控制）",
    "\u200e": "从左至右标记（文字方向控制）",
    "\u200f": "从右至左标记（文字方向控制）",
    "\u202a": "从左至右嵌入（文字方向控制）",
    "\u202b": "从右至左嵌入（文字方向控制）",
    "\u202c": "方向格式结束（文字方向控制）",
    "\u202d": "从左至右覆盖（文字方向控制）",
    "\u202e": "从右至左覆盖（文字方向控制）",
    "\u2066": "从左至右隔离（文字方向控制）",
    "\u2067": "从右至左隔离（文字方向控制）",
    "\u2068": "首强字符隔离（文字方向控制）",
    "\u2069": "方向隔离结束（文字方向控制）",
    "\u2028": "行分隔符",
    "\u2029": "段分隔符",
    "\u115f": "韩文填充符（看不见的空白）",
    "\u1160": "韩文填充符（看不见的空白）",
    "\u3164": "韩文填充符（看不见的空白）",
    "\uffa0": "半角韩文填充符（看不见的空白）",
    "\u034f": "组合用字素连接符（看不见）",
}

_NONCHARACTERS = "".join(f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(17))
_BMP = (
    "\x00-\x09\x0b-\x1f\x7f-\x9f\u00ad\u034f\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2"
    "\u115f\u1160\u17b4\u17b5\u180b-\u180f\u3164\ufe00-\ufe0f\uffa0\ufff0-\ufff8"
    "\u200b-\u200f\u2028-\u202e\u2060-\u206f\ue000-\uf8ff\ufdd0-\ufdef\ufeff\ufff9-\ufffb\ufffe\uffff"
)
# every character that is removed or refused; a test checks it covers all of Unicode's Cf and Co
_SUSPECT = re.compile(
    f"[{_BMP}"
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0000-\U000e0fff\U000f0000-\U0010ffff" + _NONCHARACTERS + "]"
)
# the same test in two cheap steps (a class with astral ranges is ~15x slower to scan): the BMP
# characters, then the full class only for a text that holds any character beyond the BMP at all
_SUSPECT_BMP = re.compile(f"[{_BMP}]")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def _suspect(text: str) -> bool:
    return _SUSPECT_BMP.search(text) is not None or (
        _ASTRAL.search(text) is not None and _SUSPECT.search(text) is not None
    )


def char_name(ch: str) -> str:
    """`U+200B 零宽空格`: the code point and a Chinese name people can search for."""
    name = REMOVED.get(ch) or NAMES.get(ch)
    if name is None:
        code = ord(ch)
        if code < 0x20 or 0x7F <= code <= 0x9F:
            name = "控制字符"
        elif unicodedata.category(ch) == "Co":
            name = "私用区字符（在别人的电脑上显示不出来）"
        elif ch in _NONCHARACTERS or 0xFDD0 <= code <= 0xFDEF:
            name = "非字符（Unicode 保留不用的码位）"
        else:
            name = "不可见的格式字符"
    return f"U+{ord(ch):04X} {name}"


@dataclass(frozen=True)
class Finding:
    """One kind of removed or refused character in one value (or key)."""

    path: tuple  # where in the record: ("societies", 0, "role")
    key: bool  # True: in the field name at path, not in its value
    char: str
    removed: bool  # True: dropped with a warning; False: refused (an error)
    count: int  # how many times it occurs in this value
    offset: int  # index of its first occurrence in the value as written


def normalize(
    text: str, allow_newline: bool = True, drop_refused: bool = False
) -> tuple[str, list[tuple[str, bool, int, int]]]:
    """(text without the removed characters, [(char, removed, count, first offset)]).

    Refused characters stay (messages then quote the value as it really is; the record is
    invalid), unless drop_refused is True. A line feed is kept unless allow_newline is False
    (then it is refused like any control)."""
    if not _suspect(text) and (allow_newline or "\n" not in text):
        return text, []
    seen: dict[str, list[int]] = {}
    kept = []
    for index, ch in enumerate(text):
        if _SUSPECT.match(ch) or (ch == "\n" and not allow_newline):
            seen.setdefault(ch, [0, index])[0] += 1
            if ch not in REMOVED and not drop_refused:
                kept.append(ch)
        else:
            kept.append(ch)
    found = [(ch, ch in REMOVED, count, first) for ch, (count, first) in seen.items()]
    return "".join(kept), found


# characters libyaml reads as line breaks: inside a value they would silently become a new line
LINE_BREAKS = ("\x85", "\u2028", "\u2029")


def needs_normalizing(source: str) -> bool:
    """Whether a file's text can hold a character to remove or refuse: one raw, or an escape
    (`"\\v"`, `"\\u200b"`) in a double-quoted scalar. False for nearly every file: a cheap test."""
    return "\\" in source or _suspect(source)


def normalize_data(data, path: tuple = ()) -> tuple[object, list[Finding]]:
    """Normalise every string (values and keys) inside parsed YAML data. Returns the new data and
    the findings, in document order."""
    findings: list[Finding] = []
    return _walk(data, path, findings), findings


def _walk(value, path, findings):
    if isinstance(value, str):
        clean, found = normalize(value)
        findings.extend(Finding(path, False, ch, removed, count, first) for ch, removed, count, first in found)
        return clean
    if isinstance(value, list):
        return [_walk(item, path + (index,), findings) for index, item in enumerate(value)]
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            clean_key = key
            if isinstance(key, str):
                clean_key, found = normalize(key, drop_refused=True)  # reported once, not again as unknown
                findings.extend(Finding(path + (key,), True, ch, removed, count, first) for ch, removed, count, first in found)
                if clean_key in out or clean_key in value and clean_key != key:
                    clean_key = key  # cleaning would merge two fields: keep the key as written
            out[clean_key] = _walk(item, path + (key,), findings)
        return out
    return value


def is_meaningful(text: str) -> bool:
    """False for a text of only spaces (full-width ones included) and punctuation, such as “　 ”
    or “··” (class 3): it says nothing. Letters, digits and symbols of any script count, and so do
    the measures % ‰ ‱ (a unit may be just “%”). Combining marks alone (“\u0301\u0301”) and the
    blank braille pattern U+2800 (a known “invisible text” trick) show nothing and do not count."""
    for ch in text:
        if ch in "%‰‱" or (ch != "\u2800" and unicodedata.category(ch)[0] not in "PZCM"):
            return True
    return False
