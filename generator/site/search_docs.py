"""What the site's search index sees: one doc per published record and per prose page.

An expert's doc holds every field the expert's page shows, in the words the page shows them
(disciplines with their codes, societies with the role, workstations with their kind, projects
with programme and year, proposals with their year, the public e-mail and homepage). Other records
give their name or title, a few visible facts ("details") and their text ("text"); prose pages
their title and paragraphs. Field names are generator/search/text.FIELDS.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

from generator.search.text import FIELD_LABELS, normalize

# block-level tags end a text item; inline ones do not (a link inside a sentence stays in it)
_BLOCKS = {"p", "li", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "dt", "dd", "div", "pre", "blockquote",
           "br", "tr", "table", "ul", "ol", "section", "article", "details", "summary", "figcaption"}
_SKIP = {"script", "style", "noscript", "template"}


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.items, self.buf, self.skip = [], [], 0

    def flush(self):
        text = re.sub(r"\s+", " ", "".join(self.buf)).strip()
        if text:
            self.items.append(text)
        self.buf = []

    def handle_starttag(self, tag, attrs):
        if tag in _SKIP:
            self.skip += 1
        elif tag in _BLOCKS:
            self.flush()

    def handle_endtag(self, tag):
        if tag in _SKIP:
            self.skip = max(0, self.skip - 1)
        elif tag in _BLOCKS:
            self.flush()

    def handle_data(self, data):
        if not self.skip:
            self.buf.append(data)


def html_items(fragment: str) -> list[str]:
    """HTML → its visible text, one item per block (paragraph, list item, cell, heading)."""
    parser = _Text()
    parser.feed(fragment or "")
    parser.close()
    parser.flush()
    return parser.items


def expert_documents(model) -> list[dict]:
    """Search docs of the published experts: the facet keys and every field their page shows."""
    out = []
    for e in model.experts.values():
        out.append({
            "id": e["id"],
            "kind": "experts",
            "url": f"experts/{e['id']}/",
            "name": e["name"],
            "pinyin": e["pinyin"],
            "pinyin_also": e["pinyin_also"],  # other spellings (曾 also read ceng): the pinyin letter files only
            "title": e["title"],
            "affiliation": e["affiliation"],
            "district": e["district"],
            "disciplines": [f"{label}（{code}）" for code, label in e["disciplines"]],
            "discipline_labels": [label for _, label in e["disciplines"]],
            "discipline_codes": [code for code, _ in e["disciplines"]],
            "industries": e["industries"],
            "societies": [s["name"] + (f"（{s['role']}）" if s["role"] else "") for s in e["societies"]],
            "society_ids": [s["id"] for s in e["societies"]],
            "honours": [label for _, label in e["honours"]],
            "honour_codes": [code for code, _ in e["honours"]],
            "email": e["email"],
            "homepage": e["homepage"],
            "workstations": [
                f"{model.workstations[w]['name']}（{model.workstations[w]['kind_label']}）"
                for w in e["workstations"] if w in model.workstations
            ],
            "projects": [
                f"{model.projects[p]['title']}（{model.projects[p]['programme_label']}，{model.projects[p]['year']}）"
                for p in e["projects"] if p in model.projects
            ],
            "proposals": [
                f"{model.proposals[p]['title']}（{model.proposals[p]['year']}）" for p in e["proposals"] if p in model.proposals
            ],
            "bio": e["bio_text"],
        })
    return out


def _society(model, sid) -> str:
    return model.societies[sid]["name"] if sid in model.societies else sid


def record_documents(model) -> list[dict]:
    """Search docs of societies, workstations, projects, needs and proposals (for the header box)."""
    out = []
    for s in model.societies.values():
        out.append({"id": s["id"], "kind": "societies", "url": f"societies/{s['id']}/", "name": s["name"],
                    "details": [s["kind"]] + [label for _, label in s["disciplines"]], "text": list(s["duties"])})
    for w in model.workstations.values():
        out.append({"id": w["id"], "kind": "workstations", "url": f"workstations/{w['id']}/", "name": w["name"],
                    "details": [w["kind_label"], w["host"]["name"], w["district"], w["industry"]],
                    "text": html_items(w["summary_html"])})
    for p in model.projects.values():
        out.append({"id": p["id"], "kind": "projects", "url": f"projects/{p['id']}/", "name": p["title"],
                    "details": [p["programme_label"], f"{p['year']} 年立项", _society(model, p["lead_society"])],
                    "text": html_items(p["summary_html"])})
    for n in model.needs.values():
        out.append({"id": n["id"], "kind": "needs", "url": f"needs/{n['id']}/", "name": n["title"],
                    "details": [n["unit"]["name"], n["industry"]] + [label for _, label in n["disciplines"]],
                    "text": html_items(n["description_html"])})
    for p in model.proposals.values():
        out.append({"id": p["id"], "kind": "proposals", "url": f"proposals/{p['id']}/", "name": p["title"],
                    "details": [f"{p['year']} 年报送"], "text": html_items(p["summary_html"])})
    return out


def page_document(url: str, title: str, content_html: str) -> dict:
    """A prose page (home, about, contributing) → its search doc: title and paragraphs."""
    items = html_items(content_html)
    if items and items[0] == title:
        items = items[1:]
    page_id = url.strip("/").replace("/", "-") or "index"
    # the home page's url is "" in MkDocs; a card's "" means "the default url", so it is "./" here
    return {"id": page_id, "kind": "pages", "url": url or "./", "name": html.unescape(title), "text": items}


def searched_fields() -> list[str]:
    """The names of the fields an expert search covers, as the directory's hint lists them."""
    return [FIELD_LABELS[f] for f in ("name", "pinyin", "title", "affiliation", "district", "disciplines", "industries",
                                      "societies", "honours", "workstations", "projects", "proposals", "email",
                                      "homepage", "bio")]


def hint_examples(docs: list[dict]) -> list[str]:
    """Queries for the hint that find someone in these experts, chosen from the data, never
    hard-coded: the first expert (in pinyin order) with a two- or three-character name gives the
    name, its pinyin, its initials and its pinyin with tone marks; the first name OpenCC writes
    differently in traditional characters gives that; the first expert with a workstation gives
    its name (a word from a linked record)."""
    from pypinyin import Style, lazy_pinyin

    from generator.search.fold import opencc_converter

    from generator.search.text import pinyin_syllables

    experts = sorted((d for d in docs if d.get("kind", "experts") == "experts"),
                     key=lambda d: (" ".join(pinyin_syllables(d["name"], d.get("pinyin") or "")), d["id"]))
    out = []
    for d in experts:
        syl = pinyin_syllables(d["name"], d.get("pinyin") or "")
        if len(d["name"]) in (2, 3) and len(syl) == len(d["name"]):
            out += [d["name"], "".join(syl), "".join(s[0] for s in syl)]
            toned = lazy_pinyin(d["name"], style=Style.TONE)
            if [normalize(t) for t in toned] == syl and toned != syl:
                out.append(f"{toned[0]} {''.join(toned[1:])}")
            break
    s2t = opencc_converter("s2t")
    for d in experts:
        trad = s2t(d["name"])
        if trad != d["name"] and normalize(trad) == normalize(d["name"]):
            out.append(trad)
            break
    for d in experts:
        if d.get("workstations"):
            out.append(re.split("（", d["workstations"][0])[0])
            break
    return out
