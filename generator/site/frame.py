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
    ("header", "class", {"md-header"}),  # icons, site name, search dialog; the page's title is put in (TITLE)
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
_ICON = re.compile(r'<link rel="icon" href="([^"<>]*)">\n?')
_BODY = re.compile(r'<body( [^<>]*)>')
_COLOURS = re.compile(r' (data-md-color-[a-z]+)="([a-z-]*)"')
_TITLE_TAG = re.compile(r"<title>([^<]*)</title>")
# the page's own structure around its content keeps its classes (styled without JavaScript); the
# theme's script finds these by data-md-component, which the last kxFrame() call puts back first
_COMPONENTS = re.compile(r'<(div|main) class="(md-container|md-main|md-content)" data-md-component="(container|main|content)">')
TITLE = "\x01"  # in a shared part: the page's own title, taken by kxFrame() from document.title
STYLESHEET = "assets/stylesheets/record.{hash}.css"  # the theme's and the site's stylesheets in one file


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
    styles: list[str]  # the stylesheets MkDocs links, site-relative, in order (STYLESHEET_MARK's file joins them)


STYLESHEET_MARK = "KXSTYLESHEET"  # the page's one stylesheet link: record_pages.Shell puts the hashed name in


def split_frame(text: str, title: str = "", footer_note: str = "", github: tuple[str, str] = ("", "")) -> Frame:
    """Split a rendered shell page (whitespace already collapsed) into the page frame and the shared
    script. `title` is the page title's marker in the shell (its <title> and header): in the shared
    header it becomes TITLE, which kxFrame() fills with the page's own title (document.title without
    the site name). `footer_note` (HTML, ours) is added by the last kxFrame() call at the end of the
    page's record footer (`.kx-record-footer`), the same on every record page. `github`: (repository
    URL, branch): the footer's 请求更正 link (in the page: the about page's contact section, which
    works without JavaScript) then points to the GitHub correction form for the page's record, and
    编辑此记录 (GitHub's editor) follows it. Both name the record's file, `records/<folder>/<id>.yaml`,
    taken from the page's own address (record pages are always `<folder>/<id>/`): ~200 bytes a page
    that need not be in 235,000 pages (#14 item 1). Raises FrameError when the theme's markup is not
    what this expects (a theme upgrade)."""
    text = _GENERATOR.sub("", text, count=1)
    scope = _SCOPE.search(text)
    tabbed = _TABBED.search(text)
    if not scope or not tabbed:
        raise FrameError("页面框架中找不到主题的内联脚本：主题模板可能被改动")
    root = "../../"
    styles = _STYLES.search(text, 0, scope.start())
    if not styles or styles.end() != scope.start():
        raise FrameError("页面框架中找不到主题的样式表：主题模板可能被改动")
    # one stylesheet link (the four files joined, record_pages.Shell) stays in the page's <head>,
    # parser-inserted: a reader without JavaScript still gets a styled page
    hrefs = [h.removeprefix(root) for h in re.findall(r'href="([^"]*)"', styles.group(0))]
    text = (text[:styles.start()] + f'<link rel="stylesheet" href="{root}{STYLESHEET_MARK}">\n'
            + f'<script src="{root}{RECORD_FRAME}"></script>\n' + text[scope.end():])
    text = _TABBED.sub("", text, count=1)
    # the favicon (the browser asks for it once, cached) and the body's colour attributes (the
    # theme's defaults are those colours: unstyled without them they look the same) come from the script
    icon = _ICON.search(text)
    body = _BODY.search(text)
    title_tag = _TITLE_TAG.search(text)
    if not icon or not body or not title_tag or (title and title not in title_tag.group(1)):
        raise FrameError("页面框架的结构与预期不同：主题模板可能被改动")
    text = text[:icon.start()] + text[icon.end():]
    body = _BODY.search(text)
    colours = _COLOURS.findall(body.group(1))
    text = text[:body.start()] + "<body" + _COLOURS.sub("", body.group(1)) + ">" + text[body.end():]
    suffix = title_tag.group(1).split(title, 1)[1] if title else ""
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
    if title:
        parts = [part.replace(title, TITLE) for part in parts]
    frame = "".join(page)
    components = [(m.group(2), m.group(3)) for m in _COMPONENTS.finditer(frame)]
    if len(components) != 3:
        raise FrameError("页面框架的结构与预期不同：主题模板可能被改动")
    frame = _COMPONENTS.sub(r'<\1 class="\2">', frame)
    tabs_end = frame.index(PLACEHOLDER, frame.index('class="md-container"')) + len(PLACEHOLDER)
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

    def js(value) -> str:
        return json.dumps(value, ensure_ascii=False).replace("</", "<\\/")

    cut = len(suffix.encode("utf-16-le")) // 2  # document.title counts UTF-16 units
    script = (
        "/* The record pages' shared frame, written by `kexie build` (generator/site/frame.py) from the\n"
        "   MkDocs-rendered shell: do not edit. kxFrame() puts each part back into its <kx-f> in order. */\n"
        f"{scope.group(1)};\n"
        "(function(){var F=" + js(parts) + ",i=0;\n"
        "var S=" + js(scripts.group(0)) + ",C=" + js(colours) + ",N=" + js(footer_note) + ",M=" + js(components) + ",G=" + js(list(github)) + ";\n"
        f"var l=document.createElement(\"link\");l.rel=\"icon\";l.href={js(icon.group(1))};document.head.appendChild(l);\n"
        # the record's GitHub links, built with the DOM (never HTML from the address): the page's
        # last two path segments are its folder and id, both plain slugs (checks/integrity.py)
        "function kxLinks(n){var a=n.querySelector(\"a[rel=nofollow]\"),p=location.pathname.replace(/index\\.html$/,\"\").split(\"/\").filter(Boolean).slice(-2);"
        "if(!a||!G[0]||p.length<2||!p.every(function(s){return /^[a-z0-9][a-z0-9-]*$/.test(s)}))return;"
        "var f=\"records/\"+p[0]+\"/\"+p[1]+\".yaml\",e=document.createElement(\"a\");"
        "a.href=G[0]+\"/issues/new?template=correction.yml&record=\"+f;e.href=G[0]+\"/edit/\"+G[1]+\"/\"+f;e.rel=\"nofollow\";e.textContent=\"编辑此记录\";"
        "a.after(\" · \",e)}\n"
        "window.kxFrame=function(){var e=document.getElementsByTagName(\"kx-f\"),b=document.body,t=document.title;"
        f"t=({cut}?t.slice(0,-{cut}):t).replace(/&/g,\"&amp;\").replace(/</g,\"&lt;\").replace(/>/g,\"&gt;\");"
        "if(!i)C.forEach(function(c){b.setAttribute(c[0],c[1])});"
        "while(e.length&&i<F.length)e[0].outerHTML=F[i++].split(\"\\x01\").join(t);"
        "if(i===F.length){M.forEach(function(c){var n=document.querySelector(\".\"+c[0]);if(n)n.setAttribute(\"data-md-component\",c[1])});"
        "var n=document.querySelector(\".kx-record-footer\");if(n){kxLinks(n);if(N)n.insertAdjacentHTML(\"beforeend\",N)}"
        f"{tabbed.group(1)};document.write(S)}}}}}})();\n"
    )
    return Frame(frame, script, hrefs)
