"""Open data: /api/<type>.json and .csv, built from the public model only (never from records)."""

from __future__ import annotations

import json
from pathlib import Path

from generator.common.tabular import csv_bytes
from generator.model.public import SiteModel


def _join(values) -> str:
    return ";".join(str(v) for v in values)


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


def _csv_cell(value):
    """A JSON value as one CSV cell: lists joined with `;`, objects as JSON, booleans as 是/否.
    The tabular writer neutralises formula-like text (the joined cell included)."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return _join(
            json.dumps(v, ensure_ascii=False, sort_keys=True) if isinstance(v, dict) else v for v in value
        )
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return value


def write_open_data(model: SiteModel, out_dir: Path) -> list[dict]:
    out_dir.mkdir(parents=True, exist_ok=True)
    summary = []
    for name, (title, schema, attribute, build_row) in DATASETS.items():
        rows = [build_row(item) for item in getattr(model, attribute).values()]
        (out_dir / f"{name}.json").write_text(
            json.dumps(rows, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8"
        )
        columns = list(rows[0]) if rows else ["id"]
        table = [columns, *([_csv_cell(row.get(c)) for c in columns] for row in rows)]
        (out_dir / f"{name}.csv").write_bytes(csv_bytes(table))
        summary.append({"name": name, "title": title, "schema": schema, "count": len(rows)})
    return summary
