"""The relationship portfolio's charts: the four kinds of buyers and the cohort heatmap
(no Streamlit here; labels HTML-escaped as every chart's are)."""

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
    money_text,
    new_figure,
)
from analytics.relationships.buyers import BUYER_LABELS, BUYER_TYPES

COLOURS = {"most_valuable": GREEN, "partner": BLUE, "commodity": GREY,
           "underperformer": VERMILLION}
MAX_POINTS = 3000


def _robust_range(values: np.ndarray, threshold: float,
                  percentiles: tuple[float, float] = (1.0, 99.0)) -> tuple[float, float]:
    """The ``percentiles`` of ``values`` (by default the 1st-99th), widened to show 0 and
    the threshold, with a margin: a few very large accounts must not squeeze everyone
    into a corner."""
    known = values[np.isfinite(values)]
    low, high = np.percentile(known, list(percentiles)) if len(known) else (0.0, 1.0)
    shown = [low, high, 0.0] + ([threshold] if np.isfinite(threshold) else [])
    low, high = float(min(shown)), float(max(shown))
    pad = max(high - low, 1.0) * 0.05
    return low - pad, high + pad


# Below this many currency units a signed-log axis is linear (so 0 and small losses
# stay on the chart): the buyer map's log scale is log10(1 + |v| / unit), signed.
LOG_UNIT = 100.0


def signed_log(values: np.ndarray | float, unit: float = LOG_UNIT) -> np.ndarray:
    """sign(v) × log10(1 + |v| / unit): a log scale that keeps 0 and negative amounts.

    >>> signed_log(np.array([0.0, 900.0, -9900.0])).round(6).tolist()
    [0.0, 1.0, -2.0]
    """
    values = np.asarray(values, dtype=float)
    return np.sign(values) * np.log10(1.0 + np.abs(values) / unit)


def _log_ticks(low: float, high: float, currency: str,
               unit: float = LOG_UNIT) -> tuple[list[float], list[str]]:
    """Tick positions and money labels for a signed-log axis spanning [low, high] (in
    transformed units): 0 and ±1, 10, 100… thousand, as far as the data goes.

    >>> _log_ticks(-1.2, 3.1, "$")[1]
    ['-$1k', '$0', '$1k', '$10k', '$100k']
    """
    ticks = [(0.0, f"{currency}0")]
    amount = 1000.0
    while amount < 1e13:
        position = float(signed_log(amount, unit))
        label = next(f"{amount / scale:,.0f}{suffix}" for scale, suffix in
                     ((1e9, "bn"), (1e6, "M"), (1e3, "k"), (1.0, "")) if amount >= scale)
        if position <= high:
            ticks.append((position, f"{currency}{label}"))
        if -position >= low:
            ticks.append((-position, f"-{currency}{label}"))
        amount *= 10.0
    ticks.sort()
    return [t for t, _ in ticks], [text for _, text in ticks]


