"""The generated pages: which exist, their titles, and the fragment that fills each one."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass


@dataclass(frozen=True)
class GeneratedPage:
    src: str  # path inside docs_dir, as if it were a Markdown file there
    title: str
    fragment: str  # template under generator/site/templates/, without .html
    searchable: bool = False  # in the theme's search (for prose pages, not data tables)


LIST_PAGES = [
    GeneratedPage("experts/index.md", "专家名录", "directory"),
    GeneratedPage("societies/index.md", "市级学会", "societies_index"),
    GeneratedPage("workstations/index.md", "工作站、基地与服务站", "workstations_index"),
    GeneratedPage("projects/index.md", "资助项目", "projects_index"),
    GeneratedPage("needs/index.md", "企业需求", "needs_index"),
    GeneratedPage("needs/docking.md", "对接清单", "docking"),
    GeneratedPage("proposals/index.md", "科技工作者建议", "proposals_index"),
    GeneratedPage("open-data.md", "开放数据", "open_data"),
    GeneratedPage("funding/index.md", "资助经费", "funding"),
    GeneratedPage("targets.md", "主要目标完成情况", "targets"),
    GeneratedPage("contributing.md", "参与维护", "contributing", searchable=True),
]


def year_pages(years) -> list[GeneratedPage]:
    return [GeneratedPage(f"funding/{y}.md", f"{y} 年度资助经费汇总", f"funding_year:{y}") for y in years]

# record pages: model attribute → (url folder, template, title key, record kind in Chinese)
RECORD_PAGES = {
    "experts": ("experts", "expert", "name", "专家"),
    "societies": ("societies", "society", "name", "学会"),
    "workstations": ("workstations", "workstation", "name", "工作站"),
    "projects": ("projects", "project", "title", "项目"),
    "needs": ("needs", "need", "title", "需求"),
    "proposals": ("proposals", "proposal", "title", "建议"),
}

SHELL_SRC = "_kexie/shell.md"  # rendered once by MkDocs; every record page reuses its frame
SHELL_TITLE = "KXSHELLTITLE"
SHELL_CONTENT = "KXSHELLCONTENT"
SHELL_CRUMBS = "KXSHELLCRUMBS"  # where the breadcrumbs go, above the title


def list_title(folder: str) -> str:
    """The title of the list page a record folder belongs to: "experts" → "专家名录"."""
    return next(page.title for page in LIST_PAGES if page.src == f"{folder}/index.md")


def base_for(url: str) -> str:
    """Relative prefix from a page at `url` (e.g. "experts/") back to the site root."""
    depth = len([part for part in posixpath.dirname(url.rstrip("/") + "/x").split("/") if part])
    return "../" * depth
