"""Every number traceable: the totals the pages show, reconciled with their sources.

Two reconciliations behind the Cost to serve page:

* :func:`resource_reconciliation`: per resource, its cost over the period = the cost
  assigned to customers (the customer P&L's own cent amounts, for the selected customers
  and for those a segment or region filter leaves out) + the cost of unused capacity +
  the rounding of the customers' amounts to the cent. The ``difference`` is computed
  apart, from the unrounded amounts (resource cost − unused capacity cost − Σ driver
  quantity × rate over the customers), so it is 0.00 exactly when every minute the
  capacity report counts as used is charged to some customer;
* :func:`totals_reconciliation`: list revenue, net revenue and COGS summed straight from
  the loaded invoice lines against the sum of the per-customer table, same period.

Money is compared in whole cents (:mod:`analytics.money`).

Example
-------
>>> import pandas as pd
>>> from analytics.analysis import analyse
>>> customers = pd.DataFrame({"list_revenue": [100.0, 50.0], "net_revenue": [90.0, 50.0],
...     "cogs": [40.0, 20.0]}, index=pd.Index(["A", "B"], name="customer_id"))
>>> volumes = pd.DataFrame({"Order": [2.0, 1.0]}, index=customers.index)
>>> rates = pd.DataFrame({"activity": ["Order"], "resource": ["Service"],
...                       "unit_time": [40.0]})
>>> resources = pd.DataFrame({"resource": ["Service"], "cost": [560.0],
...                           "capacity": [700.0]})
>>> result = analyse(customers, volumes, rates, resources)
>>> table = resource_reconciliation(result.capacity, result.rate_table, result.pnl,
...                                 volumes)
>>> table[["cost", "assigned", "unused_cost", "difference", "reconciles"]].values.tolist()
[[560.0, 96.0, 464.0, 0.0, True]]
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from analytics.money import from_cents, to_cents
from analytics.pnl import CTS_PREFIX

RESOURCE_COLUMNS = (
    "resource",
    "cost",
    "assigned",
    "assigned_outside",
    "unused_cost",
    "rounding",
    "difference",
    "amounts",
    "reconciles",
)
TOTALS_COLUMNS = ("measure", "lines", "customers", "customers_outside", "difference",
                  "reconciles")
TOTAL_MEASURES = {"list_revenue": "List revenue", "net_revenue": "Net revenue",
                  "cogs": "COGS"}


def _require(frame: pd.DataFrame, columns, what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise KeyError(f"{what} lacks column(s): {', '.join(missing)}")


def _split(index: pd.Index, selected) -> np.ndarray:
    """True for the rows in ``selected`` (every row when it is None)."""
    if selected is None:
        return np.ones(len(index), dtype=bool)
    return index.isin(pd.Index(selected))


def resource_reconciliation(
    capacity: pd.DataFrame,
    rate_table: pd.DataFrame,
    pnl: pd.DataFrame,
    volumes: pd.DataFrame,
    selected=None,
) -> pd.DataFrame:
    """Per resource: cost = assigned to customers + unused capacity, to the cent.

    Parameters
    ----------
    capacity : the capacity report (:func:`analytics.tdabc.capacity_usage`): ``resource,
        cost, unused_cost`` for the period, measured over every customer.
    rate_table : from :func:`analytics.tdabc.activity_rates`.
    pnl : the customer P&L of *every* customer in the period (no segment or region
        filter), with its ``cts_<activity>`` columns.
    volumes : the driver quantities it was costed on (customers x activities).
    selected : the customers of the current selection (None: all of ``pnl``); the rest
        are reported as ``assigned_outside``.

    Returns
    -------
    DataFrame with :data:`RESOURCE_COLUMNS`, one row per resource, money to the cent:
    ``cost = assigned + assigned_outside + unused_cost + rounding + difference`` holds
    exactly in cents. ``rounding`` is what rounding each customer's amount to the cent
    added, taken back (at most half a cent per amount; ``amounts`` counts them);
    ``difference`` is computed from the unrounded amounts, and ``reconciles`` is True
    when it is 0.00 and the rounding within its bound.
    """
    _require(capacity, ("resource", "cost", "unused_cost"), "capacity")
    _require(rate_table, ("activity", "resource", "rate"), "rate_table")
    inside = _split(pnl.index, selected)
    quantities = volumes.reindex(index=pnl.index).fillna(0.0)
    rows = []
    for report in capacity.itertuples(index=False):
        on_it = rate_table[rate_table["resource"] == report.resource]
        activities = [a for a in on_it["activity"] if CTS_PREFIX + str(a) in pnl.columns]
        if activities:
            cents = to_cents(pnl[[CTS_PREFIX + str(a) for a in activities]].to_numpy())
            rate = on_it.set_index("activity").loc[activities, "rate"].to_numpy(dtype=float)
            quantity = quantities.reindex(columns=activities, fill_value=0.0).to_numpy(float)
            # The P&L's product (analytics.tdabc.cost_by_activity), before rounding.
            exact = math.fsum((quantity * rate).ravel())
        else:
            cents, exact = np.zeros((len(pnl), 0), dtype=np.int64), 0.0
        assigned = int(cents[inside].sum())
        outside = int(cents[~inside].sum())
        cost = to_cents(float(report.cost))
        unused = to_cents(float(report.unused_cost))
        difference = to_cents(float(report.cost) - float(report.unused_cost) - exact)
        rounding = cost - assigned - outside - unused - difference
        amounts = int(np.count_nonzero(cents))
        # Half a cent per customer amount, and a cent for rounding the three totals.
        within = abs(rounding) <= amounts / 2 + 2
        rows.append({
            "resource": report.resource,
            "cost": from_cents(cost),
            "assigned": from_cents(assigned),
            "assigned_outside": from_cents(outside),
            "unused_cost": from_cents(unused),
            "rounding": from_cents(rounding),
            "difference": from_cents(difference),
            "amounts": amounts,
            "reconciles": bool(difference == 0 and within),
        })
    return pd.DataFrame(rows, columns=list(RESOURCE_COLUMNS))


def totals_reconciliation(
    line_totals: dict[str, float], customers: pd.DataFrame, selected=None
) -> pd.DataFrame:
    """The loaded invoice lines' totals against the per-customer table's, to the cent.

    Parameters
    ----------
    line_totals : ``list_revenue, net_revenue, cogs`` summed straight from the loaded
        invoice lines in the period.
    customers : the per-customer table of *every* customer in the period (with or
        without master data, no segment or region filter).
    selected : the customers of the current selection (None: all); the rest are
        ``customers_outside``.

    Returns
    -------
    DataFrame with :data:`TOTALS_COLUMNS`, one row per measure: ``difference`` = lines
    − customers − customers_outside in whole cents, ``reconciles`` when it is 0.

    Example
    -------
    >>> customers = pd.DataFrame({"list_revenue": [110.0, 5.0], "net_revenue": [100.0, 5.0],
    ...                           "cogs": [60.0, 1.0]}, index=["A", "B"])
    >>> lines = {"list_revenue": 115.0, "net_revenue": 105.0, "cogs": 61.0}
    >>> table = totals_reconciliation(lines, customers, selected=["A"])
    >>> table[["measure", "customers", "customers_outside", "difference"]].values.tolist()
    [['List revenue', 110.0, 5.0, 0.0], ['Net revenue', 100.0, 5.0, 0.0], \
['COGS', 60.0, 1.0, 0.0]]
    """
    inside = _split(customers.index, selected)
    rows = []
    for key, label in TOTAL_MEASURES.items():
        if key not in line_totals or key not in customers.columns:
            continue
        cents = to_cents(customers[key].fillna(0.0).to_numpy(dtype=float))
        lines = to_cents(float(line_totals[key]))
        mine, others = int(cents[inside].sum()), int(cents[~inside].sum())
        difference = lines - mine - others
        rows.append({
            "measure": label,
            "lines": from_cents(lines),
            "customers": from_cents(mine),
            "customers_outside": from_cents(others),
            "difference": from_cents(difference),
            "reconciles": difference == 0,
        })
    return pd.DataFrame(rows, columns=list(TOTALS_COLUMNS))


def reconciliation_sentence(resources: pd.DataFrame, totals: pd.DataFrame) -> str:
    """What the two reconciliations say, in one plain sentence.

    >>> resources = pd.DataFrame({"reconciles": [True, True]})
    >>> totals = pd.DataFrame({"reconciles": [True, True, True]})
    >>> reconciliation_sentence(resources, totals)
    'Every resource and every revenue and COGS total reconciles to the cent.'
    """
    bad_resources = int((~resources["reconciles"].astype(bool)).sum()) if len(resources) else 0
    bad_totals = int((~totals["reconciles"].astype(bool)).sum()) if len(totals) else 0
    if not bad_resources and not bad_totals:
        return "Every resource and every revenue and COGS total reconciles to the cent."
    parts = []
    if bad_resources:
        parts.append(f"{bad_resources} resource(s)")
    if bad_totals:
        parts.append(f"{bad_totals} revenue or COGS total(s)")
    return " and ".join(parts) + " do not reconcile: see the Difference column."
