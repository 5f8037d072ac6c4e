"""The one money rule: per value, to the cent, half away from zero on the decimal spelling."""

import math
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from analytics.money import from_cents, round_money, to_cents, whole_cents


@pytest.mark.parametrize(("value", "expected"), [
    (0.005, 0.01), (-0.005, -0.01),
    (0.125, 0.13), (-0.125, -0.13),      # exact binary halves: not to even (0.12)
    (1.005, 1.01), (-1.005, -1.01),      # floats just below the half: not down (1.0)
    (2.675, 2.68), (-2.675, -2.68),
    (1234567.885, 1234567.89), (-1234567.885, -1234567.89),
    (0.004, 0.0), (-0.004, 0.0), (0.0149, 0.01), (-0.0151, -0.02),
])
def test_half_cents_round_away_from_zero(value, expected):
    assert round_money(value) == expected
    assert to_cents(value) == round(expected * 100)


def test_float_noise_is_the_same_cent():
    assert round_money(-867.4899999999998) == -867.49
    assert to_cents(-867.4899999999998) == to_cents(-867.49) == -86749
    assert round_money(0.1 + 0.2) == 0.3
    assert to_cents(0.1 + 0.2) == 30


def test_no_negative_zero():
    for value in (-0.0, -0.001, -0.004999):
        rounded = round_money(value)
        assert rounded == 0 and math.copysign(1.0, rounded) == 1.0


def test_nan_and_infinities_pass_through_round_money():
    assert math.isnan(round_money(float("nan")))
    assert round_money(math.inf) == math.inf and round_money(-math.inf) == -math.inf
    series = pd.Series([1.005, np.nan, -2.675], index=["a", "b", "c"], name="profit")
    rounded = round_money(series)
    assert rounded.index.tolist() == ["a", "b", "c"] and rounded.name == "profit"
    assert rounded.iloc[0] == 1.01 and math.isnan(rounded.iloc[1]) and rounded.iloc[2] == -2.68
    assert np.isnan(round_money(np.array([np.nan, 0.125]))).tolist() == [True, False]


def test_integer_cents_refuse_what_has_no_cents():
    with pytest.raises(ValueError, match="finite"):
        to_cents(float("nan"))
    with pytest.raises(ValueError, match="finite"):
        to_cents([1.0, math.inf])
    assert to_cents([0.125, -0.125]).dtype == np.int64
    assert from_cents(to_cents([0.125, -1.005])).tolist() == [0.13, -1.01]
    assert from_cents(-86749) == -867.49


def decimal_rule(value: float) -> float:
    """The rule spelled out with Decimal: half up (away from zero) on the shortest repr."""
    exact = Decimal(repr(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return float(exact) + 0.0


@given(st.floats(min_value=-1e12, max_value=1e12, allow_nan=False))
def test_vectorised_rule_equals_the_decimal_rule(value):
    assert round_money(value) == decimal_rule(value)


@given(st.integers(min_value=-10**13, max_value=10**13))
def test_every_half_cent_rounds_away_from_zero(tenth_cents):
    # tenth_cents / 1000 spells a value with three decimals; those ending in 5 are halves.
    value = tenth_cents / 1000
    assert round_money(value) == decimal_rule(value)
    assert whole_cents([value])[0] == to_cents(value)


def test_every_place_that_rounds_money_uses_the_rule():
    from analytics import analyse
    from analytics.customer_detail import waterfall_steps
    from analytics.export import round_for_export
    from analytics.scenario import Scenario, ScenarioBase

    rounded = round_for_export(pd.DataFrame({"profit": [-1.005, 2.675], "x_pct": [0.12346] * 2}))
    assert rounded["profit"].tolist() == [-1.01, 2.68]
    assert rounded["x_pct"].tolist() == [0.1235] * 2  # not money: four decimals

    row = pd.Series({"list_revenue": 100.125, "discounts": 0.0, "cogs": 0.0, "cts_A": 1.005})
    assert waterfall_steps(row)["amount"].tolist() == [100.13, -0.0, 100.13, -0.0, 100.13,
                                                       -1.01, 99.12]

    ids = pd.Index(["C1", "C2"], name="customer_id")
    customers = pd.DataFrame({"list_revenue": [10.0, 20.0], "net_revenue": [10.0, 20.0],
                              "cogs": [0.0, 0.0]}, index=ids)
    volumes = pd.DataFrame({"Order": [1.0, 3.0]}, index=ids)
    rates = pd.DataFrame({"activity": ["Order"], "cost_per_unit": [0.125]})
    analysis = analyse(customers, volumes, rates)
    # 0.125 and 0.375 a customer: each assigned cost rounds half away from zero.
    assert analysis.pnl["cts_Order"].tolist() == [0.13, 0.38]
    assert analysis.summary()["cost_to_serve"] == 0.51
    result = ScenarioBase.build(analysis, volumes).run(Scenario("x", core_price_change_pct=0.05))
    # 10 x 0.05 % = 0.005, 20 x 0.05 % = 0.01: the exported revenue after rounds up.
    assert result.pnl_export()["net_revenue_after"].tolist() == [10.01, 20.01]
