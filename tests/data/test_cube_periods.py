"""Reading a period from the customer-month cube (issue 13) gives the same figures as the
line-based queries it replaced, to the cent: a property test over random small datasets
loaded through the real loader and random periods with partial months, against the old
SQL kept as the oracle in tests/data/oracle_sql/. Also: the proration of partial months
in a store that keeps monthly totals only (known answers), and the month plan."""

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from data import Store, cube
from data.catalog import read_sql
from data.periods import month_plan
from data.queries import OrderIdsMissing
from tests.data.conftest import write_dataset

D = dt.date
ORACLE = Path(__file__).parent / "oracle_sql"
FIRST = D(2023, 1, 1)
DAYS = 500
MONEY = ("list_revenue", "net_revenue", "cogs")


def oracle_sql(name: str) -> str:
    return (ORACLE / f"{name}.sql").read_text(encoding="utf-8")


def four_decimals(value: int) -> str:
    sign = "-" if value < 0 else ""
    return f"{sign}{abs(value) // 10000}.{abs(value) % 10000:04d}"


line = st.tuples(
    st.integers(0, 5),                                  # customer C0..C5 (C5 no master)
    st.integers(0, DAYS),                               # day
    st.one_of(st.none(), st.integers(0, 6)),            # order
    st.one_of(st.none(), st.integers(0, 3)),            # product
    st.one_of(st.none(), st.integers(-3, 6)),           # quantity
    st.integers(-500_000, 5_000_000),                   # net revenue (1/10000)
    st.integers(0, 3_000_000),                          # cogs (1/10000)
)
activity = st.tuples(
    st.integers(0, 6),                                  # customer C0..C6
    st.sampled_from(["Order", "Complaint"]),
    st.integers(0, 12),                                 # quantity in halves
    st.one_of(st.none(), st.integers(0, DAYS)),         # day (None: undated)
)
day = st.integers(-40, DAYS + 40)
period = st.tuples(st.one_of(st.none(), day), st.one_of(st.none(), st.integers(0, 420)))


def write(folder: Path, lines, activities) -> Path:
    """The random dataset as the contract's files in ``folder``."""
    rows = ["customer_id,date,order_id,product_id,quantity,net_revenue,list_revenue,cogs"]
    for c, d, o, p, q, net, cogs in lines:
        rows.append(
            f"C{c},{FIRST + dt.timedelta(days=d)},{'' if o is None else f'O{c}-{o}'},"
            f"{'' if p is None else f'P{p}'},{'' if q is None else q},"
            f"{four_decimals(net)},{four_decimals(net + abs(net) // 7)},{four_decimals(cogs)}"
        )
    acts = ["customer_id,activity,quantity,date"]
    for c, a, q, d in activities:
        acts.append(f"C{c},{a},{q / 2},{'' if d is None else FIRST + dt.timedelta(days=d)}")
    return write_dataset(
        folder,
        transactions="\n".join(rows) + "\n",
        activities="\n".join(acts) + "\n" if activities else None,
        # Exact binary rates (0.5 a minute), so a month's volume x rate is the sum of the
        # rows' volume x rate exactly, as on the lines.
        rates="activity,resource,unit_time\nOrder,Service,40\nComplaint,Service,220\n",
        resources="resource,cost,capacity\nService,1024,2048\n",
        customers="customer_id,name,segment,region\nC0,A,S1,R1\nC1,B,S2,R1\n"
                  "C2,C,S1,R2\nC3,D,S2,R2\nC4,E,S1,R1\n",
    )


def load(folder: Path, lines, activities) -> Store:
    store = Store(":memory:")
    store.load_folder(write(folder, lines, activities))
    return store


def to_period(drawn) -> tuple[dt.date | None, dt.date | None]:
    start_day, length = drawn
    start = None if start_day is None else FIRST + dt.timedelta(days=start_day)
    if length is None:
        return start, None
    return start, (start or FIRST) + dt.timedelta(days=length)


def old_base(store: Store, start, end, fraction, segments, regions):
    """The per-customer table and volumes by the line-based SQL."""
    with store.cursor() as cur:
        cur.execute(oracle_sql("period_activity"),
                    {"start": start, "end": end, "fraction": fraction})
        cur.execute(oracle_sql("selected_customers"),
                    {"start": start, "end": end, "segments": segments, "regions": regions})
        table = cur.execute("select * exclude (row_index) from selected_customers "
                            "order by row_index").df()
        volumes = cur.execute(
            "select s.customer_id, p.activity, p.quantity::double as quantity "
            "from period_activity p join selected_customers s using (customer_id)").df()
        totals = cur.execute("select activity, sum(quantity)::double as quantity "
                             "from period_activity group by activity").df()
    return table.set_index("customer_id"), volumes, totals


