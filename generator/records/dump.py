"""Record data → YAML text that `parse` (strict_yaml) reads back to exactly the same data.

PyYAML's safe_dump quotes what *its* resolver would misread, but our loader types plain scalars
its own way (records/scalars.py) and refuses plain values that look like full-width syntax
(records/yaml_errors.py). So a string is written double-quoted whenever a plain scalar would load
as something else, or would start with a full-width quote, dash or space; multi-line text is a
literal block. tests/test_properties.py checks load → dump → load on random valid records.
"""

from __future__ import annotations

import yaml

from generator.records.scalars import plain_value
from generator.records.yaml_errors import VALUE_STARTS, scalar_mistake


class _Dumper(yaml.SafeDumper):
    pass


def _represent_str(dumper: yaml.SafeDumper, text: str):
    style = None
    if "\n" in text:
        style = "|"  # the emitter falls back to quotes when a literal block cannot hold the text
    elif plain_value(text) != text or text[:1] in VALUE_STARTS or scalar_mistake(text, False, False):
        style = '"'
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_Dumper.add_representer(str, _represent_str)


def dump_record(data: dict) -> str:
    """YAML text for a record's data, keys in the given order, Chinese kept as is (not escaped)."""
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100, default_flow_style=False)
