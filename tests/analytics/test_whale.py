"""The whale curve: hand-computed answers and the edge cases the spec names."""

import numpy as np
import pandas as pd
import pytest

from analytics.whale import downsample, whale_curve


def frame(profits, revenues=None, ids=None):
    n = len(profits)
    ids = ids or [f"C{i:02d}" for i in range(n)]
    revenues = revenues if revenues is not None else [100.0] * n
    return pd.DataFrame({"profit": profits, "net_revenue": revenues},
                        index=pd.Index(ids, name="customer_id"))


def test_ten_customers_by_hand():
    # Total 100: the top two earn 200, the bottom one loses 80.
    profits = [120.0, 80.0, 10.0, 5.0, 0.0, 0.0, -5.0, -10.0, -20.0, -80.0]
    curve = whale_curve(frame(profits))
    s = curve.summary
    assert s.total_profit == pytest.approx(100.0)
    assert s.top20_profit_pct == pytest.approx(200.0)
    assert s.bottom10_profit_pct == pytest.approx(-80.0)
    assert s.peak_pct == pytest.approx(215.0)
    assert s.peak_customers_pct == pytest.approx(40.0)  # the fourth customer reaches the peak
    assert s.tail_loss == pytest.approx(115.0)
    assert s.unprofitable_customers == 4
    assert curve.points["cum_profit_pct"].iloc[-1] == pytest.approx(100.0)
    assert curve.points["cum_revenue_pct"].tolist() == pytest.approx(list(range(10, 101, 10)))


def test_ranking_is_by_profit_then_customer_id():
    curve = whale_curve(frame([5.0, 5.0, 9.0], ids=["b", "a", "c"]))
    assert curve.points["customer_id"].tolist() == ["c", "a", "b"]
    assert curve.points["rank"].tolist() == [1, 2, 3]


def test_fractional_top20_interpolates():
    # n = 3: 20 % of customers is 0.6 of the best customer.
    curve = whale_curve(frame([60.0, 30.0, 10.0]))
    assert curve.summary.top20_profit == pytest.approx(36.0)
    assert curve.summary.top20_profit_pct == pytest.approx(36.0)
    # bottom 10 % = 0.3 of the worst customer: 3.0 of 100.
    assert curve.summary.bottom10_profit_pct == pytest.approx(3.0)


def test_one_customer():
    s = whale_curve(frame([50.0])).summary
    assert s.peak_pct == pytest.approx(100.0)
    assert s.peak_customers_pct == pytest.approx(100.0)
    assert s.top20_profit_pct == pytest.approx(20.0)
    assert s.bottom10_profit_pct == pytest.approx(10.0)


def test_ties_do_not_change_the_figures():
    a = whale_curve(frame([10.0, 10.0, 10.0, 10.0, -5.0], ids=list("abcde"))).summary
    b = whale_curve(frame([10.0, 10.0, 10.0, 10.0, -5.0], ids=list("edcba"))).summary
    assert a.top20_profit_pct == pytest.approx(b.top20_profit_pct)
    assert a.peak_pct == pytest.approx(b.peak_pct)


def test_zero_revenue_customers_are_ranked():
    curve = whale_curve(frame([50.0, -10.0, 0.0], revenues=[100.0, 0.0, 0.0]))
    assert curve.points["customer_id"].tolist() == ["C00", "C02", "C01"]
    assert curve.points["cum_revenue_pct"].tolist() == pytest.approx([100.0, 100.0, 100.0])


@pytest.mark.parametrize("profits", [[10.0, -10.0], [-5.0, -1.0], [0.0, 0.0]])
def test_nonpositive_total_switches_to_amounts(profits):
    curve = whale_curve(frame(profits))
    s = curve.summary
    assert not s.profit_is_positive
    assert s.peak_pct is None and s.top20_profit_pct is None and s.bottom10_profit_pct is None
    assert curve.points["cum_profit_pct"].isna().all()
    assert s.peak_profit == pytest.approx(max(np.cumsum(sorted(profits, reverse=True))))


def test_no_customers():
    curve = whale_curve(frame([]))
    assert curve.summary.customers == 0
    assert curve.points.empty


def test_downsample_keeps_shape_and_extremes():
    rng = np.random.default_rng(3)
    profits = np.concatenate([rng.lognormal(5, 1, 80_000), -rng.lognormal(5, 1.5, 20_000)])
    curve = whale_curve(frame(list(profits), ids=[f"C{i:06d}" for i in range(len(profits))]))
    small = downsample(curve.points, 2000)
    assert len(small) <= 2000
    assert small["cum_profit"].max() == curve.points["cum_profit"].max()
    assert small.iloc[0]["rank"] == 1 and small.iloc[-1]["rank"] == len(profits)
    # Between kept points the true curve never strays outside its bucket's kept extremes.
    assert small["rank"].is_monotonic_increasing
