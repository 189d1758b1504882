"""Policy rules: the plan's funding, eligibility, sanction and assessment rules, read from
records/policies/*.yaml.

Every number comes from the policy file of the period a record belongs to; every message quotes
the article that the policy file quotes, at the severity the policy file gives. A rule is a function
`(context, rule_id) -> Iterable[Problem]` registered in RULES (rules.py) under the rule id the policy
file declares; a period that does not declare a rule does not apply it. The modules:

    period.py         policy-period, period-dates
    process.py        dates-order, contract-missing, change-approval
    funding.py        funding-range, funding-years
    doublefunding.py  double-funding, double-funding-implicit
    stations.py       overseas-activity, base-location, agreement-parties
    eligibility.py    eligibility-inspection, eligibility-grade, eligibility-agreement
    assessments.py    assessment-missing, assessment-materials, assessment-failed
    bans.py           sanction-ban, ban-length, ban-start, ban-records
    sanctions.py      sanction-refund, sanction-stop, sanction-revoke-paid
    context.py      periods, look-ups, messages, the reference date (KEXIE_TODAY)

Only schema-valid records reach the rules; references may still be missing (integrity reports
ref-missing), and every rule skips what it cannot resolve.
"""

from __future__ import annotations

import datetime

from generator.common.quoting import quote
from generator.checks.policy.context import PolicyContext
from generator.checks.policy.rules import RULES
from generator.records.recordset import RecordSet
from generator.records.schemas import SchemaSet


def check_policy(records: RecordSet, schemas: SchemaSet, today: datetime.date | None = None):
    context = PolicyContext(records, schemas, today)
    if not context.periods:
        return
    yield from check_declared_rules(context)
    for rule_id, rule in RULES.items():
        for problem in rule(context, rule_id):
            if problem is not None:
                yield problem


def check_declared_rules(context: PolicyContext):
    """A rule id in a policy file that no check implements would silently check nothing."""
    known = "、".join(sorted(RULES))
    for period in context.periods:
        for index, rule in enumerate(period.data["rules"]):
            if rule["id"] not in RULES:
                yield period.record.at(
                    ("rules", index, "id"),
                    "policy-rule-unknown",
                    f"规则编号 {quote(rule['id'], marks='``')} 没有对应的校验程序，写在这里不会检查任何内容："
                    f"请核对拼写（已实现的规则：{known}），或先实现该规则再登记",
                )
