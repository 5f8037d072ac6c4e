"""The company over time: the period cut into months or quarters (buckets), the P&L's
lines and the share of unprofitable customers per bucket, and each resource's
utilisation per bucket.

The store sums the money per customer and bucket in DuckDB and rounds it to the cent
there (``data/sql/trend_series.sql``); what the roundings leave over against the
customer's P&L for the period (:func:`period_cents`: a few cents) goes to the customer's
last bucket, so the buckets add up to the period's totals on the pages to the cent. This
module chooses the buckets, weighs them for undated activity and capacity, and shapes
what the store returns.

Rules
-----
* The period is the selection's, clipped to the data's dates; it is cut at calendar
  months, or at calendar quarters when it spans more than 24 months
  (:func:`default_grain`). The first and last bucket may be partial.
* Undated activity (an activities row without a date) is spread over the buckets by
  each bucket's days in the period over the days of the data's span (its ``weight``):
  together they make the share of undated volume the period gets, as for capacity.
* A customer is active in a bucket when it has invoice lines or activity (dated in it,
  or undated and spread over it) there; it is unprofitable in the bucket when its
  operating profit there is negative.
* Utilisation per bucket is the time all customers' activities used over the practical
  capacity supplied in it: the capacity for the whole data period times the bucket's
  weight.

Example
-------
>>> import datetime as dt
>>> frame = buckets(dt.date(2024, 1, 1), dt.date(2024, 12, 31), dt.date(2024, 2, 15),
...                 None, "quarter")
>>> frame[["label", "days"]].values.tolist()
[['2024 Q1', 46], ['2024 Q2', 91], ['2024 Q3', 92], ['2024 Q4', 92]]
>>> default_grain(dt.date(2022, 1, 1), dt.date(2024, 12, 31))
'quarter'
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from analytics.money import from_cents, to_cents
from analytics.pnl import pct_of

GRAINS = ("month", "quarter")
GRAIN_LABELS = {"month": "Monthly", "quarter": "Quarterly"}
MONTHLY_UP_TO = 24  # months; a longer period is cut into quarters by default
BUCKET_COLUMNS = ("bucket", "label", "first", "last", "days", "weight", "partial")
SERIES_COLUMNS = (
    "period", "first_day", "last_day", "net_revenue", "cogs", "net_margin", "net_margin_pct",
    "cost_to_serve", "profit", "customers", "unprofitable", "unprofitable_pct",
)
UTILISATION_COLUMNS = ("period", "resource", "used", "capacity", "used_pct")


def _months(first: dt.date, last: dt.date) -> int:
    """Calendar months from ``first``'s to ``last``'s, both counted."""
    return (last.year - first.year) * 12 + last.month - first.month + 1


def trend_period(
    first_date: dt.date | None, last_date: dt.date | None,
    start: dt.date | None = None, end: dt.date | None = None,
) -> tuple[dt.date, dt.date] | None:
    """The selection's period clipped to the data's dates (``None``: nothing in it).

    >>> trend_period(dt.date(2024, 1, 1), dt.date(2024, 12, 31), None, dt.date(2025, 3, 1))
    (datetime.date(2024, 1, 1), datetime.date(2024, 12, 31))
    >>> trend_period(dt.date(2024, 1, 1), dt.date(2024, 12, 31), dt.date(2025, 1, 1)) is None
    True
    """
    if first_date is None or last_date is None:
        return None
    low = max(first_date, start) if start else first_date
    high = min(last_date, end) if end else last_date
    return (low, high) if low <= high else None


def months_spanned(first_date, last_date, start=None, end=None) -> int:
    """Calendar months the clipped period touches (0 when it is empty).

    >>> months_spanned(dt.date(2024, 1, 31), dt.date(2024, 3, 1))
    3
    """
    period = trend_period(first_date, last_date, start, end)
    return 0 if period is None else _months(*period)


def default_grain(first_date, last_date, start=None, end=None) -> str:
    """``month`` for a period spanning up to 24 months, ``quarter`` beyond.

    >>> default_grain(dt.date(2023, 1, 1), dt.date(2024, 12, 31))
    'month'
    """
    spanned = months_spanned(first_date, last_date, start, end)
    return "quarter" if spanned > MONTHLY_UP_TO else "month"


def _bucket_start(day: dt.date, grain: str) -> dt.date:
    month = day.month if grain == "month" else 3 * ((day.month - 1) // 3) + 1
    return dt.date(day.year, month, 1)


def _next_start(first: dt.date, grain: str) -> dt.date:
    step = 1 if grain == "month" else 3
    month = first.month - 1 + step
    return dt.date(first.year + month // 12, month % 12 + 1, 1)


def bucket_label(first: dt.date, grain: str) -> str:
    """``Jan 2024`` or ``2024 Q1``.

    >>> bucket_label(dt.date(2024, 4, 1), "quarter"), bucket_label(dt.date(2024, 4, 1), "month")
    ('2024 Q2', 'Apr 2024')
    """
    if grain == "quarter":
        return f"{first.year} Q{(first.month - 1) // 3 + 1}"
    return f"{first:%b %Y}"


def buckets(
    first_date: dt.date | None, last_date: dt.date | None,
    start: dt.date | None = None, end: dt.date | None = None, grain: str = "month",
) -> pd.DataFrame:
    """The buckets of the period, one row each, in order.

    Parameters
    ----------
    first_date, last_date : the data's date span (invoice lines and dated activity).
    start, end : the selection's period (``None``: open).
    grain : ``month`` or ``quarter``.

    Returns
    -------
    DataFrame with :data:`BUCKET_COLUMNS`: ``bucket`` (the calendar month's or quarter's
    first day, how the store labels rows), ``label``, ``first`` and ``last`` (the days
    of the period in it), ``days``, ``weight`` (``days`` over the data span's days: the
    share of undated activity and of capacity it gets) and ``partial`` (the period
    covers only part of it). Empty when the period holds none of the data's dates.

    >>> frame = buckets(dt.date(2024, 1, 1), dt.date(2024, 3, 31), grain="month")
    >>> frame["days"].tolist(), round(float(frame["weight"].sum()), 12)
    ([31, 29, 31], 1.0)
    """
    if grain not in GRAINS:
        raise ValueError(f"grain must be one of {', '.join(GRAINS)}, not {grain!r}")
    period = trend_period(first_date, last_date, start, end)
    rows = []
    if period is not None:
        low, high = period
        span = (last_date - first_date).days + 1
        bucket = _bucket_start(low, grain)
        while bucket <= high:
            after = _next_start(bucket, grain)
            first, last = max(bucket, low), min(after - dt.timedelta(days=1), high)
            days = (last - first).days + 1
            rows.append((bucket, bucket_label(bucket, grain), first, last, days, days / span,
                         days < (after - bucket).days))
            bucket = after
    return pd.DataFrame(rows, columns=list(BUCKET_COLUMNS)).astype(
        {"days": "int64", "weight": "float64", "partial": "bool"})


def period_cents(pnl: pd.DataFrame) -> pd.DataFrame:
    """Each customer's P&L for the period in whole cents, what its buckets add up to:
    ``customer_id, net_revenue_cents, cogs_cents, cost_to_serve_cents``.

    >>> pnl = pd.DataFrame({"net_revenue": [10.5], "cogs": [4.25], "cost_to_serve": [0.1]},
    ...                    index=pd.Index(["C1"], name="customer_id"))
    >>> period_cents(pnl).values.tolist()
    [['C1', 1050, 425, 10]]
    """
    return pd.DataFrame({
        "customer_id": pnl.index.astype(str),
        **{f"{k}_cents": to_cents(pnl[k].to_numpy(dtype=float))
           for k in ("net_revenue", "cogs", "cost_to_serve")},
    })


def company_series(cents: pd.DataFrame, frame: pd.DataFrame) -> pd.DataFrame:
    """The company's P&L lines per bucket from the store's whole cents.

    Parameters
    ----------
    cents : ``bucket, net_revenue_cents, cogs_cents, cost_to_serve_cents, customers,
        unprofitable`` (buckets with nothing are absent).
    frame : the buckets (:func:`buckets`).

    Returns
    -------
    DataFrame with :data:`SERIES_COLUMNS`, one row per bucket (zero where nothing
    happened): money to the cent, ``net_margin_pct`` of net revenue (NaN when it is not
    positive), ``unprofitable_pct`` of the active customers (NaN when none is active).

    >>> frame = buckets(dt.date(2024, 1, 1), dt.date(2024, 2, 29))
    >>> cents = pd.DataFrame({"bucket": [dt.date(2024, 2, 1)], "net_revenue_cents": [10_000],
    ...     "cogs_cents": [6_000], "cost_to_serve_cents": [5_050], "customers": [4],
    ...     "unprofitable": [1]})
    >>> series = company_series(cents, frame)
    >>> series[["period", "profit", "unprofitable_pct"]].values.tolist()
    [['Jan 2024', 0.0, nan], ['Feb 2024', -10.5, 25.0]]
    """
    keyed = cents.assign(bucket=pd.to_datetime(cents["bucket"]).dt.date).set_index("bucket")
    keyed = keyed.reindex(frame["bucket"]).fillna(0)
    whole = {k: keyed[f"{k}_cents"].to_numpy(dtype=np.int64)
             for k in ("net_revenue", "cogs", "cost_to_serve")}
    margin = whole["net_revenue"] - whole["cogs"]
    customers = keyed["customers"].to_numpy(dtype=np.int64)
    unprofitable = keyed["unprofitable"].to_numpy(dtype=np.int64)
    out = pd.DataFrame({
        "period": frame["label"].to_numpy(),
        "first_day": frame["first"].to_numpy(),
        "last_day": frame["last"].to_numpy(),
        "net_revenue": from_cents(whole["net_revenue"]),
        "cogs": from_cents(whole["cogs"]),
        "net_margin": from_cents(margin),
        "net_margin_pct": pct_of(margin, whole["net_revenue"]),
        "cost_to_serve": from_cents(whole["cost_to_serve"]),
        "profit": from_cents(margin - whole["cost_to_serve"]),
        "customers": customers,
        "unprofitable": unprofitable,
        "unprofitable_pct": pct_of(unprofitable, customers),
    })
    return out[list(SERIES_COLUMNS)]


def utilisation_series(
    used: pd.DataFrame, resources: pd.DataFrame, frame: pd.DataFrame,
) -> pd.DataFrame:
    """Each resource's used time over its practical capacity per bucket.

    Parameters
    ----------
    used : ``resource, bucket, used`` (time used by every customer's activities).
    resources : ``resource, cost, capacity`` for the whole data period.
    frame : the buckets (:func:`buckets`).

    Returns
    -------
    DataFrame with :data:`UTILISATION_COLUMNS`, one row per resource and bucket (in the
    resources' order, then the buckets'): ``capacity`` is the whole period's capacity
    times the bucket's weight, ``used_pct`` = 100 x used / capacity (NaN when the
    capacity is zero).

    >>> frame = buckets(dt.date(2024, 1, 1), dt.date(2024, 2, 29))
    >>> used = pd.DataFrame({"resource": ["Service"], "bucket": [dt.date(2024, 1, 1)],
    ...                      "used": [620.0]})
    >>> resources = pd.DataFrame({"resource": ["Service"], "cost": [1.0], "capacity": [1200.0]})
    >>> utilisation_series(used, resources, frame)["used_pct"].round(6).tolist()
    [100.0, 0.0]
    """
    names = resources["resource"].astype(str).tolist()
    grid = pd.MultiIndex.from_product([names, list(frame["bucket"])],
                                      names=["resource", "bucket"])
    keyed = used.assign(resource=used["resource"].astype(str),
                        bucket=pd.to_datetime(used["bucket"]).dt.date)
    minutes = keyed.groupby(["resource", "bucket"])["used"].sum().reindex(grid).fillna(0.0)
    capacity = np.outer(resources["capacity"].to_numpy(dtype=float),
                        frame["weight"].to_numpy(dtype=float)).ravel()
    used_time = minutes.to_numpy(dtype=float)
    out = pd.DataFrame({
        "period": np.tile(frame["label"].to_numpy(), len(names)),
        "resource": np.repeat(names, len(frame)),
        "used": used_time,
        "capacity": capacity,
        "used_pct": pct_of(used_time, capacity),
    })
    return out[list(UTILISATION_COLUMNS)]


def grain_reason(grain: str, spanned: int, default: str) -> str:
    """Why the buckets are what they are, for a caption.

    >>> grain_reason("quarter", 36, "quarter")
    'Quarterly: the period spans 36 months (monthly up to 24).'
    >>> grain_reason("month", 36, "quarter")
    'Monthly, as chosen (the period spans 36 months).'
    """
    label = GRAIN_LABELS[grain]
    if grain == default:
        return f"{label}: the period spans {spanned} month{'s' if spanned != 1 else ''} " \
               f"(monthly up to {MONTHLY_UP_TO})."
    return f"{label}, as chosen (the period spans {spanned} month" \
           f"{'s' if spanned != 1 else ''})."
