"""The customer P&L: list revenue down to customer operating profit.

list revenue - discounts = net revenue; net revenue - COGS = net margin;
net margin - cost to serve (traced by time-driven ABC) = operating profit.

Example
-------
>>> import pandas as pd
>>> customers = pd.DataFrame({"list_revenue": [1000.0], "net_revenue": [900.0],
...                           "cogs": [600.0]}, index=pd.Index(["C1"], name="customer_id"))
>>> volumes = pd.DataFrame({"Order": [2.0]}, index=customers.index)
>>> rates = pd.DataFrame({"activity": ["Order"], "resource": [None], "unit_time": [None],
...                       "capacity_cost_rate": [None], "rate": [32.0]})
>>> customer_pnl(customers, volumes, rates).loc["C1", "profit"]
np.float64(236.0)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analytics.money import round_money
from analytics.tdabc import cost_by_activity

PNL_COLUMNS = (
    "list_revenue",
    "discounts",
    "net_revenue",
    "cogs",
    "net_margin",
    "net_margin_pct",
    "cost_to_serve",
    "cost_to_serve_pct",
    "profit",
)
ATTRIBUTE_COLUMNS = ("name", "segment", "region")
CTS_PREFIX = "cts_"


def pct_of(part: np.ndarray, whole: np.ndarray) -> np.ndarray:
    """100 x part / whole, NaN where ``whole`` is zero or negative (no meaningful share)."""
    part = np.asarray(part, dtype=float)
    whole = np.asarray(whole, dtype=float)
    out = np.full(part.shape, np.nan)
    np.divide(100.0 * part, whole, out=out, where=whole > 0)
    return out


def customer_pnl(
    customers: pd.DataFrame, volumes: pd.DataFrame, rate_table: pd.DataFrame
) -> pd.DataFrame:
    """One P&L row per customer.

    Parameters
    ----------
    customers : indexed by ``customer_id``; ``list_revenue``, ``net_revenue``, ``cogs``
        and optionally ``name``, ``segment``, ``region`` (carried through).
    volumes : driver quantities indexed like ``customers`` (missing rows count as
        zero), one column per activity.
    rate_table : from :func:`analytics.tdabc.activity_rates`.

    Returns
    -------
    DataFrame indexed by ``customer_id`` with the attributes, :data:`PNL_COLUMNS`, and one
    ``cts_<activity>`` column per activity, to the cent (:mod:`analytics.money`). Percentages
    are NaN when net revenue is zero or negative.
    """
    missing = [c for c in ("list_revenue", "net_revenue", "cogs") if c not in customers.columns]
    if missing:
        raise KeyError(f"customers lacks column(s): {', '.join(missing)}")
    volumes = volumes.reindex(customers.index).fillna(0.0)
    # Each customer's cost per activity is assigned in whole cents (as an invoice would
    # be), so cost to serve, profit and every total are sums of cent amounts and the
    # exported columns add up exactly to the summary.
    cts = cost_by_activity(volumes, rate_table)
    cts = pd.DataFrame(round_money(cts.to_numpy()), index=cts.index, columns=cts.columns)
    list_revenue = customers["list_revenue"].to_numpy(dtype=float)
    net_revenue = customers["net_revenue"].to_numpy(dtype=float)
    cogs = customers["cogs"].to_numpy(dtype=float)
    net_margin = net_revenue - cogs
    cost_to_serve = cts.to_numpy().sum(axis=1) if cts.shape[1] else np.zeros(len(customers))
    out = pd.DataFrame(index=customers.index)
    for column in ATTRIBUTE_COLUMNS:
        if column in customers.columns:
            out[column] = customers[column]
    out["list_revenue"] = list_revenue
    out["discounts"] = list_revenue - net_revenue
    out["net_revenue"] = net_revenue
    out["cogs"] = cogs
    out["net_margin"] = net_margin
    out["net_margin_pct"] = pct_of(net_margin, net_revenue)
    out["cost_to_serve"] = cost_to_serve
    out["cost_to_serve_pct"] = pct_of(cost_to_serve, net_revenue)
    out["profit"] = net_margin - cost_to_serve
    cts_columns = pd.DataFrame(
        cts.to_numpy(), index=customers.index, columns=[CTS_PREFIX + str(a) for a in cts.columns]
    )
    return pd.concat([out, cts_columns], axis=1)


def activity_columns(pnl: pd.DataFrame) -> list[str]:
    """The ``cts_<activity>`` columns of a P&L, in order."""
    return [c for c in pnl.columns if c.startswith(CTS_PREFIX)]
