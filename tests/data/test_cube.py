"""The customer-month cube (issue 13): built in the load's transaction, its sums equal the
invoice lines' per customer and month, the reference prices are the whole dataset's
medians, and a store built before the cube gets it once when opened."""

import datetime as dt
import shutil
from decimal import Decimal

import duckdb
import pytest

from data import DatasetError, Store
from data.cube import CUBE_TABLES
from tests.data.conftest import write_dataset

# Hand-built: C1 has three lines in January (one a credit note) and one in March, with
# products, its order O1 in both months; C2 has a line with no order_id and no product;
# undated activity for C2.
LINES = (
    "customer_id,date,order_id,product_id,quantity,net_revenue,list_revenue,cogs\n"
    "C1,2024-01-10,O1,P1,2,100.0050,110.00,60.00\n"
    "C1,2024-01-31,O1,P1,-1,-50.0025,-55.00,-30.00\n"
    "C1,2024-01-31,O2,P2,4,40.00,40.00,20.00\n"
    "C1,2024-03-01,O1,P1,1,60.00,60.00,35.00\n"
    "C2,2024-01-15,,,,200.00,250.00,150.00\n"
    "C2,2024-02-29,O4,P2,1,12.00,12.00,6.00\n"
)
ACTIVITY = (
    "customer_id,activity,quantity,date\n"
    "C1,Order,2,2024-01-10\n"
    "C1,Order,1,2024-01-31\n"
    "C1,Complaint,1,2024-03-01\n"
    "C2,Order,3,\n"
)


@pytest.fixture
def hand_store(tmp_path):
    folder = write_dataset(tmp_path / "hand", transactions=LINES, activities=ACTIVITY)
    store = Store(":memory:")
    store.load_folder(folder)
    yield store
    store.close()


def rows(store, sql):
    with store.cursor() as cur:
        return cur.execute(sql).fetchall()


def test_known_answer_customer_months(hand_store):
    got = rows(hand_store, "SELECT customer_id, month, list_revenue, net_revenue, cogs, "
                           "invoice_lines, units, first_date, last_date "
                           "FROM cube_customer_month ORDER BY ALL")
    d = dt.date
    assert got == [
        ("C1", d(2024, 1, 1), Decimal("95.0000"), Decimal("90.0025"), Decimal("50.0000"), 3,
         5.0, d(2024, 1, 10), d(2024, 1, 31)),
        ("C1", d(2024, 3, 1), Decimal("60.0000"), Decimal("60.0000"), Decimal("35.0000"), 1,
         1.0, d(2024, 3, 1), d(2024, 3, 1)),
        ("C2", d(2024, 1, 1), Decimal("250.0000"), Decimal("200.0000"), Decimal("150.0000"),
         1, None, d(2024, 1, 15), d(2024, 1, 15)),
        ("C2", d(2024, 2, 1), Decimal("12.0000"), Decimal("12.0000"), Decimal("6.0000"), 1,
         1.0, d(2024, 2, 29), d(2024, 2, 29)),
    ]


def test_known_answer_reference_prices_and_price_facts(hand_store):
    # P1: unit prices 50.0025 (Jan) and 60 (Mar), median 55.00125; P2: 10 and 12 -> 11.
    assert rows(hand_store, "SELECT product_id, unit_price FROM cube_reference_price "
                            "ORDER BY ALL") == [("P1", 55.00125), ("P2", 11.0)]
    got = rows(hand_store, "SELECT customer_id, month, priced_revenue, reference_revenue "
                           "FROM cube_customer_month ORDER BY ALL")
    assert got[0][:3] == ("C1", dt.date(2024, 1, 1), Decimal("90.0025"))
    assert got[0][3] == pytest.approx(2 * 55.00125 - 55.00125 + 4 * 11.0)
    assert got[2][2:] == (None, None)  # no product, no quantity: not priced
    assert got[3][2:] == (Decimal("12.0000"), 11.0)


