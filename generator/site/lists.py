"""The canonical item lists (/projects/, /workstations/, /proposals/, /needs/, /societies/): one
data file per list, `lists/<name>.json` (or `.json.gz` past the open-data compression threshold),
read by `assets/javascripts/lists.js`, which filters and pages it in the browser. Each item is listed
in full once, here: the aggregate pages (/funding/, /funding/<year>/, /targets/) link each figure to
the list filtered to exactly its items (`filter_url`), instead of repeating them.

The page itself carries the first `list_page_rows` rows as a plain table (readable without
JavaScript, and the whole list for a small directory); `?page=N` and the filters are drawn by
lists.js from the data file.

Data file (JSON, one compact row per line):

    {"head": [column heading, ...], "num": [numeric column indexes], "money": [gross, refund, net
     column indexes, or none], "fields": [filter field names], "yearly": field whose years select the
     money (or null), "names": {field: Chinese name}, "values": {field: {code: label}},
     "rows": [[cell, ..., field value, ..., [[year, gross, refund], ...]?], ...]}

A cell is text, an integer (yuan in a money column), [href, text] (a link, href from the site root;
a third item is a note shown after it) or a list of such links. A field value is a string or a list of strings.

Filters (the query string; lists.js and `select` below are twins, tested against each other):
`key=value` keeps the rows whose field `key` equals `value` (a list field: contains it);
`key=A..B` keeps values between A and B inclusive, as strings (ISO dates and 4-digit years compare
as such; either end may be empty); a key repeated means any of its values; different keys must all
match. When the `yearly` field is filtered, the money cells are that row's gross and refund of the
matching years only (a year's list shows the year's money), so the list's 合计 line equals the
figure that links to it, to the yuan.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field

from markupsafe import Markup, escape

from generator.common.bulk import bulk_file
from generator.common.money import wan
from generator.common.render import query_value
from generator.model.summaries import NO_PERIOD, period_of_date, project_district, project_money
from generator.site.list_filters import filter_text, parse_query, select  # noqa: F401  (the twin of lists.js)


@dataclass
class ListData:
    name: str
    head: list[str]
    fields: list[str]
    rows: list[list] = field(default_factory=list)
    num: list[int] = field(default_factory=list)
    money: list[int] = field(default_factory=list)  # gross, refund, net column indexes
    yearly: str | None = None
    names: dict[str, str] = field(default_factory=dict)  # field → its Chinese name (the filter line)
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # field → code → its label

    def as_json(self) -> dict:
        return {"head": self.head, "num": self.num, "money": self.money, "fields": self.fields,
                "yearly": self.yearly, "names": self.names, "values": self.values, "rows": self.rows}


def _link(folder: str, record_id: str, text: str) -> list[str]:
    return [f"{folder}/{record_id}/", text]


def _vocab(model, vocabulary: str) -> dict[str, str]:
    """code → label of a vocabulary (schemas/vocab.schema.json), for the filter line."""
    return {code: model.labels.label(vocabulary, code) for code in model.labels.vocab[vocabulary]["enum"]}


def _society_names(model) -> dict[str, str]:
    return {sid: s["name"] for sid, s in model.societies.items()}


def _society(model, sid: str):
    return _link("societies", sid, model.societies[sid]["name"]) if sid in model.societies else (sid or "—")


def project_list(model) -> ListData:
    """Every project, by programme (vocabulary order), approval date and id; money in yuan."""
    data = ListData("projects", ["立项年份", "项目", "类别", "承担学会", "区、县（市）", "资助（万元）", "退回（万元）", "净额（万元）", "状态"],
                    ["programme", "year", "society", "district", "period", "funded", "event", "eventyear", "status"],
                    num=[0, 5, 6, 7], money=[5, 6, 7], yearly="funded",
                    names={"programme": "类别", "year": "立项年份", "society": "承担学会", "district": "区、县（市）",
                           "period": "政策期", "funded": "资助年度", "event": "事项", "eventyear": "事项年度", "status": "状态"},
                    values={"programme": _vocab(model, "programme"), "society": _society_names(model),
                            "period": {pid: f"{pid} 政策期" for pid in model.policies}, "event": _vocab(model, "event-kind"),
                            "status": _vocab(model, "project-status")})
    order = list(model.labels.vocab["programme"]["enum"])
    for p in sorted(model.projects.values(), key=lambda p: (order.index(p["programme"]), p["approved"], p["id"])):
        money = project_money(p)
        gross, refund = sum(g for g, _ in money.values()), sum(r for _, r in money.values())
        policy = period_of_date(model, p["approved"])
        event = p.get("event") or {}
        data.rows.append([
            p["year"], _link("projects", p["id"], p["title"]), p["programme_label"], _society(model, p["lead_society"]),
            project_district(model, p), gross, refund, gross - refund, p["status_label"],
            p["programme"], str(p["year"]), p["lead_society"], project_district(model, p),
            policy["id"] if policy else NO_PERIOD, [str(y) for y in sorted(money)],
            event.get("kind", ""), event.get("date", "")[:4], p["status"],
            [[y, g, r] for y, (g, r) in sorted(money.items())],
        ])
    return data


def workstation_list(model) -> ListData:
    """Every workstation, by kind (vocabulary order), then id."""
    data = ListData("workstations", ["名称", "类型", "依托单位", "区、县（市）", "行业", "建站日期", "牵头学会", "状态"],
                    ["kind", "district", "industry", "established", "status", "society"],
                    names={"kind": "类型", "district": "区、县（市）", "industry": "行业", "established": "建站日期", "status": "状态",
                           "society": "学会"},
                    values={"kind": _vocab(model, "workstation-kind"), "status": _vocab(model, "workstation-status"),
                            "society": _society_names(model)})
    order = list(model.labels.vocab["workstation-kind"]["enum"])
    for w in sorted(model.workstations.values(), key=lambda w: (order.index(w["kind"]), w["id"])):
        data.rows.append([
            _link("workstations", w["id"], w["name"]), w["kind_label"], w["host"]["name"], w["district"], w["industry"],
            w["established"], _society(model, w["lead_society"]) if w["lead_society"] else "—", w["status_label"],
            w["kind"], w["district"], w["industry"], w["established"], w["status"],
            [s for s in [w["lead_society"], *w["partner_societies"]] if s],
        ])
    return data


def proposal_list(model) -> ListData:
    """Every proposal, newest submission first (then id)."""
    data = ListData("proposals", ["年度", "建议", "执笔专家", "批示肯定", "吸纳采用"], ["year", "recognised", "society"], num=[0],
                    names={"year": "年度", "recognised": "批示肯定或吸纳采用", "society": "学会"},
                    values={"recognised": {"1": "是", "0": "否"}, "society": _society_names(model)})
    for p in sorted(model.proposals.values(), key=lambda p: (p["submitted"], p["id"]), reverse=True):
        authors = [_link("experts", e, model.experts[e]["name"]) for e in p["authors"] if e in model.experts]
        data.rows.append([
            p["year"], _link("proposals", p["id"], p["title"]), authors, "是" if p["endorsed"] else "否", "是" if p["adopted"] else "否",
            str(p["year"]), "1" if p["endorsed"] or p["adopted"] else "0", list(p["societies"]),
        ])
    return data


def need_list(model) -> ListData:
    """Every need, newest submission first (then id)."""
    data = ListData("needs", ["提交日期", "需求", "提出单位", "区、县（市）", "行业", "状态"], ["district", "industry", "status"],
                    names={"district": "区、县（市）", "industry": "行业", "status": "状态"},
                    values={"status": _vocab(model, "need-status")})
    for n in sorted(model.needs.values(), key=lambda n: (n["submitted"], n["id"]), reverse=True):
        data.rows.append([
            n["submitted"], _link("needs", n["id"], n["title"]), n["unit"]["name"], n["unit"]["district"], n["industry"], n["status_label"],
            n["unit"]["district"], n["industry"], n["status"],
        ])
    return data


def society_list(model) -> ListData:
    """Every society in model order, with the money of the projects it leads (`funded`: years with
    money paid or refunded; filtered, the money of those years: /funding/'s 按承担学会 in full). Field `ws`: "kind|status|year" for each kind and status of
    workstation the society leads or takes part in, with the year of the first one established (the
    /targets/ share of societies filters on it)."""
    data = ListData("societies", ["名称", "类型", "最新评估等级", "核心团队", "主要成员", "项目", "获得资助（万元）", "退回（万元）", "净额（万元）"],
                    ["kind", "ws", "funded"], num=[3, 4, 5, 6, 7, 8], money=[6, 7, 8], yearly="funded",
                    names={"kind": "类型", "ws": "工作站（类型、状态、最早建站年份）", "funded": "资助年度"},
                    values={"ws": {**_vocab(model, "workstation-kind"), **_vocab(model, "workstation-status")}})
    first: dict[str, dict[str, str]] = {}
    for w in model.workstations.values():
        key, year = f"{w['kind']}|{w['status']}", w["established"][:4]
        for sid in [w["lead_society"], *w["partner_societies"]]:
            seen = first.setdefault(sid, {}) if sid else {}
            if sid and (key not in seen or year < seen[key]):
                seen[key] = year
    for s in model.societies.values():
        data.rows.append([
            _link("societies", s["id"], s["name"]), s["kind"], (s["grades"][-1]["grade"] if s["grades"] else "—"),
            len(s["core_team"]), len(s["members"]), len(s["projects"]), s["funding_total"], s["refund_total"], s["net_total"],
            s["kind"], sorted(f"{key}|{year}" for key, year in first.get(s["id"], {}).items()),
            [str(m["year"]) for m in s["money"]], [[m["year"], m["amount"], m["refund"]] for m in s["money"]],
        ])
    return data


def docking_list(model) -> ListData:
    """The docking list (对接清单): each open need once, by district then industry (need id order
    within), with its top recommended experts and the first reason of each."""
    data = ListData("docking", ["区、县（市）", "行业", "需求", "提出单位", "提交日期", "推荐专家"], ["district", "industry"],
                    names={"district": "区、县（市）", "industry": "行业"})
    for entry in sorted(model.docking, key=lambda e: (e["district"], e["industry"], e["need"])):
        n = model.needs[entry["need"]]
        experts = [[*_link("experts", hit.id, model.experts[hit.id]["name"]), f"（{hit.reasons[0]}）" if hit.reasons else ""]
                   for hit in entry["experts"]]
        data.rows.append([entry["district"], entry["industry"], _link("needs", n["id"], n["title"]), n["unit"]["name"], n["submitted"],
                          experts or "暂无", entry["district"], entry["industry"]])
    return data


LISTS = {"docking": docking_list, "projects": project_list, "workstations": workstation_list, "proposals": proposal_list,
         "needs": need_list, "societies": society_list}


def build_lists(model) -> dict[str, ListData]:
    """Every list's data, from the public model."""
    return {name: build(model) for name, build in LISTS.items()}


def list_bytes(data: ListData) -> bytes:
    """The data file's plain bytes: compact JSON, one row per line (deterministic)."""
    doc = data.as_json()
    rows = doc.pop("rows")
    head = json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":"))[:-1]
    body = ",\n".join(json.dumps(row, ensure_ascii=False, separators=(",", ":")) for row in rows)
    return f'{head},"rows":[\n{body}\n]}}\n'.encode("utf-8")


