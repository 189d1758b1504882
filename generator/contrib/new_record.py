"""`kexie new <type> <id>`: a record skeleton written from the schema, comments and all."""

from __future__ import annotations

import json

import yaml
from pathlib import Path

from generator.common.quoting import quote
from generator.common.safe_write import OutputError, write_file
from generator.records.recordset import FOLDERS
from generator.records.schemas import SchemaSet, find_schemas_dir



class NewRecordError(Exception):
    pass


def write_new_record(records: Path, record_type: str, record_id: str) -> Path:
    if record_type not in FOLDERS:
        raise NewRecordError(f"没有{quote(record_type)}这种记录类型：可选 {', '.join(sorted(FOLDERS))}")
    schemas = SchemaSet(find_schemas_dir(records))
    if record_type == "society" and schemas.is_reserved_society_id(record_id):  # before the schema's "not"
        raise NewRecordError(f"编号 `{record_id}` 是保留编号：kexie、hzkx、hzast 及以它们开头的编号代表市科协，学会不能使用，请换一个编号，例如 hz-xxx-xuehui")
    if not schemas.accepts(schemas.field_schema(record_type, ("id",)), record_id):  # the schema decides
        raise NewRecordError(f"编号 {quote(record_id, marks='``')} 不合格式：只能用小写字母、数字和连字符，2 至 64 个字符，例如 zhang-wei")
    path = records / FOLDERS[record_type] / f"{record_id}.yaml"
    if path.exists():
        raise NewRecordError(f"{path} 已存在：换一个编号，或直接编辑该文件")
    text = render_skeleton(schemas, record_type, record_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        write_file(path, text)
    except OutputError as exc:
        raise NewRecordError(str(exc)) from None
    return path


def render_skeleton(schemas: SchemaSet, record_type: str, record_id: str) -> str:
    root = schemas.field_schema(record_type, ())
    lines = [
        f"# yaml-language-server: $schema=../../schemas/{record_type}.schema.json",
        f"# {root.get('title', record_type)}：{root.get('description', '')}",
        "# 必填字段已列出；其他可选字段见网站“参与维护”页的字段说明。",
    ]
    # quoted only where YAML would read it as something else (2016, true, null, 017)
    plain = isinstance(yaml.safe_load(record_id), str)
    lines += _object_lines(schemas, record_type, (), root, 0, {"id": record_id if plain else json.dumps(record_id)})
    return "\n".join(lines) + "\n"


def _comment(schema: dict, indent: str) -> list[str]:
    text = schema.get("title", "")
    if schema.get("description"):
        text += f"：{schema['description']}"
    if "enum" in schema:
        labels = schema.get("x-labels", {})
        options = "、".join(f"{v}（{labels[v]}）" if v in labels else str(v) for v in schema["enum"][:20])
        text += f" 可选值：{options}{' 等' if len(schema['enum']) > 20 else ''}"
    return [f"{indent}# {text}"] if text else []


def _object_lines(schemas, record_type, path, schema, depth, given) -> list[str]:
    indent = "  " * depth
    lines = []
    for key in schema.get("required", []):
        sub = schemas.field_schema(record_type, path + (key,))
        lines += _comment(sub, indent)
        if key in given:
            lines.append(f"{indent}{key}: {given[key]}")
        elif sub.get("type") == "object":
            lines.append(f"{indent}{key}:")
            lines += _object_lines(schemas, record_type, path + (key,), sub, depth + 1, {})
        elif sub.get("type") == "array":
            item = schemas.field_schema(record_type, path + (key, 0))
            if item.get("type") == "object":
                lines.append(f"{indent}{key}:")
                first, *rest = _object_lines(schemas, record_type, path + (key, 0), item, depth + 2, {}) or [""]
                comments = [line for line in [first, *rest] if line.lstrip().startswith("#")]
                fields = [line for line in [first, *rest] if not line.lstrip().startswith("#")]
                lines += [f"{indent}  {c.strip()}" for c in comments]
                if fields:
                    lines.append(f"{indent}  - {fields[0].strip()}")
                    lines += [f"{indent}    {f.strip()}" for f in fields[1:]]
            else:
                lines.append(f"{indent}{key}:")
                lines.append(f'{indent}  - ""')
        elif sub.get("type") == "boolean":
            lines.append(f"{indent}{key}: false")
        elif sub.get("type") == "integer":
            lines.append(f"{indent}{key}: 0")
        else:
            lines.append(f'{indent}{key}: ""')
    return lines
