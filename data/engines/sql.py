"""One SQL text for both engines: DuckDB-dialect files transpiled to Spark SQL by SQLGlot.

The cube build files (``data/sql/cube_build_*.sql``) are written in DuckDB's dialect,
with portable SQL only (GROUP BY, SUM, COUNT, MIN/MAX, CASE, ``date_trunc('month', ..)``,
explicit casts). :func:`transpile` turns one into Spark SQL and corrects what SQLGlot's
Spark generator gets wrong for us:

* ``percentile_cont(q) WITHIN GROUP (ORDER BY x)`` (DuckDB: ``quantile_cont``, exact and
  interpolated) becomes ``percentile(x, q)``, Spark's exact interpolated percentile.
  SQLGlot writes ``PERCENTILE_APPROX``, an approximation (an approximate median would
  move every reference price, hence every price index). DuckDB's ``median(x)`` is the
  same function and gets the same treatment.

SQLGlot is optional (``requirements-spark.txt``); it is imported when first needed.
"""

from __future__ import annotations

from functools import cache

from data.catalog import read_sql


def _exact_percentiles(node):
    """SQLGlot transform: exact interpolated percentiles in Spark's spelling."""
    from sqlglot import exp

    if isinstance(node, exp.WithinGroup) and isinstance(node.this, exp.PercentileCont):
        order = node.expression
        ordered = order.expressions[0] if isinstance(order, exp.Order) else order
        value = ordered.this if isinstance(ordered, exp.Ordered) else ordered
        if isinstance(ordered, exp.Ordered) and ordered.args.get("desc"):
            raise ValueError("percentile_cont ordered DESC has no Spark equivalent here")
        quantile = node.this.this
        return exp.Anonymous(this="percentile", expressions=[value.copy(), quantile.copy()])
    if isinstance(node, exp.Median):
        return exp.Anonymous(this="percentile",
                             expressions=[node.this.copy(), exp.Literal.number("0.5")])
    return node


def transpile(sql: str, read: str = "duckdb", write: str = "spark") -> str:
    """``sql`` (one statement in the ``read`` dialect) in the ``write`` dialect.

    Examples
    --------
    >>> import pytest; _ = pytest.importorskip("sqlglot")
    >>> transpile("select median(x) as m, date_trunc('month', d) as mo from t")
    "SELECT PERCENTILE(x, 0.5) AS m, DATE_TRUNC('MONTH', d) AS mo FROM t"
    >>> transpile("select percentile_cont(0.5) within group (order by x / y) from t")
    'SELECT PERCENTILE(x / y, 0.5) FROM t'
    """
    import sqlglot

    statements = sqlglot.parse(sql, read=read)
    if len(statements) != 1 or statements[0] is None:
        raise ValueError(f"expected one SQL statement, found {len(statements)}")
    tree = statements[0].transform(_exact_percentiles)
    return tree.sql(dialect=write, comments=False)


@cache
def spark_sql(name: str) -> str:
    """The file ``data/sql/<name>.sql`` as Spark SQL (cached: the files do not change)."""
    return transpile(read_sql(name))
