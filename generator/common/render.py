"""Jinja2 with autoescape for every fragment we render: record text is untrusted.

The funding tables and charts are drawn by both the site and the yearly report, so their macros
live in `common/templates/`; each view adds its own template folder in front of them.
"""

from __future__ import annotations

import re
from pathlib import Path

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, select_autoescape
from jinja2.ext import Extension

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


JOIN_LINES = "{#- kexie: join lines"  # a template that starts with this is written without line breaks
_OPEN = ("{{", "{%", "{#")
_CLOSE = ("}}", "%}", "#}")


class JoinLines(Extension):
    """Record page templates stay readable, one element a line, yet write no line breaks or
    indentation (10,000s of pages: #14). A template whose source starts with JOIN_LINES has each
    line stripped and the lines joined; a line that ends inside a Jinja tag (a tag written over
    several lines) is joined with a space, so tokens never run together. Only markup written in the
    template loses its line breaks: record text (bios, summaries) is output as it is."""

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        if not source.startswith(JOIN_LINES):
            return source
        out: list[str] = []
        depth = 0  # open Jinja tags at the end of the text so far
        for line in source.splitlines():
            if out and depth:
                out.append(" ")
            out.append(line.strip())
            depth += sum(line.count(o) for o in _OPEN) - sum(line.count(c) for c in _CLOSE)
        return "".join(out) + "\n"


def make_env(templates: Path) -> Environment:
    """An autoescaping environment reading `templates` first, then the shared macros."""
    env = Environment(
        loader=ChoiceLoader([FileSystemLoader(templates), FileSystemLoader(SHARED_TEMPLATES)]),
        # optional record fields are simply absent: an absent key renders as nothing
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        extensions=[JoinLines],
    )
    # `tojson` (data for scripts: <, >, & and ' escaped by Jinja) keeps Chinese as UTF-8, a third
    # of the bytes of \uXXXX escapes
    env.policies["json.dumps_kwargs"] = {"sort_keys": True, "ensure_ascii": False}
    env.filters["wan"] = wan
    env.filters["shares"] = shares
    env.filters["query"] = query_value
    return env
