"""The rule table: rule id → check. Each check reads its numbers from the project's period.

One module per rule family; each module's docstring states the exact semantics of its rules.
A check is `(context, rule_id) -> Iterable[Problem | None]` (None: the period does not declare the
rule, see PolicyContext.problem). A period file applies exactly the rules it lists under `rules`;
a rule it lists that is not in this table is reported as policy-rule-unknown.
"""

from __future__ import annotations

from generator.checks.policy.assessments import check_assessments
from generator.checks.policy.eligibility import check_agreement, check_grade, check_inspection
from generator.checks.policy.funding import check_double_funding, check_funding_range, check_funding_years
from generator.checks.policy.period import check_period
from generator.checks.policy.sanctions import check_ban, check_refund, check_stop

RULES = {
    "policy-period": check_period,
    "funding-range": check_funding_range,
    "funding-years": check_funding_years,
    "eligibility-inspection": check_inspection,
    "eligibility-grade": check_grade,
    "eligibility-agreement": check_agreement,
    "double-funding": check_double_funding,
    "sanction-ban": check_ban,
    "sanction-refund": check_refund,
    "sanction-stop": check_stop,
    "assessment-missing": check_assessments,
}
