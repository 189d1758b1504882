"""Messages about values typed as the wrong kind of scalar, with a fix that itself validates.

Used by records/schemas.py for three classes of issue #9:

- a number where the schema wants text (`disciplines: [520, 0430]`, class 9): codes are text and
  must be quoted; the value is shown as typed (`0430`, not `430`) and the fix is spelled out the
  way it is written at that place (`- "520"` in a list, `contract: "2016001"` in a mapping);
- a float where the schema wants an integer (`amount: 30000.0`, `2.5e4`, class 4);
- every fix proposed is checked against the field's schema first (class 10): a fix that would
  itself be refused is never offered.
"""

from __future__ import annotations

import json

import yaml

from generator.records.scalars import plain_value


def quoted(text: str) -> str:
    """text as a YAML double-quoted scalar: `"520"`."""
    return json.dumps(text, ensure_ascii=False)


def as_written(value) -> str:
    """How a controlled value must be typed so that it loads as that value: quoted when a plain
    scalar would become a number, boolean or null (`"520"`), bare otherwise (`西湖区`)."""
    text = str(value)
    return quoted(text) if isinstance(value, str) and plain_value(text) != text else text


def fix_at(doc, path: tuple, text: str) -> str:
    """The line (or item) that writes `text` at path: `- "520"` in a block list, `key: "520"` in a
    mapping, `"520"` in a flow list `[...]`."""
    parent = doc.node(path[:-1], exact=True) if path else None
    if isinstance(parent, yaml.SequenceNode):
        if parent.flow_style:
            return f"`{text}`（写成多行列表时为 `- {text}`）"
        return f"`- {text}`"
    if path and isinstance(path[-1], str):
        return f"`{path[-1]}: {text}`"
    return f"`{text}`"


def typed(doc, path: tuple, value) -> str:
    """A scalar as the person typed it (`0430`, `2.5e4`), falling back to its loaded value."""
    return doc.typed(path) or str(value)


def number_for_text(label: str, value, doc, path: tuple, schema: dict, accepts, labels: dict) -> str:
    """A number where text is wanted. Proposes the quoted value as typed when the schema takes it,
    else the quoted loaded value (`0430` → `"430"`) when that is taken, else no fix."""
    written = typed(doc, path, value)
    message = f"{label} 是文字，这里写的却是数字 {written}：编号和代码是文字，必须加引号"
    candidates = [written]
    if isinstance(value, int) or value.is_integer():  # 0430 → "430", 520.0 → "520"
        candidates.append(str(int(value)))
    for index, candidate in enumerate(dict.fromkeys(candidates)):
        if accepts(schema, candidate):
            name = f"（{labels[candidate]}）" if candidate in labels else ""
            fix = fix_at(doc, path, quoted(candidate))
            if index == 0:
                return f"{message}，请写作 {fix}{name}"
            return f"{message}；{quoted(written)} 不在允许范围内，是否想填 {fix}{name}"
    return f"{message}；但 {quoted(written)} 加了引号也不符合要求"


def float_for_integer(label: str, value: float, doc, path: tuple, schema: dict, accepts) -> str:
    """A float (`30000.0`, `2.5e4`) where an integer is wanted; proposes the integer when the
    value is whole and the schema takes it."""
    written = typed(doc, path, value)
    message = f"{label} 应为整数，这里写的是 {written}：整数不要写小数点或指数"
    if value.is_integer() and accepts(schema, int(value)):
        return f"{message}，请写作 {fix_at(doc, path, str(int(value)))}"
    return message
