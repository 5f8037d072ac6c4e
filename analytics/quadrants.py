"""Net margin versus cost to serve: the four quadrants (Shapiro, Rangan, Moriarty & Ross).

Each customer sits at x = cost to serve as % of net revenue and y = net margin as % of
net revenue. Thresholds split both axes (the medians by default, the means or custom
values on request); a value at or above a threshold counts as *high*.

================  ==========  ==============
quadrant          net margin  cost to serve
================  ==========  ==============
passive           high        low
carriage_trade    high        high
bargain_basement  low         low
aggressive        low         high
================  ==========  ==============

Customers with zero or negative net revenue have no meaningful percentages. They are
still placed, explicitly: their margin counts as low (they pay nothing, or are owed
money), and their cost to serve as high when they cost anything to serve (any cost
is infinite relative to no revenue) and low otherwise. So such a customer is
``aggressive`` when it has any cost to serve and ``bargain_basement`` when it has
none. They are left out of the median and mean used as thresholds.

Example
-------
>>> import pandas as pd
>>> pnl = pd.DataFrame({"net_margin_pct": [40.0, 40.0, 10.0, 10.0],
...                     "cost_to_serve_pct": [5.0, 30.0, 5.0, 30.0],
...                     "net_revenue": [1.0] * 4, "cost_to_serve": [1.0] * 4})
>>> classify(pnl, thresholds(pnl)).tolist()
['passive', 'carriage_trade', 'bargain_basement', 'aggressive']
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

QUADRANTS = ("passive", "carriage_trade", "bargain_basement", "aggressive")
METHODS = ("median", "mean", "custom")
LABELS = {
    "passive": "Passive",
    "carriage_trade": "Carriage trade",
    "bargain_basement": "Bargain basement",
    "aggressive": "Aggressive",
}
MOVES = {
    "passive": "Rare and valuable: forge close ties, anticipate needs, protect them from "
    "competitors with special services.",
    "carriage_trade": "Profitable while the margin covers the service: keep the premium tied "
    "to the services, and watch the cost.",
    "bargain_basement": "Hard on price but cheap to serve: keep cost to serve low, offer long "
    "contracts.",
    "aggressive": "The hardest case: cut the cost of the activities, show the customer which "
    "behaviours drive cost, price services on a menu; divest only as a last resort.",
}


@dataclass(frozen=True)
class Thresholds:
    """Where the quadrant map is split, in % of net revenue."""

    net_margin_pct: float
    cost_to_serve_pct: float
    method: str = "median"

    def with_values(self, net_margin_pct: float, cost_to_serve_pct: float) -> Thresholds:
        return replace(
            self, net_margin_pct=net_margin_pct, cost_to_serve_pct=cost_to_serve_pct,
            method="custom",
        )


def _with_revenue(pnl: pd.DataFrame) -> pd.DataFrame:
    return pnl[pnl["net_revenue"].to_numpy(dtype=float) > 0]


def thresholds(
    pnl: pd.DataFrame,
    method: str = "median",
    net_margin_pct: float | None = None,
    cost_to_serve_pct: float | None = None,
) -> Thresholds:
    """Thresholds from the customers with positive net revenue.

    ``method`` is ``median``, ``mean`` or ``custom`` (then both values are required).
    With no customer with positive revenue, both thresholds are 0.
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}, not {method!r}")
    if method == "custom":
        if net_margin_pct is None or cost_to_serve_pct is None:
            raise ValueError("custom thresholds need net_margin_pct and cost_to_serve_pct")
        return Thresholds(float(net_margin_pct), float(cost_to_serve_pct), "custom")
    base = _with_revenue(pnl)
    if base.empty:
        return Thresholds(0.0, 0.0, method)
    reduce = np.median if method == "median" else np.mean
    return Thresholds(
        float(reduce(base["net_margin_pct"].to_numpy(dtype=float))),
        float(reduce(base["cost_to_serve_pct"].to_numpy(dtype=float))),
        method,
    )


def quadrant_codes(
    net_revenue: np.ndarray,
    net_margin_pct: np.ndarray,
    cost_to_serve_pct: np.ndarray,
    cost_to_serve: np.ndarray,
    limits: Thresholds,
) -> np.ndarray:
    """Each customer's position in :data:`QUADRANTS` (0 passive ... 3 aggressive), by the
    rules in the module docstring; arrays in, ``int8`` codes out."""
    has_revenue = np.asarray(net_revenue, dtype=float) > 0
    high_margin = has_revenue & (np.asarray(net_margin_pct, dtype=float) >= limits.net_margin_pct)
    high_cost = np.where(
        has_revenue,
        np.asarray(cost_to_serve_pct, dtype=float) >= limits.cost_to_serve_pct,
        np.asarray(cost_to_serve, dtype=float) > 0,
    )
    return np.where(high_margin, np.where(high_cost, 1, 0), np.where(high_cost, 3, 2)).astype(
        np.int8
    )


def classify(pnl: pd.DataFrame, limits: Thresholds) -> pd.Series:
    """The quadrant of every customer (a categorical Series aligned with ``pnl``)."""
    codes = quadrant_codes(
        pnl["net_revenue"].to_numpy(), pnl["net_margin_pct"].to_numpy(),
        pnl["cost_to_serve_pct"].to_numpy(), pnl["cost_to_serve"].to_numpy(), limits,
    )
    return pd.Series(
        pd.Categorical.from_codes(codes, categories=QUADRANTS), index=pnl.index,
        name="quadrant",
    )


def quadrant_summary(pnl: pd.DataFrame, quadrant: pd.Series) -> pd.DataFrame:
    """Customers, net revenue and profit per quadrant, in the canonical order."""
    frame = pd.DataFrame(
        {
            "quadrant": quadrant.to_numpy(),
            "net_revenue": pnl["net_revenue"].to_numpy(dtype=float),
            "profit": pnl["profit"].to_numpy(dtype=float),
        }
    )
    grouped = frame.groupby("quadrant", observed=False).agg(
        customers=("profit", "size"), net_revenue=("net_revenue", "sum"), profit=("profit", "sum")
    )
    return grouped.reindex(list(QUADRANTS)).fillna(0).astype(
        {"customers": int}
    ).rename_axis("quadrant").reset_index()
