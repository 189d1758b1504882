"""专家名录 "下载结果" (issue 16, item 4): the current filtered result, all its pages, as CSV and
XLSX written in the browser; formula-looking record text neutralised the OWASP way."""

from __future__ import annotations

import csv
import functools
import hashlib
import http.server
import io
import threading
import urllib.parse

import openpyxl
import pytest

from tests.sitebuild import REPO, make_project, run_kexie
from tests.test_browser import _published, _Quiet, pytestmark, server  # noqa: F401

VENDOR = REPO / "site_src" / "assets" / "vendor" / "write-excel-file" / "write-excel-file.min.js"
VENDOR_SHA256 = "d57b59731b19d443f6b7333c5af0aa7250c87146a106f8a746f63429e7694c8e"  # write-excel-file 4.1.1
HEADER = ["姓名", "拼音", "职称", "荣誉称号", "工作单位", "区、县（市）", "学科", "服务行业", "所属学会", "个人主页", "公开邮箱", "页面"]


def _download(browser, url, fmt, tmp_path):  # noqa: F811
    context = browser.new_context(viewport={"width": 390, "height": 844}, accept_downloads=True)
    tab = context.new_page()
    errors = []
    tab.on("pageerror", lambda e: errors.append(str(e)))
    tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    tab.goto(url)
    tab.evaluate("window.kexieDirectory.ready")
    with tab.expect_download() as info:
        tab.click(f"[data-kx-download-format={fmt}]")
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    tab.wait_for_function("document.querySelector('[data-kx-download-status]').textContent.startsWith('已下载')")
    status = tab.inner_text("[data-kx-download-status]")
    assert tab.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()
    assert errors == []
    return path, status


def _csv_rows(path):
    data = path.read_bytes()
    assert data.startswith("\ufeff".encode()) and b"\r\n" in data
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def _xlsx_rows(path):
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["专家名录"]
    rows = [["" if v is None else v for v in row] for row in book["专家名录"].iter_rows(values_only=True)]
    types = {cell.data_type for row in book["专家名录"].iter_rows() for cell in row if cell.value is not None}
    assert types == {"s"}, types  # every cell a string cell: never a formula, never a number
    return rows


def test_the_vendored_xlsx_writer_is_the_pinned_release():
    assert hashlib.sha256(VENDOR.read_bytes()).hexdigest() == VENDOR_SHA256


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_download_holds_the_whole_filtered_result(browser, server, tmp_path, fmt):  # noqa: F811
    experts = _published()
    industries = {}
    for e in experts.values():
        for industry in e.get("industries", []):
            industries[industry] = industries.get(industry, 0) + 1
    industry = max(industries, key=lambda k: (industries[k], k))  # the biggest: more than one page
    expected = {i for i, e in experts.items() if industry in e.get("industries", [])}
    assert len(expected) > 20, "the filter should span several result pages"
    url = server + "experts/?" + urllib.parse.urlencode({"industry": industry})
    path, status = _download(browser, url, fmt, tmp_path)
    assert path.name == f"专家名录-检索结果.{fmt}"
    assert status == f"已下载 {len(expected)} 位专家（{fmt.upper()}）。"
    rows = _csv_rows(path) if fmt == "csv" else _xlsx_rows(path)
    assert rows[0] == HEADER
    ids = [urllib.parse.urlparse(row[11]).path.rstrip("/").rsplit("/", 1)[1] for row in rows[1:]]
    assert sorted(ids) == sorted(expected) and len(ids) == len(set(ids))
    for row, eid in zip(rows[1:], ids):
        e = experts[eid]
        assert row[0] == e["name"] and row[2] == e["title"] and row[4] == e["affiliation"]
        assert industry in row[7].split("、")


def test_download_follows_the_query_too(browser, server, tmp_path):  # noqa: F811
    experts = _published()
    word = "医院"
    expected = {i for i, e in experts.items() if word in e["affiliation"] or word in e.get("bio", "")}
    path, _ = _download(browser, server + "experts/?query=" + urllib.parse.quote(word), "csv", tmp_path)
    ids = {urllib.parse.urlparse(row[11]).path.rstrip("/").rsplit("/", 1)[1] for row in _csv_rows(path)[1:]}
    assert ids and ids <= set(experts) and {i for i in expected if word in experts[i]["affiliation"]} <= ids


HOSTILE = """\
# yaml-language-server: $schema=../../schemas/expert.schema.json
id: hostile-cells
name: 赵敏
title: "-2+3"
affiliation: "=HYPERLINK(\\"http://example.org/x\\",\\"点击\\")"
disciplines:
  - "520"
societies:
  - society: {society}
    role: "  @SUM(A1:A9)"
consent:
  publish: true
  date: "2016-06-01"
owner: {society}
"""


@pytest.fixture(scope="module")
def hostile_site():
    project = make_project(REPO / "records", "download-hostile")
    society = sorted(p.stem for p in (project / "records" / "societies").glob("*.yaml"))[0]
    (project / "records" / "experts" / "hostile-cells.yaml").write_text(HOSTILE.format(society=society), encoding="utf-8")
    result = run_kexie("build", "--out", str(project / "site"), cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(project / "site")))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_port}/"
    httpd.shutdown()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_formula_looking_cells_are_neutralised(browser, hostile_site, tmp_path, fmt):  # noqa: F811
    path, _ = _download(browser, hostile_site + "experts/?query=" + urllib.parse.quote("赵敏"), fmt, tmp_path)
    rows = _csv_rows(path) if fmt == "csv" else _xlsx_rows(path)
    row = next(r for r in rows[1:] if r[11].endswith("/experts/hostile-cells/"))
    assert row[2] == "'-2+3"
    assert row[4] == "'=HYPERLINK(\"http://example.org/x\",\"点击\")"
    assert row[8].endswith("（  @SUM(A1:A9)）")  # inside the cell, not at its start: left as it is
    assert not any(cell.startswith(("=", "+", "-", "@")) for r in rows for cell in r)
