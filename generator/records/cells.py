"""Cells ↔ record values, by column (see columns.py for the layout).

`read_cell` turns what a secretary typed into the value a record holds, or raises CellError with a
Chinese message that says what to write instead; `write_cell` is its inverse for export, so that
export → import gives back the same values.
"""

from __future__ import annotations

import datetime
import difflib
import re

from generator.records.columns import FIELD_SEPARATOR, ITEM_SEPARATOR, NO, YES, Column

# 、 is what Chinese input methods type; , ; ，and line breaks are accepted too (pasted lists)
_SPLIT = re.compile(r"\s*[、,，;；\n]\s*")
_LINES = re.compile(r"\s*\n\s*")
QUOTE_OPEN, QUOTE_CLOSE = "「", "」"  # around an object field's value that holds a separator
_SEPARATORS = set("；;，,=＝\n" + QUOTE_OPEN + QUOTE_CLOSE)
_CODE_AND_LABEL = re.compile(r"^([^\s（(]+)\s*[（(]?\s*(.*?)\s*[）)]?$")
_TRUE = {YES, "true", "True", "TRUE", "1", "Y", "y", "yes", "同意", "√", "✓"}
_FALSE = {NO, "false", "False", "FALSE", "0", "N", "n", "no", "不同意", "×"}


class CellError(ValueError):
    """A cell that cannot become a record value; str() is the Chinese explanation and fix."""


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.strftime("%Y-%m-%d")
    return str(value).strip()


def _choice(column: Column, typed: str) -> str:
    """A controlled value given as code, label, or "code label"; CellError naming the closest."""
    labels = column.labels
    if typed in labels:
        return typed
    by_label = {label: code for code, label in column.choices}
    if typed in by_label:
        return by_label[typed]
    match = _CODE_AND_LABEL.match(typed)
    if match and match.group(1) in labels and match.group(2) in ("", labels[match.group(1)]):
        return match.group(1)
    options = [f"{code}（{label}）" if code != label else code for code, label in column.choices]
    near = difflib.get_close_matches(typed, [label for _, label in column.choices], n=1, cutoff=0.3)
    near = near or [label for _, label in column.choices if typed and typed in label][:1]
    if near:
        code = by_label[near[0]]
        hint = f"是否想填 {code}（{near[0]}）" if code != near[0] else f"是否想填“{near[0]}”"
    else:
        hint = "可选：" + "、".join(options[:12]) + ("…（见“选项”表）" if len(options) > 12 else "")
    name = column.header.split("·")[-1]
    coded = any(code != label for code, label in column.choices)
    raise CellError(f"“{typed}”不是{name}代码，{hint}" if coded else f"“{typed}”不是可选的{name}，{hint}")


def _scalar(column: Column, value):
    typed = _text(value)
    if column.kind == "boolean":
        if typed in _TRUE:
            return True
        if typed in _FALSE:
            return False
        raise CellError(f"“{typed}”不是“是”或“否”：请填 是 或 否")
    if column.kind == "integer":
        if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
            raise CellError(f"“{typed}”不是整数：请填不带小数的数字")
        if isinstance(value, int):
            return value
        digits = typed.replace(",", "").replace("，", "")
        if not re.fullmatch(r"-?[0-9]+", digits):
            raise CellError(f"“{typed}”不是整数：请只填数字，例如 2016 或 300000")
        return int(digits)
    if column.kind == "date":
        if isinstance(value, (datetime.datetime, datetime.date)):
            return value.strftime("%Y-%m-%d")
        match = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", typed)
        if not match:
            raise CellError(f"“{typed}”不是日期：请填 2016-03-01 这样的日期，或把单元格设为日期格式")
        try:
            return datetime.date(*map(int, match.groups())).isoformat()
        except ValueError:
            raise CellError(f"“{typed}”不是存在的日期：请检查月份和日") from None
    if column.choices:
        return _choice(column, typed)
    if isinstance(value, str):
        text = value.replace("\r\n", "\n")
        return text if "\n" in text.strip() else text.strip()  # a bio keeps its lines as written
    return typed


