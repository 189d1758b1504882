"""Jinja2 with autoescape for every fragment we render: record text is untrusted.

The funding tables and charts are drawn by both the site and the yearly report, so their macros
live in `common/templates/`; each view adds its own template folder in front of them.
"""

from __future__ import annotations

from pathlib import Path

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, select_autoescape

from generator.common.money import shares, wan

SHARED_TEMPLATES = Path(__file__).parent / "templates"


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
    return env
