"""Record Markdown (bios, summaries) → safe HTML, and → plain text for search.

markdown-it-py parses with raw HTML disabled; nh3 (the Ammonia sanitiser) then keeps only an
allow-list of tags and only http(s)/mailto links, so record text can never inject markup.
"""

from __future__ import annotations

import re

import nh3
from markdown_it import MarkdownIt

_MD = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).disable(
    ["image", "html_block", "html_inline"]
)
_TAGS = {"p", "ul", "ol", "li", "strong", "em", "a", "br", "blockquote", "code"}
_ATTRIBUTES = {"a": {"href"}}
_SCHEMES = {"http", "https", "mailto"}


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
        return _clean(html), re.sub(r"\s+", " ", text).strip()
    return _render_parsed(text)


def _render_parsed(text: str) -> tuple[str, str]:
    tokens = _MD.parse(text)
    return _clean(_MD.renderer.render(tokens, _MD.options, {})), _words(tokens)


def _clean(html: str) -> str:
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes=_SCHEMES,
        link_rel="nofollow noopener",
        strip_comments=True,
    ).strip()


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
                    words.append(" ")
            words.append(" ")
    return re.sub(r"\s+", " ", "".join(words)).strip()
