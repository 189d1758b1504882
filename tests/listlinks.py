"""Follow a link to a filtered list (/projects/?funded=2016 …) in a built site the way lists.js
does: read the list's data file (lists/<name>.json or .json.gz) and apply the filter with
generator.site.lists.select, its twin (tests/test_lists.py compares the two in Chromium)."""

from __future__ import annotations

import functools
import gzip
import json
import posixpath
from pathlib import Path
from urllib.parse import urlsplit

from generator.site.lists import ListData, parse_query, select


@functools.lru_cache(maxsize=None)
def list_data(site: Path, name: str) -> ListData:
    plain, packed = site / "lists" / f"{name}.json", site / "lists" / f"{name}.json.gz"
    raw = plain.read_bytes() if plain.is_file() else gzip.decompress(packed.read_bytes())
    doc = json.loads(raw)
    return ListData(name, doc["head"], doc["fields"], doc["rows"], doc["num"], doc["money"], doc["yearly"], doc["names"], doc["values"])


def follow(site: Path, page_url: str, href: str) -> tuple[str, list[list]]:
    """(list name, rows it shows) for a link `href` found on the page at `page_url` ("funding/")."""
    parts = urlsplit(href)
    path = posixpath.normpath(posixpath.join(page_url, parts.path)).strip("/")
    assert (site / path / "index.html").is_file(), f"{page_url}: {href} does not resolve"
    return path, select(list_data(site, path), parse_query(parts.query))


def row_ids(rows: list[list]) -> set[str]:
    """The record ids of list rows (the first link cell: "projects/<id>/")."""
    ids = set()
    for row in rows:
        link = next(c for c in row if isinstance(c, list) and c and isinstance(c[0], str))
        ids.add(link[0].rstrip("/").split("/")[-1])
    return ids
