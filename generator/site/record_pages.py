"""Record pages from one MkDocs-rendered frame.

Rendering 10,000 expert pages through MkDocs' Markdown and theme pipeline costs ~24 s. Every record
page sits two folders deep (`experts/<id>/`), so its frame — header, navigation, footer, relative
asset links — is the same: MkDocs renders one shell page, and each record page is that frame with
the (escaped) title and the record's own rendered fragment put in. Same theme, a fraction of the time.

Each page is then minified with minify-html (optional closing tags and attribute quotes dropped,
whitespace collapsed; scripts and styles left as they are, so the JSON-LD keeps its bytes): a
maintained implementation of the HTML spec's rules on when a tag or a quote may be left out, which
our own regexes would get wrong at the edges (attribute values with `=`, `&`, spaces or a trailing
slash, `<p>` closed by the next block). Deterministic: the same page always gives the same bytes.
Links to a record of the page's own folder are written `../<id>/`, filters of it `../?…`.
"""

from __future__ import annotations

import hashlib
import html
import re
from dataclasses import dataclass
from pathlib import Path

import minify_html

from generator.site.frame import RECORD_FRAME, STYLESHEET, STYLESHEET_MARK, FrameError, split_frame
from generator.site.pages import SHELL_CONTENT, SHELL_CRUMBS, SHELL_DESCRIPTION, SHELL_TITLE


# the route without GitHub, at the end of every record footer: put there by the shared frame script
# (the same 110 bytes on every page otherwise); 学会部's e-mail and phone are on the about page, once
FOOTER_NOTE = '<p class="kx-contact">没有 GitHub 账号也可以<a href="../../about/#contact">通过学会部请求更正</a></p>'
_INDENT = re.compile(r"[ \t]*\n\s*")
_SOURCE_MAP = re.compile(r"/\*# sourceMappingURL=[^*]*\*/\s*")
# whitespace only: the frame's scripts (kxFrame, the JSON-LD) are written compact already
MINIFY = {"minify_js": False, "minify_css": False}


_TITLE = re.compile(r"<title>(.*?)</title>", re.S)
_START_TAG = re.compile(r"""<[a-zA-Z][^\s/>]*(?:\s*[^\s"'=<>`/]+(?:=(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*\s*/?>""")
_QUOTED = re.compile(r"""=("[^"]*"|'[^']*')""")


def _angles(text: str) -> str:
    return text.replace("<", "&lt;").replace(">", "&gt;")


def minify(page: str) -> str:
    """`page` (a whole HTML document) as minify-html writes it: same DOM, fewer bytes.

    minify-html writes `<` and `>` unescaped where the parser cannot take them for a tag (inside
    <title> and quoted attribute values): correct HTML, but record text (a title, a description)
    would then show a raw `<script>` to anything that is not an HTML parser. They are escaped again
    there, as the page had them: the same DOM, a few bytes only on pages whose text has them.
    """
    page = minify_html.minify(page, **MINIFY)
    page = _TITLE.sub(lambda m: f"<title>{_angles(m.group(1))}</title>", page, count=1)
    return _START_TAG.sub(lambda tag: _QUOTED.sub(lambda v: "=" + _angles(v.group(1)), tag.group(0))
                          if ("'" in tag.group(0) or '"' in tag.group(0)) else tag.group(0), page)


def join_stylesheets(site_dir: Path, hrefs: list[str]) -> tuple[str, str]:
    """(site-relative name, text) of the one stylesheet of the record pages: the files at `hrefs`
    (site-relative, e.g. the theme's main and palette css, kexie.css, directory.css) joined in order,
    named by a hash of the text. They all sit in assets/stylesheets/, where the joined file goes, so
    their relative url()s still resolve. Their source-map comments are dropped (they would name the
    wrong file). Raises OSError when a file is missing."""
    parts = []
    for href in hrefs:
        if not href.startswith("assets/stylesheets/") or "/" in href.removeprefix("assets/stylesheets/"):
            raise OSError(f"样式表不在 assets/stylesheets/ 中：{href}")
        parts.append(_SOURCE_MAP.sub("", (site_dir / href).read_text(encoding="utf-8")).rstrip() + "\n")
    text = "".join(parts)
    return STYLESHEET.format(hash=hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]), text


class ShellError(Exception):
    pass


