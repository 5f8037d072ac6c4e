"""The trends' data: the company's P&L lines and share of unprofitable customers per
month or quarter (Overview), and each resource's utilisation per month or quarter (Cost
to serve), under the sidebar's :class:`~analytics.selection.Selection`.

Cached on the dataset version, the Selection's filters (period, segments, regions: the
thresholds and the comparison do not change them) and the grain, so another control
does not run the queries again; a load or a rate card edit clears them with every other
``st.cache_data``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from analytics.charts.trends import company_trend_figure, utilisation_trend_figure
from analytics.selection import Selection
from analytics.trends import (
    buckets,
    company_series,
    default_grain,
    months_spanned,
    period_cents,
    utilisation_series,
)
from pages.ui.state import (
    CURRENCY,
    analysis,
    customer_base,
    dataset_info,
    get_store,
    memo,
    version,
)


@dataclass(frozen=True)
class TrendPeriod:
    """The period a trend covers: months it spans, the grain the rule picks, and the
    buckets of a grain (:func:`analytics.trends.buckets`)."""

    months: int
    default: str
    first_date: dt.date | None
    last_date: dt.date | None
    start: dt.date | None
    end: dt.date | None

    def buckets(self, grain: str) -> pd.DataFrame:
        return buckets(self.first_date, self.last_date, self.start, self.end, grain)


def trend_period(selection: Selection) -> TrendPeriod:
    """The selection's period against the data's dates."""
    info = dataset_info()
    first, last = info.first_date, info.last_date
    return TrendPeriod(months_spanned(first, last, selection.start, selection.end),
                       default_grain(first, last, selection.start, selection.end),
                       first, last, selection.start, selection.end)


@st.cache_data(ttl=3600, max_entries=32, show_spinner="Summing the months…")
def _company(version: str, filters: Selection, grain: str, _result) -> pd.DataFrame:
    frame = trend_period(filters).buckets(grain)
    raw = get_store().trend_series(
        period_cents(_result.pnl), filters.start, filters.end, grain=grain,
        buckets=list(frame["bucket"]), weights=list(frame["weight"]),
        rates=_result.rate_table)
    return company_series(raw, frame)


def company_trend(selection: Selection, grain: str) -> pd.DataFrame:
    """The company's series per bucket (:func:`analytics.trends.company_series`): its
    money adds up to the selection's P&L totals to the cent."""
    # The P&L's money does not depend on the thresholds: the filters are the key.
    return _company(version(), selection.filters, grain, analysis(selection))


@st.cache_data(ttl=3600, max_entries=32, show_spinner="Summing the months…")
def _utilisation(version: str, period: Selection, grain: str, _result, _resources
                 ) -> pd.DataFrame:
    frame = trend_period(period).buckets(grain)
    used = get_store().trend_utilisation(
        period.start, period.end, grain=grain, buckets=list(frame["bucket"]),
        weights=list(frame["weight"]), rates=_result.rate_table)
    return utilisation_series(used, _resources, frame)


def utilisation_trend(selection: Selection, grain: str) -> pd.DataFrame:
    """Each resource's used time over practical capacity per bucket, over every
    customer (capacity serves the whole base): the period alone is the key."""
    return _utilisation(version(), selection.period_only, grain, analysis(selection),
                        customer_base(selection).resources)


def company_trend_chart(selection: Selection, grain: str):
    """The company trend's figure, built once per series (10-15 ms saved on every rerun
    of the Overview)."""
    return memo("company_trend_figure", (version(), selection.filters, grain, CURRENCY),
                lambda: company_trend_figure(company_trend(selection, grain), CURRENCY))


def utilisation_trend_chart(selection: Selection, grain: str):
    """The utilisation figure, built once per period and grain."""
    return memo("utilisation_trend_figure", (version(), selection.period_only, grain),
                lambda: utilisation_trend_figure(utilisation_trend(selection, grain)))


def has_resources(selection: Selection) -> bool:
    """Whether the rate card has resources (capacity to measure utilisation against)."""
    return not analysis(selection).capacity.empty
