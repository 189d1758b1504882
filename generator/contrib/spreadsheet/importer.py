"""`kexie import`: a filled-in spreadsheet → new and updated record files, all or nothing.

1. read the table (reader.py) and map its headers to the record type's columns (columns.py);
2. turn each row into a record (cells.py), giving experts an id from their name's pinyin with the
   surname rules (欧阳明远 → ouyang-mingyuan; a taken id gets -2, -3… and is reported);
3. a row with the id of an existing record, or for experts the same name and affiliation, updates
   that record: the columns present replace those fields, others stay as they were;
4. validate everything with the pipeline of `kexie validate`, on a copy of the records folder with
   the new files in it; any error → nothing is written, and each error names the file, sheet, row
   and column (`roster.xlsx 专家 第 4 行 学科: …`);
5. write only records that changed (so re-importing an unchanged export writes nothing).
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from generator.checks.pipeline import check_records
from generator.common.safe_write import OutputError, write_file
from generator.records.cells import CellError, put, read_cell
from generator.records.columns import Column, columns_for
from generator.contrib.spreadsheet.reader import Table, column_letter, read_table
from generator.records.dump import dump_record
from generator.records.names import derive_pinyin, load_surnames
from generator.records.problems import ERROR
from generator.records.recorddiff import record_notes
from generator.records.recordset import FOLDERS, display_path
from generator.records.schemas import SchemaSet, find_schemas_dir

HEADER_COMMENT = "# yaml-language-server: $schema=../../schemas/{type}.schema.json\n"


class SheetImportError(ValueError):
    """The import was refused; `lines` are the Chinese messages, one per problem."""

    def __init__(self, lines: list[str]):
        super().__init__("\n".join(lines))
        self.lines = lines


@dataclass
class Outcome:
    """What an import did (or, with dry_run, would do): paths added and changed, notes per record."""

    encoding: str = ""
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: int = 0
    notes: list[str] = field(default_factory=list)


def _map_headers(table: Table, columns: list[Column], record_type: str) -> dict[int, Column]:
    by_header = {c.header: c for c in columns}
    mapped, problems = {}, []
    for index, header in enumerate(table.header):
        if not header:
            continue
        column = by_header.get(header.replace(" ", "").replace("*", "").replace("（必填）", ""))
        if column is None:
            problems.append(f"{table.where(1)} {column_letter(index)} 列：不认识的列标题“{header}”：请用模板中的列标题（kexie template {record_type}）")
        elif column in mapped.values():
            problems.append(f"{table.where(1)} {column_letter(index)} 列：列标题“{header}”重复了")
        else:
            mapped[index] = column
    present = {c.path for c in mapped.values()}
    for column in columns:
        must = column.required and column.path not in (("id",), ("owner",))
        if must and column.path not in present:
            problems.append(f"{table.where(1)}：缺少必填列“{column.header}”")
    if problems:
        raise SheetImportError(problems)
    return mapped


def _row_record(table: Table, number: int, cells: list, mapped: dict[int, Column], problems: list) -> tuple[dict, dict]:
    record, where = {}, {}
    for index, column in mapped.items():
        value = cells[index] if index < len(cells) else None
        try:
            parsed = read_cell(column, value)
        except CellError as exc:
            problems.append(f"{table.where(number, column.header)}: {exc}")
            continue
        where[column.path[0]] = column.header
        put(record, column, parsed)
    return record, where


def _prune(data):
    """The record without the empty fields a blank cell leaves (None values, empty objects)."""
    if isinstance(data, dict):
        out = {k: _prune(v) for k, v in data.items() if v is not None}
        return {k: v for k, v in out.items() if v != {}}
    return data


def _ordered(data: dict, columns: list[Column]) -> dict:
    """Keys in the schema's order, as `kexie new` writes them."""
    order = []
    for column in columns:
        if column.path[0] not in order:
            order.append(column.path[0])
    return {k: data[k] for k in sorted(data, key=lambda k: order.index(k) if k in order else len(order))}


