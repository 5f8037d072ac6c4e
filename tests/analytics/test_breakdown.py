"""Breakdowns by segment and by activity, on a hand-made P&L."""

import numpy as np
import pandas as pd
import pytest

from analytics.breakdown import activity_cost_by, activity_costs, breakdown, customer_ranking

PNL = pd.DataFrame(
    {
        "segment": ["A", "A", "B", None],
        "net_revenue": [1000.0, 500.0, 200.0, 0.0],
        "net_margin": [400.0, 100.0, 50.0, 0.0],
        "cts_Order": [50.0, 10.0, 20.0, 0.0],
        "cts_Visit": [0.0, 90.0, 0.0, 30.0],
    },
    index=pd.Index(["c1", "c2", "c3", "c4"], name="customer_id"),
)
PNL["cost_to_serve"] = PNL["cts_Order"] + PNL["cts_Visit"]
PNL["profit"] = PNL["net_margin"] - PNL["cost_to_serve"]
RATES = pd.DataFrame({"activity": ["Order", "Visit"], "resource": ["CS", "Sales"],
                      "rate": [10.0, 30.0]})


def test_breakdown_by_segment_keeps_customers_without_one():
    table = breakdown(PNL, "segment").set_index("segment")
    assert table.loc["A", "customers"] == 2
    assert table.loc["A", "profit"] == pytest.approx(350.0)
    assert table.loc["A", "unprofitable"] == 0
    assert table.loc["(none)", "profit"] == pytest.approx(-30.0)
    assert np.isnan(table.loc["(none)", "profit_pct"])
    assert table["customers"].sum() == 4
    assert table["profit"].sum() == pytest.approx(PNL["profit"].sum())


def test_activity_costs():
    table = activity_costs(PNL, RATES).set_index("activity")
    assert table.index.tolist() == ["Visit", "Order"]
    assert table.loc["Visit", "cost"] == pytest.approx(120.0)
    assert table.loc["Visit", "share_pct"] == pytest.approx(60.0)
    assert table.loc["Visit", "customers"] == 2
    assert table.loc["Visit", "top_customer_share_pct"] == pytest.approx(75.0)
    assert table["cost"].sum() == pytest.approx(PNL["cost_to_serve"].sum())


def test_activity_cost_by_segment_as_share_of_revenue():
    table = activity_cost_by(PNL, "segment")
    assert table.loc["A", "Order"] == pytest.approx(4.0)
    assert table.loc["A", "Visit"] == pytest.approx(6.0)
    assert table.loc["B", "Order"] == pytest.approx(10.0)
    assert np.isnan(table.loc["(none)", "Visit"])


def test_customer_ranking():
    ranked = customer_ranking(PNL.assign(quadrant="carriage_trade"))
    assert ranked["customer_id"].tolist() == ["c1", "c3", "c2", "c4"]
    assert ranked["profit_pct"].iloc[0] == pytest.approx(35.0)
    assert ranked["quadrant"].iloc[0] == "carriage trade"
