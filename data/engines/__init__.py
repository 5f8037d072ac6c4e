"""Engines for the heavy step of a load: invoice lines -> the customer-month cube.

DuckDB (the store itself, ``data.loader`` and ``data.cube``) is the embedded default.
:mod:`data.engines.spark` runs the same cube build on Apache Spark through PySpark
(local mode, a cluster master or a Spark Connect URL). Both run ONE definition of the
aggregation: the DuckDB-dialect files ``data/sql/cube_build_*.sql``, which
:func:`data.engines.sql.transpile` turns into Spark SQL with SQLGlot.

PySpark, SQLGlot and a Java runtime are optional (``requirements-spark.txt``): nothing in
this package imports them at module level, so ``import data.engines`` always works.
"""

from __future__ import annotations

from data.cube import CUBE_BUILD, REFERENCE_VIEW

ENGINES = ("duckdb", "spark")

# Each cube table's key: its rows sorted by these compare across engines.
CUBE_KEYS = {
    "cube_reference_price": ("product_id",),
    "cube_customer_month": ("customer_id", "month"),
    "cube_order_month": ("customer_id", "order_id", "month"),
    "cube_activity_month": ("customer_id", "activity", "month"),
}

__all__ = ["CUBE_BUILD", "CUBE_KEYS", "ENGINES", "REFERENCE_VIEW"]
