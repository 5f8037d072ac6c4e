"""The trend queries: per month or quarter, known answers on a hand-built dataset, and
the reconciliation the pages promise: over the buckets, revenue, COGS, cost to serve and
operating profit add up to the period's figures of the customer P&L to the cent (on the
sample, and on random datasets with fractional amounts, rates and undated activity)."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from analytics.analysis import analyse_base
from analytics.money import to_cents
from analytics.trends import buckets, company_series, period_cents, utilisation_series
from data import Store
from tests.data.conftest import write_dataset

D = dt.date
MONEY = ("net_revenue", "cogs", "net_margin", "cost_to_serve", "profit")


def trend(store: Store, grain: str, start=None, end=None, segments=None, regions=None):
    """The company series as the Overview gets it, and the period's analysis."""
    info = store.info()
    frame = buckets(info.first_date, info.last_date, start, end, grain)
    result = analyse_base(store.customer_base(start, end, segments, regions))
    raw = store.trend_series(period_cents(result.pnl), start, end, grain=grain,
                             buckets=list(frame["bucket"]), weights=list(frame["weight"]),
                             rates=result.rate_table)
    return company_series(raw, frame), result


def utilisation(store: Store, grain: str, start=None, end=None):
    info = store.info()
    frame = buckets(info.first_date, info.last_date, start, end, grain)
    base = store.customer_base(start, end)
    result = analyse_base(base)
    used = store.trend_utilisation(start, end, grain=grain, buckets=list(frame["bucket"]),
                                   weights=list(frame["weight"]), rates=result.rate_table)
    return utilisation_series(used, base.resources, frame), result


def assert_reconciles(series: pd.DataFrame, result) -> None:
    totals = result.totals()
    for key in MONEY:
        assert to_cents(series[key].to_numpy()).sum() == to_cents(totals[key]), key


@pytest.fixture
def store(dataset):
    store = Store(":memory:")
    store.load_folder(dataset)
    yield store
    store.close()


def test_known_answer_by_month(store):
    """The reference dataset (tests/data/conftest.py), by hand: Order costs 40 min x 0.8 =
    32, Complaint 220 x 0.8 = 176; the data run from 10 Jan to 30 Jun 2024."""
    series, result = trend(store, "month")
    assert series["period"].tolist() == ["Jan 2024", "Feb 2024", "Mar 2024", "Apr 2024",
                                         "May 2024", "Jun 2024"]
    # Jan: C1 1000 - 600 - 2 orders (64) = 336; C2 200 - 150 - 64 = -14.
    # Feb: C1 500.50 - 300.25. Mar: C2 -20 + 15 - a complaint (176) = -181.
    # Jun: C3 50 - 10 - 32 = 8; C4 a complaint alone: -176.
    assert series["net_revenue"].tolist() == [1200.0, 500.5, -20.0, 0.0, 0.0, 50.0]
    assert series["cogs"].tolist() == [750.0, 300.25, -15.0, 0.0, 0.0, 10.0]
    assert series["cost_to_serve"].tolist() == [128.0, 0.0, 176.0, 0.0, 0.0, 208.0]
    assert series["profit"].tolist() == [322.0, 200.25, -181.0, 0.0, 0.0, -168.0]
    assert series["customers"].tolist() == [2, 1, 1, 0, 0, 2]
    assert series["unprofitable"].tolist() == [1, 0, 1, 0, 0, 1]
    assert series["unprofitable_pct"].tolist()[:3] == [50.0, 0.0, 100.0]
    assert series["profit"].sum() == pytest.approx(173.25)
    assert_reconciles(series, result)


