"""Trends over time: the company's P&L lines and share of unprofitable customers per
month or quarter (Overview), and each resource's utilisation per month or quarter
(Cost to serve)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analytics.charts.common import (
    BLUE,
    GREEN,
    ORANGE,
    PALETTE,
    SKY,
    VERMILLION,
    base_layout,
    escape,
    level_line,
    new_figure,
)
from analytics.metrics import format_money, format_money_short

# The P&L lines drawn, top to bottom of a typical chart: (column, label, colour, width).
COMPANY_LINES = (
    ("net_revenue", "Net revenue", BLUE, 2),
    ("net_margin", "Net margin", SKY, 2),
    ("cost_to_serve", "Cost to serve", ORANGE, 2),
    ("profit", "Operating profit", GREEN, 3),
)


def _money_hover(values: np.ndarray, currency: str) -> list[str]:
    return [f"{format_money_short(v, escape(currency))} ({format_money(v, escape(currency))})"
            for v in values]


def company_trend_figure(series: pd.DataFrame, currency: str = "$") -> go.Figure:
    """Net revenue, net margin, cost to serve and operating profit per bucket (money,
    upper panel, axis in k/M), and the share of active customers that were unprofitable
    in the bucket (lower panel, %).

    ``series`` is :func:`analytics.trends.company_series`'s frame (``period`` labels the
    buckets).
    """
    cur = escape(currency)
    periods = series["period"].map(escape).tolist()
    fig = new_figure()
    for column, label, colour, width in COMPANY_LINES:
        values = series[column].to_numpy(dtype=float)
        fig.add_trace(go.Scatter(
            x=periods, y=values, name=label, mode="lines+markers",
            line={"color": colour, "width": width}, marker={"size": 6},
            customdata=_money_hover(values, currency),
            hovertemplate=f"%{{x}}<br>{label}: %{{customdata}}<extra></extra>",
        ))
    share = series["unprofitable_pct"].to_numpy(dtype=float)
    counts = [f"{u:,} of {c:,} active customers" for u, c in
              zip(series["unprofitable"], series["customers"], strict=True)]
    fig.add_trace(go.Bar(
        x=periods, y=share, name="Unprofitable customers (%)", marker_color=VERMILLION,
        opacity=0.75, yaxis="y2", customdata=counts,
        hovertemplate="%{x}<br>Unprofitable: %{y:.1f}% (%{customdata})<extra></extra>",
    ))
    top = float(np.nanmax(share)) if np.isfinite(share).any() else 0.0
    fig.update_layout(
        yaxis={"domain": [0.34, 1.0], "title": f"Amount ({cur})", "tickprefix": cur,
               "tickformat": "~s", "zeroline": True, "zerolinecolor": "#888888"},
        yaxis2={"domain": [0.0, 0.24], "title": "Unprofitable", "ticksuffix": "%",
                "range": [0, max(10.0, top * 1.15)], "anchor": "x", "rangemode": "tozero"},
        xaxis={"anchor": "y2", "type": "category", "tickangle": 0 if len(series) <= 16 else -45},
        bargap=0.35,
    )
    fig = base_layout(fig, height=520)
    fig.update_layout(hovermode="x unified")
    return fig


def utilisation_trend_figure(frame: pd.DataFrame) -> go.Figure:
    """Each resource's used time as % of its practical capacity per bucket, one line per
    resource, with the 100 % line.

    ``frame`` is :func:`analytics.trends.utilisation_series`'s (``period, resource, used,
    capacity, used_pct``).
    """
    fig = new_figure()
    names = list(dict.fromkeys(frame["resource"].astype(str)))
    for i, name in enumerate(names):
        part = frame[frame["resource"].astype(str) == name]
        fig.add_trace(go.Scatter(
            x=part["period"].map(escape).tolist(), y=part["used_pct"].to_numpy(dtype=float),
            name=escape(name), mode="lines+markers",
            line={"color": PALETTE[i % len(PALETTE)], "width": 2}, marker={"size": 6},
            customdata=np.column_stack([part["used"].to_numpy(dtype=float),
                                        part["capacity"].to_numpy(dtype=float)]),
            # The name by reference: a resource named "%{y}" must not be filled in.
            hovertemplate="%{x}<br>%{fullData.name}: %{y:.1f}% of practical capacity "
            "(used %{customdata[0]:,.0f} of %{customdata[1]:,.0f})<extra></extra>",
        ))
    used = frame["used_pct"].to_numpy(dtype=float)
    top = float(np.nanmax(used)) if np.isfinite(used).any() else 100.0
    level_line(fig, 100.0, dash="dash")
    # Labelled above the line at the left, where the lines run lowest (at the right end
    # the label sat on them).
    fig.add_annotation(x=0, y=100.0, xref="x domain", yref="y", showarrow=False,
                       text="100 % of practical capacity", xanchor="left", yanchor="bottom")
    fig.update_yaxes(title="% of practical capacity", ticksuffix="%",
                     range=[0, max(110.0, top * 1.1)])
    periods = frame["period"].nunique()
    fig.update_xaxes(type="category", tickangle=0 if periods <= 16 else -45)
    return base_layout(fig, height=380)

