"""The record pages' shared frame: the theme's heavy, identical markup loaded once, not per page.

Every record page sits two folders deep (`experts/<id>/`), so the parts of the theme's frame that do
not depend on the page — the drawer and search toggles, the skip link, the
header's icons, site name and search dialog, the navigation tabs, the navigation drawer, the
back-to-top button, the footer, the theme's dialog and configuration, the closing scripts — are byte-for-byte
the same on all of them: 10 kB of each 20 kB page, ~80 % of the site at scale. They are cut out of the
MkDocs-rendered shell page and written once into `RECORD_FRAME` (a script the browser caches); each
page keeps an empty `<kx-f></kx-f>` where a part was and calls `kxFrame()` right after the header and
tabs and again at the end, so the parts are back, in order and as MkDocs wrote them, before anything is
painted or any script looks for them. The last call also writes the page's closing `<script src>` tags
(the theme's bundle, then the site's scripts, in the theme's order) with document.write at that very
place: parser-inserted as before, so they load, block and run exactly as they did. The page's own head (title,
description, canonical and Open Graph tags, and the stylesheet links, parser-inserted as MkDocs writes
them), the header's title, breadcrumbs, content and JSON-LD stay in the page. Without JavaScript the
page is still styled and has its content and breadcrumbs (the theme's search and drawer need
JavaScript anyway).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from html.parser import HTMLParser

RECORD_FRAME = "assets/javascripts/record-frame.js"  # relative to the site root
PLACEHOLDER = "<kx-f></kx-f>"
FILL = "<script>kxFrame()</script>"

# the frame elements moved into RECORD_FRAME: (tag, attribute, words its value must contain[, an
# attribute it must not have])
MOVED = [
    ("input", "class", {"md-toggle"}),  # the drawer's and the search's toggles (CSS reads their state)
    ("label", "class", {"md-overlay"}),
    ("div", "data-md-component", {"skip"}),  # the skip link (to #kx-title, the h1 of every record page)
    ("div", "data-md-component", {"announce"}),
    ("a", "class", {"md-header__button", "md-logo"}),
    ("label", "class", {"md-header__button", "md-icon"}),  # the drawer and the search buttons
    ("div", "class", {"md-header__topic"}, "data-md-component"),  # the site's name; not the page's title
    ("div", "class", {"md-search"}),
    ("nav", "class", {"md-tabs"}),
    ("div", "class", {"md-sidebar"}),  # the navigation drawer and the (empty) table of contents
    ("button", "class", {"md-top"}),
    ("footer", "class", {"md-footer"}),
    ("div", "class", {"md-dialog"}),
    ("script", "id", {"__config"}),
]
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
_SCOPE = re.compile(r"<script>(__md_scope=.*?)</script>\n?", re.S)  # the theme's first inline script
_TABBED = re.compile(r"<script>(var target=document\.getElementById\(location\.hash.*?)</script>\n?", re.S)
_STYLES = re.compile(r'(?:<link rel="stylesheet" href="[^"<>]*">\n?)+')
_SCRIPTS = re.compile(r'(?:<script src="[^"<>]*"></script>\n?)+')
_GENERATOR = re.compile(r'<meta name="generator" content="[^"]*">\n?')


class FrameError(Exception):
    pass


class _Spans(HTMLParser):
    """Offsets (start, end) of the outermost elements that MOVED selects, in document order."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=False)
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.stack: list[tuple[str, bool]] = []  # open elements: (tag, selected)
        self.spans: list[list[int]] = []
        self.inside = 0  # depth of open selected elements

    def _offset(self) -> int:
        line, column = self.getpos()
        return self.line_starts[line - 1] + column

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        selected = not self.inside and any(
            tag == rule[0] and rule[2] <= set((values.get(rule[1]) or "").split()) and not (len(rule) > 3 and rule[3] in values)
            for rule in MOVED
        )
        if tag in _VOID:
            if selected:
                start = self._offset()
                self.spans.append([start, start + len(self.get_starttag_text())])
            return
        if selected:
            self.spans.append([self._offset(), -1])
            self.inside += 1
        self.stack.append((tag, selected))

    def handle_endtag(self, tag):
        while self.stack:
            open_tag, selected = self.stack.pop()
            if selected:
                self.inside -= 1
                self.spans[-1][1] = self._offset() + len(f"</{tag}>")
            if open_tag == tag:
                return