def test_known_answer_by_quarter_and_with_a_filter(store):
    series, result = trend(store, "quarter")
    assert series["period"].tolist() == ["2024 Q1", "2024 Q2"]
    # Q1: C1 1500.50 - 900.25 - 64 = 536.25; C2 180 - 135 - 240 = -195.
    assert series["profit"].tolist() == [341.25, -168.0]
    assert series["customers"].tolist() == [2, 2]
    assert series["unprofitable"].tolist() == [1, 1]
    assert_reconciles(series, result)
    # Price-driven: C2 and C3 (C4 has no master data, so no segment: left out).
    series, result = trend(store, "quarter", segments=["Price-driven"])
    assert series["net_revenue"].tolist() == [180.0, 50.0]
    assert series["cost_to_serve"].tolist() == [240.0, 32.0]
    assert series["customers"].tolist() == [1, 1]
    assert series["unprofitable"].tolist() == [1, 0]
    assert_reconciles(series, result)


def test_a_period_inside_the_data(store):
    series, result = trend(store, "month", D(2024, 1, 12), D(2024, 3, 1))
    assert series["period"].tolist() == ["Jan 2024", "Feb 2024", "Mar 2024"]
    assert series["first_day"].iloc[0] == D(2024, 1, 12)
    # C1's January line (10 Jan) is outside; C2's of 15 Jan and 1 Mar are in.
    assert series["net_revenue"].tolist() == [200.0, 500.5, -20.0]
    assert series["cost_to_serve"].tolist() == [64.0, 0.0, 176.0]
    assert_reconciles(series, result)
    empty, result = trend(store, "month", D(2025, 1, 1), None)
    assert empty.empty and result.pnl.empty


def test_utilisation_known_answer(store):
    series, result = utilisation(store, "month")
    # Used: Jan 4 orders x 40 = 160 min; Mar a complaint 220; Jun an order and a
    # complaint 260. Capacity 2000 min over the data's 173 days.
    assert series["used"].tolist() == [160.0, 0.0, 220.0, 0.0, 0.0, 260.0]
    assert series["capacity"].tolist() == pytest.approx(
        [2000 * d / 173 for d in (22, 29, 31, 30, 31, 30)])
    capacity = result.capacity.set_index("resource")
    assert series["used"].sum() == pytest.approx(capacity.loc["Customer service", "used"])
    assert series["capacity"].sum() == pytest.approx(capacity.loc["Customer service",
                                                                  "capacity"])


def test_what_rounding_leaves_over_goes_to_the_last_month(tmp_path):
    """One customer buys 0.3333 and orders one unit at 0.333 each month: its P&L has
    0.9999 -> 1.00 of revenue and 0.999 -> 1.00 of cost; each month rounds to 0.33, and
    the cent left over goes to its last month."""
    folder = write_dataset(
        tmp_path / "thirds",
        transactions="customer_id,date,net_revenue,cogs\n"
                     + "".join(f"C1,2024-0{m}-15,0.3333,0.1111\n" for m in (1, 2, 3)),
        activities="customer_id,activity,quantity,date\n"
                   + "".join(f"C1,Pick,1,2024-0{m}-15\n" for m in (1, 2, 3)),
        rates="activity,cost_per_unit\nPick,0.333\n",
        resources=None, customers=None,
    )
    store = Store(":memory:")
    store.load_folder(folder)
    series, result = trend(store, "month")
    assert series["net_revenue"].tolist() == [0.33, 0.33, 0.34]
    assert series["cogs"].tolist() == [0.11, 0.11, 0.11]
    assert series["cost_to_serve"].tolist() == [0.33, 0.33, 0.34]
    assert result.totals()["cost_to_serve"] == 1.0
    assert_reconciles(series, result)


