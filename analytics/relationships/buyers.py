"""Four kinds of buyers (Narayandas, HBR 2005): the seller's reward against its cost.

The reward is the customer's net margin in money (net revenue - COGS), the cost its cost
to serve in money. Both axes are split at the medians over the customers (or at custom
thresholds); a value at or above a threshold counts as *high*.

================  ======  ===============  ======================================
buyer type        reward  cost to serve    the seeds' move
================  ======  ===============  ======================================
most_valuable     high    low              cultivate them
partner           high    high             turnkey solutions at a premium
commodity         low     low              strip services, seek long contracts
underperformer    low     high             cut unvalued services, price valued ones
================  ======  ===============  ======================================

A customer without a net margin or a cost to serve (NaN) gets no buyer type (NA).

Example
-------
>>> import pandas as pd
>>> pnl = pd.DataFrame({"net_margin": [900.0, 800.0, 10.0, 20.0],
...                     "cost_to_serve": [10.0, 500.0, 5.0, 400.0],
...                     "net_revenue": [1000.0, 1000.0, 100.0, 100.0],
...                     "profit": [890.0, 300.0, 5.0, -380.0]},
...                    index=pd.Index(["A", "B", "C", "D"], name="customer_id"))
>>> buyer_types(pnl).types.tolist()
['most_valuable', 'partner', 'commodity', 'underperformer']
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics.money import round_money

BUYER_TYPES = ("most_valuable", "partner", "commodity", "underperformer")
BUYER_LABELS = {
    "most_valuable": "Most valuable",
    "partner": "Partner",
    "commodity": "Commodity buyer",
    "underperformer": "Underperformer",
}
BUYER_MOVES = {
    "most_valuable": "High reward, low cost (typically under 10 % of revenue): cultivate "
    "them, anticipate their needs and protect them from competitors.",
    "partner": "High reward, high cost: offer turnkey solutions and charge the premium "
    "they pay for them.",
    "commodity": "Low reward, low cost: strip services, cut the cost to serve and seek "
    "long contracts.",
    "underperformer": "Low reward, high cost (often the biggest or showcase accounts): cut "
    "the services they do not value, charge for those they do, or let them go.",
}
# How this map differs from the quadrants of analytics.quadrants, in one sentence.
DIFFERENCE_FROM_QUADRANTS = (
    "The quadrants compare net margin and cost to serve as % of each customer's own "
    "revenue (how well each dollar is served), while buyer types compare them in money "
    "(what the relationship is worth to the seller in total), so a large account with a "
    "thin margin % can be a partner and a tiny one with a fat margin % a commodity buyer."
)
METHODS = ("median", "custom")


@dataclass(frozen=True)
class BuyerTypes:
    """Each customer's buyer type, where the map was split and each group's figures.

    ``groups`` has one row per buyer type (all four, in :data:`BUYER_TYPES` order):
    ``buyer_type, label, customers, net_revenue, revenue_share_pct, profit, move``.
    """

    types: pd.Series
    reward_threshold: float
    cost_threshold: float
    method: str
    groups: pd.DataFrame


def buyer_types(pnl: pd.DataFrame, method: str = "median", reward: float | None = None,
                cost: float | None = None) -> BuyerTypes:
    """Place each customer of a P&L among the four kinds of buyers.

    Parameters
    ----------
    pnl : indexed by customer; ``net_margin``, ``cost_to_serve``, ``net_revenue``,
        ``profit`` (money).
    method : ``"median"`` (split at the medians of the customers) or ``"custom"``.
    reward, cost : the custom thresholds in money (net margin, cost to serve); both
        required with ``"custom"``.

    Returns
    -------
    :class:`BuyerTypes`; ``types`` is a string Series (NA where a figure is missing).

    Examples
    --------
    >>> import pandas as pd
    >>> pnl = pd.DataFrame({"net_margin": [50.0, 5.0], "cost_to_serve": [1.0, 9.0],
    ...                     "net_revenue": [60.0, 40.0], "profit": [49.0, -4.0]},
    ...                    index=pd.Index(["A", "B"], name="customer_id"))
    >>> result = buyer_types(pnl, "custom", reward=10.0, cost=5.0)
    >>> result.types.tolist(), result.groups["customers"].tolist()
    (['most_valuable', 'underperformer'], [1, 0, 0, 1])
    >>> result.groups.set_index("buyer_type").loc["most_valuable", "revenue_share_pct"]
    np.float64(60.0)
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}")
    margin = pnl["net_margin"].to_numpy(dtype=float)
    serve = pnl["cost_to_serve"].to_numpy(dtype=float)
    if method == "custom":
        if reward is None or cost is None:
            raise ValueError("custom thresholds need both a reward and a cost")
        reward_at, cost_at = float(reward), float(cost)
    else:
        reward_at = float(np.nanmedian(margin)) if np.isfinite(margin).any() else np.nan
        cost_at = float(np.nanmedian(serve)) if np.isfinite(serve).any() else np.nan
    known = np.isfinite(margin) & np.isfinite(serve)
    high_reward = margin >= reward_at
    high_cost = serve >= cost_at
    labels = np.where(high_reward, np.where(high_cost, "partner", "most_valuable"),
                      np.where(high_cost, "underperformer", "commodity")).astype(object)
    labels[~known] = None
    types = pd.Series(labels, index=pnl.index, name="buyer_type", dtype="string")
    return BuyerTypes(types, reward_at, cost_at, method, _groups(pnl, types))


def _groups(pnl: pd.DataFrame, types: pd.Series) -> pd.DataFrame:
    revenue = pnl["net_revenue"].astype(float)
    total = float(revenue.sum())
    rows = []
    for kind in BUYER_TYPES:
        members = (types == kind).fillna(False).to_numpy(dtype=bool)
        group_revenue = float(revenue[members].sum())
        rows.append({
            "buyer_type": kind,
            "label": BUYER_LABELS[kind],
            "customers": int(members.sum()),
            "net_revenue": round_money(group_revenue),
            "revenue_share_pct": 100.0 * group_revenue / total if total > 0 else np.nan,
            "profit": round_money(float(pnl["profit"].astype(float)[members].sum())),
            "move": BUYER_MOVES[kind],
        })
    return pd.DataFrame(rows)
