"""A scenario's outcome: the per-customer table, the bridge, the migration, the summary."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from analytics.metrics import is_money
from analytics.money import round_money
from analytics.quadrants import QUADRANTS
from analytics.scenario.menu_check import MenuCheck
from analytics.scenario.parameters import Scenario
from analytics.whale import WhaleCurve, whale_curve

if TYPE_CHECKING:
    from analytics.scenario.cents import RowCents
    from analytics.scenario.engine import ScenarioBase

SCENARIO_PNL_COLUMNS = (
    "customer_id",
    "net_revenue_before",
    "net_revenue_after",
    "fee_revenue",
    "cost_to_serve_before",
    "cost_to_serve_after",
    "profit_before",
    "profit_after",
    "bill_change_pct",
    "quadrant_before",
    "quadrant_after",
    "at_risk",
    # Added later (schedules read the columns above by name): COGS, the change in cost
    # to serve split into avoidable cost saved and capacity stranded, the volume kept.
    "cogs_before",
    "cogs_after",
    "avoidable_cost_saved",
    "stranded_capacity_cost",
    "volume_kept_pct",
)
# The exported columns that hold money, as the metric registry declares them.
MONEY_COLUMNS = tuple(c for c in SCENARIO_PNL_COLUMNS if is_money(c))
# Where each exported money column comes from in :attr:`ScenarioResult.cents`.
_CENTS_OF = {
    "fee_revenue": "fee_revenue",
    "avoidable_cost_saved": "avoidable",
    "stranded_capacity_cost": "stranded",
}


@dataclass(frozen=True, eq=False)
class ScenarioResult:
    """A scenario's outcome: the per-customer table, bridge, migration and summary.

    ``pnl`` is indexed by customer_id (see :data:`SCENARIO_PNL_COLUMNS` plus
    ``service_fee_revenue``, ``surcharge_revenue``, ``bill_change``, ``in_scope``);
    ``bridge`` has ``key, step, amount, cents, measure`` (``measure`` as Plotly's
    waterfall wants it); ``migration`` counts customers from each quadrant (rows) to
    each quadrant (columns). ``whale_after`` and ``menu_check`` are computed on first use.
    """

    scenario: Scenario
    pnl: pd.DataFrame
    bridge: pd.DataFrame
    migration: pd.DataFrame
    figures: dict
    whale_before: WhaleCurve
    _base: ScenarioBase = field(repr=False)
    cents: RowCents | None = field(default=None, repr=False)

    @cached_property
    def whale_after(self) -> WhaleCurve:
        """The whale curve of the profits after (revenue: net revenue after + fees)."""
        frame = pd.DataFrame(
            {
                "profit": self.pnl["profit_after"].to_numpy(),
                "net_revenue": self.pnl["net_revenue_after"].to_numpy()
                + self.pnl["fee_revenue"].to_numpy(),
            },
            index=self.pnl.index,
        )
        return whale_curve(frame, self._base.id_order)

    @cached_property
    def menu_check(self) -> MenuCheck:
        return self._base.menu_check(self.scenario)

    def summary(self) -> dict:
        """``scenario_summary.json``: money to the cent, percentages as 12.5."""
        figures = dict(self.figures)
        figures["migration"] = {
            q: {t: int(self.migration.loc[q, t]) for t in QUADRANTS} for q in QUADRANTS
        }
        figures["bridge"] = [
            {"step": row.step, "amount": row.amount} for row in self.bridge.itertuples()
        ]
        figures["menu_check"] = self.menu_check.as_dict()
        figures["scenario"] = self.scenario.to_dict()
        return figures

    def pnl_export(self, rows: np.ndarray | None = None) -> pd.DataFrame:
        """``scenario_pnl.csv``: :data:`SCENARIO_PNL_COLUMNS` by customer_id, money to the cent.

        The money is the rows' cents (:attr:`cents`): in every row net revenue + fees -
        COGS - cost to serve = profit, before and after, and cost to serve before - after
        = avoidable cost saved + capacity stranded, to the cent; every column adds up to
        the summary. With ``rows`` (positions in :attr:`pnl`), only those customers, in
        that order.
        """
        table = self.pnl.assign(avoidable_cost_saved=0.0, stranded_capacity_cost=0.0)
        for column in MONEY_COLUMNS:
            if self.cents is not None:
                table[column] = self.cents[_CENTS_OF.get(column, column)] / 100.0
            else:
                table[column] = round_money(table[column])
        if rows is None:
            frame = table.reset_index()[list(SCENARIO_PNL_COLUMNS)]
            frame = frame.sort_values("customer_id", kind="stable")
        else:
            frame = table.iloc[rows].reset_index()[list(SCENARIO_PNL_COLUMNS)]
        frame["bill_change_pct"] = frame["bill_change_pct"].round(4)
        frame["volume_kept_pct"] = frame["volume_kept_pct"].round(4)
        return frame.reset_index(drop=True)
