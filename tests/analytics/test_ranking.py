"""The one ranking rule: profit in whole cents, most profitable first, then customer id."""

import numpy as np
import pandas as pd
import pytest

from analytics.breakdown import breakdown, customer_ranking
from analytics.ranking import id_order, profit_order, rank_customers
from analytics.scenario import Scenario, ScenarioBase
from analytics.whale import whale_curve

# -867.49 computed two ways: the float noise must not decide the order.
NOISY = -867.4899999999998


def pnl(profits, ids):
    return pd.DataFrame({"profit": profits, "net_revenue": [1000.0] * len(profits)},
                        index=pd.Index(ids, name="customer_id"))


def test_float_noise_is_a_tie_broken_by_customer_id():
    assert NOISY != -867.49 and NOISY > -867.49  # as floats, the noisy one is larger
    frame = pnl([-867.49, NOISY, 12.0, -867.49], ["C3", "C9", "C5", "C1"])
    assert frame.index[rank_customers(frame)].tolist() == ["C5", "C1", "C3", "C9"]


def test_ids_compare_as_text_and_a_cent_still_counts():
    frame = pnl([10.0, 10.0, 10.01, 9.99], [10, 9, 2, 1])
    assert frame.index[rank_customers(frame)].tolist() == [2, 10, 9, 1]


def test_half_cents_round_away_from_zero_before_comparing():
    # 0.005 is 1 cent, 0.004 is 0: the first ranks above, the others tie (by id).
    frame = pnl([0.004, 0.005, 0.0, -0.004], ["d", "c", "b", "a"])
    assert frame.index[rank_customers(frame)].tolist() == ["c", "a", "b", "d"]


def test_customer_id_column_is_used_when_present():
    frame = pnl([5.0, 5.0, 7.0], ["x", "y", "z"]).reset_index()
    frame["customer_id"] = ["b", "a", "c"]
    assert frame["customer_id"].iloc[rank_customers(frame)].tolist() == ["c", "a", "b"]


def test_missing_profits_come_last_by_id():
    frame = pnl([np.nan, 1.0, np.nan, -1.0], ["b", "c", "a", "d"])
    assert frame.index[rank_customers(frame)].tolist() == ["c", "d", "a", "b"]


def test_profit_order_and_id_order():
    assert id_order(["b", "c", "a"]).tolist() == [1, 2, 0]
    assert profit_order([], id_order([])).tolist() == []
    with pytest.raises(KeyError, match="profit"):
        rank_customers(pd.DataFrame({"net_revenue": [1.0]}))


def test_whale_curve_order_is_the_ranking():
    frame = pnl([-867.49, NOISY, 40.0, 40.0 + 1e-12, -867.49], ["E", "A", "Z", "B", "C"])
    points = whale_curve(frame).points
    assert points["customer_id"].tolist() == ["B", "Z", "A", "C", "E"]
    ranked = frame.index[rank_customers(frame)].astype(str).tolist()
    assert points["customer_id"].tolist() == ranked
    # The ranking never depends on the order of the rows.
    shuffled = frame.iloc[[3, 0, 4, 2, 1]]
    assert whale_curve(shuffled).points["customer_id"].tolist() == ranked


def test_customer_ranking_table_is_the_whale_order():
    frame = pnl([NOISY, -867.49, 3.0], ["b", "a", "c"])
    assert customer_ranking(frame)["customer_id"].tolist() == ["c", "a", "b"]
    assert customer_ranking(frame)["customer_id"].tolist() == (
        whale_curve(frame).points["customer_id"].tolist())


def test_breakdown_groups_rank_by_cents_then_name():
    frame = pd.DataFrame({
        "segment": ["B", "A", "C"],
        "net_revenue": [1.0, 1.0, 1.0], "net_margin": [1.0, 1.0, 1.0],
        "cost_to_serve": [0.0, 0.0, 0.0], "profit": [NOISY, -867.49, 0.0],
    })
    assert breakdown(frame, "segment")["segment"].tolist() == ["C", "A", "B"]


def test_scenario_whale_after_uses_the_ranking():
    from analytics.analysis import analyse
    from analytics.scenario import Scope

    ids = pd.Index(["B", "A", "C"], name="customer_id")
    customers = pd.DataFrame({"list_revenue": [0.1, 0.11, 1.0], "net_revenue": [0.1, 0.11, 1.0],
                              "cogs": [0.0, 0.0, 0.0]}, index=ids)
    volumes = pd.DataFrame({"Order": [0.0, 0.0, 0.0]}, index=ids)
    rates = pd.DataFrame({"activity": ["Order"], "cost_per_unit": [1.0]})
    base = ScenarioBase.build(analyse(customers, volumes, rates), volumes)
    # B's price rises 10 %: 0.1 + 0.01 = 0.11000000000000001, A's 0.11 as it was.
    result = base.run(Scenario("x", core_price_change_pct=10.0, scope=Scope.customers(["B"])))
    assert result.pnl.loc["B", "profit_after"] > result.pnl.loc["A", "profit_after"]
    assert result.whale_after.points["customer_id"].tolist() == ["C", "A", "B"]
