"""Two periods compared (analytics/compare.py): known answers on a hand-built two-year
dataset run through the store and the engine, and invariants over random P&Ls."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics.analysis import analyse_base
from analytics.compare import FROM_STATES, TO_STATES, compare_periods
from analytics.money import to_cents
from analytics.selection import Selection
from data import Store
from tests.conftest import store_with

# Orders cost 50 each (a direct cost per unit). Worked out by hand:
#          2023: revenue  COGS  orders  profit     2024: revenue  COGS  orders  profit
#   A            1,000     600     2      300             1,500    800     3      550
#   B              400     300     1       50              (none: lost)
#   C              (none: new)                              200    100     4     -100
#   D              500     250     1      200               300    240     2      -40
#   E              300     200     1       50              (no purchase, 1 order)  -50
#   F             -100     -60     0      -40 (a credit)    200    120     1       30
# E stopped buying (lost) but still cost an order; F bought only in 2024 (new), after a
# credit note in 2023. Base profit 560, current 390, change -170. Retained A and D:
#   revenue effect  (1500-1000) x 0.4 + (300-500) x 0.5      = 200 - 100 = 100
#   margin effect   (700-400) + (60-250) - 100 = 10, and + F's base credit margin 40 = 50
#   cost to serve   (100-150) + (50-100) = -100, and - E's 50 after it left     = -150
#   lost -(50 + 50) = -100, new -100 + 30 = -70: -100 - 70 + 100 + 50 - 150 = -170.
TRANSACTIONS = """customer_id,date,net_revenue,cogs
A,2023-03-01,1000.00,600.00
B,2023-05-01,400.00,300.00
D,2023-07-01,500.00,250.00
E,2023-08-01,300.00,200.00
F,2023-09-01,-100.00,-60.00
A,2024-03-01,1500.00,800.00
C,2024-04-01,200.00,100.00
D,2024-06-01,300.00,240.00
F,2024-07-01,200.00,120.00
"""
ACTIVITIES = """customer_id,activity,quantity,date
A,Order,2,2023-03-01
B,Order,1,2023-05-01
D,Order,1,2023-07-01
E,Order,1,2023-08-01
A,Order,3,2024-03-01
C,Order,4,2024-04-01
D,Order,2,2024-06-01
E,Order,1,2024-02-01
F,Order,1,2024-07-01
"""
RATES = "activity,cost_per_unit\nOrder,50\n"
BASE = Selection(dt.date(2023, 1, 1), dt.date(2023, 12, 31))
CURRENT = Selection(dt.date(2024, 1, 1), dt.date(2024, 12, 31))


@pytest.fixture(scope="module")
def two_years(tmp_path_factory):
    path = tmp_path_factory.mktemp("compare") / "two.duckdb"
    store_with(path, {"transactions": TRANSACTIONS, "activities": ACTIVITIES, "rates": RATES})
    store = Store(path)
    try:
        pnls = [analyse_base(store.customer_base(**s.store_args()), s).pnl
                for s in (BASE, CURRENT)]
    finally:
        store.close()
    return compare_periods(*pnls)


def test_status_of_each_customer(two_years):
    assert two_years.customers["status"].to_dict() == {
        "A": "retained", "B": "lost", "C": "new", "D": "retained", "E": "lost", "F": "new"}
    assert two_years.counts() == {"retained": 2, "new": 2, "lost": 2}


def test_the_bridge_by_hand(two_years):
    assert two_years.bridge == {
        "profit_base": 560.0, "lost_customers": -100.0, "new_customers": -70.0,
        "revenue_effect": 100.0, "margin_effect": 50.0, "cost_to_serve_effect": -150.0,
        "profit_current": 390.0}
    assert two_years.profit_change == -170.0
    steps = two_years.bridge_steps()
    assert steps["step"].tolist() == [
        "Base period profit", "Lost customers", "New customers", "Revenue effect",
        "Margin effect", "Cost-to-serve effect", "Current period profit"]


def test_movers_lost_won_and_turned_unprofitable(two_years):
    up, down = two_years.movers(5)
    assert up.index.tolist() == ["A"] and down.index.tolist() == ["D"]
    assert two_years.turned_unprofitable.index.tolist() == ["D"]
    assert two_years.lost.index.tolist() == ["B", "E"]
    assert two_years.won.index.tolist() == ["F", "C"]
    row = two_years.customers.loc["D"]
    assert (row["profit_base"], row["profit_current"], row["profit_change"]) == (
        200.0, -40.0, -240.0)
    assert two_years.by_change.index.tolist()[:2] == ["A", "D"]


def test_export_and_summary(two_years):
    table = two_years.export()
    assert table.columns.tolist() == [
        "customer_id", "status", "net_revenue_base", "net_revenue_current", "profit_base",
        "profit_current", "profit_change", "quadrant_base", "quadrant_current"]
    assert table["customer_id"].tolist() == ["A", "B", "C", "D", "E", "F"]
    assert table.loc[1, "net_revenue_current"] == 0.0 and pd.isna(table.loc[1, "quadrant_current"])
    summary = two_years.summary()
    assert summary["bridge"]["revenue_effect"] == 100.0
    matrix = summary["quadrant_migration"]
    assert sum(matrix["new"].values()) == 2
    assert sum(row["lost"] for row in matrix.values()) == 2


def test_the_export_is_sorted_by_id_when_new_ids_fall_between_old_ones():
    base = frame({"A": (100, 50, 10, None), "D": (100, 50, 10, None)})
    current = frame({"C": (100, 50, 10, None), "B": (100, 50, 10, None),
                     "A": (100, 50, 10, None)})
    assert compare_periods(base, current).export()["customer_id"].tolist() == [
        "A", "B", "C", "D"]


def pnl_strategy(prefix):
    """A random customer P&L in whole cents: profit = net margin - cost to serve."""
    row = st.tuples(st.integers(-10**7, 10**9), st.integers(-10**8, 10**8),
                    st.integers(0, 10**8),
                    st.sampled_from(["passive", "carriage_trade", "bargain_basement",
                                     "aggressive", None]))
    return st.dictionaries(st.sampled_from([f"{prefix}{i}" for i in range(40)]), row,
                           max_size=40)


def frame(rows: dict) -> pd.DataFrame:
    ids = pd.Index(list(rows), name="customer_id", dtype=object)
    values = list(rows.values())
    revenue = np.array([v[0] for v in values], dtype=np.int64) / 100
    margin = np.array([v[1] for v in values], dtype=np.int64) / 100
    cts = np.array([v[2] for v in values], dtype=np.int64) / 100
    return pd.DataFrame({"net_revenue": revenue, "net_margin": margin, "cost_to_serve": cts,
                         "profit": margin - cts, "quadrant": [v[3] for v in values]},
                        index=ids)


@settings(max_examples=150, deadline=None)
@given(pnl_strategy("C"), pnl_strategy("C"))
def test_the_steps_add_up_to_the_change_to_the_cent(base_rows, current_rows):
    base, current = frame(base_rows), frame(current_rows)
    c = compare_periods(base, current)
    b = c.bridge
    cents = {k: to_cents(v) for k, v in b.items()}
    assert cents["profit_base"] == to_cents(base["profit"].to_numpy()).sum()
    assert cents["profit_current"] == to_cents(current["profit"].to_numpy()).sum()
    assert (cents["profit_base"] + cents["lost_customers"] + cents["new_customers"]
            + cents["revenue_effect"] + cents["margin_effect"]
            + cents["cost_to_serve_effect"]) == cents["profit_current"]
    # Customers by status add up; the migration matrix counts every customer once.
    counts = c.counts()
    assert sum(counts.values()) == len(base.index.union(current.index))
    matrix = c.migration()
    assert matrix.index.tolist() == list(FROM_STATES)
    assert matrix.columns.tolist() == list(TO_STATES)
    assert int(matrix.to_numpy().sum()) == len(c.customers)
    assert int(matrix.loc["new"].sum()) == counts["new"]
    assert int(matrix["lost"].sum()) == counts["lost"]
    # Each effect by its own formula (module docstring), not as a remainder.
    whole = c.customers
    status = whole["status"]

    def col(name, where):
        return to_cents(whole.loc[status == where, name].to_numpy()).astype(np.int64)

    r0, r1 = col("net_revenue_base", "retained"), col("net_revenue_current", "retained")
    m0, m1 = col("net_margin_base", "retained"), col("net_margin_current", "retained")
    rate = np.where(r0 > 0, m0 / np.where(r0 > 0, r0, 1), 0.0)
    assert cents["revenue_effect"] == to_cents(float(((r1 - r0) * rate).sum()) / 100)
    margin = (int((m1 - m0).sum()) + int(col("net_margin_current", "lost").sum())
              - int(col("net_margin_base", "new").sum()))
    assert cents["margin_effect"] == margin - cents["revenue_effect"]
    cts = (int((col("cost_to_serve_base", "retained")
                - col("cost_to_serve_current", "retained")).sum())
           - int(col("cost_to_serve_current", "lost").sum())
           + int(col("cost_to_serve_base", "new").sum()))
    assert cents["cost_to_serve_effect"] == cts
    # Bought (positive revenue) in both periods, exactly the retained with a purchase.
    bought = (whole["net_revenue_base"] > 0) & (whole["net_revenue_current"] > 0)
    assert (status[bought] == "retained").all()
    assert (status[(whole["net_revenue_base"] > 0) & ~(whole["net_revenue_current"] > 0)]
            == "lost").all()


@settings(max_examples=50, deadline=None)
@given(pnl_strategy("C"))
def test_a_period_compared_with_itself_changes_nothing(rows):
    p = frame(rows)
    c = compare_periods(p, p)
    assert all(c.bridge[k] == 0 for k in ("lost_customers", "new_customers",
                                          "revenue_effect", "margin_effect",
                                          "cost_to_serve_effect"))
    assert (c.customers["profit_change"] == 0).all()
    movers = c.movers()
    assert movers[0].empty and movers[1].empty


def test_a_pnl_without_a_measure_is_refused():
    p = frame({"A": (100, 50, 10, None)})
    with pytest.raises(KeyError, match="cost_to_serve"):
        compare_periods(p.drop(columns="cost_to_serve"), p)


@settings(max_examples=200, deadline=None)
@given(st.dates(dt.date(2001, 1, 1), dt.date(2099, 12, 31)), st.integers(0, 800))
def test_the_previous_period_ends_the_day_before_and_is_as_long(start, days):
    from analytics.compare import comparison_period

    end = start + dt.timedelta(days=days)
    first, last = comparison_period(start, end, "previous")
    assert last == start - dt.timedelta(days=1) and first <= last
    whole_months = start.day == 1 and (end + dt.timedelta(days=1)).day == 1
    if whole_months:  # the same number of whole calendar months
        assert first.day == 1
        months = lambda a, b: (b.year - a.year) * 12 + b.month - a.month + 1  # noqa: E731
        assert months(first, last) == months(start, end)
    else:
        assert (last - first).days == days
    back_first, back_last = comparison_period(start, end, "last_year")
    assert back_first.year == start.year - 1 and back_last.year == end.year - 1
    assert (back_first.month, back_last.month) == (start.month, end.month)
