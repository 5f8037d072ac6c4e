"""The Cost to serve page's charts: capacity used and unused, cost per activity, and
activity cost as a share of each group's net revenue."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from analytics.charts.common import (
    BLUE,
    ORANGE,
    PALETTE,
    VERMILLION,
    base_layout,
    escape,
    money_text,
    new_figure,
    signed_money,
)


def capacity_figure(capacity: pd.DataFrame, currency: str = "$") -> go.Figure:
    """Practical capacity per resource, split into used and unused (in %), with the cost
    of the unused part written beside each bar."""
    frame = capacity.iloc[::-1]
    used_pct = frame["used_pct"].clip(upper=100)
    unused_pct = (100 - frame["used_pct"]).clip(lower=0)
    names = frame["resource"].map(escape)
    fig = new_figure()
    fig.add_trace(go.Bar(
        y=names, x=used_pct, orientation="h", name="Used", marker_color=BLUE,
        hovertemplate="%{y}: %{x:.1f}% used<extra></extra>",
    ))
    fig.add_trace(go.Bar(
        y=names, x=unused_pct, orientation="h", name="Unused", marker_color=ORANGE,
        text=[f"unused {signed_money(v, currency)}" if v > 0 else ""
              for v in frame["unused_cost"]],
        textposition="outside", cliponaxis=False,
        customdata=money_text(frame["unused_cost"].to_numpy(dtype=float), currency),
        hovertemplate="%{y}: %{x:.1f}% unused, %{customdata}<extra></extra>",
    ))
    over = frame[frame["used_pct"] > 100]
    for row in over.itertuples():
        fig.add_annotation(x=100, y=escape(row.resource), text=f"{row.used_pct:.0f}% used",
                           showarrow=False, xanchor="left", font={"color": VERMILLION})
    fig.update_layout(barmode="stack", legend={"traceorder": "normal"})
    fig.update_xaxes(title="% of practical capacity", ticksuffix="%", range=[0, 125])
    return base_layout(fig, height=max(220, 70 * len(frame) + 80))


def activity_cost_figure(costs: pd.DataFrame, currency: str = "$", top: int = 15) -> go.Figure:
    """Total cost to serve per activity (the most costly first), coloured by resource."""
    frame = costs.head(top).iloc[::-1]
    resources = frame["resource"].fillna("(direct cost)").astype(str)
    colours = {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(sorted(set(resources)))}
    fig = new_figure()
    for resource in sorted(set(resources)):
        part = frame[resources.to_numpy() == resource]
        fig.add_trace(go.Bar(
            y=part["activity"].map(escape), x=part["cost"], orientation="h",
            name=escape(resource), marker_color=colours[resource],
            customdata=part[["share_pct", "customers"]].to_numpy(),
            hovertemplate=f"%{{y}}: {currency}%{{x:,.0f}} (%{{customdata[0]:.1f}}% of cost to "
            "serve, %{customdata[1]:,} customers)<extra></extra>",
        ))
    fig.update_yaxes(categoryorder="array", categoryarray=list(frame["activity"].map(escape)))
    fig.update_xaxes(title=f"Cost to serve ({currency})", tickprefix=currency)
    return base_layout(fig, height=max(260, 28 * len(frame) + 120))


def activity_heatmap_figure(shares: pd.DataFrame) -> go.Figure:
    """Activity cost as % of each group's net revenue (groups x activities)."""
    order = shares.sum(axis=0).sort_values(ascending=False).index
    frame = shares[order]
    text = [[("" if pd.isna(v) else f"{v:.1f}%") for v in row] for row in frame.to_numpy()]
    fig = new_figure(go.Heatmap(
        z=frame.to_numpy(), x=[escape(c) for c in frame.columns],
        y=[escape(i) for i in frame.index], colorscale="Blues", text=text,
        texttemplate="%{text}", hovertemplate="%{y} · %{x}: %{z:.2f}% of net revenue"
        "<extra></extra>", colorbar={"title": "% of net<br>revenue", "ticksuffix": "%"},
    ))
    fig.update_xaxes(tickangle=-35, showgrid=False)
    fig.update_yaxes(showgrid=False, autorange="reversed")
    return base_layout(fig, height=max(260, 45 * len(frame) + 160))
