"""The store and cached results shared by every page.

The DuckDB connection is a ``st.cache_resource`` (one per server); query results are
``st.cache_data`` keyed on the dataset's version id and the filters, never on large
inputs, so a new load or a rate edit invalidates them.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Hashable
from typing import TypeVar

import pandas as pd
import streamlit as st

from analytics import Analysis, analyse
from data import CustomerBase, DatasetInfo, Store
from data.store import CustomerHistory
from pages.ui.frame import Filters, current_filters

CURRENCY = os.environ.get("PROFITLENS_CURRENCY", "$")
T = TypeVar("T")


@st.cache_resource(show_spinner=False)
def get_store() -> Store:
    return Store()


def ensure_dataset() -> DatasetInfo:
    """The active dataset; the first start loads the embedded sample with a progress bar."""
    store = get_store()
    info = store.info()
    if info is not None:
        return info
    bar = st.progress(0.0, text="Preparing the sample dataset (first start only)…")

    def progress(fraction: float, text: str) -> None:
        bar.progress(min(max(fraction, 0.0), 1.0), text=text)

    info = store.ensure_dataset(progress=progress)
    bar.empty()
    return info


def dataset_info() -> DatasetInfo:
    info = get_store().info()
    return info if info is not None else ensure_dataset()


@st.cache_data(ttl=3600, max_entries=8, show_spinner=False)
def dimensions(version: str) -> tuple[list[str], list[str]]:
    return get_store().dimensions()


@st.cache_data(ttl=3600, max_entries=8, show_spinner=False)
def customer_count(version: str) -> int:
    """Customers with invoice lines or activity: what the analysis pages count."""
    return get_store().customer_count()


# Resources, not data: one object per key shared by every session and never copied
# (st.cache_data would unpickle a fresh 100,000-row copy on every read, 15 ms each, which
# a control change in a fragment cannot afford). Pages only read them; pandas'
# copy-on-write keeps derived frames from writing through.
@st.cache_resource(ttl=3600, max_entries=16, show_spinner="Aggregating invoice lines…")
def customer_base(
    version: str,
    start: dt.date | None = None,
    end: dt.date | None = None,
    segments: tuple[str, ...] = (),
    regions: tuple[str, ...] = (),
) -> CustomerBase:
    """Per-customer table for a dataset version and filter (``version`` keys the cache)."""
    return get_store().customer_base(start, end, list(segments) or None, list(regions) or None)


@st.cache_resource(ttl=3600, max_entries=16, show_spinner=False)
def analysis(
    version: str,
    start: dt.date | None = None,
    end: dt.date | None = None,
    segments: tuple[str, ...] = (),
    regions: tuple[str, ...] = (),
    method: str = "median",
    net_margin_pct: float | None = None,
    cost_to_serve_pct: float | None = None,
) -> Analysis:
    base = customer_base(version, start, end, segments, regions)
    return analyse(
        base.customers, base.volumes, base.rates, base.resources,
        period_fraction=base.period_fraction, capacity_volume=base.period_volume,
        method=method,
        net_margin_pct=net_margin_pct, cost_to_serve_pct=cost_to_serve_pct,
        warnings=base.warnings,
    )


def filtered_base(filters: Filters | None = None) -> CustomerBase:
    f = filters or current_filters()
    return customer_base(dataset_info().version, f.start, f.end, f.segments, f.regions)


def filtered_analysis(
    filters: Filters | None = None,
    method: str = "median",
    net_margin_pct: float | None = None,
    cost_to_serve_pct: float | None = None,
) -> Analysis:
    """The analysis of the current dataset under the sidebar's filters (shared:
    read-only)."""
    f = filters or current_filters()
    return analysis(dataset_info().version, f.start, f.end, f.segments, f.regions, method,
                    net_margin_pct, cost_to_serve_pct)


@st.cache_resource(ttl=3600, max_entries=64, show_spinner=False)
def _memo(kind: str, key: Hashable, _build: Callable[[], T]) -> T:
    return _build()


@st.cache_resource(ttl=3600, max_entries=8, show_spinner=False)
def _memo_large(kind: str, key: Hashable, _build: Callable[[], T]) -> T:
    return _build()


def memo(kind: str, key: Hashable, build: Callable[[], T], *, large: bool = False) -> T:
    """``build()`` once per ``(kind, key)``, shared by every session and never copied:
    for derived tables and figures that the page only reads. ``key`` must hold
    everything the result depends on (dataset version, filters, thresholds...).
    ``large`` results (a row per customer, ~10 MB at 100,000 customers) get a smaller
    cache."""
    return (_memo_large if large else _memo)(kind, key, build)


@st.cache_data(ttl=3600, max_entries=64, show_spinner=False)
def customer_history(
    version: str, customer_id: str, start: dt.date | None, end: dt.date | None
) -> CustomerHistory:
    return get_store().customer_history(customer_id, start, end)


@st.cache_data(ttl=3600, max_entries=8, show_spinner=False)
def activity_sources(version: str) -> pd.DataFrame:
    """Where each activity's driver quantities came from (the activity file, or the cost
    driver that counted them), as the load recorded it."""
    return get_store().activity_sources()


@st.cache_data(ttl=3600, max_entries=16, show_spinner=False)
def line_totals(version: str, start: dt.date | None, end: dt.date | None) -> dict[str, float]:
    """The loaded invoice lines' totals in the period, summed straight from the lines."""
    return get_store().line_totals(start, end)


def clear_caches() -> None:
    """After a load or an edit: cached results belong to the old dataset version."""
    st.cache_data.clear()
    customer_base.clear()
    analysis.clear()
    _memo.clear()
    _memo_large.clear()
