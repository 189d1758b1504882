"""Building record data from a composed YAML node tree (records/strict_yaml.py parses): scalars
typed by records/scalars.py, hostile shapes refused (tags, depth, size, duplicate keys), what the
construction notices on its way (full-width lookalikes, floats, ambiguous numbers, maybe-blank
text), and repeated strings shared."""

from __future__ import annotations

import sys
from dataclasses import dataclass

import yaml

from generator.common.quoting import LIMIT, escape, quote
from generator.records.scalars import ambiguous_number, plain_value, scalar
from generator.records.yaml_errors import VALUE_STARTS, Lookalikes

MAX_DEPTH = 32  # our deepest schema nests 4 levels; recursion must stay far from Python's limit
MAX_ITEMS = 1000  # no record needs longer lists; bounds the cost of schema checks like uniqueItems

_STANDARD_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:value",  # a plain `=`: YAML 1.1 oddity, kept as text
    "tag:yaml.org,2002:merge",  # a plain `<<`: kept as text, never merged
}


@dataclass
class ParseError:
    rule: str
    message: str
    line: int = 0
    column: int = 0


class _Refused(Exception):
    def __init__(self, rule: str, message: str, mark=None):
        super().__init__(message)
        self.error = ParseError(
            rule, message, mark.line + 1 if mark else 0, mark.column + 1 if mark else 0
        )


class _Construction(Lookalikes):
    """What construction notices on its way: full-width lookalikes, and whether a float was typed."""

    floats = False
    maybe_blank = False
    odd_numbers = False


# Field names and short values (ids, districts, roles, dates) repeat across records: one shared
# string each (sys.intern) instead of one per occurrence roughly halves the records' memory, and a
# pickled chunk of records (recordset._parse_all) writes each once. Strings are immutable, so
# sharing them changes no value.
_intern = sys.intern
_SHARED_UP_TO = 40


def _construct(node, depth: int, look: _Construction):
    # No alias can reach here: an alias needs a `*`, and any text with one went through
    # _refuse_anchors first. So every node is visited once and the tree is as small as the file.
    if node.tag not in _STANDARD_TAGS:
        raise _Refused("yaml-tag", f"不支持 YAML 标签 {escape(node.tag, LIMIT)}：请删掉以 ! 开头的标记，直接写值", node.start_mark)
    kind = type(node)
    if kind is _Scalar:
        return _scalar(node, look)
    if depth >= MAX_DEPTH:
        raise _Refused("yaml-depth", f"嵌套超过 {MAX_DEPTH} 层：记录不需要这么深的结构，请检查缩进", node.start_mark)
    if len(node.value) > MAX_ITEMS:
        raise _Refused("yaml-size", f"一个列表或映射中有 {len(node.value)} 项，超过上限 {MAX_ITEMS} 项：请检查是否粘贴了多余内容", node.start_mark)
    depth += 1
    if kind is yaml.SequenceNode:
        return [
            _scalar(item, look) if type(item) is _Scalar and item.tag == _STR else _construct(item, depth, look)
            for item in node.value
        ]
    result = {}
    for key_node, value_node in node.value:
        if type(key_node) is not _Scalar:
            raise _Refused("yaml-syntax", "字段名必须是简单文字", key_node.start_mark)
        key = _intern(key_node.value)  # one string per distinct field name, not one per record
        if not key_node.style:
            look.note(key_node, True)
        if key in result:
            first = next(k for k, _ in node.value if k.value == key).start_mark.line + 1
            raise _Refused(
                "yaml-duplicate-key",
                f"字段 {quote(key, marks='``')} 重复出现（第一次在第 {first} 行）：请删掉其中一个，或合并两处的内容",
                key_node.start_mark,
            )
        # a scalar with the default tag (nearly every value) straight away: one call less a value
        if type(value_node) is _Scalar and value_node.tag == _STR:
            result[key] = _scalar(value_node, look)
        else:
            result[key] = _construct(value_node, depth, look)
    return result


_Scalar = yaml.ScalarNode
_STR = "tag:yaml.org,2002:str"


def _scalar(node, look: _Construction):
    """A scalar node's value (records/scalars.py), noting what construction notices (see _Construction)."""
    if not node.style:
        text = node.value
        if text and (text[0] in VALUE_STARTS or "＃" in text or "﹟" in text):  # Lookalikes.note, inlined
            look.note(node, False)
        value = plain_value(text) if node.tag == _STR else scalar(node)
    else:
        value = scalar(node)
    kind = type(value)
    if kind is str:
        if value and not value[0].isalnum():
            look.maybe_blank = True
        if len(value) <= _SHARED_UP_TO:
            value = _intern(value)
        return value
    if kind is float:
        look.floats = True
    if (kind is int or kind is float) and ambiguous_number(node.value):
        look.odd_numbers = True
    return value