def old_df(store: Store, name: str, params: dict) -> pd.DataFrame:
    with store.cursor() as cur:
        return cur.execute(oracle_sql(name), params).df()


def assert_base_matches(store: Store, start, end, segments, regions) -> None:
    base = store.customer_base(start, end, segments, regions)
    table, volumes, totals = old_base(store, start, end, base.period_fraction, segments,
                                      regions)
    new = base.customers
    assert new.index.tolist() == table.index.tolist()
    for column in (*MONEY, "invoice_lines", "orders", "units", "in_master"):
        assert new[column].tolist() == table[column].tolist(), column
    for column in ("first_date", "last_date"):
        assert (pd.to_datetime(new[column]).tolist()
                == pd.to_datetime(table[column]).tolist()), column
    if volumes.empty:
        assert not base.volumes.to_numpy().any()
        return
    expected = volumes.pivot_table(index="customer_id", columns="activity",
                                   values="quantity", aggfunc="sum")
    got = base.volumes.reindex(columns=expected.columns).loc[expected.index]
    # Volumes are doubles: undated rows are summed before the period's fraction is
    # applied (on the lines, after), so the last bits may differ.
    assert np.allclose(got.to_numpy(), expected.fillna(0.0).to_numpy(), rtol=1e-12,
                       atol=1e-12)
    assert np.allclose(base.period_volume.reindex(totals["activity"]).to_numpy(),
                       totals["quantity"].to_numpy(), rtol=1e-12, atol=1e-12)


def assert_queries_match(store: Store, start, end, segments, regions) -> None:
    filters = {"start": start, "end": end, "segments": segments, "regions": regions}
    years = store.customer_years(start, end, segments, regions)
    old = old_df(store, "customer_years", filters).astype(years.dtypes.to_dict())
    pd.testing.assert_frame_equal(years.reset_index(drop=True), old)

    if old_df(store, "has_order_ids", {}).iloc[0, 0]:
        sizes = store.order_sizes(25.5, start, end, segments, regions)
        old = old_df(store, "order_sizes", {**filters, "minimum_order_value": 25.5})
        old = old.astype(sizes.reset_index().dtypes.to_dict()).set_index("customer_id")
        pd.testing.assert_frame_equal(sizes, old)
    else:
        with pytest.raises(OrderIdsMissing):
            store.order_sizes(25.5, start, end, segments, regions)

    totals = store.line_totals(start, end)
    old = old_df(store, "line_totals", {"start": start, "end": end}).iloc[0]
    assert totals == {k: (int(v) if k in ("invoice_lines", "customers") else float(v))
                      for k, v in old.items()}
    # The cube's own totals (a store without lines) say the same.
    with store.cursor() as cur:
        cube.period_views(cur, start, end, True)
        cubed = cur.execute(read_sql("line_totals_cube")).df().iloc[0]
    assert [cubed[k] for k in old.index] == [old[k] for k in old.index]

    for customer in ("C0", "C5", "C6"):
        history = store.customer_history(customer, start, end)
        params = {"customer_id": customer, "start": start, "end": end}
        revenue = old_df(store, "customer_history_revenue", params).set_index("month")
        got = history.revenue.loc[history.revenue["invoice_lines"] > 0]
        assert got.index.tolist() == revenue.index.tolist()
        for column in (*MONEY, "invoice_lines"):
            assert got[column].tolist() == revenue[column].astype(float).tolist(), column
        activity = old_df(store, "customer_history_activity", params)
        stacked = history.volumes.stack()
        stacked = stacked[stacked != 0]
        expected = activity.set_index(["month", "activity"])["quantity"]
        expected = expected[expected != 0]
        assert sorted(stacked.items()) == sorted(expected.items())


