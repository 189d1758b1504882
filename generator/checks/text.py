"""Checks on record text (issue #9, classes 2 and 3).

- `text-invisible` (warning): a harmless invisible character (U+200B 零宽空格 …) was removed when the
  record was loaded; everything downstream already sees the text without it (records/text.py).
  Not shown for a value that has an error of its own (checks/pipeline.py): one message per value.
- `text-control` (error): a control, direction or other format character that is refused; the
  record is treated like one that failed its schema (no page, file or report is made from it).
- `text-blank` (error): a text made only of spaces and punctuation (“　 ”, “··”) says nothing.
  Every string whose field is not a fixed vocabulary is checked, required or not.
- `text-link-refused` (warning): a link in a Markdown field (`x-markdown` in the schema: bios,
  summaries, need descriptions) that the pages will show as plain text, because it is not an
  http(s) address without a user name, a mailto: address or a link inside the site
  (common/links.py, the renderer's own rule; issue #10, item 11).
"""

from __future__ import annotations

from generator.records.problems import ERROR, WARNING, Problem
from generator.records.recordset import Record, RecordSet
from generator.records.schemas import SchemaSet
from generator.common.links import refused_links
from generator.common.quoting import LIMIT, escape, quote
from generator.records.text import Finding, char_name, is_meaningful

# why a refused character must go, by kind
_WHY_DIRECTION = "它会改变文字的显示方向，可能让审核人看到的和实际发布的不一样"
_WHY_DEFAULT = "它看不见或显示不出来，还会让表格、报表等文件出错；通常是从 Word、Excel 或网页复制时带入的"


def _why(ch: str) -> str:
    if "\u202a" <= ch <= "\u202e" or "\u2066" <= ch <= "\u2069" or ch in "\u200e\u200f\u061c":
        return _WHY_DIRECTION
    if ch == "\t":
        return "请改为空格"
    return _WHY_DEFAULT


def _label(schemas: SchemaSet, record: Record, path: tuple) -> str:
    name = ".".join(escape(p, LIMIT) for p in path) or "（文件最外层）"
    try:
        title = schemas.field_schema(record.type, path).get("title", "")
    except (KeyError, AttributeError, TypeError):  # a path the schema does not know
        title = ""
    return f"`{name}`（{title}）" if title else f"`{name}`"


def _finding_problem(record: Record, finding: Finding, label: str) -> Problem:
    where = f"字段名 {label}" if finding.key else label
    times = f" {finding.count} 个" if finding.count > 1 else ""
    name = char_name(finding.char)
    line, column = record.doc.where(finding.path, key=finding.key, char=finding.char)
    field = ".".join(str(p) for p in finding.path)
    if finding.removed:
        message = (
            f"{where} 中有{times}看不见的字符 {name}（通常是从网页或微信复制时带入的）：已自动删除，"
            "网站、搜索和报表都按删除后的文字处理；请也从文件中删除它"
        )
        return Problem(record.path, line, column, "text-invisible", message, WARNING, field)
    position = [] if finding.key else [f"第 {finding.offset + 1} 个字符处"]
    if finding.count > 1:
        position.append(f"共 {finding.count} 个")
    position = f"（{'，'.join(position)}）" if position else ""
    message = f"{where} 中有不允许的字符 {name}{position}：请删除它。{_why(finding.char)}"
    return Problem(record.path, line, column, "text-control", message, ERROR, field)


def check_text(records: RecordSet, schemas: SchemaSet, reported=frozenset()):
    """Problems for the characters the loader removed or refused, and for blank texts. Records
    with a refused character are added to records.invalid. `reported` holds (file, dotted field)
    pairs that already have a schema error: a blank value there is not reported twice."""
    vocabulary: dict[tuple, bool] = {}  # path shape → the field is a fixed vocabulary
    for record in records.all():
        for finding in record.doc.findings:
            problem = _finding_problem(record, finding, _label(schemas, record, finding.path))
            if problem.severity == ERROR:
                records.invalid.add((record.type, record.id))
            yield problem
        if not (record.doc.maybe_blank or record.doc.findings):
            continue  # every text starts with a letter or digit: none is blank
        for path, value in _strings(record.data):
            if is_meaningful(value) or (record.path, ".".join(map(str, path))) in reported:
                continue
            shape = (record.type,) + tuple(0 if isinstance(p, int) else p for p in path)
            if shape not in vocabulary:
                schema = _field_schema(schemas, record.type, path)
                vocabulary[shape] = "enum" in schema or "const" in schema
            if vocabulary[shape]:
                continue  # a fixed vocabulary: the schema check names the allowed values
            shown = quote(value, limit=20)
            yield record.at(
                path,
                "text-blank",
                f"{_label(schemas, record, path)} 只有空白或标点（{shown}），没有实际内容：请填写实际内容；选填字段不需要时请删除这一行",
            )


def _field_schema(schemas: SchemaSet, record_type: str, path: tuple) -> dict:
    try:
        schema = schemas.field_schema(record_type, path)
    except (KeyError, AttributeError, TypeError):
        return {}
    return schema if isinstance(schema, dict) else {}


def _strings(value, path=()):
    """(path, text) of every non-empty string value; empty ones are minLength's business."""
    if isinstance(value, str):
        if value:
            yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, path + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, path + (index,))


def check_links(records: RecordSet, schemas: SchemaSet):
    """Warnings for the links of Markdown fields that a page would show as plain text.

    Only top-level fields marked `x-markdown` are Markdown; texts without link syntax are not
    parsed (common/links.py), so the cost is one regular-expression search per such field."""
    fields: dict[str, list[str]] = {}
    for record in records.all():
        if (record.type, record.id) in records.invalid:
            continue
        if record.type not in fields:
            document = schemas.documents.get(f"{record.type}.schema.json", {})
            fields[record.type] = [
                name for name in document.get("properties", {})
                if _field_schema(schemas, record.type, (name,)).get("x-markdown")
            ]
        for name in fields[record.type]:
            value = record.data.get(name)
            if not isinstance(value, str):
                continue
            for href in refused_links(value):
                yield record.at(
                    (name,),
                    "text-link-refused",
                    f"{_label(schemas, record, (name,))} 中的链接 {quote(href, limit=60)} 不会发布成链接，页面上只显示文字："
                    "链接只能是 http:// 或 https:// 开头的完整网址（网址前不能带“用户名@”）、mailto: 邮箱，"
                    "或站内的相对链接（例如 ../zhang-wei/）；请改正或删除这个链接",
                    WARNING,
                )