def read_cell(column: Column, value):
    """The record value of a cell, or None for an empty cell. Raises CellError.

    A leading ' before = + - @ tab or CR is the mark our writers put on formula-like text
    (common/tabular.py, OWASP): it is taken off again, so export → import changes nothing."""
    if isinstance(value, str) and value[:1] == "'" and value[1:2] in ("=", "+", "-", "@", "\t", "\r"):
        value = value[1:]
    if value is None or _text(value) == "":
        return None
    if column.kind == "list":
        text = _text(value)
        if column.free:
            return [part for part in _LINES.split(text) if part]
        # a label may hold 、 itself (230 畜牧、兽医科学): read the labels before splitting
        for code, label in sorted(column.choices, key=lambda c: -len(c[1])):
            if label != code and _SPLIT.search(label):
                text = text.replace(f"{code} {label}", code).replace(f"{code}（{label}）", code).replace(label, code)
        item = Column(column.path, column.header, "text", choices=column.choices)
        return [_scalar(item, part) for part in _SPLIT.split(text) if part]
    if column.kind == "objects":
        return [_read_item(column, chunk) for chunk in _split_quoted(_text(value), "；;\n") if chunk.strip()]
    return _scalar(column, value)


def _split_quoted(text: str, separators: str) -> list[str]:
    """Split on any of `separators` outside 「…」 quotes; the quotes are kept for the caller."""
    parts, current, depth = [], [], 0
    for ch in text:
        if ch == QUOTE_OPEN:
            depth += 1
        elif ch == QUOTE_CLOSE and depth:
            depth -= 1
        if ch in separators and not depth:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return parts


def _unquote(text: str) -> str:
    text = text.strip()
    if text.startswith(QUOTE_OPEN) and text.endswith(QUOTE_CLOSE):
        return text[1:-1]
    return text


def _read_item(column: Column, chunk: str) -> dict:
    entry: dict = {}
    by_header = {f.header: f for f in column.fields}
    for pair in (p for p in _split_quoted(chunk, "，,") if p.strip()):
        header, sep, raw = pair.replace("＝", "=").partition("=")
        target = by_header.get(header.strip())
        if target is None or not sep:
            names = "、".join(by_header)
            raise CellError(f"“{pair.strip()}”应写成“字段=值”，字段可为：{names}；多项之间用“；”分开")
        _put(entry, target.path, _scalar(target, _unquote(raw)))
    return entry


def _put(target: dict, path: tuple[str, ...], value) -> None:
    for part in path[:-1]:
        target = target.setdefault(part, {})
    target[path[-1]] = value


def _get(data: dict, path: tuple[str, ...]):
    for part in path:
        if not isinstance(data, dict) or part not in data:
            return None
        data = data[part]
    return data


def _show(column: Column, value) -> str | int:
    if column.kind == "boolean":
        return YES if value else NO
    if column.kind == "integer":
        return value
    if column.choices:
        label = column.labels.get(str(value), str(value))
        return f"{value} {label}" if label != str(value) else str(value)
    return str(value)


def write_cell(column: Column, record: dict):
    """The cell for `column` of a record (text or an integer), or None when the field is absent."""
    value = _get(record, column.path)
    if value is None:
        return None
    if column.kind == "list":
        return column.separator.join(str(_show(column, v)) for v in value)
    if column.kind == "objects":
        items = []
        for entry in value:
            pairs = []
            for f in column.fields:
                v = _get(entry, f.path)
                if v is not None:
                    shown = str(_show(f, v))
                    if _SEPARATORS & set(shown) or shown != shown.strip():
                        shown = f"{QUOTE_OPEN}{shown}{QUOTE_CLOSE}"
                    pairs.append(f"{f.header}={shown}")
            items.append(FIELD_SEPARATOR.join(pairs))
        return ITEM_SEPARATOR.join(items)
    return _show(column, value)


def put(record: dict, column: Column, value) -> None:
    """Set a column's value in a record being built (nested objects created as needed)."""
    _put(record, column.path, value)
