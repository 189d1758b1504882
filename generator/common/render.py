"""Jinja2 with autoescape for every fragment we render: record text is untrusted.

The funding tables and charts are drawn by both the site and the yearly report, so their macros
live in `common/templates/`; each view adds its own template folder in front of them.
"""

from __future__ import annotations

import re
from pathlib import Path

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, select_autoescape

from generator.common.money import shares, wan

SHARED_TEMPLATES = Path(__file__).parent / "templates"
# what a query value must not carry raw: what ends or splits it in URLSearchParams (& = + #), what
# the URL parser or the HTML attribute would change (space, ", <, >, %, ' and \\ under some
# parsers' rules) and control characters (C0, DEL, C1). Everything else stays as UTF-8 text.
_QUERY_UNSAFE = re.compile(r"[\x00-\x20\x7f-\x9f\"<>#%&+='\\`]")


def query_value(value) -> str:
    """`value` as one query-string value with raw UTF-8: `拱墅区` stays `拱墅区`, while space,
    `"`, `<`, `>`, `#`, `%`, `&`, `+`, `=`, `'`, backslash, backtick and control characters are
    percent-encoded (their UTF-8 bytes). `new URLSearchParams("k=" + query_value(v)).get("k") == v`
    for every string v (tested in Chromium). A plain str: autoescaping still applies."""
    return _QUERY_UNSAFE.sub(lambda m: "".join(f"%{b:02X}" for b in m.group(0).encode("utf-8")), str(value))


def make_env(templates: Path) -> Environment:
    """An autoescaping environment reading `templates` first, then the shared macros."""
    env = Environment(
        loader=ChoiceLoader([FileSystemLoader(templates), FileSystemLoader(SHARED_TEMPLATES)]),
        # optional record fields are simply absent: an absent key renders as nothing
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.filters["wan"] = wan
    env.filters["shares"] = shares
    env.filters["query"] = query_value
    return env
