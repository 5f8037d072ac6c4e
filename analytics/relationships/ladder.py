"""The loyalty ladder (Narayandas, HBR 2005): customers placed on rungs from evidence.

Each rung has, per customer, evidence True (met), False (not met) or NA (not
assessable for that customer). Default ladder, bottom up:

1. ``repurchases`` - bought (positive net revenue) in at least two calendar years of
   the period;
2. ``grows`` - net revenue in the period's last 12 months above the 12 months before;
3. ``refers`` - customers column ``referrals`` > 0; an empty cell is no evidence of word
   of mouth, so *not met* (the one rung where a missing cell counts as False);
4. ``stays`` - bought in each of the last three calendar years of the period;
5. ``pays_premium`` - price index >= 1 (NA where the customer has no price index);
6. ``collaborates`` - customers column ``co_development`` true (NA where empty);
7. ``invests`` - customers column ``invests`` true (NA where empty).

A rung whose evidence is NA for every customer (the column is not in the data, the
period is too short) is *skipped* and reported with the reason. A customer's rung is the
highest rung it meets such that every assessable rung below it is met too: climbing
stops at the first False; an NA rung is stepped over without counting. Rung 0 is "not
on the ladder". Rungs are numbered by their place in the chosen ladder (skipped ones
keep their number).

Example
-------
>>> import pandas as pd
>>> evidence = pd.DataFrame({"repurchases": [True, True, False],
...                          "grows": [True, pd.NA, True],
...                          "refers": [False, True, True]},
...                         index=["A", "B", "C"], dtype="boolean")
>>> place_on_ladder(evidence, ("repurchases", "grows", "refers")).rungs.tolist()
[2, 3, 0]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analytics.money import round_money


@dataclass(frozen=True)
class Rung:
    """One rung: its key, label, and what the data needs to assess it."""

    key: str
    label: str
    needs: str


RUNGS: dict[str, Rung] = {r.key: r for r in (
    Rung("repurchases", "Repurchases", "a period covering at least two calendar years"),
    Rung("grows", "Grows the relationship", "at least 24 months of data in the period"),
    Rung("refers", "Gives word of mouth", "the customers column referrals"),
    Rung("stays", "Resists competitors", "a period covering at least three calendar years"),
    Rung("pays_premium", "Pays premiums",
         "product_id and quantity in the transactions (the price index)"),
    Rung("collaborates", "Collaborates on new products", "the customers column co_development"),
    Rung("invests", "Invests in the supplier", "the customers column invests"),
)}
DEFAULT_LADDER = tuple(RUNGS)
NOT_ON_LADDER = "not_on_ladder"


def _bools(values, index) -> pd.Series:
    return pd.Series(pd.array(values, dtype="boolean"), index=index)


def _unknown(index) -> pd.Series:
    return _bools([pd.NA] * len(index), index)


def bought_by_year(customer_years: pd.DataFrame, index, years: Sequence[int]) -> pd.DataFrame:
    """customers x years: whether the customer had positive net revenue that year.

    >>> import pandas as pd
    >>> rows = pd.DataFrame({"customer_id": ["A", "A", "B"], "year": [2024, 2025, 2025],
    ...                      "net_revenue": [5.0, -1.0, 2.0]})
    >>> bought_by_year(rows, pd.Index(["A", "B"]), [2024, 2025]).values.tolist()
    [[True, False], [False, True]]
    """
    years = list(years)
    positive = customer_years["net_revenue"].to_numpy(dtype=float) > 0
    rows = index.get_indexer(customer_years["customer_id"].to_numpy()[positive])
    cols = pd.Index(years).get_indexer(customer_years["year"].to_numpy()[positive])
    keep = (rows >= 0) & (cols >= 0)
    table = np.zeros((len(index), len(years)), dtype=bool)
    table[rows[keep], cols[keep]] = True  # vectorised: a crosstab is seconds at 100,000
    return pd.DataFrame(table, index=index, columns=years)


def ladder_evidence(
    index: pd.Index,
    customers: pd.DataFrame,
    customer_years: pd.DataFrame,
    years: Sequence[int],
    price_index: pd.Series | None = None,
    revenue_last12: pd.Series | None = None,
    revenue_prior12: pd.Series | None = None,
) -> pd.DataFrame:
    """Each default rung's evidence per customer (nullable booleans, NA = not assessable).

    Parameters
    ----------
    index : the customers to place (customer ids).
    customers : attributes by customer id; ``referrals``, ``co_development`` and
        ``invests`` are read when present.
    customer_years : ``customer_id, year, net_revenue`` per customer and calendar year.
    years : the calendar years the period covers, in order.
    price_index : customer id -> price index (NaN where unknown); None if not available.
    revenue_last12, revenue_prior12 : net revenue per customer in the period's last 12
        months and the 12 before; None when the period is shorter than 24 months.

    Examples
    --------
    >>> import pandas as pd
    >>> ids = pd.Index(["A", "B"], name="customer_id")
    >>> years = pd.DataFrame({"customer_id": ["A", "A", "B"], "year": [2024, 2025, 2025],
    ...                       "net_revenue": [5.0, 6.0, 9.0]})
    >>> attrs = pd.DataFrame({"referrals": [float("nan"), 2.0]}, index=ids)
    >>> ev = ladder_evidence(ids, attrs, years, [2024, 2025])
    >>> ev["repurchases"].tolist(), ev["refers"].tolist(), ev["stays"].isna().all()
    ([True, False], [False, True], np.True_)
    """
    years = list(years)
    evidence = {}
    bought = bought_by_year(customer_years, index, years)
    if len(years) >= 2:
        evidence["repurchases"] = _bools(bought.sum(axis=1).to_numpy() >= 2, index)
    else:
        evidence["repurchases"] = _unknown(index)
    if revenue_last12 is not None and revenue_prior12 is not None:
        last = revenue_last12.reindex(index).fillna(0.0).to_numpy(dtype=float)
        prior = revenue_prior12.reindex(index).fillna(0.0).to_numpy(dtype=float)
        evidence["grows"] = _bools(last > prior, index)
    else:
        evidence["grows"] = _unknown(index)
    if "referrals" in customers.columns and customers["referrals"].notna().any():
        referrals = pd.to_numeric(customers["referrals"], errors="coerce").reindex(index)
        evidence["refers"] = _bools((referrals.fillna(0.0) > 0).to_numpy(), index)
    else:
        evidence["refers"] = _unknown(index)
    if len(years) >= 3:
        evidence["stays"] = _bools(bought[years[-3:]].all(axis=1).to_numpy(), index)
    else:
        evidence["stays"] = _unknown(index)
    if price_index is not None:
        prices = price_index.reindex(index).astype(float)
        premium = pd.array(prices.to_numpy() >= 1.0, dtype="boolean")
        premium[prices.isna().to_numpy()] = pd.NA
        evidence["pays_premium"] = pd.Series(premium, index=index)
    else:
        evidence["pays_premium"] = _unknown(index)
    for rung, column in (("collaborates", "co_development"), ("invests", "invests")):
        if column in customers.columns:
            evidence[rung] = pd.Series(
                customers[column].astype("boolean").reindex(index).array, index=index)
        else:
            evidence[rung] = _unknown(index)
    return pd.DataFrame(evidence, index=index)


@dataclass(frozen=True)
class Ladder:
    """Customers placed on a ladder.

    ``rungs`` is each customer's rung number (0 = not on the ladder), ``ladder`` the
    rung keys in order, ``skipped`` the rungs left out with the reason.
    """

    rungs: pd.Series
    ladder: tuple[str, ...]
    skipped: dict[str, str] = field(default_factory=dict)

    def names(self) -> pd.Series:
        """Each customer's rung key (``not_on_ladder`` for rung 0)."""
        keys = np.array((NOT_ON_LADDER, *self.ladder), dtype=object)
        return pd.Series(keys[self.rungs.to_numpy()], index=self.rungs.index,
                         name="loyalty_rung_name")


