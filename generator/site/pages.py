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
    description: str = ""  # the page's meta description and Open Graph description


LIST_PAGES = [
    GeneratedPage("experts/index.md", "专家名录", "directory", description="按姓名、拼音、学科、服务行业、学会或区县查找杭州市各市级学会的专家。"),
    GeneratedPage("societies/index.md", "市级学会", "societies_index", description="杭州市各市级学会（协会、研究会）的主要职责、核心团队、主要成员和资助项目。"),
    GeneratedPage("workstations/index.md", "工作站、基地与服务站", "workstations_index", description="院士专家工作站、海智基地工作站、学会协同创新服务基地和学会科技服务站一览。"),
    GeneratedPage("projects/index.md", "资助项目", "projects_index", description="杭州市科协创新驱动助力工程资助的项目：承担学会、立项年份、资助经费与考核情况。"),
    GeneratedPage("needs/index.md", "企业需求", "needs_index", description="企业和基层单位提交的科技需求及对接的专家和学会；没有 GitHub 账号也可通过邮件或电话提交。"),
    GeneratedPage("docking.md", "对接清单", "docking", description="待对接的企业需求及为每条需求推荐的专家，按区县和行业排列。"),
    GeneratedPage("proposals/index.md", "科技工作者建议", "proposals_index", description="科技工作者提出的建议：提出人、所属学会、是否获得采纳。"),
    GeneratedPage("open-data.md", "开放数据", "open_data", description="平台全部公开记录的 JSON 与 CSV 下载，字段说明和结构定义。"),
    GeneratedPage("funding/index.md", "资助经费", "funding", description="历年资助经费汇总：按年度、项目类别和承担学会统计。"),
    GeneratedPage("targets.md", "主要目标完成情况", "targets", description="三年行动计划各项主要目标的完成情况，数字由记录自动统计。"),
    GeneratedPage("changes.md", "最近更新", "changes", description="专家、学会、工作站、项目、需求和建议记录最近的新增、修改和删除，附 Atom 订阅。"),
    GeneratedPage("contributing.md", "参与维护", "contributing", searchable=True, description="学会维护人如何在 GitHub 上修改记录：字段说明、校验规则与提交流程。"),
]


def year_pages(years) -> list[GeneratedPage]:
    return [
        GeneratedPage(f"funding/{y}.md", f"{y} 年度资助经费汇总", f"funding_year:{y}",
                      description=f"{y} 年度资助经费汇总：各项目类别、各学会的资助金额和项目明细。")
        for y in years
    ]

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
SHELL_DESCRIPTION = "KXSHELLDESCRIPTION"  # the frame's meta description, replaced per record


def list_title(folder: str) -> str:
    """The title of the list page a record folder belongs to: "experts" → "专家名录"."""
    return next(page.title for page in LIST_PAGES if page.src == f"{folder}/index.md")


def base_for(url: str) -> str:
    """Relative prefix from a page at `url` (e.g. "experts/") back to the site root."""
    depth = len([part for part in posixpath.dirname(url.rstrip("/") + "/x").split("/") if part])
    return "../" * depth
