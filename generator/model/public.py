"""The public view of the records: only what may be published, references resolved both ways.

Everything the site, the open data and the search index show comes from here, so the consent
rule lives in one place: an expert without `consent.publish: true` never enters the model, and
an email only when `consent.contact` is true. Private bookkeeping (consent, maintainers) stays out.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from generator.records import names
from generator.records.names import SurnameTable, load_surnames
from generator.records.recordset import FOLDERS, RecordSet
from generator.records.schemas import PACKAGE_SCHEMAS, SchemaSet
from generator.common.forking import fork_map
from generator.model.bio import render_both
from generator.model.history import History


@dataclass
class SiteModel:
    experts: dict[str, dict] = field(default_factory=dict)
    societies: dict[str, dict] = field(default_factory=dict)
    workstations: dict[str, dict] = field(default_factory=dict)
    projects: dict[str, dict] = field(default_factory=dict)
    needs: dict[str, dict] = field(default_factory=dict)
    proposals: dict[str, dict] = field(default_factory=dict)
    policies: dict[str, dict] = field(default_factory=dict)
    # open needs with their top recommendations, filled by model.recommend (对接清单)
    docking: list[dict] = field(default_factory=list)
    labels: SchemaSet | None = None
    history: History | None = None  # what changed in records/, from git (model/history.py)
    contact: dict = field(default_factory=dict)  # 学会部's public e-mail and phone (records/staff/)


def derive_pinyin(name: str, table: SurnameTable | None = None) -> str:
    """张伟 → "Zhang Wei", 曾国华 → "Zeng Guohua", 欧阳修 → "Ouyang Xiu": the surname read by the
    surname table (schemas/surnames.json), then the given name as one word (see records/names.py)."""
    return names.derive_pinyin(name, table or load_surnames(PACKAGE_SCHEMAS))


# (record type, field) of the Markdown fields besides experts' bios
MARKDOWN_FIELDS = [("workstation", "summary"), ("project", "summary"), ("need", "description"), ("proposal", "summary")]
PARALLEL_FROM = 2000  # texts; below this a second process costs more than it saves


class _Builder:
    """Builds the SiteModel one record at a time; each type's method also links it both ways."""

    def __init__(self, records: RecordSet, schemas: SchemaSet, history: History):
        self.records = records
        self.label = schemas.label
        self.history = history
        self.published = records.published_experts()
        self.model = SiteModel(labels=schemas)
        self.surnames = load_surnames(schemas.folder)
        self.rendered: dict[str, tuple[str, str]] = {}  # Markdown text → (HTML, plain text)

    def markdown(self, text: str) -> tuple[str, str]:
        """(safe HTML, plain text) of a Markdown field: rendered beforehand (`prerender`) or now."""
        found = self.rendered.get(text)
        return found if found is not None else render_both(text)

    def prerender(self) -> None:
        """Render every Markdown field the model shows, in two processes when there are many
        (parsing them was half of building the model); `markdown` then only looks them up."""
        texts = [r.data.get("bio", "") for r in self.published.values()]
        for record_type, name in MARKDOWN_FIELDS:
            texts += [r.data.get(name, "") for r in self.records.valid(record_type)]
        unique = sorted({t for t in texts if isinstance(t, str) and t.strip()})
        self.rendered = dict(zip(unique, fork_map(render_both, unique, PARALLEL_FROM)))

    def society_name(self, sid: str) -> str:
        society = self.records.get("society", sid)
        return society.data["name"] if society else sid

    def provenance(self, record) -> dict:
        """Where a record comes from: its file (for edit links) and when it last changed."""
        return {
            "path": record.path,
            "source": f"records/{FOLDERS[record.type]}/{record.id}.yaml",
            "changed": self.history.last_changed(record.type, record.id),
        }

    def add_society(self, record) -> None:
        d = record.data
        self.model.societies[record.id] = {
            "id": record.id,
            "name": d["name"],
            "kind": d["kind"],
            "founded": d.get("founded"),
            "disciplines": [(c, self.label("discipline", c)) for c in d.get("disciplines", [])],
            "duties": d["duties"],
            "core_team": [
                {"expert": m["expert"], "role": m["role"]} for m in d["core_team"] if m["expert"] in self.published
            ],
            "members": [m for m in d["members"] if m in self.published],
            "inspections": sorted(d.get("inspections", []), key=lambda i: i["year"]),
            "grades": sorted(d.get("grades", []), key=lambda g: g["year"]),
            "bans": d.get("bans", []),
            "website": d.get("website", ""),
            "contact": d.get("contact", {}),
            **self.provenance(record),
            "experts": [],
            "workstations": [],
            "projects": [],
            "proposals": [],
            "funding": defaultdict(int),  # year → gross yuan paid to the society as lead
            "refunds": defaultdict(int),  # year → yuan refunded by decisions of that year
        }

    def add_expert(self, record) -> None:
        d = record.data
        consent = d["consent"]
        bio_html, bio_text = self.markdown(d.get("bio", ""))
        pinyin = d.get("pinyin") or names.derive_pinyin(d["name"], self.surnames)
        self.model.experts[record.id] = {
            "id": record.id,
            "name": d["name"],
            "pinyin": pinyin,
            # other readings of a polyphonic surname (曾 Ceng), other word orders of a Latin name: search only
            "pinyin_also": names.other_spellings(d["name"], pinyin, self.surnames),
            "latin_name": not names.has_han(d["name"]),
            "title": d["title"],
            "honours": [(h, self.label("honour", h)) for h in d.get("honours", [])],
            "affiliation": d["affiliation"],
            "district": d.get("district", ""),
            "disciplines": [(c, self.label("discipline", c)) for c in d["disciplines"]],
            "industries": d.get("industries", []),
            "societies": [
                {"id": s["society"], "name": self.society_name(s["society"]), "role": s.get("role", "")}
                for s in d.get("societies", [])
            ],
            "bio_html": bio_html,
            "bio_text": bio_text,
            "homepage": d.get("homepage", ""),
            "email": d.get("email", "") if consent.get("contact") is True else "",
            **self.provenance(record),
            "workstations": [],
            "projects": [],
            "proposals": [],
        }
        for membership in d.get("societies", []):
            if membership["society"] in self.model.societies:
                self.model.societies[membership["society"]]["experts"].append(record.id)

    def add_workstation(self, record) -> None:
        d = record.data
        lead = d.get("lead_society", "")
        station = {
            "id": record.id,
            "name": d["name"],
            "kind": d["kind"],
            "kind_label": self.label("workstation-kind", d["kind"]),
            "host": d["host"],
            "host_type": self.label("host-type", d["host"]["type"]),
            "district": d["district"],
            "industry": d["industry"],
            "established": d["established"],
            "lead_society": lead,
            "partner_societies": d.get("partner_societies", []),
            "experts": [e for e in d.get("experts", []) if e in self.published],
            "agreement": d.get("agreement"),
            "summary_html": self.markdown(d.get("summary", ""))[0],
            "summary": d.get("summary", ""),
            "status": d["status"],
            "status_label": self.label("workstation-status", d["status"]),
            **self.provenance(record),
            "projects": [],
        }
        self.model.workstations[record.id] = station
        for expert in station["experts"]:
            self.model.experts[expert]["workstations"].append(record.id)
        for sid in [lead, *station["partner_societies"]]:
            if sid in self.model.societies:
                self.model.societies[sid]["workstations"].append(record.id)

    def add_project(self, record) -> None:
        d = record.data
        funding = sorted(d["funding"], key=lambda f: f["year"])
        project = {
            "id": record.id,
            "title": d["title"],
            "programme": d["programme"],
            "programme_label": self.label("programme", d["programme"]),
            "lead_society": d["lead_society"],
            "partner_societies": d.get("partner_societies", []),
            "workstation": d.get("workstation", ""),
            "experts": [e for e in d.get("experts", []) if e in self.published],
            "applied": d["applied"],
            "approved": d["approved"],
            "year": int(d["approved"][:4]),
            "contract": d.get("contract", ""),
            "contains": d.get("contains", []),
            "event": {**d["event"], "label": self.label("event-kind", d["event"]["kind"])} if d.get("event") else None,
            "decisions": [{**x, "label": self.label("decision-kind", x["kind"])} for x in d.get("decisions", [])],
            "funding": funding,
            "total": sum(f["amount"] for f in funding),
            "assessments": sorted(d.get("assessments", []), key=lambda a: a["year"]),
            "status": d["status"],
            "status_label": self.label("project-status", d["status"]),
            "sanctions": [
                {**s, "label": self.label("sanction-kind", s["kind"])} for s in d.get("sanctions", [])
            ],
            "refund": sum(s.get("refund", 0) for s in d.get("sanctions", [])),
            "net": sum(f["amount"] for f in funding) - sum(s.get("refund", 0) for s in d.get("sanctions", [])),
            "summary_html": self.markdown(d.get("summary", ""))[0],
            **self.provenance(record),
        }
        self.model.projects[record.id] = project
        for expert in project["experts"]:
            self.model.experts[expert]["projects"].append(record.id)
        if project["workstation"] in self.model.workstations:
            self.model.workstations[project["workstation"]]["projects"].append(record.id)
        for sid in [project["lead_society"], *project["partner_societies"]]:
            if sid in self.model.societies:
                self.model.societies[sid]["projects"].append(record.id)
        if project["lead_society"] in self.model.societies:
            society = self.model.societies[project["lead_society"]]
            for entry in funding:
                society["funding"][entry["year"]] += entry["amount"]
            for sanction in d.get("sanctions", []):
                if sanction.get("refund"):
                    society["refunds"][int(sanction["date"][:4])] += sanction["refund"]

    def add_need(self, record) -> None:
        d = record.data
        matched = d.get("matched", {})
        description_html, description_text = self.markdown(d["description"])
        self.model.needs[record.id] = {
            "id": record.id,
            "title": d["title"],
            "unit": d["unit"],
            "unit_type": self.label("host-type", d["unit"]["type"]),
            "industry": d["industry"],
            "disciplines": [(c, self.label("discipline", c)) for c in d.get("disciplines", [])],
            "description_html": description_html,
            "description_text": description_text,
            "submitted": d["submitted"],
            "status": d["status"],
            "status_label": self.label("need-status", d["status"]),
            "experts": [e for e in matched.get("experts", []) if e in self.published],
            "societies": matched.get("societies", []),
            **self.provenance(record),
        }

    def add_proposal(self, record) -> None:
        d = record.data
        proposal = {
            "id": record.id,
            "year": d["year"],
            "title": d["title"],
            "authors": [a for a in d["authors"] if a in self.published],
            "societies": d.get("societies", []),
            "submitted": d["submitted"],
            "endorsed": d["endorsed"],
            "adopted": d["adopted"],
            "summary_html": self.markdown(d.get("summary", ""))[0],
            **self.provenance(record),
        }
        self.model.proposals[record.id] = proposal
        for author in proposal["authors"]:
            self.model.experts[author]["proposals"].append(record.id)
        for sid in proposal["societies"]:
            if sid in self.model.societies:
                self.model.societies[sid]["proposals"].append(record.id)


