"""Open data for people who open it in Excel (issue #15): Chinese headers, labels beside codes,
no embedded JSON, a funding CSV recounted from the YAML, licence, as-of date and the demo flag."""

from __future__ import annotations

import csv
import io
import json
import re

import yaml

from tests.sitebuild import REPO, demo_site


def _csv(name: str) -> list[list[str]]:
    data = (demo_site() / "api" / name).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_expert_csv_has_chinese_headers_and_labels_beside_codes():
    rows = _csv("experts.csv")
    header = rows[0]
    assert header[:4] == ["记录编号", "姓名", "姓名拼音", "职称"]
    assert header[header.index("学科代码") + 1] == "学科"
    assert "演示数据" in header and all(r[header.index("演示数据")] == "是" for r in rows[1:])
    cai = next(r for r in rows if r[0] == "cai-yu")
    assert cai[header.index("学科代码")] == "520、430、530"
    assert cai[header.index("学科")] == "计算机科学技术、材料科学、化学工程"
    for row in rows[1:]:
        for cell in row:
            assert not cell.startswith(("{", "[")), cell  # no embedded JSON
    private = {"公开授权·同意公开", "公开授权·授权日期", "维护单位"}
    assert not private & set(header)


def test_json_keeps_field_names_and_carries_the_demo_flag():
    rows = json.loads((demo_site() / "api" / "experts.json").read_text(encoding="utf-8"))
    assert {"id", "name", "disciplines", "demo"} <= set(rows[0]) and all(r["demo"] is True for r in rows)


def test_funding_csv_recounts_from_the_yaml():
    rows = _csv("funding.csv")
    assert rows[0] == ["项目编号", "项目名称", "项目类别", "承担学会编号", "承担学会", "年份", "资助（元）", "退回（元）", "净额（元）", "演示数据"]
    expected = {}
    for path in sorted((REPO / "records" / "projects").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for entry in data["funding"]:
            key = (data["id"], entry["year"])
            expected.setdefault(key, [0, 0])[0] += entry["amount"]
        for sanction in data.get("sanctions", []):
            if sanction.get("refund"):
                key = (data["id"], int(str(sanction["date"])[:4]))
                expected.setdefault(key, [0, 0])[1] += sanction["refund"]
    got = {(r[0], int(r[5])): [int(r[6]), int(r[7])] for r in rows[1:]}
    assert got == expected
    for r in rows[1:]:
        assert int(r[8]) == int(r[6]) - int(r[7])
    assert got[("hzkx-2015-004", 2017)] == [0, 50000]  # a refund decided in a year without funding


def test_open_data_page_states_licence_date_counts_and_demo():
    html = (demo_site() / "open-data" / "index.html").read_text(encoding="utf-8")
    text = re.sub(r"<[^>]+>", "", html)
    assert "许可协议：CC BY 4.0" in text
    assert re.search(r"截至 \d{4}-\d{2}-\d{2}（最近一次记录修改）", text)
    assert "演示数据：" in text and "funding.csv" in text
    experts = len([p for p in (REPO / "records/experts").glob("*.yaml") if yaml.safe_load(p.read_text(encoding="utf-8"))["consent"]["publish"] is True])
    assert re.search(rf"专家\s*{experts}\s*experts\.json", text)
