"""The one ranking rule: most profitable first, in whole cents, ties by customer id.

Profits are compared in whole cents (:func:`analytics.money.whole_cents`), so two
customers whose profits differ only by float noise (-867.4899999999998 and -867.49) are
equal and ordered by customer id, compared as text. Whole cents as floats, not int64:
exact to the cent up to 90 trillion, and still in order beyond (a cost to serve of a
quantity and a rate each just below 1e12 is 1e24, past int64 cents). Customers without
a profit (NaN) come last, by id. The whale curve, the customer ranking table and every
other ranked view take their order from here.

Example
-------
>>> import pandas as pd
>>> pnl = pd.DataFrame({"profit": [-867.49, 5.0, -867.4899999999998]},
...                    index=pd.Index(["B", "C", "A"], name="customer_id"))
>>> pnl.index[rank_customers(pnl)].tolist()
['C', 'A', 'B']
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analytics.money import whole_cents


def id_order(ids) -> np.ndarray:
    """Each id's position among the ids sorted as text (the tie-break of a ranking).

    >>> id_order(["b", "c", "a"]).tolist()
    [1, 2, 0]
    """
    text = np.asarray(ids).astype(str)
    order = np.empty(len(text), dtype=np.int64)
    order[np.argsort(text, kind="stable")] = np.arange(len(text))
    return order


def profit_order(profit, ties: np.ndarray) -> np.ndarray:
    """Positions that sort ``profit`` most profitable first in whole cents, ties by
    ``ties`` (smallest first: an :func:`id_order`), missing profits last.

    >>> profit_order([1.0, 3.0, 1.0000000001, float("nan")], id_order(["b", "c", "a", "d"]))
    array([1, 2, 0, 3])
    """
    profit = np.asarray(profit, dtype=float)
    missing = np.isnan(profit)
    cents = whole_cents(np.where(missing, 0.0, profit))
    return np.lexsort((np.asarray(ties), -cents, missing))


def rank_customers(pnl: pd.DataFrame, ties: np.ndarray | None = None) -> np.ndarray:
    """Positions of ``pnl``'s rows, most profitable customer first (see the module doc).

    Parameters
    ----------
    pnl : with ``profit``; the customer id is the ``customer_id`` column when there is
        one, else the index.
    ties : :func:`id_order` of those ids, when the caller has it already (sorting
        100,000 ids as text is most of the work).

    Returns
    -------
    An int array for ``pnl.iloc``: ``pnl.iloc[rank_customers(pnl)]`` is the ranking.
    """
    if "profit" not in pnl.columns:
        raise KeyError("the P&L has no profit column")
    if ties is None:
        ids = pnl["customer_id"] if "customer_id" in pnl.columns else pnl.index
        ties = id_order(ids)
    return profit_order(pnl["profit"].to_numpy(dtype=float), ties)
