"""Store operations behind the dashboard: preview then commit, rate card edits, mappings."""

import datetime as dt

import pandas as pd
import pytest

from data import DatasetError, Store
from tests.data.conftest import write_dataset


@pytest.fixture
def store(dataset):
    store = Store(":memory:")
    store.load_folder(dataset)
    return store


def live_tables(store):
    names = store.query_df("SELECT table_name FROM duckdb_tables() WHERE NOT temporary")
    return sorted(names["table_name"])


def test_stage_previews_without_touching_the_live_data(store, tmp_path):
    version = store.version
    other = write_dataset(tmp_path / "other",
                          transactions="customer_id,date,net_revenue\nZ1,2025-01-01,10\n"
                                       "Z2,2025-01-02,20\n",
                          activities=None, rates=None, resources=None, customers=None)
    files = {"transactions": other / "transactions.csv"}
    pending = store.stage_files(files, sample_rows=1)
    assert pending.rows == {"transactions": 2}
    assert len(pending.samples["transactions"]) == 1
    # The live dataset is unchanged until commit.
    assert store.version == version
    assert store.customer_base().customers.index.tolist() == ["C1", "C2", "C3", "C4"]
    result = store.commit(pending)
    assert store.version == result.version != version
    assert store.customer_base().customers.index.tolist() == ["Z1", "Z2"]
    assert not [t for t in live_tables(store) if t.startswith("_stage")]


def test_discard_and_expired_previews(store, dataset):
    files = {"transactions": dataset / "transactions.csv"}
    first = store.stage_files(files)
    second = store.stage_files(files)
    store.discard(first)
    assert not [t for t in live_tables(store) if first.token in t]
    store.commit(second)
    # A preview staged before another load committed is stale: it must be validated again.
    third = store.stage_files(files)
    store.commit(store.stage_files(files))
    with pytest.raises(DatasetError, match="validate the files again"):
        store.commit(third)


def test_rate_card_edit_changes_costs_and_version(store):
    base = store.customer_base()
    before = store.version
    rates, resources = store.rate_card()
    rates.loc[rates["activity"] == "Order", "unit_time"] = 80.0
    version = store.replace_rate_card(rates, resources)
    assert version != before and store.version == version
    new_rates, _ = store.rate_card()
    assert new_rates.set_index("activity").loc["Order", "unit_time"] == 80.0
    assert store.info().rows["rates"] == 2
    assert store.customer_base().customers.equals(base.customers)


def test_rate_card_edit_refused_keeps_the_old_one(store):
    rates, resources = store.rate_card()
    bad = rates.copy()
    bad.loc[0, "unit_time"] = -5.0
    version = store.version
    with pytest.raises(DatasetError) as error:
        store.replace_rate_card(bad, resources)
    assert [str(p) for p in error.value.problems] == [
        'Rates row 1, unit_time: "-5.0" must not be negative'
    ]
    missing = rates[rates["activity"] != "Complaint"]
    with pytest.raises(DatasetError, match='activity "Complaint" is used'):
        store.replace_rate_card(missing, resources)
    unknown = rates.assign(resource="Nobody")
    with pytest.raises(DatasetError, match="is not in Resources"):
        store.replace_rate_card(unknown, resources)
    assert store.version == version
    pd.testing.assert_frame_equal(store.rate_card()[0], rates)


def test_direct_rates_need_no_resources(store):
    rates = pd.DataFrame({"activity": ["Order", "Complaint"], "cost_per_unit": [10.0, 99.0]})
    store.replace_rate_card(rates, pd.DataFrame(columns=["resource", "cost", "capacity"]))
    assert store.info().rows["resources"] == 0
    assert store.rate_card()[0]["cost_per_unit"].tolist() == [10.0, 99.0]


def test_remembered_mappings_follow_the_layout(store):
    headers = ["Cust No", "Invoice Date", "Amount"]
    assert store.remembered_mapping("transactions", headers) is None
    mapping = {"customer_id": "Cust No", "date": "Invoice Date", "net_revenue": "Amount"}
    store.remember_mapping("transactions", headers, mapping)
    assert store.remembered_mapping("transactions", [" cust no", "INVOICE DATE", "amount"]) == (
        mapping
    )
    assert store.remembered_mapping("transactions", headers[:2]) is None
    assert store.remembered_mapping("activities", headers) is None


def test_mapping_survives_a_new_load(store, dataset):
    store.remember_mapping("transactions", ["A"], {"customer_id": "A"})
    store.load_folder(dataset)
    assert store.remembered_mapping("transactions", ["A"]) == {"customer_id": "A"}


def test_customer_history_by_month(store):
    history = store.customer_history("C2")
    months = [pd.Timestamp(dt.date(2024, 1, 1)), pd.Timestamp(dt.date(2024, 3, 1))]
    assert history.revenue.index.tolist() == months
    assert history.revenue["net_revenue"].tolist() == [200.0, -20.0]
    assert history.volumes.loc[months[1], "Complaint"] == 1.0
    empty = store.customer_history("nobody")
    assert empty.revenue.empty


def test_abandoned_previews_are_dropped(store, dataset):
    files = {"transactions": dataset / "transactions.csv"}
    old = store.stage_files(files)
    assert [t for t in live_tables(store) if old.token in t]
    store._staged_at[old.token] -= 3 * 3600
    fresh = store.stage_files(files)
    assert not [t for t in live_tables(store) if old.token in t]
    assert [t for t in live_tables(store) if fresh.token in t]
