"""Period rules, pure: the share of the data's span a period covers, and the warnings a
per-customer table carries."""

from __future__ import annotations

import datetime as dt


def period_fraction(info, start: dt.date | None, end: dt.date | None) -> float:
    """Share of the dataset's date span that [start, end] covers (1 without a filter)."""
    if info is None or info.first_date is None or (start is None and end is None):
        return 1.0
    first, last = info.first_date, info.last_date
    lo = max(first, start) if start else first
    hi = min(last, end) if end else last
    span = (last - first).days + 1
    return max(0.0, ((hi - lo).days + 1) / span) if span > 0 else 1.0


def base_warnings(
    *, period_chosen: bool, activity_rows: int, activities_dated: bool, master_rows: int,
    unknown_customers: int, customers_filtered: bool, fraction: float,
) -> tuple[str, ...]:
    """What a per-customer table must say about itself.

    >>> (warning,) = base_warnings(
    ...     period_chosen=True, activity_rows=5, activities_dated=False, master_rows=0,
    ...     unknown_customers=0, customers_filtered=False, fraction=0.5)
    >>> warning.split(": ")[1]
    '50.0 % of their volume, as for capacity.'
    """
    warnings = []
    if period_chosen and activity_rows and not activities_dated:
        warnings.append(
            f"Activities without dates are prorated to the chosen period: {fraction * 100:.1f} "
            "% of their volume, as for capacity."
        )
    if master_rows and unknown_customers and not customers_filtered:
        warnings.append(
            f"{unknown_customers:,} customer(s) with invoice lines or activity have no row in "
            "the customer master data: they are analysed without name, segment or region."
        )
    if fraction == 0.0 and period_chosen:
        warnings.append("The chosen period lies outside the data's dates.")
    return tuple(warnings)
