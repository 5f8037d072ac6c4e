"""Who a scenario touches, the menu as a table and the suggested minimum: known answers
on the Kanthal case (tests/analytics/test_scenario.py)."""

import numpy as np
import pandas as pd
import pytest

from analytics import analyse
from analytics.scenario import (
    MenuItem,
    ParsedMenu,
    Scenario,
    ScenarioBase,
    comparison_table,
    impact_table,
    menu_table,
    parse_menu_table,
    payer_rows,
    stake_sentence,
    suggested_minimum,
)
from tests.analytics.test_scenario import KANTHAL_RATES, KANTHAL_RESOURCES

# Order changes carry a $450 fee and half of them stop: GE (400 changes) pays 200 x 450.
CHANGE_FEE = Scenario("Change fee", at_risk_pct=5.0).with_item(
    "Order change", fee_per_unit=450.0, usage_response_pct=50.0)


@pytest.fixture
def base():
    ids = pd.Index(["Normal", "GE"], name="customer_id")
    customers = pd.DataFrame(
        {"list_revenue": [520_000.0, 1_100_000.0], "net_revenue": [500_000.0, 1_000_000.0],
         "cogs": [380_000.0, 800_000.0], "name": ["Normal Co", "General Electric"]},
        index=ids,
    )
    volumes = pd.DataFrame({"Order": [400.0, 400.0], "Order change": [0.0, 400.0]}, index=ids)
    return ScenarioBase.build(analyse(customers, volumes, KANTHAL_RATES, KANTHAL_RESOURCES),
                              volumes), customers


def test_payers_and_the_impact_table(base):
    model, customers = base
    result = model.run(CHANGE_FEE)
    rows = payer_rows(result)
    assert result.pnl.index[rows].tolist() == ["GE"]
    table = impact_table(result, customers, rows)
    assert table["customer_id"].tolist() == ["GE"]
    assert table["name"].tolist() == ["General Electric"]
    assert table["bill_change"].tolist() == [90_000.0]
    assert table["quadrant_before"].iloc[0] in {"Passive", "Carriage trade",
                                                "Bargain basement", "Aggressive"}
    everyone = impact_table(result, customers)
    assert everyone["customer_id"].tolist() == ["GE", "Normal"]  # by id
    assert everyone["bill_change"].tolist() == [90_000.0, 0.0]


def test_nobody_pays_more_today(base):
    model, _ = base
    assert len(payer_rows(model.run(Scenario("Today")))) == 0


def test_stake_sentences():
    assert stake_sentence({"customers_at_risk": 0}) == (
        "Nobody is at risk, so no customer's leaving is in view.")
    assert stake_sentence({"customers_at_risk": 1, "at_risk_leave_profit_change": -400.0,
                           "at_risk_leave_profit_change_capacity_cut": 1500.0}, "€") == (
        "If the at-risk customer leaves, company profit falls by €400.00 while their capacity "
        "is kept (their timed cost stays as unused capacity); only if that capacity is cut "
        "too does it rise by €1,500.00.")


def test_comparison_has_today_then_each_scenario(base):
    model, _ = base
    fee = model.run(CHANGE_FEE)
    cheaper = model.run(Scenario("Cheaper").with_item("Order", rate_change_pct=-10.0))
    table = comparison_table([("Fee", fee), ("Cheaper", cheaper)])
    assert table["scenario"].tolist() == ["Today", "Fee", "Cheaper"]
    assert table.loc[0, "profit"] == fee.figures["profit_before"]
    assert table.loc[0, ["change", "fee_revenue", "customers_at_risk"]].tolist() == [0, 0, 0]
    assert table.loc[1, "change"] == pytest.approx(
        fee.figures["profit_after"] - fee.figures["profit_before"], abs=0.005)
    assert table.loc[1, "customers_paying_more"] == 1
    assert table.loc[2, "fee_revenue"] == 0.0


def test_menu_table_round_trips_and_refuses_what_it_used_to_clamp(base):
    model, _ = base
    table = menu_table(model, CHANGE_FEE)
    assert table["activity"].tolist() == ["Order", "Order change"]
    assert table["rate"].tolist() == [150.0, 450.0]
    assert parse_menu_table(table).items == (MenuItem("Order change", 450.0, 50.0, 0.0),)
    assert parse_menu_table(menu_table(model)) == ParsedMenu((), ())
    # An emptied cell counts as 0; out-of-range values are refused, none clamped.
    odd = table.assign(fee_per_unit=[np.nan, -5.0], usage_response_pct=[0.0, 120.0],
                       rate_change_pct=[-150.0, 0.0])
    parsed = parse_menu_table(odd, model.activities)
    assert parsed.items == ()
    assert parsed.refusal("Service menu", "row").splitlines() == [
        'Service menu row 1, rate_change_pct: "-150" must be -100 or more',
        'Service menu row 2, fee_per_unit: "-5" must be 0 or more',
        'Service menu row 2, usage_response_pct: "120" must be between 0 and 100',
    ]


def test_suggested_minimum_is_a_round_quarter_of_the_average_order():
    customers = pd.DataFrame({"net_revenue": [30_000.0, 19_440.0], "orders": [40, 8]})
    assert suggested_minimum(customers) == 300.0  # 1,030 an order / 4 = 257.5 -> 300
    assert suggested_minimum(customers.assign(orders=0)) == 0.0
    assert suggested_minimum(customers.assign(net_revenue=-1.0)) == 0.0


def test_if_the_at_risk_customers_leave_capacity_kept_and_cut():
    """Issue 10, item 2, by hand: a customer at risk leaves. With its capacity kept, the
    company loses its revenue and fees and saves only COGS and the direct cost (its timed
    cost stays as unused capacity); only with that capacity cut does profit rise by its
    loss."""
    rates = pd.DataFrame({"activity": ["Order", "Freight"], "cost_per_unit": [None, 10.0],
                          "resource": ["Customer service", None], "unit_time": [40.0, None]})
    resources = pd.DataFrame({"resource": ["Customer service"], "cost": [560_000.0],
                              "capacity": [700_000.0]})  # $0.80 a minute: $32 an order
    ids = pd.Index(["A", "B"], name="customer_id")
    customers = pd.DataFrame({"list_revenue": [10_000.0, 1_000.0],
                              "net_revenue": [10_000.0, 1_000.0], "cogs": [6_000.0, 900.0]},
                             index=ids)
    volumes = pd.DataFrame({"Order": [10.0, 50.0], "Freight": [5.0, 20.0]}, index=ids)
    model = ScenarioBase.build(analyse(customers, volumes, rates, resources), volumes)
    result = model.run(Scenario("Order fee").with_item("Order", fee_per_unit=20.0))
    f = result.figures
    assert f["customers_at_risk"] == 1  # B: its bill doubles; A's rises 2 %
    assert result.pnl.loc["B", "profit_after"] == -700.0  # 2,000 - 900 - 1,800
    # B leaves: -2,000 revenue and fees, +900 COGS, +200 freight; its 1,600 of timed cost
    # stays.
    assert f["at_risk_leave_profit_change"] == -900.0
    assert f["at_risk_leave_profit_change_capacity_cut"] == 700.0
