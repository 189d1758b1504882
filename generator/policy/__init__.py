"""Policy rules: the plan's funding and eligibility rules, read from records/policies/*.yaml.

Every number comes from the policy file of the period a project belongs to; every message quotes
the article that the policy file quotes. A rule is a function `(context) -> Iterable[Problem]`
registered in RULES under the rule id the policy file declares.
"""

from __future__ import annotations

from generator.policy.context import PolicyContext
from generator.policy.rules import RULES
from generator.records import RecordSet
from generator.schemas import SchemaSet


def check_policy(records: RecordSet, schemas: SchemaSet):
    context = PolicyContext(records, schemas)
    if not context.periods:
        return
    for rule_id, rule in RULES.items():
        yield from rule(context, rule_id)
