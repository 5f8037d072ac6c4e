"""Plotly figures from analysis results (no Streamlit here).

Colours are the Okabe-Ito palette, safe for the common forms of colour blindness.
Every user string that reaches a hover label is HTML-escaped, because Plotly renders a
subset of HTML in labels.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analytics.whale import WhaleCurve, downsample

BLUE, ORANGE, GREEN, VERMILLION = "#0072B2", "#E69F00", "#009E73", "#D55E00"
PURPLE, SKY, GREY = "#CC79A7", "#56B4E9", "#8C8C8C"
PALETTE = (BLUE, ORANGE, GREEN, VERMILLION, PURPLE, SKY, "#F0E442", GREY)
FONT = "\"Source Sans\", \"Source Sans Pro\", Helvetica, Arial, sans-serif"  # the app's font
TEXT = "#1F2933"  # the app's text colour (.streamlit/config.toml)

# Kaplan & Narayanan's typical whale: the top 20 % earn 150-300 % of profit and the
# bottom 10 % lose 50-200 %, so the curve stands at 150-300 % from x = 20 to x = 90.
# Whale percentages are of operating profit, which leaves unused capacity out: say so.
PROFIT_AXIS = "Cumulative % of operating profit<br>(before unused capacity)"
TYPICAL_LOW = ((0, 0), (20, 150), (90, 150), (100, 100))
TYPICAL_HIGH = ((0, 0), (20, 300), (90, 300), (100, 100))


def escape(text: object) -> str:
    """A user string made safe for a Plotly label (shown literally, never as markup)."""
    return html.escape("" if text is None else str(text), quote=False)


# The look of every chart, as a lean template: Plotly's default template is large, and
# building a figure with it (or switching to another) costs 4-13 ms of copying.
TEMPLATE = go.layout.Template(layout={
    "font": {"family": FONT, "size": 13, "color": TEXT},
    "colorway": list(PALETTE),
    "plot_bgcolor": "white",
    "paper_bgcolor": "white",
    "hoverlabel": {"font": {"family": FONT}},
    # Category labels that look like numbers (activity or segment codes from an ERP)
    # stay categories instead of turning an axis numeric.
    "autotypenumbers": "strict",
    # Margins grow to fit tick labels and axis titles.
    "xaxis": {"showgrid": True, "gridcolor": "#EEEEEE", "zeroline": False,
              "automargin": True, "linecolor": "#BBBBBB", "ticks": ""},
    "yaxis": {"showgrid": True, "gridcolor": "#EEEEEE", "zerolinecolor": "#BBBBBB",
              "automargin": True, "linecolor": "#BBBBBB", "ticks": ""},
})


def new_figure(data=None) -> go.Figure:
    """An empty figure (or one with ``data``) in the ProfitLens look."""
    return go.Figure(data=data, layout={"template": TEMPLATE})


def base_layout(fig: go.Figure, height: int = 420) -> go.Figure:
    fig.update_layout(
        height=height,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
    )
    return fig


def _level_line(fig: go.Figure, y: float, label: str | None = None, dash: str = "solid") -> None:
    """A horizontal line across the plot at ``y`` with an optional label at its right end
    (by hand: ``add_hline`` costs ~20 ms a call, too much for a slider)."""
    fig.add_shape(type="line", xref="x domain", yref="y", x0=0, x1=1, y0=y, y1=y,
                  line={"color": "#444444", "width": 1, "dash": dash})
    if label:
        fig.add_annotation(x=1, y=y, xref="x domain", yref="y", text=label, showarrow=False,
                           xanchor="right", yanchor="top")


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
        _level_line(fig, 100, "100 % of profit", dash="dash")
        fig.add_annotation(
            x=summary.peak_customers_pct, y=summary.peak_pct,
            text=f"Peak {summary.peak_pct:,.0f}% at {summary.peak_customers_pct:.0f}% of customers",
            showarrow=True, arrowhead=2, ax=40, ay=-30, font={"color": BLUE},
        )
        fig.update_yaxes(title=PROFIT_AXIS, ticksuffix="%")
    else:
        fig.add_trace(go.Scatter(
            x=x, y=points["cum_profit"], name="Cumulative operating profit",
            line={"color": VERMILLION, "width": 3}, customdata=labels,
            hovertemplate="%{customdata}<br>%{x:.1f}% of customers<br>"
            f"{currency}%{{y:,.0f}}<extra></extra>",
        ))
        _level_line(fig, 0)
        fig.update_yaxes(title=f"Cumulative operating profit ({currency})", tickprefix=currency)
    fig.update_xaxes(title="Cumulative % of customers, most profitable first", ticksuffix="%",
                     range=[0, 101])
    return base_layout(fig)


def _typical_band(fig: go.Figure) -> None:
    low_x, low_y = zip(*TYPICAL_LOW, strict=True)
    high_x, high_y = zip(*TYPICAL_HIGH, strict=True)
    fig.add_trace(go.Scatter(
        x=list(high_x) + list(reversed(low_x)), y=list(high_y) + list(reversed(low_y)),
        fill="toself", fillcolor="rgba(230,159,0,0.15)", line={"width": 0}, mode="lines",
        name="Typical range (Kaplan & Narayanan)", hoverinfo="skip",
    ))


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
        text=[f"unused {currency}{v:,.0f}" if v > 0 else "" for v in frame["unused_cost"]],
        textposition="outside", cliponaxis=False,
        hovertemplate="%{y}: %{x:.1f}% unused<extra></extra>",
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


# --- Customers page: the quadrant map and one customer's detail -------------------------

QUADRANT_CORNERS = (
    # (quadrant, x in the axis domain, y in the axis domain, anchor)
    ("passive", 0.01, 0.99, ("left", "top")),
    ("carriage_trade", 0.99, 0.99, ("right", "top")),
    ("bargain_basement", 0.01, 0.01, ("left", "bottom")),
    ("aggressive", 0.99, 0.01, ("right", "bottom")),
)
QUADRANT_NAMES = {
    "passive": "Passive",
    "carriage_trade": "Carriage trade",
    "bargain_basement": "Bargain basement",
    "aggressive": "Aggressive",
}
THRESHOLD_WORDS = {"median": "median", "mean": "mean", "custom": "threshold"}
PROFIT_SCALE = "BrBG"  # diverging, colour-blind safe: brown = loss, teal = profit
WEBGL_ABOVE = 2000
MAX_MAP_POINTS = 5_000  # beyond this a scatter is a blob and slow to send: thin it


@dataclass(frozen=True)
class MapExtent:
    """What the quadrant map shows: its axis ranges and who is off or at its edges."""

    x_range: tuple[float, float]
    y_range: tuple[float, float]
    placed: int  # customers with positive net revenue (on the map)
    unplaced: int  # customers without positive net revenue (cannot be placed)
    pinned: int  # placed customers beyond the axes, drawn on the edge
    low_pct: float
    high_pct: float
    drawn: int = 0  # customers drawn: all placed ones, or the max_points largest |profit|


def _spread(values: np.ndarray, low_pct: float, high_pct: float,
            must_show: tuple[float, ...]) -> tuple[float, float]:
    lo, hi = (np.percentile(values, [low_pct, high_pct]) if len(values) else (0.0, 1.0))
    lo, hi = min(lo, *must_show), max(hi, *must_show)
    pad = max(hi - lo, 1.0) * 0.06
    return float(lo - pad), float(hi + pad)


def quadrant_map_extent(
    pnl: pd.DataFrame, limits, low_pct: float = 2.0, high_pct: float = 98.0,
    max_points: int = MAX_MAP_POINTS,
) -> MapExtent:
    """Axis ranges of the quadrant map, robust to outliers.

    Each axis spans the ``low_pct``-``high_pct`` percentiles of the customers with
    positive net revenue, widened to show 0 and the threshold; customers beyond are
    pinned to the edge by :func:`quadrant_map_figure` and counted in ``pinned``. At
    most ``max_points`` customers are drawn (``drawn``).
    """
    placed = pnl[pnl["net_revenue"].to_numpy(dtype=float) > 0]
    x = placed["cost_to_serve_pct"].to_numpy(dtype=float)
    y = placed["net_margin_pct"].to_numpy(dtype=float)
    x_range = _spread(x, low_pct, high_pct, (0.0, float(limits.cost_to_serve_pct)))
    y_range = _spread(y, low_pct, high_pct, (0.0, float(limits.net_margin_pct)))
    outside = ((x < x_range[0]) | (x > x_range[1]) | (y < y_range[0]) | (y > y_range[1]))
    return MapExtent(x_range, y_range, len(placed), len(pnl) - len(placed),
                     int(outside.sum()), low_pct, high_pct, min(len(placed), max_points))


def _money_text(values: np.ndarray, currency: str) -> np.ndarray:
    """Whole-currency amounts as text (-$1,235), for hover labels."""
    sign = np.where(values < 0, "-", "")
    body = pd.Series(np.abs(values)).map("{:,.0f}".format).to_numpy()
    return np.char.add(np.char.add(sign.astype(str), escape(currency)), body.astype(str))


def _below_diagonal(x0: float, x1: float, y0: float, y1: float) -> str:
    """SVG path of the part of the plot rectangle below y = x (the loss-making side)."""
    corners = [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
    kept: list[tuple[float, float]] = []
    for i, (ax, ay) in enumerate(corners):
        bx, by = corners[(i + 1) % 4]
        a_in, b_in = ay <= ax, by <= bx
        if a_in:
            kept.append((ax, ay))
        if a_in != b_in:  # the edge crosses the diagonal
            t = (ay - ax) / ((ay - ax) - (by - bx))
            px = ax + t * (bx - ax)
            kept.append((px, px))
    if len(kept) < 3:
        return ""
    return "M " + " L ".join(f"{px},{py}" for px, py in kept) + " Z"


def quadrant_map_figure(
    pnl: pd.DataFrame,
    limits,
    currency: str = "$",
    *,
    selected: object | None = None,
    extent: MapExtent | None = None,
    webgl_above: int = WEBGL_ABOVE,
    height: int = 560,
) -> go.Figure:
    """Net margin versus cost to serve: one bubble per customer (Shapiro et al.).

    x = cost to serve % of net revenue, y = net margin % of net revenue, bubble area =
    net revenue, colour = operating profit on a diverging scale centred on zero. The
    break-even diagonal, the thresholds and the four quadrant names are drawn; the
    loss-making side of the diagonal is tinted. Customers without positive net revenue
    are left off; customers beyond the axis ranges of ``extent`` are pinned to the edge
    as triangles (their hover label keeps the true values). Each point carries its
    ``customer_id`` as ``customdata[0]`` (for selection); labels are HTML-escaped.
    Above ``webgl_above`` points the bubbles are drawn with WebGL; only the
    ``extent.drawn`` customers with the largest profits or losses are drawn (and the
    selected one).
    """
    extent = extent or quadrant_map_extent(pnl, limits)
    (x0, x1), (y0, y1) = extent.x_range, extent.y_range
    placed = pnl[pnl["net_revenue"].to_numpy(dtype=float) > 0]
    if 0 < extent.drawn < len(placed):
        weight = np.abs(placed["profit"].to_numpy(dtype=float))
        keep = np.zeros(len(placed), dtype=bool)
        keep[np.argsort(-weight, kind="stable")[:extent.drawn]] = True
        keep |= placed.index == selected
        placed = placed[keep]
    placed = placed.iloc[np.argsort(-placed["net_revenue"].to_numpy(dtype=float), kind="stable")]
    ids = placed.index.to_numpy()
    revenue = placed["net_revenue"].to_numpy(dtype=float)
    profit = placed["profit"].to_numpy(dtype=float)
    x = placed["cost_to_serve_pct"].to_numpy(dtype=float)
    y = placed["net_margin_pct"].to_numpy(dtype=float)

    # Points beyond the ranges sit just inside the edge, as a triangle pointing out.
    inset_x, inset_y = (x1 - x0) * 0.006, (y1 - y0) * 0.008
    shown_x = np.clip(x, x0 + inset_x, x1 - inset_x)
    shown_y = np.clip(y, y0 + inset_y, y1 - inset_y)
    symbol = np.full(len(placed), "circle", dtype="<U14")
    symbol[y > y1], symbol[y < y0] = "triangle-up", "triangle-down"
    symbol[x < x0], symbol[x > x1] = "triangle-left", "triangle-right"
    pinned = symbol != "circle"

    labels = placed.index.map(escape).to_numpy(dtype=str)
    if "name" in placed.columns:
        names = placed["name"].map(escape).fillna("").to_numpy(dtype=str)
        labels = np.where(names != "", np.char.add(np.char.add(labels, " · "), names), labels)

    # Most customers earn or lose little: saturate the colour at the 90th percentile of
    # |profit| so the middle of the base is not all white.
    scale = float(np.percentile(np.abs(profit), 90)) if len(profit) else 1.0
    scale = scale if scale > 0 else 1.0
    max_px = 34 if len(placed) <= 500 else 24
    sizeref = 2.0 * float(revenue.max()) / max_px**2 if len(revenue) else 1.0
    scatter = go.Scattergl if len(placed) > webgl_above else go.Scatter
    cur = escape(currency)
    fig = new_figure()
    # The circles read their hover figures from x, y, size and colour (numeric arrays
    # are cheap to send: per-point strings are the cost of a big map); the few pinned
    # outliers, drawn as a second trace, carry their true values as text.
    for part, name in ((~pinned, "Customers"), (pinned, "Beyond the axes")):
        if not part.any() and name != "Customers":
            continue
        if name == "Customers":
            customdata = ids[part].astype(object).reshape(-1, 1)
            hover = ("<b>%{text}</b><br>Net revenue: " + cur + "%{marker.size:,.0f}"
                     "<br>Operating profit: " + cur + "%{marker.color:,.0f}"
                     "<br>Net margin: %{y:.1f}% of net revenue"
                     "<br>Cost to serve: %{x:.1f}% of net revenue<extra></extra>")
        else:
            customdata = np.column_stack([
                ids[part].astype(str), _money_text(revenue[part], currency),
                _money_text(profit[part], currency), np.char.mod("%.1f%%", x[part]),
                np.char.mod("%.1f%%", y[part]),
            ])
            hover = ("<b>%{text}</b> (beyond the axes)<br>Net revenue: %{customdata[1]}"
                     "<br>Operating profit: %{customdata[2]}"
                     "<br>Net margin: %{customdata[4]} of net revenue"
                     "<br>Cost to serve: %{customdata[3]} of net revenue<extra></extra>")
        marker = {
            "size": revenue[part], "sizemode": "area", "sizeref": sizeref, "sizemin": 3,
            "symbol": symbol[part] if name != "Customers" else "circle",
            "color": profit[part], "colorscale": PROFIT_SCALE, "cmin": -scale,
            "cmax": scale, "cmid": 0.0, "opacity": 0.85, "showscale": name == "Customers",
            "line": {"width": 0.5, "color": "rgba(60,60,60,0.45)"},
            "colorbar": {"title": {"text": "Operating<br>profit"},
                         "tickprefix": cur, "tickformat": "~s",
                         "thickness": 14, "len": 0.8},
        }
        fig.add_trace(scatter(
            x=shown_x[part], y=shown_y[part], mode="markers", marker=marker,
            text=labels[part], customdata=customdata, name=name, showlegend=False,
            hovertemplate=hover,
        ))

    below = _below_diagonal(x0, x1, y0, y1)
    if below:
        fig.add_shape(type="path", path=below, fillcolor="rgba(213,94,0,0.05)",
                      line={"width": 0}, layer="below")
    lo, hi = max(x0, y0), min(x1, y1)
    if hi > lo:
        fig.add_shape(type="line", x0=lo, y0=lo, x1=hi, y1=hi,
                      line={"color": "#444444", "width": 1.5, "dash": "dash"})
        at = lo + 0.3 * (hi - lo)  # low on the diagonal, where few customers sit
        fig.add_annotation(
            x=at, y=at, text="Break-even:<br>net margin % = cost to serve %",
            showarrow=False, xanchor="left", yanchor="top", xshift=6, align="left",
            font={"size": 12, "color": "#444444"}, bgcolor="rgba(255,255,255,0.85)",
        )
    word = THRESHOLD_WORDS.get(limits.method, "threshold")
    line = {"color": GREY, "width": 1.2, "dash": "dot"}
    # Shapes and annotations by hand: add_vline/add_hline cost ~20 ms each.
    fig.add_shape(type="line", xref="x", yref="y domain", x0=limits.cost_to_serve_pct,
                  x1=limits.cost_to_serve_pct, y0=0, y1=1, line=line)
    fig.add_shape(type="line", xref="x domain", yref="y", x0=0, x1=1,
                  y0=limits.net_margin_pct, y1=limits.net_margin_pct, line=line)
    fig.add_annotation(x=limits.cost_to_serve_pct, y=1, xref="x", yref="y domain",
                       text=f"cost to serve {word} {limits.cost_to_serve_pct:.1f}%",
                       showarrow=False, yanchor="bottom", font={"size": 11, "color": GREY})
    fig.add_annotation(x=1, y=limits.net_margin_pct, xref="x domain", yref="y",
                       text=f"net margin {word} {limits.net_margin_pct:.1f}%",
                       showarrow=False, xanchor="right", yanchor="bottom",
                       font={"size": 11, "color": GREY})
    for quadrant, qx, qy, (xanchor, yanchor) in QUADRANT_CORNERS:
        fig.add_annotation(
            x=qx, y=qy, xref="x domain", yref="y domain", xanchor=xanchor, yanchor=yanchor,
            text=f"<b>{QUADRANT_NAMES[quadrant]}</b>", showarrow=False,
            font={"size": 14, "color": "#333333"}, bgcolor="rgba(255,255,255,0.75)",
        )

    if selected is not None and selected in placed.index:
        i = int(placed.index.get_indexer([selected])[0])
        fig.add_trace(go.Scatter(
            x=[shown_x[i]], y=[shown_y[i]], mode="markers", hoverinfo="skip",
            showlegend=False, name="Selected",
            marker={"size": 26, "symbol": "circle-open", "color": "#000000",
                    "line": {"width": 2.5}},
        ))
        fig.add_annotation(x=shown_x[i], y=shown_y[i], text=labels[i], showarrow=True,
                           arrowhead=0, ax=30, ay=-30, bgcolor="rgba(255,255,255,0.9)",
                           bordercolor="#000000", font={"size": 12})

    fig.update_xaxes(title="Cost to serve, % of net revenue", ticksuffix="%", range=[x0, x1],
                     zeroline=True, zerolinecolor="#BBBBBB")
    fig.update_yaxes(title="Net margin, % of net revenue", ticksuffix="%", range=[y0, y1])
    base_layout(fig, height=height)
    fig.update_layout(clickmode="event+select", dragmode="zoom",
                      margin={"l": 10, "r": 10, "t": 30, "b": 10})
    return fig


def _horizontal_waterfall(
    steps: pd.DataFrame,
    currency: str,
    axis_title: str,
    *,
    pad_share: float,
    height: int,
    right_margin: int,
    half_pad_left: bool = False,
) -> go.Figure:
    """A horizontal waterfall of ``steps`` (``step, amount, measure``) with the signed
    amounts written beside the bars; step names are HTML-escaped.

    ``pad_share`` of the value range is left free beside the bars for the amounts
    (half of it on the left when ``half_pad_left`` and nothing there is negative).
    """
    amounts = steps["amount"].to_numpy(dtype=float)
    measure = steps["measure"].tolist()
    fig = new_figure(go.Waterfall(
        orientation="h", measure=measure, y=steps["step"].map(escape).tolist(),
        x=[None if m == "total" else a for m, a in zip(measure, amounts, strict=True)],
        text=[_signed_money(a, currency) for a in amounts], textposition="outside",
        cliponaxis=False,
        increasing={"marker": {"color": BLUE}},
        decreasing={"marker": {"color": VERMILLION}},
        totals={"marker": {"color": GREY}},
        connector={"line": {"color": "#BBBBBB", "width": 1}},
        hovertemplate="%{y}: %{text}<extra></extra>",
    ))
    levels = np.concatenate([[0.0], np.cumsum(np.where(np.array(measure) == "total", 0.0,
                                                      amounts))])
    low, high = float(min(levels.min(), 0.0)), float(max(levels.max(), 0.0))
    pad = (high - low or 1.0) * pad_share
    left = pad * 0.5 if half_pad_left and low >= 0 else pad
    fig.update_yaxes(autorange="reversed", showgrid=False)
    fig.update_xaxes(title=f"{axis_title} ({escape(currency)})", tickprefix=escape(currency),
                     tickformat="~s", zeroline=True, zerolinecolor="#888888",
                     range=[low - left, high + pad])
    fig = base_layout(fig, height=height)
    fig.update_layout(showlegend=False,
                      margin={"l": 10, "r": right_margin, "t": 20, "b": 10})
    return fig


def _signed_money(value: float, currency: str) -> str:
    return ("-" if value < 0 else "") + escape(currency) + f"{abs(value):,.0f}"


def customer_waterfall_figure(steps: pd.DataFrame, currency: str = "$") -> go.Figure:
    """One customer's waterfall, from list revenue down to operating profit (horizontal).

    ``steps`` comes from :func:`analytics.customer_detail.waterfall_steps`; activity
    names are HTML-escaped.
    """
    return _horizontal_waterfall(
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


# -- pricing scenarios ----------------------------------------------------------------

SCENARIO_COLOURS = (BLUE, ORANGE, GREEN, PURPLE, SKY, VERMILLION, GREY)


def scenario_bridge_figure(bridge: pd.DataFrame, currency: str = "$") -> go.Figure:
    """The profit bridge of a scenario: today's operating profit, each effect, the result.

    ``bridge`` is :attr:`analytics.scenario.ScenarioResult.bridge` (``step, amount,
    measure``); horizontal, so the step names read in full.
    """
    return _horizontal_waterfall(
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
            hovertemplate=f"{label}<br>%{{x:.1f}}% of customers<br>{value}{suffix}"
            "<extra></extra>",
        ))
    if in_pct:
        _level_line(fig, 100, "100 % of today's profit", dash="dash")
        fig.update_yaxes(title="Cumulative % of today's operating profit<br>(before unused "
                         "capacity)", ticksuffix="%")
    else:
        _level_line(fig, 0)
        fig.update_yaxes(title=f"Cumulative operating profit ({escape(currency)})",
                         tickprefix=escape(currency), tickformat="~s")
    fig.update_xaxes(title="Cumulative % of customers, most profitable first", ticksuffix="%",
                     range=[0, 101])
    return base_layout(fig)


def migration_sankey_figure(migration: pd.DataFrame) -> go.Figure:
    """Customers moving between quadrants: a Sankey from today's to the scenario's.

    ``migration`` counts customers, quadrants before as rows and after as columns.
    """
    before = [str(q) for q in migration.index]
    after = [str(q) for q in migration.columns]
    labels = [f"{QUADRANT_NAMES.get(q, escape(q))} today" for q in before] + [
        f"{QUADRANT_NAMES.get(q, escape(q))} after" for q in after
    ]
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
            text=[_signed_money(a, currency) for a in amounts],
            hovertemplate=f"{escape(name)}<br>%{{x}}: %{{text}}<extra></extra>",
            textposition="none",
        ))
    fig.update_layout(barmode="group")
    fig.update_yaxes(title=f"Amount ({escape(currency)})", tickprefix=escape(currency),
                     tickformat="~s", zeroline=True, zerolinecolor="#888888")
    fig.update_xaxes(showgrid=False)
    return base_layout(fig, height=400)
