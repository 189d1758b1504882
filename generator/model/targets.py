"""The plan's targets against actuals (the /targets/ dashboard)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class TargetProgress:
    target: dict
    years: list[tuple[int, float]]  # per year: the actual figure of that year
    actual: float  # for the whole period (cumulative), or the latest full year for per-year targets
    percent: int  # of the target reached, capped at 100 for the bar
    met: bool


def _period_years(policy: dict) -> list[int]:
    return list(range(int(policy["valid_from"][:4]), int(policy["valid_until"][:4]) + 1))


def _in_period(date: str, policy: dict) -> bool:
    return policy["valid_from"] <= date <= policy["valid_until"]


def _measure(model, policy, target, year):
    """The target's figure for one calendar year (or for the period so far when cumulative)."""
    measure = target["measure"]
    if measure == "workstations":
        return sum(
            1 for w in model.workstations.values()
            if w["kind"] == target["kind"] and _in_period(w["established"], policy) and int(w["established"][:4]) == year
        )
    if measure == "projects":
        return sum(1 for p in model.projects.values() if p["programme"] == target["programme"] and p["year"] == year)
    if measure == "proposals":
        return sum(1 for p in model.proposals.values() if p["year"] == year)
    if measure == "proposals-endorsed":
        return sum(1 for p in model.proposals.values() if p["year"] == year and (p["endorsed"] or p["adopted"]))
    if measure == "society-share":
        taking_part = {
            sid
            for w in model.workstations.values()
            if w["kind"] == target["kind"] and w["established"][:4] <= str(year)
            for sid in [w["lead_society"], *w["partner_societies"]]
            if sid
        }
        return round(100 * len(taking_part) / len(model.societies), 1) if model.societies else 0
    raise ValueError(f"unknown measure {measure}")  # the policy schema allows no other value


def target_progress(model, policy: dict) -> list[TargetProgress]:
    years = _period_years(policy)
    result = []
    for target in policy["targets"]:
        per_year = [(year, _measure(model, policy, target, year)) for year in years]
        if target["measure"] == "society-share":
            actual = per_year[-1][1]  # a share at the end of the period, not a sum
            per_year_display = per_year
        elif target.get("per") == "year":
            actual = min(v for _, v in per_year)  # every year must reach it: the weakest year counts
            per_year_display = per_year
        else:
            running, per_year_display = 0, []
            for year, value in per_year:
                running += value
                per_year_display.append((year, running))
            actual = running
        figure = target["figure"]
        percent = 100 if figure == 0 else min(100, int(round(100 * actual / figure)))
        result.append(TargetProgress(target, per_year_display, actual, percent, actual >= figure))
    return result
