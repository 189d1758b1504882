"""Open data: /api/<type>.json and .csv, built from the public model only (never from records)."""

from __future__ import annotations

import json
from pathlib import Path

from generator.common.bulk import bulk_file
from generator.common.tabular import csv_bytes
from generator.model.public import SiteModel
from generator.records.cells import write_cell
from generator.records.columns import Column, columns_for
from generator.records.schemas import SchemaSet


def _expert(e):
    return {
        "id": e["id"], "name": e["name"], "pinyin": e["pinyin"], "title": e["title"],
        "honours": [code for code, _ in e["honours"]], "affiliation": e["affiliation"],
        "district": e["district"], "disciplines": [code for code, _ in e["disciplines"]],
        "industries": e["industries"],
        "societies": [{"society": s["id"], "role": s["role"]} for s in e["societies"]],
        "bio": e["bio_text"], "homepage": e["homepage"], "email": e["email"],
        "url": f"experts/{e['id']}/",
    }


def _society(s):
    return {
        "id": s["id"], "name": s["name"], "kind": s["kind"], "founded": s["founded"],
        "disciplines": [code for code, _ in s["disciplines"]], "duties": s["duties"],
        "core_team": s["core_team"], "members": s["members"], "inspections": s["inspections"],
        "grades": s["grades"], "website": s["website"], "contact": s["contact"],
        "funding_total": s["funding_total"], "url": f"societies/{s['id']}/",
    }


def _workstation(w):
    return {
        "id": w["id"], "name": w["name"], "kind": w["kind"], "host": w["host"],
        "district": w["district"], "industry": w["industry"], "established": w["established"],
        "lead_society": w["lead_society"], "partner_societies": w["partner_societies"],
        "experts": w["experts"], "agreement": w["agreement"], "status": w["status"],
        "url": f"workstations/{w['id']}/",
    }


def _project(p):
    return {
        "id": p["id"], "title": p["title"], "programme": p["programme"],
        "lead_society": p["lead_society"], "partner_societies": p["partner_societies"],
        "workstation": p["workstation"], "experts": p["experts"], "applied": p["applied"],
        "approved": p["approved"], "contract": p["contract"], "contains": p["contains"],
        "funding": p["funding"], "total": p["total"], "assessments": p["assessments"],
        "status": p["status"],
        "sanctions": [{k: v for k, v in s.items() if k != "label"} for s in p["sanctions"]],
        "url": f"projects/{p['id']}/",
    }


def _need(n):
    return {
        "id": n["id"], "title": n["title"], "unit": n["unit"], "industry": n["industry"],
        "disciplines": [code for code, _ in n["disciplines"]], "submitted": n["submitted"],
        "status": n["status"], "experts": n["experts"], "societies": n["societies"],
        "url": f"needs/{n['id']}/",
    }


def _proposal(p):
    return {
        "id": p["id"], "year": p["year"], "title": p["title"], "authors": p["authors"],
        "societies": p["societies"], "submitted": p["submitted"], "endorsed": p["endorsed"],
        "adopted": p["adopted"], "url": f"proposals/{p['id']}/",
    }


# name → (title, schema name, model attribute, row builder)
DATASETS = {
    "experts": ("专家", "expert", "experts", _expert),
    "societies": ("学会", "society", "societies", _society),
    "workstations": ("工作站、基地与服务站", "workstation", "workstations", _workstation),
    "projects": ("资助项目", "project", "projects", _project),
    "needs": ("企业需求", "need", "needs", _need),
    "proposals": ("科技工作者建议", "proposal", "proposals", _proposal),
}


# open-data fields that are not record fields: their Chinese headers
DERIVED = {
    "url": "页面", "funding_total": "资助总额（元）", "total": "资助总额（元）", "demo": "演示数据",
    "experts": "对接专家编号", "societies": "对接学会编号",  # a need's matched experts and societies
}


