"""`kexie report --year YYYY`: the year's funding summary as printable HTML, CSV and XLSX.

The numbers come from generator.model.summaries.summarize — the very function behind /funding/<year>/ —
so the workbook and the site agree to the yuan.
"""

from __future__ import annotations

import datetime
from pathlib import Path

from generator.common.safe_write import OutputError, refuse_inside, write_file
from generator.common.tabular import Sheet, csv_bytes, xlsx_bytes
from generator.model.public import build_model
from generator.common.render import make_env
from generator.model.summaries import FundingSummary, funding_years, period_of_year, summarize
from generator.report.warnings import book_title, year_warnings

# the printable report lists each project up to this many projects in the year (mkdocs.yml's kexie
# option report_project_rows overrides it); past it the HTML is a summary and points to the CSV/XLSX
REPORT_PROJECT_ROWS = 500
WAN_FORMAT = '#,##0.00" 万元"'


class ReportError(Exception):
    pass


MONEY_HEADER = ["资助（元）", "退回（元）", "净额（元）", "资助（万元）", "退回（万元）", "净额（万元）"]


def _money_row(label, count, line) -> list:
    """Gross, refunds and net, in yuan (exact) and in 万元 (for reading)."""
    return [label, count, line.amount, line.refund, line.net, line.amount / 10000, line.refund / 10000, line.net / 10000]


def _sheets(summary: FundingSummary) -> list[tuple[str, list[str], list[list]]]:
    """(sheet name, header, rows); money as yuan integers and as 万元 numbers."""
    breakdowns = [
        ("按项目类别", "项目类别", summary.by_programme),
        ("按承担学会", "学会", summary.by_society),
        ("按区县", "区、县（市）", summary.by_district),
    ]
    sheets = []
    for name, heading, lines in breakdowns:
        rows = [_money_row(line.label, len(line.projects), line) + ["、".join(line.projects)] for line in lines]
        rows.append(_money_row("合计", len(summary.total.projects), summary.total) + [""])
        sheets.append((name, [heading, "项目数", *MONEY_HEADER, "项目编号"], rows))
    detail = [
        [r["project"]["id"], r["project"]["title"], r["project"]["programme_label"], r["project"]["lead_society"], r["society"],
         r["district"],
         r["amount"], r["refund"], r["net"], r["amount"] / 10000, r["refund"] / 10000, r["net"] / 10000, r["project"]["status_label"]]
        for r in summary.projects
    ]
    sheets.append(("项目明细", ["项目编号", "项目名称", "类别", "承担学会编号", "承担学会", "区、县（市）", *MONEY_HEADER, "状态"], detail))
    return sheets


def _workbook_sheets(summary: FundingSummary) -> list[Sheet]:
    sheets = []
    for name, header, rows in _sheets(summary):
        formats = {i: WAN_FORMAT if "万元" in title else "#,##0" for i, title in enumerate(header) if "元）" in title}
        widths = {i: 40 if title in ("项目名称", "项目编号") else 16 for i, title in enumerate(header)}
        sheets.append(Sheet(name, [header, *rows], number_formats=formats, widths=widths))
    return sheets


def write_xlsx(summary: FundingSummary, path: Path) -> None:
    """The workbook: one sheet per breakdown and the project list; dated 31 December of the year."""
    path.write_bytes(xlsx_bytes(_workbook_sheets(summary), datetime.datetime(summary.year, 12, 31)))


def _csv_bytes(summary: FundingSummary) -> bytes:
    rows: list[list] = []
    for name, header, table in _sheets(summary):
        rows += [[f"# {summary.year} 年{name}"], header, *table, []]
    return csv_bytes(rows, decimals=2)


def write_csv(summary: FundingSummary, path: Path) -> None:
    """The same tables in one CSV, each under a `# YEAR 年…` line; 万元 with two decimals."""
    path.write_bytes(_csv_bytes(summary))


def report_files(model, year: int, warnings, site_url: str, records=None, project_rows: int = REPORT_PROJECT_ROWS) -> dict[str, bytes]:
    """The year's report as {file name: bytes}: funding-YYYY.html, .csv and .xlsx.

    `model` is the public model (generator.model.public.build_model), `warnings` the policy
    warnings (only the year's are listed: report/warnings.py, which reads `records`, the RecordSet,
    to find the year a warning's field belongs to), `site_url` the site's address for the HTML's links. The same bytes for the
    same records: `kexie report` writes them, and the site publishes them beside /funding/YYYY/.
    `project_rows`: the HTML lists each project only when the year has at most this many (the
    CSV and XLSX always do); past it the HTML gives the breakdowns and points to them.
    Raises ReportError when the year has no funding at all.
    """
    summary = summarize(model, year)
    if not summary.projects:
        years = funding_years(model)
        raise ReportError(f"{year} 年没有任何资助或退回记录：有资助或退回的年份是 {'、'.join(map(str, years)) or '（无）'}")
    policy = period_of_year(model, year)
    env = make_env(Path(__file__).parent / "templates")
    html = env.get_template("report.html").render(
        s=summary, m=model, base=site_url, warnings=year_warnings(warnings, records, model, summary, year),
        policy_title=book_title((policy or {}).get("title", "（无对应政策期）")),
        policy=policy, project_rows=project_rows,
    )
    return {
        f"funding-{year}.html": html.encode("utf-8"),
        f"funding-{year}.csv": _csv_bytes(summary),
        f"funding-{year}.xlsx": xlsx_bytes(_workbook_sheets(summary), datetime.datetime(summary.year, 12, 31)),
    }


def write_report(checked, year: int, out: Path, site_url: str, last_changed=None,
                 project_rows: int = REPORT_PROJECT_ROWS) -> list[Path]:
    """`kexie report`: the year's files (report_files) written into `out`; their paths."""
    model = build_model(checked.records, checked.schemas, last_changed or {})
    files = report_files(model, year, checked.report.warnings, site_url, checked.records, project_rows)
    try:
        refuse_inside(out, [checked.records.root, checked.schemas.folder])
    except OutputError as exc:
        raise ReportError(str(exc)) from None
    if out.is_symlink():
        raise ReportError(f"拒绝输出到 {out}：它是符号链接，报表会写到它指向的地方。请指定一个普通目录")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ReportError(f"无法创建输出目录 {out}：{exc.strerror}") from None
    paths = []
    for name, data in files.items():
        write_file(out / name, data)
        paths.append(out / name)
    return paths
