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
from analytics.ranking import id_order, profit_order, rank_customers

UNSET = "(none)"


def breakdown(pnl: pd.DataFrame, by: str) -> pd.DataFrame:
    """Customers, revenue, margin, cost to serve and profit per value of ``by``.

    Customers without a value are grouped under ``(none)``, never dropped; rows are
    ranked as customers are (:func:`analytics.ranking.profit_order`): by profit in whole
    cents, most profitable first, ties by the value of ``by`` as text.
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
    order = profit_order(grouped["profit"].to_numpy(), id_order(grouped[by]))
    return grouped.iloc[order].reset_index(drop=True)


def activity_costs(pnl: pd.DataFrame, rate_table: pd.DataFrame) -> pd.DataFrame:
    """Cost to serve by activity across the customer base, most costly first.

    Returns ``activity, resource, rate, cost, share_pct`` (of total cost to serve),
    ``customers`` (how many use it) and ``top_customer_share_pct`` (the share of the
    activity's cost caused by its biggest user: high values point at a Kanthal).
    """
    from analytics.pnl import CTS_PREFIX

    rows = []
    total = float(pnl["cost_to_serve"].sum()) if len(pnl) else 0.0
    for record in rate_table.itertuples():
        column = CTS_PREFIX + str(record.activity)
        cost = pnl[column] if column in pnl.columns else pd.Series(dtype=float)
        amount = float(cost.sum())
        rows.append({
            "activity": record.activity,
            "resource": record.resource,
            "rate": record.rate,
            "cost": amount,
            "share_pct": 100.0 * amount / total if total > 0 else float("nan"),
            "customers": int((cost > 0).sum()),
            "top_customer_share_pct": 100.0 * float(cost.max()) / amount if amount > 0
            else float("nan"),
        })
    frame = pd.DataFrame(rows, columns=["activity", "resource", "rate", "cost", "share_pct",
                                        "customers", "top_customer_share_pct"])
    return frame.sort_values(["cost", "activity"], ascending=[False, True]).reset_index(drop=True)


def activity_cost_by(pnl: pd.DataFrame, by: str) -> pd.DataFrame:
    """Cost of each activity (columns) per value of ``by`` (rows), as % of that group's
    net revenue: which activities weigh on which segment. NaN where a group has no
    positive net revenue."""
    from analytics.pnl import activity_columns

    columns = activity_columns(pnl)
    key = pnl[by].astype(object).where(pnl[by].notna(), UNSET)
    grouped = pnl[[*columns, "net_revenue"]].groupby(key.to_numpy(), sort=True).sum()
    revenue = grouped.pop("net_revenue").to_numpy()
    shares = {
        column[len("cts_"):]: pct_of(grouped[column].to_numpy(), revenue) for column in columns
    }
    return pd.DataFrame(shares, index=grouped.index.rename(by))


def customer_ranking(pnl: pd.DataFrame) -> pd.DataFrame:
    """Customers by operating profit, most profitable first (ties by customer_id), with
    profit as % of net revenue: the whale curve's order
    (:func:`analytics.ranking.rank_customers`), as a table."""
    columns = [c for c in ("name", "segment") if c in pnl.columns]
    frame = pnl[[*columns, "net_revenue", "profit"]].copy()
    frame["profit_pct"] = pct_of(frame["profit"], frame["net_revenue"])
    if "quadrant" in pnl.columns:
        frame["quadrant"] = pnl["quadrant"].astype(str).map(lambda q: q.replace("_", " "))
    frame = frame.rename_axis("customer_id").reset_index()
    frame["customer_id"] = frame["customer_id"].astype(str)
    return frame.iloc[rank_customers(frame)].reset_index(drop=True)
