"""Invariants of the P&L, whale curve and quadrants, on random customer bases."""

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics import analyse

money = st.floats(min_value=-1e6, max_value=1e7, allow_nan=False, allow_infinity=False)
qty = st.floats(min_value=0, max_value=1e4, allow_nan=False, allow_infinity=False)


@st.composite
def customer_bases(draw):
    n = draw(st.integers(min_value=1, max_value=40))
    k = draw(st.integers(min_value=0, max_value=4))
    cents = st.integers(min_value=-10**8, max_value=10**9)
    net = np.array(draw(st.lists(cents, min_size=n, max_size=n)), dtype=float) / 100
    discount = np.array(draw(st.lists(st.integers(0, 10**7), min_size=n, max_size=n))) / 100
    cogs = np.array(draw(st.lists(cents, min_size=n, max_size=n)), dtype=float) / 100
    index = pd.Index([f"C{i:03d}" for i in range(n)], name="customer_id")
    customers = pd.DataFrame(
        {"list_revenue": net + discount, "net_revenue": net, "cogs": cogs}, index=index
    )
    activities = [f"A{j}" for j in range(k)]
    volumes = pd.DataFrame(
        {a: draw(st.lists(qty, min_size=n, max_size=n)) for a in activities}, index=index
    )
    rates = pd.DataFrame(
        {"activity": activities, "cost_per_unit": draw(st.lists(
            st.floats(0, 500, allow_nan=False), min_size=k, max_size=k))}
    )
    return customers, volumes, rates


@settings(max_examples=150, deadline=None)
@given(customer_bases())
def test_pnl_reconciles(base):
    customers, volumes, rates = base
    result = analyse(customers, volumes, rates)
    pnl = result.pnl
    assert np.allclose(pnl["list_revenue"] - pnl["discounts"], pnl["net_revenue"])
    assert np.allclose(pnl["net_revenue"] - pnl["cogs"], pnl["net_margin"])
    cts_sum = pnl[[c for c in pnl.columns if c.startswith("cts_")]].sum(axis=1)
    assert np.allclose(cts_sum, pnl["cost_to_serve"])
    assert np.allclose(pnl["net_margin"] - pnl["cost_to_serve"], pnl["profit"])
    # Company totals equal the inputs' totals, to the cent.
    totals = result.summary()
    assert round(totals["net_revenue"] - customers["net_revenue"].sum(), 2) == 0
    assert round(totals["cogs"] - customers["cogs"].sum(), 2) == 0
    exact = volumes.to_numpy() * rates["cost_per_unit"].to_numpy()
    # Cost is assigned in cents per customer and activity: at most half a cent off each.
    assert abs(totals["cost_to_serve"] - exact.sum()) <= 0.005 * max(exact.size, 1) + 1e-6
    cts = pnl[[c for c in pnl.columns if c.startswith("cts_")]].to_numpy()
    assert np.allclose(cts, np.round(cts, 2), rtol=0, atol=1e-9)


@settings(max_examples=150, deadline=None)
@given(customer_bases())
def test_whale_curve_invariants(base):
    customers, volumes, rates = base
    result = analyse(customers, volumes, rates)
    points = result.whale.points
    assert len(points) == len(customers)
    assert points["profit"].is_monotonic_decreasing
    assert points["cum_customers_pct"].iloc[-1] == 100.0
    summary = result.whale.summary
    if summary.profit_is_positive:
        assert abs(points["cum_profit_pct"].iloc[-1] - 100.0) < 1e-6
        assert summary.peak_pct >= 100.0 - 1e-6
        # Profits sorted descending make the cumulative curve concave.
        assert summary.top20_profit_pct >= 20.0 - 1e-6
        assert summary.bottom10_profit_pct <= 10.0 + 1e-6
        assert summary.peak_pct + 1e-6 >= summary.top20_profit_pct
    else:
        assert summary.peak_pct is None
        assert points["cum_profit_pct"].isna().all()


@settings(max_examples=150, deadline=None)
@given(customer_bases(), st.sampled_from(["median", "mean"]))
def test_quadrant_counts_add_up(base, method):
    customers, volumes, rates = base
    result = analyse(customers, volumes, rates, method=method)
    counts = result.quadrant_counts()
    assert sum(counts.values()) == len(customers)
    assert result.pnl["quadrant"].notna().all()
