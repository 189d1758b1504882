"""People's names: which characters a name may hold, and how a name is read in pinyin.

A name is either Chinese — Han characters of every CJK Unified Ideographs block, extensions B to J
included (王𠮷 with U+20BB7), parts of a minority name joined by the middle dot U+00B7
(阿沛·阿旺晋美) — or, for overseas experts, Latin script as the person writes it (Maria Lopez,
José García). The pattern lives in schemas/expert.schema.json; look-alike dots (• ・ ．) and
compatibility ideographs are refused there with the character named and the fix proposed
(generator/records/patterns.py): a record keeps one spelling, the one every page and search shows.

The surname is read from the surname table schemas/surnames.json (data, not code): 曾国华 →
Zeng Guohua, 单 → Shan, 欧阳修 → Ouyang Xiu. The table's other readings of a polyphonic surname
(曾 ceng) become extra spellings for search, so `zeng` and `ceng` both find 曾国华.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

# every CJK Unified Ideographs block: 〇, Ext A, the main block, the 12 unified ideographs among the
# compatibility block, Ext B–F and I, Ext G, H and J (not the compatibility supplement U+2F800–2FA1F)
HAN_RANGES = (
    "\u3007\u3400-\u4dbf\u4e00-\u9fff"
    "\ufa0e\ufa0f\ufa11\ufa13\ufa14\ufa1f\ufa21\ufa23\ufa24\ufa27\ufa28\ufa29"
    "\U00020000-\U0002a6df\U0002a700-\U0002ee5f\U00030000-\U0003347f"
)
_HAN = re.compile(f"[{HAN_RANGES}]")
MIDDLE_DOT = "\u00b7"


def has_han(text: str) -> bool:
    return bool(_HAN.search(text))


@dataclass
class SurnameTable:
    """Surname → its readings (syllable lists): the first is the surname's, the rest other readings."""

    readings: dict[str, list[list[str]]] = field(default_factory=dict)

    @classmethod
    def from_file(cls, path: Path) -> "SurnameTable":
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls({k: [r.split() for r in v] for k, v in data["surnames"].items()})

    def split(self, name: str) -> tuple[str, list[list[str]]]:
        """(surname, its readings from the table, or [] when the table does not know it).

        A two-character surname of the table counts only in a name of three or more characters."""
        if len(name) >= 3 and name[:2] in self.readings:
            return name[:2], self.readings[name[:2]]
        return name[:1], self.readings.get(name[:1], [])

    def polyphonic(self, name: str) -> str:
        """The surname of name when the table gives it more than one reading, else ""."""
        if MIDDLE_DOT in name or not has_han(name):
            return ""
        surname, readings = self.split(name)
        return surname if len(readings) > 1 else ""


@lru_cache(maxsize=8)
def _load(path: str) -> SurnameTable:
    return SurnameTable.from_file(Path(path))


def load_surnames(schemas_folder: Path) -> SurnameTable:
    """The surname table beside the schemas in use (schemas/surnames.json), read once per folder."""
    path = Path(schemas_folder) / "surnames.json"
    if not path.is_file():
        path = Path(__file__).resolve().parents[2] / "schemas" / "surnames.json"
    return _load(str(path))


def _syllables(han: str) -> list[str]:
    """pypinyin's reading of Han text, without tones, ü kept; characters it cannot read are left out."""
    if not han:
        return []
    from pypinyin import Style, lazy_pinyin  # here, not above: importing pypinyin costs `validate` ~0.5 s

    return [s for s in lazy_pinyin(han, style=Style.NORMAL, v_to_u=True) if s.isalpha() and s.isascii() or "ü" in s]


def unreadable(name: str) -> list[str]:
    """The Han characters of name that have no known reading (pinyin cannot be derived for them).

    pypinyin knows every character of U+4E00–U+9FA5 a name can hold (the few it lacks are obsolete
    unit ligatures such as 兙), so its dictionary is loaded only for a character outside that range."""
    rare = [ch for ch in name if _HAN.match(ch) and not "\u4e00" <= ch <= "\u9fa5"]
    if not rare:
        return []
    from pypinyin.pinyin_dict import pinyin_dict

    return [ch for ch in rare if ord(ch) not in pinyin_dict]


def fold_latin(text: str) -> str:
    """José García → Jose Garcia: accents removed, for search and sorting (never for display)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


def _word(syllables: list[str]) -> str:
    return "".join(syllables).capitalize()


def _spellings(name: str, table: SurnameTable) -> list[str]:
    """Every spelling of name: the derived one first, then one per other reading of the surname."""
    if not has_han(name):  # a Latin name: as written, accents folded; each word may come first
        words = fold_latin(name).replace("-", " ").replace("'", " ").replace("’", " ").split()
        return [" ".join(words[i:] + words[:i]) for i in range(len(words))] or [""]
    if MIDDLE_DOT in name:  # 阿沛·阿旺晋美 → Apei Awangjinmei: no surname, one word a part
        return [" ".join(w for w in (_word(_syllables(part)) for part in name.split(MIDDLE_DOT)) if w)]
    surname, readings = table.split(name)
    given = _word(_syllables(name[len(surname):]))
    surnames = [_word(r) for r in readings] or [_word(_syllables(surname))]
    return [" ".join(w for w in (s, given) if w) for s in surnames]


def derive_pinyin(name: str, table: SurnameTable) -> str:
    """The pinyin of a name when its record gives none: 曾国华 → "Zeng Guohua" (surname from the
    table), 欧阳修 → "Ouyang Xiu", 张伟 → "Zhang Wei", 阿沛·阿旺晋美 → "Apei Awangjinmei",
    José García → "Jose Garcia". Characters without a known reading are left out (a warning asks
    for `pinyin:`)."""
    return _spellings(name, table)[0]


def other_spellings(name: str, pinyin: str, table: SurnameTable) -> list[str]:
    """Other spellings a search should also accept, besides pinyin (the record's or the derived one).

    曾国华 → ["Ceng Guohua"]; 单田芳 → ["Dan Tianfang", "Chan Tianfang"]; Maria Lopez → ["Lopez Maria"].
    A record's own pinyin whose surname is none of the table's readings (Tsang Kwok Wah) gets none."""
    spellings = _spellings(name, table)
    if has_han(name) and MIDDLE_DOT not in name:
        surname_word = pinyin.split(" ", 1)[0].lower() if pinyin else ""
        known = [s.split(" ", 1)[0].lower() for s in spellings]
        if surname_word not in known:
            return []
        rest = pinyin.split(" ", 1)[1] if " " in pinyin else ""
        spellings = [" ".join(w for w in (s.split(" ", 1)[0], rest) if w) for s in spellings]
    return [s for s in dict.fromkeys(spellings) if s and s != pinyin]
