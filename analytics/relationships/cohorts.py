"""Retention by cohort and profit over a relationship's life.

A customer's cohort is the calendar year its relationship began: the customers column
``since`` where given, else the year of its first invoice line over the whole dataset
(``cohort_source`` says which, per customer). Its tenure is the whole years from that
date to the period's end. For each cohort and calendar year of the period from the
cohort's year on:

- ``customers`` - the cohort's size (each customer counts in one cohort);
- ``active`` - its customers with positive net revenue that year;
- ``retention_pct`` = 100 x active / customers;
- ``profit_per_active_customer`` = the active customers' profit that year / active
  (empty when none is active).

The relationship-age table groups active customer-years by years since the relationship
began (0 = its first year): profit per customer and cost to serve % (Σ cost to serve /
Σ net revenue), testing the claim that long relationships cost less to serve.

Example
-------
>>> import datetime as dt
>>> import pandas as pd
>>> ids = pd.Index(["A", "B"], name="customer_id")
>>> first = pd.Series([dt.date(2023, 3, 1), dt.date(2024, 7, 1)], index=ids)
>>> customer_cohorts(ids, first, period_end=dt.date(2025, 12, 31))["cohort"].tolist()
[2023, 2024]
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
import pandas as pd

from analytics.money import round_money

COHORT_COLUMNS = ("cohort", "year", "customers", "active", "retention_pct",
                  "profit_per_active_customer")


def _dates(values: pd.Series | None, index: pd.Index) -> pd.Series:
    if values is None:
        return pd.Series(pd.NaT, index=index, dtype="datetime64[ns]")
    return pd.to_datetime(values.reindex(index), errors="coerce")


def customer_cohorts(index: pd.Index, first_purchase: pd.Series, since: pd.Series | None = None,
                     period_end: dt.date | None = None) -> pd.DataFrame:
    """Each customer's ``cohort`` (Int64), ``cohort_source`` (``since`` or
    ``first_purchase``, NA when neither is known) and ``tenure_years`` (Int64: whole years
    from the start to ``period_end``; NA without an end or a start, or a start after it).

    >>> import datetime as dt
    >>> import pandas as pd
    >>> ids = pd.Index(["A", "B", "C"])
    >>> first = pd.Series([dt.date(2024, 5, 1), dt.date(2024, 1, 2), None], index=ids)
    >>> since = pd.Series([dt.date(2019, 6, 1), None, None], index=ids)
    >>> customer_cohorts(ids, first, since, dt.date(2025, 5, 31)).values.tolist()
    [[2019, 'since', 5], [2024, 'first_purchase', 1], [<NA>, <NA>, <NA>]]
    """
    given = _dates(since, index)
    first = _dates(first_purchase, index)
    start = given.where(given.notna(), first)
    source = pd.Series(np.where(given.notna(), "since", np.where(first.notna(),
                       "first_purchase", None)), index=index, dtype="string")
    source[start.isna().to_numpy()] = pd.NA
    cohort = start.dt.year.astype("Int64")
    tenure = pd.Series(pd.NA, index=index, dtype="Int64")
    if period_end is not None:
        end = pd.Timestamp(period_end)
        before = ((start.dt.month > end.month)
                  | ((start.dt.month == end.month) & (start.dt.day > end.day)))
        years = (end.year - start.dt.year - before.astype(int)).astype("Int64")
        tenure = years.where(start.notna() & (start <= end))
    return pd.DataFrame({"cohort": cohort, "cohort_source": source,
                         "tenure_years": tenure.astype("Int64")}, index=index)


def _active_years(yearly: pd.DataFrame, cohorts: pd.Series) -> pd.DataFrame:
    """The active customer-years (positive net revenue) with each customer's cohort."""
    active = yearly[yearly["net_revenue"].astype(float) > 0].copy()
    active["cohort"] = cohorts.reindex(active["customer_id"]).to_numpy()
    return active[active["cohort"].notna()]


def cohort_table(cohorts: pd.Series, yearly: pd.DataFrame, years: Sequence[int]
                 ) -> pd.DataFrame:
    """Retention and profit per active customer, per cohort and year (see the module doc).

    Parameters
    ----------
    cohorts : customer id -> cohort year (Int64, NA = unknown: left out).
    yearly : ``customer_id, year, net_revenue, profit`` per customer and calendar year.
    years : the calendar years of the period.

    Examples
    --------
    >>> import pandas as pd
    >>> cohorts = pd.Series([2024, 2024, 2025], index=["A", "B", "C"], dtype="Int64")
    >>> yearly = pd.DataFrame({"customer_id": ["A", "B", "A", "C"],
    ...                        "year": [2024, 2024, 2025, 2025],
    ...                        "net_revenue": [10.0, 5.0, 8.0, 4.0],
    ...                        "profit": [3.0, -1.0, 2.0, 1.0]})
    >>> table = cohort_table(cohorts, yearly, [2024, 2025])
    >>> table["retention_pct"].tolist(), table["profit_per_active_customer"].tolist()
    ([100.0, 50.0, 100.0], [1.0, 2.0, 1.0])
    """
    known = cohorts.dropna().astype(int)
    sizes = known.value_counts()
    active = _active_years(yearly, known)
    counts = active.groupby(["cohort", "year"]).size()
    profit = active.groupby(["cohort", "year"])["profit"].sum(min_count=1)
    rows = []
    for cohort in sorted(sizes.index):
        for year in years:
            if year < cohort:
                continue
            n_active = int(counts.get((cohort, year), 0))
            size = int(sizes[cohort])
            rows.append({
                "cohort": int(cohort), "year": int(year), "customers": size,
                "active": n_active, "retention_pct": 100.0 * n_active / size,
                "profit_per_active_customer": round_money(
                    float(profit.get((cohort, year), np.nan)) / n_active) if n_active else np.nan,
            })
    return pd.DataFrame(rows, columns=list(COHORT_COLUMNS))


def age_table(cohorts: pd.Series, yearly: pd.DataFrame) -> pd.DataFrame:
    """Per year of relationship (``years_since_start``, 0 = the cohort's year): active
    ``customer_years``, ``profit_per_customer`` and ``cost_to_serve_pct`` (NaN without a
    ``cost_to_serve`` column or revenue).

    >>> import pandas as pd
    >>> cohorts = pd.Series([2024, 2025], index=["A", "B"], dtype="Int64")
    >>> yearly = pd.DataFrame({"customer_id": ["A", "A", "B"], "year": [2024, 2025, 2025],
    ...                        "net_revenue": [100.0, 200.0, 100.0],
    ...                        "cost_to_serve": [30.0, 20.0, 40.0], "profit": [5.0, 60.0, 1.0]})
    >>> table = age_table(cohorts, yearly)
    >>> table["profit_per_customer"].tolist(), table["cost_to_serve_pct"].tolist()
    ([3.0, 60.0], [35.0, 10.0])
    """
    active = _active_years(yearly, cohorts.dropna().astype(int))
    active["years_since_start"] = active["year"].astype(int) - active["cohort"].astype(int)
    active = active[active["years_since_start"] >= 0]
    if "cost_to_serve" not in active.columns:
        active["cost_to_serve"] = np.nan
    grouped = active.groupby("years_since_start")
    revenue = grouped["net_revenue"].sum()
    cts = grouped["cost_to_serve"].sum(min_count=1)
    table = pd.DataFrame({
        "customer_years": grouped.size(),
        "profit_per_customer": round_money(grouped["profit"].mean()),
        "cost_to_serve_pct": 100.0 * cts / revenue.where(revenue > 0),
    })
    table.index.name = "years_since_start"
    return table.reset_index()
