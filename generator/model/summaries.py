"""Funding summaries, computed once from the public model.

The site's /funding/ pages and `kexie report` all call these functions, so the workbook staff
publish and the page the public reads cannot disagree. Money stays integer yuan.

Which year a yuan belongs to
    * a funding entry (`funding[].amount`) belongs to its `year`;
    * a refund (`sanctions[].refund`) belongs to the year of the decision that ordered it
      (`sanctions[].date`), even when the project had no funding that year (e.g. money paid in
      2015–2016 and refunded by a decision of 2017-04-05 is a 2017 refund).
Every line carries gross (资助), refunds (退回) and net (净额 = gross − refunds).
The period a project's money belongs to (the by-period table) is the policy period in force on its
approval date (`approved` between valid_from and valid_until): the period whose rules granted it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

NO_DISTRICT = "（未落地到区县的项目）"
NO_PERIOD = "（不在任何政策期内）"


@dataclass
class Line:
    """One total and the projects it sums, so every figure can be audited."""

    key: str
    label: str
    amount: int = 0  # gross yuan paid
    refund: int = 0  # yuan refunded by decisions of the scope
    projects: list[str] = field(default_factory=list)
    # the same ids as a set: `add` stays O(1) (a list lookup made the year's total quadratic)
    _seen: set[str] = field(default_factory=set, repr=False, compare=False)

    @property
    def net(self) -> int:
        """Gross minus refunds, in yuan."""
        return self.amount - self.refund

    def add(self, project_id: str, amount: int, refund: int = 0) -> None:
        self.amount += amount
        self.refund += refund
        if project_id not in self._seen:
            self._seen.add(project_id)
            self.projects.append(project_id)


@dataclass
class FundingSummary:
    year: int | None  # None: every year
    total: Line
    by_year: list[Line]
    by_programme: list[Line]
    by_society: list[Line]
    by_district: list[Line]
    projects: list[dict]  # rows: project, amount (gross in scope), refund (in scope), net, district, society (its name)
    by_period: list[Line] = field(default_factory=list)


def project_money(project) -> dict[int, tuple[int, int]]:
    """Year → (gross paid that year, refunds decided that year), in yuan, for one model project."""
    years: dict[int, list[int]] = {}
    for entry in project["funding"]:
        years.setdefault(entry["year"], [0, 0])[0] += entry["amount"]
    for sanction in project["sanctions"]:
        if sanction.get("refund"):
            years.setdefault(int(sanction["date"][:4]), [0, 0])[1] += sanction["refund"]
    return {year: (gross, refund) for year, (gross, refund) in years.items()}


def funding_years(model) -> list[int]:
    """Every year with money paid or refunded: each gets a /funding/<year>/ page."""
    return sorted({year for p in model.projects.values() for year in project_money(p)})


def project_district(model, project) -> str:
    station = model.workstations.get(project["workstation"])
    return station["district"] if station else NO_DISTRICT


def period_of_year(model, year: int) -> dict | None:
    """The policy period (policy file data) whose years cover `year`, else None."""
    for _, policy in sorted(model.policies.items()):
        if int(policy["valid_from"][:4]) <= year <= int(policy["valid_until"][:4]):
            return policy
    return None


def period_of_date(model, date: str) -> dict | None:
    """The policy period (policy file data) in force on `date` (YYYY-MM-DD), else None."""
    for _, policy in sorted(model.policies.items()):
        if policy["valid_from"] <= date <= policy["valid_until"]:
            return policy
    return None


def summarize(model, year: int | None = None) -> FundingSummary:
    """Gross, refunds and net of every project for one year (or every year when year is None),
    broken down by year, period, programme, lead society and district. Yuan throughout."""
    total = Line("total", "合计")
    by_year: dict[int, Line] = {}
    by_period: dict[str, Line] = {}
    by_programme: dict[str, Line] = {}
    by_society: dict[str, Line] = {}
    by_district: dict[str, Line] = {}
    rows = []
    for project in model.projects.values():
        money = {y: v for y, v in project_money(project).items() if year is None or y == year}
        if not money:
            continue
        amount = sum(gross for gross, _ in money.values())
        refund = sum(refund for _, refund in money.values())
        pid = project["id"]
        total.add(pid, amount, refund)
        for y in sorted(money):
            by_year.setdefault(y, Line(str(y), f"{y} 年")).add(pid, *money[y])
        policy = period_of_date(model, project["approved"])
        key, label = (policy["id"], f"{policy['id']} 政策期") if policy else (NO_PERIOD, NO_PERIOD)
        by_period.setdefault(key, Line(key, label)).add(pid, amount, refund)
        by_programme.setdefault(project["programme"], Line(project["programme"], project["programme_label"])).add(pid, amount, refund)
        society = project["lead_society"]
        society_name = model.societies[society]["name"] if society in model.societies else society
        by_society.setdefault(society, Line(society, society_name)).add(pid, amount, refund)
        district = project_district(model, project)
        by_district.setdefault(district, Line(district, district)).add(pid, amount, refund)
        rows.append({"project": project, "amount": amount, "refund": refund, "net": amount - refund, "district": district,
                     "society": society_name})
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
        by_period=sorted(by_period.values(), key=lambda line: line.key),
    )
