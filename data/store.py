"""The store: the only code that talks to DuckDB.

One DuckDB database file (``data/profitlens.duckdb`` unless ``PROFITLENS_DB`` says
otherwise) holds the active dataset: the five contract tables plus ``dataset``, one
row describing it (version id, when and from what it was loaded, row counts, warnings),
and what the user keeps across loads (remembered mappings and recipes, saved scenarios).

The store is made of parts, each a module: ``data.catalog`` (connection, meta tables,
``DatasetInfo``), ``data.loader`` (stage, validate, commit), ``data.queries`` (the
per-customer aggregation and other reads), ``data.rate_card``, ``data.layouts`` (what is
remembered per file layout) and ``data.scenario_store``. :class:`Store` puts them
together; the analytics need only what :class:`data.queries.CustomerFacts` declares, so a second
engine can provide the same.
"""

from __future__ import annotations

from data.catalog import DEFAULT_DB, DatasetInfo, StoreBase, StoreError, db_path, read_sql
from data.layouts import LayoutMemoryMixin
from data.loader import SAMPLE_LABEL, LoaderMixin, LoadResult, PendingLoad
from data.queries import (
    CustomerBase,
    CustomerFacts,
    CustomerHistory,
    OrderIdsMissing,
    QueriesMixin,
)
from data.rate_card import RateCardMixin
from data.scenario_store import ScenarioStorageMixin


class Store(LoaderMixin, QueriesMixin, RateCardMixin, LayoutMemoryMixin, ScenarioStorageMixin,
            StoreBase):
    """A DuckDB-backed dataset store. ``Store(":memory:")`` for tests and one-off reports.

    Methods are safe to call from several threads: each opens its own cursor, and loads
    are serialised by a lock.
    """


__all__ = [
    "DEFAULT_DB",
    "SAMPLE_LABEL",
    "CustomerBase",
    "CustomerFacts",
    "CustomerHistory",
    "DatasetInfo",
    "LoadResult",
    "OrderIdsMissing",
    "PendingLoad",
    "Store",
    "StoreBase",
    "StoreError",
    "db_path",
    "read_sql",
]
