"""What `on_post_build` writes, stage by stage: each stage is a function of its inputs, so the
plugin can run them side by side (common.forking.fork_stages) and a partial build can call one.

    RecordPages(...)(job)   one record page (experts/<id>/index.html) and its experts/<id>.json (up to record_json_max)
    record_jobs(model)      every record page to write, in site order
    write_reports(...)      /funding/<year>/funding-<year>.html/.csv/.xlsx for one year
    copy_schemas(...)       /schemas/*.schema.json
"""

from __future__ import annotations

import shutil
from pathlib import Path

from generator.common.cjk import join_cjk_lines
from generator.common.bulk import bulk_file
from generator.report.yearly import REPORT_PROJECT_ROWS, report_files
from generator.site.pages import RECORD_PAGES, list_title
from generator.site.record_meta import description, json_ld, ld_script, record_json
from generator.site.record_pages import Shell, breadcrumbs, telling_reasons, write_page
from generator.site.tables import prepare_tables


def record_jobs(model) -> list[tuple[str, str]]:
    """(model attribute, record id) of every record page, experts first, ids in model order."""
    return [(attribute, record_id) for attribute in RECORD_PAGES for record_id in getattr(model, attribute)]


class RecordPages:
    """Writes one record's page (the shared frame around its rendered template) and its JSON.

    Calling it with (attribute, record id) writes `<folder>/<id>/index.html` and, when `own_json`,
    `<folder>/<id>.json` under `site`, and returns (page url, last-changed date) for the sitemap.
    `own_json` is false past mkdocs.yml's `record_json_max` records (the plugin decides): the record's
    open data is then in its kind's bulk files only, which the page links (#14: GitHub Pages' 1 GB).
    """

    def __init__(self, env, model, links, shell: Shell, site: Path, site_url: str, demo: bool, own_json: bool = True):
        self.model, self.shell, self.site, self.site_url, self.demo = model, shell, site, site_url, demo
        self.own_json = own_json
        self.context = {"m": model, "base": "../../", "links": links, "telling_reasons": telling_reasons,
                        "own_json": own_json}
        self.templates = {attribute: env.get_template(f"{spec[1]}.html") for attribute, spec in RECORD_PAGES.items()}
        self.titles = {attribute: list_title(spec[0]) for attribute, spec in RECORD_PAGES.items()}

    def __call__(self, job: tuple[str, str]) -> tuple[str, str]:
        attribute, record_id = job
        folder, _template, title_key, _kind = RECORD_PAGES[attribute]
        record = getattr(self.model, attribute)[record_id]
        url = f"{folder}/{record_id}/"
        content = prepare_tables(join_cjk_lines(self.templates[attribute].render(e=record, **self.context)), labels=False)
        content += ld_script(json_ld(attribute, record, self.model))
        crumbs = breadcrumbs(self.titles[attribute])
        page = self.shell.render(record[title_key], url, content, crumbs, description(attribute, record, self.model))
        write_page(self.site, url, page)
        if self.own_json:
            (self.site / folder / f"{record_id}.json").write_text(record_json(attribute, record, self.demo), encoding="utf-8")
        return url, record["changed"]


def write_reports(model, year: int, site: Path, warnings, site_url: str, records, compress_over: int | None = None,
                  project_rows: int = REPORT_PROJECT_ROWS) -> None:
    """The year's report files beside its page, the very bytes `kexie report` writes; the CSV as
    funding-YYYY.csv.gz past `compress_over` bytes (the same bytes, compressed: common.bulk)."""
    folder = site / "funding" / str(year)
    folder.mkdir(parents=True, exist_ok=True)  # may run before MkDocs writes the year's page
    for name, data in report_files(model, year, warnings, site_url, records, project_rows).items():
        name, data = bulk_file(name, data, compress_over if name.endswith(".csv") else None)
        (folder / name).write_bytes(data)


def copy_schemas(schemas_dir: Path, site: Path) -> None:
    """The JSON Schemas the records are checked against, published under /schemas/."""
    out = site / "schemas"
    out.mkdir(exist_ok=True)
    for schema in sorted(schemas_dir.glob("*.schema.json")):
        shutil.copyfile(schema, out / schema.name)
