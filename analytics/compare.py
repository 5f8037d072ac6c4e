"""Two periods compared: each customer's status, the profit bridge from the base period's
operating profit to the current one, the largest movers and the quadrant migration.

A customer is **retained** when it bought (positive net revenue) in both periods,
**new** when it bought in the current period only, **lost** when it bought in the base
period only (as the retention views count an active customer); a customer in a period's
P&L that bought in neither (activity only) is retained when in both P&Ls, else new or lost
by the P&L it is in. The bridge, in whole cents so that its steps add up exactly to the
change in operating profit (Σ customer profit):

- **lost customers**: − their base profit;
- **new customers**: + their current profit;
- for the retained customers, with R revenue, M net margin (R − COGS), C cost to serve
  and m₀ = M₀ / R₀ (0 when R₀ ≤ 0):

  - **revenue effect** Σ (R₁ − R₀) × m₀ (more or less revenue at the base margin rate),
  - **margin effect** Σ (M₁ − M₀) − revenue effect (price, discount and mix),
  - **cost-to-serve effect** Σ (C₀ − C₁) (a fall in cost to serve adds to profit);

  what a lost customer still costs after it stopped buying (a collection call, a
  return) joins the cost-to-serve effect (− C₁) and its credit notes the margin effect
  (+ M₁); a new customer's cost or credits before its first purchase likewise (+ C₀,
  − M₀).

Per customer, profit = M − C, so the steps add up to the change. The revenue effect is
rounded to the cent once, on its total; the cost-to-serve effect is the rest of the
change, which is Σ (C₀ − C₁) as above to the cent whenever the amounts are whole cents.

Example
-------
>>> import pandas as pd
>>> base = pd.DataFrame({"net_revenue": [100.0, 50.0], "net_margin": [40.0, 10.0],
...                      "cost_to_serve": [10.0, 30.0], "profit": [30.0, -20.0]},
...                     index=pd.Index(["A", "B"], name="customer_id"))
>>> current = pd.DataFrame({"net_revenue": [150.0, 80.0], "net_margin": [54.0, 30.0],
...                         "cost_to_serve": [20.0, 5.0], "profit": [34.0, 25.0]},
...                        index=pd.Index(["A", "C"], name="customer_id"))
>>> c = compare_periods(base, current)
>>> c.customers["status"].to_dict()
{'A': 'retained', 'B': 'lost', 'C': 'new'}
>>> c.bridge  # doctest: +NORMALIZE_WHITESPACE
{'profit_base': 10.0, 'lost_customers': 20.0, 'new_customers': 25.0,
 'revenue_effect': 20.0, 'margin_effect': -6.0, 'cost_to_serve_effect': -10.0,
 'profit_current': 59.0}
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from analytics.money import from_cents, to_cents
from analytics.quadrants import LABELS as QUADRANT_LABELS
from analytics.quadrants import QUADRANTS
from analytics.ranking import id_order, profit_order

STATUSES = ("retained", "new", "lost")
BRIDGE_KEYS = ("lost_customers", "new_customers", "revenue_effect", "margin_effect",
               "cost_to_serve_effect")
BRIDGE_LABELS = {
    "profit_base": "Base period profit",
    "lost_customers": "Lost customers",
    "new_customers": "New customers",
    "revenue_effect": "Revenue effect",
    "margin_effect": "Margin effect",
    "cost_to_serve_effect": "Cost-to-serve effect",
    "profit_current": "Current period profit",
}
# compare.csv's columns (the CLI's contract).
COMPARE_COLUMNS = ("customer_id", "status", "net_revenue_base", "net_revenue_current",
                   "profit_base", "profit_current", "profit_change", "quadrant_base",
                   "quadrant_current")
# Migration rows and columns: where a customer was, where it is (new and lost too).
FROM_STATES = (*QUADRANTS, "unclassified", "new")
TO_STATES = (*QUADRANTS, "unclassified", "lost")
STATE_LABELS = {**QUADRANT_LABELS, "unclassified": "Unclassified", "new": "New",
                "lost": "Lost"}
_MEASURES = ("net_revenue", "net_margin", "cost_to_serve", "profit")


@dataclass(frozen=True)
class PeriodComparison:
    """Two periods compared (see the module docstring).

    Attributes
    ----------
    customers : one row per customer of either period, indexed by ``customer_id``:
        ``status``, ``name`` (when known), ``<measure>_base`` and ``<measure>_current``
        for net revenue, net margin, cost to serve and profit (0 where the customer is
        not in that period), ``profit_change``, ``quadrant_base``, ``quadrant_current``
        (empty where not in that period).
    bridge : ``profit_base``, the five steps and ``profit_current``, money to the cent.
    """

    customers: pd.DataFrame
    bridge: dict[str, float]

    # -- the bridge ---------------------------------------------------------------------
    def bridge_steps(self) -> pd.DataFrame:
        """``step`` (label), ``key`` and ``amount``: the base profit, the five steps and
        the current profit, in order (a waterfall's bars).

        >>> import pandas as pd
        >>> p = pd.DataFrame({"net_revenue": [10.0], "net_margin": [5.0],
        ...                   "cost_to_serve": [1.0], "profit": [4.0]}, index=["A"])
        >>> compare_periods(p, p).bridge_steps()["amount"].tolist()
        [4.0, 0.0, 0.0, 0.0, 0.0, 0.0, 4.0]
        """
        keys = ("profit_base", *BRIDGE_KEYS, "profit_current")
        return pd.DataFrame({"step": [BRIDGE_LABELS[k] for k in keys], "key": list(keys),
                             "amount": [self.bridge[k] for k in keys]})

    @property
    def profit_change(self) -> float:
        return from_cents(to_cents(self.bridge["profit_current"])
                          - to_cents(self.bridge["profit_base"]))

    def counts(self) -> dict[str, int]:
        """Customers by status."""
        status = self.customers["status"].value_counts()
        return {s: int(status.get(s, 0)) for s in STATUSES}

    # -- customers ----------------------------------------------------------------------
    def movers(self, n: int = 10) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The ``n`` retained customers whose profit rose most, and the ``n`` whose profit
        fell most (largest fall first), ties by id.

        >>> import pandas as pd
        >>> b = pd.DataFrame({"net_revenue": [1.0] * 3, "net_margin": [1.0] * 3,
        ...                   "cost_to_serve": [0.0] * 3, "profit": [1.0] * 3},
        ...                  index=["A", "B", "C"])
        >>> c = b.assign(profit=[5.0, -3.0, 1.0], net_margin=[5.0, -3.0, 1.0])
        >>> up, down = compare_periods(b, c).movers(1)
        >>> up.index.tolist(), down.index.tolist()
        (['A'], ['B'])
        """
        return self.rises.head(n), self.falls.head(n)

    @property
    def rises(self) -> pd.DataFrame:
        """Every retained customer whose profit rose, largest rise first."""
        return self._movers[0]

    @property
    def falls(self) -> pd.DataFrame:
        """Every retained customer whose profit fell, largest fall first."""
        return self._movers[1]

    @cached_property
    def _movers(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        retained = self.customers[self.customers["status"] == "retained"]
        change = retained["profit_change"].to_numpy(dtype=float)
        ties = id_order(retained.index)
        up = retained.iloc[profit_order(change, ties)]
        down = retained.iloc[profit_order(-change, ties)]
        return up[up["profit_change"] > 0], down[down["profit_change"] < 0]

    @cached_property
    def turned_unprofitable(self) -> pd.DataFrame:
        """Retained customers that made a profit (≥ 0) in the base period and a loss in the
        current one, largest loss first."""
        c = self.customers
        chosen = c[(c["status"] == "retained") & (c["profit_base"] >= 0)
                   & (c["profit_current"] < 0)]
        order = profit_order(chosen["profit_current"].to_numpy(dtype=float),
                             id_order(chosen.index))[::-1]
        return chosen.iloc[order]

    @cached_property
    def lost(self) -> pd.DataFrame:
        """The lost customers, largest base profit first."""
        return self._status("lost", "profit_base")

    @cached_property
    def won(self) -> pd.DataFrame:
        """The new customers, largest current profit first."""
        return self._status("new", "profit_current")

    def _status(self, status: str, column: str) -> pd.DataFrame:
        chosen = self.customers[self.customers["status"] == status]
        return chosen.iloc[profit_order(chosen[column].to_numpy(dtype=float),
                                        id_order(chosen.index))]

    @cached_property
    def by_change(self) -> pd.DataFrame:
        """Every customer, largest change in profit (either way) first, ties by id."""
        change = self.customers["profit_change"].to_numpy(dtype=float)
        return self.customers.iloc[profit_order(np.abs(change), id_order(self.customers.index))]

    def migration(self) -> pd.DataFrame:
        """Customers counted by quadrant in the base period (rows, with ``new``) and in
        the current one (columns, with ``lost``): :data:`FROM_STATES` × :data:`TO_STATES`;
        ``unclassified`` for a customer in a period without a quadrant.

        >>> import pandas as pd
        >>> b = pd.DataFrame({"net_revenue": [1.0, 1.0], "net_margin": [1.0, 1.0],
        ...                   "cost_to_serve": [0.0, 0.0], "profit": [1.0, 1.0],
        ...                   "quadrant": ["passive", "aggressive"]}, index=["A", "B"])
        >>> m = compare_periods(b, b.iloc[:1].assign(quadrant="aggressive")).migration()
        >>> int(m.loc["passive", "aggressive"]), int(m.loc["aggressive", "lost"])
        (1, 1)
        """
        return self._migration.copy()

    @cached_property
    def _migration(self) -> pd.DataFrame:
        c = self.customers
        states = {state: i for i, state in enumerate(FROM_STATES)}
        targets = {state: i for i, state in enumerate(TO_STATES)}
        rows = np.where(c["status"] == "new", "new",
                        c["quadrant_base"].fillna("unclassified").astype(str))
        cols = np.where(c["status"] == "lost", "lost",
                        c["quadrant_current"].fillna("unclassified").astype(str))
        counts = np.zeros((len(FROM_STATES), len(TO_STATES)), dtype=np.int64)
        np.add.at(counts, (pd.Series(rows).map(states).fillna(states["unclassified"])
                           .to_numpy(dtype=np.int64),
                           pd.Series(cols).map(targets).fillna(targets["unclassified"])
                           .to_numpy(dtype=np.int64)), 1)
        return pd.DataFrame(counts, index=list(FROM_STATES), columns=list(TO_STATES))

    # -- exports ------------------------------------------------------------------------
    def export(self) -> pd.DataFrame:
        """``compare.csv``: :data:`COMPARE_COLUMNS`, one row per customer, by id."""
        frame = self.customers.reset_index()  # the customers are sorted by id
        frame["customer_id"] = frame["customer_id"].astype(str)
        return frame[list(COMPARE_COLUMNS)]

    def summary(self) -> dict:
        """``compare_summary.json``: profits, the bridge, counts by status and the
        quadrant migration matrix (``{from: {to: customers}}``)."""
        matrix = self.migration()
        return {
            "profit_base": self.bridge["profit_base"],
            "profit_current": self.bridge["profit_current"],
            "profit_change": self.profit_change,
            "bridge": {k: self.bridge[k] for k in BRIDGE_KEYS},
            "customers": self.counts(),
            "quadrant_migration": {row: {col: int(matrix.at[row, col]) for col in TO_STATES}
                                   for row in FROM_STATES},
        }


def change_table(base: pd.DataFrame, current: pd.DataFrame, key: str,
                 columns: tuple[str, ...], money: bool = True) -> pd.DataFrame:
    """Two periods' tables side by side on ``key`` (an activity, a resource...): for each
    of ``columns``, ``<column>_base``, ``<column>_current`` and ``<column>_change``
    (current - base, to the cent when ``money``; a row missing in a period counts 0
    there), in the current table's order, rows only in the base table after them.

    >>> import pandas as pd
    >>> b = pd.DataFrame({"activity": ["Order", "Visit"], "cost": [100.0, 40.0]})
    >>> c = pd.DataFrame({"activity": ["Order", "Call"], "cost": [130.0, 5.0]})
    >>> change_table(b, c, "activity", ("cost",)).to_dict("list")  # doctest: +NORMALIZE_WHITESPACE
    {'activity': ['Order', 'Call', 'Visit'], 'cost_base': [100.0, 0.0, 40.0],
     'cost_current': [130.0, 5.0, 0.0], 'cost_change': [30.0, 5.0, -40.0]}
    """
    keys = list(current[key]) + [k for k in base[key] if k not in set(current[key])]
    out = pd.DataFrame({key: keys})
    for column in columns:
        before = base.set_index(key)[column].astype(float).reindex(keys).fillna(0.0)
        after = current.set_index(key)[column].astype(float).reindex(keys).fillna(0.0)
        out[f"{column}_base"] = before.to_numpy()
        out[f"{column}_current"] = after.to_numpy()
        out[f"{column}_change"] = (
            from_cents(to_cents(after.to_numpy()) - to_cents(before.to_numpy())) if money
            else after.to_numpy() - before.to_numpy())
    return out


COMPARE_MODES = ("previous", "last_year", "custom")


def overlap(first: tuple[dt.date, dt.date], second: tuple[dt.date, dt.date]) -> bool:
    """Whether two periods (both ends included) share a day: compared, a customer's
    lines would count in both, and the bridge would mean nothing.

    >>> import datetime as dt
    >>> d = dt.date
    >>> overlap((d(2023, 1, 1), d(2023, 12, 31)), (d(2023, 12, 31), d(2024, 3, 1)))
    True
    >>> overlap((d(2023, 1, 1), d(2023, 12, 31)), (d(2024, 1, 1), d(2024, 3, 1)))
    False
    """
    return first[0] <= second[1] and second[0] <= first[1]


def comparison_period(start: dt.date, end: dt.date, mode: str) -> tuple[dt.date, dt.date]:
    """The period compared with ``start..end`` (both included): the ``previous`` period
    of the same length (the days just before; for whole calendar months, the same number
    of whole months before, so Q1 compares with Q4), or the same dates a year before
    (``last_year``; 29 February becomes the 28th, and a month's last day the last day of
    that month a year before).

    >>> import datetime as dt
    >>> comparison_period(dt.date(2024, 1, 1), dt.date(2024, 3, 31), "previous")
    (datetime.date(2023, 10, 1), datetime.date(2023, 12, 31))
    >>> comparison_period(dt.date(2024, 1, 10), dt.date(2024, 1, 19), "previous")
    (datetime.date(2023, 12, 31), datetime.date(2024, 1, 9))
    >>> comparison_period(dt.date(2024, 2, 29), dt.date(2024, 12, 31), "last_year")
    (datetime.date(2023, 2, 28), datetime.date(2023, 12, 31))
    >>> comparison_period(dt.date(2025, 2, 1), dt.date(2025, 2, 28), "last_year")
    (datetime.date(2024, 2, 1), datetime.date(2024, 2, 29))
    """
    if mode == "previous":
        if start.day == 1 and (end + dt.timedelta(days=1)).day == 1:
            months = (end.year - start.year) * 12 + end.month - start.month + 1
            first = start.year * 12 + start.month - 1 - months
            return dt.date(first // 12, first % 12 + 1, 1), start - dt.timedelta(days=1)
        days = (end - start).days + 1
        return start - dt.timedelta(days=days), start - dt.timedelta(days=1)
    if mode == "last_year":
        def back(day: dt.date) -> dt.date:
            try:
                return day.replace(year=day.year - 1)
            except ValueError:  # 29 February
                return day.replace(year=day.year - 1, day=28)

        def back_end(day: dt.date) -> dt.date:  # a month's last day stays its last day
            if (day + dt.timedelta(days=1)).day == 1:
                following = dt.date(day.year - 1 + day.month // 12, day.month % 12 + 1, 1)
                return following - dt.timedelta(days=1)
            return back(day)
        return back(start), back_end(end)
    raise ValueError(f"mode must be previous or last_year, not {mode!r}")


def _cents(frame: pd.DataFrame, column: str, index: pd.Index) -> np.ndarray:
    """Whole cents of ``frame[column]`` on ``index`` (0 where the customer is absent)."""
    if column not in frame.columns:
        raise KeyError(f"the P&L lacks the column {column}")
    values = frame[column].astype(float).reindex(index).fillna(0.0).to_numpy()
    return to_cents(values)


def _sorted_ids(index: pd.Index) -> pd.Index:
    """The ids sorted as text."""
    return index[np.argsort(index.astype(str).to_numpy(), kind="stable")]


def compare_periods(base: pd.DataFrame, current: pd.DataFrame) -> PeriodComparison:
    """Compare two periods' customer P&Ls (``analyse(...).pnl``: indexed by customer id,
    with ``net_revenue, net_margin, cost_to_serve, profit`` and optionally ``quadrant``
    and ``name``); see the module docstring for the rules.

    Raises
    ------
    KeyError
        A P&L without one of the four measures.
    """
    index = _sorted_ids(base.index.append(current.index).unique())
    index.name = "customer_id"
    in_base = base.index.get_indexer(index) >= 0  # not isin: it loops on Arrow strings
    in_current = current.index.get_indexer(index) >= 0
    cents = {}
    for measure in _MEASURES:
        cents[f"{measure}_base"] = _cents(base, measure, index)
        cents[f"{measure}_current"] = _cents(current, measure, index)
    r0, r1 = cents["net_revenue_base"], cents["net_revenue_current"]
    m0, m1 = cents["net_margin_base"], cents["net_margin_current"]
    p0, p1 = cents["profit_base"], cents["profit_current"]
    bought0, bought1 = r0 > 0, r1 > 0
    neither = ~bought0 & ~bought1
    new = (bought1 & ~bought0) | (neither & in_current & ~in_base)
    lost = (bought0 & ~bought1) | (neither & in_base & ~in_current)
    retained = ~new & ~lost
    status = np.where(new, "new", np.where(lost, "lost", "retained"))
    rate = np.divide(m0, r0, out=np.zeros(len(index)), where=r0 > 0)
    revenue_effect = int(to_cents(float(np.sum(((r1 - r0) * rate)[retained])) / 100.0))
    margin_change = (int(np.sum((m1 - m0)[retained])) + int(m1[lost].sum())
                     - int(m0[new].sum()))
    profit_base, profit_current = int(p0.sum()), int(p1.sum())
    steps = {
        "lost_customers": -int(p0[lost].sum()),
        "new_customers": int(p1[new].sum()),
        "revenue_effect": revenue_effect,
        "margin_effect": margin_change - revenue_effect,
    }
    # Per customer P = M - C: the rest is the cost-to-serve effect (see the module doc).
    steps["cost_to_serve_effect"] = profit_current - profit_base - sum(steps.values())
    bridge = {"profit_base": from_cents(profit_base),
              **{k: from_cents(v) for k, v in steps.items()},
              "profit_current": from_cents(profit_current)}
    frame = pd.DataFrame({"status": status}, index=index)
    for source in (current, base):
        if "name" in source.columns:
            names = source["name"].reindex(index)
            frame["name"] = names if "name" not in frame else frame["name"].fillna(names)
    for key, values in cents.items():
        frame[key] = from_cents(values)
    frame["profit_change"] = from_cents(p1 - p0)
    for label, source in (("quadrant_base", base), ("quadrant_current", current)):
        frame[label] = (source["quadrant"].reindex(index).astype(object)
                        if "quadrant" in source.columns else None)
    return PeriodComparison(customers=frame, bridge=bridge)


__all__ = ["BRIDGE_KEYS", "BRIDGE_LABELS", "COMPARE_COLUMNS", "COMPARE_MODES", "FROM_STATES",
           "STATE_LABELS", "STATUSES", "TO_STATES", "PeriodComparison", "change_table",
           "compare_periods", "comparison_period", "overlap"]
