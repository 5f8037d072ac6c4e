"""Metrics declared once: label, format and definition, shared by pages, exports and CLI.

Example
-------
>>> METRICS["profit"].label
'Operating profit'
>>> format_money(-1234.5)
'-$1,234.50'
>>> format_money_short(140_494_423)
'$140.5M'
>>> format_pct(12.345)
'12.3%'
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    kind: str  # "money", "pct", "count"
    definition: str


_ALL = (
    Metric(
        "customers", "Customers", "count",
        "Customers with invoice lines or activity in the period.",
    ),
    Metric("list_revenue", "List revenue", "money", "Volume at list price, before any discount."),
    Metric("discounts", "Discounts", "money", "List revenue minus net revenue."),
    Metric("net_revenue", "Net revenue", "money", "What customers actually paid."),
    Metric("cogs", "COGS", "money", "Cost of the goods sold."),
    Metric("net_margin", "Net margin", "money", "Net revenue minus COGS."),
    Metric("net_margin_pct", "Net margin %", "pct", "Net margin as % of net revenue."),
    Metric(
        "cost_to_serve",
        "Cost to serve",
        "money",
        "Activity costs traced to customers by time-driven ABC.",
    ),
    Metric("cost_to_serve_pct", "Cost to serve %", "pct", "Cost to serve as % of net revenue."),
    Metric("profit", "Operating profit", "money", "Net margin minus cost to serve."),
    Metric(
        "unused_capacity_cost",
        "Unused capacity",
        "money",
        "Cost of practical capacity no activity used; reported, never spread over customers.",
    ),
)
METRICS: dict[str, Metric] = {m.key: m for m in _ALL}


def format_money(value: float | None, symbol: str = "$", decimals: int = 2) -> str:
    """Currency with thousands separators; a minus sign before the symbol."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    sign = "-" if value < 0 else ""
    return f"{sign}{symbol}{abs(value):,.{decimals}f}"


def format_money_short(value: float | None, symbol: str = "$") -> str:
    """Money for a headline: $140.5M, -$9.5M, $312.4k, $950."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    sign = "-" if value < 0 else ""
    size = abs(value)
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if size >= limit:
            return f"{sign}{symbol}{size / limit:,.1f}{suffix}"
    return f"{sign}{symbol}{size:,.0f}"


def format_pct(value: float | None, decimals: int = 1) -> str:
    """A percentage (12.5 means 12.5 %) with one decimal."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value:,.{decimals}f}%"

