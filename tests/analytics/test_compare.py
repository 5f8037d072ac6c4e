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
# Base profit 550, current 410, change -140. Retained A and D:
#   revenue effect  (1500-1000) x 0.4 + (300-500) x 0.5      = 200 - 100 = 100
#   margin effect   (700-400) + (60-250) - 100                = 110 - 100 =  10
#   cost to serve   (100-150) + (50-100)                               = -100
#   lost -(50) = -50, new -100: -50 - 100 + 100 + 10 - 100 = -140.
TRANSACTIONS = """customer_id,date,net_revenue,cogs
A,2023-03-01,1000.00,600.00
B,2023-05-01,400.00,300.00
D,2023-07-01,500.00,250.00
A,2024-03-01,1500.00,800.00
C,2024-04-01,200.00,100.00
D,2024-06-01,300.00,240.00
"""
ACTIVITIES = """customer_id,activity,quantity,date
A,Order,2,2023-03-01
B,Order,1,2023-05-01
D,Order,1,2023-07-01
A,Order,3,2024-03-01
C,Order,4,2024-04-01
D,Order,2,2024-06-01
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
        "A": "retained", "B": "lost", "C": "new", "D": "retained"}
    assert two_years.counts() == {"retained": 2, "new": 1, "lost": 1}


def test_the_bridge_by_hand(two_years):
    assert two_years.bridge == {
        "profit_base": 550.0, "lost_customers": -50.0, "new_customers": -100.0,
        "revenue_effect": 100.0, "margin_effect": 10.0, "cost_to_serve_effect": -100.0,
        "profit_current": 410.0}
    assert two_years.profit_change == -140.0
    steps = two_years.bridge_steps()
    assert steps["step"].tolist() == [
        "Base period profit", "Lost customers", "New customers", "Revenue effect",
        "Margin effect", "Cost-to-serve effect", "Current period profit"]


def test_movers_lost_won_and_turned_unprofitable(two_years):
    up, down = two_years.movers(5)
    assert up.index.tolist() == ["A"] and down.index.tolist() == ["D"]
    assert two_years.turned_unprofitable().index.tolist() == ["D"]
    assert two_years.lost().index.tolist() == ["B"]
    assert two_years.won().index.tolist() == ["C"]
    row = two_years.customers.loc["D"]
    assert (row["profit_base"], row["profit_current"], row["profit_change"]) == (
        200.0, -40.0, -240.0)


def test_export_and_summary(two_years):
    table = two_years.export()
    assert table.columns.tolist() == [
        "customer_id", "status", "net_revenue_base", "net_revenue_current", "profit_base",
        "profit_current", "profit_change", "quadrant_base", "quadrant_current"]
    assert table["customer_id"].tolist() == ["A", "B", "C", "D"]
    assert table.loc[1, "net_revenue_current"] == 0.0 and pd.isna(table.loc[1, "quadrant_current"])
    summary = two_years.summary()
    assert summary["bridge"]["revenue_effect"] == 100.0
    matrix = summary["quadrant_migration"]
    assert sum(matrix["new"].values()) == 1
    assert sum(row["lost"] for row in matrix.values()) == 1


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
    assert counts["retained"] + counts["lost"] == len(base)
    assert counts["retained"] + counts["new"] == len(current)
    matrix = c.migration()
    assert matrix.index.tolist() == list(FROM_STATES)
    assert matrix.columns.tolist() == list(TO_STATES)
    assert int(matrix.to_numpy().sum()) == len(c.customers)
    assert int(matrix.loc["new"].sum()) == counts["new"]
    assert int(matrix["lost"].sum()) == counts["lost"]
    # The cost-to-serve effect is Σ (C0 - C1) over the retained, exactly.
    kept = c.customers[c.customers["status"] == "retained"]
    assert cents["cost_to_serve_effect"] == int(
        to_cents(kept["cost_to_serve_base"].to_numpy()).sum()
        - to_cents(kept["cost_to_serve_current"].to_numpy()).sum())


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
