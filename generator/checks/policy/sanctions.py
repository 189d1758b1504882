"""Sanctions on a project (管理办法第十三条): 停止拨款, 撤销立项并退回拨款. Bans: bans.py.

Sanctions are judged under the period of the project they concern (its `approved` date).

sanction-refund
    A project with status `revoked` has a `revoke-and-refund` sanction, and a project with such a
    sanction has status `revoked`. Its `refund` equals the total of the project's funding entries
    (everything disbursed must be returned).
sanction-stop
    After a `stop-disbursement` sanction dated D, no funding entry has a year later than D's year
    (the earliest such sanction counts). The money of D's own year may already have been paid.
sanction-revoke-paid
    The same for a `revoke-and-refund` sanction: after the revocation no money is paid in a later
    year (a revoked project no longer exists). Reported at the funding entry's year.
"""

from __future__ import annotations

from generator.common.money import wan_text
from generator.checks.policy.context import PolicyContext, year_of

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
                    f"撤销立项须退回全部拨款：funding 合计 {total:,} 元，退回金额却是 "
                    f"{entry['refund']:,} 元：请改正 refund 或核对 funding",
                )


def check_stop(context: PolicyContext, rule_id: str):
    yield from _paid_after(context, rule_id, STOP)


def check_revoke_paid(context: PolicyContext, rule_id: str):
    yield from _paid_after(context, rule_id, REVOKE)


def _paid_after(context: PolicyContext, rule_id: str, kind: str):
    for project, period in context.projects():
        if period is None or not period.applies(rule_id):
            continue
        decisions = _sanctions(project, kind)
        if not decisions:
            continue
        date = min(entry["date"] for _, entry in decisions)
        label = context.label("sanction-kind", kind)
        for index, entry in enumerate(project.data["funding"]):
            if entry["year"] > year_of(date) and entry["amount"] > 0:
                yield context.problem(
                    period,
                    rule_id,
                    project,
                    ("funding", index, "year"),
                    f"{date} 已决定“{label}”，{entry['year']} 年却仍有 {entry['amount']:,} 元的资助："
                    "此后不得再拨付，请删除该年度的资助，或核对处理日期",
                )
