"""Period rules, pure: the share of the data's span a period covers, and the warnings a
per-customer table carries."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass


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


@dataclass(frozen=True)
class Edge:
    """A partial month at an end of a period: the days ``start`` to ``end`` of the month
    beginning ``month``."""

    month: dt.date
    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        """The days covered."""
        return (self.end - self.start).days + 1

    @property
    def month_days(self) -> int:
        """The days in the month."""
        return calendar.monthrange(self.month.year, self.month.month)[1]

    @property
    def weight(self) -> float:
        """The share of the month's days covered (for a store without invoice lines)."""
        return self.days / self.month_days


@dataclass(frozen=True)
class MonthPlan:
    """How a period is read from the customer-month cube: the whole calendar months
    ``whole_from`` to ``whole_to`` (first days; None: open) from the cube, and the
    partial months at its ends (``edges``) from the lines, or prorated by days."""

    whole_from: dt.date | None
    whole_to: dt.date | None
    edges: tuple[Edge, ...] = ()


def _last_day(month: dt.date) -> dt.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def month_plan(start: dt.date | None, end: dt.date | None) -> MonthPlan:
    """Split the period [start, end] (either may be None: open) into whole months and
    partial edge months.

    >>> plan = month_plan(dt.date(2024, 1, 15), dt.date(2024, 3, 31))
    >>> plan.whole_from, plan.whole_to
    (datetime.date(2024, 2, 1), datetime.date(2024, 3, 1))
    >>> [(e.start.isoformat(), e.end.isoformat(), round(e.weight, 3)) for e in plan.edges]
    [('2024-01-15', '2024-01-31', 0.548)]
    >>> month_plan(dt.date(2024, 2, 10), dt.date(2024, 2, 20)).edges[0].weight
    0.3793103448275862
    """
    whole_from = whole_to = None
    edges: list[Edge] = []
    if start is not None:
        month = start.replace(day=1)
        if start.day == 1:
            whole_from = month
        else:
            last = _last_day(month)
            whole_from = last + dt.timedelta(days=1)
            edges.append(Edge(month, start, min(end, last) if end is not None else last))
    if end is not None:
        month = end.replace(day=1)
        if end == _last_day(month):
            whole_to = month
        else:
            whole_to = (month - dt.timedelta(days=1)).replace(day=1)
            if not (edges and edges[0].month == month):
                edges.append(Edge(month, max(start, month) if start is not None else month,
                                  end))
    return MonthPlan(whole_from, whole_to, tuple(e for e in edges if e.start <= e.end))


def proration_warning(plan: MonthPlan) -> str:
    """What a table read from a store without invoice lines says about the partial
    months at its period's ends (prorated by days).

    >>> proration_warning(month_plan(dt.date(2024, 1, 16), dt.date(2024, 2, 29)))
    'The store keeps monthly totals only: January 2024 is counted as 16 of its 31 days \
(51.6 %), prorated.'
    """
    parts = [
        f"{e.month.strftime('%B %Y')} is counted as {e.days} of its {e.month_days} days "
        f"({e.weight * 100:.1f} %)"
        for e in plan.edges
    ]
    return "The store keeps monthly totals only: " + " and ".join(parts) + ", prorated."


def proration_notes(start: dt.date | None, end: dt.date | None,
                    compare: tuple[dt.date, dt.date] | None = None) -> tuple[str, ...]:
    """What a store that keeps monthly totals only says of a period [start, end] and its
    comparison period ``compare``: each one's partial months prorated
    (:func:`proration_warning`, the period's first); empty when nothing is prorated.

    >>> proration_notes(dt.date(2024, 1, 1), dt.date(2024, 1, 31))
    ()
    >>> proration_notes(dt.date(2024, 2, 1), dt.date(2024, 3, 31),
    ...                 (dt.date(2023, 12, 3), dt.date(2024, 1, 31)))
    ('In the comparison period, December 2023 is counted as 29 of its 31 days (93.5 %), \
prorated.',)
    """
    notes = []
    plan = month_plan(start, end)
    if plan.edges:
        notes.append(proration_warning(plan))
    if compare is not None:
        plan = month_plan(*compare)
        if plan.edges:
            notes.append("In the comparison period, "
                         + proration_warning(plan).split(": ", 1)[1])
    return tuple(notes)
