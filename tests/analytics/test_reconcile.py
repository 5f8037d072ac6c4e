"""Reconciliations and the cost-to-serve trace, known answers by hand on Kaplan &
Anderson's customer-service department ($560,000 a quarter, 700,000 minutes: $0.80 a
minute; an order 40 minutes, a complaint 220, a credit check 250)."""

import pandas as pd
import pytest

from analytics.analysis import analyse
from analytics.customer_detail import cost_trace, source_text, trace_sentence
from analytics.reconcile import (
    reconciliation_sentence,
    resource_reconciliation,
    totals_reconciliation,
)

RATES = pd.DataFrame({
    "activity": ["Order", "Complaint", "Credit check", "Freight"],
    "resource": ["Customer service"] * 3 + [None],
    "unit_time": [40.0, 220.0, 250.0, None],
    "cost_per_unit": [None, None, None, 12.5],
})
RESOURCES = pd.DataFrame({"resource": ["Customer service"], "cost": [560_000.0],
                          "capacity": [700_000.0]})
CUSTOMERS = pd.DataFrame(
    {"list_revenue": [500_000.0, 300_000.0, 20_000.0],
     "net_revenue": [450_000.0, 280_000.0, 20_000.0],
     "cogs": [300_000.0, 200_000.0, 15_000.0]},
    index=pd.Index(["Big", "Mid", "Small"], name="customer_id"))
# The quarter's 9,800 orders, 280 complaints and 500 credit checks, split three ways.
VOLUMES = pd.DataFrame(
    {"Order": [6000.0, 3000.0, 800.0], "Complaint": [100.0, 120.0, 60.0],
     "Credit check": [200.0, 200.0, 100.0], "Freight": [10.0, 0.0, 3.0]},
    index=CUSTOMERS.index)
SOURCES = pd.DataFrame({
    "activity": ["Order", "Complaint", "Credit check"],
    "kind": ["driver", "file", "file"], "file": ["lines.csv", "acts.csv", "acts.csv"],
    "origin": ["the Data page's cost drivers", None, None],
    "counted": ["orders", None, None]})


@pytest.fixture
def result():
    return analyse(CUSTOMERS, VOLUMES, RATES, RESOURCES)


def test_the_published_department_reconciles_to_the_cent(result):
    """578,600 minutes used assign $462,880; 121,400 unused cost $97,120."""
    table = resource_reconciliation(result.capacity, result.rate_table, result.pnl, VOLUMES)
    row = table.iloc[0]
    assert row["resource"] == "Customer service"
    assert (row["cost"], row["assigned"], row["unused_cost"]) == (560_000.0, 462_880.0,
                                                                  97_120.0)
    assert (row["assigned_outside"], row["rounding"], row["difference"]) == (0.0, 0.0, 0.0)
    assert row["amounts"] == 9 and row["reconciles"]


def test_customers_outside_the_selection_are_counted_apart(result):
    table = resource_reconciliation(result.capacity, result.rate_table, result.pnl, VOLUMES,
                                    selected=["Small"])
    row = table.iloc[0]
    # Small: 800 x 32 + 60 x 176 + 100 x 200 = 56,160.
    assert (row["assigned"], row["assigned_outside"]) == (56_160.0, 406_720.0)
    assert row["difference"] == 0.0 and row["reconciles"]


def test_a_minute_used_but_charged_to_nobody_is_a_difference(result):
    """Capacity measured on 10 more orders than the customers were charged for."""
    capacity = analyse(CUSTOMERS, VOLUMES, RATES, RESOURCES,
                       capacity_volume=VOLUMES.sum().add(pd.Series({"Order": 10.0}),
                                                         fill_value=0)).capacity
    table = resource_reconciliation(capacity, result.rate_table, result.pnl, VOLUMES)
    assert table.iloc[0]["difference"] == 320.0  # 10 x 40 min x $0.80
    assert not table.iloc[0]["reconciles"]
    assert "1 resource(s) do not reconcile" in reconciliation_sentence(
        table, pd.DataFrame({"reconciles": [True]}))