def assert_trends_match(store: Store, start, end, segments) -> None:
    info = store.info()
    if info.first_date is None:
        return
    base = store.customer_base(start, end, segments)
    first = max(info.first_date, start) if start else info.first_date
    last = min(info.last_date, end) if end else info.last_date
    if first > last:
        return
    months = pd.date_range(first.replace(day=1), last, freq="MS").date.tolist()
    weights = [1.0 / len(months)] * len(months)
    rates = pd.DataFrame({"activity": ["Order", "Complaint"], "rate": [20.0, 110.0],
                          "resource": ["Service", "Service"],
                          "unit_time": [40.0, 220.0]})
    customers = pd.DataFrame({
        "customer_id": base.customers.index.astype(str),
        "net_revenue_cents": np.round(base.customers["net_revenue"].to_numpy() * 100),
        "cogs_cents": np.round(base.customers["cogs"].to_numpy() * 100),
        "cost_to_serve_cents": np.arange(len(base.customers)) * 7,
    }).astype({"net_revenue_cents": "int64", "cogs_cents": "int64"})
    for grain in ("month", "quarter"):
        buckets = sorted({pd.Timestamp(m).to_period("Q").start_time.date()
                          for m in months}) if grain == "quarter" else months
        w = [1.0 / len(buckets)] * len(buckets) if grain == "quarter" else weights
        new = store.trend_series(customers, start, end, grain=grain, buckets=buckets,
                                 weights=w, rates=rates)
        params = {"start": start, "end": end, "grain": grain, "buckets": buckets,
                  "weights": w, "activities": ["Order", "Complaint"], "rates": [20.0, 110.0]}
        with store.cursor() as cur:
            cur.register("trend_customers", customers)
            old = cur.execute(oracle_sql("trend_series"), params).df()
        pd.testing.assert_frame_equal(new, old[new.columns].astype(new.dtypes.to_dict()))
        used = store.trend_utilisation(start, end, grain=grain, buckets=buckets, weights=w,
                                       rates=rates)
        params = {k: v for k, v in params.items() if k not in ("activities", "rates")}
        old = old_df(store, "trend_utilisation", {
            **params, "activities": ["Order", "Complaint"],
            "resources": ["Service", "Service"], "unit_times": [40.0, 220.0]})
        pd.testing.assert_frame_equal(used.reset_index(drop=True), old)


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.too_slow])
@given(lines=st.lists(line, min_size=1, max_size=40),
       activities=st.lists(activity, max_size=20),
       periods=st.lists(period, min_size=1, max_size=3),
       segments=st.sampled_from([None, ["S1"], ["S2", "S9"]]),
       regions=st.sampled_from([None, ["R1"]]))
def test_the_cube_path_equals_the_line_queries(tmp_path_factory, lines, activities,
                                               periods, segments, regions):
    store = load(tmp_path_factory.mktemp("random"), lines, activities)
    try:
        # Whole-dataset figures first.
        for name in ("customer_count", "dataset_span", "first_purchase", "has_order_ids"):
            with store.cursor() as cur:
                new = cur.execute(read_sql(name)).fetchall()
                old = cur.execute(oracle_sql(name)).fetchall()
            assert new == old, name
        for drawn in [(None, None), *periods]:
            start, end = to_period(drawn)
            assert_base_matches(store, start, end, segments, regions)
            assert_queries_match(store, start, end, segments, regions)
            assert_trends_match(store, start, end, segments)
    finally:
        store.close()


@pytest.fixture
def monthly_only(tmp_path):
    """The conftest dataset plus a line in mid-February, in a store marked as keeping
    monthly totals only (lines_kept false): partial months are then prorated."""
    lines = ("customer_id,date,order_id,net_revenue,list_revenue,cogs\n"
             "C1,2024-01-10,O1,1000.00,1100.00,600.00\n"
             "C1,2024-02-10,O2,500.50,500.50,300.25\n"
             "C1,2024-02-20,O6,290.00,290.00,100.00\n"
             "C2,2024-01-15,O3,200.00,250.00,150.00\n")
    activity = ("customer_id,activity,quantity,date\n"
                "C1,Order,3,2024-02-10\nC2,Order,2,2024-01-15\n")
    store = Store(":memory:")
    store.load_folder(write_dataset(tmp_path / "d", transactions=lines, activities=activity))
    with store.cursor() as cur:
        cur.execute("update dataset set lines_kept = false")
    yield store
    store.close()


