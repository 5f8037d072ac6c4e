"""The one definition of the cube build: DuckDB-dialect files transpiled to Spark SQL
(no Spark session needed; SQLGlot is in requirements-spark.txt)."""

from __future__ import annotations

import pytest

from data.catalog import SQL_DIR
from data.engines import CUBE_BUILD
from tests.spark.conftest import need

sqlglot = need("sqlglot")


def test_every_cube_build_file_is_listed_and_transpiles_without_approximation():
    from data.engines.sql import spark_sql

    files = {p.stem for p in SQL_DIR.glob("cube_build_*.sql")}
    assert files == {sql for _, sql in CUBE_BUILD}
    for _, name in CUBE_BUILD:
        text = spark_sql(name)
        assert "APPROX" not in text.upper(), name
        assert text.count(";") == 0


def test_percentiles_become_spark_exact_percentile():
    from data.engines.sql import transpile

    assert transpile("select percentile_cont(0.5) within group (order by a / b) as m "
                     "from t group by k") == "SELECT PERCENTILE(a / b, 0.5) AS m FROM t GROUP BY k"
    assert transpile("select median(x) from t") == "SELECT PERCENTILE(x, 0.5) FROM t"
    # SQLGlot alone would approximate (the reason for the correction).
    plain = sqlglot.transpile("select percentile_cont(0.5) within group (order by x) from t",
                              read="duckdb", write="spark")[0]
    assert "PERCENTILE_APPROX" in plain
    with pytest.raises(ValueError, match="one SQL statement"):
        transpile("select 1; select 2")


def test_missing_java_is_said(monkeypatch):
    need("pyspark")
    from data.engines import spark

    monkeypatch.setattr(spark.shutil, "which", lambda name: None)
    monkeypatch.delenv("JAVA_HOME", raising=False)
    assert "no Java runtime" in spark.unavailable()
    with pytest.raises(spark.SparkUnavailable, match="cannot start: no Java runtime"):
        spark.session("local[1]")


def test_the_drivers_query_transpiles_with_its_literals_escaped_for_spark():
    """The drivers' volume query is one text for both engines: DuckDB runs it as written,
    Spark transpiled; a value's quote and backslash survive in Spark's string syntax
    (where a backslash escapes), FILTER clauses and casts stay exact."""
    from data.drivers import Condition, Driver, driver_volumes_query
    from data.engines.sql import transpile

    drivers = (
        Driver("Key account", "order", (Condition("Name", ("O'Neil", "a\\b")),), 15.0),
        Driver("Return", "line", (Condition("Qty", op="<", number=-0.5),), 20.0),
        Driver("Units", "unit", (), 0.1),
    )
    duck = driver_volumes_query(drivers, "lines", lambda h: f"t_{h}", lambda h: f"n_{h}")
    assert "IN ('o''neil', 'a\\b')" in duck and "$" not in duck
    spark = transpile(duck)
    assert "IN ('o\\'neil', 'a\\\\b')" in spark
    assert "COUNT(*) FILTER(WHERE k0)" not in spark  # per order: the min date per order
    assert "MIN(date) FILTER(WHERE k0)" in spark
    assert "COUNT(*) FILTER(WHERE k1)" in spark
    assert "SUM(ABS(quantity)) FILTER(WHERE k2)" in spark
    assert "n_Qty < CAST('-0.5' AS DOUBLE)" in spark
    assert "APPROX" not in spark.upper() and "LIST_CONTAINS" not in spark.upper()
