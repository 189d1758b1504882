"""sitemap.xml (and .gz) over every public page, without clock timestamps."""

from __future__ import annotations

import gzip
from pathlib import Path
from xml.sax.saxutils import escape


def write_sitemap(site_dir: Path, site_url: str, entries: list[tuple[str, str]]) -> None:
    """entries: (url relative to the site root, last-changed date or "")."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for url, changed in sorted(set(entries)):
        lines.append(f"  <url><loc>{escape(site_url + url)}</loc>" + (f"<lastmod>{changed}</lastmod>" if changed else "") + "</url>")
    lines.append("</urlset>")
    data = ("\n".join(lines) + "\n").encode("utf-8")
    (site_dir / "sitemap.xml").write_bytes(data)
    with open(site_dir / "sitemap.xml.gz", "wb") as raw:
        with gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as gz:
            gz.write(data)
