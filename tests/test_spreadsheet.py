"""Spreadsheets in and out (issue #15): template, import (all or nothing), export → import round trip.

Every test works on a copy of the shipped records and runs the real `kexie` command.
"""

from __future__ import annotations

import datetime
import hashlib
import shutil
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from tests.conftest import run_kexie
from tests.sitebuild import REPO


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(REPO / "records", tmp_path / "records")
    shutil.copytree(REPO / "schemas", tmp_path / "schemas")
    return tmp_path


def _digest(folder: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            h.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def _fill(template: Path, rows: list[dict], out: Path) -> None:
    """What a secretary does in a spreadsheet program: type rows under the template's headers."""
    book = load_workbook(template)
    sheet = book.worksheets[0]
    headers = [c.value for c in sheet[1]]
    for r, row in enumerate(rows, start=2):
        for header, value in row.items():
            sheet.cell(row=r, column=headers.index(header) + 1, value=value)
    book.save(out)


NEW_EXPERTS = [
    {"姓名": "欧阳明远", "职称": "教授", "工作单位": "浙江工业大学材料科学与工程学院", "学科": "430", "服务行业": "节能环保",
     "公开授权·同意公开": "是", "公开授权·授权日期": datetime.date(2016, 3, 1)},
    {"姓名": "曾国华", "姓名拼音": "Zeng Guohua", "职称": "研究员", "工作单位": "杭州示例研究所（演示）", "学科": "计算机科学技术",
     "公开授权·同意公开": "是", "公开授权·同意公开联系方式": "否", "公开授权·授权日期": "2016-04-02"},
    {"姓名": "蔡玉", "职称": "高级工程师", "工作单位": "杭州另一家公司（演示）", "学科": "520 计算机科学技术、460",
     "公开授权·同意公开": "是", "公开授权·授权日期": "2016-05-03"},
]


def test_template_has_chinese_headers_explanations_and_drop_downs(project):
    out = project / "experts.xlsx"
    run = run_kexie("template", "expert", "--out", str(out), cwd=project)
    assert run.exit_code == 0, run.stdout + run.stderr
    book = load_workbook(out)
    assert book.sheetnames == ["专家", "填写说明", "选项"]
    assert book["选项"].sheet_state == "hidden"
    headers = [c.value for c in book["专家"][1]]
    assert headers[:4] == ["记录编号", "姓名", "姓名拼音", "职称"]
    assert "公开授权·同意公开" in headers and "公开授权·授权日期" in headers
    explained = {row[0]: row for row in book["填写说明"].iter_rows(min_row=2, values_only=True)}
    assert set(explained) == set(headers)
    assert explained["学科"][1] == "是" and "、" in explained["学科"][2]
    choices = {c.value for col in book["选项"].iter_cols() for c in col}
    assert {"520 计算机科学技术", "节能环保", "西湖区", "cas-academician 中国科学院院士", "是", "否"} <= choices
    dropped = {str(dv.sqref).split(":")[0][:-1] for dv in book["专家"].data_validations.dataValidation}
    letters = {h: book["专家"].cell(row=1, column=i + 1).column_letter for i, h in enumerate(headers)}
    for header in ("学科", "服务行业", "所在区、县（市）", "荣誉称号", "公开授权·同意公开", "公开授权·同意公开联系方式"):
        assert letters[header] in dropped, header


def test_import_refuses_the_whole_file_naming_sheet_row_and_column(project):
    template = project / "t.xlsx"
    assert run_kexie("template", "expert", "--out", str(template), cwd=project).exit_code == 0
    bad = [dict(row) for row in NEW_EXPERTS]
    bad[2]["学科"] = "计算机"
    _fill(template, bad, project / "roster.xlsx")
    before = _digest(project / "records")
    run = run_kexie("import", "expert", "roster.xlsx", "--owner", "hz-cailiao-xuehui", cwd=project)
    assert run.exit_code == 1
    assert "roster.xlsx 专家 第 4 行 学科: “计算机”不是学科代码，是否想填 520（计算机科学技术）" in run.stderr
    assert "没有写入任何文件" in run.stderr
    assert _digest(project / "records") == before


def test_import_adds_new_experts_with_pinyin_ids_then_they_validate(project):
    template = project / "t.xlsx"
    assert run_kexie("template", "expert", "--out", str(template), cwd=project).exit_code == 0
    _fill(template, NEW_EXPERTS, project / "roster.xlsx")
    run = run_kexie("import", "expert", "roster.xlsx", "--owner", "hz-cailiao-xuehui", cwd=project)
    assert run.exit_code == 0, run.stdout + run.stderr
    assert "已新增 3 条、修改 0 条" in run.stdout
    assert "编号 cai-yu 已被占用，新记录用 cai-yu-2" in run.stdout
    experts = project / "records" / "experts"
    ouyang = (experts / "ouyang-mingyuan.yaml").read_text(encoding="utf-8")
    assert ouyang.startswith("# yaml-language-server: $schema=../../schemas/expert.schema.json\n")
    assert "name: 欧阳明远" in ouyang and "owner: hz-cailiao-xuehui" in ouyang and "date: '2016-03-01'" in ouyang.replace('"', "'")
    assert "- '520'" in (experts / "zeng-guohua.yaml").read_text(encoding="utf-8").replace('"', "'")
    cai = (experts / "cai-yu-2.yaml").read_text(encoding="utf-8").replace('"', "'")
    assert "- '520'" in cai and "- '460'" in cai
    valid = run_kexie("validate", cwd=project)
    assert valid.exit_code == 0, valid.stdout


def test_export_then_import_changes_nothing(project):
    before = _digest(project / "records")
    for name in ("all.xlsx", "all.csv"):
        run = run_kexie("export", "expert", "--out", name, cwd=project)
        assert run.exit_code == 0 and "已导出 150 条" in run.stdout, run.stdout + run.stderr
        again = run_kexie("import", "expert", name, cwd=project)
        assert again.exit_code == 0, again.stdout + again.stderr
        assert "已新增 0 条、修改 0 条，150 条没有变化" in again.stdout
        assert _digest(project / "records") == before, name


def test_export_edit_import_updates_one_record(project):
    assert run_kexie("export", "expert", "--out", "all.xlsx", cwd=project).exit_code == 0
    book = load_workbook(project / "all.xlsx")
    sheet = book.worksheets[0]
    headers = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == "cai-yu":
            row[headers.index("职称")].value = "教授级高级工程师"
    book.save(project / "all.xlsx")
    run = run_kexie("import", "expert", "all.xlsx", cwd=project)
    assert run.exit_code == 0, run.stdout + run.stderr
    assert "已新增 0 条、修改 1 条" in run.stdout and "records/experts/cai-yu.yaml" in run.stdout
    text = (project / "records/experts/cai-yu.yaml").read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../schemas/expert.schema.json\n# 演示数据")
    assert "title: 教授级高级工程师" in text


def test_formulas_are_refused(project):
    book = Workbook()
    sheet = book.active
    sheet.append(["姓名", "职称", "工作单位", "学科", "公开授权·同意公开", "公开授权·授权日期"])
    sheet.append(["王立新", "教授", "某大学", "520", "是", "2016-01-01"])
    sheet["B2"] = '=HYPERLINK("http://evil.example","教授")'
    book.save(project / "f.xlsx")
    run = run_kexie("import", "expert", "f.xlsx", cwd=project)
    assert run.exit_code == 1
    assert "f.xlsx 含有公式（Sheet B2）" in run.stderr


def test_csv_in_gb18030_and_utf8_with_bom(project):
    rows = "姓名,职称,工作单位,学科,公开授权·同意公开,公开授权·授权日期,维护单位\r\n王立新,教授,某大学（演示）,520,是,2016-01-01,hz-cailiao-xuehui\r\n"
    (project / "gbk.csv").write_bytes(rows.encode("gb18030"))
    run = run_kexie("import", "expert", "gbk.csv", "--dry-run", cwd=project)
    assert run.exit_code == 0, run.stdout + run.stderr
    assert "文件编码：GB18030" in run.stdout and "将新增 1 条" in run.stdout
    assert not (project / "records/experts/wang-lixin.yaml").exists()  # --dry-run writes nothing
    (project / "bom.csv").write_bytes(b"\xef\xbb\xbf" + rows.encode("utf-8"))
    run = run_kexie("import", "expert", "bom.csv", cwd=project)
    assert run.exit_code == 0 and "文件编码：UTF-8（带 BOM）" in run.stdout, run.stdout + run.stderr
    assert (project / "records/experts/wang-lixin.yaml").exists()


def test_consent_columns_are_required_for_experts(project):
    (project / "no-consent.csv").write_text("姓名,职称,工作单位,学科\r\n王立新,教授,某大学,520\r\n", encoding="utf-8")
    run = run_kexie("import", "expert", "no-consent.csv", cwd=project)
    assert run.exit_code == 1
    assert "缺少必填列“公开授权·同意公开”" in run.stderr and "缺少必填列“公开授权·授权日期”" in run.stderr


def test_formula_looking_text_survives_the_round_trip(project):
    path = project / "records/experts/cai-yu.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("title: 教授", 'title: "=教授"'), encoding="utf-8")
    before = _digest(project / "records")
    assert run_kexie("export", "expert", "--out", "all.xlsx", cwd=project).exit_code == 0
    cell = next(r for r in load_workbook(project / "all.xlsx").worksheets[0].iter_rows(values_only=True) if r[0] == "cai-yu")
    assert cell[3] == "'=教授"  # neutralised in the file (OWASP), a text cell
    run = run_kexie("import", "expert", "all.xlsx", cwd=project)
    assert run.exit_code == 0 and "修改 0 条" in run.stdout, run.stdout + run.stderr
    assert _digest(project / "records") == before
