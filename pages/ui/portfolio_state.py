"""The Relationships page's data: the relationship portfolio (analytics.relationships)
under the sidebar's :class:`~analytics.selection.Selection`, built from the cached reads
of ``pages.ui.state`` and ``pages.ui.relationship_state`` and kept in ``memo`` keyed on
the dataset version, the filters and the page's inputs."""

from __future__ import annotations

import pandas as pd

from analytics.relationships import DEFAULT_LADDER, Portfolio, build_portfolio
from analytics.relationships.periods import PortfolioPeriods, portfolio_periods, yearly_profits
from pages.ui.relationship_state import (
    customer_years,
    first_purchase,
    price_index,
    price_index_needs,
)
from pages.ui.state import analysis, customer_base, dataset_info, memo, version

__all__ = ["DEFAULT_LADDER", "periods", "portfolio", "price_index_needs"]


def periods(selection) -> PortfolioPeriods | None:
    """The selection's period clipped to the data, with its windows (None: no dates)."""
    info = dataset_info()
    start = max((d for d in (selection.start, info.first_date) if d is not None), default=None)
    end = min((d for d in (selection.end, info.last_date) if d is not None), default=None)
    if start is None or end is None or start > end:
        return None
    return portfolio_periods(start, end)


def _revenue(selection, window) -> pd.Series | None:
    if window is None:
        return None
    return customer_base(selection.with_period(*window)).customers["net_revenue"]


def _yearly(selection, spans: PortfolioPeriods) -> pd.DataFrame:
    return yearly_profits(
        lambda first, last: analysis(selection.filters.with_period(first, last)).pnl, spans)


def portfolio(selection, ladder: tuple[str, ...] = DEFAULT_LADDER,
              rung_cost: float | None = None, win_cost_pct: float = 0.0) -> Portfolio | None:
    """The portfolio of the selection (None when the period holds no dated data)."""
    spans = periods(selection)
    if spans is None:
        return None
    filters = selection.filters

    def build() -> Portfolio:
        base = customer_base(filters)
        return build_portfolio(
            analysis(filters).pnl, base.customers, base.rates, customer_years(filters),
            first_purchase(), price_index(filters), yearly=_yearly(filters, spans),
            revenue_last12=_revenue(filters, spans.last12),
            revenue_prior12=_revenue(filters, spans.prior12), years=spans.years,
            period_end=spans.end, ladder=ladder)

    key = (version(), filters, tuple(ladder))
    built = memo("portfolio", key, build, large=True)
    # A cost per rung or cost of winning changes only the return on effort and the growth
    # prospects: worked out again on the built portfolio, not rebuilt; the cost of winning
    # (re-ranking every growth prospect) first, so a new cost per rung only redoes the
    # ladder's few rows.
    priced = memo("portfolio_win", (*key, win_cost_pct),
                  lambda: built.with_costs(None, win_cost_pct), large=True)
    # Small: it shares every per-customer frame with ``priced`` (only the ladder's few
    # rows are new), so trying rung costs does not push large results out.
    return memo("portfolio_costs", (*key, rung_cost, win_cost_pct),
                lambda: priced.with_costs(rung_cost, win_cost_pct))
