"""The one-file ERP/BI export generator writes a realistic, tricky, deterministic CSV."""

import csv
import datetime as dt
import hashlib
import re

import pandas as pd
import pytest

from data.wide_sample import HTML_NAME, QUOTED_NAME, write_wide_export

HEADERS = [
    "Row ID", "Order ID", "Order Date", "Ship Date", "Ship Mode", "Order Priority",
    "Customer ID", "Customer Name", "Segment", "Region", "Product ID", "Quantity",
    "Sales", "Discount", "Profit",
]  # fmt: skip
DATE = re.compile(r"^\d{2}/\d{2}/\d{2}$")
MONEY = re.compile(r"^-?\d+\.\d{2}$")


@pytest.fixture(scope="module")
def export(tmp_path_factory):
    path = tmp_path_factory.mktemp("wide") / "orders.csv"
    facts = write_wide_export(path, customers=300, seed=11)
    return path, facts


@pytest.fixture(scope="module")
def lines(export) -> pd.DataFrame:
    """The file as text, exactly as written (no type guessing)."""
    frame = pd.read_csv(export[0], dtype=str, keep_default_na=False)
    for column in ("Quantity", "Sales", "Profit", "Discount"):
        frame[column + "#"] = pd.to_numeric(frame[column])
    for column in ("Order Date", "Ship Date"):
        frame[column + "#"] = pd.to_datetime(frame[column], format="%d/%m/%y")
    return frame


def test_headers_exact(export):
    with open(export[0], encoding="utf-8", newline="") as handle:
        first = handle.readline().rstrip("\r\n")
    assert first == ",".join(HEADERS)


def test_reads_back_with_csv_and_pandas(export, lines):
    path, facts = export
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == HEADERS
    assert len(rows) - 1 == facts["lines"] == len(lines)
    assert {len(row) for row in rows} == {len(HEADERS)}
    assert list(lines["Row ID"].astype(int)) == list(range(1, facts["lines"] + 1))
    names = set(lines["Customer Name"])
    assert {HTML_NAME, QUOTED_NAME} <= names
    assert "<b>HTML</b>" in HTML_NAME and "," in QUOTED_NAME and '"' in QUOTED_NAME
    # The comma-and-quote name is quoted in the file, its quotes doubled.
    assert '"' + QUOTED_NAME.replace('"', '""') + '"' in path.read_text(encoding="utf-8")
    by_id = lines.groupby("Customer ID")["Customer Name"].nunique()
    by_name = lines.groupby("Customer Name")["Customer ID"].nunique()
    assert (by_id == 1).all() and (by_name == 1).all()
    assert len(by_id) == facts["customers"] == 300
    assert lines["Customer ID"].str.fullmatch(r"[A-Z]{2}-\d{5}").all()
    ids = lines.set_index("Customer Name")["Customer ID"]
    assert ids[HTML_NAME].iloc[0] == facts["html_customer"]
    assert ids[QUOTED_NAME].iloc[0] == facts["quoted_customer"]


def test_two_digit_day_first_dates(lines, export):
    facts = export[1]
    for column in ("Order Date", "Ship Date"):
        assert lines[column].str.fullmatch(DATE.pattern).all()
    day = lines["Order Date"].str.slice(0, 2).astype(int)
    month = lines["Order Date"].str.slice(3, 5).astype(int)
    assert (day > 12).any() and (month <= 12).all()
    order = lines["Order Date#"]
    assert order.min().date() == facts["first_date"] == dt.date(2019, 1, 1)
    assert order.max().date() == facts["last_date"] == dt.date(2021, 12, 31)
    delay = (lines["Ship Date#"] - order).dt.days
    assert delay.between(0, 6).all()
    assert lines["Ship Date#"].max().date() == facts["last_ship_date"]
    assert order.is_monotonic_increasing


def test_order_lines_share_order_attributes(lines, export):
    facts = export[1]
    ids = lines["Order ID"].str.extract(r"^(CA|US)-(\d{4})-(\d{6})$")
    assert ids.notna().all().all()
    assert (ids[1].astype(int) == lines["Order Date#"].dt.year).all()
    orders = lines.groupby("Order ID")
    shared = ["Customer ID", "Order Date", "Ship Date", "Ship Mode", "Order Priority"]
    assert (orders[shared].nunique() == 1).all().all()
    assert orders.size().between(1, 6).all()
    assert orders.ngroups == facts["orders"]
    assert set(orders.size()) == {1, 2, 3, 4, 5, 6}


def test_categories(lines):
    modes = lines["Ship Mode"].value_counts()
    assert set(modes.index) == {"Standard Class", "Second Class", "First Class", "Same Day"}
    assert modes.index[0] == "Standard Class" and modes.index[-1] == "Same Day"
    assert set(lines["Order Priority"]) == {
        "1-URGENT", "2-HIGH", "3-MEDIUM", "4-NOT SPECIFIED", "5-LOW"
    }  # fmt: skip
    assert set(lines["Segment"]) == {"Consumer", "Corporate", "Home Office"}
    assert set(lines["Region"]) == {"West", "East", "Central", "South"}
    assert lines["Product ID"].str.fullmatch(r"(FUR|OFF|TEC)-[A-Z]{2}-\d{8}").all()
    discount = lines["Discount"].value_counts(normalize=True)
    assert set(discount.index) <= {"0", "0.1", "0.2", "0.3", "0.45", "0.5", "0.7", "0.8"}
    assert discount.index[0] == "0" and discount.index[1] == "0.2"
    assert discount["0"] + discount["0.2"] > 0.7


