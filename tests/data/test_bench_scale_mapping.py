"""Smoke test of the scale benchmark's dataset (tests/benchmarks/bench_scale.py) at TPC-H
SF0.01: the mapping to the import contract as Parquet, loaded by the store, gives the
same cube as the benchmark's bare DuckDB reference (so the two sides of its ratio build
the same thing). Needs ``tpchgen-cli`` (the benchmark's set-up, not installed in CI)."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import duckdb
import pytest

TOOL = shutil.which("tpchgen-cli")
pytestmark = pytest.mark.skipif(
    TOOL is None, reason="tpchgen-cli is not installed (pip install tpchgen-cli: the scale "
    "benchmark's set-up only, not a requirement of the app or of CI)")


@pytest.fixture(scope="module")
def folder(tmp_path_factory, bench_scale) -> Path:
    folder = tmp_path_factory.mktemp("scale") / "sf0.01"
    bench_scale.ensure_dataset(folder, 0.01, threads=1, memory_limit="1GB")
    return folder


def test_mapping_writes_the_contract_as_parquet(folder):
    info = (folder / "rows.json").read_text()
    # TPC-H SF0.01: 60,175 lineitem rows, 15,000 orders, 1,500 customers.
    assert '"transactions": 60175' in info and '"customers": 1500' in info
    assert sorted(p.name for p in folder.iterdir()) == [
        "activities.parquet", "customers.parquet", "rates.csv", "resources.csv",
        "rows.json", "transactions.parquet"]  # the raw TPC-H files are gone
    con = duckdb.connect()
    volumes = dict(con.execute(
        "SELECT activity, sum(quantity) FROM read_parquet(?) GROUP BY activity",
        [str(folder / "activities.parquet")]).fetchall())
    # One order handled per order, one line picked per invoice line.
    assert volumes["Order handling"] == 15_000
    assert volumes["Line picking"] == 60_175
    (orders,) = con.execute("SELECT count(DISTINCT order_id) FROM read_parquet(?)",
                            [str(folder / "transactions.parquet")]).fetchone()
    assert orders == 15_000
    # The resources scaled with the data: SF1's cost and capacity / 100, same rates.
    with (folder / "resources.csv").open(newline="") as handle:
        resources = {row["resource"]: row for row in csv.DictReader(handle)}
    assert resources["Customer service"]["cost"] == "12000000.00"
    assert resources["Customer service"]["capacity"] == "360000"
    assert resources["Logistics"]["capacity"] == "800000"


def test_the_reference_builds_the_cube_the_load_stores(folder, bench_scale, tmp_path):
    from data import Store
    from data.cube import CUBE_TABLES

    reference, _ = bench_scale.reference_cube(folder)
    store = Store(tmp_path / "store.duckdb")
    try:
        store.load_folder(folder)
        with store.cursor() as cur:
            stored = {name: cur.sql(f"SELECT * FROM {name}").to_arrow_table()
                      for name in CUBE_TABLES}
    finally:
        store.close()
    assert set(reference) == set(stored)
    for name in CUBE_TABLES:
        ours = reference[name].to_pandas()
        theirs = stored[name].to_pandas()
        keys = [c for c in ours.columns
                if c in ("customer_id", "product_id", "order_id", "activity", "month")]
        assert list(ours.columns) == list(theirs.columns), name
        assert len(ours) > 0, name
        ours = ours.sort_values(keys).reset_index(drop=True)
        theirs = theirs.sort_values(keys).reset_index(drop=True)
        # Decimals, counts and dates exact; doubles (percentiles, sums) to 1e-9.
        import pandas.testing as pdt

        pdt.assert_frame_equal(ours, theirs, check_exact=False, rtol=1e-9, obj=name)


def test_a_changed_mapping_is_noticed(bench_scale):
    sql = "COPY (SELECT 1) TO '{out}/transactions.csv' (HEADER)"
    assert bench_scale.as_parquet(sql).endswith(
        "TO '{out}/transactions.parquet' (FORMAT parquet, COMPRESSION zstd)")
    with pytest.raises(SystemExit, match="no longer ends"):
        bench_scale.as_parquet("COPY (SELECT 1) TO '{out}/transactions.json'")
