"""The whale curve: cumulative profit by customer, most profitable first.

Definitions
-----------
- Customers are ranked by :func:`analytics.ranking.rank_customers`: operating profit
  in whole cents, descending; ties by ``customer_id`` ascending, so the ranking is
  deterministic and float noise never decides it.
- ``cum_customers_pct`` = 100 x rank / n; ``cum_profit_pct`` = 100 x cumulative
  profit / total profit; ``cum_revenue_pct`` = 100 x cumulative net revenue / total
  net revenue.
- ``top20_profit_pct``: profit earned by the most profitable 20 % of customers as a %
  of total profit. The cumulative curve is interpolated linearly at x = 0.2 n, so for
  n not a multiple of five a customer counts fractionally (n = 1 gives 20 %).
- ``bottom10_profit_pct``: profit of the least profitable 10 % as a % of total profit,
  signed: -96.0 means the tail *loses* 96 % of total profit.
- ``peak_pct``: the highest point of the curve; ``peak_customers_pct``: the share of
  customers at the peak (the first point where it is reached).
- When total profit is zero or negative, percentages of it are meaningless: every
  ``*_profit_pct`` figure is ``None``, ``profit_is_positive`` is False, and the
  absolute amounts (``peak_profit``, ``top20_profit``, ``bottom10_profit``) carry the
  story. The same holds for ``cum_revenue_pct`` when total net revenue is not positive.

Example
-------
>>> import pandas as pd
>>> pnl = pd.DataFrame({"profit": [50.0, -20.0, 70.0], "net_revenue": [100.0, 100.0, 100.0]},
...                    index=pd.Index(["A", "B", "C"], name="customer_id"))
>>> curve = whale_curve(pnl)
>>> curve.points["customer_id"].tolist(), round(curve.summary.peak_pct, 1)
(['C', 'A', 'B'], 120.0)
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from analytics.ranking import id_order, rank_customers


@dataclass(frozen=True)
class WhaleSummary:
    """The figures executives read off a whale curve (see the module docstring)."""

    customers: int
    total_profit: float
    profit_is_positive: bool
    peak_pct: float | None
    peak_customers_pct: float | None
    top20_profit_pct: float | None
    bottom10_profit_pct: float | None
    peak_profit: float
    top20_profit: float
    bottom10_profit: float
    tail_loss: float
    unprofitable_customers: int
    unprofitable_customers_pct: float | None

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class WhaleCurve:
    points: pd.DataFrame
    summary: WhaleSummary


def _cumulative_at(cum: np.ndarray, share: float) -> float:
    """Cumulative value after ``share`` x n customers, a fractional one counted partly."""
    n = len(cum)
    position = share * n
    whole = int(np.floor(position))
    before = cum[whole - 1] if whole >= 1 else 0.0
    if whole >= n:
        return float(cum[-1])
    step = cum[whole] - before
    return float(before + (position - whole) * step)


def whale_curve(pnl: pd.DataFrame, ties: np.ndarray | None = None) -> WhaleCurve:
    """Rank customers by profit and compute the curve and its summary figures.

    Parameters
    ----------
    pnl : indexed by customer_id, with ``profit`` and ``net_revenue``.
    ties : optional :func:`analytics.ranking.id_order` of ``pnl.index`` (computed when
        omitted).
    """
    ties = id_order(pnl.index) if ties is None else ties
    order = rank_customers(pnl, ties)
    n = len(order)
    profit = pnl["profit"].to_numpy(dtype=float)[order]
    revenue = pnl["net_revenue"].to_numpy(dtype=float)[order]
    cum_profit = np.cumsum(profit)
    cum_revenue = np.cumsum(revenue)
    total = float(cum_profit[-1]) if n else 0.0
    total_revenue = float(cum_revenue[-1]) if n else 0.0
    positive = total > 0
    points = pd.DataFrame(
        {
            "rank": np.arange(1, n + 1),
            "customer_id": pnl.index.astype(str).array.take(order),
            "profit": profit,
            "net_revenue": revenue,
            "cum_profit": cum_profit,
            "cum_customers_pct": 100.0 * np.arange(1, n + 1) / n if n else [],
            "cum_profit_pct": 100.0 * cum_profit / total if positive else np.nan,
            "cum_revenue_pct": 100.0 * cum_revenue / total_revenue if total_revenue > 0 else np.nan,
        }
    )
    if n == 0:
        summary = WhaleSummary(0, 0.0, False, None, None, None, None, 0.0, 0.0, 0.0, 0.0, 0, None)
        return WhaleCurve(points, summary)
    peak_index = int(np.argmax(cum_profit))
    peak_profit = float(cum_profit[peak_index])
    top20 = _cumulative_at(cum_profit, 0.2)
    bottom10 = total - _cumulative_at(cum_profit, 0.9)
    unprofitable = int((profit < 0).sum())

    def pct(amount: float) -> float | None:
        return 100.0 * amount / total if positive else None

    summary = WhaleSummary(
        customers=n,
        total_profit=total,
        profit_is_positive=positive,
        peak_pct=pct(peak_profit),
        peak_customers_pct=100.0 * (peak_index + 1) / n if positive else None,
        top20_profit_pct=pct(top20),
        bottom10_profit_pct=pct(bottom10),
        peak_profit=peak_profit,
        top20_profit=top20,
        bottom10_profit=bottom10,
        tail_loss=peak_profit - total,
        unprofitable_customers=unprofitable,
        unprofitable_customers_pct=100.0 * unprofitable / n,
    )
    return WhaleCurve(points, summary)


def downsample(points: pd.DataFrame, max_points: int = 2000) -> pd.DataFrame:
    """At most ``max_points`` rows of a whale curve that keep its shape.

    Keeps the first and last point, the peak, and per bucket of ranks the points with
    the lowest and highest cumulative profit, so the extremes stay exact.
    """
    n = len(points)
    if n <= max_points:
        return points
    cum = points["cum_profit"].to_numpy()
    buckets = max(1, (max_points - 3) // 2)
    edges = np.linspace(0, n, buckets + 1).astype(int)
    keep = {0, n - 1, int(np.argmax(cum)), int(np.argmin(cum))}
    starts = edges[:-1]
    lengths = np.diff(edges)
    for start, length in zip(starts, lengths, strict=True):
        if length:
            chunk = cum[start : start + length]
            keep.add(int(start + np.argmin(chunk)))
            keep.add(int(start + np.argmax(chunk)))
    return points.iloc[sorted(keep)].reset_index(drop=True)
