"""The one data path of the pages: the store and the cached results every page shares.

Pages and their ``*_ui`` helpers ask this module (or a ``pages/ui/*_state.py`` helper)
for what they show, passing the :class:`~analytics.selection.Selection` in view; only
state modules import ``data/`` or call :func:`get_store` (a test checks it). The DuckDB
connection is a ``st.cache_resource`` (one per server); results are cached on the
dataset's version id and the Selection (frozen, so it is its own key), never on large
inputs, so a new load or a rate edit invalidates them.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Hashable
from typing import TypeVar

import pandas as pd
import streamlit as st

from analytics import Analysis
from analytics.analysis import analyse_base
from analytics.selection import Selection
from data import CustomerBase, DatasetError, DatasetInfo, Store, StoreError
from data.periods import proration_notes as period_notes
from data.store import CustomerHistory, OrderIdsMissing

__all__ = ["DatasetError", "OrderIdsMissing", "Selection", "StoreError"]

CURRENCY = os.environ.get("PROFITLENS_CURRENCY", "$")
T = TypeVar("T")


@st.cache_resource(show_spinner="Opening the store (a store loaded by an older version "
                                "gets its summary tables rebuilt once)…")
def _store() -> Store:
    return Store()


def get_store() -> Store:
    """The server's store, on the dataset's current version. A load beside the app (a
    scheduled ``python -m analytics load --db``) builds a new version and switches the
    store's pointer; the next call moves to it (a stat of the pointer when nothing
    changed) and drops the results cached for the old version."""
    store = _store()
    if store.refresh():
        clear_caches()
    return store


def ensure_dataset() -> DatasetInfo:
    """The active dataset; the first start loads the embedded sample with a progress bar
    (and a start on an outdated embedded sample loads it again)."""
    store = get_store()
    info = store.info()
    if info is not None and not store.sample_outdated(info):
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


def proration_notes(selection: Selection) -> tuple[str, ...]:
    """What a store that keeps monthly totals only (issue 13) says of the selection: the
    partial months at either end of its period prorated by days (the sentence of the
    per-customer table's warnings, first), then those of its comparison period; empty
    when nothing is prorated (:func:`data.periods.proration_notes`)."""
    if dataset_info().lines_kept:
        return ()
    compare = ((selection.compare_start, selection.compare_end)
               if selection.has_comparison else None)
    return period_notes(selection.start, selection.end, compare)


def version() -> str:
    """The active dataset's version id: part of every cache key."""
    return dataset_info().version


@st.cache_data(ttl=3600, max_entries=8, show_spinner=False)
def _dimensions(version: str) -> tuple[list[str], list[str]]:
    return get_store().dimensions()


def dimensions() -> tuple[list[str], list[str]]:
    """The dataset's segments and regions (the sidebar's choices)."""
    return _dimensions(version())


@st.cache_data(ttl=3600, max_entries=8, show_spinner=False)
def _customer_count(version: str) -> int:
    return get_store().customer_count()


def customer_count() -> int:
    """Customers with invoice lines or activity: what the analysis pages count."""
    return _customer_count(version())


# Resources, not data: one object per key shared by every session and never copied
# (st.cache_data would unpickle a fresh 100,000-row copy on every read, 15 ms each, which
# a control change in a fragment cannot afford). Pages only read them; pandas'
# copy-on-write keeps derived frames from writing through.
@st.cache_resource(ttl=3600, max_entries=16, show_spinner="Aggregating invoice lines…")
def _customer_base(version: str, filters: Selection) -> CustomerBase:
    return get_store().customer_base(**filters.store_args())


def customer_base(selection: Selection) -> CustomerBase:
    """The per-customer table under the selection's period and filters (thresholds and
    comparison do not change it, so they are left out of the key)."""
    return _customer_base(version(), selection.filters)


@st.cache_resource(ttl=3600, max_entries=16, show_spinner=False)
def _analysis(version: str, selection: Selection) -> Analysis:
    return analyse_base(_customer_base(version, selection.filters), selection)


def analysis(selection: Selection) -> Analysis:
    """The analysis of the current dataset under ``selection`` (shared: read-only)."""
    return _analysis(version(), selection.with_comparison(None, None))


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
def _customer_history(version: str, customer_id: str, period: Selection) -> CustomerHistory:
    return get_store().customer_history(customer_id, period.start, period.end)


def customer_history(selection: Selection, customer_id: str) -> CustomerHistory:
    """One customer's months in the selection's period."""
    return _customer_history(version(), customer_id, selection.period_only)


@st.cache_data(ttl=3600, max_entries=8, show_spinner=False)
def _activity_sources(version: str) -> pd.DataFrame:
    return get_store().activity_sources()


def activity_sources() -> pd.DataFrame:
    """Where each activity's driver quantities came from (the activity file, or the cost
    driver that counted them), as the load recorded it."""
    return _activity_sources(version())


@st.cache_data(ttl=3600, max_entries=16, show_spinner=False)
def _line_totals(version: str, period: Selection) -> dict[str, float]:
    return get_store().line_totals(period.start, period.end)


def line_totals(selection: Selection) -> dict[str, float]:
    """The loaded invoice lines' totals in the selection's period, summed straight from
    the lines."""
    return _line_totals(version(), selection.period_only)


def order_sizes(selection: Selection, minimum_order_value: float) -> pd.DataFrame:
    """Each customer's orders against a minimum order value, under the selection
    (uncached: the scenario base that uses it is). Raises :class:`OrderIdsMissing`."""
    return get_store().order_sizes(minimum_order_value, **selection.store_args())


def rate_card() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The rate card as stored: rates and resources, for editing."""
    return get_store().rate_card()


def replace_rate_card(rates: pd.DataFrame, resources: pd.DataFrame) -> None:
    """Save an edited rate card (a :class:`DatasetError` lists what to fix first); every
    cached result belongs to the old version afterwards."""
    get_store().replace_rate_card(rates, resources)


# The st.cache_resource functions of the pages/ui/*_state.py helpers (the scenario
# model, the relationship frames): cleared with the rest (see also_clear).
_more_caches: list = []


def also_clear(*cached) -> None:
    """Have :func:`clear_caches` drop these ``st.cache_resource`` functions of a state
    helper too: after a load or a version switch, their results for the old version
    must not stay in memory until they expire."""
    _more_caches.extend(c for c in cached if c not in _more_caches)


def clear_caches() -> None:
    """After a load, an edit or a version switch: cached results belong to the old
    dataset version."""
    st.cache_data.clear()
    _customer_base.clear()
    _analysis.clear()
    _memo.clear()
    _memo_large.clear()
    for cached in _more_caches:
        cached.clear()
