"""Money is integer yuan inside; shown as 万元 with two decimals — one formatter for pages,
reports and policy messages alike."""

from __future__ import annotations


def wan(yuan) -> str:
    """50000 → "5.00"; 123456789 → "12,345.68"."""
    return f"{(yuan or 0) / 10000:,.2f}"


def wan_text(yuan) -> str:
    """50000 → "5.00 万元", for sentences."""
    return f"{wan(yuan)} 万元"


def shares(amounts) -> list[str]:
    """Each amount's share of their sum in percent with one decimal, e.g. ["37.3", "62.7"], that
    add up to exactly "100.0" (largest-remainder rounding: a table's shares reconcile with its
    100% total line). Amounts are integers (yuan); all zero or none gives "0.0" for each."""
    amounts = [int(a or 0) for a in amounts]
    total = sum(amounts)
    if total <= 0:
        return ["0.0"] * len(amounts)
    tenths = [a * 1000 // total for a in amounts]
    leftover = 1000 - sum(tenths)
    order = sorted(range(len(amounts)), key=lambda i: (-(amounts[i] * 1000 % total), i))
    for i in order[:leftover]:
        tenths[i] += 1
    return [f"{t // 10}.{t % 10}" for t in tenths]
