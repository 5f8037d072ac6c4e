"""The Pricing page's scenario charts: the profit bridge, whale curves and bridges
compared, quadrant migration."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from analytics.charts.common import (
    BLUE,
    GREEN,
    GREY,
    ORANGE,
    PURPLE,
    SKY,
    VERMILLION,
    base_layout,
    escape,
    horizontal_waterfall,
    level_line,
    new_figure,
    signed_money,
)
from analytics.charts.quadrants import QUADRANT_NAMES
from analytics.whale import downsample

SCENARIO_COLOURS = (BLUE, ORANGE, GREEN, PURPLE, SKY, VERMILLION, GREY)


def scenario_bridge_figure(bridge: pd.DataFrame, currency: str = "$") -> go.Figure:
    """The profit bridge of a scenario: today's operating profit, each effect, the result.

    ``bridge`` is :attr:`analytics.scenario.ScenarioResult.bridge` (``step, amount,
    measure``); horizontal, so the step names read in full.
    """
    return horizontal_waterfall(
        bridge, currency, "Operating profit", pad_share=0.22, height=360, right_margin=30,
    )


def whale_comparison_figure(curves, currency: str = "$", max_points: int = 1000) -> go.Figure:
    """Several whale curves on one chart (today and one or more scenarios), on one scale.

    ``curves`` is a sequence of ``(name, WhaleCurve)``, today's first; names are escaped.
    The y axis is the cumulative % of *today's* total operating profit when that is
    positive (so a scenario that earns more ends above 100 %), else cumulative operating
    profit in money (a % of a loss means nothing).
    """
    curves = list(curves)
    today = float(curves[0][1].points["cum_profit"].iloc[-1]) if curves and not (
        curves[0][1].points.empty) else 0.0
    in_pct = today > 0
    fig = new_figure()
    for i, (name, curve) in enumerate(curves):
        points = downsample(curve.points, max_points)
        if points.empty:
            continue
        label = escape(name)
        y = points["cum_profit"] / today * 100 if in_pct else points["cum_profit"]
        suffix = "% of today's operating profit" if in_pct else ""
        value = "%{y:,.1f}" if in_pct else f"{escape(currency)}%{{y:,.0f}}"
        fig.add_trace(go.Scatter(
            x=points["cum_customers_pct"], y=y, name=label, mode="lines",
            line={"color": SCENARIO_COLOURS[i % len(SCENARIO_COLOURS)],
                  "width": 3 if i == 0 else 2.5, "dash": "dot" if i == 0 else "solid"},
            hovertemplate=f"%{{fullData.name}}<br>%{{x:.1f}}% of customers<br>{value}{suffix}"
            "<extra></extra>",
        ))
    if in_pct:
        level_line(fig, 100, "100 % of today's profit", dash="dash")
        fig.update_yaxes(title="Cumulative % of today's operating profit<br>(before unused "
                         "capacity)", ticksuffix="%")
    else:
        level_line(fig, 0)
        fig.update_yaxes(title=f"Cumulative operating profit ({escape(currency)})",
                         tickprefix=escape(currency), tickformat="~s")
    fig.update_xaxes(title="Cumulative % of customers, most profitable first", ticksuffix="%",
                     range=[0, 101])
    return base_layout(fig)


def migration_sankey_figure(migration: pd.DataFrame, before_label: str = "today",
                            after_label: str = "after") -> go.Figure:
    """Customers moving between quadrants: a Sankey from today's to the scenario's (or
    from one period's to another's: ``before_label``/``after_label`` name the sides).

    ``migration`` counts customers, quadrants before as rows and after as columns (other
    states, such as ``new`` or ``lost``, are drawn grey under their own names).
    """
    before = [str(q) for q in migration.index]
    after = [str(q) for q in migration.columns]
    first, then = escape(before_label), escape(after_label)

    def label(state: str, side: str) -> str:
        if state in QUADRANT_NAMES:
            return f"{QUADRANT_NAMES[state]} {side}"
        return f"{escape(state.capitalize())} customers"  # new, lost: no period

    labels = [label(q, first) for q in before] + [label(q, then) for q in after]
    colours = {"passive": GREEN, "carriage_trade": BLUE, "bargain_basement": ORANGE,
               "aggressive": VERMILLION}
    node_colours = [colours.get(q, GREY) for q in before + after]
    source, target, value, link_colours = [], [], [], []
    counts = migration.to_numpy()
    for i in range(len(before)):
        for j in range(len(after)):
            if counts[i, j] > 0:
                source.append(i)
                target.append(len(before) + j)
                value.append(int(counts[i, j]))
                link_colours.append("rgba(140,140,140,0.25)" if before[i] == after[j]
                                    else "rgba(213,94,0,0.45)")
    fig = new_figure(go.Sankey(
        arrangement="snap",
        node={"label": labels, "color": node_colours, "pad": 18, "thickness": 16},
        link={"source": source, "target": target, "value": value, "color": link_colours,
              "hovertemplate": "%{source.label} → %{target.label}: %{value:,} customers"
              "<extra></extra>"},
    ))
    fig = base_layout(fig, height=380)
    fig.update_layout(margin={"l": 10, "r": 10, "t": 20, "b": 10})
    return fig


def bridge_comparison_figure(bridges, currency: str = "$") -> go.Figure:
    """The bridge steps of several scenarios side by side (grouped bars).

    ``bridges`` is a sequence of ``(name, bridge)``; names are escaped.
    """
    fig = new_figure()
    for i, (name, bridge) in enumerate(bridges):
        amounts = bridge["amount"].to_numpy(dtype=float)
        fig.add_trace(go.Bar(
            x=bridge["step"].map(escape).tolist(), y=amounts, name=escape(name),
            marker={"color": SCENARIO_COLOURS[(i + 1) % len(SCENARIO_COLOURS)]},
            text=[signed_money(a, currency) for a in amounts],
            hovertemplate="%{fullData.name}<br>%{x}: %{text}<extra></extra>",
            textposition="none",
        ))
    fig.update_layout(barmode="group")
    fig.update_yaxes(title=f"Amount ({escape(currency)})", tickprefix=escape(currency),
                     tickformat="~s", zeroline=True, zerolinecolor="#888888")
    fig.update_xaxes(showgrid=False)
    return base_layout(fig, height=400)
