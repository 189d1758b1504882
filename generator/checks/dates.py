"""Dates that contradict each other or the calendar: rules kept in the schemas, not here.

Two schema keywords on a date field (JSON Schema ignores `x-` keywords; this check reads them):

* `"x-not-before": "<sibling>"` — the date may not be earlier than the sibling field of the same
  object: a ban that ends (`until`) before it starts (`from`), a policy valid until a day before it
  takes effect (a project approved before it was applied for is the policy rule dates-order,
  checks/policy/process.py);
* `"x-past": true` — the date records something that has happened before anything is published
  (consent given, a need or a proposal submitted), so it may not lie after the reference date
  (`KEXIE_TODAY`, else the clock: checks/policy/context.py). Publishing an expert on a consent
  dated 2099 publishes without consent. (Project and workstation dates carry no x-past: the
  demo's fictional 2018–2020 period is dated after the tests' reference date.)

Only records that passed the schema are looked at, and only dates that exist (an impossible date
has its own message, `date-invalid`). Linear in the number of dates.
"""

from __future__ import annotations

import datetime

from generator.checks.integrity import resolve
from generator.checks.policy.context import reference_date
from generator.common.quoting import quote
from generator.records.problems import ERROR
from generator.records.recordset import RecordSet
from generator.records.schemas import SchemaSet


def date_rules(schemas: SchemaSet, record_type: str) -> list[tuple[tuple, str, object, str]]:
    """(path pattern with "*" for list items, keyword, its value, the field's title) for every date
    field of record_type's schema carrying x-not-before or x-past."""
    base = f"{record_type}.schema.json"
    if base not in schemas.documents:
        return []
    found = []

    def visit(schema, base, path, depth):
        schema, base = schemas.deref(schema, base)
        if not isinstance(schema, dict) or depth > 8:
            return
        for keyword in ("x-not-before", "x-past"):
            if keyword in schema:
                found.append((path, keyword, schema[keyword], schema.get("title", "")))
        for name, child in (schema.get("properties") or {}).items():
            visit(child, base, path + (name,), depth + 1)
        if isinstance(schema.get("items"), dict):
            visit(schema["items"], base, path + ("*",), depth + 1)

    visit(schemas.documents[base], base, (), 0)
    return found


def _day(value) -> datetime.date | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return None


def check_dates(records: RecordSet, schemas: SchemaSet, today: datetime.date | None = None):
    """date-order and date-future errors (see the module docstring), at the later date's line."""
    today = reference_date(today)
    rules = {}
    for record in records.valid():
        if record.type not in rules:
            rules[record.type] = date_rules(schemas, record.type)
        for pattern, keyword, value, title in rules[record.type]:
            for path, raw in resolve(record.data, pattern):
                day = _day(raw)
                if day is None:
                    continue
                label = f"{quote('.'.join(map(str, path)), marks='``')}（{title}）"
                if keyword == "x-past" and value is True and day > today:
                    yield record.at(
                        path, "date-future",
                        f"{label} 是 {raw}，晚于今天（{today.isoformat()}）：这里记录的是已经发生的事，请填写实际日期",
                        ERROR,
                    )
                elif keyword == "x-not-before":
                    sibling_path = path[:-1] + (value,)
                    parent = record.data
                    for part in path[:-1]:
                        parent = parent[part]
                    other = _day(parent.get(value)) if isinstance(parent, dict) else None
                    if other is not None and day < other:
                        other_title = schemas.field_schema(record.type, sibling_path).get("title", "")
                        yield record.at(
                            path, "date-order",
                            f"{label} 是 {raw}，早于 `{value}`（{other_title}）{parent[value]}：请核对这两个日期",
                            ERROR,
                        )
