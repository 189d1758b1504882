"""Record Markdown (bios, summaries) → safe HTML, and → plain text for search.

markdown-it-py parses with raw HTML disabled; nh3 (the Ammonia sanitiser) then keeps only an
allow-list of tags, so record text can never inject markup. Links (issue #10, item 11) must pass
`safe_link` at both steps: markdown-it leaves a refused link as plain text, nh3 drops its href.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

import nh3
from markdown_it import MarkdownIt

from generator.common.cjk import join_cjk_lines, join_cjk_text

_TAGS = {"p", "ul", "ol", "li", "strong", "em", "a", "br", "blockquote", "code"}
_ATTRIBUTES = {"a": {"href"}}
_SCHEMES = {"http", "https", "mailto"}
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


_MD = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).disable(
    ["image", "html_block", "html_inline"]
)
_MD.validateLink = safe_link


def render_markdown(text: str) -> str:
    return render_both(text)[0]


# Text with none of Markdown's syntax characters and no indented or trailing-space lines is just
# paragraphs; most bios are. Rendering those directly skips the parser, the costly part at scale.
# tests/test_bio.py checks that both paths agree on every demo text and on edge cases.
_SYNTAX = re.compile(r"[\\`*_\[\]()<>&!#|~=+\-:]|^[ \t]*[0-9]+[.)]|^ {4}|\t| {2,}$", re.MULTILINE)
_BLANK = re.compile(r"\n[ \t]*\n")


def render_both(text: str) -> tuple[str, str]:
    """(safe HTML, plain text); one parse at most: parsing is the costly part, so do it once."""
    if not text or not text.strip():
        return "", ""
    if not _SYNTAX.search(text):
        paragraphs = [p.strip() for p in _BLANK.split(text.strip()) if p.strip()]
        html = "\n".join("<p>" + "\n".join(line.strip() for line in p.split("\n")) + "</p>" for p in paragraphs)
        return _clean(html), re.sub(r"\s+", " ", join_cjk_text(text)).strip()
    return _render_parsed(text)


def _render_parsed(text: str) -> tuple[str, str]:
    tokens = _MD.parse(text)
    return _clean(_MD.renderer.render(tokens, _MD.options, {})), _words(tokens)


def _clean(html: str) -> str:
    """Allow-listed HTML; soft line breaks inside Chinese sentences removed (they render as spaces)."""
    return join_cjk_lines(nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes=_SCHEMES,
        attribute_filter=_filter_attribute,
        link_rel="nofollow noopener",
        strip_comments=True,
    ).strip())


def _filter_attribute(tag: str, attribute: str, value: str):
    return None if attribute == "href" and not safe_link(value) else value


def plain_text(text: str) -> str:
    """The words of a Markdown text, for search and summaries (links keep their text)."""
    return render_both(text)[1]


def _words(tokens) -> str:
    words = []
    for token in tokens:
        if token.type == "inline":
            for child in token.children or []:
                if child.type in ("text", "code_inline"):
                    words.append(child.content)
                elif child.type in ("softbreak", "hardbreak"):
                    words.append("\n")
            words.append(" ")
    return re.sub(r"\s+", " ", join_cjk_text("".join(words))).strip()