def test_known_answer_orders_and_activity(hand_store):
    d = dt.date
    assert rows(hand_store, "SELECT * FROM cube_order_month ORDER BY ALL") == [
        ("C1", "O1", d(2024, 1, 1), Decimal("100.0050"), 1, 2, 2),
        ("C1", "O1", d(2024, 3, 1), Decimal("60.0000"), 1, 1, 2),
        ("C1", "O2", d(2024, 1, 1), Decimal("40.0000"), 1, 1, 1),
        ("C2", "O4", d(2024, 2, 1), Decimal("12.0000"), 1, 1, 1),
    ]
    assert rows(hand_store, "SELECT * FROM cube_activity_month ORDER BY ALL") == [
        ("C1", "Complaint", d(2024, 3, 1), 1.0, d(2024, 3, 1), d(2024, 3, 1)),
        ("C1", "Order", d(2024, 1, 1), 3.0, d(2024, 1, 10), d(2024, 1, 31)),
        ("C2", "Order", None, 3.0, None, None),
    ]
    assert hand_store.info().lines_kept is True
    # O1 spans January and March: one order over the quarter, counted once.
    base = hand_store.customer_base(dt.date(2024, 1, 1), dt.date(2024, 3, 31))
    assert base.customers.loc["C1", "orders"] == 2
    assert hand_store.customer_base(dt.date(2024, 1, 5), dt.date(2024, 3, 1)).customers.loc[
        "C1", "orders"] == 2


LINE_MONTHS = """
select customer_id, date_trunc('month', date)::date as month, sum(list_revenue),
       sum(net_revenue), sum(cogs), count(*), sum(quantity), min(date), max(date)
from transactions group by all order by all
"""
CUBE_MONTHS = """
select customer_id, month, list_revenue, net_revenue, cogs, invoice_lines, units,
       first_date, last_date
from cube_customer_month order by all
"""


def test_sample_cube_equals_the_lines_per_customer_month(sample_db, tmp_path):
    path = tmp_path / "sample.duckdb"
    shutil.copy(sample_db, path)
    store = Store(path)
    try:
        lines = rows(store, LINE_MONTHS)
        assert len(lines) > 1000
        assert rows(store, CUBE_MONTHS) == lines
        assert rows(store, "select customer_id, activity, date_trunc('month', date)::date, "
                           "sum(quantity) from activities group by all order by all") == \
            rows(store, "select customer_id, activity, month, quantity "
                        "from cube_activity_month order by all")
        assert rows(store, "select customer_id, order_id, sum(net_revenue) filter "
                           "(where net_revenue > 0), count(*) from transactions "
                           "where order_id is not null group by customer_id, order_id "
                           "order by all") == \
            rows(store, "select customer_id, order_id, sum(positive_value), sum(lines) "
                        "from cube_order_month group by all order by all")
    finally:
        store.close()


def test_a_store_built_before_the_cube_gets_it_when_opened(dataset, tmp_path):
    path = tmp_path / "old.duckdb"
    store = Store(path)
    store.load_folder(dataset)
    expected = rows(store, CUBE_MONTHS)
    store.close()
    con = duckdb.connect(str(path))  # as an older ProfitLens left it
    for table in (*CUBE_TABLES, "cube_version"):
        con.execute(f"DROP TABLE {table}")
    con.execute("ALTER TABLE dataset DROP COLUMN lines_kept")
    con.close()
    store = Store(path)
    try:
        assert rows(store, CUBE_MONTHS) == expected
        assert store.info().lines_kept is True
        assert store.customer_base().customers["net_revenue"].sum() == pytest.approx(1730.5)
    finally:
        store.close()


def test_a_cube_of_an_older_layout_is_rebuilt_when_opened(dataset, tmp_path):
    path = tmp_path / "older.duckdb"
    store = Store(path)
    store.load_folder(dataset)
    store.close()
    con = duckdb.connect(str(path))  # as the first cube (no months, no version) left it
    con.execute("ALTER TABLE cube_order_month DROP COLUMN months")
    con.execute("DROP TABLE cube_version")
    con.close()
    store = Store(path)
    try:
        assert rows(store, "SELECT order_id, months FROM cube_order_month ORDER BY ALL")[
            0] == ("O1", 1)
        assert store.customer_base().customers["orders"].sum() == 5
    finally:
        store.close()


def test_a_failed_load_leaves_the_cube_of_the_previous_dataset(dataset, tmp_path):
    store = Store(":memory:")
    store.load_folder(dataset)
    before = rows(store, CUBE_MONTHS)
    broken = write_dataset(tmp_path / "broken", transactions=(
        "customer_id,date,net_revenue\nC1,not a date,10\n"))
    with pytest.raises(DatasetError):
        store.load_folder(broken)
    assert rows(store, CUBE_MONTHS) == before
    store.close()
