"""Attack round on issue #10 (record text in the pull request comment): nothing a record holds may
become a link, a mention or markup in the bot's comment.

Rendered with cmarkgfm, GitHub's own cmark-gfm fork, so its extended autolinks count: a bare
`www.evil.example` becomes a link on GitHub although it has no scheme. (Mentions and #refs are
GitHub's post-processing, so those are checked on the Markdown text.)"""

from __future__ import annotations

import re

import cmarkgfm
import pytest
from cmarkgfm.cmark import Options

from generator.contrib.prcomment import md_message, md_text

HOSTILE = [
    "见 www.evil.example/x",
    "WWW.EVIL.EXAMPLE",
    "(www.evil.example)",
    "*www.evil.example*",
    "https://evil.example/x",
    "ftp://evil.example/x",
    "a@b.example",
    "mailto:a@b.example",
    "xmpp:a@b.example",
    "[点这里](https://evil.example)",
    "<https://evil.example>",
    "<img src=x onerror=alert(1)>",
    "@kexie-staff 请审核",
    "修复 #12",
    "GH-12 org/repo#12",
]


def _render(markdown: str) -> str:
    table = f"| 字段 | 新值 |\n|---|---|\n| 名称 | {markdown} |\n"
    return cmarkgfm.github_flavored_markdown_to_html(table, options=Options.CMARK_OPT_UNSAFE)


@pytest.mark.parametrize("text", HOSTILE)
def test_record_text_renders_without_links_or_markup(text):
    for markdown in (md_text(text), md_message(f"标题 {text} 不对"), md_message(f"编号 `{text}` 不对")):
        html = _render(markdown)
        assert "<a " not in html and "<img" not in html, (text, markdown, html)
        assert not re.search(r"(?<![\w\u200b])@[A-Za-z]", markdown.replace("`", " ")), markdown
        outside_code = re.sub(r"`[^`]*`", "", markdown)  # GitHub does not link #12 inside a code span
        assert not re.search(r"(?<![\\\w])#\d", outside_code), markdown


def test_the_text_still_reads_the_same():
    html = _render(md_text("见 www.evil.example/x"))
    assert "见 www\u200b.evil.example/x" in html
