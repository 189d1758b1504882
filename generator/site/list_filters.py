"""The list filters, twin of `assets/javascripts/lists.js` (tests/test_lists.py compares them in
Chromium): which rows a query keeps (`select`) and how the status line names the filter
(`filter_text`). The rules are in generator/site/lists.py's module docstring.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import parse_qsl

if TYPE_CHECKING:  # lists.py imports this module
    from generator.site.lists import ListData


def _matches(value, wanted: list[str]) -> bool:
    values = value if isinstance(value, list) else [value]
    for want in wanted:
        if ".." in want:
            low, high = want.split("..", 1)
            if any((not low or v >= low) and (not high or v <= high) for v in values):
                return True
        elif want in values:
            return True
    return False


def parse_query(query: str) -> dict[str, list[str]]:
    """A query string ("a=1&a=2&b=x") → {key: [values]} as URLSearchParams reads it."""
    params: dict[str, list[str]] = {}
    # one leading "?" only, as the browser's location.search gives it ("??a=1" has the key "?a")
    for key, value in parse_qsl(query[1:] if query.startswith("?") else query, keep_blank_values=True):
        params.setdefault(key, []).append(value)
    return params


def select(data: ListData, params: dict[str, list[str]]) -> list[list]:
    """The rows a filter keeps, with the money cells of the matching years when the yearly field is
    filtered (see the module docstring). Unknown keys (page) are ignored."""
    cells = len(data.head)
    keys = [(cells + i, params[name]) for i, name in enumerate(data.fields) if name in params]
    chosen = []
    for row in data.rows:
        if not all(_matches(row[at], wanted) for at, wanted in keys):
            continue
        if data.yearly and data.yearly in params:
            years = [y for y, _, _ in row[-1] if _matches(str(y), params[data.yearly])]
            gross = sum(g for y, g, _ in row[-1] if y in years)
            refund = sum(r for y, _, r in row[-1] if y in years)
            row = list(row)
            row[data.money[0]], row[data.money[1]], row[data.money[2]] = gross, refund, gross - refund
        chosen.append(row)
    return chosen


def _value_label(data: ListData, name: str, value: str) -> str:
    """One filter value as the reader knows it: a code's label (类别 topic-general → 一般课题), each
    part of a `|`-joined value labelled (院士工作站 运行中 2016), a range `A..B` as "A 至 B" with
    the parts both ends share said once ("…|0000" or an empty end: 及以前 / 及以后; both empty: 不限)."""
    labels = data.values.get(name, {})

    def one(text: str) -> str:
        if text in labels:
            return labels[text]
        return " ".join(labels.get(part, part) for part in text.split("|"))

    if ".." not in value:
        return one(value)
    low, high = value.split("..", 1)
    lows, highs = low.split("|"), high.split("|")
    shared = 0
    while shared < min(len(lows), len(highs)) - 1 and lows[shared] == highs[shared]:
        shared += 1
    prefix = one("|".join(lows[:shared])) if shared else ""
    prefix = prefix + " " if prefix else ""
    low, high = "|".join(lows[shared:]), "|".join(highs[shared:])
    low = "" if low.strip("0") == "" else low
    if not low and not high:
        return f"{prefix}不限"
    if not low:
        return f"{prefix}{one(high)} 及以前"
    if not high:
        return f"{prefix}{one(low)} 及以后"
    return f"{prefix}{one(low)} 至 {one(high)}"


def filter_text(data: ListData, params: dict[str, list[str]]) -> str:
    """The status line's filter part, e.g. "按条件筛选（类别：一般课题；资助年度：2016）" ("" without a
    filter): the twin of lists.js's `describe` (tests compare them)."""
    parts = [f"{data.names.get(name, name)}：" + " 或 ".join(_value_label(data, name, v) for v in params[name])
             for name in data.fields if params.get(name)]
    return "按条件筛选（" + "；".join(parts) + "）" if parts else ""
