"""The store: import contract, validation, DuckDB storage and per-customer aggregation.

The only package that talks to DuckDB.
"""

from data.contract import TABLE_ORDER, TABLES
from data.importer import DatasetError, Problem
from data.store import CustomerBase, DatasetInfo, LoadResult, Store, StoreError, db_path

__all__ = [
    "TABLES",
    "TABLE_ORDER",
    "CustomerBase",
    "DatasetError",
    "DatasetInfo",
    "LoadResult",
    "Problem",
    "Store",
    "StoreError",
    "db_path",
]
