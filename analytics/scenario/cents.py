"""A scenario's money per customer in whole cents, and the figures read off them.

Each customer's amounts before and after are rounded to the cent (half away from zero,
:mod:`analytics.money`) and its profits derived from the rounded amounts, so every row
adds up and every company figure is a sum of the rows: the bridge's end points, the
summary's totals, both outcomes (capacity kept and cut) and the at-risk leavers'.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from analytics.money import from_cents, to_cents
from analytics.scenario.bridge import Bridge, profit_bridge

if TYPE_CHECKING:
    from analytics.scenario.engine import After, Effects, ScenarioBase


# The rows of :class:`RowCents` rounded from money, then those derived from them.
ROUNDED = ("net_revenue_after", "net_revenue_full", "service_fees", "service_fees_full",
           "surcharges", "surcharges_full", "cogs_after", "cost_to_serve_after",
           "timed_cost_after", "stranded")
TODAY = ("net_revenue_before", "cogs_before", "cost_to_serve_before")
DERIVED = ("fee_revenue", "profit_before", "profit_after", "avoidable")


@dataclass(frozen=True, eq=False)
class RowCents:
    """Each customer's money in whole cents: ``values[i]`` is the row of :attr:`names`
    ``[i]`` (:data:`TODAY`, :data:`ROUNDED`, :data:`DERIVED`), one column per customer."""

    names: tuple[str, ...]
    values: np.ndarray
    index: pd.Index

    def __getitem__(self, name: str) -> np.ndarray:
        return self.values[self.names.index(name)]

    def totals(self, mask: np.ndarray | None = None) -> dict[str, int]:
        """Each amount summed over the customers (those of ``mask``), in cents."""
        if mask is None:
            return self.total
        values = self.values[:, mask]
        return dict(zip(self.names, (int(v) for v in values.sum(axis=1)), strict=True))

    @cached_property
    def total(self) -> dict[str, int]:
        """Each amount summed over every customer, in cents (summed once per run: the
        bridge, the summary and the headline all read it)."""
        return dict(zip(self.names, (int(v) for v in self.values.sum(axis=1)), strict=True))

    def frame(self) -> pd.DataFrame:
        """One row per customer, one int64 column per amount."""
        return pd.DataFrame(self.values.T, index=self.index, columns=list(self.names))


def row_cents(base: ScenarioBase, effects: Effects, after: After) -> RowCents:
    """Each customer's money before and after in whole cents, adding up per row.

    Each amount is rounded to the cent (:func:`analytics.money.to_cents`), profits are
    derived from the rounded amounts (so revenue + fees - COGS - cost = profit to the
    cent in every row) and the change in cost to serve splits into ``stranded`` (timed
    cost freed: capacity that costs money until someone cuts it; never negative) and
    ``avoidable`` (the rest: direct cost saved, less any timed work beyond today's, which
    needs capacity that costs money too), which add up to it exactly.
    """
    if (after.volume_kept == 1.0).all():  # today's volume: the full amounts are the same
        once = to_cents(np.stack([after.net_revenue, after.service_fees, after.surcharges,
                                  after.cogs, after.cost_to_serve, after.timed_cost,
                                  effects.timed_today - after.timed_cost]))
        rounded = once[[0, 0, 1, 1, 2, 2, 3, 4, 5, 6]]
    else:
        rounded = to_cents(np.stack([
            after.net_revenue, base.net_revenue + effects.price_effect, after.service_fees,
            effects.service_fees, after.surcharges, effects.surcharges, after.cogs,
            after.cost_to_serve, after.timed_cost, effects.timed_today - after.timed_cost,
        ]))
    # More timed work than today strands nothing: it needs capacity (a cost, kept or not).
    rounded[9] = np.maximum(rounded[9], 0)
    today = base.today_cents
    nr_after, _, fees, _, surcharges, _, cogs, cost, _, stranded = rounded
    nr_before, cogs_before, cost_before = today
    derived = np.stack([
        fees + surcharges,
        nr_before - cogs_before - cost_before,
        nr_after + fees + surcharges - cogs - cost,
        cost_before - cost - stranded,
    ])
    return RowCents(TODAY + ROUNDED + DERIVED, np.concatenate([today, rounded, derived]),
                    base.customer_ids)


def full_profit(base: ScenarioBase, effects: Effects) -> np.ndarray:
    """Each customer's profit after the scenario on today's volume."""
    return (base.net_revenue + effects.price_effect + effects.service_fees
            + effects.surcharges - base.cogs - base.cost_to_serve - effects.cost_change)


def profit_bridge_cents(base: ScenarioBase, cents: RowCents, effects: Effects,
                        after: After, unsaved: int) -> Bridge:
    """The bridge from the rows' profit before to their profit after less ``unsaved``
    cents: fees, surcharges and the core price are the rows' own cents on today's
    volume; cost saved, consolidation and the volume response share the rest."""
    total = cents.totals()
    fixed = {
        "service_fees": int(total["service_fees_full"]),
        "surcharges": int(total["surcharges_full"]),
        "core_price": int(total["net_revenue_full"] - total["net_revenue_before"]),
        "unsaved_capacity": -unsaved,
    }
    consolidation = float(effects.consolidation_saved.sum())
    volume = float(((after.volume_kept - 1.0) * full_profit(base, effects)).sum())
    shared = {
        "cost_saved": -float(effects.cost_change.sum()) - consolidation,
        "consolidation_saved": consolidation,
        "volume_response": volume,
    }
    return profit_bridge(fixed, shared, int(total["profit_before"]),
                         int(total["profit_after"]) - unsaved)


def row_figures(cents: RowCents, at_risk: np.ndarray) -> dict[str, float]:
    """The summary figures that are sums of the per-customer rows, to the cent."""
    total = cents.totals()
    risky = cents.totals(at_risk)
    before, cut = int(total["profit_before"]), int(total["profit_after"])
    kept = cut - int(total["stranded"])
    return {
        "net_revenue_after": from_cents(total["net_revenue_after"]),
        "fee_revenue": from_cents(total["fee_revenue"]),
        "service_fee_revenue": from_cents(total["service_fees"]),
        "surcharge_revenue": from_cents(total["surcharges"]),
        "cogs_after": from_cents(total["cogs_after"]),
        "cost_to_serve_after": from_cents(total["cost_to_serve_after"]),
        "avoidable_cost_saved": from_cents(total["avoidable"]),
        "stranded_capacity_cost": from_cents(total["stranded"]),
        "profit_after_capacity_kept": from_cents(kept),
        "profit_after_capacity_cut": from_cents(cut),
        "profit_change_capacity_kept": from_cents(kept - before),
        "profit_change_capacity_cut": from_cents(cut - before),
        "profit_at_stake": from_cents(risky["profit_before"]),  # kept for schedules
        "profit_after_at_risk": from_cents(risky["profit_after"]),
        # If the at-risk customers leave: their revenue, COGS and avoidable cost go with
        # them; their timed cost stays as unused capacity unless someone cuts it.
        "at_risk_leave_profit_change": from_cents(
            -(risky["profit_after"] + risky["timed_cost_after"])),
        "at_risk_leave_profit_change_capacity_cut": from_cents(-risky["profit_after"]),
    }
