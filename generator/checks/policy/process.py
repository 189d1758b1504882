"""Process rules (管理办法第七条、第九条): dates in order, a contract, approved changes.

dates-order (error)
    applied ≤ approved (a project is approved after it is applied for, 第七条), and no funding
    entry's year precedes the year of `approved` (money follows the approval and the contract,
    第九条). Reported at `approved`, or at the funding entry's year.
contract-missing (error)
    A project with money disbursed (a funding entry with amount > 0) has a `contract` number:
    合同制管理 (第九条) means no money without a contract.
change-approval (warning)
    第九条: changes and termination need the approval of CAST. A project needs a recorded decision
    (kind, date and document number) when
      * its status is `terminated`: a `decisions` entry of kind terminate, or a stop-disbursement
        sanction that names its `document`;
      * its status is `revoked` and it has a revoke-and-refund sanction: that sanction names its
        `document` (a revoked project without the sanction is sanction-refund's);
      * its programme is funded per year with `max_years` (bases and stations: 连续支持三年), it is
        no longer active (completed, terminated or revoked), and it was funded for fewer years than
        it could have been: max_years, or the years from its first funded year to the last year of
        its period when the period ends sooner (a station approved in 2016 under the 2015–2017 plan
        can only be funded in 2016 and 2017; period-dates forbids 2018): a `decisions` entry of
        kind change or terminate, or a sanction with a document.
    The message names what to record and where.
"""

from __future__ import annotations

from generator.checks.policy.context import PolicyContext, funded_years, year_of

TERMINATED, REVOKED, ACTIVE = "terminated", "revoked", "active"  # project-status values
STOP, REVOKE = "stop-disbursement", "revoke-and-refund"  # sanction-kind values


def check_dates_order(context: PolicyContext, rule_id: str):
    for project, period in context.projects():
        if period is None:
            continue
        applied, approved = project.data["applied"], project.data["approved"]
        if applied > approved:
            yield context.problem(
                period,
                rule_id,
                project,
                ("approved",),
                f"立项日期 {approved} 早于申报日期 {applied}：须先申报、经评审后立项，请核对 applied 和 approved",
            )
        first = year_of(approved)
        for index, entry in enumerate(project.data["funding"]):
            if entry["year"] < first:
                yield context.problem(
                    period,
                    rule_id,
                    project,
                    ("funding", index, "year"),
                    f"{entry['year']} 年的资助早于立项（{approved}）：立项并签订合同后才拨款，资助从立项当年"
                    f"（{first} 年）起算，请核对资助年份或立项日期",
                )


def check_contract(context: PolicyContext, rule_id: str):
    for project, period in context.projects():
        if period is None or project.data.get("contract") or not funded_years(project):
            continue
        paid = "、".join(str(y) for y in sorted(funded_years(project)))
        yield context.problem(
            period,
            rule_id,
            project,
            ("id",),
            f"本项目已拨付资助（{paid} 年），却没有合同编号：实行合同制管理，拨款前须签订项目合同；"
            "请添加一行 `contract: <合同编号>`（如 HZKX-2016-001）",
        )


def _documented(project, kinds: set[str], sanction_kinds: set[str]) -> bool:
    for entry in project.data.get("decisions", []):
        if entry["kind"] in kinds:
            return True
    return any(s["kind"] in sanction_kinds and s.get("document") for s in project.data.get("sanctions", []))


def check_change_approval(context: PolicyContext, rule_id: str):
    for project, period in context.projects():
        terms = context.terms(project, period, rule_id)
        if not terms:
            continue
        status = project.data["status"]
        label = context.label("project-status", status)
        if status == TERMINATED and not _documented(project, {"terminate"}, {STOP, REVOKE}):
            yield context.problem(
                period,
                rule_id,
                project,
                ("status",),
                f"项目状态为“{label}”，但没有记录市科协批准终止的决定：请在 decisions 中添加一项 "
                "kind: terminate、date（决定日期）、document（决定文号），"
                "或在停止拨款的 sanctions 项中填写 document",
            )
            continue
        revokes = [x for x in project.data.get("sanctions", []) if x["kind"] == REVOKE]
        if status == REVOKED and not revokes:
            continue
        if status == REVOKED and not _documented(project, set(), {REVOKE}):
            yield context.problem(
                period,
                rule_id,
                project,
                ("status",),
                f"项目状态为“{label}”，但撤销立项的处理没有记录决定文号：请在 kind: {REVOKE} 的 sanctions 项中"
                "填写 document（决定文号）",
            )
            continue
        max_years = terms.get("max_years")
        years = funded_years(project)
        if not (terms["per"] == "year" and max_years and status != ACTIVE and years):
            continue
        possible = min(max_years, int(period.data["valid_until"][:4]) - min(years) + 1)
        if len(years) < possible and not _documented(project, {"change", "terminate"}, {STOP, REVOKE}):
            name = context.label("programme", project.data["programme"])
            shown = "、".join(str(y) for y in sorted(years))
            yield context.problem(
                period,
                rule_id,
                project,
                ("status",),
                f"{name}连续支持 {max_years} 年（本政策期内最多 {possible} 年），本项目只资助了 {len(years)} 年（{shown}）就已“{label}”：提前停止资助"
                "属于变更，须报市科协批准；请在 decisions 中添加一项 kind: change（或 terminate）、date（决定日期）、"
                "document（决定文号），或补上缺少年度的资助",
            )
