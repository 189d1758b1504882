"""The rule table: rule id → check. Each check reads its numbers from the project's period."""

from __future__ import annotations

from generator.policy.context import PolicyContext, wan


def check_period(context: PolicyContext, rule_id: str):
    """A project approved outside every period, or under a programme its period lacks."""
    fallback = context.latest_period
    for project, period in context.projects():
        approved = project.data["approved"]
        if period is None:
            spans = "、".join(
                f"{p.id}（{p.data['valid_from']} 至 {p.data['valid_until']}）" for p in context.periods
            )
            problem = context.problem(
                fallback,
                rule_id,
                project,
                ("approved",),
                f"立项日期 {approved} 不在任何政策期的有效期内（已登记的政策期：{spans}）：请核对立项日期",
            )
        elif period.programme(project.data["programme"]) is None:
            problem = context.problem(
                period,
                rule_id,
                project,
                ("programme",),
                f"政策期 {period.id} 没有“{context.label('programme', project.data['programme'])}”这一资助类别：请核对项目类别",
            )
        else:
            continue
        if problem:
            yield problem


def check_funding_range(context: PolicyContext, rule_id: str):
    for project, period in context.projects():
        terms = period and period.programme(project.data["programme"])
        if not terms:
            continue
        name = context.label("programme", project.data["programme"])
        low, high = terms["min"], terms["max"]
        allowed = wan(low) if low == high else f"{wan(low)} 至 {wan(high)}"
        unit = "每年" if terms["per"] == "year" else "每项"
        entries = project.data["funding"]
        if terms["per"] == "project":
            total = sum(entry["amount"] for entry in entries)
            if entries and not low <= total <= high:
                problem = context.problem(
                    period,
                    rule_id,
                    project,
                    ("funding",),
                    f"{name}{unit}资助 {allowed}，本项目合计 {wan(total)}：请改正金额（以元为单位，例如 5 万元写 50000）",
                )
                if problem:
                    yield problem
            continue
        for index, entry in enumerate(entries):
            if not low <= entry["amount"] <= high:
                problem = context.problem(
                    period,
                    rule_id,
                    project,
                    ("funding", index, "amount"),
                    f"{name}{unit}资助 {allowed}，{entry['year']} 年填的是 {wan(entry['amount'])}：请改正金额（以元为单位，例如 5 万元写 50000）",
                )
                if problem:
                    yield problem


RULES = {
    "policy-period": check_period,
    "funding-range": check_funding_range,
}
