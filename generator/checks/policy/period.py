"""policy-period: every project belongs to a period, and its programme exists in that period.

A project belongs to the period in force on its approval date (`approved`). A project approved
outside every period is reported (quoting the latest period's rule, since no other applies), and so
is a project whose programme its period does not fund. All other policy rules skip such projects:
without a period there are no numbers to check them against.
"""

from __future__ import annotations

from generator.checks.policy.context import PolicyContext


def check_period(context: PolicyContext, rule_id: str):
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
