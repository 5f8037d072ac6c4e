"""Two periods compared (issue 12): the period profit bridge, both whale curves on one
scale, and the quadrant migration (no Streamlit here; labels HTML-escaped)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from analytics.charts.common import (
    BLUE,
    GREY,
    base_layout,
    escape,
    horizontal_waterfall,
    level_line,
    new_figure,
)
from analytics.charts.scenario import migration_sankey_figure
from analytics.whale import downsample


def period_bridge_figure(comparison, currency: str = "$") -> go.Figure:
    """From the base period's operating profit to the current one
    (:meth:`analytics.compare.PeriodComparison.bridge_steps`), horizontal so the step
    names read in full.

    >>> import pandas as pd
    >>> from analytics.compare import compare_periods
    >>> p = pd.DataFrame({"net_revenue": [10.0], "net_margin": [5.0],
    ...                   "cost_to_serve": [1.0], "profit": [4.0]}, index=["A"])
    >>> list(period_bridge_figure(compare_periods(p, p)).data[0].measure)
    ['absolute', 'relative', 'relative', 'relative', 'relative', 'relative', 'total']
    """
    steps = comparison.bridge_steps()
    steps = steps.assign(measure=["absolute"] + ["relative"] * (len(steps) - 2) + ["total"])
    return horizontal_waterfall(steps, currency, "Operating profit", pad_share=0.22,
                                height=360, right_margin=30)


def period_whales_figure(base_curve, current_curve, base_label: str, current_label: str,
                         currency: str = "$", max_points: int = 1000) -> go.Figure:
    """Both periods' whale curves on one scale: cumulative operating profit in money
    against the cumulative % of each period's customers, most profitable first.

    >>> from analytics.whale import whale_curve
    >>> import pandas as pd
    >>> curve = whale_curve(pd.DataFrame({"profit": [5.0, -1.0], "net_revenue": [9.0, 2.0]},
    ...                                  index=["A", "B"]))
    >>> [t.name for t in period_whales_figure(curve, curve, "2023", "2024").data]
    ['2023', '2024']
    """
    fig = new_figure()
    cur = escape(currency)
    for curve, label, colour, dash in ((base_curve, base_label, GREY, "dot"),
                                       (current_curve, current_label, BLUE, "solid")):
        points = downsample(curve.points, max_points)
        if points.empty:
            continue
        name = escape(label)
        fig.add_trace(go.Scatter(
            x=points["cum_customers_pct"], y=points["cum_profit"], name=name, mode="lines",
            line={"color": colour, "width": 3, "dash": dash},
            hovertemplate=f"{name}<br>%{{x:.1f}}% of customers<br>{cur}%{{y:,.0f}}"
            "<extra></extra>"))
    level_line(fig, 0)
    fig.update_yaxes(title=f"Cumulative operating profit ({cur})", tickprefix=cur,
                     tickformat="~s")
    fig.update_xaxes(title="Cumulative % of customers, most profitable first",
                     ticksuffix="%", range=[0, 101])
    return base_layout(fig)


def period_migration_figure(migration: pd.DataFrame, base_label: str,
                            current_label: str) -> go.Figure:
    """The quadrant migration between two periods as a Sankey (new customers enter from
    the left, lost ones leave on the right; empty rows and columns left out).

    >>> import pandas as pd
    >>> m = pd.DataFrame([[3, 1], [0, 2]], index=["passive", "new"],
    ...                  columns=["passive", "lost"])
    >>> period_migration_figure(m, "2023", "2024").data[0].node.label[0]
    'Passive 2023'
    """
    kept = migration.loc[migration.sum(axis=1) > 0, migration.sum(axis=0) > 0]
    return migration_sankey_figure(kept, base_label, current_label)


__all__ = ["period_bridge_figure", "period_migration_figure", "period_whales_figure"]
