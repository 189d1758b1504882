"""Private numbers in record text: mainland mobile numbers and resident ID numbers, however written.

`find_private_numbers(text)` is the one detector, for every layer: `check_privacy`
(generator/checks/privacy.py) runs it over every string (and integer) of every record of every type,
walking the record generically; the need form (generator/contrib/issueform.py) over what an
enterprise typed; `masked_text` hides the numbers in text we repeat (the pull request comment, the
site's change history: generator/records/recorddiff.py). Messages never repeat a whole number (CI
logs and PR comments are public): `mask` keeps the first three and last two digits.

What it sees through (each decision has a row in tests/test_privacy.py; the reading of digit groups
lives in generator/common/digits.py):

* digits of any script: full-width `１３８…`, other Unicode decimal digits, the Chinese numeral
  digits 〇零一二三四五六七八九幺, the financial numerals 壹贰叁…, the circle ○ typed for zero, and
  symbol digits (superscripts, circled ①, the Hangzhou numerals 〡〢〣): a run of 11 of them is a
  number, never prose;
* invisible characters anywhere (Unicode format characters such as U+200B–U+200D, U+2060, U+FEFF,
  U+00AD, the bidirectional controls, and combining marks): they are skipped, not separators;
* separators between digit groups, in any grouping: whitespace of any width, hyphens and dashes
  (- ‐ ‑ ‒ – — －), dots (. ．), middle dots (· • ・ ‧ ∙), slashes, parentheses, tildes, asterisks
  and `+` (not `|`: a Markdown table row of figures is no phone number); at most three separator characters between two groups, a run of whitespace (a line
  break and the next line's indent) counting as one;
* the prefixes +86, 0086 and 86 before a mobile number, glued or separated.

What counts:

* mobile: 11 digits `1[3-9]xxxxxxxxx` made of whole digit groups (a longer digit string is another
  number); after `+` only when the country code is 86;
* 18-digit resident ID (GB 11643-1999): a province code (GB/T 2260 first two digits; 9x for
  foreigners' permanent residence IDs), a real birth date 1900–2099, and a correct check digit
  (X allowed) — the check digit keeps order numbers and the like out;
* 15-digit first-generation ID (issued until 2004): a province code and a real birth date 19YYMMDD.

What does not count (low false positives):

* landlines, including 0571-85012345: an institution's office phone is public information
  (common.schema.json's `office-phone`); only personal numbers are private;
* digits glued to a Latin letter (`HZKX2015001`, `ISBN9787…`): a code, not a phone number — unless
  the letters are a contact label (`Tel13812345678`, `wx13812345678`) or the digits end an e-mail
  address's local part (`zw13812345678@163.com`); the contract numbers of the demo records (`HZKX-2015-001`) have far too few digits anyway;
* amounts: a comma is not a separator (`1,380,000`), and a digit span followed by 元/万/亿/% or
  preceded by ¥/￥ is money (`13800000元`, `138 0000 0000 元`);
* year ranges and dates (`2015-2017`, `2016.03.01`): their digit spans never make 11, 15 or 18.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from generator.common.digits import CHINESE_DIGITS, INVISIBLE, PLUS, SEPARATORS, Group, digit_runs, fold

MOBILE = "mobile"
ID_NUMBER = "id-number"

# GB/T 2260 province-level codes (first two digits of an ID) and 9x (foreigners' permanent residence)
_PROVINCES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 "
    "61 62 63 64 65 71 81 82 83 91 92 93 94 95 96 97 98 99".split()
)
_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
_CHECK = "10X98765432"
# a superset of what the detector can find, in one C-speed scan: runs of 11 or more digits,
# separators and invisible characters; only runs holding 11 digits are looked at closely
_DIGIT_CLASS = "\\d" + "".join(CHINESE_DIGITS)
_DIGIT_COUNT = re.compile(f"[{_DIGIT_CLASS}]").findall
_CANDIDATE = re.compile(f"[{_DIGIT_CLASS}\\s{INVISIBLE}{re.escape(''.join(sorted(SEPARATORS | PLUS)))}]{{11,}}")
# at least 11 of those digits anywhere in a text (possessive: one pass, no backtracking). Every
# window find_private_numbers looks at closely is a part of the text holding 11 digits, so a text
# without 11 has no finding: `may_hold_private_number` is an exact pre-filter, not a heuristic
_ELEVEN_DIGITS = re.compile(f"(?:[^{_DIGIT_CLASS}]*+[{_DIGIT_CLASS}]){{11}}").match
_MARGIN = 16  # characters of context either side of a window: letters, currency signs, money units
_MOBILE = re.compile(r"(?:0086|86)?(1[3-9][0-9]{9})").fullmatch


@dataclass(frozen=True)
class Finding:
    """A private number in a text: its kind, where it is (code point offsets, end exclusive), its digits."""

    kind: str  # MOBILE or ID_NUMBER
    start: int
    end: int
    digits: str  # ASCII digits (and a final X for an ID), prefix 86/0086 removed

    @property
    def masked(self) -> str:
        return mask(self.digits)


def mask(digits: str) -> str:
    """138******78: the first three and last two characters, the rest as *, so a message can say
    which number it means without publishing it."""
    if len(digits) <= 5:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 5) + digits[-2:]


def id_check_digit(first17: str) -> str:
    """The GB 11643-1999 check character of the first 17 digits of an ID number (0-9 or X)."""
    return _CHECK[sum(int(d) * w for d, w in zip(first17, _WEIGHTS)) % 11]


def _real_date(yyyymmdd: str) -> bool:
    try:
        datetime.date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
    except ValueError:
        return False
    return yyyymmdd[:2] in ("19", "20")


def is_id_number(digits: str) -> bool:
    """An 18-character ID (17 digits + digit or X, right check digit) or a 15-digit first-generation ID,
    each with a province code and a real birth date."""
    if digits[:2] not in _PROVINCES:
        return False
    if len(digits) == 18 and digits[:17].isdigit() and (digits[17].isdigit() or digits[17] == "X"):
        return _real_date(digits[6:14]) and id_check_digit(digits[:17]) == digits[17]
    if len(digits) == 15 and digits.isdigit():
        return _real_date("19" + digits[6:12])
    return False



def _classify(groups: list[Group]) -> tuple[str, str] | None:
    digits = "".join(g.digits for g in groups)
    if groups[-1].x and len(digits) == 17 and is_id_number(digits + "X"):
        return ID_NUMBER, digits + "X"
    if len(digits) in (15, 18) and is_id_number(digits):
        return ID_NUMBER, digits
    mobile = _MOBILE(digits)
    if mobile and not (groups[0].plus and not digits.startswith("86")):
        return MOBILE, mobile.group(1)
    return None


def may_hold_private_number(text: str) -> bool:
    """False when text cannot hold a private number: fewer than 11 characters, or fewer than 11
    digits of the detector's own digit classes (decimal digits of any script, Chinese and symbol
    digits). Exact: find_private_numbers(text) is [] whenever this is False (it only reads windows
    holding 11 such digits), so callers may skip the detector on it. One C-speed regex match."""
    return len(text) >= 11 and _ELEVEN_DIGITS(text) is not None


def find_private_numbers(text: str) -> list[Finding]:
    """Every mobile or ID number in text, in order, not overlapping (an ID wins over a mobile inside it).

    Offsets are code point offsets into text. Linear in the length of text: one regex scan finds
    the windows worth a closer look, and there a candidate spans at most 22 digits."""
    if not isinstance(text, str) or not may_hold_private_number(text):
        return []  # no window of 11 digits: most values (a whole record's, at 100,000 experts 8.7 million)
    found: list[Finding] = []
    for window in _CANDIDATE.finditer(text):
        if len(_DIGIT_COUNT(window.group())) < 11:
            continue
        a, b = max(0, window.start() - _MARGIN), min(len(text), window.end() + _MARGIN)
        found += [Finding(f.kind, f.start + a, f.end + a, f.digits) for f in _find(text[a:b])]
    return _without_overlaps(found) if found else found  # neighbouring windows may report a number twice: kept once


def _find(text: str) -> list[Finding]:
    folded = fold(text)
    found: list[Finding] = []
    for run in digit_runs(folded):
        for a in range(len(run)):
            if run[a].money[0]:
                continue
            labelled = run[a].glued[0] and _CONTACT_LABEL(text[: folded[run[a].start][1]])
            total = 0
            for b in range(a, len(run)):
                total += len(run[b].digits)
                if total > 22:
                    break
                if run[a].glued[0] and not (labelled or _ends_local_part(text, folded, run[b].end)):
                    continue  # a code such as HZKX2015001, not a contact
                if total >= 11 and not run[b].glued[1] and not run[b].money[1]:
                    kind = _classify(run[a : b + 1])
                    if kind:
                        start, end = folded[run[a].start][1], folded[run[b].end - 1][1] + 1
                        found.append(Finding(kind[0], start, end, kind[1]))
                if run[b].x:
                    break
    return found


# words glued to a number that say it is a contact (Tel13812345678, wx13812345678), not a code
_CONTACT_LABEL = re.compile(
    r"(?<![A-Za-z])(?:tel|tele|phone|telephone|mobile|mob|cell|cellphone|sj|shouji|dianhua|lianxi|"
    r"wx|vx|weixin|wechat|whatsapp|contact)[:：]?\Z",
    re.IGNORECASE,
).search


def _ends_local_part(text: str, folded, end: int) -> bool:
    """The group ending at folded index `end` is the end of an e-mail address's local part
    (zw13812345678@163.com): letters before it are a name, not a code prefix."""
    return end < len(folded) and text[folded[end][1]] in "@＠"


def masked_text(text: str) -> str:
    """text with every private number replaced by its mask (电话 138******78): for output that repeats
    record text, such as the pull request comment, so it does not republish the number."""
    for f in reversed(find_private_numbers(text)):
        text = text[: f.start] + f.masked + text[f.end :]
    return text


def _without_overlaps(found: list[Finding]) -> list[Finding]:
    # IDs first, then the longest span (a +86 prefix included): keep each finding that overlaps none kept
    order = sorted(found, key=lambda f: (f.kind != ID_NUMBER, -(f.end - f.start), f.start))
    kept: list[Finding] = []
    for f in order:
        if all(f.end <= k.start or f.start >= k.end for k in kept):
            kept.append(f)
    return sorted(kept, key=lambda f: f.start)
