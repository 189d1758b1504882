"""The contributor guide's field reference, read from schemas/*.json (the single source).

`field_reference(schemas_dir)` gives one entry per record type: its folder, title, description
and every field path (`societies[].role` for a field of each list item) with its title,
description, type in Chinese, whether it is required, limits, and the allowed values (`allowed`) with their
Chinese labels. The template `templates/contributing.html` renders it.
"""

from __future__ import annotations

from pathlib import Path

from generator.records.recordset import FOLDERS
from generator.records.schemas import SchemaSet

TYPE_ORDER = ["society", "expert", "workstation", "project", "need", "proposal", "policy", "staff"]
NOT_RECORDS = {"common", "vocab"}

TYPE_ZH = {
    "string": "文字",
    "integer": "整数",
    "number": "数字",
    "boolean": "true 或 false",
    "array": "列表（每项以“- ”开头）",
    "object": "一组字段",
}


def _type(schema: dict) -> str:
    if "enum" in schema:
        return "从可选值中选一个"
    if "const" in schema:
        return "固定值"
    kind = schema.get("type")
    if isinstance(kind, list):
        return "或".join(TYPE_ZH.get(k, k) for k in kind)
    return TYPE_ZH.get(kind, "")


def _limits(schema: dict) -> list[str]:
    out = []
    if "minLength" in schema and schema["minLength"] > 1:
        out.append(f"至少 {schema['minLength']} 个字")
    if "maxLength" in schema:
        out.append(f"不超过 {schema['maxLength']} 个字")
    if "minimum" in schema:
        out.append(f"不小于 {schema['minimum']}")
    if "maximum" in schema:
        out.append(f"不大于 {schema['maximum']}")
    if schema.get("minItems"):
        out.append(f"至少 {schema['minItems']} 项")
    if "maxItems" in schema:
        out.append(f"不超过 {schema['maxItems']} 项")
    if schema.get("uniqueItems"):
        out.append("不能重复")
    return out


def _values(schema: dict) -> list[dict]:
    labels = schema.get("x-labels", {})
    return [{"value": str(v), "label": labels.get(str(v), "")} for v in schema.get("enum", [])]


class _Walker:
    def __init__(self, schemas: SchemaSet, base: str):
        self.schemas = schemas
        self.base = base
        self.fields: list[dict] = []

    def deref(self, schema: dict, base: str) -> tuple[dict, str]:
        return self.schemas.deref(schema, base)

    def object(self, schema: dict, base: str, prefix: str, depth: int = 0):
        required = set(schema.get("required", []))
        for name, sub in schema.get("properties", {}).items():
            sub, sub_base = self.deref(sub, base)
            path = f"{prefix}{name}"
            entry = {
                "path": path,
                "depth": depth,
                "title": sub.get("title", ""),
                "description": sub.get("description", ""),
                "type": _type(sub),
                "required": name in required,
                "limits": _limits(sub),
                "allowed": _values(sub),
            }
            self.fields.append(entry)
            if sub.get("type") == "object":
                self.object(sub, sub_base, f"{path}.", depth + 1)
            elif sub.get("type") == "array":
                items, items_base = self.deref(sub.get("items", {}), sub_base)
                if items.get("type") == "object":
                    entry["type"] = "列表，每项是一组字段"
                    self.object(items, items_base, f"{path}[].", depth + 1)
                else:
                    entry["type"] = f"列表，每项是{_type(items) or '一个值'}"
                    entry["allowed"] = _values(items)
                    entry["limits"] = entry["limits"] + [f"每项{x}" for x in _limits(items)]
                    if not entry["description"] and items.get("description"):
                        entry["description"] = items["description"]


def field_reference(schemas_dir: Path) -> list[dict]:
    schemas = SchemaSet(Path(schemas_dir))
    names = [n.removesuffix(".schema.json") for n in schemas.documents]
    types = [t for t in TYPE_ORDER if t in names] + sorted(
        t for t in names if t not in TYPE_ORDER and t not in NOT_RECORDS
    )
    result = []
    for record_type in types:
        base = f"{record_type}.schema.json"
        schema, base = schemas.deref(schemas.documents[base], base)
        walker = _Walker(schemas, base)
        walker.object(schema, base, "")
        folder = FOLDERS.get(record_type, record_type)
        result.append(
            {
                "type": record_type,
                "folder": folder,
                "path": f"records/{folder}/<编号>.yaml",
                "title": schema.get("title", record_type),
                "description": schema.get("description", ""),
                "fields": walker.fields,
            }
        )
    return result
