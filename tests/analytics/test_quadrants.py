"""Quadrants: placement, thresholds and customers without revenue."""

import pandas as pd
import pytest

from analytics.quadrants import QUADRANTS, classify, quadrant_summary, thresholds


def pnl(margin_pct, cts_pct, revenue=None, cts=None):
    n = len(margin_pct)
    return pd.DataFrame(
        {
            "net_margin_pct": margin_pct,
            "cost_to_serve_pct": cts_pct,
            "net_revenue": revenue if revenue is not None else [100.0] * n,
            "cost_to_serve": cts if cts is not None else [1.0] * n,
            "profit": [1.0] * n,
        },
        index=pd.Index([f"c{i}" for i in range(n)], name="customer_id"),
    )


def test_four_corners_at_the_median():
    table = pnl([40.0, 40.0, 10.0, 10.0], [5.0, 30.0, 5.0, 30.0])
    limits = thresholds(table)
    assert (limits.net_margin_pct, limits.cost_to_serve_pct) == (25.0, 17.5)
    assert classify(table, limits).tolist() == list(QUADRANTS)


def test_mean_and_custom_thresholds():
    table = pnl([10.0, 20.0, 90.0], [1.0, 2.0, 60.0])
    assert thresholds(table, "mean").net_margin_pct == pytest.approx(40.0)
    assert thresholds(table, "median").net_margin_pct == pytest.approx(20.0)
    custom = thresholds(table, "custom", net_margin_pct=15.0, cost_to_serve_pct=1.5)
    assert custom.method == "custom"
    expected = ["bargain_basement", "carriage_trade", "carriage_trade"]
    assert classify(table, custom).tolist() == expected
    with pytest.raises(ValueError):
        thresholds(table, "custom")
    with pytest.raises(ValueError):
        thresholds(table, "mode")


def test_at_threshold_counts_as_high():
    table = pnl([20.0], [10.0])
    limits = thresholds(table, "custom", net_margin_pct=20.0, cost_to_serve_pct=10.0)
    assert classify(table, limits).tolist() == ["carriage_trade"]


def test_customers_without_revenue_are_placed_explicitly():
    table = pnl([float("nan"), float("nan"), 30.0, 10.0], [float("nan")] * 2 + [5.0, 50.0],
                revenue=[0.0, -50.0, 100.0, 100.0], cts=[20.0, 0.0, 5.0, 50.0])
    limits = thresholds(table)
    # Thresholds come from customers with revenue only.
    assert limits.net_margin_pct == pytest.approx(20.0)
    assert classify(table, limits).tolist()[:2] == ["aggressive", "bargain_basement"]


def test_summary_counts_add_up():
    table = pnl([40.0, 40.0, 10.0, 10.0, 50.0], [5.0, 30.0, 5.0, 30.0, 1.0])
    summary = quadrant_summary(table, classify(table, thresholds(table)))
    assert summary["quadrant"].tolist() == list(QUADRANTS)
    assert summary["customers"].sum() == 5


def test_no_customer_with_revenue():
    table = pnl([float("nan")], [float("nan")], revenue=[0.0], cts=[0.0])
    limits = thresholds(table)
    assert (limits.net_margin_pct, limits.cost_to_serve_pct) == (0.0, 0.0)
    assert classify(table, limits).tolist() == ["bargain_basement"]
