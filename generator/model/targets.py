"""The plan's targets (主要目标) against the records: the /targets/ dashboard.

Each policy file lists its targets; this module counts them in the public model, per calendar year
of the period and cumulatively, and keeps the ids of the records behind every figure so that the
page can list them. What counts (the choices are written on the page, from the policy file's
`counting` text and from here):

* workstations — "new in the period": `established` between the period's valid_from and
  valid_until (both included), of the target's `kind`, with a `status` in the target's
  `statuses` (default: every status, so a station closed later still counts as built). Those
  established before valid_from are the baseline (基数), shown apart and never counted.
* projects — by the year of `approved`, of the target's `programme`.
* proposals / proposals-endorsed — by the proposal's `year`; endorsed means endorsed or adopted.
* events — editions of a brand event (`event.kind` of projects): distinct event dates in the year;
  the figure's records are the projects (专场) of those editions.
* society-share — societies that lead or take part in a workstation of `kind` established by the
  end of the year (status as for workstations), over all societies on record: a fraction.

Judging ("met"):
* `per: period` targets: the cumulative figure reaches `figure`.
* `per: year` targets: every judged year reaches it. A year is judged when it is a full calendar
  year of the period that has ended by the reference date. A partial year (the period starts
  after 1 January or ends before 31 December: 2015 from 2015-06-03) is judged only if it reaches
  the figure — it alone never makes a target "not met". Years not yet over are "in progress".
* `approximate` targets (“约 10”, 左右) reach their figure at `figure − tolerance` (the policy
  file's `tolerance`, default 0).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

MET, NOT_MET, PARTIAL, OPEN = "met", "not-met", "partial", "open"


@dataclass
class Figure:
    """One counted figure and the ids of the records it counts (the drill-down)."""

    value: float
    records: list[str] = field(default_factory=list)
    kind: str = "projects"  # model attribute of the records: workstations, projects, proposals, societies
    numerator: int | None = None  # society-share: 17 of 17 / 25
    denominator: int | None = None


@dataclass
class YearFigure:
    year: int
    this_year: Figure
    cumulative: Figure
    partial: bool  # the period covers only part of this calendar year
    state: str  # met / not-met / partial (part-year, not judged) / open (not over yet)


@dataclass
class TargetProgress:
    target: dict
    baseline: Figure | None  # workstations before the period
    years: list[YearFigure]
    actual: Figure  # period total (cumulative at the end), or the share at the end
    threshold: float  # figure − tolerance for approximate targets
    met: bool
    state: str  # met / not-met / open
    percent: int  # of the target reached by `actual` (per-year targets: the weakest judged year), capped at 100


def period_years(policy: dict) -> list[int]:
    return list(range(int(policy["valid_from"][:4]), int(policy["valid_until"][:4]) + 1))


def _partial(policy: dict, year: int) -> bool:
    start, end = f"{year}-01-01", f"{year}-12-31"
    return policy["valid_from"] > start or policy["valid_until"] < end


def _stations(model, policy, target, year: int | None, before_period: bool = False) -> list[str]:
    statuses = target.get("statuses")
    ids = []
    for sid, w in model.workstations.items():
        if w["kind"] != target["kind"] or (statuses and w["status"] not in statuses):
            continue
        established = w["established"]
        if before_period:
            if established < policy["valid_from"]:
                ids.append(sid)
        elif policy["valid_from"] <= established <= policy["valid_until"] and int(established[:4]) == year:
            ids.append(sid)
    return sorted(ids)


def _count(model, policy, target, year: int) -> Figure:
    """The target's figure for one calendar year (not cumulative)."""
    measure = target["measure"]
    if measure == "workstations":
        ids = _stations(model, policy, target, year)
        return Figure(len(ids), ids, "workstations")
    if measure == "projects":
        ids = sorted(p["id"] for p in model.projects.values() if p["programme"] == target["programme"] and p["year"] == year)
        return Figure(len(ids), ids, "projects")
    if measure in ("proposals", "proposals-endorsed"):
        ids = sorted(
            p["id"] for p in model.proposals.values()
            if p["year"] == year and (measure == "proposals" or p["endorsed"] or p["adopted"])
        )
        return Figure(len(ids), ids, "proposals")
    if measure == "events":
        projects = [
            p for p in model.projects.values()
            if p.get("event") and p["event"]["kind"] == target.get("event") and int(p["event"]["date"][:4]) == year
        ]
        editions = {p["event"]["date"] for p in projects}
        return Figure(len(editions), sorted(p["id"] for p in projects), "projects")
    raise ValueError(f"unknown measure {measure}")  # the policy schema allows no other value


def _share(model, policy, target, year: int) -> Figure:
    """Societies taking part in `kind` workstations established by the end of `year`, of all."""
    statuses = target.get("statuses")
    taking_part = sorted({
        sid
        for w in model.workstations.values()
        if w["kind"] == target["kind"] and w["established"][:4] <= str(year) and (not statuses or w["status"] in statuses)
        for sid in [w["lead_society"], *w["partner_societies"]]
        if sid in model.societies
    })
    total = len(model.societies)
    value = round(100 * len(taking_part) / total, 1) if total else 0
    return Figure(value, taking_part, "societies", len(taking_part), total)


def _sum(figures: list[Figure]) -> Figure:
    records = []
    for figure in figures:
        records.extend(r for r in figure.records if r not in records)
    return Figure(sum(f.value for f in figures), records, figures[0].kind if figures else "projects")


def target_progress(model, policy: dict, today: datetime.date | None = None) -> list[TargetProgress]:
    """Every target of one policy period (policy file data) against the records, as of `today`
    (a date; years after it are "open"). See the module docstring for what counts."""
    today = today or datetime.date.today()
    years = period_years(policy)
    result = []
    for target in policy["targets"]:
        figure = target["figure"]
        threshold = figure - (target.get("tolerance", 0) if target.get("approximate") else 0)
        share = target["measure"] == "society-share"
        rows: list[YearFigure] = []
        running: list[Figure] = []
        for year in years:
            this_year = _share(model, policy, target, year) if share else _count(model, policy, target, year)
            running.append(this_year)
            cumulative = this_year if share else _sum(running)
            partial = _partial(policy, year)
            judged_value = this_year.value if target.get("per") == "year" else cumulative.value
            if judged_value >= threshold:
                state = MET
            elif year >= today.year:
                state = OPEN
            elif partial:
                state = PARTIAL
            else:
                state = NOT_MET
            rows.append(YearFigure(year, this_year, cumulative, partial, state))
        baseline = None
        if target["measure"] == "workstations":
            ids = _stations(model, policy, target, None, before_period=True)
            baseline = Figure(len(ids), ids, "workstations")
        actual = rows[-1].cumulative
        over = today.isoformat() > policy["valid_until"]
        if target.get("per") == "year":
            judged = [r for r in rows if r.state in (MET, NOT_MET)]
            met = bool(judged) and all(r.state == MET for r in judged) and not any(r.state == NOT_MET for r in rows)
            state = MET if met else (NOT_MET if any(r.state == NOT_MET for r in rows) else OPEN)
            weakest = min((r.this_year.value for r in judged), default=0)
            percent = 100 if figure == 0 else min(100, int(round(100 * weakest / figure)))
        else:
            met = actual.value >= threshold
            state = MET if met else (NOT_MET if over else OPEN)
            percent = 100 if figure == 0 else min(100, int(round(100 * actual.value / figure)))
        result.append(TargetProgress(target, baseline, rows, actual, threshold, met, state, percent))
    return result
