"""The docking list (对接清单) as files built with the site: docking/docking.xlsx and .csv (beside the /docking/ page).

One sheet per district in the workbook (the way staff hand the list to each district), one CSV
with every row; both list each open need with its top recommended experts and the reasons.
"""

from __future__ import annotations

import datetime
from pathlib import Path

from generator.common.bulk import bulk_file
from generator.common.tabular import Sheet, csv_bytes, sheet_name, xlsx_bytes
from generator.model.public import SiteModel

HEADER = ["区、县（市）", "行业", "需求编号", "需求", "提出单位", "提交日期", "推荐专家", "推荐理由", "需求页面"]


def docking_rows(model: SiteModel, site_url: str = "") -> list[list[str]]:
    """One row per open need and recommended expert (a need without any gets one row)."""
    rows = []
    for entry in model.docking:
        need = model.needs[entry["need"]]
        base = [entry["district"], entry["industry"], need["id"], need["title"], need["unit"]["name"], need["submitted"]]
        page = f"{site_url}needs/{need['id']}/"
        if not entry["experts"]:
            rows.append([*base, "暂无", "", page])
        for hit in entry["experts"]:
            expert = model.experts[hit.id]
            rows.append([*base, f"{expert['name']}（{expert['affiliation']}）", "；".join(hit.reasons), page])
    return rows


def write_docking(model: SiteModel, folder: Path, site_url: str = "", compress_over: int | None = None) -> None:
    """Write folder/docking.xlsx (a sheet per district, districts in name order) and docking.csv
    (docking.csv.gz past `compress_over` bytes: common.bulk), through the one safe table writer;
    the workbook's time is the latest need's submission date."""
    rows = docking_rows(model, site_url)
    by_district: dict[str, list] = {}
    for row in rows:
        by_district.setdefault(row[0], []).append(row)
    sheets = [
        Sheet(sheet_name(name), [HEADER, *district_rows], widths={3: 36, 6: 30, 7: 60, 8: 30})
        for name, district_rows in sorted(by_district.items())
    ] or [Sheet("对接清单", [HEADER])]
    latest = max((model.needs[e["need"]]["submitted"] for e in model.docking), default="2015-01-01")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "docking.xlsx").write_bytes(xlsx_bytes(sheets, datetime.datetime.fromisoformat(latest)))
    name, data = bulk_file("docking.csv", csv_bytes([HEADER, *rows]), compress_over)
    (folder / name).write_bytes(data)
