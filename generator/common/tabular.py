"""The one writer for every CSV and XLSX file the project produces (issue #10, item 3).

Record text is untrusted, and spreadsheets execute cells that look like formulas. Everything that
writes a table — open data (`/api/*.csv`), the yearly report, exports and templates — builds rows of
cells and hands them here:

    csv_bytes(rows, decimals=None, bom=True) -> bytes          one table, UTF-8, CRLF
    xlsx_bytes([Sheet(name, rows, ...)], timestamp) -> bytes    one workbook, byte-for-byte stable

A cell is `str`, `int`, `float`, `Decimal` or `None` (an empty cell); anything else (including bool:
say 是/否 in words) is a TypeError, so a caller cannot slip an unconverted value through.

Text cells (rule: OWASP "CSV Injection"):
- a text cell whose first character is `=`, `+`, `-`, `@` (or their full-width forms ＝＋－＠), a
  tab or a carriage return — or whose first character after leading whitespace is one of those —
  gets a `'` in front (`neutralise`);
- in XLSX every text cell is stored as a string (data type "s"), never as a formula;
- control characters that XLSX cannot hold (C0 controls other than tab, LF, CR) are written as
  visible `\\x0b`-style escapes, in both formats, so the two files say the same thing;
- XLSX cells longer than Excel's 32,767 characters are cut with "…".
Numbers stay numbers: a real -5 is the number -5, while the text "-5" is neutralised.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Iterable, Sequence

Cell = str | int | float | Decimal | None

# OWASP's = + - @, and their full-width forms (U+FF1D ＝, U+FF0B ＋, U+FF0D －, U+FF20 ＠): Chinese and
# Japanese input methods type those, and spreadsheets in East Asian locales turn them into formulas
FORMULA_STARTS = ("=", "+", "-", "@", "＝", "＋", "－", "＠")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # what XLSX (XML 1.0) cannot hold
XLSX_CELL_LIMIT = 32767
_SHEET_NAME_FORBIDDEN = re.compile(r"[\\/*?:\[\]]")
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
MAX_VALIDATED_ROW = 2000  # drop-downs reach this row: a society's roster, with room to spare


def neutralise(text: str) -> str:
    """`text` safe to put in a spreadsheet cell: `'` in front when a spreadsheet would read a formula."""
    if text[:1] in ("\t", "\r") or text.lstrip()[:1] in FORMULA_STARTS:
        return "'" + text
    return text


def _text(text: str) -> str:
    return neutralise(_CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text))


def _check(cell) -> None:
    if isinstance(cell, bool) or not isinstance(cell, (str, int, float, Decimal, type(None))):
        raise TypeError(f"a table cell is text, a number or None, not {type(cell).__name__}: {cell!r}")


def _csv_cell(cell: Cell, decimals: int | None) -> str:
    _check(cell)
    if cell is None:
        return ""
    if isinstance(cell, str):
        return _text(cell)
    if isinstance(cell, float) and decimals is not None:
        return f"{cell:.{decimals}f}"
    return str(cell)


def csv_bytes(rows: Iterable[Sequence[Cell]], *, decimals: int | None = None, bom: bool = True) -> bytes:
    """One CSV table as UTF-8 bytes (with a byte-order mark for Excel unless `bom=False`), CRLF lines.

    Text cells are neutralised (see the module docstring); `decimals` fixes how floats are written
    (e.g. 2 for 万元 amounts), otherwise Python's shortest form. Raises TypeError for other cells.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow([_csv_cell(cell, decimals) for cell in row])
    return (("\ufeff" if bom else "") + buffer.getvalue()).encode("utf-8")


@dataclass
class Validation:
    """A drop-down on a 0-based column below the header: `source` is a range such as
    "'选项'!$A$2:$A$63"; strict=False lets a cell hold other text too (a list of several values)."""

    column: int
    source: str
    strict: bool = True


@dataclass
class Sheet:
    """One worksheet. `rows[:header_rows]` are bold and frozen; `number_formats` maps a 0-based
    column to an Excel number format for the cells below the header; `widths` a column to a width;
    `validations` are drop-downs; a `hidden` sheet holds what the others refer to."""

    name: str
    rows: list[Sequence[Cell]]
    header_rows: int = 1
    number_formats: dict[int, str] = field(default_factory=dict)
    widths: dict[int, float] = field(default_factory=dict)
    validations: list[Validation] = field(default_factory=list)
    hidden: bool = False


def sheet_name(name: str) -> str:
    """A name Excel accepts for a worksheet: no \\ / * ? : [ ], at most 31 characters, not empty."""
    cleaned = _SHEET_NAME_FORBIDDEN.sub("_", _CONTROL.sub("_", name)).strip("'")[:31]
    return cleaned or "Sheet"


def _xlsx_cell(sheet, row: int, column: int, value: Cell):
    _check(value)
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, str):
        text = _text(value)
        if len(text) > XLSX_CELL_LIMIT:
            text = text[: XLSX_CELL_LIMIT - 1] + "…"
        cell.value = text
        cell.data_type = "s"  # openpyxl would store "=…" as a formula: text stays text
    elif value is not None:
        cell.value = value
    return cell


def xlsx_bytes(sheets: Sequence[Sheet], timestamp: datetime.datetime) -> bytes:
    """A workbook of `sheets` as bytes, the same bytes for the same rows: the document properties
    and every zip entry carry `timestamp` (zip entries: 1980-01-01, the zip format's first day),
    never the clock. Raises TypeError for cells that are not text, numbers or None."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    book.remove(book.active)
    for spec in sheets:
        sheet = book.create_sheet(sheet_name(spec.name))
        for r, values in enumerate(spec.rows, start=1):
            for c, value in enumerate(values, start=1):
                cell = _xlsx_cell(sheet, r, c, value)
                if r <= spec.header_rows:
                    cell.font = Font(bold=True)
                elif c - 1 in spec.number_formats:
                    cell.number_format = spec.number_formats[c - 1]
        for column, width in spec.widths.items():
            sheet.column_dimensions[sheet.cell(row=1, column=column + 1).column_letter].width = width
        if spec.header_rows:
            sheet.freeze_panes = sheet.cell(row=spec.header_rows + 1, column=1).coordinate
        for rule in spec.validations:
            letter = sheet.cell(row=1, column=rule.column + 1).column_letter
            check = DataValidation(type="list", formula1=rule.source, allow_blank=True, showErrorMessage=rule.strict)
            check.add(f"{letter}{spec.header_rows + 1}:{letter}{MAX_VALIDATED_ROW}")
            sheet.add_data_validation(check)
        if spec.hidden:
            sheet.sheet_state = "hidden"
    book.properties.created = timestamp
    book.properties.modified = timestamp
    book.properties.creator = "kexie"
    buffer = io.BytesIO()
    book.save(buffer)
    return _fixed_zip(buffer.getvalue(), timestamp)


def _fixed_zip(data: bytes, timestamp: datetime.datetime) -> bytes:
    """An .xlsx is a zip whose entries carry the time of writing, and openpyxl stamps the save time
    as "modified": fix both."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        entries = [(info.filename, source.read(info)) for info in source.infolist()]
    stamp = timestamp.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name, body in entries:
            if name == "docProps/core.xml":
                body = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + stamp, body)
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, body)
    return out.getvalue()
