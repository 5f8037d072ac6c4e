"""Extreme but valid datasets (issue 14, finding 2): every value within the bounds
validation allows (money, quantities, times, costs and capacities below 1e12 in size,
capacities above zero). No figure the analysis shows or exports is infinite or NaN, and
the formatted KPIs never read "inf" or "nan" (the Overview once showed $infB)."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analytics import analyse, format_money, format_pct
from analytics.money import whole_cents

LARGEST = 999_999_999_999.99
CENTS = 99_999_999_999_999
# Amounts as a file holds them: to the cent (a load reads them so), the bounds included.
money = st.one_of(st.sampled_from([0.0, 0.01, -0.01, LARGEST, -LARGEST]),
                  st.integers(-CENTS, CENTS).map(lambda c: c / 100))
amount = st.one_of(st.sampled_from([0.0, 0.01, LARGEST]),
                   st.integers(0, CENTS).map(lambda c: c / 100))
positive = st.one_of(st.sampled_from([0.01, 1.0, LARGEST]),
                     st.integers(1, CENTS).map(lambda c: c / 100))


@st.composite
def datasets(draw):
    n = draw(st.integers(1, 6))
    ids = [f"C{i}" for i in range(n)]
    net = draw(st.lists(money, min_size=n, max_size=n))
    customers = pd.DataFrame(
        {"list_revenue": [max(v, 0.0) + d for v, d in
                          zip(net, draw(st.lists(amount, min_size=n, max_size=n)), strict=True)],
         "net_revenue": net,
         "cogs": draw(st.lists(money, min_size=n, max_size=n))},
        index=pd.Index(ids, name="customer_id"))
    customers["list_revenue"] = customers["list_revenue"].clip(upper=LARGEST)
    volumes = pd.DataFrame({"Order": draw(st.lists(amount, min_size=n, max_size=n)),
                            "Visit": draw(st.lists(amount, min_size=n, max_size=n))},
                           index=customers.index)
    rates = pd.DataFrame({"activity": ["Order", "Visit"],
                          "cost_per_unit": [draw(amount), None],
                          "resource": [None, "Staff"],
                          "unit_time": [None, draw(amount)]})
    resources = pd.DataFrame({"resource": ["Staff"], "cost": [draw(amount)],
                              "capacity": [draw(positive)]})
    return customers, volumes, rates, resources


def numbers(value):
    if isinstance(value, dict):
        for item in value.values():
            yield from numbers(item)
    elif isinstance(value, bool | str) or value is None:
        return
    elif isinstance(value, int | float):
        yield float(value)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(datasets())
def test_no_figure_is_infinite_or_nan(data):
    """Never infinite; NaN only where a percentage has no meaning by definition (of a
    net revenue or a total profit that is zero or negative: shown empty)."""
    customers, volumes, rates, resources = data
    result = analyse(customers, volumes, rates, resources)
    pnl, whale = result.pnl_export(), result.whale_export()
    for frame in (pnl, result.capacity_export(), whale):
        values = frame.select_dtypes("number").to_numpy(dtype=float)
        assert not np.isinf(values).any(), frame
    undefined = {"net_margin_pct": (pnl["net_revenue"] <= 0).to_numpy()}
    if whale["profit"].sum() <= 0:
        undefined["cum_profit_pct"] = np.ones(len(whale), bool)
    if customers["net_revenue"].sum() <= 0:
        undefined["cum_revenue_pct"] = np.ones(len(whale), bool)
    for frame in (pnl, result.capacity_export(), whale):
        for column in frame.select_dtypes("number").columns:
            missing = frame[column].isna().to_numpy()
            expected = undefined.get(column, np.zeros(len(frame), bool))
            assert (missing <= expected).all(), (column, frame)
    assert all(math.isfinite(v) for v in numbers(result.summary()))
    # Ranked by profit, most profitable first (in whole cents: analytics.ranking).
    assert (np.diff(whole_cents(whale["profit"])) <= 0).all(), whale
    shown = [format_money(v) for v in result.totals().values()]
    shown += [format_pct(v) for v in result.pnl["net_margin_pct"]]
    assert not any("inf" in s.lower() for s in shown), shown


def test_a_cost_to_serve_past_int64_cents_still_ranks_last():
    """A quantity and a rate each just below the bound: a cost to serve of 1e24, whose
    int64 cents wrapped around and ranked the customer most profitable."""
    customers = pd.DataFrame({"list_revenue": [0.0, 0.0], "net_revenue": [0.0, 0.0],
                              "cogs": [0.0, 0.0]},
                             index=pd.Index(["A", "B"], name="customer_id"))
    volumes = pd.DataFrame({"Order": [999_999_999_999.0, 0.0]}, index=customers.index)
    rates = pd.DataFrame({"activity": ["Order"], "cost_per_unit": [999_999_999_999.0]})
    whale = analyse(customers, volumes, rates).whale_export()
    assert whale["customer_id"].tolist() == ["B", "A"]


def test_money_past_int64_cents_is_refused_not_wrapped():
    from analytics.money import to_cents

    with pytest.raises(ValueError, match="cannot be counted in cents"):
        to_cents(np.array([1.0, 1e24]))
    assert to_cents(np.array([92_233_720_368_547.0])).tolist() == [9_223_372_036_854_700]
    assert to_cents(1e24) > 2**63  # a Python int holds it
