"""What a board pack holds, and its headline figures formatted as the Overview shows them.

A :class:`Pack` is the analysis of a selection (and, when there is one, of its
comparison period and the comparison itself) plus any saved scenarios run on it. The
headline cards use the formats of the Overview's cards: customers with thousands
separators, money in thousands or millions (:func:`analytics.metrics.format_money_short`)
and, with a comparison, the change as :func:`analytics.metrics.format_change_short`.

Example
-------
>>> import pandas as pd
>>> from analytics.analysis import analyse
>>> customers = pd.DataFrame({"list_revenue": [2_000_000.0, 500_000.0],
...                           "net_revenue": [1_800_000.0, 450_000.0],
...                           "cogs": [1_000_000.0, 300_000.0]},
...                          index=pd.Index(["A", "B"], name="customer_id"))
>>> volumes = pd.DataFrame({"Orders": [100.0, 900.0]}, index=customers.index)
>>> rates = pd.DataFrame({"activity": ["Orders"], "cost_per_unit": [200.0]})
>>> result = analyse(customers, volumes, rates)
>>> [(c.label, c.value) for c in headline_cards(result)][:3]
[('Customers', '2'), ('Net revenue', '$2.2M'), ('Net margin', '$950.0k')]
>>> headline_cards(result)[4].note
'33.3% of net revenue'
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from analytics.analysis import Analysis
from analytics.export import export_file_name
from analytics.metrics import (
    METRICS,
    format_change_short,
    format_money,
    format_money_short,
    format_pct,
)
from analytics.selection import Selection

HEADLINE_KEYS = ("customers", "net_revenue", "net_margin", "cost_to_serve", "profit",
                 "unused_capacity_cost")
# A rise in these is bad news (the Overview colours their change the other way round).
UP_IS_BAD = frozenset({"cost_to_serve", "unused_capacity_cost"})


@dataclass(frozen=True)
class Card:
    """One headline figure: its label, the value as on screen, a note under it (the
    change from the comparison period, or a share of net revenue), the exact amount,
    and whether the change is good news (``None`` without a comparison or a change)."""

    key: str
    label: str
    value: str
    note: str | None
    exact: str
    good: bool | None = None


@dataclass(frozen=True, eq=False)
class Pack:
    """Everything one board pack shows.

    Parameters
    ----------
    dataset : the dataset's name (its source), for the title and every page's footer.
    selection : the period, filters and thresholds analysed (its comparison period too).
    analysis : the selection's :class:`~analytics.analysis.Analysis`.
    base : the comparison period's analysis, when there is one.
    comparison : the :class:`analytics.compare.PeriodComparison` of the two periods
        (the period bridge page), when there is one.
    scenarios : saved scenarios run on the selection
        (:class:`analytics.scenario.ScenarioResult`), one page each.
    currency : the currency symbol.
    created : when the pack was made (the title page says so).
    data_span : the data's first and last dates, written for an open end of the period
        (else "…").
    notes : sentences the title page prints under the title, about what the figures
        rest on (a store that keeps monthly totals only: the partial months prorated).
    """

    dataset: str
    selection: Selection
    analysis: Analysis
    base: Analysis | None = None
    comparison: Any | None = None
    scenarios: tuple = ()
    currency: str = "$"
    created: dt.datetime = field(default_factory=lambda: dt.datetime.now().replace(
        microsecond=0))
    data_span: tuple[dt.date | None, dt.date | None] = (None, None)
    notes: tuple[str, ...] = ()

    @property
    def footer(self) -> str:
        """The line at the foot of every page: dataset, period and filters."""
        return f"{self.dataset} · {self.selection.describe(*self.data_span)}"


def headline_figures(result: Analysis) -> dict[str, float]:
    """The six headline amounts of an analysis, unrounded (customers as a count).

    >>> import pandas as pd
    >>> from analytics.analysis import analyse
    >>> c = pd.DataFrame({"list_revenue": [10.0], "net_revenue": [10.0], "cogs": [4.0]},
    ...                  index=pd.Index(["A"], name="customer_id"))
    >>> v = pd.DataFrame({"Orders": [1.0]}, index=c.index)
    >>> r = pd.DataFrame({"activity": ["Orders"], "cost_per_unit": [1.0]})
    >>> headline_figures(analyse(c, v, r))["profit"]
    5.0
    """
    totals = result.totals()
    return {"customers": float(len(result.pnl)),
            **{k: totals[k] for k in ("net_revenue", "net_margin", "cost_to_serve", "profit")},
            "unused_capacity_cost": result.unused_capacity_cost}


def _share(part: float, whole: float) -> str | None:
    return f"{format_pct(100 * part / whole)} of net revenue" if whole > 0 else None


def headline_cards(result: Analysis, base: Analysis | None = None,
                   currency: str = "$") -> list[Card]:
    """The Overview's six headline cards: values as on screen; with ``base`` (the
    comparison period's analysis) each note is the change from it, else the share of
    net revenue (and for unused capacity, operating profit after it)."""
    figures = headline_figures(result)
    before = headline_figures(base) if base is not None else None
    cards = []
    for key in HEADLINE_KEYS:
        money = key != "customers"
        value = (format_money_short(figures[key], currency) if money
                 else f"{int(figures[key]):,}")
        exact = format_money(figures[key], currency) if money else f"{int(figures[key]):,}"
        good = None
        if before is not None:
            note = format_change_short(figures[key], before[key], currency if money else None)
            change = figures[key] - before[key]
            if change:
                good = (change < 0) if key in UP_IS_BAD else (change > 0)
        elif key in ("net_margin", "cost_to_serve", "profit"):
            note = _share(figures[key], figures["net_revenue"])
        elif key == "unused_capacity_cost":
            after = figures["profit"] - figures[key]
            note = f"profit after it {format_money_short(after, currency)}"
        else:
            note = None
        cards.append(Card(key, METRICS[key].label, value, note, exact, good))
    return cards


def pack_file_name(selection: Selection, first: dt.date | None = None,
                   last: dt.date | None = None) -> str:
    """The PDF's file name: the period (open ends: the data's ``first`` and ``last``
    dates) and filters, as every download names them
    (:func:`analytics.export.export_file_name`).

    >>> s = Selection(dt.date(2024, 1, 1), dt.date(2024, 12, 31), segments=("Demanding",))
    >>> pack_file_name(s)
    'board-pack_2024-01-01_2024-12-31_Demanding.pdf'
    """
    return export_file_name("board-pack", selection, first, last) + ".pdf"
