"""`kexie export` and `kexie template`: records → a workbook (or CSV) in the import layout.

The template is the export of no records plus a sheet explaining each column (from the schema's
descriptions), a hidden sheet of choices and a drop-down on every column with fixed choices
(disciplines as code + name, industries, districts, honours, yes/no). Both go through the one safe
table writer (common/tabular.py), so record text can never become a formula.
"""

from __future__ import annotations

import datetime
from pathlib import Path

from generator.common.safe_write import write_file
from generator.common.tabular import Sheet, Validation, csv_bytes, xlsx_bytes
from generator.contrib.spreadsheet.reader import column_letter
from generator.records.cells import write_cell
from generator.records.columns import NO, YES, Column, columns_for
from generator.records.recordset import TYPE_ZH, RecordSet
from generator.records.schemas import SchemaSet

EPOCH = datetime.datetime(2015, 6, 3)  # the plan's first day: a fixed time for reproducible files
CHOICES_SHEET = "选项"


def _kind_text(column: Column) -> str:
    return {
        "boolean": f"{YES} 或 {NO}",
        "integer": "整数",
        "date": "日期，如 2016-03-01",
        "list": "每行一项" if column.free else "多个值用“、”分隔",
        "objects": "多项用“；”分隔，每项写“字段=值”，字段之间用“，”分隔",
    }.get(column.kind, "文字")


def _explanation(columns: list[Column]) -> Sheet:
    rows = [["列标题", "必填", "填写方式", "说明", "可选值"]]
    for column in columns:
        fields = "；".join(f.header for f in column.fields)
        options = "、".join(f"{code} {label}" if code != label else code for code, label in column.choices[:80])
        required = "是" if column.required and column.path not in (("id",), ("owner",)) else ""
        if column.path == ("id",):
            note = "专家可不填：按姓名拼音自动生成（如 欧阳明远 → ouyang-mingyuan）；填写已有编号则更新该记录"
        elif column.path == ("owner",):
            note = "不填时用 kexie import --owner 指定的学会"
        else:
            note = column.description
        rows.append([column.header, required, _kind_text(column) + (f"（字段：{fields}）" if fields else ""), note, options])
    return Sheet("填写说明", rows, widths={0: 24, 1: 6, 2: 36, 3: 60, 4: 60})


def _choice_sheet(columns: list[Column]) -> tuple[Sheet, list[Validation]]:
    """The hidden sheet of choices (one column per controlled field) and the drop-downs on it."""
    lists = [(i, c, [f"{code} {label}" if code != label else code for code, label in c.choices]) for i, c in enumerate(columns) if c.choices]
    lists += [(i, c, [YES, NO]) for i, c in enumerate(columns) if c.kind == "boolean"]
    lists.sort(key=lambda item: item[0])
    height = max((len(values) for _, _, values in lists), default=0)
    rows = [[c.header for _, c, _ in lists]] + [[values[r] if r < len(values) else None for _, _, values in lists] for r in range(height)]
    validations = []
    for n, (index, column, values) in enumerate(lists):
        letter = column_letter(n)
        validations.append(Validation(index, f"'{CHOICES_SHEET}'!${letter}$2:${letter}${len(values) + 1}", strict=column.kind != "list"))
    return Sheet(CHOICES_SHEET, rows, hidden=True), validations



def workbook(schemas: SchemaSet, record_type: str, records: list[dict]) -> bytes:
    """The record type's sheet with one row per record (none for a template), explained and with drop-downs."""
    columns = columns_for(schemas, record_type)
    choices, validations = _choice_sheet(columns)
    main = Sheet(
        TYPE_ZH[record_type],
        [[c.header for c in columns], *[[write_cell(c, r) for c in columns] for r in records]],
        widths={i: (40 if c.kind in ("objects", "list") or "简介" in c.header else 16) for i, c in enumerate(columns)},
        validations=validations,
    )
    return xlsx_bytes([main, _explanation(columns), choices], EPOCH)


def table_csv(schemas: SchemaSet, record_type: str, records: list[dict]) -> bytes:
    columns = columns_for(schemas, record_type)
    return csv_bytes([[c.header for c in columns], *[[write_cell(c, r) for c in columns] for r in records]])


def export_records(records: RecordSet, schemas: SchemaSet, record_type: str, out: Path) -> int:
    """Write every valid record of `record_type` (by id) to `out` (.xlsx or .csv); returns the count.
    Raises OutputError (common/safe_write.py) for a link, a folder or a missing folder at `out`."""
    rows = [r.data for r in sorted(records.valid(record_type), key=lambda r: r.id)]
    data = table_csv(schemas, record_type, rows) if out.suffix.lower() == ".csv" else workbook(schemas, record_type, rows)
    write_file(out, data)
    return len(rows)


def write_template(schemas: SchemaSet, record_type: str, out: Path) -> None:
    """Write an empty workbook for `record_type` to `out` (.xlsx). Raises OutputError."""
    write_file(out, workbook(schemas, record_type, []))