def check_ladder(ladder: Sequence[str]) -> tuple[str, ...]:
    """The ladder's rung keys, checked: known rungs, each once, at least one.

    >>> check_ladder(["repurchases", "refers", "pays_premium"])  # Unitech's three rungs
    ('repurchases', 'refers', 'pays_premium')
    """
    ladder = tuple(ladder)
    if not ladder:
        raise ValueError("a ladder needs at least one rung")
    unknown = [r for r in ladder if r not in RUNGS]
    if unknown:
        raise ValueError(f"unknown rung(s): {', '.join(unknown)} (known: {', '.join(RUNGS)})")
    if len(set(ladder)) != len(ladder):
        raise ValueError("a rung appears twice in the ladder")
    return ladder


def place_on_ladder(evidence: pd.DataFrame, ladder: Sequence[str] = DEFAULT_LADDER) -> Ladder:
    """Each customer's rung on ``ladder`` (rung keys in order, bottom up).

    Parameters
    ----------
    evidence : customers x rung keys, nullable booleans (see :func:`ladder_evidence`).
    ladder : the rungs in order; a custom ladder may pick and reorder them.

    Examples
    --------
    >>> import pandas as pd
    >>> ev = pd.DataFrame({"refers": [True, False], "stays": [pd.NA, pd.NA]},
    ...                   index=["A", "B"], dtype="boolean")
    >>> placed = place_on_ladder(ev, ["refers", "stays"])
    >>> placed.rungs.tolist(), placed.names().tolist(), list(placed.skipped)
    ([1, 0], ['refers', 'not_on_ladder'], ['stays'])
    """
    ladder = check_ladder(ladder)
    rungs = np.zeros(len(evidence), dtype=np.int64)
    climbing = np.ones(len(evidence), dtype=bool)
    skipped = {}
    for number, key in enumerate(ladder, start=1):
        column = evidence[key].astype("boolean") if key in evidence.columns else None
        if column is None or column.isna().all():
            skipped[key] = f"skipped: needs {RUNGS[key].needs}"
            continue
        known = column.notna().to_numpy()
        met = column.fillna(False).to_numpy(dtype=bool)
        climbing &= ~(known & ~met)  # the first False stops the climb
        rungs[climbing & met] = number
    return Ladder(pd.Series(rungs, index=evidence.index, name="loyalty_rung"), ladder, skipped)


