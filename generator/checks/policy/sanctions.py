"""Sanctions (管理办法第十三条): 停止拨款, 撤销立项并退回拨款, 五年内不受理立项申请.

A project's `sanctions` record the decisions; a society's `bans` record the resulting no-application
periods. Sanctions are judged under the period of the project they concern (its `approved` date);
a ban under the period in force on its `from` date, else the period of the project it names, else
the latest period (a ban usually outlives the period that imposed it).

sanction-ban
    * A project whose lead society has a ban with `from` ≤ `applied` ≤ `until` (both ends
      included) → error at the project's `applied`.
    * A ban lasts the period's `ban_years`: `until` is the `ban_years`-th anniversary of `from`, or
      the day before it (both readings of “五年内” are accepted; 29 February's anniversary in a
      common year is 1 March) → otherwise error at the ban's `until`.
    * The records agree with each other: a project with a `five-year-ban` sanction has a ban naming
      it in its lead society's `bans`; a ban names a project that is led by that society and has a
      `five-year-ban` sanction.
sanction-refund
    A project with status `revoked` has a `revoke-and-refund` sanction, and a project with such a
    sanction has status `revoked`. Its `refund` equals the total of the project's funding entries
    (everything disbursed must be returned).
sanction-stop
    After a `stop-disbursement` sanction dated D, no funding entry has a year later than D's year
    (the earliest such sanction counts). The money of D's own year may already have been paid.
"""

from __future__ import annotations

import datetime

from generator.common.money import wan_text
from generator.checks.policy.context import PolicyContext, parse_date, year_of

# sanction-kind vocabulary values (schemas/vocab.schema.json)
STOP = "stop-disbursement"
REVOKE = "revoke-and-refund"
BAN = "five-year-ban"
REVOKED = "revoked"  # project-status value


def _sanctions(project, kind: str):
    return [
        (index, entry)
        for index, entry in enumerate(project.data.get("sanctions", []))
        if entry["kind"] == kind
    ]


def _anniversary(start: datetime.date, years: int) -> datetime.date:
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 February → 1 March
        return datetime.date(start.year + years, 3, 1)


def _ban_period(context: PolicyContext, ban: dict):
    period = context.period_for(ban["from"])
    if period is None:
        project = context.valid("project", ban["project"])
        period = project and context.project_period(project)
    return period or context.latest_period


def check_ban(context: PolicyContext, rule_id: str):
    bans_of: dict[str, list[dict]] = {}
    for society in context.records.valid("society"):
        for index, ban in enumerate(society.data.get("bans", [])):
            bans_of.setdefault(society.id, []).append(ban)
            period = _ban_period(context, ban)
            if period is None or not period.applies(rule_id):
                continue
            yield from _check_ban_length(context, rule_id, period, society, index, ban)
            yield from _check_ban_project(context, rule_id, period, society, index, ban)

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
    if end not in (eve, anniversary):
        yield context.problem(
            period,
            rule_id,
            society,
            ("bans", index, "until"),
            f"不受理立项申请的期限是 {years} 年：自 {ban['from']} 起应截止到 {anniversary.isoformat()}"
            f"（或其前一天 {eve.isoformat()}），这里填的是 {ban['until']}：请改正截止日期",
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


def check_refund(context: PolicyContext, rule_id: str):
    for project, period in context.projects():
        if period is None or not period.applies(rule_id):
            continue
        revokes = _sanctions(project, REVOKE)
        status = project.data["status"]
        total = sum(entry["amount"] for entry in project.data["funding"])
        revoke_name = context.label("sanction-kind", REVOKE)
        if status == REVOKED and not revokes:
            yield context.problem(
                period,
                rule_id,
                project,
                ("status",),
                f"项目状态为“{context.label('project-status', REVOKED)}”，但 sanctions 中没有“{revoke_name}”的处理记录："
                f"请添加一项 kind: {REVOKE}、date（决定日期）、refund: {total}（已拨付合计 {wan_text(total)}），"
                "或核对项目状态",
            )
        if revokes and status != REVOKED:
            yield context.problem(
                period,
                rule_id,
                project,
                ("status",),
                f"本项目已作出“{revoke_name}”的处理，项目状态却是“{context.label('project-status', status)}”："
                f"请把 status 改为 {REVOKED}",
            )
        for index, entry in revokes:  # the schema makes `refund` required for this kind
            if entry["refund"] != total:
                yield context.problem(
                    period,
                    rule_id,
                    project,
                    ("sanctions", index, "refund"),
                    f"撤销立项须退回全部拨款：funding 合计 {wan_text(total)}（{total} 元），退回金额却是 "
                    f"{wan_text(entry['refund'])}（{entry['refund']} 元）：请改正 refund 或核对 funding",
                )


def check_stop(context: PolicyContext, rule_id: str):
    for project, period in context.projects():
        if period is None or not period.applies(rule_id):
            continue
        stops = _sanctions(project, STOP)
        if not stops:
            continue
        date = min(entry["date"] for _, entry in stops)
        for index, entry in enumerate(project.data["funding"]):
            if entry["year"] > year_of(date):
                yield context.problem(
                    period,
                    rule_id,
                    project,
                    ("funding", index, "year"),
                    f"{date} 已决定停止拨款，{entry['year']} 年却仍有 {wan_text(entry['amount'])} 的资助："
                    "停止拨款后不得再拨付，请删除该年度的资助，或核对处理日期",
                )
