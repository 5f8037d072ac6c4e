"""One call from the per-customer table to every analysis, plus the report shapes.

:func:`analyse` takes plain DataFrames (the customer table, the activity volumes, the
rate card and the resources) and returns a frozen :class:`Analysis` holding the P&L
with quadrants, the whale curve, the capacity report and the summary figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from analytics.money import round_money
from analytics.pnl import activity_columns, customer_pnl
from analytics.quadrants import QUADRANTS, Thresholds, classify, thresholds
from analytics.tdabc import activity_rates, capacity_usage
from analytics.whale import WhaleCurve, whale_curve

PNL_EXPORT_COLUMNS = (
    "customer_id",
    "name",
    "segment",
    "list_revenue",
    "discounts",
    "net_revenue",
    "cogs",
    "net_margin",
    "net_margin_pct",
    "cost_to_serve",
    "profit",
    "quadrant",
)
WHALE_EXPORT_COLUMNS = (
    "rank",
    "customer_id",
    "profit",
    "cum_customers_pct",
    "cum_profit_pct",
    "cum_revenue_pct",
)
CAPACITY_EXPORT_COLUMNS = ("resource", "cost", "capacity", "used", "unused", "unused_cost")


@dataclass(frozen=True)
class Analysis:
    pnl: pd.DataFrame
    rate_table: pd.DataFrame
    capacity: pd.DataFrame
    whale: WhaleCurve
    thresholds: Thresholds
    warnings: tuple[str, ...] = field(default_factory=tuple)

    @property
    def unused_capacity_cost(self) -> float:
        if self.capacity.empty:
            return 0.0
        return float(self.capacity["unused_cost"].sum())

    def totals(self) -> dict[str, float]:
        """Company totals of the P&L lines (unrounded)."""
        keys = ("list_revenue", "discounts", "net_revenue", "cogs", "net_margin",
                "cost_to_serve", "profit")
        return {k: float(self.pnl[k].sum()) for k in keys}

    def quadrant_counts(self) -> dict[str, int]:
        counts = self.pnl["quadrant"].value_counts()
        return {q: int(counts.get(q, 0)) for q in QUADRANTS}

    def summary(self) -> dict:
        """The figures of ``summary.json``: money to the cent (:mod:`analytics.money`),
        percentages as 12.5."""
        totals = self.totals()
        unused = self.unused_capacity_cost
        whale = self.whale.summary

        def pct(value: float | None) -> float | None:
            return None if value is None else round(value, 2)

        return {
            "customers": len(self.pnl),
            **{k: round_money(v) for k, v in totals.items()},
            "unused_capacity_cost": round_money(unused),
            "profit_after_unused_capacity": round_money(totals["profit"] - unused),
            "whale": {
                "peak_pct": pct(whale.peak_pct),
                "peak_customers_pct": pct(whale.peak_customers_pct),
                "top20_profit_pct": pct(whale.top20_profit_pct),
                "bottom10_profit_pct": pct(whale.bottom10_profit_pct),
                "profit_is_positive": whale.profit_is_positive,
                "peak_profit": round_money(whale.peak_profit),
                "top20_profit": round_money(whale.top20_profit),
                "bottom10_profit": round_money(whale.bottom10_profit),
                "unprofitable_customers": whale.unprofitable_customers,
            },
            "quadrants": self.quadrant_counts(),
            "thresholds": {
                "method": self.thresholds.method,
                "net_margin_pct": round(self.thresholds.net_margin_pct, 4),
                "cost_to_serve_pct": round(self.thresholds.cost_to_serve_pct, 4),
            },
            "warnings": list(self.warnings),
        }

    def pnl_export(self) -> pd.DataFrame:
        """``customer_pnl.csv``: the contract's columns, then ``cts_<activity>``."""
        frame = self.pnl.reset_index()
        for column in ("name", "segment"):
            if column not in frame.columns:
                frame[column] = None
        columns = list(PNL_EXPORT_COLUMNS) + activity_columns(self.pnl)
        return frame[columns].sort_values("customer_id", kind="stable").reset_index(drop=True)

    def whale_export(self) -> pd.DataFrame:
        return self.whale.points[list(WHALE_EXPORT_COLUMNS)]

    def capacity_export(self) -> pd.DataFrame:
        return self.capacity[list(CAPACITY_EXPORT_COLUMNS)]


def analyse(
    customers: pd.DataFrame,
    volumes: pd.DataFrame,
    rates: pd.DataFrame,
    resources: pd.DataFrame | None = None,
    *,
    period_fraction: float = 1.0,
    capacity_volume: pd.Series | None = None,
    method: str = "median",
    net_margin_pct: float | None = None,
    cost_to_serve_pct: float | None = None,
    warnings: tuple[str, ...] = (),
) -> Analysis:
    """Cost activities, build the customer P&L, rank and classify.

    Parameters
    ----------
    customers : indexed by ``customer_id``; ``list_revenue, net_revenue, cogs`` and
        optional ``name, segment, region``.
    volumes : driver quantity per customer (rows) and activity (columns).
    rates : ``activity`` plus ``cost_per_unit`` or ``resource`` + ``unit_time``.
    resources : ``resource, cost, capacity`` for the whole data period.
    period_fraction : share of the data period analysed (prorates capacity and cost).
    capacity_volume : driver quantity per activity used by *all* customers in the
        period; capacity is measured on it when the customers are a filtered subset
        (defaults to the sum of ``volumes``).
    method, net_margin_pct, cost_to_serve_pct : quadrant thresholds (see
        :func:`analytics.quadrants.thresholds`).
    """
    has_resources = resources is not None and not resources.empty
    rate_table = activity_rates(rates, resources if has_resources else None)
    pnl = customer_pnl(customers, volumes, rate_table)
    limits = thresholds(pnl, method, net_margin_pct, cost_to_serve_pct)
    pnl["quadrant"] = classify(pnl, limits)
    if has_resources:
        used = volumes.sum(axis=0) if capacity_volume is None else capacity_volume
        capacity = capacity_usage(rate_table, resources, used, period_fraction)
    else:
        capacity = pd.DataFrame(columns=list(CAPACITY_EXPORT_COLUMNS))
    notes = list(warnings)
    for row in capacity.itertuples():
        if row.unused < 0:
            notes.append(
                f"Resource {row.resource!r} is used beyond its practical capacity "
                f"({row.used_pct:.1f} %): its rates understate the real cost."
            )
    return Analysis(pnl, rate_table, capacity, whale_curve(pnl), limits, tuple(notes))


def analyse_base(base, selection=None, warnings: tuple[str, ...] = ()) -> Analysis:
    """:func:`analyse` of a per-customer table (anything shaped like
    ``data.CustomerBase``: customers, volumes, rates, resources, period_fraction,
    period_volume, warnings) under a :class:`~analytics.selection.Selection`'s quadrant
    thresholds (default: medians); ``warnings`` (a load's) come first. The one wiring
    of the analysis for the pages and the command line.
    """
    from analytics.selection import Selection

    return analyse(
        base.customers, base.volumes, base.rates, base.resources,
        period_fraction=base.period_fraction, capacity_volume=base.period_volume,
        warnings=tuple(warnings) + tuple(base.warnings),
        **(selection or Selection()).thresholds,
    )