def test_undated_activity_is_spread_over_the_months(tmp_path):
    """91 undated orders over data from 1 Jan to 31 Mar 2024 (91 days): 31, 29 and 31 of
    them fall in the months; a period from 1 Feb gets 60, as its prorated volume."""
    folder = write_dataset(
        tmp_path / "undated",
        transactions="customer_id,date,net_revenue,cogs\nC1,2024-01-01,100,50\n"
                     "C1,2024-03-31,100,50\n",
        activities="customer_id,activity,quantity\nC1,Order,91\n",
        rates="activity,cost_per_unit\nOrder,1\n",
        resources=None, customers=None,
    )
    store = Store(":memory:")
    store.load_folder(folder)
    series, result = trend(store, "month")
    assert series["cost_to_serve"].tolist() == [31.0, 29.0, 31.0]
    assert series["customers"].tolist() == [1, 1, 1]
    assert series["unprofitable"].tolist() == [0, 1, 0]
    assert_reconciles(series, result)
    series, result = trend(store, "month", D(2024, 2, 1), None)
    assert series["cost_to_serve"].tolist() == [29.0, 31.0]
    assert result.totals()["cost_to_serve"] == 60.0
    assert_reconciles(series, result)


SAMPLE_SELECTIONS = [
    ("quarter", None, None, None, None),
    ("month", None, None, None, None),
    ("month", D(2023, 2, 14), D(2024, 1, 20), None, None),
    ("quarter", D(2022, 5, 1), None, ["Demanding", "Passive"], None),
    ("month", D(2024, 1, 1), D(2024, 12, 31), None, ["DACH", "Nordics"]),
]


@pytest.mark.parametrize(("grain", "start", "end", "segments", "regions"), SAMPLE_SELECTIONS)
def test_sample_reconciles_to_the_cent(sample_db, grain, start, end, segments, regions):
    store = Store(sample_db)
    try:
        series, result = trend(store, grain, start, end, segments, regions)
    finally:
        store.close()
    assert len(series) > 1 and series["customers"].gt(0).all()
    assert_reconciles(series, result)
    # Customers active in a bucket are customers of the period.
    assert series["customers"].max() <= len(result.pnl)
    assert (series["unprofitable"] <= series["customers"]).all()


def test_sample_utilisation_reconciles(sample_db):
    store = Store(sample_db)
    try:
        series, result = utilisation(store, "quarter", D(2023, 1, 1), D(2023, 12, 31))
    finally:
        store.close()
    totals = series.groupby("resource")[["used", "capacity"]].sum()
    capacity = result.capacity.set_index("resource")
    assert sorted(totals.index) == sorted(capacity.index)
    for resource, row in totals.iterrows():
        assert row["used"] == pytest.approx(capacity.loc[resource, "used"], rel=1e-9)
        assert row["capacity"] == pytest.approx(capacity.loc[resource, "capacity"], rel=1e-9)


def random_dataset(folder, seed: int):
    """Invoice lines with four-decimal amounts, dated and undated activity with
    fractional quantities, one direct and two time-driven rates with awkward values."""
    rng = np.random.default_rng(seed)
    customers = [f"C{i}" for i in range(12)]
    first = D(2023, 1, 1)
    lines = ["customer_id,date,net_revenue,cogs"]
    for _ in range(120):
        day = first + dt.timedelta(days=int(rng.integers(0, 500)))
        net = round(float(rng.normal(300, 400)), 4)
        lines.append(f"{rng.choice(customers)},{day},{net},{round(net * 0.7, 4)}")
    activity = ["customer_id,activity,quantity,date"]
    for _ in range(150):
        day = first + dt.timedelta(days=int(rng.integers(0, 500)))
        when = "" if rng.random() < 0.2 else str(day)
        quantity = round(float(rng.uniform(0.1, 7)), 2)
        activity.append(f"C{rng.integers(0, 14)},{rng.choice(['Pick', 'Call', 'Ship'])},"
                        f"{quantity},{when}")
    segments = ["A", "B"]
    master = ["customer_id,name,segment,region"] + [
        f"{c},Name {c},{segments[i % 2]},R{i % 3}" for i, c in enumerate(customers)]
    return write_dataset(
        folder,
        transactions="\n".join(lines) + "\n",
        activities="\n".join(activity) + "\n",
        rates="activity,cost_per_unit,resource,unit_time\nShip,12.345,,\n"
              "Pick,,Service,3.7\nCall,,Service,11.13\n",
        resources="resource,cost,capacity\nService,12345.67,8910.11\n",
        customers="\n".join(master) + "\n",
    )


