"""The relationship views' reads (issue 11), cached like the others in ``pages.ui.state``:
keyed on the dataset's version id and the selection's period and filters, so a new load
or a rate edit (a new version) never serves an old result.

``selection`` is a :class:`analytics.selection.Selection` (anything with ``filters`` and
``store_args()``): its thresholds and comparison period do not change these reads and
are left out of the keys. The frames are ``st.cache_resource`` (shared, never copied, as
``customer_base``): a 100,000-customer dataset gives a few hundred thousand customer
years that a control change must not copy. Pages only read them.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from pages.ui.state import also_clear, dataset_info, get_store


def _version() -> str:
    return dataset_info().version


@st.cache_resource(ttl=3600, max_entries=16, show_spinner="Aggregating invoice lines…")
def _customer_years(version: str, filters) -> pd.DataFrame:
    return get_store().customer_years(**filters.store_args())


def customer_years(selection) -> pd.DataFrame:
    """``customer_id, year, net_revenue, cogs, lines`` per customer and calendar year of
    the invoice date, under the selection's period and filters."""
    return _customer_years(_version(), selection.filters)


@st.cache_resource(ttl=3600, max_entries=8, show_spinner=False)
def _first_purchase(version: str) -> pd.Series:
    return get_store().first_purchase()


def first_purchase() -> pd.Series:
    """Customer_id -> date of its first invoice line over the whole dataset (any
    period)."""
    return _first_purchase(_version())


@st.cache_resource(ttl=3600, max_entries=16, show_spinner=False)
def _price_index(version: str, filters) -> pd.Series:
    return get_store().price_index(**filters.store_args())


def price_index(selection) -> pd.Series:
    """Customer_id -> price index under the selection (NaN throughout when the dataset
    lacks ``product_id`` or ``quantity``: :func:`price_index_needs` says which)."""
    return _price_index(_version(), selection.filters)


@st.cache_data(ttl=3600, max_entries=8, show_spinner=False)
def _price_index_needs(version: str) -> list[str]:
    return get_store().price_index_needs()


def price_index_needs() -> list[str]:
    """The transactions columns the price index needs that the dataset lacks (empty: it
    can be computed)."""
    return _price_index_needs(_version())


also_clear(_customer_years, _first_purchase, _price_index)


def clear() -> None:
    """Drop the cached results (``pages.ui.state.clear_caches`` covers the rest)."""
    for cached in (_customer_years, _first_purchase, _price_index, _price_index_needs):
        cached.clear()
