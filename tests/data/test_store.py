"""The store: atomic loads, persistence, per-customer aggregation and reconciliation."""

import datetime as dt

import pandas as pd
import pytest

from analytics import analyse
from data import DatasetError, Store, db_path
from tests.data.conftest import write_dataset

TABLES = ("transactions", "activities", "rates", "resources", "customers", "dataset")


def snapshot(store: Store) -> dict[str, pd.DataFrame]:
    return {t: store.query_df(f"SELECT * FROM {t} ORDER BY ALL") for t in TABLES}


def assert_same(a: dict[str, pd.DataFrame], b: dict[str, pd.DataFrame]) -> None:
    assert a.keys() == b.keys()
    for table in a:
        pd.testing.assert_frame_equal(a[table], b[table])


def test_load_and_customer_table(dataset):
    store = Store(":memory:")
    result = store.load_folder(dataset)
    assert result.rows == {"transactions": 5, "activities": 5, "rates": 2, "resources": 1,
                           "customers": 3}
    base = store.customer_base()
    # C4 has activity but no invoice line: it is analysed, not dropped.
    assert base.customers.index.tolist() == ["C1", "C2", "C3", "C4"]
    c2 = base.customers.loc["C2"]
    assert (c2["net_revenue"], c2["list_revenue"], c2["cogs"]) == (180.0, 225.0, 135.0)
    assert c2["orders"] == 2 and c2["name"] == "Bolt"
    assert base.volumes.loc["C2"].to_dict() == {"Order": 2.0, "Complaint": 1.0}
    assert base.customers.loc["C4", "net_revenue"] == 0.0


def test_totals_reconcile_with_the_files_to_the_cent(dataset):
    store = Store(":memory:")
    store.load_folder(dataset)
    base = store.customer_base()
    summary = analyse(base.customers, base.volumes, base.rates, base.resources).summary()
    lines = pd.read_csv(dataset / "transactions.csv")
    assert summary["net_revenue"] == round(lines["net_revenue"].sum(), 2) == 1730.50
    assert summary["list_revenue"] == round(lines["list_revenue"].sum(), 2)
    assert summary["cogs"] == round(lines["cogs"].sum(), 2)
    # 5 orders x 40 min + 2 complaints x 220 min at 0.80 a minute.
    assert summary["cost_to_serve"] == 512.00
    assert summary["unused_capacity_cost"] == 1600.00 - 512.00
    assert summary["profit"] == round(1730.50 - 1045.25 - 512.00, 2)


def test_failed_load_keeps_previous_data(dataset, tmp_path):
    path = tmp_path / "store.duckdb"
    store = Store(path)
    first = store.load_folder(dataset)
    before = snapshot(store)
    broken = write_dataset(
        tmp_path / "broken",
        transactions="customer_id,date,net_revenue\nC9,2024-01-01,12O.00\n",
    )
    with pytest.raises(DatasetError):
        store.load_folder(broken)
    assert_same(snapshot(store), before)
    assert store.version == first.version
    # A cross-table failure (found after every file was staged) keeps it too.
    no_rate = write_dataset(tmp_path / "no_rate", rates="activity,cost_per_unit\nOrder,5\n")
    with pytest.raises(DatasetError, match="Complaint"):
        store.load_folder(no_rate)
    assert_same(snapshot(store), before)
    store.close()
    # ...and across a restart nothing staged is left behind.
    reopened = Store(path)
    assert_same(snapshot(reopened), before)
    tables = reopened.query_df("SELECT table_name FROM duckdb_tables()")["table_name"].tolist()
    assert not [t for t in tables if t.startswith("_")]
    reopened.close()


def test_successful_load_replaces_everything(dataset, tmp_path):
    store = Store(":memory:")
    store.load_folder(dataset)
    smaller = write_dataset(
        tmp_path / "small",
        transactions="customer_id,date,net_revenue\nZ1,2025-01-01,10\n",
        activities=None, rates=None, resources=None, customers=None,
    )
    result = store.load_folder(smaller)
    assert result.rows == {"transactions": 1}
    assert store.info().rows == {"transactions": 1, "activities": 0, "rates": 0,
                                 "resources": 0, "customers": 0}
    base = store.customer_base()
    assert base.customers.index.tolist() == ["Z1"]
    assert base.volumes.shape == (1, 0)
    assert any("cogs" in w for w in result.warnings)


def test_store_survives_restart_and_honours_env(dataset, tmp_path, monkeypatch):
    path = tmp_path / "env.duckdb"
    monkeypatch.setenv("PROFITLENS_DB", str(path))
    assert db_path() == str(path)
    store = Store()
    version = store.load_folder(dataset).version
    store.close()
    again = Store()
    info = again.info()
    assert info.version == version
    assert info.files["transactions"] == "transactions.csv"
    assert (info.first_date, info.last_date) == (dt.date(2024, 1, 10), dt.date(2024, 6, 30))
    again.close()


def test_period_filter_and_capacity_proration(dataset):
    store = Store(":memory:")
    store.load_folder(dataset)
    base = store.customer_base(start=dt.date(2024, 1, 1), end=dt.date(2024, 1, 31))
    assert base.customers.index.tolist() == ["C1", "C2"]
    assert base.customers.loc["C1", "net_revenue"] == 1000.0
    assert base.volumes.loc["C2"].to_dict() == {"Order": 2.0, "Complaint": 0.0}
    # 22 of the span's 173 days (2024-01-10 .. 2024-06-30).
    assert base.period_fraction == pytest.approx(22 / 173)


def test_segment_and_region_filters(dataset):
    store = Store(":memory:")
    store.load_folder(dataset)
    assert store.customer_base(segments=["Price-driven"]).customers.index.tolist() == ["C2", "C3"]
    assert store.customer_base(regions=["North"]).customers.index.tolist() == ["C1", "C3"]
    both = store.customer_base(segments=["Price-driven"], regions=["North"])
    assert both.customers.index.tolist() == ["C3"]


def test_first_use_loads_the_sample(tmp_path):
    store = Store(tmp_path / "fresh.duckdb")
    assert not store.has_dataset()
    info = store.ensure_dataset()
    assert info.source == "Embedded sample dataset"
    assert info.rows["transactions"] > 100_000
    assert info.rows["customers"] == 2000
    store.close()


def test_capacity_is_measured_on_the_whole_base_under_a_segment_filter(dataset):
    store = Store(":memory:")
    store.load_folder(dataset)
    everyone = store.customer_base()
    subset = store.customer_base(segments=["Premium service"])
    assert subset.period_volume.to_dict() == everyone.period_volume.to_dict()
    whole = analyse(everyone.customers, everyone.volumes, everyone.rates, everyone.resources,
                    capacity_volume=everyone.period_volume)
    part = analyse(subset.customers, subset.volumes, subset.rates, subset.resources,
                   capacity_volume=subset.period_volume)
    assert part.unused_capacity_cost == whole.unused_capacity_cost == 1600.0 - 512.0
    assert part.totals()["cost_to_serve"] == 2 * 32.0


def test_customers_missing_from_master_data_are_kept_and_counted(dataset):
    store = Store(":memory:")
    store.load_folder(dataset)
    base = store.customer_base()
    # C4 has activity but no master row; it is analysed, and the warning counts it.
    assert not base.customers.loc["C4", "in_master"]
    assert base.customers["in_master"].sum() == 3
    assert any(w.startswith("1 customer(s)") for w in base.warnings)
