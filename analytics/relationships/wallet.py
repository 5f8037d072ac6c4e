"""Share of wallet and growth prospects (Anderson & Narus 2003).

With a customers column ``wallet`` (the customer's annual spend in the category):

- share of wallet % = 100 x net revenue of the period's last 12 months / wallet;
- headroom = wallet - that revenue (0 when the customer already buys its whole wallet);
- growth prospect = headroom x the customer's net margin % over the period - the cost
  of winning it (an input, % of the headroom) x headroom.

Empty (NaN) where the wallet is unknown or not positive, or the net margin % is unknown
(no net revenue): never zero. Customers are ranked by growth prospect, largest first
(ties by id), and the prospect held by underperformers (low reward, high cost) is the
at-risk of concentrating the effort there.

Example
-------
>>> import pandas as pd
>>> ids = pd.Index(["A", "B"], name="customer_id")
>>> result = share_of_wallet(pd.Series([1000.0, float("nan")], ids),
...                          pd.Series([250.0, 90.0], ids), pd.Series([20.0, 30.0], ids),
...                          win_cost_pct=5.0)
>>> result[["share_of_wallet_pct", "headroom", "growth_prospect"]].values.tolist()
[[25.0, 750.0, 112.5], [nan, nan, nan]]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analytics.money import round_money
from analytics.ranking import id_order, profit_order


def share_of_wallet(wallet: pd.Series, revenue_last12: pd.Series, net_margin_pct: pd.Series,
                    win_cost_pct: float = 0.0) -> pd.DataFrame:
    """Per customer (the index of ``wallet``): ``wallet, revenue_last12,
    share_of_wallet_pct, headroom, growth_prospect`` (see the module doc).

    Parameters
    ----------
    wallet : the customer's annual category spend (NaN = unknown).
    revenue_last12 : net revenue in the period's last 12 months (missing = none).
    net_margin_pct : the customer's net margin % (12.5 = 12.5 %), NaN when unknown.
    win_cost_pct : cost of winning the headroom, as % of the headroom.

    Examples
    --------
    >>> import pandas as pd
    >>> share_of_wallet(pd.Series([100.0]), pd.Series([120.0]), pd.Series([10.0])
    ...                 )[["share_of_wallet_pct", "headroom", "growth_prospect"]].values.tolist()
    [[120.0, 0.0, 0.0]]
    """
    if not np.isfinite(win_cost_pct) or win_cost_pct < 0:
        raise ValueError("the cost of winning must be a percentage, 0 or more")
    index = wallet.index
    spend = pd.to_numeric(wallet, errors="coerce").astype(float).to_numpy()
    spend = np.where(spend > 0, spend, np.nan)
    revenue = revenue_last12.reindex(index).fillna(0.0).astype(float).to_numpy()
    margin = net_margin_pct.reindex(index).astype(float).to_numpy()
    headroom = np.maximum(spend - revenue, 0.0)
    prospect = headroom * margin / 100.0 - headroom * win_cost_pct / 100.0
    return pd.DataFrame({
        "wallet": spend,
        "revenue_last12": round_money(revenue),
        "share_of_wallet_pct": 100.0 * revenue / spend,
        "headroom": round_money(headroom),
        "growth_prospect": round_money(prospect),
    }, index=index)


def growth_ranking(wallet_table: pd.DataFrame, buyer_type: pd.Series) -> pd.DataFrame:
    """The customers with a growth prospect, largest first (ties by id), with their
    buyer type and ``underperformer`` (the at-risk of concentrating on them).

    >>> import pandas as pd
    >>> table = pd.DataFrame({"growth_prospect": [5.0, float("nan"), 9.0]},
    ...                      index=pd.Index(["A", "B", "C"], name="customer_id"))
    >>> types = pd.Series(["partner", "commodity", "underperformer"], index=table.index)
    >>> growth_ranking(table, types)[["customer_id", "underperformer"]].values.tolist()
    [['C', True], ['A', False]]
    """
    known = wallet_table[wallet_table["growth_prospect"].notna()]
    order = profit_order(known["growth_prospect"].to_numpy(dtype=float),
                         id_order(known.index))
    ranked = known.iloc[order].copy()
    ranked["buyer_type"] = buyer_type.reindex(ranked.index).to_numpy()
    ranked["underperformer"] = (ranked["buyer_type"] == "underperformer").to_numpy(dtype=bool)
    ranked.index.name = "customer_id"
    return ranked.reset_index()
