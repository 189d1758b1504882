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


def render_both(text: str) -> tuple[str, str]:
    """(safe HTML, plain text) from one parse: parsing is the costly part, so do it once."""
    if not text:
        return "", ""
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
