"""Jinja2 with autoescape for every fragment we render: record text is untrusted."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from generator.money import wan

TEMPLATES = Path(__file__).parent / "templates"


def make_env() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        # optional record fields are simply absent: an absent key renders as nothing
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.filters["wan"] = wan
    return env
