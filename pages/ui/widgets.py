"""Small display helpers used by several pages."""

from __future__ import annotations

import streamlit as st

from analytics import METRICS, Analysis, format_money, format_pct
from analytics.metrics import format_money_short
from pages.ui.state import CURRENCY

KPI_KEYS = ("customers", "net_revenue", "net_margin", "cost_to_serve", "profit",
            "unused_capacity_cost")
KPI_LABELS = {
    "customers": "Customers",
    "net_revenue": "Net revenue",
    "net_margin": "Net margin",
    "cost_to_serve": "Cost to serve",
    "profit": "Operating profit",
    "unused_capacity_cost": "Unused capacity",
}


def kpi_row(result: Analysis) -> None:
    """The six headline figures, each with its definition as help text."""
    totals = result.totals()
    values = {
        "customers": f"{len(result.pnl):,}",
        "net_revenue": format_money_short(totals["net_revenue"], CURRENCY),
        "net_margin": format_money_short(totals["net_margin"], CURRENCY),
        "cost_to_serve": format_money_short(totals["cost_to_serve"], CURRENCY),
        "profit": format_money_short(totals["profit"], CURRENCY),
        "unused_capacity_cost": format_money_short(result.unused_capacity_cost, CURRENCY),
    }
    exact = {k: "" for k in KPI_KEYS}
    for key in KPI_KEYS[1:]:
        amount = result.unused_capacity_cost if key == "unused_capacity_cost" else totals[key]
        exact[key] = f"Exactly {format_money(amount, CURRENCY)}."
    notes = {
        "net_margin": _share(totals["net_margin"], totals["net_revenue"]),
        "cost_to_serve": _share(totals["cost_to_serve"], totals["net_revenue"]),
        "profit": _share(totals["profit"], totals["net_revenue"]),
    }
    for column, key in zip(st.columns(len(KPI_KEYS)), KPI_KEYS, strict=True):
        column.metric(
            KPI_LABELS[key], values[key], delta=notes.get(key), delta_color="off",
            delta_arrow="off", help=f"{METRICS[key].definition} {exact[key]}", border=True,
        )


def _share(part: float, whole: float) -> str | None:
    return f"{format_pct(100 * part / whole)} of net revenue" if whole > 0 else None
