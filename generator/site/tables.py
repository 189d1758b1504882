"""Tables that read on a phone and align money: one pass over a page's finished HTML.

Every data table of the site has a `<thead>`. On a 390 px screen a table of four or more columns
cannot be read inside a sideways-scrolling box, so it becomes a stack of cards (kexie.css): each
cell then shows its column's heading before its value. The heading is copied into the cell here,
at build time, as `data-label` (CSS shows it with `attr()`), so the cards need no script.

A header cell whose every body cell is a number (`class="kx-num"`) gets that class too, so the
column's heading is right-aligned above its figures.

The input is our own templates' output (cells never nest tables); record text inside it is already
escaped, and the labels taken from headings are escaped again for the attribute.
"""

from __future__ import annotations

import html
import re

CARDS_FROM_COLUMNS = 4  # tables this wide become cards on a phone (tables.js: the same number)

_TABLE = re.compile(r"<table\b([^>]*)>(.*?)</table>", re.S)
_THEAD = re.compile(r"<thead\b[^>]*>(.*?)</thead>", re.S)
_ROW = re.compile(r"<tr\b[^>]*>(.*?)</tr>", re.S)
_CELL_OPEN = re.compile(r"<(td|th)\b([^>]*)>")
_CELL = re.compile(r"<(td|th)\b([^>]*)>(.*?)</\1>", re.S)
_TAG = re.compile(r"<[^>]+>")
_SPAN = re.compile(r'\bcolspan="?(\d+)')
_CLASS = re.compile(r'\bclass="([^"]*)"')


def _text(fragment: str) -> str:
    return " ".join(html.unescape(_TAG.sub("", fragment)).split())


def _span(attributes: str) -> int:
    found = _SPAN.search(attributes)
    return int(found.group(1)) if found else 1


def _is_number(attributes: str) -> bool:
    found = _CLASS.search(attributes)
    return bool(found) and "kx-num" in found.group(1).split()


def _with_class(attributes: str, name: str) -> str:
    found = _CLASS.search(attributes)
    if not found:
        return f'{attributes} class="{name}"'
    if name in found.group(1).split():
        return attributes
    return attributes[: found.end(1)] + f" {name}" + attributes[found.end(1):]


def _label_rows(body: str, labels: list[str], numeric: list[bool], write: bool = True) -> str:
    """Add data-label to the cells of every row in `body` (a table without its thead)."""

    def row(match: re.Match) -> str:
        column = 0

        def cell(cell_match: re.Match) -> str:
            nonlocal column
            tag, attributes = cell_match.group(1), cell_match.group(2)
            here, column = column, column + _span(attributes)
            if here < len(numeric) and tag == "td" and not _is_number(attributes):
                numeric[here] = False
            if not write or here >= len(labels) or "data-label=" in attributes or not labels[here]:
                return cell_match.group(0)
            return f'<{tag}{attributes} data-label="{html.escape(labels[here], quote=True)}">'

        return _CELL_OPEN.sub(cell, match.group(0))

    return _ROW.sub(row, body)


def _table(match: re.Match, write: bool = True) -> str:
    attributes, inner = match.group(1), match.group(2)
    head = _THEAD.search(inner)
    if not head:
        return match.group(0)
    labels: list[str] = []
    for cell in _CELL.finditer(head.group(1)):
        labels += [_text(cell.group(3))] * _span(cell.group(2))
    numeric = [True] * len(labels)
    before, after = inner[: head.start()], inner[head.end():]
    after = _label_rows(after, labels, numeric, write)
    has_body_cells = "<td" in after

    column = 0

    def heading(cell_match: re.Match) -> str:
        nonlocal column
        tag, cell_attributes = cell_match.group(1), cell_match.group(2)
        here, column = column, column + _span(cell_attributes)
        if has_body_cells and here < len(numeric) and numeric[here]:
            return f"<{tag}{_with_class(cell_attributes, 'kx-num')}>"
        return cell_match.group(0)

    thead = _CELL_OPEN.sub(heading, head.group(0))
    if write and len(labels) >= CARDS_FROM_COLUMNS and "data-cards" not in attributes:
        attributes += " data-cards"
    return f"<table{attributes}>{before}{thead}{after}</table>"


def prepare_tables(page_html: str, labels: bool = True) -> str:
    """The page with its tables labelled for phone cards (unless `labels` is False: record pages,
    where tables.js labels them) and numeric headings aligned.

    Idempotent: a cell that already has data-label, a heading that already has kx-num and a table
    already marked data-cards are left as they are.
    """
    if "<thead" not in page_html:
        return page_html
    return _TABLE.sub(lambda match: _table(match, labels), page_html)