LADDER_COLUMNS = ("rung", "name", "customers", "avg_revenue", "avg_profit")


def ladder_table(placed: Ladder, pnl: pd.DataFrame, rung_cost: float | None = None
                 ) -> pd.DataFrame:
    """Per rung: customers, average net revenue and profit, and the return on effort.

    Columns :data:`LADDER_COLUMNS`, then ``skipped``, ``revenue_gain`` and
    ``profit_gain`` (average on this rung minus on the assessed rung below),
    ``return_on_effort_pct`` = 100 x (profit gain - rung cost) / rung cost, given the
    cost of moving one customer up a rung. A skipped rung's figures are empty (NA), as
    are averages and returns over no customers.

    Examples
    --------
    >>> import pandas as pd
    >>> placed = Ladder(pd.Series([0, 1, 1], index=["A", "B", "C"]), ("repurchases",))
    >>> pnl = pd.DataFrame({"net_revenue": [10.0, 100.0, 300.0],
    ...                     "profit": [1.0, 20.0, 40.0]}, index=["A", "B", "C"])
    >>> table = ladder_table(placed, pnl, rung_cost=10.0)
    >>> table[["rung", "customers", "avg_profit", "return_on_effort_pct"]].values.tolist()
    [[0, 1, 1.0, nan], [1, 2, 30.0, 190.0]]
    """
    rungs = placed.rungs.reindex(pnl.index)
    revenue = pnl["net_revenue"].astype(float)
    profit = pnl["profit"].astype(float)
    rows = []
    below = None  # the averages of the assessed rung below
    for number, key in enumerate((NOT_ON_LADDER, *placed.ladder)):
        row = {"rung": number, "name": key, "skipped": key in placed.skipped}
        if row["skipped"]:
            row.update(customers=pd.NA, avg_revenue=np.nan, avg_profit=np.nan,
                       revenue_gain=np.nan, profit_gain=np.nan, return_on_effort_pct=np.nan)
            rows.append(row)
            continue
        members = (rungs == number).to_numpy()
        count = int(members.sum())
        avg_revenue = float(revenue[members].mean()) if count else np.nan
        avg_profit = float(profit[members].mean()) if count else np.nan
        row.update(customers=count, avg_revenue=round_money(avg_revenue),
                   avg_profit=round_money(avg_profit))
        if below is None:
            row.update(revenue_gain=np.nan, profit_gain=np.nan, return_on_effort_pct=np.nan)
        else:
            gain = avg_profit - below[1]
            row["revenue_gain"] = round_money(avg_revenue - below[0])
            row["profit_gain"] = round_money(gain)
            row["return_on_effort_pct"] = (
                100.0 * (gain - rung_cost) / rung_cost
                if rung_cost is not None and rung_cost > 0 and np.isfinite(gain) else np.nan)
        below = (avg_revenue, avg_profit)
        rows.append(row)
    table = pd.DataFrame(rows)
    table["customers"] = table["customers"].astype("Int64")
    columns = [*LADDER_COLUMNS, "skipped", "revenue_gain", "profit_gain",
               "return_on_effort_pct"]
    return table[columns]
