"""assessment-missing (管理办法第十二条): a year-end assessment for every funded year that has ended.

Semantics
    * Which projects: those of programmes funded per year (`per: year`). The 管理办法 governs only
      the service-base and service-station projects (第二条), which are exactly this period's per-year
      programmes; one-off grants (topics, overseas activities) have no yearly cycle to assess.
      Revoked projects are skipped: the project no longer exists and its money is refunded, so no
      assessment can still be submitted (sanction-refund checks the refund).
    * Which years: every year with a funding entry (amount > 0) that has ended, i.e. is before the
      year of the reference date (`PolicyContext.today`: the `KEXIE_TODAY` environment variable
      YYYY-MM-DD, else the clock; see context.py).
    * What is due: an `assessments` entry for that year whose `materials` has every item of the
      period's `assessment_materials` set to true. A year with no entry is reported at the funding
      entry of that year; an entry with materials missing at its `materials`, naming them.
"""

from __future__ import annotations

from generator.checks.policy.context import PolicyContext, funded_years

REVOKED = "revoked"  # project-status value


def check_assessments(context: PolicyContext, rule_id: str):
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
                yield context.problem(
                    period,
                    rule_id,
                    project,
                    ("funding", funding_index[year], "year"),
                    f"{year} 年获得资助，但没有 {year} 年度考核记录：请在 assessments 中添加 year: {year}、"
                    f"result（考核结论）和 materials（{'、'.join(titles.values())}是否已提交）",
                )
                continue
            for index in entries[year]:
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
