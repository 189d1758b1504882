"""Rules about the base or station a project belongs to.

overseas-activity (保障措施（二）, error)
    For a programme with `workstation_kind` and `co_organiser_required: true` (this period: the
    overseas-intelligence activity): the project names a `workstation`, that workstation is of the
    programme's kind (海智基地工作站), and the project's lead society — the society the money goes
    to — co-organises the activity with that base: it is the base's `lead_society` or one of its
    `partner_societies`. Reported at `workstation` (or at `lead_society` for the last condition).
base-location (管理办法第三条、第四条（三）, error)
    A workstation whose kind is the `workstation_kind` of a programme with `host_types` (this
    period: a service base must sit in a park or zone, host type park) has a `host.type` among
    them. Judged under the period in force on its `established` date (else the latest period),
    reported in the workstation's file at `host.type`, whether or not a project names it yet.
agreement-parties (管理办法第四条（七）、第五条（四）, error)
    For a programme whose eligibility sets `agreement_required`: the agreement of the project's
    workstation (when recorded; its absence is eligibility-agreement's) has among its `parties`
    the lead society (a party equal to the society's `name`) and the served unit (a party that
    equals the host's `name` or begins with it, e.g. 滨江北岸科技城管理委员会 for the host
    滨江北岸科技城). Reported in the workstation's file at `agreement.parties`, once per
    workstation and missing party.

Missing or schema-invalid workstations and societies are skipped (integrity reports them).
"""

from __future__ import annotations

from generator.checks.policy.context import PolicyContext
from generator.common.quoting import quote


def _station(context: PolicyContext, project):
    return context.valid("workstation", project.data.get("workstation"))


def check_overseas_activity(context: PolicyContext, rule_id: str):
    for project, period in context.projects():
        terms = context.terms(project, period, rule_id)
        if not terms or not terms.get("co_organiser_required") or not terms.get("workstation_kind"):
            continue
        kind = terms["workstation_kind"]
        kind_name = context.label("workstation-kind", kind)
        name = context.label("programme", project.data["programme"])
        station_id = project.data.get("workstation")
        if station_id is None:
            yield context.problem(
                period, rule_id, project, ("id",),
                f"{name}是{kind_name}开展的活动，本项目没有填 `workstation`：请添加一行 `workstation: <{kind_name}编号>`",
            )
            continue
        station = _station(context, project)
        if station is None:
            continue
        if station.data["kind"] != kind:
            yield context.problem(
                period, rule_id, project, ("workstation",),
                f"{name}须由{kind_name}开展，`{station_id}` 却是{context.label('workstation-kind', station.data['kind'])}："
                f"请填写承办本活动的{kind_name}编号",
            )
            continue
        lead = project.data["lead_society"]
        organisers = [station.data.get("lead_society"), *station.data.get("partner_societies", [])]
        if lead not in organisers:
            shown = "、".join(context.society_name(s) for s in organisers if s) or "（未填写）"
            yield context.problem(
                period, rule_id, project, ("lead_society",),
                f"{name}的经费给予与{kind_name}联合承办的市级学会，承担学会{context.society_name(lead)}却不是 "
                f"`{station_id}` 的牵头或参与学会（{shown}）：请核对 lead_society，或在 "
                f"records/workstations/{station_id}.yaml 的 partner_societies 中登记该学会",
            )


def check_base_location(context: PolicyContext, rule_id: str):
    for station in context.records.valid("workstation"):
        period = context.period_for(station.data["established"]) or context.latest_period
        if period is None or not period.applies(rule_id):
            continue
        terms = next(
            (p for p in period.data["programmes"]
             if p.get("workstation_kind") == station.data["kind"] and p.get("host_types")),
            None,
        )
        if terms is None:
            continue
        host_type = station.data["host"]["type"]
        if host_type in terms["host_types"]:
            continue
        allowed = "、".join(context.label("host-type", t) for t in terms["host_types"])
        kind_name = context.label("workstation-kind", station.data["kind"])
        yield context.problem(
            period, rule_id, station, ("host", "type"),
            f"{kind_name}须落地{allowed}（科技园区），本基地的依托单位{quote(station.data['host']['name'])}却填为"
            f"{context.label('host-type', host_type)}：请核对 host（依托单位应是基地所在的园区，"
            "园区内的企业是服务对象），或核对本记录的类别",
            article=terms.get("host_article"),
        )


def check_agreement_parties(context: PolicyContext, rule_id: str):
    reported: set[tuple[str, str]] = set()
    for project, period in context.projects():
        terms = context.terms(project, period, rule_id)
        eligibility = (terms or {}).get("eligibility", {})
        if not eligibility.get("agreement_required"):
            continue
        station = _station(context, project)
        if station is None or "agreement" not in station.data:
            continue
        parties = station.data["agreement"]["parties"]
        lead = project.data["lead_society"]
        society = context.valid("society", lead)
        host = station.data["host"]["name"]
        missing = []
        if society is not None and society.data["name"] not in parties:
            missing.append(("society", f"牵头学会{quote(society.data['name'])}"))
        if not any(party.startswith(host) for party in parties):
            missing.append(("host", f"服务对象（依托单位）{quote(host)}"))
        for key, who in missing:
            if (station.id, key) in reported:
                continue
            reported.add((station.id, key))
            yield context.problem(
                period, rule_id, station, ("agreement", "parties"),
                f"合作协议的签约各方（{'、'.join(quote(p) for p in parties[:5])}{'等' if len(parties) > 5 else ''}）中没有{who}：协议须由建站学会与服务对象签订；"
                f"请按协议原件补全 parties（学会写全称，依托单位写其名称或以其名称开头的机构名）",
                article=eligibility.get("agreement_article"),
            )
