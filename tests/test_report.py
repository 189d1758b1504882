"""`kexie report --year` writes HTML, CSV and XLSX whose numbers are the site's, to the yuan."""

from __future__ import annotations

import re

import openpyxl

from tests.sitebuild import demo_site, run_kexie


def _site_total(year: int) -> str:
    page = (demo_site() / "funding" / str(year) / "index.html").read_text(encoding="utf-8")
    return re.search(r"年度资助经费合计 <strong>([\d,.]+)</strong> 万元", page).group(1)


def test_report_2016_matches_the_site_page(tmp_path):
    result = run_kexie("report", "--year", "2016", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["funding-2016.csv", "funding-2016.html", "funding-2016.xlsx"]
    book = openpyxl.load_workbook(tmp_path / "funding-2016.xlsx")
    assert book.sheetnames == ["按项目类别", "按承担学会", "按区县", "项目明细"]
    site_total = _site_total(2016)
    for name in ("按项目类别", "按承担学会", "按区县"):
        sheet = book[name]
        last = [c.value for c in sheet[sheet.max_row]]
        assert last[0] == "合计"
        assert f"{last[2] / 10000:,.2f}" == site_total  # yuan column, exact
        assert sheet.cell(row=2, column=6).number_format.endswith('" 万元"')
    detail = book["项目明细"]
    header = [c.value for c in detail[1]]
    assert header[3:5] == ["承担学会编号", "承担学会"]  # the society's name beside its id, as in the open data
    assert all(re.search(r"[\u4e00-\u9fff]", row[4]) for row in detail.iter_rows(min_row=2, values_only=True))
    gross = header.index("资助（元）")
    assert sum(row[gross] for row in detail.iter_rows(min_row=2, values_only=True)) == book["按项目类别"].cell(row=book["按项目类别"].max_row, column=3).value
    html = (tmp_path / "funding-2016.html").read_text(encoding="utf-8")
    assert f"合计资助 <strong>{site_total}</strong> 万元" in html
    csv_text = (tmp_path / "funding-2016.csv").read_text(encoding="utf-8-sig")
    assert "# 2016 年按项目类别" in csv_text


def test_report_refuses_a_year_without_funding(tmp_path):
    result = run_kexie("report", "--year", "1999", "--out", str(tmp_path))
    assert result.returncode == 2
    assert "1999 年没有任何资助或退回记录" in result.stderr
    assert "Traceback" not in result.stderr


def test_same_records_give_the_same_report_bytes(tmp_path):
    for out in ("a", "b"):
        assert run_kexie("report", "--year", "2016", "--out", str(tmp_path / out)).returncode == 0
    for name in ("funding-2016.html", "funding-2016.csv", "funding-2016.xlsx"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_each_funding_year_page_offers_the_report_files_built_with_the_site(tmp_path):
    """/funding/YYYY/ links its year's HTML, CSV and XLSX, and they are the very bytes
    `kexie report --year YYYY` writes (issue 16, item 4); the public page names no command."""
    site = demo_site()
    years = sorted(int(p.name) for p in (site / "funding").iterdir() if p.is_dir() and p.name.isdigit())
    assert years, "the demo site has no funding years"
    for year in years:
        page = (site / "funding" / str(year) / "index.html").read_text(encoding="utf-8")
        assert "kexie report" not in page
        out = tmp_path / str(year)
        result = run_kexie("report", "--year", str(year), "--out", str(out))
        assert result.returncode == 0, result.stderr
        for suffix in ("xlsx", "csv", "html"):
            name = f"funding-{year}.{suffix}"
            assert f'href="{name}"' in page, name
            assert (site / "funding" / str(year) / name).read_bytes() == (out / name).read_bytes(), name
