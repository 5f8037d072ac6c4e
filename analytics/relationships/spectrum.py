"""The relationship spectrum and overdesigned relationships (Day; Cannon & Perreault).

Relationship type is ``transactional``, ``value_adding`` or ``collaborative``: the
customers column ``relationship`` where it holds one of them; otherwise *inferred* from
behaviour (and flagged ``relationship_inferred``) by this rule, first match wins:

1. ``collaborative`` - the customer co-develops (``co_development``) or invests in the
   supplier (``invests``);
2. ``transactional`` - its price index is below 1 (it buys below the typical price of the
   products: price-driven) or, without a price index, it did not buy (positive net
   revenue) in every calendar year of the period (irregular orders);
3. ``value_adding`` - otherwise.

Relationship cost = the sum of the customer's cost to serve on activities flagged as
relationship investment (rate card column ``relationship``: visits, account management,
guest engineers, joint teams). A customer is **overdesigned** when it is transactional
and its relationship cost is strictly above the median relationship cost of the
customers that are not transactional (value-adding and collaborative, stated or
inferred): investment for a relationship it does not want - cost without return, and
the first place to cut. Without flagged activities, relationship cost and overdesigned
are empty (NA), never zero.

Example
-------
>>> import pandas as pd
>>> ids = pd.Index(["A", "B", "C"], name="customer_id")
>>> types = pd.Series(["transactional", "collaborative", "value_adding"], index=ids)
>>> cost = pd.Series([50.0, 40.0, 10.0], index=ids)
>>> overdesigned(types, cost).tolist()
[True, False, False]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analytics.money import round_money
from analytics.pnl import CTS_PREFIX
from analytics.ranking import id_order, profit_order

RELATIONSHIPS = ("transactional", "value_adding", "collaborative")


def relationship_activities(rates: pd.DataFrame) -> list[str]:
    """The activities the rate card flags as relationship investment.

    >>> import pandas as pd
    >>> relationship_activities(pd.DataFrame({"activity": ["Visit", "Order"],
    ...                                       "relationship": [True, False]}))
    ['Visit']
    """
    if "relationship" not in rates.columns:
        return []
    flags = rates["relationship"].astype("boolean").fillna(False).to_numpy(dtype=bool)
    return [str(a) for a in rates.loc[flags, "activity"]]


def relationship_cost(pnl: pd.DataFrame, activities: list[str]) -> pd.Series:
    """Σ of each customer's ``cts_<activity>`` over the relationship activities, to the
    cent; all NaN when no activity is flagged (unknown, not zero).

    >>> import pandas as pd
    >>> pnl = pd.DataFrame({"cts_Visit": [10.0, 0.0], "cts_Order": [5.0, 7.0]},
    ...                    index=["A", "B"])
    >>> relationship_cost(pnl, ["Visit"]).tolist(), relationship_cost(pnl, []).isna().all()
    ([10.0, 0.0], np.True_)
    """
    columns = [CTS_PREFIX + a for a in activities if CTS_PREFIX + a in pnl.columns]
    if not activities:
        return pd.Series(np.nan, index=pnl.index, name="relationship_cost")
    total = pnl[columns].astype(float).sum(axis=1) if columns else pd.Series(
        0.0, index=pnl.index)
    return round_money(total).rename("relationship_cost")


def infer_relationship(index: pd.Index, customers: pd.DataFrame,
                       price_index: pd.Series | None, years_bought: pd.Series,
                       period_years: int) -> tuple[pd.Series, pd.Series]:
    """Each customer's relationship type and whether it was inferred (see the module doc).

    Parameters
    ----------
    index : the customer ids.
    customers : attributes; ``relationship``, ``co_development``, ``invests`` when present.
    price_index : customer id -> price index (NaN where unknown), or None.
    years_bought : customer id -> calendar years of the period with positive net revenue.
    period_years : how many calendar years the period covers.

    Returns
    -------
    (relationship, relationship_inferred): a string Series and a boolean Series.

    Examples
    --------
    >>> import pandas as pd
    >>> ids = pd.Index(["A", "B", "C", "D"], name="customer_id")
    >>> attrs = pd.DataFrame({"relationship": ["collaborative", None, None, None],
    ...                       "invests": pd.array([None, True, None, None], "boolean")},
    ...                      index=ids)
    >>> kind, inferred = infer_relationship(ids, attrs, pd.Series([1.0, 1.0, 0.9, 1.2], ids),
    ...                                     pd.Series([3, 3, 3, 3], ids), 3)
    >>> kind.tolist(), inferred.tolist()
    (['collaborative', 'collaborative', 'transactional', 'value_adding'], [False, True, True, True])
    """
    def flag(column: str) -> np.ndarray:
        if column not in customers.columns:
            return np.zeros(len(index), dtype=bool)
        values = customers[column].astype("boolean").reindex(index)
        return values.fillna(False).to_numpy(dtype=bool)

    collaborative = flag("co_development") | flag("invests")
    prices = (price_index.reindex(index).astype(float).to_numpy() if price_index is not None
              else np.full(len(index), np.nan))
    regular = years_bought.reindex(index).fillna(0).to_numpy() >= period_years
    cheap = np.where(np.isnan(prices), ~regular, prices < 1.0)
    inferred_kind = np.where(collaborative, "collaborative",
                             np.where(cheap, "transactional", "value_adding"))
    stated = pd.Series(pd.NA, index=index, dtype="string")
    if "relationship" in customers.columns:
        given = customers["relationship"].reindex(index).astype("string").str.strip()
        stated = given.where(given.isin(RELATIONSHIPS))
    inferred = stated.isna()
    kind = stated.fillna(pd.Series(inferred_kind, index=index, dtype="string"))
    return kind.rename("relationship"), pd.Series(
        inferred.to_numpy(dtype=bool), index=index, name="relationship_inferred")


def overdesign_threshold(kind: pd.Series, cost: pd.Series) -> float:
    """The median relationship cost of the customers that are not transactional (NaN
    when there are none, or no relationship cost is known).

    >>> import pandas as pd
    >>> overdesign_threshold(pd.Series(["transactional", "value_adding", "collaborative"]),
    ...                      pd.Series([90.0, 10.0, 30.0]))
    20.0
    """
    values = cost[(kind != "transactional").fillna(False).to_numpy(dtype=bool)].astype(float)
    values = values.dropna()
    return float(values.median()) if len(values) else float("nan")


def overdesigned(kind: pd.Series, cost: pd.Series) -> pd.Series:
    """Whether each customer is overdesigned: transactional, and relationship cost strictly
    above :func:`overdesign_threshold`. NA where the cost or the threshold is unknown."""
    threshold = overdesign_threshold(kind, cost)
    values = cost.astype(float).to_numpy()
    result = pd.array((kind == "transactional").fillna(False).to_numpy(dtype=bool)
                      & (values > threshold), dtype="boolean")
    result[np.isnan(values) | np.isnan(threshold)] = pd.NA
    return pd.Series(result, index=kind.index, name="overdesigned")


def overdesigned_list(pnl: pd.DataFrame, flags: pd.Series, cost: pd.Series,
                      inferred: pd.Series | None = None) -> pd.DataFrame:
    """The overdesigned customers, largest relationship cost first (ties by id): the
    first places to cut. Columns ``customer_id, name, type_source, relationship_cost,
    net_revenue, profit, profit_without_relationship_cost``; ``type_source`` says
    whether the customer's transactional type is ``stated`` in the customers file or
    ``inferred`` from behaviour (``inferred``: customer id -> bool; None: stated). An
    inferred one is a candidate: confirm the customer wants a transaction before cutting.

    >>> import pandas as pd
    >>> pnl = pd.DataFrame({"net_revenue": [100.0, 50.0, 80.0], "profit": [5.0, -3.0, 9.0]},
    ...                    index=pd.Index(["A", "B", "C"], name="customer_id"))
    >>> flags = pd.Series(pd.array([True, True, False], "boolean"), index=pnl.index)
    >>> cost = pd.Series([10.0, 20.0, 30.0], index=pnl.index)
    >>> overdesigned_list(pnl, flags, cost)["customer_id"].tolist()
    ['B', 'A']
    """
    chosen = flags.reindex(pnl.index).fillna(False).to_numpy(dtype=bool)
    part = pnl.loc[chosen]
    costs = cost.reindex(part.index).astype(float)
    order = profit_order(costs.to_numpy(), id_order(part.index))
    frame = pd.DataFrame({
        "customer_id": part.index.astype(str),
        "name": part["name"].to_numpy() if "name" in part.columns else None,
        "type_source": np.where(
            inferred.reindex(part.index).fillna(False).to_numpy(dtype=bool)
            if inferred is not None else np.zeros(len(part), dtype=bool),
            "inferred", "stated"),
        "relationship_cost": costs.to_numpy(),
        "net_revenue": part["net_revenue"].astype(float).to_numpy(),
        "profit": part["profit"].astype(float).to_numpy(),
    })
    frame["profit_without_relationship_cost"] = round_money(
        frame["profit"] + frame["relationship_cost"])
    return frame.iloc[order].reset_index(drop=True)
