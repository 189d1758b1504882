"""Eligibility rules (管理办法第四条、第五条), read from a programme's `eligibility` in the period file.

All three are judged at the application (`applied`) and reported in the project's file, since the
project is what was approved although ineligible (and the person adding a project runs
`kexie validate` on that file). The message names the society or workstation file to look at.
A lead society or workstation that is missing or schema-invalid is skipped (reported elsewhere).

eligibility-inspection
    With `inspections_passed_before: N`: the lead society's `inspections` show 合格 for each of the
    N calendar years before the application year. A year with no inspection entry fails as well as
    one with another result; a year listed twice passes only if every entry says 合格.
eligibility-grade
    With `min_grade`: the lead society's latest grade with `year` ≤ the application year is at least
    `min_grade`. The order 1A < 2A < … is the order of the grade vocabulary (schemas/vocab).
    No grade up to the application year fails. Two grades in the same year: the later entry counts.
eligibility-agreement
    With `agreement_required: true`: the project names a `workstation` that is of the programme's
    `workstation_kind`, whose `lead_society` is the project's lead society, and which has an
    `agreement` dated on or before the application date.
"""

from __future__ import annotations

from generator.checks.policy.context import PolicyContext, year_of

PASSED = "合格"  # the inspection-result vocabulary value the articles mean by 年检合格


def _eligible_projects(context: PolicyContext, rule_id: str, key: str):
    """(project, period, terms, eligibility value) for projects whose programme sets `key`."""
    for project, period in context.projects():
        terms = context.terms(project, period, rule_id)
        if not terms:
            continue
        value = terms.get("eligibility", {}).get(key)
        if value:
            yield project, period, terms, value


def _article(terms: dict, condition: str) -> str | None:
    """The article of one eligibility condition (e.g. 管理办法第四条（二） for the inspections of a
    service base), falling back to the programme's eligibility article, else the rule's own."""
    eligibility = terms.get("eligibility", {})
    return eligibility.get(f"{condition}_article") or eligibility.get("article")


def check_inspection(context: PolicyContext, rule_id: str):
    for project, period, terms, count in _eligible_projects(
        context, rule_id, "inspections_passed_before"
    ):
        lead = project.data["lead_society"]
        society = context.valid("society", lead)
        if society is None:
            continue
        applied = project.data["applied"]
        year = year_of(applied)
        results: dict[int, list[str]] = {}
        for entry in society.data.get("inspections", []):
            results.setdefault(entry["year"], []).append(entry["result"])
        wanted = range(year - count, year)
        failures = []
        for y in wanted:
            if y not in results:
                failures.append(f"{y} 年没有年检记录")
            elif any(result != PASSED for result in results[y]):
                shown = "、".join(f"“{r}”" for r in results[y] if r != PASSED)
                failures.append(f"{y} 年年检结论为{shown}")
        if not failures:
            continue
        name = context.label("programme", project.data["programme"])
        span = "、".join(str(y) for y in wanted)
        yield context.problem(
            period,
            rule_id,
            project,
            ("lead_society",),
            f"申报{name}要求牵头学会申报前连续 {count} 年（{span} 年）社团年检合格，"
            f"本项目 {applied} 申报，牵头学会{context.society_name(lead)}{'；'.join(failures)}："
            f"请核对 records/societies/{lead}.yaml 的 inspections，或核对申报日期和牵头学会",
            article=_article(terms, "inspection"),
        )


def check_grade(context: PolicyContext, rule_id: str):
    rank = context.grade_rank
    for project, period, terms, minimum in _eligible_projects(context, rule_id, "min_grade"):
        lead = project.data["lead_society"]
        society = context.valid("society", lead)
        if society is None or minimum not in rank:
            continue
        applied = project.data["applied"]
        year = year_of(applied)
        latest = None  # (year, grade) of the latest grade up to the application year
        for entry in society.data.get("grades", []):
            if entry["year"] <= year and (latest is None or entry["year"] >= latest[0]):
                latest = (entry["year"], entry["grade"])
        if latest is not None and rank.get(latest[1], -1) >= rank[minimum]:
            continue
        name = context.label("programme", project.data["programme"])
        found = (
            f"{year} 年及以前没有评估等级记录"
            if latest is None
            else f"申报时的评估等级是 {latest[1]}（{latest[0]} 年评定）"
        )
        yield context.problem(
            period,
            rule_id,
            project,
            ("lead_society",),
            f"申报{name}要求牵头学会社团评估等级在 {minimum} 及以上，"
            f"牵头学会{context.society_name(lead)}{found}："
            f"请核对 records/societies/{lead}.yaml 的 grades，或核对申报日期和牵头学会",
            article=_article(terms, "grade"),
        )


def check_agreement(context: PolicyContext, rule_id: str):
    for project, period, terms, _ in _eligible_projects(context, rule_id, "agreement_required"):
        name = context.label("programme", project.data["programme"])
        kind = terms.get("workstation_kind")
        kind_name = context.label("workstation-kind", kind) if kind else "基地或服务站"
        lead = project.data["lead_society"]
        applied = project.data["applied"]
        station_id = project.data.get("workstation")
        if station_id is None:
            yield context.problem(
                period,
                rule_id,
                project,
                ("workstation",),
                f"{name}须有签订了合作协议的{kind_name}，本项目没有填 `workstation`："
                f"请添加一行 `workstation: <{kind_name}编号>`",
                article=_article(terms, "agreement"),
            )
            continue
        station = context.valid("workstation", station_id)
        if station is None:
            continue
        where = f"records/workstations/{station_id}.yaml"
        if kind and station.data["kind"] != kind:
            message = (
                f"{name}应属于{kind_name}，`{station_id}` 却是"
                f"{context.label('workstation-kind', station.data['kind'])}：请填写本项目对应的{kind_name}编号"
            )
        elif station.data.get("lead_society") != lead:
            other = station.data.get("lead_society")
            message = (
                f"{kind_name} `{station_id}` 的牵头学会"
                + (f"是{context.society_name(other)}" if other else "没有填写")
                + f"，而本项目的承担学会是{context.society_name(lead)}：协议须由承担项目的学会签订，"
                f"请核对本项目的 lead_society 或 {where} 的 lead_society"
            )
        elif "agreement" not in station.data:
            message = (
                f"{kind_name} `{station_id}` 没有合作协议记录：申报前须签订协议，"
                f"请在 {where} 中填写 agreement（签订日期 date 和签约各方 parties）"
            )
        elif station.data["agreement"]["date"] > applied:
            message = (
                f"{kind_name} `{station_id}` 的合作协议签订于 {station.data['agreement']['date']}，"
                f"晚于本项目申报日期 {applied}：申报前须已签订协议，请核对 {where} 的 agreement.date 或本项目的 applied"
            )
        else:
            continue
        yield context.problem(period, rule_id, project, ("workstation",), message, article=_article(terms, "agreement"))
