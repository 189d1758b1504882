"""Attack round on issue #9 class 2/3 (text the eye cannot see): members the issue did not name.

Unicode's Default_Ignorable_Code_Point characters show nothing, yet some are letters or marks by
category (the Hangul fillers U+3164 and U+FFA0 are Lo, the variation selectors Mn), so a check
that only looks at Cc/Cf/Co lets them through: “浙江\\u3164大学” would hide from a search for
浙江大学, and a title of one U+3164 would look blank yet count as written.
"""

from __future__ import annotations

from generator.records.text import REMOVED, _SUSPECT, is_meaningful, normalize

# Default_Ignorable_Code_Point, DerivedCoreProperties.txt (Unicode 15.1), as ranges
DEFAULT_IGNORABLE = [
    (0x00AD, 0x00AD), (0x034F, 0x034F), (0x061C, 0x061C), (0x115F, 0x1160), (0x17B4, 0x17B5),
    (0x180B, 0x180F), (0x200B, 0x200F), (0x202A, 0x202E), (0x2060, 0x206F), (0x3164, 0x3164),
    (0xFE00, 0xFE0F), (0xFEFF, 0xFEFF), (0xFFA0, 0xFFA0), (0xFFF0, 0xFFF8), (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A), (0xE0000, 0xE0FFF),
]


def test_every_default_ignorable_character_is_removed_or_refused():
    missed = [
        f"U+{code:04X}"
        for first, last in DEFAULT_IGNORABLE
        for code in range(first, last + 1)
        if not _SUSPECT.match(chr(code))
    ]
    assert missed == []


def test_hangul_filler_is_refused_and_variation_selector_removed():
    assert normalize("浙江\u3164大学")[1] == [("\u3164", False, 1, 2)]
    assert normalize("浙江\uffa0大学")[1] == [("\uffa0", False, 1, 2)]
    assert normalize("好\u2764\ufe0f") == ("好\u2764", [("\ufe0f", True, 1, 2)])
    assert "\ufe0e" in REMOVED and "\u3164" not in REMOVED


def test_marks_and_the_blank_braille_pattern_alone_say_nothing():
    for blank in ("\u0301\u0301", "\u2800", "\u2800 \u3000", "·\u0301"):
        assert not is_meaningful(blank), repr(blank)
    for text in ("é", "e\u0301", "教授", "%", "★", "𠮷"):
        assert is_meaningful(text), repr(text)