def build_model(records: RecordSet, schemas: SchemaSet, history: History | None = None) -> SiteModel:
    """The public model. `history` (generator/model/history.py) gives each record's "changed" date
    and the model's `history`; without it (the yearly report) dates are empty."""
    history = history if isinstance(history, History) else History(False)
    builder = _Builder(records, schemas, history)
    builder.prerender()
    # societies first: every other type links back to them
    for record in records.valid("society"):
        builder.add_society(record)
    for expert_id in sorted(builder.published):
        builder.add_expert(builder.published[expert_id])
    for record_type, add in [
        ("workstation", builder.add_workstation),
        ("project", builder.add_project),
        ("need", builder.add_need),
        ("proposal", builder.add_proposal),
    ]:
        for record in records.valid(record_type):
            add(record)
    model = builder.model
    model.history = history
    for record in records.valid("policy"):
        model.policies[record.id] = record.data
    for record in sorted(records.valid("staff"), key=lambda r: r.id):
        if record.data.get("contact") and not model.contact:
            model.contact = dict(record.data["contact"])
    for society in model.societies.values():
        years = sorted(set(society["funding"]) | set(society["refunds"]))
        # gross, refunds (in the year of the decision) and net per year, in yuan
        society["money"] = [
            {"year": y, "amount": society["funding"].get(y, 0), "refund": society["refunds"].get(y, 0),
             "net": society["funding"].get(y, 0) - society["refunds"].get(y, 0)}
            for y in years
        ]
        society["funding"] = dict(sorted(society["funding"].items()))
        society["refunds"] = dict(sorted(society["refunds"].items()))
        society["funding_total"] = sum(society["funding"].values())
        society["refund_total"] = sum(society["refunds"].values())
        society["net_total"] = society["funding_total"] - society["refund_total"]
    return model