def test_quantities_and_returns(lines, export):
    facts = export[1]
    quantity = lines["Quantity#"]
    assert lines["Quantity"].str.fullmatch(r"-?\d+").all()
    assert quantity.abs().between(1, 14).all()
    returned = quantity < 0
    assert returned.sum() == facts["returns"]
    assert 0.005 <= returned.mean() <= 0.02
    assert (lines.loc[returned, "Sales#"] < 0).all()
    assert (lines.loc[returned, "Profit#"] < 0).all()
    assert (lines.loc[~returned, "Sales#"] > 0).all()


def test_amounts_net_of_discount_with_positive_cost(lines, export):
    facts = export[1]
    for column in ("Sales", "Profit"):
        assert lines[column].str.fullmatch(MONEY.pattern).all()
    normal = lines["Quantity#"] > 0
    cogs = lines["Sales#"] - lines["Profit#"]
    assert (cogs[normal] > 0).all()
    loss = lines["Profit#"] < 0
    assert loss.sum() == facts["loss_lines"]
    assert 0.10 <= loss[normal].mean() <= 0.35
    # Heavy discounts lose money, undiscounted lines mostly make money.
    heavy = lines["Discount#"] >= 0.5
    assert loss[normal & heavy].mean() > 0.9
    assert loss[normal & (lines["Discount#"] == 0)].mean() < 0.05
    assert lines["Sales#"].sum() == pytest.approx(facts["sales"], abs=0.01)
    assert lines["Profit#"].sum() == pytest.approx(facts["profit"], abs=0.01)
    assert 0 < facts["profit"] < 0.25 * facts["sales"]


def test_some_customers_inconsistent(lines, export):
    facts = export[1]
    segments = lines.groupby("Customer ID")["Segment"].nunique()
    regions = lines.groupby("Customer ID")["Region"].nunique()
    assert set(segments[segments > 1].index) == set(facts["inconsistent_segment"])
    assert set(regions[regions > 1].index) == set(facts["inconsistent_region"])
    moved = set(facts["inconsistent_segment"]) | set(facts["inconsistent_region"])
    assert 2 <= len(moved) <= 0.05 * facts["customers"]
    assert facts["inconsistent_segment"] and facts["inconsistent_region"]
    assert set(facts["majority"]) == moved
    for customer in moved:
        mine = lines[lines["Customer ID"] == customer]
        for column, expected in zip(
            ("Segment", "Region"), facts["majority"][customer], strict=True
        ):
            counts = mine[column].value_counts()
            assert counts.index[0] == expected
            assert len(counts) == 1 or counts.iloc[0] > counts.iloc[1]  # never a tie
        # A move: after some date the customer's lines carry the new value.
        changed = (mine[["Segment", "Region"]] != mine[["Segment", "Region"]].shift()).any(axis=1)
        assert changed.iloc[1:].sum() == 1


def test_customers_differ_in_behaviour(lines):
    orders = lines.drop_duplicates("Order ID")
    per_customer = orders.groupby("Customer ID").agg(
        orders=("Order ID", "size"),
        expedited=("Ship Mode", lambda s: s.isin(["First Class", "Same Day"]).mean()),
        urgent=("Order Priority", lambda s: s.isin(["1-URGENT", "2-HIGH"]).mean()),
    )
    per_customer["lines_per_order"] = lines.groupby("Customer ID").size() / per_customer["orders"]
    sales = lines.groupby("Customer ID")["Sales#"].sum().sort_values(ascending=False)
    # A few big accounts: the top 10 % buy far more than their share.
    assert sales.iloc[: len(sales) // 10].sum() > 0.35 * sales.sum()
    assert per_customer["orders"].max() >= 10 * per_customer["orders"].median()
    many = per_customer[per_customer["orders"] >= 10]
    assert many["expedited"].max() >= 0.5 and many["expedited"].min() <= 0.1
    assert many["urgent"].max() >= 0.7 and many["urgent"].min() <= 0.15
    assert many["lines_per_order"].max() >= 2 * many["lines_per_order"].min()
    # Frequent small orderers ship expedited more than big-order customers.
    assert many["expedited"].corr(many["lines_per_order"]) < -0.2


def test_deterministic(tmp_path, export):
    path, facts = export

    def digest(target):
        return hashlib.sha256(target.read_bytes()).hexdigest()

    again = write_wide_export(tmp_path / "again.csv", customers=300, seed=11)
    assert digest(tmp_path / "again.csv") == digest(path)
    assert {k: v for k, v in again.items() if k != "path"} == {
        k: v for k, v in facts.items() if k != "path"
    }
    write_wide_export(tmp_path / "other.csv", customers=300, seed=12)
    assert digest(tmp_path / "other.csv") != digest(path)


@pytest.mark.parametrize(("customers", "target"), [(200, 60_000), (50, 1_000), (400, 3_000)])
def test_lines_scaling(tmp_path, customers, target):
    facts = write_wide_export(tmp_path / "scaled.csv", customers=customers, seed=5, lines=target)
    assert abs(facts["lines"] - target) <= 0.08 * target
    assert facts["customers"] == customers
    with open(tmp_path / "scaled.csv", encoding="utf-8", newline="") as handle:
        assert sum(1 for _ in handle) == facts["lines"] + 1


def test_every_customer_has_an_order_even_when_lines_are_few(tmp_path):
    facts = write_wide_export(tmp_path / "few.csv", customers=40, seed=3, lines=10)
    frame = pd.read_csv(tmp_path / "few.csv", dtype=str, keep_default_na=False)
    assert frame["Customer ID"].nunique() == 40 == facts["customers"]
    assert facts["lines"] >= 40
