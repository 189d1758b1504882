"""Money reads as money on the demo site (issue 16, item 2): every amount is 万元 with two decimals,
and in every table with a 合计 line each money column and the 占比 column add up to it."""

from __future__ import annotations

import html
import re

import pytest

from generator.common.money import shares
from tests.sitebuild import demo_site, read_page

_TABLE = re.compile(r"<table\b[^>]*>(.*?)</table>", re.S)
_THEAD = re.compile(r"<thead\b[^>]*>(.*?)</thead>", re.S)
_ROW = re.compile(r"<tr\b[^>]*>(.*?)</tr>", re.S)
_CELL = re.compile(r"<(td|th)\b[^>]*>(.*?)</\1>", re.S)
_TAG = re.compile(r"<[^>]+>")
_AMOUNT = re.compile(r"-?\d{1,3}(,\d{3})*\.\d\d")
TOTAL_LABELS = ("合计",)


def _cells(row: str) -> list[str]:
    return [" ".join(html.unescape(_TAG.sub("", c)).split()) for _, c in _CELL.findall(row)]


def _tables():
    site = demo_site()
    for page in sorted(site.rglob("index.html")):
        record = len(page.relative_to(site).parts) == 3  # minified: read as a browser does
        for table in _TABLE.findall(read_page(page) if record else page.read_text(encoding="utf-8")):
            head = _THEAD.search(table)
            if head:
                yield page.relative_to(site).parent.as_posix(), _cells(_ROW.search(head.group(1)).group(1)), table[head.end():]


def _number(text: str) -> float:
    return float(text.rstrip("%").replace(",", ""))


def test_every_total_line_reconciles_with_its_rows():
    checked = 0
    for page, headings, body in _tables():
        rows = [_cells(r) for r in _ROW.findall(body)]
        at = next((i for i, r in enumerate(rows) if r and r[0] in TOTAL_LABELS), None)
        if at is None:
            continue
        totals, lines = [rows[at]], [r for r in rows[:at] if r]  # lines under the total (已退回, 净额) derive from it
        for column, heading in enumerate(headings):
            if "万元" not in heading and heading != "占比":
                continue
            expected = _number(totals[0][column])
            got = sum(_number(r[column]) for r in lines if column < len(r) and r[column])
            assert round(got, 2) == round(expected, 2), f"/{page}/ column {heading}: rows add up to {got:.2f}, the total says {expected:.2f}"
            checked += 1
    assert checked > 50  # the funding pages, projects and societies: many totals


def test_amounts_are_wan_with_two_decimals():
    for page, headings, body in _tables():
        for row in (_cells(r) for r in _ROW.findall(body)):
            for heading, cell in zip(headings, row):
                if "万元" in heading and cell not in ("", "—"):
                    assert _AMOUNT.fullmatch(cell.split(" – ")[0]), f"/{page}/ {heading}: {cell!r}"


@pytest.mark.parametrize(
    "amounts,expected",
    [([1, 1, 1], ["33.4", "33.3", "33.3"]), ([2, 1], ["66.7", "33.3"]), ([0, 0], ["0.0", "0.0"]), ([7, 0], ["100.0", "0.0"]), ([], [])],
)
def test_shares_add_up_to_exactly_one_hundred(amounts, expected):
    assert shares(amounts) == expected
    if any(amounts):
        assert sum(round(float(s) * 10) for s in shares(amounts)) == 1000