def _table(schemas: SchemaSet, schema: str, rows: list[dict], site_url: str) -> list[list]:
    """Rows of the JSON file → a CSV table for people who open it in Excel: Chinese headers, a code
    column and a label column for controlled values (学科代码, 学科), lists 、-separated, lists of
    objects as 字段=值 items (the import layout), no embedded JSON."""
    keys = list(rows[0]) if rows else ["id"]
    columns = [c for c in columns_for(schemas, schema) if c.path[0] in keys]
    header, cells = [], []
    for column in columns:
        coded = any(code != label for code, label in column.choices)
        if coded:
            header += [f"{column.header}代码", column.header]
            cells.append(lambda row, c=column: _codes(c, row))
            cells.append(lambda row, c=column: _labels(c, row))
        else:
            header.append(column.header)
            cells.append(lambda row, c=column: _plain(write_cell(c, row)))
    for key in keys:
        if key not in {c.path[0] for c in columns}:
            header.append(DERIVED.get(key, key))
            cells.append(lambda row, k=key: _derived(k, row.get(k), site_url))
    return [header, *([cell(row) for cell in cells] for row in rows)]


def _plain(value):
    return value if value is not None else ""


def _values(column: Column, row: dict) -> list[str]:
    value = row
    for part in column.path:
        value = value.get(part) if isinstance(value, dict) else None
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def _codes(column: Column, row: dict) -> str:
    return "、".join(_values(column, row))


def _labels(column: Column, row: dict) -> str:
    return "、".join(column.labels.get(v, v) for v in _values(column, row))


def _derived(key: str, value, site_url: str):
    if key == "url":
        return f"{site_url}{value}"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    if isinstance(value, dict):
        return "，".join(f"{k}={v}" for k, v in value.items())
    return value


FUNDING_HEADER = ["项目编号", "项目名称", "项目类别", "承担学会编号", "承担学会", "年份", "资助（元）", "退回（元）", "净额（元）", "演示数据"]


def funding_rows(model: SiteModel, demo: bool) -> list[list]:
    """One row per project and year in which it was funded or had a refund decided (政策：退回款计入
    作出决定的年度), with gross, refund and net in yuan."""
    rows = []
    for pid in sorted(model.projects):
        p = model.projects[pid]
        gross: dict[int, int] = {}
        for entry in p["funding"]:
            gross[entry["year"]] = gross.get(entry["year"], 0) + entry["amount"]
        refunds: dict[int, int] = {}
        for sanction in p["sanctions"]:
            if sanction.get("refund"):
                year = int(sanction["date"][:4])
                refunds[year] = refunds.get(year, 0) + sanction["refund"]
        society = model.societies.get(p["lead_society"], {}).get("name", p["lead_society"])
        for year in sorted(set(gross) | set(refunds)):
            g, r = gross.get(year, 0), refunds.get(year, 0)
            rows.append([pid, p["title"], p["programme_label"], p["lead_society"], society, year, g, r, g - r, "是" if demo else "否"])
    return rows


def compact_json(value) -> str:
    """JSON without indentation (keys sorted, UTF-8 text): indentation was a fifth of the open data."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def json_rows(rows: list[dict]) -> str:
    """A JSON array with one compact row per line: small, and still readable and diffable line by line."""
    return "[\n" + ",\n".join(compact_json(row) for row in rows) + "\n]\n"


def write_open_data(model: SiteModel, out_dir: Path, demo: bool = False, site_url: str = "",
                    compress_over: int | None = None) -> list[dict]:
    """Write api/<name>.json (field names as in the records, plus `demo`) and api/<name>.csv
    (Chinese headers, labels beside codes) for every dataset, and api/funding.csv (one row per
    project and year: gross, refund, net in yuan). A file over `compress_over` bytes is written as
    `<name>.gz` only (common.bulk). Returns [{name, title, schema, count, files: {format: file name}}]."""
    out_dir.mkdir(parents=True, exist_ok=True)
    summary = []

    def publish(name: str, data: bytes) -> str:
        published, body = bulk_file(name, data, compress_over)
        (out_dir / published).write_bytes(body)
        return published

    for name, (title, schema, attribute, build_row) in DATASETS.items():
        rows = [{**build_row(item), "demo": demo} for item in getattr(model, attribute).values()]
        files = {"json": publish(f"{name}.json", json_rows(rows).encode("utf-8")),
                 "csv": publish(f"{name}.csv", csv_bytes(_table(model.labels, schema, rows, site_url)))}
        summary.append({"name": name, "title": title, "schema": schema, "count": len(rows), "files": files})
    funding = funding_rows(model, demo)
    files = {"csv": publish("funding.csv", csv_bytes([FUNDING_HEADER, *funding]))}
    summary.append({"name": "funding", "title": "资助经费（每个项目每年一行）", "schema": "", "count": len(funding), "csv_only": True, "files": files})
    return summary
