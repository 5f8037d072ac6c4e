"""Robust rankings: which customers stay profitable, or unprofitable, if the rates are off.

Activity rates are estimates (a unit time, a capacity cost rate, a ``cost_per_unit``).
With a rate uncertainty of ``pct`` %, each customer is

- ``robust_profitable`` when its operating profit stays above zero with every activity
  rate ``pct`` % higher,
- ``robust_unprofitable`` when it stays below zero with every rate ``pct`` % lower,
- ``sensitive`` otherwise: some rate error within ±``pct`` % flips its sign.

A customer's cost to serve is Σ usage × rate, so every rate ``pct`` % higher scales its
cost to serve by 1 + ``pct``/100. Rates that move independently cannot do worse: each
activity's cost moves by at most ``pct`` % of itself, so the worst case is
``profit - pct/100 × Σ |cost of each activity|`` and the best ``profit + pct/100 ×
Σ |cost of each activity|`` (the absolute value only matters for an activity whose cost
is negative, a credit, which a *lower* rate makes costlier). "Robust" therefore holds
under *any* mix of independent rate errors within ±``pct`` %, not only the uniform one.

**Zero and the edges.** Profits are compared in whole cents (:mod:`analytics.money`,
half away from zero). Robust means strictly on one side: a stressed profit of exactly 0
cents is neither a profit nor a loss, so that customer is ``sensitive``. At ``pct`` = 0
the classes are today's signs: profit > 0 cents robust profitable, < 0 robust
unprofitable, exactly 0 sensitive (the only sensitive customers). ``pct`` runs from 0 to
100: a rate more than 100 % lower would be negative.

**Unused capacity** is not assigned to customers (:mod:`analytics.tdabc`), so it is no
part of a customer's profit and is not varied here. A rate error moves cost between the
customers and the unused capacity of the resource (its spending is what it is), so these
classes speak about each customer's sign, not about the company's profit.

**Monte Carlo** (:func:`unprofitable_probability`): each draw gives every activity an
independent error e, *uniform* in ±``pct`` % and the same for every customer (a rate is
one number per activity), so each customer's cost becomes Σ cost of activity × (1 + e).
Its probability of being unprofitable is the share of draws in which its profit is below
zero cents. Uniform errors stay inside the ±``pct`` % box, so robust customers get
exactly 0 (robust profitable) or 1 (robust unprofitable).

Example
-------
>>> import pandas as pd
>>> pnl = pd.DataFrame({"profit": [50.0, -50.0, 5.0, 0.0],
...                     "cts_Order": [100.0, 100.0, 100.0, 100.0]},
...                    index=pd.Index(["A", "B", "C", "D"], name="customer_id"))
>>> classify_robustness(pnl, 10).tolist()
['robust_profitable', 'robust_unprofitable', 'sensitive', 'sensitive']
>>> robustness_counts(classify_robustness(pnl, 10), pnl["profit"])
{'robust_profitable': 1, 'robust_unprofitable': 1, 'sensitive': 2, 'unprofitable': 1}
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from analytics.money import whole_cents
from analytics.pnl import activity_columns

ROBUST_PROFITABLE = "robust_profitable"
ROBUST_UNPROFITABLE = "robust_unprofitable"
SENSITIVE = "sensitive"
CATEGORIES = (ROBUST_PROFITABLE, ROBUST_UNPROFITABLE, SENSITIVE)
LABELS = {
    ROBUST_PROFITABLE: "Robust profitable",
    ROBUST_UNPROFITABLE: "Robust unprofitable",
    SENSITIVE: "Sensitive",
}
DEFAULT_PCT = 10.0
MAX_PCT = 100.0
# Cells of the customers x draws matrix held at once by the Monte Carlo (8 bytes each).
BATCH_CELLS = 2_000_000


def check_pct(pct: object) -> float:
    """``pct`` as a float, or ValueError saying what is allowed (0 to 100, finite).

    >>> check_pct("12.5")
    12.5
    >>> check_pct(-1)
    Traceback (most recent call last):
    ...
    ValueError: must be a number from 0 to 100, not -1
    """
    try:
        value = float(pct)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        value = math.nan
    if not (math.isfinite(value) and 0.0 <= value <= MAX_PCT):
        raise ValueError(f"must be a number from 0 to {MAX_PCT:g}, not {pct}")
    return value


def activity_costs(pnl: pd.DataFrame) -> np.ndarray:
    """Each customer's cost per activity (customers x activities): the ``cts_<activity>``
    columns, or ``cost_to_serve`` as a single column when the P&L has none."""
    columns = activity_columns(pnl)
    if columns:
        return pnl[columns].to_numpy(dtype=float)
    if "cost_to_serve" in pnl.columns:
        return pnl[["cost_to_serve"]].to_numpy(dtype=float)
    raise KeyError("pnl lacks cts_<activity> columns and cost_to_serve")


def rate_exposure(pnl: pd.DataFrame) -> np.ndarray:
    """Σ |cost of each activity| per customer: how far 1 % on every rate can move its
    profit, in hundreds (for non-negative costs, its cost to serve)."""
    costs = activity_costs(pnl)
    return np.abs(costs).sum(axis=1) if costs.shape[1] else np.zeros(len(pnl))


def stressed_profits(pnl: pd.DataFrame, pct: float) -> tuple[np.ndarray, np.ndarray]:
    """Each customer's profit at the worst and at the best rates within ±``pct`` %, in
    whole cents (floats).

    >>> pnl = pd.DataFrame({"profit": [5.0], "cost_to_serve": [100.0]})
    >>> [c.tolist() for c in stressed_profits(pnl, 10)]
    [[-500.0], [1500.0]]
    """
    pct = check_pct(pct)
    if "profit" not in pnl.columns:
        raise KeyError("pnl lacks column: profit")
    profit = pnl["profit"].to_numpy(dtype=float)
    swing = (pct / 100.0) * rate_exposure(pnl)
    return whole_cents(profit - swing), whole_cents(profit + swing)


def classify_robustness(pnl: pd.DataFrame, pct: float) -> pd.Series:
    """Each customer's robustness class (see the module docstring), indexed like ``pnl``.

    Parameters
    ----------
    pnl : indexed by ``customer_id``; ``profit`` and the ``cts_<activity>`` columns
        (:func:`analytics.pnl.customer_pnl`), or ``cost_to_serve`` without them.
    pct : rate uncertainty in % (0 to 100).
    """
    worst, best = stressed_profits(pnl, pct)
    labels = np.where(worst > 0, ROBUST_PROFITABLE,
                      np.where(best < 0, ROBUST_UNPROFITABLE, SENSITIVE))
    return pd.Series(labels.astype(object), index=pnl.index, name="robustness")


def robustness_counts(classes: pd.Series, profit) -> dict[str, int]:
    """Customers per class, and ``unprofitable``: those losing money today (profit below
    zero cents), of whom the robust unprofitable are a part."""
    counts = classes.value_counts()
    out = {c: int(counts.get(c, 0)) for c in CATEGORIES}
    out["unprofitable"] = int((whole_cents(profit) < 0).sum())
    return out


def unprofitable_probability(
    pnl: pd.DataFrame, pct: float, draws: int, seed: int | None = 0,
    *, batch_cells: int = BATCH_CELLS,
) -> pd.Series:
    """Each customer's probability of being unprofitable under random rate errors.

    ``draws`` draws of independent per-activity errors, uniform in ±``pct`` % (see the
    module docstring), from ``numpy.random.default_rng(seed)``: the same seed gives the
    same probabilities, whatever ``batch_cells`` (the draws are taken in batches of at
    most ``batch_cells`` customer x draw cells, so memory stays bounded).

    >>> pnl = pd.DataFrame({"profit": [50.0, -50.0, 0.0], "cts_Order": [100.0] * 3})
    >>> unprofitable_probability(pnl, 10, draws=1000, seed=1).round(1).tolist()
    [0.0, 1.0, 0.5]
    """
    pct = check_pct(pct)
    if draws < 1:
        raise ValueError("draws must be at least 1")
    costs = activity_costs(pnl)
    profit = pnl["profit"].to_numpy(dtype=float)
    n, k = costs.shape
    losing = np.zeros(n, dtype=np.int64)
    rng = np.random.default_rng(seed)
    batch = max(1, min(draws, batch_cells // max(n, 1)))
    done = 0
    while done < draws:
        size = min(batch, draws - done)
        # Drawn (draws, activities) so that the stream, hence the answer, does not
        # depend on the batch size.
        errors = rng.uniform(-1.0, 1.0, size=(size, k)) * (pct / 100.0)
        moved = profit[:, None] - costs @ errors.T  # customers x draws
        losing += (whole_cents(moved) < 0).sum(axis=1)
        done += size
    return pd.Series(losing / draws, index=pnl.index, name="p_unprofitable")


def robustness_summary(classes: pd.Series, profit, pct: float,
                       probability: pd.Series | None = None,
                       draws: int | None = None, seed: int | None = None) -> dict:
    """The ``robustness`` block of the report's summary JSON."""
    out: dict = {"rate_uncertainty_pct": check_pct(pct), **robustness_counts(classes, profit)}
    if probability is not None:
        out["monte_carlo"] = {
            "draws": draws,
            "seed": seed,
            "errors": "independent per activity, uniform in ±rate_uncertainty_pct",
            "expected_unprofitable": round(float(probability.sum()), 2),
            "customers_p_unprofitable_over_half": int((probability > 0.5).sum()),
        }
    return out


