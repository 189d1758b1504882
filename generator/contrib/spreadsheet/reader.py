"""A spreadsheet file → its header and rows, each cell with the place a person would point at.

XLSX: the first sheet, read with openpyxl so that a formula is seen as a formula (and refused: a
cell must hold what the record says, not a calculation). CSV: UTF-8 with or without BOM, or
GB18030 (what Excel on Chinese Windows writes); the encoding found is reported.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 100_000


class SheetError(ValueError):
    """The file cannot be read as a table; str() is the Chinese reason."""


@dataclass(frozen=True)
class Table:
    """file: name for messages; sheet: sheet name ("" for CSV); encoding: how a CSV was read;
    header: the first row's texts; rows: (row number as the program shows it, cells)."""

    file: str
    sheet: str
    encoding: str
    header: list[str]
    rows: list[tuple[int, list]]

    def where(self, row: int, header: str | None = None) -> str:
        place = f"{self.file} {self.sheet} 第 {row} 行" if self.sheet else f"{self.file} 第 {row} 行"
        return f"{place} {header}" if header else place


def column_letter(index: int) -> str:
    """0 → A, 26 → AA (the letters a spreadsheet program shows)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def read_table(path: Path) -> Table:
    """Read `path` (.xlsx or .csv). Raises SheetError for unreadable files, formulas and size."""
    if not path.is_file():
        raise SheetError(f"找不到文件 {path.name}")
    if path.stat().st_size > MAX_BYTES:
        raise SheetError(f"{path.name} 超过 {MAX_BYTES // 1024 // 1024} MB：请分成几个文件导入")
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return _read_xlsx(path)
    if suffix == ".csv":
        return _read_csv(path)
    raise SheetError(f"{path.name}：只能导入 .xlsx 或 .csv 文件（.xls 请在 Excel 中另存为 .xlsx）")


def _trim(rows: list[tuple[int, list]]) -> list[tuple[int, list]]:
    return [(n, cells) for n, cells in rows if any(c not in (None, "") and str(c).strip() for c in cells)]


def _read_xlsx(path: Path) -> Table:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(path, data_only=False, read_only=False)
    except (InvalidFileException, OSError, KeyError, ValueError) as exc:
        raise SheetError(f"{path.name} 不是可读的 Excel 文件（{type(exc).__name__}）：请在 Excel 中另存为 .xlsx 后再试") from None
    sheet = book.worksheets[0]
    rows, formulas = [], []
    for r, row in enumerate(sheet.iter_rows(), start=1):
        if r > MAX_ROWS:
            raise SheetError(f"{path.name} 超过 {MAX_ROWS} 行：请分成几个文件导入")
        cells = []
        for cell in row:
            if cell.data_type == "f" or type(cell.value).__name__ in ("ArrayFormula", "DataTableFormula"):
                formulas.append(f"{sheet.title} {cell.coordinate}")
            cells.append(cell.value)
        rows.append((r, cells))
    if formulas:
        shown = "、".join(formulas[:5]) + ("等" if len(formulas) > 5 else "")
        raise SheetError(f"{path.name} 含有公式（{shown}）：请把公式单元格复制后“选择性粘贴 → 数值”，再导入")
    rows = _trim(rows)
    if not rows:
        raise SheetError(f"{path.name} {sheet.title}：表是空的，第一行应为列标题")
    header = [str(c).strip() if c is not None else "" for c in rows[0][1]]
    return Table(path.name, sheet.title, "", header, rows[1:])


def _decode(data: bytes, name: str) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "UTF-8（带 BOM）"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise SheetError(f"{name} 是 UTF-16 编码：请在 Excel 中另存为“CSV UTF-8（逗号分隔）”")
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "GB18030（Excel 中文版默认的 CSV 编码）"
    except UnicodeDecodeError as exc:
        raise SheetError(f"{name} 既不是 UTF-8 也不是 GB18030 编码（第 {exc.start} 字节）：请另存为“CSV UTF-8”") from None


def _read_csv(path: Path) -> Table:
    text, encoding = _decode(path.read_bytes(), path.name)
    if "\x00" in text:
        raise SheetError(f"{path.name} 含有 NUL 字符，不是文本表格")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:  # numbered as a spreadsheet program shows the rows (a cell may span lines of the file)
        rows = _trim(list(enumerate(reader, start=1)))
    except csv.Error as exc:
        raise SheetError(f"{path.name} 第 {reader.line_num} 行不是合法的 CSV（{exc}）：请检查引号是否成对") from None
    if not rows:
        raise SheetError(f"{path.name}：表是空的，第一行应为列标题")
    header = [c.strip() for c in rows[0][1]]
    formulas = [f"第 {n} 行 {column_letter(i)} 列" for n, cells in rows for i, c in enumerate(cells) if c.startswith("=")]
    if formulas:
        shown = "、".join(formulas[:5]) + ("等" if len(formulas) > 5 else "")
        raise SheetError(f"{path.name} 含有公式（{shown}）：请填写数值或文字；确需以“=”开头的文字请在前面加 '")
    return Table(path.name, "", encoding, header, rows[1:])