def test_rounding_of_customer_amounts_is_shown_and_bounded():
    """Three customers at 1/3 minute each of a $1/min resource: each is charged $0.33
    (0.3333... rounded), $0.99 in all; the capacity used is worth $1.00."""
    customers = CUSTOMERS.copy()
    volumes = pd.DataFrame({"Tick": [1.0, 1.0, 1.0]}, index=customers.index)
    rates = pd.DataFrame({"activity": ["Tick"], "resource": ["R"], "unit_time": [1 / 3]})
    resources = pd.DataFrame({"resource": ["R"], "cost": [10.0], "capacity": [10.0]})
    result = analyse(customers, volumes, rates, resources)
    row = resource_reconciliation(result.capacity, result.rate_table, result.pnl,
                                  volumes).iloc[0]
    assert (row["cost"], row["assigned"], row["unused_cost"]) == (10.0, 0.99, 9.0)
    assert (row["rounding"], row["difference"], row["reconciles"]) == (0.01, 0.0, True)


def test_totals_against_the_lines():
    lines = {"list_revenue": 820_000.0, "net_revenue": 750_000.0, "cogs": 515_000.01}
    table = totals_reconciliation(lines, CUSTOMERS).set_index("measure")
    assert table["difference"].tolist() == [0.0, 0.0, 0.01]
    assert table["reconciles"].tolist() == [True, True, False]
    assert reconciliation_sentence(pd.DataFrame({"reconciles": [True]}), table.reset_index()
                                   ).startswith("1 revenue or COGS total(s) do not")


def test_trace_of_a_customer_by_hand(result):
    """Small: 800 orders x (40 min x $0.80) = $25,600; 100 credit checks x $200 = $20,000;
    60 complaints x $176 = $10,560; 3 freight x $12.50 = $37.50: $56,197.50."""
    trace = cost_trace(VOLUMES.loc["Small"], result.rate_table, RESOURCES, SOURCES,
                       fallback_source="activity table acts.csv")
    assert trace[["activity", "quantity", "rate", "cost"]].values.tolist() == [
        ["Order", 800.0, 32.0, 25_600.0], ["Credit check", 100.0, 200.0, 20_000.0],
        ["Complaint", 60.0, 176.0, 10_560.0], ["Freight", 3.0, 12.5, 37.5]]
    assert trace["cost"].sum() == result.pnl.loc["Small", "cost_to_serve"] == 56_197.5
    by = trace.set_index("activity")
    assert by.loc["Complaint", "rate_basis"] == "220 × $0.8000 (Customer service)"
    assert by.loc["Complaint", "capacity_basis"] == "$0.8000 = $560,000.00 / 700,000"
    assert by.loc["Freight", "rate_basis"] == "$12.50 per unit, costed directly"
    assert by.loc["Freight", "kind"] == "direct" and by.loc["Order", "kind"] == "time-driven"
    assert by.loc["Order", "source"] == ("driver 'Order' (the Data page's cost drivers): "
                                         "orders, in lines.csv")
    assert by.loc["Complaint", "source"] == "file acts.csv"
    assert by.loc["Freight", "source"] == "activity table acts.csv"  # not recorded
    assert trace_sentence(trace, 56_197.5) == (
        "The 4 activities add up to $56,197.50, its cost to serve to the cent.")
    assert "not to its cost to serve" in trace_sentence(trace, 56_197.51)


def test_trace_leaves_out_unused_activities_and_unknown_sources():
    rates = RATES.assign(capacity_cost_rate=[0.8, 0.8, 0.8, None],
                         rate=[32.0, 176.0, 200.0, 12.5])
    trace = cost_trace(pd.Series({"Order": 0.0, "Freight": 2.0}), rates)
    assert trace["activity"].tolist() == ["Freight"]
    assert source_text("Freight", None) == "not recorded (reload the data to record it)"
    assert cost_trace(pd.Series(dtype=float), rates).empty
