"""The MkDocs plugin: checks the records, then generates every data page of the site.

on_config      check records (same pipeline as `kexie validate`) and build the public model
on_files       add the list pages and the record-page shell, in memory
on_page_content fill each generated page (and markers in hand-written pages) with its fragment
on_post_build  write record pages, open data, search index, schemas and the sitemap
"""

from __future__ import annotations

import gc
import json
import re
import shutil
from functools import partial
from pathlib import Path

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files

from generator.common.cjk import join_cjk_lines
from generator.common.forking import Background, fork_stages
from generator.records.reporters import format_text
from generator.site import downloads, fragments, stages
from generator.model.history import read_history
from generator.model.public import build_model
from generator.model.recommend import attach_recommendations
from generator.site.docking_files import write_docking
from generator.site.notfound import portable_404
from generator.site.opendata import write_open_data
from generator.site.changes import Changes
from generator.site import manifest
from generator.site.incremental import Incremental, ReusedPages, base_of
from generator.site.pages import (
    LIST_PAGES, SHELL_CONTENT, SHELL_CRUMBS, SHELL_DESCRIPTION, SHELL_SRC, SHELL_TITLE, base_for,
    year_pages,
)
from generator.site.record_pages import FOOTER_NOTE, Shell, ShellError, write_frame
from generator.common.render import make_env
from generator.search.index import build_search_index
from generator.site.search_docs import expert_documents, page_document, record_documents
from generator.report.yearly import REPORT_PROJECT_ROWS
from generator.site.lists import build_lists, list_files, write_lists
from generator.site.sitemap import write_sitemap
from generator.site.tables import prepare_tables
from generator.model.summaries import funding_years
from generator.checks.pipeline import check_records


TEMPLATES = Path(__file__).parent / "templates"
THEME = Path(__file__).parent / "theme"  # main.html: per-page meta, Open Graph, the feed link
PARALLEL_PAGES_FROM = 2000
# data pages are wide tables: the theme's two side columns give their width to the content. Both
# are empty there: the left one with navigation.tabs and a flat nav, the right one because the
# table of contents is read from the Markdown, before the fragments fill the page. On a phone the
# navigation drawer is unchanged.
HIDE_NAVIGATION = "hide:\n  - navigation\n  - toc\n"
_MARKER = re.compile(r"<!-- kexie:([a-z_]+)(?::([0-9A-Za-z-]+))? -->")


class KexieConfig(Config):
    records = c.Type(str, default="records")
    repository = c.Type(str, default="https://github.com/hzkx/kexie")
    branch = c.Type(str, default="main")
    # the shipped records are fictional: every page and download says so
    demo = c.Type(bool, default=False)
    # the open data's licence, unless the records say otherwise
    licence = c.Type(str, default="CC BY 4.0")
    # bulk files (api/*.json, api/*.csv, the docking and yearly report CSV, lists/*.json) larger than
    # this many bytes are published gzip-compressed only (<name>.gz): GitHub Pages' 1 GB counts bytes
    open_data_compress_over = c.Type(int, default=300_000)
    # rows a list page (/projects/ …) carries as its table; lists.js pages the rest from lists/
    list_page_rows = c.Type(int, default=200)
    # lines of /funding/'s 按承担学会 tables; the rest are one line linking to the societies list
    breakdown_rows = c.Type(int, default=50)
    # the printable yearly report (funding-YYYY.html) lists each project up to this many projects
    # in the year; past it, it gives the breakdowns and points to the CSV/XLSX for the project list
    report_project_rows = c.Type(int, default=REPORT_PROJECT_ROWS)
    # each record page has its own JSON file (`experts/<id>.json` …) while the site has at most this
    # many record pages; past it (a 14 % share of the site that would take a 100,000-expert site
    # past GitHub Pages' 1 GB) the pages link the open-data page, whose bulk files hold every record
    record_json_max = c.Type(int, default=150_000)
    # URLs per sitemap file (the sitemap protocol allows 50,000)
    sitemap_urls_per_file = c.Type(int, default=50_000)


DEMO_NOTE = "演示数据：本站人物、单位、项目与金额均为虚构。"


class Links:
    """Where a record's "edit" and "request a correction" links point (GitHub's editor and forms)."""

    def __init__(self, repository: str, branch: str, contact: dict | None = None):
        self.repository = repository.rstrip("/")
        self.branch = branch
        self.contact = contact or {}  # 学会部's e-mail and phone: the route without GitHub
        self.new_need = f"{self.repository}/issues/new?template=need.yml"

    def edit(self, record) -> str:
        return f"{self.repository}/edit/{self.branch}/{record['source']}"

    def source(self, record) -> str:
        return f"{self.repository}/blob/{self.branch}/{record['source']}"

    def correction(self, record) -> str:
        return f"{self.repository}/issues/new?template=correction.yml&record={record['source']}"


