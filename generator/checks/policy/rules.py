"""The rule table: rule id → check. Each check reads its numbers from the project's period.

One module per rule family; each module's docstring states the exact semantics of its rules.
A check is `(context, rule_id) -> Iterable[Problem | None]` (None: the period does not declare the
rule, see PolicyContext.problem). A period file applies exactly the rules it lists under `rules`;
a rule it lists that is not in this table is reported as policy-rule-unknown.
"""

from __future__ import annotations

from generator.checks.policy.assessments import check_assessments, check_failed, check_materials
from generator.checks.policy.bans import check_ban, check_ban_length, check_ban_records, check_ban_start
from generator.checks.policy.doublefunding import check_double_funding, check_implicit_double_funding
from generator.checks.policy.eligibility import check_agreement, check_grade, check_inspection
from generator.checks.policy.funding import check_funding_range, check_funding_years
from generator.checks.policy.period import check_period, check_period_dates
from generator.checks.policy.process import check_change_approval, check_contract, check_dates_order
from generator.checks.policy.sanctions import check_refund, check_revoke_paid, check_stop
from generator.checks.policy.stations import check_agreement_parties, check_base_location, check_overseas_activity

RULES = {
    "policy-period": check_period,
    "period-dates": check_period_dates,
    "dates-order": check_dates_order,
    "contract-missing": check_contract,
    "change-approval": check_change_approval,
    "funding-range": check_funding_range,
    "funding-years": check_funding_years,
    "double-funding": check_double_funding,
    "double-funding-implicit": check_implicit_double_funding,
    "overseas-activity": check_overseas_activity,
    "base-location": check_base_location,
    "eligibility-inspection": check_inspection,
    "eligibility-grade": check_grade,
    "eligibility-agreement": check_agreement,
    "agreement-parties": check_agreement_parties,
    "assessment-missing": check_assessments,
    "assessment-materials": check_materials,
    "assessment-failed": check_failed,
    "sanction-ban": check_ban,
    "ban-length": check_ban_length,
    "ban-start": check_ban_start,
    "ban-records": check_ban_records,
    "sanction-refund": check_refund,
    "sanction-stop": check_stop,
    "sanction-revoke-paid": check_revoke_paid,
}
