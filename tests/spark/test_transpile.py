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
