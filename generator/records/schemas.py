"""JSON Schemas: load them once, validate a record, and say what is wrong in Chinese.

The schemas are the single source of field titles and descriptions, so messages quote them
rather than repeating them here.
"""

from __future__ import annotations

import difflib
import json
from functools import cached_property
from pathlib import Path

import jsonschema
import jsonschema_rs
import referencing
from referencing.jsonschema import DRAFT202012

from generator.common.quoting import escape, quote
from generator.records.ecma import PACKAGE_SCHEMAS, Validator, common_accepts, common_pattern  # noqa: F401 - re-exported
from generator.records.patterns import explain
from generator.records.recordset import STAFF_OWNER
from generator.records.strict_yaml import Document
from generator.records.wording import as_written, float_for_integer, number_for_text



def find_schemas_dir(records_dir: Path) -> Path:
    beside = records_dir.resolve().parent / "schemas"
    return beside if (beside / "common.schema.json").is_file() else PACKAGE_SCHEMAS


class SchemaSet:
    """Every `*.schema.json` of a folder, cross-referenced through one registry."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.documents: dict[str, dict] = {}
        for path in sorted(folder.glob("*.schema.json")):
            self.documents[path.name] = json.loads(path.read_text(encoding="utf-8"))
        resources = [
            (name, DRAFT202012.create_resource(doc)) for name, doc in self.documents.items()
        ]
        self.registry = referencing.Registry().with_resources(resources)
        self._validators: dict[str, Validator] = {}
        self._fast: dict = {}

    def validator(self, record_type: str) -> Validator:
        """python-jsonschema with the compiled validator's meaning of `pattern` and `integer`
        (records/ecma.py), so the two agree."""
        if record_type not in self._validators:
            name = f"{record_type}.schema.json"
            # $refs inlined once: resolving them per instance was most of the validation time
            schema = self.inline(self.documents[name], name)
            self._validators[record_type] = Validator(schema, registry=self.registry)
        return self._validators[record_type]

    def inline(self, schema, base: str):
        """The schema with every `$ref` replaced by its target (our schemas have no cycles)."""
        if isinstance(schema, list):
            return [self.inline(item, base) for item in schema]
        if not isinstance(schema, dict):
            return schema
        schema, base = self.deref(schema, base)
        return {k: (self.inline(v, base) if k not in ("enum", "x-labels", "x-validity", "x-replace", "required") else v) for k, v in schema.items()}

    @cached_property
    def vocab(self) -> dict:
        return self.documents["vocab.schema.json"]["$defs"]

    def is_reserved_society_id(self, value: str) -> bool:
        """Whether a society may not take this id: common.schema.json `$defs/society-id` `not`
        (kexie, hzkx, hzast and ids starting with them), and STAFF_OWNER whatever it says."""
        rule = self.documents.get("common.schema.json", {}).get("$defs", {}).get("society-id", {}).get("not")
        if value == STAFF_OWNER:
            return True
        return isinstance(rule, dict) and self.accepts(rule, value)  # ECMA-262 patterns, as validate reads them

    def label(self, vocabulary: str, value: str) -> str:
        """The Chinese label of a controlled value (the value itself when it has none)."""
        return self.vocab[vocabulary].get("x-labels", {}).get(value, value)

    def fast_validator(self, record_type: str):
        """A compiled (Rust) validator that only says valid or not: the common case, fast.

        python-jsonschema then explains the rare invalid record field by field.
        """
        if record_type not in self._fast:
            name = f"{record_type}.schema.json"
            self._fast[record_type] = jsonschema_rs.validator_for(self.inline(self.documents[name], name))
        return self._fast[record_type]

    def accepts(self, schema: dict, value) -> bool:
        """Whether value satisfies an (inlined) schema: every fix a message proposes is checked
        with this first."""
        return Validator(schema, registry=self.registry).is_valid(value)

    def check(self, record_type: str, doc: Document):
        """Yield (line, column, rule, message, field) for every schema violation.

        The compiled validator decides alone only for a record without floats (it counts 30000.0
        as an integer; we do not). When it says "invalid" and python-jsonschema finds nothing to
        say, the record is still invalid: one generic error, never a pass."""
        fast_ok = self.fast_validator(record_type).is_valid(doc.data)
        if fast_ok and not doc.floats:
            return
        said = False
        for error in self.validator(record_type).iter_errors(doc.data):
            said = True
            yield from _describe(error, doc, lambda path: self.field_schema(record_type, path), self.accepts)
        if not said and not fast_ok:
            yield (1, 1, "schema-unexplained", "本记录不符合字段格式要求，但无法指出是哪个字段：请对照网站“参与维护”页的字段说明逐项检查，"
                   "或把本文件发给市科协学会部", "")

    def deref(self, schema: dict, base: str) -> tuple[dict, str]:
        """Follow `$ref`s of the simple shapes our schemas use: `file#/$defs/x` and `#/$defs/x`."""
        while isinstance(schema, dict) and "$ref" in schema:
            target, _, pointer = schema["$ref"].partition("#")
            base = target or base
            node = self.documents[base]
            for part in pointer.strip("/").split("/") if pointer else []:
                node = node[part]
            outer = {k: v for k, v in schema.items() if k != "$ref"}
            schema = {**node, **outer}  # the referring schema's title wins
        return schema, base

    def field_schema(self, record_type: str, path) -> dict:
        """The schema of the field at path, $refs followed, with its own title and description."""
        base = f"{record_type}.schema.json"
        schema, base = self.deref(self.documents[base], base)
        for part in path:
            if isinstance(part, int):
                schema = schema.get("items", {})
            else:
                schema = schema.get("properties", {}).get(part, {})
            schema, base = self.deref(schema, base)
        return schema


def _title(schema: dict) -> str:
    return schema.get("title", "") if isinstance(schema, dict) else ""


def _field(path) -> str:
    """The dotted field path; its keys come from the record, so each is escaped and bounded."""
    return ".".join(escape(p, 60) for p in path)


def _label(path, schema) -> str:
    name = _field(path) or "（文件最外层）"
    title = _title(schema)
    return f"`{name}`（{title}）" if title else f"`{name}`"


def _hint(schema) -> str:
    description = schema.get("description", "") if isinstance(schema, dict) else ""
    return f"。说明：{description}" if description else ""


def _describe(error: jsonschema.ValidationError, doc: Document, field_schema, accepts):
    path = tuple(error.absolute_path)
    keyword = error.validator
    if keyword in ("anyOf", "oneOf") and error.context:
        # report the branch that got furthest: the deepest sub-error
        best = max(error.context, key=lambda e: len(e.absolute_path))
        yield from _describe(best, doc, field_schema, accepts)
        return
    schema = {**(error.schema if isinstance(error.schema, dict) else {}), **_titles(field_schema(path))}
    line, column = doc.where(path)
    field = _field(path)
    label = _label(path, schema)
    if keyword == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        sub = field_schema(path + (missing,))
        title = _title(sub)
        where = f"`{field}` 下" if field else "文件中"
        yield (
            line,
            column,
            "schema-required",
            f"{where}缺少必填字段 `{missing}`"
            + (f"（{title}）" if title else "")
            + f"：请添加一行 `{missing}: …`"
            + _hint(sub),
            _field(path + (missing,)),
        )
    elif keyword == "additionalProperties":
        allowed = sorted(schema.get("properties", {}))
        extras = sorted(set(error.instance) - set(allowed)) if isinstance(error.instance, dict) else []
        for extra in extras:
            kline, kcol = doc.where(path + (extra,), key=True)
            yield (
                kline,
                kcol,
                "schema-unknown-field",
                f"不认识的字段 {quote(extra, marks='``')}：请检查拼写，或删除该字段。此处允许的字段有：{', '.join(allowed)}",
                _field(path + (extra,)),
            )
    elif keyword == "type":
        expected = {
            "string": "文字",
            "integer": "整数",
            "number": "数字",
            "boolean": " true 或 false",
            "array": "列表（每项以“- ”开头）",
            "object": "“字段: 值”的映射",
        }
        want = error.validator_value
        want = [want] if isinstance(want, str) else want
        value = error.instance
        number = isinstance(value, (int, float)) and not isinstance(value, bool)
        if "integer" in want and isinstance(value, float):
            message = float_for_integer(label, value, doc, path, error.schema, accepts)
        elif "string" in want and number:
            message = number_for_text(label, value, doc, path, error.schema, accepts, {})
        else:
            message = f"{label} 应为{'或'.join(expected.get(w, w) for w in want)}，现在是 {_show(value)}"
        yield (line, column, "schema-type", message + _hint(schema), field)
    elif keyword == "enum" and isinstance(error.instance, (int, float)) and not isinstance(error.instance, bool) \
            and all(isinstance(v, str) for v in error.validator_value):  # a code typed as a number
        message = number_for_text(label, error.instance, doc, path, error.schema, accepts, schema.get("x-labels", {}))
        yield (line, column, "schema-enum", message, field)
    elif keyword == "enum":
        labels = schema.get("x-labels", {})
        values = [str(v) for v in error.validator_value]
        if len(values) <= 16:
            choices = values
            advice = "请改为以下之一："
        else:  # a long vocabulary: suggest the nearest values instead of listing them all
            wanted = str(error.instance)
            named = [v for v in values if wanted and wanted in labels.get(v, "")]
            if named:
                choices = named
            elif wanted.isdigit():  # a mistyped code: codes of the same group (520 → 510, 530 …)
                choices = [v for v in values if v[:2] == wanted[:2]] or [v for v in values if v[:1] == wanted[:1]]
            else:
                choices = difflib.get_close_matches(wanted, values, n=5, cutoff=0.3)
            choices = choices[:5]
            advice = f"完整列表（{len(values)} 项）见 schemas/vocab.schema.json 或网站“参与维护”页" + (
                "；是否想填：" if choices else ""
            )
        options = "、".join(f"{as_written(v)}（{labels[v]}）" if v in labels else as_written(v) for v in choices)
        yield (
            line,
            column,
            "schema-enum",
            f"{label} 的值 {_show(error.instance)} 不在允许范围内：{advice}{options}",
            field,
        )
    elif keyword == "not":  # a value the schema rules out: its `x-rule` and `description` say why
        rule = error.validator_value if isinstance(error.validator_value, dict) else {}
        reason = rule.get("description", "请换一个值")
        yield (line, column, rule.get("x-rule", "schema-not"), f"{label} 不能是 {_show(error.instance)}：{reason}", field)
    elif keyword == "const":
        yield (line, column, "schema-enum", f"{label} 只能是 {_show(error.validator_value)}", field)
    elif keyword == "pattern":
        yield (
            line,
            column,
            "schema-format",
            f"{label} 的格式不对：{_show(error.instance)}"
            + ("（开头或末尾有多余的空格或换行，请删除）" if isinstance(error.instance, str) and error.instance != error.instance.strip()
               else explain(error.validator_value, error.instance, schema))
            + (_hint(schema) or "。"),
            field,
        )
    elif keyword in ("minLength", "maxLength"):
        size = len(error.instance) if isinstance(error.instance, str) else 0
        bound = error.validator_value
        need = f"至少 {bound} 个字" if keyword == "minLength" else f"不超过 {bound} 个字"
        yield (line, column, "schema-length", f"{label} 应{need}，现在是 {size} 个字", field)
    elif keyword in ("minItems", "maxItems"):
        bound = error.validator_value
        need = f"至少 {bound} 项" if keyword == "minItems" else f"不超过 {bound} 项"
        yield (
            line,
            column,
            "schema-items",
            f"{label} 应有{need}，现在有 {len(error.instance)} 项",
            field,
        )
    elif keyword == "uniqueItems":
        items = error.instance if isinstance(error.instance, list) else []
        seen, repeat = [], None
        for index, item in enumerate(items):
            if item in seen:
                repeat = index
                break
            seen.append(item)
        if repeat is None:
            yield (line, column, "schema-unique", f"{label} 中有重复的项：请删除重复项", field)
        else:
            first = seen.index(items[repeat]) + 1
            rline, rcol = doc.where(path + (repeat,))
            yield (
                rline,
                rcol,
                "schema-unique",
                f"{label} 的第 {repeat + 1} 项 {_show(items[repeat])} 与第 {first} 项重复：请删除这一行",
                _field(path + (repeat,)),
            )
    elif keyword in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        word = "不小于" if "inimum" in keyword else "不大于"
        yield (
            line,
            column,
            "schema-range",
            f"{label} 应{word} {error.validator_value}，现在是 {_show(error.instance)}" + _hint(schema),
            field,
        )
    else:  # a keyword we have no wording for yet: still one clear line, never a crash
        yield (line, column, "schema-other", f"{label} 不符合要求：{escape(error.message, 200)}", field)


def _titles(schema: dict) -> dict:
    return {k: schema[k] for k in ("title", "description") if k in schema}


def _show(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "空值"
    if isinstance(value, (dict, list)):
        return "一个映射" if isinstance(value, dict) else "一个列表"
    if isinstance(value, (int, float)):
        return str(value)  # unquoted: a quoted number would read as text
    return quote(value)
