"""The cube build on DuckDB as Arrow tables: the reference the Spark engine is compared
with (parity tests, benchmarks).

The store builds its cube inside the load's transaction (``data.cube``); this runs the
SAME files (``data/sql/cube_build_*.sql``) on any DuckDB connection holding
``transactions`` and ``activities`` and returns the results instead of storing them.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from data.catalog import read_sql
from data.engines import CUBE_BUILD, REFERENCE_VIEW

if TYPE_CHECKING:
    import duckdb
    import pyarrow as pa


def build_cube(con: duckdb.DuckDBPyConnection) -> tuple[dict[str, pa.Table], dict[str, float]]:
    """The cube's tables built from ``con``'s ``transactions`` and ``activities``, and the
    seconds each took (``total`` included)."""
    tables: dict[str, pa.Table] = {}
    seconds: dict[str, float] = {}
    start = time.perf_counter()
    for name, sql_file in CUBE_BUILD:
        begin = time.perf_counter()
        tables[name] = con.sql(read_sql(sql_file)).to_arrow_table()
        if name == "cube_reference_price":
            con.register(REFERENCE_VIEW, tables[name])
        seconds[name] = time.perf_counter() - begin
    con.unregister(REFERENCE_VIEW)
    seconds["total"] = time.perf_counter() - start
    return tables, seconds
