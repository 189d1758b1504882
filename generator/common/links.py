"""Which links record Markdown may carry (issue #10, item 11), and the links a text has that it may not.

`safe_link` decides for the renderer (generator/model/bio.py, both at markdown-it and at nh3) and
for the check that warns about a refused link (generator/checks/text.py), so the warning and the
page always agree.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

from markdown_it import MarkdownIt

# record text is rendered on record pages only, <type>/<id>/: two folders below the site's root
RECORD_PAGE_DEPTH = 2
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_HOST = re.compile(r"^[^\s/\\?#@]+(?:@[^\s/\\?#@]+)?\Z")  # \Z: the whole value, no final newline


def safe_link(url: str, depth: int = RECORD_PAGE_DEPTH) -> bool:
    """May a link in record text point at `url`? Only:

    - `http://host…` / `https://host…` with a host (not `http:/x`, `https:///x`) and no user name
      before it (not `https://good.example@evil.example/`);
    - `mailto:name@host.domain`;
    - a relative link that stays inside the site from a page `depth` folders below its root
      (`../zhang-wei/`, `#x`; not `/x`, which leaves a site served under a path, nor `//host`).
    Anything with a backslash (browsers read `\\` as `/`), a control character or a space is
    refused, as are all other schemes (javascript:, data:, file: …).
    """
    if not url or any(ord(c) <= 0x20 or c == "\x7f" for c in url) or "\\" in url or "%5c" in url.lower():
        return False
    scheme = _SCHEME.match(url)
    if scheme:
        name = scheme.group(1).lower()
        if name in ("http", "https"):
            netloc = urlsplit(url).netloc
            # no `user@` before the host: https://www.zju.edu.cn@evil.example/ shows one site, opens another
            return url[len(name) + 1 :].startswith("//") and "@" not in netloc and bool(_HOST.match(netloc))
        if name == "mailto":
            address = unquote(url[7:].split("?", 1)[0])
            user, at, host = address.rpartition("@")
            return bool(at and user and "." in host and "/" not in address)
        return False
    if url.startswith("/"):
        return False
    level = depth  # folders between the page and the site's root; ".." may not go below it
    for segment in url.split("#", 1)[0].split("?", 1)[0].split("/"):
        segment = unquote(segment)  # browsers read %2e%2e as ..
        if segment == "..":
            level -= 1
            if level < 0:
                return False
        elif segment not in ("", "."):
            level += 1
    return True


# the renderer's parser, but one that keeps every link so the refused ones can be named
_ALL_LINKS = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).disable(
    ["image", "html_block", "html_inline"]
)
_ALL_LINKS.validateLink = lambda url: True
_MAYBE_LINK = re.compile(r"\]\(|\]:|\]\[|<[A-Za-z][A-Za-z0-9+.-]*:")  # inline, reference, autolink


def refused_links(text: str, depth: int = RECORD_PAGE_DEPTH) -> list[str]:
    """The link targets of Markdown `text` that `safe_link` refuses, in order, each once (as
    markdown-it normalised them: percent-encoded). [] for text without link syntax (most texts:
    the parser is not run for them)."""
    if not text or not _MAYBE_LINK.search(text):
        return []
    refused: list[str] = []
    for block in _ALL_LINKS.parse(text):
        for token in block.children or []:
            href = token.attrGet("href") if token.type == "link_open" else None
            if isinstance(href, str) and not safe_link(href, depth) and href not in refused:
                refused.append(href)
    return refused
