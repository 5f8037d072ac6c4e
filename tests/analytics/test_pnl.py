"""The customer P&L against hand-built and published customer reports."""

import numpy as np
import pandas as pd
import pytest

from analytics.pnl import activity_columns, customer_pnl
from analytics.tdabc import activity_rates

# SimpleStudies "Activity-based management": Friends Company customer profitability report.
# Net sales are after discounts and returns; every activity has a direct rate per driver unit.
FRIENDS_RATES = pd.DataFrame(
    {
        "activity": ["Order taking", "Order processing", "Items processed", "Delivery",
                     "Delivery miles", "Expedited delivery", "Customer visit",
                     "First statement", "Reminder", "Sales return", "Restocking"],
        "cost_per_unit": [25.0, 18.0, 1.25, 120.0, 1.0, 600.0, 160.0, 6.0, 15.0, 80.0, 5.0],
    }
)
ORDERS = np.array([7.0, 16.0, 44.0])
FRIENDS_VOLUMES = pd.DataFrame(
    {
        "Order taking": ORDERS,
        "Order processing": ORDERS,
        "Items processed": ORDERS * [500, 380, 150],
        "Delivery": ORDERS,
        "Delivery miles": ORDERS * [20, 35, 46],
        "Expedited delivery": [0.0, 1.0, 6.0],
        "Customer visit": [1.0, 2.0, 4.0],
        "First statement": [1.0, 1.0, 1.0],
        "Reminder": [0.0, 1.0, 4.0],
        "Sales return": [2.0, 3.0, 12.0],
        "Restocking": [60.0, 102.0, 240.0],
    },
    index=pd.Index(["AutoCo", "Motor, Inc.", "Fast Bike LLC"], name="customer_id"),
)
FRIENDS_CUSTOMERS = pd.DataFrame(
    {
        "list_revenue": [100_000.0, 360_000.0, 450_000.0],
        # Net sales = sales - discounts - returns and allowances.
        "net_revenue": [86_000.0, 337_000.0, 371_000.0],
        "cogs": [56_000.0, 260_000.0, 302_000.0],
    },
    index=FRIENDS_VOLUMES.index,
)


def test_friends_company_customer_report():
    pnl = customer_pnl(FRIENDS_CUSTOMERS, FRIENDS_VOLUMES, activity_rates(FRIENDS_RATES))
    assert pnl["net_margin"].tolist() == pytest.approx([30_000, 77_000, 69_000])
    assert pnl["cost_to_serve"].tolist() == pytest.approx([6_282, 12_459, 23_912])
    assert pnl["profit"].tolist() == pytest.approx([23_718, 64_541, 45_088])
    assert pnl.loc["Fast Bike LLC", "cts_Expedited delivery"] == pytest.approx(3_600)
    assert pnl.loc["Motor, Inc.", "cts_Items processed"] == pytest.approx(7_600)
    assert pnl["discounts"].tolist() == pytest.approx([14_000, 23_000, 79_000])


def test_hand_built_pnl_lines_and_percentages():
    customers = pd.DataFrame(
        {"list_revenue": [1_000.0, 500.0, 0.0], "net_revenue": [800.0, 500.0, 0.0],
         "cogs": [500.0, 450.0, 0.0], "name": ["A", "B", "C"]},
        index=pd.Index(["c1", "c2", "c3"], name="customer_id"),
    )
    volumes = pd.DataFrame({"Order": [4.0, 1.0]}, index=pd.Index(["c1", "c3"]))
    rates = activity_rates(pd.DataFrame({"activity": ["Order"], "cost_per_unit": [25.0]}))
    pnl = customer_pnl(customers, volumes, rates)
    assert pnl.loc["c1", "discounts"] == 200.0
    assert pnl.loc["c1", "net_margin_pct"] == pytest.approx(37.5)
    assert pnl.loc["c1", "cost_to_serve_pct"] == pytest.approx(12.5)
    assert pnl.loc["c1", "profit"] == pytest.approx(200.0)
    # c2 has no activity row: zero cost to serve, not dropped.
    assert pnl.loc["c2", "cost_to_serve"] == 0.0
    assert pnl.loc["c2", "profit"] == pytest.approx(50.0)
    # c3 has no revenue: percentages are undefined (NaN), money is not.
    assert np.isnan(pnl.loc["c3", "net_margin_pct"])
    assert pnl.loc["c3", "profit"] == pytest.approx(-25.0)
    assert activity_columns(pnl) == ["cts_Order"]
    assert pnl["name"].tolist() == ["A", "B", "C"]


def test_credit_notes_give_negative_revenue():
    customers = pd.DataFrame({"list_revenue": [-100.0], "net_revenue": [-90.0],
                              "cogs": [-60.0]}, index=pd.Index(["r"], name="customer_id"))
    pnl = customer_pnl(customers, pd.DataFrame(index=customers.index),
                       activity_rates(pd.DataFrame({"activity": [], "cost_per_unit": []})))
    assert pnl.loc["r", "net_margin"] == pytest.approx(-30.0)
    assert np.isnan(pnl.loc["r", "cost_to_serve_pct"])


def test_missing_column_fails_early():
    with pytest.raises(KeyError, match="cogs"):
        customer_pnl(pd.DataFrame({"list_revenue": [1.0], "net_revenue": [1.0]}),
                     pd.DataFrame(), activity_rates(FRIENDS_RATES))
