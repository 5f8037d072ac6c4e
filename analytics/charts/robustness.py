"""Marks on the quadrant map for customers whose profit or loss depends on the rates
(:mod:`analytics.robustness`): an open ring around each sensitive bubble, with a legend
entry that says what it means, and a line in its hover label."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

RING_COLOUR = "#111111"


def sensitive_legend(pct: float) -> str:
    """The ring's legend entry.

    >>> sensitive_legend(10)
    'Ringed: sensitive, profit or loss can flip if rates are off by up to ±10%'
    """
    return f"Ringed: sensitive, profit or loss can flip if rates are off by up to ±{pct:g}%"


def sensitive_hover(labels: np.ndarray, flag: np.ndarray, pct: float) -> np.ndarray:
    """Hover labels with a line for the sensitive customers (``flag``).

    >>> sensitive_hover(np.array(["A", "B"]), np.array([True, False]), 5).tolist()
    ['A<br><i>Sensitive to ±5% rate errors</i>', 'B']
    """
    note = f"<br><i>Sensitive to ±{pct:g}% rate errors</i>"
    return np.where(flag, np.char.add(labels.astype(str), note), labels)


def add_sensitive_rings(fig: go.Figure, scatter, x: np.ndarray, y: np.ndarray,
                        size: np.ndarray, symbol: np.ndarray, sizeref: float,
                        pct: float) -> None:
    """One open marker per sensitive customer, drawn over its bubble at the same size
    (``symbol``: the bubble's circle or edge triangle). The rings take no hover or click,
    so the bubble beneath keeps its label and opens the detail."""
    fig.add_trace(scatter(
        x=x, y=y, mode="markers", name=sensitive_legend(pct), hoverinfo="skip",
        showlegend=True,
        marker={"size": size, "sizemode": "area", "sizeref": sizeref, "sizemin": 3,
                "symbol": np.char.add(symbol.astype(str), "-open"), "color": RING_COLOUR,
                "line": {"width": 1.6}, "opacity": 0.9},
    ))
