"""The Customers page's quadrant map (net margin versus cost to serve)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analytics.charts.common import GREY, base_layout, escape, money_text, new_figure
from analytics.charts.robustness import add_sensitive_rings, sensitive_hover
from analytics.quadrants import LABELS

QUADRANT_CORNERS = (
    # (quadrant, x in the axis domain, y in the axis domain, anchor)
    ("passive", 0.01, 0.99, ("left", "top")),
    ("carriage_trade", 0.99, 0.99, ("right", "top")),
    ("bargain_basement", 0.01, 0.01, ("left", "bottom")),
    ("aggressive", 0.99, 0.01, ("right", "bottom")),
)
QUADRANT_NAMES = LABELS  # written one way everywhere: analytics.quadrants
# A corner's name is about this wide (bold 14 px "Carriage trade"): a threshold's label
# near a corner moves left by it, so the two never overlap.
CORNER_LABEL_PX = 130
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


def _threshold_label_shift(y: float, y0: float, y1: float) -> int:
    """Pixels to move the net margin threshold's label left: clear of the right-hand
    corner names when the line runs in the top or bottom sixth of the map.

    >>> _threshold_label_shift(38.0, 0.0, 40.0), _threshold_label_shift(20.0, 0.0, 40.0)
    (-130, 0)
    """
    share = (y - y0) / (y1 - y0) if y1 > y0 else 0.5
    return -CORNER_LABEL_PX if share > 5 / 6 or share < 1 / 6 else 0


def _edge_anchor(x: float, x0: float, x1: float) -> str:
    """How a label above the map at ``x`` is anchored: inward near either edge, so that
    it stays over the map (centred elsewhere).

    >>> _edge_anchor(5, 0, 100), _edge_anchor(50, 0, 100), _edge_anchor(97, 0, 100)
    ('left', 'center', 'right')
    """
    share = (x - x0) / (x1 - x0) if x1 > x0 else 0.5
    return "left" if share < 0.15 else "right" if share > 0.85 else "center"


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
    sensitive: pd.Series | None = None,
    uncertainty_pct: float = 0.0,
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
    selected one). Customers flagged True in ``sensitive`` (indexed by customer) are
    ringed, with a legend entry naming ``uncertainty_pct`` (:mod:`analytics.robustness`).
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
    flag = (np.zeros(len(placed), dtype=bool) if sensitive is None
            else sensitive.reindex(placed.index, fill_value=False).to_numpy(dtype=bool))
    hover_labels = sensitive_hover(labels, flag, uncertainty_pct) if flag.any() else labels

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
                ids[part].astype(str), money_text(revenue[part], currency),
                money_text(profit[part], currency), np.char.mod("%.1f%%", x[part]),
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
            text=hover_labels[part], customdata=customdata, name=name, showlegend=False,
            hovertemplate=hover,
        ))
    if sensitive is not None:
        add_sensitive_rings(fig, scatter, shown_x[flag], shown_y[flag], revenue[flag],
                            symbol[flag], sizeref, uncertainty_pct)

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
                       showarrow=False, yanchor="bottom",
                       xanchor=_edge_anchor(limits.cost_to_serve_pct, x0, x1),
                       font={"size": 11, "color": GREY})
    fig.add_annotation(x=1, y=limits.net_margin_pct, xref="x domain", yref="y",
                       text=f"net margin {word} {limits.net_margin_pct:.1f}%",
                       showarrow=False, xanchor="right", yanchor="bottom",
                       xshift=_threshold_label_shift(limits.net_margin_pct, y0, y1),
                       font={"size": 11, "color": GREY}, bgcolor="rgba(255,255,255,0.75)")
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