def buyer_map_figure(pnl: pd.DataFrame, types: pd.Series, reward_threshold: float,
                     cost_threshold: float, currency: str = "$", *,
                     max_points: int = MAX_POINTS, height: int = 520,
                     log: bool = True) -> go.Figure:
    """Net margin (reward) against cost to serve, both in money: one bubble per customer
    (area = net revenue), coloured by buyer type, with the two thresholds drawn. Above
    ``max_points`` customers only the ``max_points`` largest by net revenue are drawn
    (WebGL). ``log``: both axes on a signed log scale (:func:`signed_log`: money is
    skewed, and on linear axes most customers crowd the corner by the medians), every
    customer shown; linear: the axes span the 1st-99th percentiles (and 0 and the
    thresholds), customers beyond sit on the edge. Hover gives the true amounts. Each
    point carries its customer id as ``customdata[0]``.

    >>> import pandas as pd
    >>> pnl = pd.DataFrame({"net_margin": [5.0, 1.0], "cost_to_serve": [1.0, 3.0],
    ...                     "net_revenue": [9.0, 4.0]}, index=["A", "B"])
    >>> fig = buyer_map_figure(pnl, pd.Series(["most_valuable", "underperformer"],
    ...                                       index=["A", "B"]), 2.0, 2.0)
    >>> [trace.name for trace in fig.data]
    ['Most valuable', 'Underperformer']
    """
    revenue_all = pnl["net_revenue"].to_numpy(dtype=float)
    order = np.argsort(-np.nan_to_num(revenue_all, nan=-np.inf), kind="stable")[:max_points]
    drawn = pnl.iloc[order]
    kinds = types.reindex(drawn.index)
    revenue = np.clip(drawn["net_revenue"].to_numpy(dtype=float), 0.0, None)
    sizeref = 2.0 * float(revenue.max()) / 30**2 if len(revenue) and revenue.max() > 0 else 1.0
    scatter = go.Scattergl if len(drawn) > 1000 else go.Scatter
    labels = drawn.index.map(escape).to_numpy(dtype=str)
    if "name" in drawn.columns:
        names = drawn["name"].map(escape).fillna("").to_numpy(dtype=str)
        labels = np.where(names != "", np.char.add(np.char.add(labels, " · "), names), labels)
    cur = escape(currency)
    x_all = drawn["cost_to_serve"].to_numpy(dtype=float)
    y_all = drawn["net_margin"].to_numpy(dtype=float)
    if log:
        x_drawn, y_drawn = signed_log(x_all), signed_log(y_all)
        lines = (float(signed_log(cost_threshold)), float(signed_log(reward_threshold)))
        x_range = _robust_range(x_drawn, lines[0], (0.0, 100.0))
        y_range = _robust_range(y_drawn, lines[1], (0.0, 100.0))
    else:
        lines = (cost_threshold, reward_threshold)
        x_range = _robust_range(x_all, cost_threshold)
        y_range = _robust_range(y_all, reward_threshold)
        # Customers beyond the 1st-99th percentiles sit on the edge (hover: true amounts).
        x_drawn, y_drawn = np.clip(x_all, *x_range), np.clip(y_all, *y_range)
    labels = np.char.add(np.char.add(labels, "<br>Net margin: "), money_text(y_all, currency))
    labels = np.char.add(np.char.add(labels, "<br>Cost to serve: "), money_text(x_all, currency))
    fig = new_figure()
    for kind in BUYER_TYPES:
        part = (kinds == kind).fillna(False).to_numpy(dtype=bool)
        if not part.any():
            continue
        fig.add_trace(scatter(
            x=x_drawn[part], y=y_drawn[part], mode="markers",
            name=BUYER_LABELS[kind], text=labels[part],
            customdata=drawn.index.to_numpy()[part].astype(object).reshape(-1, 1),
            marker={"size": revenue[part], "sizemode": "area", "sizeref": sizeref,
                    "sizemin": 3, "color": COLOURS[kind], "opacity": 0.7,
                    "line": {"width": 0.5, "color": "rgba(60,60,60,0.45)"}},
            hovertemplate=("<b>%{text}</b><br>" + escape(BUYER_LABELS[kind])
                           + "<br>Net revenue: " + cur
                           + "%{marker.size:,.0f}<extra></extra>"),
        ))
    for value, axis in zip(lines, ("x", "y"), strict=True):
        if np.isfinite(value):
            line = {"line_dash": "dash", "line_color": ORANGE, "line_width": 1}
            (fig.add_vline if axis == "x" else fig.add_hline)(value, **line)
    scale = " (log scale)" if log else ""
    x_axis = {"title_text": f"Cost to serve ({cur}){scale}", "range": list(x_range)}
    y_axis = {"title_text": f"Net margin: revenue − COGS ({cur}){scale}",
              "range": list(y_range)}
    if log:
        for axis, (low, high) in ((x_axis, x_range), (y_axis, y_range)):
            values, texts = _log_ticks(low, high, cur)
            axis.update(tickmode="array", tickvals=values, ticktext=texts)
    else:
        for axis in (x_axis, y_axis):
            axis.update(tickprefix=cur, tickformat="~s")
    fig.update_xaxes(**x_axis)
    fig.update_yaxes(**y_axis)
    return base_layout(fig, height)


