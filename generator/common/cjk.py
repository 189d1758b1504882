"""Line breaks inside Chinese paragraphs: a source line break between two Han characters (or Chinese
punctuation) is not a space in Chinese, but browsers render it as one ("平台： 公开").
Only inline elements are crossed ("平台：\n<strong>公开"); a line break between blocks stays.

`join_cjk_lines` removes such soft line breaks from rendered HTML (outside <pre>, <code>, <script>,
<style> and <textarea>), also across inline tags ("平台：\\n<strong>公开</strong>"). A break next to a
Latin letter or digit stays a space ("使用 Python\\n开发"). Used for the site's prose pages (MkDocs'
Markdown) and for record Markdown (bios, summaries).
"""

from __future__ import annotations

import re

# Han ideographs (incl. extension A and compatibility), CJK punctuation, full-width forms, and the
# general punctuation Chinese text uses (“”‘’ — …)
_CJK = "\u2014\u2018\u2019\u201c\u201d\u2026\u2e80-\u2eff\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
_INLINE = "(?:a|abbr|b|cite|em|i|mark|q|small|span|strong|sub|sup|time)"  # never across a block's edge
_BREAK = re.compile(rf"([{_CJK}](?:</{_INLINE}>)*)[ \t]*\n[ \t]*((?:<{_INLINE}(?:\s[^<>]*)?>)*[{_CJK}])")
_RAW = re.compile(r"(<(pre|code|script|style|textarea)\b.*?</\2>)", re.S | re.I)


def join_cjk_lines(html: str) -> str:
    """HTML with the soft line breaks between Chinese characters removed; raw blocks untouched."""
    if "\n" not in html:
        return html
    parts = _RAW.split(html)
    out = []
    # re.split with two groups yields: text, whole raw block, tag name, text, ...
    for index in range(0, len(parts), 3):
        out.append(_BREAK.sub(r"\1\2", parts[index]))
        if index + 1 < len(parts):
            out.append(parts[index + 1])
    return "".join(out)


_TEXT_BREAK = re.compile(rf"(?<=[{_CJK}])[ \t]*\n[ \t]*(?=[{_CJK}])")


def join_cjk_text(text: str) -> str:
    """Plain text: a line break (with the spaces around it) between two Chinese characters dropped."""
    return _TEXT_BREAK.sub("", text)
