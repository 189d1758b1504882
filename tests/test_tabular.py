"""Spreadsheet formula injection (issue #10, item 3): one writer for every CSV and XLSX.

Unit cases for `generator.common.tabular`, then the real report and open data built from records
whose project title and society duties are formulas.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import zipfile
from decimal import Decimal

import openpyxl
import pytest

from generator.common.tabular import Sheet, csv_bytes, neutralise, sheet_name, xlsx_bytes
from tests.sitebuild import REPO, make_project, run_kexie

BASE = REPO / "tests" / "cases" / "base" / "records"
WHEN = datetime.datetime(2016, 12, 31)

HOSTILE = [
    ("=1+1", "'=1+1"),
    ('=HYPERLINK("http://evil.example","x")', '\'=HYPERLINK("http://evil.example","x")'),
    ("+1", "'+1"),
    ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1", "'\t=1"),
    ("\tplain", "'\tplain"),
    ("\r=1", "'\r=1"),
    ("  =1", "'  =1"),
    ("\u3000+1", "'\u3000+1"),
    ("\n-1", "'\n-1"),
    ("-5", "'-5"),  # text that looks like a number is still text
]
HARMLESS = ["a=b", "", "杭州市材料学会", "1+1", "'=already quoted", " plain"]


@pytest.mark.parametrize("text, safe", HOSTILE)
def test_formula_cells_get_a_quote(text, safe):
    assert neutralise(text) == safe


@pytest.mark.parametrize("text", HARMLESS)
def test_other_text_is_unchanged(text):
    assert neutralise(text) == text


def _csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_csv_neutralises_text_and_keeps_numbers():
    rows = [["text", "int", "float", "decimal", "none"], ["=1+1", -5, -12.5, Decimal("-3.10"), None]]
    data = csv_bytes(rows, decimals=2)
    assert data.startswith("\ufeff".encode()) and data.endswith(b"\r\n")
    assert _csv(data)[1] == ["'=1+1", "-5", "-12.50", "-3.10", ""]
    assert _csv(csv_bytes([[-12.5]]))[0] == ["-12.5"]
    assert not csv_bytes([["x"]], bom=False).startswith("\ufeff".encode())


def test_csv_and_xlsx_refuse_cells_that_are_not_text_or_numbers():
    for bad in (True, {"a": 1}, ["a"], datetime.date(2016, 1, 1)):
        with pytest.raises(TypeError):
            csv_bytes([[bad]])
        with pytest.raises(TypeError):
            xlsx_bytes([Sheet("s", [["h"], [bad]])], WHEN)


def _book(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data))


def test_xlsx_text_is_text_never_a_formula_and_numbers_stay_numbers():
    texts = [text for text, _ in HOSTILE]
    data = xlsx_bytes([Sheet("s", [["text", "number"], *[[t, -5] for t in texts], ["x", -12.5]])], WHEN)
    sheet = _book(data)["s"]
    for row, (_, safe) in enumerate(HOSTILE, start=2):
        cell = sheet.cell(row=row, column=1)
        # openpyxl's own XML reader turns a lone CR into LF, lxml's (present once lxml is
        # installed, e.g. by feedgen) keeps it: compare with line ends folded
        assert (cell.value.replace("\r", "\n"), cell.data_type) == (safe.replace("\r", "\n"), "s")
        number = sheet.cell(row=row, column=2)
        assert (number.value, number.data_type) == (-5, "n")
    assert sheet.cell(row=len(HOSTILE) + 2, column=2).value == -12.5
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        xml = book.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "<f>" not in xml and "<f " not in xml


def test_xlsx_writes_control_characters_openpyxl_refuses_as_escapes():
    data = xlsx_bytes([Sheet("s", [["h"], ["a\x0bb\x00c\x1f"]])], WHEN)
    assert _book(data)["s"].cell(row=2, column=1).value == "a\\x0bb\\x00c\\x1f"
    assert _csv(csv_bytes([["a\x0bb"]]))[0] == ["a\\x0bb"]


def test_xlsx_cuts_cells_excel_cannot_hold_and_names_sheets_it_accepts():
    data = xlsx_bytes([Sheet("a/b:c*d?e[f]g" + "x" * 40, [["h"], ["y" * 40000]])], WHEN)
    book = _book(data)
    assert book.sheetnames == ["a_b_c_d_e_f_g" + "x" * 18]
    value = book.worksheets[0].cell(row=2, column=1).value
    assert len(value) == 32767 and value.endswith("…")
    assert sheet_name("") == "Sheet"


def test_xlsx_bytes_are_the_same_every_time():
    sheets = [Sheet("s", [["h", "n"], ["a", 1.5]], number_formats={1: "0.00"}, widths={0: 20})]
    first = xlsx_bytes(sheets, WHEN)
    assert xlsx_bytes(sheets, WHEN) == first
    with zipfile.ZipFile(io.BytesIO(first)) as book:
        assert {info.date_time for info in book.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert b"2016-12-31T00:00:00Z" in book.read("docProps/core.xml")


def _formula_project():
    project = make_project(BASE, "formulas")
    path = project / "records" / "projects" / "xihu-materials-station-2016.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"^title: .*$", 'title: "=HYPERLINK(\\"http://evil.example\\",\\"点我\\")"', text, flags=re.M), encoding="utf-8")
    society = project / "records" / "societies" / "hz-materials.yaml"
    text = society.read_text(encoding="utf-8")
    society.write_text(text.replace("  - 开展材料科学学术交流", "  - \"-2+3+cmd|' /C calc'!A0\"", 1), encoding="utf-8")
    return project


def test_report_and_open_data_neutralise_record_text(tmp_path):
    project = _formula_project()
    checked = run_kexie("validate", cwd=project)
    assert checked.returncode == 0, checked.stdout
    result = run_kexie("report", "--year", "2016", "--out", str(tmp_path / "report"), cwd=project)
    assert result.returncode == 0, result.stderr
    book = openpyxl.load_workbook(tmp_path / "report" / "funding-2016.xlsx")
    detail = book["项目明细"]
    title = detail.cell(row=2, column=2)
    assert (title.value, title.data_type) == ('\'=HYPERLINK("http://evil.example","点我")', "s")
    gross = [c.value for c in detail[1]].index("资助（元）") + 1
    assert detail.cell(row=2, column=gross).data_type == "n"
    report_csv = _csv((tmp_path / "report" / "funding-2016.csv").read_bytes())
    assert ["xihu-materials-station-2016", '\'=HYPERLINK("http://evil.example","点我")'] == next(r for r in report_csv if r and r[0] == "xihu-materials-station-2016")[:2]
    site = tmp_path / "site"
    assert run_kexie("build", "--out", str(site), cwd=project).returncode == 0
    table = _csv((site / "api" / "societies.csv").read_bytes())
    header, societies = table[0], {row[0]: row for row in table[1:]}  # header: the schema's titles
    duties = societies["hz-materials"][header.index("主要职责")]
    assert duties == "'-2+3+cmd|' /C calc'!A0\n为企业提供新材料技术咨询"  # a list cell (one item a line), neutralised as a whole
    table = _csv((site / "api" / "projects.csv").read_bytes())
    projects = {row[0]: row for row in table[1:]}
    assert projects["xihu-materials-station-2016"][table[0].index("项目名称")].startswith("'=HYPERLINK")


def test_every_table_the_project_writes_goes_through_the_one_writer():
    # reading spreadsheets (csv.reader, load_workbook) is fine anywhere; writing happens in tabular.py
    writers = re.compile(r"csv\.(writer|DictWriter)\(|\bWorkbook\(|\.to_csv\(|\.to_excel\(|xlsxwriter")
    found = [
        f"{path.relative_to(REPO)}:{number}"
        for path in sorted((REPO / "generator").rglob("*.py"))
        if path.name != "tabular.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if writers.search(line)
    ]
    assert found == []