class KexiePlugin(BasePlugin[KexieConfig]):
    def on_config(self, config):
        project = Path(config.config_file_path or ".").resolve().parent
        # `kexie build --records DIR` sets this option; a relative path is relative to mkdocs.yml
        root = project / self.config.records
        if not root.is_dir():
            raise PluginError(f"找不到记录目录 {root}")
        checked = check_records(root)
        if not checked.report.ok:
            raise PluginError("记录未通过校验，网站未生成：\n" + format_text(checked.report, sum(1 for _ in checked.records.all())))
        self.warnings = checked.report.warnings  # `kexie build` says how many
        self.schemas_dir = checked.schemas.folder
        self.model = build_model(checked.records, checked.schemas, read_history(root))
        # the yearly report reads the year of each warning's field: only records with a warning are
        # kept, the others (and their parsed data) are freed once the model is built
        self.records = checked.records.only(p.path for p in self.warnings)
        del checked
        attach_recommendations(self.model)  # 推荐专家, 相似专家 and the docking list
        self.lists = build_lists(self.model)  # the canonical item lists (lists.js pages and filters them)
        self.list_files = list_files(self.lists, self.config.open_data_compress_over)
        self.changes = Changes(self.model)
        self.changes.attach()
        # the model lives until the end of the build: frozen, the collector stops walking its
        # millions of objects at every full collection (and forked page writers do not copy its
        # pages by walking them); on_post_build / on_build_error unfreeze (kexie serve builds again)
        gc.freeze()
        self.env = make_env(TEMPLATES)
        self.env.filters["bulk"], self.env.filters["bulk_size"] = downloads.bulk, downloads.bulk_size
        self.links = Links(self.config.repository, self.config.branch, self.model.contact)
        self.own_json = len(stages.record_jobs(self.model)) <= self.config.record_json_max
        config.theme.dirs.insert(0, str(THEME))
        if self.config.demo and DEMO_NOTE not in (config.copyright or ""):
            # a demo site says so on every page, once, in the theme's shared footer (record pages
            # do not repeat it: #14 item 1)
            config.copyright = " ".join(filter(None, [config.copyright, DEMO_NOTE]))
        # what a previous build in the output folder may be reused for (generator/site/incremental.py)
        current = manifest.fingerprint(Path(config.config_file_path or "mkdocs.yml"),
                                       {"site_url": config.site_url, "kexie": {k: v for k, v in self.config.items() if k != "records"}},
                                       self.schemas_dir, root / "policies")
        self.incremental = Incremental.start(self.model, current, getattr(self, "previous_site", None),
                                             getattr(self, "full_reason", "没有指定上次的网站"))
        return config

    def on_files(self, files: Files, config) -> Files:
        self._data_pages = set()
        for page in LIST_PAGES + year_pages(funding_years(self.model)):
            # the site's own index (generator/search) covers the records and the prose pages;
            # list pages of data are left out (their text is the records', and long)
            if not page.searchable:
                self._data_pages.add(page.src)
            about = f"description: {json.dumps(page.description, ensure_ascii=False)}\n" if page.description else ""
            content = f"---\ntitle: {page.title}\n{about}{HIDE_NAVIGATION}---\n\n# {page.title}\n\n<!-- kexie:{page.fragment} -->\n"
            files.append(File.generated(config, page.src, content=content))
        shell = (f"---\ntitle: {SHELL_TITLE}\ndescription: {SHELL_DESCRIPTION}\nsearch:\n  exclude: true\n{HIDE_NAVIGATION}---\n\n"
                 f"{SHELL_CRUMBS}\n\n# {SHELL_TITLE}\n\n{SHELL_CONTENT}\n")
        files.append(File.generated(config, SHELL_SRC, content=shell))
        self._files = files
        # the files that need only the model (yearly reports, open data, docking list) are written
        # by a forked process while MkDocs renders the pages here; on_post_build waits for it
        self._side = Background(self._side_stages(config), fork=len(self.model.experts) >= PARALLEL_PAGES_FROM)
        return files

    def _side_stages(self, config) -> list:
        site, site_url = Path(config.site_dir), config.site_url or ""
        return [
            *(partial(stages.write_reports, self.model, year, site, self.warnings, site_url, self.records,
                      self.config.open_data_compress_over, self.config.report_project_rows)
              for year in funding_years(self.model)),
            partial(write_open_data, self.model, site / "api", self.config.demo, site_url, self.config.open_data_compress_over),
            partial(write_docking, self.model, site / "docking", site_url, self.config.open_data_compress_over),  # beside /docking/: a need id can never clash
            partial(write_lists, self.list_files, site / "lists"),
        ]

    def on_build_error(self, error):
        gc.unfreeze()
        side = getattr(self, "_side", None)
        if side is not None:
            side.stop()  # a failed build leaves no process writing into the removed folder

    def on_page_content(self, html, page, config, files):
        # the theme's search (lunr with an English trimmer) would drop every Chinese character:
        # its index stays empty and header-search.js answers from the site's own index
        page.meta["search"] = {"exclude": True}
        html = self._fill(html, page)
        if "@@kx" in html:
            self._bulk_pages.append(page.file.dest_uri)
        src = page.file.src_uri
        if src not in self._data_pages and not src.startswith("_kexie/"):
            self._prose.append(page_document(page.url or "", page.title or "", html))
        return html

    def on_pre_build(self, config):
        self._prose = []
        self._bulk_pages = []  # pages linking to bulk files: downloads.resolve names them after the build

    def _fill(self, html, page):
        if "<!-- kexie:" not in html:
            return prepare_tables(join_cjk_lines(html))  # 平台：\n公开 is one phrase, not "平台： 公开"
        context = {
            "m": self.model, "base": base_for(page.url), "links": self.links, "schemas_dir": self.schemas_dir,
            "changes": self.changes, "demo": self.config.demo, "licence": self.config.licence,
            "lists": self.lists, "list_files": self.list_files, "page_rows": self.config.list_page_rows,
            "compress_over": self.config.open_data_compress_over, "breakdown_rows": self.config.breakdown_rows,
            "own_json": self.own_json,
        }

        def fill(match):
            name, arg = match.group(1), match.group(2)
            if name not in fragments.FRAGMENTS:
                raise PluginError(f"{page.file.src_uri}: 未知的页面片段 kexie:{name}")
            return fragments.FRAGMENTS[name](self.env, context, arg)

        return prepare_tables(join_cjk_lines(_MARKER.sub(fill, html)))  # CJK joining: prose and template text alike

    def on_post_build(self, config):
        site = Path(config.site_dir)
        shell_dir = site / "_kexie"
        try:
            shell = Shell.parse((shell_dir / "shell" / "index.html").read_text(encoding="utf-8"), "_kexie/shell/", site,
                                FOOTER_NOTE if self.links.contact else "", (self.links.repository, self.links.branch))
        except (OSError, ShellError) as exc:
            raise PluginError(f"记录页面框架生成失败：{exc}") from None
        shutil.rmtree(shell_dir)
        write_frame(site, shell)
        site_url = config.site_url or ""
        sitemap = [
            (f.url.removeprefix("./"), "") for f in self._files.documentation_pages() if not f.src_uri.startswith("_kexie/")
        ]
        pages = ReusedPages(stages.RecordPages(self.env, self.model, self.links, shell, site, site_url, self.config.demo, self.own_json),
                            self.incremental, base_of(shell, self.links.__dict__, site_url, self.config.demo, self.own_json))
        prose = sorted(self._prose, key=lambda d: d["url"])

        def search():  # in this process meanwhile
            build_search_index(expert_documents(self.model) + record_documents(self.model) + prose, site / "search")

        # rendering and writing tens of thousands of pages is the longest step: two processes
        try:
            _none, written, _ = fork_stages([], pages, stages.record_jobs(self.model), PARALLEL_PAGES_FROM, beside=search)
            self._side.wait()
        finally:
            self._side.stop()
        for url, changed, entry, linked in written:
            sitemap.append((url, changed))
            self.incremental.record_page(url, entry, linked)
        try:
            downloads.resolve(site, [site / uri for uri in self._bulk_pages])
        except downloads.MissingDownload as exc:
            raise PluginError(str(exc)) from None
        stages.copy_schemas(self.schemas_dir, site)
        try:
            write_sitemap(site, site_url, sitemap, self.config.sitemap_urls_per_file)
        except ValueError as exc:
            raise PluginError(f"mkdocs.yml 的 kexie 选项 sitemap_urls_per_file：{exc}") from None
        self.changes.write_feed(site, site_url, config.site_name)
        portable_404(site, site_url)
        gc.unfreeze()

