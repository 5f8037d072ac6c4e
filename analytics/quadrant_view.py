"""What the quadrant map and the quadrant table say: shares of the whole and notes.

Example
-------
>>> import pandas as pd
>>> table = pd.DataFrame({"quadrant": ["passive", "aggressive"], "customers": [3, 1],
...                       "net_revenue": [300.0, 100.0], "profit": [-10.0, 20.0]})
>>> quadrant_shares(table)[["quadrant", "customers_pct", "profit_pct"]].values.tolist()
[['passive', 75.0, -100.0], ['aggressive', 25.0, 200.0]]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analytics.metrics import format_pct

SHARED = ("customers", "net_revenue", "profit")
METHOD_WORDS = {"median": "medians", "mean": "means", "custom": "custom thresholds"}


def quadrant_shares(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` (:func:`analytics.quadrants.quadrant_summary`) with each of customers,
    net revenue and profit as % of its total (``<column>_pct``); NaN when the total is
    zero or negative, where a share means nothing."""
    out = table.copy()
    for column in SHARED:
        whole = float(table[column].sum())
        out[f"{column}_pct"] = (table[column] / whole * 100 if whole > 0
                                else pd.Series(np.nan, index=table.index))
    return out


def ordinal(value: float) -> str:
    """A percentile as an ordinal: 2 -> '2nd', 98 -> '98th', 2.5 -> '2.5th'.

    >>> [ordinal(v) for v in (1, 2, 3, 11, 22, 98, 2.5)]
    ['1st', '2nd', '3rd', '11th', '22nd', '98th', '2.5th']
    """
    number = f"{value:g}"
    if not number.isdigit():
        return f"{number}th"
    tens, ones = int(number) % 100, int(number) % 10
    suffix = "th" if 10 <= tens <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(ones, "th")
    return number + suffix


def map_notes(extent) -> list[str]:
    """What the map leaves out or pins to its edges, one sentence each (``extent``: an
    :class:`analytics.charts.MapExtent`)."""
    notes = []
    if extent.unplaced:
        notes.append(
            f"{extent.unplaced:,} customer{'s' if extent.unplaced != 1 else ''} without "
            "positive net revenue cannot be placed on % axes and "
            f"{'are' if extent.unplaced != 1 else 'is'} left off the map (still in the tables)."
        )
    if extent.drawn < extent.placed:
        notes.append(
            f"The map draws the {extent.drawn:,} customers with the largest profits or losses "
            f"of {extent.placed:,}; the tables list them all."
        )
    if extent.pinned:
        notes.append(
            f"Axes span the {ordinal(extent.low_pct)} to {ordinal(extent.high_pct)} "
            "percentiles of the customers on the map: "
            f"{extent.pinned:,} outlying customer{'s are' if extent.pinned != 1 else ' is'} "
            "drawn as triangles on the edge (hover for the true values)."
        )
    return notes


def sensitive_note(count: int, pct: float) -> str:
    """What the map's rings mean (:mod:`analytics.robustness`).

    >>> sensitive_note(150, 10)[:62]
    'A dark ring marks the 150 sensitive customers: rates off by up'
    >>> sensitive_note(1, 10)[-60:]
    'could turn its profit into a loss or its loss into a profit.'
    """
    if count == 0:
        return (f"No customer is sensitive: rates off by up to ±{pct:g}% leave every profit "
                "a profit and every loss a loss.")
    who = "its" if count == 1 else "their"
    return (f"A dark ring marks the {count:,} sensitive customer{'s' if count != 1 else ''}: "
            f"rates off by up to ±{pct:g}% could turn {who} profit into a loss or {who} loss "
            "into a profit.")


def split_sentence(limits) -> str:
    """Where the map is split (``limits``: :class:`analytics.quadrants.Thresholds`)."""
    return (
        f"Split at the {METHOD_WORDS[limits.method]}: net margin "
        f"{format_pct(limits.net_margin_pct)} and cost to serve "
        f"{format_pct(limits.cost_to_serve_pct)} of net revenue (at or above counts as high)."
    )
