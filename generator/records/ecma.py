"""JSON Schema as the compiled validator reads it, for python-jsonschema (issue #9, classes 1 and 4).

Two validators read our schemas: jsonschema-rs answers "valid?" fast, python-jsonschema words
the errors. They must agree, and on two points python-jsonschema's defaults differ:

- `pattern`: JSON Schema patterns are ECMA-262 regular expressions, where `$` matches only at the
  very end. Python's `re.search` lets `$` match before a final newline, so `"2016-02-30\\n"`
  passed the date pattern. Patterns are translated once: every `$` outside a character class
  becomes `\\Z` (the end of the text, nothing after). Our schemas use no `\\d`, `\\w`, `\\s`, `\\b` or
  `.`, whose meanings differ between the engines (tests/test_hostile_values.py checks).
- `integer`: JSON Schema lets 30000.0 count as an integer; we do not. A value typed with a decimal
  point or an exponent (`30000.0`, `2.5e4`, `2016.0`) is a float (records/scalars.py) and is refused
  where the schema says integer, so open data, reports and URLs never show `2016.0`.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

import jsonschema
from jsonschema.exceptions import ValidationError

PACKAGE_SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"


def to_python(pattern: str) -> str:
    """An ECMA-262 pattern → the Python pattern that matches the same strings (for our subset:
    `$` → `\\Z`; everything else we use means the same in both)."""
    out, in_class, escaped = [], False, False
    for ch in pattern:
        if escaped:
            out.append(ch)
            escaped = False
        elif ch == "\\":
            out.append(ch)
            escaped = True
        elif in_class:
            out.append(ch)
            in_class = ch != "]"
        elif ch == "[":
            out.append(ch)
            in_class = True
        elif ch == "$":
            out.append(r"\Z")
        else:
            out.append(ch)
    return "".join(out)


@lru_cache(maxsize=None)
def compile_pattern(pattern: str) -> re.Pattern:
    """The compiled Python form of a schema pattern; use `.search` as JSON Schema does."""
    return re.compile(to_python(pattern))


def matches(pattern: str, value: str) -> bool:
    """Whether value satisfies a schema `pattern`, with ECMA-262's meaning of `$`."""
    return compile_pattern(pattern).search(value) is not None


def _pattern(validator, pattern, instance, schema):
    if validator.is_type(instance, "string") and not matches(pattern, instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


def _is_integer(checker, instance) -> bool:
    return isinstance(instance, int) and not isinstance(instance, bool)


Validator = jsonschema.validators.extend(
    jsonschema.Draft202012Validator,
    validators={"pattern": _pattern},
    type_checker=jsonschema.Draft202012Validator.TYPE_CHECKER.redefine("integer", _is_integer),
)


@lru_cache(maxsize=None)
def common_pattern(name: str) -> re.Pattern:
    """The `pattern` of `$defs/<name>` in the package's common.schema.json, compiled with the
    schema's meaning: it must match the whole value (`$` is `\\Z`, see records/ecma.py). For
    Python code that checks a value outside a record (a handle in CODEOWNERS, a file name)."""
    schema = json.loads((PACKAGE_SCHEMAS / "common.schema.json").read_text(encoding="utf-8"))
    return compile_pattern(schema["$defs"][name]["pattern"])


def common_accepts(name: str, value) -> bool:
    """Whether value satisfies `$defs/<name>` of the package's common.schema.json as a whole
    (pattern, lengths): how a suggested id or handle is checked before a message offers it."""
    return _common_validator(name).is_valid(value)


@lru_cache(maxsize=None)
def _common_validator(name: str) -> Validator:
    schema = json.loads((PACKAGE_SCHEMAS / "common.schema.json").read_text(encoding="utf-8"))
    return Validator(schema["$defs"][name])
