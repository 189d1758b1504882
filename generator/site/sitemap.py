"""The sitemap over every public page, without clock timestamps.

`sitemap.xml` is a sitemap index (the protocol allows 50,000 URLs per file): it points at
`sitemap-1.xml.gz`, `sitemap-2.xml.gz` … (gzip-compressed, deterministic), each with at most
`per_file` URLs in URL order; every page is listed exactly once. (No robots.txt: a project site lives under a path, and crawlers
read robots.txt only at a host's root.)
"""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

from generator.common.bulk import gzip_bytes

NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
PROTOCOL_LIMIT = 50_000


def write_sitemap(site_dir: Path, site_url: str, entries: list[tuple[str, str]], per_file: int = PROTOCOL_LIMIT) -> list[str]:
    """entries: (url relative to the site root, last-changed date or ""); a URL listed twice keeps
    its latest date. Writes sitemap.xml (the index) and sitemap-N.xml.gz; returns the
    chunk file names. Raises ValueError when per_file is outside 1..50,000 (the protocol's limit)."""
    if not 1 <= per_file <= PROTOCOL_LIMIT:
        raise ValueError(f"每个网站地图文件的网址数应在 1 到 {PROTOCOL_LIMIT} 之间，实际为 {per_file}")
    latest: dict[str, str] = {}
    for url, changed in entries:
        latest[url] = max(latest.get(url, ""), changed)
    urls = sorted(latest.items())
    names = []
    for number, start in enumerate(range(0, max(len(urls), 1), per_file), 1):
        lines = ['<?xml version="1.0" encoding="UTF-8"?>', f'<urlset xmlns="{NS}">']
        for url, changed in urls[start:start + per_file]:
            lines.append(f"  <url><loc>{escape(site_url + url)}</loc>" + (f"<lastmod>{changed}</lastmod>" if changed else "") + "</url>")
        lines.append("</urlset>")
        name = f"sitemap-{number}.xml.gz"
        (site_dir / name).write_bytes(gzip_bytes(("\n".join(lines) + "\n").encode("utf-8")))
        names.append(name)
    index = ['<?xml version="1.0" encoding="UTF-8"?>', f'<sitemapindex xmlns="{NS}">']
    index += [f"  <sitemap><loc>{escape(site_url + name)}</loc></sitemap>" for name in names]
    index.append("</sitemapindex>")
    (site_dir / "sitemap.xml").write_text("\n".join(index) + "\n", encoding="utf-8")
    (site_dir / "sitemap.xml.gz").unlink(missing_ok=True)  # MkDocs' own, of its pages only: stale beside the index
    return names