def test_partial_months_are_prorated_by_days_without_lines(monthly_only):
    """1-14 February 2024 is 14 of 29 days: C1's February (790.50 net, 400.25 COGS, two
    lines, 3 orders of activity) counts 14/29 of it; January is whole."""
    base = monthly_only.customer_base(D(2024, 1, 1), D(2024, 2, 14))
    c1 = base.customers.loc["C1"]
    assert c1["net_revenue"] == round(1000.00 + 790.50 * 14 / 29, 2) == 1381.62
    assert c1["cogs"] == round(600.00 + 400.25 * 14 / 29, 2) == 793.22
    assert c1["invoice_lines"] == 1 + 1  # 2 x 14/29 = 0.97, rounded to whole lines
    assert base.volumes.loc["C1", "Order"] == pytest.approx(3 * 14 / 29)
    assert base.customers.loc["C2", "net_revenue"] == 200.00
    assert any("February 2024 is counted as 14 of its 29 days (48.3 %)" in w
               for w in base.warnings)
    # With the lines, the same period is exact: only the line of 10 February.
    with monthly_only.cursor() as cur:
        cur.execute("update dataset set lines_kept = true")
    exact = monthly_only.customer_base(D(2024, 1, 1), D(2024, 2, 14))
    assert exact.customers.loc["C1", "net_revenue"] == 1500.50
    assert exact.volumes.loc["C1", "Order"] == 3.0
    assert not any("counted as" in w for w in exact.warnings)


def test_whole_months_without_lines_need_no_proration(monthly_only):
    base = monthly_only.customer_base(D(2024, 2, 1), D(2024, 2, 29))
    assert base.customers.loc["C1", "net_revenue"] == 790.50
    assert not any("counted as" in w for w in base.warnings)
    # Orders of a partial month are taken whole (an order is not split by days).
    sizes = monthly_only.order_sizes(400.0, D(2024, 2, 15), D(2024, 2, 29))
    assert sizes.loc["C1"].tolist() == [2, 1, 290.0]
    assert monthly_only.line_totals(D(2024, 2, 1), D(2024, 2, 29))["net_revenue"] == 790.5


@pytest.mark.parametrize("start, end, whole, edges", [
    (None, None, (None, None), []),
    (D(2024, 1, 1), D(2024, 12, 31), (D(2024, 1, 1), D(2024, 12, 1)), []),
    (D(2024, 1, 15), None, (D(2024, 2, 1), None), [(D(2024, 1, 15), D(2024, 1, 31))]),
    (None, D(2024, 2, 28), (None, D(2024, 1, 1)), [(D(2024, 2, 1), D(2024, 2, 28))]),
    (D(2024, 2, 10), D(2024, 2, 20), (D(2024, 3, 1), D(2024, 1, 1)),
     [(D(2024, 2, 10), D(2024, 2, 20))]),
    (D(2024, 1, 31), D(2024, 3, 1), (D(2024, 2, 1), D(2024, 2, 1)),
     [(D(2024, 1, 31), D(2024, 1, 31)), (D(2024, 3, 1), D(2024, 3, 1))]),
    (D(2024, 3, 5), D(2024, 3, 1), (D(2024, 4, 1), D(2024, 2, 1)), []),
])
def test_month_plan(start, end, whole, edges):
    plan = month_plan(start, end)
    assert (plan.whole_from, plan.whole_to) == whole
    assert [(e.start, e.end) for e in plan.edges] == edges


@given(st.dates(D(2020, 1, 1), D(2026, 12, 31)), st.integers(0, 800))
def test_month_plan_covers_each_day_once(start, length):
    end = start + dt.timedelta(days=length)
    plan = month_plan(start, end)
    days = {e.start + dt.timedelta(days=i) for e in plan.edges
            for i in range((e.end - e.start).days + 1)}
    month = plan.whole_from
    while month <= plan.whole_to:
        nxt = (month + dt.timedelta(days=32)).replace(day=1)
        covered = {month + dt.timedelta(days=i) for i in range((nxt - month).days)}
        assert not covered & days
        days |= covered
        month = nxt
    assert days == {start + dt.timedelta(days=i) for i in range(length + 1)}


def test_a_store_without_the_line_tables_reads_the_cube_alone(monthly_only):
    """The Spark engine's stores will have the cube only: no transactions or activities
    tables at all."""
    before = monthly_only.customer_base(D(2024, 1, 1), D(2024, 2, 14))
    with monthly_only.cursor() as cur:
        cur.execute("drop table transactions")
        cur.execute("drop table activities")
    after = monthly_only.customer_base(D(2024, 1, 1), D(2024, 2, 14))
    pd.testing.assert_frame_equal(after.customers, before.customers)
    pd.testing.assert_frame_equal(after.volumes, before.volumes)
    assert monthly_only.line_totals(D(2024, 2, 1))["invoice_lines"] == 2
    assert monthly_only.customer_history("C1", D(2024, 2, 10)).revenue[
        "net_revenue"].tolist() == [round(790.50 * 20 / 29, 4)]  # 10-29 February: 20 days
