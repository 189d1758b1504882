"""Funding rules (保障措施（二）, 管理办法第八条): amounts and years.

funding-range
    `per: year` programmes: every funding entry's amount lies in [min, max].
    `per: project` programmes: the project's funding entries add up to an amount in [min, max]
    (a project with no funding entry yet is not checked).
    The message quotes the programme's own `article` and `quote` from the policy file (topics and
    overseas activities: 保障措施（二）; bases and stations: 保障措施（二）；管理办法第八条), and shows
    the amounts in yuan, so that 100,001 元 against a 100,000 元 ceiling is visible.

funding-years
    For `per: year` programmes: one entry per year (a year written twice would dodge the yearly
    range check). With `max_years`: at most that many distinct funded years. With
    `consecutive: true`: the funded years have no gap.
    (Funding before the approval year is dates-order, see process.py.)
"""

from __future__ import annotations

from generator.checks.policy.context import PolicyContext, yuan

AMOUNT_HINT = "以元为单位，例如 5 万元写 50000"


def _bound(amount: int, low: int, high: int) -> str:
    if low == high:
        return f"应为 {yuan(low)}"
    return f"上限 {yuan(high)}" if amount > high else f"下限 {yuan(low)}"


def check_funding_range(context: PolicyContext, rule_id: str):
    for project, period in context.projects():
        terms = context.terms(project, period, rule_id)
        if not terms:
            continue
        name = context.label("programme", project.data["programme"])
        low, high = terms["min"], terms["max"]
        allowed = yuan(low) if low == high else f"{low:,} 至 {high:,} 元"
        cited = {"article": terms["article"], "quote": terms.get("quote")}
        entries = project.data["funding"]
        if terms["per"] == "project":
            total = sum(entry["amount"] for entry in entries)
            if entries and not low <= total <= high:
                # one entry: point at its amount; several: at the list they add up from
                path = ("funding", 0, "amount") if len(entries) == 1 else ("funding",)
                yield context.problem(
                    period,
                    rule_id,
                    project,
                    path,
                    f"{name}每项资助 {allowed}，本项目合计 {yuan(total)}，{_bound(total, low, high)}：请改正金额（{AMOUNT_HINT}）",
                    **cited,
                )
            continue
        for index, entry in enumerate(entries):
            if not low <= entry["amount"] <= high:
                yield context.problem(
                    period,
                    rule_id,
                    project,
                    ("funding", index, "amount"),
                    f"{name}每年资助 {allowed}，{entry['year']} 年填的是 {yuan(entry['amount'])}，"
                    f"{_bound(entry['amount'], low, high)}：请改正金额（{AMOUNT_HINT}）",
                    **cited,
                )


def check_funding_years(context: PolicyContext, rule_id: str):
    for project, period in context.projects():
        terms = context.terms(project, period, rule_id)
        if not terms:
            continue
        name = context.label("programme", project.data["programme"])
        entries = project.data["funding"]
        if terms["per"] != "year":
            continue
        first_entry: dict[int, int] = {}  # year → index of its first entry
        for index, entry in enumerate(entries):
            year = entry["year"]
            if year in first_entry:
                line = project.doc.where(("funding", first_entry[year], "year"))[0]
                yield context.problem(
                    period,
                    rule_id,
                    project,
                    ("funding", index, "year"),
                    f"{year} 年写了两行资助（另一行在第 {line} 行）：{name}每个资助年度只写一行，请把同一年的金额合并",
                )
            else:
                first_entry[year] = index
        years = sorted(first_entry)
        max_years = terms.get("max_years")
        if max_years and len(years) > max_years:
            extra = years[max_years]
            shown = "、".join(str(y) for y in years)
            yield context.problem(
                period,
                rule_id,
                project,
                ("funding", first_entry[extra], "year"),
                f"{name}最多资助 {max_years} 年，本项目填了 {len(years)} 个年度（{shown}）：请删除 {extra} 年及以后多出的年度",
            )
        if terms.get("consecutive"):
            for before, after in zip(years, years[1:]):
                if after != before + 1:
                    missing = "、".join(str(y) for y in range(before + 1, after))
                    yield context.problem(
                        period,
                        rule_id,
                        project,
                        ("funding", first_entry[after], "year"),
                        f"{name}须连续资助：{before} 年之后是 {after} 年，中间缺 {missing} 年：请补上缺少的年度，或核对年份",
                    )
