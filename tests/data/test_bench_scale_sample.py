"""The scale benchmark's sample at scale (tests/benchmarks/bench_scale.py, ``--cases
sample60``): the sample's lines copied k times with their money varied per copy, written
as Parquet by DuckDB SQL. Known answers on a hand-made source (the rounding of each copy,
the order ids, the activity volumes, the resources), then a generated sample loaded by
the store: one copy is the sample itself, ten copies keep the customers and the
customer-months with ten times the lines, orders and volumes."""

from __future__ import annotations

import csv
import json
import sys
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import duckdb
import numpy as np
import pytest

from tests.data.conftest import BENCHMARKS

SOURCE = {
    "transactions.csv": (
        "customer_id,date,order_id,product_id,quantity,list_revenue,net_revenue,cogs\n"
        "C1,2024-01-10,O1,P1,2,110.00,100.00,60.00\n"
        "C1,2024-01-10,O1,P2,1,0.50,0.50,0.25\n"
        "C2,2024-02-03,O2,P1,-1,-55.00,-50.50,-30.00\n"
        "C2,2024-03-31,O3,P1,1,55.00,55.00,30.00\n"),
    "activities.csv": ("customer_id,activity,quantity,date\n"
                       "C1,Order entry,2,2024-01-01\nC2,Complaint,1,2024-02-01\n"),
    "customers.csv": "customer_id,name\nC1,Acme\nC2,Bolt\n",
    "rates.csv": ("activity,resource,unit_time\nOrder entry,Customer service,40\n"
                  "Complaint,Customer service,220\n"),
    "resources.csv": "resource,cost,capacity\nCustomer service,1600.50,2000\n",
}


