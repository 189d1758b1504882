"""Record pages from one MkDocs-rendered frame.

Rendering 10,000 expert pages through MkDocs' Markdown and theme pipeline costs ~24 s. Every record
page sits two folders deep (`experts/<id>/`), so its frame — header, navigation, footer, relative
asset links — is the same: MkDocs renders one shell page, and each record page is that frame with
the (escaped) title and the record's own rendered fragment put in. Same theme, a fraction of the time.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

from generator.site.frame import RECORD_FRAME, FrameError, split_frame
from generator.site.pages import SHELL_CONTENT, SHELL_CRUMBS, SHELL_DESCRIPTION, SHELL_TITLE


_INDENT = re.compile(r"[ \t]*\n\s*")


class ShellError(Exception):
    pass


@dataclass
class Shell:
    pieces: list[str]  # the frame split at each title marker
    content_at: int  # index of the piece that holds the content marker
    before: str
    after: str
    script: str = ""  # the shared frame (generator/site/frame.py), written once to RECORD_FRAME

    @classmethod
    def parse(cls, text: str, shell_url: str) -> "Shell":
        marker = f"<p>{SHELL_CONTENT}</p>"
        if text.count(marker) != 1 or text.count(f"<p>{SHELL_CRUMBS}</p>") != 1:
            raise ShellError("页面框架中找不到唯一的内容占位符：主题模板可能被改动")
        # the theme's indentation is a fifth of every record page: tens of MB at scale. Runs of
        # whitespace with a line break become one line break (the frame has no <pre>; its inline
        # scripts keep their line breaks, so their meaning is unchanged)
        text = _INDENT.sub("\n", text)
        text = text.replace(SHELL_TITLE.lower(), "kx-title")  # the heading's generated id (the skip link's target)
        try:
            frame = split_frame(text)
        except FrameError as exc:
            raise ShellError(str(exc)) from None
        text = frame.page
        text = text.replace(shell_url, "KXSHELLURL/")
        pieces = text.split(SHELL_TITLE)
        for index, piece in enumerate(pieces):
            if marker in piece:
                before, after = piece.split(marker)
                return cls(pieces, index, before, after, frame.script)
        raise ShellError("页面框架无法解析")  # pragma: no cover - guarded by the count above

    def render(self, title: str, url: str, content: str, crumbs: str = "", description: str = "") -> str:
        """The page for record `title` at `url` (e.g. "experts/zhang-wei/"); `content` and
        `crumbs` are HTML (already escaped), the title and the meta `description` are escaped here.
        The URL and description markers are replaced in the frame only, never in the (untrusted) content.
        """
        safe_title = html.escape(title, quote=True)
        safe_description = html.escape(description, quote=True)

        def frame(text: str) -> str:
            return text.replace("KXSHELLURL/", url).replace(SHELL_DESCRIPTION, safe_description)

        parts = [frame(p) for p in self.pieces]
        parts[self.content_at] = frame(self.before) + content + frame(self.after)
        page = safe_title.join(parts)
        return page.replace(f"<p>{SHELL_CRUMBS}</p>", crumbs, 1)


def breadcrumbs(list_title: str, title: str, back_to_search: bool) -> str:
    """首页 › 专家名录 › 张伟 for a record page two folders deep; on expert pages also a
    "返回搜索结果" link that wayfinding.js shows when the reader came from a directory search."""
    back = '<a class="kx-crumbs__back" href="../" data-kx-back hidden>返回搜索结果</a>' if back_to_search else ""
    return (
        '<nav class="kx-crumbs" aria-label="当前位置"><ol>'
        '<li><a href="../../">首页</a></li>'
        f'<li><a href="../">{html.escape(list_title)}</a></li>'
        f'<li aria-current="page">{html.escape(title)}</li>'
        f"</ol>{back}</nav>"
    )


def write_frame(site_dir: Path, shell: Shell) -> None:
    """The shared frame script every record page loads (once: the browser caches it)."""
    (site_dir / RECORD_FRAME).write_text(shell.script, encoding="utf-8")


def write_page(site_dir: Path, url: str, text: str) -> None:
    target = site_dir / url / "index.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
