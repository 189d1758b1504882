"""Funding summaries and the plan's targets against actuals, computed once from the public model.

The site's /funding/ and /targets/ pages and `kexie report` all call these functions, so the
workbook staff publish and the page the public reads cannot disagree. Money stays integer yuan.
"""

from __future__ import annotations

from dataclasses import dataclass, field

NO_DISTRICT = "（未落地到区县的项目）"


@dataclass
class Line:
    """One total and the projects it sums, so every figure can be audited."""

    key: str
    label: str
    amount: int = 0
    refund: int = 0
    projects: list[str] = field(default_factory=list)

    def add(self, project_id: str, amount: int, refund: int = 0) -> None:
        self.amount += amount
        self.refund += refund
        if project_id not in self.projects:
            self.projects.append(project_id)


@dataclass
class FundingSummary:
    year: int | None  # None: every year
    total: Line
    by_year: list[Line]
    by_programme: list[Line]
    by_society: list[Line]
    by_district: list[Line]
    projects: list[dict]  # (project, amount in scope) rows


def funding_years(model) -> list[int]:
    return sorted({f["year"] for p in model.projects.values() for f in p["funding"]})


def project_district(model, project) -> str:
    station = model.workstations.get(project["workstation"])
    return station["district"] if station else NO_DISTRICT


def summarize(model, year: int | None = None) -> FundingSummary:
    total = Line("total", "合计")
    by_year: dict[int, Line] = {}
    by_programme: dict[str, Line] = {}
    by_society: dict[str, Line] = {}
    by_district: dict[str, Line] = {}
    rows = []
    for project in model.projects.values():
        entries = [f for f in project["funding"] if year is None or f["year"] == year]
        if not entries:
            continue
        amount = sum(f["amount"] for f in entries)
        # a refund belongs to the year of the sanction that ordered it
        refund = sum(
            s.get("refund", 0) for s in project["sanctions"] if year is None or int(s["date"][:4]) == year
        )
        pid = project["id"]
        total.add(pid, amount, refund)
        for f in entries:
            by_year.setdefault(f["year"], Line(str(f["year"]), f"{f['year']} 年")).add(pid, f["amount"])
        by_programme.setdefault(project["programme"], Line(project["programme"], project["programme_label"])).add(pid, amount, refund)
        society = project["lead_society"]
        society_name = model.societies[society]["name"] if society in model.societies else society
        by_society.setdefault(society, Line(society, society_name)).add(pid, amount, refund)
        district = project_district(model, project)
        by_district.setdefault(district, Line(district, district)).add(pid, amount, refund)
        rows.append({"project": project, "amount": amount, "refund": refund, "district": district})
    programme_order = list(model.labels.vocab["programme"]["enum"])
    district_order = list(model.labels.vocab["district"]["enum"]) + [NO_DISTRICT]
    rows.sort(key=lambda r: (programme_order.index(r["project"]["programme"]), r["project"]["approved"], r["project"]["id"]))
    return FundingSummary(
        year=year,
        total=total,
        by_year=[by_year[y] for y in sorted(by_year)],
        by_programme=sorted(by_programme.values(), key=lambda line: programme_order.index(line.key)),
        by_society=sorted(by_society.values(), key=lambda line: (-line.amount, line.key)),
        by_district=sorted(by_district.values(), key=lambda line: district_order.index(line.key)),
        projects=rows,
    )


@dataclass
class TargetProgress:
    target: dict
    years: list[tuple[int, float]]  # per year: the actual figure of that year
    actual: float  # for the whole period (cumulative), or the latest full year for per-year targets
    percent: int  # of the target reached, capped at 100 for the bar
    met: bool


def _period_years(policy: dict) -> list[int]:
    return list(range(int(policy["valid_from"][:4]), int(policy["valid_until"][:4]) + 1))


def _in_period(date: str, policy: dict) -> bool:
    return policy["valid_from"] <= date <= policy["valid_until"]


def _measure(model, policy, target, year):
    """The target's figure for one calendar year (or for the period so far when cumulative)."""
    measure = target["measure"]
    if measure == "workstations":
        return sum(
            1 for w in model.workstations.values()
            if w["kind"] == target["kind"] and _in_period(w["established"], policy) and int(w["established"][:4]) == year
        )
    if measure == "projects":
        return sum(1 for p in model.projects.values() if p["programme"] == target["programme"] and p["year"] == year)
    if measure == "proposals":
        return sum(1 for p in model.proposals.values() if p["year"] == year)
    if measure == "proposals-endorsed":
        return sum(1 for p in model.proposals.values() if p["year"] == year and (p["endorsed"] or p["adopted"]))
    if measure == "society-share":
        taking_part = {
            sid
            for w in model.workstations.values()
            if w["kind"] == target["kind"] and w["established"][:4] <= str(year)
            for sid in [w["lead_society"], *w["partner_societies"]]
            if sid
        }
        return round(100 * len(taking_part) / len(model.societies), 1) if model.societies else 0
    raise ValueError(f"unknown measure {measure}")  # the policy schema allows no other value


def target_progress(model, policy: dict) -> list[TargetProgress]:
    years = _period_years(policy)
    result = []
    for target in policy["targets"]:
        per_year = [(year, _measure(model, policy, target, year)) for year in years]
        if target["measure"] == "society-share":
            actual = per_year[-1][1]  # a share at the end of the period, not a sum
            per_year_display = per_year
        elif target.get("per") == "year":
            actual = min(v for _, v in per_year)  # every year must reach it: the weakest year counts
            per_year_display = per_year
        else:
            running, per_year_display = 0, []
            for year, value in per_year:
                running += value
                per_year_display.append((year, running))
            actual = running
        figure = target["figure"]
        percent = 100 if figure == 0 else min(100, int(round(100 * actual / figure)))
        result.append(TargetProgress(target, per_year_display, actual, percent, actual >= figure))
    return result
