"""What changed between two versions of one record, as short Chinese notes.

Shared by the pull-request comment (`kexie diff`, Markdown: values escaped so record text cannot add
links or mentions) and the site's history ("最近更新", the Atom feed, each record's own history).
The two differ only in how a value is written (`Style`) and in how much they say: the public history
names the fields that changed and never their old or new values (`values=False`), so a withdrawn
e-mail or an unpublished expert's id never reaches the site through the history; funding changes by
year (public amounts) are the one exception.

Notes look like "2016 年经费 +2 万元（5 万元 → 7 万元）", "职称：副教授 → 教授", "修改简介".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from generator.common.private_numbers import masked_text
from generator.records.schemas import SchemaSet

MAX_VALUE = 40


def plain_text(value, limit: int = MAX_VALUE) -> str:
    """Untrusted text on one line and short; escaping is the page template's job."""
    text = " ".join(str(value).split())
    return text[:limit] + "…" if len(text) > limit else text


def plain_code(value) -> str:
    return " ".join(str(value).split())[:80]


@dataclass(frozen=True)
class Style:
    """How values are written: `text(value, limit)` for record text, `code(value)` for ids."""

    text: Callable[..., str] = plain_text
    code: Callable[[object], str] = plain_code


PLAIN = Style()


def money(yuan, style: Style = PLAIN) -> str:
    """An amount in yuan as people say it: 50000 → "5 万元", 1234 → "1,234 元"."""
    if not isinstance(yuan, int) or isinstance(yuan, bool):
        return style.text(yuan)
    if yuan and yuan % 100 == 0 and abs(yuan) >= 10000:
        wan = f"{yuan / 10000:.2f}".rstrip("0").rstrip(".")
        return f"{wan} 万元"
    return f"{yuan:,} 元"


def signed_money(delta: int, style: Style = PLAIN) -> str:
    return ("+" if delta > 0 else "-") + money(abs(delta), style)


def is_money(schema: dict, path) -> bool:
    return "（元）" in schema.get("title", "") or bool(path and path[-1] in ("amount", "refund"))


def show(value, schema: dict, path=(), style: Style = PLAIN) -> str:
    """A value for people: money in 万元, controlled values by their Chinese label, lists joined."""
    if value is None:
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int) and is_money(schema, path):
        return money(value, style)
    labels = schema.get("x-labels", {})
    if isinstance(value, (str, int)) and str(value) in labels:
        return style.text(f"{value}（{labels[str(value)]}）" if str(value).isdigit() else labels[str(value)])
    if isinstance(value, list):
        return "、".join(show(v, schema.get("items", {}), (), style) for v in value) or "（空）"
    if isinstance(value, dict):
        return "（一组字段）"
    return style.text(masked_text(str(value)))  # never repeats an ID or mobile number (138******78)


def is_long(value, schema) -> bool:
    return isinstance(value, str) and (len(value) > MAX_VALUE or "\n" in value or schema.get("maxLength", 0) > 200)


