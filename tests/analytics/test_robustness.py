"""Robust rankings: known answers on a hand-built table and the rules' invariants."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics import analyse
from analytics.robustness import (
    ROBUST_PROFITABLE,
    ROBUST_UNPROFITABLE,
    SENSITIVE,
    check_pct,
    classify_robustness,
    robustness_counts,
    robustness_sentence,
    robustness_summary,
    stressed_profits,
    unprofitable_probability,
)


def hand_table() -> pd.DataFrame:
    """Five customers, two activities (Order at $10, Visit at $100), revenue and COGS
    chosen so that at ±10 % each lands where the comment says (worked by hand)."""
    customers = pd.DataFrame(
        {"list_revenue": [1000.0, 500.0, 310.0, 1000.0, 330.0],
         "net_revenue": [1000.0, 500.0, 310.0, 1000.0, 330.0],
         "cogs": [600.0, 400.0, 100.0, 700.0, 100.0]},
        index=pd.Index(["Cprof", "Closs", "Csens", "Cedge", "Czero"], name="customer_id"),
    )
    volumes = pd.DataFrame({"Order": [10.0, 5.0, 10.0, 7.0, 13.0],
                            "Visit": [2.0, 2.0, 1.0, 2.0, 1.0]}, index=customers.index)
    rates = pd.DataFrame({"activity": ["Order", "Visit"], "cost_per_unit": [10.0, 100.0]})
    return analyse(customers, volumes, rates).pnl


def test_known_answers_at_ten_percent():
    pnl = hand_table()
    # cost to serve 300, 250, 200, 270, 230:
    # Cprof: 1000-600-300 = 100; at +10 %: 100-30 = 70 > 0      -> robust profitable
    # Closs: 500-400-250 = -150; at -10 %: -150+25 = -125 < 0  -> robust unprofitable
    # Csens: 310-100-200 = 10; at +10 %: 10-20 = -10            -> sensitive
    # Cedge: 1000-700-270 = 30; at +10 %: 30-27 = 3 > 0         -> robust profitable
    # Czero: 330-100-230 = 0 today (neither)                    -> sensitive
    assert pnl["profit"].tolist() == [100.0, -150.0, 10.0, 30.0, 0.0]
    worst, best = stressed_profits(pnl, 10)
    assert worst.tolist() == [7000.0, -17500.0, -1000.0, 300.0, -2300.0]
    assert best.tolist() == [13000.0, -12500.0, 3000.0, 5700.0, 2300.0]
    classes = classify_robustness(pnl, 10)
    assert classes.to_dict() == {"Cprof": ROBUST_PROFITABLE, "Closs": ROBUST_UNPROFITABLE,
                                 "Csens": SENSITIVE, "Cedge": ROBUST_PROFITABLE,
                                 "Czero": SENSITIVE}
    assert robustness_counts(classes, pnl["profit"]) == {
        ROBUST_PROFITABLE: 2, ROBUST_UNPROFITABLE: 1, SENSITIVE: 2, "unprofitable": 1}


def test_the_boundary_is_sensitive_and_one_cent_past_it_is_robust():
    # Cedge makes $30 on $270 of cost to serve: at +11.111... % its profit is exactly 0.
    pnl = hand_table().loc[["Cedge"]]
    assert classify_robustness(pnl, 100 / 9).tolist() == [SENSITIVE]  # exactly 0 cents
    assert classify_robustness(pnl, 11.1).tolist() == [ROBUST_PROFITABLE]  # 0.03 left
    assert classify_robustness(pnl, 11.11).tolist() == [SENSITIVE]  # 0.003: 0 cents
    assert classify_robustness(pnl, 11.12).tolist() == [SENSITIVE]  # -0.02


def test_float_noise_is_compared_in_whole_cents():
    # 0.1 + 0.2 - 0.3 is 5.6e-17, not zero: in whole cents it is 0, so sensitive.
    pnl = pd.DataFrame({"profit": [0.1 + 0.2 - 0.3, -0.004, 0.005],
                        "cost_to_serve": [0.0, 0.0, 0.0]})
    assert classify_robustness(pnl, 10).tolist() == [SENSITIVE, SENSITIVE, ROBUST_PROFITABLE]


def test_at_zero_percent_the_classes_are_todays_signs():
    pnl = hand_table()
    classes = classify_robustness(pnl, 0)
    expected = np.where(pnl["profit"] > 0, ROBUST_PROFITABLE,
                        np.where(pnl["profit"] < 0, ROBUST_UNPROFITABLE, SENSITIVE))
    assert classes.tolist() == expected.tolist()


def test_a_credit_is_costlier_when_its_rate_is_lower():
    # A negative activity cost (a credit of 50) and a cost of 100: profit 10. With rates
    # 10 % higher, 10 - 10 + 5 = 5; but with the credit's rate 10 % lower and the cost's
    # 10 % higher, 10 - 10 - 5 = -5. The worst case counts both: sensitive.
    pnl = pd.DataFrame({"profit": [10.0], "cts_Work": [100.0], "cts_Credit": [-50.0]})
    assert stressed_profits(pnl, 10)[0].tolist() == [-500.0]
    assert classify_robustness(pnl, 10).tolist() == [SENSITIVE]


@pytest.mark.parametrize("bad", [-0.5, 100.01, float("nan"), float("inf"), "ten", None])
def test_uncertainty_must_be_0_to_100(bad):
    with pytest.raises(ValueError, match="from 0 to 100"):
        check_pct(bad)
    with pytest.raises(ValueError):
        classify_robustness(hand_table(), bad)


def test_monte_carlo_known_answers():
    pnl = hand_table()
    chance = unprofitable_probability(pnl, 10, draws=4000, seed=5)
    assert chance["Cprof"] == 0.0 and chance["Cedge"] == 0.0 and chance["Closs"] == 1.0
    # Czero loses money when 130 e1 + 100 e2 (its orders' and visit's errors) is half a
    # cent or more: half the draws, less a band of width 0.005 around zero.
    assert 0.47 < chance["Czero"] < 0.53
    # Csens loses when 100 e1 + 100 e2 >= 10.005, i.e. e1 + e2 >= 0.10005 with e1, e2
    # uniform in ±0.1: the triangle's tail, (0.2 - 0.10005)^2 / (8 x 0.1^2) = 0.1249.
    assert 0.105 < chance["Csens"] < 0.145
    assert chance.name == "p_unprofitable" and chance.index.equals(pnl.index)


def test_monte_carlo_is_deterministic_and_does_not_depend_on_batches():
    pnl = hand_table()
    one = unprofitable_probability(pnl, 25, draws=501, seed=42)
    again = unprofitable_probability(pnl, 25, draws=501, seed=42, batch_cells=7)
    assert one.equals(again)
    other = unprofitable_probability(pnl, 25, draws=501, seed=43)
    assert not one.equals(other)  # a different seed, different draws


def test_monte_carlo_without_activities_is_todays_sign():
    pnl = pd.DataFrame({"profit": [-1.0, 0.0, 2.0]})
    pnl["cost_to_serve"] = 0.0
    assert unprofitable_probability(pnl, 50, draws=10).tolist() == [1.0, 0.0, 0.0]
    with pytest.raises(ValueError, match="draws"):
        unprofitable_probability(pnl, 50, draws=0)


def test_summary_and_sentence():
    pnl = hand_table()
    classes = classify_robustness(pnl, 10)
    chance = unprofitable_probability(pnl, 10, draws=200, seed=1)
    summary = robustness_summary(classes, pnl["profit"], 10, chance, 200, 1)
    assert summary["rate_uncertainty_pct"] == 10.0 and summary["sensitive"] == 2
    assert summary["monte_carlo"]["draws"] == 200 and summary["monte_carlo"]["seed"] == 1
    assert summary["monte_carlo"]["expected_unprofitable"] == round(float(chance.sum()), 2)
    assert robustness_sentence(robustness_counts(classes, pnl["profit"]), 10) == (
        "The one loss-making customer loses money even with every activity rate 10% lower "
        "(or any mix of rate errors within ±10%).")
    assert robustness_sentence({"robust_unprofitable": 0, "unprofitable": 0}, 10) == (
        "No customer loses money today.")
    assert robustness_sentence({"robust_unprofitable": 0, "unprofitable": 3}, 5).startswith(
        "None of the 3 loss-making customers")
    assert robustness_sentence({"robust_unprofitable": 1, "unprofitable": 3}, 5).startswith(
        "1 of the 3 loss-making customers loses money")
    assert robustness_sentence({"robust_unprofitable": 1, "unprofitable": 3}, 0) is None


# --- properties on random tables ----------------------------------------------------

cents = st.integers(min_value=-10**7, max_value=10**7)
cost_cents = st.integers(min_value=0, max_value=10**6)


@st.composite
def pnls(draw):
    n = draw(st.integers(min_value=1, max_value=30))
    k = draw(st.integers(min_value=0, max_value=4))
    costs = np.array(draw(st.lists(st.lists(cost_cents, min_size=k, max_size=k),
                                   min_size=n, max_size=n)), dtype=float).reshape(n, k) / 100
    margin = np.array(draw(st.lists(cents, min_size=n, max_size=n)), dtype=float) / 100
    pnl = pd.DataFrame(costs, columns=[f"cts_A{j}" for j in range(k)],
                       index=pd.Index([f"C{i}" for i in range(n)], name="customer_id"))
    pnl["cost_to_serve"] = costs.sum(axis=1)
    pnl["profit"] = margin - pnl["cost_to_serve"]
    return pnl


pcts = st.floats(min_value=0, max_value=100, allow_nan=False)


@settings(max_examples=150, deadline=None)
@given(pnls(), pcts)
def test_robust_profitable_customers_are_profitable_at_zero(pnl, pct):
    classes = classify_robustness(pnl, pct)
    today = classify_robustness(pnl, 0)
    assert (today[classes == ROBUST_PROFITABLE] == ROBUST_PROFITABLE).all()
    assert (today[classes == ROBUST_UNPROFITABLE] == ROBUST_UNPROFITABLE).all()
    counts = robustness_counts(classes, pnl["profit"])
    assert sum(counts[c] for c in (ROBUST_PROFITABLE, ROBUST_UNPROFITABLE, SENSITIVE)) == len(pnl)
    assert counts[ROBUST_UNPROFITABLE] <= counts["unprofitable"]


@settings(max_examples=150, deadline=None)
@given(pnls(), pcts, pcts)
def test_raising_the_uncertainty_never_makes_a_sensitive_customer_robust(pnl, a, b):
    low, high = sorted((a, b))
    before, after = classify_robustness(pnl, low), classify_robustness(pnl, high)
    assert (after[before == SENSITIVE] == SENSITIVE).all()
    # and a robust customer either stays in its class or becomes sensitive
    assert ((after == before) | (after == SENSITIVE)).all()


@settings(max_examples=60, deadline=None)
@given(pnls(), pcts, st.integers(min_value=0, max_value=2**32))
def test_monte_carlo_is_certain_for_robust_customers(pnl, pct, seed):
    classes = classify_robustness(pnl, pct)
    chance = unprofitable_probability(pnl, pct, draws=50, seed=seed, batch_cells=64)
    assert (chance[classes == ROBUST_PROFITABLE] == 0.0).all()
    assert (chance[classes == ROBUST_UNPROFITABLE] == 1.0).all()
    assert ((chance >= 0) & (chance <= 1)).all()
    assert chance.equals(unprofitable_probability(pnl, pct, draws=50, seed=seed))
