"""The whale curve chart (Overview page)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from analytics.charts.common import (
    BLUE,
    GREY,
    VERMILLION,
    base_layout,
    escape,
    level_line,
    new_figure,
)
from analytics.whale import WhaleCurve, downsample

# Kaplan & Narayanan's typical whale: the top 20 % earn 150-300 % of profit and the
# bottom 10 % lose 50-200 %, so the curve stands at 150-300 % from x = 20 to x = 90.
# Whale percentages are of operating profit, which leaves unused capacity out: say so.
PROFIT_AXIS = "Cumulative % of operating profit<br>(before unused capacity)"
TYPICAL_LOW = ((0, 0), (20, 150), (90, 150), (100, 100))
TYPICAL_HIGH = ((0, 0), (20, 300), (90, 300), (100, 100))

def whale_figure(
    curve: WhaleCurve,
    names: pd.Series | None = None,
    currency: str = "$",
    max_points: int = 2000,
) -> go.Figure:
    """The whale curve: cumulative % of profit (and of revenue) by % of customers.

    When total profit is zero or negative, percentages of it mean nothing, so the
    curve shows cumulative profit in money instead.
    """
    summary = curve.summary
    points = downsample(curve.points, max_points)
    fig = new_figure()
    if points.empty:
        return base_layout(fig)
    labels = points["customer_id"].map(escape)
    if names is not None:
        labels = labels + " · " + points["customer_id"].map(names).map(escape)
    x = points["cum_customers_pct"]
    if summary.profit_is_positive:
        _typical_band(fig)
        fig.add_trace(go.Scatter(
            x=x, y=points["cum_revenue_pct"], name="Cumulative % of net revenue",
            line={"color": GREY, "width": 2, "dash": "dot"}, hoverinfo="skip",
        ))
        fig.add_trace(go.Scatter(
            x=x, y=points["cum_profit_pct"], name="Cumulative % of operating profit",
            line={"color": BLUE, "width": 3}, customdata=labels,
            hovertemplate="%{customdata}<br>%{x:.1f}% of customers<br>"
            "%{y:.1f}% of operating profit<extra></extra>",
        ))
        # The label mid-way, above the line: at the right end both curves meet it.
        fig.add_annotation(x=0.5, y=100, xref="x domain", yref="y", text="100 % of profit",
                           showarrow=False, yanchor="bottom", font={"color": "#444444"})
        fig.add_shape(type="line", xref="x domain", yref="y", x0=0, x1=1, y0=100, y1=100,
                      line={"color": "#444444", "width": 1, "dash": "dash"})
        fig.add_annotation(
            x=summary.peak_customers_pct, y=summary.peak_pct,
            text=f"Peak {summary.peak_pct:,.0f}% at {summary.peak_customers_pct:.0f}% of customers",
            showarrow=True, arrowhead=2, font={"color": BLUE}, bgcolor="rgba(255,255,255,0.8)",
            **_peak_label_place(summary.peak_customers_pct),
        )
        top = max(float(points["cum_profit_pct"].max()), float(points["cum_revenue_pct"].max()),
                  max(y for _, y in TYPICAL_HIGH))
        bottom = min(0.0, float(points["cum_profit_pct"].min()))
        # Room above the highest point for the peak's label (30 px up, ~15 % of a
        # 420-px chart).
        fig.update_yaxes(title=PROFIT_AXIS, ticksuffix="%",
                         range=[bottom - 0.04 * (top - bottom), top + 0.18 * (top - bottom)])
    else:
        fig.add_trace(go.Scatter(
            x=x, y=points["cum_profit"], name="Cumulative operating profit",
            line={"color": VERMILLION, "width": 3}, customdata=labels,
            hovertemplate="%{customdata}<br>%{x:.1f}% of customers<br>"
            f"{currency}%{{y:,.0f}}<extra></extra>",
        ))
        level_line(fig, 0)
        fig.update_yaxes(title=f"Cumulative operating profit ({currency})", tickprefix=currency)
    fig.update_xaxes(title="Cumulative % of customers, most profitable first", ticksuffix="%",
                     range=[0, 101])
    return base_layout(fig)


def _peak_label_place(x_pct: float) -> dict:
    """Where the peak's label goes: up and towards the middle, so it never runs off the
    chart's left or right edge (a peak at 100 % of customers was cut to "Peak 100% at 10").

    >>> _peak_label_place(100)["xanchor"], _peak_label_place(5)["xanchor"]
    ('right', 'left')
    """
    if x_pct > 60:
        return {"ax": -30, "ay": -30, "xanchor": "right"}
    if x_pct < 25:
        return {"ax": 30, "ay": -30, "xanchor": "left"}
    return {"ax": 40, "ay": -30, "xanchor": "center"}


def _typical_band(fig: go.Figure) -> None:
    low_x, low_y = zip(*TYPICAL_LOW, strict=True)
    high_x, high_y = zip(*TYPICAL_HIGH, strict=True)
    fig.add_trace(go.Scatter(
        x=list(high_x) + list(reversed(low_x)), y=list(high_y) + list(reversed(low_y)),
        fill="toself", fillcolor="rgba(230,159,0,0.15)", line={"width": 0}, mode="lines",
        name="Typical range (Kaplan & Narayanan)", hoverinfo="skip",
    ))
