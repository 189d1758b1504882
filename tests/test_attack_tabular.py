"""Attack round on issue #10 item 3: formula starts the issue did not name.

Chinese and Japanese input methods type the full-width ＝ ＋ － ＠; spreadsheets in East Asian
locales read them as the formula characters. Each cell is neutralised like its ASCII twin, in the
Python writer and in the directory's browser download (download.js keeps the same rule)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.common.tabular import FORMULA_STARTS, csv_bytes, neutralise

REPO = Path(__file__).resolve().parent.parent

FULL_WIDTH = [
    ("＝1+1", "'＝1+1"),
    ('＝HYPERLINK("http://evil.example","x")', '\'＝HYPERLINK("http://evil.example","x")'),
    ("＋86 138", "'＋86 138"),
    ("－2+3+cmd|' /C calc'!A0", "'－2+3+cmd|' /C calc'!A0"),
    ("＠SUM(A1)", "'＠SUM(A1)"),
    ("\u3000＝1", "'\u3000＝1"),
    ("\u00a0=1", "'\u00a0=1"),
    ("\u2028=1", "'\u2028=1"),
]


@pytest.mark.parametrize("text, safe", FULL_WIDTH)
def test_full_width_formula_starts_get_a_quote(text, safe):
    assert neutralise(text) == safe
    assert csv_bytes([[text]]).decode("utf-8-sig").rstrip("\r\n").strip('"') == safe.replace('"', '""')


@pytest.mark.parametrize("text", ["一＝二", "杭州＋宁波", "甲－乙", "a＠b"])
def test_full_width_signs_inside_text_stay(text):
    assert neutralise(text) == text


def test_browser_download_uses_the_same_formula_starts():
    script = (REPO / "site_src" / "assets" / "javascripts" / "download.js").read_text(encoding="utf-8")
    pattern = re.search(r"var FORMULA = /\^\[(.*?)\]/;", script).group(1)
    chars = re.sub(r"\\u([0-9a-f]{4})", lambda m: chr(int(m.group(1), 16)), pattern).replace("\\-", "-")
    assert set(chars) == set(FORMULA_STARTS)
