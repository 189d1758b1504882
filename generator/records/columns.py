"""One record type's schema → the columns of its spreadsheet (import, export, template, open-data CSV).

A column per field, headed by the schema's Chinese title:
- a nested object's fields get their own columns, headed "对象标题·字段标题" (公开授权·同意公开);
- a list of codes or ids is one cell, values separated by 、 (学科: 520、430); a list of free
  text (a society's duties) has one item per line of the cell, since the items hold 、 and ，;
- a list of objects is one cell, items separated by ；and each item's fields written "标题=值"
  separated by ，(所属学会: 学会编号=hz-jisuanji-xuehui，学会职务=理事；…);
- a controlled value (discipline, industry, district, honour…) may be written as its code, its
  label or both (520、计算机科学技术、520 计算机科学技术), and the template offers a drop-down;
- yes/no fields are 是/否, dates are dates (a date cell or 2015-10-17).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from generator.records.schemas import SchemaSet

LIST_SEPARATOR = "、"
ITEM_SEPARATOR = "；"
FIELD_SEPARATOR = "，"
NESTED = "·"
YES, NO = "是", "否"


@dataclass(frozen=True)
class Column:
    """One spreadsheet column.

    path: field path in the record, ("consent", "publish"); kind: "text", "integer", "boolean",
    "date", "list" (of values) or "objects" (list of objects); choices: (code, label) pairs of a
    controlled value (for "list": of its items); fields: the item columns of an "objects" column.
    """

    path: tuple[str, ...]
    header: str
    kind: str
    required: bool = False
    description: str = ""
    choices: tuple[tuple[str, str], ...] = ()
    fields: tuple["Column", ...] = field(default=())
    free: bool = False  # a list of free text: one item per line

    @property
    def separator(self) -> str:
        return "\n" if self.free else LIST_SEPARATOR

    @property
    def labels(self) -> dict[str, str]:
        return dict(self.choices)


def _choices(schema: dict) -> tuple[tuple[str, str], ...]:
    labels = schema.get("x-labels", {})
    return tuple((str(value), labels.get(value, str(value))) for value in schema.get("enum", []))


def _kind(schema: dict) -> str:
    kind = schema.get("type")
    if kind == "boolean":
        return "boolean"
    if kind == "integer":
        return "integer"
    if kind == "string" and "(0[1-9]|1[0-2])" in schema.get("pattern", ""):
        return "date"
    return "text"


def _describe(schema: dict) -> str:
    return schema.get("description", "")


def _columns(schema: dict, path: tuple[str, ...], prefix: str, required: set) -> list[Column]:
    out = []
    for name, sub in schema.get("properties", {}).items():
        title = sub.get("title", name)
        header = f"{prefix}{NESTED}{title}" if prefix else title
        here = (*path, name)
        is_required = name in required
        if sub.get("type") == "object":
            out += _columns(sub, here, header, set(sub.get("required", [])) if is_required else set())
        elif sub.get("type") == "array":
            items = sub.get("items", {})
            if items.get("type") == "object":
                fields = tuple(_columns(items, (), "", set(items.get("required", []))))
                out.append(Column(here, header, "objects", is_required, _describe(sub), fields=fields))
            else:
                free = "enum" not in items and "pattern" not in items
                out.append(Column(here, header, "list", is_required, _describe(sub) or _describe(items), _choices(items), free=free))
        else:
            out.append(Column(here, header, _kind(sub), is_required, _describe(sub), _choices(sub)))
    return out


def columns_for(schemas: SchemaSet, record_type: str) -> list[Column]:
    """The columns of `record_type` in the schema's field order (id first, owner last).

    Raises KeyError for a record type without a schema.
    """
    name = f"{record_type}.schema.json"
    schema = schemas.inline(schemas.documents[name], name)
    return _columns(schema, (), "", set(schema.get("required", [])))
