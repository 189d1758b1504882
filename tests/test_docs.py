"""Docs cannot drift: every command is in the README, every schema field on the contributor page."""

from __future__ import annotations

import json

from generator.cli import cli
from tests.sitebuild import REPO, demo_site


def test_every_command_is_in_the_readme():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    missing = [name for name in sorted(cli.commands) if f"kexie {name}" not in readme]
    assert missing == []


def test_every_schema_field_is_on_the_contributor_page():
    page = (demo_site() / "contributing" / "index.html").read_text(encoding="utf-8")
    missing = []
    for path in sorted((REPO / "schemas").glob("*.schema.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        for name, field in schema.get("properties", {}).items():
            if name not in page:
                missing.append(f"{path.name}:{name}")
            title = field.get("title")
            if title and title not in page:
                missing.append(f"{path.name}:{name}:{title}")
    assert missing == []