def list_files(lists: dict[str, ListData], compress_over: int | None) -> dict[str, tuple[str, bytes]]:
    """name → (file name under lists/, bytes): `.json`, or `.json.gz` past the threshold."""
    return {name: bulk_file(f"{name}.json", list_bytes(data), compress_over) for name, data in lists.items()}


def write_lists(files: dict[str, tuple[str, bytes]], folder) -> None:
    """Write lists/<file> for every list (folder: a pathlib.Path)."""
    folder.mkdir(parents=True, exist_ok=True)
    for file_name, data in files.values():
        (folder / file_name).write_bytes(data)


def _cell(cell, base: str, money: bool) -> str:
    if isinstance(cell, bool) or cell is None:
        return ""
    if isinstance(cell, int):
        return wan(cell) if money else str(cell)
    if isinstance(cell, list):
        if cell and isinstance(cell[0], list):
            return "、".join(_cell(link, base, False) for link in cell)
        if not cell:
            return ""
        note = f'<span class="kx-why">{escape(cell[2])}</span>' if len(cell) > 2 and cell[2] else ""
        return f'<a href="{escape(base + cell[0])}">{escape(cell[1])}</a>{note}'
    return escape(str(cell))


def table_html(data: ListData, rows: list[list], base: str) -> Markup:
    """The list's table with `rows` (lists.js draws the same markup for the other pages)."""
    head = "".join(f"<th>{escape(h)}</th>" for h in data.head)
    body = []
    for row in rows:
        cells = []
        for i in range(len(data.head)):
            numeric = ' class="kx-num"' if i in data.num else ""
            cells.append(f"<td{numeric}>{_cell(row[i], base, i in data.money)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return Markup(f"<table data-sort data-kx-list-table><thead><tr>{head}</tr></thead><tbody>\n" + "\n".join(body) + "\n</tbody></table>")


def filter_url(base: str, name: str, params: list[tuple[str, str]]) -> str:
    """The list page filtered by `params` ((key, value) pairs, in order), values in raw UTF-8."""
    query = "&".join(f"{key}={query_value(value)}" for key, value in params)
    return f"{base}{name}/" + (f"?{query}" if query else "")


def _day_before(date: str) -> str:
    return (datetime.date.fromisoformat(date) - datetime.timedelta(days=1)).isoformat()


def target_filters(model, policy: dict, progress) -> None:
    """Give every figure of one period's targets (model.targets.target_progress) a `url`: the list
    filtered to exactly the records it counts (tests check it against `select`). The list pages'
    field names are the contract: see project_list, workstation_list, proposal_list, society_list."""
    first, start, end = period_years_of(policy)[0], policy["valid_from"], policy["valid_until"]
    statuses = None
    for t in progress:
        target = t.target
        measure = target["measure"]
        statuses = target.get("statuses")
        every_status = statuses or list(model.labels.vocab["workstation-status"]["enum"])

        def params(low: int | None, high: int, baseline: bool = False) -> tuple[str, list[tuple[str, str]]]:
            if measure == "workstations":
                kept = [("kind", target["kind"])] + [("status", s) for s in statuses or []]
                if baseline:
                    return "workstations", kept + [("established", ".." + _day_before(start))]
                since = max(start, f"{low}-01-01") if low is not None else start
                return "workstations", kept + [("established", f"{since}..{min(end, f'{high}-12-31')}")]
            years = str(high) if low == high else f"{low}..{high}"
            if measure == "projects":
                return "projects", [("programme", target["programme"]), ("year", years)]
            if measure == "events":
                return "projects", [("event", target.get("event", "")), ("eventyear", years)]
            if measure in ("proposals", "proposals-endorsed"):
                return "proposals", [("year", years)] + ([("recognised", "1")] if measure == "proposals-endorsed" else [])
            # society-share: societies in a `kind` workstation of a counted status established by the end of `high`
            return "societies", [("ws", f"{target['kind']}|{s}|0000..{target['kind']}|{s}|{high}") for s in every_status]

        for y in t.years:
            y.this_year.url = filter_url("", *params(y.year, y.year)) if measure != "society-share" else filter_url("", *params(None, y.year))
            y.cumulative.url = filter_url("", *params(None if measure == "workstations" else first, y.year)) if measure != "society-share" else y.this_year.url
        if t.baseline is not None:
            t.baseline.url = filter_url("", *params(None, first, baseline=True))
        t.actual.url = t.years[-1].cumulative.url


def period_years_of(policy: dict) -> list[int]:
    return list(range(int(policy["valid_from"][:4]), int(policy["valid_until"][:4]) + 1))
