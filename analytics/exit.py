"""Exit or transform: what a set of customers leaving would do to company profit.

When customers leave, their net revenue goes, and their COGS and *avoidable* cost go with
them: the cost of direct-cost activities (``cost_per_unit``, freight say). Their cost on
*timed* activities (performed on a resource) does not: the resource's capacity is paid
for used or not, so that cost stays as unused capacity, *stranded*, until someone cuts
the capacity (DOMAIN.md §3).

Formulas, per customer, in whole cents (revenue and COGS rounded per value by
:mod:`analytics.money`, each activity's cost as the P&L assigns it), so the rows add up
to the summary exactly:

- revenue lost = net revenue; COGS saved = COGS;
- avoidable cost saved = its cost on direct-cost activities (no resource);
- capacity cost stranded = its cost on timed activities (on a resource);
- profit = revenue - COGS - avoidable cost - stranded cost;
- profit change, capacity kept = -(revenue - COGS - avoidable cost);
- profit change, capacity cut = -profit = profit change, capacity kept + stranded cost.

Capacity to cut, per resource: stranded time = driver quantity x unit time, in the
resource's capacity unit; stranded cost as above. The *break-even cut* is the loss with
capacity kept (-profit change, capacity kept), apportioned over the resources in
proportion to their stranded cost (whole cents, largest remainder), in time via the
resource's capacity cost rate. When that loss is zero or less, no cut is needed; when it
exceeds the stranded cost (the set is profitable), cutting all their stranded capacity
is not enough: profit still falls by their profit.

*Transform* is the other way: a pricing scenario applied to these customers only
(:func:`transform_outcome`).

Example
-------
>>> import pandas as pd
>>> from analytics.analysis import analyse
>>> ids = pd.Index(["A", "B"], name="customer_id")
>>> customers = pd.DataFrame({"list_revenue": [100.0, 300.0], "net_revenue": [100.0, 300.0],
...                           "cogs": [60.0, 100.0]}, index=ids)
>>> volumes = pd.DataFrame({"Order": [2.0, 1.0], "Freight": [1.0, 1.0]}, index=ids)
>>> rates = pd.DataFrame({"activity": ["Order", "Freight"], "resource": ["CS", None],
...                       "unit_time": [50.0, None], "cost_per_unit": [None, 10.0]})
>>> resources = pd.DataFrame({"resource": ["CS"], "cost": [1000.0], "capacity": [2000.0]})
>>> today = analyse(customers, volumes, rates, resources)
>>> out = exit_outcome(today, volumes, choose(today.pnl, customers=["A"]))
>>> s = out.summary()
>>> s["avoidable_cost_saved"], s["capacity_cost_stranded"], s["profit"]
(10.0, 50.0, -20.0)
>>> s["profit_change_capacity_kept"], s["profit_change_capacity_cut"]
(-30.0, 20.0)
>>> s["break_even"]["status"], s["capacity_to_cut"][0]["break_even_cut_time"]
('partial', 60.0)
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from analytics.metrics import format_money
from analytics.money import from_cents, to_cents
from analytics.pnl import CTS_PREFIX
from analytics.quadrants import LABELS, QUADRANTS
from analytics.ranking import rank_customers
from analytics.scenario import Scenario, ScenarioBase, ScenarioResult, Scope

SELECTORS = ("customers", "quadrant", "bottom_pct", "segment")
# Break-even status: no cut needed; a share of their stranded capacity; more than all of it.
BREAK_EVEN = ("not_needed", "partial", "not_enough")
EXIT_COLUMNS = (
    "customer_id",
    "name",
    "segment",
    "quadrant",
    "net_revenue",
    "cogs",
    "avoidable_cost",
    "stranded_capacity_cost",
    "cost_to_serve",
    "profit",
    "profit_change_capacity_kept",
    "profit_change_capacity_cut",
)
EXIT_MONEY = EXIT_COLUMNS[4:]
RESOURCE_COLUMNS = (
    "resource",
    "capacity_cost_rate",
    "stranded_time",
    "stranded_cost",
    "break_even_cut_cost",
    "break_even_cut_time",
)


@dataclass(frozen=True)
class Chosen:
    """A set of customers: their ids (in the P&L's order), how they were chosen (``kind``,
    one of :data:`SELECTORS`, and ``value``: the quadrant, segment or percentage) and a
    label to show."""

    ids: pd.Index
    kind: str
    label: str
    value: str = ""

    @property
    def scope(self) -> Scope:
        """The pricing scenario's scope with the same customers: a segment itself, else
        the customers by id (a quadrant too: the scenario's base places quadrants at the
        median thresholds, which need not be the thresholds the set was chosen with).

        >>> pnl = pd.DataFrame({"profit": [1.0], "segment": ["OEM"]},
        ...                    index=pd.Index(["A"], name="customer_id"))
        >>> choose(pnl, segment="OEM").scope.label, choose(pnl, bottom_pct=50).scope.label
        ('segment: OEM', '1 chosen customer(s)')
        """
        if self.kind == "segment":
            return Scope(self.kind, (self.value,))
        return Scope.customers([str(i) for i in self.ids])


def choose(
    pnl: pd.DataFrame,
    *,
    customers=None,
    quadrant: str | None = None,
    bottom_pct: float | None = None,
    segment: str | None = None,
) -> Chosen:
    """The customers of ``pnl`` (indexed by customer_id) chosen by exactly one selector.

    Parameters
    ----------
    customers : hand-picked ids (text); every one must be in ``pnl``.
    quadrant : one of :data:`analytics.quadrants.QUADRANTS`.
    bottom_pct : the whale curve's tail: the least profitable ``bottom_pct`` % of
        customers (0 < P <= 100; whole customers, rounded up), ranked by
        :func:`analytics.ranking.rank_customers`.
    segment : a segment of ``pnl``'s ``segment`` column.

    Raises ValueError naming what is unknown (customer ids, quadrant, segment) or
    when not exactly one selector is given.

    >>> pnl = pd.DataFrame({"profit": [5.0, -1.0, 3.0, -4.0]},
    ...                    index=pd.Index(list("ABCD"), name="customer_id"))
    >>> choose(pnl, bottom_pct=50).ids.tolist()
    ['B', 'D']
    >>> choose(pnl, customers=["C", "X", "Y"])
    Traceback (most recent call last):
    ...
    ValueError: unknown customer(s): X, Y
    """
    given = {"customers": customers, "quadrant": quadrant, "bottom_pct": bottom_pct,
             "segment": segment}
    named = [k for k, v in given.items() if v is not None]
    if len(named) != 1:
        raise ValueError("choose the customers one way: hand-picked ids, a quadrant, "
                         "the bottom % by profit or a segment")
    index = pnl.index
    if customers is not None:
        wanted = list(dict.fromkeys(str(c).strip() for c in customers if str(c).strip()))
        if not wanted:
            raise ValueError("no customer id given")
        positions = index.get_indexer(pd.Index(wanted, dtype=object))
        unknown = [c for c, p in zip(wanted, positions, strict=True) if p < 0]
        if unknown:
            shown = ", ".join(unknown[:10]) + (f" and {len(unknown) - 10} more"
                                               if len(unknown) > 10 else "")
            raise ValueError(f"unknown customer(s): {shown}")
        mask = np.zeros(len(index), dtype=bool)
        mask[positions] = True
        label = (f"customer {wanted[0]}" if len(wanted) == 1
                 else f"{len(wanted):,} hand-picked customers")
        return Chosen(index[mask], "customers", label)
    if quadrant is not None:
        if quadrant not in QUADRANTS:
            raise ValueError(f"unknown quadrant: {quadrant} (one of {', '.join(QUADRANTS)})")
        mask = (pnl["quadrant"].astype(str) == quadrant).to_numpy()
        return Chosen(index[mask], "quadrant", f"the {LABELS[quadrant].lower()} quadrant",
                      quadrant)
    if bottom_pct is not None:
        pct = float(bottom_pct)
        if not (math.isfinite(pct) and 0 < pct <= 100):
            raise ValueError(f"the bottom % must be above 0 and at most 100, not {bottom_pct}")
        count = math.ceil(round(pct * len(index) / 100.0, 9))
        order = rank_customers(pnl)
        tail = np.sort(order[len(order) - count:]) if count else np.array([], dtype=int)
        return Chosen(index[tail], "bottom_pct",
                      f"the least profitable {pct:g} % of customers", f"{pct:g}")
    segments = pnl["segment"] if "segment" in pnl.columns else pd.Series(dtype=object)
    known = sorted({str(s) for s in segments.dropna()})
    if segment not in known:
        raise ValueError(f"unknown segment: {segment}" + (
            f" (one of {', '.join(known)})" if known else " (the customers have no segment)"))
    mask = (segments.astype(object) == segment).to_numpy()
    return Chosen(index[mask], "segment", f"the {segment} segment", segment)


def _largest_remainder(total: int, weights: np.ndarray) -> np.ndarray:
    """``total`` cents split in proportion to ``weights`` (>= 0, not all zero), whole
    cents adding up exactly to ``total``.

    >>> _largest_remainder(100, np.array([1.0, 1.0, 1.0])).tolist()
    [34, 33, 33]
    """
    exact = total * weights / weights.sum()
    cents = np.trunc(exact).astype(np.int64)
    left = int(total - cents.sum())
    if left:
        step = 1 if left > 0 else -1
        order = np.argsort(-step * (exact - cents), kind="stable")[:abs(left)]
        cents[order] += step
    return cents


@dataclass(frozen=True)
class ExitOutcome:
    """What leaving means for a set of customers (the formulas: the module docstring).

    ``customers``: one row per customer leaving (:data:`EXIT_COLUMNS`, money to the cent,
    by customer id); ``resources``: the capacity per resource (:data:`RESOURCE_COLUMNS`);
    ``cents``: the summary's money in whole cents.
    """

    chosen: Chosen
    customers: pd.DataFrame
    resources: pd.DataFrame
    cents: dict[str, int]
    status: str

    def summary(self) -> dict:
        """``exit_summary.json``: money to the cent; the rows add up to it exactly."""
        c = self.cents
        money = {k: from_cents(v) for k, v in c.items()}
        return {
            "selection": {"kind": self.chosen.kind, "label": self.chosen.label},
            "customers": len(self.customers),
            "revenue_lost": money["net_revenue"],
            "cogs_saved": money["cogs"],
            "avoidable_cost_saved": money["avoidable_cost"],
            "capacity_cost_stranded": money["stranded_capacity_cost"],
            "cost_to_serve": money["cost_to_serve"],
            "profit": money["profit"],
            "profit_change_capacity_kept": money["profit_change_capacity_kept"],
            "profit_change_capacity_cut": money["profit_change_capacity_cut"],
            "break_even": {
                "status": self.status,
                "loss_with_capacity_kept": from_cents(-c["profit_change_capacity_kept"]),
                "cut_cost": from_cents(max(-c["profit_change_capacity_kept"], 0)),
                "shortfall_after_cutting_all": from_cents(max(c["profit"], 0)),
            },
            "capacity_to_cut": [
                {k: (v.item() if hasattr(v, "item") else v) for k, v in row.items()}
                for row in self.resources.to_dict("records")
            ],
        }

    def sentences(self, currency: str = "$") -> list[str]:
        """The outcome in words, each sign spelt out (rises / falls)."""
        return exit_sentences(self.summary(), currency)


def exit_outcome(analysis, volumes: pd.DataFrame, chosen: Chosen) -> ExitOutcome:
    """The exit figures of the ``chosen`` customers.

    Parameters
    ----------
    analysis : today's :class:`~analytics.analysis.Analysis` (its P&L with the cost per
        activity, and its rate table: activity, resource, unit time, capacity cost rate).
    volumes : the driver quantities it was built from (customers x activities).
    chosen : from :func:`choose`.
    """
    pnl = analysis.pnl.loc[chosen.ids].sort_index(kind="stable")
    rate_table = analysis.rate_table
    activities = [str(a) for a in rate_table["activity"]]
    resource = rate_table["resource"].astype(object).where(rate_table["resource"].notna(), None)
    timed = resource.notna().to_numpy()
    cts = np.column_stack(
        [to_cents(pnl[CTS_PREFIX + a].to_numpy(dtype=float)) if CTS_PREFIX + a in pnl.columns
         else np.zeros(len(pnl), dtype=np.int64) for a in activities]
    ) if activities else np.zeros((len(pnl), 0), dtype=np.int64)
    revenue = to_cents(pnl["net_revenue"].to_numpy(dtype=float))
    cogs = to_cents(pnl["cogs"].to_numpy(dtype=float))
    avoidable = cts[:, ~timed].sum(axis=1, dtype=np.int64)
    stranded = cts[:, timed].sum(axis=1, dtype=np.int64)
    profit = revenue - cogs - avoidable - stranded
    kept = -(revenue - cogs - avoidable)
    columns = {
        "net_revenue": revenue, "cogs": cogs, "avoidable_cost": avoidable,
        "stranded_capacity_cost": stranded, "cost_to_serve": avoidable + stranded,
        "profit": profit, "profit_change_capacity_kept": kept,
        "profit_change_capacity_cut": -profit,
    }
    rows = pd.DataFrame({"customer_id": pnl.index.astype(str)})
    for attribute in ("name", "segment"):
        rows[attribute] = (pnl[attribute].to_numpy() if attribute in pnl.columns
                           else [None] * len(pnl))
    rows["quadrant"] = pnl["quadrant"].astype(str).to_numpy()
    for key, cents in columns.items():
        rows[key] = from_cents(cents)
    totals = {key: int(cents.sum()) for key, cents in columns.items()}
    loss = -totals["profit_change_capacity_kept"]
    status = ("not_needed" if loss <= 0
              else "partial" if loss <= totals["stranded_capacity_cost"] else "not_enough")
    return ExitOutcome(chosen, rows, _resources(rate_table, timed, resource, cts, volumes,
                                                pnl.index, loss), totals, status)


def _resources(rate_table, timed, resource, cts, volumes, ids, loss) -> pd.DataFrame:
    """Per resource the stranded time and cost, and the break-even cut."""
    if not timed.any():
        return pd.DataFrame(columns=list(RESOURCE_COLUMNS))
    table = rate_table[timed]
    names = [str(r) for r in resource[timed]]
    activities = list(table["activity"])
    quantity = (volumes.reindex(index=ids, columns=activities).fillna(0.0)
                .to_numpy(dtype=float))
    time = quantity.sum(axis=0) * table["unit_time"].to_numpy(dtype=float)
    cost = cts[:, timed].sum(axis=0, dtype=np.int64)
    frame = pd.DataFrame({"resource": names, "time": time, "cost": cost,
                          "rate": table["capacity_cost_rate"].to_numpy(dtype=float)})
    grouped = frame.groupby("resource", sort=False).agg(
        stranded_time=("time", "sum"), stranded_cost=("cost", "sum"),
        capacity_cost_rate=("rate", "first"))
    grouped = grouped[(grouped["stranded_time"] > 0) | (grouped["stranded_cost"] != 0)]
    weights = grouped["stranded_cost"].to_numpy(dtype=float)
    if loss > 0 and len(grouped) and weights.sum() > 0:
        cut = _largest_remainder(loss, weights)
    else:
        cut = np.zeros(len(grouped), dtype=np.int64)
    ccr = grouped["capacity_cost_rate"].to_numpy(dtype=float)
    cut_money = from_cents(cut)
    cut_time = np.divide(cut_money, ccr, out=np.zeros(len(ccr)), where=ccr > 0)
    return pd.DataFrame({
        "resource": grouped.index.to_numpy(),
        "capacity_cost_rate": ccr,
        "stranded_time": np.round(grouped["stranded_time"].to_numpy(dtype=float), 2),
        "stranded_cost": from_cents(grouped["stranded_cost"].to_numpy(dtype=np.int64)),
        "break_even_cut_cost": cut_money,
        "break_even_cut_time": np.round(cut_time, 2),
    })


def _moves(change: float, currency: str) -> str:
    if not change:
        return "does not change"
    return f"{'rises' if change > 0 else 'falls'} by {format_money(abs(change), currency)}"


def exit_sentences(summary: dict, currency: str = "$") -> list[str]:
    """What leaving does, worded so the sign cannot be misread (``summary``: an
    :meth:`ExitOutcome.summary`).

    >>> exit_sentences({"customers": 1, "profit_change_capacity_kept": -30.0,
    ...                 "profit_change_capacity_cut": 20.0, "capacity_cost_stranded": 50.0,
    ...                 "profit": -20.0,
    ...                 "break_even": {"status": "partial", "cut_cost": 30.0}})[0]
    'Company profit falls by $30.00 if they leave and no capacity is cut.'
    """
    if not summary["customers"]:
        return ["No customer is in this set, so nothing changes."]
    def money(value: float) -> str:
        return format_money(value, currency)

    kept, cut = summary["profit_change_capacity_kept"], summary["profit_change_capacity_cut"]
    stranded = summary["capacity_cost_stranded"]
    lines = [f"Company profit {_moves(kept, currency)} if they leave and no capacity is cut."]
    if stranded:
        lines.append(f"If the {money(stranded)} of capacity their work uses is cut as well, "
                     f"company profit {_moves(cut, currency)}.")
    status = summary["break_even"]["status"]
    if status == "not_needed":
        lines.append("No capacity needs to be cut for their leaving to pay: their revenue "
                     "does not cover their COGS and avoidable cost.")
    elif status == "partial":
        lines.append(f"To break even, capacity costing {money(summary['break_even']['cut_cost'])}"
                     f" must be cut, out of the {money(stranded)} they leave unused.")
    else:
        lines.append(f"Cutting all {money(stranded)} of the capacity they leave unused is not "
                     f"enough: company profit still falls by {money(summary['profit'])}, "
                     "what they earn today.")
    return lines


# -- transform ---------------------------------------------------------------------------

TRANSFORM_KEYS = ("profit_change_capacity_kept", "profit_change_capacity_cut")


def scoped(scenario: Scenario, who) -> Scenario:
    """``scenario`` applied to ``who`` only: a :class:`Scope`, or customer ids.

    >>> scoped(Scenario("S"), ["A", "B"]).scope.label
    '2 chosen customer(s)'
    """
    scope = who if isinstance(who, Scope) else Scope.customers([str(i) for i in who])
    return replace(scenario, scope=scope)


def transform_outcome(base: ScenarioBase, scenario: Scenario, who) -> dict:
    """The company profit change when ``scenario`` applies to ``who`` only (a
    :class:`Scope` such as :attr:`Chosen.scope`, or customer ids), with capacity kept and
    with it cut.

    The scenario engine's summary gives both (``profit_change_capacity_kept``,
    ``profit_change_capacity_cut``) when it has them; otherwise the scenario runs twice,
    with capacity following usage off (kept) and on (cut), and each change is its profit
    after minus profit before.

    Returns a dict: ``scenario`` (the scoped one), ``result`` (its run), ``profit_before``,
    ``profit_change_capacity_kept``, ``profit_change_capacity_cut``,
    ``customers_paying_more``, ``customers_at_risk``.
    """
    mine = scoped(scenario, who)
    result: ScenarioResult = base.run(mine)
    figures = result.figures
    if all(key in figures for key in TRANSFORM_KEYS):
        kept = figures["profit_change_capacity_kept"]
        cut = figures["profit_change_capacity_cut"]
    else:
        changes = {}
        for follows in (False, True):
            run = (result if mine.capacity_follows_usage == follows
                   else base.run(replace(mine, capacity_follows_usage=follows)))
            changes[follows] = from_cents(to_cents(run.figures["profit_after"])
                                          - to_cents(run.figures["profit_before"]))
        kept, cut = changes[False], changes[True]
    return {
        "scenario": mine,
        "result": result,
        "profit_before": figures["profit_before"],
        "profit_change_capacity_kept": kept,
        "profit_change_capacity_cut": cut,
        "customers_paying_more": figures["customers_paying_more"],
        "customers_at_risk": figures["customers_at_risk"],
    }


def transform_sentence(outcome: dict, currency: str = "$") -> str:
    """The transform's company profit change in words.

    >>> print(transform_sentence({"profit_change_capacity_kept": 120.0,
    ...                           "profit_change_capacity_cut": 150.0}))
    ... # doctest: +NORMALIZE_WHITESPACE
    Company profit rises by $120.00 if they stay on these terms and no capacity is cut
    (rises by $150.00 if the capacity freed is cut).
    """
    kept = _moves(outcome["profit_change_capacity_kept"], currency)
    cut = _moves(outcome["profit_change_capacity_cut"], currency)
    return (f"Company profit {kept} if they stay on these terms and no capacity is cut "
            f"({cut} if the capacity freed is cut).")
