"""policy-period: every project belongs to a period, and its programme exists in that period;
period-dates: its application and its money fall inside that period (see check_period_dates).

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


def check_period_dates(context: PolicyContext, rule_id: str):
    """period-dates: the application is dated on or after the day the period's plan was issued
    (`issued`, else `valid_from`), and no money is paid in a year after the period's last year
    (`valid_until`): funding in 2018 under the 2015–2017 plan is an error. A project belongs to
    the period of its approval date; projects outside every period are policy-period's."""
    for project, period in context.projects():
        if period is None:
            continue
        data = period.data
        issued = data.get("issued", data["valid_from"])
        applied = project.data["applied"]
        if applied < issued:
            yield context.problem(
                period,
                rule_id,
                project,
                ("applied",),
                f"申报日期 {applied} 早于政策期 {period.id} 的文件印发日期 {issued}：按本政策期立项的项目"
                "不能在文件印发前申报，请核对申报日期",
            )
        last = int(data["valid_until"][:4])
        for index, entry in enumerate(project.data["funding"]):
            if entry["year"] > last and entry["amount"] > 0:
                yield context.problem(
                    period,
                    rule_id,
                    project,
                    ("funding", index, "year"),
                    f"本项目按政策期 {period.id}（有效期至 {data['valid_until']}）立项，{entry['year']} 年却仍有 "
                    f"{entry['amount']:,} 元的资助：有效期外不得按本政策期拨款；请删除该年度的资助，"
                    "或按新政策期重新立项",
                )