def robustness_sentence(counts: dict[str, int], pct: float) -> str | None:
    """The Overview's sentence: how many loss-making customers lose money whatever the
    rate error; None when the uncertainty is off (``pct`` = 0).

    >>> text = robustness_sentence({"robust_unprofitable": 312, "unprofitable": 402}, 10)
    >>> text[:78]
    '312 of the 402 loss-making customers lose money even with every activity rate '
    >>> text[78:127]
    '10% lower (or any mix of rate errors within ±10%)'
    >>> text[127:]
    '; the other 90 could break even if the rates are overstated.'
    """
    if pct == 0:
        return None
    size = f"{pct:g}%"
    losing, robust = counts["unprofitable"], counts[ROBUST_UNPROFITABLE]
    if losing == 0:
        return "No customer loses money today."
    rest = losing - robust
    if losing == 1:
        who = "The one loss-making customer"
    else:
        who = f"{robust:,} of the {losing:,} loss-making customers"
    if robust == 0:
        if losing == 1:
            return f"{who} could break even if every activity rate were {size} lower."
        return (f"None of the {losing:,} loss-making customers is sure to lose money: each "
                f"could break even if every activity rate were {size} lower.")
    verb = "loses" if robust == 1 else "lose"
    sentence = (f"{who} {verb} money even with every activity rate {size} lower (or any "
                f"mix of rate errors within ±{size})")
    if rest:
        sentence += f"; the other {rest:,} could break even if the rates are overstated"
    return sentence + "."