def cohort_heatmap_figure(cohorts: pd.DataFrame) -> go.Figure:
    """Retention % per cohort (rows) and year (columns); hover adds the cohort's size,
    active customers and profit per active customer.

    >>> import pandas as pd
    >>> table = pd.DataFrame({"cohort": [2024, 2024, 2025], "year": [2024, 2025, 2025],
    ...                       "customers": [2, 2, 1], "active": [2, 1, 1],
    ...                       "retention_pct": [100.0, 50.0, 100.0],
    ...                       "profit_per_active_customer": [1.0, 2.0, 3.0]})
    >>> cohort_heatmap_figure(table).data[0].z.tolist()
    [[100.0, 50.0], [nan, 100.0]]
    """
    grid = cohorts.pivot(index="cohort", columns="year", values="retention_pct")
    active = cohorts.pivot(index="cohort", columns="year", values="active").reindex_like(grid)
    profit = cohorts.pivot(index="cohort", columns="year",
                           values="profit_per_active_customer").reindex_like(grid)
    size = cohorts.groupby("cohort")["customers"].first().reindex(grid.index)
    custom = np.dstack([np.repeat(size.to_numpy(dtype=float)[:, None], grid.shape[1], axis=1),
                        active.to_numpy(dtype=float), profit.to_numpy(dtype=float)])
    fig = new_figure(go.Heatmap(
        z=grid.to_numpy(dtype=float), x=[str(c) for c in grid.columns],
        y=[str(c) for c in grid.index], customdata=custom, colorscale="Blues", zmin=0,
        text=[["" if np.isnan(v) else f"{v:.0f}%" for v in row]
              for row in grid.to_numpy(dtype=float)],
        texttemplate="%{text}", xgap=2, ygap=2,
        zmax=100, colorbar={"title": {"text": "Retention %"}, "thickness": 14},
        hovertemplate=("Cohort %{y}, %{x}<br>Retention: %{z:.1f}%<br>Active: "
                       "%{customdata[1]:,.0f} of %{customdata[0]:,.0f}<br>Profit per "
                       "active customer: %{customdata[2]:,.2f}<extra></extra>"),
    ))
    fig.update_xaxes(title_text="Year", type="category")
    fig.update_yaxes(title_text="Cohort", type="category",
                     autorange="reversed")
    return base_layout(fig, max(260, 22 * len(grid) + 120))


def relationship_age_figure(ages: pd.DataFrame, currency: str = "$",
                            min_customer_years: int = 30) -> go.Figure:
    """Profit per customer (bars, left axis) and cost to serve % (line, right axis) by
    years since the relationship began; ages with fewer than ``min_customer_years``
    active customer-years are left out (a handful of old accounts is noise).

    >>> ages = pd.DataFrame({"years_since_start": [0, 1, 2], "customer_years": [40, 35, 2],
    ...                      "profit_per_customer": [10.0, 20.0, 900.0],
    ...                      "cost_to_serve_pct": [30.0, 25.0, 5.0]})
    >>> fig = relationship_age_figure(ages)
    >>> [list(t.x) for t in fig.data], [t.name for t in fig.data]
    ([[0, 1], [0, 1]], ['Profit per customer', 'Cost to serve %'])
    """
    kept = ages[ages["customer_years"] >= min_customer_years]
    age = kept["years_since_start"].astype(int).tolist()
    cur = escape(currency)
    profit = kept["profit_per_customer"].to_numpy(dtype=float)
    fig = new_figure()
    fig.add_trace(go.Bar(
        x=age, y=profit, name="Profit per customer",
        marker={"color": np.where(profit < 0, VERMILLION, BLUE).tolist()},
        customdata=kept["customer_years"].to_numpy(dtype=float),
        hovertemplate=("%{x} years: " + cur + "%{y:,.0f} per customer "
                       "(%{customdata:,.0f} customer-years)<extra></extra>")))
    fig.add_trace(go.Scatter(
        x=age, y=kept["cost_to_serve_pct"].to_numpy(dtype=float), name="Cost to serve %",
        mode="lines+markers", yaxis="y2", line={"color": ORANGE, "width": 2},
        hovertemplate="%{x} years: cost to serve %{y:.1f}% of revenue<extra></extra>"))
    pct = kept["cost_to_serve_pct"].to_numpy(dtype=float)
    top = float(np.nanmax(pct)) if len(pct) and np.isfinite(pct).any() else 1.0
    fig.update_layout(yaxis2={"overlaying": "y", "side": "right", "ticksuffix": "%",
                              "tickformat": ".0f", "showgrid": False,
                              "range": [0.0, max(top, 1.0) * 1.1],
                              "title": {"text": "Cost to serve %"}})
    fig.update_xaxes(title_text="Years since the relationship began", dtick=1)
    fig.update_layout(yaxis={"title": {"text": f"Profit per customer ({cur})"},
                             "tickprefix": cur, "tickformat": "~s"})
    return base_layout(fig, 360)