@dataclass
class Frame:
    page: str  # the shell with each run of moved parts replaced by one PLACEHOLDER
    script: str  # the text of RECORD_FRAME


def split_frame(text: str) -> Frame:
    """Split a rendered shell page (whitespace already collapsed) into the page frame and the shared
    script. Raises FrameError when the theme's markup is not what this expects (a theme upgrade)."""
    text = _GENERATOR.sub("", text, count=1)
    scope = _SCOPE.search(text)
    tabbed = _TABBED.search(text)
    if not scope or not tabbed:
        raise FrameError("页面框架中找不到主题的内联脚本：主题模板可能被改动")
    root = "../../"
    styles = _STYLES.search(text, 0, scope.start())
    if not styles or styles.end() != scope.start():
        raise FrameError("页面框架中找不到主题的样式表：主题模板可能被改动")
    # the stylesheets right before the theme's first script stay in the page's <head>, as MkDocs
    # writes them: a reader without JavaScript still gets a styled page
    text = _SCOPE.sub(f'<script src="{root}{RECORD_FRAME}"></script>\n', text, count=1)
    text = _TABBED.sub("", text, count=1)
    parser = _Spans(text)
    parser.feed(text)
    parser.close()
    spans = parser.spans
    if len(spans) < len(MOVED) or any(end < 0 for _, end in spans):
        raise FrameError("页面框架的结构与预期不同：主题模板可能被改动")
    parts: list[str] = []
    page: list[str] = []
    at = 0
    for start, end in spans:
        gap = text[at:start]
        if parts and at and not gap.strip():  # next to the previous part: one placeholder for both
            parts[-1] += gap + text[start:end]
        else:
            page.append(gap + PLACEHOLDER)
            parts.append(text[start:end])
        at = end
    page.append(text[at:])
    frame = "".join(page)
    tabs_end = frame.index(PLACEHOLDER, frame.index('data-md-component="container"')) + len(PLACEHOLDER)
    frame = frame[:tabs_end] + FILL + frame[tabs_end:]  # header and tabs filled before the content
    bundle = frame.index('<script src="../../assets/javascripts/bundle.')
    scripts = _SCRIPTS.match(frame, bundle)
    if not scripts:
        raise FrameError("页面框架中找不到主题的脚本：主题模板可能被改动")
    # the theme's and the site's scripts (bundle, tables, search, header search …): the last call
    # writes the same <script src> tags at the same place, so they load and run exactly as before
    frame = frame[:bundle] + FILL + "\n" + frame[scripts.end():]
    if any("kxshell" in part.lower() for part in parts):
        raise FrameError("页面框架的共享部分含有页面自己的内容")
    script = (
        "/* The record pages' shared frame, written by `kexie build` (generator/site/frame.py) from the\n"
        "   MkDocs-rendered shell: do not edit. kxFrame() puts each part back into its <kx-f> in order. */\n"
        f"{scope.group(1)};\n"
        "(function(){var F=" + json.dumps(parts, ensure_ascii=False).replace("</", "<\\/") + ",i=0;\n"
        "var S=" + json.dumps(scripts.group(0), ensure_ascii=False).replace("</", "<\\/") + ";\n"
        "window.kxFrame=function(){var e=document.getElementsByTagName(\"kx-f\");"
        "while(e.length&&i<F.length)e[0].outerHTML=F[i++];"
        f"if(i===F.length){{{tabbed.group(1)};document.write(S)}}}}}})();\n"
    )
    return Frame(frame, script)
