"""Five-year bans (管理办法第十三条“五年内不受理立项申请”).

A society's `bans` record the no-application periods; a project's `five-year-ban` sanction the
decision. A ban is judged under the period in force on its `from` date, else the period of the
project it names, else the latest period (a ban usually outlives the period that imposed it).

sanction-ban
    A project whose lead society has a ban with `from` ≤ `applied` ≤ `until` (both ends
    included) → error at the project's `applied`.
ban-length
    A ban lasts the period's `ban_years`, ending as the period's `ban_until` says:
    `day-before-anniversary` (this period: 五年内 = up to and including the day before the fifth
    anniversary of `from`) or `anniversary` (up to and including the anniversary). Without
    `ban_until` both are accepted. 29 February's anniversary in a common year is 1 March.
    `until` before `from` is an error too. Reported at the ban's `until`.
ban-start
    A ban's `from` is the decision date of the `five-year-ban` sanction it records (the project's
    sanction of that kind; the earliest when several) → else error at the ban's `from`.
ban-records
    The records agree: a project with a `five-year-ban` sanction has a ban naming it in its lead
    society's `bans`; a ban names a project that is led by that society and has a `five-year-ban`
    sanction.
"""

from __future__ import annotations

import datetime

from generator.checks.policy.context import PolicyContext, parse_date
from generator.checks.policy.sanctions import BAN, _sanctions

DAY_BEFORE = "day-before-anniversary"


def _anniversary(start: datetime.date, years: int) -> datetime.date:
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 February → 1 March
        return datetime.date(start.year + years, 3, 1)


def _bans(context: PolicyContext, rule_id: str):
    """(society, index, ban, period) for every ban whose period applies rule_id."""
    for society in context.records.valid("society"):
        for index, ban in enumerate(society.data.get("bans", [])):
            period = _ban_period(context, ban)
            if period is not None and period.applies(rule_id):
                yield society, index, ban, period


def _ban_period(context: PolicyContext, ban: dict):
    period = context.period_for(ban["from"])
    if period is None:
        project = context.valid("project", ban["project"])
        period = project and context.project_period(project)
    return period or context.latest_period


def _bans_of(context: PolicyContext) -> dict[str, list[dict]]:
    bans_of: dict[str, list[dict]] = {}
    for society in context.records.valid("society"):
        bans_of[society.id] = list(society.data.get("bans", []))
    return bans_of


def check_ban(context: PolicyContext, rule_id: str):
    bans_of = _bans_of(context)
    for project in context.records.valid("project"):
        lead = project.data["lead_society"]
        applied = project.data["applied"]
        for ban in bans_of.get(lead, []):
            if ban["from"] <= applied <= ban["until"]:
                yield context.problem(
                    _ban_period(context, ban),
                    rule_id,
                    project,
                    ("applied",),
                    f"承担学会{context.society_name(lead)}因项目 `{ban['project']}` 受到处理，"
                    f"{ban['from']} 至 {ban['until']} 期间不受理其立项申请，本项目却在 {applied} 申报："
                    "不应立项；请核对申报日期、承担学会，或该学会 bans 的起止日期",
                )


def check_ban_length(context: PolicyContext, rule_id: str):
    for society, index, ban, period in _bans(context, rule_id):
        yield from _check_ban_length(context, rule_id, period, society, index, ban)


def check_ban_start(context: PolicyContext, rule_id: str):
    for society, index, ban, period in _bans(context, rule_id):
        project = context.valid("project", ban["project"])
        decided = sorted(entry["date"] for _, entry in _sanctions(project, BAN)) if project else []
        if decided and ban["from"] != decided[0]:
            yield context.problem(
                period, rule_id, society, ("bans", index, "from"),
                f"不受理期应自处理决定之日起算：项目 `{project.id}` 的“{context.label('sanction-kind', BAN)}”"
                f"决定日期是 {decided[0]}，这里的起始日期却是 {ban['from']}：请把 from 改为 {decided[0]}"
                "（并相应调整 until），或核对决定日期",
            )


def check_ban_records(context: PolicyContext, rule_id: str):
    for society, index, ban, period in _bans(context, rule_id):
        yield from _check_ban_project(context, rule_id, period, society, index, ban)
    bans_of = _bans_of(context)
    for project in context.records.valid("project"):
        lead = project.data["lead_society"]
        for index, _ in _sanctions(project, BAN):
            if not any(b["project"] == project.id for b in bans_of.get(lead, [])):
                yield context.problem(
                    context.project_period(project) or context.latest_period,
                    rule_id,
                    project,
                    ("sanctions", index, "kind"),
                    f"本项目已作出“{context.label('sanction-kind', BAN)}”的处理，"
                    f"但承担学会{context.society_name(lead)}的记录中没有对应的不受理期："
                    f"请在 records/societies/{lead}.yaml 的 bans 中添加一项（from、until、project: {project.id}）",
                )


def _check_ban_length(context, rule_id, period, society, index, ban):
    years = period.data.get("ban_years")
    start, end = parse_date(ban["from"]), parse_date(ban["until"])
    if not years or start is None or end is None:
        return
    if end < start:
        yield context.problem(
            period,
            rule_id,
            society,
            ("bans", index, "until"),
            f"不受理立项申请期的截止日期 {ban['until']} 早于起始日期 {ban['from']}：请核对日期",
        )
        return
    anniversary = _anniversary(start, years)
    eve = anniversary - datetime.timedelta(days=1)
    reading = period.data.get("ban_until")
    allowed = {DAY_BEFORE: [eve], "anniversary": [anniversary]}.get(reading, [eve, anniversary])
    if end not in allowed:
        how = {
            DAY_BEFORE: f"截止到第 {years} 个周年日的前一天 {eve.isoformat()}（含当天；{anniversary.isoformat()} 起重新受理）",
            "anniversary": f"截止到第 {years} 个周年日 {anniversary.isoformat()}（含当天）",
        }.get(reading, f"截止到 {anniversary.isoformat()}（或其前一天 {eve.isoformat()}）")
        yield context.problem(
            period,
            rule_id,
            society,
            ("bans", index, "until"),
            f"不受理立项申请的期限是 {years} 年：自 {ban['from']} 起应{how}，这里填的是 {ban['until']}：请改正截止日期",
        )


def _check_ban_project(context, rule_id, period, society, index, ban):
    project = context.valid("project", ban["project"])
    if project is None:
        return
    path = ("bans", index, "project")
    if project.data["lead_society"] != society.id:
        yield context.problem(
            period,
            rule_id,
            society,
            path,
            f"项目 `{project.id}` 的承担学会是{context.society_name(project.data['lead_society'])}，"
            f"不是本学会：不受理立项申请的处理只针对项目承担学会，请核对项目编号",
        )
    elif not _sanctions(project, BAN):
        yield context.problem(
            period,
            rule_id,
            society,
            path,
            f"项目 `{project.id}` 的 sanctions 中没有“{context.label('sanction-kind', BAN)}”的处理记录："
            f"请在 records/projects/{project.id}.yaml 的 sanctions 中补上（kind: {BAN}，date: 决定日期），或核对项目编号",
        )