@dataclass
class Shell:
    pieces: list[str]  # the frame split at each title marker
    content_at: int  # index of the piece that holds the content marker
    before: str
    after: str
    script: str = ""  # the shared frame (generator/site/frame.py), written once to RECORD_FRAME
    stylesheet: tuple[str, str] = ("", "")  # (site-relative name, text): the joined stylesheet

    @classmethod
    def parse(cls, text: str, shell_url: str, site_dir: Path, footer_note: str = "",
              github: tuple[str, str] = ("", "")) -> "Shell":
        """The shell page MkDocs rendered at `shell_url` (its text), in a site whose theme and extra
        stylesheets are already under `site_dir`; `footer_note` (HTML) ends every record footer and
        `github` (repository URL, branch) gives its correction and edit links (frame.split_frame).
        Raises ShellError (Chinese) when the theme's
        markup is not what the frame expects or a stylesheet is missing."""
        marker = f"<p>{SHELL_CONTENT}</p>"
        if text.count(marker) != 1 or text.count(f"<p>{SHELL_CRUMBS}</p>") != 1:
            raise ShellError("页面框架中找不到唯一的内容占位符：主题模板可能被改动")
        # the theme's indentation is a fifth of every record page: tens of MB at scale. Runs of
        # whitespace with a line break become one line break (the frame has no <pre>; its inline
        # scripts keep their line breaks, so their meaning is unchanged)
        text = _INDENT.sub("\n", text)
        text = text.replace(SHELL_TITLE.lower(), "kx-title")  # the heading's generated id (the skip link's target)
        try:
            frame = split_frame(text, SHELL_TITLE, footer_note, github)
            stylesheet = join_stylesheets(site_dir, frame.styles)
        except (FrameError, OSError) as exc:
            raise ShellError(str(exc)) from None
        text = frame.page.replace(STYLESHEET_MARK, stylesheet[0])
        text = text.replace(shell_url, "KXSHELLURL/")
        pieces = text.split(SHELL_TITLE)
        for index, piece in enumerate(pieces):
            if marker in piece:
                before, after = piece.split(marker)
                return cls(pieces, index, before, after, frame.script, stylesheet)
        raise ShellError("页面框架无法解析")  # pragma: no cover - guarded by the count above

    def render(self, title: str, url: str, content: str, crumbs: str = "", description: str = "") -> str:
        """The page for record `title` at `url` (e.g. "experts/zhang-wei/"); `content` and
        `crumbs` are HTML (already escaped), the title and the meta `description` are escaped here.
        The URL and description markers are replaced in the frame only, never in the (untrusted) content.
        Links in `content` to the page's own folder (`../../experts/…` on experts/<id>/) become `../…`.
        The page is minified (`minify`).
        """
        safe_title = html.escape(title, quote=True)
        safe_description = html.escape(description, quote=True)

        def frame(text: str) -> str:
            return text.replace("KXSHELLURL/", url).replace(SHELL_DESCRIPTION, safe_description)

        parts = [frame(p) for p in self.pieces]
        folder = url.split("/", 1)[0]
        # record text is escaped (no raw `"`), so `href="../../<folder>/` is always one of our links
        content = content.replace(f'href="../../{folder}/', 'href="../')
        parts[self.content_at] = frame(self.before) + content + frame(self.after)
        page = safe_title.join(parts)
        return minify(page.replace(f"<p>{SHELL_CRUMBS}</p>", crumbs, 1))


def telling_reasons(hits) -> list[str]:
    """One reason for each of `hits` (matches with `.reasons`, strongest first), in order: the first
    of its reasons that the fewest of the other hits share, so a list whose candidates all share a
    discipline shows what sets each apart (简介提到“机器人”) rather than the same line five times.
    "" for a hit without reasons. Deterministic: ties go to the earlier (stronger) reason."""
    counts: dict[str, int] = {}
    for hit in hits:
        for reason in set(hit.reasons):
            counts[reason] = counts.get(reason, 0) + 1
    return [min(hit.reasons, key=lambda r: (counts[r], hit.reasons.index(r))) if hit.reasons else "" for hit in hits]


def breadcrumbs(list_title: str) -> str:
    """首页 › 专家名录 on a record page two folders deep: the path to the page, not the page itself,
    whose title is the <h1> right below (GOV.UK's breadcrumbs pattern; 60 bytes a page less at
    235,000 pages, #14). On expert pages wayfinding.js adds a "返回搜索结果" link when the reader
    came from a directory search (none in the page: it would be hidden on every page)."""
    return (
        '<nav class="kx-crumbs" aria-label="当前位置"><ol>'
        '<li><a href="../../">首页</a></li>'
        f'<li><a href="../">{html.escape(list_title)}</a></li>'
        "</ol></nav>"
    )


def write_frame(site_dir: Path, shell: Shell) -> None:
    """The shared frame script and stylesheet every record page loads (once: the browser caches them)."""
    (site_dir / RECORD_FRAME).write_text(shell.script, encoding="utf-8")
    name, text = shell.stylesheet
    (site_dir / name).write_text(text, encoding="utf-8")


def write_page(site_dir: Path, url: str, text: str) -> None:
    target = site_dir / url / "index.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
