"""P&L totals by a customer attribute (segment, region...).

Example
-------
>>> import pandas as pd
>>> pnl = pd.DataFrame({"segment": ["A", "A", None], "net_revenue": [100.0, 50.0, 10.0],
...                     "net_margin": [40.0, 10.0, 5.0], "cost_to_serve": [10.0, 30.0, 1.0],
...                     "profit": [30.0, -20.0, 4.0]})
>>> breakdown(pnl, "segment")[["segment", "customers", "profit", "unprofitable"]].values.tolist()
[['A', 2, 10.0, 1], ['(none)', 1, 4.0, 0]]
"""

from __future__ import annotations

import pandas as pd

from analytics.pnl import pct_of

UNSET = "(none)"


def breakdown(pnl: pd.DataFrame, by: str) -> pd.DataFrame:
    """Customers, revenue, margin, cost to serve and profit per value of ``by``.

    Customers without a value are grouped under ``(none)``, never dropped; rows are
    ordered by profit, most profitable first.
    """
    if by not in pnl.columns:
        raise KeyError(f"the P&L has no {by} column")
    key = pnl[by].astype(object).where(pnl[by].notna(), UNSET)
    frame = pnl.assign(_key=key.to_numpy(), _loss=(pnl["profit"] < 0).to_numpy())
    grouped = frame.groupby("_key", sort=False).agg(
        customers=("profit", "size"),
        net_revenue=("net_revenue", "sum"),
        net_margin=("net_margin", "sum"),
        cost_to_serve=("cost_to_serve", "sum"),
        profit=("profit", "sum"),
        unprofitable=("_loss", "sum"),
    )
    grouped["unprofitable"] = grouped["unprofitable"].astype(int)
    grouped["net_margin_pct"] = pct_of(grouped["net_margin"], grouped["net_revenue"])
    grouped["cost_to_serve_pct"] = pct_of(grouped["cost_to_serve"], grouped["net_revenue"])
    grouped["profit_pct"] = pct_of(grouped["profit"], grouped["net_revenue"])
    grouped = grouped.rename_axis(by).reset_index()
    return grouped.sort_values(["profit", by], ascending=[False, True], kind="stable").reset_index(
        drop=True
    )
