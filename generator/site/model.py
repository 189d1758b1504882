"""The public view of the records: only what may be published, references resolved both ways.

Everything the site, the open data and the search index show comes from here, so the consent
rule lives in one place: an expert without `consent.publish: true` never enters the model, and
an email only when `consent.contact` is true. Private bookkeeping (consent, maintainers) stays out.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from pypinyin import Style, lazy_pinyin

from generator.records import FOLDERS, RecordSet
from generator.schemas import SchemaSet
from generator.site.bio import render_both, render_markdown


@dataclass
class SiteModel:
    experts: dict[str, dict] = field(default_factory=dict)
    societies: dict[str, dict] = field(default_factory=dict)
    workstations: dict[str, dict] = field(default_factory=dict)
    projects: dict[str, dict] = field(default_factory=dict)
    needs: dict[str, dict] = field(default_factory=dict)
    proposals: dict[str, dict] = field(default_factory=dict)
    policies: dict[str, dict] = field(default_factory=dict)
    labels: SchemaSet | None = None

    def label(self, vocabulary: str, value: str) -> str:
        return self.labels.label(vocabulary, value)


def derive_pinyin(name: str) -> str:
    """张伟 → "Zhang Wei": surname, then the given name as one word (the usual romanisation)."""
    syllables = lazy_pinyin(name, style=Style.NORMAL, v_to_u=True)
    if not syllables:
        return ""
    surname, given = syllables[0], "".join(syllables[1:])
    return " ".join(part.capitalize() for part in (surname, given) if part)


def build_model(records: RecordSet, schemas: SchemaSet, last_changed: dict[str, str]) -> SiteModel:
    model = SiteModel(labels=schemas)
    label = schemas.label
    published = records.published_experts()

    def society_name(sid):
        society = records.get("society", sid)
        return society.data["name"] if society else sid

    def changed(record):
        return last_changed.get(record.path, "")

    for record in records.valid("society"):
        d = record.data
        model.societies[record.id] = {
            "id": record.id,
            "name": d["name"],
            "kind": d["kind"],
            "founded": d.get("founded"),
            "disciplines": [(c, label("discipline", c)) for c in d.get("disciplines", [])],
            "duties": d["duties"],
            "core_team": [
                {"expert": m["expert"], "role": m["role"]} for m in d["core_team"] if m["expert"] in published
            ],
            "members": [m for m in d["members"] if m in published],
            "inspections": sorted(d.get("inspections", []), key=lambda i: i["year"]),
            "grades": sorted(d.get("grades", []), key=lambda g: g["year"]),
            "bans": d.get("bans", []),
            "website": d.get("website", ""),
            "contact": d.get("contact", {}),
            "path": record.path,
            "source": f"records/{FOLDERS[record.type]}/{record.id}.yaml",
            "changed": changed(record),
            "experts": [],
            "workstations": [],
            "projects": [],
            "proposals": [],
            "funding": defaultdict(int),
        }

    for record in (published[i] for i in sorted(published)):
        d = record.data
        consent = d["consent"]
        bio_html, bio_text = render_both(d.get("bio", ""))
        model.experts[record.id] = {
            "id": record.id,
            "name": d["name"],
            "pinyin": d.get("pinyin") or derive_pinyin(d["name"]),
            "title": d["title"],
            "honours": [(h, label("honour", h)) for h in d.get("honours", [])],
            "affiliation": d["affiliation"],
            "district": d.get("district", ""),
            "disciplines": [(c, label("discipline", c)) for c in d["disciplines"]],
            "industries": d.get("industries", []),
            "societies": [
                {"id": s["society"], "name": society_name(s["society"]), "role": s.get("role", "")}
                for s in d.get("societies", [])
            ],
            "bio_html": bio_html,
            "bio_text": bio_text,
            "homepage": d.get("homepage", ""),
            "email": d.get("email", "") if consent.get("contact") is True else "",
            "path": record.path,
            "source": f"records/{FOLDERS[record.type]}/{record.id}.yaml",
            "changed": changed(record),
            "workstations": [],
            "projects": [],
            "proposals": [],
        }
        for membership in d.get("societies", []):
            if membership["society"] in model.societies:
                model.societies[membership["society"]]["experts"].append(record.id)

    for record in records.valid("workstation"):
        d = record.data
        lead = d.get("lead_society", "")
        station = {
            "id": record.id,
            "name": d["name"],
            "kind": d["kind"],
            "kind_label": label("workstation-kind", d["kind"]),
            "host": d["host"],
            "host_type": label("host-type", d["host"]["type"]),
            "district": d["district"],
            "industry": d["industry"],
            "established": d["established"],
            "lead_society": lead,
            "partner_societies": d.get("partner_societies", []),
            "experts": [e for e in d.get("experts", []) if e in published],
            "agreement": d.get("agreement"),
            "summary_html": render_markdown(d.get("summary", "")),
            "status": d["status"],
            "status_label": label("workstation-status", d["status"]),
            "path": record.path,
            "source": f"records/{FOLDERS[record.type]}/{record.id}.yaml",
            "changed": changed(record),
            "projects": [],
        }
        model.workstations[record.id] = station
        for expert in station["experts"]:
            model.experts[expert]["workstations"].append(record.id)
        for sid in [lead, *station["partner_societies"]]:
            if sid in model.societies:
                model.societies[sid]["workstations"].append(record.id)

    for record in records.valid("project"):
        d = record.data
        funding = sorted(d["funding"], key=lambda f: f["year"])
        project = {
            "id": record.id,
            "title": d["title"],
            "programme": d["programme"],
            "programme_label": label("programme", d["programme"]),
            "lead_society": d["lead_society"],
            "partner_societies": d.get("partner_societies", []),
            "workstation": d.get("workstation", ""),
            "experts": [e for e in d.get("experts", []) if e in published],
            "applied": d["applied"],
            "approved": d["approved"],
            "year": int(d["approved"][:4]),
            "contract": d.get("contract", ""),
            "contains": d.get("contains", []),
            "funding": funding,
            "total": sum(f["amount"] for f in funding),
            "assessments": sorted(d.get("assessments", []), key=lambda a: a["year"]),
            "status": d["status"],
            "status_label": label("project-status", d["status"]),
            "sanctions": [
                {**s, "label": label("sanction-kind", s["kind"])} for s in d.get("sanctions", [])
            ],
            "refund": sum(s.get("refund", 0) for s in d.get("sanctions", [])),
            "summary_html": render_markdown(d.get("summary", "")),
            "path": record.path,
            "source": f"records/{FOLDERS[record.type]}/{record.id}.yaml",
            "changed": changed(record),
        }
        model.projects[record.id] = project
        for expert in project["experts"]:
            model.experts[expert]["projects"].append(record.id)
        if project["workstation"] in model.workstations:
            model.workstations[project["workstation"]]["projects"].append(record.id)
        for sid in [project["lead_society"], *project["partner_societies"]]:
            if sid in model.societies:
                model.societies[sid]["projects"].append(record.id)
        if project["lead_society"] in model.societies:
            for entry in funding:
                model.societies[project["lead_society"]]["funding"][entry["year"]] += entry["amount"]

    for record in records.valid("need"):
        d = record.data
        matched = d.get("matched", {})
        model.needs[record.id] = {
            "id": record.id,
            "title": d["title"],
            "unit": d["unit"],
            "unit_type": label("host-type", d["unit"]["type"]),
            "industry": d["industry"],
            "disciplines": [(c, label("discipline", c)) for c in d.get("disciplines", [])],
            "description_html": render_markdown(d["description"]),
            "submitted": d["submitted"],
            "status": d["status"],
            "status_label": label("need-status", d["status"]),
            "experts": [e for e in matched.get("experts", []) if e in published],
            "societies": matched.get("societies", []),
            "path": record.path,
            "source": f"records/{FOLDERS[record.type]}/{record.id}.yaml",
            "changed": changed(record),
        }

    for record in records.valid("proposal"):
        d = record.data
        proposal = {
            "id": record.id,
            "year": d["year"],
            "title": d["title"],
            "authors": [a for a in d["authors"] if a in published],
            "societies": d.get("societies", []),
            "submitted": d["submitted"],
            "endorsed": d["endorsed"],
            "adopted": d["adopted"],
            "summary_html": render_markdown(d.get("summary", "")),
            "path": record.path,
            "source": f"records/{FOLDERS[record.type]}/{record.id}.yaml",
            "changed": changed(record),
        }
        model.proposals[record.id] = proposal
        for author in proposal["authors"]:
            model.experts[author]["proposals"].append(record.id)
        for sid in proposal["societies"]:
            if sid in model.societies:
                model.societies[sid]["proposals"].append(record.id)

    for record in records.valid("policy"):
        model.policies[record.id] = record.data

    for society in model.societies.values():
        society["funding"] = dict(sorted(society["funding"].items()))
        society["funding_total"] = sum(society["funding"].values())
    return model
