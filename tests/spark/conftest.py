"""The Spark engine's tests: one local Spark session for all of them (a JVM start costs
10-40 s), skipped with the reason when PySpark or Java are missing, except in CI
(``CI=true``), where a missing Spark fails the tests instead of skipping them silently."""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    for item in items:
        if Path(str(item.fspath)).resolve().is_relative_to(HERE):
            item.add_marker(pytest.mark.spark)


def spark_missing() -> str | None:
    """Why the Spark tests cannot run (None: they can), after the CI rule: in CI a
    missing engine is a failure, never a skip."""
    from data.engines.spark import unavailable

    reason = unavailable()
    if reason and os.environ.get("CI", "").lower() in ("true", "1"):
        pytest.fail(f"CI=true, but the Spark engine cannot run: {reason}. .ci/run installs "
                    "requirements-spark.txt and openjdk-17-jre-headless.", pytrace=False)
    return reason


def need(module: str):
    """``module`` imported, or the test skipped (failed in CI) saying how to install it."""
    import importlib

    try:
        return importlib.import_module(module)
    except ModuleNotFoundError:
        reason = f"{module} is not installed (pip install -r requirements-spark.txt)"
        if os.environ.get("CI", "").lower() in ("true", "1"):
            pytest.fail(f"CI=true, but {reason}", pytrace=False)
        pytest.skip(reason, allow_module_level=True)


@pytest.fixture(scope="session")
def spark():
    """A local Spark session (2 cores, 2 shuffle partitions, no UI, errors-only logs,
    ANSI mode set explicitly), shared by every Spark test."""
    reason = spark_missing()
    if reason:
        pytest.skip(f"Spark engine unavailable here: {reason}")
    from data.engines.spark import session

    with warnings.catch_warnings():
        # PySpark 4.3 warns that it does not fully support pandas 3 (we hand it Arrow).
        warnings.simplefilter("ignore", FutureWarning)
        spark = session("local[2]", app_name="ProfitLens tests", conf={
            "spark.sql.shuffle.partitions": "2",
            "spark.sql.ansi.enabled": "true",
            "spark.driver.memory": "1g",
        })
    yield spark
    spark.stop()