def run_import(records: Path, record_type: str, source: Path, owner: str | None = None, dry_run: bool = False) -> Outcome:
    """Import `source` into `records/<folder>/`; raises SheetImportError (nothing written) on any error.

    `owner` is set on new records that do not name one. Returns what was (or would be) written.
    """
    if record_type not in FOLDERS or record_type in ("policy", "staff"):
        raise SheetImportError([f"不能导入的记录类型“{record_type}”：可用 expert、society、workstation、project、need、proposal"])
    schemas = SchemaSet(find_schemas_dir(records))
    columns = columns_for(schemas, record_type)
    try:
        table = read_table(source)
    except ValueError as exc:
        raise SheetImportError([str(exc)]) from None
    mapped = _map_headers(table, columns, record_type)
    checked = check_records(records)
    existing = {r.id: r.data for r in checked.records.all() if r.type == record_type and isinstance(r.data, dict)}
    by_person = {(d.get("name"), d.get("affiliation")): rid for rid, d in existing.items() if record_type == "expert"}
    surnames = load_surnames(schemas.folder)
    problems, writes, rows_of, outcome = [], {}, {}, Outcome(encoding=table.encoding)
    for number, cells in table.rows:
        data, where = _row_record(table, number, cells, mapped, problems)
        rid = data.get("id") or existing_id(by_person, data)
        if not rid and record_type == "expert" and data.get("name"):
            rid = _new_id(derive_pinyin(data["name"], surnames), set(existing) | set(writes), outcome)
        if not rid:
            problems.append(f"{table.where(number, '记录编号')}: 请填写记录编号（小写字母、数字和连字符）")
            continue
        if rid in rows_of:
            problems.append(f"{table.where(number)}: 与第 {rows_of[rid][0]} 行是同一条记录（{rid}），请合并为一行")
            continue
        before = existing.get(rid)
        merged = _prune({**(before or {}), **data, "id": rid})
        if before is None and "owner" not in merged and owner:
            merged["owner"] = owner
        merged = _ordered(merged, columns)
        rows_of[rid] = (number, where)
        if merged != before:
            writes[rid] = (before, merged)
        else:
            outcome.unchanged += 1
    if problems:
        raise SheetImportError(problems)
    _validate(records, record_type, writes, rows_of, table, checked, problems)
    if problems:
        raise SheetImportError(problems)
    folder = records / FOLDERS[record_type]
    for rid, (before, after) in sorted(writes.items()):
        path = folder / f"{rid}.yaml"
        (outcome.changed if before is not None else outcome.added).append(str(path))
        notes = record_notes(schemas, record_type, before, after) if before is not None else []
        outcome.notes += [f"{'修改' if before is not None else '新增'} {path}"] + [f"  {n}" for n in notes]
        if not dry_run:
            folder.mkdir(parents=True, exist_ok=True)
            write_file(path, _file_text(record_type, path, after))
    return outcome


def existing_id(by_person: dict, data: dict) -> str | None:
    """An expert's existing id when a record has the same name and affiliation, else None."""
    return by_person.get((data.get("name"), data.get("affiliation")))


def _new_id(pinyin: str, taken: set, outcome: Outcome) -> str:
    base = "-".join(pinyin.lower().split()) or "expert"
    base = "".join(ch for ch in base if ch.isascii() and (ch.isalnum() or ch == "-")).strip("-") or "expert"
    rid, n = base, 1
    while rid in taken:
        n += 1
        rid = f"{base}-{n}"
    if rid != base:
        outcome.notes.append(f"编号 {base} 已被占用，新记录用 {rid}")
    return rid


def _file_text(record_type: str, path: Path, data: dict) -> str:
    """An existing file keeps its leading comment lines; a new one gets the schema line."""
    head = HEADER_COMMENT.format(type=record_type)
    if path.exists():
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        comments = []
        for line in lines:
            if not line.startswith("#"):
                break
            comments.append(line)
        head = "".join(comments) or head
    return head + dump_record(data)


def _validate(records: Path, record_type: str, writes: dict, rows_of: dict, table: Table, checked, problems: list) -> None:
    """The pipeline of `kexie validate` on a copy of the records with the new files in it; errors
    in the written files are pointed at their sheet row and column, new errors elsewhere by file
    (named as in `records`, never by the temporary copy's path)."""
    if not writes:
        return
    shown_records = display_path(records)

    def relative(path: str, root: str) -> str:  # "experts/li-na.yaml", whatever the working directory
        return path[len(root) + 1 :] if path.startswith(root + "/") else path

    before = {(relative(p.path, shown_records), p.rule, p.message) for p in checked.report.problems if p.severity == ERROR}
    with tempfile.TemporaryDirectory(prefix="kexie-import-") as tmp:
        copy = Path(tmp) / "records"
        shutil.copytree(records, copy, symlinks=True)  # links stay links: the loader refuses them as before
        shutil.copytree(find_schemas_dir(records), Path(tmp) / "schemas")
        folder = copy / FOLDERS[record_type]
        folder.mkdir(parents=True, exist_ok=True)
        for rid, (_, after) in writes.items():
            try:  # never through a link: the copy keeps the records' links, which may lead anywhere
                write_file(folder / f"{rid}.yaml", _file_text(record_type, folder / f"{rid}.yaml", after))
            except OutputError as exc:
                problems.append(f"{table.where(rows_of[rid][0])}: {str(exc).replace(str(copy), str(records))}")
        if problems:
            return
        result = check_records(copy)
        shown_copy = display_path(copy)
    prefix = f"{FOLDERS[record_type]}/"
    for p in result.report.problems:
        if p.severity != ERROR:
            continue
        path = relative(p.path, shown_copy)
        rid = path.removeprefix(prefix).removesuffix(".yaml") if path.startswith(prefix) else None
        if rid in writes:
            number, where = rows_of[rid]
            header = where.get(p.field.split(".")[0]) if p.field else None
            problems.append(f"{table.where(number, header)}: {p.message}")
        elif (path, p.rule, p.message) not in before:
            problems.append(f"{shown_records}/{path}:{p.line}:{p.column}: {p.message}（由本次导入引起）")
