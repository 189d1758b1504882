"""Links to bulk files whose published name is known only once they are written: a file over the
open-data compression threshold is published as `<name>.gz` only (common.bulk), and the files are
written by a side process while MkDocs renders the pages that link to them.

A template writes `{{ "api/experts.json" | bulk }}` right after the plain name in a link and
`{{ "api/experts.json" | bulk_size }}` where the size goes; `resolve` replaces both in the written
pages once every file is there: ".gz" or nothing, and the published file's size.
"""

from __future__ import annotations

import re
from pathlib import Path

from markupsafe import Markup

_TOKEN = re.compile(r"@@kx(gz|size):([A-Za-z0-9_./-]+)@@")


def bulk(path: str) -> Markup:
    """Token for ".gz" or "" after the plain file name `path` (relative to the site root)."""
    return Markup(f"@@kxgz:{path}@@")


def bulk_size(path: str) -> Markup:
    """Token for the published file's size, e.g. "1.2 MB"."""
    return Markup(f"@@kxsize:{path}@@")


def human_size(size: int) -> str:
    """Bytes as people read them (decimal units): 900 B, 12.3 kB, 4.5 MB."""
    if size < 1000:
        return f"{size} B"
    if size < 1000_000:
        return f"{size / 1000:.1f} kB"
    return f"{size / 1000_000:.1f} MB"


class MissingDownload(Exception):
    pass


def resolve(site: Path, pages: list[Path]) -> None:
    """Replace the tokens in `pages` (HTML files under `site`) by what was published.
    Raises MissingDownload naming a page and a file neither written plain nor compressed."""
    for page in pages:
        text = page.read_text(encoding="utf-8")
        if "@@kx" not in text:
            continue

        def published(match: re.Match) -> str:
            kind, path = match.group(1), match.group(2)
            plain, packed = site / path, site / f"{path}.gz"
            found = plain if plain.is_file() else packed if packed.is_file() else None
            if found is None:
                raise MissingDownload(f"{page.relative_to(site)} 链接的下载文件 {path} 没有生成")
            if kind == "gz":
                return ".gz" if found is packed else ""
            return human_size(found.stat().st_size)

        page.write_text(_TOKEN.sub(published, text), encoding="utf-8")
