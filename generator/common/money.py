"""Money is integer yuan inside; shown as 万元 with two decimals — one formatter for pages,
reports and policy messages alike."""

from __future__ import annotations


def wan(yuan) -> str:
    """50000 → "5.00"; 123456789 → "12,345.68"."""
    return f"{(yuan or 0) / 10000:,.2f}"


def wan_text(yuan) -> str:
    """50000 → "5.00 万元", for sentences."""
    return f"{wan(yuan)} 万元"