@dataclass
class RecordDiff:
    """Walks an old and a new record mapping; `notes` collects one Chinese note per change.

    values=False (the public history) names changed fields only; funding by year keeps its amounts.
    """

    schemas: SchemaSet
    type: str
    style: Style = PLAIN
    values: bool = True
    notes: list[str] = field(default_factory=list)
    start: int = 0  # path steps before this are named by the caller (a list item's key)

    def field(self, path) -> dict:
        try:
            return self.schemas.field_schema(self.type, path)
        except (KeyError, TypeError, IndexError):
            return {}

    def label(self, path) -> str:
        """Titles of the last two named steps of path, joined: 提出单位·单位名称."""
        names = []
        for i, part in enumerate(path):
            if isinstance(part, int) or i < self.start:
                continue
            names.append(self.field(path[: i + 1]).get("title") or part)
        return "·".join(self.style.text(n) for n in names[-2:])

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    def walk(self, old, new, path=()):
        if old == new:
            return
        schema = self.field(path)
        if old is None and isinstance(new, (dict, list)):
            old = type(new)()
        elif new is None and isinstance(old, (dict, list)):
            new = type(old)()
        if isinstance(old, dict) and isinstance(new, dict):
            order = list(schema.get("properties", {}))
            keys = [k for k in order if k in old or k in new] + sorted((set(old) | set(new)) - set(order), key=str)
            for key in keys:
                self.walk(old.get(key), new.get(key), path + (key,))
            return
        if isinstance(old, list) and isinstance(new, list):
            self.walk_list(old, new, path, schema)
            return
        label = self.label(path)
        if not self.values:
            self.note(("新增" if old is None else "删除" if new is None else "修改") + label)
        elif old is None:
            self.note(f"新增{label}" if is_long(new, schema) else f"新增{label}：{show(new, schema, path, self.style)}")
        elif new is None:
            self.note(f"删除{label}" + ("" if is_long(old, schema) else f"（原为 {show(old, schema, path, self.style)}）"))
        elif is_long(old, schema) or is_long(new, schema):
            self.note(f"修改{label}")
        elif is_money(schema, path) and isinstance(old, int) and isinstance(new, int):
            self.note(f"{label} {signed_money(new - old, self.style)}（{money(old, self.style)} → {money(new, self.style)}）")
        else:
            self.note(f"{label}：{show(old, schema, path, self.style)} → {show(new, schema, path, self.style)}")

    def walk_list(self, old: list, new: list, path, schema):
        label = self.label(path)
        if self.type == "project" and path == ("funding",):
            return self.funding(old, new)
        if not self.values:
            return self.note(f"修改{label}")
        scalar = all(not isinstance(v, (dict, list)) for v in old + new)
        item_schema = self.field(path + (0,))
        if scalar:
            added = [v for v in new if v not in old]
            removed = [v for v in old if v not in new]
            parts = []
            for verb, values in (("增加", added), ("移除", removed)):
                if values:
                    shown = "、".join(show(v, item_schema, (), self.style) for v in values[:10])
                    parts.append(f"{verb} {shown}" + ("等" if len(values) > 10 else ""))
            self.note(label + ("，".join(parts) if parts else "调整了顺序"))
            return
        key = _list_key(old, new)
        if key is None:
            self.note(f"修改{label}")
            return
        before = {item[key]: item for item in old}
        after = {item[key]: item for item in new}
        for k in [k for k in after if k not in before]:
            self.note(f"{label}新增{self.key_text(key, k)}")
        for k in [k for k in before if k not in after]:
            self.note(f"{label}删除{self.key_text(key, k)}")
        for k in [k for k in after if k in before]:
            sub = RecordDiff(self.schemas, self.type, self.style, self.values, start=len(path) + 1)
            sub.walk(before[k], after[k], path + (0,))
            for note in sub.notes:
                self.note(f"{label}（{self.key_text(key, k)}）{note}")

    def funding(self, old: list, new: list):
        def by_year(items):
            result = {}
            for item in items:
                if isinstance(item, dict) and isinstance(item.get("year"), int):
                    amount = item.get("amount")
                    result[item["year"]] = result.get(item["year"], 0) + (amount if isinstance(amount, int) else 0)
            return result

        before, after = by_year(old), by_year(new)
        m = self.style
        for year in sorted(set(before) | set(after)):
            a, b = before.get(year), after.get(year)
            if a == b:
                continue
            if a is None:
                self.note(f"新增 {year} 年经费 {money(b, m)}")
            elif b is None:
                self.note(f"删除 {year} 年经费（原为 {money(a, m)}）")
            else:
                self.note(f"{year} 年经费 {signed_money(b - a, m)}（{money(a, m)} → {money(b, m)}）")

    def key_text(self, key: str, value) -> str:
        return f"{value} 年" if key == "year" else self.style.text(value)


def _list_key(old: list, new: list):
    items = old + new
    if not items or not all(isinstance(i, dict) for i in items):
        return None
    for key in ("year", "expert", "society", "programme", "kind", "date"):
        if all(isinstance(i.get(key), (str, int)) and not isinstance(i.get(key), bool) for i in items):
            if len({i[key] for i in old}) == len(old) and len({i[key] for i in new}) == len(new):
                return key
    return None


def record_notes(schemas: SchemaSet, record_type: str, old, new, style: Style = PLAIN, values: bool = True) -> list[str]:
    """The notes for one record's change; a summary must never crash its caller ("内容有修改")."""
    diff = RecordDiff(schemas, record_type, style, values)
    try:
        diff.walk(old, new)
    except Exception:  # noqa: BLE001 - unexpected shapes in an old revision
        return ["内容有修改"]
    return diff.notes
