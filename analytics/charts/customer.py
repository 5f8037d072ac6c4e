"""One customer's charts (Customers page detail): waterfall, usage beside the median
customer, months."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analytics.charts.common import (
    BLUE,
    GREEN,
    GREY,
    ORANGE,
    VERMILLION,
    base_layout,
    escape,
    horizontal_waterfall,
    new_figure,
)


def customer_waterfall_figure(steps: pd.DataFrame, currency: str = "$") -> go.Figure:
    """One customer's waterfall, from list revenue down to operating profit (horizontal).

    ``steps`` comes from :func:`analytics.customer_detail.waterfall_steps`; activity
    names are HTML-escaped.
    """
    return horizontal_waterfall(
        steps, currency, "Amount", pad_share=0.14, height=max(320, 34 * len(steps) + 90),
        right_margin=60, half_pad_left=True,
    )


def usage_figure(usage: pd.DataFrame, currency: str = "$", top: int = 10) -> go.Figure:
    """This customer's cost per activity beside the median customer's (grouped bars).

    ``usage`` comes from :func:`analytics.customer_detail.usage_vs_median`; the ``top``
    activities costing this customer most are shown, the costliest at the top. Hover
    labels give the driver quantities and the multiple of the median.
    """
    frame = usage.sort_values("cost", ascending=False, kind="stable").head(top)
    frame = frame.iloc[::-1]
    names = [escape(a) for a in frame.index]
    multiple = [
        f"{m:,.1f}× the median" if np.isfinite(m) else "the median customer uses none"
        for m in frame["multiple"].to_numpy(dtype=float)
    ]
    detail = np.column_stack([
        frame["quantity"].map("{:,.0f}".format), frame["median"].map("{:,.0f}".format),
        multiple,
    ])
    cur = escape(currency)
    fig = new_figure()
    fig.add_trace(go.Bar(
        y=names, x=frame["median_cost"], orientation="h", name="Median customer",
        marker_color=GREY, customdata=detail,
        hovertemplate="%{y}<br>Median customer: %{customdata[1]} units, "
        f"{cur}%{{x:,.0f}}<extra></extra>",
    ))
    fig.add_trace(go.Bar(
        y=names, x=frame["cost"], orientation="h", name="This customer",
        marker_color=ORANGE, customdata=detail,
        hovertemplate="%{y}<br>This customer: %{customdata[0]} units "
        f"(%{{customdata[2]}}), {cur}%{{x:,.0f}}<extra></extra>",
    ))
    fig.update_layout(barmode="group", bargap=0.25)
    fig.update_xaxes(title=f"Cost to serve ({cur}), driver quantity × rate", tickprefix=cur,
                     tickformat="~s")
    fig.update_yaxes(showgrid=False)
    return base_layout(fig, height=max(300, 44 * len(frame) + 110))


def monthly_figure(monthly: pd.DataFrame, currency: str = "$") -> go.Figure:
    """Net revenue (line) and operating profit (bars, coloured by sign) by month."""
    cur = escape(currency)
    profit = monthly["profit"].to_numpy(dtype=float)
    fig = new_figure()
    for name, colour, mask in (("Operating profit", GREEN, profit >= 0),
                               ("Operating loss", VERMILLION, profit < 0)):
        fig.add_trace(go.Bar(
            x=monthly.index, y=np.where(mask, profit, np.nan), name=name,
            marker_color=colour,
            hovertemplate=f"%{{x|%b %Y}}<br>{name}: {cur}%{{y:,.0f}}<extra></extra>",
        ))
    fig.update_layout(barmode="overlay")
    fig.add_trace(go.Scatter(
        x=monthly.index, y=monthly["net_revenue"], name="Net revenue", mode="lines+markers",
        line={"color": BLUE, "width": 2}, marker={"size": 5},
        hovertemplate=f"%{{x|%b %Y}}<br>Net revenue: {cur}%{{y:,.0f}}<extra></extra>",
    ))
    fig.update_yaxes(title=f"Amount ({cur})", tickprefix=cur, tickformat="~s",
                     zeroline=True)
    fig.update_xaxes(title=None, dtick="M3", tickformat="%b %Y")
    return base_layout(fig, height=360)
