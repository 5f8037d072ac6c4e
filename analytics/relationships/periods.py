"""The periods a relationship portfolio reads besides its own: the last 12 months and
the 12 before (share of wallet, the ladder's ``grows``) and each calendar year (cohorts).

Example
-------
>>> import datetime as dt
>>> p = portfolio_periods(dt.date(2023, 1, 5), dt.date(2025, 12, 20))
>>> p.years, [d.isoformat() for d in p.last12], [d.isoformat() for d in p.prior12]
([2023, 2024, 2025], ['2024-12-21', '2025-12-20'], ['2023-12-21', '2024-12-20'])
>>> p.year_periods[0]
(2023, datetime.date(2023, 1, 5), datetime.date(2023, 12, 31))
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


def months_back(day: dt.date, months: int) -> dt.date:
    """The first day of the window of ``months`` months that ends on ``day`` (the day
    after the same date ``months`` earlier; month ends clipped).

    >>> months_back(dt.date(2025, 12, 31), 12), months_back(dt.date(2024, 2, 29), 12)
    (datetime.date(2025, 1, 1), datetime.date(2023, 3, 1))
    """
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    last = (dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last)) + dt.timedelta(days=1)


@dataclass(frozen=True)
class PortfolioPeriods:
    """``years`` the period covers; ``last12`` and ``prior12`` as (first, last day), None
    when the period does not hold them whole; ``year_periods`` (year, first, last day)
    clipped to the period."""

    start: dt.date
    end: dt.date
    years: list[int]
    last12: tuple[dt.date, dt.date] | None
    prior12: tuple[dt.date, dt.date] | None
    year_periods: list[tuple[int, dt.date, dt.date]]


def portfolio_periods(start: dt.date, end: dt.date) -> PortfolioPeriods:
    """The periods of a portfolio over ``start`` to ``end`` (both included).

    >>> p = portfolio_periods(dt.date(2024, 2, 1), dt.date(2025, 5, 1))
    >>> p.last12 is not None, p.prior12 is None
    (True, True)
    """
    if start > end:
        raise ValueError(f"the period starts ({start}) after it ends ({end})")
    years = list(range(start.year, end.year + 1))
    last12 = prior12 = None
    first = months_back(end, 12)
    if first >= start:
        last12 = (first, end)
        before = first - dt.timedelta(days=1)
        if months_back(before, 12) >= start:
            prior12 = (months_back(before, 12), before)
    spans = [(y, max(start, dt.date(y, 1, 1)), min(end, dt.date(y, 12, 31))) for y in years]
    return PortfolioPeriods(start, end, years, last12, prior12, spans)


YEARLY_COLUMNS = ["customer_id", "year", "net_revenue", "cost_to_serve", "profit"]


def yearly_profits(analyse_year, periods: PortfolioPeriods):
    """Each calendar year of ``periods`` analysed on its own: one row per customer and
    year with ``YEARLY_COLUMNS``. ``analyse_year(first, last)`` returns that year's
    customer P&L (indexed by customer_id), or None when the year holds no customer.

    >>> import pandas as pd
    >>> pnl = pd.DataFrame({"net_revenue": [10.0], "cost_to_serve": [2.0], "profit": [3.0]},
    ...                    index=pd.Index(["A"], name="customer_id"))
    >>> spans = portfolio_periods(dt.date(2024, 6, 1), dt.date(2025, 1, 31))
    >>> yearly_profits(lambda first, last: pnl, spans)["year"].tolist()
    [2024, 2025]
    """
    import pandas as pd

    frames = []
    for year, first, last in periods.year_periods:
        pnl = analyse_year(first, last)
        if pnl is None or pnl.empty:
            continue
        frames.append(pd.DataFrame({
            "customer_id": pnl.index.astype(str), "year": year,
            "net_revenue": pnl["net_revenue"].to_numpy(dtype=float),
            "cost_to_serve": pnl["cost_to_serve"].to_numpy(dtype=float),
            "profit": pnl["profit"].to_numpy(dtype=float)}))
    return (pd.concat(frames, ignore_index=True) if frames
            else pd.DataFrame(columns=YEARLY_COLUMNS))
