"""What machines read on a record page: its own JSON file, its JSON-LD and its meta description.

- `<folder>/<id>.json`: the record's open-data row (the fields of `api/<folder>.json` that have a
  value: no "", [], {} or null; no `url`, which is the file's own folder), with the demo flag.
- JSON-LD (schema.org): `Person` for experts, `Organization` for societies and workstations,
  `MonetaryGrant` (a `Grant`) for projects, `Demand` for needs, `CreativeWork` for proposals. Compact
  (#14: hundreds of thousands of pages): the names of the people and organisations it relates to (no
  nested urls) and the facts search engines use; the page's own url is its canonical link.
- A meta description of at most DESCRIPTION_MAX characters saying what identifies the record (not
  the bio's opening again: search engines show the page's text themselves).

All of it comes from the public model only (consent already applied). Record text is untrusted: the
JSON-LD is escaped so it can never close its <script> element.
"""

from __future__ import annotations

import json

from generator.site.opendata import DATASETS, compact_json

# search engines show about 80 Chinese characters of a description; what identifies a record (name,
# title, unit, disciplines; a project's programme, year and society) fits in 60 (3 bytes each)
DESCRIPTION_MAX = 60
ASSOCIATION = {"@type": "Organization", "name": "杭州市科学技术协会"}
_ROW = {attribute: build for _name, (_title, _schema, attribute, build) in DATASETS.items()}


def _filled(value):
    """`value` without the empty values ("", [], {}, None) of its dicts, at any depth (lists keep
    their items: a position in a list can mean something)."""
    if isinstance(value, dict):
        kept = {key: _filled(item) for key, item in value.items()}
        return {key: item for key, item in kept.items() if item not in ("", [], {}, None)}
    if isinstance(value, list):
        return [_filled(item) for item in value]
    return value


def record_json(attribute: str, record: dict, demo: bool = False) -> str:
    """The text of `<folder>/<id>.json`: the record's open-data row as in api/<name>.json, with the
    demo flag, without its empty values and without `url` (the file sits in that very folder:
    `<folder>/<id>.json` beside `<folder>/<id>/`). Keys are never renamed."""
    row = _filled(_ROW[attribute](record))
    row.pop("url", None)
    return compact_json({**row, "demo": demo}) + "\n"


def _short(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= DESCRIPTION_MAX else text[: DESCRIPTION_MAX - 1] + "…"


def description(attribute: str, r: dict, m) -> str:
    """One plain sentence for search results and link previews (escaped by the frame): what identifies
    the record beside its <title> (which search engines show above it, so a project's, need's or
    proposal's title is not repeated: its id is, which no other record shares)."""
    if attribute == "experts":
        disciplines = "、".join(label for _, label in r["disciplines"])
        text = f"{r['name']}，{r['title']}，{r['affiliation']}。学科：{disciplines}。"
    elif attribute == "societies":
        text = f"{r['name']}（{r['kind']}）主要职责：" + "；".join(r["duties"])
    elif attribute == "workstations":
        text = f"{r['name']}：{r['kind_label']}，依托{r['host']['name']}，位于{r['district']}，服务{r['industry']}行业。"
    elif attribute == "projects":
        lead = m.societies.get(r["lead_society"], {}).get("name", r["lead_society"])
        text = f"项目编号 {r['id']}，{r['programme_label']}，{r['year']} 年立项，承担学会{lead}，资助 {r['total'] / 10000:.2f} 万元。"
    elif attribute == "needs":
        text = f"需求编号 {r['id']}，{r['unit']['name']}提出（{r['industry']}，{r['status_label']}）。"
    else:
        authors = "、".join(m.experts[a]["name"] for a in r["authors"])
        text = f"建议编号 {r['id']}，{r['year']} 年科技工作者建议" + (f"，提出人 {authors}。" if authors else "。")
    return _short(text)


def _society_ref(m, sid: str) -> dict:
    society = m.societies.get(sid)
    return {"@type": "Organization", "name": society["name"] if society else sid}


def _expert_ref(m, eid: str) -> dict:
    return {"@type": "Person", "name": m.experts[eid]["name"]}


def json_ld(attribute: str, r: dict, m) -> dict:
    """The schema.org description of one record (a dict; `ld_script` writes it into the page)."""
    # the page's canonical link names the record's url: no "url", "@id" or "identifier" repeating it
    # (70 bytes a page at 235,000 pages, #14)
    data: dict = {"@context": "https://schema.org"}
    if attribute == "experts":
        data.update({
            "@type": "Person", "name": r["name"], "alternateName": r["pinyin"], "jobTitle": r["title"],
            "affiliation": {"@type": "Organization", "name": r["affiliation"]},
            "memberOf": [_society_ref(m, s["id"]) for s in r["societies"]],
        })
        if r["honours"]:
            data["award"] = [label for _, label in r["honours"]]
        if r["homepage"]:
            data["sameAs"] = [r["homepage"]]
    elif attribute == "societies":
        data.update({"@type": "Organization", "name": r["name"], "parentOrganization": ASSOCIATION,
                     "member": [_expert_ref(m, e) for e in r["members"]]})
        if r["founded"]:
            data["foundingDate"] = str(r["founded"])
        if r["website"]:
            data["sameAs"] = [r["website"]]
        contact = r["contact"] or {}
        for key, name in (("email", "email"), ("phone", "telephone"), ("address", "address")):
            if contact.get(key):
                data[name] = contact[key]
    elif attribute == "workstations":
        data.update({
            "@type": "Organization", "name": r["name"], "foundingDate": r["established"],
            "location": {"@type": "Place", "name": r["host"]["name"]},
            "member": [_expert_ref(m, e) for e in r["experts"]],
        })
        if r["lead_society"]:
            data["parentOrganization"] = _society_ref(m, r["lead_society"])
    elif attribute == "projects":
        data.update({
            "@type": "MonetaryGrant", "name": r["title"],
            "amount": {"@type": "MonetaryAmount", "currency": "CNY", "value": r["total"]},
            "startDate": r["approved"], "recipient": _society_ref(m, r["lead_society"]),
        })
        if r["experts"]:
            data["contributor"] = [_expert_ref(m, e) for e in r["experts"]]
    elif attribute == "needs":
        data.update({"@type": "Demand", "name": r["title"], "availabilityStarts": r["submitted"],
                     "category": r["industry"]})
    else:
        data.update({"@type": "CreativeWork", "name": r["title"], "dateCreated": r["submitted"],
                     "author": [_expert_ref(m, e) for e in r["authors"]]})
    return data


def ld_script(data: dict) -> str:
    """`<script type="application/ld+json">`; <, > and & as \\u escapes so text cannot end the script."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f'<script type="application/ld+json">{text}</script>'
