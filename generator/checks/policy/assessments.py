"""Year-end assessments (管理办法第十二条) and what follows from them (保障措施（四）).

assessment-missing (error): a year-end assessment for every funded year that has ended.
assessment-materials (warning): that assessment lists every material the period requires.
assessment-failed (warning): a project whose assessment of year Y has a result in the period's
    `failing_results` (不合格) and that receives money in year Y+1 has a `decisions` entry of kind
    continue (with date and document): 保障措施（四） says funding follows performance
    (“根据绩效停止资助或选择支持新的牵头学会”). Reported at the funding entry of Y+1.

Semantics
    * Which projects: those of programmes funded per year (`per: year`). The 管理办法 governs only
      the service-base and service-station projects (第二条), which are exactly this period's per-year
      programmes; one-off grants (topics, overseas activities) have no yearly cycle to assess.
      Revoked projects are skipped: the project no longer exists and its money is refunded, so no
      assessment can still be submitted (sanction-refund checks the refund).
    * Which years: every year with a funding entry (amount > 0) that has ended, i.e. is before the
      year of the reference date (`PolicyContext.today`: the `KEXIE_TODAY` environment variable
      YYYY-MM-DD, else the clock; see context.py).
    * What is due: an `assessments` entry for that year (assessment-missing, reported at the
      funding entry of that year, an error once the year is over) whose `materials` has every item
      of the period's `assessment_materials` set to true (assessment-materials, a warning at its
      `materials`, naming what is missing).
"""

from __future__ import annotations

from generator.checks.policy.context import PolicyContext, funded_years

REVOKED = "revoked"  # project-status value


def check_assessments(context: PolicyContext, rule_id: str):
    yield from _check(context, rule_id, materials_only=False)


def check_materials(context: PolicyContext, rule_id: str):
    yield from _check(context, rule_id, materials_only=True)


def _check(context: PolicyContext, rule_id: str, materials_only: bool):
    current = context.today.year
    for project, period in context.projects():
        terms = context.terms(project, period, rule_id)
        if not terms or terms["per"] != "year" or project.data["status"] == REVOKED:
            continue
        required = period.data.get("assessment_materials", [])
        entries: dict[int, list[int]] = {}
        for index, entry in enumerate(project.data.get("assessments", [])):
            entries.setdefault(entry["year"], []).append(index)
        funding_index = {}
        for index, entry in enumerate(project.data["funding"]):
            funding_index.setdefault(entry["year"], index)
        titles = {m: context.field_title("project", ("assessments", 0, "materials", m)) for m in required}
        for year in sorted(funded_years(project)):
            if year >= current:
                continue
            if year not in entries:
                if materials_only:
                    continue
                yield context.problem(
                    period,
                    rule_id,
                    project,
                    ("funding", funding_index[year], "year"),
                    f"{year} 年获得资助，但没有 {year} 年度考核记录：请在 assessments 中添加 year: {year}、"
                    f"result（考核结论）和 materials（{'、'.join(titles.values())}是否已提交）",
                )
                continue
            for index in entries[year] if materials_only else []:
                materials = project.data["assessments"][index]["materials"]
                missing = [titles[m] for m in required if materials.get(m) is not True]
                if missing:
                    yield context.problem(
                        period,
                        rule_id,
                        project,
                        ("assessments", index, "materials"),
                        f"{year} 年度考核缺少绩效材料：{'、'.join(missing)}：请督促项目承担学会补交，"
                        "补交后把对应项改为 true",
                    )


def check_failed(context: PolicyContext, rule_id: str):
    for project, period in context.projects():
        if period is None or not period.applies(rule_id):
            continue
        failing = set(period.data.get("failing_results", []))
        if not failing or any(d["kind"] == "continue" for d in project.data.get("decisions", [])):
            continue
        failed = {a["year"]: a["result"] for a in project.data.get("assessments", []) if a["result"] in failing}
        for index, entry in enumerate(project.data["funding"]):
            before = entry["year"] - 1
            if entry["amount"] > 0 and before in failed:
                yield context.problem(
                    period,
                    rule_id,
                    project,
                    ("funding", index, "year"),
                    f"{before} 年度考核结论为“{failed[before]}”，{entry['year']} 年却继续资助 {entry['amount']:,} 元，"
                    "没有记录继续资助的决定：应根据绩效停止资助或选择支持新的牵头学会；如经批准继续资助，"
                    "请在 decisions 中添加一项 kind: continue、date（决定日期）、document（决定文号）",
                )
