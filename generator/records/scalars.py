"""Typing plain YAML scalars: which text is a number, a boolean or null, the rest stays text.

YAML 1.1's rules, restricted to what records need: decimal integers (`30000`, `1_000`), floats
with a decimal point (`30000.0`, `2.5e4`: typed as floats so that the schema can refuse them
where it wants an integer — see records/schemas.py), true/false and null. Dates, yes/no/on/off
and everything else stay text, for the schemas to judge.
"""

from __future__ import annotations

import math
import re

import yaml

_INT = re.compile(r"[-+]?[0-9][0-9_]*").fullmatch
_FLOAT = re.compile(r"[-+]?([0-9][0-9_]*)?\.[0-9_]*([eE][-+]?[0-9]+)?").fullmatch
_NULLS = {"", "~", "null", "Null", "NULL"}
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}


def plain_value(value: str):
    if value in _BOOLS:
        return _BOOLS[value]
    if value in _NULLS:
        return None
    first = value[:1]
    if first.isdigit() or first in "+-.":
        if _INT(value):
            return int(value.replace("_", ""), 10)
        if _FLOAT(value) and any(c.isdigit() for c in value):
            return _finite(value)
    return value  # dates, yes/no/on/off and everything else stay text: the schemas judge them


_AMBIGUOUS = re.compile(r"[-+]?(0[0-9_]|[0-9.]*_)").match


def ambiguous_number(typed: str) -> bool:
    """A plain number that YAML readers read differently: a leading zero (025000 is octal 10752 to
    a YAML 1.1 reader such as PyYAML's safe_load, 25000 to a YAML 1.2 one such as the editors'
    yaml-language-server) or a `_` (25_000: a number in YAML 1.1, text in YAML 1.2)."""
    return bool(_AMBIGUOUS(typed))


def scalar(node: yaml.ScalarNode):
    tag, value = node.tag, node.value
    if not node.style and tag == "tag:yaml.org,2002:str":  # plain: style is None, or "" from libyaml
        return plain_value(value)
    if tag in ("tag:yaml.org,2002:str", "tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:value", "tag:yaml.org,2002:merge"):
        return value  # dates stay text: the schemas check their format
    if tag == "tag:yaml.org,2002:null":
        return None
    if tag == "tag:yaml.org,2002:bool":
        if value in _BOOLS:
            return _BOOLS[value]
        # YAML 1.1 yes/no/on/off: keep as text so the schema says "expected true/false"
        return value
    if tag == "tag:yaml.org,2002:int":
        try:
            return int(value.replace("_", ""), 10)
        except ValueError:
            return value
    if tag == "tag:yaml.org,2002:float":
        return _finite(value)
    return value


def _finite(value: str):
    """A float, or the text itself when it is no finite number (nan, inf, 1.0e999): such values
    would pass `minimum` checks and then break JSON output, so they stay text for the schema."""
    try:
        number = float(value.replace("_", ""))
    except ValueError:
        return value
    return number if math.isfinite(number) else value
