"""Private numbers in YAML comments: a comment is no field, but it is published with the records
repository (and shown in every pull request), so the privacy check looks there too."""

from __future__ import annotations

import re

import yaml

from generator.common.private_numbers import find_private_numbers

_BREAK = re.compile(r"\r\n|\r|\n")


def comment_numbers(text: str, node) -> list:
    """(line, column, Finding) of every private number (common/private_numbers.py) in a comment of
    text, whose composed tree is node; 1-based. A `#` inside a value ("C#", "第 1 期 #2") is no
    comment: a number is blamed on a comment only when no scalar's span holds it. The tree is walked
    only when some text after a `#` holds a number at all (almost never)."""
    candidates = []
    at = text.find("#")
    while at >= 0:
        end = _BREAK.search(text, at)
        end = len(text) if end is None else end.start()
        candidates += [(at + f.start, at + f.end, f) for f in find_private_numbers(text[at:end])]
        at = text.find("#", end)
    if not candidates:
        return []
    spans, stack = [], [node]
    while stack:
        item = stack.pop()
        if isinstance(item, yaml.ScalarNode):
            spans.append((item.start_mark.index, item.end_mark.index))
        elif isinstance(item, yaml.SequenceNode):
            stack += item.value
        elif isinstance(item, yaml.MappingNode):
            stack += [part for pair in item.value for part in pair]
    out = []
    for start, end, finding in candidates:
        if not any(a <= start < b or a < end <= b for a, b in spans):
            line = len(_BREAK.findall(text, 0, start)) + 1  # CRLF, CR-only and LF files alike
            out.append((line, start - max(text.rfind("\n", 0, start), text.rfind("\r", 0, start)), finding))
    return out