@pytest.fixture(scope="module")
def source(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("source")
    for name, text in SOURCE.items():
        (folder / name).write_text(text)
    (folder / "rows.json").write_text(json.dumps(
        {"rows": {"transactions": 4, "activities": 2, "customers": 2}}))
    return folder


def rows(path: Path, sql: str = "SELECT * FROM read_parquet(?)") -> list[tuple]:
    with duckdb.connect() as con:
        return con.execute(sql, [str(path)]).fetchall()


def test_three_copies_by_hand(bench_scale, source, tmp_path):
    folder = tmp_path / "x3"
    info = bench_scale.ensure_sample_dataset(folder, source, 3, threads=1,
                                             memory_limit="1GB")
    assert info["rows"] == {"transactions": 12, "activities": 2, "customers": 2}
    assert info["factors"] == ["1.00", "0.99", "1.01"]
    d = Decimal
    got = [(str(r[0]), str(r[1]), r[2], r[3], r[4], r[5], r[6], r[7])
           for r in rows(folder / "transactions.parquet")]
    # In date order, copy by copy, each copy in the sample's order; amounts times 1.00,
    # 0.99, 1.01 rounded half away from zero: 0.495 -> 0.50, 0.505 -> 0.51,
    # -49.995 -> -50.00, -51.005 -> -51.01, 0.2475 -> 0.25, 0.2525 -> 0.25.
    assert got == [
        ("C1", "2024-01-10", "O1", "P1", 2, d("110.00"), d("100.00"), d("60.00")),
        ("C1", "2024-01-10", "O1", "P2", 1, d("0.50"), d("0.50"), d("0.25")),
        ("C1", "2024-01-10", "O1-1", "P1", 2, d("108.90"), d("99.00"), d("59.40")),
        ("C1", "2024-01-10", "O1-1", "P2", 1, d("0.50"), d("0.50"), d("0.25")),
        ("C1", "2024-01-10", "O1-2", "P1", 2, d("111.10"), d("101.00"), d("60.60")),
        ("C1", "2024-01-10", "O1-2", "P2", 1, d("0.51"), d("0.51"), d("0.25")),
        ("C2", "2024-02-03", "O2", "P1", -1, d("-55.00"), d("-50.50"), d("-30.00")),
        ("C2", "2024-02-03", "O2-1", "P1", -1, d("-54.45"), d("-50.00"), d("-29.70")),
        ("C2", "2024-02-03", "O2-2", "P1", -1, d("-55.55"), d("-51.01"), d("-30.30")),
        ("C2", "2024-03-31", "O3", "P1", 1, d("55.00"), d("55.00"), d("30.00")),
        ("C2", "2024-03-31", "O3-1", "P1", 1, d("54.45"), d("54.45"), d("29.70")),
        ("C2", "2024-03-31", "O3-2", "P1", 1, d("55.55"), d("55.55"), d("30.30")),
    ]
    (types,) = rows(folder / "transactions.parquet",
                    "SELECT typeof(net_revenue) FROM read_parquet(?) LIMIT 1")
    assert types == ("DECIMAL(18,2)",)
    assert [(r[0], r[1], r[2], str(r[3])) for r in rows(folder / "activities.parquet")] == [
        ("C1", "Order entry", 6, "2024-01-01"), ("C2", "Complaint", 3, "2024-02-01")]
    assert (folder / "resources.csv").read_text() == (
        "resource,cost,capacity\nCustomer service,4801.50,6000\n")
    assert (folder / "customers.csv").read_text() == SOURCE["customers.csv"]
    # Done once: the marker's folder is kept as it is.
    (folder / "customers.csv").write_text("kept")
    bench_scale.ensure_sample_dataset(folder, source, 3)
    assert (folder / "customers.csv").read_text() == "kept"


def test_the_factors_sum_to_the_copies_and_resources_scale_exactly(bench_scale):
    assert sum(Decimal(f) for f in bench_scale.SAMPLE_FACTORS) == 10
    assert bench_scale.SAMPLE_FACTORS[0] == "1.00"  # copy 0 is the sample's own line
    text = ("resource,cost,capacity\nCustomer service,91640774.56,126893100\n"
            "Technical support,334810154.20,3904040\n")
    assert bench_scale.scaled_resources(text, 10) == (
        "resource,cost,capacity\nCustomer service,916407745.60,1268931000\n"
        "Technical support,3348101542.00,39040400\n")
    with pytest.raises(ValueError):
        bench_scale.ensure_sample_dataset(Path("unused"), Path("unused"), 11)


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    sys.path.insert(0, str(BENCHMARKS))
    try:
        from bench_report import ensure_data
    finally:
        sys.path.remove(str(BENCHMARKS))
    folder = tmp_path_factory.mktemp("sample") / "sample-40"
    ensure_data(folder, 40, 3)
    return folder


def load(folder: Path, db: Path):
    from data import Store

    store = Store(db)
    try:
        store.load_folder(folder)
        with store.cursor() as cur:
            (months,) = cur.execute("SELECT count(*) FROM cube_customer_month").fetchone()
        return store.customer_base(), months
    finally:
        store.close()


def expected_net_revenue(folder: Path, factors: list[str]) -> dict[str, Decimal]:
    """Per customer: every line times every factor, each rounded to the cent half away
    from zero (Decimal's ROUND_HALF_UP), summed."""
    totals: dict[str, Decimal] = defaultdict(Decimal)
    with (folder / "transactions.csv").open(newline="") as handle:
        for row in csv.DictReader(handle):
            amount = Decimal(row["net_revenue"])
            for factor in factors:
                totals[row["customer_id"]] += (amount * Decimal(factor)).quantize(
                    Decimal("0.01"), rounding=ROUND_HALF_UP)
    return totals


def test_the_sample_at_scale_keeps_its_customers_and_months(bench_scale, sample, tmp_path):
    one = tmp_path / "x1"
    ten = tmp_path / "x10"
    bench_scale.ensure_sample_dataset(one, sample, 1, threads=1, memory_limit="1GB")
    info = bench_scale.ensure_sample_dataset(ten, sample, 10, threads=1, memory_limit="1GB")
    source_lines = json.loads((sample / "rows.json").read_text())["rows"]["transactions"]
    assert info["rows"]["transactions"] == 10 * source_lines

    csv_base, csv_months = load(sample, tmp_path / "csv.duckdb")
    one_base, one_months = load(one, tmp_path / "one.duckdb")
    ten_base, ten_months = load(ten, tmp_path / "ten.duckdb")

    # One copy is the sample itself: the same customer table as its CSV files give.
    columns = ["list_revenue", "net_revenue", "cogs", "invoice_lines", "orders", "units"]
    assert one_base.customers[columns].equals(csv_base.customers[columns])
    assert one_base.volumes.equals(csv_base.volumes)
    assert one_months == csv_months > 0

    # Ten copies: the same customers and customer-months, ten times the lines, orders,
    # units and activity volumes, the money as each copy's cents add up.
    assert ten_months == one_months
    ten_c = ten_base.customers.loc[one_base.customers.index]
    one_c = one_base.customers
    for column in ("invoice_lines", "orders", "units"):
        assert (ten_c[column] == 10 * one_c[column]).all(), column
    assert ten_base.volumes.loc[one_base.volumes.index].equals(10 * one_base.volumes)
    expected = expected_net_revenue(sample, bench_scale.SAMPLE_FACTORS)
    got = ten_c["net_revenue"]
    assert len(got) == len(expected) == 40
    for customer, value in got.items():
        assert round(value, 2) == float(expected[customer]), customer
    # Not merely ten times: the copies' money differs, but by less than 5 % in total.
    ratio = (ten_c["net_revenue"] / one_c["net_revenue"]).to_numpy()
    assert np.all(np.abs(ratio - 10) < 0.5) and not np.allclose(ratio, 10, rtol=1e-9)


def test_browser_figures_pooled_over_servers_and_compared(bench_scale):
    def server(first, changes, moves):
        return {"first_load_s": first, "customers_first_switch_s": first / 4,
                "pricing_first_switch_s": first / 5,
                "control_change_ms": {"values": changes}, "pricing_slider_ms": {"values": moves}}

    pooled = bench_scale.pooled([server(6.0, [200, 300], [100]), server(8.0, [250], [300]),
                                 {"error": "TimeoutError: 900000 ms"}, server(4.0, [500], [90])])
    assert pooled["servers"] == 4 and pooled["errors"] == ["TimeoutError: 900000 ms"]
    assert pooled["first_load_s"] == 6.0  # median of 6, 8, 4
    assert pooled["runs"]["first_load_s"] == [6.0, 8.0, 4.0]
    assert pooled["customers_first_switch_s"] == 1.5
    assert pooled["control_change_ms"] == {"median": 275, "max": 500, "n": 4,
                                           "values": [200, 300, 250, 500]}
    assert pooled["pricing_slider_ms"]["median"] == 100
    small = {"store": {"customer_base_cold_s": 1.2, "process_peak_mib": 500},
             "browser": pooled}
    large = {"store": {"customer_base_cold_s": 1.5, "process_peak_mib": 600},
             "browser": {**pooled, "first_load_s": 9.0,
                         "control_change_ms": {"median": 330}}}
    assert bench_scale.ratios(large, small) == {
        "customer_base_cold_s": 1.25, "process_peak_mib": 1.2, "first_load_s": 1.5,
        "customers_first_switch_s": 1.0, "pricing_first_switch_s": 1.0,
        "control_change_ms": 1.2, "pricing_slider_ms": 1.0}
