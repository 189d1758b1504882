"""What machines read on a record page: its own JSON file, its JSON-LD and its meta description.

- `<folder>/<id>.json`: the record's open-data row (the same fields as `api/<folder>.json`).
- JSON-LD (schema.org): `Person` for experts, `Organization` for societies and workstations,
  `MonetaryGrant` (a `Grant`) for projects, `Demand` for needs, `CreativeWork` for proposals.
- A meta description of at most DESCRIPTION_MAX characters, built from the record's own fields.

All of it comes from the public model only (consent already applied). Record text is untrusted: the
JSON-LD is escaped so it can never close its <script> element.
"""

from __future__ import annotations

import json

from generator.site.opendata import DATASETS, compact_json

# search engines show about 80 Chinese characters of a description; what was cut there still weighed
# up to 0.5 kB a page (it used to be written twice: meta description and og:description)
DESCRIPTION_MAX = 90
ASSOCIATION = {"@type": "Organization", "name": "杭州市科学技术协会"}
_ROW = {attribute: build for _name, (_title, _schema, attribute, build) in DATASETS.items()}


def record_json(attribute: str, record: dict, demo: bool = False) -> str:
    """The record's open-data row (with the demo flag, as in api/<name>.json) as the text of
    `<folder>/<id>.json`."""
    return compact_json({**_ROW[attribute](record), "demo": demo}) + "\n"


def _short(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= DESCRIPTION_MAX else text[: DESCRIPTION_MAX - 1] + "…"


def description(attribute: str, r: dict, m) -> str:
    """One plain sentence for search results and link previews (escaped by the frame)."""
    if attribute == "experts":
        disciplines = "、".join(label for _, label in r["disciplines"])
        text = f"{r['name']}，{r['title']}，{r['affiliation']}。学科：{disciplines}。"
        if r["bio_text"]:
            text += r["bio_text"]
    elif attribute == "societies":
        text = f"{r['name']}（{r['kind']}）主要职责：" + "；".join(r["duties"])
    elif attribute == "workstations":
        text = f"{r['name']}：{r['kind_label']}，依托{r['host']['name']}，位于{r['district']}，服务{r['industry']}行业。"
    elif attribute == "projects":
        lead = m.societies.get(r["lead_society"], {}).get("name", r["lead_society"])
        text = f"{r['title']}（编号 {r['id']}）：{r['programme_label']}，{r['year']} 年立项，承担学会{lead}，资助经费合计 {r['total'] / 10000:.2f} 万元。"
    elif attribute == "needs":
        text = f"{r['title']}（编号 {r['id']}）：{r['unit']['name']}提出的企业需求（{r['industry']}，{r['status_label']}）。"
    else:
        authors = "、".join(m.experts[a]["name"] for a in r["authors"])
        text = f"{r['title']}（编号 {r['id']}）：{r['year']} 年科技工作者建议" + (f"，提出人 {authors}。" if authors else "。")
    return _short(text)


def _society_ref(m, sid: str, absolute) -> dict:
    society = m.societies.get(sid)
    if society is None:
        return {"@type": "Organization", "name": sid}
    return {"@type": "Organization", "name": society["name"], "url": absolute(f"societies/{sid}/")}


def _expert_ref(m, eid: str, absolute) -> dict:
    return {"@type": "Person", "name": m.experts[eid]["name"], "url": absolute(f"experts/{eid}/")}


def json_ld(attribute: str, r: dict, m, site_url: str) -> dict:
    """The schema.org description of one record (a dict; `ld_script` writes it into the page)."""
    base = site_url if not site_url or site_url.endswith("/") else site_url + "/"

    def absolute(url: str) -> str:
        return base + url

    folder = {"experts": "experts", "societies": "societies", "workstations": "workstations",
              "projects": "projects", "needs": "needs", "proposals": "proposals"}[attribute]
    own = absolute(f"{folder}/{r['id']}/")
    # the url identifies the record (no "@id" repeating it, no "identifier": the id is in the url)
    data: dict = {"@context": "https://schema.org", "url": own}
    if attribute == "experts":
        data.update({
            "@type": "Person", "name": r["name"], "alternateName": r["pinyin"], "jobTitle": r["title"],
            "affiliation": {"@type": "Organization", "name": r["affiliation"]},
            "knowsAbout": [label for _, label in r["disciplines"]] + list(r["industries"]),
            "memberOf": [_society_ref(m, s["id"], absolute) for s in r["societies"]],
        })
        if r["honours"]:
            data["award"] = [label for _, label in r["honours"]]
        if r["district"]:
            data["workLocation"] = {"@type": "Place", "address": {"@type": "PostalAddress", "addressRegion": "杭州市", "addressLocality": r["district"]}}
        if r["email"]:
            data["email"] = r["email"]
        if r["homepage"]:
            data["sameAs"] = [r["homepage"]]
    elif attribute == "societies":
        data.update({"@type": "Organization", "name": r["name"], "description": "；".join(r["duties"]),
                     "parentOrganization": ASSOCIATION,
                     "member": [_expert_ref(m, e, absolute) for e in r["members"]]})
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
            "location": {"@type": "Place", "name": r["host"]["name"],
                         "address": {"@type": "PostalAddress", "addressRegion": "杭州市", "addressLocality": r["district"]}},
            "member": [_expert_ref(m, e, absolute) for e in r["experts"]],
        })
        if r["lead_society"]:
            data["parentOrganization"] = _society_ref(m, r["lead_society"], absolute)
    elif attribute == "projects":
        data.update({
            "@type": "MonetaryGrant", "name": r["title"], "funder": ASSOCIATION,
            "amount": {"@type": "MonetaryAmount", "currency": "CNY", "value": r["total"]},
            "startDate": r["approved"], "description": r["programme_label"],
            "recipient": _society_ref(m, r["lead_society"], absolute),
        })
        if r["experts"]:
            data["contributor"] = [_expert_ref(m, e, absolute) for e in r["experts"]]
    elif attribute == "needs":
        data.update({"@type": "Demand", "name": r["title"], "availabilityStarts": r["submitted"],
                     "category": r["industry"]})
    else:
        data.update({"@type": "CreativeWork", "name": r["title"], "dateCreated": r["submitted"],
                     "author": [_expert_ref(m, e, absolute) for e in r["authors"]]})
    return data


def ld_script(data: dict) -> str:
    """`<script type="application/ld+json">`; <, > and & as \\u escapes so text cannot end the script."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f'<script type="application/ld+json">{text}</script>'
