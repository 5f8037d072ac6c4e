"""What every ProfitLens chart shares: palette, font, the lean template, escaping and
the small drawing helpers (no Streamlit here).

Colours are the Okabe-Ito palette, safe for the common forms of colour blindness.
Every user string that reaches a hover label is HTML-escaped, because Plotly renders a
subset of HTML in labels.
"""

from __future__ import annotations

import html

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analytics.metrics import format_money_short

BLUE, ORANGE, GREEN, VERMILLION = "#0072B2", "#E69F00", "#009E73", "#D55E00"
PURPLE, SKY, GREY = "#CC79A7", "#56B4E9", "#8C8C8C"
PALETTE = (BLUE, ORANGE, GREEN, VERMILLION, PURPLE, SKY, "#F0E442", GREY)
FONT = "\"Source Sans\", \"Source Sans Pro\", Helvetica, Arial, sans-serif"  # the app's font
TEXT = "#1F2933"  # the app's text colour (.streamlit/config.toml)


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


def level_line(fig: go.Figure, y: float, label: str | None = None, dash: str = "solid") -> None:
    """A horizontal line across the plot at ``y`` with an optional label at its right end
    (by hand: ``add_hline`` costs ~20 ms a call, too much for a slider)."""
    fig.add_shape(type="line", xref="x domain", yref="y", x0=0, x1=1, y0=y, y1=y,
                  line={"color": "#444444", "width": 1, "dash": dash})
    if label:
        fig.add_annotation(x=1, y=y, xref="x domain", yref="y", text=label, showarrow=False,
                           xanchor="right", yanchor="top")

def horizontal_waterfall(
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
        text=[signed_money(a, currency) for a in amounts], textposition="outside",
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


def signed_money(value: float, currency: str) -> str:
    """An amount written on a chart, in thousands or millions with one decimal, as the
    headline cards (-$1.2M, $812.4k, $950); the hover gives the exact amount.

    >>> signed_money(-1_234_567, "$"), signed_money(812_449, "$"), signed_money(950, "$")
    ('-$1.2M', '$812.4k', '$950')
    """
    return format_money_short(value, escape(currency))


def money_text(values: np.ndarray, currency: str) -> np.ndarray:
    """Whole-currency amounts as text (-$1,235), for hover labels."""
    sign = np.where(values < 0, "-", "")
    body = pd.Series(np.abs(values)).map("{:,.0f}".format).to_numpy()
    return np.char.add(np.char.add(sign.astype(str), escape(currency)), body.astype(str))
