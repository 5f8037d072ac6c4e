"""The customer table of the Customers page: its columns, its search and its orders.

Pure table shaping on a P&L (:func:`analytics.pnl.customer_pnl` with ``quadrant``), so
every ranked view takes its order from :func:`analytics.ranking.rank_customers`.

Example
-------
>>> import pandas as pd
>>> pnl = pd.DataFrame({"name": ["Acme", "Bolt", "Cray"], "quadrant": ["passive"] * 3,
...                     "net_revenue": [10.0, 20.0, 30.0], "net_margin": [5.0] * 3,
...                     "net_margin_pct": [50.0] * 3, "cost_to_serve": [1.0] * 3,
...                     "cost_to_serve_pct": [10.0] * 3, "profit": [4.0, 9.0, 4.0]},
...                    index=pd.Index(["C", "B", "A"], name="customer_id"))
>>> table = customer_table(pnl)
>>> table["customer_id"].tolist()
['B', 'A', 'C']
>>> order_customers(table, "Least profitable first")["customer_id"].tolist()
['A', 'C', 'B']
>>> search_customers(table, "cr")["customer_id"].tolist()
['A']
"""

from __future__ import annotations

import pandas as pd

from analytics.quadrants import LABELS
from analytics.ranking import id_order, profit_order, rank_customers
from analytics.robustness import LABELS as ROBUSTNESS_LABELS

TABLE_COLUMNS = ("net_revenue", "net_margin", "net_margin_pct", "cost_to_serve",
                 "cost_to_serve_pct", "profit")
# Each order of the table: the column it sorts by and whether ascending.
ORDERS = {
    "Most profitable first": ("profit", False),
    "Least profitable first": ("profit", True),
    "Largest net revenue first": ("net_revenue", False),
    "Highest cost to serve % first": ("cost_to_serve_pct", False),
    "Lowest net margin % first": ("net_margin_pct", True),
}
PICKER_ENDS = 1000  # the most and the least profitable customers a long picker lists
PICKER_MATCHES = 2000  # search matches a long picker adds


def customer_table(pnl: pd.DataFrame, robustness: pd.Series | None = None) -> pd.DataFrame:
    """``customer_id``, name, segment and region (those present), the quadrant's label
    (and, given ``robustness`` classes indexed like ``pnl``, their labels:
    :func:`analytics.robustness.classify_robustness`) and the money and % columns, ranked
    by operating profit (most profitable first)."""
    frame = pnl.reset_index()
    columns = ["customer_id"] + [c for c in ("name", "segment", "region") if c in frame]
    out = frame[columns].copy()
    out["quadrant"] = frame["quadrant"].map(LABELS).astype(object)
    if robustness is not None:
        out["robustness"] = (robustness.reindex(pnl.index).map(ROBUSTNESS_LABELS)
                             .astype(object).to_numpy())
    for column in TABLE_COLUMNS:
        out[column] = frame[column]
    return out.iloc[rank_customers(out)].reset_index(drop=True)


def search_customers(frame: pd.DataFrame, text: str) -> pd.DataFrame:
    """Rows whose id or name contains ``text`` (literal, case-insensitive)."""
    text = text.strip()
    if not text:
        return frame
    hit = frame["customer_id"].astype(str).str.contains(text, case=False, regex=False)
    if "name" in frame:
        hit |= frame["name"].astype("string").str.contains(text, case=False, regex=False)
    return frame[hit.fillna(False).to_numpy(dtype=bool)].reset_index(drop=True)


def order_customers(frame: pd.DataFrame, order: str) -> pd.DataFrame:
    """``frame`` sorted as ``order`` (a key of :data:`ORDERS`) says: empty values last,
    ties by customer id; by profit as customers are ranked, in whole cents."""
    column, ascending = ORDERS[order]
    if column == "profit":
        profit = frame["profit"].to_numpy(dtype=float)
        ranked = profit_order(-profit if ascending else profit, id_order(frame["customer_id"]))
        return frame.iloc[ranked].reset_index(drop=True)
    return frame.sort_values([column, "customer_id"], ascending=[ascending, True],
                             na_position="last", kind="stable").reset_index(drop=True)


def picker_customers(pnl: pd.DataFrame, limit: int, text: str = "",
                     selected: object = None) -> list:
    """The customers a picker lists, sorted by id as text: every one up to ``limit``
    customers; above it the most and least profitable, the matches of ``text`` and the
    ``selected`` customer.

    >>> pnl = pd.DataFrame({"profit": [1.0, 2.0]}, index=pd.Index(["b", "a"]))
    >>> picker_customers(pnl, 10)
    ['a', 'b']
    """
    if len(pnl) <= limit:
        return sorted(pnl.index.tolist(), key=str)
    ranked = pnl.index[rank_customers(pnl)]
    chosen = set(ranked[:PICKER_ENDS]) | set(ranked[-PICKER_ENDS:])
    if text:
        matches = search_customers(customer_table(pnl), text)["customer_id"]
        chosen |= set(matches.head(PICKER_MATCHES))
    if selected in pnl.index:
        chosen.add(selected)
    return sorted(chosen, key=str)