@pytest.mark.parametrize("seed", range(6))
def test_random_datasets_reconcile_to_the_cent(tmp_path, seed):
    """Property: whatever the amounts, rates, undated rows, period and filter, the
    buckets add up to the period's P&L to the cent, and each bucket's active customers are
    those with invoice lines or activity in it."""
    store = Store(":memory:")
    store.load_folder(random_dataset(tmp_path / "random", seed))
    rng = np.random.default_rng(100 + seed)
    start = D(2023, 1, 1) + dt.timedelta(days=int(rng.integers(0, 200)))
    end = start + dt.timedelta(days=int(rng.integers(30, 400)))
    for grain, period, segments in (("month", (None, None), None),
                                    ("quarter", (start, end), None),
                                    ("month", (start, None), ["B"])):
        series, result = trend(store, grain, *period, segments=segments)
        assert_reconciles(series, result)
        assert (series["unprofitable"] <= series["customers"]).all()
    # Each month against its own activity, unrounded (undated rows by the month's
    # weight): within the cents that rounding moves, so nothing lands in a wrong month.
    series, result = trend(store, "month")
    info = store.info()
    frame = buckets(info.first_date, info.last_date, grain="month")
    rows = store.query_df("select customer_id, activity, quantity, date from activities")
    rate = result.rate_table.set_index("activity")["rate"]
    rows["cost"] = rows["quantity"] * rows["activity"].map(rate)
    dated = rows[rows["date"].notna()]
    month = pd.to_datetime(dated["date"]).dt.to_period("M").dt.start_time.dt.date
    cost = dated.groupby(month)["cost"].sum().reindex(frame["bucket"]).fillna(0.0)
    cost += rows.loc[rows["date"].isna(), "cost"].sum() * frame["weight"].to_numpy()
    slack = 0.01 * (len(frame) + 4) * series["customers"].to_numpy() + 0.01
    assert (np.abs(series["cost_to_serve"].to_numpy() - cost.to_numpy()) <= slack).all()
    series, result = utilisation(store, "month", start, end)
    assert series["used"].sum() == pytest.approx(result.capacity["used"].sum(), rel=1e-9)
    store.close()


def test_sample_months_match_the_lines_and_activity_of_each_month(sample_db):
    """Independently of the P&L: each month's revenue and COGS are the sums of its
    invoice lines (the sample's amounts are in cents), and its cost to serve is Σ over
    activities of the month's volume x rate within a cent per active customer (each
    customer's month is rounded to the cent, and what that leaves over is a few cents)."""
    store = Store(sample_db)
    try:
        series, result = trend(store, "month", D(2023, 1, 1), D(2023, 12, 31))
        lines = store.query_df(
            "select month(date) as m, sum(net_revenue)::double as net_revenue, "
            "sum(cogs)::double as cogs from transactions where year(date) = 2023 "
            "group by all order by m")
        volume = store.query_df(
            "select month(date) as m, activity, sum(quantity) as quantity from activities "
            "where year(date) = 2023 group by all")
    finally:
        store.close()
    assert series["net_revenue"].tolist() == pytest.approx(lines["net_revenue"].tolist(),
                                                            abs=1e-6)
    assert series["cogs"].tolist() == pytest.approx(lines["cogs"].tolist(), abs=1e-6)
    rate = result.rate_table.set_index("activity")["rate"]
    cost = (volume["quantity"] * volume["activity"].map(rate)).groupby(volume["m"]).sum()
    gap = (series["cost_to_serve"].to_numpy() - cost.sort_index().to_numpy())
    assert (np.abs(gap) <= 0.001 * series["customers"].to_numpy()).all()
    assert np.abs(gap).max() > 0  # the check compares two computations
