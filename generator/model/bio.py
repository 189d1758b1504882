"""Record Markdown (bios, summaries) → safe HTML, and → plain text for search.

markdown-it-py parses with raw HTML disabled; nh3 (the Ammonia sanitiser) then keeps only an
allow-list of tags, so record text can never inject markup. Links (issue #10, item 11) must pass
`safe_link` at both steps: markdown-it leaves a refused link as plain text, nh3 drops its href.
"""

from __future__ import annotations

import re

import nh3
from markdown_it import MarkdownIt

from generator.common.cjk import join_cjk_lines, join_cjk_text
from generator.common.links import RECORD_PAGE_DEPTH, safe_link  # noqa: F401 - RECORD_PAGE_DEPTH re-exported

_TAGS = {"p", "ul", "ol", "li", "strong", "em", "a", "br", "blockquote", "code"}
_ATTRIBUTES = {"a": {"href"}}
_SCHEMES = {"http", "https", "mailto"}


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
