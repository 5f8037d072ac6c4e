"""Store.order_sizes: orders per customer and those below a minimum order value."""

import datetime as dt

import pytest

from data import Store
from data.store import OrderIdsMissing
from tests.data.conftest import write_dataset


@pytest.fixture
def store(dataset):
    store = Store(":memory:")
    store.load_folder(dataset)
    yield store
    store.close()


def as_rows(frame):
    return {cid: tuple(row) for cid, row in zip(frame.index, frame.itertuples(index=False),
                                                 strict=True)}


def test_orders_and_small_orders(store):
    # C1: O1 1000.00 and O2 500.50; C2: O3 200.00 (O4 is only a credit note); C3: O5 50.00.
    sizes = store.order_sizes(600.0)
    assert list(sizes.columns) == ["orders", "small_orders", "small_order_value"]
    assert sizes.index.name == "customer_id"
    assert as_rows(sizes) == {
        "C1": (2, 1, 500.5),
        "C2": (1, 1, 200.0),
        "C3": (1, 1, 50.0),
    }
    assert sizes.index.is_unique and sizes["orders"].dtype == "int64"


def test_minimum_is_strict(store):
    # An order of exactly the minimum is not small.
    sizes = store.order_sizes(1000.0)
    assert as_rows(sizes)["C1"] == (2, 1, 500.5)
    assert store.order_sizes(0.0)["small_orders"].sum() == 0


def test_same_filter_as_customer_base(store):
    january = store.order_sizes(600.0, end=dt.date(2024, 1, 31))
    assert as_rows(january) == {"C1": (1, 0, 0.0), "C2": (1, 1, 200.0)}
    price_driven = store.order_sizes(600.0, segments=["Price-driven"])
    assert sorted(price_driven.index) == ["C2", "C3"]
    north = store.order_sizes(600.0, regions=["North"], start=dt.date(2024, 2, 1))
    assert as_rows(north) == {"C1": (1, 1, 500.5), "C3": (1, 1, 50.0)}
    base = store.customer_base(segments=["Price-driven"])
    assert set(price_driven.index) <= set(base.customers.index)


def test_order_value_leaves_credit_notes_out(tmp_path):
    folder = write_dataset(
        tmp_path / "credits",
        transactions=(
            "customer_id,date,order_id,net_revenue\n"
            "C1,2024-01-10,O1,300.00\n"
            "C1,2024-01-10,O1,300.00\n"
            "C1,2024-01-20,O1,-250.00\n"  # a return: the order was still worth 600
            "C1,2024-01-11,,900.00\n"  # no order_id: not an order
        ),
    )
    store = Store(":memory:")
    try:
        store.load_folder(folder)
        assert as_rows(store.order_sizes(500.0)) == {"C1": (1, 0, 0.0)}
        assert as_rows(store.order_sizes(601.0)) == {"C1": (1, 1, 600.0)}
    finally:
        store.close()


def test_without_order_ids(tmp_path):
    folder = write_dataset(
        tmp_path / "no-orders",
        transactions="customer_id,date,net_revenue\nC1,2024-01-10,1000.00\nC2,2024-01-15,5.00\n",
    )
    store = Store(":memory:")
    try:
        store.load_folder(folder)
        with pytest.raises(OrderIdsMissing, match="no order_id"):
            store.order_sizes(100.0)
    finally:
        store.close()
